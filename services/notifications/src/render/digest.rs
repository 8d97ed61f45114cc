//! A digest e-mail: what happened in one day or one week in what an account
//! follows or subscribed to, one line per event with its link, in one
//! language, with the one-click link that stops every e-mail.
//!
//! What a digest holds ([`Digest`], stored as `deliveries.params` by the
//! digest scheduler) is the contract: the period, its days, how many events
//! it had, and per event only what a single event's subject line shows (its
//! type, the resource it is about, its public title, when it happened).
//! Never another person's name, address or account id; any other key of the
//! stored JSON is ignored.

use askama::Template;
use fluent_bundle::{FluentArgs, FluentValue};

use super::email::{RenderedEmail, UnsubscribeLink, link_line};
use super::{Catalogue, EventType, Params, RenderError, one_line, site_path, subject_line};
use crate::digest::period::Cadence;

/// At most this many events are listed in one digest (the count says how many there were).
pub const MAX_ITEMS: usize = 50;

/// The site's page where an account manages its notifications.
pub const ACCOUNT_PAGE: &str = "/compte/notifications";

/// One event of a digest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestItem {
    /// What happened (`report_resolved`…).
    pub event_type: String,
    /// The resource it is about (`communes/75056/reports/{id}`).
    pub subject: String,
    /// Its public title.
    pub title: Option<String>,
    /// When it happened, RFC 3339 UTC.
    pub occurred_at: String,
}

/// What a digest delivery holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Digest {
    /// "2026-12-07" or "2026-W49".
    pub period: String,
    /// The period's first and last day, "YYYY-MM-DD" (the same day for a daily digest).
    pub first_day: String,
    pub last_day: String,
    /// How many events the period had; `items` are the first [`MAX_ITEMS`] of them.
    pub total: u32,
    pub items: Vec<DigestItem>,
}

impl Digest {
    /// The stored form: a JSON object, keys in a fixed order.
    pub fn to_json(&self) -> String {
        let items: Vec<serde_json::Value> = self
            .items
            .iter()
            .map(|item| {
                let mut object = serde_json::Map::new();
                object.insert("event_type".into(), item.event_type.clone().into());
                object.insert("subject".into(), item.subject.clone().into());
                if let Some(title) = &item.title {
                    object.insert("title".into(), title.clone().into());
                }
                object.insert("occurred_at".into(), item.occurred_at.clone().into());
                serde_json::Value::Object(object)
            })
            .collect();
        serde_json::json!({
            "period": self.period,
            "first_day": self.first_day,
            "last_day": self.last_day,
            "total": self.total,
            "items": items,
        })
        .to_string()
    }

    /// From the stored JSON: only the keys above are read.
    pub fn from_json(raw: &str) -> Result<Self, RenderError> {
        let value: serde_json::Value = serde_json::from_str(raw).map_err(|_| RenderError::Params)?;
        let object = value.as_object().ok_or(RenderError::Params)?;
        let text = |object: &serde_json::Map<String, serde_json::Value>, key: &str| {
            object.get(key).and_then(serde_json::Value::as_str).map(str::trim).unwrap_or_default().to_owned()
        };
        let items: Vec<DigestItem> = object
            .get("items")
            .and_then(serde_json::Value::as_array)
            .ok_or(RenderError::Params)?
            .iter()
            .filter_map(serde_json::Value::as_object)
            .map(|item| DigestItem {
                event_type: text(item, "event_type"),
                subject: text(item, "subject"),
                title: Some(text(item, "title")).filter(|t| !t.is_empty()),
                occurred_at: text(item, "occurred_at"),
            })
            .collect();
        let listed = u32::try_from(items.len()).unwrap_or(u32::MAX);
        let total = object.get("total").and_then(serde_json::Value::as_u64).and_then(|n| u32::try_from(n).ok());
        Ok(Self {
            period: text(object, "period"),
            first_day: text(object, "first_day"),
            last_day: text(object, "last_day"),
            total: total.unwrap_or(listed).max(listed),
            items,
        })
    }
}

struct Line {
    text: String,
    link: String,
}

/// What both bodies say, already in words.
struct Body {
    lang: &'static str,
    subject: String,
    greeting: String,
    intro: String,
    items: Vec<Line>,
    more: Option<String>,
    manage_label: String,
    manage_url: String,
    manage_line: String,
    why: String,
    unsubscribe_label: String,
    unsubscribe_url: String,
    unsubscribe_line: String,
    automatic: String,
}

#[derive(Template)]
#[template(path = "digest.txt")]
struct TextDigest<'a> {
    body: &'a Body,
}

#[derive(Template)]
#[template(path = "digest.html")]
struct HtmlDigest<'a> {
    body: &'a Body,
}

/// The arguments of the digest's subject and introduction: its first and
/// last day in words, and how many events it tells of.
fn arguments(catalogue: &Catalogue, digest: &Digest) -> Result<FluentArgs<'static>, RenderError> {
    let mut args = FluentArgs::new();
    args.set("date", FluentValue::from(one_line(&catalogue.date(&digest.first_day)?)));
    args.set("last", FluentValue::from(one_line(&catalogue.date(&digest.last_day)?)));
    args.set("count", FluentValue::from(digest.total));
    Ok(args)
}

