//! The JSON shapes of the dialogue API — questions and their official
//! answers, citizen proposals and their supports, the commune's dialogue
//! settings, comments, moderation — and their conversion from the gRPC
//! messages. They are also the OpenAPI schemas.
//!
//! Resources of the commune are named in requests relative to the commune of
//! the path (`proposals/{id}`, `comments/{id}`), and each resource also
//! carries its full resource name (`communes/{insee}/…`).

use miroir_proto::dialogue::v1 as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::GatewayError;
use crate::rest::schemas::rfc3339;

fn non_empty(value: String) -> Option<String> {
    Some(value).filter(|v| !v.is_empty())
}

fn required_time(us: i64, what: &str) -> Result<String, GatewayError> {
    rfc3339(us)?.ok_or_else(|| GatewayError::UpstreamData(format!("{what} without its time")))
}

/// `communes/{insee}/{collection}/{id}` → (`{insee}`, `{id}`).
fn split_name<'a>(name: &'a str, collection: &str) -> Result<(&'a str, &'a str), GatewayError> {
    name.strip_prefix("communes/")
        .and_then(|rest| rest.split_once(&format!("/{collection}/")))
        .ok_or_else(|| GatewayError::UpstreamData(format!("resource name `{name}`")))
}

/// `communes/{insee}/{rest}` → `{rest}`: a name relative to its commune.
fn relative(name: &str) -> Result<String, GatewayError> {
    name.strip_prefix("communes/")
        .and_then(|rest| rest.split_once('/'))
        .map(|(_, rest)| rest.to_owned())
        .ok_or_else(|| GatewayError::UpstreamData(format!("resource name `{name}`")))
}

// ---------------------------------------------------------------------------
// Questions

/// Body of `POST /api/v1/communes/{insee}/questions`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AskQuestion {
    /// 3 to 150 characters.
    #[schema(example = "Quand la piscine rouvre-t-elle ?")]
    pub title: String,
    /// The details: 1 to 5000 characters.
    #[serde(default)]
    #[schema(example = "Elle est fermée depuis janvier.")]
    pub body: String,
}

/// Body of `POST …/questions/{question_id}/answer` and `…/proposals/{proposal_id}/answer`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerBody {
    /// The commune's public answer: 1 to 5000 characters.
    #[schema(example = "Réouverture prévue le 1er juin, après les travaux.")]
    pub body: String,
}

/// Body of `POST …/questions/{question_id}/redirect`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RedirectQuestion {
    /// Id of the report (a UUID) of the same commune that handles the problem.
    #[schema(example = "0190c0de-0000-7000-8000-000000000000")]
    pub report_id: String,
    /// A public message to the person who asked, at most 2000 characters.
    #[serde(default)]
    #[schema(example = "C'est un problème de voirie : nous le suivons dans ce signalement.")]
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionStatus {
    /// Waiting for the commune's answer.
    Open,
    Answered,
    /// Sent to a report (it is a problem to fix): see `redirected_to_report_id`.
    Redirected,
}

/// The commune's answer to a question.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct QuestionAnswer {
    pub body: String,
    /// Account id (or integration client id) of who answered.
    pub answerer: String,
    /// Given by an agent, elected official or administrator of the commune.
    pub official: bool,
    /// RFC 3339, UTC.
    pub answered_at: String,
    /// Answered by `answer_due_at`, the commune's commitment.
    pub on_time: bool,
}

