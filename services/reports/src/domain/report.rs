//! The report aggregate as a decider: `decide(state, command) -> events`,
//! `evolve(state, event) -> state`.

use miroir_eventstore::decider::{Decider, EventCodec};
use miroir_eventstore::{NewEvent, RecordedEvent};
use miroir_proto::reports::v1 as pb;

use std::collections::BTreeSet;

use super::location::Location;

pub const TITLE_CHARS: std::ops::RangeInclusive<usize> = 3..=120;
pub const MAX_DESCRIPTION_CHARS: usize = 5000;
pub const MAX_MESSAGE_CHARS: usize = 2000;
pub const NOTE_CHARS: std::ops::RangeInclusive<usize> = 1..=4000;
pub const MAX_DEPARTMENT_CHARS: usize = 80;

/// The workflow: new → acknowledged → in progress → resolved | rejected; a
/// resolved report can be reopened by its reporter (back to acknowledged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    New,
    Acknowledged,
    InProgress,
    Resolved,
    Rejected,
    /// Closed as a duplicate of another report.
    Merged,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Acknowledged => "acknowledged",
            Status::InProgress => "in_progress",
            Status::Resolved => "resolved",
            Status::Rejected => "rejected",
            Status::Merged => "merged",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Status::New, Status::Acknowledged, Status::InProgress, Status::Resolved, Status::Rejected, Status::Merged]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }

    /// Still waiting for the commune's work.
    pub fn is_open(self) -> bool {
        matches!(self, Status::New | Status::Acknowledged | Status::InProgress)
    }
}

/// How long after a resolution its reporter may reopen a report.
pub const REOPEN_WINDOW_US: i64 = 30 * 24 * 3600 * 1_000_000;

/// What the aggregate needs to decide; `None` before submission.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report(pub Option<ReportState>);

#[derive(Debug, Clone, PartialEq)]
pub struct ReportState {
    pub commune: String,
    pub status: Status,
    /// Account id of the reporter ("" when anonymous).
    pub reporter: String,
    pub resolved_at_us: i64,
    /// False while an anonymous report waits for its e-mail to be verified.
    pub verified: bool,
    pub verification_token_sha256: String,
    pub supporters: BTreeSet<String>,
    pub department: String,
    pub agent: String,
    /// Duplicates already absorbed (a retried merge absorbs once).
    pub absorbed: BTreeSet<String>,
}

// Commands and events live for one decision; boxing the submission would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Submit {
        report_id: String,
        commune: String,
        category: String,
        title: String,
        description: String,
        location: Location,
        /// Account id, or `None` for an anonymous report.
        reporter: Option<String>,
        /// Where the category routes it.
        department: String,
        /// Answers already checked against the category ([`super::category::answers`]).
        attributes: Vec<pb::AttributeAnswer>,
        /// Photos already cleaned and stored.
        photos: Vec<pb::Photo>,
        /// For an anonymous report: the e-mail and the SHA-256 of its verification token.
        anonymous: Option<Anonymous>,
        /// The integration client filing it, if any.
        client: String,
    },
    /// The anonymous reporter followed the link (the token's SHA-256 must match).
    Verify { commune: String, report_id: String, token_sha256: String },
    /// A resident says "me too".
    Support { commune: String, report_id: String, by: String },
    /// Staff route the report.
    Assign { commune: String, report_id: String, department: String, agent: String, by: String },
    /// Staff write a note for staff.
    AddNote { commune: String, report_id: String, note_id: String, author: String, text: String },
    /// Staff close this report as a duplicate of `into`.
    MergeInto { commune: String, report_id: String, into: String, agent: String, message: String },
    /// The kept report takes the duplicate's supporters and followers.
    Absorb { commune: String, report_id: String, duplicate: String, supporters: Vec<String>, followers: Vec<String> },
    Acknowledge {
        /// The commune named in the request: a report of another commune is "not found".
        commune: String,
        report_id: String,
        agent: String,
        message: String,
    },
    /// An agent moves an open report to in progress, resolved or rejected.
    Advance { commune: String, report_id: String, agent: String, to: Status, message: String, at_us: i64 },
    /// The reporter reopens a resolved report.
    Reopen { commune: String, report_id: String, by: String, message: String, at_us: i64 },
}

