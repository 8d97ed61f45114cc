//! The site escapes everything it shows. A commune whose name, collective,
//! staff and residents write hostile text in every free-text field they can
//! fill (a script, an attribute break-out with an event handler, a
//! `javascript:` link, a template expression, a `</textarea>`, a spreadsheet
//! formula); then every page that shows them — crawled as nobody, as a
//! resident and as the staff — and the open data, Open311 XML and the search
//! pages that echo the query, are read back: each payload is shown as the text
//! it was (so the test sees it), and nowhere as markup, event handler, script
//! URL or live formula. (E-mails are out of scope.)

mod support;

use std::collections::BTreeSet;

use miroir_identity::operator_cli;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::html;
use support::{PDF, Part, Person, Platform, crawl, multipart};

/// The hostile commune (Marseille's INSEE code).
const H: &str = "13055";

/// A payload that names its field (`tag`), short enough for a title (≤ 120 characters): a formula first (a
/// spreadsheet runs a cell that starts with `=`), a script, an attribute break-out with an event handler, a
/// template expression and the end of a text area.
fn hostile(tag: &str) -> String {
    format!(
        "=HYPERLINK(\"//evil.example\",\"{tag}\")<script>alert(1)</script>\"><img src=x onerror=alert(1)>{{{{7*7}}}}</textarea>"
    )
}

/// The payload with more for long fields: a `javascript:` link, a single-quoted break-out, a URL with markup.
fn hostile_long(tag: &str) -> String {
    format!("{} javascript:alert(1) ' onmouseover='alert(1)' https://exemple.fr/?a=<b>x</b>", hostile(tag))
}

/// For short fields (≤ 80 characters).
fn hostile_short(tag: &str) -> String {
    format!("\"><script>alert(1)</script>{tag}")
}

/// What a page shows of a payload when it is escaped: its text, found in the page's text.
fn shown(tag: &str) -> String {
    format!("\"{tag}\")<script>alert(1)</script>")
}

fn shown_short(tag: &str) -> String {
    format!("\"><script>alert(1)</script>{tag}")
}

/// Raw pieces of the payloads that must never be in a page's source.
const RAW: &[&str] =
    &["<script>alert(1)</script>", "<img src=x onerror", "{{7*7}}</textarea>", "' onmouseover='alert(1)'", "<b>x</b>"];

fn text(value: &Value, pointer: &str) -> String {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("{pointer} in {value}")).to_owned()
}

/// Every field, by tag, and whether it is written in full ([`hostile`]) or short ([`hostile_short`]).
struct Planted {
    full: Vec<&'static str>,
    short: Vec<&'static str>,
}

impl Platform {
    async fn must(&self, method: Method, path: &str, bearer: &str, body: Value) -> Value {
        self.api(method, &format!("/api/v1/communes/{H}{path}"), bearer, body).await
    }

    async fn must_form(&self, path: &str, bearer: &str, parts: &[Part]) -> Value {
        let (content_type, body) = multipart(parts);
        let response = self
            .http
            .post(self.url(&format!("/api/v1/communes/{H}{path}")))
            .bearer_auth(bearer)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("POST a form");
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "POST {path}: {status} {answer}");
        answer
    }
}

