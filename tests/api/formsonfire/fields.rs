//! Every member of the vendor's `User`, written and read back in both formats.

use crate::support::formsonfire::{Fmt, Fof, FofClient, M, list, t};
use crate::support::records::{folder, group};
use roster_proto::v1 as pb;

#[tokio::test]
async fn every_website_role_and_type_round_trips() {
    let f = Fof::new().await;
    let roles = [
        "ReadOnly",
        "User",
        "Admin",
        "EnterpriseAdmin",
        "VendorAdmin",
        "SuperAdmin",
    ];
    let types = ["Standard", "Premium", "Lite", "Full"];
    for fmt in Fmt::ALL {
        for (i, role) in roles.iter().enumerate() {
            let kind = types[i % types.len()];
            let made =
                f.c.post(
                    fmt,
                    &[
                        ("FirstName", t("R")),
                        ("LastName", t(*role)),
                        ("Email", t(format!("{role}.{}@acme.test", fmt.param()))),
                        ("WebsiteRole", t(role.to_ascii_lowercase())),
                        ("Type", t(kind)),
                    ],
                )
                .await;
            FofClient::ok(&made);
            let read = f.c.read(fmt, &made.id("User.Id").unwrap()).await;
            assert_eq!(
                read.get("User.WebsiteRole").as_deref(),
                Some(*role),
                "{fmt:?}"
            );
            assert_eq!(read.get("User.Type").as_deref(), Some(kind), "{fmt:?}");
        }
    }
    // The access level is the contract's, one to one.
    let mut users = f.users();
    let admin = users
        .get_user(crate::support::get_by(pb::user_key::Key::Email(
            "admin.json@acme.test".into(),
        )))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(admin.access_level(), pb::AccessLevel::Admin);
    assert_eq!(admin.license_type(), pb::LicenseType::Lite);
}

#[tokio::test]
async fn new_users_get_the_default_role_and_type() {
    let f = Fof::new().await;
    for fmt in Fmt::ALL {
        let id =
            f.c.create(fmt, "D", "F", &format!("d.{}@acme.test", fmt.param()))
                .await;
        let read = f.c.read(fmt, &id).await;
        assert_eq!(read.get("User.WebsiteRole").as_deref(), Some("User"));
        assert_eq!(read.get("User.Type").as_deref(), Some("Standard"));
        assert_eq!(read.get("User.DoNotEmail").as_deref(), Some("false"));
        assert_eq!(read.get("User.Status").as_deref(), Some("Invited"));
    }
}

#[tokio::test]
async fn time_zone_country_metadata_and_do_not_email_round_trip() {
    let f = Fof::new().await;
    for fmt in Fmt::ALL {
        let made =
            f.c.post(
                fmt,
                &[
                    (
                        "Metadata",
                        M::Pairs(vec![
                            ("payroll".into(), "P-7".into()),
                            ("desk".into(), "4 & 5".into()),
                        ]),
                    ),
                    ("TimeZone", t("Universal Standard Time")),
                    ("Country", t("BA")),
                    ("DoNotEmail", t("true")),
                    ("Email", t(format!("meta.{}@acme.test", fmt.param()))),
                    ("LastName", t("Data")),
                    ("FirstName", t("Meta")),
                ],
            )
            .await;
        FofClient::ok(&made);
        let read = f.c.read(fmt, &made.id("User.Id").unwrap()).await;
        assert_eq!(
            read.get("User.TimeZone").as_deref(),
            Some("Universal Standard Time")
        );
        assert_eq!(read.get("User.Country").as_deref(), Some("BA"));
        assert_eq!(read.get("User.DoNotEmail").as_deref(), Some("true"));
        let meta: Vec<(String, String)> = match fmt {
            Fmt::Json => read
                .node("User.Metadata")
                .unwrap()
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect(),
            Fmt::Xml => read
                .node("User.Metadata")
                .unwrap()
                .as_array()
                .unwrap()
                .iter()
                .map(|kv| {
                    (
                        kv["Key"].as_str().unwrap().to_owned(),
                        kv["Value"].as_str().unwrap().to_owned(),
                    )
                })
                .collect(),
        };
        assert_eq!(
            meta,
            [
                ("desk".to_owned(), "4 & 5".to_owned()),
                ("payroll".to_owned(), "P-7".to_owned())
            ],
            "{fmt:?}"
        );
    }
    // JSON also reads the pair-list form.
    let id = f.c.create(Fmt::Json, "L", "F", "list.form@acme.test").await;
    let body = format!(
        r#"{{"CompanyId":"{}","IntegrationKey":"{}","Id":"{id}","Metadata":[{{"Key":"k","Value":"v"}}]}}"#,
        f.c.company_id, f.c.key
    );
    let put = f.c.body(reqwest::Method::PUT, Fmt::Json, &body).await;
    FofClient::ok(&put);
    assert_eq!(put.get("User.Metadata.k").as_deref(), Some("v"));
}

