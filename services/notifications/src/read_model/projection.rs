//! How each event of the notifications log changes the read model.

use miroir_eventstore::{InlineProjection, RecordedEvent};
use miroir_proto::notifications::v1 as pb;
use sqlx::AnyConnection;

use crate::domain::preferences;
use crate::domain::subscription::{Space, microdegrees};

pub struct NotificationsView;

fn decode_error(e: prost::DecodeError) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

/// The stored form of a subscription's kind.
pub fn kind_str(kind: pb::SubscriptionKind) -> &'static str {
    match kind {
        pb::SubscriptionKind::Category => "category",
        pb::SubscriptionKind::Area => "area",
        pb::SubscriptionKind::Space => "space",
        pb::SubscriptionKind::Unspecified => "",
    }
}

impl InlineProjection for NotificationsView {
    async fn apply<'c>(&'c self, conn: &'c mut AnyConnection, event: &'c RecordedEvent) -> Result<(), sqlx::Error> {
        if let Some(e) = event.decode::<pb::Followed>() {
            let e = e.map_err(decode_error)?;
            set_following(conn, &e.account_id, &e.subject, &e.commune, true, e.followed_at_us).await?;
        } else if let Some(e) = event.decode::<pb::Unfollowed>() {
            let e = e.map_err(decode_error)?;
            set_following(conn, &e.account_id, &e.subject, &e.commune, false, e.unfollowed_at_us).await?;
        } else if let Some(e) = event.decode::<pb::Subscribed>() {
            let e = e.map_err(decode_error)?;
            let area = e.kind() == pb::SubscriptionKind::Area;
            let space = Space::from_proto(e.space).map(Space::as_str).unwrap_or_default();
            sqlx::query(
                "INSERT INTO subscriptions (subscription_id, account_id, commune, kind, category, space, lat_e6, \
                 lon_e6, radius_m, created_at_us, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(&e.subscription_id)
            .bind(&e.account_id)
            .bind(&e.commune)
            .bind(kind_str(e.kind()))
            .bind(&e.category)
            .bind(space)
            .bind(area.then(|| microdegrees(e.latitude)))
            .bind(area.then(|| microdegrees(e.longitude)))
            .bind(area.then_some(i64::from(e.radius_m)))
            .bind(e.subscribed_at_us)
            .bind(i64::try_from(event.position).unwrap_or(i64::MAX))
            .execute(conn)
            .await?;
        } else if let Some(e) = event.decode::<pb::SubscriptionCancelled>() {
            let e = e.map_err(decode_error)?;
            sqlx::query("DELETE FROM subscriptions WHERE subscription_id = $1")
                .bind(&e.subscription_id)
                .execute(conn)
                .await?;
        } else if let Some(e) = event.decode::<pb::PreferencesSet>() {
            let e = e.map_err(decode_error)?;
            let set = preferences::recorded(&e);
            sqlx::query(
                "INSERT INTO preferences (account_id, email_cadence, locale, department_reports, updated_at_us) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id) DO UPDATE SET \
                 email_cadence = excluded.email_cadence, locale = excluded.locale, \
                 department_reports = excluded.department_reports, updated_at_us = excluded.updated_at_us",
            )
            .bind(&e.account_id)
            .bind(set.email_cadence.as_str())
            .bind(set.locale.as_str())
            .bind(i64::from(set.department_reports))
            .bind(e.set_at_us)
            .execute(conn)
            .await?;
        } else {
            super::webhooks::apply(conn, event).await?;
        }
        Ok(())
    }
}

/// The account's explicit choice about a subject replaces whatever the row
/// said (an implicit follow included).
async fn set_following(
    conn: &mut AnyConnection,
    account_id: &str,
    subject: &str,
    commune: &str,
    following: bool,
    at_us: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO follows (account_id, subject, commune, origin, following, since_us) \
         VALUES ($1, $2, $3, 'explicit', $4, $5) ON CONFLICT (account_id, subject) DO UPDATE SET \
         origin = excluded.origin, following = excluded.following, since_us = excluded.since_us",
    )
    .bind(account_id)
    .bind(subject)
    .bind(commune)
    .bind(i64::from(following))
    .bind(at_us)
    .execute(conn)
    .await?;
    Ok(())
}
