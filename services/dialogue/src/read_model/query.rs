//! What the API reads from the read model. Lists page on the log position of
//! each row's first event (unique, in commit order), given back as an opaque
//! token; the tokens of filtered lists (questions, proposals) also carry a
//! fingerprint of their filters, so that a token continues only its own list.

use miroir_platform::search;
use miroir_platform::storage::Database;
use miroir_proto::dialogue::v1 as pb;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::domain::settings::DEFAULT_SUPPORT_THRESHOLD;
use crate::domain::{proposal, question};

/// Where the next page starts: the last position of this one.
pub fn encode_token(position: i64) -> String {
    format!("p{position}")
}

pub fn decode_token(token: &str) -> Option<i64> {
    token.strip_prefix('p')?.parse().ok().filter(|p: &i64| *p > 0)
}

/// The token of a filtered list: the position, and the fingerprint of the filters.
pub fn encode_filtered_token(position: i64, fingerprint: &str) -> String {
    format!("{}.{fingerprint}", encode_token(position))
}

pub fn decode_filtered_token(token: &str) -> Option<(i64, &str)> {
    let (position, fingerprint) = token.split_once('.')?;
    Some((decode_token(position)?, fingerprint))
}

/// The filters of a list of questions.
#[derive(Debug, Clone, Default)]
pub struct QuestionFilter {
    /// Only the open questions whose deadline is past at this time.
    pub overdue_at_us: Option<i64>,
    /// Words that must all start a word of the title or body ("" = any).
    pub query: String,
}

impl QuestionFilter {
    /// What page tokens carry (the overdue time is "now": only whether it is set counts).
    pub fn fingerprint(&self) -> String {
        search::fingerprint(&format!(
            "questions/{}/{}",
            self.overdue_at_us.is_some(),
            search::patterns(&self.query).join(" ")
        ))
    }
}

/// The filters of a list of proposals.
#[derive(Debug, Clone, Default)]
pub struct ProposalFilter {
    /// Only those whose threshold obliges an answer not yet given.
    pub awaiting_only: bool,
    /// Words that must all start a word of the title or body ("" = any).
    pub query: String,
}

impl ProposalFilter {
    pub fn fingerprint(&self) -> String {
        search::fingerprint(&format!("proposals/{}/{}", self.awaiting_only, search::patterns(&self.query).join(" ")))
    }
}

/// ` AND search_text LIKE $n` for each word of `query`, numbered after
/// `first_arg - 1`; hidden content never matches a query (its text is not shown).
fn text_conditions(query: &str, first_arg: usize, column_prefix: &str) -> (String, Vec<String>) {
    let patterns = search::patterns(query);
    if patterns.is_empty() {
        return (String::new(), patterns);
    }
    let mut sql = format!(" AND {column_prefix}hidden_reason = ''");
    for i in 0..patterns.len() {
        sql.push_str(&format!(" AND {column_prefix}search_text LIKE ${}", first_arg + i));
    }
    (sql, patterns)
}

