//! The identity REST API end to end: the real identity gRPC service (on
//! SQLite) behind the gateway, both served on ephemeral ports, driven over
//! HTTP. Each test starts its own stack and database.
//!
//! The gateway is served with `ConnectInfo<SocketAddr>`, so that a login
//! without `X-Forwarded-For` is rate-limited by its socket address.

use std::net::SocketAddr;

use miroir_auth::{Principal, Verifier};
use miroir_gateway::{GatewayConfig, build};
use miroir_identity::api::IdentityApi;
use miroir_identity::{Identity, IdentityConfig, operator_cli};
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::identity::v1::identity_server::IdentityServer;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

const RENNES: &str = "35238";
const PASSWORD: &str = "le chat dort au soleil";
const FORM: &str = "application/x-www-form-urlencoded";

/// The identity service and the gateway in front of it, stopped on drop.
struct Stack {
    base: String,
    http: reqwest::Client,
    /// The service itself, to set up what only the operator's command line
    /// does (the first operator).
    identity: Identity,
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
    let token = CancellationToken::new();
    miroir_identity::migrate_database(&db.db).await.expect("migrate");
    let config = IdentityConfig { log_links: false, public_url: "http://127.0.0.1:8080".into() };
    let identity = miroir_identity::open(db.db.clone(), config).await.expect("open identity");
    // The service verifies the tokens it signs with its own published keys.
    let verifier = Verifier::from_jwks(&identity.jwks().await.expect("jwks")).expect("verifier");
    let readiness = Readiness::new();
    readiness.register("test").set_ready(true);
    let routes = tonic::service::Routes::new(IdentityServer::with_interceptor(
        IdentityApi::new(identity.clone()),
        miroir_auth::grpc::authenticate(verifier),
    ));
    let grpc = TcpListener::bind("127.0.0.1:0").await.expect("bind gRPC");
    let identity_url = format!("http://{}", grpc.local_addr().expect("gRPC address"));
    let served =
        miroir_platform::grpc::serve(grpc, routes, miroir_proto::FILE_DESCRIPTOR_SET, readiness, token.clone());
    tokio::spawn(served);

    let metrics = Metrics::new("gateway").expect("metrics");
    // These tests never reach the reports service; its channel connects lazily.
    let config = GatewayConfig {
        reports_url: "http://127.0.0.1:9".into(),
        identity_url,
        publications_url: "http://127.0.0.1:9".to_owned(),
        dialogue_url: "http://127.0.0.1:9".to_owned(),
        notifications_url: "http://127.0.0.1:9".to_owned(),
        transparency_url: "http://127.0.0.1:9".to_owned(),
        // The tests are the proxy: their X-Forwarded-For picks the caller.
        trusted_proxies: miroir_gateway::client_address::TrustedProxies::parse("127.0.0.1").expect("loopback"),
    };
    let router = build(&config, &metrics).await.expect("gateway");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind HTTP");
    let base = format!("http://{}", listener.local_addr().expect("HTTP address"));
    let shutdown = token.clone();
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await
    });
    Stack { base, http: reqwest::Client::new(), identity, token, _db: db }
}

