//! From dialogue's log: one row per question to the commune and per citizen
//! proposal — when asked, the deadline, the first official answer and whether
//! it came on time; when a proposal reached its threshold. Comments, supports
//! and moderation are not figures; no text and no author is kept.
//!
//! Like reports', a batch is folded in memory ([`evolve_question`],
//! [`evolve_proposal`], pure) over the rows it touches, read and written back
//! in a few statements.

use std::collections::{BTreeMap, BTreeSet};

use miroir_eventstore::RecordedEvent;
use miroir_eventstore::consumer::HandlerError;
use miroir_eventstore::projection::Projection;
use miroir_proto::dialogue::v1 as pb;
use sqlx::{AnyConnection, AssertSqlSafe, Row as _};

use super::feed::{self, FeedRow};
use super::{departement_of, or_event_time};

pub const NAME: &str = "transparency-dialogue";
pub const QUESTIONS: &str = "tr_questions";
pub const PROPOSALS: &str = "tr_proposals";
pub const FEED: &str = "tr_dialogue_feed";

pub struct DialogueProjection;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub question_id: String,
    pub commune: String,
    pub asked_us: i64,
    pub due_us: i64,
    pub answered_us: Option<i64>,
    pub on_time: bool,
    pub redirected_us: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub proposal_id: String,
    pub commune: String,
    pub submitted_us: i64,
    pub reached_us: Option<i64>,
    pub due_us: Option<i64>,
    pub answered_us: Option<i64>,
    pub on_time: bool,
}

/// What a dialogue event says, for this projection; every one is public.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    Asked {
        due_us: i64,
    },
    /// An official answer (a resident's reply is not an answer).
    Answered {
        on_time: bool,
    },
    Redirected {
        report: String,
    },
    Submitted {
        threshold: u32,
    },
    Reached {
        supports: u32,
        due_us: i64,
    },
    ProposalAnswered {
        was_obliged: bool,
        on_time: bool,
    },
}

/// The question or proposal an event is about, when it happened and what it says.
pub fn decode(event: &RecordedEvent) -> Result<Option<(String, i64, Fact)>, prost::DecodeError> {
    Ok(Some(if let Some(e) = event.decode::<pb::QuestionAsked>() {
        let e = e?;
        (e.question_id, or_event_time(e.asked_at_us, event), Fact::Asked { due_us: e.answer_due_at_us })
    } else if let Some(e) = event.decode::<pb::AnswerPublished>() {
        let e = e?;
        if !e.official {
            return Ok(None);
        }
        (e.question_id, or_event_time(e.answered_at_us, event), Fact::Answered { on_time: e.on_time })
    } else if let Some(e) = event.decode::<pb::QuestionRedirected>() {
        let e = e?;
        (e.question_id, or_event_time(e.redirected_at_us, event), Fact::Redirected { report: e.report })
    } else if let Some(e) = event.decode::<pb::ProposalSubmitted>() {
        let e = e?;
        (e.proposal_id, or_event_time(e.submitted_at_us, event), Fact::Submitted { threshold: e.support_threshold })
    } else if let Some(e) = event.decode::<pb::ProposalThresholdReached>() {
        let e = e?;
        let fact = Fact::Reached { supports: e.supports, due_us: e.answer_due_at_us };
        (e.proposal_id, or_event_time(e.reached_at_us, event), fact)
    } else if let Some(e) = event.decode::<pb::ProposalAnswered>() {
        let e = e?;
        let fact = Fact::ProposalAnswered { was_obliged: e.was_obliged, on_time: e.on_time };
        (e.proposal_id, or_event_time(e.answered_at_us, event), fact)
    } else {
        return Ok(None);
    }))
}

impl Fact {
    fn about_a_question(&self) -> bool {
        matches!(self, Fact::Asked { .. } | Fact::Answered { .. } | Fact::Redirected { .. })
    }

