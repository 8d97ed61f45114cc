//! The reports domain: plain data and pure functions, no I/O and no clock.

pub mod category;
pub mod location;
pub mod report;

pub use location::Location;
pub use miroir_insee::InseeCode;
pub use report::{Anonymous, Command, DomainError, Event, Report, ReportDecider, Status};
