//! Money in and out: income, and expenditures proposed, approved and paid.

use super::APPROVAL_THRESHOLD_FEN;
use super::APPROVALS_REQUIRED;
use super::calendar::hm;
use super::engine::Gen;
use super::values::{fen, fund, label, slug};
use gongzhang_core::ledger::events::{
    ExpenseApproved, ExpensePaid, ExpenseProposed, IncomeReceived, Invoice, LedgerEvent, Reversal,
};
use gongzhang_core::ledger::types::Channel;
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

    /// Proposes an expenditure if its fund can pay it (after what earlier proposals promised).
    pub(super) fn propose(&mut self, spend: &Spend) -> Option<String> {
        let f = fund(&spend.fund);
        let balance = self
            .ledger
            .fund_balance(&f)
            .unwrap_or_else(|| panic!("fund {f}"))
            .get();
        let promised: i64 = self
            .open
            .values()
            .filter(|(of, _)| *of == f)
            .map(|(_, a)| a)
            .sum();
        if balance - promised < spend.amount {
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
        let (id, _) = self.as_treasurer(LedgerEvent::ExpenseProposed(body));
        self.open.insert(id.clone(), (f, spend.amount));
        Some(id)
    }

    pub(super) fn pay_expense(
        &mut self,
        proposal: &str,
        channel: Channel,
        invoice: Invoice,
    ) -> String {
        let body = ExpensePaid {
            proposal: proposal.to_string(),
            channel,
            invoice,
        };
        let (id, _) = self.as_treasurer(LedgerEvent::ExpensePaid(body));
        self.open.remove(proposal);
        id
    }

    pub(super) fn approve(&mut self, proposal: &str, member: &'static str) {
        let body = ExpenseApproved {
            proposal: proposal.to_string(),
        };
        self.emit(LedgerEvent::ExpenseApproved(body), &[member]);
    }

    /// Proposes on `day` and pays on `pay_day` (at or below the approval threshold).
    pub(super) fn spend(
        &mut self,
        day: Date,
        minute: u32,
        pay_day: Date,
        pay_minute: u32,
        spend: Spend,
    ) {
        self.spend_with(day, minute, pay_day, pay_minute, spend, false);
    }

    /// As [`Gen::spend`]; with `wrong_invoice`, the payment is first recorded with another
    /// invoice's number, reversed, and recorded again.
    pub(super) fn spend_with(
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
        let name = self.fresh_name();
        let (channel, doc) = (spend.channel, spend.doc);
        let key = name.clone();
        self.at(day, minute, move |g| {
            if let Some(id) = g.propose(&spend) {
                g.named.insert(key, id);
            }
        });
        self.at(pay_day, pay_minute, move |g| {
            let Some(id) = g.named.remove(&name) else {
                return;
            };
            if wrong_invoice {
                let invoice = g.invoice(doc);
                let paid = g.pay_expense(&id, channel, invoice);
                g.later(1_200, 3_000);
                let reason = label("发票号码录错（误录为上月发票），冲销后按正确发票重新登记");
                let (_, seq) = g.as_treasurer(LedgerEvent::Reversal(Reversal {
                    reverses: paid,
                    reason,
                }));
                g.summary.reversals.push(seq);
                g.later(60, 300);
            }
            let invoice = g.invoice(doc);
            g.pay_expense(&id, channel, invoice);
        });
    }

    /// Proposes on `day`; three committee members approve over the next office days; paid on
    /// `pay_day`.
    pub(super) fn large_spend(&mut self, day: Date, spend: Spend, pay_day: Date) {
        assert!(spend.amount > APPROVAL_THRESHOLD_FEN);
        let name = self.fresh_name();
        let (channel, doc) = (spend.channel, spend.doc);
        let key = name.clone();
        self.at(day, hm(9, 50), move |g| {
            let id = g
                .propose(&spend)
                .unwrap_or_else(|| panic!("the fund cannot pay {}", spend.description));
            g.named.insert(key, id);
        });
        let approvers = self.members(APPROVALS_REQUIRED as usize);
        let mut d = day;
        for (k, member) in approvers.into_iter().enumerate() {
            if k > 0 {
                d = self.calendar.next_office_day(d);
            }
            assert!(d < pay_day, "approvals must come before the payment");
            let minute = if k == 0 { hm(16, 0) } else { hm(9, 0) }
                + u32::try_from(self.below(90)).unwrap_or(0);
            let name = name.clone();
            self.at(d, minute, move |g| {
                let id = g
                    .named
                    .get(&name)
                    .cloned()
                    .unwrap_or_else(|| panic!("no proposal {name}"));
                g.approve(&id, member);
            });
        }
        self.at(pay_day, hm(14, 40), move |g| {
            let id = g
                .named
                .remove(&name)
                .unwrap_or_else(|| panic!("no proposal to pay"));
            let invoice = g.invoice(doc);
            g.pay_expense(&id, channel, invoice);
        });
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
        let b = self.between(1, 12);
        let spend = Spend::operating(
            payee,
            category,
            amount,
            format!("{b}号楼{what}"),
            Channel::WechatPay,
            doc,
        );
        self.spend(day, hm(10, 10), day, hm(15, 30), spend);
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
