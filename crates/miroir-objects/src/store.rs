//! Where uploaded files are kept (report photos, publications' attachments): a
//! folder in the embedded mode, an S3-compatible bucket in production, memory
//! in tests — behind one small API over the `object_store` crate.
//!
//! Keys are chosen by the services (`communes/75056/reports/{id}/{photo}.jpg`,
//! `communes/75056/publications/{id}/{attachment}.pdf`), never by the people
//! who upload; they are still checked, so that a bug cannot write outside the
//! folder or the prefix. Each service keeps to its own prefix under
//! `communes/{insee}/`, so one store serves them all.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore as Backend, ObjectStoreExt, PutPayload};

/// The longest key accepted (S3 allows 1024 bytes, prefix included).
pub const MAX_KEY_BYTES: usize = 512;

/// Why storing or reading an object failed. Messages name keys, folders and
/// buckets, never credentials.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid object key {key:?}: {reason}")]
    InvalidKey { key: String, reason: &'static str },
    #[error("invalid object storage location: {0}")]
    InvalidLocation(&'static str),
    #[error("unknown S3 option {0:?}")]
    UnknownOption(String),
    #[error("cannot use {path} as the object storage folder: {source}")]
    Folder { path: PathBuf, source: std::io::Error },
    #[error("cannot set up object storage: {0}")]
    Setup(#[source] object_store::Error),
    #[error("object storage failed to {operation} {key}: {source}")]
    Backend {
        operation: &'static str,
        key: String,
        #[source]
        source: object_store::Error,
    },
}

/// Files in object storage. Cheap to clone (the connection pool is shared).
#[derive(Clone)]
pub struct ObjectStore {
    inner: Arc<dyn Backend>,
    /// Prepended to every key (`prefix/key`); empty for none.
    prefix: String,
    /// What `Debug` shows: the kind of store and where, never credentials.
    description: Arc<str>,
}

impl fmt::Debug for ObjectStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectStore").field("location", &self.description).finish()
    }
}

impl ObjectStore {
    /// Objects as files under `dir`, created if needed (the embedded mode).
    pub fn local(dir: &Path) -> Result<Self, StoreError> {
        let folder_error = |source| StoreError::Folder { path: dir.to_path_buf(), source };
        std::fs::create_dir_all(dir).map_err(folder_error)?;
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(StoreError::Setup)?
            // The event that names an object is committed after the object is written: the
            // object must be on disk by then, not in the page cache of a machine that may crash.
            .with_fsync(true);
        Ok(Self {
            inner: Arc::new(store),
            prefix: String::new(),
            description: format!("folder {}", dir.display()).into(),
        })
    }

    /// Objects in memory, gone with the last clone (tests).
    pub fn in_memory() -> Self {
        Self { inner: Arc::new(InMemory::new()), prefix: String::new(), description: "memory".into() }
    }

