//! The internal directory: the addresses of accounts, for the notifications
//! service only (gRPC `miroir.identity.v1.Directory`, behind the deployment's
//! internal secret, [`miroir_auth::internal`]). Nothing else leaves identity
//! with an address in it; the notifications service asks at send time and
//! keeps nothing on disk.

use miroir_proto::identity::v1 as pb;
use miroir_proto::identity::v1::directory_server::Directory;
use sqlx::Row;
use tonic::{Request, Response, Status};

use crate::core::{Identity, IdentityError};

/// At most this many accounts per call.
pub const MAX_RECIPIENTS: usize = 100;

impl Identity {
    /// The accounts among `account_ids` that exist, with their address (none once deleted) and whether it was
    /// verified. Unknown ids are left out.
    pub async fn recipients(&self, account_ids: &[String]) -> Result<Vec<pb::Recipient>, IdentityError> {
        if account_ids.len() > MAX_RECIPIENTS {
            return Err(IdentityError::Invalid {
                field: "account_ids".into(),
                reason: format!("at most {MAX_RECIPIENTS} at once"),
            });
        }
        if let Some(bad) = account_ids.iter().find(|id| id.is_empty() || id.len() > 100) {
            let shown: String = bad.chars().take(20).collect();
            return Err(IdentityError::Invalid {
                field: "account_ids".into(),
                reason: format!("`{shown}` is not an id"),
            });
        }
        if account_ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=account_ids.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT account_id, email, email_verified, deleted FROM accounts_view WHERE account_id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in account_ids {
            query = query.bind(id.as_str());
        }
        let rows = query.fetch_all(self.store().database().pool()).await.map_err(IdentityError::from)?;
        rows.iter()
            .map(|row| {
                let deleted = row.try_get::<i64, _>("deleted")? == 1;
                Ok(pb::Recipient {
                    account_id: row.try_get("account_id")?,
                    email: if deleted {
                        String::new()
                    } else {
                        row.try_get::<Option<String>, _>("email")?.unwrap_or_default()
                    },
                    email_verified: !deleted && row.try_get::<i64, _>("email_verified")? == 1,
                    deleted,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(IdentityError::from)
    }
}

/// The gRPC side; serve it behind [`miroir_auth::internal::InternalSecret::interceptor`].
#[derive(Clone)]
pub struct DirectoryApi {
    identity: Identity,
}

impl DirectoryApi {
    pub fn new(identity: Identity) -> Self {
        DirectoryApi { identity }
    }
}

#[tonic::async_trait]
impl Directory for DirectoryApi {
    async fn get_recipients(
        &self,
        request: Request<pb::GetRecipientsRequest>,
    ) -> Result<Response<pb::GetRecipientsResponse>, Status> {
        let ids = request.into_inner().account_ids;
        let recipients = self.identity.recipients(&ids).await.map_err(Status::from)?;
        Ok(Response::new(pb::GetRecipientsResponse { recipients }))
    }
}
