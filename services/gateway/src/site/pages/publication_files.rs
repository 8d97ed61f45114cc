//! A publication's files on the site: serving a PDF or an image to whoever
//! may read its publication, and the writers' forms on the publication's
//! writers' page — attach a file (to a draft simply; to a published item as a
//! public revision with its summary) and take one off (a draft's file is
//! deleted; a published item's file is removed by an amendment and stays
//! readable in its revision history).
//!
//! The bytes' type, the size limits, the alt text an image needs and the
//! summary a published item needs are the publications service's to check;
//! the site reads the form and words the service's refusals for residents.

use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use miroir_proto::publications::v1 as pb;
use sha2::{Digest, Sha256};
use tonic::Code;
use tonic_types::StatusExt;

use super::plain_segment;
use super::publication_desk::{Refused, form_page, load, refused_with};
use super::publication_view::{edit_href, publication_href};
use super::publications::publication_name;
use crate::rest::extract::{ClientAddress, Forwarded};
use crate::rest::publication_attachments::{fetch, file_headers};
use crate::site::forms::{FormData, FormErrors};
use crate::site::i18n::Tr;
use crate::site::page::redirect;
use crate::site::session::Visitor;
use crate::site::{form_request_id, posted, posted_with_files};
use crate::{AppState, GatewayError, upstream};

