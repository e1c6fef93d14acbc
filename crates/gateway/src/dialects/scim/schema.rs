//! The SCIM attribute table: every attribute of the core User schema, the enterprise User
//! extension and Group (RFC 7643 §4, §8.7.1), plus the common attributes of §3.1, with all
//! their characteristics. One table serves `/Schemas`, filters, PATCH paths and validation,
//! so they cannot drift apart.
//!
//! Roster's choices where the RFC leaves room: `userName` is unique per tenant and ignores
//! case; `id` and `externalId` keep case; `password` is write-only and never returned;
//! `groups` is read-only (membership changes go through `/Groups`); a Group's `displayName` is
//! required (erratum 5368); `x509Certificates.value` keeps case (erratum 6000); `id` is not
//! `required` because the server assigns it and a client never sends it.
//!
//! Names resolve without case (RFC 7643 §2.1), with or without their schema URN. A name
//! without a URN is looked up in the resource's core schema and the common attributes first,
//! then in its extensions (no enterprise attribute shares a name with a core one).

use super::filter::AttrPath;
use serde_json::{Map, Value, json};

/// `urn:ietf:params:scim:schemas:core:2.0:User`.
pub(crate) const USER_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`.
pub(crate) const ENTERPRISE_USER_URN: &str =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// `urn:ietf:params:scim:schemas:core:2.0:Group`.
pub(crate) const GROUP_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// The schemas served at `/Schemas`, in that order.
pub(crate) const SCHEMA_URNS: &[&str] = &[USER_URN, ENTERPRISE_USER_URN, GROUP_URN];

/// The meta-schema a Schema resource is an instance of.
const SCHEMA_SCHEMA_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/// The SCIM resource types Roster serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Resource {
    User,
    Group,
}

impl Resource {
    /// The resource type's name (`meta.resourceType`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Group => "Group",
        }
    }

    /// Its base schema.
    pub(crate) fn core(self) -> &'static Schema {
        match self {
            Self::User => &USER,
            Self::Group => &GROUP,
        }
    }

    /// Its schema extensions.
    pub(crate) fn extensions(self) -> &'static [&'static Schema] {
        match self {
            Self::User => &[&ENTERPRISE_USER],
            Self::Group => &[],
        }
    }
}

/// An attribute's data type (RFC 7643 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum AttrType {
    String,
    Boolean,
    // No attribute Roster serves is a number, but filters and PATCH values handle them.
    #[allow(dead_code)]
    Decimal,
    #[allow(dead_code)]
    Integer,
    DateTime,
    Reference,
    Complex,
    Binary,
}

impl AttrType {
    /// The name `/Schemas` gives it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Boolean => "boolean",
            Self::Decimal => "decimal",
            Self::Integer => "integer",
            Self::DateTime => "dateTime",
            Self::Reference => "reference",
            Self::Complex => "complex",
            Self::Binary => "binary",
        }
    }
}

/// Whether and when a client may set an attribute (RFC 7643 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Mutability {
    ReadOnly,
    ReadWrite,
    Immutable,
    WriteOnly,
}

impl Mutability {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::ReadOnly => "readOnly",
            Self::ReadWrite => "readWrite",
            Self::Immutable => "immutable",
            Self::WriteOnly => "writeOnly",
        }
    }
}

/// When an attribute appears in a response (RFC 7643 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Returned {
    Always,
    Never,
    Default,
    // No attribute Roster serves is returned only on request.
    #[allow(dead_code)]
    Request,
}

impl Returned {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Always => "always",
            Self::Never => "never",
            Self::Default => "default",
            Self::Request => "request",
        }
    }
}

/// Where a value must be unique (RFC 7643 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Uniqueness {
    None,
    Server,
    // No attribute Roster serves is globally unique.
    #[allow(dead_code)]
    Global,
}

impl Uniqueness {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Server => "server",
            Self::Global => "global",
        }
    }
}

/// One attribute or sub-attribute and its characteristics (RFC 7643 §2.2, §7).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Attribute {
    pub(crate) name: &'static str,
    pub(crate) kind: AttrType,
    pub(crate) multi_valued: bool,
    pub(crate) required: bool,
    pub(crate) case_exact: bool,
    pub(crate) mutability: Mutability,
    pub(crate) returned: Returned,
    pub(crate) uniqueness: Uniqueness,
    pub(crate) canonical_values: &'static [&'static str],
    /// For `reference` attributes: `User`, `Group`, `external`, `uri`.
    pub(crate) reference_types: &'static [&'static str],
    /// For `complex` attributes.
    pub(crate) sub_attributes: &'static [Attribute],
    pub(crate) description: &'static str,
}

impl Attribute {
    /// The sub-attribute named `name` (without case).
    pub(crate) fn sub_attribute(&self, name: &str) -> Option<&'static Attribute> {
        self.sub_attributes
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    /// This attribute as `/Schemas` shows it: every characteristic spelled out, camelCase
    /// values, no nulls. `canonicalValues` appears when there are some, `referenceTypes` on
    /// references and `subAttributes` on complex attributes.
    pub(crate) fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("name".into(), self.name.into());
        o.insert("type".into(), self.kind.as_str().into());
        o.insert("multiValued".into(), self.multi_valued.into());
        o.insert("description".into(), self.description.into());
        o.insert("required".into(), self.required.into());
        if !self.canonical_values.is_empty() {
            o.insert("canonicalValues".into(), json!(self.canonical_values));
        }
        o.insert("caseExact".into(), self.case_exact.into());
        o.insert("mutability".into(), self.mutability.as_str().into());
        o.insert("returned".into(), self.returned.as_str().into());
        o.insert("uniqueness".into(), self.uniqueness.as_str().into());
        if self.kind == AttrType::Reference {
            o.insert("referenceTypes".into(), json!(self.reference_types));
        }
        if self.kind == AttrType::Complex {
            let subs = self.sub_attributes.iter().map(Attribute::to_json);
            o.insert("subAttributes".into(), Value::Array(subs.collect()));
        }
        Value::Object(o)
    }

    // Builders for the tables below; every attribute starts as the RFC defaults.

    const fn new(name: &'static str, kind: AttrType, description: &'static str) -> Self {
        Self {
            name,
            kind,
            multi_valued: false,
            required: false,
            case_exact: false,
            mutability: Mutability::ReadWrite,
            returned: Returned::Default,
            uniqueness: Uniqueness::None,
            canonical_values: &[],
            reference_types: &[],
            sub_attributes: &[],
            description,
        }
    }

    const fn multi(self) -> Self {
        Self {
            multi_valued: true,
            ..self
        }
    }

    const fn needed(self) -> Self {
        Self {
            required: true,
            ..self
        }
    }

    const fn exact(self) -> Self {
        Self {
            case_exact: true,
            ..self
        }
    }

    const fn mutability(self, mutability: Mutability) -> Self {
        Self { mutability, ..self }
    }

    const fn returned(self, returned: Returned) -> Self {
        Self { returned, ..self }
    }

    const fn unique(self, uniqueness: Uniqueness) -> Self {
        Self { uniqueness, ..self }
    }

    const fn canonical(self, canonical_values: &'static [&'static str]) -> Self {
        Self {
            canonical_values,
            ..self
        }
    }
}

const fn string(name: &'static str, description: &'static str) -> Attribute {
    Attribute::new(name, AttrType::String, description)
}

const fn boolean(name: &'static str, description: &'static str) -> Attribute {
    Attribute::new(name, AttrType::Boolean, description)
}

const fn date_time(name: &'static str, description: &'static str) -> Attribute {
    Attribute::new(name, AttrType::DateTime, description)
}

const fn binary(name: &'static str, description: &'static str) -> Attribute {
    Attribute::new(name, AttrType::Binary, description)
}

const fn reference(
    name: &'static str,
    reference_types: &'static [&'static str],
    description: &'static str,
) -> Attribute {
    Attribute {
        reference_types,
        ..Attribute::new(name, AttrType::Reference, description)
    }
}

const fn complex(
    name: &'static str,
    sub_attributes: &'static [Attribute],
    description: &'static str,
) -> Attribute {
    Attribute {
        sub_attributes,
        ..Attribute::new(name, AttrType::Complex, description)
    }
}

/// A schema: its URN, name, description and attributes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Schema {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) description: &'static str,
    pub(crate) attributes: &'static [Attribute],
}

impl Schema {
    /// The attribute named `name` (without case).
    pub(crate) fn attribute(&self, name: &str) -> Option<&'static Attribute> {
        self.attributes
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }
}

/// The schema with this URN (without case), if Roster serves it.
pub(crate) fn schema(urn: &str) -> Option<&'static Schema> {
    [&USER, &ENTERPRISE_USER, &GROUP]
        .into_iter()
        .find(|s| s.id.eq_ignore_ascii_case(urn))
}

/// The Schema resource for `urn` (RFC 7643 §7), its `meta.location` under `base` (the SCIM
/// base URL, e.g. `https://host/scim/v2`). The common attributes (`id`, `externalId`,
/// `meta`) are not listed, as in RFC 7643 §8.7.1: they belong to every resource (§3.1).
pub(crate) fn schema_json(urn: &str, base: &str) -> Option<Value> {
    let s = schema(urn)?;
    let attributes: Vec<Value> = s.attributes.iter().map(Attribute::to_json).collect();
    Some(json!({
        "schemas": [SCHEMA_SCHEMA_URN],
        "id": s.id,
        "name": s.name,
        "description": s.description,
        "attributes": attributes,
        "meta": {
            "resourceType": "Schema",
            "location": format!("{}/Schemas/{}", base.trim_end_matches('/'), s.id),
        },
    }))
}

