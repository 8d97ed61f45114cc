//! Calls between Miroir's own services that no person or integration client
//! may make: today, the notifications service asking identity for the
//! addresses of the accounts it writes to. They carry a secret shared by the
//! deployment's services (`MIROIR_INTERNAL_SECRET`) in the
//! `x-miroir-internal` metadata; the gateway never forwards it, and the
//! receiving service compares digests in constant time.
//!
//! Without a configured secret nothing is accepted: an internal service of a
//! deployment that forgot to set one stays closed.

use sha2::{Digest, Sha256};
use tonic::metadata::{MetadataMap, MetadataValue};
use tonic::{Request, Status};

/// The metadata key carrying the secret.
pub const METADATA_KEY: &str = "x-miroir-internal";

/// The shortest secret accepted: guessing it must be out of reach.
pub const MIN_SECRET_CHARS: usize = 32;

/// The deployment's internal secret, or its absence.
#[derive(Clone)]
pub struct InternalSecret {
    secret: Option<String>,
    digest: Option<[u8; 32]>,
}

impl std::fmt::Debug for InternalSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InternalSecret").field("configured", &self.secret.is_some()).finish()
    }
}

/// A secret that cannot protect anything.
#[derive(Debug, thiserror::Error)]
#[error("the internal secret must be at least {MIN_SECRET_CHARS} printable ASCII characters")]
pub struct WeakSecret;

impl InternalSecret {
    /// The secret shared by the deployment's services.
    pub fn new(secret: &str) -> Result<Self, WeakSecret> {
        let printable = secret.bytes().all(|b| b.is_ascii_graphic());
        if secret.len() < MIN_SECRET_CHARS || !printable {
            return Err(WeakSecret);
        }
        Ok(InternalSecret { secret: Some(secret.to_owned()), digest: Some(Sha256::digest(secret.as_bytes()).into()) })
    }

    /// No secret: every internal call is refused.
    pub fn none() -> Self {
        InternalSecret { secret: None, digest: None }
    }

    /// A secret from an optional setting ("" or absent: none).
    pub fn from_setting(setting: Option<&str>) -> Result<Self, WeakSecret> {
        match setting.map(str::trim) {
            None | Some("") => Ok(Self::none()),
            Some(secret) => Self::new(secret),
        }
    }

    pub fn is_configured(&self) -> bool {
        self.secret.is_some()
    }

    /// Adds the secret to an outgoing call.
    pub fn apply(&self, metadata: &mut MetadataMap) {
        if let Some(value) = self.secret.as_deref().and_then(|s| MetadataValue::try_from(s).ok()) {
            metadata.insert(METADATA_KEY, value);
        }
    }

    /// Whether an incoming call carries the secret.
    pub fn check(&self, metadata: &MetadataMap) -> Result<(), Status> {
        let Some(expected) = &self.digest else {
            return Err(Status::permission_denied("internal calls are not enabled on this service"));
        };
        let given = metadata.get(METADATA_KEY).map(|v| v.as_bytes()).unwrap_or_default();
        let given: [u8; 32] = Sha256::digest(given).into();
        // Constant time: every byte compared, whatever the first difference.
        let difference = expected.iter().zip(given.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
        if difference == 0 { Ok(()) } else { Err(Status::permission_denied("not an internal call")) }
    }

    /// A tonic interceptor that lets only internal calls through.
    pub fn interceptor(&self) -> impl Fn(Request<()>) -> Result<Request<()>, Status> + Clone + use<> {
        let secret = self.clone();
        move |request: Request<()>| {
            secret.check(request.metadata())?;
            Ok(request)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn only_the_shared_secret_passes() {
        let secret = InternalSecret::new(SECRET).expect("a strong secret");
        let mut metadata = MetadataMap::new();
        assert!(secret.check(&metadata).is_err(), "nothing given");
        secret.apply(&mut metadata);
        assert!(secret.check(&metadata).is_ok());
        let other = InternalSecret::new("fedcba9876543210fedcba9876543210").expect("another");
        assert!(other.check(&metadata).is_err(), "another deployment's secret");
        assert!(InternalSecret::none().check(&metadata).is_err(), "no secret configured: closed");
    }

    #[test]
    fn weak_secrets_are_refused() {
        assert!(InternalSecret::new("court").is_err());
        assert!(InternalSecret::new(&format!("{SECRET} avec espace")).is_err());
        assert!(!InternalSecret::from_setting(Some("  ")).expect("empty is none").is_configured());
        assert!(InternalSecret::from_setting(Some(SECRET)).expect("set").is_configured());
    }
}
