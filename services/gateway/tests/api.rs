//! The REST API end to end: the real reports gRPC service (on SQLite, and on
//! PostgreSQL for one flow) behind the gateway, both served on ephemeral
//! ports, driven over HTTP. Each test starts its own stack and database.

use std::time::{SystemTime, UNIX_EPOCH};

use miroir_auth::role::Grant;
use miroir_auth::{Claims, Keys, Role};
use miroir_gateway::{GatewayConfig, build};
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::reports::v1::reports_server::ReportsServer;
use miroir_reports::api::ReportsApi;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

const PARIS: &str = "75056";
const LYON: &str = "69123";

/// The reports service and the gateway in front of it, stopped on drop.
struct Stack {
    base: String,
    http: reqwest::Client,
    keys: Keys,
    token: CancellationToken,
    _db: TestDatabase,
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.token.cancel();
    }
}

async fn stack() -> Stack {
    start(TestDatabase::sqlite().await).await
}

async fn start(db: TestDatabase) -> Stack {
    let keys = Keys::generate().expect("keys");
    let token = CancellationToken::new();
    let grpc = TcpListener::bind("127.0.0.1:0").await.expect("bind gRPC");
    let reports_url = format!("http://{}", grpc.local_addr().expect("gRPC address"));
    serve_reports(grpc, &db, &keys, &token).await;
    let base = serve_gateway(&reports_url, &token).await;
    Stack { base, http: reqwest::Client::new(), keys, token, _db: db }
}

/// Serves the real reports service on `listener`, over `db`, trusting `keys`.
async fn serve_reports(listener: TcpListener, db: &TestDatabase, keys: &Keys, token: &CancellationToken) {
    miroir_reports::migrate_database(&db.db).await.expect("migrate");
    let store = miroir_reports::open(db.db.clone()).await.expect("open the log");
    let readiness = Readiness::new();
    readiness.register("test").set_ready(true);
    let routes = tonic::service::Routes::new(ReportsServer::with_interceptor(
        ReportsApi::new(store),
        miroir_auth::grpc::authenticate(keys.verifier()),
    ));
    let served =
        miroir_platform::grpc::serve(listener, routes, miroir_proto::FILE_DESCRIPTOR_SET, readiness, token.clone());
    tokio::spawn(served);
}

/// Serves a gateway pointed at `reports_url`; returns its base URL.
async fn serve_gateway(reports_url: &str, token: &CancellationToken) -> String {
    let metrics = Metrics::new("gateway").expect("metrics");
    // These tests never reach the identity service; its channel connects lazily.
    let config = GatewayConfig {
        reports_url: reports_url.to_owned(),
        identity_url: "http://127.0.0.1:9".to_owned(),
        publications_url: "http://127.0.0.1:9".to_owned(),
        dialogue_url: "http://127.0.0.1:9".to_owned(),
        notifications_url: "http://127.0.0.1:9".to_owned(),
        transparency_url: "http://127.0.0.1:9".to_owned(),
        trusted_proxies: Default::default(),
    };
    let router = build(&config, &metrics).await.expect("gateway");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind HTTP");
    let base = format!("http://{}", listener.local_addr().expect("HTTP address"));
    tokio::spawn(miroir_platform::http::serve(listener, router, token.clone()));
    base
}

impl Stack {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn token(&self, commune: &str, role: Role) -> String {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default();
        self.keys.sign(&Claims {
            sub: format!("account-{role:?}-{commune}"),
            iat: now,
            exp: now + 3600,
            grants: vec![Grant { commune: commune.to_owned(), role }],
            client: None,
        })
    }

