//! The JSON shapes of the reports API (request bodies, the report resource,
//! list pages) and their conversion from the gRPC messages. They are also the
//! OpenAPI schemas: the document is generated from these types.

use miroir_proto::reports::v1 as pb;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

use crate::error::GatewayError;

/// Body of `POST /api/v1/communes/{insee}/reports` (as JSON, or as the
/// `report` part of the multipart form).
///
/// Without a bearer token the report is anonymous: `reporter_email` is then
/// required, a verification link is sent there, and the report stays hidden
/// from the public until the link is followed. The address is never shown
/// back, except to the commune's staff.
#[derive(Deserialize, ToSchema)]
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
    /// Answers to the category's extra questions (see its `attributes`).
    #[serde(default)]
    pub attributes: Vec<AttributeAnswer>,
    /// Required without a bearer token: where the verification link goes.
    #[serde(default)]
    #[schema(example = "voisine@example.fr")]
    pub reporter_email: String,
}

impl std::fmt::Debug for SubmitReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The e-mail is personal data: never in a log line.
        f.debug_struct("SubmitReport")
            .field("category", &self.category)
            .field("title", &self.title)
            .field("location", &self.location)
            .field("attributes", &self.attributes)
            .field("reporter_email", &(!self.reporter_email.is_empty()).then_some("<redacted>"))
            .finish_non_exhaustive()
    }
}

/// The `multipart/form-data` form of `POST /api/v1/communes/{insee}/reports`:
/// the report as JSON in the part `report`, and its photos. No other part is
/// taken.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Only the OpenAPI schema of the form: the parts are read one by one.
pub struct SubmitReportForm {
    /// The report, as the JSON body would be.
    pub report: SubmitReport,
    /// Up to 5 images, JPEG, PNG or WebP, 5 MiB each (one part `photos` per
    /// image). Their type is read from their bytes; their metadata (Exif,
    /// GPS position, camera) is removed before they are kept.
    #[schema(required = false)]
    pub photos: Vec<ImageBytes>,
}

/// The bytes of an image: JPEG, PNG or WebP.
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // Only an OpenAPI schema.
pub struct ImageBytes(pub Vec<u8>);

/// An answer to one of a category's extra questions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AttributeAnswer {
    /// The question's `code`.
    #[schema(example = "danger")]
    pub code: String,
    /// One value (several for a `multi_value_list`); for a list, the keys of
    /// the chosen values.
    #[schema(example = json!(["oui"]))]
    pub values: Vec<String>,
}

impl From<AttributeAnswer> for pb::AttributeAnswer {
    fn from(answer: AttributeAnswer) -> Self {
        pb::AttributeAnswer { code: answer.code, values: answer.values }
    }
}

/// Body of `POST /api/v1/communes/{insee}/reports/verify`.
#[derive(Deserialize, ToSchema)]
pub struct VerifyReport {
    /// The `token` of the link sent to the anonymous reporter's e-mail.
    pub token: String,
}

impl std::fmt::Debug for VerifyReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyReport").field("token", &"<redacted>").finish()
    }
}

/// Body of `POST /api/v1/communes/{insee}/reports/{report_id}/assign`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AssignReport {
    /// The department in charge ("" = none), at most 80 characters.
    #[serde(default)]
    #[schema(example = "voirie")]
    pub department: String,
    /// Account id of the agent in charge ("" = the whole department).
    #[serde(default)]
    #[schema(example = "0190c0de-0000-7000-8000-00000000a9e7")]
    pub agent: String,
}

/// Body of `POST /api/v1/communes/{insee}/reports/{report_id}/notes`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AddNote {
    /// Only the commune's staff ever read it.
    #[schema(example = "Le riverain du n°4 a appelé.")]
    pub text: String,
}

/// Body of `POST /api/v1/communes/{insee}/reports/{report_id}/merge`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MergeReport {
    /// Id of the report kept, in the same commune.
    #[schema(example = "0190c0de-0000-7000-8000-000000000001")]
    pub into: String,
    /// Public message on the duplicate's timeline, at most 2000 characters.
    #[serde(default)]
    #[schema(example = "Déjà signalé, nous suivons l'autre signalement.")]
    pub message: String,
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
    /// Closed as a duplicate of the report in `merged_into`.
    Merged,
}

impl ReportStatus {
    /// The name used in the JSON and in the `status` filter.
    pub const ALL: [(&str, ReportStatus); 6] = [
        ("new", ReportStatus::New),
        ("acknowledged", ReportStatus::Acknowledged),
        ("in_progress", ReportStatus::InProgress),
        ("resolved", ReportStatus::Resolved),
        ("rejected", ReportStatus::Rejected),
        ("merged", ReportStatus::Merged),
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, status)| *status)
    }
}