fn u32_of(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

fn question(row: &AnyRow) -> Result<pb::Question, sqlx::Error> {
    let commune: String = row.try_get("commune")?;
    let id: String = row.try_get("question_id")?;
    let status = match question::Status::parse(&row.try_get::<String, _>("status")?) {
        Some(question::Status::Open) => pb::QuestionStatus::Open,
        Some(question::Status::Answered) => pb::QuestionStatus::Answered,
        Some(question::Status::Redirected) => pb::QuestionStatus::Redirected,
        None => pb::QuestionStatus::Unspecified,
    };
    let hidden_reason: String = row.try_get("hidden_reason")?;
    let shown = |column: &str| -> Result<String, sqlx::Error> {
        if hidden_reason.is_empty() { row.try_get(column) } else { Ok(String::new()) }
    };
    Ok(pb::Question {
        name: format!("communes/{commune}/questions/{id}"),
        author: row.try_get("author")?,
        title: shown("title")?,
        body: shown("body")?,
        status: status.into(),
        asked_at_us: row.try_get("asked_at_us")?,
        commitment_days: u32_of(row.try_get("commitment_days")?),
        answer_due_at_us: row.try_get("answer_due_at_us")?,
        answer: row.try_get("answer")?,
        answerer: row.try_get("answerer")?,
        official: row.try_get::<i64, _>("official")? != 0,
        answered_at_us: row.try_get("answered_at_us")?,
        answered_on_time: row.try_get::<i64, _>("answered_on_time")? != 0,
        redirected_to_report: row.try_get("redirected_to_report")?,
        redirect_message: row.try_get("redirect_message")?,
        hidden_reason: hidden_reason.clone(),
    })
}

pub async fn get_question(db: &Database, commune: &str, id: &str) -> Result<Option<pb::Question>, sqlx::Error> {
    let row = sqlx::query("SELECT * FROM questions_view WHERE commune = $1 AND question_id = $2")
        .bind(commune)
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(question).transpose()
}

/// A page of rows and the token of the next one, if any.
fn page<T>(rows: &[AnyRow], limit: u32, map: impl Fn(&AnyRow) -> Result<T, sqlx::Error>) -> PageResult<T> {
    page_with(rows, limit, map, encode_token)
}

/// [`page`], with the next page's token made by `token` from its position.
fn page_with<T>(
    rows: &[AnyRow],
    limit: u32,
    map: impl Fn(&AnyRow) -> Result<T, sqlx::Error>,
    token: impl Fn(i64) -> String,
) -> PageResult<T> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let items = rows.iter().take(limit).map(map).collect::<Result<Vec<_>, _>>()?;
    let next = if rows.len() > limit {
        let last = rows.get(limit.saturating_sub(1)).map(|r| r.try_get::<i64, _>("position")).transpose()?;
        last.map(token)
    } else {
        None
    };
    Ok((items, next))
}

pub type PageResult<T> = Result<(Vec<T>, Option<String>), sqlx::Error>;

/// A commune's questions that pass `filter`, newest first, after the
/// position of `before` if given.
pub async fn list_questions(
    db: &Database,
    commune: &str,
    filter: &QuestionFilter,
    limit: u32,
    before: Option<i64>,
) -> PageResult<pb::Question> {
    let (text, patterns) = text_conditions(&filter.query, 7, "");
    let sql = format!(
        "SELECT * FROM questions_view WHERE commune = $1 AND position < $2 \
         AND ($3 = 0 OR (status = $4 AND answer_due_at_us < $5)){text} ORDER BY position DESC LIMIT $6"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(commune)
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(filter.overdue_at_us.is_some()))
        .bind(question::Status::Open.as_str())
        .bind(filter.overdue_at_us.unwrap_or(0))
        .bind(i64::from(limit) + 1);
    for pattern in patterns {
        query = query.bind(pattern);
    }
    let rows = query.fetch_all(db.pool()).await?;
    let fingerprint = filter.fingerprint();
    page_with(&rows, limit, question, |position| encode_filtered_token(position, &fingerprint))
}

const PROPOSAL_COLUMNS: &str = "p.*, (SELECT COUNT(*) FROM proposal_supports s \
     WHERE s.proposal_id = p.proposal_id AND s.account = $1) AS mine";

fn proposal(row: &AnyRow) -> Result<pb::Proposal, sqlx::Error> {
    let commune: String = row.try_get("commune")?;
    let id: String = row.try_get("proposal_id")?;
    let status = match proposal::Status::parse(&row.try_get::<String, _>("status")?) {
        Some(proposal::Status::Open) => pb::ProposalStatus::Open,
        Some(proposal::Status::AwaitingAnswer) => pb::ProposalStatus::AwaitingAnswer,
        Some(proposal::Status::Answered) => pb::ProposalStatus::Answered,
        None => pb::ProposalStatus::Unspecified,
    };
    let hidden_reason: String = row.try_get("hidden_reason")?;
    let shown = |column: &str| -> Result<String, sqlx::Error> {
        if hidden_reason.is_empty() { row.try_get(column) } else { Ok(String::new()) }
    };
    Ok(pb::Proposal {
        name: format!("communes/{commune}/proposals/{id}"),
        author: row.try_get("author")?,
        title: shown("title")?,
        body: shown("body")?,
        status: status.into(),
        submitted_at_us: row.try_get("submitted_at_us")?,
        support_threshold: u32_of(row.try_get("support_threshold")?),
        supports: u32_of(row.try_get("supports")?),
        threshold_reached_at_us: row.try_get("threshold_reached_at_us")?,
        answer_due_at_us: row.try_get("answer_due_at_us")?,
        answer: row.try_get("answer")?,
        answerer: row.try_get("answerer")?,
        answered_at_us: row.try_get("answered_at_us")?,
        answered_on_time: row.try_get::<i64, _>("answered_on_time")? != 0,
        supported_by_me: row.try_get::<i64, _>("mine")? != 0,
        hidden_reason: hidden_reason.clone(),
    })
}