    /// Opens the store named by a URL:
    ///
    /// - `s3://bucket` or `s3://bucket/prefix`: an S3-compatible bucket, configured by the standard
    ///   `AWS_*` environment variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
    ///   `AWS_ENDPOINT_URL` for a store other than Amazon's, `AWS_ALLOW_HTTP=true` for plain HTTP…);
    /// - `file:///absolute/path` or `/absolute/path`: a folder, as [`ObjectStore::local`].
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        Self::open(url, AmazonS3Builder::from_env())
    }

    /// As [`ObjectStore::from_url`], but S3 is configured by `options` only — the environment is
    /// not read. Keys are those of the environment variables in lower case (`aws_endpoint_url`,
    /// `aws_allow_http`, `aws_access_key_id`…). For tests, and for callers with their own
    /// configuration; options are refused for folders.
    pub fn from_url_with_options(url: &str, options: &[(&str, &str)]) -> Result<Self, StoreError> {
        let mut builder = AmazonS3Builder::new();
        for (key, value) in options {
            let key = key.to_ascii_lowercase();
            let config = key.parse::<AmazonS3ConfigKey>().map_err(|_| StoreError::UnknownOption(key))?;
            builder = builder.with_config(config, *value);
        }
        if !options.is_empty() && !url.starts_with("s3://") {
            return Err(StoreError::InvalidLocation("options apply to s3:// URLs only"));
        }
        Self::open(url, builder)
    }

    fn open(url: &str, s3: AmazonS3Builder) -> Result<Self, StoreError> {
        if let Some(rest) = url.strip_prefix("s3://") {
            return Self::s3(rest, s3);
        }
        let path = match url.strip_prefix("file://") {
            Some(path) if !path.starts_with('/') => {
                return Err(StoreError::InvalidLocation("file URLs name a local absolute path: file:///path"));
            }
            Some(path) => path,
            None => url,
        };
        if !Path::new(path).is_absolute() {
            return Err(StoreError::InvalidLocation("expected s3://bucket/prefix, file:///path or an absolute path"));
        }
        Self::local(Path::new(path))
    }

    fn s3(bucket_and_prefix: &str, builder: AmazonS3Builder) -> Result<Self, StoreError> {
        let (bucket, prefix) = bucket_and_prefix.split_once('/').unwrap_or((bucket_and_prefix, ""));
        // S3's rules: 3 to 63 lower-case letters, digits, dots and hyphens. This also keeps
        // credentials out (`s3://key:secret@bucket` is refused, not echoed).
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        if !valid_bucket {
            return Err(StoreError::InvalidLocation("the bucket name in s3://bucket/prefix is not valid"));
        }
        let prefix = prefix.trim_end_matches('/');
        if !prefix.is_empty() {
            check_key(prefix)
                .map_err(|_| StoreError::InvalidLocation("the prefix in s3://bucket/prefix is not valid"))?;
        }
        // object_store's HTTP client uses rustls without a bundled crypto provider (see the root
        // Cargo.toml): make ring the process's provider. An error means one is already installed,
        // which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let store = builder.with_bucket_name(bucket).build().map_err(StoreError::Setup)?;
        let description = if prefix.is_empty() { format!("s3://{bucket}") } else { format!("s3://{bucket}/{prefix}") };
        Ok(Self { inner: Arc::new(store), prefix: prefix.to_owned(), description: description.into() })
    }

    /// Writes an object, replacing any object with the same key.
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StoreError> {
        let path = self.path(key)?;
        self.inner.put(&path, PutPayload::from(bytes)).await.map_err(backend("write", key))?;
        Ok(())
    }

    /// Reads an object; `None` when there is none with this key.
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let path = self.path(key)?;
        let found = match self.inner.get(&path).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(error) => return Err(backend("read", key)(error)),
        };
        let bytes = found.bytes().await.map_err(backend("read", key))?;
        Ok(Some(bytes.to_vec()))
    }

    /// Deletes an object; deleting one that is not there is not an error (a
    /// retried clean-up finds nothing to do).
    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        let path = self.path(key)?;
        match self.inner.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(backend("delete", key)(error)),
        }
    }

    fn path(&self, key: &str) -> Result<ObjectPath, StoreError> {
        check_key(key)?;
        let full = if self.prefix.is_empty() { key.to_owned() } else { format!("{}/{key}", self.prefix) };
        ObjectPath::parse(full).map_err(|_| StoreError::InvalidKey { key: key.to_owned(), reason: "not a valid path" })
    }
}

fn backend(operation: &'static str, key: &str) -> impl FnOnce(object_store::Error) -> StoreError {
    let key = key.to_owned();
    move |source| StoreError::Backend { operation, key, source }
}

