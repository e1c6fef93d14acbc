//! A webhook receiver on loopback: records every attempt (headers and body) and answers
//! 500 to the first `fail_first` of them, or to all when told to, 204 otherwise.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One attempt as the receiver saw it.
#[derive(Debug, Clone)]
pub(crate) struct Attempt {
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
    /// What the receiver answered.
    pub(crate) ok: bool,
}

impl Attempt {
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub(crate) fn event(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

#[derive(Debug, Default)]
struct Inner {
    attempts: Mutex<Vec<Attempt>>,
    fail_first: AtomicUsize,
    failing: AtomicBool,
}

#[derive(Debug, Clone)]
pub(crate) struct Receiver {
    pub(crate) url: String,
    inner: Arc<Inner>,
}

async fn hook(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let fail = inner.failing.load(Ordering::SeqCst)
        || inner
            .fail_first
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
    inner.attempts.lock().unwrap().push(Attempt {
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        ok: !fail,
    });
    if fail {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NO_CONTENT
    }
}

impl Receiver {
    /// Listens on a loopback port; answers 500 to the first `fail_first` attempts.
    pub(crate) async fn start(fail_first: usize) -> Self {
        let inner = Arc::new(Inner::default());
        inner.fail_first.store(fail_first, Ordering::SeqCst);
        let app = Router::new()
            .route("/hook", post(hook))
            .with_state(Arc::clone(&inner));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, inner }
    }

    /// From now on every attempt fails (`true`) or the usual rule applies (`false`).
    pub(crate) fn set_failing(&self, failing: bool) {
        self.inner.failing.store(failing, Ordering::SeqCst);
    }

    pub(crate) fn attempts(&self) -> Vec<Attempt> {
        self.inner.attempts.lock().unwrap().clone()
    }

    /// The attempts it answered with success, once there are `n` of them (within a while).
    pub(crate) async fn delivered(&self, n: usize) -> Vec<Attempt> {
        self.wait_for(|a| a.iter().filter(|a| a.ok).count() >= n)
            .await
            .into_iter()
            .filter(|a| a.ok)
            .collect()
    }

    /// Every attempt, once `ready` holds of them (within a while).
    pub(crate) async fn wait_for(&self, ready: impl Fn(&[Attempt]) -> bool) -> Vec<Attempt> {
        for _ in 0..300 {
            let now = self.attempts();
            if ready(&now) {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "the receiver did not get what was awaited: {:?}",
            self.attempts()
        );
    }
}
