//! Importing a published ledger: a community's books rebuilt from any resident's copy of the
//! log and its signed checkpoint, after the server that kept them was lost.
//!
//! [`Store::import_ledger`] checks the copy exactly as a verifier does, with the same code:
//! [`checkpoint::open`] with the log key, [`StreamVerifier`] (format, [`LogHead::check_next`],
//! author signatures on every core) and [`Ledger::apply`] on every entry, and finally the log's
//! Merkle root and size against the checkpoint's. The genesis must name the log key given, and
//! that key must have signed the checkpoint.
//!
//! The entries are written as they verify, in steps of [`IMPORT_ENTRIES_PER_STEP`] entries (with
//! the Merkle nodes they complete and their postings), then the fund and household rows and the
//! published checkpoint — all in **one database transaction** ([`Backend::import_ledger`]) that
//! commits only after the last entry, the root and the checkpoint have been checked. A log that
//! fails, a database error or a crash part-way leaves the database as it was: no half-restored
//! ledger is ever visible, and running the restore again starts from nothing. The entries keep
//! their exact published bytes: nothing is re-encoded or re-sealed.
//!
//! [`LogHead::check_next`]: gongzhang_core::log::LogHead::check_next

use crate::backend::{
    Backend, ImportBatch, ImportStep, ProjectionRows, StoreError, StoredCheckpoint, StoredEntry,
};
use crate::store::Store;
use crate::store::rows::{add_attachment_refs, fund_rows, household_rows, posting_rows};
use gongzhang_core::Hash;
use gongzhang_core::checkpoint::{self, CheckpointError};
use gongzhang_core::cosignature::{self, CosignatureError, CosignerKey};
use gongzhang_core::entry::{ENTRY_BYTES_MAX, Entry};
use gongzhang_core::ledger::events::attachment_refs;
use gongzhang_core::ledger::{Ledger, RuleError};
use gongzhang_core::log::LogError;
use gongzhang_core::merkle::{MerkleAccumulator, TreeHead};
use gongzhang_core::note::{self, SignerKey, VerifierKey};
use gongzhang_core::stream::{StreamError, StreamVerifier};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Read as _};
use tokio::sync::mpsc;

/// Entries written per import step (one multi-row write of entries, nodes and postings).
pub const IMPORT_ENTRIES_PER_STEP: usize = 1024;
/// Steps verified ahead of the database: at most this many steps wait in memory.
pub const IMPORT_STEPS_IN_FLIGHT: usize = 4;
/// The longest line read from the log: one entry at its largest, its line feed, and one byte
/// more so that an over-long line is seen as such (and refused as malformed).
const LINE_BYTES_MAX: u64 = ENTRY_BYTES_MAX as u64 + 2;

/// What [`Store::import_ledger`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The ledger's origin.
    pub origin: String,
    /// The genesis entry's hash (what the notice board shows).
    pub genesis_hash: Hash,
    /// Size and root: the published checkpoint's, which the entries were checked against.
    pub tree_head: TreeHead,
    /// The cosignature lines kept (each verified with one of the witness keys given), as stored.
    pub cosignatures_kept: Vec<String>,
    /// Cosignature lines from keys that were not given, not kept: `name+keyid` each.
    pub cosignatures_dropped: Vec<String>,
    /// The attachments the events name (scanned invoices, minutes), by SHA-256.
    pub attachments: BTreeSet<Hash>,
}

