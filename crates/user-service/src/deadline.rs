//! Every call's deadline, honoured: the time its caller gave it (`grpc-timeout`) is put in
//! force for the storage adapter ([`roster_domain::deadline`], which bounds database
//! statements by it), and a call still running when it is spent is answered
//! DEADLINE_EXCEEDED and dropped, cancelling whatever it waited on.
//!
//! tonic's server also stops a call at its `grpc-timeout`, but answers CANCELLED; this layer
//! answers a little earlier ([`answer_within`]) so that the caller reads the right code.
//! Calls without `grpc-timeout` run as before, without a deadline.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tonic::Status;

/// Wraps the server's services in [`Deadlined`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DeadlineLayer;

impl<S> tower::Layer<S> for DeadlineLayer {
    type Service = Deadlined<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Deadlined { inner }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Deadlined<S> {
    inner: S,
}

/// How far ahead of the caller's deadline the answer is sent, so that it arrives before
/// tonic's own timers (the server's and the caller's) fire with CANCELLED.
const MAX_MARGIN: Duration = Duration::from_millis(50);

/// The time to answer within, of a call given `budget`: a twentieth of it, at most
/// [`MAX_MARGIN`], is kept for the answer's way back.
fn answer_within(budget: Duration) -> Duration {
    budget.saturating_sub((budget / 20).min(MAX_MARGIN))
}

/// A `grpc-timeout` value: at most 8 digits and a unit (`H`, `M`, `S`, `m`, `u`, `n`).
fn parse_grpc_timeout(value: &[u8]) -> Option<Duration> {
    let (unit, digits) = value.split_last()?;
    if digits.is_empty() || digits.len() > 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n: u64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some(match unit {
        b'H' => Duration::from_secs(n * 3600),
        b'M' => Duration::from_secs(n * 60),
        b'S' => Duration::from_secs(n),
        b'm' => Duration::from_millis(n),
        b'u' => Duration::from_micros(n),
        b'n' => Duration::from_nanos(n),
        _ => return None,
    })
}

impl<S, B, R> tower::Service<http::Request<B>> for Deadlined<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<R>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Send + 'static,
    R: Default + Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let deadline = req
            .headers()
            .get("grpc-timeout")
            .and_then(|v| parse_grpc_timeout(v.as_bytes()))
            .and_then(|budget| Instant::now().checked_add(answer_within(budget)));
        // The clone that was polled ready serves this call; the fresh one waits for the next.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let Some(deadline) = deadline else {
            return Box::pin(inner.call(req));
        };
        let call = roster_domain::deadline::within(deadline, inner.call(req));
        Box::pin(async move {
            match tokio::time::timeout_at(deadline.into(), call).await {
                Ok(answer) => answer,
                Err(_) => Ok(Status::deadline_exceeded("the call's deadline ran out").into_http()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::{Layer as _, ServiceExt as _};

    #[test]
    fn grpc_timeouts_are_read_in_every_unit() {
        let read = |v: &str| parse_grpc_timeout(v.as_bytes());
        assert_eq!(read("2H"), Some(Duration::from_hours(2)));
        assert_eq!(read("3M"), Some(Duration::from_mins(3)));
        assert_eq!(read("4S"), Some(Duration::from_secs(4)));
        assert_eq!(read("1500m"), Some(Duration::from_millis(1500)));
        assert_eq!(read("99999999u"), Some(Duration::from_micros(99_999_999)));
        assert_eq!(read("7n"), Some(Duration::from_nanos(7)));
        for bad in ["", "S", "123456789S", "1.5S", "-1S", "10x", "10"] {
            assert_eq!(read(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_answer_leaves_a_little_of_the_budget_for_its_way_back() {
        assert_eq!(
            answer_within(Duration::from_millis(200)),
            Duration::from_millis(190)
        );
        assert_eq!(
            answer_within(Duration::from_secs(30)),
            Duration::from_millis(29_950)
        );
        assert_eq!(answer_within(Duration::ZERO), Duration::ZERO);
    }

    type Seen = http::Response<Option<Instant>>;

    /// A service that answers after `delay`, with the deadline it saw in force.
    fn slow(
        delay: Duration,
    ) -> impl tower::Service<
        http::Request<()>,
        Response = Seen,
        Error = std::convert::Infallible,
        Future: Send,
    > + Clone
    + Send
    + 'static {
        tower::service_fn(move |_req: http::Request<()>| async move {
            tokio::time::sleep(delay).await;
            Ok(http::Response::new(roster_domain::deadline::current()))
        })
    }

    fn call_with(timeout: Option<&'static str>) -> http::Request<()> {
        let mut req = http::Request::new(());
        if let Some(t) = timeout {
            req.headers_mut()
                .insert("grpc-timeout", http::HeaderValue::from_static(t));
        }
        req
    }

    #[tokio::test]
    async fn a_call_within_its_deadline_sees_it_in_force() {
        let svc = DeadlineLayer.layer(slow(Duration::ZERO));
        let before = Instant::now();
        let res = svc.oneshot(call_with(Some("5S"))).await.unwrap();
        assert!(res.headers().get("grpc-status").is_none());
        let seen = res.into_body().expect("a deadline in force");
        assert!(seen > before && seen <= before + Duration::from_secs(5));
    }

    #[tokio::test]
    async fn a_call_past_its_deadline_is_answered_deadline_exceeded_in_time() {
        let svc = DeadlineLayer.layer(slow(Duration::from_secs(30)));
        let started = Instant::now();
        let res = svc.oneshot(call_with(Some("100m"))).await.unwrap();
        assert!(started.elapsed() < Duration::from_millis(100));
        assert_eq!(res.headers()["grpc-status"], "4", "DEADLINE_EXCEEDED");
    }

    #[tokio::test]
    async fn a_call_without_a_timeout_has_no_deadline() {
        let svc = DeadlineLayer.layer(slow(Duration::ZERO));
        let res = svc.oneshot(call_with(None)).await.unwrap();
        assert_eq!(*res.body(), None);
    }
}
