//! The gRPC API's answers to bad requests (INVALID_ARGUMENT naming the field,
//! NOT_FOUND), and the rebuild admin calls: the operator's only, progress
//! reported, the new generation swapped in while the figures keep answering.

mod support;

use std::sync::Arc;
use std::time::Duration;

use miroir_auth::role::Grant;
use miroir_auth::{Principal, Role};
use miroir_platform::storage::Backend;
use miroir_proto::reports::v1 as reports;
use miroir_proto::transparency::v1 as pb;
use miroir_proto::transparency::v1::transparency_server::Transparency as _;
use miroir_transparency::api::TransparencyApi;
use miroir_transparency::rebuild::Rebuilds;
use support::{DAY, PARIS, World, on_both_backends};
use tokio_util::sync::CancellationToken;
use tonic::{Code, Request};
use tonic_types::StatusExt;

fn field(status: &tonic::Status) -> Option<String> {
    status.get_details_bad_request().and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
}

fn as_principal<T>(principal: Principal, message: T) -> Request<T> {
    let mut request = Request::new(message);
    request.extensions_mut().insert(principal);
    request
}

fn operator() -> Principal {
    Principal::Account { id: "operator".into(), grants: vec![Grant { commune: "*".into(), role: Role::Operator }] }
}

fn paris_admin() -> Principal {
    Principal::Account { id: "admin".into(), grants: vec![Grant { commune: PARIS.into(), role: Role::CommuneAdmin }] }
}

async fn bad_requests_name_their_field(backend: Backend) {
    let w = World::new(backend).await;
    let api = TransparencyApi::with_cache(w.transparency.db.clone(), Duration::ZERO);
    let dashboard = |scope: &str, months: u32| pb::GetDashboardRequest { scope: scope.into(), months };
    for (request, expected) in [
        (dashboard("", 0), "scope"),
        (dashboard("communes/7505", 0), "scope"),
        (dashboard("communes/75056/../69123", 0), "scope"),
        (dashboard("departements/00", 0), "scope"),
        (dashboard("national", 37), "months"),
    ] {
        let status = api.get_dashboard(Request::new(request.clone())).await.expect_err("refused");
        assert_eq!((status.code(), field(&status).as_deref()), (Code::InvalidArgument, Some(expected)), "{request:?}");
    }
    let status = api.get_dashboard(Request::new(dashboard("communes/75056", 0))).await.expect_err("unknown");
    assert_eq!(status.code(), Code::NotFound);
    let status = api.get_dashboard(Request::new(dashboard("departements/2A", 0))).await.expect_err("no commune there");
    assert_eq!(status.code(), Code::NotFound);
    // The country always has a dashboard, even empty.
    let national = api.get_dashboard(Request::new(dashboard("national", 0))).await.expect("national").into_inner();
    assert_eq!((national.communes, national.reports.map(|r| r.received)), (0, Some(0)));

    let events = |commune: &str, page_size: u32, page_token: &str| pb::ListPublicEventsRequest {
        commune: commune.into(),
        page_size,
        page_token: page_token.into(),
    };
    for (request, expected) in [
        (events("", 0, ""), "commune"),
        (events("<script>", 0, ""), "commune"),
        (events(PARIS, 1001, ""), "page_size"),
        (events(PARIS, 0, "not-a-token"), "page_token"),
        (events(PARIS, 0, "OTk6OTk6OTk"), "page_token"),
    ] {
        let status = api.list_public_events(Request::new(request.clone())).await.expect_err("refused");
        assert_eq!((status.code(), field(&status).as_deref()), (Code::InvalidArgument, Some(expected)), "{request:?}");
    }
    let figures = |departement: &str, page_size: u32, page_token: &str| pb::ListCommuneFiguresRequest {
        departement: departement.into(),
        page_size,
        page_token: page_token.into(),
    };
    for (request, expected) in [
        (figures("999", 0, ""), "departement"),
        (figures("", 5000, ""), "page_size"),
        (figures("", 0, "%%%"), "page_token"),
    ] {
        let status = api.list_commune_figures(Request::new(request.clone())).await.expect_err("refused");
        assert_eq!((status.code(), field(&status).as_deref()), (Code::InvalidArgument, Some(expected)), "{request:?}");
    }
}

