//! What a notification says, rendered at send time from what the intake
//! stored (`deliveries.event_type`, `subject` and the `params` JSON), in the
//! recipient's language at that moment: French first, English.
//!
//! The words are Fluent messages (`locales/{fr,en}.ftl`, embedded in the
//! binary); the layout is askama templates (`templates/email.{txt,html}`,
//! HTML escaped by askama). This module owns the vocabulary every channel
//! shares: the event types ([`EventType`]), the public parameters a message
//! may show ([`Params`]: a fixed list of keys, nothing else of the JSON is
//! ever read, so a stray `email` or `author_name` cannot leak), the page of a
//! subject on the site ([`site_path`]) and the catalogues ([`Catalogue`]).
//!
//! - [`email`] — the subject line, the plain-text and the HTML body of an e-mail.
//! - [`digest`] — the same for a daily or weekly digest of several events.

pub mod digest;
pub mod email;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

pub use crate::domain::preferences::Locale;

/// Why a message could not be rendered. Never worth retrying: the stored row
/// or the binary's catalogues are wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error("no template for the event type `{0}`")]
    UnknownEventType(String),
    #[error("the parameters are not a JSON object")]
    Params,
    #[error("the {locale} catalogue has no message `{key}`")]
    Missing { locale: &'static str, key: String },
    #[error("the {locale} message `{key}` could not be formatted")]
    Format { locale: &'static str, key: String },
    #[error("the template could not be rendered: {0}")]
    Template(String),
}

/// What kind of thing a subject is, from its resource name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectKind {
    Report,
    Question,
    Proposal,
    Publication,
}

impl SubjectKind {
    fn from_collection(collection: &str) -> Option<Self> {
        match collection {
            "reports" => Some(SubjectKind::Report),
            "questions" => Some(SubjectKind::Question),
            "proposals" => Some(SubjectKind::Proposal),
            "publications" => Some(SubjectKind::Publication),
            _ => None,
        }
    }

    /// Its page on the site, under `/c/{insee}`.
    fn site_segment(self) -> &'static str {
        match self {
            SubjectKind::Report => "citoyen/signalements",
            SubjectKind::Question => "citoyen/questions",
            SubjectKind::Proposal => "citoyen/propositions",
            SubjectKind::Publication => "publications",
        }
    }

    /// The catalogue's key of the link's label ("Voir le signalement").
    fn action_key(self) -> &'static str {
        match self {
            SubjectKind::Report => "email-action-report",
            SubjectKind::Question => "email-action-question",
            SubjectKind::Proposal => "email-action-proposal",
            SubjectKind::Publication => "email-action-publication",
        }
    }
}

/// A subject resource name, `communes/{insee}/{collection}/{id}[/…]`, taken
/// apart; `None` unless its commune and id are well formed (they go into a URL).
pub fn parse_subject(subject: &str) -> Option<(miroir_insee::InseeCode, SubjectKind, &str)> {
    let mut parts = subject.strip_prefix("communes/")?.split('/');
    let commune = miroir_insee::InseeCode::parse(parts.next()?).ok()?;
    let kind = SubjectKind::from_collection(parts.next()?)?;
    let id = parts.next()?;
    let plain = (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    plain.then_some((commune, kind, id))
}

/// The page of `subject` on the site (`/c/75056/citoyen/signalements/{id}`…);
/// the commune's home for a subject of another kind, the site's home when not
/// even the commune can be read from it.
pub fn site_path(subject: &str) -> String {
    if let Some((commune, kind, id)) = parse_subject(subject) {
        return format!("/c/{commune}/{}/{id}", kind.site_segment());
    }
    let commune = subject.strip_prefix("communes/").and_then(|rest| rest.split('/').next());
    match commune.map(miroir_insee::InseeCode::parse) {
        Some(Ok(commune)) => format!("/c/{commune}/"),
        _ => "/".to_owned(),
    }
}

macro_rules! event_types {
    ($($variant:ident => $name:literal),+ $(,)?) => {
        /// What happened, as the intake names it in `deliveries.event_type`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventType { $($variant),+ }

        impl EventType {
            pub const ALL: &'static [EventType] = &[$(EventType::$variant),+];

            /// The stored form, also the prefix of its catalogue messages.
            pub fn as_str(self) -> &'static str {
                match self { $(EventType::$variant => $name),+ }
            }

            pub fn parse(raw: &str) -> Option<Self> {
                match raw { $($name => Some(EventType::$variant),)+ _ => None }
            }
        }
    };
}

