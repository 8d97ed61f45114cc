//! The commune's categories: its administrator defines them.

use miroir_auth::grpc::require_role_or_scope;
use miroir_auth::{Principal, Role};
use miroir_eventstore::decider::{Target, execute};
use miroir_proto::reports::v1 as pb;

use super::{ReportsApi, metadata, parse};
use crate::domain::category::{CatalogCommand, CatalogDecider};
use crate::error::ApiError;
use crate::read_model::{self, ReportsView};

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
            aggregate_type: "categories",
            aggregate_id: commune.to_string(),
            request_id: request_id.clone(),
        };
        let by = principal.actor().unwrap_or_default();
        execute::<CatalogDecider, _>(
            &self.store,
            &target,
            metadata(principal, request_id.as_deref()),
            &ReportsView,
            || CatalogCommand::Define { commune: commune.to_string(), category: category.clone(), by: by.clone() },
        )
        .await?;
        tracing::info!(commune = %commune, category = %code, "category defined");
        read_model::categories::get(self.store.database(), commune.as_str(), &code)
            .await?
            .ok_or_else(|| ApiError::Internal("the category just defined is not in the read model".into()))
    }
}
