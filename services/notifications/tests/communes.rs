//! Follows and subscriptions are taken only for communes registered in
//! identity and not suspended, as the other services' commands are: the
//! service follows identity's log (here through the in-process feed over
//! identity's real store), on PostgreSQL and SQLite. Any commune on Miroir
//! will do, not only the account's own. Stopping (unfollow, cancel,
//! preferences) and reading are taken whatever the commune's state.

mod support;

use miroir_communes::Refusal;
use miroir_eventstore::feed::LocalFeed;
use miroir_identity::{Identity, IdentityConfig, operator_cli};
use miroir_notifications::api::NotificationsApi;
use miroir_platform::storage::Backend;
use miroir_platform::storage::Database;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::notifications::v1 as pb;
use miroir_proto::notifications::v1::notifications_server::Notifications as _;
use support::{PARIS, as_account, field, start_with, subject};
use tokio_util::sync::CancellationToken;
use tonic::Code;

const RENNES: &str = "35238";
const NOT_ON_MIROIR: &str = "13055";

/// Brings notifications' copy of identity's communes up to identity's head.
async fn catch_up(db: &Database, identity: &Identity) {
    let head = identity.store().head().await.expect("head");
    let feed = LocalFeed::new([identity.store().clone()]);
    let reached = miroir_communes::follow(
        db,
        &feed,
        miroir_notifications::COMMUNES_CONSUMER,
        Some(head),
        CancellationToken::new(),
    )
    .await
    .expect("follow identity");
    assert_eq!(reached, head);
}

fn follow(subject: &str) -> pb::FollowRequest {
    pb::FollowRequest { subject: subject.into(), request_id: String::new() }
}

fn subscribe(commune: &str) -> pb::SubscribeRequest {
    pb::SubscribeRequest {
        parent: format!("communes/{commune}"),
        subscription: Some(pb::Subscription {
            kind: pb::SubscriptionKind::Space.into(),
            space: pb::Space::Official.into(),
            ..Default::default()
        }),
        request_id: String::new(),
    }
}

async fn follows_and_subscriptions_need_a_registered_open_commune(backend: Backend) {
    let identity_db = TestDatabase::new(backend).await;
    miroir_identity::migrate_database(&identity_db.db).await.expect("migrate identity");
    let config = IdentityConfig { log_links: false, public_url: String::new() };
    let identity = miroir_identity::open(identity_db.db.clone(), config).await.expect("identity");
    identity.register_commune(&operator_cli(), RENNES, "Rennes", "35", "", 7, "").await.expect("register");
    let h = start_with(backend, NotificationsApi::requiring_registered_communes).await;
    let api = &h.api;
    // Account 1 is a resident of Paris (its only grant): Rennes' subjects are fine to follow.
    let report = subject(RENNES, "reports", 1);

    let unknown = api.follow(as_account(1, follow(&report))).await.expect_err("not heard of yet");
    assert_eq!((unknown.code(), field(&unknown).as_deref()), (Code::InvalidArgument, Some("subject")));
    catch_up(&h.db.db, &identity).await;
    api.follow(as_account(1, follow(&report))).await.expect("a registered commune's report");
    let subscribed = api.subscribe(as_account(1, subscribe(RENNES))).await.expect("a registered commune");
    let subscription = subscribed.into_inner().subscription.expect("subscription").name;

    let unknown = api.follow(as_account(1, follow(&subject(NOT_ON_MIROIR, "questions", 2)))).await;
    let unknown = unknown.expect_err("not on Miroir");
    assert_eq!((unknown.code(), field(&unknown).as_deref()), (Code::InvalidArgument, Some("subject")));
    assert!(unknown.message().contains(Refusal::UNKNOWN_REASON), "{}", unknown.message());
    let unknown = api.subscribe(as_account(1, subscribe(NOT_ON_MIROIR))).await.expect_err("not on Miroir");
    assert_eq!((unknown.code(), field(&unknown).as_deref()), (Code::InvalidArgument, Some("parent")));
    // Paris is not registered in this test's identity either.
    assert!(api.subscribe(as_account(1, subscribe(PARIS))).await.is_err());

    identity.suspend_commune(&operator_cli(), RENNES, "fin de convention").await.expect("suspend");
    catch_up(&h.db.db, &identity).await;
    let suspended = api.follow(as_account(1, follow(&subject(RENNES, "proposals", 3)))).await.expect_err("suspended");
    assert_eq!((suspended.code(), suspended.message()), (Code::FailedPrecondition, Refusal::SUSPENDED_MESSAGE));
    let suspended = api.subscribe(as_account(2, subscribe(RENNES))).await.expect_err("suspended");
    assert_eq!(suspended.code(), Code::FailedPrecondition);
    // Stopping is always possible, and reads stay open.
    let unfollow = pb::UnfollowRequest { subject: report.clone(), request_id: String::new() };
    api.unfollow(as_account(1, unfollow)).await.expect("unfollow while suspended");
    let cancel = pb::CancelSubscriptionRequest { name: subscription, request_id: String::new() };
    api.cancel_subscription(as_account(1, cancel)).await.expect("cancel while suspended");
    let list = api.list_my_follows(as_account(1, pb::ListMyFollowsRequest::default())).await.expect("read");
    assert!(list.into_inner().follows.is_empty());

    identity.reactivate_commune(&operator_cli(), RENNES).await.expect("reactivate");
    catch_up(&h.db.db, &identity).await;
    api.follow(as_account(1, follow(&report))).await.expect("open again");
    api.subscribe(as_account(2, subscribe(RENNES))).await.expect("open again");
}

on_both_backends!(follows_and_subscriptions_need_a_registered_open_commune);
