//! One e-mail as Miroir sends it: `multipart/alternative` (plain text first,
//! then HTML), `Content-Language`, `Auto-Submitted: auto-generated` (no
//! vacation replies), a `Message-ID` chosen by the caller (the same delivery
//! always has the same id, so a copy sent twice is recognisable), and, when
//! the message is about a subscription, `List-Unsubscribe` with
//! `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058: the mail
//! client unsubscribes with one POST, without opening a page).

use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};

/// What to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// The recipient's address (never logged).
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// "fr" or "en".
    pub language: String,
    /// The id part of the `Message-ID` (`<{message_id}@{domain}>`): letters, digits, `.`, `-`, `_`.
    pub message_id: String,
    /// The one-click unsubscribe address (https), for messages sent because of a subscription or a follow.
    pub unsubscribe_url: Option<String>,
}

/// Why a message could not be built. Nothing of it is worth retrying.
#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    #[error("the recipient's address is not a valid e-mail address")]
    Recipient,
    #[error("the message id must be 1 to 200 letters, digits, '.', '-' or '_'")]
    MessageId,
    #[error("the unsubscribe address must be an http(s) URL without spaces or angle brackets")]
    UnsubscribeUrl,
    #[error("the message could not be built: {0}")]
    Build(String),
}

fn header(name: &'static str, value: String) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
}

fn plain_id(id: &str) -> bool {
    (1..=200).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b".-_".contains(&b))
}

impl Email {
    /// The message, from `from`, with its `Message-ID` under `domain`.
    pub fn build(&self, from: &Mailbox, domain: &str) -> Result<Message, EmailError> {
        let to: Mailbox = self.to.parse().map_err(|_| EmailError::Recipient)?;
        if !plain_id(&self.message_id) {
            return Err(EmailError::MessageId);
        }
        let mut builder = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(self.subject.clone())
            .message_id(Some(format!("<{}@{domain}>", self.message_id)))
            .raw_header(header("Auto-Submitted", "auto-generated".into()))
            .raw_header(header("Content-Language", self.language.clone()));
        if let Some(url) = &self.unsubscribe_url {
            let safe = (url.starts_with("https://") || url.starts_with("http://"))
                && !url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
            if !safe {
                return Err(EmailError::UnsubscribeUrl);
            }
            builder = builder
                .raw_header(header("List-Unsubscribe", format!("<{url}>")))
                .raw_header(header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".into()));
        }
        builder
            .multipart(MultiPart::alternative_plain_html(self.text.clone(), self.html.clone()))
            .map_err(|e| EmailError::Build(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> Email {
        Email {
            to: "habitante@example.fr".into(),
            subject: "Votre signalement est résolu".into(),
            text: "Bonjour,\n\nLe lampadaire est réparé.".into(),
            html: "<p>Bonjour,</p><p>Le lampadaire est réparé.</p>".into(),
            language: "fr".into(),
            message_id: "d-0123abcd".into(),
            unsubscribe_url: Some("https://miroir.example/desabonnement/abc".into()),
        }
    }

    fn from() -> Mailbox {
        "Miroir <ne-pas-repondre@miroir.example>".parse().expect("a mailbox")
    }

    #[test]
    fn a_message_has_both_parts_its_id_and_the_one_click_headers() {
        let raw =
            String::from_utf8(email().build(&from(), "miroir.example").expect("built").formatted()).expect("utf-8");
        assert!(raw.contains("Message-ID: <d-0123abcd@miroir.example>"), "{raw}");
        assert!(raw.contains("List-Unsubscribe: <https://miroir.example/desabonnement/abc>"), "{raw}");
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{raw}");
        assert!(raw.contains("Auto-Submitted: auto-generated") && raw.contains("Content-Language: fr"));
        assert!(raw.contains("multipart/alternative") && raw.contains("text/plain") && raw.contains("text/html"));
        let without = Email { unsubscribe_url: None, ..email() };
        let raw =
            String::from_utf8(without.build(&from(), "miroir.example").expect("built").formatted()).expect("utf-8");
        assert!(!raw.contains("List-Unsubscribe"), "no unsubscribe header on a one-time message");
    }

    #[test]
    fn bad_addresses_ids_and_urls_are_refused() {
        let bad = Email { to: "pas une adresse".into(), ..email() };
        assert!(matches!(bad.build(&from(), "x"), Err(EmailError::Recipient)));
        let bad = Email { to: "a@b.fr\r\nBcc: c@d.fr".into(), ..email() };
        assert!(matches!(bad.build(&from(), "x"), Err(EmailError::Recipient)));
        for id in ["", "a b", "a>b", "é"] {
            let bad = Email { message_id: id.into(), ..email() };
            assert!(matches!(bad.build(&from(), "x"), Err(EmailError::MessageId)), "{id}");
        }
        for url in ["javascript:alert(1)", "https://x/a b", "https://x/>", "mailto:a@b.fr"] {
            let bad = Email { unsubscribe_url: Some(url.into()), ..email() };
            assert!(matches!(bad.build(&from(), "x"), Err(EmailError::UnsubscribeUrl)), "{url}");
        }
    }
}
