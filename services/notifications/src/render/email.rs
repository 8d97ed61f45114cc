//! An e-mail about one event: its subject line, its plain-text body and its
//! HTML body, in one language, with the link to the thing on the site and the
//! one-click unsubscribe link. The same words go into both bodies; the HTML
//! one is escaped by askama (a title may hold `<script>`, and stays text).
//! [`render_stored`] renders a stored delivery, a digest's included.

use askama::Template;
use fluent_bundle::FluentArgs;

use super::digest::{Digest, render_digest};
use super::{
    Catalogue, EventType, Params, RenderError, arguments, one_line, parse_subject, site_path, status_words,
    subject_line,
};
use crate::digest::period::Cadence;

/// The one-click unsubscribe link of a message, and what it stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubscribeLink {
    /// `{public_url}/desabonnement/{token}`.
    pub url: String,
    /// True when it stops following the message's subject; false when it stops every e-mail.
    pub follow: bool,
}

/// What to render: a delivery row's event, its subject and parameters.
#[derive(Debug, Clone, Copy)]
pub struct EmailInput<'a> {
    /// `deliveries.event_type`.
    pub event_type: &'a str,
    /// `deliveries.subject`: the resource name of the thing.
    pub subject: &'a str,
    pub params: &'a Params,
    /// The site's address (`https://miroir.example`), without the trailing slash.
    pub public_url: &'a str,
    pub unsubscribe: &'a UnsubscribeLink,
}

/// A rendered e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

struct Detail {
    label: String,
    text: String,
}

/// What both bodies say, already in words.
struct Body {
    lang: &'static str,
    subject: String,
    greeting: String,
    paragraphs: Vec<String>,
    details: Vec<Detail>,
    action_label: String,
    link: String,
    link_line: String,
    why: String,
    unsubscribe_label: String,
    unsubscribe_url: String,
    unsubscribe_line: String,
    automatic: String,
}

#[derive(Template)]
#[template(path = "email.txt")]
struct TextEmail<'a> {
    body: &'a Body,
}

#[derive(Template)]
#[template(path = "email.html")]
struct HtmlEmail<'a> {
    body: &'a Body,
}

/// A public text of several lines (a message, a reason): line breaks kept as
/// `\n`, every other control character dropped, surrounding blanks trimmed.
fn paragraph_text(text: &str) -> String {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    let kept: String = normalized.chars().filter(|c| *c == '\n' || !c.is_control()).collect();
    kept.trim().to_owned()
}

pub(super) fn link_line(catalogue: &Catalogue, label: &str, url: &str) -> Result<String, RenderError> {
    let mut args = FluentArgs::new();
    args.set("label", label.to_owned());
    args.set("url", url.to_owned());
    catalogue.format("email-link-line", Some(&args))
}

/// The e-mail about `input` in `catalogue`'s language.
pub fn render(catalogue: &Catalogue, input: &EmailInput<'_>) -> Result<RenderedEmail, RenderError> {
    let event =
        EventType::parse(input.event_type).ok_or_else(|| RenderError::UnknownEventType(input.event_type.into()))?;
    let params = input.params;
    let args = arguments(catalogue, event, input.subject, params)?;
    let key = |part: &str| format!("{}-{part}", event.as_str());

    let subject = subject_line(catalogue, event, input.subject, params)?;
    let mut paragraphs = vec![one_line(&catalogue.format(&key("intro"), Some(&args))?)];
    if let Some(note) = catalogue.optional(&key("note"), Some(&args))? {
        paragraphs.push(one_line(&note));
    }
    if status_words(catalogue, event, params)?.is_some() {
        paragraphs.push(catalogue.format("line-status", Some(&args))?);
    }
    if event == EventType::ProposalThresholdReached && params.answer_due.is_some() {
        paragraphs.push(catalogue.format("line-answer-due", Some(&args))?);
    }
    let mut details = Vec::new();
    for (label, text) in
        [("label-message", &params.message), ("label-reason", &params.reason), ("label-summary", &params.summary)]
    {
        if let Some(text) = text {
            details.push(Detail { label: catalogue.format(label, None)?, text: paragraph_text(text) });
        }
    }

    let action_key = parse_subject(input.subject).map_or("email-action-site", |(_, kind, _)| kind.action_key());
    let action_label = catalogue.format(action_key, None)?;
    let link = format!("{}{}", input.public_url.trim_end_matches('/'), site_path(input.subject));
    let (why, unsubscribe_label) = if input.unsubscribe.follow {
        (catalogue.format("email-why-follow", Some(&args))?, catalogue.format("email-unsubscribe-follow", None)?)
    } else {
        (catalogue.format("email-why-all", None)?, catalogue.format("email-unsubscribe-all", None)?)
    };
    let body = Body {
        lang: catalogue.locale().as_str(),
        subject: subject.clone(),
        greeting: catalogue.format("email-greeting", None)?,
        paragraphs,
        details,
        link_line: link_line(catalogue, &action_label, &link)?,
        action_label,
        link,
        why: one_line(&why),
        unsubscribe_line: link_line(catalogue, &unsubscribe_label, &input.unsubscribe.url)?,
        unsubscribe_label,
        unsubscribe_url: input.unsubscribe.url.clone(),
        automatic: catalogue.format("email-automatic", None)?,
    };
    let text = TextEmail { body: &body }.render().map_err(|e| RenderError::Template(e.to_string()))?;
    let html = HtmlEmail { body: &body }.render().map_err(|e| RenderError::Template(e.to_string()))?;
    Ok(RenderedEmail { subject, text, html })
}

/// A delivery as it is stored: its event type, subject and parameters' JSON.
#[derive(Debug, Clone, Copy)]
pub struct StoredEmail<'a> {
    /// `deliveries.event_type`: an event's (`report_resolved`…) or a digest's (`digest_daily`, `digest_weekly`).
    pub event_type: &'a str,
    /// `deliveries.subject` (empty for a digest).
    pub subject: &'a str,
    /// `deliveries.params`.
    pub params: &'a str,
    /// The site's address, without the trailing slash.
    pub public_url: &'a str,
    pub unsubscribe: &'a UnsubscribeLink,
}

/// The e-mail of a stored delivery: a digest ([`render_digest`]) or one event's ([`render`]).
pub fn render_stored(catalogue: &Catalogue, stored: &StoredEmail<'_>) -> Result<RenderedEmail, RenderError> {
    if let Some(cadence) = Cadence::from_event_type(stored.event_type) {
        let digest = Digest::from_json(stored.params)?;
        return render_digest(catalogue, cadence, &digest, stored.public_url, stored.unsubscribe);
    }
    let params = Params::from_json(stored.params)?;
    let input = EmailInput {
        event_type: stored.event_type,
        subject: stored.subject,
        params: &params,
        public_url: stored.public_url,
        unsubscribe: stored.unsubscribe,
    };
    render(catalogue, &input)
}
