//! A client that retries every write with the same `Idempotency-Key` (REST) or `request_id`
//! (gRPC) through each fault: every write is sent again, unchanged, until it has a
//! definitive answer, and once the fault has cleared every key has had exactly one effect,
//! the one its answer says.

mod check;
mod kill;
mod pg_restart;
mod send;
mod stall;
mod writers;
