//! What reports, publications and dialogue do before they serve: learn the
//! communes identity already registered (so that a restart does not refuse a
//! registered commune's commands while it catches up), then follow identity's
//! log for as long as the process runs ([`miroir_communes`]).

use std::sync::Arc;
use std::time::Duration;

use miroir_eventstore::feed::EventFeed;
use miroir_platform::storage::Database;

use crate::supervisor::Supervisor;

/// How long a starting component waits to learn the communes identity
/// already registered, before it serves anyway (and learns them as they come).
const CATCH_UP: Duration = Duration::from_secs(10);

/// Catches `db`'s copy of identity's communes up with identity's log (for at
/// most [`CATCH_UP`]), then spawns `module`, which follows it as `consumer`.
pub async fn catch_up_then_follow(
    supervisor: &mut Supervisor,
    module: &'static str,
    db: Database,
    identity_feed: Arc<dyn EventFeed>,
    consumer: &'static str,
) {
    let token = supervisor.token();
    let head =
        tokio::time::timeout(CATCH_UP, identity_feed.head(miroir_communes::SOURCE)).await.ok().and_then(Result::ok);
    if let Some(head) = head.filter(|h| *h > 0) {
        let caught_up = miroir_communes::follow(&db, identity_feed.as_ref(), consumer, Some(head), token.clone());
        if tokio::time::timeout(CATCH_UP, caught_up).await.is_err() {
            tracing::warn!(module, "communes not caught up with identity yet; serving while following");
        }
    }
    supervisor.spawn(module, async move {
        miroir_communes::follow(&db, identity_feed.as_ref(), consumer, None, token).await.map(|_| ())
    });
}
