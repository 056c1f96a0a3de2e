//! Plain-text accounting journals of a ledger, for hledger, ledger-cli and beancount.
//!
//! Anyone holding the log can check the books with tools they already trust: a
//! [`JournalWriter`], fed every entry in log order with the postings [`Ledger::apply`] derived,
//! writes
//!
//! - a journal that both hledger and ledger-cli read ([`Journals::journal`]), and
//! - a beancount file ([`Journals::beancount`]).
//!
//! Each entry that moves money becomes one transaction, dated by the day it was recorded in
//! Beijing time (UTC+8), described in Chinese, tagged with the entry's `seq` and `event_id`.
//! Postings to the same account within one entry are summed (a month's charges post to the
//! receivable once per household), in the order each account first appears. Amounts are yuan
//! with exactly two decimals, written `123.45 CNY`, the form all three tools read.
//!
//! Each period close becomes a balance assertion per fund on the fund's `Money` account, equal
//! to the close's statement (`closing_fen`), placed where the period ends — after the last
//! transaction of its last month and before the first transaction of the next, even when the
//! close itself is recorded later — so that the tools check the statement against the
//! transactions:
//!
//! - hledger / ledger-cli: a transaction dated the last day of the period whose postings have a
//!   zero amount and a single-`=` assertion, `Assets:Operating:Money  0.00 CNY = 1234.56 CNY`
//!   (ledger-cli refuses `==`; a posting without an amount would be a balance *assignment*);
//! - beancount: `balance Assets:Operating:Money  1234.56 ~ 0.00 CNY`, dated the day after the
//!   period (beancount checks a balance at the start of its date); the explicit `~ 0.00` makes
//!   the tolerance zero, where beancount would otherwise accept a difference of one fen.
//!
//! Account names are ASCII ([`Account::journal_name`]): beancount refuses others. Chinese text
//! goes in descriptions, narrations, comments and metadata only. The output is a pure function
//! of the entries: the same log gives the same bytes.

use super::accounts::Account;
use super::events::LedgerEvent;
use super::types::{Channel, Fen, Period};
use super::{Applied, Ledger, RuleError};
use crate::entry::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The commodity of every amount.
pub const COMMODITY: &str = "CNY";

/// Metadata tags the journals attach to transactions (declared in the hledger/ledger journal so
/// that `ledger --pedantic` accepts them).
pub const TAGS: [&str; 3] = ["seq", "event_id", "memo"];

/// Column at which posting amounts end, for readability only (every tool needs just two spaces).
const ACCOUNT_WIDTH: usize = 40;
const AMOUNT_WIDTH: usize = 14;

/// The journals of a ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journals {
    /// The journal hledger and ledger-cli both read (`.journal`, `.ledger`).
    pub journal: String,
    /// The beancount file (`.beancount`).
    pub beancount: String,
}

/// A place between two months of the log where period-end balance assertions go.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Boundary {
    /// The month of the last entry before the boundary.
    after: Period,
    /// The month of the first entry after it.
    before: Period,
    /// Offsets in the two bodies.
    journal_at: usize,
    beancount_at: usize,
    /// Assertions placed here.
    journal: String,
    beancount: String,
}

/// Writes the journals of a ledger, one entry at a time, in log order.
///
/// Feed it every entry from the genesis on with [`JournalWriter::push`], then take the text with
/// [`JournalWriter::journals`] (or [`JournalWriter::finish`]). [`journals`] does all of it for a
/// whole log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JournalWriter {
    community: String,
    origin: String,
    journal: String,
    beancount: String,
    boundaries: Vec<Boundary>,
    last_month: Option<Period>,
    /// Every account used, with the first date it is needed (beancount opens it then).
    accounts: BTreeMap<String, String>,
}

impl JournalWriter {
    /// A writer with nothing written yet.
    pub fn new() -> JournalWriter {
        JournalWriter::default()
    }

