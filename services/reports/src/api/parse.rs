//! Request fields → validated values; every error names its field.

use miroir_eventstore::decider;
use miroir_proto::reports::v1 as pb;

use crate::domain::category::valid_code;
use crate::domain::{InseeCode, Location, Status};
use crate::error::ApiError;

/// `communes/{insee}` → the INSEE code.
pub fn parent(field: &str, parent: &str) -> Result<InseeCode, ApiError> {
    let code = parent.strip_prefix("communes/").ok_or_else(|| ApiError::invalid(field, "must be communes/{insee}"))?;
    InseeCode::parse(code).map_err(|reason| ApiError::invalid(field, reason))
}

/// `communes/{insee}/reports/{id}` → (INSEE code, report id).
pub fn report_name(field: &str, name: &str) -> Result<(InseeCode, String), ApiError> {
    let invalid = || ApiError::invalid(field, "must be communes/{insee}/reports/{report_id}");
    let rest = name.strip_prefix("communes/").ok_or_else(invalid)?;
    let (code, id) = rest.split_once("/reports/").ok_or_else(invalid)?;
    let commune = InseeCode::parse(code).map_err(|reason| ApiError::invalid(field, reason))?;
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(ApiError::invalid(field, "the report id must be a UUID"));
    }
    Ok((commune, id.to_owned()))
}

/// `communes/{insee}/reports/{id}/photos/{photo_id}` → (INSEE code, report id, photo id).
pub fn photo_name(name: &str) -> Result<(InseeCode, String, String), ApiError> {
    let (report, photo) =
        name.rsplit_once("/photos/").ok_or_else(|| ApiError::invalid("name", "must be …/reports/{id}/photos/{id}"))?;
    let (commune, report_id) = report_name("name", report)?;
    if uuid::Uuid::parse_str(photo).is_err() {
        return Err(ApiError::invalid("name", "the photo id must be a UUID"));
    }
    Ok((commune, report_id, photo.to_owned()))
}

/// `communes/{insee}/categories/{code}` → (INSEE code, category code).
pub fn category_name(name: &str) -> Result<(InseeCode, String), ApiError> {
    let invalid = || ApiError::invalid("name", "must be communes/{insee}/categories/{code}");
    let rest = name.strip_prefix("communes/").ok_or_else(invalid)?;
    let (code, category) = rest.split_once("/categories/").ok_or_else(invalid)?;
    let commune = InseeCode::parse(code).map_err(|reason| ApiError::invalid("name", reason))?;
    if !valid_code(category) {
        return Err(invalid());
    }
    Ok((commune, category.to_owned()))
}

pub fn request_id(request_id: &str) -> Result<Option<String>, ApiError> {
    decider::parse_request_id(request_id).map_err(|reason| ApiError::invalid("request_id", reason))
}

pub fn location(location: Option<&pb::Location>) -> Result<Location, ApiError> {
    let location = location.ok_or_else(|| ApiError::invalid("location", "is required"))?;
    Location::parse(location.latitude, location.longitude, &location.address)
        .map_err(|(field, reason)| ApiError::invalid(field, reason))
}

pub fn statuses(raw: &[i32]) -> Result<Vec<Status>, ApiError> {
    raw.iter()
        .map(|status| match pb::ReportStatus::try_from(*status) {
            Ok(pb::ReportStatus::New) => Ok(Status::New),
            Ok(pb::ReportStatus::Acknowledged) => Ok(Status::Acknowledged),
            Ok(pb::ReportStatus::InProgress) => Ok(Status::InProgress),
            Ok(pb::ReportStatus::Resolved) => Ok(Status::Resolved),
            Ok(pb::ReportStatus::Rejected) => Ok(Status::Rejected),
            Ok(pb::ReportStatus::Merged) => Ok(Status::Merged),
            Ok(pb::ReportStatus::Unspecified) | Err(_) => Err(ApiError::invalid("statuses", "must name real statuses")),
        })
        .collect()
}

/// A bounding box, or none when all four sides are zero.
pub fn bounding_box(bbox: Option<&pb::BoundingBox>) -> Result<Option<(f64, f64, f64, f64)>, ApiError> {
    let Some(b) = bbox else { return Ok(None) };
    if [b.south, b.west, b.north, b.east].iter().all(|v| *v == 0.0) {
        return Ok(None);
    }
    let finite = [b.south, b.west, b.north, b.east].iter().all(|v| v.is_finite());
    if !finite || !(-90.0..=90.0).contains(&b.south) || !(-90.0..=90.0).contains(&b.north) {
        return Err(ApiError::invalid("bounding_box", "latitudes must be between -90 and 90"));
    }
    if !(-180.0..=180.0).contains(&b.west) || !(-180.0..=180.0).contains(&b.east) {
        return Err(ApiError::invalid("bounding_box", "longitudes must be between -180 and 180"));
    }
    if b.south > b.north || b.west > b.east {
        return Err(ApiError::invalid("bounding_box", "south must be below north and west left of east"));
    }
    Ok(Some((b.south, b.west, b.north, b.east)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_names_are_parsed_strictly() {
        let id = "0190c0de-0000-7000-8000-000000000000";
        assert!(report_name("name", &format!("communes/75056/reports/{id}")).is_ok());
        for bad in ["", "communes/75056", "communes/7505/reports/x", &format!("communes/75056/reports/{id}/../x")] {
            assert!(report_name("name", bad).is_err(), "{bad}");
        }
        assert!(photo_name(&format!("communes/75056/reports/{id}/photos/{id}")).is_ok());
        assert!(photo_name(&format!("communes/75056/reports/{id}/photos/../../etc")).is_err());
        assert_eq!(category_name("communes/75056/categories/voirie").map(|c| c.1).ok(), Some("voirie".into()));
        assert!(category_name("communes/75056/categories/Voirie").is_err());
        assert_eq!(parent("parent", "communes/2A004").map(|c| c.to_string()).ok(), Some("2A004".into()));
        assert!(parent("parent", "75056").is_err());
        assert!(request_id(&"x".repeat(101)).is_err());
        assert!(request_id("a\nb").is_err());
    }

    #[test]
    fn bounding_boxes_are_checked() {
        let b = |south, west, north, east| pb::BoundingBox { south, west, north, east };
        assert!(matches!(bounding_box(None), Ok(None)));
        assert!(matches!(bounding_box(Some(&b(0.0, 0.0, 0.0, 0.0))), Ok(None)));
        assert!(bounding_box(Some(&b(48.8, 2.3, 48.9, 2.4))).is_ok_and(|b| b.is_some()));
        assert!(bounding_box(Some(&b(48.9, 2.3, 48.8, 2.4))).is_err());
        assert!(bounding_box(Some(&b(f64::NAN, 2.3, 48.8, 2.4))).is_err());
    }
}
