//! What the API reads from the read model. Everything a caller may not see is
//! decided here, once: an anonymous report is public only after its e-mail is
//! verified; the reporter's e-mail and the assigned agent are for the
//! commune's staff only.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use miroir_platform::search::patterns;
use miroir_platform::storage::Database;
use miroir_proto::reports::v1 as pb;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::domain::Status;
use crate::domain::location::{DUPLICATE_RADIUS_M, bounding_box, distance_m};

/// Who is reading: their account (for "you support this") and whether they
/// are the commune's staff.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Viewer {
    pub account: Option<String>,
    pub staff: bool,
    /// Sees a report not yet verified (its submitter, right after submitting).
    pub include_unverified: bool,
}

pub fn to_status(status: Option<Status>) -> pb::ReportStatus {
    match status {
        Some(Status::New) => pb::ReportStatus::New,
        Some(Status::Acknowledged) => pb::ReportStatus::Acknowledged,
        Some(Status::InProgress) => pb::ReportStatus::InProgress,
        Some(Status::Resolved) => pb::ReportStatus::Resolved,
        Some(Status::Rejected) => pb::ReportStatus::Rejected,
        Some(Status::Merged) => pb::ReportStatus::Merged,
        None => pb::ReportStatus::Unspecified,
    }
}

const COLUMNS: &str = "report_id, commune, category, title, description, latitude, longitude, address, status, \
     submitted_at_us, acknowledged_at_us, acknowledgement_message, version, resolved_at_us, department, \
     assigned_agent, supports, merged_into, verified, reporter_email, reporter, client";

fn to_report(row: &AnyRow, viewer: &Viewer) -> Result<pb::Report, sqlx::Error> {
    let report_id: String = row.try_get("report_id")?;
    let commune: String = row.try_get("commune")?;
    let status = to_status(Status::parse(&row.try_get::<String, _>("status")?));
    let reporter: String = row.try_get("reporter")?;
    let staff_only = |value: String| if viewer.staff { value } else { String::new() };
    Ok(pb::Report {
        name: format!("communes/{commune}/reports/{report_id}"),
        report_id,
        commune,
        category: row.try_get("category")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        location: Some(pb::Location {
            latitude: row.try_get("latitude")?,
            longitude: row.try_get("longitude")?,
            address: row.try_get("address")?,
        }),
        status: status.into(),
        submitted_at_us: row.try_get("submitted_at_us")?,
        acknowledged_at_us: row.try_get("acknowledged_at_us")?,
        acknowledgement_message: row.try_get("acknowledgement_message")?,
        version: u64::try_from(row.try_get::<i64, _>("version")?).unwrap_or_default(),
        updates: Vec::new(),
        resolved_at_us: row.try_get("resolved_at_us")?,
        department: row.try_get("department")?,
        assigned_agent: staff_only(row.try_get("assigned_agent")?),
        attributes: Vec::new(),
        photos: Vec::new(),
        supports: u32::try_from(row.try_get::<i64, _>("supports")?).unwrap_or(u32::MAX),
        merged_into: row.try_get("merged_into")?,
        verified: row.try_get::<i64, _>("verified")? != 0,
        reporter_email: staff_only(row.try_get("reporter_email")?),
        reported_by_caller: !reporter.is_empty() && viewer.account.as_deref() == Some(reporter.as_str()),
        supported_by_caller: false,
        via_integration: !row.try_get::<String, _>("client")?.is_empty(),
    })
}