/// Where a path leads: the schema that defines the attribute (a common attribute counts as
/// the resource's core schema), the attribute and, when the path names one, its
/// sub-attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub(crate) schema: &'static Schema,
    pub(crate) attribute: &'static Attribute,
    pub(crate) sub: Option<&'static Attribute>,
}

impl Resolved {
    /// The attribute the path ends at: the sub-attribute if there is one.
    pub(crate) fn target(&self) -> &'static Attribute {
        self.sub.unwrap_or(self.attribute)
    }

    /// Whether the attribute lives in an extension's object rather than at the top level.
    pub(crate) fn in_extension(&self) -> bool {
        !std::ptr::eq(self.schema, &USER) && !std::ptr::eq(self.schema, &GROUP)
    }
}

/// The attribute `path` names on `resource`, if any.
pub(crate) fn resolve(resource: Resource, path: &AttrPath) -> Option<Resolved> {
    let (schema, attribute) = match &path.urn {
        Some(urn) => {
            let schema = std::iter::once(resource.core())
                .chain(resource.extensions().iter().copied())
                .find(|s| s.id.eq_ignore_ascii_case(urn))?;
            let common = std::ptr::eq(schema, resource.core())
                .then(|| common(&path.name))
                .flatten();
            (schema, schema.attribute(&path.name).or(common)?)
        }
        None => std::iter::once(resource.core())
            .chain(resource.extensions().iter().copied())
            .find_map(|s| {
                let common = std::ptr::eq(s, resource.core())
                    .then(|| common(&path.name))
                    .flatten();
                Some((s, s.attribute(&path.name).or(common)?))
            })?,
    };
    let sub = match &path.sub {
        Some(name) => Some(attribute.sub_attribute(name)?),
        None => None,
    };
    Some(Resolved {
        schema,
        attribute,
        sub,
    })
}

