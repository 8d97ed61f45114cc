//! Request fields → validated values; every error names its field.

use miroir_eventstore::decider;

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
