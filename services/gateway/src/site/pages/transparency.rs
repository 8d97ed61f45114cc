//! The transparency dashboards: a commune's (`/c/{insee}/transparence/`), a
//! département's (`/transparence/departements/{code}/`) and the national one
//! (`/transparence/`) with the table comparing communes. The figures come
//! from the transparency service, which recomputes them from the logs; the
//! site draws them ([`crate::site::charts`]: SVG bars, each followed by its
//! table), says them in words and explains how to read them. No JavaScript.
//!
//! `?mois=` chooses the period (1 to 36 months, 12 by default); anything else
//! is a 400 that says what is expected.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use miroir_proto::transparency::v1 as tp;

use super::{categories, plain_segment};
use crate::site::category_label;
use crate::site::charts::{BarChart, DataTable, Figure, Fill, Group, Series, TableRow};
use crate::site::forms::{FormData, FormErrors, error_page};
use crate::site::i18n::{Lang, Tr};
use crate::site::page::{self, Frame, MessagePage, render};
use crate::site::session::Visitor;
use crate::{AppState, GatewayError, upstream};

/// The period when `?mois=` is not given.
pub const DEFAULT_MONTHS: u32 = 12;
pub const MAX_MONTHS: u32 = 36;
/// Communes per page of the comparison table.
const COMMUNES_PAGE: u32 = 50;
/// Projects drawn in the budget chart (the table lists up to the service's 50).
const CHART_PROJECTS: usize = 10;

/// `?mois=`: empty or absent → 12; a whole number from 1 to 36; anything else refused (`None`).
pub fn months(query: &FormData) -> Option<u32> {
    let raw = query.get("mois").trim();
    if raw.is_empty() {
        return Some(DEFAULT_MONTHS);
    }
    raw.parse::<u32>().ok().filter(|m| (1..=MAX_MONTHS).contains(m))
}

/// A département code as the service knows them (`01`–`95`, `2A`, `2B`, `971`–`976`), upper-cased.
pub fn departement_code(raw: &str) -> Option<String> {
    let code = raw.trim().to_ascii_uppercase();
    let ok = match code.as_bytes() {
        [b'2', b'A' | b'B'] => true,
        [a, b] => a.is_ascii_digit() && b.is_ascii_digit() && code != "00" && code != "20",
        [b'9', b'7', c] => (b'1'..=b'6').contains(c),
        _ => false,
    };
    ok.then_some(code)
}

/// The dashboard of `scope` ("communes/{insee}", "departements/{code}", "national").
pub async fn dashboard(state: &AppState, scope: String, months: u32) -> Result<tp::Dashboard, GatewayError> {
    let mut client = state.transparency.clone();
    let message = tp::GetDashboardRequest { scope, months };
    upstream::call(client.get_dashboard(upstream::request(message, &Default::default()))).await
}

/// One page of the communes' headline figures.
pub async fn commune_figures(
    state: &AppState,
    departement: &str,
    page_size: u32,
    page_token: &str,
) -> Result<tp::ListCommuneFiguresResponse, GatewayError> {
    let mut client = state.transparency.clone();
    let message = tp::ListCommuneFiguresRequest {
        departement: departement.to_owned(),
        page_size,
        page_token: page_token.to_owned(),
    };
    upstream::call(client.list_commune_figures(upstream::request(message, &Default::default()))).await
}

// ---------------------------------------------------------------- words and numbers

/// A count as the page's language writes it.
pub fn count(tr: &Tr, n: u64) -> String {
    tr.number(n as f64, 0)
}

/// A share (0..=1) as a percentage: "83 %", "83%".
pub fn percent(tr: &Tr, share: f64) -> String {
    let value = tr.number((share * 100.0).clamp(0.0, 100.0), 0);
    match tr.lang {
        Lang::Fr => format!("{value}\u{a0}%"),
        Lang::En => format!("{value}%"),
    }
}

/// Euros from cents: "12 500 €", "1 234,50 €" / "€12,500", "€1,234.50".
pub fn euros(tr: &Tr, cents: i64) -> String {
    let decimals = if cents % 100 == 0 { 0 } else { 2 };
    let value = tr.number(cents as f64 / 100.0, decimals);
    match tr.lang {
        Lang::Fr => format!("{value}\u{a0}€"),
        Lang::En => format!("€{value}"),
    }
}

