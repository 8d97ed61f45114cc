//! A commune's report categories, for its administrators: the list (retired
//! ones too) and one form to create or change a category and its extra
//! questions. The questions are a repeated block of fields (the existing
//! ones and two empty ones: save, and two more empty ones come back), so the
//! page needs no JavaScript.

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use miroir_proto::reports::v1 as rp;
use tonic::Code;

use super::{categories, commune, plain_segment};
use crate::rest::extract::ClientAddress;
use crate::site::forms::{FormData, FormErrors, error_page};
use crate::site::i18n::Tr;
use crate::site::page::{self, Frame, redirect, render};
use crate::site::session::Visitor;
use crate::site::{CommuneView, Field, form_request_id, posted};
use crate::{AppState, GatewayError, upstream};

/// Empty question blocks offered below the existing ones.
const EMPTY_QUESTIONS: usize = 2;
/// Most question blocks read from one post.
const MAX_QUESTIONS: usize = 64;

/// The datatypes of the question block's `<select>`: (form value, catalogue key, type).
const DATATYPES: &[(&str, &str, rp::AttributeType)] = &[
    ("string", "datatype-string", rp::AttributeType::String),
    ("text", "datatype-text", rp::AttributeType::Text),
    ("number", "datatype-number", rp::AttributeType::Number),
    ("datetime", "datatype-datetime", rp::AttributeType::Datetime),
    ("single", "datatype-single", rp::AttributeType::SingleValueList),
    ("multi", "datatype-multi", rp::AttributeType::MultiValueList),
];

fn datatype_value(datatype: rp::AttributeType) -> &'static str {
    DATATYPES.iter().find(|(_, _, t)| *t == datatype).map_or("string", |(v, _, _)| v)
}

/// A code as the service accepts it: 1 to 64 of `[a-z0-9_-]`.
fn valid_code(code: &str) -> bool {
    (1..=64).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// A code made of a label ("Plus grand qu'une assiette" → "plus-grand-qu-une-assiette").
fn slug(label: &str) -> String {
    let mut code = String::new();
    for c in label.to_lowercase().chars() {
        let c = match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' => 'y',
            'œ' => 'o',
            c if c.is_ascii_lowercase() || c.is_ascii_digit() => c,
            _ => '-',
        };
        if c != '-' || !code.ends_with('-') {
            code.push(c);
        }
    }
    code.trim_matches('-').chars().take(64).collect::<String>().trim_end_matches('-').to_owned()
}

/// One question block of the form, as typed (or as stored).
#[derive(Debug, Clone, Default)]
pub struct QuestionBlock {
    pub index: usize,
    pub code: String,
    pub question: String,
    pub datatype: String,
    pub required: bool,
    /// One value per line: `key = label`, or just `label` (then the key is the label).
    pub values: String,
}

impl QuestionBlock {
    fn from_attribute(index: usize, a: &rp::CategoryAttribute) -> Self {
        QuestionBlock {
            index,
            code: a.code.clone(),
            question: a.description.clone(),
            datatype: datatype_value(a.datatype()).to_owned(),
            required: a.required,
            values: a.values.iter().map(|v| format!("{} = {}", v.key, v.name)).collect::<Vec<_>>().join("\n"),
        }
    }

    fn from_form(index: usize, form: &FormData) -> Self {
        let get = |field: &str| form.get(&format!("q{index}_{field}")).to_owned();
        QuestionBlock {
            index,
            code: get("code").trim().to_owned(),
            question: get("question").trim().to_owned(),
            datatype: get("type"),
            required: get("required") == "1",
            values: get("values"),
        }
    }

    fn is_empty(&self) -> bool {
        self.code.is_empty() && self.question.is_empty() && self.values.trim().is_empty()
    }

    /// The field name of this block's `field` (`q3_code`).
    pub fn name(&self, field: &str) -> String {
        format!("q{}_{field}", self.index)
    }

    pub fn described_by(&self, errors: &FormErrors, field: &str) -> String {
        let name = self.name(field);
        let mut ids = Vec::new();
        if field == "values" {
            ids.push(format!("{name}-hint"));
        }
        if errors.has(&name) {
            ids.push(format!("{name}-error"));
        }
        ids.join(" ")
    }

