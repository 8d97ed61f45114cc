//! The query string of `GET /api/v1/communes/{insee}/reports`: which reports
//! and in what order. Each bad value is a 400 naming its query parameter,
//! both for what the gateway checks (shapes) and for what the service checks
//! (ranges, who may filter on the agent), whose field names are renamed.

use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use miroir_proto::reports::v1 as pb;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::GatewayError;
use crate::rest::extract::is_code;
use crate::rest::schemas::ReportStatus;

/// At most this many categories in one filter.
pub const MAX_CATEGORIES: usize = 50;

/// The service's names of the list's fields and their query parameters.
pub const RENAMES: &[(&str, &str)] = &[
    ("statuses", "status"),
    ("categories", "category"),
    ("bounding_box", "bbox"),
    ("submitted_after_us", "submitted_after"),
    ("submitted_before_us", "submitted_before"),
    ("text", "q"),
    ("assigned_agent", "assigned_to"),
];

/// `?status=&category=&department=&bbox=&submitted_after=&submitted_before=&q=&order_by=&assigned_to=`.
/// `status` and `category` may be repeated or comma-separated; the others
/// are single values. An empty value is no filter (as a form sends it).
#[derive(Debug, Default, PartialEq)]
pub struct ReportFilters {
    pub statuses: Vec<pb::ReportStatus>,
    pub categories: Vec<String>,
    pub department: String,
    pub bounding_box: Option<pb::BoundingBox>,
    pub submitted_after_us: i64,
    pub submitted_before_us: i64,
    pub text: String,
    pub order_by: String,
    pub assigned_agent: String,
}