/// A resident's public question to the commune.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Question {
    /// Resource name: `communes/{insee}/questions/{question_id}`.
    #[schema(example = "communes/75056/questions/0190c0de-0000-7000-8000-0000000000c1")]
    pub name: String,
    #[schema(example = "0190c0de-0000-7000-8000-0000000000c1")]
    pub question_id: String,
    /// INSEE code of the commune.
    #[schema(example = "75056")]
    pub commune: String,
    /// Account id of who asked.
    pub author: String,
    /// Empty while hidden by a moderator.
    pub title: String,
    /// Empty while hidden by a moderator.
    pub body: String,
    pub status: QuestionStatus,
    /// RFC 3339, UTC.
    pub asked_at: String,
    /// The commune's answer commitment when the question was asked, in days.
    #[schema(example = 15)]
    pub commitment_days: u32,
    /// RFC 3339, UTC: the answer is due by then.
    pub answer_due_at: String,
    /// null until answered.
    #[schema(required = true)]
    pub answer: Option<QuestionAnswer>,
    /// Id of the report it was sent to (null unless redirected).
    #[schema(required = true)]
    pub redirected_to_report_id: Option<String>,
    /// The agent's public message with the redirection (null unless redirected).
    #[schema(required = true)]
    pub redirect_message: Option<String>,
    /// The moderator's public reason while the question is hidden (null otherwise).
    #[schema(required = true)]
    pub hidden_reason: Option<String>,
}

impl TryFrom<pb::Question> for Question {
    type Error = GatewayError;

    fn try_from(q: pb::Question) -> Result<Self, GatewayError> {
        let (commune, id) = split_name(&q.name, "questions")?;
        let (commune, question_id) = (commune.to_owned(), id.to_owned());
        let status = match pb::QuestionStatus::try_from(q.status) {
            Ok(pb::QuestionStatus::Open) => QuestionStatus::Open,
            Ok(pb::QuestionStatus::Answered) => QuestionStatus::Answered,
            Ok(pb::QuestionStatus::Redirected) => QuestionStatus::Redirected,
            Ok(pb::QuestionStatus::Unspecified) | Err(_) => {
                return Err(GatewayError::UpstreamData(format!("unknown question status {}", q.status)));
            }
        };
        let answer = match status {
            QuestionStatus::Answered => Some(QuestionAnswer {
                answered_at: required_time(q.answered_at_us, "answer")?,
                body: q.answer,
                answerer: q.answerer,
                official: q.official,
                on_time: q.answered_on_time,
            }),
            _ => None,
        };
        let redirected = status == QuestionStatus::Redirected;
        let report_id = match non_empty(q.redirected_to_report) {
            Some(report) => Some(split_name(&report, "reports")?.1.to_owned()),
            None => None,
        };
        Ok(Question {
            asked_at: required_time(q.asked_at_us, "question")?,
            answer_due_at: required_time(q.answer_due_at_us, "question's deadline")?,
            name: q.name,
            question_id,
            commune,
            author: q.author,
            title: q.title,
            body: q.body,
            status,
            commitment_days: q.commitment_days,
            answer,
            redirected_to_report_id: report_id,
            redirect_message: redirected.then_some(q.redirect_message),
            hidden_reason: non_empty(q.hidden_reason),
        })
    }
}

/// One page of a commune's questions, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionList {
    pub questions: Vec<Question>,
    /// Pass as `page_token` to get the next page; null on the last page.
    #[schema(required = true)]
    pub next_page_token: Option<String>,
}

impl TryFrom<pb::ListQuestionsResponse> for QuestionList {
    type Error = GatewayError;

    fn try_from(page: pb::ListQuestionsResponse) -> Result<Self, GatewayError> {
        Ok(QuestionList {
            questions: page.questions.into_iter().map(Question::try_from).collect::<Result<_, _>>()?,
            next_page_token: non_empty(page.next_page_token),
        })
    }
}

// ---------------------------------------------------------------------------
// Proposals

/// Body of `POST /api/v1/communes/{insee}/proposals`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SubmitProposal {
    /// 3 to 150 characters.
    #[schema(example = "Un composteur partagé square Louise-Michel")]
    pub title: String,
    /// 1 to 5000 characters.
    #[serde(default)]
    #[schema(example = "Les habitants du quartier l'entretiendraient.")]
    pub body: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Gathering supports.
    Open,
    /// The threshold is reached: the commune owes an official answer by `answer_due_at`.
    AwaitingAnswer,
    Answered,
}

/// The commune's official answer to a proposal.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ProposalAnswer {
    pub body: String,
    /// Account id (or integration client id) of the official who answered.
    pub answerer: String,
    /// RFC 3339, UTC.
    pub answered_at: String,
    /// Answered by `answer_due_at` (false when it came late; true when no
    /// answer was owed yet).
    pub on_time: bool,
}

