//! Faults of the infrastructure under a steady load, through real processes:
//! identity, reports, publications, dialogue, notifications, transparency and
//! the gateway as `miroir serve` on a PostgreSQL and a NATS server of the
//! test's own (so that it may kill and wipe them), notifications sending to
//! a real SMTP server on 127.0.0.1.
//!
//! Residents (verified, so they hear by e-mail) keep filing reports and
//! asking questions; the mayor acknowledges each report and answers each
//! question, which e-mails the resident. Meanwhile, in turn: NATS is killed
//! and started on the same store; killed and started with its store wiped
//! (the relays republish from the databases); PostgreSQL is restarted the
//! hard way (every service reconnects by itself: no process restarts for
//! these three); transparency's database is dropped, recreated and rebuilt
//! from JetStream; the notifications process is killed in the middle of a
//! burst of e-mails and started again.
//!
//! After recovery: every call acknowledged with success is in its log
//! exactly once, each stream holds its log once (sequence = position),
//! transparency counts them, and each e-mail the events call for arrived,
//! one distinct message per event and recipient, and nothing more.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use miroir_integration_tests::rest::{call_until_done, login, verified_resident};
use miroir_integration_tests::servers::{PrivateNats, PrivatePostgres, free_port};
use miroir_integration_tests::{Process, miroir_bin};
use miroir_mail::testing::{Received, SmtpSink};
use miroir_platform::storage::{Database, PoolConfig};
use miroir_proto::transparency::v1 as tr;
use miroir_proto::transparency::v1::transparency_client::TransparencyClient;
use serde_json::{Value, json};
use sqlx::Row;
use tokio::sync::{Mutex, mpsc};

const PASSWORD: &str = "une mairie bien gardée";
const PARIS: &str = "75056";
const SECRET: &str = "le-secret-interne-de-ce-test-0123456789";
const CLIENTS: usize = 3;
/// Dialogue's posting limit is 10 per account in 10 minutes (the first question included).
const QUESTIONS_PER_CLIENT: usize = 8;
/// Each resident's pause between two calls: a steady load, not a flood (other tests share the machine).
const PACE: Duration = Duration::from_millis(150);
/// How long an e-mail in flight when notifications is killed stays claimed (the default is two minutes).
const EMAIL_LEASE_SECONDS: u64 = 5;
const SERVICES: [&str; 6] = ["identity", "reports", "publications", "dialogue", "notifications", "transparency"];

struct Component {
    name: &'static str,
    env: Vec<(&'static str, String)>,
    process: Option<Process>,
}

impl Component {
    fn start(&mut self) {
        self.process = Some(Process::start(&["serve", self.name], &self.env, 2));
    }

    fn kill(&mut self) {
        if let Some(process) = self.process.take() {
            process.kill();
        }
    }