/// One report of one commune with its timeline, attributes and photos. A
/// report of another commune, or one the viewer may not see yet, is not found.
pub async fn get(
    db: &Database,
    commune: &str,
    report_id: &str,
    viewer: &Viewer,
) -> Result<Option<pb::Report>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM reports_view WHERE commune = $1 AND report_id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(commune).bind(report_id).fetch_optional(db.pool()).await?;
    let Some(mut report) = row.as_ref().map(|r| to_report(r, viewer)).transpose()? else { return Ok(None) };
    if !report.verified && !viewer.staff && !viewer.include_unverified {
        return Ok(None);
    }
    let updates = sqlx::query(
        "SELECT status, message, by_whom, at_us, kind FROM report_updates WHERE report_id = $1 ORDER BY position",
    )
    .bind(report_id)
    .fetch_all(db.pool())
    .await?;
    for update in &updates {
        report.updates.push(pb::PublicUpdate {
            status: to_status(Status::parse(&update.try_get::<String, _>(0)?)).into(),
            message: update.try_get(1)?,
            by: update.try_get(2)?,
            at_us: update.try_get(3)?,
            kind: update.try_get(4)?,
        });
    }
    let answers = sqlx::query("SELECT code, value FROM report_attributes WHERE report_id = $1 ORDER BY code, position")
        .bind(report_id)
        .fetch_all(db.pool())
        .await?;
    for row in &answers {
        let code: String = row.try_get(0)?;
        let value: String = row.try_get(1)?;
        match report.attributes.last_mut() {
            Some(last) if last.code == code => last.values.push(value),
            _ => report.attributes.push(pb::AttributeAnswer { code, values: vec![value] }),
        }
    }
    let photos = sqlx::query(
        "SELECT photo_id, content_type, size_bytes FROM report_photos WHERE report_id = $1 ORDER BY position",
    )
    .bind(report_id)
    .fetch_all(db.pool())
    .await?;
    for row in &photos {
        let photo_id: String = row.try_get(0)?;
        report.photos.push(pb::ReportPhotoRef {
            name: format!("{}/photos/{photo_id}", report.name),
            content_type: row.try_get(1)?,
            size_bytes: u64::try_from(row.try_get::<i64, _>(2)?).unwrap_or_default(),
        });
    }
    if let Some(account) = &viewer.account {
        report.supported_by_caller = sqlx::query("SELECT 1 FROM report_supports WHERE report_id = $1 AND account = $2")
            .bind(report_id)
            .bind(account)
            .fetch_optional(db.pool())
            .await?
            .is_some();
    }
    Ok(Some(report))
}

/// The order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    #[default]
    Newest,
    MostSupported,
}

impl Order {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "" | "newest" => Some(Order::Newest),
            "most_supported" => Some(Order::MostSupported),
            _ => None,
        }
    }
}

/// What a list keeps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub statuses: Vec<Status>,
    pub categories: Vec<String>,
    pub department: Option<String>,
    pub assigned_agent: Option<String>,
    /// (south, west, north, east)
    pub bounding_box: Option<(f64, f64, f64, f64)>,
    pub submitted_after_us: Option<i64>,
    pub submitted_before_us: Option<i64>,
    pub text: String,
    pub order: Order,
}

impl Filter {
    /// A short digest of the filter, carried by page tokens: a token is only
    /// valid for the filter it was made for.
    fn fingerprint(&self) -> String {
        miroir_platform::search::fingerprint(&format!("{self:?}"))
    }
}

/// Where a page starts: after this report in the list's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub fingerprint: String,
    pub supports: i64,
    pub submitted_at_us: i64,
    pub report_id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD
            .encode(format!("v2:{}:{}:{}:{}", self.fingerprint, self.supports, self.submitted_at_us, self.report_id))
    }

    pub fn decode(token: &str) -> Option<Self> {
        let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
        let mut parts = raw.splitn(5, ':');
        if parts.next()? != "v2" {
            return None;
        }
        Some(Self {
            fingerprint: parts.next()?.to_owned(),
            supports: parts.next()?.parse().ok()?,
            submitted_at_us: parts.next()?.parse().ok()?,
            report_id: parts.next()?.to_owned(),
        })
    }
}

/// Why a page token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrongFilter;

/// Builds a query with numbered placeholders, the same text for PostgreSQL and SQLite.
struct Sql {
    text: String,
    binds: Vec<Bind>,
}

enum Bind {
    Text(String),
    Int(i64),
    Float(f64),
}

impl Sql {
    fn arg(&mut self, bind: Bind) -> String {
        self.binds.push(bind);
        format!("${}", self.binds.len())
    }

    async fn fetch(self, db: &Database) -> Result<Vec<AnyRow>, sqlx::Error> {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(self.text));
        for bind in self.binds {
            query = match bind {
                Bind::Text(v) => query.bind(v),
                Bind::Int(v) => query.bind(v),
                Bind::Float(v) => query.bind(v),
            };
        }
        query.fetch_all(db.pool()).await
    }
}

