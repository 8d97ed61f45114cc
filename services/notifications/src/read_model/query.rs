//! What the API reads from the read model: always one account's own rows.
//! Follows page on (time followed, subject), subscriptions on the log position
//! of their Subscribed event; the next page's start is given back as an opaque token.

use miroir_platform::storage::Database;
use miroir_proto::notifications::v1 as pb;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::projection::kind_str;
use crate::domain::preferences::{EmailCadence, Locale, Preferences};
use crate::domain::subscription::{Target, microdegrees};

pub type PageResult<T> = Result<(Vec<T>, Option<String>), sqlx::Error>;

/// Where a page of follows ends: the last row's time and subject.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowCursor {
    pub since_us: i64,
    pub subject: String,
}

impl FollowCursor {
    pub fn encode(&self) -> String {
        hex::encode(format!("{}/{}", self.since_us, self.subject))
    }

    pub fn decode(token: &str) -> Option<Self> {
        let text = String::from_utf8(hex::decode(token).ok()?).ok()?;
        let (since_us, subject) = text.split_once('/')?;
        Some(Self { since_us: since_us.parse().ok()?, subject: subject.to_owned() })
    }
}

/// Where a page of subscriptions ends: the last row's position.
pub fn encode_position_token(position: i64) -> String {
    format!("p{position}")
}

pub fn decode_position_token(token: &str) -> Option<i64> {
    token.strip_prefix('p')?.parse().ok().filter(|p: &i64| *p > 0)
}

fn follow(row: &AnyRow) -> Result<pb::Follow, sqlx::Error> {
    let origin = match row.try_get::<String, _>("origin")?.as_str() {
        "explicit" => pb::FollowOrigin::Explicit,
        "implicit" => pb::FollowOrigin::Implicit,
        _ => pb::FollowOrigin::Unspecified,
    };
    Ok(pb::Follow {
        subject: row.try_get("subject")?,
        following: row.try_get::<i64, _>("following")? != 0,
        origin: origin.into(),
        since_us: row.try_get("since_us")?,
    })
}

/// `account_id`'s follow of one subject, if it ever followed or unfollowed it (or was made a follower).
pub async fn one_follow(db: &Database, account_id: &str, subject: &str) -> Result<Option<pb::Follow>, sqlx::Error> {
    let row =
        sqlx::query("SELECT subject, following, origin, since_us FROM follows WHERE account_id = $1 AND subject = $2")
            .bind(account_id)
            .bind(subject)
            .fetch_optional(db.pool())
            .await?;
    row.as_ref().map(follow).transpose()
}

/// What `account_id` follows (not what it unfollowed), most recent first, after `after`.
pub async fn list_follows(
    db: &Database,
    account_id: &str,
    limit: u32,
    after: Option<FollowCursor>,
) -> PageResult<pb::Follow> {
    let after = after.unwrap_or(FollowCursor { since_us: i64::MAX, subject: String::new() });
    let rows = sqlx::query(
        "SELECT subject, following, origin, since_us FROM follows WHERE account_id = $1 AND following = 1 \
         AND (since_us < $2 OR (since_us = $2 AND subject < $3)) ORDER BY since_us DESC, subject DESC LIMIT $4",
    )
    .bind(account_id)
    .bind(after.since_us)
    .bind(&after.subject)
    .bind(i64::from(limit) + 1)
    .fetch_all(db.pool())
    .await?;
    let follows = rows.iter().map(follow).collect::<Result<Vec<_>, _>>()?;
    Ok(page(follows, limit, |last| FollowCursor { since_us: last.since_us, subject: last.subject.clone() }.encode()))
}

/// The first `limit` items, and the token of the next page if there is more.
fn page<T>(mut items: Vec<T>, limit: u32, token: impl Fn(&T) -> String) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if items.len() <= limit {
        return (items, None);
    }
    items.truncate(limit);
    let next = items.last().map(token);
    (items, next)
}

fn subscription(row: &AnyRow) -> Result<(pb::Subscription, i64), sqlx::Error> {
    let commune: String = row.try_get("commune")?;
    let id: String = row.try_get("subscription_id")?;
    let mut subscription = pb::Subscription {
        name: format!("communes/{commune}/subscriptions/{id}"),
        created_at_us: row.try_get("created_at_us")?,
        ..Default::default()
    };
    match row.try_get::<String, _>("kind")?.as_str() {
        "category" => {
            subscription.set_kind(pb::SubscriptionKind::Category);
            subscription.category = row.try_get("category")?;
        }
        "area" => {
            subscription.set_kind(pb::SubscriptionKind::Area);
            let e6 = |column: &str| -> Result<f64, sqlx::Error> {
                Ok(row.try_get::<Option<i64>, _>(column)?.unwrap_or_default() as f64 / 1e6)
            };
            subscription.area = Some(pb::Area {
                latitude: e6("lat_e6")?,
                longitude: e6("lon_e6")?,
                radius_m: u32::try_from(row.try_get::<Option<i64>, _>("radius_m")?.unwrap_or_default())
                    .unwrap_or_default(),
            });
        }
        "space" => {
            subscription.set_kind(pb::SubscriptionKind::Space);
            subscription.set_space(match row.try_get::<String, _>("space")?.as_str() {
                "official" => pb::Space::Official,
                "citizen" => pb::Space::Citizen,
                _ => pb::Space::Unspecified,
            });
        }
        _ => {}
    }
    Ok((subscription, row.try_get("position")?))
}

