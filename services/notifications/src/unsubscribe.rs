//! One-click unsubscribe tokens (RFC 8058): the link in every e-mail's
//! `List-Unsubscribe` header and footer. A token names an account and what it
//! stops (every e-mail, or following one subject) and is signed with the
//! service's own key, so nobody can forge one for another account; it needs
//! no session, since the mail client posts it without the person signing in.
//!
//! Token = base64url (no padding) of `account_id "." scope "." tag`, where
//! `tag` is the first 16 bytes of HMAC-SHA256(key, `account_id "." scope`).
//! The key is 32 random bytes kept in `notification_keys` under the name
//! `unsubscribe`, created by whichever replica needs it first.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use miroir_platform::storage::Database;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use sqlx::Row;
use subtle::ConstantTimeEq;

/// The row of `notification_keys` that holds the key.
pub const KEY_NAME: &str = "unsubscribe";
const KEY_LEN: usize = 32;
const TAG_LEN: usize = 16;
/// Longer tokens are refused before any work (a subject name is far shorter).
const MAX_TOKEN_LEN: usize = 1024;

/// What a token stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every e-mail (the cadence becomes "never"; the feed stays).
    All,
    /// Following this subject (`communes/{insee}/{collection}/{id}`).
    Follow(String),
}

impl Scope {
    fn encode(&self) -> String {
        match self {
            Scope::All => "all".to_owned(),
            Scope::Follow(subject) => format!("follow:{subject}"),
        }
    }

    fn decode(raw: &str) -> Option<Self> {
        match raw {
            "all" => Some(Scope::All),
            _ => raw.strip_prefix("follow:").filter(|s| !s.is_empty()).map(|s| Scope::Follow(s.to_owned())),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not a token this service made, or made with another key.
    #[error("this unsubscribe link is not valid")]
    Invalid,
    /// Nothing to sign: an account id must be non-empty, without `.`; a followed subject must be non-empty.
    #[error("an unsubscribe token needs an account id without '.' and a non-empty subject")]
    Unsignable,
}

/// The key that signs and checks tokens.
#[derive(Clone)]
pub struct UnsubscribeKey {
    key: hmac::Key,
}

impl std::fmt::Debug for UnsubscribeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UnsubscribeKey(…)")
    }
}

