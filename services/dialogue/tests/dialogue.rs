//! The dialogue service over a real gRPC server, on PostgreSQL and SQLite:
//! questions answered officially by their commune or redirected to a report,
//! proposals whose threshold obliges an answer, one-level comment threads,
//! role checks, tenant isolation, idempotent retries and field errors.

use std::time::{SystemTime, UNIX_EPOCH};

use miroir_auth::role::Grant;
use miroir_auth::{Claims, ClientClaims, Keys, Role};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use miroir_dialogue::api::{DEFAULT_POSTING_LIMIT, DialogueApi, PostingLimit, system_now_us};
use miroir_platform::health::Readiness;
use miroir_platform::storage::Backend;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::dialogue::v1 as pb;
use miroir_proto::dialogue::v1::dialogue_client::DialogueClient;
use miroir_proto::dialogue::v1::dialogue_server::DialogueServer;
use sqlx::Row;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use tonic::{Code, Request};
use tonic_types::StatusExt;

const PARIS: &str = "75056";
const LYON: &str = "69123";
const DAY_US: i64 = 24 * 3600 * 1_000_000;

struct Running {
    client: DialogueClient<Channel>,
    keys: Keys,
    token: CancellationToken,
    db: TestDatabase,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.token.cancel();
    }
}

async fn start(backend: Backend) -> Running {
    start_limited(backend, DEFAULT_POSTING_LIMIT).await
}

async fn start_limited(backend: Backend, limit: PostingLimit) -> Running {
    start_with(backend, limit, Arc::new(AtomicI64::new(0))).await
}

/// `days_later` moves the server's clock forward (in days) while the test runs.
async fn start_with(backend: Backend, limit: PostingLimit, days_later: Arc<AtomicI64>) -> Running {
    let db = TestDatabase::new(backend).await;
    miroir_dialogue::migrate_database(&db.db).await.expect("migrate");
    let store = miroir_dialogue::open(db.db.clone()).await.expect("open");
    let keys = Keys::generate().expect("keys");
    let api = DialogueApi::new(store)
        .with_commitment_days(10)
        .with_posting_limit(limit)
        .with_clock(Arc::new(move || system_now_us() + days_later.load(Ordering::SeqCst) * DAY_US));
    let service = DialogueServer::with_interceptor(api, miroir_auth::grpc::authenticate(keys.verifier()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let readiness = Readiness::new();
    readiness.register("test").set_ready(true);
    let token = CancellationToken::new();
    tokio::spawn(miroir_platform::grpc::serve(
        listener,
        tonic::service::Routes::new(service),
        miroir_proto::FILE_DESCRIPTOR_SET,
        readiness,
        token.clone(),
    ));
    let client = DialogueClient::connect(format!("http://{address}")).await.expect("connect");
    Running { client, keys, token, db }
}

/// An account id per test persona.
fn account(n: u32) -> String {
    format!("0190c0de-0000-7000-8000-{n:012}")
}

impl Running {
    fn as_user<T>(&self, sub: &str, commune: &str, role: Role, message: T) -> Request<T> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs() as i64;
        let claims = Claims {
            sub: sub.into(),
            iat: now,
            exp: now + 600,
            grants: vec![Grant { commune: commune.into(), role }],
            client: None,
        };
        let mut request = Request::new(message);
        let value = format!("Bearer {}", self.keys.sign(&claims)).parse().expect("ascii header");
        request.metadata_mut().insert("authorization", value);
        request
    }

    /// City IT's integration client of `commune` with `scopes`.
    fn client_of<T>(&self, commune: &str, scopes: &[&str], message: T) -> Request<T> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs() as i64;
        let claims = Claims {
            sub: "client-city-it".into(),
            iat: now,
            exp: now + 600,
            grants: vec![],
            client: Some(ClientClaims {
                commune: commune.into(),
                scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            }),
        };
        let mut request = Request::new(message);
        let value = format!("Bearer {}", self.keys.sign(&claims)).parse().expect("ascii header");
        request.metadata_mut().insert("authorization", value);
        request
    }

    fn resident<T>(&self, n: u32, message: T) -> Request<T> {
        self.as_user(&account(n), PARIS, Role::Resident, message)
    }

    async fn ask(&mut self, n: u32, title: &str) -> pb::Question {
        let request = self.resident(n, ask(title));
        self.client.ask_question(request).await.expect("ask").into_inner().question.expect("question")
    }

    async fn set_threshold(&mut self, threshold: u32) {
        let request = self.as_user(
            &account(900),
            PARIS,
            Role::CommuneAdmin,
            pb::UpdateDialogueSettingsRequest {
                name: format!("communes/{PARIS}/dialogueSettings"),
                support_threshold: threshold,
                request_id: String::new(),
            },
        );
        let settings = self.client.update_dialogue_settings(request).await.expect("settings").into_inner();
        assert_eq!(settings.support_threshold, threshold);
    }

    async fn propose(&mut self, n: u32) -> pb::Proposal {
        let request = self.resident(
            n,
            pb::SubmitProposalRequest {
                parent: format!("communes/{PARIS}"),
                title: "Un jardin partagé rue Haute".into(),
                body: "Sur la friche, avec l'école.".into(),
                request_id: String::new(),
            },
        );
        self.client.submit_proposal(request).await.expect("submit").into_inner().proposal.expect("proposal")
    }

    async fn support(&mut self, n: u32, name: &str) -> Result<pb::Proposal, tonic::Status> {
        let request = self.resident(n, pb::SupportProposalRequest { name: name.into(), request_id: String::new() });
        Ok(self.client.support_proposal(request).await?.into_inner().proposal.expect("proposal"))
    }
}

