//! The national landing page, a commune's home, its two spaces and its
//! transparency figures.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use miroir_proto::identity::v1 as id;
use std::collections::HashMap;

use super::{commune, reports_page};
use crate::rest::extract::Forwarded;
use crate::site::forms::error_page;
use crate::site::page::{Frame, render};
use crate::site::session::Visitor;
use crate::site::{CommuneView, ReportView};
use crate::{AppState, upstream};

#[derive(Template)]
#[template(path = "landing.html")]
struct Landing {
    frame: Frame,
    query: String,
    communes: Vec<CommuneView>,
    next_href: Option<String>,
}

pub async fn landing(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let query = params.get("q").map(|q| q.trim().chars().take(100).collect::<String>()).unwrap_or_default();
    let page_token = params.get("page").cloned().unwrap_or_default();
    let mut identity = state.identity.clone();
    let message = id::ListCommunesRequest { page_size: 24, page_token, query: query.clone() };
    let listed = upstream::call(identity.list_communes(upstream::request(message, &Forwarded::default()))).await;
    let listed = match listed {
        Ok(listed) => listed,
        Err(error) => return error_page(visitor, &error),
    };
    let next_href = (!listed.next_page_token.is_empty()).then(|| {
        let q: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
        format!("/?q={q}&page={}", listed.next_page_token)
    });
    let frame = Frame::new(&visitor, visitor.tr.t("landing-title"));
    let page = Landing { frame, query, communes: listed.communes.into_iter().map(Into::into).collect(), next_href };
    render(visitor, StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "commune_home.html")]
struct Home {
    frame: Frame,
    commune: CommuneView,
    reports: Vec<ReportView>,
    answers: Vec<ReportView>,
}

pub async fn home(State(state): State<AppState>, visitor: Visitor, Path(insee): Path<String>) -> Response {
    let (commune, page) =
        match tokio::try_join!(commune(&state, &insee), reports_page(&state, &visitor, &insee, 20, "")) {
            Ok(found) => found,
            Err(error) => return error_page(visitor, &error),
        };
    let all: Vec<ReportView> = page.reports.into_iter().map(|r| ReportView::new(&visitor.tr, r)).collect();
    let answers = all.iter().filter(|r| r.acknowledged).take(5).cloned().collect();
    let frame = Frame::new(&visitor, commune.display_name.clone());
    render(visitor, StatusCode::OK, &Home { frame, commune, reports: all.into_iter().take(5).collect(), answers })
}

#[derive(Template)]
#[template(path = "official.html")]
struct Official {
    frame: Frame,
    commune: CommuneView,
    answers: Vec<ReportView>,
}

pub async fn official(State(state): State<AppState>, visitor: Visitor, Path(insee): Path<String>) -> Response {
    let (commune, page) =
        match tokio::try_join!(commune(&state, &insee), reports_page(&state, &visitor, &insee, 100, "")) {
            Ok(found) => found,
            Err(error) => return error_page(visitor, &error),
        };
    let mut answers: Vec<ReportView> =
        page.reports.into_iter().map(|r| ReportView::new(&visitor.tr, r)).filter(|r| r.acknowledged).collect();
    answers.sort_by_key(|r| std::cmp::Reverse(r.acknowledged_at_us));
    let frame = Frame::new(&visitor, format!("{} — {}", visitor.tr.t("official-space"), commune.display_name));
    render(visitor, StatusCode::OK, &Official { frame, commune, answers })
}

#[derive(Template)]
#[template(path = "citizen.html")]
struct Citizen {
    frame: Frame,
    commune: CommuneView,
    reports: Vec<ReportView>,
}

pub async fn citizen(State(state): State<AppState>, visitor: Visitor, Path(insee): Path<String>) -> Response {
    let (commune, page) = match tokio::try_join!(commune(&state, &insee), reports_page(&state, &visitor, &insee, 5, ""))
    {
        Ok(found) => found,
        Err(error) => return error_page(visitor, &error),
    };
    let reports = page.reports.into_iter().map(|r| ReportView::new(&visitor.tr, r)).collect();
    let frame = Frame::new(&visitor, format!("{} — {}", visitor.tr.t("citizen-space"), commune.display_name));
    render(visitor, StatusCode::OK, &Citizen { frame, commune, reports })
}

#[derive(Template)]
#[template(path = "transparency.html")]
struct Transparency {
    frame: Frame,
    commune: CommuneView,
    figures: Vec<(String, String)>,
}

/// Most reports read for the figures, until the transparency service computes them from the log.
const MAX_PAGES: usize = 20;

pub async fn transparency(State(state): State<AppState>, visitor: Visitor, Path(insee): Path<String>) -> Response {
    let commune = match commune(&state, &insee).await {
        Ok(commune) => commune,
        Err(error) => return error_page(visitor, &error),
    };
    let mut all = Vec::new();
    let mut token = String::new();
    for _ in 0..MAX_PAGES {
        match reports_page(&state, &visitor, &insee, 100, &token).await {
            Ok(page) => {
                all.extend(page.reports);
                if page.next_page_token.is_empty() {
                    break;
                }
                token = page.next_page_token;
            }
            Err(error) => return error_page(visitor, &error),
        }
    }
    let tr = &visitor.tr;
    let received = all.len() as i64;
    let mut delays: Vec<i64> =
        all.iter().filter(|r| r.acknowledged_at_us > 0).map(|r| r.acknowledged_at_us - r.submitted_at_us).collect();
    delays.sort_unstable();
    let acknowledged = delays.len() as i64;
    let median = delays.get(delays.len() / 2).map(|us| *us as f64 / 3_600_000_000.0);
    let rate = (received > 0).then(|| 100.0 * acknowledged as f64 / received as f64);
    let figures = vec![
        (tr.t("figure-received"), tr.number(received as f64, 0)),
        (tr.t("figure-acknowledged"), tr.number(acknowledged as f64, 0)),
        (tr.t("figure-waiting"), tr.number((received - acknowledged) as f64, 0)),
        (tr.t("figure-answer-rate"), rate.map_or_else(|| tr.t("figure-none"), |r| format!("{} %", tr.number(r, 0)))),
        (
            tr.t("figure-median"),
            median.map_or_else(|| tr.t("figure-none"), |h| tr.t1("figure-hours", &tr.number(h, 1))),
        ),
    ];
    let frame = Frame::new(&visitor, tr.t1("transparency-title", &commune.display_name));
    render(visitor, StatusCode::OK, &Transparency { frame, commune, figures })
}