    /// Submits as a signed-in resident of `commune` (an anonymous report
    /// would need its e-mail verified before the public sees it).
    async fn submit(&self, commune: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url(&format!("/api/v1/communes/{commune}/reports")))
            .bearer_auth(self.token(commune, Role::Resident))
            .json(body)
            .send()
            .await
            .expect("send")
    }

    /// Submits a valid report and returns its JSON.
    async fn submitted(&self, commune: &str, title: &str) -> Value {
        let response = self.submit(commune, &report(title)).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.expect("report JSON")
    }

    async fn list(&self, commune: &str, query: &[(&str, &str)]) -> Value {
        let url = self.url(&format!("/api/v1/communes/{commune}/reports"));
        let response = self.http.get(url).query(query).send().await.expect("send");
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("list JSON")
    }

    async fn acknowledge(&self, commune: &str, report_id: &str, bearer: Option<&str>) -> reqwest::Response {
        let mut request = self
            .http
            .post(self.url(&format!("/api/v1/communes/{commune}/reports/{report_id}/acknowledge")))
            .json(&json!({ "message": "Les services techniques passent jeudi." }));
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        request.send().await.expect("send")
    }
}

fn report(title: &str) -> Value {
    json!({
        "category": "voirie",
        "title": title,
        "description": "Un trou profond devant le numéro 12.",
        "location": { "latitude": 48.8566, "longitude": 2.3522, "address": "12 rue de la Mairie" },
    })
}

/// Checks the status and the JSON error body; returns the body.
async fn error(response: reqwest::Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(content_type.as_deref(), Some("application/json"));
    let body: Value = response.json().await.expect("error JSON");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert!(body["error"]["field_violations"].is_array(), "{body}");
    body
}

fn assert_security_headers(response: &reqwest::Response) {
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(header("referrer-policy").as_deref(), Some("same-origin"));
    assert_eq!(header("x-frame-options").as_deref(), Some("DENY"));
    assert_eq!(header("content-security-policy").as_deref(), Some("default-src 'none'; frame-ancestors 'none'"));
}