fn ask(title: &str) -> pb::AskQuestionRequest {
    pb::AskQuestionRequest {
        parent: format!("communes/{PARIS}"),
        title: title.into(),
        body: "La piscine ouvre-t-elle le dimanche matin ?".into(),
        request_id: String::new(),
    }
}

fn answer(name: &str) -> pb::AnswerQuestionRequest {
    pb::AnswerQuestionRequest { name: name.into(), body: "Oui, de 9 h à 13 h.".into(), request_id: String::new() }
}

fn field(status: &tonic::Status) -> Option<String> {
    status.get_details_bad_request().and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
}

async fn questions_are_answered_officially_by_their_commune(backend: Backend) {
    let mut running = start(backend).await;
    let refused = running.client.ask_question(ask("Horaires de la piscine ?")).await.expect_err("anonymous");
    assert_eq!(refused.code(), Code::Unauthenticated);
    let request = running.resident(1, ask(" a "));
    let refused = running.client.ask_question(request).await.expect_err("short title");
    assert_eq!(field(&refused).as_deref(), Some("title"));
    let request = running.resident(1, pb::AskQuestionRequest { parent: "communes/7505".into(), ..ask("Horaires ?") });
    assert_eq!(field(&running.client.ask_question(request).await.expect_err("bad parent")).as_deref(), Some("parent"));

    let question = running.ask(1, " Horaires de la piscine ? ").await;
    assert_eq!(question.title, "Horaires de la piscine ?");
    assert_eq!(question.status(), pb::QuestionStatus::Open);
    assert_eq!((question.commitment_days, question.answer_due_at_us), (10, question.asked_at_us + 10 * DAY_US));

    // A resident, or another commune's agent, does not answer for Paris.
    let request = running.resident(2, answer(&question.name));
    assert_eq!(running.client.answer_question(request).await.expect_err("resident").code(), Code::PermissionDenied);
    let request = running.as_user(&account(50), LYON, Role::Agent, answer(&question.name));
    assert_eq!(running.client.answer_question(request).await.expect_err("Lyon").code(), Code::PermissionDenied);
    // Nor is Paris' question visible under Lyon's name.
    let elsewhere = question.name.replace(PARIS, LYON);
    let request = running.as_user(&account(50), LYON, Role::Agent, answer(&elsewhere));
    assert_eq!(running.client.answer_question(request).await.expect_err("not Lyon's").code(), Code::NotFound);
    let request = pb::GetQuestionRequest { name: elsewhere };
    assert_eq!(running.client.get_question(request).await.expect_err("not Lyon's").code(), Code::NotFound);

    let request = running.as_user(
        &account(61),
        PARIS,
        Role::Agent,
        pb::AnswerQuestionRequest { body: " ".into(), ..answer(&question.name) },
    );
    assert_eq!(field(&running.client.answer_question(request).await.expect_err("empty")).as_deref(), Some("body"));
    // City IT needs the write scope, for its own commune.
    let request = running.client_of(PARIS, &["dialogue:read"], answer(&question.name));
    assert_eq!(running.client.answer_question(request).await.expect_err("read only").code(), Code::PermissionDenied);
    let request = running.client_of(LYON, &["dialogue:write"], answer(&question.name));
    assert_eq!(running.client.answer_question(request).await.expect_err("Lyon's IT").code(), Code::PermissionDenied);

    let request = running.as_user(&account(60), PARIS, Role::ElectedOfficial, answer(&question.name));
    let answered = running.client.answer_question(request).await.expect("answer").into_inner().question.expect("q");
    assert_eq!(answered.status(), pb::QuestionStatus::Answered);
    assert!(answered.official && answered.answered_on_time);
    assert_eq!((answered.answer.as_str(), answered.answerer.as_str()), ("Oui, de 9 h à 13 h.", account(60).as_str()));
    let request = running.as_user(&account(61), PARIS, Role::Agent, answer(&question.name));
    assert_eq!(running.client.answer_question(request).await.expect_err("twice").code(), Code::AlreadyExists);
}