/// Keys are relative paths of `[A-Za-z0-9._-]` segments, without `..`.
fn check_key(key: &str) -> Result<(), StoreError> {
    let reason = if key.is_empty() {
        Some("empty")
    } else if key.len() > MAX_KEY_BYTES {
        Some("too long")
    } else if key.starts_with('/') {
        Some("must not start with /")
    } else if key.contains("..") {
        Some("must not contain ..")
    } else if !key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/')) {
        Some("only letters, digits, '.', '_', '-' and '/' are allowed")
    } else if key.split('/').any(|segment| segment.is_empty() || segment == ".") {
        Some("empty path segment")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(StoreError::InvalidKey { key: key.to_owned(), reason }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "communes/75056/reports/0196a3c2-7d1e-7b7c-9e55-2f4b8c1d0e9a/0196a3c2-7d1f-7000-8000-000000000001.jpg";

    async fn round_trip(store: &ObjectStore) {
        assert_eq!(store.get(KEY).await.expect("get"), None, "missing key");
        store.put(KEY, b"first".to_vec()).await.expect("put");
        assert_eq!(store.get(KEY).await.expect("get").as_deref(), Some(&b"first"[..]));
        store.put(KEY, b"second".to_vec()).await.expect("put again");
        assert_eq!(store.get(KEY).await.expect("get").as_deref(), Some(&b"second"[..]));
        let other = KEY.replace("0001.jpg", "0002.png");
        assert_eq!(store.get(&other).await.expect("get"), None);
        // Clones share the store.
        assert_eq!(store.clone().get(KEY).await.expect("get").as_deref(), Some(&b"second"[..]));
    }

    async fn delete_then_delete_again(store: &ObjectStore) {
        store.put(KEY, b"to delete".to_vec()).await.expect("put");
        store.delete(KEY).await.expect("delete");
        assert_eq!(store.get(KEY).await.expect("get"), None, "deleted");
        store.delete(KEY).await.expect("deleting what is gone is not an error");
        assert!(matches!(store.delete("../x").await, Err(StoreError::InvalidKey { .. })));
    }

    #[tokio::test]
    async fn memory_round_trip() {
        round_trip(&ObjectStore::in_memory()).await;
        delete_then_delete_again(&ObjectStore::in_memory()).await;
    }

    #[tokio::test]
    async fn folder_round_trip_writes_under_the_folder() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("photos").join("nested");
        let store = ObjectStore::local(&dir).expect("folder store");
        round_trip(&store).await;
        assert_eq!(std::fs::read(dir.join(KEY)).expect("file"), b"second");
        // The same folder through a URL and as a plain path.
        let url = format!("file://{}", dir.display());
        for store in [ObjectStore::from_url(&url), ObjectStore::from_url(&dir.display().to_string())] {
            let store = store.expect("folder from URL");
            assert_eq!(store.get(KEY).await.expect("get").as_deref(), Some(&b"second"[..]));
        }
        delete_then_delete_again(&store).await;
        assert!(!dir.join(KEY).exists(), "the file is gone");
    }

    #[tokio::test]
    async fn bad_keys_are_refused_before_any_storage() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let store = ObjectStore::local(&tmp.path().join("photos")).expect("folder store");
        let long = "a".repeat(MAX_KEY_BYTES + 1);
        let bad = [
            "",
            "/etc/passwd",
            "../outside.jpg",
            "communes/../../outside.jpg",
            "communes/..",
            "a..b.jpg",
            "communes//x.jpg",
            "communes/./x.jpg",
            "communes/x.jpg/",
            "communes\\x.jpg",
            "communes/x y.jpg",
            "communes/x%2e.jpg",
            "communes/é.jpg",
            "communes/x.jpg#1",
            "communes/x.jpg\0",
            long.as_str(),
        ];
        for key in bad {
            assert!(
                matches!(store.put(key, b"x".to_vec()).await, Err(StoreError::InvalidKey { .. })),
                "put {key:?} was not refused"
            );
            assert!(matches!(store.get(key).await, Err(StoreError::InvalidKey { .. })), "get {key:?}");
        }
        let files = walk(tmp.path());
        assert!(files.is_empty(), "nothing was written: {files:?}");
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
            let path = entry.path();
            if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
        }
        files
    }

    #[test]
    fn locations_are_checked_and_never_echo_credentials() {
        let refused = [
            "relative/path",
            "file://host/path",
            "http://example.com/bucket",
            "s3://",
            "s3://AKIA:secret@bucket/prefix",
            "s3://Bucket",
            "s3://bucket/../up",
            "s3://bucket/a b",
        ];
        for url in refused {
            let error = ObjectStore::from_url(url).expect_err(url);
            assert!(matches!(error, StoreError::InvalidLocation(_)), "{url}: {error}");
            assert!(!error.to_string().contains("secret"), "{error}");
        }
        let error = ObjectStore::from_url_with_options("s3://bucket", &[("aws_secret_acess_key", "hunter2")])
            .expect_err("typo in an option");
        assert_eq!(error.to_string(), "unknown S3 option \"aws_secret_acess_key\"");
        let error = ObjectStore::from_url_with_options("/tmp/photos", &[("aws_region", "eu-west-3")])
            .expect_err("options for a folder");
        assert!(matches!(error, StoreError::InvalidLocation(_)));
    }

    #[test]
    fn debug_shows_where_not_how() {
        let store = ObjectStore::from_url_with_options(
            "s3://miroir-photos/prod/",
            &[
                ("aws_access_key_id", "AKIAEXAMPLE"),
                ("aws_secret_access_key", "very-secret-value"),
                ("aws_endpoint_url", "https://s3.fr-par.scw.cloud"),
                ("aws_region", "fr-par"),
            ],
        )
        .expect("s3 store");
        let debug = format!("{store:?}");
        assert_eq!(debug, "ObjectStore { location: \"s3://miroir-photos/prod\" }");
        assert_eq!(format!("{:?}", ObjectStore::in_memory()), "ObjectStore { location: \"memory\" }");
    }
}
