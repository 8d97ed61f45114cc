//! The OpenAPI 3.1 document of the REST API, generated from the handlers'
//! annotations and the JSON shapes, served at `GET /api/openapi.json`.

use std::collections::HashSet;
use std::sync::LazyLock;

use axum::Json;
use axum::http::uri::{Authority, Uri};
use axum::http::{HeaderMap, Method, header};
use serde_json::{Value, json};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::security::{ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, ResponseBuilder, Schema};
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

/// Where integration clients get their tokens.
pub const TOKEN_PATH: &str = "/api/v1/auth/token";

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
        // Relative here; `document` makes it absolute for each request (the OpenAPI 3.1
        // meta-schema wants a `uri`, and only the request says where the API is).
        let flow = Flow::ClientCredentials(ClientCredentials::new(
            TOKEN_PATH,
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

/// What a comment is on: a publication, a report or a proposal of the commune.
pub const COMMENT_TARGET_PATTERN: &str =
    "^(?:publications|reports|proposals)/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

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
                        string().min_length(Some(1)).pattern(Some(IDEMPOTENCY_KEY_PATTERN))
                    }
                    (ParameterIn::Query, "latitude") => {
                        ObjectBuilder::new().schema_type(Type::Number).minimum(Some(-90)).maximum(Some(90))
                    }
                    (ParameterIn::Query, "longitude") => {
                        ObjectBuilder::new().schema_type(Type::Number).minimum(Some(-180)).maximum(Some(180))
                    }
                    // The thread of comments to list: `GET …/comments?target=`.
                    (ParameterIn::Query, "target") => {
                        parameter.required = Required::True;
                        string().pattern(Some(COMMENT_TARGET_PATTERN))
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
            let takes_token =
                operation.security.iter().flatten().any(|requirement| {
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
    let mut found = HashSet::new();
    for (path, item) in DOCUMENT["paths"].as_object().into_iter().flatten() {
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
static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    body_shapes(&mut document);
    document
});

/// Where, in the document, the client-credentials flow's token URL is.
const TOKEN_URL_POINTER: &str = "/components/securitySchemes/client_credentials/flows/clientCredentials/tokenUrl";

/// `GET /api/openapi.json`: the document, with the token URL absolute (the
/// OpenAPI 3.1 meta-schema wants a `uri` there), on the origin the request
/// came to.
pub async fn document(headers: HeaderMap, uri: Uri) -> Json<Value> {
    let mut document = DOCUMENT.clone();
    if let (Some(origin), Some(token_url)) = (origin(&headers, &uri), document.pointer_mut(TOKEN_URL_POINTER)) {
        *token_url = json!(format!("{origin}{TOKEN_PATH}"));
    }
    Json(document)
}

/// `scheme://host[:port]` of the request: the `Host` header (or the
/// authority of an HTTP/2 request), and `https` when the reverse proxy in
/// front says so with `X-Forwarded-Proto`. `None` without a well-formed host;
/// the token URL then stays relative.
fn origin(headers: &HeaderMap, uri: &Uri) -> Option<String> {
    let host = match headers.get(header::HOST).and_then(|v| v.to_str().ok()) {
        Some(host) => host.parse::<Authority>().ok()?,
        None => uri.authority()?.clone(),
    };
    // An authority with credentials (`user@host`) is no origin.
    if host.as_str().contains('@') {
        return None;
    }
    let proto = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok());
    let scheme = match proto.and_then(|p| p.split(',').next()).map(str::trim) {
        Some(p) if p.eq_ignore_ascii_case("https") => "https",
        _ => "http",
    };
    Some(format!("{scheme}://{host}"))
}

/// Which control characters a text field takes.
#[derive(Debug, Clone, Copy)]
enum Controls {
    /// Any (the service does not check).
    Any,
    /// Line breaks and tabs (`\t`, `\n`, `\r`), no other.
    Lines,
    /// Line feeds (`\n`), no other.
    LineFeed,
    /// None: one line.
    Not,
}

/// What Rust's `char::is_whitespace` (so `str::trim`) takes as white space.
const WHITE_SPACE: &str =
    "\\t\\n\\u000B\\u000C\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";

/// The schema of a text the services trim, then count in characters
/// (`min..=max`) and check for control characters: a pattern that says the
/// same (at least `min` characters from the first to the last that is not
/// white space, none of the refused control characters) and `maxLength`.
fn text(min: usize, max: usize, controls: Controls) -> Value {
    // Characters allowed anywhere, and those that are not white space.
    let (any, visible) = match controls {
        Controls::Any => ("[\\s\\S]".to_owned(), format!("[^{WHITE_SPACE}]")),
        Controls::Lines => (
            "[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]".to_owned(),
            format!("[^\\u0000-\\u0020\\u007F-\\u00A0{WHITE_SPACE}]"),
        ),
        Controls::LineFeed => (
            "[^\\u0000-\\u0009\\u000B-\\u001F\\u007F-\\u009F]".to_owned(),
            format!("[^\\u0000-\\u0020\\u007F-\\u00A0{WHITE_SPACE}]"),
        ),
        Controls::Not => {
            ("[^\\u0000-\\u001F\\u007F-\\u009F]".to_owned(), format!("[^\\u0000-\\u0020\\u007F-\\u00A0{WHITE_SPACE}]"))
        }
    };
    let pattern = match min {
        0 if matches!(controls, Controls::Any) => None,
        0 => Some(format!("^{any}*$")),
        1 => Some(format!("^{any}*{visible}{any}*$")),
        _ => Some(format!("^{any}*{visible}{any}{{{},}}{visible}{any}*$", min - 2)),
    };
    let mut schema = json!({ "type": "string", "maxLength": max });
    if let Some(pattern) = pattern {
        schema["pattern"] = json!(pattern);
    }
    schema
}

/// A UUID, as ids are (`{…_id}` path parameters too).
fn uuid() -> Value {
    json!({ "type": "string", "format": "uuid", "pattern": UUID_PATTERN })
}

/// An e-mail address as identity takes it (`identity::domain::email`): a
/// local part of 1 to 64 and a domain of two labels or more, printable ASCII
/// without spaces (identity also takes other characters; the document keeps
/// to the plain ones).
const EMAIL_PATTERN: &str = "^[!-?A-~]{1,64}@[!-\\-/-?A-~]+(?:\\.[!-\\-/-?A-~]+)+$";

/// An anonymous reporter's e-mail as reports takes it (`reports::domain::report::parse_email`):
/// one `@`, a dotted domain that neither starts nor ends with the dot, no white space, control
/// character, `<` or `>`, white space around; or blank (an account files it).
static REPORTER_EMAIL_PATTERN: LazyLock<String> = LazyLock::new(|| {
    let c = format!("[^@<>{WHITE_SPACE}\\u0000-\\u001F\\u007F-\\u009F]");
    let not_dot = format!("[^.@<>{WHITE_SPACE}\\u0000-\\u001F\\u007F-\\u009F]");
    format!("^[{WHITE_SPACE}]*$|^[{WHITE_SPACE}]*{c}+@{not_dot}{c}*\\.{c}*{not_dot}[{WHITE_SPACE}]*$")
});

/// What the services check of each field of the request bodies, as
/// `(schema, property, constraints)`: the constraints are merged into the
/// property's schema, so that what the document allows is what is taken
/// (schemathesis checks both ways: `scripts/fuzz-api`). Checks that depend
/// on data (an id that must exist, a category's questions, a password) are
/// not in a schema; `scripts/fuzz/schemathesis.toml` names the operations
/// that have some.
fn body_rules() -> Vec<(&'static str, &'static str, Value)> {
    use Controls::{Any, LineFeed, Lines, Not};
    let space = |pattern: &str| json!({ "pattern": pattern });
    let subject = "^(?:questions|proposals|comments)/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
    let target = COMMENT_TARGET_PATTERN;
    let roles = json!({ "enum": ["resident", "collective_member", "collective_moderator", "agent",
        "elected_official", "commune_admin", "operator"] });
    vec![
        // reports
        ("SubmitReport", "category", json!({ "pattern": CODE_PATTERN })),
        ("SubmitReport", "title", text(3, 120, Any)),
        ("SubmitReport", "description", text(0, 5000, Any)),
        ("SubmitReport", "reporter_email", json!({ "pattern": *REPORTER_EMAIL_PATTERN, "maxLength": 254 })),
        ("Location", "address", text(0, 200, Any)),
        ("Location", "latitude", json!({ "minimum": -90, "maximum": 90 })),
        ("Location", "longitude", json!({ "minimum": -180, "maximum": 180 })),
        ("AcknowledgeReport", "message", text(0, 2000, Any)),
        ("UpdateReportStatus", "message", text(0, 2000, Any)),
        ("ReopenReport", "message", text(0, 2000, Any)),
        ("AssignReport", "department", text(0, 80, Not)),
        ("AssignReport", "agent", json!({ "pattern": format!("^$|{UUID_PATTERN}") })),
        ("AddNote", "text", text(1, 4000, Any)),
        ("MergeReport", "into", uuid()),
        ("MergeReport", "message", text(0, 2000, Any)),
        // categories
        ("DefineCategory", "name", text(1, 80, LineFeed)),
        ("DefineCategory", "description", text(0, 500, LineFeed)),
        ("DefineCategory", "department", text(0, 80, LineFeed)),
        ("DefineCategory", "code", json!({ "pattern": CODE_PATTERN })),
        ("CategoryAttribute", "code", json!({ "pattern": CODE_PATTERN })),
        ("CategoryAttribute", "description", text(1, 300, LineFeed)),
        ("CategoryAttribute", "values", json!({ "maxItems": 50 })),
        ("AttributeValue", "name", text(1, 100, LineFeed)),
        // dialogue
        ("AskQuestion", "title", text(3, 150, Lines)),
        ("AskQuestion", "body", text(1, 5000, Lines)),
        ("SubmitProposal", "title", text(3, 150, Lines)),
        ("SubmitProposal", "body", text(1, 5000, Lines)),
        ("AnswerBody", "body", text(1, 5000, Lines)),
        ("RedirectQuestion", "report_id", uuid()),
        ("RedirectQuestion", "message", text(0, 2000, Any)),
        ("PostComment", "body", text(1, 3000, Lines)),
        ("PostComment", "target", space(target)),
        ("PostComment", "reply_to", json!({ "pattern": UUID_PATTERN })),
        ("FlagContent", "subject", space(subject)),
        ("FlagContent", "reason", text(3, 2000, Lines)),
        ("HideContent", "subject", space(subject)),
        ("HideContent", "public_reason", text(3, 2000, Lines)),
        ("AppealHiding", "subject", space(subject)),
        ("AppealHiding", "reason", text(3, 2000, Lines)),
        ("ResolveAppeal", "subject", space(subject)),
        ("ResolveAppeal", "public_reason", text(3, 2000, Lines)),
        ("DialogueSettings", "support_threshold", json!({ "minimum": 1, "maximum": 1_000_000 })),
        // identity
        ("SignUp", "email", json!({ "pattern": EMAIL_PATTERN, "maxLength": 254 })),
        ("SignUp", "password", json!({ "minLength": 10, "maxLength": 200 })),
        ("SignUp", "display_name", text(2, 60, Not)),
        ("SignUp", "commune", json!({ "pattern": format!("^$|{INSEE_PATTERN}") })),
        ("Login", "email", json!({ "maxLength": 254 })),
        ("PasswordResetConfirm", "new_password", json!({ "minLength": 10, "maxLength": 200 })),
        ("UpdateProfile", "display_name", text(2, 60, Not)),
        ("RegisterCommune", "insee", json!({ "pattern": INSEE_PATTERN })),
        ("RegisterCommune", "display_name", text(1, 100, Not)),
        ("RegisterCommune", "department", text(2, 3, Not)),
        ("RegisterCommune", "collective_name", text(0, 150, Not)),
        ("RegisterCommune", "response_commitment_days", json!({ "minimum": 1, "maximum": 90 })),
        ("SuspendCommune", "reason", text(1, 500, Not)),
        ("GrantRole", "account_id", uuid()),
        ("GrantRole", "role", roles.clone()),
        ("GrantRole", "department", text(0, 80, Not)),
        ("GrantRole", "reason", text(0, 500, Not)),
        ("RevokeRole", "account_id", uuid()),
        ("RevokeRole", "role", roles),
        ("RevokeRole", "reason", text(0, 500, Not)),
        ("CreateClient", "display_name", text(1, 100, Not)),
        ("RevokeClient", "reason", text(0, 500, Not)),
        // publications
        (
            "CreateDraft",
            "kind",
            json!({ "enum": ["project", "decision", "minutes", "budget", "news", "post",
            "activity", "follow_up"] }),
        ),
        ("CreateDraft", "title", text(3, 200, Not)),
        ("CreateDraft", "body", text(0, 100_000, Any)),
        ("UpdateDraft", "title", text(3, 200, Not)),
        ("UpdateDraft", "body", text(0, 100_000, Any)),
        ("AmendPublication", "title", text(3, 200, Not)),
        ("AmendPublication", "body", text(0, 100_000, Any)),
        ("ArchivePublication", "reason", text(3, 2000, Any)),
        ("AmendPublication", "summary_of_change", text(3, 2000, Any)),
        // One line without control or invisible characters (`publications::domain::attachment::alt_text`).
        ("AttachmentForm", "alt_text", json!({ "type": "string", "maxLength": 300, "pattern": ALT_TEXT_PATTERN })),
    ]
}

/// An attachment's text alternative: no control character, none of the invisible ones the publications service
/// refuses (soft hyphen, zero-width and direction marks, word joiners, BOM, interlinear annotations).
const ALT_TEXT_PATTERN: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u206F\\uFEFF\\uFFF9-\\uFFFB]*$";

/// A date-time from 1970 on (the services count microseconds since then).
const AFTER_1970: &str = "^(?:19[7-9][0-9]|[2-9][0-9]{3})-";

/// A latitude as the `bbox` filter takes it: a plain decimal from -90 to 90.
const LATITUDE: &str = "-?0*(?:90(?:\\.0+)?|[1-8]?[0-9](?:\\.[0-9]+)?)";
/// A longitude as the `bbox` filter takes it: a plain decimal from -180 to 180.
const LONGITUDE: &str = "-?0*(?:180(?:\\.0+)?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\\.[0-9]+)?)";

/// `south,west,north,east`, white space around each (`rest::filters::bbox`).
static BBOX_PATTERN: LazyLock<String> = LazyLock::new(|| {
    let space = format!("[{WHITE_SPACE}]*");
    let side = |degrees: &str| format!("{space}{degrees}{space}");
    format!("^{},{},{},{}$", side(LATITUDE), side(LONGITUDE), side(LATITUDE), side(LONGITUDE))
});

/// The query parameters whose values are a closed list or a shape, by
/// operation: `(operation id, parameter, schema)`.
///
/// The list filters take an empty value as no filter (what an HTML form sends
/// for a field left blank: `?space=&status=`), so each of their shapes also
/// allows `""`.
fn query_rules() -> Vec<(&'static str, &'static str, Value)> {
    // A closed list, or empty.
    let one_of = |values: &[&str]| {
        let values: Vec<&str> = std::iter::once("").chain(values.iter().copied()).collect();
        json!({ "type": "string", "enum": values })
    };
    // A shape, or empty.
    let or_empty = |shape: Value| json!({ "anyOf": [{ "type": "string", "maxLength": 0 }, shape] });
    let date = or_empty(json!({ "type": "string", "format": "date-time", "pattern": AFTER_1970 }));
    let statuses = ["new", "acknowledged", "in_progress", "resolved", "rejected", "merged"];
    vec![
        ("list_publications", "space", one_of(&["official", "citizen"])),
        (
            "list_publications",
            "kind",
            one_of(&["project", "decision", "minutes", "budget", "news", "post", "activity", "follow_up"]),
        ),
        ("list_publications", "status", one_of(&["draft", "scheduled", "published", "archived"])),
        ("list_reports", "status", json!({ "type": "array", "items": one_of(&statuses) })),
        (
            "list_reports",
            "category",
            json!({ "type": "array", "maxItems": 50,
                "items": { "type": "string", "pattern": format!("^$|{CODE_PATTERN}") } }),
        ),
        ("list_reports", "order_by", one_of(&["newest", "most_supported"])),
        ("list_reports", "bbox", or_empty(json!({ "type": "string", "pattern": *BBOX_PATTERN }))),
        ("list_reports", "submitted_after", date.clone()),
        ("list_reports", "submitted_before", date),
        ("list_reports", "assigned_to", or_empty(uuid())),
        ("suggest_duplicates", "category", json!({ "type": "string", "pattern": CODE_PATTERN })),
        ("lookup_account", "email", json!({ "type": "string", "pattern": EMAIL_PATTERN, "maxLength": 254 })),
    ]
}

/// Applies [`query_rules`], [`body_rules`], the items of some arrays, the fields the services
/// require although the gateway lets them default, and closes the
/// `multipart/form-data` forms (no other part is taken).
fn body_shapes(document: &mut Value) {
    let rules = query_rules();
    for item in document["paths"].as_object_mut().into_iter().flat_map(|paths| paths.values_mut()) {
        for operation in item.as_object_mut().into_iter().flat_map(|item| item.values_mut()) {
            let id = operation["operationId"].as_str().unwrap_or_default().to_owned();
            // `get_mut`, not `operation["parameters"]`: indexing would add `"parameters": null`
            // to the operations without any, which the OpenAPI meta-schema refuses.
            let parameters = operation.get_mut("parameters").and_then(Value::as_array_mut);
            for parameter in parameters.into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap_or_default();
                if let Some((_, _, schema)) = rules.iter().find(|(op, param, _)| *op == id && *param == name) {
                    parameter["schema"] = schema.clone();
                }
            }
        }
    }
    let schemas = &mut document["components"]["schemas"];
    for (schema, property, rules) in body_rules() {
        let target = &mut schemas[schema]["properties"][property];
        debug_assert!(target.is_object(), "{schema}.{property} is not in the document");
        if let (Some(target), Some(rules)) = (target.as_object_mut(), rules.as_object()) {
            // A member that may be null (`Option`: null is "left out") stays so: the
            // rules are about the text when there is one.
            let nullable = target.get("type").and_then(Value::as_array).is_some_and(|t| t.contains(&json!("null")));
            target.extend(rules.clone());
            if nullable && let Some(kind) = target.get("type").and_then(Value::as_str) {
                target["type"] = json!([kind, "null"]);
            }
        }
    }
    let scopes = json!({ "type": "string", "enum": ["reports:read", "reports:write", "publications:write",
        "dialogue:write"] });
    schemas["CreateClient"]["properties"]["scopes"]["items"] = scopes;
    schemas["CreateClient"]["properties"]["scopes"]["minItems"] = json!(1);
    // A category's limits (`reports::domain::category`): 20 keywords of 1 to 40 characters without a comma
    // (Open311 lists them comma-separated), 20 questions.
    schemas["DefineCategory"]["properties"]["keywords"]["items"] =
        json!({ "allOf": [text(1, 40, Controls::LineFeed), { "pattern": "^[^,]*$" }] });
    schemas["DefineCategory"]["properties"]["keywords"]["maxItems"] = json!(20);
    schemas["DefineCategory"]["properties"]["attributes"]["maxItems"] = json!(20);
    schemas["AmendPublication"]["properties"]["remove_attachment_ids"]["items"] = uuid();
    for (schema, property) in [("AskQuestion", "body"), ("SubmitProposal", "body")] {
        if let Some(required) = schemas[schema]["required"].as_array_mut() {
            required.push(json!(property));
        }
    }
    // A category's question: the list types need their values, the others have none.
    schemas["CategoryAttribute"]["if"] =
        json!({ "properties": { "datatype": { "enum": ["single_value_list", "multi_value_list"] } } });
    schemas["CategoryAttribute"]["then"] =
        json!({ "required": ["values"], "properties": { "values": { "minItems": 1 } } });
    schemas["CategoryAttribute"]["else"] = json!({ "properties": { "values": { "maxItems": 0 } } });
    // Rules between two members of one body, as `if`/`then`: a rejection needs
    // its public reason; an abandoned project its reason, and only it has one.
    schemas["UpdateReportStatus"]["if"] = json!({ "properties": { "status": { "const": "rejected" } } });
    schemas["UpdateReportStatus"]["then"] =
        json!({ "required": ["message"], "properties": { "message": text(1, 2000, Controls::Any) } });
    schemas["ProjectDetails"]["if"] = json!({ "properties": { "status": { "const": "abandoned" } } });
    schemas["ProjectDetails"]["then"] = json!({ "required": ["abandoned_reason"],
        "properties": { "abandoned_reason": text(1, 200, Controls::Not) } });
    schemas["ProjectDetails"]["else"] = json!({ "properties": { "abandoned_reason": { "maxLength": 0 } } });
    // A project's labels (`publications::domain::details`): at most 200 of each list,
    // each label on one line, at most 200 characters, required where it names something.
    let label = |min| text(min, 200, Controls::Not);
    let project = &mut schemas["ProjectDetails"]["properties"];
    project["funding_sources"]["items"] = label(1);
    project["funding_sources"]["maxItems"] = json!(200);
    project["milestones"]["maxItems"] = json!(200);
    if let Some(department) = project["responsible_department"].as_object_mut()
        && let Some(rules) = label(0).as_object()
    {
        department.extend(rules.clone());
    }
    project["budget_planned_cents"]["minimum"] = json!(0);
    project["budget_spent_cents"]["minimum"] = json!(0);
    project["progress_percent"]["maximum"] = json!(100);
    // A calendar date from 1900 to 2200 (`valid_date`): the format says the calendar, the pattern the years.
    let date = json!({ "format": "date", "pattern": "^(?:(?:19|2[01])[0-9]{2}|2200)-[0-9]{2}-[0-9]{2}$" });
    for (schema, property) in [("Milestone", "date"), ("DecisionDetails", "session_date")] {
        if let Some(target) = schemas[schema]["properties"][property].as_object_mut()
            && let Some(rules) = date.as_object()
        {
            target.extend(rules.clone());
        }
    }
    schemas["DecisionDetails"]["properties"]["related_publication_ids"]["items"] = uuid();
    schemas["DecisionDetails"]["properties"]["related_publication_ids"]["maxItems"] = json!(200);
    schemas["BudgetDetails"]["properties"]["year"]["minimum"] = json!(1900);
    schemas["BudgetDetails"]["properties"]["year"]["maximum"] = json!(2200);
    schemas["BudgetDetails"]["properties"]["lines"]["maxItems"] = json!(200);
    for (schema, property, min) in [
        ("Milestone", "title", 1),
        ("ProjectLocation", "address", 0),
        ("DecisionDetails", "number", 1),
        ("BudgetLine", "label", 1),
    ] {
        if let Some(target) = schemas[schema]["properties"][property].as_object_mut()
            && let Some(rules) = label(min).as_object()
        {
            target.extend(rules.clone());
        }
    }
    schemas["SubmitReportForm"]["properties"]["photos"]["maxItems"] = json!(5);
    schemas["AttributeValue"]["properties"]["key"]["pattern"] = json!(CODE_PATTERN);
    schemas["PublishPublication"]["properties"]["publish_at"]["format"] = json!("date-time");
    schemas["PublishPublication"]["properties"]["publish_at"]["pattern"] = json!(AFTER_1970);
    for form in ["SubmitReportForm", "AttachmentForm"] {
        schemas[form]["additionalProperties"] = json!(false);
    }
    // France: metropolitan France and Corsica, then the overseas départements
    // and collectivités (`reports::domain::location`), as south, west, north, east.
    let boxes = [
        (41.3, -5.2, 51.1, 9.6),
        (15.8, -61.9, 16.6, -61.0),
        (14.3, -61.3, 14.9, -60.8),
        (2.1, -54.7, 5.8, -51.6),
        (-21.4, 55.2, -20.8, 55.9),
        (-13.1, 44.9, -12.6, 45.3),
        (46.7, -56.5, 47.2, -56.1),
        (17.8, -63.2, 18.2, -62.7),
    ];
    schemas["Location"]["anyOf"] = boxes
        .iter()
        .map(|(south, west, north, east)| {
            json!({ "properties": {
                "latitude": { "minimum": south, "maximum": north },
                "longitude": { "minimum": west, "maximum": east },
            } })
        })
        .collect();
    schemas["Location"]["description"] = json!("A point inside France (WGS 84), and a free-text address.");
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, Uri};
    use serde_json::Value;

    /// The token URL's origin is the request's, `https` behind a proxy that
    /// says so, and nothing from a malformed `Host`.
    #[test]
    fn the_token_url_is_on_the_origin_asked() {
        let origin = |host: &str, proto: Option<&str>| {
            let mut headers = HeaderMap::new();
            headers.insert("host", HeaderValue::from_str(host).expect("header"));
            if let Some(proto) = proto {
                headers.insert("x-forwarded-proto", HeaderValue::from_str(proto).expect("header"));
            }
            super::origin(&headers, &Uri::from_static("/api/openapi.json"))
        };
        assert_eq!(origin("127.0.0.1:8080", None).as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(origin("miroir.example.fr", Some("https")).as_deref(), Some("https://miroir.example.fr"));
        assert_eq!(origin("miroir.example.fr", Some("gopher")).as_deref(), Some("http://miroir.example.fr"));
        assert_eq!(origin("a b", None), None);
        assert_eq!(origin("evil.example/x", None), None);
        assert_eq!(origin("user@evil.example", None), None);
    }

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
