//! The REST face of the dialogue service, under `/api/v1/communes/{insee}/…`:
//!
//! - `questions…` — residents' public questions, the commune's official
//!   answers (against its answer commitment) and redirections to a report;
//! - `proposals…` — citizen proposals, supports, the official answer owed
//!   once the threshold is reached;
//! - `dialogue-settings` — the commune's support threshold;
//! - `comments` — one-level threads on publications, reports and proposals;
//! - `moderation/…` — flags, hiding with a public reason, appeals, the public
//!   log and the moderators' queue.
//!
//! Each handler is one gRPC call; validation, roles, the posting rate limit
//! (429) and visibility are the service's. Content of the commune is named
//! relative to the commune of the path (`proposals/{id}`): the gateway
//! checks its shape and builds the resource name, so a request can only ever
//! name content of the commune it addresses.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::{Json, Router, routing};
use miroir_proto::dialogue::v1 as pb;

use crate::AppState;
use crate::error::{ErrorBody, GatewayError};
use crate::rest::dialogue_schemas::{
    AnswerBody, AppealHiding, AskQuestion, Comment, CommentList, DialogueSettings, FlagContent, FlaggedContentList,
    HideContent, ModerationLog, ModerationState, PostComment, Proposal, ProposalList, Question, QuestionList,
    RedirectQuestion, ResolveAppeal, SubmitProposal,
};
use crate::rest::extract::{ApiJson, CommunePath, Forwarded, PageQuery, Public, query_params};
use crate::rest::publications::{QUERY_RENAME, TextQuery};
use crate::rest::reports::parent;
use crate::upstream::{call, request};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/communes/{insee}/questions", routing::post(ask_question).get(list_questions))
        .route("/communes/{insee}/questions/{question_id}", routing::get(get_question))
        .route("/communes/{insee}/questions/{question_id}/answer", routing::post(answer_question))
        .route("/communes/{insee}/questions/{question_id}/redirect", routing::post(redirect_question))
        .route("/communes/{insee}/proposals", routing::post(submit_proposal).get(list_proposals))
        .route("/communes/{insee}/proposals/{proposal_id}", routing::get(get_proposal))
        .route("/communes/{insee}/proposals/{proposal_id}/support", routing::post(support_proposal))
        .route("/communes/{insee}/proposals/{proposal_id}/answer", routing::post(answer_proposal))
        .route("/communes/{insee}/dialogue-settings", routing::get(get_dialogue_settings).put(update_dialogue_settings))
        .route("/communes/{insee}/comments", routing::post(post_comment).get(list_comments))
        .route("/communes/{insee}/moderation/flags", routing::post(flag_content).get(list_flagged_content))
        .route("/communes/{insee}/moderation/hide", routing::post(hide_content))
        .route("/communes/{insee}/moderation/appeals", routing::post(appeal_hiding))
        .route("/communes/{insee}/moderation/appeals/resolve", routing::post(resolve_appeal))
        .route("/communes/{insee}/moderation/log", routing::get(list_moderation_log))
}

fn missing(what: &str) -> GatewayError {
    GatewayError::UpstreamData(format!("answer without its {what}"))
}

fn is_id(id: &str) -> bool {
    id.len() == 36 && uuid::Uuid::try_parse(id).is_ok()
}

fn created<T>(location: String, body: T) -> Result<(StatusCode, HeaderMap, Json<T>), GatewayError> {
    let location = HeaderValue::try_from(location).map_err(|e| GatewayError::UpstreamData(e.to_string()))?;
    Ok((StatusCode::CREATED, HeaderMap::from_iter([(header::LOCATION, location)]), Json(body)))
}

/// `{insee}` and the id named `field` of `/communes/{insee}/{collection}/{id}…`.
async fn id_path<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
    field: &'static str,
    what: &str,
) -> Result<(String, String), GatewayError> {
    let CommunePath { insee } = CommunePath::from_request_parts(parts, state).await?;
    let Path((_, id)) = Path::<(String, String)>::from_request_parts(parts, state)
        .await
        .map_err(|rejection| GatewayError::InvalidRequest { message: rejection.body_text(), violations: vec![] })?;
    if !is_id(&id) {
        return Err(GatewayError::invalid_field(field, format!("must be a {what} id as the API returns it (a UUID)")));
    }
    Ok((insee, id))
}

