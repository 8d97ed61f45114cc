//! The JSON shapes of the publications API (request bodies, the publication
//! resource with its kind-specific details, revisions, list pages) and their
//! conversion to and from the gRPC messages. They are also the OpenAPI
//! schemas.
//!
//! The details mirror the proto's `PublicationDetails` field for field, so
//! that the service's field paths (`details.project.progress_percent`) are
//! the JSON paths of the request as they are.

use miroir_proto::publications::v1 as pb;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

use crate::error::GatewayError;
use crate::rest::schemas::rfc3339;

/// Which space publishes: the town hall's or the residents' collective's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Space {
    /// Projects, council decisions and minutes, budgets, news: written by the
    /// commune's agents, elected officials and administrators.
    Official,
    /// Posts, activities and follow-up notes: written by the residents'
    /// collective (its members and moderators).
    Citizen,
}

impl Space {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "official" => Some(Space::Official),
            "citizen" => Some(Space::Citizen),
            _ => None,
        }
    }
}

impl From<Space> for pb::Space {
    fn from(space: Space) -> Self {
        match space {
            Space::Official => pb::Space::Official,
            Space::Citizen => pb::Space::Citizen,
        }
    }
}

impl TryFrom<i32> for Space {
    type Error = GatewayError;

    fn try_from(space: i32) -> Result<Self, GatewayError> {
        match pb::Space::try_from(space) {
            Ok(pb::Space::Official) => Ok(Space::Official),
            Ok(pb::Space::Citizen) => Ok(Space::Citizen),
            _ => Err(GatewayError::UpstreamData(format!("unknown publication space {space}"))),
        }
    }
}

/// Where a publication is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublicationStatus {
    /// Not published: seen only by the writers of its space.
    Draft,
    /// Published with a time still to come: seen only by the writers of its space.
    Scheduled,
    Published,
    /// Withdrawn with a public reason; still readable.
    Archived,
}

impl PublicationStatus {
    /// The name used in the JSON and in the `status` filter.
    pub const ALL: [(&str, PublicationStatus); 4] = [
        ("draft", PublicationStatus::Draft),
        ("scheduled", PublicationStatus::Scheduled),
        ("published", PublicationStatus::Published),
        ("archived", PublicationStatus::Archived),
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, status)| *status)
    }
}

impl From<PublicationStatus> for pb::PublicationStatus {
    fn from(status: PublicationStatus) -> Self {
        match status {
            PublicationStatus::Draft => pb::PublicationStatus::Draft,
            PublicationStatus::Scheduled => pb::PublicationStatus::Scheduled,
            PublicationStatus::Published => pb::PublicationStatus::Published,
            PublicationStatus::Archived => pb::PublicationStatus::Archived,
        }
    }
}

impl TryFrom<i32> for PublicationStatus {
    type Error = GatewayError;

    fn try_from(status: i32) -> Result<Self, GatewayError> {
        Ok(match pb::PublicationStatus::try_from(status) {
            Ok(pb::PublicationStatus::Draft) => PublicationStatus::Draft,
            Ok(pb::PublicationStatus::Scheduled) => PublicationStatus::Scheduled,
            Ok(pb::PublicationStatus::Published) => PublicationStatus::Published,
            Ok(pb::PublicationStatus::Archived) => PublicationStatus::Archived,
            Ok(pb::PublicationStatus::Unspecified) | Err(_) => {
                return Err(GatewayError::UpstreamData(format!("unknown publication status {status}")));
            }
        })
    }
}

/// Where a commune project stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Planned,
    InProgress,
    Done,
    /// Given up: `abandoned_reason` says why, in public.
    Abandoned,
}

impl From<ProjectStatus> for pb::ProjectStatus {
    fn from(status: ProjectStatus) -> Self {
        match status {
            ProjectStatus::Planned => pb::ProjectStatus::Planned,
            ProjectStatus::InProgress => pb::ProjectStatus::InProgress,
            ProjectStatus::Done => pb::ProjectStatus::Done,
            ProjectStatus::Abandoned => pb::ProjectStatus::Abandoned,
        }
    }
}

impl TryFrom<i32> for ProjectStatus {
    type Error = GatewayError;

    fn try_from(status: i32) -> Result<Self, GatewayError> {
        Ok(match pb::ProjectStatus::try_from(status) {
            Ok(pb::ProjectStatus::Planned) => ProjectStatus::Planned,
            Ok(pb::ProjectStatus::InProgress) => ProjectStatus::InProgress,
            Ok(pb::ProjectStatus::Done) => ProjectStatus::Done,
            Ok(pb::ProjectStatus::Abandoned) => ProjectStatus::Abandoned,
            Ok(pb::ProjectStatus::Unspecified) | Err(_) => {
                return Err(GatewayError::UpstreamData(format!("unknown project status {status}")));
            }
        })
    }
}

