//! A public question to the commune: asked by a resident, answered officially
//! by the commune (or redirected to a report), against its commitment in days.

use miroir_eventstore::decider::{Decider, EventCodec};
use miroir_eventstore::{NewEvent, RecordedEvent};
use miroir_proto::dialogue::v1 as pb;

use super::{BODY_CHARS, DomainError, MAX_MESSAGE_CHARS, TITLE_CHARS, days_after, invalid, text};

/// The longest answer commitment a commune may give, in days.
pub const MAX_COMMITMENT_DAYS: u32 = 365;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Answered,
    Redirected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Answered => "answered",
            Status::Redirected => "redirected",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Status::Open, Status::Answered, Status::Redirected].into_iter().find(|s| s.as_str() == raw)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Question(pub Option<QuestionState>);

#[derive(Debug, Clone, PartialEq)]
pub struct QuestionState {
    pub commune: String,
    pub author: String,
    pub status: Status,
    pub answer_due_at_us: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Ask {
        question_id: String,
        commune: String,
        author: String,
        title: String,
        body: String,
        /// The commune's answer commitment, in days. Identity owns it; until
        /// it publishes it, the service is given it by configuration.
        commitment_days: u32,
        at_us: i64,
    },
    /// An official of the commune (the API checked the role) answers.
    Answer { commune: String, question_id: String, answerer: String, body: String, at_us: i64 },
    /// Staff send the question to a report (`report` is its resource name in the same commune).
    Redirect { commune: String, question_id: String, agent: String, report: String, message: String, at_us: i64 },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Asked(pb::QuestionAsked),
    Answered(pb::AnswerPublished),
    Redirected(pb::QuestionRedirected),
}

fn found<'s>(state: &'s Question, commune: &str, id: &str) -> Result<&'s QuestionState, DomainError> {
    state.0.as_ref().filter(|s| s.commune == commune).ok_or_else(|| DomainError::NotFound(format!("question {id}")))
}

pub struct QuestionDecider;

impl Decider for QuestionDecider {
    type State = Question;
    type Command = Command;
    type Event = Event;
    type Error = DomainError;

    fn decide(state: &Question, command: Command) -> Result<Vec<Event>, DomainError> {
        match command {
            Command::Ask { question_id, commune, author, title, body, commitment_days, at_us } => {
                if state.0.is_some() {
                    return Err(DomainError::AlreadyExists(format!("question {question_id}")));
                }
                let title = text("title", &title, TITLE_CHARS)?;
                let body = text("body", &body, BODY_CHARS)?;
                if !(1..=MAX_COMMITMENT_DAYS).contains(&commitment_days) {
                    return Err(invalid("commitment_days", format!("must be 1 to {MAX_COMMITMENT_DAYS}")));
                }
                Ok(vec![Event::Asked(pb::QuestionAsked {
                    question_id,
                    author,
                    title,
                    body,
                    commune,
                    asked_at_us: at_us,
                    commitment_days,
                    answer_due_at_us: days_after(at_us, commitment_days),
                })])
            }
            Command::Answer { commune, question_id, answerer, body, at_us } => {
                let current = found(state, &commune, &question_id)?;
                match current.status {
                    Status::Answered => return Err(DomainError::AlreadyDone("this question is already answered")),
                    Status::Redirected => {
                        return Err(DomainError::WrongState("this question was redirected to a report"));
                    }
                    Status::Open => {}
                }
                let body = text("body", &body, BODY_CHARS)?;
                Ok(vec![Event::Answered(pb::AnswerPublished {
                    question_id,
                    answerer,
                    body,
                    official: true,
                    answered_at_us: at_us,
                    on_time: at_us <= current.answer_due_at_us,
                })])
            }
            Command::Redirect { commune, question_id, agent, report, message, at_us } => {
                let current = found(state, &commune, &question_id)?;
                if current.status != Status::Open {
                    return Err(DomainError::WrongState("only an open question can be redirected"));
                }
                let message = message.trim().to_owned();
                if message.chars().count() > MAX_MESSAGE_CHARS {
                    return Err(invalid("message", format!("must be at most {MAX_MESSAGE_CHARS} characters")));
                }
                if !report.starts_with(&format!("communes/{commune}/reports/")) {
                    return Err(invalid("report", "must be a report of the same commune"));
                }
                Ok(vec![Event::Redirected(pb::QuestionRedirected {
                    question_id,
                    agent,
                    report,
                    message,
                    redirected_at_us: at_us,
                })])
            }
        }
    }

    fn evolve(state: Question, event: &Event) -> Question {
        let with_status = |status: Status| Question(state.0.clone().map(|s| QuestionState { status, ..s }));
        match event {
            Event::Asked(e) => Question(Some(QuestionState {
                commune: e.commune.clone(),
                author: e.author.clone(),
                status: Status::Open,
                answer_due_at_us: e.answer_due_at_us,
            })),
            Event::Answered(_) => with_status(Status::Answered),
            Event::Redirected(_) => with_status(Status::Redirected),
        }
    }
}

impl EventCodec for Event {
    fn encode(&self) -> NewEvent {
        match self {
            Event::Asked(e) => NewEvent::from_message(e),
            Event::Answered(e) => NewEvent::from_message(e),
            Event::Redirected(e) => NewEvent::from_message(e),
        }
    }

