//! The JSON shapes of the reports API (request bodies, the report resource,
//! list pages) and their conversion from the gRPC messages. They are also the
//! OpenAPI schemas: the document is generated from these types.

use miroir_proto::reports::v1 as pb;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

use crate::error::GatewayError;

/// Body of `POST /api/v1/communes/{insee}/reports`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SubmitReport {
    /// The commune's category code: lowercase letters, digits, `-` or `_`.
    #[schema(example = "voirie")]
    pub category: String,
    /// 3 to 120 characters.
    #[schema(example = "Nid-de-poule rue de la Mairie")]
    pub title: String,
    /// At most 5000 characters.
    #[serde(default)]
    #[schema(example = "Un trou profond devant le numéro 12.")]
    pub description: String,
    pub location: Location,
}

/// Body of `POST /api/v1/communes/{insee}/reports/{report_id}/acknowledge`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AcknowledgeReport {
    /// A public message to the reporter, at most 2000 characters.
    #[serde(default)]
    #[schema(example = "Merci, les services techniques passent jeudi.")]
    pub message: String,
}

/// The next step an agent gives a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NextStatus {
    InProgress,
    Resolved,
    Rejected,
}

/// Body of `POST /api/v1/communes/{insee}/reports/{report_id}/status`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateReportStatus {
    pub status: NextStatus,
    /// The public message (required for a rejection: the reason), at most 2000 characters.
    #[serde(default)]
    #[schema(example = "L'équipe voirie intervient cette semaine.")]
    pub message: String,
}

/// Body of `POST /api/v1/communes/{insee}/reports/{report_id}/reopen`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReopenReport {
    /// Why the problem is back, at most 2000 characters.
    #[serde(default)]
    #[schema(example = "Le trou est revenu après la pluie.")]
    pub message: String,
}

/// Where the problem is: a point inside France (WGS 84) and a free-text address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Location {
    #[schema(example = 48.8566)]
    pub latitude: f64,
    #[schema(example = 2.3522)]
    pub longitude: f64,
    /// At most 200 characters.
    #[serde(default)]
    #[schema(example = "12 rue de la Mairie")]
    pub address: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    New,
    Acknowledged,
    InProgress,
    Resolved,
    Rejected,
}

/// A problem report.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Report {
    /// Resource name: `communes/{insee}/reports/{report_id}`.
    #[schema(example = "communes/75056/reports/0190c0de-0000-7000-8000-000000000000")]
    pub name: String,
    #[schema(example = "0190c0de-0000-7000-8000-000000000000")]
    pub report_id: String,
    /// INSEE code of the commune.
    #[schema(example = "75056")]
    pub commune: String,
    pub category: String,
    pub title: String,
    pub description: String,
    pub location: Location,
    pub status: ReportStatus,
    /// RFC 3339, UTC.
    #[schema(example = "2025-03-14T09:26:53.589793Z")]
    pub submitted_at: String,
    /// RFC 3339, UTC; the commune's first response (null until then).
    #[schema(required = true)]
    pub acknowledged_at: Option<String>,
    /// null until acknowledged.
    #[schema(required = true)]
    pub acknowledgement_message: Option<String>,
    /// Number of changes the report went through.
    pub version: u64,
}

/// One page of a commune's reports, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportList {
    pub reports: Vec<Report>,
    /// Pass as `page_token` to get the next page; null on the last page.
    #[schema(required = true)]
    pub next_page_token: Option<String>,
}

impl TryFrom<pb::Report> for Report {
    type Error = GatewayError;

    fn try_from(report: pb::Report) -> Result<Self, GatewayError> {
        let status = match pb::ReportStatus::try_from(report.status) {
            Ok(pb::ReportStatus::New) => ReportStatus::New,
            Ok(pb::ReportStatus::Acknowledged) => ReportStatus::Acknowledged,
            Ok(pb::ReportStatus::InProgress) => ReportStatus::InProgress,
            Ok(pb::ReportStatus::Resolved) => ReportStatus::Resolved,
            Ok(pb::ReportStatus::Rejected) => ReportStatus::Rejected,
            // A status this gateway does not know yet: say so rather than
            // show a wrong one.
            _ => return Err(GatewayError::UpstreamData(format!("unknown report status {}", report.status))),
        };
        let location = report.location.unwrap_or_default();
        let acknowledged = status != ReportStatus::New;
        Ok(Report {
            submitted_at: rfc3339(report.submitted_at_us)?
                .ok_or_else(|| GatewayError::UpstreamData("report without a submission time".into()))?,
            acknowledged_at: rfc3339(report.acknowledged_at_us)?,
            // The proto cannot tell "no message" from an empty one; before
            // acknowledgement there is none.
            acknowledgement_message: acknowledged.then_some(report.acknowledgement_message),
            name: report.name,
            report_id: report.report_id,
            commune: report.commune,
            category: report.category,
            title: report.title,
            description: report.description,
            location: Location {
                latitude: location.latitude,
                longitude: location.longitude,
                address: location.address,
            },
            status,
            version: report.version,
        })
    }
}

impl TryFrom<pb::ListReportsResponse> for ReportList {
    type Error = GatewayError;

    fn try_from(page: pb::ListReportsResponse) -> Result<Self, GatewayError> {
        Ok(ReportList {
            reports: page.reports.into_iter().map(Report::try_from).collect::<Result<_, _>>()?,
            next_page_token: Some(page.next_page_token).filter(|token| !token.is_empty()),
        })
    }
}

/// Unix microseconds (0 = unset, as in the proto) to RFC 3339 in UTC.
pub(crate) fn rfc3339(us: i64) -> Result<Option<String>, GatewayError> {
    if us == 0 {
        return Ok(None);
    }
    let bad = |reason: String| GatewayError::UpstreamData(format!("timestamp {us} µs: {reason}"));
    let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000).map_err(|e| bad(e.to_string()))?;
    at.format(&Rfc3339).map(Some).map_err(|e| bad(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microseconds_become_rfc3339_utc() {
        assert_eq!(rfc3339(0).ok().flatten(), None);
        assert_eq!(rfc3339(1_700_000_000_000_000).ok().flatten().as_deref(), Some("2023-11-14T22:13:20Z"));
        assert_eq!(rfc3339(1_700_000_000_123_456).ok().flatten().as_deref(), Some("2023-11-14T22:13:20.123456Z"));
        assert!(rfc3339(i64::MAX).is_err());
    }

    #[test]
    fn a_new_report_has_no_acknowledgement() {
        let report = pb::Report {
            name: "communes/75056/reports/r".into(),
            status: pb::ReportStatus::New as i32,
            submitted_at_us: 1_700_000_000_000_000,
            ..Default::default()
        };
        let json = Report::try_from(report).map(|r| serde_json::to_value(r).ok());
        let json = json.ok().flatten().unwrap_or_default();
        assert_eq!(json["status"], "new");
        assert!(json["acknowledged_at"].is_null());
        assert!(json["acknowledgement_message"].is_null());
        assert!(Report::try_from(pb::Report { status: 7, ..Default::default() }).is_err());
    }
}
