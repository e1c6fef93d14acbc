//! Paging: `startIndex` / `count` as Okta pages, and RFC 9865 cursors that hold still under
//! concurrent inserts and refuse being altered.

use crate::support::TestApp;
use crate::support::scim::{Scim, USER};
use serde_json::json;
use std::collections::HashSet;

async fn many(scim: &Scim<'_>, prefix: &str, n: usize) -> Vec<String> {
    let mut names = Vec::new();
    for i in 0..n {
        let name = format!("{prefix}{i:03}@acme.test");
        scim.create_user(json!({ "schemas": [USER], "userName": name }))
            .await;
        names.push(name);
    }
    names
}

#[tokio::test]
async fn index_paging_walks_every_user_with_the_total() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let mut want = many(&scim, "u", 7).await;
    want.push("acme".to_owned()); // the owner
    want.sort();
    let mut seen = Vec::new();
    let mut start = 1;
    loop {
        let a = scim
            .get_query(
                "/Users",
                &[
                    ("startIndex", &start.to_string()),
                    ("count", "3"),
                    ("sortBy", "userName"),
                ],
            )
            .await;
        assert_eq!(a.json()["totalResults"], 8);
        assert_eq!(a.json()["startIndex"], start);
        let page = Scim::user_names(&a);
        assert_eq!(a.json()["itemsPerPage"], page.len());
        if page.is_empty() {
            break;
        }
        seen.extend(page);
        start += 3;
    }
    assert_eq!(seen, want);
    // count=0 is the total alone; Okta's first page is startIndex=1&count=100.
    let a = scim.get_query("/Users", &[("count", "0")]).await;
    assert_eq!(
        (a.json()["totalResults"].clone(), Scim::resources(&a).len()),
        (json!(8), 0)
    );
    let a = scim
        .get_query("/Users", &[("startIndex", "1"), ("count", "100")])
        .await;
    assert_eq!(Scim::resources(&a).len(), 8);
}

#[tokio::test]
async fn index_pages_in_creation_order_see_every_user_once_while_others_are_added() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let before: HashSet<String> = many(&scim, "i", 9).await.into_iter().collect();
    let mut seen = Vec::new();
    let mut start = 1;
    for round in 0.. {
        let a = scim
            .get_query(
                "/Users",
                &[("startIndex", &start.to_string()), ("count", "4")],
            )
            .await;
        let page = Scim::user_names(&a);
        if page.is_empty() {
            break;
        }
        start += page.len();
        seen.extend(page);
        // New users come after every user there was (the default order is creation order).
        if round < 3 {
            scim.create_user(
                json!({ "schemas": [USER], "userName": format!("late{round}@acme.test") }),
            )
            .await;
        }
    }
    let unique: HashSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "no user twice: {seen:?}");
    assert!(
        before.is_subset(&unique),
        "every user that was there: {seen:?}"
    );
}

#[tokio::test]
async fn cursors_return_every_user_exactly_once_while_others_are_added() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let before: HashSet<String> = many(&scim, "a", 12).await.into_iter().collect();
    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut added = 0;
    loop {
        let a = scim
            .get_query(
                "/Users",
                &[
                    ("filter", "userName sw \"a\""),
                    ("cursor", &cursor),
                    ("count", "5"),
                ],
            )
            .await;
        assert_eq!(a.status, 200, "{a:?}");
        assert!(a.json().get("startIndex").is_none());
        seen.extend(Scim::user_names(&a));
        // Someone provisions more users between pages.
        scim.create_user(json!({ "schemas": [USER], "userName": format!("a9{added}@acme.test") }))
            .await;
        added += 1;
        match a.json()["nextCursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    let unique: HashSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "no user twice: {seen:?}");
    assert!(
        before.is_subset(&unique),
        "every user that was there: {seen:?}"
    );
}

#[tokio::test]
async fn an_altered_cursor_or_one_of_another_query_is_invalid_cursor() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    many(&scim, "c", 4).await;
    let a = scim
        .get_query("/Users", &[("cursor", ""), ("count", "2")])
        .await;
    let next = a.json()["nextCursor"]
        .as_str()
        .expect("a next cursor")
        .to_owned();
    let mut altered = next.clone().into_bytes();
    let last = altered.len() - 2;
    altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    for (cursor, filter) in [
        (altered.as_str(), ""),
        ("garbage", ""),
        (next.as_str(), "userName sw \"c\""),
    ] {
        let mut q = vec![("cursor", cursor), ("count", "2")];
        if !filter.is_empty() {
            q.push(("filter", filter));
        }
        let a = scim.get_query("/Users", &q).await;
        assert_eq!(Scim::error(&a, 400), "invalidCursor", "{cursor} {filter}");
    }
    let a = scim
        .get_query("/Users", &[("cursor", &next), ("startIndex", "2")])
        .await;
    Scim::error(&a, 400);
}

