//! The gRPC API of the notifications service (`miroir.notifications.v1.Notifications`):
//! validates requests, runs commands against the log and answers from the
//! read model. Every call acts for the signed-in account itself: requests
//! carry no account id, and what another account has is NOT_FOUND. Webhooks
//! are the exception: they are a commune's, managed by its administrators and
//! by the integration client they belong to.
//!
//! - [`follows`] — Follow, Unfollow, GetMyFollow, ListMyFollows.
//! - [`subscriptions`] — Subscribe, CancelSubscription, ListMySubscriptions.
//! - [`preferences`] — GetMyPreferences, SetMyPreferences.
//! - [`deliveries`] — ListMyDeliveries.
//! - [`feed`] — ListMyFeed, CountMyUnread, MarkFeedRead.
//! - [`unsubscribe`] — UnsubscribeByToken (one click, no sign-in).
//! - [`webhooks`] — the webhook endpoints of a commune, their deliveries, replays.
//! - [`parse`] — request fields → validated values.

pub mod deliveries;
pub mod feed;
pub mod follows;
pub mod parse;
pub mod preferences;
pub mod subscriptions;
pub mod unsubscribe;
pub mod webhooks;

use miroir_auth::Principal;
use miroir_auth::grpc::{principal, require_signed_in};
use miroir_communes::Refusal;
use miroir_eventstore::EventStore;
use miroir_eventstore::InlineProjection;
use miroir_eventstore::Metadata;
use miroir_eventstore::decider::{Decider, EventCodec, Executed, Target, execute};
use miroir_proto::notifications::v1 as pb;
use miroir_proto::notifications::v1::notifications_server::Notifications as NotificationsRpc;
use tonic::{Request, Response, Status};

use crate::domain::{DomainError, InseeCode};
use crate::error::ApiError;
use crate::read_model::NotificationsView;

/// How many subscriptions one account may hold: each is checked against every
/// event of its commune, and a person needs a handful.
pub const DEFAULT_SUBSCRIPTION_LIMIT: u32 = 50;

pub struct NotificationsApi {
    store: EventStore,
    require_registered: bool,
    subscription_limit: u32,
    allow_loopback_webhooks: bool,
}

impl NotificationsApi {
    /// The API without the commune check (for tests of other behaviour); the
    /// binary adds it with [`Self::requiring_registered_communes`].
    pub fn new(store: EventStore) -> Self {
        Self {
            store,
            require_registered: false,
            subscription_limit: DEFAULT_SUBSCRIPTION_LIMIT,
            allow_loopback_webhooks: false,
        }
    }

    /// Also takes webhook URLs on this machine (`http://127.0.0.1:…`,
    /// `localhost`): for tests and a platform on a laptop, never in production.
    pub fn allow_loopback_webhooks(mut self) -> Self {
        self.allow_loopback_webhooks = true;
        self
    }

    /// Takes follows and subscriptions only for communes registered in
    /// identity and not suspended ([`miroir_communes::follow`] must be
    /// following identity's log as [`crate::COMMUNES_CONSUMER`]). Unfollowing,
    /// cancelling and preferences are always taken: nobody is kept hearing
    /// about a commune because of its state.
    pub fn requiring_registered_communes(mut self) -> Self {
        self.require_registered = true;
        self
    }

    /// Another limit than [`DEFAULT_SUBSCRIPTION_LIMIT`] (tests reach it quickly).
    pub fn with_subscription_limit(mut self, limit: u32) -> Self {
        self.subscription_limit = limit;
        self
    }

    /// Refuses a command for a commune that is not on the platform (on the
    /// request's `field`) or is suspended, as the other services do.
    async fn check_commune(&self, commune: &InseeCode, field: &str) -> Result<(), ApiError> {
        if !self.require_registered {
            return Ok(());
        }
        match miroir_communes::admit(self.store.database(), commune.as_str()).await? {
            Ok(()) => Ok(()),
            Err(Refusal::Unknown) => Err(ApiError::invalid(field, Refusal::UNKNOWN_REASON)),
            Err(Refusal::Suspended) => Err(ApiError::Suspended),
        }
    }

