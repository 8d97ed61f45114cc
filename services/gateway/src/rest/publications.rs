//! `/api/v1/communes/{insee}/publications…`: the REST face of the
//! publications service — what a commune's official space (town hall) and
//! citizen space (residents' collective) publish. Each handler turns the HTTP
//! request into one gRPC call (two for a partial change, which reads first)
//! and the answer into JSON; validation, visibility and who writes where are
//! the service's.
//!
//! A retried creation with the same `Idempotency-Key` answers 201 with the
//! first draft again, as a retried report submission does.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::{Json, Router, routing};
use miroir_proto::publications::v1 as pb;

use crate::AppState;
use crate::error::{ErrorBody, GatewayError};
use crate::rest::extract::{ApiJson, CommunePath, Forwarded, PageQuery, query_params};
use crate::rest::publication_schemas::{
    AmendPublication, ArchivePublication, CreateDraft, Publication, PublicationDetails, PublicationList,
    PublicationStatus, PublishPublication, RevisionList, Space, UpdateDraft, parse_rfc3339,
};
use crate::rest::reports::parent;
use crate::upstream::{call, request};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/communes/{insee}/publications", routing::post(create_draft).get(list_publications))
        .route("/communes/{insee}/publications/{publication_id}", routing::get(get_publication).patch(update_draft))
        .route("/communes/{insee}/publications/{publication_id}/publish", routing::post(publish_publication))
        .route("/communes/{insee}/publications/{publication_id}/amend", routing::post(amend_publication))
        .route("/communes/{insee}/publications/{publication_id}/archive", routing::post(archive_publication))
        .route("/communes/{insee}/publications/{publication_id}/revisions", routing::get(list_revisions))
}

/// The service's names of request fields that the REST API names otherwise.
const RENAMES: &[(&str, &str)] = &[("publish_at_us", "publish_at"), ("query", "q"), ("content", "file")];

/// `?q=` of a list: words that must all appear (accents and case ignored,
/// each word matching a word start; "" = no text filter). Shared by the
/// lists of publications, questions and proposals; the service checks it.
#[derive(Debug, Default, PartialEq)]
pub struct TextQuery(pub String);

impl<S: Send + Sync> FromRequestParts<S> for TextQuery {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, GatewayError> {
        let params = query_params(parts).await?;
        Ok(TextQuery(params.get("q").map(|q| q.trim().to_owned()).unwrap_or_default()))
    }
}

/// The service's `query` field is the REST API's `q` parameter.
pub(crate) const QUERY_RENAME: &[(&str, &str)] = &[("query", "q")];

fn name(insee: &str, publication_id: &str) -> String {
    format!("communes/{insee}/publications/{publication_id}")
}

fn missing_publication() -> GatewayError {
    GatewayError::UpstreamData("answer without its publication".into())
}

