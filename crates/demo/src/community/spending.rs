//! Money in and out: income, and expenditures proposed, approved and paid.

use super::calendar::hm;
use super::engine::Gen;
use super::values::{fen, fund, label, slug};
use super::{APPROVAL_THRESHOLD_FEN, APPROVALS_REQUIRED};
use gongzhang_core::ledger::events::{
    ExpenseApproved, ExpensePaid, ExpenseProposed, IncomeReceived, Invoice, LedgerEvent, Reversal,
};
use gongzhang_core::ledger::types::{Channel, FundId};
use time::Date;

/// The document an expenditure is paid against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Doc {
    Fapiao,
    Receipt,
    None,
}

/// One expenditure to propose and pay.
#[derive(Debug, Clone)]
pub(super) struct Spend {
    pub(super) payee: String,
    pub(super) category: &'static str,
    pub(super) fund: String,
    pub(super) amount: i64,
    pub(super) description: String,
    pub(super) channel: Channel,
    pub(super) doc: Doc,
}

impl Spend {
    /// An expenditure from the operating fund.
    pub(super) fn operating(
        payee: &str,
        category: &'static str,
        amount: i64,
        description: String,
        channel: Channel,
        doc: Doc,
    ) -> Spend {
        Spend {
            payee: payee.to_string(),
            category,
            fund: "operating".to_string(),
            amount,
            description,
            channel,
            doc,
        }
    }
}

impl Gen {
    /// Income into fund `f` (public revenue, interest).
    pub(super) fn income(
        &mut self,
        f: &str,
        category: &str,
        payer: &str,
        amount: i64,
        channel: Channel,
    ) {
        let body = IncomeReceived {
            fund: fund(f),
            category: slug(category),
            payer: label(payer),
            amount_fen: fen(amount),
            channel,
        };
        self.as_treasurer(LedgerEvent::IncomeReceived(body));
    }

    /// What proposals not yet paid promise from `f`.
    pub(super) fn promised(&self, f: &FundId) -> i64 {
        self.open
            .values()
            .filter(|(of, _)| of == f)
            .map(|(_, a)| a)
            .sum()
    }

    /// Proposes an expenditure if its fund can pay it (after what earlier proposals promised);
    /// returns the proposal's event id.
    pub(super) fn propose(&mut self, spend: &Spend) -> Option<String> {
        let f = fund(&spend.fund);
        let balance = self
            .ledger
            .fund_balance(&f)
            .unwrap_or_else(|| panic!("fund {f}"))
            .get();
        if balance - self.promised(&f) < spend.amount {
            self.summary.skipped_for_funds += 1;
            return None;
        }
        let body = ExpenseProposed {
            payee: label(&spend.payee),
            category: slug(spend.category),
            fund: f.clone(),
            amount_fen: fen(spend.amount),
            description: label(&spend.description),
            project: f.project().map(slug),
            decision: if f.as_str() == "maintenance" {
                self.maintenance_decision.clone()
            } else {
                None
            },
        };
        let (id, _) = self.as_treasurer(LedgerEvent::ExpenseProposed(body))?;
        self.open.insert(id.clone(), (f, spend.amount));
        Some(id)
    }

    /// Records the payment of `proposal`; returns its event id.
    pub(super) fn pay_expense(
        &mut self,
        proposal: &str,
        channel: Channel,
        invoice: Invoice,
    ) -> Option<String> {
        let body = ExpensePaid {
            proposal: proposal.to_string(),
            channel,
            invoice,
        };
        let (id, _) = self.as_treasurer(LedgerEvent::ExpensePaid(body))?;
        self.open.remove(proposal);
        Some(id)
    }

    /// Pays the proposal scheduled under `name`, if it was made; with `wrong_invoice`, the
    /// payment is first recorded with another invoice's number, reversed, and recorded again.
    pub(super) fn pay_named(
        &mut self,
        name: &str,
        channel: Channel,
        doc: Doc,
        wrong_invoice: bool,
    ) {
        let Some(id) = self.named.remove(name) else {
            return;
        };
        if wrong_invoice {
            let invoice = self.invoice(doc);
            let Some(paid) = self.pay_expense(&id, channel, invoice) else {
                return;
            };
            self.later(1_200, 3_000);
            let reason = label("发票号码录错（误录为上月发票），冲销后按正确发票重新登记");
            let reversal = Reversal {
                reverses: paid,
                reason,
            };
            if let Some((_, seq)) = self.as_treasurer(LedgerEvent::Reversal(reversal)) {
                self.summary.reversals.push(seq);
            }
            self.later(60, 300);
        }
        let invoice = self.invoice(doc);
        self.pay_expense(&id, channel, invoice);
    }

    /// Proposes on `day` at `minute` and pays on `pay_day` at `pay_minute`. Above the approval
    /// threshold, three committee members approve it first, and it is paid at 14:40 on
    /// `pay_day` or, if that is too soon, on the fifth office day after `day`.
    pub(super) fn spend_any(
        &mut self,
        (day, minute): (Date, u32),
        (pay_day, pay_minute): (Date, u32),
        spend: Spend,
        wrong_invoice: bool,
    ) {
        if spend.amount > APPROVAL_THRESHOLD_FEN {
            let pay_day = pay_day.max(self.calendar.office_day_after(day, 5));
            self.large_spend(day, minute, spend, pay_day, wrong_invoice);
        } else {
            self.spend(day, minute, pay_day, pay_minute, spend, wrong_invoice);
        }
    }