async fn a_question_is_redirected_to_a_report(backend: Backend) {
    let mut running = start(backend).await;
    let question = running.ask(1, "Un lampadaire éteint rue Haute").await;
    let report = format!("communes/{PARIS}/reports/0190c0de-0000-7000-8000-0000000000ff");
    let redirect = |report: &str| pb::RedirectQuestionRequest {
        name: question.name.clone(),
        report: report.into(),
        message: "Nous le suivons comme un signalement.".into(),
        request_id: String::new(),
    };
    let request = running.resident(1, redirect(&report));
    assert_eq!(running.client.redirect_question(request).await.expect_err("resident").code(), Code::PermissionDenied);
    let request = running.as_user(&account(60), PARIS, Role::Agent, redirect(&report.replace(PARIS, LYON)));
    let refused = running.client.redirect_question(request).await.expect_err("Lyon's report");
    assert_eq!(field(&refused).as_deref(), Some("report"));
    let request = running.as_user(&account(60), PARIS, Role::Agent, redirect("reports/1"));
    assert_eq!(field(&running.client.redirect_question(request).await.expect_err("bad")).as_deref(), Some("report"));

    let request = running.as_user(&account(60), PARIS, Role::Agent, redirect(&report));
    let redirected =
        running.client.redirect_question(request).await.expect("redirect").into_inner().question.expect("q");
    assert_eq!(redirected.status(), pb::QuestionStatus::Redirected);
    assert_eq!(redirected.redirected_to_report, report);
    let request = running.as_user(&account(60), PARIS, Role::Agent, answer(&question.name));
    assert_eq!(running.client.answer_question(request).await.expect_err("redirected").code(), Code::FailedPrecondition);

    // City IT redirects for the commune with the write scope.
    let other = running.ask(2, "Encore un lampadaire éteint").await;
    let request = running.client_of(
        PARIS,
        &["dialogue:write"],
        pb::RedirectQuestionRequest { name: other.name.clone(), ..redirect(&report) },
    );
    let redirected =
        running.client.redirect_question(request).await.expect("city IT").into_inner().question.expect("q");
    assert_eq!(redirected.status(), pb::QuestionStatus::Redirected);
}

