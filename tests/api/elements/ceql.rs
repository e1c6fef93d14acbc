//! CEQL through the gateway: a table of conditions and the exact users each returns, and
//! SQL injection attempts that give a 400 or nothing, never more rows and never a 500.

use crate::support::TestApp;
use crate::support::elements::Ce;
use roster_proto::v1 as pb;
use serde_json::json;

async fn people(app: &TestApp, t: &crate::support::TestTenant) -> Vec<i64> {
    let ce = Ce::owner(app, t);
    let mut ids = Vec::new();
    for (email, first, last, city) in [
        ("ann@acme.test", "Ann", "Lee", "Oslo"),
        ("bob_o@acme.test", "Bob", "O'Neil", "Bergen"),
        ("carol@other.test", "Carol", "Lee", ""),
        ("dave@acme.test", "Dave", "Smith", "Oslo"),
    ] {
        let mut body = json!({"email": email, "firstName": first, "lastName": last});
        if !city.is_empty() {
            body["city"] = json!(city);
        }
        let a = ce.post("/users", body).await;
        assert_eq!(a.status, 200, "{a:?}");
        ids.push(a.json()["id"].as_i64().unwrap());
    }
    // Dave logged in on 2020-05-17; the others never did. Carol is inactive.
    app.users(&t.token)
        .record_activity(pb::RecordActivityRequest {
            key: crate::support::key_email("dave@acme.test"),
            time: Some(prost_types::Timestamp {
                seconds: 1_589_720_400,
                nanos: 0,
            }),
            device: None,
            ..Default::default()
        })
        .await
        .unwrap();
    let off = ce
        .patch(&format!("/users/{}", ids[2]), json!({"active": false}))
        .await;
    assert_eq!(off.status, 200);
    ids
}

#[tokio::test]
async fn each_condition_returns_exactly_its_users() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ids = people(&app, &t).await;
    let ce = Ce::owner(&app, &t);
    let today = ce.get(&format!("/users/{}", ids[0])).await.json()["createdDate"]
        .as_str()
        .unwrap()
        .to_owned();
    let (ann, bob, carol, dave, owner) = ("ann", "bob_o", "carol", "dave", "owner");
    // Deactivated users are listed like the others (Carol is one); the middle column sends
    // `includeInactive=true`, which changes nothing.
    let table: Vec<(String, bool, Vec<&str>)> = vec![
        ("email = 'ann@acme.test'".into(), false, vec![ann]),
        ("email = 'ANN@ACME.TEST'".into(), false, vec![ann]),
        (
            "email != 'ann@acme.test'".into(),
            false,
            vec![bob, carol, dave, owner],
        ),
        ("lastName = 'O''Neil'".into(), false, vec![bob]),
        ("lastName = 'Lee'".into(), true, vec![ann, carol]),
        (
            "lastName = 'Lee' AND firstName = 'Ann'".into(),
            true,
            vec![ann],
        ),
        (
            "firstName = 'Ann' OR firstName = 'Dave'".into(),
            false,
            vec![ann, dave],
        ),
        (
            "(firstName = 'Ann' OR firstName = 'Bob') AND city = 'Oslo'".into(),
            false,
            vec![ann],
        ),
        (
            "firstName = 'Ann' OR firstName = 'Bob' AND city = 'Oslo'".into(),
            false,
            vec![ann],
        ),
        ("NOT (city = 'Oslo')".into(), false, vec![bob]),
        (
            "email LIKE '%@acme.test'".into(),
            true,
            vec![owner, ann, bob, dave],
        ),
        ("email like 'BOB%'".into(), false, vec![bob]),
        // `_` is no wildcard: bob_o matches, nobody else could.
        ("email LIKE '%b\\_o%'".into(), false, vec![]),
        ("email LIKE '%b_o%'".into(), false, vec![bob]),
        ("email NOT LIKE '%acme%'".into(), true, vec![carol]),
        (
            "firstName IN ('Ann', 'Carol', 'Zed')".into(),
            true,
            vec![ann, carol],
        ),
        (
            "firstName NOT IN ('Ann', 'Bob')".into(),
            false,
            vec![carol, dave],
        ),
        (
            format!("id IN ({}, {})", ids[0], ids[3]),
            false,
            vec![ann, dave],
        ),
        (format!("id > {}", ids[1]), true, vec![carol, dave]),
        (format!("id <= {}", ids[1]), false, vec![owner, ann, bob]),
        (format!("`id` = {}", ids[1]), false, vec![bob]),
        ("city IS NULL".into(), true, vec![carol, owner]),
        ("city IS NOT NULL".into(), false, vec![ann, bob, dave]),
        ("active = false".into(), true, vec![carol]),
        ("active = true".into(), true, vec![owner, ann, bob, dave]),
        (
            "active != true AND lastName = 'Lee'".into(),
            true,
            vec![carol],
        ),
        ("fullName = 'Dave Smith'".into(), false, vec![dave]),
        (
            format!("createdDate = '{today}'"),
            false,
            vec![owner, ann, bob, carol, dave],
        ),
        (
            format!("createdDate >= '{today}'"),
            false,
            vec![owner, ann, bob, carol, dave],
        ),
        (format!("createdDate < '{today}'"), false, vec![]),
        (
            "createdDate > '2000-01-01T00:00:00Z'".into(),
            false,
            vec![owner, ann, bob, carol, dave],
        ),
        ("createdDate < 2000-01-01".into(), false, vec![]),
        ("lastLoginDate = '2020-05-17'".into(), false, vec![dave]),
        (
            "lastLoginDate >= '2020-05-17T13:00:00Z'".into(),
            false,
            vec![owner, ann, bob, carol, dave],
        ),
        (
            "lastLoginDate > '2020-05-17T14:00:00+00:00'".into(),
            false,
            vec![owner, ann, bob, carol],
        ),
        // The owner signed in (it makes these calls) today; those who never signed in show
        // the day they were created, today too, and compare as such.
        (
            format!("lastLoginDate = '{today}'"),
            false,
            vec![owner, ann, bob, carol],
        ),
        ("lastLoginDate = '1970-01-01'".into(), false, vec![]),
        ("lastLoginDate < '2020-01-01'".into(), false, vec![]),
        (
            "NOT lastLoginDate < '2020-01-01'".into(),
            false,
            vec![owner, ann, bob, carol, dave],
        ),
        ("lastLoginDate IS NULL".into(), false, vec![ann, bob, carol]),
        (
            "EMAIL = 'dave@acme.test' and ACTIVE = TRUE".into(),
            false,
            vec![dave],
        ),
    ];
    for (condition, inactive, want) in table {
        let mut q = vec![("where", condition.as_str())];
        if inactive {
            q.push(("includeInactive", "true"));
        }
        let a = ce.get_query("/users", &q).await;
        assert_eq!(a.status, 200, "{condition}: {a:?}");
        let numbers: Vec<i64> = a
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_i64().unwrap())
            .collect();
        assert!(
            numbers.windows(2).all(|w| w[0] < w[1]),
            "id order: {numbers:?}"
        );
        let mut got: Vec<String> = Ce::emails(&a)
            .into_iter()
            .map(|e| e.split('@').next().unwrap().to_owned())
            .collect();
        got.sort();
        let mut want: Vec<String> = want.iter().map(|s| (*s).to_owned()).collect();
        want.sort();
        assert_eq!(got, want, "{condition}");
    }
}

