//! The transparency dashboards and their open data, over the real identity,
//! reports, publications, dialogue and transparency services (transparency's
//! live projections following the other services' logs in-process, without
//! its cache): residents file reports, the commune answers some, publishes a
//! project with a budget and answers a question; then the commune's,
//! département's and national pages show the service's figures, each chart is
//! an SVG image followed by its table, the CSV and JSON files parse and say
//! what gRPC says, the event feed has no personal data, and bad input gets
//! 400 or 404. (The browser tests in `e2e/tests/transparency.test.mjs` check
//! the same pages with axe-core and without JavaScript.)

use std::sync::Arc;
use std::time::Duration;

use miroir_auth::Verifier;
use miroir_dialogue::api::DialogueApi;
use miroir_eventstore::feed::LocalFeed;
use miroir_gateway::GatewayConfig;
use miroir_gateway::site::open_data::DASHBOARD_FIELDS;
use miroir_identity::api::IdentityApi;
use miroir_identity::{IdentityConfig, operator_cli};
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::dialogue::v1::dialogue_server::DialogueServer;
use miroir_proto::identity::v1::identity_server::IdentityServer;
use miroir_proto::publications::v1::publications_server::PublicationsServer;
use miroir_proto::reports::v1::reports_server::ReportsServer;
use miroir_proto::transparency::v1 as tp;
use miroir_proto::transparency::v1::transparency_client::TransparencyClient;
use miroir_proto::transparency::v1::transparency_server::TransparencyServer;
use miroir_publications::api::PublicationsApi;
use miroir_reports::api::ReportsApi;
use miroir_transparency::api::TransparencyApi;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

mod support;
use support::{serve_gateway, serve_grpc};

const PASSWORD: &str = "le chat dort au soleil";
const LICENCE_URL: &str = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/";
/// Texts residents write: none of them may leave in the public event feed.
const SECRET_TITLE: &str = "Trou profond devant chez Mme Zorglub";
const SECRET_DESCRIPTION: &str = "Zorglub-description-privee";
const SECRET_QUESTION: &str = "Quand Zorglub pourra-t-il nager";
const SECRET_QUESTION_BODY: &str = "Zorglub-question-privee";
/// A project title that a spreadsheet would run as a formula.
const FORMULA_TITLE: &str = "=SOMME(A1:A9) Rénovation de l'école";

struct Site {
    base: String,
    http: reqwest::Client,
    identity: miroir_identity::Identity,
    transparency_url: String,
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
    for (insee, name, department, days) in [("75056", "Paris", "75", 7), ("69123", "Lyon", "69", 15)] {
        identity
            .register_commune(&operator_cli(), insee, name, department, &format!("Collectif {name}"), days, "")
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
    let reports_log = reports.clone();
    let reports_url = serve_grpc(
        tonic::service::Routes::new(ReportsServer::with_interceptor(ReportsApi::new(reports), authenticate())),
        &token,
    )
    .await;
    let publications_db = TestDatabase::sqlite().await;
    miroir_publications::migrate_database(&publications_db.db).await.expect("migrate publications");
    let publications = miroir_publications::open(publications_db.db.clone()).await.expect("publications");
    let publications_log = publications.clone();
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
    let dialogue_log = dialogue.clone();
    let dialogue_url = serve_grpc(
        tonic::service::Routes::new(DialogueServer::with_interceptor(DialogueApi::new(dialogue), authenticate())),
        &token,
    )
    .await;

    // Transparency as `miroir up` runs it: its live projections follow the four logs in-process.
    let transparency_db = TestDatabase::sqlite().await;
    miroir_transparency::migrate_database(&transparency_db.db).await.expect("migrate transparency");
    miroir_transparency::ensure_projections(&transparency_db.db).await.expect("projections");
    let sources = Arc::new(LocalFeed::new([identity.store().clone(), reports_log, publications_log, dialogue_log]));
    let (live_db, live_token) = (transparency_db.db.clone(), token.clone());
    tokio::spawn(async move { miroir_transparency::run_live(&live_db, sources.as_ref(), live_token).await });
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
        notifications_url: "http://127.0.0.1:9".to_owned(),
        transparency_url: transparency_url.clone(),
        trusted_proxies: Default::default(),
    };
    let base = serve_gateway(&config, &token).await;
    let http = reqwest::Client::builder().redirect(Policy::none()).build().expect("client");
    Site {
        base,
        http,
        identity,
        transparency_url,
        token,
        _dbs: vec![identity_db, reports_db, publications_db, dialogue_db, transparency_db],
    }
}

