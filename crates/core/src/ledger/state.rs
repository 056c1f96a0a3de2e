//! The state of a community ledger after some entries, and how an entry enters it.
//!
//! [`Ledger::apply`] checks one entry against everything before it (the rules are in
//! [`super::rules`], one file per group of event kinds) and, if it keeps every rule, folds it in
//! and returns the double-entry postings it derives. The store runs this before appending; the
//! verifier while replaying — the same code, so a log the server accepted is a log the verifier
//! accepts.
//!
//! `apply` checks everything before it changes anything: an entry that breaks a rule leaves the
//! ledger exactly as it was. Every rule keeps to that: it checks first, and changes the state
//! only once nothing can fail any more (or through [`Ledger::post`], which changes nothing when
//! it refuses).
//!
//! The part of the state that grows with the log is [`EventIndex`]: one small slot per entry.

use super::accounts::{Account, Posting, balances};
use super::events::{
    BudgetLine, EventKind, ExpenseProposed, FeeScheduleAdopted, Governance, LedgerEvent,
};
use super::households::Household;
use super::types::{Fen, FundId, Matter, Period, Slug, Unit};
use super::violation::{RuleError, Violation};
use crate::entry::Entry;
use crate::hash::sha256;
use crate::keys::PublicKey;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The postings an entry derived (empty for events that move no money).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Applied {
    /// Debits positive, credits negative; they sum to zero.
    pub postings: Vec<Posting>,
}

/// How to undo a reversible event (kept small: one for every entry of the log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Undo {
    /// The event cannot be reversed.
    NotReversible,
    /// Reversing it changes no state (a demand, an approval).
    Nothing,
    /// A payment: the household (by registration order); the payment is found by its entry.
    Payment { household: u32 },
    /// Charges assessed for a month: each household's charges of that entry.
    Charges { period: Period },
    /// Money moved by postings and movements (kept in [`EventIndex::money`]).
    Money,
    /// An expenditure proposal (withdrawn by the reversal).
    Proposal,
}

/// What undoing a money event takes; undoing an expense payment also reopens its proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct MoneyUndo {
    /// The postings the event derived.
    pub(super) postings: Vec<Posting>,
    /// The movements it added to its month.
    pub(super) movements: Vec<Movement>,
    /// The proposal an expense payment paid.
    pub(super) reopens: Option<String>,
}

/// One entry, as later entries need it: to refuse its id again, and to reverse it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct EventSlot {
    /// The first 128 bits of SHA-256 of the event id.
    id: [u8; 16],
    /// A 32-bit hash of the event's canonical bytes: tells a resubmission from a different
    /// event under the same id (both are refused; only the message differs).
    pub(super) content: u32,
    /// The event's kind.
    kind: EventKind,
    /// How to reverse it.
    pub(super) undo: Undo,
}

/// Every entry's [`EventSlot`], by sequence number, and an index of their ids: about 50 bytes an
/// entry, the part of the state that grows with the log (ids must stay unique for ever and any
/// entry may be reversed).
///
/// Ids are compared by a 128-bit SHA-256 prefix: telling two ids apart takes finding a
/// collision in it (2^64 work), and the server and every verifier compare the same way.
#[derive(Debug, Clone, Default)]
pub(super) struct EventIndex {
    slots: Vec<EventSlot>,
    /// Sequence numbers, hashed by their id.
    by_id: hashbrown::HashTable<u32>,
    /// Entries reversed, with the entry that reversed each.
    pub(super) reversed_by: HashMap<u64, u64>,
    /// Undo data of money events, by sequence number.
    pub(super) money: HashMap<u64, MoneyUndo>,
}

impl PartialEq for EventIndex {
    fn eq(&self, other: &EventIndex) -> bool {
        // `by_id` is a function of `slots`.
        self.slots == other.slots
            && self.reversed_by == other.reversed_by
            && self.money == other.money
    }
}
impl Eq for EventIndex {}

fn id_hash(id: &[u8; 16]) -> u64 {
    u64::from_le_bytes([id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7]])
}

impl EventIndex {
    fn fingerprint(id: &str) -> [u8; 16] {
        let h = sha256(id.as_bytes());
        let mut out = [0; 16];
        out.copy_from_slice(&h.as_bytes()[..16]);
        out
    }

    /// The entry with this event id.
    pub(super) fn find(&self, id: &str) -> Option<u64> {
        self.find_fingerprint(&EventIndex::fingerprint(id))
    }

