//! The verifying witness for Gongzhang ledgers (`gongzhang witness --log 'VKEY=URL'`): before it
//! cosigns a larger tree of such a log, it fetches the new entries from the log's API, checks them
//! as the log's own server checks an append — place, chain, time, authors' signatures, the whole
//! rule book from the state it kept — and that they give the checkpoint's root, and keeps them: a
//! mirror of every community's books in the witness's database ([`Store::import_published`],
//! [`Store::extend_mirror`]). A log whose entries break a rule or do not match its checkpoint gets
//! no cosignature; the refusal names the rule and the entry.

use gongzhang_core::merkle::TreeHead;
use gongzhang_core::note::VerifierKey;
use gongzhang_store::backend::{Backend, StoreError};
use gongzhang_store::import::ImportError;
use gongzhang_store::store::Store;
use gongzhang_text::explain::code_of;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// How long fetching a log's new entries may take, in milliseconds.
pub const FETCH_TIMEOUT_MS: u64 = 60_000;
/// The most bytes of entries fetched for one request (a first import of a community's log
/// included): 256 MiB, about 350,000 entries.
pub const FETCH_BYTES_MAX: u64 = 256 * 1024 * 1024;

/// Why the witness does not vouch for a log's new entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unverified {
    /// The entries could not be fetched (the log's API is down or answered wrongly): nothing was
    /// judged; the log may ask again (answered 503).
    Unreachable(String),
    /// The entries the log published break a rule or do not match its signed checkpoint
    /// (answered 422, and recorded).
    Refused {
        /// The entry, where the failure names one.
        seq: Option<u64>,
        /// A stable code: the rule's or the log check's.
        code: String,
        /// What is wrong, in words.
        reason: String,
    },
}

impl std::fmt::Display for Unverified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unverified::Unreachable(why) => {
                write!(f, "the log's entries could not be fetched: {why}")
            }
            Unverified::Refused {
                seq: Some(seq),
                code,
                reason,
            } => {
                write!(f, "entry {seq} of the log fails {code}: {reason}")
            }
            Unverified::Refused {
                seq: None,
                code,
                reason,
            } => write!(f, "the log fails {code}: {reason}"),
        }
    }
}

/// A mirrored ledger's figures, for the street office's console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerSummary {
    /// The community's name.
    pub community: String,
    /// Entries mirrored.
    pub size: u64,
    /// The funds' balances together, in fen.
    pub funds_fen: i128,
    /// Registered households.
    pub households: usize,
    /// Households owing anything, and what they owe together (fen).
    pub in_arrears: usize,
    /// What they owe together, in fen.
    pub arrears_fen: i128,
    /// The last closed period, `YYYY-MM`.
    pub last_closed: Option<gongzhang_core::ledger::types::Period>,
    /// The month of the last entry.
    pub last_period: Option<gongzhang_core::ledger::types::Period>,
    /// Expenditures above the approval threshold still awaiting approvals.
    pub pending_approvals: usize,
}

impl LedgerSummary {
    /// The figures of `ledger`.
    pub fn of(ledger: &gongzhang_core::ledger::Ledger) -> LedgerSummary {
        let owed: Vec<i128> = ledger
            .households()
            .values()
            .map(|h| h.charged_total() - h.paid_total())
            .filter(|owed| *owed > 0)
            .collect();
        LedgerSummary {
            community: ledger.community().to_owned(),
            size: ledger.size(),
            funds_fen: ledger
                .fund_balances()
                .values()
                .map(|f| i128::from(f.get()))
                .sum(),
            households: ledger.households().len(),
            in_arrears: owed.len(),
            arrears_fen: owed.iter().sum(),
            last_closed: ledger.last_closed(),
            last_period: ledger.last_period(),
            pending_approvals: ledger.pending_approvals().len(),
        }
    }
}

/// What a witness asks of a verifier: that the log `origin`'s entries up to `head` (whose signed
/// checkpoint is `note`) are all checked, and kept.
pub trait Verify: Send + Sync + 'static {
    /// Whether this origin's entries are checked (a log witnessed for consistency only is not).
    fn watches(&self, origin: &str) -> bool;
    /// Checks and keeps the log's entries up to `head`.
    fn verify<'a>(
        &'a self,
        origin: &'a str,
        note: &'a str,
        head: TreeHead,
    ) -> Pin<Box<dyn Future<Output = Result<(), Unverified>> + Send + 'a>>;
    /// The figures of the mirrored ledger `origin`, if it is mirrored.
    fn summary<'a>(
        &'a self,
        origin: &'a str,
    ) -> Pin<Box<dyn Future<Output = Option<LedgerSummary>> + Send + 'a>>;
}

/// Where a Gongzhang ledger publishes: its log key and its server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerSource {
    /// The log's verifier key (its name is the origin).
    pub log_key: VerifierKey,
    /// The server's base URL, e.g. `http://hexie.example:8080`.
    pub url: String,
}

