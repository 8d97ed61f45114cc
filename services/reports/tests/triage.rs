//! Issue 5's behaviour over a real gRPC server, on PostgreSQL and SQLite:
//! categories per commune, anonymous reports verified by e-mail, photos,
//! supports, duplicates and merges, assignment and internal notes, filters.

use std::time::{SystemTime, UNIX_EPOCH};

use miroir_auth::role::Grant;
use miroir_auth::{Claims, Keys, Role};
use miroir_platform::health::Readiness;
use miroir_platform::storage::Backend;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::reports::v1 as pb;
use miroir_proto::reports::v1::reports_client::ReportsClient;
use miroir_proto::reports::v1::reports_server::ReportsServer;
use miroir_reports::api::{Links, ReportsApi};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use tonic::{Code, Request};
use tonic_types::StatusExt;

const PARIS: &str = "75056";
const AGENT_ID: &str = "0190c0de-0000-7000-8000-00000000a9e7";

struct Running {
    client: ReportsClient<Channel>,
    keys: Keys,
    links: mpsc::UnboundedReceiver<String>,
    token: CancellationToken,
    _db: TestDatabase,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.token.cancel();
    }
}

async fn start(backend: Backend) -> Running {
    let db = TestDatabase::new(backend).await;
    miroir_reports::migrate_database(&db.db).await.expect("migrate");
    let store = miroir_reports::open(db.db.clone()).await.expect("open");
    let keys = Keys::generate().expect("keys");
    let (sink, links) = mpsc::unbounded_channel();
    let api = ReportsApi::new(store).with_links(Links {
        public_url: "https://miroir.example".into(),
        log_links: false,
        sink: Some(sink),
    });
    let service = ReportsServer::with_interceptor(api, miroir_auth::grpc::authenticate(keys.verifier()));
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
    let client = ReportsClient::connect(format!("http://{address}")).await.expect("connect");
    Running { client, keys, links, token, _db: db }
}

impl Running {
    fn bearer(&self, sub: &str, role: Role) -> String {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs() as i64;
        let claims = Claims {
            sub: sub.into(),
            iat: now,
            exp: now + 600,
            grants: vec![Grant { commune: PARIS.into(), role }],
            client: None,
        };
        format!("Bearer {}", self.keys.sign(&claims))
    }

    fn as_user<T>(&self, sub: &str, role: Role, message: T) -> Request<T> {
        let mut request = Request::new(message);
        let value = self.bearer(sub, role).parse().expect("ascii header");
        request.metadata_mut().insert("authorization", value);
        request
    }

    fn resident<T>(&self, sub: &str, message: T) -> Request<T> {
        self.as_user(sub, Role::Resident, message)
    }

    fn agent<T>(&self, message: T) -> Request<T> {
        self.as_user(AGENT_ID, Role::Agent, message)
    }

    async fn submit_as(&mut self, sub: &str, request: pb::SubmitReportRequest) -> pb::Report {
        let request = self.resident(sub, request);
        self.client.submit_report(request).await.expect("submit").into_inner().report.expect("report")
    }

    async fn list(&mut self, request: pb::ListReportsRequest) -> Vec<pb::Report> {
        self.client.list_reports(request).await.expect("list").into_inner().reports
    }
}

fn submission(category: &str, title: &str, (latitude, longitude): (f64, f64)) -> pb::SubmitReportRequest {
    pb::SubmitReportRequest {
        parent: format!("communes/{PARIS}"),
        category: category.into(),
        title: title.into(),
        description: "Constaté ce matin.".into(),
        location: Some(pb::Location { latitude, longitude, address: "Place de l'Hôtel de Ville".into() }),
        ..Default::default()
    }
}

fn list(filter: impl FnOnce(&mut pb::ListReportsRequest)) -> pb::ListReportsRequest {
    let mut request = pb::ListReportsRequest { parent: format!("communes/{PARIS}"), ..Default::default() };
    filter(&mut request);
    request
}

fn field(status: &tonic::Status) -> Option<String> {
    status.get_details_bad_request().and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
}

fn titles(reports: &[pb::Report]) -> Vec<&str> {
    reports.iter().map(|r| r.title.as_str()).collect()
}

