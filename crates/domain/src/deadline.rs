//! The deadline of the call being served, for the driven adapters that wait on something
//! outside the process. The inbound adapter runs each call's future [`within`] the time its
//! caller gave it; an adapter asks [`remaining`] when it is about to wait (the database
//! bounds its statements by it), so that no use case has to carry the deadline through its
//! signature.
//!
//! The deadline lives in a thread-local that is set only while the call's future is being
//! polled (as a task-local would be), so it follows the call across threads and never leaks
//! into another call. Work the call spawns elsewhere does not see it.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

thread_local! {
    static CURRENT: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Runs `fut` with `deadline` as the current deadline (or the enclosing one, if earlier).
pub fn within<F: Future>(deadline: Instant, fut: F) -> Within<F> {
    Within {
        deadline,
        // Boxed so that polling needs no pin projection (unsafe code is forbidden here).
        fut: Box::pin(fut),
    }
}

/// The deadline of the call polling right now, if it has one.
pub fn current() -> Option<Instant> {
    CURRENT.get()
}

/// How long the current call has left (zero once its deadline has passed), if it has a
/// deadline.
pub fn remaining() -> Option<Duration> {
    current().map(|d| d.saturating_duration_since(Instant::now()))
}

/// A future polled with a deadline in force: see [`within`].
pub struct Within<F> {
    deadline: Instant,
    fut: Pin<Box<F>>,
}

impl<F> std::fmt::Debug for Within<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Within")
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl<F: Future> Future for Within<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _in_force = InForce::enter(self.deadline);
        self.fut.as_mut().poll(cx)
    }
}

/// The deadline set for one poll; the one before is restored when the poll ends, even by a
/// panic.
struct InForce(Option<Instant>);

impl InForce {
    fn enter(deadline: Instant) -> Self {
        let outer = CURRENT.get();
        CURRENT.set(Some(outer.map_or(deadline, |o| o.min(deadline))));
        Self(outer)
    }
}

impl Drop for InForce {
    fn drop(&mut self) {
        CURRENT.set(self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    /// Polls a future that is ready at once (these never wait), without a runtime.
    fn run<F: Future>(fut: F) -> F::Output {
        let mut fut = Box::pin(fut);
        let mut cx = Context::from_waker(Waker::noop());
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("the future waited"),
        }
    }

    #[test]
    fn the_deadline_is_in_force_only_inside_the_call() {
        assert_eq!(current(), None);
        let deadline = Instant::now() + Duration::from_secs(5);
        let seen = run(within(deadline, async { (current(), remaining()) }));
        assert_eq!(seen.0, Some(deadline));
        assert!(seen.1.is_some_and(|r| r <= Duration::from_secs(5)));
        assert_eq!(current(), None, "nothing leaks out of the call");
    }

    #[test]
    fn an_inner_deadline_never_extends_the_outer_one() {
        let soon = Instant::now() + Duration::from_secs(1);
        let later = soon + Duration::from_mins(1);
        let inner = run(within(soon, async {
            within(later, async { current() }).await
        }));
        assert_eq!(inner, Some(soon));
        let inner = run(within(later, async {
            within(soon, async { current() }).await
        }));
        assert_eq!(inner, Some(soon));
    }

    #[test]
    fn a_passed_deadline_leaves_nothing() {
        let past = Instant::now().checked_sub(Duration::from_secs(1)).unwrap();
        assert_eq!(
            run(within(past, async { remaining() })),
            Some(Duration::ZERO)
        );
    }
}
