//! Malformed, oversized and hostile input on every gRPC endpoint, as city IT's
//! integrations could send it: `miroir up` (each service on its own gRPC
//! address of 127.0.0.1), called over real HTTP/2 with a signed-in account's
//! token.
//!
//! - Every method of every served service, read from the contracts'
//!   descriptor set so that a new method is covered without being listed,
//!   answers a message that cannot be decoded (a truncated field, a field of
//!   the wrong wire type, a string that is not UTF-8) with INVALID_ARGUMENT
//!   naming the message, never INTERNAL.
//! - Oversized messages are refused by the transport's limit; oversized,
//!   out-of-range and hostile values (path traversal in a file name, HTML
//!   posing as an image or a PDF, NaN coordinates, a commune path that climbs
//!   folders) are refused with INVALID_ARGUMENT naming the field.
//! - Nothing of it is stored: the services' log heads do not move.
//! - Script in text is text: stored and given back byte for byte (escaping is
//!   the site's job, checked there).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Duration;

use miroir_integration_tests::Process;
use miroir_integration_tests::rest::login;
use miroir_platform::storage::{Database, PoolConfig};
use miroir_proto::dialogue::v1 as dg;
use miroir_proto::dialogue::v1::dialogue_client::DialogueClient;
use miroir_proto::publications::v1 as pb;
use miroir_proto::publications::v1::publications_client::PublicationsClient;
use miroir_proto::reports::v1 as rp;
use miroir_proto::reports::v1::reports_client::ReportsClient;
use prost::Message;
use prost::bytes::{Buf, BufMut};
use prost_types::field_descriptor_proto::Type;
use prost_types::{DescriptorProto, FileDescriptorSet};
use sqlx::Row;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::metadata::MetadataValue;
use tonic::transport::Channel;
use tonic::{Code, Request, Status};

/// The services whose logs hostile commands would write to.
const LOGGED: &[&str] = &["identity", "reports", "publications", "dialogue"];

/// The component of `miroir up` that serves each gRPC service.
fn component_of(service: &str) -> &'static str {
    match service {
        "miroir.identity.v1.Identity" | "miroir.identity.v1.Directory" => "identity",
        "miroir.reports.v1.Reports" => "reports",
        "miroir.publications.v1.Publications" => "publications",
        "miroir.dialogue.v1.Dialogue" => "dialogue",
        "miroir.notifications.v1.Notifications" => "notifications",
        "miroir.transparency.v1.Transparency" => "transparency",
        other => panic!("{other}: a service this test does not know; say which component serves it"),
    }
}

struct Platform {
    process: Process,
    data: tempfile::TempDir,
    env: HashMap<String, String>,
    site: String,
}

impl Platform {
    async fn start() -> Self {
        let data = tempfile::tempdir().expect("data folder");
        let folder = data.path().display().to_string();
        // The gateway and six gRPC services.
        let process = Process::start(&["up", "--data", &folder, "--listen", "127.0.0.1:0"], &[], 7);
        let site = format!("http://{}", process.address_of("gateway", "http"));
        let env = demo_env(data.path()).await;
        Self { process, data, env, site }
    }

    async fn channel(&self, component: &str) -> Channel {
        let address = self.process.address_of(component, "grpc");
        Channel::from_shared(format!("http://{address}")).expect("url").connect().await.expect("connect")
    }

    async fn token(&self, role: &str) -> String {
        let http = reqwest::Client::new();
        let (email, password) =
            (&self.env[&format!("MIROIR_DEMO_{role}_EMAIL")], &self.env[&format!("MIROIR_DEMO_{role}_PASSWORD")]);
        login(&http, &self.site, email, password).await
    }

    fn commune(&self) -> String {
        format!("communes/{}", self.env["MIROIR_DEMO_COMMUNE"])
    }

    /// The head of each service's log, once the demo data stopped arriving (two equal readings).
    async fn heads(&self) -> BTreeMap<&'static str, i64> {
        let mut last = BTreeMap::new();
        for _ in 0..100 {
            let mut heads = BTreeMap::new();
            for service in LOGGED {
                let url = format!("sqlite://{}?mode=ro", self.data.path().join(format!("{service}.db")).display());
                let db = Database::connect(&url, &PoolConfig::default()).await.expect("open the log");
                let head: i64 = sqlx::query("SELECT position FROM log_head WHERE id = 1")
                    .fetch_one(db.pool())
                    .await
                    .expect("log head")
                    .get(0);
                db.close().await;
                heads.insert(*service, head);
            }
            if heads == last {
                return heads;
            }
            last = heads;
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        panic!("the logs never stopped moving: {last:?}");
    }
}

