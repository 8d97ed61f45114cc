//! Authentication on gRPC servers and the authorization check of each command.
//!
//! The interceptor verifies the bearer token (if any) and stores the
//! [`Principal`] in the request's extensions; a request without a token is
//! anonymous, a request with a bad token is refused outright (UNAUTHENTICATED),
//! so a client never silently acts as nobody. Each command then calls
//! [`require`] with the commune it touches and the roles it accepts.

use std::time::{SystemTime, UNIX_EPOCH};

use tonic::{Request, Status};

use crate::role::{Principal, Role};
use crate::token::Verifier;

/// A tonic interceptor: `ReportsServer::with_interceptor(svc, authenticate(verifier))`.
pub fn authenticate(verifier: Verifier) -> impl FnMut(Request<()>) -> Result<Request<()>, Status> + Clone {
    move |mut request: Request<()>| {
        let principal = match request.metadata().get("authorization") {
            None => Principal::Anonymous,
            Some(value) => {
                let token = value
                    .to_str()
                    .ok()
                    .and_then(|v| v.strip_prefix("Bearer "))
                    .ok_or_else(|| Status::unauthenticated("authorization must be `Bearer <token>`"))?;
                let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
                verifier
                    .verify(token.trim(), now)
                    .map_err(|e| Status::unauthenticated(format!("invalid access token: {e}")))?
                    .principal()
            }
        };
        request.extensions_mut().insert(principal);
        Ok(request)
    }
}

/// The principal the interceptor stored (anonymous if none ran).
pub fn principal<T>(request: &Request<T>) -> Principal {
    request.extensions().get::<Principal>().cloned().unwrap_or_default()
}

/// Refuses the command unless the principal holds one of `roles` in `commune`:
/// UNAUTHENTICATED for nobody, PERMISSION_DENIED for an account without the role.
pub fn require(principal: &Principal, commune: &str, roles: &[Role]) -> Result<(), Status> {
    require_role_or_scope(principal, commune, roles, None)
}

/// Like [`require`], also accepting an integration client of `commune` that holds `scope`.
pub fn require_role_or_scope(
    principal: &Principal,
    commune: &str,
    roles: &[Role],
    scope: Option<&str>,
) -> Result<(), Status> {
    if principal.has_any(commune, roles) || scope.is_some_and(|scope| principal.has_scope(commune, scope)) {
        return Ok(());
    }
    match principal {
        Principal::Anonymous => Err(Status::unauthenticated("this action needs a signed-in account")),
        _ => Err(Status::permission_denied(format!(
            "this action needs one of these roles in commune {commune}: {}{}",
            roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "),
            scope.map(|s| format!(" (or an integration client with scope {s})")).unwrap_or_default()
        ))),
    }
}

/// Refuses anonymous callers.
pub fn require_signed_in(principal: &Principal) -> Result<(), Status> {
    match principal {
        Principal::Anonymous => Err(Status::unauthenticated("this action needs a signed-in account")),
        _ => Ok(()),
    }
}
