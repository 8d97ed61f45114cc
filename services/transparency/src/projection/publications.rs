//! From publications' log: one row per publication of either space — when it
//! is visible, whether it is archived, and a project's budget, status and
//! progress as last published. Drafts are kept (they may be published later)
//! but count nowhere until then.

use miroir_eventstore::RecordedEvent;
use miroir_eventstore::consumer::HandlerError;
use miroir_eventstore::projection::Projection;
use miroir_proto::publications::v1 as pb;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::feed::{self, PublicEvent};
use super::{departement_of, or_event_time};

pub const NAME: &str = "transparency-publications";
pub const TABLE: &str = "tr_publications";
pub const FEED: &str = "tr_publications_feed";

pub struct PublicationsProjection;

impl Projection for PublicationsProjection {
    fn name(&self) -> &str {
        NAME
    }

    fn create_tables(&self, s: &str) -> Vec<String> {
        let mut ddl = vec![
            format!(
                "CREATE TABLE IF NOT EXISTS {TABLE}{s} (publication_id TEXT PRIMARY KEY, commune TEXT NOT NULL, \
                 departement TEXT NOT NULL, space TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL, \
                 published_us BIGINT, archived BIGINT NOT NULL, project_status TEXT, planned_cents BIGINT NOT NULL, \
                 spent_cents BIGINT NOT NULL, progress_percent BIGINT NOT NULL)"
            ),
            format!("CREATE INDEX IF NOT EXISTS {TABLE}{s}_commune ON {TABLE}{s} (commune)"),
            format!("CREATE INDEX IF NOT EXISTS {TABLE}{s}_departement ON {TABLE}{s} (departement)"),
        ];
        ddl.extend(feed::create(FEED, s));
        ddl
    }

    fn drop_tables(&self, s: &str) -> Vec<String> {
        vec![format!("DROP TABLE IF EXISTS {TABLE}{s}"), feed::drop(FEED, s)]
    }

    async fn apply<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
        s: &'c str,
        event: &'c RecordedEvent,
    ) -> Result<(), HandlerError> {
        if let Some(e) = event.decode::<pb::PublicationDrafted>() {
            let e = e?;
            let space = match pb::Space::try_from(e.space) {
                Ok(pb::Space::Citizen) => "citizen",
                _ => "official",
            };
            let sql = format!(
                "INSERT INTO {TABLE}{s} (publication_id, commune, departement, space, kind, title, published_us, \
                 archived, project_status, planned_cents, spent_cents, progress_percent) \
                 VALUES ($1, $2, $3, $4, $5, $6, NULL, 0, NULL, 0, 0, 0) ON CONFLICT (publication_id) DO NOTHING"
            );
            sqlx::query(AssertSqlSafe(sql))
                .bind(&e.publication_id)
                .bind(&event.commune)
                .bind(departement_of(&event.commune))
                .bind(space)
                .bind(&e.kind)
                .bind(&e.title)
                .execute(&mut *conn)
                .await?;
            details(conn, s, &e.publication_id, &e.title, e.details.as_ref()).await?;
        } else if let Some(e) = event.decode::<pb::PublicationDraftUpdated>() {
            let e = e?;
            details(conn, s, &e.publication_id, &e.title, e.details.as_ref()).await?;
        } else if let Some(e) = event.decode::<pb::PublicationPublished>() {
            let e = e?;
            let at = or_event_time(e.published_at_us, event);
            let sql = format!("UPDATE {TABLE}{s} SET published_us = $1 WHERE publication_id = $2");
            sqlx::query(AssertSqlSafe(sql)).bind(at).bind(&e.publication_id).execute(&mut *conn).await?;
            if let Some((kind, space, title)) = described(conn, s, &e.publication_id).await? {
                let fields = vec![("kind", kind), ("space", space), ("title", title)];
                announce(conn, s, event, &e.publication_id, at, "publication.published", fields).await?;
            }
        } else if let Some(e) = event.decode::<pb::PublicationAmended>() {
            let e = e?;
            details(conn, s, &e.publication_id, &e.title, e.details.as_ref()).await?;
            let at = or_event_time(e.amended_at_us, event);
            let fields = vec![("revision", e.revision.to_string()), ("title", e.title.clone())];
            announce(conn, s, event, &e.publication_id, at, "publication.amended", fields).await?;
        } else if let Some(e) = event.decode::<pb::PublicationArchived>() {
            let e = e?;
            let sql = format!("UPDATE {TABLE}{s} SET archived = 1 WHERE publication_id = $1");
            sqlx::query(AssertSqlSafe(sql)).bind(&e.publication_id).execute(&mut *conn).await?;
            let at = or_event_time(e.archived_at_us, event);
            announce(conn, s, event, &e.publication_id, at, "publication.archived", vec![]).await?;
        }
        Ok(())
    }
}

/// Title and a project's figures, as the draft or the amendment says them.
async fn details(
    conn: &mut AnyConnection,
    s: &str,
    publication_id: &str,
    title: &str,
    details: Option<&pb::PublicationDetails>,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "UPDATE {TABLE}{s} SET title = $1, project_status = $2, planned_cents = $3, spent_cents = $4, \
         progress_percent = $5 WHERE publication_id = $6"
    );
    let project = details.and_then(|d| d.project.as_ref());
    let status = project.map(|p| match pb::ProjectStatus::try_from(p.status) {
        Ok(pb::ProjectStatus::InProgress) => "in_progress",
        Ok(pb::ProjectStatus::Done) => "done",
        Ok(pb::ProjectStatus::Abandoned) => "abandoned",
        _ => "planned",
    });
    sqlx::query(AssertSqlSafe(sql))
        .bind(title)
        .bind(status)
        .bind(project.map_or(0, |p| p.budget_planned_cents))
        .bind(project.map_or(0, |p| p.budget_spent_cents))
        .bind(project.map_or(0, |p| i64::from(p.progress_percent.min(100))))
        .bind(publication_id)
        .execute(conn)
        .await?;
    Ok(())
}

async fn described(
    conn: &mut AnyConnection,
    s: &str,
    publication_id: &str,
) -> Result<Option<(String, String, String)>, sqlx::Error> {
    let sql = format!("SELECT kind, space, title FROM {TABLE}{s} WHERE publication_id = $1");
    let row = sqlx::query(AssertSqlSafe(sql)).bind(publication_id).fetch_optional(conn).await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).transpose()
}

/// A public event of a published publication (a draft's are nobody's business).
async fn announce(
    conn: &mut AnyConnection,
    s: &str,
    event: &RecordedEvent,
    publication_id: &str,
    at_us: i64,
    kind: &str,
    fields: Vec<(&str, String)>,
) -> Result<(), sqlx::Error> {
    let sql = format!("SELECT published_us FROM {TABLE}{s} WHERE publication_id = $1");
    let published: Option<Option<i64>> =
        sqlx::query_scalar(AssertSqlSafe(sql)).bind(publication_id).fetch_optional(&mut *conn).await?;
    if published.flatten().is_none() {
        return Ok(());
    }
    let commune = event.commune.as_str();
    let subject = format!("communes/{commune}/publications/{publication_id}");
    feed::record(conn, FEED, s, event.position, PublicEvent { commune, at_us, kind, subject, fields }).await
}
