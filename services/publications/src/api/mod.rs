//! The gRPC API of the publications service: validates requests, checks who
//! may write in which space, runs commands against the log and answers from
//! the read model.
//!
//! Who writes where: the official space is written by the commune's agents,
//! elected officials and administrators (and its integration clients with the
//! `publications:write` scope); the citizen space by the collective's members
//! and moderators. Everyone reads what is published.

mod attachments;
pub mod parse;

use std::sync::Arc;

use miroir_auth::grpc::principal;
use miroir_auth::{Principal, Role};
use miroir_communes::Refusal;
use miroir_eventstore::decider::{Target, execute};
use miroir_eventstore::{EventStore, Metadata};
use miroir_proto::publications::v1 as pb;
use miroir_proto::publications::v1::publications_server::Publications as PublicationsRpc;
use tonic::{Request, Response, Status};

use crate::domain::publication::Content;
use crate::domain::{Command, InseeCode, PublicationDecider, Space};
use crate::error::ApiError;
use crate::read_model::{self, Cursor, Filter, PublicationsView, Viewer};

/// Who writes in the official space.
const OFFICIAL_WRITERS: &[Role] = &[Role::Agent, Role::ElectedOfficial, Role::CommuneAdmin];
/// Who writes in the citizen space.
const CITIZEN_WRITERS: &[Role] = &[Role::CollectiveMember, Role::CollectiveModerator];
/// The integration-client scope that allows writing in the official space.
pub const WRITE_SCOPE: &str = "publications:write";
const DEFAULT_PAGE_SIZE: i32 = 20;
const MAX_PAGE_SIZE: i32 = 100;

/// The time in microseconds since the epoch; the API's only clock.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

fn system_clock() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(now.as_micros()).unwrap_or(i64::MAX)
}

pub struct PublicationsApi {
    store: EventStore,
    clock: Clock,
    /// Where attachments' bytes are; `None`: attachments are refused (UNIMPLEMENTED).
    objects: Option<miroir_objects::ObjectStore>,
    require_registered: bool,
}

impl PublicationsApi {
    /// The API without the commune check (for tests of other behaviour); the
    /// binary adds it with [`Self::requiring_registered_communes`].
    pub fn new(store: EventStore) -> Self {
        Self { store, clock: Arc::new(system_clock), objects: None, require_registered: false }
    }

    /// Keeps attachments in `objects` (a folder, or an S3-compatible bucket;
    /// under `communes/{insee}/publications/`, beside report photos).
    pub fn with_attachments(mut self, objects: miroir_objects::ObjectStore) -> Self {
        self.objects = Some(objects);
        self
    }

    /// Takes commands only for communes registered in identity and not
    /// suspended ([`miroir_communes::follow`] must be following identity's log
    /// as [`crate::COMMUNES_CONSUMER`]). Reads stay open.
    pub fn requiring_registered_communes(mut self) -> Self {
        self.require_registered = true;
        self
    }

    /// Refuses a command for a commune that is not on the platform (on the
    /// request's `field`) or is suspended, as the reports service does.
    async fn check_commune(&self, commune: &InseeCode, field: &str) -> Result<(), ApiError> {
        if !self.require_registered {
            return Ok(());
        }
        match miroir_communes::admit(self.store.database(), commune.as_str()).await? {
            Ok(()) => Ok(()),
            Err(Refusal::Unknown) => Err(ApiError::invalid(field, Refusal::UNKNOWN_REASON)),
            Err(Refusal::Suspended) => Err(ApiError::Suspended),
        }
    }

