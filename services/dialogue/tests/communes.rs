//! Dialogue takes commands only for communes registered in identity and not
//! suspended, as reports does: it follows identity's log (here through the
//! in-process feed over identity's real store), on PostgreSQL and SQLite.
//! Reads stay open whatever the commune's state.

use miroir_auth::role::Grant;
use miroir_auth::{Principal, Role};
use miroir_communes::{CommuneState, Refusal};
use miroir_dialogue::api::DialogueApi;
use miroir_eventstore::feed::LocalFeed;
use miroir_identity::{Identity, IdentityConfig, operator_cli};
use miroir_platform::storage::Backend;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::dialogue::v1 as pb;
use miroir_proto::dialogue::v1::dialogue_server::Dialogue as _;
use tokio_util::sync::CancellationToken;
use tonic::{Code, Request};
use tonic_types::StatusExt;

const RENNES: &str = "35238";
const NOT_ON_MIROIR: &str = "69123";

fn account(n: u32) -> String {
    format!("0190c0de-0000-7000-8000-{n:012}")
}

/// A request from account `n` with `role` in `commune`, as the authentication interceptor leaves it.
fn as_user<T>(n: u32, commune: &str, role: Role, message: T) -> Request<T> {
    let mut request = Request::new(message);
    request
        .extensions_mut()
        .insert(Principal::Account { id: account(n), grants: vec![Grant { commune: commune.into(), role }] });
    request
}

fn ask(commune: &str) -> Request<pb::AskQuestionRequest> {
    as_user(
        1,
        commune,
        Role::Resident,
        pb::AskQuestionRequest {
            parent: format!("communes/{commune}"),
            title: "Horaires de la piscine ?".into(),
            body: "Ouvre-t-elle le dimanche matin ?".into(),
            request_id: String::new(),
        },
    )
}

fn answer(name: &str) -> Request<pb::AnswerQuestionRequest> {
    as_user(
        60,
        RENNES,
        Role::Agent,
        pb::AnswerQuestionRequest { name: name.into(), body: "Oui, de 9 h à 13 h.".into(), request_id: String::new() },
    )
}

fn flag(name: &str) -> Request<pb::FlagContentRequest> {
    as_user(
        2,
        RENNES,
        Role::Resident,
        pb::FlagContentRequest { subject: name.into(), reason: "hors sujet".into(), request_id: String::new() },
    )
}

fn field(status: &tonic::Status) -> Option<String> {
    status.get_details_bad_request().and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
}

/// Brings dialogue's copy of identity's communes up to identity's head.
async fn catch_up(db: &miroir_platform::storage::Database, identity: &Identity) {
    let head = identity.store().head().await.expect("head");
    let feed = LocalFeed::new([identity.store().clone()]);
    let reached =
        miroir_communes::follow(db, &feed, miroir_dialogue::COMMUNES_CONSUMER, Some(head), CancellationToken::new())
            .await
            .expect("follow identity");
    assert_eq!(reached, head);
}

async fn only_registered_open_communes_take_commands(backend: Backend) {
    let identity_db = TestDatabase::new(backend).await;
    miroir_identity::migrate_database(&identity_db.db).await.expect("migrate identity");
    let identity =
        miroir_identity::open(identity_db.db.clone(), IdentityConfig { log_links: false, public_url: String::new() })
            .await
            .expect("identity");
    identity.register_commune(&operator_cli(), RENNES, "Rennes", "35", "", 7, "").await.expect("register");

    let db = TestDatabase::new(backend).await;
    miroir_dialogue::migrate_database(&db.db).await.expect("migrate dialogue");
    let store = miroir_dialogue::open(db.db.clone()).await.expect("dialogue");
    let api = DialogueApi::new(store).requiring_registered_communes();

    assert_eq!(api.ask_question(ask(RENNES)).await.expect_err("not heard of yet").code(), Code::InvalidArgument);
    catch_up(&db.db, &identity).await;
    assert_eq!(miroir_communes::state(&db.db, RENNES).await.expect("state"), CommuneState::Open);
    let asked = api.ask_question(ask(RENNES)).await.expect("a registered commune takes questions").into_inner();
    let question = asked.question.expect("question");
    // Rennes registered a 7-day commitment (the service's default is 15): its questions are held to it.
    assert_eq!(question.commitment_days, 7);
    assert_eq!(question.answer_due_at_us - question.asked_at_us, 7 * 24 * 3600 * 1_000_000);
    let name = question.name;

    let unknown = api.ask_question(ask(NOT_ON_MIROIR)).await.expect_err("unknown commune");
    assert_eq!(unknown.code(), Code::InvalidArgument);
    assert_eq!(field(&unknown).as_deref(), Some("parent"));
    assert!(unknown.message().contains(Refusal::UNKNOWN_REASON), "{}", unknown.message());

    identity.suspend_commune(&operator_cli(), RENNES, "fin de convention").await.expect("suspend");
    catch_up(&db.db, &identity).await;
    let suspended = api.answer_question(answer(&name)).await.expect_err("suspended");
    assert_eq!(suspended.code(), Code::FailedPrecondition);
    assert_eq!(suspended.message(), Refusal::SUSPENDED_MESSAGE);
    assert_eq!(api.ask_question(ask(RENNES)).await.expect_err("suspended").code(), Code::FailedPrecondition);
    // Moderation is a command too.
    assert_eq!(api.flag_content(flag(&name)).await.expect_err("suspended").code(), Code::FailedPrecondition);
    // Reads stay open.
    let list = pb::ListQuestionsRequest { parent: format!("communes/{RENNES}"), ..Default::default() };
    assert_eq!(api.list_questions(Request::new(list)).await.expect("reads stay open").into_inner().questions.len(), 1);

    identity.reactivate_commune(&operator_cli(), RENNES).await.expect("reactivate");
    catch_up(&db.db, &identity).await;
    let answered = api.answer_question(answer(&name)).await.expect("open again").into_inner();
    assert_eq!(answered.question.expect("question").status(), pb::QuestionStatus::Answered);
    api.flag_content(flag(&name)).await.expect("open again");
}

#[tokio::test]
async fn postgres_only_registered_open_communes_take_commands() {
    only_registered_open_communes_take_commands(Backend::Postgres).await;
}

#[tokio::test]
async fn sqlite_only_registered_open_communes_take_commands() {
    only_registered_open_communes_take_commands(Backend::Sqlite).await;
}