const HOTEL_DE_VILLE: (f64, f64) = (48.8566, 2.3522);
/// About 30 m north of the Hôtel de Ville.
const NEARBY: (f64, f64) = (48.85687, 2.3522);
/// About 90 m north.
const FURTHER: (f64, f64) = (48.85741, 2.3522);

async fn categories_are_the_communes_own(backend: Backend) {
    let mut running = start(backend).await;
    let listed = |running: &mut Running, include_retired: bool| {
        let request = pb::ListCategoriesRequest { parent: format!("communes/{PARIS}"), include_retired };
        let mut client = running.client.clone();
        async move { client.list_categories(request).await.expect("categories").into_inner().categories }
    };
    let standard = listed(&mut running, false).await;
    assert!(standard.iter().any(|c| c.code == "voirie"), "the standard set applies first");

    let trees = pb::Category {
        code: "arbres".into(),
        name: "Arbres".into(),
        description: "Arbre malade ou dangereux.".into(),
        department: "espaces verts".into(),
        active: true,
        keywords: vec!["arbre".into()],
        attributes: vec![pb::CategoryAttribute {
            code: "danger".into(),
            description: "Y a-t-il un danger immédiat ?".into(),
            datatype: pb::AttributeType::SingleValueList.into(),
            required: true,
            values: vec![
                pb::AttributeValue { key: "oui".into(), name: "Oui".into() },
                pb::AttributeValue { key: "non".into(), name: "Non".into() },
            ],
        }],
    };
    let define = |category: pb::Category| pb::DefineCategoryRequest {
        parent: format!("communes/{PARIS}"),
        category: Some(category),
        request_id: String::new(),
    };
    let refused = running.client.define_category(running.agent(define(trees.clone()))).await;
    assert_eq!(refused.expect_err("an agent is not the administrator").code(), Code::PermissionDenied);
    let admin = running.as_user("admin-1", Role::CommuneAdmin, define(trees.clone()));
    assert_eq!(running.client.define_category(admin).await.expect("define").into_inner(), trees);
    let all = listed(&mut running, false).await;
    assert_eq!(all.len(), standard.len() + 1, "the standard ones stay");

    // Answers are checked against the category's questions; the department follows the category.
    let mut report = submission("arbres", "Branche cassée au-dessus du trottoir", HOTEL_DE_VILLE);
    let missing = running.client.submit_report(running.resident("r-1", report.clone())).await;
    assert_eq!(field(&missing.expect_err("the question is required")).as_deref(), Some("attributes"));
    report.attributes = vec![pb::AttributeAnswer { code: "danger".into(), values: vec!["peut-être".into()] }];
    let wrong = running.client.submit_report(running.resident("r-1", report.clone())).await;
    assert_eq!(field(&wrong.expect_err("not a listed value")).as_deref(), Some("attributes"));
    report.attributes = vec![pb::AttributeAnswer { code: "danger".into(), values: vec!["oui".into()] }];
    let filed = running.submit_as("r-1", report.clone()).await;
    assert_eq!(filed.department, "espaces verts");
    assert_eq!(filed.attributes, report.attributes);
    let unknown = running.client.submit_report(running.resident("r-1", submission("egouts", "Plaque", HOTEL_DE_VILLE)));
    assert_eq!(field(&unknown.await.expect_err("unknown category")).as_deref(), Some("category"));

    // Retired: no new reports, still listed for the administrator.
    let admin = running.as_user("admin-1", Role::CommuneAdmin, define(pb::Category { active: false, ..trees }));
    running.client.define_category(admin).await.expect("retire");
    assert_eq!(listed(&mut running, false).await.len(), standard.len());
    assert_eq!(listed(&mut running, true).await.len(), standard.len() + 1);
    let retired = running.client.submit_report(running.resident("r-1", report)).await;
    assert_eq!(field(&retired.expect_err("retired")).as_deref(), Some("category"));
    let got = running
        .client
        .get_category(pb::GetCategoryRequest { name: format!("communes/{PARIS}/categories/arbres") })
        .await
        .expect("get category")
        .into_inner();
    assert!(!got.active);
}

