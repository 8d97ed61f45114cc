//! What every page template receives, and how a page becomes a response with
//! the site's security headers.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::assets;
use super::i18n::Tr;
use super::session::{User, Visitor};

/// The frame of every page: language, who is signed in, the CSRF token.
pub struct Frame {
    pub tr: Tr,
    pub title: String,
    pub css: String,
    pub csrf: String,
    pub path: String,
    pub user: Option<User>,
    /// The admin page of a commune this visitor administers, if any.
    pub admin_of: Option<String>,
    /// A commune whose reports queue this visitor works on (agent or administrator), if any.
    pub staff_of: Option<String>,
    /// Unread items of the signed-in visitor's notifications, when known.
    pub unread: Option<u64>,
    /// More stylesheets and scripts (`defer`), for pages with a map.
    pub styles: Vec<String>,
    pub scripts: Vec<String>,
}

impl Frame {
    pub fn new(visitor: &Visitor, title: String) -> Self {
        let admin_of = visitor.user.as_ref().and_then(|u| {
            u.grants.iter().find(|(_, role)| role == "commune_admin").map(|(commune, _)| commune.clone())
        });
        let staff_of = visitor.user.as_ref().and_then(|u| {
            u.grants
                .iter()
                .find(|(_, role)| role == "agent" || role == "commune_admin")
                .map(|(commune, _)| commune.clone())
        });
        Frame {
            tr: visitor.tr.clone(),
            title,
            css: assets::href("app"),
            csrf: visitor.csrf.clone(),
            path: visitor.path.clone(),
            user: visitor.user.clone(),
            admin_of,
            staff_of,
            unread: visitor.unread,
            styles: Vec::new(),
            scripts: Vec::new(),
        }
    }

    /// The page has a map: Leaflet and `reports-map.js`, served by the site
    /// itself. Without JavaScript nothing of it runs and the page still works.
    pub fn with_map(&mut self) {
        self.styles.push(assets::href("leaflet-css"));
        self.scripts.push(assets::href("leaflet-js"));
        self.scripts.push(assets::href("reports-map"));
    }

    pub fn lang(&self) -> &'static str {
        self.tr.lang.code()
    }

    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }

    pub fn t1(&self, key: &str, value: impl std::fmt::Display) -> String {
        self.tr.t1(key, &value.to_string())
    }

    /// The text of `key` with a count `$count` (plural rules apply).
    /// "3 unread notifications" for screen readers ("" when none or unknown).
    pub fn unread_text(&self) -> String {
        match self.unread {
            Some(n) if n > 0 => format!("{n} {}", self.tr.count("nav-unread", i64::try_from(n).unwrap_or(i64::MAX))),
            _ => String::new(),
        }
    }

    pub fn count<N: Copy + TryInto<i64>>(&self, key: &str, count: &N) -> String {
        self.tr.count(key, (*count).try_into().unwrap_or(i64::MAX))
    }

    /// This page in the other language.
    pub fn other_lang_href(&self) -> String {
        format!("{}?lang={}", self.path, self.tr.lang.other().code())
    }

    pub fn other_lang(&self) -> &'static str {
        self.tr.lang.other().code()
    }
}

/// The policy of the HTML site: everything from this origin, no inline script,
/// no framing, forms only to this origin. The one external resource is the
/// maps' background: OpenStreetMap's tiles (images only, loaded by Leaflet
/// when JavaScript runs; without it no request leaves for a third party).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data: https://tile.openstreetmap.org; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

fn with_site_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    // Pages can show personal data (an account page): never kept by shared caches.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    response
}

/// Renders a template into a response, with the visitor's cookies.
pub fn render(visitor: Visitor, status: StatusCode, template: &impl Template) -> Response {
    let response = match template.render() {
        Ok(html) => (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        Err(error) => {
            tracing::error!(%error, "a page failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    };
    let mut response = with_site_headers(response);
    // Every "too many" page — the site's per-address limit, a service's per-account one — says when to come
    // back, as the API does; the handler may have said it more precisely already.
    if status == StatusCode::TOO_MANY_REQUESTS && !response.headers().contains_key(header::RETRY_AFTER) {
        response.headers_mut().insert(header::RETRY_AFTER, super::forms::POST_WINDOW_SECONDS.into());
    }
    visitor.finish(response)
}

/// A 303 to `to`, with the visitor's cookies (after a successful form).
pub fn redirect(visitor: Visitor, to: &str) -> Response {
    visitor.finish(with_site_headers(Redirect::to(to).into_response()))
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub frame: Frame,
    pub message: String,
    pub link: Option<(String, String)>,
}

/// A page that only says something (a confirmation, an error).
pub fn message(visitor: Visitor, status: StatusCode, title_key: &str, message_key: &str) -> Response {
    let frame = Frame::new(&visitor, visitor.tr.t(title_key));
    let message = visitor.tr.t(message_key);
    let link = Some(("/".to_owned(), visitor.tr.t("back-home")));
    render(visitor, status, &MessagePage { frame, message, link })
}
