//! The OpenAPI 3.1 document of the REST API, generated from the handlers'
//! annotations and the JSON shapes, served at `GET /api/openapi.json`.

use std::collections::HashSet;
use std::sync::LazyLock;

use axum::Json;
use axum::http::Method;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, ResponseBuilder, Schema};
use utoipa::openapi::security::{ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{BODY_LIMIT_BYTES, ErrorBody, ErrorDetail, FieldViolation, OAuthError, OAuthErrorBody};
use crate::rest::extract::{IDEMPOTENCY_KEY, IDEMPOTENCY_KEY_PATTERN};
use crate::rest::{
    account, categories, category_schemas, communes, dialogue, dialogue_schemas, identity_schemas as identity, oauth,
    publication_attachments, publication_schemas, publications, reports, schemas, triage,
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
                       commune's report categories, what the official and citizen spaces publish (with \
                       public revisions), questions and official answers, citizen proposals, comments and \
                       moderation, accounts and sessions, communes, roles and integration clients. Errors \
                       share one JSON body, `ErrorBody`, except at the OAuth token endpoint, whose errors \
                       follow RFC 6749 (`OAuthErrorBody`).",
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
        publications::create_draft,
        publications::list_publications,
        publications::get_publication,
        publications::update_draft,
        publications::publish_publication,
        publications::amend_publication,
        publications::archive_publication,
        publications::list_revisions,
        publication_attachments::add_attachment,
        publication_attachments::remove_attachment,
        publication_attachments::get_attachment,
        dialogue::ask_question,
        dialogue::list_questions,
        dialogue::get_question,
        dialogue::answer_question,
        dialogue::redirect_question,
        dialogue::submit_proposal,
        dialogue::list_proposals,
        dialogue::get_proposal,
        dialogue::support_proposal,
        dialogue::answer_proposal,
        dialogue::get_dialogue_settings,
        dialogue::update_dialogue_settings,
        dialogue::post_comment,
        dialogue::list_comments,
        dialogue::flag_content,
        dialogue::hide_content,
        dialogue::appeal_hiding,
        dialogue::resolve_appeal,
        dialogue::list_moderation_log,
        dialogue::list_flagged_content,
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
        publication_schemas::Space,
        publication_schemas::PublicationStatus,
        publication_schemas::ProjectStatus,
        publication_schemas::Milestone,
        publication_schemas::ProjectLocation,
        publication_schemas::ProjectDetails,
        publication_schemas::DecisionDetails,
        publication_schemas::BudgetLine,
        publication_schemas::BudgetDetails,
        publication_schemas::FollowUpDetails,
        publication_schemas::PublicationDetails,
        publication_schemas::CreateDraft,
        publication_schemas::UpdateDraft,
        publication_schemas::PublishPublication,
        publication_schemas::AmendPublication,
        publication_schemas::ArchivePublication,
        publication_schemas::Publication,
        publication_schemas::PublicationList,
        publication_schemas::DiffOp,
        publication_schemas::DiffLine,
        publication_schemas::Revision,
        publication_schemas::RevisionList,
        publication_schemas::Attachment,
        publication_schemas::AddedAttachment,
        publication_schemas::AttachmentForm,
        publication_schemas::FileBytes,
        dialogue_schemas::AskQuestion,
        dialogue_schemas::AnswerBody,
        dialogue_schemas::RedirectQuestion,
        dialogue_schemas::QuestionStatus,
        dialogue_schemas::QuestionAnswer,
        dialogue_schemas::Question,
        dialogue_schemas::QuestionList,
        dialogue_schemas::SubmitProposal,
        dialogue_schemas::ProposalStatus,
        dialogue_schemas::ProposalAnswer,
        dialogue_schemas::Proposal,
        dialogue_schemas::ProposalList,
        dialogue_schemas::DialogueSettings,
        dialogue_schemas::PostComment,
        dialogue_schemas::Comment,
        dialogue_schemas::CommentList,
        dialogue_schemas::FlagContent,
        dialogue_schemas::HideContent,
        dialogue_schemas::AppealHiding,
        dialogue_schemas::ResolveAppeal,
        dialogue_schemas::ModerationState,
        dialogue_schemas::ModerationLogEntry,
        dialogue_schemas::ModerationLog,
        dialogue_schemas::FlaggedContent,
        dialogue_schemas::FlaggedContentList,
        OAuthError,
        OAuthErrorBody,
        ErrorBody,
        ErrorDetail,
        FieldViolation,
    )),
    modifiers(&BearerScheme, &OptionalHeaders, &ParameterShapes, &GatewayAnswers),
    tags(
        (name = "reports", description = "Problem reports (roads, cleanliness, safety…) and their answers"),
        (name = "categories", description = "The kinds of report a commune takes, and their extra questions"),
        (name = "publications",
            description = "What a commune's official space (town hall) and citizen space (residents' collective) \
                           publish: projects, council decisions and minutes, budgets, news, posts, activities, \
                           follow-up notes; drafts, scheduled publishing, public revisions"),
        (name = "questions", description = "Residents' public questions and the commune's official answers"),
        (name = "proposals",
            description = "Citizen proposals: supports, and the official answer owed past the commune's threshold"),
        (name = "comments", description = "One-level comment threads on publications, reports and proposals"),
        (name = "moderation",
            description = "Flags, hiding with a public reason, appeals, and the public moderation log"),
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
        for operation in operations_mut(openapi) {
            for parameter in operation.parameters.iter_mut().flatten() {
                if parameter.parameter_in == ParameterIn::Header {
                    parameter.required = Required::False;
                }
            }
        }
    }
}

