//! Storage: one sqlx pool for PostgreSQL or SQLite, chosen by URL, and the
//! migrations of `migrations/<component>/` applied at start.
//!
//! Both backends go through sqlx's `Any` driver so that a service writes its SQL
//! once. That limits column types to what `Any` maps (integers, floats, text,
//! bytes, bool): ids are text, times are Unix microseconds, bytes are `BYTEA`
//! (which SQLite accepts as a column type and stores blobs in unchanged).

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, AssertSqlSafe, Executor, Row};

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// The statement that opens a write transaction. SQLite's default `BEGIN` is
    /// deferred: a transaction that reads before it writes can fail with
    /// `SQLITE_BUSY` without waiting; `BEGIN IMMEDIATE` takes the write lock up
    /// front and waits for it under the busy timeout.
    pub fn begin_write(self) -> &'static str {
        match self {
            Backend::Postgres => "BEGIN",
            Backend::Sqlite => "BEGIN IMMEDIATE",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("unsupported database URL `{0}`: expected postgres://… or sqlite://…")]
    UnsupportedUrl(String),
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration {component}/{version} ({name}) failed: {source}")]
    Migration {
        component: String,
        version: i64,
        name: String,
        #[source]
        source: sqlx::Error,
    },
}

/// A pool and the backend it talks to.
#[derive(Debug, Clone)]
pub struct Database {
    pool: AnyPool,
    backend: Backend,
}

/// Pool tuning, with defaults that suit one service process.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolConfig {
    fn default() -> Self {
        Self { max_connections: 10, acquire_timeout: Duration::from_secs(10) }
    }
}

impl Database {
    /// Connects to `postgres://…` or `sqlite://path` (the SQLite file is created
    /// if missing). SQLite runs in WAL mode with `synchronous=FULL`, so a commit
    /// that was acknowledged survives `kill -9` and power loss.
    pub async fn connect(url: &str, config: &PoolConfig) -> Result<Self, StorageError> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(|e| StorageError::InvalidUrl(e.to_string()))?;
        let pool = AnyPoolOptions::new()
            .max_connections(config.max_connections)
            .acquire_timeout(config.acquire_timeout)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self { pool, backend })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begins a transaction that will write (see [`Backend::begin_write`]).
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        self.pool.begin_with(self.backend.begin_write()).await
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Tells the backend from the URL scheme.
pub fn backend_of(url: &str) -> Result<Backend, StorageError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else {
        // Never echo the whole URL: it may hold a password.
        let scheme = url.split(':').next().unwrap_or_default();
        Err(StorageError::UnsupportedUrl(format!("{scheme}:…")))
    }
}

/// Whether `error` may go away by itself: the server restarting or out of
/// reach (the connection cut, refused or timed out, "shutting down", "starting
/// up", too many connections), or a transaction that lost a race (serialization
/// failure, deadlock, SQLite busy). Retrying later is then right; any other
/// error (bad SQL, a missing table, a constraint) will not change on a retry.
pub fn is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let code = db.code();
            let code = code.as_deref().unwrap_or_default();
            // SQLSTATE class 08: connection exception; 57P01-03: shut down by an administrator, after a crash,
            // or not accepting connections yet; 53300: too many connections; 40001/40P01: lost a race.
            // SQLite (extended codes): 5 / 517 busy, 6 locked.
            code.starts_with("08")
                || matches!(code, "57P01" | "57P02" | "57P03" | "53300" | "40001" | "40P01" | "5" | "517" | "6")
        }
        _ => false,
    }
}

/// One migration file of `migrations/<component>/`.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Applies the migrations of `component` not yet applied, in version order, each
/// in the transaction that records it. A lock row serializes concurrent
/// migrators (two replicas starting at once) on both backends.
pub async fn migrate(db: &Database, component: &str, migrations: &[Migration]) -> Result<(), StorageError> {
    db.pool
        .execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (\
                component TEXT NOT NULL, version BIGINT NOT NULL, name TEXT NOT NULL, \
                applied_at_us BIGINT NOT NULL, PRIMARY KEY (component, version))",
        )
        .await
        .or_else(ignore_concurrent_create)?;
    db.pool
        .execute("CREATE TABLE IF NOT EXISTS schema_migrations_lock (id BIGINT PRIMARY KEY)")
        .await
        .or_else(ignore_concurrent_create)?;
    sqlx::query("INSERT INTO schema_migrations_lock (id) VALUES (1) ON CONFLICT DO NOTHING").execute(&db.pool).await?;

    let mut sorted: Vec<&Migration> = migrations.iter().collect();
    sorted.sort_by_key(|m| m.version);

    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE schema_migrations_lock SET id = id WHERE id = 1").execute(&mut *tx).await?;
    let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations WHERE component = $1")
        .bind(component)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| row.try_get::<i64, _>(0))
        .collect::<Result<_, _>>()?;
    for migration in sorted.into_iter().filter(|m| !applied.contains(&m.version)) {
        let fail = |source| StorageError::Migration {
            component: component.to_owned(),
            version: migration.version,
            name: migration.name.to_owned(),
            source,
        };
        sqlx::raw_sql(AssertSqlSafe(migration.sql)).execute(&mut *tx).await.map_err(fail)?;
        sqlx::query("INSERT INTO schema_migrations (component, version, name, applied_at_us) VALUES ($1, $2, $3, $4)")
            .bind(component)
            .bind(migration.version)
            .bind(migration.name)
            .bind(crate::clock::now_us())
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        tracing::info!(component, version = migration.version, name = migration.name, "migration applied");
    }
    tx.commit().await?;
    Ok(())
}

