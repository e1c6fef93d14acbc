//! Writing ServiceStack's DataContract XML by hand: the namespaces DataContractSerializer
//! declares, members in the order the caller writes them (alphabetical for our DTOs),
//! `i:nil="true"` for nulls, and the `d{depth}p1` prefixes it makes up for foreign
//! namespaces, declared on the element that first needs them.

/// The (invented, see the reference) CLR namespace of the vendor's DTOs.
pub(crate) const NS_DTO: &str = "http://schemas.datacontract.org/2004/07/Appenate.Api";
pub(crate) const NS_XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// ServiceStack's own types (`ResponseStatus`, `ResponseError`).
pub(crate) const NS_SERVICESTACK: &str = "http://schemas.servicestack.net/types";
/// Arrays and dictionaries of primitives (`guid`, `string`, `KeyValueOfstringstring`).
pub(crate) const NS_ARRAYS: &str = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";

/// An XML document being written.
#[derive(Debug)]
pub(crate) struct XmlOut {
    buf: String,
    /// Depth of the innermost open element (the root is 1).
    depth: usize,
}

/// Text as XML character data: markup escaped, characters XML 1.0 cannot hold replaced.
fn escape_into(buf: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => buf.push_str("&amp;"),
            '<' => buf.push_str("&lt;"),
            '>' => buf.push_str("&gt;"),
            '"' => buf.push_str("&quot;"),
            '\r' => buf.push_str("&#xD;"),
            '\t' | '\n' => buf.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => buf.push('\u{FFFD}'),
            c => buf.push(c),
        }
    }
}

impl XmlOut {
    /// The declaration and the root element, with the `i` and default namespaces.
    pub(crate) fn document(root: &str) -> Self {
        let mut buf = String::with_capacity(4096);
        buf.push_str(r#"<?xml version="1.0" encoding="utf-8"?>"#);
        buf.push('<');
        buf.push_str(root);
        buf.push_str(r#" xmlns:i=""#);
        buf.push_str(NS_XSI);
        buf.push_str(r#"" xmlns=""#);
        buf.push_str(NS_DTO);
        buf.push_str(r#"">"#);
        Self { buf, depth: 1 }
    }

    /// Closes the root and returns the text.
    pub(crate) fn finish(mut self, root: &str) -> String {
        self.close(root);
        self.buf
    }

    /// `<name>`.
    pub(crate) fn open(&mut self, name: &str) {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push('>');
        self.depth += 1;
    }

    /// `<name xmlns:dNp1="ns"` + `end`, for an element at `depth`; returns the prefix.
    fn start_ns(&mut self, name: &str, ns: &str, depth: usize, end: &str) -> String {
        let prefix = format!("d{depth}p1");
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push_str(" xmlns:");
        self.buf.push_str(&prefix);
        self.buf.push_str("=\"");
        self.buf.push_str(ns);
        self.buf.push('"');
        self.buf.push_str(end);
        prefix
    }

    /// `<name xmlns:dNp1="ns">`; returns the prefix the children use.
    pub(crate) fn open_ns(&mut self, name: &str, ns: &str) -> String {
        self.depth += 1;
        self.start_ns(name, ns, self.depth, ">")
    }

    /// `<name xmlns:dNp1="ns" />`: an empty collection in a foreign namespace.
    pub(crate) fn empty_ns(&mut self, name: &str, ns: &str) {
        self.start_ns(name, ns, self.depth + 1, " />");
    }

    /// `</name>`.
    pub(crate) fn close(&mut self, name: &str) {
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
        self.depth = self.depth.saturating_sub(1);
    }

    /// `<name />`: an empty collection in the current namespace.
    pub(crate) fn empty(&mut self, name: &str) {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push_str(" />");
    }

    /// `<name i:nil="true" />`.
    pub(crate) fn nil(&mut self, name: &str) {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push_str(r#" i:nil="true" />"#);
    }

    /// `<name>text</name>`, or nil.
    pub(crate) fn value(&mut self, name: &str, text: Option<&str>) {
        let Some(text) = text else {
            self.nil(name);
            return;
        };
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push('>');
        escape_into(&mut self.buf, text);
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_declare_namespaces_and_number_foreign_prefixes_by_depth() {
        let mut x = XmlOut::document("R");
        let p = x.open_ns("ResponseStatus", NS_SERVICESTACK);
        x.value(&format!("{p}:ErrorCode"), Some("a<b & \"c\"\r\u{1}"));
        x.nil(&format!("{p}:Message"));
        x.close("ResponseStatus");
        x.open("User");
        x.empty_ns("Folders", NS_ARRAYS);
        x.close("User");
        let out = x.finish("R");
        assert_eq!(
            out,
            concat!(
                r#"<?xml version="1.0" encoding="utf-8"?>"#,
                r#"<R xmlns:i="http://www.w3.org/2001/XMLSchema-instance" "#,
                r#"xmlns="http://schemas.datacontract.org/2004/07/Appenate.Api">"#,
                r#"<ResponseStatus xmlns:d2p1="http://schemas.servicestack.net/types">"#,
                "<d2p1:ErrorCode>a&lt;b &amp; &quot;c&quot;&#xD;\u{FFFD}</d2p1:ErrorCode>",
                r#"<d2p1:Message i:nil="true" /></ResponseStatus>"#,
                r#"<User><Folders xmlns:d3p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays" /></User></R>"#
            )
        );
    }
}