async fn retried_requests_are_idempotent_and_lists_page(backend: Backend) {
    let mut running = start(backend).await;
    let retried = || pb::AskQuestionRequest { request_id: "ask-1".into(), ..ask("Quand passe la balayeuse ?") };
    let request = running.resident(1, retried());
    let first = running.client.ask_question(request).await.expect("first").into_inner();
    let request = running.resident(1, retried());
    let second = running.client.ask_question(request).await.expect("retry").into_inner();
    assert_eq!(first.question.as_ref().map(|q| &q.name), second.question.as_ref().map(|q| &q.name));
    assert_eq!(first.log_position, second.log_position);
    let request = running.resident(1, pb::AskQuestionRequest { request_id: "x".repeat(101), ..ask("Encore ?") });
    assert_eq!(field(&running.client.ask_question(request).await.expect_err("long")).as_deref(), Some("request_id"));

    running.ask(2, "Deuxième question").await;
    running.ask(3, "Troisième question").await;
    let mut titles = Vec::new();
    let mut page_token = String::new();
    loop {
        let request = pb::ListQuestionsRequest {
            parent: format!("communes/{PARIS}"),
            page_size: 2,
            page_token: page_token.clone(),
            ..Default::default()
        };
        let page = running.client.list_questions(request).await.expect("page").into_inner();
        titles.extend(page.questions.into_iter().map(|q| q.title));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_eq!(titles, ["Troisième question", "Deuxième question", "Quand passe la balayeuse ?"]);
    let request = pb::ListQuestionsRequest { parent: format!("communes/{LYON}"), ..Default::default() };
    assert!(running.client.list_questions(request).await.expect("Lyon").into_inner().questions.is_empty());
    let request = pb::ListQuestionsRequest {
        parent: format!("communes/{PARIS}"),
        page_token: "nope".into(),
        ..Default::default()
    };
    assert_eq!(field(&running.client.list_questions(request).await.expect_err("token")).as_deref(), Some("page_token"));
}

async fn proposals_oblige_an_answer_at_the_threshold(backend: Backend) {
    let mut running = start(backend).await;
    let settings = |threshold: u32| pb::UpdateDialogueSettingsRequest {
        name: format!("communes/{PARIS}/dialogueSettings"),
        support_threshold: threshold,
        request_id: String::new(),
    };
    let request = pb::GetDialogueSettingsRequest { name: format!("communes/{PARIS}/dialogueSettings") };
    assert_eq!(running.client.get_dialogue_settings(request).await.expect("get").into_inner().support_threshold, 50);
    let request = running.as_user(&account(60), PARIS, Role::Agent, settings(2));
    assert_eq!(
        running.client.update_dialogue_settings(request).await.expect_err("agent").code(),
        Code::PermissionDenied
    );
    let request = running.as_user(&account(900), LYON, Role::CommuneAdmin, settings(2));
    assert_eq!(
        running.client.update_dialogue_settings(request).await.expect_err("Lyon").code(),
        Code::PermissionDenied
    );
    let request = running.as_user(&account(900), PARIS, Role::CommuneAdmin, settings(0));
    let refused = running.client.update_dialogue_settings(request).await.expect_err("zero");
    assert_eq!(field(&refused).as_deref(), Some("support_threshold"));
    running.set_threshold(2).await;

    let proposal = running.propose(1).await;
    assert_eq!((proposal.support_threshold, proposal.supports), (2, 0));
    assert_eq!(proposal.status(), pb::ProposalStatus::Open);
    let supported = running.support(2, &proposal.name).await.expect("support");
    assert!(supported.supported_by_me);
    assert_eq!(running.support(2, &proposal.name).await.expect_err("twice").code(), Code::AlreadyExists);
    assert_eq!(running.support(1, &proposal.name).await.expect_err("author").code(), Code::FailedPrecondition);
    // A retried support (same request id) counts once.
    let retried = || pb::SupportProposalRequest { name: proposal.name.clone(), request_id: "support-3".into() };
    let request = running.resident(3, retried());
    let reached = running.client.support_proposal(request).await.expect("third").into_inner().proposal.expect("p");
    let request = running.resident(3, retried());
    let again = running.client.support_proposal(request).await.expect("retry").into_inner().proposal.expect("p");
    assert_eq!((reached.supports, again.supports), (2, 2));
    assert_eq!(reached.status(), pb::ProposalStatus::AwaitingAnswer);
    assert_eq!(reached.answer_due_at_us, reached.threshold_reached_at_us + 90 * DAY_US);

    // Publicly pending until answered.
    let awaiting = |commune: &str| pb::ListProposalsRequest {
        parent: format!("communes/{commune}"),
        awaiting_answer_only: true,
        ..Default::default()
    };
    let listed = running.client.list_proposals(awaiting(PARIS)).await.expect("list").into_inner().proposals;
    assert_eq!(listed.iter().map(|p| &p.name).collect::<Vec<_>>(), [&proposal.name]);
    assert!(running.client.list_proposals(awaiting(LYON)).await.expect("Lyon").into_inner().proposals.is_empty());

    let answer = pb::AnswerProposalRequest {
        name: proposal.name.clone(),
        body: "Le conseil l'inscrit au budget de l'an prochain.".into(),
        request_id: String::new(),
    };
    let request = running.as_user(&account(70), LYON, Role::CommuneAdmin, answer.clone());
    assert_eq!(running.client.answer_proposal(request).await.expect_err("Lyon").code(), Code::PermissionDenied);
    let request = running.resident(2, answer.clone());
    assert_eq!(running.client.answer_proposal(request).await.expect_err("resident").code(), Code::PermissionDenied);
    let request = running.as_user(&account(70), PARIS, Role::CommuneAdmin, answer);
    let answered = running.client.answer_proposal(request).await.expect("answer").into_inner().proposal.expect("p");
    assert_eq!(answered.status(), pb::ProposalStatus::Answered);
    assert!(answered.answered_on_time);
    assert!(running.client.list_proposals(awaiting(PARIS)).await.expect("list").into_inner().proposals.is_empty());
}

async fn the_threshold_is_reached_once_under_concurrent_supports(backend: Backend) {
    let mut running = start(backend).await;
    running.set_threshold(3).await;
    let proposal = running.propose(1).await;
    let supports = (10..18).map(|n| {
        let mut client = running.client.clone();
        let request = || {
            running.resident(n, pb::SupportProposalRequest { name: proposal.name.clone(), request_id: format!("s{n}") })
        };
        let requests = [request(), request(), request(), request(), request()];
        async move {
            // A support that loses too many races is ABORTED: the client retries it (same request id).
            for request in requests {
                match client.support_proposal(request).await {
                    Ok(_) => return,
                    Err(status) if status.code() == Code::Aborted => continue,
                    Err(status) => panic!("support refused: {status:?}"),
                }
            }
            panic!("support still aborted after retries");
        }
    });
    futures::future::join_all(supports).await;
    let request = pb::GetProposalRequest { name: proposal.name.clone() };
    let after = running.client.get_proposal(request).await.expect("get").into_inner();
    assert_eq!(after.supports, 8);
    assert_eq!(after.status(), pb::ProposalStatus::AwaitingAnswer);
    let reached: i64 = sqlx::query("SELECT COUNT(*) AS n FROM events WHERE event_type = $1")
        .bind("miroir.dialogue.v1.ProposalThresholdReached")
        .fetch_one(running.db.db.pool())
        .await
        .expect("count")
        .try_get("n")
        .expect("n");
    assert_eq!(reached, 1);
}

async fn comments_are_one_level_deep_and_officials_are_highlighted(backend: Backend) {
    let mut running = start(backend).await;
    let proposal = running.propose(1).await;
    let post = |target: &str, reply_to: &str, body: &str| pb::PostCommentRequest {
        parent: format!("communes/{PARIS}"),
        target: target.into(),
        reply_to: reply_to.into(),
        body: body.into(),
        request_id: String::new(),
    };
    let refused = running.client.post_comment(post(&proposal.name, "", "Bonne idée")).await.expect_err("anonymous");
    assert_eq!(refused.code(), Code::Unauthenticated);
    let request = running.resident(2, post(&proposal.name, "", "Bonne idée !"));
    let first = running.client.post_comment(request).await.expect("comment").into_inner().comment.expect("c");
    assert!(!first.official && first.parent_comment.is_empty());
    let request =
        running.as_user(&account(60), PARIS, Role::Agent, post(&proposal.name, &first.name, "Nous regardons."));
    let reply = running.client.post_comment(request).await.expect("reply").into_inner().comment.expect("c");
    assert!(reply.official);
    assert_eq!(reply.parent_comment, first.name);
    // A Lyon agent's reply in Paris is not official.
    let request =
        running.as_user(&account(61), LYON, Role::Agent, post(&proposal.name, &first.name, "Chez nous aussi."));
    let lyon = running.client.post_comment(request).await.expect("Lyon reply").into_inner().comment.expect("c");
    assert!(!lyon.official);

    let request = running.resident(3, post(&proposal.name, &reply.name, "Merci"));
    assert_eq!(field(&running.client.post_comment(request).await.expect_err("deep")).as_deref(), Some("reply_to"));
    let report = format!("communes/{PARIS}/reports/r1");
    let request = running.resident(3, post(&report, &first.name, "Ailleurs"));
    assert_eq!(field(&running.client.post_comment(request).await.expect_err("other")).as_deref(), Some("reply_to"));
    let request = running.resident(3, post(&format!("communes/{LYON}/reports/r1"), "", "Ailleurs"));
    assert_eq!(field(&running.client.post_comment(request).await.expect_err("Lyon")).as_deref(), Some("target"));
    let request = running.resident(3, post(&format!("communes/{PARIS}/proposals/nope"), "", "Ailleurs"));
    assert_eq!(field(&running.client.post_comment(request).await.expect_err("no such")).as_deref(), Some("target"));
    let request = running.resident(3, post(&report, "", ""));
    assert_eq!(field(&running.client.post_comment(request).await.expect_err("empty")).as_deref(), Some("body"));

    let mut bodies = Vec::new();
    let mut page_token = String::new();
    loop {
        let request = pb::ListCommentsRequest {
            parent: format!("communes/{PARIS}"),
            target: proposal.name.clone(),
            page_size: 1,
            page_token: page_token.clone(),
        };
        let page = running.client.list_comments(request).await.expect("page").into_inner();
        bodies.extend(page.comments.into_iter().map(|c| c.body));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_eq!(bodies, ["Bonne idée !", "Nous regardons.", "Chez nous aussi."]);
}

async fn moderators_hide_with_a_public_reason_and_authors_appeal_once(backend: Backend) {
    let mut running = start(backend).await;
    let question = running.ask(1, "Pourquoi ce maire incompétent ?").await;
    let hide = |subject: &str, reason: &str| pb::HideContentRequest {
        subject: subject.into(),
        public_reason: reason.into(),
        request_id: String::new(),
    };
    // Any account flags, once; flags are not public.
    let flag = || pb::FlagContentRequest {
        subject: question.name.clone(),
        reason: "Insultant".into(),
        request_id: String::new(),
    };
    let request = running.resident(2, flag());
    running.client.flag_content(request).await.expect("flag");
    let request = running.resident(2, flag());
    assert_eq!(running.client.flag_content(request).await.expect_err("twice").code(), Code::AlreadyExists);
    let request =
        running.resident(2, pb::FlagContentRequest { subject: format!("communes/{PARIS}/budgets/x"), ..flag() });
    assert_eq!(field(&running.client.flag_content(request).await.expect_err("bad")).as_deref(), Some("subject"));

    // Moderators see the queue; residents do not.
    let queue = || pb::ListFlaggedContentRequest { parent: format!("communes/{PARIS}"), ..Default::default() };
    let request = running.resident(2, queue());
    assert_eq!(
        running.client.list_flagged_content(request).await.expect_err("resident").code(),
        Code::PermissionDenied
    );
    let request = running.resident(3, flag());
    running.client.flag_content(request).await.expect("another flag");
    let request = running.as_user(&account(80), PARIS, Role::CollectiveModerator, queue());
    let contents = running.client.list_flagged_content(request).await.expect("queue").into_inner().contents;
    assert_eq!(
        contents.iter().map(|c| (c.subject.as_str(), c.flags, c.hidden)).collect::<Vec<_>>(),
        [(question.name.as_str(), 2, false)]
    );

    // Citizen content: the collective's moderators, not the town hall, nor another commune's.
    let request = running.as_user(&account(60), PARIS, Role::Agent, hide(&question.name, "Propos injurieux"));
    assert_eq!(running.client.hide_content(request).await.expect_err("agent").code(), Code::PermissionDenied);
    let request =
        running.as_user(&account(80), LYON, Role::CollectiveModerator, hide(&question.name, "Propos injurieux"));
    assert_eq!(running.client.hide_content(request).await.expect_err("Lyon").code(), Code::PermissionDenied);
    let request = running.as_user(&account(80), PARIS, Role::CollectiveModerator, hide(&question.name, " "));
    assert_eq!(
        field(&running.client.hide_content(request).await.expect_err("no reason")).as_deref(),
        Some("public_reason")
    );
    let request =
        running.as_user(&account(80), PARIS, Role::CollectiveModerator, hide(&question.name, "Propos injurieux"));
    let hidden = running.client.hide_content(request).await.expect("hide").into_inner();
    assert!(hidden.hidden);
    let request = pb::GetQuestionRequest { name: question.name.clone() };
    let shown = running.client.get_question(request).await.expect("get").into_inner();
    assert_eq!((shown.title.as_str(), shown.body.as_str(), shown.hidden_reason.as_str()), ("", "", "Propos injurieux"));
    let request = running.as_user(&account(60), PARIS, Role::Agent, queue());
    let contents = running.client.list_flagged_content(request).await.expect("queue").into_inner().contents;
    assert!(contents.first().is_some_and(|c| c.hidden));

    // Only the author appeals, once.
    let appeal = || pb::AppealHidingRequest {
        subject: question.name.clone(),
        reason: "C'est une vraie question".into(),
        request_id: String::new(),
    };
    let request = running.resident(2, appeal());
    assert_eq!(running.client.appeal_hiding(request).await.expect_err("not author").code(), Code::PermissionDenied);
    let request = running.resident(1, appeal());
    assert!(running.client.appeal_hiding(request).await.expect("appeal").into_inner().appealed);
    let request = running.resident(1, appeal());
    assert_eq!(running.client.appeal_hiding(request).await.expect_err("twice").code(), Code::AlreadyExists);
    let request = running.as_user(
        &account(81),
        PARIS,
        Role::CollectiveModerator,
        pb::ResolveAppealRequest {
            subject: question.name.clone(),
            restore: true,
            public_reason: "Reformulée, la question est légitime".into(),
            request_id: String::new(),
        },
    );
    assert!(!running.client.resolve_appeal(request).await.expect("restore").into_inner().hidden);
    let request = pb::GetQuestionRequest { name: question.name.clone() };
    let shown = running.client.get_question(request).await.expect("get").into_inner();
    assert_eq!((shown.title.as_str(), shown.hidden_reason.as_str()), ("Pourquoi ce maire incompétent ?", ""));

    // An official's comment is official content: the commune's moderators hide it.
    let proposal = running.propose(1).await;
    let request = running.as_user(
        &account(60),
        PARIS,
        Role::Agent,
        pb::PostCommentRequest {
            parent: format!("communes/{PARIS}"),
            target: proposal.name.clone(),
            reply_to: String::new(),
            body: "Le numéro de téléphone de M. X est …".into(),
            request_id: String::new(),
        },
    );
    let comment = running.client.post_comment(request).await.expect("comment").into_inner().comment.expect("c");
    // The queue says which space a flagged comment is of, and where it is read.
    let request = running.resident(
        2,
        pb::FlagContentRequest { subject: comment.name.clone(), reason: "Données perso".into(), ..flag() },
    );
    running.client.flag_content(request).await.expect("flag the comment");
    let request = running.as_user(&account(60), PARIS, Role::Agent, queue());
    let contents = running.client.list_flagged_content(request).await.expect("queue").into_inner().contents;
    assert_eq!(
        contents.iter().map(|c| (c.subject.as_str(), c.official, c.target.as_str())).collect::<Vec<_>>(),
        [(question.name.as_str(), false, ""), (comment.name.as_str(), true, proposal.name.as_str())]
    );
    let request =
        running.as_user(&account(80), PARIS, Role::CollectiveModerator, hide(&comment.name, "Données personnelles"));
    assert_eq!(running.client.hide_content(request).await.expect_err("collective").code(), Code::PermissionDenied);
    let request =
        running.as_user(&account(900), PARIS, Role::CommuneAdmin, hide(&comment.name, "Données personnelles"));
    running.client.hide_content(request).await.expect("admin hides");

    // Every act is in the commune's public log, newest first; Lyon's is empty.
    let log =
        |commune: &str| pb::ListModerationLogRequest { parent: format!("communes/{commune}"), ..Default::default() };
    let entries = running.client.list_moderation_log(log(PARIS)).await.expect("log").into_inner().entries;
    let acts: Vec<_> = entries.iter().map(|e| (e.action.as_str(), e.public_reason.as_str())).collect();
    assert_eq!(
        acts,
        [
            ("hidden", "Données personnelles"),
            ("restored", "Reformulée, la question est légitime"),
            ("appealed", ""),
            ("hidden", "Propos injurieux"),
        ]
    );
    // Each entry says its space (the official comment's is the commune's) and, for a comment, where it is.
    let spaces: Vec<_> = entries.iter().map(|e| (e.official, e.target.as_str())).collect();
    assert_eq!(spaces, [(true, proposal.name.as_str()), (false, ""), (false, ""), (false, "")]);
    assert!(running.client.list_moderation_log(log(LYON)).await.expect("Lyon").into_inner().entries.is_empty());
}

async fn posting_is_rate_limited_per_account(backend: Backend) {
    let mut running = start_limited(backend, PostingLimit { posts: 2, window_us: 600_000_000 }).await;
    let retried = || pb::AskQuestionRequest { request_id: "first".into(), ..ask("Première question") };
    let request = running.resident(1, retried());
    running.client.ask_question(request).await.expect("first");
    running.ask(1, "Deuxième question").await;
    let request = running.resident(1, ask("Troisième question"));
    let refused = running.client.ask_question(request).await.expect_err("third");
    assert_eq!(refused.code(), Code::ResourceExhausted);
    assert!(refused.message().contains("2 times in 10 minutes"), "{}", refused.message());
    // Proposals count too; a retry of a recorded request is not a new post; others may still post.
    let request = running.resident(
        1,
        pb::SubmitProposalRequest {
            parent: format!("communes/{PARIS}"),
            title: "Idée".into(),
            body: "…".into(),
            request_id: String::new(),
        },
    );
    assert_eq!(running.client.submit_proposal(request).await.expect_err("proposal").code(), Code::ResourceExhausted);
    let request = running.resident(1, retried());
    running.client.ask_question(request).await.expect("retry of the first");
    running.ask(2, "Question d'une autre personne").await;
}

async fn late_answers_and_overdue_questions_are_public(backend: Backend) {
    let days_later = Arc::new(AtomicI64::new(0));
    let mut running = start_with(backend, DEFAULT_POSTING_LIMIT, days_later.clone()).await;
    let question = running.ask(1, "Quand rouvre la bibliothèque ?").await;
    running.ask(2, "Une autre question").await;
    let overdue =
        || pb::ListQuestionsRequest { parent: format!("communes/{PARIS}"), overdue_only: true, ..Default::default() };
    assert!(running.client.list_questions(overdue()).await.expect("list").into_inner().questions.is_empty());
    // Eleven days later, past the 10-day commitment, both are overdue until answered.
    days_later.store(11, Ordering::SeqCst);
    let listed = running.client.list_questions(overdue()).await.expect("list").into_inner().questions;
    assert_eq!(listed.len(), 2);
    let request = running.as_user(&account(60), PARIS, Role::Agent, answer(&question.name));
    let answered = running.client.answer_question(request).await.expect("answer").into_inner().question.expect("q");
    assert!(answered.official && !answered.answered_on_time);
    let listed = running.client.list_questions(overdue()).await.expect("list").into_inner().questions;
    assert_eq!(listed.iter().map(|q| q.title.as_str()).collect::<Vec<_>>(), ["Une autre question"]);

    // A proposal's obligation answered after its 90 days is closed, late.
    running.set_threshold(1).await;
    let proposal = running.propose(1).await;
    running.support(2, &proposal.name).await.expect("support");
    days_later.store(11 + 91, Ordering::SeqCst);
    let request = running.as_user(
        &account(70),
        PARIS,
        Role::ElectedOfficial,
        pb::AnswerProposalRequest {
            name: proposal.name.clone(),
            body: "Nous la retenons.".into(),
            request_id: String::new(),
        },
    );
    let answered = running.client.answer_proposal(request).await.expect("answer").into_inner().proposal.expect("p");
    assert_eq!(answered.status(), pb::ProposalStatus::Answered);
    assert!(!answered.answered_on_time);
}

impl Running {
    async fn ask_with(&mut self, n: u32, title: &str, body: &str) -> pb::Question {
        let request = self.resident(n, pb::AskQuestionRequest { body: body.into(), ..ask(title) });
        self.client.ask_question(request).await.expect("ask").into_inner().question.expect("question")
    }

    async fn propose_with(&mut self, n: u32, title: &str, body: &str) -> pb::Proposal {
        let request = self.resident(
            n,
            pb::SubmitProposalRequest {
                parent: format!("communes/{PARIS}"),
                title: title.into(),
                body: body.into(),
                request_id: String::new(),
            },
        );
        self.client.submit_proposal(request).await.expect("submit").into_inner().proposal.expect("proposal")
    }

    /// The titles of the questions `request` lists, and its next page token.
    async fn questions(&mut self, request: pb::ListQuestionsRequest) -> Result<(Vec<String>, String), tonic::Status> {
        let page = self.client.list_questions(request).await?.into_inner();
        Ok((page.questions.into_iter().map(|q| q.title).collect(), page.next_page_token))
    }

    async fn proposals(&mut self, request: pb::ListProposalsRequest) -> Result<(Vec<String>, String), tonic::Status> {
        let page = self.client.list_proposals(request).await?.into_inner();
        Ok((page.proposals.into_iter().map(|p| p.title).collect(), page.next_page_token))
    }

    async fn search_questions(&mut self, query: &str) -> Vec<String> {
        self.questions(search_questions(query)).await.expect("search").0
    }

    async fn search_proposals(&mut self, query: &str) -> Vec<String> {
        self.proposals(search_proposals(query)).await.expect("search").0
    }
}

fn search_questions(query: &str) -> pb::ListQuestionsRequest {
    pb::ListQuestionsRequest { parent: format!("communes/{PARIS}"), query: query.into(), ..Default::default() }
}

fn search_proposals(query: &str) -> pb::ListProposalsRequest {
    pb::ListProposalsRequest { parent: format!("communes/{PARIS}"), query: query.into(), ..Default::default() }
}

async fn questions_and_proposals_are_searched_by_their_words(backend: Backend) {
    let mut running = start(backend).await;
    running.ask(1, "Horaires de la piscine ?").await;
    running.ask_with(2, "Éclairage rue Haute", "Les lampadaires sont ÉTEINTS depuis lundi.").await;
    let parking = running.ask_with(3, "Piscine et stationnement", "Où se garer, le 100% du parking est pris ?").await;

    // Case and accents folded, in the title or the body; every word must match, each from a word start.
    assert_eq!(running.search_questions("PISCINE").await, ["Piscine et stationnement", "Horaires de la piscine ?"]);
    assert_eq!(running.search_questions("piscine dimanche").await, ["Horaires de la piscine ?"]);
    assert_eq!(running.search_questions("eteint éclair").await, ["Éclairage rue Haute"]);
    assert!(running.search_questions("clairage").await.is_empty());
    assert!(running.search_questions("pisc_ne").await.is_empty(), "LIKE's wildcards are never wildcards");
    assert_eq!(running.search_questions("100%").await, ["Piscine et stationnement"]);

    // A page token continues its own search only.
    let first = pb::ListQuestionsRequest { page_size: 1, ..search_questions("piscine") };
    let (titles, token) = running.questions(first).await.expect("page 1");
    assert_eq!(titles, ["Piscine et stationnement"]);
    let next = pb::ListQuestionsRequest { page_size: 1, page_token: token.clone(), ..search_questions("PÍSCINE") };
    assert_eq!(running.questions(next).await.expect("page 2").0, ["Horaires de la piscine ?"]);
    for other in [
        pb::ListQuestionsRequest { page_token: token.clone(), ..search_questions("") },
        pb::ListQuestionsRequest { page_token: token.clone(), overdue_only: true, ..search_questions("piscine") },
        pb::ListQuestionsRequest { page_token: token.replace('p', "q"), ..search_questions("piscine") },
    ] {
        let refused = running.questions(other).await.expect_err("another list");
        assert_eq!(field(&refused).as_deref(), Some("page_token"));
    }
    let proposals_with_it = pb::ListProposalsRequest { page_token: token, ..search_proposals("piscine") };
    let refused = running.proposals(proposals_with_it).await.expect_err("a questions token");
    assert_eq!(field(&refused).as_deref(), Some("page_token"));
    let long = running.questions(search_questions(&"mot ".repeat(51))).await.expect_err("too long");
    assert_eq!(field(&long).as_deref(), Some("query"));

    // Hidden content never matches a query: its words are not shown.
    let request = running.as_user(
        &account(80),
        PARIS,
        Role::CollectiveModerator,
        pb::HideContentRequest {
            subject: parking.name.clone(),
            public_reason: "Hors sujet".into(),
            request_id: String::new(),
        },
    );
    running.client.hide_content(request).await.expect("hide");
    assert_eq!(running.search_questions("piscine").await, ["Horaires de la piscine ?"]);
    assert!(running.search_questions("stationnement").await.is_empty());
    assert_eq!(running.search_questions("").await.len(), 3, "no query: every question, hidden ones blanked");

    running.propose_with(4, "Un jardin partagé rue Haute", "Sur la friche, avec l'école.").await;
    running.propose_with(5, "Une piste cyclable", "Le long du canal, jusqu'à l'École Jaurès.").await;
    assert_eq!(running.search_proposals("ecole").await, ["Une piste cyclable", "Un jardin partagé rue Haute"]);
    assert_eq!(running.search_proposals("JARDIN école").await, ["Un jardin partagé rue Haute"]);
    assert!(running.search_proposals("jardin canal").await.is_empty());
    let first = pb::ListProposalsRequest { page_size: 1, ..search_proposals("ecole") };
    let (titles, token) = running.proposals(first).await.expect("page 1");
    assert_eq!(titles, ["Une piste cyclable"]);
    let next = pb::ListProposalsRequest { page_token: token.clone(), ..search_proposals("École") };
    assert_eq!(running.proposals(next).await.expect("page 2").0, ["Un jardin partagé rue Haute"]);
    let other = pb::ListProposalsRequest { page_token: token, awaiting_answer_only: true, ..search_proposals("ecole") };
    assert_eq!(field(&running.proposals(other).await.expect_err("other filter")).as_deref(), Some("page_token"));
}

/// Rows projected before the search text existed get theirs when the service migrates.
async fn older_rows_get_their_search_text_at_migration(backend: Backend) {
    let mut running = start(backend).await;
    running.ask(1, "Quand rouvre la bibliothèque ?").await;
    running.propose_with(2, "Une boîte à livres", "Devant la médiathèque.").await;
    for table in ["questions_view", "proposals_view"] {
        let blank = format!("UPDATE {table} SET search_text = ''");
        sqlx::query(sqlx::AssertSqlSafe(blank)).execute(running.db.db.pool()).await.expect("blank");
    }
    assert!(running.search_questions("bibliotheque").await.is_empty());
    miroir_dialogue::migrate_database(&running.db.db).await.expect("migrate again");
    assert_eq!(running.search_questions("bibliotheque rouvre").await, ["Quand rouvre la bibliothèque ?"]);
    assert_eq!(running.search_proposals("boite mediatheque").await, ["Une boîte à livres"]);
    let filled = miroir_dialogue::read_model::projection::fill_search_text(&running.db.db).await.expect("fill");
    assert_eq!(filled, 0, "nothing left to fill");
}

macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name(super::Backend::Postgres).await; })+
        }
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name(super::Backend::Sqlite).await; })+
        }
    };
}

on_both_backends!(
    questions_are_answered_officially_by_their_commune,
    a_question_is_redirected_to_a_report,
    retried_requests_are_idempotent_and_lists_page,
    proposals_oblige_an_answer_at_the_threshold,
    the_threshold_is_reached_once_under_concurrent_supports,
    comments_are_one_level_deep_and_officials_are_highlighted,
    moderators_hide_with_a_public_reason_and_authors_appeal_once,
    posting_is_rate_limited_per_account,
    late_answers_and_overdue_questions_are_public,
    questions_and_proposals_are_searched_by_their_words,
    older_rows_get_their_search_text_at_migration,
);
