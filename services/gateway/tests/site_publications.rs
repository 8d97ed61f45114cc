//! The site's publications and the two spaces, over the real identity, reports,
//! publications and dialogue services: an agent drafts, publishes and amends a
//! project and residents read the revision's diff; the collective follows the
//! project and each page links to the other; scheduling, archiving, the
//! writers' pages refused to others, CSRF, escaping, tenant isolation, and every
//! new page in both languages. (The browser tests in `e2e/tests/publications*.test.mjs`
//! drive the same pages in Chromium.)

use miroir_auth::Verifier;
use miroir_dialogue::api::DialogueApi;
use miroir_gateway::GatewayConfig;
use miroir_gateway::site::pages::publication_form::paris_datetime_value;
use miroir_identity::api::IdentityApi;
use miroir_identity::{IdentityConfig, operator_cli};
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::dialogue::v1::dialogue_server::DialogueServer;
use miroir_proto::identity::v1::identity_server::IdentityServer;
use miroir_proto::publications::v1::publications_server::PublicationsServer;
use miroir_proto::reports::v1::reports_server::ReportsServer;
use miroir_publications::api::PublicationsApi;
use miroir_reports::api::ReportsApi;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use tokio_util::sync::CancellationToken;

mod support;
use support::{cookie_header, hidden, serve_gateway, serve_grpc, set_cookies};

const PASSWORD: &str = "le chat dort au soleil";
const PDF: &[u8] = include_bytes!("../../publications/tests/fixtures/deliberation.pdf");
const JPEG: &[u8] = include_bytes!("../../../e2e/fixtures/photo.jpg");

