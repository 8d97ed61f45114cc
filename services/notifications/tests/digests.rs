//! Daily and weekly digests, on PostgreSQL and SQLite, from the real logs of
//! identity, reports and notifications (their own APIs write them, the
//! intake reads them as the embedded mode does): an account with a digest
//! cadence gets no e-mail per event but digest entries; the scheduler, with
//! its clock moved by the test, makes nothing before the period's morning
//! (06:00 UTC the next day, or the Monday after the week) and then exactly
//! one delivery holding every item, however many times or how many
//! schedulers run; `never` and a deleted account get none; and the e-mail sender sends the digest
//! once, over a real SMTP server, with its items and its links.

#[path = "support/deliveries.rs"]
mod deliveries;
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use miroir_mail::SmtpMailer;
use miroir_mail::testing::SmtpSink;
use miroir_notifications::digest::{Cadence, DigestScheduler, Pass, period};
use miroir_notifications::directory::StaticDirectory;
use miroir_notifications::email::{EmailSender, SenderConfig};
use miroir_notifications::render::digest::Digest;
use miroir_notifications::unsubscribe::{Scope, UnsubscribeKey};
use miroir_platform::clock::now_us;
use miroir_platform::storage::{Backend, Database, PoolConfig};
use miroir_proto::notifications::v1 as pb;
use miroir_proto::notifications::v1::notifications_server::Notifications as _;
use miroir_proto::reports::v1 as reports_pb;
use sqlx::Row;
use support::account;
use support::world::{Delivery, HOTEL_DE_VILLE, World, as_id};
use tokio_util::sync::CancellationToken;

const HOUR_US: i64 = 3_600_000_000;
const DAY_US: i64 = 24 * HOUR_US;
const RESOLVED: reports_pb::ReportStatus = reports_pb::ReportStatus::Resolved;
const IN_PROGRESS: reports_pb::ReportStatus = reports_pb::ReportStatus::InProgress;
const PUBLIC_URL: &str = "https://miroir.test";
const WAIT: Duration = Duration::from_secs(20);

/// Waits past the next UTC midnight if it is less than 30 s away, so that
/// every event of a test falls on one day, and in one week.
async fn clear_of_midnight() {
    let left = DAY_US - now_us().rem_euclid(DAY_US);
    if left < 30_000_000 {
        tokio::time::sleep(Duration::from_micros(u64::try_from(left + 1_000_000).expect("positive"))).await;
    }
}

/// When today's digest is due: 06:00 UTC tomorrow (computed here without the crate's periods).
fn daily_due() -> i64 {
    let now = now_us();
    now - now.rem_euclid(DAY_US) + DAY_US + 6 * HOUR_US
}

/// When this week's digest is due: 06:00 UTC on the next Monday (1 January 1970 was a Thursday).
fn weekly_due() -> i64 {
    let days = now_us().div_euclid(DAY_US);
    let monday = days - (days + 3).rem_euclid(7);
    (monday + 7) * DAY_US + 6 * HOUR_US
}

/// An account's digest entries: (cadence, period, digested), oldest first.
async fn entries(w: &World, account_id: &str) -> Vec<(String, String, bool)> {
    sqlx::query(
        "SELECT cadence, period, digested FROM digest_entries WHERE account_id = $1 ORDER BY occurred_at_us, source_event",
    )
    .bind(account_id)
    .fetch_all(w.db().pool())
    .await
    .expect("entries")
    .iter()
    .map(|row| (row.get(0), row.get(1), row.get::<i64, _>(2) != 0))
    .collect()
}

fn digests(deliveries: &[Delivery]) -> Vec<&Delivery> {
    deliveries.iter().filter(|d| d.event_type.starts_with("digest_")).collect()
}

fn titles(delivery: &Delivery) -> Vec<String> {
    let digest = Digest::from_json(&delivery.params).expect("a digest");
    digest.items.into_iter().map(|item| item.title.unwrap_or_default()).collect()
}

/// No account id of anyone appears in what the digest holds.
fn assert_impersonal(params: &str, ids: &[&str]) {
    for id in ids {
        assert!(!params.contains(id), "{params} names {id}");
    }
}

fn nothing() -> Pass {
    Pass::default()
}

