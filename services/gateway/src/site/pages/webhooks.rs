//! The commune administrator's webhooks page (`/c/{insee}/administration/webhooks/`):
//! the endpoints of the commune's integration clients, each with its state
//! (enabled, or disabled with the reason — the administrator's, or the
//! service's after persistent failure), its latest deliveries with every
//! attempt (time, HTTP status, error), and its forms: disable with a reason,
//! enable, rotate the signing secret (shown once), replay a time range,
//! remove; and a form to register an endpoint for one of the commune's
//! clients (its secret shown once). The notifications service signs, sends,
//! retries and checks every command; this page only asks and shows.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use miroir_proto::identity::v1 as id;
use miroir_proto::notifications::v1 as nt;
use tonic::Code;

use super::moderation::{holds, not_found, signin};
use super::{commune, plain_segment};
use crate::rest::extract::ClientAddress;
use crate::site::forms::{FormData, FormErrors, error_page};
use crate::site::i18n::{self, Tr};
use crate::site::page::{self, Frame, redirect, render};
use crate::site::session::Visitor;
use crate::site::{CommuneView, form_request_id, posted};
use crate::{AppState, GatewayError, upstream};

fn href(insee: &str) -> String {
    format!("/c/{insee}/administration/webhooks/")
}

/// Deliveries shown per endpoint (newest first).
const DELIVERIES_SHOWN: i32 = 10;

/// One attempt as the page lists it.
#[derive(Debug, Clone)]
pub struct AttemptView {
    pub n: u32,
    pub at: String,
    pub outcome: String,
    pub http_status: String,
    pub error: String,
}

/// One delivery as the page lists it.
#[derive(Debug, Clone)]
pub struct DeliveryView {
    pub event_type: String,
    pub webhook_id: String,
    pub state: String,
    pub state_class: &'static str,
    pub occurred_at: String,
    pub attempts: Vec<AttemptView>,
    pub replays: u32,
}

/// One endpoint as the page lists it.
#[derive(Debug, Clone)]
pub struct EndpointView {
    pub id: String,
    pub url: String,
    pub client_id: String,
    pub event_types: String,
    pub enabled: bool,
    pub disabled_reason: String,
    pub disabled_automatically: bool,
    pub client_revoked: bool,
    pub deliveries: Vec<DeliveryView>,
    pub deliveries_unavailable: bool,
}

fn state_words(tr: &Tr, state: nt::DeliveryState) -> (String, &'static str) {
    let (class, key) = match state {
        nt::DeliveryState::Sent => ("sent", "notif-state-sent"),
        nt::DeliveryState::Sending => ("sending", "notif-state-sending"),
        nt::DeliveryState::Retry => ("retry", "notif-state-retry"),
        nt::DeliveryState::Failed => ("failed", "notif-state-failed"),
        nt::DeliveryState::Cancelled => ("cancelled", "notif-state-cancelled"),
        nt::DeliveryState::Held => ("held", "hook-state-held"),
        _ => ("pending", "notif-state-pending"),
    };
    (tr.t(key), class)
}

#[derive(Template)]
#[template(path = "webhooks.html")]
struct WebhooksPage {
    frame: Frame,
    commune: CommuneView,
    endpoints: Vec<EndpointView>,
    /// (client id, name) of the commune's live integration clients.
    clients: Vec<(String, String)>,
    notice: String,
    /// A secret to show this once (after registering or rotating), and whose it is.
    secret: Option<(String, String)>,
    errors: FormErrors,
    /// Which form the errors are about ("create", or an endpoint id).
    error_form: String,
    typed_url: String,
    typed_types: String,
    unavailable: bool,
}

/// What a page view after a post shows besides the lists.
#[derive(Default)]
struct Shown {
    notice: String,
    secret: Option<(String, String)>,
    errors: FormErrors,
    error_form: String,
    typed: FormData,
}

/// Only the commune's administrators: others are sent to sign in, or refused.
#[allow(clippy::result_large_err)]
fn admins_only(visitor: Visitor, insee: &str) -> Result<Visitor, Response> {
    if visitor.user.is_none() {
        return Err(signin(visitor, &href(insee)));
    }
    if !holds(&visitor, insee, &["commune_admin"]) {
        return Err(page::message(visitor, StatusCode::FORBIDDEN, "error-title", "error-forbidden"));
    }
    Ok(visitor)
}

