//! Subscriptions to a category, an area or a space of a commune, on
//! PostgreSQL and SQLite: each kind recorded and listed, the same one not
//! duplicated, bad input refused field by field, only its owner seeing and
//! cancelling it, and a limit per account.

mod support;

use miroir_notifications::api::NotificationsApi;
use miroir_platform::storage::Backend;
use miroir_proto::notifications::v1 as pb;
use miroir_proto::notifications::v1::notifications_server::Notifications as _;
use support::{LYON, PARIS, as_account, as_client, field, start, start_with};
use tonic::{Code, Request};

fn category(code: &str) -> pb::Subscription {
    pb::Subscription { kind: pb::SubscriptionKind::Category.into(), category: code.into(), ..Default::default() }
}

fn area(latitude: f64, longitude: f64, radius_m: u32) -> pb::Subscription {
    pb::Subscription {
        kind: pb::SubscriptionKind::Area.into(),
        area: Some(pb::Area { latitude, longitude, radius_m }),
        ..Default::default()
    }
}

fn space(space: pb::Space) -> pb::Subscription {
    pb::Subscription { kind: pb::SubscriptionKind::Space.into(), space: space.into(), ..Default::default() }
}

fn subscribe(commune: &str, subscription: pb::Subscription, request_id: &str) -> pb::SubscribeRequest {
    pb::SubscribeRequest {
        parent: format!("communes/{commune}"),
        subscription: Some(subscription),
        request_id: request_id.into(),
    }
}

fn cancel(name: &str, request_id: &str) -> pb::CancelSubscriptionRequest {
    pb::CancelSubscriptionRequest { name: name.into(), request_id: request_id.into() }
}

/// Account `n`'s subscriptions in `parent` ("" = all), page by page.
async fn subscriptions(api: &NotificationsApi, n: u32, parent: &str, page_size: i32) -> Vec<pb::Subscription> {
    let (mut all, mut page_token) = (Vec::new(), String::new());
    loop {
        let request =
            pb::ListMySubscriptionsRequest { parent: parent.into(), page_size, page_token: page_token.clone() };
        let page = api.list_my_subscriptions(as_account(n, request)).await.expect("list").into_inner();
        all.extend(page.subscriptions);
        if page.next_page_token.is_empty() {
            return all;
        }
        page_token = page.next_page_token;
    }
}

async fn subscribed(api: &NotificationsApi, n: u32, request: pb::SubscribeRequest) -> pb::SubscriptionResponse {
    api.subscribe(as_account(n, request)).await.expect("subscribe").into_inner()
}

async fn each_kind_is_recorded_listed_and_not_duplicated(backend: Backend) {
    let h = start(backend).await;
    let roads = subscribed(&h.api, 1, subscribe(PARIS, category("voirie"), "sub-1")).await;
    let retry = subscribed(&h.api, 1, subscribe(PARIS, category("voirie"), "sub-1")).await;
    assert_eq!(retry, roads, "a retry is answered with the first result");
    let same = subscribed(&h.api, 1, subscribe(PARIS, category("voirie"), "")).await;
    assert_eq!((same.subscription.as_ref(), same.log_position), (roads.subscription.as_ref(), 0), "not duplicated");
    let roads = roads.subscription.expect("subscription");
    assert!(roads.name.starts_with("communes/75056/subscriptions/"), "{}", roads.name);
    assert_eq!(
        (roads.kind(), roads.category.as_str(), roads.area, roads.space()),
        (pb::SubscriptionKind::Category, "voirie", None, pb::Space::Unspecified)
    );

    // Kept to the microdegree, as it is stored.
    let street = subscribed(&h.api, 1, subscribe(PARIS, area(48.85661234, 2.35221987, 400), "")).await;
    let street = street.subscription.expect("subscription");
    assert_eq!(street.area, Some(pb::Area { latitude: 48.856612, longitude: 2.35222, radius_m: 400 }));
    let wider = subscribed(&h.api, 1, subscribe(PARIS, area(48.856612, 2.35222, 800), "")).await;
    assert!(wider.log_position > 0, "another radius is another area");
    let citizen = subscribed(&h.api, 1, subscribe(PARIS, space(pb::Space::Citizen), "")).await;
    let official = subscribed(&h.api, 1, subscribe(PARIS, space(pb::Space::Official), "")).await;
    let lyon = subscribed(&h.api, 1, subscribe(LYON, space(pb::Space::Official), "")).await;

    let names = |list: Vec<pb::Subscription>| list.into_iter().map(|s| s.name).collect::<Vec<_>>();
    let name = |r: &pb::SubscriptionResponse| r.subscription.as_ref().map(|s| s.name.clone()).unwrap_or_default();
    let listed = subscriptions(&h.api, 1, "", 2).await;
    assert_eq!(listed[4], street, "listed as answered");
    assert_eq!(listed[5], roads);
    assert_eq!(
        names(listed),
        [name(&lyon), name(&official), name(&citizen), name(&wider), street.name.clone(), roads.name.clone()]
    );
    assert_eq!(names(subscriptions(&h.api, 1, &format!("communes/{LYON}"), 20).await), [name(&lyon)]);
}

