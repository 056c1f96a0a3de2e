//! What the ledger reports, recomputed from the state: a period's statement (what a close must
//! record), a unit's arrears, the proposals waiting for approvals, the budget against actual
//! spending — and, when a recorded statement is not the recomputed one, the first field where
//! they differ.

use super::events::{ArrearsSummary, CategoryAmount, FundStatement, Statement};
use super::households;
use super::state::{Ledger, MoveKind, fen_from};
use super::types::{Fen, FundId, Period, PeriodRange, Slug, Unit};
use super::violation::Violation;
use std::collections::BTreeMap;

/// An expenditure proposal waiting to be paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingApproval {
    /// The proposal's event id.
    pub id: String,
    /// Entry that proposed it.
    pub seq: u64,
    /// Its amount.
    pub amount: Fen,
    /// Approvals so far.
    pub approvals: u32,
    /// Approvals still needed before it may be paid.
    pub approvals_still_needed: u32,
}

/// One line of budget against actual spending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetComparison {
    /// The fund.
    pub fund: FundId,
    /// The spending category.
    pub category: Slug,
    /// Budgeted for the year (zero if the category has no budget line).
    pub budget: Fen,
    /// Spent in the year, net of reversals.
    pub actual: Fen,
}

impl Ledger {
    /// What a unit owes now, in fen (0 if it owes nothing or is not registered).
    pub fn arrears(&self, unit: &Unit) -> Fen {
        self.households.get(unit).map_or(Fen::ZERO, |h| {
            fen_from(h.position().max(0)).unwrap_or(Fen::ZERO)
        })
    }

    /// Proposals not yet paid or withdrawn, with how many more approvals each needs before it
    /// may be paid (0 if none).
    pub fn pending_approvals(&self) -> Vec<PendingApproval> {
        let Some(g) = &self.governance else {
            return Vec::new();
        };
        self.proposals
            .iter()
            .filter(|(_, p)| p.paid_at.is_none() && !p.withdrawn)
            .map(|(id, p)| {
                let have = u32::try_from(p.approvals.len()).unwrap_or(u32::MAX);
                let needed = if p.body.amount_fen > g.approval_threshold_fen {
                    g.approvals_required.saturating_sub(have)
                } else {
                    0
                };
                PendingApproval {
                    id: id.clone(),
                    seq: p.seq,
                    amount: p.body.amount_fen,
                    approvals: have,
                    approvals_still_needed: needed,
                }
            })
            .collect()
    }

    /// The adopted budget of `year` against what was spent that year, line by line (budget lines
    /// first, then spending categories without a budget line, with a zero budget).
    pub fn budget_vs_actual(&self, year: u16) -> Vec<BudgetComparison> {
        let mut actual: BTreeMap<(FundId, Slug), i128> = BTreeMap::new();
        for (_, month) in self.months.iter().filter(|(p, _)| p.year() == year) {
            for ((kind, fund, category), v) in month {
                if let (MoveKind::Spent, Some(category)) = (kind, category) {
                    *actual.entry((fund.clone(), category.clone())).or_insert(0) += v;
                }
            }
        }
        let mut out = Vec::new();
        for line in self.budgets.get(&year).into_iter().flatten() {
            let spent = actual
                .remove(&(line.fund.clone(), line.category.clone()))
                .unwrap_or(0);
            out.push(BudgetComparison {
                fund: line.fund.clone(),
                category: line.category.clone(),
                budget: line.amount_fen,
                actual: fen_from(spent).unwrap_or(Fen::ZERO),
            });
        }
        for ((fund, category), spent) in actual {
            out.push(BudgetComparison {
                fund,
                category,
                budget: Fen::ZERO,
                actual: fen_from(spent).unwrap_or(Fen::ZERO),
            });
        }
        out
    }

