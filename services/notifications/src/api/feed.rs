//! ListMyFeed, CountMyUnread and MarkFeedRead: the signed-in account's own
//! feed ([`crate::feed`]). Items carry `event_type` and `params`, and the
//! one line the e-mail about them would have as its subject, in the language
//! the caller asks for.

use miroir_platform::clock::now_us;
use miroir_proto::notifications::v1 as pb;

use super::{NotificationsApi, parse};
use crate::error::ApiError;
use crate::feed::{self, FeedCursor, Marking};
use crate::render::{Catalogue, EventType, Locale, Params, site_path, subject_line};

/// Most ids one MarkFeedRead names.
pub const MAX_MARKED_IDS: usize = 100;

fn marking(request: &pb::MarkFeedReadRequest) -> Result<Marking, ApiError> {
    match (request.ids.is_empty(), request.up_to_us) {
        (true, 0) => Err(ApiError::invalid("ids", "name the items to mark read, or set up_to_us")),
        (false, up_to) if up_to != 0 => Err(ApiError::invalid("up_to_us", "must be 0 when ids are given")),
        (true, up_to) if up_to < 0 => Err(ApiError::invalid("up_to_us", "must be a time (Unix microseconds)")),
        (true, up_to) => Ok(Marking::UpTo(up_to)),
        (false, _) if request.ids.len() > MAX_MARKED_IDS => {
            Err(ApiError::invalid("ids", format!("at most {MAX_MARKED_IDS} at once")))
        }
        (false, _) => {
            if let Some(index) = request.ids.iter().position(|id| !feed::is_item_id(id)) {
                return Err(ApiError::invalid(format!("ids[{index}]"), "is not a feed item's id"));
            }
            Ok(Marking::Ids(request.ids.clone()))
        }
    }
}

/// An item in one line, as the e-mail about it would name it ("" if it cannot be said: never a raw key).
fn said(catalogue: &Catalogue, item: &pb::FeedItem) -> String {
    let Some(event) = EventType::parse(&item.event_type) else { return String::new() };
    let params = serde_json::to_string(&item.params).ok().and_then(|json| Params::from_json(&json).ok());
    params.and_then(|params| subject_line(catalogue, event, &item.subject, &params).ok()).unwrap_or_default()
}

impl NotificationsApi {
    pub(super) async fn feed_of(
        &self,
        account_id: &str,
        request: pb::ListMyFeedRequest,
    ) -> Result<pb::ListMyFeedResponse, ApiError> {
        let limit = parse::page_size(request.page_size)?;
        let after = match request.page_token.as_str() {
            "" => None,
            token => Some(
                FeedCursor::decode(token)
                    .ok_or_else(|| ApiError::invalid("page_token", "is not a token this API gave"))?,
            ),
        };
        let (mut items, next) =
            feed::list(self.store.database(), account_id, request.unread_only, now_us(), limit, after).await?;
        let catalogue = Catalogue::new(if request.language == "en" { Locale::En } else { Locale::Fr });
        for item in &mut items {
            item.text = said(&catalogue, item);
            item.href = site_path(&item.subject);
        }
        Ok(pb::ListMyFeedResponse { items, next_page_token: next.unwrap_or_default() })
    }

    pub(super) async fn unread_of(&self, account_id: &str) -> Result<pb::CountMyUnreadResponse, ApiError> {
        Ok(pb::CountMyUnreadResponse { unread: feed::count_unread(self.store.database(), account_id, now_us()).await? })
    }

    pub(super) async fn mark_read(
        &self,
        account_id: &str,
        request: pb::MarkFeedReadRequest,
    ) -> Result<pb::MarkFeedReadResponse, ApiError> {
        let marking = marking(&request)?;
        let now = now_us();
        let marked = feed::mark_read(self.store.database(), account_id, &marking, now).await?;
        let unread = feed::count_unread(self.store.database(), account_id, now).await?;
        Ok(pb::MarkFeedReadResponse { marked: u32::try_from(marked).unwrap_or(u32::MAX), unread })
    }
}
