//! The service's errors, mapped once to gRPC statuses. Client errors say what
//! is wrong (with the offending field as a `BadRequest` detail); internal ones
//! are logged with their cause (never a person's data) and leave as an opaque INTERNAL.

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
    #[error(transparent)]
    Auth(Status),
    /// An account's limit is reached (RESOURCE_EXHAUSTED, with why).
    #[error("{0}")]
    Limit(String),
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

    /// Puts a value's field errors under the request field that held the
    /// value: `within("subscription")` turns `area.radius_m` into `subscription.area.radius_m`.
    pub fn within(prefix: &'static str) -> impl Fn(DomainError) -> ApiError {
        move |error| match error {
            DomainError::Invalid { field, reason } => ApiError::invalid(format!("{prefix}.{field}"), reason),
            other => ApiError::Domain(other),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        ApiError::Internal(error.to_string())
    }
}

impl From<Status> for ApiError {
    fn from(status: Status) -> Self {
        ApiError::Auth(status)
    }
}

impl From<ExecuteError<DomainError>> for ApiError {
    fn from(error: ExecuteError<DomainError>) -> Self {
        match error {
            ExecuteError::Domain(e) => ApiError::Domain(e),
            ExecuteError::Contention(_) => ApiError::Contention,
            ExecuteError::KeyUsedElsewhere => ApiError::invalid("request_id", miroir_eventstore::KEY_USED_ELSEWHERE),
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
            ApiError::Domain(DomainError::Invalid { field, reason }) => bad_request(field, &reason),
            ApiError::Domain(e @ DomainError::AlreadyExists(_)) => Status::already_exists(e.to_string()),
            ApiError::Domain(e @ DomainError::NotFound(_)) => Status::not_found(e.to_string()),
            ApiError::Domain(DomainError::Precondition(what)) => Status::failed_precondition(what),
            ApiError::Auth(status) => status,
            ApiError::Limit(reason) => Status::resource_exhausted(reason),
            ApiError::Contention => Status::aborted("too many concurrent changes; retry"),
            ApiError::Suspended => Status::failed_precondition(miroir_communes::Refusal::SUSPENDED_MESSAGE),
            ApiError::Internal(cause) => {
                // Causes are database and decoding errors: they name tables and
                // columns, never the values of a row.
                tracing::error!(%cause, "notifications: internal error");
                Status::internal("internal error")
            }
        }
    }
}