impl From<ReportStatus> for pb::ReportStatus {
    fn from(status: ReportStatus) -> Self {
        match status {
            ReportStatus::New => pb::ReportStatus::New,
            ReportStatus::Acknowledged => pb::ReportStatus::Acknowledged,
            ReportStatus::InProgress => pb::ReportStatus::InProgress,
            ReportStatus::Resolved => pb::ReportStatus::Resolved,
            ReportStatus::Rejected => pb::ReportStatus::Rejected,
            ReportStatus::Merged => pb::ReportStatus::Merged,
        }
    }
}

impl TryFrom<i32> for ReportStatus {
    type Error = GatewayError;

    fn try_from(status: i32) -> Result<Self, GatewayError> {
        Ok(match pb::ReportStatus::try_from(status) {
            Ok(pb::ReportStatus::New) => ReportStatus::New,
            Ok(pb::ReportStatus::Acknowledged) => ReportStatus::Acknowledged,
            Ok(pb::ReportStatus::InProgress) => ReportStatus::InProgress,
            Ok(pb::ReportStatus::Resolved) => ReportStatus::Resolved,
            Ok(pb::ReportStatus::Rejected) => ReportStatus::Rejected,
            Ok(pb::ReportStatus::Merged) => ReportStatus::Merged,
            // A status this gateway does not know yet: say so rather than
            // show a wrong one.
            Ok(pb::ReportStatus::Unspecified) | Err(_) => {
                return Err(GatewayError::UpstreamData(format!("unknown report status {status}")));
            }
        })
    }
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
    /// RFC 3339, UTC; when the commune last said it is solved (null if never).
    #[schema(required = true)]
    pub resolved_at: Option<String>,
    /// The department in charge (null = none).
    #[schema(required = true, example = "services techniques")]
    pub department: Option<String>,
    /// Account id of the agent in charge: shown to the commune's staff only
    /// (null otherwise, and when the whole department is in charge).
    #[schema(required = true)]
    pub assigned_agent: Option<String>,
    /// Answers to the category's extra questions. Like `photos` and
    /// `timeline`, present when one report is read (and in the answers of
    /// the actions on it), absent from lists and duplicate suggestions.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Vec<AttributeAnswer>, required = false)]
    pub attributes: Option<Vec<AttributeAnswer>>,
    /// The photos, each served at its `url` (absent from lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Vec<PhotoRef>, required = false)]
    pub photos: Option<Vec<PhotoRef>>,
    /// How many residents said "me too".
    pub supports: u32,
    /// Whether the caller (a signed-in account) already supports it.
    pub supported_by_caller: bool,
    /// Whether the caller filed it (and may reopen it).
    pub reported_by_caller: bool,
    /// For a merged duplicate: id of the report it was merged into (null otherwise).
    #[schema(required = true)]
    pub merged_into: Option<String>,
    /// False while an anonymous report waits for its reporter's e-mail to be
    /// verified: only its reporter (in the submission's answer) and the
    /// commune's staff see it then.
    pub verified: bool,
    /// The anonymous reporter's e-mail: present for the commune's staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "voisine@example.fr")]
    pub reporter_email: Option<String>,
    /// Filed by city IT's integration on someone's behalf.
    pub via_integration: bool,
    /// The public steps after submission, oldest first (absent from lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Vec<TimelineEntry>, required = false)]
    pub timeline: Option<Vec<TimelineEntry>>,
    /// Number of changes the report went through.
    pub version: u64,
}

/// A photo of a report, served by `url`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PhotoRef {
    #[schema(example = "0190c0de-0000-7000-8000-0000000000f1")]
    pub photo_id: String,
    /// Path of the photo on this server.
    #[schema(example = "/api/v1/communes/75056/reports/0190c0de-0000-7000-8000-000000000000/photos/\
                        0190c0de-0000-7000-8000-0000000000f1")]
    pub url: String,
    /// `image/jpeg`, `image/png` or `image/webp`.
    #[schema(example = "image/jpeg")]
    pub content_type: String,
    #[schema(example = 48213)]
    pub size_bytes: u64,
}

/// One public step of a report.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TimelineEntry {
    /// What happened: `acknowledged`, `in_progress`, `resolved`, `rejected`,
    /// `reopened`, `assigned`, `merged`.
    #[schema(example = "acknowledged")]
    pub kind: String,
    /// The report's status after this step.
    pub status: ReportStatus,
    /// The public message ("" if none); for `assigned`, the department.
    #[schema(example = "Merci, les services techniques passent jeudi.")]
    pub message: String,
    /// `commune` for the commune's steps, `reporter` for a reopening.
    #[schema(example = "commune")]
    pub by: String,
    /// RFC 3339, UTC.
    #[schema(example = "2025-03-14T10:02:11.5Z")]
    pub at: String,
}