/// A step of a project's calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Milestone {
    #[schema(example = "Début des travaux")]
    pub title: String,
    /// Calendar date, `YYYY-MM-DD`.
    #[schema(example = "2026-03-02")]
    pub date: String,
    #[serde(default)]
    pub done: bool,
}

/// Where a project takes place (WGS 84).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProjectLocation {
    #[schema(example = 48.8566)]
    pub latitude: f64,
    #[schema(example = 2.3522)]
    pub longitude: f64,
    /// At most 200 characters.
    #[serde(default)]
    #[schema(example = "Place de l'Hôtel de Ville")]
    pub address: String,
}

/// What a project adds (kind `project`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProjectDetails {
    pub status: ProjectStatus,
    /// Required when abandoned, and only then: why, in public.
    #[serde(default)]
    pub abandoned_reason: String,
    /// In euro cents, not negative.
    #[serde(default)]
    #[schema(example = 120000000)]
    pub budget_planned_cents: i64,
    /// In euro cents, not negative.
    #[serde(default)]
    #[schema(example = 45000000)]
    pub budget_spent_cents: i64,
    /// At most 200, each at most 200 characters.
    #[serde(default)]
    #[schema(example = json!(["Commune", "Région Île-de-France"]))]
    pub funding_sources: Vec<String>,
    /// 0 to 100.
    #[serde(default)]
    #[schema(example = 40, maximum = 100)]
    pub progress_percent: u32,
    #[serde(default)]
    #[schema(required = false)]
    pub location: Option<ProjectLocation>,
    /// At most 200.
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    /// At most 200 characters.
    #[serde(default)]
    #[schema(example = "services techniques")]
    pub responsible_department: String,
}

/// What a council decision adds (kind `decision`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DecisionDetails {
    /// The council session, `YYYY-MM-DD`.
    #[schema(example = "2026-02-12")]
    pub session_date: String,
    /// The decision's number in the commune's register.
    #[schema(example = "2026-041")]
    pub number: String,
    #[serde(default)]
    pub votes_for: u32,
    #[serde(default)]
    pub votes_against: u32,
    #[serde(default)]
    pub abstentions: u32,
    /// Ids of related publications of the commune (projects, budgets), public ones.
    #[serde(default)]
    pub related_publication_ids: Vec<String>,
}

/// One line of a budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BudgetLine {
    #[schema(example = "Voirie")]
    pub label: String,
    /// In euro cents.
    #[schema(example = 250000000)]
    pub amount_cents: i64,
}

/// What a budget adds (kind `budget`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BudgetDetails {
    #[schema(example = 2026)]
    pub year: u32,
    /// At most 200.
    #[serde(default)]
    pub lines: Vec<BudgetLine>,
}

/// What a follow-up note adds (kind `follow_up`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FollowUpDetails {
    /// Id of the commune project the note follows: a published project of the same commune.
    #[schema(example = "0190c0de-0000-7000-8000-0000000000b1")]
    pub project_publication_id: String,
}

/// The kind-specific part of a publication: at most one member, the one of
/// its kind. A `project`, `decision`, `budget` or `follow_up` needs its
/// member; the other kinds have none (`{}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicationDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub project: Option<ProjectDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub decision: Option<DecisionDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub budget: Option<BudgetDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub follow_up: Option<FollowUpDetails>,
}

impl From<PublicationDetails> for pb::PublicationDetails {
    fn from(details: PublicationDetails) -> Self {
        pb::PublicationDetails {
            project: details.project.map(|p| pb::ProjectDetails {
                status: pb::ProjectStatus::from(p.status).into(),
                abandoned_reason: p.abandoned_reason,
                budget_planned_cents: p.budget_planned_cents,
                budget_spent_cents: p.budget_spent_cents,
                funding_sources: p.funding_sources,
                progress_percent: p.progress_percent,
                location: p.location.map(|l| pb::ProjectLocation {
                    latitude: l.latitude,
                    longitude: l.longitude,
                    address: l.address,
                }),
                milestones: p
                    .milestones
                    .into_iter()
                    .map(|m| pb::Milestone { title: m.title, date: m.date, done: m.done })
                    .collect(),
                responsible_department: p.responsible_department,
            }),
            decision: details.decision.map(|d| pb::DecisionDetails {
                session_date: d.session_date,
                number: d.number,
                votes_for: d.votes_for,
                votes_against: d.votes_against,
                abstentions: d.abstentions,
                related_publication_ids: d.related_publication_ids,
            }),
            budget: details.budget.map(|b| pb::BudgetDetails {
                year: b.year,
                lines: b
                    .lines
                    .into_iter()
                    .map(|l| pb::BudgetLine { label: l.label, amount_cents: l.amount_cents })
                    .collect(),
            }),
            follow_up: details
                .follow_up
                .map(|f| pb::FollowUpDetails { project_publication_id: f.project_publication_id }),
        }
    }
}

