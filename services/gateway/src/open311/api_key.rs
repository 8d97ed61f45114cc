//! `api_key`: an integration client's credentials as one string,
//! `{client_id}:{client_secret}`, exchanged for a client access token with
//! identity's `IssueClientToken` (the OAuth client-credentials grant of
//! `/api/v1/auth/token`), and that token is what the report is filed with.
//!
//! Tokens are kept in memory (in [`crate::AppState`], per gateway process)
//! until shortly before they expire, keyed by the SHA-256 of the api_key: the
//! key itself is never stored, and a client posting many requests costs one
//! exchange per token lifetime. Only successful exchanges are kept, so a
//! revoked client is refused at its next exchange, at the latest when its
//! last token expires — as with a token obtained through `/auth/token`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use miroir_proto::identity::v1 as pb;
use sha2::{Digest, Sha256};
use tonic::Code;

use super::error::Open311Error;
use crate::AppState;
use crate::error::GatewayError;
use crate::rest::extract::Forwarded;
use crate::upstream::{call, request};

/// How long before its expiry a cached token is no longer handed out: a call
/// made with it must still reach the service in time.
const SAFETY_MARGIN: Duration = Duration::from_secs(60);

/// At most this many clients' tokens are kept; past it, the expired ones are
/// dropped, and if none has expired the cache starts afresh.
const MAX_ENTRIES: usize = 10_000;

type Fingerprint = [u8; 32];

/// The access tokens obtained for api_keys.
#[derive(Clone, Default)]
pub struct TokenCache {
    entries: Arc<Mutex<HashMap<Fingerprint, Cached>>>,
}

struct Cached {
    token: String,
    usable_until: Instant,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache").field("entries", &self.lock().len()).finish()
    }
}

impl TokenCache {
    fn lock(&self) -> MutexGuard<'_, HashMap<Fingerprint, Cached>> {
        // A panic while holding the lock leaves a map that is still valid.
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, key: &Fingerprint, now: Instant) -> Option<String> {
        let mut entries = self.lock();
        match entries.get(key) {
            Some(cached) if cached.usable_until > now => Some(cached.token.clone()),
            Some(_) => {
                entries.remove(key);
                None
            }
            None => None,
        }
    }

    fn put(&self, key: Fingerprint, token: String, expires_in: Duration, now: Instant) {
        // A token too short-lived to outlast the margin is used once, not kept.
        let Some(usable) = expires_in.checked_sub(SAFETY_MARGIN).filter(|d| !d.is_zero()) else { return };
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.retain(|_, cached| cached.usable_until > now);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, Cached { token, usable_until: now + usable });
    }

    fn forget(&self, key: &Fingerprint) {
        self.lock().remove(key);
    }
}

/// A parsed `api_key`. `Debug` shows the client id only.
pub struct ApiKey {
    client_id: String,
    client_secret: String,
    fingerprint: Fingerprint,
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKey").field("client_id", &self.client_id).finish_non_exhaustive()
    }
}

impl ApiKey {
    /// `{client_id}:{client_secret}`, both non-empty; the secret may itself
    /// hold `:`.
    pub fn parse(raw: Option<&str>) -> Result<ApiKey, Open311Error> {
        let Some(raw) = raw else {
            return Err(Open311Error::forbidden(
                "api_key is required to post a request: the integration client's credentials as \
                 {client_id}:{client_secret}",
            ));
        };
        match raw.split_once(':') {
            Some((id, secret)) if !id.is_empty() && !secret.is_empty() => Ok(ApiKey {
                client_id: id.to_owned(),
                client_secret: secret.to_owned(),
                fingerprint: Sha256::digest(raw.as_bytes()).into(),
            }),
            _ => Err(invalid()),
        }
    }
}

fn invalid() -> Open311Error {
    Open311Error::forbidden("invalid api_key: expected {client_id}:{client_secret} of an active integration client")
}

/// A client access token for `key`: the cached one, or a new one from
/// identity. `fresh` skips the cache (the cached token was just refused).
pub async fn access_token(state: &AppState, key: &ApiKey, fresh: bool) -> Result<String, Open311Error> {
    let cache = &state.open311_tokens;
    if fresh {
        cache.forget(&key.fingerprint);
    } else if let Some(token) = cache.get(&key.fingerprint, Instant::now()) {
        return Ok(token);
    }
    let message =
        pb::IssueClientTokenRequest { client_id: key.client_id.clone(), client_secret: key.client_secret.clone() };
    let mut client = state.identity.clone();
    let session = call(client.issue_client_token(request(message, &Forwarded::default()))).await.map_err(refusal)?;
    let expires_in = Duration::from_secs(u64::try_from(session.expires_in).unwrap_or_default());
    cache.put(key.fingerprint, session.access_token.clone(), expires_in, Instant::now());
    Ok(session.access_token)
}