    /// The entry whose event id has this fingerprint.
    pub(super) fn find_fingerprint(&self, fp: &[u8; 16]) -> Option<u64> {
        let fp = *fp;
        self.by_id
            .find(id_hash(&fp), |&seq| self.slots[seq as usize].id == fp)
            .map(|&seq| u64::from(seq))
    }

    pub(super) fn slot(&self, seq: u64) -> &EventSlot {
        &self.slots[seq as usize]
    }

    /// The kind of entry `seq`'s event.
    pub(super) fn kind(&self, seq: u64) -> EventKind {
        self.slot(seq).kind
    }

    /// Keeps what undoing money event `seq` takes.
    pub(super) fn keep_money_undo(
        &mut self,
        seq: u64,
        postings: &[Posting],
        movements: Vec<Movement>,
        reopens: Option<String>,
    ) -> Undo {
        let undo = MoneyUndo {
            postings: postings.to_vec(),
            movements,
            reopens,
        };
        self.money.insert(seq, undo);
        Undo::Money
    }

    /// A 32-bit hash of an event's canonical bytes.
    pub(super) fn content_hash(content: &[u8]) -> u32 {
        use std::hash::Hasher as _;
        // Never stored or sent: only compared with another hash made by this same process.
        let mut h = std::hash::DefaultHasher::new();
        h.write(content);
        (h.finish() >> 32) as u32
    }

    /// Adds entry `seq` (the next one; `apply` refuses entries beyond u32::MAX), whose event id
    /// has fingerprint `id`.
    fn push(&mut self, seq: u64, id: [u8; 16], content: &[u8], kind: EventKind, undo: Undo) {
        debug_assert_eq!(seq, self.slots.len() as u64);
        let seq = u32::try_from(seq).unwrap_or(u32::MAX);
        let slot = EventSlot {
            id,
            content: EventIndex::content_hash(content),
            kind,
            undo,
        };
        let slots = &self.slots;
        self.by_id
            .insert_unique(id_hash(&slot.id), seq, |&s| id_hash(&slots[s as usize].id));
        self.slots.push(slot);
    }
}

/// A committee decision on an expenditure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// Entry that proposed it.
    pub seq: u64,
    /// The proposal.
    pub body: ExpenseProposed,
    /// Who proposed it (the treasurer's key at the time).
    pub proposer: PublicKey,
    /// Members who approved it.
    pub approvals: BTreeSet<PublicKey>,
    /// Entry that paid it.
    pub paid_at: Option<u64>,
    /// Whether it was withdrawn.
    pub withdrawn: bool,
}

/// Money moved in one month, by kind, fund and category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum MoveKind {
    /// Fees charged (assessed).
    Charged,
    /// Money received.
    Received,
    /// Money spent.
    Spent,
    /// Money transferred in (positive) or out (negative).
    Transferred,
}

/// One amount added to a month's totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Movement {
    pub(super) kind: MoveKind,
    pub(super) fund: FundId,
    pub(super) category: Option<Slug>,
    pub(super) amount: i128,
}

/// One month's totals, by kind, fund and category.
pub(super) type MonthTotals = BTreeMap<(MoveKind, FundId, Option<Slug>), i128>;

/// The state of a community ledger after some entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    pub(super) size: u64,
    pub(super) origin: String,
    pub(super) community: String,
    pub(super) log_key: String,
    pub(super) first_period: Option<Period>,
    pub(super) governance: Option<Governance>,
    pub(super) committee: BTreeSet<PublicKey>,
    pub(super) treasurer: Option<PublicKey>,
    pub(super) auditor: Option<PublicKey>,
    pub(super) revoked: BTreeMap<PublicKey, u64>,
    pub(super) households: BTreeMap<Unit, Household>,
    pub(super) schedules: Vec<FeeScheduleAdopted>,
    pub(super) accounts: BTreeMap<Account, Fen>,
    pub(super) opening: BTreeMap<FundId, Fen>,
    pub(super) events: EventIndex,
    /// The fingerprint of the id of the entry being (or last) applied, computed once per entry.
    pub(super) id_fingerprint: [u8; 16],
    /// `(first seq, month)`: the month (Beijing time) entries from `first seq` on were recorded in.
    pub(super) recorded_in: Vec<(u64, Period)>,
    /// Units in registration order (households are named by their index in undo data).
    pub(super) units: Vec<Unit>,
    pub(super) proposals: BTreeMap<String, Proposal>,
    pub(super) decisions: HashMap<String, (Matter, bool)>,
    pub(super) months: BTreeMap<Period, MonthTotals>,
    pub(super) last_closed: Option<Period>,
    pub(super) budgets: BTreeMap<u16, Vec<BudgetLine>>,
    pub(super) last_period: Option<Period>,
}

