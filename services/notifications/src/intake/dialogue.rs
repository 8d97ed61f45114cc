//! From dialogue's log (plan §4):
//! - a question reaches the commune's agents and administrators, and the
//!   citizen space's subscribers; its author follows it; its answer and its
//!   redirection to a report reach its followers (who then follow the report);
//! - a comment reaches the followers of what it comments (never its body nor
//!   who wrote it); its author follows that thread;
//! - a proposal reaches the citizen space's subscribers; its author and its
//!   supporters follow it; reaching its threshold, it reaches its followers,
//!   the commune's administrators and elected officials; its answer, its followers;
//! - moderation: the author of hidden content hears why, and of the appeal's
//!   outcome; a flag or an appeal is a work item in the moderators' feed
//!   (the collective's for residents' content, the commune's for an
//!   official's comment), never with the flag's or the appeal's text.

use miroir_eventstore::RecordedEvent;
use miroir_eventstore::consumer::{Handler, HandlerError};
use miroir_proto::dialogue::v1 as pb;
use sqlx::AnyConnection;

use super::announcement::{Announcement, EventType, param};
use super::follows::{copy_followers, follow_implicitly};
use super::recipients::{Coverage, Recipients};
use super::subjects::{self, Change, Subject};
use super::{Context, Params, Source};

/// The consumer of dialogue's log.
pub struct FromDialogue;

impl Handler for FromDialogue {
    async fn handle<'c>(&'c self, conn: &'c mut AnyConnection, event: &'c RecordedEvent) -> Result<(), HandlerError> {
        let ctx = Context::new(Source::Dialogue, event);
        if let Some(e) = event.decode::<pb::QuestionAsked>() {
            asked(conn, &ctx, e?).await?;
        } else if let Some(e) = event.decode::<pb::AnswerPublished>() {
            let e = e?;
            let question = subjects::name(ctx.commune(), "questions", &e.question_id);
            // The answer is the commune's public word (only officials answer).
            let message = if e.official { e.body.trim() } else { "" };
            to_followers(conn, &ctx, &question, &e.answerer, "answered", EventType::QuestionAnswered, |p| {
                p.with(param::MESSAGE, message)
            })
            .await?;
        } else if let Some(e) = event.decode::<pb::QuestionRedirected>() {
            let e = e?;
            let question = subjects::name(ctx.commune(), "questions", &e.question_id);
            to_followers(conn, &ctx, &question, &e.agent, "redirected", EventType::QuestionRedirected, |p| {
                p.with(param::MESSAGE, e.message.trim()).with(param::REPORT, e.report.as_str())
            })
            .await?;
            copy_followers(conn, &question, &e.report, ctx.commune(), ctx.at_us).await?;
        } else if let Some(e) = event.decode::<pb::CommentPosted>() {
            commented(conn, &ctx, e?).await?;
        } else if let Some(e) = event.decode::<pb::ProposalSubmitted>() {
            proposed(conn, &ctx, e?).await?;
        } else if let Some(e) = event.decode::<pb::ProposalSupported>() {
            let e = e?;
            let proposal = subjects::name(ctx.commune(), "proposals", &e.proposal_id);
            follow_implicitly(conn, &e.supporter, &proposal, ctx.commune(), ctx.at_us).await?;
        } else if let Some(e) = event.decode::<pb::ProposalThresholdReached>() {
            threshold_reached(conn, &ctx, e?).await?;
        } else if let Some(e) = event.decode::<pb::ProposalAnswered>() {
            let e = e?;
            let proposal = subjects::name(ctx.commune(), "proposals", &e.proposal_id);
            to_followers(conn, &ctx, &proposal, &e.answerer, "answered", EventType::ProposalAnswered, |p| {
                p.with(param::MESSAGE, e.body.trim())
            })
            .await?;
        } else if let Some(e) = event.decode::<pb::ContentHidden>() {
            let e = e?;
            subjects::change(conn, &e.subject, Change::Public(false), ctx.at_us).await?;
            to_author(conn, &ctx, &e.subject, &e.author, EventType::ContentHidden, &e.public_reason).await?;
        } else if let Some(e) = event.decode::<pb::ContentRestored>() {
            let e = e?;
            subjects::change(conn, &e.subject, Change::Public(true), ctx.at_us).await?;
            let author = subjects::get(conn, &e.subject).await?.map(|s| s.author).unwrap_or_default();
            to_author(conn, &ctx, &e.subject, &author, EventType::ContentRestored, &e.public_reason).await?;
        } else if let Some(e) = event.decode::<pb::AppealDismissed>() {
            let e = e?;
            let author = subjects::get(conn, &e.subject).await?.map(|s| s.author).unwrap_or_default();
            to_author(conn, &ctx, &e.subject, &author, EventType::AppealDismissed, &e.public_reason).await?;
        } else if let Some(e) = event.decode::<pb::HidingAppealed>() {
            let e = e?;
            to_moderators(conn, &ctx, &e.subject, EventType::HidingAppealed).await?;
        } else if let Some(e) = event.decode::<pb::ContentFlagged>() {
            let e = e?;
            to_moderators(conn, &ctx, &e.subject, EventType::ContentFlagged).await?;
        }
        Ok(())
    }
}