    /// Proposes on `day` and pays on `pay_day` (at or below the approval threshold); with
    /// `wrong_invoice`, the payment is first recorded with the wrong invoice
    /// ([`Gen::pay_named`]).
    pub(super) fn spend(
        &mut self,
        day: Date,
        minute: u32,
        pay_day: Date,
        pay_minute: u32,
        spend: Spend,
        wrong_invoice: bool,
    ) {
        assert!(
            spend.amount <= APPROVAL_THRESHOLD_FEN,
            "{} needs approvals",
            spend.description
        );
        let (channel, doc) = (spend.channel, spend.doc);
        let name = self.schedule_proposal(day, minute, spend);
        self.at(pay_day, pay_minute, move |g| {
            g.pay_named(&name, channel, doc, wrong_invoice);
        });
    }

    /// Proposes on `day` at `minute`; three committee members approve over the next office
    /// days; paid on `pay_day`.
    pub(super) fn large_spend(
        &mut self,
        day: Date,
        minute: u32,
        spend: Spend,
        pay_day: Date,
        wrong_invoice: bool,
    ) {
        assert!(spend.amount > APPROVAL_THRESHOLD_FEN);
        let (channel, doc) = (spend.channel, spend.doc);
        let name = self.schedule_proposal(day, minute, spend);
        self.schedule_approvals(&name, day, pay_day, (hm(16, 0), hm(9, 0), 90));
        self.at(pay_day, hm(14, 40), move |g| {
            g.pay_named(&name, channel, doc, wrong_invoice);
        });
    }

    /// Schedules the proposal of `spend` on `day` at `minute`; returns the name its approvals
    /// and payment find it by.
    fn schedule_proposal(&mut self, day: Date, minute: u32, spend: Spend) -> String {
        let name = self.fresh_name();
        let key = name.clone();
        self.at(day, minute, move |g| {
            if let Some(id) = g.propose(&spend) {
                g.named.insert(key, id);
            }
        });
        name
    }

    /// Three committee members, drawn now, approve the proposal scheduled under `name`: the
    /// first on `day` from `first_minute`, the others on the office days after from
    /// `next_minute`, each within `spread` minutes; all before `pay_day`.
    pub(super) fn schedule_approvals(
        &mut self,
        name: &str,
        day: Date,
        pay_day: Date,
        (first_minute, next_minute, spread): (u32, u32, u64),
    ) {
        let approvers = self.members(APPROVALS_REQUIRED as usize);
        let mut d = day;
        for (k, member) in approvers.into_iter().enumerate() {
            if k > 0 {
                d = self.calendar.next_office_day(d);
            }
            assert!(d < pay_day, "approvals must come before the payment");
            let minute = if k == 0 { first_minute } else { next_minute }
                + u32::try_from(self.below(spread)).unwrap_or(0);
            let name = name.to_string();
            self.at(d, minute, move |g| {
                if let Some(id) = g.named.get(&name).cloned() {
                    g.approve(&id, member);
                }
            });
        }
    }

    /// One committee member's approval of `proposal`.
    pub(super) fn approve(&mut self, proposal: &str, member: String) {
        let body = ExpenseApproved {
            proposal: proposal.to_string(),
        };
        self.emit(LedgerEvent::ExpenseApproved(body), &[member]);
    }

    /// A small repair, paid the same day.
    pub(super) fn repair(&mut self, day: Date) {
        const REPAIRS: [(&str, &str, &str, i64, i64); 5] = [
            (
                "老李水电维修部",
                "repairs",
                "楼道窗户玻璃更换",
                15_000,
                60_000,
            ),
            (
                "老李水电维修部",
                "repairs",
                "雨水管破损修补",
                30_000,
                150_000,
            ),
            ("便民开锁修锁店", "repairs", "单元门锁更换", 18_000, 45_000),
            (
                "明亮电工服务部",
                "lighting",
                "路灯线路检修",
                40_000,
                120_000,
            ),
            (
                "顺通管道疏通服务部",
                "drainage",
                "单元下水管道疏通",
                20_000,
                80_000,
            ),
        ];
        let (payee, category, what, lo, hi) = self.pick(&REPAIRS);
        let amount = 100 * (self.between(lo, hi) / 100);
        let doc = if amount >= 100_000 {
            Doc::Fapiao
        } else {
            Doc::Receipt
        };
        let b = self.between(1, i64::from(self.size.buildings));
        let spend = Spend::operating(
            payee,
            category,
            amount,
            format!("{b}号楼{what}"),
            Channel::WechatPay,
            doc,
        );
        self.spend(day, hm(10, 10), day, hm(15, 30), spend, false);
    }

    /// A small cash purchase, proposed and paid at once; tiny ones have no invoice.
    pub(super) fn petty_cash(&mut self) {
        const ITEMS: [(&str, &str, &str, i64, i64); 5] = [
            ("五金杂货店", "lighting", "楼道LED灯泡", 2_400, 9_600),
            (
                "五金杂货店",
                "cleaning",
                "垃圾袋、扫帚等保洁用品",
                3_500,
                18_000,
            ),
            ("五金杂货店", "repairs", "水管配件及密封胶", 1_200, 8_500),
            ("便民开锁修锁店", "repairs", "信报箱锁更换", 1_500, 6_000),
            ("文具店", "repairs", "公告栏玻璃胶条及图钉", 800, 3_000),
        ];
        let (payee, category, what, lo, hi) = self.pick(&ITEMS);
        let amount = 10 * (self.between(lo, hi) / 10);
        let (doc, description) = if amount < 10_000 {
            (Doc::None, format!("{what}（小额现金零星采购，商家无票）"))
        } else {
            (Doc::Receipt, what.to_string())
        };
        let spend = Spend::operating(payee, category, amount, description, Channel::Cash, doc);
        if let Some(id) = self.propose(&spend) {
            self.later(60, 400);
            let invoice = self.invoice(doc);
            self.pay_expense(&id, Channel::Cash, invoice);
        }
    }
}
