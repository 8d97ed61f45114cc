//! The OpenAPI 3.1 document of the REST API, generated from the handlers'
//! annotations and the JSON shapes, served at `GET /api/openapi.json`.

use std::sync::LazyLock;

use axum::Json;
use utoipa::openapi::Required;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::security::{ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{ErrorBody, ErrorDetail, FieldViolation, OAuthError, OAuthErrorBody};
use crate::rest::{
    account, categories, category_schemas, communes, identity_schemas as identity, oauth, reports, schemas, triage,
};

/// The security scheme named by the operations that take a token.
pub const BEARER: &str = "bearer";

/// The security scheme of the token endpoint: an integration client's id and
/// secret with HTTP Basic.
pub const CLIENT_BASIC: &str = "client_basic";

/// The OAuth 2.0 client-credentials flow of integration clients, for tools
/// that read it from the document.
pub const CLIENT_CREDENTIALS: &str = "client_credentials";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Miroir API",
        description = "Public REST API of Miroir, the civic platform of French communes: \
                       problem reports (with photos, supports and duplicates) and their public follow-up, each \
                       commune's report categories, accounts and sessions, communes, roles and \
                       integration clients. Errors share one JSON body, `ErrorBody`, except at the OAuth token \
                       endpoint, whose errors follow RFC 6749 (`OAuthErrorBody`).",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(
        reports::submit_report,
        reports::list_reports,
        reports::get_report,
        reports::acknowledge_report,
        reports::update_report_status,
        reports::reopen_report,
        reports::get_report_photo,
        reports::suggest_duplicates,
        reports::verify_report,
        reports::support_report,
        triage::assign_report,
        triage::add_note,
        triage::list_notes,
        triage::merge_report,
        categories::list_categories,
        categories::get_category,
        categories::define_category,
        account::sign_up,
        account::verify_email,
        account::login,
        account::refresh,
        account::logout,
        account::request_password_reset,
        account::reset_password,
        account::get_me,
        account::update_me,
        account::export_me,
        account::delete_me,
        communes::register_commune,
        communes::list_communes,
        communes::get_commune,
        communes::suspend_commune,
        communes::reactivate_commune,
        communes::list_role_changes,
        communes::grant_role,
        communes::revoke_role,
        communes::lookup_account,
        communes::list_clients,
        communes::create_client,
        communes::revoke_client,
        oauth::token,
        oauth::jwks,
    ),
    components(schemas(
        schemas::SubmitReport,
        schemas::AcknowledgeReport,
        schemas::UpdateReportStatus,
        schemas::NextStatus,
        schemas::ReopenReport,
        schemas::Report,
        schemas::ReportList,
        schemas::ReportStatus,
        schemas::Location,
        schemas::SubmitReportForm,
        schemas::ImageBytes,
        schemas::AttributeAnswer,
        schemas::PhotoRef,
        schemas::TimelineEntry,
        schemas::VerifyReport,
        schemas::AssignReport,
        schemas::AddNote,
        schemas::MergeReport,
        schemas::DuplicateList,
        schemas::Duplicate,
        schemas::InternalNote,
        schemas::InternalNoteList,
        category_schemas::Category,
        category_schemas::DefineCategory,
        category_schemas::CategoryAttribute,
        category_schemas::AttributeType,
        category_schemas::AttributeValue,
        category_schemas::CategoryList,
        identity::SignUp,
        identity::VerifyEmail,
        identity::Login,
        identity::RefreshToken,
        identity::PasswordReset,
        identity::PasswordResetConfirm,
        identity::UpdateProfile,
        identity::DeleteAccount,
        identity::ClientCredentials,
        identity::RegisterCommune,
        identity::SuspendCommune,
        identity::GrantRole,
        identity::RevokeRole,
        identity::CreateClient,
        identity::RevokeClient,
        identity::Grant,
        identity::Account,
        identity::AccountResponse,
        identity::Tokens,
        identity::ClientToken,
        identity::Commune,
        identity::CommuneList,
        identity::RoleChange,
        identity::RoleChangeList,
        identity::IntegrationClient,
        identity::IntegrationClientList,
        identity::CreatedClient,
        identity::Jwks,
        identity::Jwk,
        OAuthError,
        OAuthErrorBody,
        ErrorBody,
        ErrorDetail,
        FieldViolation,
    )),
    modifiers(&BearerScheme, &OptionalHeaders),
    tags(
        (name = "reports", description = "Problem reports (roads, cleanliness, safety…) and their answers"),
        (name = "categories", description = "The kinds of report a commune takes, and their extra questions"),
        (name = "accounts", description = "Sign-up, log-in, sessions, and the caller's own account"),
        (name = "communes", description = "The communes on the platform (registered by the operator)"),
        (name = "roles", description = "Roles in a commune, granted and revoked in public"),
        (name = "integration clients",
            description = "Service accounts for city IT: OAuth 2.0 client credentials, and the keys that verify \
                           every access token"),
    ),
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
        let basic = HttpBuilder::new()
            .scheme(HttpAuthScheme::Basic)
            .description(Some(
                "An integration client's id and secret, each form-encoded (RFC 6749 §2.3.1); \
                 only at the token endpoint",
            ))
            .build();
        components.add_security_scheme(CLIENT_BASIC, SecurityScheme::Http(basic));
        let flow = Flow::ClientCredentials(ClientCredentials::new(
            "/api/v1/auth/token",
            Scopes::from_iter([
                ("reports:read", "Read the commune's reports"),
                ("reports:write", "File and handle the commune's reports"),
                ("publications:write", "Write in the commune's official space (drafts, publication, amendments)"),
                ("dialogue:write", "Answer questions and proposals, redirect questions, for the commune"),
            ]),
        ));
        let oauth2 = OAuth2::with_description(
            [flow],
            "Integration clients (city IT): a token from the client-credentials grant, sent as a bearer token",
        );
        components.add_security_scheme(CLIENT_CREDENTIALS, SecurityScheme::OAuth2(oauth2));
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

#[cfg(test)]
mod tests {
    use serde_json::Value;

    fn refs<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    found.push(target);
                }
                map.values().for_each(|v| refs(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }

    /// Every reference resolves, every operation has a unique id, and every
    /// operation says how it fails (a 4xx or 5xx answer with the error body).
    #[test]
    fn the_document_is_self_consistent() {
        let document = serde_json::to_value(&*super::DOCUMENT).expect("the document serializes");
        let mut found = Vec::new();
        refs(&document, &mut found);
        assert!(!found.is_empty());
        for target in found {
            let name = target.strip_prefix("#/components/schemas/").expect("a local schema reference");
            assert!(document["components"]["schemas"][name].is_object(), "{target} does not resolve");
        }
        let mut ids = Vec::new();
        for (path, item) in document["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("path item") {
                let id = operation["operationId"].as_str().expect("operation id");
                assert!(!ids.contains(&id), "{id} used twice");
                ids.push(id);
                let responses = operation["responses"].as_object().expect("responses");
                let errors = responses.keys().filter(|code| code.starts_with('4') || code.starts_with('5'));
                assert!(errors.count() > 0, "{method} {path} lists no error response");
            }
        }
    }
}
