//! The projections of the other services' logs, one per log, each rebuildable
//! on its own ([`miroir_eventstore::projection`]: a generation's tables end in
//! `_g<N>`, a rebuild fills the next generation and swaps).
//!
//! Keeping one projection per log (rather than one joining them) makes each a
//! pure function of one ordered log: logs are not ordered with each other, so
//! anything that needs two of them (a report's deadline needs its commune's
//! commitment) is joined when the figures are read, never when events are.
//!
//! - [`communes`] — identity's log: communes, their département and commitment.
//! - [`reports`] — reports' log: one row per report (times of receipt, first
//!   response, resolution; state).
//! - [`publications`] — publications' log: one row per publication, projects' budgets.
//! - [`dialogue`] — dialogue's log: questions and proposals.
//! - [`feed`] — the public events each of them also records (open data).

pub mod communes;
pub mod dialogue;
pub mod feed;
pub mod publications;
pub mod reports;

use miroir_eventstore::RecordedEvent;

pub use communes::CommunesProjection;
pub use dialogue::DialogueProjection;
pub use publications::PublicationsProjection;
pub use reports::ReportsProjection;

/// The logs transparency follows, with their projection's name.
pub const LOGS: [(&str, &str); 4] = [
    ("identity", communes::NAME),
    ("reports", reports::NAME),
    ("publications", publications::NAME),
    ("dialogue", dialogue::NAME),
];

/// When an event happened: the command's time from the envelope, else the store's.
pub(crate) fn occurred_at(event: &RecordedEvent) -> i64 {
    [event.metadata.occurred_at_us, event.recorded_at_us].into_iter().find(|t| *t > 0).unwrap_or(0)
}

/// A time the payload carries, else the event's.
pub(crate) fn or_event_time(payload_us: i64, event: &RecordedEvent) -> i64 {
    if payload_us > 0 { payload_us } else { occurred_at(event) }
}

/// The département of a commune, from its INSEE code: two characters
/// (`01`–`95`, `2A`, `2B`), three overseas (`971`–`976`).
pub fn departement_of(insee: &str) -> String {
    let n = if insee.starts_with("97") { 3 } else { 2 };
    insee.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn departements_from_insee_codes() {
        assert_eq!(super::departement_of("75056"), "75");
        assert_eq!(super::departement_of("2A004"), "2A");
        assert_eq!(super::departement_of("97411"), "974");
        assert_eq!(super::departement_of("01001"), "01");
    }
}
