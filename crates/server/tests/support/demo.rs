//! The demo community (and the spec's example ledger) loaded in-process into an in-memory
//! SQLite store, as `gongzhang demo` loads it: the generated entries re-submitted with their own
//! times (a scripted clock), the documents they name stored as attachments. Shared by the board
//! tests and the board benchmark.

use gongzhang_core::entry::{Entry, RecordedAt};
use gongzhang_demo::community::{self as demo, Demo};
use gongzhang_demo::{example, vectors};
use gongzhang_server::{AppState, BoardOptions, router};
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_store::store::{Clock, SUBMISSIONS_PER_BATCH_MAX, Store, Submission};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// The seed `gongzhang demo` serves.
pub const DEMO_SEED: u64 = 1;

/// A clock that returns `times` in order, then one second after the last.
fn scripted_clock(times: Vec<RecordedAt>) -> Clock {
    let last = times.last().copied();
    let times = Mutex::new(VecDeque::from(times));
    Arc::new(move || {
        times
            .lock()
            .expect("clock")
            .pop_front()
            .or_else(|| last.and_then(|t| RecordedAt::from_unix_ms(t.unix_ms() + 1000)))
            .expect("a time")
    })
}

async fn append_all(store: &Store<SqliteBackend>, origin: &str, entries: &[Entry]) {
    for chunk in entries.chunks(SUBMISSIONS_PER_BATCH_MAX) {
        let batch = chunk
            .iter()
            .map(|e| Submission {
                event: e.event().clone(),
                signatures: e.signatures().to_vec(),
            })
            .collect();
        store
            .append_batch(origin, None, batch)
            .await
            .expect("appending the generated entries");
    }
}

/// Which ledgers the store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ledgers {
    /// The demo community alone.
    Demo,
    /// The spec's example ledger and the demo community.
    ExampleAndDemo,
}

/// A store holding `ledgers`, and the demo.
pub async fn store(ledgers: Ledgers) -> (Store<SqliteBackend>, Demo) {
    let demo = demo::community(DEMO_SEED);
    let example = example::entries();
    let mut times: Vec<RecordedAt> = Vec::new();
    if ledgers == Ledgers::ExampleAndDemo {
        times.extend(example[1..].iter().map(Entry::recorded_at));
    }
    times.extend(demo.entries[1..].iter().map(Entry::recorded_at));
    let store = Store::new(SqliteBackend::open_in_memory().await.expect("sqlite"))
        .with_clock(scripted_clock(times));
    if ledgers == Ledgers::ExampleAndDemo {
        store
            .create_ledger(example[0].clone(), vectors::log_signer())
            .await
            .expect("example genesis");
        append_all(&store, example::ORIGIN, &example[1..]).await;
    }
    store
        .create_ledger(demo.entries[0].clone(), demo.log_signer.clone())
        .await
        .expect("demo genesis");
    append_all(&store, &demo.origin, &demo.entries[1..]).await;
    for bytes in demo.documents.values() {
        store
            .put_attachment("text/plain; charset=utf-8", bytes.clone())
            .await
            .expect("a document");
    }
    (store, demo)
}

/// The application over `store`, with the committee's `board` choices.
pub fn app(store: &Store<SqliteBackend>, board: BoardOptions) -> axum::Router {
    router(AppState {
        store: store.clone(),
        witnesses: Vec::new(),
        board,
    })
}
