//! The two spaces through real processes: `miroir serve identity`, `serve
//! publications`, `serve dialogue` and `serve gateway` on PostgreSQL and NATS
//! JetStream. The mayor publishes a project and answers a resident's public
//! question over HTTP; both services learned the commune from identity's
//! stream, and each relayed its events to its own stream exactly once.

use std::process::Command;
use std::time::Duration;

use miroir_integration_tests::rest::{login, post, post_until_known};
use miroir_integration_tests::{Process, miroir_bin, nats_url};
use miroir_platform::storage::testing::TestDatabase;
use serde_json::{Value, json};

const PASSWORD: &str = "une mairie bien gardée";
const PARIS: &str = "75056";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mayor_publishes_and_answers_through_real_processes() {
    let identity_db = TestDatabase::postgres().await;
    let publications_db = TestDatabase::postgres().await;
    let dialogue_db = TestDatabase::postgres().await;
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

    let common = |db: &TestDatabase| {
        vec![
            ("MIROIR_DATABASE_URL", db.url.clone()),
            ("MIROIR_NATS_URL", nats_url()),
            ("MIROIR_NATS_PREFIX", prefix.clone()),
            ("MIROIR_GRPC_LISTEN", "127.0.0.1:0".to_owned()),
            ("MIROIR_ADMIN_LISTEN", "127.0.0.1:0".to_owned()),
        ]
    };
    let identity = Process::start(&["serve", "identity"], &common(&identity_db), 2);
    let identity_url = format!("http://{}", identity.address("grpc"));
    let objects = tempfile::tempdir().expect("object folder");
    let mut publications_env = common(&publications_db);
    publications_env.push(("MIROIR_IDENTITY_URL", identity_url.clone()));
    publications_env.push(("MIROIR_OBJECT_STORE", objects.path().display().to_string()));
    let publications = Process::start(&["serve", "publications"], &publications_env, 2);
    let mut dialogue_env = common(&dialogue_db);
    dialogue_env.push(("MIROIR_IDENTITY_URL", identity_url.clone()));
    let dialogue = Process::start(&["serve", "dialogue"], &dialogue_env, 2);
    let gateway = Process::start(
        &["serve", "gateway"],
        &[
            ("MIROIR_HTTP_LISTEN", "127.0.0.1:0".to_owned()),
            ("MIROIR_ADMIN_LISTEN", "127.0.0.1:0".to_owned()),
            ("MIROIR_IDENTITY_URL", identity_url.clone()),
            ("MIROIR_PUBLICATIONS_URL", format!("http://{}", publications.address("grpc"))),
            ("MIROIR_DIALOGUE_URL", format!("http://{}", dialogue.address("grpc"))),
            // No reports process here: the gateway only needs an address.
            ("MIROIR_REPORTS_URL", "http://127.0.0.1:9".to_owned()),
        ],
        2,
    );
    let site = format!("http://{}", gateway.address("http"));
    let api = format!("{site}/api/v1/communes/{PARIS}");
    let http = reqwest::Client::new();
    let mayor = login(&http, &site, "maire@example.fr", PASSWORD).await;
    let signup =
        json!({"email": "habitante@example.fr", "password": PASSWORD, "display_name": "Anne", "commune": PARIS});
    http.post(format!("{site}/api/v1/auth/signup"))
        .json(&signup)
        .send()
        .await
        .expect("signup")
        .error_for_status()
        .expect("201");
    let resident = login(&http, &site, "habitante@example.fr", PASSWORD).await;

    // Each service learns the commune from identity's stream: until then, 400 "unknown commune".
    let project = json!({
        "space": "official",
        "kind": "project",
        "title": "Une cour d'école végétalisée",
        "body": "Arbres, potager et fontaine.",
        "details": {"project": {"status": "in_progress", "progress_percent": 20, "budget_planned_cents": 18_000_000}},
    });
    let drafted = post_until_known(&http, &format!("{api}/publications"), &mayor, &project).await;
    let publication_id = drafted["publication_id"].as_str().expect("publication id").to_owned();
    let published = post(&http, &format!("{api}/publications/{publication_id}/publish"), &mayor, &json!({})).await;
    assert_eq!(published["status"], "published");
    let listed: Value =
        http.get(format!("{api}/publications?kind=project")).send().await.expect("list").json().await.expect("json");
    let titles: Vec<&str> =
        listed["publications"].as_array().expect("publications").iter().filter_map(|p| p["title"].as_str()).collect();
    assert_eq!(titles, ["Une cour d'école végétalisée"], "the public sees the published project");

    let question = json!({"title": "Quand la cour ouvrira-t-elle ?", "body": "Le samedi aussi ?"});
    let asked = post_until_known(&http, &format!("{api}/questions"), &resident, &question).await;
    let question_id = asked["question_id"].as_str().expect("question id").to_owned();
    let answer = json!({"body": "En janvier, et le samedi matin aussi."});
    post(&http, &format!("{api}/questions/{question_id}/answer"), &mayor, &answer).await;
    let read: Value =
        http.get(format!("{api}/questions/{question_id}")).send().await.expect("read").json().await.expect("json");
    assert_eq!(read["answer"]["official"], true, "{read}");
    assert_eq!(read["answer"]["body"], "En janvier, et le samedi matin aussi.", "{read}");

    // Each service's events, exactly once, in its own stream.
    let client = async_nats::connect(nats_url()).await.expect("nats");
    let jetstream = async_nats::jetstream::new(client);
    for (service, expected) in [("PUBLICATIONS", 2), ("DIALOGUE", 2)] {
        let stream_name = format!("{}_{service}", prefix.to_uppercase());
        let mut relayed = 0;
        for _ in 0..200 {
            if let Ok(mut stream) = jetstream.get_stream(&stream_name).await
                && let Ok(info) = stream.info().await
            {
                relayed = info.state.messages;
                if relayed >= expected {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(relayed, expected, "{stream_name} holds each event once");
        let _ = jetstream.delete_stream(&stream_name).await;
    }

    for process in [gateway, dialogue, publications, identity] {
        assert!(process.terminate().success(), "SIGTERM stops each process cleanly");
    }
    let _ = jetstream.delete_stream(format!("{}_IDENTITY", prefix.to_uppercase())).await;
}
