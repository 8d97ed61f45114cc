//! Following and unfollowing subjects, on PostgreSQL and SQLite: idempotent
//! on `request_id`, listed newest first by page, an explicit unfollow kept
//! even before any follow, bad input refused on its field, and each account
//! alone with its own follows.

mod support;

use miroir_notifications::api::NotificationsApi;
use miroir_platform::storage::Backend;
use miroir_proto::notifications::v1 as pb;
use miroir_proto::notifications::v1::notifications_server::Notifications as _;
use sqlx::Row;
use support::{LYON, PARIS, account, as_account, as_client, field, start, subject};
use tonic::{Code, Request};

fn follow(subject: &str, request_id: &str) -> pb::FollowRequest {
    pb::FollowRequest { subject: subject.into(), request_id: request_id.into() }
}

fn unfollow(subject: &str, request_id: &str) -> pb::UnfollowRequest {
    pb::UnfollowRequest { subject: subject.into(), request_id: request_id.into() }
}

/// Every subject account `n` follows, page by page (`page_size` each).
async fn followed(api: &NotificationsApi, n: u32, page_size: i32) -> Vec<String> {
    let (mut subjects, mut page_token) = (Vec::new(), String::new());
    loop {
        let request = as_account(n, pb::ListMyFollowsRequest { page_size, page_token: page_token.clone() });
        let page = api.list_my_follows(request).await.expect("list").into_inner();
        assert!(page.follows.iter().all(|f| f.following && f.origin() == pb::FollowOrigin::Explicit));
        subjects.extend(page.follows.into_iter().map(|f| f.subject));
        if page.next_page_token.is_empty() {
            return subjects;
        }
        page_token = page.next_page_token;
    }
}

async fn following_is_idempotent_and_listed_newest_first(backend: Backend) {
    let h = start(backend).await;
    let report = subject(PARIS, "reports", 1);
    let first = h.api.follow(as_account(1, follow(&report, "follow-1"))).await.expect("follow").into_inner();
    let followed_now = first.follow.clone().expect("follow");
    assert_eq!((followed_now.subject.as_str(), followed_now.following), (report.as_str(), true));
    assert!(first.log_position > 0);
    let retry = h.api.follow(as_account(1, follow(&report, "follow-1"))).await.expect("retry").into_inner();
    assert_eq!(retry, first, "a retry is answered with the first result");
    let again = h.api.follow(as_account(1, follow(&report, ""))).await.expect("again").into_inner();
    assert_eq!(again.log_position, 0, "following what is followed records nothing");
    assert_eq!(h.head().await, first.log_position);

    // Any form of the id names the same subject.
    let question = subject(PARIS, "questions", 2);
    let shouted = format!("communes/{PARIS}/questions/0190C0DE00007000800000000000000{}", 2);
    h.api.follow(as_account(1, follow(&shouted, ""))).await.expect("an id without hyphens, in capitals");
    let project = subject(LYON, "publications", 3);
    h.api.follow(as_account(1, follow(&project, ""))).await.expect("another commune's project");
    assert_eq!(followed(&h.api, 1, 2).await, [project.clone(), question.clone(), report.clone()]);

    let unfollowed = h.api.unfollow(as_account(1, unfollow(&question, "unfollow-1"))).await.expect("unfollow");
    let unfollowed = unfollowed.into_inner();
    assert_eq!(unfollowed.follow.as_ref().map(|f| f.following), Some(false));
    let retry = h.api.unfollow(as_account(1, unfollow(&question, "unfollow-1"))).await.expect("retry").into_inner();
    assert_eq!(retry, unfollowed);
    let again = h.api.unfollow(as_account(1, unfollow(&question, ""))).await.expect("again").into_inner();
    assert_eq!(again.log_position, 0);
    assert_eq!(followed(&h.api, 1, 20).await, [project, report]);
}

async fn an_unfollow_is_kept_even_before_any_follow(backend: Backend) {
    let h = start(backend).await;
    let proposal = subject(PARIS, "proposals", 7);
    let response = h.api.unfollow(as_account(1, unfollow(&proposal, ""))).await.expect("opt out").into_inner();
    assert!(response.log_position > 0, "the choice is recorded");
    assert_eq!(response.follow.map(|f| (f.following, f.origin())), Some((false, pb::FollowOrigin::Explicit)));
    // The row keeps the choice, so that an implicit follow written later (the
    // intake's INSERT … ON CONFLICT DO NOTHING) does not override it.
    let row = sqlx::query("SELECT following, origin, commune FROM follows WHERE account_id = $1 AND subject = $2")
        .bind(account(1))
        .bind(&proposal)
        .fetch_one(h.db.db.pool())
        .await
        .expect("row");
    let (following, origin, commune): (i64, String, String) = (row.get(0), row.get(1), row.get(2));
    assert_eq!((following, origin.as_str(), commune.as_str()), (0, "explicit", PARIS));
    assert!(followed(&h.api, 1, 20).await.is_empty());

    h.api.follow(as_account(1, follow(&proposal, ""))).await.expect("changes its mind");
    assert_eq!(followed(&h.api, 1, 20).await, std::slice::from_ref(&proposal));

    // One subject's state, for the account alone: followed, unfollowed, or never chosen.
    let one = |n: u32, subject: &str| {
        let request = as_account(n, pb::GetMyFollowRequest { subject: subject.into() });
        let api = &h.api;
        async move { api.get_my_follow(request).await.expect("get").into_inner() }
    };
    let mine = one(1, &proposal).await;
    assert_eq!((mine.following, mine.origin()), (true, pb::FollowOrigin::Explicit));
    let theirs = one(2, &proposal).await;
    assert_eq!((theirs.following, theirs.origin(), theirs.since_us), (false, pb::FollowOrigin::Unspecified, 0));
    let bad = h.api.get_my_follow(as_account(1, pb::GetMyFollowRequest { subject: "communes/x".into() })).await;
    assert_eq!(bad.expect_err("bad subject").code(), Code::InvalidArgument);
    let anonymous = h.api.get_my_follow(Request::new(pb::GetMyFollowRequest { subject: proposal.clone() })).await;
    assert_eq!(anonymous.expect_err("anonymous").code(), Code::Unauthenticated);
}

