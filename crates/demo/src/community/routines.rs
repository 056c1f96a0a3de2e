//! The routines of every office day: charges and closes, the monthly bills and wages, repairs
//! and small purchases, the cleaners' weekly wages, public revenue and interest.

use super::calendar::{FIRST_YEAR, hm, period_of, previous};
use super::engine::Gen;
use super::first_period;
use super::spending::{Doc, Spend};
use super::values::fund;
use gongzhang_core::ledger::types::{Channel, Fen, Period, PeriodRange};
use time::Date;

/// The name of staff member `k` of a post: 幸福里's two first (`first`), then others.
fn staff_name(post: &str, first: [&str; 2], k: u32) -> String {
    const SURNAMES: [&str; 12] = [
        "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    ];
    const GIVEN: [&str; 8] = [
        "国强", "建军", "秀珍", "桂英", "志刚", "玉兰", "德明", "凤英",
    ];
    match k {
        0 | 1 => format!("{post}{}", first[k as usize]),
        _ => {
            let k = k as usize - 2;
            let given = GIVEN[(k / SURNAMES.len() + k) % GIVEN.len()];
            format!("{post}{}{given}", SURNAMES[k % SURNAMES.len()])
        }
    }
}

impl Gen {
    /// The recurring events of `day`: charges, closes, bills, wages, repairs, income.
    pub(super) fn routines(&mut self, day: Date) {
        let Some(i) = self.calendar.index(day) else {
            return;
        };
        let p = period_of(day);
        let m = p.month();
        if i == 0 && p > first_period() && p <= self.size.last_charged_period() {
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
        self.bills(day, i, p);
        if i == 8 {
            for _ in 0..self.blocks() {
                if self.chance(40) {
                    self.repair(day);
                }
            }
        }
        for _ in 0..self.blocks() {
            if self.chance(8) {
                let minute = hm(11, 0) + u32::try_from(self.below(60)).unwrap_or(0);
                self.at(day, minute, |g| g.petty_cash());
            }
        }
        if self.calendar.is_weeks_last_office_day(day) {
            self.cleaners(day);
        }
        self.revenue(day, i, p);
    }

    /// The bills of the month before, on the third to fifth office days: garbage removal,
    /// greenery (in September of every other year paid against the wrong invoice first), public
    /// electricity, and the guards' wages.
    fn bills(&mut self, day: Date, i: usize, p: Period) {
        let last = previous(p);
        let month_text = format!("{}年{}月", last.year(), last.month());
        if i == 2 {
            let spend = Spend::operating(
                "城区环境卫生服务中心",
                "garbage_removal",
                self.scaled(468_000),
                format!("{month_text}生活垃圾清运费"),
                Channel::BankTransfer,
                Doc::Fapiao,
            );
            self.spend_any((day, hm(10, 30)), (day, hm(14, 30)), spend, false);
        }
        if i == 3 {
            let extra = if matches!(p.month(), 3 | 4 | 10) {
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
                self.scaled(180_000 + extra),
                format!("{month_text}{what}"),
                Channel::BankTransfer,
                Doc::Fapiao,
            );
            let wrong_invoice = p.month() == 9 && self.year_index(day) % 2 == 0;
            self.spend_any((day, hm(10, 45)), (day, hm(15, 0)), spend, wrong_invoice);
        }
        if i == 4 {
            let winter = matches!(last.month(), 11 | 12 | 1 | 2);
            let base = if winter { 86_000 } else { 54_000 };
            let amount = base + self.between(0, 18_000);
            let spend = Spend::operating(
                "国网供电公司城区供电中心",
                "lighting",
                self.scaled(amount),
                format!("{month_text}楼道及路灯公共用电电费"),
                Channel::BankTransfer,
                Doc::Fapiao,
            );
            self.spend_any((day, hm(9, 40)), (day, hm(14, 10)), spend, false);
            self.guards(day, &month_text);
        }
    }

    /// The guards' wages for the month before, from the second year a little higher.
    fn guards(&mut self, day: Date, month_text: &str) {
        let wage = self.wage(if day.year() > FIRST_YEAR {
            290_000
        } else {
            280_000
        });
        let blocks = self.blocks();
        for k in 0..2 * blocks {
            let guard = staff_name("门卫", ["张建国", "刘德顺"], k);
            let spend = Spend::operating(
                &guard,
                "security",
                wage,
                format!("{month_text}门卫工资"),
                Channel::WechatPay,
                Doc::Receipt,
            );
            let minute = hm(16, 0) + 10 * k / blocks;
            self.spend(day, minute, day, minute + 5, spend, false);
        }
    }

    /// The cleaners' wages for the week, on its last office day: half in cash, half by WeChat.
    fn cleaners(&mut self, day: Date) {
        let wage = self.wage(if day.year() > FIRST_YEAR {
            110_000
        } else {
            105_000
        });
        let week = format!("{}年第{}周保洁工资", day.year(), day.iso_week());
        let blocks = self.blocks();
        for k in 0..2 * blocks {
            let cleaner = staff_name("保洁员", ["王秀英", "李桂兰"], k);
            let channel = if k % 2 == 0 {
                Channel::Cash
            } else {
                Channel::WechatPay
            };
            let spend = Spend::operating(
                &cleaner,
                "cleaning",
                wage,
                week.clone(),
                channel,
                Doc::Receipt,
            );
            let minute = hm(16, 30) + 8 * k / blocks;
            self.spend(day, minute, day, minute + 3, spend, false);
        }
    }

    /// Public revenue (公共收益): advertising each quarter, the charging stations' rent each
    /// quarter, the parcel lockers' rent each month; and the bank's interest each quarter.
    fn revenue(&mut self, day: Date, i: usize, p: Period) {
        let m = p.month();
        let incomes: [(bool, u32, &'static str, &'static str, i64); 3] = [
            (
                m % 3 == 1 && i == 6,
                hm(11, 20),
                "advertising",
                "城市之光广告传媒有限公司",
                750_000,
            ),
            (
                m % 3 == 2 && i == 7,
                hm(11, 30),
                "space_rental",
                "速充电动车充电科技有限公司",
                180_000,
            ),
            (
                i == 9,
                hm(10, 50),
                "space_rental",
                "丰巢快递柜场地使用费",
                20_000,
            ),
        ];
        for (when, minute, category, payer, amount) in incomes {
            if when {
                let amount = self.scaled(amount);
                self.at(day, minute, move |g| {
                    g.income(
                        "public_revenue",
                        category,
                        payer,
                        amount,
                        Channel::BankTransfer,
                    );
                });
            }
        }
        let first_after_21 = self
            .calendar
            .days(day.year(), m)
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
}
