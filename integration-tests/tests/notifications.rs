//! Notifications through real processes: `miroir serve identity`, `serve
//! reports`, `serve notifications` and `serve gateway` on PostgreSQL and NATS
//! JetStream, sending to a real SMTP server on 127.0.0.1 (`miroir-mail`'s
//! test server). A resident's report is followed from its submission to the
//! e-mail about its resolution; then the notifications process is restarted
//! in the middle of a burst and every message still arrives exactly once.

use std::collections::HashSet;
use std::process::Command;
use std::time::Duration;

use miroir_integration_tests::{Process, miroir_bin, nats_url, rest};
use miroir_mail::testing::{Received, SmtpSink};
use miroir_platform::storage::testing::TestDatabase;
use serde_json::{Value, json};

const PASSWORD: &str = "une mairie bien gardée";
const PARIS: &str = "75056";
const SECRET: &str = "le-secret-interne-de-ce-test-0123456789";

/// The platform of one test: its databases, processes and the SMTP server.
struct Platform {
    identity_db: TestDatabase,
    notifications_db: TestDatabase,
    _reports_db: TestDatabase,
    _objects: tempfile::TempDir,
    prefix: String,
    identity_url: String,
    sink: SmtpSink,
    notifications: Option<Process>,
    _identity: Process,
    _reports: Process,
    _gateway: Process,
    site: String,
    http: reqwest::Client,
}

fn common(db: &TestDatabase, prefix: &str) -> Vec<(&'static str, String)> {
    vec![
        ("MIROIR_DATABASE_URL", db.url.clone()),
        ("MIROIR_NATS_URL", nats_url()),
        ("MIROIR_NATS_PREFIX", prefix.to_owned()),
        ("MIROIR_GRPC_LISTEN", "127.0.0.1:0".to_owned()),
        ("MIROIR_ADMIN_LISTEN", "127.0.0.1:0".to_owned()),
        ("MIROIR_INTERNAL_SECRET", SECRET.to_owned()),
    ]
}