/// A citizen proposal: once it has `support_threshold` supports, the commune
/// owes it an official answer.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Proposal {
    /// Resource name: `communes/{insee}/proposals/{proposal_id}`.
    #[schema(example = "communes/75056/proposals/0190c0de-0000-7000-8000-0000000000d1")]
    pub name: String,
    #[schema(example = "0190c0de-0000-7000-8000-0000000000d1")]
    pub proposal_id: String,
    /// INSEE code of the commune.
    #[schema(example = "75056")]
    pub commune: String,
    /// Account id of who submitted it.
    pub author: String,
    /// Empty while hidden by a moderator.
    pub title: String,
    /// Empty while hidden by a moderator.
    pub body: String,
    pub status: ProposalStatus,
    /// RFC 3339, UTC.
    pub submitted_at: String,
    /// The commune's threshold when the proposal was submitted (it keeps it).
    #[schema(example = 50)]
    pub support_threshold: u32,
    pub supports: u32,
    /// Whether the caller (a signed-in account) supports it.
    pub supported_by_caller: bool,
    /// RFC 3339, UTC: when the threshold was reached (null before).
    #[schema(required = true)]
    pub threshold_reached_at: Option<String>,
    /// RFC 3339, UTC: the official answer is owed by then (null before the threshold).
    #[schema(required = true)]
    pub answer_due_at: Option<String>,
    /// null until answered.
    #[schema(required = true)]
    pub answer: Option<ProposalAnswer>,
    /// The moderator's public reason while the proposal is hidden (null otherwise).
    #[schema(required = true)]
    pub hidden_reason: Option<String>,
}

impl TryFrom<pb::Proposal> for Proposal {
    type Error = GatewayError;

    fn try_from(p: pb::Proposal) -> Result<Self, GatewayError> {
        let (commune, id) = split_name(&p.name, "proposals")?;
        let (commune, proposal_id) = (commune.to_owned(), id.to_owned());
        let status = match pb::ProposalStatus::try_from(p.status) {
            Ok(pb::ProposalStatus::Open) => ProposalStatus::Open,
            Ok(pb::ProposalStatus::AwaitingAnswer) => ProposalStatus::AwaitingAnswer,
            Ok(pb::ProposalStatus::Answered) => ProposalStatus::Answered,
            Ok(pb::ProposalStatus::Unspecified) | Err(_) => {
                return Err(GatewayError::UpstreamData(format!("unknown proposal status {}", p.status)));
            }
        };
        let answer = match status {
            ProposalStatus::Answered => Some(ProposalAnswer {
                answered_at: required_time(p.answered_at_us, "answer")?,
                body: p.answer,
                answerer: p.answerer,
                on_time: p.answered_on_time,
            }),
            _ => None,
        };
        Ok(Proposal {
            submitted_at: required_time(p.submitted_at_us, "proposal")?,
            threshold_reached_at: rfc3339(p.threshold_reached_at_us)?,
            answer_due_at: rfc3339(p.answer_due_at_us)?,
            name: p.name,
            proposal_id,
            commune,
            author: p.author,
            title: p.title,
            body: p.body,
            status,
            support_threshold: p.support_threshold,
            supports: p.supports,
            supported_by_caller: p.supported_by_me,
            answer,
            hidden_reason: non_empty(p.hidden_reason),
        })
    }
}

/// One page of a commune's proposals, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalList {
    pub proposals: Vec<Proposal>,
    /// Pass as `page_token` to get the next page; null on the last page.
    #[schema(required = true)]
    pub next_page_token: Option<String>,
}

impl TryFrom<pb::ListProposalsResponse> for ProposalList {
    type Error = GatewayError;

    fn try_from(page: pb::ListProposalsResponse) -> Result<Self, GatewayError> {
        Ok(ProposalList {
            proposals: page.proposals.into_iter().map(Proposal::try_from).collect::<Result<_, _>>()?,
            next_page_token: non_empty(page.next_page_token),
        })
    }
}

