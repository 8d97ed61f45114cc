//! The publication aggregate as a decider: draft → publish (now or at a
//! scheduled time) → amend (each amendment a public revision) → archive.
//!
//! Attachments: added to a draft freely; added to a published item only as a
//! public revision (with a summary); taken off a draft freely, and off a
//! published item only by an amendment, which keeps them in the history.
//! Nothing published disappears silently.

use miroir_eventstore::decider::{Decider, EventCodec};
use miroir_eventstore::{NewEvent, RecordedEvent};
use miroir_proto::publications::v1 as pb;

use super::attachment::{self, MAX_ATTACHMENTS, MediaType, NewAttachment};
use super::details;
use super::diff::diff_lines;

pub const TITLE_CHARS: std::ops::RangeInclusive<usize> = 3..=200;
pub const MAX_BODY_CHARS: usize = 100_000;
pub const REASON_CHARS: std::ops::RangeInclusive<usize> = 3..=2000;

/// Which space publishes: the town hall's or the residents' collective's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    Official,
    Citizen,
}

impl Space {
    pub fn as_str(self) -> &'static str {
        match self {
            Space::Official => "official",
            Space::Citizen => "citizen",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Space::Official, Space::Citizen].into_iter().find(|s| s.as_str() == raw)
    }

    pub fn from_pb(space: i32) -> Option<Self> {
        match pb::Space::try_from(space) {
            Ok(pb::Space::Official) => Some(Space::Official),
            Ok(pb::Space::Citizen) => Some(Space::Citizen),
            _ => None,
        }
    }

    pub fn to_pb(self) -> pb::Space {
        match self {
            Space::Official => pb::Space::Official,
            Space::Citizen => pb::Space::Citizen,
        }
    }
}

/// What is published; each kind belongs to one space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Project,
    Decision,
    Minutes,
    Budget,
    News,
    Post,
    Activity,
    FollowUp,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Project,
        Kind::Decision,
        Kind::Minutes,
        Kind::Budget,
        Kind::News,
        Kind::Post,
        Kind::Activity,
        Kind::FollowUp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Project => "project",
            Kind::Decision => "decision",
            Kind::Minutes => "minutes",
            Kind::Budget => "budget",
            Kind::News => "news",
            Kind::Post => "post",
            Kind::Activity => "activity",
            Kind::FollowUp => "follow_up",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Kind::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    pub fn space(self) -> Space {
        match self {
            Kind::Post | Kind::Activity | Kind::FollowUp => Space::Citizen,
            _ => Space::Official,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    Published,
    Archived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Archived => "archived",
        }
    }
}

/// What the aggregate needs to decide; `None` before the draft.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Publication(pub Option<PublicationState>);

#[derive(Debug, Clone, PartialEq)]
pub struct PublicationState {
    pub commune: String,
    pub space: Space,
    pub kind: Kind,
    pub status: Status,
    pub title: String,
    pub body: String,
    pub details: pb::PublicationDetails,
    pub revision: u32,
    /// The current attachments, in the order they were added.
    pub attachments: Vec<Attached>,
}

/// An attachment of the current state, and where its bytes are.
#[derive(Debug, Clone, PartialEq)]
pub struct Attached {
    pub attachment: pb::Attachment,
    pub object_key: String,
}

