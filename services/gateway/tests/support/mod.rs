//! The whole platform in one test process, for the security and escaping
//! tests: identity, reports, publications, dialogue, notifications (with its
//! intake) and transparency (its live projections), each on its own SQLite
//! database behind its real gRPC interceptor on 127.0.0.1:0, and the gateway
//! in front of them. Two communes: A (Paris, 75056) and B (Lyon, 69123).
//!
//! It also holds what those tests share: accounts and their bearer tokens,
//! integration clients, people signed in on the site through its form, and
//! the services' logs, read back to prove that a refused request stored
//! nothing. The site_*.rs tests, which assemble smaller platforms of their
//! own, use its gRPC server and its cookie and form helpers.

// Each test file compiles this module on its own and uses part of it.
#![allow(dead_code)]

pub mod html;

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use miroir_auth::Verifier;
use miroir_dialogue::api::{DialogueApi, PostingLimit};
use miroir_eventstore::EventStore;
use miroir_eventstore::feed::LocalFeed;
use miroir_gateway::{GatewayConfig, build};
use miroir_identity::api::IdentityApi;
use miroir_identity::{IdentityConfig, operator_cli};
use miroir_notifications::api::NotificationsApi;
use miroir_notifications::intake::Source;
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::dialogue::v1::dialogue_server::DialogueServer;
use miroir_proto::identity::v1::identity_server::IdentityServer;
use miroir_proto::notifications::v1::notifications_server::NotificationsServer;
use miroir_proto::publications::v1::publications_server::PublicationsServer;
use miroir_proto::reports::v1::reports_server::ReportsServer;
use miroir_proto::transparency::v1::transparency_server::TransparencyServer;
use miroir_publications::api::PublicationsApi;
use miroir_reports::api::{Links, ReportsApi};
use miroir_transparency::api::TransparencyApi;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub const A: &str = "75056";
pub const B: &str = "69123";
pub const PASSWORD: &str = "le chat dort au soleil";

/// The platform, stopped when dropped.
pub struct Platform {
    pub base: String,
    pub http: reqwest::Client,
    pub identity: miroir_identity::Identity,
    /// Every service's log, to read back what was stored.
    pub logs: Vec<(&'static str, EventStore)>,
    token: CancellationToken,
    _dbs: Vec<TestDatabase>,
}

impl Drop for Platform {
    fn drop(&mut self) {
        self.token.cancel();
    }
}

/// The gateway for `config` on 127.0.0.1:0 until `token` is cancelled; answers its base URL.
pub async fn serve_gateway(config: &GatewayConfig, token: &CancellationToken) -> String {
    let router = build(config, &Metrics::new("gateway").expect("metrics")).await.expect("gateway");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind HTTP");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let shutdown = token.clone();
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await
    });
    base
}

/// A gRPC server of `routes` on 127.0.0.1:0 until `token` is cancelled; answers its URL.
pub async fn serve_grpc(routes: tonic::service::Routes, token: &CancellationToken) -> String {
    let readiness = Readiness::new();
    readiness.register("test").set_ready(true);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind gRPC");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(miroir_platform::grpc::serve(
        listener,
        routes,
        miroir_proto::FILE_DESCRIPTOR_SET,
        readiness,
        token.clone(),
    ));
    url
}

async fn database(migrate: impl AsyncFnOnce(&miroir_platform::storage::Database)) -> TestDatabase {
    let db = TestDatabase::sqlite().await;
    migrate(&db.db).await;
    db
}