/// Reports that may be the same problem, nearest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateList {
    /// Open reports of the category within 50 m, at most 10.
    pub duplicates: Vec<Duplicate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Duplicate {
    /// Distance from the given point, in metres.
    #[schema(example = 27.4)]
    pub distance_m: f64,
    pub report: Report,
}

/// A note on a report, for the commune's staff only.
#[derive(Debug, Serialize, ToSchema)]
pub struct InternalNote {
    #[schema(example = "0190c0de-0000-7000-8000-0000000000a1")]
    pub note_id: String,
    /// Account id (or integration client id) of its author.
    pub author: String,
    #[schema(example = "Le riverain du n°4 a appelé.")]
    pub text: String,
    /// RFC 3339, UTC.
    pub at: String,
}

/// A report's internal notes, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct InternalNoteList {
    pub notes: Vec<InternalNote>,
}

/// One page of a commune's reports, in the order asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportList {
    /// Without their `attributes`, `photos` and `timeline`: read a report for those.
    pub reports: Vec<Report>,
    /// Pass as `page_token` to get the next page; null on the last page.
    #[schema(required = true)]
    pub next_page_token: Option<String>,
}

impl TryFrom<pb::Report> for Report {
    type Error = GatewayError;

    /// One report read in full: with its answers, photos and timeline.
    fn try_from(report: pb::Report) -> Result<Self, GatewayError> {
        Report::convert(report, true)
    }
}

impl Report {
    /// A report as lists give it: without its answers, photos and timeline,
    /// which the service only loads when one report is read.
    pub fn summary(report: pb::Report) -> Result<Self, GatewayError> {
        Report::convert(report, false)
    }

    fn convert(report: pb::Report, full: bool) -> Result<Self, GatewayError> {
        let status = ReportStatus::try_from(report.status)?;
        let location = report.location.unwrap_or_default();
        let acknowledged =
            report.acknowledged_at_us != 0 || !matches!(status, ReportStatus::New | ReportStatus::Merged);
        let photos = report.photos.into_iter().map(PhotoRef::try_from).collect::<Result<_, _>>()?;
        let timeline = report.updates.into_iter().map(TimelineEntry::try_from).collect::<Result<_, _>>()?;
        let attributes =
            report.attributes.into_iter().map(|a| AttributeAnswer { code: a.code, values: a.values }).collect();
        Ok(Report {
            submitted_at: rfc3339(report.submitted_at_us)?
                .ok_or_else(|| GatewayError::UpstreamData("report without a submission time".into()))?,
            acknowledged_at: rfc3339(report.acknowledged_at_us)?,
            // The proto cannot tell "no message" from an empty one; before
            // acknowledgement there is none.
            acknowledgement_message: acknowledged.then_some(report.acknowledgement_message),
            resolved_at: rfc3339(report.resolved_at_us)?,
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
            department: non_empty(report.department),
            assigned_agent: non_empty(report.assigned_agent),
            attributes: full.then_some(attributes),
            photos: full.then_some(photos),
            supports: report.supports,
            supported_by_caller: report.supported_by_caller,
            reported_by_caller: report.reported_by_caller,
            merged_into: non_empty(report.merged_into),
            verified: report.verified,
            reporter_email: non_empty(report.reporter_email),
            via_integration: report.via_integration,
            timeline: full.then_some(timeline),
            version: report.version,
        })
    }
}

fn non_empty(value: String) -> Option<String> {
    Some(value).filter(|v| !v.is_empty())
}

/// The photo's file extension, for the content types the API serves (and
/// only those: anything else is never sent to a browser).
pub fn photo_extension(content_type: &str) -> Option<&'static str> {
    match content_type {
        "image/jpeg" => Some("jpg"),
        "image/png" => Some("png"),
        "image/webp" => Some("webp"),
        _ => None,
    }
}

impl TryFrom<pb::ReportPhotoRef> for PhotoRef {
    type Error = GatewayError;

    fn try_from(photo: pb::ReportPhotoRef) -> Result<Self, GatewayError> {
        // `communes/{insee}/reports/{report_id}/photos/{photo_id}`: served
        // under the same path below `/api/v1/`.
        let photo_id = photo
            .name
            .strip_prefix("communes/")
            .and_then(|rest| rest.rsplit_once("/photos/"))
            .map(|(_, id)| id.to_owned())
            .filter(|id| uuid::Uuid::try_parse(id).is_ok())
            .ok_or_else(|| GatewayError::UpstreamData(format!("photo name `{}`", photo.name)))?;
        Ok(PhotoRef {
            url: format!("/api/v1/{}", photo.name),
            photo_id,
            content_type: photo.content_type,
            size_bytes: photo.size_bytes,
        })
    }
}

