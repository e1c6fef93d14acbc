//! The retrying clients: one per REST dialect creating users (SCIM also deleting every other
//! one it created), and one over gRPC creating, updating and deleting users; every write
//! with a key of its own, sent until it has a definitive answer ([`super::send`]).
//!
//! Each write that succeeds says what the database must show for it ([`Effect`]); a write
//! that ran twice cannot succeed twice: a second create finds its email taken, a second
//! update or delete finds the etag it was given changed (or the user gone).

use super::super::dialects::{Clients, Dialect};
use super::send::{self, Attempt, within};
use crate::support::{Answer, create, mask, user};
use roster_proto::v1 as pb;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;
use tonic::Code;

const KEY: &str = "Idempotency-Key";

/// Between two sequences of one client.
const PAUSE: Duration = Duration::from_millis(25);

/// Who sends a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Writer {
    Rest(Dialect),
    Grpc,
}

impl Writer {
    pub(super) fn all() -> Vec<Self> {
        Dialect::ALL
            .into_iter()
            .map(Self::Rest)
            .chain([Self::Grpc])
            .collect()
    }
}

/// What the database shows once a write succeeded (and before any later write of the same
/// client changed it), or why it did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Effect {
    /// One user with this email, with the id (or Cloud Elements' integer id) the answer gave
    /// (none when the answer was lost, see [`How::Lost`]).
    Created { email: String, id: Option<String> },
    /// The user at this version, with this first name.
    Updated {
        email: String,
        version: i64,
        first_name: String,
    },
    /// No user with this email.
    Deleted { email: String },
    /// Its definitive answer was no success (or it had none).
    Failed(String),
}

/// How a write's definitive answer came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum How {
    /// Its send ran it, and said so.
    Ran,
    /// It was the kept answer of an earlier send, sent again.
    Replayed,
    /// It said the write was already done (a create's email taken, an update's etag gone
    /// stale, a delete's user gone), after an earlier send was cut off in flight: that send
    /// was done, but the user service or the database went down, or its deadline ran out,
    /// between the commit and the keeping of its answer, so the key was free for the retry.
    /// Idempotency keys cannot cover this (Roster keeps an answer after the write commits,
    /// not with it); the database must still show the write's effect exactly once.
    Lost,
}

/// One write, every send of it, and what it did.
#[derive(Debug, Clone)]
pub(super) struct Write {
    pub(super) writer: Writer,
    pub(super) key: String,
    pub(super) attempts: Vec<Attempt>,
    pub(super) how: How,
    pub(super) effect: Effect,
}

impl Write {
    pub(super) fn succeeded(&self) -> bool {
        !matches!(self.effect, Effect::Failed(_))
    }
}

/// The clients, from [`Writers::start`] until [`Writers::stop`].
#[derive(Debug)]
pub(super) struct Writers {
    stop: Arc<AtomicBool>,
    writes: Arc<Mutex<Vec<Write>>>,
    tasks: Vec<JoinHandle<()>>,
}

/// Where one client keeps its writes.
#[derive(Clone)]
struct Log(Writer, Arc<Mutex<Vec<Write>>>);

impl Log {
    /// Keeps a write; whether it succeeded (the client goes on with that user only then).
    fn keep(&self, key: String, attempts: Vec<Attempt>, how: How, effect: Effect) -> bool {
        let w = Write {
            writer: self.0,
            key,
            attempts,
            how,
            effect,
        };
        let ok = w.succeeded() && how != How::Lost;
        self.1.lock().expect("writes").push(w);
        ok
    }
}

/// Whether a send of the write was cut off in flight.
fn cut(attempts: &[Attempt]) -> bool {
    attempts.iter().any(|a| a.cut)
}

/// How a REST answer came, given that `done` says it found the write already done.
fn how_http(got: Option<&Answer>, attempts: &[Attempt], done: bool) -> How {
    if got.is_some_and(|a| a.header("idempotent-replayed") == "true") {
        How::Replayed
    } else if done && cut(attempts) {
        How::Lost
    } else {
        How::Ran
    }
}

/// How a gRPC answer came, given the code that says the write was already done.
fn how_grpc<T>(
    got: Option<&Result<T, tonic::Status>>,
    attempts: &[Attempt],
    done: tonic::Code,
) -> How {
    match got {
        Some(Err(s)) if s.code() == done && cut(attempts) => How::Lost,
        _ => How::Ran,
    }
}

