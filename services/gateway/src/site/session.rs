//! Who is visiting: language, CSRF token and session, read from cookies.
//!
//! The gateway keeps no session store: the session *is* the pair of tokens
//! identity issued, held in `HttpOnly; Secure; SameSite=Lax` cookies. An
//! access token close to expiry is refreshed before the page is built (the
//! rotated refresh token replaces the old one). Forms carry the CSRF token of
//! the `miroir_csrf` cookie (double submit); a cross-site POST has neither the
//! cookie (SameSite) nor the token.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use miroir_proto::identity::v1 as id;

use super::i18n::{Lang, Tr};
use crate::AppState;
use crate::rest::extract::Forwarded;
use crate::upstream;

pub const SESSION: &str = "miroir_session";
pub const REFRESH: &str = "miroir_refresh";
pub const CSRF: &str = "miroir_csrf";
pub const LANG: &str = "miroir_lang";

/// The signed-in person, as pages show them.
#[derive(Debug, Clone)]
pub struct User {
    pub account_id: String,
    pub display_name: String,
    pub email: String,
    pub email_verified: bool,
    /// (commune, role)
    pub grants: Vec<(String, String)>,
}

impl User {
    pub fn holds(&self, commune: &str, roles: &[&str]) -> bool {
        self.grants.iter().any(|(c, r)| r == "operator" || (c == commune && roles.contains(&r.as_str())))
    }
}

/// Everything a page needs to know about the request.
pub struct Visitor {
    pub tr: Tr,
    pub path: String,
    pub csrf: String,
    pub user: Option<User>,
    /// Unread notifications of the signed-in visitor (asked on page views only, briefly; `None` if not known).
    pub unread: Option<u64>,
    access_token: Option<String>,
    /// Cookies to set on the response (new CSRF token, refreshed session, language).
    set_cookies: Vec<String>,
}

fn cookies(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect()
}

fn cookie<'c>(all: &'c [(String, String)], name: &str) -> Option<&'c str> {
    all.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value with the flags every Miroir cookie has.
pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64) -> String {
    format!("{name}={value}; Path=/; Max-Age={max_age_seconds}; HttpOnly; Secure; SameSite=Lax")
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// The `exp` of a JWT, read without checking it (identity checks it on every call).
fn expires_at(token: &str) -> Option<i64> {
    let payload = URL_SAFE_NO_PAD.decode(token.split('.').nth(1)?).ok()?;
    serde_json::from_slice::<serde_json::Value>(&payload).ok()?["exp"].as_i64()
}

pub fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    // Without randomness there is no safe token: an empty one never matches a cookie.
    if getrandom::fill(&mut bytes).is_err() {
        return String::new();
    }
    URL_SAFE_NO_PAD.encode(bytes)
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let jar = cookies(&parts.headers);
        let mut set_cookies = Vec::new();
        let query_lang = parts.uri.query().and_then(|q| {
            form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "lang").and_then(|(_, v)| Lang::parse(&v))
        });
        let lang = match query_lang {
            Some(lang) => {
                set_cookies.push(set_cookie(LANG, lang.code(), 365 * 24 * 3600));
                lang
            }
            None => cookie(&jar, LANG).and_then(Lang::parse).unwrap_or_else(|| {
                Lang::from_accept_language(
                    parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or_default(),
                )
            }),
        };
        let csrf = match cookie(&jar, CSRF) {
            Some(token) if token.len() >= 32 => token.to_owned(),
            _ => {
                let token = random_token();
                set_cookies.push(set_cookie(CSRF, &token, 24 * 3600));
                token
            }
        };
        let mut access_token = cookie(&jar, SESSION).map(str::to_owned);
        let stale = access_token.as_deref().and_then(expires_at).is_none_or(|exp| exp - 30 < now());
        if stale && let Some(refresh) = cookie(&jar, REFRESH) {
            let mut identity = state.identity.clone();
            let request =
                upstream::request(id::RefreshRequest { refresh_token: refresh.to_owned() }, &Forwarded::default());
            match upstream::call(identity.refresh(request)).await {
                Ok(session) => {
                    set_cookies.push(set_cookie(SESSION, &session.access_token, session.expires_in));
                    set_cookies.push(set_cookie(REFRESH, &session.refresh_token, 30 * 24 * 3600));
                    access_token = Some(session.access_token);
                }
                Err(_) => {
                    set_cookies.push(set_cookie(SESSION, "", 0));
                    set_cookies.push(set_cookie(REFRESH, "", 0));
                    access_token = None;
                }
            }
        }
        let mut visitor = Visitor {
            tr: Tr::new(lang),
            path: parts.uri.path().to_owned(),
            csrf,
            user: None,
            unread: None,
            access_token,
            set_cookies,
        };
        if visitor.access_token.is_some() {
            let mut identity = state.identity.clone();
            let request = upstream::request(id::GetMyAccountRequest {}, &visitor.forwarded());
            match upstream::call(identity.get_my_account(request)).await {
                Ok(account) => {
                    visitor.user = Some(User {
                        account_id: account.account_id,
                        display_name: account.display_name,
                        email: account.email,
                        email_verified: account.email_verified,
                        grants: account.grants.into_iter().map(|g| (g.commune, g.role)).collect(),
                    })
                }
                Err(_) => visitor.sign_out(),
            }
        }
        if visitor.user.is_some() && parts.method == axum::http::Method::GET {
            visitor.unread = unread(state, &visitor).await;
        }
        Ok(visitor)
    }
}

