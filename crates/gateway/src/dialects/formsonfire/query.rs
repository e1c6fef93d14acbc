//! Query-string parameters, matched without case (`Integrationkey`, `companyid` and
//! `CompanyId` all appear in the vendor's docs).

/// The decoded `name=value` pairs of a query string, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    /// `None` for a query string that does not decode.
    pub(crate) fn parse(raw: Option<&str>) -> Option<Self> {
        match raw {
            None | Some("") => Some(Self::default()),
            Some(q) => serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                .ok()
                .map(Self),
        }
    }

    /// The first value of `name` (ASCII case ignored).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_without_case_and_values_are_decoded() {
        let q = Query::parse(Some("companyid=7&Integrationkey=a%2Bb&Email=ann%40x.test")).unwrap();
        assert_eq!(q.get("CompanyId"), Some("7"));
        assert_eq!(q.get("INTEGRATIONKEY"), Some("a+b"));
        assert_eq!(q.get("email"), Some("ann@x.test"));
        assert_eq!(q.get("Id"), None);
        assert_eq!(Query::parse(None), Some(Query::default()));
    }
}
