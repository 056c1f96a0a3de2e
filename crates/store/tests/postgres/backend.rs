//! The [`Backend`] contract on PostgreSQL, with batches built here rather than by the
//! [`gongzhang_store::Store`], so that each property is checked at the storage level: exact bytes,
//! `Conflict` on a stale size, the append-only triggers, appenders serialised per ledger, many
//! ledgers in one database, the throwaway cluster's cleanup. (The suite runs the `Store` itself
//! on PostgreSQL too, from `postgres/mod.rs`.)

use std::collections::BTreeSet;
use std::sync::Arc;

use gongzhang_core::Hash;
use gongzhang_core::hash::{leaf_hash, node_hash, sha256};
use gongzhang_store::backend::{
    Attachment, Backend, CommitBatch, HouseholdRow, NodeId, ProjectionRows, StoreError,
    StoredCheckpoint, StoredEntry,
};
use gongzhang_store::postgres::PostgresBackend;

use crate::support::pg;

/// Appenders in the concurrency test.
const WRITERS: usize = 16;
/// Batches each appender commits.
const BATCHES_PER_WRITER: usize = 8;
/// Entries per batch in the concurrency test.
const ENTRIES_PER_BATCH: usize = 3;

/// A backend on a new, empty database.
async fn backend() -> PostgresBackend {
    let url = pg::fresh_database().await;
    PostgresBackend::connect(&url)
        .await
        .expect("connect and migrate")
}

/// An entry whose bytes are deliberately not what `jsonb` would give back: keys out of sorting
/// order, non-ASCII text, escapes, a large integer.
fn entry(seq: u64, writer: &str) -> StoredEntry {
    let event_id = format!("{writer}-{seq}");
    let bytes = format!(
        r#"{{"seq":{seq},"prev":"x","event":{{"id":"{event_id}","z":1,"a":"公账 3-2-401 缴费 615.00 元","esc":"\u0000\"\\","big":9007199254740991}},"b":[]}}"#
    )
    .into_bytes();
    StoredEntry {
        seq,
        hash: leaf_hash(&bytes),
        event_id: event_id.clone(),
        event_hash: sha256(event_id.as_bytes()),
        bytes,
    }
}

/// Every complete subtree whose last leaf is among `leaves[start..]`, computed from all leaves.
fn completed_nodes(leaves: &[Hash], start: usize) -> Vec<(NodeId, Hash)> {
    let mut nodes = Vec::new();
    let mut level_hashes = leaves.to_vec();
    let mut level = 0u8;
    while !level_hashes.is_empty() {
        for (index, hash) in level_hashes.iter().enumerate() {
            // The node's last leaf is ((index + 1) << level) - 1.
            if ((index + 1) << level) > start {
                nodes.push((
                    NodeId {
                        level,
                        index: index as u64,
                    },
                    *hash,
                ));
            }
        }
        level_hashes = level_hashes
            .chunks_exact(2)
            .map(|pair| node_hash(&pair[0], &pair[1]))
            .collect();
        level += 1;
    }
    nodes
}

/// A batch appending `entries` after `prior` leaves, with its nodes, projections and checkpoint.
fn batch(prior: &[Hash], entries: Vec<StoredEntry>, projections: ProjectionRows) -> CommitBatch {
    let mut leaves = prior.to_vec();
    leaves.extend(entries.iter().map(|e| e.hash));
    let size = leaves.len() as u64;
    CommitBatch {
        nodes: completed_nodes(&leaves, prior.len()),
        entries,
        projections,
        checkpoint: StoredCheckpoint {
            size,
            root: gongzhang_core::merkle::root(&leaves),
            note: format!("gongzhang.example/test\n{size}\nroot\n\n— log sig{size}\n"),
            cosignatures: Vec::new(),
        },
        attachment_refs: Vec::new(),
    }
}

/// A batch with only level-0 nodes, for appenders that do not know the other writers' leaves.
fn leaf_batch(start: u64, writer: &str, count: usize) -> CommitBatch {
    let entries: Vec<StoredEntry> = (0..count as u64)
        .map(|i| entry(start + i, writer))
        .collect();
    let size = start + count as u64;
    CommitBatch {
        nodes: entries
            .iter()
            .map(|e| {
                (
                    NodeId {
                        level: 0,
                        index: e.seq,
                    },
                    e.hash,
                )
            })
            .collect(),
        projections: ProjectionRows {
            funds: vec![("maintenance".into(), size as i64)],
            households: Vec::new(),
            postings: entries
                .iter()
                .map(|e| (e.seq, 0, "Assets:Bank".to_owned(), 100))
                .collect(),
        },
        entries,
        checkpoint: StoredCheckpoint {
            size,
            root: Hash::ZERO,
            note: format!("checkpoint {size} by {writer}\n"),
            cosignatures: Vec::new(),
        },
        attachment_refs: Vec::new(),
    }
}

