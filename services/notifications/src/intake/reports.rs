//! From reports' log (plan §4):
//! - a new report, once public (submitted by an account, or an anonymous one
//!   once its e-mail is verified), reaches the agents of its department (those
//!   who did not turn `department_reports` off) and the subscribers of its
//!   category, of an area around it, or of the citizen space; its reporter
//!   follows it;
//! - its public steps (acknowledged, work started, resolved, rejected,
//!   merged) reach its followers: reporter, supporters, explicit followers;
//! - reopened by its reporter, it reaches its followers and its department's agents;
//! - assigned, it reaches the agent, or the department's agents;
//! - a supporter follows it; the kept report of a merge takes the
//!   duplicate's followers.
//!
//! Internal notes and categories are nobody's news.

use miroir_eventstore::RecordedEvent;
use miroir_eventstore::consumer::{Handler, HandlerError};
use miroir_proto::reports::v1 as pb;
use sqlx::AnyConnection;

use super::announcement::{Announcement, EventType, param};
use super::follows::{follow_implicitly, unfollowed};
use super::recipients::{Coverage, Recipients};
use super::subjects::{self, Change, Subject};
use super::{Context, Params, Source};
use crate::domain::subscription::microdegrees;

/// The consumer of reports' log.
pub struct FromReports;

fn report(commune: &str, report_id: &str) -> String {
    subjects::name(commune, "reports", report_id)
}

impl Handler for FromReports {
    async fn handle<'c>(&'c self, conn: &'c mut AnyConnection, event: &'c RecordedEvent) -> Result<(), HandlerError> {
        let ctx = Context::new(Source::Reports, event);
        if let Some(e) = event.decode::<pb::ReportSubmitted>() {
            submitted(conn, &ctx, e?).await?;
        } else if let Some(e) = event.decode::<pb::ReportVerified>() {
            let subject = report(ctx.commune(), &e?.report_id);
            subjects::change(conn, &subject, Change::Public(true), ctx.at_us).await?;
            if let Some(known) = subjects::get(conn, &subject).await? {
                announce_new(conn, &ctx, &known).await?;
            }
        } else if let Some(e) = event.decode::<pb::ReportAcknowledged>() {
            let e = e?;
            let params = |p: Params| p.with(param::MESSAGE, e.message.trim());
            step(conn, &ctx, &e.report_id, &e.agent, EventType::ReportAcknowledged, "acknowledged", params).await?;
        } else if let Some(e) = event.decode::<pb::ReportWorkStarted>() {
            let e = e?;
            let params = |p: Params| p.with(param::MESSAGE, e.message.trim());
            step(conn, &ctx, &e.report_id, &e.agent, EventType::ReportWorkStarted, "in_progress", params).await?;
        } else if let Some(e) = event.decode::<pb::ReportResolved>() {
            let e = e?;
            let params = |p: Params| p.with(param::MESSAGE, e.message.trim());
            step(conn, &ctx, &e.report_id, &e.agent, EventType::ReportResolved, "resolved", params).await?;
        } else if let Some(e) = event.decode::<pb::ReportRejected>() {
            let e = e?;
            let params = |p: Params| p.with(param::REASON, e.reason.trim());
            step(conn, &ctx, &e.report_id, &e.agent, EventType::ReportRejected, "rejected", params).await?;
        } else if let Some(e) = event.decode::<pb::ReportMerged>() {
            let e = e?;
            let into = report(ctx.commune(), &e.into_report_id);
            let params = |p: Params| p.with(param::MESSAGE, e.message.trim()).with(param::INTO, into.clone());
            step(conn, &ctx, &e.report_id, &e.agent, EventType::ReportMerged, "merged", params).await?;
        } else if let Some(e) = event.decode::<pb::ReportReopened>() {
            reopened(conn, &ctx, e?).await?;
        } else if let Some(e) = event.decode::<pb::ReportAssigned>() {
            assigned(conn, &ctx, e?).await?;
        } else if let Some(e) = event.decode::<pb::ReportSupported>() {
            let e = e?;
            let subject = report(ctx.commune(), &e.report_id);
            follow_implicitly(conn, &e.supporter, &subject, ctx.commune(), ctx.at_us).await?;
        } else if let Some(e) = event.decode::<pb::DuplicateAbsorbed>() {
            absorbed(conn, &ctx, e?).await?;
        }
        Ok(())
    }
}

async fn submitted(conn: &mut AnyConnection, ctx: &Context<'_>, e: pb::ReportSubmitted) -> Result<(), sqlx::Error> {
    let subject = Subject {
        subject: report(&e.commune, &e.report_id),
        commune: e.commune.clone(),
        kind: "report".into(),
        title: e.title.clone(),
        space: "citizen".into(),
        category: e.category.clone(),
        department: e.department.clone(),
        point: e.location.as_ref().map(|l| (microdegrees(l.latitude), microdegrees(l.longitude))),
        author: e.reporter.clone(),
        status: "new".into(),
        // An anonymous report waits for its e-mail to be verified.
        public: e.verification_token_sha256.is_empty(),
    };
    subjects::put(conn, &subject, ctx.at_us).await?;
    follow_implicitly(conn, &e.reporter, &subject.subject, &e.commune, ctx.at_us).await?;
    if subject.public {
        announce_new(conn, ctx, &subject).await?;
    }
    Ok(())
}

