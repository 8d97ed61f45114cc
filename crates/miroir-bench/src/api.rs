//! The REST calls the load benchmarks make before they measure: signing
//! accounts up and in, and reading answers that must have one status.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::{Value, json};

/// How long one request may take before it counts as failed.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// An HTTP client with [`REQUEST_TIMEOUT`] (its own connection pool: one per load client).
pub fn http_client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder().timeout(REQUEST_TIMEOUT).build().context("cannot build an HTTP client")
}

/// Signs a resident of `commune` up (`POST /api/v1/auth/signup`, 201) and in: their access token.
pub async fn sign_up(
    http: &reqwest::Client,
    site: SocketAddr,
    commune: &str,
    email: &str,
    password: &str,
    display_name: &str,
) -> anyhow::Result<String> {
    let signed_up = http
        .post(format!("http://{site}/api/v1/auth/signup"))
        .json(&json!({"email": email, "password": password, "display_name": display_name, "commune": commune}))
        .send()
        .await
        .context("sign-up")?;
    expect_status(signed_up, reqwest::StatusCode::CREATED, "sign-up").await?;
    login(http, site, email, password).await
}

/// Signs an account in (`POST /api/v1/auth/login`, 200): its access token.
pub async fn login(http: &reqwest::Client, site: SocketAddr, email: &str, password: &str) -> anyhow::Result<String> {
    let session = http
        .post(format!("http://{site}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .context("login")?;
    let session = expect_status(session, reqwest::StatusCode::OK, "login").await?;
    session["access_token"].as_str().map(str::to_owned).context("login answered without an access_token")
}

/// The JSON answer, if its status is `expected`; else an error with the body.
pub async fn expect_status(
    response: reqwest::Response,
    expected: reqwest::StatusCode,
    what: &str,
) -> anyhow::Result<Value> {
    let status = response.status();
    let text = response.text().await.with_context(|| format!("{what}: reading the answer"))?;
    if status != expected {
        bail!("{what} answered {status} (expected {expected}): {text}");
    }
    serde_json::from_str(&text).with_context(|| format!("{what} answered something that is not JSON: {text}"))
}
