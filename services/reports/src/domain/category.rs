//! A commune's report categories as a decider: one catalog aggregate per
//! commune (id = the INSEE code), so that the first change of a commune that
//! still uses the standard categories copies them in the same decision —
//! defining one category never makes the others vanish.
//!
//! Also the pure checks of a category's definition and of the answers to its
//! extra questions (Open311 attributes).

use std::collections::BTreeMap;

use miroir_eventstore::decider::{Decider, EventCodec};
use miroir_eventstore::{NewEvent, RecordedEvent};
use miroir_proto::reports::v1 as pb;

use super::report::DomainError;

pub const MAX_ATTRIBUTES: usize = 20;
pub const MAX_VALUES: usize = 50;
pub const MAX_KEYWORDS: usize = 20;
pub const MAX_ANSWER_CHARS: usize = 1000;

fn invalid(field: &'static str, reason: impl Into<String>) -> DomainError {
    DomainError::Invalid { field, reason: reason.into() }
}

/// A stable code: 1..64 of `[a-z0-9_-]` (category codes, attribute codes, value keys).
pub fn valid_code(code: &str) -> bool {
    (1..=64).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn text(field: &'static str, value: &str, chars: std::ops::RangeInclusive<usize>) -> Result<String, DomainError> {
    let value = value.trim();
    let count = value.chars().count();
    if !chars.contains(&count) {
        return Err(invalid(field, format!("must be {} to {} characters", chars.start(), chars.end())));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(invalid(field, "must not contain control characters"));
    }
    Ok(value.to_owned())
}

fn value(key: &str, name: &str) -> pb::AttributeValue {
    pb::AttributeValue { key: key.into(), name: name.into() }
}

/// The categories a commune has until its administrator defines its own
/// (FixMyStreet's usual set, in French), each routed to the department that
/// usually handles it.
pub fn standard() -> Vec<pb::Category> {
    let category = |code: &str, name: &str, description: &str, department: &str, keywords: &[&str]| pb::Category {
        code: code.into(),
        name: name.into(),
        description: description.into(),
        department: department.into(),
        attributes: Vec::new(),
        active: true,
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
    };
    let mut lighting = category(
        "eclairage",
        "Éclairage public",
        "Lampadaire éteint, clignotant ou allumé en plein jour.",
        "services techniques",
        &["lampadaire", "lumière", "candélabre"],
    );
    lighting.attributes.push(pb::CategoryAttribute {
        code: "numero-candelabre".into(),
        description: "Numéro du candélabre (plaque sur le poteau), s'il est visible".into(),
        datatype: pb::AttributeType::String.into(),
        required: false,
        values: Vec::new(),
    });
    let mut cleanliness = category(
        "proprete",
        "Propreté",
        "Dépôt sauvage, tags, poubelle débordante.",
        "propreté",
        &["déchets", "encombrants", "tag"],
    );
    cleanliness.attributes.push(pb::CategoryAttribute {
        code: "type-depot".into(),
        description: "De quoi s'agit-il ?".into(),
        datatype: pb::AttributeType::SingleValueList.into(),
        required: false,
        values: vec![
            value("encombrants", "Encombrants"),
            value("gravats", "Gravats"),
            value("ordures", "Ordures ménagères"),
            value("tag", "Tag ou affichage sauvage"),
            value("autre", "Autre"),
        ],
    });
    vec![
        category(
            "voirie",
            "Voirie et trottoirs",
            "Nid-de-poule, trottoir abîmé, chaussée dégradée.",
            "services techniques",
            &["route", "trou", "chaussée"],
        ),
        lighting,
        cleanliness,
        category(
            "espaces-verts",
            "Espaces verts",
            "Arbre dangereux, pelouse ou massif à entretenir.",
            "espaces verts",
            &["arbre", "parc", "jardin"],
        ),
        category(
            "securite",
            "Sécurité et signalisation",
            "Panneau tombé, feu en panne, danger pour les passants.",
            "services techniques",
            &["panneau", "feu", "danger"],
        ),
        category(
            "mobilier-urbain",
            "Mobilier urbain",
            "Banc, abribus, barrière ou jeu d'enfants cassé.",
            "services techniques",
            &["banc", "abribus", "aire de jeux"],
        ),
        category("autre", "Autre problème", "Tout ce qui ne rentre dans aucune autre catégorie.", "accueil", &[]),
    ]
}

/// Checks and normalises a category definition; errors name the field.
pub fn validate(category: &pb::Category) -> Result<pb::Category, DomainError> {
    if !valid_code(&category.code) {
        return Err(invalid("category.code", "must be 1 to 64 lowercase letters, digits, '-' or '_'"));
    }
    if category.keywords.len() > MAX_KEYWORDS {
        return Err(invalid("category.keywords", format!("at most {MAX_KEYWORDS}")));
    }
    let mut keywords = Vec::new();
    for keyword in &category.keywords {
        let keyword = text("category.keywords", keyword, 1..=40)?;
        if keyword.contains(',') {
            return Err(invalid("category.keywords", "a keyword must not contain a comma"));
        }
        keywords.push(keyword);
    }
    if category.attributes.len() > MAX_ATTRIBUTES {
        return Err(invalid("category.attributes", format!("at most {MAX_ATTRIBUTES}")));
    }
    let mut attributes: Vec<pb::CategoryAttribute> = Vec::new();
    for attribute in &category.attributes {
        if !valid_code(&attribute.code) {
            return Err(invalid("category.attributes.code", "must be 1 to 64 lowercase letters, digits, '-' or '_'"));
        }
        if attributes.iter().any(|a| a.code == attribute.code) {
            return Err(invalid("category.attributes.code", format!("`{}` is used twice", attribute.code)));
        }
        let datatype = match pb::AttributeType::try_from(attribute.datatype) {
            Ok(pb::AttributeType::Unspecified) | Err(_) => {
                return Err(invalid("category.attributes.datatype", "must be a known type"));
            }
            Ok(t) => t,
        };
        let is_list = matches!(datatype, pb::AttributeType::SingleValueList | pb::AttributeType::MultiValueList);
        if is_list && attribute.values.is_empty() {
            return Err(invalid("category.attributes.values", "a list needs at least one value"));
        }
        if !is_list && !attribute.values.is_empty() {
            return Err(invalid("category.attributes.values", "only a list has values"));
        }
        if attribute.values.len() > MAX_VALUES {
            return Err(invalid("category.attributes.values", format!("at most {MAX_VALUES}")));
        }
        let mut values: Vec<pb::AttributeValue> = Vec::new();
        for v in &attribute.values {
            if !valid_code(&v.key) || values.iter().any(|known| known.key == v.key) {
                return Err(invalid("category.attributes.values.key", "must be distinct codes of [a-z0-9_-]"));
            }
            values.push(pb::AttributeValue {
                key: v.key.clone(),
                name: text("category.attributes.values.name", &v.name, 1..=100)?,
            });
        }
        attributes.push(pb::CategoryAttribute {
            code: attribute.code.clone(),
            description: text("category.attributes.description", &attribute.description, 1..=300)?,
            datatype: datatype.into(),
            required: attribute.required,
            values,
        });
    }
    Ok(pb::Category {
        code: category.code.clone(),
        name: text("category.name", &category.name, 1..=80)?,
        description: text("category.description", &category.description, 0..=500)?,
        department: text("category.department", &category.department, 0..=80)?,
        attributes,
        active: category.active,
        keywords,
    })
}

fn is_datetime(value: &str) -> bool {
    // W3C / RFC 3339 date or date-time: checked by shape, the digits by range.
    let b = value.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let date = b.len() >= 10 && digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10);
    let month = value.get(5..7).and_then(|m| m.parse::<u8>().ok()).unwrap_or(0);
    let day = value.get(8..10).and_then(|d| d.parse::<u8>().ok()).unwrap_or(0);
    date && (1..=12).contains(&month) && (1..=31).contains(&day) && (b.len() == 10 || b.get(10) == Some(&b'T'))
}