/// Why an import was refused. Nothing was written in every case.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The checkpoint is not a checkpoint of this ledger signed by the log key given.
    #[error("the checkpoint is not signed by the log key given: {0}")]
    Checkpoint(CheckpointError),
    /// The genesis entry names another log key (or origin) than the key given.
    #[error("the genesis entry names the log key {genesis}, not the key given, {given}")]
    LogKeyNotGenesis {
        /// The log key the genesis names.
        genesis: String,
        /// The verifier half of the key given.
        given: String,
    },
    /// A cosignature by one of the witnesses given does not verify.
    #[error("the checkpoint's cosignature: {0}")]
    Cosignature(CosignatureError),
    /// The log fails a check: format, sequence, chain, signatures, or its size and root differ
    /// from the checkpoint's. Names the entry where it has one.
    #[error("{0}")]
    Log(LogError),
    /// An entry breaks a ledger rule (names the entry).
    #[error("{0}")]
    Rule(RuleError),
    /// The log could not be read.
    #[error("reading line {line} of the log: {error}")]
    Read {
        /// The line (1-based) being read.
        line: u64,
        /// What failed.
        error: std::io::Error,
    },
    /// The thread verifying the log stopped without an answer (it panicked, or the runtime is
    /// shutting down).
    #[error("the log's verification stopped: {0}")]
    VerifierStopped(String),
    /// The database already holds this ledger: an import never writes into one.
    #[error("the database already holds the ledger `{origin}` ({size} entries)")]
    LedgerExists {
        /// The ledger.
        origin: String,
        /// Entries it holds.
        size: u64,
    },
    /// The database failed.
    #[error("{0}")]
    Store(StoreError),
}

impl From<StoreError> for ImportError {
    fn from(error: StoreError) -> ImportError {
        match error {
            StoreError::LedgerExists { origin, size } => ImportError::LedgerExists { origin, size },
            other => ImportError::Store(other),
        }
    }
}

/// Why the verifying thread stopped early.
enum Stop {
    Refused(ImportError),
    /// The database side stopped taking steps: its own error is the one to report.
    BackendGone,
}

/// The published checkpoint, split as the store keeps it: the log's signed note, and the
/// witnesses' cosignature lines.
pub(crate) struct SplitCheckpoint {
    pub(crate) stored: StoredCheckpoint,
    pub(crate) dropped: Vec<String>,
}

/// Opens the published checkpoint with the log key, and keeps the cosignature lines that verify
/// with a witness key given (as [`Store::add_cosignature`] accepts them); lines from other keys
/// are dropped, a line from a given witness that does not verify refuses the checkpoint.
pub(crate) fn split_checkpoint(
    published: &str,
    log_key: &VerifierKey,
    witnesses: &[CosignerKey],
) -> Result<SplitCheckpoint, ImportError> {
    let opened = checkpoint::open(published, log_key.name(), log_key, None)
        .map_err(ImportError::Checkpoint)?;
    let (text, lines) =
        note::parse(published).map_err(|e| ImportError::Checkpoint(CheckpointError::Note(e)))?;
    let is_log_line =
        |l: &note::SignatureLine| l.name() == log_key.name() && l.key_id() == log_key.key_id();
    let Some(own) = lines.iter().find(|l| is_log_line(l)) else {
        // INVARIANT: `checkpoint::open` verified a line by the log key.
        return Err(ImportError::Checkpoint(CheckpointError::Note(
            note::NoteError::NoKnownSignature,
        )));
    };
    // The note exactly as the log signed it: its text, the blank line, the log's signature line.
    let signed = format!("{text}\n{}", own.to_line());
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    for line in lines.iter().filter(|l| !is_log_line(l)) {
        let alone = format!("{signed}{}", line.to_line());
        let verified = cosignature::verify_cosignatures(&alone, witnesses)
            .map_err(ImportError::Cosignature)?;
        if verified
            .iter()
            .any(|v| v.name() == line.name() && v.key_id() == line.key_id())
        {
            if !kept.contains(&line.to_line()) {
                kept.push(line.to_line());
            }
        } else {
            dropped.push(format!("{}+{:08x}", line.name(), line.key_id()));
        }
    }
    let head = opened.tree_head();
    Ok(SplitCheckpoint {
        stored: StoredCheckpoint {
            size: head.size,
            root: head.root,
            note: signed,
            cosignatures: kept,
        },
        dropped,
    })
}

