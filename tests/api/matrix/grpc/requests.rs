//! Requests of any method built from the descriptors: every field that names something gets
//! the caller's own value of that kind (a request that would work), and each variant swaps
//! one such field for another tenant's value.

use super::tenant::{Credential, Kind, Named};
use prost_reflect::{DynamicMessage, FieldDescriptor, Kind as Type, MessageDescriptor, Value};

/// Where a naming field sits in a request, and what it names.
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    path: Vec<FieldDescriptor>,
    pub(crate) kinds: Vec<Kind>,
}

impl Slot {
    pub(crate) fn name(&self) -> String {
        self.path
            .iter()
            .map(FieldDescriptor::name)
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// Messages left empty: a filter or an order of the caller's own making names nothing.
const UNFILLED: &[&str] = &[
    "UserFilter",
    "UserOrder",
    "HttpAnswer",
    "Timestamp",
    "Duration",
];

/// Fields whose names say "identifier" but that name no record another tenant could aim at:
/// a device id is the client's own label inside the user's record.
const NOT_AIMED: &[&str] = &["Device.id"];

/// A field without a kind must not look like an identifier, so the matrix learns about a
/// new one instead of skipping it.
fn looks_like_an_identifier(message: &str, field: &str) -> bool {
    (field == "id" || field.ends_with("_id") || field.ends_with("_ids") || field.contains("key"))
        && !NOT_AIMED.contains(&format!("{message}.{field}").as_str())
}

/// What the field `field` of the message `message` names, if anything.
pub(crate) fn kind_of(message: &str, field: &str) -> Vec<Kind> {
    use Kind::*;
    let by_context = |policy, role, group, folder, token, tenant, user: Option<Kind>| {
        let k = if message.contains("Policy") {
            policy
        } else if message.contains("Role") {
            role
        } else if message.contains("Group") {
            group
        } else if message.contains("Folder") {
            folder
        } else if message.contains("Provisioning") {
            token
        } else if message.contains("Tenant") {
            tenant
        } else if message.contains("Device") {
            None
        } else {
            user
        };
        k.into_iter().collect()
    };
    match field {
        "number" => vec![UserNumber],
        "login" if message.contains("Tenant") => vec![TenantLogin],
        "account" if message == "SshKeyCredential" => vec![TenantLogin],
        "login" | "user" => vec![UserLogin],
        "email" | "admin_email" => vec![UserEmail],
        "id" | "webhook_id" if message.contains("Webhook") || field == "webhook_id" => {
            vec![WebhookId]
        }
        "external_id" => by_context(
            None,
            None,
            Some(GroupExternalId),
            Some(FolderExternalId),
            None,
            None,
            Some(UserExternalId),
        ),
        "id" => by_context(
            Some(PolicyId),
            Some(RoleId),
            Some(GroupId),
            Some(FolderId),
            Some(ProvisioningTokenId),
            Some(TenantId),
            Some(UserId),
        ),
        "name" if message.contains("Key") => vec![KeyName],
        "name" => by_context(
            Some(PolicyName),
            Some(RoleName),
            Some(GroupName),
            Some(FolderName),
            Some(ProvisioningTokenName),
            None,
            None,
        ),
        "id_or_name" if message.contains("Policy") => vec![PolicyId, PolicyName],
        "id_or_name" => vec![RoleId, RoleName],
        "name_or_fingerprint" => vec![KeyName, KeyFingerprint],
        "fingerprint" => vec![KeyFingerprint],
        "key" if message == "SshKeyCredential" => vec![KeyFingerprint],
        "key" | "request_id" => vec![RequestId],
        "public_key" | "owner_ssh_keys" => vec![PublicKey],
        "user_id" | "user_ids" | "add_user_ids" | "remove_user_ids" | "member_user_ids"
        | "subject" => vec![UserId],
        "group_id" | "parent_id" => vec![GroupId],
        "folder_id" => vec![FolderId],
        "tenant_id" => vec![TenantId],
        "company_id" => vec![CompanyId],
        "path" | "paths" => vec![GroupPath],
        "page_token" => vec![PageToken],
        "etag" => vec![Etag],
        "claim_id" => vec![ClaimId],
        "password" => vec![Password],
        "role_keys" => vec![RoleName],
        "user_secret" => vec![OwnCredential(Credential::UserSecret)],
        "organization_secret" => vec![OwnCredential(Credential::OrganizationSecret)],
        "integration_key" => vec![OwnCredential(Credential::IntegrationKey)],
        "secret_key" => vec![OwnCredential(Credential::SecretKey)],
        "provisioning_token" => vec![OwnCredential(Credential::ProvisioningToken)],
        _ => Vec::new(),
    }
}

/// Kinds a create request must not repeat from the caller's own records (it would only be
/// refused as a duplicate): each call gets fresh ones.
fn fresh(kind: Kind, n: u32) -> Option<String> {
    use Kind::*;
    Some(match kind {
        UserLogin => format!("fresh-{n}"),
        UserEmail => format!("fresh-{n}@matrix.test"),
        UserExternalId | GroupExternalId | FolderExternalId => format!("fresh-ext-{n}"),
        GroupPath => format!("//Fresh-{n}"),
        FolderName | RoleName | PolicyName | KeyName | ProvisioningTokenName => {
            format!("fresh-{n}")
        }
        TenantLogin => format!("fresh{n}"),
        UserId | UserNumber | Password | GroupId | GroupName | FolderId | RoleId | PolicyId
        | KeyFingerprint | PublicKey | ProvisioningTokenId | WebhookId | TenantId | CompanyId
        | PageToken | Etag | RequestId | ClaimId | OwnCredential(_) => return None,
    })
}

/// Builds requests of one input type for one caller.
pub(crate) struct Builder<'a> {
    pub(crate) own: &'a Named,
    /// Creates get fresh names (see [`fresh`]); `None` for any other method.
    pub(crate) fresh: Option<u32>,
}

impl Builder<'_> {
    /// The caller's own request, and every naming field in it (including those of oneof
    /// members left unset, which a variant sets).
    pub(crate) fn base(&self, desc: &MessageDescriptor) -> (DynamicMessage, Vec<Slot>) {
        let mut slots = Vec::new();
        let msg = self.fill(desc, &mut Vec::new(), &mut slots);
        (msg, slots)
    }