#[tokio::test]
async fn bad_values_are_reported_by_member_name_all_at_once() {
    let f = Fof::new().await;
    for fmt in Fmt::ALL {
        let a =
            f.c.post(
                fmt,
                &[
                    ("FirstName", t("Bad")),
                    ("LastName", t("Values")),
                    ("Email", t("bad.values@acme.test")),
                    ("Status", t("Sleeping")),
                    ("WebsiteRole", t("Boss")),
                    ("Type", t("Gold")),
                    ("DoNotEmail", t("maybe")),
                ],
            )
            .await;
        let fields: Vec<String> = FofClient::error(&a, 400, "InvalidValue")
            .into_iter()
            .map(|(_, f)| f)
            .collect();
        assert_eq!(
            fields,
            ["Status", "WebsiteRole", "Type", "DoNotEmail"],
            "{fmt:?}"
        );
        let email =
            f.c.post(
                fmt,
                &[
                    ("FirstName", t("A")),
                    ("LastName", t("B")),
                    ("Email", t("no-at-sign")),
                ],
            )
            .await;
        assert_eq!(
            FofClient::error(&email, 400, "InvalidValue")[0].1,
            "Email",
            "{fmt:?}"
        );
    }
}

#[tokio::test]
async fn folders_and_groups_are_written_and_read_by_guid_name_or_external_id() {
    let f = Fof::new().await;
    let folders = f.app.folders(&f.tenant.token);
    let groups = f.app.groups(&f.tenant.token);
    let (reports, field) = (
        folder(&folders, "Reports", Some("F-REP")).await,
        folder(&folders, "Field Work", None).await,
    );
    let sales = group(&groups, "//Sales", Some("G-SAL")).await;
    let east = group(&groups, "//Sales/East", None).await;
    for fmt in Fmt::ALL {
        // By GUID (the default), with and without dashes.
        let simple = uuid::Uuid::try_parse(&field.id)
            .unwrap()
            .simple()
            .to_string();
        let made =
            f.c.post(
                fmt,
                &[
                    ("FirstName", t("Fo")),
                    ("LastName", t("Lder")),
                    ("Email", t(format!("fo.{}@acme.test", fmt.param()))),
                    ("Folders", list(&[&reports.id, &simple])),
                    ("Groups", list(&[&east.id])),
                ],
            )
            .await;
        FofClient::ok(&made);
        let id = made.id("User.Id").unwrap();
        let read = f.c.read(fmt, &id).await;
        let ids = |path: &str| -> Vec<String> {
            read.list(path)
                .iter()
                .map(|s| uuid::Uuid::try_parse(s).unwrap().hyphenated().to_string())
                .collect()
        };
        // Sorted by name: "Field Work" before "Reports".
        assert_eq!(
            ids("User.Folders"),
            [field.id.clone(), reports.id.clone()],
            "{fmt:?}"
        );
        assert_eq!(
            ids("User.Groups"),
            std::slice::from_ref(&east.id),
            "{fmt:?}"
        );

        // By names: a top-level group by its name, a nested one by its path.
        let put =
            f.c.put(
                fmt,
                &[
                    ("Id", t(&id)),
                    ("UseNames", t("true")),
                    ("Folders", list(&["reports"])),
                    ("Groups", list(&["Sales", "//Sales/East"])),
                ],
            )
            .await;
        FofClient::ok(&put);
        assert_eq!(put.list("User.Folders"), ["Reports"], "{fmt:?}");
        assert_eq!(
            put.list("User.Groups"),
            ["Sales", "//Sales/East"],
            "{fmt:?}"
        );
        let by_ext =
            f.c.get(fmt, "/user", &[("Id", &id), ("UseExternalIds", "true")])
                .await;
        assert_eq!(by_ext.list("User.Folders"), ["F-REP"], "{fmt:?}");
        assert_eq!(by_ext.list("User.Groups"), ["G-SAL"], "{fmt:?}");

        // By external ids; an empty list takes everything away.
        let put =
            f.c.put(
                fmt,
                &[
                    ("Id", t(&id)),
                    ("UseExternalIds", t("true")),
                    ("Folders", list(&["F-REP"])),
                    ("Groups", M::List(vec![])),
                ],
            )
            .await;
        FofClient::ok(&put);
        assert_eq!(put.list("User.Folders"), ["F-REP"]);
        assert!(put.list("User.Groups").is_empty(), "{put:?}");
        let _ = &sales;
    }
}

