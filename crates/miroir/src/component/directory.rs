//! Where the notifications component finds the addresses it writes to:
//! identity, in-process in the embedded mode ([`LocalDirectory`]), over its
//! internal gRPC directory with the deployment's secret in the microservices
//! mode ([`GrpcDirectory`]). Nothing is cached: an address changed, unverified
//! or erased is seen as it is when each message leaves.

use miroir_auth::internal::InternalSecret;
use miroir_identity::Identity;
use miroir_identity::directory::MAX_RECIPIENTS;
use miroir_notifications::directory::{Directory, DirectoryError, DirectoryFuture, Recipient};
use miroir_proto::identity::v1 as pb;
use miroir_proto::identity::v1::directory_client::DirectoryClient;
use tonic::transport::{Channel, Endpoint};

fn recipient(r: pb::Recipient) -> Recipient {
    Recipient {
        account_id: r.account_id,
        email: r.email,
        email_verified: r.email_verified,
        deleted: r.deleted,
        locale: None,
    }
}

/// Identity in the same process.
#[derive(Clone)]
pub struct LocalDirectory(pub Identity);

impl Directory for LocalDirectory {
    fn recipients<'a>(&'a self, account_ids: &'a [String]) -> DirectoryFuture<'a> {
        Box::pin(async move {
            let mut found = Vec::with_capacity(account_ids.len());
            for chunk in account_ids.chunks(MAX_RECIPIENTS) {
                let recipients =
                    self.0.recipients(chunk).await.map_err(|e| DirectoryError::Unavailable(e.to_string()))?;
                found.extend(recipients.into_iter().map(recipient));
            }
            Ok(found)
        })
    }
}

/// Identity's `miroir.identity.v1.Directory` over gRPC.
#[derive(Clone)]
pub struct GrpcDirectory {
    client: DirectoryClient<Channel>,
    secret: InternalSecret,
}

impl GrpcDirectory {
    /// A client of identity at `url` (connected on first use).
    pub fn new(url: &str, secret: InternalSecret) -> anyhow::Result<Self> {
        let channel = Endpoint::from_shared(url.to_owned())?
            .connect_timeout(std::time::Duration::from_secs(3))
            .timeout(std::time::Duration::from_secs(10))
            .connect_lazy();
        Ok(Self { client: DirectoryClient::new(channel), secret })
    }
}

impl Directory for GrpcDirectory {
    fn recipients<'a>(&'a self, account_ids: &'a [String]) -> DirectoryFuture<'a> {
        Box::pin(async move {
            let mut found = Vec::with_capacity(account_ids.len());
            for chunk in account_ids.chunks(MAX_RECIPIENTS) {
                let mut request = tonic::Request::new(pb::GetRecipientsRequest { account_ids: chunk.to_vec() });
                self.secret.apply(request.metadata_mut());
                let answer = self
                    .client
                    .clone()
                    .get_recipients(request)
                    .await
                    // The code only: a status message could repeat what was asked.
                    .map_err(|status| DirectoryError::Unavailable(format!("identity answered {:?}", status.code())))?;
                found.extend(answer.into_inner().recipients.into_iter().map(recipient));
            }
            Ok(found)
        })
    }
}
