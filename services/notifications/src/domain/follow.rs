//! Following one subject: a report, question, proposal or publication of a
//! commune. One aggregate per (account, subject) ([`follow_id`]), so an
//! account's choice about a subject is decided on that choice's history only.

use miroir_eventstore::decider::{Decider, EventCodec};
use miroir_eventstore::{NewEvent, RecordedEvent};
use miroir_proto::notifications::v1 as pb;
use sha2::{Digest, Sha256};

use super::{DomainError, InseeCode, invalid};

/// The aggregate type of an account's choice about one subject (id: [`follow_id`]).
pub const AGGREGATE: &str = "follow";

/// What can be followed, by the collection of its resource name. Projects
/// and council decisions are publications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectKind {
    Report,
    Question,
    Proposal,
    Publication,
}

impl SubjectKind {
    pub const ALL: [SubjectKind; 4] =
        [SubjectKind::Report, SubjectKind::Question, SubjectKind::Proposal, SubjectKind::Publication];

    pub fn collection(self) -> &'static str {
        match self {
            SubjectKind::Report => "reports",
            SubjectKind::Question => "questions",
            SubjectKind::Proposal => "proposals",
            SubjectKind::Publication => "publications",
        }
    }
}

/// A followable resource name, `communes/{insee}/{reports|questions|proposals|publications}/{uuid}`,
/// with its id in the canonical UUID form (lowercase, hyphenated), so that one
/// resource has one name whatever form a client wrote it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    name: String,
    commune: InseeCode,
    kind: SubjectKind,
}

impl Subject {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        const SHAPE: &str = "must be communes/{insee}/{reports|questions|proposals|publications}/{id}";
        let parts: Vec<&str> = raw.strip_prefix("communes/").map(|rest| rest.split('/').collect()).unwrap_or_default();
        let [code, collection, id] = parts.as_slice() else {
            return Err(invalid("subject", SHAPE));
        };
        let commune = InseeCode::parse(code).map_err(|reason| invalid("subject", reason))?;
        let kind = SubjectKind::ALL
            .into_iter()
            .find(|kind| kind.collection() == *collection)
            .ok_or_else(|| invalid("subject", SHAPE))?;
        let id = uuid::Uuid::parse_str(id).map_err(|_| invalid("subject", "the id must be a UUID"))?;
        let name = format!("communes/{commune}/{}/{}", kind.collection(), id.hyphenated());
        Ok(Self { name, commune, kind })
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }

    pub fn commune(&self) -> &InseeCode {
        &self.commune
    }

    pub fn kind(&self) -> SubjectKind {
        self.kind
    }
}

/// The aggregate id of `account_id`'s choice about `subject`: a digest, so that
/// the id says nothing by itself and has a fixed length.
pub fn follow_id(account_id: &str, subject: &Subject) -> String {
    let digest = Sha256::digest(format!("{account_id}|{}", subject.as_str()));
    hex::encode(digest)[..32].to_owned()
}

/// The account's last explicit choice about the subject.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Follow {
    pub subject: String,
    /// `None` while the account never chose (it may still follow implicitly).
    pub following: Option<bool>,
    pub since_us: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Follow { account_id: String, subject: Subject, at_us: i64 },
    Unfollow { account_id: String, subject: Subject, at_us: i64 },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Followed(pb::Followed),
    Unfollowed(pb::Unfollowed),
}

pub struct FollowDecider;

impl Decider for FollowDecider {
    type State = Follow;
    type Command = Command;
    type Event = Event;
    type Error = DomainError;

    fn decide(state: &Follow, command: Command) -> Result<Vec<Event>, DomainError> {
        Ok(match command {
            Command::Follow { .. } if state.following == Some(true) => Vec::new(),
            Command::Follow { account_id, subject, at_us } => vec![Event::Followed(pb::Followed {
                account_id,
                subject: subject.as_str().to_owned(),
                commune: subject.commune().to_string(),
                followed_at_us: at_us,
            })],
            Command::Unfollow { .. } if state.following == Some(false) => Vec::new(),
            // Also when never chosen: the account opts out of an implicit
            // follow, which may be recorded after this.
            Command::Unfollow { account_id, subject, at_us } => vec![Event::Unfollowed(pb::Unfollowed {
                account_id,
                subject: subject.as_str().to_owned(),
                commune: subject.commune().to_string(),
                unfollowed_at_us: at_us,
            })],
        })
    }