impl TryFrom<pb::PublicationDetails> for PublicationDetails {
    type Error = GatewayError;

    fn try_from(details: pb::PublicationDetails) -> Result<Self, GatewayError> {
        let project = match details.project {
            None => None,
            Some(p) => Some(ProjectDetails {
                status: ProjectStatus::try_from(p.status)?,
                abandoned_reason: p.abandoned_reason,
                budget_planned_cents: p.budget_planned_cents,
                budget_spent_cents: p.budget_spent_cents,
                funding_sources: p.funding_sources,
                progress_percent: p.progress_percent,
                location: p.location.map(|l| ProjectLocation {
                    latitude: l.latitude,
                    longitude: l.longitude,
                    address: l.address,
                }),
                milestones: p
                    .milestones
                    .into_iter()
                    .map(|m| Milestone { title: m.title, date: m.date, done: m.done })
                    .collect(),
                responsible_department: p.responsible_department,
            }),
        };
        Ok(PublicationDetails {
            project,
            decision: details.decision.map(|d| DecisionDetails {
                session_date: d.session_date,
                number: d.number,
                votes_for: d.votes_for,
                votes_against: d.votes_against,
                abstentions: d.abstentions,
                related_publication_ids: d.related_publication_ids,
            }),
            budget: details.budget.map(|b| BudgetDetails {
                year: b.year,
                lines: b
                    .lines
                    .into_iter()
                    .map(|l| BudgetLine { label: l.label, amount_cents: l.amount_cents })
                    .collect(),
            }),
            follow_up: details.follow_up.map(|f| FollowUpDetails { project_publication_id: f.project_publication_id }),
        })
    }
}

/// Body of `POST /api/v1/communes/{insee}/publications`: a new draft.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateDraft {
    pub space: Space,
    /// `project`, `decision`, `minutes`, `budget` or `news` in the official
    /// space; `post`, `activity` or `follow_up` in the citizen space.
    #[schema(example = "project")]
    pub kind: String,
    /// 3 to 200 characters on one line.
    #[schema(example = "Rénovation de l'école Jules-Ferry")]
    pub title: String,
    /// At most 100 000 characters.
    #[serde(default)]
    #[schema(example = "Les travaux commencent en mars.\nLa cantine reste ouverte.")]
    pub body: String,
    /// The part of the kind (required for a project, decision, budget or follow-up note).
    #[serde(default)]
    #[schema(required = false)]
    pub details: PublicationDetails,
}

/// Body of `PATCH /api/v1/communes/{insee}/publications/{publication_id}`:
/// the members given replace the draft's; those left out are kept.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateDraft {
    /// 3 to 200 characters on one line.
    #[serde(default)]
    #[schema(required = false)]
    pub title: Option<String>,
    /// At most 100 000 characters.
    #[serde(default)]
    #[schema(required = false)]
    pub body: Option<String>,
    /// Replaces the whole kind-specific part.
    #[serde(default)]
    #[schema(required = false)]
    pub details: Option<PublicationDetails>,
}

/// Body of `POST …/publications/{publication_id}/publish`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PublishPublication {
    /// When the publication becomes public (RFC 3339, not in the past);
    /// absent or null: now.
    #[serde(default)]
    #[schema(required = false, example = "2026-04-01T08:00:00+02:00")]
    pub publish_at: Option<String>,
}

/// Body of `POST …/publications/{publication_id}/amend`: a public revision.
/// The members given replace the publication's; those left out are kept.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AmendPublication {
    /// What changed and why, in public: 3 to 2000 characters.
    #[schema(example = "Calendrier décalé d'une semaine (intempéries).")]
    pub summary_of_change: String,
    #[serde(default)]
    #[schema(required = false)]
    pub title: Option<String>,
    #[serde(default)]
    #[schema(required = false)]
    pub body: Option<String>,
    /// Replaces the whole kind-specific part.
    #[serde(default)]
    #[schema(required = false)]
    pub details: Option<PublicationDetails>,
    /// Attachments to take off (their `attachment_id`); they stay readable in
    /// the revision history.
    #[serde(default)]
    #[schema(required = false)]
    pub remove_attachment_ids: Vec<String>,
}

