//! The rows the store writes besides the entries, made from the core's values: projection rows
//! (fund and household balances, postings) and the attachments entries name. Appends, loads,
//! rebuilds and imports all make them here.

use crate::backend::HouseholdRow;
use gongzhang_core::entry::Entry;
use gongzhang_core::hash::Hash;
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::events::attachment_refs;
use gongzhang_core::ledger::households::Household;
use gongzhang_core::ledger::types::Unit;
use std::collections::{BTreeMap, BTreeSet};

/// Every fund's row: (fund, balance in fen).
pub(crate) fn fund_rows(ledger: &Ledger) -> BTreeMap<String, i64> {
    ledger
        .fund_balances()
        .into_iter()
        .map(|(fund, balance)| (fund.as_str().to_string(), balance.get()))
        .collect()
}

/// Money totals are sums of `Fen` (each within ±(2^53 − 1)); a ledger would need billions of
/// entries to leave `i64`, so saturating is only a guard.
fn clamp_fen(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

fn household_row(unit: &Unit, household: &Household) -> HouseholdRow {
    HouseholdRow {
        unit: unit.as_str().to_string(),
        area_centi_m2: household.area_centi_m2,
        charged_fen: clamp_fen(household.charged_total()),
        paid_fen: clamp_fen(household.paid_total()),
        owed_fen: clamp_fen(household.position().max(0)),
    }
}

/// Every household's row, by unit.
pub(crate) fn household_rows(ledger: &Ledger) -> BTreeMap<String, HouseholdRow> {
    ledger
        .households()
        .iter()
        .map(|(unit, h)| (unit.as_str().to_string(), household_row(unit, h)))
        .collect()
}

/// The rows of the postings entry `seq` derives: (seq, index within the entry, account, fen).
pub(crate) fn posting_rows(
    seq: u64,
    postings: &[gongzhang_core::ledger::accounts::Posting],
) -> Vec<(u64, u32, String, i64)> {
    postings
        .iter()
        .enumerate()
        .map(|(index, p)| {
            (
                seq,
                // INVARIANT: an entry derives a handful of postings (at most 64 KiB of entry).
                u32::try_from(index).unwrap_or(u32::MAX),
                p.account.journal_name(),
                p.amount.get(),
            )
        })
        .collect()
}

/// Adds the attachments `entry`'s event names to `refs`, keeping the first entry naming each.
pub(crate) fn add_attachment_refs(entry: &Entry, refs: &mut BTreeMap<Hash, u64>) {
    let mut named = BTreeSet::new();
    attachment_refs(entry.event().body(), &mut named);
    for sha in named {
        refs.entry(sha).or_insert(entry.seq());
    }
}

/// The attachments `entries` name, each with the first entry naming it.
pub(crate) fn attachment_refs_of(entries: &[Entry]) -> Vec<(Hash, u64)> {
    let mut refs = BTreeMap::new();
    for entry in entries {
        add_attachment_refs(entry, &mut refs);
    }
    refs.into_iter().collect()
}