fn projections(seed: i64) -> ProjectionRows {
    ProjectionRows {
        funds: vec![
            ("maintenance".into(), 1_000 + seed),
            ("general".into(), -5 * seed),
        ],
        households: vec![
            HouseholdRow {
                unit: "3-2-401".into(),
                area_centi_m2: 8_912,
                charged_fen: 61_500 + seed,
                paid_fen: 61_500,
                owed_fen: seed,
            },
            HouseholdRow {
                unit: "1-1-101".into(),
                area_centi_m2: 10_050,
                charged_fen: 0,
                paid_fen: 0,
                owed_fen: 0,
            },
        ],
        // Postings of the entry at seq `seed`.
        postings: vec![
            (seed as u64, 0, "Assets:Bank".into(), 61_500),
            (seed as u64, 1, "Income:Fees".into(), -61_500),
        ],
    }
}

/// Sorted as the backend returns projections (by fund, by unit, by seq and index).
fn sorted(mut rows: ProjectionRows) -> ProjectionRows {
    rows.funds.sort();
    rows.households.sort_by(|a, b| a.unit.cmp(&b.unit));
    rows.postings.sort();
    rows
}

#[tokio::test]
async fn pg_round_trip_keeps_exact_bytes() {
    let backend = backend().await;
    let ledger = backend.create_ledger("gongzhang.example/a").await.unwrap();
    assert_eq!(
        backend.create_ledger("gongzhang.example/a").await.unwrap(),
        ledger
    );
    assert_eq!(backend.size(ledger).await.unwrap(), 0);
    assert_eq!(backend.checkpoint(ledger, None).await.unwrap(), None);

    let first: Vec<StoredEntry> = (0..5).map(|seq| entry(seq, "w")).collect();
    let mut batch1 = batch(&[], first.clone(), projections(1));
    batch1.checkpoint.cosignatures = vec!["— witness.example abc=\n".into()];
    backend.commit_batch(ledger, 0, &batch1).await.unwrap();
    let leaves: Vec<Hash> = first.iter().map(|e| e.hash).collect();
    let second: Vec<StoredEntry> = (5..12).map(|seq| entry(seq, "w")).collect();
    let batch2 = batch(&leaves, second.clone(), projections(2));
    backend.commit_batch(ledger, 5, &batch2).await.unwrap();

    let all: Vec<StoredEntry> = first.iter().chain(&second).cloned().collect();
    assert_eq!(backend.size(ledger).await.unwrap(), 12);
    assert_eq!(backend.entries(ledger, 0, 12).await.unwrap(), all);
    assert_eq!(
        backend.entries(ledger, 3, u64::MAX).await.unwrap(),
        all[3..]
    );
    assert_eq!(backend.entries(ledger, 7, 7).await.unwrap(), []);
    assert_eq!(backend.entries(ledger, 12, 20).await.unwrap(), []);
    for stored in &all {
        assert_eq!(
            backend
                .entry_by_event(ledger, &stored.event_id)
                .await
                .unwrap()
                .as_ref(),
            Some(stored)
        );
        assert_eq!(
            leaf_hash(&stored.bytes),
            stored.hash,
            "bytes survive byte for byte"
        );
    }
    assert_eq!(backend.entry_by_event(ledger, "nope").await.unwrap(), None);

    // Nodes: any order, repeated, from both batches, one query.
    let mut ids: Vec<(NodeId, Hash)> = batch1.nodes.iter().chain(&batch2.nodes).copied().collect();
    ids.reverse();
    ids.push(ids[0]);
    let asked: Vec<NodeId> = ids.iter().map(|(id, _)| *id).collect();
    let expected: Vec<Hash> = ids.iter().map(|(_, hash)| *hash).collect();
    assert_eq!(backend.nodes(ledger, &asked).await.unwrap(), expected);
    let all_leaves: Vec<Hash> = all.iter().map(|e| e.hash).collect();
    let top = NodeId { level: 3, index: 0 };
    assert_eq!(
        backend.nodes(ledger, &[top]).await.unwrap(),
        [gongzhang_core::merkle::root(&all_leaves[..8])]
    );
    let missing = NodeId { level: 3, index: 1 };
    assert!(matches!(
        backend.nodes(ledger, &[top, missing]).await,
        Err(StoreError::MissingNode { level: 3, index: 1 })
    ));

    // Checkpoints, latest and by size, with cosignatures in the order added, no duplicates.
    let latest = backend.checkpoint(ledger, None).await.unwrap().unwrap();
    assert_eq!(latest, batch2.checkpoint);
    let at5 = backend.checkpoint(ledger, Some(5)).await.unwrap().unwrap();
    assert_eq!(at5, batch1.checkpoint);
    assert_eq!(backend.checkpoint(ledger, Some(6)).await.unwrap(), None);
    for (seq, size) in [
        (0, Some(5)),
        (4, Some(5)),
        (5, Some(12)),
        (11, Some(12)),
        (12, None),
    ] {
        let covering = backend.checkpoint_covering(ledger, seq).await.unwrap();
        assert_eq!(
            covering.map(|c| c.size),
            size,
            "checkpoint covering entry {seq}"
        );
    }
    for line in ["— w2 zz=\n", "— w1 aa=\n", "— w2 zz=\n"] {
        backend.add_cosignature(ledger, 12, line).await.unwrap();
    }
    assert_eq!(
        backend
            .checkpoint(ledger, None)
            .await
            .unwrap()
            .unwrap()
            .cosignatures,
        ["— w2 zz=\n", "— w1 aa=\n"]
    );

    // Projections: funds and households upserted by the second batch, postings added; replaced
    // wholesale on rebuild.
    let mut expected = projections(2);
    expected.postings.extend(projections(1).postings);
    assert_eq!(backend.projections(ledger).await.unwrap(), sorted(expected));
    let rebuilt = ProjectionRows {
        funds: vec![("general".into(), 7)],
        households: Vec::new(),
        postings: vec![(11, 2, "Expenses:Repairs".into(), 9)],
    };
    backend.replace_projections(ledger, &rebuilt).await.unwrap();
    assert_eq!(backend.projections(ledger).await.unwrap(), rebuilt);

    // Attachments are content-addressed: storing twice is a no-op.
    let bytes = b"%PDF-1.7 \x00\xff invoice".to_vec();
    let attachment = Attachment {
        sha256: sha256(&bytes),
        media_type: "application/pdf".into(),
        bytes,
    };
    backend.put_attachment(&attachment).await.unwrap();
    backend.put_attachment(&attachment).await.unwrap();
    assert_eq!(
        backend.attachment(&attachment.sha256).await.unwrap(),
        Some(attachment)
    );
    assert_eq!(backend.attachment(&Hash::ZERO).await.unwrap(), None);

    // The bytes in the table are the bytes given (not JSON re-encoded by the database).
    let raw: Vec<u8> =
        sqlx::query_scalar("SELECT bytes FROM entries WHERE ledger_id = $1 AND seq = 0")
            .bind(ledger)
            .fetch_one(backend.pool())
            .await
            .unwrap();
    assert_eq!(raw, all[0].bytes);
}

