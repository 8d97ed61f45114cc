//! A comment on a publication, report or proposal, or a reply to one: threads
//! are one level deep. The API looks up the comment replied to and passes what
//! the decision needs ([`Parent`]).

use miroir_eventstore::decider::{Decider, EventCodec};
use miroir_eventstore::{NewEvent, RecordedEvent};
use miroir_proto::dialogue::v1 as pb;

use super::{DomainError, invalid, text};

pub const COMMENT_CHARS: std::ops::RangeInclusive<usize> = 1..=3000;
/// What may be commented: `communes/{insee}/{kind}/{id}`.
pub const TARGET_KINDS: &[&str] = &["publications", "reports", "proposals"];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comment(pub Option<pb::CommentPosted>);

/// The comment replied to, as the read model knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Parent {
    pub comment_id: String,
    pub target: String,
    /// It is itself a reply.
    pub is_reply: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Post {
        comment_id: String,
        commune: String,
        target: String,
        reply_to: Option<Parent>,
        author: String,
        body: String,
        /// The author holds an official role in the commune.
        official: bool,
        at_us: i64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Posted(pb::CommentPosted),
}

/// `communes/{commune}/{kind}/{id}` with a known kind and a plain id.
pub fn valid_target(commune: &str, target: &str) -> bool {
    target
        .strip_prefix("communes/")
        .and_then(|rest| rest.strip_prefix(commune))
        .and_then(|rest| rest.strip_prefix('/'))
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(kind, id)| {
            TARGET_KINDS.contains(&kind)
                && (1..=64).contains(&id.len())
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

pub struct CommentDecider;

impl Decider for CommentDecider {
    type State = Comment;
    type Command = Command;
    type Event = Event;
    type Error = DomainError;

    fn decide(state: &Comment, command: Command) -> Result<Vec<Event>, DomainError> {
        match command {
            Command::Post { comment_id, commune, target, reply_to, author, body, official, at_us } => {
                if state.0.is_some() {
                    return Err(DomainError::AlreadyExists(format!("comment {comment_id}")));
                }
                if !valid_target(&commune, &target) {
                    return Err(invalid(
                        "target",
                        format!("must be a publication, report or proposal of communes/{commune}"),
                    ));
                }
                let parent_comment_id = match reply_to {
                    None => String::new(),
                    Some(parent) if parent.is_reply => {
                        return Err(invalid("reply_to", "replies are one level deep: reply to the first comment"));
                    }
                    Some(parent) if parent.target != target => {
                        return Err(invalid("reply_to", "is a comment on another target"));
                    }
                    Some(parent) => parent.comment_id,
                };
                let body = text("body", &body, COMMENT_CHARS)?;
                Ok(vec![Event::Posted(pb::CommentPosted {
                    comment_id,
                    subject: target,
                    parent_comment_id,
                    author,
                    body,
                    commune,
                    official,
                    posted_at_us: at_us,
                })])
            }
        }
    }

    fn evolve(_: Comment, event: &Event) -> Comment {
        match event {
            Event::Posted(e) => Comment(Some(e.clone())),
        }
    }
}

impl EventCodec for Event {
    fn encode(&self) -> NewEvent {
        match self {
            Event::Posted(e) => NewEvent::from_message(e),
        }
    }

    fn decode(event: &RecordedEvent) -> Result<Option<Self>, prost::DecodeError> {
        if let Some(e) = event.decode::<pb::CommentPosted>() {
            return e.map(|e| Some(Event::Posted(e)));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGET: &str = "communes/75056/proposals/p1";

    fn post(reply_to: Option<Parent>, target: &str) -> Command {
        Command::Post {
            comment_id: "c2".into(),
            commune: "75056".into(),
            target: target.into(),
            reply_to,
            author: "acct".into(),
            body: " Bonne idée. ".into(),
            official: false,
            at_us: 1,
        }
    }

    fn field(command: Command) -> &'static str {
        match CommentDecider::decide(&Comment::default(), command) {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected invalid: {other:?}"),
        }
    }

    #[test]
    fn a_comment_is_on_a_known_target_of_its_commune() {
        let events = CommentDecider::decide(&Comment::default(), post(None, TARGET)).expect("valid");
        assert!(matches!(events.as_slice(), [Event::Posted(e)] if e.body == "Bonne idée."));
        assert_eq!(field(post(None, "communes/69123/proposals/p1")), "target");
        assert_eq!(field(post(None, "communes/75056/budgets/b1")), "target");
    }

    #[test]
    fn replies_are_one_level_deep_on_the_same_target() {
        let parent = |is_reply: bool, target: &str| Parent { comment_id: "c1".into(), target: target.into(), is_reply };
        let events =
            CommentDecider::decide(&Comment::default(), post(Some(parent(false, TARGET)), TARGET)).expect("ok");
        assert!(matches!(events.as_slice(), [Event::Posted(e)] if e.parent_comment_id == "c1"));
        assert_eq!(field(post(Some(parent(true, TARGET)), TARGET)), "reply_to");
        assert_eq!(field(post(Some(parent(false, "communes/75056/reports/r1")), TARGET)), "reply_to");
    }
}
