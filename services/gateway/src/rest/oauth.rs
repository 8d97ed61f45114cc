//! The OAuth 2.0 side of the identity service: the token endpoint of the
//! client-credentials grant for city IT's integration clients (RFC 6749
//! §4.4), and the public keys that verify every access token (JWKS).
//!
//! The token endpoint speaks OAuth, not the API's JSON conventions: a form
//! body, client authentication by HTTP Basic or in the form (RFC 6749 §2.3.1),
//! and errors in RFC 6749 §5.2's shape. Failures that are not the client's
//! (service down, timeout) keep the API's error body.

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, routing};
use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use miroir_proto::identity::v1 as pb;
use tonic::Code;

use crate::AppState;
use crate::error::{ErrorBody, GatewayError, OAuthError, OAuthErrorBody};
use crate::rest::extract::Forwarded;
use crate::rest::identity_schemas::{ClientCredentials, ClientToken, Jwks};
use crate::upstream::{call, request};

pub fn routes() -> Router<AppState> {
    Router::new().route("/auth/token", routing::post(token))
}

/// The only grant the endpoint serves.
const CLIENT_CREDENTIALS: &str = "client_credentials";

/// Get an access token for an integration client (OAuth 2.0 client
/// credentials, RFC 6749 §4.4).
///
/// Authenticate the client with HTTP Basic (`client_id:client_secret`, each
/// form-encoded, RFC 6749 §2.3.1) or with `client_id` and `client_secret` in
/// the form, not both. Errors follow RFC 6749 §5.2: `{"error",
/// "error_description"}`.
#[utoipa::path(
    post,
    path = "/api/v1/auth/token",
    tag = "integration clients",
    operation_id = "issue_client_token",
    request_body(content = ClientCredentials, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "An access token (no refresh token: ask again when it expires)",
            body = ClientToken,
            headers(
                ("Cache-Control" = String, description = "no-store"),
                ("Pragma" = String, description = "no-cache"),
            )),
        (status = 400, description = "`invalid_request` (missing, repeated or malformed parameter; body not \
                                      form-encoded), `unsupported_grant_type`, or `unauthorized_client` (e.g. \
                                      the client's commune is suspended)", body = OAuthErrorBody),
        (status = 401, description = "`invalid_client`: unknown client, wrong secret, revoked client or no \
                                      client authentication", body = OAuthErrorBody,
            headers(("WWW-Authenticate" = String, description = "Basic realm=\"miroir\""))),
        (status = 413, description = "Body larger than 64 KiB", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("client_basic" = []), ()),
)]
pub async fn token(State(state): State<AppState>, request_: Request) -> Result<Response, GatewayError> {
    let headers = request_.headers().clone();
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !is_form(content_type) {
        return Err(GatewayError::oauth(
            OAuthError::InvalidRequest,
            "the body must be form-encoded, sent with `Content-Type: application/x-www-form-urlencoded`",
        ));
    }
    let body = Bytes::from_request(request_, &()).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            GatewayError::PayloadTooLarge
        } else {
            GatewayError::oauth(OAuthError::InvalidRequest, rejection.body_text())
        }
    })?;
    let (client_id, client_secret) = client_credentials(&headers, &body)?;

    let message = pb::IssueClientTokenRequest { client_id, client_secret };
    let mut client = state.identity.clone();
    // The Authorization header holds the client's secret, for this endpoint
    // only: it is not forwarded.
    let session =
        call(client.issue_client_token(request(message, &Forwarded::default()))).await.map_err(oauth_error)?;
    let headers = [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (header::PRAGMA, HeaderValue::from_static("no-cache")),
    ];
    Ok((headers, Json(ClientToken::from(session))).into_response())
}

/// The identity service's refusals, as the token endpoint's OAuth errors.
fn oauth_error(error: GatewayError) -> GatewayError {
    let GatewayError::Upstream(status) = &error else { return error };
    match status.code() {
        Code::Unauthenticated | Code::NotFound => {
            GatewayError::oauth(OAuthError::InvalidClient, "unknown client, wrong secret or revoked client")
        }
        Code::PermissionDenied | Code::FailedPrecondition => {
            GatewayError::oauth(OAuthError::UnauthorizedClient, status.message().to_owned())
        }
        Code::InvalidArgument | Code::OutOfRange => {
            GatewayError::oauth(OAuthError::InvalidRequest, status.message().to_owned())
        }
        _ => error,
    }
}