    fn is_running(&mut self) -> bool {
        self.process.as_mut().is_some_and(Process::is_running)
    }
}

/// Starts `component` again without blocking the load's tasks.
async fn restart(component: &mut Component) {
    let mut again = Component { name: component.name, env: component.env.clone(), process: None };
    *component = tokio::task::spawn_blocking(move || {
        again.start();
        again
    })
    .await
    .expect("restart");
}

/// What was acknowledged with success, to whom it belongs, and what the mayor did with it.
#[derive(Default)]
struct Ledger {
    /// Idempotency-Key → report id, and report id → its resident.
    reports: BTreeMap<String, String>,
    report_owner: BTreeMap<String, usize>,
    questions: BTreeMap<String, String>,
    question_owner: BTreeMap<String, usize>,
    /// Ids the mayor acknowledged / answered, with success.
    acknowledged: BTreeSet<String>,
    answered: BTreeSet<String>,
    retries: u64,
}

/// The mayor's work: one item per report filed and question asked.
enum Work {
    Report(String),
    Question(String),
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nothing_acknowledged_is_lost_when_the_infrastructure_fails_under_load() {
    let started = Instant::now();
    let pg = PrivatePostgres::start();
    let mut nats = PrivateNats::start();
    let mut urls = BTreeMap::new();
    for service in SERVICES {
        urls.insert(service, pg.create_database(service).await);
    }
    let admin = |args: &[&str]| {
        let output = Command::new(miroir_bin())
            .args(["admin", "--database-url", &urls["identity"]])
            .args(args)
            .output()
            .expect("admin");
        assert!(output.status.success(), "miroir admin {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    };
    admin(&["register-commune", "--insee", PARIS, "--name", "Paris", "--department", "75"]);
    admin(&["create-admin", "--commune", PARIS, "--email", "maire@example.fr", "--password", PASSWORD]);
    let sink = SmtpSink::start();

    let grpc: BTreeMap<&str, String> =
        SERVICES.into_iter().map(|name| (name, format!("127.0.0.1:{}", free_port()))).collect();
    let http = format!("127.0.0.1:{}", free_port());
    let objects = tempfile::tempdir().expect("object folder");
    let service = |name: &'static str| {
        let mut env = vec![
            ("MIROIR_DATABASE_URL", urls[name].clone()),
            ("MIROIR_NATS_URL", nats.url()),
            ("MIROIR_GRPC_LISTEN", grpc[name].clone()),
            ("MIROIR_ADMIN_LISTEN", "127.0.0.1:0".to_owned()),
            ("MIROIR_IDENTITY_URL", format!("http://{}", grpc["identity"])),
            ("MIROIR_OBJECT_STORE", objects.path().display().to_string()),
            ("MIROIR_INTERNAL_SECRET", SECRET.to_owned()),
        ];
        if name == "notifications" {
            env.push(("MIROIR_SMTP_URL", sink.url().to_owned()));
            env.push(("MIROIR_MAIL_FROM", "Miroir <ne-pas-repondre@miroir.test>".to_owned()));
            env.push(("MIROIR_PUBLIC_URL", "https://miroir.test".to_owned()));
            env.push(("MIROIR_EMAIL_LEASE_SECONDS", EMAIL_LEASE_SECONDS.to_string()));
        }
        Component { name, env, process: None }
    };
    let mut components: Vec<Component> = SERVICES.into_iter().map(service).collect();
    let upstream = |name: &str| format!("http://{}", grpc[name]);
    components.push(Component {
        name: "gateway",
        env: vec![
            ("MIROIR_HTTP_LISTEN", http.clone()),
            ("MIROIR_ADMIN_LISTEN", "127.0.0.1:0".to_owned()),
            ("MIROIR_IDENTITY_URL", upstream("identity")),
            ("MIROIR_REPORTS_URL", upstream("reports")),
            ("MIROIR_PUBLICATIONS_URL", upstream("publications")),
            ("MIROIR_DIALOGUE_URL", upstream("dialogue")),
            ("MIROIR_NOTIFICATIONS_URL", upstream("notifications")),
            ("MIROIR_TRANSPARENCY_URL", upstream("transparency")),
        ],
        process: None,
    });
    for component in &mut components {
        component.start();
    }
    eprintln!("infra_faults: platform started in {:.1} s", started.elapsed().as_secs_f64());
    let index = |name: &str| components.iter().position(|c| c.name == name).expect("a component");
    let (notifications, transparency) = (index("notifications"), index("transparency"));
    let site = format!("http://{http}");
    let api = format!("{site}/api/v1/communes/{PARIS}");
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("http client");

    // Residents who verified their address (they hear by e-mail), and the mayor.
    let identity_db = Database::connect(&urls["identity"], &PoolConfig::default()).await.expect("identity's db");
    let mut residents = Vec::new();
    for i in 0..CLIENTS {
        residents.push(verified_resident(&client, &site, &identity_db, &email_of(i), PASSWORD, PARIS).await);
    }
    identity_db.pool().close().await;
    let mayor = login(&client, &site, "maire@example.fr", PASSWORD).await;

    // Until reports and dialogue learned the commune from identity's stream, they refuse it: wait once.
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let (work, mut todo) = mpsc::unbounded_channel::<Work>();
    {
        let patience = Duration::from_secs(60);
        let report = json!({"category": "voirie", "title": "Signalement [first]", "description": "Avant les pannes.",
            "location": {"latitude": 48.8566, "longitude": 2.3522}});
        let (filed, _) =
            call_until_done(&client, &format!("{api}/reports"), &residents[0], &report, "first", patience).await;
        let question = json!({"title": "Question [firstq]", "body": "Avant les pannes."});
        let (asked, _) =
            call_until_done(&client, &format!("{api}/questions"), &residents[0], &question, "firstq", patience).await;
        let mut ledger = ledger.lock().await;
        let (report, question) = (id(&filed, "report_id"), id(&asked, "question_id"));
        ledger.reports.insert("first".into(), report.clone());
        ledger.report_owner.insert(report.clone(), 0);
        ledger.questions.insert("firstq".into(), question.clone());
        ledger.question_owner.insert(question.clone(), 0);
        work.send(Work::Report(report)).expect("queue");
        work.send(Work::Question(question)).expect("queue");
    }

    // The steady load: each resident files a report, and every third time asks a question (a few).
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = Vec::new();
    for (i, token) in residents.iter().cloned().enumerate() {
        let (client, api, stop, ledger, work) =
            (client.clone(), api.clone(), stop.clone(), ledger.clone(), work.clone());
        load.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                tokio::time::sleep(PACE).await;
                n += 1;
                let key = format!("client{i}-report{n}");
                let report = json!({"category": "voirie", "title": format!("Signalement [{key}]"),
                    "description": "Pendant les pannes.", "location": {"latitude": 48.85, "longitude": 2.35}});
                let url = format!("{api}/reports");
                let (filed, retries) = call_until_done(&client, &url, &token, &report, &key, PATIENCE).await;
                let report = id(&filed, "report_id");
                let mut book = ledger.lock().await;
                book.retries += retries;
                book.reports.insert(key, report.clone());
                book.report_owner.insert(report.clone(), i);
                drop(book);
                work.send(Work::Report(report)).expect("the mayor works until the residents stop");
                if n % 3 == 0 && n / 3 <= QUESTIONS_PER_CLIENT {
                    let key = format!("client{i}-question{n}");
                    let question = json!({"title": format!("Question [{key}]"), "body": "Pendant les pannes."});
                    let url = format!("{api}/questions");
                    let (asked, retries) = call_until_done(&client, &url, &token, &question, &key, PATIENCE).await;
                    let question = id(&asked, "question_id");
                    let mut book = ledger.lock().await;
                    book.retries += retries;
                    book.questions.insert(key, question.clone());
                    book.question_owner.insert(question.clone(), i);
                    drop(book);
                    work.send(Work::Question(question)).expect("the mayor works until the residents stop");
                }
            }
        }));
    }
    drop(work);
    // The mayor acknowledges every report and answers every question, in the order they came.
    let mayor_task = {
        let (client, api, ledger) = (client.clone(), api.clone(), ledger.clone());
        tokio::spawn(async move {
            while let Some(item) = todo.recv().await {
                let (url, body, key) = match &item {
                    Work::Report(id) => (
                        format!("{api}/reports/{id}/acknowledge"),
                        json!({"message": "Nous passons."}),
                        format!("ack-{id}"),
                    ),
                    Work::Question(id) => (
                        format!("{api}/questions/{id}/answer"),
                        json!({"body": "Voici la réponse de la mairie."}),
                        format!("answer-{id}"),
                    ),
                };
                let (_, retries) = call_until_done(&client, &url, &mayor, &body, &key, PATIENCE).await;
                let mut book = ledger.lock().await;
                book.retries += retries;
                match item {
                    Work::Report(id) => book.acknowledged.insert(id),
                    Work::Question(id) => book.answered.insert(id),
                };
            }
        })
    };

    eprintln!("infra_faults: load started at {:.1} s", started.elapsed().as_secs_f64());
    let mut dashboard = TransparencyClient::connect(upstream("transparency")).await.expect("connect");
    // (a) NATS killed, started again on the same store.
    let mark = progress(&ledger).await;
    nats.kill();
    tokio::time::sleep(Duration::from_secs(1)).await;
    nats.start_again();
    resumed(&ledger, mark, "NATS killed and restarted").await;
    flowing(&mut dashboard, &sink, mark, "NATS killed and restarted").await;
    all_running(&mut components, "NATS killed and restarted");

    // (b) NATS killed, its store wiped: the relays republish every log from their databases.
    let mark = progress(&ledger).await;
    nats.kill();
    nats.wipe();
    tokio::time::sleep(Duration::from_secs(1)).await;
    nats.start_again();
    resumed(&ledger, mark, "NATS restarted with its store wiped").await;
    flowing(&mut dashboard, &sink, mark, "NATS restarted with its store wiped").await;
    all_running(&mut components, "NATS restarted with its store wiped");

    // (c) PostgreSQL restarted the hard way: stopped with `-m immediate` (every session cut, no checkpoint),
    // away for two seconds while the load goes on, started again (crash recovery).
    let mark = progress(&ledger).await;
    pg.kill();
    tokio::time::sleep(Duration::from_secs(2)).await;
    pg.start_again();
    resumed(&ledger, mark, "PostgreSQL restarted").await;
    flowing(&mut dashboard, &sink, mark, "PostgreSQL restarted").await;
    all_running(&mut components, "PostgreSQL restarted");

    // (d) Transparency's read models lost: its database dropped and recreated, migrated, rebuilt from
    // JetStream by the operator's command, then the service started again.
    let mark = progress(&ledger).await;
    components[transparency].kill();
    pg.drop_database("transparency").await;
    pg.create_database("transparency").await;
    let (database_url, nats_url) = (urls["transparency"].clone(), nats.url());
    let rebuild_started = Instant::now();
    let rebuilt = tokio::task::spawn_blocking(move || {
        let operator = |args: &[&str]| {
            let output = Command::new(miroir_bin())
                .args(args)
                .env("MIROIR_DATABASE_URL", &database_url)
                .env("MIROIR_NATS_URL", &nats_url)
                .env("MIROIR_LOG_FORMAT", "json")
                .output()
                .expect("the operator's command");
            assert!(output.status.success(), "miroir {args:?}: {}", String::from_utf8_lossy(&output.stderr));
            String::from_utf8_lossy(&output.stdout).into_owned()
        };
        operator(&["migrate", "transparency"]);
        operator(&["rebuild", "transparency"])
    })
    .await
    .expect("the operator's commands");
    assert!(rebuilt.contains("transparency rebuilt"), "{rebuilt}");
    eprintln!("infra_faults: migrate + rebuild took {:.1} s", rebuild_started.elapsed().as_secs_f64());
    restart(&mut components[transparency]).await;
    resumed(&ledger, mark, "transparency's database rebuilt").await;
    flowing(&mut dashboard, &sink, mark, "transparency's database rebuilt").await;

    // (e) Notifications killed in the middle of a burst of e-mails (a slow relay makes the burst last).
    let mark = progress(&ledger).await;
    sink.slow_down(Duration::from_millis(150));
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before_kill = sink.messages().len();
    let due_at_kill = progress(&ledger).await.1;
    components[notifications].kill();
    assert!(before_kill < due_at_kill, "killed mid-burst: {before_kill} e-mails of {due_at_kill} had arrived");
    sink.slow_down(Duration::ZERO);
    tokio::time::sleep(Duration::from_millis(500)).await;
    restart(&mut components[notifications]).await;
    resumed(&ledger, mark, "notifications killed mid-burst").await;
    flowing(&mut dashboard, &sink, mark, "notifications killed mid-burst").await;
    all_running(&mut components, "the end of the faults");

    eprintln!("infra_faults: faults done at {:.1} s", started.elapsed().as_secs_f64());
    // The load stops; the mayor finishes what was filed.
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    for task in load {
        task.await.expect("a resident");
    }
    mayor_task.await.expect("the mayor");
    let ledger = Arc::try_unwrap(ledger).map_err(|_| "shared").expect("the clients are done").into_inner();
    let reports: BTreeSet<&String> = ledger.reports.values().collect();
    let questions: BTreeSet<&String> = ledger.questions.values().collect();
    assert_eq!(reports.len(), ledger.reports.len(), "one report per Idempotency-Key");
    assert_eq!(questions.len(), ledger.questions.len(), "one question per Idempotency-Key");
    assert_eq!(ledger.acknowledged.iter().collect::<BTreeSet<_>>(), reports, "the mayor acknowledged each report");
    assert_eq!(ledger.answered.iter().collect::<BTreeSet<_>>(), questions, "the mayor answered each question");
    assert!(reports.len() > 20, "a load worth the name: {} reports", reports.len());
    assert!(ledger.retries > 0, "the faults were felt: some calls failed and were retried");

    eprintln!("infra_faults: load stopped at {:.1} s", started.elapsed().as_secs_f64());
    // In each log exactly once, and nothing else.
    let db = |name: &str| {
        let url = urls[name].clone();
        async move { Database::connect(&url, &PoolConfig::default()).await.expect("a service's database") }
    };
    let (reports_db, dialogue_db) = (db("reports").await, db("dialogue").await);
    for (db, event_type, expected) in [
        (&reports_db, "miroir.reports.v1.ReportSubmitted", &reports),
        (&reports_db, "miroir.reports.v1.ReportAcknowledged", &reports),
        (&dialogue_db, "miroir.dialogue.v1.QuestionAsked", &questions),
        (&dialogue_db, "miroir.dialogue.v1.AnswerPublished", &questions),
    ] {
        let logged = in_log(db, event_type).await;
        assert_eq!(logged.keys().collect::<BTreeSet<_>>(), *expected, "{event_type}: exactly what was acknowledged");
        assert!(logged.values().all(|n| *n == 1), "{event_type}: each once");
    }

    // Each stream is its log once: sequence N is position N, nothing missing, nothing twice.
    let bus = async_nats::connect(nats.url()).await.expect("nats");
    let jetstream = async_nats::jetstream::new(bus);
    for service in ["identity", "reports", "dialogue", "notifications"] {
        let db = db(service).await;
        let head: i64 =
            sqlx::query("SELECT position FROM log_head WHERE id = 1").fetch_one(db.pool()).await.expect("head").get(0);
        let stream_name = format!("MIROIR_{}", service.to_uppercase());
        let mut state = (0, 0);
        for _ in 0..600 {
            if let Ok(mut stream) = jetstream.get_stream(&stream_name).await
                && let Ok(info) = stream.info().await
            {
                state = (info.state.messages, info.state.last_sequence);
                if state == (head as u64, head as u64) {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(state, (head as u64, head as u64), "{stream_name}: (messages, last sequence) = the log's head");
    }

    eprintln!("infra_faults: logs and streams checked at {:.1} s", started.elapsed().as_secs_f64());
    // Counted by transparency, rebuilt and following again.
    let expected = (reports.len() as u64, questions.len() as u64, questions.len() as u64);
    let mut counted = (0, 0, 0);
    for _ in 0..600 {
        let request = tr::GetDashboardRequest { scope: format!("communes/{PARIS}"), months: 1 };
        if let Ok(dashboard) = dashboard.get_dashboard(request).await {
            let dashboard = dashboard.into_inner();
            let q = dashboard.questions.unwrap_or_default();
            counted = (dashboard.reports.map_or(0, |r| r.received), q.asked, q.answered);
            if counted == expected {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(counted, expected, "transparency counts each report, question and answer once");

    eprintln!("infra_faults: transparency checked at {:.1} s", started.elapsed().as_secs_f64());
    // The e-mails: one per acknowledgement to its reporter, one per answer to its asker, and nothing else.
    let mut wanted: BTreeMap<String, String> = BTreeMap::new();
    for (key, report) in &ledger.reports {
        wanted.insert(key.clone(), email_of(ledger.report_owner[report]));
    }
    for (key, question) in &ledger.questions {
        wanted.insert(key.clone(), email_of(ledger.question_owner[question]));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while distinct(&sink.messages()).len() < wanted.len() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A quiet while later, still nothing more: no redelivery made a second message.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let received = sink.messages();
    let messages = distinct(&received);
    let mut got: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for message in messages.values() {
        let subject = message.subject();
        let key = subject
            .split_once('[')
            .and_then(|(_, rest)| rest.split_once(']'))
            .map(|(key, _)| key.to_owned())
            .unwrap_or_else(|| panic!("an e-mail about nothing the test did: {subject}"));
        got.entry(key).or_default().push((message.to.join(","), message.message_id()));
    }
    let missing: Vec<&String> = wanted.keys().filter(|k| !got.contains_key(*k)).collect();
    assert!(missing.is_empty(), "no e-mail for {} events: {missing:?}", missing.len());
    for (key, copies) in &got {
        let to = wanted.get(key).unwrap_or_else(|| panic!("an e-mail nobody should have had: {key} {copies:?}"));
        assert_eq!(copies.len(), 1, "{key}: one message, not {copies:?}");
        assert_eq!(&copies[0].0, to, "{key}: to its resident");
    }
    // A message sent again carries the same Message-ID (mail stores drop the copy): only the notifications
    // process's SIGKILL may do that, for the messages it had in flight.
    let resent = received.len() - messages.len();
    assert!(resent <= 2, "{resent} messages sent twice: more than the senders had in flight at the SIGKILL");

    eprintln!(
        "infra_faults: {} reports, {} questions, all acknowledged/answered; {} calls retried; {} e-mails \
         ({} of {} before the notifications SIGKILL, {} sent again); {:.0} s",
        reports.len(),
        questions.len(),
        ledger.retries,
        messages.len(),
        before_kill,
        due_at_kill,
        resent,
        started.elapsed().as_secs_f64()
    );
    for component in components.iter_mut().rev() {
        if let Some(process) = component.process.take() {
            assert!(process.terminate().success(), "{} stops cleanly on SIGTERM", component.name);
        }
    }
}

/// How long a client keeps trying one call through a fault.
const PATIENCE: Duration = Duration::from_secs(120);

fn email_of(resident: usize) -> String {
    format!("habitant{resident}@example.fr")
}

fn id(answer: &Value, field: &str) -> String {
    answer[field].as_str().unwrap_or_else(|| panic!("{field} in {answer}")).to_owned()
}

/// How far the load got: reports filed and work the mayor did.
async fn progress(ledger: &Mutex<Ledger>) -> (usize, usize) {
    let ledger = ledger.lock().await;
    (ledger.reports.len(), ledger.acknowledged.len() + ledger.answered.len())
}

/// Waits until residents and mayor both went on after a fault.
async fn resumed(ledger: &Mutex<Ledger>, (reports, work): (usize, usize), fault: &str) {
    let (start, deadline) = (Instant::now(), Instant::now() + Duration::from_secs(90));
    loop {
        let (now_reports, now_work) = progress(ledger).await;
        if now_reports >= reports + CLIENTS * 2 && now_work >= work + CLIENTS * 2 {
            eprintln!("infra_faults: {fault}: the load resumed in {:.1} s", start.elapsed().as_secs_f64());
            return;
        }
        assert!(Instant::now() < deadline, "the load did not resume after: {fault}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until what came after a fault went all the way through JetStream: transparency counts more reports,
/// and more e-mails arrived, than there were when it struck.
async fn flowing(
    dashboard: &mut TransparencyClient<tonic::transport::Channel>,
    sink: &SmtpSink,
    (reports, work): (usize, usize),
    fault: &str,
) {
    let (start, deadline) = (Instant::now(), Instant::now() + Duration::from_secs(90));
    loop {
        let request = tr::GetDashboardRequest { scope: format!("communes/{PARIS}"), months: 1 };
        let counted = match dashboard.get_dashboard(request).await {
            Ok(answer) => answer.into_inner().reports.map_or(0, |r| r.received) as usize,
            Err(_) => 0,
        };
        let mailed = distinct(&sink.messages()).len();
        if counted > reports && mailed > work {
            eprintln!("infra_faults: {fault}: events flow again after {:.1} s", start.elapsed().as_secs_f64());
            return;
        }
        assert!(
            Instant::now() < deadline,
            "after {fault}, events stopped: transparency counts {counted} reports (had {reports}), {mailed} e-mails \
             (had {work} due)"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn all_running(components: &mut [Component], fault: &str) {
    for component in components {
        assert!(component.is_running(), "{} exited after: {fault} (it must reconnect by itself)", component.name);
    }
}

/// Aggregate id → how many `event_type` events the log holds for it.
async fn in_log(db: &Database, event_type: &str) -> BTreeMap<String, i64> {
    let rows = sqlx::query("SELECT aggregate_id, COUNT(*) FROM events WHERE event_type = $1 GROUP BY aggregate_id")
        .bind(event_type)
        .fetch_all(db.pool())
        .await
        .expect("read the log");
    rows.iter().map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1))).collect()
}

/// The messages by Message-ID (a copy sent again has the same one).
fn distinct(messages: &[Received]) -> BTreeMap<String, Received> {
    messages.iter().map(|m| (m.message_id(), m.clone())).collect()
}
