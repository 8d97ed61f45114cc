//! The set-up of a run, over the REST API like any client: the commune's
//! administrator signs in, residents sign up, and some content is written so
//! that every read returns real data — reports (a few acknowledged), a
//! published project and a news item, questions (a few answered). Then every
//! read of the mix is tried once until it answers 2xx (the services learn the
//! commune from identity's log, transparency every other log), and the
//! stylesheet the pages link to is found for the baseline.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures::{StreamExt, TryStreamExt};
use miroir_bench::api::{self, http_client};
use serde_json::{Value, json};

use crate::COMMUNE;
use crate::mix::{Request, Shared, question_body, reads, report_body};

/// The commune's administrator, created with `miroir admin create-admin`.
pub const ADMIN_EMAIL: &str = "maire@example.fr";
pub const PASSWORD: &str = "un banc d'essai bien chargé";
/// How many residents sign up at once.
const SIGN_UPS_AT_ONCE: usize = 4;
/// How long the services get to learn the commune, and transparency its figures.
const CATCH_UP_TIMEOUT: Duration = Duration::from_secs(60);

/// How much content the set-up writes.
pub struct Amounts {
    pub residents: usize,
    pub reports: usize,
    pub reports_acknowledged: usize,
    pub questions: usize,
    pub questions_answered: usize,
}

/// Signs the accounts in and writes the content: what the clients share.
pub async fn prepare(mode: &str, site: SocketAddr, amounts: &Amounts) -> anyhow::Result<Shared> {
    let http = http_client()?;
    let started = Instant::now();
    eprintln!("[{mode}] signing up {} residents and the administrator in at http://{site}", amounts.residents);
    let official = api::login(&http, site, ADMIN_EMAIL, PASSWORD).await.context("the administrator's login")?;
    // A few at a time, as people sign up: each sign-up and login runs argon2id (19 MiB) on identity's blocking
    // pool, and 2 cores gain nothing from more at once.
    let residents: Vec<String> = futures::stream::iter(0..amounts.residents)
        .map(|i| {
            let http = &http;
            async move {
                let email = format!("habitant-{i}@example.fr");
                api::sign_up(http, site, COMMUNE, &email, PASSWORD, &format!("Habitant {i}")).await
            }
        })
        .buffered(SIGN_UPS_AT_ONCE)
        .try_collect()
        .await?;
    let shared = Shared::new(format!("http://{site}"), residents, official);
    let api = format!("http://{site}/api/v1/communes/{COMMUNE}");

    eprintln!(
        "[{mode}] writing {} reports ({} acknowledged), {} questions ({} answered), a project and a news item",
        amounts.reports, amounts.reports_acknowledged, amounts.questions, amounts.questions_answered
    );
    for i in 0..amounts.reports {
        let resident = &shared.residents[i % shared.residents.len()];
        let filed = post_until_known(&http, &format!("{api}/reports"), resident, report_body()).await?;
        let id = id_of(&filed, "report_id")?;
        let acknowledged = i < amounts.reports_acknowledged;
        if acknowledged {
            let message = json!({"message": "Vu, merci."}).to_string();
            post(&http, &format!("{api}/reports/{id}/acknowledge"), &shared.official, message).await?;
        }
        shared.add_report(id, acknowledged);
    }
    for i in 0..amounts.questions {
        let asker = shared.next_asker().context("no resident left under the posting limit")?.to_owned();
        let asked = post_until_known(&http, &format!("{api}/questions"), &asker, question_body(i as u64)).await?;
        let id = id_of(&asked, "question_id")?;
        let answered = i < amounts.questions_answered;
        if answered {
            let answer = json!({"body": "Réouverture prévue le 1er juin."}).to_string();
            post(&http, &format!("{api}/questions/{id}/answer"), &shared.official, answer).await?;
        }
        shared.add_question(id, answered);
    }
    let project = json!({
        "space": "official",
        "kind": "project",
        "title": "Une cour d'école végétalisée",
        "body": "Arbres, potager et fontaine : les travaux commencent en mars.",
        "details": {"project": {
            "status": "in_progress",
            "budget_planned_cents": 18_000_000,
            "progress_percent": 20,
            "location": {"latitude": 48.8566, "longitude": 2.3522, "address": "Place de l'Hôtel de Ville"},
        }},
    });
    let news = json!({
        "space": "official",
        "kind": "news",
        "title": "Le marché du samedi rouvre",
        "body": "Dès le 1er juin, place de l'Hôtel de Ville.",
    });
    for draft in [project, news] {
        let drafted =
            post_until_known(&http, &format!("{api}/publications"), &shared.official, draft.to_string().into()).await?;
        let id = id_of(&drafted, "publication_id")?;
        post(&http, &format!("{api}/publications/{id}/publish"), &shared.official, "{}".to_owned()).await?;
        shared.add_publication(id);
    }
    eprintln!("[{mode}] set-up written in {:.1} s", started.elapsed().as_secs_f64());
    Ok(shared)
}