async fn bad_subscriptions_are_refused_field_by_field(backend: Backend) {
    let h = start(backend).await;
    let roads = || Some(category("voirie"));
    let cases: Vec<(&str, pb::SubscribeRequest)> = vec![
        ("parent", pb::SubscribeRequest { parent: "communes/7505".into(), ..subscribe(PARIS, category("voirie"), "") }),
        (
            "parent",
            pb::SubscribeRequest { parent: "communes/00123".into(), subscription: roads(), request_id: String::new() },
        ),
        ("parent", pb::SubscribeRequest { parent: PARIS.into(), subscription: roads(), request_id: String::new() }),
        ("subscription", pb::SubscribeRequest { subscription: None, ..subscribe(PARIS, category("voirie"), "") }),
        ("subscription.kind", subscribe(PARIS, pb::Subscription::default(), "")),
        ("subscription.category", subscribe(PARIS, category("Voirie et trottoirs"), "")),
        ("subscription.category", subscribe(PARIS, category(""), "")),
        ("subscription.area.radius_m", subscribe(PARIS, area(48.85, 2.35, 0), "")),
        ("subscription.area.radius_m", subscribe(PARIS, area(48.85, 2.35, 5001), "")),
        ("subscription.area.latitude", subscribe(PARIS, area(90.5, 2.35, 300), "")),
        ("subscription.area.latitude", subscribe(PARIS, area(f64::NAN, 2.35, 300), "")),
        ("subscription.area.longitude", subscribe(PARIS, area(48.85, -180.5, 300), "")),
        ("subscription.area", subscribe(PARIS, pb::Subscription { area: None, ..area(0.0, 0.0, 1) }, "")),
        ("subscription.space", subscribe(PARIS, space(pb::Space::Unspecified), "")),
        ("subscription.space", subscribe(PARIS, pb::Subscription { space: 9, ..space(pb::Space::Citizen) }, "")),
        // The fields of another kind must stay empty.
        (
            "subscription.area",
            subscribe(PARIS, pb::Subscription { area: area(48.85, 2.35, 300).area, ..category("voirie") }, ""),
        ),
        (
            "subscription.space",
            subscribe(PARIS, pb::Subscription { space: pb::Space::Citizen.into(), ..area(48.85, 2.35, 300) }, ""),
        ),
        (
            "subscription.category",
            subscribe(PARIS, pb::Subscription { category: "voirie".into(), ..space(pb::Space::Citizen) }, ""),
        ),
        ("request_id", subscribe(PARIS, category("voirie"), &"x".repeat(101))),
    ];
    for (expected, request) in cases {
        let refused = h.api.subscribe(as_account(1, request.clone())).await.expect_err(expected);
        assert_eq!(
            (refused.code(), field(&refused).as_deref()),
            (Code::InvalidArgument, Some(expected)),
            "{request:?}"
        );
    }
    let list = |parent: &str, page_token: &str, page_size| pb::ListMySubscriptionsRequest {
        parent: parent.into(),
        page_size,
        page_token: page_token.into(),
    };
    for (expected, request) in
        [("parent", list("75056", "", 0)), ("page_size", list("", "", -1)), ("page_token", list("", "p0", 0))]
    {
        let refused = h.api.list_my_subscriptions(as_account(1, request)).await.expect_err(expected);
        assert_eq!(field(&refused).as_deref(), Some(expected));
    }
    for (expected, name) in [("name", "communes/75056/subscriptions/nope"), ("name", "subscriptions/x")] {
        let refused = h.api.cancel_subscription(as_account(1, cancel(name, ""))).await.expect_err(name);
        assert_eq!(field(&refused).as_deref(), Some(expected), "{name}");
    }
    assert_eq!(h.head().await, 0, "nothing was recorded");

    let anonymous = h.api.subscribe(Request::new(subscribe(PARIS, category("voirie"), ""))).await;
    assert_eq!(anonymous.expect_err("anonymous").code(), Code::Unauthenticated);
    let client = h.api.subscribe(as_client(subscribe(PARIS, category("voirie"), ""))).await;
    assert_eq!(client.expect_err("client").code(), Code::PermissionDenied);
}

