//! Request fields → validated values; every error names its field.

use miroir_eventstore::decider;
use miroir_platform::search;
use miroir_proto::publications::v1 as pb;

use crate::domain::{InseeCode, Kind, Space};
use crate::error::ApiError;

/// `communes/{insee}` → the INSEE code.
pub fn parent(field: &str, parent: &str) -> Result<InseeCode, ApiError> {
    let code = parent.strip_prefix("communes/").ok_or_else(|| ApiError::invalid(field, "must be communes/{insee}"))?;
    InseeCode::parse(code).map_err(|reason| ApiError::invalid(field, reason))
}

/// `communes/{insee}/publications/{id}` → (INSEE code, publication id).
pub fn publication_name(field: &str, name: &str) -> Result<(InseeCode, String), ApiError> {
    let invalid = || ApiError::invalid(field, "must be communes/{insee}/publications/{publication_id}");
    let rest = name.strip_prefix("communes/").ok_or_else(invalid)?;
    let (code, id) = rest.split_once("/publications/").ok_or_else(invalid)?;
    let commune = InseeCode::parse(code).map_err(|reason| ApiError::invalid(field, reason))?;
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(ApiError::invalid(field, "the publication id must be a UUID"));
    }
    Ok((commune, id.to_owned()))
}

pub fn request_id(request_id: &str) -> Result<Option<String>, ApiError> {
    decider::parse_request_id(request_id).map_err(|reason| ApiError::invalid("request_id", reason))
}

pub fn space(space: i32) -> Result<Space, ApiError> {
    Space::from_pb(space).ok_or_else(|| ApiError::invalid("space", "must be official or citizen"))
}

pub fn kind(kind: &str) -> Result<Kind, ApiError> {
    Kind::parse(kind).ok_or_else(|| {
        ApiError::invalid("kind", "must be project, decision, minutes, budget, news, post, activity or follow_up")
    })
}

pub fn status(status: i32) -> Result<Option<pb::PublicationStatus>, ApiError> {
    match pb::PublicationStatus::try_from(status) {
        Ok(pb::PublicationStatus::Unspecified) => Ok(None),
        Ok(status) => Ok(Some(status)),
        Err(_) => Err(ApiError::invalid("status", "is not a publication status")),
    }
}

/// A list's free-text query: at most [`search::MAX_QUERY_CHARS`] characters.
pub fn query(query: &str) -> Result<String, ApiError> {
    if query.chars().count() > search::MAX_QUERY_CHARS {
        return Err(ApiError::invalid("query", format!("must be at most {} characters", search::MAX_QUERY_CHARS)));
    }
    Ok(query.to_owned())
}