    /// Adds one entry, with the postings `Ledger::apply` derived for it and the ledger as it is
    /// after the entry (for the names of things the entry only refers to, such as the payee of
    /// the proposal an `expense_paid` pays).
    ///
    /// Entries must come in log order, each once; an entry without postings adds nothing unless
    /// it is a period close, which adds its balance assertions where the period ends.
    pub fn push(&mut self, entry: &Entry, applied: &Applied, ledger_after: &Ledger) {
        if self.community.is_empty() {
            self.community = sanitize(ledger_after.community());
            self.origin = sanitize(ledger_after.origin());
        }
        let month = Period::of_time(entry.recorded_at());
        match self.last_month {
            Some(last) if last != month => self.boundaries.push(Boundary {
                after: last,
                before: month,
                journal_at: self.journal.len(),
                beancount_at: self.beancount.len(),
                journal: String::new(),
                beancount: String::new(),
            }),
            _ => {}
        }
        self.last_month = Some(month);
        let event = LedgerEvent::from_event(entry.event()).ok();
        if let Some(LedgerEvent::PeriodClosed(close)) = &event {
            self.close(entry, close);
        }
        let postings = merge(applied);
        if postings.is_empty() {
            return;
        }
        let date = entry.recorded_at().beijing_date();
        // Only an event the ledger understands has postings (`Ledger::apply` refuses others);
        // one pushed with postings all the same is named by its type.
        let (description, memo) = match &event {
            Some(event) => describe(event, ledger_after),
            None => (entry.event().kind().to_string(), None),
        };
        let seq = entry.seq();
        let id = entry.event().id();
        // hledger / ledger-cli
        let j = &mut self.journal;
        let _ = writeln!(j, "{date} {}", sanitize(&description));
        let _ = writeln!(j, "    ; seq: {seq}");
        let _ = writeln!(j, "    ; event_id: {id}");
        if let Some(memo) = &memo {
            let _ = writeln!(j, "    ; memo: {}", sanitize(memo));
        }
        for (account, amount) in &postings {
            let _ = writeln!(
                j,
                "    {account:<ACCOUNT_WIDTH$}  {:>AMOUNT_WIDTH$} {COMMODITY}",
                yuan(*amount)
            );
        }
        j.push('\n');
        // beancount
        let b = &mut self.beancount;
        let _ = writeln!(b, "{date} * {}", quote(&description));
        let _ = writeln!(b, "  seq: {seq}");
        let _ = writeln!(b, "  event_id: {}", quote(id));
        if let Some(memo) = &memo {
            let _ = writeln!(b, "  memo: {}", quote(memo));
        }
        for (account, amount) in &postings {
            let _ = writeln!(
                b,
                "  {account:<ACCOUNT_WIDTH$}  {:>AMOUNT_WIDTH$} {COMMODITY}",
                yuan(*amount)
            );
        }
        b.push('\n');
        for (account, _) in postings {
            self.accounts.entry(account).or_insert_with(|| date.clone());
        }
    }

    /// The balance assertions of a period close, at the end of its period.
    fn close(&mut self, entry: &Entry, close: &super::events::PeriodClosed) {
        let range = close.statement.period;
        let (last_day, next_day) = (last_day(range.to), first_day(range.to.next()));
        let period = if range.from == range.to {
            range.to.to_string()
        } else {
            format!("{}至{}", range.from, range.to)
        };
        let description = format!("结账 {period} 余额核对");
        let (seq, id) = (entry.seq(), entry.event().id());
        let mut journal =
            format!("{last_day} {description}\n    ; seq: {seq}\n    ; event_id: {id}\n");
        let mut beancount = String::new();
        let mut funds: Vec<(String, Fen)> = close
            .statement
            .funds
            .iter()
            .map(|f| (Account::Money(f.fund.clone()).journal_name(), f.closing_fen))
            .collect();
        funds.sort();
        for (account, closing) in &funds {
            let zero = yuan(0);
            let _ = writeln!(
                journal,
                "    {account:<ACCOUNT_WIDTH$}  {zero:>AMOUNT_WIDTH$} {COMMODITY} = {closing} {COMMODITY}"
            );
            let _ = writeln!(
                beancount,
                "{next_day} balance {account:<ACCOUNT_WIDTH$}  {closing} ~ 0.00 {COMMODITY}"
            );
            let _ = writeln!(beancount, "  seq: {seq}\n  event_id: {}", quote(id));
            // The assertion needs the account open on the day it checks.
            let opened = self
                .accounts
                .entry(account.clone())
                .or_insert_with(|| next_day.clone());
            if *opened > next_day {
                opened.clone_from(&next_day);
            }
        }
        journal.push('\n');
        beancount.push('\n');
        let end = range.to;
        match self
            .boundaries
            .iter_mut()
            .rev()
            .find(|b| b.after <= end && end < b.before)
        {
            Some(b) => {
                b.journal.push_str(&journal);
                b.beancount.push_str(&beancount);
            }
            // Only when the writer was not fed the log from its start: assert where we are.
            None => {
                self.journal.push_str(&journal);
                self.beancount.push_str(&beancount);
            }
        }
    }