    /// The question, or why it cannot be one (errors are added under this block's field names).
    fn parse(&self, tr: &Tr, errors: &mut FormErrors) -> Option<rp::CategoryAttribute> {
        let before = errors.summary.len();
        if !valid_code(&self.code) {
            errors.add(&self.name("code"), tr.t1("invalid-question-code", &(self.index + 1).to_string()));
        }
        if self.question.is_empty() || self.question.chars().count() > 300 {
            errors.add(&self.name("question"), tr.t1("invalid-question-text", &(self.index + 1).to_string()));
        }
        let datatype = DATATYPES.iter().find(|(v, _, _)| *v == self.datatype).map(|(_, _, t)| *t);
        let Some(datatype) = datatype else {
            errors.add(&self.name("type"), tr.t1("invalid-question-type", &(self.index + 1).to_string()));
            return None;
        };
        let list = matches!(datatype, rp::AttributeType::SingleValueList | rp::AttributeType::MultiValueList);
        let mut values: Vec<rp::AttributeValue> = Vec::new();
        for line in self.values.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (key, name) = match line.split_once('=') {
                Some((key, name)) => (key.trim().to_owned(), name.trim()),
                None => (slug(line), line),
            };
            if !valid_code(&key) || name.is_empty() || name.chars().count() > 100 || values.iter().any(|v| v.key == key)
            {
                errors.add(&self.name("values"), tr.t1("invalid-question-values", &(self.index + 1).to_string()));
                break;
            }
            values.push(rp::AttributeValue { key, name: name.to_owned() });
        }
        if list && values.is_empty() && !errors.has(&self.name("values")) {
            errors.add(&self.name("values"), tr.t1("invalid-question-no-values", &(self.index + 1).to_string()));
        }
        if !list && !values.is_empty() && !errors.has(&self.name("values")) {
            errors.add(&self.name("values"), tr.t1("invalid-question-values-not-list", &(self.index + 1).to_string()));
        }
        (errors.summary.len() == before).then(|| rp::CategoryAttribute {
            code: self.code.clone(),
            description: self.question.clone(),
            datatype: datatype.into(),
            required: self.required,
            values,
        })
    }
}

/// A category of the list.
#[derive(Debug, Clone)]
pub struct CategoryRow {
    pub code: String,
    pub name: String,
    pub department: String,
    pub active: bool,
    pub questions: usize,
    pub keywords: String,
}

#[derive(Template)]
#[template(path = "categories.html")]
struct Categories {
    frame: Frame,
    commune: CommuneView,
    notice: String,
    errors: FormErrors,
    rows: Vec<CategoryRow>,
    editing: bool,
    fields: Vec<Field>,
    active: bool,
    blocks: Vec<QuestionBlock>,
    /// How many block numbers the form may carry (the hidden `questions` field).
    question_slots: usize,
    /// (value, label)
    datatypes: Vec<(&'static str, String)>,
}

/// The form's values: a stored category, or what was typed.
struct Values {
    editing: bool,
    code: String,
    name: String,
    description: String,
    department: String,
    keywords: String,
    active: bool,
    blocks: Vec<QuestionBlock>,
}

impl Values {
    fn blank() -> Self {
        Values {
            editing: false,
            code: String::new(),
            name: String::new(),
            description: String::new(),
            department: String::new(),
            keywords: String::new(),
            active: true,
            blocks: Vec::new(),
        }
    }

    fn of(category: &rp::Category) -> Self {
        Values {
            editing: true,
            code: category.code.clone(),
            name: category.name.clone(),
            description: category.description.clone(),
            department: category.department.clone(),
            keywords: category.keywords.join(", "),
            active: category.active,
            blocks: category.attributes.iter().enumerate().map(|(i, a)| QuestionBlock::from_attribute(i, a)).collect(),
        }
    }

