//! argon2id password hashing with a bounded memory footprint.
//!
//! Each hash needs 19 MiB of working memory (OWASP's minimum parameters). Allocating it per hash on the blocking
//! pool let glibc keep a freed 19 MiB chunk in each blocking thread's arena: a burst of sign-ups left identity at
//! ~600 MiB resident for good. Here a fixed number of working areas is allocated once, on first use, and reused hash
//! after hash; at most that many hashes run at once (the others wait their turn), so identity's memory for passwords
//! is `slots × 19 MiB`, whatever the load.

use std::sync::{Arc, Mutex};

use argon2::password_hash::{Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

use crate::crypto::{CryptoError, random_bytes};

/// argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane).
fn params() -> Params {
    Params::new(Params::DEFAULT_M_COST, Params::DEFAULT_T_COST, Params::DEFAULT_P_COST, None).unwrap_or_default()
}

/// argon2id hash of a random string nobody knows, same parameters as real ones: an unknown account takes as long to
/// refuse as a wrong password.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0C8ZJDh5Qp6Q3cN3lI1jJnT7k0vYb8m0yq4yW5o2l9k";

/// The password hasher of one identity service: a few reusable working areas and a permit per area.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Working areas not in use; a permit guarantees one is free or may be allocated.
    areas: Arc<Mutex<Vec<Vec<Block>>>>,
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passwords").field("available", &self.permits.available_permits()).finish()
    }
}

impl Default for Passwords {
    /// One working area per core, at most 4 (hashing is CPU-bound: more at once would not go faster).
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
        Self::new(cores.clamp(1, 4))
    }
}

impl Passwords {
    /// A hasher that runs at most `slots` hashes at once (at least one).
    pub fn new(slots: usize) -> Self {
        let slots = slots.max(1);
        Self { permits: Arc::new(Semaphore::new(slots)), areas: Arc::new(Mutex::new(Vec::with_capacity(slots))) }
    }

    /// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) of `password` with a fresh random salt.
    pub async fn hash(&self, password: String) -> Result<String, CryptoError> {
        let salt = SaltString::encode_b64(&random_bytes::<16>()?).map_err(|e| CryptoError::Hash(e.to_string()))?;
        self.with_area(move |area| {
            let params = params();
            let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
            let mut salt_bytes = [0_u8; 64];
            let salt_bytes =
                salt.as_salt().decode_b64(&mut salt_bytes).map_err(|e| CryptoError::Hash(e.to_string()))?;
            let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
                argon
                    .hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, area_for(area, &params))
                    .map_err(|_| argon2::password_hash::Error::Crypto)
            })
            .map_err(|e| CryptoError::Hash(e.to_string()))?;
            let phc = PasswordHash {
                algorithm: Algorithm::Argon2id.ident(),
                version: Some(Version::V0x13.into()),
                params: ParamsString::try_from(&params).map_err(|e| CryptoError::Hash(e.to_string()))?,
                salt: Some(salt.as_salt()),
                hash: Some(output),
            };
            Ok(phc.to_string())
        })
        .await?
    }

    /// True if `password` matches the PHC string `hash`. An empty or unreadable hash is checked against a dummy hash,
    /// so that an unknown account takes as long as a wrong password (no timing hint that the e-mail exists).
    pub async fn verify(&self, password: String, hash: String) -> bool {
        self.with_area(move |area| {
            let (phc, known) = match PasswordHash::new(&hash) {
                Ok(phc) => (phc, true),
                Err(_) => match PasswordHash::new(DUMMY_HASH) {
                    Ok(phc) => (phc, false),
                    Err(_) => return false,
                },
            };
            matches(&password, &phc, area) && known
        })
        .await
        .unwrap_or(false)
    }

    /// Runs `work` on the blocking pool with a working area of its own, waiting for a free one.
    async fn with_area<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, CryptoError> {
        let permit = self.permits.clone().acquire_owned().await.map_err(|_| CryptoError::Hash("closed".into()))?;
        let areas = self.areas.clone();
        tokio::task::spawn_blocking(move || {
            let mut area = areas.lock().map(|mut free| free.pop()).unwrap_or_default().unwrap_or_default();
            let result = work(&mut area);
            if let Ok(mut free) = areas.lock() {
                free.push(area);
            }
            drop(permit);
            result
        })
        .await
        .map_err(|e| CryptoError::Hash(e.to_string()))
    }
}