/// Body of `POST …/publications/{publication_id}/archive`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ArchivePublication {
    /// Why it is withdrawn, in public: 3 to 2000 characters.
    #[schema(example = "Projet remplacé par la délibération 2026-052.")]
    pub reason: String,
}

/// Something a space published (or a draft, for the writers of its space).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Publication {
    /// Resource name: `communes/{insee}/publications/{publication_id}`.
    #[schema(example = "communes/75056/publications/0190c0de-0000-7000-8000-0000000000b1")]
    pub name: String,
    #[schema(example = "0190c0de-0000-7000-8000-0000000000b1")]
    pub publication_id: String,
    /// INSEE code of the commune.
    #[schema(example = "75056")]
    pub commune: String,
    pub space: Space,
    #[schema(example = "project")]
    pub kind: String,
    pub title: String,
    pub body: String,
    pub status: PublicationStatus,
    pub details: PublicationDetails,
    /// Account id of the writer (or integration client id).
    pub author: String,
    /// RFC 3339, UTC.
    #[schema(example = "2026-03-14T09:26:53.589793Z")]
    pub created_at: String,
    /// RFC 3339, UTC: the last change.
    pub updated_at: String,
    /// RFC 3339, UTC: when it is (or will be) public; null for a draft.
    #[schema(required = true)]
    pub published_at: Option<String>,
    /// Amendments since publication (0 = as first published).
    pub revision: u32,
    /// The public reason of the archiving (null unless archived).
    #[schema(required = true)]
    pub archived_reason: Option<String>,
    /// RFC 3339, UTC (null unless archived).
    #[schema(required = true)]
    pub archived_at: Option<String>,
    /// The files attached (PDFs, images), in the order they were added.
    pub attachments: Vec<Attachment>,
}

/// A file attached to a publication: a PDF document or an image.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Attachment {
    #[schema(example = "0190c0de-0000-7000-8000-0000000000f1")]
    pub attachment_id: String,
    /// The sender's file name, cleaned (no folders, no control characters),
    /// ending with the extension of its real type. Shown only.
    #[schema(example = "deliberation-2026-051.pdf")]
    pub display_name: String,
    /// Read from the bytes: `application/pdf`, `image/jpeg`, `image/png` or `image/webp`.
    #[schema(example = "application/pdf")]
    pub media_type: String,
    /// Size of the stored bytes (an image's after its metadata was removed).
    #[schema(example = 48213)]
    pub size_bytes: u64,
    /// What an image shows (always given for an image); for a PDF, an
    /// optional short description ("" if none).
    pub alt_text: String,
    /// SHA-256 of the stored bytes, lower-case hex: anyone can check that a
    /// downloaded document is the one published.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: String,
    /// RFC 3339, UTC.
    pub added_at: String,
    /// Where to download it (`GET`), relative to the API's host.
    #[schema(
        example = "/api/v1/communes/75056/publications/0190c0de-0000-7000-8000-0000000000b1/attachments/0190c0de-0000-7000-8000-0000000000f1"
    )]
    pub url: String,
}

impl Attachment {
    /// The attachment of the publication `publication_id` of `commune`.
    pub fn from_proto(commune: &str, publication_id: &str, a: pb::Attachment) -> Result<Self, GatewayError> {
        Ok(Attachment {
            url: format!("/api/v1/communes/{commune}/publications/{publication_id}/attachments/{}", a.attachment_id),
            added_at: rfc3339(a.added_at_us)?
                .ok_or_else(|| GatewayError::UpstreamData("attachment without its time".into()))?,
            attachment_id: a.attachment_id,
            display_name: a.display_name,
            media_type: a.media_type,
            size_bytes: a.size_bytes,
            alt_text: a.alt_text,
            sha256: a.sha256,
        })
    }
}

/// The answer to an upload: the attachment and its publication as it now is.
#[derive(Debug, Serialize, ToSchema)]
pub struct AddedAttachment {
    pub attachment: Attachment,
    pub publication: Publication,
}

