//! What Miroir's resources look like in Open311: a commune's report category
//! is a *service*, a report is a *service request*.

use axum::http::HeaderMap;
use miroir_proto::identity::v1 as id;
use miroir_proto::reports::v1 as pb;

use super::format::Node;
use super::params::{OpenClosed, open_or_closed, w3c};

// ---------------------------------------------------------------- services

/// An entry of `services`.
pub fn service(category: &pb::Category) -> Node {
    Node::Object(vec![
        ("service_code", Node::text(&category.code)),
        ("service_name", Node::text(&category.name)),
        ("description", Node::text(&category.description)),
        // Whether `services/{code}` has questions to ask.
        ("metadata", Node::Bool(!category.attributes.is_empty())),
        // Reports are created at once, with their id.
        ("type", Node::text("realtime")),
        ("keywords", Node::text_or_null(category.keywords.join(", "))),
        ("group", Node::text_or_null(&category.department)),
    ])
}

/// `services/{code}`: the category's questions.
pub fn service_definition(category: &pb::Category) -> Node {
    let attributes = category.attributes.iter().enumerate().map(|(i, attribute)| self::attribute(i, attribute));
    Node::Object(vec![
        ("service_code", Node::text(&category.code)),
        ("attributes", Node::list("attribute", attributes.collect())),
    ])
}

fn attribute(index: usize, attribute: &pb::CategoryAttribute) -> Node {
    let kind = pb::AttributeType::try_from(attribute.datatype).unwrap_or(pb::AttributeType::String);
    let (datatype, help) = match kind {
        pb::AttributeType::Unspecified | pb::AttributeType::String => ("string", None),
        pb::AttributeType::Number => ("number", Some("a number, e.g. 3 or 2.5")),
        pb::AttributeType::Datetime => {
            ("datetime", Some("a date and time with its zone, e.g. 2025-03-14T09:30:00+01:00"))
        }
        pb::AttributeType::Text => ("text", None),
        pb::AttributeType::SingleValueList => ("singlevaluelist", Some("one of the keys of values")),
        pb::AttributeType::MultiValueList => ("multivaluelist", Some("one or more of the keys of values")),
    };
    let mut fields = vec![
        // Every question is for the person reporting (none is informational).
        ("variable", Node::Bool(true)),
        ("code", Node::text(&attribute.code)),
        ("datatype", Node::text(datatype)),
        ("required", Node::Bool(attribute.required)),
        ("datatype_description", help.map_or(Node::Null, Node::text)),
        ("order", Node::Int(i64::try_from(index).map_or(i64::MAX, |i| i.saturating_add(1)))),
        ("description", Node::text(&attribute.description)),
    ];
    if matches!(kind, pb::AttributeType::SingleValueList | pb::AttributeType::MultiValueList) {
        let values = attribute
            .values
            .iter()
            .map(|value| Node::Object(vec![("key", Node::text(&value.key)), ("name", Node::text(&value.name))]));
        fields.push(("values", Node::list("value", values.collect())));
    }
    Node::Object(fields)
}

// ---------------------------------------------------------------- requests

/// What a service request needs besides the report: the names of the
/// commune's categories, the commune, and where the gateway is reachable.
pub struct Context<'a> {
    pub categories: &'a [pb::Category],
    pub commune: &'a id::Commune,
    /// `https://host` (no trailing slash), for photo URLs; `None` when the
    /// request did not say where it was sent.
    pub public_base: Option<&'a str>,
}

/// An entry of `requests` and `requests/{id}`.
pub fn service_request(report: &pb::Report, context: &Context<'_>) -> Node {
    let status = match open_or_closed(report.status) {
        OpenClosed::Open => "open",
        OpenClosed::Closed => "closed",
    };
    let status_notes =
        report.updates.iter().rev().map(|update| update.message.trim()).find(|message| !message.is_empty());
    let service_name = context
        .categories
        .iter()
        .find(|category| category.code == report.category)
        .map_or(report.category.as_str(), |category| category.name.as_str());
    let agency = if report.department.is_empty() {
        if context.commune.display_name.is_empty() { &report.commune } else { &context.commune.display_name }
    } else {
        &report.department
    };
    // Open311 has no title: the description carries the report's text, its
    // title when there is no description.
    let description = if report.description.trim().is_empty() { &report.title } else { &report.description };
    let location = report.location.clone().unwrap_or_default();
    Node::Object(vec![
        ("service_request_id", Node::text(&report.report_id)),
        ("status", Node::text(status)),
        ("status_notes", status_notes.map_or(Node::Null, Node::text)),
        ("service_name", Node::text(service_name)),
        ("service_code", Node::text(&report.category)),
        ("description", Node::text(description)),
        ("agency_responsible", Node::text(agency)),
        ("requested_datetime", w3c(report.submitted_at_us).map_or(Node::Null, Node::Text)),
        ("updated_datetime", w3c(updated_at_us(report)).map_or(Node::Null, Node::Text)),
        ("address", Node::text_or_null(location.address)),
        ("lat", Node::Float(location.latitude)),
        ("long", Node::Float(location.longitude)),
        ("media_url", media_url(report, context.public_base).map_or(Node::Null, Node::Text)),
    ])
}

