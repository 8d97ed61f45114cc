//! Reads the facts of a scope from the projections' active generations.

use miroir_eventstore::projection::read_active;
use miroir_platform::storage::Database;
use sqlx::{AssertSqlSafe, Row};

use crate::figures::{
    CommuneFact, Facts, ProjectFact, ProposalFact, PublicationFact, QuestionFact, ReportFact, ReportState, Space,
};
use crate::projection::{communes, dialogue, publications, reports};
use crate::scope::Scope;

/// `WHERE` clause and its one bound value for a scope (on a table with `commune` and `departement`).
fn filter(scope: &Scope, departement_column: &str) -> (String, Option<String>) {
    match scope {
        Scope::Commune(c) => (" WHERE commune = $1".into(), Some(c.clone())),
        Scope::Departement(d) => (format!(" WHERE {departement_column} = $1"), Some(d.clone())),
        Scope::National => (String::new(), None),
    }
}

async fn rows(
    db: &Database,
    name: &str,
    scope: &Scope,
    select: impl Fn(&str, &str) -> String,
) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error> {
    read_active(db, name, |suffix| {
        let (filter, value) = filter(scope, "departement");
        let sql = select(&suffix, &filter);
        async move {
            let mut query = sqlx::query(AssertSqlSafe(sql));
            if let Some(value) = value {
                query = query.bind(value);
            }
            query.fetch_all(db.pool()).await
        }
    })
    .await
}

/// The communes of a scope (registered in identity).
pub async fn communes(db: &Database, scope: &Scope) -> Result<Vec<CommuneFact>, sqlx::Error> {
    let rows = rows(db, communes::NAME, scope, |s, w| {
        format!("SELECT commune, name, departement, commitment_days FROM {}{s}{w} ORDER BY commune", communes::TABLE)
    })
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CommuneFact {
                commune: r.try_get(0)?,
                name: r.try_get(1)?,
                departement: r.try_get(2)?,
                commitment_days: u32::try_from(r.try_get::<i64, _>(3)?).unwrap_or(0),
            })
        })
        .collect()
}

