//! Files that people upload, shared by the services that take them (report
//! photos, publications' attachments): what an upload must be before anyone
//! else sees it, and where it is kept.
//!
//! - [`image`] — JPEG, PNG and WebP recognised by their bytes and rewritten
//!   without the metadata that can locate or identify someone.
//! - [`pdf`] — PDF documents recognised by their bytes, within a size limit.
//! - [`store`] — the object storage: a folder, an S3-compatible bucket, memory.
//! - `testing` (feature `testing`) — a real S3-compatible server (moto) for tests.

pub mod image;
pub mod pdf;
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;

pub use store::{ObjectStore, StoreError};
