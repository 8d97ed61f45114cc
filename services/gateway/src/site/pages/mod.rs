//! The site's handlers, one file per area, and the calls they share.

pub mod account;
pub mod admin;
pub mod categories;
pub mod comments;
pub mod communes;
pub mod dialogue_settings;
pub mod follow;
pub mod moderation;
pub mod notifications;
pub mod open_data;
pub mod proposals;
pub mod publication_desk;
pub mod publication_files;
pub mod publication_form;
pub mod publication_view;
pub mod publications;
pub mod questions;
pub mod queue;
pub mod reports;
pub mod search;
pub mod transparency;
pub mod unsubscribe;
pub mod webhooks;

use miroir_proto::identity::v1 as id;
use miroir_proto::reports::v1 as rp;

use super::CommuneView;
use super::forms::{FormData, FormErrors};
use super::i18n::{self, Tr};
use super::session::Visitor;
use crate::rest::extract::Forwarded;
use crate::{AppState, GatewayError, upstream};

/// A commune by INSEE code (the path is checked by the service).
pub async fn commune(state: &AppState, insee: &str) -> Result<CommuneView, GatewayError> {
    let mut identity = state.identity.clone();
    let request = upstream::request(id::GetCommuneRequest { name: format!("communes/{insee}") }, &Forwarded::default());
    Ok(upstream::call(identity.get_commune(request)).await?.into())
}

/// A page of a commune's reports, newest first.
pub async fn reports_page(
    state: &AppState,
    visitor: &Visitor,
    insee: &str,
    page_size: i32,
    page_token: &str,
) -> Result<rp::ListReportsResponse, GatewayError> {
    let mut reports = state.reports.clone();
    let message = rp::ListReportsRequest {
        parent: format!("communes/{insee}"),
        page_size,
        page_token: page_token.to_owned(),
        ..Default::default()
    };
    upstream::call(reports.list_reports(upstream::request(message, &visitor.forwarded()))).await
}

/// A commune's report categories, in the order the commune gave them
/// (`include_retired` for the administrator's page and for filters).
pub async fn categories(
    state: &AppState,
    visitor: &Visitor,
    insee: &str,
    include_retired: bool,
) -> Result<Vec<rp::Category>, GatewayError> {
    let mut reports = state.reports.clone();
    let message = rp::ListCategoriesRequest { parent: format!("communes/{insee}"), include_retired };
    Ok(upstream::call(reports.list_categories(upstream::request(message, &visitor.forwarded()))).await?.categories)
}

