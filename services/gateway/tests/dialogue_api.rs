//! The dialogue of the REST API end to end — questions and official answers,
//! proposals and their threshold, dialogue settings, comment threads,
//! moderation, the posting rate limit, tenant isolation: the real dialogue
//! service on a throwaway SQLite database behind the gateway, both on
//! ephemeral ports, driven over HTTP with tokens signed by test keys. Every
//! JSON answer is checked against the OpenAPI document the gateway serves.

mod openapi_check;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use miroir_auth::role::Grant;
use miroir_auth::{Claims, Keys, Role};
use miroir_dialogue::api::{DEFAULT_POSTING_LIMIT, DialogueApi, PostingLimit};
use miroir_gateway::{GatewayConfig, build};
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::dialogue::v1::dialogue_server::DialogueServer;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

const PARIS: &str = "75056";
const LYON: &str = "69123";
const AGENT: &str = "0190c0de-0000-7000-8000-00000000a9e7";
const ADMIN: &str = "0190c0de-0000-7000-8000-0000000000ad";
const MODERATOR: &str = "0190c0de-0000-7000-8000-0000000000b0";
const RESIDENT: &str = "0190c0de-0000-7000-8000-000000000001";
const NEIGHBOUR: &str = "0190c0de-0000-7000-8000-000000000002";
const OTHER_NEIGHBOUR: &str = "0190c0de-0000-7000-8000-000000000003";
const REPORT_ID: &str = "0190c0de-0000-7000-8000-00000000e001";

const QUESTIONS: &str = "/api/v1/communes/{insee}/questions";
const QUESTION: &str = "/api/v1/communes/{insee}/questions/{question_id}";
const ANSWER_QUESTION: &str = "/api/v1/communes/{insee}/questions/{question_id}/answer";
const REDIRECT: &str = "/api/v1/communes/{insee}/questions/{question_id}/redirect";
const PROPOSALS: &str = "/api/v1/communes/{insee}/proposals";
const PROPOSAL: &str = "/api/v1/communes/{insee}/proposals/{proposal_id}";
const SUPPORT: &str = "/api/v1/communes/{insee}/proposals/{proposal_id}/support";
const ANSWER_PROPOSAL: &str = "/api/v1/communes/{insee}/proposals/{proposal_id}/answer";
const SETTINGS: &str = "/api/v1/communes/{insee}/dialogue-settings";
const COMMENTS: &str = "/api/v1/communes/{insee}/comments";
const FLAGS: &str = "/api/v1/communes/{insee}/moderation/flags";
const HIDE: &str = "/api/v1/communes/{insee}/moderation/hide";
const APPEALS: &str = "/api/v1/communes/{insee}/moderation/appeals";
const RESOLVE: &str = "/api/v1/communes/{insee}/moderation/appeals/resolve";
const LOG: &str = "/api/v1/communes/{insee}/moderation/log";

/// The service's contract: every RPC in it must have its REST operation.
const DIALOGUE_PROTO: &str = include_str!("../../../proto/miroir/dialogue/v1/dialogue.proto");

const DAY_US: i64 = 24 * 3600 * 1_000_000;

/// The dialogue service and the gateway in front of it, stopped on drop.
struct Stack {
    base: String,
    http: reqwest::Client,
    keys: Keys,
    /// Moves the service's clock forward (microseconds).
    later_us: Arc<AtomicI64>,
    /// The OpenAPI document the gateway serves.
    document: Value,
    token: CancellationToken,
    _db: TestDatabase,
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.token.cancel();
    }
}

fn now_us() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as i64).unwrap_or_default()
}

async fn stack() -> Stack {
    stack_limited(DEFAULT_POSTING_LIMIT).await
}

/// The stack with a posting limit of its own; the answer commitment is 10 days.
async fn stack_limited(limit: PostingLimit) -> Stack {
    let db = TestDatabase::sqlite().await;
    let keys = Keys::generate().expect("keys");
    let token = CancellationToken::new();
    miroir_dialogue::migrate_database(&db.db).await.expect("migrate");
    let store = miroir_dialogue::open(db.db.clone()).await.expect("open the log");
    let later_us = Arc::new(AtomicI64::new(0));
    let offset = later_us.clone();
    let api = DialogueApi::new(store)
        .with_commitment_days(10)
        .with_posting_limit(limit)
        .with_clock(Arc::new(move || now_us() + offset.load(Ordering::SeqCst)));
    let readiness = Readiness::new();
    readiness.register("test").set_ready(true);
    let service = tonic::service::interceptor::InterceptedService::new(
        DialogueServer::new(api),
        miroir_auth::grpc::authenticate(keys.verifier()),
    );
    let grpc = TcpListener::bind("127.0.0.1:0").await.expect("bind gRPC");
    let dialogue_url = format!("http://{}", grpc.local_addr().expect("gRPC address"));
    tokio::spawn(miroir_platform::grpc::serve(
        grpc,
        tonic::service::Routes::new(service),
        miroir_proto::FILE_DESCRIPTOR_SET,
        readiness,
        token.clone(),
    ));

    let metrics = Metrics::new("gateway").expect("metrics");
    // The other services are never reached; their channels connect lazily.
    let config = GatewayConfig {
        reports_url: "http://127.0.0.1:9".to_owned(),
        identity_url: "http://127.0.0.1:9".to_owned(),
        publications_url: "http://127.0.0.1:9".to_owned(),
        dialogue_url,
        notifications_url: "http://127.0.0.1:9".to_owned(),
        transparency_url: "http://127.0.0.1:9".to_owned(),
        trusted_proxies: Default::default(),
    };
    let router = build(&config, &metrics).await.expect("gateway");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind HTTP");
    let base = format!("http://{}", listener.local_addr().expect("HTTP address"));
    tokio::spawn(miroir_platform::http::serve(listener, router, token.clone()));
    let http = reqwest::Client::new();
    let document = http.get(format!("{base}/api/openapi.json")).send().await.expect("send");
    let document = document.json().await.expect("OpenAPI JSON");
    Stack { base, http, keys, later_us, document, token, _db: db }
}

