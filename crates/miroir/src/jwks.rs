//! Keeps a process's token verifier in step with identity's signing keys: the
//! JWKS is fetched over gRPC at start (waiting for identity if it is not up
//! yet) and again every [`REFRESH`], so a rotated key — published by identity
//! before it signs — is known here before the first token signed with it.

use std::time::Duration;

use miroir_auth::Verifier;
use miroir_proto::identity::v1::GetJwksRequest;
use miroir_proto::identity::v1::identity_client::IdentityClient;
use tokio_util::sync::CancellationToken;

/// Shorter than identity's default activation delay for new keys (120 s).
pub const REFRESH: Duration = Duration::from_secs(30);

async fn fetch(identity_url: &str) -> anyhow::Result<String> {
    let mut client = IdentityClient::connect(identity_url.to_owned()).await?;
    Ok(client.get_jwks(GetJwksRequest {}).await?.into_inner().jwks_json)
}

/// The verifier, once identity answered (or `token` was cancelled: an empty verifier).
pub async fn initial(identity_url: &str, token: &CancellationToken) -> Verifier {
    let mut wait = Duration::from_millis(100);
    loop {
        match fetch(identity_url).await {
            Ok(jwks) => match Verifier::from_jwks(&jwks) {
                Ok(verifier) => return verifier,
                Err(error) => tracing::warn!(%error, "identity's JWKS is unreadable; retrying"),
            },
            Err(error) => tracing::info!(error = %error, identity_url, "waiting for the identity service's keys"),
        }
        tokio::select! {
            () = token.cancelled() => return Verifier::default(),
            () = tokio::time::sleep(wait) => {}
        }
        wait = (wait * 2).min(Duration::from_secs(5));
    }
}

/// Refreshes `verifier` until `token` is cancelled.
pub async fn refresh(identity_url: String, verifier: Verifier, token: CancellationToken) -> anyhow::Result<()> {
    loop {
        tokio::select! {
            () = token.cancelled() => return Ok(()),
            () = tokio::time::sleep(REFRESH) => {}
        }
        match fetch(&identity_url).await.map(|jwks| verifier.replace_from_jwks(&jwks)) {
            Ok(Ok(keys)) => tracing::debug!(keys, "token keys refreshed"),
            Ok(Err(error)) => tracing::warn!(%error, "identity's JWKS is unreadable; keeping the current keys"),
            Err(error) => {
                tracing::warn!(error = %error, "cannot reach identity for its keys; keeping the current ones")
            }
        }
    }
}
