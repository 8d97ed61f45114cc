//! The webhook endpoints of a commune: CreateWebhookEndpoint,
//! UpdateWebhookEndpoint, RotateWebhookSecret, DisableWebhookEndpoint,
//! EnableWebhookEndpoint, DeleteWebhookEndpoint, ListWebhookEndpoints,
//! ListWebhookDeliveries and ReplayWebhookDeliveries.
//!
//! Who may: a `commune_admin` of the commune named in the request, or an
//! integration client of that commune for its own endpoints. Anyone else is
//! refused (UNAUTHENTICATED, PERMISSION_DENIED); an endpoint that is not in
//! the named commune, or not the calling client's, is NOT_FOUND. Secrets are
//! answered once, by the call that made them, and never listed.

use miroir_auth::grpc::require;
use miroir_auth::{Principal, Role};
use miroir_platform::clock::now_us;
use miroir_proto::notifications::v1 as pb;

use super::{NotificationsApi, parse};
use crate::domain::webhook::{self, Command, EventTypes, Scope, WebhookEndpointDecider, WebhookUrl};
use crate::domain::{DomainError, InseeCode};
use crate::error::ApiError;
use crate::outbox::DeliveryCursor;
use crate::read_model::query::decode_position_token;
use crate::read_model::webhooks::{self as view, EndpointRow, WithSecret};
use crate::webhook::{generate_secret, secret_text};

/// How many endpoints one commune may have: each event of the commune is
/// written once per endpoint.
pub const MAX_ENDPOINTS_PER_COMMUNE: i64 = 20;

const NOT_FOUND: DomainError = DomainError::NotFound("webhook endpoint");

/// Who acts on a commune's webhooks: its actor (for the log) and what it may see.
struct Caller {
    actor: String,
    scope: Scope,
}

impl Caller {
    /// The calling client's id, if a client calls.
    fn client_id(&self) -> Option<&str> {
        self.scope.client_id.as_deref()
    }

    /// Whether `endpoint` is one this caller may see.
    fn sees(&self, endpoint: &EndpointRow) -> bool {
        endpoint.commune == self.scope.commune.as_str() && self.client_id().is_none_or(|id| id == endpoint.client_id)
    }
}

/// A `commune_admin` of `commune` (the operator too), or an integration client of `commune`.
fn caller(principal: &Principal, commune: &InseeCode) -> Result<Caller, ApiError> {
    if let Principal::Client { id, commune: own, .. } = principal
        && own == commune.as_str()
    {
        return Ok(Caller {
            actor: format!("client:{id}"),
            scope: Scope { commune: commune.clone(), client_id: Some(id.clone()) },
        });
    }
    require(principal, commune.as_str(), &[Role::CommuneAdmin])?;
    Ok(Caller {
        actor: principal.actor().unwrap_or_default(),
        scope: Scope { commune: commune.clone(), client_id: None },
    })
}

fn secret() -> Result<Vec<u8>, ApiError> {
    generate_secret().map_err(|e| ApiError::Internal(e.to_string()))
}

impl NotificationsApi {
    /// The endpoint as it is now, if `caller` may see it.
    async fn visible_endpoint(&self, caller: &Caller, endpoint_id: &str) -> Result<EndpointRow, ApiError> {
        match view::endpoint(self.store.database(), endpoint_id).await? {
            Some(endpoint) if caller.sees(&endpoint) => Ok(endpoint),
            _ => Err(ApiError::Domain(NOT_FOUND)),
        }
    }

    /// Runs `caller`'s command on endpoint `endpoint_id` of its commune,
    /// and answers the endpoint as it is then.
    async fn on_endpoint(
        &self,
        caller: &Caller,
        endpoint_id: &str,
        request_id: &str,
        command: impl Fn() -> Command,
    ) -> Result<pb::WebhookEndpointResponse, ApiError> {
        let request_id = parse::request_id(request_id)?;
        let executed = self
            .run_projected::<WebhookEndpointDecider, _>(
                &caller.actor,
                caller.scope.commune.as_str(),
                (webhook::AGGREGATE, endpoint_id.to_owned()),
                request_id.as_deref(),
                &crate::read_model::NotificationsView,
                command,
            )
            .await?;
        let endpoint = self.visible_endpoint(caller, endpoint_id).await?;
        Ok(pb::WebhookEndpointResponse {
            endpoint: Some(endpoint.to_proto()),
            log_position: executed.receipt.last_position,
        })
    }

