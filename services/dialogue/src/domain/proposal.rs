//! A citizen proposal: submitted by a resident, supported once per account;
//! the support that reaches the commune's threshold obliges an official answer
//! within [`ANSWER_DEADLINE_DAYS`], public until the commune answers.

use std::collections::BTreeSet;

use miroir_eventstore::decider::{Decider, EventCodec};
use miroir_eventstore::{NewEvent, RecordedEvent};
use miroir_proto::dialogue::v1 as pb;

use super::{BODY_CHARS, DomainError, TITLE_CHARS, days_after, text};

/// How long the commune has to answer a proposal that reached its threshold.
/// Ninety days, as local initiatives commonly give a council a quarter to
/// respond; a commune setting may replace it once identity owns one.
pub const ANSWER_DEADLINE_DAYS: u32 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    AwaitingAnswer,
    Answered,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::AwaitingAnswer => "awaiting_answer",
            Status::Answered => "answered",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Status::Open, Status::AwaitingAnswer, Status::Answered].into_iter().find(|s| s.as_str() == raw)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Proposal(pub Option<ProposalState>);

#[derive(Debug, Clone, PartialEq)]
pub struct ProposalState {
    pub commune: String,
    pub author: String,
    pub threshold: u32,
    pub supporters: BTreeSet<String>,
    pub status: Status,
    /// Set when the threshold was reached.
    pub answer_due_at_us: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Submit {
        proposal_id: String,
        commune: String,
        author: String,
        title: String,
        body: String,
        /// The commune's threshold now (the proposal keeps it).
        threshold: u32,
        at_us: i64,
    },
    Support {
        commune: String,
        proposal_id: String,
        by: String,
        at_us: i64,
    },
    /// An official of the commune (the API checked the role) answers.
    Answer {
        commune: String,
        proposal_id: String,
        answerer: String,
        body: String,
        at_us: i64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Submitted(pb::ProposalSubmitted),
    Supported(pb::ProposalSupported),
    ThresholdReached(pb::ProposalThresholdReached),
    Answered(pb::ProposalAnswered),
}

fn found<'s>(state: &'s Proposal, commune: &str, id: &str) -> Result<&'s ProposalState, DomainError> {
    state.0.as_ref().filter(|s| s.commune == commune).ok_or_else(|| DomainError::NotFound(format!("proposal {id}")))
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub struct ProposalDecider;

impl Decider for ProposalDecider {
    type State = Proposal;
    type Command = Command;
    type Event = Event;
    type Error = DomainError;

    fn decide(state: &Proposal, command: Command) -> Result<Vec<Event>, DomainError> {
        match command {
            Command::Submit { proposal_id, commune, author, title, body, threshold, at_us } => {
                if state.0.is_some() {
                    return Err(DomainError::AlreadyExists(format!("proposal {proposal_id}")));
                }
                let title = text("title", &title, TITLE_CHARS)?;
                let body = text("body", &body, BODY_CHARS)?;
                Ok(vec![Event::Submitted(pb::ProposalSubmitted {
                    proposal_id,
                    author,
                    title,
                    body,
                    support_threshold: threshold.max(1),
                    commune,
                    submitted_at_us: at_us,
                })])
            }
            Command::Support { commune, proposal_id, by, at_us } => {
                let current = found(state, &commune, &proposal_id)?;
                if current.author == by {
                    return Err(DomainError::WrongState("you submitted this proposal: it cannot be supported by you"));
                }
                if current.supporters.contains(&by) {
                    return Err(DomainError::AlreadyDone("you already support this proposal"));
                }
                if current.status == Status::Answered {
                    return Err(DomainError::WrongState("this proposal was answered"));
                }
                let supports = count(current.supporters.len() + 1);
                let mut events = vec![Event::Supported(pb::ProposalSupported {
                    proposal_id: proposal_id.clone(),
                    supporter: by,
                    supported_at_us: at_us,
                    supports,
                })];
                // Reached in the decision that adds the support, so exactly once:
                // a concurrent support decided on the same state loses the
                // version race and is decided again, on a count above it.
                if supports == current.threshold && current.answer_due_at_us.is_none() {
                    events.push(Event::ThresholdReached(pb::ProposalThresholdReached {
                        proposal_id,
                        supports,
                        reached_at_us: at_us,
                        answer_due_at_us: days_after(at_us, ANSWER_DEADLINE_DAYS),
                    }));
                }
                Ok(events)
            }
            Command::Answer { commune, proposal_id, answerer, body, at_us } => {
                let current = found(state, &commune, &proposal_id)?;
                if current.status == Status::Answered {
                    return Err(DomainError::AlreadyDone("this proposal is already answered"));
                }
                let body = text("body", &body, BODY_CHARS)?;
                Ok(vec![Event::Answered(pb::ProposalAnswered {
                    proposal_id,
                    answerer,
                    body,
                    answered_at_us: at_us,
                    was_obliged: current.answer_due_at_us.is_some(),
                    on_time: current.answer_due_at_us.is_none_or(|due| at_us <= due),
                })])
            }
        }
    }

    fn evolve(state: Proposal, event: &Event) -> Proposal {
        let mut next = state;
        match (event, next.0.as_mut()) {
            (Event::Submitted(e), _) => {
                next = Proposal(Some(ProposalState {
                    commune: e.commune.clone(),
                    author: e.author.clone(),
                    threshold: e.support_threshold,
                    supporters: BTreeSet::new(),
                    status: Status::Open,
                    answer_due_at_us: None,
                }));
            }
            (Event::Supported(e), Some(s)) => {
                s.supporters.insert(e.supporter.clone());
            }
            (Event::ThresholdReached(e), Some(s)) => {
                s.answer_due_at_us = Some(e.answer_due_at_us);
                s.status = Status::AwaitingAnswer;
            }
            (Event::Answered(_), Some(s)) => s.status = Status::Answered,
            (_, None) => {}
        }
        next
    }
}

