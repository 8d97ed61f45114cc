//! Static assets, served by the gateway itself (no CDN, no third party):
//! embedded in the binary, named by a hash of their content so browsers can
//! keep them for a year (`immutable`) and a new version gets a new name.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    name: String,
    content_type: &'static str,
    body: &'static str,
}

fn assets() -> &'static [Asset] {
    static ASSETS: OnceLock<Vec<Asset>> = OnceLock::new();
    ASSETS.get_or_init(|| {
        [("app", "css", "text/css; charset=utf-8", include_str!("../../static/app.css"))]
            .into_iter()
            .map(|(stem, ext, content_type, body)| {
                let hash = hex::encode(&Sha256::digest(body.as_bytes())[..6]);
                Asset { name: format!("{stem}.{hash}.{ext}"), content_type, body }
            })
            .collect()
    })
}

/// The URL of an asset by its stem ("app" → "/static/app.1a2b3c4d5e6f.css").
pub fn href(stem: &str) -> String {
    assets()
        .iter()
        .find(|a| a.name.starts_with(&format!("{stem}.")))
        .map(|a| format!("/static/{}", a.name))
        .unwrap_or_default()
}

pub async fn serve(Path(name): Path<String>) -> Response {
    match assets().iter().find(|a| a.name == name) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            asset.body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