    pub(super) async fn create_endpoint(
        &self,
        principal: &Principal,
        request: pb::CreateWebhookEndpointRequest,
    ) -> Result<pb::CreateWebhookEndpointResponse, ApiError> {
        let commune = parse::parent("parent", &request.parent)?;
        let caller = caller(principal, &commune)?;
        let endpoint = request.endpoint.ok_or_else(|| ApiError::invalid("endpoint", "is required"))?;
        let within = ApiError::within("endpoint");
        let url = WebhookUrl::parse(&endpoint.url, self.allow_loopback_webhooks).map_err(&within)?;
        let event_types = EventTypes::parse(&endpoint.event_types).map_err(&within)?;
        let request_id = parse::request_id(&request.request_id)?;
        let db = self.store.database();
        let client_id = match caller.client_id() {
            Some(own) if endpoint.client_id.is_empty() || endpoint.client_id == own => {
                // Its token proves it exists; identity's log may not have reached us yet.
                if view::client(db, own, commune.as_str()).await? == Some(true) {
                    return Err(ApiError::Auth(tonic::Status::permission_denied("this integration client is revoked")));
                }
                own.to_owned()
            }
            Some(_) => return Err(ApiError::invalid("endpoint.client_id", "a client registers its own endpoints")),
            None => {
                let id = endpoint.client_id.trim();
                if id.is_empty() {
                    return Err(ApiError::invalid("endpoint.client_id", "is required"));
                }
                match view::client(db, id, commune.as_str()).await? {
                    Some(false) => id.to_owned(),
                    Some(true) => {
                        return Err(ApiError::invalid("endpoint.client_id", "this integration client is revoked"));
                    }
                    None => {
                        return Err(ApiError::invalid(
                            "endpoint.client_id",
                            "is not an integration client of this commune (a client created a moment ago may take \
                             a few seconds to be known here)",
                        ));
                    }
                }
            }
        };
        self.check_commune(&commune, "parent").await?;
        // Counted on the read model: concurrent creations may pass the limit by a few.
        if view::count_endpoints(db, commune.as_str()).await? >= MAX_ENDPOINTS_PER_COMMUNE {
            return Err(ApiError::Limit(format!(
                "a commune may have {MAX_ENDPOINTS_PER_COMMUNE} webhook endpoints; delete one first"
            )));
        }
        let key = secret()?;
        let (endpoint_id, at_us) = (uuid::Uuid::now_v7().to_string(), now_us());
        let executed = self
            .run_projected::<WebhookEndpointDecider, _>(
                &caller.actor,
                commune.as_str(),
                (webhook::AGGREGATE, endpoint_id.clone()),
                request_id.as_deref(),
                &WithSecret { secret: &key },
                || Command::Register {
                    endpoint_id: endpoint_id.clone(),
                    commune: commune.clone(),
                    client_id: client_id.clone(),
                    url: url.clone(),
                    event_types: event_types.clone(),
                    by: caller.actor.clone(),
                    at_us,
                },
            )
            .await?;
        if executed.receipt.duplicate {
            // The secret was answered once, to the first request; a retry cannot answer it again.
            return Err(ApiError::Domain(DomainError::AlreadyExists(
                "a webhook endpoint made by this request (its secret was shown once)",
            )));
        }
        let endpoint = self.visible_endpoint(&caller, &endpoint_id).await?;
        Ok(pb::CreateWebhookEndpointResponse {
            endpoint: Some(endpoint.to_proto()),
            secret: secret_text(&key),
            log_position: executed.receipt.last_position,
        })
    }

