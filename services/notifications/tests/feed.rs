//! The feed RPCs, on PostgreSQL and SQLite: an account lists its own items
//! newest first by page (all, or unread only), counts what it has not read,
//! and marks items read by id or up to a time; it never sees nor marks
//! another account's items; an item scheduled for later shows from its time;
//! bad input is refused on its field.

mod support;

use miroir_platform::clock::now_us;
use miroir_platform::storage::Backend;
use miroir_proto::notifications::v1 as pb;
use miroir_proto::notifications::v1::notifications_server::Notifications as _;
use sqlx::Row;
use support::{Harness, PARIS, account, as_account, as_client, field, start};
use tonic::{Code, Request};

const MINUTE_US: i64 = 60_000_000;

/// An item in account `n`'s feed, as the intake writes it.
async fn item(h: &Harness, n: u32, id: &str, event_type: &str, occurred_at_us: i64) {
    sqlx::query(
        "INSERT INTO feed_items (account_id, source_event, commune, subject, event_type, params, occurred_at_us) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(account(n))
    .bind(id)
    .bind(PARIS)
    .bind(format!("communes/{PARIS}/reports/0190c0de-0000-7000-8000-000000000001"))
    .bind(event_type)
    .bind(r#"{"commune":"75056","status":"resolved","title":"Nid-de-poule"}"#)
    .bind(occurred_at_us)
    .execute(h.db.db.pool())
    .await
    .expect("item");
}

async fn list(h: &Harness, n: u32, page_size: i32, unread_only: bool) -> Vec<pb::FeedItem> {
    let (mut items, mut page_token) = (Vec::new(), String::new());
    loop {
        let request =
            pb::ListMyFeedRequest { page_size, page_token: page_token.clone(), unread_only, language: String::new() };
        let page = h.api.list_my_feed(as_account(n, request)).await.expect("list").into_inner();
        assert!(page.items.len() <= usize::try_from(page_size).unwrap_or_default());
        items.extend(page.items);
        if page.next_page_token.is_empty() {
            return items;
        }
        page_token = page.next_page_token;
    }
}

fn ids(items: &[pb::FeedItem]) -> Vec<&str> {
    items.iter().map(|i| i.id.as_str()).collect()
}

async fn unread(h: &Harness, n: u32) -> u64 {
    h.api.count_my_unread(as_account(n, pb::CountMyUnreadRequest {})).await.expect("count").into_inner().unread
}

async fn mark(h: &Harness, n: u32, ids: &[&str], up_to_us: i64) -> Result<pb::MarkFeedReadResponse, tonic::Status> {
    let request = pb::MarkFeedReadRequest { ids: ids.iter().map(|id| (*id).to_owned()).collect(), up_to_us };
    h.api.mark_feed_read(as_account(n, request)).await.map(tonic::Response::into_inner)
}

async fn an_account_reads_and_marks_its_own_feed_only(backend: Backend) {
    let h = start(backend).await;
    let now = now_us();
    item(&h, 1, "reports/1", "report_submitted", now - 5 * MINUTE_US).await;
    item(&h, 1, "reports/7", "report_resolved", now - 3 * MINUTE_US).await;
    item(&h, 1, "dialogue/4", "comment_posted", now - 3 * MINUTE_US).await;
    item(&h, 1, "publications/2", "publication_published", now - MINUTE_US).await;
    // Scheduled for later: not there yet.
    item(&h, 1, "publications/3", "publication_published", now + 60 * MINUTE_US).await;
    item(&h, 2, "reports/7", "report_resolved", now - 3 * MINUTE_US).await;
    item(&h, 2, "reports/9", "report_resolved", now - 2 * MINUTE_US).await;

    let all = list(&h, 1, 2, false).await;
    assert_eq!(ids(&all), ["publications/2", "reports/7", "dialogue/4", "reports/1"]);
    let first = &all[1];
    assert_eq!((first.event_type.as_str(), first.commune.as_str(), first.read), ("report_resolved", PARIS, false));
    assert_eq!(first.params.get("title").map(String::as_str), Some("Nid-de-poule"));
    // Said in one line, in the language asked for, with the subject's page on the site.
    assert!(first.text.contains("Nid-de-poule") && first.text.starts_with("Signalement"), "{}", first.text);
    assert_eq!(first.href, "/c/75056/citoyen/signalements/0190c0de-0000-7000-8000-000000000001");
    let english =
        pb::ListMyFeedRequest { page_size: 1, page_token: String::new(), unread_only: false, language: "en".into() };
    let english = h.api.list_my_feed(as_account(1, english)).await.expect("list").into_inner();
    assert!(
        english.items[0].text.contains("Nid") && !english.items[0].text.starts_with("Signalement"),
        "{:?}",
        english.items[0].text
    );
    assert_eq!(first.subject, format!("communes/{PARIS}/reports/0190c0de-0000-7000-8000-000000000001"));
    assert_eq!(unread(&h, 1).await, 4);
    assert_eq!(ids(&list(&h, 2, 20, false).await), ["reports/9", "reports/7"]);

    // Account 1 marks its "reports/7", and tries account 2's "reports/9".
    let marked = mark(&h, 1, &["reports/7", "reports/9", "reports/7"], 0).await.expect("mark");
    assert_eq!((marked.marked, marked.unread), (1, 3));
    assert_eq!(ids(&list(&h, 1, 20, true).await), ["publications/2", "dialogue/4", "reports/1"]);
    assert!(list(&h, 1, 20, false).await.iter().any(|i| i.id == "reports/7" && i.read));
    assert_eq!(unread(&h, 2).await, 2, "account 2's items are untouched");
    assert!(list(&h, 2, 20, false).await.iter().all(|i| !i.read));

    // Everything up to a time (not what is scheduled later, nor another account's).
    let marked = mark(&h, 1, &[], now - 2 * MINUTE_US).await.expect("mark up to");
    assert_eq!((marked.marked, marked.unread), (2, 1));
    assert_eq!(ids(&list(&h, 1, 20, true).await), ["publications/2"]);
    let marked = mark(&h, 1, &[], now + 120 * MINUTE_US).await.expect("mark all");
    assert_eq!((marked.marked, marked.unread), (1, 0));
    assert!(list(&h, 1, 20, true).await.is_empty());
    assert_eq!(unread(&h, 2).await, 2);
    assert_eq!(unread_rows(&h, 1).await, 1, "the scheduled item stays unread until it shows");
}

/// How many of account `n`'s items are unread, visible yet or not.
async fn unread_rows(h: &Harness, n: u32) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM feed_items WHERE account_id = $1 AND read_at_us IS NULL")
        .bind(account(n))
        .fetch_one(h.db.db.pool())
        .await
        .expect("count")
        .get(0)
}

async fn bad_requests_are_refused_on_their_field(backend: Backend) {
    let h = start(backend).await;
    let refused = mark(&h, 1, &[], 0).await.expect_err("nothing to mark");
    assert_eq!((refused.code(), field(&refused).as_deref()), (Code::InvalidArgument, Some("ids")));
    let refused = mark(&h, 1, &["reports/1"], now_us()).await.expect_err("both");
    assert_eq!(field(&refused).as_deref(), Some("up_to_us"));
    let refused = mark(&h, 1, &[], -1).await.expect_err("negative");
    assert_eq!(field(&refused).as_deref(), Some("up_to_us"));
    let refused = mark(&h, 1, &["reports/1", "reports/x"], 0).await.expect_err("not an id");
    assert_eq!(field(&refused).as_deref(), Some("ids[1]"));
    let many: Vec<String> = (1..=101).map(|n| format!("reports/{n}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let refused = mark(&h, 1, &many, 0).await.expect_err("too many");
    assert_eq!(field(&refused).as_deref(), Some("ids"));

    for (page_size, page_token, bad) in [(101, "", "page_size"), (-1, "", "page_size"), (0, "zz", "page_token")] {
        let request = pb::ListMyFeedRequest {
            page_size,
            page_token: page_token.into(),
            unread_only: false,
            language: String::new(),
        };
        let refused = h.api.list_my_feed(as_account(1, request)).await.expect_err("bad list");
        assert_eq!((refused.code(), field(&refused).as_deref()), (Code::InvalidArgument, Some(bad)));
    }
}

async fn only_a_signed_in_account_has_a_feed(backend: Backend) {
    let h = start(backend).await;
    item(&h, 1, "reports/1", "report_resolved", now_us() - MINUTE_US).await;
    let refused = h.api.list_my_feed(as_client(pb::ListMyFeedRequest::default())).await.expect_err("client");
    assert_eq!(refused.code(), Code::PermissionDenied);
    let refused = h.api.count_my_unread(as_client(pb::CountMyUnreadRequest {})).await.expect_err("client");
    assert_eq!(refused.code(), Code::PermissionDenied);
    let request = pb::MarkFeedReadRequest { ids: vec!["reports/1".into()], up_to_us: 0 };
    let refused = h.api.mark_feed_read(as_client(request)).await.expect_err("client");
    assert_eq!(refused.code(), Code::PermissionDenied);
    let refused = h.api.list_my_feed(Request::new(pb::ListMyFeedRequest::default())).await.expect_err("nobody");
    assert_eq!(refused.code(), Code::Unauthenticated);
    assert_eq!(unread(&h, 1).await, 1);
}

on_both_backends!(
    an_account_reads_and_marks_its_own_feed_only,
    bad_requests_are_refused_on_their_field,
    only_a_signed_in_account_has_a_feed,
);