/// One request, named by its OpenAPI path template and the values of its
/// placeholders (in order).
#[derive(Default)]
struct Call<'a> {
    method: Method,
    template: &'a str,
    args: &'a [&'a str],
    query: &'a str,
    bearer: Option<&'a str>,
    body: Option<Value>,
    key: Option<&'a str>,
}

/// `template` with its `{…}` placeholders replaced by `args`, in order.
fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::new();
    let mut rest = template;
    let mut args = args.iter();
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e + 1);
        out.push_str(args.next().expect("an argument per placeholder"));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

impl Stack {
    /// A bearer token of `account` with `role` in `commune`.
    fn token(&self, account: &str, commune: &str, role: Role) -> String {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default();
        self.keys.sign(&Claims {
            sub: account.to_owned(),
            iat: now,
            exp: now + 3600,
            grants: vec![Grant { commune: commune.to_owned(), role }],
            client: None,
        })
    }

    fn resident(&self, account: &str) -> String {
        self.token(account, PARIS, Role::Resident)
    }

    fn agent(&self) -> String {
        self.token(AGENT, PARIS, Role::Agent)
    }

    fn moderator(&self) -> String {
        self.token(MODERATOR, PARIS, Role::CollectiveModerator)
    }

    /// Sends `call`; returns the status, the JSON body (checked against the
    /// operation's documented response for that status) and the headers.
    async fn send(&self, call: Call<'_>) -> (StatusCode, Value, reqwest::header::HeaderMap) {
        let mut url = format!("{}{}", self.base, fill(call.template, call.args));
        if !call.query.is_empty() {
            url = format!("{url}?{}", call.query);
        }
        let mut request = self.http.request(call.method.clone(), url);
        if let Some(bearer) = call.bearer {
            request = request.bearer_auth(bearer);
        }
        if let Some(body) = &call.body {
            request = request.json(body);
        }
        if let Some(key) = call.key {
            request = request.header("Idempotency-Key", key);
        }
        let response = request.send().await.expect("send");
        let (status, headers) = (response.status(), response.headers().clone());
        let body: Value = response.json().await.expect("a JSON answer");
        let method = call.method.as_str().to_lowercase();
        openapi_check::assert_matches(&self.document, &method, call.template, status.as_u16(), &body);
        (status, body, headers)
    }

    async fn get(&self, template: &str, args: &[&str], query: &str, bearer: Option<&str>) -> (StatusCode, Value) {
        let (status, body, _) =
            self.send(Call { method: Method::GET, template, args, query, bearer, ..Default::default() }).await;
        (status, body)
    }

    async fn post(&self, template: &str, args: &[&str], bearer: Option<&str>, body: Value) -> (StatusCode, Value) {
        let call = Call { method: Method::POST, template, args, bearer, body: Some(body), ..Default::default() };
        let (status, body, _) = self.send(call).await;
        (status, body)
    }

    /// A `POST` without a body (supports).
    async fn post_empty(&self, template: &str, args: &[&str], bearer: Option<&str>) -> (StatusCode, Value) {
        let (status, body, _) =
            self.send(Call { method: Method::POST, template, args, bearer, ..Default::default() }).await;
        (status, body)
    }

    async fn put(&self, template: &str, args: &[&str], bearer: Option<&str>, body: Value) -> (StatusCode, Value) {
        let call = Call { method: Method::PUT, template, args, bearer, body: Some(body), ..Default::default() };
        let (status, body, _) = self.send(call).await;
        (status, body)
    }

    /// A question asked in Paris by `account`.
    async fn asked(&self, account: &str, title: &str) -> Value {
        let body = json!({ "title": title, "body": "Merci de nous tenir informés." });
        let (status, question) = self.post(QUESTIONS, &[PARIS], Some(&self.resident(account)), body).await;
        assert_eq!(status, StatusCode::CREATED, "{question}");
        question
    }

    /// A proposal submitted in Paris by `account`.
    async fn submitted(&self, account: &str, title: &str) -> Value {
        let body = json!({ "title": title, "body": "Les habitants l'entretiendraient." });
        let (status, proposal) = self.post(PROPOSALS, &[PARIS], Some(&self.resident(account)), body).await;
        assert_eq!(status, StatusCode::CREATED, "{proposal}");
        proposal
    }

    /// A comment posted in Paris as `bearer`.
    async fn commented(&self, bearer: &str, target: &str, reply_to: Option<&str>, text: &str) -> Value {
        let body = json!({ "target": target, "reply_to": reply_to, "body": text });
        let (status, comment) = self.post(COMMENTS, &[PARIS], Some(bearer), body).await;
        assert_eq!(status, StatusCode::CREATED, "{comment}");
        comment
    }
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or_else(|| panic!("{key} in {value}"))
}

fn at(value: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(value.as_str().unwrap_or_else(|| panic!("a time: {value}")), &Rfc3339).expect("RFC 3339")
}

/// The first offending field of a 400.
fn field(status: StatusCode, body: &Value) -> String {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "invalid_argument", "{body}");
    body["error"]["field_violations"][0]["field"].as_str().unwrap_or_default().to_owned()
}

