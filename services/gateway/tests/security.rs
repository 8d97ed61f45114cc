//! The platform's security rules, checked over HTTP against the whole
//! platform in process (`support`): tenant isolation across every REST
//! operation of a commune (read from the gateway's own OpenAPI document) and
//! every back-office page and form of the site; CSRF on every form of the site
//! (found by crawling it as a commune's staff and as a resident); the security
//! headers of every kind of answer; rate limits; uploads that are not what
//! they claim, and how every upload is served.
//!
//! "Nothing stored" is read from the services' own logs: a refused request
//! appended no event.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::html::{self, Form};
use support::{A, B, PDF, PHOTO, Part, Person, Platform, crawl, multipart};

// ------------------------------------------------------------------ fixtures

/// What a commune's own people made, for the other commune's people to aim at.
struct Commune {
    insee: &'static str,
    /// Administrator, agent, the collective's moderator and member at once: sees every form of the commune.
    staff: Person,
    resident: Person,
    report: String,
    photo: String,
    other_report: String,
    question: String,
    proposal: String,
    comment: String,
    /// A comment of the resident hidden by the staff, appealed by the resident.
    hidden: String,
    draft: String,
    draft_file: String,
    published: String,
    published_file: String,
    client_id: String,
}

const STAFF_ROLES: &[&str] = &["commune_admin", "agent", "collective_moderator", "collective_member"];

fn location(insee: &str) -> Value {
    if insee == A {
        json!({ "latitude": 48.8566, "longitude": 2.3522, "address": "Place de l'Hôtel de Ville" })
    } else {
        json!({ "latitude": 45.7640, "longitude": 4.8357, "address": "Place Bellecour" })
    }
}

fn report_body(insee: &str, title: &str) -> Value {
    json!({ "category": "eclairage", "title": title, "description": "Constaté ce matin.", "location": location(insee) })
}

fn text(value: &Value, pointer: &str) -> String {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("{pointer} in {value}")).to_owned()
}

impl Platform {
    /// A multipart REST post that must succeed: its JSON answer.
    async fn api_form(&self, path: &str, bearer: &str, parts: &[Part]) -> Value {
        self.try_api_form(path, bearer, parts).await.unwrap_or_else(|| panic!("POST {path} refused"))
    }

    /// A multipart REST post: its JSON answer if it succeeded, `None` if it was refused with a 400.
    async fn try_api_form(&self, path: &str, bearer: &str, parts: &[Part]) -> Option<Value> {
        let (content_type, body) = multipart(parts);
        let response = self
            .http
            .post(self.url(path))
            .bearer_auth(bearer)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("POST a form");
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        if status == StatusCode::BAD_REQUEST {
            return None;
        }
        assert!(status.is_success(), "POST {path}: {status} {answer}");
        Some(answer)
    }

    /// Events appended since `before` (a previous [`Platform::events`]) in `commune`.
    async fn new_events_in(&self, before: &[(String, String, String)], commune: &str) -> Vec<(String, String, String)> {
        let mut seen: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for event in before {
            *seen.entry(event.clone()).or_default() += 1;
        }
        let mut new = Vec::new();
        for event in self.events().await {
            match seen.get_mut(&event) {
                Some(count) if *count > 0 => *count -= 1,
                _ => {
                    if event.1 == commune || commune.is_empty() {
                        new.push(event);
                    }
                }
            }
        }
        new
    }
}

/// A commune's people and content, made through the REST API by the commune's own people.
async fn populate(p: &Platform, insee: &'static str) -> Commune {
    let staff = p.person(&format!("staff-{insee}@example.fr"), insee, STAFF_ROLES).await;
    let resident = p.person(&format!("resident-{insee}@example.fr"), insee, &[]).await;
    let (s, r) = (staff.account.bearer.clone(), resident.account.bearer.clone());
    let c = format!("/api/v1/communes/{insee}");

    let filed = p
        .api_form(
            &format!("{c}/reports"),
            &r,
            &[
                Part::json("report", &report_body(insee, "Lampadaire éteint")),
                Part::file("photos", "rue.jpg", "image/jpeg", PHOTO),
            ],
        )
        .await;
    let other = p.api(Method::POST, &format!("{c}/reports"), &r, report_body(insee, "Lampadaire clignotant")).await;
    let question = p
        .api(
            Method::POST,
            &format!("{c}/questions"),
            &r,
            json!({ "title": "Quand ouvre la piscine ?", "body": "Merci." }),
        )
        .await;
    let proposal = p
        .api(Method::POST, &format!("{c}/proposals"), &r, json!({ "title": "Des bancs au parc", "body": "Pour tous." }))
        .await;
    let target = format!("proposals/{}", text(&proposal, "/proposal_id"));
    let comment = p.api(Method::POST, &format!("{c}/comments"), &r, json!({ "target": target, "body": "Oui !" })).await;
    let hidden =
        p.api(Method::POST, &format!("{c}/comments"), &r, json!({ "target": target, "body": "Hors sujet." })).await;
    let hidden = format!("comments/{}", text(&hidden, "/comment_id"));
    p.api(
        Method::POST,
        &format!("{c}/moderation/hide"),
        &s,
        json!({ "subject": hidden, "public_reason": "Hors sujet." }),
    )
    .await;
    p.api(
        Method::POST,
        &format!("{c}/moderation/appeals"),
        &r,
        json!({ "subject": hidden, "reason": "Il est dans le sujet." }),
    )
    .await;
    // Another, hidden and not appealed yet: its author sees the appeal form.
    let unappealed =
        p.api(Method::POST, &format!("{c}/comments"), &r, json!({ "target": target, "body": "Bof." })).await;
    let unappealed = format!("comments/{}", text(&unappealed, "/comment_id"));
    p.api(Method::POST, &format!("{c}/moderation/hide"), &s, json!({ "subject": unappealed, "public_reason": "Bof." }))
        .await;
    let comment_id = text(&comment, "/comment_id");
    p.api(
        Method::POST,
        &format!("{c}/moderation/flags"),
        &s,
        json!({ "subject": format!("comments/{comment_id}"), "reason": "À vérifier." }),
    )
    .await;

    let news = |title: &str| json!({ "space": "official", "kind": "news", "title": title, "body": "Une nouvelle." });
    let draft =
        text(&p.api(Method::POST, &format!("{c}/publications"), &s, news("Brouillon")).await, "/publication_id");
    let file = |id: &str| format!("{c}/publications/{id}/attachments");
    let draft_file = p.api_form(&file(&draft), &s, &[Part::file("file", "annexe.pdf", "application/pdf", PDF)]).await;
    let published =
        text(&p.api(Method::POST, &format!("{c}/publications"), &s, news("Publiée")).await, "/publication_id");
    let published_file =
        p.api_form(&file(&published), &s, &[Part::file("file", "annexe.pdf", "application/pdf", PDF)]).await;
    p.api(Method::POST, &format!("{c}/publications/{published}/publish"), &s, json!({})).await;
    let client = p
        .api(Method::POST, &format!("{c}/clients"), &s, json!({ "display_name": "SIG", "scopes": ["reports:read"] }))
        .await;

    // A subscription, for the form that cancels it.
    resident.done(p, &format!("/c/{insee}/abonnements"), &[("kind", "space"), ("space", "citizen")]).await;

    Commune {
        insee,
        report: text(&filed, "/report_id"),
        photo: text(&filed, "/photos/0/photo_id"),
        other_report: text(&other, "/report_id"),
        question: text(&question, "/question_id"),
        proposal: text(&proposal, "/proposal_id"),
        comment: comment_id,
        hidden,
        draft,
        draft_file: text(&draft_file, "/attachment/attachment_id"),
        published,
        published_file: text(&published_file, "/attachment/attachment_id"),
        client_id: text(&client, "/client/client_id"),
        staff,
        resident,
    }
}

