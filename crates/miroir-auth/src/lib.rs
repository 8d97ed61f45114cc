//! Who is calling and what they may do in which commune.
//!
//! - [`role`] — the roles of DESIGN.md and the principal a request acts as.
//! - [`token`] — signed access tokens: compact JWS with EdDSA (Ed25519), the
//!   signing key set and its JWKS, verified locally by every service.
//! - [`grpc`] — the tonic interceptor that turns the `authorization` metadata
//!   into a [`Principal`] on the request, and the check each command calls.
//! - [`internal`] — calls between Miroir's own services (a shared secret).
//!
//! The identity service (accounts, sessions, refresh tokens, key rotation)
//! issues these tokens; until it exists, `miroir token` mints them from the
//! deployment's signing key.

pub mod grpc;
pub mod internal;
pub mod role;
pub mod token;

pub use ed25519_dalek::VerifyingKey;
pub use role::{Principal, Role};
pub use token::{Claims, ClientClaims, Keys, SigningSecret, TokenError, Verifier};