#[tokio::test]
async fn unknown_folders_and_groups_are_field_errors_and_write_nothing() {
    let f = Fof::new().await;
    let folders = f.app.folders(&f.tenant.token);
    let known = folder(&folders, "Known", None).await;
    for fmt in Fmt::ALL {
        let email = format!("unknown.{}@acme.test", fmt.param());
        let a =
            f.c.post(
                fmt,
                &[
                    ("FirstName", t("U")),
                    ("LastName", t("K")),
                    ("Email", t(&email)),
                    (
                        "Folders",
                        list(&[&known.id, &uuid::Uuid::now_v7().to_string()]),
                    ),
                ],
            )
            .await;
        assert_eq!(
            FofClient::error(&a, 400, "NotFound"),
            [("NotFound".to_owned(), "Folders[1]".to_owned())],
            "{fmt:?}"
        );
        let g =
            f.c.post(
                fmt,
                &[
                    ("UseNames", t("true")),
                    ("FirstName", t("U")),
                    ("LastName", t("K")),
                    ("Email", t(&email)),
                    ("Groups", list(&["Nowhere"])),
                ],
            )
            .await;
        assert_eq!(
            FofClient::error(&g, 400, "NotFound"),
            [("NotFound".to_owned(), "Groups[0]".to_owned())],
            "{fmt:?}"
        );
        FofClient::error(
            &f.c.get(fmt, "/user", &[("Email", &email)]).await,
            400,
            "NotFound",
        );
    }
}

#[tokio::test]
async fn dates_have_seven_fraction_digits_and_devices_come_from_recorded_activity() {
    let f = Fof::new().await;
    let id = f.c.create(Fmt::Json, "Dev", "Ice", "dev@acme.test").await;
    let mut users = f.users();
    users
        .record_activity(pb::RecordActivityRequest {
            key: crate::support::key_id(&id),
            time: None,
            device: Some(pb::Device {
                id: "77f3a44b82264f7f".into(),
                os: Some("Windows".into()),
                os_version: Some("11".into()),
                app_version: Some("9.2".into()),
                name: Some("Field laptop".into()),
                last_sync_time: None,
            }),
            ..Default::default()
        })
        .await
        .unwrap();
    for fmt in Fmt::ALL {
        let read = f.c.read(fmt, &id).await;
        for path in [
            "User.CreatedDate",
            "User.LastUpdated",
            "User.LastActivity",
            "User.UserDevices.0.LastSync",
        ] {
            let d = read
                .get(path)
                .unwrap_or_else(|| panic!("{path} in {read:?}"));
            assert_eq!(
                d.len(),
                "2019-09-11T06:24:03.9630000Z".len(),
                "{fmt:?} {path}: {d}"
            );
            assert!(d.ends_with('Z') && d.as_bytes()[19] == b'.', "{d}");
        }
        assert_eq!(
            read.get("User.UserDevices.0.Id").as_deref(),
            Some("77f3a44b82264f7f")
        );
        assert_eq!(
            read.get("User.UserDevices.0.OS").as_deref(),
            Some("Windows")
        );
        assert_eq!(
            read.get("User.UserDevices.0.OSVersion").as_deref(),
            Some("11")
        );
        assert_eq!(
            read.get("User.UserDevices.0.AppVersion").as_deref(),
            Some("9.2")
        );
        assert_eq!(
            read.get("User.UserDevices.0.DeviceName").as_deref(),
            Some("Field laptop")
        );
        // The first activity accepted the invitation.
        assert_eq!(
            read.get("User.Status").as_deref(),
            Some("Active"),
            "{fmt:?}"
        );
    }
}