// ------------------------------------------------------- REST: the table

/// Who may call an operation in a commune.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Anyone, anonymously too (public data).
    Public,
    /// Any account, whatever its commune, acting as a person (filing, asking, supporting…); not a client of
    /// another commune.
    Person,
    /// Only the commune's own staff (or the author, for what only the author may do): refused to everyone of
    /// another commune, nothing stored.
    Staff,
}

enum Body {
    None,
    Json(Value),
    Form(Vec<Part>),
}

/// One REST operation aimed at commune `c`: its rule, path parameters other than the defaults, query and body.
struct Row {
    rule: Rule,
    params: Vec<(&'static str, String)>,
    query: String,
    body: Body,
}

fn row(rule: Rule, body: Body) -> Row {
    Row { rule, params: Vec::new(), query: String::new(), body }
}

impl Row {
    fn with(mut self, name: &'static str, value: &str) -> Row {
        self.params.push((name, value.to_owned()));
        self
    }

    fn query(mut self, query: String) -> Row {
        self.query = query;
        self
    }
}

/// The row of every operation of `/api/v1/communes/{insee}…`, keyed by operationId; `None`: no row (the test
/// that reads the document fails, so that a new operation cannot be forgotten).
fn rest_row(operation: &str, c: &Commune, victim_account: &str) -> Option<Row> {
    use Body::{Json, None as Empty};
    use Rule::{Person, Public, Staff};
    let pdf = || Body::Form(vec![Part::file("file", "annexe.pdf", "application/pdf", PDF)]);
    Some(match operation {
        // Identity: the commune, its roles and clients.
        "get_commune" => row(Public, Empty),
        "suspend_commune" => row(Staff, Json(json!({ "reason": "contrôle" }))),
        "reactivate_commune" => row(Staff, Empty),
        "list_role_changes" => row(Staff, Empty),
        "grant_role" => row(
            Staff,
            Json(json!({ "account_id": victim_account, "role": "agent", "department": "", "reason": "renfort" })),
        ),
        "revoke_role" => {
            row(Staff, Json(json!({ "account_id": c.staff.account.id, "role": "agent", "reason": "départ" })))
        }
        "lookup_account" => row(Staff, Empty).query(format!("email={}", c.resident.account.email)),
        "list_integration_clients" => row(Staff, Empty),
        "create_integration_client" => {
            row(Staff, Json(json!({ "display_name": "Intrus", "scopes": ["reports:read"] })))
        }
        "revoke_integration_client" => row(Staff, Json(json!({ "reason": "fin" }))),
        // Reports and their categories.
        "list_categories" | "get_category" => row(Public, Empty),
        "define_category" => row(
            Staff,
            Json(json!({ "name": "Intrusion", "description": "Non.", "department": "voirie", "attributes": [],
                         "active": true, "keywords": [] })),
        )
        .with("code", "intrusion"),
        "submit_report" => row(Person, Json(report_body(c.insee, "Depuis une autre commune"))),
        "list_reports" | "get_report" | "get_report_photo" => row(Public, Empty),
        "suggest_duplicates" => {
            let l = location(c.insee);
            row(Public, Empty)
                .query(format!("category=eclairage&latitude={}&longitude={}", l["latitude"], l["longitude"]))
        }
        // Only the link of the e-mail verifies: a made-up token is refused to anyone.
        "verify_report" => row(Staff, Json(json!({ "token": "x".repeat(43) }))),
        "support_report" => row(Person, Empty),
        "acknowledge_report" => row(Staff, Json(json!({ "message": "Vu." }))),
        "update_report_status" => row(Staff, Json(json!({ "status": "resolved", "message": "Fait." }))),
        "reopen_report" => row(Staff, Json(json!({ "message": "Toujours là." }))),
        "assign_report" => row(Staff, Json(json!({ "department": "voirie", "agent": "" }))),
        "add_internal_note" => row(Staff, Json(json!({ "text": "Note." }))),
        "list_internal_notes" => row(Staff, Empty),
        "merge_report" => row(Staff, Json(json!({ "into": c.other_report, "message": "Doublon." }))),
        // Publications.
        "create_publication_draft" => {
            row(Staff, Json(json!({ "space": "official", "kind": "news", "title": "Intrusion", "body": "Non." })))
        }
        "list_publications" | "get_publication" | "list_publication_revisions" | "get_publication_attachment" => {
            row(Public, Empty)
        }
        "update_publication_draft" => {
            row(Staff, Json(json!({ "title": "Intrusion" }))).with("publication_id", &c.draft)
        }
        "publish_publication" => row(Staff, Json(json!({}))).with("publication_id", &c.draft),
        "amend_publication" => row(Staff, Json(json!({ "summary_of_change": "Intrusion", "title": "Intrusion" }))),
        "archive_publication" => row(Staff, Json(json!({ "reason": "Intrusion" }))),
        "add_publication_attachment" => row(Staff, pdf()).with("publication_id", &c.draft),
        "remove_publication_attachment" => {
            row(Staff, Empty).with("publication_id", &c.draft).with("attachment_id", &c.draft_file)
        }
        // Dialogue.
        "ask_question" => row(Person, Json(json!({ "title": "D'ailleurs", "body": "Bonjour." }))),
        "list_questions" | "get_question" => row(Public, Empty),
        "answer_question" => row(Staff, Json(json!({ "body": "Réponse intruse." }))),
        "redirect_question" => row(Staff, Json(json!({ "report_id": c.report, "message": "Voir ce signalement." }))),
        "submit_proposal" => row(Person, Json(json!({ "title": "D'ailleurs", "body": "Bonjour." }))),
        "list_proposals" | "get_proposal" => row(Public, Empty),
        "support_proposal" => row(Person, Empty),
        "answer_proposal" => row(Staff, Json(json!({ "body": "Réponse intruse." }))),
        "get_dialogue_settings" => row(Public, Empty),
        "update_dialogue_settings" => row(Staff, Json(json!({ "support_threshold": 1 }))),
        "post_comment" => {
            row(Person, Json(json!({ "target": format!("proposals/{}", c.proposal), "body": "D'ailleurs." })))
        }
        "list_comments" => row(Public, Empty).query(format!("target=proposals/{}", c.proposal)),
        "flag_content" => row(Person, Json(json!({ "subject": format!("comments/{}", c.comment), "reason": "Vu." }))),
        "hide_content" => {
            row(Staff, Json(json!({ "subject": format!("comments/{}", c.comment), "public_reason": "Intrusion" })))
        }
        // Only the author appeals.
        "appeal_hiding" => row(Staff, Json(json!({ "subject": c.hidden, "reason": "Intrusion" }))),
        "resolve_appeal" => {
            row(Staff, Json(json!({ "subject": c.hidden, "restore": true, "public_reason": "Intrusion" })))
        }
        "list_moderation_log" => row(Public, Empty),
        "list_flagged_content" => row(Staff, Empty),
        _ => return None,
    })
}

/// Every operation of the OpenAPI document under `/api/v1/communes/{insee}`: (operationId, method, path template).
async fn commune_operations(p: &Platform) -> Vec<(String, Method, String)> {
    let response = p.http.get(p.url("/api/openapi.json")).send().await.expect("the OpenAPI document");
    assert_eq!(response.status(), StatusCode::OK);
    let document: Value = response.json().await.expect("JSON");
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        if !path.starts_with("/api/v1/communes/{insee}") {
            continue;
        }
        for (method, operation) in item.as_object().expect("path item") {
            let Ok(method) = method.to_uppercase().parse::<Method>() else { continue };
            let id = operation["operationId"].as_str().expect("operationId").to_owned();
            operations.push((id, method, path.clone()));
        }
    }
    operations.sort();
    operations
}

