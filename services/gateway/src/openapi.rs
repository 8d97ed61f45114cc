//! The OpenAPI 3.1 document of the REST API, generated from the handlers'
//! annotations and the JSON shapes, served at `GET /api/openapi.json`.

use std::sync::LazyLock;

use axum::Json;
use utoipa::openapi::Required;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{ErrorBody, ErrorDetail, FieldViolation};
use crate::rest::{reports, schemas};

/// The security scheme named by the operations that take a token.
pub const BEARER: &str = "bearer";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Miroir API",
        description = "Public REST API of Miroir, the civic platform of French communes: \
                       problem reports and their public follow-up. Errors share one JSON body, `ErrorBody`.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(reports::submit_report, reports::list_reports, reports::get_report, reports::acknowledge_report),
    components(schemas(
        schemas::SubmitReport,
        schemas::AcknowledgeReport,
        schemas::Report,
        schemas::ReportList,
        schemas::ReportStatus,
        schemas::Location,
        ErrorBody,
        ErrorDetail,
        FieldViolation,
    )),
    modifiers(&BearerScheme, &OptionalHeaders),
    tags((name = "reports", description = "Problem reports (roads, cleanliness, safety…) and their answers")),
)]
pub struct ApiDoc;

/// Declares the bearer-token scheme (`Authorization: Bearer <token>`).
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .description(Some("Access token issued by Miroir's identity service"))
            .build();
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(BEARER, SecurityScheme::Http(scheme));
    }
}

/// Makes every header parameter optional. utoipa marks a parameter required
/// unless its type is an `Option`, and an `Option` adds `null` to its type,
/// which a header cannot be; so headers are declared as `String` and fixed
/// here (none of the API's headers is required).
struct OptionalHeaders;

impl Modify for OptionalHeaders {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let operations = openapi.paths.paths.values_mut().flat_map(|item| {
            [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
        });
        for operation in operations {
            for parameter in operation.parameters.iter_mut().flatten() {
                if parameter.parameter_in == ParameterIn::Header {
                    parameter.required = Required::False;
                }
            }
        }
    }
}

/// The document, built once: it depends only on the code.
static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(ApiDoc::openapi);

/// `GET /api/openapi.json`.
pub async fn document() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(&DOCUMENT)
}