impl Platform {
    async fn start() -> Self {
        let identity_db = TestDatabase::postgres().await;
        let reports_db = TestDatabase::postgres().await;
        let notifications_db = TestDatabase::postgres().await;
        let prefix = format!("it{}", uuid::Uuid::new_v4().simple());
        let admin = |args: &[&str]| {
            let output = Command::new(miroir_bin())
                .args(["admin", "--database-url", &identity_db.url])
                .args(args)
                .output()
                .expect("miroir admin");
            assert!(output.status.success(), "miroir admin {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        };
        admin(&["register-commune", "--insee", PARIS, "--name", "Paris", "--department", "75"]);
        admin(&["create-admin", "--commune", PARIS, "--email", "maire@example.fr", "--password", PASSWORD]);
        let sink = SmtpSink::start();

        let identity = Process::start(&["serve", "identity"], &common(&identity_db, &prefix), 2);
        let identity_url = format!("http://{}", identity.address("grpc"));
        let objects = tempfile::tempdir().expect("object folder");
        let mut reports_env = common(&reports_db, &prefix);
        reports_env.push(("MIROIR_IDENTITY_URL", identity_url.clone()));
        reports_env.push(("MIROIR_OBJECT_STORE", objects.path().display().to_string()));
        let reports = Process::start(&["serve", "reports"], &reports_env, 2);
        let mut platform = Platform {
            notifications: None,
            _gateway: Process::start(
                &["serve", "gateway"],
                &[
                    ("MIROIR_HTTP_LISTEN", "127.0.0.1:0".to_owned()),
                    ("MIROIR_ADMIN_LISTEN", "127.0.0.1:0".to_owned()),
                    ("MIROIR_IDENTITY_URL", identity_url.clone()),
                    ("MIROIR_REPORTS_URL", format!("http://{}", reports.address("grpc"))),
                    ("MIROIR_PUBLICATIONS_URL", "http://127.0.0.1:9".to_owned()),
                    ("MIROIR_DIALOGUE_URL", "http://127.0.0.1:9".to_owned()),
                ],
                2,
            ),
            site: String::new(),
            http: reqwest::Client::new(),
            identity_db,
            notifications_db,
            _reports_db: reports_db,
            _objects: objects,
            prefix,
            identity_url,
            sink,
            _identity: identity,
            _reports: reports,
        };
        platform.site = format!("http://{}", platform._gateway.address("http"));
        platform.start_notifications();
        platform
    }

    /// `miroir serve notifications`, on its database (kept across restarts), sending to the test's SMTP server.
    fn start_notifications(&mut self) {
        let mut env = common(&self.notifications_db, &self.prefix);
        env.push(("MIROIR_IDENTITY_URL", self.identity_url.clone()));
        env.push(("MIROIR_SMTP_URL", self.sink.url().to_owned()));
        env.push(("MIROIR_MAIL_FROM", "Miroir <ne-pas-repondre@miroir.test>".to_owned()));
        env.push(("MIROIR_PUBLIC_URL", "https://miroir.test".to_owned()));
        self.notifications = Some(Process::start(&["serve", "notifications"], &env, 2));
    }

    fn api(&self) -> String {
        format!("{}/api/v1/communes/{PARIS}", self.site)
    }

    async fn login(&self, email: &str) -> String {
        rest::login(&self.http, &self.site, email, PASSWORD).await
    }

    /// A resident who signed up and clicked the link of the verification e-mail.
    async fn verified_resident(&self, email: &str) -> String {
        rest::verified_resident(&self.http, &self.site, &self.identity_db.db, email, PASSWORD, PARIS).await
    }

    /// Sends until the service has learned the commune (400 before), as a client would retry.
    async fn until_known(&self, method: reqwest::Method, url: &str, bearer: &str, body: &Value) -> Value {
        for _ in 0..400 {
            let response =
                self.http.request(method.clone(), url).bearer_auth(bearer).json(body).send().await.expect("send");
            let status = response.status();
            let answer: Value = response.json().await.expect("json");
            if status.is_success() {
                return answer;
            }
            assert_eq!(status, 400, "only 'unknown commune' while the service catches up: {answer}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{url}: the commune never became known");
    }

    async fn post(&self, url: &str, bearer: &str, body: &Value) -> Value {
        let response = self.http.post(url).bearer_auth(bearer).json(body).send().await.expect("post");
        let status = response.status();
        let answer: Value = response.json().await.expect("json");
        assert!(status.is_success(), "{url}: {status} {answer}");
        answer
    }

    /// A report by `resident`, id returned.
    async fn report(&self, resident: &str, title: &str) -> String {
        let body = json!({"category": "voirie", "title": title, "description": "Depuis lundi.",
            "location": {"latitude": 48.8566, "longitude": 2.3522}});
        let filed = self.until_known(reqwest::Method::POST, &format!("{}/reports", self.api()), resident, &body).await;
        filed["report_id"].as_str().expect("report id").to_owned()
    }
}

/// The messages to `to`, once they are `count` (or what came in 60 s).
async fn inbox(sink: &SmtpSink, to: &str, count: usize) -> Vec<Received> {
    for _ in 0..1200 {
        let mine: Vec<Received> = sink.messages().into_iter().filter(|m| m.to.iter().any(|t| t == to)).collect();
        if mine.len() >= count {
            return mine;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    sink.messages().into_iter().filter(|m| m.to.iter().any(|t| t == to)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_is_followed_from_its_submission_to_the_email_about_its_resolution() {
    let platform = Platform::start().await;
    let mayor = platform.login("maire@example.fr").await;
    let anne = platform.verified_resident("habitante@example.fr").await;
    let category = json!({"name": "Voirie", "description": "Chaussée, trottoirs, éclairage."});
    platform
        .until_known(reqwest::Method::PUT, &format!("{}/categories/voirie", platform.api()), &mayor, &category)
        .await;

    let report = platform.report(&anne, "Lampadaire éteint rue des Lilas").await;
    let url = format!("{}/reports/{report}", platform.api());
    platform.post(&format!("{url}/acknowledge"), &mayor, &json!({"message": "Nous passons demain."})).await;
    platform
        .post(&format!("{url}/status"), &mayor, &json!({"status": "resolved", "message": "Le lampadaire est réparé."}))
        .await;

    // Two e-mails to the reporter (taken into account, resolved); none for her own submission.
    let received = inbox(&platform.sink, "habitante@example.fr", 2).await;
    assert_eq!(received.len(), 2, "{:?}", received.iter().map(Received::subject).collect::<Vec<_>>());
    let resolved = received.iter().find(|m| m.subject().contains("résolu")).expect("the e-mail about the resolution");
    assert_eq!(resolved.subject(), "Signalement résolu : Lampadaire éteint rue des Lilas");
    assert_eq!(resolved.from, "ne-pas-repondre@miroir.test");
    assert!(resolved.message_id().ends_with("@miroir.test"), "{}", resolved.message_id());
    assert!(resolved.text().contains("Le lampadaire est réparé."), "the commune's public message: {}", resolved.text());
    assert!(resolved.text().contains(&format!("https://miroir.test/c/{PARIS}/citoyen/signalements/{report}")));
    assert!(resolved.html().contains("Le lampadaire est réparé."));
    let unsubscribe = resolved.header("List-Unsubscribe").expect("List-Unsubscribe");
    assert!(unsubscribe.starts_with("<https://miroir.test/desabonnement/"), "{unsubscribe}");
    assert_eq!(resolved.header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
    // Nothing personal of anyone else: not the mayor's address, not her name.
    assert!(!resolved.text().contains("maire@example.fr") && !resolved.html().contains("maire@example.fr"));
    let ids: HashSet<String> = received.iter().map(Received::message_id).collect();
    assert_eq!(ids.len(), 2, "two distinct messages");

    // A while later, still exactly these two: redelivered events made nothing more.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(inbox(&platform.sink, "habitante@example.fr", 3).await.len(), 2);
    assert!(
        platform.sink.messages().iter().all(|m| !m.to.iter().any(|t| t == "maire@example.fr")),
        "the actor hears nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_in_the_middle_of_a_burst_sends_every_message_exactly_once() {
    const BURST: usize = 24;
    let mut platform = Platform::start().await;
    let mayor = platform.login("maire@example.fr").await;
    let anne = platform.verified_resident("habitante@example.fr").await;
    let category = json!({"name": "Voirie"});
    platform
        .until_known(reqwest::Method::PUT, &format!("{}/categories/voirie", platform.api()), &mayor, &category)
        .await;
    let mut reports = Vec::new();
    for n in 0..BURST {
        reports.push(platform.report(&anne, &format!("Nid-de-poule n° {n}")).await);
    }
    // A slow relay, so that the burst lasts: 150 ms per message.
    platform.sink.slow_down(Duration::from_millis(150));
    for report in &reports {
        let url = format!("{}/reports/{report}/acknowledge", platform.api());
        platform.post(&url, &mayor, &json!({"message": "Pris en compte."})).await;
    }

    // In the middle of the burst: the notifications process is stopped (SIGTERM, as a rolling deploy does) and
    // started again on the same database.
    let some = inbox(&platform.sink, "habitante@example.fr", BURST / 4).await.len();
    assert!((BURST / 4..BURST).contains(&some), "stopped mid-burst ({some} of {BURST} sent)");
    let status = platform.notifications.take().expect("running").terminate();
    assert!(status.success(), "a graceful stop: {status:?}");
    let at_stop = inbox(&platform.sink, "habitante@example.fr", 0).await.len();
    assert!(at_stop < BURST, "the stop came before the end of the burst ({at_stop})");
    platform.start_notifications();

    let received = inbox(&platform.sink, "habitante@example.fr", BURST).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let received_later = inbox(&platform.sink, "habitante@example.fr", BURST + 1).await;
    assert_eq!(received.len(), BURST, "every message arrived");
    assert_eq!(received_later.len(), BURST, "and none twice");
    let ids: HashSet<String> = received_later.iter().map(Received::message_id).collect();
    assert_eq!(ids.len(), BURST, "one Message-ID per message");
    let titles: HashSet<String> = received_later.iter().map(Received::subject).collect();
    assert_eq!(titles.len(), BURST, "one message per report: {titles:?}");
}
