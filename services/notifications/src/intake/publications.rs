//! From publications' log (plan §4):
//! - drafts are nobody's news: the intake only learns their kind, space,
//!   title and point;
//! - published, an item reaches the subscribers of its space, and those of
//!   an area around it (a project with a location); a scheduled publication is
//!   announced for its time (its feed item shows and its e-mail is due from
//!   then); its author follows it;
//! - amended (or given a file after publication), or archived, it reaches its
//!   followers; archived before its scheduled time, what was announced for
//!   that time is withdrawn.
//! - a follow-up note of the collective, published, also reaches the
//!   followers of the commune project it follows (`follow_ups` keeps which).

use miroir_eventstore::RecordedEvent;
use miroir_eventstore::consumer::{Handler, HandlerError};
use miroir_proto::publications::v1 as pb;
use sqlx::AnyConnection;

use super::announcement::{Announcement, EventType, param};
use super::follows::follow_implicitly;
use super::recipients::{Coverage, Recipients};
use super::subjects::{self, Change, Subject};
use super::{Context, Params, Source};
use crate::domain::subscription::microdegrees;

/// The consumer of publications' log.
pub struct FromPublications;

fn publication(commune: &str, publication_id: &str) -> String {
    subjects::name(commune, "publications", publication_id)
}

fn space(space: i32) -> &'static str {
    match pb::Space::try_from(space) {
        Ok(pb::Space::Official) => "official",
        Ok(pb::Space::Citizen) => "citizen",
        _ => "",
    }
}

/// A project's location, in microdegrees.
fn point(details: Option<&pb::PublicationDetails>) -> Option<(i64, i64)> {
    let location = details?.project.as_ref()?.location.as_ref()?;
    Some((microdegrees(location.latitude), microdegrees(location.longitude)))
}

impl Handler for FromPublications {
    async fn handle<'c>(&'c self, conn: &'c mut AnyConnection, event: &'c RecordedEvent) -> Result<(), HandlerError> {
        let ctx = Context::new(Source::Publications, event);
        if let Some(e) = event.decode::<pb::PublicationDrafted>() {
            let e = e?;
            let commune = if e.commune.is_empty() { ctx.commune().to_owned() } else { e.commune.clone() };
            let draft = Subject {
                subject: publication(&commune, &e.publication_id),
                commune,
                kind: e.kind.clone(),
                title: e.title.clone(),
                space: space(e.space).into(),
                department: e
                    .details
                    .as_ref()
                    .and_then(|d| d.project.as_ref())
                    .map(|p| p.responsible_department.clone())
                    .unwrap_or_default(),
                point: point(e.details.as_ref()),
                author: e.author.clone(),
                status: "draft".into(),
                public: false,
                ..Subject::default()
            };
            subjects::put(conn, &draft, ctx.at_us).await?;
            note_follows(conn, &draft.subject, &draft.commune, e.details.as_ref()).await?;
        } else if let Some(e) = event.decode::<pb::PublicationDraftUpdated>() {
            let e = e?;
            let subject = publication(ctx.commune(), &e.publication_id);
            subjects::change(conn, &subject, Change::Title(&e.title), ctx.at_us).await?;
            subjects::set_point(conn, &subject, point(e.details.as_ref()), ctx.at_us).await?;
            note_follows(conn, &subject, ctx.commune(), e.details.as_ref()).await?;
        } else if let Some(e) = event.decode::<pb::PublicationPublished>() {
            published(conn, &ctx, e?).await?;
        } else if let Some(e) = event.decode::<pb::PublicationAmended>() {
            let e = e?;
            let subject = publication(ctx.commune(), &e.publication_id);
            subjects::change(conn, &subject, Change::Title(&e.title), ctx.at_us).await?;
            if e.details.is_some() {
                subjects::set_point(conn, &subject, point(e.details.as_ref()), ctx.at_us).await?;
            }
            to_followers(conn, &ctx, &subject, EventType::PublicationAmended, |p| {
                p.with(param::SUMMARY_OF_CHANGE, e.summary_of_change.trim())
            })
            .await?;
        } else if let Some(e) = event.decode::<pb::AttachmentAdded>() {
            let e = e?;
            // A file added to a draft is no news; to a published item, it is a revision.
            if e.revision > 0 {
                let subject = publication(ctx.commune(), &e.publication_id);
                to_followers(conn, &ctx, &subject, EventType::PublicationAmended, |p| {
                    p.with(param::SUMMARY_OF_CHANGE, e.summary_of_change.trim())
                })
                .await?;
            }
        } else if let Some(e) = event.decode::<pb::PublicationArchived>() {
            archived(conn, &ctx, e?).await?;
        }
        Ok(())
    }
}

