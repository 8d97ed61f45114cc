//! From reports' log: one row per report — when it became public, the
//! commune's first public step on it, its resolution or rejection, its state.
//! No title, description, photo nor reporter: only the category and times.
//!
//! A batch of events is folded in memory ([`evolve`], pure) over the rows it
//! touches, read in one statement, then written back in a few: a rebuild
//! replays hundreds of thousands of reports' events, and one round trip per
//! event would be its whole cost.

use std::collections::{BTreeMap, BTreeSet};

use miroir_eventstore::RecordedEvent;
use miroir_eventstore::consumer::HandlerError;
use miroir_eventstore::projection::Projection;
use miroir_proto::reports::v1 as pb;
use sqlx::{AnyConnection, AssertSqlSafe, Row as _};

use super::feed::{self, FeedRow};
use super::{departement_of, occurred_at, or_event_time};

pub const NAME: &str = "transparency-reports";
pub const TABLE: &str = "tr_reports";
pub const FEED: &str = "tr_reports_feed";

pub struct ReportsProjection;

/// A report as the projection keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub report_id: String,
    pub commune: String,
    pub category: String,
    pub received_us: Option<i64>,
    pub first_response_us: Option<i64>,
    pub resolved_us: Option<i64>,
    pub rejected_us: Option<i64>,
    /// "pending" (anonymous, not verified yet), "open", "resolved", "rejected", "merged".
    pub state: &'static str,
}

impl Row {
    fn public(&self) -> bool {
        self.state != "pending"
    }
}

/// What a reports' event says, for this projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    Submitted {
        category: String,
        public: bool,
    },
    Verified,
    /// Acknowledged or work started: a public step that closes nothing.
    Step {
        kind: &'static str,
    },
    Resolved {
        at_us: i64,
    },
    Rejected,
    Merged {
        into: String,
    },
    Reopened,
    Assigned {
        department: String,
    },
}

/// The report an event is about and what it says; `None` for events that are nobody's figure.
pub fn decode(event: &RecordedEvent) -> Result<Option<(String, Fact)>, prost::DecodeError> {
    Ok(Some(if let Some(e) = event.decode::<pb::ReportSubmitted>() {
        let e = e?;
        // An anonymous report is public once its e-mail is verified.
        (e.report_id, Fact::Submitted { category: e.category, public: e.verification_token_sha256.is_empty() })
    } else if let Some(e) = event.decode::<pb::ReportVerified>() {
        (e?.report_id, Fact::Verified)
    } else if let Some(e) = event.decode::<pb::ReportAcknowledged>() {
        (e?.report_id, Fact::Step { kind: "report.acknowledged" })
    } else if let Some(e) = event.decode::<pb::ReportWorkStarted>() {
        (e?.report_id, Fact::Step { kind: "report.work_started" })
    } else if let Some(e) = event.decode::<pb::ReportResolved>() {
        let e = e?;
        (e.report_id, Fact::Resolved { at_us: or_event_time(e.resolved_at_us, event) })
    } else if let Some(e) = event.decode::<pb::ReportRejected>() {
        (e?.report_id, Fact::Rejected)
    } else if let Some(e) = event.decode::<pb::ReportMerged>() {
        let e = e?;
        (e.report_id, Fact::Merged { into: e.into_report_id })
    } else if let Some(e) = event.decode::<pb::ReportReopened>() {
        (e?.report_id, Fact::Reopened)
    } else if let Some(e) = event.decode::<pb::ReportAssigned>() {
        let e = e?;
        (e.report_id, Fact::Assigned { department: e.department })
    } else {
        return Ok(None);
    }))
}

/// A public event: its kind and fields.
pub type Announced = (&'static str, Vec<(&'static str, String)>);

