//! `/api/v1/communes/{insee}/publications/{publication_id}/attachments…`:
//! the files of a publication (PDF documents, images) over REST — uploading
//! one (a `multipart/form-data` form, the only route of the publications
//! API with a body limit above 64 KiB), taking one off a draft, and
//! downloading one.
//!
//! The file's type, size limits, alt text and the summary a published item
//! needs are the service's to check; the gateway reads the form, passes the
//! bytes on as they came, and serves them back with the type the service
//! read from them, never as something a browser would run.

use axum::body::Body;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Multipart, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::{Json, Router, routing};
use miroir_proto::publications::v1 as pb;

use crate::AppState;
use crate::error::{ErrorBody, FieldViolation, GatewayError};
use crate::rest::extract::{CommunePath, Forwarded};
use crate::rest::publication_schemas::{AddedAttachment, Attachment, AttachmentForm, FileBytes, Publication};
use crate::rest::publications::PublicationPath;
use crate::rest::schemas::ImageBytes;
use crate::upstream::{call, request};

/// The largest file taken: a PDF of 20 MiB (images stop at 5 MiB, checked by the service).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The largest upload form read: the file at its limit, the texts and the
/// parts' headers, with room to spare. Only the upload route has it.
pub const UPLOAD_LIMIT_BYTES: usize = MAX_FILE_BYTES + 256 * 1024;
/// At most this long, each text part of the form (the service's own limits are lower).
const MAX_TEXT_BYTES: usize = 16 * 1024;

/// How long an attachment of a public publication may be cached: an id's bytes never change.
const PUBLIC_CACHE: &str = "public, max-age=86400, immutable";
/// An attachment only its viewer may see (a draft's).
const PRIVATE_CACHE: &str = "private, no-store";
/// A file is shown or saved, never run: no script, no plugin, no same-origin
/// access even if a browser were fooled into rendering it as a document.
const FILE_CSP: &str = "default-src 'none'; sandbox";

/// The service's names of request fields that the REST API names otherwise.
const RENAMES: &[(&str, &str)] = &[("content", "file"), ("display_name", "file")];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/communes/{insee}/publications/{publication_id}/attachments",
            routing::post(add_attachment).layer(DefaultBodyLimit::max(UPLOAD_LIMIT_BYTES)),
        )
        .route(
            "/communes/{insee}/publications/{publication_id}/attachments/{attachment_id}",
            routing::get(get_attachment).delete(remove_attachment),
        )
}

fn name(insee: &str, publication_id: &str) -> String {
    format!("communes/{insee}/publications/{publication_id}")
}

fn missing_publication() -> GatewayError {
    GatewayError::UpstreamData("answer without its publication".into())
}

/// `{insee}`, `{publication_id}` and `{attachment_id}` of `…/attachments/{attachment_id}`.
#[derive(Debug)]
pub struct AttachmentPath {
    pub insee: String,
    pub publication_id: String,
    pub attachment_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for AttachmentPath {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, GatewayError> {
        let CommunePath { insee } = CommunePath::from_request_parts(parts, state).await?;
        let Path((_, publication_id, attachment_id)) =
            Path::<(String, String, String)>::from_request_parts(parts, state).await.map_err(|rejection| {
                GatewayError::InvalidRequest { message: rejection.body_text(), violations: vec![] }
            })?;
        // Ids are UUIDs as the API hands them out; nothing else goes into a resource name.
        if !(publication_id.len() == 36 && uuid::Uuid::try_parse(&publication_id).is_ok()) {
            return Err(GatewayError::invalid_field(
                "publication_id",
                "must be a publication id as the API returns it (a UUID)",
            ));
        }
        if !(attachment_id.len() == 36 && uuid::Uuid::try_parse(&attachment_id).is_ok()) {
            return Err(GatewayError::invalid_field(
                "attachment_id",
                "must be an attachment id as the API returns it (a UUID)",
            ));
        }
        Ok(AttachmentPath { insee, publication_id, attachment_id })
    }
}

/// What an upload form carries.
#[derive(Debug)]
pub struct Upload {
    pub display_name: String,
    pub content: Vec<u8>,
    pub alt_text: String,
    pub summary_of_change: String,
}

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = GatewayError;