/// Every operation of the document, mutably.
fn operations_mut(openapi: &mut utoipa::openapi::OpenApi) -> impl Iterator<Item = &mut Operation> {
    openapi.paths.paths.values_mut().flat_map(|item| {
        [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
    })
}

/// An INSEE commune code: a department (`01`–`95`, `2A`, `2B`, `97x`) and
/// three digits, as `miroir_insee::InseeCode` takes it.
pub const INSEE_PATTERN: &str = "^(?:0[1-9]|[1-9][0-9]|2[AB])[0-9]{3}$";

/// An id as the API hands it out: a UUID, hyphenated (either case).
pub const UUID_PATTERN: &str = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// A category, attribute or value code (`rest::extract::is_code`).
pub const CODE_PATTERN: &str = "^[a-z0-9_-]{1,64}$";

/// Gives the parameters that many operations share the shape the gateway
/// checks (`rest::extract`), so that what the document allows is what is
/// taken: `{insee}` an INSEE code, every `{…_id}` a UUID, `{code}` a
/// category code, `Idempotency-Key` 1 to 100 printable ASCII characters.
struct ParameterShapes;

impl Modify for ParameterShapes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let string = || ObjectBuilder::new().schema_type(Type::String);
        for operation in operations_mut(openapi) {
            for parameter in operation.parameters.iter_mut().flatten() {
                let shape = match (&parameter.parameter_in, parameter.name.as_str()) {
                    (ParameterIn::Path, "insee") => string().pattern(Some(INSEE_PATTERN)),
                    (ParameterIn::Path, "code") => string().pattern(Some(CODE_PATTERN)),
                    (ParameterIn::Path, name) if name.ends_with("_id") => {
                        string().format(Some(SchemaFormat::Custom("uuid".to_owned()))).pattern(Some(UUID_PATTERN))
                    }
                    (ParameterIn::Header, IDEMPOTENCY_KEY) => {
                        string().min_length(Some(1)).max_length(Some(100)).pattern(Some(IDEMPOTENCY_KEY_PATTERN))
                    }
                    _ => continue,
                };
                parameter.schema = Some(RefOr::T(Schema::Object(shape.build())));
            }
        }
    }
}

/// Documents the answers the gateway itself gives, whatever the operation:
/// a JSON body too large (413) or not sent as JSON (415) on every operation
/// that takes one (`rest::extract::ApiJson`), and a refused token (401) on
/// every operation that takes one.
struct GatewayAnswers;

impl Modify for GatewayAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let error = |description: String| {
            let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
            RefOr::T(ResponseBuilder::new().description(description).content("application/json", content).build())
        };
        for operation in operations_mut(openapi) {
            let takes_json = operation
                .request_body
                .as_ref()
                .is_some_and(|body| body.content.keys().any(|media_type| media_type == "application/json"));
            let takes_token = operation.security.iter().flatten().any(|requirement| {
                serde_json::to_value(requirement).is_ok_and(|value| value.get(BEARER).is_some())
            });
            let responses = &mut operation.responses.responses;
            if takes_json {
                responses
                    .entry("413".to_owned())
                    .or_insert_with(|| error(format!("Body larger than {} KiB", BODY_LIMIT_BYTES / 1024)));
                responses
                    .entry("415".to_owned())
                    .or_insert_with(|| error("Body not sent as `Content-Type: application/json`".to_owned()));
            }
            if takes_token {
                responses.entry("401".to_owned()).or_insert_with(|| error("No or bad bearer token".to_owned()));
            }
        }
    }
}

/// The operations that need a bearer token: those whose only security
/// requirement is `bearer` (not also "none"), as `(METHOD, path template)`.
static NEED_CREDENTIALS: LazyLock<HashSet<(String, String)>> = LazyLock::new(|| {
    let document = serde_json::to_value(&*DOCUMENT).unwrap_or_default();
    let mut found = HashSet::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let Some(requirements) = operation["security"].as_array() else { continue };
            let optional = requirements.iter().any(|r| r.as_object().is_some_and(serde_json::Map::is_empty));
            if !optional && requirements.iter().any(|r| r.get(BEARER).is_some()) {
                found.insert((method.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    found
});

/// Whether the operation `method path` (its template, `/api/v1/communes/{insee}`)
/// is documented as needing a bearer token.
pub fn needs_credentials(method: &Method, path: &str) -> bool {
    NEED_CREDENTIALS.contains(&(method.as_str().to_owned(), path.to_owned()))
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
