//! `/api/v1/communes…` of the identity service: the communes themselves
//! (tenants, registered and suspended by the operator), the roles granted in
//! each, and their integration clients for city IT.
//!
//! The gRPC requests name the commune in a `commune` field or a resource
//! `name`; here it is the `{insee}` of the path, so the service's field
//! violations about it come back under `insee`.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::{Json, Router, routing};
use miroir_proto::identity::v1 as pb;

use crate::AppState;
use crate::error::{ErrorBody, GatewayError};
use crate::rest::account::no_store;
use crate::rest::extract::{ApiJson, ClientPath, CommunePath, CommuneSearch, EmailQuery, Forwarded, PageQuery, Public};
use crate::rest::identity_schemas::{
    Account, Commune, CommuneList, CreateClient, CreatedClient, Grant, GrantRole, IntegrationClient,
    IntegrationClientList, RegisterCommune, RevokeClient, RevokeRole, RoleChangeList, SuspendCommune,
};
use crate::upstream::{call, request};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/communes", routing::get(list_communes).post(register_commune))
        .route("/communes/{insee}", routing::get(get_commune))
        .route("/communes/{insee}/suspend", routing::post(suspend_commune))
        .route("/communes/{insee}/reactivate", routing::post(reactivate_commune))
        .route("/communes/{insee}/role-changes", routing::get(list_role_changes))
        .route("/communes/{insee}/roles", routing::post(grant_role).delete(revoke_role))
        .route("/communes/{insee}/accounts", routing::get(lookup_account))
        .route("/communes/{insee}/clients", routing::get(list_clients).post(create_client))
        .route("/communes/{insee}/clients/{client_id}/revoke", routing::post(revoke_client))
}

/// The gRPC `commune` field is the path's `{insee}`.
const COMMUNE_IS_INSEE: &[(&str, &str)] = &[("commune", "insee")];

fn commune_name(insee: &str) -> String {
    format!("communes/{insee}")
}

