//! The rows of the transparency service: every figure is public (anonymous
//! callers and every role alike, in any commune); rebuilding the projections
//! and reading the rebuild's progress are the national operator's only.

use miroir_proto::transparency::v1 as tr;
use tonic::Code;

use super::{A, Row, Rule, TRANSPARENCY, row, with_auth};

pub fn rows() -> Vec<Row> {
    vec![
        row(TRANSPARENCY, "GetDashboard", "national", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = tr::GetDashboardRequest { scope: "national".into(), months: 0 };
                w.transparency_client().get_dashboard(with_auth(request, &auth)).await.map(drop)
            })
        }),
        // The projections are not fed in this table: A is not known to them, for anyone alike.
        row(TRANSPARENCY, "GetDashboard", "communes/35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = tr::GetDashboardRequest { scope: format!("communes/{A}"), months: 0 };
                w.transparency_client().get_dashboard(with_auth(request, &auth)).await.map(drop)
            })
        })
        .granting(Code::NotFound),
        row(TRANSPARENCY, "ListCommuneFigures", "every commune", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = tr::ListCommuneFiguresRequest::default();
                w.transparency_client().list_commune_figures(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(TRANSPARENCY, "ListPublicEvents", "communes/35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = tr::ListPublicEventsRequest { commune: A.into(), ..Default::default() };
                w.transparency_client().list_public_events(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(TRANSPARENCY, "StartRebuild", "every projection", Rule::Operator, |w, auth| {
            Box::pin(async move {
                w.transparency_client().start_rebuild(with_auth(tr::StartRebuildRequest {}, &auth)).await.map(drop)
            })
        }),
        row(TRANSPARENCY, "GetRebuildStatus", "every projection", Rule::Operator, |w, auth| {
            Box::pin(async move {
                let request = tr::GetRebuildStatusRequest {};
                w.transparency_client().get_rebuild_status(with_auth(request, &auth)).await.map(drop)
            })
        }),
    ]
}
