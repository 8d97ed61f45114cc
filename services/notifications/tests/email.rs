//! The e-mail sender against a real SMTP server (miroir-mail's `SmtpSink`),
//! on PostgreSQL and SQLite. Deliveries are inserted as the intake writes
//! them; the sender claims, renders, sends and marks them. Each message
//! arrives once, with its `Message-ID` and one-click unsubscribe headers, in
//! the recipient's language; a temporary refusal is retried later and a
//! permanent one fails, visibly to the account; nothing goes to an address
//! that is unverified or gone; and neither two senders at once nor a sender
//! stopped mid-burst sends anything twice.

#[path = "support/deliveries.rs"]
mod deliveries;
mod support;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use deliveries::{NewDelivery, attempts, insert, stored};
use miroir_mail::testing::{Received, SmtpSink};
use miroir_mail::{Email, SmtpMailer};
use miroir_notifications::directory::{Recipient, StaticDirectory};
use miroir_notifications::email::{Clock, EmailSender, LogMailer, MailFuture, Mailer, SenderConfig};
use miroir_notifications::unsubscribe::{Scope, UnsubscribeKey};
use miroir_platform::clock::now_us;
use miroir_platform::storage::{Backend, Database, PoolConfig};
use miroir_proto::notifications::v1 as pb;
use miroir_proto::notifications::v1::notifications_server::Notifications as _;
use support::{Harness, account, as_account, field, start};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tonic::Code;

const PUBLIC_URL: &str = "https://miroir.test";
const FROM: &str = "Miroir <ne-pas-repondre@miroir.test>";
const WAIT: Duration = Duration::from_secs(20);

fn address(n: u32) -> String {
    format!("resident{n}@example.fr")
}

/// The wall clock, moved forward by the test to reach a retry's time.
#[derive(Clone, Default)]
struct TestClock(Arc<AtomicI64>);

impl TestClock {
    fn clock(&self) -> Clock {
        let offset = self.0.clone();
        Arc::new(move || now_us() + offset.load(Ordering::SeqCst))
    }

    fn advance(&self, by: Duration) {
        self.0.fetch_add(i64::try_from(by.as_micros()).expect("small"), Ordering::SeqCst);
    }
}

struct Setup {
    h: Harness,
    sink: SmtpSink,
    directory: StaticDirectory,
    key: UnsubscribeKey,
    clock: TestClock,
}

async fn setup(backend: Backend) -> Setup {
    let h = start(backend).await;
    let key = UnsubscribeKey::load_or_create(&h.db.db).await.expect("key");
    Setup { h, sink: SmtpSink::start(), directory: StaticDirectory::new(), key, clock: TestClock::default() }
}

impl Setup {
    fn db(&self) -> &Database {
        &self.h.db.db
    }

    fn smtp(&self) -> Arc<dyn Mailer> {
        Arc::new(SmtpMailer::new(self.sink.url(), FROM).expect("mailer"))
    }

    fn sender_on(&self, db: Database, mailer: Arc<dyn Mailer>, concurrency: usize) -> EmailSender {
        let config = SenderConfig {
            concurrency,
            idle_poll: Duration::from_millis(100),
            ..SenderConfig::new(format!("{PUBLIC_URL}/"))
        };
        EmailSender::new(db, Arc::new(self.directory.clone()), mailer, self.key.clone(), config)
            .with_clock(self.clock.clock())
    }

    fn sender(&self) -> EmailSender {
        self.sender_on(self.db().clone(), self.smtp(), 2)
    }

    async fn deliveries_of(&self, n: u32) -> Vec<pb::Delivery> {
        let request = pb::ListMyDeliveriesRequest { page_size: 100, page_token: String::new() };
        self.h.api.list_my_deliveries(as_account(n, request)).await.expect("list").into_inner().deliveries
    }

    async fn set_preferences(&self, n: u32, cadence: pb::EmailCadence, locale: &str) {
        let preferences = pb::Preferences {
            email_cadence: cadence.into(),
            locale: locale.into(),
            department_reports: true,
            updated_at_us: 0,
        };
        let request = pb::SetMyPreferencesRequest { preferences: Some(preferences), request_id: String::new() };
        self.h.api.set_my_preferences(as_account(n, request)).await.expect("preferences");
    }
}

/// Runs `sender` until the returned token is cancelled.
fn spawn(sender: EmailSender) -> (CancellationToken, JoinHandle<()>) {
    let token = CancellationToken::new();
    let task = tokio::spawn(sender.run(token.clone()));
    (token, task)
}

