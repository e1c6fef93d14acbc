//! A `User` request body read into typed members. Absent, null and set are told apart (a PUT
//! changes only what it names); every member that has the wrong shape or value is reported
//! at once, by its vendor name.

use super::error::field;
use super::response_status::FieldError;
pub(crate) use super::tree::Field;
use super::tree::{Node, ShapeError};
use super::vocab;
use roster_proto::v1 as pb;
use uuid::Uuid;

/// Every member Roster reads from a `User` body.
#[derive(Debug, Clone, Default)]
pub(crate) struct UserInput {
    /// `None` when absent, null, empty or the all-zero GUID of the vendor's templates.
    pub(crate) id: Option<Uuid>,
    pub(crate) first_name: Field<String>,
    pub(crate) last_name: Field<String>,
    pub(crate) email: Field<String>,
    pub(crate) external_id: Field<String>,
    pub(crate) time_zone: Field<String>,
    pub(crate) country: Field<String>,
    pub(crate) password: Field<String>,
    pub(crate) status: Field<pb::UserStatus>,
    pub(crate) website_role: Field<pb::AccessLevel>,
    pub(crate) license: Field<pb::LicenseType>,
    pub(crate) folders: Field<Vec<String>>,
    pub(crate) groups: Field<Vec<String>>,
    pub(crate) metadata: Field<Vec<(String, String)>>,
    pub(crate) do_not_email: Field<bool>,
    pub(crate) reset_password: Field<bool>,
    pub(crate) use_names: Option<bool>,
    pub(crate) use_external_ids: Option<bool>,
}

/// `true`/`false` (any case) or `1`/`0`.
pub(crate) fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// A GUID with or without dashes; the all-zero GUID means "none".
pub(crate) fn parse_id(raw: &str) -> Result<Option<Uuid>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match Uuid::try_parse(raw) {
        Ok(id) if id.is_nil() => Ok(None),
        Ok(id) => Ok(Some(id)),
        Err(_) => Err(()),
    }
}

/// Collects every problem of one body.
struct Reader<'a> {
    node: &'a Node,
    errors: Vec<FieldError>,
}

fn shape(e: &ShapeError, name: &str) -> FieldError {
    field(
        "InvalidValue",
        name,
        format!("'{name}' must be {}.", e.expected),
    )
}