/// A duration in plain words: "moins d'une minute", "3 heures et 20 minutes", "2 jours et 5 heures", "12 jours".
pub fn duration(tr: &Tr, seconds: i64) -> String {
    const MINUTE: i64 = 60;
    const HOUR: i64 = 3600;
    const DAY: i64 = 86_400;
    let s = seconds.max(0);
    let and = |a: String, b: String| format!("{a} {} {b}", tr.t("tp-and"));
    match s {
        0..MINUTE => tr.t("tp-less-than-a-minute"),
        MINUTE..HOUR => tr.count("tp-minutes", s / MINUTE),
        HOUR..DAY => {
            let (h, m) = (s / HOUR, (s % HOUR) / MINUTE);
            if h < 6 && m > 0 {
                and(tr.count("tp-hours", h), tr.count("tp-minutes", m))
            } else {
                tr.count("tp-hours", (s + HOUR / 2) / HOUR)
            }
        }
        _ if s < 7 * DAY => {
            let (d, h) = (s / DAY, (s % DAY) / HOUR);
            if h > 0 { and(tr.count("tp-days", d), tr.count("tp-hours", h)) } else { tr.count("tp-days", d) }
        }
        _ => tr.count("tp-days", (s + DAY / 2) / DAY),
    }
}

/// "3 sur 4" / "3 of 4".
pub fn of_total(tr: &Tr, n: u64, of: u64) -> String {
    tr.args("tp-of", &[("n", &count(tr, n)), ("of", &count(tr, of))], &[])
}

/// "2026-03" → "mars 2026" / "March 2026".
pub fn month(tr: &Tr, label: &str) -> String {
    let mut parts = label.splitn(2, '-');
    match (parts.next().and_then(|y| y.parse::<i32>().ok()), parts.next().and_then(|m| m.parse::<u8>().ok())) {
        (Some(year), Some(m @ 1..=12)) => format!("{} {year}", tr.t(&format!("month-{m}"))),
        _ => label.to_owned(),
    }
}

// ---------------------------------------------------------------- the dashboard as a page shows it

/// A headline figure: what, how much, and a sentence that says what it means.
#[derive(Debug, Clone)]
pub struct KeyFigure {
    pub label: String,
    pub value: String,
    pub detail: String,
}

/// A download of the dashboard's figures.
#[derive(Debug, Clone)]
pub struct Download {
    pub href: String,
    pub label: String,
    pub format: &'static str,
}

/// Everything of a dashboard that the template shows, in the page's language.
pub struct DashboardView {
    /// "commune", "departement" or "national".
    pub kind: &'static str,
    pub name: String,
    pub months: u32,
    pub period: String,
    pub computed_at: String,
    pub computed_iso: String,
    /// The commitment in words (a commune's promise, or "each commune's").
    pub commitment: String,
    pub key_figures: Vec<KeyFigure>,
    pub months_chart: Figure,
    pub categories_chart: Option<Figure>,
    pub backlog_chart: Figure,
    pub delays: DataTable,
    pub commitment_table: DataTable,
    pub questions: DataTable,
    pub proposals: DataTable,
    pub publications_chart: Figure,
    pub budgets_chart: Option<Figure>,
    pub budgets_table: Option<DataTable>,
    pub budget_summary: String,
    pub positions: String,
    pub downloads: Vec<Download>,
    /// Where the period form goes (this page).
    pub action: String,
}

fn durations_row(tr: &Tr, label: String, d: Option<&tp::Durations>) -> TableRow {
    let d = d.copied().unwrap_or_default();
    let none = || tr.t("tp-none");
    TableRow {
        head: label,
        cells: vec![
            count(tr, d.count),
            if d.count > 0 { duration(tr, d.median_seconds) } else { none() },
            if d.count > 0 { duration(tr, d.p90_seconds) } else { none() },
        ],
    }
}

fn row(head: String, value: String) -> TableRow {
    TableRow { head, cells: vec![value] }
}

