//! The reports gRPC API over a real server on 127.0.0.1:0, on PostgreSQL and
//! SQLite: submit, read back, list, acknowledge, with role checks, tenant
//! isolation, idempotency and field-level errors.

use std::time::{SystemTime, UNIX_EPOCH};

use miroir_auth::role::Grant;
use miroir_auth::{Claims, Keys, Role};
use miroir_platform::health::Readiness;
use miroir_platform::storage::Backend;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::reports::v1 as pb;
use miroir_proto::reports::v1::reports_client::ReportsClient;
use miroir_proto::reports::v1::reports_server::ReportsServer;
use miroir_reports::api::ReportsApi;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use tonic::{Code, Request};
use tonic_types::StatusExt;

struct Running {
    client: ReportsClient<Channel>,
    keys: Keys,
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
    let service =
        ReportsServer::with_interceptor(ReportsApi::new(store), miroir_auth::grpc::authenticate(keys.verifier()));
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
    Running { client, keys, token, _db: db }
}

fn bearer(keys: &Keys, commune: &str, role: Role) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs() as i64;
    let claims = Claims {
        sub: format!("{}-{commune}", role.as_str()),
        iat: now,
        exp: now + 600,
        grants: vec![Grant { commune: commune.into(), role }],
        client: None,
    };
    format!("Bearer {}", keys.sign(&claims))
}

/// A signed-in resident's request (anonymous reports wait for their e-mail before being public).
fn as_resident<T>(keys: &Keys, message: T) -> Request<T> {
    with_auth(message, Some(&bearer(keys, "75056", Role::Resident)))
}

fn with_auth<T>(message: T, authorization: Option<&str>) -> Request<T> {
    let mut request = Request::new(message);
    if let Some(value) = authorization {
        request.metadata_mut().insert("authorization", value.parse().expect("ascii header"));
    }
    request
}

fn submission(commune: &str, title: &str, request_id: &str) -> pb::SubmitReportRequest {
    pb::SubmitReportRequest {
        parent: format!("communes/{commune}"),
        category: "voirie".into(),
        title: title.into(),
        description: "Un trou profond devant l'école.".into(),
        location: Some(pb::Location {
            latitude: 48.8566,
            longitude: 2.3522,
            address: "Place de l'Hôtel de Ville".into(),
        }),
        request_id: request_id.into(),
        ..Default::default()
    }
}

async fn submit(running: &mut Running, commune: &str, title: &str) -> pb::Report {
    running
        .client
        .submit_report(as_resident(&running.keys, submission(commune, title, "")))
        .await
        .expect("submit")
        .into_inner()
        .report
        .expect("report")
}

fn violation_field(status: &tonic::Status) -> Option<String> {
    status.get_details_bad_request().and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
}

