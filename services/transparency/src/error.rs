//! The service's errors, mapped once to gRPC statuses: a bad request names
//! its field; an internal error is logged with its cause and leaves as an
//! opaque INTERNAL.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{field}: {reason}")]
    InvalidArgument { field: &'static str, reason: String },
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Auth(#[from] Status),
    #[error("internal: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        ApiError::InvalidArgument { field, reason: reason.into() }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        ApiError::Internal(error.to_string())
    }
}

impl From<ApiError> for Status {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::InvalidArgument { field, reason } => Status::with_error_details(
                Code::InvalidArgument,
                format!("{field}: {reason}"),
                ErrorDetails::with_bad_request_violation(field, reason),
            ),
            ApiError::NotFound(what) => Status::not_found(what),
            ApiError::Auth(status) => status,
            ApiError::Internal(cause) => {
                // Database errors name tables and columns, never a row's values.
                tracing::error!(%cause, "transparency: internal error");
                Status::internal("internal error")
            }
        }
    }
}