fn add(a: Fen, b: Fen) -> Result<Fen, Violation> {
    a.checked_add(b).map_err(|_| Violation::AmountOutOfRange)
}

/// `v` as an amount, if it is one.
pub(super) fn fen_from(v: i128) -> Result<Fen, Violation> {
    i64::try_from(v)
        .ok()
        .and_then(|v| Fen::new(v).ok())
        .ok_or(Violation::AmountOutOfRange)
}

impl Ledger {
    /// An empty ledger, waiting for its genesis entry.
    pub fn new() -> Ledger {
        Ledger::default()
    }

    /// Entries applied.
    pub fn size(&self) -> u64 {
        self.size
    }
    /// The ledger's origin.
    pub fn origin(&self) -> &str {
        &self.origin
    }
    /// The community's name.
    pub fn community(&self) -> &str {
        &self.community
    }
    /// The log's verifier key string as the genesis names it.
    pub fn log_key(&self) -> &str {
        &self.log_key
    }
    /// The current committee members.
    pub fn committee(&self) -> &BTreeSet<PublicKey> {
        &self.committee
    }
    /// The current treasurer.
    pub fn treasurer(&self) -> Option<PublicKey> {
        self.treasurer
    }
    /// The current auditor.
    pub fn auditor(&self) -> Option<PublicKey> {
        self.auditor
    }
    /// Whether `key` holds a role now (committee member, treasurer or auditor): the people who
    /// may sign for this ledger, and so upload its attachments. A revoked key holds none.
    pub fn holds_role(&self, key: &PublicKey) -> bool {
        self.committee.contains(key) || self.treasurer == Some(*key) || self.auditor == Some(*key)
    }
    /// Revoked keys and the entry that revoked each.
    pub fn revoked(&self) -> &BTreeMap<PublicKey, u64> {
        &self.revoked
    }
    /// The governance settings.
    pub fn governance(&self) -> Option<&Governance> {
        self.governance.as_ref()
    }
    /// The first month accounted for.
    pub fn first_period(&self) -> Option<Period> {
        self.first_period
    }
    /// The last month closed.
    pub fn last_closed(&self) -> Option<Period> {
        self.last_closed
    }
    /// The month (Beijing time) of the last entry applied.
    pub fn last_period(&self) -> Option<Period> {
        self.last_period
    }
    /// The registered households.
    pub fn households(&self) -> &BTreeMap<Unit, Household> {
        &self.households
    }
    /// Every account with its balance (debit positive).
    pub fn accounts(&self) -> &BTreeMap<Account, Fen> {
        &self.accounts
    }
    /// Expenditure proposals by id.
    pub fn proposals(&self) -> &BTreeMap<String, Proposal> {
        &self.proposals
    }
    /// Adopted budgets by year.
    pub fn budgets(&self) -> &BTreeMap<u16, Vec<BudgetLine>> {
        &self.budgets
    }
    /// The funds that exist, with the money each holds.
    pub fn fund_balances(&self) -> BTreeMap<FundId, Fen> {
        self.accounts
            .iter()
            .filter_map(|(a, v)| match a {
                Account::Money(f) => Some((f.clone(), *v)),
                _ => None,
            })
            .collect()
    }
    /// The money a fund holds, if it exists.
    pub fn fund_balance(&self, fund: &FundId) -> Option<Fen> {
        self.accounts.get(&Account::Money(fund.clone())).copied()
    }

    /// Checks `entry` against the rules and, if it keeps them, applies it.
    ///
    /// Entries must come in log order (the log layer checks sequence and chain first).
    pub fn apply(&mut self, entry: &Entry) -> Result<Applied, RuleError> {
        let fingerprint = EventIndex::fingerprint(entry.event().id());
        let previous = std::mem::replace(&mut self.id_fingerprint, fingerprint);
        let result = self.check_and_apply(entry);
        if result.is_err() {
            // A refused entry leaves the ledger exactly as it was.
            self.id_fingerprint = previous;
        }
        result
    }

    fn check_and_apply(&mut self, entry: &Entry) -> Result<Applied, RuleError> {
        assert_eq!(entry.seq(), self.size, "entries are applied in log order");
        let fail = |violation| RuleError {
            seq: entry.seq(),
            event_id: entry.event().id().to_string(),
            kind: entry.event().kind().to_string(),
            violation,
        };
        if u32::try_from(entry.seq()).is_err() {
            return Err(fail(Violation::LedgerFull {
                what: "entries",
                limit: u64::from(u32::MAX) + 1,
            }));
        }
        let event = LedgerEvent::from_event(entry.event()).map_err(|e| fail(Violation::Body(e)))?;
        let applied = self.step(entry, &event).map_err(fail)?;
        assert!(
            balances(&applied.postings),
            "derived postings balance by construction"
        );
        let month = Period::of_time(entry.recorded_at());
        if self.last_period != Some(month) {
            self.recorded_in.push((entry.seq(), month));
        }
        self.size += 1;
        self.last_period = Some(month);
        Ok(applied)
    }