/// What the verifying thread established.
struct Verified {
    genesis_hash: Hash,
    attachments: BTreeSet<Hash>,
}

/// Reads, verifies and hands over the log, step by step; sends [`ImportStep::Finish`] only once
/// every entry, the root and the size are checked. Runs on a blocking thread.
fn verify_log(
    log: impl BufRead,
    log_key: &str,
    origin: &str,
    checkpoint: StoredCheckpoint,
    steps: &mpsc::Sender<ImportStep>,
    progress: &(dyn Fn(u64) + Send),
) -> Result<Verified, Stop> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let mut verifier = StreamVerifier::new(threads);
    let mut ledger = Ledger::new();
    let mut tree = MerkleAccumulator::new();
    let mut batch = ImportBatch::default();
    let mut batch_refs = BTreeMap::new();
    let mut attachments = BTreeSet::new();
    let send = |step: ImportStep| steps.blocking_send(step).map_err(|_| Stop::BackendGone);
    let mut on_entry = |entry: &Entry, _: &MerkleAccumulator| -> Result<(), Stop> {
        let applied = ledger
            .apply(entry)
            .map_err(|rule| Stop::Refused(ImportError::Rule(rule)))?;
        if entry.seq() == 0 && (ledger.log_key() != log_key || ledger.origin() != origin) {
            return Err(Stop::Refused(ImportError::LogKeyNotGenesis {
                genesis: ledger.log_key().to_string(),
                given: log_key.to_string(),
            }));
        }
        tree.push_completing(entry.hash(), &mut batch.nodes);
        batch
            .postings
            .extend(posting_rows(entry.seq(), &applied.postings));
        batch.entries.push(StoredEntry::from(entry));
        attachment_refs(entry.event().body(), &mut attachments);
        add_attachment_refs(entry, &mut batch_refs);
        if batch.entries.len() >= IMPORT_ENTRIES_PER_STEP {
            batch.attachment_refs = std::mem::take(&mut batch_refs).into_iter().collect();
            send(ImportStep::Entries(std::mem::take(&mut batch)))?;
            progress(tree.size());
        }
        Ok(())
    };
    let stream = |e: StreamError<Stop>| match e {
        StreamError::Log(error) => Stop::Refused(ImportError::Log(error)),
        StreamError::Stopped(stop) => stop,
    };
    let mut reader = log;
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        number += 1;
        let read = (&mut reader)
            .take(LINE_BYTES_MAX)
            .read_until(b'\n', &mut line)
            .map_err(|error| {
                Stop::Refused(ImportError::Read {
                    line: number,
                    error,
                })
            })?;
        if read == 0 {
            break;
        }
        let terminated = line.ends_with(b"\n");
        let bytes = line.strip_suffix(b"\n").unwrap_or(&line);
        verifier
            .push(bytes, terminated, &mut on_entry)
            .map_err(stream)?;
        if !terminated {
            // The end of the file without a line feed, or an over-long line cut short: either
            // way the verifier has refused it or it is the last line.
            break;
        }
    }
    let verified = verifier.finish(&mut on_entry).map_err(stream)?;
    verified
        .check_tree_head(&TreeHead {
            size: checkpoint.size,
            root: checkpoint.root,
        })
        .map_err(|e| Stop::Refused(ImportError::Log(e)))?;
    if !batch.entries.is_empty() {
        batch.attachment_refs = std::mem::take(&mut batch_refs).into_iter().collect();
        send(ImportStep::Entries(std::mem::take(&mut batch)))?;
    }
    progress(tree.size());
    send(ImportStep::Finish {
        projections: ProjectionRows {
            funds: fund_rows(&ledger).into_iter().collect(),
            households: household_rows(&ledger).into_values().collect(),
            postings: Vec::new(),
        },
        checkpoint,
    })?;
    Ok(Verified {
        genesis_hash: verified.genesis_hash,
        attachments,
    })
}