/// The verifier over a mirror in `store`.
#[derive(Debug)]
pub struct LedgerMirror<B: Backend> {
    store: Store<B>,
    sources: BTreeMap<String, LedgerSource>,
    agent: ureq::Agent,
}

impl<B: Backend> LedgerMirror<B> {
    /// A mirror in `store` of the ledgers `sources` publish.
    pub fn new(store: Store<B>, sources: Vec<LedgerSource>) -> LedgerMirror<B> {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_millis(FETCH_TIMEOUT_MS)))
            .http_status_as_error(false)
            .build()
            .into();
        LedgerMirror {
            store,
            sources: sources
                .into_iter()
                .map(|s| (s.log_key.name().to_owned(), s))
                .collect(),
            agent,
        }
    }

    /// The mirror's store (the street office's copy of every community's books).
    pub fn store(&self) -> &Store<B> {
        &self.store
    }

    async fn sync(&self, origin: &str, note: &str, head: TreeHead) -> Result<(), Unverified> {
        let Some(source) = self.sources.get(origin) else {
            return Ok(());
        };
        let have = match self.store.size(origin).await {
            Ok(size) => size,
            Err(StoreError::UnknownLedger(_)) => 0,
            Err(e) => return Err(Unverified::Unreachable(format!("the mirror: {e}"))),
        };
        if have >= head.size {
            // Already kept (a request that lost a race, or the log repeating itself): the
            // checkpoint must state what the kept entries give.
            let root = self
                .store
                .root(origin, head.size)
                .await
                .map_err(|e| Unverified::Unreachable(format!("the mirror: {e}")))?;
            if root != head.root {
                return Err(Unverified::Refused {
                    seq: None,
                    code: "root_mismatch".into(),
                    reason: format!(
                        "the checkpoint of size {} says root {}, the entries the log published before give {}",
                        head.size, head.root, root
                    ),
                });
            }
            return Ok(());
        }
        let lines = self.fetch(source, have, head.size).await?;
        let outcome = if have == 0 {
            self.store
                .import_published(
                    std::io::Cursor::new(lines),
                    note,
                    &source.log_key,
                    &[],
                    |_| {},
                )
                .await
                .map(|_| ())
        } else {
            self.store
                .extend_mirror(&source.log_key, &lines, note, &[])
                .await
                .map(|_| ())
        };
        match outcome {
            Ok(()) => Ok(()),
            // Another request imported the log first: judge this checkpoint against what it kept.
            Err(ImportError::LedgerExists { .. }) => Box::pin(self.sync(origin, note, head)).await,
            Err(error) => Err(refusal(error)),
        }
    }

    async fn fetch(
        &self,
        source: &LedgerSource,
        from: u64,
        to: u64,
    ) -> Result<Vec<u8>, Unverified> {
        let url = format!(
            "{}/api/v1/ledgers/{}/log?from={from}&to={to}",
            source.url.trim_end_matches('/'),
            gongzhang_server::ledger_segment(source.log_key.name())
        );
        let agent = self.agent.clone();
        let fetched = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
            let response = agent
                .get(&url)
                .call()
                .map_err(|e| format!("GET {url}: {e}"))?;
            let status = response.status().as_u16();
            if status != 200 {
                return Err(format!("GET {url}: HTTP {status}"));
            }
            response
                .into_body()
                .with_config()
                .limit(FETCH_BYTES_MAX)
                .read_to_vec()
                .map_err(|e| format!("reading {url}: {e}"))
        })
        .await
        .map_err(|e| Unverified::Unreachable(e.to_string()))?;
        fetched.map_err(Unverified::Unreachable)
    }
}

/// What a refused import or extension says about the log.
fn refusal(error: ImportError) -> Unverified {
    match error {
        ImportError::Rule(rule) => Unverified::Refused {
            seq: Some(rule.seq),
            code: code_of(&rule.violation),
            reason: rule.to_string(),
        },
        ImportError::Log(log) => Unverified::Refused {
            seq: log.seq(),
            code: code_of(&log),
            reason: log.to_string(),
        },
        ImportError::Store(e) => Unverified::Unreachable(format!("the mirror: {e}")),
        other => Unverified::Refused {
            seq: None,
            code: code_of(&other),
            reason: other.to_string(),
        },
    }
}

impl<B: Backend> Verify for LedgerMirror<B> {
    fn watches(&self, origin: &str) -> bool {
        self.sources.contains_key(origin)
    }

    fn verify<'a>(
        &'a self,
        origin: &'a str,
        note: &'a str,
        head: TreeHead,
    ) -> Pin<Box<dyn Future<Output = Result<(), Unverified>> + Send + 'a>> {
        Box::pin(self.sync(origin, note, head))
    }

    fn summary<'a>(
        &'a self,
        origin: &'a str,
    ) -> Pin<Box<dyn Future<Output = Option<LedgerSummary>> + Send + 'a>> {
        Box::pin(async move {
            if !self.sources.contains_key(origin) {
                return None;
            }
            self.store.read_ledger(origin, LedgerSummary::of).await.ok()
        })
    }
}
