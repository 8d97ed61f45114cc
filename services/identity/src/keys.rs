//! Token signing keys, kept in identity's database.
//!
//! Rotation without downtime: a new key is published in the JWKS at once but
//! signs only from `active_from` (after a delay longer than the services' JWKS
//! refresh period), so every verifier knows it before the first token signed
//! with it arrives. Keys replaced for longer than twice the access-token
//! lifetime are retired from the JWKS: no valid token can still name them.

use miroir_auth::token::jwks_of;
use miroir_auth::{Keys, SigningSecret};
use miroir_platform::storage::Database;
use sqlx::Row;

use crate::crypto::CryptoError;

/// Lifetime of access tokens.
pub const ACCESS_TTL_SECONDS: i64 = 15 * 60;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("no signing key is active")]
    NoActiveKey,
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("key generation: {0}")]
    Generate(String),
}

struct StoredKey {
    secret: SigningSecret,
    active_from_us: i64,
}

async fn load(db: &Database) -> Result<Vec<StoredKey>, KeyError> {
    let rows =
        sqlx::query("SELECT secret, active_from_us FROM signing_keys WHERE retired = 0 ORDER BY active_from_us DESC")
            .fetch_all(db.pool())
            .await?;
    rows.iter()
        .map(|row| {
            let bytes: Vec<u8> = row.try_get(0)?;
            let secret: [u8; 32] =
                bytes.try_into().map_err(|_| KeyError::Generate("a stored key is not 32 bytes".into()))?;
            Ok(StoredKey { secret: SigningSecret::from_bytes(secret), active_from_us: row.try_get(1)? })
        })
        .collect()
}

async fn insert(db: &Database, now_us: i64, active_from_us: i64) -> Result<SigningSecret, KeyError> {
    let secret = SigningSecret::generate().map_err(|e| KeyError::Generate(e.to_string()))?;
    sqlx::query(
        "INSERT INTO signing_keys (kid, secret, created_at_us, active_from_us, retired) VALUES ($1, $2, $3, $4, 0)",
    )
    .bind(&secret.kid)
    .bind(secret.to_bytes().to_vec())
    .bind(now_us)
    .bind(active_from_us)
    .execute(db.pool())
    .await?;
    Ok(secret)
}

/// Creates the first key if there is none.
pub async fn ensure(db: &Database, now_us: i64) -> Result<(), KeyError> {
    if load(db).await?.is_empty() {
        insert(db, now_us, now_us).await?;
        tracing::info!("created the first token signing key");
    }
    Ok(())
}

/// The keys to sign with at `now_us`: the newest active one signs.
pub async fn signer(db: &Database, now_us: i64) -> Result<Keys, KeyError> {
    let mut keys = load(db).await?.into_iter().filter(|k| k.active_from_us <= now_us);
    let current = keys.next().ok_or(KeyError::NoActiveKey)?;
    Ok(Keys::new(current.secret, keys.map(|k| k.secret).collect()))
}

/// Every published key (active or about to be), as JWKS JSON.
pub async fn jwks(db: &Database) -> Result<String, KeyError> {
    let keys = load(db).await?;
    let public: Vec<_> = keys.iter().map(|k| (k.secret.kid.clone(), k.secret.verifying_key())).collect();
    Ok(jwks_of(public.iter().map(|(kid, key)| (kid.as_str(), key))).to_string())
}

/// Adds a key that signs from `now + delay`, and retires keys no token can still use.
pub async fn rotate(db: &Database, now_us: i64, delay_seconds: i64) -> Result<(String, i64), KeyError> {
    let active_from_us = now_us + delay_seconds.max(0) * 1_000_000;
    let secret = insert(db, now_us, active_from_us).await?;
    // The newest key already signing: keys older than it stopped signing when it started.
    let keys = load(db).await?;
    if let Some(signing) = keys.iter().find(|k| k.active_from_us <= now_us)
        && signing.active_from_us + 2 * ACCESS_TTL_SECONDS * 1_000_000 < now_us
    {
        let retired = sqlx::query("UPDATE signing_keys SET retired = 1 WHERE active_from_us < $1")
            .bind(signing.active_from_us)
            .execute(db.pool())
            .await?
            .rows_affected();
        if retired > 0 {
            tracing::info!(retired, "retired signing keys no valid token can use");
        }
    }
    tracing::info!(kid = %secret.kid, active_from_us, "added a signing key");
    Ok((secret.kid, active_from_us))
}