async fn asked(conn: &mut AnyConnection, ctx: &Context<'_>, e: pb::QuestionAsked) -> Result<(), sqlx::Error> {
    let commune = if e.commune.is_empty() { ctx.commune().to_owned() } else { e.commune.clone() };
    let question = Subject {
        subject: subjects::name(&commune, "questions", &e.question_id),
        commune: commune.clone(),
        kind: "question".into(),
        title: e.title.clone(),
        space: "citizen".into(),
        author: e.author.clone(),
        status: "open".into(),
        public: true,
        ..Subject::default()
    };
    subjects::put(conn, &question, ctx.at_us).await?;
    follow_implicitly(conn, &e.author, &question.subject, &commune, ctx.at_us).await?;
    let mut recipients = Recipients::excluding([e.author.as_str(), ctx.actor()]);
    recipients.staff(conn, &commune, "agent").await?;
    recipients.staff(conn, &commune, "commune_admin").await?;
    recipients.subscribers(conn, &commune, &Coverage { space: Some("citizen"), ..Coverage::default() }).await?;
    let params = Params::new(&commune)
        .with(param::TITLE, e.title.as_str())
        .with(param::STATUS, "open")
        .with(param::ANSWER_DUE_AT_US, due(e.answer_due_at_us));
    let announcement = Announcement::new(EventType::QuestionAsked, &question.subject, params, ctx.at_us);
    ctx.announce(conn, announcement, recipients).await
}

fn due(at_us: i64) -> String {
    if at_us > 0 { at_us.to_string() } else { String::new() }
}

/// A step of a question's or proposal's life: its followers hear of it.
async fn to_followers(
    conn: &mut AnyConnection,
    ctx: &Context<'_>,
    subject: &str,
    by: &str,
    status: &str,
    event_type: EventType,
    params: impl Fn(Params) -> Params,
) -> Result<(), sqlx::Error> {
    subjects::change(conn, subject, Change::Status(status), ctx.at_us).await?;
    let Some(known) = subjects::get(conn, subject).await?.filter(|s| s.public) else {
        return Ok(());
    };
    let mut recipients = Recipients::excluding([by, ctx.actor()]);
    recipients.followers(conn, subject).await?;
    let params = params(ctx.params().with(param::TITLE, known.title).with(param::STATUS, status));
    ctx.announce(conn, Announcement::new(event_type, subject, params, ctx.at_us), recipients).await
}

async fn commented(conn: &mut AnyConnection, ctx: &Context<'_>, e: pb::CommentPosted) -> Result<(), sqlx::Error> {
    let commune = if e.commune.is_empty() { ctx.commune().to_owned() } else { e.commune.clone() };
    // The comment itself, for its moderation (who wrote it, whose moderators
    // act on it); never its body.
    let comment = Subject {
        subject: subjects::name(&commune, "comments", &e.comment_id),
        commune: commune.clone(),
        kind: "comment".into(),
        space: if e.official { "official" } else { "citizen" }.into(),
        author: e.author.clone(),
        public: true,
        ..Subject::default()
    };
    subjects::put(conn, &comment, ctx.at_us).await?;
    let target = subjects::get(conn, &e.subject).await?;
    if target.as_ref().is_some_and(|t| !t.public) {
        return Ok(());
    }
    let mut recipients = Recipients::excluding([e.author.as_str(), ctx.actor()]);
    recipients.followers(conn, &e.subject).await?;
    // The commenter follows the thread from now on (after the recipients are
    // known: it is not told about its own comment anyway).
    follow_implicitly(conn, &e.author, &e.subject, &commune, ctx.at_us).await?;
    let params = Params::new(&commune)
        .with(param::TITLE, target.map(|t| t.title).unwrap_or_default())
        .with(param::KIND, subjects::kind_of(&e.subject));
    ctx.announce(conn, Announcement::new(EventType::CommentPosted, &e.subject, params, ctx.at_us), recipients).await
}