    /// Reads the time from `clock` (tests move it to pass a scheduled time).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    fn now(&self) -> i64 {
        (self.clock)()
    }

    fn viewer(&self, principal: &Principal, commune: &InseeCode) -> Viewer {
        Viewer {
            now_us: self.now(),
            writes_official: writes(principal, commune, Space::Official),
            writes_citizen: writes(principal, commune, Space::Citizen),
        }
    }

    async fn read(&self, principal: &Principal, commune: &InseeCode, id: &str) -> Result<pb::Publication, ApiError> {
        read_model::get(self.store.database(), commune.as_str(), id, &self.viewer(principal, commune))
            .await?
            .ok_or(ApiError::NotFound)
    }

    /// The publications that details point to must be public ones of this
    /// commune: the project a follow-up note follows, the items a council
    /// decision relates to (the decider checks the ids' shape; only the read
    /// model knows what exists).
    async fn check_references(
        &self,
        commune: &InseeCode,
        details: Option<&pb::PublicationDetails>,
    ) -> Result<(), ApiError> {
        let public = Viewer { now_us: self.now(), writes_official: false, writes_citizen: false };
        let db = self.store.database();
        if let Some(follow_up) = details.and_then(|d| d.follow_up.as_ref()) {
            let id = &follow_up.project_publication_id;
            if uuid::Uuid::parse_str(id).is_ok() {
                match read_model::get(db, commune.as_str(), id, &public).await? {
                    Some(project) if project.kind == crate::domain::Kind::Project.as_str() => {}
                    _ => {
                        return Err(ApiError::invalid(
                            "details.follow_up.project_publication_id",
                            "must be a project published by this commune",
                        ));
                    }
                }
            }
        }
        if let Some(decision) = details.and_then(|d| d.decision.as_ref()) {
            for (i, id) in decision.related_publication_ids.iter().enumerate() {
                if uuid::Uuid::parse_str(id).is_ok()
                    && read_model::get(db, commune.as_str(), id, &public).await?.is_none()
                {
                    return Err(ApiError::invalid(
                        format!("details.decision.related_publication_ids[{i}]"),
                        "must be a publication of this commune",
                    ));
                }
            }
        }
        Ok(())
    }

    /// Checks that `principal` writes in the space of an existing publication.
    async fn require_writer_of(&self, principal: &Principal, commune: &InseeCode, id: &str) -> Result<(), ApiError> {
        let space = read_model::query::space_of(self.store.database(), commune.as_str(), id)
            .await?
            .ok_or(ApiError::NotFound)?;
        require_writer(principal, commune, space)
    }

    /// Runs a command on one publication and answers with it as `principal` sees it.
    async fn run(
        &self,
        principal: &Principal,
        commune: &InseeCode,
        publication_id: &str,
        request_id: Option<String>,
        command: impl Fn() -> Command,
    ) -> Result<pb::PublicationResponse, ApiError> {
        let target = Target {
            commune: commune.to_string(),
            aggregate_type: "publication",
            aggregate_id: publication_id.to_owned(),
            request_id: request_id.clone(),
        };
        let metadata = Metadata::for_command(principal.actor().unwrap_or_default(), request_id.as_deref());
        let executed =
            execute::<PublicationDecider, _>(&self.store, &target, metadata, &PublicationsView, command).await?;
        let publication = self.read(principal, commune, &executed.receipt.aggregate_id).await?;
        Ok(pb::PublicationResponse { publication: Some(publication), log_position: executed.receipt.last_position })
    }
}

fn writes(principal: &Principal, commune: &InseeCode, space: Space) -> bool {
    match space {
        Space::Official => {
            principal.has_any(commune.as_str(), OFFICIAL_WRITERS) || principal.has_scope(commune.as_str(), WRITE_SCOPE)
        }
        Space::Citizen => principal.has_any(commune.as_str(), CITIZEN_WRITERS),
    }
}

fn require_writer(principal: &Principal, commune: &InseeCode, space: Space) -> Result<(), ApiError> {
    if writes(principal, commune, space) {
        return Ok(());
    }
    if matches!(principal, Principal::Anonymous) {
        return Err(ApiError::Unauthenticated);
    }
    Err(ApiError::Forbidden(match space {
        Space::Official => {
            "only the commune's agents, elected officials and administrators write in the official space"
        }
        Space::Citizen => "only the collective's members and moderators write in the citizen space",
    }))
}