struct Site {
    base: String,
    http: reqwest::Client,
    identity: miroir_identity::Identity,
    token: CancellationToken,
    _dbs: Vec<TestDatabase>,
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
    for (insee, name, department) in [("75056", "Paris", "75"), ("69123", "Lyon", "69")] {
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
    let reports_db = TestDatabase::sqlite().await;
    miroir_reports::migrate_database(&reports_db.db).await.expect("migrate reports");
    let reports = miroir_reports::open(reports_db.db.clone()).await.expect("reports");
    let reports_url = serve_grpc(
        tonic::service::Routes::new(ReportsServer::with_interceptor(ReportsApi::new(reports), authenticate())),
        &token,
    )
    .await;
    let publications_db = TestDatabase::sqlite().await;
    miroir_publications::migrate_database(&publications_db.db).await.expect("migrate publications");
    let publications = miroir_publications::open(publications_db.db.clone()).await.expect("publications");
    let publications_url = serve_grpc(
        tonic::service::Routes::new(PublicationsServer::with_interceptor(
            PublicationsApi::new(publications).with_attachments(miroir_objects::ObjectStore::in_memory()),
            authenticate(),
        )),
        &token,
    )
    .await;
    let dialogue_db = TestDatabase::sqlite().await;
    miroir_dialogue::migrate_database(&dialogue_db.db).await.expect("migrate dialogue");
    let dialogue = miroir_dialogue::open(dialogue_db.db.clone()).await.expect("dialogue");
    let dialogue_url = serve_grpc(
        tonic::service::Routes::new(DialogueServer::with_interceptor(DialogueApi::new(dialogue), authenticate())),
        &token,
    )
    .await;
    let config = GatewayConfig {
        reports_url,
        identity_url,
        publications_url,
        dialogue_url,
        notifications_url: "http://127.0.0.1:9".to_owned(),
        transparency_url: "http://127.0.0.1:9".to_owned(),
        trusted_proxies: Default::default(),
    };
    let base = serve_gateway(&config, &token).await;
    let http = reqwest::Client::builder().redirect(Policy::none()).build().expect("client");
    Site { base, http, identity, token, _dbs: vec![identity_db, reports_db, publications_db, dialogue_db] }
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

    /// Someone who is not signed in.
    fn anonymous(&self) -> Person {
        Person { cookies: String::new(), csrf: String::new() }
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

    /// Creates a draft through the new-draft form of `space` ("officiel", "citoyen") and returns its id.
    async fn draft(&self, site: &Site, space: &str, fields: &[(&str, &str)]) -> String {
        let kind = fields.iter().find(|(k, _)| *k == "kind").map(|(_, v)| *v).expect("kind");
        let form = self.html(site, &format!("/c/75056/{space}/redaction/nouveau?kind={kind}")).await;
        let nonce = hidden(&form, "nonce");
        let mut all = fields.to_vec();
        all.push(("nonce", &nonce));
        let sent = self.submit(site, &format!("/c/75056/{space}/redaction/nouveau"), &all).await;
        let status = sent.status();
        let location = sent.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
        assert_eq!(status, StatusCode::SEE_OTHER, "draft: {}", sent.text().await.unwrap_or_default());
        let path = location.strip_suffix("/modifier?enregistre=1").expect("to the writers' page");
        path.rsplit('/').next().expect("id").to_owned()
    }

    /// Sends the file form of a publication's writers' page (`multipart/form-data`, the CSRF token first, as the
    /// page's form sends it); `csrf` false leaves the token out.
    async fn attach(
        &self,
        site: &Site,
        id: &str,
        (filename, content): (&str, &[u8]),
        texts: &[(&str, &str)],
        csrf: bool,
    ) -> reqwest::Response {
        let boundary = "----miroir-site-test-7c1e";
        let mut body = Vec::new();
        let mut text = |name: &str, value: &str| {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        };
        if csrf {
            text("csrf", &self.csrf);
        }
        for (name, value) in texts {
            text(name, value);
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        site.http
            .post(format!("{}/c/75056/publications/{id}/fichiers", site.base))
            .header("cookie", &self.cookies)
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .expect("POST a file")
    }

    /// Publishes a draft now.
    async fn publish(&self, site: &Site, id: &str) {
        let sent = self.submit(site, &format!("/c/75056/publications/{id}/publier"), &[("when", "now")]).await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER, "publish: {}", sent.text().await.unwrap_or_default());
        assert_eq!(sent.headers()["location"], format!("/c/75056/publications/{id}").as_str());
    }
}

const PROJECT: &[(&str, &str)] = &[
    ("kind", "project"),
    ("title", "Rénovation de l'école Jules-Ferry"),
    ("body", "Les travaux commencent en mars.\nLa cour reste ouverte.\n\nUn second paragraphe."),
    ("status", "in_progress"),
    ("progress", "40"),
    ("budget_planned", "12 500"),
    ("budget_spent", "1 234,50"),
    ("funding_sources", "Commune\nRégion"),
    ("department", "Bâtiments scolaires"),
    ("address", "12 rue de l'École"),
    ("milestones", "2"),
    ("m0_title", "Début des travaux"),
    ("m0_date", "2026-03-02"),
    ("m0_done", "1"),
    ("m1_title", "Livraison"),
    ("m1_date", "2026-09-01"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_agent_drafts_publishes_and_amends_a_project_and_residents_read_the_diff() {
    let site = site().await;
    let agent = site.person("agent@example.fr", "agent").await;
    let anyone = site.anonymous();

    let desk = agent.html(&site, "/c/75056/officiel/redaction/").await;
    assert!(desk.contains("/c/75056/officiel/redaction/nouveau?kind=project"), "the desk offers each kind");
    let chooser = agent.html(&site, "/c/75056/officiel/redaction/nouveau").await;
    assert!(chooser.contains("id=\"kind-choice\""), "without a kind, the kinds to choose from");
    let form = agent.html(&site, "/c/75056/officiel/redaction/nouveau?kind=project").await;
    assert!(form.contains("id=\"publication-form\"") && form.contains("name=\"m0_title\""), "the project's fields");

    let id = agent.draft(&site, "officiel", PROJECT).await;
    let page = format!("/c/75056/publications/{id}");
    assert_eq!(anyone.get(&site, &page).await.status(), StatusCode::NOT_FOUND, "a draft is not public");
    let edit = agent.html(&site, &format!("{page}/modifier?enregistre=1")).await;
    assert!(edit.contains("id=\"saved\"") && edit.contains("id=\"publish-form\""), "saved, and ready to publish");
    assert!(edit.contains("value=\"12500\"") && edit.contains("value=\"1234,50\""), "the amounts typed back");
    assert!(agent.html(&site, "/c/75056/officiel/redaction/").await.contains(&format!("{page}/modifier")));
    agent.publish(&site, &id).await;

    let html = anyone.html(&site, &page).await;
    assert!(html.contains("Rénovation de l&#39;école Jules-Ferry") || html.contains("Rénovation de l&#x27;école"));
    assert!(html.contains("<progress max=\"100\" value=\"40\" aria-label=\"Avancement : 40 %\""), "the progress bar");
    assert!(html.contains("12\u{202f}500\u{a0}€") && html.contains("1\u{202f}234,50\u{a0}€"), "the budget");
    assert!(html.contains("Début des travaux") && html.contains("étape franchie"), "the milestones, in words");
    assert!(html.contains("Pas de modification depuis la première publication."));
    assert!(!html.contains("id=\"edit-link\""), "no writers' link for residents");

    // An amendment needs its summary; the service's refusal is said beside the field.
    let mut amended: Vec<(&str, &str)> = PROJECT.to_vec();
    amended.retain(|(k, _)| !matches!(*k, "body" | "progress"));
    amended.extend([
        ("body", "Les travaux commencent en avril.\nLa cour reste ouverte.\n\nUn second paragraphe."),
        ("progress", "60"),
    ]);
    let refused = agent.submit(&site, &format!("{page}/modifier"), &amended).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = refused.text().await.expect("html");
    assert!(refused.contains("id=\"summary-error\"") && refused.contains("Résumez la modification"), "{refused}");
    assert!(refused.contains("commencent en avril"), "what was typed stays");
    amended.push(("summary", "Les travaux sont décalés d'un mois"));
    let sent = agent.submit(&site, &format!("{page}/modifier"), &amended).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(sent.headers()["location"], format!("{page}#revisions").as_str());

    let html = anyone.html(&site, &page).await;
    assert!(html.contains("Modification n° 1") && html.contains("Les travaux sont décalés d&#39;un mois"));
    assert!(
        html.contains(
            "<span class=\"visually-hidden\">Ligne retirée : </span><del>Les travaux commencent en mars.</del>"
        )
    );
    assert!(html.contains(
        "<span class=\"visually-hidden\">Ligne ajoutée : </span><ins>Les travaux commencent en avril.</ins>"
    ));
    assert!(html.contains("<td>40 %</td><td>60 %</td>"), "the details that changed, before and after");
    assert!(html.contains("1 modification"));
    let english = anyone.html(&site, &format!("{page}?lang=en")).await;
    assert!(english.contains("Amendment 1") && english.contains("Added line: "), "in English too");
    assert!(english.contains("€12,500"));

    // The commune's priorities and its official space show it.
    let home = anyone.html(&site, "/c/75056/").await;
    assert!(home.contains(&format!("href=\"{page}\"")) && home.contains("value=\"60\""), "a priority, with its bar");
    let official = anyone.html(&site, "/c/75056/officiel/").await;
    assert!(official.contains(&format!("href=\"{page}\"")));
    let projects = anyone.html(&site, "/c/75056/officiel/projets/").await;
    assert!(projects.contains(&format!("href=\"{page}\"")) && projects.contains("1 modification"));
    // A writer of the space sees the way to the writers' page.
    assert!(agent.html(&site, &page).await.contains("id=\"edit-link\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_collective_follows_a_project_and_each_page_links_to_the_other() {
    let site = site().await;
    let agent = site.person("agent@example.fr", "agent").await;
    let moderator = site.person("moderation@example.fr", "collective_moderator").await;
    let anyone = site.anonymous();
    let project = agent.draft(&site, "officiel", PROJECT).await;
    agent.publish(&site, &project).await;
    let project_page = format!("/c/75056/publications/{project}");

    let page = moderator.html(&site, &project_page).await;
    let write = format!("/c/75056/citoyen/redaction/nouveau?kind=follow_up&#38;project={project}");
    assert!(page.contains(&write), "the collective's writers are offered to follow it");
    assert!(!anyone.html(&site, &project_page).await.contains("redaction/nouveau"), "others are not");
    let form = moderator.html(&site, &write.replace("&#38;", "&")).await;
    assert!(form.contains(&format!("<option value=\"{project}\" selected>")), "the project chosen");

    let note = moderator
        .draft(
            &site,
            "citoyen",
            &[
                ("kind", "follow_up"),
                ("title", "Visite du chantier de l'école"),
                ("body", "Le chantier a bien commencé."),
                ("project", &project),
            ],
        )
        .await;
    moderator.publish(&site, &note).await;
    let note_page = format!("/c/75056/publications/{note}");

    let page = anyone.html(&site, &project_page).await;
    let notes = &page[page.find("id=\"follow-up-notes\"").expect("the notes section")..];
    assert!(notes.contains(&format!("href=\"{note_page}\"")), "the project links to the note");
    let page = anyone.html(&site, &note_page).await;
    let followed = &page[page.find("id=\"followed-project\"").expect("the project followed")..];
    assert!(followed.contains(&format!("href=\"{project_page}\"")), "and the note to the project");
    for path in ["/c/75056/citoyen/", "/c/75056/citoyen/suivi/"] {
        let html = anyone.html(&site, path).await;
        let tracking = &html[html.find(&format!("href=\"{project_page}\"")).expect("the project tracked")..];
        assert!(tracking.contains(&format!("href=\"{note_page}\"")), "{path}: the note under its project");
        assert!(tracking.contains("1 note du collectif"), "{path}");
    }
    // A note must follow a published project of this commune.
    let refused = moderator
        .submit(
            &site,
            "/c/75056/citoyen/redaction/nouveau",
            &[("kind", "follow_up"), ("title", "Note sans projet"), ("project", &note), ("nonce", "n1")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.expect("html").contains("id=\"project-error\""));

    // A council decision relates to the project: both pages say so.
    let decision = agent
        .draft(
            &site,
            "officiel",
            &[
                ("kind", "decision"),
                ("title", "Financement des travaux de l'école"),
                ("session_date", "2026-02-12"),
                ("number", "2026-041"),
                ("votes_for", "21"),
                ("votes_against", "3"),
                ("abstentions", "2"),
                ("related", &project),
            ],
        )
        .await;
    agent.publish(&site, &decision).await;
    let page = anyone.html(&site, &format!("/c/75056/publications/{decision}")).await;
    assert!(
        page.contains("Adoptée") && page.contains("2026-041") && page.contains(&format!("href=\"{project_page}\""))
    );
    let page = anyone.html(&site, &project_page).await;
    assert!(page.contains(&format!("href=\"/c/75056/publications/{decision}\"")), "the project lists its decisions");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn publications_are_scheduled_archived_with_a_reason_and_budgets_show_their_lines() {
    let site = site().await;
    let agent = site.person("agent@example.fr", "elected_official").await;
    let anyone = site.anonymous();
    let news = agent
        .draft(&site, "officiel", &[("kind", "news"), ("title", "Fête de la musique"), ("body", "Le 21 juin.")])
        .await;
    let path = format!("/c/75056/publications/{news}");

    let refused = agent.submit(&site, &format!("{path}/publier"), &[("when", "later"), ("publish_at", "demain")]).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.expect("html").contains("id=\"publish_at-error\""));
    let refused =
        agent.submit(&site, &format!("{path}/publier"), &[("when", "later"), ("publish_at", "2020-01-01T10:00")]).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "not in the past");
    let in_two_days = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("now").as_micros()
        as i64
        + 2 * 86_400_000_000;
    let at = paris_datetime_value(in_two_days);
    let sent = agent.submit(&site, &format!("{path}/publier"), &[("when", "later"), ("publish_at", &at)]).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(anyone.get(&site, &path).await.status(), StatusCode::NOT_FOUND, "not public before its time");
    let desk = agent.html(&site, "/c/75056/officiel/redaction/").await;
    let scheduled = &desk
        [desk.find("id=\"scheduled\"").expect("scheduled section")..desk.find("id=\"published\"").expect("recent")];
    assert!(scheduled.contains("Fête de la musique"), "on the desk, scheduled");
    assert!(agent.html(&site, &path).await.contains("Programmé"));

    let budget = agent
        .draft(
            &site,
            "officiel",
            &[
                ("kind", "budget"),
                ("title", "Budget primitif 2026"),
                ("year", "2026"),
                ("lines", "3"),
                ("l0_label", "Voirie"),
                ("l0_amount", "1 200 000"),
                ("l1_label", ""),
                ("l1_amount", ""),
                ("l2_label", "Écoles"),
                ("l2_amount", "850 000,50"),
            ],
        )
        .await;
    let refused = agent
        .submit(
            &site,
            &format!("/c/75056/publications/{budget}/modifier"),
            &[
                ("title", "Budget primitif 2026"),
                ("year", "2026"),
                ("lines", "1"),
                ("l0_label", "Voirie"),
                ("l0_amount", "beaucoup"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(
        refused.text().await.expect("html").contains("id=\"l0_amount-error\""),
        "the wrong amount, beside its line"
    );
    agent.publish(&site, &budget).await;
    let page = anyone.html(&site, &format!("/c/75056/publications/{budget}")).await;
    assert!(page.contains("Voirie") && page.contains("1\u{202f}200\u{202f}000\u{a0}€"), "{page}");
    assert!(page.contains("2\u{202f}050\u{202f}000,50\u{a0}€"), "the total");

    let sent = agent.submit(&site, &format!("/c/75056/publications/{budget}/archiver"), &[("reason", "x")]).await;
    assert_eq!(sent.status(), StatusCode::BAD_REQUEST, "a reason of 3 characters at least");
    let sent = agent
        .submit(
            &site,
            &format!("/c/75056/publications/{budget}/archiver"),
            &[("reason", "Remplacé par le budget rectificatif")],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let page = anyone.html(&site, &format!("/c/75056/publications/{budget}")).await;
    let banner = &page[page.find("id=\"archived-banner\"").expect("the archived banner")..];
    assert!(banner.contains("Remplacé par le budget rectificatif"));
    let edit = agent.html(&site, &format!("/c/75056/publications/{budget}/modifier")).await;
    assert!(!edit.contains("id=\"publication-form\"") && !edit.contains("id=\"archive-form\""), "nothing more to do");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_pages_are_for_each_spaces_writers_with_csrf_and_within_their_commune() {
    let site = site().await;
    let agent = site.person("agent@example.fr", "agent").await;
    let moderator = site.person("moderation@example.fr", "collective_moderator").await;
    let resident = site.person("habitant@example.fr", "resident").await;
    let anyone = site.anonymous();

    let to_sign_in = anyone.get(&site, "/c/75056/officiel/redaction/").await;
    assert_eq!(to_sign_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(to_sign_in.headers()["location"], "/compte/connexion?suite=/c/75056/officiel/redaction/");
    for (who, path) in [
        (&resident, "/c/75056/officiel/redaction/"),
        (&resident, "/c/75056/citoyen/redaction/nouveau?kind=post"),
        (&moderator, "/c/75056/officiel/redaction/nouveau?kind=project"),
        (&agent, "/c/75056/citoyen/redaction/"),
    ] {
        assert_eq!(who.get(&site, path).await.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let refused =
        resident.submit(&site, "/c/75056/officiel/redaction/nouveau", &[("kind", "news"), ("title", "Faux")]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // Without the CSRF token nothing is written.
    let forged = site
        .http
        .post(format!("{}/c/75056/officiel/redaction/nouveau", site.base))
        .header("cookie", &agent.cookies)
        .form(&[("kind", "news"), ("title", "Sans jeton")])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // Text is escaped; a draft is the writers' only; another commune's path does not reach it.
    let id = agent.draft(&site, "officiel", &[("kind", "news"), ("title", "<script>alert(1)</script> fête")]).await;
    let path = format!("/c/75056/publications/{id}");
    let html = agent.html(&site, &path).await;
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62; fête") && !html.contains("<script>alert"),
        "{html}"
    );
    assert_eq!(resident.get(&site, &path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(moderator.get(&site, &format!("{path}/modifier")).await.status(), StatusCode::NOT_FOUND);
    agent.publish(&site, &id).await;
    assert_eq!(moderator.get(&site, &format!("{path}/modifier")).await.status(), StatusCode::FORBIDDEN);
    let amend = moderator
        .submit(&site, &format!("{path}/modifier"), &[("title", "Pris en main"), ("summary", "Je change tout")])
        .await;
    assert_eq!(amend.status(), StatusCode::FORBIDDEN);
    assert_eq!(anyone.get(&site, &format!("/c/69123/publications/{id}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(anyone.get(&site, "/c/75056/publications/..%2F..%2Fx").await.status(), StatusCode::NOT_FOUND);
    let lyon = agent.get(&site, "/c/69123/officiel/redaction/").await;
    assert_eq!(lyon.status(), StatusCode::FORBIDDEN, "an agent of Paris does not write for Lyon");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_new_page_in_both_languages() {
    let site = site().await;
    let agent = site.person("agent@example.fr", "agent").await;
    let moderator = site.person("moderation@example.fr", "collective_moderator").await;
    let project = agent.draft(&site, "officiel", PROJECT).await;
    agent.publish(&site, &project).await;
    let public = [
        "/c/75056/",
        "/c/75056/officiel/",
        "/c/75056/citoyen/",
        "/c/75056/officiel/projets/",
        "/c/75056/officiel/deliberations/",
        "/c/75056/officiel/proces-verbaux/",
        "/c/75056/officiel/budgets/",
        "/c/75056/officiel/actualites/",
        "/c/75056/citoyen/billets/",
        "/c/75056/citoyen/activites/",
        "/c/75056/citoyen/suivi/",
        "/c/75056/recherche",
        "/c/75056/recherche?q=ecole",
        "/c/75056/recherche?q=ecole&dans=publications",
    ];
    let project_page = format!("/c/75056/publications/{project}");
    let edit = format!("{project_page}/modifier");
    let pages: Vec<(&Person, &str)> = public
        .iter()
        .map(|p| (&agent, *p))
        .chain([
            (&agent, project_page.as_str()),
            (&agent, edit.as_str()),
            (&agent, "/c/75056/officiel/redaction/"),
            (&agent, "/c/75056/officiel/redaction/nouveau"),
            (&agent, "/c/75056/officiel/redaction/nouveau?kind=decision"),
            (&agent, "/c/75056/officiel/redaction/nouveau?kind=budget"),
            (&moderator, "/c/75056/citoyen/redaction/"),
            (&moderator, "/c/75056/citoyen/redaction/nouveau?kind=activity"),
        ])
        .collect();
    for (who, path) in pages {
        for lang in ["fr", "en"] {
            let sep = if path.contains('?') { '&' } else { '?' };
            let html = who.html(&site, &format!("{path}{sep}lang={lang}")).await;
            assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{path} in {lang}");
            assert_eq!(html.matches("<h1").count(), 1, "{path}: one h1");
            assert!(!html.contains("pub-"), "{path} in {lang}: a text is missing from the catalogue");
            assert!(!html.contains(">search-"), "{path} in {lang}: a text is missing from the catalogue");
        }
    }
    let missing = agent.get(&site, "/c/99999/officiel/projets/").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

/// The ids of the files a page links to (`/fichiers/{id}`), in order, once each.
fn file_ids(html: &str, publication: &str) -> Vec<String> {
    let marker = format!("/c/75056/publications/{publication}/fichiers/");
    let mut ids: Vec<String> = Vec::new();
    for part in html.split(&marker).skip(1) {
        let id: String = part.chars().take_while(|c| c.is_ascii_hexdigit() || *c == '-').collect();
        if !id.is_empty() && !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_attach_files_residents_download_them_and_nothing_published_disappears() {
    let site = site().await;
    let agent = site.person("agent@example.fr", "agent").await;
    let resident = site.person("habitant@example.fr", "resident").await;
    let anyone = site.anonymous();
    let id = agent
        .draft(
            &site,
            "officiel",
            &[
                ("kind", "decision"),
                ("title", "Délibération sur l'école"),
                ("number", "2026-014"),
                ("session_date", "2026-03-12"),
                ("votes_for", "20"),
                ("votes_against", "0"),
                ("abstentions", "1"),
            ],
        )
        .await;
    let page = format!("/c/75056/publications/{id}");
    let edit = format!("{page}/modifier");

    // A draft: the file form is on the writers' page; a file that is not a PDF nor an image is refused in words.
    let form = agent.html(&site, &edit).await;
    assert!(form.contains("id=\"file-form\"") && form.contains("enctype=\"multipart/form-data\""), "{form}");
    assert!(form.contains("Aucun fichier joint."));
    let html_file = b"<html><script>alert(1)</script></html>";
    let refused = agent.attach(&site, &id, ("ordre du jour.pdf", html_file), &[], true).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = refused.text().await.expect("html");
    assert!(refused.contains("id=\"file-error\"") && refused.contains("n&#39;est pas accepté"), "{refused}");
    // An image needs its text alternative; what was typed stays.
    let refused = agent.attach(&site, &id, ("plan.jpg", JPEG), &[("alt_text", " ")], true).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.expect("html").contains("id=\"alt_text-error\""));
    // Without the CSRF token, or by a resident: nothing is attached.
    let forged = agent.attach(&site, &id, ("d.pdf", PDF), &[], false).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let not_a_writer = resident.attach(&site, &id, ("d.pdf", PDF), &[], true).await;
    assert!(
        matches!(not_a_writer.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        not_a_writer.status()
    );

    let sent =
        agent.attach(&site, &id, ("délibération 2026-014.pdf", PDF), &[("alt_text", "Le texte signé")], true).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(sent.headers()["location"], format!("{edit}?enregistre=1#files").as_str());
    let sent = agent.attach(&site, &id, ("plan.jpg", JPEG), &[("alt_text", "Plan de la cour de l'école")], true).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let form = agent.html(&site, &edit).await;
    let files = file_ids(&form, &id);
    assert_eq!(files.len(), 2, "both files listed on the writers' page: {form}");
    let (pdf, image) = (files[0].clone(), files[1].clone());
    // A draft's file is its writers' only, and never cached.
    let pdf_path = format!("{page}/fichiers/{pdf}");
    assert_eq!(anyone.get(&site, &pdf_path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(resident.get(&site, &pdf_path).await.status(), StatusCode::NOT_FOUND);
    let private = agent.get(&site, &pdf_path).await;
    assert_eq!(private.status(), StatusCode::OK);
    assert_eq!(private.headers()["cache-control"], "private, no-store");

    // Published: anyone reads the files; the PDF is a download of the very bytes, the image shown with its alt.
    agent.publish(&site, &id).await;
    let html = anyone.html(&site, &page).await;
    assert!(
        html.contains("id=\"files-heading\"") && html.contains("Télécharger « délibération 2026-014.pdf »"),
        "{html}"
    );
    assert!(html.contains("(PDF, 742 octets)") && html.contains("Le texte signé"), "{html}");
    assert!(
        html.contains(&format!("<img src=\"{page}/fichiers/{image}\" alt=\"Plan de la cour de l&#39;école\"")),
        "{html}"
    );
    let english = anyone.html(&site, &format!("{page}?lang=en")).await;
    assert!(english.contains("Download “délibération 2026-014.pdf”") && english.contains("(PDF, 742 bytes)"));
    let download = anyone.get(&site, &pdf_path).await;
    assert_eq!(download.status(), StatusCode::OK);
    let headers = download.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["content-security-policy"], "default-src 'none'; sandbox");
    assert_eq!(headers["content-disposition"], "attachment; filename*=UTF-8''d%C3%A9lib%C3%A9ration%202026-014.pdf");
    assert!(headers["cache-control"].to_str().expect("ascii").starts_with("public"));
    assert_eq!(download.bytes().await.expect("bytes").as_ref(), PDF);
    let picture = anyone.get(&site, &format!("{page}/fichiers/{image}")).await;
    assert_eq!(picture.headers()["content-type"], "image/jpeg");
    assert_eq!(picture.headers()["content-disposition"], "inline; filename*=UTF-8''plan.jpg");
    // Not another commune's path, not a made-up id.
    assert_eq!(
        anyone.get(&site, &format!("/c/69123/publications/{id}/fichiers/{pdf}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(anyone.get(&site, &format!("{page}/fichiers/..%2F..%2Fetc")).await.status(), StatusCode::NOT_FOUND);

    // On a published item a file comes and goes by public revisions, each with its summary.
    let refused = agent.attach(&site, &id, ("annexe.pdf", PDF), &[], true).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.expect("html").contains("id=\"file_summary-error\""));
    let remove = format!("{pdf_path}/retirer");
    let refused = agent.submit(&site, &remove, &[("summary", "")]).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.expect("html").contains(&format!("id=\"remove-summary-{pdf}-error\"")));
    let removed = agent.submit(&site, &remove, &[("summary", "Remplacé par la version corrigée")]).await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    assert_eq!(removed.headers()["location"], format!("{page}#revisions").as_str());
    let html = anyone.html(&site, &page).await;
    let (current, history) = html.split_once("id=\"revisions\"").expect("the history");
    assert!(!current.contains(&pdf) && current.contains(&image), "the PDF is no longer current");
    assert!(history.contains("Remplacé par la version corrigée") && history.contains("Fichiers retirés"));
    assert!(history.contains(&pdf_path), "the removed file is linked from the history");
    assert_eq!(anyone.get(&site, &pdf_path).await.status(), StatusCode::OK, "and still readable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_commune_search_finds_public_publications_questions_and_proposals_of_the_commune_only() {
    let site = site().await;
    let agent = site.person("agent@example.fr", "agent").await;
    let resident = site.person("habitant@example.fr", "resident").await;
    let anyone = site.anonymous();
    // Eleven public items with the word, a draft with it, one without it.
    for n in 0..11 {
        let title = format!("Éclairage public, tranche {n}");
        let id = agent.draft(&site, "officiel", &[("kind", "news"), ("title", &title)]).await;
        agent.publish(&site, &id).await;
    }
    agent.draft(&site, "officiel", &[("kind", "news"), ("title", "Éclairage du stade (brouillon)")]).await;
    let other = agent.draft(&site, "officiel", &[("kind", "news"), ("title", "Marché de Noël")]).await;
    agent.publish(&site, &other).await;
    let asked = resident
        .submit(
            &site,
            "/c/75056/citoyen/questions/",
            &[("title", "Quand l'eclairage sera-t-il réparé ?"), ("body", "Rue des Lilas.")],
        )
        .await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    let proposed = resident
        .submit(
            &site,
            "/c/75056/citoyen/propositions/",
            &[("title", "Un ÉCLAIRAGE solaire au parc"), ("body", "Moins cher.")],
        )
        .await;
    assert_eq!(proposed.status(), StatusCode::SEE_OTHER);

    // The home page's form leads to the search.
    let home = anyone.html(&site, "/c/75056/").await;
    assert!(home.contains("id=\"commune-search\"") && home.contains("action=\"/c/75056/recherche\""));
    let html = anyone.html(&site, "/c/75056/recherche?q=eclairage").await;
    assert!(html.contains("Résultats pour « eclairage »"), "{html}");
    let (publications, rest) = html.split_once("id=\"found-questions\"").expect("the questions' section");
    assert_eq!(publications.matches("Éclairage public, tranche").count(), 10, "the first ten publications");
    assert!(!publications.contains("brouillon") && !publications.contains("Marché"), "neither drafts nor others");
    assert!(rest.contains("Quand l&#39;eclairage sera-t-il réparé ?"), "the question, accents aside");
    assert!(rest.contains("Un ÉCLAIRAGE solaire au parc"), "the proposal, case aside");
    let more = "/c/75056/recherche?q=eclairage&#38;dans=publications";
    assert!(publications.contains(more), "a link to more publications: {publications}");
    let all = anyone.html(&site, &more.replace("&#38;", "&")).await;
    assert_eq!(all.matches("Éclairage public, tranche").count(), 11, "all eleven, on the publications' page");
    assert!(!all.contains("id=\"found-questions\""), "the publications alone");
    // Every word must be found; a page token of someone else's making goes back to the first page.
    let narrow = anyone.html(&site, "/c/75056/recherche?q=eclairage+tranche+7").await;
    assert_eq!(narrow.matches("Éclairage public, tranche").count(), 1);
    assert!(narrow.contains("found-questions") && !narrow.contains("Quand l&#39;eclairage"));
    let forged = anyone.get(&site, "/c/75056/recherche?q=eclairage&dans=questions&page=AAAA").await;
    assert_eq!(forged.status(), StatusCode::SEE_OTHER);
    assert_eq!(forged.headers()["location"], "/c/75056/recherche?q=eclairage&dans=questions");
    // Lyon's search does not see Paris; bad input is said, not failed on.
    let lyon = anyone.html(&site, "/c/69123/recherche?q=eclairage").await;
    assert!(!lyon.contains("tranche") && !lyon.contains("réparé") && lyon.contains("Aucun résultat."));
    let long = anyone.get(&site, &format!("/c/75056/recherche?q={}", "a".repeat(201))).await;
    assert_eq!(long.status(), StatusCode::BAD_REQUEST);
    assert!(long.text().await.expect("html").contains("id=\"q-error\""));
    let empty = anyone.get(&site, "/c/75056/recherche?q=%25%25+__").await;
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    let script = anyone.html(&site, "/c/75056/recherche?q=%3Cscript%3Ealert(1)%3C/script%3E").await;
    assert!(!script.contains("<script>alert") && script.contains("&#60;script&#62;"), "the query is escaped");
}