/// The attribute (or, when the path names one, the sub-attribute) `path` names on
/// `resource`.
pub(crate) fn attribute(resource: Resource, path: &AttrPath) -> Option<&'static Attribute> {
    resolve(resource, path).map(|r| r.target())
}

/// The common attribute named `name` (without case).
pub(crate) fn common(name: &str) -> Option<&'static Attribute> {
    COMMON.iter().find(|a| a.name.eq_ignore_ascii_case(name))
}

use Mutability::{Immutable, ReadOnly, WriteOnly};

/// The attributes of every resource (RFC 7643 §3.1).
pub(crate) const COMMON: &[Attribute] = &[
    string(
        "id",
        "A unique identifier for a SCIM resource as defined by the service provider.",
    )
    .exact()
    .mutability(ReadOnly)
    .returned(Returned::Always)
    .unique(Uniqueness::Server),
    string(
        "externalId",
        "A String that is an identifier for the resource as defined by the provisioning client.",
    )
    .exact(),
    complex(
        "meta",
        META,
        "A complex attribute containing resource metadata.",
    )
    .mutability(ReadOnly),
];

const META: &[Attribute] = &[
    string(
        "resourceType",
        "The name of the resource type of the resource.",
    )
    .exact()
    .mutability(ReadOnly),
    date_time(
        "created",
        "The DateTime that the resource was added to the service provider.",
    )
    .mutability(ReadOnly),
    date_time(
        "lastModified",
        "The most recent DateTime that the details of this resource were updated at the service \
         provider.",
    )
    .mutability(ReadOnly),
    reference(
        "location",
        &["uri"],
        "The URI of the resource being returned.",
    )
    .mutability(ReadOnly),
    string("version", "The version of the resource being returned.")
        .exact()
        .mutability(ReadOnly),
];