    /// The public event: kind and fields.
    fn announced(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            Fact::Asked { due_us } => ("question.asked", vec![("answer_due_at", due_us.to_string())]),
            Fact::Answered { on_time } => ("question.answered", vec![("on_time", on_time.to_string())]),
            Fact::Redirected { report } => ("question.redirected", vec![("report", report.clone())]),
            Fact::Submitted { threshold } => ("proposal.submitted", vec![("support_threshold", threshold.to_string())]),
            Fact::Reached { supports, due_us } => (
                "proposal.threshold_reached",
                vec![("supports", supports.to_string()), ("answer_due_at", due_us.to_string())],
            ),
            Fact::ProposalAnswered { was_obliged, on_time } => {
                ("proposal.answered", vec![("was_obliged", was_obliged.to_string()), ("on_time", on_time.to_string())])
            }
        }
    }
}

/// What one event does to its question's row: the first official answer counts; a replayed question keeps its row.
pub fn evolve_question(row: Option<Question>, id: &str, fact: &Fact, commune: &str, at_us: i64) -> Option<Question> {
    match (fact, row) {
        (Fact::Asked { due_us }, None) => Some(Question {
            question_id: id.to_owned(),
            commune: commune.to_owned(),
            asked_us: at_us,
            due_us: *due_us,
            answered_us: None,
            on_time: false,
            redirected_us: None,
        }),
        (Fact::Answered { on_time }, Some(q)) if q.answered_us.is_none() => {
            Some(Question { answered_us: Some(at_us), on_time: *on_time, ..q })
        }
        (Fact::Redirected { .. }, Some(q)) => {
            Some(Question { redirected_us: Some(q.redirected_us.unwrap_or(at_us)), ..q })
        }
        (_, row) => row,
    }
}

/// What one event does to its proposal's row: the first reach and the first answer count.
pub fn evolve_proposal(row: Option<Proposal>, id: &str, fact: &Fact, commune: &str, at_us: i64) -> Option<Proposal> {
    match (fact, row) {
        (Fact::Submitted { .. }, None) => Some(Proposal {
            proposal_id: id.to_owned(),
            commune: commune.to_owned(),
            submitted_us: at_us,
            reached_us: None,
            due_us: None,
            answered_us: None,
            on_time: false,
        }),
        (Fact::Reached { due_us, .. }, Some(p)) => Some(Proposal {
            reached_us: Some(p.reached_us.unwrap_or(at_us)),
            due_us: Some(p.due_us.unwrap_or(*due_us)),
            ..p
        }),
        (Fact::ProposalAnswered { on_time, .. }, Some(p)) if p.answered_us.is_none() => {
            Some(Proposal { answered_us: Some(at_us), on_time: *on_time, ..p })
        }
        (_, row) => row,
    }
}

const CHUNK: usize = 200;

fn placeholders(start: usize, n: usize) -> String {
    let params: Vec<String> = (start + 1..=start + n).map(|k| format!("${k}")).collect();
    format!("({})", params.join(", "))
}