async fn a_daily_digest_holds_the_days_news_once_its_morning_has_come(backend: Backend) {
    clear_of_midnight().await;
    let w = World::new(backend).await;
    let (reporter, other, agent) = (account(1), account(2), account(9));
    w.prefer(&reporter, pb::EmailCadence::Daily, true).await;
    let mut reports = Vec::new();
    for title in ["Nid-de-poule rue de Rivoli", "Lampadaire éteint", "Banc cassé"] {
        reports.push(w.report(&reporter, title, HOTEL_DE_VILLE).await);
    }
    // Another account, at the default cadence, hears of the same thing at once.
    w.support(&other, &reports[0].name).await;
    w.set_status(&agent, &reports[0].name, RESOLVED, "Rebouché.").await;
    w.set_status(&agent, &reports[1].name, IN_PROGRESS, "Vu.").await;
    w.set_status(&agent, &reports[2].name, RESOLVED, "Remplacé.").await;
    w.sync().await;

    assert!(w.deliveries(&reporter).await.is_empty(), "no e-mail per event for a daily digest");
    assert_eq!(w.feed(&reporter).await.len(), 3, "the feed is filled whatever the cadence");
    assert_eq!(w.deliveries(&other).await.len(), 1);
    let stored = entries(&w, &reporter).await;
    assert_eq!(stored.len(), 3);
    let day = stored[0].1.clone();
    assert!(stored.iter().all(|(cadence, period, digested)| cadence == "daily" && *period == day && !digested));
    assert_eq!(period::due_at_us(Cadence::Daily, &day), Some(daily_due()), "{day} is today");

    let scheduler = DigestScheduler::new(w.db().clone());
    assert_eq!(scheduler.digest_due(now_us()).await.expect("pass"), nothing());
    assert_eq!(scheduler.digest_due(daily_due() - 1).await.expect("pass"), nothing(), "not before 06:00");
    assert!(w.deliveries(&reporter).await.is_empty());

    let made = scheduler.digest_due(daily_due()).await.expect("pass");
    assert_eq!(made, Pass { digests: 1, dropped: 0, entries: 3 });
    let sent = w.deliveries(&reporter).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let digest = &sent[0];
    assert_eq!(
        (digest.source_event.as_str(), digest.channel.as_str(), digest.event_type.as_str(), digest.state.as_str()),
        (format!("digest/daily/{day}").as_str(), "email", "digest_daily", "pending")
    );
    assert_eq!(digest.recipient, format!("account:{reporter}"));
    assert_eq!(digest.subject, "");
    assert_eq!(digest.delivery_id, deliveries::delivery_id(&digest.source_event, &digest.recipient, "email"));
    assert_eq!(digest.next_attempt_at_us, daily_due(), "due when it is made");
    assert_eq!(titles(digest), ["Nid-de-poule rue de Rivoli", "Lampadaire éteint", "Banc cassé"]);
    let read = Digest::from_json(&digest.params).expect("digest");
    assert_eq!((read.period.as_str(), read.first_day.as_str(), read.total), (day.as_str(), day.as_str(), 3));
    assert_eq!(
        read.items.iter().map(|i| (i.event_type.as_str(), i.subject.as_str())).collect::<Vec<_>>(),
        [
            ("report_resolved", reports[0].name.as_str()),
            ("report_work_started", reports[1].name.as_str()),
            ("report_resolved", reports[2].name.as_str()),
        ]
    );
    assert!(read.items.iter().all(|i| i.occurred_at.starts_with(&day)), "{read:?}");
    assert_impersonal(&digest.params, &[&reporter, &other, &agent]);
    for word in ["Rebouché", "Vu.", "Remplacé"] {
        assert!(!digest.params.contains(word), "only what a subject line shows: {}", digest.params);
    }
    assert!(entries(&w, &reporter).await.iter().all(|(_, _, digested)| *digested));

    // Again, later, and after every log was replayed: still one digest.
    assert_eq!(scheduler.digest_due(daily_due()).await.expect("pass"), nothing());
    assert_eq!(scheduler.digest_due(daily_due() + 3 * DAY_US).await.expect("pass"), nothing());
    w.reset_checkpoints().await;
    w.sync().await;
    assert_eq!(entries(&w, &reporter).await.len(), 3);
    assert_eq!(scheduler.digest_due(daily_due() + DAY_US).await.expect("pass"), nothing());
    assert_eq!(w.deliveries(&reporter).await, sent);

    // The account sees it among its e-mails, with its subject line.
    let request = pb::ListMyDeliveriesRequest { page_size: 10, page_token: String::new() };
    let listed = w.notifications.api.list_my_deliveries(as_id(&reporter, request)).await.expect("list");
    let listed = listed.into_inner().deliveries;
    assert_eq!(listed.len(), 1);
    assert!(listed[0].subject_line.starts_with("Votre résumé du "), "{:?}", listed[0]);
    assert!(listed[0].subject_line.ends_with(" : 3 nouvelles"), "{:?}", listed[0]);
}

