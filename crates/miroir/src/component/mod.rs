//! The components one `miroir` process can run, each started the same way in
//! both modes; only the backends they are given differ.

pub mod communes;
pub mod dialogue;
pub mod gateway;
pub mod identity;
pub mod notifications;
pub mod publications;
pub mod reports;

use std::net::SocketAddr;

use anyhow::Context;
use tokio::net::TcpListener;

/// Binds a listener and logs the address actually bound (port 0 picks one),
/// in a line that scripts and tests can read.
pub async fn bind(component: &'static str, kind: &'static str, address: SocketAddr) -> anyhow::Result<TcpListener> {
    let listener = TcpListener::bind(address)
        .await
        .with_context(|| format!("{component}: cannot listen on {address} ({kind})"))?;
    let bound = listener.local_addr()?;
    tracing::info!(component, kind, address = %bound, "listening");
    Ok(listener)
}