    fn value_of(&self, kind: Kind, field: &FieldDescriptor) -> Option<Value> {
        // Tokens of a session, versions and retries belong to one call: the caller's own
        // request goes without them.
        if matches!(
            kind,
            Kind::PageToken | Kind::Etag | Kind::RequestId | Kind::ClaimId
        ) {
            return None;
        }
        let text = self
            .fresh
            .and_then(|n| fresh(kind, n))
            .or_else(|| self.own.get(kind).first().cloned())?;
        scalar(field, &text)
    }

    fn fill(
        &self,
        desc: &MessageDescriptor,
        path: &mut Vec<FieldDescriptor>,
        slots: &mut Vec<Slot>,
    ) -> DynamicMessage {
        let mut msg = DynamicMessage::new(desc.clone());
        for field in desc.fields() {
            if field.is_map() {
                continue;
            }
            // Of a oneof, the first member is filled; the others are slots only.
            let set = field.containing_oneof().is_none_or(|o| {
                o.fields()
                    .next()
                    .is_some_and(|f| f.number() == field.number())
            });
            path.push(field.clone());
            let kind = field.kind();
            if let Some(m) = kind.as_message() {
                if m.full_name() == "google.protobuf.FieldMask" {
                    if let Some(paths) = mask_for(desc) {
                        let mut mask = DynamicMessage::new(m.clone());
                        mask.set_field_by_name(
                            "paths",
                            Value::List(paths.into_iter().map(Value::String).collect()),
                        );
                        msg.set_field(&field, Value::Message(mask));
                    }
                } else {
                    let recursive = path[..path.len() - 1]
                        .iter()
                        .any(|f| f.kind().as_message() == Some(m));
                    if !UNFILLED.contains(&m.name()) && !recursive && path.len() < 5 {
                        let sub = self.fill(m, path, slots);
                        if set {
                            msg.set_field(&field, wrap(&field, Value::Message(sub)));
                        }
                    }
                }
            } else if matches!(kind, Type::Bool) && set && field.containing_oneof().is_some() {
                msg.set_field(&field, Value::Bool(true));
            } else if matches!(kind, Type::Bytes) && field.name() == "fingerprint" {
                // An idempotency fingerprint is 32 bytes; the caller's own will do.
                msg.set_field(&field, Value::Bytes(vec![7; 32].into()));
            } else {
                self.fill_scalar(desc, &field, set, &mut msg, path, slots);
            }
            path.pop();
        }
        msg
    }