/// A page of a commune's reports in the filter's order, and the cursor of
/// the next page. Reports the viewer may not see are left out.
pub async fn list(
    db: &Database,
    commune: &str,
    filter: &Filter,
    viewer: &Viewer,
    page_size: u32,
    after: Option<&Cursor>,
) -> Result<Result<(Vec<pb::Report>, Option<Cursor>), WrongFilter>, sqlx::Error> {
    let fingerprint = filter.fingerprint();
    if after.is_some_and(|c| c.fingerprint != fingerprint) {
        return Ok(Err(WrongFilter));
    }
    let mut sql = Sql { text: String::new(), binds: Vec::new() };
    let commune_arg = sql.arg(Bind::Text(commune.to_owned()));
    let mut text = format!("SELECT {COLUMNS} FROM reports_view WHERE commune = {commune_arg}");
    if !viewer.staff {
        text.push_str(" AND verified = 1");
    }
    if !filter.statuses.is_empty() {
        let args: Vec<String> = filter.statuses.iter().map(|s| sql.arg(Bind::Text(s.as_str().to_owned()))).collect();
        text.push_str(&format!(" AND status IN ({})", args.join(", ")));
    }
    if !filter.categories.is_empty() {
        let args: Vec<String> = filter.categories.iter().map(|c| sql.arg(Bind::Text(c.clone()))).collect();
        text.push_str(&format!(" AND category IN ({})", args.join(", ")));
    }
    if let Some(department) = &filter.department {
        text.push_str(&format!(" AND department = {}", sql.arg(Bind::Text(department.clone()))));
    }
    if let Some(agent) = &filter.assigned_agent {
        text.push_str(&format!(" AND assigned_agent = {}", sql.arg(Bind::Text(agent.clone()))));
    }
    if let Some((south, west, north, east)) = filter.bounding_box {
        let (s, n) = (sql.arg(Bind::Float(south)), sql.arg(Bind::Float(north)));
        let (w, e) = (sql.arg(Bind::Float(west)), sql.arg(Bind::Float(east)));
        text.push_str(&format!(" AND latitude BETWEEN {s} AND {n} AND longitude BETWEEN {w} AND {e}"));
    }
    if let Some(after_us) = filter.submitted_after_us {
        text.push_str(&format!(" AND submitted_at_us >= {}", sql.arg(Bind::Int(after_us))));
    }
    if let Some(before_us) = filter.submitted_before_us {
        text.push_str(&format!(" AND submitted_at_us < {}", sql.arg(Bind::Int(before_us))));
    }
    for pattern in patterns(&filter.text) {
        text.push_str(&format!(" AND search_text LIKE {}", sql.arg(Bind::Text(pattern))));
    }
    if let Some(cursor) = after {
        let at = sql.arg(Bind::Int(cursor.submitted_at_us));
        let id = sql.arg(Bind::Text(cursor.report_id.clone()));
        match filter.order {
            Order::Newest => text
                .push_str(&format!(" AND (submitted_at_us < {at} OR (submitted_at_us = {at} AND report_id < {id}))")),
            Order::MostSupported => {
                let supports = sql.arg(Bind::Int(cursor.supports));
                text.push_str(&format!(
                    " AND (supports < {supports} OR (supports = {supports} AND (submitted_at_us < {at} \
                     OR (submitted_at_us = {at} AND report_id < {id}))))"
                ));
            }
        }
    }
    text.push_str(match filter.order {
        Order::Newest => " ORDER BY submitted_at_us DESC, report_id DESC",
        Order::MostSupported => " ORDER BY supports DESC, submitted_at_us DESC, report_id DESC",
    });
    let limit = sql.arg(Bind::Int(i64::from(page_size) + 1));
    text.push_str(&format!(" LIMIT {limit}"));
    sql.text = text;
    let rows = sql.fetch(db).await?;
    let mut reports = rows.iter().map(|r| to_report(r, viewer)).collect::<Result<Vec<_>, _>>()?;
    let next = if reports.len() > page_size as usize {
        reports.truncate(page_size as usize);
        reports.last().map(|r| Cursor {
            fingerprint: fingerprint.clone(),
            supports: i64::from(r.supports),
            submitted_at_us: r.submitted_at_us,
            report_id: r.report_id.clone(),
        })
    } else {
        None
    };
    if let Some(account) = &viewer.account {
        for report in &mut reports {
            report.supported_by_caller =
                sqlx::query("SELECT 1 FROM report_supports WHERE report_id = $1 AND account = $2")
                    .bind(&report.report_id)
                    .bind(account)
                    .fetch_optional(db.pool())
                    .await?
                    .is_some();
        }
    }
    Ok(Ok((reports, next)))
}