/// What one event does to its report's row (`None`: not known yet), and the
/// public event it makes (nothing about a report that is not public).
pub fn evolve(
    row: Option<Row>,
    report_id: &str,
    fact: &Fact,
    commune: &str,
    at_us: i64,
) -> (Option<Row>, Option<Announced>) {
    let public_row = row.clone().filter(Row::public);
    match (fact, row) {
        (Fact::Submitted { category, public }, row) => {
            let row = row.unwrap_or_else(|| Row {
                report_id: report_id.to_owned(),
                commune: commune.to_owned(),
                category: category.clone(),
                received_us: public.then_some(at_us),
                first_response_us: None,
                resolved_us: None,
                rejected_us: None,
                state: if *public { "open" } else { "pending" },
            });
            let announced = public.then(|| ("report.received", vec![("category", category.clone())]));
            (Some(row), announced)
        }
        (Fact::Verified, Some(row)) if !row.public() => {
            let category = row.category.clone();
            let row = Row { received_us: Some(at_us), state: "open", ..row };
            (Some(row), Some(("report.received", vec![("category", category)])))
        }
        (_, row) if public_row.is_none() => (row, None),
        (fact, Some(row)) => {
            let first = Some(row.first_response_us.unwrap_or(at_us));
            match fact {
                Fact::Step { kind } => (Some(Row { first_response_us: first, ..row }), Some((kind, vec![]))),
                Fact::Resolved { at_us: resolved } => {
                    let first = Some(row.first_response_us.unwrap_or(at_us.min(*resolved)));
                    let row = Row { first_response_us: first, state: "resolved", resolved_us: Some(*resolved), ..row };
                    (Some(row), Some(("report.resolved", vec![])))
                }
                Fact::Rejected => {
                    let row = Row { first_response_us: first, state: "rejected", rejected_us: Some(at_us), ..row };
                    (Some(row), Some(("report.rejected", vec![])))
                }
                Fact::Merged { into } => {
                    let row = Row { first_response_us: first, state: "merged", resolved_us: Some(at_us), ..row };
                    let into = format!("communes/{commune}/reports/{into}");
                    (Some(row), Some(("report.merged", vec![("into", into)])))
                }
                Fact::Reopened => {
                    let row = Row { state: "open", resolved_us: None, rejected_us: None, ..row };
                    (Some(row), Some(("report.reopened", vec![])))
                }
                Fact::Assigned { department } => {
                    (Some(row), Some(("report.assigned", vec![("department", department.clone())])))
                }
                Fact::Submitted { .. } | Fact::Verified => (Some(row), None),
            }
        }
        (_, None) => (None, None),
    }
}

fn state_name(raw: &str) -> &'static str {
    match raw {
        "open" => "open",
        "resolved" => "resolved",
        "rejected" => "rejected",
        "merged" => "merged",
        _ => "pending",
    }
}

/// Rows per multi-row statement (9 parameters each).
const CHUNK: usize = 200;

async fn load(conn: &mut AnyConnection, s: &str, ids: &BTreeSet<&str>) -> Result<BTreeMap<String, Row>, sqlx::Error> {
    let mut rows = BTreeMap::new();
    let ids: Vec<&str> = ids.iter().copied().collect();
    for chunk in ids.chunks(CHUNK * 4) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT report_id, commune, category, received_us, first_response_us, resolved_us, rejected_us, state \
             FROM {TABLE}{s} WHERE report_id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for r in query.fetch_all(&mut *conn).await? {
            let row = Row {
                report_id: r.try_get(0)?,
                commune: r.try_get(1)?,
                category: r.try_get(2)?,
                received_us: r.try_get(3)?,
                first_response_us: r.try_get(4)?,
                resolved_us: r.try_get(5)?,
                rejected_us: r.try_get(6)?,
                state: state_name(r.try_get::<&str, _>(7)?),
            };
            rows.insert(row.report_id.clone(), row);
        }
    }
    Ok(rows)
}

