//! The JSON shapes of a commune's report categories (also their OpenAPI
//! schemas) and their conversion from and to the gRPC messages.

use miroir_proto::reports::v1 as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::GatewayError;

/// A kind of report a commune takes, with the extra questions asked when
/// reporting in it (Open311's service and its attributes).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Category {
    /// Stable code (Open311's `service_code`): 1 to 64 of `a-z`, `0-9`, `-`, `_`.
    #[schema(example = "arbres")]
    pub code: String,
    #[schema(example = "Arbres")]
    pub name: String,
    #[schema(example = "Arbre malade ou dangereux.")]
    pub description: String,
    /// The department its new reports go to (null = none).
    #[schema(required = true, example = "espaces verts")]
    pub department: Option<String>,
    pub attributes: Vec<CategoryAttribute>,
    /// A retired category (false) takes no new reports; its reports keep it.
    pub active: bool,
    #[schema(example = json!(["arbre", "branche"]))]
    pub keywords: Vec<String>,
}

/// Body of `PUT /api/v1/communes/{insee}/categories/{code}`: the whole
/// definition, which replaces the previous one.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DefineCategory {
    /// Optional: the code is the one in the path; if given, it must be the same.
    #[serde(default)]
    #[schema(example = "arbres")]
    pub code: Option<String>,
    /// 1 to 80 characters.
    #[schema(example = "Arbres")]
    pub name: String,
    /// At most 500 characters.
    #[serde(default)]
    #[schema(example = "Arbre malade ou dangereux.")]
    pub description: String,
    /// The department its new reports go to ("" or absent = none), at most 80 characters.
    #[serde(default)]
    #[schema(example = "espaces verts")]
    pub department: String,
    /// At most 20 questions.
    #[serde(default)]
    pub attributes: Vec<CategoryAttribute>,
    /// Default true; false retires the category.
    #[serde(default = "active_by_default")]
    #[schema(default = true)]
    pub active: bool,
    /// At most 20, each 1 to 40 characters without a comma.
    #[serde(default)]
    #[schema(example = json!(["arbre", "branche"]))]
    pub keywords: Vec<String>,
}

fn active_by_default() -> bool {
    true
}

/// An extra question asked when reporting in a category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CategoryAttribute {
    /// Stable code: 1 to 64 of `a-z`, `0-9`, `-`, `_`.
    #[schema(example = "danger")]
    pub code: String,
    /// The question, as residents read it (1 to 300 characters).
    #[schema(example = "Y a-t-il un danger immédiat ?")]
    pub description: String,
    pub datatype: AttributeType,
    #[serde(default)]
    pub required: bool,
    /// For the list types only: the allowed answers (1 to 50).
    #[serde(default)]
    pub values: Vec<AttributeValue>,
}

/// What kind of answer a question expects (Open311's datatypes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttributeType {
    /// One line of text.
    String,
    Number,
    /// An RFC 3339 date or date-time.
    Datetime,
    /// Free text, several lines.
    Text,
    /// One of `values` (its key).
    SingleValueList,
    /// Any of `values` (their keys).
    MultiValueList,
}

/// One allowed answer of a list question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AttributeValue {
    /// What an answer gives: 1 to 64 of `a-z`, `0-9`, `-`, `_`.
    #[schema(example = "oui")]
    pub key: String,
    /// What residents read (1 to 100 characters).
    #[schema(example = "Oui")]
    pub name: String,
}

/// A commune's categories.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryList {
    pub categories: Vec<Category>,
}

impl From<AttributeType> for pb::AttributeType {
    fn from(datatype: AttributeType) -> Self {
        match datatype {
            AttributeType::String => pb::AttributeType::String,
            AttributeType::Number => pb::AttributeType::Number,
            AttributeType::Datetime => pb::AttributeType::Datetime,
            AttributeType::Text => pb::AttributeType::Text,
            AttributeType::SingleValueList => pb::AttributeType::SingleValueList,
            AttributeType::MultiValueList => pb::AttributeType::MultiValueList,
        }
    }
}

impl TryFrom<i32> for AttributeType {
    type Error = GatewayError;

    fn try_from(datatype: i32) -> Result<Self, GatewayError> {
        Ok(match pb::AttributeType::try_from(datatype) {
            Ok(pb::AttributeType::String) => AttributeType::String,
            Ok(pb::AttributeType::Number) => AttributeType::Number,
            Ok(pb::AttributeType::Datetime) => AttributeType::Datetime,
            Ok(pb::AttributeType::Text) => AttributeType::Text,
            Ok(pb::AttributeType::SingleValueList) => AttributeType::SingleValueList,
            Ok(pb::AttributeType::MultiValueList) => AttributeType::MultiValueList,
            Ok(pb::AttributeType::Unspecified) | Err(_) => {
                return Err(GatewayError::UpstreamData(format!("unknown attribute type {datatype}")));
            }
        })
    }
}

impl TryFrom<pb::Category> for Category {
    type Error = GatewayError;

    fn try_from(category: pb::Category) -> Result<Self, GatewayError> {
        let attributes = category
            .attributes
            .into_iter()
            .map(|attribute| {
                Ok(CategoryAttribute {
                    datatype: AttributeType::try_from(attribute.datatype)?,
                    code: attribute.code,
                    description: attribute.description,
                    required: attribute.required,
                    values: attribute.values.into_iter().map(|v| AttributeValue { key: v.key, name: v.name }).collect(),
                })
            })
            .collect::<Result<_, GatewayError>>()?;
        Ok(Category {
            code: category.code,
            name: category.name,
            description: category.description,
            department: Some(category.department).filter(|d| !d.is_empty()),
            attributes,
            active: category.active,
            keywords: category.keywords,
        })
    }
}

impl DefineCategory {
    /// The gRPC definition of the category `code` (the path's).
    pub fn into_proto(self, code: String) -> pb::Category {
        pb::Category {
            code,
            name: self.name,
            description: self.description,
            department: self.department,
            attributes: self
                .attributes
                .into_iter()
                .map(|attribute| pb::CategoryAttribute {
                    code: attribute.code,
                    description: attribute.description,
                    datatype: pb::AttributeType::from(attribute.datatype).into(),
                    required: attribute.required,
                    values: attribute
                        .values
                        .into_iter()
                        .map(|v| pb::AttributeValue { key: v.key, name: v.name })
                        .collect(),
                })
                .collect(),
            active: self.active,
            keywords: self.keywords,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_definition_round_trips_through_the_proto() {
        let body: DefineCategory = serde_json::from_value(serde_json::json!({
            "name": "Arbres",
            "attributes": [{
                "code": "danger", "description": "Danger ?", "datatype": "single_value_list", "required": true,
                "values": [{ "key": "oui", "name": "Oui" }],
            }],
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(body.active, "active unless said otherwise");
        let proto = body.into_proto("arbres".into());
        assert_eq!(proto.attributes[0].datatype, pb::AttributeType::SingleValueList as i32);
        let back = Category::try_from(proto).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.code, "arbres");
        assert_eq!(back.department, None);
        assert_eq!(back.attributes[0].datatype, AttributeType::SingleValueList);
        assert!(
            Category::try_from(pb::Category {
                attributes: vec![pb::CategoryAttribute { datatype: 0, ..Default::default() }],
                ..Default::default()
            })
            .is_err()
        );
    }
}