/// Open, public reports of `category` within 50 m of `point`, nearest first (at most 10).
pub async fn nearby(
    db: &Database,
    commune: &str,
    category: &str,
    point: (f64, f64),
    viewer: &Viewer,
) -> Result<Vec<(pb::Report, f64)>, sqlx::Error> {
    let (south, west, north, east) = bounding_box(point, DUPLICATE_RADIUS_M);
    let sql = format!(
        "SELECT {COLUMNS} FROM reports_view WHERE commune = $1 AND category = $2 AND verified = 1 \
         AND status IN ('new', 'acknowledged', 'in_progress') \
         AND latitude BETWEEN $3 AND $4 AND longitude BETWEEN $5 AND $6"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(commune)
        .bind(category)
        .bind(south)
        .bind(north)
        .bind(west)
        .bind(east)
        .fetch_all(db.pool())
        .await?;
    let mut found = Vec::new();
    for row in &rows {
        let report = to_report(row, viewer)?;
        let location = report.location.clone().unwrap_or_default();
        let distance = distance_m(point, (location.latitude, location.longitude));
        if distance <= DUPLICATE_RADIUS_M {
            found.push((report, distance));
        }
    }
    found.sort_by(|a, b| a.1.total_cmp(&b.1));
    found.truncate(10);
    Ok(found)
}

/// A photo's content type and object key, if the report is visible to the viewer.
pub async fn photo(
    db: &Database,
    commune: &str,
    report_id: &str,
    photo_id: &str,
    viewer: &Viewer,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT p.content_type, p.object_key, r.verified FROM report_photos p \
         JOIN reports_view r ON r.report_id = p.report_id \
         WHERE r.commune = $1 AND p.report_id = $2 AND p.photo_id = $3",
    )
    .bind(commune)
    .bind(report_id)
    .bind(photo_id)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    if row.try_get::<i64, _>(2)? == 0 && !viewer.staff {
        return Ok(None);
    }
    Ok(Some((row.try_get(0)?, row.try_get(1)?)))
}

/// A report's internal notes, oldest first.
pub async fn notes(db: &Database, report_id: &str) -> Result<Vec<pb::InternalNote>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT note_id, author, text, at_us FROM report_notes WHERE report_id = $1 ORDER BY position")
            .bind(report_id)
            .fetch_all(db.pool())
            .await?;
    rows.iter()
        .map(|row| {
            Ok(pb::InternalNote {
                note_id: row.try_get(0)?,
                author: row.try_get(1)?,
                text: row.try_get(2)?,
                at_us: row.try_get(3)?,
            })
        })
        .collect()
}

/// A report's supporters and followers (to move them on a merge).
pub async fn supporters_and_followers(
    db: &Database,
    report_id: &str,
) -> Result<(Vec<String>, Vec<String>), sqlx::Error> {
    let column = |rows: Vec<AnyRow>| rows.iter().map(|r| r.try_get::<String, _>(0)).collect::<Result<Vec<_>, _>>();
    let supporters = sqlx::query("SELECT account FROM report_supports WHERE report_id = $1 ORDER BY account")
        .bind(report_id)
        .fetch_all(db.pool())
        .await?;
    let followers = sqlx::query("SELECT account FROM report_followers WHERE report_id = $1 ORDER BY account")
        .bind(report_id)
        .fetch_all(db.pool())
        .await?;
    Ok((column(supporters)?, column(followers)?))
}

/// The (commune, report id) waiting for the verification token with this SHA-256.
pub async fn by_verification(db: &Database, token_sha256: &str) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query("SELECT commune, report_id FROM reports_view WHERE verification_token_sha256 = $1")
        .bind(token_sha256)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = Cursor {
            fingerprint: Filter::default().fingerprint(),
            supports: 3,
            submitted_at_us: 1_700_000_000_000_000,
            report_id: "0190-abc".into(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode("%%%"), None);
        assert_eq!(Cursor::decode("bm90LWEtY3Vyc29y"), None);
    }

    #[test]
    fn a_filter_has_a_stable_fingerprint_that_changes_with_it() {
        let newest = Filter::default();
        let supported = Filter { order: Order::MostSupported, ..Filter::default() };
        assert_eq!(newest.fingerprint(), Filter::default().fingerprint());
        assert_ne!(newest.fingerprint(), supported.fingerprint());
    }
}
