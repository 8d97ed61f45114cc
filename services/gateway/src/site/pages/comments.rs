//! Comment threads on proposals, reports and publications: one level of
//! replies, officials' words highlighted, hidden comments replaced by their
//! public reason, and the moderation controls beside each comment.
//!
//! A page shows a thread with [`thread`] and `templates/comments.html`: its
//! template struct has a `comments: CommentsView` field (and the usual
//! `frame`), and the template includes the partial where the thread goes:
//!
//! ```text
//! let comments = comments::thread(&state, &visitor, insee, &target, &back).await;
//! {% include "comments.html" %}
//! ```
//!
//! The forms post to `/c/{insee}/commentaires` ([`post`]), which goes back to
//! the page (`back`) at the new comment, or shows the form again with its
//! error (`templates/comments_post.html`).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use miroir_proto::dialogue::v1 as dg;

use super::moderation::{Controls, Refusal, checked, csrf_refused, me, not_found, refusal, signin, target_href, who};
use super::plain_segment;
use crate::rest::extract::ClientAddress;
use crate::site::forms::{FormData, FormErrors, error_page};
use crate::site::page::{Frame, redirect, render};
use crate::site::session::Visitor;
use crate::site::{form_request_id, last_segment, safe_next};
use crate::{AppState, upstream};

/// One comment and, for a first-level one, its replies.
#[derive(Debug, Clone)]
pub struct CommentView {
    pub id: String,
    pub name: String,
    pub author: String,
    pub official: bool,
    pub body: String,
    pub hidden_reason: String,
    pub at: String,
    pub iso: String,
    pub replies: Vec<CommentView>,
    pub moderation: Controls,
}

/// A thread as the partial `comments.html` shows it.
#[derive(Debug, Clone, Default)]
pub struct CommentsView {
    pub insee: String,
    /// What is commented (`communes/{insee}/{proposals|reports|publications}/{id}`).
    pub target: String,
    /// The page the thread is on (the forms come back to it).
    pub back: String,
    pub comments: Vec<CommentView>,
    pub count: usize,
    pub signed_in: bool,
    pub signin_href: String,
    /// The dialogue service did not answer: the page says so and shows the rest.
    pub unavailable: bool,
}

/// Most comments a page reads (pages of 100, first posted first).
const MAX_COMMENTS: usize = 500;

/// The thread on `target` (of commune `insee`), shown on the page at `back`.
/// A page works without its thread: if the service does not answer, the
/// view says so instead of failing the page.
pub async fn thread(state: &AppState, visitor: &Visitor, insee: &str, target: &str, back: &str) -> CommentsView {
    let mut view = CommentsView {
        insee: insee.to_owned(),
        target: target.to_owned(),
        back: back.to_owned(),
        signed_in: visitor.user.is_some(),
        signin_href: format!("/compte/connexion?suite={back}"),
        ..Default::default()
    };
    let mut all = Vec::new();
    let mut token = String::new();
    loop {
        let mut dialogue = state.dialogue.clone();
        let message = dg::ListCommentsRequest {
            parent: format!("communes/{insee}"),
            target: target.to_owned(),
            page_size: 100,
            page_token: token,
        };
        match upstream::call(dialogue.list_comments(upstream::request(message, &visitor.forwarded()))).await {
            Ok(page) => {
                all.extend(page.comments);
                if page.next_page_token.is_empty() || all.len() >= MAX_COMMENTS {
                    break;
                }
                token = page.next_page_token;
            }
            Err(error) => {
                tracing::warn!(%error, "site: comments unavailable");
                view.unavailable = true;
                return view;
            }
        }
    }
    view.count = all.len();
    view.comments = nest(visitor, insee, back, all);
    view
}

fn comment_view(visitor: &Visitor, insee: &str, back: &str, c: dg::Comment) -> CommentView {
    let tr = &visitor.tr;
    let moderation = Controls::new(visitor, insee, &c.name, &c.author, c.official, &c.hidden_reason, back);
    CommentView {
        id: last_segment(&c.name).to_owned(),
        author: who(tr, me(visitor), &c.author, c.official),
        official: c.official,
        at: tr.datetime(c.posted_at_us),
        iso: tr.iso(c.posted_at_us),
        body: c.body,
        hidden_reason: c.hidden_reason,
        name: c.name,
        replies: Vec::new(),
        moderation,
    }
}