fn code(status: StatusCode, body: &Value, expected: StatusCode) -> String {
    assert_eq!(status, expected, "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    body["error"]["code"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_question_is_answered_officially_and_its_delay_is_measured() {
    let stack = stack().await;
    let question = stack.asked(RESIDENT, "Quand la piscine rouvre-t-elle ?").await;
    let id = text(&question, "question_id").to_owned();
    assert_eq!((text(&question, "status"), text(&question, "commune")), ("open", PARIS));
    assert_eq!(question["author"], RESIDENT);
    assert_eq!(question["commitment_days"], 10);
    assert_eq!(at(&question["answer_due_at"]) - at(&question["asked_at"]), time::Duration::days(10));
    assert!(question["answer"].is_null() && question["hidden_reason"].is_null());

    // Public: anyone reads and lists it.
    let (status, public) = stack.get(QUESTION, &[PARIS, &id], "", None).await;
    assert_eq!((status, public["title"].as_str()), (StatusCode::OK, Some("Quand la piscine rouvre-t-elle ?")));
    let (status, page) = stack.get(QUESTIONS, &[PARIS], "", None).await;
    assert_eq!((status, page["questions"].as_array().map(Vec::len)), (StatusCode::OK, Some(1)));

    // Only the commune's officials answer.
    let answer = json!({ "body": "Réouverture le 1er juin, après les travaux." });
    let (status, body) = stack.post(ANSWER_QUESTION, &[PARIS, &id], None, answer.clone()).await;
    assert_eq!(code(status, &body, StatusCode::UNAUTHORIZED), "unauthenticated");
    let (status, body) =
        stack.post(ANSWER_QUESTION, &[PARIS, &id], Some(&stack.resident(NEIGHBOUR)), answer.clone()).await;
    assert_eq!(code(status, &body, StatusCode::FORBIDDEN), "permission_denied");
    let lyon = stack.token(AGENT, LYON, Role::Agent);
    let (status, body) = stack.post(ANSWER_QUESTION, &[PARIS, &id], Some(&lyon), answer.clone()).await;
    assert_eq!(code(status, &body, StatusCode::FORBIDDEN), "permission_denied");
    let (status, body) = stack.post(ANSWER_QUESTION, &[LYON, &id], Some(&lyon), answer.clone()).await;
    assert_eq!(code(status, &body, StatusCode::NOT_FOUND), "not_found");
    let elected = stack.token(ADMIN, PARIS, Role::ElectedOfficial);
    let (status, answered) = stack.post(ANSWER_QUESTION, &[PARIS, &id], Some(&elected), answer.clone()).await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert_eq!(answered["status"], "answered");
    assert_eq!(answered["answer"]["body"], "Réouverture le 1er juin, après les travaux.");
    assert_eq!(
        (answered["answer"]["official"].as_bool(), answered["answer"]["on_time"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(answered["answer"]["answerer"], ADMIN);
    let (status, body) = stack.post(ANSWER_QUESTION, &[PARIS, &id], Some(&stack.agent()), answer.clone()).await;
    assert_eq!(code(status, &body, StatusCode::CONFLICT), "already_exists");

    // Past the commitment: overdue, and a late answer says so.
    let late = stack.asked(NEIGHBOUR, "Pourquoi l'éclairage est-il coupé la nuit ?").await;
    let late_id = text(&late, "question_id").to_owned();
    let (_, overdue) = stack.get(QUESTIONS, &[PARIS], "overdue_only=true", None).await;
    assert_eq!(overdue["questions"].as_array().map(Vec::len), Some(0));
    stack.later_us.store(11 * DAY_US, Ordering::SeqCst);
    let (_, overdue) = stack.get(QUESTIONS, &[PARIS], "overdue_only=true", None).await;
    let overdue: Vec<&str> =
        overdue["questions"].as_array().expect("questions").iter().map(|q| text(q, "question_id")).collect();
    assert_eq!(overdue, vec![late_id.as_str()]);
    let (status, answered) = stack.post(ANSWER_QUESTION, &[PARIS, &late_id], Some(&stack.agent()), answer).await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert_eq!(answered["answer"]["on_time"], false);
    assert!(at(&answered["answer"]["answered_at"]) > at(&answered["answer_due_at"]));
    let (status, body) = stack.get(QUESTIONS, &[PARIS], "overdue_only=maybe", None).await;
    assert_eq!(field(status, &body), "overdue_only");
}

#[tokio::test]
async fn staff_redirect_a_question_to_a_report_of_the_commune() {
    let stack = stack().await;
    let id = text(&stack.asked(RESIDENT, "Un trou dans la chaussée rue Oberkampf ?").await, "question_id").to_owned();
    let redirect = |report_id: &str| json!({ "report_id": report_id, "message": "Suivi dans ce signalement." });
    let (status, body) = stack.post(REDIRECT, &[PARIS, &id], Some(&stack.agent()), redirect("42")).await;
    assert_eq!(field(status, &body), "report_id");
    let elected = stack.token(ADMIN, PARIS, Role::ElectedOfficial);
    let (status, body) = stack.post(REDIRECT, &[PARIS, &id], Some(&elected), redirect(REPORT_ID)).await;
    assert_eq!(code(status, &body, StatusCode::FORBIDDEN), "permission_denied");
    let (status, body) = stack
        .post(
            REDIRECT,
            &[PARIS, &id],
            Some(&stack.agent()),
            json!({ "report_id": REPORT_ID, "message": "x".repeat(2001) }),
        )
        .await;
    assert_eq!(field(status, &body), "message");
    let (status, redirected) = stack.post(REDIRECT, &[PARIS, &id], Some(&stack.agent()), redirect(REPORT_ID)).await;
    assert_eq!(status, StatusCode::OK, "{redirected}");
    assert_eq!(redirected["status"], "redirected");
    assert_eq!(redirected["redirected_to_report_id"], REPORT_ID);
    assert_eq!(redirected["redirect_message"], "Suivi dans ce signalement.");
    let answer = json!({ "body": "Réponse tardive." });
    let (status, body) = stack.post(ANSWER_QUESTION, &[PARIS, &id], Some(&stack.agent()), answer).await;
    assert_eq!(code(status, &body, StatusCode::CONFLICT), "failed_precondition");
}

#[tokio::test]
async fn a_proposal_is_supported_once_and_its_threshold_obliges_an_answer() {
    let stack = stack().await;
    let admin = stack.token(ADMIN, PARIS, Role::CommuneAdmin);
    let (status, settings) = stack.get(SETTINGS, &[PARIS], "", None).await;
    assert_eq!((status, settings["support_threshold"].as_u64()), (StatusCode::OK, Some(50)));
    let (status, body) = stack.put(SETTINGS, &[PARIS], Some(&stack.agent()), json!({"support_threshold": 2})).await;
    assert_eq!(code(status, &body, StatusCode::FORBIDDEN), "permission_denied");
    let lyon_admin = stack.token(ADMIN, LYON, Role::CommuneAdmin);
    let (status, body) = stack.put(SETTINGS, &[PARIS], Some(&lyon_admin), json!({"support_threshold": 2})).await;
    assert_eq!(code(status, &body, StatusCode::FORBIDDEN), "permission_denied");
    let (status, body) = stack.put(SETTINGS, &[PARIS], Some(&admin), json!({"support_threshold": 0})).await;
    assert_eq!(field(status, &body), "support_threshold");
    let (status, body) = stack.put(SETTINGS, &[PARIS], Some(&admin), json!({"support_threshold": -2})).await;
    assert_eq!(field(status, &body), "support_threshold");
    let (status, settings) = stack.put(SETTINGS, &[PARIS], Some(&admin), json!({"support_threshold": 2})).await;
    assert_eq!((status, settings["support_threshold"].as_u64()), (StatusCode::OK, Some(2)));
    let (_, lyon) = stack.get(SETTINGS, &[LYON], "", None).await;
    assert_eq!(lyon["support_threshold"], 50, "Lyon keeps its own");

    let proposal = stack.submitted(RESIDENT, "Un composteur partagé square Louise-Michel").await;
    let id = text(&proposal, "proposal_id").to_owned();
    assert_eq!((text(&proposal, "status"), proposal["support_threshold"].as_u64()), ("open", Some(2)));
    assert!(proposal["answer_due_at"].is_null() && proposal["threshold_reached_at"].is_null());

    let (status, body) = stack.post_empty(SUPPORT, &[PARIS, &id], None).await;
    assert_eq!(code(status, &body, StatusCode::UNAUTHORIZED), "unauthenticated");
    let (status, body) = stack.post_empty(SUPPORT, &[PARIS, &id], Some(&stack.resident(RESIDENT))).await;
    assert_eq!(code(status, &body, StatusCode::CONFLICT), "failed_precondition", "not one's own");
    let neighbour = stack.resident(NEIGHBOUR);
    let (status, supported) = stack.post_empty(SUPPORT, &[PARIS, &id], Some(&neighbour)).await;
    assert_eq!(status, StatusCode::OK, "{supported}");
    assert_eq!((supported["supports"].as_u64(), supported["supported_by_caller"].as_bool()), (Some(1), Some(true)));
    assert_eq!(supported["status"], "open");
    let (status, body) = stack.post_empty(SUPPORT, &[PARIS, &id], Some(&neighbour)).await;
    assert_eq!(code(status, &body, StatusCode::CONFLICT), "already_exists", "once per account");
    let (_, seen) = stack.get(PROPOSAL, &[PARIS, &id], "", Some(&neighbour)).await;
    assert_eq!(seen["supported_by_caller"], true);
    let (_, seen) = stack.get(PROPOSAL, &[PARIS, &id], "", None).await;
    assert_eq!((seen["supports"].as_u64(), seen["supported_by_caller"].as_bool()), (Some(1), Some(false)));
    let (_, awaiting) = stack.get(PROPOSALS, &[PARIS], "awaiting_answer_only=true", None).await;
    assert_eq!(awaiting["proposals"].as_array().map(Vec::len), Some(0));

    // The support that reaches the threshold obliges an answer.
    let (status, reached) = stack.post_empty(SUPPORT, &[PARIS, &id], Some(&stack.resident(OTHER_NEIGHBOUR))).await;
    assert_eq!(status, StatusCode::OK, "{reached}");
    assert_eq!((reached["supports"].as_u64(), text(&reached, "status")), (Some(2), "awaiting_answer"));
    assert!(at(&reached["answer_due_at"]) > at(&reached["threshold_reached_at"]));
    let (_, awaiting) = stack.get(PROPOSALS, &[PARIS], "awaiting_answer_only=true", None).await;
    assert_eq!(awaiting["proposals"][0]["proposal_id"], id.as_str());

    let answer = json!({ "body": "Accordé : installation au printemps." });
    let (status, body) = stack.post(ANSWER_PROPOSAL, &[PARIS, &id], Some(&neighbour), answer.clone()).await;
    assert_eq!(code(status, &body, StatusCode::FORBIDDEN), "permission_denied");
    let (status, body) = stack.post(ANSWER_PROPOSAL, &[PARIS, &id], Some(&stack.agent()), json!({"body": ""})).await;
    assert_eq!(field(status, &body), "body");
    let (status, answered) = stack.post(ANSWER_PROPOSAL, &[PARIS, &id], Some(&stack.agent()), answer.clone()).await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert_eq!((text(&answered, "status"), answered["answer"]["on_time"].as_bool()), ("answered", Some(true)));
    let (status, body) = stack.post(ANSWER_PROPOSAL, &[PARIS, &id], Some(&stack.agent()), answer).await;
    assert_eq!(code(status, &body, StatusCode::CONFLICT), "already_exists");
    let (status, body) = stack.post_empty(SUPPORT, &[PARIS, &id], Some(&stack.resident(ADMIN))).await;
    assert_eq!(code(status, &body, StatusCode::CONFLICT), "failed_precondition", "answered: no more supports");

    // Another commune's path does not find it.
    let (status, body) = stack.get(PROPOSAL, &[LYON, &id], "", None).await;
    assert_eq!(code(status, &body, StatusCode::NOT_FOUND), "not_found");
    let (status, body) =
        stack.post_empty(SUPPORT, &[LYON, &id], Some(&stack.token(NEIGHBOUR, LYON, Role::Resident))).await;
    assert_eq!(code(status, &body, StatusCode::NOT_FOUND), "not_found");
}

#[tokio::test]
async fn comments_thread_one_level_deep_and_officials_are_marked() {
    let stack = stack().await;
    let proposal = stack.submitted(RESIDENT, "Des bancs place de la République").await;
    let target = format!("proposals/{}", text(&proposal, "proposal_id"));
    let neighbour = stack.resident(NEIGHBOUR);

    let first = stack.commented(&neighbour, &target, None, "Oui, et à l'ombre !").await;
    assert_eq!((text(&first, "target"), first["official"].as_bool()), (target.as_str(), Some(false)));
    assert!(first["parent_comment_id"].is_null());
    let first_id = text(&first, "comment_id").to_owned();
    let reply = stack.commented(&stack.agent(), &target, Some(&first_id), "Nous étudions l'emplacement.").await;
    assert_eq!(
        (reply["official"].as_bool(), reply["parent_comment_id"].as_str()),
        (Some(true), Some(first_id.as_str()))
    );

    // One level: a reply to a reply is refused; so is a reply to a comment on another target.
    let reply_id = text(&reply, "comment_id");
    let body = json!({ "target": target, "reply_to": reply_id, "body": "Merci !" });
    let (status, answer) = stack.post(COMMENTS, &[PARIS], Some(&neighbour), body).await;
    assert_eq!(field(status, &answer), "reply_to");
    let publication = "publications/0190c0de-0000-7000-8000-0000000000b1";
    let body = json!({ "target": publication, "reply_to": first_id, "body": "Ailleurs." });
    let (status, answer) = stack.post(COMMENTS, &[PARIS], Some(&neighbour), body).await;
    assert_eq!(field(status, &answer), "reply_to");
    stack.commented(&neighbour, publication, None, "Sur une publication.").await;

    let (status, page) = stack.get(COMMENTS, &[PARIS], &format!("target={target}"), None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let bodies: Vec<&str> = page["comments"].as_array().expect("comments").iter().map(|c| text(c, "body")).collect();
    assert_eq!(bodies, vec!["Oui, et à l'ombre !", "Nous étudions l'emplacement."]);

    for (body, expected) in [
        (json!({ "target": "questions/0190c0de-0000-7000-8000-0000000000c1", "body": "Non." }), "target"),
        (json!({ "target": format!("communes/{LYON}/{target}"), "body": "Non." }), "target"),
        (json!({ "target": "proposals/0190c0de-0000-7000-8000-0000000000ff", "body": "Aucune." }), "target"),
        (json!({ "target": target, "reply_to": "c1", "body": "Non." }), "reply_to"),
        (json!({ "target": target, "body": "" }), "body"),
        (json!({ "body": "Sans cible." }), "target"),
    ] {
        let (status, answer) = stack.post(COMMENTS, &[PARIS], Some(&neighbour), body.clone()).await;
        assert_eq!(field(status, &answer), expected, "{body}");
    }
    let (status, answer) = stack.post(COMMENTS, &[PARIS], None, json!({ "target": target, "body": "Anonyme." })).await;
    assert_eq!(code(status, &answer, StatusCode::UNAUTHORIZED), "unauthenticated");
    for query in ["", "target=reports/42", "target=../../69123/reports/0190c0de-0000-7000-8000-0000000000b1"] {
        let (status, answer) = stack.get(COMMENTS, &[PARIS], query, None).await;
        assert_eq!(field(status, &answer), "target", "{query}");
    }
    // A Lyon account cannot reply in a Paris thread through Lyon's path.
    let lyon = stack.token(NEIGHBOUR, LYON, Role::Resident);
    let body = json!({ "target": target, "reply_to": first_id, "body": "Depuis Lyon." });
    let (status, answer) = stack.post(COMMENTS, &[LYON], Some(&lyon), body).await;
    assert_eq!(field(status, &answer), "reply_to");
}

#[tokio::test]
async fn flagged_content_is_hidden_with_a_reason_appealed_once_and_logged_in_public() {
    let stack = stack().await;
    let proposal = stack.submitted(RESIDENT, "Un marché bio le dimanche").await;
    let target = format!("proposals/{}", text(&proposal, "proposal_id"));
    let author = stack.resident(NEIGHBOUR);
    let comment = stack.commented(&author, &target, None, "Propos désagréables.").await;
    let subject = format!("comments/{}", text(&comment, "comment_id"));

    // Anyone signed in flags, once; the queue is for moderators.
    let flagger = stack.resident(OTHER_NEIGHBOUR);
    let flag = json!({ "subject": subject, "reason": "Insultant." });
    let (status, body) = stack.post(FLAGS, &[PARIS], None, flag.clone()).await;
    assert_eq!(code(status, &body, StatusCode::UNAUTHORIZED), "unauthenticated");
    let (status, flagged) = stack.post(FLAGS, &[PARIS], Some(&flagger), flag.clone()).await;
    assert_eq!(status, StatusCode::OK, "{flagged}");
    assert_eq!((text(&flagged, "subject"), flagged["hidden"].as_bool()), (subject.as_str(), Some(false)));
    let (status, body) = stack.post(FLAGS, &[PARIS], Some(&flagger), flag).await;
    assert_eq!(code(status, &body, StatusCode::CONFLICT), "already_exists");
    let (status, body) = stack.get(FLAGS, &[PARIS], "", Some(&flagger)).await;
    assert_eq!(code(status, &body, StatusCode::FORBIDDEN), "permission_denied");
    let (status, body) = stack.get(FLAGS, &[PARIS], "", None).await;
    assert_eq!(code(status, &body, StatusCode::UNAUTHORIZED), "unauthenticated");
    let (status, queue) = stack.get(FLAGS, &[PARIS], "", Some(&stack.moderator())).await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    assert_eq!(queue["contents"][0]["subject"], subject.as_str());
    assert_eq!(queue["contents"][0]["flags"], 1);
    let lyon_moderator = stack.token(MODERATOR, LYON, Role::CollectiveModerator);
    let (_, lyon_queue) = stack.get(FLAGS, &[LYON], "", Some(&lyon_moderator)).await;
    assert_eq!(lyon_queue["contents"].as_array().map(Vec::len), Some(0));

    // Residents' content is the collective's to hide, with a public reason.
    let hide = json!({ "subject": subject, "public_reason": "Propos injurieux (charte, article 2)." });
    let (status, body) = stack.post(HIDE, &[PARIS], Some(&stack.agent()), hide.clone()).await;
    assert_eq!(code(status, &body, StatusCode::FORBIDDEN), "permission_denied");
    let (status, body) = stack.post(HIDE, &[PARIS], Some(&lyon_moderator), hide.clone()).await;
    assert_eq!(code(status, &body, StatusCode::FORBIDDEN), "permission_denied");
    let (status, body) = stack.post(HIDE, &[LYON], Some(&lyon_moderator), hide.clone()).await;
    assert_eq!(field(status, &body), "subject", "no such content in Lyon");
    let (status, body) =
        stack.post(HIDE, &[PARIS], Some(&stack.moderator()), json!({ "subject": subject, "public_reason": "" })).await;
    assert_eq!(field(status, &body), "public_reason");
    let (status, body) = stack
        .post(HIDE, &[PARIS], Some(&stack.moderator()), json!({ "subject": "comments/1", "public_reason": "Non." }))
        .await;
    assert_eq!(field(status, &body), "subject");
    let (status, hidden) = stack.post(HIDE, &[PARIS], Some(&stack.moderator()), hide.clone()).await;
    assert_eq!(status, StatusCode::OK, "{hidden}");
    assert_eq!(
        (hidden["hidden"].as_bool(), hidden["public_reason"].as_str()),
        (Some(true), Some("Propos injurieux (charte, article 2)."))
    );
    let (status, body) = stack.post(HIDE, &[PARIS], Some(&stack.moderator()), hide).await;
    assert_eq!(code(status, &body, StatusCode::CONFLICT), "already_exists");
    let (_, page) = stack.get(COMMENTS, &[PARIS], &format!("target={target}"), None).await;
    assert_eq!(page["comments"][0]["body"], "", "hidden: the text is left out");
    assert_eq!(page["comments"][0]["hidden_reason"], "Propos injurieux (charte, article 2).");

    // Its author appeals, once; a moderator restores it.
    let appeal = json!({ "subject": subject, "reason": "Je citais un article de presse." });
    let (status, body) = stack.post(APPEALS, &[PARIS], Some(&flagger), appeal.clone()).await;
    assert_eq!(code(status, &body, StatusCode::FORBIDDEN), "permission_denied");
    let (status, appealed) = stack.post(APPEALS, &[PARIS], Some(&author), appeal.clone()).await;
    assert_eq!(status, StatusCode::OK, "{appealed}");
    assert_eq!((appealed["appealed"].as_bool(), appealed["hidden"].as_bool()), (Some(true), Some(true)));
    let (status, body) = stack.post(APPEALS, &[PARIS], Some(&author), appeal).await;
    assert_eq!(code(status, &body, StatusCode::CONFLICT), "already_exists");
    let resolve = json!({ "subject": subject, "restore": true, "public_reason": "Citation d'un article, rétablie." });
    let (status, body) = stack.post(RESOLVE, &[PARIS], Some(&author), resolve.clone()).await;
    assert_eq!(code(status, &body, StatusCode::FORBIDDEN), "permission_denied");
    let (status, restored) = stack.post(RESOLVE, &[PARIS], Some(&stack.moderator()), resolve.clone()).await;
    assert_eq!(status, StatusCode::OK, "{restored}");
    assert_eq!(restored["hidden"], false);
    let (status, body) = stack.post(RESOLVE, &[PARIS], Some(&stack.moderator()), resolve).await;
    assert_eq!(code(status, &body, StatusCode::CONFLICT), "already_exists");
    let (_, page) = stack.get(COMMENTS, &[PARIS], &format!("target={target}"), None).await;
    assert_eq!(page["comments"][0]["body"], "Propos désagréables.");
    assert!(page["comments"][0]["hidden_reason"].is_null());

    // A question too; an appeal of what is not hidden is refused.
    let question = stack.asked(RESIDENT, "Pourquoi tant de bruit ?").await;
    let question_subject = format!("questions/{}", text(&question, "question_id"));
    let appeal = json!({ "subject": question_subject, "reason": "Rien n'est masqué." });
    let (status, body) = stack.post(APPEALS, &[PARIS], Some(&stack.resident(RESIDENT)), appeal).await;
    assert_eq!(code(status, &body, StatusCode::CONFLICT), "failed_precondition");

    // The log is public, newest first; the appeal's reason is not in it.
    let (status, log) = stack.get(LOG, &[PARIS], "", None).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let actions: Vec<(&str, &str, &str)> = log["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| (text(e, "action"), text(e, "subject"), text(e, "public_reason")))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("restored", subject.as_str(), "Citation d'un article, rétablie."),
            ("appealed", subject.as_str(), ""),
            ("hidden", subject.as_str(), "Propos injurieux (charte, article 2)."),
        ]
    );
    assert!(!log.to_string().contains("Je citais"), "{log}");
    let (_, lyon_log) = stack.get(LOG, &[LYON], "", None).await;
    assert_eq!(lyon_log["entries"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn past_the_posting_limit_a_post_is_a_429_that_says_to_wait() {
    let stack = stack_limited(PostingLimit { posts: 2, window_us: 60 * 1_000_000 }).await;
    let resident = stack.resident(RESIDENT);
    let ask = |key: &'static str| Call {
        method: Method::POST,
        template: QUESTIONS,
        args: &[PARIS],
        bearer: Some(&resident),
        body: Some(json!({ "title": "Question", "body": "Détails." })),
        key: Some(key),
        ..Default::default()
    };
    let (status, first, _) = stack.send(ask("question-1")).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, _, _) = stack.send(ask("question-2")).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body, headers) = stack.send(ask("question-3")).await;
    assert_eq!(code(status, &body, StatusCode::TOO_MANY_REQUESTS), "resource_exhausted");
    assert!(text(&body["error"], "message").contains("wait"), "{body}");
    let retry_after: u64 = headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After header");
    assert!((1..=60).contains(&retry_after), "{retry_after}");

    // Comments and proposals count too; a retry of a recorded post is not a new one.
    let proposal_body = json!({ "title": "Proposition", "body": "Détails." });
    let (status, body) = stack.post(PROPOSALS, &[PARIS], Some(&resident), proposal_body).await;
    assert_eq!(code(status, &body, StatusCode::TOO_MANY_REQUESTS), "resource_exhausted");
    let comment = json!({ "target": "reports/0190c0de-0000-7000-8000-00000000e001", "body": "Moi aussi." });
    let (status, body) = stack.post(COMMENTS, &[PARIS], Some(&resident), comment).await;
    assert_eq!(code(status, &body, StatusCode::TOO_MANY_REQUESTS), "resource_exhausted");
    let (status, again, _) = stack.send(ask("question-1")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again["question_id"], first["question_id"]);
    // Another account is not limited.
    stack.asked(NEIGHBOUR, "Une autre question").await;
}

#[tokio::test]
async fn bad_input_is_a_400_naming_the_field() {
    let stack = stack().await;
    let resident = stack.resident(RESIDENT);
    for (body, expected) in [
        (json!({ "body": "Sans titre." }), "title"),
        (json!({ "title": "ab", "body": "Trop court." }), "title"),
        (json!({ "title": 3, "body": "x" }), "title"),
        (json!({ "title": "Une question", "body": "" }), "body"),
    ] {
        let (status, answer) = stack.post(QUESTIONS, &[PARIS], Some(&resident), body.clone()).await;
        assert_eq!(field(status, &answer), expected, "{body}");
        let (status, answer) = stack.post(PROPOSALS, &[PARIS], Some(&resident), body.clone()).await;
        assert_eq!(field(status, &answer), expected, "{body}");
    }
    let (status, answer) = stack.get(QUESTION, &[PARIS, "42"], "", None).await;
    assert_eq!(field(status, &answer), "question_id");
    let (status, answer) = stack.get(PROPOSAL, &[PARIS, "42"], "", None).await;
    assert_eq!(field(status, &answer), "proposal_id");
    let (status, answer) = stack.get(QUESTIONS, &["7505"], "", None).await;
    assert_eq!(field(status, &answer), "insee");
    for template in [QUESTIONS, PROPOSALS, LOG] {
        for (query, expected) in
            [("page_size=0x", "page_size"), ("page_size=101", "page_size"), ("page_token=garbage", "page_token")]
        {
            let (status, answer) = stack.get(template, &[PARIS], query, None).await;
            assert_eq!(field(status, &answer), expected, "{template}?{query}");
        }
    }
    let (status, answer) = stack.get(PROPOSALS, &[PARIS], "awaiting_answer_only=1", None).await;
    assert_eq!(field(status, &answer), "awaiting_answer_only");
    let (status, answer) = stack.get(QUESTION, &[PARIS, "0190c0de-0000-7000-8000-0000000000c1"], "", None).await;
    assert_eq!(code(status, &answer, StatusCode::NOT_FOUND), "not_found");
    let (status, answer) = stack
        .post(FLAGS, &[PARIS], Some(&resident), json!({ "subject": "reports/0190c0de-0000-7000-8000-00000000e001" }))
        .await;
    assert_eq!(field(status, &answer), "subject");
    let (status, answer) = stack
        .post(FLAGS, &[PARIS], Some(&resident), json!({ "subject": "questions/0190c0de-0000-7000-8000-0000000000c1" }))
        .await;
    assert_eq!(field(status, &answer), "subject", "no such question");
}

#[tokio::test]
async fn the_openapi_document_describes_every_dialogue_path() {
    let stack = stack().await;
    let paths = &stack.document["paths"];
    // One operation per RPC of miroir.dialogue.v1.Dialogue.
    let operations = [
        (QUESTIONS, "post", "ask_question"),
        (QUESTION, "get", "get_question"),
        (QUESTIONS, "get", "list_questions"),
        (ANSWER_QUESTION, "post", "answer_question"),
        (REDIRECT, "post", "redirect_question"),
        (PROPOSALS, "post", "submit_proposal"),
        (PROPOSAL, "get", "get_proposal"),
        (PROPOSALS, "get", "list_proposals"),
        (SUPPORT, "post", "support_proposal"),
        (ANSWER_PROPOSAL, "post", "answer_proposal"),
        (SETTINGS, "put", "update_dialogue_settings"),
        (SETTINGS, "get", "get_dialogue_settings"),
        (COMMENTS, "post", "post_comment"),
        (COMMENTS, "get", "list_comments"),
        (FLAGS, "post", "flag_content"),
        (HIDE, "post", "hide_content"),
        (APPEALS, "post", "appeal_hiding"),
        (RESOLVE, "post", "resolve_appeal"),
        (LOG, "get", "list_moderation_log"),
        (FLAGS, "get", "list_flagged_content"),
    ];
    let rpc_count = DIALOGUE_PROTO.lines().filter(|line| line.trim_start().starts_with("rpc ")).count();
    assert_eq!(operations.len(), rpc_count, "every RPC of the dialogue service has its REST operation");
    for (path, method, id) in operations {
        let operation = &paths[path][method];
        assert_eq!(operation["operationId"], id, "{method} {path}");
    }
    let post_errors = paths[QUESTIONS]["post"]["responses"].as_object().expect("responses");
    assert!(post_errors.contains_key("429"), "the rate limit is documented");
    for schema in
        ["Question", "QuestionAnswer", "Proposal", "Comment", "ModerationState", "ModerationLog", "FlaggedContentList"]
    {
        assert!(stack.document["components"]["schemas"][schema].is_object(), "schema {schema} missing");
    }
}

#[tokio::test]
async fn questions_and_proposals_are_found_by_their_words_without_accents() {
    let stack = stack().await;
    stack.asked(RESIDENT, "Quand rouvre la bibliothèque du quartier ?").await;
    stack.asked(NEIGHBOUR, "Horaires de la piscine").await;
    stack.submitted(RESIDENT, "Un jardin partagé près de l'église").await;
    stack.submitted(NEIGHBOUR, "Des bancs au marché").await;
    let titles = |page: &Value, key: &str| -> Vec<String> {
        page[key].as_array().expect("a list").iter().map(|item| text(item, "title").to_owned()).collect()
    };

    let (status, page) = stack.get(QUESTIONS, &[PARIS], "q=BIBLIOTHEQUE", None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(titles(&page, "questions"), ["Quand rouvre la bibliothèque du quartier ?"]);
    let (status, page) = stack.get(PROPOSALS, &[PARIS], "q=jardin%20eglise", None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(titles(&page, "proposals"), ["Un jardin partagé près de l'église"]);
    let (_, page) = stack.get(PROPOSALS, &[PARIS], "q=jardin%20piscine", None).await;
    assert_eq!(titles(&page, "proposals"), Vec::<String>::new(), "every word must appear");
    let (_, page) = stack.get(QUESTIONS, &[PARIS], "q=", None).await;
    assert_eq!(page["questions"].as_array().map(Vec::len), Some(2), "an empty q filters nothing");
    let (_, page) = stack.get(QUESTIONS, &[LYON], "q=bibliotheque", None).await;
    assert_eq!(page["questions"].as_array().map(Vec::len), Some(0), "another commune's questions stay there");

    let long = "a".repeat(201);
    let (status, body) = stack.get(QUESTIONS, &[PARIS], &format!("q={long}"), None).await;
    assert_eq!(field(status, &body), "q");
    let (status, body) = stack.get(PROPOSALS, &[PARIS], &format!("q={long}"), None).await;
    assert_eq!(field(status, &body), "q");
}

/// An `Idempotency-Key` first sent to ask a question, sent again to submit a
/// proposal, is another request, not a retry: a 400 naming the header (it was
/// a 404, the question looked up as a proposal), no proposal stored; the
/// question's true retry still gets the question.
#[tokio::test]
async fn a_key_first_used_for_a_question_is_refused_for_a_proposal() {
    let stack = stack().await;
    let resident = stack.resident(RESIDENT);
    let ask = |key| Call {
        method: Method::POST,
        template: QUESTIONS,
        args: &[PARIS],
        bearer: Some(&resident),
        body: Some(json!({ "title": "Le marché reste-t-il le jeudi ?", "body": "Merci." })),
        key: Some(key),
        ..Default::default()
    };
    let (status, question, _) = stack.send(ask("key-shared-1")).await;
    assert_eq!(status, StatusCode::CREATED, "{question}");
    let propose = Call {
        template: PROPOSALS,
        body: Some(json!({ "title": "Un marché le dimanche", "body": "Pour ceux qui travaillent." })),
        ..ask("key-shared-1")
    };
    let (status, body, _) = stack.send(propose).await;
    assert_eq!(field(status, &body), "Idempotency-Key");
    let (_, proposals) = stack.get(PROPOSALS, &[PARIS], "", None).await;
    assert_eq!(proposals["proposals"], json!([]), "no proposal stored: {proposals}");
    let (status, retried, _) = stack.send(ask("key-shared-1")).await;
    assert!(status.is_success(), "{retried}");
    assert_eq!(retried["question_id"], question["question_id"]);
}
