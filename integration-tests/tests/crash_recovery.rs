//! The thin slice through real processes: `miroir serve reports` and `miroir
//! serve gateway` on PostgreSQL and NATS JetStream. A report submitted over
//! HTTP survives a SIGKILL of the reports process, is still acknowledgeable
//! after its restart, and each of its events is in the JetStream stream
//! exactly once.

use std::process::Command;
use std::time::Duration;

use miroir_integration_tests::rest::login;
use miroir_integration_tests::{Process, miroir_bin, nats_url};
use miroir_platform::storage::testing::TestDatabase;
use serde_json::{Value, json};

const PASSWORD: &str = "une mairie bien gardée";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_survives_sigkill_of_the_reports_process() {
    let reports_db = TestDatabase::postgres().await;
    let identity_db = TestDatabase::postgres().await;
    let prefix = format!("it{}", uuid::Uuid::new_v4().simple());
    // The operator sets up the commune and its administrator on identity's database.
    let admin = |args: &[&str]| {
        let output = Command::new(miroir_bin())
            .args(["admin", "--database-url", &identity_db.url])
            .args(args)
            .output()
            .expect("miroir admin");
        assert!(output.status.success(), "miroir admin {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    };
    admin(&["register-commune", "--insee", "75056", "--name", "Paris", "--department", "75"]);
    admin(&["create-admin", "--commune", "75056", "--email", "maire@example.fr", "--password", PASSWORD]);

    let identity = Process::start(
        &["serve", "identity"],
        &[
            ("MIROIR_DATABASE_URL", identity_db.url.clone()),
            ("MIROIR_NATS_URL", nats_url()),
            ("MIROIR_NATS_PREFIX", prefix.clone()),
            ("MIROIR_GRPC_LISTEN", "127.0.0.1:0".to_owned()),
            ("MIROIR_ADMIN_LISTEN", "127.0.0.1:0".to_owned()),
        ],
        2,
    );
    let identity_url = format!("http://{}", identity.address("grpc"));
    let photos = tempfile::tempdir().expect("photo folder");
    let reports_env = |grpc: &str| {
        vec![
            ("MIROIR_DATABASE_URL", reports_db.url.clone()),
            ("MIROIR_NATS_URL", nats_url()),
            ("MIROIR_NATS_PREFIX", prefix.clone()),
            ("MIROIR_GRPC_LISTEN", grpc.to_owned()),
            ("MIROIR_ADMIN_LISTEN", "127.0.0.1:0".to_owned()),
            ("MIROIR_IDENTITY_URL", identity_url.clone()),
            ("MIROIR_OBJECT_STORE", photos.path().display().to_string()),
        ]
    };
    let reports = Process::start(&["serve", "reports"], &reports_env("127.0.0.1:0"), 2);
    let reports_grpc = reports.address("grpc");
    let gateway = Process::start(
        &["serve", "gateway"],
        &[
            ("MIROIR_HTTP_LISTEN", "127.0.0.1:0".to_owned()),
            ("MIROIR_ADMIN_LISTEN", "127.0.0.1:0".to_owned()),
            ("MIROIR_REPORTS_URL", format!("http://{reports_grpc}")),
            ("MIROIR_IDENTITY_URL", identity_url.clone()),
        ],
        2,
    );
    let site = format!("http://{}", gateway.address("http"));
    let api = format!("{site}/api/v1/communes/75056/reports");
    let http = reqwest::Client::new();

    // Reports learns the commune from identity's stream: the first submissions
    // may come before it has (400, unknown commune); a resident would retry.
    let body = json!({
        "category": "voirie",
        "title": "Nid-de-poule rue de la Paix",
        "description": "Profond.",
        "location": {"latitude": 48.8686, "longitude": 2.3314, "address": "rue de la Paix"}
    });
    let mut submitted = Value::Null;
    let mayor = login(&http, &site, "maire@example.fr", PASSWORD).await;
    for _ in 0..200 {
        let response = http
            .post(&api)
            .bearer_auth(&mayor)
            .header("Idempotency-Key", "it-1")
            .json(&body)
            .send()
            .await
            .expect("submit");
        if response.status() == 201 {
            submitted = response.json().await.expect("json");
            break;
        }
        assert_eq!(response.status(), 400, "only 'unknown commune' while reports catches up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let report_id = submitted["report_id"].as_str().expect("report id").to_owned();
    let report_url = format!("{api}/{report_id}");

    reports.kill();
    let down = http.get(&report_url).send().await.expect("gateway answers while reports is down");
    assert_eq!(down.status(), 503);

    let reports = Process::start(&["serve", "reports"], &reports_env(&reports_grpc.to_string()), 2);
    let read = wait_for_ok(&http, &report_url).await;
    assert_eq!(read["title"], "Nid-de-poule rue de la Paix");
    assert_eq!(read["status"], "new");

    let acknowledged: Value = http
        .post(format!("{report_url}/acknowledge"))
        .bearer_auth(login(&http, &site, "maire@example.fr", PASSWORD).await)
        .json(&json!({"message": "Équipe voirie prévenue."}))
        .send()
        .await
        .expect("acknowledge")
        .error_for_status()
        .expect("200")
        .json()
        .await
        .expect("json");
    assert_eq!(acknowledged["status"], "acknowledged");

    // Both events, each exactly once, in the stream, at their log positions.
    let client = async_nats::connect(nats_url()).await.expect("nats");
    let jetstream = async_nats::jetstream::new(client);
    let stream_name = format!("{}_REPORTS", prefix.to_uppercase());
    let mut ids = Vec::new();
    for _ in 0..200 {
        if let Ok(mut stream) = jetstream.get_stream(&stream_name).await
            && let Ok(info) = stream.info().await
            && info.state.messages == 2
        {
            for sequence in 1..=2 {
                let message = stream.get_raw_message(sequence).await.expect("message");
                ids.push(message.headers.get("Nats-Msg-Id").expect("msg id").to_string());
            }
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(ids.len(), 2, "the stream holds the report's two events");
    assert_ne!(ids[0], ids[1]);
    let mut stream = jetstream.get_stream(&stream_name).await.expect("stream");
    assert_eq!(stream.info().await.expect("info").state.last_sequence, 2, "nothing published twice");

    assert!(reports.terminate().success(), "SIGTERM stops the reports process cleanly");
    assert!(gateway.terminate().success(), "SIGTERM stops the gateway cleanly");
    assert!(identity.terminate().success(), "SIGTERM stops identity cleanly");
    let _ = jetstream.delete_stream(&stream_name).await;
    let _ = jetstream.delete_stream(format!("{}_IDENTITY", prefix.to_uppercase())).await;
}

async fn wait_for_ok(http: &reqwest::Client, url: &str) -> Value {
    for _ in 0..200 {
        if let Ok(response) = http.get(url).send().await
            && response.status().is_success()
        {
            return response.json().await.expect("json");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} did not answer 200 after the restart");
}
