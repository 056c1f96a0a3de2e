//! What the notice board reads from the log beyond the ledger's projections: the period closes,
//! each expenditure payment with its invoice (the `expense_paid` entry is the only place the
//! invoice is written) and whether it was reversed, who held which role from which entry on,
//! the fee items' names, and the genesis hash.
//!
//! `Ledger` keeps what the rules need (a proposal's payee and amount, the entry that paid it)
//! but not the invoice, and forgets a payment once it is reversed; a statement must still list
//! both. So the board walks the log — once: the facts are kept per ledger and brought up to date
//! by reading only the entries appended since ([`FactsCache::read`]), in pages of at most
//! [`ENTRIES_PER_READ_MAX`]. Each fact carries its entry's `seq`, so a page that reflects an
//! older size than the cache has reached ignores the later ones.

use gongzhang_core::Hash;
use gongzhang_core::entry::{Entry, EntryError, RecordedAt};
use gongzhang_core::keys::PublicKey;
use gongzhang_core::ledger::events::{BodyError, Invoice, LedgerEvent};
use gongzhang_core::ledger::types::{Channel, Period, PeriodRange, Role};
use gongzhang_store::backend::{Backend, StoreError};
use gongzhang_store::store::{ENTRIES_PER_READ_MAX, Store};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, PoisonError};

/// Ledgers whose facts are kept at once; beyond it one is dropped (and walked again if asked
/// for), so a city's thousands of communities cannot grow the cache without bound.
pub const FACTS_LEDGERS_MAX: usize = 256;

/// A period close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseFact {
    /// Its entry.
    pub seq: u64,
    /// When it was recorded.
    pub recorded_at: RecordedAt,
    /// The months it closed.
    pub period: PeriodRange,
}

/// An expenditure payment (`expense_paid`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentFact {
    /// Its entry.
    pub seq: u64,
    /// When it was recorded.
    pub recorded_at: RecordedAt,
    /// The month (Beijing time) it was recorded in: the statement that counts it.
    pub month: Period,
    /// The proposal's event id (payee, category, fund and amount are the proposal's).
    pub proposal: String,
    /// How it was paid.
    pub channel: Channel,
    /// The invoice or receipt.
    pub invoice: Invoice,
    /// The reversal's entry, if it was reversed.
    pub reversed_by: Option<u64>,
}

/// The facts of entries `0..size` of one ledger.
#[derive(Debug, Clone, Default)]
pub struct LogFacts {
    /// Entries read.
    pub size: u64,
    /// The genesis entry's hash.
    pub genesis_hash: Option<Hash>,
    /// Period closes, in log order.
    pub closes: Vec<CloseFact>,
    /// Expenditure payments, in log order.
    pub payments: Vec<PaymentFact>,
    /// `expense_paid` event id → index in `payments`.
    payment_by_event: HashMap<String, usize>,
    /// Every role each key was given, with the entry that gave it (the genesis or a grant).
    pub roles: HashMap<PublicKey, Vec<(u64, Role)>>,
    /// Fee items' names for people (物业费), by item, from the fee schedules (a later schedule's
    /// name wins), as the export bundle's CSV names them.
    pub item_names: BTreeMap<String, String>,
}