/// PostgreSQL's `CREATE TABLE IF NOT EXISTS` can still fail when two sessions
/// race on it: a unique violation on its catalog (23505), or "type already
/// exists" (42710) / "relation already exists" (42P07). The table exists then.
fn ignore_concurrent_create(error: sqlx::Error) -> Result<sqlx::any::AnyQueryResult, sqlx::Error> {
    match &error {
        sqlx::Error::Database(db)
            if db.is_unique_violation() || matches!(db.code().as_deref(), Some("42710" | "42P07")) =>
        {
            Ok(Default::default())
        }
        _ => Err(error),
    }
}

/// Declares the embedded migrations of one folder: `migrations!("reports", 1 => "0001_init.sql", …)`.
#[macro_export]
macro_rules! migrations {
    ($folder:literal, $($version:literal => $file:literal),+ $(,)?) => {
        &[$($crate::storage::Migration {
            version: $version,
            name: $file,
            sql: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/", $folder, "/", $file)),
        }),+]
    };
}

#[cfg(feature = "testing")]
pub mod testing {
    //! Throwaway databases for tests: a fresh PostgreSQL database (dropped when
    //! the handle is dropped) or a SQLite file in a temporary folder.

    use super::{Backend, Database, PoolConfig};
    use sqlx::{AssertSqlSafe, Executor};

    /// Where tests find PostgreSQL (`MIROIR_TEST_POSTGRES_URL`, default the local trust-auth server).
    pub fn postgres_admin_url() -> String {
        std::env::var("MIROIR_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
    }

    pub struct TestDatabase {
        pub db: Database,
        pub url: String,
        cleanup: Cleanup,
    }

    enum Cleanup {
        Postgres { admin_url: String, name: String },
        Sqlite(#[allow(dead_code)] tempfile::TempDir),
    }

    impl TestDatabase {
        pub async fn new(backend: Backend) -> Self {
            match backend {
                Backend::Postgres => Self::postgres().await,
                Backend::Sqlite => Self::sqlite().await,
            }
        }

        pub async fn postgres() -> Self {
            let admin_url = postgres_admin_url();
            let name = format!("miroir_test_{}", uuid::Uuid::new_v4().simple());
            // Patient: when parallel tests hold most of the server's connections for a moment, wait for one
            // rather than fail (sqlx retries "too many clients" until the acquire timeout).
            let admin = Database::connect(
                &admin_url,
                &PoolConfig { max_connections: 1, acquire_timeout: std::time::Duration::from_secs(60) },
            )
            .await
            .expect("connect to the test PostgreSQL server");
            admin.pool().execute(AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.expect("create test database");
            admin.close().await;
            let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url);
            let url = format!("{base}/{name}");
            // Ten, as in production: a test platform has five to seven of these pools, and tests run in
            // parallel on one server (CI's allows 400 connections).
            let db = Database::connect(&url, &PoolConfig { max_connections: 10, ..Default::default() })
                .await
                .expect("connect to test database");
            Self { db, url, cleanup: Cleanup::Postgres { admin_url, name } }
        }

        pub async fn sqlite() -> Self {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            let db = Database::connect(&url, &PoolConfig::default()).await.expect("open sqlite");
            Self { db, url, cleanup: Cleanup::Sqlite(dir) }
        }
    }

    impl Drop for TestDatabase {
        fn drop(&mut self) {
            if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
                // Drop runs outside async; a short-lived thread with its own runtime drops the database.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                        return;
                    };
                    rt.block_on(async move {
                        if let Ok(admin) =
                            Database::connect(&admin_url, &PoolConfig { max_connections: 1, ..Default::default() })
                                .await
                        {
                            let _ = admin
                                .pool()
                                .execute(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                                .await;
                            admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}
