//! The gRPC server: health following readiness, reflection, graceful stop and
//! call metrics, over real sockets on 127.0.0.1.

use std::net::SocketAddr;
use std::time::Duration;

use miroir_platform::grpc::{self, GrpcServeError};
use miroir_platform::health::Readiness;
use miroir_platform::metrics::{self, Metrics};
use prost::Message;
use prost_types::{
    DescriptorProto, FileDescriptorProto, FileDescriptorSet, MethodDescriptorProto, ServiceDescriptorProto,
};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tonic::Code;
use tonic::service::Routes;
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_reflection::pb::v1::ServerReflectionRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

/// An encoded descriptor set declaring `test.v1.Things` and `test.v1.Other`,
/// each with one `Ping(Ping) returns (Ping)` method.
fn test_descriptor() -> &'static [u8] {
    let service = |name: &str| ServiceDescriptorProto {
        name: Some(name.to_owned()),
        method: vec![MethodDescriptorProto {
            name: Some("Ping".to_owned()),
            input_type: Some(".test.v1.Ping".to_owned()),
            output_type: Some(".test.v1.Ping".to_owned()),
            ..Default::default()
        }],
        ..Default::default()
    };
    let file = FileDescriptorProto {
        name: Some("test/v1/things.proto".to_owned()),
        package: Some("test.v1".to_owned()),
        message_type: vec![DescriptorProto { name: Some("Ping".to_owned()), ..Default::default() }],
        service: vec![service("Things"), service("Other")],
        syntax: Some("proto3".to_owned()),
        ..Default::default()
    };
    // `serve` wants `&'static`, as `miroir_proto::FILE_DESCRIPTOR_SET` is.
    Box::leak(FileDescriptorSet { file: vec![file] }.encode_to_vec().into_boxed_slice())
}

type Server = JoinHandle<Result<(), GrpcServeError>>;

async fn bind() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local address");
    (listener, addr)
}

async fn connect(addr: SocketAddr) -> Channel {
    Endpoint::from_shared(format!("http://{addr}")).expect("endpoint").connect().await.expect("connect")
}

async fn check(client: &mut HealthClient<Channel>, service: &str) -> Result<ServingStatus, Code> {
    let request = HealthCheckRequest { service: service.to_owned() };
    match client.check(request).await {
        Ok(response) => Ok(response.into_inner().status()),
        Err(status) => Err(status.code()),
    }
}

/// The bridge follows readiness asynchronously: wait (briefly) for it.
async fn wait_for(client: &mut HealthClient<Channel>, service: &str, expected: ServingStatus) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let status = check(client, service).await;
        if status == Ok(expected) {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{service:?} stayed {status:?}, expected {expected:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn stop(token: CancellationToken, server: Server) {
    token.cancel();
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("server stops once cancelled")
        .expect("server task")
        .expect("server result");
}

#[tokio::test]
async fn health_follows_readiness() {
    let readiness = Readiness::new();
    let database = readiness.register("database");
    database.set_ready(true);
    let (listener, addr) = bind().await;
    let token = CancellationToken::new();
    let server: Server =
        tokio::spawn(grpc::serve(listener, Routes::default(), test_descriptor(), readiness.clone(), token.clone()));
    let mut client = HealthClient::new(connect(addr).await);

    assert_eq!(check(&mut client, "").await, Ok(ServingStatus::Serving));
    assert_eq!(check(&mut client, "test.v1.Things").await, Ok(ServingStatus::Serving));
    assert_eq!(check(&mut client, "test.v1.Other").await, Ok(ServingStatus::Serving));
    assert_eq!(check(&mut client, "test.v1.Unknown").await, Err(Code::NotFound));

    database.set_ready(false);
    wait_for(&mut client, "", ServingStatus::NotServing).await;
    wait_for(&mut client, "test.v1.Things", ServingStatus::NotServing).await;

    database.set_ready(true);
    wait_for(&mut client, "", ServingStatus::Serving).await;

    stop(token, server).await;
}

#[tokio::test]
async fn health_starts_not_serving_when_not_ready() {
    let readiness = Readiness::new();
    let _projections = readiness.register("projections");
    let (listener, addr) = bind().await;
    let token = CancellationToken::new();
    let server: Server =
        tokio::spawn(grpc::serve(listener, Routes::default(), test_descriptor(), readiness, token.clone()));
    let mut client = HealthClient::new(connect(addr).await);

    // Set before `serve` accepts anything: no transient SERVING.
    assert_eq!(check(&mut client, "").await, Ok(ServingStatus::NotServing));

    stop(token, server).await;
}

#[tokio::test]
async fn reflection_lists_the_named_services() {
    let (listener, addr) = bind().await;
    let token = CancellationToken::new();
    let server: Server = tokio::spawn(grpc::serve_services(
        listener,
        Routes::default(),
        test_descriptor(),
        &["test.v1.Things"],
        Readiness::new(),
        token.clone(),
    ));
    let channel = connect(addr).await;

    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = ServerReflectionClient::new(channel.clone())
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection call")
        .into_inner();
    let response = responses.message().await.expect("reflection response").expect("one response");
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("unexpected reflection response: {response:?}");
    };
    let mut names: Vec<String> = list.service.into_iter().map(|service| service.name).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
            "test.v1.Things",
        ]
    );

    // Health covers the named services only.
    let mut health = HealthClient::new(channel);
    assert_eq!(check(&mut health, "test.v1.Things").await, Ok(ServingStatus::Serving));
    assert_eq!(check(&mut health, "test.v1.Other").await, Err(Code::NotFound));

    stop(token, server).await;
}

