//! The open-data files of the dashboards and the page that documents them
//! (`/donnees-ouvertes`). Stable addresses:
//!
//! - `/c/{insee}/transparence.json` and `.csv` — a commune's dashboard;
//! - `/transparence/national.json` and `.csv`, `/transparence/departements/{code}.json` and `.csv`;
//! - `/transparence/communes.json` and `.csv` — every commune's headline figures (`?departement=` for one);
//! - `/c/{insee}/evenements.jsonl` — the commune's public events, one JSON object per line.
//!
//! Every file carries the Licence Ouverte 2.0: in the JSON body, and as a
//! `Link: <…>; rel="license"` header. The long lists (communes, events) are
//! streamed page by page from the service; the first page is asked before the
//! answer starts, so that a bad request or a service that is down still gets
//! its status code.

use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use miroir_proto::reports::v1 as rp;
use miroir_proto::transparency::v1 as tp;
use tonic::Code;

use super::transparency::{DEFAULT_MONTHS, MAX_MONTHS, commune_figures, dashboard, departement_code, months};
use super::{commune, plain_segment};
use crate::site::category_label;
use crate::site::forms::FormData;
use crate::site::i18n::{Lang, Tr};
use crate::site::open_data::{self as files, Context, FieldDoc};
use crate::site::page::{Frame, render};
use crate::site::session::Visitor;
use crate::{AppState, GatewayError, upstream};

/// Items asked per call when a file lists everything.
const PAGE: u32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
    Lines,
}

impl Format {
    fn parse(extension: &str) -> Option<Self> {
        match extension {
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8; header=present",
            Format::Lines => "application/x-ndjson",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Lines => "jsonl",
        }
    }
}