async fn load_questions(
    conn: &mut AnyConnection,
    s: &str,
    ids: &[&str],
) -> Result<BTreeMap<String, Question>, sqlx::Error> {
    let mut rows = BTreeMap::new();
    for chunk in ids.chunks(CHUNK * 4) {
        let sql = format!(
            "SELECT question_id, commune, asked_us, due_us, answered_us, on_time, redirected_us FROM {QUESTIONS}{s} \
             WHERE question_id IN {}",
            placeholders(0, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for r in query.fetch_all(&mut *conn).await? {
            let q = Question {
                question_id: r.try_get(0)?,
                commune: r.try_get(1)?,
                asked_us: r.try_get(2)?,
                due_us: r.try_get(3)?,
                answered_us: r.try_get(4)?,
                on_time: r.try_get::<i64, _>(5)? != 0,
                redirected_us: r.try_get(6)?,
            };
            rows.insert(q.question_id.clone(), q);
        }
    }
    Ok(rows)
}

async fn load_proposals(
    conn: &mut AnyConnection,
    s: &str,
    ids: &[&str],
) -> Result<BTreeMap<String, Proposal>, sqlx::Error> {
    let mut rows = BTreeMap::new();
    for chunk in ids.chunks(CHUNK * 4) {
        let sql = format!(
            "SELECT proposal_id, commune, submitted_us, reached_us, due_us, answered_us, on_time FROM {PROPOSALS}{s} \
             WHERE proposal_id IN {}",
            placeholders(0, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for r in query.fetch_all(&mut *conn).await? {
            let p = Proposal {
                proposal_id: r.try_get(0)?,
                commune: r.try_get(1)?,
                submitted_us: r.try_get(2)?,
                reached_us: r.try_get(3)?,
                due_us: r.try_get(4)?,
                answered_us: r.try_get(5)?,
                on_time: r.try_get::<i64, _>(6)? != 0,
            };
            rows.insert(p.proposal_id.clone(), p);
        }
    }
    Ok(rows)
}

async fn store_questions(conn: &mut AnyConnection, s: &str, rows: &[&Question]) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(CHUNK) {
        let values: Vec<String> = (0..chunk.len()).map(|i| placeholders(i * 8, 8)).collect();
        let sql = format!(
            "INSERT INTO {QUESTIONS}{s} (question_id, commune, departement, asked_us, due_us, answered_us, on_time, \
             redirected_us) VALUES {} ON CONFLICT (question_id) DO UPDATE SET answered_us = excluded.answered_us, \
             on_time = excluded.on_time, redirected_us = excluded.redirected_us",
            values.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for q in chunk {
            query = query
                .bind(q.question_id.clone())
                .bind(q.commune.clone())
                .bind(departement_of(&q.commune))
                .bind(q.asked_us)
                .bind(q.due_us)
                .bind(q.answered_us)
                .bind(i64::from(q.on_time))
                .bind(q.redirected_us);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn store_proposals(conn: &mut AnyConnection, s: &str, rows: &[&Proposal]) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(CHUNK) {
        let values: Vec<String> = (0..chunk.len()).map(|i| placeholders(i * 8, 8)).collect();
        let sql = format!(
            "INSERT INTO {PROPOSALS}{s} (proposal_id, commune, departement, submitted_us, reached_us, due_us, \
             answered_us, on_time) VALUES {} ON CONFLICT (proposal_id) DO UPDATE SET reached_us = excluded.reached_us, \
             due_us = excluded.due_us, answered_us = excluded.answered_us, on_time = excluded.on_time",
            values.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for p in chunk {
            query = query
                .bind(p.proposal_id.clone())
                .bind(p.commune.clone())
                .bind(departement_of(&p.commune))
                .bind(p.submitted_us)
                .bind(p.reached_us)
                .bind(p.due_us)
                .bind(p.answered_us)
                .bind(i64::from(p.on_time));
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

impl Projection for DialogueProjection {
    fn name(&self) -> &str {
        NAME
    }

    fn create_tables(&self, s: &str) -> Vec<String> {
        let mut ddl = vec![
            format!(
                "CREATE TABLE IF NOT EXISTS {QUESTIONS}{s} (question_id TEXT PRIMARY KEY, commune TEXT NOT NULL, \
                 departement TEXT NOT NULL, asked_us BIGINT NOT NULL, due_us BIGINT NOT NULL, answered_us BIGINT, \
                 on_time BIGINT NOT NULL, redirected_us BIGINT)"
            ),
            format!("CREATE INDEX IF NOT EXISTS {QUESTIONS}{s}_commune ON {QUESTIONS}{s} (commune)"),
            format!("CREATE INDEX IF NOT EXISTS {QUESTIONS}{s}_departement ON {QUESTIONS}{s} (departement)"),
            format!(
                "CREATE TABLE IF NOT EXISTS {PROPOSALS}{s} (proposal_id TEXT PRIMARY KEY, commune TEXT NOT NULL, \
                 departement TEXT NOT NULL, submitted_us BIGINT NOT NULL, reached_us BIGINT, due_us BIGINT, \
                 answered_us BIGINT, on_time BIGINT NOT NULL)"
            ),
            format!("CREATE INDEX IF NOT EXISTS {PROPOSALS}{s}_commune ON {PROPOSALS}{s} (commune)"),
            format!("CREATE INDEX IF NOT EXISTS {PROPOSALS}{s}_departement ON {PROPOSALS}{s} (departement)"),
        ];
        ddl.extend(feed::create(FEED, s));
        ddl
    }

    fn drop_tables(&self, s: &str) -> Vec<String> {
        vec![
            format!("DROP TABLE IF EXISTS {QUESTIONS}{s}"),
            format!("DROP TABLE IF EXISTS {PROPOSALS}{s}"),
            feed::drop(FEED, s),
        ]
    }

    async fn apply<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
        s: &'c str,
        event: &'c RecordedEvent,
    ) -> Result<(), HandlerError> {
        self.apply_batch(conn, s, std::slice::from_ref(event)).await.map_err(|(_, e)| e)
    }

    async fn apply_batch<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
        s: &'c str,
        events: &'c [RecordedEvent],
    ) -> Result<(), (Option<u64>, HandlerError)> {
        let mut facts = Vec::with_capacity(events.len());
        for event in events {
            match decode(event) {
                Ok(Some((id, at_us, fact))) => facts.push((event, id, at_us, fact)),
                Ok(None) => {}
                Err(e) => return Err((Some(event.position), e.into())),
            }
        }
        let (question_ids, proposal_ids): (BTreeSet<&str>, BTreeSet<&str>) = {
            let (q, p): (Vec<_>, Vec<_>) = facts.iter().partition(|(_, _, _, fact)| fact.about_a_question());
            (q.iter().map(|(_, id, _, _)| id.as_str()).collect(), p.iter().map(|(_, id, _, _)| id.as_str()).collect())
        };
        let db_error = |e: sqlx::Error| (None, HandlerError::from(e));
        let mut questions =
            load_questions(conn, s, &question_ids.into_iter().collect::<Vec<_>>()).await.map_err(db_error)?;
        let mut proposals =
            load_proposals(conn, s, &proposal_ids.into_iter().collect::<Vec<_>>()).await.map_err(db_error)?;
        let (mut changed_questions, mut changed_proposals) = (BTreeSet::new(), BTreeSet::new());
        let mut public = Vec::new();
        for (event, id, at_us, fact) in &facts {
            let commune = event.commune.as_str();
            let subject = if fact.about_a_question() {
                let before = questions.get(id).cloned();
                let after = evolve_question(before.clone(), id, fact, commune, *at_us);
                if after != before
                    && let Some(after) = after
                {
                    questions.insert(id.clone(), after);
                    changed_questions.insert(id.as_str());
                }
                format!("communes/{commune}/questions/{id}")
            } else {
                let before = proposals.get(id).cloned();
                let after = evolve_proposal(before.clone(), id, fact, commune, *at_us);
                if after != before
                    && let Some(after) = after
                {
                    proposals.insert(id.clone(), after);
                    changed_proposals.insert(id.as_str());
                }
                format!("communes/{commune}/proposals/{id}")
            };
            let (kind, fields) = fact.announced();
            public.push(FeedRow {
                position: event.position,
                commune: commune.into(),
                at_us: *at_us,
                kind,
                subject,
                fields,
            });
        }
        let changed: Vec<&Question> = changed_questions.iter().filter_map(|id| questions.get(*id)).collect();
        store_questions(conn, s, &changed).await.map_err(db_error)?;
        let changed: Vec<&Proposal> = changed_proposals.iter().filter_map(|id| proposals.get(*id)).collect();
        store_proposals(conn, s, &changed).await.map_err(db_error)?;
        feed::record_many(conn, FEED, s, &public).await.map_err(db_error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_official_answer_counts() {
        let q = evolve_question(None, "q1", &Fact::Asked { due_us: 100 }, "75056", 10);
        let q = evolve_question(q, "q1", &Fact::Answered { on_time: true }, "75056", 50);
        let q = evolve_question(q, "q1", &Fact::Answered { on_time: false }, "75056", 200);
        assert_eq!(q.map(|q| (q.answered_us, q.on_time)), Some((Some(50), true)));
        assert_eq!(evolve_question(None, "q2", &Fact::Answered { on_time: true }, "75056", 5), None);
    }

    #[test]
    fn a_proposal_reaches_its_threshold_once() {
        let p = evolve_proposal(None, "p1", &Fact::Submitted { threshold: 3 }, "75056", 10);
        let p = evolve_proposal(p, "p1", &Fact::Reached { supports: 3, due_us: 500 }, "75056", 20);
        let p = evolve_proposal(p, "p1", &Fact::Reached { supports: 4, due_us: 900 }, "75056", 30);
        let p = evolve_proposal(p, "p1", &Fact::ProposalAnswered { was_obliged: true, on_time: true }, "75056", 40);
        assert_eq!(
            p.map(|p| (p.reached_us, p.due_us, p.answered_us, p.on_time)),
            Some((Some(20), Some(500), Some(40), true))
        );
    }
}
