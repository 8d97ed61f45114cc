//! `/desabonnement/{token}`: the one-click unsubscribe link of every
//! notification e-mail (RFC 8058). A mail client posts
//! `List-Unsubscribe=One-Click` to it without a session or a CSRF token —
//! the token, signed by the notifications service, is the proof and names
//! the one account and what it stops. A person who opens the link sees what
//! it will do and confirms with a button, since link checkers in mailboxes
//! open links and must not unsubscribe anyone.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use miroir_proto::notifications::v1 as nt;
use tonic::Code;

use crate::rest::extract::{ClientAddress, Forwarded};
use crate::site::forms::FormData;
use crate::site::page::{self, Frame, render};
use crate::site::session::Visitor;
use crate::{AppState, GatewayError, upstream};

/// A token as the service makes them: URL-safe base64, bounded.
fn plausible(token: &str) -> bool {
    (16..=1024).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct Confirm {
    frame: Frame,
    token: String,
    /// After the post: what was stopped ("all", or a subject).
    done: Option<String>,
}

/// GET: what the link does, and the button that does it.
pub async fn confirm(visitor: Visitor, Path(token): Path<String>) -> Response {
    if !plausible(&token) {
        return page::message(visitor, StatusCode::BAD_REQUEST, "error-title", "unsub-invalid");
    }
    let frame = Frame::new(&visitor, visitor.tr.t("unsub-title"));
    render(visitor, StatusCode::OK, &Confirm { frame, token, done: None })
}

/// POST (`List-Unsubscribe=One-Click`, from a mail client or the confirmation page): stops it.
pub async fn unsubscribe(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    // RFC 8058: the body says it is the one-click post; anything else is not this form.
    if FormData::parse(&body).get("List-Unsubscribe") != "One-Click" {
        return page::message(visitor, StatusCode::BAD_REQUEST, "error-title", "error-bad-form");
    }
    if !state.limiter.allow(address.0.parse().ok()) {
        return page::message(visitor, StatusCode::TOO_MANY_REQUESTS, "error-title", "error-too-many");
    }
    if !plausible(&token) {
        return page::message(visitor, StatusCode::BAD_REQUEST, "error-title", "unsub-invalid");
    }
    let mut notifications = state.notifications.clone();
    // The token alone speaks: no session is forwarded, whoever is signed in on this browser.
    let message = nt::UnsubscribeByTokenRequest { token: token.clone() };
    match upstream::call(notifications.unsubscribe_by_token(upstream::request(message, &Forwarded::default()))).await {
        Ok(answer) => {
            let frame = Frame::new(&visitor, visitor.tr.t("unsub-done-title"));
            render(visitor, StatusCode::OK, &Confirm { frame, token, done: Some(answer.stopped) })
        }
        Err(GatewayError::Upstream(status)) if status.code() == Code::InvalidArgument => {
            page::message(visitor, StatusCode::BAD_REQUEST, "error-title", "unsub-invalid")
        }
        Err(error) => crate::site::forms::error_page(visitor, &error),
    }
}
