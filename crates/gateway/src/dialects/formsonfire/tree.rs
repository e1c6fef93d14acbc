//! The request body both formats are read into: a tree of named members, so that one reader
//! serves JSON and XML alike. Member names match without case (ServiceStack's JSON reader
//! ignores case, and the vendor's docs spell names both ways); XML namespaces are dropped.

/// One member's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    /// JSON `null`, XML `i:nil="true"`.
    Nil,
    /// A scalar: JSON string, number or boolean; XML element text (`<A/>` is `""`).
    Text(String),
    /// JSON object or array (array items are unnamed), XML element with child elements.
    Members(Vec<(String, Node)>),
}

/// A member as the body gave it: absent, null, or a value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Field<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<T> Field<T> {
    pub(crate) fn value(&self) -> Option<&T> {
        match self {
            Field::Value(v) => Some(v),
            Field::Absent | Field::Null => None,
        }
    }

    pub(crate) fn into_value(self) -> Option<T> {
        match self {
            Field::Value(v) => Some(v),
            Field::Absent | Field::Null => None,
        }
    }

    pub(crate) fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }
}

/// A body member that is present but has the wrong shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShapeError {
    pub(crate) member: String,
    pub(crate) expected: &'static str,
}

impl Node {
    /// The first member called `name` (ASCII case ignored).
    pub(crate) fn member(&self, name: &str) -> Option<&Node> {
        match self {
            Node::Members(m) => m
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v),
            Node::Nil | Node::Text(_) => None,
        }
    }

    /// A scalar member.
    pub(crate) fn text(&self, name: &str) -> Result<Field<&str>, ShapeError> {
        match self.member(name) {
            None => Ok(Field::Absent),
            Some(Node::Nil) => Ok(Field::Null),
            Some(Node::Text(t)) => Ok(Field::Value(t.as_str())),
            Some(Node::Members(_)) => Err(ShapeError {
                member: name.to_owned(),
                expected: "a single value",
            }),
        }
    }

    /// A list member: the items of a JSON array or of an XML element's children (whatever
    /// the children are called: `<Id>` and `<d2p1:guid>` alike). `<Folders/>` is empty.
    pub(crate) fn items(&self, name: &str) -> Result<Field<Vec<&Node>>, ShapeError> {
        match self.member(name) {
            None => Ok(Field::Absent),
            Some(Node::Nil) => Ok(Field::Null),
            Some(Node::Text(t)) if t.trim().is_empty() => Ok(Field::Value(Vec::new())),
            Some(Node::Text(_)) => Err(ShapeError {
                member: name.to_owned(),
                expected: "a list",
            }),
            Some(Node::Members(m)) => Ok(Field::Value(m.iter().map(|(_, v)| v).collect())),
        }
    }

    /// How deep the tree goes (a scalar is 1).
    pub(crate) fn depth(&self) -> usize {
        match self {
            Node::Nil | Node::Text(_) => 1,
            Node::Members(m) => 1 + m.iter().map(|(_, v)| v.depth()).max().unwrap_or(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> Node {
        Node::Members(vec![
            ("FirstName".into(), Node::Text("Ann".into())),
            ("externalid".into(), Node::Nil),
            (
                "Folders".into(),
                Node::Members(vec![
                    ("Id".into(), Node::Text("a".into())),
                    ("guid".into(), Node::Text("b".into())),
                ]),
            ),
            ("Groups".into(), Node::Text(String::new())),
        ])
    }

    #[test]
    fn members_match_without_case_and_tell_absent_from_null() {
        let t = tree();
        assert_eq!(t.text("firstname").unwrap(), Field::Value("Ann"));
        assert_eq!(t.text("ExternalId").unwrap(), Field::Null);
        assert_eq!(t.text("Email").unwrap(), Field::Absent);
        assert!(t.text("Folders").is_err());
    }

    #[test]
    fn lists_take_any_item_names_and_empty_elements() {
        let t = tree();
        let folders = t.items("folders").unwrap().into_value().unwrap();
        assert_eq!(folders.len(), 2);
        assert_eq!(t.items("Groups").unwrap(), Field::Value(vec![]));
        assert!(t.items("FirstName").is_err());
        assert_eq!(t.depth(), 3);
    }
}
