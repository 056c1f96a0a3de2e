//! The ledger against a reference model.
//!
//! Random sequences of operations (households, fee schedules under owners' decisions, monthly
//! charges, payments, income, grants, expenditures with approvals, transfers, reversals, period
//! closes) are built into signed entries and applied to a [`Ledger`]; the ones it accepts are
//! mirrored into [`Model`], a deliberately simple reference that keeps nothing but the list of
//! accepted events and recomputes everything from scratch, by brute force, each time it is asked:
//! fund balances, what each household was charged and paid, what it owes by age, statements.
//!
//! The properties:
//! 1. the model and the ledger agree after every step;
//! 2. every entry's postings balance, the books balance, and Receivable/Prepaid are the sums of
//!    the households' positions;
//! 3. no fund ever goes below zero, and an operation that would overdraw one is refused with
//!    `FundOverdrawn`;
//! 4. replaying the accepted entries gives the same ledger, and a refused entry changes nothing;
//! 5. the model's statements equal the ledger's for ranges of one to three months.

use gongzhang_core::entry::{AuthorSignature, Entry, Event, RecordedAt};
use gongzhang_core::hash::sha256;
use gongzhang_core::ledger::accounts::Account;
use gongzhang_core::ledger::events::{
    ArrearsSummary, CategoryAmount, Charge, ChargesAssessed, ExpenseApproved, ExpensePaid,
    ExpenseProposed, FeeItem, FeeScheduleAdopted, FundStatement, FundsTransferred, GrantReceived,
    HashHex, HouseholdCorrected, HouseholdRegistered, IncomeReceived, Invoice, LedgerEvent,
    Outcome, OwnersDecision, PaymentDemandIssued, PaymentReceived, PeriodClosed, Reversal,
    Statement, VoteTotals,
};
use gongzhang_core::ledger::households::Outstanding;
use gongzhang_core::ledger::types::{
    Channel, FeeBasis, Fen, FundId, InvoiceKind, Label, Matter, Period, PeriodRange, Slug, Unit,
};
use gongzhang_core::ledger::{Applied, Ledger, PendingApproval, RuleError, Violation};
use gongzhang_core::log::{LogHead, verify_jsonl};
use gongzhang_demo::example;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

// ---------------------------------------------------------------------------------------------
// Small helpers.

fn slug(s: &str) -> Slug {
    Slug::try_from(s).unwrap()
}
fn fund(s: &str) -> FundId {
    FundId::try_from(s).unwrap()
}
fn label(s: &str) -> Label {
    Label::try_from(s).unwrap()
}
fn unit(s: &str) -> Unit {
    Unit::try_from(s).unwrap()
}
fn fen(v: i64) -> Fen {
    Fen::new(v).unwrap()
}
/// Months since year 0: subtracting two gives the months between them.
fn month_index(p: Period) -> i32 {
    i32::from(p.year()) * 12 + i32::from(p.month()) - 1
}
fn months_after(p: Period, n: i32) -> Period {
    let i = month_index(p) + n;
    Period::new(
        u16::try_from(i / 12).unwrap(),
        u8::try_from(i % 12 + 1).unwrap(),
    )
    .unwrap()
}

/// The funds operations name: the three standing funds and two project funds.
const FUNDS: [&str; 5] = [
    "operating",
    "public_revenue",
    "maintenance",
    "project:alpha",
    "project:beta",
];
/// A unit nobody registers.
const NOBODY: &str = "9-9-999";
const TREASURER: &[&str] = &["treasurer"];
const QUORUMS: [&[&str]; 3] = [
    &["committee-1", "committee-2"],
    &["committee-2", "committee-3"],
    &["committee-1", "committee-2", "committee-3"],
];

/// The example ledger's genesis (committee of 3, K = 2, threshold 5 000 yuan, 10 000 yuan in the
/// operating fund, first month 2026-01).
fn genesis() -> &'static Entry {
    static GENESIS: OnceLock<Entry> = OnceLock::new();
    GENESIS.get_or_init(|| example::entries().swap_remove(0))
}

// ---------------------------------------------------------------------------------------------
// The reference model: a list of accepted events, and brute-force questions about it.

/// What an accepted entry did, as the model remembers it.
#[derive(Debug, Clone)]
enum What {
    Register {
        unit: Unit,
        area: i64,
    },
    Correct {
        unit: Unit,
        area: i64,
    },
    Decision {
        matter: Matter,
        passed: bool,
    },
    Schedule {
        from: Period,
        items: Vec<(Slug, FeeBasis, i64)>,
    },
    Charges {
        period: Period,
        charges: Vec<(Unit, Slug, i64)>,
    },
    Payment {
        unit: Unit,
        amount: i64,
        periods: Vec<Period>,
    },
    Income {
        fund: FundId,
        category: Slug,
        amount: i64,
    },
    Grant {
        fund: FundId,
        amount: i64,
    },
    Proposal {
        fund: FundId,
        category: Slug,
        amount: i64,
    },
    Approval {
        proposal: String,
        member: &'static str,
    },
    ExpensePaid {
        proposal: String,
    },
    Transfer {
        from: FundId,
        to: FundId,
        amount: i64,
    },
    Reversal {
        target: String,
    },
    Close {
        to: Period,
    },
    Demand,
}

#[derive(Debug, Clone)]
struct Recorded {
    seq: u64,
    id: String,
    /// The month (Beijing time) the entry was recorded in: statements count money by it.
    month: Period,
    what: What,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Charged,
    Received,
    Spent,
    Transferred,
}

/// Money moved by one event: positive in, negative out (for `Transferred`).
#[derive(Debug, Clone)]
struct Move {
    kind: Kind,
    fund: FundId,
    category: Option<Slug>,
    amount: i64,
}

#[derive(Debug, Clone)]
struct Model {
    first: Period,
    threshold: i64,
    quorum: usize,
    /// What each standing fund held when the ledger opened.
    opening: BTreeMap<FundId, i64>,
    /// Every accepted entry after the genesis, in log order.
    log: Vec<Recorded>,
}

impl Model {
    fn get(&self, id: &str) -> Option<&Recorded> {
        self.log.iter().find(|r| r.id == id)
    }

    fn is_reversed(&self, id: &str) -> bool {
        self.log
            .iter()
            .any(|r| matches!(&r.what, What::Reversal { target } if target == id))
    }

    /// The entries whose effect stands (not reversed), in log order.
    fn live(&self) -> impl Iterator<Item = &Recorded> {
        self.log.iter().filter(|r| !self.is_reversed(&r.id))
    }

    fn proposal(&self, id: &str) -> Option<(FundId, Slug, i64)> {
        match &self.get(id)?.what {
            What::Proposal {
                fund,
                category,
                amount,
            } => Some((fund.clone(), category.clone(), *amount)),
            _ => None,
        }
    }

    fn proposal_paid(&self, id: &str) -> bool {
        self.live()
            .any(|r| matches!(&r.what, What::ExpensePaid { proposal } if proposal == id))
    }

