//! The dialogue domain: plain data and pure functions, no I/O and no clock
//! (every time comes in the command).

pub mod comment;
pub mod moderation;
pub mod proposal;
pub mod question;
pub mod settings;

pub use miroir_insee::InseeCode;

pub const TITLE_CHARS: std::ops::RangeInclusive<usize> = 3..=150;
pub const BODY_CHARS: std::ops::RangeInclusive<usize> = 1..=5000;
pub const MAX_MESSAGE_CHARS: usize = 2000;
pub const DAY_US: i64 = 24 * 3600 * 1_000_000;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("{0} already exists")]
    AlreadyExists(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    WrongState(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    /// Asked twice for something that happens once (a second support).
    #[error("{0}")]
    AlreadyDone(&'static str),
}

pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> DomainError {
    DomainError::Invalid { field, reason: reason.into() }
}

/// Trimmed text of `chars` characters, without control characters other than line breaks.
pub(crate) fn text(
    field: &'static str,
    raw: &str,
    chars: std::ops::RangeInclusive<usize>,
) -> Result<String, DomainError> {
    let trimmed = raw.trim();
    if !chars.contains(&trimmed.chars().count()) {
        return Err(invalid(field, format!("must be {} to {} characters", chars.start(), chars.end())));
    }
    if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(invalid(field, "must not contain control characters"));
    }
    Ok(trimmed.to_owned())
}

/// `days` after `from_us`.
pub(crate) fn days_after(from_us: i64, days: u32) -> i64 {
    from_us.saturating_add(i64::from(days).saturating_mul(DAY_US))
}
