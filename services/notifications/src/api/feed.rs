//! ListMyFeed, CountMyUnread and MarkFeedRead: the signed-in account's own
//! feed ([`crate::feed`]). Items carry `event_type` and `params`, not text:
//! the site renders them in the reader's language.

use miroir_platform::clock::now_us;
use miroir_proto::notifications::v1 as pb;

use super::{NotificationsApi, parse};
use crate::error::ApiError;
use crate::feed::{self, FeedCursor, Marking};

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
        let (items, next) =
            feed::list(self.store.database(), account_id, request.unread_only, now_us(), limit, after).await?;
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