async fn proposed(conn: &mut AnyConnection, ctx: &Context<'_>, e: pb::ProposalSubmitted) -> Result<(), sqlx::Error> {
    let commune = if e.commune.is_empty() { ctx.commune().to_owned() } else { e.commune.clone() };
    let proposal = Subject {
        subject: subjects::name(&commune, "proposals", &e.proposal_id),
        commune: commune.clone(),
        kind: "proposal".into(),
        title: e.title.clone(),
        space: "citizen".into(),
        author: e.author.clone(),
        status: "open".into(),
        public: true,
        ..Subject::default()
    };
    subjects::put(conn, &proposal, ctx.at_us).await?;
    follow_implicitly(conn, &e.author, &proposal.subject, &commune, ctx.at_us).await?;
    let mut recipients = Recipients::excluding([e.author.as_str(), ctx.actor()]);
    recipients.subscribers(conn, &commune, &Coverage { space: Some("citizen"), ..Coverage::default() }).await?;
    let params = Params::new(&commune).with(param::TITLE, e.title.as_str()).with(param::STATUS, "open");
    let announcement = Announcement::new(EventType::ProposalSubmitted, &proposal.subject, params, ctx.at_us);
    ctx.announce(conn, announcement, recipients).await
}

async fn threshold_reached(
    conn: &mut AnyConnection,
    ctx: &Context<'_>,
    e: pb::ProposalThresholdReached,
) -> Result<(), sqlx::Error> {
    let proposal = subjects::name(ctx.commune(), "proposals", &e.proposal_id);
    subjects::change(conn, &proposal, Change::Status("awaiting_answer"), ctx.at_us).await?;
    let Some(known) = subjects::get(conn, &proposal).await?.filter(|s| s.public) else {
        return Ok(());
    };
    // The last supporter made it happen: it is not told.
    let mut recipients = Recipients::excluding([ctx.actor()]);
    recipients.followers(conn, &proposal).await?;
    recipients.staff(conn, ctx.commune(), "commune_admin").await?;
    recipients.staff(conn, ctx.commune(), "elected_official").await?;
    let params = ctx
        .params()
        .with(param::TITLE, known.title)
        .with(param::STATUS, "awaiting_answer")
        .with(param::SUPPORTS, e.supports.to_string())
        .with(param::ANSWER_DUE_AT_US, due(e.answer_due_at_us));
    let announcement = Announcement::new(EventType::ProposalThresholdReached, &proposal, params, ctx.at_us);
    ctx.announce(conn, announcement, recipients).await
}

/// What a moderator did to some content: its author (only) hears why.
async fn to_author(
    conn: &mut AnyConnection,
    ctx: &Context<'_>,
    subject: &str,
    author: &str,
    event_type: EventType,
    public_reason: &str,
) -> Result<(), sqlx::Error> {
    let known = subjects::get(conn, subject).await?;
    let mut recipients = Recipients::excluding([ctx.actor()]);
    recipients.account(conn, author).await?;
    let params = ctx
        .params()
        .with(param::TITLE, known.map(|s| s.title).unwrap_or_default())
        .with(param::KIND, subjects::kind_of(subject))
        .with(param::REASON, public_reason.trim());
    ctx.announce(conn, Announcement::new(event_type, subject, params, ctx.at_us), recipients).await
}

/// A work item for the content's moderators, in their feed only: the
/// collective's moderators for residents' content, the commune's (agents and
/// administrators) for an official's comment.
async fn to_moderators(
    conn: &mut AnyConnection,
    ctx: &Context<'_>,
    subject: &str,
    event_type: EventType,
) -> Result<(), sqlx::Error> {
    let known = subjects::get(conn, subject).await?;
    let mut recipients = Recipients::excluding([ctx.actor()]);
    if known.as_ref().is_some_and(|s| s.space == "official") {
        recipients.staff(conn, ctx.commune(), "agent").await?;
        recipients.staff(conn, ctx.commune(), "commune_admin").await?;
    } else {
        recipients.staff(conn, ctx.commune(), "collective_moderator").await?;
    }
    let params = ctx
        .params()
        .with(param::TITLE, known.map(|s| s.title).unwrap_or_default())
        .with(param::KIND, subjects::kind_of(subject));
    ctx.announce(conn, Announcement::new(event_type, subject, params, ctx.at_us).feed_only(), recipients).await
}
