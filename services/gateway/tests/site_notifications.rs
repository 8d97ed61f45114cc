//! Following, subscribing and notification preferences on the site, over the
//! real identity, reports, dialogue and notifications services: the follow
//! button on a question's and a proposal's page, the account's notifications
//! page (preferences, follows with their titles, subscriptions), a commune's
//! subscriptions page, with CSRF, bad input said beside its field, and each
//! account alone with its own choices.

use std::sync::Arc;
use std::time::Duration;

use miroir_auth::Verifier;
use miroir_dialogue::api::{DialogueApi, PostingLimit};
use miroir_eventstore::feed::LocalFeed;
use miroir_gateway::GatewayConfig;
use miroir_identity::api::IdentityApi;
use miroir_identity::{IdentityConfig, operator_cli};
use miroir_notifications::api::NotificationsApi;
use miroir_notifications::intake::Source;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::dialogue::v1::dialogue_server::DialogueServer;
use miroir_proto::identity::v1::identity_server::IdentityServer;
use miroir_proto::notifications::v1::notifications_server::NotificationsServer;
use miroir_proto::reports::v1::reports_server::ReportsServer;
use miroir_reports::api::{Links, ReportsApi};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use tokio_util::sync::CancellationToken;

mod support;
use support::{cookie_header, hidden, serve_gateway, serve_grpc, set_cookies};

const PASSWORD: &str = "le chat dort au soleil";

struct Site {
    base: String,
    http: reqwest::Client,
    identity: miroir_identity::Identity,
    token: CancellationToken,
    _dbs: (TestDatabase, TestDatabase, TestDatabase, TestDatabase),
}

impl Drop for Site {
    fn drop(&mut self) {
        self.token.cancel();
    }
}

/// The site with a posting limit of `posts` per account in ten minutes, and a 10-day answer commitment.
async fn site(posts: u32) -> Site {
    let token = CancellationToken::new();
    let identity_db = TestDatabase::sqlite().await;
    miroir_identity::migrate_database(&identity_db.db).await.expect("migrate identity");
    let config = IdentityConfig { log_links: false, public_url: String::new() };
    let identity = miroir_identity::open(identity_db.db.clone(), config).await.expect("identity");
    for (insee, name, department) in [("75056", "Paris", "75"), ("69123", "Lyon", "69")] {
        identity.register_commune(&operator_cli(), insee, name, department, "Collectif", 7, "").await.expect("commune");
    }
    let verifier = Verifier::from_jwks(&identity.jwks().await.expect("jwks")).expect("verifier");
    let identity_routes = tonic::service::Routes::new(IdentityServer::with_interceptor(
        IdentityApi::new(identity.clone()),
        miroir_auth::grpc::authenticate(verifier.clone()),
    ));
    let identity_url = serve_grpc(identity_routes, &token).await;

    let reports_db = TestDatabase::sqlite().await;
    miroir_reports::migrate_database(&reports_db.db).await.expect("migrate reports");
    let store = miroir_reports::open(reports_db.db.clone()).await.expect("reports");
    let reports_log = store.clone();
    let links = Links { public_url: String::new(), log_links: false, sink: None };
    let reports_routes = tonic::service::Routes::new(ReportsServer::with_interceptor(
        ReportsApi::new(store).with_links(links),
        miroir_auth::grpc::authenticate(verifier.clone()),
    ));
    let reports_url = serve_grpc(reports_routes, &token).await;

    let dialogue_db = TestDatabase::sqlite().await;
    miroir_dialogue::migrate_database(&dialogue_db.db).await.expect("migrate dialogue");
    let store = miroir_dialogue::open(dialogue_db.db.clone()).await.expect("dialogue");
    let dialogue_log = store.clone();
    let api = DialogueApi::new(store)
        .with_commitment_days(10)
        .with_posting_limit(PostingLimit { posts, window_us: 600_000_000 });
    let verifier_for_notifications = verifier.clone();
    let dialogue_routes =
        tonic::service::Routes::new(DialogueServer::with_interceptor(api, miroir_auth::grpc::authenticate(verifier)));
    let dialogue_url = serve_grpc(dialogue_routes, &token).await;

    let notifications_db = TestDatabase::sqlite().await;
    miroir_notifications::migrate_database(&notifications_db.db).await.expect("migrate notifications");
    let store = miroir_notifications::open(notifications_db.db.clone()).await.expect("notifications");
    // The intake, as the binary runs it: every source log, in-process.
    let sources = Arc::new(LocalFeed::new([identity.store().clone(), reports_log, dialogue_log]));
    for source in [Source::Identity, Source::Reports, Source::Dialogue] {
        let (db, feed, token) = (notifications_db.db.clone(), sources.clone(), token.clone());
        tokio::spawn(
            async move { miroir_notifications::intake::follow(&db, feed.as_ref(), source, None, token).await },
        );
    }
    let notifications_routes = tonic::service::Routes::new(NotificationsServer::with_interceptor(
        NotificationsApi::new(store).allow_loopback_webhooks(),
        miroir_auth::grpc::authenticate(verifier_for_notifications),
    ));
    let notifications_url = serve_grpc(notifications_routes, &token).await;

    let config = GatewayConfig {
        reports_url,
        identity_url,
        publications_url: "http://127.0.0.1:9".to_owned(),
        dialogue_url,
        notifications_url,
        transparency_url: "http://127.0.0.1:9".to_owned(),
        trusted_proxies: Default::default(),
    };
    let base = serve_gateway(&config, &token).await;
    let http = reqwest::Client::builder().redirect(Policy::none()).build().expect("client");
    Site { base, http, identity, token, _dbs: (identity_db, reports_db, dialogue_db, notifications_db) }
}