async fn store(conn: &mut AnyConnection, s: &str, rows: &[&Row]) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = i * 9;
                let params: Vec<String> = (1..=9).map(|k| format!("${}", p + k)).collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {TABLE}{s} (report_id, commune, departement, category, received_us, first_response_us, \
             resolved_us, rejected_us, state) VALUES {} ON CONFLICT (report_id) DO UPDATE SET \
             received_us = excluded.received_us, first_response_us = excluded.first_response_us, \
             resolved_us = excluded.resolved_us, rejected_us = excluded.rejected_us, state = excluded.state",
            values.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for row in chunk {
            query = query
                .bind(row.report_id.clone())
                .bind(row.commune.clone())
                .bind(departement_of(&row.commune))
                .bind(row.category.clone())
                .bind(row.received_us)
                .bind(row.first_response_us)
                .bind(row.resolved_us)
                .bind(row.rejected_us)
                .bind(row.state);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

impl Projection for ReportsProjection {
    fn name(&self) -> &str {
        NAME
    }

    fn create_tables(&self, s: &str) -> Vec<String> {
        let mut ddl = vec![
            format!(
                "CREATE TABLE IF NOT EXISTS {TABLE}{s} (report_id TEXT PRIMARY KEY, commune TEXT NOT NULL, \
                 departement TEXT NOT NULL, category TEXT NOT NULL, received_us BIGINT, first_response_us BIGINT, \
                 resolved_us BIGINT, rejected_us BIGINT, state TEXT NOT NULL)"
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
            let (commune, at_us) = (event.commune.as_str(), occurred_at(event));
            let before = rows.get(id).cloned();
            let (after, announced) = evolve(before.clone(), id, fact, commune, at_us);
            if after != before
                && let Some(after) = after
            {
                rows.insert(id.clone(), after);
                changed.insert(id.as_str());
            }
            if let Some((kind, fields)) = announced {
                let subject = format!("communes/{commune}/reports/{id}");
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

    fn step(row: Option<Row>, fact: Fact, at: i64) -> (Option<Row>, Option<&'static str>) {
        let (row, public) = evolve(row, "r1", &fact, "75056", at);
        (row, public.map(|(kind, _)| kind))
    }

    #[test]
    fn a_report_goes_from_received_to_resolved_and_back() {
        let (row, public) = step(None, Fact::Submitted { category: "voirie".into(), public: true }, 10);
        assert_eq!(public, Some("report.received"));
        let (row, _) = step(row, Fact::Step { kind: "report.acknowledged" }, 20);
        let (row, _) = step(row, Fact::Resolved { at_us: 30 }, 30);
        let row = row.expect("row");
        assert_eq!(
            (row.received_us, row.first_response_us, row.resolved_us, row.state),
            (Some(10), Some(20), Some(30), "resolved")
        );
        let (row, public) = step(Some(row), Fact::Reopened, 40);
        let row = row.expect("row");
        assert_eq!(
            (row.first_response_us, row.resolved_us, row.state, public),
            (Some(20), None, "open", Some("report.reopened"))
        );
        // A second submission of the same id changes nothing.
        let (again, _) = step(Some(row.clone()), Fact::Submitted { category: "autre".into(), public: true }, 50);
        assert_eq!(again, Some(row));
    }

    #[test]
    fn an_anonymous_report_is_nobodys_business_until_verified() {
        let (row, public) = step(None, Fact::Submitted { category: "voirie".into(), public: false }, 10);
        assert_eq!((row.as_ref().map(|r| r.state), public), (Some("pending"), None));
        let (row, public) = step(row, Fact::Step { kind: "report.acknowledged" }, 15);
        assert_eq!(
            (row.as_ref().and_then(|r| r.first_response_us), public),
            (None, None),
            "no step on a pending report"
        );
        let (row, public) = step(row, Fact::Verified, 20);
        assert_eq!((row.as_ref().and_then(|r| r.received_us), public), (Some(20), Some("report.received")));
        let (row, public) = step(row, Fact::Verified, 30);
        assert_eq!((row.and_then(|r| r.received_us), public), (Some(20), None), "verified once");
        // Events about a report never seen: nothing.
        assert_eq!(step(None, Fact::Rejected, 5), (None, None));
    }

    #[test]
    fn a_resolution_without_a_step_is_the_first_response() {
        let (row, _) = step(None, Fact::Submitted { category: "voirie".into(), public: true }, 10);
        let (row, _) = step(row, Fact::Resolved { at_us: 25 }, 40);
        let row = row.expect("row");
        assert_eq!((row.first_response_us, row.resolved_us), (Some(25), Some(25)));
    }
}