async fn published(
    conn: &mut AnyConnection,
    ctx: &Context<'_>,
    e: pb::PublicationPublished,
) -> Result<(), sqlx::Error> {
    let subject = publication(ctx.commune(), &e.publication_id);
    subjects::change(conn, &subject, Change::Status("published"), ctx.at_us).await?;
    subjects::change(conn, &subject, Change::Public(true), ctx.at_us).await?;
    let Some(known) = subjects::get(conn, &subject).await? else {
        return Ok(());
    };
    follow_implicitly(conn, &known.author, &subject, &known.commune, ctx.at_us).await?;
    let mut recipients = Recipients::excluding([known.author.as_str(), ctx.actor()]);
    let coverage = Coverage { category: None, point: known.point, space: Some(known.space.as_str()) };
    recipients.subscribers(conn, &known.commune, &coverage).await?;
    // A follow-up note: the followers of the project it follows hear of it too.
    let project: Option<String> = sqlx::query_scalar("SELECT project FROM follow_ups WHERE note = $1")
        .bind(&subject)
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(project) = project {
        recipients.followers(conn, &project).await?;
    }
    // Heard of when it becomes visible (a scheduled publication: later).
    let visible_at_us = e.published_at_us.max(ctx.at_us);
    let params = ctx
        .params()
        .with(param::TITLE, known.title)
        .with(param::KIND, known.kind)
        .with(param::SPACE, known.space)
        .with(param::PUBLISHED_AT_US, visible_at_us.to_string());
    let announcement = Announcement::new(EventType::PublicationPublished, &subject, params, visible_at_us);
    ctx.announce(conn, announcement, recipients).await
}

/// Records which project a follow-up note follows (from its details; nothing for other kinds).
async fn note_follows(
    conn: &mut AnyConnection,
    note: &str,
    commune: &str,
    details: Option<&pb::PublicationDetails>,
) -> Result<(), sqlx::Error> {
    let Some(project_id) = details.and_then(|d| d.follow_up.as_ref()).map(|f| f.project_publication_id.as_str()) else {
        return Ok(());
    };
    if project_id.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO follow_ups (note, project) VALUES ($1, $2)          ON CONFLICT (note) DO UPDATE SET project = excluded.project",
    )
    .bind(note)
    .bind(publication(commune, project_id))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A public change to a published item: its followers hear of it.
async fn to_followers(
    conn: &mut AnyConnection,
    ctx: &Context<'_>,
    subject: &str,
    event_type: EventType,
    params: impl Fn(Params) -> Params,
) -> Result<(), sqlx::Error> {
    let Some(known) = subjects::get(conn, subject).await?.filter(|s| s.public) else {
        return Ok(());
    };
    let mut recipients = Recipients::excluding([ctx.actor()]);
    recipients.followers(conn, subject).await?;
    let params = params(ctx.params().with(param::TITLE, known.title).with(param::KIND, known.kind))
        .with(param::SPACE, known.space);
    ctx.announce(conn, Announcement::new(event_type, subject, params, ctx.at_us), recipients).await
}

async fn archived(conn: &mut AnyConnection, ctx: &Context<'_>, e: pb::PublicationArchived) -> Result<(), sqlx::Error> {
    let subject = publication(ctx.commune(), &e.publication_id);
    subjects::change(conn, &subject, Change::Status("archived"), ctx.at_us).await?;
    // What was announced for a time still to come is withdrawn: nobody hears
    // of a publication that never became visible.
    sqlx::query(
        "UPDATE deliveries SET state = 'cancelled', last_error = 'archived before publication' \
         WHERE subject = $1 AND state IN ('pending', 'held') AND next_attempt_at_us > $2",
    )
    .bind(&subject)
    .bind(ctx.at_us)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM feed_items WHERE subject = $1 AND occurred_at_us > $2")
        .bind(&subject)
        .bind(ctx.at_us)
        .execute(&mut *conn)
        .await?;
    to_followers(conn, ctx, &subject, EventType::PublicationArchived, |p| p.with(param::REASON, e.reason.trim())).await
}