/// Someone on the site: the cookies of their browser.
struct Person {
    cookies: String,
    csrf: String,
    account_id: String,
}

impl Site {
    /// A new account of 75056 with `role` ("resident": none), signed in through the sign-in form.
    async fn person(&self, email: &str, role: &str) -> Person {
        let account = self.identity.sign_up(email, PASSWORD, "Quelqu'un", "75056", "").await.expect("account");
        if role != "resident" {
            self.identity
                .grant_role(&operator_cli(), &account.account_id, "75056", role, "", "test", "")
                .await
                .expect("role");
        }
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
        Person { cookies: cookie_header(&jar), csrf, account_id: account.account_id }
    }

    /// Someone not signed in.
    async fn anonymous(&self) -> Person {
        let page = self.http.get(format!("{}/compte/connexion", self.base)).send().await.expect("page");
        let jar = set_cookies(&page);
        let csrf = hidden(&page.text().await.expect("html"), "csrf");
        Person { cookies: cookie_header(&jar), csrf, account_id: String::new() }
    }
}

impl Person {
    async fn get(&self, site: &Site, path: &str) -> reqwest::Response {
        site.http.get(format!("{}{path}", site.base)).header("cookie", &self.cookies).send().await.expect("GET")
    }

    /// A page, with the apostrophes askama escapes put back (so that French reads as typed).
    async fn html(&self, site: &Site, path: &str) -> String {
        let response = self.get(site, path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.text().await.expect("html").replace("&#39;", "'")
    }

    /// A post with the CSRF token and these fields.
    async fn submit(&self, site: &Site, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        site.http
            .post(format!("{}{path}", site.base))
            .header("cookie", &self.cookies)
            .form(&all)
            .send()
            .await
            .expect("POST")
    }

    /// A post that must succeed: the place it redirects to.
    async fn done(&self, site: &Site, path: &str, fields: &[(&str, &str)]) -> String {
        let response = self.submit(site, path, fields).await;
        let status = response.status();
        let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert_eq!(status, StatusCode::SEE_OTHER, "POST {path}: {}", response.text().await.unwrap_or_default());
        location
    }

    /// A post that must be refused with `status`: the page.
    async fn refused(&self, site: &Site, path: &str, fields: &[(&str, &str)], status: StatusCode) -> String {
        let response = self.submit(site, path, fields).await;
        let got = response.status();
        let html = response.text().await.expect("html").replace("&#39;", "'");
        assert_eq!(got, status, "POST {path}: {html}");
        html
    }
}

/// The id at the end of a place (`/c/75056/citoyen/questions/{id}`).
fn id_of(location: &str) -> String {
    location.rsplit('/').next().unwrap_or_default().split(['?', '#']).next().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn residents_follow_from_the_page_and_find_it_on_their_notifications_page() {
    let site = site(100).await;
    let anne = site.person("anne@example.fr", "resident").await;
    let bob = site.person("bob@example.fr", "resident").await;
    let anyone = site.anonymous().await;

    // Bob asks a question; Anne reads it and follows it.
    let asked = bob
        .done(&site, "/c/75056/citoyen/questions/", &[("title", "Quand rouvre la piscine ?"), ("body", "Merci.")])
        .await;
    let question = format!("/c/75056/citoyen/questions/{}", id_of(&asked));
    let page = anyone.html(&site, &question).await;
    assert!(page.contains("id=\"suivre\"") && page.contains("Connectez-vous pour suivre"), "{page}");
    let page = anne.html(&site, &question).await;
    assert!(page.contains("action=\"/compte/suivre\"") && page.contains(">Suivre</button>"), "{page}");
    let subject = format!("communes/75056/questions/{}", id_of(&asked));
    let back = anne.done(&site, "/compte/suivre", &[("subject", &subject), ("follow", "1"), ("back", &question)]).await;
    assert_eq!(back, format!("{question}#suivre"));
    let page = anne.html(&site, &question).await;
    assert!(page.contains("Vous suivez ceci") && page.contains(">Ne plus suivre</button>"), "{page}");
    // Bob did not choose: as its author, the notifications intake made him a follower, and the page says why.
    let mut bobs = String::new();
    for _ in 0..100 {
        bobs = bob.html(&site, &question).await;
        if bobs.contains("parce que vous y avez pris part") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(bobs.contains("parce que vous y avez pris part") && bobs.contains(">Ne plus suivre</button>"), "{bobs}");

    // Her notifications page lists it with its title, and stops it.
    let mine = anne.html(&site, "/compte/notifications").await;
    assert!(mine.contains("Quand rouvre la piscine ?") && mine.contains(&format!("href=\"{question}\"")), "{mine}");
    let carol = site.person("carol@example.fr", "resident").await;
    assert!(
        !carol.html(&site, "/compte/notifications").await.contains("Quand rouvre la piscine"),
        "Anne's are her own"
    );
    let back = anne
        .done(
            &site,
            "/compte/suivre",
            &[("subject", &subject), ("follow", "0"), ("back", "/compte/notifications#suivis")],
        )
        .await;
    assert_eq!(back, "/compte/notifications#suivis");
    assert!(!anne.html(&site, "/compte/notifications").await.contains("Quand rouvre la piscine ?"));

    // Not without the CSRF token, not signed out, never back to another site.
    let forged = site
        .http
        .post(format!("{}/compte/suivre", site.base))
        .header("cookie", &anne.cookies)
        .form(&[("subject", subject.as_str()), ("follow", "1"), ("back", question.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let signed_out =
        anyone.done(&site, "/compte/suivre", &[("subject", &subject), ("follow", "1"), ("back", &question)]).await;
    assert!(signed_out.starts_with("/compte/connexion"), "{signed_out}");
    let elsewhere = anne
        .done(&site, "/compte/suivre", &[("subject", &subject), ("follow", "1"), ("back", "https://evil.example/")])
        .await;
    assert_eq!(elsewhere, "/compte/notifications#suivre");
    let bad = anne
        .submit(&site, "/compte/suivre", &[("subject", "communes/75056/../x"), ("follow", "1"), ("back", "/")])
        .await;
    assert_eq!(bad.status(), StatusCode::NOT_FOUND, "a subject that is no resource");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn preferences_and_subscriptions_are_set_on_the_site() {
    let site = site(100).await;
    let anne = site.person("anne@example.fr", "resident").await;
    let agent = site.person("agent@example.fr", "agent").await;
    let anyone = site.anonymous().await;

    let to_sign_in = anyone.get(&site, "/compte/notifications").await;
    assert_eq!(to_sign_in.status(), StatusCode::SEE_OTHER);
    let page = anne.html(&site, "/compte/notifications").await;
    assert!(page.contains("id=\"cadence-immediately\" name=\"cadence\" value=\"immediately\" checked"), "{page}");
    assert!(
        !page.contains("department_reports\" value=\"1\" checked")
            || !page.contains("type=\"checkbox\" id=\"department_reports\""),
        "residents have no department"
    );
    assert!(
        agent.html(&site, "/compte/notifications").await.contains("type=\"checkbox\" id=\"department_reports\""),
        "staff choose"
    );

    let saved = anne.done(&site, "/compte/notifications", &[("cadence", "weekly"), ("locale", "en")]).await;
    assert_eq!(saved, "/compte/notifications?fait=preferences");
    let page = anne.html(&site, "/compte/notifications?fait=preferences").await;
    assert!(page.contains("Vos préférences sont enregistrées.") && page.contains("value=\"weekly\" checked"), "{page}");
    assert!(page.contains("<option value=\"en\" selected"), "{page}");
    let refused = anne.refused(&site, "/compte/notifications", &[("cadence", "hourly")], StatusCode::BAD_REQUEST).await;
    assert!(refused.contains("id=\"cadence-error\""), "{refused}");

    // A commune's subscriptions page: a space, and an area whose bad input is said beside its fields.
    let form = anne.html(&site, "/c/75056/abonnements").await;
    assert!(form.contains("id=\"subscribe-citizen\"") && form.contains("id=\"subscribe-area\""), "{form}");
    assert!(anyone.html(&site, "/c/75056/abonnements").await.contains("Connectez-vous pour vous abonner"));
    let done = anne.done(&site, "/c/75056/abonnements", &[("kind", "space"), ("space", "citizen")]).await;
    assert_eq!(done, "/compte/notifications?fait=abonnement#abonnements");
    let refused = anne
        .refused(
            &site,
            "/c/75056/abonnements",
            &[("kind", "area"), ("latitude", "nord"), ("longitude", "2,35"), ("radius_m", "300")],
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert!(refused.contains("id=\"latitude-error\"") && refused.contains("value=\"2,35\""), "{refused}");
    let refused = anne
        .refused(
            &site,
            "/c/75056/abonnements",
            &[("kind", "area"), ("latitude", "48,8566"), ("longitude", "2,3522"), ("radius_m", "9000")],
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert!(refused.contains("id=\"radius_m-error\""), "the service's refusal, beside the field: {refused}");
    anne.done(
        &site,
        "/c/75056/abonnements",
        &[("kind", "area"), ("latitude", "48,8566"), ("longitude", "2,3522"), ("radius_m", "400")],
    )
    .await;
    let page = anne.html(&site, "/compte/notifications").await;
    assert!(page.contains("Tout l'espace citoyen") && page.contains("dans un rayon de 400 m"), "{page}");
    assert!(
        !agent.html(&site, "/compte/notifications").await.contains("Tout l'espace citoyen"),
        "the agent's are his own"
    );

    // Cancelled from the account page; someone else's subscription cannot be.
    let name = hidden(&page[page.find("id=\"subscriptions\"").expect("the list")..], "name");
    assert!(name.starts_with("communes/75056/subscriptions/"), "{name}");
    let stolen = agent.submit(&site, "/compte/notifications/resilier", &[("name", &name)]).await;
    assert_eq!(stolen.status(), StatusCode::NOT_FOUND);
    let cancelled = anne.done(&site, "/compte/notifications/resilier", &[("name", &name)]).await;
    assert_eq!(cancelled, "/compte/notifications?fait=resilie#abonnements");
    let page = anne.html(&site, "/compte/notifications").await;
    assert_eq!(page.matches("action=\"/compte/notifications/resilier\"").count(), 1, "one subscription left");

    // Every new page in both languages, with nothing missing from the catalogues.
    for path in ["/compte/notifications", "/c/75056/abonnements"] {
        for lang in ["fr", "en"] {
            let html = anne.html(&site, &format!("{path}?lang={lang}")).await;
            assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{path} in {lang}");
            assert!(!html.contains(">notif-") && !html.contains(">follow-"), "{path} in {lang}: a text is missing");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_one_click_link_of_an_email_unsubscribes_without_signing_in() {
    use miroir_notifications::unsubscribe::{Scope, UnsubscribeKey};
    let site = site(100).await;
    let anne = site.person("anne@example.fr", "resident").await;
    let asked =
        anne.done(&site, "/c/75056/citoyen/questions/", &[("title", "Où jeter le verre ?"), ("body", "Merci.")]).await;
    let question = format!("/c/75056/citoyen/questions/{}", id_of(&asked));
    let subject = format!("communes/75056/questions/{}", id_of(&asked));
    anne.done(&site, "/compte/suivre", &[("subject", &subject), ("follow", "1"), ("back", &question)]).await;
    let key = UnsubscribeKey::load_or_create(&site._dbs.3.db).await.expect("the service's key");

    // Opening the link only asks: link checkers open links.
    let token = key.token(&anne.account_id, &Scope::Follow(subject.clone())).expect("token");
    let link = format!("{}/desabonnement/{token}", site.base);
    let page = site.http.get(&link).send().await.expect("GET");
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.expect("html");
    assert!(page.contains("id=\"unsubscribe-form\"") && page.contains("name=\"List-Unsubscribe\" value=\"One-Click\""));
    assert!(anne.html(&site, &question).await.contains("Ne plus suivre"), "still followed after a GET");

    // The mail client's one-click POST: no cookie, no CSRF token, RFC 8058's body.
    let clicked = site.http.post(&link).form(&[("List-Unsubscribe", "One-Click")]).send().await.expect("POST");
    assert_eq!(clicked.status(), StatusCode::OK);
    assert!(clicked.text().await.expect("html").contains("Vous ne suivez plus"));
    assert!(anne.html(&site, &question).await.contains(">Suivre</button>"), "unfollowed");

    // The "every e-mail" link turns e-mail off, the rest stays.
    let all = key.token(&anne.account_id, &Scope::All).expect("token");
    let link = format!("{}/desabonnement/{all}", site.base);
    let clicked = site.http.post(&link).form(&[("List-Unsubscribe", "One-Click")]).send().await.expect("POST");
    assert!(clicked.text().await.expect("html").contains("Vous ne recevrez plus de courriels"));
    assert!(anne.html(&site, "/compte/notifications").await.contains("value=\"never\" checked"));

    // Not without the one-click body; not with a token of someone else's making.
    let bare = site.http.post(&link).send().await.expect("POST");
    assert_eq!(bare.status(), StatusCode::BAD_REQUEST);
    let forged = UnsubscribeKey::from_bytes(&[9u8; 32]).token(&anne.account_id, &Scope::All).expect("token");
    let refused = site
        .http
        .post(format!("{}/desabonnement/{forged}", site.base))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let nonsense = site.http.get(format!("{}/desabonnement/%3Cscript%3E", site.base)).send().await.expect("GET");
    assert_eq!(nonsense.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_feed_says_what_happened_with_an_unread_count_until_read() {
    let site = site(100).await;
    let bob = site.person("bob@example.fr", "resident").await;
    let mayor = site.person("maire@example.fr", "elected_official").await;
    let asked = bob
        .done(&site, "/c/75056/citoyen/questions/", &[("title", "Quand rouvre la piscine ?"), ("body", "Merci.")])
        .await;
    let question = format!("/c/75056/citoyen/questions/{}", id_of(&asked));
    mayor.done(&site, &format!("{question}/repondre"), &[("answer", "Elle rouvre le 4 janvier.")]).await;

    // The intake follows the logs: the answer reaches the asker's feed (the mayor, who acted, hears nothing).
    let mut page = String::new();
    for _ in 0..100 {
        page = bob.html(&site, "/compte/notifications").await;
        // The count is asked with a short bound (a courtesy): under load a page may come without it.
        if page.contains("class=\"feed-item feed-unread\"") && page.contains("unread-badge") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let feed = &page[page.find("id=\"feed\"").expect("the feed")..];
    assert!(feed.contains("Quand rouvre la piscine ?") && feed.contains(&format!("href=\"{question}\"")), "{feed}");
    assert!(
        page.contains("class=\"badge unread-badge\" aria-hidden=\"true\">1</span>"),
        "the count in the menu: {page}"
    );
    assert!(page.contains("1 nouvelle notification non lue"), "said to screen readers");
    assert!(page.contains("id=\"deliveries\""), "the e-mail about it is listed with its state");
    let mayors = mayor.html(&site, "/compte/notifications").await;
    assert!(!mayors.contains("class=\"feed-item"), "the actor is not notified of their own act");
    let english = bob.html(&site, "/compte/notifications?lang=en").await;
    assert!(english.contains("1 unread notification") && english.contains("Quand rouvre la piscine ?"));

    // Marked read: no count any more.
    let done = bob.done(&site, "/compte/notifications/lu", &[]).await;
    assert_eq!(done, "/compte/notifications?fait=lu");
    let page = bob.html(&site, "/compte/notifications").await;
    assert!(!page.contains("unread-badge") && !page.contains("feed-unread") && page.contains("Quand rouvre"), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_commune_administrator_manages_webhooks_and_sees_their_deliveries() {
    let site = site(100).await;
    let admin = site.person("admin@example.fr", "commune_admin").await;
    let anne = site.person("anne@example.fr", "resident").await;
    let (client, _) = site
        .identity
        .create_client(&operator_cli(), "75056", "SI de la mairie", &["reports:read".to_owned()], "")
        .await
        .expect("an integration client");
    assert_eq!(anne.get(&site, "/c/75056/administration/webhooks/").await.status(), StatusCode::FORBIDDEN);
    let page = admin.html(&site, "/c/75056/administration/webhooks/").await;
    assert!(page.contains("Aucune adresse de réception.") && page.contains("SI de la mairie"), "{page}");

    // A bad address is said beside its field; a good one shows its secret once. (The intake must have learned the
    // client from identity's log first: until then the service says it does not know it.)
    let refused = admin
        .refused(
            &site,
            "/c/75056/administration/webhooks/",
            &[("client_id", &client.client_id), ("url", "ftp://example.fr/x"), ("event_types", "")],
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert!(refused.contains("id=\"url-error\""), "{refused}");
    let mut created = String::new();
    for _ in 0..100 {
        let response = admin
            .submit(
                &site,
                "/c/75056/administration/webhooks/",
                &[
                    ("client_id", &client.client_id),
                    ("url", "http://127.0.0.1:9/hook"),
                    ("event_types", "report.resolved"),
                ],
            )
            .await;
        if response.status() == StatusCode::OK {
            created = response.text().await.expect("html");
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(created.contains("id=\"hook-secret-value\">whsec_"), "the secret, once: {created}");
    let page = admin.html(&site, "/c/75056/administration/webhooks/").await;
    assert!(!page.contains("whsec_"), "never again");
    assert!(page.contains("http://127.0.0.1:9/hook") && page.contains("Active : les événements y sont envoyés."));
    let id =
        page.split("id=\"hook-").nth(1).and_then(|rest| rest.split('"').next()).expect("the endpoint's id").to_owned();
    let id = id.trim_end_matches("-url").to_owned();

    // Disabled with a reason, visible; enabled again; not by a resident; not without the CSRF token.
    let done = admin
        .done(
            &site,
            &format!("/c/75056/administration/webhooks/{id}/desactiver"),
            &[("reason", "Serveur en maintenance")],
        )
        .await;
    assert_eq!(done, format!("/c/75056/administration/webhooks/?fait=desactiver#hook-{id}"));
    let page = admin.html(&site, "/c/75056/administration/webhooks/?fait=desactiver").await;
    assert!(
        page.contains("Désactivée : Serveur en maintenance") && page.contains("rien n'y est plus envoyé"),
        "{page}"
    );
    let stranger = anne.submit(&site, &format!("/c/75056/administration/webhooks/{id}/activer"), &[]).await;
    assert_eq!(stranger.status(), StatusCode::FORBIDDEN);
    admin.done(&site, &format!("/c/75056/administration/webhooks/{id}/activer"), &[]).await;
    assert!(admin.html(&site, "/c/75056/administration/webhooks/").await.contains("Active : les événements"));
    let refused = admin
        .refused(
            &site,
            &format!("/c/75056/administration/webhooks/{id}/rejouer"),
            &[("from", "2026-12-09"), ("to", "hier")],
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert!(refused.contains("Indiquez deux dates"), "{refused}");
    for lang in ["fr", "en"] {
        let html = admin.html(&site, &format!("/c/75056/administration/webhooks/?lang={lang}")).await;
        assert!(!html.contains(">hook-") && !html.contains(">notif-"), "{lang}: a text is missing");
    }
}