/// `account_id`'s subscriptions, in `commune` or everywhere, newest first, before position `before`.
pub async fn list_subscriptions(
    db: &Database,
    account_id: &str,
    commune: Option<&str>,
    limit: u32,
    before: Option<i64>,
) -> PageResult<pb::Subscription> {
    let rows = sqlx::query(
        "SELECT * FROM subscriptions WHERE account_id = $1 AND ($2 = '' OR commune = $2) AND position < $3 \
         ORDER BY position DESC LIMIT $4",
    )
    .bind(account_id)
    .bind(commune.unwrap_or_default())
    .bind(before.unwrap_or(i64::MAX))
    .bind(i64::from(limit) + 1)
    .fetch_all(db.pool())
    .await?;
    let rows = rows.iter().map(subscription).collect::<Result<Vec<_>, _>>()?;
    let (rows, next) = page(rows, limit, |(_, position)| encode_position_token(*position));
    Ok((rows.into_iter().map(|(subscription, _)| subscription).collect(), next))
}

/// `account_id`'s subscription to exactly `target` in `commune`, if it has one.
pub async fn same_subscription(
    db: &Database,
    account_id: &str,
    commune: &str,
    target: &Target,
) -> Result<Option<pb::Subscription>, sqlx::Error> {
    let (category, space, area) = match target {
        Target::Category(code) => (code.as_str(), "", None),
        Target::Space(space) => ("", space.as_str(), None),
        Target::Area(area) => {
            ("", "", Some((microdegrees(area.latitude()), microdegrees(area.longitude()), i64::from(area.radius_m()))))
        }
    };
    // The area columns are NULL for the other kinds, hence the comparison in
    // SQL only for the text columns (an account has few subscriptions).
    let rows = sqlx::query(
        "SELECT * FROM subscriptions WHERE account_id = $1 AND commune = $2 AND kind = $3 AND category = $4 \
         AND space = $5",
    )
    .bind(account_id)
    .bind(commune)
    .bind(kind_str(target.kind()))
    .bind(category)
    .bind(space)
    .fetch_all(db.pool())
    .await?;
    for row in &rows {
        let stored: Option<(i64, i64, i64)> = match (
            row.try_get::<Option<i64>, _>("lat_e6")?,
            row.try_get::<Option<i64>, _>("lon_e6")?,
            row.try_get::<Option<i64>, _>("radius_m")?,
        ) {
            (Some(lat), Some(lon), Some(radius)) => Some((lat, lon, radius)),
            _ => None,
        };
        if stored == area {
            return Ok(Some(subscription(row)?.0));
        }
    }
    Ok(None)
}

/// How many subscriptions `account_id` has.
pub async fn count_subscriptions(db: &Database, account_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) FROM subscriptions WHERE account_id = $1")
        .bind(account_id)
        .fetch_one(db.pool())
        .await?
        .try_get(0)
}

/// `account_id`'s preferences and when it set them (the defaults and 0 if it never did).
pub async fn preferences(db: &Database, account_id: &str) -> Result<(Preferences, i64), sqlx::Error> {
    let row = sqlx::query(
        "SELECT email_cadence, locale, department_reports, updated_at_us FROM preferences WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok((Preferences::default(), 0));
    };
    let defaults = Preferences::default();
    let preferences = Preferences {
        email_cadence: EmailCadence::parse(&row.try_get::<String, _>(0)?).unwrap_or(defaults.email_cadence),
        locale: Locale::parse(&row.try_get::<String, _>(1)?).unwrap_or(defaults.locale),
        department_reports: row.try_get::<i64, _>(2)? != 0,
    };
    Ok((preferences, row.try_get(3)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_come_back_as_they_were_given_and_nothing_else_is_one() {
        let cursor = FollowCursor { since_us: 42, subject: "communes/75056/reports/x".into() };
        assert_eq!(FollowCursor::decode(&cursor.encode()), Some(cursor));
        for token in ["", "zz", &hex::encode("abc/x"), &hex::encode("12")] {
            assert_eq!(FollowCursor::decode(token), None, "{token}");
        }
        assert_eq!(decode_position_token(&encode_position_token(7)), Some(7));
        assert_eq!(decode_position_token("p0"), None);
        assert_eq!(decode_position_token("7"), None);
    }

    #[test]
    fn a_page_says_whether_there_is_more() {
        assert_eq!(page(vec![1, 2], 2, |n| n.to_string()), (vec![1, 2], None));
        assert_eq!(page(vec![1, 2, 3], 2, |n| n.to_string()), (vec![1, 2], Some("2".to_owned())));
    }
}
