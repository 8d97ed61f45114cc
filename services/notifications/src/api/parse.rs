//! Request fields → validated values; every error names its field.

use miroir_eventstore::decider;
use miroir_proto::notifications::v1 as pb;

use crate::domain::InseeCode;
use crate::domain::preferences::{EmailCadence, Locale, Preferences};
use crate::domain::subscription::{Area, CategoryCode, Space, Target};
use crate::error::ApiError;
use crate::read_model::query::{FollowCursor, decode_position_token};

/// `communes/{insee}` → the INSEE code.
pub fn parent(field: &str, parent: &str) -> Result<InseeCode, ApiError> {
    let code = parent.strip_prefix("communes/").ok_or_else(|| ApiError::invalid(field, "must be communes/{insee}"))?;
    InseeCode::parse(code).map_err(|reason| ApiError::invalid(field, reason))
}

/// `communes/{insee}/subscriptions/{uuid}` → (INSEE code, canonical id).
pub fn subscription_name(name: &str) -> Result<(InseeCode, String), ApiError> {
    let shape = || ApiError::invalid("name", "must be communes/{insee}/subscriptions/{id}");
    let rest = name.strip_prefix("communes/").ok_or_else(shape)?;
    let (code, id) = rest.split_once("/subscriptions/").ok_or_else(shape)?;
    let commune = InseeCode::parse(code).map_err(|reason| ApiError::invalid("name", reason))?;
    let id = uuid::Uuid::parse_str(id).map_err(|_| ApiError::invalid("name", "the id must be a UUID"))?;
    Ok((commune, id.hyphenated().to_string()))
}

/// `communes/{insee}/webhooks/{uuid}` (on request field `field`) → (INSEE code, canonical id).
pub fn webhook_name(field: &str, name: &str) -> Result<(InseeCode, String), ApiError> {
    let shape = || ApiError::invalid(field, "must be communes/{insee}/webhooks/{id}");
    let rest = name.strip_prefix("communes/").ok_or_else(shape)?;
    let (code, id) = rest.split_once("/webhooks/").ok_or_else(shape)?;
    let commune = InseeCode::parse(code).map_err(|reason| ApiError::invalid(field, reason))?;
    let id = uuid::Uuid::parse_str(id).map_err(|_| ApiError::invalid(field, "the id must be a UUID"))?;
    Ok((commune, id.hyphenated().to_string()))
}

pub fn request_id(request_id: &str) -> Result<Option<String>, ApiError> {
    decider::parse_request_id(request_id).map_err(|reason| ApiError::invalid("request_id", reason))
}

/// What a subscription covers: its kind and that kind's one field; the
/// fields of the other kinds must stay empty (a client that set them meant
/// something else). Errors are on `subscription.…`.
pub fn target(subscription: Option<&pb::Subscription>) -> Result<Target, ApiError> {
    let s = subscription.ok_or_else(|| ApiError::invalid("subscription", "is required"))?;
    let within = ApiError::within("subscription");
    let unused = |field: &str, set: bool| {
        if set {
            Err(ApiError::invalid(format!("subscription.{field}"), "must be empty for this kind"))
        } else {
            Ok(())
        }
    };
    match s.kind() {
        pb::SubscriptionKind::Category => {
            unused("area", s.area.is_some())?;
            unused("space", s.space != 0)?;
            Ok(Target::Category(CategoryCode::parse(&s.category).map_err(within)?))
        }
        pb::SubscriptionKind::Area => {
            unused("category", !s.category.is_empty())?;
            unused("space", s.space != 0)?;
            let area = s.area.as_ref().ok_or_else(|| ApiError::invalid("subscription.area", "is required"))?;
            Ok(Target::Area(Area::parse(area.latitude, area.longitude, area.radius_m).map_err(within)?))
        }
        pb::SubscriptionKind::Space => {
            unused("category", !s.category.is_empty())?;
            unused("area", s.area.is_some())?;
            Ok(Target::Space(Space::from_proto(s.space).map_err(within)?))
        }
        pb::SubscriptionKind::Unspecified => {
            Err(ApiError::invalid("subscription.kind", "must be category, area or space"))
        }
    }
}

/// Every preference (this replaces them all). Errors are on `preferences.…`.
pub fn preferences(preferences: Option<&pb::Preferences>) -> Result<Preferences, ApiError> {
    let p = preferences.ok_or_else(|| ApiError::invalid("preferences", "is required"))?;
    let within = ApiError::within("preferences");
    Ok(Preferences {
        email_cadence: EmailCadence::from_proto(p.email_cadence).map_err(&within)?,
        locale: Locale::parse(&p.locale).map_err(&within)?,
        department_reports: p.department_reports,
    })
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

fn token<T>(raw: &str, decode: impl Fn(&str) -> Option<T>) -> Result<Option<T>, ApiError> {
    match raw {
        "" => Ok(None),
        token => decode(token).map(Some).ok_or_else(|| ApiError::invalid("page_token", "is not a token this API gave")),
    }
}

pub fn follows_token(raw: &str) -> Result<Option<FollowCursor>, ApiError> {
    token(raw, FollowCursor::decode)
}

pub fn position_token(raw: &str) -> Result<Option<i64>, ApiError> {
    token(raw, decode_position_token)
}
