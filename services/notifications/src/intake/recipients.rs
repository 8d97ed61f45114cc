//! Who hears about an event (plan §4): the followers of its subject, the
//! commune's staff by role (and department, for reports), the subscribers
//! whose category, area or space covers it, or one account (an author told
//! about their content). The accounts that acted are never among them: the
//! actor is not notified of their own act.
//!
//! Each account comes with its preferences (the defaults when it set none):
//! the e-mail cadence decides whether a delivery row is written, and
//! `department_reports` whether an agent hears of the department's new reports.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::follows::is_account;
use crate::domain::preferences::{EmailCadence, Preferences};

/// How an account wants to hear, as the intake needs it (the defaults of
/// [`Preferences`] when it set none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recipient {
    pub cadence: EmailCadence,
    pub department_reports: bool,
}

impl Default for Recipient {
    fn default() -> Self {
        let defaults = Preferences::default();
        Self { cadence: defaults.email_cadence, department_reports: defaults.department_reports }
    }
}

impl Recipient {
    /// From the stored columns (NULL when the account set no preferences).
    fn stored(cadence: Option<String>, department_reports: Option<i64>) -> Self {
        let defaults = Self::default();
        Self {
            cadence: cadence.as_deref().and_then(EmailCadence::parse).unwrap_or(defaults.cadence),
            department_reports: department_reports.map(|v| v != 0).unwrap_or(defaults.department_reports),
        }
    }
}

/// What a new thing is, for the subscriptions that may cover it.
#[derive(Debug, Clone, Default)]
pub struct Coverage<'a> {
    /// A report's category.
    pub category: Option<&'a str>,
    /// Where it is (microdegrees).
    pub point: Option<(i64, i64)>,
    /// "official" or "citizen".
    pub space: Option<&'a str>,
}

/// The accounts an event reaches, each once.
#[derive(Debug, Default)]
pub struct Recipients {
    accounts: BTreeMap<String, Recipient>,
    actors: BTreeSet<String>,
}

fn recipient(row: &AnyRow) -> Result<(String, Recipient), sqlx::Error> {
    let recipient = Recipient::stored(row.try_get("email_cadence")?, row.try_get("department_reports")?);
    Ok((row.try_get("account_id")?, recipient))
}

