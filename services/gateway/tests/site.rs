//! The residents' site over the real identity and reports services: pages in
//! both languages with the site's security headers, forms that refuse a
//! missing CSRF token, session cookies with their flags, escaping, and
//! fingerprinted assets. (The browser tests in `e2e/` drive the same site in
//! Chromium, with axe-core and the keyboard.)

use std::net::SocketAddr;

use miroir_auth::Verifier;
use miroir_gateway::{GatewayConfig, build};
use miroir_identity::api::IdentityApi;
use miroir_identity::{IdentityConfig, operator_cli};
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::identity::v1::identity_server::IdentityServer;
use miroir_proto::reports::v1::reports_server::ReportsServer;
use miroir_reports::api::ReportsApi;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

struct Site {
    base: String,
    http: reqwest::Client,
    identity: miroir_identity::Identity,
    token: CancellationToken,
    _dbs: (TestDatabase, TestDatabase),
}

impl Drop for Site {
    fn drop(&mut self) {
        self.token.cancel();
    }
}

async fn serve_grpc(routes: tonic::service::Routes, token: &CancellationToken) -> String {
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

async fn site() -> Site {
    let token = CancellationToken::new();
    let identity_db = TestDatabase::sqlite().await;
    miroir_identity::migrate_database(&identity_db.db).await.expect("migrate identity");
    let config = IdentityConfig { log_links: false, public_url: String::new() };
    let identity = miroir_identity::open(identity_db.db.clone(), config).await.expect("identity");
    identity
        .register_commune(&operator_cli(), "75056", "Paris", "75", "Collectif Paris Centre", 7, "")
        .await
        .expect("Paris");
    let verifier = Verifier::from_jwks(&identity.jwks().await.expect("jwks")).expect("verifier");
    let identity_routes = tonic::service::Routes::new(IdentityServer::with_interceptor(
        IdentityApi::new(identity.clone()),
        miroir_auth::grpc::authenticate(verifier.clone()),
    ));
    let identity_url = serve_grpc(identity_routes, &token).await;
    let reports_db = TestDatabase::sqlite().await;
    miroir_reports::migrate_database(&reports_db.db).await.expect("migrate reports");
    let store = miroir_reports::open(reports_db.db.clone()).await.expect("reports");
    let reports_routes = tonic::service::Routes::new(ReportsServer::with_interceptor(
        ReportsApi::new(store),
        miroir_auth::grpc::authenticate(verifier),
    ));
    let reports_url = serve_grpc(reports_routes, &token).await;

    let router = build(&GatewayConfig { reports_url, identity_url }, &Metrics::new("gateway").expect("metrics"))
        .await
        .expect("gateway");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind HTTP");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let shutdown = token.clone();
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await
    });
    let http = reqwest::Client::builder().redirect(Policy::none()).build().expect("client");
    Site { base, http, identity, token, _dbs: (identity_db, reports_db) }
}

/// The cookies a response sets, as `name=value` pairs for the next request.
fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect()
}

fn cookie_header(set: &[String]) -> String {
    set.iter().filter_map(|c| c.split(';').next()).filter(|c| !c.ends_with('=')).collect::<Vec<_>>().join("; ")
}

fn hidden_csrf(html: &str) -> String {
    let start = html.find("name=\"csrf\" value=\"").expect("a csrf field") + "name=\"csrf\" value=\"".len();
    html[start..].split('"').next().unwrap_or_default().to_owned()
}

