//! `/api/v1/communes/{insee}/categories…`: the kinds of report a commune
//! takes. Every commune starts with the standard set; its administrator
//! adds, changes and retires categories.

use axum::extract::State;
use axum::{Json, Router, routing};
use miroir_proto::reports::v1 as pb;

use crate::AppState;
use crate::error::{ErrorBody, FieldViolation, GatewayError};
use crate::rest::category_schemas::{Category, CategoryList, DefineCategory};
use crate::rest::extract::{ApiJson, CategoryPath, CommunePath, Forwarded, query_params};
use crate::rest::reports::parent;
use crate::upstream::{call, request};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/communes/{insee}/categories", routing::get(list_categories))
        .route("/communes/{insee}/categories/{code}", routing::get(get_category).put(define_category))
}

/// `?include_retired=`: `true` or `false` (default).
#[derive(Debug, Default)]
pub struct IncludeRetired(pub bool);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for IncludeRetired {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _state: &S) -> Result<Self, GatewayError> {
        match query_params(parts).await?.get("include_retired").map(|v| v.trim()) {
            None | Some("" | "false") => Ok(IncludeRetired(false)),
            Some("true") => Ok(IncludeRetired(true)),
            Some(_) => Err(GatewayError::invalid_field("include_retired", "must be true or false")),
        }
    }
}

/// The commune's categories (the active ones, unless `include_retired=true`).
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/categories",
    tag = "categories",
    operation_id = "list_categories",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("include_retired" = Option<bool>, Query, description = "Also the retired categories (default false)"),
    ),
    responses(
        (status = 200, description = "The categories", body = CategoryList),
        (status = 400, description = "Malformed commune code or parameter", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn list_categories(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    IncludeRetired(include_retired): IncludeRetired,
    forwarded: Forwarded,
) -> Result<Json<CategoryList>, GatewayError> {
    let message = pb::ListCategoriesRequest { parent: parent(&insee), include_retired };
    let mut client = state.reports.clone();
    let answer = call(client.list_categories(request(message, &forwarded))).await?;
    let categories = answer.categories.into_iter().map(Category::try_from).collect::<Result<_, _>>()?;
    Ok(Json(CategoryList { categories }))
}

/// One category, with its extra questions (retired ones too).
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/categories/{code}",
    tag = "categories",
    operation_id = "get_category",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("code" = String, Path, description = "Code of the category", example = "voirie"),
    ),
    responses(
        (status = 200, description = "The category", body = Category),
        (status = 400, description = "Malformed commune code or category code", body = ErrorBody),
        (status = 404, description = "No such category in this commune", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn get_category(
    State(state): State<AppState>,
    CategoryPath { insee, code }: CategoryPath,
    forwarded: Forwarded,
) -> Result<Json<Category>, GatewayError> {
    let message = pb::GetCategoryRequest { name: format!("communes/{insee}/categories/{code}") };
    let mut client = state.reports.clone();
    let answer = call(client.get_category(request(message, &forwarded))).await?;
    Ok(Json(Category::try_from(answer)?))
}

/// Create or replace a category (the commune's administrator).
///
/// The body is the whole definition; the code is the one in the path. To
/// retire a category, send it with `"active": false`: it takes no new
/// reports, and its reports keep it.
#[utoipa::path(
    put,
    path = "/api/v1/communes/{insee}/categories/{code}",
    tag = "categories",
    operation_id = "define_category",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("code" = String, Path, description = "Code of the category: 1 to 64 of `a-z`, `0-9`, `-`, `_`",
            example = "arbres"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = DefineCategory,
    responses(
        (status = 200, description = "The category as defined now", body = Category),
        (status = 400, description = "Invalid definition; `field_violations` name the fields", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not an administrator of this commune", body = ErrorBody),
        (status = 409, description = "The commune is suspended", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn define_category(
    State(state): State<AppState>,
    CategoryPath { insee, code }: CategoryPath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<DefineCategory>,
) -> Result<Json<Category>, GatewayError> {
    if body.code.as_ref().is_some_and(|given| *given != code) {
        return Err(GatewayError::invalid_field("code", "must be the code in the path, or absent"));
    }
    let message = pb::DefineCategoryRequest {
        parent: parent(&insee),
        category: Some(body.into_proto(code)),
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.reports.clone();
    let answer = call(client.define_category(request(message, &forwarded))).await.map_err(body_fields)?;
    Ok(Json(Category::try_from(answer)?))
}

/// The service names the definition's fields under `category.`; here the
/// body is the category.
fn body_fields(error: GatewayError) -> GatewayError {
    match error.renaming(&[]) {
        GatewayError::InvalidRequest { message, violations } => {
            let violations: Vec<FieldViolation> = violations
                .into_iter()
                .map(|v| FieldViolation {
                    field: v.field.strip_prefix("category.").map(str::to_owned).unwrap_or(v.field),
                    description: v.description,
                })
                .collect();
            let message = match violations.as_slice() {
                [only] => format!("{}: {}", only.field, only.description),
                _ => message,
            };
            GatewayError::InvalidRequest { message, violations }
        }
        other => other,
    }
}
