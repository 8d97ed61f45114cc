//! Static assets, served by the gateway itself (no CDN, no third party):
//! embedded in the binary, named by a hash of their content so browsers can
//! keep them for a year (`immutable`) and a new version gets a new name.
//!
//! Besides the site's own stylesheet and script, this serves the vendored
//! Leaflet (`static/vendor/leaflet/`, see its `VENDORED.md`). Its stylesheet
//! names its images by relative URL (`url(images/marker-icon.png)`): those
//! are rewritten to the images' fingerprinted URLs when the assets are built.

use std::sync::OnceLock;

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    /// The stem the pages ask for ("leaflet-css").
    stem: &'static str,
    /// The served name, with the fingerprint ("leaflet.1a2b3c4d5e6f.css").
    name: String,
    content_type: &'static str,
    body: Bytes,
}

/// (stem, served name's prefix, extension, content type, body). Images come
/// first: the stylesheets that use them are rewritten with their names.
const SOURCES: &[(&str, &str, &str, &str, &[u8])] = &[
    (
        "leaflet-marker-icon",
        "leaflet-marker-icon",
        "png",
        "image/png",
        include_bytes!("../../static/vendor/leaflet/images/marker-icon.png"),
    ),
    (
        "leaflet-marker-icon-2x",
        "leaflet-marker-icon-2x",
        "png",
        "image/png",
        include_bytes!("../../static/vendor/leaflet/images/marker-icon-2x.png"),
    ),
    (
        "leaflet-marker-shadow",
        "leaflet-marker-shadow",
        "png",
        "image/png",
        include_bytes!("../../static/vendor/leaflet/images/marker-shadow.png"),
    ),
    (
        "leaflet-layers",
        "leaflet-layers",
        "png",
        "image/png",
        include_bytes!("../../static/vendor/leaflet/images/layers.png"),
    ),
    (
        "leaflet-layers-2x",
        "leaflet-layers-2x",
        "png",
        "image/png",
        include_bytes!("../../static/vendor/leaflet/images/layers-2x.png"),
    ),
    ("app", "app", "css", "text/css; charset=utf-8", include_bytes!("../../static/app.css")),
    (
        "leaflet-css",
        "leaflet",
        "css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/vendor/leaflet/leaflet.css"),
    ),
    (
        "leaflet-js",
        "leaflet",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/vendor/leaflet/leaflet.js"),
    ),
    (
        "reports-map",
        "reports-map",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/reports-map.js"),
    ),
];

/// Leaflet's relative image URLs and the stems that replace them.
const LEAFLET_IMAGES: &[(&str, &str)] = &[
    ("url(images/marker-icon.png)", "leaflet-marker-icon"),
    ("url(images/layers.png)", "leaflet-layers"),
    ("url(images/layers-2x.png)", "leaflet-layers-2x"),
];

/// The body as served: Leaflet's stylesheet with fingerprinted image URLs,
/// scripts without a source-map comment (the maps are not shipped).
fn adapt(stem: &str, body: &'static [u8], built: &[Asset]) -> Bytes {
    match stem {
        "leaflet-css" => {
            let mut css = String::from_utf8_lossy(body).into_owned();
            for (from, image) in LEAFLET_IMAGES {
                if let Some(asset) = built.iter().find(|a| a.stem == *image) {
                    css = css.replace(from, &format!("url(/static/{})", asset.name));
                }
            }
            Bytes::from(css.into_bytes())
        }
        "leaflet-js" => {
            let js = String::from_utf8_lossy(body);
            match js.rfind("//# sourceMappingURL=") {
                Some(at) => Bytes::from(js[..at].as_bytes().to_vec()),
                None => Bytes::from_static(body),
            }
        }
        _ => Bytes::from_static(body),
    }
}

fn assets() -> &'static [Asset] {
    static ASSETS: OnceLock<Vec<Asset>> = OnceLock::new();
    ASSETS.get_or_init(|| {
        let mut built: Vec<Asset> = Vec::with_capacity(SOURCES.len());
        for (stem, prefix, ext, content_type, body) in SOURCES {
            let body = adapt(stem, body, &built);
            let hash = hex::encode(&Sha256::digest(&body)[..6]);
            built.push(Asset { stem, name: format!("{prefix}.{hash}.{ext}"), content_type, body });
        }
        built
    })
}

/// The URL of an asset by its stem ("app" → "/static/app.1a2b3c4d5e6f.css").
pub fn href(stem: &str) -> String {
    assets().iter().find(|a| a.stem == stem).map(|a| format!("/static/{}", a.name)).unwrap_or_default()
}

pub async fn serve(Path(name): Path<String>) -> Response {
    match assets().iter().find(|a| a.name == name) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            asset.body.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_a_fingerprinted_name_and_leaflet_finds_its_images() {
        for (stem, ..) in SOURCES {
            let url = href(stem);
            assert!(url.starts_with("/static/") && url.len() > "/static/x.123456789012.js".len() - 2, "{stem}: {url}");
        }
        let css = assets().iter().find(|a| a.stem == "leaflet-css").expect("leaflet.css");
        let css = String::from_utf8_lossy(&css.body);
        assert!(!css.contains("url(images/"), "every relative image URL is rewritten");
        assert!(css.contains(&format!("url({})", href("leaflet-marker-icon"))));
        let js = assets().iter().find(|a| a.stem == "leaflet-js").expect("leaflet.js");
        assert!(!String::from_utf8_lossy(&js.body).contains("sourceMappingURL"));
        assert_eq!(href("nope"), "");
    }
}