impl Recipients {
    /// None yet; `actors` (account ids, "" and client ids are ignored) will never be among them.
    pub fn excluding<'a>(actors: impl IntoIterator<Item = &'a str>) -> Self {
        Self { accounts: BTreeMap::new(), actors: actors.into_iter().map(str::to_owned).collect() }
    }

    fn add(&mut self, (account_id, recipient): (String, Recipient)) {
        if is_account(&account_id) {
            self.accounts.entry(account_id).or_insert(recipient);
        }
    }

    /// Whoever follows `subject`.
    pub async fn followers(&mut self, conn: &mut AnyConnection, subject: &str) -> Result<(), sqlx::Error> {
        let rows = sqlx::query(
            "SELECT f.account_id AS account_id, p.email_cadence AS email_cadence, \
             p.department_reports AS department_reports FROM follows f \
             LEFT JOIN preferences p ON p.account_id = f.account_id WHERE f.subject = $1 AND f.following = 1",
        )
        .bind(subject)
        .fetch_all(conn)
        .await?;
        for row in &rows {
            self.add(recipient(row)?);
        }
        Ok(())
    }

    /// The commune's staff holding `role`.
    pub async fn staff(&mut self, conn: &mut AnyConnection, commune: &str, role: &str) -> Result<(), sqlx::Error> {
        let rows = sqlx::query(
            "SELECT s.account_id AS account_id, p.email_cadence AS email_cadence, \
             p.department_reports AS department_reports FROM staff s \
             LEFT JOIN preferences p ON p.account_id = s.account_id WHERE s.commune = $1 AND s.role = $2",
        )
        .bind(commune)
        .bind(role)
        .fetch_all(conn)
        .await?;
        for row in &rows {
            self.add(recipient(row)?);
        }
        Ok(())
    }

    /// The commune's agents of `department` and those who work for every
    /// department (""). For a new report (`new_report`), only those who did
    /// not turn `department_reports` off.
    pub async fn agents_of(
        &mut self,
        conn: &mut AnyConnection,
        commune: &str,
        department: &str,
        new_report: bool,
    ) -> Result<(), sqlx::Error> {
        let rows = sqlx::query(
            "SELECT s.account_id AS account_id, p.email_cadence AS email_cadence, \
             p.department_reports AS department_reports FROM staff s \
             LEFT JOIN preferences p ON p.account_id = s.account_id \
             WHERE s.commune = $1 AND s.role = 'agent' AND (s.department = $2 OR s.department = '')",
        )
        .bind(commune)
        .bind(department)
        .fetch_all(conn)
        .await?;
        for row in &rows {
            let (account_id, recipient) = recipient(row)?;
            if !new_report || recipient.department_reports {
                self.add((account_id, recipient));
            }
        }
        Ok(())
    }

    /// The subscribers of `commune` whose subscription covers `what`: its
    /// category, its space, or an area (a circle) its point is in.
    pub async fn subscribers(
        &mut self,
        conn: &mut AnyConnection,
        commune: &str,
        what: &Coverage<'_>,
    ) -> Result<(), sqlx::Error> {
        let rows = sqlx::query(
            "SELECT s.account_id AS account_id, s.kind AS kind, s.category AS category, s.space AS space, \
             s.lat_e6 AS lat_e6, s.lon_e6 AS lon_e6, s.radius_m AS radius_m, p.email_cadence AS email_cadence, \
             p.department_reports AS department_reports FROM subscriptions s \
             LEFT JOIN preferences p ON p.account_id = s.account_id WHERE s.commune = $1",
        )
        .bind(commune)
        .fetch_all(conn)
        .await?;
        for row in &rows {
            let covered = match row.try_get::<String, _>("kind")?.as_str() {
                "category" => what.category == Some(row.try_get::<String, _>("category")?.as_str()),
                "space" => what.space == Some(row.try_get::<String, _>("space")?.as_str()),
                "area" => match (
                    what.point,
                    row.try_get::<Option<i64>, _>("lat_e6")?,
                    row.try_get::<Option<i64>, _>("lon_e6")?,
                    row.try_get::<Option<i64>, _>("radius_m")?,
                ) {
                    (Some(point), Some(lat), Some(lon), Some(radius)) => {
                        distance_m(degrees(point), degrees((lat, lon))) <= radius as f64
                    }
                    _ => false,
                },
                _ => false,
            };
            if covered {
                self.add(recipient(row)?);
            }
        }
        Ok(())
    }

    /// One account (an author told about their own content).
    pub async fn account(&mut self, conn: &mut AnyConnection, account_id: &str) -> Result<(), sqlx::Error> {
        if !is_account(account_id) {
            return Ok(());
        }
        let row = sqlx::query("SELECT email_cadence, department_reports FROM preferences WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(conn)
            .await?;
        let recipient = match row {
            Some(row) => Recipient::stored(row.try_get(0)?, row.try_get(1)?),
            None => Recipient::default(),
        };
        self.add((account_id.to_owned(), recipient));
        Ok(())
    }

    /// Every account reached, in order, the actors left out.
    pub fn into_accounts(self) -> Vec<(String, Recipient)> {
        let actors = self.actors;
        self.accounts.into_iter().filter(|(account_id, _)| !actors.contains(account_id)).collect()
    }
}

fn degrees((lat, lon): (i64, i64)) -> (f64, f64) {
    (lat as f64 / 1e6, lon as f64 / 1e6)
}

const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres (haversine), between (latitude, longitude) in degrees.
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lat2) = (a.0.to_radians(), b.0.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.1 - a.1).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_right_at_street_scale() {
        // 0.00045° of latitude is about 50 m.
        let d = distance_m((48.8566, 2.3522), (48.85705, 2.3522));
        assert!((d - 50.0).abs() < 0.5, "{d}");
        assert_eq!(distance_m((48.8566, 2.3522), (48.8566, 2.3522)), 0.0);
    }

    #[test]
    fn the_actors_are_never_recipients() {
        let mut recipients = Recipients::excluding(["a1", ""]);
        for id in ["a1", "a2", "", "client:city-it", "a2"] {
            recipients.add((id.to_owned(), Recipient::default()));
        }
        let accounts: Vec<String> = recipients.into_accounts().into_iter().map(|(id, _)| id).collect();
        assert_eq!(accounts, ["a2"]);
    }
}
