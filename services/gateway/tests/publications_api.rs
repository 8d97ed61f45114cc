//! The publications of the REST API end to end: the real publications
//! service on a throwaway SQLite database behind the gateway, both on
//! ephemeral ports, driven over HTTP with tokens signed by test keys. Every
//! JSON answer is checked against the OpenAPI document the gateway serves.

mod openapi_check;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use miroir_auth::role::Grant;
use miroir_auth::{Claims, Keys, Role};
use miroir_gateway::{GatewayConfig, build};
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::publications::v1::publications_server::PublicationsServer;
use miroir_publications::api::PublicationsApi;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

const PARIS: &str = "75056";
const LYON: &str = "69123";
const AGENT: &str = "0190c0de-0000-7000-8000-00000000a9e7";
const LYON_AGENT: &str = "0190c0de-0000-7000-8000-00000000a9e8";
const RESIDENT: &str = "0190c0de-0000-7000-8000-000000000001";
const MEMBER: &str = "0190c0de-0000-7000-8000-000000000002";

const COLLECTION: &str = "/api/v1/communes/{insee}/publications";
const ONE: &str = "/api/v1/communes/{insee}/publications/{publication_id}";
const PUBLISH: &str = "/api/v1/communes/{insee}/publications/{publication_id}/publish";
const AMEND: &str = "/api/v1/communes/{insee}/publications/{publication_id}/amend";
const ARCHIVE: &str = "/api/v1/communes/{insee}/publications/{publication_id}/archive";
const REVISIONS: &str = "/api/v1/communes/{insee}/publications/{publication_id}/revisions";
const ATTACHMENTS: &str = "/api/v1/communes/{insee}/publications/{publication_id}/attachments";
const ATTACHMENT: &str = "/api/v1/communes/{insee}/publications/{publication_id}/attachments/{attachment_id}";

/// A real one-page PDF (the publications service's own fixture).
const PDF: &[u8] = include_bytes!("../../publications/tests/fixtures/deliberation.pdf");

/// The service's contract: every RPC in it must have its REST operation.
const PUBLICATIONS_PROTO: &str = include_str!("../../../proto/miroir/publications/v1/publications.proto");

const HOUR_US: i64 = 3600 * 1_000_000;

/// The publications service and the gateway in front of it, stopped on drop.
struct Stack {
    base: String,
    http: reqwest::Client,
    keys: Keys,
    /// Moves the service's clock forward (microseconds).
    later_us: Arc<AtomicI64>,
    /// The OpenAPI document the gateway serves.
    document: Value,
    token: CancellationToken,
    _db: TestDatabase,
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.token.cancel();
    }
}

fn now_us() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as i64).unwrap_or_default()
}

async fn stack() -> Stack {
    let db = TestDatabase::sqlite().await;
    let keys = Keys::generate().expect("keys");
    let token = CancellationToken::new();
    miroir_publications::migrate_database(&db.db).await.expect("migrate");
    let store = miroir_publications::open(db.db.clone()).await.expect("open the log");
    let later_us = Arc::new(AtomicI64::new(0));
    let offset = later_us.clone();
    let api = PublicationsApi::new(store)
        .with_clock(Arc::new(move || now_us() + offset.load(Ordering::SeqCst)))
        .with_attachments(miroir_objects::ObjectStore::in_memory());
    let readiness = Readiness::new();
    readiness.register("test").set_ready(true);
    let service = tonic::service::interceptor::InterceptedService::new(
        PublicationsServer::new(api).max_decoding_message_size(32 * 1024 * 1024),
        miroir_auth::grpc::authenticate(keys.verifier()),
    );
    let grpc = TcpListener::bind("127.0.0.1:0").await.expect("bind gRPC");
    let publications_url = format!("http://{}", grpc.local_addr().expect("gRPC address"));
    tokio::spawn(miroir_platform::grpc::serve(
        grpc,
        tonic::service::Routes::new(service),
        miroir_proto::FILE_DESCRIPTOR_SET,
        readiness,
        token.clone(),
    ));

    let metrics = Metrics::new("gateway").expect("metrics");
    // The other services are never reached; their channels connect lazily.
    let config = GatewayConfig {
        reports_url: "http://127.0.0.1:9".to_owned(),
        identity_url: "http://127.0.0.1:9".to_owned(),
        publications_url,
        dialogue_url: "http://127.0.0.1:9".to_owned(),
        notifications_url: "http://127.0.0.1:9".to_owned(),
        transparency_url: "http://127.0.0.1:9".to_owned(),
        trusted_proxies: Default::default(),
    };
    let router = build(&config, &metrics).await.expect("gateway");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind HTTP");
    let base = format!("http://{}", listener.local_addr().expect("HTTP address"));
    tokio::spawn(miroir_platform::http::serve(listener, router, token.clone()));
    let http = reqwest::Client::new();
    let document = http.get(format!("{base}/api/openapi.json")).send().await.expect("send");
    let document = document.json().await.expect("OpenAPI JSON");
    Stack { base, http, keys, later_us, document, token, _db: db }
}

/// One request, named by its OpenAPI path template and the values of its
/// placeholders (in order).
#[derive(Default)]
struct Call<'a> {
    method: Method,
    template: &'a str,
    args: &'a [&'a str],
    query: &'a str,
    bearer: Option<&'a str>,
    body: Option<Value>,
    key: Option<&'a str>,
}

/// `template` with its `{…}` placeholders replaced by `args`, in order.
fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::new();
    let mut rest = template;
    let mut args = args.iter();
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e + 1);
        out.push_str(args.next().expect("an argument per placeholder"));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

impl Stack {
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

    fn agent(&self) -> String {
        self.token(AGENT, PARIS, Role::Agent)
    }

