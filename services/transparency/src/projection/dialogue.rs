//! From dialogue's log: one row per question to the commune and per citizen
//! proposal — when asked, the deadline, the first official answer and whether
//! it came on time; when a proposal reached its threshold. Comments and
//! moderation are not figures; no text and no author is kept.

use miroir_eventstore::RecordedEvent;
use miroir_eventstore::consumer::HandlerError;
use miroir_eventstore::projection::Projection;
use miroir_proto::dialogue::v1 as pb;
use sqlx::{AnyConnection, AssertSqlSafe};

use super::feed::{self, PublicEvent};
use super::{departement_of, or_event_time};

pub const NAME: &str = "transparency-dialogue";
pub const QUESTIONS: &str = "tr_questions";
pub const PROPOSALS: &str = "tr_proposals";
pub const FEED: &str = "tr_dialogue_feed";

pub struct DialogueProjection;

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
        let commune = event.commune.as_str();
        let (kind, subject, at_us, fields): (&str, String, i64, Vec<(&str, String)>) = if let Some(e) =
            event.decode::<pb::QuestionAsked>()
        {
            let e = e?;
            let at = or_event_time(e.asked_at_us, event);
            let sql = format!(
                "INSERT INTO {QUESTIONS}{s} (question_id, commune, departement, asked_us, due_us, on_time) \
                     VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (question_id) DO NOTHING"
            );
            sqlx::query(AssertSqlSafe(sql))
                .bind(&e.question_id)
                .bind(commune)
                .bind(departement_of(commune))
                .bind(at)
                .bind(e.answer_due_at_us)
                .execute(&mut *conn)
                .await?;
            let fields = vec![("answer_due_at", e.answer_due_at_us.to_string())];
            ("question.asked", question(commune, &e.question_id), at, fields)
        } else if let Some(e) = event.decode::<pb::AnswerPublished>() {
            let e = e?;
            let at = or_event_time(e.answered_at_us, event);
            if !e.official {
                return Ok(());
            }
            // The first official answer is the one that counts.
            let sql = format!(
                "UPDATE {QUESTIONS}{s} SET answered_us = $1, on_time = $2 \
                     WHERE question_id = $3 AND answered_us IS NULL"
            );
            sqlx::query(AssertSqlSafe(sql))
                .bind(at)
                .bind(i64::from(e.on_time))
                .bind(&e.question_id)
                .execute(&mut *conn)
                .await?;
            ("question.answered", question(commune, &e.question_id), at, vec![("on_time", e.on_time.to_string())])
        } else if let Some(e) = event.decode::<pb::QuestionRedirected>() {
            let e = e?;
            let at = or_event_time(e.redirected_at_us, event);
            let sql =
                format!("UPDATE {QUESTIONS}{s} SET redirected_us = COALESCE(redirected_us, $1) WHERE question_id = $2");
            sqlx::query(AssertSqlSafe(sql)).bind(at).bind(&e.question_id).execute(&mut *conn).await?;
            ("question.redirected", question(commune, &e.question_id), at, vec![("report", e.report.clone())])
        } else if let Some(e) = event.decode::<pb::ProposalSubmitted>() {
            let e = e?;
            let at = or_event_time(e.submitted_at_us, event);
            let sql = format!(
                "INSERT INTO {PROPOSALS}{s} (proposal_id, commune, departement, submitted_us, on_time) \
                     VALUES ($1, $2, $3, $4, 0) ON CONFLICT (proposal_id) DO NOTHING"
            );
            sqlx::query(AssertSqlSafe(sql))
                .bind(&e.proposal_id)
                .bind(commune)
                .bind(departement_of(commune))
                .bind(at)
                .execute(&mut *conn)
                .await?;
            let fields = vec![("support_threshold", e.support_threshold.to_string())];
            ("proposal.submitted", proposal(commune, &e.proposal_id), at, fields)
        } else if let Some(e) = event.decode::<pb::ProposalThresholdReached>() {
            let e = e?;
            let at = or_event_time(e.reached_at_us, event);
            let sql = format!(
                "UPDATE {PROPOSALS}{s} SET reached_us = COALESCE(reached_us, $1), due_us = COALESCE(due_us, $2) \
                     WHERE proposal_id = $3"
            );
            sqlx::query(AssertSqlSafe(sql))
                .bind(at)
                .bind(e.answer_due_at_us)
                .bind(&e.proposal_id)
                .execute(&mut *conn)
                .await?;
            let fields = vec![("supports", e.supports.to_string()), ("answer_due_at", e.answer_due_at_us.to_string())];
            ("proposal.threshold_reached", proposal(commune, &e.proposal_id), at, fields)
        } else if let Some(e) = event.decode::<pb::ProposalAnswered>() {
            let e = e?;
            let at = or_event_time(e.answered_at_us, event);
            let sql = format!(
                "UPDATE {PROPOSALS}{s} SET answered_us = $1, on_time = $2 \
                     WHERE proposal_id = $3 AND answered_us IS NULL"
            );
            sqlx::query(AssertSqlSafe(sql))
                .bind(at)
                .bind(i64::from(e.on_time))
                .bind(&e.proposal_id)
                .execute(&mut *conn)
                .await?;
            let fields = vec![("was_obliged", e.was_obliged.to_string()), ("on_time", e.on_time.to_string())];
            ("proposal.answered", proposal(commune, &e.proposal_id), at, fields)
        } else {
            return Ok(());
        };
        feed::record(conn, FEED, s, event.position, PublicEvent { commune, at_us, kind, subject, fields }).await?;
        Ok(())
    }
}

fn question(commune: &str, id: &str) -> String {
    format!("communes/{commune}/questions/{id}")
}

fn proposal(commune: &str, id: &str) -> String {
    format!("communes/{commune}/proposals/{id}")
}