    pub(super) async fn update_endpoint(
        &self,
        principal: &Principal,
        request: pb::UpdateWebhookEndpointRequest,
    ) -> Result<pb::WebhookEndpointResponse, ApiError> {
        let endpoint = request.endpoint.ok_or_else(|| ApiError::invalid("endpoint", "is required"))?;
        let (commune, id) = parse::webhook_name("endpoint.name", &endpoint.name)?;
        let caller = caller(principal, &commune)?;
        let (mut url_set, mut types_set) = (request.update_mask.is_empty(), request.update_mask.is_empty());
        for path in &request.update_mask {
            match path.as_str() {
                "url" => url_set = true,
                "event_types" => types_set = true,
                _ => return Err(ApiError::invalid("update_mask", "may name url and event_types only")),
            }
        }
        let within = ApiError::within("endpoint");
        let url = if url_set {
            Some(WebhookUrl::parse(&endpoint.url, self.allow_loopback_webhooks).map_err(&within)?)
        } else {
            None
        };
        let event_types =
            if types_set { Some(EventTypes::parse(&endpoint.event_types).map_err(&within)?) } else { None };
        self.check_commune(&commune, "endpoint.name").await?;
        let at_us = now_us();
        self.on_endpoint(&caller, &id, &request.request_id, || Command::Change {
            scope: caller.scope.clone(),
            url: url.clone(),
            event_types: event_types.clone(),
            by: caller.actor.clone(),
            at_us,
        })
        .await
    }

    pub(super) async fn rotate_secret(
        &self,
        principal: &Principal,
        request: pb::RotateWebhookSecretRequest,
    ) -> Result<pb::RotateWebhookSecretResponse, ApiError> {
        let (commune, id) = parse::webhook_name("name", &request.name)?;
        let caller = caller(principal, &commune)?;
        let request_id = parse::request_id(&request.request_id)?;
        let key = secret()?;
        let at_us = now_us();
        let executed = self
            .run_projected::<WebhookEndpointDecider, _>(
                &caller.actor,
                commune.as_str(),
                (webhook::AGGREGATE, id.clone()),
                request_id.as_deref(),
                &WithSecret { secret: &key },
                || Command::RotateSecret { scope: caller.scope.clone(), by: caller.actor.clone(), at_us },
            )
            .await?;
        if executed.receipt.duplicate {
            return Err(ApiError::Domain(DomainError::AlreadyExists(
                "a rotation made by this request (its secret was shown once)",
            )));
        }
        let endpoint = self.visible_endpoint(&caller, &id).await?;
        Ok(pb::RotateWebhookSecretResponse {
            endpoint: Some(endpoint.to_proto()),
            secret: secret_text(&key),
            log_position: executed.receipt.last_position,
        })
    }

    pub(super) async fn disable_endpoint(
        &self,
        principal: &Principal,
        request: pb::DisableWebhookEndpointRequest,
    ) -> Result<pb::WebhookEndpointResponse, ApiError> {
        let (commune, id) = parse::webhook_name("name", &request.name)?;
        let caller = caller(principal, &commune)?;
        let reason = webhook::reason(&request.reason)?;
        // No commune check: stopping is always possible.
        let at_us = now_us();
        self.on_endpoint(&caller, &id, &request.request_id, || Command::Disable {
            scope: caller.scope.clone(),
            reason: reason.clone(),
            by: caller.actor.clone(),
            at_us,
        })
        .await
    }

    pub(super) async fn enable_endpoint(
        &self,
        principal: &Principal,
        request: pb::EnableWebhookEndpointRequest,
    ) -> Result<pb::WebhookEndpointResponse, ApiError> {
        let (commune, id) = parse::webhook_name("name", &request.name)?;
        let caller = caller(principal, &commune)?;
        self.check_commune(&commune, "name").await?;
        let at_us = now_us();
        self.on_endpoint(&caller, &id, &request.request_id, || Command::Enable {
            scope: caller.scope.clone(),
            by: caller.actor.clone(),
            at_us,
        })
        .await
    }