async fn the_operator_rebuilds_and_the_figures_keep_answering(backend: Backend) {
    let w = World::new(backend).await;
    w.register(PARIS, "Paris", 7).await;
    for i in 0..300 {
        let id = format!("r{i}");
        let submitted = reports::ReportSubmitted {
            report_id: id.clone(),
            commune: PARIS.into(),
            category: "voirie".into(),
            ..Default::default()
        };
        w.append("reports", PARIS, &id, w.now - DAY, &submitted).await;
    }
    let token = CancellationToken::new();
    let live = w.run_live(token.clone());
    w.caught_up().await;
    let rebuilds = Arc::new(Rebuilds::new(w.transparency.db.clone(), w.feed.clone(), token.clone()));
    let api = TransparencyApi::with_cache(w.transparency.db.clone(), Duration::ZERO).with_rebuilds(rebuilds);

    // Nobody but the operator.
    let status = api.start_rebuild(Request::new(pb::StartRebuildRequest {})).await.expect_err("anonymous");
    assert_eq!(status.code(), Code::Unauthenticated);
    let status = api.start_rebuild(as_principal(paris_admin(), pb::StartRebuildRequest {})).await.expect_err("admin");
    assert_eq!(status.code(), Code::PermissionDenied);
    let status =
        api.get_rebuild_status(as_principal(paris_admin(), pb::GetRebuildStatusRequest {})).await.expect_err("admin");
    assert_eq!(status.code(), Code::PermissionDenied);
    let idle = api.get_rebuild_status(as_principal(operator(), pb::GetRebuildStatusRequest {})).await.expect("status");
    assert_eq!(idle.into_inner().state, "idle");

    let started =
        api.start_rebuild(as_principal(operator(), pb::StartRebuildRequest {})).await.expect("start").into_inner();
    assert_eq!(started.state, "running");
    assert_eq!(started.projections.len(), 4);
    let mut status = started;
    for _ in 0..400 {
        // The figures answer throughout.
        let paris = api
            .dashboard(miroir_transparency::scope::Scope::Commune(PARIS.into()), 12)
            .await
            .expect("figures during the rebuild");
        assert_eq!(paris.reports.map(|r| r.received), Some(300));
        status = api
            .get_rebuild_status(as_principal(operator(), pb::GetRebuildStatusRequest {}))
            .await
            .expect("status")
            .into_inner();
        if status.state != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(status.state, "done", "{status:?}");
    assert!(status.finished_at_us >= status.started_at_us);
    let reports = status.projections.iter().find(|p| p.projection == "transparency-reports").expect("reports line");
    assert_eq!((reports.generation, reports.events_done, reports.events_target, reports.swapped), (2, 300, 300, true));
    assert!(reports.events_per_second > 0.0);
    w.caught_up().await;
    let paris = api.dashboard(miroir_transparency::scope::Scope::Commune(PARIS.into()), 12).await.expect("after");
    assert_eq!(paris.reports.map(|r| r.received), Some(300));

    // The rebuild is on record in transparency's own log: started and completed, by the operator.
    let log = miroir_eventstore::EventStore::open(w.transparency.db.clone(), "transparency").await.expect("log");
    let recorded = log.read_log(0, 100).await.expect("read the log");
    let completed: Vec<_> = recorded
        .iter()
        .filter_map(|e| e.decode::<miroir_proto::transparency::v1::ProjectionRebuildCompleted>())
        .map(|e| e.expect("decode"))
        .collect();
    assert_eq!(recorded.len(), 8, "4 started, 4 completed");
    assert!(recorded.iter().all(|e| e.metadata.actor == "operator"), "by the operator");
    let reports_done = completed.iter().find(|c| c.projection == "transparency-reports").expect("reports");
    assert_eq!((reports_done.generation, reports_done.events_replayed), (2, 300));

    // Without a rebuild runner (a read-only replica), the call says so.
    let read_only = TransparencyApi::with_cache(w.transparency.db.clone(), Duration::ZERO);
    let status =
        read_only.start_rebuild(as_principal(operator(), pb::StartRebuildRequest {})).await.expect_err("no runner");
    assert_eq!(status.code(), Code::Unimplemented);
    token.cancel();
    live.await.expect("live");
}

on_both_backends!(bad_requests_name_their_field, the_operator_rebuilds_and_the_figures_keep_answering);
