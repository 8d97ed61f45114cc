//! From publications' log: one row per publication of either space — when it
//! is visible, whether it is archived, and a project's budget, status and
//! progress as last published. Drafts are kept (they may be published later)
//! but count nowhere until then, and their events are not public.
//!
//! Like reports', a batch is folded in memory ([`evolve`], pure) over the
//! rows it touches, read and written back in a few statements.

use std::collections::{BTreeMap, BTreeSet};

use miroir_eventstore::RecordedEvent;
use miroir_eventstore::consumer::HandlerError;
use miroir_eventstore::projection::Projection;
use miroir_proto::publications::v1 as pb;
use sqlx::{AnyConnection, AssertSqlSafe, Row as _};

use super::feed::{self, FeedRow};
use super::{departement_of, or_event_time};

pub const NAME: &str = "transparency-publications";
pub const TABLE: &str = "tr_publications";
pub const FEED: &str = "tr_publications_feed";

pub struct PublicationsProjection;

/// What a project publication says of itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Project {
    /// "planned", "in_progress", "done", "abandoned".
    pub status: &'static str,
    pub planned_cents: i64,
    pub spent_cents: i64,
    pub progress_percent: i64,
}

/// A publication as the projection keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub publication_id: String,
    pub commune: String,
    /// "official" or "citizen".
    pub space: &'static str,
    pub kind: String,
    pub title: String,
    pub published_us: Option<i64>,
    pub archived: bool,
    pub project: Option<Project>,
}

/// What a publications' event says, for this projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    Drafted {
        space: &'static str,
        kind: String,
        title: String,
        project: Option<Project>,
    },
    /// A draft rewritten, or an amendment (`revision` > 0) of a published one.
    Rewritten {
        title: String,
        project: Option<Project>,
        revision: u32,
        at_us: i64,
    },
    Published {
        at_us: i64,
    },
    Archived {
        at_us: i64,
    },
}

fn project(details: Option<&pb::PublicationDetails>) -> Option<Project> {
    let p = details.and_then(|d| d.project.as_ref())?;
    let status = match pb::ProjectStatus::try_from(p.status) {
        Ok(pb::ProjectStatus::InProgress) => "in_progress",
        Ok(pb::ProjectStatus::Done) => "done",
        Ok(pb::ProjectStatus::Abandoned) => "abandoned",
        _ => "planned",
    };
    Some(Project {
        status,
        planned_cents: p.budget_planned_cents,
        spent_cents: p.budget_spent_cents,
        progress_percent: i64::from(p.progress_percent.min(100)),
    })
}

/// The publication an event is about and what it says; `None` for the others (attachments).
pub fn decode(event: &RecordedEvent) -> Result<Option<(String, Fact)>, prost::DecodeError> {
    Ok(Some(if let Some(e) = event.decode::<pb::PublicationDrafted>() {
        let e = e?;
        let space = match pb::Space::try_from(e.space) {
            Ok(pb::Space::Citizen) => "citizen",
            _ => "official",
        };
        let project = project(e.details.as_ref());
        (e.publication_id, Fact::Drafted { space, kind: e.kind, title: e.title, project })
    } else if let Some(e) = event.decode::<pb::PublicationDraftUpdated>() {
        let e = e?;
        let project = project(e.details.as_ref());
        (e.publication_id, Fact::Rewritten { title: e.title, project, revision: 0, at_us: 0 })
    } else if let Some(e) = event.decode::<pb::PublicationPublished>() {
        let e = e?;
        (e.publication_id, Fact::Published { at_us: or_event_time(e.published_at_us, event) })
    } else if let Some(e) = event.decode::<pb::PublicationAmended>() {
        let e = e?;
        let project = project(e.details.as_ref());
        let at_us = or_event_time(e.amended_at_us, event);
        (e.publication_id, Fact::Rewritten { title: e.title, project, revision: e.revision.max(1), at_us })
    } else if let Some(e) = event.decode::<pb::PublicationArchived>() {
        let e = e?;
        (e.publication_id, Fact::Archived { at_us: or_event_time(e.archived_at_us, event) })
    } else {
        return Ok(None);
    }))
}

/// The title, in the public events, of the commune's publications only: the
/// collective's posts are its members' words, and the open-data feed carries
/// nobody's text but the town hall's.
fn official_title(row: &Row) -> Option<(&'static str, String)> {
    (row.space == "official").then(|| ("title", row.title.clone()))
}

