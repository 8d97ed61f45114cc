//! The thin slice in the embedded mode: `miroir up` alone, no external
//! server. A resident submits a report over HTTP, reads it back by id and in
//! the list; an agent acknowledges it with a token minted by `miroir token`;
//! after a SIGKILL and a restart on the same data folder the report is intact.

use std::process::Command;
use std::time::Duration;

use miroir_integration_tests::{Process, miroir_bin};
use serde_json::{Value, json};

fn up(data: &std::path::Path, listen: &str) -> Process {
    let data = data.display().to_string();
    Process::start(&["up", "--data", &data, "--listen", listen, "--no-demo"], &[], 2)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_reports_and_an_agent_acknowledges_in_the_embedded_mode() {
    let data = tempfile::tempdir().expect("data folder");
    let platform = up(data.path(), "127.0.0.1:0");
    let site = platform.address("http");
    let api = format!("http://{site}/api/v1/communes/35238/reports");
    let http = reqwest::Client::new();

    let created = http
        .post(&api)
        .json(&json!({
            "category": "eclairage",
            "title": "Lampadaire éteint place Sainte-Anne",
            "description": "Depuis lundi.",
            "location": {"latitude": 48.1147, "longitude": -1.6794, "address": "Place Sainte-Anne, Rennes"}
        }))
        .send()
        .await
        .expect("submit");
    assert_eq!(created.status(), 201);
    let report: Value = created.json().await.expect("json");
    let id = report["report_id"].as_str().expect("id").to_owned();
    let by_id: Value = http.get(format!("{api}/{id}")).send().await.expect("get").json().await.expect("json");
    assert_eq!(by_id["title"], "Lampadaire éteint place Sainte-Anne");
    let list: Value = http.get(&api).send().await.expect("list").json().await.expect("json");
    assert_eq!(list["reports"].as_array().map(Vec::len), Some(1));
    let openapi: Value =
        http.get(format!("http://{site}/api/openapi.json")).send().await.expect("openapi").json().await.expect("json");
    assert!(openapi["paths"].as_object().is_some_and(|p| !p.is_empty()));

    let keys = data.path().join("signing-keys");
    let token = Command::new(miroir_bin())
        .args(["token", "--keys", &keys.display().to_string(), "--commune", "35238", "--role", "agent"])
        .output()
        .expect("miroir token");
    assert!(token.status.success());
    let token = String::from_utf8(token.stdout).expect("utf-8").trim().to_owned();
    let acknowledge = |token: Option<&str>| {
        let request = http.post(format!("{api}/{id}/acknowledge")).json(&json!({"message": "Signalé au service."}));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
        .send()
    };
    assert_eq!(acknowledge(None).await.expect("anonymous").status(), 401);

    platform.kill();
    let platform = up(data.path(), &site.to_string());
    let acknowledged = acknowledge(Some(&token)).await.expect("acknowledge");
    assert_eq!(acknowledged.status(), 200, "the signing keys and the report survived the restart");
    let acknowledged: Value = acknowledged.json().await.expect("json");
    assert_eq!(acknowledged["status"], "acknowledged");
    assert_eq!(acknowledged["title"], "Lampadaire éteint place Sainte-Anne");
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert!(platform.terminate().success(), "SIGTERM stops miroir up cleanly");
}