impl Platform {
    /// The platform with dialogue's posting limit of `posts` per account in ten minutes.
    pub async fn start(posts: u32) -> Platform {
        let token = CancellationToken::new();
        let identity_db = database(async |db| miroir_identity::migrate_database(db).await.expect("migrate")).await;
        let config = IdentityConfig { log_links: false, public_url: String::new() };
        let identity = miroir_identity::open(identity_db.db.clone(), config).await.expect("identity");
        for (insee, name, department) in [(A, "Paris", "75"), (B, "Lyon", "69")] {
            identity
                .register_commune(&operator_cli(), insee, name, department, &format!("Collectif {name}"), 7, "")
                .await
                .expect("commune");
        }
        let verifier = Verifier::from_jwks(&identity.jwks().await.expect("jwks")).expect("verifier");
        let authenticate = || miroir_auth::grpc::authenticate(verifier.clone());
        let identity_url = serve_grpc(
            tonic::service::Routes::new(IdentityServer::with_interceptor(
                IdentityApi::new(identity.clone()),
                authenticate(),
            )),
            &token,
        )
        .await;

        let reports_db = database(async |db| miroir_reports::migrate_database(db).await.expect("migrate")).await;
        let reports = miroir_reports::open(reports_db.db.clone()).await.expect("reports");
        let links = Links { public_url: String::new(), log_links: false, sink: None };
        let reports_url = serve_grpc(
            tonic::service::Routes::new(ReportsServer::with_interceptor(
                ReportsApi::new(reports.clone()).with_links(links),
                authenticate(),
            )),
            &token,
        )
        .await;

        let publications_db =
            database(async |db| miroir_publications::migrate_database(db).await.expect("migrate")).await;
        let publications = miroir_publications::open(publications_db.db.clone()).await.expect("publications");
        let publications_url = serve_grpc(
            tonic::service::Routes::new(PublicationsServer::with_interceptor(
                PublicationsApi::new(publications.clone()).with_attachments(miroir_objects::ObjectStore::in_memory()),
                authenticate(),
            )),
            &token,
        )
        .await;

        let dialogue_db = database(async |db| miroir_dialogue::migrate_database(db).await.expect("migrate")).await;
        let dialogue = miroir_dialogue::open(dialogue_db.db.clone()).await.expect("dialogue");
        let api = DialogueApi::new(dialogue.clone()).with_posting_limit(PostingLimit { posts, window_us: 600_000_000 });
        let dialogue_url =
            serve_grpc(tonic::service::Routes::new(DialogueServer::with_interceptor(api, authenticate())), &token)
                .await;

        // Notifications and transparency follow the four logs in-process, as `miroir up` runs them.
        let sources = Arc::new(LocalFeed::new([
            identity.store().clone(),
            reports.clone(),
            publications.clone(),
            dialogue.clone(),
        ]));
        let notifications_db =
            database(async |db| miroir_notifications::migrate_database(db).await.expect("migrate")).await;
        let notifications = miroir_notifications::open(notifications_db.db.clone()).await.expect("notifications");
        for source in Source::ALL {
            let (db, feed, token) = (notifications_db.db.clone(), sources.clone(), token.clone());
            tokio::spawn(
                async move { miroir_notifications::intake::follow(&db, feed.as_ref(), source, None, token).await },
            );
        }
        let notifications_url = serve_grpc(
            tonic::service::Routes::new(NotificationsServer::with_interceptor(
                NotificationsApi::new(notifications.clone()),
                authenticate(),
            )),
            &token,
        )
        .await;

        let transparency_db = database(async |db| {
            miroir_transparency::migrate_database(db).await.expect("migrate");
            miroir_transparency::ensure_projections(db).await.expect("projections");
        })
        .await;
        let (live_db, live_token, live_sources) = (transparency_db.db.clone(), token.clone(), sources.clone());
        tokio::spawn(async move { miroir_transparency::run_live(&live_db, live_sources.as_ref(), live_token).await });
        let transparency_url = serve_grpc(
            tonic::service::Routes::new(TransparencyServer::with_interceptor(
                TransparencyApi::with_cache(transparency_db.db.clone(), Duration::ZERO),
                authenticate(),
            )),
            &token,
        )
        .await;

        let config = GatewayConfig {
            reports_url,
            identity_url,
            publications_url,
            dialogue_url,
            notifications_url,
            transparency_url,
            // The tests are the proxy: their X-Forwarded-For picks the caller.
            trusted_proxies: miroir_gateway::client_address::TrustedProxies::parse("127.0.0.1").expect("loopback"),
        };
        let base = serve_gateway(&config, &token).await;
        let http = reqwest::Client::builder().redirect(Policy::none()).build().expect("client");
        let logs = vec![
            ("identity", identity.store().clone()),
            ("reports", reports),
            ("publications", publications),
            ("dialogue", dialogue),
            ("notifications", notifications),
        ];
        Platform {
            base,
            http,
            identity,
            logs,
            token,
            _dbs: vec![identity_db, reports_db, publications_db, dialogue_db, notifications_db, transparency_db],
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A new account of `commune` holding `roles` there (none: a resident), and its bearer token.
    pub async fn account(&self, email: &str, commune: &str, roles: &[&str]) -> Account {
        let account = self.identity.sign_up(email, PASSWORD, "Quelqu'un", commune, "").await.expect("account");
        for role in roles {
            self.identity
                .grant_role(&operator_cli(), &account.account_id, commune, role, "", "test", "")
                .await
                .expect("role");
        }
        let session = self.identity.login(email, PASSWORD, "127.0.0.1").await.expect("login");
        Account { id: account.account_id, email: email.to_owned(), bearer: session.access_token }
    }

    /// A bearer token of a new integration client of `commune` with every write scope.
    pub async fn client(&self, commune: &str) -> String {
        let scopes: Vec<String> =
            ["reports:read", "reports:write", "publications:write"].iter().map(|s| (*s).to_owned()).collect();
        let (client, secret) =
            self.identity.create_client(&operator_cli(), commune, "SIG", &scopes, "").await.expect("client");
        let form = format!("grant_type=client_credentials&client_id={}&client_secret={secret}", client.client_id);
        let response = self
            .http
            .post(self.url("/api/v1/auth/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .expect("token");
        assert_eq!(response.status(), StatusCode::OK, "client token");
        let token: Value = response.json().await.expect("JSON");
        token["access_token"].as_str().expect("access_token").to_owned()
    }

    /// A REST call as `bearer` (None: anonymous) with a JSON body (Null: none).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        bearer: Option<&str>,
        body: &Value,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, self.url(path));
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        if !body.is_null() {
            request = request.json(body);
        }
        let response = request.send().await.expect("REST call");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A REST call that must succeed: its JSON answer.
    pub async fn api(&self, method: reqwest::Method, path: &str, bearer: &str, body: Value) -> Value {
        let (status, answer) = self.call(method.clone(), path, Some(bearer), &body).await;
        assert!(status.is_success(), "{method} {path}: {status} {answer}");
        answer
    }

    /// Every event of every service's log, as (service, commune, event type), in log order.
    pub async fn events(&self) -> Vec<(String, String, String)> {
        let mut all = Vec::new();
        for (service, log) in &self.logs {
            let mut after = 0;
            loop {
                let page = log.read_log(after, 500).await.expect("read the log");
                let Some(last) = page.last() else { break };
                after = last.position;
                all.extend(page.into_iter().map(|e| ((*service).to_owned(), e.commune, e.event_type)));
            }
        }
        all
    }

    /// Someone new on the site, signed in through the sign-in form: an account of `commune` with `roles` there.
    pub async fn person(&self, email: &str, commune: &str, roles: &[&str]) -> Person {
        let account = self.account(email, commune, roles).await;
        let form = self.http.get(self.url("/compte/connexion")).send().await.expect("sign-in form");
        let mut jar = set_cookies(&form);
        let csrf = hidden(&form.text().await.expect("html"), "csrf");
        let signed_in = self
            .http
            .post(self.url("/compte/connexion"))
            .header("cookie", cookie_header(&jar))
            .form(&[("csrf", csrf.as_str()), ("email", email), ("password", PASSWORD)])
            .send()
            .await
            .expect("sign in");
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER, "sign-in as {email}");
        jar.extend(set_cookies(&signed_in));
        Person { cookies: cookie_header(&jar), csrf, account }
    }
}

/// The pages `who` (None: nobody signed in) reaches from `seeds` by following the site's links under
/// `prefixes`, and their forms that post. Downloads, other languages and sign-out are not followed.
pub async fn crawl(p: &Platform, who: Option<&Person>, seeds: &[String], prefixes: &[&str]) -> Crawled {
    let mut queue: std::collections::VecDeque<String> = seeds.iter().cloned().collect();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut per_path: BTreeMap<String, usize> = BTreeMap::new();
    let mut crawled = Crawled::default();
    while let Some(page) = queue.pop_front() {
        let path = page.split('?').next().unwrap_or(&page).to_owned();
        let skip = [".csv", ".json", ".jsonl", "/export", "/photos/", "/fichiers/", "lang=", "/static/"];
        if !seen.insert(page.clone()) || skip.iter().any(|s| page.contains(s)) || crawled.pages.len() >= 300 {
            continue;
        }
        // Filters and pages of one list are the same page: two of them are enough.
        let variants = per_path.entry(path).or_default();
        *variants += 1;
        if *variants > 2 {
            continue;
        }
        let mut request = p.http.get(p.url(&page));
        if let Some(who) = who {
            request = request.header("cookie", &who.cookies);
        }
        let response = request.send().await.expect("GET");
        let html_page = response
            .headers()
            .get("content-type")
            .is_some_and(|t| t.to_str().unwrap_or_default().starts_with("text/html"));
        if response.status() != StatusCode::OK || !html_page {
            continue;
        }
        let body = response.text().await.expect("html");
        crawled.forms.extend(html::forms(&page, &body).into_iter().filter(|f| f.method == "post"));
        for link in html::links(&page, &body) {
            if prefixes.iter().any(|prefix| link.starts_with(prefix)) {
                queue.push_back(link);
            }
        }
        crawled.pages.push((page, body));
    }
    crawled
}

/// What a crawl found: each page (path, HTML) and the forms that post.
#[derive(Debug, Default)]
pub struct Crawled {
    pub pages: Vec<(String, String)>,
    pub forms: Vec<html::Form>,
}

impl Crawled {
    pub fn paths(&self) -> Vec<String> {
        self.pages.iter().map(|(path, _)| path.clone()).collect()
    }
}

/// An account and its bearer token for the REST API.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub bearer: String,
}

/// Someone signed in on the site: the cookies of their browser and their CSRF token.
#[derive(Debug, Clone)]
pub struct Person {
    pub cookies: String,
    pub csrf: String,
    pub account: Account,
}

impl Person {
    pub async fn get(&self, platform: &Platform, path: &str) -> reqwest::Response {
        platform.http.get(platform.url(path)).header("cookie", &self.cookies).send().await.expect("GET")
    }