/// `{insee}` and `{question_id}` of `/communes/{insee}/questions/{question_id}…`.
#[derive(Debug)]
pub struct QuestionPath {
    pub insee: String,
    pub question_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for QuestionPath {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, GatewayError> {
        let (insee, question_id) = id_path(parts, state, "question_id", "question").await?;
        Ok(QuestionPath { insee, question_id })
    }
}

impl QuestionPath {
    fn name(&self) -> String {
        format!("communes/{}/questions/{}", self.insee, self.question_id)
    }
}

/// `{insee}` and `{proposal_id}` of `/communes/{insee}/proposals/{proposal_id}…`.
#[derive(Debug)]
pub struct ProposalPath {
    pub insee: String,
    pub proposal_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for ProposalPath {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, GatewayError> {
        let (insee, proposal_id) = id_path(parts, state, "proposal_id", "proposal").await?;
        Ok(ProposalPath { insee, proposal_id })
    }
}

impl ProposalPath {
    fn name(&self) -> String {
        format!("communes/{}/proposals/{}", self.insee, self.proposal_id)
    }
}

/// A boolean query parameter: `true` or `false` (default).
async fn flag_param(parts: &mut Parts, name: &str) -> Result<bool, GatewayError> {
    match query_params(parts).await?.get(name).map(|v| v.trim()) {
        None | Some("" | "false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(GatewayError::invalid_field(name, "must be true or false")),
    }
}

/// `?overdue_only=` of the questions list.
#[derive(Debug, Default)]
pub struct OverdueOnly(pub bool);

impl<S: Send + Sync> FromRequestParts<S> for OverdueOnly {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, GatewayError> {
        flag_param(parts, "overdue_only").await.map(OverdueOnly)
    }
}

/// `?awaiting_answer_only=` of the proposals list.
#[derive(Debug, Default)]
pub struct AwaitingAnswerOnly(pub bool);

impl<S: Send + Sync> FromRequestParts<S> for AwaitingAnswerOnly {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, GatewayError> {
        flag_param(parts, "awaiting_answer_only").await.map(AwaitingAnswerOnly)
    }
}

/// `{collection}/{id}` (one of `collections`) in `insee` → its resource name;
/// anything else is a 400 naming `field`.
fn content_name(insee: &str, field: &str, relative: &str, collections: &[&str]) -> Result<String, GatewayError> {
    let shape = || {
        let forms: Vec<String> = collections.iter().map(|c| format!("{c}/{{id}}")).collect();
        GatewayError::invalid_field(field, format!("must be {} (in this commune)", forms.join(", ")))
    };
    let (collection, id) = relative.trim().split_once('/').ok_or_else(shape)?;
    if !collections.contains(&collection) || !is_id(id) {
        return Err(shape());
    }
    Ok(format!("communes/{insee}/{collection}/{id}"))
}

const COMMENT_TARGETS: &[&str] = &["publications", "reports", "proposals"];
const MODERATED: &[&str] = &["questions", "proposals", "comments"];

/// `?target=` of the comments list.
#[derive(Debug)]
pub struct CommentTarget(pub String);

impl<S: Send + Sync> FromRequestParts<S> for CommentTarget {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, GatewayError> {
        let CommunePath { insee } = CommunePath::from_request_parts(parts, state).await?;
        let target = query_params(parts).await?.remove("target").unwrap_or_default();
        if target.trim().is_empty() {
            return Err(GatewayError::invalid_field(
                "target",
                "is required: publications/{id}, reports/{id} or proposals/{id}",
            ));
        }
        content_name(&insee, "target", &target, COMMENT_TARGETS).map(CommentTarget)
    }
}

// ---------------------------------------------------------------------------
// Questions

/// Ask the commune a public question (a signed-in resident).
///
/// The commune commits to answer within `commitment_days`; the question
/// records the deadline. Questions, proposals and comments of one account
/// share a posting rate limit (429 past it).
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/questions",
    tag = "questions",
    operation_id = "ask_question",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first question (201 again) and asks nothing new"),
    ),
    request_body = AskQuestion,
    responses(
        (status = 201, description = "Question asked (or the first one, on a retry with the same Idempotency-Key)",
            body = Question,
            headers(("Location" = String, description = "URL of the question"))),
        (status = 400, description = "Invalid input; `field_violations` name the field", body = ErrorBody),
        (status = 401, description = "No or bad bearer token: asking needs an account", body = ErrorBody),
        (status = 403, description = "Not a person's account (an integration client)", body = ErrorBody),
        (status = 429, description = "Posting rate limit reached: wait before posting again", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn ask_question(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<AskQuestion>,
) -> Result<(StatusCode, HeaderMap, Json<Question>), GatewayError> {
    let message = pb::AskQuestionRequest {
        parent: parent(&insee),
        title: body.title,
        body: body.body,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.dialogue.clone();
    let answer = call(client.ask_question(request(message, &forwarded))).await?;
    let question = Question::try_from(answer.question.ok_or_else(|| missing("question"))?)?;
    created(format!("/api/v1/communes/{}/questions/{}", question.commune, question.question_id), question)
}

/// List a commune's questions, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/questions",
    tag = "questions",
    operation_id = "list_questions",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("overdue_only" = Option<bool>, Query,
            description = "Only open questions past the commune's answer commitment (default false)"),
        ("page_size" = Option<i32>, Query, description = "1 to 100; 0 or absent: the default, 20", minimum = 0, maximum = 100),
        ("q" = Option<String>, Query,
            description = "Words that must all appear in the title or body (accents and case ignored, each word \
                           matching a word start); at most 200 characters", example = "cantine"),
        ("page_token" = Option<String>, Query, description = "`next_page_token` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page of questions", body = QuestionList),
        (status = 400, description = "Invalid commune, parameter, page size or token", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn list_questions(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    page: PageQuery,
    OverdueOnly(overdue_only): OverdueOnly,
    TextQuery(query): TextQuery,
    Public(forwarded): Public,
) -> Result<Json<QuestionList>, GatewayError> {
    let message = pb::ListQuestionsRequest {
        parent: parent(&insee),
        page_size: page.page_size,
        page_token: page.page_token,
        overdue_only,
        query,
    };
    let mut client = state.dialogue.clone();
    let answer =
        call(client.list_questions(request(message, &forwarded))).await.map_err(|e| e.renaming(QUERY_RENAME))?;
    Ok(Json(QuestionList::try_from(answer)?))
}

/// Read one question, with the commune's answer once given.
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/questions/{question_id}",
    tag = "questions",
    operation_id = "get_question",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("question_id" = String, Path, description = "Id of the question (a UUID)"),
    ),
    responses(
        (status = 200, description = "The question", body = Question),
        (status = 400, description = "Malformed commune code or question id", body = ErrorBody),
        (status = 404, description = "No such question in this commune", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn get_question(
    State(state): State<AppState>,
    path: QuestionPath,
    Public(forwarded): Public,
) -> Result<Json<Question>, GatewayError> {
    let mut client = state.dialogue.clone();
    let answer = call(client.get_question(request(pb::GetQuestionRequest { name: path.name() }, &forwarded))).await?;
    Ok(Json(Question::try_from(answer)?))
}

/// Answer a question officially, in public (the commune's agents, elected
/// officials and administrators, or an integration client with `dialogue:write`).
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/questions/{question_id}/answer",
    tag = "questions",
    operation_id = "answer_question",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("question_id" = String, Path, description = "Id of the question (a UUID)"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = AnswerBody,
    responses(
        (status = 200, description = "The answered question, with `answer.on_time` against its deadline",
            body = Question),
        (status = 400, description = "Invalid input; `field_violations` name the field", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not an official of this commune", body = ErrorBody),
        (status = 404, description = "No such question in this commune", body = ErrorBody),
        (status = 409, description = "Already answered (`already_exists`) or redirected to a report \
                                      (`failed_precondition`)", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn answer_question(
    State(state): State<AppState>,
    path: QuestionPath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<AnswerBody>,
) -> Result<Json<Question>, GatewayError> {
    let message =
        pb::AnswerQuestionRequest { name: path.name(), body: body.body, request_id: forwarded.request_id.clone() };
    let mut client = state.dialogue.clone();
    let answer = call(client.answer_question(request(message, &forwarded))).await?;
    Ok(Json(Question::try_from(answer.question.ok_or_else(|| missing("question"))?)?))
}

/// Send a question to a report of the same commune: it is a problem to fix,
/// followed there (the commune's agents and administrators).
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/questions/{question_id}/redirect",
    tag = "questions",
    operation_id = "redirect_question",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("question_id" = String, Path, description = "Id of the question (a UUID)"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = RedirectQuestion,
    responses(
        (status = 200, description = "The question, `redirected`", body = Question),
        (status = 400, description = "Invalid input; `field_violations` name the field (`report_id`, \
                                      `message`)", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not an agent or administrator of this commune", body = ErrorBody),
        (status = 404, description = "No such question in this commune", body = ErrorBody),
        (status = 409, description = "The question is not open any more", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn redirect_question(
    State(state): State<AppState>,
    path: QuestionPath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<RedirectQuestion>,
) -> Result<Json<Question>, GatewayError> {
    if !is_id(body.report_id.trim()) {
        return Err(GatewayError::invalid_field("report_id", "must be a report id as the API returns it (a UUID)"));
    }
    let message = pb::RedirectQuestionRequest {
        name: path.name(),
        report: format!("communes/{}/reports/{}", path.insee, body.report_id.trim()),
        message: body.message,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.dialogue.clone();
    let answer = call(client.redirect_question(request(message, &forwarded)))
        .await
        .map_err(|e| e.renaming(&[("report", "report_id")]))?;
    Ok(Json(Question::try_from(answer.question.ok_or_else(|| missing("question"))?)?))
}

// ---------------------------------------------------------------------------
// Proposals

/// Submit a citizen proposal (a signed-in resident). It keeps the commune's
/// support threshold of the day; shares the posting rate limit (429).
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/proposals",
    tag = "proposals",
    operation_id = "submit_proposal",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first proposal (201 again) and submits nothing new"),
    ),
    request_body = SubmitProposal,
    responses(
        (status = 201, description = "Proposal submitted (or the first one, on a retry with the same \
                                      Idempotency-Key)",
            body = Proposal,
            headers(("Location" = String, description = "URL of the proposal"))),
        (status = 400, description = "Invalid input; `field_violations` name the field", body = ErrorBody),
        (status = 401, description = "No or bad bearer token: submitting needs an account", body = ErrorBody),
        (status = 403, description = "Not a person's account (an integration client)", body = ErrorBody),
        (status = 429, description = "Posting rate limit reached: wait before posting again", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn submit_proposal(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<SubmitProposal>,
) -> Result<(StatusCode, HeaderMap, Json<Proposal>), GatewayError> {
    let message = pb::SubmitProposalRequest {
        parent: parent(&insee),
        title: body.title,
        body: body.body,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.dialogue.clone();
    let answer = call(client.submit_proposal(request(message, &forwarded))).await?;
    let proposal = Proposal::try_from(answer.proposal.ok_or_else(|| missing("proposal"))?)?;
    created(format!("/api/v1/communes/{}/proposals/{}", proposal.commune, proposal.proposal_id), proposal)
}

/// List a commune's proposals, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/proposals",
    tag = "proposals",
    operation_id = "list_proposals",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("awaiting_answer_only" = Option<bool>, Query,
            description = "Only proposals whose threshold obliges an answer not yet given (default false)"),
        ("page_size" = Option<i32>, Query, description = "1 to 100; 0 or absent: the default, 20", minimum = 0, maximum = 100),
        ("q" = Option<String>, Query,
            description = "Words that must all appear in the title or body (accents and case ignored, each word \
                           matching a word start); at most 200 characters", example = "jardin"),
        ("page_token" = Option<String>, Query, description = "`next_page_token` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page of proposals", body = ProposalList),
        (status = 400, description = "Invalid commune, parameter, page size or token", body = ErrorBody),
        (status = 401, description = "Bad bearer token", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security((), ("bearer" = [])),
)]
pub async fn list_proposals(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    page: PageQuery,
    AwaitingAnswerOnly(awaiting_answer_only): AwaitingAnswerOnly,
    TextQuery(query): TextQuery,
    forwarded: Forwarded,
) -> Result<Json<ProposalList>, GatewayError> {
    let message = pb::ListProposalsRequest {
        parent: parent(&insee),
        page_size: page.page_size,
        page_token: page.page_token,
        awaiting_answer_only,
        query,
    };
    let mut client = state.dialogue.clone();
    let answer =
        call(client.list_proposals(request(message, &forwarded))).await.map_err(|e| e.renaming(QUERY_RENAME))?;
    Ok(Json(ProposalList::try_from(answer)?))
}

/// Read one proposal (with `supported_by_caller` for a signed-in caller).
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/proposals/{proposal_id}",
    tag = "proposals",
    operation_id = "get_proposal",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("proposal_id" = String, Path, description = "Id of the proposal (a UUID)"),
    ),
    responses(
        (status = 200, description = "The proposal", body = Proposal),
        (status = 400, description = "Malformed commune code or proposal id", body = ErrorBody),
        (status = 401, description = "Bad bearer token", body = ErrorBody),
        (status = 404, description = "No such proposal in this commune", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security((), ("bearer" = [])),
)]
pub async fn get_proposal(
    State(state): State<AppState>,
    path: ProposalPath,
    forwarded: Forwarded,
) -> Result<Json<Proposal>, GatewayError> {
    let mut client = state.dialogue.clone();
    let answer = call(client.get_proposal(request(pb::GetProposalRequest { name: path.name() }, &forwarded))).await?;
    Ok(Json(Proposal::try_from(answer)?))
}

/// Support a proposal: once per account, not one's own. The support that
/// reaches the threshold obliges the commune to answer by `answer_due_at`.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/proposals/{proposal_id}/support",
    tag = "proposals",
    operation_id = "support_proposal",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("proposal_id" = String, Path, description = "Id of the proposal (a UUID)"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    responses(
        (status = 200, description = "The proposal, with `supports` counting the caller", body = Proposal),
        (status = 400, description = "Malformed commune code or proposal id", body = ErrorBody),
        (status = 401, description = "No or bad bearer token: supporting needs an account", body = ErrorBody),
        (status = 404, description = "No such proposal in this commune", body = ErrorBody),
        (status = 409, description = "Already supported by the caller (`already_exists`), or the caller's own \
                                      proposal or an answered one (`failed_precondition`)", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn support_proposal(
    State(state): State<AppState>,
    path: ProposalPath,
    forwarded: Forwarded,
) -> Result<Json<Proposal>, GatewayError> {
    let message = pb::SupportProposalRequest { name: path.name(), request_id: forwarded.request_id.clone() };
    let mut client = state.dialogue.clone();
    let answer = call(client.support_proposal(request(message, &forwarded))).await?;
    Ok(Json(Proposal::try_from(answer.proposal.ok_or_else(|| missing("proposal"))?)?))
}

/// Answer a proposal officially (the commune's agents, elected officials and
/// administrators, or an integration client with `dialogue:write`), closing
/// the obligation if the threshold was reached.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/proposals/{proposal_id}/answer",
    tag = "proposals",
    operation_id = "answer_proposal",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("proposal_id" = String, Path, description = "Id of the proposal (a UUID)"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = AnswerBody,
    responses(
        (status = 200, description = "The answered proposal", body = Proposal),
        (status = 400, description = "Invalid input; `field_violations` name the field", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not an official of this commune", body = ErrorBody),
        (status = 404, description = "No such proposal in this commune", body = ErrorBody),
        (status = 409, description = "Already answered", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn answer_proposal(
    State(state): State<AppState>,
    path: ProposalPath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<AnswerBody>,
) -> Result<Json<Proposal>, GatewayError> {
    let message =
        pb::AnswerProposalRequest { name: path.name(), body: body.body, request_id: forwarded.request_id.clone() };
    let mut client = state.dialogue.clone();
    let answer = call(client.answer_proposal(request(message, &forwarded))).await?;
    Ok(Json(Proposal::try_from(answer.proposal.ok_or_else(|| missing("proposal"))?)?))
}

// ---------------------------------------------------------------------------
// Settings

fn settings_name(insee: &str) -> String {
    format!("communes/{insee}/dialogueSettings")
}

/// The commune's dialogue settings.
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/dialogue-settings",
    tag = "proposals",
    operation_id = "get_dialogue_settings",
    params(("insee" = String, Path, description = "INSEE code of the commune", example = "75056")),
    responses(
        (status = 200, description = "The settings (the platform's defaults until the commune sets its own)",
            body = DialogueSettings),
        (status = 400, description = "Malformed commune code", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn get_dialogue_settings(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    Public(forwarded): Public,
) -> Result<Json<DialogueSettings>, GatewayError> {
    let message = pb::GetDialogueSettingsRequest { name: settings_name(&insee) };
    let mut client = state.dialogue.clone();
    let answer = call(client.get_dialogue_settings(request(message, &forwarded))).await?;
    Ok(Json(DialogueSettings::from(answer)))
}

/// Set the commune's support threshold of new proposals (its administrator).
#[utoipa::path(
    put,
    path = "/api/v1/communes/{insee}/dialogue-settings",
    tag = "proposals",
    operation_id = "update_dialogue_settings",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = DialogueSettings,
    responses(
        (status = 200, description = "The settings now", body = DialogueSettings),
        (status = 400, description = "Invalid threshold; `field_violations` name the field", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not the administrator of this commune", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn update_dialogue_settings(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<DialogueSettings>,
) -> Result<Json<DialogueSettings>, GatewayError> {
    let message = pb::UpdateDialogueSettingsRequest {
        name: settings_name(&insee),
        support_threshold: body.support_threshold,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.dialogue.clone();
    let answer = call(client.update_dialogue_settings(request(message, &forwarded))).await?;
    Ok(Json(DialogueSettings::from(answer)))
}

// ---------------------------------------------------------------------------
// Comments

/// Comment on a publication, report or proposal of the commune, or reply to
/// a top-level comment (a signed-in account). An official's comment is
/// marked `official`. Shares the posting rate limit (429).
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/comments",
    tag = "comments",
    operation_id = "post_comment",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first comment (201 again) and posts nothing new"),
    ),
    request_body = PostComment,
    responses(
        (status = 201, description = "Comment posted (or the first one, on a retry with the same \
                                      Idempotency-Key)", body = Comment),
        (status = 400, description = "Invalid input; `field_violations` name the field (`target`, `reply_to` \
                                      for a reply to a reply, `body`)", body = ErrorBody),
        (status = 401, description = "No or bad bearer token: commenting needs an account", body = ErrorBody),
        (status = 403, description = "Not a person's account (an integration client)", body = ErrorBody),
        (status = 429, description = "Posting rate limit reached: wait before posting again", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn post_comment(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<PostComment>,
) -> Result<(StatusCode, Json<Comment>), GatewayError> {
    let target = content_name(&insee, "target", &body.target, COMMENT_TARGETS)?;
    let reply_to = match body.reply_to.as_deref().map(str::trim) {
        None | Some("") => String::new(),
        Some(id) if is_id(id) => format!("communes/{insee}/comments/{id}"),
        Some(_) => return Err(GatewayError::invalid_field("reply_to", "must be a comment id (a UUID)")),
    };
    let message = pb::PostCommentRequest {
        parent: parent(&insee),
        target,
        reply_to,
        body: body.body,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.dialogue.clone();
    let answer = call(client.post_comment(request(message, &forwarded))).await?;
    Ok((StatusCode::CREATED, Json(Comment::try_from(answer.comment.ok_or_else(|| missing("comment"))?)?)))
}

/// The comments on one publication, report or proposal, oldest first
/// (replies follow in posting order, with `parent_comment_id`).
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/comments",
    tag = "comments",
    operation_id = "list_comments",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("target" = String, Query,
            description = "What is commented: `publications/{id}`, `reports/{id}` or `proposals/{id}`",
            example = "proposals/0190c0de-0000-7000-8000-0000000000d1"),
        ("page_size" = Option<i32>, Query, description = "1 to 100; 0 or absent: the default, 20", minimum = 0, maximum = 100),
        ("page_token" = Option<String>, Query, description = "`next_page_token` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page of comments", body = CommentList),
        (status = 400, description = "Missing or malformed target, page size or token", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn list_comments(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    CommentTarget(target): CommentTarget,
    page: PageQuery,
    Public(forwarded): Public,
) -> Result<Json<CommentList>, GatewayError> {
    let message = pb::ListCommentsRequest {
        parent: parent(&insee),
        target,
        page_size: page.page_size,
        page_token: page.page_token,
    };
    let mut client = state.dialogue.clone();
    let answer = call(client.list_comments(request(message, &forwarded))).await?;
    Ok(Json(CommentList::try_from(answer)?))
}

// ---------------------------------------------------------------------------
// Moderation

/// Flag a question, proposal or comment for the moderators (any signed-in
/// account, once per content). Who flagged is never public.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/moderation/flags",
    tag = "moderation",
    operation_id = "flag_content",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = FlagContent,
    responses(
        (status = 200, description = "Where the content stands", body = ModerationState),
        (status = 400, description = "Malformed or unknown subject, or invalid reason", body = ErrorBody),
        (status = 401, description = "No or bad bearer token: flagging needs an account", body = ErrorBody),
        (status = 409, description = "Already flagged by the caller", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn flag_content(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<FlagContent>,
) -> Result<Json<ModerationState>, GatewayError> {
    let message = pb::FlagContentRequest {
        subject: content_name(&insee, "subject", &body.subject, MODERATED)?,
        reason: body.reason,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.dialogue.clone();
    let answer = call(client.flag_content(request(message, &forwarded))).await?;
    Ok(Json(ModerationState::try_from(answer)?))
}

/// Hide content with a public reason: the collective's moderators for
/// residents' content, the commune's agents and administrators for an
/// official's comment. The hiding is in the public log.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/moderation/hide",
    tag = "moderation",
    operation_id = "hide_content",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = HideContent,
    responses(
        (status = 200, description = "The content, hidden", body = ModerationState),
        (status = 400, description = "Malformed or unknown subject, or invalid public reason", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not a moderator of this content's space in this commune", body = ErrorBody),
        (status = 409, description = "Already hidden, or restored on appeal", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn hide_content(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<HideContent>,
) -> Result<Json<ModerationState>, GatewayError> {
    let message = pb::HideContentRequest {
        subject: content_name(&insee, "subject", &body.subject, MODERATED)?,
        public_reason: body.public_reason,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.dialogue.clone();
    let answer = call(client.hide_content(request(message, &forwarded))).await?;
    Ok(Json(ModerationState::try_from(answer)?))
}

/// Appeal the hiding of one's own content, once.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/moderation/appeals",
    tag = "moderation",
    operation_id = "appeal_hiding",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = AppealHiding,
    responses(
        (status = 200, description = "The content, `appealed`", body = ModerationState),
        (status = 400, description = "Malformed or unknown subject, or invalid reason", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not the content's author", body = ErrorBody),
        (status = 409, description = "Not hidden (`failed_precondition`), or already appealed \
                                      (`already_exists`)", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn appeal_hiding(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<AppealHiding>,
) -> Result<Json<ModerationState>, GatewayError> {
    let message = pb::AppealHidingRequest {
        subject: content_name(&insee, "subject", &body.subject, MODERATED)?,
        reason: body.reason,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.dialogue.clone();
    let answer = call(client.appeal_hiding(request(message, &forwarded))).await?;
    Ok(Json(ModerationState::try_from(answer)?))
}

/// Resolve an appeal: restore the content or keep it hidden, with a public
/// reason (a moderator of the content's space).
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/moderation/appeals/resolve",
    tag = "moderation",
    operation_id = "resolve_appeal",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = ResolveAppeal,
    responses(
        (status = 200, description = "Where the content stands now", body = ModerationState),
        (status = 400, description = "Malformed or unknown subject, or invalid public reason", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not a moderator of this content's space in this commune", body = ErrorBody),
        (status = 409, description = "No appeal to resolve, or already resolved", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn resolve_appeal(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<ResolveAppeal>,
) -> Result<Json<ModerationState>, GatewayError> {
    let message = pb::ResolveAppealRequest {
        subject: content_name(&insee, "subject", &body.subject, MODERATED)?,
        restore: body.restore,
        public_reason: body.public_reason,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.dialogue.clone();
    let answer = call(client.resolve_appeal(request(message, &forwarded))).await?;
    Ok(Json(ModerationState::try_from(answer)?))
}

/// The commune's public moderation log, newest first: every hiding,
/// appeal, restoration and dismissed appeal, with its public reason.
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/moderation/log",
    tag = "moderation",
    operation_id = "list_moderation_log",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("page_size" = Option<i32>, Query, description = "1 to 100; 0 or absent: the default, 20", minimum = 0, maximum = 100),
        ("page_token" = Option<String>, Query, description = "`next_page_token` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page of the log", body = ModerationLog),
        (status = 400, description = "Malformed commune code, page size or token", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn list_moderation_log(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    page: PageQuery,
    Public(forwarded): Public,
) -> Result<Json<ModerationLog>, GatewayError> {
    let message =
        pb::ListModerationLogRequest { parent: parent(&insee), page_size: page.page_size, page_token: page.page_token };
    let mut client = state.dialogue.clone();
    let answer = call(client.list_moderation_log(request(message, &forwarded))).await?;
    Ok(Json(ModerationLog::try_from(answer)?))
}

/// The moderators' queue: the commune's flagged content, first flagged first
/// (the collective's moderators, the commune's agents and administrators).
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/moderation/flags",
    tag = "moderation",
    operation_id = "list_flagged_content",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("page_size" = Option<i32>, Query, description = "1 to 100; 0 or absent: the default, 20", minimum = 0, maximum = 100),
        ("page_token" = Option<String>, Query, description = "`next_page_token` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page of flagged content", body = FlaggedContentList),
        (status = 400, description = "Malformed commune code, page size or token", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not a moderator in this commune", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn list_flagged_content(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    page: PageQuery,
    forwarded: Forwarded,
) -> Result<Json<FlaggedContentList>, GatewayError> {
    let message = pb::ListFlaggedContentRequest {
        parent: parent(&insee),
        page_size: page.page_size,
        page_token: page.page_token,
    };
    let mut client = state.dialogue.clone();
    let answer = call(client.list_flagged_content(request(message, &forwarded))).await?;
    Ok(Json(FlaggedContentList::try_from(answer)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_named_inside_the_commune_of_the_path() {
        let id = "0190c0de-0000-7000-8000-0000000000d1";
        assert_eq!(
            content_name("75056", "target", &format!("proposals/{id}"), COMMENT_TARGETS).ok(),
            Some(format!("communes/75056/proposals/{id}"))
        );
        for bad in [
            format!("questions/{id}"),
            format!("communes/69123/proposals/{id}"),
            format!("proposals/{id}/x"),
            "proposals/../../69123".to_owned(),
            String::new(),
        ] {
            match content_name("75056", "target", &bad, COMMENT_TARGETS) {
                Err(GatewayError::InvalidRequest { violations, .. }) => assert_eq!(violations[0].field, "target"),
                other => panic!("{bad}: {other:?}"),
            }
        }
        assert!(content_name("75056", "subject", &format!("comments/{id}"), MODERATED).is_ok());
    }
}