async fn demo_env(data: &Path) -> HashMap<String, String> {
    for _ in 0..300 {
        if let Ok(text) = std::fs::read_to_string(data.join("demo.env"))
            && text.contains("MIROIR_DEMO_RESIDENT_PASSWORD")
        {
            return text
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("demo.env was not written");
}

fn authorized<T>(message: T, token: &str) -> Request<T> {
    let mut request = Request::new(message);
    let value: MetadataValue<_> = format!("Bearer {token}").parse().expect("metadata");
    request.metadata_mut().insert("authorization", value);
    request
}

/// Sends bytes as they are, and takes the answer's bytes as they are: what a broken or hostile client does.
#[derive(Clone, Default)]
struct RawCodec;

struct RawEncoder;
struct RawDecoder;

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawEncoder;
    type Decoder = RawDecoder;

    fn encoder(&mut self) -> RawEncoder {
        RawEncoder
    }

    fn decoder(&mut self) -> RawDecoder {
        RawDecoder
    }
}

impl Encoder for RawEncoder {
    type Item = Vec<u8>;
    type Error = Status;

    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawDecoder {
    type Item = Vec<u8>;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining()).to_vec()))
    }
}

async fn raw_call(channel: &Channel, path: &str, body: Vec<u8>, token: &str) -> Status {
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready().await.expect("ready");
    let path = PathAndQuery::try_from(path.to_owned()).expect("path");
    match grpc.unary(authorized(body, token), path, RawCodec).await {
        Ok(_) => Status::ok("answered"),
        Err(status) => status,
    }
}

