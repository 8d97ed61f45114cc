//! The public figures: plain facts in, figures out, no I/O and no clock (the
//! time comes in [`Period`]).
//!
//! - [`facts`] — the rows the projections keep.
//! - [`stats`] — nearest-rank percentiles.
//! - [`compute`] — a scope's dashboard and the per-commune comparison.

pub mod compute;
pub mod facts;
pub mod stats;

pub use compute::{Period, commune_figures, dashboard};
pub use facts::*;
