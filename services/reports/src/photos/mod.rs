//! Report photos: what a resident's upload must be before anyone else sees it,
//! and where it is kept — the rules of the shared `miroir-objects` crate
//! (which publications' attachments follow too), plus the report's own limit.
//!
//! [`clean`] recognises JPEG, PNG and WebP by their first bytes, refuses
//! everything else, and rewrites the container without the metadata that can
//! locate or identify someone (Exif with its GPS position, XMP, IPTC…); see
//! [`miroir_objects::image`]. [`PhotoStore`] keeps the cleaned photos under
//! `communes/{insee}/reports/…`: a folder in the embedded mode, any
//! S3-compatible store in production.

pub use miroir_objects::image::{CleanImage, ImageError as PhotoError, ImageType, clean};
pub use miroir_objects::{ObjectStore as PhotoStore, StoreError};

/// How many photos one report may carry.
pub const MAX_PHOTOS: usize = 5;

/// The largest photo accepted, before cleaning (5 MiB).
pub const MAX_PHOTO_BYTES: usize = miroir_objects::image::MAX_IMAGE_BYTES;
