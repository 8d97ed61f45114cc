//! Public questions to the commune, in the citizen space: the list (open,
//! answered, redirected; the open ones past the commune's commitment marked
//! overdue) with the ask form for signed-in residents, and a question's page
//! with its official answer — how many days it took, against the commitment —
//! and the staff's forms there (answer; send to a report).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use miroir_proto::dialogue::v1 as dg;
use miroir_proto::reports::v1 as rp;
use tonic::Code;

use super::moderation::{
    Controls, DAY_US, OFFICIALS, Refusal, STAFF, checked, csrf_refused, holds, me, not_found, now_us, refusal,
    resource, signin, who,
};
use super::{commune, plain_segment};
use crate::rest::extract::ClientAddress;
use crate::site::forms::{FormData, FormErrors, error_page};
use crate::site::i18n::Tr;
use crate::site::page::{Frame, redirect, render};
use crate::site::session::Visitor;
use crate::site::{CommuneView, Field, form_request_id, last_segment};
use crate::{AppState, GatewayError, upstream};

pub fn list_href(insee: &str) -> String {
    format!("/c/{insee}/citoyen/questions/")
}

pub fn question_href(insee: &str, id: &str) -> String {
    format!("/c/{insee}/citoyen/questions/{id}")
}

/// A question as pages show it, texts in the page's language.
#[derive(Debug, Clone)]
pub struct QuestionView {
    pub id: String,
    pub href: String,
    pub title: String,
    pub body: String,
    pub hidden_reason: String,
    pub status: String,
    /// "open", "answered" or "redirected".
    pub status_class: &'static str,
    /// Open past the commune's commitment.
    pub overdue: bool,
    pub mine: bool,
    pub asked_at: String,
    pub asked_iso: String,
    pub due_at: String,
    pub due_iso: String,
    /// "The commune undertakes to answer within N days."
    pub commitment: String,
    pub answer: String,
    pub answered_by: String,
    pub answered_at: String,
    pub answered_iso: String,
    /// "Answered in N days."
    pub delay: String,
    pub on_time: bool,
    pub report_href: String,
    pub redirect_message: String,
    pub moderation: Controls,
}

/// Whole days from `from_us` to `to_us` (a part of a day does not count).
pub fn whole_days(from_us: i64, to_us: i64) -> i64 {
    (to_us.saturating_sub(from_us) / DAY_US).max(0)
}

impl QuestionView {
    pub fn new(visitor: &Visitor, insee: &str, q: dg::Question) -> Self {
        let tr: &Tr = &visitor.tr;
        let id = last_segment(&q.name).to_owned();
        let href = question_href(insee, &id);
        let (status_key, status_class) = match q.status() {
            dg::QuestionStatus::Answered => ("dlg-question-answered", "answered"),
            dg::QuestionStatus::Redirected => ("dlg-question-redirected", "redirected"),
            _ => ("dlg-question-open", "open"),
        };
        let answered = status_class == "answered";
        let report_href = q
            .redirected_to_report
            .strip_prefix(&format!("communes/{insee}/reports/"))
            .filter(|id| plain_segment(id))
            .map(|id| format!("/c/{insee}/citoyen/signalements/{id}"))
            .unwrap_or_default();
        QuestionView {
            status: tr.t(status_key),
            status_class,
            overdue: status_class == "open" && now_us() > q.answer_due_at_us,
            mine: me(visitor) == Some(q.author.as_str()),
            asked_at: tr.datetime(q.asked_at_us),
            asked_iso: tr.iso(q.asked_at_us),
            due_at: tr.datetime(q.answer_due_at_us),
            due_iso: tr.iso(q.answer_due_at_us),
            commitment: tr.count("dlg-commitment", i64::from(q.commitment_days)),
            answered_by: if answered { who(tr, me(visitor), &q.answerer, true) } else { String::new() },
            answered_at: if answered { tr.datetime(q.answered_at_us) } else { String::new() },
            answered_iso: if answered { tr.iso(q.answered_at_us) } else { String::new() },
            delay: if answered {
                tr.count("dlg-answer-delay", whole_days(q.asked_at_us, q.answered_at_us))
            } else {
                String::new()
            },
            on_time: q.answered_on_time,
            moderation: Controls::new(visitor, insee, &q.name, &q.author, false, &q.hidden_reason, &href),
            report_href,
            redirect_message: q.redirect_message,
            answer: q.answer,
            title: q.title,
            body: q.body,
            hidden_reason: q.hidden_reason,
            href,
            id,
        }
    }
}

