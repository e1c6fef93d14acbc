//! Exact bytes of whole answers, pinned against fixtures in `testdata/`: a full user with
//! every member set, and an error, in both formats.

use super::error::{FofError, field};
use super::format::Format;
use super::reply::{self, Reply, Root};
use super::user_view::{Naming, UserOut};
use roster_proto::v1 as pb;

fn ts(seconds: i64, nanos: i32) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds, nanos }
}

fn user() -> pb::User {
    pb::User {
        id: "2ebc64a3-6a0d-4001-8a9e-0b1c2d3e4f50".into(),
        email: "mctesty@example.com".into(),
        first_name: Some("Mc".into()),
        last_name: Some("Testy & Sons".into()),
        country: Some("BA".into()),
        external_id: Some("XXX".into()),
        time_zone: Some("Universal Standard Time".into()),
        status: pb::UserStatus::Active.into(),
        access_level: pb::AccessLevel::ReadOnly.into(),
        license_type: pb::LicenseType::Premium.into(),
        metadata: [("payroll".to_owned(), "P-7".to_owned())].into(),
        password_change_required: true,
        groups: vec![pb::GroupRef {
            id: "01a23309-0000-7000-8000-000000000002".into(),
            path: "//Sales".into(),
            name: "Sales".into(),
            external_id: None,
        }],
        folders: vec![pb::FolderRef {
            id: "01a23309-0000-7000-8000-000000000001".into(),
            name: "Reports".into(),
            external_id: Some("F-1".into()),
        }],
        devices: vec![pb::Device {
            id: "77f3a44b82264f7f".into(),
            os: Some("Windows".into()),
            os_version: None,
            app_version: Some("9.2".into()),
            name: None,
            last_sync_time: Some(ts(1_630_304_938, 100_000_000)),
        }],
        create_time: Some(ts(1_568_183_043, 963_000_000)),
        update_time: Some(ts(1_647_697_851, 877_000_000)),
        last_activity_time: Some(ts(1_630_304_938, 100_000_000)),
        ..Default::default()
    }
}

async fn body(res: axum::response::Response) -> String {
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test]
async fn a_full_user_response_matches_the_fixtures_byte_for_byte() {
    let out = UserOut::full(&user(), 1001, Naming::Ids);
    let reply = Reply::user(out);
    let xml = body(reply::ok(Format::Xml, Root::User, &reply)).await;
    assert_eq!(xml, include_str!("testdata/user_response.xml").trim_end());
    let json = body(reply::ok(Format::Json, Root::User, &reply)).await;
    assert_eq!(json, include_str!("testdata/user_response.json").trim_end());
}

#[tokio::test]
async fn an_error_response_matches_the_fixtures_byte_for_byte() {
    let e = FofError::fields(vec![
        field("NotEmpty", "FirstName", "'First Name' must not be empty."),
        field("NotEmpty", "Email", "'Email' must not be empty."),
    ]);
    let xml = body(reply::failed(Format::Xml, Root::User, &e)).await;
    assert_eq!(xml, include_str!("testdata/error_response.xml").trim_end());
    let json = body(reply::failed(Format::Json, Root::User, &e)).await;
    assert_eq!(
        json,
        include_str!("testdata/error_response.json").trim_end()
    );
}