/// The dashboard `d` for a page at `action` (the path of the page), with the
/// downloads of its scope, naming categories with `category_name`.
pub fn view(
    tr: &Tr,
    d: &tp::Dashboard,
    months: u32,
    action: String,
    downloads: Vec<Download>,
    category_name: &dyn Fn(&str) -> String,
) -> DashboardView {
    let kind = if d.scope.starts_with("communes/") {
        "commune"
    } else if d.scope.starts_with("departements/") {
        "departement"
    } else {
        "national"
    };
    let reports = d.reports.clone().unwrap_or_default();
    let questions = d.questions.unwrap_or_default();
    let proposals = d.proposals.unwrap_or_default();
    let budgets = d.budgets.clone().unwrap_or_default();
    let commitment = reports.commitment.unwrap_or_default();
    let backlog = reports.backlog.unwrap_or_default();
    let first_response = reports.first_response.unwrap_or_default();
    let question_delay = questions.delay.unwrap_or_default();
    let (first, last) = (
        reports.by_month.first().map(|m| month(tr, &m.month)).unwrap_or_default(),
        reports.by_month.last().map(|m| month(tr, &m.month)).unwrap_or_default(),
    );
    let period = tr.args("tp-period", &[("first", &first), ("last", &last)], &[("months", i64::from(months))]);
    let commitment_text = match kind {
        "commune" => tr.count("tp-commitment-commune", i64::from(d.commitment_days)),
        _ => tr.t("tp-commitment-each"),
    };

    // Headline figures, each with its sentence.
    let answered = |n: u64, of: u64| of_total(tr, n, of);
    let mut key_figures = vec![
        KeyFigure {
            label: tr.t("tp-key-received"),
            value: count(tr, reports.received),
            detail: tr.args(
                "tp-key-received-detail",
                &[("resolved", &count(tr, reports.resolved)), ("rejected", &count(tr, reports.rejected))],
                &[],
            ),
        },
        KeyFigure {
            label: tr.t("tp-key-first-response"),
            value: if first_response.count > 0 { duration(tr, first_response.median_seconds) } else { tr.t("tp-none") },
            detail: if first_response.count > 0 {
                tr.args(
                    "tp-key-first-response-detail",
                    &[
                        ("median", &duration(tr, first_response.median_seconds)),
                        ("p90", &duration(tr, first_response.p90_seconds)),
                    ],
                    &[],
                )
            } else {
                tr.t("tp-key-first-response-none")
            },
        },
        KeyFigure {
            label: tr.t("tp-key-commitment"),
            value: if commitment.due > 0 { percent(tr, commitment.share) } else { tr.t("tp-none") },
            detail: if commitment.due > 0 {
                let texts = [("on_time", count(tr, commitment.on_time)), ("due", count(tr, commitment.due))];
                let texts: Vec<(&str, &str)> = texts.iter().map(|(k, v)| (*k, v.as_str())).collect();
                match kind {
                    "commune" => tr.args("tp-key-commitment-detail", &texts, &[("days", i64::from(d.commitment_days))]),
                    _ => tr.args("tp-key-commitment-detail-each", &texts, &[]),
                }
            } else {
                tr.t("tp-key-commitment-none")
            },
        },
        KeyFigure {
            label: tr.t("tp-key-backlog"),
            value: count(tr, backlog.open),
            detail: if backlog.open > 0 {
                tr.t1("tp-key-backlog-detail", &duration(tr, backlog.oldest_age_seconds))
            } else {
                tr.t("tp-key-backlog-none")
            },
        },
        KeyFigure {
            label: tr.t("tp-key-questions"),
            value: answered(questions.answered, questions.asked),
            detail: if question_delay.count > 0 {
                tr.t1("tp-key-questions-detail", &duration(tr, question_delay.median_seconds))
            } else {
                tr.t("tp-key-questions-none")
            },
        },
        KeyFigure {
            label: tr.t("tp-key-budget"),
            value: euros(tr, budgets.planned_cents),
            detail: tr.args(
                "tp-key-budget-detail",
                &[
                    ("spent", &euros(tr, budgets.spent_cents)),
                    ("projects", &tr.count("tp-projects", budgets.projects as i64)),
                ],
                &[],
            ),
        },
    ];
    if kind != "commune" {
        key_figures.insert(
            0,
            KeyFigure {
                label: tr.t("tp-key-communes"),
                value: count(tr, d.communes),
                detail: tr.t("tp-key-communes-detail"),
            },
        );
    }

    // Reports per month.
    let series3 = vec![
        Series::new(tr.t("tp-received"), Fill::Solid),
        Series::new(tr.t("tp-resolved"), Fill::Hatched),
        Series::new(tr.t("tp-rejected"), Fill::Dotted),
    ];
    let chart = BarChart {
        id: "chart-reports-months".into(),
        name: tr.t("tp-chart-months"),
        series: series3.clone(),
        groups: reports
            .by_month
            .iter()
            .map(|m| Group {
                label: month(tr, &m.month),
                values: vec![m.received as f64, m.resolved as f64, m.rejected as f64],
                texts: vec![count(tr, m.received), count(tr, m.resolved), count(tr, m.rejected)],
            })
            .collect(),
    };
    let months_chart = Figure::new(
        &chart,
        tr.t("tp-chart-months-note"),
        DataTable::of(&chart, tr.t1("tp-table-of", &chart.name), tr.t("tp-month")),
    );

    // Reports per category.
    let categories_chart = (!reports.by_category.is_empty()).then(|| {
        let chart = BarChart {
            id: "chart-reports-categories".into(),
            name: tr.t("tp-chart-categories"),
            series: series3.clone(),
            groups: reports
                .by_category
                .iter()
                .map(|c| Group {
                    label: category_name(&c.category),
                    values: vec![c.received as f64, c.resolved as f64, c.rejected as f64],
                    texts: vec![count(tr, c.received), count(tr, c.resolved), count(tr, c.rejected)],
                })
                .collect(),
        };
        let table = DataTable::of(&chart, tr.t1("tp-table-of", &chart.name), tr.t("tp-category"))
            .with_column(tr.t("tp-open"), reports.by_category.iter().map(|c| count(tr, c.open)).collect());
        Figure::new(&chart, tr.t("tp-chart-categories-note"), table)
    });

    // Open reports by age.
    let buckets = [
        (tr.t("tp-age-under-7"), backlog.under_7_days),
        (tr.t("tp-age-7-30"), backlog.from_7_to_30_days),
        (tr.t("tp-age-30-90"), backlog.from_30_to_90_days),
        (tr.t("tp-age-over-90"), backlog.over_90_days),
    ];
    let chart = BarChart {
        id: "chart-backlog".into(),
        name: tr.t("tp-chart-backlog"),
        series: vec![Series::new(tr.t("tp-open-reports"), Fill::Crossed)],
        groups: buckets
            .iter()
            .map(|(label, n)| Group { label: label.clone(), values: vec![*n as f64], texts: vec![count(tr, *n)] })
            .collect(),
    };
    let backlog_note = if backlog.open > 0 {
        tr.args(
            "tp-chart-backlog-note",
            &[
                ("median", &duration(tr, backlog.median_age_seconds)),
                ("oldest", &duration(tr, backlog.oldest_age_seconds)),
            ],
            &[],
        )
    } else {
        tr.t("tp-key-backlog-none")
    };
    let backlog_chart =
        Figure::new(&chart, backlog_note, DataTable::of(&chart, tr.t1("tp-table-of", &chart.name), tr.t("tp-age")));

    // Delays: first response, resolution, answers to questions.
    let delays = DataTable {
        caption: tr.t("tp-delays-caption"),
        head: vec![tr.t("tp-delay"), tr.t("tp-measured"), tr.t("tp-median"), tr.t("tp-p90")],
        rows: vec![
            durations_row(tr, tr.t("tp-delay-first-response"), reports.first_response.as_ref()),
            durations_row(tr, tr.t("tp-delay-resolution"), reports.resolution.as_ref()),
            durations_row(tr, tr.t("tp-delay-question"), questions.delay.as_ref()),
        ],
    };
    let commitment_table = DataTable {
        caption: tr.t("tp-commitment-caption"),
        head: vec![tr.t("tp-figure"), tr.t("tp-value")],
        rows: vec![
            row(tr.t("tp-commitment-due"), count(tr, commitment.due)),
            row(tr.t("tp-commitment-on-time"), count(tr, commitment.on_time)),
            row(
                tr.t("tp-commitment-share"),
                if commitment.due > 0 { percent(tr, commitment.share) } else { tr.t("tp-none") },
            ),
        ],
    };
    let questions_table = DataTable {
        caption: tr.t("tp-questions-caption"),
        head: vec![tr.t("tp-figure"), tr.t("tp-value")],
        rows: vec![
            row(tr.t("tp-questions-asked"), count(tr, questions.asked)),
            row(tr.t("tp-questions-answered"), count(tr, questions.answered)),
            row(tr.t("tp-questions-on-time"), count(tr, questions.answered_on_time)),
            row(tr.t("tp-questions-overdue"), count(tr, questions.overdue)),
            row(tr.t("tp-questions-redirected"), count(tr, questions.redirected)),
        ],
    };
    let proposals_table = DataTable {
        caption: tr.t("tp-proposals-caption"),
        head: vec![tr.t("tp-figure"), tr.t("tp-value")],
        rows: vec![
            row(tr.t("tp-proposals-submitted"), count(tr, proposals.submitted)),
            row(tr.t("tp-proposals-reached"), count(tr, proposals.reached_threshold)),
            row(tr.t("tp-proposals-on-time"), count(tr, proposals.answered_on_time)),
            row(tr.t("tp-proposals-late"), count(tr, proposals.answered_late)),
            row(tr.t("tp-proposals-awaiting"), count(tr, proposals.awaiting_within_deadline)),
            row(tr.t("tp-proposals-overdue"), count(tr, proposals.overdue)),
        ],
    };

    // Publications per month, official and citizen.
    let chart = BarChart {
        id: "chart-publications".into(),
        name: tr.t("tp-chart-publications"),
        series: vec![Series::new(tr.t("tp-official"), Fill::Solid), Series::new(tr.t("tp-citizen"), Fill::Hatched)],
        groups: d
            .publications_by_month
            .iter()
            .map(|m| Group {
                label: month(tr, &m.month),
                values: vec![m.official as f64, m.citizen as f64],
                texts: vec![count(tr, m.official), count(tr, m.citizen)],
            })
            .collect(),
    };
    let publications_chart = Figure::new(
        &chart,
        tr.t("tp-chart-publications-note"),
        DataTable::of(&chart, tr.t1("tp-table-of", &chart.name), tr.t("tp-month")),
    );

    // Budgets: planned and spent, in total and for the largest projects.
    let project_label = |p: &tp::ProjectBudget| {
        if kind == "commune" { p.title.clone() } else { format!("{} ({})", p.title, p.commune) }
    };
    let (budgets_chart, budgets_table) = if budgets.projects > 0 {
        let mut groups = vec![Group {
            label: tr.t("tp-all-projects"),
            values: vec![budgets.planned_cents as f64, budgets.spent_cents as f64],
            texts: vec![euros(tr, budgets.planned_cents), euros(tr, budgets.spent_cents)],
        }];
        groups.extend(budgets.largest.iter().take(CHART_PROJECTS).map(|p| Group {
            label: project_label(p),
            values: vec![p.planned_cents as f64, p.spent_cents as f64],
            texts: vec![euros(tr, p.planned_cents), euros(tr, p.spent_cents)],
        }));
        let chart = BarChart {
            id: "chart-budgets".into(),
            name: tr.t("tp-chart-budgets"),
            series: vec![Series::new(tr.t("tp-planned"), Fill::Solid), Series::new(tr.t("tp-spent"), Fill::Hatched)],
            groups,
        };
        let figure = Figure::new(
            &chart,
            tr.count("tp-chart-budgets-note", budgets.largest.len().min(CHART_PROJECTS) as i64),
            DataTable::of(&chart, tr.t1("tp-table-of", &chart.name), tr.t("tp-project")),
        );
        let table = DataTable {
            caption: tr.t("tp-projects-caption"),
            head: vec![
                tr.t("tp-project"),
                tr.t("tp-status"),
                tr.t("tp-planned"),
                tr.t("tp-spent"),
                tr.t("tp-progress"),
            ],
            rows: budgets
                .largest
                .iter()
                .map(|p| TableRow {
                    head: project_label(p),
                    cells: vec![
                        tr.t(&format!("tp-project-{}", p.status.replace('_', "-"))),
                        euros(tr, p.planned_cents),
                        euros(tr, p.spent_cents),
                        percent(tr, f64::from(p.progress_percent) / 100.0),
                    ],
                })
                .collect(),
        };
        (Some(figure), Some(table))
    } else {
        (None, None)
    };
    let budget_summary = if budgets.projects > 0 {
        tr.args(
            "tp-budget-summary",
            &[
                ("projects", &tr.count("tp-projects", budgets.projects as i64)),
                ("planned", &euros(tr, budgets.planned_cents)),
                ("spent", &euros(tr, budgets.spent_cents)),
            ],
            &[],
        )
    } else {
        tr.t("tp-budget-none")
    };

    let mut positions: Vec<(&String, &u64)> = d.positions.iter().collect();
    positions.sort();
    let positions = positions
        .into_iter()
        .map(|(log, position)| {
            let name = tr.try_t(&format!("tp-log-{log}")).unwrap_or_else(|| log.clone());
            tr.args("tp-position", &[("log", &name), ("position", &count(tr, *position))], &[])
        })
        .collect::<Vec<_>>()
        .join(if tr.lang == Lang::Fr { "\u{a0}; " } else { "; " });

    DashboardView {
        kind,
        name: d.name.clone(),
        months,
        period,
        computed_at: tr.datetime(d.computed_at_us),
        computed_iso: tr.iso(d.computed_at_us),
        commitment: commitment_text,
        key_figures,
        months_chart,
        categories_chart,
        backlog_chart,
        delays,
        commitment_table,
        questions: questions_table,
        proposals: proposals_table,
        publications_chart,
        budgets_chart,
        budgets_table,
        budget_summary,
        positions,
        downloads,
        action,
    }
}

