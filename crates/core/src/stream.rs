//! Verifying a log on every core: the same checks as [`LogVerifier`](crate::log::LogVerifier),
//! with parsing and signature verification spread over worker threads.
//!
//! The caller feeds lines in log order ([`StreamVerifier::push`]); they are cut into chunks of at
//! most [`CHUNK_LINES`] lines (or [`CHUNK_BYTES`] bytes) that worker threads parse and whose
//! signatures they verify as one batch. The calling thread takes the chunks back in log order and
//! does what must be sequential: the sequence and the hash chain, the genesis rules, the Merkle
//! tree, and the caller's own callback (the ledger rules) — which sees each entry only once its
//! format, its place in the chain and its signatures are verified.
//!
//! For a given log the first error reported is exactly the one [`LogVerifier`] reports: entries
//! are judged in order, and for each entry the checks come in the same order (format, chain,
//! signing keys, signatures, then the callback).
//!
//! Memory is bounded by the chunks in flight (at most `threads + 2` chunks of at most
//! [`CHUNK_BYTES`] each, plus one entry that may exceed it), not by the length of the log.
//!
//! [`LogVerifier`]: crate::log::LogVerifier

use crate::entry::{Entry, EntryError};
use crate::hash::Hash;
use crate::log::{KeyCache, LogError, LogHead, SignatureCheck, VerifiedLog, verify_signatures};
use crate::merkle::MerkleAccumulator;
use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Most lines in one chunk: enough signatures for batch verification to pay off, and few
/// hand-overs between threads (1,024 lines verify 1,000,000 entries ~10% faster than 256).
pub const CHUNK_LINES: usize = 1024;
/// Most bytes in one chunk (a chunk always holds at least one line).
pub const CHUNK_BYTES: usize = 1 << 20;

/// Why streaming verification stopped.
#[derive(Debug)]
pub enum StreamError<E> {
    /// The log failed a check.
    Log(LogError),
    /// The callback refused an entry.
    Stopped(E),
}

/// A chunk of consecutive lines, as handed to a worker.
struct Chunk {
    number: u64,
    /// The log position (sequence number) of its first line.
    first: u64,
    bytes: Vec<u8>,
    /// End offset of each line in `bytes`.
    ends: Vec<usize>,
    /// The last line of the log, cut short: it had no line feed.
    unterminated: bool,
}

/// Why a worker stopped inside a chunk.
enum Stop {
    /// The line at this index is not a well-formed entry.
    Malformed(EntryError),
    /// The entry at this index names a key that cannot sign (the entry itself parsed).
    Key(LogError),
}

/// What a worker made of a chunk.
struct Checked {
    number: u64,
    /// The entries parsed, in order, up to (and, for [`Stop::Key`], including) the stop.
    entries: Vec<Entry>,
    /// Where and why the worker stopped early.
    stop: Option<(usize, Stop)>,
    /// The first bad signature among the entries whose signatures were checked.
    bad_signature: Option<LogError>,
    unterminated: bool,
}

fn check_chunk(chunk: Chunk, origin: &str, keys: &mut KeyCache) -> Checked {
    let mut entries = Vec::with_capacity(chunk.ends.len());
    let mut checks = Vec::with_capacity(chunk.ends.len());
    let mut stop = None;
    let mut start = 0;
    for (index, &end) in chunk.ends.iter().enumerate() {
        let line = &chunk.bytes[start..end];
        start = end;
        let entry = match Entry::parse(line) {
            Ok(entry) => entry,
            Err(error) => {
                stop = Some((index, Stop::Malformed(error)));
                break;
            }
        };
        match SignatureCheck::for_entry(origin, &entry, keys) {
            // Name a bad signature by the line's position, not by the seq the line claims.
            Ok(more) => checks.extend(more.into_iter().map(|mut check| {
                check.seq = chunk.first + index as u64;
                check
            })),
            Err(error) => {
                entries.push(entry);
                stop = Some((index, Stop::Key(error)));
                break;
            }
        }
        entries.push(entry);
    }
    Checked {
        number: chunk.number,
        entries,
        stop,
        bad_signature: verify_signatures(&checks).err(),
        unterminated: chunk.unterminated,
    }
}

