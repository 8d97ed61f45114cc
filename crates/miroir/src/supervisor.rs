//! Runs the modules of one process and stops them together.
//!
//! As in Grafana Loki's module manager: every module runs as a task under one
//! cancellation token; the first module to fail (or to stop on its own while
//! the process is not shutting down) cancels the token, the others stop after
//! what they have in hand, and the process exits with that first error.

use std::future::Future;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

pub struct Supervisor {
    tasks: JoinSet<(&'static str, anyhow::Result<()>)>,
    token: CancellationToken,
}

/// How long stopping modules get before the process exits anyway.
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

impl Supervisor {
    pub fn new(token: CancellationToken) -> Self {
        Self { tasks: JoinSet::new(), token }
    }

    pub fn token(&self) -> CancellationToken {
        self.token.clone()
    }

    pub fn spawn<E>(&mut self, module: &'static str, run: impl Future<Output = Result<(), E>> + Send + 'static)
    where
        E: Into<anyhow::Error>,
    {
        self.tasks.spawn(async move { (module, run.await.map_err(Into::into)) });
    }

    /// Waits until every module stopped; returns the first failure.
    pub async fn wait(mut self) -> anyhow::Result<()> {
        let mut first_error = None;
        while let Some(joined) = self.tasks.join_next().await {
            let (module, result) = match joined {
                Ok(done) => done,
                Err(join_error) => ("task", Err(anyhow::anyhow!("a module panicked: {join_error}"))),
            };
            match result {
                Ok(()) if self.token.is_cancelled() => tracing::info!(module, "stopped"),
                Ok(()) => {
                    tracing::error!(module, "stopped unexpectedly; stopping the process");
                    first_error.get_or_insert(anyhow::anyhow!("{module} stopped unexpectedly"));
                }
                Err(error) => {
                    tracing::error!(module, error = format!("{error:#}"), "failed; stopping the process");
                    first_error.get_or_insert(error.context(format!("{module} failed")));
                }
            }
            if !self.token.is_cancelled() {
                self.token.cancel();
                let deadline = tokio::time::sleep(STOP_TIMEOUT);
                tokio::pin!(deadline);
                // Drain with a bound: a module that ignores the token must not hang the exit.
                loop {
                    tokio::select! {
                        next = self.tasks.join_next() => match next {
                            Some(Ok((module, Err(error)))) => tracing::warn!(module, error = format!("{error:#}"), "failed while stopping"),
                            Some(Ok((module, Ok(())))) => tracing::info!(module, "stopped"),
                            Some(Err(join_error)) => tracing::warn!(%join_error, "a module panicked while stopping"),
                            None => break,
                        },
                        () = &mut deadline => {
                            tracing::warn!("modules still running after the stop timeout; exiting");
                            self.tasks.abort_all();
                            break;
                        }
                    }
                }
                break;
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}