const PAGES: &[&str] = &[
    "/",
    "/c/75056/",
    "/c/75056/officiel/",
    "/c/75056/citoyen/",
    "/c/75056/citoyen/signalements/",
    "/c/75056/citoyen/signalements/nouveau",
    "/c/75056/transparence/",
    "/compte/inscription",
    "/compte/connexion",
    "/compte/mot-de-passe",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_page_in_both_languages_with_the_sites_headers_and_under_100_kb() {
    let site = site().await;
    for path in PAGES {
        for (query, lang) in [("", "fr"), ("?lang=en", "en")] {
            let response = site.http.get(format!("{}{path}{query}", site.base)).send().await.expect("page");
            assert_eq!(response.status(), StatusCode::OK, "{path}{query}");
            let csp = response.headers()["content-security-policy"].to_str().expect("csp").to_owned();
            assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
            assert!(response.headers().contains_key("strict-transport-security"));
            assert_eq!(response.headers()["x-content-type-options"], "nosniff");
            let html = response.text().await.expect("html");
            assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{path}{query} is in {lang}");
            assert_eq!(html.matches("<h1").count(), 1, "{path}: one h1");
            assert!(html.contains("class=\"skip-link\" href=\"#contenu\""), "{path}: skip link");
            assert!(html.len() < 100 * 1024, "{path}: {} bytes", html.len());
        }
    }
    let missing = site.http.get(format!("{}/c/75056/nope", site.base)).send().await.expect("404");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.expect("html").contains("<html lang=\"fr\">"), "an HTML page, not JSON");
    let api_missing = site.http.get(format!("{}/api/v1/nope", site.base)).send().await.expect("404");
    assert!(api_missing.headers()["content-type"].to_str().unwrap_or_default().contains("json"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_stylesheet_is_fingerprinted_cached_for_good_and_pages_are_compressed() {
    let site = site().await;
    let html = site.http.get(format!("{}/", site.base)).send().await.expect("page").text().await.expect("html");
    let start = html.find("href=\"/static/app.").expect("stylesheet link") + "href=\"".len();
    let href = html[start..].split('"').next().expect("href");
    assert!(href.ends_with(".css") && href.len() > "/static/app..css".len() + 8, "{href}");
    let css = site.http.get(format!("{}{href}", site.base)).send().await.expect("css");
    assert_eq!(css.status(), StatusCode::OK);
    assert!(css.headers()["cache-control"].to_str().expect("cc").contains("immutable"));
    let stale = site.http.get(format!("{}/static/app.000000000000.css", site.base)).send().await.expect("stale");
    assert_eq!(stale.status(), StatusCode::NOT_FOUND);
    let gz = site.http.get(format!("{}/", site.base)).header("accept-encoding", "gzip").send().await.expect("gzip");
    assert_eq!(gz.headers().get("content-encoding").map(|v| v.to_str().unwrap_or_default()), Some("gzip"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forms_need_their_csrf_token_and_sessions_live_in_safe_cookies() {
    let site = site().await;
    let form = site.http.get(format!("{}/compte/inscription", site.base)).send().await.expect("form");
    let jar = set_cookies(&form);
    assert!(jar.iter().any(|c| c.starts_with("miroir_csrf=") && c.contains("HttpOnly") && c.contains("SameSite=Lax")));
    let csrf = hidden_csrf(&form.text().await.expect("html"));
    let fields = [
        ("email", "anne@example.fr"),
        ("password", "le chat dort au soleil"),
        ("display_name", "Anne"),
        ("commune", "75056"),
    ];

    // Without the token (a cross-site form would have neither cookie nor token): refused, nothing created.
    let forged = site.http.post(format!("{}/compte/inscription", site.base)).form(&fields).send().await.expect("post");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let wrong = site
        .http
        .post(format!("{}/compte/inscription", site.base))
        .header("cookie", cookie_header(&jar))
        .form(&[("csrf", "x".repeat(43).as_str()), ("email", "anne@example.fr")])
        .send()
        .await
        .expect("post");
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);

    let mut with_token = fields.to_vec();
    with_token.push(("csrf", &csrf));
    let created = site
        .http
        .post(format!("{}/compte/inscription", site.base))
        .header("cookie", cookie_header(&jar))
        .form(&with_token)
        .send()
        .await
        .expect("sign up");
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    assert_eq!(created.headers()["location"], "/compte/?bienvenue=1");
    let session = set_cookies(&created);
    for name in ["miroir_session=", "miroir_refresh="] {
        let cookie = session.iter().find(|c| c.starts_with(name)).expect("session cookie");
        for flag in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(flag), "{name} lacks {flag}");
        }
    }
    let mut all = jar.clone();
    all.extend(session);
    let account = site
        .http
        .get(format!("{}/compte/", site.base))
        .header("cookie", cookie_header(&all))
        .send()
        .await
        .expect("account");
    assert_eq!(account.status(), StatusCode::OK);
    let html = account.text().await.expect("html");
    assert!(html.contains("anne@example.fr") && html.contains("id=\"signout-form\""));

    // The same form again: the e-mail is taken, said beside the field, the typed values kept.
    let again = site
        .http
        .post(format!("{}/compte/inscription", site.base))
        .header("cookie", cookie_header(&jar))
        .form(&with_token)
        .send()
        .await
        .expect("again");
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let html = again.text().await.expect("html");
    assert!(
        html.contains("id=\"email-error\"")
            && html.contains("aria-invalid=\"true\"")
            && html.contains("value=\"anne@example.fr\"")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_report_sent_through_the_form_is_shown_escaped() {
    let site = site().await;
    let form = site.http.get(format!("{}/c/75056/citoyen/signalements/nouveau", site.base)).send().await.expect("form");
    let jar = set_cookies(&form);
    let csrf = hidden_csrf(&form.text().await.expect("html"));
    let post = |fields: Vec<(&'static str, String)>| {
        site.http
            .post(format!("{}/c/75056/citoyen/signalements/nouveau", site.base))
            .header("cookie", cookie_header(&jar))
            .form(&fields)
            .send()
    };
    let base = |title: &str, latitude: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("category", "voirie".to_owned()),
            ("title", title.to_owned()),
            ("description", "<img src=x onerror=alert(2)>".to_owned()),
            ("latitude", latitude.to_owned()),
            ("longitude", "2,3522".to_owned()),
            ("address", String::new()),
        ]
    };
    let invalid = post(base("x", "48.8566")).await.expect("invalid");
    assert_eq!(invalid.status(), StatusCode::BAD_REQUEST);
    let html = invalid.text().await.expect("html");
    assert!(
        html.contains("id=\"form-errors\"") && html.contains("id=\"title-error\""),
        "the error is said beside its field"
    );
    let not_a_number = post(base("Titre correct", "quarante-huit")).await.expect("nan");
    assert!(not_a_number.text().await.expect("html").contains("id=\"latitude-error\""));

    let sent = post(base("<script>alert(1)</script>", "48,8566")).await.expect("sent");
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let location = sent.headers()["location"].to_str().expect("location").to_owned();
    assert!(location.starts_with("/c/75056/citoyen/signalements/"));
    let page =
        site.http.get(format!("{}{location}", site.base)).send().await.expect("page").text().await.expect("html");
    // askama writes `<` as `&#60;` (or `&lt;`): either way an entity, never a tag.
    assert!(page.contains("script&#62;alert(1)") || page.contains("script&gt;alert(1)"), "the title is escaped");
    assert!(!page.contains("<script>") && !page.contains("<img src=x"), "nothing injected is live");
    let list = site.http.get(format!("{}/c/75056/citoyen/signalements/", site.base)).send().await.expect("list");
    assert!(list.text().await.expect("html").contains(&location));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_commune_administrator_grants_roles_and_creates_clients_on_the_site() {
    let site = site().await;
    let password = "le chat dort au soleil";
    let admin = site.identity.sign_up("maire@example.fr", password, "Maire", "75056", "").await.expect("admin account");
    site.identity
        .grant_role(&operator_cli(), &admin.account_id, "75056", "commune_admin", "", "élue", "")
        .await
        .expect("admin role");
    site.identity.sign_up("agent@example.fr", password, "Sami", "75056", "").await.expect("future agent");

    let form = site.http.get(format!("{}/compte/connexion", site.base)).send().await.expect("sign-in form");
    let mut jar = set_cookies(&form);
    let csrf = hidden_csrf(&form.text().await.expect("html"));
    let signed_in = site
        .http
        .post(format!("{}/compte/connexion", site.base))
        .header("cookie", cookie_header(&jar))
        .form(&[("csrf", csrf.as_str()), ("email", "maire@example.fr"), ("password", password)])
        .send()
        .await
        .expect("sign in");
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    jar.extend(set_cookies(&signed_in));
    let cookies = cookie_header(&jar);

    let page = site
        .http
        .get(format!("{}/c/75056/administration/", site.base))
        .header("cookie", &cookies)
        .send()
        .await
        .expect("admin");
    assert_eq!(page.status(), StatusCode::OK);
    let post = |path: &'static str, fields: Vec<(&'static str, &'static str)>| {
        let mut fields: Vec<(&str, &str)> = fields;
        fields.push(("csrf", csrf.as_str()));
        site.http
            .post(format!("{}/c/75056/administration/{path}", site.base))
            .header("cookie", &cookies)
            .form(&fields)
            .send()
    };
    let granted = post(
        "roles",
        vec![("email", "agent@example.fr"), ("role", "agent"), ("department", "voirie"), ("reason", "recrutement")],
    )
    .await
    .expect("grant");
    assert_eq!(granted.status(), StatusCode::OK);
    let html = granted.text().await.expect("html");
    assert!(
        html.contains("recrutement") && html.contains("role=\"status\""),
        "the grant shows in the history with its reason"
    );
    let unknown = post("roles", vec![("email", "personne@example.fr"), ("role", "agent")]).await.expect("unknown");
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    assert!(unknown.text().await.expect("html").contains("id=\"email-error\""));

    let created =
        post("clients", vec![("display_name", "SIG"), ("scopes", "reports:read"), ("scopes", "reports:write")])
            .await
            .expect("client");
    assert_eq!(created.status(), StatusCode::CREATED);
    let html = created.text().await.expect("html");
    assert!(html.contains("client_secret: mcs_"), "the secret is shown once");
    let again = site
        .http
        .get(format!("{}/c/75056/administration/", site.base))
        .header("cookie", &cookies)
        .send()
        .await
        .expect("admin");
    assert!(!again.text().await.expect("html").contains("client_secret: mcs_"), "and never again");

    // Another commune's administration is forbidden.
    site.identity.register_commune(&operator_cli(), "69123", "Lyon", "69", "", 7, "").await.expect("Lyon");
    let lyon = site
        .http
        .get(format!("{}/c/69123/administration/", site.base))
        .header("cookie", &cookies)
        .send()
        .await
        .expect("lyon");
    assert_eq!(lyon.status(), StatusCode::FORBIDDEN);
}