// ---------------------------------------------------------------------------
// Settings

/// A commune's dialogue settings (body of `PUT …/dialogue-settings` too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DialogueSettings {
    /// How many supports oblige the commune to answer a proposal officially
    /// (proposals keep the threshold of their submission).
    #[schema(example = 50, minimum = 1)]
    pub support_threshold: u32,
}

impl From<pb::DialogueSettings> for DialogueSettings {
    fn from(settings: pb::DialogueSettings) -> Self {
        DialogueSettings { support_threshold: settings.support_threshold }
    }
}

// ---------------------------------------------------------------------------
// Comments

/// Body of `POST /api/v1/communes/{insee}/comments`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PostComment {
    /// What is commented, in the commune of the path: `publications/{id}`,
    /// `reports/{id}` or `proposals/{id}`.
    #[schema(example = "proposals/0190c0de-0000-7000-8000-0000000000d1")]
    pub target: String,
    /// To reply: the id of a top-level comment on the same target (threads
    /// are one level deep).
    #[serde(default)]
    #[schema(required = false, example = "0190c0de-0000-7000-8000-0000000000e1")]
    pub reply_to: Option<String>,
    /// 1 to 3000 characters.
    #[schema(example = "Bonne idée, le square s'y prête.")]
    pub body: String,
}

/// A comment on a publication, report or proposal, or a reply to one.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Comment {
    /// Resource name: `communes/{insee}/comments/{comment_id}`.
    #[schema(example = "communes/75056/comments/0190c0de-0000-7000-8000-0000000000e1")]
    pub name: String,
    #[schema(example = "0190c0de-0000-7000-8000-0000000000e1")]
    pub comment_id: String,
    /// INSEE code of the commune.
    #[schema(example = "75056")]
    pub commune: String,
    /// What is commented: `publications/{id}`, `reports/{id}` or `proposals/{id}`.
    #[schema(example = "proposals/0190c0de-0000-7000-8000-0000000000d1")]
    pub target: String,
    /// The comment this one replies to (null for a top-level comment).
    #[schema(required = true)]
    pub parent_comment_id: Option<String>,
    /// Account id of the author.
    pub author: String,
    /// Empty while hidden by a moderator.
    pub body: String,
    /// Written by an agent, elected official or administrator of the commune (highlighted).
    pub official: bool,
    /// RFC 3339, UTC.
    pub posted_at: String,
    /// The moderator's public reason while the comment is hidden (null otherwise).
    #[schema(required = true)]
    pub hidden_reason: Option<String>,
}

impl TryFrom<pb::Comment> for Comment {
    type Error = GatewayError;

    fn try_from(c: pb::Comment) -> Result<Self, GatewayError> {
        let (commune, id) = split_name(&c.name, "comments")?;
        let (commune, comment_id) = (commune.to_owned(), id.to_owned());
        // A resource name or a bare id, depending on the service's version: keep the id.
        let parent_comment_id =
            non_empty(c.parent_comment).map(|parent| parent.rsplit('/').next().unwrap_or_default().to_owned());
        Ok(Comment {
            posted_at: required_time(c.posted_at_us, "comment")?,
            target: relative(&c.target)?,
            name: c.name,
            comment_id,
            commune,
            parent_comment_id,
            author: c.author,
            body: c.body,
            official: c.official,
            hidden_reason: non_empty(c.hidden_reason),
        })
    }
}

/// One page of the comments on a target, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentList {
    pub comments: Vec<Comment>,
    /// Pass as `page_token` to get the next page; null on the last page.
    #[schema(required = true)]
    pub next_page_token: Option<String>,
}

impl TryFrom<pb::ListCommentsResponse> for CommentList {
    type Error = GatewayError;

    fn try_from(page: pb::ListCommentsResponse) -> Result<Self, GatewayError> {
        Ok(CommentList {
            comments: page.comments.into_iter().map(Comment::try_from).collect::<Result<_, _>>()?,
            next_page_token: non_empty(page.next_page_token),
        })
    }
}

// ---------------------------------------------------------------------------
// Moderation