async fn submit_read_list_and_acknowledge(backend: Backend) {
    let mut running = start(backend).await;
    let report = submit(&mut running, "75056", "Nid-de-poule rue de Rivoli").await;
    assert_eq!(report.status(), pb::ReportStatus::New);
    assert_eq!(report.name, format!("communes/75056/reports/{}", report.report_id));
    assert!(report.submitted_at_us > 0);

    let read =
        running.client.get_report(pb::GetReportRequest { name: report.name.clone() }).await.expect("get").into_inner();
    // The reporter was told it is theirs; an anonymous reader is not.
    assert!(report.reported_by_caller);
    assert_eq!(read, pb::Report { reported_by_caller: false, ..report.clone() });

    for i in 0..4 {
        submit(&mut running, "75056", &format!("Lampadaire éteint n°{i}")).await;
    }
    submit(&mut running, "69123", "Autre commune").await;
    let mut seen = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = running
            .client
            .list_reports(pb::ListReportsRequest {
                parent: "communes/75056".into(),
                page_size: 2,
                page_token,
                ..Default::default()
            })
            .await
            .expect("list")
            .into_inner();
        assert!(page.reports.len() <= 2);
        seen.extend(page.reports.into_iter().map(|r| (r.submitted_at_us, r.report_id)));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_eq!(seen.len(), 5, "every report of the commune once, none of the other");
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "newest first");

    let ack = pb::AcknowledgeReportRequest {
        name: report.name.clone(),
        message: "Équipe prévenue.".into(),
        request_id: String::new(),
    };
    let agent = bearer(&running.keys, "75056", Role::Agent);
    let acknowledged =
        running.client.acknowledge_report(with_auth(ack.clone(), Some(&agent))).await.expect("ack").into_inner();
    let acknowledged = acknowledged.report.expect("report");
    assert_eq!(acknowledged.status(), pb::ReportStatus::Acknowledged);
    assert_eq!(acknowledged.acknowledgement_message, "Équipe prévenue.");
    assert_eq!(acknowledged.version, 2);
    let again = running.client.acknowledge_report(with_auth(ack, Some(&agent))).await.expect_err("twice");
    assert_eq!(again.code(), Code::FailedPrecondition);

    // The agents' view: only what still waits for an answer, or only what was answered.
    let only = |statuses: Vec<pb::ReportStatus>| pb::ListReportsRequest {
        parent: "communes/75056".into(),
        page_size: 100,
        page_token: String::new(),
        statuses: statuses.into_iter().map(i32::from).collect(),
        ..Default::default()
    };
    let waiting = running.client.list_reports(only(vec![pb::ReportStatus::New])).await.expect("new").into_inner();
    assert_eq!(waiting.reports.len(), 4);
    assert!(waiting.reports.iter().all(|r| r.status() == pb::ReportStatus::New));
    let answered = running
        .client
        .list_reports(only(vec![pb::ReportStatus::Acknowledged, pb::ReportStatus::Resolved]))
        .await
        .expect("answered")
        .into_inner();
    assert_eq!(
        answered.reports.iter().map(|r| r.report_id.as_str()).collect::<Vec<_>>(),
        vec![report.report_id.as_str()]
    );
    let paged = running
        .client
        .list_reports(pb::ListReportsRequest { page_size: 3, ..only(vec![pb::ReportStatus::New]) })
        .await
        .expect("page 1")
        .into_inner();
    let rest = running
        .client
        .list_reports(pb::ListReportsRequest { page_token: paged.next_page_token, ..only(vec![pb::ReportStatus::New]) })
        .await
        .expect("page 2")
        .into_inner();
    assert_eq!(paged.reports.len() + rest.reports.len(), 4, "filter and pages together");
    let bad = running.client.list_reports(pb::ListReportsRequest { statuses: vec![42], ..only(vec![]) }).await;
    assert_eq!(violation_field(&bad.expect_err("unknown status")).as_deref(), Some("statuses"));
}

async fn only_the_communes_staff_acknowledges(backend: Backend) {
    let mut running = start(backend).await;
    let report = submit(&mut running, "75056", "Dépôt sauvage").await;
    let ack = |auth: Option<String>| {
        with_auth(
            pb::AcknowledgeReportRequest {
                name: report.name.clone(),
                message: String::new(),
                request_id: String::new(),
            },
            auth.as_deref(),
        )
    };
    let keys = running.keys.clone();
    let cases = [
        (None, Code::Unauthenticated),
        (Some(bearer(&keys, "75056", Role::Resident)), Code::PermissionDenied),
        (Some(bearer(&keys, "69123", Role::Agent)), Code::PermissionDenied),
        (Some("Bearer not-a-token".to_owned()), Code::Unauthenticated),
        (Some(bearer(&Keys::generate().expect("foreign keys"), "75056", Role::Agent)), Code::Unauthenticated),
    ];
    for (auth, code) in cases {
        let error = running.client.acknowledge_report(ack(auth.clone())).await.expect_err("refused");
        assert_eq!(error.code(), code, "{auth:?}");
    }
    let read = running.client.get_report(pb::GetReportRequest { name: report.name.clone() }).await.expect("get");
    assert_eq!(read.into_inner().status(), pb::ReportStatus::New, "nothing refused was applied");
    // An agent of another commune cannot reach the report through their own commune's name either.
    let foreign_name = report.name.replace("75056", "69123");
    let foreign = with_auth(
        pb::AcknowledgeReportRequest { name: foreign_name.clone(), message: String::new(), request_id: String::new() },
        Some(&bearer(&keys, "69123", Role::Agent)),
    );
    assert_eq!(running.client.acknowledge_report(foreign).await.expect_err("other commune").code(), Code::NotFound);
    let get = running.client.get_report(pb::GetReportRequest { name: foreign_name }).await.expect_err("not found");
    assert_eq!(get.code(), Code::NotFound);
    let admin = bearer(&keys, "75056", Role::CommuneAdmin);
    running.client.acknowledge_report(ack(Some(admin))).await.expect("the commune's administrator may");
}