event_types! {
    ReportSubmitted => "report_submitted",
    ReportAcknowledged => "report_acknowledged",
    ReportWorkStarted => "report_work_started",
    ReportResolved => "report_resolved",
    ReportRejected => "report_rejected",
    ReportMerged => "report_merged",
    ReportReopened => "report_reopened",
    ReportAssigned => "report_assigned",
    QuestionAsked => "question_asked",
    QuestionAnswered => "question_answered",
    QuestionRedirected => "question_redirected",
    CommentPosted => "comment_posted",
    ProposalSubmitted => "proposal_submitted",
    ProposalThresholdReached => "proposal_threshold_reached",
    ProposalAnswered => "proposal_answered",
    PublicationPublished => "publication_published",
    PublicationAmended => "publication_amended",
    PublicationArchived => "publication_archived",
    ContentHidden => "content_hidden",
    ContentRestored => "content_restored",
    AppealDismissed => "appeal_dismissed",
    HidingAppealed => "hiding_appealed",
    ContentFlagged => "content_flagged",
}

impl EventType {
    /// Whether the message shows the report's status (every report event does).
    fn shows_status(self) -> bool {
        self.as_str().starts_with("report_")
    }
}

/// The parameters a message may show, and only those: the intake writes them
/// from public facts (titles, statuses, the commune's public messages and
/// reasons, dates); any other key of the stored JSON is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    /// The public title of the thing.
    pub title: Option<String>,
    /// Its status code after the event (`acknowledged`, `in_progress`, `resolved`…).
    pub status: Option<String>,
    /// A public message of the commune (a report's update, an answer).
    pub message: Option<String>,
    /// A public reason (a rejection, a moderation decision, an archiving).
    pub reason: Option<String>,
    /// What changed (an amended publication).
    pub summary: Option<String>,
    /// The INSEE code of the commune.
    pub commune: Option<String>,
    /// The commune's name, when the intake knows it.
    pub commune_name: Option<String>,
    /// When the commune must answer (a proposal past its threshold): `YYYY-MM-DD`.
    pub answer_due: Option<String>,
}

impl Params {
    /// The stored JSON object (`{}` and an empty text are no parameters).
    pub fn from_json(raw: &str) -> Result<Self, RenderError> {
        if raw.trim().is_empty() {
            return Ok(Self::default());
        }
        let value: serde_json::Value = serde_json::from_str(raw).map_err(|_| RenderError::Params)?;
        let object = value.as_object().ok_or(RenderError::Params)?;
        let text = |key: &str| {
            object
                .get(key)
                .and_then(serde_json::Value::as_str)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Ok(Self {
            title: text("title"),
            status: text("status"),
            message: text("message"),
            reason: text("reason"),
            // The intake writes `summary_of_change` and `answer_due_at_us`; both names are read.
            summary: text("summary").or_else(|| text("summary_of_change")),
            commune: text("commune"),
            commune_name: text("commune_name"),
            answer_due: text("answer_due")
                .or_else(|| text("answer_due_at_us").and_then(|us| us.parse::<i64>().ok()).map(french_date)),
        })
    }

    /// How a message names the commune: its name, else its code.
    fn commune_label(&self, subject: &str) -> String {
        self.commune_name
            .clone()
            .or_else(|| self.commune.clone())
            .or_else(|| parse_subject(subject).map(|(commune, _, _)| commune.to_string()))
            .unwrap_or_default()
    }
}

/// The calendar day (`YYYY-MM-DD`) of a time in Unix microseconds, in metropolitan France's winter time
/// (UTC+1): a due date shown a day early only between 23:00 and midnight in summer.
pub fn french_date(unix_us: i64) -> String {
    let days = (unix_us.div_euclid(1_000_000) + 3600).div_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// One line of text: control characters (line breaks included) become spaces,
/// so a title cannot add lines to a subject header or to a plain-text layout.
pub fn one_line(text: &str) -> String {
    let joined: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    joined.split_whitespace().collect::<Vec<_>>().join(" ")
}

type Bundle = FluentBundle<FluentResource>;

const SOURCES: [(Locale, &str); 2] =
    [(Locale::Fr, include_str!("locales/fr.ftl")), (Locale::En, include_str!("locales/en.ftl"))];

fn bundles() -> &'static HashMap<&'static str, Arc<Bundle>> {
    static BUNDLES: OnceLock<HashMap<&'static str, Arc<Bundle>>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        SOURCES
            .into_iter()
            .map(|(locale, source)| {
                let lang: unic_langid::LanguageIdentifier = locale.as_str().parse().unwrap_or_default();
                let mut bundle = FluentBundle::new_concurrent(vec![lang]);
                // Unicode isolation marks around arguments would show in subject lines and plain text.
                bundle.set_use_isolating(false);
                // The catalogues are part of the binary and checked by tests: a syntax error is a build defect,
                // and the messages it spoils are reported as missing when used.
                let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(resource, _)| resource);
                let _ = bundle.add_resource(resource);
                (locale.as_str(), Arc::new(bundle))
            })
            .collect()
    })
}

