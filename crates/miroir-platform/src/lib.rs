//! Platform plumbing shared by every Miroir component: storage, clock, telemetry,
//! metrics, health, shutdown, text search in read models, and the gRPC and HTTP servers that tie them
//! together.

pub mod clock;
pub mod grpc;
pub mod health;
pub mod http;
pub mod metrics;
pub mod search;
pub mod shutdown;
pub mod storage;
pub mod telemetry;