/// Someone with an account: its id and a bearer token for the REST API.
struct Account {
    id: String,
    email: String,
    bearer: String,
}

impl Site {
    /// A new account of `commune`, with `role` there ("resident": none).
    async fn account(&self, email: &str, commune: &str, role: &str) -> Account {
        let account = self.identity.sign_up(email, PASSWORD, "Quelqu'un", commune, "").await.expect("account");
        if role != "resident" {
            self.identity
                .grant_role(&operator_cli(), &account.account_id, commune, role, "", "test", "")
                .await
                .expect("role");
        }
        let session = self.identity.login(email, PASSWORD, "127.0.0.1").await.expect("login");
        Account { id: account.account_id, email: email.to_owned(), bearer: session.access_token }
    }

    /// A REST call that must succeed; its JSON answer.
    async fn api(&self, who: &Account, path: &str, body: Value) -> Value {
        let response = self
            .http
            .post(format!("{}/api/v1{path}", self.base))
            .bearer_auth(&who.bearer)
            .json(&body)
            .send()
            .await
            .expect("API call");
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "POST {path}: {status} {answer}");
        answer
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(format!("{}{path}", self.base)).send().await.expect("GET")
    }

    /// A page that must answer 200, with the apostrophes askama escapes put back.
    async fn html(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.text().await.expect("html").replace("&#39;", "'")
    }

    async fn json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.expect("JSON")
    }

    /// The dashboard as the service computes it, over gRPC.
    async fn grpc_dashboard(&self, scope: &str) -> tp::Dashboard {
        let mut client = TransparencyClient::connect(self.transparency_url.clone()).await.expect("connect");
        let request = tp::GetDashboardRequest { scope: scope.to_owned(), months: 0 };
        client.get_dashboard(request).await.expect("GetDashboard").into_inner()
    }
}

/// Reads RFC 4180 CSV back into records.
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut cell) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(cell.is_empty() && record.is_empty() && !quoted, "the CSV ends with a complete record");
    records
}

/// The JSON value a CSV row of a dashboard names: its `indicator` path, and in a list the item whose key is `breakdown`.
fn json_at<'a>(json: &'a Value, indicator: &str, breakdown: &str) -> Option<&'a Value> {
    let mut node = json;
    for part in indicator.split('.') {
        node = match node {
            Value::Array(items) => {
                items.iter().find(|item| item.as_object().is_some_and(|o| o.values().any(|v| v == breakdown)))?
            }
            _ => node,
        };
        node = node.get(part)?;
    }
    Some(node)
}

/// The comparison table of a page.
fn communes_table(page: &str) -> &str {
    let table = &page[page.find("id=\"communes-table\"").expect("the communes' table")..];
    &table[..table.find("</table>").expect("table end")]
}

fn cell_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// Residents of Paris and Lyon, the agent of Paris, and what they do.
struct Story {
    anne: Account,
    agent: Account,
    lyonnais: Account,
    project_id: String,
}

