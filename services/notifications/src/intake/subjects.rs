//! The `subjects` table: what the intake knows of each thing people follow,
//! subscribe to or are told about, from the events about it. Enough to find
//! who hears about it (its category, point, space, department, author) and to
//! name it (its title, shown only once the thing is public).

use sqlx::{AnyConnection, Row};

/// Resource names, as the source services name their resources.
pub fn name(commune: &str, collection: &str, id: &str) -> String {
    format!("communes/{commune}/{collection}/{id}")
}

/// What the resource name says it is: "report", "question", "proposal",
/// "publication" or "comment" (from its collection).
pub fn kind_of(subject: &str) -> &'static str {
    match subject.split('/').nth(2) {
        Some("reports") => "report",
        Some("questions") => "question",
        Some("proposals") => "proposal",
        Some("publications") => "publication",
        Some("comments") => "comment",
        _ => "",
    }
}

/// One row of `subjects`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Subject {
    pub subject: String,
    pub commune: String,
    /// "report", "question", "proposal", "comment" or a publication's kind.
    pub kind: String,
    pub title: String,
    /// "official" or "citizen" (an official's comment is "official").
    pub space: String,
    pub category: String,
    pub department: String,
    /// Microdegrees (latitude, longitude).
    pub point: Option<(i64, i64)>,
    /// The account that wrote it ("" when anonymous or city IT).
    pub author: String,
    pub status: String,
    /// The public may see it (a verified report, a published item, content not hidden).
    pub public: bool,
}

/// Writes the subject as it is now (a replayed creation starts it over: the
/// events after it bring it back to its state).
pub async fn put(conn: &mut AnyConnection, s: &Subject, at_us: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO subjects (subject, commune, kind, title, space, category, department, lat_e6, lon_e6, author, \
         status, public, updated_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (subject) DO UPDATE SET commune = excluded.commune, kind = excluded.kind, \
         title = excluded.title, space = excluded.space, category = excluded.category, \
         department = excluded.department, lat_e6 = excluded.lat_e6, lon_e6 = excluded.lon_e6, \
         author = excluded.author, status = excluded.status, public = excluded.public, \
         updated_at_us = excluded.updated_at_us",
    )
    .bind(&s.subject)
    .bind(&s.commune)
    .bind(&s.kind)
    .bind(&s.title)
    .bind(&s.space)
    .bind(&s.category)
    .bind(&s.department)
    .bind(s.point.map(|p| p.0))
    .bind(s.point.map(|p| p.1))
    .bind(&s.author)
    .bind(&s.status)
    .bind(i64::from(s.public))
    .bind(at_us)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, subject: &str) -> Result<Option<Subject>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT subject, commune, kind, title, space, category, department, lat_e6, lon_e6, author, status, public \
         FROM subjects WHERE subject = $1",
    )
    .bind(subject)
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let point = match (row.try_get::<Option<i64>, _>("lat_e6")?, row.try_get::<Option<i64>, _>("lon_e6")?) {
        (Some(lat), Some(lon)) => Some((lat, lon)),
        _ => None,
    };
    Ok(Some(Subject {
        subject: row.try_get("subject")?,
        commune: row.try_get("commune")?,
        kind: row.try_get("kind")?,
        title: row.try_get("title")?,
        space: row.try_get("space")?,
        category: row.try_get("category")?,
        department: row.try_get("department")?,
        point,
        author: row.try_get("author")?,
        status: row.try_get("status")?,
        public: row.try_get::<i64, _>("public")? != 0,
    }))
}

/// A change to a known subject (nothing happens to an unknown one).
pub enum Change<'a> {
    Status(&'a str),
    Public(bool),
    Title(&'a str),
    Department(&'a str),
}

pub async fn change(
    conn: &mut AnyConnection,
    subject: &str,
    change: Change<'_>,
    at_us: i64,
) -> Result<(), sqlx::Error> {
    let query = match change {
        Change::Status(status) => sqlx::query("UPDATE subjects SET status = $1, updated_at_us = $2 WHERE subject = $3")
            .bind(status.to_owned()),
        Change::Title(title) => {
            sqlx::query("UPDATE subjects SET title = $1, updated_at_us = $2 WHERE subject = $3").bind(title.to_owned())
        }
        Change::Department(department) => {
            sqlx::query("UPDATE subjects SET department = $1, updated_at_us = $2 WHERE subject = $3")
                .bind(department.to_owned())
        }
        Change::Public(public) => sqlx::query("UPDATE subjects SET public = $1, updated_at_us = $2 WHERE subject = $3")
            .bind(i64::from(public)),
    };
    query.bind(at_us).bind(subject.to_owned()).execute(conn).await?;
    Ok(())
}

/// A publication's point (a project's location) as its draft or amendment says.
pub async fn set_point(
    conn: &mut AnyConnection,
    subject: &str,
    point: Option<(i64, i64)>,
    at_us: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE subjects SET lat_e6 = $1, lon_e6 = $2, updated_at_us = $3 WHERE subject = $4")
        .bind(point.map(|p| p.0))
        .bind(point.map(|p| p.1))
        .bind(at_us)
        .bind(subject)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resource_name_says_its_kind() {
        assert_eq!(kind_of(&name("75056", "reports", "r1")), "report");
        assert_eq!(kind_of(&name("75056", "comments", "c1")), "comment");
        assert_eq!(kind_of("communes/75056"), "");
    }
}