/// Checks the answers to a category's questions: every required one answered,
/// no unknown code, values of the right type. Answers come back in the
/// category's order, trimmed, empty ones dropped.
pub fn answers(
    category: &pb::Category,
    given: &[pb::AttributeAnswer],
) -> Result<Vec<pb::AttributeAnswer>, DomainError> {
    for answer in given {
        if !category.attributes.iter().any(|a| a.code == answer.code) {
            return Err(invalid("attributes", format!("`{}` is not a question of this category", answer.code)));
        }
        if given.iter().filter(|a| a.code == answer.code).count() > 1 {
            return Err(invalid("attributes", format!("`{}` is answered twice", answer.code)));
        }
    }
    let mut out = Vec::new();
    for attribute in &category.attributes {
        let values: Vec<String> = given
            .iter()
            .find(|a| a.code == attribute.code)
            .map(|a| a.values.iter().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()).collect())
            .unwrap_or_default();
        if values.is_empty() {
            if attribute.required {
                return Err(invalid(
                    "attributes",
                    format!("`{}` is required: {}", attribute.code, attribute.description),
                ));
            }
            continue;
        }
        let wrong = |what: &str| invalid("attributes", format!("`{}` {what}", attribute.code));
        let datatype = pb::AttributeType::try_from(attribute.datatype).unwrap_or(pb::AttributeType::String);
        if datatype != pb::AttributeType::MultiValueList && values.len() > 1 {
            return Err(wrong("takes one value"));
        }
        for v in &values {
            if v.chars().count() > MAX_ANSWER_CHARS {
                return Err(wrong(&format!("must be at most {MAX_ANSWER_CHARS} characters")));
            }
            let ok = match datatype {
                pb::AttributeType::Number => v.parse::<f64>().is_ok_and(f64::is_finite),
                pb::AttributeType::Datetime => is_datetime(v),
                pb::AttributeType::SingleValueList | pb::AttributeType::MultiValueList => {
                    attribute.values.iter().any(|known| &known.key == v)
                }
                pb::AttributeType::String => !v.contains('\n'),
                pb::AttributeType::Text | pb::AttributeType::Unspecified => true,
            };
            if !ok {
                return Err(wrong(match datatype {
                    pb::AttributeType::Number => "must be a number",
                    pb::AttributeType::Datetime => "must be a date (YYYY-MM-DD or an ISO 8601 date-time)",
                    pb::AttributeType::String => "must fit on one line",
                    _ => "must be one of the listed values",
                }));
            }
        }
        out.push(pb::AttributeAnswer { code: attribute.code.clone(), values });
    }
    Ok(out)
}