async fn a_weekly_digest_waits_for_the_monday_after_its_week(backend: Backend) {
    clear_of_midnight().await;
    let w = World::new(backend).await;
    let (reporter, agent) = (account(1), account(9));
    w.prefer(&reporter, pb::EmailCadence::Weekly, true).await;
    let first = w.report(&reporter, "Trottoir défoncé", HOTEL_DE_VILLE).await;
    let second = w.report(&reporter, "Feu tricolore en panne", HOTEL_DE_VILLE).await;
    w.set_status(&agent, &first.name, IN_PROGRESS, "Pris en compte.").await;
    w.set_status(&agent, &second.name, RESOLVED, "Réparé.").await;
    w.set_status(&agent, &first.name, RESOLVED, "Refait.").await;
    w.sync().await;

    assert!(w.deliveries(&reporter).await.is_empty());
    let stored = entries(&w, &reporter).await;
    assert_eq!(stored.len(), 3);
    let week = stored[0].1.clone();
    assert!(stored.iter().all(|(cadence, period, _)| cadence == "weekly" && *period == week), "{stored:?}");
    assert!(week.contains("-W"), "{week}");
    assert_eq!(period::due_at_us(Cadence::Weekly, &week), Some(weekly_due()), "{week} is this week");

    let scheduler = DigestScheduler::new(w.db().clone());
    for before in [now_us(), daily_due(), weekly_due() - 1] {
        assert_eq!(scheduler.digest_due(before).await.expect("pass"), nothing(), "{before}");
    }
    assert!(w.deliveries(&reporter).await.is_empty());
    assert_eq!(scheduler.digest_due(weekly_due()).await.expect("pass"), Pass { digests: 1, dropped: 0, entries: 3 });
    assert_eq!(scheduler.digest_due(weekly_due()).await.expect("pass"), nothing());
    assert_eq!(scheduler.digest_due(weekly_due() + 8 * DAY_US).await.expect("pass"), nothing());
    let sent = w.deliveries(&reporter).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].source_event.as_str(), sent[0].event_type.as_str()),
        (format!("digest/weekly/{week}").as_str(), "digest_weekly")
    );
    assert_eq!(titles(&sent[0]), ["Trottoir défoncé", "Feu tricolore en panne", "Trottoir défoncé"]);
    let read = Digest::from_json(&sent[0].params).expect("digest");
    let (monday, sunday) = period::days(Cadence::Weekly, &week).expect("a week");
    assert_eq!((read.first_day, read.last_day), (period::iso_date(monday), period::iso_date(sunday)));
}