/// One proposal as `viewer` (an account id, or "" when anonymous) sees it.
pub async fn get_proposal(
    db: &Database,
    commune: &str,
    id: &str,
    viewer: &str,
) -> Result<Option<pb::Proposal>, sqlx::Error> {
    let sql = format!("SELECT {PROPOSAL_COLUMNS} FROM proposals_view p WHERE p.commune = $2 AND p.proposal_id = $3");
    let row =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(viewer).bind(commune).bind(id).fetch_optional(db.pool()).await?;
    row.as_ref().map(proposal).transpose()
}

/// A commune's proposals that pass `filter`, newest first, as `viewer` sees
/// them, after the position of `before` if given.
pub async fn list_proposals(
    db: &Database,
    commune: &str,
    filter: &ProposalFilter,
    viewer: &str,
    limit: u32,
    before: Option<i64>,
) -> PageResult<pb::Proposal> {
    let (text, patterns) = text_conditions(&filter.query, 6, "p.");
    let sql = format!(
        "SELECT {PROPOSAL_COLUMNS} FROM proposals_view p WHERE p.commune = $2 AND p.position < $3 \
         AND ($4 = 0 OR p.status = '{}'){text} ORDER BY p.position DESC LIMIT $5",
        proposal::Status::AwaitingAnswer.as_str()
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(viewer)
        .bind(commune)
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(filter.awaiting_only))
        .bind(i64::from(limit) + 1);
    for pattern in patterns {
        query = query.bind(pattern);
    }
    let rows = query.fetch_all(db.pool()).await?;
    let fingerprint = filter.fingerprint();
    page_with(&rows, limit, proposal, |position| encode_filtered_token(position, &fingerprint))
}

/// The support threshold new proposals of `commune` get.
pub async fn support_threshold(db: &Database, commune: &str) -> Result<u32, sqlx::Error> {
    let row = sqlx::query("SELECT support_threshold FROM dialogue_settings WHERE commune = $1")
        .bind(commune)
        .fetch_optional(db.pool())
        .await?;
    match row {
        Some(row) => Ok(u32_of(row.try_get("support_threshold")?)),
        None => Ok(DEFAULT_SUPPORT_THRESHOLD),
    }
}

fn comment(row: &AnyRow) -> Result<pb::Comment, sqlx::Error> {
    let commune: String = row.try_get("commune")?;
    let id: String = row.try_get("comment_id")?;
    let parent: String = row.try_get("parent_comment_id")?;
    let hidden_reason: String = row.try_get("hidden_reason")?;
    Ok(pb::Comment {
        name: format!("communes/{commune}/comments/{id}"),
        target: row.try_get("target")?,
        parent_comment: if parent.is_empty() { parent } else { format!("communes/{commune}/comments/{parent}") },
        author: row.try_get("author")?,
        body: if hidden_reason.is_empty() { row.try_get("body")? } else { String::new() },
        official: row.try_get::<i64, _>("official")? != 0,
        posted_at_us: row.try_get("posted_at_us")?,
        hidden_reason,
    })
}

/// One comment and whether it is a reply.
pub async fn get_comment(db: &Database, commune: &str, id: &str) -> Result<Option<(pb::Comment, bool)>, sqlx::Error> {
    let row = sqlx::query("SELECT * FROM comments_view WHERE commune = $1 AND comment_id = $2")
        .bind(commune)
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(|row| Ok((comment(row)?, !row.try_get::<String, _>("parent_comment_id")?.is_empty()))).transpose()
}

/// The comments on `target`, oldest first (replies follow in posting order).
pub async fn list_comments(
    db: &Database,
    commune: &str,
    target: &str,
    limit: u32,
    after: Option<i64>,
) -> PageResult<pb::Comment> {
    let rows = sqlx::query(
        "SELECT * FROM comments_view WHERE commune = $1 AND target = $2 AND position > $3 \
         ORDER BY position LIMIT $4",
    )
    .bind(commune)
    .bind(target)
    .bind(after.unwrap_or(0))
    .bind(i64::from(limit) + 1)
    .fetch_all(db.pool())
    .await?;
    page(&rows, limit, comment)
}

