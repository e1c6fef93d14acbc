//! `roster.v1.EventService`: a tenant's change events, by page or as a stream. Who may read
//! them is the domain policy's decision (`Action::ReadEvents`); the scope `events.read` is
//! only the first gate.

use crate::convert::time::to_pb;
use crate::core::{Core, Store};
use crate::events::{cloud_event_json, source_of};
use crate::status::IntoStatus;
use crate::tokens::scopes;
use roster_domain::FieldViolations;
use roster_domain::authz::Principal;
use roster_domain::events::{Event, EventPage, EventQuery, EventType};
use roster_proto::v1 as pb;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_stream::Stream;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

/// How long a watch waits for this process's next commit before it reads again anyway
/// (another replica's writes wake nobody here).
const POLL: Duration = Duration::from_secs(1);
/// How long a quiet watch goes without a bookmark.
const BOOKMARK_EVERY: Duration = Duration::from_secs(30);
/// Events a watch reads at once.
const WATCH_PAGE: u32 = 500;
/// Answers queued for a slow watcher before its reader waits (and only its own).
const WATCH_BUFFER: usize = 256;

#[derive(Debug)]
pub struct EventsApi<R> {
    core: Arc<Core<R>>,
}

impl<R> EventsApi<R> {
    pub fn new(core: Arc<Core<R>>) -> Self {
        Self { core }
    }
}

pub(crate) fn event_to_pb(e: &Event) -> pb::Event {
    pb::Event {
        id: e.id.to_string(),
        sequence: e.sequence,
        r#type: e.kind.as_str().to_owned(),
        source: source_of(e.tenant),
        subject: e.subject.clone(),
        time: Some(to_pb(e.time)),
        data: e.data.clone(),
        cloud_event: cloud_event_json(e),
    }
}

/// The types a request names; INVALID_ARGUMENT for one this service does not know.
fn types_of(names: &[String]) -> Result<Vec<EventType>, Status> {
    names
        .iter()
        .map(|n| {
            EventType::from_name(n).ok_or_else(|| {
                FieldViolations::single("types", format!("unknown event type {n:?}")).into_status()
            })
        })
        .collect()
}

fn page_to_pb(p: &EventPage) -> pb::ListEventsResponse {
    pb::ListEventsResponse {
        events: p.events.iter().map(event_to_pb).collect(),
        next_after_sequence: p.next_after,
        high_water_sequence: p.high_water,
    }
}

type WatchStream = Pin<Box<dyn Stream<Item = Result<pb::WatchEventsResponse, Status>> + Send>>;

#[tonic::async_trait]
impl<R: Store> pb::event_service_server::EventService for EventsApi<R> {
    async fn list_events(
        &self,
        req: Request<pb::ListEventsRequest>,
    ) -> Result<Response<pb::ListEventsResponse>, Status> {
        let who = self.core.principal_for(&req, scopes::EVENTS_READ).await?;
        let r = req.get_ref();
        let query = EventQuery {
            after: r.after_sequence,
            limit: super::page_size(r.page_size).map_err(IntoStatus::into_status)?,
            types: types_of(&r.types)?,
        };
        let page = self
            .core
            .events
            .list(&who, query)
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(page_to_pb(&page)))
    }

    type WatchEventsStream = WatchStream;

    async fn watch_events(
        &self,
        req: Request<pb::WatchEventsRequest>,
    ) -> Result<Response<Self::WatchEventsStream>, Status> {
        let who = self.core.principal_for(&req, scopes::EVENTS_READ).await?;
        self.core
            .events
            .may_read(&who)
            .map_err(IntoStatus::into_status)?;
        let r = req.into_inner();
        let types = types_of(&r.types)?;
        if r.after_sequence < 0 {
            return Err(
                FieldViolations::single("after_sequence", "must not be negative").into_status(),
            );
        }
        let (tx, rx) = mpsc::channel(WATCH_BUFFER);
        let core = Arc::clone(&self.core);
        tokio::spawn(watch(core, who, r.after_sequence, types, tx));
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }
}

type Answer = Result<pb::WatchEventsResponse, Status>;

/// Feeds one watcher: what it missed, then each new page as writes commit. Ends when the
/// watcher goes away or a read fails (the watcher resumes from its last sequence).
async fn watch<R: Store>(
    core: Arc<Core<R>>,
    who: Principal,
    mut after: i64,
    types: Vec<EventType>,
    tx: mpsc::Sender<Answer>,
) {
    let mut told = Instant::now();
    loop {
        // Counted before the read: a commit that lands during it wakes the wait below.
        let seen = core.events.commits();
        let query = EventQuery {
            after,
            limit: WATCH_PAGE,
            types: types.clone(),
        };
        let page = match core.events.list(&who, query).await {
            Ok(p) => p,
            Err(e) => {
                let _ = tx.send(Err(e.into_status())).await;
                return;
            }
        };
        let full = page.events.len() >= WATCH_PAGE as usize;
        let hidden = page.events.is_empty() && page.next_after > after;
        for e in &page.events {
            let msg = pb::WatchEventsResponse {
                kind: Some(pb::watch_events_response::Kind::Event(event_to_pb(e))),
            };
            if tx.send(Ok(msg)).await.is_err() {
                return;
            }
            told = Instant::now();
        }
        after = after.max(page.next_after);
        // The filter hid what was read, or the stream has been quiet: say how far it got.
        if hidden || told.elapsed() >= BOOKMARK_EVERY {
            let msg = pb::WatchEventsResponse {
                kind: Some(pb::watch_events_response::Kind::BookmarkSequence(after)),
            };
            if tx.send(Ok(msg)).await.is_err() {
                return;
            }
            told = Instant::now();
        }
        if full {
            continue;
        }
        tokio::select! {
            () = core.events.wait_for_commit(seen, POLL) => {}
            () = tx.closed() => return,
        }
    }
}
