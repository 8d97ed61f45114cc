//! ListMyDeliveries: an account's own e-mails and how they went.

use miroir_proto::notifications::v1 as pb;

use super::{NotificationsApi, parse};
use crate::error::ApiError;
use crate::outbox::{AccountDelivery, DeliveryCursor, deliveries_of};
use crate::read_model::query;
use crate::render::{Catalogue, Params, stored_subject_line};

/// A delivery as its account sees it, its subject line in `catalogue`'s
/// language (empty if the row cannot be rendered: the listing still shows it).
fn delivery(row: AccountDelivery, catalogue: &Catalogue) -> pb::Delivery {
    let state = row.state_proto();
    let params = Params::from_json(&row.params).unwrap_or_default();
    let line = stored_subject_line(catalogue, &row.event_type, &row.subject, &row.params).unwrap_or_default();
    pb::Delivery {
        name: format!("deliveries/{}", row.delivery_id),
        event_type: row.event_type,
        subject: row.subject,
        title: params.title.unwrap_or_default(),
        subject_line: line,
        state: state.into(),
        attempts: u32::try_from(row.attempts).unwrap_or_default(),
        last_error: row.last_error,
        sent_at_us: row.sent_at_us.unwrap_or_default(),
        occurred_at_us: row.occurred_at_us,
        created_at_us: row.created_at_us,
        next_attempt_at_us: row.next_attempt_at_us,
    }
}

impl NotificationsApi {
    pub(super) async fn deliveries_of(
        &self,
        account_id: &str,
        request: pb::ListMyDeliveriesRequest,
    ) -> Result<pb::ListMyDeliveriesResponse, ApiError> {
        let limit = parse::page_size(request.page_size)?;
        let after = match request.page_token.as_str() {
            "" => None,
            token => Some(
                DeliveryCursor::decode(token)
                    .ok_or_else(|| ApiError::invalid("page_token", "is not a token this API gave"))?,
            ),
        };
        let db = self.store.database();
        let (rows, next) = deliveries_of(db, account_id, limit, after).await?;
        let (preferences, _) = query::preferences(db, account_id).await?;
        let catalogue = Catalogue::new(preferences.locale);
        Ok(pb::ListMyDeliveriesResponse {
            deliveries: rows.into_iter().map(|row| delivery(row, &catalogue)).collect(),
            next_page_token: next.map(|cursor| cursor.encode()).unwrap_or_default(),
        })
    }
}
