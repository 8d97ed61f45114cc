//! Shutdown: one cancellation token per process, cancelled when the process is
//! asked to stop (SIGTERM from the orchestrator, SIGINT from a terminal).
//!
//! Every long-running part of a component (servers, consumers, projections)
//! takes a clone of that token and winds down when it is cancelled, so that a
//! stop request drains in-flight work instead of cutting it.

use tokio_util::sync::CancellationToken;

/// Returns a token cancelled when SIGTERM or SIGINT (ctrl-c) arrives.
///
/// Must be called from inside a tokio runtime: it installs the signal handlers
/// and spawns the task that waits for them. The handlers are installed before
/// this function returns, so a signal that arrives right after it is not lost
/// (and does not kill the process with the default disposition).
pub fn on_signals() -> CancellationToken {
    let token = CancellationToken::new();
    let waiter = SignalWaiter::install();
    let cancel = token.clone();
    tokio::spawn(async move {
        let signal = waiter.wait().await;
        tracing::info!(signal, "stop signal received, shutting down");
        cancel.cancel();
    });
    token
}

#[cfg(unix)]
struct SignalWaiter {
    // `None` when the handler could not be installed; the other signal still works.
    terminate: Option<tokio::signal::unix::Signal>,
    interrupt: Option<tokio::signal::unix::Signal>,
}

#[cfg(unix)]
impl SignalWaiter {
    fn install() -> Self {
        use tokio::signal::unix::{SignalKind, signal};
        let install = |kind: SignalKind, name: &str| match signal(kind) {
            Ok(stream) => Some(stream),
            Err(error) => {
                // Not fatal: the process keeps running, it just cannot stop
                // gracefully on that signal.
                tracing::error!(signal = name, %error, "cannot install signal handler");
                None
            }
        };
        SignalWaiter {
            terminate: install(SignalKind::terminate(), "SIGTERM"),
            interrupt: install(SignalKind::interrupt(), "SIGINT"),
        }
    }

    async fn wait(mut self) -> &'static str {
        // A missing handler waits forever so that `select!` only ever returns a
        // signal that really arrived.
        async fn recv(signal: Option<&mut tokio::signal::unix::Signal>) {
            if let Some(signal) = signal {
                // `recv` yields `None` only when the runtime's signal driver is
                // gone, which is not a stop request.
                if signal.recv().await.is_some() {
                    return;
                }
            }
            std::future::pending().await
        }
        tokio::select! {
            () = recv(self.terminate.as_mut()) => "SIGTERM",
            () = recv(self.interrupt.as_mut()) => "SIGINT",
        }
    }
}

#[cfg(not(unix))]
struct SignalWaiter;

#[cfg(not(unix))]
impl SignalWaiter {
    fn install() -> Self {
        SignalWaiter
    }

    async fn wait(self) -> &'static str {
        match tokio::signal::ctrl_c().await {
            Ok(()) => "ctrl-c",
            Err(error) => {
                tracing::error!(%error, "cannot listen for ctrl-c");
                std::future::pending().await
            }
        }
    }
}