/// A failure's description, or "no definitive answer".
fn failed<T: std::fmt::Debug>(got: Option<&T>) -> Effect {
    Effect::Failed(got.map_or_else(
        || format!("no definitive answer within {:?}", send::PATIENCE),
        |a| format!("{a:?}"),
    ))
}

/// The id a REST answer gave its new user: CloudAPI's and SCIM's `id`, Cloud Elements' integer
/// `id`, Forms On Fire's `User.Id` (a UUID without dashes), SureCloud's only user's `userID`.
fn answered_id(dialect: Dialect, a: &Answer) -> Option<String> {
    let v = a.json();
    let id = match dialect {
        Dialect::FormsOnFire => &v["User"]["Id"],
        Dialect::SureCloud => &v[0]["userID"],
        Dialect::CloudApi | Dialect::Elements | Dialect::Scim => &v["id"],
    };
    match id {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Null
        | serde_json::Value::Bool(_)
        | serde_json::Value::Array(_)
        | serde_json::Value::Object(_) => None,
    }
}

/// One REST client: creates `{tag}-{n}@acme.test`; SCIM deletes every other one it made.
async fn rest(clients: Clients, dialect: Dialect, log: Log, n: usize) {
    let email = format!("{}-{n}@acme.test", dialect.tag());
    let key = format!("{}-create-{n}", dialect.tag());
    let (got, attempts) = send::http(dialect, || {
        clients.create_request(dialect, &email).header(KEY, &key)
    })
    .await;
    let made = got
        .as_ref()
        .filter(|a| dialect.acknowledged(a))
        .and_then(|a| answered_id(dialect, a));
    // "A user with this email already exists", "Login is already taken", ...
    let taken = got.as_ref().is_some_and(|a| {
        let text = a.text().to_lowercase();
        (400..500).contains(&a.status) && (text.contains("exist") || text.contains("taken"))
    });
    let how = how_http(got.as_ref(), &attempts, taken);
    let effect = match &made {
        Some(id) => Effect::Created {
            email: email.clone(),
            id: Some(id.clone()),
        },
        None if how == How::Lost => Effect::Created {
            email: email.clone(),
            id: None,
        },
        None => failed(got.as_ref()),
    };
    if !log.keep(key, attempts, how, effect) || dialect != Dialect::Scim || n % 2 == 1 {
        return;
    }
    let id = made.expect("a user made");
    let key = format!("scim-delete-{n}");
    let url = format!("{}/scim/v2/Users/{id}", clients.base);
    let (got, attempts) = send::http(dialect, || {
        clients
            .http
            .delete(&url)
            .bearer_auth(&clients.scim)
            .header(KEY, &key)
    })
    .await;
    let how = how_http(
        got.as_ref(),
        &attempts,
        got.as_ref().is_some_and(|a| a.status == 404),
    );
    let effect = match &got {
        Some(a) if a.status == 204 || how == How::Lost => Effect::Deleted { email },
        other => failed(other.as_ref()),
    };
    log.keep(key, attempts, how, effect);
}