async fn never_gets_no_digest_and_a_change_of_cadence_keeps_what_was_asked(backend: Backend) {
    clear_of_midnight().await;
    let w = World::new(backend).await;
    let (silent, turned_off, back_to_immediately, agent) = (account(1), account(2), account(3), account(9));
    w.prefer(&silent, pb::EmailCadence::Never, true).await;
    w.prefer(&turned_off, pb::EmailCadence::Daily, true).await;
    w.prefer(&back_to_immediately, pb::EmailCadence::Daily, true).await;
    let report = w.report(&agent, "Graffiti sur l'école", HOTEL_DE_VILLE).await;
    for person in [&silent, &turned_off, &back_to_immediately] {
        w.support(person, &report.name).await;
    }
    w.set_status(&agent, &report.name, IN_PROGRESS, "Vu.").await;
    w.sync().await;
    assert!(entries(&w, &silent).await.is_empty(), "never: the feed only");
    assert_eq!(w.feed(&silent).await.len(), 1);
    assert_eq!(entries(&w, &turned_off).await.len(), 1);

    // Before the morning, one turns e-mail off, the other wants it at once again.
    w.prefer(&turned_off, pb::EmailCadence::Never, true).await;
    w.prefer(&back_to_immediately, pb::EmailCadence::Immediately, true).await;
    w.set_status(&agent, &report.name, RESOLVED, "Nettoyé.").await;
    w.sync().await;
    let now = w.deliveries(&back_to_immediately).await;
    assert_eq!(now.iter().map(|d| d.event_type.as_str()).collect::<Vec<_>>(), ["report_resolved"]);

    let scheduler = DigestScheduler::new(w.db().clone());
    assert_eq!(scheduler.digest_due(daily_due()).await.expect("pass"), Pass { digests: 1, dropped: 1, entries: 2 });
    assert!(w.deliveries(&silent).await.is_empty());
    assert!(w.deliveries(&turned_off).await.is_empty(), "e-mail turned off: its entries are dropped");
    let dropped = entries(&w, &turned_off).await;
    assert_eq!((dropped.len(), dropped[0].0.as_str(), dropped[0].2), (1, "daily", true), "{dropped:?}");
    let mails = w.deliveries(&back_to_immediately).await;
    let digest = digests(&mails);
    assert_eq!(digest.len(), 1, "the finished day it asked a digest for: {mails:?}");
    assert_eq!(titles(digest[0]), ["Graffiti sur l'école"]);
    assert_eq!(Digest::from_json(&digest[0].params).expect("digest").items[0].event_type, "report_work_started");
    assert_eq!(mails.len(), 2);
    assert_eq!(scheduler.digest_due(daily_due() + DAY_US).await.expect("pass"), nothing());
}

async fn an_event_heard_of_after_its_days_digest_comes_in_a_digest_of_its_own(backend: Backend) {
    clear_of_midnight().await;
    let w = World::new(backend).await;
    let (reporter, agent) = (account(1), account(9));
    w.prefer(&reporter, pb::EmailCadence::Daily, true).await;
    let report = w.report(&reporter, "Poubelle renversée", HOTEL_DE_VILLE).await;
    w.set_status(&agent, &report.name, IN_PROGRESS, "Vu.").await;
    w.sync().await;
    let scheduler = DigestScheduler::new(w.db().clone());
    assert_eq!(scheduler.digest_due(daily_due()).await.expect("pass"), Pass { digests: 1, dropped: 0, entries: 1 });

    // An intake that lagged (a long stop): this event of the same day comes in after its digest was made.
    w.set_status(&agent, &report.name, RESOLVED, "Ramassée.").await;
    w.sync().await;
    assert_eq!(scheduler.digest_due(daily_due()).await.expect("pass"), Pass { digests: 1, dropped: 0, entries: 1 });
    assert_eq!(scheduler.digest_due(daily_due()).await.expect("pass"), nothing());
    let mut sent = w.deliveries(&reporter).await;
    sent.sort_by_key(|d| d.source_event.len());
    assert_eq!(sent.len(), 2, "{sent:?}");
    let day = &entries(&w, &reporter).await[0].1;
    assert_eq!(sent[0].source_event, format!("digest/daily/{day}"));
    assert!(sent[1].source_event.starts_with(&format!("digest/daily/{day}/reports/")), "{}", sent[1].source_event);
    let types = |d: &Delivery| -> Vec<String> {
        Digest::from_json(&d.params).expect("digest").items.into_iter().map(|i| i.event_type).collect()
    };
    assert_eq!(
        (types(&sent[0]), types(&sent[1])),
        (vec!["report_work_started".into()], vec!["report_resolved".into()])
    );
}

