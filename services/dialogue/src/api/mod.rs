//! The gRPC API of the dialogue service: validates requests, checks roles per
//! commune, runs commands against the log and answers from the read model.

pub mod parse;

use std::time::{SystemTime, UNIX_EPOCH};

use miroir_auth::grpc::{principal, require, require_role_or_scope, require_signed_in};
use miroir_auth::{Principal, Role};
use miroir_communes::Refusal;
use miroir_eventstore::decider::{Decider, EventCodec, Target, execute};
use miroir_eventstore::{CommitReceipt, EventStore, Metadata};
use miroir_proto::dialogue::v1 as pb;
use miroir_proto::dialogue::v1::dialogue_server::Dialogue as DialogueRpc;
use tonic::{Request, Response, Status};

use crate::domain::comment::{self, CommentDecider, Parent};
use crate::domain::moderation::{self, ModerationDecider};
use crate::domain::proposal::{self, ProposalDecider};
use crate::domain::question::{self, QuestionDecider};
use crate::domain::settings::{self, SettingsDecider};
use crate::domain::{DomainError, InseeCode};
use crate::error::ApiError;
use crate::read_model::DialogueView;
use crate::read_model::query::{self, ProposalFilter, QuestionFilter};

/// Who speaks for the commune: its answers are official, its comments highlighted.
const OFFICIALS: &[Role] = &[Role::Agent, Role::ElectedOfficial, Role::CommuneAdmin];
/// The integration-client scope with which city IT answers and redirects for
/// the commune (as its staff do).
pub const WRITE_SCOPE: &str = "dialogue:write";
/// Who sends a question to the reports workflow: the commune's staff.
const STAFF: &[Role] = &[Role::Agent, Role::CommuneAdmin];
/// The answer commitment until the commune's own is known (15 days, the
/// customary delay of French administrations' "accusé de réception" charters).
pub const DEFAULT_COMMITMENT_DAYS: u32 = 15;

/// Who hides citizen content (questions, proposals, residents' comments).
const CITIZEN_MODERATORS: &[Role] = &[Role::CollectiveModerator];
/// Who hides official content (officials' comments): the commune's moderators.
const COMMUNE_MODERATORS: &[Role] = &[Role::Agent, Role::CommuneAdmin];
/// Posting limit per account: questions, proposals and comments together.
pub const DEFAULT_POSTING_LIMIT: PostingLimit = PostingLimit { posts: 10, window_us: 10 * 60 * 1_000_000 };

#[derive(Debug, Clone, Copy)]
pub struct PostingLimit {
    pub posts: u32,
    pub window_us: i64,
}

/// Where the API reads the time it puts in commands (microseconds since the epoch).
pub type Clock = std::sync::Arc<dyn Fn() -> i64 + Send + Sync>;

pub struct DialogueApi {
    store: EventStore,
    commitment_days: u32,
    posting_limit: PostingLimit,
    clock: Clock,
    require_registered: bool,
}

impl DialogueApi {
    /// The API without the commune check (for tests of other behaviour); the
    /// binary adds it with [`Self::requiring_registered_communes`].
    pub fn new(store: EventStore) -> Self {
        Self {
            store,
            commitment_days: DEFAULT_COMMITMENT_DAYS,
            posting_limit: DEFAULT_POSTING_LIMIT,
            clock: std::sync::Arc::new(system_now_us),
            require_registered: false,
        }
    }

    /// Takes commands only for communes registered in identity and not
    /// suspended ([`miroir_communes::follow`] must be following identity's log
    /// as [`crate::COMMUNES_CONSUMER`]). Reads stay open.
    pub fn requiring_registered_communes(mut self) -> Self {
        self.require_registered = true;
        self
    }