#[tokio::test]
async fn cancelling_stops_the_server() {
    let (listener, addr) = bind().await;
    let token = CancellationToken::new();
    let server: Server = tokio::spawn(grpc::serve(
        listener,
        Routes::default(),
        tonic_health::pb::FILE_DESCRIPTOR_SET,
        Readiness::new(),
        token.clone(),
    ));
    let mut client = HealthClient::new(connect(addr).await);
    assert_eq!(check(&mut client, "").await, Ok(ServingStatus::Serving));

    // The open client connection must not hold the stop up.
    stop(token, server).await;
}

#[tokio::test]
async fn invalid_descriptor_set_is_an_error() {
    let (listener, _) = bind().await;
    let token = CancellationToken::new();
    let served = grpc::serve(listener, Routes::default(), b"\xff\xff not protobuf", Readiness::new(), token).await;
    assert!(matches!(served, Err(GrpcServeError::Descriptor(_))), "{served:?}");
}

#[tokio::test]
async fn calls_are_counted_by_method_and_code() {
    let metrics = Metrics::new("test").expect("metrics");
    let (_reporter, health) = tonic_health::server::health_reporter();
    let routes = metrics::instrument_grpc(&metrics, Routes::new(health)).expect("instrument");
    let (listener, addr) = bind().await;
    let token = CancellationToken::new();
    let server = tokio::spawn(tonic::transport::Server::builder().add_routes(routes).serve_with_incoming_shutdown(
        tonic::transport::server::TcpIncoming::from(listener),
        token.clone().cancelled_owned(),
    ));
    let channel = connect(addr).await;
    let mut client = HealthClient::new(channel.clone());

    assert_eq!(check(&mut client, "").await, Ok(ServingStatus::Serving));
    assert_eq!(check(&mut client, "").await, Ok(ServingStatus::Serving));
    assert_eq!(check(&mut client, "missing").await, Err(Code::NotFound));
    for path in ["/grpc.health.v1.Health/NoSuchMethod", "/no.such.Service/Call"] {
        let mut grpc = tonic::client::Grpc::new(channel.clone());
        grpc.ready().await.expect("ready");
        let codec = tonic_prost::ProstCodec::<(), ()>::default();
        let called = grpc.unary(tonic::Request::new(()), http::uri::PathAndQuery::from_static(path), codec).await;
        assert_eq!(called.map(|_| ()).map_err(|status| status.code()), Err(Code::Unimplemented));
    }

    let expected = [
        r#"grpc_requests_total{code="OK",path="/grpc.health.v1.Health/Check",component="test"} 2"#,
        r#"grpc_requests_total{code="NOT_FOUND",path="/grpc.health.v1.Health/Check",component="test"} 1"#,
        r#"grpc_requests_total{code="UNIMPLEMENTED",path="unimplemented",component="test"} 1"#,
        r#"grpc_request_duration_seconds_count{path="/grpc.health.v1.Health/Check",component="test"} 3"#,
    ];
    // A trailers-only response is recorded when the server drops its body,
    // which may be just after the client has the answer.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let text = loop {
        let text = metrics.render().expect("render");
        if expected.iter().all(|line| text.contains(line)) || tokio::time::Instant::now() > deadline {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    for line in expected {
        assert!(text.contains(line), "missing {line} in:\n{text}");
    }
    assert!(!text.contains("no.such.Service"), "unknown services are not recorded:\n{text}");
    assert!(!text.contains("NoSuchMethod"), "unknown methods are not labels:\n{text}");

    token.cancel();
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("server stops")
        .expect("server task")
        .expect("server result");
}
