//! The loop every outbox sender runs (e-mail, webhooks): a few tasks, each
//! claiming and sending one due delivery after another, resting when nothing
//! is due until woken ([`Wake`], poked by whoever queued new deliveries) or
//! until a short poll, and stopping between deliveries when the process
//! stops — an in-flight send always finishes and is recorded.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Wakes idle senders: the intake pokes it after committing new deliveries.
#[derive(Clone, Default)]
pub struct Wake(Arc<Notify>);

impl Wake {
    pub fn poke(&self) {
        self.0.notify_waiters();
    }
}

/// One step of a worker named by its argument: `Ok(true)` when it sent (or tried) a delivery, `Ok(false)` when
/// nothing was due; an error is logged and the worker rests before looking again.
pub type Step = Pin<Box<dyn Future<Output = Result<bool, String>> + Send>>;

/// How a sender's workers run.
#[derive(Clone)]
pub struct Workers {
    /// The sender's name in `claimed_by` (each worker adds `/{n}`).
    pub instance: String,
    pub concurrency: usize,
    pub idle_poll: Duration,
    pub wake: Wake,
    /// What the logs call it ("e-mail sender").
    pub what: &'static str,
}

impl Workers {
    /// Runs the workers until `token` is cancelled; returns once each has finished its step.
    pub async fn run(self, token: CancellationToken, step: impl Fn(String) -> Step + Clone + Send + Sync + 'static) {
        let mut tasks = tokio::task::JoinSet::new();
        for n in 0..self.concurrency.max(1) {
            let (this, step, token) = (self.clone(), step.clone(), token.clone());
            tasks.spawn(async move { this.work(format!("{}/{n}", this.instance), token, step).await });
        }
        while tasks.join_next().await.is_some() {}
    }

    async fn work(&self, name: String, token: CancellationToken, step: impl Fn(String) -> Step) {
        loop {
            if token.is_cancelled() {
                return;
            }
            // Listening before looking: a poke that comes while this task finds nothing is not lost.
            let notified = self.wake.0.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            match step(name.clone()).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(error) => tracing::warn!(%error, what = self.what, "the outbox could not be read; trying again"),
            }
            tokio::select! {
                () = token.cancelled() => return,
                () = &mut notified => {}
                () = tokio::time::sleep(self.idle_poll) => {}
            }
        }
    }
}