    /// Refuses a command for a commune that is not on the platform (on the
    /// request's `field`) or is suspended, as the reports service does.
    async fn check_commune(&self, commune: &InseeCode, field: &str) -> Result<(), ApiError> {
        if !self.require_registered {
            return Ok(());
        }
        match miroir_communes::admit(self.store.database(), commune.as_str()).await? {
            Ok(()) => Ok(()),
            Err(Refusal::Unknown) => Err(ApiError::invalid(field, Refusal::UNKNOWN_REASON)),
            Err(Refusal::Suspended) => Err(ApiError::Suspended),
        }
    }

    /// Reads the time from `clock` (tests move it forward to pass deadlines).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    fn now_us(&self) -> i64 {
        (self.clock)()
    }

    pub fn with_posting_limit(mut self, limit: PostingLimit) -> Self {
        self.posting_limit = limit;
        self
    }

    /// Refuses a new post past the account's limit (RESOURCE_EXHAUSTED). A
    /// retry of a request already recorded is not a new post. Counted from the
    /// read model: concurrent posts of one account may pass the limit by a few.
    async fn check_posting_limit(
        &self,
        commune: &InseeCode,
        author: &str,
        request_id: Option<&str>,
        at_us: i64,
    ) -> Result<(), ApiError> {
        if let Some(request_id) = request_id
            && self.store.find_commit(commune.as_str(), request_id).await?.is_some()
        {
            return Ok(());
        }
        let since = at_us.saturating_sub(self.posting_limit.window_us);
        let posted = query::posts_since(self.store.database(), author, since).await?;
        if posted >= i64::from(self.posting_limit.posts) {
            let minutes = self.posting_limit.window_us / 60_000_000;
            return Err(ApiError::Auth(Status::resource_exhausted(format!(
                "you may post {} times in {minutes} minutes; please wait a little before posting again",
                self.posting_limit.posts
            ))));
        }
        Ok(())
    }

    /// The answer commitment for questions, in days, of a commune whose own is
    /// not known: each commune's is the one identity registered (followed in
    /// the `communes` table, see [`miroir_communes::commitment_days`]); every
    /// question records the commitment it was asked under.
    pub fn with_commitment_days(mut self, days: u32) -> Self {
        self.commitment_days = days;
        self
    }

    async fn run<D>(
        &self,
        principal: &Principal,
        commune: &InseeCode,
        aggregate: (&'static str, &str),
        request_id: Option<String>,
        command: impl Fn() -> D::Command,
    ) -> Result<CommitReceipt, ApiError>
    where
        D: Decider<Error = DomainError>,
        D::Event: EventCodec,
    {
        let target = Target {
            commune: commune.to_string(),
            aggregate_type: aggregate.0,
            aggregate_id: aggregate.1.to_owned(),
            request_id: request_id.clone(),
        };
        let metadata = Metadata::for_command(principal.actor().unwrap_or_default(), request_id.as_deref());
        Ok(execute::<D, _>(&self.store, &target, metadata, &DialogueView, command).await?.receipt)
    }

    async fn question(&self, commune: &InseeCode, id: &str) -> Result<pb::Question, ApiError> {
        query::get_question(self.store.database(), commune.as_str(), id).await?.ok_or(ApiError::NotFound("question"))
    }

    async fn proposal(&self, principal: &Principal, commune: &InseeCode, id: &str) -> Result<pb::Proposal, ApiError> {
        let viewer = principal.account_id().unwrap_or_default();
        query::get_proposal(self.store.database(), commune.as_str(), id, viewer)
            .await?
            .ok_or(ApiError::NotFound("proposal"))
    }
}

pub fn system_now_us() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX)).unwrap_or(0)
}