/// What an anonymous report carries until its reporter proves the address.
#[derive(Debug, Clone, PartialEq)]
pub struct Anonymous {
    pub email: String,
    pub token_sha256: String,
}

#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Submitted(pb::ReportSubmitted),
    Acknowledged(pb::ReportAcknowledged),
    WorkStarted(pb::ReportWorkStarted),
    Resolved(pb::ReportResolved),
    Rejected(pb::ReportRejected),
    Reopened(pb::ReportReopened),
    Verified(pb::ReportVerified),
    Supported(pb::ReportSupported),
    Assigned(pb::ReportAssigned),
    NoteAdded(pb::InternalNoteAdded),
    Merged(pb::ReportMerged),
    Absorbed(pb::DuplicateAbsorbed),
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("report {0} already exists")]
    AlreadyExists(String),
    #[error("report {0} not found")]
    NotFound(String),
    #[error("{0}")]
    WrongState(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    /// Asked twice for something that happens once (a second "me too").
    #[error("{0}")]
    AlreadyDone(&'static str),
}

/// The report of `commune` this command is about (another commune's is "not found").
fn found<'s>(state: &'s Report, commune: &str, report_id: &str) -> Result<&'s ReportState, DomainError> {
    state.0.as_ref().filter(|s| s.commune == commune).ok_or_else(|| DomainError::NotFound(report_id.to_owned()))
}

fn public_message(message: &str) -> Result<String, DomainError> {
    let message = message.trim();
    if message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(invalid("message", format!("must be at most {MAX_MESSAGE_CHARS} characters")));
    }
    Ok(message.to_owned())
}

fn invalid(field: &'static str, reason: impl Into<String>) -> DomainError {
    DomainError::Invalid { field, reason: reason.into() }
}

/// An anonymous reporter's e-mail: trimmed, one `@`, a dotted domain, no
/// spaces, at most 254 characters (deliverability is proved by the link).
pub fn parse_email(raw: &str) -> Result<String, DomainError> {
    let email = raw.trim();
    if email.is_empty() {
        return Err(invalid("reporter_email", "is required without an account"));
    }
    let valid = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !valid {
        return Err(invalid("reporter_email", "is not an e-mail address"));
    }
    Ok(email.to_owned())
}

pub struct ReportDecider;

impl Decider for ReportDecider {
    type State = Report;
    type Command = Command;
    type Event = Event;
    type Error = DomainError;

