//! Moderation of one piece of content (a question, proposal or comment; the
//! aggregate id is its resource name): any account flags it; a moderator of
//! its space hides it with a public reason; its author appeals once; a
//! moderator restores it or dismisses the appeal. The API checks which
//! moderators may act (the space is a fact of the content, not of this decider).

use std::collections::BTreeSet;

use miroir_eventstore::decider::{Decider, EventCodec};
use miroir_eventstore::{NewEvent, RecordedEvent};
use miroir_proto::dialogue::v1 as pb;

use super::{DomainError, MAX_MESSAGE_CHARS, text};

const REASON_CHARS: std::ops::RangeInclusive<usize> = 3..=MAX_MESSAGE_CHARS;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Moderation {
    pub flagged_by: BTreeSet<String>,
    pub hidden: bool,
    pub author: String,
    pub appealed: bool,
    pub appeal_resolved: bool,
    pub public_reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Flag {
        subject: String,
        by: String,
        reason: String,
        at_us: i64,
    },
    /// `author` is the content's author, from the read model.
    Hide {
        subject: String,
        moderator: String,
        public_reason: String,
        author: String,
        at_us: i64,
    },
    Appeal {
        subject: String,
        by: String,
        reason: String,
        at_us: i64,
    },
    ResolveAppeal {
        subject: String,
        moderator: String,
        restore: bool,
        public_reason: String,
        at_us: i64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Flagged(pb::ContentFlagged),
    Hidden(pb::ContentHidden),
    Appealed(pb::HidingAppealed),
    Restored(pb::ContentRestored),
    AppealDismissed(pb::AppealDismissed),
}

pub struct ModerationDecider;

impl Decider for ModerationDecider {
    type State = Moderation;
    type Command = Command;
    type Event = Event;
    type Error = DomainError;

    fn decide(state: &Moderation, command: Command) -> Result<Vec<Event>, DomainError> {
        match command {
            Command::Flag { subject, by, reason, at_us } => {
                if state.flagged_by.contains(&by) {
                    return Err(DomainError::AlreadyDone("you already flagged this content"));
                }
                let reason = text("reason", &reason, REASON_CHARS)?;
                Ok(vec![Event::Flagged(pb::ContentFlagged { subject, by, reason, flagged_at_us: at_us })])
            }
            Command::Hide { subject, moderator, public_reason, author, at_us } => {
                if state.hidden {
                    return Err(DomainError::AlreadyDone("this content is already hidden"));
                }
                if state.appeal_resolved {
                    return Err(DomainError::WrongState("an appeal restored this content"));
                }
                let public_reason = text("public_reason", &public_reason, REASON_CHARS)?;
                Ok(vec![Event::Hidden(pb::ContentHidden {
                    subject,
                    moderator,
                    public_reason,
                    author,
                    hidden_at_us: at_us,
                })])
            }
            Command::Appeal { subject, by, reason, at_us } => {
                if !state.hidden && !state.appealed {
                    return Err(DomainError::WrongState("only hidden content can be appealed"));
                }
                if state.author != by {
                    return Err(DomainError::Forbidden("only its author can appeal a hiding"));
                }
                if state.appealed {
                    return Err(DomainError::AlreadyDone("a hiding can be appealed once"));
                }
                let reason = text("reason", &reason, REASON_CHARS)?;
                Ok(vec![Event::Appealed(pb::HidingAppealed { subject, author: by, reason, appealed_at_us: at_us })])
            }
            Command::ResolveAppeal { subject, moderator, restore, public_reason, at_us } => {
                if !state.appealed {
                    return Err(DomainError::WrongState("there is no appeal to resolve"));
                }
                if state.appeal_resolved {
                    return Err(DomainError::AlreadyDone("this appeal is already resolved"));
                }
                let public_reason = text("public_reason", &public_reason, REASON_CHARS)?;
                Ok(vec![if restore {
                    Event::Restored(pb::ContentRestored { subject, moderator, public_reason, restored_at_us: at_us })
                } else {
                    Event::AppealDismissed(pb::AppealDismissed {
                        subject,
                        moderator,
                        public_reason,
                        dismissed_at_us: at_us,
                    })
                }])
            }
        }
    }

    fn evolve(mut state: Moderation, event: &Event) -> Moderation {
        match event {
            Event::Flagged(e) => {
                state.flagged_by.insert(e.by.clone());
            }
            Event::Hidden(e) => {
                state.hidden = true;
                state.author = e.author.clone();
                state.public_reason = e.public_reason.clone();
            }
            Event::Appealed(_) => state.appealed = true,
            Event::Restored(e) => {
                state.hidden = false;
                state.appeal_resolved = true;
                state.public_reason = e.public_reason.clone();
            }
            Event::AppealDismissed(_) => state.appeal_resolved = true,
        }
        state
    }
}

impl EventCodec for Event {
    fn encode(&self) -> NewEvent {
        match self {
            Event::Flagged(e) => NewEvent::from_message(e),
            Event::Hidden(e) => NewEvent::from_message(e),
            Event::Appealed(e) => NewEvent::from_message(e),
            Event::Restored(e) => NewEvent::from_message(e),
            Event::AppealDismissed(e) => NewEvent::from_message(e),
        }
    }

    fn decode(event: &RecordedEvent) -> Result<Option<Self>, prost::DecodeError> {
        if let Some(e) = event.decode::<pb::ContentFlagged>() {
            return e.map(|e| Some(Event::Flagged(e)));
        }
        if let Some(e) = event.decode::<pb::ContentHidden>() {
            return e.map(|e| Some(Event::Hidden(e)));
        }
        if let Some(e) = event.decode::<pb::HidingAppealed>() {
            return e.map(|e| Some(Event::Appealed(e)));
        }
        if let Some(e) = event.decode::<pb::ContentRestored>() {
            return e.map(|e| Some(Event::Restored(e)));
        }
        if let Some(e) = event.decode::<pb::AppealDismissed>() {
            return e.map(|e| Some(Event::AppealDismissed(e)));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBJECT: &str = "communes/75056/comments/c1";

    fn hide() -> Command {
        Command::Hide {
            subject: SUBJECT.into(),
            moderator: "mod".into(),
            public_reason: "Propos injurieux".into(),
            author: "author".into(),
            at_us: 1,
        }
    }

    fn appeal(by: &str) -> Command {
        Command::Appeal { subject: SUBJECT.into(), by: by.into(), reason: "C'était ironique".into(), at_us: 2 }
    }

    fn given(commands: Vec<Command>) -> Moderation {
        commands.into_iter().fold(Moderation::default(), |state, command| {
            let events = ModerationDecider::decide(&state, command).expect("given command is valid");
            events.iter().fold(state, ModerationDecider::evolve)
        })
    }

    #[test]
    fn an_account_flags_once() {
        let flag = || Command::Flag { subject: SUBJECT.into(), by: "a".into(), reason: "Spam".into(), at_us: 0 };
        let state = given(vec![flag()]);
        assert!(matches!(ModerationDecider::decide(&state, flag()), Err(DomainError::AlreadyDone(_))));
    }

    #[test]
    fn hiding_needs_a_public_reason() {
        let Command::Hide { subject, moderator, author, at_us, .. } = hide() else { unreachable!() };
        let bare = Command::Hide { subject, moderator, public_reason: " ".into(), author, at_us };
        assert!(matches!(
            ModerationDecider::decide(&Moderation::default(), bare),
            Err(DomainError::Invalid { field: "public_reason", .. })
        ));
    }

    #[test]
    fn only_the_author_appeals_and_only_once() {
        assert!(matches!(
            ModerationDecider::decide(&Moderation::default(), appeal("author")),
            Err(DomainError::WrongState(_))
        ));
        let hidden = given(vec![hide()]);
        assert!(matches!(ModerationDecider::decide(&hidden, appeal("other")), Err(DomainError::Forbidden(_))));
        let appealed = given(vec![hide(), appeal("author")]);
        assert!(matches!(ModerationDecider::decide(&appealed, appeal("author")), Err(DomainError::AlreadyDone(_))));
        let resolve = |restore| Command::ResolveAppeal {
            subject: SUBJECT.into(),
            moderator: "mod2".into(),
            restore,
            public_reason: "Relu : ironie manifeste".into(),
            at_us: 3,
        };
        let restored = given(vec![hide(), appeal("author"), resolve(true)]);
        assert!(!restored.hidden);
        assert!(matches!(ModerationDecider::decide(&restored, resolve(false)), Err(DomainError::AlreadyDone(_))));
        assert!(matches!(ModerationDecider::decide(&restored, appeal("author")), Err(DomainError::AlreadyDone(_))));
        let kept = given(vec![hide(), appeal("author"), resolve(false)]);
        assert!(kept.hidden);
    }
}