// ---------------------------------------------------------------- the list and the ask form

#[derive(Template)]
#[template(path = "question_list.html")]
struct List {
    frame: Frame,
    commune: CommuneView,
    questions: Vec<QuestionView>,
    overdue_only: bool,
    next_href: Option<String>,
    first_href: Option<String>,
    signed_in: bool,
    signin_href: String,
    fields: Vec<Field>,
    errors: FormErrors,
}

async fn list_page(
    state: &AppState,
    visitor: Visitor,
    insee: &str,
    query: &FormData,
    typed: &FormData,
    refused: Option<Refusal>,
) -> Response {
    if !plain_segment(insee) {
        return not_found(visitor);
    }
    let overdue_only = query.get("retard") == "1";
    let token = query.get("page").to_owned();
    let mut dialogue = state.dialogue.clone();
    let message = dg::ListQuestionsRequest {
        parent: format!("communes/{insee}"),
        page_size: 20,
        page_token: token.clone(),
        overdue_only,
        // Text search is the commune's search page's (`/c/{insee}/recherche`).
        query: String::new(),
    };
    let listed = upstream::call(dialogue.list_questions(upstream::request(message, &visitor.forwarded())));
    let (commune, listed) = match tokio::try_join!(commune(state, insee), listed) {
        Ok(found) => found,
        Err(error) => return error_page(visitor, &error),
    };
    let base = list_href(insee);
    let filter = if overdue_only { "retard=1&" } else { "" };
    let next_href = (!listed.next_page_token.is_empty()).then(|| {
        let page: String = form_urlencoded::byte_serialize(listed.next_page_token.as_bytes()).collect();
        format!("{base}?{filter}page={page}")
    });
    let first_href = (!token.is_empty()).then(|| format!("{base}?{filter}"));
    let questions = listed.questions.into_iter().map(|q| QuestionView::new(&visitor, insee, q)).collect();
    let tr = &visitor.tr;
    let fields = vec![
        Field::new(tr, "title", "dlg-field-question-title", "text")
            .hint(tr, "dlg-field-question-title-hint")
            .value(typed.get("title")),
        Field::new(tr, "body", "dlg-field-question-body", "textarea").value(typed.get("body")),
    ];
    let (status, errors) = refused.map_or((StatusCode::OK, FormErrors::default()), |r| (r.status, r.errors));
    let page = List {
        frame: Frame::new(&visitor, format!("{} — {}", tr.t("dlg-questions-title"), commune.display_name)),
        commune,
        questions,
        overdue_only,
        next_href,
        first_href,
        signed_in: visitor.user.is_some(),
        signin_href: format!("/compte/connexion?suite={base}"),
        fields,
        errors,
    };
    render(visitor, status, &page)
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = FormData::parse(query.unwrap_or_default().as_bytes());
    list_page(&state, visitor, &insee, &query, &FormData::default(), None).await
}