/// Everything a scope's figures are computed from.
pub async fn facts(db: &Database, scope: &Scope) -> Result<Facts, sqlx::Error> {
    let communes = communes(db, scope).await?;
    let report_rows = rows(db, reports::NAME, scope, |s, w| {
        format!(
            "SELECT commune, category, received_us, first_response_us, resolved_us, rejected_us, state \
             FROM {}{s}{w}",
            reports::TABLE
        )
    })
    .await?;
    let reports = report_rows
        .iter()
        .map(|r| {
            Ok(ReportFact {
                commune: r.try_get(0)?,
                category: r.try_get(1)?,
                received_us: r.try_get(2)?,
                first_response_us: r.try_get(3)?,
                resolved_us: r.try_get(4)?,
                rejected_us: r.try_get(5)?,
                state: ReportState::parse(r.try_get::<&str, _>(6)?),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let question_rows = rows(db, dialogue::NAME, scope, |s, w| {
        format!(
            "SELECT commune, asked_us, due_us, answered_us, on_time, redirected_us FROM {}{s}{w}",
            dialogue::QUESTIONS
        )
    })
    .await?;
    let questions = question_rows
        .iter()
        .map(|r| {
            Ok(QuestionFact {
                commune: r.try_get(0)?,
                asked_us: r.try_get(1)?,
                due_us: r.try_get(2)?,
                answered_us: r.try_get(3)?,
                on_time: r.try_get::<i64, _>(4)? != 0,
                redirected_us: r.try_get(5)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let proposal_rows = rows(db, dialogue::NAME, scope, |s, w| {
        format!(
            "SELECT commune, submitted_us, reached_us, due_us, answered_us, on_time FROM {}{s}{w}",
            dialogue::PROPOSALS
        )
    })
    .await?;
    let proposals = proposal_rows
        .iter()
        .map(|r| {
            Ok(ProposalFact {
                commune: r.try_get(0)?,
                submitted_us: r.try_get(1)?,
                reached_us: r.try_get(2)?,
                due_us: r.try_get(3)?,
                answered_us: r.try_get(4)?,
                on_time: r.try_get::<i64, _>(5)? != 0,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let publication_rows = rows(db, publications::NAME, scope, |s, w| {
        format!(
            "SELECT publication_id, commune, space, kind, title, published_us, archived, project_status, \
             planned_cents, spent_cents, progress_percent FROM {}{s}{w}",
            publications::TABLE
        )
    })
    .await?;
    let publications = publication_rows
        .iter()
        .map(|r| {
            let kind: &str = r.try_get(3)?;
            let project = if kind == "project" {
                Some(ProjectFact {
                    title: r.try_get(4)?,
                    status: r.try_get::<Option<String>, _>(7)?.unwrap_or_else(|| "planned".into()),
                    planned_cents: r.try_get(8)?,
                    spent_cents: r.try_get(9)?,
                    progress_percent: u32::try_from(r.try_get::<i64, _>(10)?).unwrap_or(0),
                })
            } else {
                None
            };
            Ok(PublicationFact {
                publication_id: r.try_get(0)?,
                commune: r.try_get(1)?,
                space: if r.try_get::<&str, _>(2)? == "citizen" { Space::Citizen } else { Space::Official },
                published_us: r.try_get(5)?,
                archived: r.try_get::<i64, _>(6)? != 0,
                project,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Facts { communes, reports, questions, proposals, publications })
}

/// Where a page of public events starts: after this event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor {
    pub at_us: i64,
    /// Index of the log in [`crate::projection::LOGS`].
    pub log: usize,
    pub position: u64,
}

/// One public event of a commune's open-data feed.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicEventRow {
    pub log: usize,
    pub position: u64,
    pub at_us: i64,
    pub kind: String,
    pub subject: String,
    pub fields: String,
}

const FEEDS: [(&str, &str); 4] = [
    (communes::NAME, communes::FEED),
    (reports::NAME, reports::FEED),
    (publications::NAME, publications::FEED),
    (dialogue::NAME, dialogue::FEED),
];

/// The commune's public events after `after`, in time order (then log, then
/// position), up to `limit`; nothing later than `now_us` (a publication
/// scheduled for tomorrow is not news yet).
pub async fn public_events(
    db: &Database,
    commune: &str,
    after: Cursor,
    limit: u32,
    now_us: i64,
) -> Result<Vec<PublicEventRow>, sqlx::Error> {
    let mut all = Vec::new();
    for (log, (name, table)) in FEEDS.iter().enumerate() {
        // (at, log, position) > (after.at, after.log, after.position), with this log's index fixed.
        let time = match log.cmp(&after.log) {
            std::cmp::Ordering::Greater => "at_us >= $3",
            std::cmp::Ordering::Less => "at_us > $3",
            std::cmp::Ordering::Equal => "(at_us > $3 OR (at_us = $3 AND position > $4))",
        };
        let found = read_active(db, name, |s| {
            let sql = format!(
                "SELECT position, at_us, type, subject, fields FROM {table}{s} \
                 WHERE commune = $1 AND at_us <= $2 AND {time} ORDER BY at_us, position LIMIT $5"
            );
            async move {
                sqlx::query(AssertSqlSafe(sql))
                    .bind(commune)
                    .bind(now_us)
                    .bind(after.at_us)
                    .bind(i64::try_from(after.position).unwrap_or(i64::MAX))
                    .bind(i64::from(limit))
                    .fetch_all(db.pool())
                    .await
            }
        })
        .await?;
        for r in &found {
            all.push(PublicEventRow {
                log,
                position: u64::try_from(r.try_get::<i64, _>(0)?).unwrap_or(0),
                at_us: r.try_get(1)?,
                kind: r.try_get(2)?,
                subject: r.try_get(3)?,
                fields: r.try_get(4)?,
            });
        }
    }
    all.sort_by_key(|e| (e.at_us, e.log, e.position));
    all.truncate(limit as usize);
    Ok(all)
}
