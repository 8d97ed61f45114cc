//! The protobuf codec of every Miroir gRPC service (and client): prost's, except that a message that cannot be
//! decoded is the sender's mistake, answered INVALID_ARGUMENT with the message's name and prost's reason ("invalid
//! wire type", "invalid string value: data is not UTF-8 encoded", …). prost's own codec says INTERNAL, which tells a
//! city IT developer who sent a wrong type that our server failed, and makes such calls count as server errors.

use std::marker::PhantomData;

use prost::{Message, Name};
use tonic::Status;
use tonic::codec::{BufferSettings, DecodeBuf, Decoder};
use tonic_prost::ProstEncoder;

/// `tonic_prost::ProstCodec`, with a malformed message answered INVALID_ARGUMENT (see the module's doc).
#[derive(Debug, Clone)]
pub struct Codec<T, U> {
    _messages: PhantomData<(T, U)>,
}

impl<T, U> Default for Codec<T, U> {
    fn default() -> Self {
        Self { _messages: PhantomData }
    }
}

impl<T, U> tonic::codec::Codec for Codec<T, U>
where
    T: Message + Send + 'static,
    U: Message + Name + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = MessageDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstEncoder::default()
    }

    fn decoder(&mut self) -> Self::Decoder {
        MessageDecoder { _message: PhantomData }
    }
}

/// Decodes `U`; a malformed message is INVALID_ARGUMENT.
#[derive(Debug, Clone)]
pub struct MessageDecoder<U> {
    _message: PhantomData<U>,
}

impl<U: Message + Name + Default> Decoder for MessageDecoder<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<U>, Status> {
        U::decode(buf).map(Some).map_err(|error| malformed::<U>(&error))
    }

    fn buffer_settings(&self) -> BufferSettings {
        BufferSettings::default()
    }
}

fn malformed<U: Name>(error: &prost::DecodeError) -> Status {
    Status::invalid_argument(format!("the message is not a valid {}: {error}", U::full_name()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eventstore::v1::Envelope;

    #[test]
    fn a_malformed_message_is_the_senders_mistake_and_says_which_message() {
        // Field 1 sent with the varint wire type where a string is expected.
        let wrong_type: &[u8] = &[0x08, 0x01];
        let error = Envelope::decode(wrong_type).expect_err("a wire type mismatch");
        let status = malformed::<Envelope>(&error);
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert!(
            status.message().starts_with("the message is not a valid miroir.eventstore.v1.Envelope: "),
            "{status:?}"
        );
    }
}