/// The last time anything public happened to the report.
fn updated_at_us(report: &pb::Report) -> i64 {
    let steps = report.updates.iter().map(|update| update.at_us);
    [report.submitted_at_us, report.acknowledged_at_us, report.resolved_at_us]
        .into_iter()
        .chain(steps)
        .max()
        .unwrap_or(0)
}

/// The absolute URL of the report's first photo on this gateway.
fn media_url(report: &pb::Report, public_base: Option<&str>) -> Option<String> {
    let base = public_base?;
    let photo = report.photos.first()?;
    // `communes/{insee}/reports/{report_id}/photos/{photo_id}`, of this report.
    let photo_id = photo.name.strip_prefix(&report.name)?.strip_prefix("/photos/")?;
    let url_safe = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    if photo_id.is_empty() || !photo_id.bytes().all(url_safe) || report.name.is_empty() {
        return None;
    }
    Some(format!("{base}/api/v1/{}", photo.name))
}

/// `scheme://host` the client reached the gateway at: the `Host` header, if
/// it is a plain host name or address with an optional port, and
/// `X-Forwarded-Proto` when it says `https` (a TLS-terminating proxy), else
/// `http`. `None` when there is no usable `Host`.
pub fn public_base(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(axum::http::header::HOST)?.to_str().ok()?.trim();
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']');
    if host.is_empty() || host.len() > 255 || !host.bytes().all(allowed) {
        return None;
    }
    let forwarded_https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
    let scheme = if forwarded_https { "https" } else { "http" };
    Some(format!("{scheme}://{host}"))
}

// ---------------------------------------------------------------- new requests

/// The report's title, which Open311 does not have: the service name, then
/// as much of the description as fits in the service's 3 to 120 characters.
pub fn title(service_name: &str, description: &str) -> String {
    const MAX: usize = 120;
    const MIN: usize = 3;
    let name = collapse(service_name);
    let description = collapse(description);
    let mut title = match (name.is_empty(), description.is_empty()) {
        (_, true) => name,
        (true, false) => description,
        (false, false) => format!("{name} : {description}"),
    };
    if title.chars().count() > MAX {
        // Cut at a word if one ends in the last quarter, and say it was cut.
        let kept: String = title.chars().take(MAX - 1).collect();
        let cut = match kept.rfind(' ') {
            Some(space) if kept[..space].chars().count() >= MAX * 3 / 4 => kept[..space].trim_end().to_owned(),
            _ => kept,
        };
        title = format!("{cut}…");
    }
    if title.chars().count() < MIN {
        title = format!("Signalement {title}").trim_end().to_owned();
    }
    title
}