async fn two_schedulers_at_once_make_one_digest_per_account_and_period(backend: Backend) {
    clear_of_midnight().await;
    let w = World::new(backend).await;
    let agent = account(99);
    let daily: Vec<String> = (1..=10).map(account).collect();
    let weekly: Vec<String> = (11..=20).map(account).collect();
    for person in &daily {
        w.prefer(person, pb::EmailCadence::Daily, true).await;
    }
    for person in &weekly {
        w.prefer(person, pb::EmailCadence::Weekly, true).await;
    }
    let reports =
        [w.report(&agent, "Arbre tombé", HOTEL_DE_VILLE).await, w.report(&agent, "Fuite d'eau", HOTEL_DE_VILLE).await];
    for report in &reports {
        for person in daily.iter().chain(&weekly) {
            w.support(person, &report.name).await;
        }
        w.set_status(&agent, &report.name, RESOLVED, "Fait.").await;
    }
    w.sync().await;
    let total: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM digest_entries").fetch_one(w.db().pool()).await.expect("count");
    assert_eq!(total, 40);

    // Two schedulers, each with its own pool (two replicas), several times over, once both periods are due.
    let config = PoolConfig { max_connections: 3, ..Default::default() };
    let url = &w.notifications.db.url;
    let one = DigestScheduler::new(Database::connect(url, &config).await.expect("pool"));
    let two = DigestScheduler::new(Database::connect(url, &config).await.expect("pool"));
    let due = weekly_due().max(daily_due());
    let mut made = 0;
    for round in 0..3 {
        let (a, b) = tokio::join!(one.digest_due(due + round), two.digest_due(due + round));
        let (a, b) = (a.expect("first scheduler"), b.expect("second scheduler"));
        made += a.digests + b.digests;
        assert_eq!(a.dropped + b.dropped, 0);
    }
    assert_eq!(made, 20, "one digest per account");
    for (people, event_type) in [(&daily, "digest_daily"), (&weekly, "digest_weekly")] {
        for person in people {
            let sent = w.deliveries(person).await;
            assert_eq!(sent.len(), 1, "{person}: {sent:?}");
            assert_eq!(sent[0].event_type, event_type);
            assert_eq!(titles(&sent[0]), ["Arbre tombé", "Fuite d'eau"]);
        }
    }
    let undigested: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM digest_entries WHERE digested = 0")
        .fetch_one(w.db().pool())
        .await
        .expect("count");
    assert_eq!(undigested, 0);
}