/// The subject line of a digest of `cadence` in `catalogue`'s language:
/// "Votre résumé du 7 décembre 2026 : 3 nouvelles".
pub fn digest_subject_line(catalogue: &Catalogue, cadence: Cadence, digest: &Digest) -> Result<String, RenderError> {
    let args = arguments(catalogue, digest)?;
    Ok(one_line(&catalogue.format(&format!("{}-subject", cadence.event_type()), Some(&args))?))
}

/// One event's line: its own subject line ("Signalement résolu : …"), dated in a weekly digest.
fn item_line(catalogue: &Catalogue, cadence: Cadence, item: &DigestItem) -> Result<String, RenderError> {
    let line = match EventType::parse(&item.event_type) {
        Some(event) => {
            let params = Params { title: item.title.clone(), ..Params::default() };
            subject_line(catalogue, event, &item.subject, &params)?
        }
        // A type the catalogues do not know yet still gets a line: the digest is not lost for it.
        None => {
            let mut args = FluentArgs::new();
            let title = match &item.title {
                Some(title) => one_line(title),
                None => catalogue.format("untitled", None)?,
            };
            args.set("title", FluentValue::from(title));
            one_line(&catalogue.format("digest-item-other", Some(&args))?)
        }
    };
    if cadence == Cadence::Weekly && !item.occurred_at.is_empty() {
        let mut args = FluentArgs::new();
        args.set("date", FluentValue::from(one_line(&catalogue.date(&item.occurred_at)?)));
        args.set("line", FluentValue::from(line));
        return catalogue.format("digest-item-dated", Some(&args));
    }
    Ok(line)
}

/// The digest e-mail in `catalogue`'s language. `public_url` is the site's
/// address without the trailing slash; `unsubscribe` stops every e-mail (a
/// digest is about no one subject).
pub fn render_digest(
    catalogue: &Catalogue,
    cadence: Cadence,
    digest: &Digest,
    public_url: &str,
    unsubscribe: &UnsubscribeLink,
) -> Result<RenderedEmail, RenderError> {
    let public_url = public_url.trim_end_matches('/');
    let args = arguments(catalogue, digest)?;
    let subject = digest_subject_line(catalogue, cadence, digest)?;
    let items = digest
        .items
        .iter()
        .take(MAX_ITEMS)
        .map(|item| {
            Ok(Line {
                text: item_line(catalogue, cadence, item)?,
                link: format!("{public_url}{}", site_path(&item.subject)),
            })
        })
        .collect::<Result<Vec<_>, RenderError>>()?;
    let listed = u32::try_from(items.len()).unwrap_or(u32::MAX);
    let more = match digest.total.saturating_sub(listed) {
        0 => None,
        more => {
            let mut args = FluentArgs::new();
            args.set("more", FluentValue::from(more));
            Some(one_line(&catalogue.format("digest-more", Some(&args))?))
        }
    };
    let manage_label = catalogue.format("digest-manage", None)?;
    let manage_url = format!("{public_url}{ACCOUNT_PAGE}");
    let unsubscribe_label = catalogue.format("email-unsubscribe-all", None)?;
    let body = Body {
        lang: catalogue.locale().as_str(),
        subject: subject.clone(),
        greeting: catalogue.format("email-greeting", None)?,
        intro: one_line(&catalogue.format(&format!("{}-intro", cadence.event_type()), Some(&args))?),
        items,
        more,
        manage_line: link_line(catalogue, &manage_label, &manage_url)?,
        manage_label,
        manage_url,
        why: one_line(&catalogue.format(&format!("{}-why", cadence.event_type()), None)?),
        unsubscribe_line: link_line(catalogue, &unsubscribe_label, &unsubscribe.url)?,
        unsubscribe_label,
        unsubscribe_url: unsubscribe.url.clone(),
        automatic: catalogue.format("email-automatic", None)?,
    };
    let text = TextDigest { body: &body }.render().map_err(|e| RenderError::Template(e.to_string()))?;
    let html = HtmlDigest { body: &body }.render().map_err(|e| RenderError::Template(e.to_string()))?;
    Ok(RenderedEmail { subject, text, html })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_comes_back_as_it_was_stored_and_nothing_else_is_read() {
        let digest = Digest {
            period: "2026-W49".into(),
            first_day: "2026-11-30".into(),
            last_day: "2026-12-06".into(),
            total: 60,
            items: vec![DigestItem {
                event_type: "report_resolved".into(),
                subject: "communes/75056/reports/x".into(),
                title: Some("Nid-de-poule".into()),
                occurred_at: "2026-12-01T10:00:00Z".into(),
            }],
        };
        assert_eq!(Digest::from_json(&digest.to_json()), Ok(digest.clone()));
        let extra =
            r#"{"period":"2026-12-07","items":[{"event_type":"x","subject":"s","email":"a@b.fr"},3],"author":"A"}"#;
        let read = Digest::from_json(extra).expect("digest");
        assert_eq!(read.total, 1, "at least the items listed");
        assert_eq!(read.items, [DigestItem { event_type: "x".into(), subject: "s".into(), ..DigestItem::default() }]);
        for wrong in ["", "[]", "{}", r#"{"items":{}}"#] {
            assert_eq!(Digest::from_json(wrong), Err(RenderError::Params), "{wrong}");
        }
    }
}