    /// The journals of the entries pushed so far.
    pub fn journals(&self) -> Journals {
        Journals {
            journal: self.journal_text(),
            beancount: self.beancount_text(),
        }
    }

    /// The journals, consuming the writer.
    pub fn finish(self) -> Journals {
        self.journals()
    }

    fn title(&self) -> String {
        let community = if self.community.is_empty() {
            "公账".to_string()
        } else {
            format!("{} 公账", self.community)
        };
        format!("{community} ({})", self.origin)
    }

    fn journal_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "; {}", self.title());
        out.push_str("; Generated from the signed log by gongzhang; hledger and ledger-cli both read this file.\n");
        out.push_str("; Amounts are yuan (CNY). Each period close asserts every fund's money at the end of its period.\n\n");
        let _ = writeln!(out, "commodity {COMMODITY}\n");
        for account in self.accounts.keys() {
            let _ = writeln!(out, "account {account}");
        }
        out.push('\n');
        for tag in TAGS {
            let _ = writeln!(out, "tag {tag}");
        }
        out.push('\n');
        out.push_str(&splice(
            &self.journal,
            self.boundaries
                .iter()
                .map(|b| (b.journal_at, b.journal.as_str())),
        ));
        out
    }

    fn beancount_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "; {}", self.title());
        out.push_str("; Generated from the signed log by gongzhang. Amounts are yuan (CNY).\n");
        out.push_str("; Each period close asserts every fund's money at the start of the day after its period.\n\n");
        let _ = writeln!(out, "option \"title\" {}", quote(&self.title()));
        let _ = writeln!(out, "option \"operating_currency\" \"{COMMODITY}\"\n");
        let mut opens: Vec<(&String, &String)> =
            self.accounts.iter().map(|(a, d)| (d, a)).collect();
        opens.sort();
        for (date, account) in opens {
            let _ = writeln!(out, "{date} open {account} {COMMODITY}");
        }
        out.push('\n');
        out.push_str(&splice(
            &self.beancount,
            self.boundaries
                .iter()
                .map(|b| (b.beancount_at, b.beancount.as_str())),
        ));
        out
    }
}

/// The journals of a whole log, replaying its entries on a fresh [`Ledger`].
///
/// Only the ledger's rules are checked here; verify the log (hashes, chain, signatures) first.
pub fn journals(entries: &[Entry]) -> Result<Journals, RuleError> {
    let mut ledger = Ledger::new();
    let mut writer = JournalWriter::new();
    for entry in entries {
        let applied = ledger.apply(entry)?;
        writer.push(entry, &applied, &ledger);
    }
    Ok(writer.finish())
}

/// `body` with each `(offset, text)` inserted at its offset (offsets in increasing order).
fn splice<'a>(body: &str, inserts: impl Iterator<Item = (usize, &'a str)>) -> String {
    let mut out = String::with_capacity(body.len());
    let mut from = 0;
    for (at, text) in inserts {
        out.push_str(&body[from..at]);
        out.push_str(text);
        from = at;
    }
    out.push_str(&body[from..]);
    out
}

/// The postings of an entry by account name, summed, in order of first appearance.
fn merge(applied: &Applied) -> Vec<(String, i128)> {
    let mut out: Vec<(String, i128)> = Vec::new();
    for p in &applied.postings {
        let name = p.account.journal_name();
        let amount = i128::from(p.amount.get());
        match out.iter_mut().find(|(a, _)| *a == name) {
            Some((_, sum)) => *sum += amount,
            None => out.push((name, amount)),
        }
    }
    out
}

