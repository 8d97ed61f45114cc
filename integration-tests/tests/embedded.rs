//! The thin slice in the embedded mode: `miroir up` alone, no external
//! server. A resident submits a report over HTTP, reads it back by id and in
//! the list; the demo agent (from `<data>/demo.env`) signs in and acknowledges
//! it; after a SIGKILL and a restart on the same data folder the report, the
//! accounts and the signing keys are intact.

use std::collections::HashMap;
use std::time::Duration;

use miroir_integration_tests::Process;
use serde_json::{Value, json};

fn up(data: &std::path::Path, listen: &str) -> Process {
    let data = data.display().to_string();
    // identity + reports gRPC on loopback, then the site.
    Process::start(&["up", "--data", &data, "--listen", listen], &[], 3)
}

fn demo_env(data: &std::path::Path) -> HashMap<String, String> {
    let text = std::fs::read_to_string(data.join("demo.env")).expect("demo.env written on first start");
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

async fn login(http: &reqwest::Client, site: &str, email: &str, password: &str) -> String {
    let response = http
        .post(format!("http://{site}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 200, "login as {email}");
    let session: Value = response.json().await.expect("json");
    session["access_token"].as_str().expect("token").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_reports_and_an_agent_acknowledges_in_the_embedded_mode() {
    let data = tempfile::tempdir().expect("data folder");
    let platform = up(data.path(), "127.0.0.1:0");
    let site = platform.address("http");
    let site = site.to_string();
    let env = demo_env(data.path());
    for role in ["ADMIN", "AGENT", "MODERATOR", "RESIDENT"] {
        for field in ["EMAIL", "PASSWORD"] {
            assert!(
                env.contains_key(&format!("MIROIR_DEMO_{role}_{field}")),
                "demo.env has MIROIR_DEMO_{role}_{field}"
            );
        }
    }
    let commune = env["MIROIR_DEMO_COMMUNE"].clone();
    assert!(!env["MIROIR_DEMO_API_KEY"].is_empty());
    let api = format!("http://{site}/api/v1/communes/{commune}/reports");
    let http = reqwest::Client::new();
    let resident = login(&http, &site, &env["MIROIR_DEMO_RESIDENT_EMAIL"], &env["MIROIR_DEMO_RESIDENT_PASSWORD"]).await;

    let created = http
        .post(&api)
        .bearer_auth(&resident)
        .json(&json!({
            "category": "eclairage",
            "title": "Lampadaire éteint place Sainte-Anne",
            "description": "Depuis lundi.",
            "location": {"latitude": 48.8566, "longitude": 2.3522, "address": "Place de l'Hôtel de Ville"}
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
    assert_eq!(list["reports"].as_array().map(Vec::len), Some(3), "the two demo reports and ours");
    let openapi: Value =
        http.get(format!("http://{site}/api/openapi.json")).send().await.expect("openapi").json().await.expect("json");
    assert!(openapi["paths"].as_object().is_some_and(|p| !p.is_empty()));

    let token = login(&http, &site, &env["MIROIR_DEMO_AGENT_EMAIL"], &env["MIROIR_DEMO_AGENT_PASSWORD"]).await;
    let acknowledge = |token: Option<&str>| {
        let request = http.post(format!("{api}/{id}/acknowledge")).json(&json!({"message": "Signalé au service."}));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
        .send()
    };
    assert_eq!(acknowledge(None).await.expect("anonymous").status(), 401);
    assert_eq!(acknowledge(Some(&resident)).await.expect("resident").status(), 403);

    platform.kill();
    let platform = up(data.path(), &site);
    let acknowledged = acknowledge(Some(&token)).await.expect("acknowledge");
    assert_eq!(acknowledged.status(), 200, "the signing keys and the report survived the restart");
    let again = login(&http, &site, &env["MIROIR_DEMO_AGENT_EMAIL"], &env["MIROIR_DEMO_AGENT_PASSWORD"]).await;
    assert!(!again.is_empty(), "the accounts survived the restart");
    let acknowledged: Value = acknowledged.json().await.expect("json");
    assert_eq!(acknowledged["status"], "acknowledged");
    assert_eq!(acknowledged["title"], "Lampadaire éteint place Sainte-Anne");
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert!(platform.terminate().success(), "SIGTERM stops miroir up cleanly");
}
