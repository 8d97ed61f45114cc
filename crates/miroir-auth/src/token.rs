//! Access tokens: compact JWS, `alg` = `EdDSA` (Ed25519), with commune-scoped
//! grants. Verification is local (public keys only) and strict: the header
//! must name EdDSA and a known key id, the signature must verify, and the token
//! must be within its validity window. Time is passed in, not read here.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::role::{Grant, Principal};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Account id.
    pub sub: String,
    /// Issued at / expires at, Unix seconds.
    pub iat: i64,
    pub exp: i64,
    #[serde(default)]
    pub grants: Vec<Grant>,
    /// Set for integration clients: their commune and scopes (`sub` is the client id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientClaims>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientClaims {
    pub commune: String,
    pub scopes: Vec<String>,
}

impl Claims {
    pub fn principal(&self) -> Principal {
        match &self.client {
            Some(client) => Principal::Client {
                id: self.sub.clone(),
                commune: client.commune.clone(),
                scopes: client.scopes.clone(),
            },
            None => Principal::Account { id: self.sub.clone(), grants: self.grants.clone() },
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("malformed token")]
    Malformed,
    #[error("unsupported token algorithm")]
    Algorithm,
    #[error("unknown signing key")]
    UnknownKey,
    #[error("bad signature")]
    Signature,
    #[error("token expired")]
    Expired,
    #[error("invalid signing key file: {0}")]
    KeyFile(String),
}

#[derive(Serialize, Deserialize)]
struct Header {
    alg: String,
    typ: String,
    kid: String,
}

/// The deployment's signing keys: the current one signs; all verify.
#[derive(Clone)]
pub struct Keys {
    current: (String, SigningKey),
    previous: Vec<(String, SigningKey)>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys").field("current", &self.current.0).finish_non_exhaustive()
    }
}

/// One signing key: its id and its secret (32 bytes).
#[derive(Clone)]
pub struct SigningSecret {
    pub kid: String,
    key: SigningKey,
}

impl SigningSecret {
    pub fn generate() -> Result<Self, TokenError> {
        let mut secret = [0_u8; 32];
        getrandom::fill(&mut secret).map_err(|e| TokenError::KeyFile(e.to_string()))?;
        Ok(Self::from_bytes(secret))
    }

    pub fn from_bytes(secret: [u8; 32]) -> Self {
        let key = SigningKey::from_bytes(&secret);
        Self { kid: kid(&key.verifying_key()), key }
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }
}

impl Keys {
    /// Signs with `current`; every key verifies.
    pub fn new(current: SigningSecret, previous: Vec<SigningSecret>) -> Self {
        Self { current: (current.kid, current.key), previous: previous.into_iter().map(|s| (s.kid, s.key)).collect() }
    }

    /// A fresh Ed25519 key from the OS's random source.
    pub fn generate() -> Result<Self, TokenError> {
        let mut secret = [0_u8; 32];
        getrandom::fill(&mut secret).map_err(|e| TokenError::KeyFile(e.to_string()))?;
        let key = SigningKey::from_bytes(&secret);
        Ok(Self { current: (kid(&key.verifying_key()), key), previous: Vec::new() })
    }

    /// Reads keys from their file form: one base64 Ed25519 secret per line,
    /// the first line signs (newest first, so rotation prepends a line).
    pub fn from_file_contents(contents: &str) -> Result<Self, TokenError> {
        let mut keys = contents.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(|line| {
            let bytes = STANDARD.decode(line).map_err(|e| TokenError::KeyFile(e.to_string()))?;
            let secret: [u8; 32] =
                bytes.try_into().map_err(|_| TokenError::KeyFile("a key must be 32 bytes".into()))?;
            let key = SigningKey::from_bytes(&secret);
            Ok((kid(&key.verifying_key()), key))
        });
        let current = keys.next().ok_or_else(|| TokenError::KeyFile("no key".into()))??;
        let previous = keys.collect::<Result<Vec<_>, TokenError>>()?;
        Ok(Self { current, previous })
    }

    pub fn to_file_contents(&self) -> String {
        std::iter::once(&self.current)
            .chain(&self.previous)
            .map(|(_, key)| STANDARD.encode(key.to_bytes()) + "\n")
            .collect()
    }