/// `template` with its parameters: the row's first, else the commune's defaults.
fn fill(template: &str, c: &Commune, row: &Row) -> String {
    let defaults = [
        ("insee", c.insee.to_owned()),
        ("report_id", c.report.clone()),
        ("photo_id", c.photo.clone()),
        ("code", "eclairage".to_owned()),
        ("client_id", c.client_id.clone()),
        ("question_id", c.question.clone()),
        ("proposal_id", c.proposal.clone()),
        ("publication_id", c.published.clone()),
        ("attachment_id", c.published_file.clone()),
    ];
    let mut path = template.to_owned();
    for (name, value) in row.params.iter().map(|(n, v)| (*n, v.clone())).chain(defaults) {
        path = path.replace(&format!("{{{name}}}"), &value);
    }
    assert!(!path.contains('{'), "a parameter of {template} has no value: {path}");
    if row.query.is_empty() { path } else { format!("{path}?{}", row.query) }
}

async fn send(p: &Platform, method: &Method, path: &str, bearer: &str, body: &Body) -> (StatusCode, String) {
    let mut request = p.http.request(method.clone(), p.url(path)).bearer_auth(bearer);
    request = match body {
        Body::None => request,
        Body::Json(value) => request.json(value),
        Body::Form(parts) => {
            let (content_type, bytes) = multipart(parts);
            request.header("content-type", content_type).body(bytes)
        }
    };
    let response = request.send().await.expect("send");
    let status = response.status();
    (status, response.text().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_rest_operation_of_a_commune_has_a_row_in_the_isolation_table() {
    let p = Platform::start(1000).await;
    let b = populate(&p, B).await;
    let operations = commune_operations(&p).await;
    assert!(operations.len() > 50, "the document lists the communes' operations: {}", operations.len());
    let missing: Vec<&str> =
        operations.iter().filter(|(id, ..)| rest_row(id, &b, "").is_none()).map(|(id, ..)| id.as_str()).collect();
    assert!(missing.is_empty(), "operations without a row in `rest_row`: {missing:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn another_communes_administrator_agent_resident_and_client_change_nothing_through_the_rest_api() {
    let p = Platform::start(1000).await;
    let b = populate(&p, B).await;
    let a_admin = p.account("admin-a@example.fr", A, STAFF_ROLES).await;
    let a_agent = p.account("agent-a@example.fr", A, &["agent"]).await;
    let a_resident = p.account("resident-a@example.fr", A, &[]).await;
    let a_client = p.client(A).await;
    let callers = [
        ("A's administrator", a_admin.bearer.as_str(), true),
        ("A's agent", a_agent.bearer.as_str(), true),
        ("A's resident", a_resident.bearer.as_str(), true),
        ("A's integration client", a_client.as_str(), false),
    ];
    let operations = commune_operations(&p).await;

    // Staff operations first: every caller of A refused, and B's logs unchanged.
    let before = p.events().await;
    let mut answers: BTreeMap<StatusCode, Vec<String>> = BTreeMap::new();
    let mut wrong = Vec::new();
    for (id, method, template) in &operations {
        let row = rest_row(id, &b, &a_resident.id).expect("a row");
        if row.rule != Rule::Staff {
            continue;
        }
        let path = fill(template, &b, &row);
        for (who, bearer, _) in &callers {
            let (status, body) = send(&p, method, &path, bearer, &row.body).await;
            answers.entry(status).or_default().push(format!("{id} by {who}"));
            // A client is no account: what only an account may do (reopen as the reporter) is a 401 to it.
            let refused = matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)
                || status == StatusCode::UNAUTHORIZED && who.ends_with("client");
            if !refused {
                wrong.push(format!("{method} {path} ({id}) by {who}: {status} {body:.200}"));
            }
        }
    }
    assert!(wrong.is_empty(), "staff operations of B not refused to A's callers:\n{}", wrong.join("\n"));
    let stored = p.new_events_in(&before, B).await;
    assert!(stored.is_empty(), "A's callers stored in B: {stored:?}");
    let stored_anywhere = p.new_events_in(&before, "").await;
    assert!(stored_anywhere.is_empty(), "A's refused callers stored something: {stored_anywhere:?}");
    // What a refusal says: 403 when the thing is public (the caller lacks a right over it), 404 when it is not
    // (the caller must not learn that it exists: a draft, a client, an account).
    let not_found: BTreeSet<&str> =
        answers.get(&StatusCode::NOT_FOUND).into_iter().flatten().map(|s| s.split(' ').next().unwrap_or(s)).collect();
    eprintln!("refusals: 403 ×{}, 404 for {not_found:?}", answers.get(&StatusCode::FORBIDDEN).map_or(0, Vec::len));

    // Public reads answer anyone; acting as a person in B is open to any account, not to A's client.
    for (id, method, template) in &operations {
        let row = rest_row(id, &b, &a_resident.id).expect("a row");
        let path = fill(template, &b, &row);
        for (who, bearer, account) in &callers {
            let (status, body) = send(&p, method, &path, bearer, &row.body).await;
            match row.rule {
                Rule::Staff => {}
                Rule::Public => assert!(status.is_success(), "{method} {path} ({id}) by {who}: {status} {body:.300}"),
                Rule::Person if *account => {
                    assert!(status.is_success(), "{method} {path} ({id}) by {who}: {status} {body:.300}")
                }
                // A client is no person: 401 (what it does needs an account) or 403.
                Rule::Person => assert!(
                    matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                    "{method} {path} ({id}) by {who}: {status} {body:.300}"
                ),
            }
        }
    }
    // Reads of B by A's staff carry none of B's staff-only data.
    let (status, report) =
        send(&p, &Method::GET, &format!("/api/v1/communes/{B}/reports/{}", b.report), &a_admin.bearer, &Body::None)
            .await;
    assert_eq!(status, StatusCode::OK);
    let report: Value = serde_json::from_str(&report).expect("JSON");
    assert!(report.get("reporter_email").is_none_or(|e| e.as_str().unwrap_or_default().is_empty()), "{report}");
}

// ------------------------------------------------------------ the site's forms

/// Who may send a form of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SiteRule {
    /// The commune's staff (or the author, for an appeal): refused to another commune's people.
    Staff,
    /// Any signed-in person, in any commune.
    Person,
    /// The visitor's own account or session (sign-up, sign-in, profile, preferences…).
    Own,
    /// The one-click unsubscribe link of an e-mail (RFC 8058): mail clients post it without a session, so it
    /// carries no CSRF token; its unguessable token is the credential, and it only ever turns e-mails off.
    OneClick,
}

/// Every POST route of the site (`site::routes`), `*` standing for one path segment.
const SITE_POSTS: &[(&str, SiteRule)] = &[
    ("/c/*/citoyen/signalements/nouveau", SiteRule::Person),
    ("/c/*/citoyen/signalements/*", SiteRule::Staff),
    ("/c/*/citoyen/signalements/*/soutenir", SiteRule::Person),
    ("/c/*/citoyen/signalements/*/attribuer", SiteRule::Staff),
    ("/c/*/citoyen/signalements/*/notes", SiteRule::Staff),
    ("/c/*/citoyen/signalements/*/fusionner", SiteRule::Staff),
    ("/c/*/administration/roles", SiteRule::Staff),
    ("/c/*/administration/clients", SiteRule::Staff),
    ("/c/*/administration/clients/*/revoke", SiteRule::Staff),
    ("/c/*/administration/signalements/prendre-en-compte", SiteRule::Staff),
    ("/c/*/administration/categories/", SiteRule::Staff),
    ("/c/*/citoyen/questions/", SiteRule::Person),
    ("/c/*/citoyen/questions/*/repondre", SiteRule::Staff),
    ("/c/*/citoyen/questions/*/rediriger", SiteRule::Staff),
    ("/c/*/citoyen/propositions/", SiteRule::Person),
    ("/c/*/citoyen/propositions/*/soutenir", SiteRule::Person),
    ("/c/*/citoyen/propositions/*/repondre", SiteRule::Staff),
    ("/c/*/commentaires", SiteRule::Person),
    ("/c/*/moderation/signaler", SiteRule::Person),
    ("/c/*/moderation/masquer", SiteRule::Staff),
    ("/c/*/moderation/contester", SiteRule::Staff),
    ("/c/*/moderation/trancher", SiteRule::Staff),
    ("/c/*/administration/dialogue/", SiteRule::Staff),
    ("/c/*/administration/webhooks/", SiteRule::Staff),
    ("/c/*/administration/webhooks/*/*", SiteRule::Staff),
    ("/c/*/abonnements", SiteRule::Person),
    ("/c/*/publications/*/modifier", SiteRule::Staff),
    ("/c/*/publications/*/publier", SiteRule::Staff),
    ("/c/*/publications/*/archiver", SiteRule::Staff),
    ("/c/*/publications/*/fichiers", SiteRule::Staff),
    ("/c/*/publications/*/fichiers/*/retirer", SiteRule::Staff),
    ("/c/*/officiel/redaction/nouveau", SiteRule::Staff),
    ("/c/*/citoyen/redaction/nouveau", SiteRule::Staff),
    ("/compte/inscription", SiteRule::Own),
    ("/compte/connexion", SiteRule::Own),
    ("/compte/deconnexion", SiteRule::Own),
    ("/compte/", SiteRule::Own),
    ("/compte/supprimer", SiteRule::Own),
    ("/compte/mot-de-passe", SiteRule::Own),
    ("/compte/suivre", SiteRule::Own),
    ("/compte/notifications", SiteRule::Own),
    ("/compte/notifications/resilier", SiteRule::Own),
    ("/compte/notifications/lu", SiteRule::Own),
    ("/desabonnement/*", SiteRule::OneClick),
];

/// The pattern of [`SITE_POSTS`] a form's action matches (the most specific: fewest `*`).
fn site_pattern(action: &str) -> Option<(&'static str, SiteRule)> {
    let path = action.split('?').next().unwrap_or(action);
    let segments: Vec<&str> = path.split('/').collect();
    SITE_POSTS
        .iter()
        .filter(|(pattern, _)| {
            let parts: Vec<&str> = pattern.split('/').collect();
            parts.len() == segments.len()
                && parts.iter().zip(&segments).all(|(p, s)| *p == "*" && !s.is_empty() || p == s)
        })
        .min_by_key(|(pattern, _)| pattern.matches('*').count())
        .copied()
}

/// The pages of a commune where its staff's work starts.
fn seeds(c: &Commune) -> Vec<String> {
    let i = c.insee;
    let mut seeds: Vec<String> = [
        "/",
        "/officiel/",
        "/citoyen/",
        "/administration/",
        "/administration/signalements/",
        "/administration/categories/",
        "/administration/moderation/",
        "/administration/dialogue/",
        "/administration/webhooks/",
        "/officiel/redaction/",
        "/citoyen/redaction/",
        "/officiel/redaction/nouveau?kind=news",
        "/citoyen/redaction/nouveau?kind=post",
        "/citoyen/signalements/nouveau",
        "/abonnements",
        "/citoyen/moderation/",
        "/officiel/moderation/",
    ]
    .iter()
    .map(|s| format!("/c/{i}{s}"))
    .collect();
    seeds.extend([
        format!("/c/{i}/citoyen/signalements/{}", c.report),
        format!("/c/{i}/citoyen/signalements/{}", c.other_report),
        format!("/c/{i}/citoyen/questions/{}", c.question),
        format!("/c/{i}/citoyen/propositions/{}", c.proposal),
        format!("/c/{i}/publications/{}", c.published),
        format!("/c/{i}/publications/{}/modifier", c.draft),
        format!("/c/{i}/publications/{}/modifier", c.published),
    ]);
    seeds
}

/// A webhook endpoint of the commune's client, made on the site by its staff (once the notifications service
/// has learned the client from identity's log).
async fn webhook(p: &Platform, c: &Commune) {
    let path = format!("/c/{}/administration/webhooks/", c.insee);
    let fields =
        [("client_id", c.client_id.as_str()), ("url", "https://hooks.example.org/miroir"), ("event_types", "")];
    for _ in 0..100 {
        if c.staff.submit(p, &path, &fields).await.status() == StatusCode::OK {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the webhook endpoint was never created");
}

/// Sends `form` as `who` with `csrf` in place of its token (None: without one), files filled with real ones.
async fn post_form(p: &Platform, who: &Person, form: &Form, csrf: Option<&str>) -> (StatusCode, String) {
    let mut fields: Vec<(String, String)> = form.filled().into_iter().filter(|(n, _)| n != "csrf").collect();
    if let Some(csrf) = csrf {
        // First, as the site's forms send it.
        fields.insert(0, ("csrf".to_owned(), csrf.to_owned()));
    }
    let request = p.http.post(p.url(&form.action)).header("cookie", &who.cookies);
    let request = if form.multipart {
        let mut parts: Vec<Part> = fields.iter().map(|(n, v)| Part::text(n, v)).collect();
        for name in &form.files {
            parts.push(if form.action.contains("/fichiers") {
                Part::file(name, "annexe.pdf", "application/pdf", PDF)
            } else {
                Part::file(name, "photo.jpg", "image/jpeg", PHOTO)
            });
        }
        let (content_type, body) = multipart(&parts);
        request.header("content-type", content_type).body(body)
    } else {
        request.form(&fields)
    };
    let response = request.send().await.expect("POST");
    let status = response.status();
    (status, response.text().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn another_communes_administrator_gets_none_of_the_back_office_pages_and_forms() {
    let p = Platform::start(1000).await;
    let b = populate(&p, B).await;
    webhook(&p, &b).await;
    let a_admin = p.person("admin-a@example.fr", A, STAFF_ROLES).await;
    let prefix = format!("/c/{B}/");
    let crawled = crawl(&p, Some(&b.staff), &seeds(&b), &[&prefix]).await;
    let (pages, mut forms) = (crawled.paths(), crawled.forms);
    // The appeal form is its author's: B's resident sees it beside their hidden comment.
    let proposal = [format!("/c/{B}/citoyen/propositions/{}", b.proposal)];
    forms.extend(crawl(&p, Some(&b.resident), &proposal, &[]).await.forms);
    assert!(pages.len() > 20, "B's staff reaches B's pages: {pages:?}");

    // A page only B's staff may see is refused to A's administrator; a public page shows them none of B's
    // staff forms.
    let mut back_office = Vec::new();
    for page in &pages {
        let anonymous = p.http.get(p.url(page)).send().await.expect("GET").status();
        let response = a_admin.get(&p, page).await;
        let status = response.status();
        if anonymous != StatusCode::OK {
            back_office.push(page.clone());
            assert!(
                matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{page}: {status} for A's administrator ({anonymous} for nobody)"
            );
            continue;
        }
        assert_eq!(status, StatusCode::OK, "{page}");
        let body = response.text().await.expect("html");
        for form in html::forms(page, &body).iter().filter(|f| f.method == "post") {
            let rule = site_pattern(&form.action).map(|(_, rule)| rule);
            assert_ne!(rule, Some(SiteRule::Staff), "{page} shows A's administrator B's staff form {}", form.action);
        }
    }
    assert!(back_office.len() >= 10, "B's back office: {back_office:?}");
    eprintln!("site isolation: {} pages of B crawled, {} of them back office", pages.len(), back_office.len());

    // Each of B's staff forms, as B's staff would send it, sent by A's administrator with their own valid
    // token: refused, nothing stored in B.
    let before = p.events().await;
    let mut sent = BTreeSet::new();
    for form in &forms {
        let Some((pattern, SiteRule::Staff)) = site_pattern(&form.action) else { continue };
        sent.insert(pattern);
        let mut form = form.clone();
        // The report a duplicate goes into, or a question is sent to: one of B's, as B's staff would type it.
        for (name, value) in &mut form.fields {
            if (name == "into" || name == "report") && value.is_empty() {
                let other = if form.action.contains(&b.other_report) { &b.report } else { &b.other_report };
                value.clone_from(other);
            }
        }
        let (status, body) = post_form(&p, &a_admin, &form, Some(&a_admin.csrf)).await;
        assert!(
            matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "POST {} (from {}) by A's administrator: {status} {body:.300}",
            form.action,
            form.page
        );
    }
    let staff_patterns: BTreeSet<&str> =
        SITE_POSTS.iter().filter(|(_, rule)| *rule == SiteRule::Staff).map(|(pattern, _)| *pattern).collect();
    let unsent: Vec<&&str> = staff_patterns.difference(&sent).collect();
    assert!(unsent.is_empty(), "B's staff forms never found on B's pages: {unsent:?}");
    let stored = p.new_events_in(&before, B).await;
    assert!(stored.is_empty(), "A's administrator stored in B through the site: {stored:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_form_of_the_site_carries_a_csrf_token_and_is_refused_without_its_own() {
    let p = Platform::start(1000).await;
    let a = populate(&p, A).await;
    webhook(&p, &a).await;
    let prefixes = [format!("/c/{A}/"), "/compte/".to_owned()];
    let prefixes: Vec<&str> = prefixes.iter().map(String::as_str).collect();
    let mut account_pages: Vec<String> =
        ["/compte/", "/compte/notifications"].iter().map(|s| (*s).to_owned()).collect();
    account_pages.extend(seeds(&a));
    let staff_forms = crawl(&p, Some(&a.staff), &account_pages, &prefixes).await.forms;
    let resident_forms = crawl(&p, Some(&a.resident), &account_pages, &prefixes).await.forms;
    let anonymous_pages: Vec<String> =
        ["/compte/inscription", "/compte/connexion", "/compte/mot-de-passe"].iter().map(|s| (*s).to_owned()).collect();
    let anonymous_forms = crawl(&p, None, &anonymous_pages, &["/compte/"]).await.forms;

    // Every form has its token, and every POST route of the site was found on a page.
    let mut found: BTreeMap<&str, Vec<(&Person, Form)>> = BTreeMap::new();
    let anyone = Person { cookies: String::new(), csrf: String::new(), account: a.resident.account.clone() };
    let all = staff_forms
        .into_iter()
        .map(|f| (&a.staff, f))
        .chain(resident_forms.into_iter().map(|f| (&a.resident, f)))
        .chain(anonymous_forms.into_iter().map(|f| (&anyone, f)));
    for (who, form) in all {
        let Some((pattern, rule)) = site_pattern(&form.action) else {
            panic!("a form of {} posts to {}, which has no row in SITE_POSTS", form.page, form.action)
        };
        if rule != SiteRule::OneClick {
            assert!(
                form.field("csrf").is_some_and(|t| t.len() >= 32),
                "the form to {} on {} has no CSRF token",
                form.action,
                form.page
            );
        }
        found.entry(pattern).or_default().push((who, form));
    }
    let missing: Vec<&str> = SITE_POSTS
        .iter()
        .filter(|(pattern, rule)| *rule != SiteRule::OneClick && !found.contains_key(pattern))
        .map(|(pattern, _)| *pattern)
        .collect();
    assert!(missing.is_empty(), "POST routes whose form was never found: {missing:?}");

    // Each form without its token, with a made-up one and with another session's: 403, nothing stored.
    let other_session = p.person("other@example.fr", A, &[]).await;
    let before = p.events().await;
    let mut tried = 0;
    for (pattern, forms) in &found {
        let mut actions = BTreeSet::new();
        for (who, form) in forms {
            if !actions.insert(form.action.clone()) || actions.len() > 3 {
                continue;
            }
            for (how, token) in [
                ("without a token", None),
                ("with a made-up token", Some("x".repeat(43))),
                ("with another session's token", Some(other_session.csrf.clone())),
            ] {
                let (status, body) = post_form(&p, who, form, token.as_deref()).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{pattern}: POST {} {how}: {body:.300}", form.action);
                tried += 1;
            }
        }
    }
    assert!(tried > 100, "{tried} forged posts");
    eprintln!("CSRF: {} POST routes found on the pages, {tried} forged posts refused", found.len());
    let stored = p.new_events_in(&before, "").await;
    assert!(stored.is_empty(), "forged posts stored: {stored:?}");
    // The people are still signed in: their sign-out and deletion were refused too.
    let page = a.resident.html(&p, "/compte/").await;
    assert!(page.contains(&a.resident.account.email), "still signed in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_sites_cookies_are_http_only_secure_and_same_site() {
    let p = Platform::start(1000).await;
    p.account("anne@example.fr", A, &[]).await;
    let form = p.http.get(p.url("/compte/connexion?lang=fr")).send().await.expect("form");
    let mut set = support::set_cookies(&form);
    let csrf = support::hidden(&form.text().await.expect("html"), "csrf");
    let signed_in = p
        .http
        .post(p.url("/compte/connexion"))
        .header("cookie", support::cookie_header(&set))
        .form(&[("csrf", csrf.as_str()), ("email", "anne@example.fr"), ("password", support::PASSWORD)])
        .send()
        .await
        .expect("sign in");
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    set.extend(support::set_cookies(&signed_in));
    for name in ["miroir_csrf", "miroir_lang", "miroir_session", "miroir_refresh"] {
        let cookie = set.iter().find(|c| c.starts_with(&format!("{name}="))).unwrap_or_else(|| panic!("{name} set"));
        for flag in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
            assert!(cookie.split(';').any(|f| f.trim() == flag), "{name} lacks {flag}: {cookie}");
        }
        assert!(!cookie.to_ascii_lowercase().contains("domain="), "{name} stays on its host: {cookie}");
    }
}

// ------------------------------------------------------------- headers

/// What is missing or wrong in the security headers of one answer.
fn header_problems(response: &reqwest::Response) -> Vec<String> {
    let get = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mut problems = Vec::new();
    if get("x-content-type-options").as_deref() != Some("nosniff") {
        problems.push("X-Content-Type-Options is not nosniff".to_owned());
    }
    match get("referrer-policy").as_deref() {
        Some("same-origin" | "no-referrer" | "strict-origin" | "strict-origin-when-cross-origin") => {}
        other => problems.push(format!("Referrer-Policy {other:?}")),
    }
    let csp = get("content-security-policy").unwrap_or_default();
    if csp.is_empty() {
        problems.push("no Content-Security-Policy".to_owned());
    }
    // The directive that governs scripts: script-src, else default-src.
    let directive =
        |name: &str| csp.split(';').map(str::trim).find(|d| d.starts_with(&format!("{name} "))).map(str::to_owned);
    let scripts = directive("script-src").or_else(|| directive("default-src")).unwrap_or_default();
    if scripts.contains("'unsafe-inline'") || scripts.contains("'unsafe-eval'") || scripts.contains('*') {
        problems.push(format!("scripts allowed too widely: {scripts}"));
    }
    let sandboxed = csp.split(';').any(|d| d.trim() == "sandbox");
    let framing_denied = get("x-frame-options").as_deref() == Some("DENY")
        || csp.contains("frame-ancestors 'none'")
        || sandboxed && get("x-frame-options").is_some();
    if !framing_denied {
        problems.push(format!("framing not denied (X-Frame-Options {:?}, CSP {csp})", get("x-frame-options")));
    }
    if get("permissions-policy").is_none_or(|p| p.is_empty()) {
        problems.push("no Permissions-Policy".to_owned());
    }
    if get("strict-transport-security").is_none_or(|h| !h.contains("max-age=")) {
        problems.push("no Strict-Transport-Security".to_owned());
    }
    for leak in ["server", "x-powered-by", "x-aspnet-version", "via"] {
        if let Some(value) = get(leak) {
            problems.push(format!("{leak}: {value}"));
        }
    }
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_page_answer_error_asset_and_download_has_the_security_headers() {
    let p = Platform::start(1000).await;
    let a = populate(&p, A).await;
    let staff = &a.staff;
    let page = staff.html(&p, "/").await;
    let assets: Vec<String> = html::tags(&page)
        .iter()
        .filter_map(|t| t.attr("href").or(t.attr("src")).filter(|h| h.starts_with("/static/")).map(str::to_owned))
        .collect();
    assert!(!assets.is_empty(), "the page links its stylesheet");
    let c = format!("/c/{A}");
    let api = format!("/api/v1/communes/{A}");
    let paths: Vec<String> = vec![
        "/".to_owned(),
        format!("{c}/"),
        format!("{c}/citoyen/signalements/"),
        format!("{c}/citoyen/signalements/{}", a.report),
        format!("{c}/citoyen/signalements/{}/photos/{}", a.report, a.photo),
        format!("{c}/publications/{}", a.published),
        format!("{c}/publications/{}/fichiers/{}", a.published, a.published_file),
        format!("{c}/administration/"),
        format!("{c}/transparence/"),
        format!("{c}/transparence.csv"),
        format!("{c}/transparence.json"),
        format!("{c}/evenements.jsonl"),
        "/donnees-ouvertes".to_owned(),
        "/compte/".to_owned(),
        "/compte/export".to_owned(),
        format!("{c}/nope"),
        "/c/99999/".to_owned(),
        format!("{c}/citoyen/signalements/not-an-id"),
        "/transparence".to_owned(),
        format!("{api}/reports"),
        format!("{api}/reports/{}", a.report),
        format!("{api}/reports/{}/photos/{}", a.report, a.photo),
        format!("{api}/publications/{}/attachments/{}", a.published, a.published_file),
        format!("{api}/reports?page_size=-1"),
        "/api/v1/nope".to_owned(),
        "/api/v1/me".to_owned(),
        "/api/openapi.json".to_owned(),
        "/.well-known/jwks.json".to_owned(),
        "/open311/v2/discovery.json".to_owned(),
        format!("/open311/v2/services.xml?jurisdiction_id={A}"),
        "/open311/v2/nope".to_owned(),
    ];
    let mut gets: Vec<(String, bool)> = paths.into_iter().map(|s| (s, true)).collect();
    gets.extend(assets.into_iter().map(|s| (s, false)));
    let mut problems = Vec::new();
    let mut statuses = BTreeSet::new();
    for (path, signed_in) in &gets {
        let mut request = p.http.get(p.url(path));
        if *signed_in && !path.starts_with("/api/") {
            request = request.header("cookie", &staff.cookies);
        }
        let response = request.send().await.expect("GET");
        statuses.insert(response.status().as_u16());
        for problem in header_problems(&response) {
            problems.push(format!("GET {path} ({}): {problem}", response.status()));
        }
    }
    // Errors of each kind: a bad JSON body (400), no token (401), a forged form (403), a wrong method (405),
    // a body too large (413), the site's and the API's.
    // Just over the limit: a body far larger may be cut off by the server before the client has sent it all.
    let big = vec![b'x'; miroir_gateway::error::BODY_LIMIT_BYTES + 1024];
    let posts: Vec<(String, reqwest::RequestBuilder)> = vec![
        (
            "bad JSON".into(),
            p.http
                .post(p.url(&format!("{api}/questions")))
                .bearer_auth(&staff.account.bearer)
                .header("content-type", "application/json")
                .body("{"),
        ),
        ("no token".into(), p.http.post(p.url(&format!("{api}/questions"))).json(&json!({}))),
        (
            "created".into(),
            p.http
                .post(p.url(&format!("{api}/questions")))
                .bearer_auth(&staff.account.bearer)
                .json(&json!({ "title": "En-têtes ?", "body": "Oui." })),
        ),
        (
            "forged form".into(),
            p.http
                .post(p.url(&format!("{c}/citoyen/questions/")))
                .header("cookie", &staff.cookies)
                .form(&[("title", "x")]),
        ),
        ("wrong method".into(), p.http.delete(p.url(&format!("{api}/reports")))),
        (
            "API body too large".into(),
            p.http
                .post(p.url(&format!("{api}/questions")))
                .bearer_auth(&staff.account.bearer)
                .header("content-type", "application/json")
                .body(big.clone()),
        ),
        (
            "form too large".into(),
            p.http
                .post(p.url("/compte/connexion"))
                .header("cookie", &staff.cookies)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(big),
        ),
        (
            "site sign-in".into(),
            p.http.post(p.url("/compte/connexion")).header("cookie", &staff.cookies).form(&[
                ("csrf", staff.csrf.as_str()),
                ("email", "x@example.fr"),
                ("password", "x"),
            ]),
        ),
        (
            "site redirect".into(),
            p.http.post(p.url(&format!("{c}/citoyen/questions/"))).header("cookie", &staff.cookies).form(&[
                ("csrf", staff.csrf.as_str()),
                ("title", "Une question ?"),
                ("body", "Oui."),
            ]),
        ),
    ];
    for (what, request) in posts {
        let response = request.send().await.expect("POST");
        statuses.insert(response.status().as_u16());
        for problem in header_problems(&response) {
            problems.push(format!("{what} ({}): {problem}", response.status()));
        }
    }
    for expected in [200, 201, 303, 308, 400, 401, 403, 404, 405, 413] {
        assert!(statuses.contains(&expected), "no answer was a {expected}: {statuses:?}");
    }
    assert!(problems.is_empty(), "security headers:\n{}", problems.join("\n"));
}

// ------------------------------------------------------------ rate limits

fn retry_after(response: &reqwest::Response) -> Option<u64> {
    response.headers().get("retry-after")?.to_str().ok()?.trim().parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn repeated_sign_ins_are_limited_on_the_api_and_on_the_site_with_retry_after() {
    let p = Platform::start(1000).await;
    p.account("anne@example.fr", A, &[]).await;
    p.account("bruno@example.fr", A, &[]).await;
    // The API: 401 until the limit, then 429 with Retry-After, even with the right password.
    let login = |email: &'static str, password: &'static str| {
        p.http.post(p.url("/api/v1/auth/login")).json(&json!({ "email": email, "password": password })).send()
    };
    let mut limited = None;
    for _ in 0..15 {
        let response = login("anne@example.fr", "pas le bon mot de passe").await.expect("login");
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(response);
            break;
        }
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = limited.expect("limited after a few failures");
    assert!(retry_after(&limited).is_some_and(|s| (1..=3600).contains(&s)), "{:?}", limited.headers());
    let right = login("anne@example.fr", support::PASSWORD).await.expect("login");
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS, "the right password waits too");

    // The site: the sign-in form comes back, with a 429, Retry-After, the message and the address as typed.
    let form = p.http.get(p.url("/compte/connexion")).send().await.expect("form");
    let cookies = support::cookie_header(&support::set_cookies(&form));
    let csrf = support::hidden(&form.text().await.expect("html"), "csrf");
    let mut page = None;
    for _ in 0..15 {
        let response = p
            .http
            .post(p.url("/compte/connexion"))
            .header("cookie", &cookies)
            .header("x-forwarded-for", "198.51.100.20")
            .form(&[("csrf", csrf.as_str()), ("email", "bruno@example.fr"), ("password", "pas le bon")])
            .send()
            .await
            .expect("sign in");
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            page = Some(response);
            break;
        }
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let page = page.expect("the site's sign-in is limited too");
    assert!(retry_after(&page).is_some_and(|s| (1..=3600).contains(&s)), "{:?}", page.headers());
    let body = page.text().await.expect("html");
    assert!(body.contains("value=\"bruno@example.fr\"") && body.contains("name=\"password\""), "the form: {body}");
    assert!(body.contains("Trop de tentatives"), "the message, in the page's language: {body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn posting_past_the_limits_is_a_429_on_the_api_and_the_form_back_on_the_site() {
    let p = Platform::start(3).await;
    let api_poster = p.account("api@example.fr", A, &[]).await;
    let questions = format!("/api/v1/communes/{A}/questions");
    for n in 0..3 {
        let body = json!({ "title": format!("Question {n}"), "body": "Oui." });
        p.api(Method::POST, &questions, &api_poster.bearer, body).await;
    }
    let response = p
        .http
        .post(p.url(&questions))
        .bearer_auth(&api_poster.bearer)
        .json(&json!({ "title": "Une de trop", "body": "Non." }))
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&response).is_some(), "{:?}", response.headers());

    // The site: the dialogue's limit gives the form back as typed.
    let resident = p.person("site@example.fr", A, &[]).await;
    let site_questions = format!("/c/{A}/citoyen/questions/");
    for n in 0..3 {
        resident.done(&p, &site_questions, &[("title", &format!("Question du site {n}")), ("body", "Oui.")]).await;
    }
    let refused = resident.submit(&p, &site_questions, &[("title", "Encore une"), ("body", "Non.")]).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let body = refused.text().await.expect("html");
    assert!(body.contains("value=\"Encore une\""), "the form as typed: {body}");

    // The site's own limit per address (a flood guard far above what a person sends): past it, a 429 that says
    // to wait a minute, and nothing stored.
    let other = p.person("flood@example.fr", A, &[]).await;
    let before = p.events().await;
    let mut limited = None;
    for n in 0..200 {
        let response = p
            .http
            .post(p.url(&format!("/c/{A}/citoyen/propositions/")))
            .header("cookie", &other.cookies)
            .header("x-forwarded-for", "198.51.100.77")
            // No body: refused by the form (400) but counted.
            .form(&[("csrf", other.csrf.as_str()), ("title", &format!("Idée {n}")), ("body", "")])
            .send()
            .await
            .expect("post");
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(response);
            break;
        }
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "a proposal without its text");
    }
    let limited = limited.expect("the site limits posts per address");
    assert!(retry_after(&limited).is_some(), "{:?}", limited.headers());
    let body = limited.text().await.expect("html");
    assert!(body.contains("patientez quelques minutes"), "the message: {body}");
    let typed = html::forms("/", &body).into_iter().find_map(|f| f.field("title").map(str::to_owned));
    assert!(typed.is_some_and(|t| t.starts_with("Idée")), "the form back, as typed: {body}");
    assert!(p.new_events_in(&before, "").await.is_empty(), "nothing stored");
}

// ------------------------------------------------------------------ uploads

/// Hostile files dressed as images or PDFs: (file name, declared type, bytes).
fn disguised() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>".to_vec();
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script></svg>".to_vec();
    let js = b"alert(document.cookie);//".to_vec();
    // Magic numbers followed by a page: the first bytes say image or PDF, the rest is HTML.
    let mut png_html = b"\x89PNG\r\n\x1a\n".to_vec();
    png_html.extend_from_slice(&html);
    let mut gif_html = b"GIF89a<html><script>alert(1)</script>".to_vec();
    gif_html.extend_from_slice(&html);
    vec![
        ("page.png", "image/png", html.clone()),
        ("page.pdf", "application/pdf", html),
        ("dessin.png", "image/png", svg.clone()),
        ("dessin.svg", "image/svg+xml", svg),
        ("script.jpg", "image/jpeg", js.clone()),
        ("script.pdf", "application/pdf", js),
        ("polyglotte.png", "image/png", png_html),
        ("polyglotte.gif", "image/gif", gif_html),
    ]
}

/// A real JPEG with a page in a comment segment: an image to a decoder, a page to a browser that sniffs.
fn jpeg_polyglot() -> Vec<u8> {
    let page = b"<html><script>alert(document.cookie)</script></html>";
    let mut out = PHOTO[..2].to_vec();
    out.extend([0xFF, 0xFE]);
    out.extend(u16::try_from(page.len() + 2).expect("short").to_be_bytes());
    out.extend_from_slice(page);
    out.extend_from_slice(&PHOTO[2..]);
    out
}

/// File names that try to leave their folder, hide their end or cut the name.
const HOSTILE_NAMES: &[&str] = &[
    "../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "/etc/shadow",
    "nul\0byte.pdf",
    "facture\u{202E}fdp.exe",
    "<script>alert(1)</script>.pdf",
    "a\"; filename=evil.html",
];

/// Served uploads may only be these types, never run or sniffed.
fn assert_served_safely(what: &str, response: &reqwest::Response) {
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let content_type = header("content-type");
    assert!(
        ["image/jpeg", "image/png", "image/webp", "application/pdf"].contains(&content_type.as_str()),
        "{what}: served as {content_type}"
    );
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    let disposition = header("content-disposition");
    assert!(disposition.starts_with("inline") || disposition.starts_with("attachment"), "{what}: {disposition}");
    if content_type == "application/pdf" {
        assert!(disposition.starts_with("attachment"), "{what}: a PDF is downloaded, not shown: {disposition}");
    }
    // A file name, if any, says nothing of a folder, a quote, a control or a direction character.
    let lower = disposition.to_lowercase();
    for bad in ["/", "\\", "..", "%2f", "%5c", "%00", "%e2%80%ae", "<", "\"\""] {
        assert!(!lower.contains(bad), "{what}: {disposition}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn uploads_that_are_not_what_they_claim_are_refused_and_stored_nowhere() {
    let p = Platform::start(1000).await;
    let a = populate(&p, A).await;
    let api = format!("/api/v1/communes/{A}");
    let before = p.events().await;
    for (name, content_type, bytes) in disguised() {
        // A report photo, on the API…
        let parts =
            [Part::json("report", &report_body(A, "Photo piégée")), Part::file("photos", name, content_type, &bytes)];
        let (form_type, body) = multipart(&parts);
        let response = p
            .http
            .post(p.url(&format!("{api}/reports")))
            .bearer_auth(&a.resident.account.bearer)
            .header("content-type", form_type)
            .body(body)
            .send()
            .await
            .expect("send");
        let status = response.status();
        assert!(
            matches!(status.as_u16(), 400 | 415),
            "photo {name}: {status} {}",
            response.text().await.unwrap_or_default()
        );
        // … and on the site's form.
        let page = a.resident.html(&p, &format!("/c/{A}/citoyen/signalements/nouveau")).await;
        let form = html::forms("/", &page).into_iter().find(|f| f.multipart).expect("the report form");
        let mut parts: Vec<Part> =
            form.fields.iter().filter(|(n, _)| n != "csrf").map(|(n, v)| Part::text(n, v)).collect();
        parts.insert(0, Part::text("csrf", &a.resident.csrf));
        for (field, value) in
            [("title", "Photo piégée"), ("description", "Rien."), ("latitude", "48.8566"), ("longitude", "2.3522")]
        {
            parts.retain(|part| part.name != field);
            parts.push(Part::text(field, value));
        }
        parts.push(Part::file("photos", name, content_type, &bytes));
        let (form_type, body) = multipart(&parts);
        let response = p
            .http
            .post(p.url(&format!("/c/{A}/citoyen/signalements/nouveau")))
            .header("cookie", &a.resident.cookies)
            .header("content-type", form_type)
            .body(body)
            .send()
            .await
            .expect("send");
        let status = response.status();
        assert!(matches!(status.as_u16(), 400 | 415), "site photo {name}: {status}");

        // A publication's attachment, on the API and on the site.
        let parts = [Part::file("file", name, content_type, &bytes), Part::text("alt_text", "Une image")];
        let (form_type, body) = multipart(&parts);
        let response = p
            .http
            .post(p.url(&format!("{api}/publications/{}/attachments", a.draft)))
            .bearer_auth(&a.staff.account.bearer)
            .header("content-type", form_type)
            .body(body)
            .send()
            .await
            .expect("send");
        let status = response.status();
        assert!(matches!(status.as_u16(), 400 | 415), "attachment {name}: {status}");
        let parts = [
            Part::text("csrf", &a.staff.csrf),
            Part::text("alt_text", "Une image"),
            Part::file("file", name, content_type, &bytes),
        ];
        let (form_type, body) = multipart(&parts);
        let response = p
            .http
            .post(p.url(&format!("/c/{A}/publications/{}/fichiers", a.draft)))
            .header("cookie", &a.staff.cookies)
            .header("content-type", form_type)
            .body(body)
            .send()
            .await
            .expect("send");
        let status = response.status();
        assert!(matches!(status.as_u16(), 400 | 415), "site attachment {name}: {status}");
    }
    let stored = p.new_events_in(&before, "").await;
    assert!(stored.is_empty(), "refused files left: {stored:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_served_upload_has_a_safe_type_and_name_whatever_it_was_called() {
    let p = Platform::start(1000).await;
    let a = populate(&p, A).await;
    let api = format!("/api/v1/communes/{A}");
    let mut served = Vec::new();
    for name in HOSTILE_NAMES {
        // A photo with a hostile name, and a JPEG carrying a page in a comment.
        let parts = [
            Part::json("report", &report_body(A, "Nom de fichier piégé")),
            Part::file("photos", name, "image/jpeg", PHOTO),
            Part::file("photos", name, "image/jpeg", &jpeg_polyglot()),
        ];
        let Some(filed) = p.try_api_form(&format!("{api}/reports"), &a.resident.account.bearer, &parts).await else {
            // A name a browser never sends (NUL) may be refused outright.
            assert!(name.contains('\0'), "{name:?} refused");
            continue;
        };
        let report = text(&filed, "/report_id");
        for photo in filed["photos"].as_array().expect("photos") {
            let id = text(photo, "/photo_id");
            served.push(format!("{api}/reports/{report}/photos/{id}"));
            served.push(format!("/c/{A}/citoyen/signalements/{report}/photos/{id}"));
        }
        let shown = filed.to_string();
        assert!(!shown.contains("passwd") && !shown.contains("win.ini") && !shown.contains("<script"), "{shown}");
        // A PDF and an image attached with that name, to a draft of their own (at most 10 files a publication).
        let draft = json!({ "space": "official", "kind": "news", "title": "Fichiers", "body": "Deux fichiers." });
        let draft = text(
            &p.api(Method::POST, &format!("{api}/publications"), &a.staff.account.bearer, draft).await,
            "/publication_id",
        );
        let pdf_name = format!("{name}.pdf");
        let png_name = format!("{name}.jpg");
        for (file_name, content_type, bytes) in
            [(pdf_name.as_str(), "application/pdf", PDF), (png_name.as_str(), "image/jpeg", PHOTO)]
        {
            let parts = [Part::file("file", file_name, content_type, bytes), Part::text("alt_text", "Une image")];
            let path = format!("{api}/publications/{draft}/attachments");
            let Some(added) = p.try_api_form(&path, &a.staff.account.bearer, &parts).await else {
                assert!(name.contains('\0'), "{name:?} refused");
                continue;
            };
            let id = text(&added, "/attachment/attachment_id");
            served.push(format!("{api}/publications/{draft}/attachments/{id}"));
            served.push(format!("/c/{A}/publications/{draft}/fichiers/{id}"));
            let display = added["attachment"]["display_name"].as_str().unwrap_or_default().to_owned();
            for bad in ['/', '\\', '\0', '\u{202E}'] {
                assert!(!display.contains(bad), "{name}: kept as {display:?}");
            }
        }
    }
    served.push(format!("{api}/publications/{}/attachments/{}", a.published, a.published_file));
    for path in &served {
        let response = p
            .http
            .get(p.url(path))
            .header("cookie", &a.staff.cookies)
            .bearer_auth(&a.staff.account.bearer)
            .send()
            .await
            .expect("GET");
        let status = response.status();
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_served_safely(path, &response);
        let bytes = response.bytes().await.expect("bytes");
        assert!(!bytes.windows(7).any(|w| w.eq_ignore_ascii_case(b"<script")), "{path} serves a page's script");
    }
}