#[tokio::test]
async fn a_submitted_report_is_created_with_its_location_and_can_be_read_back() {
    let stack = stack().await;
    let response = stack.submit(PARIS, &report("Nid-de-poule rue de la Mairie")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_security_headers(&response);
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let created: Value = response.json().await.expect("JSON");

    let report_id = created["report_id"].as_str().expect("report_id");
    assert_eq!(location, Some(format!("/api/v1/communes/{PARIS}/reports/{report_id}")));
    assert_eq!(created["name"], format!("communes/{PARIS}/reports/{report_id}"));
    assert_eq!(created["commune"], PARIS);
    assert_eq!(created["category"], "voirie");
    assert_eq!(created["title"], "Nid-de-poule rue de la Mairie");
    assert_eq!(
        created["location"],
        json!({ "latitude": 48.8566, "longitude": 2.3522, "address": "12 rue de la Mairie" })
    );
    assert_eq!(created["status"], "new");
    assert!(created["submitted_at"].as_str().is_some_and(|t| t.ends_with('Z') && t.contains('T')), "{created}");
    assert!(created["acknowledged_at"].is_null());
    assert!(created["acknowledgement_message"].is_null());
    assert_eq!(created["version"], 1);
    assert_eq!(created["department"], "services techniques", "routed by its category");
    assert!(created["assigned_agent"].is_null());
    assert_eq!((created["supports"].clone(), created["supported_by_caller"].clone()), (json!(0), json!(false)));
    assert_eq!(created["reported_by_caller"], true);
    assert_eq!(created["verified"], true, "a signed-in resident's report is public at once");
    assert!(created["merged_into"].is_null());
    assert_eq!(created["via_integration"], false);
    assert!(created.get("reporter_email").is_none(), "{created}");
    assert_eq!((created["photos"].clone(), created["timeline"].clone()), (json!([]), json!([])));
    assert_eq!(created["attributes"], json!([]));

    let url = stack.url(&location.unwrap_or_default());
    let resident = stack.token(PARIS, Role::Resident);
    let response = stack.http.get(&url).bearer_auth(&resident).send().await.expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    assert_security_headers(&response);
    let read: Value = response.json().await.expect("JSON");
    assert_eq!(read, created);
    // The public reads the same, except that it did not report it.
    let public: Value = stack.http.get(&url).send().await.expect("send").json().await.expect("JSON");
    assert_eq!(public["reported_by_caller"], false);
    assert_eq!(public["title"], created["title"]);
}

#[tokio::test]
async fn the_whole_flow_works_on_postgresql() {
    let stack = start(TestDatabase::postgres().await).await;
    let created = stack.submitted(PARIS, "Lampadaire éteint").await;
    let report_id = created["report_id"].as_str().expect("report_id");

    let agent = stack.token(PARIS, Role::Agent);
    let response = stack.acknowledge(PARIS, report_id, Some(&agent)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let acknowledged: Value = response.json().await.expect("JSON");
    assert_eq!(acknowledged["status"], "acknowledged");

    let page = stack.list(PARIS, &[]).await;
    assert_eq!(page["reports"].as_array().map(Vec::len), Some(1));
    // Lists leave out what only reading one report loads.
    let mut summary = acknowledged.clone();
    for detail in ["attributes", "photos", "timeline"] {
        summary.as_object_mut().and_then(|fields| fields.remove(detail)).expect("in the full report");
    }
    assert_eq!(page["reports"][0], summary);
    assert!(page["next_page_token"].is_null());
}

#[tokio::test]
async fn listing_pages_through_every_report_once() {
    let stack = stack().await;
    let mut submitted = Vec::new();
    for n in 0..5 {
        submitted.push(stack.submitted(PARIS, &format!("Signalement numéro {n}")).await["report_id"].clone());
    }
    // Another commune's reports never show up.
    stack.submitted(LYON, "Ailleurs").await;

    let mut seen = Vec::new();
    let mut page_token = String::new();
    let mut pages = 0;
    loop {
        let page = stack.list(PARIS, &[("page_size", "2"), ("page_token", &page_token)]).await;
        pages += 1;
        let reports = page["reports"].as_array().expect("reports");
        assert!(reports.len() <= 2, "{page}");
        seen.extend(reports.iter().map(|r| r["report_id"].clone()));
        match page["next_page_token"].as_str() {
            Some(token) => page_token = token.to_owned(),
            None => break,
        }
        assert!(pages < 10, "pagination does not end");
    }
    assert_eq!(pages, 3);
    let mut unique = seen.clone();
    unique.sort_by_key(|v| v.to_string());
    unique.dedup();
    assert_eq!(unique.len(), 5, "duplicates in {seen:?}");
    // Newest first.
    submitted.reverse();
    assert_eq!(seen, submitted);
}

#[tokio::test]
async fn a_bad_page_size_or_token_is_a_400() {
    let stack = stack().await;
    for (query, field) in
        [("?page_size=abc", "page_size"), ("?page_size=500", "page_size"), ("?page_token=nope", "page_token")]
    {
        let response =
            stack.http.get(stack.url(&format!("/api/v1/communes/{PARIS}/reports{query}"))).send().await.expect("send");
        let body = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
        assert_eq!(body["error"]["field_violations"][0]["field"], field, "{query}: {body}");
    }
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_returns_the_first_report() {
    let stack = stack().await;
    let send = || {
        stack
            .http
            .post(stack.url(&format!("/api/v1/communes/{PARIS}/reports")))
            .bearer_auth(stack.token(PARIS, Role::Resident))
            .header("Idempotency-Key", "retry-me-1")
            .json(&report("Poubelle renversée"))
            .send()
    };
    let first = send().await.expect("send");
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.expect("JSON");
    let retry = send().await.expect("send");
    assert_eq!(retry.status(), StatusCode::CREATED);
    let retry: Value = retry.json().await.expect("JSON");
    assert_eq!(retry["report_id"], first["report_id"]);

    let page = stack.list(PARIS, &[]).await;
    assert_eq!(page["reports"].as_array().map(Vec::len), Some(1), "{page}");
}

#[tokio::test]
async fn invalid_input_is_a_400_naming_the_field() {
    let stack = stack().await;
    let cases = [
        (report("x"), "title"),
        (json!({ "category": "voirie", "description": "", "location": report("abc")["location"] }), "title"),
        (json!({ "category": "voirie", "title": 42, "location": report("abc")["location"] }), "title"),
        (
            json!({ "category": "voirie", "title": "Trou à Madrid", "location": { "latitude": 40.4168, "longitude": -3.7038 } }),
            "location",
        ),
        (
            json!({ "category": "voirie", "title": "Trou", "location": { "latitude": "north", "longitude": 2.35 } }),
            "location.latitude",
        ),
        (json!({ "category": "Voirie !", "title": "Trou", "location": report("abc")["location"] }), "category"),
    ];
    for (body, field) in cases {
        let response = stack.submit(PARIS, &body).await;
        let error = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
        assert_eq!(error["error"]["field_violations"][0]["field"], field, "{body}: {error}");
    }
    // A malformed commune code in the path.
    let response = stack.submit("7505", &report("Trou")).await;
    let body = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(body["error"]["field_violations"][0]["field"], "insee");
    // Well-formed but not a real commune: the service says so, under the REST name.
    let response = stack.submit("00123", &report("Trou")).await;
    let body = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(body["error"]["field_violations"][0]["field"], "insee", "{body}");
    // A malformed report id.
    let response = stack.http.get(stack.url(&format!("/api/v1/communes/{PARIS}/reports/not-a-uuid"))).send().await;
    let body = error(response.expect("send"), StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(body["error"]["field_violations"][0]["field"], "report_id");

    assert_eq!(stack.list(PARIS, &[]).await["reports"], json!([]));
}

#[tokio::test]
async fn malformed_json_and_wrong_content_types_get_the_json_error_body() {
    let stack = stack().await;
    let url = stack.url(&format!("/api/v1/communes/{PARIS}/reports"));
    for body in ["{\"title\": ", "not json", "{\"category\": \"voirie\",}"] {
        let response =
            stack.http.post(&url).header("content-type", "application/json").body(body).send().await.expect("send");
        let error = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
        assert_eq!(error["error"]["field_violations"], json!([]), "{body}");
    }
    let response = stack.http.post(&url).header("content-type", "text/plain").body("{}").send().await.expect("send");
    error(response, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
    let response = stack.http.post(&url).body(report("Trou").to_string()).send().await.expect("send");
    error(response, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
}

#[tokio::test]
async fn a_body_over_64_kib_is_a_413() {
    let stack = stack().await;
    let mut body = report("Trop long");
    body["description"] = json!("x".repeat(64 * 1024));
    let response = stack.submit(PARIS, &body).await;
    let response_headers_ok = response.headers().contains_key("x-content-type-options");
    error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert!(response_headers_ok);
    // Just under the limit is read (and refused by the service for its length).
    body["description"] = json!("x".repeat(60 * 1024));
    let response = stack.submit(PARIS, &body).await;
    let error = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(error["error"]["field_violations"][0]["field"], "description");
}

#[tokio::test]
async fn only_an_agent_of_the_commune_may_acknowledge() {
    let stack = stack().await;
    let created = stack.submitted(PARIS, "Graffiti sur l'école").await;
    let report_id = created["report_id"].as_str().expect("report_id");

    let response = stack.acknowledge(PARIS, report_id, None).await;
    assert_eq!(response.headers().get("www-authenticate").and_then(|v| v.to_str().ok()), Some("Bearer"));
    error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let forged = Keys::generate().expect("keys").sign(&Claims {
        sub: "intruder".into(),
        iat: 0,
        exp: i64::MAX,
        grants: vec![Grant { commune: PARIS.into(), role: Role::Agent }],
        client: None,
    });
    error(stack.acknowledge(PARIS, report_id, Some(&forged)).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let resident = stack.token(PARIS, Role::Resident);
    error(stack.acknowledge(PARIS, report_id, Some(&resident)).await, StatusCode::FORBIDDEN, "permission_denied").await;
    let lyon_agent = stack.token(LYON, Role::Agent);
    error(stack.acknowledge(PARIS, report_id, Some(&lyon_agent)).await, StatusCode::FORBIDDEN, "permission_denied")
        .await;

    let agent = stack.token(PARIS, Role::Agent);
    let response = stack.acknowledge(PARIS, report_id, Some(&agent)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let acknowledged: Value = response.json().await.expect("JSON");
    assert_eq!(acknowledged["status"], "acknowledged");
    assert_eq!(acknowledged["acknowledgement_message"], "Les services techniques passent jeudi.");
    assert!(acknowledged["acknowledged_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{acknowledged}");
    assert_eq!(acknowledged["version"], 2);

    error(stack.acknowledge(PARIS, report_id, Some(&agent)).await, StatusCode::CONFLICT, "failed_precondition").await;
}

#[tokio::test]
async fn a_retried_acknowledgement_with_the_same_key_succeeds_again() {
    let stack = stack().await;
    let created = stack.submitted(PARIS, "Banc cassé").await;
    let url = stack.url(&format!(
        "/api/v1/communes/{PARIS}/reports/{}/acknowledge",
        created["report_id"].as_str().unwrap_or_default()
    ));
    let agent = stack.token(PARIS, Role::Agent);
    for _ in 0..2 {
        let response = stack
            .http
            .post(&url)
            .bearer_auth(&agent)
            .header("Idempotency-Key", "ack-1")
            .json(&json!({ "message": "Vu." }))
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(body["version"], 2);
    }
}

#[tokio::test]
async fn a_report_is_not_found_through_another_communes_path() {
    let stack = stack().await;
    let created = stack.submitted(PARIS, "Feu tricolore en panne").await;
    let report_id = created["report_id"].as_str().expect("report_id");

    let response = stack.http.get(stack.url(&format!("/api/v1/communes/{LYON}/reports/{report_id}"))).send().await;
    error(response.expect("send"), StatusCode::NOT_FOUND, "not_found").await;
    // Lyon's own agent cannot reach it through Lyon's path either.
    let lyon_agent = stack.token(LYON, Role::Agent);
    error(stack.acknowledge(LYON, report_id, Some(&lyon_agent)).await, StatusCode::NOT_FOUND, "not_found").await;
    // Nor does an unknown id exist anywhere.
    let unknown = "0190c0de-0000-7000-8000-000000000000";
    let response = stack.http.get(stack.url(&format!("/api/v1/communes/{PARIS}/reports/{unknown}"))).send().await;
    error(response.expect("send"), StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn a_reports_service_that_is_down_is_a_503() {
    // A port that was just free and is closed again: connections are refused.
    let closed = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = closed.local_addr().expect("address");
    drop(closed);
    let token = CancellationToken::new();
    let _stop = token.clone().drop_guard();
    let base = serve_gateway(&format!("http://{address}"), &token).await;
    let http = reqwest::Client::new();

    let response = http.post(format!("{base}/api/v1/communes/{PARIS}/reports")).json(&report("Trou")).send().await;
    let body = error(response.expect("send"), StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    assert_eq!(body["error"]["message"], "service temporarily unavailable");
    let response = http.get(format!("{base}/api/v1/communes/{PARIS}/reports")).send().await;
    error(response.expect("send"), StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
}

#[tokio::test]
async fn the_gateway_starts_before_the_reports_service_and_recovers_when_it_comes_up() {
    let reserved = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = reserved.local_addr().expect("address");
    drop(reserved);
    let token = CancellationToken::new();
    let _stop = token.clone().drop_guard();
    let base = serve_gateway(&format!("http://{address}"), &token).await;
    let http = reqwest::Client::new();
    let list = || http.get(format!("{base}/api/v1/communes/{PARIS}/reports")).send();
    error(list().await.expect("send"), StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;

    let db = TestDatabase::sqlite().await;
    let listener = TcpListener::bind(address).await.expect("bind the reserved address again");
    serve_reports(listener, &db, &Keys::generate().expect("keys"), &token).await;
    // The channel reconnects on the next calls; bounded wait.
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..50 {
        status = list().await.expect("send").status();
        if status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_openapi_document_describes_every_path() {
    let stack = stack().await;
    let response = stack.http.get(stack.url("/api/openapi.json")).send().await.expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    assert_security_headers(&response);
    let document: Value = response.json().await.expect("OpenAPI JSON");
    assert!(document["openapi"].as_str().is_some_and(|v| v.starts_with("3.")), "{}", document["openapi"]);
    assert_eq!(document["info"]["title"], "Miroir API");
    assert_eq!(document["info"]["version"], env!("CARGO_PKG_VERSION"));
    let paths = document["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/api/v1/communes/{insee}/reports", "post"),
        ("/api/v1/communes/{insee}/reports", "get"),
        ("/api/v1/communes/{insee}/reports/{report_id}", "get"),
        ("/api/v1/communes/{insee}/reports/{report_id}/acknowledge", "post"),
        ("/api/v1/communes/{insee}/reports/{report_id}/status", "post"),
        ("/api/v1/communes/{insee}/reports/{report_id}/reopen", "post"),
        ("/api/v1/communes/{insee}/reports/{report_id}/photos/{photo_id}", "get"),
        ("/api/v1/communes/{insee}/reports/duplicates", "get"),
        ("/api/v1/communes/{insee}/reports/verify", "post"),
        ("/api/v1/communes/{insee}/reports/{report_id}/support", "post"),
        ("/api/v1/communes/{insee}/reports/{report_id}/assign", "post"),
        ("/api/v1/communes/{insee}/reports/{report_id}/notes", "post"),
        ("/api/v1/communes/{insee}/reports/{report_id}/notes", "get"),
        ("/api/v1/communes/{insee}/reports/{report_id}/merge", "post"),
        ("/api/v1/communes/{insee}/categories", "get"),
        ("/api/v1/communes/{insee}/categories/{code}", "get"),
        ("/api/v1/communes/{insee}/categories/{code}", "put"),
    ] {
        let operation = &document["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} missing from {:?}", paths.keys().collect::<Vec<_>>());
        let responses = operation["responses"].as_object().expect("responses");
        assert!(responses.keys().any(|code| code.starts_with('4')), "{method} {path}: no error response");
    }
    // A submission is JSON or a form with photos; a photo is an image.
    let submit = &paths["/api/v1/communes/{insee}/reports"]["post"]["requestBody"]["content"];
    assert!(submit["application/json"].is_object() && submit["multipart/form-data"].is_object(), "{submit}");
    let photo = &paths["/api/v1/communes/{insee}/reports/{report_id}/photos/{photo_id}"]["get"]["responses"]["200"];
    assert!(photo["content"]["image/jpeg"].is_object() && photo["content"]["image/webp"].is_object(), "{photo}");
    let filters: Vec<&str> = paths["/api/v1/communes/{insee}/reports"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for filter in ["status", "category", "department", "bbox", "submitted_after", "q", "order_by", "assigned_to"] {
        assert!(filters.contains(&filter), "{filter} not in {filters:?}");
    }
    let statuses = &document["components"]["schemas"]["ReportStatus"]["enum"];
    assert!(statuses.as_array().is_some_and(|s| s.contains(&json!("merged"))), "{statuses}");
    let reports = &paths["/api/v1/communes/{insee}/reports"];
    assert!(reports["post"].is_object() && reports["get"].is_object());
    assert_eq!(document["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let acknowledge = &paths["/api/v1/communes/{insee}/reports/{report_id}/acknowledge"]["post"];
    assert_eq!(acknowledge["security"], json!([{ "bearer": [] }]));
    let parameters = reports["post"]["parameters"].as_array().expect("parameters");
    assert!(
        parameters.iter().any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header" && p["required"] == false),
        "{parameters:?}"
    );
    // Nullable fields are always present.
    let required = document["components"]["schemas"]["Report"]["required"].as_array().expect("required");
    assert!(required.contains(&json!("acknowledged_at")), "{required:?}");
    for schema in [
        "Report",
        "SubmitReport",
        "SubmitReportForm",
        "AcknowledgeReport",
        "ReportList",
        "PhotoRef",
        "TimelineEntry",
        "DuplicateList",
        "InternalNoteList",
        "Category",
        "DefineCategory",
        "ErrorBody",
        "FieldViolation",
    ] {
        assert!(document["components"]["schemas"][schema].is_object(), "schema {schema} missing");
    }
}

#[tokio::test]
async fn unknown_routes_and_methods_get_the_json_error_body() {
    let stack = stack().await;
    let response = stack.http.get(stack.url("/api/v1/nothing-here")).send().await.expect("send");
    assert_security_headers(&response);
    error(response, StatusCode::NOT_FOUND, "not_found").await;
    let response = stack.http.delete(stack.url(&format!("/api/v1/communes/{PARIS}/reports"))).send().await;
    error(response.expect("send"), StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
}

#[tokio::test]
async fn agents_move_a_report_on_and_its_reporter_reopens_it() {
    let stack = stack().await;
    let resident = stack.token(PARIS, Role::Resident);
    let created: Value = stack
        .http
        .post(stack.url(&format!("/api/v1/communes/{PARIS}/reports")))
        .bearer_auth(&resident)
        .json(&report("Banc cassé square du Temple"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("JSON");
    let report_id = created["report_id"].as_str().expect("report_id").to_owned();
    let step = |status: &str, message: &str, bearer: &str| {
        stack
            .http
            .post(stack.url(&format!("/api/v1/communes/{PARIS}/reports/{report_id}/status")))
            .bearer_auth(bearer.to_owned())
            .json(&json!({ "status": status, "message": message }))
            .send()
    };
    let agent = stack.token(PARIS, Role::Agent);
    error(step("resolved", "", &resident).await.expect("send"), StatusCode::FORBIDDEN, "permission_denied").await;
    let body =
        error(step("rejected", "", &agent).await.expect("send"), StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(body["error"]["field_violations"][0]["field"], "message");
    error(step("closed", "", &agent).await.expect("send"), StatusCode::BAD_REQUEST, "invalid_argument").await;
    let in_progress: Value =
        step("in_progress", "Menuisier prévenu", &agent).await.expect("send").json().await.expect("JSON");
    assert_eq!(in_progress["status"], "in_progress");
    let resolved: Value = step("resolved", "Banc réparé", &agent).await.expect("send").json().await.expect("JSON");
    assert_eq!(resolved["status"], "resolved");

    let reopen = |bearer: &str| {
        stack
            .http
            .post(stack.url(&format!("/api/v1/communes/{PARIS}/reports/{report_id}/reopen")))
            .bearer_auth(bearer.to_owned())
            .json(&json!({ "message": "Il est de nouveau cassé" }))
            .send()
    };
    let neighbour = stack.token(PARIS, Role::CollectiveMember);
    error(reopen(&neighbour).await.expect("send"), StatusCode::FORBIDDEN, "permission_denied").await;
    let reopened = reopen(&resident).await.expect("send");
    assert_eq!(reopened.status(), StatusCode::OK);
    let reopened: Value = reopened.json().await.expect("JSON");
    assert_eq!(reopened["status"], "acknowledged");
}
