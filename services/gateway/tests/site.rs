//! The residents' site over the real identity and reports services: pages in
//! both languages with the site's security headers, forms that refuse a
//! missing CSRF token, session cookies with their flags, escaping, and
//! fingerprinted assets. (The browser tests in `e2e/` drive the same site in
//! Chromium, with axe-core and the keyboard.)

use std::sync::Mutex;

use miroir_auth::Verifier;
use miroir_gateway::GatewayConfig;
use miroir_identity::api::IdentityApi;
use miroir_identity::{IdentityConfig, operator_cli};
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::identity::v1::identity_server::IdentityServer;
use miroir_proto::reports::v1::reports_server::ReportsServer;
use miroir_reports::api::{Links, ReportsApi};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use tokio_util::sync::CancellationToken;

mod support;
use support::{cookie_header, hidden, serve_gateway, serve_grpc, set_cookies};

struct Site {
    base: String,
    http: reqwest::Client,
    identity: miroir_identity::Identity,
    token: CancellationToken,
    /// The verification links the reports service "e-mails".
    links: Mutex<tokio::sync::mpsc::UnboundedReceiver<String>>,
    _dbs: (TestDatabase, TestDatabase),
}

impl Drop for Site {
    fn drop(&mut self) {
        self.token.cancel();
    }
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
    // Verification links of anonymous reports come to the test, which plays the reporter reading their e-mail.
    let (sink, links_received) = tokio::sync::mpsc::unbounded_channel();
    let links = Links { public_url: String::new(), log_links: false, sink: Some(sink) };
    let reports_routes = tonic::service::Routes::new(ReportsServer::with_interceptor(
        ReportsApi::new(store).with_links(links),
        miroir_auth::grpc::authenticate(verifier),
    ));
    let reports_url = serve_grpc(reports_routes, &token).await;

    let config = GatewayConfig {
        reports_url,
        identity_url,
        publications_url: "http://127.0.0.1:9".to_owned(),
        dialogue_url: "http://127.0.0.1:9".to_owned(),
        notifications_url: "http://127.0.0.1:9".to_owned(),
        transparency_url: "http://127.0.0.1:9".to_owned(),
        trusted_proxies: Default::default(),
    };
    let base = serve_gateway(&config, &token).await;
    let http = reqwest::Client::builder().redirect(Policy::none()).build().expect("client");
    Site { base, http, identity, token, links: Mutex::new(links_received), _dbs: (identity_db, reports_db) }
}

