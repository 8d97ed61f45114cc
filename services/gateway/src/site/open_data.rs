//! The open-data files of the transparency dashboards, under the Licence
//! Ouverte / Open Licence 2.0: what they contain and how they are written
//! (pure functions; the handlers are in `pages::open_data`).
//!
//! A dashboard becomes one ordered tree ([`Node`]) that is written both as
//! JSON (nested, as the tree) and as CSV (one row per figure, the tree's path
//! in an `indicator` column), so the two formats always say the same thing.
//! Every path is documented in [`DASHBOARD_FIELDS`] (shown on
//! `/donnees-ouvertes` and in `docs/open-data.md`); a test checks that no
//! field goes out undocumented.
//!
//! CSV follows RFC 4180 (comma, double quotes, CRLF, a header row, UTF-8)
//! and neutralises formulas: a cell starting with `=`, `+`, `-`, `@`, a tab
//! or a carriage return gets a leading `'`, so that a spreadsheet shows a
//! project's title instead of running it.

use miroir_proto::transparency::v1 as pb;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The licence every file is published under.
pub const LICENCE_NAME: &str = "Licence Ouverte / Open Licence 2.0";
pub const LICENCE_URL: &str = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/";
/// The page that documents the files.
pub const DOCUMENTATION: &str = "/donnees-ouvertes";
/// How medians and 90th percentiles are taken.
pub const PERCENTILE_METHOD: &str = "nearest-rank";

/// A value of a file: numbers, text, or nested objects and lists, in the
/// order they are written.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    UInt(u64),
    Int(i64),
    Float(f64),
    Text(String),
    Object(Vec<(&'static str, Node)>),
    /// A list of objects, each named in CSV by its `key` field (a month, a
    /// category code, a publication id) and labelled by its `label` field.
    Items {
        key: &'static str,
        label: Option<&'static str>,
        items: Vec<Vec<(&'static str, Node)>>,
    },
}

struct Fields<'a>(&'a [(&'static str, Node)]);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::UInt(v) => serializer.serialize_u64(*v),
            Node::Int(v) => serializer.serialize_i64(*v),
            Node::Float(v) if v.is_finite() => serializer.serialize_f64(*v),
            Node::Float(_) => serializer.serialize_none(),
            Node::Text(v) => serializer.serialize_str(v),
            Node::Object(fields) => Fields(fields).serialize(serializer),
            Node::Items { items, .. } => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&Fields(item))?;
                }
                seq.end()
            }
        }
    }
}

impl Node {
    /// The value as a CSV cell ("" for objects and lists, which are never cells).
    fn cell(&self) -> String {
        match self {
            Node::UInt(v) => v.to_string(),
            Node::Int(v) => v.to_string(),
            Node::Float(v) if v.is_finite() => v.to_string(),
            Node::Text(v) => v.clone(),
            _ => String::new(),
        }
    }
}

/// One figure of a dashboard, as a CSV row says it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The JSON path without list brackets: `reports.by_month.received`.
    pub indicator: String,
    /// The list item's key (month, category code, publication id), else "".
    pub breakdown: String,
    /// The list item's label (category name, project title), else "".
    pub label: String,
    pub value: String,
}

