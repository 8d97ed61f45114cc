//! Generated protobuf code for every service's contract (`proto/`): the event
//! envelope, each service's events and gRPC stubs. Contract only: no behaviour.
#![allow(clippy::all, missing_docs, unreachable_pub)]

pub mod codec;

pub mod eventstore {
    pub mod v1 {
        tonic::include_proto!("miroir.eventstore.v1");
    }
}
pub mod identity {
    pub mod v1 {
        tonic::include_proto!("miroir.identity.v1");
    }
}
pub mod publications {
    pub mod v1 {
        tonic::include_proto!("miroir.publications.v1");
    }
}
pub mod reports {
    pub mod v1 {
        tonic::include_proto!("miroir.reports.v1");
    }
}
pub mod dialogue {
    pub mod v1 {
        tonic::include_proto!("miroir.dialogue.v1");
    }
}
pub mod notifications {
    pub mod v1 {
        tonic::include_proto!("miroir.notifications.v1");
    }
}
pub mod transparency {
    pub mod v1 {
        tonic::include_proto!("miroir.transparency.v1");
    }
}

/// Encoded `FileDescriptorSet` of all contracts, for gRPC reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/miroir_descriptor.bin"));