/// The worker threads.
struct Pool {
    jobs: Option<SyncSender<Chunk>>,
    results: Receiver<Checked>,
    workers: Vec<JoinHandle<()>>,
}

impl Pool {
    fn new(threads: usize, origin: &str) -> Pool {
        let (jobs, job_queue) = sync_channel::<Chunk>(threads);
        let job_queue = Arc::new(Mutex::new(job_queue));
        let (done, results) = sync_channel::<Checked>(threads * 2 + 2);
        let workers = (0..threads)
            .map(|_| {
                let queue = Arc::clone(&job_queue);
                let done = done.clone();
                let origin = origin.to_string();
                std::thread::Builder::new()
                    .name("verify-worker".into())
                    .spawn(move || {
                        let mut keys = KeyCache::default();
                        loop {
                            // A poisoned lock means another worker panicked: stop taking work.
                            let next = match queue.lock() {
                                Ok(queue) => queue.recv(),
                                Err(_) => return,
                            };
                            let Ok(chunk) = next else { return };
                            if done.send(check_chunk(chunk, &origin, &mut keys)).is_err() {
                                return;
                            }
                        }
                    })
            })
            .filter_map(Result::ok)
            .collect();
        Pool {
            jobs: Some(jobs),
            results,
            workers,
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.jobs = None;
        // Unblock workers waiting to hand back a result.
        while self.results.try_recv().is_ok() {}
        for worker in self.workers.drain(..) {
            // Drain while joining so that no worker stays blocked on a full result queue.
            while !worker.is_finished() {
                while self.results.try_recv().is_ok() {}
                std::thread::yield_now();
            }
            let _ = worker.join();
        }
    }
}

/// Verifies a log fed line by line, on `threads` worker threads. See the module documentation.
pub struct StreamVerifier {
    threads: usize,
    head: LogHead,
    tree: MerkleAccumulator,
    keys: KeyCache,
    expected_origin: Option<String>,
    expected_genesis: Option<Hash>,
    genesis_hash: Option<Hash>,
    first_time: Option<crate::entry::RecordedAt>,
    pool: Option<Pool>,
    /// The chunk being filled.
    filling: Chunk,
    /// Chunks sent to the workers and not yet taken back.
    in_flight: u64,
    /// The next chunk number to take back, and the chunks that came back early.
    next_back: u64,
    early: BTreeMap<u64, Checked>,
    /// Lines pushed before the genesis entry was checked (the first line only).
    lines: u64,
    failed: bool,
    chunk_lines: usize,
}

impl std::fmt::Debug for StreamVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamVerifier")
            .field("threads", &self.threads)
            .field("size", &self.head.size())
            .field("in_flight", &self.in_flight)
            .finish_non_exhaustive()
    }
}

impl StreamVerifier {
    /// A verifier using `threads` worker threads (at least one).
    pub fn new(threads: usize) -> StreamVerifier {
        StreamVerifier {
            threads: threads.max(1),
            head: LogHead::empty(),
            tree: MerkleAccumulator::new(),
            keys: KeyCache::default(),
            expected_origin: None,
            expected_genesis: None,
            genesis_hash: None,
            first_time: None,
            pool: None,
            filling: Chunk {
                number: 0,
                first: 1,
                bytes: Vec::new(),
                ends: Vec::new(),
                unterminated: false,
            },
            in_flight: 0,
            next_back: 0,
            early: BTreeMap::new(),
            lines: 0,
            failed: false,
            chunk_lines: CHUNK_LINES,
        }
    }

    /// Cuts chunks of at most `lines` lines (default [`CHUNK_LINES`]); tests use small chunks
    /// to put chunk boundaries everywhere.
    pub fn chunk_lines(mut self, lines: usize) -> StreamVerifier {
        self.chunk_lines = lines.max(1);
        self
    }

    /// Requires the ledger to have this origin (e.g. the checkpoint's origin line).
    pub fn expect_origin(mut self, origin: &str) -> StreamVerifier {
        self.expected_origin = Some(origin.to_string());
        self
    }

    /// Requires the genesis entry to have this hash (e.g. printed on the notice board).
    pub fn expect_genesis_hash(mut self, hash: Hash) -> StreamVerifier {
        self.expected_genesis = Some(hash);
        self
    }

