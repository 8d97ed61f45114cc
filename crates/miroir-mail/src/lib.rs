//! Outgoing e-mail for Miroir: what a notification becomes ([`Email`]: a
//! plain-text and an HTML part, its language, a stable `Message-ID`, and the
//! RFC 8058 one-click unsubscribe headers), and its delivery over SMTP
//! ([`SmtpMailer`], lettre over tokio, TLS by rustls).
//!
//! Which messages to send, to whom and how many times is the notifications
//! service's business; this crate only builds a message and hands it to a
//! relay, saying whether a refusal is worth retrying ([`SendError`]).
//!
//! With the `testing` feature, [`testing::SmtpSink`] is a real SMTP server on
//! 127.0.0.1 (mailin-embedded) that keeps what it receives, for tests of other
//! crates that must see the very messages sent.

mod message;
mod smtp;
#[cfg(feature = "testing")]
pub mod testing;

pub use message::{Email, EmailError};
pub use smtp::{MailerConfigError, SendError, SmtpMailer};
