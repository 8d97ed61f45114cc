//! Publications' attachments over a real gRPC server, on PostgreSQL and
//! SQLite, with the files in a real folder (and once in an S3-compatible
//! server): PDFs kept as sent, images stripped of their Exif and GPS position,
//! types read from the bytes, size and count limits, who may attach, drafts'
//! files hidden from the public, and published items whose files change only
//! by public revisions that keep the old ones readable.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use miroir_auth::role::Grant;
use miroir_auth::{Claims, Keys, Role};
use miroir_objects::ObjectStore;
use miroir_objects::testing::Moto;
use miroir_platform::health::Readiness;
use miroir_platform::storage::Backend;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::publications::v1 as pb;
use miroir_proto::publications::v1::publications_client::PublicationsClient;
use miroir_proto::publications::v1::publications_server::PublicationsServer;
use miroir_publications::api::PublicationsApi;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use tonic::{Code, Request};
use tonic_types::StatusExt;

const PARIS: &str = "75056";
const LYON: &str = "69123";
const AGENT: &str = "0190c0de-0000-7000-8000-00000000a9e7";
const LYON_AGENT: &str = "0190c0de-0000-7000-8000-00000000a9e8";
const MEMBER: &str = "0190c0de-0000-7000-8000-0000000c011e";
const RESIDENT: &str = "0190c0de-0000-7000-8000-000000000001";
/// What the server and the test client accept in one message (as `miroir` does).
const MAX_MESSAGE_BYTES: usize = 32 * 1024 * 1024;

/// A one-page PDF whose Info dictionary names its producer (kept: PDFs are not rewritten).
const PDF: &[u8] = include_bytes!("fixtures/deliberation.pdf");
/// A phone-like JPEG whose Exif block names the phone and holds a GPS position (made with Pillow).
const JPEG_WITH_GPS: &[u8] = include_bytes!("../../reports/tests/fixtures/pothole-with-gps.jpg");

struct Running {
    client: PublicationsClient<Channel>,
    keys: Keys,
    token: CancellationToken,
    db: TestDatabase,
    /// The folder the object store writes in (absent with another store).
    folder: Option<tempfile::TempDir>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.token.cancel();
    }
}

/// The API with its attachments in a fresh folder.
async fn start(backend: Backend) -> Running {
    let folder = tempfile::tempdir().expect("tempdir");
    let objects = ObjectStore::local(&folder.path().join("objects")).expect("folder store");
    let mut running = start_with(backend, Some(objects)).await;
    running.folder = Some(folder);
    running
}

async fn start_with(backend: Backend, objects: Option<ObjectStore>) -> Running {
    let db = TestDatabase::new(backend).await;
    miroir_publications::migrate_database(&db.db).await.expect("migrate");
    let store = miroir_publications::open(db.db.clone()).await.expect("open");
    let keys = Keys::generate().expect("keys");
    let clock = Arc::new(AtomicI64::new(1_800_000_000_000_000));
    let mut api = PublicationsApi::new(store).with_clock(Arc::new(move || clock.fetch_add(1, Ordering::SeqCst)));
    if let Some(objects) = objects {
        api = api.with_attachments(objects);
    }
    let service = tonic::service::interceptor::InterceptedService::new(
        PublicationsServer::new(api).max_decoding_message_size(MAX_MESSAGE_BYTES),
        miroir_auth::grpc::authenticate(keys.verifier()),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let readiness = Readiness::new();
    readiness.register("test").set_ready(true);
    let token = CancellationToken::new();
    tokio::spawn(miroir_platform::grpc::serve(
        listener,
        tonic::service::Routes::new(service),
        miroir_proto::FILE_DESCRIPTOR_SET,
        readiness,
        token.clone(),
    ));
    let client = PublicationsClient::connect(format!("http://{address}"))
        .await
        .expect("connect")
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES);
    Running { client, keys, token, db, folder: None }
}