    pub fn sign(&self, claims: &Claims) -> String {
        let (kid, key) = &self.current;
        let header = Header { alg: "EdDSA".into(), typ: "JWT".into(), kid: kid.clone() };
        let signing_input = format!("{}.{}", base64_json(&header), base64_json(claims));
        let signature = key.sign(signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    pub fn verifier(&self) -> Verifier {
        Verifier::from_keys(
            std::iter::once(&self.current)
                .chain(&self.previous)
                .map(|(kid, key)| (kid.clone(), key.verifying_key()))
                .collect(),
        )
    }
}

/// Public keys that verify tokens. Cloning shares the key set, so a refresh
/// (after a rotation, see [`Verifier::replace_from_jwks`]) reaches every clone.
#[derive(Debug, Clone, Default)]
pub struct Verifier {
    keys: Arc<RwLock<HashMap<String, VerifyingKey>>>,
}

impl Verifier {
    fn from_keys(keys: HashMap<String, VerifyingKey>) -> Self {
        Self { keys: Arc::new(RwLock::new(keys)) }
    }

    /// Checks a token at time `now` (Unix seconds) and returns its claims.
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, TokenError> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).map_err(|_| TokenError::Malformed);
        let parsed: Header = serde_json::from_slice(&decode(header)?).map_err(|_| TokenError::Malformed)?;
        if parsed.alg != "EdDSA" {
            return Err(TokenError::Algorithm);
        }
        let key = self.keys.read().map_err(|_| TokenError::UnknownKey)?.get(&parsed.kid).copied();
        let key = key.ok_or(TokenError::UnknownKey)?;
        let signature = Signature::from_slice(&decode(signature)?).map_err(|_| TokenError::Malformed)?;
        let signing_input = &token[..header.len() + 1 + payload.len()];
        key.verify(signing_input.as_bytes(), &signature).map_err(|_| TokenError::Signature)?;
        let claims: Claims = serde_json::from_slice(&decode(payload)?).map_err(|_| TokenError::Malformed)?;
        if now >= claims.exp {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }

    /// The public keys as a JWKS document (RFC 8037 OKP keys).
    pub fn jwks(&self) -> serde_json::Value {
        let keys = self.keys.read().map(|k| k.clone()).unwrap_or_default();
        jwks_of(keys.iter().map(|(kid, key)| (kid.as_str(), key)))
    }

    /// A verifier of the keys of a JWKS document.
    pub fn from_jwks(jwks: &str) -> Result<Self, TokenError> {
        Ok(Self::from_keys(parse_jwks(jwks)?))
    }

    /// Replaces the key set (every clone sees the new one).
    pub fn replace_from_jwks(&self, jwks: &str) -> Result<usize, TokenError> {
        let keys = parse_jwks(jwks)?;
        let count = keys.len();
        if let Ok(mut current) = self.keys.write() {
            *current = keys;
        }
        Ok(count)
    }
}

/// JWKS of (kid, public key) pairs, sorted by kid.
pub fn jwks_of<'k>(keys: impl Iterator<Item = (&'k str, &'k VerifyingKey)>) -> serde_json::Value {
    let mut keys: Vec<_> = keys
        .map(|(kid, key)| {
            serde_json::json!({
                "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
                "kid": kid, "x": URL_SAFE_NO_PAD.encode(key.to_bytes()),
            })
        })
        .collect();
    keys.sort_by(|a, b| a["kid"].as_str().cmp(&b["kid"].as_str()));
    serde_json::json!({ "keys": keys })
}

fn parse_jwks(jwks: &str) -> Result<HashMap<String, VerifyingKey>, TokenError> {
    let document: serde_json::Value = serde_json::from_str(jwks).map_err(|_| TokenError::KeyFile("not JSON".into()))?;
    let keys = document["keys"].as_array().ok_or_else(|| TokenError::KeyFile("no `keys` array".into()))?;
    keys.iter()
        .filter(|k| k["kty"] == "OKP" && k["crv"] == "Ed25519")
        .map(|k| {
            let kid = k["kid"].as_str().ok_or_else(|| TokenError::KeyFile("a key has no kid".into()))?;
            let x = URL_SAFE_NO_PAD
                .decode(k["x"].as_str().unwrap_or_default())
                .map_err(|_| TokenError::KeyFile("bad `x`".into()))?;
            let bytes: [u8; 32] = x.try_into().map_err(|_| TokenError::KeyFile("`x` must be 32 bytes".into()))?;
            let key = VerifyingKey::from_bytes(&bytes).map_err(|_| TokenError::KeyFile("bad public key".into()))?;
            Ok((kid.to_owned(), key))
        })
        .collect()
}

