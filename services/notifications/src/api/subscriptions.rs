//! Subscribe, CancelSubscription and ListMySubscriptions: an account's
//! subscriptions to a category, an area or a space of a commune.

use miroir_platform::clock::now_us;
use miroir_proto::notifications::v1 as pb;

use super::{NotificationsApi, parse};
use crate::domain::subscription::{self, SubscriptionDecider};
use crate::error::ApiError;
use crate::read_model::query;

/// The resource of a recorded subscription.
fn subscription_of(e: &pb::Subscribed) -> pb::Subscription {
    let mut subscription = pb::Subscription {
        name: format!("communes/{}/subscriptions/{}", e.commune, e.subscription_id),
        kind: e.kind,
        category: e.category.clone(),
        space: e.space,
        created_at_us: e.subscribed_at_us,
        area: None,
    };
    if e.kind() == pb::SubscriptionKind::Area {
        subscription.area = Some(pb::Area { latitude: e.latitude, longitude: e.longitude, radius_m: e.radius_m });
    }
    subscription
}

impl NotificationsApi {
    pub(super) async fn add_subscription(
        &self,
        account_id: &str,
        request: pb::SubscribeRequest,
    ) -> Result<pb::SubscriptionResponse, ApiError> {
        let commune = parse::parent("parent", &request.parent)?;
        let target = parse::target(request.subscription.as_ref())?;
        let request_id = parse::request_id(&request.request_id)?;
        self.check_commune(&commune, "parent").await?;
        let db = self.store.database();
        if !self.is_retry(account_id, commune.as_str(), subscription::AGGREGATE, request_id.as_deref()).await? {
            if let Some(same) = query::same_subscription(db, account_id, commune.as_str(), &target).await? {
                return Ok(pb::SubscriptionResponse { subscription: Some(same), log_position: 0 });
            }
            // Counted on the read model: concurrent subscribes may pass the limit by a few.
            if query::count_subscriptions(db, account_id).await? >= i64::from(self.subscription_limit) {
                return Err(ApiError::Limit(format!(
                    "an account may hold {} subscriptions; cancel one first",
                    self.subscription_limit
                )));
            }
        }
        let (id, at_us) = (uuid::Uuid::now_v7().to_string(), now_us());
        let executed = self
            .run::<SubscriptionDecider>(
                account_id,
                commune.as_str(),
                (subscription::AGGREGATE, id.clone()),
                request_id.as_deref(),
                || subscription::Command::Subscribe {
                    subscription_id: id.clone(),
                    account_id: account_id.to_owned(),
                    commune: commune.clone(),
                    target: target.clone(),
                    at_us,
                },
            )
            .await?;
        let subscribed =
            executed.state.subscribed.as_ref().ok_or_else(|| {
                ApiError::Internal("a subscription's first commit holds no Subscribed event".to_owned())
            })?;
        Ok(pb::SubscriptionResponse {
            subscription: Some(subscription_of(subscribed)),
            log_position: executed.receipt.last_position,
        })
    }

    pub(super) async fn cancel(
        &self,
        account_id: &str,
        request: pb::CancelSubscriptionRequest,
    ) -> Result<pb::CancelSubscriptionResponse, ApiError> {
        let (commune, id) = parse::subscription_name(&request.name)?;
        let request_id = parse::request_id(&request.request_id)?;
        // No commune check: stopping is always possible.
        let at_us = now_us();
        let executed = self
            .run::<SubscriptionDecider>(
                account_id,
                commune.as_str(),
                (subscription::AGGREGATE, id),
                request_id.as_deref(),
                || subscription::Command::Cancel { account_id: account_id.to_owned(), commune: commune.clone(), at_us },
            )
            .await?;
        Ok(pb::CancelSubscriptionResponse { log_position: executed.receipt.last_position })
    }

    pub(super) async fn subscriptions_of(
        &self,
        account_id: &str,
        request: pb::ListMySubscriptionsRequest,
    ) -> Result<pb::ListMySubscriptionsResponse, ApiError> {
        let commune = match request.parent.as_str() {
            "" => None,
            parent => Some(parse::parent("parent", parent)?),
        };
        let limit = parse::page_size(request.page_size)?;
        let before = parse::position_token(&request.page_token)?;
        let commune = commune.as_ref().map(|c| c.as_str());
        let (subscriptions, next) =
            query::list_subscriptions(self.store.database(), account_id, commune, limit, before).await?;
        Ok(pb::ListMySubscriptionsResponse { subscriptions, next_page_token: next.unwrap_or_default() })
    }
}