async fn bad_input_is_refused_on_its_field(backend: Backend) {
    let h = start(backend).await;
    let report = subject(PARIS, "reports", 1);
    for bad in [
        String::new(),
        "communes/7505/reports/0190c0de-0000-7000-8000-000000000001".to_owned(),
        subject(PARIS, "comments", 1),
        "communes/75056/reports/42".to_owned(),
    ] {
        let refused = h.api.follow(as_account(1, follow(&bad, ""))).await.expect_err("bad subject");
        assert_eq!((refused.code(), field(&refused).as_deref()), (Code::InvalidArgument, Some("subject")), "{bad}");
        let refused = h.api.unfollow(as_account(1, unfollow(&bad, ""))).await.expect_err("bad subject");
        assert_eq!(field(&refused).as_deref(), Some("subject"), "{bad}");
    }
    let refused = h.api.follow(as_account(1, follow(&report, &"x".repeat(101)))).await.expect_err("long id");
    assert_eq!(field(&refused).as_deref(), Some("request_id"));
    let list = |page_size, page_token: &str| pb::ListMyFollowsRequest { page_size, page_token: page_token.into() };
    let refused = h.api.list_my_follows(as_account(1, list(101, ""))).await.expect_err("page size");
    assert_eq!(field(&refused).as_deref(), Some("page_size"));
    let refused = h.api.list_my_follows(as_account(1, list(0, "nope"))).await.expect_err("token");
    assert_eq!(field(&refused).as_deref(), Some("page_token"));
    assert_eq!(h.head().await, 0, "nothing was recorded");

    // Only a signed-in account has follows: not nobody, not an integration client.
    let anonymous = h.api.follow(Request::new(follow(&report, ""))).await.expect_err("anonymous");
    assert_eq!(anonymous.code(), Code::Unauthenticated);
    let anonymous = h.api.list_my_follows(Request::new(list(0, ""))).await.expect_err("anonymous");
    assert_eq!(anonymous.code(), Code::Unauthenticated);
    let client = h.api.follow(as_client(follow(&report, ""))).await.expect_err("client");
    assert_eq!(client.code(), Code::PermissionDenied);
}

async fn each_account_has_its_own_follows_and_request_ids(backend: Backend) {
    let h = start(backend).await;
    let (report, question) = (subject(PARIS, "reports", 1), subject(PARIS, "questions", 2));
    let first = h.api.follow(as_account(1, follow(&report, "same"))).await.expect("1 follows").into_inner();
    // Account 2 picks the same request id: it gets its own follow, not account 1's answer.
    let second = h.api.follow(as_account(2, follow(&question, "same"))).await.expect("2 follows").into_inner();
    assert_eq!(second.follow.as_ref().map(|f| f.subject.as_str()), Some(question.as_str()));
    assert!(second.log_position > first.log_position);
    assert_eq!(followed(&h.api, 1, 20).await, std::slice::from_ref(&report));
    assert_eq!(followed(&h.api, 2, 20).await, std::slice::from_ref(&question));

    // Account 2 unfollowing account 1's subject changes only its own choice.
    h.api.unfollow(as_account(2, unfollow(&report, ""))).await.expect("2 opts out");
    assert_eq!(followed(&h.api, 1, 20).await, [report]);
    assert_eq!(followed(&h.api, 2, 20).await, [question]);

    // A request id already used for a follow, used again for a subscription,
    // is not answered about the follow.
    let space = pb::Subscription {
        kind: pb::SubscriptionKind::Space.into(),
        space: pb::Space::Citizen.into(),
        ..Default::default()
    };
    let subscribe = pb::SubscribeRequest {
        parent: format!("communes/{PARIS}"),
        subscription: Some(space),
        request_id: "same".into(),
    };
    let subscribed = h.api.subscribe(as_account(1, subscribe)).await.expect("subscribe").into_inner();
    assert!(subscribed.log_position > second.log_position);
    assert_eq!(subscribed.subscription.map(|s| s.space()), Some(pb::Space::Citizen));
}

on_both_backends!(
    following_is_idempotent_and_listed_newest_first,
    an_unfollow_is_kept_even_before_any_follow,
    bad_input_is_refused_on_its_field,
    each_account_has_its_own_follows_and_request_ids,
);