impl LogFacts {
    /// The roles `key` held at entry `seq` (given at or before it), in a fixed order.
    pub fn roles_at(&self, key: &PublicKey, seq: u64) -> Vec<Role> {
        let mut out: Vec<Role> = self
            .roles
            .get(key)
            .into_iter()
            .flatten()
            .filter(|(given, _)| *given <= seq)
            .map(|(_, role)| *role)
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Parses and adds the next entry.
    fn push_bytes(&mut self, bytes: &[u8]) -> Result<(), FactsError> {
        let expected = self.size;
        let entry = Entry::parse(bytes).map_err(|e: EntryError| FactsError::entry(expected, e))?;
        if entry.seq() != expected {
            return Err(FactsError::entry(
                expected,
                format!("the entry says it is entry {}", entry.seq()),
            ));
        }
        self.push(&entry)
            .map_err(|e| FactsError::entry(expected, e))
    }

    /// Adds the next entry.
    fn push(&mut self, entry: &Entry) -> Result<(), BodyError> {
        let seq = entry.seq();
        let grant = |roles: &mut HashMap<PublicKey, Vec<(u64, Role)>>, key, role| {
            roles.entry(key).or_default().push((seq, role));
        };
        match LedgerEvent::from_event(entry.event())? {
            LedgerEvent::LedgerOpened(open) => {
                self.genesis_hash = Some(entry.hash());
                for member in &open.committee {
                    grant(&mut self.roles, member.0, Role::CommitteeMember);
                }
                grant(&mut self.roles, open.treasurer.0, Role::Treasurer);
                grant(&mut self.roles, open.auditor.0, Role::Auditor);
            }
            LedgerEvent::RoleGranted(g) => grant(&mut self.roles, g.key.0, g.role),
            LedgerEvent::FeeScheduleAdopted(schedule) => {
                for item in schedule.items {
                    self.item_names.insert(
                        item.item.as_str().to_string(),
                        item.name.as_str().to_string(),
                    );
                }
            }
            LedgerEvent::ExpensePaid(paid) => {
                self.payment_by_event
                    .insert(entry.event().id().to_string(), self.payments.len());
                self.payments.push(PaymentFact {
                    seq,
                    recorded_at: entry.recorded_at(),
                    month: Period::of_time(entry.recorded_at()),
                    proposal: paid.proposal,
                    channel: paid.channel,
                    invoice: paid.invoice,
                    reversed_by: None,
                });
            }
            LedgerEvent::Reversal(r) => {
                if let Some(&i) = self.payment_by_event.get(&r.reverses) {
                    self.payments[i].reversed_by = Some(seq);
                }
            }
            LedgerEvent::PeriodClosed(close) => self.closes.push(CloseFact {
                seq,
                recorded_at: entry.recorded_at(),
                period: close.statement.period,
            }),
            _ => {}
        }
        self.size = seq + 1;
        Ok(())
    }
}

/// Why the facts could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum FactsError {
    /// Reading the log.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// A stored entry does not parse (the store verified it when it was appended: a damaged
    /// database).
    #[error("stored entry {seq}: {reason}")]
    Entry {
        /// The entry.
        seq: u64,
        /// What is wrong.
        reason: String,
    },
}

impl FactsError {
    fn entry(seq: u64, reason: impl ToString) -> FactsError {
        FactsError::Entry {
            seq,
            reason: reason.to_string(),
        }
    }
}

/// The facts of every ledger served, kept between requests. Each ledger's facts have their own
/// lock, so that walking one community's log does not hold up another's pages.
#[derive(Debug, Default)]
pub struct FactsCache {
    ledgers: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<LogFacts>>>>,
}

impl FactsCache {
    /// Runs `f` on the facts of at least the first `size` entries of the ledger `origin`,
    /// reading the entries not read yet.
    pub async fn read<B: Backend, R>(
        &self,
        store: &Store<B>,
        origin: &str,
        size: u64,
        f: impl FnOnce(&LogFacts) -> R,
    ) -> Result<R, FactsError> {
        let slot = {
            let mut ledgers = self.ledgers.lock().unwrap_or_else(PoisonError::into_inner);
            if !ledgers.contains_key(origin) && ledgers.len() >= FACTS_LEDGERS_MAX {
                if let Some(evict) = ledgers.keys().next().cloned() {
                    ledgers.remove(&evict);
                }
            }
            Arc::clone(ledgers.entry(origin.to_string()).or_default())
        };
        let mut guard = slot.lock().await;
        while guard.size < size {
            let from = guard.size;
            let to = size.min(from.saturating_add(ENTRIES_PER_READ_MAX));
            let page = store.entries(origin, from, to).await?;
            if page.is_empty() {
                return Err(FactsError::entry(from, "the store returned no entries"));
            }
            // Parsing a page is CPU work: off the async workers. The facts up to a bad entry
            // stay, so the next request fails at the same place.
            let mut facts = std::mem::take(&mut *guard);
            let (facts, result) = tokio::task::spawn_blocking(move || {
                let result = page.iter().try_for_each(|bytes| facts.push_bytes(bytes));
                (facts, result)
            })
            .await
            .map_err(|join| FactsError::entry(from, join))?;
            *guard = facts;
            result?;
        }
        Ok(f(&guard))
    }
}
