//! The read model rebuilt from the log is the live one, on PostgreSQL and
//! SQLite: every row of follows, subscriptions and preferences comes from the
//! events alone (nothing the API wrote beside them).

mod support;

use miroir_eventstore::InlineProjection;
use miroir_notifications::read_model::NotificationsView;
use miroir_platform::storage::testing::TestDatabase;
use miroir_platform::storage::{Backend, Database};
use miroir_proto::notifications::v1 as pb;
use miroir_proto::notifications::v1::notifications_server::Notifications as _;
use sqlx::Row;
use support::{LYON, PARIS, as_account, start, subject};

/// Every row of the three tables, as text, in a stable order.
async fn rows(db: &Database) -> Vec<String> {
    let mut all = Vec::new();
    for sql in [
        "SELECT account_id, subject, commune, origin, following, since_us FROM follows ORDER BY account_id, subject",
        "SELECT subscription_id, account_id, commune, kind, category, space, lat_e6, lon_e6, radius_m, \
         created_at_us, position FROM subscriptions ORDER BY subscription_id",
        "SELECT account_id, email_cadence, locale, department_reports, updated_at_us FROM preferences \
         ORDER BY account_id",
    ] {
        for row in sqlx::query(sql).fetch_all(db.pool()).await.expect("rows") {
            let columns = (0..row.len())
                .map(|i| match row.try_get::<Option<String>, _>(i) {
                    Ok(text) => format!("{text:?}"),
                    Err(_) => format!("{:?}", row.try_get::<Option<i64>, _>(i).expect("text or integer")),
                })
                .collect::<Vec<_>>();
            all.push(columns.join("|"));
        }
    }
    all
}

async fn the_read_model_rebuilt_from_the_log_is_identical(backend: Backend) {
    let h = start(backend).await;
    let api = &h.api;
    let follow = |s: &str| pb::FollowRequest { subject: s.into(), request_id: String::new() };
    let unfollow = |s: &str| pb::UnfollowRequest { subject: s.into(), request_id: String::new() };
    api.follow(as_account(1, follow(&subject(PARIS, "reports", 1)))).await.expect("follow");
    api.follow(as_account(1, follow(&subject(LYON, "publications", 2)))).await.expect("follow");
    api.unfollow(as_account(1, unfollow(&subject(LYON, "publications", 2)))).await.expect("unfollow");
    api.unfollow(as_account(2, unfollow(&subject(PARIS, "proposals", 3)))).await.expect("opt out");
    let subscribe = |subscription| pb::SubscribeRequest {
        parent: format!("communes/{PARIS}"),
        subscription: Some(subscription),
        request_id: String::new(),
    };
    let area = pb::Subscription {
        kind: pb::SubscriptionKind::Area.into(),
        area: Some(pb::Area { latitude: 48.8566123, longitude: 2.3522, radius_m: 250 }),
        ..Default::default()
    };
    let roads = pb::Subscription {
        kind: pb::SubscriptionKind::Category.into(),
        category: "voirie".into(),
        ..Default::default()
    };
    let citizen = pb::Subscription {
        kind: pb::SubscriptionKind::Space.into(),
        space: pb::Space::Citizen.into(),
        ..Default::default()
    };
    api.subscribe(as_account(1, subscribe(area))).await.expect("area");
    api.subscribe(as_account(2, subscribe(roads))).await.expect("category");
    let cancelled = api.subscribe(as_account(2, subscribe(citizen))).await.expect("space").into_inner();
    let name = cancelled.subscription.expect("subscription").name;
    let cancel = pb::CancelSubscriptionRequest { name, request_id: String::new() };
    api.cancel_subscription(as_account(2, cancel)).await.expect("cancel");
    let preferences = pb::Preferences {
        email_cadence: pb::EmailCadence::Daily.into(),
        locale: "en".into(),
        department_reports: false,
        updated_at_us: 0,
    };
    let set = pb::SetMyPreferencesRequest { preferences: Some(preferences), request_id: String::new() };
    api.set_my_preferences(as_account(1, set)).await.expect("preferences");

    let events = h.store.read_log(0, 1000).await.expect("log");
    assert_eq!(events.len(), 9);
    let fresh = TestDatabase::new(backend).await;
    miroir_notifications::migrate_database(&fresh.db).await.expect("migrate");
    let mut conn = fresh.db.pool().acquire().await.expect("connection");
    for event in &events {
        NotificationsView.apply(&mut conn, event).await.expect("apply");
    }
    drop(conn);
    let rebuilt = rows(&fresh.db).await;
    assert_eq!(rebuilt.len(), 3 + 2 + 1, "three follows, two subscriptions, one account's preferences");
    assert_eq!(rows(&h.db.db).await, rebuilt);
}

on_both_backends!(the_read_model_rebuilt_from_the_log_is_identical);
