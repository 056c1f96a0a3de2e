//! A writer killed with SIGKILL loses nothing it acknowledged and leaves no torn entry.

use super::Harness;
use super::fixtures::{self, ORIGIN, UNITS, example_store, payment, reopened_store};
use gongzhang_core::Hash;
use gongzhang_core::checkpoint;
use gongzhang_core::entry::Entry;
use gongzhang_core::log::verify_jsonl;
use gongzhang_demo::vectors;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Names the backend a child writer opens (`sqlite`, `postgres`); set by
/// [`Harness::child_env`].
pub const BACKEND_ENV: &str = "GONGZHANG_STORE_CRASH_BACKEND";
/// The test (in `tests/store.rs`) that runs [`writer`] when [`BACKEND_ENV`] is set.
pub const CHILD_TEST: &str = "crash_writer_child";
/// Acknowledgements the parent waits for before it kills the child.
const ACKS_BEFORE_KILL: usize = 150;
/// Concurrent appenders in the child, so that group commits are in flight when it dies.
const CHILD_WRITERS: usize = 4;
/// The child gives up after this long, in case its parent died without killing it.
const CHILD_LIFETIME: Duration = Duration::from_secs(60);
/// How long the parent waits for the acknowledgements.
const PARENT_PATIENCE: Duration = Duration::from_secs(60);

/// The parent: starts a child writer on this database, kills it (SIGKILL) after some
/// acknowledgements, reopens the database and checks that every acknowledged entry is there
/// as acknowledged, the log verifies (no torn entry), its root is the latest checkpoint's, the
/// projections rebuild equal, and appending goes on.
pub async fn acknowledged_entries_survive_sigkill<H: Harness>(h: &H) {
    drop(example_store(h.open().await).await);
    let env = h.child_env();
    let acks = tokio::task::spawn_blocking(move || run_child(env))
        .await
        .expect("the child runner");
    assert!(
        acks.len() >= ACKS_BEFORE_KILL,
        "{} acknowledgements",
        acks.len()
    );

    let store = reopened_store(h.open().await);
    let size = store.size(ORIGIN).await.expect("size");
    let log = fixtures::jsonl(&store, ORIGIN).await;
    let verified = verify_jsonl(&log).expect("the log verifies: no torn or lost entry");
    let lines: Vec<&[u8]> = gongzhang_core::log::split_lines(&log).collect();
    for (seq, hash, id) in &acks {
        assert!(
            *seq < size,
            "acknowledged entry {seq} is in the log of {size}"
        );
        let entry = Entry::parse(lines[usize::try_from(*seq).expect("small")]).expect("entry");
        assert_eq!(entry.hash(), *hash, "entry {seq} as acknowledged");
        assert_eq!(entry.event().id(), id);
    }
    let latest = store
        .checkpoint(ORIGIN, None)
        .await
        .expect("read")
        .expect("a checkpoint");
    let opened =
        checkpoint::open(&latest, ORIGIN, &vectors::log_signer().verifier(), None).expect("signed");
    verified
        .check_tree_head(&opened.tree_head())
        .expect("the latest checkpoint covers exactly the log");
    let report = store.rebuild_projections(ORIGIN).await.expect("rebuild");
    assert!(report.matched, "the projections rebuild equal");
    let receipt = store
        .append(ORIGIN, payment("after-the-crash", UNITS[0], 1))
        .await
        .expect("append after the crash");
    assert_eq!(receipt.seq, size);
    eprintln!(
        "crash: {} acknowledged, {} in the log after SIGKILL",
        acks.len(),
        size - 16
    );
}

/// Runs the child, returns its acknowledgements: (seq, entry hash, event id).
fn run_child(env: Vec<(String, String)>) -> Vec<(u64, Hash, String)> {
    let exe = std::env::current_exe().expect("the test binary");
    let mut child = Command::new(exe)
        .args([CHILD_TEST, "--exact", "--nocapture", "--test-threads=1"])
        .envs(env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the child writer");
    let stdout = child.stdout.take().expect("piped");
    let started = Instant::now();
    let mut acks = Vec::new();
    let mut killed = false;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("read the child's output");
        let Some(rest) = line.strip_prefix("ACK ") else {
            continue;
        };
        let mut parts = rest.split(' ');
        let (Some(seq), Some(hash), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
            panic!("malformed acknowledgement {line:?}")
        };
        acks.push((
            seq.parse().expect("seq"),
            Hash::from_hex(hash).expect("hash"),
            id.to_string(),
        ));
        if !killed && (acks.len() >= ACKS_BEFORE_KILL || started.elapsed() > PARENT_PATIENCE) {
            // SIGKILL: no destructor, no flush, no rollback.
            child.kill().expect("kill the child");
            killed = true;
        }
    }
    let status = child.wait().expect("reap the child");
    assert!(
        killed,
        "the child stopped by itself ({status}) after {} acks",
        acks.len()
    );
    acks
}

/// The child: appends payments from several tasks until killed, printing `ACK seq hash id` for
/// each receipt, after the store has acknowledged it.
pub async fn writer<H: Harness>(h: &H) {
    let store = reopened_store(h.open().await);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for writer in 0..CHILD_WRITERS {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0.. {
                if started.elapsed() > CHILD_LIFETIME {
                    return;
                }
                let id = format!("crash-{writer}-{i}");
                let receipt = store
                    .append(ORIGIN, payment(&id, UNITS[writer % UNITS.len()], 1 + i))
                    .await
                    .unwrap_or_else(|e| panic!("{id}: {e}"));
                let mut out = std::io::stdout().lock();
                writeln!(
                    out,
                    "ACK {} {} {id}",
                    receipt.seq,
                    receipt.entry_hash.to_hex()
                )
                .and_then(|()| out.flush())
                .expect("write to the parent");
            }
        }));
    }
    for task in tasks {
        task.await.expect("writer task");
    }
}