/// POST to the list: a signed-in resident asks (`title`, `body`).
pub async fn ask(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path(insee): Path<String>,
    body: Bytes,
) -> Response {
    let none = FormData::default();
    let (visitor, form) = match checked(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err((visitor, form, Some(refused))) => {
            return list_page(&state, visitor, &insee, &none, &form, Some(refused)).await;
        }
        Err((visitor, ..)) => return csrf_refused(visitor),
    };
    if visitor.user.is_none() {
        return signin(visitor, &list_href(&insee));
    }
    if !plain_segment(&insee) {
        return not_found(visitor);
    }
    let mut dialogue = state.dialogue.clone();
    let message = dg::AskQuestionRequest {
        parent: format!("communes/{insee}"),
        title: form.get("title").to_owned(),
        body: form.get("body").to_owned(),
        request_id: form_request_id(&visitor.csrf, &["question", form.get("title"), form.get("body")]),
    };
    match upstream::call(dialogue.ask_question(upstream::request(message, &visitor.forwarded()))).await {
        Ok(asked) => {
            let id = asked.question.map(|q| last_segment(&q.name).to_owned()).unwrap_or_default();
            redirect(visitor, &question_href(&insee, &id))
        }
        Err(error) => {
            let fields = [("title", "title", "dlg-invalid-title"), ("body", "body", "dlg-invalid-body")];
            match refusal(&visitor.tr, &error, &fields, ("dlg-question-already", "dlg-question-already")) {
                Some(refused) => list_page(&state, visitor, &insee, &none, &form, Some(refused)).await,
                None => error_page(visitor, &error),
            }
        }
    }
}

// ---------------------------------------------------------------- a question's page

#[derive(Template)]
#[template(path = "question_page.html")]
struct Show {
    frame: Frame,
    commune: CommuneView,
    question: QuestionView,
    can_answer: bool,
    can_redirect: bool,
    answer_fields: Vec<Field>,
    redirect_fields: Vec<Field>,
    errors: FormErrors,
    /// Which form the errors are about ("answer", "redirect").
    error_form: &'static str,
    follow: Option<super::follow::FollowButton>,
}