async fn stop((token, task): (CancellationToken, JoinHandle<()>)) {
    token.cancel();
    tokio::time::timeout(WAIT, task).await.expect("the sender stops").expect("the sender's task");
}

/// Waits until the delivery is in `state`.
async fn wait_for_state(db: &Database, id: &str, state: &str) {
    let start = Instant::now();
    loop {
        let now = stored(db, id).await;
        if now.state == state {
            return;
        }
        assert!(start.elapsed() < WAIT, "{id} is still {now:?}, not {state}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until every delivery reached a final state (sent, failed, cancelled).
async fn wait_until_settled(db: &Database) {
    let start = Instant::now();
    loop {
        let states = deliveries::states(db).await;
        if states.iter().all(|(state, _)| ["sent", "failed", "cancelled"].contains(&state.as_str())) {
            return;
        }
        assert!(start.elapsed() < WAIT, "still {states:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn message_ids(messages: &[Received]) -> Vec<String> {
    messages.iter().map(Received::message_id).collect()
}

async fn each_message_arrives_once_with_its_headers_in_the_recipients_language(backend: Backend) {
    let s = setup(backend).await;
    s.directory.verified(&account(1), &address(1));
    s.directory.verified(&account(2), &address(2));
    s.set_preferences(2, pb::EmailCadence::Immediately, "en").await;
    let french = NewDelivery::email(1, &account(1), now_us());
    let english = NewDelivery::email(2, &account(2), now_us());
    // Account 1 follows its report: its link unfollows; account 2 does not: its link stops every e-mail.
    let follow = pb::FollowRequest { subject: french.subject.clone(), request_id: String::new() };
    s.h.api.follow(as_account(1, follow)).await.expect("follow");
    let french_id = insert(s.db(), &french).await;
    let english_id = insert(s.db(), &english).await;
    assert_eq!(insert(s.db(), &french).await, french_id, "the intake's second insert changes nothing");

    let sender = spawn(s.sender());
    s.sink.wait_for(2, WAIT).await;
    wait_until_settled(s.db()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop(sender).await;
    let messages = s.sink.messages();
    assert_eq!(messages.len(), 2, "{:?}", message_ids(&messages));

    for (id, n, delivery, language) in [(&french_id, 1, &french, "fr"), (&english_id, 2, &english, "en")] {
        let message = messages.iter().find(|m| m.message_id() == format!("{id}@miroir.test")).expect("its Message-ID");
        assert_eq!(message.to, [address(n)]);
        assert_eq!(message.header("Content-Language").as_deref(), Some(language));
        assert_eq!(message.header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
        let unsubscribe = message.header("List-Unsubscribe").expect("List-Unsubscribe");
        let token = unsubscribe
            .strip_prefix(&format!("<{PUBLIC_URL}/desabonnement/"))
            .and_then(|rest| rest.strip_suffix('>'))
            .unwrap_or_else(|| panic!("a one-click link: {unsubscribe}"));
        let scope = if n == 1 { Scope::Follow(delivery.subject.clone()) } else { Scope::All };
        assert_eq!(s.key.verify(token), Ok((account(n), scope)));

        let (subject, text, html) = (message.subject(), message.text(), message.html());
        let title = format!("Lampadaire n° {n} éteint");
        let page = format!("{PUBLIC_URL}/c/75056/citoyen/signalements/0190c0de-0000-7000-8000-{n:012}");
        if language == "fr" {
            assert_eq!(subject, format!("Signalement résolu : {title}"));
            assert!(text.contains("Bonjour,") && text.contains(&format!("Voir le signalement : {page}")), "{text}");
            assert!(html.contains("Le lampadaire a été remplacé.") && html.contains("lang=\"fr\""), "{html}");
        } else {
            assert_eq!(subject, format!("Report resolved: {title}"));
            assert!(text.contains("Hello,") && text.contains(&format!("View the report: {page}")), "{text}");
            assert!(html.contains("lang=\"en\""), "{html}");
        }
        assert!(html.contains(&page) && html.contains(&title), "{html}");
        let raw = String::from_utf8_lossy(&message.raw);
        for foreign in ["Anne Dupont", "anne.dupont@example.fr"] {
            assert!(!raw.contains(foreign), "{foreign} leaked into {raw}");
        }
        let row = stored(s.db(), id).await;
        assert_eq!((row.state.as_str(), row.attempts, row.last_error.as_str()), ("sent", 1, ""));
        assert_eq!(attempts(s.db(), id).await, [(1, "sent".to_owned(), String::new())]);
    }

    // Each account sees its own e-mail, and only that one.
    let mine = s.deliveries_of(1).await;
    assert_eq!(mine.len(), 1);
    let d = &mine[0];
    assert_eq!(d.name, format!("deliveries/{french_id}"));
    assert_eq!((d.event_type.as_str(), d.subject.as_str()), ("report_resolved", french.subject.as_str()));
    assert_eq!(
        (d.title.as_str(), d.subject_line.as_str()),
        ("Lampadaire n° 1 éteint", "Signalement résolu : Lampadaire n° 1 éteint")
    );
    assert_eq!((d.state(), d.attempts, d.last_error.as_str()), (pb::DeliveryState::Sent, 1, ""));
    assert!(d.sent_at_us > 0);
    let theirs = s.deliveries_of(2).await;
    assert_eq!(theirs.iter().map(|d| d.name.clone()).collect::<Vec<_>>(), [format!("deliveries/{english_id}")]);
    assert_eq!(theirs[0].subject_line, "Report resolved: Lampadaire n° 2 éteint");
    assert!(s.deliveries_of(3).await.is_empty());
}

async fn a_temporary_refusal_is_retried_later_then_sent_once(backend: Backend) {
    let s = setup(backend).await;
    s.directory.verified(&account(1), &address(1));
    s.sink.refuse_with(451);
    let id = insert(s.db(), &NewDelivery::email(1, &account(1), now_us())).await;
    let sender = s.sender();
    let wake = sender.wake();
    let running = spawn(sender);

    wait_for_state(s.db(), &id, "retry").await;
    let row = stored(s.db(), &id).await;
    assert_eq!((row.attempts, row.last_error.as_str()), (1, "SMTP 451"));
    let delay = row.next_attempt_at_us - now_us();
    assert!((50_000_000..=66_000_000).contains(&delay), "about a minute later: {delay} µs");
    let listed = s.deliveries_of(1).await;
    assert_eq!((listed[0].state(), listed[0].last_error.as_str()), (pb::DeliveryState::Retry, "SMTP 451"));
    assert_eq!(listed[0].next_attempt_at_us, row.next_attempt_at_us);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(stored(s.db(), &id).await.attempts, 1, "not tried again before its time");
    assert!(s.sink.messages().is_empty());

    // The relay accepts again, and the retry's time comes.
    s.sink.refuse_with(0);
    s.clock.advance(Duration::from_secs(70));
    wake.poke();
    let messages = s.sink.wait_for(1, WAIT).await;
    wait_for_state(s.db(), &id, "sent").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop(running).await;
    assert_eq!(message_ids(&messages), [format!("{id}@miroir.test")]);
    assert_eq!(s.sink.messages().len(), 1, "sent once");
    assert_eq!(
        attempts(s.db(), &id).await,
        [(1, "retry".to_owned(), "SMTP 451".to_owned()), (2, "sent".to_owned(), String::new())]
    );
    let row = stored(s.db(), &id).await;
    assert_eq!((row.attempts, row.last_error.as_str()), (2, ""));
}

async fn a_permanent_refusal_fails_and_the_account_sees_why(backend: Backend) {
    let s = setup(backend).await;
    s.directory.verified(&account(1), &address(1));
    s.directory.verified(&account(2), &address(2));
    s.sink.refuse_with(550);
    let id = insert(s.db(), &NewDelivery::email(1, &account(1), now_us())).await;
    let running = spawn(s.sender());
    wait_for_state(s.db(), &id, "failed").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop(running).await;

    assert!(s.sink.messages().is_empty());
    assert_eq!(attempts(s.db(), &id).await, [(1, "failed".to_owned(), "SMTP 550".to_owned())]);
    let listed = s.deliveries_of(1).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].state(), pb::DeliveryState::Failed);
    assert!(listed[0].last_error.contains("SMTP 550"), "{:?}", listed[0]);
    assert_eq!(listed[0].sent_at_us, 0);
    assert!(s.deliveries_of(2).await.is_empty(), "another account sees nothing of it");
}

async fn nothing_goes_to_an_unverified_deleted_unknown_or_silenced_account(backend: Backend) {
    let s = setup(backend).await;
    let recipient = |n: u32, verified: bool, deleted: bool| Recipient {
        account_id: account(n),
        email: if deleted { String::new() } else { address(n) },
        email_verified: verified,
        deleted,
        locale: None,
    };
    s.directory.insert(recipient(1, false, false));
    s.directory.insert(recipient(2, true, true));
    // Account 3 is not in the address book at all.
    s.directory.verified(&account(4), &address(4));
    s.set_preferences(4, pb::EmailCadence::Never, "fr").await;
    s.directory.insert(Recipient { locale: Some("en".into()), ..recipient(5, true, false) });
    let ids: Vec<String> = {
        let mut ids = Vec::new();
        for n in 1..=5 {
            ids.push(insert(s.db(), &NewDelivery::email(n, &account(n), now_us())).await);
        }
        ids
    };
    let running = spawn(s.sender());
    wait_until_settled(s.db()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop(running).await;

    let reasons = ["e-mail address not verified", "account deleted", "no such account", "e-mail turned off"];
    for (id, reason) in ids.iter().zip(reasons) {
        let row = stored(s.db(), id).await;
        assert_eq!((row.state.as_str(), row.last_error.as_str()), ("cancelled", reason));
        assert_eq!(attempts(s.db(), id).await, [(1, "cancelled".to_owned(), reason.to_owned())]);
    }
    let listed = s.deliveries_of(1).await;
    assert_eq!((listed[0].state(), listed[0].last_error.as_str()), (pb::DeliveryState::Cancelled, reasons[0]));
    // Only account 5 got its message, in the language identity knows for it (it set no preferences).
    let messages = s.sink.messages();
    assert_eq!(message_ids(&messages), [format!("{}@miroir.test", ids[4])]);
    assert_eq!(messages[0].to, [address(5)]);
    assert_eq!(messages[0].header("Content-Language").as_deref(), Some("en"));
}

async fn an_unreachable_address_book_means_later_and_a_relay_less_platform_logs(backend: Backend) {
    let s = setup(backend).await;
    s.directory.verified(&account(1), &address(1));
    s.directory.set_unavailable(true);
    let id = insert(s.db(), &NewDelivery::email(1, &account(1), now_us())).await;
    let sender = s.sender_on(s.db().clone(), Arc::new(LogMailer), 1);
    let wake = sender.wake();
    let running = spawn(sender);
    wait_for_state(s.db(), &id, "retry").await;
    assert_eq!(stored(s.db(), &id).await.last_error, "address book unavailable");

    s.directory.set_unavailable(false);
    s.clock.advance(Duration::from_secs(70));
    wake.poke();
    wait_for_state(s.db(), &id, "sent").await;
    stop(running).await;
    assert!(s.sink.messages().is_empty(), "the log mailer sends nothing");
    assert_eq!(stored(s.db(), &id).await.attempts, 2);
}

async fn an_account_pages_through_its_deliveries(backend: Backend) {
    let s = setup(backend).await;
    let base = now_us();
    for n in 1..=3 {
        insert(s.db(), &NewDelivery::email(n, &account(1), base + i64::from(n))).await;
    }
    insert(s.db(), &NewDelivery::email(9, &account(2), base)).await;
    let page = |token: String| pb::ListMyDeliveriesRequest { page_size: 2, page_token: token };
    let first = s.h.api.list_my_deliveries(as_account(1, page(String::new()))).await.expect("page").into_inner();
    assert_eq!(first.deliveries.len(), 2);
    assert_eq!(first.deliveries[0].title, "Lampadaire n° 3 éteint", "newest first");
    assert_eq!(first.deliveries[0].state(), pb::DeliveryState::Pending);
    let second =
        s.h.api.list_my_deliveries(as_account(1, page(first.next_page_token))).await.expect("page").into_inner();
    assert_eq!(second.deliveries.iter().map(|d| d.title.as_str()).collect::<Vec<_>>(), ["Lampadaire n° 1 éteint"]);
    assert!(second.next_page_token.is_empty());

    let bad = s.h.api.list_my_deliveries(as_account(1, page("nope".into()))).await.expect_err("bad token");
    assert_eq!((bad.code(), field(&bad).as_deref()), (Code::InvalidArgument, Some("page_token")));
    let anonymous = s.h.api.list_my_deliveries(tonic::Request::new(page(String::new()))).await;
    assert_eq!(anonymous.expect_err("anonymous").code(), Code::Unauthenticated);
}

/// A mailer that takes its time before handing each message to the real one,
/// so that a burst lasts long enough to be interrupted.
struct Slow(Arc<dyn Mailer>);

impl Mailer for Slow {
    fn send<'a>(&'a self, email: &'a Email, event_type: &'a str) -> MailFuture<'a> {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(40)).await;
            self.0.send(email, event_type).await
        })
    }
}

async fn a_sender_stopped_mid_burst_and_its_successor_send_each_message_once(backend: Backend) {
    let s = setup(backend).await;
    let mut ids = HashSet::new();
    for n in 0..30 {
        s.directory.verified(&account(n % 3), &address(n % 3));
        ids.insert(format!("{}@miroir.test", insert(s.db(), &NewDelivery::email(n, &account(n % 3), now_us())).await));
    }
    let first = spawn(s.sender_on(s.db().clone(), Arc::new(Slow(s.smtp())), 2));
    s.sink.wait_for(5, WAIT).await;
    stop(first).await;
    // The messages in flight were sent and marked: none is left claimed, and what was sent is what is marked.
    let states = deliveries::states(s.db()).await;
    assert!(states.iter().all(|(state, _)| state == "sent" || state == "pending"), "{states:?}");
    let sent_before = states.iter().find(|(state, _)| state == "sent").map_or(0, |(_, n)| *n);
    let received = s.sink.messages().len();
    assert_eq!(usize::try_from(sent_before).expect("count"), received);
    assert!(received < 30, "stopped mid-burst ({received} sent)");

    let second = spawn(s.sender_on(s.db().clone(), Arc::new(Slow(s.smtp())), 2));
    s.sink.wait_for(30, WAIT).await;
    wait_until_settled(s.db()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop(second).await;
    let messages = s.sink.messages();
    assert_eq!(messages.len(), 30, "each message once");
    assert_eq!(message_ids(&messages).into_iter().collect::<HashSet<_>>(), ids);
    assert_eq!(deliveries::states(s.db()).await, [("sent".to_owned(), 30)]);
}

on_both_backends!(
    each_message_arrives_once_with_its_headers_in_the_recipients_language,
    a_temporary_refusal_is_retried_later_then_sent_once,
    a_permanent_refusal_fails_and_the_account_sees_why,
    nothing_goes_to_an_unverified_deleted_unknown_or_silenced_account,
    an_unreachable_address_book_means_later_and_a_relay_less_platform_logs,
    an_account_pages_through_its_deliveries,
    a_sender_stopped_mid_burst_and_its_successor_send_each_message_once,
);

/// Two senders (two pools, as two replicas would have), two tasks each, on
/// 30 deliveries: 30 messages, 30 distinct Message-IDs.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_senders_on_postgres_never_send_a_delivery_twice() {
    let s = setup(Backend::Postgres).await;
    let mut ids = HashSet::new();
    for n in 0..30 {
        s.directory.verified(&account(n % 4), &address(n % 4));
        ids.insert(format!("{}@miroir.test", insert(s.db(), &NewDelivery::email(n, &account(n % 4), now_us())).await));
    }
    let config = PoolConfig { max_connections: 3, ..Default::default() };
    let one = spawn(s.sender_on(Database::connect(&s.h.db.url, &config).await.expect("pool"), s.smtp(), 2));
    let two = spawn(s.sender_on(Database::connect(&s.h.db.url, &config).await.expect("pool"), s.smtp(), 2));
    s.sink.wait_for(30, WAIT).await;
    wait_until_settled(s.db()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop(one).await;
    stop(two).await;
    let messages = s.sink.messages();
    assert_eq!(messages.len(), 30, "{:?}", message_ids(&messages));
    assert_eq!(message_ids(&messages).into_iter().collect::<HashSet<_>>(), ids);
    assert_eq!(deliveries::states(s.db()).await, [("sent".to_owned(), 30)]);
    let first_try: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE attempts = 1")
        .fetch_one(s.db().pool())
        .await
        .expect("count");
    assert_eq!(first_try, 30, "one attempt each");
    // Both senders took part (a claim is named "{sender}/{task}").
    let claimers: HashSet<String> = sqlx::query_scalar::<_, String>("SELECT claimed_by FROM deliveries")
        .fetch_all(s.db().pool())
        .await
        .expect("claimers")
        .into_iter()
        .filter_map(|name| name.split_once('/').map(|(sender, _)| sender.to_owned()))
        .collect();
    assert_eq!(claimers.len(), 2, "{claimers:?}");
}