    /// Entries verified and handed to the callback so far.
    pub fn size(&self) -> u64 {
        self.head.size()
    }

    /// Feeds the next line (without its line feed). `terminated` is false only for a last line
    /// that had no line feed. `on_entry` is called, in log order, for every entry whose format,
    /// chain position and signatures are verified, with the Merkle tree including it.
    pub fn push<E>(
        &mut self,
        line: &[u8],
        terminated: bool,
        on_entry: &mut impl FnMut(&Entry, &MerkleAccumulator) -> Result<(), E>,
    ) -> Result<(), StreamError<E>> {
        if self.failed {
            return Ok(());
        }
        self.lines += 1;
        if self.lines == 1 {
            // The genesis entry names the origin every signature binds: check it here, then
            // start the workers.
            return self.push_genesis(line, terminated, on_entry);
        }
        self.filling.bytes.extend_from_slice(line);
        self.filling.ends.push(self.filling.bytes.len());
        self.filling.unterminated = !terminated;
        if self.filling.ends.len() >= self.chunk_lines
            || self.filling.bytes.len() >= CHUNK_BYTES
            || !terminated
        {
            self.send_chunk(on_entry)?;
        }
        Ok(())
    }

    fn push_genesis<E>(
        &mut self,
        line: &[u8],
        terminated: bool,
        on_entry: &mut impl FnMut(&Entry, &MerkleAccumulator) -> Result<(), E>,
    ) -> Result<(), StreamError<E>> {
        let fail = |s: &mut Self, e: LogError| {
            s.failed = true;
            Err(StreamError::Log(e))
        };
        let entry = match Entry::parse(line) {
            Ok(entry) => entry,
            Err(error) => {
                return fail(
                    self,
                    LogError::Malformed {
                        seq: 0,
                        line: 1,
                        error,
                    },
                );
            }
        };
        let origin = match self.check_position(&entry) {
            Ok(origin) => origin,
            Err(e) => return fail(self, e),
        };
        let checks = match SignatureCheck::for_entry(&origin, &entry, &mut self.keys) {
            Ok(checks) => checks,
            Err(e) => return fail(self, e),
        };
        if let Err(e) = verify_signatures(&checks) {
            return fail(self, e);
        }
        if !terminated {
            return fail(self, LogError::UnterminatedLastLine { seq: 0 });
        }
        self.accept(&entry, on_entry)?;
        self.pool = Some(Pool::new(self.threads, &origin));
        self.filling.number = 0;
        Ok(())
    }

    fn check_position(&self, entry: &Entry) -> Result<String, LogError> {
        crate::log::check_position(
            &self.head,
            entry,
            self.expected_origin.as_deref(),
            self.expected_genesis,
        )
    }

    fn accept<E>(
        &mut self,
        entry: &Entry,
        on_entry: &mut impl FnMut(&Entry, &MerkleAccumulator) -> Result<(), E>,
    ) -> Result<(), StreamError<E>> {
        self.head.advance(entry);
        self.tree.push(entry.hash());
        if entry.seq() == 0 {
            self.genesis_hash = Some(entry.hash());
            self.first_time = Some(entry.recorded_at());
        }
        on_entry(entry, &self.tree).map_err(|e| {
            self.failed = true;
            StreamError::Stopped(e)
        })
    }

    fn send_chunk<E>(
        &mut self,
        on_entry: &mut impl FnMut(&Entry, &MerkleAccumulator) -> Result<(), E>,
    ) -> Result<(), StreamError<E>> {
        if self.filling.ends.is_empty() {
            return Ok(());
        }
        let number = self.filling.number;
        let next_first = self.filling.first + self.filling.ends.len() as u64;
        let chunk = std::mem::replace(
            &mut self.filling,
            Chunk {
                number: number + 1,
                first: next_first,
                bytes: Vec::with_capacity(CHUNK_BYTES.min(256 * 1024)),
                ends: Vec::with_capacity(CHUNK_LINES),
                unterminated: false,
            },
        );
        // Keep at most threads + 1 chunks in flight (one being checked by each worker, one
        // waiting): take back the oldest before sending.
        while self.in_flight > self.threads as u64 {
            self.take_back(on_entry)?;
        }
        let Some(pool) = &self.pool else {
            return Ok(());
        };
        let Some(jobs) = &pool.jobs else {
            return Ok(());
        };
        if let Err(std::sync::mpsc::SendError(chunk)) = jobs.send(chunk) {
            // Only if every worker died: check the chunk on this thread instead.
            let origin = self.head.origin().unwrap_or_default().to_string();
            let checked = check_chunk(chunk, &origin, &mut self.keys);
            self.early.insert(number, checked);
        }
        self.in_flight += 1;
        Ok(())
    }

