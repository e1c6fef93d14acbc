//! ServiceStack's `ResponseStatus` {ErrorCode, Message, StackTrace, Errors, Meta}: empty on
//! success ("a response status without an error code is a success"), filled on failure. A
//! stack trace is never sent.

use super::xml_write::{NS_SERVICESTACK, XmlOut};
use serde::Serialize;
use utoipa::ToSchema;

/// One field's problem (`ResponseError`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
#[schema(as = formsonfire::ResponseError, xml(name = "ResponseError"))]
pub(crate) struct FieldError {
    pub(crate) error_code: String,
    pub(crate) field_name: String,
    pub(crate) message: String,
}

/// The status every response carries: empty on success, filled on failure (`ErrorCode`
/// `NotEmpty`, `InvalidValue`, `DuplicateEmail`, `DuplicateExternalId`, `NotFound`,
/// `Unauthorized`, `MethodNotAllowed`, `SerializationException`, `NotSupportedException`,
/// `RequestTooLarge`, `TooManyRequests`, `InternalServerError`, `ServiceUnavailable`, with
/// the first field error's message). In XML its members are in the ServiceStack namespace
/// (`http://schemas.servicestack.net/types`), every member is
/// present (`i:nil="true"` when empty), with a nil `StackTrace` and `Meta`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
#[schema(as = formsonfire::ResponseStatus, xml(name = "ResponseStatus"))]
pub(crate) struct ResponseStatus {
    pub(crate) error_code: Option<String>,
    pub(crate) message: Option<String>,
    /// `None` on success (omitted); a list, maybe empty, on failure.
    #[schema(xml(wrapped))]
    pub(crate) errors: Option<Vec<FieldError>>,
}

impl ResponseStatus {
    /// The DataContract form: members in DataMember order (ErrorCode, Message, StackTrace,
    /// Errors, Meta), which for ServiceStack's own types is not alphabetical.
    pub(crate) fn write_xml(&self, x: &mut XmlOut) {
        let p = x.open_ns("ResponseStatus", NS_SERVICESTACK);
        let el = |name: &str| format!("{p}:{name}");
        x.value(&el("ErrorCode"), self.error_code.as_deref());
        x.value(&el("Message"), self.message.as_deref());
        x.nil(&el("StackTrace"));
        match &self.errors {
            None => x.nil(&el("Errors")),
            Some(errors) if errors.is_empty() => x.empty(&el("Errors")),
            Some(errors) => {
                x.open(&el("Errors"));
                for e in errors {
                    x.open(&el("ResponseError"));
                    x.value(&el("ErrorCode"), Some(&e.error_code));
                    x.value(&el("FieldName"), Some(&e.field_name));
                    x.value(&el("Message"), Some(&e.message));
                    x.nil(&el("Meta"));
                    x.close(&el("ResponseError"));
                }
                x.close(&el("Errors"));
            }
        }
        x.nil(&el("Meta"));
        x.close("ResponseStatus");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_is_empty_in_json_and_all_nil_in_xml() {
        let ok = ResponseStatus::default();
        assert_eq!(serde_json::to_string(&ok).unwrap(), "{}");
        let mut x = XmlOut::document("R");
        ok.write_xml(&mut x);
        let xml = x.finish("R");
        assert!(xml.contains(concat!(
            r#"<ResponseStatus xmlns:d2p1="http://schemas.servicestack.net/types">"#,
            r#"<d2p1:ErrorCode i:nil="true" /><d2p1:Message i:nil="true" />"#,
            r#"<d2p1:StackTrace i:nil="true" /><d2p1:Errors i:nil="true" />"#,
            r#"<d2p1:Meta i:nil="true" /></ResponseStatus>"#
        )));
    }
}