/// `application/x-www-form-urlencoded`, parameters (charset) ignored.
fn is_form(content_type: &str) -> bool {
    content_type.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

/// The client id and secret of a token request, from HTTP Basic or from the
/// form, once the grant type is checked.
fn client_credentials(headers: &HeaderMap, body: &[u8]) -> Result<(String, String), GatewayError> {
    let invalid_request = |description: String| GatewayError::oauth(OAuthError::InvalidRequest, description);
    let body = std::str::from_utf8(body).map_err(|_| invalid_request("the body is not UTF-8".into()))?;
    let mut form = Form::default();
    for pair in body.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (Some(name), Some(value)) = (form_decode(name), form_decode(value)) else {
            return Err(invalid_request("the body is not valid form encoding".into()));
        };
        form.set(name, value)?;
    }
    match form.grant_type.as_deref() {
        None | Some("") => return Err(invalid_request("`grant_type` is required".into())),
        Some(CLIENT_CREDENTIALS) => {}
        Some(_) => {
            return Err(GatewayError::oauth(
                OAuthError::UnsupportedGrantType,
                "only the `client_credentials` grant is served here",
            ));
        }
    }
    let basic = match headers.get(header::AUTHORIZATION) {
        None => None,
        Some(value) => Some(basic_credentials(value)?),
    };
    let (client_id, client_secret) = match basic {
        Some((id, secret)) => {
            if form.client_secret.is_some() {
                return Err(invalid_request(
                    "send the client secret either with HTTP Basic or in the form, not both".into(),
                ));
            }
            if form.client_id.as_ref().is_some_and(|form_id| *form_id != id) {
                return Err(invalid_request("`client_id` differs from the HTTP Basic user name".into()));
            }
            (id, secret)
        }
        None => (form.client_id.unwrap_or_default(), form.client_secret.unwrap_or_default()),
    };
    if client_id.is_empty() || client_secret.is_empty() {
        return Err(GatewayError::oauth(
            OAuthError::InvalidClient,
            "authenticate the client with HTTP Basic, or `client_id` and `client_secret` in the form",
        ));
    }
    Ok((client_id, client_secret))
}

/// The parameters of a token request this endpoint reads. Others are
/// ignored (RFC 6749 §3.2), `scope` included: a token carries every scope the
/// client was given.
#[derive(Default)]
struct Form {
    seen: HashSet<String>,
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

impl Form {
    /// RFC 6749 §3.1: no parameter may be sent more than once.
    fn set(&mut self, name: String, value: String) -> Result<(), GatewayError> {
        let slot = match name.as_str() {
            "grant_type" => Some(&mut self.grant_type),
            "client_id" => Some(&mut self.client_id),
            "client_secret" => Some(&mut self.client_secret),
            _ => None,
        };
        if let Some(slot) = slot {
            *slot = Some(value);
        }
        if !self.seen.insert(name) {
            return Err(GatewayError::oauth(OAuthError::InvalidRequest, "a parameter is sent more than once"));
        }
        Ok(())
    }
}

/// `Authorization: Basic base64(urlencode(client_id) ":" urlencode(secret))`.
fn basic_credentials(value: &HeaderValue) -> Result<(String, String), GatewayError> {
    let value = value.to_str().unwrap_or_default().trim();
    let Some((scheme, encoded)) = value.split_once(' ') else {
        return Err(not_basic());
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(not_basic());
    }
    const BASE64: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let malformed =
        || GatewayError::oauth(OAuthError::InvalidRequest, "the HTTP Basic credentials are not well-formed");
    let decoded = BASE64.decode(encoded.trim()).map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    // RFC 6749 §2.3.1: both are form-encoded before Basic encoding.
    match (form_decode(id), form_decode(secret)) {
        (Some(id), Some(secret)) => Ok((id, secret)),
        _ => Err(malformed()),
    }
}

fn not_basic() -> GatewayError {
    GatewayError::oauth(
        OAuthError::InvalidClient,
        "the token endpoint authenticates clients with HTTP Basic or with the form, not with this scheme",
    )
}

/// One name or value of `application/x-www-form-urlencoded`: `+` is a space,
/// `%XX` a byte; `None` for a bad escape or bytes that are not UTF-8.
fn form_decode(encoded: &str) -> Option<String> {
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => decoded.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))?;
                decoded.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 2;
            }
            byte => decoded.push(byte),
        }
        i += 1;
    }
    String::from_utf8(decoded).ok()
}

