//! One-click unsubscribe (RFC 8058), on PostgreSQL and SQLite: the token of an
//! e-mail's link stops every e-mail (the feed stays) or one follow, with no
//! sign-in, once; a token this service did not make changes nothing.

mod support;

use miroir_notifications::unsubscribe::{Scope, UnsubscribeKey};
use miroir_platform::storage::Backend;
use miroir_proto::notifications::v1 as pb;
use miroir_proto::notifications::v1::notifications_server::Notifications as _;
use support::{PARIS, account, as_account, field, start, subject};
use tonic::{Code, Request};

async fn a_link_stops_email_or_one_follow_without_signing_in(backend: Backend) {
    let h = start(backend).await;
    let key = UnsubscribeKey::load_or_create(&h.db.db).await.expect("key");
    let report = subject(PARIS, "reports", 1);
    h.api
        .follow(as_account(1, pb::FollowRequest { subject: report.clone(), request_id: String::new() }))
        .await
        .expect("follow");

    // One follow: anyone holding the link (no credentials at all).
    let token = key.token(&account(1), &Scope::Follow(report.clone())).expect("token");
    let done = h
        .api
        .unsubscribe_by_token(Request::new(pb::UnsubscribeByTokenRequest { token: token.clone() }))
        .await
        .expect("one click")
        .into_inner();
    assert_eq!(done.stopped, report);
    assert!(done.log_position > 0);
    let state = h.api.get_my_follow(as_account(1, pb::GetMyFollowRequest { subject: report.clone() })).await;
    assert!(!state.expect("state").into_inner().following, "no longer followed");
    let again = h.api.unsubscribe_by_token(Request::new(pb::UnsubscribeByTokenRequest { token })).await;
    assert_eq!(again.expect("again").into_inner().log_position, 0, "a second click records nothing");

    // Every e-mail: the cadence becomes never, the rest of the preferences stay.
    let english = pb::Preferences {
        email_cadence: pb::EmailCadence::Daily.into(),
        locale: "en".into(),
        department_reports: false,
        updated_at_us: 0,
    };
    h.api
        .set_my_preferences(as_account(
            2,
            pb::SetMyPreferencesRequest { preferences: Some(english), request_id: String::new() },
        ))
        .await
        .expect("preferences");
    let token = key.token(&account(2), &Scope::All).expect("token");
    let done = h.api.unsubscribe_by_token(Request::new(pb::UnsubscribeByTokenRequest { token })).await.expect("all");
    assert_eq!(done.into_inner().stopped, "all");
    let now = h.api.get_my_preferences(as_account(2, pb::GetMyPreferencesRequest {})).await.expect("get").into_inner();
    assert_eq!(
        (now.email_cadence(), now.locale.as_str(), now.department_reports),
        (pb::EmailCadence::Never, "en", false)
    );
    let untouched = h.api.get_my_preferences(as_account(1, pb::GetMyPreferencesRequest {})).await.expect("other");
    assert_eq!(untouched.into_inner().email_cadence(), pb::EmailCadence::Immediately, "only the token's account");

    // Forged, altered or foreign tokens: refused on `token`, nothing recorded.
    let head = h.head().await;
    let genuine = key.token(&account(3), &Scope::All).expect("token");
    let mut altered = genuine.clone().into_bytes();
    altered[2] = if altered[2] == b'A' { b'B' } else { b'A' };
    let foreign = UnsubscribeKey::from_bytes(&[7u8; 32]).token(&account(3), &Scope::All).expect("token");
    for bad in [String::new(), String::from_utf8(altered).expect("ascii"), foreign, "x".repeat(5000)] {
        let refused = h.api.unsubscribe_by_token(Request::new(pb::UnsubscribeByTokenRequest { token: bad })).await;
        let status = refused.expect_err("refused");
        assert_eq!((status.code(), field(&status).as_deref()), (Code::InvalidArgument, Some("token")));
    }
    assert_eq!(h.head().await, head, "nothing written");
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_link_stops_email_or_one_follow_without_signing_in() {
        super::a_link_stops_email_or_one_follow_without_signing_in(super::Backend::Postgres).await;
    }
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_link_stops_email_or_one_follow_without_signing_in() {
        super::a_link_stops_email_or_one_follow_without_signing_in(super::Backend::Sqlite).await;
    }
}