/// Up to three undecodable bodies for a request message: a field that announces more bytes than follow (any message),
/// field 1 with the fixed32 wire type where the message declares it otherwise (an unknown field is skipped, as
/// protobuf wants), and invalid UTF-8 in a string field.
fn malformed_bodies(message: &DescriptorProto) -> Vec<(&'static str, Vec<u8>)> {
    let mut bodies = vec![("truncated", vec![0x0a, 0x05, b'a'])];
    let field_1_not_fixed32 = message
        .field
        .iter()
        .any(|f| f.number() == 1 && !matches!(f.r#type(), Type::Fixed32 | Type::Sfixed32 | Type::Float));
    if field_1_not_fixed32 {
        bodies.push(("wrong wire type", vec![0x0d, 0, 0, 0, 0]));
    }
    if let Some(field) = message.field.iter().find(|f| f.r#type() == Type::String) {
        let number = u8::try_from(field.number()).expect("a small field number");
        assert!(number < 16, "a one-byte tag");
        bodies.push(("invalid UTF-8", vec![(number << 3) | 2, 2, 0xff, 0xfe]));
    }
    bodies
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_method_answers_an_undecodable_message_invalid_argument_and_stores_nothing() {
    let platform = Platform::start().await;
    let token = platform.token("ADMIN").await;
    let before = platform.heads().await;
    let descriptors = FileDescriptorSet::decode(miroir_proto::FILE_DESCRIPTOR_SET).expect("descriptor set");
    let messages: HashMap<String, &DescriptorProto> = descriptors
        .file
        .iter()
        .flat_map(|file| file.message_type.iter().map(move |m| (format!(".{}.{}", file.package(), m.name()), m)))
        .collect();
    let mut channels = HashMap::new();
    let mut checked = 0;
    for file in &descriptors.file {
        for service in &file.service {
            let full = format!("{}.{}", file.package(), service.name());
            let component = component_of(&full);
            if !channels.contains_key(component) {
                channels.insert(component, platform.channel(component).await);
            }
            let channel = &channels[component];
            for method in &service.method {
                let input = messages[method.input_type()];
                for (what, body) in malformed_bodies(input) {
                    let status = raw_call(channel, &format!("/{full}/{}", method.name()), body, &token).await;
                    let internal_only = full == "miroir.identity.v1.Directory";
                    if internal_only
                        && matches!(status.code(), Code::Unauthenticated | Code::PermissionDenied | Code::Unimplemented)
                    {
                        // Only Miroir's own services may call it: refused before the message is read, and not served
                        // at all where no internal secret is configured (`miroir up` keeps it in process).
                        continue;
                    }
                    assert_eq!(
                        status.code(),
                        Code::InvalidArgument,
                        "{full}/{} with a {what} message: {status:?}",
                        method.name()
                    );
                    let expected =
                        format!("the message is not a valid {}", method.input_type().trim_start_matches('.'));
                    assert!(status.message().starts_with(&expected), "{full}/{}: {}", method.name(), status.message());
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 200, "every method of every service: {checked} calls");
    assert_eq!(platform.heads().await, before, "nothing was stored");
}

/// The minimal valid PDF the publications service accepts (its bytes are checked, not its name).
fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn report(parent: &str) -> rp::SubmitReportRequest {
    rp::SubmitReportRequest {
        parent: parent.to_owned(),
        category: "eclairage".into(),
        title: "Lampadaire éteint".into(),
        description: "Depuis lundi.".into(),
        location: Some(rp::Location { latitude: 48.8566, longitude: 2.3522, address: "Place de la Mairie".into() }),
        ..Default::default()
    }
}

/// Asserts INVALID_ARGUMENT whose message names `field`.
#[track_caller]
fn refused<T: std::fmt::Debug>(answer: Result<T, Status>, field: &str, what: &str) {
    let status = answer.expect_err(what);
    assert_eq!(status.code(), Code::InvalidArgument, "{what}: {status:?}");
    assert!(status.message().contains(field), "{what}: the message names {field}: {}", status.message());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_and_hostile_values_are_refused_naming_the_field_and_store_nothing() {
    let platform = Platform::start().await;
    let resident = platform.token("RESIDENT").await;
    let admin = platform.token("ADMIN").await;
    let commune = platform.commune();
    let mut reports = ReportsClient::new(platform.channel("reports").await).max_encoding_message_size(64 << 20);
    let mut publications =
        PublicationsClient::new(platform.channel("publications").await).max_encoding_message_size(64 << 20);
    let mut dialogue = DialogueClient::new(platform.channel("dialogue").await).max_encoding_message_size(64 << 20);
    // A draft to attach files to (stored before the baseline).
    let draft = publications
        .create_draft(authorized(
            pb::CreateDraftRequest {
                parent: commune.clone(),
                space: pb::Space::Official.into(),
                kind: "news".into(),
                title: "Travaux rue des Lilas".into(),
                body: "Du 3 au 7 mars.".into(),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("a draft")
        .into_inner()
        .publication
        .expect("publication")
        .name;
    let before = platform.heads().await;

    // Oversized messages: over each service's transport limit, refused before anything is read.
    let huge = "a".repeat(33 << 20);
    let status = reports
        .submit_report(authorized(rp::SubmitReportRequest { description: huge.clone(), ..report(&commune) }, &resident))
        .await
        .expect_err("33 MiB");
    assert!(matches!(status.code(), Code::OutOfRange | Code::ResourceExhausted), "{status:?}");
    let status = dialogue
        .ask_question(authorized(
            dg::AskQuestionRequest {
                parent: commune.clone(),
                title: "Q".into(),
                body: "b".repeat(2 << 20),
                ..Default::default()
            },
            &resident,
        ))
        .await
        .expect_err("2 MiB question");
    assert!(matches!(status.code(), Code::OutOfRange | Code::ResourceExhausted), "{status:?}");

    // Oversized and out-of-range values within the transport's limit.
    let long = "é".repeat(100_000);
    refused(
        reports
            .submit_report(authorized(rp::SubmitReportRequest { title: long.clone(), ..report(&commune) }, &resident))
            .await,
        "title",
        "a 100,000-character title",
    );
    refused(
        reports
            .submit_report(authorized(
                rp::SubmitReportRequest { description: long.repeat(3), ..report(&commune) },
                &resident,
            ))
            .await,
        "description",
        "a 300,000-character description",
    );
    for (latitude, longitude) in [(f64::NAN, 2.35), (48.85, f64::INFINITY), (1e308, 2.35), (-91.0, 2.35)] {
        let location = Some(rp::Location { latitude, longitude, address: String::new() });
        refused(
            reports
                .submit_report(authorized(rp::SubmitReportRequest { location, ..report(&commune) }, &resident))
                .await,
            "location",
            &format!("({latitude}, {longitude})"),
        );
    }
    for parent in ["communes/../../etc/passwd", "communes/75056/../69123", "communes/%2e%2e", "", "communes/\u{0}"] {
        refused(
            reports.submit_report(authorized(report(parent), &resident)).await,
            "parent",
            &format!("parent {parent:?}"),
        );
    }
    refused(
        reports
            .list_reports(authorized(
                rp::ListReportsRequest { parent: commune.clone(), page_size: -5, ..Default::default() },
                &resident,
            ))
            .await,
        "page_size",
        "a negative page size",
    );
    refused(
        reports
            .list_reports(authorized(
                rp::ListReportsRequest {
                    parent: commune.clone(),
                    page_token: "../../../etc".into(),
                    ..Default::default()
                },
                &resident,
            ))
            .await,
        "page_token",
        "a forged page token",
    );
    refused(
        dialogue
            .ask_question(authorized(
                dg::AskQuestionRequest {
                    parent: commune.clone(),
                    title: String::new(),
                    body: "b".into(),
                    ..Default::default()
                },
                &resident,
            ))
            .await,
        "title",
        "an empty question title",
    );

    // Files: HTML posing as an image, with a file name that climbs folders; HTML and SVG posing as a PDF.
    let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec();
    let photo = rp::PhotoUpload { filename: "../../../../etc/cron.d/x.jpg".into(), data: html.clone() };
    refused(
        reports
            .submit_report(authorized(rp::SubmitReportRequest { photos: vec![photo], ..report(&commune) }, &resident))
            .await,
        "photo",
        "HTML named .jpg",
    );
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#.to_vec();
    for (name, content) in
        [("page.pdf", html.clone()), ("image.png", svg), ("../../evil.pdf", b"%PDF-1.4 no end".to_vec())]
    {
        refused(
            publications
                .add_attachment(authorized(
                    pb::AddAttachmentRequest {
                        name: draft.clone(),
                        display_name: name.into(),
                        alt_text: "Plan".into(),
                        content,
                        ..Default::default()
                    },
                    &admin,
                ))
                .await,
            "content",
            &format!("{name} that is not what it says"),
        );
    }
    assert_eq!(platform.heads().await, before, "nothing refused was stored");

    // A real PDF with a hostile name: accepted, the name cleaned, stored under a key of the service's choosing.
    let hostile = "../../../etc/passwd\u{202e}fdp.\u{0}.pdf";
    let added = publications
        .add_attachment(authorized(
            pb::AddAttachmentRequest {
                name: draft.clone(),
                display_name: hostile.into(),
                alt_text: String::new(),
                content: pdf(),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("a PDF")
        .into_inner()
        .attachment
        .expect("attachment");
    let shown = &added.display_name;
    assert!(shown.ends_with(".pdf"), "{shown}");
    assert!(
        !shown.contains('/') && !shown.contains('\\') && !shown.contains("..") && !shown.chars().any(char::is_control),
        "no folder, no control character: {shown:?}"
    );
    assert!(!shown.contains('\u{202e}'), "no invisible direction override: {shown:?}");
    assert_eq!(added.media_type, "application/pdf");
    let mut stored = Vec::new();
    let mut folders = vec![platform.data.path().to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("read folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                stored.push(path);
            }
        }
    }
    assert!(
        stored.iter().all(|p| p.starts_with(platform.data.path()) && !p.to_string_lossy().contains("passwd")),
        "files only inside the data folder, never under the sender's name: {stored:?}"
    );

    // Script in text is text: kept and given back byte for byte (the site escapes it when it shows it).
    let script = "<script>alert('x')</script> \"><img src=x onerror=alert(1)> {{7*7}} =HYPERLINK(\"http://x\")";
    let asked = dialogue
        .ask_question(authorized(
            dg::AskQuestionRequest {
                parent: commune.clone(),
                title: "Une question".into(),
                body: script.into(),
                ..Default::default()
            },
            &resident,
        ))
        .await
        .expect("hostile-looking text is text")
        .into_inner()
        .question
        .expect("question");
    let read = dialogue
        .get_question(Request::new(dg::GetQuestionRequest { name: asked.name.clone() }))
        .await
        .expect("read back")
        .into_inner();
    assert_eq!(read.body, script);
}