async fn an_anonymous_report_is_public_once_its_email_is_verified(backend: Backend) {
    let mut running = start(backend).await;
    let no_email = running.client.submit_report(submission("voirie", "Trou rue de Rivoli", HOTEL_DE_VILLE)).await;
    assert_eq!(field(&no_email.expect_err("an e-mail is needed")).as_deref(), Some("reporter_email"));
    let bad_email = pb::SubmitReportRequest {
        reporter_email: "pas-une-adresse".into(),
        ..submission("voirie", "Trou rue de Rivoli", HOTEL_DE_VILLE)
    };
    assert_eq!(
        field(&running.client.submit_report(bad_email).await.expect_err("bad e-mail")).as_deref(),
        Some("reporter_email")
    );
    // An account needs no address, but one it gives must be one: refused, not silently dropped.
    let account_bad_email = running.resident(
        "acct-with-bad-email",
        pb::SubmitReportRequest {
            reporter_email: "pas-une-adresse".into(),
            ..submission("voirie", "Trottoir défoncé", HOTEL_DE_VILLE)
        },
    );
    assert_eq!(
        field(&running.client.submit_report(account_bad_email).await.expect_err("bad e-mail")).as_deref(),
        Some("reporter_email")
    );
    assert!(running.list(list(|_| {})).await.is_empty(), "nothing stored for the refused reports");
    let anonymous = pb::SubmitReportRequest {
        reporter_email: "voisine@example.fr".into(),
        ..submission("voirie", "Trou rue de Rivoli", HOTEL_DE_VILLE)
    };
    let filed = running.client.submit_report(anonymous).await.expect("submit").into_inner().report.expect("report");
    assert!(!filed.verified);
    assert_eq!(filed.reporter_email, "", "never sent back to a non-staff caller");
    let get = pb::GetReportRequest { name: filed.name.clone() };
    assert_eq!(running.client.get_report(get.clone()).await.expect_err("not public yet").code(), Code::NotFound);
    assert!(running.list(list(|_| {})).await.is_empty());
    // The staff see it, with the address to contact.
    let staff = running.client.get_report(running.agent(get.clone())).await.expect("staff").into_inner();
    assert_eq!(staff.reporter_email, "voisine@example.fr");

    let link = running.links.try_recv().expect("a verification link was sent");
    let prefix = format!("https://miroir.example/c/{PARIS}/citoyen/signalements/verifier?token=");
    let token = link.strip_prefix(&prefix).expect("link shape").to_owned();
    let wrong = running.client.verify_report(pb::VerifyReportRequest { token: "nope".into() }).await;
    assert_eq!(wrong.expect_err("wrong token").code(), Code::NotFound);
    let verified = running.client.verify_report(pb::VerifyReportRequest { token: token.clone() }).await;
    assert!(verified.expect("verify").into_inner().report.is_some_and(|r| r.verified));
    let again = running.client.verify_report(pb::VerifyReportRequest { token }).await;
    assert_eq!(again.expect_err("once").code(), Code::AlreadyExists);
    let public = running.client.get_report(get).await.expect("public now").into_inner();
    assert_eq!(public.reporter_email, "", "the public never sees the e-mail");
    assert_eq!(titles(&running.list(list(|_| {})).await), vec!["Trou rue de Rivoli"]);
}

