//! FolderService and the folders, licence type, do-not-email flag, password updates and
//! activation of users, over gRPC.

use crate::support::records::folder;
use crate::support::{
    TestApp, create, expect_code, get_by, key_id, mask, reason, user, violated_fields,
};
use roster_proto::v1 as pb;
use roster_proto::v1::get_folder_request::Key;
use tonic::Code;

fn refs(names: &[&str]) -> Vec<pb::FolderRef> {
    names
        .iter()
        .map(|n| pb::FolderRef {
            name: (*n).to_owned(),
            ..Default::default()
        })
        .collect()
}

#[tokio::test]
async fn folders_are_unique_by_name_without_case_and_found_every_way() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut folders = app.folders(&t.token);
    let f = folder(&folders, "Field Reports", Some("F-1")).await;
    let dup = folders
        .create_folder(pb::CreateFolderRequest {
            name: "field reports".into(),
            external_id: None,
            ..Default::default()
        })
        .await;
    assert_eq!(
        reason(&expect_code(dup, Code::AlreadyExists)),
        "FOLDER_EXISTS"
    );
    let ext = folders
        .create_folder(pb::CreateFolderRequest {
            name: "Other".into(),
            external_id: Some("F-1".into()),
            ..Default::default()
        })
        .await;
    assert_eq!(
        reason(&expect_code(ext, Code::AlreadyExists)),
        "EXTERNAL_ID_TAKEN"
    );
    let bad = folders
        .create_folder(pb::CreateFolderRequest {
            name: " ".into(),
            external_id: None,
            ..Default::default()
        })
        .await;
    assert_eq!(
        violated_fields(&expect_code(bad, Code::InvalidArgument)),
        ["name"]
    );
    for key in [
        Key::Id(f.id.clone()),
        Key::Name("FIELD REPORTS".into()),
        Key::ExternalId("F-1".into()),
    ] {
        let got = folders
            .get_folder(pb::GetFolderRequest { key: Some(key) })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(got.id, f.id);
    }
    let missing = folders
        .get_folder(pb::GetFolderRequest {
            key: Some(Key::Name("nope".into())),
        })
        .await;
    assert_eq!(
        reason(&expect_code(missing, Code::NotFound)),
        "FOLDER_NOT_FOUND"
    );
    // Another tenant sees none of them.
    let other = app.tenant("globex").await;
    let theirs = app
        .folders(&other.token)
        .get_folder(pb::GetFolderRequest {
            key: Some(Key::Id(f.id.clone())),
        })
        .await;
    expect_code(theirs, Code::NotFound);
}

#[tokio::test]
async fn folders_are_listed_by_name_in_pages() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut folders = app.folders(&t.token);
    for name in ["delta", "Alpha", "charlie", "Bravo", "echo"] {
        folder(&folders, name, None).await;
    }
    let mut names = Vec::new();
    let mut token = String::new();
    loop {
        let page = folders
            .list_folders(pb::ListFoldersRequest {
                page_size: 2,
                page_token: token,
            })
            .await
            .unwrap()
            .into_inner();
        names.extend(page.folders.into_iter().map(|f| f.name));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(names, ["Alpha", "Bravo", "charlie", "delta", "echo"]);
}