/// Identity's refusals of an exchange, as Open311's 403.
fn refusal(error: GatewayError) -> Open311Error {
    let GatewayError::Upstream(status) = &error else { return error.into() };
    match status.code() {
        Code::Unauthenticated | Code::NotFound | Code::InvalidArgument | Code::OutOfRange => invalid(),
        // A genuine client that may not have a token now (suspended commune).
        Code::PermissionDenied | Code::FailedPrecondition => {
            Open311Error::forbidden(format!("api_key refused: {}", status.message()))
        }
        _ => error.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_keys_are_id_colon_secret() {
        let key = ApiKey::parse(Some("0190c0de-0000-7000-8000-000000000000:mcs_a:b")).ok();
        let key = key.map(|k| (k.client_id, k.client_secret));
        assert_eq!(key, Some(("0190c0de-0000-7000-8000-000000000000".to_owned(), "mcs_a:b".to_owned())));
        for bad in [None, Some("no-colon"), Some(":secret"), Some("id:")] {
            let error = ApiKey::parse(bad).err();
            assert_eq!(error.map(|e| e.status.as_u16()), Some(403), "{bad:?}");
        }
        let key = ApiKey::parse(Some("c1:s3cret")).map(|k| format!("{k:?}")).unwrap_or_default();
        assert!(key.contains("c1") && !key.contains("s3cret"), "{key}");
    }

    #[test]
    fn tokens_are_kept_until_shortly_before_they_expire() {
        let cache = TokenCache::default();
        let now = Instant::now();
        let key = [1; 32];
        cache.put(key, "t1".into(), Duration::from_secs(900), now);
        assert_eq!(cache.get(&key, now).as_deref(), Some("t1"));
        assert_eq!(cache.get(&key, now + Duration::from_secs(839)).as_deref(), Some("t1"));
        assert_eq!(cache.get(&key, now + Duration::from_secs(840)), None);
        // Dropped once stale.
        assert_eq!(cache.lock().len(), 0);
        // Too short-lived to keep.
        cache.put(key, "t2".into(), Duration::from_secs(60), now);
        assert_eq!(cache.get(&key, now), None);
        cache.put(key, "t3".into(), Duration::from_secs(900), now);
        cache.forget(&key);
        assert_eq!(cache.get(&key, now), None);
    }

    #[test]
    fn the_cache_is_bounded() {
        let cache = TokenCache::default();
        let now = Instant::now();
        let key = |i: usize| {
            let mut key = [0; 32];
            key[..8].copy_from_slice(&(i as u64).to_le_bytes());
            key
        };
        for i in 0..MAX_ENTRIES {
            cache.put(key(i), "t".into(), Duration::from_secs(120), now);
        }
        assert_eq!(cache.lock().len(), MAX_ENTRIES);
        // Full of live tokens: starts afresh.
        cache.put(key(MAX_ENTRIES), "new".into(), Duration::from_secs(900), now);
        assert_eq!(cache.lock().len(), 1);
        // Full with expired ones: only those go.
        for i in 0..MAX_ENTRIES - 1 {
            cache.put(key(i), "t".into(), Duration::from_secs(120), now);
        }
        let later = now + Duration::from_secs(61);
        cache.put(key(MAX_ENTRIES + 1), "newer".into(), Duration::from_secs(900), later);
        assert_eq!(cache.lock().len(), 2);
        assert_eq!(cache.get(&key(MAX_ENTRIES), later).as_deref(), Some("new"));
    }

    #[test]
    fn identity_refusals_are_403() {
        for status in [
            tonic::Status::unauthenticated("wrong secret"),
            tonic::Status::not_found("no client"),
            tonic::Status::invalid_argument("client_id: bad"),
            tonic::Status::failed_precondition("commune suspended"),
        ] {
            assert_eq!(refusal(GatewayError::Upstream(status)).status.as_u16(), 403);
        }
        assert_eq!(refusal(GatewayError::Upstream(tonic::Status::unavailable("down"))).status.as_u16(), 503);
    }
}
