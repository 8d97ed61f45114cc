//! The site's handlers, one file per area, and the calls they share.

pub mod account;
pub mod admin;
pub mod communes;
pub mod reports;

use miroir_proto::identity::v1 as id;
use miroir_proto::reports::v1 as rp;

use super::CommuneView;
use super::session::Visitor;
use crate::rest::extract::Forwarded;
use crate::{AppState, GatewayError, upstream};

/// A commune by INSEE code (the path is checked by the service).
pub async fn commune(state: &AppState, insee: &str) -> Result<CommuneView, GatewayError> {
    let mut identity = state.identity.clone();
    let request = upstream::request(id::GetCommuneRequest { name: format!("communes/{insee}") }, &Forwarded::default());
    Ok(upstream::call(identity.get_commune(request)).await?.into())
}

/// A page of a commune's reports, newest first.
pub async fn reports_page(
    state: &AppState,
    visitor: &Visitor,
    insee: &str,
    page_size: i32,
    page_token: &str,
) -> Result<rp::ListReportsResponse, GatewayError> {
    let mut reports = state.reports.clone();
    let message = rp::ListReportsRequest {
        parent: format!("communes/{insee}"),
        page_size,
        page_token: page_token.to_owned(),
        ..Default::default()
    };
    upstream::call(reports.list_reports(upstream::request(message, &visitor.forwarded()))).await
}
