use super::*;

/// Names `127.0.0.1` `localhost`, as /etc/hosts does; nothing else.
#[derive(Debug)]
struct Hosts;

impl HostNames for Hosts {
    fn confirmed_names(
        &self,
        client: IpAddr,
    ) -> Pin<Box<dyn Future<Output = Vec<String>> + Send + '_>> {
        let names = if client == IpAddr::from([127, 0, 0, 1]) {
            vec!["LocalHost.".to_owned()]
        } else {
            Vec::new()
        };
        Box::pin(std::future::ready(names))
    }
}

/// The futures here are ready at once: one poll runs them.
fn now<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    match f
        .as_mut()
        .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
    {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("the future waited"),
    }
}

fn list(entries: &[&str]) -> AddressRestrictions {
    AddressRestrictions::parse(entries, "allow").unwrap()
}

fn admits(entries: &[&str], client: &str) -> bool {
    now(list(entries).admit(Some(client.parse().unwrap()), &Hosts))
}

#[test]
fn addresses_ranges_and_hosts_are_read_and_shown_canonically() {
    let l = list(&[
        " 10.0.0.0/8 ",
        "127.0.0.1",
        "::1/128",
        "2001:db8::/32",
        "Host.Example.",
        "::ffff:192.0.2.1",
    ]);
    assert_eq!(
        l.to_strings(),
        [
            "10.0.0.0/8",
            "127.0.0.1",
            "::1",
            "2001:db8::/32",
            "host.example",
            "192.0.2.1"
        ]
    );
}

#[test]
fn a_malformed_entry_is_named_by_its_index() {
    let e = AddressRestrictions::parse(
        &[
            "10.0.0.0/8",
            "10.0.0.300",
            "10.1.2.3/8",
            "bad host",
            "",
            "::1/129",
            "-a.b",
        ],
        "allow",
    )
    .unwrap_err();
    let fields: Vec<&str> = e.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "allow[1]", "allow[2]", "allow[3]", "allow[4]", "allow[5]", "allow[6]"
        ]
    );
    assert!(e.to_string().contains("`10.0.0.300`"), "{e}");
    assert!(e.to_string().contains("`10.0.0.0/8`"), "{e}");
}

#[test]
fn the_list_and_its_entries_are_bounded() {
    let many: Vec<String> = (0..=MAX_RESTRICTIONS)
        .map(|i| format!("10.0.{}.{}", i / 256, i % 256))
        .collect();
    let e = AddressRestrictions::parse(&many, "allow").unwrap_err();
    assert_eq!(e.iter().next().unwrap().field, "allow");
    let long = format!("{}.example", "a".repeat(MAX_RESTRICTION_LEN));
    assert!(AllowedClient::parse(&long).is_err());
    assert!(AddressRestrictions::parse(&many[..MAX_RESTRICTIONS], "allow").is_ok());
}

#[test]
fn duplicates_are_kept_once() {
    assert_eq!(
        list(&["127.0.0.1", "127.0.0.1/32", "LOCALHOST", "localhost"])
            .entries()
            .len(),
        2
    );
}

#[test]
fn an_empty_list_admits_everyone_and_an_unknown_client_nobody_else() {
    assert!(now(AddressRestrictions::default().admit(None, &Hosts)));
    assert!(!now(list(&["0.0.0.0/0"]).admit(None, &Hosts)));
}

#[test]
fn addresses_and_ranges_of_both_families_match() {
    assert!(admits(&["127.0.0.1"], "127.0.0.1"));
    assert!(!admits(&["127.0.0.1"], "127.0.0.2"));
    assert!(admits(&["10.0.0.0/8"], "10.255.0.1"));
    assert!(!admits(&["10.0.0.0/8"], "11.0.0.1"));
    assert!(admits(&["::1/128"], "::1"));
    assert!(admits(&["2001:db8::/32"], "2001:db8:1::5"));
    assert!(!admits(&["2001:db8::/32"], "2001:db9::5"));
    // An IPv4 client seen on an IPv6 socket is the IPv4 address.
    assert!(admits(&["10.0.0.0/8"], "::ffff:10.1.2.3"));
}

#[test]
fn hosts_match_by_their_confirmed_name_without_case() {
    assert!(admits(&["localhost"], "127.0.0.1"));
    assert!(admits(&["10.0.0.0/8", "LOCALHOST."], "127.0.0.1"));
    assert!(!admits(&["localhost"], "127.0.0.2"));
    assert!(!admits(&["other.example"], "127.0.0.1"));
}