/// The text of a publication as a writer gives it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Content {
    pub title: String,
    pub body: String,
    pub details: Option<pb::PublicationDetails>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    CreateDraft {
        commune: String,
        publication_id: String,
        space: Space,
        kind: Kind,
        content: Content,
        author: String,
        at_us: i64,
    },
    UpdateDraft {
        commune: String,
        publication_id: String,
        content: Content,
        at_us: i64,
    },
    /// Publishes at `publish_at_us` (`None` = now, `now_us`).
    Publish {
        commune: String,
        publication_id: String,
        publish_at_us: Option<i64>,
        now_us: i64,
    },
    Amend {
        commune: String,
        publication_id: String,
        content: Content,
        summary: String,
        /// Attachments to take off (they stay readable in the history).
        remove_attachments: Vec<String>,
        at_us: i64,
    },
    Archive {
        commune: String,
        publication_id: String,
        reason: String,
        at_us: i64,
    },
    /// Attaches a checked file; `summary` is the revision's on a published item.
    AddAttachment {
        commune: String,
        publication_id: String,
        file: NewAttachment,
        summary: String,
        at_us: i64,
    },
    /// Takes an attachment off a draft.
    RemoveAttachment {
        commune: String,
        publication_id: String,
        attachment_id: String,
        at_us: i64,
    },
}

// Events live for one decision; boxing the amendment would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Drafted(pb::PublicationDrafted),
    DraftUpdated(pb::PublicationDraftUpdated),
    Published(pb::PublicationPublished),
    Amended(pb::PublicationAmended),
    Archived(pb::PublicationArchived),
    AttachmentAdded(pb::AttachmentAdded),
    AttachmentRemoved(pb::AttachmentRemoved),
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error("publication {0} already exists")]
    AlreadyExists(String),
    #[error("publication {0} not found")]
    NotFound(String),
    #[error("{0}")]
    WrongState(&'static str),
}

pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> DomainError {
    DomainError::Invalid { field: field.into(), reason: reason.into() }
}

fn found<'s>(state: &'s Publication, commune: &str, id: &str) -> Result<&'s PublicationState, DomainError> {
    state.0.as_ref().filter(|s| s.commune == commune).ok_or_else(|| DomainError::NotFound(id.to_owned()))
}

/// Trimmed title and body, checked, and the details checked against the kind.
fn checked(kind: Kind, content: Content) -> Result<(String, String, pb::PublicationDetails), DomainError> {
    let title = content.title.trim();
    if !TITLE_CHARS.contains(&title.chars().count()) || title.chars().any(char::is_control) {
        return Err(invalid(
            "title",
            format!("must be {} to {} characters on one line", TITLE_CHARS.start(), TITLE_CHARS.end()),
        ));
    }
    let body = content.body.trim();
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(invalid("body", format!("must be at most {MAX_BODY_CHARS} characters")));
    }
    let details = details::check(kind, content.details)?;
    Ok((title.to_owned(), body.to_owned(), details))
}

fn reason(field: &'static str, text: &str) -> Result<String, DomainError> {
    let text = text.trim();
    if !REASON_CHARS.contains(&text.chars().count()) {
        return Err(invalid(field, format!("must be {} to {} characters", REASON_CHARS.start(), REASON_CHARS.end())));
    }
    Ok(text.to_owned())
}

/// The attachment ids an amendment takes off: each a current attachment, once.
fn removals(s: &PublicationState, ids: Vec<String>) -> Result<Vec<String>, DomainError> {
    let mut removed: Vec<String> = Vec::with_capacity(ids.len());
    for (i, id) in ids.into_iter().enumerate() {
        let field = || format!("remove_attachment_ids[{i}]");
        if !s.attachments.iter().any(|a| a.attachment.attachment_id == id) {
            return Err(invalid(field(), "is not an attachment of this publication"));
        }
        if removed.contains(&id) {
            return Err(invalid(field(), "is listed twice"));
        }
        removed.push(id);
    }
    Ok(removed)
}

