//! `/api/v1/auth/…` and `/api/v1/me…`: accounts and sessions, the REST face
//! of the identity service. Each handler turns the HTTP request into one gRPC
//! call; validation, authentication and rate limits are the service's.
//!
//! The caller's `Authorization` goes along only to the `/me` calls: the
//! others ignore who calls, and a stale access token sent out of habit must
//! not make a log-in or a refresh fail.
//!
//! Answers carrying tokens or personal data are marked `Cache-Control:
//! no-store`. Request bodies are never logged: they hold passwords, tokens
//! and e-mail addresses.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, routing};
use miroir_proto::identity::v1 as pb;

use crate::AppState;
use crate::error::{ErrorBody, GatewayError};
use crate::rest::extract::{ApiJson, ClientAddress, Forwarded, Public};
use crate::rest::identity_schemas::{
    Account, AccountResponse, DeleteAccount, Login, PasswordReset, PasswordResetConfirm, RefreshToken, SignUp, Tokens,
    UpdateProfile, VerifyEmail,
};
use crate::upstream::{call, request};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/signup", routing::post(sign_up))
        .route("/auth/verify-email", routing::post(verify_email))
        .route("/auth/login", routing::post(login))
        .route("/auth/refresh", routing::post(refresh))
        .route("/auth/logout", routing::post(logout))
        .route("/auth/password-reset", routing::post(request_password_reset))
        .route("/auth/password-reset/confirm", routing::post(reset_password))
        .route("/me", routing::get(get_me).patch(update_me).delete(delete_me))
        .route("/me/export", routing::get(export_me))
}

/// `Cache-Control: no-store`, for answers that carry tokens, secrets or
/// personal data.
pub(crate) fn no_store() -> HeaderMap {
    HeaderMap::from_iter([(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))])
}

fn missing_account() -> GatewayError {
    GatewayError::UpstreamData("answer without its account".into())
}