/// The `multipart/form-data` form of `POST …/publications/{publication_id}/attachments`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Only the OpenAPI schema of the form: the parts are read one by one.
pub struct AttachmentForm {
    /// The file: a PDF (at most 20 MiB) or a JPEG, PNG or WebP image (at most
    /// 5 MiB, stored without its metadata). Its type is read from its bytes,
    /// never from its name; the part's file name becomes `display_name`.
    pub file: FileBytes,
    /// Required for an image: what it shows. For a PDF, an optional short description.
    #[schema(required = false, example = "Plan du futur préau de l'école")]
    pub alt_text: String,
    /// Required when the publication is published (the public revision's
    /// summary, 3 to 2000 characters); ignored for a draft.
    #[schema(required = false, example = "Ajout de la délibération signée.")]
    pub summary_of_change: String,
}

/// The bytes of a file: a PDF or a JPEG, PNG or WebP image.
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // Only an OpenAPI schema.
pub struct FileBytes(pub Vec<u8>);

impl TryFrom<pb::Publication> for Publication {
    type Error = GatewayError;

    fn try_from(p: pb::Publication) -> Result<Self, GatewayError> {
        let commune = p
            .name
            .strip_prefix("communes/")
            .and_then(|rest| rest.split_once("/publications/"))
            .map(|(commune, _)| commune.to_owned())
            .ok_or_else(|| GatewayError::UpstreamData(format!("publication name `{}`", p.name)))?;
        let required = |us: i64, what: &str| {
            rfc3339(us)?.ok_or_else(|| GatewayError::UpstreamData(format!("publication without its {what} time")))
        };
        let archived = !p.archived_reason.is_empty() || p.archived_at_us != 0;
        let attachments = p
            .attachments
            .into_iter()
            .map(|a| Attachment::from_proto(&commune, &p.publication_id, a))
            .collect::<Result<_, _>>()?;
        Ok(Publication {
            attachments,
            created_at: required(p.created_at_us, "creation")?,
            updated_at: required(p.updated_at_us.max(p.created_at_us), "update")?,
            published_at: rfc3339(p.published_at_us)?,
            archived_at: rfc3339(p.archived_at_us)?,
            archived_reason: archived.then_some(p.archived_reason),
            space: Space::try_from(p.space)?,
            status: PublicationStatus::try_from(p.status)?,
            details: PublicationDetails::try_from(p.details.unwrap_or_default())?,
            name: p.name,
            publication_id: p.publication_id,
            commune,
            kind: p.kind,
            title: p.title,
            body: p.body,
            author: p.author,
            revision: p.revision,
        })
    }
}

/// One page of a commune's publications, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicationList {
    pub publications: Vec<Publication>,
    /// Pass as `page_token` to get the next page; null on the last page.
    #[schema(required = true)]
    pub next_page_token: Option<String>,
}

impl TryFrom<pb::ListPublicationsResponse> for PublicationList {
    type Error = GatewayError;

    fn try_from(page: pb::ListPublicationsResponse) -> Result<Self, GatewayError> {
        Ok(PublicationList {
            publications: page.publications.into_iter().map(Publication::try_from).collect::<Result<_, _>>()?,
            next_page_token: Some(page.next_page_token).filter(|token| !token.is_empty()),
        })
    }
}

/// What happened to a line of the body in an amendment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiffOp {
    Kept,
    Added,
    Removed,
}

/// One line of a body's diff, previous → new.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DiffLine {
    pub op: DiffOp,
    #[schema(example = "Les travaux commencent en mars.")]
    pub text: String,
}

impl TryFrom<pb::DiffLine> for DiffLine {
    type Error = GatewayError;

    fn try_from(line: pb::DiffLine) -> Result<Self, GatewayError> {
        let op = match pb::DiffOp::try_from(line.op) {
            Ok(pb::DiffOp::Kept) => DiffOp::Kept,
            Ok(pb::DiffOp::Added) => DiffOp::Added,
            Ok(pb::DiffOp::Removed) => DiffOp::Removed,
            Ok(pb::DiffOp::Unspecified) | Err(_) => {
                return Err(GatewayError::UpstreamData(format!("unknown diff op {}", line.op)));
            }
        };
        Ok(DiffLine { op, text: line.text })
    }
}

/// One public amendment of a publication.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Revision {
    /// 1 for the first amendment.
    #[schema(example = 1)]
    pub revision: u32,
    pub summary_of_change: String,
    pub previous_title: String,
    pub title: String,
    pub previous_body: String,
    pub body: String,
    /// The body's line diff, previous → new.
    pub body_diff: Vec<DiffLine>,
    pub previous_details: PublicationDetails,
    pub details: PublicationDetails,
    /// RFC 3339, UTC.
    pub amended_at: String,
    /// Account id (or integration client id) of who amended it.
    pub amended_by: String,
}