/// The attachment as published, from a file the API checked: its type within
/// its size limit, its name cleaned, its text alternative checked.
fn checked_attachment(s: &PublicationState, file: &NewAttachment, at_us: i64) -> Result<pb::Attachment, DomainError> {
    if uuid::Uuid::parse_str(&file.attachment_id).is_err() {
        return Err(invalid("attachment_id", "must be a UUID"));
    }
    if s.attachments.iter().any(|a| a.attachment.attachment_id == file.attachment_id) {
        return Err(DomainError::AlreadyExists(file.attachment_id.clone()));
    }
    let media: MediaType = file.media_type;
    if file.size_bytes == 0 {
        return Err(invalid("content", "is empty"));
    }
    if file.size_bytes > media.max_bytes() {
        return Err(invalid("content", format!("is too large: at most {} MB", media.max_bytes() / (1024 * 1024))));
    }
    if file.sha256.len() != 64 || !file.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(invalid("content", "has no valid SHA-256 digest"));
    }
    if file.object_key.is_empty() {
        return Err(invalid("content", "has no storage key"));
    }
    Ok(pb::Attachment {
        attachment_id: file.attachment_id.clone(),
        display_name: attachment::display_name(&file.display_name, media),
        media_type: media.as_str().to_owned(),
        size_bytes: file.size_bytes,
        alt_text: attachment::alt_text(&file.alt_text, media)?,
        added_at_us: at_us,
        sha256: file.sha256.clone(),
    })
}

pub struct PublicationDecider;

impl Decider for PublicationDecider {
    type State = Publication;
    type Command = Command;
    type Event = Event;
    type Error = DomainError;

    fn decide(state: &Publication, command: Command) -> Result<Vec<Event>, DomainError> {
        match command {
            Command::CreateDraft { commune, publication_id, space, kind, content, author, at_us } => {
                if state.0.is_some() {
                    return Err(DomainError::AlreadyExists(publication_id));
                }
                if kind.space() != space {
                    return Err(invalid(
                        "kind",
                        format!("a {} is not published in the {} space", kind.as_str(), space.as_str()),
                    ));
                }
                let (title, body, details) = checked(kind, content)?;
                Ok(vec![Event::Drafted(pb::PublicationDrafted {
                    publication_id,
                    space: space.to_pb() as i32,
                    kind: kind.as_str().to_owned(),
                    title,
                    body,
                    commune,
                    author,
                    drafted_at_us: at_us,
                    details: Some(details),
                })])
            }
            Command::UpdateDraft { commune, publication_id, content, at_us } => {
                let s = found(state, &commune, &publication_id)?;
                if s.status != Status::Draft {
                    return Err(DomainError::WrongState("only a draft can be rewritten; amend a published item"));
                }
                let (title, body, details) = checked(s.kind, content)?;
                Ok(vec![Event::DraftUpdated(pb::PublicationDraftUpdated {
                    publication_id,
                    title,
                    body,
                    details: Some(details),
                    updated_at_us: at_us,
                })])
            }
            Command::Publish { commune, publication_id, publish_at_us, now_us } => {
                let s = found(state, &commune, &publication_id)?;
                if s.status != Status::Draft {
                    return Err(DomainError::WrongState("this publication is already published"));
                }
                let at = match publish_at_us {
                    None => now_us,
                    Some(at) if at >= now_us => at,
                    Some(_) => return Err(invalid("publish_at_us", "must not be in the past")),
                };
                Ok(vec![Event::Published(pb::PublicationPublished {
                    publication_id,
                    published_at_us: at,
                    scheduled: at > now_us,
                    decided_at_us: now_us,
                })])
            }
            Command::Amend { commune, publication_id, content, summary, remove_attachments, at_us } => {
                let s = found(state, &commune, &publication_id)?;
                match s.status {
                    Status::Draft => return Err(DomainError::WrongState("a draft is rewritten, not amended")),
                    Status::Archived => return Err(DomainError::WrongState("an archived publication is not amended")),
                    Status::Published => {}
                }
                let summary = reason("summary_of_change", &summary)?;
                let (title, body, details) = checked(s.kind, content)?;
                let removed = removals(s, remove_attachments)?;
                if title == s.title && body == s.body && details == s.details && removed.is_empty() {
                    return Err(invalid("body", "the amendment changes nothing"));
                }
                Ok(vec![Event::Amended(pb::PublicationAmended {
                    publication_id,
                    revision: s.revision + 1,
                    body_diff: diff_lines(&s.body, &body),
                    title,
                    body,
                    summary_of_change: summary,
                    previous_title: s.title.clone(),
                    previous_body: s.body.clone(),
                    details: Some(details),
                    previous_details: Some(s.details.clone()),
                    amended_at_us: at_us,
                    removed_attachment_ids: removed,
                })])
            }
            Command::Archive { commune, publication_id, reason: text, at_us } => {
                let s = found(state, &commune, &publication_id)?;
                match s.status {
                    Status::Draft => {
                        return Err(DomainError::WrongState("a draft was never published; nothing to archive"));
                    }
                    Status::Archived => return Err(DomainError::WrongState("this publication is already archived")),
                    Status::Published => {}
                }
                let reason = reason("reason", &text)?;
                Ok(vec![Event::Archived(pb::PublicationArchived { publication_id, reason, archived_at_us: at_us })])
            }
            Command::AddAttachment { commune, publication_id, file, summary, at_us } => {
                let s = found(state, &commune, &publication_id)?;
                let (revision, summary_of_change) = match s.status {
                    Status::Draft => (0, String::new()),
                    Status::Published => (s.revision + 1, reason("summary_of_change", &summary)?),
                    Status::Archived => {
                        return Err(DomainError::WrongState("an archived publication takes no new attachment"));
                    }
                };
                if s.attachments.len() >= MAX_ATTACHMENTS {
                    return Err(DomainError::WrongState(
                        "a publication has at most 10 attachments; remove one before adding another",
                    ));
                }
                let attachment = checked_attachment(s, &file, at_us)?;
                Ok(vec![Event::AttachmentAdded(pb::AttachmentAdded {
                    publication_id,
                    attachment: Some(attachment),
                    object_key: file.object_key,
                    revision,
                    summary_of_change,
                })])
            }
            Command::RemoveAttachment { commune, publication_id, attachment_id, at_us } => {
                let s = found(state, &commune, &publication_id)?;
                if s.status != Status::Draft {
                    return Err(DomainError::WrongState(
                        "a published item's attachment is removed by an amendment (remove_attachment_ids), \
                         which keeps it in the public history",
                    ));
                }
                if !s.attachments.iter().any(|a| a.attachment.attachment_id == attachment_id) {
                    return Err(invalid("attachment_id", "is not an attachment of this publication"));
                }
                Ok(vec![Event::AttachmentRemoved(pb::AttachmentRemoved {
                    publication_id,
                    attachment_id,
                    removed_at_us: at_us,
                })])
            }
        }
    }

