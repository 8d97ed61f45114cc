//! A commune's administration pages: roles (grant, history with who and
//! why) and integration clients (create — secret shown once —, revoke).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use miroir_proto::identity::v1 as id;
use tonic::Code;

use super::commune;
use crate::rest::extract::ClientAddress;
use crate::site::forms::{FormErrors, error_page};
use crate::site::page::{Frame, redirect, render};
use crate::site::session::Visitor;
use crate::site::{CommuneView, Field, posted};
use crate::{AppState, GatewayError, upstream};

const GRANTABLE: &[&str] =
    &["agent", "elected_official", "collective_member", "collective_moderator", "commune_admin", "resident"];

#[derive(Template)]
#[template(path = "admin.html")]
struct Admin {
    frame: Frame,
    commune: CommuneView,
    notice: String,
    secret: String,
    secret_client_id: String,
    errors: FormErrors,
    grant_fields_before: Vec<Field>,
    grant_fields_after: Vec<Field>,
    roles: Vec<(&'static str, String)>,
    /// (name, role, change, reason)
    changes: Vec<(String, String, String, String)>,
    clients: Vec<id::IntegrationClient>,
    client_fields: Vec<Field>,
    scopes: Vec<&'static str>,
}

struct Outcome {
    notice: String,
    secret: Option<(String, String)>,
    errors: FormErrors,
}

async fn admin_page(state: &AppState, visitor: Visitor, insee: &str, status: StatusCode, outcome: Outcome) -> Response {
    if visitor.user.is_none() {
        return redirect(visitor, &format!("/compte/connexion?suite=/c/{insee}/administration/"));
    }
    let mut identity = state.identity.clone();
    let changes = id::ListRoleChangesRequest { commune: insee.to_owned(), page_size: 50, page_token: String::new() };
    let clients = id::ListIntegrationClientsRequest { commune: insee.to_owned() };
    let mut identity2 = state.identity.clone();
    let loaded = tokio::try_join!(
        commune(state, insee),
        upstream::call(identity.list_role_changes(upstream::request(changes, &visitor.forwarded()))),
        upstream::call(identity2.list_integration_clients(upstream::request(clients, &visitor.forwarded()))),
    );
    let (commune, changes, clients) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return error_page(visitor, &error),
    };
    let tr = &visitor.tr;
    let role_label = |role: &str| tr.try_t(&format!("role-{role}")).unwrap_or_else(|| role.to_owned());
    let changes = changes
        .changes
        .into_iter()
        .map(|c| {
            let change = tr.t(if c.change == "granted" { "history-granted" } else { "history-revoked" });
            (c.display_name, role_label(&c.role), format!("{change} — {}", tr.datetime(c.at_us)), c.reason)
        })
        .collect();
    let (secret_client_id, secret) = outcome.secret.unwrap_or_default();
    let page = Admin {
        frame: Frame::new(&visitor, tr.t1("admin-title", &commune.display_name)),
        notice: outcome.notice,
        secret,
        secret_client_id,
        errors: outcome.errors,
        grant_fields_before: vec![Field::new(tr, "email", "field-email", "email")],
        grant_fields_after: vec![
            Field::new(tr, "department", "field-department", "text").optional(),
            Field::new(tr, "reason", "field-reason", "text").optional(),
        ],
        roles: GRANTABLE.iter().map(|r| (*r, role_label(r))).collect(),
        changes,
        clients: clients.clients,
        client_fields: vec![Field::new(tr, "display_name", "field-client-name", "text")],
        scopes: vec!["reports:read", "reports:write", "publications:write", "dialogue:write"],
        commune,
    };
    render(visitor, status, &page)
}

fn outcome(notice: String) -> Outcome {
    Outcome { notice, secret: None, errors: FormErrors::default() }
}

pub async fn show(State(state): State<AppState>, visitor: Visitor, Path(insee): Path<String>) -> Response {
    admin_page(&state, visitor, &insee, StatusCode::OK, outcome(String::new())).await
}

/// A refused form: the service's field errors on the page, or the error page.
async fn refused(state: &AppState, visitor: Visitor, insee: &str, error: &GatewayError) -> Response {
    match error {
        GatewayError::Upstream(status)
            if matches!(status.code(), Code::InvalidArgument | Code::AlreadyExists | Code::NotFound) =>
        {
            let errors = FormErrors::from_status(&visitor.tr, status, &[]);
            admin_page(state, visitor, insee, StatusCode::BAD_REQUEST, Outcome { errors, ..outcome(String::new()) })
                .await
        }
        _ => error_page(visitor, error),
    }
}

pub async fn grant(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path(insee): Path<String>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let mut identity = state.identity.clone();
    let lookup = id::LookupAccountRequest { commune: insee.clone(), email: form.get("email").to_owned() };
    let account = match upstream::call(identity.lookup_account(upstream::request(lookup, &visitor.forwarded()))).await {
        Ok(account) => account,
        Err(GatewayError::Upstream(status)) if status.code() == Code::NotFound => {
            let mut errors = FormErrors::default();
            errors.add("email", visitor.tr.t("account-not-found"));
            return admin_page(
                &state,
                visitor,
                &insee,
                StatusCode::BAD_REQUEST,
                Outcome { errors, ..outcome(String::new()) },
            )
            .await;
        }
        Err(error) => return refused(&state, visitor, &insee, &error).await,
    };
    let message = id::GrantRoleRequest {
        account_id: account.account_id,
        commune: insee.clone(),
        role: form.get("role").to_owned(),
        department: form.get("department").to_owned(),
        reason: form.get("reason").to_owned(),
        request_id: String::new(),
    };
    match upstream::call(identity.grant_role(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => {
            let notice = visitor.tr.t("granted-done");
            admin_page(&state, visitor, &insee, StatusCode::OK, outcome(notice)).await
        }
        Err(error) => refused(&state, visitor, &insee, &error).await,
    }
}

pub async fn create_client(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path(insee): Path<String>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let mut identity = state.identity.clone();
    let message = id::CreateIntegrationClientRequest {
        commune: insee.clone(),
        display_name: form.get("display_name").to_owned(),
        scopes: form.all("scopes"),
        request_id: String::new(),
    };
    match upstream::call(identity.create_integration_client(upstream::request(message, &visitor.forwarded()))).await {
        Ok(created) => {
            let client_id = created.client.map(|c| c.client_id).unwrap_or_default();
            let result = Outcome {
                notice: String::new(),
                secret: Some((client_id, created.client_secret)),
                errors: FormErrors::default(),
            };
            admin_page(&state, visitor, &insee, StatusCode::CREATED, result).await
        }
        Err(error) => refused(&state, visitor, &insee, &error).await,
    }
}

pub async fn revoke_client(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path((insee, client_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (visitor, _) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let mut identity = state.identity.clone();
    let message = id::RevokeIntegrationClientRequest {
        name: format!("communes/{insee}/clients/{client_id}"),
        reason: String::new(),
    };
    match upstream::call(identity.revoke_integration_client(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, &format!("/c/{insee}/administration/")),
        Err(error) => error_page(visitor, &error),
    }
}