    async fn from_request(request: Request, state: &S) -> Result<Self, GatewayError> {
        let multipart = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("multipart/form-data"));
        if !multipart {
            return Err(GatewayError::UnsupportedBody { expected: "a `multipart/form-data` form" });
        }
        let form = Multipart::from_request(request, state).await.map_err(|rejection| GatewayError::InvalidRequest {
            message: rejection.body_text(),
            violations: Vec::new(),
        })?;
        read_form(form).await
    }
}

async fn read_form(mut form: Multipart) -> Result<Upload, GatewayError> {
    let mut file: Option<(String, Vec<u8>)> = None;
    let (mut alt_text, mut summary_of_change) = (String::new(), String::new());
    let mut unknown = Vec::new();
    while let Some(mut field) = form.next_field().await.map_err(form_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                if file.is_some() {
                    return Err(GatewayError::invalid_field("file", "must be sent once: one file per upload"));
                }
                let display_name = field.file_name().unwrap_or_default().to_owned();
                let data = read_part(&mut field, MAX_FILE_BYTES, "file", "must be at most 20 MiB").await?;
                file = Some((display_name, data));
            }
            "alt_text" | "summary_of_change" => {
                let data = read_part(&mut field, MAX_TEXT_BYTES, &name, "is too long").await?;
                let text = String::from_utf8(data)
                    .map_err(|_| GatewayError::invalid_field(name.as_str(), "must be UTF-8 text"))?;
                if name == "alt_text" {
                    alt_text = text;
                } else {
                    summary_of_change = text;
                }
            }
            _ => {
                // Read to the end (within the form's limit) so that every
                // unknown part can be named at once.
                while field.chunk().await.map_err(form_error)?.is_some() {}
                unknown.push(name);
            }
        }
    }
    if !unknown.is_empty() {
        let violations: Vec<FieldViolation> = unknown
            .into_iter()
            .map(|name| FieldViolation {
                field: if name.is_empty() { "(a part without a name)".to_owned() } else { name },
                description: "is not a part of this form: send `file`, `alt_text` and `summary_of_change`".to_owned(),
            })
            .collect();
        let names: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
        let message = format!("unknown form parts: {}", names.join(", "));
        return Err(GatewayError::InvalidRequest { message, violations });
    }
    let (display_name, content) = file
        .filter(|(_, content)| !content.is_empty())
        .ok_or_else(|| GatewayError::invalid_field("file", "is required: the PDF or image to attach"))?;
    Ok(Upload { display_name, content, alt_text, summary_of_change })
}

/// A part's bytes, refused past `limit` (a 400 naming the part).
async fn read_part(field: &mut Field<'_>, limit: usize, name: &str, too_large: &str) -> Result<Vec<u8>, GatewayError> {
    let mut data = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(form_error)? {
        if data.len() + chunk.len() > limit {
            return Err(GatewayError::invalid_field(name, too_large));
        }
        data.extend_from_slice(&chunk);
    }
    Ok(data)
}

fn form_error(error: MultipartError) -> GatewayError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        GatewayError::BodyTooLarge { limit_bytes: UPLOAD_LIMIT_BYTES }
    } else {
        GatewayError::InvalidRequest {
            message: format!("the form is not valid multipart/form-data: {}", error.body_text()),
            violations: Vec::new(),
        }
    }
}

