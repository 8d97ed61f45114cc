//! Form posts of the site: the urlencoded body, the CSRF check, per-address
//! rate limits, and errors shown next to their fields.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::StatusCode;
use axum::response::Response;
use tonic::Code;
use tonic_types::StatusExt;

use super::i18n::Tr;
use super::page;
use super::session::Visitor;
use crate::GatewayError;

/// A posted form: every value of every field (checkboxes repeat a name).
#[derive(Debug, Default)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &[u8]) -> Self {
        FormData(form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_default()
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    /// Every (name, value) pair, in the order posted.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    pub fn push(&mut self, name: String, value: String) {
        self.0.push((name, value));
    }
}

/// A file of a `multipart/form-data` post.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The name the browser gave (never used as a path).
    pub filename: String,
    pub data: Bytes,
}

/// What reading a multipart body can end with, besides the form.
#[derive(Debug, PartialEq, Eq)]
pub enum MultipartRefusal {
    /// A file came before a valid `csrf` field: refused without reading the rest.
    Csrf,
    /// The body is larger than the route allows.
    TooLarge,
    /// Not a well-formed multipart body.
    Malformed,
}

/// Reads a `multipart/form-data` body: text fields into a [`FormData`],
/// files (non-empty ones) into [`Upload`]s with their field's name. Our forms put the hidden `csrf`
/// field first, so a forged post is refused at its first file, before its
/// megabytes are read.
pub async fn read_multipart(
    mut multipart: Multipart,
    csrf_ok: impl Fn(&str) -> bool,
) -> Result<(FormData, Vec<(String, Upload)>), MultipartRefusal> {
    let refusal = |error: MultipartError| {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            MultipartRefusal::TooLarge
        } else {
            MultipartRefusal::Malformed
        }
    };
    let mut form = FormData::default();
    let mut files = Vec::new();
    let mut verified = false;
    while let Some(field) = multipart.next_field().await.map_err(refusal)? {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(filename) => {
                if !verified {
                    return Err(MultipartRefusal::Csrf);
                }
                let data = field.bytes().await.map_err(refusal)?;
                // An empty file input still sends a part, with no name and no bytes.
                if !data.is_empty() || !filename.is_empty() {
                    files.push((name, Upload { filename, data }));
                }
            }
            None => {
                let value = field.text().await.map_err(refusal)?;
                if name == "csrf" && !verified {
                    verified = csrf_ok(&value);
                }
                form.push(name, value);
            }
        }
    }
    if !verified {
        return Err(MultipartRefusal::Csrf);
    }
    Ok((form, files))
}

/// Field errors of a form, shown beside each field and in a summary.
#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    pub summary: Vec<String>,
    pub fields: HashMap<String, String>,
}

impl FormErrors {
    pub fn is_empty(&self) -> bool {
        self.summary.is_empty()
    }

    pub fn field(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    pub fn add(&mut self, field: &str, message: String) {
        self.summary.push(message.clone());
        self.fields.insert(field.to_owned(), message);
    }

    /// Says `message` for `field` instead of what was said (a service's
    /// message that this form words better).
    pub fn replace(&mut self, field: &str, message: String) {
        if let Some(old) = self.fields.insert(field.to_owned(), message.clone()) {
            for said in self.summary.iter_mut().filter(|s| **s == old) {
                *said = message.clone();
            }
        }
    }

    /// The service's answer as form errors, with its fields renamed to the
    /// form's and, where the catalogue has one, the message in the page's language.
    pub fn from_status(tr: &Tr, status: &tonic::Status, rename: &[(&str, &str)]) -> Self {
        let mut errors = FormErrors::default();
        if let Some(bad) = status.get_details_bad_request() {
            for violation in bad.field_violations {
                let field = rename
                    .iter()
                    .find(|(from, _)| *from == violation.field)
                    .map_or(violation.field.as_str(), |(_, to)| to);
                let message = tr.try_t(&format!("invalid-{field}")).unwrap_or(violation.description);
                errors.add(field, message);
            }
        }
        if errors.is_empty() {
            errors.summary.push(status.message().to_owned());
        }
        errors
    }
}

/// What a failed call means for a page that is not a form.
pub fn error_page(visitor: Visitor, error: &GatewayError) -> Response {
    let (status, key) = match error {
        GatewayError::Upstream(status) => match status.code() {
            Code::NotFound | Code::InvalidArgument => (StatusCode::NOT_FOUND, "error-not-found"),
            Code::PermissionDenied => (StatusCode::FORBIDDEN, "error-forbidden"),
            Code::Unauthenticated => (StatusCode::UNAUTHORIZED, "error-signin-needed"),
            Code::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "error-unavailable"),
            Code::ResourceExhausted => (StatusCode::TOO_MANY_REQUESTS, "error-too-many"),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "error-internal"),
        },
        GatewayError::UpstreamTimeout => (StatusCode::GATEWAY_TIMEOUT, "error-unavailable"),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "error-internal"),
    };
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        tracing::error!(%error, "site: a call failed");
    }
    page::message(visitor, status, "error-title", key)
}

/// Posts per address and minute: more than a person (or a family behind one
/// address) needs, far less than a spam script sends.
const POSTS_PER_MINUTE: usize = 120;

/// The window of [`POSTS_PER_MINUTE`], in seconds (also the `Retry-After` of a refused post).
pub const POST_WINDOW_SECONDS: u64 = 60;

/// Sliding-window limit of form posts per client address.
#[derive(Clone, Default)]
pub struct PostLimiter {
    recent: Arc<Mutex<HashMap<IpAddr, Vec<Instant>>>>,
}

impl PostLimiter {
    /// True if this address may post now (and counts the post).
    pub fn allow(&self, address: Option<IpAddr>) -> bool {
        let Some(address) = address else { return true };
        let Ok(mut recent) = self.recent.lock() else { return true };
        let now = Instant::now();
        let window = Duration::from_secs(POST_WINDOW_SECONDS);
        if recent.len() > 10_000 {
            recent.retain(|_, times| times.last().is_some_and(|t| now.duration_since(*t) < window));
        }
        let times = recent.entry(address).or_default();
        times.retain(|t| now.duration_since(*t) < window);
        if times.len() >= POSTS_PER_MINUTE {
            return false;
        }
        times.push(now);
        true
    }
}