/// Body of `POST /api/v1/communes/{insee}/moderation/flags`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FlagContent {
    /// What is flagged, in the commune of the path: `questions/{id}`,
    /// `proposals/{id}` or `comments/{id}`.
    #[schema(example = "comments/0190c0de-0000-7000-8000-0000000000e1")]
    pub subject: String,
    /// For the moderators only (never public).
    #[serde(default)]
    #[schema(example = "Propos insultants.")]
    pub reason: String,
}

/// Body of `POST /api/v1/communes/{insee}/moderation/hide`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct HideContent {
    /// `questions/{id}`, `proposals/{id}` or `comments/{id}`.
    #[schema(example = "comments/0190c0de-0000-7000-8000-0000000000e1")]
    pub subject: String,
    /// Shown in place of the content and in the public log: 3 to 2000 characters.
    #[schema(example = "Message masqué : propos injurieux (charte, article 2).")]
    pub public_reason: String,
}

/// Body of `POST /api/v1/communes/{insee}/moderation/appeals`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AppealHiding {
    /// `questions/{id}`, `proposals/{id}` or `comments/{id}`: content of the caller that was hidden.
    #[schema(example = "comments/0190c0de-0000-7000-8000-0000000000e1")]
    pub subject: String,
    /// Why it should be shown again: 3 to 2000 characters.
    #[schema(example = "Je citais un article de presse, sans insulter personne.")]
    pub reason: String,
}

/// Body of `POST /api/v1/communes/{insee}/moderation/appeals/resolve`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResolveAppeal {
    /// `questions/{id}`, `proposals/{id}` or `comments/{id}`.
    #[schema(example = "comments/0190c0de-0000-7000-8000-0000000000e1")]
    pub subject: String,
    /// True to show the content again, false to keep it hidden.
    pub restore: bool,
    /// The decision's public reason: 3 to 2000 characters.
    #[schema(example = "Après relecture, le message respecte la charte.")]
    pub public_reason: String,
}

/// Where a piece of content stands with the moderators.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ModerationState {
    /// `questions/{id}`, `proposals/{id}` or `comments/{id}`, in the commune.
    #[schema(example = "comments/0190c0de-0000-7000-8000-0000000000e1")]
    pub subject: String,
    pub hidden: bool,
    /// The last public reason of a moderator (null if none).
    #[schema(required = true)]
    pub public_reason: Option<String>,
    /// Its author appealed the hiding (once, at most).
    pub appealed: bool,
}

impl TryFrom<pb::ModerationResponse> for ModerationState {
    type Error = GatewayError;

    fn try_from(m: pb::ModerationResponse) -> Result<Self, GatewayError> {
        Ok(ModerationState {
            subject: relative(&m.subject)?,
            hidden: m.hidden,
            public_reason: non_empty(m.public_reason),
            appealed: m.appealed,
        })
    }
}

/// One step of the public moderation log.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ModerationLogEntry {
    /// `questions/{id}`, `proposals/{id}` or `comments/{id}`.
    pub subject: String,
    /// `hidden`, `appealed`, `restored` or `appeal_dismissed`.
    #[schema(example = "hidden")]
    pub action: String,
    /// The moderator, or the author for an appeal (account id).
    pub actor: String,
    /// The public reason ("" for an appeal, whose reason is not public).
    pub public_reason: String,
    /// RFC 3339, UTC.
    pub at: String,
}

/// One page of the commune's public moderation log, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModerationLog {
    pub entries: Vec<ModerationLogEntry>,
    /// Pass as `page_token` to get the next page; null on the last page.
    #[schema(required = true)]
    pub next_page_token: Option<String>,
}

impl TryFrom<pb::ListModerationLogResponse> for ModerationLog {
    type Error = GatewayError;

    fn try_from(page: pb::ListModerationLogResponse) -> Result<Self, GatewayError> {
        let entries = page
            .entries
            .into_iter()
            .map(|e| {
                Ok(ModerationLogEntry {
                    at: required_time(e.at_us, "moderation log entry")?,
                    subject: relative(&e.subject)?,
                    action: e.action,
                    actor: e.actor,
                    public_reason: e.public_reason,
                })
            })
            .collect::<Result<_, GatewayError>>()?;
        Ok(ModerationLog { entries, next_page_token: non_empty(page.next_page_token) })
    }
}

