//! JetStream as the replayable copy of every service's log.
//!
//! - [`jetstream`] — names (one stream per service, one subject per aggregate)
//!   and the stream's configuration.
//! - [`relay`] — publishes a log to its stream in position order, so that the
//!   stream sequence equals the log position, and republishes what the stream
//!   lost.
//! - [`feed`] — the JetStream implementation of `miroir_eventstore::feed::EventFeed`.

pub mod feed;
pub mod jetstream;
pub mod relay;

pub use feed::JetStreamFeed;
pub use jetstream::JetStreamBus;
pub use relay::Relay;