/// A public event: its kind, when, and its fields.
pub type Announced = (&'static str, i64, Vec<(&'static str, String)>);

/// What one event does to its publication's row, and the public event it makes
/// (only about a published publication).
pub fn evolve(row: Option<Row>, publication_id: &str, fact: &Fact, commune: &str) -> (Option<Row>, Option<Announced>) {
    match (fact, row) {
        (Fact::Drafted { space, kind, title, project }, row) => {
            // A replayed draft keeps the row, and says its title and figures again.
            let row = row.unwrap_or_else(|| Row {
                publication_id: publication_id.to_owned(),
                commune: commune.to_owned(),
                space,
                kind: kind.clone(),
                title: String::new(),
                published_us: None,
                archived: false,
                project: None,
            });
            (Some(Row { title: title.clone(), project: project.clone(), ..row }), None)
        }
        (Fact::Rewritten { title, project, revision, at_us }, Some(row)) => {
            let row = Row { title: title.clone(), project: project.clone(), ..row };
            let announced = (*revision > 0 && row.published_us.is_some()).then(|| {
                let mut fields = vec![("revision", revision.to_string())];
                fields.extend(official_title(&row));
                ("publication.amended", *at_us, fields)
            });
            (Some(row), announced)
        }
        (Fact::Published { at_us }, Some(row)) => {
            let row = Row { published_us: Some(*at_us), ..row };
            let mut fields = vec![("kind", row.kind.clone()), ("space", row.space.to_owned())];
            fields.extend(official_title(&row));
            (Some(row), Some(("publication.published", *at_us, fields)))
        }
        (Fact::Archived { at_us }, Some(row)) => {
            let announced = row.published_us.is_some().then(|| ("publication.archived", *at_us, vec![]));
            (Some(Row { archived: true, ..row }), announced)
        }
        (_, None) => (None, None),
    }
}

/// Rows per multi-row statement (12 parameters each).
const CHUNK: usize = 150;

async fn load(conn: &mut AnyConnection, s: &str, ids: &BTreeSet<&str>) -> Result<BTreeMap<String, Row>, sqlx::Error> {
    let mut rows = BTreeMap::new();
    let ids: Vec<&str> = ids.iter().copied().collect();
    for chunk in ids.chunks(CHUNK * 4) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT publication_id, commune, space, kind, title, published_us, archived, project_status, \
             planned_cents, spent_cents, progress_percent FROM {TABLE}{s} WHERE publication_id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for r in query.fetch_all(&mut *conn).await? {
            let status: Option<String> = r.try_get(7)?;
            let row = Row {
                publication_id: r.try_get(0)?,
                commune: r.try_get(1)?,
                space: if r.try_get::<&str, _>(2)? == "citizen" { "citizen" } else { "official" },
                kind: r.try_get(3)?,
                title: r.try_get(4)?,
                published_us: r.try_get(5)?,
                archived: r.try_get::<i64, _>(6)? != 0,
                project: match status.as_deref() {
                    None => None,
                    Some(status) => Some(Project {
                        status: match status {
                            "in_progress" => "in_progress",
                            "done" => "done",
                            "abandoned" => "abandoned",
                            _ => "planned",
                        },
                        planned_cents: r.try_get(8)?,
                        spent_cents: r.try_get(9)?,
                        progress_percent: r.try_get(10)?,
                    }),
                },
            };
            rows.insert(row.publication_id.clone(), row);
        }
    }
    Ok(rows)
}

