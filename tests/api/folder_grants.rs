//! Granting and revoking a folder changes users' folders, so each user whose grants would
//! change is judged as an update of that user's folders would be: the owner's by the owner
//! alone, nobody's of a higher rank. One refusal and nothing changes.

use crate::security::owner::{rule, user_with_level};
use crate::support::records::{all_users, folder};
use crate::support::{TestApp, expect_code};
use roster_proto::v1 as pb;
use roster_user_service::scopes;
use tonic::Code;

type Answer = Result<tonic::Response<pb::Folder>, tonic::Status>;

fn grant(folder: &pb::Folder, users: &[&str]) -> pb::GrantFolderRequest {
    pb::GrantFolderRequest {
        folder_id: folder.id.clone(),
        user_ids: users.iter().map(|u| (*u).to_owned()).collect(),
        ..Default::default()
    }
}

fn revoke(folder: &pb::Folder, users: &[&str]) -> pb::RevokeFolderRequest {
    pb::RevokeFolderRequest {
        folder_id: folder.id.clone(),
        user_ids: users.iter().map(|u| (*u).to_owned()).collect(),
        ..Default::default()
    }
}

#[tokio::test]
async fn grants_of_the_owner_or_a_higher_rank_are_refused_with_nothing_changed() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let reports = folder(&app.folders(&t.token), "Reports", None).await;
    let plans = folder(&app.folders(&t.token), "Plans", None).await;
    let admin = user_with_level(&app, &t, "admin@acme.test", pb::AccessLevel::Admin).await;
    let boss = user_with_level(&app, &t, "boss@acme.test", pb::AccessLevel::SuperAdmin).await;
    let peer = user_with_level(&app, &t, "peer@acme.test", pb::AccessLevel::User).await;
    let owner = t.admin.id.as_str();
    // The owner holds Reports, granted by itself, and not Plans.
    app.folders(&t.owner_token)
        .grant_folder(grant(&reports, &[owner]))
        .await
        .expect("the owner grants itself");
    let admin_token = app.user_token(&t.id, &admin.id, scopes::TENANT_ADMIN, 0);
    let before = all_users(&app, &t).await;

    let mut refusals: Vec<(&str, Answer, &str)> = Vec::new();
    refusals.push((
        "an administrator granting the owner",
        app.folders(&admin_token)
            .grant_folder(grant(&plans, &[&peer.id, owner]))
            .await,
        "owner_protected",
    ));
    refusals.push((
        "an administrator revoking the owner's grant",
        app.folders(&admin_token)
            .revoke_folder(revoke(&reports, &[owner]))
            .await,
        "owner_protected",
    ));
    refusals.push((
        "an administrator granting a higher rank",
        app.folders(&admin_token)
            .grant_folder(grant(&plans, &[&peer.id, &boss.id]))
            .await,
        "outranked",
    ));
    refusals.push((
        "a service account revoking the owner's grant",
        app.folders(&t.token)
            .revoke_folder(revoke(&reports, &[owner, &peer.id]))
            .await,
        "owner_protected",
    ));
    for (who, answer, want) in refusals {
        let st = expect_code(answer, Code::PermissionDenied);
        assert_eq!(rule(&st), want, "{who}: {st:?}");
        assert_eq!(all_users(&app, &t).await, before, "{who} changed nothing");
    }

    // Granting the owner what it holds already changes nothing of it, so judges only the peer.
    app.folders(&admin_token)
        .grant_folder(grant(&reports, &[owner]))
        .await
        .expect("nothing of the owner's changes");
    assert_eq!(all_users(&app, &t).await, before);

    // What the same callers may do still works: a peer's grant, by the administrator.
    let granted = app
        .folders(&admin_token)
        .grant_folder(grant(&reports, &[&peer.id]))
        .await
        .expect("an administrator grants a user")
        .into_inner();
    assert_eq!(granted.member_count, 2, "the owner and the peer");
    app.folders(&admin_token)
        .revoke_folder(revoke(&reports, &[&peer.id]))
        .await
        .expect("and revokes it");
    // Revoking from users who hold nothing judges nobody.
    app.folders(&admin_token)
        .revoke_folder(revoke(&reports, &[&boss.id]))
        .await
        .expect("nothing to revoke is no refusal");
    // The owner manages its own grants.
    app.folders(&t.owner_token)
        .revoke_folder(revoke(&reports, &[owner]))
        .await
        .expect("the owner revokes itself");
}