    fn member(&self) -> String {
        self.token(MEMBER, PARIS, Role::CollectiveMember)
    }

    /// Sends `call`; returns the status and the JSON body, checked against
    /// the operation's documented response for that status.
    async fn send(&self, call: Call<'_>) -> (StatusCode, Value, reqwest::header::HeaderMap) {
        let mut url = format!("{}{}", self.base, fill(call.template, call.args));
        if !call.query.is_empty() {
            url = format!("{url}?{}", call.query);
        }
        let mut request = self.http.request(call.method.clone(), url);
        if let Some(bearer) = call.bearer {
            request = request.bearer_auth(bearer);
        }
        if let Some(body) = &call.body {
            request = request.json(body);
        }
        if let Some(key) = call.key {
            request = request.header("Idempotency-Key", key);
        }
        let response = request.send().await.expect("send");
        let (status, headers) = (response.status(), response.headers().clone());
        let body: Value = response.json().await.expect("a JSON answer");
        let method = call.method.as_str().to_lowercase();
        openapi_check::assert_matches(&self.document, &method, call.template, status.as_u16(), &body);
        (status, body, headers)
    }

    async fn get(&self, template: &str, args: &[&str], query: &str, bearer: Option<&str>) -> (StatusCode, Value) {
        let (status, body, _) =
            self.send(Call { method: Method::GET, template, args, query, bearer, ..Default::default() }).await;
        (status, body)
    }

    async fn post(&self, template: &str, args: &[&str], bearer: Option<&str>, body: Value) -> (StatusCode, Value) {
        let (status, body, _) = self
            .send(Call { method: Method::POST, template, args, bearer, body: Some(body), ..Default::default() })
            .await;
        (status, body)
    }

    async fn patch(&self, template: &str, args: &[&str], bearer: Option<&str>, body: Value) -> (StatusCode, Value) {
        let (status, body, _) = self
            .send(Call { method: Method::PATCH, template, args, bearer, body: Some(body), ..Default::default() })
            .await;
        (status, body)
    }

    /// Creates a draft in Paris as `bearer`; returns it.
    async fn drafted(&self, bearer: &str, body: Value) -> Value {
        let (status, draft) = self.post(COLLECTION, &[PARIS], Some(bearer), body).await;
        assert_eq!(status, StatusCode::CREATED, "{draft}");
        draft
    }

    /// Publishes a Paris publication now, as `bearer`.
    async fn published(&self, bearer: &str, id: &str) -> Value {
        let (status, published) = self.post(PUBLISH, &[PARIS, id], Some(bearer), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{published}");
        published
    }

    /// Uploads a file to a Paris publication as `bearer` (a form with `file`
    /// named `filename`, and the text parts given); the answer is checked
    /// against the document.
    async fn upload(
        &self,
        id: &str,
        bearer: &str,
        filename: &str,
        content: &[u8],
        texts: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        self.upload_with_key(id, bearer, filename, content, texts, None).await
    }

    /// [`Stack::upload`] with an `Idempotency-Key`.
    async fn upload_with_key(
        &self,
        id: &str,
        bearer: &str,
        filename: &str,
        content: &[u8],
        texts: &[(&str, &str)],
        key: Option<&str>,
    ) -> (StatusCode, Value) {
        let boundary = "----miroir-test-boundary-a77ac4";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
        for (name, value) in texts {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let mut request = self
            .http
            .post(format!("{}{}", self.base, fill(ATTACHMENTS, &[PARIS, id])))
            .bearer_auth(bearer)
            .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
            .body(body);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        let response = request.send().await.expect("send");
        let status = response.status();
        let body: Value = response.json().await.expect("a JSON answer");
        openapi_check::assert_matches(&self.document, "post", ATTACHMENTS, status.as_u16(), &body);
        (status, body)
    }

    /// Downloads an attachment by its `url`: status, headers and bytes.
    async fn download(&self, url: &str, bearer: Option<&str>) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
        let mut request = self.http.get(format!("{}{url}", self.base));
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        let response = request.send().await.expect("send");
        let (status, headers) = (response.status(), response.headers().clone());
        (status, headers, response.bytes().await.expect("the body").to_vec())
    }

    /// The titles of the Paris publications `bearer` lists with `query`.
    async fn titles(&self, query: &str, bearer: Option<&str>) -> Vec<String> {
        let (status, page) = self.get(COLLECTION, &[PARIS], query, bearer).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        page["publications"]
            .as_array()
            .expect("publications")
            .iter()
            .filter_map(|p| p["title"].as_str().map(str::to_owned))
            .collect()
    }
}

fn id(publication: &Value) -> String {
    publication["publication_id"].as_str().expect("publication_id").to_owned()
}

fn project(title: &str) -> Value {
    json!({
        "space": "official",
        "kind": "project",
        "title": title,
        "body": "Les travaux commencent en mars.\nLa cantine reste ouverte.",
        "details": { "project": {
            "status": "in_progress",
            "budget_planned_cents": 120_000_000,
            "funding_sources": ["Commune", "Région"],
            "progress_percent": 10,
            "location": { "latitude": 48.8566, "longitude": 2.3522, "address": "Place de l'Hôtel de Ville" },
            "milestones": [{ "title": "Début des travaux", "date": "2026-03-02", "done": true }],
            "responsible_department": "services techniques",
        }},
    })
}

fn news(title: &str) -> Value {
    json!({ "space": "official", "kind": "news", "title": title, "body": "Une nouvelle." })
}

/// The first offending field of a 400.
fn field(status: StatusCode, body: &Value) -> String {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "invalid_argument", "{body}");
    body["error"]["field_violations"][0]["field"].as_str().unwrap_or_default().to_owned()
}