impl TryFrom<pb::Revision> for Revision {
    type Error = GatewayError;

    fn try_from(r: pb::Revision) -> Result<Self, GatewayError> {
        Ok(Revision {
            amended_at: rfc3339(r.amended_at_us)?
                .ok_or_else(|| GatewayError::UpstreamData("revision without a time".into()))?,
            body_diff: r.body_diff.into_iter().map(DiffLine::try_from).collect::<Result<_, _>>()?,
            previous_details: PublicationDetails::try_from(r.previous_details.unwrap_or_default())?,
            details: PublicationDetails::try_from(r.details.unwrap_or_default())?,
            revision: r.revision,
            summary_of_change: r.summary_of_change,
            previous_title: r.previous_title,
            title: r.title,
            previous_body: r.previous_body,
            body: r.body,
            amended_by: r.amended_by,
        })
    }
}

/// A publication's public revisions, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionList {
    pub revisions: Vec<Revision>,
}

/// An RFC 3339 date-time as Unix microseconds, for the request field `field`.
pub(crate) fn parse_rfc3339(field: &str, raw: &str) -> Result<i64, GatewayError> {
    let bad =
        || GatewayError::invalid_field(field, "must be an RFC 3339 date-time after 1970, e.g. 2026-04-01T08:00:00Z");
    let at = OffsetDateTime::parse(raw.trim(), &Rfc3339).map_err(|_| bad())?;
    let us = i64::try_from(at.unix_timestamp_nanos() / 1000).map_err(|_| bad())?;
    if us <= 0 {
        return Err(bad());
    }
    Ok(us)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_round_trip_with_the_proto_field_names() {
        let json = serde_json::json!({
            "project": {
                "status": "in_progress",
                "budget_planned_cents": 100,
                "progress_percent": 40,
                "location": {"latitude": 48.85, "longitude": 2.35},
                "milestones": [{"title": "Début", "date": "2026-03-02", "done": true}],
            }
        });
        let details: PublicationDetails = serde_json::from_value(json).expect("valid details");
        let proto = pb::PublicationDetails::from(details.clone());
        assert_eq!(proto.project.as_ref().map(|p| p.status), Some(pb::ProjectStatus::InProgress as i32));
        assert_eq!(PublicationDetails::try_from(proto).expect("back"), details);
        let out = serde_json::to_value(&details).expect("JSON");
        assert!(out.get("budget").is_none() && out["project"]["location"]["address"] == "", "{out}");
        assert!(
            PublicationDetails::try_from(pb::PublicationDetails {
                project: Some(pb::ProjectDetails { status: 9, ..Default::default() }),
                ..Default::default()
            })
            .is_err()
        );
    }

    #[test]
    fn a_publication_names_its_commune_and_nulls_what_has_not_happened() {
        let draft = pb::Publication {
            name: "communes/75056/publications/0190c0de-0000-7000-8000-0000000000b1".into(),
            publication_id: "0190c0de-0000-7000-8000-0000000000b1".into(),
            space: pb::Space::Official as i32,
            kind: "news".into(),
            status: pb::PublicationStatus::Draft as i32,
            created_at_us: 1_700_000_000_000_000,
            ..Default::default()
        };
        let json = serde_json::to_value(Publication::try_from(draft.clone()).expect("converts")).expect("JSON");
        assert_eq!(json["commune"], "75056");
        assert_eq!(json["status"], "draft");
        assert_eq!(json["space"], "official");
        assert_eq!(json["details"], serde_json::json!({}));
        assert!(json["published_at"].is_null() && json["archived_reason"].is_null() && json["archived_at"].is_null());
        assert_eq!(json["updated_at"], json["created_at"]);
        assert!(Publication::try_from(pb::Publication { name: "publications/x".into(), ..draft.clone() }).is_err());
        assert!(Publication::try_from(pb::Publication { status: 0, ..draft }).is_err());
    }

    #[test]
    fn times_are_rfc3339_with_an_offset() {
        assert_eq!(parse_rfc3339("publish_at", "2023-11-14T23:13:20+01:00").ok(), Some(1_700_000_000_000_000));
        for bad in ["tomorrow", "2023-11-14", "1960-01-01T00:00:00Z", ""] {
            assert!(parse_rfc3339("publish_at", bad).is_err(), "{bad}");
        }
    }
}
