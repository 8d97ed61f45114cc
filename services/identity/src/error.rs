//! Identity errors mapped once to gRPC statuses: client errors say what is
//! wrong (with the field as a `BadRequest` detail), internal ones are logged
//! and leave as an opaque INTERNAL.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::core::IdentityError;

impl From<IdentityError> for Status {
    fn from(error: IdentityError) -> Self {
        match error {
            IdentityError::Invalid { field, reason } => Status::with_error_details(
                Code::InvalidArgument,
                format!("{field}: {reason}"),
                ErrorDetails::with_bad_request_violation(field, reason),
            ),
            IdentityError::InvalidFields(fields) => {
                let message = IdentityError::InvalidFields(fields.clone()).to_string();
                let mut details = ErrorDetails::new();
                for (field, reason) in fields {
                    details.add_bad_request_violation(field, reason);
                }
                Status::with_error_details(Code::InvalidArgument, message, details)
            }
            IdentityError::NotFound(what) => Status::not_found(format!("{what} not found")),
            IdentityError::AlreadyExists(what) => Status::already_exists(format!("{what} already exists")),
            IdentityError::WrongState(why) => Status::failed_precondition(why),
            IdentityError::Unauthenticated(why) => Status::unauthenticated(why),
            IdentityError::PermissionDenied(why) => Status::permission_denied(why),
            IdentityError::RateLimited(wait) => {
                let message = IdentityError::RateLimited(wait).to_string();
                Status::with_error_details(Code::ResourceExhausted, message, ErrorDetails::with_retry_info(Some(wait)))
            }
            IdentityError::Contention => Status::aborted("too many concurrent changes; retry"),
            IdentityError::Internal(cause) => {
                tracing::error!(%cause, "identity: internal error");
                Status::internal("internal error")
            }
        }
    }
}