    /// Waits for the oldest chunk in flight and judges its entries in order.
    fn take_back<E>(
        &mut self,
        on_entry: &mut impl FnMut(&Entry, &MerkleAccumulator) -> Result<(), E>,
    ) -> Result<(), StreamError<E>> {
        let wanted = self.next_back;
        let checked = loop {
            if let Some(checked) = self.early.remove(&wanted) {
                break checked;
            }
            let Some(pool) = &self.pool else {
                return Ok(());
            };
            match pool.results.recv() {
                Ok(checked) if checked.number == wanted => break checked,
                Ok(checked) => {
                    self.early.insert(checked.number, checked);
                }
                Err(_) => {
                    // Every worker is gone (one panicked): a bug, not a property of the log.
                    panic!("signature verification workers stopped");
                }
            }
        };
        self.next_back += 1;
        self.in_flight -= 1;
        self.judge(checked, on_entry)
    }

    fn judge<E>(
        &mut self,
        checked: Checked,
        on_entry: &mut impl FnMut(&Entry, &MerkleAccumulator) -> Result<(), E>,
    ) -> Result<(), StreamError<E>> {
        let Checked {
            entries,
            stop,
            bad_signature,
            unterminated,
            ..
        } = checked;
        let count = entries.len();
        let fail = |s: &mut Self, e: LogError| {
            s.failed = true;
            Err(StreamError::Log(e))
        };
        let (stop_at, stop) = match stop {
            Some((index, stop)) => (Some(index), Some(stop)),
            None => (None, None),
        };
        let mut stop = stop;
        for (index, entry) in entries.into_iter().enumerate() {
            if let Err(e) = self.check_position(&entry) {
                return fail(self, e);
            }
            if stop_at == Some(index) {
                if let Some(Stop::Key(e)) = stop.take() {
                    return fail(self, e);
                }
            }
            if let Some(LogError::BadSignature { seq, key }) = &bad_signature {
                if *seq == entry.seq() {
                    return fail(
                        self,
                        LogError::BadSignature {
                            seq: *seq,
                            key: *key,
                        },
                    );
                }
            }
            if unterminated && index + 1 == count && stop.is_none() {
                return fail(self, LogError::UnterminatedLastLine { seq: entry.seq() });
            }
            self.accept(&entry, on_entry)?;
        }
        if let Some(Stop::Malformed(error)) = stop {
            let seq = self.head.size();
            return fail(
                self,
                LogError::Malformed {
                    seq,
                    line: seq + 1,
                    error,
                },
            );
        }
        if let Some(other) = bad_signature {
            // A batch failure the loop did not place (cannot happen: it names one of the entries).
            return fail(self, other);
        }
        Ok(())
    }

    /// Verifies what is still in flight and returns what the log established.
    pub fn finish<E>(
        mut self,
        on_entry: &mut impl FnMut(&Entry, &MerkleAccumulator) -> Result<(), E>,
    ) -> Result<VerifiedLog, StreamError<E>> {
        if !self.failed {
            self.send_chunk(on_entry)?;
            while self.in_flight > 0 {
                self.take_back(on_entry)?;
            }
        }
        let (Some(genesis_hash), Some(first_time), Some(last_time), Some(origin)) = (
            self.genesis_hash,
            self.first_time,
            self.head.last_time(),
            self.head.origin(),
        ) else {
            return Err(StreamError::Log(LogError::Empty));
        };
        Ok(VerifiedLog {
            origin: origin.to_string(),
            genesis_hash,
            tree_head: self.tree.tree_head(),
            first_time,
            last_time,
        })
    }
}