async fn a_retried_submission_returns_the_first_report(backend: Backend) {
    let mut running = start(backend).await;
    let first = running
        .client
        .submit_report(as_resident(&running.keys, submission("75056", "Banc cassé", "req-42")))
        .await
        .expect("first")
        .into_inner();
    let retry = running
        .client
        .submit_report(as_resident(&running.keys, submission("75056", "Banc cassé", "req-42")))
        .await
        .expect("retry")
        .into_inner();
    assert_eq!(first.report, retry.report);
    assert_eq!(first.log_position, retry.log_position);
    let list = running
        .client
        .list_reports(pb::ListReportsRequest { parent: "communes/75056".into(), ..Default::default() })
        .await
        .expect("list")
        .into_inner();
    assert_eq!(list.reports.len(), 1);
}

async fn bad_input_names_the_field_and_stores_nothing(backend: Backend) {
    let mut running = start(backend).await;
    let cases: Vec<(pb::SubmitReportRequest, &str)> = vec![
        (pb::SubmitReportRequest { title: "x".into(), ..submission("75056", "", "") }, "title"),
        (
            pb::SubmitReportRequest { parent: "communes/7505".into(), ..submission("75056", "Titre correct", "") },
            "parent",
        ),
        (
            pb::SubmitReportRequest { category: "Pas Bon".into(), ..submission("75056", "Titre correct", "") },
            "category",
        ),
        (
            pb::SubmitReportRequest {
                location: Some(pb::Location { latitude: 40.41, longitude: -3.70, address: String::new() }),
                ..submission("75056", "Titre correct", "")
            },
            "location",
        ),
        (pb::SubmitReportRequest { location: None, ..submission("75056", "Titre correct", "") }, "location"),
        (
            pb::SubmitReportRequest { request_id: "x".repeat(500), ..submission("75056", "Titre correct", "") },
            "request_id",
        ),
    ];
    for (request, field) in cases {
        let error = running.client.submit_report(as_resident(&running.keys, request)).await.expect_err("invalid");
        assert_eq!(error.code(), Code::InvalidArgument);
        assert_eq!(violation_field(&error).as_deref(), Some(field), "{error:?}");
    }
    let list = running
        .client
        .list_reports(pb::ListReportsRequest { parent: "communes/75056".into(), ..Default::default() })
        .await
        .expect("list")
        .into_inner();
    assert!(list.reports.is_empty());
    let bad_page = pb::ListReportsRequest { parent: "communes/75056".into(), page_size: 1000, ..Default::default() };
    assert_eq!(
        violation_field(&running.client.list_reports(bad_page).await.expect_err("page size")).as_deref(),
        Some("page_size")
    );
    let bad_token =
        pb::ListReportsRequest { parent: "communes/75056".into(), page_token: "garbage".into(), ..Default::default() };
    assert_eq!(
        violation_field(&running.client.list_reports(bad_token).await.expect_err("token")).as_deref(),
        Some("page_token")
    );
    let bad_name = pb::GetReportRequest { name: "communes/75056/reports/../../etc/passwd".into() };
    assert_eq!(violation_field(&running.client.get_report(bad_name).await.expect_err("name")).as_deref(), Some("name"));
}

macro_rules! on_both_databases {
    ($($name:ident),+) => {
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name(super::Backend::Postgres).await; })+
        }
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name(super::Backend::Sqlite).await; })+
        }
    };
}