/// The sub-attributes `value`, `display`, `type` and `primary` of a multi-valued attribute.
macro_rules! multi_value_subs {
    ($value:expr, $what:literal, [$($canonical:literal),*]) => {
        &[
            $value,
            string("display", "A human-readable name, primarily used for display purposes.")
                .mutability(ReadOnly),
            string("type", concat!("A label indicating the ", $what, "'s function."))
                .canonical(&[$($canonical),*]),
            boolean(
                "primary",
                concat!(
                    "A Boolean value indicating the 'primary' or preferred attribute value for \
                     this attribute, e.g., the preferred ",
                    $what,
                    ". The primary attribute value 'true' MUST appear no more than once."
                ),
            ),
        ]
    };
}

const NAME: &[Attribute] = &[
    string(
        "formatted",
        "The full name, including all middle names, titles, and suffixes as appropriate, \
         formatted for display (e.g., 'Ms. Barbara J Jensen, III').",
    ),
    string(
        "familyName",
        "The family name of the User, or last name in most Western languages (e.g., 'Jensen' \
         given the full name 'Ms. Barbara J Jensen, III').",
    ),
    string(
        "givenName",
        "The given name of the User, or first name in most Western languages (e.g., 'Barbara' \
         given the full name 'Ms. Barbara J Jensen, III').",
    ),
    string(
        "middleName",
        "The middle name(s) of the User (e.g., 'Jane' given the full name 'Ms. Barbara J Jensen, \
         III').",
    ),
    string(
        "honorificPrefix",
        "The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.' \
         given the full name 'Ms. Barbara J Jensen, III').",
    ),
    string(
        "honorificSuffix",
        "The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III' \
         given the full name 'Ms. Barbara J Jensen, III').",
    ),
];

const ADDRESS: &[Attribute] = &[
    string(
        "formatted",
        "The full mailing address, formatted for display or use with a mailing label.",
    ),
    string(
        "streetAddress",
        "The full street address component, which may include house number, street name, P.O. \
         box, and multi-line extended street address information.",
    ),
    string("locality", "The city or locality component."),
    string("region", "The state or region component."),
    string("postalCode", "The zip code or postal code component."),
    string(
        "country",
        "The country name component (ISO 3166-1 alpha-2, e.g. 'US').",
    ),
    string(
        "type",
        "A label indicating the address's function, e.g., 'work' or 'home'.",
    )
    .canonical(&["work", "home", "other"]),
    boolean(
        "primary",
        "A Boolean value indicating the 'primary' or preferred address. The primary attribute \
         value 'true' MUST appear no more than once.",
    ),
];

const USER_GROUPS: &[Attribute] = &[
    string("value", "The identifier of the User's group.").mutability(ReadOnly),
    reference(
        "$ref",
        &["User", "Group"],
        "The URI of the corresponding 'Group' resource to which the user belongs.",
    )
    .mutability(ReadOnly),
    string(
        "display",
        "A human-readable name, primarily used for display purposes.",
    )
    .mutability(ReadOnly),
    string(
        "type",
        "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.",
    )
    .canonical(&["direct", "indirect"])
    .mutability(ReadOnly),
];

