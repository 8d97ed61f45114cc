//! TEMPORARY stand-in while the real photos module (sniffing, metadata
//! stripping, object_store) is finished on branch wt/photos; replaced by it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const MAX_PHOTOS: usize = 5;
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageType {
    Jpeg,
}

impl ImageType {
    pub fn content_type(self) -> &'static str {
        "image/jpeg"
    }
    pub fn extension(self) -> &'static str {
        "jpg"
    }
}

pub struct CleanImage {
    pub kind: ImageType,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("not a JPEG")]
    UnsupportedType,
}

pub fn clean(data: &[u8]) -> Result<CleanImage, PhotoError> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(CleanImage { kind: ImageType::Jpeg, bytes: data.to_vec() })
    } else {
        Err(PhotoError::UnsupportedType)
    }
}

#[derive(Clone, Default)]
pub struct PhotoStore(Arc<Mutex<HashMap<String, Vec<u8>>>>);

#[derive(Debug, thiserror::Error)]
#[error("store")]
pub struct StoreError;

impl PhotoStore {
    pub fn in_memory() -> Self {
        Self::default()
    }
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StoreError> {
        self.0.lock().map_err(|_| StoreError)?.insert(key.to_owned(), bytes);
        Ok(())
    }
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.0.lock().map_err(|_| StoreError)?.get(key).cloned())
    }
}