/// One language's messages. Unlike the site, a missing message is an error,
/// not a fallback to its key: a message is better not sent than sent with
/// `report_resolved-intro` in it.
#[derive(Clone)]
pub struct Catalogue {
    locale: Locale,
    bundle: Arc<Bundle>,
}

impl Catalogue {
    pub fn new(locale: Locale) -> Self {
        let bundle =
            bundles().get(locale.as_str()).cloned().unwrap_or_else(|| Arc::new(FluentBundle::new_concurrent(vec![])));
        Self { locale, bundle }
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    pub fn has(&self, key: &str) -> bool {
        self.bundle.get_message(key).and_then(|m| m.value()).is_some()
    }

    /// The text of `key` with `args`.
    pub fn format(&self, key: &str, args: Option<&FluentArgs<'_>>) -> Result<String, RenderError> {
        let locale = self.locale.as_str();
        let pattern = self
            .bundle
            .get_message(key)
            .and_then(|m| m.value())
            .ok_or_else(|| RenderError::Missing { locale, key: key.to_owned() })?;
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, args, &mut errors).into_owned();
        if errors.is_empty() { Ok(text) } else { Err(RenderError::Format { locale, key: key.to_owned() }) }
    }

    /// The text of `key`, if the catalogue has it (optional lines).
    pub fn optional(&self, key: &str, args: Option<&FluentArgs<'_>>) -> Result<Option<String>, RenderError> {
        if self.has(key) { self.format(key, args).map(Some) } else { Ok(None) }
    }

    /// A `YYYY-MM-DD` date (or the start of an RFC 3339 time) as this language
    /// writes it ("15 mars 2026", "15 March 2026"); anything else unchanged.
    pub fn date(&self, raw: &str) -> Result<String, RenderError> {
        let Some((year, month, day)) = calendar_date(raw) else {
            return Ok(raw.to_owned());
        };
        let month = self.format(&format!("month-{month}"), None)?;
        // Both languages write the day first here ("15 mars 2026", "15 March 2026").
        Ok(format!("{day} {month} {year}"))
    }
}

fn calendar_date(raw: &str) -> Option<(u32, u32, u32)> {
    let date = raw.get(..10)?;
    let mut parts = date.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if year.len() != 4 || month.len() != 2 || day.len() != 2 || raw.len() > 10 && !raw[10..].starts_with('T') {
        return None;
    }
    let (year, month, day): (u32, u32, u32) = (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((year, month, day))
}

/// A report's status in words, for the events that show it; nothing for an
/// unknown code (a code is not a word for a reader).
fn status_words(catalogue: &Catalogue, event: EventType, params: &Params) -> Result<Option<String>, RenderError> {
    match &params.status {
        Some(code) if event.shows_status() => catalogue.optional(&format!("status-{code}"), None),
        _ => Ok(None),
    }
}

/// The arguments every message of an event may use: the public parameters,
/// as one line each, the commune's name and the status in words.
fn arguments(
    catalogue: &Catalogue,
    event: EventType,
    subject: &str,
    params: &Params,
) -> Result<FluentArgs<'static>, RenderError> {
    let mut args = FluentArgs::new();
    let mut set = |name: &'static str, value: String| args.set(name, FluentValue::from(value));
    let title = match &params.title {
        Some(title) => one_line(title),
        None => catalogue.format("untitled", None)?,
    };
    set("title", title);
    set("commune", one_line(&params.commune_label(subject)));
    set("status", status_words(catalogue, event, params)?.unwrap_or_default());
    set(
        "answer_due",
        match &params.answer_due {
            Some(due) => catalogue.date(due)?,
            None => String::new(),
        },
    );
    Ok(args)
}

/// The subject line of `event` in `catalogue`'s language: one line.
pub fn subject_line(
    catalogue: &Catalogue,
    event: EventType,
    subject: &str,
    params: &Params,
) -> Result<String, RenderError> {
    let args = arguments(catalogue, event, subject, params)?;
    Ok(one_line(&catalogue.format(&format!("{}-subject", event.as_str()), Some(&args))?))
}