impl Running {
    fn as_user<T>(&self, sub: &str, commune: &str, role: Role, message: T) -> Request<T> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs() as i64;
        let claims = Claims {
            sub: sub.into(),
            iat: now,
            exp: now + 600,
            grants: vec![Grant { commune: commune.into(), role }],
            client: None,
        };
        let mut request = Request::new(message);
        let value = format!("Bearer {}", self.keys.sign(&claims)).parse().expect("ascii header");
        request.metadata_mut().insert("authorization", value);
        request
    }

    fn agent<T>(&self, message: T) -> Request<T> {
        self.as_user(AGENT, PARIS, Role::Agent, message)
    }

    /// A council decision's draft, by a Paris agent.
    async fn decision(&mut self) -> pb::Publication {
        let request = self.agent(pb::CreateDraftRequest {
            parent: format!("communes/{PARIS}"),
            space: pb::Space::Official as i32,
            kind: "decision".into(),
            title: "Réfection de la place du marché".into(),
            body: "Le conseil approuve les travaux.".into(),
            details: Some(pb::PublicationDetails {
                decision: Some(pb::DecisionDetails {
                    session_date: "2026-03-03".into(),
                    number: "2026-041".into(),
                    votes_for: 21,
                    votes_against: 2,
                    abstentions: 1,
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        });
        self.client.create_draft(request).await.expect("draft").into_inner().publication.expect("publication")
    }

    async fn attach(
        &mut self,
        request: Request<pb::AddAttachmentRequest>,
    ) -> Result<pb::AttachmentResponse, tonic::Status> {
        self.client.add_attachment(request).await.map(|r| r.into_inner())
    }

    /// Attaches as the Paris agent; panics on refusal.
    async fn attach_ok(&mut self, message: pb::AddAttachmentRequest) -> pb::Attachment {
        let request = self.agent(message);
        let response = self.attach(request).await.expect("attach");
        response.attachment.expect("the attachment added")
    }

    async fn get(
        &mut self,
        request: Request<pb::GetAttachmentRequest>,
    ) -> Result<pb::AttachmentContent, tonic::Status> {
        self.client.get_attachment(request).await.map(|r| r.into_inner())
    }

    async fn publish(&mut self, name: &str) {
        let request = self.agent(pb::PublishRequest { name: name.into(), ..Default::default() });
        self.client.publish(request).await.expect("publish");
    }

    async fn agent_view(&mut self, name: &str) -> pb::Publication {
        let request = self.agent(pb::GetPublicationRequest { name: name.into() });
        self.client.get_publication(request).await.expect("get").into_inner()
    }

    /// Every file in the object store's folder.
    fn stored_files(&self) -> Vec<PathBuf> {
        let folder = self.folder.as_ref().expect("a folder store");
        walk(folder.path())
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files.sort();
    files
}

fn pdf(name: &str, display_name: &str) -> pb::AddAttachmentRequest {
    pb::AddAttachmentRequest {
        name: name.into(),
        display_name: display_name.into(),
        content: PDF.to_vec(),
        ..Default::default()
    }
}

fn photo(name: &str, alt_text: &str) -> pb::AddAttachmentRequest {
    pb::AddAttachmentRequest {
        name: name.into(),
        display_name: "IMG_2041.jpg".into(),
        alt_text: alt_text.into(),
        content: JPEG_WITH_GPS.to_vec(),
        ..Default::default()
    }
}

fn get(name: &str, attachment_id: &str) -> pb::GetAttachmentRequest {
    pb::GetAttachmentRequest { name: name.into(), attachment_id: attachment_id.into() }
}

fn field(status: &tonic::Status) -> Option<String> {
    status.get_details_bad_request().and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn a_pdf_and_a_photo_are_attached_and_the_photo_loses_its_exif(backend: Backend) {
    let mut running = start(backend).await;
    let draft = running.decision().await;
    assert!(contains(JPEG_WITH_GPS, b"PhoneMaker") && contains(JPEG_WITH_GPS, b"Exif\0\0"), "the fixture");

    let document = running.attach_ok(pdf(&draft.name, "C:\\Mairie\\Délibération 2026-041.pdf")).await;
    assert_eq!(document.media_type, "application/pdf");
    assert_eq!(document.display_name, "Délibération 2026-041.pdf", "the name without its folders");
    assert_eq!(document.size_bytes, PDF.len() as u64);
    assert_eq!(document.sha256, sha256_hex(PDF));
    assert!(uuid::Uuid::parse_str(&document.attachment_id).is_ok());

    let picture = running.attach_ok(photo(&draft.name, "La place du marché avant les travaux")).await;
    assert_eq!((picture.media_type.as_str(), picture.display_name.as_str()), ("image/jpeg", "IMG_2041.jpg"));
    assert_eq!(picture.alt_text, "La place du marché avant les travaux");
    assert!(picture.size_bytes < JPEG_WITH_GPS.len() as u64, "stored smaller: without its metadata");

    let listed = running.agent_view(&draft.name).await.attachments;
    assert_eq!(listed, vec![document.clone(), picture.clone()], "in the order they were added");

    // Read back: the PDF as sent (its own metadata kept), the photo without Exif, GPS or phone.
    let request = running.agent(get(&draft.name, &document.attachment_id));
    let served = running.get(request).await.expect("the PDF");
    assert_eq!(served.content, PDF);
    assert_eq!(
        (served.media_type.as_str(), served.display_name.as_str()),
        ("application/pdf", "Délibération 2026-041.pdf")
    );
    assert_eq!(served.attachment.as_ref(), Some(&document));
    assert!(contains(&served.content, b"/Producer (Miroir test fixture)"), "PDF metadata is kept");
    let request = running.agent(get(&draft.name, &picture.attachment_id));
    let served = running.get(request).await.expect("the photo");
    assert_eq!(served.media_type, "image/jpeg");
    assert!(served.content.starts_with(&[0xFF, 0xD8]) && served.content.ends_with(&[0xFF, 0xD9]));
    assert!(!contains(&served.content, b"Exif\0\0"), "the Exif block (and its GPS position) is gone");
    assert!(!contains(&served.content, b"PhoneMaker"), "the phone's name is gone");
    assert_eq!(
        (served.content.len() as u64, sha256_hex(&served.content)),
        (picture.size_bytes, picture.sha256.clone())
    );

    // The objects are under the publication's own prefix, named by ids only.
    let prefix = format!("communes/{PARIS}/publications/{}/", draft.publication_id);
    let names: Vec<String> = running
        .stored_files()
        .iter()
        .map(|p| p.to_string_lossy().split("/objects/").nth(1).unwrap_or_default().to_owned())
        .collect();
    let mut expected =
        vec![format!("{prefix}{}.pdf", document.attachment_id), format!("{prefix}{}.jpg", picture.attachment_id)];
    expected.sort();
    assert_eq!(names, expected);
}

async fn drafts_files_are_hidden_and_published_ones_public(backend: Backend) {
    let mut running = start(backend).await;
    let draft = running.decision().await;
    let document = running.attach_ok(pdf(&draft.name, "deliberation.pdf")).await;
    let anonymous = running.get(Request::new(get(&draft.name, &document.attachment_id))).await;
    assert_eq!(anonymous.expect_err("a draft's file").code(), Code::NotFound);
    let request = running.as_user(RESIDENT, PARIS, Role::Resident, get(&draft.name, &document.attachment_id));
    assert_eq!(running.get(request).await.expect_err("a draft's file").code(), Code::NotFound);
    let request = running.as_user(MEMBER, PARIS, Role::CollectiveMember, get(&draft.name, &document.attachment_id));
    assert_eq!(running.get(request).await.expect_err("not a writer of the official space").code(), Code::NotFound);

    running.publish(&draft.name).await;
    let public = running.get(Request::new(get(&draft.name, &document.attachment_id))).await.expect("published");
    assert_eq!(public.content, PDF);
    let listed = running.client.get_publication(pb::GetPublicationRequest { name: draft.name.clone() }).await;
    assert_eq!(listed.expect("public").into_inner().attachments, vec![document.clone()]);

    // Another commune's name, an unknown id and a malformed id.
    let lyon = draft.name.replace(PARIS, LYON);
    let request = Request::new(get(&lyon, &document.attachment_id));
    assert_eq!(running.get(request).await.expect_err("not Lyon's").code(), Code::NotFound);
    let request = Request::new(get(&draft.name, "0190c0de-0000-7000-8000-000000000000"));
    let missing = running.get(request).await.expect_err("no such attachment");
    assert_eq!((missing.code(), missing.message()), (Code::NotFound, "attachment not found"));
    let request = Request::new(get(&draft.name, "../../etc/passwd"));
    assert_eq!(field(&running.get(request).await.expect_err("bad id")).as_deref(), Some("attachment_id"));
}

async fn files_are_checked_by_their_bytes_and_refusals_store_nothing(backend: Backend) {
    let mut running = start(backend).await;
    let draft = running.decision().await;
    let refused = |status: tonic::Status| (status.code(), field(&status), status.message().to_owned());

    // An HTML page named like a PDF.
    let mut fake = pdf(&draft.name, "deliberation.pdf");
    fake.content = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".to_vec();
    let request = running.agent(fake);
    let (code, field_name, message) = refused(running.attach(request).await.expect_err("HTML is not a PDF"));
    assert_eq!((code, field_name.as_deref()), (Code::InvalidArgument, Some("content")));
    assert!(message.contains("PDF") && message.contains("JPEG"), "{message}");

    // A PDF cut short in transfer, an empty file, a GIF.
    for content in [PDF[..PDF.len() - 10].to_vec(), Vec::new(), b"GIF89a\x01\x00\x01\x00".to_vec()] {
        let request = running.agent(pb::AddAttachmentRequest { content, ..pdf(&draft.name, "x.pdf") });
        let (code, field_name, _) = refused(running.attach(request).await.expect_err("refused"));
        assert_eq!((code, field_name.as_deref()), (Code::InvalidArgument, Some("content")));
    }

    // Over the limits: 20 MiB for a PDF, 5 MiB for an image (whatever is at the end).
    let mut big_pdf = PDF.to_vec();
    big_pdf.splice(9..9, vec![b'%'; 20 * 1024 * 1024 + 1 - PDF.len()]);
    let request = running.agent(pb::AddAttachmentRequest { content: big_pdf, ..pdf(&draft.name, "gros.pdf") });
    let (code, field_name, message) = refused(running.attach(request).await.expect_err("too large"));
    assert_eq!((code, field_name.as_deref()), (Code::InvalidArgument, Some("content")));
    assert!(message.contains("20 MB"), "{message}");
    let mut big_jpeg = JPEG_WITH_GPS.to_vec();
    big_jpeg.resize(5 * 1024 * 1024 + 1, 0);
    let request = running.agent(pb::AddAttachmentRequest { content: big_jpeg, ..photo(&draft.name, "Grande photo") });
    let (code, field_name, message) = refused(running.attach(request).await.expect_err("too large"));
    assert_eq!((code, field_name.as_deref()), (Code::InvalidArgument, Some("content")));
    assert!(message.contains("5 MB"), "{message}");

    // An image needs a text alternative; a summary is not asked of a draft.
    let request = running.agent(photo(&draft.name, "  "));
    let (code, field_name, _) = refused(running.attach(request).await.expect_err("no alt text"));
    assert_eq!((code, field_name.as_deref()), (Code::InvalidArgument, Some("alt_text")));

    assert!(running.agent_view(&draft.name).await.attachments.is_empty(), "nothing attached");
    assert_eq!(running.stored_files(), Vec::<PathBuf>::new(), "no refused file was stored");

    // At most ten attachments.
    for i in 0..10 {
        running.attach_ok(pdf(&draft.name, &format!("annexe {i}.pdf"))).await;
    }
    let request = running.agent(pdf(&draft.name, "annexe 11.pdf"));
    assert_eq!(running.attach(request).await.expect_err("an eleventh").code(), Code::FailedPrecondition);
    assert_eq!(running.stored_files().len(), 10);
}

async fn only_the_communes_writers_attach(backend: Backend) {
    let mut running = start(backend).await;
    let draft = running.decision().await;
    let resident = running.as_user(RESIDENT, PARIS, Role::Resident, pdf(&draft.name, "x.pdf"));
    assert_eq!(running.attach(resident).await.expect_err("a resident").code(), Code::PermissionDenied);
    let member = running.as_user(MEMBER, PARIS, Role::CollectiveMember, pdf(&draft.name, "x.pdf"));
    assert_eq!(running.attach(member).await.expect_err("the citizen space's").code(), Code::PermissionDenied);
    let lyon = running.as_user(LYON_AGENT, LYON, Role::Agent, pdf(&draft.name, "x.pdf"));
    assert_eq!(running.attach(lyon).await.expect_err("another commune's agent").code(), Code::PermissionDenied);
    let lyon_name = draft.name.replace(PARIS, LYON);
    let lyon = running.as_user(LYON_AGENT, LYON, Role::Agent, pdf(&lyon_name, "x.pdf"));
    assert_eq!(running.attach(lyon).await.expect_err("not in Lyon").code(), Code::NotFound);
    let anonymous = Request::new(pdf(&draft.name, "x.pdf"));
    assert_eq!(running.attach(anonymous).await.expect_err("anonymous").code(), Code::Unauthenticated);

    let document = running.attach_ok(pdf(&draft.name, "x.pdf")).await;
    let remove = pb::RemoveAttachmentRequest {
        name: draft.name.clone(),
        attachment_id: document.attachment_id.clone(),
        ..Default::default()
    };
    let lyon = running.as_user(LYON_AGENT, LYON, Role::Agent, remove.clone());
    let refused = running.client.remove_attachment(lyon).await.expect_err("another commune's agent");
    assert_eq!(refused.code(), Code::PermissionDenied);
    let resident = running.as_user(RESIDENT, PARIS, Role::Resident, remove);
    let refused = running.client.remove_attachment(resident).await.expect_err("a resident");
    assert_eq!(refused.code(), Code::PermissionDenied);
    assert_eq!(running.stored_files().len(), 1, "only the agent's file");
    assert_eq!(running.agent_view(&draft.name).await.attachments, vec![document]);
}

async fn a_drafts_file_removed_is_gone_with_its_bytes(backend: Backend) {
    let mut running = start(backend).await;
    let draft = running.decision().await;
    let document = running.attach_ok(pdf(&draft.name, "premier jet.pdf")).await;
    let kept = running.attach_ok(photo(&draft.name, "Plan de la place")).await;
    assert_eq!(running.stored_files().len(), 2);
    let remove = pb::RemoveAttachmentRequest {
        name: draft.name.clone(),
        attachment_id: document.attachment_id.clone(),
        request_id: "remove-1".into(),
    };
    let request = running.agent(remove.clone());
    let after = running.client.remove_attachment(request).await.expect("remove").into_inner();
    assert_eq!(after.publication.expect("publication").attachments, vec![kept.clone()]);
    assert_eq!(running.stored_files().len(), 1, "the removed file's bytes are deleted");
    let request = running.agent(get(&draft.name, &document.attachment_id));
    assert_eq!(running.get(request).await.expect_err("gone").code(), Code::NotFound);
    // A retry answers the same; removing it again without the key is refused.
    let request = running.agent(remove.clone());
    let retried = running.client.remove_attachment(request).await.expect("retried").into_inner();
    assert_eq!(retried.log_position, after.log_position);
    let request = running.agent(pb::RemoveAttachmentRequest { request_id: String::new(), ..remove });
    let again = running.client.remove_attachment(request).await.expect_err("not there any more");
    assert_eq!(field(&again).as_deref(), Some("attachment_id"));
    assert_eq!(running.stored_files().len(), 1);
}

async fn a_retried_addition_stores_one_file(backend: Backend) {
    let mut running = start(backend).await;
    let draft = running.decision().await;
    let once = pb::AddAttachmentRequest { request_id: "add-1".into(), ..pdf(&draft.name, "deliberation.pdf") };
    let request = running.agent(once.clone());
    let first = running.attach(request).await.expect("first");
    let request = running.agent(once);
    let second = running.attach(request).await.expect("retried");
    assert_eq!(second.attachment, first.attachment);
    assert_eq!(second.log_position, first.log_position);
    assert_eq!(running.agent_view(&draft.name).await.attachments.len(), 1);
    assert_eq!(running.stored_files().len(), 1, "the retry stored nothing");
}

async fn published_items_change_files_only_by_public_revisions(backend: Backend) {
    let mut running = start(backend).await;
    let draft = running.decision().await;
    let document = running.attach_ok(pdf(&draft.name, "délibération.pdf")).await;
    running.publish(&draft.name).await;

    // Adding to a published item is a public revision: it needs a summary.
    let request = running.agent(photo(&draft.name, "Esquisse de la future place"));
    let refused = running.attach(request).await.expect_err("no summary");
    assert_eq!(field(&refused).as_deref(), Some("summary_of_change"));
    let picture = running
        .attach_ok(pb::AddAttachmentRequest {
            summary_of_change: "Ajout de l'esquisse".into(),
            ..photo(&draft.name, "Esquisse de la future place")
        })
        .await;
    let published = running.agent_view(&draft.name).await;
    assert_eq!(published.revision, 1);
    assert_eq!(published.attachments, vec![document.clone(), picture.clone()]);

    // Removing is refused outside an amendment…
    let request = running.agent(pb::RemoveAttachmentRequest {
        name: draft.name.clone(),
        attachment_id: document.attachment_id.clone(),
        ..Default::default()
    });
    let refused = running.client.remove_attachment(request).await.expect_err("published");
    assert_eq!(refused.code(), Code::FailedPrecondition);
    // …and done by one: the file leaves the publication, not its history.
    let amend = |ids: Vec<String>| pb::AmendRequest {
        name: draft.name.clone(),
        title: published.title.clone(),
        body: published.body.clone(),
        details: published.details.clone(),
        summary_of_change: "Version signée remplacée".into(),
        remove_attachment_ids: ids,
        ..Default::default()
    };
    let request = running.agent(amend(vec!["0190c0de-0000-7000-8000-000000000000".into()]));
    let refused = running.client.amend(request).await.expect_err("not an attachment");
    assert_eq!(field(&refused).as_deref(), Some("remove_attachment_ids[0]"));
    let request = running.agent(amend(vec![document.attachment_id.clone()]));
    let amended = running.client.amend(request).await.expect("amend").into_inner().publication.expect("p");
    assert_eq!((amended.revision, amended.attachments.clone()), (2, vec![picture.clone()]));

    let revisions = running
        .client
        .list_revisions(pb::ListRevisionsRequest { name: draft.name.clone() })
        .await
        .expect("revisions")
        .into_inner()
        .revisions;
    let summary: Vec<(u32, &str, usize, usize)> = revisions
        .iter()
        .map(|r| (r.revision, r.summary_of_change.as_str(), r.previous_attachments.len(), r.attachments.len()))
        .collect();
    assert_eq!(summary, vec![(1, "Ajout de l'esquisse", 1, 2), (2, "Version signée remplacée", 2, 1)]);
    assert_eq!(revisions[0].body, revisions[0].previous_body, "adding a file leaves the text as it was");
    assert_eq!(revisions[1].previous_attachments[0], document);

    // The removed PDF stays readable by everyone, from the history.
    let public = running.get(Request::new(get(&draft.name, &document.attachment_id))).await.expect("in the history");
    assert_eq!(public.content, PDF);
    assert_eq!(running.stored_files().len(), 2, "nothing published is deleted");

    let request = running.agent(pb::ArchiveRequest {
        name: draft.name.clone(),
        reason: "Travaux terminés".into(),
        ..Default::default()
    });
    running.client.archive(request).await.expect("archive");
    let request =
        running.agent(pb::AddAttachmentRequest { summary_of_change: "Trop tard".into(), ..pdf(&draft.name, "x.pdf") });
    assert_eq!(running.attach(request).await.expect_err("archived").code(), Code::FailedPrecondition);
    let public = running.get(Request::new(get(&draft.name, &picture.attachment_id))).await.expect("archived, readable");
    assert_eq!(public.media_type, "image/jpeg");
}

async fn without_an_object_store_attachments_are_unimplemented(backend: Backend) {
    let mut running = start_with(backend, None).await;
    let draft = running.decision().await;
    let request = running.agent(pdf(&draft.name, "x.pdf"));
    assert_eq!(running.attach(request).await.expect_err("no store").code(), Code::Unimplemented);
}

type Row = Vec<String>;

async fn rows(db: &miroir_platform::storage::Database) -> Vec<Row> {
    use sqlx::Row as _;
    let mut rows = Vec::new();
    let attachments = sqlx::query(
        "SELECT publication_id, attachment_id, commune, object_key, removed_in_revision, resource \
         FROM publication_attachments ORDER BY publication_id, attachment_id",
    )
    .fetch_all(db.pool())
    .await
    .expect("attachments");
    for r in attachments {
        let mut row: Row = (0..4).map(|i| r.get::<String, _>(i)).collect();
        row.push(r.get::<i64, _>(4).to_string());
        row.push(hex::encode(r.get::<Vec<u8>, _>(5)));
        rows.push(row);
    }
    let views = sqlx::query("SELECT publication_id, resource FROM publications_view ORDER BY publication_id")
        .fetch_all(db.pool())
        .await
        .expect("views");
    rows.extend(views.iter().map(|r| vec![r.get::<String, _>(0), hex::encode(r.get::<Vec<u8>, _>(1))]));
    let revisions =
        sqlx::query("SELECT publication_id, resource FROM publication_revisions ORDER BY publication_id, revision")
            .fetch_all(db.pool())
            .await
            .expect("revisions");
    rows.extend(revisions.iter().map(|r| vec![r.get::<String, _>(0), hex::encode(r.get::<Vec<u8>, _>(1))]));
    rows
}

async fn the_read_model_rebuilt_from_the_log_is_identical(backend: Backend) {
    use miroir_eventstore::InlineProjection;
    let mut running = start(backend).await;
    let draft = running.decision().await;
    let document = running.attach_ok(pdf(&draft.name, "a.pdf")).await;
    let removed = running.attach_ok(pdf(&draft.name, "b.pdf")).await;
    let request = running.agent(pb::RemoveAttachmentRequest {
        name: draft.name.clone(),
        attachment_id: removed.attachment_id,
        ..Default::default()
    });
    running.client.remove_attachment(request).await.expect("remove");
    running.publish(&draft.name).await;
    running
        .attach_ok(pb::AddAttachmentRequest { summary_of_change: "Photo".into(), ..photo(&draft.name, "La place") })
        .await;
    let current = running.agent_view(&draft.name).await;
    let request = running.agent(pb::AmendRequest {
        name: draft.name.clone(),
        title: current.title,
        body: current.body,
        details: current.details,
        summary_of_change: "PDF retiré".into(),
        remove_attachment_ids: vec![document.attachment_id],
        ..Default::default()
    });
    running.client.amend(request).await.expect("amend");

    let live = running.db.db.clone();
    let store = miroir_publications::open(live.clone()).await.expect("open");
    let events = store.read_log(0, 1000).await.expect("log");
    let fresh = TestDatabase::new(backend).await;
    miroir_publications::migrate_database(&fresh.db).await.expect("migrate");
    let mut conn = fresh.db.pool().acquire().await.expect("connection");
    for event in &events {
        miroir_publications::read_model::PublicationsView.apply(&mut conn, event).await.expect("apply");
    }
    drop(conn);
    let rebuilt = rows(&fresh.db).await;
    assert_eq!(rebuilt.len(), 2 + 1 + 2, "two attachments (one removed by the amendment), one view, two revisions");
    assert_eq!(rows(&live).await, rebuilt);
}

/// One attachment through a real S3-compatible server (moto), on SQLite.
#[tokio::test(flavor = "multi_thread")]
async fn attachments_go_through_an_s3_compatible_server() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let Some(moto) = Moto::start(tmp.path()) else { return };
    moto.create_bucket("miroir-objects");
    let objects = moto.store("s3://miroir-objects/prod");
    let mut running = start_with(Backend::Sqlite, Some(objects)).await;
    let draft = running.decision().await;
    let document = running.attach_ok(pdf(&draft.name, "deliberation.pdf")).await;
    let picture = running.attach_ok(photo(&draft.name, "La place")).await;
    let request = running.agent(get(&draft.name, &document.attachment_id));
    assert_eq!(running.get(request).await.expect("from S3").content, PDF);
    let request = running.agent(get(&draft.name, &picture.attachment_id));
    assert!(!contains(&running.get(request).await.expect("from S3").content, b"Exif\0\0"));
    // In the bucket, under the store's prefix and the publication's own.
    let bucket = moto.store("s3://miroir-objects");
    let key = format!("prod/communes/{PARIS}/publications/{}/{}.pdf", draft.publication_id, document.attachment_id);
    assert_eq!(bucket.get(&key).await.expect("get").as_deref(), Some(PDF));
}

macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name(super::Backend::Postgres).await; })+
        }
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name(super::Backend::Sqlite).await; })+
        }
    };
}

on_both_backends!(
    a_pdf_and_a_photo_are_attached_and_the_photo_loses_its_exif,
    drafts_files_are_hidden_and_published_ones_public,
    files_are_checked_by_their_bytes_and_refusals_store_nothing,
    only_the_communes_writers_attach,
    a_drafts_file_removed_is_gone_with_its_bytes,
    a_retried_addition_stores_one_file,
    published_items_change_files_only_by_public_revisions,
    without_an_object_store_attachments_are_unimplemented,
    the_read_model_rebuilt_from_the_log_is_identical,
);