/// A file's answer: its type, its name, the licence, readable from other sites, briefly cacheable.
fn file(format: Format, name: &str, body: Body) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    // JSON opens in the browser; CSV and JSON lines are downloads. The name is ASCII (codes and words).
    let disposition = if format == Format::Json { "inline" } else { "attachment" };
    let disposition = format!("{disposition}; filename=\"{name}.{}\"", format.extension());
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    let link = format!("<{}>; rel=\"license\", <{}>; rel=\"describedby\"", files::LICENCE_URL, files::DOCUMENTATION);
    if let Ok(value) = HeaderValue::from_str(&link) {
        headers.insert(header::LINK, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

/// A refusal: the API's JSON error body for JSON, plain text otherwise.
fn refusal(format: Format, status: StatusCode, code: &str, message: &str) -> Response {
    let mut response = match format {
        Format::Json => {
            let body = serde_json::json!({ "error": { "code": code, "message": message } });
            (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
        }
        _ => (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{message}\n")).into_response(),
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn not_found(format: Format) -> Response {
    refusal(format, StatusCode::NOT_FOUND, "not_found", "No such commune or département on this platform.")
}

fn bad_months(format: Format) -> Response {
    let message = format!("mois: a whole number of months from 1 to {MAX_MONTHS} ({DEFAULT_MONTHS} if absent).");
    refusal(format, StatusCode::BAD_REQUEST, "invalid_argument", &message)
}

fn bad_departement(format: Format) -> Response {
    let message = "departement: a département code, 01 to 95, 2A, 2B or 971 to 976.";
    refusal(format, StatusCode::BAD_REQUEST, "invalid_argument", message)
}

/// What a failed call means for a file.
fn failed(format: Format, error: &GatewayError) -> Response {
    match error {
        GatewayError::Upstream(status) => match status.code() {
            Code::NotFound | Code::InvalidArgument => not_found(format),
            Code::Unavailable => refusal(
                format,
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The figures cannot be read right now; try again in a moment.",
            ),
            _ => {
                tracing::error!(%error, "open data: a call failed");
                refusal(format, StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal error.")
            }
        },
        GatewayError::UpstreamTimeout => refusal(
            format,
            StatusCode::GATEWAY_TIMEOUT,
            "deadline_exceeded",
            "The figures took too long to read; try again in a moment.",
        ),
        _ => {
            tracing::error!(%error, "open data: a call failed");
            refusal(format, StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal error.")
        }
    }
}

/// The file of one dashboard, in `format`, named `name`.
async fn dashboard_file(
    state: &AppState,
    scope: String,
    query: Option<String>,
    format: Format,
    name: &str,
    categories: Vec<rp::Category>,
) -> Response {
    let Some(months) = months(&FormData::parse(query.unwrap_or_default().as_bytes())) else {
        return bad_months(format);
    };
    let figures = match dashboard(state, scope, months).await {
        Ok(figures) => figures,
        Err(error) => return failed(format, &error),
    };
    // Files do not depend on the visitor's language: names are the commune's, else the standard French ones.
    let tr = Tr::new(Lang::Fr);
    let category_name = |code: &str| category_label(&tr, &categories, code);
    let tree = files::dashboard(&figures, &Context { months, category_name: &category_name });
    let name = if months == DEFAULT_MONTHS { name.to_owned() } else { format!("{name}-{months}-mois") };
    match format {
        Format::Csv => file(format, &name, Body::from(files::dashboard_csv(&tree))),
        _ => file(format, &name, Body::from(files::json(&tree))),
    }
}

/// A commune's categories, for their names (none if the reports service does not answer).
async fn commune_categories(state: &AppState, insee: &str) -> Vec<rp::Category> {
    let mut reports = state.reports.clone();
    let message = rp::ListCategoriesRequest { parent: format!("communes/{insee}"), include_retired: true };
    match upstream::call(reports.list_categories(upstream::request(message, &Default::default()))).await {
        Ok(listed) => listed.categories,
        Err(error) => {
            tracing::warn!(%error, "open data: the categories' names could not be read");
            Vec::new()
        }
    }
}

/// `/c/{insee}/transparence.json` and `/c/{insee}/transparence.csv` (the route names the format).
async fn commune_file(state: AppState, insee: String, query: Option<String>, format: Format) -> Response {
    if !plain_segment(&insee) {
        return not_found(format);
    }
    let categories = commune_categories(&state, &insee).await;
    dashboard_file(&state, format!("communes/{insee}"), query, format, &format!("transparence-{insee}"), categories)
        .await
}

pub async fn commune_json(
    State(state): State<AppState>,
    Path(insee): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    commune_file(state, insee, query, Format::Json).await
}

pub async fn commune_csv(
    State(state): State<AppState>,
    Path(insee): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    commune_file(state, insee, query, Format::Csv).await
}

pub async fn national_json(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    dashboard_file(&state, "national".into(), query, Format::Json, "transparence-national", Vec::new()).await
}

pub async fn national_csv(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    dashboard_file(&state, "national".into(), query, Format::Csv, "transparence-national", Vec::new()).await
}

/// `/transparence/departements/{code}.json` and `.csv`.
pub async fn departement_file(
    State(state): State<AppState>,
    Path(file_name): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((code, format)) = file_name.rsplit_once('.').and_then(|(c, e)| Some((c, Format::parse(e)?))) else {
        return not_found(Format::Csv);
    };
    let Some(code) = departement_code(code) else {
        return bad_departement(format);
    };
    let scope = format!("departements/{code}");
    dashboard_file(&state, scope, query, format, &format!("transparence-departement-{code}"), Vec::new()).await
}

/// The pages after the first, asked as the answer is sent: `fetch(token)` gives a page's bytes and the next token
/// ("" after the last). A failure ends the stream with an error, which cuts the answer short: the client sees an
/// incomplete transfer, never a silently shorter file.
fn later_pages<F, Fut>(next: String, fetch: F) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<(Bytes, String), GatewayError>>,
{
    futures::stream::unfold((next, fetch), |(token, fetch)| async move {
        if token.is_empty() {
            return None;
        }
        match fetch(token).await {
            Ok((bytes, next)) => Some((Ok(bytes), (next, fetch))),
            Err(error) => {
                tracing::warn!(%error, "open data: a file ended early");
                Some((Err(std::io::Error::other("the figures could not be read")), (String::new(), fetch)))
            }
        }
    })
}

/// `/transparence/communes.json` and `.csv`: every commune's line (`?departement=` for one département's).
async fn communes_file(state: AppState, query: Option<String>, format: Format) -> Response {
    let query = FormData::parse(query.unwrap_or_default().as_bytes());
    let departement = match query.get("departement").trim() {
        "" => String::new(),
        raw => match departement_code(raw) {
            Some(code) => code,
            None => return bad_departement(format),
        },
    };
    let first = match commune_figures(&state, &departement, PAGE, "").await {
        Ok(first) => first,
        Err(error) => return failed(format, &error),
    };
    let head = match format {
        Format::Json => files::communes_json_start(&departement, first.total),
        _ => files::communes_csv_header(),
    };
    let write = move |communes: &[tp::CommuneFigures], first_of_file: bool| -> Bytes {
        let mut out = String::new();
        for (i, c) in communes.iter().enumerate() {
            match format {
                Format::Json => {
                    if !(first_of_file && i == 0) {
                        out.push(',');
                    }
                    out.push_str("\n  ");
                    out.push_str(&files::commune_json(c));
                }
                _ => out.push_str(&files::commune_csv_line(c)),
            }
        }
        Bytes::from(out)
    };
    let first_page = write(&first.communes, true);
    let dep = departement.clone();
    let rest = later_pages(first.next_page_token.clone(), move |token| {
        let (state, dep) = (state.clone(), dep.clone());
        async move {
            let page = commune_figures(&state, &dep, PAGE, &token).await?;
            Ok((write(&page.communes, false), page.next_page_token))
        }
    });
    let tail = match format {
        Format::Json => Bytes::from_static(files::COMMUNES_JSON_END.as_bytes()),
        _ => Bytes::new(),
    };
    let stream = futures::stream::iter([Ok(Bytes::from(head)), Ok(first_page)])
        .chain(rest)
        .chain(futures::stream::iter([Ok(tail)]));
    let name = if departement.is_empty() {
        "transparence-communes".to_owned()
    } else {
        format!("transparence-communes-{departement}")
    };
    file(format, &name, Body::from_stream(stream))
}

pub async fn communes_json(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    communes_file(state, query, Format::Json).await
}

pub async fn communes_csv(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    communes_file(state, query, Format::Csv).await
}

async fn public_events(
    state: &AppState,
    insee: &str,
    token: &str,
) -> Result<tp::ListPublicEventsResponse, GatewayError> {
    let mut client = state.transparency.clone();
    let message =
        tp::ListPublicEventsRequest { commune: insee.to_owned(), page_size: PAGE, page_token: token.to_owned() };
    upstream::call(client.list_public_events(upstream::request(message, &Default::default()))).await
}

fn event_lines(events: &[tp::PublicEvent]) -> Bytes {
    Bytes::from(events.iter().map(files::event_line).collect::<String>())
}

/// `/c/{insee}/evenements.jsonl`: the commune's public events, every page, one JSON object per line.
pub async fn events(State(state): State<AppState>, Path(insee): Path<String>) -> Response {
    let format = Format::Lines;
    if !plain_segment(&insee) {
        return not_found(format);
    }
    // The feed of a commune that does not exist is not an empty file.
    let (known, first) = tokio::join!(commune(&state, &insee), public_events(&state, &insee, ""));
    if let Err(error) = known {
        return failed(format, &error);
    }
    let first = match first {
        Ok(first) => first,
        Err(error) => return failed(format, &error),
    };
    let first_lines = event_lines(&first.events);
    let commune = insee.clone();
    let rest = later_pages(first.next_page_token, move |token| {
        let (state, commune) = (state.clone(), commune.clone());
        async move {
            let page = public_events(&state, &commune, &token).await?;
            Ok((event_lines(&page.events), page.next_page_token))
        }
    });
    let stream = futures::stream::iter([Ok(first_lines)]).chain(rest);
    file(format, &format!("evenements-{insee}"), Body::from_stream(stream))
}

// ---------------------------------------------------------------- the documentation page

/// A documented field in the page's language.
pub struct FieldLine {
    pub path: &'static str,
    pub text: &'static str,
}

fn lines(tr: &Tr, fields: &[FieldDoc]) -> Vec<FieldLine> {
    fields.iter().map(|f| FieldLine { path: f.path, text: if tr.lang == Lang::Fr { f.fr } else { f.en } }).collect()
}

#[derive(Template)]
#[template(path = "open_data.html")]
struct OpenDataPage {
    frame: Frame,
    licence_name: &'static str,
    licence_url: &'static str,
    dashboard_fields: Vec<FieldLine>,
    csv_fields: Vec<FieldLine>,
    communes_json_fields: Vec<FieldLine>,
    commune_fields: Vec<FieldLine>,
    event_fields: Vec<FieldLine>,
    event_types: Vec<FieldLine>,
    max_months: u32,
}

/// `/donnees-ouvertes`: every file, every field, the licence, the period and the method.
pub async fn documentation(visitor: Visitor) -> Response {
    let tr = visitor.tr.clone();
    let page = OpenDataPage {
        frame: Frame::new(&visitor, tr.t("od-title")),
        licence_name: files::LICENCE_NAME,
        licence_url: files::LICENCE_URL,
        dashboard_fields: lines(&tr, files::DASHBOARD_FIELDS),
        csv_fields: lines(&tr, files::DASHBOARD_CSV_FIELDS),
        communes_json_fields: lines(&tr, files::COMMUNES_JSON_FIELDS),
        commune_fields: lines(&tr, files::COMMUNE_FIELDS),
        event_fields: lines(&tr, files::EVENT_FIELDS),
        event_types: lines(&tr, files::EVENT_TYPES),
        max_months: MAX_MONTHS,
    };
    render(visitor, StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[tokio::test]
    async fn later_pages_come_in_order_until_the_last_and_a_failure_cuts_the_file() {
        let pages = HashMap::from([("t1", ("b", "t2")), ("t2", ("c", "")), ("bad", ("x", "t9"))]);
        let fetch = |token: String| {
            let page = pages.get(token.as_str()).copied();
            async move {
                match page {
                    Some((bytes, next)) if token != "bad" => Ok((Bytes::from(bytes), next.to_owned())),
                    _ => Err(GatewayError::UpstreamTimeout),
                }
            }
        };
        let all: Vec<_> = later_pages("t1".into(), fetch).collect().await;
        let all: Vec<_> = all.into_iter().map(|r| r.expect("a page")).collect();
        assert_eq!(all, [Bytes::from("b"), Bytes::from("c")]);
        assert!(later_pages(String::new(), fetch).collect::<Vec<_>>().await.is_empty(), "one page: nothing more");
        let cut: Vec<_> = later_pages("bad".into(), fetch).collect().await;
        assert_eq!(cut.len(), 1, "the error, then the end");
        assert!(cut[0].is_err());
    }
}