    fn decide(state: &Report, command: Command) -> Result<Vec<Event>, DomainError> {
        match command {
            Command::Submit {
                report_id,
                commune,
                category,
                title,
                description,
                location,
                reporter,
                department,
                attributes,
                photos,
                anonymous,
                client,
            } => {
                if state.0.is_some() {
                    return Err(DomainError::AlreadyExists(report_id));
                }
                let title = title.trim();
                if !TITLE_CHARS.contains(&title.chars().count()) {
                    return Err(invalid(
                        "title",
                        format!("must be {} to {} characters", TITLE_CHARS.start(), TITLE_CHARS.end()),
                    ));
                }
                let description = description.trim();
                if description.chars().count() > MAX_DESCRIPTION_CHARS {
                    return Err(invalid("description", format!("must be at most {MAX_DESCRIPTION_CHARS} characters")));
                }
                if !super::category::valid_code(&category) {
                    return Err(invalid("category", "must be 1 to 64 lowercase letters, digits, '-' or '_'"));
                }
                if reporter.is_none() && anonymous.is_none() && client.is_empty() {
                    return Err(invalid("reporter_email", "is required without an account"));
                }
                let (reporter_email, verification_token_sha256) =
                    anonymous.map(|a| (a.email, a.token_sha256)).unwrap_or_default();
                Ok(vec![Event::Submitted(pb::ReportSubmitted {
                    report_id,
                    commune,
                    category,
                    title: title.to_owned(),
                    description: description.to_owned(),
                    location: Some(pb::Location {
                        latitude: location.latitude,
                        longitude: location.longitude,
                        address: location.address,
                    }),
                    reporter: reporter.unwrap_or_default(),
                    department,
                    attributes,
                    photos,
                    reporter_email,
                    verification_token_sha256,
                    client,
                })])
            }
            Command::Acknowledge { commune, report_id, agent, message } => {
                let current = found(state, &commune, &report_id)?;
                if current.status != Status::New {
                    return Err(DomainError::WrongState("only a new report can be acknowledged"));
                }
                let message = public_message(&message)?;
                Ok(vec![Event::Acknowledged(pb::ReportAcknowledged { report_id, agent, message })])
            }
            Command::Advance { commune, report_id, agent, to, message, at_us } => {
                let current = found(state, &commune, &report_id)?;
                if current.status == Status::Merged {
                    return Err(DomainError::WrongState("this report was merged into another one"));
                }
                if !current.status.is_open() {
                    return Err(DomainError::WrongState("this report is closed; its reporter may reopen it"));
                }
                let message = public_message(&message)?;
                match to {
                    Status::InProgress if current.status == Status::InProgress => {
                        Err(DomainError::WrongState("this report is already in progress"))
                    }
                    Status::InProgress => {
                        Ok(vec![Event::WorkStarted(pb::ReportWorkStarted { report_id, agent, message })])
                    }
                    Status::Resolved => Ok(vec![Event::Resolved(pb::ReportResolved {
                        report_id,
                        agent,
                        message,
                        resolved_at_us: at_us,
                    })]),
                    Status::Rejected if message.is_empty() => {
                        Err(invalid("message", "a rejection needs a public reason"))
                    }
                    Status::Rejected => {
                        Ok(vec![Event::Rejected(pb::ReportRejected { report_id, agent, reason: message })])
                    }
                    Status::New | Status::Acknowledged | Status::Merged => {
                        Err(invalid("status", "must be in progress, resolved or rejected"))
                    }
                }
            }
            Command::Reopen { commune, report_id, by, message, at_us } => {
                let current = found(state, &commune, &report_id)?;
                if current.reporter.is_empty() || current.reporter != by {
                    return Err(DomainError::Forbidden("only the person who reported it can reopen a report"));
                }
                if current.status != Status::Resolved {
                    return Err(DomainError::WrongState("only a resolved report can be reopened"));
                }
                if at_us > current.resolved_at_us + REOPEN_WINDOW_US {
                    return Err(DomainError::WrongState("a report can be reopened within 30 days of its resolution"));
                }
                let message = public_message(&message)?;
                Ok(vec![Event::Reopened(pb::ReportReopened { report_id, reporter: by, message })])
            }
            Command::Verify { commune, report_id, token_sha256 } => {
                let current = found(state, &commune, &report_id)?;
                if current.verified {
                    return Err(DomainError::AlreadyDone("this report is already confirmed"));
                }
                if current.verification_token_sha256.is_empty() || current.verification_token_sha256 != token_sha256 {
                    return Err(DomainError::NotFound(report_id));
                }
                Ok(vec![Event::Verified(pb::ReportVerified { report_id })])
            }
            Command::Support { commune, report_id, by } => {
                let current = found(state, &commune, &report_id)?;
                if !current.verified {
                    return Err(DomainError::NotFound(report_id));
                }
                if current.reporter == by {
                    return Err(DomainError::WrongState("you reported it: it already counts"));
                }
                if current.supporters.contains(&by) {
                    return Err(DomainError::AlreadyDone("you already support this report"));
                }
                if !current.status.is_open() {
                    return Err(DomainError::WrongState("only an open report can be supported"));
                }
                Ok(vec![Event::Supported(pb::ReportSupported { report_id, supporter: by })])
            }
            Command::Assign { commune, report_id, department, agent, by } => {
                let current = found(state, &commune, &report_id)?;
                let department = department.trim().to_owned();
                if department.chars().count() > MAX_DEPARTMENT_CHARS || department.chars().any(char::is_control) {
                    return Err(invalid("department", format!("must be at most {MAX_DEPARTMENT_CHARS} characters")));
                }
                if !agent.is_empty() && uuid::Uuid::parse_str(&agent).is_err() {
                    return Err(invalid("agent", "must be an account id"));
                }
                if current.department == department && current.agent == agent {
                    return Err(DomainError::WrongState("the report is already assigned so"));
                }
                if current.status == Status::Merged {
                    return Err(DomainError::WrongState("this report was merged into another one"));
                }
                Ok(vec![Event::Assigned(pb::ReportAssigned { report_id, department, agent, by })])
            }
            Command::AddNote { commune, report_id, note_id, author, text } => {
                found(state, &commune, &report_id)?;
                let text = text.trim();
                if !NOTE_CHARS.contains(&text.chars().count()) {
                    return Err(invalid(
                        "text",
                        format!("must be {} to {} characters", NOTE_CHARS.start(), NOTE_CHARS.end()),
                    ));
                }
                Ok(vec![Event::NoteAdded(pb::InternalNoteAdded { report_id, note_id, author, text: text.to_owned() })])
            }
            Command::MergeInto { commune, report_id, into, agent, message } => {
                let current = found(state, &commune, &report_id)?;
                if into == report_id {
                    return Err(invalid("into", "a report cannot be merged into itself"));
                }
                if current.status == Status::Merged {
                    return Err(DomainError::WrongState("this report was already merged"));
                }
                let message = public_message(&message)?;
                Ok(vec![Event::Merged(pb::ReportMerged { report_id, into_report_id: into, agent, message })])
            }
            Command::Absorb { commune, report_id, duplicate, supporters, followers } => {
                let current = found(state, &commune, &report_id)?;
                if current.status == Status::Merged {
                    return Err(DomainError::WrongState("the report to keep was itself merged into another one"));
                }
                if current.absorbed.contains(&duplicate) {
                    return Ok(Vec::new());
                }
                let supporters = supporters
                    .into_iter()
                    .filter(|s| !s.is_empty() && *s != current.reporter && !current.supporters.contains(s))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let followers =
                    followers.into_iter().filter(|f| !f.is_empty()).collect::<BTreeSet<_>>().into_iter().collect();
                Ok(vec![Event::Absorbed(pb::DuplicateAbsorbed {
                    report_id,
                    duplicate_report_id: duplicate,
                    supporters,
                    followers,
                })])
            }
        }
    }