    fn approvals(&self, id: &str) -> BTreeSet<&'static str> {
        self.log
            .iter()
            .filter_map(|r| match &r.what {
                What::Approval { proposal, member } if proposal == id => Some(*member),
                _ => None,
            })
            .collect()
    }

    fn decision(&self, id: &str) -> Option<(Matter, bool)> {
        match &self.get(id)?.what {
            What::Decision { matter, passed } => Some((*matter, *passed)),
            _ => None,
        }
    }

    fn last_closed(&self) -> Option<Period> {
        self.log.iter().rev().find_map(|r| match r.what {
            What::Close { to } => Some(to),
            _ => None,
        })
    }

    /// The money an entry moved when it was recorded (a reversal: the opposite of its target's).
    fn moves_of(&self, r: &Recorded) -> Vec<Move> {
        let operating = fund("operating");
        let mv = |kind, fund: &FundId, category: Option<&Slug>, amount| Move {
            kind,
            fund: fund.clone(),
            category: category.cloned(),
            amount,
        };
        match &r.what {
            What::Charges { charges, .. } => charges
                .iter()
                .map(|(_, item, a)| mv(Kind::Charged, &operating, Some(item), *a))
                .collect(),
            What::Payment { amount, .. } => vec![mv(
                Kind::Received,
                &operating,
                Some(&slug("fee_payments")),
                *amount,
            )],
            What::Income {
                fund,
                category,
                amount,
            } => vec![mv(Kind::Received, fund, Some(category), *amount)],
            What::Grant { fund, amount } => {
                vec![mv(Kind::Received, fund, Some(&slug("grant")), *amount)]
            }
            What::ExpensePaid { proposal } => {
                let (fund, category, amount) =
                    self.proposal(proposal).expect("a paid proposal exists");
                vec![mv(Kind::Spent, &fund, Some(&category), amount)]
            }
            What::Transfer { from, to, amount } => vec![
                mv(Kind::Transferred, to, None, *amount),
                mv(Kind::Transferred, from, None, -*amount),
            ],
            What::Reversal { target } => {
                let target = self.get(target).expect("a reversed event exists");
                self.moves_of(target)
                    .into_iter()
                    .map(|m| Move {
                        amount: -m.amount,
                        ..m
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// Every movement of money, with the month it was recorded in.
    fn all_moves(&self) -> Vec<(Period, Move)> {
        self.log
            .iter()
            .flat_map(|r| self.moves_of(r).into_iter().map(|m| (r.month, m)))
            .collect()
    }

    /// What each fund holds: its opening, plus what came in, minus what went out.
    fn funds(&self) -> BTreeMap<FundId, i64> {
        let mut funds = self.opening.clone();
        for r in &self.log {
            if let What::Grant { fund, .. } = &r.what {
                funds.entry(fund.clone()).or_insert(0);
            }
        }
        for (_, m) in self.all_moves() {
            let balance = funds
                .get_mut(&m.fund)
                .expect("money moves in existing funds");
            match m.kind {
                Kind::Received | Kind::Transferred => *balance += m.amount,
                Kind::Spent => *balance -= m.amount,
                Kind::Charged => {}
            }
        }
        funds
    }

    /// Registered units and their areas as last corrected.
    fn units(&self) -> BTreeMap<Unit, i64> {
        let mut units = BTreeMap::new();
        for r in &self.log {
            match &r.what {
                What::Register { unit, area } => {
                    units.insert(unit.clone(), *area);
                }
                What::Correct { unit, area } => {
                    units.insert(unit.clone(), *area);
                }
                _ => {}
            }
        }
        units
    }

    /// (charged, paid) by a unit, not counting reversed entries.
    fn totals(&self, of: &Unit) -> (i64, i64) {
        let (mut charged, mut paid) = (0, 0);
        for r in self.live() {
            match &r.what {
                What::Charges { charges, .. } => {
                    charged += charges
                        .iter()
                        .filter(|c| &c.0 == of)
                        .map(|c| c.2)
                        .sum::<i64>()
                }
                What::Payment { unit, amount, .. } if unit == of => paid += amount,
                _ => {}
            }
        }
        (charged, paid)
    }

    /// What a unit still owes, charge by charge in log order: go through its charges and
    /// payments in log order; money prepaid settles each new charge; a payment settles the
    /// months it names first (oldest first), then the oldest charges; what is left is prepaid.
    fn outstanding(&self, of: &Unit) -> Vec<(Period, Slug, i64)> {
        let mut open: Vec<(Period, Slug, i64)> = Vec::new();
        let mut prepaid = 0;
        for r in self.live() {
            match &r.what {
                What::Charges { period, charges } => {
                    for (u, item, amount) in charges {
                        if u == of {
                            let from_prepaid = prepaid.min(*amount);
                            prepaid -= from_prepaid;
                            open.push((*period, item.clone(), amount - from_prepaid));
                        }
                    }
                }
                What::Payment {
                    unit,
                    amount,
                    periods,
                } if unit == of => {
                    let mut left = *amount;
                    for named in [true, false] {
                        let mut order: Vec<usize> = (0..open.len())
                            .filter(|&i| periods.contains(&open[i].0) == named)
                            .collect();
                        order.sort_by_key(|&i| (open[i].0, i));
                        for i in order {
                            let pay = left.min(open[i].2);
                            open[i].2 -= pay;
                            left -= pay;
                        }
                    }
                    prepaid += left;
                }
                _ => {}
            }
        }
        open.retain(|o| o.2 > 0);
        open
    }

    /// The model as it was at the end of month `until`: the entries recorded by then.
    fn as_at(&self, until: Period) -> Model {
        let mut past = self.clone();
        past.log.retain(|r| r.month <= until);
        past
    }

    /// Arrears for months up to `as_of`, each unpaid amount aged by its month.
    fn aging(&self, as_of: Period) -> ArrearsSummary {
        let (mut units, mut total, mut bands) = (0, 0, [0i64; 4]);
        for u in self.units().keys() {
            let owed: Vec<_> = self
                .outstanding(u)
                .into_iter()
                .filter(|o| o.0 <= as_of)
                .collect();
            if !owed.is_empty() {
                units += 1;
            }
            for (period, _, amount) in owed {
                let age = month_index(as_of) - month_index(period);
                let band = if age < 3 {
                    0
                } else if age < 6 {
                    1
                } else if age < 12 {
                    2
                } else {
                    3
                };
                bands[band] += amount;
                total += amount;
            }
        }
        ArrearsSummary {
            units_in_arrears: units,
            total_fen: fen(total),
            age_0_3_fen: fen(bands[0]),
            age_3_6_fen: fen(bands[1]),
            age_6_12_fen: fen(bands[2]),
            age_12_plus_fen: fen(bands[3]),
        }
    }

    fn statement(&self, range: PeriodRange) -> Statement {
        let moves = self.all_moves();
        let sum = |kind: Kind, fund: &FundId, when: &dyn Fn(Period) -> bool| -> i64 {
            moves
                .iter()
                .filter(|(p, m)| m.kind == kind && &m.fund == fund && when(*p))
                .map(|(_, m)| m.amount)
                .sum()
        };
        let before = |p: Period| p < range.from;
        let inside = |p: Period| range.from <= p && p <= range.to;
        // A fund is listed once it existed: the standing funds always, a project fund from the
        // month money first moved into it (its grant).
        let existed = |f: &FundId| {
            f.is_standing() || moves.iter().any(|(p, m)| &m.fund == f && *p <= range.to)
        };
        let funds = self
            .funds()
            .keys()
            .filter(|f| existed(f))
            .map(|f| {
                let opening = self.opening.get(f).copied().unwrap_or(0)
                    + sum(Kind::Received, f, &before)
                    - sum(Kind::Spent, f, &before)
                    + sum(Kind::Transferred, f, &before);
                let (received, spent, transferred) = (
                    sum(Kind::Received, f, &inside),
                    sum(Kind::Spent, f, &inside),
                    sum(Kind::Transferred, f, &inside),
                );
                FundStatement {
                    fund: f.clone(),
                    opening_fen: fen(opening),
                    received_fen: fen(received),
                    spent_fen: fen(spent),
                    transferred_fen: fen(transferred),
                    closing_fen: fen(opening + received - spent + transferred),
                }
            })
            .collect();
        let by_category = |kind: Kind| -> Vec<CategoryAmount> {
            let mut totals: BTreeMap<(FundId, Slug), i64> = BTreeMap::new();
            for (p, m) in &moves {
                if let (true, true, Some(c)) = (m.kind == kind, inside(*p), &m.category) {
                    *totals.entry((m.fund.clone(), c.clone())).or_insert(0) += m.amount;
                }
            }
            totals
                .into_iter()
                .filter(|(_, v)| *v != 0)
                .map(|((fund, category), v)| CategoryAmount {
                    fund,
                    category,
                    amount_fen: fen(v),
                })
                .collect()
        };
        Statement {
            period: range,
            funds,
            charged: by_category(Kind::Charged),
            income: by_category(Kind::Received),
            spending: by_category(Kind::Spent),
            // Arrears as at the end of the period: only what was recorded by then counts, and the
            // log is in time order, so that is the prefix of the log recorded by then.
            arrears: self.as_at(range.to).aging(range.to),
        }
    }

    /// The charges the schedule in force gives each unit for `period`, not yet charged.
    fn due_charges(&self, period: Period) -> Vec<Charge> {
        let Some(items) = self.log.iter().rev().find_map(|r| match &r.what {
            What::Schedule { from, items } if *from <= period => Some(items.clone()),
            _ => None,
        }) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (u, area) in self.units() {
            for (item, basis, rate) in &items {
                let charged = self.live().any(|r| match &r.what {
                    What::Charges { period: p, charges } => {
                        *p == period && charges.iter().any(|c| c.0 == u && &c.1 == item)
                    }
                    _ => false,
                });
                if charged {
                    continue;
                }
                // Rate × area (in hundredths of a square metre) / 100, rounded half up.
                let amount = match basis {
                    FeeBasis::PerHousehold => *rate,
                    FeeBasis::PerM2 => (rate * area + 50) / 100,
                };
                out.push(Charge {
                    unit: u.clone(),
                    item: item.clone(),
                    amount_fen: fen(amount),
                });
            }
        }
        out
    }

    /// Proposals neither paid nor withdrawn, by id.
    fn pending(&self) -> Vec<PendingApproval> {
        let mut out: Vec<PendingApproval> = self
            .log
            .iter()
            .filter_map(|r| match &r.what {
                What::Proposal { amount, .. }
                    if !self.is_reversed(&r.id) && !self.proposal_paid(&r.id) =>
                {
                    let have = self.approvals(&r.id).len();
                    let needed = if *amount > self.threshold {
                        self.quorum.saturating_sub(have)
                    } else {
                        0
                    };
                    Some(PendingApproval {
                        id: r.id.clone(),
                        seq: r.seq,
                        amount: fen(*amount),
                        approvals: u32::try_from(have).unwrap(),
                        approvals_still_needed: u32::try_from(needed).unwrap(),
                    })
                }
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// What taking `amount` out of `from` should do: be refused if the fund holds less.
    fn expect_taking(&self, from: &FundId, amount: i64) -> Expect {
        let balance = self.funds().get(from).copied().unwrap_or(0);
        if balance < amount {
            Expect::Overdraw {
                fund: from.clone(),
                balance,
                needed: amount,
            }
        } else {
            Expect::Accept
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Operations.

/// How an owners' decision comes out.
#[derive(Debug, Clone, Copy)]
enum Vote {
    Passed,
    Rejected,
    /// Passed, but about another matter.
    WrongMatter,
    /// Passed by its totals but recorded as rejected (refused).
    Mislabeled,
    /// Passed, about using the maintenance fund.
    Maintenance,
}

#[derive(Debug, Clone)]
enum Op {
    Register {
        unit: String,
        area: i64,
    },
    Correct {
        pick: u16,
        area: i64,
    },
    Schedule {
        vote: Vote,
        rate: i64,
        garbage: Option<i64>,
        back: i8,
    },
    Assess {
        back: i8,
        mask: u32,
        tamper: u8,
    },
    Pay {
        pick: u16,
        amount: i64,
        channel: u8,
        named: Vec<i8>,
    },
    Income {
        fund: u8,
        category: u8,
        amount: i64,
    },
    Grant {
        fund: u8,
        amount: i64,
    },
    Propose {
        fund: u8,
        category: u8,
        amount: i64,
        wrong_project: bool,
    },
    Approve {
        pick: u16,
        member: u8,
    },
    PayExpense {
        pick: u16,
        invoice: u8,
    },
    Transfer {
        from: u8,
        to: u8,
        amount: i64,
        vote: Vote,
    },
    Reverse {
        pick: u16,
        money_only: bool,
    },
    Close {
        months: u8,
    },
    NextMonth {
        months: u8,
    },
    Demand {
        pick: u16,
        wrong: bool,
    },
    Resubmit {
        pick: u16,
        conflicting: bool,
    },
}

fn vote() -> impl Strategy<Value = Vote> {
    prop_oneof![8 => Just(Vote::Passed), 1 => Just(Vote::Rejected), 1 => Just(Vote::WrongMatter), 1 => Just(Vote::Mislabeled)]
}

/// An index into [`FUNDS`], mostly the operating fund.
fn fund_index() -> impl Strategy<Value = u8> {
    prop_oneof![3 => Just(0u8), 4 => 1u8..5]
}

fn op() -> impl Strategy<Value = Op> {
    let amount = |max: i64| prop_oneof![1 => Just(0i64), 15 => 1..=max];
    prop_oneof![
        5 => (1u8..=3, 1u16..=4, prop_oneof![1 => Just(0i64), 15 => 3_000i64..=20_000])
            .prop_map(|(b, r, area)| Op::Register { unit: format!("{b}-1-{}", 100 + r), area }),
        1 => (any::<u16>(), prop_oneof![1 => Just(0i64), 8 => 3_000i64..=20_000]).prop_map(|(pick, area)| Op::Correct { pick, area }),
        3 => (vote(), 20i64..=300, prop::option::of(500i64..=2_000), -1i8..=2)
            .prop_map(|(vote, rate, garbage, back)| Op::Schedule { vote, rate, garbage, back }),
        8 => (prop_oneof![6 => Just(0i8), 3 => Just(1i8), 1 => -1i8..=3], any::<u32>(), 0u8..16)
            .prop_map(|(back, mask, tamper)| Op::Assess { back, mask, tamper }),
        9 => (any::<u16>(), prop_oneof![1 => Just(0i64), 8 => 1i64..=20_000, 3 => 20_001i64..=200_000], 0u8..4, prop::collection::vec(-4i8..=1, 0..=2))
            .prop_map(|(pick, amount, channel, named)| Op::Pay { pick, amount, channel, named }),
        3 => (fund_index(), 0u8..4, amount(300_000)).prop_map(|(fund, category, amount)| Op::Income { fund, category, amount }),
        2 => (0u8..3, 1i64..=1_000_000).prop_map(|(fund, amount)| Op::Grant { fund, amount }),
        5 => (fund_index(), 0u8..4, prop_oneof![6 => 1i64..=200_000, 1 => Just(500_000i64), 1 => Just(500_001i64), 3 => 500_001i64..=1_200_000], prop::bool::weighted(0.05))
            .prop_map(|(fund, category, amount, wrong_project)| Op::Propose { fund, category, amount, wrong_project }),
        6 => (any::<u16>(), 0u8..7).prop_map(|(pick, member)| Op::Approve { pick, member }),
        6 => (any::<u16>(), 0u8..10).prop_map(|(pick, invoice)| Op::PayExpense { pick, invoice }),
        3 => (fund_index(), fund_index(), amount(800_000), prop_oneof![3 => Just(Vote::Passed), 1 => Just(Vote::Maintenance), 1 => vote()])
            .prop_map(|(from, to, amount, vote)| Op::Transfer { from, to, amount, vote }),
        5 => (any::<u16>(), prop::bool::weighted(0.8)).prop_map(|(pick, money_only)| Op::Reverse { pick, money_only }),
        3 => prop_oneof![3 => Just(1u8), 1 => Just(2u8), 3 => Just(3u8)].prop_map(|months| Op::Close { months }),
        4 => prop_oneof![8 => 1u8..=3, 1 => 12u8..=13].prop_map(|months| Op::NextMonth { months }),
        2 => (any::<u16>(), prop::bool::weighted(0.2)).prop_map(|(pick, wrong)| Op::Demand { pick, wrong }),
        1 => (any::<u16>(), any::<bool>()).prop_map(|(pick, conflicting)| Op::Resubmit { pick, conflicting }),
    ]
}

/// Up to 60 operations: a few registrations and a fee schedule first (so that most sequences
/// charge fees), then anything.
fn ops() -> impl Strategy<Value = Vec<Op>> {
    let register = (1u8..=3, 1u16..=4, 3_000i64..=20_000).prop_map(|(b, r, area)| Op::Register {
        unit: format!("{b}-1-{}", 100 + r),
        area,
    });
    let schedule =
        (20i64..=300, prop::option::of(500i64..=2_000)).prop_map(|(rate, garbage)| Op::Schedule {
            vote: Vote::Passed,
            rate,
            garbage,
            back: 0,
        });
    (
        prop::collection::vec(register, 0..=4),
        prop::option::weighted(0.8, schedule),
        prop::collection::vec(op(), 1..=55),
    )
        .prop_map(|(mut setup, schedule, rest)| {
            setup.extend(schedule);
            setup.extend(rest);
            setup
        })
}

// ---------------------------------------------------------------------------------------------
// The harness: builds each operation into signed entries, applies them, mirrors the accepted.

/// What the model predicts for an entry that takes money out of a fund (or that surely passes).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// No prediction: some other rule may refuse it.
    Unknown,
    /// Every rule holds: it must be accepted.
    Accept,
    /// Every rule but one holds, and the fund holds too little: refused with `FundOverdrawn`.
    Overdraw {
        fund: FundId,
        balance: i64,
        needed: i64,
    },
}

/// One entry offered to the ledger.
struct Attempt {
    entry: Entry,
    /// The ledger just before.
    before: Ledger,
    result: Result<Applied, RuleError>,
    expect: Expect,
}

type Check<'a> = dyn FnMut(&Harness, &Attempt) -> Result<(), TestCaseError> + 'a;

struct Harness {
    ledger: Ledger,
    head: LogHead,
    /// Every accepted entry, the genesis first.
    accepted: Vec<Entry>,
    /// What each accepted entry derived.
    applied: Vec<Applied>,
    model: Model,
    /// The current month; entries are recorded on its 2nd day onwards (Beijing daytime).
    month: Period,
    /// Entries offered in the current month.
    tick: u32,
    ids: u32,
}

impl Harness {
    fn new() -> Harness {
        let g = genesis().clone();
        let mut ledger = Ledger::new();
        let applied = ledger.apply(&g).unwrap();
        let mut head = LogHead::empty();
        head.check_next(&g).unwrap();
        head.advance(&g);
        let Ok(LedgerEvent::LedgerOpened(o)) = LedgerEvent::from_event(g.event()) else {
            panic!("the genesis opens the ledger")
        };
        let mut opening: BTreeMap<FundId, i64> = ["operating", "public_revenue", "maintenance"]
            .into_iter()
            .map(|f| (fund(f), 0))
            .collect();
        for f in &o.opening_balances {
            opening.insert(f.fund.clone(), f.amount_fen.get());
        }
        assert_eq!(
            Period::of_time(g.recorded_at()),
            o.first_period,
            "the genesis is recorded in the first month"
        );
        let model = Model {
            first: o.first_period,
            threshold: o.governance.approval_threshold_fen.get(),
            quorum: usize::try_from(o.governance.approvals_required).unwrap(),
            opening,
            log: Vec::new(),
        };
        Harness {
            ledger,
            head,
            accepted: vec![g],
            applied: vec![applied],
            model,
            month: o.first_period,
            tick: 0,
            ids: 0,
        }
    }

    fn time(&self) -> RecordedAt {
        // From 00:00 UTC (08:00 in Beijing) on the 2nd, one minute apart, 15 hours a day: always
        // the same day, and month, in Beijing.
        let (day, minutes) = (2 + self.tick / 900, self.tick % 900);
        assert!(day <= 28);
        let text = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:00.000Z",
            self.month.year(),
            self.month.month(),
            day,
            minutes / 60,
            minutes % 60
        );
        RecordedAt::parse(&text).unwrap()
    }

    fn pick_unit(&self, pick: u16) -> Unit {
        let units: Vec<Unit> = self.model.units().into_keys().collect();
        if units.is_empty() || pick % 10 == 9 {
            unit(NOBODY)
        } else {
            units[usize::from(pick) % units.len()].clone()
        }
    }

    fn pick_proposal(&self, pick: u16) -> String {
        let ids: Vec<&String> = self
            .model
            .log
            .iter()
            .filter(|r| matches!(r.what, What::Proposal { .. }))
            .map(|r| &r.id)
            .collect();
        // Mostly one of the latest three, as a treasurer works through them.
        let recent = if pick % 4 == 0 {
            ids.len()
        } else {
            ids.len().min(3)
        };
        if ids.is_empty() || pick % 20 == 19 {
            "no-such-proposal".into()
        } else {
            ids[ids.len() - 1 - usize::from(pick) % recent].clone()
        }
    }

    fn has_proposals(&self) -> bool {
        self.model
            .log
            .iter()
            .any(|r| matches!(r.what, What::Proposal { .. }))
    }

    fn quorum(&self) -> &'static [&'static str] {
        QUORUMS[usize::try_from(self.ids).unwrap() % QUORUMS.len()]
    }

    /// Offers a new event, signed by `signers`; returns its id and whether it was accepted.
    fn submit(
        &mut self,
        event: LedgerEvent,
        signers: &[&str],
        what: What,
        expect: Expect,
        check: &mut Check<'_>,
    ) -> Result<(String, bool), TestCaseError> {
        let id = format!("m{:05}", self.ids);
        self.ids += 1;
        let event = event.to_event(&id).unwrap();
        let signatures = signers
            .iter()
            .map(|r| event.sign(example::ORIGIN, &example::signer(r)))
            .collect();
        let accepted = self.offer(event, signatures, what, expect, check)?;
        Ok((id, accepted))
    }

    fn offer(
        &mut self,
        event: Event,
        signatures: Vec<AuthorSignature>,
        what: What,
        expect: Expect,
        check: &mut Check<'_>,
    ) -> Result<bool, TestCaseError> {
        let at = self.time();
        self.tick += 1;
        let id = event.id().to_string();
        let entry = Entry::seal(
            self.head.size(),
            self.head.last_hash(),
            at,
            event,
            signatures,
        )
        .unwrap();
        self.head.check_next(&entry).unwrap();
        let before = self.ledger.clone();
        let result = self.ledger.apply(&entry);
        if let Ok(applied) = &result {
            self.head.advance(&entry);
            self.accepted.push(entry.clone());
            self.applied.push(applied.clone());
            self.model.log.push(Recorded {
                seq: entry.seq(),
                id,
                month: self.month,
                what,
            });
        }
        let attempt = Attempt {
            entry,
            before,
            result,
            expect,
        };
        check(self, &attempt).map_err(|e| {
            let outcome = match &attempt.result {
                Ok(_) => "accepted".to_string(),
                Err(e) => format!("refused: {e}"),
            };
            TestCaseError::fail(format!(
                "entry {} ({} `{}`, {}, body {}): {e}",
                attempt.entry.seq(),
                attempt.entry.event().kind(),
                attempt.entry.event().id(),
                outcome,
                serde_json::Value::Object(attempt.entry.event().body().clone()),
            ))
        })?;
        Ok(attempt.result.is_ok())
    }

    /// Records an owners' decision on `matter` as `vote` says; returns its id.
    fn decide(
        &mut self,
        matter: Matter,
        vote: Vote,
        check: &mut Check<'_>,
    ) -> Result<String, TestCaseError> {
        let (matter, passed, stated) = match vote {
            Vote::Passed => (matter, true, Outcome::Passed),
            Vote::Rejected => (matter, false, Outcome::Rejected),
            Vote::WrongMatter => (Matter::Budget, true, Outcome::Passed),
            Vote::Mislabeled => (matter, true, Outcome::Rejected),
            Vote::Maintenance => (Matter::UseMaintenanceFund, true, Outcome::Passed),
        };
        let yes = if passed { 8 } else { 2 };
        // The vote counts the registered households' exclusive area (with none registered, the
        // decision is refused, which the model follows).
        let registered: i64 = self.model.units().values().sum();
        let total = if registered > 0 { registered } else { 10_000 };
        let event = LedgerEvent::OwnersDecision(OwnersDecision {
            matter,
            title: label("业主大会表决"),
            totals: VoteTotals {
                total_area_centi_m2: total,
                total_owners: 10,
                participating_area_centi_m2: total,
                participating_owners: 10,
                yes_area_centi_m2: total * yes / 10,
                yes_owners: u32::try_from(yes).unwrap(),
            },
            outcome: stated,
            document_sha256: HashHex(sha256(b"minutes")),
        });
        let quorum = self.quorum();
        Ok(self
            .submit(
                event,
                quorum,
                What::Decision { matter, passed },
                Expect::Unknown,
                check,
            )?
            .0)
    }

    fn run_op(&mut self, op: &Op, check: &mut Check<'_>) -> Result<(), TestCaseError> {
        let m = &self.model;
        match op {
            Op::Register { unit: u, area } => {
                let (u, area) = (unit(u), *area);
                let event = LedgerEvent::HouseholdRegistered(HouseholdRegistered {
                    unit: u.clone(),
                    area_centi_m2: area,
                });
                self.submit(
                    event,
                    TREASURER,
                    What::Register { unit: u, area },
                    Expect::Unknown,
                    check,
                )?;
            }
            Op::Correct { pick, area } => {
                let (u, area) = (self.pick_unit(*pick), *area);
                let event = LedgerEvent::HouseholdCorrected(HouseholdCorrected {
                    unit: u.clone(),
                    area_centi_m2: area,
                    reason: label("面积测量有误"),
                });
                self.submit(
                    event,
                    TREASURER,
                    What::Correct { unit: u, area },
                    Expect::Unknown,
                    check,
                )?;
            }
            Op::Schedule {
                vote,
                rate,
                garbage,
                back,
            } => {
                let decision = self.decide(Matter::FeeSchedule, *vote, check)?;
                let mut items = vec![(slug("property_fee"), FeeBasis::PerM2, *rate)];
                if let Some(g) = garbage {
                    items.push((slug("garbage_fee"), FeeBasis::PerHousehold, *g));
                }
                let from = months_after(self.month, -i32::from(*back));
                let event = LedgerEvent::FeeScheduleAdopted(FeeScheduleAdopted {
                    items: items
                        .iter()
                        .map(|(item, basis, rate)| FeeItem {
                            item: item.clone(),
                            name: label("收费项目"),
                            basis: *basis,
                            rate_fen: fen(*rate),
                        })
                        .collect(),
                    from_period: from,
                    decision,
                });
                let quorum = self.quorum();
                self.submit(
                    event,
                    quorum,
                    What::Schedule { from, items },
                    Expect::Unknown,
                    check,
                )?;
            }
            Op::Assess { back, mask, tamper } => {
                let period = months_after(self.month, -i32::from(*back));
                let due = self.ledger.due_charges(period);
                let mut charges: Vec<Charge> = due
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << (i % 32)) != 0)
                    .map(|(_, c)| c.clone())
                    .collect();
                if charges.is_empty() {
                    charges = due;
                }
                match (tamper, charges.first().cloned()) {
                    (0, Some(c)) => charges[0].amount_fen = fen(c.amount_fen.get() + 1),
                    (1, Some(c)) => charges.push(c),
                    (2, Some(c)) => charges.push(Charge {
                        unit: c.unit,
                        item: slug("water_fee"),
                        amount_fen: fen(100),
                    }),
                    (3, _) => charges.push(Charge {
                        unit: unit(NOBODY),
                        item: slug("property_fee"),
                        amount_fen: fen(100),
                    }),
                    _ => {}
                }
                let what = What::Charges {
                    period,
                    charges: charges
                        .iter()
                        .map(|c| (c.unit.clone(), c.item.clone(), c.amount_fen.get()))
                        .collect(),
                };
                self.submit(
                    LedgerEvent::ChargesAssessed(ChargesAssessed { period, charges }),
                    TREASURER,
                    what,
                    Expect::Unknown,
                    check,
                )?;
            }
            Op::Pay {
                pick,
                amount,
                channel,
                named,
            } => {
                let u = self.pick_unit(*pick);
                let periods: Vec<Period> = named
                    .iter()
                    .map(|o| months_after(self.month, i32::from(*o)))
                    .collect();
                let channel = [
                    Channel::Cash,
                    Channel::WechatPay,
                    Channel::Alipay,
                    Channel::BankTransfer,
                ][usize::from(*channel)];
                let event = LedgerEvent::PaymentReceived(PaymentReceived {
                    unit: u.clone(),
                    amount_fen: fen(*amount),
                    channel,
                    periods: periods.clone(),
                });
                self.submit(
                    event,
                    TREASURER,
                    What::Payment {
                        unit: u,
                        amount: *amount,
                        periods,
                    },
                    Expect::Unknown,
                    check,
                )?;
            }
            Op::Income {
                fund: f,
                category,
                amount,
            } => {
                let f = fund(FUNDS[usize::from(*f)]);
                let category = slug(
                    ["advertising", "space_rental", "interest", "deposit"][usize::from(*category)],
                );
                let event = LedgerEvent::IncomeReceived(IncomeReceived {
                    fund: f.clone(),
                    category: category.clone(),
                    payer: label("某广告公司"),
                    amount_fen: fen(*amount),
                    channel: Channel::BankTransfer,
                });
                self.submit(
                    event,
                    TREASURER,
                    What::Income {
                        fund: f,
                        category,
                        amount: *amount,
                    },
                    Expect::Unknown,
                    check,
                )?;
            }
            Op::Grant { fund: f, amount } => {
                let f = fund(["project:alpha", "project:beta", "public_revenue"][usize::from(*f)]);
                let event = LedgerEvent::GrantReceived(GrantReceived {
                    fund: f.clone(),
                    grantor: label("区住建局"),
                    purpose: label("老旧小区改造"),
                    amount_fen: fen(*amount),
                });
                self.submit(
                    event,
                    TREASURER,
                    What::Grant {
                        fund: f,
                        amount: *amount,
                    },
                    Expect::Unknown,
                    check,
                )?;
            }
            Op::Propose {
                fund: f,
                category,
                amount,
                wrong_project,
            } => {
                let f = fund(FUNDS[usize::from(*f)]);
                let category =
                    slug(["cleaning", "greenery", "repairs", "renovation"][usize::from(*category)]);
                let mut project = f.project().map(slug);
                if *wrong_project {
                    project = if project.is_some() {
                        None
                    } else {
                        Some(slug("alpha"))
                    };
                }
                let event = LedgerEvent::ExpenseProposed(ExpenseProposed {
                    payee: label("明亮保洁服务部"),
                    category: category.clone(),
                    fund: f.clone(),
                    amount_fen: fen(*amount),
                    description: label("日常维护"),
                    project,
                    // The maintenance fund pays only under a passed decision to use it.
                    decision: if f.as_str() == "maintenance" {
                        m.log
                            .iter()
                            .rev()
                            .find(|r| {
                                matches!(
                                    r.what,
                                    What::Decision {
                                        matter: Matter::UseMaintenanceFund,
                                        passed: true
                                    }
                                )
                            })
                            .map(|r| r.id.clone())
                    } else {
                        None
                    },
                });
                self.submit(
                    event,
                    TREASURER,
                    What::Proposal {
                        fund: f,
                        category,
                        amount: *amount,
                    },
                    Expect::Unknown,
                    check,
                )?;
            }
            Op::Approve { pick, .. } | Op::PayExpense { pick, .. }
                if !self.has_proposals() && pick % 8 != 0 => {}
            Op::Approve { pick, member } => {
                let proposal = self.pick_proposal(*pick);
                let member = [
                    "committee-1",
                    "committee-2",
                    "committee-3",
                    "committee-1",
                    "committee-2",
                    "committee-3",
                    "treasurer",
                ][usize::from(*member)];
                let event = LedgerEvent::ExpenseApproved(ExpenseApproved {
                    proposal: proposal.clone(),
                });
                self.submit(
                    event,
                    &[member],
                    What::Approval { proposal, member },
                    Expect::Unknown,
                    check,
                )?;
            }
            Op::PayExpense { pick, invoice } => {
                let proposal = self.pick_proposal(*pick);
                let scan = Some(HashHex(sha256(b"invoice scan")));
                let invoice = match invoice {
                    0 => Invoice {
                        kind: InvoiceKind::Fapiao,
                        number: None,
                        sha256: None,
                    },
                    1..=3 => Invoice {
                        kind: InvoiceKind::None,
                        number: None,
                        sha256: None,
                    },
                    4..=6 => Invoice {
                        kind: InvoiceKind::Fapiao,
                        number: Some(label("044002600111-00012345")),
                        sha256: scan,
                    },
                    _ => Invoice {
                        kind: InvoiceKind::Receipt,
                        number: Some(label("R-0001")),
                        sha256: scan,
                    },
                };
                let complete = invoice.kind == InvoiceKind::None || invoice.number.is_some();
                let expect = match m.proposal(&proposal) {
                    Some((f, _, amount))
                        if complete
                            && !m.is_reversed(&proposal)
                            && !m.proposal_paid(&proposal)
                            && (amount <= m.threshold
                                || m.approvals(&proposal).len() >= m.quorum) =>
                    {
                        m.expect_taking(&f, amount)
                    }
                    _ => Expect::Unknown,
                };
                let event = LedgerEvent::ExpensePaid(ExpensePaid {
                    proposal: proposal.clone(),
                    channel: Channel::BankTransfer,
                    invoice,
                });
                self.submit(
                    event,
                    TREASURER,
                    What::ExpensePaid { proposal },
                    expect,
                    check,
                )?;
            }
            Op::Transfer {
                from,
                to,
                amount,
                vote,
            } => {
                let decision = self.decide(Matter::FundTransfer, *vote, check)?;
                let (from, to, amount) = (
                    fund(FUNDS[usize::from(*from)]),
                    fund(FUNDS[usize::from(*to)]),
                    *amount,
                );
                let m = &self.model;
                let funds = m.funds();
                let allowed = match m.decision(&decision) {
                    Some((Matter::FundTransfer, true)) => true,
                    Some((Matter::UseMaintenanceFund, true)) => from.as_str() == "maintenance",
                    _ => false,
                };
                let expect = if amount > 0
                    && from != to
                    && funds.contains_key(&from)
                    && funds.contains_key(&to)
                    && allowed
                {
                    m.expect_taking(&from, amount)
                } else {
                    Expect::Unknown
                };
                let event = LedgerEvent::FundsTransferred(FundsTransferred {
                    from_fund: from.clone(),
                    to_fund: to.clone(),
                    amount_fen: fen(amount),
                    decision,
                });
                let quorum = self.quorum();
                self.submit(
                    event,
                    quorum,
                    What::Transfer { from, to, amount },
                    expect,
                    check,
                )?;
            }
            Op::Reverse { pick, money_only } => {
                let candidates: Vec<&Recorded> = m
                    .log
                    .iter()
                    .filter(|r| {
                        !money_only
                            || matches!(
                                r.what,
                                What::Charges { .. }
                                    | What::Payment { .. }
                                    | What::Income { .. }
                                    | What::Grant { .. }
                                    | What::Proposal { .. }
                                    | What::ExpensePaid { .. }
                                    | What::Transfer { .. }
                                    | What::Demand
                            )
                    })
                    .collect();
                let target = candidates
                    .get(usize::from(*pick) % candidates.len().max(1))
                    .copied();
                let id = target.map_or_else(|| "no-such-event".to_string(), |t| t.id.clone());
                let expect = match target {
                    Some(t) if !m.is_reversed(&t.id) => match &t.what {
                        What::Payment { amount, .. } => {
                            m.expect_taking(&fund("operating"), *amount)
                        }
                        What::Income { fund, amount, .. } | What::Grant { fund, amount } => {
                            m.expect_taking(fund, *amount)
                        }
                        What::Transfer { to, amount, .. } => m.expect_taking(to, *amount),
                        What::ExpensePaid { .. } | What::Charges { .. } | What::Demand => {
                            Expect::Accept
                        }
                        What::Proposal { .. } if !m.proposal_paid(&t.id) => Expect::Accept,
                        _ => Expect::Unknown,
                    },
                    _ => Expect::Unknown,
                };
                let signers = if matches!(target.map(|t| &t.what), Some(What::Transfer { .. })) {
                    self.quorum()
                } else {
                    TREASURER
                };
                let event = LedgerEvent::Reversal(Reversal {
                    reverses: id.clone(),
                    reason: label("录入错误"),
                });
                self.submit(event, signers, What::Reversal { target: id }, expect, check)?;
            }
            Op::Close { months } => {
                // A month, or (if asked and it starts one) a calendar quarter; two months are
                // refused. Closes are always of the ledger's next months.
                let from = m.last_closed().map_or(m.first, |p| months_after(p, 1));
                let len = match months {
                    3 if from.month() % 3 == 1 => 3,
                    2 => 2,
                    _ => 1,
                };
                let range = PeriodRange {
                    from,
                    to: months_after(from, len - 1),
                };
                let expect = if len != 2 && range.to < self.month {
                    Expect::Accept
                } else {
                    Expect::Unknown
                };
                let event = LedgerEvent::PeriodClosed(PeriodClosed {
                    statement: self.ledger.statement(range),
                });
                self.submit(
                    event,
                    TREASURER,
                    What::Close { to: range.to },
                    expect,
                    check,
                )?;
            }
            Op::NextMonth { months } => {
                self.month = months_after(self.month, i32::from(*months));
                self.tick = 0;
            }
            Op::Demand { pick, wrong } => {
                let u = self.pick_unit(*pick);
                let (charged, paid) = m.totals(&u);
                let owed = (charged - paid).max(0);
                let amount = if owed == 0 {
                    100
                } else {
                    owed + i64::from(*wrong)
                };
                let expect = if m.units().contains_key(&u) && owed > 0 && !wrong {
                    Expect::Accept
                } else {
                    Expect::Unknown
                };
                let event = LedgerEvent::PaymentDemandIssued(PaymentDemandIssued {
                    unit: u,
                    amount_fen: fen(amount),
                    document_sha256: HashHex(sha256(b"demand letter")),
                });
                self.submit(event, TREASURER, What::Demand, expect, check)?;
            }
            Op::Resubmit { pick, conflicting } => {
                if self.accepted.len() < 2 {
                    return Ok(());
                }
                let original =
                    self.accepted[1 + usize::from(*pick) % (self.accepted.len() - 1)].clone();
                let what = m
                    .get(original.event().id())
                    .expect("accepted entries are mirrored")
                    .what
                    .clone();
                if *conflicting {
                    let body = LedgerEvent::PaymentReceived(PaymentReceived {
                        unit: unit(NOBODY),
                        amount_fen: fen(1),
                        channel: Channel::Cash,
                        periods: Vec::new(),
                    });
                    let event = body.to_event(original.event().id()).unwrap();
                    let signatures =
                        vec![event.sign(example::ORIGIN, &example::signer("treasurer"))];
                    self.offer(event, signatures, What::Demand, Expect::Unknown, check)?;
                } else {
                    self.offer(
                        original.event().clone(),
                        original.signatures().to_vec(),
                        what,
                        Expect::Unknown,
                        check,
                    )?;
                }
            }
        }
        Ok(())
    }
}

/// Runs `ops` from the example genesis, calling `check` after every entry offered.
fn run(ops: &[Op], check: &mut Check<'_>) -> Result<Harness, TestCaseError> {
    let mut h = Harness::new();
    for (i, op) in ops.iter().enumerate() {
        h.run_op(op, check)
            .map_err(|e| TestCaseError::fail(format!("op #{i} {op:?}: {e}")))?;
    }
    Ok(h)
}

// ---------------------------------------------------------------------------------------------
// The properties.

fn config() -> ProptestConfig {
    // No regression files: this module writes nothing beside itself.
    ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn i(v: Fen) -> i64 {
    v.get()
}

/// Property 1: the ledger's projections equal the model's.
fn agrees_with_model(h: &Harness) -> Result<(), TestCaseError> {
    let (l, m) = (&h.ledger, &h.model);
    let ledger_funds: BTreeMap<FundId, i64> = l
        .fund_balances()
        .into_iter()
        .map(|(f, v)| (f, i(v)))
        .collect();
    prop_assert_eq!(&ledger_funds, &m.funds(), "fund balances");
    let units = m.units();
    prop_assert_eq!(
        l.households().keys().collect::<Vec<_>>(),
        units.keys().collect::<Vec<_>>(),
        "registered units"
    );
    for (u, area) in &units {
        let hh = &l.households()[u];
        let (charged, paid) = m.totals(u);
        prop_assert_eq!(hh.area_centi_m2, *area, "area of {}", u);
        prop_assert_eq!(hh.charged_total(), i128::from(charged), "charged to {}", u);
        prop_assert_eq!(hh.paid_total(), i128::from(paid), "paid by {}", u);
        prop_assert_eq!(i(l.arrears(u)), (charged - paid).max(0), "arrears of {}", u);
        prop_assert_eq!(
            (-hh.position()).max(0),
            i128::from((paid - charged).max(0)),
            "prepaid by {}",
            u
        );
        let outstanding: Vec<(Period, Slug, i64)> = hh
            .outstanding()
            .into_iter()
            .map(
                |Outstanding {
                     period,
                     item,
                     amount,
                 }| (period, item, i(amount)),
            )
            .collect();
        prop_assert_eq!(
            outstanding,
            m.outstanding(u),
            "outstanding charges of {}",
            u
        );
    }
    let now = PeriodRange {
        from: h.month,
        to: h.month,
    };
    prop_assert_eq!(
        l.statement(now).arrears,
        m.aging(h.month),
        "arrears by age at {}",
        h.month
    );
    for p in [months_after(h.month, -1), h.month] {
        prop_assert_eq!(l.due_charges(p), m.due_charges(p), "charges due for {}", p);
    }
    prop_assert_eq!(l.pending_approvals(), m.pending(), "pending approvals");
    Ok(())
}

/// Property 2: postings balance and the receivable and prepaid accounts are the households'.
fn books_balance(h: &Harness, a: &Attempt) -> Result<(), TestCaseError> {
    let as_i128 = |accounts: &BTreeMap<Account, Fen>| -> BTreeMap<Account, i128> {
        accounts
            .iter()
            .filter(|(_, v)| v.get() != 0)
            .map(|(a, v)| (a.clone(), i128::from(v.get())))
            .collect()
    };
    if let Ok(applied) = &a.result {
        let sum: i128 = applied
            .postings
            .iter()
            .map(|p| i128::from(p.amount.get()))
            .sum();
        prop_assert_eq!(sum, 0, "postings {:?} do not balance", applied.postings);
        let mut expected = as_i128(a.before.accounts());
        for p in &applied.postings {
            *expected.entry(p.account.clone()).or_insert(0) += i128::from(p.amount.get());
        }
        expected.retain(|_, v| *v != 0);
        prop_assert_eq!(
            as_i128(h.ledger.accounts()),
            expected,
            "accounts moved other than by the postings {:?}",
            applied.postings
        );
    }
    let total: i128 = h
        .ledger
        .accounts()
        .values()
        .map(|v| i128::from(v.get()))
        .sum();
    prop_assert_eq!(total, 0, "the books do not balance");
    let positions: Vec<i128> = h
        .ledger
        .households()
        .values()
        .map(|hh| hh.position())
        .collect();
    let model_positions: Vec<i128> = h
        .model
        .units()
        .keys()
        .map(|u| h.model.totals(u))
        .map(|(c, p)| i128::from(c - p))
        .collect();
    prop_assert_eq!(&positions, &model_positions, "household positions");
    let account = |a: Account| {
        h.ledger
            .accounts()
            .get(&a)
            .map_or(0, |v| i128::from(v.get()))
    };
    prop_assert_eq!(
        account(Account::Receivable),
        positions.iter().map(|p| (*p).max(0)).sum::<i128>(),
        "receivable"
    );
    prop_assert_eq!(
        account(Account::Prepaid),
        -positions.iter().map(|p| (-*p).max(0)).sum::<i128>(),
        "prepaid"
    );
    Ok(())
}

/// Property 3: no fund below zero; overdrawing is refused as such.
fn never_overdrawn(h: &Harness, a: &Attempt) -> Result<(), TestCaseError> {
    for (f, v) in h.ledger.fund_balances() {
        prop_assert!(v.get() >= 0, "fund {} holds {}", f, v);
    }
    for (f, v) in h.model.funds() {
        prop_assert!(v >= 0, "the model's fund {} holds {}", f, v);
    }
    match (&a.expect, &a.result) {
        (
            Expect::Overdraw {
                fund,
                balance,
                needed,
            },
            Err(RuleError {
                violation:
                    Violation::FundOverdrawn {
                        fund: f,
                        balance: b,
                        needed: n,
                    },
                ..
            }),
        ) => {
            prop_assert_eq!(
                (f, i(*b), i(*n)),
                (fund, *balance, *needed),
                "overdraft reported"
            );
        }
        (Expect::Overdraw { .. }, other) => {
            prop_assert!(false, "expected {:?}, got {:?}", a.expect, other)
        }
        (Expect::Accept, Err(e)) => prop_assert!(false, "expected acceptance, got {}", e),
        (
            Expect::Unknown,
            Err(RuleError {
                violation: v @ Violation::FundOverdrawn { .. },
                ..
            }),
        ) => {
            prop_assert!(
                false,
                "refused with {} though another rule should have refused it first",
                v
            )
        }
        _ => {}
    }
    Ok(())
}

/// Property 4 (at the end): replaying the accepted entries gives the same ledger and postings.
fn replays(h: &Harness) -> Result<(), TestCaseError> {
    let mut fresh = Ledger::new();
    for (entry, applied) in h.accepted.iter().zip(&h.applied) {
        let again = fresh.apply(entry);
        prop_assert_eq!(
            again.as_ref(),
            Ok(applied),
            "replaying entry {}",
            entry.seq()
        );
    }
    prop_assert!(
        fresh == h.ledger,
        "the replayed ledger differs from the incremental one"
    );
    let verified = verify_jsonl(&example::jsonl(&h.accepted));
    prop_assert!(
        verified.is_ok(),
        "the accepted entries are not a valid log: {:?}",
        verified.err()
    );
    Ok(())
}

/// The ranges of one to three months from the first month to the current one.
fn ranges_seen(h: &Harness) -> Vec<PeriodRange> {
    let months = month_index(h.month) - month_index(h.model.first);
    let mut out = Vec::new();
    for start in 0..=months {
        for len in 1..=3 {
            if start + len - 1 <= months {
                out.push(PeriodRange {
                    from: months_after(h.model.first, start),
                    to: months_after(h.model.first, start + len - 1),
                });
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(config())]

    /// 1. After every entry offered, the model and the ledger agree: fund balances, each
    /// household's charges, payments, arrears, prepayment and unpaid charges, arrears by age,
    /// the charges due, and pending approvals.
    #[test]
    fn ledger_agrees_with_the_model(ops in ops()) {
        run(&ops, &mut |h, _| agrees_with_model(h))?;
    }

    /// 2. Every accepted entry's postings sum to zero and move the accounts by exactly their
    /// amounts; all accounts sum to zero; Receivable = Σ max(0, position) and
    /// Prepaid = −Σ max(0, −position).
    #[test]
    fn books_always_balance(ops in ops()) {
        run(&ops, &mut books_balance)?;
    }

    /// 3. No fund ever goes below zero, and an entry that would overdraw one (every other rule
    /// keeping) is refused with `FundOverdrawn` naming the fund, its balance and the amount.
    #[test]
    fn funds_are_never_overdrawn(ops in ops()) {
        run(&ops, &mut never_overdrawn)?;
    }

    /// 4. A refused entry leaves the ledger exactly as it was, and replaying the accepted entries
    /// into a fresh ledger derives the same postings and ends in an equal ledger.
    #[test]
    fn replay_equals_incremental(ops in ops()) {
        let h = run(&ops, &mut |h, a| {
            if a.result.is_err() {
                prop_assert!(a.before == h.ledger, "a refused entry changed the ledger");
            }
            Ok(())
        })?;
        replays(&h)?;
    }

    /// 5. The model's statement equals `Ledger::statement` for ranges of one to three months:
    /// a random one after every entry, and every one at the end.
    #[test]
    fn statements_agree_with_the_model(ops in ops(), picks in prop::collection::vec((any::<u16>(), 1u8..=3), 1..8)) {
        let mut n = 0;
        let h = run(&ops, &mut |h, _| {
            let (start, len) = picks[n % picks.len()];
            n += 1;
            let months = month_index(h.month) - month_index(h.model.first) + 1;
            let from = months_after(h.model.first, i32::from(start) % months);
            let to = months_after(from, i32::from(len) - 1).min(h.month).max(from);
            let range = PeriodRange { from, to };
            prop_assert_eq!(h.ledger.statement(range), h.model.statement(range), "statement of {}..{}", from, to);
            Ok(())
        })?;
        for range in ranges_seen(&h) {
            prop_assert_eq!(h.ledger.statement(range), h.model.statement(range), "statement of {}..{}", range.from, range.to);
        }
    }
}
