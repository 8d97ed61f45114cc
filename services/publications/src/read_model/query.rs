//! What the API reads. Visibility is decided here, with the time the API's
//! clock gives: a publication is public once published and its time has come
//! (archived ones stay readable); drafts and scheduled items are seen only by
//! the writers of their space.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use miroir_platform::search;
use miroir_platform::storage::Database;
use miroir_proto::publications::v1 as pb;
use prost::Message;
use sqlx::Row;

use super::decode_error;
use crate::domain::{Kind, Space};

/// Who reads, and when.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub now_us: i64,
    /// The spaces whose drafts and scheduled items this viewer may see.
    pub writes_official: bool,
    pub writes_citizen: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub space: Option<Space>,
    pub kind: Option<Kind>,
    pub status: Option<pb::PublicationStatus>,
    /// Words that must all start a word of the title or body ("" = any).
    pub query: String,
}

impl Filter {
    /// A digest of the filters, kept in page tokens: a token only continues
    /// the list it came from. The query counts by its words as searched, so
    /// "Vélo" and "velo" are the same list.
    pub fn fingerprint(&self) -> String {
        search::fingerprint(&format!(
            "{}/{}/{}/{}",
            self.space.map(Space::as_str).unwrap_or_default(),
            self.kind.map(Kind::as_str).unwrap_or_default(),
            self.status.map(|s| s.as_str_name()).unwrap_or_default(),
            search::patterns(&self.query).join(" ")
        ))
    }
}

/// Where the next page starts: after this (published time, id), in the list of these filters.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub published_at_us: i64,
    pub publication_id: String,
    /// [`Filter::fingerprint`] of the list.
    pub filter: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}:{}", self.published_at_us, self.publication_id, self.filter))
    }

    pub fn decode(token: &str) -> Option<Self> {
        let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
        let mut parts = raw.splitn(3, ':');
        let (at, id, filter) = (parts.next()?, parts.next()?, parts.next()?);
        uuid::Uuid::parse_str(id).ok()?;
        Some(Cursor { published_at_us: at.parse().ok()?, publication_id: id.to_owned(), filter: filter.to_owned() })
    }
}

enum Arg {
    Int(i64),
    Text(String),
}

/// The SQL condition (and its arguments, numbered from `$1`) of what `viewer` may see.
fn visible(viewer: &Viewer, args: &mut Vec<Arg>) -> String {
    args.push(Arg::Int(viewer.now_us));
    let now = args.len();
    let mut condition = format!("((status <> 'draft' AND published_at_us <= ${now})");
    if viewer.writes_official {
        condition.push_str(" OR space = 'official'");
    }
    if viewer.writes_citizen {
        condition.push_str(" OR space = 'citizen'");
    }
    condition.push(')');
    condition
}

/// The stored resource with its status as of `now_us` (published but not yet due = scheduled).
fn resource(bytes: &[u8], now_us: i64) -> Result<pb::Publication, sqlx::Error> {
    let mut publication = pb::Publication::decode(bytes).map_err(decode_error)?;
    if publication.status == pb::PublicationStatus::Published as i32 && publication.published_at_us > now_us {
        publication.status = pb::PublicationStatus::Scheduled as i32;
    }
    Ok(publication)
}

/// One publication of `commune`, if `viewer` may see it.
pub async fn get(
    db: &Database,
    commune: &str,
    publication_id: &str,
    viewer: &Viewer,
) -> Result<Option<pb::Publication>, sqlx::Error> {
    let mut args = Vec::new();
    let condition = visible(viewer, &mut args);
    let sql = format!(
        "SELECT resource FROM publications_view WHERE {condition} AND commune = ${} AND publication_id = ${}",
        args.len() + 1,
        args.len() + 2
    );
    args.push(Arg::Text(commune.to_owned()));
    args.push(Arg::Text(publication_id.to_owned()));
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for arg in args {
        query = match arg {
            Arg::Int(v) => query.bind(v),
            Arg::Text(v) => query.bind(v),
        };
    }
    let Some(row) = query.fetch_optional(db.pool()).await? else { return Ok(None) };
    let bytes: Vec<u8> = row.try_get(0)?;
    resource(&bytes, viewer.now_us).map(Some)
}