impl<B: Backend> Store<B> {
    /// Imports a published ledger into this database as a new ledger, all or nothing (see the
    /// [module documentation](self)): `log` is the `.jsonl` log as published, `checkpoint` the
    /// signed checkpoint over all of it (with any cosignature lines), `log_signer` the ledger's
    /// log key (which the genesis must name and which must have signed the checkpoint; it is
    /// registered for new appends), `witnesses` the keys whose cosignatures are kept. `progress`
    /// is told how many entries are verified and handed to the database so far.
    pub async fn import_ledger<R>(
        &self,
        log: R,
        checkpoint: &str,
        log_signer: SignerKey,
        witnesses: &[CosignerKey],
        progress: impl Fn(u64) + Send + 'static,
    ) -> Result<Imported, ImportError>
    where
        R: BufRead + Send + 'static,
    {
        let log_key = log_signer.verifier();
        let imported = self
            .import_published(log, checkpoint, &log_key, witnesses, progress)
            .await?;
        let given = log_key.to_string();
        // The key's name is the origin (it was taken from it), so registering cannot fail.
        self.add_log_key(&imported.origin, log_signer)
            .map_err(|_| ImportError::LogKeyNotGenesis {
                genesis: imported.origin.clone(),
                given,
            })?;
        Ok(imported)
    }

    /// [`Store::import_ledger`] with the log's public key only: a copy of someone else's log (a
    /// witness's mirror), checked the same way, to which this store never appends by itself
    /// (it has no key to sign checkpoints) but which [`Store::extend_mirror`] extends with what
    /// the log publishes next.
    pub async fn import_published<R>(
        &self,
        log: R,
        checkpoint: &str,
        log_key: &VerifierKey,
        witnesses: &[CosignerKey],
        progress: impl Fn(u64) + Send + 'static,
    ) -> Result<Imported, ImportError>
    where
        R: BufRead + Send + 'static,
    {
        let origin = log_key.name().to_string();
        let split = split_checkpoint(checkpoint, log_key, witnesses)?;
        let backend = self.backend();
        // Refuse an existing ledger before the long verification; the import's transaction
        // checks again.
        if let Some(id) = backend.find_ledger(&origin).await? {
            let size = backend.size(id).await?;
            if size > 0 {
                return Err(ImportError::LedgerExists { origin, size });
            }
        }
        let (sender, receiver) = mpsc::channel(IMPORT_STEPS_IN_FLIGHT);
        let log_key = log_key.to_string();
        let stored = split.stored.clone();
        let verifying = {
            let origin = origin.clone();
            tokio::task::spawn_blocking(move || {
                verify_log(log, &log_key, &origin, stored, &sender, &progress)
            })
        };
        let (written, verified) = tokio::join!(backend.import_ledger(&origin, receiver), verifying);
        let verified = match verified {
            Ok(result) => result,
            // The verifying thread panicked or was cancelled: `sender` is gone, so the import
            // was rolled back.
            Err(join) => return Err(ImportError::VerifierStopped(join.to_string())),
        };
        let verified = match (verified, written) {
            (Ok(verified), Ok(_)) => verified,
            (Err(Stop::Refused(error)), _) => return Err(error),
            (_, Err(error)) => return Err(error.into()),
            // INVARIANT: the backend only gives up its steps by returning an error.
            (Err(Stop::BackendGone), Ok(_)) => {
                return Err(ImportError::Store(StoreError::ImportAborted));
            }
        };
        self.forget_state(&origin).await;
        Ok(Imported {
            origin,
            genesis_hash: verified.genesis_hash,
            tree_head: TreeHead {
                size: split.stored.size,
                root: split.stored.root,
            },
            cosignatures_kept: split.stored.cosignatures,
            cosignatures_dropped: split.dropped,
            attachments: verified.attachments,
        })
    }
}