/// Writes hostile text in every free-text field of commune H; returns the fields written.
async fn plant(p: &Platform, staff: &Person, resident: &Person, member: &Person) -> Planted {
    let mut full = Vec::new();
    let mut short = Vec::new();
    let (s, r, m) = (staff.account.bearer.as_str(), resident.account.bearer.as_str(), member.account.bearer.as_str());

    // The people's names.
    for (who, tag) in [(s, "staff-name"), (r, "resident-name"), (m, "member-name")] {
        p.api(Method::PATCH, "/api/v1/me", who, json!({ "display_name": hostile_short(tag) })).await;
        short.push(tag);
    }

    // A category of the commune, with its extra questions.
    let category = json!({
        "name": hostile_short("category-name"),
        "description": hostile_long("category-description"),
        "department": hostile_short("cat-dept"),
        "attributes": [
            { "code": "detail", "description": hostile("attribute-question"), "datatype": "string", "required": true, "values": [] },
            { "code": "choix", "description": "Choix", "datatype": "single_value_list", "required": false,
              "values": [{ "key": "k", "name": hostile_short("attribute-value") }] },
        ],
        "active": true,
        "keywords": [],
    });
    p.must(Method::PUT, "/categories/piege", s, category).await;
    full.extend(["category-description", "attribute-question"]);
    short.extend(["category-name", "attribute-value"]);
    short.push("cat-dept");

    // Reports, and what the staff does with them.
    let report = |tag: &str| {
        json!({
            "category": "piege",
            "title": hostile(&format!("{tag}-title")),
            "description": hostile_long(&format!("{tag}-description")),
            "location": { "latitude": 43.2965, "longitude": 5.3698, "address": hostile(&format!("{tag}-address")) },
            "attributes": [
                { "code": "detail", "values": [hostile(&format!("{tag}-answer"))] },
                { "code": "choix", "values": ["k"] },
            ],
        })
    };
    let first = text(&p.must(Method::POST, "/reports", r, report("report")).await, "/report_id");
    full.extend(["report-title", "report-description", "report-address", "report-answer"]);
    let second = text(&p.must(Method::POST, "/reports", r, report("duplicate")).await, "/report_id");
    let third = text(&p.must(Method::POST, "/reports", r, report("rejected")).await, "/report_id");
    let msg = |tag: &str| json!({ "message": hostile_long(tag) });
    p.must(Method::POST, &format!("/reports/{first}/acknowledge"), s, msg("ack-message")).await;
    p.must(
        Method::POST,
        &format!("/reports/{first}/status"),
        s,
        json!({ "status": "in_progress", "message": hostile("progress-message") }),
    )
    .await;
    p.must(
        Method::POST,
        &format!("/reports/{first}/assign"),
        s,
        json!({ "department": hostile_short("assign-dept"), "agent": staff.account.id }),
    )
    .await;
    p.must(Method::POST, &format!("/reports/{first}/notes"), s, json!({ "text": hostile_long("internal-note") })).await;
    p.must(
        Method::POST,
        &format!("/reports/{second}/merge"),
        s,
        json!({ "into": first, "message": hostile("merge-message") }),
    )
    .await;
    p.must(
        Method::POST,
        &format!("/reports/{third}/status"),
        s,
        json!({ "status": "rejected", "message": hostile("reject-reason") }),
    )
    .await;
    full.extend(["ack-message", "progress-message", "internal-note", "merge-message", "reject-reason"]);
    short.push("assign-dept");

    // Questions, proposals, comments and moderation.
    let question = p
        .must(
            Method::POST,
            "/questions",
            r,
            json!({ "title": hostile("question-title"), "body": hostile_long("question-body") }),
        )
        .await;
    let question = text(&question, "/question_id");
    p.must(
        Method::POST,
        &format!("/questions/{question}/answer"),
        s,
        json!({ "body": hostile_long("question-answer") }),
    )
    .await;
    let proposal = p
        .must(
            Method::POST,
            "/proposals",
            r,
            json!({ "title": hostile("proposal-title"), "body": hostile_long("proposal-body") }),
        )
        .await;
    let proposal = text(&proposal, "/proposal_id");
    p.must(
        Method::POST,
        &format!("/proposals/{proposal}/answer"),
        s,
        json!({ "body": hostile_long("proposal-answer") }),
    )
    .await;
    let target = format!("proposals/{proposal}");
    let comment =
        p.must(Method::POST, "/comments", r, json!({ "target": target, "body": hostile_long("comment") })).await;
    let comment = text(&comment, "/comment_id");
    p.must(
        Method::POST,
        "/comments",
        s,
        json!({ "target": target, "reply_to": comment, "body": hostile_long("official-reply") }),
    )
    .await;
    let report_comment = json!({ "target": format!("reports/{first}"), "body": hostile_long("report-comment") });
    p.must(Method::POST, "/comments", r, report_comment).await;
    let hidden =
        p.must(Method::POST, "/comments", r, json!({ "target": target, "body": hostile_long("hidden-comment") })).await;
    let hidden = format!("comments/{}", text(&hidden, "/comment_id"));
    p.must(
        Method::POST,
        "/moderation/flags",
        s,
        json!({ "subject": format!("comments/{comment}"), "reason": hostile("flag-reason") }),
    )
    .await;
    p.must(Method::POST, "/moderation/hide", s, json!({ "subject": hidden, "public_reason": hostile("hide-reason") }))
        .await;
    p.must(Method::POST, "/moderation/appeals", r, json!({ "subject": hidden, "reason": hostile("appeal-reason") }))
        .await;
    p.must(
        Method::POST,
        "/moderation/appeals/resolve",
        s,
        json!({ "subject": hidden, "restore": false, "public_reason": hostile("resolve-reason") }),
    )
    .await;
    full.extend([
        "question-title",
        "question-body",
        "question-answer",
        "proposal-title",
        "proposal-body",
        "proposal-answer",
        "comment",
        "official-reply",
        "report-comment",
        "flag-reason",
        "hide-reason",
        "appeal-reason",
        "resolve-reason",
    ]);

    // Publications of both spaces, their files, amendments and archives.
    let project = json!({
        "space": "official",
        "kind": "project",
        "title": hostile("project-title"),
        "body": hostile_long("project-body"),
        "details": { "project": {
            "status": "in_progress",
            "budget_planned_cents": 100_000,
            "funding_sources": [hostile("funding-source")],
            "progress_percent": 10,
            "location": { "latitude": 43.2965, "longitude": 5.3698, "address": hostile("project-address") },
            "milestones": [{ "title": hostile("milestone"), "date": "2026-03-02", "done": true }],
            "responsible_department": hostile_short("proj-dept"),
        }},
    });
    let project = text(&p.must(Method::POST, "/publications", s, project).await, "/publication_id");
    let parts = [
        Part::file("file", "<script>alert(1)</script>.jpg", "image/jpeg", support::PHOTO),
        Part::text("alt_text", &hostile("alt-text")),
    ];
    p.must_form(&format!("/publications/{project}/attachments"), s, &parts).await;
    p.must_form(
        &format!("/publications/{project}/attachments"),
        s,
        &[Part::file("file", "<script>alert(1)</script>.pdf", "application/pdf", PDF)],
    )
    .await;
    p.must(Method::POST, &format!("/publications/{project}/publish"), s, json!({})).await;
    p.must(
        Method::POST,
        &format!("/publications/{project}/amend"),
        s,
        json!({ "summary_of_change": hostile("amend-summary"), "body": hostile_long("amended-body") }),
    )
    .await;
    full.extend([
        "project-title",
        "project-body",
        "funding-source",
        "project-address",
        "milestone",
        "alt-text",
        "amend-summary",
        "amended-body",
    ]);
    short.push("proj-dept");
    let budget = json!({
        "space": "official", "kind": "budget", "title": hostile("budget-title"), "body": hostile_long("budget-body"),
        "details": { "budget": { "year": 2026, "lines": [{ "label": hostile("budget-line"), "amount_cents": 5000 }] } },
    });
    let budget = text(&p.must(Method::POST, "/publications", s, budget).await, "/publication_id");
    p.must(Method::POST, &format!("/publications/{budget}/publish"), s, json!({})).await;
    let decision = json!({
        "space": "official", "kind": "decision", "title": hostile("decision-title"), "body": hostile_long("decision-body"),
        "details": { "decision": { "session_date": "2026-02-01", "number": "2026-01", "votes_for": 10, "votes_against": 1,
                                   "abstentions": 0, "related_publication_ids": [project] } },
    });
    let decision = text(&p.must(Method::POST, "/publications", s, decision).await, "/publication_id");
    p.must(Method::POST, &format!("/publications/{decision}/publish"), s, json!({})).await;
    let news = json!({ "space": "official", "kind": "news", "title": hostile("news-title"), "body": hostile_long("news-body") });
    let news = text(&p.must(Method::POST, "/publications", s, news).await, "/publication_id");
    p.must(Method::POST, &format!("/publications/{news}/publish"), s, json!({})).await;
    p.must(Method::POST, &format!("/publications/{news}/archive"), s, json!({ "reason": hostile("archive-reason") }))
        .await;
    let draft = json!({ "space": "official", "kind": "news", "title": hostile("draft-title"), "body": hostile_long("draft-body") });
    p.must(Method::POST, "/publications", s, draft).await;
    full.extend([
        "budget-title",
        "budget-body",
        "budget-line",
        "decision-title",
        "decision-body",
        "news-title",
        "news-body",
        "archive-reason",
        "draft-title",
        "draft-body",
    ]);
    let follow_up = json!({
        "space": "citizen", "kind": "follow_up", "title": hostile("follow-up-title"), "body": hostile_long("follow-up-note"),
        "details": { "follow_up": { "project_publication_id": project } },
    });
    let follow_up = text(&p.must(Method::POST, "/publications", m, follow_up).await, "/publication_id");
    p.must(Method::POST, &format!("/publications/{follow_up}/publish"), m, json!({})).await;
    let post = json!({ "space": "citizen", "kind": "post", "title": hostile("post-title"), "body": hostile_long("post-body") });
    let post = text(&p.must(Method::POST, "/publications", m, post).await, "/publication_id");
    p.must(Method::POST, &format!("/publications/{post}/publish"), m, json!({})).await;
    full.extend(["follow-up-title", "follow-up-note", "post-title", "post-body"]);

    // The administration: an integration client, a role given with its reason.
    p.must(
        Method::POST,
        "/clients",
        s,
        json!({ "display_name": hostile_short("client-name"), "scopes": ["reports:read"] }),
    )
    .await;
    let newcomer = p.account("newcomer@example.fr", H, &[]).await;
    p.must(
        Method::POST,
        "/roles",
        s,
        json!({ "account_id": newcomer.id, "role": "agent", "department": hostile_short("role-dept"),
                "reason": hostile("role-reason") }),
    )
    .await;
    full.push("role-reason");
    short.extend(["client-name", "role-dept"]);
    Planted { full, short }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_free_text_field_is_shown_as_text_on_every_page() {
    let p = Platform::start(1000).await;
    // The operator names the commune and its collective: names are text too.
    p.identity
        .register_commune(
            &operator_cli(),
            H,
            &hostile_short("commune-name"),
            "13",
            &hostile_short("collective-name"),
            7,
            "",
        )
        .await
        .expect("the commune");
    let staff =
        p.person("staff@example.fr", H, &["commune_admin", "agent", "collective_moderator", "elected_official"]).await;
    let resident = p.person("resident@example.fr", H, &[]).await;
    let member = p.person("member@example.fr", H, &["collective_member"]).await;
    let mut planted = plant(&p, &staff, &resident, &member).await;
    planted.short.extend(["commune-name", "collective-name"]);

    // Let notifications and transparency catch up with the logs.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;

    let c = format!("/c/{H}/");
    let seeds: Vec<String> = [
        "",
        "officiel/",
        "citoyen/",
        "administration/",
        "administration/signalements/",
        "administration/categories/",
        "administration/categories/?code=piege",
        "administration/moderation/",
        "administration/dialogue/",
        "administration/webhooks/",
        "officiel/redaction/",
        "citoyen/redaction/",
        "citoyen/signalements/nouveau?categorie=piege",
        "abonnements",
        "citoyen/moderation/",
        "officiel/moderation/",
        "transparence/",
        "recherche?q=alert",
    ]
    .iter()
    .map(|s| format!("{c}{s}"))
    .chain(["/compte/".to_owned(), "/compte/notifications".to_owned(), "/transparence/".to_owned(), "/".to_owned()])
    .collect();
    let prefixes = [c.as_str(), "/compte/", "/transparence/"];
    let mut pages = Vec::new();
    for who in [None, Some(&resident), Some(&staff), Some(&member)] {
        pages.extend(crawl(&p, who, &seeds, &prefixes).await.pages);
    }
    // Pages that echo what the visitor typed.
    let echo = urlencode(&hostile_long("query"));
    for path in [
        format!("{c}recherche?q={echo}"),
        format!("{c}citoyen/signalements/?q={echo}&statut={echo}&categorie={echo}&tri={echo}"),
        format!("{c}citoyen/questions/?q={echo}"),
        format!("{c}officiel/projets/?q={echo}"),
        format!("/compte/connexion?suite={}", urlencode("javascript:alert(1)")),
        format!("/compte/connexion?suite={echo}"),
        format!("{c}moderation/merci?retour={}", urlencode("javascript:alert(1)")),
    ] {
        let response = staff.get(&p, &path).await;
        let status = response.status();
        let body = response.text().await.expect("html");
        assert!(status.is_success() || status.is_client_error(), "{path}: {status}");
        pages.push((path, body));
    }
    for path in
        [format!("/c/{}/", urlencode("<script>alert(1)</script>")), format!("{c}{}", urlencode(&hostile("path")))]
    {
        let response = staff.get(&p, &path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        pages.push((path, response.text().await.expect("html")));
    }
    assert!(pages.len() > 60, "{} pages", pages.len());
    eprintln!("escaping: {} pages read, {} fields planted", pages.len(), planted.full.len() + planted.short.len());

    let mut problems = Vec::new();
    let mut seen_tags = BTreeSet::new();
    for (path, body) in &pages {
        for problem in html::script_injections(body) {
            problems.push(format!("{path}: {problem}"));
        }
        for raw in RAW {
            if body.contains(raw) {
                problems.push(format!("{path}: raw {raw:?}"));
            }
        }
        let readable = html::text(body);
        for tag in &planted.full {
            if readable.contains(&shown(tag)) {
                seen_tags.insert(*tag);
            }
        }
        for tag in &planted.short {
            if readable.contains(&shown_short(tag)) {
                seen_tags.insert(*tag);
            }
        }
    }
    assert!(problems.is_empty(), "hostile text became markup:\n{}", problems.join("\n"));
    // Every field is on some page, as the text it was: else the check above proved nothing for it. (The reasons
    // of flags are for the moderators' queue only when the service keeps them; see NOT_SHOWN.)
    let unseen: Vec<&&str> = planted
        .full
        .iter()
        .chain(&planted.short)
        .filter(|t| !seen_tags.contains(*t) && !NOT_SHOWN.contains(*t))
        .collect();
    assert!(unseen.is_empty(), "fields shown on no page crawled: {unseen:?}");
}

/// Fields the site never shows, so no page can leak them: the reasons of flags and appeals go to the service
/// (the moderators' queue counts flags and lists appeals by what they are about), and an agent's department is
/// not on the administration page.
const NOT_SHOWN: &[&str] = &["flag-reason", "appeal-reason", "role-dept"];

fn urlencode(text: &str) -> String {
    form_urlencoded_byte_serialize(text)
}

/// `application/x-www-form-urlencoded` of one value.
fn form_urlencoded_byte_serialize(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A cell a spreadsheet would run: starts with `=`, `+`, `-`, `@`, a tab or a carriage return.
fn live_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '@', '\t', '\r'])
        || cell.starts_with('-') && cell.len() > 1 && !cell[1..].starts_with(|c: char| c.is_ascii_digit())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn open_data_and_open311_carry_hostile_text_as_data_never_as_markup_or_formulas() {
    let p = Platform::start(1000).await;
    p.identity
        .register_commune(
            &operator_cli(),
            H,
            &hostile_short("commune-name"),
            "13",
            &hostile_short("collective-name"),
            7,
            "",
        )
        .await
        .expect("the commune");
    let staff = p.person("staff@example.fr", H, &["commune_admin", "agent", "collective_moderator"]).await;
    let resident = p.person("resident@example.fr", H, &[]).await;
    let member = p.person("member@example.fr", H, &["collective_member"]).await;
    plant(&p, &staff, &resident, &member).await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;

    for path in [
        format!("/c/{H}/transparence.csv"),
        "/transparence/communes.csv".to_owned(),
        "/transparence/departements/13.csv".to_owned(),
    ] {
        let response = p.http.get(p.url(&path)).send().await.expect("GET");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let content_type = response.headers()["content-type"].to_str().unwrap_or_default().to_owned();
        assert!(content_type.starts_with("text/csv"), "{path}: {content_type}");
        let body = response.text().await.expect("csv");
        for cell in body.lines().flat_map(|line| line.split(',')).map(|c| c.trim_start_matches('"')) {
            assert!(!live_formula(cell), "{path}: a live formula {cell:?}");
        }
    }
    for path in [
        format!("/c/{H}/transparence.json"),
        "/transparence/communes.json".to_owned(),
        format!("/c/{H}/evenements.jsonl"),
    ] {
        let response = p.http.get(p.url(&path)).send().await.expect("GET");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let content_type = response.headers()["content-type"].to_str().unwrap_or_default().to_owned();
        assert!(content_type.contains("json"), "{path}: {content_type}, never HTML");
    }
    // Open311's XML: the hostile text is character data, the document well formed.
    for path in [
        format!("/open311/v2/services.xml?jurisdiction_id={H}"),
        format!("/open311/v2/requests.xml?jurisdiction_id={H}"),
    ] {
        let response = p.http.get(p.url(&path)).send().await.expect("GET");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let body = response.text().await.expect("xml");
        for raw in RAW {
            assert!(!body.contains(raw), "{path}: raw {raw:?}");
        }
        assert!(html::tags(&body).iter().all(|t| !matches!(t.name.as_str(), "script" | "img")), "{path}: {body}");
        assert!(html::decode(&body).contains("<script>alert(1)</script>"), "{path} carries the text: {body}");
    }
}
