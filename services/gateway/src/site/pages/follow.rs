//! Following one thing from its page: the "Suivre" / "Ne plus suivre" button
//! on a report's, a question's, a proposal's and a publication's page, and
//! the post it sends (`/compte/suivre`). Following means hearing about what
//! happens to it (answers, status changes, new comments), as the account's
//! notification preferences say; the notifications service keeps the choice
//! and refuses subjects of unknown or suspended communes.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use miroir_proto::notifications::v1 as nt;

use crate::rest::extract::ClientAddress;
use crate::site::forms::error_page;
use crate::site::page::redirect;
use crate::site::session::Visitor;
use crate::site::{form_request_id, posted, safe_next};
use crate::{AppState, upstream};

/// The button as a page shows it.
#[derive(Debug, Clone)]
pub struct FollowButton {
    /// The resource name followed ("communes/{insee}/reports/{id}"…).
    pub subject: String,
    /// The page to come back to.
    pub back: String,
    pub signed_in: bool,
    pub following: bool,
    /// Followed without asking (as its author, reporter or supporter): the page says why.
    pub implicit: bool,
    pub signin_href: String,
}

/// The follow button of `subject` for this visitor, shown on `back`; `None` while the notifications service does
/// not answer (the page goes on without it).
pub async fn button(state: &AppState, visitor: &Visitor, subject: &str, back: &str) -> Option<FollowButton> {
    let mut button = FollowButton {
        subject: subject.to_owned(),
        back: back.to_owned(),
        signed_in: visitor.user.is_some(),
        following: false,
        implicit: false,
        signin_href: format!("/compte/connexion?suite={back}"),
    };
    if visitor.user.is_none() {
        return Some(button);
    }
    let mut notifications = state.notifications.clone();
    let message = nt::GetMyFollowRequest { subject: subject.to_owned() };
    match upstream::call(notifications.get_my_follow(upstream::request(message, &visitor.forwarded()))).await {
        Ok(follow) => {
            button.following = follow.following;
            button.implicit = follow.following && follow.origin() == nt::FollowOrigin::Implicit;
            Some(button)
        }
        Err(error) => {
            tracing::warn!(%error, "site: the follow button is unavailable");
            None
        }
    }
}

/// POST `/compte/suivre` (`subject`, `follow` = "1" or "0", `back`): follows or stops following, then back to the
/// page, at its button.
pub async fn post(State(state): State<AppState>, visitor: Visitor, address: ClientAddress, body: Bytes) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let back = match safe_next(form.get("back")) {
        back if back.is_empty() => "/compte/notifications".to_owned(),
        back => back,
    };
    if visitor.user.is_none() {
        return redirect(visitor, &format!("/compte/connexion?suite={back}"));
    }
    let subject = form.get("subject").to_owned();
    let follow = form.get("follow") == "1";
    let request_id = form_request_id(&visitor.csrf, &["follow", &subject, if follow { "1" } else { "0" }]);
    let mut notifications = state.notifications.clone();
    let answer = if follow {
        let message = nt::FollowRequest { subject, request_id };
        upstream::call(notifications.follow(upstream::request(message, &visitor.forwarded()))).await
    } else {
        let message = nt::UnfollowRequest { subject, request_id };
        upstream::call(notifications.unfollow(upstream::request(message, &visitor.forwarded()))).await
    };
    match answer {
        Ok(_) => {
            // Back at the button, whose new state the page shows.
            let anchor = if back.contains('#') { "" } else { "#suivre" };
            redirect(visitor, &format!("{back}{anchor}"))
        }
        Err(error) => error_page(visitor, &error),
    }
}