    fn decode(event: &RecordedEvent) -> Result<Option<Self>, prost::DecodeError> {
        if let Some(e) = event.decode::<pb::QuestionAsked>() {
            return e.map(|e| Some(Event::Asked(e)));
        }
        if let Some(e) = event.decode::<pb::AnswerPublished>() {
            return e.map(|e| Some(Event::Answered(e)));
        }
        if let Some(e) = event.decode::<pb::QuestionRedirected>() {
            return e.map(|e| Some(Event::Redirected(e)));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DAY_US;

    fn ask() -> Command {
        Command::Ask {
            question_id: "q1".into(),
            commune: "75056".into(),
            author: "acct-1".into(),
            title: " Horaires de la piscine ? ".into(),
            body: "Ouvre-t-elle le dimanche ?".into(),
            commitment_days: 15,
            at_us: 1_000,
        }
    }

    fn answer(commune: &str, at_us: i64) -> Command {
        Command::Answer {
            commune: commune.into(),
            question_id: "q1".into(),
            answerer: "agent-1".into(),
            body: "Oui, de 9 h à 13 h.".into(),
            at_us,
        }
    }

    fn given(commands: Vec<Command>) -> Question {
        commands.into_iter().fold(Question::default(), |state, command| {
            let events = QuestionDecider::decide(&state, command).expect("given command is valid");
            events.iter().fold(state, QuestionDecider::evolve)
        })
    }

    #[test]
    fn a_question_is_asked_with_its_deadline() {
        let events = QuestionDecider::decide(&Question::default(), ask()).expect("valid");
        let [Event::Asked(e)] = events.as_slice() else { panic!("one QuestionAsked: {events:?}") };
        assert_eq!(e.title, "Horaires de la piscine ?");
        assert_eq!(e.answer_due_at_us, 1_000 + 15 * DAY_US);
        assert_eq!(
            QuestionDecider::decide(&given(vec![ask()]), ask()),
            Err(DomainError::AlreadyExists("question q1".into()))
        );
    }

    #[test]
    fn bad_questions_name_their_field() {
        let field = |command: Command| match QuestionDecider::decide(&Question::default(), command) {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected invalid: {other:?}"),
        };
        let Command::Ask { question_id, commune, author, title, body, commitment_days, at_us } = ask() else {
            unreachable!()
        };
        let ask = |title: &str, body: &str, days: u32| Command::Ask {
            question_id: question_id.clone(),
            commune: commune.clone(),
            author: author.clone(),
            title: title.into(),
            body: body.into(),
            commitment_days: days,
            at_us,
        };
        assert_eq!(field(ask("a", &body, commitment_days)), "title");
        assert_eq!(field(ask(&title, "  ", commitment_days)), "body");
        assert_eq!(field(ask(&title, &body, 0)), "commitment_days");
    }

    #[test]
    fn an_answer_is_official_once_and_on_time_or_late() {
        let state = given(vec![ask()]);
        let on_time = QuestionDecider::decide(&state, answer("75056", 1_000 + 15 * DAY_US)).expect("valid");
        assert!(matches!(on_time.as_slice(), [Event::Answered(e)] if e.official && e.on_time));
        let late = QuestionDecider::decide(&state, answer("75056", 1_001 + 15 * DAY_US)).expect("valid");
        assert!(matches!(late.as_slice(), [Event::Answered(e)] if !e.on_time));
        let answered = on_time.iter().fold(state, QuestionDecider::evolve);
        assert_eq!(
            QuestionDecider::decide(&answered, answer("75056", 2_000)),
            Err(DomainError::AlreadyDone("this question is already answered"))
        );
    }

    #[test]
    fn another_communes_question_is_not_found() {
        assert!(matches!(
            QuestionDecider::decide(&given(vec![ask()]), answer("69123", 2_000)),
            Err(DomainError::NotFound(_))
        ));
        assert!(matches!(
            QuestionDecider::decide(&Question::default(), answer("75056", 2_000)),
            Err(DomainError::NotFound(_))
        ));
    }

    #[test]
    fn a_question_is_redirected_to_a_report_of_its_commune() {
        let redirect = |report: &str| Command::Redirect {
            commune: "75056".into(),
            question_id: "q1".into(),
            agent: "agent-1".into(),
            report: report.into(),
            message: "C'est un signalement : nous le suivons là.".into(),
            at_us: 2_000,
        };
        let state = given(vec![ask()]);
        assert!(matches!(
            QuestionDecider::decide(&state, redirect("communes/69123/reports/r1")),
            Err(DomainError::Invalid { field: "report", .. })
        ));
        let events = QuestionDecider::decide(&state, redirect("communes/75056/reports/r1")).expect("valid");
        let state = events.iter().fold(state, QuestionDecider::evolve);
        assert_eq!(state.0.as_ref().map(|s| s.status), Some(Status::Redirected));
        assert_eq!(
            QuestionDecider::decide(&state, answer("75056", 3_000)),
            Err(DomainError::WrongState("this question was redirected to a report"))
        );
    }
}
