//! The notifications domain: plain data and pure functions, no I/O and no
//! clock (every time comes in the command). Values arrive validated (the
//! newtypes' `parse`), so the deciders only decide.

pub mod follow;
pub mod preferences;
pub mod subscription;
pub mod webhook;

pub use miroir_insee::InseeCode;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    /// `field` is the path within the value being parsed ("area.radius_m");
    /// the API puts it under the request's field.
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("{0} already exists")]
    AlreadyExists(&'static str),
    /// Also for what exists but belongs to another account: nobody learns
    /// what another account has.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The command cannot apply in the aggregate's current state (says what to do first).
    #[error("{0}")]
    Precondition(&'static str),
}

pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> DomainError {
    DomainError::Invalid { field, reason: reason.into() }
}
