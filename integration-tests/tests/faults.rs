//! Faults under a steady load, through real processes: `miroir serve`
//! identity, reports, publications, dialogue, transparency and the gateway on
//! PostgreSQL and NATS JetStream, while residents keep filing reports and
//! asking questions and the mayor publishes news (each client retries a failed
//! call with the same Idempotency-Key, as a client should). Each component in turn is killed with SIGKILL and started
//! again. After recovery: every call acknowledged with success is in its
//! service's log exactly once, readable through the API, relayed to JetStream
//! exactly once, and counted by transparency's projections.

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpListener;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use miroir_integration_tests::rest::{call_until_done, login};
use miroir_integration_tests::{Process, miroir_bin, nats_url};
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::transparency::v1 as tr;
use miroir_proto::transparency::v1::transparency_client::TransparencyClient;
use serde_json::json;
use sqlx::Row;
use tokio::sync::Mutex;

const PASSWORD: &str = "une mairie bien gardée";
const PARIS: &str = "75056";
const CLIENTS: usize = 3;
const QUESTIONS_PER_CLIENT: usize = 6;
/// Each client's pause between two calls: about 30 reports a second in all.
const PACE: Duration = Duration::from_millis(100);

/// A port nobody listens on now: each component keeps its address across restarts, as a Kubernetes Service does.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

struct Component {
    name: &'static str,
    args: Vec<&'static str>,
    env: Vec<(&'static str, String)>,
    process: Option<Process>,
}

impl Component {
    fn start(&mut self) {
        self.process = Some(Process::start(&self.args, &self.env, 2));
    }