/// The area resized to what `params` needs: allocated once at our parameters, then reused as is.
fn area_for<'a>(area: &'a mut Vec<Block>, params: &Params) -> &'a mut [Block] {
    let blocks = params.block_count();
    if area.len() != blocks {
        // A hash made with other parameters (an older cost) gets its own size; ours come back to it.
        *area = vec![Block::default(); blocks];
    }
    area.as_mut_slice()
}

/// Recomputes `phc`'s hash of `password` with its own parameters and compares in constant time.
fn matches(password: &str, phc: &PasswordHash<'_>, area: &mut Vec<Block>) -> bool {
    let (Some(salt), Some(expected)) = (phc.salt, phc.hash) else { return false };
    let Ok(algorithm) = Algorithm::try_from(phc.algorithm) else { return false };
    let version = match phc.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(phc) else { return false };
    let mut salt_bytes = [0_u8; 64];
    let Ok(salt_bytes) = Salt::decode_b64(&salt, &mut salt_bytes) else { return false };
    let argon = Argon2::new(algorithm, version, params.clone());
    let computed = Output::init_with(expected.len(), |out| {
        argon
            .hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, area_for(area, &params))
            .map_err(|_| argon2::password_hash::Error::Crypto)
    });
    // `Output`'s equality is constant-time.
    computed.is_ok_and(|computed| computed == expected)
}

#[cfg(test)]
mod tests {
    use argon2::PasswordVerifier;

    use super::*;

    #[tokio::test]
    async fn passwords_hash_with_argon2id_and_verify() {
        let passwords = Passwords::new(2);
        let hash = passwords.hash("le chat dort au soleil".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(passwords.verify("le chat dort au soleil".into(), hash.clone()).await);
        assert!(!passwords.verify("le chien dort".into(), hash.clone()).await);
        assert!(!passwords.verify("x".into(), String::new()).await);
        assert!(!passwords.verify("x".into(), "$argon2id$pas-un-hash".into()).await);
        // Two hashes of one password differ (fresh salts).
        assert_ne!(hash, passwords.hash("le chat dort au soleil".into()).await.expect("hash"));
    }

    #[tokio::test]
    async fn hashes_are_standard_phc_strings_both_ways() {
        let passwords = Passwords::new(1);
        // Ours verify with the reference implementation...
        let ours = passwords.hash("mot de passe".into()).await.expect("hash");
        let parsed = PasswordHash::new(&ours).expect("a PHC string");
        assert!(Argon2::default().verify_password(b"mot de passe", &parsed).is_ok());
        // ...and one the reference made, with other costs (an older hash), verifies with ours.
        use argon2::PasswordHasher;
        let salt = SaltString::encode_b64(b"du sel, du sel !").expect("salt");
        let older = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8 * 1024, 3, 1, None).expect("p"))
            .hash_password(b"ancien", &salt)
            .expect("hash")
            .to_string();
        assert!(passwords.verify("ancien".into(), older.clone()).await);
        assert!(!passwords.verify("nouveau".into(), older).await);
        // The area went back to our size for the next hash.
        assert!(passwords.verify("mot de passe".into(), ours).await);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_burst_uses_no_more_working_areas_than_slots() {
        let passwords = Passwords::new(2);
        let mut burst = tokio::task::JoinSet::new();
        for i in 0..8 {
            let passwords = passwords.clone();
            burst.spawn(async move { passwords.hash(format!("secret {i}")).await });
        }
        while let Some(hash) = burst.join_next().await {
            assert!(hash.expect("a hash task").is_ok());
        }
        let areas = passwords.areas.lock().expect("areas").len();
        assert!((1..=2).contains(&areas), "{areas} working areas for 2 slots");
        assert_eq!(passwords.permits.available_permits(), 2, "every permit came back");
    }
}