async fn the_digest_is_sent_once_with_its_items(backend: Backend) {
    clear_of_midnight().await;
    let w = World::new(backend).await;
    let (reporter, agent) = (w.sign_up("resident").await, account(9));
    w.prefer(&reporter, pb::EmailCadence::Daily, true).await;
    let titles = ["Nid-de-poule rue de Rivoli", "Lampadaire éteint"];
    let mut reports = Vec::new();
    for title in titles {
        let report = w.report(&reporter, title, HOTEL_DE_VILLE).await;
        w.set_status(&agent, &report.name, RESOLVED, "Réparé.").await;
        reports.push(report);
    }
    w.sync().await;

    let sink = SmtpSink::start();
    let directory = StaticDirectory::new();
    directory.verified(&reporter, "resident@example.fr");
    let key = UnsubscribeKey::load_or_create(w.db()).await.expect("key");
    let due = daily_due();
    let clock: miroir_notifications::email::Clock = Arc::new(move || due);
    let mailer = Arc::new(SmtpMailer::new(sink.url(), "Miroir <ne-pas-repondre@miroir.test>").expect("mailer"));
    let config = SenderConfig { idle_poll: Duration::from_millis(100), ..SenderConfig::new(PUBLIC_URL) };
    let sender =
        EmailSender::new(w.db().clone(), Arc::new(directory), mailer, key.clone(), config).with_clock(clock.clone());
    let scheduler = DigestScheduler::new(w.db().clone()).with_clock(clock).with_wake(sender.wake());
    let token = CancellationToken::new();
    let sending = tokio::spawn(sender.run(token.clone()));
    let scheduling = tokio::spawn(scheduler.clone().with_interval(Duration::from_millis(50)).run(token.clone()));

    let messages = sink.wait_for(1, WAIT).await;
    let start = Instant::now();
    while w.deliveries(&reporter).await.iter().any(|d| d.state != "sent") {
        assert!(start.elapsed() < WAIT, "{:?}", w.deliveries(&reporter).await);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The scheduler keeps running, and is run again: nothing more goes out.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(scheduler.run_once().await.expect("pass"), nothing());
    token.cancel();
    sending.await.expect("sender");
    scheduling.await.expect("scheduler");
    assert_eq!(sink.messages().len(), 1);

    let message = &messages[0];
    let digest = &w.deliveries(&reporter).await[0];
    assert_eq!(message.to, ["resident@example.fr"]);
    assert_eq!(message.message_id(), format!("{}@miroir.test", digest.delivery_id));
    let subject = message.subject();
    assert!(subject.starts_with("Votre résumé du ") && subject.ends_with(" : 2 nouvelles"), "{subject}");
    let (text, html) = (message.text().replace("\r\n", "\n"), message.html());
    for (title, report) in titles.iter().zip(&reports) {
        let id = report.name.rsplit('/').next().expect("an id");
        let page = format!("{PUBLIC_URL}/c/75056/citoyen/signalements/{id}");
        assert!(text.contains(&format!("- Signalement résolu : {title}\n  {page}")), "{text}");
        assert!(html.contains(&page) && html.contains(title), "{html}");
    }
    assert!(text.contains(&format!("Gérer vos notifications : {PUBLIC_URL}/compte/notifications")), "{text}");
    assert_eq!(message.header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
    let unsubscribe = message.header("List-Unsubscribe").expect("List-Unsubscribe");
    let token = unsubscribe
        .strip_prefix(&format!("<{PUBLIC_URL}/desabonnement/"))
        .and_then(|rest| rest.strip_suffix('>'))
        .unwrap_or_else(|| panic!("a one-click link: {unsubscribe}"));
    assert_eq!(key.verify(token), Ok((reporter.clone(), Scope::All)), "a digest's link stops every e-mail");
    let raw = String::from_utf8_lossy(&message.raw);
    for foreign in [agent.as_str(), reporter.as_str(), "Réparé."] {
        assert!(!raw.contains(foreign), "{foreign} in {raw}");
    }
}

async fn a_deleted_account_leaves_no_digest(backend: Backend) {
    clear_of_midnight().await;
    let w = World::new(backend).await;
    let (anne, agent) = (w.sign_up("anne").await, account(9));
    w.prefer(&anne, pb::EmailCadence::Weekly, true).await;
    let report = w.report(&anne, "Dépôt sauvage", HOTEL_DE_VILLE).await;
    w.set_status(&agent, &report.name, RESOLVED, "Enlevé.").await;
    w.sync().await;
    assert_eq!(entries(&w, &anne).await.len(), 1);

    let principal = miroir_auth::Principal::Account { id: anne.clone(), grants: vec![] };
    w.identity.delete_account(&principal, support::world::PASSWORD).await.expect("delete");
    w.sync().await;
    assert!(entries(&w, &anne).await.is_empty());
    assert_eq!(DigestScheduler::new(w.db().clone()).digest_due(weekly_due()).await.expect("pass"), nothing());
    assert!(w.deliveries(&anne).await.is_empty());
}

async fn a_replay_after_a_change_of_cadence_tells_nothing_twice(backend: Backend) {
    clear_of_midnight().await;
    let w = World::new(backend).await;
    let (reporter, agent) = (account(1), account(9));
    let report = w.report(&reporter, "Bouche d'incendie qui fuit", HOTEL_DE_VILLE).await;
    w.set_status(&agent, &report.name, RESOLVED, "Réparée.").await;
    w.sync().await;
    assert_eq!(w.deliveries(&reporter).await.len(), 1, "at once, by default");

    // Daily from now on; then every log is replayed from the start.
    w.prefer(&reporter, pb::EmailCadence::Daily, true).await;
    w.reset_checkpoints().await;
    w.sync().await;
    assert!(entries(&w, &reporter).await.is_empty(), "its e-mail was made already");
    let scheduler = DigestScheduler::new(w.db().clone());
    assert_eq!(scheduler.digest_due(weekly_due().max(daily_due())).await.expect("pass"), nothing());
    assert_eq!(w.deliveries(&reporter).await.len(), 1);
}

on_both_backends!(
    a_replay_after_a_change_of_cadence_tells_nothing_twice,
    a_deleted_account_leaves_no_digest,
    a_daily_digest_holds_the_days_news_once_its_morning_has_come,
    a_weekly_digest_waits_for_the_monday_after_its_week,
    never_gets_no_digest_and_a_change_of_cadence_keeps_what_was_asked,
    an_event_heard_of_after_its_days_digest_comes_in_a_digest_of_its_own,
    two_schedulers_at_once_make_one_digest_per_account_and_period,
    the_digest_is_sent_once_with_its_items,
);