/// The catalog: `None` while the commune uses the standard categories.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog(pub Option<BTreeMap<String, pb::Category>>);

#[derive(Debug, Clone, PartialEq)]
pub enum CatalogCommand {
    /// Create or replace one category (retire it with `active = false`).
    Define { commune: String, category: pb::Category, by: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum CatalogEvent {
    Defined(pb::CategoryDefined),
}

pub struct CatalogDecider;

impl Decider for CatalogDecider {
    type State = Catalog;
    type Command = CatalogCommand;
    type Event = CatalogEvent;
    type Error = DomainError;

    fn decide(state: &Catalog, command: CatalogCommand) -> Result<Vec<CatalogEvent>, DomainError> {
        let CatalogCommand::Define { commune, category, by } = command;
        let category = validate(&category)?;
        let defined = |category: pb::Category| {
            CatalogEvent::Defined(pb::CategoryDefined {
                commune: commune.clone(),
                category: Some(category),
                by: by.clone(),
            })
        };
        let mut events = Vec::new();
        match &state.0 {
            None => events.extend(standard().into_iter().filter(|s| s.code != category.code).map(defined)),
            Some(known) if known.get(&category.code) == Some(&category) => {
                return Err(DomainError::WrongState("this category already has exactly this definition"));
            }
            Some(_) => {}
        }
        events.push(defined(category));
        Ok(events)
    }

    fn evolve(state: Catalog, event: &CatalogEvent) -> Catalog {
        let CatalogEvent::Defined(e) = event;
        let mut known = state.0.unwrap_or_default();
        if let Some(category) = &e.category {
            known.insert(category.code.clone(), category.clone());
        }
        Catalog(Some(known))
    }
}

impl EventCodec for CatalogEvent {
    fn encode(&self) -> NewEvent {
        let CatalogEvent::Defined(e) = self;
        NewEvent::from_message(e)
    }

    fn decode(event: &RecordedEvent) -> Result<Option<Self>, prost::DecodeError> {
        match event.decode::<pb::CategoryDefined>() {
            Some(e) => e.map(|e| Some(CatalogEvent::Defined(e))),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn define(category: pb::Category) -> CatalogCommand {
        CatalogCommand::Define { commune: "75056".into(), category, by: "admin".into() }
    }

    fn potholes() -> pb::Category {
        pb::Category {
            code: "voirie".into(),
            name: "Chaussée".into(),
            department: "voirie".into(),
            active: true,
            ..Default::default()
        }
    }

    #[test]
    fn the_standard_categories_are_valid() {
        for category in standard() {
            assert_eq!(validate(&category).as_ref(), Ok(&category), "{}", category.code);
        }
    }

    #[test]
    fn the_first_definition_keeps_the_standard_ones() {
        let events = CatalogDecider::decide(&Catalog::default(), define(potholes())).expect("valid");
        assert_eq!(events.len(), standard().len());
        let state = events.iter().fold(Catalog::default(), CatalogDecider::evolve);
        let known = state.0.clone().unwrap_or_default();
        assert_eq!(known.get("voirie").map(|c| c.name.as_str()), Some("Chaussée"));
        assert!(known.contains_key("eclairage"));
        // Then only the change is recorded, and the same definition twice is refused.
        let events = CatalogDecider::decide(&state, define(pb::Category { active: false, ..potholes() })).expect("ok");
        assert_eq!(events.len(), 1);
        assert!(CatalogDecider::decide(&state, define(potholes())).is_err());
    }

    #[test]
    fn bad_definitions_name_their_field() {
        let field = |category: pb::Category| match validate(&category) {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected invalid: {other:?}"),
        };
        assert_eq!(field(pb::Category { code: "Voirie".into(), ..potholes() }), "category.code");
        assert_eq!(field(pb::Category { name: " ".into(), ..potholes() }), "category.name");
        let list = pb::CategoryAttribute {
            code: "kind".into(),
            description: "Quoi ?".into(),
            datatype: pb::AttributeType::SingleValueList.into(),
            ..Default::default()
        };
        assert_eq!(field(pb::Category { attributes: vec![list.clone()], ..potholes() }), "category.attributes.values");
        let twice = vec![
            pb::CategoryAttribute { values: vec![value("a", "A")], ..list.clone() },
            pb::CategoryAttribute { values: vec![value("a", "A")], ..list },
        ];
        assert_eq!(field(pb::Category { attributes: twice, ..potholes() }), "category.attributes.code");
    }

    #[test]
    fn answers_are_checked_against_the_questions() {
        let mut category = potholes();
        category.attributes = vec![
            pb::CategoryAttribute {
                code: "depth".into(),
                description: "Profondeur (cm)".into(),
                datatype: pb::AttributeType::Number.into(),
                required: true,
                values: vec![],
            },
            pb::CategoryAttribute {
                code: "kind".into(),
                description: "Quoi ?".into(),
                datatype: pb::AttributeType::MultiValueList.into(),
                required: false,
                values: vec![value("trou", "Trou"), value("fissure", "Fissure")],
            },
            pb::CategoryAttribute {
                code: "seen".into(),
                description: "Depuis quand ?".into(),
                datatype: pb::AttributeType::Datetime.into(),
                required: false,
                values: vec![],
            },
        ];
        let answer = |code: &str, values: &[&str]| pb::AttributeAnswer {
            code: code.into(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        };
        let ok = answers(&category, &[answer("kind", &["trou", "fissure"]), answer("depth", &[" 12 "])]).expect("ok");
        assert_eq!(ok, vec![answer("depth", &["12"]), answer("kind", &["trou", "fissure"])]);
        for bad in [
            vec![],
            vec![answer("depth", &["profond"])],
            vec![answer("depth", &["1"]), answer("kind", &["mur"])],
            vec![answer("depth", &["1"]), answer("other", &["x"])],
            vec![answer("depth", &["1", "2"])],
            vec![answer("depth", &["1"]), answer("seen", &["hier"])],
            vec![answer("depth", &["1"]), answer("seen", &["2026-13-01"])],
        ] {
            assert!(answers(&category, &bad).is_err(), "{bad:?}");
        }
        assert!(answers(&category, &[answer("depth", &["1"]), answer("seen", &["2026-11-02T10:00:00Z"])]).is_ok());
    }
}