#[tokio::test]
async fn pg_stale_size_is_a_conflict_and_changes_nothing() {
    let backend = backend().await;
    let ledger = backend
        .create_ledger("gongzhang.example/conflict")
        .await
        .unwrap();
    let first = batch(&[], (0..3).map(|s| entry(s, "a")).collect(), projections(1));
    backend.commit_batch(ledger, 0, &first).await.unwrap();

    let stale = batch(&[], (0..2).map(|s| entry(s, "b")).collect(), projections(9));
    match backend.commit_batch(ledger, 0, &stale).await {
        Err(StoreError::Conflict {
            expected: 0,
            found: 3,
        }) => {}
        other => panic!("expected a conflict, got {other:?}"),
    }
    let ahead = leaf_batch(5, "c", 1);
    assert!(matches!(
        backend.commit_batch(ledger, 5, &ahead).await,
        Err(StoreError::Conflict {
            expected: 5,
            found: 3
        })
    ));
    assert_eq!(backend.size(ledger).await.unwrap(), 3);
    assert_eq!(backend.entries(ledger, 0, 10).await.unwrap(), first.entries);
    assert_eq!(
        backend.projections(ledger).await.unwrap(),
        sorted(projections(1))
    );
    assert_eq!(
        backend.checkpoint(ledger, None).await.unwrap(),
        Some(first.checkpoint)
    );

    // The unique constraints are the backstop: a batch reusing an event id fails whole.
    let mut reused = leaf_batch(3, "d", 2);
    reused.entries[1].event_id = "a-0".into();
    assert!(matches!(
        backend.commit_batch(ledger, 3, &reused).await,
        Err(StoreError::Database(_))
    ));
    assert_eq!(backend.size(ledger).await.unwrap(), 3);

    assert!(matches!(
        backend.commit_batch(ledger + 1000, 0, &stale).await,
        Err(StoreError::UnknownLedger(_))
    ));
    assert!(matches!(
        backend.size(ledger + 1000).await,
        Err(StoreError::UnknownLedger(_))
    ));
}