/// `{insee}` and `{publication_id}` of `/communes/{insee}/publications/{publication_id}…`.
#[derive(Debug)]
pub struct PublicationPath {
    pub insee: String,
    pub publication_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for PublicationPath {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, GatewayError> {
        let CommunePath { insee } = CommunePath::from_request_parts(parts, state).await?;
        let Path((_, publication_id)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| GatewayError::InvalidRequest { message: rejection.body_text(), violations: vec![] })?;
        // Ids are UUIDs as the API hands them out; nothing else goes into a resource name.
        if !(publication_id.len() == 36 && uuid::Uuid::try_parse(&publication_id).is_ok()) {
            return Err(GatewayError::invalid_field(
                "publication_id",
                "must be a publication id as the API returns it (a UUID)",
            ));
        }
        Ok(PublicationPath { insee, publication_id })
    }
}

/// `?space=&kind=&status=` of the list; an empty value is no filter.
#[derive(Debug, Default, PartialEq)]
pub struct PublicationFilters {
    pub space: Option<Space>,
    pub kind: String,
    pub status: Option<PublicationStatus>,
}

impl<S: Send + Sync> FromRequestParts<S> for PublicationFilters {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, GatewayError> {
        let params = query_params(parts).await?;
        let value = |name: &str| params.get(name).map(|v| v.trim()).unwrap_or_default().to_owned();
        let space = match value("space").as_str() {
            "" => None,
            raw => Some(
                Space::from_name(raw)
                    .ok_or_else(|| GatewayError::invalid_field("space", "must be official or citizen"))?,
            ),
        };
        let status = match value("status").as_str() {
            "" => None,
            raw => Some(PublicationStatus::from_name(raw).ok_or_else(|| {
                GatewayError::invalid_field("status", "must be draft, scheduled, published or archived")
            })?),
        };
        // The kind is checked by the service (it knows which exist).
        Ok(PublicationFilters { space, kind: value("kind"), status })
    }
}

/// Start a draft in the official or the citizen space.
///
/// The official space is written by the commune's agents, elected officials
/// and administrators (and integration clients with `publications:write`);
/// the citizen space by the residents' collective (members and moderators).
/// A draft is seen only by the writers of its space until it is published.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/publications",
    tag = "publications",
    operation_id = "create_publication_draft",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first draft (201 again) and creates nothing new"),
    ),
    request_body = CreateDraft,
    responses(
        (status = 201, description = "Draft created (or the first one, on a retry with the same Idempotency-Key)",
            body = Publication,
            headers(("Location" = String, description = "URL of the publication"))),
        (status = 400, description = "Invalid input; `field_violations` name the field (`title`, `kind`, \
                                      `details.project.progress_percent`…)", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not a writer of this space in this commune", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn create_draft(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<CreateDraft>,
) -> Result<(StatusCode, HeaderMap, Json<Publication>), GatewayError> {
    let message = pb::CreateDraftRequest {
        parent: parent(&insee),
        space: pb::Space::from(body.space).into(),
        kind: body.kind,
        title: body.title,
        body: body.body,
        details: Some(body.details.into()),
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.publications.clone();
    let answer = call(client.create_draft(request(message, &forwarded))).await?;
    let publication = Publication::try_from(answer.publication.ok_or_else(missing_publication)?)?;
    let location = format!("/api/v1/communes/{}/publications/{}", publication.commune, publication.publication_id);
    let location = HeaderValue::try_from(location).map_err(|e| GatewayError::UpstreamData(e.to_string()))?;
    Ok((StatusCode::CREATED, HeaderMap::from_iter([(header::LOCATION, location)]), Json(publication)))
}

/// List a commune's publications, newest first.
///
/// The public sees what is published (archived items included); the writers
/// of a space also see its drafts and scheduled items. A page token is only
/// valid with the filters it was given for.
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/publications",
    tag = "publications",
    operation_id = "list_publications",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("space" = Option<String>, Query, description = "Only this space: `official` or `citizen`",
            example = "official"),
        ("kind" = Option<String>, Query,
            description = "Only this kind: `project`, `decision`, `minutes`, `budget`, `news`, `post`, \
                           `activity` or `follow_up`", example = "project"),
        ("status" = Option<String>, Query,
            description = "Only this status: `draft`, `scheduled`, `published` or `archived`",
            example = "published"),
        ("page_size" = Option<i32>, Query, description = "1 to 100; 0 or absent: the default, 20", minimum = 0, maximum = 100),
        ("q" = Option<String>, Query,
            description = "Words that must all appear in the title or body (accents and case ignored, each word \
                           matching a word start); at most 200 characters", example = "ecole"),
        ("page_token" = Option<String>, Query,
            description = "`next_page_token` of the previous page (valid only with the same filters and `q`)"),
    ),
    responses(
        (status = 200, description = "One page of publications", body = PublicationList),
        (status = 400, description = "Invalid commune, filter, page size or token; `field_violations` name the \
                                      query parameter", body = ErrorBody),
        (status = 401, description = "Bad bearer token", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security((), ("bearer" = [])),
)]
pub async fn list_publications(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    page: PageQuery,
    filters: PublicationFilters,
    TextQuery(query): TextQuery,
    forwarded: Forwarded,
) -> Result<Json<PublicationList>, GatewayError> {
    let message = pb::ListPublicationsRequest {
        parent: parent(&insee),
        space: filters.space.map(pb::Space::from).unwrap_or_default().into(),
        kind: filters.kind,
        status: filters.status.map(pb::PublicationStatus::from).unwrap_or_default().into(),
        page_size: page.page_size,
        page_token: page.page_token,
        query,
    };
    let mut client = state.publications.clone();
    let answer = call(client.list_publications(request(message, &forwarded))).await.map_err(|e| e.renaming(RENAMES))?;
    Ok(Json(PublicationList::try_from(answer)?))
}

/// Read one publication.
///
/// Drafts and scheduled items are found only by the writers of their space
/// (404 for everyone else).
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/publications/{publication_id}",
    tag = "publications",
    operation_id = "get_publication",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("publication_id" = String, Path, description = "Id of the publication (a UUID)"),
    ),
    responses(
        (status = 200, description = "The publication", body = Publication),
        (status = 400, description = "Malformed commune code or publication id", body = ErrorBody),
        (status = 401, description = "Bad bearer token", body = ErrorBody),
        (status = 404, description = "No such publication in this commune (or not public yet)", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security((), ("bearer" = [])),
)]
pub async fn get_publication(
    State(state): State<AppState>,
    PublicationPath { insee, publication_id }: PublicationPath,
    forwarded: Forwarded,
) -> Result<Json<Publication>, GatewayError> {
    Ok(Json(Publication::try_from(read(&state, &insee, &publication_id, &forwarded).await?)?))
}