on_both_databases!(
    submit_read_list_and_acknowledge,
    only_the_communes_staff_acknowledges,
    a_retried_submission_returns_the_first_report,
    bad_input_names_the_field_and_stores_nothing
);

async fn the_workflow_is_public_and_the_reporter_may_reopen(backend: Backend) {
    let mut running = start(backend).await;
    let resident = bearer(&running.keys, "75056", Role::Resident);
    let agent = bearer(&running.keys, "75056", Role::Agent);
    let report = running
        .client
        .submit_report(with_auth(submission("75056", "Lampadaire clignotant", ""), Some(&resident)))
        .await
        .expect("submit")
        .into_inner()
        .report
        .expect("report");
    let step = |status: pb::ReportStatus, message: &str, auth: &str| {
        with_auth(
            pb::UpdateReportStatusRequest {
                name: report.name.clone(),
                status: status.into(),
                message: message.into(),
                request_id: String::new(),
            },
            Some(auth),
        )
    };
    let refused = running.client.update_report_status(step(pb::ReportStatus::Resolved, "", &resident)).await;
    assert_eq!(refused.expect_err("a resident is not staff").code(), Code::PermissionDenied);
    running
        .client
        .update_report_status(step(pb::ReportStatus::InProgress, "Équipe prévenue", &agent))
        .await
        .expect("start");
    let no_reason = running.client.update_report_status(step(pb::ReportStatus::Rejected, " ", &agent)).await;
    assert_eq!(violation_field(&no_reason.expect_err("a rejection needs a reason")).as_deref(), Some("message"));
    let resolved = running
        .client
        .update_report_status(step(pb::ReportStatus::Resolved, "Ampoule changée", &agent))
        .await
        .expect("resolve")
        .into_inner()
        .report
        .expect("report");
    assert_eq!(resolved.status(), pb::ReportStatus::Resolved);
    assert!(resolved.resolved_at_us > 0 && resolved.acknowledged_at_us > 0, "first response and resolution are timed");
    let closed = running.client.update_report_status(step(pb::ReportStatus::InProgress, "", &agent)).await;
    assert_eq!(closed.expect_err("closed").code(), Code::FailedPrecondition);

    let reopen = |auth: Option<&str>| {
        with_auth(
            pb::ReopenReportRequest {
                name: report.name.clone(),
                message: "Il clignote encore".into(),
                request_id: String::new(),
            },
            auth,
        )
    };
    assert_eq!(running.client.reopen_report(reopen(None)).await.expect_err("anonymous").code(), Code::Unauthenticated);
    let neighbour = bearer(&running.keys, "69123", Role::Resident);
    assert_eq!(
        running.client.reopen_report(reopen(Some(&neighbour))).await.expect_err("not the reporter").code(),
        Code::PermissionDenied
    );
    let reopened = running
        .client
        .reopen_report(reopen(Some(&resident)))
        .await
        .expect("reopen")
        .into_inner()
        .report
        .expect("report");
    assert_eq!(reopened.status(), pb::ReportStatus::Acknowledged);
    let timeline: Vec<(pb::ReportStatus, String, String)> =
        reopened.updates.iter().map(|u| (u.status(), u.message.clone(), u.by.clone())).collect();
    assert_eq!(
        timeline,
        vec![
            (pb::ReportStatus::InProgress, "Équipe prévenue".to_owned(), "commune".to_owned()),
            (pb::ReportStatus::Resolved, "Ampoule changée".to_owned(), "commune".to_owned()),
            (pb::ReportStatus::Acknowledged, "Il clignote encore".to_owned(), "reporter".to_owned()),
        ]
    );
}

mod workflow {
    #[tokio::test]
    async fn postgres() {
        super::the_workflow_is_public_and_the_reporter_may_reopen(super::Backend::Postgres).await;
    }

    #[tokio::test]
    async fn sqlite() {
        super::the_workflow_is_public_and_the_reporter_may_reopen(super::Backend::Sqlite).await;
    }
}
