//! How each event of the dialogue log changes the read model, and the one-off
//! filling of the search text of rows projected before it existed.

use miroir_eventstore::{InlineProjection, RecordedEvent};
use miroir_platform::search::normalise;
use miroir_platform::storage::Database;
use miroir_proto::dialogue::v1 as pb;
use sqlx::{AnyConnection, Row};

use super::position;
use crate::domain::{proposal, question};

pub struct DialogueView;

fn decode_error(e: prost::DecodeError) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

impl InlineProjection for DialogueView {
    async fn apply<'c>(&'c self, conn: &'c mut AnyConnection, event: &'c RecordedEvent) -> Result<(), sqlx::Error> {
        let id = event.aggregate_id.as_str();
        if let Some(e) = event.decode::<pb::QuestionAsked>() {
            let e = e.map_err(decode_error)?;
            sqlx::query(
                "INSERT INTO questions_view (question_id, commune, author, title, body, status, asked_at_us, \
                 commitment_days, answer_due_at_us, position, search_text) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(&e.question_id)
            .bind(&e.commune)
            .bind(&e.author)
            .bind(&e.title)
            .bind(&e.body)
            .bind(question::Status::Open.as_str())
            .bind(e.asked_at_us)
            .bind(i64::from(e.commitment_days))
            .bind(e.answer_due_at_us)
            .bind(position(event))
            .bind(search_text(&e.title, &e.body))
            .execute(conn)
            .await?;
        } else if let Some(e) = event.decode::<pb::AnswerPublished>() {
            let e = e.map_err(decode_error)?;
            sqlx::query(
                "UPDATE questions_view SET status = $1, answer = $2, answerer = $3, official = $4, \
                 answered_at_us = $5, answered_on_time = $6 WHERE question_id = $7",
            )
            .bind(question::Status::Answered.as_str())
            .bind(&e.body)
            .bind(&e.answerer)
            .bind(i64::from(e.official))
            .bind(e.answered_at_us)
            .bind(i64::from(e.on_time))
            .bind(id)
            .execute(conn)
            .await?;
        } else if let Some(e) = event.decode::<pb::QuestionRedirected>() {
            let e = e.map_err(decode_error)?;
            sqlx::query(
                "UPDATE questions_view SET status = $1, redirected_to_report = $2, redirect_message = $3 \
                 WHERE question_id = $4",
            )
            .bind(question::Status::Redirected.as_str())
            .bind(&e.report)
            .bind(&e.message)
            .bind(id)
            .execute(conn)
            .await?;
        } else if let Some(e) = event.decode::<pb::ProposalSubmitted>() {
            let e = e.map_err(decode_error)?;
            sqlx::query(
                "INSERT INTO proposals_view (proposal_id, commune, author, title, body, status, submitted_at_us, \
                 support_threshold, position, search_text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&e.proposal_id)
            .bind(&e.commune)
            .bind(&e.author)
            .bind(&e.title)
            .bind(&e.body)
            .bind(proposal::Status::Open.as_str())
            .bind(e.submitted_at_us)
            .bind(i64::from(e.support_threshold))
            .bind(position(event))
            .bind(search_text(&e.title, &e.body))
            .execute(conn)
            .await?;
        } else if let Some(e) = event.decode::<pb::ProposalSupported>() {
            let e = e.map_err(decode_error)?;
            sqlx::query("INSERT INTO proposal_supports (proposal_id, account) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(&e.supporter)
                .execute(&mut *conn)
                .await?;
            sqlx::query("UPDATE proposals_view SET supports = $1 WHERE proposal_id = $2")
                .bind(i64::from(e.supports))
                .bind(id)
                .execute(conn)
                .await?;
        } else if let Some(e) = event.decode::<pb::ProposalThresholdReached>() {
            let e = e.map_err(decode_error)?;
            sqlx::query(
                "UPDATE proposals_view SET status = $1, threshold_reached_at_us = $2, answer_due_at_us = $3 \
                 WHERE proposal_id = $4",
            )
            .bind(proposal::Status::AwaitingAnswer.as_str())
            .bind(e.reached_at_us)
            .bind(e.answer_due_at_us)
            .bind(id)
            .execute(conn)
            .await?;
        } else if let Some(e) = event.decode::<pb::ProposalAnswered>() {
            let e = e.map_err(decode_error)?;
            sqlx::query(
                "UPDATE proposals_view SET status = $1, answer = $2, answerer = $3, answered_at_us = $4, \
                 answered_on_time = $5 WHERE proposal_id = $6",
            )
            .bind(proposal::Status::Answered.as_str())
            .bind(&e.body)
            .bind(&e.answerer)
            .bind(e.answered_at_us)
            .bind(i64::from(e.on_time))
            .bind(id)
            .execute(conn)
            .await?;
        } else if let Some(e) = event.decode::<pb::SupportThresholdSet>() {
            let e = e.map_err(decode_error)?;
            sqlx::query(
                "INSERT INTO dialogue_settings (commune, support_threshold) VALUES ($1, $2) \
                 ON CONFLICT (commune) DO UPDATE SET support_threshold = excluded.support_threshold",
            )
            .bind(&e.commune)
            .bind(i64::from(e.threshold))
            .execute(conn)
            .await?;
        } else if let Some(e) = event.decode::<pb::CommentPosted>() {
            let e = e.map_err(decode_error)?;
            sqlx::query(
                "INSERT INTO comments_view (comment_id, commune, target, parent_comment_id, author, body, official, \
                 posted_at_us, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&e.comment_id)
            .bind(&e.commune)
            .bind(&e.subject)
            .bind(&e.parent_comment_id)
            .bind(&e.author)
            .bind(&e.body)
            .bind(i64::from(e.official))
            .bind(e.posted_at_us)
            .bind(position(event))
            .execute(conn)
            .await?;
        } else if let Some(e) = event.decode::<pb::ContentFlagged>() {
            let e = e.map_err(decode_error)?;
            sqlx::query(
                "INSERT INTO flagged_content (subject, commune, flags, last_flagged_at_us, position) \
                 VALUES ($1, $2, 1, $3, $4) ON CONFLICT (subject) DO UPDATE \
                 SET flags = flagged_content.flags + 1, last_flagged_at_us = excluded.last_flagged_at_us",
            )
            .bind(&e.subject)
            .bind(&event.commune)
            .bind(e.flagged_at_us)
            .bind(position(event))
            .execute(conn)
            .await?;
        } else if let Some(e) = event.decode::<pb::ContentHidden>() {
            let e = e.map_err(decode_error)?;
            set_hidden(conn, &e.subject, &e.public_reason).await?;
            log(conn, event, &e.subject, "hidden", &e.moderator, &e.public_reason, e.hidden_at_us).await?;
        } else if let Some(e) = event.decode::<pb::HidingAppealed>() {
            let e = e.map_err(decode_error)?;
            // The author's reason is theirs to give to the moderators; the log says an appeal was made.
            log(conn, event, &e.subject, "appealed", &e.author, "", e.appealed_at_us).await?;
        } else if let Some(e) = event.decode::<pb::ContentRestored>() {
            let e = e.map_err(decode_error)?;
            set_hidden(conn, &e.subject, "").await?;
            log(conn, event, &e.subject, "restored", &e.moderator, &e.public_reason, e.restored_at_us).await?;
        } else if let Some(e) = event.decode::<pb::AppealDismissed>() {
            let e = e.map_err(decode_error)?;
            log(conn, event, &e.subject, "appeal_dismissed", &e.moderator, &e.public_reason, e.dismissed_at_us).await?;
        }
        Ok(())
    }
}

/// What a text query is matched against: the title and body, normalised
/// (never empty: at least " ", so that '' marks a row not yet filled).
fn search_text(title: &str, body: &str) -> String {
    normalise(&format!("{title} {body}"))
}

/// Fills the search text of the questions and proposals that have none
/// (projected before `0005_search_text.sql`). Runs after the migrations, in
/// batches; idempotent, and safe while the service writes (titles and bodies
/// never change, and new rows come with their text).
pub async fn fill_search_text(db: &Database) -> Result<u64, sqlx::Error> {
    const BATCH: i64 = 500;
    let mut filled = 0;
    for (table, key) in [("questions_view", "question_id"), ("proposals_view", "proposal_id")] {
        let select = format!("SELECT {key}, title, body FROM {table} WHERE search_text = '' LIMIT $1");
        let update = format!("UPDATE {table} SET search_text = $1 WHERE {key} = $2 AND search_text = ''");
        loop {
            let rows = sqlx::query(sqlx::AssertSqlSafe(select.clone())).bind(BATCH).fetch_all(db.pool()).await?;
            if rows.is_empty() {
                break;
            }
            let mut tx = db.begin_write().await?;
            for row in &rows {
                let (id, title, body): (String, String, String) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
                filled += sqlx::query(sqlx::AssertSqlSafe(update.clone()))
                    .bind(search_text(&title, &body))
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
        }
    }
    Ok(filled)
}

/// The view row of a moderated subject (`communes/{insee}/{kind}/{id}`) shows `reason` ("" = shown).
async fn set_hidden(conn: &mut AnyConnection, subject: &str, reason: &str) -> Result<(), sqlx::Error> {
    let Some((kind, id)) = subject.rsplit_once('/').and_then(|(rest, id)| Some((rest.rsplit_once('/')?.1, id))) else {
        return Ok(());
    };
    sqlx::query("UPDATE flagged_content SET hidden = $1 WHERE subject = $2")
        .bind(i64::from(!reason.is_empty()))
        .bind(subject)
        .execute(&mut *conn)
        .await?;
    let sql = match kind {
        "questions" => "UPDATE questions_view SET hidden_reason = $1 WHERE question_id = $2",
        "proposals" => "UPDATE proposals_view SET hidden_reason = $1 WHERE proposal_id = $2",
        "comments" => "UPDATE comments_view SET hidden_reason = $1 WHERE comment_id = $2",
        _ => return Ok(()),
    };
    sqlx::query(sql).bind(reason).bind(id).execute(conn).await?;
    Ok(())
}

async fn log(
    conn: &mut AnyConnection,
    event: &RecordedEvent,
    subject: &str,
    action: &str,
    actor: &str,
    public_reason: &str,
    at_us: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO moderation_log (position, commune, subject, action, actor, public_reason, at_us) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(position(event))
    .bind(&event.commune)
    .bind(subject)
    .bind(action)
    .bind(actor)
    .bind(public_reason)
    .bind(at_us)
    .execute(conn)
    .await?;
    Ok(())
}