/// Content some account flagged, in the moderators' queue.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FlaggedContent {
    /// `questions/{id}`, `proposals/{id}` or `comments/{id}`.
    pub subject: String,
    /// How many accounts flagged it.
    pub flags: u32,
    /// RFC 3339, UTC.
    pub last_flagged_at: String,
    pub hidden: bool,
}

/// One page of the moderators' queue, first flagged first.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlaggedContentList {
    pub contents: Vec<FlaggedContent>,
    /// Pass as `page_token` to get the next page; null on the last page.
    #[schema(required = true)]
    pub next_page_token: Option<String>,
}

impl TryFrom<pb::ListFlaggedContentResponse> for FlaggedContentList {
    type Error = GatewayError;

    fn try_from(page: pb::ListFlaggedContentResponse) -> Result<Self, GatewayError> {
        let contents = page
            .contents
            .into_iter()
            .map(|c| {
                Ok(FlaggedContent {
                    last_flagged_at: required_time(c.last_flagged_at_us, "flag")?,
                    subject: relative(&c.subject)?,
                    flags: c.flags,
                    hidden: c.hidden,
                })
            })
            .collect::<Result<_, GatewayError>>()?;
        Ok(FlaggedContentList { contents, next_page_token: non_empty(page.next_page_token) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q: &str = "communes/75056/questions/0190c0de-0000-7000-8000-0000000000c1";

    fn question(status: pb::QuestionStatus) -> pb::Question {
        pb::Question {
            name: Q.into(),
            status: status as i32,
            asked_at_us: 1_700_000_000_000_000,
            answer_due_at_us: 1_700_864_000_000_000,
            commitment_days: 10,
            ..Default::default()
        }
    }

    #[test]
    fn an_open_question_has_no_answer_nor_redirection() {
        let json = serde_json::to_value(Question::try_from(question(pb::QuestionStatus::Open)).expect("converts"))
            .expect("JSON");
        assert_eq!(json["question_id"], "0190c0de-0000-7000-8000-0000000000c1");
        assert_eq!(json["commune"], "75056");
        assert_eq!(json["status"], "open");
        for null in ["answer", "redirected_to_report_id", "redirect_message", "hidden_reason"] {
            assert!(json[null].is_null(), "{null} in {json}");
        }
        assert!(Question::try_from(question(pb::QuestionStatus::Unspecified)).is_err());
    }

    #[test]
    fn a_redirected_question_names_its_report_by_id() {
        let redirected = pb::Question {
            redirected_to_report: "communes/75056/reports/0190c0de-0000-7000-8000-000000000000".into(),
            redirect_message: "Suivi ici.".into(),
            ..question(pb::QuestionStatus::Redirected)
        };
        let json = serde_json::to_value(Question::try_from(redirected).expect("converts")).expect("JSON");
        assert_eq!(json["redirected_to_report_id"], "0190c0de-0000-7000-8000-000000000000");
        assert_eq!(json["redirect_message"], "Suivi ici.");
    }

    #[test]
    fn comments_and_moderation_name_content_relative_to_the_commune() {
        let comment = pb::Comment {
            name: "communes/75056/comments/c2".into(),
            target: "communes/75056/proposals/p1".into(),
            parent_comment: "c1".into(),
            posted_at_us: 1,
            ..Default::default()
        };
        let json = serde_json::to_value(Comment::try_from(comment).expect("converts")).expect("JSON");
        assert_eq!((json["target"].as_str(), json["parent_comment_id"].as_str()), (Some("proposals/p1"), Some("c1")));
        let state = ModerationState::try_from(pb::ModerationResponse {
            subject: "communes/75056/comments/c2".into(),
            hidden: true,
            ..Default::default()
        })
        .expect("converts");
        assert_eq!(state.subject, "comments/c2");
        assert_eq!(state.public_reason, None);
    }
}
