//! CloudAPI's operations as tables: a row per route handler says what serves it and what
//! the OpenAPI description says of it, so that a file's API reads at a glance at its foot
//! and the handlers' code is plain functions above it.
//!
//! A row: the doc comment (the operation's summary), then
//! `name(req: Reads) => serving expression, method "path" as "operation id",` then optional
//! `params(...)` and `request_body = Type,`, then the answer's status, description and
//! body type. The handler made is `pub(crate) async fn name(req: Signed<Reads>)`.

macro_rules! operations {
    ($($(#[$doc:meta])*
       $name:ident($req:ident: $reads:ident) => $serve:expr,
       $method:ident $path:literal as $op:literal,
       $(params($($param:path),*),)?
       $(request_body = $body:path,)?
       $status:literal $said:literal $(=> $answer:tt)?;)*) => {$(
        $(#[$doc])*
        #[utoipa::path(
            $method,
            path = $path,
            operation_id = $op,
            $(params($($param),*),)?
            $(request_body = $body,)?
            responses((status = $status, description = $said $(, body = $answer)?)),
        )]
        pub(crate) async fn $name(
            $req: $crate::dialects::cloudapi::context::Signed<
                $crate::dialects::cloudapi::context::$reads,
            >,
        ) -> Result<axum::response::Response, $crate::dialects::cloudapi::ApiError> {
            $serve.await
        }
    )*};
}