    fn evolve(state: Report, event: &Event) -> Report {
        let with = |status: Status, resolved_at_us: Option<i64>| {
            Report(state.0.clone().map(|s| ReportState {
                status,
                resolved_at_us: resolved_at_us.unwrap_or(s.resolved_at_us),
                ..s
            }))
        };
        let changed = |f: &dyn Fn(&mut ReportState)| {
            Report(state.0.clone().map(|mut s| {
                f(&mut s);
                s
            }))
        };
        match event {
            Event::Submitted(e) => Report(Some(ReportState {
                commune: e.commune.clone(),
                status: Status::New,
                reporter: e.reporter.clone(),
                resolved_at_us: 0,
                verified: e.verification_token_sha256.is_empty(),
                verification_token_sha256: e.verification_token_sha256.clone(),
                supporters: BTreeSet::new(),
                department: e.department.clone(),
                agent: String::new(),
                absorbed: BTreeSet::new(),
            })),
            Event::Verified(_) => changed(&|s| s.verified = true),
            Event::Supported(e) => changed(&|s| {
                s.supporters.insert(e.supporter.clone());
            }),
            Event::Assigned(e) => changed(&|s| {
                s.department = e.department.clone();
                s.agent = e.agent.clone();
            }),
            Event::NoteAdded(_) => state.clone(),
            Event::Merged(_) => with(Status::Merged, None),
            Event::Absorbed(e) => changed(&|s| {
                s.supporters.extend(e.supporters.iter().cloned());
                s.absorbed.insert(e.duplicate_report_id.clone());
            }),
            Event::Acknowledged(_) | Event::Reopened(_) => with(Status::Acknowledged, None),
            Event::WorkStarted(_) => with(Status::InProgress, None),
            Event::Resolved(e) => with(Status::Resolved, Some(e.resolved_at_us)),
            Event::Rejected(_) => with(Status::Rejected, None),
        }
    }
}

