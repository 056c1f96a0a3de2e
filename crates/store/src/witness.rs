//! A witness's durable state (`gongzhang witness`): what it last cosigned for each log, and the
//! signed requests it refused that are evidence against a log.
//!
//! The witness cosigns only after [`WitnessState::advance_witness_head`] has moved the stored
//! tree from the one it checked against to the new one — a compare-and-swap in one statement
//! (`INSERT … ON CONFLICT DO NOTHING` for a log's first tree, `UPDATE … WHERE size = … AND root =
//! …` after), which changes one row or none. Of two concurrent requests checked against the same
//! tree only one moves it; the other is answered with the new size. Nothing ever moves it back.
//! The tables are `migrations/*/0003_witness.sql`, in the same database as the ledgers, so the
//! verifying witness can keep its mirrors of the logs beside its state.

use crate::backend::{StoreError, from_db, hash_from_db, to_db};
use gongzhang_core::merkle::TreeHead;
use std::future::Future;

/// The tree a witness last cosigned for a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessHead {
    /// The log's origin (line 1 of its checkpoints).
    pub origin: String,
    /// Size and root.
    pub head: TreeHead,
    /// The checkpoint note as the log signed it.
    pub checkpoint: String,
    /// When the witness cosigned it, in seconds since the POSIX epoch (the cosignature's time).
    pub cosigned_at: u64,
}

/// A request the witness refused although the log had signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessRefusal {
    /// Assigned by the database, in the order refusals were recorded (0 before it is stored).
    pub id: u64,
    /// The log's origin.
    pub origin: String,
    /// When, in seconds since the POSIX epoch.
    pub refused_at: u64,
    /// The HTTP status the witness answered.
    pub status: u16,
    /// A stable code for the reason (`bad_proof`, `root_mismatch`, …).
    pub code: String,
    /// The reason in words.
    pub reason: String,
    /// The checkpoint the witness had cosigned, which the refused one contradicts.
    pub witnessed: Option<String>,
    /// The whole request body, as received.
    pub request: String,
}

/// The most refusals [`WitnessState::witness_refusals`] returns at once.
pub const WITNESS_REFUSALS_READ_MAX: u32 = 1000;

