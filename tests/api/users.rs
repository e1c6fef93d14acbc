//! UserService: create, get by every key, update with masks and etags, delete, passwords,
//! activity.

use crate::support::{TestApp, create, expect_code, get_by, key_email, key_id, mask, reason, user};
use roster_proto::v1 as pb;
use roster_proto::v1::user_key::Key;
use tonic::Code;

#[tokio::test]
async fn a_user_is_created_and_read_back_by_every_key() {
    // Arrange
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let mut u = user("Ann.Lee@Example.com");
    u.login = "ann".into();
    u.first_name = Some("Ann".into());
    u.last_name = Some("Lee".into());
    u.external_id = Some("EMP-1".into());
    u.job_title = Some("Analyst".into());
    u.metadata.insert("dept".into(), "risk".into());

    // Act
    let created = users.create_user(create(u)).await.unwrap().into_inner();

    // Assert
    assert!(!created.id.is_empty() && created.number > 0);
    assert_eq!(created.email, "Ann.Lee@Example.com", "email keeps its case");
    assert_eq!(created.status(), pb::UserStatus::Active);
    assert_eq!(created.person_type(), pb::PersonType::Internal);
    assert_eq!(created.access_level(), pb::AccessLevel::User);
    assert!(!created.has_password);
    assert_eq!(created.metadata["dept"], "risk");
    assert!(!created.etag.is_empty());
    for key in [
        Key::Id(created.id.clone()),
        Key::Number(created.number),
        Key::Login("ANN".into()),
        Key::Email("ann.lee@example.COM".into()),
        Key::ExternalId("EMP-1".into()),
    ] {
        let got = users
            .get_user(get_by(key.clone()))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(got, created, "lookup by {key:?}");
    }
}

#[tokio::test]
async fn the_login_defaults_to_the_email_and_unknown_users_are_not_found() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let u = users
        .create_user(create(user("bob@example.com")))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(u.login, "bob@example.com");
    let s = expect_code(
        users
            .get_user(get_by(Key::Email("nobody@example.com".into())))
            .await,
        Code::NotFound,
    );
    assert_eq!(reason(&s), "USER_NOT_FOUND");
}

#[tokio::test]
async fn duplicates_are_refused_with_a_reason_and_case_is_ignored() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let mut first = user("carol@example.com");
    first.login = "carol".into();
    first.external_id = Some("X-1".into());
    users.create_user(create(first)).await.unwrap();

    let mut same_email = user("CAROL@example.com");
    same_email.login = "carol2".into();
    let s = expect_code(
        users.create_user(create(same_email)).await,
        Code::AlreadyExists,
    );
    assert_eq!(reason(&s), "EMAIL_TAKEN");

    let mut same_login = user("other@example.com");
    same_login.login = "Carol".into();
    let s = expect_code(
        users.create_user(create(same_login)).await,
        Code::AlreadyExists,
    );
    assert_eq!(reason(&s), "LOGIN_TAKEN");

    let mut same_ext = user("third@example.com");
    same_ext.external_id = Some("X-1".into());
    let s = expect_code(
        users.create_user(create(same_ext)).await,
        Code::AlreadyExists,
    );
    assert_eq!(reason(&s), "EXTERNAL_ID_TAKEN");
}