/// The subject line of a stored delivery (an event's or a digest's), from
/// its columns: what an account's list of its e-mails shows.
pub fn stored_subject_line(
    catalogue: &Catalogue,
    event_type: &str,
    subject: &str,
    params: &str,
) -> Result<String, RenderError> {
    if let Some(cadence) = crate::digest::period::Cadence::from_event_type(event_type) {
        return digest::digest_subject_line(catalogue, cadence, &digest::Digest::from_json(params)?);
    }
    let event = EventType::parse(event_type).ok_or_else(|| RenderError::UnknownEventType(event_type.into()))?;
    subject_line(catalogue, event, subject, &Params::from_json(params)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(source: &str) -> Vec<String> {
        let mut ids: Vec<String> = source
            .lines()
            .filter(|line| line.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
            .filter_map(|line| line.split_once(" =").map(|(id, _)| id.trim().to_owned()))
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn both_catalogues_parse_and_have_the_same_messages() {
        for (locale, source) in SOURCES {
            assert!(FluentResource::try_new(source.to_owned()).is_ok(), "{} does not parse", locale.as_str());
        }
        assert_eq!(ids(SOURCES[0].1), ids(SOURCES[1].1));
        for event in EventType::ALL {
            assert_eq!(EventType::parse(event.as_str()), Some(*event));
            for locale in [Locale::Fr, Locale::En] {
                for part in ["subject", "intro"] {
                    let key = format!("{}-{part}", event.as_str());
                    assert!(Catalogue::new(locale).has(&key), "{} has no {key}", locale.as_str());
                }
            }
        }
        assert_eq!(EventType::parse("report_deleted"), None);
        for cadence in crate::digest::period::Cadence::ALL {
            for part in ["subject", "intro", "why"] {
                let key = format!("{}-{part}", cadence.event_type());
                for locale in [Locale::Fr, Locale::En] {
                    assert!(Catalogue::new(locale).has(&key), "{} has no {key}", locale.as_str());
                }
            }
        }
    }

    #[test]
    fn due_dates_are_french_calendar_days() {
        assert_eq!(french_date(0), "1970-01-01");
        // 2026-12-07 22:30 UTC is 23:30 in Paris: still the 7th; 23:30 UTC is the 8th there.
        assert_eq!(french_date(1_796_682_600_000_000), "2026-12-07");
        assert_eq!(french_date(1_796_686_200_000_000), "2026-12-08");
        assert_eq!(french_date(951_782_400_000_000), "2000-02-29");
        let params = Params::from_json(r#"{"answer_due_at_us":"1796682600000000","summary_of_change":"Dates"}"#)
            .expect("params");
        assert_eq!((params.answer_due.as_deref(), params.summary.as_deref()), (Some("2026-12-07"), Some("Dates")));
    }

    #[test]
    fn a_subject_leads_to_its_page_on_the_site() {
        let id = "0190c0de-0000-7000-8000-000000000001";
        assert_eq!(site_path(&format!("communes/75056/reports/{id}")), format!("/c/75056/citoyen/signalements/{id}"));
        assert_eq!(site_path(&format!("communes/75056/questions/{id}")), format!("/c/75056/citoyen/questions/{id}"));
        assert_eq!(site_path(&format!("communes/2A004/proposals/{id}")), format!("/c/2A004/citoyen/propositions/{id}"));
        assert_eq!(site_path(&format!("communes/75056/publications/{id}")), format!("/c/75056/publications/{id}"));
        assert_eq!(
            site_path(&format!("communes/75056/reports/{id}/comments/x")),
            format!("/c/75056/citoyen/signalements/{id}")
        );
        assert_eq!(site_path("communes/75056/elsewhere/x"), "/c/75056/");
        assert_eq!(site_path("communes/75056/reports/a\"b"), "/c/75056/");
        assert_eq!(site_path("communes/../reports/x"), "/");
        assert_eq!(site_path(""), "/");
    }

    #[test]
    fn only_the_known_keys_of_the_parameters_are_read() {
        let params =
            Params::from_json(r#"{"title":" Lampadaire ","email":"a@b.fr","status":7,"reason":"","commune":"75056"}"#)
                .expect("params");
        assert_eq!(
            params,
            Params { title: Some("Lampadaire".into()), commune: Some("75056".into()), ..Params::default() }
        );
        assert_eq!(Params::from_json(""), Ok(Params::default()));
        assert_eq!(Params::from_json("[1]"), Err(RenderError::Params));
        assert_eq!(Params::from_json("{"), Err(RenderError::Params));
    }

    #[test]
    fn dates_are_written_as_each_language_does() {
        assert_eq!(Catalogue::new(Locale::Fr).date("2026-03-15"), Ok("15 mars 2026".into()));
        assert_eq!(Catalogue::new(Locale::En).date("2026-03-05T10:00:00Z"), Ok("5 March 2026".into()));
        assert_eq!(Catalogue::new(Locale::En).date("bientôt"), Ok("bientôt".into()));
        assert_eq!(Catalogue::new(Locale::En).date("2026-13-05"), Ok("2026-13-05".into()));
    }

    #[test]
    fn a_line_is_one_line() {
        assert_eq!(one_line(" a\r\nBcc: x\t b "), "a Bcc: x b");
    }
}
