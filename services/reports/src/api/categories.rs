//! The commune's categories: its administrator defines them.

use miroir_auth::grpc::require_role_or_scope;
use miroir_auth::{Principal, Role};
use miroir_eventstore::CommitReceipt;
use miroir_eventstore::decider::{EventCodec, Target, execute};
use miroir_proto::reports::v1 as pb;

use super::{ReportsApi, metadata, parse};
use crate::domain::category::{CatalogCommand, CatalogDecider, CatalogEvent};
use crate::error::ApiError;
use crate::read_model::{self, ReportsView};

/// The aggregate type of a commune's catalog of categories.
const CATALOG: &str = "categories";

impl ReportsApi {
    pub(super) async fn define_category(
        &self,
        principal: &Principal,
        request: pb::DefineCategoryRequest,
    ) -> Result<pb::Category, ApiError> {
        let commune = parse::parent("parent", &request.parent)?;
        require_role_or_scope(principal, commune.as_str(), &[Role::CommuneAdmin], None).map_err(ApiError::Auth)?;
        self.check_commune(&commune, "parent").await?;
        let request_id = parse::request_id(&request.request_id)?;
        let category = request.category.ok_or_else(|| ApiError::invalid("category", "is required"))?;
        let code = category.code.clone();
        let target = Target {
            commune: commune.to_string(),
            aggregate_type: CATALOG,
            aggregate_id: commune.to_string(),
            request_id: request_id.clone(),
        };
        let by = principal.actor().unwrap_or_default();
        let executed = execute::<CatalogDecider, _>(
            &self.store,
            &target,
            metadata(principal, request_id.as_deref()),
            &ReportsView,
            || CatalogCommand::Define { commune: commune.to_string(), category: category.clone(), by: by.clone() },
        )
        .await?;
        // A retry answers with what its first request defined; a key first used for
        // anything else (another category, another command) is no retry of this one.
        if executed.receipt.duplicate && !self.committed_definition_of(&executed.receipt, &code).await? {
            return Err(ApiError::key_used_elsewhere());
        }
        tracing::info!(commune = %commune, category = %code, "category defined");
        read_model::categories::get(self.store.database(), commune.as_str(), &code)
            .await?
            .ok_or_else(|| ApiError::Internal("the category just defined is not in the read model".into()))
    }

    /// Whether the commit of `receipt` is a definition of the category `code`
    /// (its last event: a definition commits the standard set first, if any).
    async fn committed_definition_of(&self, receipt: &CommitReceipt, code: &str) -> Result<bool, ApiError> {
        let events = self.store.load(CATALOG, &receipt.aggregate_id).await?;
        let Some(last) = events.iter().find(|e| e.aggregate_version == receipt.version) else {
            return Ok(false);
        };
        Ok(match CatalogEvent::decode(last).map_err(|e| ApiError::Internal(e.to_string()))? {
            Some(CatalogEvent::Defined(defined)) => defined.category.is_some_and(|c| c.code == code),
            None => false,
        })
    }
}
