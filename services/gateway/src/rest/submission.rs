//! The body of `POST /api/v1/communes/{insee}/reports`: JSON, or a
//! `multipart/form-data` form whose part `report` holds the same JSON and
//! whose parts `photos` hold up to five images.
//!
//! Each kind has its own limit: a JSON body keeps the API's 64 KiB, a form
//! may carry five photos of 5 MiB ([`FORM_LIMIT_BYTES`] in all). The photos
//! are passed on as they came: the reports service reads their type from
//! their bytes and removes their metadata.

use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request};
use axum::http::{HeaderMap, header};
use miroir_proto::reports::v1 as pb;

use crate::error::{BODY_LIMIT_BYTES, FieldViolation, GatewayError};
use crate::rest::extract::{ApiJson, is_json, parse_json};
use crate::rest::schemas::SubmitReport;

/// At most this many photos with one report.
pub const MAX_PHOTOS: usize = 5;
/// At most this large each (the reports service's limit too).
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// The largest form read: five photos at their limit, the report and the
/// parts' headers, with room to spare.
pub const FORM_LIMIT_BYTES: usize = 26 * 1024 * 1024;

/// What a submission carries.
#[derive(Debug)]
pub struct Submission {
    pub report: SubmitReport,
    pub photos: Vec<pb::PhotoUpload>,
}

impl<S: Send + Sync> FromRequest<S> for Submission {
    type Rejection = GatewayError;

    async fn from_request(mut request: Request, state: &S) -> Result<Self, GatewayError> {
        if is_json(request.headers()) {
            DefaultBodyLimit::max(BODY_LIMIT_BYTES).apply(&mut request);
            let ApiJson(report) = ApiJson::<SubmitReport>::from_request(request, state).await?;
            return Ok(Submission { report, photos: Vec::new() });
        }
        if !is_multipart(request.headers()) {
            return Err(GatewayError::UnsupportedBody {
                expected: "JSON (`Content-Type: application/json`) or a `multipart/form-data` form",
            });
        }
        DefaultBodyLimit::max(FORM_LIMIT_BYTES).apply(&mut request);
        let form = Multipart::from_request(request, state).await.map_err(|rejection: MultipartRejection| {
            GatewayError::InvalidRequest { message: rejection.body_text(), violations: Vec::new() }
        })?;
        read_form(form).await
    }
}

fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("multipart/form-data"))
}

async fn read_form(mut form: Multipart) -> Result<Submission, GatewayError> {
    let mut report = None;
    let mut photos = Vec::new();
    let mut unknown = Vec::new();
    while let Some(mut field) = form.next_field().await.map_err(form_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "report" => {
                if report.is_some() {
                    return Err(GatewayError::invalid_field("report", "must be sent once"));
                }
                let bytes = read_part(&mut field, BODY_LIMIT_BYTES, "report", "must be at most 64 KiB").await?;
                report = Some(parse_json::<SubmitReport>(&bytes)?);
            }
            "photos" => {
                let filename = field.file_name().unwrap_or_default().to_owned();
                let at = format!("photos[{}]", photos.len());
                let data = read_part(&mut field, MAX_PHOTO_BYTES, &at, "must be at most 5 MiB").await?;
                // A browser's file input left empty sends an empty part without a file name.
                if data.is_empty() && filename.is_empty() {
                    continue;
                }
                if photos.len() == MAX_PHOTOS {
                    return Err(GatewayError::invalid_field("photos", format!("at most {MAX_PHOTOS} photos")));
                }
                photos.push(pb::PhotoUpload { filename, data });
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
                description: "is not a part of this form: send `report` and up to 5 `photos`".to_owned(),
            })
            .collect();
        let names: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
        let message = format!("unknown form parts: {}; send `report` and up to 5 `photos`", names.join(", "));
        return Err(GatewayError::InvalidRequest { message, violations });
    }
    let report = report.ok_or_else(|| GatewayError::invalid_field("report", "is required: the report as JSON"))?;
    Ok(Submission { report, photos })
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
    if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        GatewayError::BodyTooLarge { limit_bytes: FORM_LIMIT_BYTES }
    } else {
        GatewayError::InvalidRequest {
            message: format!("the form is not valid multipart/form-data: {}", error.body_text()),
            violations: Vec::new(),
        }
    }
}