use super::types::yuan_plain as yuan;

fn first_day(p: Period) -> String {
    format!("{p}-01")
}

fn last_day(p: Period) -> String {
    let (y, m) = (u32::from(p.year()), p.month());
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    format!("{p}-{days:02}")
}

/// Free text made safe for a journal line: `;` would start a comment in hledger, so it becomes
/// the full-width `；`.
fn sanitize(text: &str) -> String {
    text.replace(';', "；")
}

/// A beancount string literal.
fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn channel(c: Channel) -> &'static str {
    match c {
        Channel::Cash => "现金",
        Channel::WechatPay => "微信支付",
        Channel::Alipay => "支付宝",
        Channel::BankTransfer => "银行转账",
    }
}

/// The description of an entry's transaction, in Chinese, and a memo (free text the event
/// carries, such as what an expenditure was for).
///
/// The match names every kind, so that a new kind that moves money is described here when it is
/// added; the kinds that move no money never reach a journal and are named by their type.
fn describe(event: &LedgerEvent, ledger: &Ledger) -> (String, Option<String>) {
    use LedgerEvent as E;
    match event {
        E::LedgerOpened(g) => (format!("{} 建账 期初余额", g.community), None),
        E::ChargesAssessed(c) => {
            let units: BTreeSet<&str> = c.charges.iter().map(|c| c.unit.as_str()).collect();
            let mut items: Vec<String> = Vec::new();
            let charged: BTreeSet<&str> = c.charges.iter().map(|c| c.item.as_str()).collect();
            match ledger.schedule_for(c.period) {
                Some(s) => items.extend(
                    s.items
                        .iter()
                        .filter(|i| charged.contains(i.item.as_str()))
                        .map(|i| i.name.to_string()),
                ),
                None => items.extend(charged.iter().map(|s| s.to_string())),
            }
            (
                format!("计费 {} {} {}户", c.period, items.join("、"), units.len()),
                None,
            )
        }
        E::PaymentReceived(p) => (format!("{} 缴费 {}", p.unit, channel(p.channel)), None),
        E::IncomeReceived(i) => (format!("收入 {} {}", i.payer, i.category), None),
        E::GrantReceived(g) => (
            format!("专项资金 {} {}", g.grantor, g.fund),
            Some(g.purpose.to_string()),
        ),
        E::ExpensePaid(p) => match ledger.proposals().get(&p.proposal) {
            Some(proposal) => {
                let b = &proposal.body;
                (
                    format!("支出 {} {}", b.payee, b.category),
                    Some(b.description.to_string()),
                )
            }
            None => (format!("支出 {}", p.proposal), None),
        },
        E::FundsTransferred(t) => (format!("资金划转 {} 至 {}", t.from_fund, t.to_fund), None),
        E::Reversal(r) => (format!("冲正 {}", r.reverses), Some(r.reason.to_string())),
        E::RoleGranted(_)
        | E::KeyRevoked(_)
        | E::HouseholdRegistered(_)
        | E::HouseholdCorrected(_)
        | E::FeeScheduleAdopted(_)
        | E::ExpenseProposed(_)
        | E::ExpenseApproved(_)
        | E::OwnersDecision(_)
        | E::PaymentDemandIssued(_)
        | E::PeriodClosed(_)
        | E::AuditAttested(_)
        | E::BudgetAdopted(_) => (event.kind().to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Event, RecordedAt};
    use crate::hash::{Hash, sha256};
    use crate::keys::AuthorSigner;
    use crate::ledger::types::PeriodRange;
    use crate::note::SignerKey;
    use serde_json::{Value, json};

    const ORIGIN: &str = "example.org/tiny";

    fn signer(role: &str) -> AuthorSigner {
        AuthorSigner::from_seed(sha256(role.as_bytes()).0)
    }

    /// A tiny ledger: an opening balance, a fee charged and overpaid, an expenditure paid on the
    /// last Beijing evening of January, a grant just after midnight Beijing time (still January
    /// in UTC), the close of January recorded after it, then in February a payment, a transfer
    /// between funds, public revenue, and the close of February as the last entry.
    fn tiny() -> Vec<Entry> {
        let key = |role: &str| Value::String(signer(role).public_key().to_hex());
        let log_key = SignerKey::from_seed(ORIGIN, [7; 32])
            .unwrap()
            .verifier()
            .to_string();
        let steps: Vec<(&str, &str, &str, Value, &str)> = vec![
            (
                "2026-01-01T01:00:00.000Z",
                "t-0",
                "ledger_opened",
                json!({
                    "origin": ORIGIN, "community": "小院", "log_key": log_key,
                    "committee": [key("c1")], "treasurer": key("t"), "auditor": key("a"),
                    "governance": {"approval_threshold_fen": 500_000, "approvals_required": 1},
                    "first_period": "2026-01",
                    "opening_balances": [{"fund": "operating", "amount_fen": 100_000}],
                }),
                "c1",
            ),
            (
                "2026-01-02T02:00:00.000Z",
                "t-1",
                "household_registered",
                json!({"unit": "3-2-401", "area_centi_m2": 10_000}),
                "t",
            ),
            (
                "2026-01-03T02:00:00.000Z",
                "t-2",
                "owners_decision",
                json!({
                    "matter": "fee_schedule", "title": "物业费",
                    "totals": {"total_area_centi_m2": 10_000, "total_owners": 1, "participating_area_centi_m2": 10_000,
                               "participating_owners": 1, "yes_area_centi_m2": 10_000, "yes_owners": 1},
                    "outcome": "passed", "document_sha256": sha256(b"minutes").to_hex(),
                }),
                "c1",
            ),
            (
                "2026-01-03T03:00:00.000Z",
                "t-3",
                "fee_schedule_adopted",
                json!({
                    "items": [{"item": "property_fee", "name": "物业费", "basis": "per_m2", "rate_fen": 50}],
                    "from_period": "2026-01", "decision": "t-2",
                }),
                "c1",
            ),
            (
                "2026-01-05T00:30:00.000Z",
                "t-4",
                "charges_assessed",
                json!({
                    "period": "2026-01", "charges": [{"unit": "3-2-401", "item": "property_fee", "amount_fen": 5_000}],
                }),
                "t",
            ),
            (
                "2026-01-05T16:30:00.000Z",
                "t-5",
                "payment_received",
                json!({
                    "unit": "3-2-401", "amount_fen": 8_000, "channel": "wechat_pay", "periods": ["2026-01"],
                }),
                "t",
            ),
            (
                "2026-01-08T01:00:00.000Z",
                "t-6",
                "expense_proposed",
                json!({
                    "payee": "明亮保洁服务部", "category": "cleaning", "fund": "operating", "amount_fen": 20_000,
                    "description": "1月楼道保洁; \"加急\"",
                }),
                "t",
            ),
            (
                "2026-01-31T15:59:00.000Z",
                "t-7",
                "expense_paid",
                json!({
                    "proposal": "t-6", "channel": "bank_transfer",
                    "invoice": {"kind": "receipt", "number": "R-1", "sha256": sha256(b"scan").to_hex()},
                }),
                "t",
            ),
            (
                "2026-01-31T16:00:00.000Z",
                "t-8",
                "grant_received",
                json!({
                    "fund": "project:meter-2026", "grantor": "区住建局", "purpose": "电表改造", "amount_fen": 300_000,
                }),
                "t",
            ),
            (
                "2026-02-02T02:00:00.000Z",
                "t-9",
                "period_closed",
                json!({"period": {"from": "2026-01", "to": "2026-01"}}),
                "t",
            ),
            (
                "2026-02-03T02:00:00.000Z",
                "t-10",
                "payment_received",
                json!({"unit": "3-2-401", "amount_fen": 1, "channel": "cash"}),
                "t",
            ),
            (
                "2026-02-05T02:00:00.000Z",
                "t-11",
                "owners_decision",
                json!({
                    "matter": "fund_transfer", "title": "划拨维修资金",
                    "totals": {"total_area_centi_m2": 10_000, "total_owners": 1, "participating_area_centi_m2": 10_000,
                               "participating_owners": 1, "yes_area_centi_m2": 10_000, "yes_owners": 1},
                    "outcome": "passed", "document_sha256": sha256(b"minutes 2").to_hex(),
                }),
                "c1",
            ),
            (
                "2026-02-06T02:00:00.000Z",
                "t-12",
                "funds_transferred",
                json!({"from_fund": "operating", "to_fund": "maintenance", "amount_fen": 10_000, "decision": "t-11"}),
                "c1",
            ),
            (
                "2026-02-10T02:00:00.000Z",
                "t-13",
                "income_received",
                json!({"fund": "public_revenue", "category": "advertising", "payer": "城市之光广告", "amount_fen": 5_000, "channel": "alipay"}),
                "t",
            ),
            (
                "2026-03-01T02:00:00.000Z",
                "t-14",
                "period_closed",
                json!({"period": {"from": "2026-02", "to": "2026-02"}}),
                "t",
            ),
        ];
        let mut ledger = Ledger::new();
        let mut out: Vec<Entry> = Vec::new();
        for (at, id, kind, body, role) in steps {
            let body = if kind == "period_closed" {
                let range: PeriodRange = serde_json::from_value(body["period"].clone()).unwrap();
                json!({"statement": ledger.statement(range)})
            } else {
                body
            };
            let Value::Object(body) = body else {
                panic!("object")
            };
            let event = Event::new(id, kind, body).unwrap();
            let signature = event.sign(ORIGIN, &signer(role));
            let prev = out.last().map_or(Hash::ZERO, Entry::hash);
            let entry = Entry::seal(
                out.len() as u64,
                prev,
                RecordedAt::parse(at).unwrap(),
                event,
                vec![signature],
            )
            .unwrap();
            ledger.apply(&entry).unwrap();
            out.push(entry);
        }
        out
    }

    const JOURNAL: &str = r#"; 小院 公账 (example.org/tiny)
; Generated from the signed log by gongzhang; hledger and ledger-cli both read this file.
; Amounts are yuan (CNY). Each period close asserts every fund's money at the end of its period.

commodity CNY

account Assets:Maintenance:Money
account Assets:Operating:Money
account Assets:Operating:Receivable
account Assets:Project:Meter-2026:Money
account Assets:PublicRevenue:Money
account Equity:Maintenance:Transfers
account Equity:Operating:Opening
account Equity:Operating:Transfers
account Expenses:Operating:Cleaning
account Income:Operating:PropertyFee
account Income:Project:Meter-2026:Grant
account Income:PublicRevenue:Advertising
account Liabilities:Operating:Prepaid

tag seq
tag event_id
tag memo

2026-01-01 小院 建账 期初余额
    ; seq: 0
    ; event_id: t-0
    Assets:Operating:Money                           1000.00 CNY
    Equity:Operating:Opening                        -1000.00 CNY

2026-01-05 计费 2026-01 物业费 1户
    ; seq: 4
    ; event_id: t-4
    Income:Operating:PropertyFee                      -50.00 CNY
    Assets:Operating:Receivable                        50.00 CNY

2026-01-06 3-2-401 缴费 微信支付
    ; seq: 5
    ; event_id: t-5
    Assets:Operating:Money                             80.00 CNY
    Assets:Operating:Receivable                       -50.00 CNY
    Liabilities:Operating:Prepaid                     -30.00 CNY

2026-01-31 支出 明亮保洁服务部 cleaning
    ; seq: 7
    ; event_id: t-7
    ; memo: 1月楼道保洁； "加急"
    Expenses:Operating:Cleaning                       200.00 CNY
    Assets:Operating:Money                           -200.00 CNY

2026-01-31 结账 2026-01 余额核对
    ; seq: 9
    ; event_id: t-9
    Assets:Maintenance:Money                            0.00 CNY = 0.00 CNY
    Assets:Operating:Money                              0.00 CNY = 880.00 CNY
    Assets:PublicRevenue:Money                          0.00 CNY = 0.00 CNY

2026-02-01 专项资金 区住建局 project:meter-2026
    ; seq: 8
    ; event_id: t-8
    ; memo: 电表改造
    Assets:Project:Meter-2026:Money                  3000.00 CNY
    Income:Project:Meter-2026:Grant                 -3000.00 CNY

2026-02-03 3-2-401 缴费 现金
    ; seq: 10
    ; event_id: t-10
    Assets:Operating:Money                              0.01 CNY
    Liabilities:Operating:Prepaid                      -0.01 CNY

2026-02-06 资金划转 operating 至 maintenance
    ; seq: 12
    ; event_id: t-12
    Assets:Maintenance:Money                          100.00 CNY
    Equity:Maintenance:Transfers                     -100.00 CNY
    Equity:Operating:Transfers                        100.00 CNY
    Assets:Operating:Money                           -100.00 CNY

2026-02-10 收入 城市之光广告 advertising
    ; seq: 13
    ; event_id: t-13
    Assets:PublicRevenue:Money                         50.00 CNY
    Income:PublicRevenue:Advertising                  -50.00 CNY

2026-02-28 结账 2026-02 余额核对
    ; seq: 14
    ; event_id: t-14
    Assets:Maintenance:Money                            0.00 CNY = 100.00 CNY
    Assets:Operating:Money                              0.00 CNY = 780.01 CNY
    Assets:Project:Meter-2026:Money                     0.00 CNY = 3000.00 CNY
    Assets:PublicRevenue:Money                          0.00 CNY = 50.00 CNY

"#;

    const BEANCOUNT: &str = r#"; 小院 公账 (example.org/tiny)
; Generated from the signed log by gongzhang. Amounts are yuan (CNY).
; Each period close asserts every fund's money at the start of the day after its period.

option "title" "小院 公账 (example.org/tiny)"
option "operating_currency" "CNY"

2026-01-01 open Assets:Operating:Money CNY
2026-01-01 open Equity:Operating:Opening CNY
2026-01-05 open Assets:Operating:Receivable CNY
2026-01-05 open Income:Operating:PropertyFee CNY
2026-01-06 open Liabilities:Operating:Prepaid CNY
2026-01-31 open Expenses:Operating:Cleaning CNY
2026-02-01 open Assets:Maintenance:Money CNY
2026-02-01 open Assets:Project:Meter-2026:Money CNY
2026-02-01 open Assets:PublicRevenue:Money CNY
2026-02-01 open Income:Project:Meter-2026:Grant CNY
2026-02-06 open Equity:Maintenance:Transfers CNY
2026-02-06 open Equity:Operating:Transfers CNY
2026-02-10 open Income:PublicRevenue:Advertising CNY

2026-01-01 * "小院 建账 期初余额"
  seq: 0
  event_id: "t-0"
  Assets:Operating:Money                           1000.00 CNY
  Equity:Operating:Opening                        -1000.00 CNY

2026-01-05 * "计费 2026-01 物业费 1户"
  seq: 4
  event_id: "t-4"
  Income:Operating:PropertyFee                      -50.00 CNY
  Assets:Operating:Receivable                        50.00 CNY

2026-01-06 * "3-2-401 缴费 微信支付"
  seq: 5
  event_id: "t-5"
  Assets:Operating:Money                             80.00 CNY
  Assets:Operating:Receivable                       -50.00 CNY
  Liabilities:Operating:Prepaid                     -30.00 CNY

2026-01-31 * "支出 明亮保洁服务部 cleaning"
  seq: 7
  event_id: "t-7"
  memo: "1月楼道保洁; \"加急\""
  Expenses:Operating:Cleaning                       200.00 CNY
  Assets:Operating:Money                           -200.00 CNY

2026-02-01 balance Assets:Maintenance:Money                  0.00 ~ 0.00 CNY
  seq: 9
  event_id: "t-9"
2026-02-01 balance Assets:Operating:Money                    880.00 ~ 0.00 CNY
  seq: 9
  event_id: "t-9"
2026-02-01 balance Assets:PublicRevenue:Money                0.00 ~ 0.00 CNY
  seq: 9
  event_id: "t-9"

2026-02-01 * "专项资金 区住建局 project:meter-2026"
  seq: 8
  event_id: "t-8"
  memo: "电表改造"
  Assets:Project:Meter-2026:Money                  3000.00 CNY
  Income:Project:Meter-2026:Grant                 -3000.00 CNY

2026-02-03 * "3-2-401 缴费 现金"
  seq: 10
  event_id: "t-10"
  Assets:Operating:Money                              0.01 CNY
  Liabilities:Operating:Prepaid                      -0.01 CNY

2026-02-06 * "资金划转 operating 至 maintenance"
  seq: 12
  event_id: "t-12"
  Assets:Maintenance:Money                          100.00 CNY
  Equity:Maintenance:Transfers                     -100.00 CNY
  Equity:Operating:Transfers                        100.00 CNY
  Assets:Operating:Money                           -100.00 CNY

2026-02-10 * "收入 城市之光广告 advertising"
  seq: 13
  event_id: "t-13"
  Assets:PublicRevenue:Money                         50.00 CNY
  Income:PublicRevenue:Advertising                  -50.00 CNY

2026-03-01 balance Assets:Maintenance:Money                  100.00 ~ 0.00 CNY
  seq: 14
  event_id: "t-14"
2026-03-01 balance Assets:Operating:Money                    780.01 ~ 0.00 CNY
  seq: 14
  event_id: "t-14"
2026-03-01 balance Assets:Project:Meter-2026:Money           3000.00 ~ 0.00 CNY
  seq: 14
  event_id: "t-14"
2026-03-01 balance Assets:PublicRevenue:Money                50.00 ~ 0.00 CNY
  seq: 14
  event_id: "t-14"

"#;

    #[test]
    fn tiny_ledger_gives_exact_journals() {
        let j = journals(&tiny()).unwrap();
        assert_eq!(j.journal, JOURNAL, "journal:\n{}", j.journal);
        assert_eq!(j.beancount, BEANCOUNT, "beancount:\n{}", j.beancount);
    }

    #[test]
    fn journals_are_deterministic_and_streaming_equals_batch() {
        let entries = tiny();
        let mut ledger = Ledger::new();
        let mut writer = JournalWriter::new();
        for e in &entries {
            let applied = ledger.apply(e).unwrap();
            writer.push(e, &applied, &ledger);
        }
        assert_eq!(writer.journals(), journals(&entries).unwrap());
        assert_eq!(journals(&entries).unwrap(), journals(&entries).unwrap());
    }

    #[test]
    fn a_log_that_breaks_the_rules_gives_the_rule_error() {
        let entries = tiny();
        // Drop the fee schedule and renumber: the charges then have no schedule in force.
        let steps: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.event().id() != "t-3")
            .take(4)
            .collect();
        let mut resealed: Vec<Entry> = Vec::new();
        for e in steps {
            let prev = resealed.last().map_or(Hash::ZERO, Entry::hash);
            let seq = resealed.len() as u64;
            resealed.push(
                Entry::seal(
                    seq,
                    prev,
                    e.recorded_at(),
                    e.event().clone(),
                    e.signatures().to_vec(),
                )
                .unwrap(),
            );
        }
        let error = journals(&resealed).unwrap_err();
        assert_eq!((error.seq, error.event_id.as_str()), (3, "t-4"));
    }

    #[test]
    fn amounts_and_dates() {
        assert_eq!(yuan(0), "0.00");
        assert_eq!(yuan(-1), "-0.01");
        assert_eq!(yuan(12_345), "123.45");
        assert_eq!(yuan(-9_007_199_254_740_991), "-90071992547409.91");
        assert_eq!(last_day(Period::new(2028, 2).unwrap()), "2028-02-29");
        assert_eq!(last_day(Period::new(2100, 2).unwrap()), "2100-02-28");
        assert_eq!(last_day(Period::new(2026, 4).unwrap()), "2026-04-30");
        assert_eq!(last_day(Period::new(2026, 12).unwrap()), "2026-12-31");
        assert_eq!(
            RecordedAt::parse("2026-01-31T15:59:59.999Z")
                .unwrap()
                .beijing_date(),
            "2026-01-31"
        );
        assert_eq!(
            RecordedAt::parse("2026-01-31T16:00:00.000Z")
                .unwrap()
                .beijing_date(),
            "2026-02-01"
        );
        assert_eq!(quote(r#"a "b" \c"#), r#""a \"b\" \\c""#);
    }
}