    /// Runs `account_id`'s command on one aggregate; the commit is made in `commune`.
    async fn run<D>(
        &self,
        account_id: &str,
        commune: &str,
        aggregate: (&'static str, String),
        request_id: Option<&str>,
        command: impl Fn() -> D::Command,
    ) -> Result<Executed<D::State>, ApiError>
    where
        D: Decider<Error = DomainError>,
        D::Event: EventCodec,
    {
        self.run_projected::<D, _>(account_id, commune, aggregate, request_id, &NotificationsView, command).await
    }

    /// [`Self::run`] for `actor` (an account id or `client:{id}`), the events
    /// applied by `projection` (the read model, and what the command writes
    /// beside it).
    async fn run_projected<D, P>(
        &self,
        actor: &str,
        commune: &str,
        aggregate: (&'static str, String),
        request_id: Option<&str>,
        projection: &P,
        command: impl Fn() -> D::Command,
    ) -> Result<Executed<D::State>, ApiError>
    where
        D: Decider<Error = DomainError>,
        D::Event: EventCodec,
        P: InlineProjection,
    {
        let target = Target {
            commune: commune.to_owned(),
            aggregate_type: aggregate.0,
            aggregate_id: aggregate.1,
            request_id: request_id.map(|id| idempotency_key(actor, aggregate.0, id)),
        };
        let metadata = Metadata::for_command(actor.to_owned(), request_id);
        Ok(execute::<D, _>(&self.store, &target, metadata, projection, command).await?)
    }

    /// Whether `account_id` already made the request `request_id` on an
    /// `aggregate_type` in `commune` (a retry is answered with the first
    /// result, past any check).
    async fn is_retry(
        &self,
        account_id: &str,
        commune: &str,
        aggregate_type: &str,
        request_id: Option<&str>,
    ) -> Result<bool, ApiError> {
        let Some(request_id) = request_id else { return Ok(false) };
        let key = idempotency_key(account_id, aggregate_type, request_id);
        Ok(self.store.find_commit(commune, &key).await?.is_some())
    }
}

/// The log's idempotency keys are per commune; here every command is one
/// account's, so the key is the account's too: another account choosing the
/// same `request_id` must neither be answered with this one's result nor see
/// it. It is also the aggregate type's, so that a client reusing a request id
/// for a follow and then a subscription is not answered about the wrong kind
/// of thing. (Account ids are UUIDs, clients `client:{uuid}`, and types are
/// plain words: no `/` in them.)
fn idempotency_key(account_id: &str, aggregate_type: &str, request_id: &str) -> String {
    format!("{account_id}/{aggregate_type}/{request_id}")
}

/// The signed-in account the call acts for (an integration client has none here).
fn account(principal: &Principal) -> Result<String, ApiError> {
    require_signed_in(principal)?;
    principal
        .account_id()
        .map(str::to_owned)
        .ok_or_else(|| ApiError::Auth(Status::permission_denied("this action needs a resident's account")))
}

#[tonic::async_trait]
impl NotificationsRpc for NotificationsApi {
    async fn follow(&self, request: Request<pb::FollowRequest>) -> Result<Response<pb::FollowResponse>, Status> {
        let account = account(&principal(&request))?;
        Ok(Response::new(self.follow_subject(&account, request.into_inner()).await?))
    }

    async fn unfollow(&self, request: Request<pb::UnfollowRequest>) -> Result<Response<pb::FollowResponse>, Status> {
        let account = account(&principal(&request))?;
        Ok(Response::new(self.unfollow_subject(&account, request.into_inner()).await?))
    }

    async fn list_my_follows(
        &self,
        request: Request<pb::ListMyFollowsRequest>,
    ) -> Result<Response<pb::ListMyFollowsResponse>, Status> {
        let account = account(&principal(&request))?;
        Ok(Response::new(self.follows_of(&account, request.into_inner()).await?))
    }

    async fn get_my_follow(&self, request: Request<pb::GetMyFollowRequest>) -> Result<Response<pb::Follow>, Status> {
        let account = account(&principal(&request))?;
        Ok(Response::new(self.follow_of_subject(&account, request.into_inner()).await?))
    }

    async fn subscribe(
        &self,
        request: Request<pb::SubscribeRequest>,
    ) -> Result<Response<pb::SubscriptionResponse>, Status> {
        let account = account(&principal(&request))?;
        Ok(Response::new(self.add_subscription(&account, request.into_inner()).await?))
    }

    async fn cancel_subscription(
        &self,
        request: Request<pb::CancelSubscriptionRequest>,
    ) -> Result<Response<pb::CancelSubscriptionResponse>, Status> {
        let account = account(&principal(&request))?;
        Ok(Response::new(self.cancel(&account, request.into_inner()).await?))
    }

    async fn list_my_subscriptions(
        &self,
        request: Request<pb::ListMySubscriptionsRequest>,
    ) -> Result<Response<pb::ListMySubscriptionsResponse>, Status> {
        let account = account(&principal(&request))?;
        Ok(Response::new(self.subscriptions_of(&account, request.into_inner()).await?))
    }

    async fn get_my_preferences(
        &self,
        request: Request<pb::GetMyPreferencesRequest>,
    ) -> Result<Response<pb::Preferences>, Status> {
        let account = account(&principal(&request))?;
        Ok(Response::new(self.preferences_of(&account).await?))
    }

    async fn set_my_preferences(
        &self,
        request: Request<pb::SetMyPreferencesRequest>,
    ) -> Result<Response<pb::PreferencesResponse>, Status> {
        let account = account(&principal(&request))?;
        Ok(Response::new(self.set_preferences(&account, request.into_inner()).await?))
    }

    async fn list_my_deliveries(
        &self,
        request: Request<pb::ListMyDeliveriesRequest>,
    ) -> Result<Response<pb::ListMyDeliveriesResponse>, Status> {
        let account = account(&principal(&request))?;
        Ok(Response::new(self.deliveries_of(&account, request.into_inner()).await?))
    }

    async fn list_my_feed(
        &self,
        request: Request<pb::ListMyFeedRequest>,
    ) -> Result<Response<pb::ListMyFeedResponse>, Status> {
        let account = account(&principal(&request))?;
        Ok(Response::new(self.feed_of(&account, request.into_inner()).await?))
    }

    async fn count_my_unread(
        &self,
        request: Request<pb::CountMyUnreadRequest>,
    ) -> Result<Response<pb::CountMyUnreadResponse>, Status> {
        let account = account(&principal(&request))?;
        Ok(Response::new(self.unread_of(&account).await?))
    }

    async fn unsubscribe_by_token(
        &self,
        request: Request<pb::UnsubscribeByTokenRequest>,
    ) -> Result<Response<pb::UnsubscribeByTokenResponse>, Status> {
        // The token is the proof: no account is asked for.
        Ok(Response::new(self.unsubscribe_by_token(request.into_inner()).await?))
    }

    async fn mark_feed_read(
        &self,
        request: Request<pb::MarkFeedReadRequest>,
    ) -> Result<Response<pb::MarkFeedReadResponse>, Status> {
        let account = account(&principal(&request))?;
        Ok(Response::new(self.mark_read(&account, request.into_inner()).await?))
    }

    async fn create_webhook_endpoint(
        &self,
        request: Request<pb::CreateWebhookEndpointRequest>,
    ) -> Result<Response<pb::CreateWebhookEndpointResponse>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.create_endpoint(&principal, request.into_inner()).await?))
    }

    async fn update_webhook_endpoint(
        &self,
        request: Request<pb::UpdateWebhookEndpointRequest>,
    ) -> Result<Response<pb::WebhookEndpointResponse>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.update_endpoint(&principal, request.into_inner()).await?))
    }

    async fn rotate_webhook_secret(
        &self,
        request: Request<pb::RotateWebhookSecretRequest>,
    ) -> Result<Response<pb::RotateWebhookSecretResponse>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.rotate_secret(&principal, request.into_inner()).await?))
    }

    async fn disable_webhook_endpoint(
        &self,
        request: Request<pb::DisableWebhookEndpointRequest>,
    ) -> Result<Response<pb::WebhookEndpointResponse>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.disable_endpoint(&principal, request.into_inner()).await?))
    }

    async fn enable_webhook_endpoint(
        &self,
        request: Request<pb::EnableWebhookEndpointRequest>,
    ) -> Result<Response<pb::WebhookEndpointResponse>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.enable_endpoint(&principal, request.into_inner()).await?))
    }

    async fn delete_webhook_endpoint(
        &self,
        request: Request<pb::DeleteWebhookEndpointRequest>,
    ) -> Result<Response<pb::DeleteWebhookEndpointResponse>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.delete_endpoint(&principal, request.into_inner()).await?))
    }

    async fn list_webhook_endpoints(
        &self,
        request: Request<pb::ListWebhookEndpointsRequest>,
    ) -> Result<Response<pb::ListWebhookEndpointsResponse>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.endpoints(&principal, request.into_inner()).await?))
    }

    async fn list_webhook_deliveries(
        &self,
        request: Request<pb::ListWebhookDeliveriesRequest>,
    ) -> Result<Response<pb::ListWebhookDeliveriesResponse>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.endpoint_deliveries(&principal, request.into_inner()).await?))
    }

    async fn replay_webhook_deliveries(
        &self,
        request: Request<pb::ReplayWebhookDeliveriesRequest>,
    ) -> Result<Response<pb::ReplayWebhookDeliveriesResponse>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.replay(&principal, request.into_inner()).await?))
    }
}