impl EventCodec for Event {
    fn encode(&self) -> NewEvent {
        match self {
            Event::Submitted(e) => NewEvent::from_message(e),
            Event::Supported(e) => NewEvent::from_message(e),
            Event::ThresholdReached(e) => NewEvent::from_message(e),
            Event::Answered(e) => NewEvent::from_message(e),
        }
    }

    fn decode(event: &RecordedEvent) -> Result<Option<Self>, prost::DecodeError> {
        if let Some(e) = event.decode::<pb::ProposalSubmitted>() {
            return e.map(|e| Some(Event::Submitted(e)));
        }
        if let Some(e) = event.decode::<pb::ProposalSupported>() {
            return e.map(|e| Some(Event::Supported(e)));
        }
        if let Some(e) = event.decode::<pb::ProposalThresholdReached>() {
            return e.map(|e| Some(Event::ThresholdReached(e)));
        }
        if let Some(e) = event.decode::<pb::ProposalAnswered>() {
            return e.map(|e| Some(Event::Answered(e)));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DAY_US;

    fn submit(threshold: u32) -> Command {
        Command::Submit {
            proposal_id: "p1".into(),
            commune: "75056".into(),
            author: "author".into(),
            title: "Un jardin partagé".into(),
            body: "Sur la friche de la rue Haute.".into(),
            threshold,
            at_us: 0,
        }
    }

    fn support(by: &str, at_us: i64) -> Command {
        Command::Support { commune: "75056".into(), proposal_id: "p1".into(), by: by.into(), at_us }
    }

    fn answer(at_us: i64) -> Command {
        Command::Answer {
            commune: "75056".into(),
            proposal_id: "p1".into(),
            answerer: "admin".into(),
            body: "Le conseil l'étudiera en juin.".into(),
            at_us,
        }
    }

    fn given(commands: Vec<Command>) -> Proposal {
        commands.into_iter().fold(Proposal::default(), |state, command| {
            let events = ProposalDecider::decide(&state, command).expect("given command is valid");
            events.iter().fold(state, ProposalDecider::evolve)
        })
    }

    #[test]
    fn one_support_per_account_and_not_the_authors() {
        let state = given(vec![submit(3), support("a", 1)]);
        assert_eq!(
            ProposalDecider::decide(&state, support("a", 2)),
            Err(DomainError::AlreadyDone("you already support this proposal"))
        );
        assert!(matches!(ProposalDecider::decide(&state, support("author", 2)), Err(DomainError::WrongState(_))));
    }

    #[test]
    fn the_support_that_reaches_the_threshold_records_the_obligation_once() {
        let state = given(vec![submit(2), support("a", 1)]);
        let events = ProposalDecider::decide(&state, support("b", 5)).expect("valid");
        let [Event::Supported(s), Event::ThresholdReached(r)] = events.as_slice() else {
            panic!("supported and reached: {events:?}")
        };
        assert_eq!((s.supports, r.supports), (2, 2));
        assert_eq!(r.answer_due_at_us, 5 + i64::from(ANSWER_DEADLINE_DAYS) * DAY_US);
        let state = events.iter().fold(state, ProposalDecider::evolve);
        assert_eq!(state.0.as_ref().map(|s| s.status), Some(Status::AwaitingAnswer));
        let more = ProposalDecider::decide(&state, support("c", 6)).expect("valid");
        assert!(matches!(more.as_slice(), [Event::Supported(s)] if s.supports == 3));
    }

    #[test]
    fn an_answer_closes_the_obligation_on_time_or_late() {
        let state = given(vec![submit(1), support("a", 0)]);
        let due = i64::from(ANSWER_DEADLINE_DAYS) * DAY_US;
        let on_time = ProposalDecider::decide(&state, answer(due)).expect("valid");
        assert!(matches!(on_time.as_slice(), [Event::Answered(e)] if e.was_obliged && e.on_time));
        let late = ProposalDecider::decide(&state, answer(due + 1)).expect("valid");
        assert!(matches!(late.as_slice(), [Event::Answered(e)] if e.was_obliged && !e.on_time));
        let answered = on_time.iter().fold(state, ProposalDecider::evolve);
        assert!(matches!(ProposalDecider::decide(&answered, answer(due)), Err(DomainError::AlreadyDone(_))));
        assert!(matches!(ProposalDecider::decide(&answered, support("b", due)), Err(DomainError::WrongState(_))));
    }

    #[test]
    fn bad_proposals_name_their_field_and_other_communes_do_not_see_them() {
        let Command::Submit { proposal_id, commune, author, body, at_us, .. } = submit(3) else { unreachable!() };
        let short = Command::Submit { proposal_id, commune, author, title: "ab".into(), body, threshold: 3, at_us };
        assert!(matches!(
            ProposalDecider::decide(&Proposal::default(), short),
            Err(DomainError::Invalid { field: "title", .. })
        ));
        let state = given(vec![submit(3)]);
        let elsewhere =
            Command::Support { commune: "69123".into(), proposal_id: "p1".into(), by: "a".into(), at_us: 0 };
        assert!(matches!(ProposalDecider::decide(&state, elsewhere), Err(DomainError::NotFound(_))));
    }
}
