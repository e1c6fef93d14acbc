//! `GET /api/v2/user/search`: criteria (none: every user), status, pages that return every
//! match exactly once, and the total.

use crate::support::formsonfire::{Fmt, t};
use crate::support::formsonfire::{Fof, FofClient};
use roster_proto::v1 as pb;
use std::collections::BTreeSet;

/// `n` users `{prefix}{i} Smith` <{prefix}{i}@acme.test> created in one gRPC batch, with
/// external ids `{prefix}-{i}`.
async fn many(f: &Fof, prefix: &str, n: usize) {
    let items = (0..n)
        .map(|i| pb::UpsertUserItem {
            key: crate::support::key_email(&format!("{prefix}{i}@acme.test")),
            user: Some(pb::User {
                first_name: Some(format!("{prefix}{i}")),
                last_name: Some("Smith".into()),
                external_id: Some(format!("{prefix}-{i}")),
                ..Default::default()
            }),
            update_mask: crate::support::mask(&["first_name", "last_name", "external_id"]),
            create_if_missing: true,
            lenient_groups: false,
        })
        .collect();
    let r = f
        .users()
        .batch_upsert_users(pb::BatchUpsertUsersRequest {
            items,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        r.results
            .iter()
            .all(|x| x.status.as_ref().unwrap().code == 0)
    );
}

#[tokio::test]
async fn search_without_criteria_pages_through_every_user() {
    // The vendor sends clients to search "to retrieve multiple Users at once": without `Name`,
    // `Email` or `ExternalId` (or with blank ones) a search answers every user, page by page.
    let f = Fof::new().await;
    many(&f, "all", 6).await;
    for fmt in Fmt::ALL {
        for criteria in [vec![], vec![("Name", "  ")]] {
            let mut seen = Vec::new();
            let mut totals = BTreeSet::new();
            for page in 0..4 {
                let no = page.to_string();
                let mut params = criteria.clone();
                params.extend([("PageSize", "3"), ("PageNo", no.as_str())]);
                let a = f.c.get(fmt, "/user/search", &params).await;
                FofClient::ok(&a);
                totals.insert(a.get("TotalRows"));
                seen.extend((0..3).filter_map(|i| a.id(&format!("Users.{i}.Id"))));
            }
            let unique: BTreeSet<&String> = seen.iter().collect();
            // The six, and the tenant's owner.
            assert_eq!((seen.len(), unique.len()), (7, 7), "{fmt:?} {criteria:?}");
            assert_eq!(totals, BTreeSet::from([Some("7".to_owned())]), "{fmt:?}");
        }
        // `Status` alone narrows it.
        let none =
            f.c.get(fmt, "/user/search", &[("Status", "Disabled")])
                .await;
        FofClient::ok(&none);
        assert_eq!(none.get("TotalRows").as_deref(), Some("0"), "{fmt:?}");
    }
}

/// Query parameters and the first names they must find, in creation order.
type Case = (Vec<(&'static str, &'static str)>, Vec<&'static str>);

#[tokio::test]
async fn name_email_external_id_and_status_narrow_the_search() {
    let f = Fof::new().await;
    f.c.create(Fmt::Json, "Mary", "Poppins", "mary@pop.test")
        .await;
    f.c.create(Fmt::Json, "Marty", "McFly", "marty@hill.test")
        .await;
    let bert =
        f.c.create(Fmt::Json, "Bert", "Chimney", "bert@pop.test")
            .await;
    let mut users = f.users();
    users
        .update_user(pb::UpdateUserRequest {
            user: Some(pb::User {
                id: bert.clone(),
                status: pb::UserStatus::Disabled.into(),
                external_id: Some("B-1".into()),
                ..Default::default()
            }),
            update_mask: crate::support::mask(&["status", "external_id"]),
            password: None,
            ..Default::default()
        })
        .await
        .unwrap();
    let cases: Vec<Case> = vec![
        (vec![("Name", "mar")], vec!["Mary", "Marty"]),
        (vec![("Name", "RY POP")], vec!["Mary"]),
        (vec![("Name", "mar"), ("Email", "@pop.test")], vec!["Mary"]),
        (vec![("Email", "POP.test")], vec!["Mary", "Bert"]),
        (vec![("ExternalId", "B-1")], vec!["Bert"]),
        (vec![("ExternalId", "B-")], vec![]),
        (vec![("Email", "@"), ("Status", "disabled")], vec!["Bert"]),
        (
            vec![("Email", "@"), ("Status", "Invited")],
            vec!["Mary", "Marty"],
        ),
        (vec![("Name", "100%")], vec![]),
    ];
    for fmt in Fmt::ALL {
        for (params, want) in &cases {
            let a = f.c.get(fmt, "/user/search", params).await;
            FofClient::ok(&a);
            let names: Vec<String> = (0..=want.len())
                .filter_map(|i| a.get(&format!("Users.{i}.FirstName")))
                .collect();
            assert_eq!(names, *want, "{fmt:?} {params:?}");
            assert_eq!(
                a.get("TotalRows"),
                Some(want.len().to_string()),
                "{fmt:?} {params:?}"
            );
        }
        let bad =
            f.c.get(fmt, "/user/search", &[("Name", "x"), ("Status", "Asleep")])
                .await;
        assert_eq!(FofClient::error(&bad, 400, "InvalidValue")[0].1, "Status");
    }
}

#[tokio::test]
async fn pages_return_every_match_exactly_once_with_the_total() {
    let f = Fof::new().await;
    many(&f, "page", 23).await;
    many(&f, "other", 4).await;
    for fmt in Fmt::ALL {
        let mut seen = Vec::new();
        for page in 0..6 {
            let no = page.to_string();
            let a =
                f.c.get(
                    fmt,
                    "/user/search",
                    &[("Email", "page"), ("PageSize", "5"), ("PageNo", &no)],
                )
                .await;
            FofClient::ok(&a);
            assert_eq!(
                a.get("TotalRows").as_deref(),
                Some("23"),
                "{fmt:?} page {page}"
            );
            let ids: Vec<String> = (0..5)
                .filter_map(|i| a.id(&format!("Users.{i}.Id")))
                .collect();
            let want = match page {
                0..=3 => 5,
                4 => 3,
                _ => 0,
            };
            assert_eq!(ids.len(), want, "{fmt:?} page {page}");
            seen.extend(ids);
        }
        let unique: BTreeSet<&String> = seen.iter().collect();
        assert_eq!(
            (seen.len(), unique.len()),
            (23, 23),
            "{fmt:?}: each match exactly once"
        );
    }
}

#[tokio::test]
async fn page_size_defaults_to_100_and_may_not_exceed_250() {
    let f = Fof::new().await;
    many(&f, "big", 260).await;
    for fmt in Fmt::ALL {
        let count = |a: &crate::support::Answer| {
            a.node("Users")
                .and_then(serde_json::Value::as_array)
                .map_or(0, Vec::len)
        };
        let default = f.c.get(fmt, "/user/search", &[("Name", "big")]).await;
        assert_eq!(
            (count(&default), default.get("TotalRows").as_deref()),
            (100, Some("260"))
        );
        let max =
            f.c.get(fmt, "/user/search", &[("Name", "big"), ("PageSize", "250")])
                .await;
        assert_eq!(count(&max), 250, "{fmt:?}");
        let last =
            f.c.get(
                fmt,
                "/user/search",
                &[("Name", "big"), ("PageSize", "250"), ("PageNo", "1")],
            )
            .await;
        assert_eq!(count(&last), 10, "{fmt:?}");
        for (name, value) in [
            ("PageSize", "251"),
            ("PageSize", "0"),
            ("PageSize", "ten"),
            ("PageNo", "-1"),
        ] {
            let a =
                f.c.get(fmt, "/user/search", &[("Name", "big"), (name, value)])
                    .await;
            assert_eq!(
                FofClient::error(&a, 400, "InvalidValue")[0].1,
                name,
                "{fmt:?} {name}={value}"
            );
        }
    }
}

#[tokio::test]
async fn deleted_user_audits_are_a_flag_and_no_deleted_user_is_kept() {
    let f = Fof::new().await;
    let gone =
        f.c.create(Fmt::Json, "Gone", "Soon", "gone@acme.test")
            .await;
    FofClient::ok(
        &f.c.query(
            reqwest::Method::DELETE,
            Fmt::Json,
            "/user",
            &[("Id", &gone)],
        )
        .await,
    );
    for fmt in Fmt::ALL {
        for params in [
            vec![("Name", "Gone"), ("IncludeDeletedUserAudits", "true")],
            vec![
                ("Name", "Gone"),
                ("Status", "Deleted"),
                ("IncludeDeletedUserAudits", "true"),
            ],
        ] {
            let a = f.c.get(fmt, "/user/search", &params).await;
            FofClient::ok(&a);
            assert_eq!(
                a.get("TotalRows").as_deref(),
                Some("0"),
                "{fmt:?} {params:?}"
            );
        }
        let bad =
            f.c.get(
                fmt,
                "/user/search",
                &[("Name", "x"), ("IncludeDeletedUserAudits", "perhaps")],
            )
            .await;
        assert_eq!(
            FofClient::error(&bad, 400, "InvalidValue")[0].1,
            "IncludeDeletedUserAudits"
        );
    }
}

#[tokio::test]
async fn search_results_name_folders_and_groups_as_asked() {
    let f = Fof::new().await;
    let groups = f.app.groups(&f.tenant.token);
    crate::support::records::group(&groups, "//Crew", Some("G-CREW")).await;
    FofClient::ok(
        &f.c.post(
            Fmt::Json,
            &[
                ("UseNames", t("true")),
                ("FirstName", t("Named")),
                ("LastName", t("Member")),
                ("Email", t("named@acme.test")),
                ("Groups", crate::support::formsonfire::list(&["Crew"])),
            ],
        )
        .await,
    );
    for fmt in Fmt::ALL {
        let by_name =
            f.c.get(
                fmt,
                "/user/search",
                &[("Name", "Named"), ("UseNames", "true")],
            )
            .await;
        assert_eq!(by_name.list("Users.0.Groups"), ["Crew"], "{fmt:?}");
        let by_ext =
            f.c.get(
                fmt,
                "/user/search",
                &[("Name", "Named"), ("UseExternalIds", "true")],
            )
            .await;
        assert_eq!(by_ext.list("Users.0.Groups"), ["G-CREW"], "{fmt:?}");
        let by_id = f.c.get(fmt, "/user/search", &[("Name", "Named")]).await;
        assert!(uuid::Uuid::try_parse(&by_id.list("Users.0.Groups")[0]).is_ok());
    }
}

/// `TotalRows` and the ids of page `no` (of 5) of the users whose email has `memo`.
async fn memo_page(f: &Fof, no: &str) -> (Option<String>, Vec<String>) {
    let a =
        f.c.get(
            Fmt::Json,
            "/user/search",
            &[("Email", "memo"), ("PageSize", "5"), ("PageNo", no)],
        )
        .await;
    FofClient::ok(&a);
    let ids = (0..5)
        .filter_map(|i| a.id(&format!("Users.{i}.Id")))
        .collect();
    (a.get("TotalRows"), ids)
}

#[tokio::test]
async fn a_page_read_again_after_a_change_shows_the_change() {
    // The count of a search and where its numbered pages start are remembered for the same
    // search asked again; a write ends what was remembered.
    let f = Fof::new().await;
    many(&f, "memo", 12).await;
    let first = memo_page(&f, "0").await;
    let second = memo_page(&f, "1").await;
    let third = memo_page(&f, "2").await;
    assert_eq!(first.0.as_deref(), Some("12"));
    assert_eq!((second.1.len(), third.1.len()), (5, 2));
    assert_eq!(memo_page(&f, "1").await, second);
    assert_eq!(memo_page(&f, "2").await, third);

    // The first match goes: every later page moves up by one, and the total goes down.
    f.users()
        .delete_user(pb::DeleteUserRequest {
            id: first.1[0].clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    let (total, ids) = memo_page(&f, "1").await;
    assert_eq!(total.as_deref(), Some("11"));
    let mut moved_up = second.1[1..].to_vec();
    moved_up.push(third.1[0].clone());
    assert_eq!(ids, moved_up);
    assert_eq!(memo_page(&f, "2").await.1, third.1[1..].to_vec());
}