    /// A page that must answer 200.
    pub async fn html(&self, platform: &Platform, path: &str) -> String {
        let response = self.get(platform, path).await;
        let status = response.status();
        let html = response.text().await.expect("html");
        assert_eq!(status, StatusCode::OK, "GET {path}: {html}");
        html
    }

    /// A urlencoded post with the person's CSRF token first, then `fields`.
    pub async fn submit(&self, platform: &Platform, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        platform.http.post(platform.url(path)).header("cookie", &self.cookies).form(&all).send().await.expect("POST")
    }

    /// A post that must succeed with a redirection: where to.
    pub async fn done(&self, platform: &Platform, path: &str, fields: &[(&str, &str)]) -> String {
        let response = self.submit(platform, path, fields).await;
        let status = response.status();
        let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert_eq!(status, StatusCode::SEE_OTHER, "POST {path}: {}", response.text().await.unwrap_or_default());
        location
    }
}

/// The cookies a response sets, as they came (`name=value; flags`).
pub fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect()
}

/// A `Cookie` header from `Set-Cookie` values (emptied cookies left out).
pub fn cookie_header(set: &[String]) -> String {
    set.iter().filter_map(|c| c.split(';').next()).filter(|c| !c.ends_with('=')).collect::<Vec<_>>().join("; ")
}

