//! Transparency through real processes: `miroir serve` identity, reports,
//! publications, dialogue, transparency and the gateway on PostgreSQL and
//! NATS JetStream. A resident's report, its acknowledgement and a question
//! answered by the mayor reach transparency through the streams; then
//! `miroir rebuild transparency` replays the streams into fresh tables while
//! the service keeps answering, and the figures are the same after the swap.

use std::process::Command;
use std::time::Duration;

use miroir_integration_tests::rest::{login, post, post_until_known};
use miroir_integration_tests::{Process, miroir_bin, nats_url};
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::transparency::v1 as pb;
use miroir_proto::transparency::v1::transparency_client::TransparencyClient;
use serde_json::json;

const PASSWORD: &str = "une mairie bien gardée";
const PARIS: &str = "75056";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figures_follow_the_streams_and_a_rebuild_swaps_in_the_same_figures() {
    let dbs: Vec<TestDatabase> = futures::future::join_all((0..5).map(|_| TestDatabase::postgres())).await;
    let [identity_db, reports_db, publications_db, dialogue_db, transparency_db] = &dbs[..] else { unreachable!() };
    let prefix = format!("it{}", uuid::Uuid::new_v4().simple());
    let admin = |args: &[&str]| {
        let output = Command::new(miroir_bin())
            .args(["admin", "--database-url", &identity_db.url])
            .args(args)
            .output()
            .expect("miroir admin");
        assert!(output.status.success(), "miroir admin {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    };
    admin(&["register-commune", "--insee", PARIS, "--name", "Paris", "--department", "75", "--commitment-days", "5"]);
    admin(&["create-admin", "--commune", PARIS, "--email", "maire@example.fr", "--password", PASSWORD]);

    let common = |db: &TestDatabase| {
        vec![
            ("MIROIR_DATABASE_URL", db.url.clone()),
            ("MIROIR_NATS_URL", nats_url()),
            ("MIROIR_NATS_PREFIX", prefix.clone()),
            ("MIROIR_GRPC_LISTEN", "127.0.0.1:0".to_owned()),
            ("MIROIR_ADMIN_LISTEN", "127.0.0.1:0".to_owned()),
        ]
    };
    let identity = Process::start(&["serve", "identity"], &common(identity_db), 2);
    let identity_url = format!("http://{}", identity.address("grpc"));
    let objects = tempfile::tempdir().expect("object folder");
    let with_identity = |db: &TestDatabase| {
        let mut env = common(db);
        env.push(("MIROIR_IDENTITY_URL", identity_url.clone()));
        env.push(("MIROIR_OBJECT_STORE", objects.path().display().to_string()));
        env
    };
    let reports = Process::start(&["serve", "reports"], &with_identity(reports_db), 2);
    let publications = Process::start(&["serve", "publications"], &with_identity(publications_db), 2);
    let dialogue = Process::start(&["serve", "dialogue"], &with_identity(dialogue_db), 2);
    let transparency = Process::start(&["serve", "transparency"], &with_identity(transparency_db), 2);
    let transparency_url = format!("http://{}", transparency.address("grpc"));
    let gateway = Process::start(
        &["serve", "gateway"],
        &[
            ("MIROIR_HTTP_LISTEN", "127.0.0.1:0".to_owned()),
            ("MIROIR_ADMIN_LISTEN", "127.0.0.1:0".to_owned()),
            ("MIROIR_IDENTITY_URL", identity_url.clone()),
            ("MIROIR_REPORTS_URL", format!("http://{}", reports.address("grpc"))),
            ("MIROIR_PUBLICATIONS_URL", format!("http://{}", publications.address("grpc"))),
            ("MIROIR_DIALOGUE_URL", format!("http://{}", dialogue.address("grpc"))),
            ("MIROIR_TRANSPARENCY_URL", transparency_url.clone()),
        ],
        2,
    );
    let site = format!("http://{}", gateway.address("http"));
    let api = format!("{site}/api/v1/communes/{PARIS}");
    let http = reqwest::Client::new();
    let mayor = login(&http, &site, "maire@example.fr", PASSWORD).await;
    let signup =
        json!({"email": "habitante@example.fr", "password": PASSWORD, "display_name": "Anne", "commune": PARIS});
    let response = http.post(format!("{site}/api/v1/auth/signup")).json(&signup).send().await.expect("signup");
    assert!(response.status().is_success(), "signup: {}", response.status());
    let resident = login(&http, &site, "habitante@example.fr", PASSWORD).await;

    let report = json!({"category": "voirie", "title": "Trottoir défoncé rue des Écoles", "description": "Depuis lundi.",
        "location": {"latitude": 48.8566, "longitude": 2.3522}});
    let filed = post_until_known(&http, &format!("{api}/reports"), &resident, &report).await;
    let report_id = filed["report_id"].as_str().expect("report id");
    post(&http, &format!("{api}/reports/{report_id}/acknowledge"), &mayor, &json!({"message": "Vu, merci."})).await;
    let question = json!({"title": "Quand le marché rouvrira-t-il ?", "body": "Le samedi aussi ?"});
    let asked = post_until_known(&http, &format!("{api}/questions"), &resident, &question).await;
    let question_id = asked["question_id"].as_str().expect("question id");
    post(&http, &format!("{api}/questions/{question_id}/answer"), &mayor, &json!({"body": "En janvier."})).await;

    // Transparency learns all of it from the streams.
    let mut client = TransparencyClient::connect(transparency_url.clone()).await.expect("transparency client");
    let request = || pb::GetDashboardRequest { scope: format!("communes/{PARIS}"), months: 12 };
    let mut paris = pb::Dashboard::default();
    for _ in 0..900 {
        paris = client.get_dashboard(request()).await.expect("dashboard").into_inner();
        let figures = paris.reports.clone().unwrap_or_default();
        let questions = paris.questions.unwrap_or_default();
        if figures.received == 1 && figures.first_response.is_some_and(|d| d.count == 1) && questions.answered == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!((paris.name.as_str(), paris.commitment_days), ("Paris", 5), "{paris:?}");
    let figures = paris.reports.clone().expect("reports");
    assert_eq!((figures.received, figures.backlog.map(|b| b.open)), (1, Some(1)), "{paris:?}");
    assert_eq!(figures.commitment.map(|c| (c.due, c.on_time)), Some((1, 1)), "answered within 5 days");
    assert_eq!(paris.questions.as_ref().map(|q| (q.asked, q.answered, q.answered_on_time)), Some((1, 1, 1)));

    // The public events: the report received and acknowledged, without its title.
    let events = client
        .list_public_events(pb::ListPublicEventsRequest { commune: PARIS.into(), ..Default::default() })
        .await
        .expect("events")
        .into_inner()
        .events;
    let kinds: Vec<&str> = events.iter().map(|e| e.r#type.as_str()).collect();
    for kind in ["commune.registered", "report.received", "report.acknowledged", "question.asked", "question.answered"]
    {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    assert!(!format!("{events:?}").contains("Trottoir"), "no resident's text in the public events");

    // The rebuild, as an operator runs it from a pod, while the service keeps serving.
    let output = Command::new(miroir_bin())
        .args(["rebuild", "transparency", "--database-url", &transparency_db.url])
        .env("MIROIR_NATS_URL", nats_url())
        .env("MIROIR_NATS_PREFIX", &prefix)
        .output()
        .expect("miroir rebuild");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "rebuild: {stdout} {}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(stdout.matches("generation 2 swapped in").count(), 4, "{stdout}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("events/s") || stdout.contains("rebuilt"),
        "progress shown"
    );
    // Same figures from the new generation (a new generation is a new fingerprint: computed anew, after the
    // cache's 5 s floor).
    tokio::time::sleep(Duration::from_secs(5)).await;
    let mut after = client.get_dashboard(request()).await.expect("dashboard after the rebuild").into_inner();
    assert_ne!(after.computed_at_us, paris.computed_at_us, "computed anew");
    for d in [&mut after, &mut paris] {
        d.computed_at_us = 0;
        // Identity's log moves with every sign-in; the positions read are "at least".
        d.positions.clear();
        if let Some(backlog) = d.reports.as_mut().and_then(|r| r.backlog.as_mut()) {
            // Ages move with the clock.
            backlog.median_age_seconds = 0;
            backlog.oldest_age_seconds = 0;
        }
    }
    assert_eq!(after, paris, "the rebuilt projections give the same figures");

    for process in [gateway, transparency, dialogue, publications, reports, identity] {
        assert!(process.terminate().success(), "SIGTERM stops each process cleanly");
    }
    let client = async_nats::connect(nats_url()).await.expect("nats");
    let jetstream = async_nats::jetstream::new(client);
    for service in ["IDENTITY", "REPORTS", "PUBLICATIONS", "DIALOGUE"] {
        let _ = jetstream.delete_stream(format!("{}_{service}", prefix.to_uppercase())).await;
    }
}