/// A database that can hold a witness's state. Both backends implement it.
pub trait WitnessState: Send + Sync + 'static {
    /// What the witness last cosigned for `origin`, if anything.
    fn witness_head(
        &self,
        origin: &str,
    ) -> impl Future<Output = Result<Option<WitnessHead>, StoreError>> + Send;

    /// Every log's last cosigned tree, by origin.
    fn witness_heads(&self) -> impl Future<Output = Result<Vec<WitnessHead>, StoreError>> + Send;

    /// Moves `new.origin`'s tree from `expected` (`None`: the witness never cosigned for it) to
    /// `new`, if it is still `expected`: `Ok(true)` if it moved, `Ok(false)` if another request
    /// moved it first (nothing is written then).
    fn advance_witness_head(
        &self,
        expected: Option<TreeHead>,
        new: &WitnessHead,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records a refusal (its `id` is ignored).
    fn add_witness_refusal(
        &self,
        refusal: &WitnessRefusal,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The latest refusals (of `origin`, or of every log), newest first, at most `limit`
    /// (capped at [`WITNESS_REFUSALS_READ_MAX`]).
    fn witness_refusals(
        &self,
        origin: Option<&str>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<WitnessRefusal>, StoreError>> + Send;
}

/// `$1`'s last cosigned tree, as a [`HeadRow`].
pub(crate) const WITNESS_HEAD: &str =
    "SELECT origin, size, root, checkpoint, cosigned_at FROM witness_heads WHERE origin = $1";

/// Every last cosigned tree, as [`HeadRow`]s.
pub(crate) const WITNESS_HEADS: &str =
    "SELECT origin, size, root, checkpoint, cosigned_at FROM witness_heads ORDER BY origin";

/// A log's first tree: origin `$1`, size `$2`, root `$3`, checkpoint `$4`, time `$5`; nothing if
/// the log already has one.
pub(crate) const INSERT_WITNESS_HEAD: &str = "INSERT INTO witness_heads \
     (origin, size, root, checkpoint, cosigned_at) VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (origin) DO NOTHING";

/// Moves `$1`'s tree to (`$2`, `$3`, `$4`, `$5`) if it is still size `$6` and root `$7`.
pub(crate) const ADVANCE_WITNESS_HEAD: &str = "UPDATE witness_heads \
     SET size = $2, root = $3, checkpoint = $4, cosigned_at = $5 \
     WHERE origin = $1 AND size = $6 AND root = $7";

/// Records a refusal: origin, time, status, code, reason, witnessed checkpoint, request.
pub(crate) const INSERT_WITNESS_REFUSAL: &str = "INSERT INTO witness_refusals \
     (origin, refused_at, status, code, reason, witnessed, request) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// The latest `$1` refusals of every log, as [`RefusalRow`]s.
pub(crate) const WITNESS_REFUSALS: &str = "SELECT id, origin, refused_at, status, code, reason, \
     witnessed, request FROM witness_refusals ORDER BY id DESC LIMIT $1";

/// The latest `$2` refusals of origin `$1`, as [`RefusalRow`]s.
pub(crate) const WITNESS_REFUSALS_OF: &str = "SELECT id, origin, refused_at, status, code, \
     reason, witnessed, request FROM witness_refusals WHERE origin = $1 ORDER BY id DESC LIMIT $2";

/// A `witness_heads` row: origin, size, root, checkpoint, time.
pub(crate) type HeadRow = (String, i64, Vec<u8>, String, i64);

/// A `witness_refusals` row: id, origin, time, status, code, reason, witnessed, request.
pub(crate) type RefusalRow = (
    i64,
    String,
    i64,
    i32,
    String,
    String,
    Option<String>,
    String,
);

/// Reads a [`HeadRow`]; a negative number or a root that is not 32 bytes is corruption.
pub(crate) fn head_from_row(row: HeadRow) -> Result<WitnessHead, StoreError> {
    let (origin, size, root, checkpoint, cosigned_at) = row;
    let size = from_db(size, 0, "witnessed size")?;
    Ok(WitnessHead {
        head: TreeHead {
            size,
            root: hash_from_db(&root, size, "witnessed root")?,
        },
        origin,
        checkpoint,
        cosigned_at: from_db(cosigned_at, size, "cosignature time")?,
    })
}

/// Reads a [`RefusalRow`].
pub(crate) fn refusal_from_row(row: RefusalRow) -> Result<WitnessRefusal, StoreError> {
    let (id, origin, refused_at, status, code, reason, witnessed, request) = row;
    Ok(WitnessRefusal {
        id: from_db(id, 0, "refusal id")?,
        origin,
        refused_at: from_db(refused_at, 0, "refusal time")?,
        status: u16::try_from(status).map_err(|_| StoreError::Corrupt {
            seq: 0,
            reason: format!("stored refusal status {status} is not an HTTP status"),
        })?,
        code,
        reason,
        witnessed,
        request,
    })
}

/// The values a backend binds for [`INSERT_WITNESS_HEAD`] and the first five of
/// [`ADVANCE_WITNESS_HEAD`]: size, root, time as the databases store them.
pub(crate) fn head_values(new: &WitnessHead) -> Result<(i64, Vec<u8>, i64), StoreError> {
    Ok((
        to_db(new.head.size, "witnessed size")?,
        new.head.root.as_bytes().to_vec(),
        to_db(new.cosigned_at, "cosignature time")?,
    ))
}

/// Implements [`WitnessState`] for a backend whose `pool` field is a sqlx pool; the statements
/// are the shared ones above (both dialects take them as written).
macro_rules! impl_witness_state {
    ($backend:ty) => {
        impl $crate::witness::WitnessState for $backend {
            async fn witness_head(
                &self,
                origin: &str,
            ) -> Result<Option<$crate::witness::WitnessHead>, $crate::backend::StoreError> {
                let row: Option<$crate::witness::HeadRow> =
                    sqlx::query_as($crate::witness::WITNESS_HEAD)
                        .bind(origin)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map($crate::witness::head_from_row).transpose()
            }

            async fn witness_heads(
                &self,
            ) -> Result<Vec<$crate::witness::WitnessHead>, $crate::backend::StoreError> {
                let rows: Vec<$crate::witness::HeadRow> =
                    sqlx::query_as($crate::witness::WITNESS_HEADS)
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter()
                    .map($crate::witness::head_from_row)
                    .collect()
            }

            async fn advance_witness_head(
                &self,
                expected: Option<gongzhang_core::merkle::TreeHead>,
                new: &$crate::witness::WitnessHead,
            ) -> Result<bool, $crate::backend::StoreError> {
                let (size, root, at) = $crate::witness::head_values(new)?;
                let done = match expected {
                    None => {
                        sqlx::query($crate::witness::INSERT_WITNESS_HEAD)
                            .bind(&new.origin)
                            .bind(size)
                            .bind(root)
                            .bind(&new.checkpoint)
                            .bind(at)
                            .execute(&self.pool)
                            .await?
                    }
                    Some(old) => {
                        sqlx::query($crate::witness::ADVANCE_WITNESS_HEAD)
                            .bind(&new.origin)
                            .bind(size)
                            .bind(root)
                            .bind(&new.checkpoint)
                            .bind(at)
                            .bind($crate::backend::to_db(old.size, "witnessed size")?)
                            .bind(old.root.as_bytes().to_vec())
                            .execute(&self.pool)
                            .await?
                    }
                };
                Ok(done.rows_affected() == 1)
            }

            async fn add_witness_refusal(
                &self,
                refusal: &$crate::witness::WitnessRefusal,
            ) -> Result<(), $crate::backend::StoreError> {
                sqlx::query($crate::witness::INSERT_WITNESS_REFUSAL)
                    .bind(&refusal.origin)
                    .bind($crate::backend::to_db(refusal.refused_at, "refusal time")?)
                    .bind(i32::from(refusal.status))
                    .bind(&refusal.code)
                    .bind(&refusal.reason)
                    .bind(refusal.witnessed.as_deref())
                    .bind(&refusal.request)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn witness_refusals(
                &self,
                origin: Option<&str>,
                limit: u32,
            ) -> Result<Vec<$crate::witness::WitnessRefusal>, $crate::backend::StoreError> {
                let limit = i64::from(limit.min($crate::witness::WITNESS_REFUSALS_READ_MAX));
                let rows: Vec<$crate::witness::RefusalRow> = match origin {
                    Some(origin) => {
                        sqlx::query_as($crate::witness::WITNESS_REFUSALS_OF)
                            .bind(origin)
                            .bind(limit)
                            .fetch_all(&self.pool)
                            .await?
                    }
                    None => {
                        sqlx::query_as($crate::witness::WITNESS_REFUSALS)
                            .bind(limit)
                            .fetch_all(&self.pool)
                            .await?
                    }
                };
                rows.into_iter()
                    .map($crate::witness::refusal_from_row)
                    .collect()
            }
        }
    };
}

pub(crate) use impl_witness_state;