/// `urn:ietf:params:scim:schemas:core:2.0:User` (RFC 7643 §4.1).
pub(crate) const USER: Schema = Schema {
    id: USER_URN,
    name: "User",
    description: "User Account",
    attributes: &[
        string(
            "userName",
            "Unique identifier for the User, typically used by the user to directly authenticate \
             to the service provider. Each User MUST include a non-empty userName value. This \
             identifier MUST be unique across the service provider's entire set of Users. \
             REQUIRED.",
        )
        .needed()
        .unique(Uniqueness::Server),
        complex(
            "name",
            NAME,
            "The components of the user's real name. Providers MAY return just the full name as \
             a single string in the formatted sub-attribute, or they MAY return just the \
             individual component attributes using the other sub-attributes, or they MAY return \
             both.",
        ),
        string(
            "displayName",
            "The name of the User, suitable for display to end-users. The name SHOULD be the \
             full name of the User being described, if known.",
        ),
        string(
            "nickName",
            "The casual way to address the user in real life, e.g., 'Bob' or 'Bobby' instead of \
             'Robert'.",
        ),
        reference(
            "profileUrl",
            &["external"],
            "A fully qualified URL pointing to a page representing the User's online profile.",
        ),
        string("title", "The user's title, such as \"Vice President.\""),
        string(
            "userType",
            "Used to identify the relationship between the organization and the user. Typical \
             values used might be 'Contractor', 'Employee', 'Intern', 'Temp', 'External', and \
             'Unknown', but any value may be used.",
        ),
        string(
            "preferredLanguage",
            "Indicates the User's preferred written or spoken language. Generally used for \
             selecting a localized user interface; e.g., 'en_US' specifies the language English \
             and country US.",
        ),
        string(
            "locale",
            "Used to indicate the User's default location for purposes of localizing items such \
             as currency, date time format, or numerical representations.",
        ),
        string(
            "timezone",
            "The User's time zone in the 'Olson' time zone database format, e.g., \
             'America/Los_Angeles'.",
        ),
        boolean(
            "active",
            "A Boolean value indicating the User's administrative status.",
        ),
        string(
            "password",
            "The User's cleartext password. This attribute is intended to be used as a means to \
             specify an initial password when creating a new User or to reset an existing User's \
             password.",
        )
        .mutability(WriteOnly)
        .returned(Returned::Never),
        complex(
            "emails",
            multi_value_subs!(
                string(
                    "value",
                    "Email addresses for the user. The value SHOULD be canonicalized by the \
                     service provider, e.g., 'bjensen@example.com' instead of \
                     'bjensen@EXAMPLE.COM'."
                ),
                "email",
                ["work", "home", "other"]
            ),
            "Email addresses for the user. Canonical type values of 'work', 'home', and \
             'other'.",
        )
        .multi(),
        complex(
            "phoneNumbers",
            multi_value_subs!(
                string("value", "Phone number of the User."),
                "phone number",
                ["work", "home", "mobile", "fax", "pager", "other"]
            ),
            "Phone numbers for the User. Canonical type values of 'work', 'home', 'mobile', \
             'fax', 'pager', and 'other'.",
        )
        .multi(),
        complex(
            "ims",
            multi_value_subs!(
                string("value", "Instant messaging address for the User."),
                "instant messaging address",
                ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"]
            ),
            "Instant messaging addresses for the User.",
        )
        .multi(),
        complex(
            "photos",
            multi_value_subs!(
                reference("value", &["external"], "URL of a photo of the User."),
                "photo",
                ["photo", "thumbnail"]
            ),
            "URLs of photos of the User.",
        )
        .multi(),
        complex(
            "addresses",
            ADDRESS,
            "A physical mailing address for this User. Canonical type values of 'work', 'home', \
             and 'other'.",
        )
        .multi(),
        complex(
            "groups",
            USER_GROUPS,
            "A list of groups to which the user belongs, either through direct membership, \
             through nested groups, or dynamically calculated.",
        )
        .multi()
        .mutability(ReadOnly),
        complex(
            "entitlements",
            multi_value_subs!(
                string("value", "The value of an entitlement."),
                "entitlement",
                []
            ),
            "A list of entitlements for the User that represent a thing the User has.",
        )
        .multi(),
        complex(
            "roles",
            multi_value_subs!(string("value", "The value of a role."), "role", []),
            "A list of roles for the User that collectively represent who the User is, e.g., \
             'Student', 'Faculty'.",
        )
        .multi(),
        complex(
            "x509Certificates",
            multi_value_subs!(
                binary("value", "The value of an X.509 certificate.").exact(),
                "certificate",
                []
            ),
            "A list of certificates issued to the User.",
        )
        .multi(),
    ],
};

/// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User` (RFC 7643 §4.3).
pub(crate) const ENTERPRISE_USER: Schema = Schema {
    id: ENTERPRISE_USER_URN,
    name: "EnterpriseUser",
    description: "Enterprise User",
    attributes: &[
        string(
            "employeeNumber",
            "Numeric or alphanumeric identifier assigned to a person, typically based on order \
             of hire or association with an organization.",
        ),
        string("costCenter", "Identifies the name of a cost center."),
        string("organization", "Identifies the name of an organization."),
        string("division", "Identifies the name of a division."),
        string("department", "Identifies the name of a department."),
        complex(
            "manager",
            &[
                string(
                    "value",
                    "The id of the SCIM resource representing the User's manager.",
                ),
                reference(
                    "$ref",
                    &["User"],
                    "The URI of the SCIM resource representing the User's manager.",
                ),
                string("displayName", "The displayName of the User's manager.")
                    .mutability(ReadOnly),
            ],
            "The User's manager. A complex type that optionally allows service providers to \
             represent organizational hierarchy by referencing the 'id' attribute of another \
             User.",
        ),
    ],
};

/// `urn:ietf:params:scim:schemas:core:2.0:Group` (RFC 7643 §4.2).
pub(crate) const GROUP: Schema = Schema {
    id: GROUP_URN,
    name: "Group",
    description: "Group",
    attributes: &[
        string(
            "displayName",
            "A human-readable name for the Group. REQUIRED.",
        )
        .needed(),
        complex(
            "members",
            &[
                string("value", "Identifier of the member of this Group.").mutability(Immutable),
                reference(
                    "$ref",
                    &["User", "Group"],
                    "The URI corresponding to a SCIM resource that is a member of this Group.",
                )
                .mutability(Immutable),
                string(
                    "type",
                    "A label indicating the type of resource, e.g., 'User' or 'Group'.",
                )
                .canonical(&["User", "Group"])
                .mutability(Immutable),
                string("display", "A human-readable name for the member.").mutability(ReadOnly),
            ],
            "A list of members of the Group.",
        )
        .multi(),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialects::scim::filter::parse_path;

    fn lookup(resource: Resource, path: &str) -> Option<&'static Attribute> {
        attribute(resource, &parse_path(path).unwrap().path)
    }

    /// Every value in `v`, recursively.
    fn walk<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
        out.push(v);
        match v {
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            Value::Object(members) => members.values().for_each(|m| walk(m, out)),
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
        }
    }

    #[test]
    fn schema_documents_spell_out_every_characteristic_without_nulls() {
        for urn in SCHEMA_URNS {
            let doc = schema_json(urn, "https://roster.test/scim/v2/").unwrap();
            assert_eq!(doc["schemas"], json!([SCHEMA_SCHEMA_URN]));
            assert_eq!(doc["id"], json!(urn));
            assert_eq!(doc["meta"]["resourceType"], "Schema");
            assert_eq!(
                doc["meta"]["location"],
                json!(format!("https://roster.test/scim/v2/Schemas/{urn}"))
            );
            let mut all = Vec::new();
            walk(&doc, &mut all);
            assert!(all.iter().all(|v| !v.is_null()), "{urn} has a null");
            let mut attrs: Vec<&Value> = doc["attributes"].as_array().unwrap().iter().collect();
            let subs: Vec<&Value> = attrs
                .iter()
                .filter_map(|a| a.get("subAttributes"))
                .flat_map(|s| s.as_array().unwrap())
                .collect();
            attrs.extend(subs);
            for a in attrs {
                for key in [
                    "name",
                    "type",
                    "multiValued",
                    "description",
                    "required",
                    "caseExact",
                    "mutability",
                    "returned",
                    "uniqueness",
                ] {
                    assert!(a.get(key).is_some(), "{urn}: {} lacks {key}", a["name"]);
                }
                assert_eq!(
                    a["type"] == "complex",
                    a.get("subAttributes").is_some(),
                    "{a}"
                );
                assert_eq!(
                    a["type"] == "reference",
                    a.get("referenceTypes").is_some(),
                    "{a}"
                );
                let mutability = a["mutability"].as_str().unwrap();
                assert!(
                    ["readOnly", "readWrite", "immutable", "writeOnly"].contains(&mutability),
                    "{a}"
                );
            }
        }
        let user = schema_json("URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER", "https://h").unwrap();
        let user_name = &user["attributes"][0];
        assert_eq!(
            *user_name,
            json!({
                "name": "userName", "type": "string", "multiValued": false,
                "description": USER.attributes[0].description, "required": true,
                "caseExact": false, "mutability": "readWrite", "returned": "default",
                "uniqueness": "server",
            })
        );
        assert_eq!(user["id"], USER_URN, "the URN is given in its own spelling");
        assert!(schema_json("urn:ietf:params:scim:schemas:core:2.0:Schema", "").is_none());
    }

    #[test]
    fn roster_choices_are_in_the_table() {
        let user = |p| lookup(Resource::User, p).unwrap();
        let group = |p| lookup(Resource::Group, p).unwrap();
        assert_eq!(user("userName").uniqueness, Uniqueness::Server);
        assert!(!user("userName").case_exact);
        assert!(user("id").case_exact);
        assert_eq!(user("id").returned, Returned::Always);
        assert!(user("externalId").case_exact);
        assert_eq!(user("password").mutability, Mutability::WriteOnly);
        assert_eq!(user("password").returned, Returned::Never);
        assert_eq!(user("groups").mutability, Mutability::ReadOnly);
        assert!(group("displayName").required);
        assert!(user("x509Certificates.value").case_exact);
        assert_eq!(user("meta.created").kind, AttrType::DateTime);
        assert_eq!(
            user("emails.type").canonical_values,
            ["work", "home", "other"]
        );
        assert_eq!(group("members.value").mutability, Mutability::Immutable);
        assert_eq!(user("groups.$ref").reference_types, ["User", "Group"]);
    }

    #[test]
    fn names_resolve_without_case_with_or_without_their_urn() {
        let user = |p| lookup(Resource::User, p).map(|a| a.name);
        assert_eq!(user("UserName"), Some("userName"));
        assert_eq!(
            user("urn:ietf:params:scim:schemas:core:2.0:User:userName"),
            Some("userName")
        );
        assert_eq!(
            user("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"),
            Some("department")
        );
        assert_eq!(
            user("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"),
            Some("value")
        );
        assert_eq!(user("DEPARTMENT"), Some("department"));
        assert_eq!(user("name.GIVENNAME"), Some("givenName"));
        assert_eq!(user("meta.lastModified"), Some("lastModified"));
        assert_eq!(
            user("urn:ietf:params:scim:schemas:core:2.0:User:id"),
            Some("id")
        );
        // Wrong schema, unknown names, a sub-attribute of a simple attribute.
        assert_eq!(
            user("urn:ietf:params:scim:schemas:core:2.0:Group:displayName"),
            None
        );
        assert_eq!(
            user("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:userName"),
            None
        );
        assert_eq!(user("emails.foo"), None);
        assert_eq!(user("userName.value"), None);
        assert_eq!(user("members"), None);
        let group = |p| lookup(Resource::Group, p).map(|a| a.name);
        assert_eq!(group("members.value"), Some("value"));
        assert_eq!(group("id"), Some("id"));
        assert_eq!(group("department"), None);
        assert_eq!(group("userName"), None);

        let r = resolve(Resource::User, &parse_path("manager").unwrap().path).unwrap();
        assert!(r.in_extension());
        assert_eq!(r.schema.id, ENTERPRISE_USER_URN);
        let r = resolve(Resource::User, &parse_path("meta.created").unwrap().path).unwrap();
        assert!(!r.in_extension());
        assert_eq!((r.attribute.name, r.target().name), ("meta", "created"));
    }

    #[test]
    fn complex_attributes_nest_one_level_and_names_are_unique() {
        let mut levels: Vec<&[Attribute]> = vec![COMMON];
        levels.extend([&USER, &ENTERPRISE_USER, &GROUP].map(|s| s.attributes));
        for level in levels {
            for (i, a) in level.iter().enumerate() {
                assert!(
                    level[..i]
                        .iter()
                        .all(|b| !b.name.eq_ignore_ascii_case(a.name)),
                    "{} twice",
                    a.name
                );
                assert_eq!(a.kind == AttrType::Complex, !a.sub_attributes.is_empty());
                for s in a.sub_attributes {
                    assert_ne!(s.kind, AttrType::Complex, "{}.{}", a.name, s.name);
                    assert!(!s.multi_valued, "{}.{}", a.name, s.name);
                }
            }
        }
    }
}