async fn photos_are_cleaned_stored_and_served(backend: Backend) {
    let mut running = start(backend).await;
    // A phone-like JPEG whose Exif block names the phone and holds a GPS position (made with Pillow).
    let jpeg = include_bytes!("fixtures/pothole-with-gps.jpg").to_vec();
    assert!(jpeg.windows(10).any(|w| w == b"PhoneMaker"));
    let photo = |data: &[u8], filename: &str| pb::PhotoUpload { filename: filename.into(), data: data.to_vec() };
    let with_photos = |photos: Vec<pb::PhotoUpload>| pb::SubmitReportRequest {
        photos,
        ..submission("voirie", "Chaussée effondrée", HOTEL_DE_VILLE)
    };
    let gif = running.client.submit_report(running.resident("r-1", with_photos(vec![photo(b"GIF89a....", "a.jpg")])));
    assert_eq!(field(&gif.await.expect_err("not an image we take")).as_deref(), Some("photos[0]"));
    let six = running.client.submit_report(running.resident("r-1", with_photos(vec![photo(&jpeg, "p.jpg"); 6])));
    assert_eq!(field(&six.await.expect_err("at most five")).as_deref(), Some("photos"));
    assert!(running.list(list(|_| {})).await.is_empty(), "refused reports leave nothing");

    let filed = running.submit_as("r-1", with_photos(vec![photo(&jpeg, "../../etc/passwd")])).await;
    let [stored] = filed.photos.as_slice() else { panic!("one photo: {:?}", filed.photos) };
    assert_eq!(stored.content_type, "image/jpeg");
    assert!(stored.name.starts_with(&format!("{}/photos/", filed.name)));
    let served = running
        .client
        .get_report_photo(pb::GetReportPhotoRequest { name: stored.name.clone() })
        .await
        .expect("photo")
        .into_inner();
    assert_eq!(served.content_type, "image/jpeg");
    assert!(served.data.starts_with(&[0xFF, 0xD8]));
    assert!(!served.data.windows(10).any(|w| w == b"PhoneMaker"), "metadata is stripped");
    assert!(!served.data.windows(6).any(|w| w == b"Exif\0\0"), "the Exif block (and its GPS position) is gone");
    // PNG and WebP are taken too, sniffed from their bytes whatever the file is called.
    let png = photo(include_bytes!("fixtures/pothole.png"), "photo.jpg");
    let webp = photo(include_bytes!("fixtures/pothole.webp"), "photo");
    let both = running.submit_as("r-1", with_photos(vec![png, webp])).await;
    let types: Vec<&str> = both.photos.iter().map(|p| p.content_type.as_str()).collect();
    assert_eq!(types, vec!["image/png", "image/webp"]);
    let other = stored.name.replace(&filed.report_id, "0190c0de-0000-7000-8000-000000000000");
    let missing = running.client.get_report_photo(pb::GetReportPhotoRequest { name: other }).await;
    assert_eq!(missing.expect_err("no such report").code(), Code::NotFound);
}

async fn supports_duplicates_and_merges(backend: Backend) {
    let mut running = start(backend).await;
    let kept = running.submit_as("r-1", submission("eclairage", "Lampadaire éteint", HOTEL_DE_VILLE)).await;
    let duplicate = running.submit_as("r-2", submission("eclairage", "Réverbère en panne", NEARBY)).await;
    running.submit_as("r-3", submission("eclairage", "Lampadaire plus loin", FURTHER)).await;
    running.submit_as("r-3", submission("voirie", "Trou juste là", HOTEL_DE_VILLE)).await;

    // "Is it one of these?": same category, open, within 50 m, nearest first.
    let suggest = pb::SuggestDuplicatesRequest {
        parent: format!("communes/{PARIS}"),
        category: "eclairage".into(),
        location: Some(pb::Location {
            latitude: HOTEL_DE_VILLE.0,
            longitude: HOTEL_DE_VILLE.1,
            address: String::new(),
        }),
    };
    let found = running.client.suggest_duplicates(suggest).await.expect("suggest").into_inner();
    assert_eq!(titles(&found.reports), vec!["Lampadaire éteint", "Réverbère en panne"]);
    assert!(found.distances_m[0] < 1.0 && (25.0..35.0).contains(&found.distances_m[1]), "{:?}", found.distances_m);

    // "Me too": once per account, not by the reporter, not anonymously.
    let support = |name: &str| pb::SupportReportRequest { name: name.into(), request_id: String::new() };
    let anonymous = running.client.support_report(support(&kept.name)).await;
    assert_eq!(anonymous.expect_err("needs an account").code(), Code::Unauthenticated);
    let own = running.client.support_report(running.resident("r-1", support(&kept.name))).await;
    assert_eq!(own.expect_err("own report").code(), Code::FailedPrecondition);
    let supported = running.client.support_report(running.resident("r-4", support(&kept.name))).await.expect("ok");
    let supported = supported.into_inner().report.expect("report");
    assert_eq!((supported.supports, supported.supported_by_caller), (1, true));
    let twice = running.client.support_report(running.resident("r-4", support(&kept.name))).await;
    assert_eq!(twice.expect_err("once").code(), Code::AlreadyExists);
    for supporter in ["r-4", "r-5", "r-6"] {
        running.client.support_report(running.resident(supporter, support(&duplicate.name))).await.expect("support");
    }
    let most = running.list(list(|l| l.order_by = "most_supported".into())).await;
    assert_eq!(titles(&most)[..2], ["Réverbère en panne", "Lampadaire éteint"]);

    // Merge: the duplicate closes and points to the kept report, which gets its supporters once.
    let merge = pb::MergeReportRequest {
        name: duplicate.name.clone(),
        into: kept.name.clone(),
        message: "Déjà signalé, nous suivons l'autre signalement.".into(),
        request_id: "merge-1".into(),
    };
    let resident_merge = running.client.merge_report(running.resident("r-4", merge.clone())).await;
    assert_eq!(resident_merge.expect_err("staff only").code(), Code::PermissionDenied);
    let merged = running.client.merge_report(running.agent(merge.clone())).await.expect("merge").into_inner();
    let kept_now = merged.report.expect("kept");
    // r-4 supported both; r-2 reported the duplicate: they follow, they do not count as supporters.
    assert_eq!(kept_now.supports, 3);
    let retried = running.client.merge_report(running.agent(merge)).await.expect("retry").into_inner();
    assert_eq!(retried.report.map(|r| r.supports), Some(3));
    let closed = running
        .client
        .get_report(pb::GetReportRequest { name: duplicate.name.clone() })
        .await
        .expect("get")
        .into_inner();
    assert_eq!((closed.status(), closed.merged_into.as_str()), (pb::ReportStatus::Merged, kept.report_id.as_str()));
    assert_eq!(closed.updates.last().map(|u| u.kind.as_str()), Some("merged"));
    let into_itself = pb::MergeReportRequest {
        name: kept.name.clone(),
        into: kept.name.clone(),
        message: String::new(),
        request_id: String::new(),
    };
    let refused = running.client.merge_report(running.agent(into_itself)).await;
    assert_eq!(field(&refused.expect_err("itself")).as_deref(), Some("into"));
    let closed_support = running.client.support_report(running.resident("r-9", support(&duplicate.name))).await;
    assert_eq!(closed_support.expect_err("merged").code(), Code::FailedPrecondition);
}