fn code(status: StatusCode, body: &Value, expected: StatusCode) -> String {
    assert_eq!(status, expected, "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    body["error"]["code"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_publication_goes_from_hidden_draft_to_readable_archive_with_public_revisions() {
    let stack = stack().await;
    let agent = stack.agent();
    let (status, draft, headers) = stack
        .send(Call {
            method: Method::POST,
            template: COLLECTION,
            args: &[PARIS],
            bearer: Some(&agent),
            body: Some(project("Rénovation de l'école")),
            ..Default::default()
        })
        .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    let id = id(&draft);
    assert_eq!(
        headers.get("location").and_then(|v| v.to_str().ok()),
        Some(format!("/api/v1/communes/{PARIS}/publications/{id}").as_str())
    );
    assert_eq!((draft["status"].as_str(), draft["space"].as_str()), (Some("draft"), Some("official")));
    assert_eq!(draft["commune"], PARIS);
    assert_eq!(draft["author"], AGENT);
    assert!(draft["published_at"].is_null());
    assert_eq!(draft["details"]["project"]["milestones"][0]["date"], "2026-03-02");
    assert_eq!(draft["details"]["project"]["status"], "in_progress");

    // Invisible to the public and to residents; listed for its space's writers.
    let resident = stack.token(RESIDENT, PARIS, Role::Resident);
    for bearer in [None, Some(resident.as_str()), Some(stack.member().as_str())] {
        let (status, body) = stack.get(ONE, &[PARIS, &id], "", bearer).await;
        assert_eq!(code(status, &body, StatusCode::NOT_FOUND), "not_found");
        assert!(stack.titles("", bearer).await.is_empty());
    }
    assert_eq!(stack.titles("status=draft", Some(&agent)).await, vec!["Rénovation de l'école"]);
    let (status, revisions) = stack.get(REVISIONS, &[PARIS, &id], "", None).await;
    assert_eq!(code(status, &revisions, StatusCode::NOT_FOUND), "not_found");

    // A partial rewrite keeps what it leaves out.
    let (status, rewritten) =
        stack.patch(ONE, &[PARIS, &id], Some(&agent), json!({"title": "École Jules-Ferry"})).await;
    assert_eq!(status, StatusCode::OK, "{rewritten}");
    assert_eq!(rewritten["title"], "École Jules-Ferry");
    assert_eq!(rewritten["body"], draft["body"]);
    assert_eq!(rewritten["details"], draft["details"]);

    let published = stack.published(&agent, &id).await;
    assert_eq!(published["status"], "published");
    assert!(published["published_at"].as_str().is_some_and(|at| at.ends_with('Z')), "{published}");
    assert_eq!(published["revision"], 0);
    let (status, public) = stack.get(ONE, &[PARIS, &id], "", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(public["title"], "École Jules-Ferry");
    assert_eq!(stack.titles("space=official&kind=project&status=published", None).await, vec!["École Jules-Ferry"]);
    assert!(stack.titles("space=citizen", None).await.is_empty());

    // Published: no more rewriting, nor publishing again.
    let (status, body) = stack.patch(ONE, &[PARIS, &id], Some(&agent), json!({"title": "Autre titre"})).await;
    assert_eq!(code(status, &body, StatusCode::CONFLICT), "failed_precondition");
    let (status, body) = stack.post(PUBLISH, &[PARIS, &id], Some(&agent), json!({})).await;
    assert_eq!(code(status, &body, StatusCode::CONFLICT), "failed_precondition");

    // An amendment: the summary is required, and it must change something.
    let (status, body) = stack.post(AMEND, &[PARIS, &id], Some(&agent), json!({"body": "x"})).await;
    assert_eq!(field(status, &body), "summary_of_change");
    let unchanged = json!({"summary_of_change": "Rien de neuf."});
    let (status, body) = stack.post(AMEND, &[PARIS, &id], Some(&agent), unchanged).await;
    assert_eq!(field(status, &body), "body");
    let mut details = draft["details"].clone();
    details["project"]["progress_percent"] = json!(40);
    let amendment = json!({
        "summary_of_change": "Calendrier décalé d'une semaine (intempéries).",
        "body": "Les travaux commencent en avril.\nLa cantine reste ouverte.",
        "details": details,
    });
    let (status, amended) = stack.post(AMEND, &[PARIS, &id], Some(&agent), amendment).await;
    assert_eq!(status, StatusCode::OK, "{amended}");
    assert_eq!((amended["revision"].as_u64(), amended["title"].as_str()), (Some(1), Some("École Jules-Ferry")));
    assert_eq!(amended["details"]["project"]["progress_percent"], 40);

    let (status, revisions) = stack.get(REVISIONS, &[PARIS, &id], "", None).await;
    assert_eq!(status, StatusCode::OK, "{revisions}");
    let revision = &revisions["revisions"][0];
    assert_eq!(revisions["revisions"].as_array().map(Vec::len), Some(1));
    assert_eq!(revision["revision"], 1);
    assert_eq!(revision["summary_of_change"], "Calendrier décalé d'une semaine (intempéries).");
    assert_eq!(revision["amended_by"], AGENT);
    assert_eq!(revision["previous_details"]["project"]["progress_percent"], 10);
    assert_eq!(revision["details"]["project"]["progress_percent"], 40);
    assert_eq!(
        revision["body_diff"],
        json!([
            {"op": "removed", "text": "Les travaux commencent en mars."},
            {"op": "added", "text": "Les travaux commencent en avril."},
            {"op": "kept", "text": "La cantine reste ouverte."},
        ])
    );

    // Archived with a public reason: still readable, not amended any more.
    let (status, body) = stack.post(ARCHIVE, &[PARIS, &id], Some(&agent), json!({"reason": "x"})).await;
    assert_eq!(field(status, &body), "reason");
    let reason = json!({"reason": "Projet remplacé par la délibération 2026-052."});
    let (status, archived) = stack.post(ARCHIVE, &[PARIS, &id], Some(&agent), reason.clone()).await;
    assert_eq!(status, StatusCode::OK, "{archived}");
    assert_eq!(archived["status"], "archived");
    assert!(archived["archived_at"].is_string());
    let (status, public) = stack.get(ONE, &[PARIS, &id], "", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(public["archived_reason"], "Projet remplacé par la délibération 2026-052.");
    assert_eq!(stack.titles("status=archived", None).await, vec!["École Jules-Ferry"]);
    let (status, body) = stack.post(ARCHIVE, &[PARIS, &id], Some(&agent), reason).await;
    assert_eq!(code(status, &body, StatusCode::CONFLICT), "failed_precondition");
    let again = json!({"summary_of_change": "Encore une fois.", "body": "Autre."});
    let (status, body) = stack.post(AMEND, &[PARIS, &id], Some(&agent), again).await;
    assert_eq!(code(status, &body, StatusCode::CONFLICT), "failed_precondition");
}

#[tokio::test]
async fn a_scheduled_publication_becomes_public_when_its_time_comes() {
    let stack = stack().await;
    let agent = stack.agent();
    let id = id(&stack.drafted(&agent, news("Fête de la musique")).await);

    // RFC 3339 with any offset; the past and other shapes are refused by name.
    let past = OffsetDateTime::now_utc() - time::Duration::hours(1);
    let past = past.format(&Rfc3339).expect("format");
    for bad in [json!({"publish_at": past}), json!({"publish_at": "demain"}), json!({"publish_at": "2026-06-21"})] {
        let (status, body) = stack.post(PUBLISH, &[PARIS, &id], Some(&agent), bad).await;
        assert_eq!(field(status, &body), "publish_at");
    }
    let offset = time::UtcOffset::from_hms(2, 0, 0).expect("offset");
    // Whole seconds: the service keeps microseconds, and the comparison below is exact.
    let at = (OffsetDateTime::now_utc() + time::Duration::hours(1)).replace_nanosecond(0).expect("whole second");
    let at = at.to_offset(offset);
    let at = at.format(&Rfc3339).expect("format");
    let (status, scheduled) = stack.post(PUBLISH, &[PARIS, &id], Some(&agent), json!({"publish_at": at})).await;
    assert_eq!(status, StatusCode::OK, "{scheduled}");
    assert_eq!(scheduled["status"], "scheduled");
    let published_at = scheduled["published_at"].as_str().expect("published_at");
    let parsed = |text: &str| OffsetDateTime::parse(text, &Rfc3339).expect("RFC 3339");
    assert_eq!(parsed(published_at), parsed(&at), "the time asked for, in UTC");
    assert!(published_at.ends_with('Z'), "{published_at}");

    let (status, body) = stack.get(ONE, &[PARIS, &id], "", None).await;
    assert_eq!(code(status, &body, StatusCode::NOT_FOUND), "not_found");
    assert!(stack.titles("", None).await.is_empty());
    assert_eq!(stack.titles("status=scheduled", Some(&agent)).await, vec!["Fête de la musique"]);

    stack.later_us.store(2 * HOUR_US, Ordering::SeqCst);
    let (status, public) = stack.get(ONE, &[PARIS, &id], "", None).await;
    assert_eq!(status, StatusCode::OK, "{public}");
    assert_eq!(public["status"], "published");
    assert_eq!(stack.titles("status=published", None).await, vec!["Fête de la musique"]);
}

#[tokio::test]
async fn each_space_is_written_by_its_own_people() {
    let stack = stack().await;
    let (agent, member) = (stack.agent(), stack.member());
    let resident = stack.token(RESIDENT, PARIS, Role::Resident);
    let post = json!({ "space": "citizen", "kind": "post", "title": "Vide-grenier du quartier", "body": "Dimanche." });

    // A resident writes in neither space; anonymously, nothing.
    for body in [news("Fermeture de la mairie"), post.clone()] {
        let (status, answer) = stack.post(COLLECTION, &[PARIS], Some(&resident), body.clone()).await;
        assert_eq!(code(status, &answer, StatusCode::FORBIDDEN), "permission_denied");
        let (status, answer) = stack.post(COLLECTION, &[PARIS], None, body).await;
        assert_eq!(code(status, &answer, StatusCode::UNAUTHORIZED), "unauthenticated");
    }
    let (status, answer) = stack.post(COLLECTION, &[PARIS], Some("not-a-token"), post.clone()).await;
    assert_eq!(code(status, &answer, StatusCode::UNAUTHORIZED), "unauthenticated");

    // The collective writes in the citizen space only; the town hall in the official space only.
    let (status, answer) = stack.post(COLLECTION, &[PARIS], Some(&member), news("Communiqué")).await;
    assert_eq!(code(status, &answer, StatusCode::FORBIDDEN), "permission_denied");
    let draft = stack.drafted(&member, post.clone()).await;
    assert_eq!(draft["space"], "citizen");
    let citizen_id = id(&draft);
    let (status, answer) = stack.get(ONE, &[PARIS, &citizen_id], "", Some(&agent)).await;
    assert_eq!(code(status, &answer, StatusCode::NOT_FOUND), "not_found", "the town hall sees no citizen draft");
    let (status, answer) = stack.post(PUBLISH, &[PARIS, &citizen_id], Some(&agent), json!({})).await;
    assert_eq!(code(status, &answer, StatusCode::FORBIDDEN), "permission_denied");
    let (status, answer) = stack.post(COLLECTION, &[PARIS], Some(&agent), post).await;
    assert_eq!(code(status, &answer, StatusCode::FORBIDDEN), "permission_denied");
    let mut official_post = json!({ "space": "official", "kind": "post", "title": "Billet", "body": "." });
    let (status, answer) = stack.post(COLLECTION, &[PARIS], Some(&agent), official_post.clone()).await;
    assert_eq!(field(status, &answer), "kind");
    official_post["kind"] = json!("tract");
    let (status, answer) = stack.post(COLLECTION, &[PARIS], Some(&agent), official_post).await;
    assert_eq!(field(status, &answer), "kind");
    let moderator = stack.token(MEMBER, PARIS, Role::CollectiveModerator);
    assert_eq!(stack.published(&moderator, &citizen_id).await["status"], "published");

    // A follow-up note follows a project the commune published.
    let project_id = id(&stack.drafted(&agent, project("Piste cyclable")).await);
    let follow_up = |project: &str| {
        json!({
            "space": "citizen", "kind": "follow_up", "title": "Où en est la piste ?", "body": "Photos du chantier.",
            "details": { "follow_up": { "project_publication_id": project } },
        })
    };
    let (status, answer) = stack.post(COLLECTION, &[PARIS], Some(&member), follow_up(&project_id)).await;
    assert_eq!(field(status, &answer), "details.follow_up.project_publication_id", "a draft is not public yet");
    stack.published(&agent, &project_id).await;
    let noted = stack.drafted(&member, follow_up(&project_id)).await;
    assert_eq!(noted["details"]["follow_up"]["project_publication_id"], project_id.as_str());
    let (status, answer) = stack
        .post(
            COLLECTION,
            &[PARIS],
            Some(&member),
            json!({
                "space": "citizen", "kind": "follow_up", "title": "Sans projet", "body": ".",
            }),
        )
        .await;
    assert_eq!(field(status, &answer), "details.follow_up");
}

#[tokio::test]
async fn a_lyon_agent_cannot_touch_paris_publications() {
    let stack = stack().await;
    let agent = stack.agent();
    let lyon = stack.token(LYON_AGENT, LYON, Role::Agent);
    let draft_id = id(&stack.drafted(&agent, news("Brouillon parisien")).await);
    let published_id = id(&stack.drafted(&agent, news("Publié à Paris")).await);
    stack.published(&agent, &published_id).await;

    let (status, answer) = stack.post(COLLECTION, &[PARIS], Some(&lyon), news("Intrus")).await;
    assert_eq!(code(status, &answer, StatusCode::FORBIDDEN), "permission_denied");
    let (status, answer) = stack.get(ONE, &[PARIS, &draft_id], "", Some(&lyon)).await;
    assert_eq!(code(status, &answer, StatusCode::NOT_FOUND), "not_found");
    assert_eq!(stack.titles("", Some(&lyon)).await, vec!["Publié à Paris"], "only what the public sees");
    let (status, answer) = stack.post(PUBLISH, &[PARIS, &draft_id], Some(&lyon), json!({})).await;
    assert_eq!(code(status, &answer, StatusCode::FORBIDDEN), "permission_denied");
    let amend = json!({"summary_of_change": "Modifié depuis Lyon.", "body": "Autre."});
    let (status, answer) = stack.post(AMEND, &[PARIS, &published_id], Some(&lyon), amend).await;
    assert_eq!(code(status, &answer, StatusCode::FORBIDDEN), "permission_denied");
    let reason = json!({"reason": "Archivé depuis Lyon."});
    let (status, answer) = stack.post(ARCHIVE, &[PARIS, &published_id], Some(&lyon), reason.clone()).await;
    assert_eq!(code(status, &answer, StatusCode::FORBIDDEN), "permission_denied");

    // Through Lyon's path, a Paris publication does not exist, even for Paris's agent.
    for bearer in [&lyon, &agent] {
        let (status, answer) = stack.get(ONE, &[LYON, &published_id], "", Some(bearer)).await;
        assert_eq!(code(status, &answer, StatusCode::NOT_FOUND), "not_found");
        let (status, answer) = stack.post(ARCHIVE, &[LYON, &published_id], Some(bearer), reason.clone()).await;
        assert_eq!(code(status, &answer, StatusCode::NOT_FOUND), "not_found");
    }
    let (status, answer) = stack.get(ONE, &[PARIS, &published_id], "", None).await;
    assert_eq!((status, answer["status"].as_str()), (StatusCode::OK, Some("published")));
}

#[tokio::test]
async fn bad_input_is_a_400_naming_the_field() {
    let stack = stack().await;
    let agent = stack.agent();
    let mut cases: Vec<(Value, &str)> = Vec::new();
    let mut no_title = news("x");
    no_title.as_object_mut().map(|o| o.remove("title"));
    cases.push((no_title, "title"));
    cases.push((news("ab"), "title"));
    let mut bad_space = news("Bonne nouvelle");
    bad_space["space"] = json!("mairie");
    cases.push((bad_space, "space"));
    let mut over = project("Piscine");
    over["details"]["project"]["progress_percent"] = json!(101);
    cases.push((over, "details.project.progress_percent"));
    let mut negative = project("Piscine");
    negative["details"]["project"]["progress_percent"] = json!(-1);
    cases.push((negative, "details.project.progress_percent"));
    let mut bad_date = project("Piscine");
    bad_date["details"]["project"]["milestones"][0]["date"] = json!("2026-02-30");
    cases.push((bad_date, "details.project.milestones[0].date"));
    let mut bad_status = project("Piscine");
    bad_status["details"]["project"]["status"] = json!("paused");
    cases.push((bad_status, "details.project.status"));
    let mut abandoned = project("Piscine");
    abandoned["details"]["project"]["status"] = json!("abandoned");
    cases.push((abandoned, "details.project.abandoned_reason"));
    let mut no_details = project("Piscine");
    no_details.as_object_mut().map(|o| o.remove("details"));
    cases.push((no_details, "details.project"));
    let mut budget = news("Budget 2026");
    budget["kind"] = json!("budget");
    budget["details"] = json!({"budget": {"year": 26, "lines": []}});
    cases.push((budget.clone(), "details.budget.year"));
    budget["details"] = json!({"budget": {"year": 2026, "lines": [{"label": " ", "amount_cents": 5}]}});
    cases.push((budget.clone(), "details.budget.lines[0].label"));
    let mut decision = news("Délibération");
    decision["kind"] = json!("decision");
    decision["details"] = json!({"decision": {"session_date": "2026-02-12", "number": "2026-041",
        "related_publication_ids": ["0190c0de-0000-7000-8000-0000000000ff"]}});
    cases.push((decision, "details.decision.related_publication_ids[0]"));
    for (body, expected) in cases {
        let (status, answer) = stack.post(COLLECTION, &[PARIS], Some(&agent), body.clone()).await;
        assert_eq!(field(status, &answer), expected, "{body}");
    }
    // A budget and a decision that are right pass, with their details.
    budget["details"] = json!({"budget": {"year": 2026, "lines": [{"label": "Voirie", "amount_cents": 250_000_000}]}});
    let drafted = stack.drafted(&agent, budget).await;
    assert_eq!(drafted["details"]["budget"]["lines"][0]["amount_cents"], 250_000_000);

    let (status, answer) = stack.get(ONE, &[PARIS, "not-an-id"], "", None).await;
    assert_eq!(field(status, &answer), "publication_id");
    let (status, answer) = stack.get(COLLECTION, &["750"], "", None).await;
    assert_eq!(field(status, &answer), "insee");
    for (query, expected) in [
        ("status=pending", "status"),
        ("space=mairie", "space"),
        ("kind=tract", "kind"),
        ("page_size=lots", "page_size"),
        ("page_size=500", "page_size"),
        ("page_token=garbage", "page_token"),
    ] {
        let (status, answer) = stack.get(COLLECTION, &[PARIS], query, None).await;
        assert_eq!(field(status, &answer), expected, "{query}");
    }
    let response = stack
        .http
        .post(format!("{}{}", stack.base, fill(COLLECTION, &[PARIS])))
        .bearer_auth(&agent)
        .body("{}")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn a_retried_creation_with_the_same_key_answers_the_first_draft() {
    let stack = stack().await;
    let agent = stack.agent();
    let create = |title: &'static str| Call {
        method: Method::POST,
        template: COLLECTION,
        args: &[PARIS],
        bearer: Some(&agent),
        body: Some(news(title)),
        key: Some("draft-7f3a"),
        ..Default::default()
    };
    let (status, first, _) = stack.send(create("Marché de Noël")).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, again, _) = stack.send(create("Marché de Noël")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(id(&again), id(&first));
    assert_eq!(stack.titles("status=draft", Some(&agent)).await.len(), 1);

    // Pages walk the list once each, newest first.
    for title in ["Un", "Deux", "Trois"] {
        let id = id(&stack.drafted(&agent, news(&format!("Nouvelle {title}"))).await);
        stack.published(&agent, &id).await;
    }
    let (status, page) = stack.get(COLLECTION, &[PARIS], "page_size=2", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["publications"].as_array().map(Vec::len), Some(2));
    let token = page["next_page_token"].as_str().expect("a next page").to_owned();
    let (status, next) = stack.get(COLLECTION, &[PARIS], &format!("page_size=2&page_token={token}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(next["publications"][0]["title"], "Nouvelle Un");
    assert!(next["next_page_token"].is_null());
    let (status, answer) =
        stack.get(COLLECTION, &[PARIS], &format!("page_size=2&page_token={token}&kind=news"), None).await;
    assert_eq!(field(status, &answer), "page_token", "a token is only for its filters");
}

#[tokio::test]
async fn the_openapi_document_describes_every_publications_path() {
    let stack = stack().await;
    let paths = &stack.document["paths"];
    // One operation per RPC of miroir.publications.v1.Publications.
    let operations = [
        (COLLECTION, "post", "create_publication_draft"),
        (ONE, "patch", "update_publication_draft"),
        (PUBLISH, "post", "publish_publication"),
        (AMEND, "post", "amend_publication"),
        (ARCHIVE, "post", "archive_publication"),
        (ONE, "get", "get_publication"),
        (COLLECTION, "get", "list_publications"),
        (REVISIONS, "get", "list_publication_revisions"),
        (ATTACHMENTS, "post", "add_publication_attachment"),
        (ATTACHMENT, "delete", "remove_publication_attachment"),
        (ATTACHMENT, "get", "get_publication_attachment"),
    ];
    let rpc_count = PUBLICATIONS_PROTO.lines().filter(|line| line.trim_start().starts_with("rpc ")).count();
    assert_eq!(operations.len(), rpc_count, "every RPC of the publications service has its REST operation");
    for (path, method, id) in operations {
        let operation = &paths[path][method];
        assert_eq!(operation["operationId"], id, "{method} {path}");
        assert_eq!(operation["tags"], json!(["publications"]), "{method} {path}");
    }
    let filters: Vec<&str> = paths[COLLECTION]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for filter in ["space", "kind", "status", "q", "page_size", "page_token"] {
        assert!(filters.contains(&filter), "{filter} not in {filters:?}");
    }
    let schemas = &stack.document["components"]["schemas"];
    let statuses = &schemas["PublicationStatus"]["enum"];
    assert_eq!(statuses, &json!(["draft", "scheduled", "published", "archived"]));
    for schema in ["ProjectDetails", "DecisionDetails", "BudgetDetails", "FollowUpDetails", "Revision", "DiffLine"] {
        assert!(schemas[schema].is_object(), "schema {schema} missing");
    }
    // The checker itself notices an answer that strays from the document.
    let stray = json!({"publications": [], "next_page_token": null, "total": 3});
    assert!(!openapi_check::response_errors(&stack.document, "get", COLLECTION, 200, &stray).is_empty());
    let wrong = json!({"publications": [{"title": 3}], "next_page_token": null});
    assert!(!openapi_check::response_errors(&stack.document, "get", COLLECTION, 200, &wrong).is_empty());
    let undocumented = json!({"error": {"code": "x", "message": "y", "field_violations": []}});
    assert!(!openapi_check::response_errors(&stack.document, "get", COLLECTION, 418, &undocumented).is_empty());
}

#[tokio::test]
async fn publications_are_found_by_their_words_without_accents() {
    let stack = stack().await;
    let agent = stack.agent();
    for title in ["Rénovation de l'école Jaurès", "Fête du quartier", "Nouvelle école maternelle"] {
        let id = id(&stack.drafted(&agent, news(title)).await);
        stack.published(&agent, &id).await;
    }
    stack.drafted(&agent, news("École brouillon")).await;

    assert_eq!(stack.titles("q=ecole", None).await, ["Nouvelle école maternelle", "Rénovation de l'école Jaurès"]);
    assert_eq!(stack.titles("q=ECOLE%20renov", None).await, ["Rénovation de l'école Jaurès"], "all words, starts");
    assert_eq!(stack.titles("q=ecole%20fete", None).await, Vec::<String>::new());
    assert!(stack.titles("q=ecole&status=draft", Some(&agent)).await == ["École brouillon"], "filters combine");
    assert_eq!(stack.titles("q=", None).await.len(), 3, "an empty q filters nothing");
    let (status, body) = stack.get(COLLECTION, &[PARIS], &format!("q={}", "a".repeat(201)), None).await;
    assert_eq!(field(status, &body), "q");
}

#[tokio::test]
async fn a_pdf_is_attached_to_a_draft_then_downloaded_as_it_was_sent() {
    let stack = stack().await;
    let agent = stack.agent();
    let draft = id(&stack.drafted(&agent, news("Conseil municipal du 12 mars")).await);

    let (status, added) =
        stack.upload(&draft, &agent, "Délibération n°51.pdf", PDF, &[("alt_text", "La délibération signée")]).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let attachment = &added["attachment"];
    assert_eq!(attachment["media_type"], "application/pdf");
    assert_eq!(attachment["size_bytes"], json!(PDF.len()));
    assert_eq!(attachment["alt_text"], "La délibération signée");
    assert_eq!(attachment["sha256"].as_str().map(str::len), Some(64));
    assert_eq!(added["publication"]["attachments"][0], *attachment);
    let url = attachment["url"].as_str().expect("url").to_owned();
    let display_name = attachment["display_name"].as_str().expect("display_name").to_owned();
    assert!(display_name.starts_with("Délibération") && display_name.ends_with(".pdf"), "{display_name}");

    // A draft's file: its writers only, never cached.
    let (status, _, _) = stack.download(&url, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = stack.download(&url, Some(&stack.token(RESIDENT, PARIS, Role::Resident))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, headers, bytes) = stack.download(&url, Some(&agent)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, PDF);
    assert_eq!(headers["cache-control"], "private, no-store");

    // Published: anyone downloads the very bytes, as a download, never sniffed or run.
    stack.published(&agent, &draft).await;
    let (status, headers, bytes) = stack.download(&url, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, PDF, "byte-identical");
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["content-security-policy"], "default-src 'none'; sandbox");
    let disposition = headers["content-disposition"].to_str().expect("ASCII");
    assert!(disposition.starts_with("attachment; filename*=UTF-8''D%C3%A9lib%C3%A9ration"), "{disposition}");
    assert!(disposition.ends_with(".pdf") && disposition.matches(' ').count() == 1, "{disposition}");
    let (_, publication) = stack.get(ONE, &[PARIS, &draft], "", None).await;
    assert_eq!(publication["attachments"][0]["url"], url.as_str());

    // Adding to a published item is a public revision: it needs its summary.
    let (status, body) = stack.upload(&draft, &agent, "annexe.pdf", PDF, &[]).await;
    assert_eq!(field(status, &body), "summary_of_change");
    let (status, added) = stack
        .upload(&draft, &agent, "annexe.pdf", PDF, &[("summary_of_change", "Ajout de l'annexe budgétaire.")])
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["publication"]["revision"], 1);
    assert_eq!(added["publication"]["attachments"].as_array().map(Vec::len), Some(2));

    // A published item's file is not deleted but amended away, and stays readable.
    let first = added["publication"]["attachments"][0]["attachment_id"].as_str().expect("id").to_owned();
    let (status, body, _) = stack
        .send(Call {
            method: Method::DELETE,
            template: ATTACHMENT,
            args: &[PARIS, &draft, &first],
            bearer: Some(&agent),
            ..Default::default()
        })
        .await;
    assert_eq!(code(status, &body, StatusCode::CONFLICT), "failed_precondition");
    let (status, amended) = stack
        .post(
            AMEND,
            &[PARIS, &draft],
            Some(&agent),
            json!({ "summary_of_change": "Délibération remplacée.", "remove_attachment_ids": [first] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{amended}");
    assert_eq!(amended["attachments"].as_array().map(Vec::len), Some(1));
    assert_eq!(amended["revision"], 2);
    let (status, _, bytes) = stack.download(&url, None).await;
    assert_eq!((status, bytes.len()), (StatusCode::OK, PDF.len()), "kept in the history");
}

#[tokio::test]
async fn attachments_are_refused_when_not_what_they_claim_or_not_the_senders_to_add() {
    let stack = stack().await;
    let agent = stack.agent();
    let draft = id(&stack.drafted(&agent, news("Réunion publique")).await);

    let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>";
    let (status, body) = stack.upload(&draft, &agent, "deliberation.pdf", html, &[]).await;
    assert_eq!(field(status, &body), "file", "an HTML page named .pdf is no PDF");
    let (status, body) = stack.upload(&draft, &agent, "vide.pdf", b"", &[]).await;
    assert_eq!(field(status, &body), "file");
    let (status, body) = stack.upload(&draft, &stack.token(RESIDENT, PARIS, Role::Resident), "d.pdf", PDF, &[]).await;
    assert_eq!(code(status, &body, StatusCode::FORBIDDEN), "permission_denied");
    let (status, body) = stack.upload(&draft, &stack.member(), "d.pdf", PDF, &[]).await;
    assert_eq!(code(status, &body, StatusCode::FORBIDDEN), "permission_denied", "the citizen space's writers");
    let lyon = stack.token(LYON_AGENT, LYON, Role::Agent);
    let (status, _) = stack.upload(&draft, &lyon, "d.pdf", PDF, &[]).await;
    assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND, "{status}");

    // A draft's file is taken off outright, and is then gone.
    let (status, added) = stack.upload(&draft, &agent, "d.pdf", PDF, &[]).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let attachment = added["attachment"]["attachment_id"].as_str().expect("id").to_owned();
    let (status, body, _) = stack
        .send(Call {
            method: Method::DELETE,
            template: ATTACHMENT,
            args: &[PARIS, &draft, &attachment],
            bearer: Some(&stack.member()),
            ..Default::default()
        })
        .await;
    assert_eq!(code(status, &body, StatusCode::FORBIDDEN), "permission_denied");
    let (status, publication, _) = stack
        .send(Call {
            method: Method::DELETE,
            template: ATTACHMENT,
            args: &[PARIS, &draft, &attachment],
            bearer: Some(&agent),
            ..Default::default()
        })
        .await;
    assert_eq!(status, StatusCode::OK, "{publication}");
    assert_eq!(publication["attachments"], json!([]));
    let (status, _, _) = stack.download(added["attachment"]["url"].as_str().expect("url"), Some(&agent)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = stack.download(&fill(ATTACHMENT, &[PARIS, &draft, "not-a-uuid"]), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// An `Idempotency-Key` first sent with another request (here: a publish)
/// gets no stranger's result when reused for an upload: a 400 naming the
/// header, and the file is not added; a true retry answers the first upload.
#[tokio::test]
async fn a_key_first_used_for_another_request_is_refused_for_an_upload() {
    let stack = stack().await;
    let agent = stack.agent();
    let draft = id(&stack.drafted(&agent, news("Travaux rue Oberkampf")).await);
    let (status, _, _) = stack
        .send(Call {
            method: Method::POST,
            template: PUBLISH,
            args: &[PARIS, &draft],
            bearer: Some(&agent),
            body: Some(json!({})),
            key: Some("key-publish-1"),
            ..Default::default()
        })
        .await;
    assert_eq!(status, StatusCode::OK);

    let alt = [("alt_text", "Le plan des travaux"), ("summary_of_change", "Ajout du plan des travaux.")];
    let (status, refused) = stack.upload_with_key(&draft, &agent, "plan.pdf", PDF, &alt, Some("key-publish-1")).await;
    assert_eq!(field(status, &refused), "Idempotency-Key");
    let (status, publication) = stack.get(ONE, &[PARIS, &draft], "", Some(&agent)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(publication["attachments"], json!([]), "nothing was added");

    let (status, added) = stack.upload_with_key(&draft, &agent, "plan.pdf", PDF, &alt, Some("key-upload-1")).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let (status, again) = stack.upload_with_key(&draft, &agent, "plan.pdf", PDF, &alt, Some("key-upload-1")).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(again["attachment"]["attachment_id"], added["attachment"]["attachment_id"]);
    assert_eq!(again["publication"]["attachments"].as_array().map(Vec::len), Some(1));
}

/// A list filter left empty (as a form sends it) filters nothing, and the
/// document says `""` is allowed; an amendment's `title` and `body` may be
/// null (kept), as the document says.
#[tokio::test]
async fn empty_filters_and_null_amendments_are_what_the_document_says() {
    let stack = stack().await;
    let agent = stack.agent();
    let first = id(&stack.drafted(&agent, news("Fête de quartier")).await);
    stack.published(&agent, &first).await;
    assert_eq!(stack.titles("space=&status=&kind=", None).await, ["Fête de quartier"]);
    let (status, body) = stack.get(COLLECTION, &[PARIS], "space=mairie", None).await;
    assert_eq!(field(status, &body), "space");
    let parameters = stack.document["paths"][COLLECTION]["get"]["parameters"].as_array().cloned().unwrap_or_default();
    for name in ["space", "kind", "status"] {
        let parameter = parameters.iter().find(|p| p["name"] == name).expect("documented");
        let values = parameter["schema"]["enum"].as_array().cloned().unwrap_or_default();
        assert!(values.contains(&json!("")) && values.len() > 1, "{name}: {parameter}");
    }

    let (status, amended) = stack
        .post(
            AMEND,
            &[PARIS, &first],
            Some(&agent),
            json!({ "summary_of_change": "Horaires précisés.",
            "title": null, "body": "De 14 h à 18 h." }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{amended}");
    assert_eq!(
        (amended["title"].clone(), amended["body"].clone()),
        (json!("Fête de quartier"), json!("De 14 h à 18 h."))
    );
    let title = &stack.document["components"]["schemas"]["AmendPublication"]["properties"]["title"];
    assert_eq!(title["type"], json!(["string", "null"]), "{title}");
    assert!(title["maxLength"].is_number(), "the text's rules stay: {title}");
}
