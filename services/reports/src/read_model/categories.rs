//! A commune's categories: the rows its administrator's decisions wrote, or
//! the standard set while there are none.

use miroir_platform::storage::Database;
use miroir_proto::reports::v1 as pb;
use prost::Message;
use sqlx::{AnyConnection, Row};

use crate::domain::category::standard;

pub(super) async fn upsert(
    conn: &mut AnyConnection,
    commune: &str,
    category: &pb::Category,
    position: i64,
) -> Result<(), sqlx::Error> {
    // A redefinition keeps the category's place in the list.
    sqlx::query(
        "INSERT INTO report_categories (commune, code, position, active, definition) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (commune, code) DO UPDATE SET active = excluded.active, definition = excluded.definition",
    )
    .bind(commune)
    .bind(&category.code)
    .bind(position)
    .bind(i64::from(category.active))
    .bind(category.encode_to_vec())
    .execute(conn)
    .await?;
    Ok(())
}

/// The commune's categories in their order (the retired ones only if asked).
pub async fn list(db: &Database, commune: &str, include_retired: bool) -> Result<Vec<pb::Category>, sqlx::Error> {
    let rows = sqlx::query("SELECT definition FROM report_categories WHERE commune = $1 ORDER BY position")
        .bind(commune)
        .fetch_all(db.pool())
        .await?;
    let categories = if rows.is_empty() {
        standard()
    } else {
        rows.iter()
            .map(|row| {
                let bytes: Vec<u8> = row.try_get(0)?;
                pb::Category::decode(bytes.as_slice()).map_err(|e| sqlx::Error::Decode(Box::new(e)))
            })
            .collect::<Result<Vec<_>, _>>()?
    };
    Ok(categories.into_iter().filter(|c| include_retired || c.active).collect())
}

/// One category of the commune, retired or not.
pub async fn get(db: &Database, commune: &str, code: &str) -> Result<Option<pb::Category>, sqlx::Error> {
    Ok(list(db, commune, true).await?.into_iter().find(|c| c.code == code))
}
