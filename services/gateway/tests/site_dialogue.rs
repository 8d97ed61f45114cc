//! The dialogue's pages over the real identity, reports and dialogue
//! services: questions answered officially with their delay against the
//! commitment (and overdue ones marked), a question sent to a report,
//! proposals supported once per account up to the administrator's threshold,
//! comment threads with officials highlighted, moderation in the open (flag,
//! hide with a public reason, the log of each space, one appeal), the rate
//! limit's form with its 429, tenant isolation and CSRF. (The browser test
//! `e2e/tests/dialogue.test.mjs` drives the same pages in Chromium.)

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use miroir_auth::Verifier;
use miroir_dialogue::api::{DialogueApi, PostingLimit, system_now_us};
use miroir_gateway::GatewayConfig;
use miroir_identity::api::IdentityApi;
use miroir_identity::{IdentityConfig, operator_cli};
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::dialogue::v1::dialogue_server::DialogueServer;
use miroir_proto::identity::v1::identity_server::IdentityServer;
use miroir_proto::reports::v1::reports_server::ReportsServer;
use miroir_reports::api::{Links, ReportsApi};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use tokio_util::sync::CancellationToken;

mod support;
use support::{cookie_header, hidden, serve_gateway, serve_grpc, set_cookies};

const PASSWORD: &str = "le chat dort au soleil";
const DAY_US: i64 = 24 * 3600 * 1_000_000;
const QUESTIONS: &str = "/c/75056/citoyen/questions/";
const PROPOSALS: &str = "/c/75056/citoyen/propositions/";

struct Site {
    base: String,
    http: reqwest::Client,
    identity: miroir_identity::Identity,
    /// Moves the dialogue service's clock (in days) while the test runs.
    days_later: Arc<AtomicI64>,
    token: CancellationToken,
    _dbs: (TestDatabase, TestDatabase, TestDatabase),
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
    let links = Links { public_url: String::new(), log_links: false, sink: None };
    let reports_routes = tonic::service::Routes::new(ReportsServer::with_interceptor(
        ReportsApi::new(store).with_links(links),
        miroir_auth::grpc::authenticate(verifier.clone()),
    ));
    let reports_url = serve_grpc(reports_routes, &token).await;

    let dialogue_db = TestDatabase::sqlite().await;
    miroir_dialogue::migrate_database(&dialogue_db.db).await.expect("migrate dialogue");
    let store = miroir_dialogue::open(dialogue_db.db.clone()).await.expect("dialogue");
    let days_later = Arc::new(AtomicI64::new(0));
    let clock_days = days_later.clone();
    let api = DialogueApi::new(store)
        .with_commitment_days(10)
        .with_posting_limit(PostingLimit { posts, window_us: 600_000_000 })
        .with_clock(Arc::new(move || system_now_us() + clock_days.load(Ordering::SeqCst) * DAY_US));
    let dialogue_routes =
        tonic::service::Routes::new(DialogueServer::with_interceptor(api, miroir_auth::grpc::authenticate(verifier)));
    let dialogue_url = serve_grpc(dialogue_routes, &token).await;

    let config = GatewayConfig {
        reports_url,
        identity_url,
        publications_url: "http://127.0.0.1:9".to_owned(),
        dialogue_url,
        notifications_url: "http://127.0.0.1:9".to_owned(),
        transparency_url: "http://127.0.0.1:9".to_owned(),
        trusted_proxies: Default::default(),
    };
    let base = serve_gateway(&config, &token).await;
    let http = reqwest::Client::builder().redirect(Policy::none()).build().expect("client");
    Site { base, http, identity, days_later, token, _dbs: (identity_db, reports_db, dialogue_db) }
}