async fn read(
    state: &AppState,
    insee: &str,
    publication_id: &str,
    forwarded: &Forwarded,
) -> Result<pb::Publication, GatewayError> {
    let message = pb::GetPublicationRequest { name: name(insee, publication_id) };
    let mut client = state.publications.clone();
    call(client.get_publication(request(message, forwarded))).await
}

/// The title, body and details of a change: those given, else the current ones.
async fn merged(
    state: &AppState,
    path: &PublicationPath,
    forwarded: &Forwarded,
    change: (Option<String>, Option<String>, Option<PublicationDetails>),
) -> Result<(String, String, pb::PublicationDetails), GatewayError> {
    match change {
        (Some(title), Some(body), Some(details)) => Ok((title, body, details.into())),
        (title, body, details) => {
            // A partial change keeps the rest: read it (as the caller, who
            // must see the item to change it anyway).
            let current = read(state, &path.insee, &path.publication_id, forwarded).await?;
            Ok((
                title.unwrap_or(current.title),
                body.unwrap_or(current.body),
                details.map(pb::PublicationDetails::from).unwrap_or_else(|| current.details.unwrap_or_default()),
            ))
        }
    }
}

/// Rewrite a draft (writers of its space). Members left out are kept.
///
/// Only drafts are rewritten; a published item is amended (`…/amend`),
/// which keeps a public revision.
#[utoipa::path(
    patch,
    path = "/api/v1/communes/{insee}/publications/{publication_id}",
    tag = "publications",
    operation_id = "update_publication_draft",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("publication_id" = String, Path, description = "Id of the publication (a UUID)"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = UpdateDraft,
    responses(
        (status = 200, description = "The rewritten draft", body = Publication),
        (status = 400, description = "Invalid input; `field_violations` name the field", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not a writer of this space in this commune", body = ErrorBody),
        (status = 404, description = "No such publication in this commune", body = ErrorBody),
        (status = 409, description = "Not a draft any more: amend it instead", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn update_draft(
    State(state): State<AppState>,
    path: PublicationPath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<UpdateDraft>,
) -> Result<Json<Publication>, GatewayError> {
    let (title, text, details) = merged(&state, &path, &forwarded, (body.title, body.body, body.details)).await?;
    let message = pb::UpdateDraftRequest {
        name: name(&path.insee, &path.publication_id),
        title,
        body: text,
        details: Some(details),
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.publications.clone();
    let answer = call(client.update_draft(request(message, &forwarded))).await?;
    Ok(Json(Publication::try_from(answer.publication.ok_or_else(missing_publication)?)?))
}

/// Publish a draft now, or at a later `publish_at` (writers of its space).
///
/// A scheduled item has the status `scheduled` and stays hidden from the
/// public until its time.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/publications/{publication_id}/publish",
    tag = "publications",
    operation_id = "publish_publication",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("publication_id" = String, Path, description = "Id of the publication (a UUID)"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = PublishPublication,
    responses(
        (status = 200, description = "The publication, `published` or `scheduled`", body = Publication),
        (status = 400, description = "`publish_at` is not an RFC 3339 time, or is in the past", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not a writer of this space in this commune", body = ErrorBody),
        (status = 404, description = "No such publication in this commune", body = ErrorBody),
        (status = 409, description = "Already published", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn publish_publication(
    State(state): State<AppState>,
    PublicationPath { insee, publication_id }: PublicationPath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<PublishPublication>,
) -> Result<Json<Publication>, GatewayError> {
    let publish_at_us = match body.publish_at.as_deref() {
        None => 0,
        Some(raw) => parse_rfc3339("publish_at", raw)?,
    };
    let message = pb::PublishRequest {
        name: name(&insee, &publication_id),
        publish_at_us,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.publications.clone();
    let answer = call(client.publish(request(message, &forwarded))).await.map_err(|e| e.renaming(RENAMES))?;
    Ok(Json(Publication::try_from(answer.publication.ok_or_else(missing_publication)?)?))
}

/// Amend a published item (writers of its space): a public revision, with
/// its summary and the line diff of the body (`…/revisions`). Members left
/// out are kept.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/publications/{publication_id}/amend",
    tag = "publications",
    operation_id = "amend_publication",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("publication_id" = String, Path, description = "Id of the publication (a UUID)"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = AmendPublication,
    responses(
        (status = 200, description = "The amended publication, `revision` counting this one", body = Publication),
        (status = 400, description = "Invalid input (no summary, a change that changes nothing…); \
                                      `field_violations` name the field", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not a writer of this space in this commune", body = ErrorBody),
        (status = 404, description = "No such publication in this commune", body = ErrorBody),
        (status = 409, description = "A draft (rewrite it instead) or an archived item", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn amend_publication(
    State(state): State<AppState>,
    path: PublicationPath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<AmendPublication>,
) -> Result<Json<Publication>, GatewayError> {
    let (title, text, details) = merged(&state, &path, &forwarded, (body.title, body.body, body.details)).await?;
    let message = pb::AmendRequest {
        name: name(&path.insee, &path.publication_id),
        title,
        body: text,
        details: Some(details),
        summary_of_change: body.summary_of_change,
        request_id: forwarded.request_id.clone(),
        remove_attachment_ids: body.remove_attachment_ids,
    };
    let mut client = state.publications.clone();
    let answer = call(client.amend(request(message, &forwarded))).await?;
    Ok(Json(Publication::try_from(answer.publication.ok_or_else(missing_publication)?)?))
}

/// Archive a published item with a public reason (writers of its space); it
/// stays readable, with its reason.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/publications/{publication_id}/archive",
    tag = "publications",
    operation_id = "archive_publication",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("publication_id" = String, Path, description = "Id of the publication (a UUID)"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = ArchivePublication,
    responses(
        (status = 200, description = "The archived publication", body = Publication),
        (status = 400, description = "Invalid input (a reason of fewer than 3 characters)", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not a writer of this space in this commune", body = ErrorBody),
        (status = 404, description = "No such publication in this commune", body = ErrorBody),
        (status = 409, description = "A draft, or already archived", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn archive_publication(
    State(state): State<AppState>,
    PublicationPath { insee, publication_id }: PublicationPath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<ArchivePublication>,
) -> Result<Json<Publication>, GatewayError> {
    let message = pb::ArchiveRequest {
        name: name(&insee, &publication_id),
        reason: body.reason,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.publications.clone();
    let answer = call(client.archive(request(message, &forwarded))).await?;
    Ok(Json(Publication::try_from(answer.publication.ok_or_else(missing_publication)?)?))
}

/// A publication's public revisions, oldest first, each with the line diff
/// of its body. As public as the publication itself.
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/publications/{publication_id}/revisions",
    tag = "publications",
    operation_id = "list_publication_revisions",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("publication_id" = String, Path, description = "Id of the publication (a UUID)"),
    ),
    responses(
        (status = 200, description = "The revisions (none before the first amendment)", body = RevisionList),
        (status = 400, description = "Malformed commune code or publication id", body = ErrorBody),
        (status = 401, description = "Bad bearer token", body = ErrorBody),
        (status = 404, description = "No such publication in this commune (or not public yet)", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security((), ("bearer" = [])),
)]
pub async fn list_revisions(
    State(state): State<AppState>,
    PublicationPath { insee, publication_id }: PublicationPath,
    forwarded: Forwarded,
) -> Result<Json<RevisionList>, GatewayError> {
    let message = pb::ListRevisionsRequest { name: name(&insee, &publication_id) };
    let mut client = state.publications.clone();
    let answer = call(client.list_revisions(request(message, &forwarded))).await?;
    let revisions = answer.revisions.into_iter().map(TryFrom::try_from).collect::<Result<_, _>>()?;
    Ok(Json(RevisionList { revisions }))
}