#[tokio::test]
async fn pg_triggers_refuse_update_delete_and_truncate() {
    let backend = backend().await;
    let ledger = backend
        .create_ledger("gongzhang.example/tamper")
        .await
        .unwrap();
    let first = batch(&[], (0..4).map(|s| entry(s, "t")).collect(), projections(1));
    backend.commit_batch(ledger, 0, &first).await.unwrap();
    backend
        .add_cosignature(ledger, 4, "— w x=\n")
        .await
        .unwrap();

    let attempts = [
        "UPDATE entries SET bytes = '\\x7b7d' WHERE seq = 1",
        "UPDATE entries SET event_id = 'forged' WHERE seq = 1",
        "DELETE FROM entries WHERE seq = 3",
        "TRUNCATE entries CASCADE",
        "UPDATE tree_nodes SET hash = hash WHERE level = 0",
        "DELETE FROM tree_nodes",
        "TRUNCATE tree_nodes",
        "UPDATE checkpoints SET note = 'forged'",
        "DELETE FROM checkpoints",
        "UPDATE cosignatures SET line = 'forged'",
        "DELETE FROM cosignatures",
    ];
    for statement in attempts {
        let error = sqlx::query(statement)
            .execute(backend.pool())
            .await
            .expect_err(statement);
        assert!(
            error.to_string().contains("append-only"),
            "{statement}: refused for the wrong reason: {error}"
        );
    }
    assert_eq!(backend.entries(ledger, 0, 4).await.unwrap(), first.entries);
    assert_eq!(
        backend
            .checkpoint(ledger, None)
            .await
            .unwrap()
            .unwrap()
            .cosignatures,
        ["— w x=\n"]
    );
}

#[tokio::test]
async fn pg_concurrent_appenders_serialise_without_gaps() {
    let backend = Arc::new(backend().await);
    let ledger = backend
        .create_ledger("gongzhang.example/busy")
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let backend = Arc::clone(&backend);
        tasks.push(tokio::spawn(async move {
            let name = format!("writer{writer}");
            let mut conflicts = 0usize;
            let mut committed = 0usize;
            while committed < BATCHES_PER_WRITER {
                let size = backend.size(ledger).await.unwrap();
                let batch = leaf_batch(size, &format!("{name}b{committed}"), ENTRIES_PER_BATCH);
                match backend.commit_batch(ledger, size, &batch).await {
                    Ok(()) => committed += 1,
                    Err(StoreError::Conflict { expected, found }) => {
                        assert_eq!(expected, size);
                        assert!(found > size, "a conflict means someone else appended");
                        conflicts += 1;
                    }
                    Err(other) => panic!("{name}: {other}"),
                }
            }
            conflicts
        }));
    }
    let mut conflicts = 0;
    for task in tasks {
        conflicts += task.await.unwrap();
    }
    let total = (WRITERS * BATCHES_PER_WRITER * ENTRIES_PER_BATCH) as u64;
    assert_eq!(backend.size(ledger).await.unwrap(), total);
    let entries = backend.entries(ledger, 0, u64::MAX).await.unwrap();
    assert_eq!(entries.len() as u64, total);
    for (position, entry) in entries.iter().enumerate() {
        assert_eq!(entry.seq, position as u64, "no gaps, no duplicates");
    }
    let distinct: BTreeSet<&str> = entries.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(
        distinct.len() as u64,
        total,
        "every event appended exactly once"
    );
    // Each batch's checkpoint is at a batch boundary, one per committed batch.
    let checkpoints: i64 =
        sqlx::query_scalar("SELECT count(*) FROM checkpoints WHERE ledger_id = $1")
            .bind(ledger)
            .fetch_one(backend.pool())
            .await
            .unwrap();
    assert_eq!(checkpoints as usize, WRITERS * BATCHES_PER_WRITER);
    let postings = backend.projections(ledger).await.unwrap().postings;
    assert_eq!(postings.len() as u64, total);
    println!("{WRITERS} writers, {conflicts} conflicts retried");
}

