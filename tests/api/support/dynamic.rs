//! Any RPC of the contract called by name, with a request built at run time: the descriptor
//! set the server is compiled from gives every service, method and message, so a test can
//! walk all of them and a method added later is called without anyone listing it.

use prost::Message as _;
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor, MethodDescriptor};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::transport::Channel;
use tonic::{Request, Status};

/// The contract's descriptors, as the server itself is built from them.
pub(crate) fn contract() -> DescriptorPool {
    DescriptorPool::decode(roster_proto::FILE_DESCRIPTOR_SET).expect("the descriptor set decodes")
}

/// Every unary method of the `roster.v1` services.
pub(crate) fn methods(pool: &DescriptorPool) -> Vec<MethodDescriptor> {
    pool.services()
        .filter(|s| s.package_name() == "roster.v1")
        .flat_map(|s| s.methods().collect::<Vec<_>>())
        .filter(|m| !m.is_client_streaming() && !m.is_server_streaming())
        .collect()
}

/// Encodes a dynamic request and decodes the answer against the method's output type.
#[derive(Debug, Clone)]
struct DynamicCodec(MessageDescriptor);

#[derive(Debug)]
struct Encode;

#[derive(Debug)]
struct Decode(MessageDescriptor);

impl Codec for DynamicCodec {
    type Encode = DynamicMessage;
    type Decode = DynamicMessage;
    type Encoder = Encode;
    type Decoder = Decode;

    fn encoder(&mut self) -> Encode {
        Encode
    }

    fn decoder(&mut self) -> Decode {
        Decode(self.0.clone())
    }
}

impl Encoder for Encode {
    type Item = DynamicMessage;
    type Error = Status;

    fn encode(&mut self, item: DynamicMessage, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        item.encode(dst)
            .map_err(|e| Status::internal(format!("encode: {e}")))
    }
}

impl Decoder for Decode {
    type Item = DynamicMessage;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<DynamicMessage>, Status> {
        DynamicMessage::decode(self.0.clone(), src)
            .map(Some)
            .map_err(|e| Status::internal(format!("decode: {e}")))
    }
}

/// Calls `method` with `request`, carrying `token` as a bearer token.
pub(crate) async fn call(
    channel: &Channel,
    token: &str,
    method: &MethodDescriptor,
    request: DynamicMessage,
) -> Result<DynamicMessage, Status> {
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready()
        .await
        .map_err(|e| Status::unavailable(format!("not ready: {e}")))?;
    let path = format!("/{}/{}", method.parent_service().full_name(), method.name());
    let mut request = Request::new(request);
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("ASCII token"),
    );
    grpc.unary(
        request,
        path.parse().expect("a method path"),
        DynamicCodec(method.output()),
    )
    .await
    .map(tonic::Response::into_inner)
}