/// The space of a publication of `commune`, whatever its status (for role checks).
pub async fn space_of(db: &Database, commune: &str, publication_id: &str) -> Result<Option<Space>, sqlx::Error> {
    let row = sqlx::query("SELECT space FROM publications_view WHERE commune = $1 AND publication_id = $2")
        .bind(commune)
        .bind(publication_id)
        .fetch_optional(db.pool())
        .await?;
    match row {
        Some(row) => Ok(Space::parse(&row.try_get::<String, _>(0)?)),
        None => Ok(None),
    }
}

/// A page of `commune`'s publications that `viewer` may see, newest first.
pub async fn list(
    db: &Database,
    commune: &str,
    filter: &Filter,
    viewer: &Viewer,
    page_size: u32,
    cursor: Option<&Cursor>,
) -> Result<(Vec<pb::Publication>, Option<Cursor>), sqlx::Error> {
    let mut args = Vec::new();
    let mut conditions = vec![visible(viewer, &mut args)];
    let mut push = |args: &mut Vec<Arg>, sql: &str, arg: Arg| {
        args.push(arg);
        conditions.push(sql.replace('?', &format!("${}", args.len())));
    };
    push(&mut args, "commune = ?", Arg::Text(commune.to_owned()));
    if let Some(space) = filter.space {
        push(&mut args, "space = ?", Arg::Text(space.as_str().to_owned()));
    }
    if let Some(kind) = filter.kind {
        push(&mut args, "kind = ?", Arg::Text(kind.as_str().to_owned()));
    }
    match filter.status {
        Some(pb::PublicationStatus::Draft) => push(&mut args, "status = ?", Arg::Text("draft".into())),
        Some(pb::PublicationStatus::Archived) => push(&mut args, "status = ?", Arg::Text("archived".into())),
        Some(pb::PublicationStatus::Published) => {
            push(&mut args, "status = 'published' AND published_at_us <= ?", Arg::Int(viewer.now_us))
        }
        Some(pb::PublicationStatus::Scheduled) => {
            push(&mut args, "status = 'published' AND published_at_us > ?", Arg::Int(viewer.now_us))
        }
        Some(pb::PublicationStatus::Unspecified) | None => {}
    }
    for pattern in search::patterns(&filter.query) {
        push(&mut args, "search_text LIKE ?", Arg::Text(pattern));
    }
    if let Some(cursor) = cursor {
        args.push(Arg::Int(cursor.published_at_us));
        args.push(Arg::Text(cursor.publication_id.clone()));
        let (at, id) = (args.len() - 1, args.len());
        conditions.push(format!("(published_at_us < ${at} OR (published_at_us = ${at} AND publication_id < ${id}))"));
    }
    let sql = format!(
        "SELECT resource FROM publications_view WHERE {} ORDER BY published_at_us DESC, publication_id DESC LIMIT {}",
        conditions.join(" AND "),
        u64::from(page_size) + 1
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for arg in args {
        query = match arg {
            Arg::Int(v) => query.bind(v),
            Arg::Text(v) => query.bind(v),
        };
    }
    let rows = query.fetch_all(db.pool()).await?;
    let mut publications = rows
        .iter()
        .map(|row| resource(&row.try_get::<Vec<u8>, _>(0)?, viewer.now_us))
        .collect::<Result<Vec<_>, _>>()?;
    let next = if publications.len() > page_size as usize {
        publications.truncate(page_size as usize);
        publications.last().map(|p| Cursor {
            published_at_us: p.published_at_us,
            publication_id: p.publication_id.clone(),
            filter: filter.fingerprint(),
        })
    } else {
        None
    };
    Ok((publications, next))
}

/// The public revisions of a publication, oldest first.
pub async fn revisions(db: &Database, publication_id: &str) -> Result<Vec<pb::Revision>, sqlx::Error> {
    let rows = sqlx::query("SELECT resource FROM publication_revisions WHERE publication_id = $1 ORDER BY revision")
        .bind(publication_id)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|row| pb::Revision::decode(row.try_get::<Vec<u8>, _>(0)?.as_slice()).map_err(decode_error))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::Cursor;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let cursor = Cursor {
            published_at_us: 42,
            publication_id: "0190c0de-0000-7000-8000-000000000000".into(),
            filter: "0123456789abcdef".into(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode("nope"), None);
        assert_eq!(Cursor::decode(""), None);
    }
}
