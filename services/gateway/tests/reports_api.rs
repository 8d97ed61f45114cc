//! The report features of the REST API end to end (photos, anonymous reports,
//! filters, supports, merges, assignment and notes, categories, tenant
//! isolation): the real reports service on a throwaway SQLite database behind
//! the gateway, both on ephemeral ports, driven over HTTP.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use miroir_auth::role::Grant;
use miroir_auth::{Claims, Keys, Role};
use miroir_gateway::{GatewayConfig, build};
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::reports::v1::reports_server::ReportsServer;
use miroir_reports::api::{Links, ReportsApi};
use reqwest::{RequestBuilder, StatusCode};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const PARIS: &str = "75056";
const LYON: &str = "69123";
/// Account ids (UUIDs, as identity gives them).
const AGENT: &str = "0190c0de-0000-7000-8000-00000000a9e7";
const ADMIN: &str = "0190c0de-0000-7000-8000-0000000000ad";
const RESIDENT: &str = "0190c0de-0000-7000-8000-000000000001";
const NEIGHBOUR: &str = "0190c0de-0000-7000-8000-000000000002";
const OTHER_NEIGHBOUR: &str = "0190c0de-0000-7000-8000-000000000003";

/// A phone-like JPEG whose Exif block names the phone ("PhoneMaker") and holds a GPS position.
const JPEG_WITH_GPS: &[u8] = include_bytes!("../../reports/tests/fixtures/pothole-with-gps.jpg");
const PNG: &[u8] = include_bytes!("../../reports/tests/fixtures/pothole.png");
const WEBP: &[u8] = include_bytes!("../../reports/tests/fixtures/pothole.webp");

const HOTEL_DE_VILLE: (f64, f64) = (48.8566, 2.3522);
/// About 30 m north of the Hôtel de Ville.
const NEARBY: (f64, f64) = (48.85687, 2.3522);
/// About 90 m north.
const FURTHER: (f64, f64) = (48.85741, 2.3522);

/// The reports service and the gateway in front of it, stopped on drop.
struct Stack {
    base: String,
    http: reqwest::Client,
    keys: Keys,
    /// Verification links, as the anonymous reporters' e-mails would get them.
    links: Mutex<mpsc::UnboundedReceiver<String>>,
    token: CancellationToken,
    _db: TestDatabase,
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.token.cancel();
    }
}

async fn stack() -> Stack {
    let db = TestDatabase::sqlite().await;
    let keys = Keys::generate().expect("keys");
    let token = CancellationToken::new();
    miroir_reports::migrate_database(&db.db).await.expect("migrate");
    let store = miroir_reports::open(db.db.clone()).await.expect("open the log");
    let (sink, links) = mpsc::unbounded_channel();
    let api = ReportsApi::new(store).with_links(Links {
        public_url: "https://miroir.example".into(),
        log_links: false,
        sink: Some(sink),
    });
    let readiness = Readiness::new();
    readiness.register("test").set_ready(true);
    // As the binary serves it: a submission carries up to five photos of 5 MiB.
    let service = tonic::service::interceptor::InterceptedService::new(
        ReportsServer::new(api).max_decoding_message_size(32 * 1024 * 1024),
        miroir_auth::grpc::authenticate(keys.verifier()),
    );
    let routes = tonic::service::Routes::new(service);
    let grpc = TcpListener::bind("127.0.0.1:0").await.expect("bind gRPC");
    let reports_url = format!("http://{}", grpc.local_addr().expect("gRPC address"));
    tokio::spawn(miroir_platform::grpc::serve(
        grpc,
        routes,
        miroir_proto::FILE_DESCRIPTOR_SET,
        readiness,
        token.clone(),
    ));

    let metrics = Metrics::new("gateway").expect("metrics");
    // These tests never reach the identity service; its channel connects lazily.
    let config = GatewayConfig {
        reports_url,
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
    Stack { base, http: reqwest::Client::new(), keys, links: Mutex::new(links), token, _db: db }
}

impl Stack {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn reports(&self, commune: &str) -> String {
        self.url(&format!("/api/v1/communes/{commune}/reports"))
    }

    fn report_url(&self, report: &Value, rest: &str) -> String {
        let commune = report["commune"].as_str().expect("commune");
        let id = report["report_id"].as_str().expect("report_id");
        self.url(&format!("/api/v1/communes/{commune}/reports/{id}{rest}"))
    }

    /// A bearer token of `account` with `role` in `commune`.
    fn token(&self, account: &str, commune: &str, role: Role) -> String {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default();
        self.keys.sign(&Claims {
            sub: account.to_owned(),
            iat: now,
            exp: now + 3600,
            grants: vec![Grant { commune: commune.to_owned(), role }],
            client: None,
        })
    }

    fn resident(&self, account: &str) -> String {
        self.token(account, PARIS, Role::Resident)
    }

    fn agent(&self) -> String {
        self.token(AGENT, PARIS, Role::Agent)
    }

    /// Files a report in Paris as `account`; returns its JSON.
    async fn filed(&self, account: &str, body: &Value) -> Value {
        let response = self.http.post(self.reports(PARIS)).bearer_auth(self.resident(account)).json(body).send().await;
        let response = response.expect("send");
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.expect("report JSON")
    }

    /// The JSON answer of a request that must succeed.
    async fn get_json(&self, request: RequestBuilder) -> Value {
        let response = request.send().await.expect("send");
        assert!(response.status().is_success(), "{} {:?}", response.status(), response.url().path());
        response.json().await.expect("JSON")
    }

    /// The titles of the reports the public lists with `query`.
    async fn titles(&self, query: &str) -> Vec<String> {
        self.titles_as(query, None).await
    }

    async fn titles_as(&self, query: &str, bearer: Option<&str>) -> Vec<String> {
        let mut request = self.http.get(format!("{}?{query}", self.reports(PARIS)));
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        let page = self.get_json(request).await;
        titles(&page["reports"])
    }

    fn link(&self) -> String {
        let mut links = self.links.lock().expect("links");
        links.try_recv().expect("a verification link was sent")
    }
}

fn titles(reports: &Value) -> Vec<String> {
    reports.as_array().expect("reports").iter().filter_map(|r| r["title"].as_str().map(str::to_owned)).collect()
}

fn report(category: &str, title: &str, (latitude, longitude): (f64, f64)) -> Value {
    json!({
        "category": category,
        "title": title,
        "description": "Constaté ce matin.",
        "location": { "latitude": latitude, "longitude": longitude, "address": "Place de l'Hôtel de Ville" },
    })
}

/// Checks the status and the JSON error body; returns the first offending field.
async fn error(response: reqwest::Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status, "{}", response.url().path());
    let body: Value = response.json().await.expect("error JSON");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    body
}