async fn show_page(
    state: &AppState,
    visitor: Visitor,
    insee: &str,
    id: &str,
    typed: &FormData,
    refused: Option<(&'static str, Refusal)>,
) -> Response {
    if !plain_segment(insee) || !plain_segment(id) {
        return not_found(visitor);
    }
    let mut dialogue = state.dialogue.clone();
    let get = dg::GetQuestionRequest { name: resource(insee, "questions", id) };
    let found = upstream::call(dialogue.get_question(upstream::request(get, &visitor.forwarded())));
    let (commune, question) = match tokio::try_join!(commune(state, insee), found) {
        Ok(found) => found,
        Err(error) => return error_page(visitor, &error),
    };
    let question = QuestionView::new(&visitor, insee, question);
    let follow = super::follow::button(state, &visitor, &resource(insee, "questions", id), &question.href).await;
    let open = question.status_class == "open";
    let tr = &visitor.tr;
    let answer_fields = vec![Field::new(tr, "answer", "dlg-field-answer", "textarea").value(typed.get("answer"))];
    let redirect_fields = vec![
        Field::new(tr, "report", "dlg-field-report", "text")
            .hint(tr, "dlg-field-report-hint")
            .value(typed.get("report")),
        Field::new(tr, "redirect_message", "dlg-field-redirect-message", "textarea")
            .value(typed.get("redirect_message"))
            .optional(),
    ];
    let (status, error_form, errors) =
        refused.map_or((StatusCode::OK, "", FormErrors::default()), |(form, r)| (r.status, form, r.errors));
    let title = if question.hidden_reason.is_empty() { question.title.clone() } else { tr.t("dlg-question-hidden") };
    let page = Show {
        frame: Frame::new(&visitor, title),
        commune,
        can_answer: open && holds(&visitor, insee, OFFICIALS),
        can_redirect: open && holds(&visitor, insee, STAFF),
        question,
        answer_fields,
        redirect_fields,
        errors,
        error_form,
        follow,
    };
    render(visitor, status, &page)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((insee, id)): Path<(String, String)>,
) -> Response {
    show_page(&state, visitor, &insee, &id, &FormData::default(), None).await
}

/// POST: an official answers (`answer`).
pub async fn answer(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path((insee, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match checked(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err((visitor, form, Some(refused))) => {
            return show_page(&state, visitor, &insee, &id, &form, Some(("answer", refused))).await;
        }
        Err((visitor, ..)) => return csrf_refused(visitor),
    };
    if visitor.user.is_none() {
        return signin(visitor, &question_href(&insee, &id));
    }
    if !plain_segment(&insee) || !plain_segment(&id) {
        return not_found(visitor);
    }
    let mut dialogue = state.dialogue.clone();
    let message = dg::AnswerQuestionRequest {
        name: resource(&insee, "questions", &id),
        body: form.get("answer").to_owned(),
        request_id: form_request_id(&visitor.csrf, &["answer-question", &id, form.get("answer")]),
    };
    match upstream::call(dialogue.answer_question(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, &format!("{}#official-answer", question_href(&insee, &id))),
        Err(error) => {
            let fields = [("body", "answer", "dlg-invalid-answer")];
            match refusal(&visitor.tr, &error, &fields, ("dlg-question-answered-already", "dlg-question-not-open")) {
                Some(refused) => show_page(&state, visitor, &insee, &id, &form, Some(("answer", refused))).await,
                None => error_page(visitor, &error),
            }
        }
    }
}

/// The report id in what staff typed: an id, or a report's address pasted from the browser.
fn typed_report_id(raw: &str) -> &str {
    let path = raw.trim().split(['?', '#']).next().unwrap_or_default().trim_end_matches('/');
    last_segment(path)
}

/// POST: staff send the question to a report of the commune (`report`: its id
/// or the address of its page; `redirect_message`).
pub async fn redirect_to_report(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path((insee, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match checked(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err((visitor, form, Some(refused))) => {
            return show_page(&state, visitor, &insee, &id, &form, Some(("redirect", refused))).await;
        }
        Err((visitor, ..)) => return csrf_refused(visitor),
    };
    if visitor.user.is_none() {
        return signin(visitor, &question_href(&insee, &id));
    }
    if !plain_segment(&insee) || !plain_segment(&id) {
        return not_found(visitor);
    }
    let report_id = typed_report_id(form.get("report")).to_owned();
    // The report must exist in this commune: a clear error beside the field rather than a dead link.
    let mut reports = state.reports.clone();
    let get = rp::GetReportRequest { name: resource(&insee, "reports", &report_id) };
    let exists = plain_segment(&report_id)
        && match upstream::call(reports.get_report(upstream::request(get, &visitor.forwarded()))).await {
            Ok(_) => true,
            Err(GatewayError::Upstream(status)) if matches!(status.code(), Code::NotFound | Code::InvalidArgument) => {
                false
            }
            Err(error) => return error_page(visitor, &error),
        };
    if !exists {
        let mut errors = FormErrors::default();
        errors.add("report", visitor.tr.t("dlg-invalid-report"));
        let refused = Refusal { status: StatusCode::BAD_REQUEST, errors };
        return show_page(&state, visitor, &insee, &id, &form, Some(("redirect", refused))).await;
    }
    let mut dialogue = state.dialogue.clone();
    let message = dg::RedirectQuestionRequest {
        name: resource(&insee, "questions", &id),
        report: resource(&insee, "reports", &report_id),
        message: form.get("redirect_message").to_owned(),
        request_id: form_request_id(&visitor.csrf, &["redirect-question", &id, &report_id]),
    };
    match upstream::call(dialogue.redirect_question(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, &question_href(&insee, &id)),
        Err(error) => {
            let fields =
                [("report", "report", "dlg-invalid-report"), ("message", "redirect_message", "dlg-invalid-message")];
            match refusal(&visitor.tr, &error, &fields, ("dlg-question-answered-already", "dlg-question-not-open")) {
                Some(refused) => show_page(&state, visitor, &insee, &id, &form, Some(("redirect", refused))).await,
                None => error_page(visitor, &error),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delay_counts_whole_days() {
        assert_eq!(whole_days(0, DAY_US - 1), 0);
        assert_eq!(whole_days(0, 3 * DAY_US + 5), 3);
        assert_eq!(whole_days(10, 0), 0);
    }

    #[test]
    fn a_report_is_named_by_its_id_or_its_address() {
        assert_eq!(typed_report_id(" abc-1 "), "abc-1");
        assert_eq!(typed_report_id("http://x/c/75056/citoyen/signalements/abc-1/?lang=fr#top"), "abc-1");
    }
}