/// How long a page waits for its unread count: the count is a courtesy, the page must not wait on it.
const UNREAD_WAIT: std::time::Duration = std::time::Duration::from_millis(300);

/// The visitor's unread notifications, if the notifications service answers at once.
async fn unread(state: &AppState, visitor: &Visitor) -> Option<u64> {
    let mut notifications = state.notifications.clone();
    let request = upstream::request(miroir_proto::notifications::v1::CountMyUnreadRequest {}, &visitor.forwarded());
    match tokio::time::timeout(UNREAD_WAIT, notifications.count_my_unread(request)).await {
        Ok(Ok(answer)) => Some(answer.into_inner().unread),
        _ => None,
    }
}

impl Visitor {
    /// Credentials for calls made on the visitor's behalf.
    pub fn forwarded(&self) -> Forwarded {
        self.access_token.as_deref().map(Forwarded::bearer).unwrap_or_default()
    }

    /// The access token of the session cookie, as it is (not checked, not refreshed).
    pub fn access_token_cookie(headers: &HeaderMap) -> Option<String> {
        cookie(&cookies(headers), SESSION).map(str::to_owned)
    }

    pub fn refresh_token_cookie(headers: &HeaderMap) -> Option<String> {
        cookie(&cookies(headers), REFRESH).map(str::to_owned)
    }

    pub fn signed_in(&mut self, session: &id::Session) {
        self.set_cookies.push(set_cookie(SESSION, &session.access_token, session.expires_in));
        self.set_cookies.push(set_cookie(REFRESH, &session.refresh_token, 30 * 24 * 3600));
        self.access_token = Some(session.access_token.clone());
    }

    pub fn sign_out(&mut self) {
        self.set_cookies.push(set_cookie(SESSION, "", 0));
        self.set_cookies.push(set_cookie(REFRESH, "", 0));
        self.access_token = None;
        self.user = None;
    }

    /// True when the form's token matches the visitor's cookie.
    pub fn csrf_ok(&self, submitted: Option<&str>) -> bool {
        let Some(submitted) = submitted else { return false };
        !self.csrf.is_empty()
            && submitted.len() == self.csrf.len()
            && submitted.bytes().zip(self.csrf.bytes()).fold(0_u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }

    /// Adds the cookies this request decided on to the response.
    pub fn finish(self, mut response: Response) -> Response {
        for cookie in self.set_cookies {
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        response
    }
}