impl Stack {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        bearer: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self.http.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(body);
        }
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        request.send().await.expect("send")
    }

    async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.send(reqwest::Method::POST, path, Some(body), None).await
    }

    async fn get(&self, path: &str, bearer: Option<&str>) -> reqwest::Response {
        self.send(reqwest::Method::GET, path, None, bearer).await
    }

    async fn sign_up(&self, email: &str) -> reqwest::Response {
        self.post("/api/v1/auth/signup", &json!({ "email": email, "password": PASSWORD, "display_name": "Anne" })).await
    }

    /// Signs up `email` and returns the account.
    async fn account(&self, email: &str) -> Value {
        let response = self.sign_up(email).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.expect("JSON");
        body["account"].clone()
    }

    async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post("/api/v1/auth/login", &json!({ "email": email, "password": password })).await
    }

    /// Logs `email` in and returns the token response.
    async fn tokens(&self, email: &str) -> Value {
        let response = self.login(email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("JSON")
    }

    /// An access token of a new account holding `role` in Rennes (Rennes is
    /// registered first if it is not yet), or the operator role.
    async fn token_with_role(&self, email: &str, role: &str) -> String {
        let account = self.account(email).await;
        let account_id = account["account_id"].as_str().expect("account_id");
        if self.identity.get_commune(RENNES).await.is_err() {
            self.identity
                .register_commune(&operator_cli(), RENNES, "Rennes", "35", "Collectif Rennes", 7, "")
                .await
                .expect("register Rennes");
        }
        self.identity.grant_role(&operator_cli(), account_id, RENNES, role, "", "test", "").await.expect("grant");
        self.tokens(email).await["access_token"].as_str().expect("access_token").to_owned()
    }

    /// Asks the token endpoint with a raw form body and optional Basic credentials.
    async fn client_token(&self, form: &str, basic: Option<(&str, &str)>) -> reqwest::Response {
        let mut request =
            self.http.post(self.url("/api/v1/auth/token")).header("content-type", FORM).body(form.to_owned());
        if let Some((id, secret)) = basic {
            request = request.basic_auth(id, Some(secret));
        }
        request.send().await.expect("send")
    }
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// Checks the status and the JSON error body; returns the body.
async fn error(response: reqwest::Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(header(&response, "content-type").as_deref(), Some("application/json"));
    let body: Value = response.json().await.expect("error JSON");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert!(body["error"]["field_violations"].is_array(), "{body}");
    body
}

/// Checks an RFC 6749 §5.2 error of the token endpoint.
async fn oauth_error(response: reqwest::Response, status: StatusCode, code: &str) {
    assert_eq!(response.status(), status);
    assert_eq!(header(&response, "cache-control").as_deref(), Some("no-store"));
    let body: Value = response.json().await.expect("error JSON");
    assert_eq!(body["error"], code, "{body}");
    assert!(body["error_description"].as_str().is_some_and(|d| !d.is_empty()), "{body}");
    assert_eq!(body.as_object().map(|o| o.len()), Some(2), "{body}");
}

#[tokio::test]
async fn sign_up_then_log_in_and_read_the_account() {
    let stack = stack().await;
    let response = stack.sign_up("anne@example.fr").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(header(&response, "cache-control").as_deref(), Some("no-store"));
    assert_eq!(header(&response, "x-content-type-options").as_deref(), Some("nosniff"));
    let body: Value = response.json().await.expect("JSON");
    let account = &body["account"];
    let account_id = account["account_id"].as_str().expect("account_id").to_owned();
    assert_eq!(account["name"], format!("accounts/{account_id}"));
    assert_eq!(account["email"], "anne@example.fr");
    assert_eq!(account["display_name"], "Anne");
    assert_eq!(account["email_verified"], false);
    assert!(account["created_at"].as_str().is_some_and(|t| t.ends_with('Z') && t.contains('T')), "{account}");

    let response = stack.login("anne@example.fr", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "cache-control").as_deref(), Some("no-store"));
    let tokens: Value = response.json().await.expect("JSON");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["account_id"], account_id.as_str());
    assert!(tokens["expires_in"].as_i64().is_some_and(|s| s > 0), "{tokens}");
    assert!(tokens["refresh_token"].as_str().is_some_and(|t| !t.is_empty()), "{tokens}");
    let access = tokens["access_token"].as_str().expect("access_token");

    let response = stack.get("/api/v1/me", Some(access)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "cache-control").as_deref(), Some("no-store"));
    let me: Value = response.json().await.expect("JSON");
    assert_eq!(me, *account);

    let response = stack
        .send(reqwest::Method::PATCH, "/api/v1/me", Some(&json!({ "display_name": "Anne B." })), Some(access))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.expect("JSON");
    assert_eq!(me["display_name"], "Anne B.");

    let response = stack.get("/api/v1/me", None).await;
    assert_eq!(header(&response, "www-authenticate").as_deref(), Some("Bearer"));
    error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    error(stack.get("/api/v1/me", Some("not-a-token")).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn sign_up_refuses_a_taken_address_and_a_weak_password() {
    let stack = stack().await;
    stack.account("anne@example.fr").await;
    // The same address, written differently.
    let response = stack.sign_up("Anne@Example.fr").await;
    error(response, StatusCode::CONFLICT, "already_exists").await;

    let response = stack
        .post(
            "/api/v1/auth/signup",
            &json!({ "email": "bob@example.fr", "password": "azertyuiop", "display_name": "Bob" }),
        )
        .await;
    let body = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(body["error"]["field_violations"][0]["field"], "password", "{body}");
    // The password never comes back.
    assert!(!body.to_string().contains("azertyuiop"), "{body}");

    let response = stack
        .post("/api/v1/auth/signup", &json!({ "email": "not an address", "password": PASSWORD, "display_name": "Bob" }))
        .await;
    let body = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(body["error"]["field_violations"][0]["field"], "email", "{body}");
    // A field missing from the JSON is named by the gateway.
    let response =
        stack.post("/api/v1/auth/signup", &json!({ "email": "bob@example.fr", "display_name": "Bob" })).await;
    let body = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(body["error"]["field_violations"][0]["field"], "password", "{body}");
    // An unknown commune.
    let response = stack
        .post(
            "/api/v1/auth/signup",
            &json!({ "email": "bob@example.fr", "password": PASSWORD, "display_name": "Bob", "commune": "75056" }),
        )
        .await;
    let body = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(body["error"]["field_violations"][0]["field"], "commune", "{body}");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_answer() {
    let stack = stack().await;
    stack.account("anne@example.fr").await;
    let wrong_password = error(
        stack.login("anne@example.fr", "pas le bon mot de passe").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    let unknown =
        error(stack.login("nobody@example.fr", PASSWORD).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_eq!(wrong_password, unknown);
}

#[tokio::test]
async fn repeated_failures_are_rate_limited_with_retry_after() {
    let stack = stack().await;
    stack.account("anne@example.fr").await;
    let mut limited = None;
    for _ in 0..10 {
        let response = stack.login("anne@example.fr", "pas le bon mot de passe").await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(response);
            break;
        }
        error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    }
    let limited = limited.expect("rate-limited after a few failures");
    let retry_after: u64 =
        header(&limited, "retry-after").and_then(|v| v.parse().ok()).expect("Retry-After in seconds");
    assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
    error(limited, StatusCode::TOO_MANY_REQUESTS, "resource_exhausted").await;
    // Even the right password waits.
    let response = stack.login("anne@example.fr", PASSWORD).await;
    error(response, StatusCode::TOO_MANY_REQUESTS, "resource_exhausted").await;
}

#[tokio::test]
async fn logins_are_limited_per_client_address_forwarded_or_not() {
    let stack = stack().await;
    let attempt = |n: usize, forwarded_for: Option<&'static str>| {
        let mut request = stack
            .http
            .post(stack.url("/api/v1/auth/login"))
            .json(&json!({ "email": format!("nobody{n}@example.fr"), "password": PASSWORD }));
        if let Some(address) = forwarded_for {
            request = request.header("x-forwarded-for", address);
        }
        request.send()
    };
    // Many unknown accounts tried from one address (the socket peer: no
    // X-Forwarded-For) end up limited for that address.
    let mut limited_after = None;
    for n in 0..40 {
        if attempt(n, None).await.expect("send").status() == StatusCode::TOO_MANY_REQUESTS {
            limited_after = Some(n);
            break;
        }
    }
    assert!(limited_after.is_some_and(|n| n > 5), "{limited_after:?}");
    // A fresh account from the same peer is refused too …
    let response = attempt(100, None).await.expect("send");
    error(response, StatusCode::TOO_MANY_REQUESTS, "resource_exhausted").await;
    // … but not from another client behind a proxy (X-Forwarded-For first hop).
    let response = attempt(101, Some("203.0.113.7, 127.0.0.1")).await.expect("send");
    error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    // And a forwarded address that is itself limited is refused.
    let response = attempt(102, Some("127.0.0.1")).await.expect("send");
    error(response, StatusCode::TOO_MANY_REQUESTS, "resource_exhausted").await;
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_ends_the_session() {
    let stack = stack().await;
    stack.account("anne@example.fr").await;
    let first = stack.tokens("anne@example.fr").await;
    let refresh = async |token: &Value| stack.post("/api/v1/auth/refresh", &json!({ "refresh_token": token })).await;

    // A client may still send its (expired) access token along: it is not
    // the refresh's business.
    let response = stack
        .http
        .post(stack.url("/api/v1/auth/refresh"))
        .bearer_auth("expired.access.token")
        .json(&json!({ "refresh_token": first["refresh_token"] }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "cache-control").as_deref(), Some("no-store"));
    let second: Value = response.json().await.expect("JSON");
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(second["account_id"], first["account_id"]);
    assert_eq!(second["token_type"], "Bearer");
    let response = stack.get("/api/v1/me", second["access_token"].as_str()).await;
    assert_eq!(response.status(), StatusCode::OK);

    // The first refresh token again: refused, and the whole session ends.
    error(refresh(&first["refresh_token"]).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    error(refresh(&second["refresh_token"]).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    error(refresh(&json!("made-up")).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn logout_ends_the_session() {
    let stack = stack().await;
    stack.account("anne@example.fr").await;
    let tokens = stack.tokens("anne@example.fr").await;
    let body = json!({ "refresh_token": tokens["refresh_token"] });
    let response = stack.post("/api/v1/auth/logout", &body).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = stack.post("/api/v1/auth/refresh", &body).await;
    error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn password_reset_never_tells_whether_the_address_exists() {
    let stack = stack().await;
    stack.account("anne@example.fr").await;
    for email in ["anne@example.fr", "nobody@example.fr"] {
        let response = stack.post("/api/v1/auth/password-reset", &json!({ "email": email })).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "{email}");
    }
    // A weak new password is refused first, then a bad link.
    let response = stack
        .post("/api/v1/auth/password-reset/confirm", &json!({ "token": "made-up", "new_password": "court" }))
        .await;
    let body = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(body["error"]["field_violations"][0]["field"], "new_password", "{body}");
    let response = stack
        .post("/api/v1/auth/password-reset/confirm", &json!({ "token": "made-up", "new_password": PASSWORD }))
        .await;
    let body = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(body["error"]["field_violations"][0]["field"], "token", "{body}");
    let response = stack.post("/api/v1/auth/verify-email", &json!({ "token": "made-up" })).await;
    let body = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(body["error"]["field_violations"][0]["field"], "token", "{body}");
}

#[tokio::test]
async fn the_export_is_a_json_attachment() {
    let stack = stack().await;
    stack.account("anne@example.fr").await;
    let access = stack.tokens("anne@example.fr").await["access_token"].as_str().expect("token").to_owned();
    let response = stack.get("/api/v1/me/export", Some(&access)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type").as_deref(), Some("application/json"));
    assert_eq!(
        header(&response, "content-disposition").as_deref(),
        Some("attachment; filename=\"miroir-export.json\"")
    );
    assert_eq!(header(&response, "cache-control").as_deref(), Some("no-store"));
    let export: Value = response.json().await.expect("JSON document");
    assert_eq!(export["account"]["email"], "anne@example.fr", "{export}");
    error(stack.get("/api/v1/me/export", None).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn a_deleted_account_can_no_longer_log_in() {
    let stack = stack().await;
    stack.account("anne@example.fr").await;
    let access = stack.tokens("anne@example.fr").await["access_token"].as_str().expect("token").to_owned();
    let delete = async |password: &str| {
        stack.send(reqwest::Method::DELETE, "/api/v1/me", Some(&json!({ "password": password })), Some(&access)).await
    };
    let body = error(delete("pas le bon mot de passe").await, StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(body["error"]["field_violations"][0]["field"], "password", "{body}");
    assert_eq!(delete(PASSWORD).await.status(), StatusCode::NO_CONTENT);
    error(stack.login("anne@example.fr", PASSWORD).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    error(stack.get("/api/v1/me", Some(&access)).await, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn the_operator_registers_suspends_and_reactivates_communes() {
    let stack = stack().await;
    let operator = stack.token_with_role("operator@example.fr", "operator").await;
    let body = json!({
        "insee": "69123", "display_name": "Lyon", "department": "69",
        "collective_name": "Collectif Lyon", "response_commitment_days": 10,
    });
    let register =
        async |bearer: Option<&str>| stack.send(reqwest::Method::POST, "/api/v1/communes", Some(&body), bearer).await;
    error(register(None).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    stack.account("anne@example.fr").await;
    let resident = stack.tokens("anne@example.fr").await["access_token"].as_str().expect("token").to_owned();
    error(register(Some(&resident)).await, StatusCode::FORBIDDEN, "permission_denied").await;

    let response = register(Some(&operator)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(header(&response, "location").as_deref(), Some("/api/v1/communes/69123"));
    let lyon: Value = response.json().await.expect("JSON");
    assert_eq!(
        lyon,
        json!({
            "name": "communes/69123", "insee": "69123", "display_name": "Lyon", "department": "69",
            "collective_name": "Collectif Lyon", "response_commitment_days": 10, "suspended": false,
            "suspension_reason": null,
        })
    );
    error(register(Some(&operator)).await, StatusCode::CONFLICT, "already_exists").await;

    let response = stack.get("/api/v1/communes/69123", None).await;
    assert_eq!(response.json::<Value>().await.expect("JSON"), lyon);
    error(stack.get("/api/v1/communes/75056", None).await, StatusCode::NOT_FOUND, "not_found").await;
    let response = stack.get("/api/v1/communes/7505", None).await;
    let body = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(body["error"]["field_violations"][0]["field"], "insee");

    let page: Value = stack.get("/api/v1/communes?query=LY", None).await.json().await.expect("JSON");
    assert_eq!(page["communes"], json!([lyon]), "{page}");
    assert!(page["next_page_token"].is_null());
    let page: Value = stack.get("/api/v1/communes?page_size=1", None).await.json().await.expect("JSON");
    assert_eq!(page["communes"].as_array().map(Vec::len), Some(1), "{page}");
    assert!(page["next_page_token"].is_string(), "{page}");
    let body =
        error(stack.get("/api/v1/communes?page_size=x", None).await, StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(body["error"]["field_violations"][0]["field"], "page_size");

    let suspend = json!({ "reason": "Fin de convention" });
    let response =
        stack.send(reqwest::Method::POST, "/api/v1/communes/69123/suspend", Some(&suspend), Some(&operator)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let suspended: Value = response.json().await.expect("JSON");
    assert_eq!(
        (suspended["suspended"].clone(), suspended["suspension_reason"].clone()),
        (json!(true), json!("Fin de convention"))
    );
    let response = stack.send(reqwest::Method::POST, "/api/v1/communes/69123/reactivate", None, Some(&operator)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.expect("JSON"), lyon);
}

#[tokio::test]
async fn commune_administrators_grant_and_revoke_roles_in_public() {
    let stack = stack().await;
    let admin = stack.token_with_role("admin@example.fr", "commune_admin").await;
    let agent = stack.account("agent@example.fr").await;
    let agent_id = agent["account_id"].as_str().expect("account_id");

    let lookup = stack.get(&format!("/api/v1/communes/{RENNES}/accounts?email=agent%40example.fr"), Some(&admin)).await;
    assert_eq!(lookup.status(), StatusCode::OK);
    assert_eq!(header(&lookup, "cache-control").as_deref(), Some("no-store"));
    assert_eq!(lookup.json::<Value>().await.expect("JSON")["account_id"], agent_id);
    let response =
        stack.get(&format!("/api/v1/communes/{RENNES}/accounts?email=nobody%40example.fr"), Some(&admin)).await;
    error(response, StatusCode::NOT_FOUND, "not_found").await;

    let roles = format!("/api/v1/communes/{RENNES}/roles");
    let grant = json!({ "account_id": agent_id, "role": "agent", "department": "voirie", "reason": "Recrutée" });
    let response = stack.send(reqwest::Method::POST, &roles, Some(&grant), Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let granted: Value = response.json().await.expect("JSON");
    assert_eq!(
        (granted["account_id"].as_str(), granted["commune"].as_str(), granted["role"].as_str()),
        (Some(agent_id), Some(RENNES), Some("agent"))
    );

    let bad = json!({ "account_id": agent_id, "role": "mayor", "reason": "?" });
    let response = stack.send(reqwest::Method::POST, &roles, Some(&bad), Some(&admin)).await;
    let body = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(body["error"]["field_violations"][0]["field"], "role", "{body}");
    // Not an administrator of Lyon: the commune check names the path's insee.
    let response = stack
        .send(
            reqwest::Method::POST,
            "/api/v1/communes/69123/roles",
            Some(&json!({ "account_id": agent_id, "role": "agent", "reason": "x" })),
            Some(&admin),
        )
        .await;
    error(response, StatusCode::FORBIDDEN, "permission_denied").await;
    // The agent itself may not grant.
    let agent_token = stack.tokens("agent@example.fr").await["access_token"].as_str().expect("token").to_owned();
    let response = stack.send(reqwest::Method::POST, &roles, Some(&grant), Some(&agent_token)).await;
    error(response, StatusCode::FORBIDDEN, "permission_denied").await;

    let revoke = json!({ "account_id": agent_id, "role": "agent", "reason": "Départ" });
    let response = stack.send(reqwest::Method::DELETE, &roles, Some(&revoke), Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let response = stack.get(&format!("/api/v1/communes/{RENNES}/role-changes"), Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.expect("JSON");
    let changes = page["changes"].as_array().expect("changes");
    let agent_changes: Vec<&Value> = changes.iter().filter(|c| c["account_id"] == agent_id).collect();
    assert_eq!(agent_changes.len(), 2, "{page}");
    assert_eq!(agent_changes[0]["change"], "revoked");
    assert_eq!(agent_changes[1]["change"], "granted");
    assert_eq!(agent_changes[1]["department"], "voirie");
    assert!(agent_changes[0]["at"].as_str().is_some_and(|t| t.ends_with('Z')), "{page}");
    error(
        stack.get(&format!("/api/v1/communes/{RENNES}/role-changes"), None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn integration_clients_get_tokens_with_client_credentials() {
    let stack = stack().await;
    let admin = stack.token_with_role("admin@example.fr", "commune_admin").await;
    let clients = format!("/api/v1/communes/{RENNES}/clients");
    let body = json!({ "display_name": "SIG de la ville", "scopes": ["reports:read"] });
    let response = stack.send(reqwest::Method::POST, &clients, Some(&body), Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(header(&response, "cache-control").as_deref(), Some("no-store"));
    let created: Value = response.json().await.expect("JSON");
    let client_id = created["client"]["client_id"].as_str().expect("client_id").to_owned();
    let secret = created["client_secret"].as_str().expect("client_secret").to_owned();
    assert_eq!(created["client"]["name"], format!("communes/{RENNES}/clients/{client_id}"));
    assert_eq!(created["client"]["scopes"], json!(["reports:read"]));
    assert_eq!(created["client"]["revoked"], false);

    let response = stack
        .send(reqwest::Method::POST, &clients, Some(&json!({ "display_name": "X", "scopes": ["admin"] })), Some(&admin))
        .await;
    let error_body = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(error_body["error"]["field_violations"][0]["field"], "scopes", "{error_body}");

    let list: Value = stack.get(&clients, Some(&admin)).await.json().await.expect("JSON");
    assert_eq!(list["clients"], json!([created["client"]]));

    // The form, then HTTP Basic.
    let form = format!("grant_type=client_credentials&client_id={client_id}&client_secret={secret}");
    let response = stack.client_token(&form, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "cache-control").as_deref(), Some("no-store"));
    assert_eq!(header(&response, "pragma").as_deref(), Some("no-cache"));
    let token: Value = response.json().await.expect("JSON");
    assert_eq!(token["token_type"], "Bearer");
    assert!(token["expires_in"].as_i64().is_some_and(|s| s > 0), "{token}");
    assert!(token.get("refresh_token").is_none(), "{token}");
    let response = stack.client_token("grant_type=client_credentials", Some((&client_id, &secret))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let basic_token: Value = response.json().await.expect("JSON");

    // The token is verified with the published keys, as any service does.
    let jwks = stack.get("/.well-known/jwks.json", None).await.text().await.expect("JWKS");
    let verifier = Verifier::from_jwks(&jwks).expect("verifier");
    for token in [&token, &basic_token] {
        let claims =
            verifier.verify(token["access_token"].as_str().expect("access_token"), now()).expect("valid token");
        match claims.principal() {
            Principal::Client { id, commune, scopes } => {
                assert_eq!((id.as_str(), commune.as_str()), (client_id.as_str(), RENNES));
                assert_eq!(scopes, vec!["reports:read".to_owned()]);
            }
            other => panic!("not a client token: {other:?}"),
        }
    }

    // Refusals in RFC 6749's shape.
    let wrong = format!("grant_type=client_credentials&client_id={client_id}&client_secret=wrong");
    let response = stack.client_token(&wrong, None).await;
    assert_eq!(header(&response, "www-authenticate").as_deref(), Some("Basic realm=\"miroir\""));
    oauth_error(response, StatusCode::UNAUTHORIZED, "invalid_client").await;
    oauth_error(
        stack.client_token("grant_type=client_credentials", Some((&client_id, "wrong"))).await,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
    )
    .await;
    oauth_error(
        stack.client_token("grant_type=client_credentials", Some(("unknown", "x"))).await,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
    )
    .await;
    oauth_error(
        stack.client_token("grant_type=client_credentials", None).await,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
    )
    .await;
    oauth_error(
        stack.client_token("grant_type=password&username=a&password=b", None).await,
        StatusCode::BAD_REQUEST,
        "unsupported_grant_type",
    )
    .await;
    oauth_error(
        stack.client_token(&format!("client_id={client_id}&client_secret={secret}"), None).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    oauth_error(
        stack.client_token(&form, Some((&client_id, &secret))).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    let response = stack
        .http
        .post(stack.url("/api/v1/auth/token"))
        .json(&json!({ "grant_type": "client_credentials" }))
        .send()
        .await
        .expect("send");
    oauth_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;

    // A revoked client gets no more tokens.
    let revoke = format!("/api/v1/communes/{RENNES}/clients/{client_id}/revoke");
    let response =
        stack.send(reqwest::Method::POST, &revoke, Some(&json!({ "reason": "Fin du marché" })), Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.expect("JSON")["revoked"], true);
    oauth_error(stack.client_token(&form, None).await, StatusCode::UNAUTHORIZED, "invalid_client").await;
    let response = stack
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/communes/{RENNES}/clients/not%2Fan-id/revoke"),
            Some(&json!({ "reason": "x" })),
            Some(&admin),
        )
        .await;
    let body = error(response, StatusCode::BAD_REQUEST, "invalid_argument").await;
    assert_eq!(body["error"]["field_violations"][0]["field"], "client_id");
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}

#[tokio::test]
async fn the_jwks_lists_the_signing_keys_and_may_be_cached_briefly() {
    let stack = stack().await;
    let response = stack.get("/.well-known/jwks.json", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "cache-control").as_deref(), Some("public, max-age=60"));
    assert_eq!(header(&response, "content-type").as_deref(), Some("application/json"));
    let jwks: Value = response.json().await.expect("JSON");
    let keys = jwks["keys"].as_array().expect("keys");
    assert!(!keys.is_empty(), "{jwks}");
    for key in keys {
        assert_eq!(
            (key["kty"].as_str(), key["crv"].as_str(), key["alg"].as_str()),
            (Some("OKP"), Some("Ed25519"), Some("EdDSA"))
        );
        assert!(key["kid"].is_string() && key["x"].is_string(), "{key}");
        assert!(key.get("d").is_none(), "a private key is published: {key}");
    }
    // An access token from the login verifies with them.
    stack.account("anne@example.fr").await;
    let tokens = stack.tokens("anne@example.fr").await;
    let verifier = Verifier::from_jwks(&jwks.to_string()).expect("verifier");
    let claims = verifier.verify(tokens["access_token"].as_str().expect("token"), now()).expect("valid");
    assert_eq!(claims.sub, tokens["account_id"].as_str().expect("account_id"));
}

#[tokio::test]
async fn the_openapi_document_describes_the_identity_api() {
    let stack = stack().await;
    let document: Value = stack.get("/api/openapi.json", None).await.json().await.expect("OpenAPI JSON");
    let paths = document["paths"].as_object().expect("paths");
    let expected = [
        ("/api/v1/auth/signup", "post"),
        ("/api/v1/auth/verify-email", "post"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/refresh", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/auth/password-reset", "post"),
        ("/api/v1/auth/password-reset/confirm", "post"),
        ("/api/v1/auth/token", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/me", "patch"),
        ("/api/v1/me", "delete"),
        ("/api/v1/me/export", "get"),
        ("/api/v1/communes", "get"),
        ("/api/v1/communes", "post"),
        ("/api/v1/communes/{insee}", "get"),
        ("/api/v1/communes/{insee}/suspend", "post"),
        ("/api/v1/communes/{insee}/reactivate", "post"),
        ("/api/v1/communes/{insee}/role-changes", "get"),
        ("/api/v1/communes/{insee}/roles", "post"),
        ("/api/v1/communes/{insee}/roles", "delete"),
        ("/api/v1/communes/{insee}/accounts", "get"),
        ("/api/v1/communes/{insee}/clients", "get"),
        ("/api/v1/communes/{insee}/clients", "post"),
        ("/api/v1/communes/{insee}/clients/{client_id}/revoke", "post"),
        ("/.well-known/jwks.json", "get"),
    ];
    for (path, method) in expected {
        assert!(paths.get(path).and_then(|p| p.get(method)).is_some_and(Value::is_object), "{method} {path} missing");
    }
    assert_eq!(paths["/api/v1/me"]["get"]["security"], json!([{ "bearer": [] }]));
    assert!(paths["/api/v1/auth/login"]["post"].get("security").is_none());
    let token = &paths["/api/v1/auth/token"]["post"];
    assert!(token["requestBody"]["content"][FORM].is_object(), "{token}");
    assert_eq!(token["security"], json!([{ "client_basic": [] }, {}]));
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["client_basic"]["scheme"], "basic");
    // Absolute (the OpenAPI 3.1 meta-schema wants a `uri`), on the origin the document was asked from.
    let token_url =
        schemes["client_credentials"]["flows"]["clientCredentials"]["tokenUrl"].as_str().unwrap_or_default();
    assert!(token_url.starts_with("http://127.0.0.1:") && token_url.ends_with("/api/v1/auth/token"), "{token_url}");
    for schema in ["Account", "Tokens", "ClientToken", "Commune", "CreatedClient", "OAuthErrorBody", "Jwks", "SignUp"] {
        assert!(document["components"]["schemas"][schema].is_object(), "schema {schema} missing");
    }
}
