//! The service's errors, mapped once to gRPC statuses. Client errors say what
//! is wrong (with the offending field as a `BadRequest` detail); internal ones
//! are logged with their cause and leave as an opaque INTERNAL.

use miroir_eventstore::decider::ExecuteError;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{field}: {reason}")]
    InvalidArgument { field: String, reason: String },
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("publication not found")]
    NotFound,
    #[error("attachment not found")]
    AttachmentNotFound,
    /// A feature this server was started without (attachments without an object store).
    #[error("{0}")]
    Unavailable(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    /// A writer's action without any credentials: sign in first.
    #[error("this action needs a signed-in account")]
    Unauthenticated,
    #[error("busy, retry")]
    Contention,
    #[error("this commune is suspended")]
    Suspended,
    #[error("internal: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        ApiError::InvalidArgument { field: field.into(), reason: reason.into() }
    }

    /// A request whose idempotency key was first used for another request:
    /// the first result, which a retry gets, is not an answer to this one.
    pub fn key_used_elsewhere() -> Self {
        ApiError::invalid("request_id", KEY_USED_ELSEWHERE)
    }
}

/// Why a request is refused when its idempotency key named another request.
pub use miroir_eventstore::KEY_USED_ELSEWHERE;

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        ApiError::Internal(error.to_string())
    }
}

impl From<ExecuteError<DomainError>> for ApiError {
    fn from(error: ExecuteError<DomainError>) -> Self {
        match error {
            ExecuteError::Domain(e) => ApiError::Domain(e),
            ExecuteError::Contention(_) => ApiError::Contention,
            ExecuteError::KeyUsedElsewhere => ApiError::key_used_elsewhere(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

fn bad_request(field: &str, reason: &str) -> Status {
    Status::with_error_details(
        Code::InvalidArgument,
        format!("{field}: {reason}"),
        ErrorDetails::with_bad_request_violation(field, reason),
    )
}

impl From<ApiError> for Status {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::InvalidArgument { field, reason } => bad_request(&field, &reason),
            ApiError::Domain(DomainError::Invalid { field, reason }) => bad_request(&field, &reason),
            ApiError::Domain(e @ DomainError::AlreadyExists(_)) => Status::already_exists(e.to_string()),
            ApiError::Domain(DomainError::NotFound(_)) | ApiError::NotFound => {
                Status::not_found("publication not found")
            }
            ApiError::Domain(DomainError::WrongState(reason)) => Status::failed_precondition(reason),
            ApiError::AttachmentNotFound => Status::not_found("attachment not found"),
            ApiError::Unavailable(reason) => Status::unimplemented(reason),
            ApiError::Forbidden(reason) => Status::permission_denied(reason),
            ApiError::Unauthenticated => Status::unauthenticated("this action needs a signed-in account"),
            ApiError::Contention => Status::aborted("too many concurrent changes to this publication; retry"),
            ApiError::Suspended => Status::failed_precondition(miroir_communes::Refusal::SUSPENDED_MESSAGE),
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "publications: internal error");
                Status::internal("internal error")
            }
        }
    }
}
