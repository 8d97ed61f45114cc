//! The publications domain: plain data and pure functions, no I/O and no clock.

pub mod attachment;
pub mod details;
pub mod diff;
pub mod publication;

pub use miroir_insee::InseeCode;
pub use publication::{Command, DomainError, Event, Kind, Publication, PublicationDecider, Space, Status};