/// Create an account.
///
/// The e-mail address gets a verification link. A retry with the same
/// `Idempotency-Key` answers the first account again.
#[utoipa::path(
    post,
    path = "/api/v1/auth/signup",
    tag = "accounts",
    operation_id = "sign_up",
    params(
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first account and creates nothing new"),
    ),
    request_body = SignUp,
    responses(
        (status = 201, description = "Account created", body = AccountResponse,
            headers(("Cache-Control" = String, description = "no-store"))),
        (status = 400, description = "Invalid input (e.g. a weak `password`); `field_violations` name the fields",
            body = ErrorBody),
        (status = 409, description = "An account already uses this e-mail address (`already_exists`)",
            body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn sign_up(
    State(state): State<AppState>,
    Public(forwarded): Public,
    ApiJson(body): ApiJson<SignUp>,
) -> Result<(StatusCode, HeaderMap, Json<AccountResponse>), GatewayError> {
    let message = pb::SignUpRequest {
        email: body.email,
        password: body.password,
        display_name: body.display_name,
        commune: body.commune,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.identity.clone();
    let answer = call(client.sign_up(request(message, &forwarded))).await?;
    let account = Account::try_from(answer.account.ok_or_else(missing_account)?)?;
    Ok((StatusCode::CREATED, no_store(), Json(AccountResponse { account })))
}

/// Confirm an e-mail address with the token of the link sent to it.
#[utoipa::path(
    post,
    path = "/api/v1/auth/verify-email",
    tag = "accounts",
    operation_id = "verify_email",
    request_body = VerifyEmail,
    responses(
        (status = 200, description = "Address verified", body = AccountResponse,
            headers(("Cache-Control" = String, description = "no-store"))),
        (status = 400, description = "Invalid or expired token", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn verify_email(
    State(state): State<AppState>,
    Public(forwarded): Public,
    ApiJson(body): ApiJson<VerifyEmail>,
) -> Result<(HeaderMap, Json<AccountResponse>), GatewayError> {
    let message = pb::VerifyEmailRequest { token: body.token };
    let mut client = state.identity.clone();
    let account = call(client.verify_email(request(message, &forwarded))).await?;
    Ok((no_store(), Json(AccountResponse { account: Account::try_from(account)? })))
}

/// Log in with an e-mail address and a password.
///
/// A wrong address and a wrong password get the same answer. Repeated
/// failures are rate-limited (429, with `Retry-After` when known).
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "accounts",
    operation_id = "login",
    request_body = Login,
    responses(
        (status = 200, description = "A new session", body = Tokens,
            headers(("Cache-Control" = String, description = "no-store"))),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 401, description = "Wrong e-mail address or password", body = ErrorBody),
        (status = 429, description = "Too many attempts", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait, when known"))),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(client_address): ClientAddress,
    Public(forwarded): Public,
    ApiJson(body): ApiJson<Login>,
) -> Result<(HeaderMap, Json<Tokens>), GatewayError> {
    let message = pb::LoginRequest { email: body.email, password: body.password, client_address };
    let mut client = state.identity.clone();
    let session = call(client.login(request(message, &forwarded))).await?;
    Ok((no_store(), Json(Tokens::from(session))))
}

/// Exchange a refresh token for a new access token and a new refresh token.
///
/// The refresh token is single-use: presenting one that was already used
/// ends the whole session (it was likely stolen).
#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    tag = "accounts",
    operation_id = "refresh",
    request_body = RefreshToken,
    responses(
        (status = 200, description = "The session's new tokens", body = Tokens,
            headers(("Cache-Control" = String, description = "no-store"))),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 401, description = "Unknown, expired, used or revoked refresh token", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn refresh(
    State(state): State<AppState>,
    Public(forwarded): Public,
    ApiJson(body): ApiJson<RefreshToken>,
) -> Result<(HeaderMap, Json<Tokens>), GatewayError> {
    let message = pb::RefreshRequest { refresh_token: body.refresh_token };
    let mut client = state.identity.clone();
    let session = call(client.refresh(request(message, &forwarded))).await?;
    Ok((no_store(), Json(Tokens::from(session))))
}

/// End a session: its refresh token stops working.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "accounts",
    operation_id = "logout",
    request_body = RefreshToken,
    responses(
        (status = 204, description = "Session ended"),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 401, description = "Unknown refresh token", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn logout(
    State(state): State<AppState>,
    Public(forwarded): Public,
    ApiJson(body): ApiJson<RefreshToken>,
) -> Result<StatusCode, GatewayError> {
    let message = pb::LogoutRequest { refresh_token: body.refresh_token };
    let mut client = state.identity.clone();
    call(client.logout(request(message, &forwarded))).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ask for a password-reset link by e-mail.
///
/// Always accepted: the answer never tells whether an account uses the
/// address.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password-reset",
    tag = "accounts",
    operation_id = "request_password_reset",
    request_body = PasswordReset,
    responses(
        (status = 202, description = "If an account uses this address, a link is on its way"),
        (status = 400, description = "Not an e-mail address", body = ErrorBody),
        (status = 429, description = "Too many requests", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait, when known"))),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn request_password_reset(
    State(state): State<AppState>,
    ClientAddress(client_address): ClientAddress,
    Public(forwarded): Public,
    ApiJson(body): ApiJson<PasswordReset>,
) -> Result<StatusCode, GatewayError> {
    let message = pb::RequestPasswordResetRequest { email: body.email, client_address };
    let mut client = state.identity.clone();
    call(client.request_password_reset(request(message, &forwarded))).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Choose a new password with the token of the reset link.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password-reset/confirm",
    tag = "accounts",
    operation_id = "reset_password",
    request_body = PasswordResetConfirm,
    responses(
        (status = 204, description = "Password changed"),
        (status = 400, description = "Invalid or expired token, or a weak `new_password`", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn reset_password(
    State(state): State<AppState>,
    Public(forwarded): Public,
    ApiJson(body): ApiJson<PasswordResetConfirm>,
) -> Result<StatusCode, GatewayError> {
    let message = pb::ResetPasswordRequest { token: body.token, new_password: body.new_password };
    let mut client = state.identity.clone();
    call(client.reset_password(request(message, &forwarded))).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The account of the bearer token.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "accounts",
    operation_id = "get_my_account",
    responses(
        (status = 200, description = "The caller's account", body = Account,
            headers(("Cache-Control" = String, description = "no-store"))),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn get_me(
    State(state): State<AppState>,
    forwarded: Forwarded,
) -> Result<(HeaderMap, Json<Account>), GatewayError> {
    let mut client = state.identity.clone();
    let account = call(client.get_my_account(request(pb::GetMyAccountRequest {}, &forwarded))).await?;
    Ok((no_store(), Json(Account::try_from(account)?)))
}

/// Change the caller's display name.
#[utoipa::path(
    patch,
    path = "/api/v1/me",
    tag = "accounts",
    operation_id = "update_my_profile",
    request_body = UpdateProfile,
    responses(
        (status = 200, description = "The updated account", body = Account,
            headers(("Cache-Control" = String, description = "no-store"))),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn update_me(
    State(state): State<AppState>,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<UpdateProfile>,
) -> Result<(HeaderMap, Json<Account>), GatewayError> {
    let message = pb::UpdateMyProfileRequest { display_name: body.display_name };
    let mut client = state.identity.clone();
    let account = call(client.update_my_profile(request(message, &forwarded))).await?;
    Ok((no_store(), Json(Account::try_from(account)?)))
}

/// Download everything Miroir holds about the caller, as JSON (GDPR rights of
/// access and portability).
#[utoipa::path(
    get,
    path = "/api/v1/me/export",
    tag = "accounts",
    operation_id = "export_my_data",
    responses(
        (status = 200, description = "The caller's data, as a JSON file to save", content_type = "application/json",
            body = Object,
            headers(
                ("Content-Disposition" = String, description = "attachment; filename=\"miroir-export.json\""),
                ("Cache-Control" = String, description = "no-store"),
            )),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn export_me(State(state): State<AppState>, forwarded: Forwarded) -> Result<Response, GatewayError> {
    let mut client = state.identity.clone();
    let export = call(client.export_my_data(request(pb::ExportMyDataRequest {}, &forwarded))).await?;
    let mut headers = no_store();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers
        .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"miroir-export.json\""));
    Ok((headers, export.json).into_response())
}

/// Delete the caller's account.
///
/// Personal data is erased; what the account published stays, shown as from
/// a deleted account.
#[utoipa::path(
    delete,
    path = "/api/v1/me",
    tag = "accounts",
    operation_id = "delete_my_account",
    request_body = DeleteAccount,
    responses(
        (status = 204, description = "Account deleted"),
        (status = 400, description = "Wrong `password`", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn delete_me(
    State(state): State<AppState>,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<DeleteAccount>,
) -> Result<StatusCode, GatewayError> {
    let message = pb::DeleteMyAccountRequest { password: body.password };
    let mut client = state.identity.clone();
    call(client.delete_my_account(request(message, &forwarded))).await?;
    Ok(StatusCode::NO_CONTENT)
}