/// What moderation needs of a subject: its author and whether it belongs to
/// the official space (an official's comment), or `None` if it is not there.
pub async fn subject(
    db: &Database,
    commune: &str,
    kind: &str,
    id: &str,
) -> Result<Option<(String, bool)>, sqlx::Error> {
    let sql = match kind {
        "questions" => "SELECT author, 0 AS official FROM questions_view WHERE commune = $1 AND question_id = $2",
        "proposals" => "SELECT author, 0 AS official FROM proposals_view WHERE commune = $1 AND proposal_id = $2",
        "comments" => "SELECT author, official FROM comments_view WHERE commune = $1 AND comment_id = $2",
        _ => return Ok(None),
    };
    let row = sqlx::query(sql).bind(commune).bind(id).fetch_optional(db.pool()).await?;
    row.map(|row| Ok((row.try_get("author")?, row.try_get::<i64, _>("official")? != 0))).transpose()
}

/// What a moderated subject `m` (a row naming `communes/{insee}/{kind}/{id}`)
/// is, when it is a comment: official or not, and what it comments. The
/// comment is found by its primary key, cut from the subject (`communes/` and
/// `/comments/` are 19 characters around the INSEE code).
const COMMENT_JOIN: &str = "LEFT JOIN comments_view c ON c.comment_id = substr(m.subject, length(m.commune) + 20) \
     AND c.commune = m.commune AND m.subject = 'communes/' || m.commune || '/comments/' || c.comment_id";
const COMMENT_FACTS: &str = "COALESCE(c.official, 0) AS official, COALESCE(c.target, '') AS target";

/// The commune's public moderation log, newest first.
pub async fn moderation_log(
    db: &Database,
    commune: &str,
    limit: u32,
    before: Option<i64>,
) -> PageResult<pb::ModerationLogEntry> {
    let sql = format!(
        "SELECT m.*, {COMMENT_FACTS} FROM moderation_log m {COMMENT_JOIN} \
         WHERE m.commune = $1 AND m.position < $2 ORDER BY m.position DESC LIMIT $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(commune)
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit) + 1)
        .fetch_all(db.pool())
        .await?;
    page(&rows, limit, |row| {
        Ok(pb::ModerationLogEntry {
            subject: row.try_get("subject")?,
            action: row.try_get("action")?,
            actor: row.try_get("actor")?,
            public_reason: row.try_get("public_reason")?,
            at_us: row.try_get("at_us")?,
            official: row.try_get::<i64, _>("official")? != 0,
            target: row.try_get("target")?,
        })
    })
}

/// How many questions, proposals and comments `author` posted since `since_us`.
pub async fn posts_since(db: &Database, author: &str, since_us: i64) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM questions_view WHERE author = $1 AND asked_at_us > $2) \
         + (SELECT COUNT(*) FROM proposals_view WHERE author = $1 AND submitted_at_us > $2) \
         + (SELECT COUNT(*) FROM comments_view WHERE author = $1 AND posted_at_us > $2) AS n",
    )
    .bind(author)
    .bind(since_us)
    .fetch_one(db.pool())
    .await?;
    row.try_get("n")
}

/// The commune's flagged content, first flagged first, after the position of `after` if given.
pub async fn flagged(db: &Database, commune: &str, limit: u32, after: Option<i64>) -> PageResult<pb::FlaggedContent> {
    let sql = format!(
        "SELECT m.*, {COMMENT_FACTS} FROM flagged_content m {COMMENT_JOIN} \
         WHERE m.commune = $1 AND m.position > $2 ORDER BY m.position LIMIT $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(commune)
        .bind(after.unwrap_or(0))
        .bind(i64::from(limit) + 1)
        .fetch_all(db.pool())
        .await?;
    page(&rows, limit, |row| {
        Ok(pb::FlaggedContent {
            subject: row.try_get("subject")?,
            flags: u32_of(row.try_get("flags")?),
            last_flagged_at_us: row.try_get("last_flagged_at_us")?,
            hidden: row.try_get::<i64, _>("hidden")? != 0,
            official: row.try_get::<i64, _>("official")? != 0,
            target: row.try_get("target")?,
        })
    })
}