    fn evolve(state: Publication, event: &Event) -> Publication {
        let Publication(current) = state;
        match (current, event) {
            (_, Event::Drafted(e)) => {
                let (Some(space), Some(kind)) = (Space::from_pb(e.space), Kind::parse(&e.kind)) else {
                    return Publication(None);
                };
                Publication(Some(PublicationState {
                    commune: e.commune.clone(),
                    space,
                    kind,
                    status: Status::Draft,
                    title: e.title.clone(),
                    body: e.body.clone(),
                    details: e.details.clone().unwrap_or_default(),
                    revision: 0,
                    attachments: Vec::new(),
                }))
            }
            (Some(mut s), Event::DraftUpdated(e)) => {
                s.title = e.title.clone();
                s.body = e.body.clone();
                s.details = e.details.clone().unwrap_or_default();
                Publication(Some(s))
            }
            (Some(mut s), Event::Published(_)) => {
                s.status = Status::Published;
                Publication(Some(s))
            }
            (Some(mut s), Event::Amended(e)) => {
                s.title = e.title.clone();
                s.body = e.body.clone();
                s.details = e.details.clone().unwrap_or_default();
                s.revision = e.revision;
                s.attachments.retain(|a| !e.removed_attachment_ids.contains(&a.attachment.attachment_id));
                Publication(Some(s))
            }
            (Some(mut s), Event::Archived(_)) => {
                s.status = Status::Archived;
                Publication(Some(s))
            }
            (Some(mut s), Event::AttachmentAdded(e)) => {
                if let Some(attachment) = &e.attachment {
                    s.attachments.push(Attached { attachment: attachment.clone(), object_key: e.object_key.clone() });
                }
                if e.revision > 0 {
                    s.revision = e.revision;
                }
                Publication(Some(s))
            }
            (Some(mut s), Event::AttachmentRemoved(e)) => {
                s.attachments.retain(|a| a.attachment.attachment_id != e.attachment_id);
                Publication(Some(s))
            }
            (None, _) => Publication(None),
        }
    }
}