#[tokio::test]
async fn pg_many_ledgers_in_one_database_stay_separate() {
    let backend = backend().await;
    let origins = [
        "gongzhang.example/east",
        "gongzhang.example/west",
        "gongzhang.example/north",
    ];
    let mut ids = Vec::new();
    for origin in origins {
        ids.push(backend.create_ledger(origin).await.unwrap());
    }
    // The same seqs and event ids in every ledger, different bytes.
    for (n, &ledger) in ids.iter().enumerate() {
        let count = 2 + n as u64;
        let entries: Vec<StoredEntry> = (0..count)
            .map(|seq| {
                let mut e = entry(seq, "shared");
                e.bytes.extend_from_slice(origins[n].as_bytes());
                e.hash = leaf_hash(&e.bytes);
                e
            })
            .collect();
        let b = batch(&[], entries, projections(n as i64));
        backend.commit_batch(ledger, 0, &b).await.unwrap();
    }
    let listed = backend.ledgers().await.unwrap();
    assert_eq!(
        listed,
        ids.iter()
            .copied()
            .zip(origins.iter().map(|o| o.to_string()))
            .collect::<Vec<_>>()
    );
    for (n, &ledger) in ids.iter().enumerate() {
        assert_eq!(backend.find_ledger(origins[n]).await.unwrap(), Some(ledger));
        assert_eq!(backend.size(ledger).await.unwrap(), 2 + n as u64);
        let entries = backend.entries(ledger, 0, 100).await.unwrap();
        assert!(
            entries
                .iter()
                .all(|e| e.bytes.ends_with(origins[n].as_bytes()))
        );
        let by_event = backend
            .entry_by_event(ledger, "shared-1")
            .await
            .unwrap()
            .unwrap();
        assert!(by_event.bytes.ends_with(origins[n].as_bytes()));
        assert_eq!(
            backend.projections(ledger).await.unwrap(),
            sorted(projections(n as i64))
        );
        assert_eq!(
            backend
                .checkpoint(ledger, None)
                .await
                .unwrap()
                .unwrap()
                .size,
            2 + n as u64
        );
    }
    // Rebuilding one ledger's projections leaves the others alone.
    backend
        .replace_projections(ids[0], &ProjectionRows::default())
        .await
        .unwrap();
    assert_eq!(
        backend.projections(ids[0]).await.unwrap(),
        ProjectionRows::default()
    );
    assert_eq!(
        backend.projections(ids[1]).await.unwrap(),
        sorted(projections(1))
    );
    assert_eq!(
        backend
            .find_ledger("gongzhang.example/south")
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn pg_create_ledger_races_give_one_id() {
    let backend = Arc::new(backend().await);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let backend = Arc::clone(&backend);
        tasks.push(tokio::spawn(async move {
            backend
                .create_ledger("gongzhang.example/race")
                .await
                .unwrap()
        }));
    }
    let mut ids = BTreeSet::new();
    for task in tasks {
        ids.insert(task.await.unwrap());
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(backend.ledgers().await.unwrap().len(), 1);
    let id = *ids.first().unwrap();
    assert_eq!(backend.size(id).await.unwrap(), 0);
}

#[tokio::test]
async fn pg_migrations_apply_once() {
    let url = pg::fresh_database().await;
    let first = PostgresBackend::connect(&url).await.unwrap();
    let ledger = first
        .create_ledger("gongzhang.example/again")
        .await
        .unwrap();
    first.close().await;
    let second = PostgresBackend::connect(&url).await.unwrap();
    assert_eq!(
        second.find_ledger("gongzhang.example/again").await.unwrap(),
        Some(ledger)
    );
}

#[tokio::test]
async fn pg_private_cluster_is_removed_on_drop() {
    let cluster = pg::PgCluster::start()
        .await
        .expect("start a private cluster");
    let root = cluster.root().to_owned();
    let pid = cluster.server_pid();
    let url = cluster.create_database().await.unwrap();
    let backend = PostgresBackend::connect(&url).await.unwrap();
    backend
        .create_ledger("gongzhang.example/private")
        .await
        .unwrap();
    backend.close().await;
    assert!(root.join("data").is_dir());
    drop(cluster);
    assert!(!root.exists(), "{} is left behind", root.display());
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists()
            || std::fs::read_to_string(format!("/proc/{pid}/status"))
                .is_ok_and(|s| s.contains("State:\tZ")),
        "the server (pid {pid}) is still running"
    );
}
