//! Storage on both backends: URL dispatch, migrations applied once, and SQL that both dialects accept.
use miroir_platform::storage::testing::TestDatabase;
use miroir_platform::storage::{Backend, Migration, StorageError, backend_of, migrate};
use sqlx::Row;

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_t.sql",
        sql: "CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT NOT NULL, b BYTEA);",
    },
    Migration { version: 2, name: "0002_t.sql", sql: "ALTER TABLE t ADD COLUMN note TEXT; CREATE INDEX t_n ON t (n);" },
];

async fn migrations_apply_once_and_sql_is_portable(backend: Backend) {
    let test = TestDatabase::new(backend).await;
    migrate(&test.db, "demo", MIGRATIONS).await.expect("first migrate");
    migrate(&test.db, "demo", MIGRATIONS).await.expect("second migrate is a no-op");
    sqlx::query("INSERT INTO t (id, n, b, note) VALUES ($1, $2, $3, $1)")
        .bind("a")
        .bind(42_i64)
        .bind(vec![0_u8, 255, 7])
        .execute(test.db.pool())
        .await
        .expect("insert");
    let row = sqlx::query("SELECT n, b, note FROM t WHERE id = $1")
        .bind("a")
        .fetch_one(test.db.pool())
        .await
        .expect("select");
    assert_eq!(row.get::<i64, _>(0), 42);
    assert_eq!(row.get::<Vec<u8>, _>(1), vec![0_u8, 255, 7]);
    assert_eq!(row.get::<String, _>(2), "a");
    let count: i64 = sqlx::query("SELECT COUNT(*) FROM schema_migrations WHERE component = $1")
        .bind("demo")
        .fetch_one(test.db.pool())
        .await
        .expect("count")
        .get(0);
    assert_eq!(count, 2);
}

#[tokio::test]
async fn postgres_migrations() {
    migrations_apply_once_and_sql_is_portable(Backend::Postgres).await;
}

#[tokio::test]
async fn sqlite_migrations() {
    migrations_apply_once_and_sql_is_portable(Backend::Sqlite).await;
}

#[tokio::test]
async fn concurrent_migrators_apply_each_migration_once() {
    let test = TestDatabase::postgres().await;
    let (a, b) = tokio::join!(migrate(&test.db, "demo", MIGRATIONS), migrate(&test.db, "demo", MIGRATIONS));
    a.expect("a");
    b.expect("b");
}

#[test]
fn bad_urls_are_rejected_without_echoing_secrets() {
    assert_eq!(backend_of("postgres://u:p@h/db").ok(), Some(Backend::Postgres));
    assert_eq!(backend_of("sqlite://data/x.db").ok(), Some(Backend::Sqlite));
    let err = backend_of("mysql://user:secret@host/db").expect_err("mysql is not supported");
    assert!(matches!(err, StorageError::UnsupportedUrl(_)));
    assert!(!err.to_string().contains("secret"));
}