    fn typed(form: &FormData) -> Self {
        let count = form.get("questions").parse::<usize>().unwrap_or(0).min(MAX_QUESTIONS);
        Values {
            editing: form.get("editing") == "1",
            code: form.get("code").trim().to_owned(),
            name: form.get("name").trim().to_owned(),
            description: form.get("description").trim().to_owned(),
            department: form.get("department").trim().to_owned(),
            keywords: form.get("keywords").to_owned(),
            active: form.get("active") == "1",
            blocks: (0..count).map(|i| QuestionBlock::from_form(i, form)).collect(),
        }
    }
}

/// Only the commune's administrators (and the operator); `Err` is the answer instead.
#[allow(clippy::result_large_err)]
fn admin_only(visitor: Visitor, insee: &str) -> Result<Visitor, Response> {
    match &visitor.user {
        None => {
            let to = format!("/compte/connexion?suite=/c/{insee}/administration/categories/");
            Err(redirect(visitor, &to))
        }
        Some(user) if user.holds(insee, &["commune_admin"]) => Ok(visitor),
        Some(_) => Err(page::message(visitor, StatusCode::FORBIDDEN, "error-title", "error-forbidden")),
    }
}

/// What the page shows besides the list: a notice, or a refused form with what was typed, or the category to edit.
#[derive(Default)]
struct Shown {
    notice: String,
    errors: FormErrors,
    values: Option<Values>,
    edit: String,
}

async fn categories_page(
    state: &AppState,
    visitor: Visitor,
    insee: &str,
    status: StatusCode,
    shown: Shown,
) -> Response {
    let Shown { notice, errors, values, edit } = shown;
    let loaded = tokio::try_join!(commune(state, insee), categories(state, &visitor, insee, true));
    let (commune, categories) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return error_page(visitor, &error),
    };
    let tr = &visitor.tr;
    let values =
        values.unwrap_or_else(|| categories.iter().find(|c| c.code == edit).map_or_else(Values::blank, Values::of));
    let rows = categories
        .iter()
        .map(|c| CategoryRow {
            code: c.code.clone(),
            name: c.name.clone(),
            department: c.department.clone(),
            active: c.active,
            questions: c.attributes.len(),
            keywords: c.keywords.join(", "),
        })
        .collect();
    let mut code =
        Field::new(tr, "code", "field-category-code", "text").hint(tr, "field-category-code-hint").value(&values.code);
    code.autocomplete = "off";
    let fields = vec![
        code,
        Field::new(tr, "name", "field-category-name", "text").value(&values.name),
        Field::new(tr, "description", "field-category-description", "textarea").value(&values.description).optional(),
        Field::new(tr, "department", "field-category-department", "text")
            .hint(tr, "field-category-department-hint")
            .value(&values.department)
            .optional(),
        Field::new(tr, "keywords", "field-category-keywords", "text")
            .hint(tr, "field-category-keywords-hint")
            .value(&values.keywords)
            .optional(),
    ];
    // The blocks keep their numbers (errors name them); empty ones follow the last.
    let mut blocks: Vec<QuestionBlock> = values.blocks.into_iter().filter(|b| !b.is_empty()).collect();
    let next = blocks.iter().map(|b| b.index + 1).max().unwrap_or(0);
    blocks.extend((0..EMPTY_QUESTIONS).map(|i| QuestionBlock {
        index: next + i,
        datatype: "string".to_owned(),
        ..Default::default()
    }));
    let question_slots = next + EMPTY_QUESTIONS;
    let datatypes = DATATYPES.iter().map(|(value, key, _)| (*value, tr.t(key))).collect();
    let page = Categories {
        frame: Frame::new(&visitor, tr.t1("categories-title", &commune.display_name)),
        commune,
        notice,
        errors,
        rows,
        editing: values.editing,
        fields,
        active: values.active,
        blocks,
        question_slots,
        datatypes,
    };
    render(visitor, status, &page)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if !plain_segment(&insee) {
        return page::message(visitor, StatusCode::NOT_FOUND, "error-title", "error-not-found");
    }
    let visitor = match admin_only(visitor, &insee) {
        Ok(visitor) => visitor,
        Err(refused) => return refused,
    };
    let notice =
        if params.get("fait").is_some_and(|v| v == "1") { visitor.tr.t("category-saved") } else { String::new() };
    let edit = params.get("code").cloned().unwrap_or_default();
    categories_page(&state, visitor, &insee, StatusCode::OK, Shown { notice, edit, ..Shown::default() }).await
}

/// The service's field names on this form: `category.name` → `name`; a
/// question's field (the service names no index) → `questions`, said in the summary.
fn form_field(field: &str) -> String {
    let field = field.strip_prefix("category.").unwrap_or(field);
    if field.starts_with("attributes") { "questions".to_owned() } else { field.to_owned() }
}

