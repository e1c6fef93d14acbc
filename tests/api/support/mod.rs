//! Everything the tests share, split by what it holds: Roster on loopback with a fresh
//! database, gRPC clients and records, the real binaries, one HTTP answer type, and a client
//! per vendor dialect (with [`dialect::DialectClient`] to check one rule on all four).

pub(crate) mod answer;
pub(crate) mod app;
pub(crate) mod cloudapi;
pub(crate) mod db;
pub(crate) mod dialect;
pub(crate) mod dynamic;
pub(crate) mod elements;
pub(crate) mod formsonfire;
pub(crate) mod grpc;
pub(crate) mod messages;
pub(crate) mod process;
pub(crate) mod receiver;
pub(crate) mod records;
pub(crate) mod scim;
pub(crate) mod surecloud;
pub(crate) mod tenant_rows;
pub(crate) mod tools;
pub(crate) mod triton;

pub(crate) use answer::Answer;
pub(crate) use app::{TEST_KEY, TEST_KID, TestApp, TestTenant, secret_of, test_settings};
pub(crate) use db::TestDb;
pub(crate) use grpc::{Users, expect_code, info, reason, violated_fields};
pub(crate) use messages::{create, get_by, key_email, key_id, mask, user};
pub(crate) use tools::{grpcurl_bin, roster_bin};