async fn story(site: &Site) -> Story {
    let anne = site.account("anne@example.fr", "75056", "resident").await;
    let agent = site.account("agent@paris.example.fr", "75056", "agent").await;
    let lyonnais = site.account("leo@example.fr", "69123", "resident").await;
    // Four reports in Paris, a few hundred metres apart (no duplicate of one another).
    let report = |category: &str, title: &str, description: &str, north: f64| {
        json!({
            "category": category,
            "title": title,
            "description": description,
            "location": { "latitude": 48.8566 + north, "longitude": 2.3522, "address": "Paris" },
        })
    };
    let filed = [
        site.api(&anne, "/communes/75056/reports", report("voirie", SECRET_TITLE, SECRET_DESCRIPTION, 0.0)).await,
        site.api(&anne, "/communes/75056/reports", report("eclairage", "Lampadaire éteint", "Depuis lundi.", 0.005))
            .await,
        site.api(&anne, "/communes/75056/reports", report("voirie", "Pavés descellés", "Rue de Rivoli.", 0.01)).await,
        site.api(&anne, "/communes/75056/reports", report("proprete", "Dépôt sauvage", "Sur le trottoir.", 0.015))
            .await,
    ];
    let id = |r: &Value| r["report_id"].as_str().expect("report_id").to_owned();
    let (resolved, rejected, acknowledged) = (id(&filed[0]), id(&filed[1]), id(&filed[2]));
    site.api(&agent, &format!("/communes/75056/reports/{resolved}/acknowledge"), json!({ "message": "Vu." })).await;
    site.api(
        &agent,
        &format!("/communes/75056/reports/{resolved}/status"),
        json!({ "status": "resolved", "message": "Rebouché." }),
    )
    .await;
    site.api(
        &agent,
        &format!("/communes/75056/reports/{rejected}/status"),
        json!({ "status": "rejected", "message": "Ce lampadaire appartient à la SNCF." }),
    )
    .await;
    site.api(&agent, &format!("/communes/75056/reports/{acknowledged}/acknowledge"), json!({ "message": "Noté." }))
        .await;
    // One in Lyon, which must not count in Paris.
    let lyon = json!({
        "category": "voirie",
        "title": "Trou place Bellecour",
        "description": "Grand.",
        "location": { "latitude": 45.7578, "longitude": 4.832, "address": "Place Bellecour" },
    });
    site.api(&lyonnais, "/communes/69123/reports", lyon).await;

    // A project with its budget, and a news item, in the official space.
    let project = site
        .api(
            &agent,
            "/communes/75056/publications",
            json!({
                "space": "official",
                "kind": "project",
                "title": FORMULA_TITLE,
                "body": "Les travaux commencent en mars.",
                "details": { "project": {
                    "status": "in_progress",
                    "budget_planned_cents": 25_000_000,
                    "budget_spent_cents": 1_250_050,
                    "progress_percent": 40,
                }},
            }),
        )
        .await;
    let project_id = project["publication_id"].as_str().expect("publication_id").to_owned();
    site.api(&agent, &format!("/communes/75056/publications/{project_id}/publish"), json!({})).await;
    let news = site
        .api(
            &agent,
            "/communes/75056/publications",
            json!({ "space": "official", "kind": "news", "title": "Marché de Noël", "body": "Place de la mairie." }),
        )
        .await;
    let news_id = news["publication_id"].as_str().expect("publication_id");
    site.api(&agent, &format!("/communes/75056/publications/{news_id}/publish"), json!({})).await;

    // A public question, answered.
    let question = site
        .api(&anne, "/communes/75056/questions", json!({ "title": SECRET_QUESTION, "body": SECRET_QUESTION_BODY }))
        .await;
    let question_id = question["question_id"].as_str().expect("question_id");
    site.api(
        &agent,
        &format!("/communes/75056/questions/{question_id}/answer"),
        json!({ "body": "La piscine rouvre en juin." }),
    )
    .await;
    Story { anne, agent, lyonnais, project_id }
}

