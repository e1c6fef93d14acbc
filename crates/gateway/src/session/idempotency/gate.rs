//! The meeting point of the idempotency layer and a route: the route hands over the core as
//! its caller reaches it, once authenticated, and waits for the layer's word.

use super::super::Core;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::oneshot;

/// What a route hands the layer: the core with the caller's token, and how to let the route
/// go on.
#[derive(Debug)]
pub(crate) struct Admission {
    pub(crate) core: Core,
    pub(crate) go: oneshot::Sender<()>,
}

/// The route may not go on: the layer answers the request itself (a stored answer, or a
/// refusal). The route's own answer is never sent, so any error will do for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Halted;

/// A request's gate, in its extensions and in its [`crate::RequestId`]. Only the first
/// admission counts; later ones (a route that authenticates twice) pass at once.
#[derive(Clone)]
pub(crate) struct Gate(Arc<Mutex<Option<oneshot::Sender<Admission>>>>);

impl Gate {
    /// A gate, and where the layer receives its admission.
    pub(crate) fn new() -> (Self, oneshot::Receiver<Admission>) {
        let (tx, rx) = oneshot::channel();
        (Self(Arc::new(Mutex::new(Some(tx)))), rx)
    }

    /// Hands `core` to the layer and waits for its word.
    pub(crate) async fn admit(&self, core: &Core) -> Result<(), Halted> {
        let Some(tx) = self.0.lock().unwrap_or_else(PoisonError::into_inner).take() else {
            return Ok(());
        };
        let (go, word) = oneshot::channel();
        tx.send(Admission {
            core: core.clone(),
            go,
        })
        .map_err(|_| Halted)?;
        word.await.map_err(|_| Halted)
    }
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Gate(..)")
    }
}

/// One gate is equal only to itself (and its clones).
impl PartialEq for Gate {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Gate {}