/// Residents' actions need an account (not an integration client).
fn account(principal: &Principal) -> Result<String, ApiError> {
    require_signed_in(principal)?;
    principal
        .account_id()
        .map(str::to_owned)
        .ok_or_else(|| ApiError::Auth(Status::permission_denied("this action needs a resident's account")))
}

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[tonic::async_trait]
impl DialogueRpc for DialogueApi {
    async fn ask_question(
        &self,
        request: Request<pb::AskQuestionRequest>,
    ) -> Result<Response<pb::QuestionResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let commune = parse::parent("parent", &request.parent)?;
        let request_id = parse::request_id(&request.request_id)?;
        let author = account(&principal)?;
        self.check_commune(&commune, "parent").await?;
        let (id, at_us) = (new_id(), self.now_us());
        self.check_posting_limit(&commune, &author, request_id.as_deref(), at_us).await?;
        let commitment_days = miroir_communes::commitment_days(self.store.database(), commune.as_str())
            .await
            .map_err(ApiError::from)?
            .unwrap_or(self.commitment_days);
        let receipt = self
            .run::<QuestionDecider>(&principal, &commune, ("question", &id), request_id, || question::Command::Ask {
                question_id: id.clone(),
                commune: commune.to_string(),
                author: author.clone(),
                title: request.title.clone(),
                body: request.body.clone(),
                commitment_days,
                at_us,
            })
            .await?;
        let question = self.question(&commune, &receipt.aggregate_id).await?;
        Ok(Response::new(pb::QuestionResponse { question: Some(question), log_position: receipt.last_position }))
    }

    async fn get_question(&self, request: Request<pb::GetQuestionRequest>) -> Result<Response<pb::Question>, Status> {
        let (commune, id) = parse::name("name", "questions", &request.get_ref().name)?;
        Ok(Response::new(self.question(&commune, &id).await?))
    }

    async fn list_questions(
        &self,
        request: Request<pb::ListQuestionsRequest>,
    ) -> Result<Response<pb::ListQuestionsResponse>, Status> {
        let request = request.into_inner();
        let commune = parse::parent("parent", &request.parent)?;
        let limit = parse::page_size(request.page_size)?;
        let filter = QuestionFilter {
            overdue_at_us: request.overdue_only.then(|| self.now_us()),
            query: parse::query(&request.query)?,
        };
        let before = parse::filtered_page_token(&request.page_token, &filter.fingerprint())?;
        let (questions, next) = query::list_questions(self.store.database(), commune.as_str(), &filter, limit, before)
            .await
            .map_err(ApiError::from)?;
        Ok(Response::new(pb::ListQuestionsResponse { questions, next_page_token: next.unwrap_or_default() }))
    }

    async fn answer_question(
        &self,
        request: Request<pb::AnswerQuestionRequest>,
    ) -> Result<Response<pb::QuestionResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let (commune, id) = parse::name("name", "questions", &request.name)?;
        let request_id = parse::request_id(&request.request_id)?;
        require_role_or_scope(&principal, commune.as_str(), OFFICIALS, Some(WRITE_SCOPE))?;
        self.check_commune(&commune, "name").await?;
        let answerer = principal.actor().unwrap_or_default();
        let at_us = self.now_us();
        let receipt = self
            .run::<QuestionDecider>(&principal, &commune, ("question", &id), request_id, || question::Command::Answer {
                commune: commune.to_string(),
                question_id: id.clone(),
                answerer: answerer.clone(),
                body: request.body.clone(),
                at_us,
            })
            .await?;
        let question = self.question(&commune, &id).await?;
        Ok(Response::new(pb::QuestionResponse { question: Some(question), log_position: receipt.last_position }))
    }

    async fn redirect_question(
        &self,
        request: Request<pb::RedirectQuestionRequest>,
    ) -> Result<Response<pb::QuestionResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let (commune, id) = parse::name("name", "questions", &request.name)?;
        let request_id = parse::request_id(&request.request_id)?;
        let (report_commune, _) = parse::name("report", "reports", &request.report)?;
        if report_commune != commune {
            return Err(ApiError::invalid("report", "must be a report of the question's commune").into());
        }
        require_role_or_scope(&principal, commune.as_str(), STAFF, Some(WRITE_SCOPE))?;
        self.check_commune(&commune, "name").await?;
        let agent = principal.actor().unwrap_or_default();
        let at_us = self.now_us();
        let receipt = self
            .run::<QuestionDecider>(&principal, &commune, ("question", &id), request_id, || {
                question::Command::Redirect {
                    commune: commune.to_string(),
                    question_id: id.clone(),
                    agent: agent.clone(),
                    report: request.report.clone(),
                    message: request.message.clone(),
                    at_us,
                }
            })
            .await?;
        let question = self.question(&commune, &id).await?;
        Ok(Response::new(pb::QuestionResponse { question: Some(question), log_position: receipt.last_position }))
    }

    async fn submit_proposal(
        &self,
        request: Request<pb::SubmitProposalRequest>,
    ) -> Result<Response<pb::ProposalResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let commune = parse::parent("parent", &request.parent)?;
        let request_id = parse::request_id(&request.request_id)?;
        let author = account(&principal)?;
        self.check_commune(&commune, "parent").await?;
        let threshold =
            query::support_threshold(self.store.database(), commune.as_str()).await.map_err(ApiError::from)?;
        let (id, at_us) = (new_id(), self.now_us());
        self.check_posting_limit(&commune, &author, request_id.as_deref(), at_us).await?;
        let receipt = self
            .run::<ProposalDecider>(&principal, &commune, ("proposal", &id), request_id, || proposal::Command::Submit {
                proposal_id: id.clone(),
                commune: commune.to_string(),
                author: author.clone(),
                title: request.title.clone(),
                body: request.body.clone(),
                threshold,
                at_us,
            })
            .await?;
        let proposal = self.proposal(&principal, &commune, &receipt.aggregate_id).await?;
        Ok(Response::new(pb::ProposalResponse { proposal: Some(proposal), log_position: receipt.last_position }))
    }

    async fn get_proposal(&self, request: Request<pb::GetProposalRequest>) -> Result<Response<pb::Proposal>, Status> {
        let principal = principal(&request);
        let (commune, id) = parse::name("name", "proposals", &request.get_ref().name)?;
        Ok(Response::new(self.proposal(&principal, &commune, &id).await?))
    }

    async fn list_proposals(
        &self,
        request: Request<pb::ListProposalsRequest>,
    ) -> Result<Response<pb::ListProposalsResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let commune = parse::parent("parent", &request.parent)?;
        let limit = parse::page_size(request.page_size)?;
        let filter =
            ProposalFilter { awaiting_only: request.awaiting_answer_only, query: parse::query(&request.query)? };
        let before = parse::filtered_page_token(&request.page_token, &filter.fingerprint())?;
        let viewer = principal.account_id().unwrap_or_default();
        let (proposals, next) =
            query::list_proposals(self.store.database(), commune.as_str(), &filter, viewer, limit, before)
                .await
                .map_err(ApiError::from)?;
        Ok(Response::new(pb::ListProposalsResponse { proposals, next_page_token: next.unwrap_or_default() }))
    }

    async fn support_proposal(
        &self,
        request: Request<pb::SupportProposalRequest>,
    ) -> Result<Response<pb::ProposalResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let (commune, id) = parse::name("name", "proposals", &request.name)?;
        let request_id = parse::request_id(&request.request_id)?;
        let by = account(&principal)?;
        self.check_commune(&commune, "name").await?;
        let at_us = self.now_us();
        let receipt = self
            .run::<ProposalDecider>(&principal, &commune, ("proposal", &id), request_id, || {
                proposal::Command::Support {
                    commune: commune.to_string(),
                    proposal_id: id.clone(),
                    by: by.clone(),
                    at_us,
                }
            })
            .await?;
        let proposal = self.proposal(&principal, &commune, &id).await?;
        Ok(Response::new(pb::ProposalResponse { proposal: Some(proposal), log_position: receipt.last_position }))
    }

    async fn answer_proposal(
        &self,
        request: Request<pb::AnswerProposalRequest>,
    ) -> Result<Response<pb::ProposalResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let (commune, id) = parse::name("name", "proposals", &request.name)?;
        let request_id = parse::request_id(&request.request_id)?;
        require_role_or_scope(&principal, commune.as_str(), OFFICIALS, Some(WRITE_SCOPE))?;
        self.check_commune(&commune, "name").await?;
        let answerer = principal.actor().unwrap_or_default();
        let at_us = self.now_us();
        let receipt = self
            .run::<ProposalDecider>(&principal, &commune, ("proposal", &id), request_id, || proposal::Command::Answer {
                commune: commune.to_string(),
                proposal_id: id.clone(),
                answerer: answerer.clone(),
                body: request.body.clone(),
                at_us,
            })
            .await?;
        let proposal = self.proposal(&principal, &commune, &id).await?;
        Ok(Response::new(pb::ProposalResponse { proposal: Some(proposal), log_position: receipt.last_position }))
    }

    async fn update_dialogue_settings(
        &self,
        request: Request<pb::UpdateDialogueSettingsRequest>,
    ) -> Result<Response<pb::DialogueSettings>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let commune = parse::settings_name(&request.name)?;
        let request_id = parse::request_id(&request.request_id)?;
        require(&principal, commune.as_str(), &[Role::CommuneAdmin])?;
        self.check_commune(&commune, "name").await?;
        let by = principal.actor().unwrap_or_default();
        self.run::<SettingsDecider>(&principal, &commune, ("dialogue_settings", commune.as_str()), request_id, || {
            settings::Command::SetThreshold {
                commune: commune.to_string(),
                threshold: request.support_threshold,
                by: by.clone(),
            }
        })
        .await?;
        Ok(Response::new(self.settings(&commune).await?))
    }

    async fn get_dialogue_settings(
        &self,
        request: Request<pb::GetDialogueSettingsRequest>,
    ) -> Result<Response<pb::DialogueSettings>, Status> {
        let commune = parse::settings_name(&request.get_ref().name)?;
        Ok(Response::new(self.settings(&commune).await?))
    }

    async fn post_comment(
        &self,
        request: Request<pb::PostCommentRequest>,
    ) -> Result<Response<pb::CommentResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let commune = parse::parent("parent", &request.parent)?;
        let request_id = parse::request_id(&request.request_id)?;
        let author = account(&principal)?;
        self.check_commune(&commune, "parent").await?;
        let reply_to = match request.reply_to.as_str() {
            "" => None,
            name => {
                let (parent_commune, parent_id) = parse::name("reply_to", "comments", name)?;
                let found = if parent_commune == commune {
                    query::get_comment(self.store.database(), commune.as_str(), &parent_id)
                        .await
                        .map_err(ApiError::from)?
                } else {
                    None
                };
                let (parent, is_reply) =
                    found.ok_or_else(|| ApiError::invalid("reply_to", "no such comment in this commune"))?;
                Some(Parent { comment_id: parent_id, target: parent.target, is_reply })
            }
        };
        // Proposals live here and must exist; publications and reports belong
        // to other services, whose names are checked by shape only for now.
        if let Some(id) = request.target.strip_prefix(&format!("communes/{commune}/proposals/"))
            && query::subject(self.store.database(), commune.as_str(), "proposals", id)
                .await
                .map_err(ApiError::from)?
                .is_none()
        {
            return Err(ApiError::invalid("target", "no such proposal in this commune").into());
        }
        let official = principal.has_any(commune.as_str(), OFFICIALS);
        let (id, at_us) = (new_id(), self.now_us());
        self.check_posting_limit(&commune, &author, request_id.as_deref(), at_us).await?;
        let receipt = self
            .run::<CommentDecider>(&principal, &commune, ("comment", &id), request_id, || comment::Command::Post {
                comment_id: id.clone(),
                commune: commune.to_string(),
                target: request.target.clone(),
                reply_to: reply_to.clone(),
                author: author.clone(),
                body: request.body.clone(),
                official,
                at_us,
            })
            .await?;
        let (comment, _) = query::get_comment(self.store.database(), commune.as_str(), &receipt.aggregate_id)
            .await
            .map_err(ApiError::from)?
            .ok_or(ApiError::NotFound("comment"))?;
        Ok(Response::new(pb::CommentResponse { comment: Some(comment), log_position: receipt.last_position }))
    }

    async fn list_comments(
        &self,
        request: Request<pb::ListCommentsRequest>,
    ) -> Result<Response<pb::ListCommentsResponse>, Status> {
        let request = request.into_inner();
        let commune = parse::parent("parent", &request.parent)?;
        if !comment::valid_target(commune.as_str(), &request.target) {
            return Err(ApiError::invalid("target", "must be a publication, report or proposal of this commune").into());
        }
        let limit = parse::page_size(request.page_size)?;
        let after = parse::page_token(&request.page_token)?;
        let (comments, next) =
            query::list_comments(self.store.database(), commune.as_str(), &request.target, limit, after)
                .await
                .map_err(ApiError::from)?;
        Ok(Response::new(pb::ListCommentsResponse { comments, next_page_token: next.unwrap_or_default() }))
    }

    async fn flag_content(
        &self,
        request: Request<pb::FlagContentRequest>,
    ) -> Result<Response<pb::ModerationResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let subject = self.subject(&request.subject).await?;
        let request_id = parse::request_id(&request.request_id)?;
        let by = account(&principal)?;
        let at_us = self.now_us();
        let response = self
            .moderate(&principal, &subject, request_id, || moderation::Command::Flag {
                subject: request.subject.clone(),
                by: by.clone(),
                reason: request.reason.clone(),
                at_us,
            })
            .await?;
        Ok(Response::new(response))
    }

    async fn hide_content(
        &self,
        request: Request<pb::HideContentRequest>,
    ) -> Result<Response<pb::ModerationResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let subject = self.subject(&request.subject).await?;
        let request_id = parse::request_id(&request.request_id)?;
        subject.require_moderator(&principal)?;
        let moderator = principal.actor().unwrap_or_default();
        let at_us = self.now_us();
        let response = self
            .moderate(&principal, &subject, request_id, || moderation::Command::Hide {
                subject: request.subject.clone(),
                moderator: moderator.clone(),
                public_reason: request.public_reason.clone(),
                author: subject.author.clone(),
                at_us,
            })
            .await?;
        Ok(Response::new(response))
    }

    async fn appeal_hiding(
        &self,
        request: Request<pb::AppealHidingRequest>,
    ) -> Result<Response<pb::ModerationResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let subject = self.subject(&request.subject).await?;
        let request_id = parse::request_id(&request.request_id)?;
        let by = account(&principal)?;
        let at_us = self.now_us();
        let response = self
            .moderate(&principal, &subject, request_id, || moderation::Command::Appeal {
                subject: request.subject.clone(),
                by: by.clone(),
                reason: request.reason.clone(),
                at_us,
            })
            .await?;
        Ok(Response::new(response))
    }

    async fn resolve_appeal(
        &self,
        request: Request<pb::ResolveAppealRequest>,
    ) -> Result<Response<pb::ModerationResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let subject = self.subject(&request.subject).await?;
        let request_id = parse::request_id(&request.request_id)?;
        subject.require_moderator(&principal)?;
        let moderator = principal.actor().unwrap_or_default();
        let at_us = self.now_us();
        let response = self
            .moderate(&principal, &subject, request_id, || moderation::Command::ResolveAppeal {
                subject: request.subject.clone(),
                moderator: moderator.clone(),
                restore: request.restore,
                public_reason: request.public_reason.clone(),
                at_us,
            })
            .await?;
        Ok(Response::new(response))
    }

    async fn list_moderation_log(
        &self,
        request: Request<pb::ListModerationLogRequest>,
    ) -> Result<Response<pb::ListModerationLogResponse>, Status> {
        let request = request.into_inner();
        let commune = parse::parent("parent", &request.parent)?;
        let limit = parse::page_size(request.page_size)?;
        let before = parse::page_token(&request.page_token)?;
        let (entries, next) = query::moderation_log(self.store.database(), commune.as_str(), limit, before)
            .await
            .map_err(ApiError::from)?;
        Ok(Response::new(pb::ListModerationLogResponse { entries, next_page_token: next.unwrap_or_default() }))
    }

    async fn list_flagged_content(
        &self,
        request: Request<pb::ListFlaggedContentRequest>,
    ) -> Result<Response<pb::ListFlaggedContentResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let commune = parse::parent("parent", &request.parent)?;
        let moderators: Vec<Role> = CITIZEN_MODERATORS.iter().chain(COMMUNE_MODERATORS).copied().collect();
        require(&principal, commune.as_str(), &moderators)?;
        let limit = parse::page_size(request.page_size)?;
        let after = parse::page_token(&request.page_token)?;
        let (contents, next) =
            query::flagged(self.store.database(), commune.as_str(), limit, after).await.map_err(ApiError::from)?;
        Ok(Response::new(pb::ListFlaggedContentResponse { contents, next_page_token: next.unwrap_or_default() }))
    }
}