/// Every figure of `fields` (nested objects walked in order), as rows.
pub fn rows(fields: &[(&'static str, Node)]) -> Vec<Row> {
    fn walk(path: &str, node: &Node, breakdown: &str, label: &str, out: &mut Vec<Row>) {
        match node {
            Node::Object(fields) => {
                for (key, value) in fields {
                    walk(&format!("{path}.{key}"), value, breakdown, label, out);
                }
            }
            Node::Items { key, label: label_field, items } => {
                for item in items {
                    let find = |name: &str| item.iter().find(|(k, _)| *k == name).map(|(_, v)| v.cell());
                    let breakdown = find(key).unwrap_or_default();
                    let label = label_field.and_then(find).unwrap_or_default();
                    for (field, value) in item {
                        if field != key && Some(*field) != *label_field {
                            walk(&format!("{path}.{field}"), value, &breakdown, &label, out);
                        }
                    }
                }
            }
            scalar => out.push(Row {
                indicator: path.trim_start_matches('.').to_owned(),
                breakdown: breakdown.to_owned(),
                label: label.to_owned(),
                value: scalar.cell(),
            }),
        }
    }
    let mut out = Vec::new();
    for (key, value) in fields {
        walk(key, value, "", "", &mut out);
    }
    out
}

/// Every documented path of `fields`: `a.b`, with `[]` after a list (`reports.by_month[].month`).
pub fn paths(fields: &[(&'static str, Node)]) -> Vec<String> {
    fn walk(path: String, node: &Node, out: &mut Vec<String>) {
        match node {
            Node::Object(fields) => {
                for (key, value) in fields {
                    walk(format!("{path}.{key}"), value, out);
                }
            }
            Node::Items { items, .. } => {
                for item in items {
                    for (key, value) in item {
                        walk(format!("{path}[].{key}"), value, out);
                    }
                }
            }
            _ => {
                if !out.contains(&path) {
                    out.push(path);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (key, value) in fields {
        walk((*key).to_owned(), value, &mut out);
    }
    out
}

/// RFC 3339 in UTC, for `computed_at` and `occurred_at`.
pub fn rfc3339(unix_us: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_us) * 1000)
        .ok()
        .and_then(|at| at.format(&Rfc3339).ok())
        .unwrap_or_default()
}

fn euros(cents: i64) -> Node {
    Node::Float(cents as f64 / 100.0)
}

fn durations(d: Option<&pb::Durations>) -> Node {
    let d = d.copied().unwrap_or_default();
    Node::Object(vec![
        ("count", Node::UInt(d.count)),
        ("median_seconds", Node::Int(d.median_seconds)),
        ("p90_seconds", Node::Int(d.p90_seconds)),
    ])
}

/// Which commune's dashboard this is, and how its categories are named.
pub struct Context<'a> {
    /// The months the dashboard was asked for (1..=36).
    pub months: u32,
    /// A category's name from its code (the commune's list, else the standard one, else the code).
    pub category_name: &'a dyn Fn(&str) -> String,
}

/// The whole file of a dashboard, in order: licence and what it covers, then the figures.
pub fn dashboard(d: &pb::Dashboard, context: &Context<'_>) -> Vec<(&'static str, Node)> {
    let reports = d.reports.clone().unwrap_or_default();
    let questions = d.questions.unwrap_or_default();
    let proposals = d.proposals.unwrap_or_default();
    let budgets = d.budgets.clone().unwrap_or_default();
    let commitment = reports.commitment.unwrap_or_default();
    let backlog = reports.backlog.unwrap_or_default();
    let first = reports.by_month.first().map(|m| m.month.clone()).unwrap_or_default();
    let last = reports.by_month.last().map(|m| m.month.clone()).unwrap_or_default();
    let mut positions: Vec<(&String, &u64)> = d.positions.iter().collect();
    positions.sort();
    let mut out = vec![
        (
            "licence",
            Node::Object(vec![("name", Node::Text(LICENCE_NAME.into())), ("url", Node::Text(LICENCE_URL.into()))]),
        ),
        ("documentation", Node::Text(DOCUMENTATION.into())),
        ("scope", Node::Text(d.scope.clone())),
        ("name", Node::Text(d.name.clone())),
        (
            "period",
            Node::Object(vec![
                ("months", Node::UInt(u64::from(context.months))),
                ("from", Node::Text(first)),
                ("to", Node::Text(last)),
            ]),
        ),
        ("computed_at", Node::Text(rfc3339(d.computed_at_us))),
        ("percentile_method", Node::Text(PERCENTILE_METHOD.into())),
        ("communes", Node::UInt(d.communes)),
    ];
    if d.scope.starts_with("communes/") {
        out.push(("commitment_days", Node::UInt(u64::from(d.commitment_days))));
    }
    out.extend([
        (
            "reports",
            Node::Object(vec![
                ("received", Node::UInt(reports.received)),
                ("resolved", Node::UInt(reports.resolved)),
                ("rejected", Node::UInt(reports.rejected)),
                ("merged", Node::UInt(reports.merged)),
                ("first_response", durations(reports.first_response.as_ref())),
                ("resolution", durations(reports.resolution.as_ref())),
                (
                    "commitment",
                    Node::Object(vec![
                        ("due", Node::UInt(commitment.due)),
                        ("on_time", Node::UInt(commitment.on_time)),
                        ("share", Node::Float(commitment.share)),
                    ]),
                ),
                (
                    "backlog",
                    Node::Object(vec![
                        ("open", Node::UInt(backlog.open)),
                        ("under_7_days", Node::UInt(backlog.under_7_days)),
                        ("from_7_to_30_days", Node::UInt(backlog.from_7_to_30_days)),
                        ("from_30_to_90_days", Node::UInt(backlog.from_30_to_90_days)),
                        ("over_90_days", Node::UInt(backlog.over_90_days)),
                        ("median_age_seconds", Node::Int(backlog.median_age_seconds)),
                        ("oldest_age_seconds", Node::Int(backlog.oldest_age_seconds)),
                    ]),
                ),
                (
                    "by_month",
                    Node::Items {
                        key: "month",
                        label: None,
                        items: reports
                            .by_month
                            .iter()
                            .map(|m| {
                                vec![
                                    ("month", Node::Text(m.month.clone())),
                                    ("received", Node::UInt(m.received)),
                                    ("resolved", Node::UInt(m.resolved)),
                                    ("rejected", Node::UInt(m.rejected)),
                                ]
                            })
                            .collect(),
                    },
                ),
                (
                    "by_category",
                    Node::Items {
                        key: "category",
                        label: Some("name"),
                        items: reports
                            .by_category
                            .iter()
                            .map(|c| {
                                vec![
                                    ("category", Node::Text(c.category.clone())),
                                    ("name", Node::Text((context.category_name)(&c.category))),
                                    ("received", Node::UInt(c.received)),
                                    ("resolved", Node::UInt(c.resolved)),
                                    ("rejected", Node::UInt(c.rejected)),
                                    ("open", Node::UInt(c.open)),
                                ]
                            })
                            .collect(),
                    },
                ),
            ]),
        ),
        (
            "questions",
            Node::Object(vec![
                ("asked", Node::UInt(questions.asked)),
                ("answered", Node::UInt(questions.answered)),
                ("answered_on_time", Node::UInt(questions.answered_on_time)),
                ("overdue", Node::UInt(questions.overdue)),
                ("redirected", Node::UInt(questions.redirected)),
                ("delay", durations(questions.delay.as_ref())),
            ]),
        ),
        (
            "proposals",
            Node::Object(vec![
                ("submitted", Node::UInt(proposals.submitted)),
                ("reached_threshold", Node::UInt(proposals.reached_threshold)),
                ("answered_on_time", Node::UInt(proposals.answered_on_time)),
                ("answered_late", Node::UInt(proposals.answered_late)),
                ("awaiting_within_deadline", Node::UInt(proposals.awaiting_within_deadline)),
                ("overdue", Node::UInt(proposals.overdue)),
            ]),
        ),
        (
            "publications",
            Node::Object(vec![
                ("official", Node::UInt(d.publications_by_month.iter().map(|m| m.official).sum())),
                ("citizen", Node::UInt(d.publications_by_month.iter().map(|m| m.citizen).sum())),
                (
                    "by_month",
                    Node::Items {
                        key: "month",
                        label: None,
                        items: d
                            .publications_by_month
                            .iter()
                            .map(|m| {
                                vec![
                                    ("month", Node::Text(m.month.clone())),
                                    ("official", Node::UInt(m.official)),
                                    ("citizen", Node::UInt(m.citizen)),
                                ]
                            })
                            .collect(),
                    },
                ),
            ]),
        ),
        (
            "budgets",
            Node::Object(vec![
                ("projects", Node::UInt(budgets.projects)),
                ("planned_eur", euros(budgets.planned_cents)),
                ("spent_eur", euros(budgets.spent_cents)),
                (
                    "largest",
                    Node::Items {
                        key: "publication_id",
                        label: Some("title"),
                        items: budgets
                            .largest
                            .iter()
                            .map(|p| {
                                vec![
                                    ("publication_id", Node::Text(p.publication_id.clone())),
                                    ("commune", Node::Text(p.commune.clone())),
                                    ("title", Node::Text(p.title.clone())),
                                    ("status", Node::Text(p.status.clone())),
                                    ("planned_eur", euros(p.planned_cents)),
                                    ("spent_eur", euros(p.spent_cents)),
                                    ("progress_percent", Node::UInt(u64::from(p.progress_percent))),
                                ]
                            })
                            .collect(),
                    },
                ),
            ]),
        ),
        (
            "log_positions",
            Node::Object(
                positions
                    .into_iter()
                    .filter_map(|(log, position)| Some((log_name(log)?, Node::UInt(*position))))
                    .collect(),
            ),
        ),
    ]);
    out
}

/// The logs the service reads (their names are the positions' keys).
pub const LOGS: [&str; 4] = ["identity", "reports", "publications", "dialogue"];

fn log_name(log: &str) -> Option<&'static str> {
    LOGS.iter().copied().find(|l| *l == log)
}

/// The dashboard's metadata that each CSV row repeats.
const META: [&str; 6] = ["licence", "documentation", "period", "computed_at", "percentile_method", "scope"];

/// The CSV of a dashboard: one row per figure.
pub const DASHBOARD_CSV_HEADER: [&str; 9] =
    ["scope", "name", "period_from", "period_to", "computed_at", "indicator", "breakdown", "label", "value"];

pub fn dashboard_csv(file: &[(&'static str, Node)]) -> String {
    let text =
        |name: &str| -> String { file.iter().find(|(k, _)| *k == name).map(|(_, v)| v.cell()).unwrap_or_default() };
    let period = |name: &str| -> String {
        match file.iter().find(|(k, _)| *k == "period") {
            Some((_, Node::Object(fields))) => {
                fields.iter().find(|(k, _)| *k == name).map(|(_, v)| v.cell()).unwrap_or_default()
            }
            _ => String::new(),
        }
    };
    let (scope, name, from, to, at) = (text("scope"), text("name"), period("from"), period("to"), text("computed_at"));
    let figures: Vec<(&'static str, Node)> =
        file.iter().filter(|(k, _)| !META.contains(k) && *k != "name").cloned().collect();
    let mut out = csv_line(&DASHBOARD_CSV_HEADER);
    for row in rows(&figures) {
        out.push_str(&csv_line(&[
            &scope,
            &name,
            &from,
            &to,
            &at,
            &row.indicator,
            &row.breakdown,
            &row.label,
            &row.value,
        ]));
    }
    out
}

/// One commune's headline figures (the comparison files), in order.
pub fn commune(c: &pb::CommuneFigures) -> Vec<(&'static str, Node)> {
    vec![
        ("commune", Node::Text(c.commune.clone())),
        ("name", Node::Text(c.name.clone())),
        ("departement", Node::Text(c.departement.clone())),
        ("commitment_days", Node::UInt(u64::from(c.commitment_days))),
        ("reports_received", Node::UInt(c.reports_received)),
        ("reports_resolved", Node::UInt(c.reports_resolved)),
        ("median_first_response_seconds", Node::Int(c.median_first_response_seconds)),
        ("responses_due", Node::UInt(c.responses_due)),
        ("commitment_share", Node::Float(c.commitment_share)),
        ("backlog", Node::UInt(c.backlog)),
        ("questions_asked", Node::UInt(c.questions_asked)),
        ("questions_answered", Node::UInt(c.questions_answered)),
        ("proposals_reached_threshold", Node::UInt(c.proposals_reached_threshold)),
        ("publications", Node::UInt(c.publications)),
    ]
}

/// The columns of the communes' CSV (the fields of [`commune`]).
pub fn communes_csv_header() -> String {
    let names: Vec<&str> = commune(&pb::CommuneFigures::default()).iter().map(|(k, _)| *k).collect();
    csv_line(&names)
}

pub fn commune_csv_line(c: &pb::CommuneFigures) -> String {
    let cells: Vec<String> = commune(c).iter().map(|(_, v)| v.cell()).collect();
    csv_line(&cells)
}

/// The opening of the communes' JSON file, up to the list (the handler streams the communes, then [`COMMUNES_JSON_END`]).
pub fn communes_json_start(departement: &str, total: u64) -> String {
    let head = vec![
        (
            "licence",
            Node::Object(vec![("name", Node::Text(LICENCE_NAME.into())), ("url", Node::Text(LICENCE_URL.into()))]),
        ),
        ("documentation", Node::Text(DOCUMENTATION.into())),
        ("period", Node::Object(vec![("months", Node::UInt(12))])),
        ("departement", Node::Text(departement.to_owned())),
        ("total", Node::UInt(total)),
    ];
    let object = serde_json::to_string(&Fields(&head)).unwrap_or_else(|_| "{".into());
    // `{…}` → `{…,"communes":[`
    format!("{},\"communes\":[", object.trim_end_matches('}'))
}

pub const COMMUNES_JSON_END: &str = "\n]}\n";

/// One commune as an element of the communes' JSON list.
pub fn commune_json(c: &pb::CommuneFigures) -> String {
    serde_json::to_string(&Fields(&commune(c))).unwrap_or_default()
}

/// The whole JSON file of `fields`, indented.
pub fn json(fields: &[(&'static str, Node)]) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&Fields(fields)).unwrap_or_default();
    out.push(b'\n');
    out
}

/// One public event as a line of the commune's feed (JSON lines).
pub fn event_line(e: &pb::PublicEvent) -> String {
    let mut fields: Vec<(&String, &String)> = e.fields.iter().collect();
    fields.sort();
    let fields: serde_json::Map<String, serde_json::Value> =
        fields.into_iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
    let line = EventLine {
        log: &e.log,
        position: e.position,
        occurred_at: rfc3339(e.occurred_at_us),
        occurred_at_us: e.occurred_at_us,
        r#type: &e.r#type,
        subject: &e.subject,
        fields,
    };
    let mut out = serde_json::to_string(&line).unwrap_or_default();
    out.push('\n');
    out
}

#[derive(serde::Serialize)]
struct EventLine<'a> {
    log: &'a str,
    position: u64,
    occurred_at: String,
    occurred_at_us: i64,
    r#type: &'a str,
    subject: &'a str,
    fields: serde_json::Map<String, serde_json::Value>,
}

/// A CSV cell: formulas neutralised, quoted when it must be (RFC 4180).
pub fn csv_cell(value: &str) -> String {
    let value =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_owned() };
    if value.contains([',', '"', '\r', '\n']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
}

/// One CSV record, ended by CRLF.
pub fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = cells.iter().map(|c| csv_cell(c.as_ref())).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// A documented field: its path and what it means, in French and in English.
pub struct FieldDoc {
    pub path: &'static str,
    pub fr: &'static str,
    pub en: &'static str,
}

const fn doc(path: &'static str, fr: &'static str, en: &'static str) -> FieldDoc {
    FieldDoc { path, fr, en }
}

/// Every field of a dashboard's JSON file (and, brackets aside, every `indicator` of its CSV).
pub const DASHBOARD_FIELDS: &[FieldDoc] = &[
    doc(
        "licence.name",
        "Nom de la licence : Licence Ouverte / Open Licence 2.0.",
        "The licence's name: Licence Ouverte / Open Licence 2.0.",
    ),
    doc("licence.url", "Adresse du texte de la licence.", "Where the licence's text is."),
    doc("documentation", "Adresse de cette documentation, sur le site.", "Where this documentation is, on the site."),
    doc(
        "scope",
        "Ce que couvre le tableau : communes/{code INSEE}, departements/{code} ou national.",
        "What the dashboard covers: communes/{INSEE code}, departements/{code} or national.",
    ),
    doc(
        "name",
        "Nom de la commune, du département (« Département 75 ») ou « France ».",
        "Name of the commune, of the département (\"Département 75\") or \"France\".",
    ),
    doc(
        "period.months",
        "Nombre de mois couverts, mois en cours compris (12 par défaut, de 1 à 36 avec ?mois=).",
        "Months covered, the current one included (12 by default, 1 to 36 with ?mois=).",
    ),
    doc(
        "period.from",
        "Premier mois de la période (AAAA-MM, heure de Paris).",
        "First month of the period (YYYY-MM, Paris time).",
    ),
    doc(
        "period.to",
        "Dernier mois de la période, le mois en cours (AAAA-MM).",
        "Last month of the period, the current one (YYYY-MM).",
    ),
    doc(
        "computed_at",
        "Moment du calcul des chiffres (RFC 3339, UTC).",
        "When the figures were computed (RFC 3339, UTC).",
    ),
    doc(
        "percentile_method",
        "Méthode des médianes et 90e centiles : nearest-rank (rang le plus proche, sans interpolation).",
        "How medians and 90th percentiles are taken: nearest-rank (no interpolation).",
    ),
    doc("communes", "Nombre de communes sur Miroir dans ce périmètre.", "Communes on Miroir in the scope."),
    doc(
        "commitment_days",
        "Engagement public de la commune : délai promis, en jours, pour une première réponse à un signalement (fichier d'une commune seulement).",
        "The commune's public commitment: days promised for a first response to a report (a commune's file only).",
    ),
    doc(
        "reports.received",
        "Signalements reçus pendant la période (rendus publics ; un signalement anonyme l'est une fois son adresse vérifiée).",
        "Reports received in the period (made public; an anonymous one once its e-mail is verified).",
    ),
    doc(
        "reports.resolved",
        "Signalements résolus pendant la période (comptés le mois de leur résolution).",
        "Reports resolved in the period (counted in the month they were resolved).",
    ),
    doc(
        "reports.rejected",
        "Signalements refusés pendant la période, avec une raison publique.",
        "Reports rejected in the period, with a public reason.",
    ),
    doc(
        "reports.merged",
        "Signalements reçus pendant la période et fusionnés avec un autre (doublons).",
        "Reports received in the period and merged into another (duplicates).",
    ),
    doc(
        "reports.first_response.count",
        "Signalements reçus pendant la période qui ont eu une première réponse publique.",
        "Reports received in the period that got a first public response.",
    ),
    doc(
        "reports.first_response.median_seconds",
        "Délai médian avant la première réponse, en secondes (0 si aucune réponse).",
        "Median time to the first response, in seconds (0 if none).",
    ),
    doc(
        "reports.first_response.p90_seconds",
        "Délai de première réponse que 90 % des réponses n'ont pas dépassé, en secondes.",
        "Time to first response that 90% of responses did not exceed, in seconds.",
    ),
    doc(
        "reports.resolution.count",
        "Signalements reçus pendant la période et résolus depuis.",
        "Reports received in the period and resolved since.",
    ),
    doc(
        "reports.resolution.median_seconds",
        "Délai médian entre réception et résolution, en secondes.",
        "Median time from receipt to resolution, in seconds.",
    ),
    doc(
        "reports.resolution.p90_seconds",
        "Délai de résolution que 90 % des résolutions n'ont pas dépassé, en secondes.",
        "Time to resolution that 90% of resolutions did not exceed, in seconds.",
    ),
    doc(
        "reports.commitment.due",
        "Signalements dont le délai promis est écoulé ou qui ont eu une réponse (doublons fusionnés exclus).",
        "Reports whose promised delay has passed or that got a response (merged duplicates left out).",
    ),
    doc(
        "reports.commitment.on_time",
        "Parmi eux, ceux qui ont eu une première réponse dans le délai promis.",
        "Among them, those that got a first response within the promised delay.",
    ),
    doc(
        "reports.commitment.share",
        "on_time / due, entre 0 et 1 (0 quand rien n'est dû).",
        "on_time / due, from 0 to 1 (0 when nothing is due).",
    ),
    doc(
        "reports.backlog.open",
        "Signalements ouverts aujourd'hui (sans réponse finale), quelle que soit leur date.",
        "Reports open today (no final answer), whatever their date.",
    ),
    doc("reports.backlog.under_7_days", "Ouverts depuis moins de 7 jours.", "Open for less than 7 days."),
    doc("reports.backlog.from_7_to_30_days", "Ouverts depuis 7 à 30 jours.", "Open for 7 to 30 days."),
    doc("reports.backlog.from_30_to_90_days", "Ouverts depuis 30 à 90 jours.", "Open for 30 to 90 days."),
    doc("reports.backlog.over_90_days", "Ouverts depuis 90 jours ou plus.", "Open for 90 days or more."),
    doc(
        "reports.backlog.median_age_seconds",
        "Âge médian des signalements ouverts, en secondes.",
        "Median age of the open reports, in seconds.",
    ),
    doc(
        "reports.backlog.oldest_age_seconds",
        "Âge du plus ancien signalement ouvert, en secondes.",
        "Age of the oldest open report, in seconds.",
    ),
    doc(
        "reports.by_month[].month",
        "Le mois (AAAA-MM, heure de Paris) ; dans le CSV, la colonne breakdown.",
        "The month (YYYY-MM, Paris time); in the CSV, the breakdown column.",
    ),
    doc("reports.by_month[].received", "Signalements reçus ce mois-là.", "Reports received that month."),
    doc("reports.by_month[].resolved", "Signalements résolus ce mois-là.", "Reports resolved that month."),
    doc("reports.by_month[].rejected", "Signalements refusés ce mois-là.", "Reports rejected that month."),
    doc(
        "reports.by_category[].category",
        "Code de la catégorie ; dans le CSV, la colonne breakdown.",
        "The category's code; in the CSV, the breakdown column.",
    ),
    doc(
        "reports.by_category[].name",
        "Nom de la catégorie (celui de la commune, sinon le nom standard, sinon le code) ; dans le CSV, la colonne label.",
        "The category's name (the commune's, else the standard one, else the code); in the CSV, the label column.",
    ),
    doc(
        "reports.by_category[].received",
        "Signalements de cette catégorie reçus pendant la période.",
        "Reports of this category received in the period.",
    ),
    doc("reports.by_category[].resolved", "Parmi eux, ceux qui sont résolus.", "Among them, the resolved ones."),
    doc("reports.by_category[].rejected", "Parmi eux, ceux qui sont refusés.", "Among them, the rejected ones."),
    doc("reports.by_category[].open", "Parmi eux, ceux qui sont encore ouverts.", "Among them, those still open."),
    doc("questions.asked", "Questions publiques posées pendant la période.", "Public questions asked in the period."),
    doc(
        "questions.answered",
        "Parmi elles, celles qui ont reçu une réponse officielle.",
        "Among them, those that got an official answer.",
    ),
    doc(
        "questions.answered_on_time",
        "Réponses données dans le délai promis par la commune.",
        "Answers given within the commune's promised delay.",
    ),
    doc(
        "questions.overdue",
        "Questions sans réponse dont le délai promis est dépassé.",
        "Unanswered questions past their promised delay.",
    ),
    doc(
        "questions.redirected",
        "Questions sans réponse écrite, renvoyées vers un signalement.",
        "Questions without a written answer, sent to a report.",
    ),
    doc("questions.delay.count", "Réponses dont le délai est mesuré.", "Answers whose delay is measured."),
    doc("questions.delay.median_seconds", "Délai médian de réponse, en secondes.", "Median answer delay, in seconds."),
    doc(
        "questions.delay.p90_seconds",
        "Délai de réponse que 90 % des réponses n'ont pas dépassé, en secondes.",
        "Answer delay that 90% of answers did not exceed, in seconds.",
    ),
    doc(
        "proposals.submitted",
        "Propositions citoyennes déposées pendant la période.",
        "Citizen proposals submitted in the period.",
    ),
    doc(
        "proposals.reached_threshold",
        "Propositions qui ont atteint leur seuil de soutiens pendant la période (la commune doit alors répondre).",
        "Proposals that reached their support threshold in the period (the commune must then answer).",
    ),
    doc(
        "proposals.answered_on_time",
        "Parmi elles, réponses données avant l'échéance.",
        "Among them, answered before the deadline.",
    ),
    doc(
        "proposals.answered_late",
        "Parmi elles, réponses données après l'échéance.",
        "Among them, answered after the deadline.",
    ),
    doc(
        "proposals.awaiting_within_deadline",
        "Parmi elles, en attente de réponse, l'échéance n'est pas passée.",
        "Among them, awaiting an answer, the deadline not passed yet.",
    ),
    doc(
        "proposals.overdue",
        "Parmi elles, sans réponse après l'échéance.",
        "Among them, unanswered past the deadline.",
    ),
    doc(
        "publications.official",
        "Publications de l'espace officiel (mairie) pendant la période.",
        "Publications of the official space (town hall) in the period.",
    ),
    doc(
        "publications.citizen",
        "Publications de l'espace citoyen (collectif) pendant la période.",
        "Publications of the citizen space (collective) in the period.",
    ),
    doc(
        "publications.by_month[].month",
        "Le mois (AAAA-MM) ; dans le CSV, la colonne breakdown.",
        "The month (YYYY-MM); in the CSV, the breakdown column.",
    ),
    doc(
        "publications.by_month[].official",
        "Publications officielles ce mois-là.",
        "Official publications that month.",
    ),
    doc("publications.by_month[].citizen", "Publications citoyennes ce mois-là.", "Citizen publications that month."),
    doc(
        "budgets.projects",
        "Projets publiés (non archivés), tels qu'ils sont aujourd'hui.",
        "Published projects (not archived), as they stand today.",
    ),
    doc("budgets.planned_eur", "Total des budgets prévus, en euros.", "Total planned budgets, in euros."),
    doc("budgets.spent_eur", "Total des dépenses déclarées, en euros.", "Total spending reported, in euros."),
    doc(
        "budgets.largest[].publication_id",
        "Identifiant du projet (sa page : /c/{commune}/publications/{id}) ; dans le CSV, la colonne breakdown.",
        "The project's id (its page: /c/{commune}/publications/{id}); in the CSV, the breakdown column.",
    ),
    doc("budgets.largest[].commune", "Code INSEE de la commune du projet.", "INSEE code of the project's commune."),
    doc(
        "budgets.largest[].title",
        "Titre du projet, tel que la mairie l'a publié ; dans le CSV, la colonne label.",
        "The project's title as the town hall published it; in the CSV, the label column.",
    ),
    doc(
        "budgets.largest[].status",
        "État : planned (prévu), in_progress (en cours), done (terminé), abandoned (abandonné).",
        "Status: planned, in_progress, done, abandoned.",
    ),
    doc("budgets.largest[].planned_eur", "Budget prévu, en euros.", "Planned budget, in euros."),
    doc("budgets.largest[].spent_eur", "Dépenses déclarées, en euros.", "Spending reported, in euros."),
    doc("budgets.largest[].progress_percent", "Avancement déclaré, de 0 à 100.", "Progress reported, from 0 to 100."),
    doc(
        "log_positions.identity",
        "Position lue dans le journal des communes : les chiffres tiennent compte des événements jusqu'à celle-ci.",
        "Position read in the communes' log: the figures include the events up to it.",
    ),
    doc(
        "log_positions.reports",
        "Position lue dans le journal des signalements.",
        "Position read in the reports' log.",
    ),
    doc(
        "log_positions.publications",
        "Position lue dans le journal des publications.",
        "Position read in the publications' log.",
    ),
    doc(
        "log_positions.dialogue",
        "Position lue dans le journal des questions et propositions.",
        "Position read in the questions' and proposals' log.",
    ),
];

/// The columns of the dashboards' CSV.
pub const DASHBOARD_CSV_FIELDS: &[FieldDoc] = &[
    doc("scope", "Périmètre, comme dans le JSON.", "Scope, as in the JSON."),
    doc("name", "Nom du périmètre.", "Name of the scope."),
    doc("period_from", "Premier mois de la période (AAAA-MM).", "First month of the period (YYYY-MM)."),
    doc("period_to", "Dernier mois de la période (AAAA-MM).", "Last month of the period (YYYY-MM)."),
    doc("computed_at", "Moment du calcul (RFC 3339, UTC).", "When the figures were computed (RFC 3339, UTC)."),
    doc(
        "indicator",
        "Le chemin du champ dans le JSON, sans crochets : reports.by_month.received.",
        "The field's path in the JSON, without brackets: reports.by_month.received.",
    ),
    doc(
        "breakdown",
        "Le mois, le code de catégorie ou l'identifiant du projet d'une ligne de liste ; vide sinon.",
        "The month, category code or project id of a list's line; empty otherwise.",
    ),
    doc(
        "label",
        "Le nom de la catégorie ou le titre du projet ; vide sinon.",
        "The category's name or the project's title; empty otherwise.",
    ),
    doc(
        "value",
        "La valeur : un nombre (point décimal) ou un texte.",
        "The value: a number (decimal point) or a text.",
    ),
];

/// The fields of each commune of the comparison files.
pub const COMMUNE_FIELDS: &[FieldDoc] = &[
    doc("commune", "Code INSEE de la commune.", "The commune's INSEE code."),
    doc("name", "Nom de la commune.", "The commune's name."),
    doc("departement", "Code du département.", "The département's code."),
    doc("commitment_days", "Délai promis pour une première réponse, en jours.", "Days promised for a first response."),
    doc("reports_received", "Signalements reçus sur les 12 derniers mois.", "Reports received in the last 12 months."),
    doc(
        "reports_resolved",
        "Signalements résolus sur les 12 derniers mois.",
        "Reports resolved in the last 12 months.",
    ),
    doc(
        "median_first_response_seconds",
        "Délai médian de première réponse, en secondes (0 si aucune réponse).",
        "Median time to first response, in seconds (0 if none).",
    ),
    doc(
        "responses_due",
        "Signalements dont la réponse est due (voir reports.commitment.due).",
        "Reports whose response is due (see reports.commitment.due).",
    ),
    doc(
        "commitment_share",
        "Part des réponses données dans le délai promis, de 0 à 1.",
        "Share of responses given within the promised delay, from 0 to 1.",
    ),
    doc("backlog", "Signalements ouverts aujourd'hui.", "Reports open today."),
    doc(
        "questions_asked",
        "Questions publiques posées sur les 12 derniers mois.",
        "Public questions asked in the last 12 months.",
    ),
    doc(
        "questions_answered",
        "Parmi elles, celles qui ont reçu une réponse officielle.",
        "Among them, those with an official answer.",
    ),
    doc(
        "proposals_reached_threshold",
        "Propositions qui ont atteint leur seuil de soutiens.",
        "Proposals that reached their support threshold.",
    ),
    doc(
        "publications",
        "Publications des deux espaces sur les 12 derniers mois.",
        "Publications of both spaces in the last 12 months.",
    ),
];

/// The wrapper of the communes' JSON file.
pub const COMMUNES_JSON_FIELDS: &[FieldDoc] = &[
    doc("licence.name", "Nom de la licence.", "The licence's name."),
    doc("licence.url", "Adresse du texte de la licence.", "Where the licence's text is."),
    doc("documentation", "Adresse de cette documentation.", "Where this documentation is."),
    doc(
        "period.months",
        "Toujours 12 : les 12 derniers mois, mois en cours compris.",
        "Always 12: the last 12 months, the current one included.",
    ),
    doc(
        "departement",
        "Le département demandé avec ?departement=, vide pour toute la France.",
        "The département asked with ?departement=, empty for all of France.",
    ),
    doc("total", "Nombre de communes dans le fichier.", "Communes in the file."),
    doc(
        "communes[]",
        "Une ligne par commune, par code INSEE croissant (champs ci-dessous).",
        "One line per commune, by INSEE code (fields below).",
    ),
];

/// The fields of each line of a commune's event feed.
pub const EVENT_FIELDS: &[FieldDoc] = &[
    doc(
        "log",
        "Journal d'origine : identity (communes), reports, publications, dialogue.",
        "The log it comes from: identity (communes), reports, publications, dialogue.",
    ),
    doc(
        "position",
        "Position dans ce journal (croissante, sans trou dans le journal complet).",
        "Position in that log (increasing, gap-free in the whole log).",
    ),
    doc("occurred_at", "Moment de l'événement (RFC 3339, UTC).", "When it happened (RFC 3339, UTC)."),
    doc(
        "occurred_at_us",
        "Le même moment en microsecondes depuis le 1er janvier 1970 UTC.",
        "The same, in microseconds since 1970-01-01 UTC.",
    ),
    doc("type", "Ce qui s'est passé (liste ci-dessous).", "What happened (list below)."),
    doc(
        "subject",
        "Ce dont il s'agit : communes/{code}/reports/{id}, …/publications/{id}, …/questions/{id}, …/proposals/{id}.",
        "What it is about: communes/{code}/reports/{id}, …/publications/{id}, …/questions/{id}, …/proposals/{id}.",
    ),
    doc(
        "fields",
        "Détails publics de l'événement, tous en texte (liste ci-dessous).",
        "Public details of the event, all as text (list below).",
    ),
];

/// The event types of the feed and their `fields`.
pub const EVENT_TYPES: &[FieldDoc] = &[
    doc(
        "commune.registered",
        "La commune arrive sur Miroir — name, departement, commitment_days.",
        "The commune joins Miroir — name, departement, commitment_days.",
    ),
    doc(
        "commune.suspended / commune.reactivated",
        "La commune est suspendue, puis rétablie.",
        "The commune is suspended, then reactivated.",
    ),
    doc("report.received", "Un signalement est rendu public — category.", "A report is made public — category."),
    doc(
        "report.acknowledged / report.work_started / report.resolved / report.rejected / report.reopened",
        "Une étape publique du signalement.",
        "A public step of the report.",
    ),
    doc(
        "report.merged",
        "Un doublon est fusionné — into (le signalement gardé).",
        "A duplicate is merged — into (the report kept).",
    ),
    doc(
        "report.assigned",
        "Le signalement est confié à un service — department.",
        "The report is given to a department — department.",
    ),
    doc(
        "publication.published",
        "Une publication paraît — kind, space (official, citizen), title.",
        "A publication comes out — kind, space (official, citizen), title.",
    ),
    doc(
        "publication.amended / publication.archived",
        "Une publication est modifiée (revision, title) ou archivée.",
        "A publication is amended (revision, title) or archived.",
    ),
    doc(
        "question.asked",
        "Une question publique est posée — answer_due_at (µs).",
        "A public question is asked — answer_due_at (µs).",
    ),
    doc(
        "question.answered / question.redirected",
        "Réponse officielle (on_time) ; renvoi vers un signalement (report).",
        "Official answer (on_time); sent to a report (report).",
    ),
    doc(
        "proposal.submitted",
        "Une proposition est déposée — support_threshold.",
        "A proposal is submitted — support_threshold.",
    ),
    doc(
        "proposal.threshold_reached",
        "Le seuil de soutiens est atteint — supports, answer_due_at (µs).",
        "The support threshold is reached — supports, answer_due_at (µs).",
    ),
    doc(
        "proposal.answered",
        "La commune répond — was_obliged, on_time.",
        "The commune answers — was_obliged, on_time.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    pub(crate) fn sample() -> pb::Dashboard {
        pb::Dashboard {
            scope: "communes/75056".into(),
            name: "Paris".into(),
            communes: 1,
            commitment_days: 7,
            computed_at_us: 1_795_300_000_000_000,
            reports: Some(pb::Reports {
                received: 3,
                resolved: 1,
                rejected: 1,
                merged: 0,
                by_month: vec![
                    pb::MonthReports { month: "2026-10".into(), received: 1, resolved: 0, rejected: 0 },
                    pb::MonthReports { month: "2026-11".into(), received: 2, resolved: 1, rejected: 1 },
                ],
                by_category: vec![pb::CategoryReports {
                    category: "voirie".into(),
                    received: 3,
                    resolved: 1,
                    rejected: 1,
                    open: 1,
                }],
                first_response: Some(pb::Durations { count: 2, median_seconds: 60, p90_seconds: 3600 }),
                resolution: Some(pb::Durations { count: 1, median_seconds: 7200, p90_seconds: 7200 }),
                commitment: Some(pb::Commitment { due: 2, on_time: 1, share: 0.5 }),
                backlog: Some(pb::Backlog { open: 1, under_7_days: 1, ..Default::default() }),
            }),
            questions: Some(pb::Questions {
                asked: 1,
                answered: 1,
                delay: Some(Default::default()),
                ..Default::default()
            }),
            proposals: Some(Default::default()),
            publications_by_month: vec![pb::MonthPublications { month: "2026-11".into(), official: 2, citizen: 1 }],
            budgets: Some(pb::Budgets {
                projects: 1,
                planned_cents: 25_000_050,
                spent_cents: 1_250_000,
                largest: vec![pb::ProjectBudget {
                    publication_id: "p1".into(),
                    commune: "75056".into(),
                    title: "=HYPERLINK(\"http://evil\",\"École, \"\"cour\"\"\")".into(),
                    status: "in_progress".into(),
                    planned_cents: 25_000_050,
                    spent_cents: 1_250_000,
                    progress_percent: 40,
                }],
            }),
            positions: HashMap::from([
                ("reports".to_owned(), 12),
                ("identity".to_owned(), 3),
                ("publications".to_owned(), 4),
                ("dialogue".to_owned(), 5),
            ]),
        }
    }

    fn file() -> Vec<(&'static str, Node)> {
        let name = |code: &str| if code == "voirie" { "Voirie".to_owned() } else { code.to_owned() };
        dashboard(&sample(), &Context { months: 12, category_name: &name })
    }

    /// A small RFC 4180 reader, to read back what [`csv_line`] writes.
    pub(crate) fn read_csv(text: &str) -> Vec<Vec<String>> {
        let (mut records, mut record, mut cell) = (Vec::new(), Vec::new(), String::new());
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => cell.push(c),
                (false, '"') if cell.is_empty() => quoted = true,
                (false, ',') => record.push(std::mem::take(&mut cell)),
                (false, '\r') if chars.peek() == Some(&'\n') => {}
                (false, '\n') => {
                    record.push(std::mem::take(&mut cell));
                    records.push(std::mem::take(&mut record));
                }
                (false, c) => cell.push(c),
            }
        }
        records
    }

    #[test]
    fn every_field_of_the_files_is_documented_and_every_documented_field_exists() {
        let documented: Vec<&str> = DASHBOARD_FIELDS.iter().map(|f| f.path).collect();
        let written = paths(&file());
        for path in &written {
            assert!(documented.contains(&path.as_str()), "{path} is written but not documented");
        }
        for path in &documented {
            assert!(written.iter().any(|w| w == path), "{path} is documented but never written");
        }
        let commune_fields: Vec<&str> = COMMUNE_FIELDS.iter().map(|f| f.path).collect();
        assert_eq!(paths(&commune(&pb::CommuneFigures::default())), commune_fields);
        // The documentation in the repository lists them all too.
        let docs = include_str!("../../../../docs/open-data.md");
        for field in DASHBOARD_FIELDS
            .iter()
            .chain(DASHBOARD_CSV_FIELDS)
            .chain(COMMUNE_FIELDS)
            .chain(COMMUNES_JSON_FIELDS)
            .chain(EVENT_FIELDS)
            .chain(EVENT_TYPES)
        {
            assert!(docs.contains(&format!("`{}`", field.path)), "docs/open-data.md does not document {}", field.path);
        }
    }

    #[test]
    fn json_keeps_the_order_and_the_figures() {
        let json: serde_json::Value = serde_json::from_slice(&json(&file())).expect("JSON");
        assert_eq!(json["licence"]["url"], LICENCE_URL);
        assert_eq!(json["scope"], "communes/75056");
        assert_eq!(json["period"]["from"], "2026-10");
        assert_eq!(json["period"]["to"], "2026-11");
        assert_eq!(json["computed_at"], "2026-11-21T22:26:40Z");
        assert_eq!(json["commitment_days"], 7);
        assert_eq!(json["reports"]["by_category"][0]["name"], "Voirie");
        assert_eq!(json["reports"]["commitment"]["share"], 0.5);
        assert_eq!(json["budgets"]["planned_eur"], 250_000.5);
        assert_eq!(json["publications"]["official"], 2);
        assert_eq!(json["log_positions"]["reports"], 12);
        let text = String::from_utf8(super::json(&file())).expect("UTF-8");
        let (licence, reports, budgets) =
            (text.find("\"licence\""), text.find("\"reports\""), text.find("\"budgets\""));
        assert!(licence < reports && reports < budgets, "in the documented order");
        // National and département files have no commitment of their own.
        let national = pb::Dashboard { scope: "national".into(), ..sample() };
        let name = |c: &str| c.to_owned();
        let file = dashboard(&national, &Context { months: 3, category_name: &name });
        assert!(file.iter().all(|(k, _)| *k != "commitment_days"));
    }

    #[test]
    fn csv_says_what_json_says_one_row_per_figure() {
        let file = file();
        let csv = dashboard_csv(&file);
        assert!(csv.ends_with("\r\n") && !csv.starts_with('\u{feff}'));
        let records = read_csv(&csv);
        assert_eq!(records[0], DASHBOARD_CSV_HEADER);
        let find = |indicator: &str, breakdown: &str| -> Vec<String> {
            records
                .iter()
                .find(|r| r[5] == indicator && r[6] == breakdown)
                .unwrap_or_else(|| panic!("no row {indicator} {breakdown}"))
                .clone()
        };
        let received = find("reports.received", "");
        assert_eq!(received[..5], ["communes/75056", "Paris", "2026-10", "2026-11", "2026-11-21T22:26:40Z"]);
        assert_eq!(received[8], "3");
        assert_eq!(find("reports.by_month.received", "2026-11")[8], "2");
        assert_eq!(find("reports.by_category.open", "voirie")[7..], ["Voirie", "1"]);
        assert_eq!(find("budgets.planned_eur", "")[8], "250000.5");
        assert_eq!(find("reports.commitment.share", "")[8], "0.5");
        assert_eq!(find("log_positions.dialogue", "")[8], "5");
        // Every row has all the columns, and every scalar of the JSON has its row.
        assert!(records.iter().all(|r| r.len() == DASHBOARD_CSV_HEADER.len()));
        let figures: Vec<_> = file.iter().filter(|(k, _)| !META.contains(k) && *k != "name").cloned().collect();
        assert_eq!(records.len() - 1, rows(&figures).len());
    }

    #[test]
    fn csv_cells_are_quoted_and_formulas_neutralised() {
        let csv = dashboard_csv(&file());
        let records = read_csv(&csv);
        let title = &records.iter().find(|r| r[5] == "budgets.largest.planned_eur").expect("project row")[7];
        assert_eq!(title, "'=HYPERLINK(\"http://evil\",\"École, \"\"cour\"\"\")");
        for (raw, cell) in [
            ("=1+1", "'=1+1"),
            ("+33 1 23", "'+33 1 23"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("a,b", "\"a,b\""),
            ("dit \"oui\"", "\"dit \"\"oui\"\"\""),
            ("deux\nlignes", "\"deux\nlignes\""),
            ("École", "École"),
            ("12.5", "12.5"),
        ] {
            assert_eq!(csv_cell(raw), cell, "{raw:?}");
        }
        assert_eq!(csv_line(&["a", "b,c"]), "a,\"b,c\"\r\n");
    }

    #[test]
    fn communes_files_list_the_headline_figures() {
        let c = pb::CommuneFigures {
            commune: "75056".into(),
            name: "Paris".into(),
            departement: "75".into(),
            commitment_days: 7,
            reports_received: 3,
            commitment_share: 0.5,
            ..Default::default()
        };
        let header = read_csv(&communes_csv_header()).remove(0);
        let line = read_csv(&commune_csv_line(&c)).remove(0);
        assert_eq!(header.len(), line.len());
        assert_eq!(header[0], "commune");
        assert_eq!(line[..5], ["75056", "Paris", "75", "7", "3"]);
        let json = format!("{}{}{}", communes_json_start("75", 1), commune_json(&c), COMMUNES_JSON_END);
        let json: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(json["total"], 1);
        assert_eq!(json["departement"], "75");
        assert_eq!(json["licence"]["name"], LICENCE_NAME);
        assert_eq!(json["communes"][0]["commitment_share"], 0.5);
    }

    #[test]
    fn events_are_one_json_object_per_line() {
        let e = pb::PublicEvent {
            log: "reports".into(),
            position: 4,
            occurred_at_us: 1_795_300_000_000_000,
            r#type: "report.received".into(),
            subject: "communes/75056/reports/r1".into(),
            fields: HashMap::from([("category".to_owned(), "voirie".to_owned())]),
        };
        let line = event_line(&e);
        assert!(line.ends_with('\n') && line.matches('\n').count() == 1);
        let json: serde_json::Value = serde_json::from_str(&line).expect("JSON");
        assert_eq!(json["type"], "report.received");
        assert_eq!(json["occurred_at"], "2026-11-21T22:26:40Z");
        assert_eq!(json["fields"]["category"], "voirie");
    }
}
