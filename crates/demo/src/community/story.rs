//! The story: what happens on which day, the one-off events scheduled up front and the routines
//! of every office day.

use super::calendar::{hm, period, period_of, previous};
use super::engine::Gen;
use super::spending::{Doc, Spend};
use super::values::{fen, fund, label};
use super::{APPROVALS_REQUIRED, METER_PROJECT, first_period, last_charged_period};
use gongzhang_core::ledger::events::{GrantReceived, LedgerEvent, Outcome};
use gongzhang_core::ledger::types::{Channel, Fen, Matter, PeriodRange};
use time::Date;

impl Gen {
    /// The one-off events, scheduled up front.
    pub(super) fn script(&mut self) {
        let c = |g: &Gen, y, m, n| g.calendar.nth(y, m, n);
        // January 2025: the ledger opens, the households are registered building by building,
        // the owners' decisions of December are recorded, and January is charged.
        let d = c(self, 2025, 1, 1);
        self.at(d, hm(8, 40), |g| g.genesis());
        for (i, buildings) in [1..=3, 4..=6, 7..=9, 10..=12].into_iter().enumerate() {
            let d = c(self, 2025, 1, i + 1);
            self.at(d, hm(9, 10), move |g| {
                let last = *buildings.end() == 12;
                g.register(buildings);
                if last {
                    g.assign_habits();
                }
            });
        }
        let d = c(self, 2025, 1, 5);
        self.at(d, hm(9, 30), |g| {
            let decision = g.decision(
                Matter::FeeSchedule,
                "2025—2026年度物业费、垃圾清运费收费标准",
                Outcome::Passed,
            );
            g.later(300, 900);
            g.fee_schedule(decision);
        });
        self.at(d, hm(10, 40), |g| {
            let decision = g.decision(Matter::Budget, "2025年度收支预算", Outcome::Passed);
            g.later(300, 900);
            g.budget(2025, decision, false);
        });
        let d = c(self, 2025, 1, 6);
        self.at(d, hm(9, 0), |g| g.charges(period(2025, 1)));
        // February: two areas corrected after checking the property certificates.
        let d = c(self, 2025, 2, 8);
        self.at(d, hm(10, 15), |g| g.corrections());
        // May–December 2025: the one-meter-per-household water meter project.
        self.meter_project();
        // June 2025: drainage dredging before the rainy season, above the approval threshold.
        let d = c(self, 2025, 6, 6);
        let amount = 2_860_000 + 100 * self.between(0, 800);
        let spend = Spend::operating(
            "顺通管道疏通服务部",
            "drainage",
            amount,
            "汛期前化粪池清掏及雨污水管网疏通（全小区12栋）".into(),
            Channel::BankTransfer,
            Doc::Fapiao,
        );
        let pay = c(self, 2025, 6, 14);
        self.large_spend(d, spend, pay);
        // November 2025: first round of payment demands (six months or more owed).
        let d = c(self, 2025, 11, 5);
        self.at(d, hm(14, 0), |g| g.demands(6));
        // December 2025: the 2026 budget.
        let d = c(self, 2025, 12, 8);
        self.at(d, hm(10, 0), |g| {
            let decision = g.decision(Matter::Budget, "2026年度收支预算", Outcome::Passed);
            g.later(300, 900);
            g.budget(2026, decision, true);
        });
        // April 2026: the treasurer hands over; the old key is revoked.
        let d = c(self, 2026, 4, 6);
        self.at(d, hm(9, 30), |g| g.handover());
        // May 2026: a paid-parking motion fails (it needs three quarters).
        let d = c(self, 2026, 5, 8);
        self.at(d, hm(10, 30), |g| {
            g.decision(
                Matter::ChangeCommonUse,
                "利用东侧空地设置收费停车位",
                Outcome::Rejected,
            );
        });
        // June–July 2026: roof waterproofing of building 3 from the maintenance fund.
        let d = c(self, 2026, 6, 4);
        self.at(d, hm(10, 0), |g| {
            let id = g.decision(
                Matter::UseMaintenanceFund,
                "使用维修资金维修3号楼屋面防水",
                Outcome::Passed,
            );
            g.maintenance_decision = Some(id);
        });
        let d = c(self, 2026, 7, 3);
        let spend = Spend {
            payee: "安居防水工程有限公司".into(),
            category: "repairs",
            fund: "maintenance".into(),
            amount: 4_680_000 + 100 * self.between(0, 500),
            description: "3号楼屋面防水层翻修（业主大会决定使用维修资金）".into(),
            channel: Channel::BankTransfer,
            doc: Doc::Fapiao,
        };
        let pay = c(self, 2026, 7, 12);
        self.large_spend(d, spend, pay);
        // October 2026: second round of demands, to every chronic debtor still owing.
        let d = c(self, 2026, 10, 6);
        self.at(d, hm(14, 0), |g| g.demands(1));
        // January 2027: after the last close, the street office audits the two years.
        let d = c(self, 2027, 1, 5);
        self.at(d, hm(15, 0), |g| g.audit());
    }

