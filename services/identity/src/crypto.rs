//! The identity service's cryptography, at the edge of the domain:
//! - sealing personal data with a per-account key (XChaCha20-Poly1305), so
//!   deleting the key erases the data everywhere it was copied;
//! - (argon2id password hashing is `passwords.rs`);
//! - random tokens and their SHA-256, for secrets that are looked up (refresh
//!   tokens, one-time links, client secrets: high-entropy, so a fast hash is
//!   enough and lets the database index them).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use miroir_proto::identity::v1::Sealed;
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("no randomness from the operating system")]
    Random,
    #[error("sealed data cannot be opened")]
    Open,
    #[error("password hashing failed: {0}")]
    Hash(String),
}

pub fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut bytes = [0_u8; N];
    getrandom::fill(&mut bytes).map_err(|_| CryptoError::Random)?;
    Ok(bytes)
}

/// A URL-safe random token of 256 bits, with a prefix that says what it is.
pub fn random_token(prefix: &str) -> Result<String, CryptoError> {
    Ok(format!("{prefix}_{}", URL_SAFE_NO_PAD.encode(random_bytes::<32>()?)))
}

pub fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// Compares two hashes in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn seal(key: &[u8], plaintext: &[u8]) -> Result<Sealed, CryptoError> {
    let cipher = XChaCha20Poly1305::new_from_slice(key).map_err(|_| CryptoError::Open)?;
    let nonce = random_bytes::<24>()?;
    let ciphertext = cipher.encrypt(&XNonce::from(nonce), plaintext).map_err(|_| CryptoError::Open)?;
    Ok(Sealed { nonce: nonce.to_vec(), ciphertext })
}

pub fn open(key: &[u8], sealed: &Sealed) -> Result<Vec<u8>, CryptoError> {
    let cipher = XChaCha20Poly1305::new_from_slice(key).map_err(|_| CryptoError::Open)?;
    let nonce: [u8; 24] = sealed.nonce.as_slice().try_into().map_err(|_| CryptoError::Open)?;
    cipher.decrypt(&XNonce::from(nonce), sealed.ciphertext.as_slice()).map_err(|_| CryptoError::Open)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_data_opens_with_its_key_only() {
        let key = random_bytes::<32>().expect("key");
        let sealed = seal(&key, b"anne@x.fr").expect("seal");
        assert_eq!(open(&key, &sealed).expect("open"), b"anne@x.fr");
        let other = random_bytes::<32>().expect("other key");
        assert!(open(&other, &sealed).is_err());
        let mut tampered = sealed.clone();
        tampered.ciphertext[0] ^= 1;
        assert!(open(&key, &tampered).is_err());
    }

    #[test]
    fn tokens_are_random_and_hashes_compare_in_constant_time() {
        let (a, b) = (random_token("rt").expect("a"), random_token("rt").expect("b"));
        assert_ne!(a, b);
        assert!(a.starts_with("rt_") && a.len() > 40);
        assert!(constant_time_eq(&sha256_hex(&a), &sha256_hex(&a)));
        assert!(!constant_time_eq(&sha256_hex(&a), &sha256_hex(&b)));
    }
}