    /// The statement of `range`, recomputed from the log so far: what a period close must record.
    pub fn statement(&self, range: PeriodRange) -> Statement {
        let mut funds = Vec::new();
        let sum = |filter: &dyn Fn(&Period) -> bool, kind: MoveKind, fund: &FundId| -> i128 {
            self.months
                .iter()
                .filter(|(p, _)| filter(p))
                .flat_map(|(_, totals)| totals.iter())
                .filter(|((k, f, _), _)| *k == kind && f == fund)
                .map(|(_, v)| *v)
                .sum()
        };
        // A statement lists the funds that existed by the end of its period: the standing funds,
        // and a project fund from the month its grant was recorded. So the statement of a
        // period reads the same when it is recomputed later, after more funds were opened.
        let existed = |fund: &FundId| {
            fund.is_standing()
                || self
                    .months
                    .range(..=range.to)
                    .any(|(_, totals)| totals.keys().any(|(_, f, _)| f == fund))
        };
        for fund in self.fund_balances().keys().filter(|f| existed(f)) {
            let before = |p: &Period| *p < range.from;
            let inside = |p: &Period| range.contains(*p);
            let opening = i128::from(self.opening.get(fund).map_or(0, |f| f.get()))
                + sum(&before, MoveKind::Received, fund)
                - sum(&before, MoveKind::Spent, fund)
                + sum(&before, MoveKind::Transferred, fund);
            let received = sum(&inside, MoveKind::Received, fund);
            let spent = sum(&inside, MoveKind::Spent, fund);
            let transferred = sum(&inside, MoveKind::Transferred, fund);
            let closing = opening + received - spent + transferred;
            let f = |v: i128| fen_from(v).unwrap_or(Fen::ZERO);
            funds.push(FundStatement {
                fund: fund.clone(),
                opening_fen: f(opening),
                received_fen: f(received),
                spent_fen: f(spent),
                transferred_fen: f(transferred),
                closing_fen: f(closing),
            });
        }
        let by_category = |kind: MoveKind| -> Vec<CategoryAmount> {
            let mut totals: BTreeMap<(FundId, Slug), i128> = BTreeMap::new();
            for (_, month) in self.months.iter().filter(|(p, _)| range.contains(**p)) {
                for ((k, fund, category), v) in month {
                    if let (true, Some(category)) = (*k == kind, category) {
                        *totals.entry((fund.clone(), category.clone())).or_insert(0) += v;
                    }
                }
            }
            totals
                .into_iter()
                .filter(|(_, v)| *v != 0)
                .map(|((fund, category), v)| CategoryAmount {
                    fund,
                    category,
                    amount_fen: fen_from(v).unwrap_or(Fen::ZERO),
                })
                .collect()
        };
        let mut arrears = ArrearsSummary::default();
        for h in self.households.values() {
            households::add_to_summary(&mut arrears, h, range.to, &self.recorded_in[..]);
        }
        Statement {
            period: range,
            funds,
            charged: by_category(MoveKind::Charged),
            income: by_category(MoveKind::Received),
            spending: by_category(MoveKind::Spent),
            arrears,
        }
    }
}

/// The first field where a recorded statement differs from the recomputed one.
pub(super) fn statement_difference(stated: &Statement, computed: &Statement) -> Violation {
    let a = serde_json::to_value(stated).unwrap_or_default();
    let b = serde_json::to_value(computed).unwrap_or_default();
    let (field, s, c) = first_difference("statement", &a, &b)
        .unwrap_or_else(|| ("statement".into(), a.to_string(), b.to_string()));
    Violation::StatementMismatch {
        field,
        stated: s,
        computed: c,
    }
}

/// The first place two JSON values differ, as its path (`statement.funds[0].closing_fen`, from
/// `path`), and the two values as JSON text: a key only one side has shows `absent` on the
/// other, lists of different lengths their `.length`. Keys are visited in order. What a rule and
/// the verifier both say about a published statement that is not the one recomputed.
pub fn first_difference(
    path: &str,
    a: &serde_json::Value,
    b: &serde_json::Value,
) -> Option<(String, String, String)> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                let vb = y.get(k).unwrap_or(&Value::Null);
                if let Some(d) = first_difference(&format!("{path}.{k}"), va, vb) {
                    return Some(d);
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| (format!("{path}.{k}"), "absent".into(), y[k].to_string()))
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                if let Some(d) = first_difference(&format!("{path}[{i}]"), va, vb) {
                    return Some(d);
                }
            }
            (x.len() != y.len()).then(|| {
                (
                    format!("{path}.length"),
                    x.len().to_string(),
                    y.len().to_string(),
                )
            })
        }
        _ => (a != b).then(|| (path.to_string(), a.to_string(), b.to_string())),
    }
}