async fn field(response: reqwest::Response) -> String {
    let body = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
    body["error"]["field_violations"][0]["field"].as_str().unwrap_or_default().to_owned()
}

/// One part of a `multipart/form-data` body.
struct Part<'a> {
    name: &'a str,
    filename: Option<&'a str>,
    content_type: Option<&'a str>,
    data: Vec<u8>,
}

fn json_part(body: &Value) -> Part<'static> {
    Part { name: "report", filename: None, content_type: Some("application/json"), data: body.to_string().into() }
}

fn photo_part<'a>(filename: &'a str, data: &[u8]) -> Part<'a> {
    Part { name: "photos", filename: Some(filename), content_type: Some("image/jpeg"), data: data.to_vec() }
}

/// A form as a browser sends it: its content type (with the boundary) and body.
fn form(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "----miroir-test-boundary-7d1c0de";
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"", part.name).as_bytes(),
        );
        if let Some(filename) = part.filename {
            body.extend_from_slice(format!("; filename=\"{filename}\"").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        if let Some(content_type) = part.content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&part.data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl Stack {
    async fn send_form(&self, bearer: Option<&str>, parts: &[Part<'_>]) -> reqwest::Response {
        let (content_type, body) = form(parts);
        let mut request = self.http.post(self.reports(PARIS)).header("content-type", content_type).body(body);
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        request.send().await.expect("send")
    }
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

#[tokio::test]
async fn a_form_with_a_photo_files_the_report_and_the_photo_is_served_without_its_metadata() {
    let stack = stack().await;
    assert!(JPEG_WITH_GPS.windows(10).any(|w| w == b"PhoneMaker"), "the fixture has its Exif block");
    let resident = stack.resident(RESIDENT);
    let body = report("voirie", "Chaussée effondrée", HOTEL_DE_VILLE);
    let response =
        stack.send_form(Some(&resident), &[json_part(&body), photo_part("IMG_0042.jpg", JPEG_WITH_GPS)]).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let filed: Value = response.json().await.expect("JSON");
    let photos = filed["photos"].as_array().expect("photos");
    assert_eq!(photos.len(), 1, "{filed}");
    let photo = &photos[0];
    let photo_id = photo["photo_id"].as_str().expect("photo_id");
    assert_eq!(
        photo["url"],
        format!(
            "/api/v1/communes/{PARIS}/reports/{}/photos/{photo_id}",
            filed["report_id"].as_str().unwrap_or_default()
        )
    );
    assert_eq!(photo["content_type"], "image/jpeg");
    let size = photo["size_bytes"].as_u64().expect("size");
    assert!(size > 0 && size < JPEG_WITH_GPS.len() as u64, "stored without its metadata: {size}");

    // Anyone may see it (the report is public): the image, cacheable, never run or sniffed.
    let response = stack.http.get(stack.url(photo["url"].as_str().unwrap_or_default())).send().await.expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type").as_deref(), Some("image/jpeg"));
    assert_eq!(header(&response, "x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(header(&response, "content-disposition"), Some(format!("inline; filename=\"{photo_id}.jpg\"")));
    assert_eq!(header(&response, "cache-control").as_deref(), Some("public, max-age=86400, immutable"));
    assert_eq!(header(&response, "content-security-policy").as_deref(), Some("default-src 'none'; sandbox"));
    assert!(header(&response, "content-encoding").is_none(), "an image is not compressed again");
    let served = response.bytes().await.expect("bytes");
    assert_eq!(served.len() as u64, size);
    assert!(served.starts_with(&[0xFF, 0xD8]), "still a JPEG");
    assert!(!served.windows(10).any(|w| w == b"PhoneMaker"), "the camera's name is gone");
    assert!(!served.windows(6).any(|w| w == b"Exif\0\0"), "the Exif block (and its GPS position) is gone");

    // PNG and WebP too, typed from their bytes whatever the part declares; a form may carry no photo.
    let parts = [
        json_part(&report("voirie", "Deux photos", HOTEL_DE_VILLE)),
        Part { content_type: Some("application/octet-stream"), ..photo_part("a.jpg", PNG) },
        photo_part("b", WEBP),
        // An empty file input, as browsers send it.
        Part { name: "photos", filename: Some(""), content_type: Some("application/octet-stream"), data: Vec::new() },
    ];
    let both: Value = stack.send_form(Some(&resident), &parts).await.json().await.expect("JSON");
    let types: Vec<&str> =
        both["photos"].as_array().expect("photos").iter().filter_map(|p| p["content_type"].as_str()).collect();
    assert_eq!(types, vec!["image/png", "image/webp"]);
    let response = stack.http.get(stack.url(both["photos"][1]["url"].as_str().unwrap_or_default())).send().await;
    let response = response.expect("send");
    assert_eq!(header(&response, "content-type").as_deref(), Some("image/webp"));
    assert!(header(&response, "content-disposition").is_some_and(|d| d.ends_with(".webp\"")));

    // Bad photo paths are 400s, unknown photos 404s.
    let url = stack.report_url(&filed, "/photos/not-a-uuid");
    assert_eq!(field(stack.http.get(url).send().await.expect("send")).await, "photo_id");
    let url = stack.report_url(&filed, "/photos/0190c0de-0000-7000-8000-000000000000");
    error(stack.http.get(url).send().await.expect("send"), StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn forms_are_checked_part_by_part() {
    let stack = stack().await;
    let resident = stack.resident(RESIDENT);
    let body = report("voirie", "Trou", HOTEL_DE_VILLE);

    // A part that is not an image: refused, naming the part.
    let text = Part {
        name: "photos",
        filename: Some("notes.txt"),
        content_type: Some("text/plain"),
        data: b"pas une image".to_vec(),
    };
    assert_eq!(field(stack.send_form(Some(&resident), &[json_part(&body), text]).await).await, "photos[0]");
    // Unknown parts: all named at once.
    let extra = |name: &'static str| Part { name, filename: None, content_type: None, data: b"x".to_vec() };
    let response = stack.send_form(Some(&resident), &[extra("avatar"), json_part(&body), extra("signature")]).await;
    let error_body = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
    let fields: Vec<&str> = error_body["error"]["field_violations"]
        .as_array()
        .expect("violations")
        .iter()
        .filter_map(|v| v["field"].as_str())
        .collect();
    assert_eq!(fields, vec!["avatar", "signature"], "{error_body}");
    // No report part; the report twice; bad JSON in it (named like the JSON body's fields).
    assert_eq!(field(stack.send_form(Some(&resident), &[photo_part("p.jpg", JPEG_WITH_GPS)]).await).await, "report");
    assert_eq!(field(stack.send_form(Some(&resident), &[json_part(&body), json_part(&body)]).await).await, "report");
    let untitled = json!({ "category": "voirie", "location": body["location"] });
    assert_eq!(field(stack.send_form(Some(&resident), &[json_part(&untitled)]).await).await, "title");
    // Six photos; a photo over 5 MiB.
    let six: Vec<Part<'_>> =
        std::iter::once(json_part(&body)).chain((0..6).map(|_| photo_part("p.jpg", JPEG_WITH_GPS))).collect();
    assert_eq!(field(stack.send_form(Some(&resident), &six).await).await, "photos");
    let mut huge = JPEG_WITH_GPS.to_vec();
    huge.resize(5 * 1024 * 1024 + 1, 0);
    assert_eq!(
        field(stack.send_form(Some(&resident), &[json_part(&body), photo_part("big.jpg", &huge)]).await).await,
        "photos[0]"
    );
    // Neither JSON nor a form.
    let response =
        stack.http.post(stack.reports(PARIS)).header("content-type", "image/jpeg").body(JPEG_WITH_GPS).send().await;
    error(response.expect("send"), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
    assert!(stack.titles("").await.is_empty(), "refused forms file nothing");
}

#[tokio::test]
async fn a_form_may_carry_five_photos_of_5_mib_but_no_more_than_26_mib() {
    let stack = stack().await;
    let resident = stack.resident(RESIDENT);
    // A real JPEG padded to exactly 5 MiB: the service drops what follows the image.
    let mut full = JPEG_WITH_GPS.to_vec();
    full.resize(5 * 1024 * 1024, 0);
    let body = report("voirie", "Cinq photos", HOTEL_DE_VILLE);
    let five: Vec<Part<'_>> =
        std::iter::once(json_part(&body)).chain((0..5).map(|_| photo_part("p.jpg", &full))).collect();
    let response = stack.send_form(Some(&resident), &five).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let filed: Value = response.json().await.expect("JSON");
    assert_eq!(filed["photos"].as_array().map(Vec::len), Some(5));

    // Past the form's limit the gateway stops reading.
    let six: Vec<Part<'_>> = std::iter::once(json_part(&body))
        .chain((0..6).map(|_| photo_part("p.jpg", &full[..5 * 1024 * 1024 - 1])))
        .collect();
    // It answers 413 at once: the client may read it, or only see the connection closed under the rest of its
    // body. Either way nothing is filed (the list below has only the five-photo report).
    let (content_type, bytes) = form(&six);
    let refused =
        stack.http.post(stack.reports(PARIS)).bearer_auth(&resident).header("content-type", content_type).body(bytes);
    match refused.send().await {
        Ok(response) => error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await,
        Err(e) => {
            assert!(e.is_request() && format!("{e:?}").contains("BodyWrite"), "only a body cut short: {e:?}");
            Value::Null
        }
    };
    let listed: Value = stack.http.get(stack.reports(PARIS)).send().await.expect("list").json().await.expect("JSON");
    assert_eq!(listed["reports"].as_array().map(Vec::len), Some(1), "the refused form filed nothing");
    // The JSON body keeps its own, smaller limit on the same route.
    let mut long = body.clone();
    long["description"] = json!("x".repeat(64 * 1024));
    let response = stack.http.post(stack.reports(PARIS)).bearer_auth(&resident).json(&long).send().await;
    error(response.expect("send"), StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[tokio::test]
async fn an_anonymous_report_is_hidden_until_its_email_is_verified() {
    let stack = stack().await;
    let body = report("voirie", "Trou rue de Rivoli", HOTEL_DE_VILLE);
    let response = stack.http.post(stack.reports(PARIS)).json(&body).send().await.expect("send");
    assert_eq!(field(response).await, "reporter_email");

    let mut anonymous = body.clone();
    anonymous["reporter_email"] = json!("voisine@example.fr");
    let response = stack.send_form(None, &[json_part(&anonymous), photo_part("p.jpg", JPEG_WITH_GPS)]).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let filed: Value = response.json().await.expect("JSON");
    assert_eq!(filed["verified"], false);
    assert!(filed.get("reporter_email").is_none(), "never sent back to the public: {filed}");
    assert!(!filed.to_string().contains("voisine@"), "{filed}");

    // Hidden from the public: the report, its photo, the lists.
    let url = stack.report_url(&filed, "");
    error(stack.http.get(&url).send().await.expect("send"), StatusCode::NOT_FOUND, "not_found").await;
    let photo_url = stack.url(filed["photos"][0]["url"].as_str().unwrap_or_default());
    error(stack.http.get(&photo_url).send().await.expect("send"), StatusCode::NOT_FOUND, "not_found").await;
    assert!(stack.titles("").await.is_empty());
    // A resident's token does not help.
    let response = stack.http.get(&photo_url).bearer_auth(stack.resident(NEIGHBOUR)).send().await.expect("send");
    error(response, StatusCode::NOT_FOUND, "not_found").await;
    // The staff see it, with the address to contact, and its photo (never cached).
    let staff = stack.get_json(stack.http.get(&url).bearer_auth(stack.agent())).await;
    assert_eq!(staff["reporter_email"], "voisine@example.fr");
    assert_eq!(staff["verified"], false);
    let response = stack.http.get(&photo_url).bearer_auth(stack.agent()).send().await.expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "cache-control").as_deref(), Some("private, no-store"));
    assert_eq!(stack.titles_as("", Some(&stack.agent())).await, vec!["Trou rue de Rivoli"]);

    // The link goes to the e-mail only; following it makes the report public.
    let link = stack.link();
    let token = link.split_once("token=").map(|(_, token)| token.to_owned()).expect("a token in the link");
    let verify = |token: &str| {
        stack
            .http
            .post(stack.url(&format!("/api/v1/communes/{PARIS}/reports/verify")))
            .json(&json!({ "token": token }))
            .send()
    };
    error(verify("nope").await.expect("send"), StatusCode::NOT_FOUND, "not_found").await;
    let response = verify(&token).await.expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    let verified: Value = response.json().await.expect("JSON");
    assert_eq!(verified["verified"], true);
    assert!(verified.get("reporter_email").is_none());
    error(verify(&token).await.expect("send"), StatusCode::CONFLICT, "already_exists").await;

    let public = stack.get_json(stack.http.get(&url)).await;
    assert_eq!(public["verified"], true);
    assert!(!public.to_string().contains("voisine@"), "{public}");
    let page = stack.get_json(stack.http.get(stack.reports(PARIS))).await;
    assert_eq!(titles(&page["reports"]), vec!["Trou rue de Rivoli"]);
    assert!(!page.to_string().contains("voisine@"), "{page}");
    let response = stack.http.get(&photo_url).send().await.expect("send");
    assert_eq!(header(&response, "cache-control").as_deref(), Some("public, max-age=86400, immutable"));
}

#[tokio::test]
async fn lists_filter_on_each_parameter() {
    let stack = stack().await;
    let lamp = stack.filed(RESIDENT, &report("eclairage", "Éclairage défaillant quai", HOTEL_DE_VILLE)).await;
    let avenue = stack.filed(RESIDENT, &report("voirie", "Nid-de-poule avenue", (48.87, 2.33))).await;
    let paving = stack.filed(RESIDENT, &report("voirie", "Pavés descellés", (48.83, 2.40))).await;
    let dump = stack.filed(NEIGHBOUR, &report("proprete", "Dépôt sauvage", HOTEL_DE_VILLE)).await;
    let agent = stack.agent();
    let post = |url: String, body: Value| stack.http.post(url).bearer_auth(&agent).json(&body).send();
    let response = post(stack.report_url(&avenue, "/acknowledge"), json!({ "message": "Vu." })).await.expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    let response = post(stack.report_url(&paving, "/status"), json!({ "status": "resolved", "message": "Fait." }));
    assert_eq!(response.await.expect("send").status(), StatusCode::OK);
    let response = post(stack.report_url(&dump, "/assign"), json!({ "department": "propreté", "agent": AGENT }));
    assert_eq!(response.await.expect("send").status(), StatusCode::OK);
    for supporter in [NEIGHBOUR, OTHER_NEIGHBOUR] {
        let response =
            stack.http.post(stack.report_url(&lamp, "/support")).bearer_auth(stack.resident(supporter)).send();
        assert_eq!(response.await.expect("send").status(), StatusCode::OK);
    }

    let newest = ["Dépôt sauvage", "Pavés descellés", "Nid-de-poule avenue", "Éclairage défaillant quai"];
    assert_eq!(stack.titles("").await, newest);
    assert_eq!(stack.titles("status=new").await, ["Dépôt sauvage", "Éclairage défaillant quai"]);
    assert_eq!(stack.titles("status=acknowledged,resolved").await, ["Pavés descellés", "Nid-de-poule avenue"]);
    assert_eq!(stack.titles("status=acknowledged&status=resolved").await, ["Pavés descellés", "Nid-de-poule avenue"]);
    assert!(stack.titles("status=merged").await.is_empty());
    assert_eq!(stack.titles("category=voirie").await, ["Pavés descellés", "Nid-de-poule avenue"]);
    assert_eq!(stack.titles("category=eclairage,proprete").await, ["Dépôt sauvage", "Éclairage défaillant quai"]);
    assert_eq!(stack.titles("department=propret%C3%A9").await, ["Dépôt sauvage"]);
    assert_eq!(stack.titles("bbox=48.82,2.39,48.84,2.41").await, ["Pavés descellés"]);
    assert_eq!(stack.titles("q=ECLAIRAGE").await, ["Éclairage défaillant quai"]);
    assert_eq!(stack.titles("q=depot+sauv").await, ["Dépôt sauvage"]);
    let at = |report: &Value| report["submitted_at"].as_str().unwrap_or_default().replace('+', "%2B");
    assert_eq!(stack.titles(&format!("submitted_after={}", at(&paving))).await, newest[..2]);
    assert_eq!(stack.titles(&format!("submitted_before={}", at(&paving))).await, newest[2..]);
    assert_eq!(
        stack.titles(&format!("submitted_after={}&submitted_before={}", at(&avenue), at(&dump))).await,
        ["Pavés descellés", "Nid-de-poule avenue"]
    );
    assert_eq!(stack.titles("order_by=most_supported").await[0], "Éclairage défaillant quai");
    assert_eq!(stack.titles("order_by=newest").await, newest);
    assert_eq!(stack.titles_as(&format!("assigned_to={AGENT}"), Some(&agent)).await, ["Dépôt sauvage"]);
    assert_eq!(stack.titles("status=new&category=voirie").await, Vec::<String>::new());

    // Each bad value names its parameter, whether the gateway or the service finds it.
    let get = |query: String| stack.http.get(format!("{}?{query}", stack.reports(PARIS))).send();
    for (query, name) in [
        ("status=closed".to_owned(), "status"),
        ("category=Voirie!".to_owned(), "category"),
        ("bbox=48.82,2.39,48.84".to_owned(), "bbox"),
        ("bbox=49,2,48,3".to_owned(), "bbox"),
        ("bbox=48,2,49,300".to_owned(), "bbox"),
        ("submitted_after=yesterday".to_owned(), "submitted_after"),
        ("submitted_before=2025-13-01T00:00:00Z".to_owned(), "submitted_before"),
        (format!("submitted_after={}&submitted_before={}", at(&dump), at(&lamp)), "submitted_before"),
        ("order_by=random".to_owned(), "order_by"),
        (format!("q={}", "x".repeat(201)), "q"),
        (format!("department={}", "x".repeat(81)), "department"),
        (format!("assigned_to={AGENT}"), "assigned_to"),
        ("page_size=0x10".to_owned(), "page_size"),
    ] {
        assert_eq!(field(get(query.clone()).await.expect("send")).await, name, "{query}");
    }
}

#[tokio::test]
async fn page_tokens_walk_a_filtered_list_once_and_only_with_its_filter() {
    let stack = stack().await;
    for n in 0..5 {
        stack.filed(RESIDENT, &report("voirie", &format!("Voirie {n}"), HOTEL_DE_VILLE)).await;
        stack.filed(RESIDENT, &report("proprete", &format!("Propreté {n}"), HOTEL_DE_VILLE)).await;
    }
    let mut seen = Vec::new();
    let mut page_token = String::new();
    for _ in 0..10 {
        let url = format!("{}?category=voirie&page_size=2&page_token={page_token}", stack.reports(PARIS));
        let page = stack.get_json(stack.http.get(url)).await;
        seen.extend(titles(&page["reports"]));
        let Some(next) = page["next_page_token"].as_str() else { break };
        page_token = next.to_owned();
        // A token is for its own filter only.
        let other = format!("{}?category=proprete&page_size=2&page_token={page_token}", stack.reports(PARIS));
        assert_eq!(field(stack.http.get(other).send().await.expect("send")).await, "page_token");
        let reordered =
            format!("{}?category=voirie&order_by=most_supported&page_token={page_token}", stack.reports(PARIS));
        assert_eq!(field(stack.http.get(reordered).send().await.expect("send")).await, "page_token");
    }
    assert_eq!(seen, ["Voirie 4", "Voirie 3", "Voirie 2", "Voirie 1", "Voirie 0"]);
}

#[tokio::test]
async fn a_resident_supports_a_report_once() {
    let stack = stack().await;
    let filed = stack.filed(RESIDENT, &report("eclairage", "Lampadaire éteint", HOTEL_DE_VILLE)).await;
    let url = stack.report_url(&filed, "/support");
    let support = |bearer: Option<String>| {
        let mut request = stack.http.post(&url);
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        request.send()
    };
    error(support(None).await.expect("send"), StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let own = support(Some(stack.resident(RESIDENT))).await.expect("send");
    error(own, StatusCode::CONFLICT, "failed_precondition").await;
    let response = support(Some(stack.resident(NEIGHBOUR))).await.expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    let supported: Value = response.json().await.expect("JSON");
    assert_eq!((supported["supports"].clone(), supported["supported_by_caller"].clone()), (json!(1), json!(true)));
    let twice = support(Some(stack.resident(NEIGHBOUR))).await.expect("send");
    error(twice, StatusCode::CONFLICT, "already_exists").await;

    let public = stack.get_json(stack.http.get(stack.report_url(&filed, ""))).await;
    assert_eq!((public["supports"].clone(), public["supported_by_caller"].clone()), (json!(1), json!(false)));
    let mine =
        stack.get_json(stack.http.get(stack.report_url(&filed, "")).bearer_auth(stack.resident(NEIGHBOUR))).await;
    assert_eq!(mine["supported_by_caller"], true);
}

#[tokio::test]
async fn nearby_open_reports_of_the_category_are_suggested_as_duplicates() {
    let stack = stack().await;
    stack.filed(RESIDENT, &report("eclairage", "Lampadaire éteint", HOTEL_DE_VILLE)).await;
    stack.filed(NEIGHBOUR, &report("eclairage", "Réverbère en panne", NEARBY)).await;
    stack.filed(NEIGHBOUR, &report("eclairage", "Lampadaire plus loin", FURTHER)).await;
    stack.filed(NEIGHBOUR, &report("voirie", "Trou juste là", HOTEL_DE_VILLE)).await;
    let url = |query: &str| stack.url(&format!("/api/v1/communes/{PARIS}/reports/duplicates?{query}"));
    let found = stack.get_json(stack.http.get(url("category=eclairage&latitude=48.8566&longitude=2.3522"))).await;
    let duplicates = found["duplicates"].as_array().expect("duplicates");
    let titles: Vec<&str> = duplicates.iter().filter_map(|d| d["report"]["title"].as_str()).collect();
    assert_eq!(titles, ["Lampadaire éteint", "Réverbère en panne"]);
    let distances: Vec<f64> = duplicates.iter().filter_map(|d| d["distance_m"].as_f64()).collect();
    assert!(distances[0] < 1.0 && (25.0..35.0).contains(&distances[1]), "{distances:?}");

    for (query, name) in [
        ("latitude=48.8566&longitude=2.3522", "category"),
        ("category=eclairage&longitude=2.3522", "latitude"),
        ("category=eclairage&latitude=48.8566&longitude=east", "longitude"),
        ("category=Eclairage&latitude=48.8566&longitude=2.3522", "category"),
        ("category=eclairage&latitude=95&longitude=2.3522", "latitude"),
    ] {
        assert_eq!(field(stack.http.get(url(query)).send().await.expect("send")).await, name, "{query}");
    }
    // A point outside France: both coordinates are named.
    let response = stack.http.get(url("category=eclairage&latitude=40.4168&longitude=-3.7038")).send().await;
    let body = error(response.expect("send"), StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(body["error"]["field_violations"].as_array().map(Vec::len), Some(2), "{body}");
}

#[tokio::test]
async fn staff_merge_a_duplicate_into_the_report_they_keep() {
    let stack = stack().await;
    let kept = stack.filed(RESIDENT, &report("eclairage", "Lampadaire éteint", HOTEL_DE_VILLE)).await;
    let duplicate = stack.filed(NEIGHBOUR, &report("eclairage", "Réverbère en panne", NEARBY)).await;
    let response =
        stack.http.post(stack.report_url(&duplicate, "/support")).bearer_auth(stack.resident(OTHER_NEIGHBOUR));
    assert_eq!(response.send().await.expect("send").status(), StatusCode::OK);

    let merge = |bearer: String, into: &str| {
        stack
            .http
            .post(stack.report_url(&duplicate, "/merge"))
            .bearer_auth(bearer)
            .header("Idempotency-Key", "merge-1")
            .json(&json!({ "into": into, "message": "Déjà signalé, nous suivons l'autre signalement." }))
            .send()
    };
    let kept_id = kept["report_id"].as_str().expect("id");
    let resident = merge(stack.resident(RESIDENT), kept_id).await.expect("send");
    error(resident, StatusCode::FORBIDDEN, "permission_denied").await;
    assert_eq!(field(merge(stack.agent(), "not-a-report").await.expect("send")).await, "into");
    let unknown = merge(stack.agent(), "0190c0de-0000-7000-8000-000000000000").await.expect("send");
    assert_eq!(field(unknown).await, "into");
    let itself = merge(stack.agent(), duplicate["report_id"].as_str().unwrap_or_default()).await.expect("send");
    assert_eq!(field(itself).await, "into");

    let response = merge(stack.agent(), kept_id).await.expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    let kept_now: Value = response.json().await.expect("JSON");
    assert_eq!(kept_now["report_id"], kept["report_id"]);
    assert_eq!(kept_now["supports"], 1, "the duplicate's supporter moved over");
    // A retry with the same key answers the same.
    let retried: Value = merge(stack.agent(), kept_id).await.expect("send").json().await.expect("JSON");
    assert_eq!(retried["supports"], 1);

    let closed = stack.get_json(stack.http.get(stack.report_url(&duplicate, ""))).await;
    assert_eq!(closed["status"], "merged");
    assert_eq!(closed["merged_into"], kept["report_id"]);
    let last = closed["timeline"].as_array().and_then(|t| t.last()).cloned().unwrap_or_default();
    assert_eq!(
        (last["kind"].clone(), last["status"].clone(), last["by"].clone()),
        (json!("merged"), json!("merged"), json!("commune"))
    );
    assert!(last["at"].as_str().is_some_and(|at| at.ends_with('Z')), "{last}");
    assert_eq!(stack.titles("status=merged").await, ["Réverbère en panne"]);
    let response = stack.http.post(stack.report_url(&duplicate, "/support")).bearer_auth(stack.resident(RESIDENT));
    error(response.send().await.expect("send"), StatusCode::CONFLICT, "failed_precondition").await;
}

#[tokio::test]
async fn staff_route_reports_and_keep_notes_the_public_never_sees() {
    let stack = stack().await;
    let filed = stack.filed(RESIDENT, &report("voirie", "Trottoir défoncé", HOTEL_DE_VILLE)).await;
    let assign = |bearer: String, body: Value| {
        stack.http.post(stack.report_url(&filed, "/assign")).bearer_auth(bearer).json(&body).send()
    };
    let routing = json!({ "department": "voirie", "agent": AGENT });
    error(
        assign(stack.resident(RESIDENT), routing.clone()).await.expect("send"),
        StatusCode::FORBIDDEN,
        "permission_denied",
    )
    .await;
    assert_eq!(field(assign(stack.agent(), json!({ "agent": "bob" })).await.expect("send")).await, "agent");
    let response = assign(stack.agent(), routing.clone()).await.expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    let assigned: Value = response.json().await.expect("JSON");
    assert_eq!((assigned["department"].clone(), assigned["assigned_agent"].clone()), (json!("voirie"), json!(AGENT)));
    error(assign(stack.agent(), routing).await.expect("send"), StatusCode::CONFLICT, "failed_precondition").await;
    let public = stack.get_json(stack.http.get(stack.report_url(&filed, ""))).await;
    assert_eq!(public["department"], "voirie");
    assert!(public["assigned_agent"].is_null(), "who works on it is internal");
    let last = public["timeline"].as_array().and_then(|t| t.last()).cloned().unwrap_or_default();
    assert_eq!((last["kind"].clone(), last["message"].clone()), (json!("assigned"), json!("voirie")));

    let notes = stack.report_url(&filed, "/notes");
    let note = json!({ "text": "Le riverain du n°4 a appelé." });
    let response = stack.http.post(&notes).bearer_auth(stack.resident(RESIDENT)).json(&note).send().await;
    error(response.expect("send"), StatusCode::FORBIDDEN, "permission_denied").await;
    let response = stack.http.post(&notes).bearer_auth(stack.agent()).json(&json!({ "text": "  " })).send().await;
    assert_eq!(field(response.expect("send")).await, "text");
    let response = stack.http.post(&notes).bearer_auth(stack.agent()).json(&note).send().await.expect("send");
    assert_eq!(response.status(), StatusCode::CREATED);
    let written: Value = response.json().await.expect("JSON");
    assert_eq!((written["author"].clone(), written["text"].clone()), (json!(AGENT), note["text"].clone()));

    error(stack.http.get(&notes).send().await.expect("send"), StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let response = stack.http.get(&notes).bearer_auth(stack.resident(RESIDENT)).send().await.expect("send");
    error(response, StatusCode::FORBIDDEN, "permission_denied").await;
    let read = stack.get_json(stack.http.get(&notes).bearer_auth(stack.agent())).await;
    assert_eq!(read["notes"], json!([written]));

    // Never in a report, not even the staff's view of it, nor in a list.
    for bearer in [None, Some(stack.resident(RESIDENT)), Some(stack.agent())] {
        let mut request = stack.http.get(stack.report_url(&filed, ""));
        if let Some(bearer) = &bearer {
            request = request.bearer_auth(bearer);
        }
        let seen = stack.get_json(request).await.to_string();
        assert!(!seen.contains("riverain"), "{seen}");
    }
    let page = stack.get_json(stack.http.get(stack.reports(PARIS)).bearer_auth(stack.agent())).await;
    assert!(!page.to_string().contains("riverain"));
}

#[tokio::test]
async fn another_communes_token_cannot_act_on_a_report() {
    let stack = stack().await;
    let paris = stack.filed(RESIDENT, &report("voirie", "Feu tricolore en panne", HOTEL_DE_VILLE)).await;
    let paris_kept = stack.filed(NEIGHBOUR, &report("voirie", "Feu en panne", NEARBY)).await;
    let lyon_agent = stack.token(AGENT, LYON, Role::Agent);
    let lyon_admin = stack.token(ADMIN, LYON, Role::CommuneAdmin);
    let post =
        |url: String, bearer: &str, body: Value| stack.http.post(url).bearer_auth(bearer.to_owned()).json(&body).send();

    // Through Paris's path: refused, the token is not Paris's.
    let kept_id = paris_kept["report_id"].as_str().unwrap_or_default();
    for bearer in [&lyon_agent, &lyon_admin] {
        let assign = post(stack.report_url(&paris, "/assign"), bearer, json!({ "department": "voirie" }));
        error(assign.await.expect("send"), StatusCode::FORBIDDEN, "permission_denied").await;
        let merge = post(stack.report_url(&paris, "/merge"), bearer, json!({ "into": kept_id }));
        error(merge.await.expect("send"), StatusCode::FORBIDDEN, "permission_denied").await;
        let note = post(stack.report_url(&paris, "/notes"), bearer, json!({ "text": "Lyon était là" }));
        error(note.await.expect("send"), StatusCode::FORBIDDEN, "permission_denied").await;
        let notes = stack.http.get(stack.report_url(&paris, "/notes")).bearer_auth(bearer).send();
        error(notes.await.expect("send"), StatusCode::FORBIDDEN, "permission_denied").await;
    }
    // Through Lyon's path: the report is not Lyon's.
    let in_lyon = |rest: &str| {
        stack.url(&format!("/api/v1/communes/{LYON}/reports/{}{rest}", paris["report_id"].as_str().unwrap_or_default()))
    };
    let assign = post(in_lyon("/assign"), &lyon_agent, json!({ "department": "voirie" }));
    error(assign.await.expect("send"), StatusCode::NOT_FOUND, "not_found").await;
    let notes = stack.http.get(in_lyon("/notes")).bearer_auth(&lyon_agent).send();
    error(notes.await.expect("send"), StatusCode::NOT_FOUND, "not_found").await;
    let merge = post(in_lyon("/merge"), &lyon_agent, json!({ "into": kept_id }));
    assert_eq!(field(merge.await.expect("send")).await, "into", "the report kept is not Lyon's");
    // Paris's agent cannot merge into a Lyon report either.
    let lyon_report = stack
        .get_json(
            stack
                .http
                .post(stack.reports(LYON))
                .bearer_auth(stack.token(RESIDENT, LYON, Role::Resident))
                .json(&json!({ "category": "voirie", "title": "Trou à Lyon", "location": { "latitude": 45.764, "longitude": 4.8357 } })),
        )
        .await;
    let into_lyon =
        post(stack.report_url(&paris, "/merge"), &stack.agent(), json!({ "into": lyon_report["report_id"] }));
    assert_eq!(field(into_lyon.await.expect("send")).await, "into");

    // Nothing changed.
    let unchanged = stack.get_json(stack.http.get(stack.report_url(&paris, "")).bearer_auth(stack.agent())).await;
    assert_eq!(unchanged["version"], 1, "{unchanged}");
    let notes = stack.get_json(stack.http.get(stack.report_url(&paris, "/notes")).bearer_auth(stack.agent())).await;
    assert_eq!(notes["notes"], json!([]));
}

fn trees() -> Value {
    json!({
        "name": "Arbres",
        "description": "Arbre malade ou dangereux.",
        "department": "espaces verts",
        "keywords": ["arbre"],
        "attributes": [{
            "code": "danger",
            "description": "Y a-t-il un danger immédiat ?",
            "datatype": "single_value_list",
            "required": true,
            "values": [{ "key": "oui", "name": "Oui" }, { "key": "non", "name": "Non" }],
        }],
    })
}

#[tokio::test]
async fn the_communes_administrator_defines_its_categories() {
    let stack = stack().await;
    let categories = |commune: &str, query: &str| {
        stack.http.get(stack.url(&format!("/api/v1/communes/{commune}/categories{query}")))
    };
    let standard = stack.get_json(categories(PARIS, "")).await;
    let standard = standard["categories"].as_array().cloned().unwrap_or_default();
    assert!(standard.iter().any(|c| c["code"] == "voirie" && c["active"] == true), "{standard:?}");
    let voirie =
        stack.get_json(stack.http.get(stack.url(&format!("/api/v1/communes/{PARIS}/categories/voirie")))).await;
    assert_eq!(voirie["department"], "services techniques");
    let missing = stack.http.get(stack.url(&format!("/api/v1/communes/{PARIS}/categories/arbres"))).send().await;
    error(missing.expect("send"), StatusCode::NOT_FOUND, "not_found").await;
    let bad = stack.http.get(stack.url(&format!("/api/v1/communes/{PARIS}/categories/Arbres"))).send().await;
    assert_eq!(field(bad.expect("send")).await, "code");

    let url = stack.url(&format!("/api/v1/communes/{PARIS}/categories/arbres"));
    let put = |bearer: Option<String>, body: &Value| {
        let mut request = stack.http.put(&url).json(body);
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        request.send()
    };
    error(put(None, &trees()).await.expect("send"), StatusCode::UNAUTHORIZED, "unauthenticated").await;
    error(put(Some(stack.agent()), &trees()).await.expect("send"), StatusCode::FORBIDDEN, "permission_denied").await;
    let lyon_admin = stack.token(ADMIN, LYON, Role::CommuneAdmin);
    error(put(Some(lyon_admin), &trees()).await.expect("send"), StatusCode::FORBIDDEN, "permission_denied").await;
    let admin = stack.token(ADMIN, PARIS, Role::CommuneAdmin);
    let mut other_code = trees();
    other_code["code"] = json!("buissons");
    assert_eq!(field(put(Some(admin.clone()), &other_code).await.expect("send")).await, "code");
    let mut no_values = trees();
    no_values["attributes"][0]["values"] = json!([]);
    assert_eq!(field(put(Some(admin.clone()), &no_values).await.expect("send")).await, "attributes.values");
    let mut unnamed = trees();
    unnamed["name"] = json!("");
    assert_eq!(field(put(Some(admin.clone()), &unnamed).await.expect("send")).await, "name");
    let mut bad_type = trees();
    bad_type["attributes"][0]["datatype"] = json!("colour");
    assert_eq!(field(put(Some(admin.clone()), &bad_type).await.expect("send")).await, "attributes[0].datatype");

    let mut same_code = trees();
    same_code["code"] = json!("arbres");
    let response = put(Some(admin.clone()), &same_code).await.expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    let defined: Value = response.json().await.expect("JSON");
    assert_eq!((defined["code"].clone(), defined["active"].clone()), (json!("arbres"), json!(true)));
    assert_eq!(defined["attributes"][0]["datatype"], "single_value_list");
    assert_eq!(stack.get_json(stack.http.get(&url)).await, defined);
    let listed = stack.get_json(categories(PARIS, "")).await;
    assert_eq!(listed["categories"].as_array().map(Vec::len), Some(standard.len() + 1));
    // Another commune keeps its own set.
    let lyon = stack.get_json(categories(LYON, "")).await;
    assert!(!lyon.to_string().contains("arbres"));

    // Reports in it answer its question; the department follows the category.
    let mut body = report("arbres", "Branche cassée au-dessus du trottoir", HOTEL_DE_VILLE);
    let response = stack.http.post(stack.reports(PARIS)).bearer_auth(stack.resident(RESIDENT)).json(&body).send().await;
    assert_eq!(field(response.expect("send")).await, "attributes");
    body["attributes"] = json!([{ "code": "danger", "values": ["oui"] }]);
    let filed = stack.filed(RESIDENT, &body).await;
    assert_eq!(filed["attributes"], body["attributes"]);
    assert_eq!(filed["department"], "espaces verts");

    // Retired: not listed unless asked, no new reports.
    let mut retired = trees();
    retired["active"] = json!(false);
    assert_eq!(put(Some(admin), &retired).await.expect("send").status(), StatusCode::OK);
    let listed = stack.get_json(categories(PARIS, "")).await;
    assert_eq!(listed["categories"].as_array().map(Vec::len), Some(standard.len()));
    let all = stack.get_json(categories(PARIS, "?include_retired=true")).await;
    assert_eq!(all["categories"].as_array().map(Vec::len), Some(standard.len() + 1));
    assert_eq!(field(categories(PARIS, "?include_retired=maybe").send().await.expect("send")).await, "include_retired");
    let response = stack.http.post(stack.reports(PARIS)).bearer_auth(stack.resident(RESIDENT)).json(&body).send().await;
    assert_eq!(field(response.expect("send")).await, "category");
}

/// An `Idempotency-Key` first sent with another request gets no stranger's
/// result: reused on another report, for a note or a category, it is a 400
/// naming the header (it was a 500, or the other report's result), nothing
/// is written, and a true retry still answers the first result.
#[tokio::test]
async fn a_key_first_used_for_another_request_is_refused_not_answered() {
    let stack = stack().await;
    let filed = stack.filed(RESIDENT, &report("voirie", "Bouche d'égout descellée", HOTEL_DE_VILLE)).await;
    let post = |rest: &str, key: &str, body: Value| {
        stack
            .http
            .post(stack.report_url(&filed, rest))
            .bearer_auth(stack.agent())
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let acknowledged = post("/acknowledge", "key-ack-1", json!({ "message": "Vu." })).await.expect("send");
    assert_eq!(acknowledged.status(), StatusCode::OK);
    // The same key to acknowledge another report: not a retry (it was answered with the first report).
    let other = stack.filed(RESIDENT, &report("voirie", "Nid-de-poule avenue Foch", HOTEL_DE_VILLE)).await;
    let reused = stack
        .http
        .post(stack.report_url(&other, "/acknowledge"))
        .bearer_auth(stack.agent())
        .header("Idempotency-Key", "key-ack-1")
        .json(&json!({ "message": "Vu." }))
        .send()
        .await
        .expect("send");
    assert_eq!(field(reused).await, "Idempotency-Key");
    let unchanged = stack.get_json(stack.http.get(stack.report_url(&other, "")).bearer_auth(stack.agent())).await;
    assert_eq!(unchanged["status"], "new", "the other report is not acknowledged");
    let note = json!({ "text": "Plaque à commander." });
    let reused = post("/notes", "key-ack-1", note.clone()).await.expect("send");
    assert_eq!(field(reused).await, "Idempotency-Key");
    let notes = stack.get_json(stack.http.get(stack.report_url(&filed, "/notes")).bearer_auth(stack.agent())).await;
    assert_eq!(notes["notes"], json!([]), "no note was written");
    let first: Value = post("/notes", "key-note-1", note.clone()).await.expect("send").json().await.expect("JSON");
    let retried = post("/notes", "key-note-1", note).await.expect("send");
    assert_eq!(retried.status(), StatusCode::CREATED);
    assert_eq!(retried.json::<Value>().await.expect("JSON")["note_id"], first["note_id"]);

    let admin = stack.token(ADMIN, PARIS, Role::CommuneAdmin);
    let put = |code: &str, key: &str| {
        let mut body = trees();
        body["code"] = json!(code);
        stack
            .http
            .put(stack.url(&format!("/api/v1/communes/{PARIS}/categories/{code}")))
            .bearer_auth(admin.clone())
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    assert_eq!(put("arbres", "key-ack-1").await.expect("send").status(), StatusCode::BAD_REQUEST);
    let defined = put("arbres", "key-category-1").await.expect("send");
    assert_eq!(defined.status(), StatusCode::OK);
    assert_eq!(put("arbres", "key-category-1").await.expect("send").status(), StatusCode::OK, "a retry");
    let reused = put("haies", "key-category-1").await.expect("send");
    assert_eq!(field(reused).await, "Idempotency-Key");
    let missing = stack.http.get(stack.url(&format!("/api/v1/communes/{PARIS}/categories/haies"))).send().await;
    error(missing.expect("send"), StatusCode::NOT_FOUND, "not_found").await;
}
