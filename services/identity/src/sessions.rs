//! Security state that is not history: refresh-token families, single-use
//! links, and failed logins for rate limiting. Kept in tables, not events: it
//! churns, it is secret, and nobody needs its past replayed.

use std::time::Duration;

use miroir_platform::storage::Database;
use sqlx::Row;

use crate::crypto::{self, CryptoError};

/// Lifetime of a refresh token (a session stays open this long without use).
pub const REFRESH_TTL_US: i64 = 30 * 24 * 3600 * 1_000_000;

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

/// Starts a new family (a login) and returns its first refresh token.
pub async fn start_family(db: &Database, account_id: &str, now_us: i64) -> Result<String, SessionError> {
    let family = uuid::Uuid::new_v4().to_string();
    issue(db, &family, account_id, now_us).await
}

async fn issue(db: &Database, family: &str, account_id: &str, now_us: i64) -> Result<String, SessionError> {
    let token = crypto::random_token("mrt")?;
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, family_id, account_id, expires_at_us, used, revoked) \
         VALUES ($1, $2, $3, $4, 0, 0)",
    )
    .bind(crypto::sha256_hex(&token))
    .bind(family)
    .bind(account_id)
    .bind(now_us + REFRESH_TTL_US)
    .execute(db.pool())
    .await?;
    Ok(token)
}

#[derive(Debug, PartialEq, Eq)]
pub enum Rotation {
    /// The next token of the family, for this account.
    Rotated {
        account_id: String,
        token: String,
    },
    /// A used token was presented again: the family is revoked (stolen token?).
    Reused,
    Invalid,
}

/// Exchanges a refresh token for the next one of its family, once.
pub async fn rotate(db: &Database, token: &str, now_us: i64) -> Result<Rotation, SessionError> {
    let hash = crypto::sha256_hex(token);
    let mut tx = db.begin_write().await?;
    let claimed = sqlx::query(
        "UPDATE refresh_tokens SET used = 1 WHERE token_hash = $1 AND used = 0 AND revoked = 0 AND expires_at_us > $2",
    )
    .bind(&hash)
    .bind(now_us)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let row = sqlx::query("SELECT family_id, account_id, used FROM refresh_tokens WHERE token_hash = $1")
        .bind(&hash)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row else {
        tx.rollback().await?;
        return Ok(Rotation::Invalid);
    };
    let family: String = row.try_get(0)?;
    let account_id: String = row.try_get(1)?;
    if claimed == 0 {
        let used: i64 = row.try_get(2)?;
        if used == 1 {
            sqlx::query("UPDATE refresh_tokens SET revoked = 1 WHERE family_id = $1")
                .bind(&family)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            tracing::warn!(family, "refresh token reused: family revoked");
            return Ok(Rotation::Reused);
        }
        tx.rollback().await?;
        return Ok(Rotation::Invalid);
    }
    tx.commit().await?;
    let token = issue(db, &family, &account_id, now_us).await?;
    Ok(Rotation::Rotated { account_id, token })
}

/// Ends the session the token belongs to (its whole family).
pub async fn revoke_family_of(db: &Database, token: &str) -> Result<(), SessionError> {
    sqlx::query(
        "UPDATE refresh_tokens SET revoked = 1 WHERE family_id IN \
         (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)",
    )
    .bind(crypto::sha256_hex(token))
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn revoke_all(db: &Database, account_id: &str) -> Result<(), SessionError> {
    sqlx::query("UPDATE refresh_tokens SET revoked = 1 WHERE account_id = $1")
        .bind(account_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// What a single-use link is for.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
        }
    }

    fn lifetime_us(self) -> i64 {
        match self {
            Purpose::VerifyEmail => 7 * 24 * 3600 * 1_000_000,
            Purpose::ResetPassword => 3600 * 1_000_000,
        }
    }
}

pub async fn issue_link_token(
    db: &Database,
    account_id: &str,
    purpose: Purpose,
    now_us: i64,
) -> Result<String, SessionError> {
    let token = crypto::random_token("mlt")?;
    sqlx::query(
        "INSERT INTO one_time_tokens (token_hash, account_id, purpose, expires_at_us, used) VALUES ($1, $2, $3, $4, 0)",
    )
    .bind(crypto::sha256_hex(&token))
    .bind(account_id)
    .bind(purpose.as_str())
    .bind(now_us + purpose.lifetime_us())
    .execute(db.pool())
    .await?;
    Ok(token)
}

/// Uses a single-use token: the account it was for, the first time only.
pub async fn consume_link_token(
    db: &Database,
    token: &str,
    purpose: Purpose,
    now_us: i64,
) -> Result<Option<String>, SessionError> {
    let hash = crypto::sha256_hex(token);
    let mut tx = db.begin_write().await?;
    let claimed = sqlx::query(
        "UPDATE one_time_tokens SET used = 1 WHERE token_hash = $1 AND purpose = $2 AND used = 0 AND expires_at_us > $3",
    )
    .bind(&hash)
    .bind(purpose.as_str())
    .bind(now_us)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    let account: String = sqlx::query("SELECT account_id FROM one_time_tokens WHERE token_hash = $1")
        .bind(&hash)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    tx.commit().await?;
    Ok(Some(account))
}

/// Failed logins allowed per window: per e-mail (guessing one account's
/// password) and per address (trying many accounts).
pub const WINDOW_US: i64 = 15 * 60 * 1_000_000;
pub const MAX_PER_ACCOUNT: i64 = 5;
pub const MAX_PER_ADDRESS: i64 = 30;

/// The rate-limit keys of a login attempt. The e-mail is hashed: no personal data in this table.
pub fn limit_keys(email: &str, address: &str) -> Vec<(String, i64)> {
    let mut keys = vec![(format!("account:{}", crypto::sha256_hex(email)), MAX_PER_ACCOUNT)];
    if !address.is_empty() {
        keys.push((format!("address:{address}"), MAX_PER_ADDRESS));
    }
    keys
}

/// How long to wait before trying again, if any key is over its limit.
pub async fn blocked_for(db: &Database, keys: &[(String, i64)], now_us: i64) -> Result<Option<Duration>, SessionError> {
    for (key, max) in keys {
        let row = sqlx::query("SELECT COUNT(*), MIN(at_us) FROM login_failures WHERE limit_key = $1 AND at_us > $2")
            .bind(key)
            .bind(now_us - WINDOW_US)
            .fetch_one(db.pool())
            .await?;
        let count: i64 = row.try_get(0)?;
        if count >= *max {
            let oldest: i64 = row.try_get::<Option<i64>, _>(1)?.unwrap_or(now_us);
            let wait_us = (oldest + WINDOW_US - now_us).max(1_000_000);
            return Ok(Some(Duration::from_micros(u64::try_from(wait_us).unwrap_or(0))));
        }
    }
    Ok(None)
}

pub async fn record_failure(db: &Database, keys: &[(String, i64)], now_us: i64) -> Result<(), SessionError> {
    for (key, _) in keys {
        sqlx::query("INSERT INTO login_failures (limit_key, at_us) VALUES ($1, $2)")
            .bind(key)
            .bind(now_us)
            .execute(db.pool())
            .await?;
    }
    sqlx::query("DELETE FROM login_failures WHERE at_us < $1").bind(now_us - WINDOW_US).execute(db.pool()).await?;
    Ok(())
}
