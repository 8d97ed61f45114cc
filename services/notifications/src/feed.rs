//! The in-app feed, as its account reads it: the `feed_items` the intake
//! wrote ([`crate::intake`]), newest first, with unread counts and read
//! marks. Every query is one account's own rows. An item shows from its
//! `occurred_at_us` (a scheduled publication's item waits for its time). Read
//! marks are plain updates, not history.

use std::collections::BTreeMap;

use miroir_platform::storage::Database;
use miroir_proto::notifications::v1 as pb;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Where a page of the feed ends: the last item's time and id.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedCursor {
    pub occurred_at_us: i64,
    pub id: String,
}

impl FeedCursor {
    pub fn encode(&self) -> String {
        hex::encode(format!("{}/{}", self.occurred_at_us, self.id))
    }

    pub fn decode(token: &str) -> Option<Self> {
        let text = String::from_utf8(hex::decode(token).ok()?).ok()?;
        let (at, id) = text.split_once('/')?;
        Some(Self { occurred_at_us: at.parse().ok()?, id: id.to_owned() }).filter(|c| is_item_id(&c.id))
    }
}

/// Whether `id` has the shape of a feed item's id: "{service}/{position}".
pub fn is_item_id(id: &str) -> bool {
    id.split_once('/').is_some_and(|(service, position)| {
        !service.is_empty()
            && service.len() <= 40
            && service.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'-')
            && !position.is_empty()
            && position.len() <= 20
            && position.bytes().all(|b| b.is_ascii_digit())
    })
}

/// The stored parameters as strings (they are stored that way; anything else
/// is shown as its JSON text rather than lost).
fn params(json: &str) -> BTreeMap<String, String> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(json) else {
        return BTreeMap::new();
    };
    map.into_iter()
        .map(|(key, value)| match value {
            serde_json::Value::String(text) => (key, text),
            other => (key, other.to_string()),
        })
        .collect()
}

fn item(row: &AnyRow) -> Result<pb::FeedItem, sqlx::Error> {
    Ok(pb::FeedItem {
        id: row.try_get("source_event")?,
        event_type: row.try_get("event_type")?,
        params: params(&row.try_get::<String, _>("params")?).into_iter().collect(),
        subject: row.try_get("subject")?,
        commune: row.try_get("commune")?,
        occurred_at_us: row.try_get("occurred_at_us")?,
        read: row.try_get::<Option<i64>, _>("read_at_us")?.is_some(),
        // Said by the API, in the language the caller asks for.
        ..Default::default()
    })
}

/// A page of `account_id`'s feed as of `now_us`, newest first, after `after`.
pub async fn list(
    db: &Database,
    account_id: &str,
    unread_only: bool,
    now_us: i64,
    limit: u32,
    after: Option<FeedCursor>,
) -> Result<(Vec<pb::FeedItem>, Option<String>), sqlx::Error> {
    let after = after.unwrap_or(FeedCursor { occurred_at_us: i64::MAX, id: String::new() });
    // `occurred_at_us <= now` and the cursor bound together: the cursor of a
    // first page is "after the end of time".
    let rows = sqlx::query(
        "SELECT source_event, event_type, params, subject, commune, occurred_at_us, read_at_us FROM feed_items \
         WHERE account_id = $1 AND occurred_at_us <= $2 AND ($3 = 0 OR read_at_us IS NULL) \
         AND (occurred_at_us < $4 OR (occurred_at_us = $4 AND source_event < $5)) \
         ORDER BY occurred_at_us DESC, source_event DESC LIMIT $6",
    )
    .bind(account_id)
    .bind(now_us)
    .bind(i64::from(unread_only))
    .bind(after.occurred_at_us)
    .bind(&after.id)
    .bind(i64::from(limit) + 1)
    .fetch_all(db.pool())
    .await?;
    let mut items = rows.iter().map(item).collect::<Result<Vec<_>, _>>()?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if items.len() <= limit {
        return Ok((items, None));
    }
    items.truncate(limit);
    let next =
        items.last().map(|last| FeedCursor { occurred_at_us: last.occurred_at_us, id: last.id.clone() }.encode());
    Ok((items, next))
}

/// How many items of `account_id`'s feed, visible at `now_us`, are unread.
pub async fn count_unread(db: &Database, account_id: &str, now_us: i64) -> Result<u64, sqlx::Error> {
    let count: i64 = sqlx::query(
        "SELECT COUNT(*) FROM feed_items WHERE account_id = $1 AND read_at_us IS NULL AND occurred_at_us <= $2",
    )
    .bind(account_id)
    .bind(now_us)
    .fetch_one(db.pool())
    .await?
    .try_get(0)?;
    Ok(u64::try_from(count).unwrap_or_default())
}

/// Which items to mark read.
#[derive(Debug, Clone, PartialEq)]
pub enum Marking {
    /// These ids (another account's ids, or unknown ones, change nothing).
    Ids(Vec<String>),
    /// Every item that occurred at or before this time (and is visible now).
    UpTo(i64),
}

/// Marks `account_id`'s items read at `now_us`; answers how many were unread.
pub async fn mark_read(db: &Database, account_id: &str, marking: &Marking, now_us: i64) -> Result<u64, sqlx::Error> {
    let mut marked = 0;
    match marking {
        Marking::UpTo(up_to_us) => {
            marked = sqlx::query(
                "UPDATE feed_items SET read_at_us = $1 WHERE account_id = $2 AND read_at_us IS NULL \
                 AND occurred_at_us <= $3",
            )
            .bind(now_us)
            .bind(account_id)
            .bind((*up_to_us).min(now_us))
            .execute(db.pool())
            .await?
            .rows_affected();
        }
        Marking::Ids(ids) => {
            let mut tx = db.begin_write().await?;
            for id in ids {
                marked += sqlx::query(
                    "UPDATE feed_items SET read_at_us = $1 WHERE account_id = $2 AND source_event = $3 \
                     AND read_at_us IS NULL AND occurred_at_us <= $1",
                )
                .bind(now_us)
                .bind(account_id)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            tx.commit().await?;
        }
    }
    Ok(marked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_come_back_as_they_were_given_and_nothing_else_is_one() {
        let cursor = FeedCursor { occurred_at_us: 42, id: "reports/7".into() };
        assert_eq!(FeedCursor::decode(&cursor.encode()), Some(cursor));
        for token in ["", "zz", &hex::encode("abc/x"), &hex::encode("12/reports"), &hex::encode("12/x/y")] {
            assert_eq!(FeedCursor::decode(token), None, "{token}");
        }
    }

    #[test]
    fn item_ids_are_a_service_and_a_position() {
        assert!(is_item_id("reports/42"));
        assert!(is_item_id("dialogue/1"));
        for bad in ["", "reports", "reports/", "/42", "reports/4x", "Reports/42", "reports/42/1"] {
            assert!(!is_item_id(bad), "{bad}");
        }
    }

    #[test]
    fn params_are_read_as_strings() {
        let read = params(r#"{"title":"Nid-de-poule","supports":12}"#);
        assert_eq!(read.get("title").map(String::as_str), Some("Nid-de-poule"));
        assert_eq!(read.get("supports").map(String::as_str), Some("12"));
        assert!(params("not json").is_empty());
    }
}