    pub(super) async fn delete_endpoint(
        &self,
        principal: &Principal,
        request: pb::DeleteWebhookEndpointRequest,
    ) -> Result<pb::DeleteWebhookEndpointResponse, ApiError> {
        let (commune, id) = parse::webhook_name("name", &request.name)?;
        let caller = caller(principal, &commune)?;
        let request_id = parse::request_id(&request.request_id)?;
        let at_us = now_us();
        let executed = self
            .run_projected::<WebhookEndpointDecider, _>(
                &caller.actor,
                commune.as_str(),
                (webhook::AGGREGATE, id),
                request_id.as_deref(),
                &crate::read_model::NotificationsView,
                || Command::Remove { scope: caller.scope.clone(), by: caller.actor.clone(), at_us },
            )
            .await?;
        Ok(pb::DeleteWebhookEndpointResponse { log_position: executed.receipt.last_position })
    }

    pub(super) async fn endpoints(
        &self,
        principal: &Principal,
        request: pb::ListWebhookEndpointsRequest,
    ) -> Result<pb::ListWebhookEndpointsResponse, ApiError> {
        let commune = parse::parent("parent", &request.parent)?;
        let caller = caller(principal, &commune)?;
        let limit = parse::page_size(request.page_size)?;
        let after = match request.page_token.as_str() {
            "" => None,
            token => Some(
                decode_position_token(token)
                    .ok_or_else(|| ApiError::invalid("page_token", "is not a token this API gave"))?,
            ),
        };
        let (endpoints, next) =
            view::list_endpoints(self.store.database(), commune.as_str(), caller.client_id(), limit, after).await?;
        Ok(pb::ListWebhookEndpointsResponse { endpoints, next_page_token: next.unwrap_or_default() })
    }

    pub(super) async fn endpoint_deliveries(
        &self,
        principal: &Principal,
        request: pb::ListWebhookDeliveriesRequest,
    ) -> Result<pb::ListWebhookDeliveriesResponse, ApiError> {
        let (commune, id) = parse::webhook_name("parent", &request.parent)?;
        let caller = caller(principal, &commune)?;
        let limit = parse::page_size(request.page_size)?;
        let after = match request.page_token.as_str() {
            "" => None,
            token => Some(
                DeliveryCursor::decode(token)
                    .ok_or_else(|| ApiError::invalid("page_token", "is not a token this API gave"))?,
            ),
        };
        let endpoint = self.visible_endpoint(&caller, &id).await?;
        let (deliveries, next) = view::deliveries(self.store.database(), &endpoint, limit, after).await?;
        Ok(pb::ListWebhookDeliveriesResponse {
            deliveries,
            next_page_token: next.map(|cursor| cursor.encode()).unwrap_or_default(),
        })
    }

    pub(super) async fn replay(
        &self,
        principal: &Principal,
        request: pb::ReplayWebhookDeliveriesRequest,
    ) -> Result<pb::ReplayWebhookDeliveriesResponse, ApiError> {
        let (commune, id) = parse::webhook_name("name", &request.name)?;
        let caller = caller(principal, &commune)?;
        let (from_us, to_us) = webhook::replay_range(request.from_us, request.to_us)?;
        let request_id = parse::request_id(&request.request_id)?;
        self.check_commune(&commune, "name").await?;
        let endpoint = self.visible_endpoint(&caller, &id).await?;
        // Counted before the command: what it takes (a retry of the same request counts what is left).
        let requeued = view::replayable(self.store.database(), &endpoint.endpoint_id, from_us, to_us).await?;
        let at_us = now_us();
        let executed = self
            .run_projected::<WebhookEndpointDecider, _>(
                &caller.actor,
                commune.as_str(),
                (webhook::AGGREGATE, id),
                request_id.as_deref(),
                &crate::read_model::NotificationsView,
                || Command::Replay { scope: caller.scope.clone(), from_us, to_us, by: caller.actor.clone(), at_us },
            )
            .await?;
        Ok(pb::ReplayWebhookDeliveriesResponse {
            requeued: if executed.receipt.duplicate { 0 } else { u32::try_from(requeued).unwrap_or(u32::MAX) },
            log_position: executed.receipt.last_position,
        })
    }
}
