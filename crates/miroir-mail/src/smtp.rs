//! Sending over SMTP. The relay is given as a URL, as lettre reads it:
//! `smtp://host:port` (plain, for a relay on the same host or network; add
//! `?tls=required` for STARTTLS), `smtps://user:password@host:465` (TLS from
//! the start). One pooled transport is shared by every sender of a process.
//!
//! A refusal says whether it is worth retrying ([`SendError::is_permanent`]):
//! a 5xx answer or a message that cannot be built is permanent, anything
//! else (4xx, connection refused, timeout) is transient. Errors carry the
//! SMTP code only, never the server's text, which often repeats the address.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::message::Email;

/// How long one SMTP command may take before it counts as a transient failure.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a whole message may take (connection, commands, data): a relay that stops answering mid-session
/// must not hold a sender forever.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);

/// A mailer that cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum MailerConfigError {
    #[error("the SMTP URL is not valid (smtp://host:port, smtps://user:password@host:port)")]
    Url,
    #[error("the sender address is not valid (\"Name <address@domain>\" or \"address@domain\")")]
    From,
}

/// A message not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Never worth retrying: the message or the address is wrong, or the relay said no for good (5xx).
    #[error("refused for good: {0}")]
    Permanent(String),
    /// Worth retrying later: the relay is unreachable, busy (4xx) or slow.
    #[error("not sent this time: {0}")]
    Transient(String),
}

impl SendError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, SendError::Permanent(_))
    }
}

/// Sends [`Email`]s through one SMTP relay.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    domain: String,
}

impl std::fmt::Debug for SmtpMailer {
    // The URL may hold the relay's password: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// A mailer for the relay at `url`, sending as `from`; the `Message-ID`s are under `from`'s domain.
    pub fn new(url: &str, from: &str) -> Result<Self, MailerConfigError> {
        let from: Mailbox = from.parse().map_err(|_| MailerConfigError::From)?;
        let domain = from.email.domain().to_owned();
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|_| MailerConfigError::Url)?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(SmtpMailer { transport, from, domain })
    }

    /// The sender, as messages show it.
    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// Hands the message to the relay. `Ok` means the relay accepted it (a 2xx answer to its data).
    pub async fn send(&self, email: &Email) -> Result<(), SendError> {
        let message = email.build(&self.from, &self.domain).map_err(|e| SendError::Permanent(e.to_string()))?;
        let sent = tokio::time::timeout(SEND_TIMEOUT, self.transport.send(message)).await;
        let Ok(sent) = sent else {
            tracing::warn!(message_id = %email.message_id, "an e-mail was not sent: the relay stopped answering");
            return Err(SendError::Transient("the relay stopped answering".to_owned()));
        };
        match sent {
            Ok(_) => Ok(()),
            Err(error) => {
                let code = error.status().map(|c| c.to_string());
                let said = match &code {
                    Some(code) => format!("SMTP {code}"),
                    None if error.is_timeout() => "the relay did not answer in time".to_owned(),
                    None => "the relay could not be reached".to_owned(),
                };
                tracing::warn!(message_id = %email.message_id, outcome = %said, "an e-mail was not sent");
                if error.is_permanent() { Err(SendError::Permanent(said)) } else { Err(SendError::Transient(said)) }
            }
        }
    }
}