async fn staff_assign_and_keep_internal_notes(backend: Backend) {
    let mut running = start(backend).await;
    let report = running.submit_as("r-1", submission("voirie", "Trottoir défoncé", HOTEL_DE_VILLE)).await;
    assert_eq!(report.department, "services techniques", "routed by its category");
    let assign = pb::AssignReportRequest {
        name: report.name.clone(),
        department: "voirie".into(),
        agent: AGENT_ID.into(),
        request_id: String::new(),
    };
    let refused = running.client.assign_report(running.resident("r-1", assign.clone())).await;
    assert_eq!(refused.expect_err("staff only").code(), Code::PermissionDenied);
    let assigned = running.client.assign_report(running.agent(assign)).await.expect("assign").into_inner();
    let assigned = assigned.report.expect("report");
    assert_eq!((assigned.department.as_str(), assigned.assigned_agent.as_str()), ("voirie", AGENT_ID));
    let public =
        running.client.get_report(pb::GetReportRequest { name: report.name.clone() }).await.expect("get").into_inner();
    assert_eq!(public.assigned_agent, "", "who works on it is internal");
    assert_eq!(public.updates.last().map(|u| (u.kind.as_str(), u.message.as_str())), Some(("assigned", "voirie")));

    let note = pb::AddInternalNoteRequest {
        name: report.name.clone(),
        text: "Le riverain du n°4 a appelé.".into(),
        request_id: String::new(),
    };
    let resident_note = running.client.add_internal_note(running.resident("r-1", note.clone())).await;
    assert_eq!(resident_note.expect_err("staff only").code(), Code::PermissionDenied);
    let written = running.client.add_internal_note(running.agent(note)).await.expect("note").into_inner();
    assert_eq!(written.author, AGENT_ID);
    let notes = pb::ListInternalNotesRequest { name: report.name.clone() };
    let resident_read = running.client.list_internal_notes(running.resident("r-1", notes.clone())).await;
    assert_eq!(resident_read.expect_err("staff only").code(), Code::PermissionDenied);
    let anonymous_read = running.client.list_internal_notes(notes.clone()).await;
    assert_eq!(anonymous_read.expect_err("staff only").code(), Code::Unauthenticated);
    let read = running.client.list_internal_notes(running.agent(notes)).await.expect("notes").into_inner();
    assert_eq!(read.notes, vec![written]);
    assert!(!format!("{public:?}").contains("riverain"), "notes never appear in the public report");

    // The agents' queue: what is assigned to me, by department.
    let mine = running.client.list_reports(running.agent(list(|l| l.assigned_agent = AGENT_ID.into()))).await;
    assert_eq!(mine.expect("mine").into_inner().reports.len(), 1);
    let leak = running.client.list_reports(list(|l| l.assigned_agent = AGENT_ID.into())).await;
    assert_eq!(field(&leak.expect_err("staff only")).as_deref(), Some("assigned_agent"));
    assert_eq!(running.list(list(|l| l.department = "voirie".into())).await.len(), 1);
    assert!(running.list(list(|l| l.department = "propreté".into())).await.is_empty());
}