/// Tries every read of the mix until it answers 2xx (transparency learns
/// the commune and the content from the other logs), then returns the URL
/// of the stylesheet the home page links to (`/static/app.<hash>.css`).
pub async fn ready(mode: &str, shared: &Shared) -> anyhow::Result<String> {
    let http = crate::mix::client()?;
    let started = Instant::now();
    let mut home = String::new();
    for request in reads() {
        let url = format!("{}{}", shared.site, request.read_path(&shared.first_id(request)));
        loop {
            let last = match http.get(&url).send().await {
                Ok(response) => {
                    let status = response.status();
                    let text = response.text().await.unwrap_or_default();
                    if status.is_success() {
                        if request == Request::HomePage {
                            home = text;
                        }
                        break;
                    }
                    format!("{status}: {}", miroir_bench::load::shorten(&text))
                }
                Err(error) => error.to_string(),
            };
            if started.elapsed() > CATCH_UP_TIMEOUT {
                bail!("{url} did not answer 2xx within {CATCH_UP_TIMEOUT:?}; last answer: {last}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    eprintln!("[{mode}] every read answers (after {:.1} s)", started.elapsed().as_secs_f64());
    let css = stylesheet(&home).context("the home page links to no /static/app.<hash>.css")?;
    Ok(format!("{}{css}", shared.site))
}

/// `/static/app.<hash>.css` in a page's HTML.
fn stylesheet(html: &str) -> Option<&str> {
    let start = html.find("/static/app.")?;
    let rest = &html[start..];
    let end = rest.find(".css")? + ".css".len();
    Some(&rest[..end])
}

fn id_of(answer: &Value, field: &str) -> anyhow::Result<String> {
    answer[field].as_str().map(str::to_owned).with_context(|| format!("an answer without {field}: {answer}"))
}

async fn post(http: &reqwest::Client, url: &str, token: &str, body: String) -> anyhow::Result<Value> {
    let response = http
        .post(url)
        .bearer_auth(token)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .with_context(|| format!("POST {url}"))?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if !status.is_success() {
        bail!("POST {url} answered {status}: {text}");
    }
    serde_json::from_str(&text).with_context(|| format!("POST {url} answered something that is not JSON: {text}"))
}

/// Posts until the service has learned the commune from identity's log (400
/// "unknown commune" before; 503 while a component still connects), as a
/// client would retry.
async fn post_until_known(http: &reqwest::Client, url: &str, token: &str, body: bytes::Bytes) -> anyhow::Result<Value> {
    let started = Instant::now();
    loop {
        let last = match http
            .post(url)
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.clone())
            .send()
            .await
        {
            Ok(response) => {
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                match status {
                    _ if status.is_success() => {
                        return serde_json::from_str(&text)
                            .with_context(|| format!("POST {url} answered something that is not JSON: {text}"));
                    }
                    reqwest::StatusCode::BAD_REQUEST | reqwest::StatusCode::SERVICE_UNAVAILABLE => {
                        format!("{status}: {text}")
                    }
                    _ => bail!("POST {url} answered {status}: {text}"),
                }
            }
            Err(error) => error.to_string(),
        };
        if started.elapsed() > CATCH_UP_TIMEOUT {
            bail!("POST {url}: the commune was not known within {CATCH_UP_TIMEOUT:?}; last answer: {last}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::stylesheet;

    #[test]
    fn the_stylesheet_is_found_in_the_page() {
        let html = r#"<link rel="stylesheet" href="/static/app.0123456789ab.css"><script src="/static/x.js">"#;
        assert_eq!(stylesheet(html), Some("/static/app.0123456789ab.css"));
        assert_eq!(stylesheet("<p>rien</p>"), None);
    }
}