impl Reader<'_> {
    fn text(&mut self, name: &str) -> Field<String> {
        match self.node.text(name) {
            Ok(Field::Absent) => Field::Absent,
            Ok(Field::Null) => Field::Null,
            Ok(Field::Value(t)) => Field::Value(t.to_owned()),
            Err(e) => {
                self.errors.push(shape(&e, name));
                Field::Absent
            }
        }
    }

    /// A member parsed by `parse`; a value it refuses is reported with `expected`.
    fn parsed<T>(
        &mut self,
        name: &str,
        expected: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Field<T> {
        match self.text(name) {
            Field::Absent => Field::Absent,
            Field::Null => Field::Null,
            // An empty element is how XML writes "no value".
            Field::Value(t) if t.trim().is_empty() => Field::Null,
            Field::Value(t) => {
                if let Some(v) = parse(&t) {
                    Field::Value(v)
                } else {
                    self.errors.push(field(
                        "InvalidValue",
                        name,
                        format!("'{name}' must be {expected}."),
                    ));
                    Field::Absent
                }
            }
        }
    }

    fn strings(&mut self, name: &str) -> Field<Vec<String>> {
        let items = match self.node.items(name) {
            Ok(Field::Absent) => return Field::Absent,
            Ok(Field::Null) => return Field::Null,
            Ok(Field::Value(items)) => items,
            Err(e) => {
                self.errors.push(shape(&e, name));
                return Field::Absent;
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item {
                Node::Text(t) if !t.trim().is_empty() => out.push(t.trim().to_owned()),
                Node::Nil | Node::Text(_) | Node::Members(_) => self.errors.push(field(
                    "InvalidValue",
                    &format!("{name}[{i}]"),
                    format!("'{name}' items must be non-empty values."),
                )),
            }
        }
        Field::Value(out)
    }

    /// `{"k":"v"}`, `[{"Key":"k","Value":"v"}]` or DataContract's
    /// `<KeyValueOfstringstring><Key/><Value/></KeyValueOfstringstring>` items.
    fn metadata(&mut self) -> Field<Vec<(String, String)>> {
        let node = match self.node.member("Metadata") {
            None => return Field::Absent,
            Some(Node::Nil) => return Field::Null,
            Some(n) => n,
        };
        let mut out = Vec::new();
        let bad = || {
            field(
                "InvalidValue",
                "Metadata",
                "'Metadata' must be key/value pairs.",
            )
        };
        match node {
            Node::Text(t) if t.trim().is_empty() => {}
            Node::Nil | Node::Text(_) => self.errors.push(bad()),
            Node::Members(pairs) => {
                for (name, value) in pairs {
                    let kv = match value {
                        Node::Members(_) => match (value.text("Key"), value.text("Value")) {
                            (Ok(Field::Value(k)), Ok(v)) => {
                                Some((k.to_owned(), v.into_value().unwrap_or_default().to_owned()))
                            }
                            _ => None,
                        },
                        Node::Text(v) if !name.is_empty() => Some((name.clone(), v.clone())),
                        Node::Nil if !name.is_empty() => Some((name.clone(), String::new())),
                        Node::Text(_) | Node::Nil => None,
                    };
                    if let Some(kv) = kv {
                        out.push(kv);
                    } else {
                        self.errors.push(bad());
                        break;
                    }
                }
            }
        }
        Field::Value(out)
    }

    fn flag(&mut self, name: &str) -> Option<bool> {
        self.parsed(name, "true or false", parse_bool)
            .value()
            .copied()
    }
}

/// Reads every member of a `User` body.
pub(crate) fn read(node: &Node) -> Result<UserInput, Vec<FieldError>> {
    let mut r = Reader {
        node,
        errors: Vec::new(),
    };
    let id = match r.text("Id") {
        Field::Value(t) => parse_id(&t).unwrap_or_else(|()| {
            r.errors
                .push(field("InvalidValue", "Id", "'Id' must be a GUID."));
            None
        }),
        Field::Absent | Field::Null => None,
    };
    let input = UserInput {
        id,
        first_name: r.text("FirstName"),
        last_name: r.text("LastName"),
        email: r.text("Email"),
        external_id: r.text("ExternalId"),
        time_zone: r.text("TimeZone"),
        country: r.text("Country"),
        password: r.text("Password"),
        status: r.parsed("Status", &vocab::status_choices(), vocab::status_value),
        website_role: r.parsed("WebsiteRole", &vocab::role_choices(), vocab::role_value),
        license: r.parsed("Type", &vocab::license_choices(), vocab::license_value),
        folders: r.strings("Folders"),
        groups: r.strings("Groups"),
        metadata: r.metadata(),
        do_not_email: r.parsed("DoNotEmail", "true or false", parse_bool),
        reset_password: r.parsed("ResetPassword", "true or false", parse_bool),
        use_names: r.flag("UseNames"),
        use_external_ids: r.flag("UseExternalIds"),
    };
    if r.errors.is_empty() {
        Ok(input)
    } else {
        Err(r.errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialects::formsonfire::body::{BodyKind, parse};
    use crate::dialects::formsonfire::limits::FormsOnFireLimits;

    fn json(s: &str) -> Node {
        parse(BodyKind::Json, s.as_bytes(), FormsOnFireLimits::default()).unwrap()
    }

    #[test]
    fn members_are_typed_and_absent_differs_from_null() {
        let u = read(&json(
            r#"{"id":"00000000-0000-0000-0000-000000000000","firstname":"Ann","ExternalId":null,
               "WebsiteRole":"admin","Type":"Premium","DoNotEmail":"TRUE","Folders":["a","b"],
               "Metadata":{"dept":"7"},"UseNames":true}"#,
        ))
        .unwrap();
        assert_eq!(u.id, None);
        assert_eq!(u.first_name, Field::Value("Ann".into()));
        assert_eq!(u.external_id, Field::Null);
        assert!(u.last_name.is_absent());
        assert_eq!(u.website_role, Field::Value(pb::AccessLevel::Admin));
        assert_eq!(u.license, Field::Value(pb::LicenseType::Premium));
        assert_eq!(u.do_not_email, Field::Value(true));
        assert_eq!(u.folders, Field::Value(vec!["a".into(), "b".into()]));
        assert_eq!(u.metadata, Field::Value(vec![("dept".into(), "7".into())]));
        assert_eq!(u.use_names, Some(true));
    }

    #[test]
    fn every_bad_member_is_reported_by_its_vendor_name() {
        let errs = read(&json(
            r#"{"Id":"nope","Status":"Deleted","DoNotEmail":"maybe","Groups":[""],"Metadata":"x"}"#,
        ))
        .unwrap_err();
        let names: Vec<&str> = errs.iter().map(|e| e.field_name.as_str()).collect();
        assert_eq!(
            names,
            ["Id", "Status", "Groups[0]", "Metadata", "DoNotEmail"]
        );
        assert!(errs[1].message.contains("Invited, Active or Disabled"));
    }

    #[test]
    fn metadata_reads_the_pair_list_forms() {
        let u = read(&json(
            r#"{"Metadata":[{"Key":"a","Value":"1"},{"key":"b","value":null}]}"#,
        ))
        .unwrap();
        assert_eq!(
            u.metadata,
            Field::Value(vec![("a".into(), "1".into()), ("b".into(), String::new())])
        );
    }
}
