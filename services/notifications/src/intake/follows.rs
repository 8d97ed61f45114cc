//! Implicit follows: the author of a report, question, proposal or
//! publication, its supporters, the commenters of a thread follow it without
//! asking. Written with `ON CONFLICT DO NOTHING` on (account, subject), so an
//! account's explicit choice (its `Followed`/`Unfollowed`, projected into the
//! same table) always wins, even when it came first.

use sqlx::{AnyConnection, Row};

/// Whether `id` names a person's account (not nobody, not city IT's client).
pub fn is_account(id: &str) -> bool {
    !id.is_empty() && !id.starts_with("client:")
}

pub async fn follow_implicitly(
    conn: &mut AnyConnection,
    account_id: &str,
    subject: &str,
    commune: &str,
    at_us: i64,
) -> Result<(), sqlx::Error> {
    if !is_account(account_id) {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO follows (account_id, subject, commune, origin, following, since_us) \
         VALUES ($1, $2, $3, 'implicit', 1, $4) ON CONFLICT (account_id, subject) DO NOTHING",
    )
    .bind(account_id)
    .bind(subject)
    .bind(commune)
    .bind(at_us)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether `account_id` chose not to follow `subject` (a row that says so).
pub async fn unfollowed(conn: &mut AnyConnection, account_id: &str, subject: &str) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT following FROM follows WHERE account_id = $1 AND subject = $2")
        .bind(account_id)
        .bind(subject)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| r.try_get::<i64, _>(0)).transpose()? == Some(0))
}

/// Who follows `subject` now.
pub async fn followers(conn: &mut AnyConnection, subject: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query("SELECT account_id FROM follows WHERE subject = $1 AND following = 1 ORDER BY account_id")
        .bind(subject)
        .fetch_all(conn)
        .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

/// The followers of `from` follow `to` too (implicitly), unless they chose
/// otherwise about `to`: a question redirected to a report, a duplicate
/// merged into the report kept.
pub async fn copy_followers(
    conn: &mut AnyConnection,
    from: &str,
    to: &str,
    commune: &str,
    at_us: i64,
) -> Result<(), sqlx::Error> {
    for account_id in followers(conn, from).await? {
        follow_implicitly(conn, &account_id, to, commune, at_us).await?;
    }
    Ok(())
}
