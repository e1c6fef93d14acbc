//! A Forms On Fire `User` request body, in XML or JSON.

use crate::FormsOnFireLimits;
use crate::dialects::formsonfire::body::{self, BodyKind};
use crate::dialects::formsonfire::error::FofError;
use crate::dialects::formsonfire::user_input::{self, UserInput};
use crate::dialects::formsonfire::user_view::{Naming, Refs, UserOut};
use crate::dialects::formsonfire::user_write;
use crate::dialects::formsonfire::xml_read;
use crate::dialects::formsonfire::xml_write::XmlOut;
use roster_proto::v1 as pb;

/// An XML body (what a request without a Content-Type carries).
pub fn formsonfire_xml(data: &[u8]) {
    request(BodyKind::Xml, data);
}

/// A JSON body.
pub fn formsonfire_json(data: &[u8]) {
    request(BodyKind::Json, data);
}

/// What a POST or PUT does with its body short of calling the core: the tree, the
/// credential members, the typed members, the required-name checks and the contract write.
/// Then the answers: a refusal must be writable in both formats, and the user the write
/// describes, answered in either format, must read back as the same user.
fn request(kind: BodyKind, data: &[u8]) {
    let limits = FormsOnFireLimits::default();
    let node = match body::parse(kind, data, limits) {
        Ok(node) => node,
        Err(e) => return refuse(&FofError::unreadable(e.to_string())),
    };
    let _ = node.text("CompanyId");
    let _ = node.text("IntegrationKey");
    let input = match user_input::read(&node) {
        Ok(input) => input,
        Err(errors) => return refuse(&FofError::fields(errors)),
    };
    let naming = user_write::naming(input.use_names, input.use_external_ids);
    for errors in [
        user_write::require_names(&input),
        user_write::keep_names(&input),
    ] {
        if !errors.is_empty() {
            refuse(&FofError::fields(errors));
        }
    }
    let out = answer(&input, naming);
    let json = serde_json::to_vec(&out.json()).unwrap_or_default();
    let again = body::parse(BodyKind::Json, &json, limits)
        .ok()
        .and_then(|n| user_input::read(&n).ok());
    assert_eq!(
        again.map(|i| answer(&i, naming)).as_ref(),
        Some(&out),
        "the JSON answer {:?} does not read back as the same user",
        String::from_utf8_lossy(&json)
    );
    let mut x = XmlOut::document("UserResponse");
    out.write_xml(&mut x, "User");
    let xml = x.finish("UserResponse");
    let again = xml_read::parse(xml.as_bytes(), limits.max_depth)
        .ok()
        .and_then(|(_, n)| n.member("User").cloned())
        .and_then(|n| user_input::read(&n).ok());
    let again = again.map(|i| answer(&i, naming));
    // Characters XML cannot hold are written as U+FFFD: such a user reads back changed.
    if xml_safe(&out) {
        assert_eq!(
            again.as_ref(),
            Some(&out),
            "the XML answer {xml:?} does not read back as the same user"
        );
    } else {
        assert!(again.is_some(), "the XML answer {xml:?} does not read back");
    }
}

/// The user a core would answer after the write `input` asks for, as the dialect shows it.
/// The core names every group it finds; a name it could not find (an empty one) is refused
/// there, as is an empty metadata key, so neither is kept.
fn answer(input: &UserInput, naming: Naming) -> UserOut {
    let mut user = user_write::to_contract(input, naming).user;
    user.id = input
        .id
        .unwrap_or(uuid::Uuid::from_u128(
            0x0123_4567_89ab_4def_8123_4567_89ab_cdef,
        ))
        .to_string();
    for g in &mut user.groups {
        g.name = g.path.rsplit('/').next().unwrap_or_default().to_owned();
    }
    user.groups
        .retain(|g: &pb::GroupRef| naming != Naming::Names || !g.name.is_empty());
    user.metadata.retain(|k, _| !k.is_empty());
    UserOut::full(&user, 1, naming)
}

/// Whether every text of `out` is made of characters XML 1.0 holds.
fn xml_safe(out: &UserOut) -> bool {
    let refs = |r: Option<&Refs>| match r {
        Some(Refs::Strings(s)) => s.clone(),
        Some(Refs::Guids(_)) | None => Vec::new(),
    };
    let metadata = out.metadata.iter().flatten().flat_map(|(k, v)| [k, v]);
    [
        &out.first_name,
        &out.last_name,
        &out.email,
        &out.external_id,
        &out.time_zone,
        &out.country,
    ]
    .into_iter()
    .flatten()
    .chain(metadata)
    .cloned()
    .chain(refs(out.folders.as_ref()))
    .chain(refs(out.groups.as_ref()))
    .all(|s| s.chars().all(xml_char))
}

/// Whether XML 1.0 holds `c` (the writer escapes `\r`).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// A refusal, written in both formats: the XML must read back.
fn refuse(e: &FofError) {
    let status = e.response_status();
    let _ = serde_json::to_vec(&status);
    let mut x = XmlOut::document("UserResponse");
    status.write_xml(&mut x);
    x.nil("User");
    let xml = x.finish("UserResponse");
    let read = xml_read::parse(xml.as_bytes(), FormsOnFireLimits::default().max_depth);
    assert!(
        read.is_ok(),
        "the refusal {xml:?} does not read back: {read:?}"
    );
}