    /// The recurring events of `day`: charges, closes, bills, wages, income.
    pub(super) fn routines(&mut self, day: Date) {
        let Some(i) = self.calendar.index(day) else {
            return;
        };
        let p = period_of(day);
        let (y, m) = (day.year(), p.month());
        if i == 0 && p > first_period() && p <= last_charged_period() {
            self.at(day, hm(8, 50), move |g| g.charges(p));
        }
        if m % 3 == 1 && i == 2 && p > first_period() {
            let prev = (0..3).fold(p, |q, _| previous(q));
            let range = PeriodRange {
                from: prev,
                to: previous(p),
            };
            self.at(day, hm(10, 0), move |g| g.close(range));
        }
        let last = previous(p);
        let month_text = format!("{}年{}月", last.year(), last.month());
        if i == 2 {
            let spend = Spend::operating(
                "城区环境卫生服务中心",
                "garbage_removal",
                468_000,
                format!("{month_text}生活垃圾清运费"),
                Channel::BankTransfer,
                Doc::Fapiao,
            );
            self.spend(day, hm(10, 30), day, hm(14, 30), spend);
        }
        if i == 3 {
            let extra = if matches!(m, 3 | 4 | 10) {
                100 * self.between(800, 2_800)
            } else {
                0
            };
            let what = if extra > 0 {
                "绿化养护及补植"
            } else {
                "绿化养护"
            };
            let spend = Spend::operating(
                "绿源园林绿化工程有限公司",
                "greenery",
                180_000 + extra,
                format!("{month_text}{what}"),
                Channel::BankTransfer,
                Doc::Fapiao,
            );
            let wrong_invoice = p == period(2025, 9);
            self.spend_with(day, hm(10, 45), day, hm(15, 0), spend, wrong_invoice);
        }
        if i == 4 {
            let winter = matches!(last.month(), 11 | 12 | 1 | 2);
            let base = if winter { 86_000 } else { 54_000 };
            let amount = base + self.between(0, 18_000);
            let spend = Spend::operating(
                "国网供电公司城区供电中心",
                "lighting",
                amount,
                format!("{month_text}楼道及路灯公共用电电费"),
                Channel::BankTransfer,
                Doc::Fapiao,
            );
            self.spend(day, hm(9, 40), day, hm(14, 10), spend);
            let wage = if y >= 2026 { 290_000 } else { 280_000 };
            for (k, guard) in ["门卫张建国", "门卫刘德顺"].into_iter().enumerate() {
                let spend = Spend::operating(
                    guard,
                    "security",
                    wage,
                    format!("{month_text}门卫工资"),
                    Channel::WechatPay,
                    Doc::Receipt,
                );
                let minute = hm(16, 0) + 10 * k as u32;
                self.spend(day, minute, day, minute + 5, spend);
            }
        }
        if i == 8 && self.chance(40) {
            self.repair(day);
        }
        if self.chance(8) {
            let minute = hm(11, 0) + u32::try_from(self.below(60)).unwrap_or(0);
            self.at(day, minute, |g| g.petty_cash());
        }
        if self.calendar.is_weeks_last_office_day(day) {
            let wage = if y >= 2026 { 110_000 } else { 105_000 };
            let week = format!("{}年第{}周保洁工资", day.year(), day.iso_week());
            for (k, cleaner) in ["保洁员王秀英", "保洁员李桂兰"].into_iter().enumerate()
            {
                let channel = if k == 0 {
                    Channel::Cash
                } else {
                    Channel::WechatPay
                };
                let spend = Spend::operating(
                    cleaner,
                    "cleaning",
                    wage,
                    week.clone(),
                    channel,
                    Doc::Receipt,
                );
                let minute = hm(16, 30) + 8 * k as u32;
                self.spend(day, minute, day, minute + 3, spend);
            }
        }
        // Public revenue (公共收益) and bank interest.
        if m % 3 == 1 && i == 6 {
            self.at(day, hm(11, 20), |g| {
                g.income(
                    "public_revenue",
                    "advertising",
                    "城市之光广告传媒有限公司",
                    750_000,
                    Channel::BankTransfer,
                )
            });
        }
        if m % 3 == 2 && i == 7 {
            self.at(day, hm(11, 30), |g| {
                g.income(
                    "public_revenue",
                    "space_rental",
                    "速充电动车充电科技有限公司",
                    180_000,
                    Channel::BankTransfer,
                )
            });
        }
        if i == 9 {
            self.at(day, hm(10, 50), |g| {
                g.income(
                    "public_revenue",
                    "space_rental",
                    "丰巢快递柜场地使用费",
                    20_000,
                    Channel::BankTransfer,
                )
            });
        }
        let first_after_21 = self
            .calendar
            .days(y, m)
            .iter()
            .find(|d| d.day() >= 21)
            .copied();
        if m % 3 == 0 && first_after_21 == Some(day) {
            self.at(day, hm(9, 20), |g| {
                for f in ["operating", "maintenance"] {
                    let balance = g.ledger.fund_balance(&fund(f)).map_or(0, Fen::get);
                    // 0.35% a year, a quarter's worth.
                    let interest = balance * 35 / 40_000;
                    if interest > 0 {
                        g.income(
                            f,
                            "interest",
                            "中国建设银行城区支行",
                            interest,
                            Channel::BankTransfer,
                        );
                        g.later(20, 120);
                    }
                }
            });
        }
    }