#[tokio::test]
async fn groups_page_by_index_and_by_cursor() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    for i in 0..5 {
        scim.group(&format!("G{i}"), &[]).await;
    }
    let a = scim
        .get_query(
            "/Groups",
            &[
                ("startIndex", "2"),
                ("count", "2"),
                ("sortBy", "displayName"),
                ("sortOrder", "descending"),
            ],
        )
        .await;
    let names: Vec<_> = Scim::resources(&a)
        .iter()
        .map(|g| g["displayName"].clone())
        .collect();
    assert_eq!(names, [json!("G3"), json!("G2")]);
    assert_eq!(a.json()["totalResults"], 5);
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let a = scim
            .get_query("/Groups", &[("cursor", &cursor), ("count", "2")])
            .await;
        assert_eq!(a.status, 200, "{a:?}");
        seen.extend(
            Scim::resources(&a)
                .iter()
                .map(|g| g["displayName"].as_str().unwrap().to_owned()),
        );
        match a.json()["nextCursor"].as_str() {
            Some(n) => cursor = n.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, ["G0", "G1", "G2", "G3", "G4"]);
}

#[tokio::test]
async fn previous_cursors_walk_back_through_users_and_groups() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    many(&scim, "p", 5).await;
    for i in 0..5 {
        scim.group(&format!("G{i}"), &[]).await;
    }
    for (path, filter, name) in [
        ("/Users", "userName sw \"p\"", "userName"),
        ("/Groups", "", "displayName"),
    ] {
        let query = |cursor: &str| {
            let mut q = vec![("cursor", cursor.to_owned()), ("count", "2".to_owned())];
            // Groups paged by cursor come in path order, and take no sortBy.
            if !filter.is_empty() {
                q.push(("filter", filter.to_owned()));
                q.push(("sortBy", "userName".to_owned()));
            }
            q
        };
        let get = async |cursor: &str| {
            let q = query(cursor);
            let q: Vec<(&str, &str)> = q.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let a = scim.get_query(path, &q).await;
            assert_eq!(a.status, 200, "{a:?}");
            let names: Vec<String> = Scim::resources(&a)
                .iter()
                .map(|r| r[name].as_str().unwrap().to_owned())
                .collect();
            let cursor = |k: &str| a.json()[k].as_str().map(str::to_owned);
            (names, cursor("nextCursor"), cursor("previousCursor"))
        };
        let mut forward = Vec::new();
        let mut cursor = String::new();
        let mut last_previous;
        loop {
            let (names, next, previous) = get(&cursor).await;
            assert_eq!(previous.is_none(), cursor.is_empty(), "{path}");
            forward.push(names);
            last_previous = previous;
            match next {
                Some(n) => cursor = n,
                None => break,
            }
        }
        assert_eq!(forward.len(), 3, "{path}: {forward:?}");
        let mut back = Vec::new();
        let mut cursor = last_previous;
        while let Some(c) = cursor {
            let (names, next, previous) = get(&c).await;
            assert!(next.is_some(), "{path}");
            back.insert(0, names);
            cursor = previous;
        }
        assert_eq!(back, forward[..2], "{path}");
    }
}