/// The value of the first `name="{field}" value="…"` of a page.
pub fn hidden(html: &str, field: &str) -> String {
    let marker = format!("name=\"{field}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("a {field} field")) + marker.len();
    html[start..].split('"').next().unwrap_or_default().to_owned()
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

impl Part {
    pub fn text(name: &str, value: &str) -> Part {
        Part { name: name.to_owned(), filename: None, content_type: None, data: value.as_bytes().to_vec() }
    }

    pub fn json(name: &str, value: &Value) -> Part {
        Part {
            name: name.to_owned(),
            filename: None,
            content_type: Some("application/json".to_owned()),
            data: value.to_string().into_bytes(),
        }
    }

    pub fn file(name: &str, filename: &str, content_type: &str, data: &[u8]) -> Part {
        Part {
            name: name.to_owned(),
            filename: Some(filename.to_owned()),
            content_type: Some(content_type.to_owned()),
            data: data.to_vec(),
        }
    }
}

/// A `multipart/form-data` body as a browser sends it: its content type (with the boundary) and bytes.
pub fn multipart(parts: &[Part]) -> (String, Vec<u8>) {
    let boundary = "----miroir-security-4f1d9a";
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"", part.name).as_bytes(),
        );
        if let Some(filename) = &part.filename {
            // Quotes and line breaks cannot be in a quoted header parameter: percent-encoded, as browsers do.
            let quoted = filename.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A");
            body.extend_from_slice(b"; filename=\"");
            body.extend_from_slice(quoted.as_bytes());
            body.extend_from_slice(b"\"");
        }
        body.extend_from_slice(b"\r\n");
        if let Some(content_type) = &part.content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&part.data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A real JPEG photo (the gateway's test fixture).
pub const PHOTO: &[u8] = include_bytes!("../fixtures/photo.jpg");

/// A real one-page PDF (the publications service's own fixture).
pub const PDF: &[u8] = include_bytes!("../../../publications/tests/fixtures/deliberation.pdf");