    /// The water meter project: owners' decision (rebuilding attached facilities, three
    /// quarters), the district's grant, and the contractor paid in installments from the
    /// restricted fund, each above the approval threshold.
    pub(super) fn meter_project(&mut self) {
        let c = |g: &Gen, y, m, n| g.calendar.nth(y, m, n);
        let d = c(self, 2025, 5, 10);
        self.at(d, hm(9, 30), |g| {
            g.decision(
                Matter::Rebuild,
                "一户一表（自来水）改造实施方案",
                Outcome::Passed,
            );
        });
        let d = c(self, 2025, 6, 3);
        self.at(d, hm(10, 20), |g| {
            let amount = g.homes.len() as i64 * 140_000;
            let body = GrantReceived {
                fund: fund(&format!("project:{METER_PROJECT}")),
                grantor: label("区住房和城乡建设局"),
                purpose: label("老旧小区改造专项资金：一户一表改造"),
                amount_fen: fen(amount),
            };
            g.as_treasurer(LedgerEvent::GrantReceived(body));
        });
        // The amounts depend on the number of households, known once they are registered:
        // the steps read them when they run.
        let steps: [(i32, u8, usize, usize, &str, i64); 5] = [
            (2025, 7, 3, 9, "预付款（合同价30%）", 30),
            (2025, 9, 4, 12, "进度款（合同价40%）", 40),
            (2025, 11, 6, 14, "竣工验收款（合同价27%）", 27),
            (2025, 11, 7, 15, "监理", 0),
            (2026, 11, 5, 12, "质保金（合同价3%，质保期满）", -1),
        ];
        for (y, m, propose_n, pay_n, what, share) in steps {
            let d = c(self, y, m, propose_n);
            let pay = c(self, y, m, pay_n);
            let name = self.fresh_name();
            let key = name.clone();
            self.at(d, hm(9, 45), move |g| {
                let grant = g.homes.len() as i64 * 140_000;
                let supervision = grant * 2 / 100;
                let contract = grant - supervision;
                let part = |s: i64| contract * s / 100;
                let (payee, category, amount) = match share {
                    0 => ("正衡工程监理咨询有限公司", "supervision", supervision),
                    -1 => (
                        "宏达市政安装工程有限公司",
                        "renovation",
                        contract - part(30) - part(40) - part(27),
                    ),
                    s => ("宏达市政安装工程有限公司", "renovation", part(s)),
                };
                let description = if share == 0 {
                    "一户一表改造工程监理费".to_string()
                } else {
                    format!("一户一表改造工程{what}")
                };
                let spend = Spend {
                    payee: payee.into(),
                    category,
                    fund: format!("project:{METER_PROJECT}"),
                    amount,
                    description,
                    channel: Channel::BankTransfer,
                    doc: Doc::Fapiao,
                };
                let id = g
                    .propose(&spend)
                    .unwrap_or_else(|| panic!("the project fund cannot pay {}", spend.description));
                g.named.insert(key, id);
            });
            let approvers = self.members(APPROVALS_REQUIRED as usize);
            let mut a = d;
            for (k, member) in approvers.into_iter().enumerate() {
                if k > 0 {
                    a = self.calendar.next_office_day(a);
                }
                let minute = if k == 0 { hm(15, 30) } else { hm(9, 20) }
                    + u32::try_from(self.below(120)).unwrap_or(0);
                let name = name.clone();
                self.at(a, minute, move |g| {
                    let id = g
                        .named
                        .get(&name)
                        .cloned()
                        .unwrap_or_else(|| panic!("no proposal {name}"));
                    g.approve(&id, member);
                });
            }
            self.at(pay, hm(14, 20), move |g| {
                let id = g
                    .named
                    .remove(&name)
                    .unwrap_or_else(|| panic!("no proposal to pay"));
                let invoice = g.invoice(Doc::Fapiao);
                g.pay_expense(&id, Channel::BankTransfer, invoice);
            });
        }
    }
}