impl TryFrom<pb::PublicUpdate> for TimelineEntry {
    type Error = GatewayError;

    fn try_from(update: pb::PublicUpdate) -> Result<Self, GatewayError> {
        Ok(TimelineEntry {
            status: ReportStatus::try_from(update.status)?,
            at: rfc3339(update.at_us)?
                .ok_or_else(|| GatewayError::UpstreamData("timeline entry without a time".into()))?,
            kind: update.kind,
            message: update.message,
            by: update.by,
        })
    }
}

impl TryFrom<pb::SuggestDuplicatesResponse> for DuplicateList {
    type Error = GatewayError;

    fn try_from(found: pb::SuggestDuplicatesResponse) -> Result<Self, GatewayError> {
        if found.reports.len() != found.distances_m.len() {
            return Err(GatewayError::UpstreamData("as many distances as reports expected".into()));
        }
        let duplicates = found
            .reports
            .into_iter()
            .zip(found.distances_m)
            .map(|(report, distance_m)| Ok(Duplicate { distance_m, report: Report::summary(report)? }))
            .collect::<Result<_, GatewayError>>()?;
        Ok(DuplicateList { duplicates })
    }
}

impl TryFrom<pb::InternalNote> for InternalNote {
    type Error = GatewayError;

    fn try_from(note: pb::InternalNote) -> Result<Self, GatewayError> {
        Ok(InternalNote {
            at: rfc3339(note.at_us)?.ok_or_else(|| GatewayError::UpstreamData("note without a time".into()))?,
            note_id: note.note_id,
            author: note.author,
            text: note.text,
        })
    }
}

impl TryFrom<pb::ListReportsResponse> for ReportList {
    type Error = GatewayError;

    fn try_from(page: pb::ListReportsResponse) -> Result<Self, GatewayError> {
        Ok(ReportList {
            reports: page.reports.into_iter().map(Report::summary).collect::<Result<_, _>>()?,
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

    #[test]
    fn a_merged_report_points_to_the_kept_one_and_private_fields_stay_out() {
        let id = "0190c0de-0000-7000-8000-000000000000";
        let photo = "0190c0de-0000-7000-8000-0000000000f1";
        let report = pb::Report {
            name: format!("communes/75056/reports/{id}"),
            status: pb::ReportStatus::Merged as i32,
            submitted_at_us: 1_700_000_000_000_000,
            merged_into: "0190c0de-0000-7000-8000-000000000001".into(),
            photos: vec![pb::ReportPhotoRef {
                name: format!("communes/75056/reports/{id}/photos/{photo}"),
                content_type: "image/png".into(),
                size_bytes: 12,
            }],
            updates: vec![pb::PublicUpdate {
                status: pb::ReportStatus::Merged as i32,
                kind: "merged".into(),
                by: "commune".into(),
                at_us: 1_700_000_000_000_001,
                message: String::new(),
            }],
            ..Default::default()
        };
        let full = serde_json::to_value(Report::try_from(report.clone()).expect("converts")).expect("JSON");
        assert_eq!(full["status"], "merged");
        assert_eq!(full["merged_into"], "0190c0de-0000-7000-8000-000000000001");
        assert!(full["acknowledgement_message"].is_null());
        assert!(full["assigned_agent"].is_null() && full["department"].is_null());
        assert!(full.get("reporter_email").is_none(), "absent unless the staff asked");
        assert_eq!(full["photos"][0]["url"], format!("/api/v1/communes/75056/reports/{id}/photos/{photo}"));
        assert_eq!(full["photos"][0]["photo_id"], photo);
        assert_eq!(full["timeline"][0]["status"], "merged");
        let summary = serde_json::to_value(Report::summary(report).expect("converts")).expect("JSON");
        for detail in ["photos", "timeline", "attributes"] {
            assert!(summary.get(detail).is_none(), "{detail} in {summary}");
        }
        let staff = pb::Report { reporter_email: "voisine@example.fr".into(), ..Default::default() };
        let staff = Report::try_from(pb::Report { submitted_at_us: 1, status: 1, ..staff }).expect("converts");
        assert_eq!(staff.reporter_email.as_deref(), Some("voisine@example.fr"));
        assert!(ReportStatus::from_name("merged").is_some() && ReportStatus::from_name("closed").is_none());
    }
}
