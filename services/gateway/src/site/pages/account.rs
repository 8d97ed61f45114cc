//! Account pages: sign-up, sign-in and out, the account page (profile,
//! export, deletion), e-mail verification and password reset.

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use miroir_proto::identity::v1 as id;
use tonic::Code;

use crate::rest::extract::{ClientAddress, Forwarded};
use crate::site::forms::{FormErrors, error_page};
use crate::site::page::{self, Frame, redirect, render};
use crate::site::session::Visitor;
use crate::site::{Field, posted, safe_next};
use crate::{AppState, GatewayError, upstream};

fn public() -> Forwarded {
    Forwarded::default()
}

#[derive(Template)]
#[template(path = "signup.html")]
struct SignUp {
    frame: Frame,
    errors: FormErrors,
    fields: Vec<Field>,
}

fn signup_page(visitor: Visitor, status: StatusCode, values: &HashMap<&str, String>, errors: FormErrors) -> Response {
    let tr = &visitor.tr;
    let v = |name: &str| values.get(name).cloned().unwrap_or_default();
    let fields = vec![
        Field::new(tr, "email", "field-email", "email").value(&v("email")).autocomplete("email"),
        Field::new(tr, "password", "field-password", "password")
            .hint(tr, "field-password-hint")
            .autocomplete("new-password"),
        Field::new(tr, "display_name", "field-display-name", "text").value(&v("display_name")).autocomplete("nickname"),
        Field::new(tr, "commune", "field-commune", "text").value(&v("commune")).optional(),
    ];
    let frame = Frame::new(&visitor, tr.t("signup-title"));
    render(visitor, status, &SignUp { frame, errors, fields })
}

pub async fn signup_form(visitor: Visitor) -> Response {
    signup_page(visitor, StatusCode::OK, &HashMap::new(), FormErrors::default())
}