impl EventCodec for Event {
    fn encode(&self) -> NewEvent {
        match self {
            Event::Submitted(e) => NewEvent::from_message(e),
            Event::Acknowledged(e) => NewEvent::from_message(e),
            Event::WorkStarted(e) => NewEvent::from_message(e),
            Event::Resolved(e) => NewEvent::from_message(e),
            Event::Rejected(e) => NewEvent::from_message(e),
            Event::Reopened(e) => NewEvent::from_message(e),
            Event::Verified(e) => NewEvent::from_message(e),
            Event::Supported(e) => NewEvent::from_message(e),
            Event::Assigned(e) => NewEvent::from_message(e),
            Event::NoteAdded(e) => NewEvent::from_message(e),
            Event::Merged(e) => NewEvent::from_message(e),
            Event::Absorbed(e) => NewEvent::from_message(e),
        }
    }

    fn decode(event: &RecordedEvent) -> Result<Option<Self>, prost::DecodeError> {
        if let Some(e) = event.decode::<pb::ReportSubmitted>() {
            return e.map(|e| Some(Event::Submitted(e)));
        }
        if let Some(e) = event.decode::<pb::ReportAcknowledged>() {
            return e.map(|e| Some(Event::Acknowledged(e)));
        }
        if let Some(e) = event.decode::<pb::ReportWorkStarted>() {
            return e.map(|e| Some(Event::WorkStarted(e)));
        }
        if let Some(e) = event.decode::<pb::ReportResolved>() {
            return e.map(|e| Some(Event::Resolved(e)));
        }
        if let Some(e) = event.decode::<pb::ReportRejected>() {
            return e.map(|e| Some(Event::Rejected(e)));
        }
        if let Some(e) = event.decode::<pb::ReportReopened>() {
            return e.map(|e| Some(Event::Reopened(e)));
        }
        if let Some(e) = event.decode::<pb::ReportVerified>() {
            return e.map(|e| Some(Event::Verified(e)));
        }
        if let Some(e) = event.decode::<pb::ReportSupported>() {
            return e.map(|e| Some(Event::Supported(e)));
        }
        if let Some(e) = event.decode::<pb::ReportAssigned>() {
            return e.map(|e| Some(Event::Assigned(e)));
        }
        if let Some(e) = event.decode::<pb::InternalNoteAdded>() {
            return e.map(|e| Some(Event::NoteAdded(e)));
        }
        if let Some(e) = event.decode::<pb::ReportMerged>() {
            return e.map(|e| Some(Event::Merged(e)));
        }
        if let Some(e) = event.decode::<pb::DuplicateAbsorbed>() {
            return e.map(|e| Some(Event::Absorbed(e)));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submit() -> Command {
        Command::Submit {
            report_id: "r1".into(),
            commune: "75056".into(),
            category: "voirie".into(),
            title: "Nid-de-poule rue de Rivoli".into(),
            description: "Profond, dangereux pour les vélos.".into(),
            location: Location { latitude: 48.86, longitude: 2.35, address: "rue de Rivoli".into() },
            reporter: Some("acct-1".into()),
            department: "voirie".into(),
            attributes: vec![],
            photos: vec![],
            anonymous: None,
            client: String::new(),
        }
    }

    fn acknowledge(commune: &str) -> Command {
        Command::Acknowledge {
            commune: commune.into(),
            report_id: "r1".into(),
            agent: "agent-1".into(),
            message: " Vu, merci. ".into(),
        }
    }

    fn given(commands: Vec<Command>) -> Report {
        commands.into_iter().fold(Report::default(), |state, command| {
            let events = ReportDecider::decide(&state, command).expect("given command is valid");
            events.iter().fold(state, ReportDecider::evolve)
        })
    }

    #[test]
    fn submitting_a_report_records_it_trimmed() {
        let events = ReportDecider::decide(&Report::default(), submit()).expect("valid");
        let [Event::Submitted(e)] = events.as_slice() else { panic!("one ReportSubmitted: {events:?}") };
        assert_eq!(
            (e.commune.as_str(), e.title.as_str(), e.reporter.as_str()),
            ("75056", "Nid-de-poule rue de Rivoli", "acct-1")
        );
    }

    #[test]
    fn a_report_is_submitted_once() {
        assert_eq!(
            ReportDecider::decide(&given(vec![submit()]), submit()),
            Err(DomainError::AlreadyExists("r1".into()))
        );
    }

    #[test]
    fn invalid_submissions_name_their_field() {
        let with = |f: fn(&mut Command)| {
            let mut command = submit();
            f(&mut command);
            match ReportDecider::decide(&Report::default(), command) {
                Err(DomainError::Invalid { field, .. }) => field,
                other => panic!("expected invalid: {other:?}"),
            }
        };
        assert_eq!(
            with(|c| if let Command::Submit { title, .. } = c {
                *title = " a ".into()
            }),
            "title"
        );
        assert_eq!(
            with(|c| if let Command::Submit { category, .. } = c {
                *category = "Voirie!".into()
            }),
            "category"
        );
        assert_eq!(
            with(|c| if let Command::Submit { description, .. } = c {
                *description = "x".repeat(5001)
            }),
            "description"
        );
    }

    #[test]
    fn an_agent_acknowledges_a_new_report_once() {
        let state = given(vec![submit()]);
        let events = ReportDecider::decide(&state, acknowledge("75056")).expect("valid");
        assert!(matches!(events.as_slice(), [Event::Acknowledged(e)] if e.message == "Vu, merci."));
        let state = events.iter().fold(state, ReportDecider::evolve);
        assert_eq!(
            ReportDecider::decide(&state, acknowledge("75056")),
            Err(DomainError::WrongState("only a new report can be acknowledged"))
        );
    }

    fn advance(to: Status, message: &str, at_us: i64) -> Command {
        Command::Advance {
            commune: "75056".into(),
            report_id: "r1".into(),
            agent: "agent-1".into(),
            to,
            message: message.into(),
            at_us,
        }
    }

    fn reopen(by: &str, at_us: i64) -> Command {
        Command::Reopen {
            commune: "75056".into(),
            report_id: "r1".into(),
            by: by.into(),
            message: "Le trou est revenu.".into(),
            at_us,
        }
    }

    #[test]
    fn the_workflow_goes_from_new_to_resolved_and_back_when_reopened() {
        let state = given(vec![submit(), acknowledge("75056"), advance(Status::InProgress, "Équipe sur place", 1)]);
        assert_eq!(state.0.as_ref().map(|s| s.status), Some(Status::InProgress));
        assert!(ReportDecider::decide(&state, advance(Status::InProgress, "", 2)).is_err(), "already in progress");
        let resolved = given(vec![submit(), advance(Status::Resolved, "Rebouché", 10)]);
        assert_eq!(resolved.0.as_ref().map(|s| (s.status, s.resolved_at_us)), Some((Status::Resolved, 10)));
        assert_eq!(
            ReportDecider::decide(&resolved, advance(Status::Rejected, "non", 11)),
            Err(DomainError::WrongState("this report is closed; its reporter may reopen it"))
        );
        let events = ReportDecider::decide(&resolved, reopen("acct-1", 10 + REOPEN_WINDOW_US)).expect("within 30 days");
        let reopened = events.iter().fold(resolved.clone(), ReportDecider::evolve);
        assert_eq!(reopened.0.map(|s| s.status), Some(Status::Acknowledged));
    }

    #[test]
    fn only_the_reporter_reopens_and_only_within_30_days() {
        let resolved = given(vec![submit(), advance(Status::Resolved, "", 10)]);
        assert!(matches!(ReportDecider::decide(&resolved, reopen("someone-else", 11)), Err(DomainError::Forbidden(_))));
        assert!(matches!(
            ReportDecider::decide(&resolved, reopen("acct-1", 11 + REOPEN_WINDOW_US)),
            Err(DomainError::WrongState(_))
        ));
        let open = given(vec![submit()]);
        assert!(matches!(ReportDecider::decide(&open, reopen("acct-1", 11)), Err(DomainError::WrongState(_))));
    }

    #[test]
    fn a_rejection_needs_a_public_reason() {
        let state = given(vec![submit()]);
        assert!(matches!(
            ReportDecider::decide(&state, advance(Status::Rejected, "  ", 1)),
            Err(DomainError::Invalid { field: "message", .. })
        ));
        assert!(ReportDecider::decide(&state, advance(Status::Rejected, "Hors du domaine public", 1)).is_ok());
        assert!(matches!(
            ReportDecider::decide(&state, advance(Status::Acknowledged, "", 1)),
            Err(DomainError::Invalid { field: "status", .. })
        ));
    }

    #[test]
    fn a_report_of_another_commune_or_none_is_not_found() {
        assert_eq!(
            ReportDecider::decide(&given(vec![submit()]), acknowledge("69123")),
            Err(DomainError::NotFound("r1".into()))
        );
        assert_eq!(
            ReportDecider::decide(&Report::default(), acknowledge("75056")),
            Err(DomainError::NotFound("r1".into()))
        );
    }

    fn anonymous() -> Command {
        let Command::Submit { report_id, commune, category, title, description, location, department, .. } = submit()
        else {
            unreachable!("submit() is a submission")
        };
        Command::Submit {
            report_id,
            commune,
            category,
            title,
            description,
            location,
            reporter: None,
            department,
            attributes: vec![],
            photos: vec![],
            anonymous: Some(Anonymous { email: "a@example.fr".into(), token_sha256: "abc".into() }),
            client: String::new(),
        }
    }

    fn support(by: &str) -> Command {
        Command::Support { commune: "75056".into(), report_id: "r1".into(), by: by.into() }
    }

    #[test]
    fn an_anonymous_report_needs_an_email_and_is_public_once_verified() {
        let mut nobody = anonymous();
        if let Command::Submit { anonymous, .. } = &mut nobody {
            *anonymous = None;
        }
        assert!(matches!(
            ReportDecider::decide(&Report::default(), nobody),
            Err(DomainError::Invalid { field: "reporter_email", .. })
        ));
        let state = given(vec![anonymous()]);
        assert_eq!(state.0.as_ref().map(|s| s.verified), Some(false));
        assert!(ReportDecider::decide(&state, support("acct-2")).is_err(), "not public yet");
        let verify = |token: &str| Command::Verify {
            commune: "75056".into(),
            report_id: "r1".into(),
            token_sha256: token.into(),
        };
        assert_eq!(ReportDecider::decide(&state, verify("wrong")), Err(DomainError::NotFound("r1".into())));
        let events = ReportDecider::decide(&state, verify("abc")).expect("the right token");
        let state = events.iter().fold(state, ReportDecider::evolve);
        assert!(matches!(ReportDecider::decide(&state, verify("abc")), Err(DomainError::AlreadyDone(_))));
        assert!(ReportDecider::decide(&state, support("acct-2")).is_ok());
    }

    #[test]
    fn emails_are_checked_by_shape() {
        assert_eq!(parse_email(" Marie@Example.fr "), Ok("Marie@Example.fr".into()));
        for bad in ["", "marie", "marie@", "@example.fr", "a@b", "a b@c.fr", "a@b@c.fr", "a@.fr", "<a@b.fr>"] {
            assert!(parse_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_resident_supports_a_report_once_and_not_their_own() {
        let state = given(vec![submit(), support("acct-2")]);
        assert!(matches!(ReportDecider::decide(&state, support("acct-2")), Err(DomainError::AlreadyDone(_))));
        assert!(matches!(ReportDecider::decide(&state, support("acct-1")), Err(DomainError::WrongState(_))));
        assert!(ReportDecider::decide(&state, support("acct-3")).is_ok());
    }

    #[test]
    fn a_merged_duplicate_is_closed_and_the_kept_report_absorbs_its_supporters_once() {
        let merge = Command::MergeInto {
            commune: "75056".into(),
            report_id: "r1".into(),
            into: "r2".into(),
            agent: "agent-1".into(),
            message: "Déjà signalé".into(),
        };
        let state = given(vec![submit(), support("acct-2"), merge.clone()]);
        assert_eq!(state.0.as_ref().map(|s| s.status), Some(Status::Merged));
        assert!(matches!(ReportDecider::decide(&state, merge), Err(DomainError::WrongState(_))));
        assert!(ReportDecider::decide(&state, advance(Status::Resolved, "", 1)).is_err());
        assert!(ReportDecider::decide(&state, support("acct-3")).is_err());

        let absorb = Command::Absorb {
            commune: "75056".into(),
            report_id: "r1".into(),
            duplicate: "r9".into(),
            // The kept report's own reporter and existing supporter are not counted twice.
            supporters: vec!["acct-1".into(), "acct-2".into(), "acct-4".into(), "acct-4".into()],
            followers: vec!["acct-9".into()],
        };
        let kept = given(vec![submit(), support("acct-2")]);
        let events = ReportDecider::decide(&kept, absorb.clone()).expect("absorb");
        let [Event::Absorbed(e)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(e.supporters, vec!["acct-4".to_owned()]);
        let kept = events.iter().fold(kept, ReportDecider::evolve);
        assert_eq!(kept.0.as_ref().map(|s| s.supporters.len()), Some(2));
        assert_eq!(ReportDecider::decide(&kept, absorb), Ok(vec![]), "a retried merge absorbs once");
    }

    #[test]
    fn assignment_and_notes_are_checked() {
        let state = given(vec![submit()]);
        let assign = |department: &str, agent: &str| Command::Assign {
            commune: "75056".into(),
            report_id: "r1".into(),
            department: department.into(),
            agent: agent.into(),
            by: "agent-1".into(),
        };
        assert!(matches!(ReportDecider::decide(&state, assign("voirie", "")), Err(DomainError::WrongState(_))));
        assert!(matches!(
            ReportDecider::decide(&state, assign("voirie", "not-an-id")),
            Err(DomainError::Invalid { field: "agent", .. })
        ));
        assert!(ReportDecider::decide(&state, assign("éclairage", "0190c0de-0000-7000-8000-000000000000")).is_ok());
        let note = |text: &str| Command::AddNote {
            commune: "75056".into(),
            report_id: "r1".into(),
            note_id: "n1".into(),
            author: "agent-1".into(),
            text: text.into(),
        };
        assert!(matches!(ReportDecider::decide(&state, note("  ")), Err(DomainError::Invalid { field: "text", .. })));
        assert!(ReportDecider::decide(&state, note("Appeler le riverain")).is_ok());
    }
}
