//! Sending one write until it has a definitive answer: the same request (the same key, the
//! same body) again after every "try again" (503, a 409 that says the first request with the
//! key still runs, their gRPC codes) and every answer that never came (no connection, a
//! timeout, a stream cut short), with a small backoff.

use super::super::dialects::Dialect;
use crate::support::Answer;
use std::future::Future;
use std::time::{Duration, Instant};
use tonic::{Code, Status};

/// The first pause before sending again; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_millis(400);
/// How long one write may go without a definitive answer before the test fails it: far
/// more than any fault here lasts, far less than the default lease of a key.
pub(super) const PATIENCE: Duration = Duration::from_secs(30);

/// One send of a write, and what came back.
#[derive(Debug, Clone)]
pub(super) struct Attempt {
    pub(super) sent: Instant,
    pub(super) answered: Instant,
    /// Whether the answer was one to send the write again on.
    pub(super) again: bool,
    /// Whether it was cut off in flight (no answer; "unavailable": the connection to the user
    /// service or the database broke; or out of time, which may come just as the write
    /// commits): it may have been done with its answer lost.
    pub(super) cut: bool,
    /// Status and message, for the failure messages.
    pub(super) said: String,
}

/// A definitive answer (`None` when there was none within [`PATIENCE`]) and every attempt.
pub(super) type Sent<T> = (Option<T>, Vec<Attempt>);

/// Sends `send()` until the answer is definitive, as a client that retries every write
/// does. `retry` says whether an answer is one to send again on: what it said, and whether
/// it was cut off in flight.
async fn until_definitive<T, F, Fut>(
    mut send: F,
    retry: impl Fn(&T) -> Option<(String, bool)>,
) -> Sent<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let began = Instant::now();
    let mut attempts = Vec::new();
    let mut backoff = FIRST_BACKOFF;
    while began.elapsed() < PATIENCE {
        let asked = Instant::now();
        let got = send().await;
        let answered = Instant::now();
        let again = match &got {
            Ok(a) => retry(a),
            Err(e) => Some((e.clone(), true)),
        };
        let Some((said, cut)) = again else {
            let said = "definitive".to_owned();
            attempts.push(Attempt {
                sent: asked,
                answered,
                again: false,
                cut: false,
                said,
            });
            return (got.ok(), attempts);
        };
        attempts.push(Attempt {
            sent: asked,
            answered,
            again: true,
            cut,
            said,
        });
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
    (None, attempts)
}

/// A REST write of `dialect`, built afresh by `request` for each send.
pub(super) async fn http(
    dialect: Dialect,
    request: impl Fn() -> reqwest::RequestBuilder,
) -> Sent<Answer> {
    until_definitive(
        || {
            let r = request();
            async move {
                Answer::try_of(r)
                    .await
                    .map_err(|e| format!("no answer: {e}"))
            }
        },
        |a: &Answer| {
            let said = format!("{} {}", a.status, a.text());
            match a.status {
                503 => {
                    let m = dialect.try_again(a).ok()?;
                    let m = m.to_lowercase();
                    Some((said, m.contains("unavailable") || m.contains("in time")))
                }
                // The claim of the first send still holds the key (it is released, or its
                // lease ends); any other conflict is the write's own answer.
                409 if a.text().contains("still being processed") => Some((said, false)),
                _ => None,
            }
        },
    )
    .await
}

/// Whether a gRPC error is one to send again on: busy, unavailable, out of time, the key
/// still claimed (ABORTED), or the connection lost mid-call (CANCELLED, UNKNOWN: how tonic
/// words a stream that broke).
fn grpc_again(s: &Status) -> bool {
    matches!(
        s.code(),
        Code::Unavailable
            | Code::DeadlineExceeded
            | Code::ResourceExhausted
            | Code::Aborted
            | Code::Cancelled
            | Code::Unknown
    )
}

/// A gRPC write: `call` sends it with its `request_id`, each time with `deadline`.
pub(super) async fn grpc<T, F, Fut>(deadline: Duration, mut call: F) -> Sent<Result<T, Status>>
where
    F: FnMut(Duration) -> Fut,
    Fut: Future<Output = Result<tonic::Response<T>, Status>>,
{
    until_definitive(
        || {
            let answer = call(deadline);
            async move { Ok(answer.await.map(tonic::Response::into_inner)) }
        },
        |r: &Result<T, Status>| match r {
            Err(s) if grpc_again(s) => {
                let cut = matches!(
                    s.code(),
                    Code::Unavailable | Code::Unknown | Code::Cancelled | Code::DeadlineExceeded
                );
                Some((format!("{:?} {}", s.code(), s.message()), cut))
            }
            _ => None,
        },
    )
    .await
}

/// `msg` as a request with `deadline` as its `grpc-timeout`, so that the user service stops
/// working on it when the client stops waiting.
pub(super) fn within<T>(msg: T, deadline: Duration) -> tonic::Request<T> {
    let mut r = tonic::Request::new(msg);
    r.set_timeout(deadline);
    r
}