pub async fn signup(State(state): State<AppState>, visitor: Visitor, address: ClientAddress, body: Bytes) -> Response {
    let (mut visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let values: HashMap<&str, String> =
        ["email", "display_name", "commune"].into_iter().map(|n| (n, form.get(n).to_owned())).collect();
    let mut identity = state.identity.clone();
    let message = id::SignUpRequest {
        email: form.get("email").to_owned(),
        password: form.get("password").to_owned(),
        display_name: form.get("display_name").to_owned(),
        commune: form.get("commune").trim().to_owned(),
        request_id: String::new(),
    };
    match upstream::call(identity.sign_up(upstream::request(message, &public()))).await {
        Ok(_) => {}
        Err(GatewayError::Upstream(status)) if status.code() == Code::InvalidArgument => {
            let errors = FormErrors::from_status(&visitor.tr, &status, &[]);
            return signup_page(visitor, StatusCode::BAD_REQUEST, &values, errors);
        }
        Err(GatewayError::Upstream(status)) if status.code() == Code::AlreadyExists => {
            let mut errors = FormErrors::default();
            errors.add("email", visitor.tr.t("email-taken"));
            return signup_page(visitor, StatusCode::CONFLICT, &values, errors);
        }
        Err(error) => return error_page(visitor, &error),
    }
    // Signed in at once: a new resident goes straight on.
    let login = id::LoginRequest {
        email: form.get("email").to_owned(),
        password: form.get("password").to_owned(),
        client_address: address.0,
    };
    match upstream::call(identity.login(upstream::request(login, &public()))).await {
        Ok(session) => {
            visitor.signed_in(&session);
            redirect(visitor, "/compte/?bienvenue=1")
        }
        Err(error) => error_page(visitor, &error),
    }
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SignIn {
    frame: Frame,
    errors: FormErrors,
    fields: Vec<Field>,
    next: String,
    notice: String,
}

fn signin_page(
    visitor: Visitor,
    status: StatusCode,
    email: &str,
    next: String,
    errors: FormErrors,
    notice: String,
) -> Response {
    let tr = &visitor.tr;
    let fields = vec![
        Field::new(tr, "email", "field-email", "email").value(email).autocomplete("email"),
        Field::new(tr, "password", "field-password", "password").autocomplete("current-password"),
    ];
    let frame = Frame::new(&visitor, tr.t("signin-title"));
    render(visitor, status, &SignIn { frame, errors, fields, next, notice })
}

pub async fn signin_form(visitor: Visitor, Query(params): Query<HashMap<String, String>>) -> Response {
    let next = safe_next(params.get("suite").map(String::as_str).unwrap_or_default());
    let notice = match params.get("fait").map(String::as_str) {
        Some("mot-de-passe") => visitor.tr.t("reset-done"),
        Some("supprime") => visitor.tr.t("deleted-done"),
        _ => String::new(),
    };
    signin_page(visitor, StatusCode::OK, "", next, FormErrors::default(), notice)
}

pub async fn signin(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Query(params): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let (mut visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let next = safe_next(params.get("suite").map(String::as_str).unwrap_or_default());
    let mut identity = state.identity.clone();
    let message = id::LoginRequest {
        email: form.get("email").to_owned(),
        password: form.get("password").to_owned(),
        client_address: address.0,
    };
    match upstream::call(identity.login(upstream::request(message, &public()))).await {
        Ok(session) => {
            visitor.signed_in(&session);
            redirect(visitor, if next.is_empty() { "/compte/" } else { &next })
        }
        Err(GatewayError::Upstream(status)) if status.code() == Code::Unauthenticated => {
            let mut errors = FormErrors::default();
            errors.add("email", visitor.tr.t("wrong-credentials"));
            signin_page(visitor, StatusCode::UNAUTHORIZED, form.get("email"), next, errors, String::new())
        }
        // Too many attempts: the form back, said in the page's language, with how long to wait (as the API does).
        Err(GatewayError::Upstream(status)) if status.code() == Code::ResourceExhausted => {
            let wait = crate::error::retry_after(&status);
            let mut errors = FormErrors::default();
            let minutes = wait.map_or(1, |seconds| seconds.div_ceil(60)).max(1);
            let minutes = i64::try_from(minutes).unwrap_or(i64::MAX);
            errors.add("email", visitor.tr.args("signin-too-many", &[], &[("minutes", minutes)]));
            let mut response =
                signin_page(visitor, StatusCode::TOO_MANY_REQUESTS, form.get("email"), next, errors, String::new());
            if let Some(seconds) = wait {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
            }
            response
        }
        Err(error) => error_page(visitor, &error),
    }
}

pub async fn signout(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    let (mut visitor, _) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    if let Some(refresh) = Visitor::refresh_token_cookie(&headers) {
        let mut identity = state.identity.clone();
        let message = id::LogoutRequest { refresh_token: refresh };
        // Signed out here whatever identity answers: the cookies go.
        let _ = upstream::call(identity.logout(upstream::request(message, &public()))).await;
    }
    visitor.sign_out();
    redirect(visitor, "/")
}

#[derive(Template)]
#[template(path = "account.html")]
struct Account {
    frame: Frame,
    user: crate::site::session::User,
    roles: Vec<(String, String)>,
    notice: String,
    errors: FormErrors,
    profile_fields: Vec<Field>,
    delete_fields: Vec<Field>,
}

fn account_page(visitor: Visitor, status: StatusCode, notice: String, errors: FormErrors) -> Response {
    let Some(user) = visitor.user.clone() else {
        return redirect(visitor, "/compte/connexion?suite=/compte/");
    };
    let tr = &visitor.tr;
    let roles = user
        .grants
        .iter()
        .map(|(commune, role)| (commune.clone(), tr.try_t(&format!("role-{role}")).unwrap_or_else(|| role.clone())))
        .collect();
    let profile_fields = vec![
        Field::new(tr, "display_name", "field-display-name", "text").value(&user.display_name).autocomplete("nickname"),
    ];
    let delete_fields =
        vec![Field::new(tr, "password", "delete-password", "password").autocomplete("current-password")];
    let frame = Frame::new(&visitor, tr.t("account-title"));
    render(visitor, status, &Account { frame, user, roles, notice, errors, profile_fields, delete_fields })
}

pub async fn show(visitor: Visitor, Query(params): Query<HashMap<String, String>>) -> Response {
    let notice = if params.contains_key("bienvenue") {
        visitor.tr.t("signup-done")
    } else if params.contains_key("enregistre") {
        visitor.tr.t("profile-saved")
    } else {
        String::new()
    };
    account_page(visitor, StatusCode::OK, notice, FormErrors::default())
}

pub async fn update_profile(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    body: Bytes,
) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let mut identity = state.identity.clone();
    let message = id::UpdateMyProfileRequest { display_name: form.get("display_name").to_owned() };
    match upstream::call(identity.update_my_profile(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, "/compte/?enregistre=1"),
        Err(GatewayError::Upstream(status)) if status.code() == Code::InvalidArgument => {
            let errors = FormErrors::from_status(&visitor.tr, &status, &[]);
            account_page(visitor, StatusCode::BAD_REQUEST, String::new(), errors)
        }
        Err(error) => error_page(visitor, &error),
    }
}

pub async fn export(State(state): State<AppState>, visitor: Visitor) -> Response {
    if visitor.user.is_none() {
        return redirect(visitor, "/compte/connexion?suite=/compte/");
    }
    let mut identity = state.identity.clone();
    match upstream::call(identity.export_my_data(upstream::request(id::ExportMyDataRequest {}, &visitor.forwarded())))
        .await
    {
        Ok(export) => {
            let response = (
                [
                    (header::CONTENT_TYPE, "application/json; charset=utf-8"),
                    (header::CONTENT_DISPOSITION, "attachment; filename=\"miroir-export.json\""),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                export.json,
            )
                .into_response();
            visitor.finish(response)
        }
        Err(error) => error_page(visitor, &error),
    }
}

pub async fn delete(State(state): State<AppState>, visitor: Visitor, address: ClientAddress, body: Bytes) -> Response {
    let (mut visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let mut identity = state.identity.clone();
    let message = id::DeleteMyAccountRequest { password: form.get("password").to_owned() };
    match upstream::call(identity.delete_my_account(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => {
            visitor.sign_out();
            redirect(visitor, "/compte/connexion?fait=supprime")
        }
        Err(GatewayError::Upstream(status)) if status.code() == Code::InvalidArgument => {
            let mut errors = FormErrors::default();
            errors.add("password", visitor.tr.t("wrong-credentials"));
            account_page(visitor, StatusCode::BAD_REQUEST, String::new(), errors)
        }
        Err(error) => error_page(visitor, &error),
    }
}

pub async fn verify(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let token = params.get("token").cloned().unwrap_or_default();
    let mut identity = state.identity.clone();
    match upstream::call(identity.verify_email(upstream::request(id::VerifyEmailRequest { token }, &public()))).await {
        Ok(_) => page::message(visitor, StatusCode::OK, "account-title", "verify-done"),
        Err(GatewayError::Upstream(status)) if status.code() == Code::InvalidArgument => {
            page::message(visitor, StatusCode::BAD_REQUEST, "error-title", "link-invalid")
        }
        Err(error) => error_page(visitor, &error),
    }
}

#[derive(Template)]
#[template(path = "reset.html")]
struct Reset {
    frame: Frame,
    errors: FormErrors,
    fields: Vec<Field>,
    token: String,
    notice: String,
}

fn reset_page(visitor: Visitor, status: StatusCode, token: String, notice: String, errors: FormErrors) -> Response {
    let tr = &visitor.tr;
    let fields = if token.is_empty() {
        vec![Field::new(tr, "email", "field-email", "email").autocomplete("email")]
    } else {
        vec![
            Field::new(tr, "new_password", "reset-new-password", "password")
                .hint(tr, "field-password-hint")
                .autocomplete("new-password"),
        ]
    };
    let frame = Frame::new(&visitor, tr.t("reset-title"));
    render(visitor, status, &Reset { frame, errors, fields, token, notice })
}

pub async fn reset_form(visitor: Visitor, Query(params): Query<HashMap<String, String>>) -> Response {
    let token = params.get("token").cloned().unwrap_or_default();
    reset_page(visitor, StatusCode::OK, token, String::new(), FormErrors::default())
}

pub async fn reset(State(state): State<AppState>, visitor: Visitor, address: ClientAddress, body: Bytes) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let mut identity = state.identity.clone();
    let token = form.get("token").to_owned();
    if token.is_empty() {
        let message =
            id::RequestPasswordResetRequest { email: form.get("email").to_owned(), client_address: address.0 };
        return match upstream::call(identity.request_password_reset(upstream::request(message, &public()))).await {
            Ok(_) => {
                let notice = visitor.tr.t("reset-sent");
                reset_page(visitor, StatusCode::OK, String::new(), notice, FormErrors::default())
            }
            Err(error) => error_page(visitor, &error),
        };
    }
    let message = id::ResetPasswordRequest { token: token.clone(), new_password: form.get("new_password").to_owned() };
    match upstream::call(identity.reset_password(upstream::request(message, &public()))).await {
        Ok(_) => redirect(visitor, "/compte/connexion?fait=mot-de-passe"),
        Err(GatewayError::Upstream(status)) if status.code() == Code::InvalidArgument => {
            let mut errors = FormErrors::from_status(&visitor.tr, &status, &[]);
            if errors.has("token") {
                errors = FormErrors::default();
                errors.summary.push(visitor.tr.t("link-invalid"));
            }
            reset_page(visitor, StatusCode::BAD_REQUEST, token, String::new(), errors)
        }
        Err(error) => error_page(visitor, &error),
    }
}