async fn lists_filter_and_page_consistently(backend: Backend) {
    let mut running = start(backend).await;
    running.submit_as("r-1", submission("eclairage", "Éclairage défaillant quai", HOTEL_DE_VILLE)).await;
    running.submit_as("r-1", submission("voirie", "Nid-de-poule avenue", (48.87, 2.33))).await;
    let lyon_ish = running.submit_as("r-1", submission("voirie", "Pavés descellés", (48.83, 2.40))).await;
    for i in 0..3 {
        running.submit_as("r-2", submission("proprete", &format!("Dépôt sauvage n°{i}"), HOTEL_DE_VILLE)).await;
    }
    let only = |running: &mut Running, filter: fn(&mut pb::ListReportsRequest)| {
        let request = list(filter);
        let mut client = running.client.clone();
        async move {
            let reports = client.list_reports(request).await.expect("list").into_inner().reports;
            reports.into_iter().map(|r| r.title).collect::<Vec<_>>()
        }
    };
    assert_eq!(only(&mut running, |l| l.text = "ECLAIRAGE".into()).await, vec!["Éclairage défaillant quai"]);
    assert_eq!(only(&mut running, |l| l.text = "depot sauv".into()).await.len(), 3);
    assert!(only(&mut running, |l| l.text = "%".into()).await.len() == 6, "wildcards are not special");
    assert_eq!(only(&mut running, |l| l.categories = vec!["voirie".into()]).await.len(), 2);
    let in_box = only(&mut running, |l| {
        l.bounding_box = Some(pb::BoundingBox { south: 48.82, west: 2.39, north: 48.84, east: 2.41 })
    })
    .await;
    assert_eq!(in_box, vec!["Pavés descellés"]);
    let after = lyon_ish.submitted_at_us;
    let request = list(|l| l.submitted_after_us = after);
    let newer = running.list(request).await;
    assert_eq!(newer.len(), 4, "the report itself and the three after it");
    let bad_box = list(|l| l.bounding_box = Some(pb::BoundingBox { south: 49.0, west: 2.0, north: 48.0, east: 3.0 }));
    assert_eq!(field(&running.client.list_reports(bad_box).await.expect_err("box")).as_deref(), Some("bounding_box"));
    let bad_order = list(|l| l.order_by = "random".into());
    assert_eq!(field(&running.client.list_reports(bad_order).await.expect_err("order")).as_deref(), Some("order_by"));

    // Page tokens walk the whole filtered list once, and only for the filter they were made for.
    let mut seen = Vec::new();
    let mut page_token = String::new();
    loop {
        let request = list(|l| {
            l.categories = vec!["proprete".into(), "voirie".into()];
            l.page_size = 2;
            l.page_token = page_token.clone();
        });
        let page = running.client.list_reports(request).await.expect("page").into_inner();
        seen.extend(page.reports.into_iter().map(|r| r.title));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
        let other_filter = list(|l| {
            l.page_size = 2;
            l.page_token = page_token.clone();
        });
        let refused = running.client.list_reports(other_filter).await;
        assert_eq!(field(&refused.expect_err("other filter")).as_deref(), Some("page_token"));
    }
    assert_eq!(seen.len(), 5);
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
    categories_are_the_communes_own,
    an_anonymous_report_is_public_once_its_email_is_verified,
    photos_are_cleaned_stored_and_served,
    supports_duplicates_and_merges,
    staff_assign_and_keep_internal_notes,
    lists_filter_and_page_consistently,
);