fn content(title: String, body: String, details: Option<pb::PublicationDetails>) -> Content {
    Content { title, body, details }
}

#[tonic::async_trait]
impl PublicationsRpc for PublicationsApi {
    async fn create_draft(
        &self,
        request: Request<pb::CreateDraftRequest>,
    ) -> Result<Response<pb::PublicationResponse>, Status> {
        let principal = principal(&request);
        let r = request.into_inner();
        let commune = parse::parent("parent", &r.parent)?;
        let space = parse::space(r.space)?;
        let kind = parse::kind(&r.kind)?;
        let request_id = parse::request_id(&r.request_id)?;
        require_writer(&principal, &commune, space)?;
        self.check_commune(&commune, "parent").await?;
        self.check_references(&commune, r.details.as_ref()).await?;
        let id = uuid::Uuid::now_v7().to_string();
        let (author, at_us) = (principal.actor().unwrap_or_default(), self.now());
        let content = content(r.title, r.body, r.details);
        let command = || Command::CreateDraft {
            commune: commune.to_string(),
            publication_id: id.clone(),
            space,
            kind,
            content: content.clone(),
            author: author.clone(),
            at_us,
        };
        Ok(Response::new(self.run(&principal, &commune, &id, request_id, command).await?))
    }

    async fn update_draft(
        &self,
        request: Request<pb::UpdateDraftRequest>,
    ) -> Result<Response<pb::PublicationResponse>, Status> {
        let principal = principal(&request);
        let r = request.into_inner();
        let (commune, id) = parse::publication_name("name", &r.name)?;
        let request_id = parse::request_id(&r.request_id)?;
        self.require_writer_of(&principal, &commune, &id).await?;
        self.check_commune(&commune, "name").await?;
        self.check_references(&commune, r.details.as_ref()).await?;
        let (content, at_us) = (content(r.title, r.body, r.details), self.now());
        let command = || Command::UpdateDraft {
            commune: commune.to_string(),
            publication_id: id.clone(),
            content: content.clone(),
            at_us,
        };
        Ok(Response::new(self.run(&principal, &commune, &id, request_id, command).await?))
    }

    async fn publish(&self, request: Request<pb::PublishRequest>) -> Result<Response<pb::PublicationResponse>, Status> {
        let principal = principal(&request);
        let r = request.into_inner();
        let (commune, id) = parse::publication_name("name", &r.name)?;
        let request_id = parse::request_id(&r.request_id)?;
        let publish_at_us = match r.publish_at_us {
            0 => None,
            at if at > 0 => Some(at),
            _ => return Err(ApiError::invalid("publish_at_us", "must be 0 (now) or a time").into()),
        };
        self.require_writer_of(&principal, &commune, &id).await?;
        self.check_commune(&commune, "name").await?;
        let now_us = self.now();
        let command =
            || Command::Publish { commune: commune.to_string(), publication_id: id.clone(), publish_at_us, now_us };
        Ok(Response::new(self.run(&principal, &commune, &id, request_id, command).await?))
    }

    async fn amend(&self, request: Request<pb::AmendRequest>) -> Result<Response<pb::PublicationResponse>, Status> {
        let principal = principal(&request);
        let r = request.into_inner();
        let (commune, id) = parse::publication_name("name", &r.name)?;
        let request_id = parse::request_id(&r.request_id)?;
        self.require_writer_of(&principal, &commune, &id).await?;
        self.check_commune(&commune, "name").await?;
        self.check_references(&commune, r.details.as_ref()).await?;
        let (content, at_us) = (content(r.title, r.body, r.details), self.now());
        let command = || Command::Amend {
            commune: commune.to_string(),
            publication_id: id.clone(),
            content: content.clone(),
            summary: r.summary_of_change.clone(),
            remove_attachments: r.remove_attachment_ids.clone(),
            at_us,
        };
        Ok(Response::new(self.run(&principal, &commune, &id, request_id, command).await?))
    }