impl EventCodec for Event {
    fn encode(&self) -> NewEvent {
        match self {
            Event::Drafted(e) => NewEvent::from_message(e),
            Event::DraftUpdated(e) => NewEvent::from_message(e),
            Event::Published(e) => NewEvent::from_message(e),
            Event::Amended(e) => NewEvent::from_message(e),
            Event::Archived(e) => NewEvent::from_message(e),
            Event::AttachmentAdded(e) => NewEvent::from_message(e),
            Event::AttachmentRemoved(e) => NewEvent::from_message(e),
        }
    }

    fn decode(event: &RecordedEvent) -> Result<Option<Self>, prost::DecodeError> {
        if let Some(e) = event.decode::<pb::PublicationDrafted>() {
            return e.map(|e| Some(Event::Drafted(e)));
        }
        if let Some(e) = event.decode::<pb::PublicationDraftUpdated>() {
            return e.map(|e| Some(Event::DraftUpdated(e)));
        }
        if let Some(e) = event.decode::<pb::PublicationPublished>() {
            return e.map(|e| Some(Event::Published(e)));
        }
        if let Some(e) = event.decode::<pb::PublicationAmended>() {
            return e.map(|e| Some(Event::Amended(e)));
        }
        if let Some(e) = event.decode::<pb::PublicationArchived>() {
            return e.map(|e| Some(Event::Archived(e)));
        }
        if let Some(e) = event.decode::<pb::AttachmentAdded>() {
            return e.map(|e| Some(Event::AttachmentAdded(e)));
        }
        if let Some(e) = event.decode::<pb::AttachmentRemoved>() {
            return e.map(|e| Some(Event::AttachmentRemoved(e)));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARIS: &str = "75056";

    fn given(commands: Vec<Command>) -> Publication {
        commands.into_iter().fold(Publication::default(), |state, command| {
            let events = PublicationDecider::decide(&state, command).expect("given commands are valid");
            events.iter().fold(state, PublicationDecider::evolve)
        })
    }

    fn content(title: &str, body: &str) -> Content {
        Content { title: title.into(), body: body.into(), details: None }
    }

    fn draft(space: Space, kind: Kind) -> Command {
        Command::CreateDraft {
            commune: PARIS.into(),
            publication_id: "p1".into(),
            space,
            kind,
            content: content("Fête du village", "Samedi sur la place.\nVenez nombreux."),
            author: "acct-1".into(),
            at_us: 1,
        }
    }

    fn publish(at: Option<i64>, now: i64) -> Command {
        Command::Publish { commune: PARIS.into(), publication_id: "p1".into(), publish_at_us: at, now_us: now }
    }

    fn amend(body: &str, summary: &str) -> Command {
        Command::Amend {
            commune: PARIS.into(),
            publication_id: "p1".into(),
            content: content("Fête du village", body),
            summary: summary.into(),
            remove_attachments: Vec::new(),
            at_us: 50,
        }
    }

    fn archive(reason: &str) -> Command {
        Command::Archive { commune: PARIS.into(), publication_id: "p1".into(), reason: reason.into(), at_us: 60 }
    }

    #[test]
    fn each_kind_belongs_to_its_space() {
        assert!(PublicationDecider::decide(&Publication::default(), draft(Space::Official, Kind::News)).is_ok());
        assert!(PublicationDecider::decide(&Publication::default(), draft(Space::Citizen, Kind::Activity)).is_ok());
        assert!(matches!(
            PublicationDecider::decide(&Publication::default(), draft(Space::Citizen, Kind::News)),
            Err(DomainError::Invalid { field, .. }) if field == "kind"
        ));
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn a_draft_is_published_now_or_later_but_not_in_the_past() {
        let state = given(vec![draft(Space::Official, Kind::News)]);
        let events = PublicationDecider::decide(&state, publish(None, 10)).expect("now");
        assert!(matches!(events.as_slice(), [Event::Published(e)] if e.published_at_us == 10 && !e.scheduled));
        let events = PublicationDecider::decide(&state, publish(Some(99), 10)).expect("later");
        assert!(matches!(events.as_slice(), [Event::Published(e)] if e.published_at_us == 99 && e.scheduled));
        assert!(matches!(
            PublicationDecider::decide(&state, publish(Some(9), 10)),
            Err(DomainError::Invalid { field, .. }) if field == "publish_at_us"
        ));
        let published = given(vec![draft(Space::Official, Kind::News), publish(None, 10)]);
        assert!(matches!(PublicationDecider::decide(&published, publish(None, 11)), Err(DomainError::WrongState(_))));
    }

    #[test]
    fn only_a_published_item_is_amended_and_each_amendment_is_a_numbered_revision_with_a_diff() {
        let drafted = given(vec![draft(Space::Official, Kind::News)]);
        assert!(matches!(
            PublicationDecider::decide(&drafted, amend("x", "correction")),
            Err(DomainError::WrongState(_))
        ));
        let state = given(vec![draft(Space::Official, Kind::News), publish(None, 10)]);
        let events =
            PublicationDecider::decide(&state, amend("Dimanche sur la place.\nVenez nombreux.", "Changement de jour"))
                .expect("amend");
        let [Event::Amended(e)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(e.revision, 1);
        assert_eq!(e.previous_body, "Samedi sur la place.\nVenez nombreux.");
        assert_eq!(e.body_diff.len(), 3);
        let state = events.iter().fold(state, PublicationDecider::evolve);
        let events = PublicationDecider::decide(&state, amend("Lundi.", "Encore")).expect("second amendment");
        assert!(matches!(events.as_slice(), [Event::Amended(e)] if e.revision == 2));
    }

    #[test]
    fn an_amendment_needs_a_summary_and_a_change() {
        let state = given(vec![draft(Space::Official, Kind::News), publish(None, 10)]);
        assert!(matches!(
            PublicationDecider::decide(&state, amend("Autre", " ")),
            Err(DomainError::Invalid { field, .. }) if field == "summary_of_change"
        ));
        assert!(matches!(
            PublicationDecider::decide(&state, amend("Samedi sur la place.\nVenez nombreux.", "rien")),
            Err(DomainError::Invalid { field, .. }) if field == "body"
        ));
    }

    #[test]
    fn archiving_needs_a_reason_and_ends_amendments() {
        let drafted = given(vec![draft(Space::Official, Kind::News)]);
        assert!(matches!(PublicationDecider::decide(&drafted, archive("obsolète")), Err(DomainError::WrongState(_))));
        let state = given(vec![draft(Space::Official, Kind::News), publish(None, 10)]);
        assert!(matches!(
            PublicationDecider::decide(&state, archive("")),
            Err(DomainError::Invalid { field, .. }) if field == "reason"
        ));
        let archived = given(vec![draft(Space::Official, Kind::News), publish(None, 10), archive("Événement passé")]);
        assert_eq!(archived.0.as_ref().map(|s| s.status), Some(Status::Archived));
        assert!(PublicationDecider::decide(&archived, amend("x", "correction")).is_err());
        assert!(PublicationDecider::decide(&archived, archive("encore")).is_err());
    }

    #[test]
    fn another_communes_publication_is_not_found_and_titles_are_checked() {
        let state = given(vec![draft(Space::Official, Kind::News)]);
        let lyon =
            Command::Publish { commune: "69123".into(), publication_id: "p1".into(), publish_at_us: None, now_us: 1 };
        assert_eq!(PublicationDecider::decide(&state, lyon), Err(DomainError::NotFound("p1".into())));
        let bad = Command::UpdateDraft {
            commune: PARIS.into(),
            publication_id: "p1".into(),
            content: content("a", ""),
            at_us: 2,
        };
        assert!(
            matches!(PublicationDecider::decide(&state, bad), Err(DomainError::Invalid { field, .. }) if field == "title")
        );
    }

    fn file(n: u8, media: MediaType) -> NewAttachment {
        let attachment_id = format!("0190c0de-0000-7000-8000-0000000000{n:02}");
        NewAttachment {
            object_key: attachment::object_key(PARIS, "p1", &attachment_id, media),
            attachment_id,
            media_type: media,
            size_bytes: 1000,
            sha256: "ab".repeat(32),
            display_name: "C:\\Mairie\\plan.pdf".into(),
            alt_text: if media.is_image() { "La place refaite".into() } else { String::new() },
        }
    }

    fn attach(file: NewAttachment, summary: &str) -> Command {
        Command::AddAttachment {
            commune: PARIS.into(),
            publication_id: "p1".into(),
            file,
            summary: summary.into(),
            at_us: 70,
        }
    }

    fn detach(n: u8) -> Command {
        Command::RemoveAttachment {
            commune: PARIS.into(),
            publication_id: "p1".into(),
            attachment_id: format!("0190c0de-0000-7000-8000-0000000000{n:02}"),
            at_us: 80,
        }
    }

    fn ids(state: &Publication) -> Vec<String> {
        let s = state.0.as_ref().expect("a publication");
        s.attachments.iter().map(|a| a.attachment.attachment_id[34..].to_owned()).collect()
    }

    #[test]
    fn a_draft_takes_and_loses_attachments_without_revisions() {
        let state = given(vec![draft(Space::Official, Kind::News), attach(file(1, MediaType::Pdf), "")]);
        let attached = &state.0.as_ref().expect("draft").attachments[0];
        assert_eq!(attached.attachment.display_name, "plan.pdf");
        assert_eq!(attached.attachment.media_type, "application/pdf");
        assert_eq!(
            attached.object_key,
            format!("communes/{PARIS}/publications/p1/{}.pdf", attached.attachment.attachment_id)
        );
        assert_eq!(state.0.as_ref().map(|s| s.revision), Some(0));
        let state = given(vec![
            draft(Space::Official, Kind::News),
            attach(file(1, MediaType::Pdf), "ignored on a draft"),
            attach(file(2, MediaType::Jpeg), ""),
            detach(1),
        ]);
        assert_eq!(ids(&state), vec!["02"]);
        assert!(matches!(
            PublicationDecider::decide(&state, detach(1)),
            Err(DomainError::Invalid { field, .. }) if field == "attachment_id"
        ));
    }

    #[test]
    fn an_image_needs_a_text_alternative_and_a_size_within_its_limit() {
        let state = given(vec![draft(Space::Official, Kind::News)]);
        let mut image = file(1, MediaType::Png);
        image.alt_text = " ".into();
        assert!(matches!(
            PublicationDecider::decide(&state, attach(image, "")),
            Err(DomainError::Invalid { field, .. }) if field == "alt_text"
        ));
        let mut big = file(2, MediaType::Webp);
        big.size_bytes = 5 * 1024 * 1024 + 1;
        assert!(matches!(
            PublicationDecider::decide(&state, attach(big, "")),
            Err(DomainError::Invalid { field, .. }) if field == "content"
        ));
        let mut big_pdf = file(3, MediaType::Pdf);
        big_pdf.size_bytes = 20 * 1024 * 1024;
        assert!(PublicationDecider::decide(&state, attach(big_pdf.clone(), "")).is_ok());
        big_pdf.size_bytes += 1;
        assert!(PublicationDecider::decide(&state, attach(big_pdf, "")).is_err());
    }

    #[test]
    fn at_most_ten_attachments() {
        let mut commands = vec![draft(Space::Official, Kind::News)];
        commands.extend((1..=10).map(|n| attach(file(n, MediaType::Pdf), "")));
        let full = given(commands);
        assert!(matches!(
            PublicationDecider::decide(&full, attach(file(11, MediaType::Pdf), "")),
            Err(DomainError::WrongState(_))
        ));
        let events = PublicationDecider::decide(&full, detach(3)).expect("remove one");
        let state = events.iter().fold(full, PublicationDecider::evolve);
        assert!(PublicationDecider::decide(&state, attach(file(11, MediaType::Pdf), "")).is_ok());
    }

    #[test]
    fn on_a_published_item_adding_is_a_revision_and_removing_is_an_amendment() {
        let published =
            given(vec![draft(Space::Official, Kind::News), attach(file(1, MediaType::Pdf), ""), publish(None, 10)]);
        // Adding needs a summary: it is a public revision.
        assert!(matches!(
            PublicationDecider::decide(&published, attach(file(2, MediaType::Pdf), "")),
            Err(DomainError::Invalid { field, .. }) if field == "summary_of_change"
        ));
        let events =
            PublicationDecider::decide(&published, attach(file(2, MediaType::Pdf), "Annexe ajoutée")).expect("add");
        assert!(
            matches!(events.as_slice(), [Event::AttachmentAdded(e)] if e.revision == 1 && e.summary_of_change == "Annexe ajoutée")
        );
        let state = events.iter().fold(published, PublicationDecider::evolve);
        assert_eq!(state.0.as_ref().map(|s| s.revision), Some(1));

        // Removing is refused outside an amendment…
        assert!(matches!(PublicationDecider::decide(&state, detach(1)), Err(DomainError::WrongState(_))));
        // …and an amendment may remove attachments only, each a current one, once.
        let amend_removing = |ids: Vec<String>| Command::Amend {
            commune: PARIS.into(),
            publication_id: "p1".into(),
            content: content("Fête du village", "Samedi sur la place.\nVenez nombreux."),
            summary: "Ancienne version retirée".into(),
            remove_attachments: ids,
            at_us: 90,
        };
        let first = "0190c0de-0000-7000-8000-000000000001".to_owned();
        let events = PublicationDecider::decide(&state, amend_removing(vec![first.clone()])).expect("amend");
        let [Event::Amended(e)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!((e.revision, e.removed_attachment_ids.clone()), (2, vec![first.clone()]));
        let after = events.iter().fold(state.clone(), PublicationDecider::evolve);
        assert_eq!(ids(&after), vec!["02"]);
        assert!(matches!(
            PublicationDecider::decide(&state, amend_removing(vec!["0190c0de-0000-7000-8000-000000000099".into()])),
            Err(DomainError::Invalid { field, .. }) if field == "remove_attachment_ids[0]"
        ));
        assert!(matches!(
            PublicationDecider::decide(&state, amend_removing(vec![first.clone(), first])),
            Err(DomainError::Invalid { field, .. }) if field == "remove_attachment_ids[1]"
        ));

        let archived = given(vec![draft(Space::Official, Kind::News), publish(None, 10), archive("Événement passé")]);
        assert!(matches!(
            PublicationDecider::decide(&archived, attach(file(3, MediaType::Pdf), "Trop tard")),
            Err(DomainError::WrongState(_))
        ));
    }
}