/// Waits until the projections have seen the whole story (the service recomputes on every call: no cache here).
async fn caught_up(site: &Site) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let response = site.get("/c/75056/transparence.json").await;
        if response.status() == StatusCode::OK {
            let json: Value = response.json().await.expect("JSON");
            let done = json["reports"]["received"] == 4
                && json["reports"]["resolved"] == 1
                && json["reports"]["rejected"] == 1
                && json["reports"]["first_response"]["count"] == 3
                && json["questions"]["answered"] == 1
                && json["budgets"]["projects"] == 1
                && json["publications"]["official"] == 2;
            if done {
                return json;
            }
        }
        assert!(tokio::time::Instant::now() < deadline, "the projections did not catch up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_dashboards_show_the_services_figures_with_charts_tables_and_files_that_agree() {
    let site = site().await;
    let story = story(&site).await;
    let json = caught_up(&site).await;
    let grpc = site.grpc_dashboard("communes/75056").await;
    let reports = grpc.reports.clone().expect("reports");

    // --- the JSON file says what gRPC says
    assert_eq!(json["licence"]["url"], LICENCE_URL);
    assert_eq!(json["scope"], "communes/75056");
    assert_eq!(json["name"], "Paris");
    assert_eq!(json["commitment_days"], 7);
    assert_eq!(json["period"]["months"], 12);
    assert_eq!(json["percentile_method"], "nearest-rank");
    assert_eq!(json["reports"]["received"], reports.received);
    assert_eq!(json["reports"]["merged"], reports.merged);
    let first = reports.first_response.expect("first response");
    assert_eq!(json["reports"]["first_response"]["median_seconds"], first.median_seconds);
    assert_eq!(json["reports"]["first_response"]["p90_seconds"], first.p90_seconds);
    let commitment = reports.commitment.expect("commitment");
    assert_eq!((commitment.due, commitment.on_time), (3, 3), "three answers, all within the 7 days");
    assert_eq!(json["reports"]["commitment"]["due"], commitment.due);
    assert_eq!(json["reports"]["commitment"]["share"], commitment.share);
    assert_eq!(json["reports"]["backlog"]["open"], 2, "the acknowledged report and the untouched one");
    assert_eq!(json["reports"]["by_month"].as_array().map(Vec::len), Some(12));
    let categories = json["reports"]["by_category"].as_array().expect("categories");
    assert_eq!(categories.len(), reports.by_category.len());
    let voirie = categories.iter().find(|c| c["category"] == "voirie").expect("voirie");
    assert_eq!((voirie["name"].as_str(), voirie["received"].as_u64()), (Some("Voirie et trottoirs"), Some(2)));
    assert_eq!((voirie["resolved"].as_u64(), voirie["open"].as_u64()), (Some(1), Some(1)));
    assert_eq!(json["questions"]["asked"], 1);
    assert_eq!(json["budgets"]["planned_eur"], 250_000.0);
    assert_eq!(json["budgets"]["spent_eur"], 12_500.5);
    assert_eq!(json["budgets"]["largest"][0]["publication_id"], story.project_id.as_str());
    assert_eq!(json["budgets"]["largest"][0]["title"], FORMULA_TITLE);
    for (log, position) in &grpc.positions {
        assert_eq!(json["log_positions"][log], *position, "{log}");
    }

    // --- the CSV says what the JSON says, row by row
    let response = site.get("/c/75056/transparence.csv").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "text/csv; charset=utf-8; header=present");
    assert_eq!(header(&response, "content-disposition"), "attachment; filename=\"transparence-75056.csv\"");
    assert!(header(&response, "link").contains(&format!("<{LICENCE_URL}>; rel=\"license\"")));
    let csv = response.text().await.expect("CSV");
    assert!(csv.contains("\r\n") && !csv.starts_with('\u{feff}'), "RFC 4180 line ends, no BOM");
    let records = read_csv(&csv);
    assert_eq!(
        records[0],
        ["scope", "name", "period_from", "period_to", "computed_at", "indicator", "breakdown", "label", "value"]
    );
    let mut compared = 0;
    for record in &records[1..] {
        assert_eq!(record.len(), 9, "{record:?}");
        assert_eq!(record[..2], ["communes/75056", "Paris"]);
        let (indicator, breakdown, value) = (&record[5], &record[6], &record[8]);
        // Ages grow between the two downloads.
        if indicator.contains("age_seconds") {
            continue;
        }
        let expected = json_at(&json, indicator, breakdown).unwrap_or_else(|| panic!("{indicator} {breakdown}"));
        let expected = cell_of(expected);
        // Text that could run as a formula is neutralised with a leading apostrophe.
        let expected = if expected.starts_with(['=', '+', '-', '@']) { format!("'{expected}") } else { expected };
        match (value.parse::<f64>(), expected.parse::<f64>()) {
            // The same number (CSV writes 1 where JSON writes 1.0).
            (Ok(got), Ok(want)) => assert_eq!(got, want, "{indicator} {breakdown}"),
            _ => assert_eq!(value, &expected, "{indicator} {breakdown}"),
        }
        compared += 1;
    }
    assert!(compared > 60, "{compared} figures compared");
    let project_row = records.iter().find(|r| r[5] == "budgets.largest.planned_eur").expect("the project's row");
    assert_eq!(project_row[6], story.project_id);
    assert_eq!(project_row[7], format!("'{FORMULA_TITLE}"), "the title cannot run as a formula");
    assert_eq!(project_row[8], "250000");
    let received = records.iter().find(|r| r[5] == "reports.received").expect("received");
    assert_eq!(received[8], reports.received.to_string());

    // --- the commune's page: the same figures, in words, each chart an image followed by its table
    let page = site.html("/c/75056/transparence/").await;
    assert!(page.contains("<h1>Transparence : Paris</h1>"), "{page}");
    assert!(page.contains("<dd class=\"key-value\">4</dd>"), "4 reports received");
    assert!(page.contains("<dd class=\"key-value\">100\u{a0}%</dd>"), "every response within the commitment");
    assert!(page.contains("en 7 jours au plus"), "the commitment in words");
    assert!(page.contains("Voirie et trottoirs") && page.contains("Éclairage public"), "categories by their names");
    assert!(page.contains("250\u{202f}000\u{a0}€") && page.contains("12\u{202f}500,50\u{a0}€"), "euros");
    assert!(page.contains("moins d'une minute"), "the delays in plain words");
    assert!(page.contains("les 12 derniers mois"), "the period");
    assert!(page.contains("La médiane") && page.contains("Rang le plus proche"), "the explanations");
    assert_eq!(page.matches("<svg").count(), 5, "months, categories, backlog, publications, budgets");
    assert_eq!(page.matches("role=\"img\" aria-label=\"").count(), 5);
    assert_eq!(page.matches("<figcaption>").count(), 5);
    assert_eq!(page.matches("<script").count(), 0, "no JavaScript");
    for figure in page.split("</figure>").skip(1) {
        // The table right after the chart, in the region that lets it scroll on a narrow screen.
        let next = figure.trim_start();
        assert!(next.starts_with("<div class=\"table-scroll\" role=\"region\" aria-label=\""), "{next}");
        let next = next[next.find('>').expect("region") + 1..].trim_start();
        assert!(next.starts_with("<table class=\"figures data-table\">"), "a table follows each chart: {next}");
        let table = &figure[..figure.find("</table>").expect("table end")];
        assert!(table.contains("<caption>") && table.contains("<th scope=\"col\">"), "{table}");
        assert!(table.contains("<th scope=\"row\">"), "{table}");
    }
    for download in ["/c/75056/transparence.csv", "/c/75056/transparence.json", "/c/75056/evenements.jsonl"] {
        assert!(page.contains(&format!("href=\"{download}\"")), "{download}");
    }
    assert!(page.contains("href=\"/donnees-ouvertes\""));
    assert!(!page.contains("Lyon"), "Lyon's figures are not Paris's");
    assert!(page.len() < 100 * 1024, "the dashboard weighs {} bytes", page.len());
    let english = site.html("/c/75056/transparence/?lang=en").await;
    assert!(english.contains("Reports per month") && english.contains("€250,000"), "English");
    assert!(english.contains("less than a minute"));
    // Three months: three months in the chart and in its table.
    let three = site.html("/c/75056/transparence/?mois=3").await;
    assert!(three.contains("les 3 derniers mois"));
    let months_chart = &three[three.find("id=\"chart-reports-months\"").expect("chart")..];
    let months_chart = &months_chart[..months_chart.find("</svg>").expect("svg end")];
    assert_eq!(months_chart.matches("<g class=\"group\">").count(), 3);
    let json3 = site.json("/c/75056/transparence.json?mois=3").await;
    assert_eq!(json3["period"]["months"], 3);
    assert_eq!(json3["reports"]["by_month"].as_array().map(Vec::len), Some(3));

    // --- the national page compares the communes; the département filter works without JavaScript
    let national = site.html("/transparence/").await;
    assert!(national.contains("id=\"communes-table\""));
    assert!(
        national.contains("href=\"/c/75056/transparence/\"") && national.contains("href=\"/c/69123/transparence/\"")
    );
    assert!(national.contains("<dd class=\"key-value\">5</dd>"), "5 reports in France");
    assert!(national.contains("id=\"departement-filter\"") && national.contains("name=\"departement\""));
    assert!(national.len() < 100 * 1024, "the national page weighs {} bytes", national.len());
    let lyon_only = site.html("/transparence/?departement=69").await;
    let table = communes_table(&lyon_only);
    assert!(table.contains("Lyon") && !table.contains("Paris"), "{table}");
    assert!(lyon_only.contains("href=\"/transparence/departements/69/\""));
    let departement = site.html("/transparence/departements/75/").await;
    assert!(departement.contains("<h1>Transparence : Département 75</h1>"));
    let table = communes_table(&departement);
    assert!(table.contains("Paris") && !table.contains("Lyon"), "{table}");

    // --- the national and département files, and every commune's line
    let national_json = site.json("/transparence/national.json").await;
    assert_eq!((national_json["reports"]["received"].as_u64(), national_json["communes"].as_u64()), (Some(5), Some(2)));
    assert!(national_json.get("commitment_days").is_none());
    let lyon_csv = site.get("/transparence/departements/69.csv").await;
    assert_eq!(header(&lyon_csv, "content-disposition"), "attachment; filename=\"transparence-departement-69.csv\"");
    let lyon_csv = read_csv(&lyon_csv.text().await.expect("CSV"));
    let received = lyon_csv.iter().find(|r| r[5] == "reports.received").expect("received");
    assert_eq!((received[0].as_str(), received[8].as_str()), ("departements/69", "1"));
    let mut client = TransparencyClient::connect(site.transparency_url.clone()).await.expect("connect");
    let listed = client
        .list_commune_figures(tp::ListCommuneFiguresRequest::default())
        .await
        .expect("ListCommuneFigures")
        .into_inner();
    let communes = site.json("/transparence/communes.json").await;
    assert_eq!(communes["total"], 2);
    assert_eq!(communes["licence"]["url"], LICENCE_URL);
    let lines = communes["communes"].as_array().expect("communes");
    assert_eq!(lines.len(), listed.communes.len());
    for (line, expected) in lines.iter().zip(&listed.communes) {
        assert_eq!(line["commune"], expected.commune.as_str());
        assert_eq!(line["reports_received"], expected.reports_received);
        assert_eq!(line["reports_resolved"], expected.reports_resolved);
        assert_eq!(line["median_first_response_seconds"], expected.median_first_response_seconds);
        assert_eq!(line["commitment_share"], expected.commitment_share);
        assert_eq!(line["backlog"], expected.backlog);
        assert_eq!(line["publications"], expected.publications);
    }
    let communes_csv = site.get("/transparence/communes.csv").await;
    assert!(header(&communes_csv, "link").contains(LICENCE_URL));
    let communes_csv = read_csv(&communes_csv.text().await.expect("CSV"));
    assert_eq!(communes_csv.len(), 3, "a header and two communes");
    assert_eq!(communes_csv[0][..3], ["commune", "name", "departement"]);
    assert_eq!(communes_csv[1][..5], ["69123", "Lyon", "69", "15", "1"]);
    assert_eq!(communes_csv[2][..5], ["75056", "Paris", "75", "7", "4"]);
    let paris_only = read_csv(&site.get("/transparence/communes.csv?departement=75").await.text().await.expect("CSV"));
    assert_eq!(paris_only.len(), 2);

    // --- the event feed: every event, one JSON object per line, nothing personal
    let response = site.get("/c/75056/evenements.jsonl").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "application/x-ndjson");
    assert_eq!(header(&response, "content-disposition"), "attachment; filename=\"evenements-75056.jsonl\"");
    assert!(header(&response, "link").contains(&format!("<{LICENCE_URL}>; rel=\"license\"")));
    let feed = response.text().await.expect("JSON lines");
    assert!(feed.ends_with('\n'));
    let events: Vec<Value> =
        feed.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))).collect();
    let count = |kind: &str| events.iter().filter(|e| e["type"] == kind).count();
    assert_eq!(count("report.received"), 4);
    assert_eq!((count("report.resolved"), count("report.rejected")), (1, 1));
    assert_eq!((count("publication.published"), count("question.asked"), count("question.answered")), (2, 1, 1));
    assert_eq!(count("commune.registered"), 1);
    assert!(events.iter().all(|e| e["subject"].as_str().is_some_and(|s| s.starts_with("communes/75056"))));
    assert!(events.iter().all(|e| e["occurred_at"].as_str().is_some_and(|at| at.ends_with('Z'))));
    for secret in [
        story.anne.id.as_str(),
        story.agent.id.as_str(),
        story.lyonnais.id.as_str(),
        story.anne.email.as_str(),
        story.agent.email.as_str(),
        "@example",
        SECRET_TITLE,
        "Zorglub",
        SECRET_DESCRIPTION,
        SECRET_QUESTION,
        SECRET_QUESTION_BODY,
        "Lampadaire",
        "Dépôt sauvage",
    ] {
        assert!(!feed.contains(secret), "the public feed contains {secret:?}");
    }
    let mut client = TransparencyClient::connect(site.transparency_url.clone()).await.expect("connect");
    let mut all = Vec::new();
    let mut page_token = String::new();
    loop {
        let request =
            tp::ListPublicEventsRequest { commune: "75056".into(), page_size: 2, page_token: page_token.clone() };
        let page = client.list_public_events(request).await.expect("ListPublicEvents").into_inner();
        all.extend(page.events);
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_eq!(events.len(), all.len(), "every page of the feed");
    for (line, event) in events.iter().zip(&all) {
        assert_eq!((line["log"].as_str(), line["position"].as_u64()), (Some(event.log.as_str()), Some(event.position)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bad_input_is_a_400_unknown_places_a_404_and_never_a_500() {
    let site = site().await;
    // The projections know both communes once identity's log is read.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while site.get("/c/69123/transparence.json").await.status() != StatusCode::OK {
        assert!(tokio::time::Instant::now() < deadline, "the communes did not arrive");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for (path, status) in [
        ("/c/75056/transparence/?mois=0", StatusCode::BAD_REQUEST),
        ("/c/75056/transparence/?mois=37", StatusCode::BAD_REQUEST),
        ("/c/75056/transparence/?mois=abc", StatusCode::BAD_REQUEST),
        ("/c/75056/transparence/?mois=-1", StatusCode::BAD_REQUEST),
        ("/c/75056/transparence/?mois=36", StatusCode::OK),
        ("/c/75056/transparence/?mois=", StatusCode::OK),
        ("/c/75056/transparence.json?mois=40", StatusCode::BAD_REQUEST),
        ("/c/75056/transparence.csv?mois=x", StatusCode::BAD_REQUEST),
        ("/transparence/?mois=99", StatusCode::BAD_REQUEST),
        ("/transparence/national.csv?mois=0", StatusCode::BAD_REQUEST),
        ("/transparence/?departement=zz", StatusCode::BAD_REQUEST),
        ("/transparence/?departement=", StatusCode::OK),
        ("/transparence/?departement=2a", StatusCode::OK),
        ("/transparence/departements/XX/", StatusCode::BAD_REQUEST),
        ("/transparence/departements/00/", StatusCode::BAD_REQUEST),
        ("/transparence/departements/9A.csv", StatusCode::BAD_REQUEST),
        ("/transparence/communes.csv?departement=ZZ", StatusCode::BAD_REQUEST),
        ("/transparence/communes.json?departement=../", StatusCode::BAD_REQUEST),
        ("/c/99999/transparence/", StatusCode::NOT_FOUND),
        ("/c/99999/transparence.json", StatusCode::NOT_FOUND),
        ("/c/99999/transparence.csv", StatusCode::NOT_FOUND),
        ("/c/99999/evenements.jsonl", StatusCode::NOT_FOUND),
        ("/c/pas-une-commune/transparence/", StatusCode::NOT_FOUND),
        ("/c/pas-une-commune/transparence.csv", StatusCode::NOT_FOUND),
        ("/c/%2e%2e/evenements.jsonl", StatusCode::NOT_FOUND),
        ("/transparence/departements/13/", StatusCode::NOT_FOUND),
        ("/transparence/departements/13.json", StatusCode::NOT_FOUND),
        ("/transparence/departements/75.xml", StatusCode::NOT_FOUND),
        ("/transparence/departements/75", StatusCode::NOT_FOUND),
    ] {
        let response = site.get(path).await;
        assert_eq!(response.status(), status, "{path}");
    }
    // The period's refusal says what is expected, on the site's page and in the files.
    let refused = site.get("/c/75056/transparence/?mois=0").await.text().await.expect("html");
    assert!(refused.contains("de 1 à 36") && refused.contains("href=\"/c/75056/transparence/\""), "{refused}");
    let refused = site.get("/c/75056/transparence/?mois=0&lang=en").await.text().await.expect("html");
    assert!(refused.contains("from 1 to 36"), "{refused}");
    let refused: Value = site.get("/c/75056/transparence.json?mois=40").await.json().await.expect("JSON");
    assert_eq!(refused["error"]["code"], "invalid_argument");
    // The département filter's error is beside its field, and the dashboard is still there.
    let refused = site.get("/transparence/?departement=zz").await.text().await.expect("html");
    assert!(refused.contains("id=\"departement-error\"") && refused.contains("aria-invalid=\"true\""));
    assert!(refused.contains("id=\"form-errors\"") && refused.contains("id=\"key-figures\""));
    // The old address without its slash leads to the national page.
    let moved = site.get("/transparence").await;
    assert_eq!(moved.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(header(&moved, "location"), "/transparence/");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_dashboards_are_linked_and_the_open_data_page_documents_every_field() {
    let site = site().await;
    let home = site.html("/c/75056/").await;
    assert!(home.contains("id=\"transparency-link\" href=\"/c/75056/transparence/\""), "from the commune's home");
    for space in ["/c/75056/officiel/", "/c/75056/citoyen/"] {
        let page = site.html(space).await;
        assert!(page.contains("id=\"transparency-link\" href=\"/c/75056/transparence/\""), "from {space}");
    }
    let landing = site.html("/").await;
    assert!(landing.contains("href=\"/transparence/\""), "from the landing page");
    assert!(landing.contains("id=\"footer-transparency\"") && landing.contains("id=\"footer-open-data\""));
    for (lang, licence) in [("fr", "Licence Ouverte"), ("en", "Licence Ouverte")] {
        let page = site.html(&format!("/donnees-ouvertes?lang={lang}")).await;
        assert!(page.contains(&format!("<html lang=\"{lang}\">")));
        assert!(page.contains(licence) && page.contains(LICENCE_URL));
        assert!(page.contains("nearest") || page.contains("rang le plus proche"), "the method");
        for field in DASHBOARD_FIELDS {
            assert!(page.contains(&format!("<code>{}</code>", field.path)), "{lang}: {}", field.path);
        }
        for file in ["/c/{insee}/transparence.csv", "/transparence/communes.json", "/c/{insee}/evenements.jsonl"] {
            assert!(page.contains(file), "{file}");
        }
    }
}