/// The public keys that verify Miroir's access tokens (RFC 7517 JWKS).
///
/// New keys are published before they sign anything; caches may keep the set
/// for a minute.
#[utoipa::path(
    get,
    path = "/.well-known/jwks.json",
    tag = "integration clients",
    operation_id = "get_jwks",
    responses(
        (status = 200, description = "The key set", body = Jwks,
            headers(("Cache-Control" = String, description = "public, max-age=60"))),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn jwks(State(state): State<AppState>) -> Result<Response, GatewayError> {
    let mut client = state.identity.clone();
    let answer = call(client.get_jwks(request(pb::GetJwksRequest {}, &Forwarded::default()))).await?;
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
        (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60")),
    ];
    Ok((headers, answer.jwks_json).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(id: &str, secret: &str) -> HeaderMap {
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::try_from(format!("Basic {encoded}")).unwrap_or_else(|_| HeaderValue::from_static("")),
        );
        headers
    }

    fn refusal(result: Result<(String, String), GatewayError>) -> (OAuthError, String) {
        match result {
            Err(GatewayError::OAuth { error, description }) => (error, description),
            other => panic!("expected an OAuth error, got {other:?}"),
        }
    }

    #[test]
    fn credentials_come_from_the_form() {
        let body = b"grant_type=client_credentials&client_id=c1&client_secret=s%2B3+x%3D";
        let (id, secret) = client_credentials(&HeaderMap::new(), body).unwrap_or_default();
        assert_eq!((id.as_str(), secret.as_str()), ("c1", "s+3 x="));
    }

    #[test]
    fn credentials_come_from_http_basic() {
        let body = b"grant_type=client_credentials&scope=reports%3Aread";
        let (id, secret) = client_credentials(&basic("c1", "s%3Acret"), body).unwrap_or_default();
        assert_eq!((id.as_str(), secret.as_str()), ("c1", "s:cret"));
        // The same client id in the form is tolerated.
        let body = b"grant_type=client_credentials&client_id=c1";
        assert!(client_credentials(&basic("c1", "s"), body).is_ok());
        // Padding is optional.
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("basic YzE6cw"));
        let (id, secret) = client_credentials(&headers, b"grant_type=client_credentials").unwrap_or_default();
        assert_eq!((id.as_str(), secret.as_str()), ("c1", "s"));
    }

    #[test]
    fn bad_requests_get_rfc_6749_errors() {
        let none = HeaderMap::new();
        let cases: [(&HeaderMap, &[u8], OAuthError); 12] = [
            (&none, b"client_id=c1&client_secret=s", OAuthError::InvalidRequest),
            (&none, b"grant_type=password&username=a&password=b", OAuthError::UnsupportedGrantType),
            (&none, b"grant_type=client_credentials&grant_type=client_credentials", OAuthError::InvalidRequest),
            (&none, b"grant_type=client_credentials&client_id=c1&client_id=c2", OAuthError::InvalidRequest),
            (&none, b"grant_type=client_credentials&scope=a&scope=b", OAuthError::InvalidRequest),
            (&none, b"grant_type=client_credentials&client_id=%ZZ", OAuthError::InvalidRequest),
            (&none, b"grant_type=client_credentials&client_id=%C3", OAuthError::InvalidRequest),
            (&none, b"grant_type=client_credentials", OAuthError::InvalidClient),
            (&none, b"grant_type=client_credentials&client_id=c1", OAuthError::InvalidClient),
            (&none, b"grant_type=client_credentials&client_id=c1&client_secret=", OAuthError::InvalidClient),
            (&basic("c1", "s"), b"grant_type=client_credentials&client_secret=s", OAuthError::InvalidRequest),
            (&basic("c1", "s"), b"grant_type=client_credentials&client_id=c2", OAuthError::InvalidRequest),
        ];
        for (headers, body, expected) in cases {
            let (error, description) = refusal(client_credentials(headers, body));
            assert_eq!(error, expected, "{}", String::from_utf8_lossy(body));
            assert!(!description.is_empty());
        }
        let mut bearer = HeaderMap::new();
        bearer.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        let (error, _) = refusal(client_credentials(&bearer, b"grant_type=client_credentials"));
        assert_eq!(error, OAuthError::InvalidClient);
        let mut garbled = HeaderMap::new();
        garbled.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        let (error, _) = refusal(client_credentials(&garbled, b"grant_type=client_credentials"));
        assert_eq!(error, OAuthError::InvalidRequest);
    }

    #[test]
    fn service_refusals_become_oauth_errors() {
        let refused = |status: tonic::Status| match oauth_error(GatewayError::Upstream(status)) {
            GatewayError::OAuth { error, .. } => Some(error),
            _ => None,
        };
        assert_eq!(refused(tonic::Status::unauthenticated("wrong secret")), Some(OAuthError::InvalidClient));
        assert_eq!(refused(tonic::Status::not_found("client")), Some(OAuthError::InvalidClient));
        assert_eq!(
            refused(tonic::Status::failed_precondition("this commune is suspended")),
            Some(OAuthError::UnauthorizedClient)
        );
        assert_eq!(refused(tonic::Status::invalid_argument("client_id: bad")), Some(OAuthError::InvalidRequest));
        assert_eq!(refused(tonic::Status::unavailable("down")), None);
    }

    #[test]
    fn form_content_types() {
        assert!(is_form("application/x-www-form-urlencoded"));
        assert!(is_form("Application/X-WWW-Form-Urlencoded; charset=UTF-8"));
        assert!(!is_form("application/json"));
        assert!(!is_form(""));
    }

    #[test]
    fn form_decoding() {
        assert_eq!(form_decode("a+b%20c%2B").as_deref(), Some("a b c+"));
        assert_eq!(form_decode("%C3%A9").as_deref(), Some("é"));
        assert_eq!(form_decode("%4").as_deref(), None);
        assert_eq!(form_decode("%").as_deref(), None);
        assert_eq!(form_decode("%+1").as_deref(), None);
    }
}