    fn kill(&mut self) {
        if let Some(process) = self.process.take() {
            process.kill();
        }
    }
}

/// What the residents and the mayor were told succeeded: report, question and published news ids, by
/// Idempotency-Key.
#[derive(Default)]
struct Acknowledged {
    reports: BTreeMap<String, String>,
    questions: BTreeMap<String, String>,
    news: BTreeMap<String, String>,
    retries: u64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nothing_acknowledged_is_lost_when_each_component_is_killed_in_turn() {
    let dbs: Vec<TestDatabase> = futures::future::join_all((0..5).map(|_| TestDatabase::postgres())).await;
    let [identity_db, reports_db, publications_db, dialogue_db, transparency_db] = &dbs[..] else { unreachable!() };
    let prefix = format!("it{}", uuid::Uuid::new_v4().simple());
    let admin = |args: &[&str]| {
        let output = Command::new(miroir_bin())
            .args(["admin", "--database-url", &identity_db.url])
            .args(args)
            .output()
            .expect("admin");
        assert!(output.status.success(), "miroir admin {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    };
    admin(&["register-commune", "--insee", PARIS, "--name", "Paris", "--department", "75"]);
    admin(&["create-admin", "--commune", PARIS, "--email", "maire@example.fr", "--password", PASSWORD]);

    let grpc: BTreeMap<&str, String> = ["identity", "reports", "publications", "dialogue", "transparency"]
        .into_iter()
        .map(|name| (name, format!("127.0.0.1:{}", free_port())))
        .collect();
    let http = format!("127.0.0.1:{}", free_port());
    let objects = tempfile::tempdir().expect("object folder");
    let service = |name: &'static str, db: &TestDatabase| Component {
        name,
        args: vec!["serve", name],
        env: vec![
            ("MIROIR_DATABASE_URL", db.url.clone()),
            ("MIROIR_NATS_URL", nats_url()),
            ("MIROIR_NATS_PREFIX", prefix.clone()),
            ("MIROIR_GRPC_LISTEN", grpc[name].clone()),
            ("MIROIR_ADMIN_LISTEN", "127.0.0.1:0".to_owned()),
            ("MIROIR_IDENTITY_URL", format!("http://{}", grpc["identity"])),
            ("MIROIR_OBJECT_STORE", objects.path().display().to_string()),
        ],
        process: None,
    };
    let mut components = vec![
        service("identity", identity_db),
        service("reports", reports_db),
        service("publications", publications_db),
        service("dialogue", dialogue_db),
        service("transparency", transparency_db),
        Component {
            name: "gateway",
            args: vec!["serve", "gateway"],
            env: vec![
                ("MIROIR_HTTP_LISTEN", http.clone()),
                ("MIROIR_ADMIN_LISTEN", "127.0.0.1:0".to_owned()),
                ("MIROIR_IDENTITY_URL", format!("http://{}", grpc["identity"])),
                ("MIROIR_REPORTS_URL", format!("http://{}", grpc["reports"])),
                ("MIROIR_DIALOGUE_URL", format!("http://{}", grpc["dialogue"])),
                ("MIROIR_TRANSPARENCY_URL", format!("http://{}", grpc["transparency"])),
                ("MIROIR_PUBLICATIONS_URL", format!("http://{}", grpc["publications"])),
            ],
            process: None,
        },
    ];
    for component in &mut components {
        component.start();
    }
    let site = format!("http://{http}");
    let api = format!("{site}/api/v1/communes/{PARIS}");
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("http client");

    // Residents, signed in before the faults (a 15-minute token outlives the test).
    let mut residents = Vec::new();
    for i in 0..CLIENTS {
        let email = format!("habitant{i}@example.fr");
        let signup =
            json!({"email": email, "password": PASSWORD, "display_name": format!("Habitant {i}"), "commune": PARIS});
        let response = client.post(format!("{site}/api/v1/auth/signup")).json(&signup).send().await.expect("signup");
        assert!(response.status().is_success(), "signup: {}", response.status());
        residents.push(login(&client, &site, &email, PASSWORD).await);
    }
    // Until reports and dialogue learned the commune from identity's stream, they refuse it: wait once.
    let probe = json!({"category": "voirie", "title": "Premier signalement", "description": "Avant les pannes.",
        "location": {"latitude": 48.8566, "longitude": 2.3522}});
    let first =
        call_until_done(&client, &format!("{api}/reports"), &residents[0], &probe, "first", Duration::from_secs(60))
            .await;
    let question = json!({"title": "Première question", "body": "Avant les pannes."});
    let first_question = call_until_done(
        &client,
        &format!("{api}/questions"),
        &residents[0],
        &question,
        "firstq",
        Duration::from_secs(60),
    )
    .await;
    let acknowledged = Arc::new(Mutex::new(Acknowledged::default()));
    {
        let mut ack = acknowledged.lock().await;
        ack.reports.insert("first".into(), first.0["report_id"].as_str().expect("id").to_owned());
        ack.questions.insert("firstq".into(), first_question.0["question_id"].as_str().expect("id").to_owned());
    }

    // The steady load: each client files a report, and every third time asks a question (a few).
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = Vec::new();
    for (i, token) in residents.iter().cloned().enumerate() {
        let (client, api, stop, acknowledged) = (client.clone(), api.clone(), stop.clone(), acknowledged.clone());
        load.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                // A steady load, not a flood: the other tests share the machine.
                tokio::time::sleep(PACE).await;
                n += 1;
                let key = format!("client{i}-report{n}");
                let report = json!({"category": "voirie", "title": format!("Signalement {key}"),
                    "description": "Pendant les pannes.", "location": {"latitude": 48.85, "longitude": 2.35}});
                let (answer, retries) = call_until_done(
                    &client,
                    &format!("{api}/reports"),
                    &token,
                    &report,
                    &key,
                    Duration::from_secs(120),
                )
                .await;
                let mut ack = acknowledged.lock().await;
                ack.retries += retries;
                ack.reports.insert(key, answer["report_id"].as_str().expect("report id").to_owned());
                drop(ack);
                // Dialogue's posting limit is 10 per account in 10 minutes: a few questions each.
                if n % 3 == 0 && n / 3 <= QUESTIONS_PER_CLIENT {
                    let key = format!("client{i}-question{n}");
                    let question = json!({"title": format!("Question {key}"), "body": "Pendant les pannes."});
                    let (answer, retries) = call_until_done(
                        &client,
                        &format!("{api}/questions"),
                        &token,
                        &question,
                        &key,
                        Duration::from_secs(120),
                    )
                    .await;
                    let mut ack = acknowledged.lock().await;
                    ack.retries += retries;
                    ack.questions.insert(key, answer["question_id"].as_str().expect("question id").to_owned());
                }
            }
        }));
    }

    // The mayor publishes news all along: a draft, then its publication, each call retried with its own key.
    let mayor = login(&client, &site, "maire@example.fr", PASSWORD).await;
    load.push(tokio::spawn({
        let (client, api, stop, acknowledged) = (client.clone(), api.clone(), stop.clone(), acknowledged.clone());
        async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                tokio::time::sleep(PACE * 3).await;
                n += 1;
                let draft = json!({"space": "official", "kind": "news", "title": format!("Actualité {n}"),
                    "body": "Publiée pendant les pannes."});
                let url = format!("{api}/publications");
                let patience = Duration::from_secs(120);
                let (drafted, retries) =
                    call_until_done(&client, &url, &mayor, &draft, &format!("mayor-draft{n}"), patience).await;
                let id = drafted["publication_id"].as_str().expect("publication id").to_owned();
                let url = format!("{api}/publications/{id}/publish");
                let (_, more) =
                    call_until_done(&client, &url, &mayor, &json!({}), &format!("mayor-publish{n}"), patience).await;
                let mut ack = acknowledged.lock().await;
                ack.retries += retries + more;
                ack.news.insert(format!("mayor-news{n}"), id);
            }
        }
    }));

    // Each component in turn: SIGKILL under load, then started again on the same address.
    for component in components.iter_mut() {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let (before, news_before) = {
            let ack = acknowledged.lock().await;
            (ack.reports.len(), ack.news.len())
        };
        component.kill();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let name = component.name;
        let restart = tokio::task::spawn_blocking({
            let mut again = Component { name, args: component.args.clone(), env: component.env.clone(), process: None };
            move || {
                again.start();
                again
            }
        });
        *component = restart.await.expect("restart");
        // The load goes on after the restart.
        let deadline = Instant::now() + Duration::from_secs(60);
        while acknowledged.lock().await.reports.len() < before + CLIENTS && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(acknowledged.lock().await.reports.len() >= before + CLIENTS, "the load resumes after {name} restarted");
        while acknowledged.lock().await.news.len() <= news_before && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(acknowledged.lock().await.news.len() > news_before, "the news resume after {name} restarted");
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, Ordering::Relaxed);
    for task in load {
        task.await.expect("a client");
    }
    let acknowledged = Arc::try_unwrap(acknowledged).map_err(|_| "shared").expect("the clients are done").into_inner();
    let reports: BTreeSet<&String> = acknowledged.reports.values().collect();
    let questions: BTreeSet<&String> = acknowledged.questions.values().collect();
    let news: BTreeSet<&String> = acknowledged.news.values().collect();
    assert_eq!(reports.len(), acknowledged.reports.len(), "one report per Idempotency-Key");
    assert_eq!(questions.len(), acknowledged.questions.len(), "one question per Idempotency-Key");
    assert_eq!(news.len(), acknowledged.news.len(), "one publication per draft key");
    assert!(reports.len() > 15, "a load worth the name: {} reports", reports.len());
    assert!(acknowledged.retries > 0, "the faults were felt: some calls failed and were retried");
    eprintln!(
        "faults: {} reports, {} questions and {} news acknowledged, {} calls retried",
        reports.len(),
        questions.len(),
        news.len(),
        acknowledged.retries
    );

    // In each log exactly once, and nothing else.
    let in_log = |db: &TestDatabase, event_type: &'static str| {
        let pool = db.db.pool().clone();
        async move {
            let rows =
                sqlx::query("SELECT aggregate_id, COUNT(*) FROM events WHERE event_type = $1 GROUP BY aggregate_id")
                    .bind(event_type)
                    .fetch_all(&pool)
                    .await
                    .expect("read the log");
            rows.iter().map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1))).collect::<BTreeMap<String, i64>>()
        }
    };
    let logged = in_log(reports_db, "miroir.reports.v1.ReportSubmitted").await;
    assert_eq!(logged.keys().collect::<BTreeSet<_>>(), reports, "the reports' log holds exactly what was acknowledged");
    assert!(logged.values().all(|n| *n == 1), "each report once");
    let logged = in_log(dialogue_db, "miroir.dialogue.v1.QuestionAsked").await;
    assert_eq!(
        logged.keys().collect::<BTreeSet<_>>(),
        questions,
        "the dialogue log holds exactly what was acknowledged"
    );
    assert!(logged.values().all(|n| *n == 1), "each question once");
    for event_type in ["miroir.publications.v1.PublicationDrafted", "miroir.publications.v1.PublicationPublished"] {
        let logged = in_log(publications_db, event_type).await;
        assert_eq!(logged.keys().collect::<BTreeSet<_>>(), news, "the publications' log: {event_type} of each news");
        assert!(logged.values().all(|n| *n == 1), "{event_type}: each news once");
    }

    // Readable through the API.
    for id in reports.iter().take(50) {
        let response = client.get(format!("{api}/reports/{id}")).send().await.expect("get report");
        assert_eq!(response.status(), 200, "report {id}");
    }
    for id in &news {
        let response = client.get(format!("{api}/publications/{id}")).send().await.expect("get news");
        assert_eq!(response.status(), 200, "news {id}, public once published");
    }

    // Relayed to JetStream exactly once: stream sequence = log position.
    let nats = async_nats::connect(nats_url()).await.expect("nats");
    let jetstream = async_nats::jetstream::new(nats);
    for (service, db) in [("REPORTS", reports_db), ("PUBLICATIONS", publications_db), ("DIALOGUE", dialogue_db)] {
        let head: i64 = sqlx::query("SELECT position FROM log_head WHERE id = 1")
            .fetch_one(db.db.pool())
            .await
            .expect("head")
            .get(0);
        let stream_name = format!("{}_{service}", prefix.to_uppercase());
        let mut messages = 0;
        for _ in 0..600 {
            if let Ok(mut stream) = jetstream.get_stream(&stream_name).await
                && let Ok(info) = stream.info().await
            {
                messages = info.state.messages;
                if messages == head as u64 && info.state.last_sequence == head as u64 {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(messages, head as u64, "{stream_name}: each event once");
    }

    // Counted by transparency, after its own SIGKILL.
    let mut transparency =
        TransparencyClient::connect(format!("http://{}", grpc["transparency"])).await.expect("connect");
    let mut counted = (0, 0);
    for _ in 0..600 {
        let request = tr::GetDashboardRequest { scope: format!("communes/{PARIS}"), months: 1 };
        if let Ok(dashboard) = transparency.get_dashboard(request).await {
            let dashboard = dashboard.into_inner();
            counted = (dashboard.reports.map_or(0, |r| r.received), dashboard.questions.map_or(0, |q| q.asked));
            if counted == (reports.len() as u64, questions.len() as u64) {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(counted, (reports.len() as u64, questions.len() as u64), "transparency counts each once");

    for component in components.iter_mut().rev() {
        if let Some(process) = component.process.take() {
            assert!(process.terminate().success(), "{} stops cleanly on SIGTERM", component.name);
        }
    }
    for service in ["IDENTITY", "REPORTS", "PUBLICATIONS", "DIALOGUE"] {
        let _ = jetstream.delete_stream(format!("{}_{service}", prefix.to_uppercase())).await;
    }
}