pub async fn define(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path(insee): Path<String>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    if !plain_segment(&insee) {
        return page::message(visitor, StatusCode::NOT_FOUND, "error-title", "error-not-found");
    }
    let visitor = match admin_only(visitor, &insee) {
        Ok(visitor) => visitor,
        Err(refused) => return refused,
    };
    let values = Values::typed(&form);
    let tr = &visitor.tr;
    let mut errors = FormErrors::default();
    if !valid_code(&values.code) {
        errors.add("code", tr.t("invalid-category-code"));
    }
    if values.name.is_empty() || values.name.chars().count() > 80 {
        errors.add("name", tr.t("invalid-category-name"));
    }
    let keywords: Vec<String> =
        values.keywords.split(',').map(str::trim).filter(|k| !k.is_empty()).map(str::to_owned).collect();
    if keywords.len() > 20 || keywords.iter().any(|k| k.chars().count() > 40) {
        errors.add("keywords", tr.t("invalid-category-keywords"));
    }
    if values.description.chars().count() > 500 {
        errors.add("description", tr.t("invalid-category-description"));
    }
    if values.department.chars().count() > 80 {
        errors.add("department", tr.t("invalid-category-department"));
    }
    let mut attributes = Vec::new();
    for block in values.blocks.iter().filter(|b| !b.is_empty()) {
        if let Some(attribute) = block.parse(tr, &mut errors) {
            if attributes.iter().any(|a: &rp::CategoryAttribute| a.code == attribute.code) {
                errors.add(&block.name("code"), tr.t1("invalid-question-code-taken", &(block.index + 1).to_string()));
                continue;
            }
            attributes.push(attribute);
        }
    }
    if !errors.is_empty() {
        let shown = Shown { errors, values: Some(values), ..Shown::default() };
        return categories_page(&state, visitor, &insee, StatusCode::BAD_REQUEST, shown).await;
    }
    let category = rp::Category {
        code: values.code.clone(),
        name: values.name.clone(),
        description: values.description.clone(),
        department: values.department.clone(),
        attributes,
        active: values.active,
        keywords,
    };
    let key = format!("{category:?}");
    let message = rp::DefineCategoryRequest {
        parent: format!("communes/{insee}"),
        category: Some(category),
        request_id: form_request_id(&visitor.csrf, &["category", &key]),
    };
    let mut reports = state.reports.clone();
    match upstream::call(reports.define_category(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, &format!("/c/{insee}/administration/categories/?fait=1")),
        Err(GatewayError::Upstream(status))
            if matches!(status.code(), Code::InvalidArgument | Code::AlreadyExists | Code::FailedPrecondition) =>
        {
            use tonic_types::StatusExt;
            let mut errors = FormErrors::default();
            if let Some(bad) = status.get_details_bad_request() {
                for violation in bad.field_violations {
                    errors.add(&form_field(&violation.field), violation.description);
                }
            }
            if errors.is_empty() {
                errors.summary.push(status.message().to_owned());
            }
            let shown = Shown { errors, values: Some(values), ..Shown::default() };
            categories_page(&state, visitor, &insee, StatusCode::BAD_REQUEST, shown).await
        }
        Err(error) => error_page(visitor, &error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::i18n::Lang;

    fn block(datatype: &str, values: &str) -> QuestionBlock {
        QuestionBlock {
            index: 0,
            code: "taille".into(),
            question: "Quelle taille ?".into(),
            datatype: datatype.into(),
            required: true,
            values: values.into(),
        }
    }

    #[test]
    fn question_blocks_become_attributes_or_clear_errors() {
        let tr = Tr::new(Lang::Fr);
        let mut errors = FormErrors::default();
        let list =
            block("single", "petit = Petit\n\n grand=Grand \nMoyen écart").parse(&tr, &mut errors).expect("a list");
        assert!(errors.is_empty(), "{:?}", errors.summary);
        assert_eq!(list.datatype(), rp::AttributeType::SingleValueList);
        let keys: Vec<_> = list.values.iter().map(|v| (v.key.as_str(), v.name.as_str())).collect();
        assert_eq!(keys, [("petit", "Petit"), ("grand", "Grand"), ("moyen-ecart", "Moyen écart")]);

        for (bad, field) in [
            (block("single", ""), "q0_values"),
            (block("single", "a = A\na = B"), "q0_values"),
            (block("single", "Grand = Grand"), "q0_values"),
            (block("number", "a = A"), "q0_values"),
            (block("colour", ""), "q0_type"),
            (QuestionBlock { code: "Pas Bon".into(), ..block("string", "") }, "q0_code"),
            (QuestionBlock { question: String::new(), ..block("string", "") }, "q0_question"),
        ] {
            let mut errors = FormErrors::default();
            assert!(bad.parse(&tr, &mut errors).is_none(), "{bad:?}");
            assert!(errors.has(field), "{bad:?}: {:?}", errors.fields);
        }
    }

    #[test]
    fn the_services_field_paths_name_the_forms_fields() {
        assert_eq!(form_field("category.code"), "code");
        assert_eq!(form_field("category.attributes.values.key"), "questions");
        assert_eq!(slug("Plus grand qu'une assiette !"), "plus-grand-qu-une-assiette");
        assert_eq!(slug("Éclairé"), "eclaire");
    }
}