async fn webhooks_page(state: &AppState, visitor: Visitor, insee: &str, status: StatusCode, shown: Shown) -> Response {
    let forwarded = visitor.forwarded();
    let mut notifications = state.notifications.clone();
    let mut identity = state.identity.clone();
    let listed = upstream::call(notifications.list_webhook_endpoints(upstream::request(
        nt::ListWebhookEndpointsRequest {
            parent: format!("communes/{insee}"),
            page_size: 20,
            page_token: String::new(),
        },
        &forwarded,
    )));
    let clients = upstream::call(identity.list_integration_clients(upstream::request(
        id::ListIntegrationClientsRequest { commune: insee.to_owned() },
        &forwarded,
    )));
    let (commune, listed, clients) = tokio::join!(commune(state, insee), listed, clients);
    let commune = match commune {
        Ok(commune) => commune,
        Err(error) => return error_page(visitor, &error),
    };
    let tr = &visitor.tr;
    let unavailable = listed.is_err();
    let mut endpoints = Vec::new();
    for endpoint in listed.map(|l| l.endpoints).unwrap_or_default() {
        let mut client = state.notifications.clone();
        let request = nt::ListWebhookDeliveriesRequest {
            parent: endpoint.name.clone(),
            page_size: DELIVERIES_SHOWN,
            page_token: String::new(),
        };
        let deliveries = upstream::call(client.list_webhook_deliveries(upstream::request(request, &forwarded))).await;
        let deliveries_unavailable = deliveries.is_err();
        let deliveries = deliveries
            .map(|d| d.deliveries)
            .unwrap_or_default()
            .into_iter()
            .map(|d| {
                let (state, state_class) = state_words(tr, d.state());
                DeliveryView {
                    attempts: d
                        .attempt_log
                        .iter()
                        .map(|a| AttemptView {
                            n: a.attempt,
                            at: tr.datetime(a.at_us),
                            outcome: state_words(tr, a.outcome()).0,
                            http_status: if a.http_status > 0 { a.http_status.to_string() } else { String::new() },
                            error: a.error.clone(),
                        })
                        .collect(),
                    event_type: d.event_type,
                    webhook_id: d.webhook_id,
                    occurred_at: tr.datetime(d.occurred_at_us),
                    replays: d.replays,
                    state,
                    state_class,
                }
            })
            .collect();
        endpoints.push(EndpointView {
            id: endpoint.name.rsplit('/').next().unwrap_or_default().to_owned(),
            event_types: if endpoint.event_types.is_empty() {
                tr.t("hook-all-events")
            } else {
                endpoint.event_types.join(", ")
            },
            url: endpoint.url,
            client_id: endpoint.client_id,
            enabled: endpoint.enabled,
            disabled_reason: endpoint.disabled_reason,
            disabled_automatically: endpoint.disabled_automatically,
            client_revoked: endpoint.client_revoked,
            deliveries,
            deliveries_unavailable,
        });
    }
    let clients = clients
        .map(|c| c.clients)
        .unwrap_or_default()
        .into_iter()
        .filter(|c| !c.revoked)
        .map(|c| (c.client_id, c.display_name))
        .collect();
    let page = WebhooksPage {
        frame: Frame::new(&visitor, format!("{} — {}", tr.t("hook-title"), commune.display_name)),
        commune,
        endpoints,
        clients,
        notice: shown.notice,
        secret: shown.secret,
        errors: shown.errors,
        error_form: shown.error_form,
        typed_url: shown.typed.get("url").to_owned(),
        typed_types: shown.typed.get("event_types").to_owned(),
        unavailable,
    };
    render(visitor, status, &page)
}

/// GET `/c/{insee}/administration/webhooks/` (`fait=…`: what was just done, said at the top).
pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if !plain_segment(&insee) {
        return not_found(visitor);
    }
    let visitor = match admins_only(visitor, &insee) {
        Ok(visitor) => visitor,
        Err(response) => return response,
    };
    let query = FormData::parse(query.unwrap_or_default().as_bytes());
    let notice = match query.get("fait") {
        "desactiver" => visitor.tr.t("hook-disabled"),
        "activer" => visitor.tr.t("hook-enabled"),
        "supprimer" => visitor.tr.t("hook-deleted"),
        "rejouer" => visitor.tr.t("hook-replay-started"),
        _ => String::new(),
    };
    webhooks_page(&state, visitor, &insee, StatusCode::OK, Shown { notice, ..Shown::default() }).await
}

/// A refused command: the page again with the service's words beside the form.
async fn refused(
    state: &AppState,
    visitor: Visitor,
    insee: &str,
    form: &str,
    typed: FormData,
    error: GatewayError,
) -> Response {
    match error {
        GatewayError::Upstream(status)
            if matches!(status.code(), Code::InvalidArgument | Code::FailedPrecondition | Code::ResourceExhausted) =>
        {
            let renames =
                [("endpoint.url", "url"), ("endpoint.event_types", "event_types"), ("endpoint.client_id", "client_id")];
            let errors = FormErrors::from_status(&visitor.tr, &status, &renames);
            let shown = Shown { errors, error_form: form.to_owned(), typed, ..Shown::default() };
            webhooks_page(state, visitor, insee, StatusCode::BAD_REQUEST, shown).await
        }
        error => error_page(visitor, &error),
    }
}

