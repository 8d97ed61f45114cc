//! The reports domain: plain data and pure functions, no I/O and no clock.

pub mod insee;
pub mod location;
pub mod report;

pub use insee::InseeCode;
pub use location::Location;
pub use report::{Command, DomainError, Event, Report, ReportDecider, Status};