/// The gRPC client: creates `grpc-{n}@acme.test`, updates its first name with the etag it was
/// created with, and deletes every other one with the etag of the update.
async fn grpc(clients: Clients, deadline: Duration, log: Log, n: usize) {
    let email = format!("grpc-{n}@acme.test");
    let (key, users) = (format!("grpc-create-{n}"), &clients.users);
    let (got, attempts) = send::grpc(deadline, |d| {
        let req = pb::CreateUserRequest {
            request_id: key.clone(),
            ..create(user(&email))
        };
        let mut users = users.clone();
        async move { users.create_user(within(req, d)).await }
    })
    .await;
    let how = how_grpc(got.as_ref(), &attempts, Code::AlreadyExists);
    let (effect, made) = match &got {
        Some(Ok(u)) => {
            let e = Effect::Created {
                email: email.clone(),
                id: Some(u.id.clone()),
            };
            (e, Some(u.clone()))
        }
        _ if how == How::Lost => {
            let e = Effect::Created {
                email: email.clone(),
                id: None,
            };
            (e, None)
        }
        other => (failed(other.as_ref()), None),
    };
    if !log.keep(key, attempts, how, effect) {
        return;
    }
    let made = made.expect("a user made");
    let first_name = format!("Updated {n}");
    let key = format!("grpc-update-{n}");
    let (got, attempts) = send::grpc(deadline, |d| {
        let req = pb::UpdateUserRequest {
            user: Some(pb::User {
                id: made.id.clone(),
                etag: made.etag.clone(),
                first_name: Some(first_name.clone()),
                ..Default::default()
            }),
            update_mask: mask(&["first_name"]),
            request_id: key.clone(),
            ..Default::default()
        };
        let mut users = users.clone();
        async move { users.update_user(within(req, d)).await }
    })
    .await;
    // Lost, the update must still show once: one version after the create's.
    let how = how_grpc(got.as_ref(), &attempts, Code::FailedPrecondition);
    let once = roster_domain::users::version_of_etag(&made.etag).map_or(-1, |v| v + 1);
    let (effect, updated) = match &got {
        Some(Ok(u)) if u.first_name.as_ref() == Some(&first_name) => {
            let version = roster_domain::users::version_of_etag(&u.etag).unwrap_or(-1);
            let e = Effect::Updated {
                email: email.clone(),
                version,
                first_name,
            };
            (e, Some(u.clone()))
        }
        _ if how == How::Lost => {
            let e = Effect::Updated {
                email: email.clone(),
                version: once,
                first_name,
            };
            (e, None)
        }
        other => (failed(other.as_ref()), None),
    };
    if !log.keep(key, attempts, how, effect) || n % 2 == 1 {
        return;
    }
    let updated = updated.expect("a user updated");
    let key = format!("grpc-delete-{n}");
    let (got, attempts) = send::grpc(deadline, |d| {
        let req = pb::DeleteUserRequest {
            id: updated.id.clone(),
            etag: updated.etag.clone(),
            request_id: key.clone(),
        };
        let mut users = users.clone();
        async move { users.delete_user(within(req, d)).await }
    })
    .await;
    let how = how_grpc(got.as_ref(), &attempts, Code::NotFound);
    let effect = match &got {
        Some(Ok(())) => Effect::Deleted { email },
        _ if how == How::Lost => Effect::Deleted { email },
        other => failed(other.as_ref()),
    };
    log.keep(key, attempts, how, effect);
}

impl Writers {
    /// Every client, from now until [`Writers::stop`]; gRPC calls get `deadline` each.
    pub(super) fn start(clients: &Clients, deadline: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let writes = Arc::new(Mutex::new(Vec::new()));
        let tasks = Writer::all()
            .into_iter()
            .map(|writer| {
                let (stop, clients) = (Arc::clone(&stop), clients.clone());
                let log = Log(writer, Arc::clone(&writes));
                tokio::spawn(async move {
                    let mut n = 0;
                    while !stop.load(Ordering::Relaxed) {
                        n += 1;
                        match writer {
                            Writer::Rest(d) => rest(clients.clone(), d, log.clone(), n).await,
                            // Boxed: its three writes make a large future.
                            Writer::Grpc => {
                                Box::pin(grpc(clients.clone(), deadline, log.clone(), n)).await;
                            }
                        }
                        tokio::time::sleep(PAUSE).await;
                    }
                })
            })
            .collect();
        Self {
            stop,
            writes,
            tasks,
        }
    }

    fn writes(&self) -> Vec<Write> {
        self.writes.lock().expect("writes").clone()
    }

    /// Waits until every client has had a write succeed that it first sent after `since`;
    /// how long that took from `since`. Fails the test after `patience`.
    pub(super) async fn until_each_wrote_after(
        &self,
        since: Instant,
        patience: Duration,
    ) -> Duration {
        loop {
            let writes = self.writes();
            let last = Writer::all().into_iter().try_fold(since, |latest, writer| {
                writes
                    .iter()
                    .filter(|w| w.writer == writer && w.succeeded())
                    .filter(|w| w.attempts.first().is_some_and(|a| a.sent >= since))
                    .filter_map(|w| w.attempts.last().map(|a| a.answered))
                    .min()
                    .map(|first| latest.max(first))
            });
            if let Some(last) = last {
                return last.duration_since(since);
            }
            assert!(
                since.elapsed() < patience,
                "not every client had a write succeed within {patience:?}; the last writes: {:?}",
                &writes[writes.len().saturating_sub(6)..]
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Lets each client finish the write it is sending (until it has its definitive answer),
    /// then stops them; every write.
    pub(super) async fn stop(mut self) -> Vec<Write> {
        self.stop.store(true, Ordering::Relaxed);
        for t in std::mem::take(&mut self.tasks) {
            t.await.expect("a retrying client never panics");
        }
        self.writes()
    }
}