#[tokio::test]
async fn an_update_writes_only_the_masked_fields_and_clears_unset_ones() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let mut u = user("dan@example.com");
    u.first_name = Some("Dan".into());
    u.city = Some("Oslo".into());
    u.phone = Some("555".into());
    let created = users.create_user(create(u)).await.unwrap().into_inner();

    let patch = pb::User {
        id: created.id.clone(),
        first_name: Some("Daniel".into()),
        city: None,
        phone: Some("999".into()),
        ..Default::default()
    };
    let updated = users
        .update_user(pb::UpdateUserRequest {
            user: Some(patch),
            update_mask: mask(&["first_name", "city"]),
            password: None,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();

    assert_eq!(updated.first_name.as_deref(), Some("Daniel"));
    assert_eq!(updated.city, None, "masked and unset means cleared");
    assert_eq!(
        updated.phone.as_deref(),
        Some("555"),
        "not in the mask, not written"
    );
    assert_ne!(updated.etag, created.etag);
    let when = |t: &Option<prost_types::Timestamp>| t.as_ref().map(|t| (t.seconds, t.nanos));
    assert!(when(&updated.update_time) > when(&created.update_time));
    let read = users
        .get_user(get_by(Key::Id(created.id)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(read, updated);
}

#[tokio::test]
async fn an_empty_mask_updates_the_fields_that_are_set() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let mut u = user("eve@example.com");
    u.city = Some("Rome".into());
    let created = users.create_user(create(u)).await.unwrap().into_inner();
    let patch = pb::User {
        id: created.id.clone(),
        job_title: Some("CTO".into()),
        status: pb::UserStatus::Disabled.into(),
        ..Default::default()
    };
    let updated = users
        .update_user(pb::UpdateUserRequest {
            user: Some(patch),
            update_mask: None,
            password: None,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.job_title.as_deref(), Some("CTO"));
    assert_eq!(updated.status(), pb::UserStatus::Disabled);
    assert_eq!(updated.city.as_deref(), Some("Rome"));
}

#[tokio::test]
async fn an_unchanged_update_keeps_the_etag() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let mut u = user("fay@example.com");
    u.city = Some("Rome".into());
    let created = users.create_user(create(u)).await.unwrap().into_inner();
    let same = pb::User {
        id: created.id.clone(),
        city: Some("Rome".into()),
        ..Default::default()
    };
    let after = users
        .update_user(pb::UpdateUserRequest {
            user: Some(same),
            update_mask: mask(&["city"]),
            password: None,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(after.etag, created.etag);
    assert_eq!(after.update_time, created.update_time);
}

#[tokio::test]
async fn a_stale_etag_is_refused_and_a_current_one_accepted() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let created = users
        .create_user(create(user("gus@example.com")))
        .await
        .unwrap()
        .into_inner();
    let first = pb::User {
        id: created.id.clone(),
        etag: created.etag.clone(),
        city: Some("A".into()),
        ..Default::default()
    };
    let v2 = users
        .update_user(pb::UpdateUserRequest {
            user: Some(first),
            update_mask: mask(&["city"]),
            password: None,
            ..Default::default()
        })
        .await
        .unwrap();

    let stale = pb::User {
        id: created.id.clone(),
        etag: created.etag.clone(),
        city: Some("B".into()),
        ..Default::default()
    };
    let s = expect_code(
        users
            .update_user(pb::UpdateUserRequest {
                user: Some(stale),
                update_mask: mask(&["city"]),
                password: None,
                ..Default::default()
            })
            .await,
        Code::FailedPrecondition,
    );
    assert_eq!(reason(&s), "ETAG_MISMATCH");
    let read = users
        .get_user(get_by(Key::Id(created.id.clone())))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        read.city.as_deref(),
        Some("A"),
        "the stale write changed nothing"
    );

    let s = expect_code(
        users
            .delete_user(pb::DeleteUserRequest {
                id: created.id.clone(),
                etag: created.etag,
                ..Default::default()
            })
            .await,
        Code::FailedPrecondition,
    );
    assert_eq!(reason(&s), "ETAG_MISMATCH");
    users
        .delete_user(pb::DeleteUserRequest {
            id: created.id,
            etag: v2.into_inner().etag,
            ..Default::default()
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn a_deleted_user_is_gone_and_its_email_free_again() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let created = users
        .create_user(create(user("hal@example.com")))
        .await
        .unwrap()
        .into_inner();
    users
        .delete_user(pb::DeleteUserRequest {
            id: created.id.clone(),
            etag: String::new(),
            ..Default::default()
        })
        .await
        .unwrap();
    expect_code(
        users.get_user(get_by(Key::Id(created.id.clone()))).await,
        Code::NotFound,
    );
    let s = expect_code(
        users
            .delete_user(pb::DeleteUserRequest {
                id: created.id,
                etag: String::new(),
                ..Default::default()
            })
            .await,
        Code::NotFound,
    );
    assert_eq!(reason(&s), "USER_NOT_FOUND");
    users
        .create_user(create(user("hal@example.com")))
        .await
        .unwrap();
}

#[tokio::test]
async fn passwords_are_set_verified_and_changed() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let created = users
        .create_user(pb::CreateUserRequest {
            user: Some(user("ivy@example.com")),
            password: Some("first-Passw0rd".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(created.has_password);
    let verify = |pw: &str| pb::VerifyPasswordRequest {
        key: key_email("IVY@example.com"),
        password: pw.to_owned(),
    };

    let ok = users
        .verify_password(verify("first-Passw0rd"))
        .await
        .unwrap()
        .into_inner();
    assert!(ok.valid);
    assert_eq!(ok.user.unwrap().id, created.id);
    let bad = users
        .verify_password(verify("wrong-Passw0rd"))
        .await
        .unwrap()
        .into_inner();
    assert!(
        !bad.valid && bad.user.is_none(),
        "a wrong password reveals no user"
    );

    let changed = users
        .change_password(pb::ChangePasswordRequest {
            id: created.id.clone(),
            password: "second-Passw0rd".into(),
            change_required: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(changed.password_change_required);
    assert!(
        !users
            .verify_password(verify("first-Passw0rd"))
            .await
            .unwrap()
            .into_inner()
            .valid
    );
    assert!(
        users
            .verify_password(verify("second-Passw0rd"))
            .await
            .unwrap()
            .into_inner()
            .valid
    );

    let s = expect_code(
        users
            .change_password(pb::ChangePasswordRequest {
                id: created.id,
                password: "short".into(),
                change_required: false,
                ..Default::default()
            })
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(crate::support::violated_fields(&s), ["password"]);
}

#[tokio::test]
async fn a_user_without_a_password_never_verifies() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    users
        .create_user(create(user("jo@example.com")))
        .await
        .unwrap();
    let r = users
        .verify_password(pb::VerifyPasswordRequest {
            key: key_email("jo@example.com"),
            password: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!r.valid);
}

#[tokio::test]
async fn activity_is_recorded_with_devices_and_never_moves_back() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let created = users
        .create_user(create(user("kim@example.com")))
        .await
        .unwrap()
        .into_inner();
    assert!(created.last_activity_time.is_none());
    let at = |s: i64| {
        Some(prost_types::Timestamp {
            seconds: s,
            nanos: 0,
        })
    };
    let device = pb::Device {
        id: "dev-1".into(),
        os: Some("iOS".into()),
        os_version: Some("17.1".into()),
        app_version: Some("5.2".into()),
        name: Some("Kim's phone".into()),
        last_sync_time: None,
    };
    let u = users
        .record_activity(pb::RecordActivityRequest {
            key: key_id(&created.id),
            time: at(2_000_000_000),
            device: Some(device.clone()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(u.last_activity_time, at(2_000_000_000));
    assert_eq!(u.devices.len(), 1);
    assert_eq!(u.devices[0].os.as_deref(), Some("iOS"));
    assert_eq!(u.devices[0].last_sync_time, at(2_000_000_000));

    let newer_device = pb::Device {
        os_version: Some("17.2".into()),
        ..device
    };
    let u = users
        .record_activity(pb::RecordActivityRequest {
            key: key_id(&created.id),
            time: at(1_900_000_000),
            device: Some(newer_device),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        u.last_activity_time,
        at(2_000_000_000),
        "an older activity does not move it back"
    );
    assert_eq!(u.devices.len(), 1, "the same device is updated, not added");
    assert_eq!(u.devices[0].os_version.as_deref(), Some("17.2"));
    assert_eq!(u.etag, created.etag, "activity is not a client write");
}

/// A login that is the email follows a new email (the core's rule, for every dialect), so the
/// old address is free again; a login of its own stays, and so does one set in the same write.
#[tokio::test]
async fn a_login_that_is_the_email_follows_it() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let ann = users
        .create_user(create(user("ann@acme.test")))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ann.login, "ann@acme.test");
    let mut own = user("bob@acme.test");
    own.login = "bob".into();
    let bob = users.create_user(create(own)).await.unwrap().into_inner();
    let change_email = |id: &str, email: &str, extra: Option<&str>| {
        let mut u = user(email);
        u.id = id.to_owned();
        let mut paths = vec!["email"];
        if let Some(login) = extra {
            u.login = login.to_owned();
            paths.push("login");
        }
        pb::UpdateUserRequest {
            user: Some(u),
            update_mask: mask(&paths),
            password: None,
            ..Default::default()
        }
    };
    let ann = users
        .update_user(change_email(&ann.id, "ann.new@acme.test", None))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ann.login, "ann.new@acme.test");
    // The old address names nobody now: a new user may take it.
    users
        .create_user(create(user("ann@acme.test")))
        .await
        .unwrap();
    let bob = users
        .update_user(change_email(&bob.id, "robert@acme.test", None))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(bob.login, "bob");
    let ann = users
        .update_user(change_email(&ann.id, "ann3@acme.test", Some("annie")))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (ann.login.as_str(), ann.email.as_str()),
        ("annie", "ann3@acme.test")
    );
}
