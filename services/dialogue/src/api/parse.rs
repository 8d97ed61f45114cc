//! Request fields → validated values; every error names its field.

use miroir_eventstore::decider;
use miroir_platform::search;

use crate::domain::InseeCode;
use crate::error::ApiError;

/// `communes/{insee}` → the INSEE code.
pub fn parent(field: &str, parent: &str) -> Result<InseeCode, ApiError> {
    let code = parent.strip_prefix("communes/").ok_or_else(|| ApiError::invalid(field, "must be communes/{insee}"))?;
    InseeCode::parse(code).map_err(|reason| ApiError::invalid(field, reason))
}

/// `communes/{insee}/{collection}/{uuid}` → (INSEE code, id).
pub fn name(field: &str, collection: &str, name: &str) -> Result<(InseeCode, String), ApiError> {
    let shape = format!("must be communes/{{insee}}/{collection}/{{id}}");
    let rest = name.strip_prefix("communes/").ok_or_else(|| ApiError::invalid(field, shape.clone()))?;
    let (code, id) =
        rest.split_once(&format!("/{collection}/")).ok_or_else(|| ApiError::invalid(field, shape.clone()))?;
    let commune = InseeCode::parse(code).map_err(|reason| ApiError::invalid(field, reason))?;
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(ApiError::invalid(field, "the id must be a UUID"));
    }
    Ok((commune, id.to_owned()))
}

/// `communes/{insee}/dialogueSettings` → the INSEE code.
pub fn settings_name(name: &str) -> Result<InseeCode, ApiError> {
    let code = name
        .strip_prefix("communes/")
        .and_then(|rest| rest.strip_suffix("/dialogueSettings"))
        .ok_or_else(|| ApiError::invalid("name", "must be communes/{insee}/dialogueSettings"))?;
    InseeCode::parse(code).map_err(|reason| ApiError::invalid("name", reason))
}

pub fn request_id(request_id: &str) -> Result<Option<String>, ApiError> {
    decider::parse_request_id(request_id).map_err(|reason| ApiError::invalid("request_id", reason))
}

pub const DEFAULT_PAGE_SIZE: i32 = 20;
pub const MAX_PAGE_SIZE: i32 = 100;

pub fn page_size(raw: i32) -> Result<u32, ApiError> {
    match raw {
        0 => Ok(DEFAULT_PAGE_SIZE.unsigned_abs()),
        n if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n.unsigned_abs()),
        _ => Err(ApiError::invalid("page_size", "must be between 1 and 100")),
    }
}

pub fn page_token(raw: &str) -> Result<Option<i64>, ApiError> {
    match raw {
        "" => Ok(None),
        token => crate::read_model::query::decode_token(token)
            .map(Some)
            .ok_or_else(|| ApiError::invalid("page_token", "is not a token this API gave")),
    }
}

/// The page token of a filtered list, which must have been given for the
/// same filters (`fingerprint`).
pub fn filtered_page_token(raw: &str, fingerprint: &str) -> Result<Option<i64>, ApiError> {
    if raw.is_empty() {
        return Ok(None);
    }
    let (position, given_for) = crate::read_model::query::decode_filtered_token(raw)
        .ok_or_else(|| ApiError::invalid("page_token", "is not a token this API gave"))?;
    if given_for != fingerprint {
        return Err(ApiError::invalid("page_token", "was given for other filters"));
    }
    Ok(Some(position))
}

/// A list's free-text query: at most [`search::MAX_QUERY_CHARS`] characters.
pub fn query(query: &str) -> Result<String, ApiError> {
    if query.chars().count() > search::MAX_QUERY_CHARS {
        return Err(ApiError::invalid("query", format!("must be at most {} characters", search::MAX_QUERY_CHARS)));
    }
    Ok(query.to_owned())
}