/// Register a commune on the platform (the operator).
#[utoipa::path(
    post,
    path = "/api/v1/communes",
    tag = "communes",
    operation_id = "register_commune",
    params(
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = RegisterCommune,
    responses(
        (status = 201, description = "Commune registered", body = Commune,
            headers(("Location" = String, description = "URL of the commune"))),
        (status = 400, description = "Invalid input; `field_violations` name the fields", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not the operator", body = ErrorBody),
        (status = 409, description = "The commune is already registered", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn register_commune(
    State(state): State<AppState>,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<RegisterCommune>,
) -> Result<(StatusCode, HeaderMap, Json<Commune>), GatewayError> {
    let message = pb::RegisterCommuneRequest {
        insee: body.insee,
        display_name: body.display_name,
        department: body.department,
        collective_name: body.collective_name,
        response_commitment_days: body.response_commitment_days,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.identity.clone();
    let commune = Commune::from(call(client.register_commune(request(message, &forwarded))).await?);
    let location = HeaderValue::try_from(format!("/api/v1/communes/{}", commune.insee))
        .map_err(|e| GatewayError::UpstreamData(e.to_string()))?;
    Ok((StatusCode::CREATED, HeaderMap::from_iter([(header::LOCATION, location)]), Json(commune)))
}

/// List the communes on the platform, by name.
#[utoipa::path(
    get,
    path = "/api/v1/communes",
    tag = "communes",
    operation_id = "list_communes",
    params(
        ("query" = Option<String>, Query,
            description = "Case-insensitive part of the name, or the start of an INSEE code", example = "renn"),
        ("page_size" = Option<i32>, Query, description = "1 to 100; 0 or absent: the default", minimum = 0, maximum = 100),
        ("page_token" = Option<String>, Query, description = "`next_page_token` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page of communes", body = CommuneList),
        (status = 400, description = "Invalid page size or token", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn list_communes(
    State(state): State<AppState>,
    search: CommuneSearch,
    Public(forwarded): Public,
) -> Result<Json<CommuneList>, GatewayError> {
    let message = pb::ListCommunesRequest {
        page_size: search.page.page_size,
        page_token: search.page.page_token,
        query: search.query,
    };
    let mut client = state.identity.clone();
    let page = call(client.list_communes(request(message, &forwarded))).await?;
    Ok(Json(CommuneList::from(page)))
}

/// Read one commune.
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}",
    tag = "communes",
    operation_id = "get_commune",
    params(("insee" = String, Path, description = "INSEE code of the commune", example = "35238")),
    responses(
        (status = 200, description = "The commune", body = Commune),
        (status = 400, description = "Malformed commune code", body = ErrorBody),
        (status = 404, description = "Not on the platform", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn get_commune(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    Public(forwarded): Public,
) -> Result<Json<Commune>, GatewayError> {
    let message = pb::GetCommuneRequest { name: commune_name(&insee) };
    let mut client = state.identity.clone();
    Ok(Json(Commune::from(call(client.get_commune(request(message, &forwarded))).await?)))
}

/// Suspend a commune (the operator), with a public reason.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/suspend",
    tag = "communes",
    operation_id = "suspend_commune",
    params(("insee" = String, Path, description = "INSEE code of the commune", example = "35238")),
    request_body = SuspendCommune,
    responses(
        (status = 200, description = "The suspended commune", body = Commune),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not the operator", body = ErrorBody),
        (status = 404, description = "Not on the platform", body = ErrorBody),
        (status = 409, description = "Already suspended", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn suspend_commune(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<SuspendCommune>,
) -> Result<Json<Commune>, GatewayError> {
    let message = pb::SuspendCommuneRequest { name: commune_name(&insee), reason: body.reason };
    let mut client = state.identity.clone();
    Ok(Json(Commune::from(call(client.suspend_commune(request(message, &forwarded))).await?)))
}

/// Lift a commune's suspension (the operator).
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/reactivate",
    tag = "communes",
    operation_id = "reactivate_commune",
    params(("insee" = String, Path, description = "INSEE code of the commune", example = "35238")),
    responses(
        (status = 200, description = "The active commune", body = Commune),
        (status = 400, description = "Malformed commune code", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not the operator", body = ErrorBody),
        (status = 404, description = "Not on the platform", body = ErrorBody),
        (status = 409, description = "Not suspended", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn reactivate_commune(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
) -> Result<Json<Commune>, GatewayError> {
    let message = pb::ReactivateCommuneRequest { name: commune_name(&insee) };
    let mut client = state.identity.clone();
    Ok(Json(Commune::from(call(client.reactivate_commune(request(message, &forwarded))).await?)))
}

/// The grants and revocations of roles in a commune, newest first, with who
/// and why.
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/role-changes",
    tag = "roles",
    operation_id = "list_role_changes",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "35238"),
        ("page_size" = Option<i32>, Query, description = "1 to 100; 0 or absent: the default", minimum = 0, maximum = 100),
        ("page_token" = Option<String>, Query, description = "`next_page_token` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page of role changes", body = RoleChangeList),
        (status = 400, description = "Invalid commune, page size or token", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not an administrator of this commune", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn list_role_changes(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    page: PageQuery,
    forwarded: Forwarded,
) -> Result<Json<RoleChangeList>, GatewayError> {
    let message = pb::ListRoleChangesRequest { commune: insee, page_size: page.page_size, page_token: page.page_token };
    let mut client = state.identity.clone();
    let page =
        call(client.list_role_changes(request(message, &forwarded))).await.map_err(|e| e.renaming(COMMUNE_IS_INSEE))?;
    Ok(Json(RoleChangeList::try_from(page)?))
}

/// Grant a role in the commune to an account (its administrators; the
/// operator everywhere).
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/roles",
    tag = "roles",
    operation_id = "grant_role",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "35238"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = GrantRole,
    responses(
        (status = 201, description = "Role granted", body = Grant),
        (status = 400, description = "Invalid input; `field_violations` name the fields", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not an administrator of this commune", body = ErrorBody),
        (status = 404, description = "No such account or commune", body = ErrorBody),
        (status = 409, description = "The account already holds this role", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn grant_role(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<GrantRole>,
) -> Result<(StatusCode, Json<Grant>), GatewayError> {
    let message = pb::GrantRoleRequest {
        account_id: body.account_id,
        commune: insee,
        role: body.role,
        department: body.department,
        reason: body.reason,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.identity.clone();
    let grant =
        call(client.grant_role(request(message, &forwarded))).await.map_err(|e| e.renaming(COMMUNE_IS_INSEE))?;
    Ok((StatusCode::CREATED, Json(Grant::from(grant))))
}

/// Revoke a role in the commune.
#[utoipa::path(
    delete,
    path = "/api/v1/communes/{insee}/roles",
    tag = "roles",
    operation_id = "revoke_role",
    params(("insee" = String, Path, description = "INSEE code of the commune", example = "35238")),
    request_body = RevokeRole,
    responses(
        (status = 204, description = "Role revoked"),
        (status = 400, description = "Invalid input; `field_violations` name the fields", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not an administrator of this commune", body = ErrorBody),
        (status = 404, description = "The account does not hold this role here", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn revoke_role(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<RevokeRole>,
) -> Result<StatusCode, GatewayError> {
    let message =
        pb::RevokeRoleRequest { account_id: body.account_id, commune: insee, role: body.role, reason: body.reason };
    let mut client = state.identity.clone();
    call(client.revoke_role(request(message, &forwarded))).await.map_err(|e| e.renaming(COMMUNE_IS_INSEE))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Find an account by its e-mail address, to grant it a role (the commune's
/// administrators).
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/accounts",
    tag = "roles",
    operation_id = "lookup_account",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "35238"),
        ("email" = String, Query, description = "The account's e-mail address", example = "anne@example.fr"),
    ),
    responses(
        (status = 200, description = "The account", body = Account,
            headers(("Cache-Control" = String, description = "no-store"))),
        (status = 400, description = "Invalid commune or e-mail address", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not an administrator of this commune", body = ErrorBody),
        (status = 404, description = "No account uses this address", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn lookup_account(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    EmailQuery { email }: EmailQuery,
    forwarded: Forwarded,
) -> Result<(HeaderMap, Json<Account>), GatewayError> {
    let message = pb::LookupAccountRequest { commune: insee, email };
    let mut client = state.identity.clone();
    let account =
        call(client.lookup_account(request(message, &forwarded))).await.map_err(|e| e.renaming(COMMUNE_IS_INSEE))?;
    Ok((no_store(), Json(Account::try_from(account)?)))
}

/// The commune's integration clients, revoked ones included.
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/clients",
    tag = "integration clients",
    operation_id = "list_integration_clients",
    params(("insee" = String, Path, description = "INSEE code of the commune", example = "35238")),
    responses(
        (status = 200, description = "The clients", body = IntegrationClientList),
        (status = 400, description = "Malformed commune code", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not an administrator of this commune", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn list_clients(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
) -> Result<Json<IntegrationClientList>, GatewayError> {
    let message = pb::ListIntegrationClientsRequest { commune: insee };
    let mut client = state.identity.clone();
    let list = call(client.list_integration_clients(request(message, &forwarded)))
        .await
        .map_err(|e| e.renaming(COMMUNE_IS_INSEE))?;
    Ok(Json(IntegrationClientList::try_from(list)?))
}

/// Create an integration client for city IT (the commune's administrators).
///
/// The answer holds the client's secret, shown this once. The client gets
/// access tokens from `POST /api/v1/auth/token`.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/clients",
    tag = "integration clients",
    operation_id = "create_integration_client",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "35238"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           creates nothing new"),
    ),
    request_body = CreateClient,
    responses(
        (status = 201, description = "Client created, with its secret", body = CreatedClient,
            headers(("Cache-Control" = String, description = "no-store"))),
        (status = 400, description = "Invalid input (e.g. an unknown scope)", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not an administrator of this commune", body = ErrorBody),
        (status = 409, description = "A retry with the Idempotency-Key of a client already created: its secret \
                                      was shown once and is not shown again", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn create_client(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<CreateClient>,
) -> Result<(StatusCode, HeaderMap, Json<CreatedClient>), GatewayError> {
    let message = pb::CreateIntegrationClientRequest {
        commune: insee,
        display_name: body.display_name,
        scopes: body.scopes,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.identity.clone();
    let created = call(client.create_integration_client(request(message, &forwarded)))
        .await
        .map_err(|e| e.renaming(COMMUNE_IS_INSEE))?;
    let integration_client = created
        .client
        .ok_or_else(|| GatewayError::UpstreamData("answer without its client".into()))
        .and_then(IntegrationClient::try_from)?;
    let body = CreatedClient { client: integration_client, client_secret: created.client_secret };
    Ok((StatusCode::CREATED, no_store(), Json(body)))
}

/// Revoke an integration client: its secret and its tokens stop working.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/clients/{client_id}/revoke",
    tag = "integration clients",
    operation_id = "revoke_integration_client",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "35238"),
        ("client_id" = String, Path, description = "Id of the client"),
    ),
    request_body = RevokeClient,
    responses(
        (status = 200, description = "The revoked client", body = IntegrationClient),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not an administrator of this commune", body = ErrorBody),
        (status = 404, description = "No such client in this commune", body = ErrorBody),
        (status = 409, description = "Already revoked", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn revoke_client(
    State(state): State<AppState>,
    ClientPath { insee, client_id }: ClientPath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<RevokeClient>,
) -> Result<Json<IntegrationClient>, GatewayError> {
    let message = pb::RevokeIntegrationClientRequest {
        name: format!("communes/{insee}/clients/{client_id}"),
        reason: body.reason,
    };
    let mut client = state.identity.clone();
    let revoked = call(client.revoke_integration_client(request(message, &forwarded)))
        .await
        .map_err(|e| e.renaming(&[("name", "client_id")]))?;
    Ok(Json(IntegrationClient::try_from(revoked)?))
}