    /// A scalar field: the caller's own value of its kind, and a slot; `city` gets a benign
    /// value so that an update's mask has something of the caller's to write.
    fn fill_scalar(
        &self,
        desc: &MessageDescriptor,
        field: &FieldDescriptor,
        set: bool,
        msg: &mut DynamicMessage,
        path: &[FieldDescriptor],
        slots: &mut Vec<Slot>,
    ) {
        let kinds = kind_of(desc.name(), field.name());
        if kinds.is_empty() {
            assert!(
                !looks_like_an_identifier(desc.name(), field.name())
                    || matches!(field.kind(), Type::Bytes | Type::Bool),
                "{}.{} looks like an identifier: teach the matrix what it names",
                desc.name(),
                field.name()
            );
        } else {
            // Removing what the request also adds is refused before anything
            // is looked up: the caller's own request only adds.
            let set = set && !field.name().starts_with("remove_");
            if set && let Some(v) = self.value_of(kinds[0], field) {
                msg.set_field(field, wrap(field, v));
            }
            slots.push(Slot {
                path: path.to_vec(),
                kinds,
            });
        }
        if field.name() == "city" {
            msg.set_field(field, Value::String("Matrix".into()));
        }
    }
}

/// An update mask naming one field the caller may change: a benign one where there is.
fn mask_for(request: &MessageDescriptor) -> Option<Vec<String>> {
    let resource = request.fields().find_map(|f| {
        f.kind()
            .as_message()
            .filter(|m| !m.full_name().starts_with("google."))
            .cloned()
    })?;
    ["city", "name", "path"]
        .into_iter()
        .find(|n| resource.get_field_by_name(n).is_some())
        .map(|n| vec![n.to_owned()])
}

fn wrap(field: &FieldDescriptor, v: Value) -> Value {
    if field.is_list() {
        Value::List(vec![v])
    } else {
        v
    }
}

/// `text` as the field's scalar type; `None` when it cannot be (a login in a number field).
fn scalar(field: &FieldDescriptor, text: &str) -> Option<Value> {
    let kind = field.kind();
    if matches!(kind, Type::String) {
        Some(Value::String(text.to_owned()))
    } else if matches!(kind, Type::Int64) {
        text.parse().ok().map(Value::I64)
    } else if matches!(kind, Type::Int32) {
        text.parse().ok().map(Value::I32)
    } else {
        None
    }
}

/// The message a field holds, or the first of the messages a repeated field holds.
fn first_message(v: &Value) -> Option<DynamicMessage> {
    v.as_message()
        .or_else(|| {
            v.as_list()
                .and_then(|l| l.first())
                .and_then(Value::as_message)
        })
        .cloned()
}

/// `msg` with the field at `path` set to `text` (an unset message on the way is made).
pub(crate) fn with(
    msg: &DynamicMessage,
    path: &[FieldDescriptor],
    text: &str,
) -> Option<DynamicMessage> {
    let (field, rest) = path.split_first()?;
    let mut out = msg.clone();
    let value = if rest.is_empty() {
        scalar(field, text)?
    } else {
        let child = match first_message(&msg.get_field(field)) {
            Some(m) => m,
            None => DynamicMessage::new(field.kind().as_message()?.clone()),
        };
        Value::Message(with(&child, rest, text)?)
    };
    out.set_field(field, wrap(field, value));
    Some(out)
}

/// The slot's path, for [`with`].
pub(crate) fn path(slot: &Slot) -> &[FieldDescriptor] {
    &slot.path
}

/// `msg` with the field that `path` reaches inside a resource named in that resource's
/// update mask, so that an update really writes what the variant aims at.
pub(crate) fn widen_mask(msg: &DynamicMessage, path: &[FieldDescriptor]) -> DynamicMessage {
    let mut out = msg.clone();
    let [field, inner, ..] = path else {
        return out;
    };
    let Some(resource) = field.kind().as_message().cloned() else {
        return out;
    };
    if let Some(mask_field) =
        prost_reflect::ReflectMessage::descriptor(msg).get_field_by_name("update_mask")
        && !resource.full_name().starts_with("google.")
        && !["id", "etag", "number"].contains(&inner.name())
    {
        let Some(mut mask) = msg.get_field(&mask_field).as_message().cloned() else {
            return out;
        };
        let mut paths = mask
            .get_field_by_name("paths")
            .map(std::borrow::Cow::into_owned);
        if let Some(Value::List(list)) = paths.as_mut() {
            let name = Value::String(inner.name().to_owned());
            if !list.contains(&name) {
                list.push(name);
            }
            mask.set_field_by_name("paths", Value::List(list.clone()));
        }
        out.set_field(&mask_field, Value::Message(mask));
    }
    if let Some(child) = first_message(&msg.get_field(field)) {
        out.set_field(
            field,
            wrap(field, Value::Message(widen_mask(&child, &path[1..]))),
        );
    }
    out
}
