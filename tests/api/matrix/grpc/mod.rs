//! The cross-tenant matrix over gRPC. Every unary method of the contract, found in the
//! descriptor set rather than listed, is called with tenant B's credentials: once with a
//! request naming only B's records, then once per field that names something with that one
//! field naming A's record instead (by each of its names: id, number, login, email, external
//! id, path, page token, ETag, request id…), then with every such field naming A's. Nothing
//! answered may hold anything of A's that B did not send itself, no call may fail as a server
//! fault, and every row of A's in the database is the same afterwards.

mod requests;
mod tenant;

use crate::support::TestApp;
use crate::support::dynamic::{call, contract, methods};
use crate::support::tenant_rows::{changes, tenant_rows};
use prost_reflect::{DynamicMessage, MethodDescriptor};
use requests::{Builder, path, widen_mask, with};
use tenant::{Kind, Named};
use tonic::{Code, Status};

/// Methods that remove what later calls name run after all the others, the tenant last.
fn phase(method: &MethodDescriptor) -> u8 {
    let name = method.name();
    if name == "DeleteTenant" {
        2
    } else {
        u8::from(
            ["Delete", "Revoke", "Release"]
                .iter()
                .any(|p| name.starts_with(p)),
        )
    }
}

fn creates(method: &MethodDescriptor) -> bool {
    ["Create", "BatchUpsert", "Issue"]
        .iter()
        .any(|p| method.name().starts_with(p))
}

/// Each request to send: what it names of A's, and the request.
fn variants(
    method: &MethodDescriptor,
    b: &Named,
    a: &Named,
    n: &mut u32,
) -> Vec<(String, DynamicMessage)> {
    let input = method.input();
    let mut next = || {
        *n += 1;
        let fresh = creates(method).then_some(*n);
        Builder { own: b, fresh }.base(&input)
    };
    let (own, slots) = next();
    let mut out = vec![("nothing of A's".to_owned(), own)];
    let mut all = next().0;
    for slot in &slots {
        for kind in slot
            .kinds
            .iter()
            .filter(|k| !matches!(k, Kind::OwnCredential(_)))
        {
            for value in a.get(*kind) {
                if let Some(req) = with(&next().0, path(slot), value) {
                    let req = widen_mask(&req, path(slot));
                    out.push((format!("{} = A's {kind:?} {value}", slot.name()), req));
                }
                // A retry key of A's would only make B's own earlier use of it refuse
                // the whole request: the all-A request goes without.
                if !matches!(kind, Kind::RequestId | Kind::ClaimId)
                    && let Some(req) = with(&all, path(slot), value)
                {
                    all = widen_mask(&req, path(slot));
                }
            }
        }
    }
    if slots.iter().any(|s| !a.get(s.kinds[0]).is_empty()) {
        out.push(("every naming field A's".to_owned(), all));
    }
    out
}

/// What went wrong with one answer, if anything.
fn judge(
    request: &DynamicMessage,
    answer: &Result<DynamicMessage, Status>,
    a: &Named,
) -> Option<String> {
    let text = match answer {
        Ok(m) => m.to_string(),
        Err(s) if matches!(s.code(), Code::Internal | Code::Unknown | Code::DataLoss) => {
            return Some(format!("a server fault: {s:?}"));
        }
        Err(s) => format!("{} {}", s.message(), String::from_utf8_lossy(s.details())),
    };
    let sent = request.to_string();
    a.private
        .iter()
        .find(|p| text.contains(p.as_str()) && !sent.contains(p.as_str()))
        .map(|p| format!("answered A's {p}: {text}"))
}

#[tokio::test]
async fn no_method_lets_one_tenant_read_or_change_another_tenants_records() {
    let app = TestApp::spawn().await;
    let a = tenant::populate(&app, "victim", 11).await;
    let b = tenant::populate(&app, "attacker", 12).await;
    let before = tenant_rows(&app.db, &a.tenant.id).await;
    assert!(before.len() > 20, "A has rows to keep: {before:#?}");

    let pool = contract();
    let mut all_methods = methods(&pool);
    all_methods.sort_by_key(phase);
    assert!(all_methods.len() >= 50, "{} methods", all_methods.len());
    let (mut n, mut calls, mut aimed) = (0, 0, 0);
    let mut findings = Vec::new();
    let mut own_reads_failed = Vec::new();
    for method in &all_methods {
        for token in [&b.tenant.token, &b.tenant.owner_token] {
            for (what, request) in variants(method, &b, &a, &mut n) {
                let answer = call(&app.channel, token, method, request.clone()).await;
                if std::env::var_os("MATRIX_TRACE").is_some() {
                    eprintln!(
                        "{} {what}: {:?}",
                        method.name(),
                        answer.as_ref().map_err(Status::code).map(|_| ())
                    );
                }
                calls += 1;
                if what != "nothing of A's" {
                    aimed += 1;
                } else if token == &b.tenant.owner_token
                    && phase(method) == 0
                    && ["Get", "List"].iter().any(|p| method.name().starts_with(p))
                    && !["GetTenant", "ListTenants"].contains(&method.name())
                    && let Err(s) = &answer
                {
                    // The matrix's own requests must work, or its aimed ones prove nothing.
                    own_reads_failed.push(format!("{}: {s:?}", method.name()));
                }
                if let Some(problem) = judge(&request, &answer, &a) {
                    findings.push(format!("{} with {what}: {problem}", method.full_name()));
                }
            }
        }
    }
    eprintln!(
        "{calls} calls over {} methods, {aimed} naming A's records",
        all_methods.len()
    );
    assert!(own_reads_failed.is_empty(), "{own_reads_failed:#?}");
    assert!(
        findings.is_empty(),
        "{} of {calls} calls: {findings:#?}",
        findings.len()
    );
    assert!(aimed > 200, "only {aimed} calls named A's records");
    let after = tenant_rows(&app.db, &a.tenant.id).await;
    let changed = changes(&before, &after);
    assert!(
        changed.is_empty(),
        "A's rows changed after {calls} calls: {changed:#?}"
    );
}
