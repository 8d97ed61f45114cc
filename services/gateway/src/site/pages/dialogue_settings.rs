//! The commune administrator's dialogue settings: the number of supports
//! that obliges the commune to answer a new proposal (each proposal keeps the
//! threshold it was submitted with).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use miroir_proto::dialogue::v1 as dg;

use super::moderation::{Refusal, checked, csrf_refused, holds, not_found, refusal, signin};
use super::{commune, plain_segment};
use crate::rest::extract::ClientAddress;
use crate::site::forms::{FormData, FormErrors, error_page};
use crate::site::page::{self, Frame, redirect, render};
use crate::site::session::{Visitor, random_token};
use crate::site::{CommuneView, Field, form_request_id};
use crate::{AppState, upstream};

fn href(insee: &str) -> String {
    format!("/c/{insee}/administration/dialogue/")
}

#[derive(Template)]
#[template(path = "dialogue_settings.html")]
struct Settings {
    frame: Frame,
    commune: CommuneView,
    current: String,
    saved: bool,
    /// Each rendered form is its own request: setting 1, then 5, then 1 again is three changes.
    nonce: String,
    fields: Vec<Field>,
    errors: FormErrors,
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

async fn settings_page(
    state: &AppState,
    visitor: Visitor,
    insee: &str,
    saved: bool,
    typed: Option<&FormData>,
    refused: Option<Refusal>,
) -> Response {
    if !plain_segment(insee) {
        return not_found(visitor);
    }
    let visitor = match admins_only(visitor, insee) {
        Ok(visitor) => visitor,
        Err(response) => return response,
    };
    let mut dialogue = state.dialogue.clone();
    let get = dg::GetDialogueSettingsRequest { name: format!("communes/{insee}/dialogueSettings") };
    let found = upstream::call(dialogue.get_dialogue_settings(upstream::request(get, &visitor.forwarded())));
    let (commune, settings) = match tokio::try_join!(commune(state, insee), found) {
        Ok(found) => found,
        Err(error) => return error_page(visitor, &error),
    };
    let tr = &visitor.tr;
    let value = typed.map_or_else(|| settings.support_threshold.to_string(), |f| f.get("support_threshold").to_owned());
    let fields = vec![
        Field::new(tr, "support_threshold", "dlg-field-threshold", "number")
            .hint(tr, "dlg-field-threshold-hint")
            .value(&value),
    ];
    let (status, errors) = refused.map_or((StatusCode::OK, FormErrors::default()), |r| (r.status, r.errors));
    let page = Settings {
        frame: Frame::new(&visitor, tr.t1("dlg-settings-title", &commune.display_name)),
        commune,
        current: tr.count("dlg-threshold-intro", i64::from(settings.support_threshold)),
        saved,
        nonce: random_token(),
        fields,
        errors,
    };
    render(visitor, status, &page)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    let saved = query.is_some_and(|q| q.split('&').any(|p| p == "enregistre=1"));
    settings_page(&state, visitor, &insee, saved, None, None).await
}

/// POST: `support_threshold`, a whole number from 1.
pub async fn update(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path(insee): Path<String>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match checked(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err((visitor, form, Some(refused))) => {
            return settings_page(&state, visitor, &insee, false, Some(&form), Some(refused)).await;
        }
        Err((visitor, ..)) => return csrf_refused(visitor),
    };
    let raw = form.get("support_threshold").trim().to_owned();
    let Ok(threshold) = raw.parse::<u32>() else {
        let mut errors = FormErrors::default();
        errors.add("support_threshold", visitor.tr.t("dlg-invalid-threshold"));
        let refused = Refusal { status: StatusCode::BAD_REQUEST, errors };
        return settings_page(&state, visitor, &insee, false, Some(&form), Some(refused)).await;
    };
    let visitor = match admins_only(visitor, &insee) {
        Ok(visitor) => visitor,
        Err(response) => return response,
    };
    if !plain_segment(&insee) {
        return not_found(visitor);
    }
    let mut dialogue = state.dialogue.clone();
    let message = dg::UpdateDialogueSettingsRequest {
        name: format!("communes/{insee}/dialogueSettings"),
        support_threshold: threshold,
        request_id: form_request_id(&visitor.csrf, &["dialogue-settings", &raw, form.get("nonce")]),
    };
    match upstream::call(dialogue.update_dialogue_settings(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, &format!("{}?enregistre=1", href(&insee))),
        Err(error) => {
            let fields = [("support_threshold", "support_threshold", "dlg-invalid-threshold")];
            match refusal(&visitor.tr, &error, &fields, ("dlg-invalid-threshold", "dlg-invalid-threshold")) {
                Some(refused) => settings_page(&state, visitor, &insee, false, Some(&form), Some(refused)).await,
                None => error_page(visitor, &error),
            }
        }
    }
}