/// GET `/c/{insee}/publications/{id}/fichiers/{file_id}`: the file itself,
/// with the type the service read from its bytes, never sniffed nor run (a
/// PDF as a download, an image inline). A draft's files only for its space's
/// writers (their session cookie), never cached.
pub async fn file(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((insee, publication_id, attachment_id)): Path<(String, String, String)>,
) -> Response {
    if ![&insee, &publication_id, &attachment_id].iter().all(|s| plain_segment(s)) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let forwarded = Visitor::access_token_cookie(&headers).map_or_else(Forwarded::default, |t| Forwarded::bearer(&t));
    let message = pb::GetAttachmentRequest { name: publication_name(&insee, &publication_id), attachment_id };
    let (mut content, public) = match fetch(&state, message, &forwarded).await {
        Ok(found) => found,
        Err(GatewayError::Upstream(status)) => {
            let code = match status.code() {
                Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
                Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
                // An expired session reads as the public does: what the public may not see is not there.
                Code::NotFound | Code::InvalidArgument | Code::PermissionDenied | Code::Unauthenticated => {
                    StatusCode::NOT_FOUND
                }
                _ => {
                    tracing::error!(%status, "site: a publication's file could not be read");
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            };
            return code.into_response();
        }
        Err(GatewayError::UpstreamTimeout) => return StatusCode::GATEWAY_TIMEOUT.into_response(),
        Err(error) => {
            tracing::error!(%error, "site: a publication's file could not be read");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let headers = match file_headers(&content, public) {
        Ok(headers) => headers,
        Err(error) => {
            tracing::error!(%error, "site: a publication's file of an unexpected type");
            return StatusCode::NOT_FOUND.into_response();
        }
    };
    let mut response = Response::new(Body::from(std::mem::take(&mut content.content)));
    response.headers_mut().extend(headers);
    response
}

/// The service's refusal of a file form, in the page's language; `summary_field` is where a missing summary is said.
fn refusal(tr: &Tr, status: &tonic::Status, summary_field: &str) -> FormErrors {
    let mut errors = FormErrors::default();
    match status.code() {
        Code::PermissionDenied => errors.summary.push(tr.t("error-forbidden")),
        Code::FailedPrecondition if status.message().contains("at most") => {
            errors.add("file", tr.t("pub-file-too-many"));
        }
        Code::FailedPrecondition | Code::AlreadyExists => errors.summary.push(tr.t("pub-error-state")),
        _ => {
            for violation in status.get_details_bad_request().map(|b| b.field_violations).unwrap_or_default() {
                let said = violation.description.as_str();
                match violation.field.as_str() {
                    "content" | "display_name" if said.contains("too large") => {
                        errors.add("file", tr.t("pub-file-too-large"))
                    }
                    "content" | "display_name" => errors.add("file", tr.t("pub-file-invalid")),
                    "alt_text" if said.contains("required") => errors.add("alt_text", tr.t("pub-file-alt-required")),
                    "alt_text" => errors.add("alt_text", tr.t("pub-file-alt-too-long")),
                    "summary_of_change" => errors.add(summary_field, tr.t("pub-file-summary-required")),
                    "attachment_id" => errors.summary.push(tr.t("pub-error-state")),
                    _ => errors.summary.push(violation.description.clone()),
                }
            }
        }
    }
    if errors.is_empty() {
        errors.summary.push(status.message().to_owned());
    }
    errors
}

/// A refused file form: the writers' page again with its errors, or the error page.
async fn refused(
    state: &AppState,
    visitor: Visitor,
    loaded: (crate::site::CommuneView, pb::Publication),
    error: GatewayError,
    (form_name, summary_field, typed): (&'static str, &str, &FormData),
) -> Response {
    let words = |tr: &Tr, status: &tonic::Status| refusal(tr, status, summary_field);
    refused_with(state, visitor, loaded, error, (form_name, typed), words).await
}

/// POST `/c/{insee}/publications/{id}/fichiers` (`multipart/form-data`: `csrf` first, then `file`, `alt_text`
/// and, for a published item, `file_summary`).
pub async fn upload(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path((insee, publication_id)): Path<(String, String)>,
    request: Request,
) -> Response {
    let (visitor, form, files) = match posted_with_files(&state, visitor, &address, request).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let (visitor, commune, publication) = match load(&state, visitor, &insee, &publication_id).await {
        Ok(loaded) => loaded,
        Err(refused) => return refused,
    };
    let Some(file) = files.into_iter().find(|(name, upload)| name == "file" && !upload.data.is_empty()) else {
        let mut errors = FormErrors::default();
        errors.add("file", visitor.tr.t("pub-file-required"));
        let kind = publication.kind.clone();
        let refused = Refused { errors, form: "files", typed: &form };
        return form_page(
            &state,
            visitor,
            commune,
            &kind,
            Some(publication),
            Some(refused),
            false,
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let upload = file.1;
    let draft = publication.status() == pb::PublicationStatus::Draft;
    let alt_text = form.get("alt_text").trim().to_owned();
    let summary = if draft { String::new() } else { form.get("file_summary").trim().to_owned() };
    let digest = hex::encode(Sha256::digest(&upload.data));
    // The same file sent twice (a double click) is attached once; the publication's last change keeps a later,
    // deliberate second copy apart.
    let version = format!("{}/{}", publication.updated_at_us, publication.revision);
    let request_id =
        form_request_id(&visitor.csrf, &["attach", &publication_id, &version, &digest, &alt_text, &summary]);
    let message = pb::AddAttachmentRequest {
        name: publication_name(&insee, &publication_id),
        display_name: upload.filename.clone(),
        alt_text,
        content: upload.data.to_vec(),
        request_id,
        summary_of_change: summary,
    };
    let mut publications = state.publications.clone();
    match upstream::call(publications.add_attachment(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) if draft => redirect(visitor, &format!("{}?enregistre=1#files", edit_href(&insee, &publication_id))),
        Ok(_) => redirect(visitor, &format!("{}#files", publication_href(&insee, &publication_id))),
        Err(error) => refused(&state, visitor, (commune, publication), error, ("files", "file_summary", &form)).await,
    }
}

/// POST `/c/{insee}/publications/{id}/fichiers/{file_id}/retirer`: takes a file off a draft (deleted), or off a
/// published item by an amendment with its public summary (`summary`; the file stays in the history).
pub async fn remove(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path((insee, publication_id, attachment_id)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let (visitor, commune, publication) = match load(&state, visitor, &insee, &publication_id).await {
        Ok(loaded) => loaded,
        Err(refused) => return refused,
    };
    if !plain_segment(&attachment_id) {
        return super::publication_desk::not_found(visitor);
    }
    let name = publication_name(&insee, &publication_id);
    let version = format!("{}/{}", publication.updated_at_us, publication.revision);
    let mut publications = state.publications.clone();
    let draft = publication.status() == pb::PublicationStatus::Draft;
    let answer = if draft {
        let request_id = form_request_id(&visitor.csrf, &["detach", &publication_id, &version, &attachment_id]);
        let message = pb::RemoveAttachmentRequest { name, attachment_id: attachment_id.clone(), request_id };
        upstream::call(publications.remove_attachment(upstream::request(message, &visitor.forwarded()))).await
    } else {
        // The rest of the publication stays as it is: this amendment only takes the file off.
        let summary = form.get("summary").trim().to_owned();
        let request_id =
            form_request_id(&visitor.csrf, &["detach", &publication_id, &version, &attachment_id, &summary]);
        let message = pb::AmendRequest {
            name,
            title: publication.title.clone(),
            body: publication.body.clone(),
            details: publication.details.clone(),
            request_id,
            summary_of_change: summary,
            remove_attachment_ids: vec![attachment_id.clone()],
        };
        upstream::call(publications.amend(upstream::request(message, &visitor.forwarded()))).await
    };
    match answer {
        Ok(_) if draft => redirect(visitor, &format!("{}?enregistre=1#files", edit_href(&insee, &publication_id))),
        Ok(_) => redirect(visitor, &format!("{}#revisions", publication_href(&insee, &publication_id))),
        Err(error) => {
            let summary_field = format!("remove-summary-{attachment_id}");
            refused(&state, visitor, (commune, publication), error, ("remove", &summary_field, &form)).await
        }
    }
}