    fn evolve(_: Follow, event: &Event) -> Follow {
        match event {
            Event::Followed(e) => {
                Follow { subject: e.subject.clone(), following: Some(true), since_us: e.followed_at_us }
            }
            Event::Unfollowed(e) => {
                Follow { subject: e.subject.clone(), following: Some(false), since_us: e.unfollowed_at_us }
            }
        }
    }
}

impl EventCodec for Event {
    fn encode(&self) -> NewEvent {
        match self {
            Event::Followed(e) => NewEvent::from_message(e),
            Event::Unfollowed(e) => NewEvent::from_message(e),
        }
    }

    fn decode(event: &RecordedEvent) -> Result<Option<Self>, prost::DecodeError> {
        if let Some(e) = event.decode::<pb::Followed>() {
            return e.map(|e| Some(Event::Followed(e)));
        }
        if let Some(e) = event.decode::<pb::Unfollowed>() {
            return e.map(|e| Some(Event::Unfollowed(e)));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "communes/75056/reports/0190c0de-0000-7000-8000-000000000001";

    fn subject() -> Subject {
        Subject::parse(REPORT).expect("valid subject")
    }

    fn follow(at_us: i64) -> Command {
        Command::Follow { account_id: "a".into(), subject: subject(), at_us }
    }

    fn unfollow(at_us: i64) -> Command {
        Command::Unfollow { account_id: "a".into(), subject: subject(), at_us }
    }

    #[test]
    fn subjects_are_the_four_followable_collections_with_a_canonical_id() {
        for collection in ["reports", "questions", "proposals", "publications"] {
            let raw = format!("communes/2A004/{collection}/0190C0DE00007000800000000000000A");
            let subject = Subject::parse(&raw).expect(collection);
            assert_eq!(subject.as_str(), format!("communes/2A004/{collection}/0190c0de-0000-7000-8000-00000000000a"));
            assert_eq!((subject.commune().as_str(), subject.kind().collection()), ("2A004", collection));
        }
    }

    #[test]
    fn other_names_are_refused_on_the_subject_field() {
        let id = "0190c0de-0000-7000-8000-000000000001";
        for raw in [
            String::new(),
            format!("communes/75056/comments/{id}"),
            format!("communes/7505/reports/{id}"),
            format!("communes/75056/reports/{id}/photos/{id}"),
            format!("75056/reports/{id}"),
            "communes/75056/reports/not-a-uuid".to_owned(),
            "communes/75056/reports/".to_owned(),
        ] {
            assert!(matches!(Subject::parse(&raw), Err(DomainError::Invalid { field: "subject", .. })), "{raw}");
        }
    }

    #[test]
    fn the_aggregate_id_is_one_per_account_and_subject() {
        let other = Subject::parse(&REPORT.replace("0001", "0002")).expect("valid");
        assert_eq!(follow_id("a", &subject()), follow_id("a", &subject()));
        assert_eq!(follow_id("a", &subject()).len(), 32);
        assert_ne!(follow_id("a", &subject()), follow_id("b", &subject()));
        assert_ne!(follow_id("a", &subject()), follow_id("a", &other));
    }

    #[test]
    fn following_twice_records_once() {
        let events = FollowDecider::decide(&Follow::default(), follow(10)).expect("follow");
        assert_eq!(
            events,
            [Event::Followed(pb::Followed {
                account_id: "a".into(),
                subject: REPORT.into(),
                commune: "75056".into(),
                followed_at_us: 10
            })]
        );
        let state = FollowDecider::fold(&events);
        assert_eq!((state.following, state.since_us), (Some(true), 10));
        assert_eq!(FollowDecider::decide(&state, follow(20)), Ok(Vec::new()));
    }

    #[test]
    fn unfollowing_is_recorded_even_before_any_follow_and_only_once() {
        let events = FollowDecider::decide(&Follow::default(), unfollow(10)).expect("opt out");
        assert!(matches!(events.as_slice(), [Event::Unfollowed(e)] if e.subject == REPORT && e.unfollowed_at_us == 10));
        let state = FollowDecider::fold(&events);
        assert_eq!(state.following, Some(false));
        assert_eq!(FollowDecider::decide(&state, unfollow(20)), Ok(Vec::new()));
        let again = FollowDecider::decide(&state, follow(30)).expect("follow again");
        assert_eq!(FollowDecider::fold(events.iter().chain(&again)).following, Some(true));
    }
}