/// POST `/c/{insee}/administration/webhooks/` (`client_id`, `url`, `event_types` comma-separated): registers an
/// endpoint and shows its secret this once.
pub async fn create(
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
    if !plain_segment(&insee) {
        return not_found(visitor);
    }
    let visitor = match admins_only(visitor, &insee) {
        Ok(visitor) => visitor,
        Err(response) => return response,
    };
    let event_types: Vec<String> = form
        .get("event_types")
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let endpoint = nt::WebhookEndpoint {
        client_id: form.get("client_id").to_owned(),
        url: form.get("url").trim().to_owned(),
        event_types,
        ..Default::default()
    };
    let request_id = form_request_id(&visitor.csrf, &["webhook", &insee, &endpoint.client_id, &endpoint.url]);
    let message =
        nt::CreateWebhookEndpointRequest { parent: format!("communes/{insee}"), endpoint: Some(endpoint), request_id };
    let mut notifications = state.notifications.clone();
    match upstream::call(notifications.create_webhook_endpoint(upstream::request(message, &visitor.forwarded()))).await
    {
        Ok(created) => {
            let url = created.endpoint.map(|e| e.url).unwrap_or_default();
            let shown =
                Shown { notice: visitor.tr.t("hook-created"), secret: Some((url, created.secret)), ..Shown::default() };
            webhooks_page(&state, visitor, &insee, StatusCode::OK, shown).await
        }
        Err(error) => refused(&state, visitor, &insee, "create", form, error).await,
    }
}

/// POST `/c/{insee}/administration/webhooks/{id}/{action}`: `desactiver` (`reason`), `activer`, `secret`,
/// `rejouer` (`from`, `to`: days), `supprimer`.
pub async fn act(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path((insee, endpoint_id, action)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    if !plain_segment(&insee) || !plain_segment(&endpoint_id) {
        return not_found(visitor);
    }
    let visitor = match admins_only(visitor, &insee) {
        Ok(visitor) => visitor,
        Err(response) => return response,
    };
    let name = format!("communes/{insee}/webhooks/{endpoint_id}");
    let request_id = |extra: &str| form_request_id(&visitor.csrf, &["webhook", &action, &name, extra]);
    let forwarded = visitor.forwarded();
    let mut notifications = state.notifications.clone();
    let tr = &visitor.tr;
    let done: Result<Shown, GatewayError> = match action.as_str() {
        "desactiver" => {
            let reason = form.get("reason").trim().to_owned();
            let message =
                nt::DisableWebhookEndpointRequest { name: name.clone(), request_id: request_id(&reason), reason };
            upstream::call(notifications.disable_webhook_endpoint(upstream::request(message, &forwarded)))
                .await
                .map(|_| Shown::default())
        }
        "activer" => {
            let message = nt::EnableWebhookEndpointRequest { name: name.clone(), request_id: request_id("") };
            upstream::call(notifications.enable_webhook_endpoint(upstream::request(message, &forwarded)))
                .await
                .map(|_| Shown::default())
        }
        "secret" => {
            let message = nt::RotateWebhookSecretRequest {
                name: name.clone(),
                request_id: request_id(&crate::site::session::random_token()),
            };
            upstream::call(notifications.rotate_webhook_secret(upstream::request(message, &forwarded))).await.map(|r| {
                let url = r.endpoint.map(|e| e.url).unwrap_or_default();
                Shown { notice: tr.t("hook-rotated"), secret: Some((url, r.secret)), ..Shown::default() }
            })
        }
        "supprimer" => {
            let message = nt::DeleteWebhookEndpointRequest { name: name.clone(), request_id: request_id("") };
            upstream::call(notifications.delete_webhook_endpoint(upstream::request(message, &forwarded)))
                .await
                .map(|_| Shown::default())
        }
        "rejouer" => {
            let from = i18n::paris_midnight_us(form.get("from"), 0);
            // "To" includes that whole day.
            let to = i18n::paris_midnight_us(form.get("to"), 1);
            let (Some(from_us), Some(to_us)) = (from, to) else {
                let mut errors = FormErrors::default();
                errors.add(&format!("replay-{endpoint_id}"), tr.t("hook-invalid-range"));
                let shown = Shown { errors, error_form: endpoint_id.clone(), ..Shown::default() };
                return webhooks_page(&state, visitor, &insee, StatusCode::BAD_REQUEST, shown).await;
            };
            let message = nt::ReplayWebhookDeliveriesRequest {
                name: name.clone(),
                from_us,
                to_us,
                request_id: request_id(&format!("{from_us}-{to_us}")),
            };
            upstream::call(notifications.replay_webhook_deliveries(upstream::request(message, &forwarded)))
                .await
                .map(|_| Shown::default())
        }
        _ => return not_found(visitor),
    };
    match done {
        Ok(shown) => {
            // The secret is shown on this answer only; other actions go back to the page.
            if shown.secret.is_some() {
                webhooks_page(&state, visitor, &insee, StatusCode::OK, shown).await
            } else {
                let anchor = if action == "supprimer" { String::new() } else { format!("#hook-{endpoint_id}") };
                redirect(visitor, &format!("{}?fait={action}{anchor}", href(&insee)))
            }
        }
        Err(error) => refused(&state, visitor, &insee, &endpoint_id.clone(), form, error).await,
    }
}
