//! The gRPC clients of the back-end services, and how one call is made: the
//! caller's credentials and the trace context go along, and the gateway waits
//! a bounded time for the answer.

use std::future::Future;
use std::time::Duration;

use miroir_platform::telemetry::propagate_interceptor;
use miroir_proto::dialogue::v1::dialogue_client;
use miroir_proto::identity::v1::identity_client;
use miroir_proto::notifications::v1::notifications_client;
use miroir_proto::publications::v1::publications_client;
use miroir_proto::reports::v1::reports_client;
use miroir_proto::transparency::v1::transparency_client;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};

use crate::error::GatewayError;
use crate::rest::extract::Forwarded;

/// How long the gateway waits for a back-end answer before giving up with a
/// 504: long enough for a busy database, short enough that a person waiting
/// on a page gets an answer.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// How long opening a connection to a back-end service may take. A service
/// that is down usually refuses at once; this bounds the case of an address
/// that does not answer at all.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

type Interceptor = fn(tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status>;

/// The reports client, forwarding the trace context on every call.
pub type ReportsClient = reports_client::ReportsClient<InterceptedService<Channel, Interceptor>>;

/// The identity client, forwarding the trace context on every call.
pub type IdentityClient = identity_client::IdentityClient<InterceptedService<Channel, Interceptor>>;

/// The publications client, forwarding the trace context on every call.
pub type PublicationsClient = publications_client::PublicationsClient<InterceptedService<Channel, Interceptor>>;

/// The dialogue client, forwarding the trace context on every call.
pub type DialogueClient = dialogue_client::DialogueClient<InterceptedService<Channel, Interceptor>>;

/// The notifications client, forwarding the trace context on every call.
pub type NotificationsClient = notifications_client::NotificationsClient<InterceptedService<Channel, Interceptor>>;
pub type TransparencyClient = transparency_client::TransparencyClient<InterceptedService<Channel, Interceptor>>;

/// A channel to `url` (`http://host:port`) that connects on first use and
/// reconnects as needed, so that the gateway can start before the services.
pub fn lazy_channel(url: &str) -> Result<Channel, GatewayError> {
    let endpoint = Endpoint::from_shared(url.to_owned())
        .map_err(|source| GatewayError::InvalidUpstreamUrl { url: url.to_owned(), source })?;
    Ok(endpoint.connect_timeout(CONNECT_TIMEOUT).tcp_nodelay(true).connect_lazy())
}

/// Photos travel in reports' messages: up to five of 5 MiB in a submission, one in an answer.
const MAX_REPORTS_MESSAGE_BYTES: usize = 32 * 1024 * 1024;

pub fn reports_client(channel: Channel) -> ReportsClient {
    reports_client::ReportsClient::with_interceptor(channel, propagate_interceptor as Interceptor)
        .max_decoding_message_size(MAX_REPORTS_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_REPORTS_MESSAGE_BYTES)
}

pub fn identity_client(channel: Channel) -> IdentityClient {
    identity_client::IdentityClient::with_interceptor(channel, propagate_interceptor as Interceptor)
}

/// Attachments (PDF and images) travel in publications' messages.
const MAX_PUBLICATIONS_MESSAGE_BYTES: usize = 32 * 1024 * 1024;

pub fn publications_client(channel: Channel) -> PublicationsClient {
    publications_client::PublicationsClient::with_interceptor(channel, propagate_interceptor as Interceptor)
        .max_decoding_message_size(MAX_PUBLICATIONS_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_PUBLICATIONS_MESSAGE_BYTES)
}

pub fn dialogue_client(channel: Channel) -> DialogueClient {
    dialogue_client::DialogueClient::with_interceptor(channel, propagate_interceptor as Interceptor)
}

pub fn notifications_client(channel: Channel) -> NotificationsClient {
    notifications_client::NotificationsClient::with_interceptor(channel, propagate_interceptor as Interceptor)
}

pub fn transparency_client(channel: Channel) -> TransparencyClient {
    transparency_client::TransparencyClient::with_interceptor(channel, propagate_interceptor as Interceptor)
}

/// A gRPC request carrying `message`, the caller's credentials and a
/// deadline, so that the service can give up once the gateway has.
pub fn request<T>(message: T, forwarded: &Forwarded) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    forwarded.apply(request.metadata_mut());
    // tonic's client also enforces this deadline (as CANCELLED); a little
    // slack lets [`call`]'s own timer fire first and answer a clear 504.
    request.set_timeout(CALL_TIMEOUT + Duration::from_secs(1));
    request
}

/// Awaits a call for at most [`CALL_TIMEOUT`]. The bound is kept here rather
/// than on the channel because tonic reports its own timeouts as CANCELLED,
/// which would read as an internal error; this one is a clear 504.
pub async fn call<T>(call: impl Future<Output = Result<tonic::Response<T>, tonic::Status>>) -> Result<T, GatewayError> {
    match tokio::time::timeout(CALL_TIMEOUT, call).await {
        Ok(Ok(answer)) => Ok(answer.into_inner()),
        Ok(Err(status)) => Err(GatewayError::Upstream(local_failure_as_unavailable(status))),
        Err(_elapsed) => Err(GatewayError::UpstreamTimeout),
    }
}

/// A call whose connection broke (the service was killed mid-call) fails in
/// tonic as UNKNOWN with the transport error as its source; a status the
/// service itself sent has no source. The former means "unavailable".
fn local_failure_as_unavailable(status: tonic::Status) -> tonic::Status {
    use std::error::Error;
    if status.code() == tonic::Code::Unknown && status.source().is_some() {
        return tonic::Status::unavailable(status.message().to_owned());
    }
    status
}

#[cfg(test)]
mod tests {
    use super::local_failure_as_unavailable;
    use tonic::{Code, Status};

    #[test]
    fn a_broken_connection_is_unavailable_but_a_services_unknown_is_not() {
        let broken = Status::from_error(Box::new(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset")));
        assert_eq!(broken.code(), Code::Unknown);
        assert_eq!(local_failure_as_unavailable(broken).code(), Code::Unavailable);
        assert_eq!(local_failure_as_unavailable(Status::unknown("from the service")).code(), Code::Unknown);
    }
}
