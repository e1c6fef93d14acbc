//! Every item is its own transaction: a process killed in the middle of a PATCH leaves the
//! items before it committed, whole, and none half-written; the same PATCH retried reports
//! every user correctly and creates no duplicate.

use crate::support::process::{Installation, RosterProcess, roster_command};
use roster_proto::v1 as pb;
use serde_json::{Value, json};
use std::time::Duration;

const USERS: usize = 2000;

fn body() -> Value {
    let users: Vec<Value> = (0..USERS)
        .map(|i| {
            json!({"email": format!("u{i}@acme.test"), "role": "CONTRIBUTOR", "name": format!("User {i}"),
                   "jobTitle": "Analyst", "groups": ["//Risk"]})
        })
        .collect();
    json!({ "users": users })
}

async fn count(grpc: &str, token: &str) -> i64 {
    let channel = tonic::transport::Endpoint::from_shared(grpc.to_owned())
        .unwrap()
        .connect_lazy();
    let mut req = tonic::Request::new(pb::ListUsersRequest {
        page_size: 1,
        include_total_size: true,
        ..Default::default()
    });
    req.metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    pb::user_service_client::UserServiceClient::new(channel)
        .list_users(req)
        .await
        .map(|r| r.into_inner().total_size.unwrap_or_default())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_crash_mid_patch_leaves_whole_users_and_a_retry_reports_them() {
    let inst = Installation::new().await;
    let out = roster_command(
        &[
            "tenant",
            "create",
            "acme",
            "--admin-email",
            "owner@acme.test",
            "--json",
        ],
        &inst.env(),
    )
    .await;
    let tenant: Value = serde_json::from_slice(&out.stdout).unwrap();
    let grpc_token = tenant["token"].as_str().unwrap().to_owned();
    let out = roster_command(
        &["group", "create", "--tenant", "acme", "//Risk"],
        &inst.env(),
    )
    .await;
    assert!(out.status.success());
    let out = roster_command(
        &[
            "user",
            "secret-key",
            "issue",
            "--tenant",
            "acme",
            "--email",
            "owner@acme.test",
        ],
        &inst.env(),
    )
    .await;
    let key = String::from_utf8(out.stdout).unwrap().trim().to_owned();

    let mut serve = RosterProcess::start("serve", &inst.env()).await;
    let http = reqwest::Client::new();
    let token = |url: String| {
        let http = http.clone();
        let key = key.clone();
        async move {
            let t: Value = http
                .post(format!("{url}/restful/v1/token"))
                .json(&json!({"email": "owner@acme.test", "secretKey": key}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            t["token"].as_str().unwrap().to_owned()
        }
    };
    let jwt = token(serve.http_url()).await;
    let url = format!("{}/restful/v1/user", serve.http_url());
    let request = http
        .patch(&url)
        .header("authorization", format!("Bearer {jwt}"))
        .json(&body())
        .send();
    let in_flight = tokio::spawn(request);
    // Kill once some, but not all, items are in: the count is read from the live process.
    let grpc = serve.grpc_url();
    let seen = tokio::time::timeout(Duration::from_mins(2), async {
        loop {
            let n = count(&grpc, &grpc_token).await;
            if n > 1 {
                return n;
            }
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the PATCH starts writing");
    serve.kill().await;
    assert!(
        in_flight.await.unwrap().is_err(),
        "the connection died with the process"
    );

    let serve = RosterProcess::start("serve", &inst.env()).await;
    let written = count(&serve.grpc_url(), &grpc_token).await - 1;
    assert!(
        written >= seen - 1,
        "committed items stay: {written} < {}",
        seen - 1
    );
    assert!(
        usize::try_from(written).unwrap() < USERS,
        "killed before the end ({written} of {USERS}); make the batch larger"
    );
    // Every committed user is whole: created with its name, title and group in one go.
    let channel = tonic::transport::Endpoint::from_shared(serve.grpc_url())
        .unwrap()
        .connect_lazy();
    let mut page_token = String::new();
    loop {
        let mut req = tonic::Request::new(pb::ListUsersRequest {
            page_size: 1000,
            page_token: page_token.clone(),
            ..Default::default()
        });
        req.metadata_mut().insert(
            "authorization",
            format!("Bearer {grpc_token}").parse().unwrap(),
        );
        let page = pb::user_service_client::UserServiceClient::new(channel.clone())
            .list_users(req)
            .await
            .unwrap()
            .into_inner();
        for u in page.users.iter().filter(|u| u.email != "owner@acme.test") {
            assert!(u.display_name.is_some(), "half-written: {u:?}");
            assert_eq!(
                u.job_title.as_deref(),
                Some("Analyst"),
                "half-written: {u:?}"
            );
            assert_eq!(u.groups.len(), 1, "half-written: {u:?}");
        }
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }

    // The retry: every user reported, none failing, none twice.
    let jwt = token(serve.http_url()).await;
    let r = http
        .patch(format!("{}/restful/v1/user", serve.http_url()))
        .header("authorization", format!("Bearer {jwt}"))
        .json(&body())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let users: Vec<Value> = r.json().await.unwrap();
    assert_eq!(users.len(), USERS);
    for (i, u) in users.iter().enumerate() {
        assert!(u.get("patchErrorMessage").is_none(), "{u}");
        assert_eq!(u["email"], format!("u{i}@acme.test"));
        assert_eq!(u["groups"], json!(["//Risk"]));
    }
    let total = count(&serve.grpc_url(), &grpc_token).await;
    assert_eq!(usize::try_from(total).unwrap(), USERS + 1, "no duplicates");
}
