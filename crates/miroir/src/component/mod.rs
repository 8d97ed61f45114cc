//! The components one `miroir` process can run, each started the same way in
//! both modes; only the backends they are given differ.

pub mod communes;
pub mod dialogue;
pub mod directory;
pub mod gateway;
pub mod identity;
pub mod notifications;
pub mod publications;
pub mod reports;
pub mod transparency;

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

/// The mailer of the notifications component: the SMTP relay at `smtp_url`, or (unset) the log.
pub fn mailer(
    smtp_url: Option<&str>,
    from: &str,
) -> anyhow::Result<std::sync::Arc<dyn miroir_notifications::email::Mailer>> {
    match smtp_url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => {
            let mailer = miroir_mail::SmtpMailer::new(url, from).context("MIROIR_SMTP_URL / MIROIR_MAIL_FROM")?;
            Ok(std::sync::Arc::new(mailer))
        }
        None => {
            tracing::warn!("no SMTP relay (MIROIR_SMTP_URL): notifications' e-mails are logged, not sent");
            Ok(std::sync::Arc::new(miroir_notifications::email::LogMailer))
        }
    }
}