/// A report just made public: to its department's agents and to the
/// subscribers it concerns (never to its reporter).
async fn announce_new(conn: &mut AnyConnection, ctx: &Context<'_>, report: &Subject) -> Result<(), sqlx::Error> {
    let mut recipients = Recipients::excluding([report.author.as_str(), ctx.actor()]);
    recipients.agents_of(conn, &report.commune, &report.department, true).await?;
    let coverage =
        Coverage { category: Some(&report.category), point: report.point, space: Some(report.space.as_str()) };
    recipients.subscribers(conn, &report.commune, &coverage).await?;
    let params = Params::new(&report.commune)
        .with(param::TITLE, report.title.as_str())
        .with(param::STATUS, "new")
        .with(param::CATEGORY, report.category.as_str())
        .with(param::DEPARTMENT, report.department.as_str());
    let announcement = Announcement::new(EventType::ReportSubmitted, &report.subject, params, ctx.at_us);
    ctx.announce(conn, announcement, recipients).await
}

/// A public step of the commune's work on a report: its followers hear of it.
async fn step(
    conn: &mut AnyConnection,
    ctx: &Context<'_>,
    report_id: &str,
    agent: &str,
    event_type: EventType,
    status: &str,
    params: impl Fn(Params) -> Params,
) -> Result<(), sqlx::Error> {
    let subject = report(ctx.commune(), report_id);
    subjects::change(conn, &subject, Change::Status(status), ctx.at_us).await?;
    let Some(known) = subjects::get(conn, &subject).await?.filter(|s| s.public) else {
        return Ok(());
    };
    let mut recipients = Recipients::excluding([agent, ctx.actor()]);
    recipients.followers(conn, &subject).await?;
    let params = params(ctx.params().with(param::TITLE, known.title).with(param::STATUS, status));
    ctx.announce(conn, Announcement::new(event_type, &subject, params, ctx.at_us), recipients).await
}

async fn reopened(conn: &mut AnyConnection, ctx: &Context<'_>, e: pb::ReportReopened) -> Result<(), sqlx::Error> {
    // Reopened, a report is back to acknowledged (as reports shows it).
    let subject = report(ctx.commune(), &e.report_id);
    subjects::change(conn, &subject, Change::Status("acknowledged"), ctx.at_us).await?;
    let Some(known) = subjects::get(conn, &subject).await?.filter(|s| s.public) else {
        return Ok(());
    };
    let mut recipients = Recipients::excluding([e.reporter.as_str(), ctx.actor()]);
    recipients.followers(conn, &subject).await?;
    // The department's agents (the assigned agent among them): the work is theirs again.
    recipients.agents_of(conn, &known.commune, &known.department, false).await?;
    let params = ctx
        .params()
        .with(param::TITLE, known.title)
        .with(param::STATUS, "acknowledged")
        .with(param::MESSAGE, e.message.trim());
    ctx.announce(conn, Announcement::new(EventType::ReportReopened, &subject, params, ctx.at_us), recipients).await
}

async fn assigned(conn: &mut AnyConnection, ctx: &Context<'_>, e: pb::ReportAssigned) -> Result<(), sqlx::Error> {
    let subject = report(ctx.commune(), &e.report_id);
    subjects::change(conn, &subject, Change::Department(&e.department), ctx.at_us).await?;
    let Some(known) = subjects::get(conn, &subject).await?.filter(|s| s.public) else {
        return Ok(());
    };
    let mut recipients = Recipients::excluding([e.by.as_str(), ctx.actor()]);
    if e.agent.is_empty() {
        recipients.agents_of(conn, ctx.commune(), &e.department, false).await?;
    } else {
        recipients.account(conn, &e.agent).await?;
    }
    let params = ctx
        .params()
        .with(param::TITLE, known.title)
        .with(param::STATUS, known.status)
        .with(param::CATEGORY, known.category)
        .with(param::DEPARTMENT, e.department.as_str());
    ctx.announce(conn, Announcement::new(EventType::ReportAssigned, &subject, params, ctx.at_us), recipients).await
}

/// The kept report takes over the duplicate's followers, except those who
/// chose not to follow the duplicate (their choice stands for what replaces it).
async fn absorbed(conn: &mut AnyConnection, ctx: &Context<'_>, e: pb::DuplicateAbsorbed) -> Result<(), sqlx::Error> {
    let kept = report(ctx.commune(), &e.report_id);
    let duplicate = report(ctx.commune(), &e.duplicate_report_id);
    for account_id in e.followers.iter().chain(&e.supporters) {
        if !unfollowed(conn, account_id, &duplicate).await? {
            follow_implicitly(conn, account_id, &kept, ctx.commune(), ctx.at_us).await?;
        }
    }
    super::follows::copy_followers(conn, &duplicate, &kept, ctx.commune(), ctx.at_us).await
}