    /// Adds the entry just applied, whose event is of `kind`, to the [`EventIndex`].
    pub(super) fn record(&mut self, entry: &Entry, kind: EventKind, undo: Undo) {
        self.events.push(
            entry.seq(),
            self.id_fingerprint,
            entry.event().canonical_bytes(),
            kind,
            undo,
        );
    }

    /// The new balances after `postings`, refusing any fund below zero. Does not change anything.
    fn after_postings<'p>(
        &self,
        postings: &'p [Posting],
    ) -> Result<Vec<(&'p Account, Fen)>, Violation> {
        // A set of postings names a few accounts (a charge entry posts to the receivable or
        // prepaid once per unit): a short list beats a map.
        let mut changed: Vec<(&Account, Fen)> = Vec::new();
        for p in postings {
            match changed.iter_mut().find(|(a, _)| *a == &p.account) {
                Some((_, balance)) => *balance = add(*balance, p.amount)?,
                None => {
                    let current = self.accounts.get(&p.account).copied().unwrap_or(Fen::ZERO);
                    changed.push((&p.account, add(current, p.amount)?));
                }
            }
        }
        for &(account, balance) in &changed {
            if let Account::Money(fund) = account {
                if balance.get() < 0 {
                    let before = self.accounts.get(account).copied().unwrap_or(Fen::ZERO);
                    return Err(Violation::FundOverdrawn {
                        fund: fund.clone(),
                        balance: before,
                        needed: fen_from(i128::from(before.get()) - i128::from(balance.get()))?,
                    });
                }
            }
        }
        Ok(changed)
    }

    /// Applies `postings` to the accounts, or changes nothing if a fund would go below zero.
    pub(super) fn post(&mut self, postings: &[Posting]) -> Result<(), Violation> {
        let changed = self.after_postings(postings)?;
        for (account, balance) in changed {
            match self.accounts.get_mut(account) {
                Some(b) => *b = balance,
                None => {
                    self.accounts.insert(account.clone(), balance);
                }
            }
        }
        Ok(())
    }

    /// Adds `movements` (times `sign`: 1 to apply, -1 to undo) to the totals of `period`.
    pub(super) fn add_movements(&mut self, period: Period, movements: &[Movement], sign: i128) {
        let month = self.months.entry(period).or_default();
        for m in movements {
            // A month has a few dozen keys: find the key in place rather than clone it for
            // every entry.
            let found = month
                .iter_mut()
                .find(|((k, f, c), _)| *k == m.kind && *f == m.fund && *c == m.category);
            match found {
                Some((_, total)) => *total += sign * m.amount,
                None => {
                    month.insert(
                        (m.kind, m.fund.clone(), m.category.clone()),
                        sign * m.amount,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The per-entry state is what bounds a large verification's memory (BENCHMARKS.md): keep it
    /// from growing by accident.
    #[test]
    fn per_entry_state_stays_compact() {
        assert_eq!(std::mem::size_of::<EventSlot>(), 32);
        assert_eq!(std::mem::size_of::<Undo>(), 8);
    }

    #[test]
    fn event_ids_are_found_by_their_fingerprint_and_content_tells_resubmissions_apart() {
        let mut index = EventIndex::default();
        index.push(
            0,
            EventIndex::fingerprint("genesis"),
            b"{\"a\":1}",
            EventKind::LedgerOpened,
            Undo::NotReversible,
        );
        index.push(
            1,
            EventIndex::fingerprint("pay-1"),
            b"{\"b\":2}",
            EventKind::PaymentReceived,
            Undo::Payment { household: 7 },
        );
        assert_eq!(index.find("pay-1"), Some(1));
        assert_eq!(index.find("genesis"), Some(0));
        assert_eq!(index.find("pay-2"), None);
        assert_eq!(index.kind(1), EventKind::PaymentReceived);
        assert_eq!(index.slot(1).undo, Undo::Payment { household: 7 });
        assert_eq!(
            index.slot(1).content,
            EventIndex::content_hash(b"{\"b\":2}")
        );
        assert_ne!(
            EventIndex::content_hash(b"{\"b\":2}"),
            EventIndex::content_hash(b"{\"b\":3}")
        );
    }
}