/// Attach a file to a publication (writers of its space).
///
/// A PDF of at most 20 MiB, or a JPEG, PNG or WebP image of at most 5 MiB
/// (stored without its metadata, with its alt text); at most 10 per
/// publication. The type is read from the bytes, never from the name. On a
/// draft the file is simply attached; on a published item it makes a public
/// revision and needs `summary_of_change`.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/publications/{publication_id}/attachments",
    tag = "publications",
    operation_id = "add_publication_attachment",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("publication_id" = String, Path, description = "Id of the publication (a UUID)"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result (201 again) and attaches nothing new"),
    ),
    request_body(content((AttachmentForm = "multipart/form-data"))),
    responses(
        (status = 201, description = "Attached (or the first result, on a retry with the same Idempotency-Key)",
            body = AddedAttachment,
            headers(("Location" = String, description = "URL of the attachment"))),
        (status = 400, description = "Invalid input; `field_violations` name the part (`file` for a file that \
                                      is not a PDF or an image, or too large; `alt_text`; `summary_of_change`)",
            body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not a writer of this space in this commune", body = ErrorBody),
        (status = 404, description = "No such publication in this commune", body = ErrorBody),
        (status = 409, description = "An archived item, or already 10 attachments", body = ErrorBody),
        (status = 413, description = "The form is larger than 20 MiB and a quarter", body = ErrorBody),
        (status = 415, description = "Body is not a multipart/form-data form", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn add_attachment(
    State(state): State<AppState>,
    PublicationPath { insee, publication_id }: PublicationPath,
    forwarded: Forwarded,
    upload: Upload,
) -> Result<(StatusCode, HeaderMap, Json<AddedAttachment>), GatewayError> {
    let message = pb::AddAttachmentRequest {
        name: name(&insee, &publication_id),
        display_name: upload.display_name,
        alt_text: upload.alt_text,
        content: upload.content,
        request_id: forwarded.request_id.clone(),
        summary_of_change: upload.summary_of_change,
    };
    let mut client = state.publications.clone();
    let answer = call(client.add_attachment(request(message, &forwarded))).await.map_err(|e| e.renaming(RENAMES))?;
    let publication = Publication::try_from(answer.publication.ok_or_else(missing_publication)?)?;
    let attachment =
        answer.attachment.ok_or_else(|| GatewayError::UpstreamData("answer without its attachment".into()))?;
    let attachment = Attachment::from_proto(&publication.commune, &publication.publication_id, attachment)?;
    let location =
        HeaderValue::try_from(attachment.url.as_str()).map_err(|e| GatewayError::UpstreamData(e.to_string()))?;
    Ok((
        StatusCode::CREATED,
        HeaderMap::from_iter([(header::LOCATION, location)]),
        Json(AddedAttachment { attachment, publication }),
    ))
}

/// Take an attachment off a draft (writers of its space); its file is deleted.
///
/// A published item's attachments are taken off by an amendment
/// (`remove_attachment_ids` of `…/amend`), which keeps them in its history.
#[utoipa::path(
    delete,
    path = "/api/v1/communes/{insee}/publications/{publication_id}/attachments/{attachment_id}",
    tag = "publications",
    operation_id = "remove_publication_attachment",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("publication_id" = String, Path, description = "Id of the publication (a UUID)"),
        ("attachment_id" = String, Path, description = "Id of the attachment (a UUID)"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    responses(
        (status = 200, description = "The draft without the attachment", body = Publication),
        (status = 400, description = "Malformed commune code or ids", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not a writer of this space in this commune", body = ErrorBody),
        (status = 404, description = "No such publication or attachment", body = ErrorBody),
        (status = 409, description = "Not a draft: amend it with `remove_attachment_ids` instead", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn remove_attachment(
    State(state): State<AppState>,
    AttachmentPath { insee, publication_id, attachment_id }: AttachmentPath,
    forwarded: Forwarded,
) -> Result<Json<Publication>, GatewayError> {
    let message = pb::RemoveAttachmentRequest {
        name: name(&insee, &publication_id),
        attachment_id,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.publications.clone();
    let answer = call(client.remove_attachment(request(message, &forwarded))).await?;
    Ok(Json(Publication::try_from(answer.publication.ok_or_else(missing_publication)?)?))
}

/// `value` percent-encoded as an RFC 8187 `ext-value` (`attr-char` kept).
pub fn rfc8187(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The headers an attachment is served with: its stored type only, never
/// sniffed, never run; a PDF offered for download, an image shown.
pub fn file_headers(content: &pb::AttachmentContent, public: bool) -> Result<HeaderMap, GatewayError> {
    let disposition = match content.media_type.as_str() {
        "application/pdf" => "attachment",
        "image/jpeg" | "image/png" | "image/webp" => "inline",
        other => return Err(GatewayError::UpstreamData(format!("refusing to serve a file of type `{other}`"))),
    };
    let value = |text: String| HeaderValue::try_from(text).map_err(|e| GatewayError::UpstreamData(e.to_string()));
    Ok(HeaderMap::from_iter([
        (header::CONTENT_TYPE, value(content.media_type.clone())?),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (
            header::CONTENT_DISPOSITION,
            value(format!("{disposition}; filename*=UTF-8''{}", rfc8187(&content.display_name)))?,
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static(if public { PUBLIC_CACHE } else { PRIVATE_CACHE })),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(FILE_CSP)),
    ]))
}

/// One attachment's bytes, as readable as its publication (`public` when
/// anyone may read it), or the service's error.
pub async fn fetch(
    state: &AppState,
    message: pb::GetAttachmentRequest,
    forwarded: &Forwarded,
) -> Result<(pb::AttachmentContent, bool), GatewayError> {
    let mut client = state.publications.clone();
    // As the public first: what the public may see may be cached by anyone.
    // Only if that is refused do the caller's credentials count.
    match call(client.get_attachment(request(message.clone(), &forwarded.anonymous()))).await {
        Ok(content) => Ok((content, true)),
        Err(GatewayError::Upstream(status))
            if status.code() == tonic::Code::NotFound && forwarded.has_credentials() =>
        {
            Ok((call(client.get_attachment(request(message, forwarded))).await?, false))
        }
        Err(error) => Err(error),
    }
}

/// Download an attachment: the file itself.
///
/// Served with the type the service read from its bytes: a PDF as a
/// download (`Content-Disposition: attachment`), an image inline. A draft's
/// files are served to the writers of its space only, never cached.
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/publications/{publication_id}/attachments/{attachment_id}",
    tag = "publications",
    operation_id = "get_publication_attachment",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("publication_id" = String, Path, description = "Id of the publication (a UUID)"),
        ("attachment_id" = String, Path, description = "Id of the attachment (a UUID)"),
    ),
    responses(
        (status = 200, description = "The file",
            content(
                (FileBytes = "application/pdf"),
                (ImageBytes = "image/jpeg"),
                (ImageBytes = "image/png"),
                (ImageBytes = "image/webp"),
            ),
            headers(
                ("Cache-Control" = String,
                    description = "`public, max-age=86400, immutable` if public, else `private, no-store`"),
                ("Content-Disposition" = String,
                    description = "`attachment; filename*=UTF-8''{display name}` for a PDF, `inline; …` for an image"),
                ("X-Content-Type-Options" = String, description = "`nosniff`"),
                ("Content-Security-Policy" = String, description = "`default-src 'none'; sandbox`"),
            )),
        (status = 400, description = "Malformed commune code or ids", body = ErrorBody),
        (status = 401, description = "Bad bearer token", body = ErrorBody),
        (status = 404, description = "No such attachment, or its publication is not public and the caller is not \
                                      a writer of its space", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security((), ("bearer" = [])),
)]
pub async fn get_attachment(
    State(state): State<AppState>,
    AttachmentPath { insee, publication_id, attachment_id }: AttachmentPath,
    forwarded: Forwarded,
) -> Result<Response, GatewayError> {
    let message = pb::GetAttachmentRequest { name: name(&insee, &publication_id), attachment_id };
    let (mut content, public) = fetch(&state, message, &forwarded).await?;
    let headers = file_headers(&content, public)?;
    let mut response = Response::new(Body::from(std::mem::take(&mut content.content)));
    response.headers_mut().extend(headers);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_are_percent_encoded_for_the_header() {
        assert_eq!(rfc8187("délibération 2026.pdf"), "d%C3%A9lib%C3%A9ration%202026.pdf");
        assert_eq!(rfc8187("a\"b;c\r\n.pdf"), "a%22b%3Bc%0D%0A.pdf");
    }

    #[test]
    fn only_pdfs_and_images_are_served() {
        let content = |media_type: &str| pb::AttachmentContent {
            media_type: media_type.to_owned(),
            display_name: "x".to_owned(),
            ..Default::default()
        };
        assert!(file_headers(&content("text/html"), true).is_err());
        let pdf = file_headers(&content("application/pdf"), true).expect("a PDF");
        assert_eq!(pdf[header::CONTENT_DISPOSITION], "attachment; filename*=UTF-8''x");
        let image = file_headers(&content("image/png"), false).expect("an image");
        assert_eq!(image[header::CONTENT_DISPOSITION], "inline; filename*=UTF-8''x");
        assert_eq!(image[header::CACHE_CONTROL], PRIVATE_CACHE);
    }
}
