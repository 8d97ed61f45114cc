//! Delivery rows as the intake writes them (plain SQL, as its transaction
//! does), and what the tests read back of them.
#![allow(dead_code)] // each test file uses its own part

use miroir_platform::storage::Database;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// The intake's key: hex(sha256(source_event|recipient|channel))[..32].
pub fn delivery_id(source_event: &str, recipient: &str, channel: &str) -> String {
    hex::encode(Sha256::digest(format!("{source_event}|{recipient}|{channel}")))[..32].to_owned()
}

#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub source_event: String,
    pub recipient: String,
    pub channel: &'static str,
    pub subject: String,
    pub event_type: &'static str,
    pub params: String,
    pub created_at_us: i64,
    pub next_attempt_at_us: i64,
}

impl NewDelivery {
    /// An e-mail to `account_id` about report `n` of Paris being resolved, due at `at_us`.
    pub fn email(n: u32, account_id: &str, at_us: i64) -> Self {
        let report = format!("0190c0de-0000-7000-8000-{n:012}");
        Self {
            source_event: format!("reports/{n}"),
            recipient: format!("account:{account_id}"),
            channel: "email",
            subject: format!("communes/75056/reports/{report}"),
            event_type: "report_resolved",
            params: serde_json::json!({
                "title": format!("Lampadaire n° {n} éteint"),
                "status": "resolved",
                "message": "Le lampadaire a été remplacé.",
                "commune": "75056",
                "commune_name": "Paris",
                // What the intake must never pass on, and the templates never read.
                "author_name": "Anne Dupont",
                "email": "anne.dupont@example.fr",
            })
            .to_string(),
            created_at_us: at_us,
            next_attempt_at_us: at_us,
        }
    }

    pub fn id(&self) -> String {
        delivery_id(&self.source_event, &self.recipient, self.channel)
    }
}

/// Inserts the row as the intake does (a second insert of the same key changes nothing); returns its id.
pub async fn insert(db: &Database, d: &NewDelivery) -> String {
    let id = d.id();
    sqlx::query(
        "INSERT INTO deliveries (delivery_id, source_event, recipient, channel, commune, subject, event_type, params, \
         occurred_at_us, state, attempts, next_attempt_at_us, lease_until_us, claimed_by, last_error, sent_at_us, \
         created_at_us) VALUES ($1, $2, $3, $4, '75056', $5, $6, $7, $8, 'pending', 0, $9, 0, '', '', NULL, $10) \
         ON CONFLICT (source_event, recipient, channel) DO NOTHING",
    )
    .bind(&id)
    .bind(&d.source_event)
    .bind(&d.recipient)
    .bind(d.channel)
    .bind(&d.subject)
    .bind(d.event_type)
    .bind(&d.params)
    .bind(d.created_at_us)
    .bind(d.next_attempt_at_us)
    .bind(d.created_at_us)
    .execute(db.pool())
    .await
    .expect("insert a delivery");
    id
}

/// A delivery's state as the table has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub state: String,
    pub attempts: i64,
    pub last_error: String,
    pub next_attempt_at_us: i64,
    pub lease_until_us: i64,
    pub claimed_by: String,
    pub sent_at_us: Option<i64>,
}

pub async fn stored(db: &Database, id: &str) -> Stored {
    let row = sqlx::query(
        "SELECT state, attempts, last_error, next_attempt_at_us, lease_until_us, claimed_by, sent_at_us \
         FROM deliveries WHERE delivery_id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await
    .expect("the delivery");
    Stored {
        state: row.get(0),
        attempts: row.get(1),
        last_error: row.get(2),
        next_attempt_at_us: row.get(3),
        lease_until_us: row.get(4),
        claimed_by: row.get(5),
        sent_at_us: row.get(6),
    }
}

/// The recorded attempts of a delivery: (attempt, outcome, error), in order.
pub async fn attempts(db: &Database, id: &str) -> Vec<(i64, String, String)> {
    sqlx::query("SELECT attempt, outcome, error FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempt")
        .bind(id)
        .fetch_all(db.pool())
        .await
        .expect("attempts")
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect()
}

/// How many deliveries are in each state: (state, count), sorted by state.
pub async fn states(db: &Database) -> Vec<(String, i64)> {
    sqlx::query("SELECT state, COUNT(*) FROM deliveries GROUP BY state ORDER BY state")
        .fetch_all(db.pool())
        .await
        .expect("states")
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect()
}