/// A path segment the site puts into a resource name (INSEE code, report or
/// photo id): letters, digits, `-` and `_` only, so that a decoded `%2F`
/// cannot change which resource is named. The service checks the rest.
pub fn plain_segment(segment: &str) -> bool {
    (1..=100).contains(&segment.len()) && segment.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The filters of a reports list (the public list and the agents' queue),
/// as the GET form sends them, and the `ListReports` request they make.
#[derive(Debug, Clone, Default)]
pub struct ReportFilters {
    pub status: String,
    pub category: String,
    pub department: String,
    pub text: String,
    pub from: String,
    pub to: String,
    pub south: String,
    pub west: String,
    pub north: String,
    pub east: String,
    pub sort: String,
    /// Only the reports assigned to the visitor (the queue).
    pub mine: bool,
}

/// The status filter's values: "" (all), "open", or one status.
pub const STATUS_FILTERS: &[(&str, &str)] = &[
    ("", "filter-status-all"),
    ("open", "filter-status-open"),
    ("new", "status-new"),
    ("acknowledged", "status-acknowledged"),
    ("in_progress", "status-in-progress"),
    ("resolved", "status-resolved"),
    ("rejected", "status-rejected"),
    ("merged", "status-merged"),
];

impl ReportFilters {
    /// The filters of a query string; `default_status` when the form was not sent yet.
    pub fn read(query: &FormData, default_status: &str) -> Self {
        let get = |name: &str| query.get(name).trim().chars().take(200).collect::<String>();
        let sent = query.pairs().iter().any(|(k, _)| k == "status");
        ReportFilters {
            status: if sent { get("status") } else { default_status.to_owned() },
            category: get("category"),
            department: get("department"),
            text: get("text"),
            from: get("from"),
            to: get("to"),
            south: get("south"),
            west: get("west"),
            north: get("north"),
            east: get("east"),
            sort: get("sort"),
            mine: query.get("mine") == "1",
        }
    }

    /// The map's area, if all four sides are numbers that make a box.
    fn bounding_box(&self) -> Option<rp::BoundingBox> {
        let parse = |raw: &str| raw.replace(',', ".").parse::<f64>().ok().filter(|v| v.is_finite());
        let [south, west, north, east] = [&self.south, &self.west, &self.north, &self.east].map(|s| parse(s));
        let (south, west, north, east) = (south?, west?, north?, east?);
        let inside = (-90.0..=90.0).contains(&south)
            && (-90.0..=90.0).contains(&north)
            && (-180.0..=180.0).contains(&west)
            && (-180.0..=180.0).contains(&east);
        (inside && south < north && west < east).then_some(rp::BoundingBox { south, west, north, east })
    }

    pub fn has_area(&self) -> bool {
        [&self.south, &self.west, &self.north, &self.east].iter().any(|s| !s.is_empty())
    }

    /// The `ListReports` request; filters that make no sense are left out and said in `errors`.
    pub fn request(
        &self,
        tr: &Tr,
        insee: &str,
        me: Option<&str>,
        page_size: i32,
        page_token: &str,
        errors: &mut FormErrors,
    ) -> rp::ListReportsRequest {
        use rp::ReportStatus as S;
        let statuses: Vec<i32> = match self.status.as_str() {
            "" => vec![],
            "open" => vec![S::New.into(), S::Acknowledged.into(), S::InProgress.into()],
            "new" => vec![S::New.into()],
            "acknowledged" => vec![S::Acknowledged.into()],
            "in_progress" => vec![S::InProgress.into()],
            "resolved" => vec![S::Resolved.into()],
            "rejected" => vec![S::Rejected.into()],
            "merged" => vec![S::Merged.into()],
            _ => {
                errors.add("status", tr.t("invalid-filter-status"));
                vec![]
            }
        };
        let mut day = |name: &str, raw: &str, shift: i64| -> i64 {
            if raw.is_empty() {
                return 0;
            }
            i18n::paris_midnight_us(raw, shift).unwrap_or_else(|| {
                errors.add(name, tr.t("invalid-filter-date"));
                0
            })
        };
        let submitted_after_us = day("from", &self.from, 0);
        // "To" includes that whole day: before the next midnight.
        let submitted_before_us = day("to", &self.to, 1);
        let bounding_box = self.bounding_box();
        if bounding_box.is_none() && self.has_area() {
            errors.add("area", tr.t("invalid-filter-area"));
        }
        let order_by = match self.sort.as_str() {
            "" | "newest" => "newest",
            "most_supported" => "most_supported",
            _ => {
                errors.add("sort", tr.t("invalid-filter-sort"));
                "newest"
            }
        };
        rp::ListReportsRequest {
            parent: format!("communes/{insee}"),
            page_size,
            page_token: page_token.to_owned(),
            statuses,
            categories: if self.category.is_empty() { vec![] } else { vec![self.category.clone()] },
            department: self.department.clone(),
            bounding_box,
            submitted_after_us,
            submitted_before_us,
            text: self.text.clone(),
            order_by: order_by.to_owned(),
            assigned_agent: if self.mine { me.unwrap_or_default().to_owned() } else { String::new() },
        }
    }

    /// The query string of these filters (without the page), for page links;
    /// `with_area` false drops the map's box ("show everywhere").
    pub fn query(&self, with_area: bool) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        let area = [("south", &self.south), ("west", &self.west), ("north", &self.north), ("east", &self.east)];
        for (name, value) in [
            ("status", &self.status),
            ("category", &self.category),
            ("department", &self.department),
            ("text", &self.text),
            ("from", &self.from),
            ("to", &self.to),
            ("sort", &self.sort),
        ]
        .into_iter()
        .chain(area.into_iter().filter(|_| with_area))
        {
            // The status is always sent, so that "all" stays "all" where the default is "open".
            if !value.is_empty() || name == "status" {
                query.append_pair(name, value);
            }
        }
        if self.mine {
            query.append_pair("mine", "1");
        }
        query.finish()
    }

    /// The report statuses of the status `<select>`, in the page's language.
    pub fn status_options(&self, tr: &Tr) -> Vec<(&'static str, String, bool)> {
        STATUS_FILTERS.iter().map(|(value, key)| (*value, tr.t(key), *value == self.status)).collect()
    }
}
