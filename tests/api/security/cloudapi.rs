//! CloudAPI through the real `triton` CLI: a sub-user's narrow policy is all it gets.

use crate::support::triton::{Cli, md5, ok, setup};

/// The path of `~/.ssh/NAME.pub`.
fn public(cli: &Cli, name: &str) -> String {
    cli.home
        .path()
        .join(format!(".ssh/{name}.pub"))
        .to_string_lossy()
        .into_owned()
}

/// Sub-user `bob` with a key of his own, whose default role `NAME` carries one policy of
/// `rules`, all made by the owner (key `owner_fp`) with the CLI; bob's key fingerprint.
async fn bob_with_role(cli: &Cli, owner_fp: &str, name: &str, rules: &str) -> String {
    let bob = cli.file(
        "bob.json",
        r#"{"login":"bob","password":"s3cret-Passw0rd","email":"bob@example.com"}"#,
    );
    ok(&cli
        .run_as(owner_fp, None, &["rbac", "user", "-a", &bob], &[])
        .await);
    let bob_fp = md5(&cli.key("id_bob", &["-t", "ed25519"]));
    ok(&cli
        .run_as(
            owner_fp,
            None,
            &["rbac", "key", "-a", "bob", &public(cli, "id_bob")],
            &[],
        )
        .await);
    let policy = cli.file(
        "policy.json",
        &format!(r#"{{"name":"{name}","rules":{rules}}}"#),
    );
    ok(&cli
        .run_as(owner_fp, None, &["rbac", "policy", "-a", &policy], &[])
        .await);
    let role = cli.file(
        "role.json",
        &format!(
            r#"{{"name":"{name}","members":[{{"type":"subuser","login":"bob","default":true}}],"policies":[{{"name":"{name}"}}]}}"#
        ),
    );
    ok(&cli
        .run_as(owner_fp, None, &["rbac", "role", "-a", &role], &[])
        .await);
    bob_fp
}

#[tokio::test]
async fn a_sub_user_with_createuserkey_cannot_take_over_the_owner() {
    let (_app, cli, [_, _, ed]) = setup().await;
    let bob_fp = bob_with_role(&cli, &ed, "keyers", r#"["CAN createuserkey"]"#).await;
    let evil_fp = md5(&cli.key("id_evil", &["-t", "ed25519"]));
    let account_keys = ok(&cli.run_as(&ed, None, &["keys"], &[]).await).to_owned();

    // The attack: a key for "the user acme", which is the owner's login.
    let r = cli
        .run_as(
            &bob_fp,
            Some("bob"),
            &["rbac", "key", "-a", "acme", &public(&cli, "id_evil")],
            &[],
        )
        .await;
    assert_ne!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("ResourceNotFound"), "{r:?}");
    // Signing as the owner's "user" with that key gets nowhere.
    for args in [
        &["rbac", "users"][..],
        &["key", "add", "-n", "evil", &public(&cli, "id_evil")],
    ] {
        let r = cli.run_as(&evil_fp, Some("acme"), args, &[]).await;
        assert_ne!(r.code, 0, "{args:?}: {r:?}");
        assert!(r.stderr.contains("InvalidCredentials"), "{r:?}");
    }
    // Nor does bob reach anything its policy does not name.
    let r = cli
        .run_as(&bob_fp, Some("bob"), &["rbac", "users"], &[])
        .await;
    assert!(r.stderr.contains("NotAuthorized"), "{r:?}");
    // The owner's keys are as they were.
    assert_eq!(
        ok(&cli.run_as(&ed, None, &["keys"], &[]).await),
        account_keys
    );
    // What the policy does allow still works: a key of bob's own.
    ok(&cli
        .run_as(
            &bob_fp,
            Some("bob"),
            &["rbac", "key", "-a", "bob", &public(&cli, "id_evil")],
            &[],
        )
        .await);
}

#[tokio::test]
async fn a_sub_user_allowed_everything_still_cannot_touch_the_owner_or_itself() {
    let (_app, cli, [_, _, ed]) = setup().await;
    let bob_fp = bob_with_role(&cli, &ed, "ops", r#"["CAN *"]"#).await;
    let evil = cli.key("id_evil", &["-t", "ed25519"]);
    let account_keys = ok(&cli.run_as(&ed, None, &["keys"], &[]).await).to_owned();
    let users = ok(&cli.run_as(&ed, None, &["rbac", "users"], &[]).await).to_owned();

    // The owner is no sub-user: not found for deletion or keys.
    for args in [
        &["rbac", "user", "-d", "-y", "acme"][..],
        &["rbac", "keys", "acme"],
    ] {
        let r = cli.run_as(&bob_fp, Some("bob"), args, &[]).await;
        assert_ne!(r.code, 0, "{args:?}: {r:?}");
        assert!(r.stderr.contains("ResourceNotFound"), "{r:?}");
    }
    // Account keys are the owner's, and bob cannot delete himself.
    for args in [
        &["key", "add", "-n", "evil", &public(&cli, "id_evil")][..],
        &["rbac", "user", "-d", "-y", "bob"],
    ] {
        let r = cli.run_as(&bob_fp, Some("bob"), args, &[]).await;
        assert_ne!(r.code, 0, "{args:?}: {r:?}");
        assert!(r.stderr.contains("NotAuthorized"), "{r:?}");
    }
    assert_eq!(
        ok(&cli.run_as(&ed, None, &["keys"], &[]).await),
        account_keys
    );
    assert_eq!(
        ok(&cli.run_as(&ed, None, &["rbac", "users"], &[]).await),
        users
    );
    assert!(!account_keys.contains(&md5(&evil)));
}