#[tokio::test]
async fn bad_conditions_are_400s_that_say_what_and_where() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ce = Ce::owner(&app, &t);
    for (condition, says) in [
        ("foo = 1", "unknown field 'foo' (fields: id, email"),
        ("email = ", "expected a value, found the end at character 9"),
        ("email = 'x' AND", "at character 16"),
        ("createdDate >= 'Jan 15, 2014'", "takes a date"),
        ("id = 'abc'", "whole number"),
        ("(email = 'x'", "expected ')'"),
    ] {
        let a = ce.get_query("/users", &[("where", condition)]).await;
        let m = Ce::error(&a, 400);
        assert!(
            m.starts_with("Invalid where clause: ") && m.contains(says),
            "{condition}: {m}"
        );
    }
}

#[tokio::test]
async fn injection_attempts_return_400_or_nothing_never_more_rows() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    people(&app, &t).await;
    let ce = Ce::owner(&app, &t);
    for attempt in [
        "email = '' OR '1'='1'",
        "email = 'x'' OR ''1''=''1'",
        "email = 'x'; DROP TABLE users; --",
        "email = 'x' OR 1=1",
        "email = 'x' UNION SELECT * FROM users",
        "email = 'x'/*",
        "`email` = 'x' OR `1`=`1`",
        "`email = 'x' OR 1=1 --` = 'y'",
        "`users.email` = 'ann@acme.test'",
        "email = 'ann@acme.test' -- '",
        "email LIKE '%' OR '%'='%'",
        "id = 1 OR 1",
        "firstName = 'Ann\\' OR firstName = firstName",
        "lastName = 'Lee' OR lastName = lastName",
        "email = \"ann@acme.test\" OR \"1\"=\"1\"",
        "email = 'x' %00 OR 1=1",
    ] {
        let a = ce
            .get_query("/users", &[("where", attempt), ("includeInactive", "true")])
            .await;
        match a.status {
            400 => {
                Ce::error(&a, 400);
            }
            200 => assert!(Ce::emails(&a).is_empty(), "{attempt}: {a:?}"),
            other => panic!("{attempt}: status {other}: {a:?}"),
        }
    }
    // The tables are still there.
    assert_eq!(Ce::emails(&ce.get("/users").await).len(), 5);
}
