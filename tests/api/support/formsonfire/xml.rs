//! DataContract XML read as JSON, so that an answer in XML is asserted the same way as one in
//! JSON.

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

/// Members that are lists in the vendor's DTOs, so that one item still reads as a list.
const LISTS: [&str; 7] = [
    "Users",
    "Folders",
    "Groups",
    "UserDevices",
    "Errors",
    "Metadata",
    "Meta",
];

/// DataContract XML as JSON: elements by local name, lists as arrays, `i:nil` as null,
/// scalars as strings.
pub(crate) fn xml_to_json(xml: &str) -> Value {
    struct Frame {
        name: String,
        nil: bool,
        text: String,
        children: Vec<(String, Value)>,
    }
    fn frame(e: &quick_xml::events::BytesStart<'_>) -> Frame {
        let nil = e.attributes().flatten().any(|a| {
            a.key.local_name().as_ref() == "nil"
                && a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .is_ok_and(|v| v == "true")
        });
        Frame {
            name: e.local_name().as_ref().to_owned(),
            nil,
            text: String::new(),
            children: Vec::new(),
        }
    }
    fn finish(f: Frame) -> (String, Value) {
        let v = if f.nil {
            Value::Null
        } else if f.children.is_empty() && !LISTS.contains(&f.name.as_str()) {
            Value::String(f.text)
        } else if LISTS.contains(&f.name.as_str()) {
            Value::Array(f.children.into_iter().map(|(_, v)| v).collect())
        } else {
            Value::Object(f.children.into_iter().collect())
        };
        (f.name, v)
    }
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root = Value::Null;
    loop {
        let ev = reader.read_event().expect("well-formed XML");
        let done = match ev {
            Event::Start(e) => {
                stack.push(frame(&e));
                None
            }
            Event::Empty(e) => Some(finish(frame(&e))),
            Event::End(_) => stack.pop().map(finish),
            Event::Text(t) => {
                if let Some(f) = stack.last_mut() {
                    f.text.push_str(&t.xml10_content());
                }
                None
            }
            Event::GeneralRef(r) => {
                let c = r.resolve_char_ref().unwrap().map_or_else(
                    || {
                        quick_xml::escape::resolve_predefined_entity(&r)
                            .unwrap()
                            .to_owned()
                    },
                    |c| c.to_string(),
                );
                if let Some(f) = stack.last_mut() {
                    f.text.push_str(&c);
                }
                None
            }
            Event::Eof => return root,
            Event::CData(_)
            | Event::Comment(_)
            | Event::Decl(_)
            | Event::PI(_)
            | Event::DocType(_) => None,
        };
        if let Some((name, v)) = done {
            match stack.last_mut() {
                Some(parent) => parent.children.push((name, v)),
                None => root = Value::Object([(name, v)].into_iter().collect()),
            }
        }
    }
}