/// A key id derived from the public key, so it needs no storage of its own.
fn kid(key: &VerifyingKey) -> String {
    URL_SAFE_NO_PAD.encode(&key.to_bytes()[..12])
}

/// Serializing these plain structs cannot fail.
fn base64_json<T: Serialize>(value: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::Role;

    fn claims(exp: i64) -> Claims {
        Claims {
            sub: "acct-1".into(),
            iat: 0,
            exp,
            grants: vec![Grant { commune: "75056".into(), role: Role::Agent }],
            client: None,
        }
    }

    #[test]
    fn a_signed_token_verifies_and_carries_its_grants() {
        let keys = Keys::generate().expect("keys");
        let token = keys.sign(&claims(100));
        let verified = keys.verifier().verify(&token, 50).expect("valid");
        assert_eq!(verified, claims(100));
        assert!(verified.principal().has("75056", Role::Agent));
    }

    #[test]
    fn expired_forged_and_foreign_tokens_are_refused() {
        let keys = Keys::generate().expect("keys");
        let token = keys.sign(&claims(100));
        assert_eq!(keys.verifier().verify(&token, 100), Err(TokenError::Expired));
        let other = Keys::generate().expect("other keys");
        assert_eq!(other.verifier().verify(&token, 50), Err(TokenError::UnknownKey));
        // Same header and signature, other claims: the signature no longer matches.
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(10_000)).expect("json"));
        parts[1] = &forged;
        assert_eq!(keys.verifier().verify(&parts.join("."), 50), Err(TokenError::Signature));
        assert_eq!(keys.verifier().verify("a.b", 50), Err(TokenError::Malformed));
        let none = format!("{}.{}.", URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT","kid":"x"}"#), parts[1]);
        assert_eq!(keys.verifier().verify(&none, 50), Err(TokenError::Algorithm));
    }

    #[test]
    fn rotated_keys_keep_verifying_old_tokens() {
        let old = Keys::generate().expect("old");
        let token = old.sign(&claims(100));
        let new = Keys::generate().expect("new");
        let rotated = Keys::from_file_contents(&(new.to_file_contents() + &old.to_file_contents())).expect("parse");
        assert_eq!(rotated.verifier().verify(&token, 1).expect("old token").sub, "acct-1");
        assert_eq!(rotated.verifier().jwks()["keys"].as_array().map(Vec::len), Some(2));
        assert!(Keys::from_file_contents("not base64!").is_err());
        assert!(Keys::from_file_contents("").is_err());
    }

    #[test]
    fn a_verifier_follows_a_replaced_jwks() {
        let old = Keys::generate().expect("old");
        let new = Keys::generate().expect("new");
        let verifier = Verifier::from_jwks(&old.verifier().jwks().to_string()).expect("jwks");
        let shared = verifier.clone();
        let token = new.sign(&claims(100));
        assert_eq!(shared.verify(&token, 1), Err(TokenError::UnknownKey));
        verifier.replace_from_jwks(&new.verifier().jwks().to_string()).expect("replace");
        assert_eq!(shared.verify(&token, 1).expect("after refresh").sub, "acct-1");
        assert!(Verifier::from_jwks("{}").is_err());
    }

    #[test]
    fn client_tokens_become_client_principals() {
        let keys = Keys::generate().expect("keys");
        let claims = Claims {
            sub: "client-1".into(),
            iat: 0,
            exp: 100,
            grants: vec![],
            client: Some(ClientClaims { commune: "75056".into(), scopes: vec!["reports:read".into()] }),
        };
        let principal = keys.verifier().verify(&keys.sign(&claims), 1).expect("valid").principal();
        assert!(principal.has_scope("75056", "reports:read"));
        assert!(!principal.has("75056", Role::Agent));
    }
}