impl ReportFilters {
    /// Copies the filters into a list request.
    pub fn apply(self, request: &mut pb::ListReportsRequest) {
        request.statuses = self.statuses.into_iter().map(i32::from).collect();
        request.categories = self.categories;
        request.department = self.department;
        request.bounding_box = self.bounding_box;
        request.submitted_after_us = self.submitted_after_us;
        request.submitted_before_us = self.submitted_before_us;
        request.text = self.text;
        request.order_by = self.order_by;
        request.assigned_agent = self.assigned_agent;
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ReportFilters {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, GatewayError> {
        parse(parts.uri.query().unwrap_or_default())
    }
}

/// The parameters by name, every value kept (in order), empty ones dropped.
fn params(query: &str) -> HashMap<String, Vec<String>> {
    let mut params: HashMap<String, Vec<String>> = HashMap::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let value = value.trim();
        if !value.is_empty() {
            params.entry(name.into_owned()).or_default().push(value.to_owned());
        }
    }
    params
}

/// Every value of a list parameter: repeated, comma-separated, or both.
fn list(params: &HashMap<String, Vec<String>>, name: &str) -> Vec<String> {
    let values = params.get(name).map(Vec::as_slice).unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    for item in values.iter().flat_map(|v| v.split(',')).map(str::trim).filter(|v| !v.is_empty()) {
        if !out.iter().any(|known| known == item) {
            out.push(item.to_owned());
        }
    }
    out
}

/// The value of a single parameter ("" when absent); given twice it is ambiguous.
fn single(params: &HashMap<String, Vec<String>>, name: &str) -> Result<String, GatewayError> {
    match params.get(name).map(Vec::as_slice).unwrap_or_default() {
        [] => Ok(String::new()),
        [one] => Ok(one.clone()),
        _ => Err(GatewayError::invalid_field(name, "must be given once")),
    }
}

pub fn parse(query: &str) -> Result<ReportFilters, GatewayError> {
    let params = params(query);
    let statuses = list(&params, "status")
        .iter()
        .map(|name| {
            ReportStatus::from_name(name).map(pb::ReportStatus::from).ok_or_else(|| {
                GatewayError::invalid_field(
                    "status",
                    format!("`{name}` is not a status: new, acknowledged, in_progress, resolved, rejected or merged"),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    let categories = list(&params, "category");
    if let Some(bad) = categories.iter().find(|c| !is_code(c)) {
        return Err(GatewayError::invalid_field("category", format!("`{bad}` is not a category code")));
    }
    if categories.len() > MAX_CATEGORIES {
        return Err(GatewayError::invalid_field("category", format!("at most {MAX_CATEGORIES} categories")));
    }
    let bounding_box = match single(&params, "bbox")?.as_str() {
        "" => None,
        raw => Some(bbox(raw)?),
    };
    let submitted_after_us = timestamp(&params, "submitted_after")?;
    let submitted_before_us = timestamp(&params, "submitted_before")?;
    if submitted_after_us > 0 && submitted_before_us > 0 && submitted_after_us >= submitted_before_us {
        return Err(GatewayError::invalid_field("submitted_before", "must be later than submitted_after"));
    }
    let assigned_agent = single(&params, "assigned_to")?;
    if !assigned_agent.is_empty() && !is_uuid(&assigned_agent) {
        return Err(GatewayError::invalid_field("assigned_to", "must be an account id (a UUID)"));
    }
    let order_by = single(&params, "order_by")?;
    if !matches!(order_by.as_str(), "" | "newest" | "most_supported") {
        return Err(GatewayError::invalid_field("order_by", "must be newest or most_supported"));
    }
    Ok(ReportFilters {
        statuses,
        categories,
        department: single(&params, "department")?,
        bounding_box,
        submitted_after_us,
        submitted_before_us,
        text: single(&params, "q")?,
        order_by,
        assigned_agent,
    })
}

/// A UUID as the API writes ids (hyphenated, 36 characters).
fn is_uuid(raw: &str) -> bool {
    raw.len() == 36 && uuid::Uuid::try_parse(raw).is_ok()
}

/// `south,west,north,east` in degrees (WGS 84): four plain decimals, each in
/// its range, as the OpenAPI document's pattern for `bbox` says (no exponent,
/// no `+`, no `inf`); whether south is below north is the service's to check.
fn bbox(raw: &str) -> Result<pb::BoundingBox, GatewayError> {
    let bad =
        || GatewayError::invalid_field("bbox", "must be south,west,north,east in degrees, e.g. 48.85,2.34,48.86,2.36");
    let sides: Vec<&str> = raw.split(',').collect();
    let [south, west, north, east] = sides.as_slice() else { return Err(bad()) };
    Ok(pb::BoundingBox {
        south: degrees(south, 90).ok_or_else(bad)?,
        west: degrees(west, 180).ok_or_else(bad)?,
        north: degrees(north, 90).ok_or_else(bad)?,
        east: degrees(east, 180).ok_or_else(bad)?,
    })
}

/// A plain decimal (`-?[0-9]+(\.[0-9]+)?`, white space around) from `-max`
/// to `max`, compared as written so that the range is exactly the pattern's
/// (`90.000…01` is out, whatever a float would round it to).
fn degrees(side: &str, max: u32) -> Option<f64> {
    let side = side.trim();
    let unsigned = side.strip_prefix('-').unwrap_or(side);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
        return None;
    }
    let whole = whole.trim_start_matches('0');
    let value: u32 = if whole.is_empty() {
        0
    } else if whole.len() > 3 {
        return None;
    } else {
        whole.parse().ok()?
    };
    if value > max || (value == max && fraction.is_some_and(|f| f.bytes().any(|b| b != b'0'))) {
        return None;
    }
    side.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// An RFC 3339 date-time as Unix microseconds (0 when absent).
fn timestamp(params: &HashMap<String, Vec<String>>, name: &str) -> Result<i64, GatewayError> {
    let raw = single(params, name)?;
    if raw.is_empty() {
        return Ok(0);
    }
    let bad =
        || GatewayError::invalid_field(name, "must be an RFC 3339 date-time after 1970, e.g. 2025-03-14T09:00:00Z");
    let at = OffsetDateTime::parse(&raw, &Rfc3339).map_err(|_| bad())?;
    let us = i64::try_from(at.unix_timestamp_nanos() / 1000).map_err(|_| bad())?;
    if us <= 0 {
        return Err(bad());
    }
    Ok(us)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(query: &str) -> Option<String> {
        match parse(query) {
            Err(GatewayError::InvalidRequest { violations, .. }) => violations.first().map(|v| v.field.clone()),
            _ => None,
        }
    }

    #[test]
    fn lists_are_repeated_or_comma_separated() {
        let filters =
            parse("status=new,in_progress&status=merged&status=new&category=voirie&category=&q=+trou+").expect("valid");
        assert_eq!(
            filters.statuses,
            vec![pb::ReportStatus::New, pb::ReportStatus::InProgress, pb::ReportStatus::Merged]
        );
        assert_eq!(filters.categories, vec!["voirie"]);
        assert_eq!(filters.text, "trou");
        assert_eq!(parse("").expect("empty"), ReportFilters::default());
    }

    #[test]
    fn values_are_checked() {
        let filters = parse("bbox=48.8,2.3,48.9,2.4&submitted_after=2025-03-14T09:00:00Z&order_by=most_supported")
            .expect("valid");
        assert_eq!(filters.bounding_box, Some(pb::BoundingBox { south: 48.8, west: 2.3, north: 48.9, east: 2.4 }));
        assert_eq!(filters.submitted_after_us, 1_741_942_800_000_000);
        assert_eq!(filters.order_by, "most_supported");
        let edges = parse("bbox=%20-90.000,-180,0090,180.0").expect("valid edges");
        assert_eq!(edges.bounding_box, Some(pb::BoundingBox { south: -90.0, west: -180.0, north: 90.0, east: 180.0 }));
        for (query, name) in [
            ("status=closed", "status"),
            ("category=Voirie", "category"),
            ("bbox=1,2,3", "bbox"),
            ("bbox=1,2,3,NaN", "bbox"),
            ("bbox=a,b,c,d", "bbox"),
            // Only plain decimals in range, as the document's pattern says.
            ("bbox=1e1,2,3,4", "bbox"),
            ("bbox=%2B1,2,3,4", "bbox"),
            ("bbox=1.,2,3,4", "bbox"),
            ("bbox=.5,2,3,4", "bbox"),
            ("bbox=90.01,2,3,4", "bbox"),
            ("bbox=1,180.000001,3,4", "bbox"),
            ("bbox=1,2,3,1000", "bbox"),
            ("submitted_after=yesterday", "submitted_after"),
            ("submitted_before=1960-01-01T00:00:00Z", "submitted_before"),
            ("submitted_after=2025-03-14T09:00:00Z&submitted_before=2025-03-14T08:00:00Z", "submitted_before"),
            ("order_by=random", "order_by"),
            ("department=a&department=b", "department"),
            ("assigned_to=null", "assigned_to"),
        ] {
            assert_eq!(field(query).as_deref(), Some(name), "{query}");
        }
    }
}