    async fn archive(&self, request: Request<pb::ArchiveRequest>) -> Result<Response<pb::PublicationResponse>, Status> {
        let principal = principal(&request);
        let r = request.into_inner();
        let (commune, id) = parse::publication_name("name", &r.name)?;
        let request_id = parse::request_id(&r.request_id)?;
        self.require_writer_of(&principal, &commune, &id).await?;
        self.check_commune(&commune, "name").await?;
        let at_us = self.now();
        let command = || Command::Archive {
            commune: commune.to_string(),
            publication_id: id.clone(),
            reason: r.reason.clone(),
            at_us,
        };
        Ok(Response::new(self.run(&principal, &commune, &id, request_id, command).await?))
    }

    async fn get_publication(
        &self,
        request: Request<pb::GetPublicationRequest>,
    ) -> Result<Response<pb::Publication>, Status> {
        let principal = principal(&request);
        let (commune, id) = parse::publication_name("name", &request.get_ref().name)?;
        Ok(Response::new(self.read(&principal, &commune, &id).await?))
    }

    async fn list_publications(
        &self,
        request: Request<pb::ListPublicationsRequest>,
    ) -> Result<Response<pb::ListPublicationsResponse>, Status> {
        let principal = principal(&request);
        let r = request.into_inner();
        let commune = parse::parent("parent", &r.parent)?;
        let page_size = match r.page_size {
            0 => DEFAULT_PAGE_SIZE,
            n if (1..=MAX_PAGE_SIZE).contains(&n) => n,
            _ => return Err(ApiError::invalid("page_size", "must be between 1 and 100").into()),
        };
        let filter = Filter {
            space: if r.space == 0 { None } else { Some(parse::space(r.space)?) },
            kind: if r.kind.is_empty() { None } else { Some(parse::kind(&r.kind)?) },
            status: parse::status(r.status)?,
            query: parse::query(&r.query)?,
        };
        let cursor = match r.page_token.as_str() {
            "" => None,
            token => {
                let cursor = Cursor::decode(token)
                    .ok_or_else(|| ApiError::invalid("page_token", "is not a token this API gave"))?;
                if cursor.filter != filter.fingerprint() {
                    return Err(ApiError::invalid("page_token", "was given for other filters").into());
                }
                Some(cursor)
            }
        };
        let viewer = self.viewer(&principal, &commune);
        let (publications, next) = read_model::list(
            self.store.database(),
            commune.as_str(),
            &filter,
            &viewer,
            page_size.unsigned_abs(),
            cursor.as_ref(),
        )
        .await
        .map_err(ApiError::from)?;
        Ok(Response::new(pb::ListPublicationsResponse {
            publications,
            next_page_token: next.map(|c| c.encode()).unwrap_or_default(),
        }))
    }

    async fn list_revisions(
        &self,
        request: Request<pb::ListRevisionsRequest>,
    ) -> Result<Response<pb::ListRevisionsResponse>, Status> {
        let principal = principal(&request);
        let (commune, id) = parse::publication_name("name", &request.get_ref().name)?;
        // Revisions are as public as the publication itself.
        self.read(&principal, &commune, &id).await?;
        let revisions = read_model::revisions(self.store.database(), &id).await.map_err(ApiError::from)?;
        Ok(Response::new(pb::ListRevisionsResponse { revisions }))
    }

    async fn add_attachment(
        &self,
        request: Request<pb::AddAttachmentRequest>,
    ) -> Result<Response<pb::AttachmentResponse>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.attach(&principal, request.into_inner()).await?))
    }

    async fn remove_attachment(
        &self,
        request: Request<pb::RemoveAttachmentRequest>,
    ) -> Result<Response<pb::PublicationResponse>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.detach(&principal, request.into_inner()).await?))
    }

    async fn get_attachment(
        &self,
        request: Request<pb::GetAttachmentRequest>,
    ) -> Result<Response<pb::AttachmentContent>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.attachment_content(&principal, request.get_ref()).await?))
    }
}