impl UnsubscribeKey {
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Self { key: hmac::Key::new(hmac::HMAC_SHA256, bytes) }
    }

    /// The service's key, made at first use. Two replicas starting at once
    /// both try to insert theirs; the first one in wins and both read it back.
    pub async fn load_or_create(db: &Database) -> Result<Self, sqlx::Error> {
        let mut fresh = [0u8; KEY_LEN];
        SystemRandom::new()
            .fill(&mut fresh)
            .map_err(|_| sqlx::Error::Protocol("no randomness for the unsubscribe key".into()))?;
        sqlx::query("INSERT INTO notification_keys (name, key_bytes) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(KEY_NAME)
            .bind(fresh.to_vec())
            .execute(db.pool())
            .await?;
        let row = sqlx::query("SELECT key_bytes FROM notification_keys WHERE name = $1")
            .bind(KEY_NAME)
            .fetch_one(db.pool())
            .await?;
        let stored: Vec<u8> = row.try_get(0)?;
        Ok(Self::from_bytes(&stored))
    }

    fn tag(&self, signed: &[u8]) -> [u8; TAG_LEN] {
        let full = hmac::sign(&self.key, signed);
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(&full.as_ref()[..TAG_LEN]);
        tag
    }

    /// The token that lets `account_id` stop `scope` with one click.
    pub fn token(&self, account_id: &str, scope: &Scope) -> Result<String, TokenError> {
        if account_id.is_empty() || account_id.contains('.') || matches!(scope, Scope::Follow(s) if s.is_empty()) {
            return Err(TokenError::Unsignable);
        }
        let mut bytes = format!("{account_id}.{}", scope.encode()).into_bytes();
        let tag = self.tag(&bytes);
        bytes.push(b'.');
        bytes.extend_from_slice(&tag);
        Ok(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The account and scope of a token this key made; [`TokenError::Invalid`]
    /// for anything else. The tag is compared in constant time.
    pub fn verify(&self, token: &str) -> Result<(String, Scope), TokenError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(TokenError::Invalid);
        }
        let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| TokenError::Invalid)?;
        // The tag is raw bytes and may hold a '.': it is the last 16 bytes, after a '.'.
        let split = bytes.len().checked_sub(TAG_LEN + 1).ok_or(TokenError::Invalid)?;
        let (signed, rest) = bytes.split_at(split);
        let (dot, tag) = rest.split_at(1);
        let expected = self.tag(signed);
        if dot != b"." || !bool::from(expected.ct_eq(tag)) {
            return Err(TokenError::Invalid);
        }
        let signed = std::str::from_utf8(signed).map_err(|_| TokenError::Invalid)?;
        let (account_id, scope) = signed.split_once('.').ok_or(TokenError::Invalid)?;
        let scope = Scope::decode(scope).ok_or(TokenError::Invalid)?;
        if account_id.is_empty() {
            return Err(TokenError::Invalid);
        }
        Ok((account_id.to_owned(), scope))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "0190c0de-0000-7000-8000-000000000001";
    const SUBJECT: &str = "communes/75056/reports/0190c0de-0000-7000-8000-000000000009";

    fn key(byte: u8) -> UnsubscribeKey {
        UnsubscribeKey::from_bytes(&[byte; KEY_LEN])
    }

    #[test]
    fn a_token_names_its_account_and_scope_and_is_url_safe() {
        for scope in [Scope::All, Scope::Follow(SUBJECT.into())] {
            let token = key(1).token(ACCOUNT, &scope).expect("token");
            assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{token}");
            assert_eq!(key(1).verify(&token), Ok((ACCOUNT.to_owned(), scope.clone())));
            assert_eq!(key(1).token(ACCOUNT, &scope), Ok(token), "the same link every time");
        }
    }

    #[test]
    fn the_wrong_key_a_changed_byte_or_garbage_is_refused() {
        let token = key(1).token(ACCOUNT, &Scope::All).expect("token");
        assert_eq!(key(2).verify(&token), Err(TokenError::Invalid));
        let bytes = URL_SAFE_NO_PAD.decode(&token).expect("base64");
        for i in 0..bytes.len() {
            let mut changed = bytes.clone();
            changed[i] ^= 0x01;
            assert_eq!(key(1).verify(&URL_SAFE_NO_PAD.encode(&changed)), Err(TokenError::Invalid), "byte {i}");
        }
        // Another account's id under this one's tag.
        let other = "0190c0de-0000-7000-8000-000000000002";
        let forged = [other.as_bytes(), b".all.", &bytes[bytes.len() - TAG_LEN..]].concat();
        assert_eq!(key(1).verify(&URL_SAFE_NO_PAD.encode(forged)), Err(TokenError::Invalid));
        for garbage in ["", "a", "!!!", &"A".repeat(MAX_TOKEN_LEN + 1), &URL_SAFE_NO_PAD.encode([b'.'; 17])] {
            assert_eq!(key(1).verify(garbage), Err(TokenError::Invalid), "{garbage}");
        }
        // A validly signed text that is not account.scope.
        let k = key(1);
        for signed in ["nodot", ".all", "x.follow:", "x.everything"] {
            let mut bytes = signed.as_bytes().to_vec();
            let tag = k.tag(&bytes);
            bytes.push(b'.');
            bytes.extend_from_slice(&tag);
            assert_eq!(k.verify(&URL_SAFE_NO_PAD.encode(bytes)), Err(TokenError::Invalid), "{signed}");
        }
    }

    #[test]
    fn what_cannot_be_read_back_is_not_signed() {
        assert_eq!(key(1).token("", &Scope::All), Err(TokenError::Unsignable));
        assert_eq!(key(1).token("a.b", &Scope::All), Err(TokenError::Unsignable));
        assert_eq!(key(1).token(ACCOUNT, &Scope::Follow(String::new())), Err(TokenError::Unsignable));
    }

    #[test]
    fn a_tag_holding_a_dot_still_reads_back() {
        // Find an account id whose tag contains '.', and check it round-trips.
        let k = key(7);
        let found = (0..10_000)
            .map(|n| format!("account-{n}"))
            .find(|id| k.tag(format!("{id}.all").as_bytes()).contains(&b'.'));
        let id = found.expect("some tag holds a '.'");
        let token = k.token(&id, &Scope::All).expect("token");
        assert_eq!(k.verify(&token), Ok((id, Scope::All)));
    }
}
