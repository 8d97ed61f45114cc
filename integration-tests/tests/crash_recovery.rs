//! The thin slice through real processes: `miroir serve reports` and `miroir
//! serve gateway` on PostgreSQL and NATS JetStream. A report submitted over
//! HTTP survives a SIGKILL of the reports process, is still acknowledgeable
//! after its restart, and each of its events is in the JetStream stream
//! exactly once.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use miroir_auth::role::Grant;
use miroir_auth::{Claims, Keys, Role};
use miroir_integration_tests::{Process, nats_url};
use miroir_platform::storage::testing::TestDatabase;
use serde_json::{Value, json};

fn agent_token(keys: &Keys, commune: &str) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs() as i64;
    keys.sign(&Claims {
        sub: "agent-1".into(),
        iat: now,
        exp: now + 600,
        grants: vec![Grant { commune: commune.into(), role: Role::Agent }],
        client: None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_survives_sigkill_of_the_reports_process() {
    let database = TestDatabase::postgres().await;
    let keys = Keys::generate().expect("keys");
    let dir = tempfile::tempdir().expect("temp dir");
    let keys_file = dir.path().join("signing-keys");
    std::fs::write(&keys_file, keys.to_file_contents()).expect("write keys");
    let prefix = format!("it{}", uuid::Uuid::new_v4().simple());
    let reports_env = |grpc: &str| {
        vec![
            ("MIROIR_DATABASE_URL", database.url.clone()),
            ("MIROIR_NATS_URL", nats_url()),
            ("MIROIR_NATS_PREFIX", prefix.clone()),
            ("MIROIR_GRPC_LISTEN", grpc.to_owned()),
            ("MIROIR_ADMIN_LISTEN", "127.0.0.1:0".to_owned()),
            ("MIROIR_AUTH_KEYS_FILE", keys_file.display().to_string()),
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
        ],
        2,
    );
    let api = format!("http://{}/api/v1/communes/75056/reports", gateway.address("http"));
    let http = reqwest::Client::new();

    let submitted: Value = http
        .post(&api)
        .header("Idempotency-Key", "it-1")
        .json(&json!({
            "category": "voirie",
            "title": "Nid-de-poule rue de la Paix",
            "description": "Profond.",
            "location": {"latitude": 48.8686, "longitude": 2.3314, "address": "rue de la Paix"}
        }))
        .send()
        .await
        .expect("submit")
        .error_for_status()
        .expect("201")
        .json()
        .await
        .expect("json");
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
        .bearer_auth(agent_token(&keys, "75056"))
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
    let _ = jetstream.delete_stream(&stream_name).await;
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