/// First-level comments in posting order, each with its replies in posting order.
fn nest(visitor: &Visitor, insee: &str, back: &str, comments: Vec<dg::Comment>) -> Vec<CommentView> {
    let mut top: Vec<CommentView> = Vec::new();
    let mut replies: Vec<dg::Comment> = Vec::new();
    for c in comments {
        if c.parent_comment.is_empty() {
            top.push(comment_view(visitor, insee, back, c));
        } else {
            replies.push(c);
        }
    }
    for reply in replies {
        // A reply whose comment is past the pages read is left out with it.
        if let Some(parent) = top.iter_mut().find(|t| t.name == reply.parent_comment) {
            parent.replies.push(comment_view(visitor, insee, back, reply));
        }
    }
    top
}

// ---------------------------------------------------------------- posting

/// The comment form given back with its error.
#[derive(Template)]
#[template(path = "comments_post.html")]
struct Refused {
    frame: Frame,
    insee: String,
    target: String,
    reply_to: String,
    back: String,
    body: String,
    errors: FormErrors,
}

fn refused_page(visitor: Visitor, insee: &str, form: &FormData, back: &str, refused: Refusal) -> Response {
    let reply = !form.get("reply_to").is_empty();
    let title = visitor.tr.t(if reply { "dlg-reply-title" } else { "dlg-comment-title" });
    let page = Refused {
        frame: Frame::new(&visitor, title),
        insee: insee.to_owned(),
        target: form.get("target").to_owned(),
        reply_to: form.get("reply_to").to_owned(),
        back: back.to_owned(),
        body: form.get("body").to_owned(),
        errors: refused.errors,
    };
    render(visitor, refused.status, &page)
}

/// A page of this commune's site to come back to, else where the target is read.
fn back_of(insee: &str, form: &FormData) -> String {
    let back = safe_next(form.get("back"));
    if back.starts_with(&format!("/c/{insee}/")) {
        return back.split('#').next().unwrap_or_default().to_owned();
    }
    target_href(insee, form.get("target")).unwrap_or_else(|| format!("/c/{insee}/citoyen/"))
}

/// POST `/c/{insee}/commentaires`: `target`, `reply_to` (a comment's name, or
/// empty), `body`, `back`.
pub async fn post(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path(insee): Path<String>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match checked(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err((visitor, form, Some(refused))) => {
            let back = back_of(&insee, &form);
            return refused_page(visitor, &insee, &form, &back, refused);
        }
        Err((visitor, ..)) => return csrf_refused(visitor),
    };
    if !plain_segment(&insee) {
        return not_found(visitor);
    }
    let back = back_of(&insee, &form);
    if visitor.user.is_none() {
        return signin(visitor, &back);
    }
    let target = form.get("target").to_owned();
    let reply_to = form.get("reply_to").to_owned();
    // Tenant isolation: only this commune's targets (the service checks the rest).
    if target_href(&insee, &target).is_none() {
        return not_found(visitor);
    }
    let text = form.get("body").to_owned();
    let mut dialogue = state.dialogue.clone();
    let message = dg::PostCommentRequest {
        parent: format!("communes/{insee}"),
        request_id: form_request_id(&visitor.csrf, &["comment", &target, &reply_to, &text]),
        target,
        reply_to,
        body: text,
    };
    match upstream::call(dialogue.post_comment(upstream::request(message, &visitor.forwarded()))).await {
        Ok(posted) => {
            let id = posted.comment.map(|c| last_segment(&c.name).to_owned()).unwrap_or_default();
            redirect(visitor, &format!("{back}#comment-{id}"))
        }
        Err(error) => {
            let fields = [
                ("body", "body", "dlg-invalid-comment"),
                ("reply_to", "body", "dlg-invalid-reply-to"),
                ("target", "body", "dlg-invalid-target"),
            ];
            match refusal(&visitor.tr, &error, &fields, ("dlg-comment-already", "dlg-comment-already")) {
                Some(refused) => refused_page(visitor, &insee, &form, &back, refused),
                None => error_page(visitor, &error),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_way_back_stays_in_the_commune() {
        let form = |back: &str, target: &str| FormData::parse(format!("back={back}&target={target}").as_bytes());
        assert_eq!(back_of("75056", &form("/c/75056/citoyen/propositions/p1", "")), "/c/75056/citoyen/propositions/p1");
        assert_eq!(
            back_of("75056", &form("https://evil.example/", "communes/75056/reports/r1")),
            "/c/75056/citoyen/signalements/r1"
        );
        assert_eq!(back_of("75056", &form("/c/69123/", "")), "/c/75056/citoyen/");
    }
}