/// Someone on the site: the cookies of their browser.
struct Person {
    cookies: String,
    csrf: String,
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
        Person { cookies: cookie_header(&jar), csrf }
    }

    /// Someone not signed in.
    async fn anonymous(&self) -> Person {
        let page = self.http.get(format!("{}/compte/connexion", self.base)).send().await.expect("page");
        let jar = set_cookies(&page);
        let csrf = hidden(&page.text().await.expect("html"), "csrf");
        Person { cookies: cookie_header(&jar), csrf }
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

/// Borrowed fields of owned values, for a post.
fn refs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The id at the end of a page's address (`/c/75056/citoyen/questions/{id}`).
fn id_of(location: &str) -> String {
    location.split(['#', '?']).next().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_question_is_answered_officially_with_its_delay_against_the_commitment() {
    let site = site(50).await;
    let resident = site.person("leo@example.fr", "resident").await;
    let agent = site.person("sami@example.fr", "agent").await;
    let anyone = site.anonymous().await;

    // Not signed in: no form, a way to sign in.
    let list = anyone.html(&site, QUESTIONS).await;
    assert!(!list.contains("id=\"question-form\"") && list.contains("/compte/connexion?suite="));

    let title = "La piscine <b>ouvre</b>-t-elle le dimanche ?";
    let page = resident.done(&site, QUESTIONS, &[("title", title), ("body", "Cet été, en juillet.")]).await;
    assert!(page.starts_with(QUESTIONS), "{page}");
    let html = anyone.html(&site, &page).await;
    assert!(
        html.contains("La piscine &#60;b&#62;ouvre&#60;/b&#62;-t-elle") || html.contains("&lt;b&gt;ouvre"),
        "escaped"
    );
    assert!(!html.contains("<b>ouvre</b>"), "never as HTML");
    assert!(html.contains("En attente de réponse") && html.contains("répondre en 10 jours"));
    assert!(!html.contains("id=\"answer-form\""), "no answer form for anyone");
    assert!(anyone.html(&site, QUESTIONS).await.contains(&page), "the list links to it");

    // A resident cannot answer; the commune's agent does.
    let path = format!("{page}/repondre");
    let refused = resident.refused(&site, &path, &[("answer", "Oui.")], StatusCode::FORBIDDEN).await;
    assert!(refused.contains("rôle nécessaire"), "a clear refusal");
    let empty = agent.refused(&site, &path, &[("answer", "  ")], StatusCode::BAD_REQUEST).await;
    assert!(empty.contains("id=\"answer-error\""), "the answer field's error");
    assert!(agent.html(&site, &page).await.contains("id=\"answer-form\""));
    let answered = agent.done(&site, &path, &[("answer", "Oui, de 9 h à 13 h, tout l'été.")]).await;
    assert_eq!(answered, format!("{page}#official-answer"));
    let html = anyone.html(&site, &page).await;
    for said in
        ["Réponse officielle", "Oui, de 9 h à 13 h", "Répondu le jour même", "répondre en 10 jours", "dans les délais"]
    {
        assert!(html.contains(said), "the page says {said}");
    }
    let english = anyone.html(&site, &format!("{page}?lang=en")).await;
    assert!(english.contains("Official answer") && english.contains("Answered the same day"));
    let again = agent.refused(&site, &path, &[("answer", "Encore.")], StatusCode::CONFLICT).await;
    assert!(again.contains("déjà reçu une réponse"));

    // Asked 20 days ago with a 10-day commitment: overdue, in the list and its filter; answered late.
    site.days_later.store(-20, Ordering::SeqCst);
    let old =
        resident.done(&site, QUESTIONS, &[("title", "Quand refait-on le trottoir ?"), ("body", "Rue de Lappe.")]).await;
    site.days_later.store(0, Ordering::SeqCst);
    let list = anyone.html(&site, QUESTIONS).await;
    assert_eq!(list.matches("badge overdue").count(), 1, "only the old one is overdue");
    let overdue = anyone.html(&site, &format!("{QUESTIONS}?retard=1")).await;
    assert!(overdue.contains(&old) && !overdue.contains(&page), "the filter keeps the overdue one only");
    agent.done(&site, &format!("{old}/repondre"), &[("answer", "Les travaux commencent lundi.")]).await;
    let html = anyone.html(&site, &old).await;
    assert!(html.contains("Répondu en 20 jours") && html.contains("en retard sur l'engagement"), "late, and said");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_question_is_sent_to_a_report_of_the_commune() {
    let site = site(50).await;
    let resident = site.person("leo@example.fr", "resident").await;
    let agent = site.person("sami@example.fr", "agent").await;
    let page = resident.done(&site, QUESTIONS, &[("title", "Un trou rue de Lappe ?"), ("body", "Devant le 12.")]).await;
    let path = format!("{page}/rediriger");
    let unknown = "0190c0de-0000-7000-8000-000000000001";
    let html = agent.refused(&site, &path, &[("report", unknown)], StatusCode::BAD_REQUEST).await;
    assert!(html.contains("id=\"report-error\""), "no such report: said beside the field");
    let report = agent
        .done(
            &site,
            "/c/75056/citoyen/signalements/nouveau",
            &[
                ("category", "voirie"),
                ("title", "Trou rue de Lappe"),
                ("latitude", "48.853"),
                ("longitude", "2.371"),
                ("confirmed", "1"),
            ],
        )
        .await;
    let message = "Nous le suivons comme un signalement.";
    // Staff may paste the report's address.
    agent.done(&site, &path, &[("report", &format!("http://site{report}")), ("redirect_message", message)]).await;
    let html = site.anonymous().await.html(&site, &page).await;
    assert!(html.contains("Transmise à un signalement") && html.contains(message));
    assert!(html.contains(&format!("href=\"{report}\"")), "links to the report");
    assert!(!html.contains("id=\"answer-form\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn proposals_are_supported_once_and_oblige_an_answer_at_the_threshold() {
    let site = site(50).await;
    let author = site.person("leo@example.fr", "resident").await;
    let supporter = site.person("ana@example.fr", "resident").await;
    let another = site.person("eli@example.fr", "resident").await;
    let admin = site.person("maire@example.fr", "commune_admin").await;
    let agent = site.person("sami@example.fr", "agent").await;

    // The administrator sets the threshold; nobody else may.
    let settings = "/c/75056/administration/dialogue/";
    assert_eq!(author.get(&site, settings).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(site.anonymous().await.get(&site, settings).await.status(), StatusCode::SEE_OTHER);
    let form = admin.html(&site, settings).await;
    assert!(form.contains("50 soutiens"), "the default threshold");
    let nonce = hidden(&form, "nonce");
    let zero =
        admin.refused(&site, settings, &[("support_threshold", "0"), ("nonce", &nonce)], StatusCode::BAD_REQUEST).await;
    assert!(zero.contains("id=\"support_threshold-error\""));
    let words = admin
        .refused(&site, settings, &[("support_threshold", "deux"), ("nonce", &nonce)], StatusCode::BAD_REQUEST)
        .await;
    assert!(words.contains("value=\"deux\""), "the value typed is kept");
    admin.done(&site, settings, &[("support_threshold", "2"), ("nonce", &nonce)]).await;
    assert!(admin.html(&site, settings).await.contains("2 soutiens"));
    author.refused(&site, settings, &[("support_threshold", "1"), ("nonce", "x")], StatusCode::FORBIDDEN).await;

    let page = author
        .done(&site, PROPOSALS, &[("title", "Des bancs place Voltaire"), ("body", "Trois bancs à l'ombre.")])
        .await;
    let list = site.anonymous().await.html(&site, PROPOSALS).await;
    assert!(list.contains("Aucun soutien sur 2 nécessaires"), "supports against the threshold");
    assert!(!author.html(&site, &page).await.contains("id=\"support-form\""), "no support of one's own proposal");

    // One support per account: a double click is one; a second from another page is refused, said.
    let html = supporter.html(&site, &page).await;
    let first = hidden(&html, "nonce");
    let support = format!("{page}/soutenir");
    supporter.done(&site, &support, &[("nonce", &first)]).await;
    supporter.done(&site, &support, &[("nonce", &first)]).await;
    let twice = supporter.refused(&site, &support, &[("nonce", "une-autre-page")], StatusCode::CONFLICT).await;
    assert!(twice.contains("Vous soutenez déjà cette proposition"));
    assert!(twice.contains("1 soutien sur 2"), "still one");

    another.done(&site, &support, &[("nonce", "n")]).await;
    let list = site.anonymous().await.html(&site, PROPOSALS).await;
    assert!(list.contains("2 soutiens sur 2") && list.contains("Réponse de la mairie due avant le"));
    let awaiting = site.anonymous().await.html(&site, &format!("{PROPOSALS}?attente=1")).await;
    assert!(awaiting.contains(&page), "in the awaiting filter");

    agent.done(&site, &format!("{page}/repondre"), &[("answer", "Nous les installons en juin.")]).await;
    let html = site.anonymous().await.html(&site, &page).await;
    assert!(
        html.contains("Réponse officielle")
            && html.contains("Nous les installons en juin.")
            && html.contains("dans les délais")
    );
    let awaiting = site.anonymous().await.html(&site, &format!("{PROPOSALS}?attente=1")).await;
    assert!(!awaiting.contains(&page), "answered: no longer awaiting");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn comments_are_threaded_officials_highlighted_and_moderation_is_public() {
    let site = site(50).await;
    let author = site.person("leo@example.fr", "resident").await;
    let neighbour = site.person("ana@example.fr", "resident").await;
    let agent = site.person("sami@example.fr", "agent").await;
    let moderator = site.person("jeanne@example.fr", "collective_moderator").await;
    let admin = site.person("maire@example.fr", "commune_admin").await;
    let page = author.done(&site, PROPOSALS, &[("title", "Un composteur rue Oberkampf"), ("body", "Au square.")]).await;
    let proposal = format!("communes/75056/proposals/{}", id_of(&page));

    let post = |reply_to: &str, body: &str| -> Vec<(&'static str, String)> {
        vec![
            ("target", proposal.clone()),
            ("reply_to", reply_to.to_owned()),
            ("body", body.to_owned()),
            ("back", page.clone()),
        ]
    };
    let first =
        neighbour.done(&site, "/c/75056/commentaires", &refs(&post("", "Bonne idée, j'en ai un chez moi."))).await;
    assert!(first.starts_with(&format!("{page}#comment-")), "{first}");
    let first_id = first.rsplit("#comment-").next().unwrap_or_default().to_owned();
    let first_name = format!("communes/75056/comments/{first_id}");
    let reply = agent
        .done(&site, "/c/75056/commentaires", &refs(&post(&first_name, "Le service propreté étudie le lieu.")))
        .await;
    let reply_id = reply.rsplit("#comment-").next().unwrap_or_default().to_owned();
    let html = site.anonymous().await.html(&site, &page).await;
    assert!(html.contains("2 commentaires"));
    let at = html.find(&format!("id=\"comment-{reply_id}\"")).expect("the reply");
    let start = html[..at].rfind("<article").expect("article");
    let reply_tag = &html[start..start + html[start..].find('>').expect("tag end")];
    assert!(reply_tag.contains("reply") && reply_tag.contains("comment-official"), "the official reply is highlighted");
    assert!(html.contains("Parole officielle de la commune"));
    // Replies are one level deep.
    let reply_name = format!("communes/75056/comments/{reply_id}");
    let deep = neighbour
        .refused(&site, "/c/75056/commentaires", &refs(&post(&reply_name, "Merci !")), StatusCode::BAD_REQUEST)
        .await;
    assert!(deep.contains("premier niveau") && deep.contains("Merci !"), "the form again, with the text typed");

    // Any account flags; the moderators see it in their queue.
    let flag = neighbour
        .done(
            &site,
            "/c/75056/moderation/signaler",
            &[("subject", &first_name), ("reason", "Hors sujet"), ("back", &page)],
        )
        .await;
    assert!(flag.starts_with("/c/75056/moderation/merci?"), "{flag}");
    assert!(neighbour.html(&site, &flag).await.contains("transmis aux modérateurs"));
    assert_eq!(neighbour.get(&site, "/c/75056/administration/moderation/").await.status(), StatusCode::FORBIDDEN);
    let queue = moderator.html(&site, "/c/75056/administration/moderation/").await;
    assert!(queue.contains(&format!("#comment-{first_id}")) && queue.contains("1 signalement"));
    assert!(queue.contains(&format!("id=\"hide-form-{first_id}\"")));

    // A resident's comment is the collective's to hide, not the town hall's.
    let hide = [("subject", first_name.as_str()), ("reason", "Publicité déguisée"), ("back", page.as_str())];
    let refused = agent.refused(&site, "/c/75056/moderation/masquer", &hide, StatusCode::FORBIDDEN).await;
    assert!(refused.contains("rôle nécessaire") && refused.contains("Publicité déguisée"), "the form again");
    assert_eq!(moderator.done(&site, "/c/75056/moderation/masquer", &hide).await, page);
    let html = site.anonymous().await.html(&site, &page).await;
    assert!(html.contains("Commentaire masqué par la modération : Publicité déguisée"));
    assert!(!html.contains("j'en ai un chez moi"), "its text is gone");
    let log = site.anonymous().await.html(&site, "/c/75056/citoyen/moderation/").await;
    assert!(log.contains("Masqué") && log.contains("Publicité déguisée") && log.contains("la modération du collectif"));
    assert!(log.contains(&format!("{page}#comment-{first_id}")), "the log links to the comment");
    let official_log = site.anonymous().await.html(&site, "/c/75056/officiel/moderation/").await;
    assert!(!official_log.contains("Publicité déguisée"), "not the official space's");

    // Its author appeals, once; a moderator restores it.
    let appeal = [("subject", first_name.as_str()), ("reason", "C'est une vraie expérience."), ("back", page.as_str())];
    assert!(neighbour.html(&site, &page).await.contains(&format!("id=\"appeal-form-{first_id}\"")));
    assert!(!author.html(&site, &page).await.contains(&format!("id=\"appeal-form-{first_id}\"")));
    author.refused(&site, "/c/75056/moderation/contester", &appeal, StatusCode::FORBIDDEN).await;
    neighbour.done(&site, "/c/75056/moderation/contester", &appeal).await;
    // The same post again is the same appeal (a double click); another is refused.
    neighbour.done(&site, "/c/75056/moderation/contester", &appeal).await;
    let again = [("subject", first_name.as_str()), ("reason", "Je conteste encore."), ("back", page.as_str())];
    let twice = neighbour.refused(&site, "/c/75056/moderation/contester", &again, StatusCode::CONFLICT).await;
    assert!(twice.contains("déjà contesté"));
    let queue = moderator.html(&site, "/c/75056/administration/moderation/").await;
    assert!(queue.contains(&format!("id=\"resolve-form-{first_id}\"")), "the appeal waits for a decision");
    let resolve = [
        ("subject", first_name.as_str()),
        ("decision", "restore"),
        ("reason", "Témoignage utile."),
        ("back", "/c/75056/administration/moderation/"),
    ];
    moderator.done(&site, "/c/75056/moderation/trancher", &resolve).await;
    assert!(site.anonymous().await.html(&site, &page).await.contains("j'en ai un chez moi"), "restored");
    let log = site.anonymous().await.html(&site, "/c/75056/citoyen/moderation/").await;
    assert!(log.contains("Contesté par son auteur") && log.contains("Rétabli") && log.contains("Témoignage utile."));

    // An official's comment is the town hall's to hide, in the official space's log.
    let hide = [("subject", reply_name.as_str()), ("reason", "Numéro de téléphone personnel"), ("back", page.as_str())];
    moderator.refused(&site, "/c/75056/moderation/masquer", &hide, StatusCode::FORBIDDEN).await;
    admin.done(&site, "/c/75056/moderation/masquer", &hide).await;
    let official_log = site.anonymous().await.html(&site, "/c/75056/officiel/moderation/").await;
    assert!(official_log.contains("Numéro de téléphone personnel") && official_log.contains("la mairie"));
    let log = site.anonymous().await.html(&site, "/c/75056/citoyen/moderation/").await;
    assert!(!log.contains("Numéro de téléphone personnel"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn posting_past_the_limit_gives_the_form_back_with_429() {
    let site = site(2).await;
    let resident = site.person("leo@example.fr", "resident").await;
    resident.done(&site, QUESTIONS, &[("title", "Première question"), ("body", "Un.")]).await;
    resident.done(&site, PROPOSALS, &[("title", "Première proposition"), ("body", "Deux.")]).await;
    let html = resident
        .refused(&site, QUESTIONS, &[("title", "Troisième envoi"), ("body", "Trois.")], StatusCode::TOO_MANY_REQUESTS)
        .await;
    assert!(html.contains("patientez quelques minutes"), "a clear message");
    assert!(html.contains("id=\"question-form\"") && html.contains("value=\"Troisième envoi\""), "the form, as typed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn other_communes_and_forged_posts_are_refused() {
    let site = site(50).await;
    let resident = site.person("leo@example.fr", "resident").await;
    let moderator = site.person("jeanne@example.fr", "collective_moderator").await;
    let page = resident.done(&site, QUESTIONS, &[("title", "Une question de Paris"), ("body", "Oui.")]).await;
    let id = id_of(&page);
    // Paris's question is not Lyon's, by any path.
    assert_eq!(resident.get(&site, &format!("/c/69123/citoyen/questions/{id}")).await.status(), StatusCode::NOT_FOUND);
    assert!(!site.anonymous().await.html(&site, "/c/69123/citoyen/questions/").await.contains(&id));
    let subject = format!("communes/75056/questions/{id}");
    let hide = [("subject", subject.as_str()), ("reason", "Hors de Lyon"), ("back", "/c/69123/")];
    assert_eq!(moderator.submit(&site, "/c/69123/moderation/masquer", &hide).await.status(), StatusCode::NOT_FOUND);
    let comment = [("target", "communes/75056/reports/abc"), ("body", "Bonjour"), ("back", "/c/69123/")];
    assert_eq!(resident.submit(&site, "/c/69123/commentaires", &comment).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(resident.get(&site, "/c/75056/citoyen/questions/a%2Fb").await.status(), StatusCode::NOT_FOUND);

    // Without the CSRF token: refused, nothing asked.
    let forged = site
        .http
        .post(format!("{}{QUESTIONS}", site.base))
        .header("cookie", &resident.cookies)
        .form(&[("title", "Question forgée"), ("body", "Non.")])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(!site.anonymous().await.html(&site, QUESTIONS).await.contains("Question forgée"));
    // Not signed in: sent to sign in.
    let anyone = site.anonymous().await;
    let response = anyone.submit(&site, QUESTIONS, &[("title", "Anonyme"), ("body", "Non.")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(response.headers()["location"].to_str().expect("location").starts_with("/compte/connexion?suite="));
}
