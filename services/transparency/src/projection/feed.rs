//! The public events a projection records beside its facts: what the
//! commune's open-data feed (JSON lines) lists. Only public, non-personal
//! fields: no account id, no e-mail, no text a resident wrote.

use sqlx::{AnyConnection, AssertSqlSafe};

/// DDL of a log's feed table, `{table}{suffix}`.
pub fn create(table: &str, suffix: &str) -> Vec<String> {
    vec![
        format!(
            "CREATE TABLE IF NOT EXISTS {table}{suffix} (position BIGINT PRIMARY KEY, commune TEXT NOT NULL, \
             at_us BIGINT NOT NULL, type TEXT NOT NULL, subject TEXT NOT NULL, fields TEXT NOT NULL)"
        ),
        format!("CREATE INDEX IF NOT EXISTS {table}{suffix}_commune ON {table}{suffix} (commune, at_us, position)"),
    ]
}

pub fn drop(table: &str, suffix: &str) -> String {
    format!("DROP TABLE IF EXISTS {table}{suffix}")
}

/// One public event.
pub struct PublicEvent<'a> {
    pub commune: &'a str,
    pub at_us: i64,
    pub kind: &'a str,
    pub subject: String,
    pub fields: Vec<(&'a str, String)>,
}

/// Records `event` at `position` (once: a replay of the same position writes nothing).
pub async fn record(
    conn: &mut AnyConnection,
    table: &str,
    suffix: &str,
    position: u64,
    event: PublicEvent<'_>,
) -> Result<(), sqlx::Error> {
    let fields: serde_json::Map<String, serde_json::Value> =
        event.fields.into_iter().map(|(k, v)| (k.to_owned(), serde_json::Value::String(v))).collect();
    let sql = format!(
        "INSERT INTO {table}{suffix} (position, commune, at_us, type, subject, fields) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (position) DO NOTHING"
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(event.commune)
        .bind(event.at_us)
        .bind(event.kind)
        .bind(event.subject)
        .bind(serde_json::Value::Object(fields).to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// A public event owned, for projections that fold a batch before writing.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedRow {
    pub position: u64,
    pub commune: String,
    pub at_us: i64,
    pub kind: &'static str,
    pub subject: String,
    pub fields: Vec<(&'static str, String)>,
}

/// Rows per multi-row statement: 6 parameters each, far below SQLite's and PostgreSQL's limits.
const CHUNK: usize = 200;

/// Records `rows` (once each: a replayed position writes nothing), a few statements in all.
pub async fn record_many(
    conn: &mut AnyConnection,
    table: &str,
    suffix: &str,
    rows: &[FeedRow],
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = i * 6;
                format!("(${}, ${}, ${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4, p + 5, p + 6)
            })
            .collect();
        let sql = format!(
            "INSERT INTO {table}{suffix} (position, commune, at_us, type, subject, fields) VALUES {} \
             ON CONFLICT (position) DO NOTHING",
            values.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for row in chunk {
            let fields: serde_json::Map<String, serde_json::Value> =
                row.fields.iter().map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v.clone()))).collect();
            query = query
                .bind(i64::try_from(row.position).unwrap_or(i64::MAX))
                .bind(row.commune.clone())
                .bind(row.at_us)
                .bind(row.kind)
                .bind(row.subject.clone())
                .bind(serde_json::Value::Object(fields).to_string());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}