#[tokio::test]
async fn granting_and_revoking_change_users_folders_and_etags() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let mut folders = app.folders(&t.token);
    let reports = folder(&folders, "Reports", None).await;
    let a = users
        .create_user(create(user("a@acme.test")))
        .await
        .unwrap()
        .into_inner();
    let b = users
        .create_user(create(user("b@acme.test")))
        .await
        .unwrap()
        .into_inner();
    let granted = folders
        .grant_folder(pb::GrantFolderRequest {
            folder_id: reports.id.clone(),
            user_ids: vec![a.id.clone(), b.id.clone(), a.id.clone()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(granted.member_count, 2);
    let a2 = users
        .get_user(get_by(pb::user_key::Key::Id(a.id.clone())))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        a2.folders
            .iter()
            .map(|x| x.name.as_str())
            .collect::<Vec<_>>(),
        ["Reports"]
    );
    assert_ne!(a2.etag, a.etag, "a grant is a change of the user");
    // Granting again changes nothing; an unknown user refuses the whole grant.
    let again = folders
        .grant_folder(pb::GrantFolderRequest {
            folder_id: reports.id.clone(),
            user_ids: vec![a.id.clone()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(again.member_count, 2);
    let a3 = users
        .get_user(get_by(pb::user_key::Key::Id(a.id.clone())))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(a3.etag, a2.etag);
    let g = folder(&folders, "Other", None).await;
    let unknown = folders
        .grant_folder(pb::GrantFolderRequest {
            folder_id: g.id.clone(),
            user_ids: vec![a.id.clone(), uuid::Uuid::now_v7().to_string()],
            ..Default::default()
        })
        .await;
    let st = expect_code(unknown, Code::InvalidArgument);
    assert_eq!(
        (reason(&st), violated_fields(&st)),
        ("USER_NOT_FOUND".to_owned(), vec!["user_ids[1]".to_owned()])
    );
    let a4 = users
        .get_user(get_by(pb::user_key::Key::Id(a.id.clone())))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(a4.folders.len(), 1, "nothing was granted");

    let revoked = folders
        .revoke_folder(pb::RevokeFolderRequest {
            folder_id: reports.id.clone(),
            user_ids: vec![b.id.clone()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(revoked.member_count, 1);
    folders
        .delete_folder(pb::DeleteFolderRequest {
            id: reports.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    let a5 = users
        .get_user(get_by(pb::user_key::Key::Id(a.id.clone())))
        .await
        .unwrap()
        .into_inner();
    assert!(
        a5.folders.is_empty(),
        "a deleted folder is gone from its users"
    );
    let gone = folders
        .delete_folder(pb::DeleteFolderRequest {
            id: reports.id,
            ..Default::default()
        })
        .await;
    expect_code(gone, Code::NotFound);
}

#[tokio::test]
async fn users_name_folders_by_id_name_or_external_id_and_unknown_ones_are_refused() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let folders = app.folders(&t.token);
    let x = folder(&folders, "X", Some("EX")).await;
    let y = folder(&folders, "y", None).await;
    let mut u = user("f@acme.test");
    u.folders = vec![
        pb::FolderRef {
            external_id: Some("EX".into()),
            ..Default::default()
        },
        pb::FolderRef {
            id: y.id.clone(),
            ..Default::default()
        },
        pb::FolderRef {
            name: "x".into(),
            ..Default::default()
        },
    ];
    let made = users.create_user(create(u)).await.unwrap().into_inner();
    let ids: Vec<&str> = made.folders.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, [x.id.as_str(), y.id.as_str()], "deduplicated, by name");
    let mut bad = user("g@acme.test");
    bad.folders = refs(&["y", "nowhere"]);
    let st = expect_code(users.create_user(create(bad)).await, Code::InvalidArgument);
    assert_eq!(
        (reason(&st), violated_fields(&st)),
        (
            "FOLDER_NOT_FOUND".to_owned(),
            vec!["user.folders[1]".to_owned()]
        )
    );
    let cleared = users
        .update_user(pb::UpdateUserRequest {
            user: Some(pb::User {
                id: made.id.clone(),
                ..Default::default()
            }),
            update_mask: mask(&["folders"]),
            password: None,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(cleared.folders.is_empty());
}

#[tokio::test]
async fn licence_type_and_do_not_email_have_defaults_and_round_trip() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let plain = users
        .create_user(create(user("p@acme.test")))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(plain.license_type(), pb::LicenseType::Standard);
    assert!(!plain.do_not_email);
    let updated = users
        .update_user(pb::UpdateUserRequest {
            user: Some(pb::User {
                id: plain.id.clone(),
                license_type: pb::LicenseType::Full.into(),
                do_not_email: true,
                ..Default::default()
            }),
            update_mask: mask(&["license_type", "do_not_email"]),
            password: None,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (updated.license_type(), updated.do_not_email),
        (pb::LicenseType::Full, true)
    );
}

#[tokio::test]
async fn a_password_in_update_user_is_written_with_the_fields_or_not_at_all() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let u = users
        .create_user(create(user("pw@acme.test")))
        .await
        .unwrap()
        .into_inner();
    let update = |first: &str, pw: &str| pb::UpdateUserRequest {
        user: Some(pb::User {
            id: u.id.clone(),
            first_name: Some(first.into()),
            ..Default::default()
        }),
        update_mask: mask(&["first_name"]),
        password: Some(pw.into()),
        ..Default::default()
    };
    let st = expect_code(
        users.update_user(update("Never", "short")).await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&st), ["password"]);
    let after = users
        .get_user(get_by(pb::user_key::Key::Id(u.id.clone())))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((after.first_name, after.has_password), (None, false));
    let done = users
        .update_user(update("Ann", "long-enough-1"))
        .await
        .unwrap()
        .into_inner();
    assert!(done.has_password && done.first_name.as_deref() == Some("Ann"));
    let v = users
        .verify_password(pb::VerifyPasswordRequest {
            key: key_id(&u.id),
            password: "long-enough-1".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(v.valid);
}

#[tokio::test]
async fn the_first_activity_of_an_invited_user_makes_it_active_and_only_then() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let mk = |email: &str, status: pb::UserStatus| {
        let mut u = user(email);
        u.status = status.into();
        create(u)
    };
    let invited = users
        .create_user(mk("i@acme.test", pb::UserStatus::Invited))
        .await
        .unwrap()
        .into_inner();
    let disabled = users
        .create_user(mk("d@acme.test", pb::UserStatus::Disabled))
        .await
        .unwrap()
        .into_inner();
    for (u, want) in [
        (&invited, pb::UserStatus::Active),
        (&disabled, pb::UserStatus::Disabled),
    ] {
        let after = users
            .record_activity(pb::RecordActivityRequest {
                key: key_id(&u.id),
                time: None,
                device: None,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(after.status(), want, "{}", u.email);
        assert!(after.last_activity_time.is_some());
    }
}