const PAGES: &[&str] = &[
    "/",
    "/c/75056/",
    "/c/75056/officiel/",
    "/c/75056/citoyen/",
    "/c/75056/citoyen/signalements/",
    "/c/75056/citoyen/signalements/nouveau",
    "/c/75056/citoyen/signalements/verifier",
    "/donnees-ouvertes",
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
    // The transparency service is not running here: its pages say so (503), its files too.
    for path in ["/c/75056/transparence/", "/transparence/", "/transparence/departements/75/"] {
        let down = site.http.get(format!("{}{path}", site.base)).send().await.expect("page");
        assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(down.text().await.expect("html").contains("<html lang=\"fr\">"), "{path}: the site's page");
    }
    for path in ["/c/75056/transparence.csv", "/transparence/national.json", "/transparence/communes.csv"] {
        let down = site.http.get(format!("{}{path}", site.base)).send().await.expect("file");
        assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
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
    let csrf = hidden(&form.text().await.expect("html"), "csrf");
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
    let anne = site.resident("anne@example.fr").await;
    let form = anne.get(&site, "/c/75056/citoyen/signalements/nouveau").await;
    assert_eq!(form.status(), StatusCode::OK);
    let html = form.text().await.expect("html");
    assert!(!html.contains("name=\"email\""), "a signed-in resident is not asked for an e-mail");
    let csrf = hidden(&html, "csrf");
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
    let path = "/c/75056/citoyen/signalements/nouveau";
    let invalid = anne.post(&site, path, &base("x", "48.8566")).await;
    assert_eq!(invalid.status(), StatusCode::BAD_REQUEST);
    let html = invalid.text().await.expect("html");
    assert!(
        html.contains("id=\"form-errors\"") && html.contains("id=\"title-error\""),
        "the error is said beside its field"
    );
    let not_a_number = anne.post(&site, path, &base("Titre correct", "quarante-huit")).await;
    assert!(not_a_number.text().await.expect("html").contains("id=\"latitude-error\""));

    let sent = anne.post(&site, path, &base("<script>alert(1)</script>", "48,8566")).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let location = sent.headers()["location"].to_str().expect("location").to_owned();
    assert!(location.starts_with("/c/75056/citoyen/signalements/"));
    let page =
        site.http.get(format!("{}{location}", site.base)).send().await.expect("page").text().await.expect("html");
    // askama writes `<` as `&#60;` (or `&lt;`): either way an entity, never a tag.
    assert!(page.contains("script&#62;alert(1)") || page.contains("script&gt;alert(1)"), "the title is escaped");
    assert!(!page.contains("<script>") && !page.contains("<img src=x"), "nothing injected is live");
    let list = site.http.get(format!("{}/c/75056/citoyen/signalements/", site.base)).send().await.expect("list");
    let list = list.text().await.expect("html");
    assert!(list.contains(&location));
    // The map's points are JSON in an attribute: escaped there too, and read back by the browser as typed.
    assert!(
        list.contains("data-points=\"[{&#34;title&#34;:&#34;&#60;script&#62;alert(1)&#60;/script&#62;&#34;"),
        "{list}"
    );
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
    let csrf = hidden(&form.text().await.expect("html"), "csrf");
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

// ---------------------------------------------------------------------------------------------------------------------
// Reports on the site: categories, the multipart form with photos and answers, duplicates and supports, anonymous
// reports, the staff's tools on a report's page, the agents' queue with its bulk acknowledgement.

const PASSWORD: &str = "le chat dort au soleil";
const NEW_REPORT: &str = "/c/75056/citoyen/signalements/nouveau";
const PHOTO: &[u8] = include_bytes!("fixtures/photo.jpg");

/// Someone on the site: the cookies of their browser (session, CSRF token).
struct Person {
    cookies: String,
    csrf: String,
    account_id: String,
}

impl Site {
    /// A new resident of 75056, signed in through the sign-in form.
    async fn resident(&self, email: &str) -> Person {
        let account = self.identity.sign_up(email, PASSWORD, "Habitant", "75056", "").await.expect("account");
        let mut person = self.sign_in(email).await;
        person.account_id = account.account_id;
        person
    }

    /// A new account with `role` in 75056, signed in.
    async fn staff(&self, email: &str, role: &str) -> Person {
        let account = self.identity.sign_up(email, PASSWORD, "Agent", "75056", "").await.expect("account");
        self.identity
            .grant_role(&operator_cli(), &account.account_id, "75056", role, "", "test", "")
            .await
            .expect("role");
        let mut person = self.sign_in(email).await;
        person.account_id = account.account_id;
        person
    }

    async fn sign_in(&self, email: &str) -> Person {
        let form = self.http.get(format!("{}/compte/connexion", self.base)).send().await.expect("sign-in form");
        let mut jar = set_cookies(&form);
        let csrf = hidden(&form.text().await.expect("html"), "csrf");
        let signed_in = self
            .http
            .post(format!("{}/compte/connexion", self.base))
            .header("cookie", cookie_header(&jar))
            .form(&[("csrf", csrf.as_str()), ("email", email), ("password", PASSWORD)])
            .send()
            .await
            .expect("sign in");
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER, "sign-in as {email}");
        jar.extend(set_cookies(&signed_in));
        Person { cookies: cookie_header(&jar), csrf, account_id: String::new() }
    }

    /// Someone who is not signed in (with the cookies of a first visit).
    async fn visitor(&self) -> Person {
        let form = self.http.get(format!("{}{NEW_REPORT}", self.base)).send().await.expect("form");
        let jar = set_cookies(&form);
        let csrf = hidden(&form.text().await.expect("html"), "csrf");
        Person { cookies: cookie_header(&jar), csrf, account_id: String::new() }
    }
}

impl Person {
    async fn get(&self, site: &Site, path: &str) -> reqwest::Response {
        site.http.get(format!("{}{path}", site.base)).header("cookie", &self.cookies).send().await.expect("GET")
    }

    async fn html(&self, site: &Site, path: &str) -> String {
        let response = self.get(site, path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.text().await.expect("html")
    }

    async fn post(&self, site: &Site, path: &str, fields: &[(&str, String)]) -> reqwest::Response {
        site.http
            .post(format!("{}{path}", site.base))
            .header("cookie", &self.cookies)
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// A post with the CSRF token and these fields.
    async fn submit(&self, site: &Site, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all = vec![("csrf", self.csrf.clone())];
        all.extend(fields.iter().map(|(k, v)| (*k, (*v).to_owned())));
        self.post(site, path, &all).await
    }

    async fn post_multipart(&self, site: &Site, path: &str, body: (String, Vec<u8>)) -> reqwest::Response {
        let send = || {
            site.http
                .post(format!("{}{path}", site.base))
                .header("cookie", &self.cookies)
                .header("content-type", body.0.clone())
                .body(body.1.clone())
                .send()
        };
        // A post refused before its body is read (a forged one) is answered at once and the connection closed;
        // a client still sending may see that close before the answer. Sent once more, the answer is read.
        match send().await {
            Ok(response) => response,
            Err(error) if error.is_request() => send().await.expect("POST (again)"),
            Err(error) => panic!("POST: {error}"),
        }
    }

    /// Files a report (confirming past the duplicate suggestions) and returns its id.
    async fn report(&self, site: &Site, title: &str, latitude: &str, longitude: &str) -> String {
        let fields = [
            ("category", "voirie"),
            ("title", title),
            ("latitude", latitude),
            ("longitude", longitude),
            ("confirmed", "1"),
        ];
        let sent = self.submit(site, NEW_REPORT, &fields).await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER, "report {title}");
        let location = sent.headers()["location"].to_str().expect("location");
        location.rsplit('/').next().expect("id").to_owned()
    }
}

/// A `multipart/form-data` body: text fields in order, then files `(field, file name, type, bytes)`.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----miroir-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    for (name, filename, content_type, data) in files {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n\
                 Content-Type: {content_type}\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(data);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The first `attr="…"` value after `marker` in `html`.
fn attribute_after(html: &str, marker: &str, attr: &str) -> String {
    let from = html.find(marker).unwrap_or_else(|| panic!("{marker} in the page"));
    let start = html[from..].find(&format!("{attr}=\"")).expect("attribute") + from + attr.len() + 2;
    html[start..].split('"').next().unwrap_or_default().to_owned()
}

/// The `href` of the link whose tag or text comes just before `marker`.
fn href_before(html: &str, marker: &str) -> String {
    let at = html.find(marker).unwrap_or_else(|| panic!("{marker} in the page"));
    html[..at]
        .rsplit("href=\"")
        .next()
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .replace("&#38;", "&")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_report_with_a_photo_and_an_answer_goes_through_the_multipart_form() {
    let site = site().await;
    let anne = site.resident("anne@example.fr").await;
    let form = anne.html(&site, NEW_REPORT).await;
    assert!(form.contains("enctype=\"multipart/form-data\""), "the form can carry photos");
    assert!(form.contains("name=\"photos\" type=\"file\" multiple accept=\"image/jpeg,image/png,image/webp\""));
    // The standard lighting category asks for the lamp post's number.
    assert!(form.contains("name=\"attr_numero-candelabre\""), "the category's question is a field");
    assert!(form.contains("<label for=\"attr-eclairage-numero-candelabre\">"), "with its label");

    let fields = |csrf: &str| {
        vec![
            ("csrf".to_owned(), csrf.to_owned()),
            ("category".to_owned(), "eclairage".to_owned()),
            ("title".to_owned(), "Lampadaire éteint rue Oberkampf".to_owned()),
            ("latitude".to_owned(), "48.8650".to_owned()),
            ("longitude".to_owned(), "2.3780".to_owned()),
            ("attr_numero-candelabre".to_owned(), "C-1234".to_owned()),
        ]
    };
    let as_refs = |owned: &[(String, String)]| -> Vec<(String, String)> { owned.to_vec() };
    let body = |fields: &[(String, String)], files: &[(&str, &str, &str, &[u8])]| {
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        multipart(&refs, files)
    };
    let photo = [("photos", "lampadaire.jpg", "image/jpeg", PHOTO)];

    // CSRF: missing, wrong, or after the file (a forged post is refused before its files are read).
    let mut without = fields(&anne.csrf);
    without.remove(0);
    let refused = anne.post_multipart(&site, NEW_REPORT, body(&without, &photo)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let wrong = anne.post_multipart(&site, NEW_REPORT, body(&fields(&"x".repeat(43)), &photo)).await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let (content_type, mut late) = body(&without, &photo);
    let end = late.len() - "--\r\n".len() - "----miroir-test-boundary-7d1f".len() - 2;
    late.truncate(end);
    late.extend(
        format!(
            "------miroir-test-boundary-7d1f\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n\
             ------miroir-test-boundary-7d1f--\r\n",
            anne.csrf
        )
        .bytes(),
    );
    let after_file = anne.post_multipart(&site, NEW_REPORT, (content_type, late)).await;
    assert_eq!(after_file.status(), StatusCode::FORBIDDEN, "the token must come before the files");

    // Photos that are not images, or too many: said beside the photos field.
    let text = [("photos", "notes.jpg", "image/jpeg", b"not an image at all".as_slice())];
    let not_image = anne.post_multipart(&site, NEW_REPORT, body(&as_refs(&fields(&anne.csrf)), &text)).await;
    assert_eq!(not_image.status(), StatusCode::BAD_REQUEST);
    let html = not_image.text().await.expect("html");
    assert!(html.contains("id=\"photos-error\"") && html.contains("id=\"photos-dropped\""), "{html}");
    assert!(html.contains("value=\"C-1234\""), "the answer typed is kept");
    assert!(html.contains("<option value=\"voirie\">"), "every category is still offered");
    assert!(html.contains("<option value=\"eclairage\" selected>"), "the chosen one selected");
    let six = [photo[0]; 6];
    let too_many = anne.post_multipart(&site, NEW_REPORT, body(&fields(&anne.csrf), &six)).await;
    assert_eq!(too_many.status(), StatusCode::BAD_REQUEST);
    assert!(too_many.text().await.expect("html").contains("id=\"photos-error\""));

    // The report form takes photos of megabytes (the other forms stop at 64 KiB), but not one over 5 MiB.
    let heavy = jpeg_of(6 * 1024 * 1024);
    let too_big = [("photos", "lourde.jpg", "image/jpeg", heavy.as_slice())];
    let refused = anne.post_multipart(&site, NEW_REPORT, body(&fields(&anne.csrf), &too_big)).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.expect("html").contains("id=\"photos-error\""));
    let huge = [too_big[0]; 5];
    // The gateway answers 413 as soon as the limit is passed and stops reading: the client may see the
    // answer, or only the connection closed under the rest of its body. Either way nothing is filed.
    let (content_type, bytes) = body(&fields(&anne.csrf), &huge);
    let over = site
        .http
        .post(format!("{}{NEW_REPORT}", site.base))
        .header("cookie", &anne.cookies)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await;
    match over {
        Ok(response) => assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "over the route's 26 MiB"),
        Err(error) => assert!(
            error.is_request() && format!("{error:?}").contains("BodyWrite"),
            "only a body cut short by the server's refusal is acceptable: {error:?}"
        ),
    }

    // An empty file input (no photo chosen) sends an empty part: not a photo.
    let empty = [("photos", "", "application/octet-stream", b"".as_slice())];
    let no_photo = anne.post_multipart(&site, NEW_REPORT, body(&fields(&anne.csrf), &empty)).await;
    assert_eq!(no_photo.status(), StatusCode::SEE_OTHER, "a report without photos");

    // The same place again: "is it one of these?" — and the photos must be chosen again, as the page says.
    let suggested = anne.post_multipart(&site, NEW_REPORT, body(&fields(&anne.csrf), &photo)).await;
    assert_eq!(suggested.status(), StatusCode::OK);
    let html = suggested.text().await.expect("html");
    assert!(html.contains("id=\"duplicates\"") && html.contains("id=\"photos-dropped\""));
    let mut confirmed = fields(&anne.csrf);
    confirmed.push(("confirmed".to_owned(), "1".to_owned()));
    let big = jpeg_of(400 * 1024);
    let photos = [photo[0], ("photos", "grande.jpg", "image/jpeg", big.as_slice())];
    let sent = anne.post_multipart(&site, NEW_REPORT, body(&confirmed, &photos)).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER, "two photos, 400 KiB in all");
    let location = sent.headers()["location"].to_str().expect("location").to_owned();
    let page = anne.html(&site, &location).await;
    assert!(page.contains("Numéro du candélabre") && page.contains("C-1234"), "the answer with its question");
    assert_eq!(page.matches("loading=\"lazy\"").count(), 2, "both photos are shown");
    let src = attribute_after(&page, "class=\"photos\"", "src");
    assert!(src.starts_with(&format!("{location}/photos/")), "{src}");

    // The photo: its stored type, never sniffed, shown inline, cacheable when public.
    let photo = site.http.get(format!("{}{src}", site.base)).send().await.expect("photo");
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    assert_eq!(photo.headers()["x-content-type-options"], "nosniff");
    let photo_id = src.rsplit('/').next().unwrap_or_default();
    assert_eq!(photo.headers()["content-disposition"], format!("inline; filename=\"{photo_id}.jpg\"").as_str());
    assert!(photo.headers()["cache-control"].to_str().expect("cc").starts_with("public, max-age="));
    assert!(photo.headers().get("set-cookie").is_none(), "a cacheable photo sets no cookie");
    assert!(photo.bytes().await.expect("bytes").starts_with(&[0xFF, 0xD8, 0xFF]));
    let signed_in = anne.get(&site, &src).await;
    assert!(signed_in.headers()["cache-control"].to_str().expect("cc").starts_with("private"));
    let missing = site.http.get(format!("{}{location}/photos/{}", site.base, uuid_like())).send().await.expect("404");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let junk = site.http.get(format!("{}{location}/photos/..%2F..%2Fetc", site.base)).send().await.expect("404");
    assert_eq!(junk.status(), StatusCode::NOT_FOUND);
}

/// The test photo grown to about `bytes` with comment segments (valid JPEG; the service strips them).
fn jpeg_of(bytes: usize) -> Vec<u8> {
    let mut out = PHOTO[..2].to_vec();
    while out.len() < bytes {
        out.extend([0xFF, 0xFE, 0xFF, 0xFF]);
        out.extend(std::iter::repeat_n(b'x', 0xFFFF - 2));
    }
    out.extend_from_slice(&PHOTO[2..]);
    out
}

fn uuid_like() -> &'static str {
    "01900000-0000-7000-8000-000000000000"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nearby_reports_are_suggested_once_and_can_be_supported_instead() {
    let site = site().await;
    let anne = site.resident("anne@example.fr").await;
    let first = anne.report(&site, "Trou dans la chaussée", "48.8600", "2.3400").await;
    let bruno = site.resident("bruno@example.fr").await;
    let fields = [("category", "voirie"), ("title", "Un trou"), ("latitude", "48.86005"), ("longitude", "2.34003")];
    let suggested = bruno.submit(&site, NEW_REPORT, &fields).await;
    assert_eq!(suggested.status(), StatusCode::OK, "the form comes back with the suggestions");
    let html = suggested.text().await.expect("html");
    assert!(html.contains("id=\"duplicates\"") && html.contains(&format!("/c/75056/citoyen/signalements/{first}\"")));
    assert!(html.contains("name=\"confirmed\" value=\"1\""), "the next post files the report whatever");
    assert!(html.contains(&format!("action=\"/c/75056/citoyen/signalements/{first}/soutenir\"")));
    assert!(html.contains("value=\"Un trou\""), "the values typed are kept");

    // "Support it instead": once; the page then says so instead of offering the button.
    let path = format!("/c/75056/citoyen/signalements/{first}/soutenir");
    let supported = bruno.submit(&site, &path, &[]).await;
    assert_eq!(supported.status(), StatusCode::SEE_OTHER);
    let page = bruno.html(&site, &format!("/c/75056/citoyen/signalements/{first}")).await;
    assert!(page.contains("1 personne soutient ce signalement") && !page.contains("id=\"support-form\""), "{page}");
    let reporter_view = anne.html(&site, &format!("/c/75056/citoyen/signalements/{first}")).await;
    assert!(!reporter_view.contains("id=\"support-form\""), "the reporter does not support their own report");
    let forged = bruno.post(&site, &path, &[]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "supporting needs the CSRF token");
    let nobody = site.visitor().await;
    let anonymous = nobody.submit(&site, &path, &[]).await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert!(anonymous.headers()["location"].to_str().expect("location").starts_with("/compte/connexion?suite="));

    // "Submit mine anyway".
    let mut confirmed = fields.to_vec();
    confirmed.push(("confirmed", "1"));
    let filed = bruno.submit(&site, NEW_REPORT, &confirmed).await;
    assert_eq!(filed.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_anonymous_report_waits_for_its_email_and_never_shows_it_in_public() {
    let site = site().await;
    let nobody = site.visitor().await;
    let form = nobody.html(&site, NEW_REPORT).await;
    assert!(form.contains("name=\"email\""), "without an account, the form asks for an e-mail");
    let fields = [
        ("category", "proprete"),
        ("title", "Dépôt sauvage rue de Lappe"),
        ("latitude", "48.8530"),
        ("longitude", "2.3720"),
    ];
    let no_email = nobody.submit(&site, NEW_REPORT, &fields).await;
    assert_eq!(no_email.status(), StatusCode::BAD_REQUEST);
    assert!(no_email.text().await.expect("html").contains("id=\"email-error\""));
    let mut with_email = fields.to_vec();
    with_email.push(("email", "claire.secret@example.fr"));
    let sent = nobody.submit(&site, NEW_REPORT, &with_email).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let check = sent.headers()["location"].to_str().expect("location").to_owned();
    assert_eq!(check, "/c/75056/citoyen/signalements/verifier", "never the token in a URL the browser sees");
    let page = nobody.html(&site, &check).await;
    assert!(!page.contains("token"));

    // Not public yet: not in the list, its page not found; the staff see it, with the address.
    let list = nobody.html(&site, "/c/75056/citoyen/signalements/").await;
    assert!(!list.contains("Dépôt sauvage"));
    let agent = site.staff("agent@example.fr", "agent").await;
    let queue = agent.html(&site, "/c/75056/administration/signalements/").await;
    assert!(queue.contains("Dépôt sauvage"), "the queue shows it");
    let report_path = href_before(&queue, ">Dépôt sauvage");
    assert!(report_path.starts_with("/c/75056/citoyen/signalements/"), "{report_path}");
    let staff_page = agent.html(&site, &report_path).await;
    assert!(staff_page.contains("claire.secret@example.fr"), "the staff see the reporter's address");
    let hidden = site.http.get(format!("{}{report_path}", site.base)).send().await.expect("page");
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);

    // The link of the e-mail makes it public, and the address stays private.
    let bad = nobody.get(&site, "/c/75056/citoyen/signalements/verifier?token=nope").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let link = site.links.lock().expect("links").try_recv().expect("the verification link was sent");
    let path =
        link.find("/c/75056/citoyen/signalements/verifier?token=").map(|at| &link[at..]).expect("the site's route");
    let verified = nobody.html(&site, path).await;
    assert!(verified.contains(&format!("href=\"{report_path}\"")), "the page links to the report");
    let resident = site.resident("dora@example.fr").await;
    for (who, html) in [
        ("anonymous", nobody.html(&site, &report_path).await),
        ("resident", resident.html(&site, &report_path).await),
        ("list", nobody.html(&site, "/c/75056/citoyen/signalements/").await),
    ] {
        assert!(html.contains("Dépôt sauvage"), "{who}: public now");
        assert!(!html.contains("claire.secret"), "{who}: the reporter's e-mail never shows in public");
    }
    assert!(agent.html(&site, &report_path).await.contains("claire.secret@example.fr"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn staff_pages_are_for_the_staff_only() {
    let site = site().await;
    let queue = "/c/75056/administration/signalements/";
    let categories = "/c/75056/administration/categories/";
    let nobody = site.visitor().await;
    for path in [queue, categories] {
        let response = nobody.get(&site, path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}: sign in first");
        assert!(response.headers()["location"].to_str().expect("location").starts_with("/compte/connexion?suite="));
    }
    let resident = site.resident("anne@example.fr").await;
    let report = resident.report(&site, "Banc cassé", "48.8500", "2.3500").await;
    for path in [queue, categories] {
        let response = resident.get(&site, path).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}: a resident");
        assert!(response.text().await.expect("html").contains("<html lang=\"fr\">"), "an HTML page");
    }
    let bulk = "/c/75056/administration/signalements/prendre-en-compte";
    let refused = resident.submit(&site, bulk, &[("report_id", &report), ("nonce", "n")]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let agent = site.staff("agent@example.fr", "agent").await;
    assert_eq!(agent.get(&site, queue).await.status(), StatusCode::OK);
    assert_eq!(agent.get(&site, categories).await.status(), StatusCode::FORBIDDEN, "categories: administrators only");
    let admin = site.staff("maire@example.fr", "commune_admin").await;
    for path in [queue, categories] {
        for lang in ["fr", "en"] {
            let html = admin.html(&site, &format!("{path}?lang={lang}")).await;
            assert!(html.contains(&format!("<html lang=\"{lang}\">")) && html.matches("<h1").count() == 1, "{path}");
        }
    }

    // A report's page: the staff's tools for the staff only.
    let report_path = format!("/c/75056/citoyen/signalements/{report}");
    let public = resident.html(&site, &report_path).await;
    for form in ["assign-form", "note-form", "merge-form", "acknowledge-form"] {
        assert!(!public.contains(&format!("id=\"{form}\"")), "a resident sees no {form}");
    }
    let staff = agent.html(&site, &report_path).await;
    for form in ["assign-form", "note-form", "merge-form", "acknowledge-form"] {
        assert!(staff.contains(&format!("id=\"{form}\"")), "the agent sees {form}");
    }
    let note = format!("{report_path}/notes");
    let forged = resident.submit(&site, &note, &[("note", "je ne suis pas agent")]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "the service refuses a resident's note");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn agents_assign_write_notes_and_merge_duplicates_on_the_report_page() {
    let site = site().await;
    let anne = site.resident("anne@example.fr").await;
    let bruno = site.resident("bruno@example.fr").await;
    let kept = anne.report(&site, "Trottoir défoncé", "48.8400", "2.3300").await;
    let duplicate = bruno.report(&site, "Trottoir abîmé", "48.8400", "2.3300").await;
    let carla = site.resident("carla@example.fr").await;
    let support = carla.submit(&site, &format!("/c/75056/citoyen/signalements/{duplicate}/soutenir"), &[]).await;
    assert_eq!(support.status(), StatusCode::SEE_OTHER);
    let agent = site.staff("agent@example.fr", "agent").await;
    let path = |id: &str| format!("/c/75056/citoyen/signalements/{id}");

    // Assignment: to a department, and to oneself.
    let assign =
        agent.submit(&site, &format!("{}/attribuer", path(&kept)), &[("department", "voirie"), ("to_me", "1")]).await;
    assert_eq!(assign.status(), StatusCode::SEE_OTHER);
    let page = agent.html(&site, &path(&kept)).await;
    assert!(page.contains("Service : voirie") && page.contains("suivi par vous"), "{page}");
    let mine = agent.html(&site, "/c/75056/administration/signalements/?status=open&mine=1").await;
    assert!(mine.contains("Trottoir défoncé") && !mine.contains("Trottoir abîmé"), "assigned to me");
    let by_email = agent.submit(&site, &format!("{}/attribuer", path(&kept)), &[("agent", "someone@example.fr")]).await;
    assert_eq!(by_email.status(), StatusCode::BAD_REQUEST, "only administrators look accounts up by e-mail");
    assert!(by_email.text().await.expect("html").contains("id=\"agent-error\""));

    // Internal notes: the staff's only.
    let note = agent.submit(&site, &format!("{}/notes", path(&kept)), &[("note", "Voir avec l'entreprise X")]).await;
    assert_eq!(note.status(), StatusCode::SEE_OTHER);
    assert!(agent.html(&site, &path(&kept)).await.contains("Voir avec l&#39;entreprise X"));
    assert!(!anne.html(&site, &path(&kept)).await.contains("entreprise X"), "never shown to residents");
    let empty = agent.submit(&site, &format!("{}/notes", path(&kept)), &[("note", "  ")]).await;
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    assert!(empty.text().await.expect("html").contains("id=\"note-error\""));

    // Merging: the duplicate points to the kept report, which takes its supporter.
    let into_self = agent.submit(&site, &format!("{}/fusionner", path(&duplicate)), &[("into", &duplicate)]).await;
    assert_eq!(into_self.status(), StatusCode::BAD_REQUEST);
    assert!(into_self.text().await.expect("html").contains("id=\"into-error\""));
    let url = format!("http://example.org{}", path(&kept));
    let merged = agent
        .submit(&site, &format!("{}/fusionner", path(&duplicate)), &[("into", &url), ("merge_message", "Même trou")])
        .await;
    assert_eq!(merged.status(), StatusCode::SEE_OTHER);
    let closed = carla.html(&site, &path(&duplicate)).await;
    assert!(closed.contains(&format!("href=\"{}\"", path(&kept))) && closed.contains("Même trou"), "{closed}");
    let kept_page = carla.html(&site, &path(&kept)).await;
    assert!(kept_page.contains("Vous soutenez ce signalement."), "the supporter moved with the merge");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn agents_acknowledge_in_bulk_and_each_outcome_is_said() {
    let site = site().await;
    let anne = site.resident("anne@example.fr").await;
    let ids = [
        anne.report(&site, "Premier problème", "48.8101", "2.3101").await,
        anne.report(&site, "Deuxième problème", "48.8202", "2.3202").await,
        anne.report(&site, "Troisième problème", "48.8303", "2.3303").await,
    ];
    let agent = site.staff("agent@example.fr", "agent").await;
    let ack = agent.submit(&site, &format!("/c/75056/citoyen/signalements/{}", ids[2]), &[("message", "Vu")]).await;
    assert_eq!(ack.status(), StatusCode::SEE_OTHER);

    let queue = agent.html(&site, "/c/75056/administration/signalements/").await;
    assert!(queue.contains("id=\"bulk-acknowledge-form\""));
    for id in &ids {
        assert!(queue.contains(&format!("name=\"report_id\" value=\"{id}\"")), "{id} is in the queue");
    }
    let nonce = attribute_after(&queue, "name=\"nonce\"", "value");
    let bulk = "/c/75056/administration/signalements/prendre-en-compte";
    let none = agent.submit(&site, bulk, &[("nonce", &nonce), ("message", "Merci")]).await;
    assert_eq!(none.status(), StatusCode::BAD_REQUEST);
    let html = none.text().await.expect("html");
    assert!(html.contains("id=\"report_id-error\"") && html.contains("Merci"), "nothing selected, the message kept");

    let fields = [
        ("nonce", nonce.as_str()),
        ("message", "Une équipe passe cette semaine"),
        ("report_id", &ids[0]),
        ("report_id", &ids[1]),
        ("report_id", &ids[2]),
    ];
    let result = agent.submit(&site, bulk, &fields).await;
    assert_eq!(result.status(), StatusCode::OK);
    let html = result.text().await.expect("html");
    assert!(html.contains("2 signalements pris en compte"), "{html}");
    assert!(html.contains("id=\"bulk-failed\"") && html.contains("Troisième problème"), "the one that failed is named");
    // The same form posted again (a reload): nothing acknowledged twice.
    let again = agent.submit(&site, bulk, &fields).await;
    assert!(again.text().await.expect("html").contains("2 signalements pris en compte"));
    let page = anne.html(&site, &format!("/c/75056/citoyen/signalements/{}", ids[0])).await;
    assert_eq!(page.matches("Une équipe passe cette semaine").count(), 1, "one public step");
    let open = agent.html(&site, "/c/75056/administration/signalements/?status=new").await;
    assert!(!open.contains("Premier problème") && !open.contains("Deuxième problème"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_commune_administrator_defines_categories_and_their_questions() {
    let site = site().await;
    let admin = site.staff("maire@example.fr", "commune_admin").await;
    let path = "/c/75056/administration/categories/";
    let page = admin.html(&site, path).await;
    assert!(page.contains("Voirie et trottoirs") && page.contains("id=\"category-form\""), "the standard categories");

    let invalid = admin
        .submit(
            &site,
            path,
            &[
                ("code", "Pas Bon"),
                ("name", ""),
                ("questions", "2"),
                ("q0_code", "taille"),
                ("q0_question", "Quelle taille ?"),
                ("q0_type", "single"),
                ("q0_values", ""),
            ],
        )
        .await;
    assert_eq!(invalid.status(), StatusCode::BAD_REQUEST);
    let html = invalid.text().await.expect("html");
    for id in ["code-error", "name-error", "q0_values-error"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(html.contains("aria-describedby=\"q0_values-hint q0_values-error\""));
    assert!(html.contains("value=\"Quelle taille ?\""), "what was typed is kept");

    let saved = admin
        .submit(
            &site,
            path,
            &[
                ("code", "nids-de-poule"),
                ("name", "Nids-de-poule"),
                ("department", "voirie"),
                ("keywords", "trou, chaussée"),
                ("active", "1"),
                ("questions", "2"),
                ("q0_code", "taille"),
                ("q0_question", "Quelle taille ?"),
                ("q0_type", "single"),
                ("q0_required", "1"),
                ("q0_values", "petit = Petit comme une pièce\nGrand comme une assiette"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let page = admin.html(&site, &format!("{path}?fait=1")).await;
    assert!(page.contains("La catégorie est enregistrée.") && page.contains("Nids-de-poule"));
    let edit = admin.html(&site, &format!("{path}?code=nids-de-poule")).await;
    assert!(edit.contains("grand-comme-une-assiette = Grand comme une assiette"), "keys made from labels");

    // Residents see it, with its question; a required answer left empty is said beside it.
    let anne = site.resident("anne@example.fr").await;
    let form = anne.html(&site, NEW_REPORT).await;
    assert!(form.contains("value=\"nids-de-poule\"") && form.contains("name=\"attr_taille\""));
    let fields = [("category", "nids-de-poule"), ("title", "Gros trou"), ("latitude", "48.85"), ("longitude", "2.35")];
    let unanswered = anne.submit(&site, NEW_REPORT, &fields).await;
    assert_eq!(unanswered.status(), StatusCode::BAD_REQUEST);
    assert!(unanswered.text().await.expect("html").contains("id=\"attr_taille-error\""));
    let mut answered = fields.to_vec();
    answered.push(("attr_taille", "grand-comme-une-assiette"));
    let sent = anne.submit(&site, NEW_REPORT, &answered).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let location = sent.headers()["location"].to_str().expect("location").to_owned();
    let report = anne.html(&site, &location).await;
    assert!(report.contains("Quelle taille ?") && report.contains("Grand comme une assiette"));
    assert!(report.contains("Service : voirie"), "routed to the category's department");

    // Retired: not offered any more, still listed for the administrator.
    let retired = admin
        .submit(
            &site,
            path,
            &[("code", "nids-de-poule"), ("name", "Nids-de-poule"), ("questions", "0"), ("editing", "1")],
        )
        .await;
    assert_eq!(retired.status(), StatusCode::SEE_OTHER);
    assert!(!anne.html(&site, NEW_REPORT).await.contains("value=\"nids-de-poule\""));
    assert!(admin.html(&site, path).await.contains("retirée"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_reports_list_filters_sorts_and_pages() {
    let site = site().await;
    let anne = site.resident("anne@example.fr").await;
    let bruno = site.resident("bruno@example.fr").await;
    anne.report(&site, "Arbre tombé au parc", "48.8900", "2.3900").await;
    let popular = anne.report(&site, "Feu rouge en panne", "48.8000", "2.3000").await;
    let support = bruno.submit(&site, &format!("/c/75056/citoyen/signalements/{popular}/soutenir"), &[]).await;
    assert_eq!(support.status(), StatusCode::SEE_OTHER);
    let list = |query: &str| {
        let path = format!("/c/75056/citoyen/signalements/?{query}");
        let (anne, site) = (&anne, &site);
        async move { anne.html(site, &path).await }
    };

    let text = list("text=arbre").await;
    assert!(text.contains("Arbre tombé") && !text.contains("Feu rouge"), "words");
    assert!(text.contains("id=\"reports-filters\"") && text.contains("value=\"arbre\""), "the filter is kept");
    let area = list("south=48.79&west=2.29&north=48.81&east=2.31").await;
    assert!(area.contains("Feu rouge") && !area.contains("Arbre tombé"), "bounding box");
    assert!(href_before(&area, "Voir ceux de toute la commune").ends_with("?status="), "a link shows everywhere again");
    let sorted = list("sort=most_supported").await;
    let (feu, arbre) = (sorted.find("Feu rouge").expect("feu"), sorted.find("Arbre tombé").expect("arbre"));
    assert!(feu < arbre, "the most supported first");
    let newest = list("sort=newest").await;
    assert!(newest.find("Arbre tombé").expect("arbre") > newest.find("Feu rouge").expect("feu"), "newest first");
    let acknowledged = list("status=acknowledged").await;
    assert!(!acknowledged.contains("Feu rouge"));
    let bad_date = list("from=demain").await;
    assert!(
        bad_date.contains("id=\"from-error\"") && bad_date.contains("Feu rouge"),
        "a bad date is said and left out"
    );
    let today = list("from=2000-01-01&to=2999-12-31&category=voirie").await;
    assert!(today.contains("Feu rouge"));

    // Pages: 21 reports, 20 a page; the next page keeps the filters.
    for i in 0..21 {
        anne.report(&site, &format!("Problème numéro {i}"), &format!("48.7{i:02}"), "2.2000").await;
    }
    let first = list("text=probleme").await;
    assert_eq!(first.matches("class=\"card-title\"").count(), 20);
    let next = href_before(&first, "rel=\"next\"");
    assert!(next.contains("text=probleme") && next.contains("page="), "{next}");
    let second = anne.html(&site, &next).await;
    assert_eq!(second.matches("class=\"card-title\"").count(), 1, "the 21st");
    assert!(second.contains("Première page") && !second.contains("rel=\"next\""));
}