/// `?mois=N` to add to a download's address, when it is not the default.
fn months_query(months: u32, first: bool) -> String {
    if months == DEFAULT_MONTHS { String::new() } else { format!("{}mois={months}", if first { '?' } else { '&' }) }
}

fn downloads(tr: &Tr, files: &[(String, &'static str, &str)], months: u32) -> Vec<Download> {
    files
        .iter()
        .map(|(href, format, key)| {
            let href = if href.ends_with(".jsonl") || href.contains("communes.") {
                href.clone()
            } else {
                format!("{href}{}", months_query(months, !href.contains('?')))
            };
            Download { href, label: tr.t(key), format }
        })
        .collect()
}

// ---------------------------------------------------------------- the comparison of communes

/// One commune's line in the comparison table.
#[derive(Debug, Clone)]
pub struct CommuneLine {
    pub name: String,
    pub href: String,
    pub departement: String,
    pub departement_href: String,
    pub received: String,
    pub resolved: String,
    pub median: String,
    pub commitment: String,
    pub backlog: String,
    pub questions: String,
    pub publications: String,
}

/// The comparison table of a page of communes.
#[derive(Debug, Clone, Default)]
pub struct CommunesTable {
    pub caption: String,
    pub lines: Vec<CommuneLine>,
    pub total: String,
    pub next_href: Option<String>,
    pub first_href: Option<String>,
    /// The service could not list them (the rest of the page is shown).
    pub unavailable: bool,
}

fn commune_line(tr: &Tr, c: &tp::CommuneFigures) -> CommuneLine {
    CommuneLine {
        href: format!("/c/{}/transparence/", c.commune),
        departement_href: format!("/transparence/departements/{}/", c.departement),
        departement: c.departement.clone(),
        received: count(tr, c.reports_received),
        resolved: count(tr, c.reports_resolved),
        median: if c.reports_received > 0 && c.median_first_response_seconds > 0 {
            duration(tr, c.median_first_response_seconds)
        } else {
            tr.t("tp-none")
        },
        commitment: if c.responses_due > 0 {
            tr.args(
                "tp-share-of",
                &[("share", &percent(tr, c.commitment_share)), ("due", &count(tr, c.responses_due))],
                &[],
            )
        } else {
            tr.t("tp-none")
        },
        backlog: count(tr, c.backlog),
        questions: of_total(tr, c.questions_answered, c.questions_asked),
        publications: count(tr, c.publications),
        name: c.name.clone(),
    }
}

fn communes_table(
    tr: &Tr,
    listed: Result<tp::ListCommuneFiguresResponse, GatewayError>,
    base: &str,
    token: &str,
    caption: String,
) -> CommunesTable {
    match listed {
        Ok(listed) => {
            let join = if base.contains('?') { '&' } else { '?' };
            CommunesTable {
                caption,
                total: tr.count("tp-communes-total", listed.total as i64),
                lines: listed.communes.iter().map(|c| commune_line(tr, c)).collect(),
                next_href: (!listed.next_page_token.is_empty()).then(|| {
                    let page: String = form_urlencoded::byte_serialize(listed.next_page_token.as_bytes()).collect();
                    format!("{base}{join}page={page}#communes")
                }),
                first_href: (!token.is_empty()).then(|| format!("{base}#communes")),
                unavailable: false,
            }
        }
        Err(error) => {
            tracing::warn!(%error, "site: the communes' figures could not be listed");
            CommunesTable { caption, unavailable: true, ..Default::default() }
        }
    }
}

// ---------------------------------------------------------------- pages

#[derive(Template)]
#[template(path = "transparency.html")]
struct DashboardPage {
    frame: Frame,
    d: DashboardView,
    /// The commune's INSEE code (commune pages).
    insee: String,
    /// The département's code (département pages).
    departement: String,
    /// The comparison of communes (national and département pages).
    communes: Option<CommunesTable>,
    /// The département filter of the national page: its value and its error.
    filter: String,
    errors: FormErrors,
}

/// The 400 page of a bad `?mois=`, with a link to the default period.
fn bad_months(visitor: Visitor, back: &str) -> Response {
    let frame = Frame::new(&visitor, visitor.tr.t("tp-bad-months-title"));
    let message = visitor.tr.t1("tp-bad-months", &MAX_MONTHS.to_string());
    let link = Some((back.to_owned(), visitor.tr.t("tp-back-to-default")));
    render(visitor, StatusCode::BAD_REQUEST, &MessagePage { frame, message, link })
}

fn bad_departement(visitor: Visitor) -> Response {
    let frame = Frame::new(&visitor, visitor.tr.t("tp-bad-departement-title"));
    let message = visitor.tr.t("tp-bad-departement");
    let link = Some(("/transparence/".to_owned(), visitor.tr.t("tp-national-link")));
    render(visitor, StatusCode::BAD_REQUEST, &MessagePage { frame, message, link })
}

/// `/c/{insee}/transparence/`: a commune's dashboard.
pub async fn commune(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if !plain_segment(&insee) {
        return page::message(visitor, StatusCode::NOT_FOUND, "error-title", "error-not-found");
    }
    let base = format!("/c/{insee}/transparence/");
    let Some(months) = months(&FormData::parse(query.unwrap_or_default().as_bytes())) else {
        return bad_months(visitor, &base);
    };
    let (figures, named) = tokio::join!(
        dashboard(&state, format!("communes/{insee}"), months),
        categories(&state, &visitor, &insee, true)
    );
    let figures = match figures {
        Ok(figures) => figures,
        Err(error) => return error_page(visitor, &error),
    };
    // Without the reports service, categories keep their standard names or codes.
    let named = named.unwrap_or_default();
    let tr = visitor.tr.clone();
    let name = |code: &str| category_label(&tr, &named, code);
    let files = [
        (format!("/c/{insee}/transparence.csv"), "CSV", "tp-download-csv"),
        (format!("/c/{insee}/transparence.json"), "JSON", "tp-download-json"),
        (format!("/c/{insee}/evenements.jsonl"), "JSON Lines", "tp-download-events"),
    ];
    let d = view(&tr, &figures, months, base, downloads(&tr, &files, months), &name);
    let frame = Frame::new(&visitor, tr.t1("transparency-title", &figures.name));
    let page = DashboardPage {
        frame,
        d,
        insee,
        departement: String::new(),
        communes: None,
        filter: String::new(),
        errors: FormErrors::default(),
    };
    render(visitor, StatusCode::OK, &page)
}

/// `/transparence/`: the national dashboard and the communes compared (`?departement=` filters them).
pub async fn national(State(state): State<AppState>, visitor: Visitor, RawQuery(query): RawQuery) -> Response {
    let query = FormData::parse(query.unwrap_or_default().as_bytes());
    let Some(months) = months(&query) else {
        return bad_months(visitor, "/transparence/");
    };
    let raw_filter = query.get("departement").trim().chars().take(10).collect::<String>();
    let token = query.get("page").to_owned();
    let mut errors = FormErrors::default();
    let filter = if raw_filter.is_empty() {
        Some(String::new())
    } else {
        departement_code(&raw_filter).or_else(|| {
            errors.add("departement", visitor.tr.t("tp-bad-departement"));
            None
        })
    };
    let listing = async {
        match &filter {
            Some(code) => Some(commune_figures(&state, code, COMMUNES_PAGE, &token).await),
            None => None,
        }
    };
    let (figures, listed) = tokio::join!(dashboard(&state, "national".into(), months), listing);
    let figures = match figures {
        Ok(figures) => figures,
        Err(error) => return error_page(visitor, &error),
    };
    let tr = visitor.tr.clone();
    let name = |code: &str| category_label(&tr, &[], code);
    let files = [
        ("/transparence/national.csv".to_owned(), "CSV", "tp-download-csv"),
        ("/transparence/national.json".to_owned(), "JSON", "tp-download-json"),
        ("/transparence/communes.csv".to_owned(), "CSV", "tp-download-communes-csv"),
        ("/transparence/communes.json".to_owned(), "JSON", "tp-download-communes-json"),
    ];
    let months_part = months_query(months, false);
    let base = match &filter {
        Some(code) if !code.is_empty() => format!("/transparence/?departement={code}{months_part}"),
        _ if months != DEFAULT_MONTHS => format!("/transparence/?mois={months}"),
        _ => "/transparence/".to_owned(),
    };
    let caption = match &filter {
        Some(code) if !code.is_empty() => tr.t1("tp-communes-of", code),
        _ => tr.t("tp-communes-all"),
    };
    let communes = listed.map(|listed| communes_table(&tr, listed, &base, &token, caption));
    let d = view(&tr, &figures, months, "/transparence/".into(), downloads(&tr, &files, months), &name);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let frame = Frame::new(&visitor, tr.t("tp-national-title"));
    let page = DashboardPage {
        frame,
        d,
        insee: String::new(),
        departement: String::new(),
        communes,
        filter: filter.unwrap_or(raw_filter),
        errors,
    };
    render(visitor, status, &page)
}

/// `/transparence/departements/{code}/`: a département's dashboard and its communes.
pub async fn departement(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(code) = departement_code(&code) else {
        return bad_departement(visitor);
    };
    let base = format!("/transparence/departements/{code}/");
    let query = FormData::parse(query.unwrap_or_default().as_bytes());
    let Some(months) = months(&query) else {
        return bad_months(visitor, &base);
    };
    let token = query.get("page").to_owned();
    let (figures, listed) = tokio::join!(
        dashboard(&state, format!("departements/{code}"), months),
        commune_figures(&state, &code, COMMUNES_PAGE, &token)
    );
    let figures = match figures {
        Ok(figures) => figures,
        Err(error) => return error_page(visitor, &error),
    };
    let tr = visitor.tr.clone();
    let name = |c: &str| category_label(&tr, &[], c);
    let files = [
        (format!("/transparence/departements/{code}.csv"), "CSV", "tp-download-csv"),
        (format!("/transparence/departements/{code}.json"), "JSON", "tp-download-json"),
        (format!("/transparence/communes.csv?departement={code}"), "CSV", "tp-download-communes-csv"),
        (format!("/transparence/communes.json?departement={code}"), "JSON", "tp-download-communes-json"),
    ];
    let page_base = if months == DEFAULT_MONTHS { base.clone() } else { format!("{base}?mois={months}") };
    let communes = communes_table(&tr, listed, &page_base, &token, tr.t1("tp-communes-of", &code));
    let d = view(&tr, &figures, months, base, downloads(&tr, &files, months), &name);
    let frame = Frame::new(&visitor, tr.t1("transparency-title", &figures.name));
    let page = DashboardPage {
        frame,
        d,
        insee: String::new(),
        departement: code,
        communes: Some(communes),
        filter: String::new(),
        errors: FormErrors::default(),
    };
    render(visitor, StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_one_to_thirty_six() {
        let q = |raw: &str| months(&FormData::parse(raw.as_bytes()));
        assert_eq!(q(""), Some(12));
        assert_eq!(q("mois="), Some(12));
        assert_eq!(q("mois=1"), Some(1));
        assert_eq!(q("mois=36"), Some(36));
        for bad in ["mois=0", "mois=37", "mois=abc", "mois=-1", "mois=1.5", "mois=99999999999"] {
            assert_eq!(q(bad), None, "{bad}");
        }
    }

    #[test]
    fn departement_codes() {
        for (raw, code) in [("75", "75"), ("2a", "2A"), ("2B", "2B"), (" 974 ", "974"), ("01", "01")] {
            assert_eq!(departement_code(raw).as_deref(), Some(code), "{raw}");
        }
        for bad in ["", "0", "00", "20", "977", "7", "750", "ab", "../", "75/"] {
            assert_eq!(departement_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_money_and_shares_in_plain_words() {
        let fr = Tr::new(Lang::Fr);
        let en = Tr::new(Lang::En);
        assert_eq!(duration(&fr, 12), "moins d'une minute");
        assert_eq!(duration(&fr, 60), "1 minute");
        assert_eq!(duration(&fr, 125), "2 minutes");
        assert_eq!(duration(&fr, 3600 + 20 * 60), "1 heure et 20 minutes");
        assert_eq!(duration(&fr, 10 * 3600 + 40 * 60), "11 heures");
        assert_eq!(duration(&fr, 86_400 * 2 + 5 * 3600), "2 jours et 5 heures");
        assert_eq!(duration(&fr, 86_400), "1 jour");
        assert_eq!(duration(&fr, 86_400 * 12 + 13 * 3600), "13 jours");
        assert_eq!(duration(&en, 86_400 * 2 + 3600), "2 days and 1 hour");
        assert_eq!(duration(&en, 30), "less than a minute");
        assert_eq!(euros(&fr, 1_250_050), "12\u{202f}500,50\u{a0}€");
        assert_eq!(euros(&fr, 25_000_000), "250\u{202f}000\u{a0}€");
        assert_eq!(euros(&en, 1_250_050), "€12,500.50");
        assert_eq!(percent(&fr, 0.8), "80\u{a0}%");
        assert_eq!(percent(&en, 2.0 / 3.0), "67%");
        assert_eq!(month(&fr, "2026-03"), "mars 2026");
        assert_eq!(month(&en, "2026-12"), "December 2026");
        assert_eq!(month(&en, "n/a"), "n/a");
    }
}