async fn store(conn: &mut AnyConnection, s: &str, rows: &[&Row]) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let params: Vec<String> = (1..=12).map(|k| format!("${}", i * 12 + k)).collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {TABLE}{s} (publication_id, commune, departement, space, kind, title, published_us, \
             archived, project_status, planned_cents, spent_cents, progress_percent) VALUES {} \
             ON CONFLICT (publication_id) DO UPDATE SET title = excluded.title, \
             published_us = excluded.published_us, archived = excluded.archived, \
             project_status = excluded.project_status, planned_cents = excluded.planned_cents, \
             spent_cents = excluded.spent_cents, progress_percent = excluded.progress_percent",
            values.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for row in chunk {
            let project = row.project.clone();
            query = query
                .bind(row.publication_id.clone())
                .bind(row.commune.clone())
                .bind(departement_of(&row.commune))
                .bind(row.space)
                .bind(row.kind.clone())
                .bind(row.title.clone())
                .bind(row.published_us)
                .bind(i64::from(row.archived))
                .bind(project.as_ref().map(|p| p.status))
                .bind(project.as_ref().map_or(0, |p| p.planned_cents))
                .bind(project.as_ref().map_or(0, |p| p.spent_cents))
                .bind(project.as_ref().map_or(0, |p| p.progress_percent));
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

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
        self.apply_batch(conn, s, std::slice::from_ref(event)).await.map_err(|(_, e)| e)
    }

    async fn apply_batch<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
        s: &'c str,
        events: &'c [RecordedEvent],
    ) -> Result<(), (Option<u64>, HandlerError)> {
        let mut facts = Vec::with_capacity(events.len());
        for event in events {
            match decode(event) {
                Ok(Some((id, fact))) => facts.push((event, id, fact)),
                Ok(None) => {}
                Err(e) => return Err((Some(event.position), e.into())),
            }
        }
        let ids: BTreeSet<&str> = facts.iter().map(|(_, id, _)| id.as_str()).collect();
        let mut rows = load(conn, s, &ids).await.map_err(|e| (None, e.into()))?;
        let mut changed = BTreeSet::new();
        let mut public = Vec::new();
        for (event, id, fact) in &facts {
            let commune = event.commune.as_str();
            let before = rows.get(id).cloned();
            let (after, announced) = evolve(before.clone(), id, fact, commune);
            if after != before
                && let Some(after) = after
            {
                rows.insert(id.clone(), after);
                changed.insert(id.as_str());
            }
            if let Some((kind, at_us, fields)) = announced {
                let subject = format!("communes/{commune}/publications/{id}");
                public.push(FeedRow {
                    position: event.position,
                    commune: commune.into(),
                    at_us,
                    kind,
                    subject,
                    fields,
                });
            }
        }
        let changed: Vec<&Row> = changed.iter().filter_map(|id| rows.get(*id)).collect();
        store(conn, s, &changed).await.map_err(|e| (None, e.into()))?;
        feed::record_many(conn, FEED, s, &public).await.map_err(|e| (None, e.into()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drafted(title: &str, planned: i64) -> Fact {
        let project =
            Some(Project { status: "in_progress", planned_cents: planned, spent_cents: 0, progress_percent: 10 });
        Fact::Drafted { space: "official", kind: "project".into(), title: title.into(), project }
    }

    #[test]
    fn a_draft_says_nothing_in_public_until_published() {
        let (row, public) = evolve(None, "p1", &drafted("Piscine", 100), "75056");
        assert_eq!(public, None);
        let rewrite = Fact::Rewritten { title: "Piscine rénovée".into(), project: None, revision: 0, at_us: 5 };
        let (row, public) = evolve(row, "p1", &rewrite, "75056");
        assert_eq!((row.as_ref().map(|r| r.title.as_str()), public), (Some("Piscine rénovée"), None));
        let (row, _) = evolve(row, "p1", &Fact::Archived { at_us: 6 }, "75056");
        assert!(row.as_ref().is_some_and(|r| r.archived));
        let (row, public) = evolve(row, "p1", &Fact::Published { at_us: 10 }, "75056");
        assert_eq!(row.and_then(|r| r.published_us), Some(10));
        assert_eq!(public.map(|(kind, at, _)| (kind, at)), Some(("publication.published", 10)));
    }

    #[test]
    fn an_amendment_changes_the_figures_and_is_public() {
        let (row, _) = evolve(None, "p1", &drafted("Piscine", 100), "75056");
        let (row, _) = evolve(row, "p1", &Fact::Published { at_us: 10 }, "75056");
        let project = Some(Project { status: "done", planned_cents: 120, spent_cents: 118, progress_percent: 100 });
        let amended = Fact::Rewritten { title: "Piscine".into(), project: project.clone(), revision: 2, at_us: 20 };
        let (row, public) = evolve(row, "p1", &amended, "75056");
        assert_eq!(row.and_then(|r| r.project), project);
        assert_eq!(public.map(|(kind, at, _)| (kind, at)), Some(("publication.amended", 20)));
        // Events about a publication never drafted: nothing.
        assert_eq!(evolve(None, "p9", &Fact::Published { at_us: 1 }, "75056"), (None, None));
    }
}