/// Whitespace runs (new lines included) as one space; control characters out.
fn collapse(text: &str) -> String {
    text.split_whitespace()
        .map(|word| word.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the person reporting is told once the request is filed.
pub fn service_notice(commune: &id::Commune, report: &pb::Report) -> String {
    let mut notice = String::new();
    if !report.verified {
        notice.push_str("Le signalement sera public quand l'adresse e-mail aura été confirmée. ");
    }
    if commune.response_commitment_days > 0 {
        let days = commune.response_commitment_days;
        notice
            .push_str(&format!("La commune s'engage à répondre sous {days} jour{}.", if days > 1 { "s" } else { "" }));
    }
    notice.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn category() -> pb::Category {
        pb::Category {
            code: "voirie".into(),
            name: "Voirie".into(),
            description: "Nids-de-poule, trottoirs".into(),
            department: "Services techniques".into(),
            attributes: vec![
                pb::CategoryAttribute {
                    code: "gravite".into(),
                    description: "Gravité ?".into(),
                    datatype: pb::AttributeType::SingleValueList as i32,
                    required: true,
                    values: vec![pb::AttributeValue { key: "forte".into(), name: "Forte".into() }],
                },
                pb::CategoryAttribute {
                    code: "largeur".into(),
                    description: "Largeur (cm)".into(),
                    datatype: pb::AttributeType::Number as i32,
                    required: false,
                    values: vec![],
                },
            ],
            active: true,
            keywords: vec!["route".into(), "trou".into()],
        }
    }

    #[test]
    fn a_category_is_a_service() {
        assert_eq!(
            service(&category()).to_json(),
            serde_json::json!({
                "service_code": "voirie", "service_name": "Voirie", "description": "Nids-de-poule, trottoirs",
                "metadata": true, "type": "realtime", "keywords": "route, trou", "group": "Services techniques",
            })
        );
        let bare = pb::Category { code: "x".into(), name: "X".into(), ..Default::default() };
        let json = service(&bare).to_json();
        assert_eq!((json["metadata"].clone(), json["keywords"].clone()), (false.into(), serde_json::Value::Null));
    }

    #[test]
    fn attributes_have_open311_datatypes() {
        let json = service_definition(&category()).to_json();
        assert_eq!(
            json,
            serde_json::json!({"service_code": "voirie", "attributes": [
                {"variable": true, "code": "gravite", "datatype": "singlevaluelist", "required": true,
                 "datatype_description": "one of the keys of values", "order": 1, "description": "Gravité ?",
                 "values": [{"key": "forte", "name": "Forte"}]},
                {"variable": true, "code": "largeur", "datatype": "number", "required": false,
                 "datatype_description": "a number, e.g. 3 or 2.5", "order": 2, "description": "Largeur (cm)"},
            ]})
        );
        let xml = service_definition(&category()).to_xml("service_definition");
        assert!(
            xml.contains(
                "<attributes><attribute><variable>true</variable><code>gravite</code><datatype>singlevaluelist\
                 </datatype>"
            ),
            "{xml}"
        );
        assert!(xml.contains("<values><value><key>forte</key><name>Forte</name></value></values>"), "{xml}");
        for (kind, name) in [
            (pb::AttributeType::String, "string"),
            (pb::AttributeType::Text, "text"),
            (pb::AttributeType::Datetime, "datetime"),
            (pb::AttributeType::MultiValueList, "multivaluelist"),
            (pb::AttributeType::Unspecified, "string"),
        ] {
            let attribute = pb::CategoryAttribute { datatype: kind as i32, ..Default::default() };
            assert_eq!(self::attribute(0, &attribute).to_json()["datatype"], name);
        }
    }

    fn report() -> pb::Report {
        pb::Report {
            name: "communes/75056/reports/0190c0de-0000-7000-8000-000000000000".into(),
            report_id: "0190c0de-0000-7000-8000-000000000000".into(),
            commune: "75056".into(),
            category: "voirie".into(),
            title: "Nid-de-poule".into(),
            description: "Un trou <profond>".into(),
            location: Some(pb::Location { latitude: 48.8566, longitude: 2.3522, address: "12 rue X".into() }),
            status: pb::ReportStatus::Resolved as i32,
            submitted_at_us: 1_700_000_000_000_000,
            updates: vec![
                pb::PublicUpdate { message: "Vu.".into(), at_us: 1_700_000_100_000_000, ..Default::default() },
                pb::PublicUpdate { message: "  ".into(), at_us: 1_700_000_200_000_000, ..Default::default() },
            ],
            photos: vec![pb::ReportPhotoRef {
                name: "communes/75056/reports/0190c0de-0000-7000-8000-000000000000/photos/p1".into(),
                ..Default::default()
            }],
            verified: true,
            ..Default::default()
        }
    }

    fn commune() -> id::Commune {
        id::Commune {
            insee: "75056".into(),
            display_name: "Paris".into(),
            response_commitment_days: 7,
            ..Default::default()
        }
    }

    #[test]
    fn a_report_is_a_service_request() {
        let categories = [category()];
        let commune = commune();
        let context = Context { categories: &categories, commune: &commune, public_base: Some("https://miroir.fr") };
        assert_eq!(
            service_request(&report(), &context).to_json(),
            serde_json::json!({
                "service_request_id": "0190c0de-0000-7000-8000-000000000000",
                "status": "closed",
                "status_notes": "Vu.",
                "service_name": "Voirie",
                "service_code": "voirie",
                "description": "Un trou <profond>",
                "agency_responsible": "Paris",
                "requested_datetime": "2023-11-14T22:13:20Z",
                "updated_datetime": "2023-11-14T22:16:40Z",
                "address": "12 rue X",
                "lat": 48.8566,
                "long": 2.3522,
                "media_url": "https://miroir.fr/api/v1/communes/75056/reports/0190c0de-0000-7000-8000-000000000000/photos/p1",
            })
        );
        // Open, assigned, no photo, no notes, no description, unknown category.
        let mut open = report();
        open.status = pb::ReportStatus::InProgress as i32;
        open.department = "Voirie".into();
        open.updates.clear();
        open.photos.clear();
        open.description.clear();
        open.category = "retiree".into();
        let json = service_request(&open, &Context { public_base: None, ..context }).to_json();
        assert_eq!(json["status"], "open");
        assert_eq!(json["status_notes"], serde_json::Value::Null);
        assert_eq!(json["media_url"], serde_json::Value::Null);
        assert_eq!(json["agency_responsible"], "Voirie");
        assert_eq!(json["description"], "Nid-de-poule");
        assert_eq!(json["service_name"], "retiree");
        assert_eq!(json["updated_datetime"], json["requested_datetime"]);
    }

    #[test]
    fn photo_urls_stay_under_the_report() {
        let mut foreign = report();
        foreign.photos[0].name = "communes/69123/reports/x/photos/p1".into();
        assert_eq!(media_url(&foreign, Some("http://h")), None);
        let mut traversal = report();
        traversal.photos[0].name = format!("{}/photos/../../x", traversal.name);
        assert_eq!(media_url(&traversal, Some("http://h")), None);
        assert_eq!(media_url(&report(), None), None);
    }

    #[test]
    fn the_public_base_comes_from_host_conservatively() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            pairs.iter().map(|(k, v)| (axum::http::HeaderName::from_static(k), HeaderValue::from_static(v))).collect()
        };
        assert_eq!(public_base(&headers(&[("host", "miroir.fr")])).as_deref(), Some("http://miroir.fr"));
        assert_eq!(
            public_base(&headers(&[("host", "127.0.0.1:8080"), ("x-forwarded-proto", "https, http")])).as_deref(),
            Some("https://127.0.0.1:8080")
        );
        assert_eq!(
            public_base(&headers(&[("host", "[::1]:8080"), ("x-forwarded-proto", "javascript")])).as_deref(),
            Some("http://[::1]:8080")
        );
        for bad in ["evil.fr/x", "a@b", "", "a b", "evil.fr\"><x"] {
            let mut map = HeaderMap::new();
            if let Ok(value) = HeaderValue::from_str(bad) {
                map.insert(axum::http::header::HOST, value);
            }
            assert_eq!(public_base(&map), None, "{bad}");
        }
    }

    #[test]
    fn titles_fit_the_services_rule() {
        assert_eq!(title("Voirie", "Un trou\n\tprofond."), "Voirie : Un trou profond.");
        assert_eq!(title("Voirie", "  "), "Voirie");
        assert_eq!(title("", "Trou"), "Trou");
        assert_eq!(title("X", ""), "Signalement X");
        assert_eq!(title("", ""), "Signalement");
        let long = "mot ".repeat(60);
        let cut = title("Voirie", &long);
        assert!(cut.chars().count() <= 120, "{cut}");
        assert!(cut.ends_with("mot…"), "{cut}");
        // No space to cut at: cut inside, still within bounds, on a char boundary.
        let solid = "é".repeat(300);
        let cut = title("Voirie", &solid);
        assert_eq!(cut.chars().count(), 120);
        assert!(cut.ends_with('…'));
        assert_eq!(title("Voirie", "a\u{0}b"), "Voirie : ab");
    }

    #[test]
    fn notices() {
        let mut report = report();
        assert_eq!(service_notice(&commune(), &report), "La commune s'engage à répondre sous 7 jours.");
        report.verified = false;
        let notice = service_notice(&id::Commune::default(), &report);
        assert_eq!(notice, "Le signalement sera public quand l'adresse e-mail aura été confirmée.");
    }
}
