//! How the SQLite backend writes a batch: multi-row `INSERT`s of at most
//! [`SQLITE_INSERT_ROWS_MAX`] rows each, in the caller's transaction.

use super::SQLITE_INSERT_ROWS_MAX;
use crate::backend::{
    HouseholdRow, LedgerId, NodeId, ProjectionRows, StoreError, StoredCheckpoint, StoredEntry,
    to_db,
};
use crate::sql;
use gongzhang_core::Hash;
use sqlx::{QueryBuilder, Sqlite};

/// Records the attachments entries name (ignoring ones recorded already), in the caller's
/// transaction.
pub(super) async fn insert_refs(
    conn: &mut sqlx::SqliteConnection,
    ledger: LedgerId,
    refs: &[(Hash, u64)],
) -> Result<(), StoreError> {
    for chunk in refs.chunks(SQLITE_INSERT_ROWS_MAX) {
        let mut values = Vec::with_capacity(chunk.len());
        for (sha, seq) in chunk {
            values.push((sha, to_db(*seq, "entry seq")?));
        }
        QueryBuilder::<Sqlite>::new("INSERT INTO attachment_refs (ledger_id, sha256, seq) ")
            .push_values(values, |mut b, (sha, seq)| {
                b.push_bind(ledger).push_bind(&sha.0[..]).push_bind(seq);
            })
            .push(" ON CONFLICT (ledger_id, sha256) DO NOTHING")
            .build()
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub(super) async fn insert_projections(
    conn: &mut sqlx::SqliteConnection,
    ledger: LedgerId,
    rows: &ProjectionRows,
) -> Result<(), StoreError> {
    for chunk in rows.funds.chunks(SQLITE_INSERT_ROWS_MAX) {
        QueryBuilder::<Sqlite>::new("INSERT INTO fund_balances (ledger_id, fund, balance_fen) ")
            .push_values(chunk, |mut b, (fund, balance)| {
                b.push_bind(ledger)
                    .push_bind(fund.as_str())
                    .push_bind(*balance);
            })
            .push(" ON CONFLICT (ledger_id, fund) DO UPDATE SET balance_fen = excluded.balance_fen")
            .build()
            .execute(&mut *conn)
            .await?;
    }
    for chunk in rows.households.chunks(SQLITE_INSERT_ROWS_MAX) {
        QueryBuilder::<Sqlite>::new(
            "INSERT INTO households (ledger_id, unit, area_centi_m2, charged_fen, paid_fen, owed_fen) ",
        )
        .push_values(chunk, |mut b, h: &HouseholdRow| {
            b.push_bind(ledger)
                .push_bind(h.unit.as_str())
                .push_bind(h.area_centi_m2)
                .push_bind(h.charged_fen)
                .push_bind(h.paid_fen)
                .push_bind(h.owed_fen);
        })
        .push(
            " ON CONFLICT (ledger_id, unit) DO UPDATE SET area_centi_m2 = excluded.area_centi_m2, \
             charged_fen = excluded.charged_fen, paid_fen = excluded.paid_fen, \
             owed_fen = excluded.owed_fen",
        )
        .build()
        .execute(&mut *conn)
        .await?;
    }
    for chunk in rows.postings.chunks(SQLITE_INSERT_ROWS_MAX) {
        let mut values = Vec::with_capacity(chunk.len());
        for (seq, index, account, amount) in chunk {
            values.push((
                to_db(*seq, "posting seq")?,
                *index,
                account.as_str(),
                *amount,
            ));
        }
        QueryBuilder::<Sqlite>::new(
            "INSERT INTO postings (ledger_id, seq, idx, account, amount_fen) ",
        )
        .push_values(values, |mut b, (seq, index, account, amount)| {
            b.push_bind(ledger)
                .push_bind(seq)
                .push_bind(index)
                .push_bind(account)
                .push_bind(amount);
        })
        .build()
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Inserts entries and Merkle nodes (the part of an append or an import that grows the log).
pub(super) async fn insert_entries(
    conn: &mut sqlx::SqliteConnection,
    ledger: LedgerId,
    entries: &[StoredEntry],
    nodes: &[(NodeId, Hash)],
) -> Result<(), StoreError> {
    for chunk in entries.chunks(SQLITE_INSERT_ROWS_MAX) {
        let mut values = Vec::with_capacity(chunk.len());
        for e in chunk {
            values.push((to_db(e.seq, "entry seq")?, e));
        }
        QueryBuilder::<Sqlite>::new(
            "INSERT INTO entries (ledger_id, seq, hash, event_id, event_hash, bytes) ",
        )
        .push_values(values, |mut b, (seq, e)| {
            b.push_bind(ledger)
                .push_bind(seq)
                .push_bind(&e.hash.0[..])
                .push_bind(e.event_id.as_str())
                .push_bind(&e.event_hash.0[..])
                .push_bind(e.bytes.as_slice());
        })
        .build()
        .execute(&mut *conn)
        .await?;
    }
    for chunk in nodes.chunks(SQLITE_INSERT_ROWS_MAX) {
        let mut values = Vec::with_capacity(chunk.len());
        for (id, hash) in chunk {
            values.push((id.level, to_db(id.index, "node index")?, hash));
        }
        QueryBuilder::<Sqlite>::new("INSERT INTO tree_nodes (ledger_id, level, idx, hash) ")
            .push_values(values, |mut b, (level, index, hash)| {
                b.push_bind(ledger)
                    .push_bind(level)
                    .push_bind(index)
                    .push_bind(&hash.0[..]);
            })
            .build()
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Inserts a checkpoint and its cosignature lines, in their order.
pub(super) async fn insert_checkpoint(
    conn: &mut sqlx::SqliteConnection,
    ledger: LedgerId,
    checkpoint: &StoredCheckpoint,
) -> Result<(), StoreError> {
    let size = to_db(checkpoint.size, "checkpoint size")?;
    sqlx::query("INSERT INTO checkpoints (ledger_id, size, root, note) VALUES (?, ?, ?, ?)")
        .bind(ledger)
        .bind(size)
        .bind(&checkpoint.root.0[..])
        .bind(checkpoint.note.as_str())
        .execute(&mut *conn)
        .await?;
    for line in &checkpoint.cosignatures {
        sqlx::query(sql::INSERT_COSIGNATURE)
            .bind(ledger)
            .bind(size)
            .bind(line.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
