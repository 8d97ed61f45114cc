//! An account's preferences, on PostgreSQL and SQLite: the defaults until it
//! sets its own, every field replaced at once, nothing recorded when nothing
//! changes, bad values refused on their field, and nobody else's read or changed.

mod support;

use miroir_platform::storage::Backend;
use miroir_proto::notifications::v1 as pb;
use miroir_proto::notifications::v1::notifications_server::Notifications as _;
use support::{as_account, as_client, field, start};
use tonic::{Code, Request};

fn weekly_in_english() -> pb::Preferences {
    pb::Preferences {
        email_cadence: pb::EmailCadence::Weekly.into(),
        locale: "en".into(),
        department_reports: false,
        updated_at_us: 0,
    }
}

fn set(preferences: Option<pb::Preferences>, request_id: &str) -> pb::SetMyPreferencesRequest {
    pb::SetMyPreferencesRequest { preferences, request_id: request_id.into() }
}

async fn preferences_are_the_defaults_until_set(backend: Backend) {
    let h = start(backend).await;
    let defaults = pb::Preferences {
        email_cadence: pb::EmailCadence::Immediately.into(),
        locale: "fr".into(),
        department_reports: true,
        updated_at_us: 0,
    };
    let read = |n| h.api.get_my_preferences(as_account(n, pb::GetMyPreferencesRequest {}));
    assert_eq!(read(1).await.expect("defaults").into_inner(), defaults);
    let same = h.api.set_my_preferences(as_account(1, set(Some(defaults.clone()), ""))).await.expect("defaults");
    assert_eq!(same.into_inner().log_position, 0, "setting the defaults changes nothing");

    let first = h.api.set_my_preferences(as_account(1, set(Some(weekly_in_english()), "prefs-1"))).await;
    let first = first.expect("set").into_inner();
    let set_now = first.preferences.clone().expect("preferences");
    assert!(first.log_position > 0 && set_now.updated_at_us > 0);
    assert_eq!(set_now, pb::Preferences { updated_at_us: set_now.updated_at_us, ..weekly_in_english() });
    assert_eq!(read(1).await.expect("read").into_inner(), set_now);
    let retry = h.api.set_my_preferences(as_account(1, set(Some(weekly_in_english()), "prefs-1"))).await;
    assert_eq!(retry.expect("retry").into_inner(), first);
    let again = h.api.set_my_preferences(as_account(1, set(Some(weekly_in_english()), ""))).await;
    assert_eq!(again.expect("again").into_inner().log_position, 0);

    // Account 2 reads its own (the defaults), and its request id is its own.
    assert_eq!(read(2).await.expect("2's").into_inner(), defaults);
    let never = pb::Preferences { email_cadence: pb::EmailCadence::Never.into(), ..defaults.clone() };
    let theirs = h.api.set_my_preferences(as_account(2, set(Some(never.clone()), "prefs-1"))).await;
    let theirs = theirs.expect("2 sets").into_inner().preferences.expect("preferences");
    assert_eq!(theirs.email_cadence(), pb::EmailCadence::Never);
    assert_eq!(read(1).await.expect("1's").into_inner(), set_now, "account 1's are untouched");
    assert_eq!(read(2).await.expect("2's").into_inner().email_cadence(), pb::EmailCadence::Never);
}

async fn bad_preferences_are_refused_on_their_field(backend: Backend) {
    let h = start(backend).await;
    let cases = [
        ("preferences", set(None, "")),
        ("preferences.email_cadence", set(Some(pb::Preferences { email_cadence: 0, ..weekly_in_english() }), "")),
        ("preferences.email_cadence", set(Some(pb::Preferences { email_cadence: 9, ..weekly_in_english() }), "")),
        ("preferences.locale", set(Some(pb::Preferences { locale: String::new(), ..weekly_in_english() }), "")),
        ("preferences.locale", set(Some(pb::Preferences { locale: "de".into(), ..weekly_in_english() }), "")),
        ("request_id", set(Some(weekly_in_english()), &"x".repeat(101))),
    ];
    for (expected, request) in cases {
        let refused = h.api.set_my_preferences(as_account(1, request)).await.expect_err(expected);
        assert_eq!((refused.code(), field(&refused).as_deref()), (Code::InvalidArgument, Some(expected)));
    }
    assert_eq!(h.head().await, 0, "nothing was recorded");
    let anonymous = h.api.get_my_preferences(Request::new(pb::GetMyPreferencesRequest {})).await;
    assert_eq!(anonymous.expect_err("anonymous").code(), Code::Unauthenticated);
    let client = h.api.set_my_preferences(as_client(set(Some(weekly_in_english()), ""))).await;
    assert_eq!(client.expect_err("client").code(), Code::PermissionDenied);
}

on_both_backends!(preferences_are_the_defaults_until_set, bad_preferences_are_refused_on_their_field);