/// A question, proposal or comment being moderated.
struct Subject {
    commune: InseeCode,
    name: String,
    author: String,
    /// An official's comment: the commune's moderators act on it.
    official: bool,
}

impl Subject {
    fn require_moderator(&self, principal: &Principal) -> Result<(), ApiError> {
        let moderators = if self.official { COMMUNE_MODERATORS } else { CITIZEN_MODERATORS };
        Ok(require(principal, self.commune.as_str(), moderators)?)
    }
}

impl DialogueApi {
    /// `communes/{insee}/{questions|proposals|comments}/{id}` of content that exists.
    async fn subject(&self, name: &str) -> Result<Subject, ApiError> {
        let kind = ["questions", "proposals", "comments"]
            .into_iter()
            .find(|kind| name.contains(&format!("/{kind}/")))
            .ok_or_else(|| ApiError::invalid("subject", "must name a question, proposal or comment"))?;
        let (commune, id) = parse::name("subject", kind, name)?;
        let (author, official) = query::subject(self.store.database(), commune.as_str(), kind, &id)
            .await?
            .ok_or_else(|| ApiError::invalid("subject", "no such content in this commune"))?;
        Ok(Subject { commune, name: name.to_owned(), author, official })
    }

    async fn moderate(
        &self,
        principal: &Principal,
        subject: &Subject,
        request_id: Option<String>,
        command: impl Fn() -> moderation::Command,
    ) -> Result<pb::ModerationResponse, ApiError> {
        self.check_commune(&subject.commune, "subject").await?;
        let target = Target {
            commune: subject.commune.to_string(),
            aggregate_type: "moderation",
            aggregate_id: subject.name.clone(),
            request_id: request_id.clone(),
        };
        let metadata = Metadata::for_command(principal.actor().unwrap_or_default(), request_id.as_deref());
        let executed = execute::<ModerationDecider, _>(&self.store, &target, metadata, &DialogueView, command).await?;
        Ok(pb::ModerationResponse {
            subject: subject.name.clone(),
            hidden: executed.state.hidden,
            public_reason: executed.state.public_reason,
            appealed: executed.state.appealed,
            log_position: executed.receipt.last_position,
        })
    }

    async fn settings(&self, commune: &InseeCode) -> Result<pb::DialogueSettings, ApiError> {
        let support_threshold = query::support_threshold(self.store.database(), commune.as_str()).await?;
        Ok(pb::DialogueSettings { name: format!("communes/{commune}/dialogueSettings"), support_threshold })
    }
}