async fn only_its_owner_sees_and_cancels_a_subscription(backend: Backend) {
    let h = start(backend).await;
    let mine = subscribed(&h.api, 1, subscribe(PARIS, space(pb::Space::Citizen), "")).await;
    let name = mine.subscription.expect("subscription").name;
    assert!(subscriptions(&h.api, 2, "", 20).await.is_empty(), "account 2 sees none of account 1's");
    let refused = h.api.cancel_subscription(as_account(2, cancel(&name, ""))).await.expect_err("not 2's");
    assert_eq!(refused.code(), Code::NotFound);
    let elsewhere = name.replace(PARIS, LYON);
    let refused = h.api.cancel_subscription(as_account(1, cancel(&elsewhere, ""))).await.expect_err("not in Lyon");
    assert_eq!(refused.code(), Code::NotFound);
    // Account 2 subscribing to the same is its own subscription.
    let theirs = subscribed(&h.api, 2, subscribe(PARIS, space(pb::Space::Citizen), "")).await;
    assert!(theirs.log_position > 0);
    assert_eq!(subscriptions(&h.api, 1, "", 20).await.len(), 1);

    let cancelled = h.api.cancel_subscription(as_account(1, cancel(&name, "cancel-1"))).await.expect("cancel");
    let cancelled = cancelled.into_inner();
    assert!(cancelled.log_position > 0);
    let retry = h.api.cancel_subscription(as_account(1, cancel(&name, "cancel-1"))).await.expect("retry");
    assert_eq!(retry.into_inner(), cancelled);
    let again = h.api.cancel_subscription(as_account(1, cancel(&name, ""))).await.expect("again").into_inner();
    assert_eq!(again.log_position, 0, "already cancelled");
    assert!(subscriptions(&h.api, 1, "", 20).await.is_empty());
    assert_eq!(subscriptions(&h.api, 2, "", 20).await.len(), 1, "account 2 keeps its own");
}

async fn an_account_holds_a_limited_number_of_subscriptions(backend: Backend) {
    let h = start_with(backend, |api| api.with_subscription_limit(2)).await;
    subscribed(&h.api, 1, subscribe(PARIS, category("voirie"), "")).await;
    subscribed(&h.api, 1, subscribe(PARIS, category("proprete"), "second")).await;
    let refused = h.api.subscribe(as_account(1, subscribe(PARIS, category("eclairage"), ""))).await;
    assert_eq!(refused.expect_err("third").code(), Code::ResourceExhausted);
    // A retry of a recorded request is no new subscription; asking again for one held neither.
    assert!(h.api.subscribe(as_account(1, subscribe(PARIS, category("proprete"), "second"))).await.is_ok());
    assert!(h.api.subscribe(as_account(1, subscribe(PARIS, category("voirie"), ""))).await.is_ok());
    // Another account has its own allowance.
    subscribed(&h.api, 2, subscribe(PARIS, category("eclairage"), "")).await;
}

on_both_backends!(
    each_kind_is_recorded_listed_and_not_duplicated,
    bad_subscriptions_are_refused_field_by_field,
    only_its_owner_sees_and_cancels_a_subscription,
    an_account_holds_a_limited_number_of_subscriptions,
);
