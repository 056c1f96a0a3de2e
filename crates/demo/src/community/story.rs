//! The story: the one-off events of every year, scheduled up front (the daily routines are in
//! `routines.rs`).

use super::calendar::{FIRST_YEAR, hm};
use super::engine::Gen;
use super::first_period;
use super::spending::{Doc, Spend};
use super::values::{fen, fund, label};
use gongzhang_core::ledger::events::{GrantReceived, LedgerEvent, Outcome};
use gongzhang_core::ledger::types::{Channel, Matter};
use time::Date;

/// A renovation project a district grant pays for.
struct Project {
    /// Its restricted fund is `project:{slug}-{year}`.
    slug: &'static str,
    /// The owners' decision.
    title: &'static str,
    /// The grant's purpose.
    purpose: &'static str,
    /// The works, as the contractor's installments name them.
    works: &'static str,
}

/// The projects of the grants, one every other year while there are years to finish them in,
/// in this order and then again.
static PROJECTS: [Project; 3] = [
    Project {
        slug: "meter",
        title: "一户一表（自来水）改造实施方案",
        purpose: "老旧小区改造专项资金：一户一表改造",
        works: "一户一表改造工程",
    },
    Project {
        slug: "energy",
        title: "既有住宅建筑节能改造（外墙保温、节能门窗）实施方案",
        purpose: "老旧小区改造专项资金：建筑节能改造",
        works: "建筑节能改造工程",
    },
    Project {
        slug: "renewal",
        title: "老旧小区综合改造（管网、道路、无障碍设施）实施方案",
        purpose: "老旧小区改造专项资金：管网、道路及无障碍设施改造",
        works: "老旧小区综合改造工程",
    },
];

/// What the district grants per household for a project, in fen.
const GRANT_PER_HOUSEHOLD_FEN: i64 = 140_000;

impl Gen {
    /// The `n`th (1-based) office day of a month of year `year_index` of the story.
    fn nth_day(&self, year_index: u32, month: u8, n: usize) -> Date {
        let year = FIRST_YEAR + i32::try_from(year_index).unwrap_or(0);
        self.calendar.nth(year, month, n)
    }

    /// The one-off events of every year and the audits, scheduled up front.
    pub(super) fn script(&mut self) {
        self.opening();
        for k in 0..self.size.years {
            self.year(k);
        }
        // The street office audits every January from the third year on; the audit after the
        // last year ends the story.
        for k in 2..=self.size.years {
            let last = k == self.size.years;
            let d = self.nth_day(k, 1, 5);
            self.at(d, hm(15, 0), move |g| g.audit(last));
        }
    }

    /// January of the first year: the ledger opens, the households are registered building by
    /// building, the owners' decisions of December are recorded, and January is charged.
    fn opening(&mut self) {
        let d = self.nth_day(0, 1, 1);
        self.at(d, hm(8, 40), |g| g.genesis());
        let b = self.size.buildings;
        let groups = b.min(4);
        for i in 0..groups {
            let buildings = i * b / groups + 1..=(i + 1) * b / groups;
            let d = self.nth_day(0, 1, i as usize + 1);
            self.at(d, hm(9, 10), move |g| {
                let last = *buildings.end() == b;
                g.register(buildings);
                if last {
                    g.assign_habits();
                }
            });
        }
        let last_year = FIRST_YEAR + i32::try_from(self.size.years).unwrap_or(1) - 1;
        let fees = if last_year > FIRST_YEAR {
            format!("{FIRST_YEAR}—{last_year}年度物业费、垃圾清运费收费标准")
        } else {
            format!("{FIRST_YEAR}年度物业费、垃圾清运费收费标准")
        };
        let d = self.nth_day(0, 1, 5);
        self.at(d, hm(9, 30), move |g| {
            if let Some(decision) = g.decision(Matter::FeeSchedule, &fees, Outcome::Passed) {
                g.later(300, 900);
                g.fee_schedule(decision);
            }
        });
        self.at(d, hm(10, 40), |g| g.budget_decided(FIRST_YEAR, false));
        let d = self.nth_day(0, 1, 6);
        self.at(d, hm(9, 0), |g| g.charges(first_period()));
    }

    /// The one-off events of year `k` (0 for 2025).
    fn year(&mut self, k: u32) {
        let years = self.size.years;
        if k % 2 == 0 {
            // February: areas corrected after checking the property certificates.
            let d = self.nth_day(k, 2, 8);
            self.at(d, hm(10, 15), |g| g.corrections());
            if k + 1 < years {
                self.grant_project(k);
            }
            self.drainage(k);
            // November: payment demands to those owing six months or more.
            let d = self.nth_day(k, 11, 5);
            self.at(d, hm(14, 0), |g| g.demands(6));
        } else {
            if k >= 3 {
                let d = self.nth_day(k, 5, 6);
                self.at(d, hm(10, 0), |g| g.transfer_public_revenue());
            }
            // April: the treasurer hands over; the old key is revoked.
            let d = self.nth_day(k, 4, 6);
            self.at(d, hm(9, 30), |g| g.handover());
            // May: a paid-parking motion fails (it needs three quarters).
            let d = self.nth_day(k, 5, 8);
            self.at(d, hm(10, 30), |g| {
                g.decision(
                    Matter::ChangeCommonUse,
                    "利用东侧空地设置收费停车位",
                    Outcome::Rejected,
                );
            });
            self.roof_repair(k);
            // October: demands to every chronic debtor still owing.
            let d = self.nth_day(k, 10, 6);
            self.at(d, hm(14, 0), |g| g.demands(1));
        }
        if k + 1 < years {
            // December: the next year's budget.
            let d = self.nth_day(k, 12, 8);
            let next = FIRST_YEAR + i32::try_from(k).unwrap_or(0) + 1;
            let with_maintenance = (k + 1) % 2 == 1;
            self.at(d, hm(10, 0), move |g| {
                g.budget_decided(next, with_maintenance)
            });
        }
    }

    /// The owners decide the budget of `year`, and it is adopted.
    fn budget_decided(&mut self, year: i32, with_maintenance: bool) {
        let title = format!("{year}年度收支预算");
        if let Some(decision) = self.decision(Matter::Budget, &title, Outcome::Passed) {
            self.later(300, 900);
            let year = u16::try_from(year).unwrap_or(9999);
            self.budget(year, decision, with_maintenance);
        }
    }

    /// June: drainage dredging before the rainy season, above the approval threshold in
    /// 幸福里.
    fn drainage(&mut self, k: u32) {
        let d = self.nth_day(k, 6, 6);
        let amount = 2_860_000 + 100 * self.between(0, 800);
        let amount = self.scaled(amount);
        let spend = Spend::operating(
            "顺通管道疏通服务部",
            "drainage",
            amount,
            format!(
                "汛期前化粪池清掏及雨污水管网疏通（全小区{}栋）",
                self.size.buildings
            ),
            Channel::BankTransfer,
            Doc::Fapiao,
        );
        let pay = self.nth_day(k, 6, 14);
        self.spend_any((d, hm(9, 50)), (pay, hm(14, 40)), spend, false);
    }

    /// June–July: the owners decide to use the maintenance fund for a roof, and it is repaired.
    fn roof_repair(&mut self, k: u32) {
        let building = (2 + 5 * (k / 2)) % self.size.buildings + 1;
        let d = self.nth_day(k, 6, 4);
        self.at(d, hm(10, 0), move |g| {
            g.maintenance_decision = g.decision(
                Matter::UseMaintenanceFund,
                &format!("使用维修资金维修{building}号楼屋面防水"),
                Outcome::Passed,
            );
        });
        let d = self.nth_day(k, 7, 3);
        let amount = 4_680_000 + 100 * self.between(0, 500);
        let spend = Spend {
            payee: "安居防水工程有限公司".into(),
            category: "repairs",
            fund: "maintenance".into(),
            amount: self.scaled(amount),
            description: format!("{building}号楼屋面防水层翻修（业主大会决定使用维修资金）"),
            channel: Channel::BankTransfer,
            doc: Doc::Fapiao,
        };
        let pay = self.nth_day(k, 7, 12);
        self.spend_any((d, hm(9, 50)), (pay, hm(14, 40)), spend, false);
    }

    /// A grant project in year `k`: the owners' decision (rebuilding attached facilities, three
    /// quarters) in May, the district's grant in June, and the contractor paid in installments
    /// from the restricted fund, each approved by three members, the last a year later.
    fn grant_project(&mut self, k: u32) {
        let project = &PROJECTS[(k as usize / 2) % PROJECTS.len()];
        let year = FIRST_YEAR + i32::try_from(k).unwrap_or(0);
        let f = format!("project:{}-{year}", project.slug);
        let d = self.nth_day(k, 5, 10);
        self.at(d, hm(9, 30), move |g| {
            g.decision(Matter::Rebuild, project.title, Outcome::Passed);
        });
        let d = self.nth_day(k, 6, 3);
        let grant_fund = f.clone();
        self.at(d, hm(10, 20), move |g| {
            let body = GrantReceived {
                fund: fund(&grant_fund),
                grantor: label("区住房和城乡建设局"),
                purpose: label(project.purpose),
                amount_fen: fen(g.homes.len() as i64 * GRANT_PER_HOUSEHOLD_FEN),
            };
            g.as_treasurer(LedgerEvent::GrantReceived(body));
        });
        // (year, month, office day proposed, office day paid, what, share of the contract;
        // 0: the supervision, -1: what is left).
        let steps: [(u32, u8, usize, usize, &str, i64); 5] = [
            (k, 7, 3, 9, "预付款（合同价30%）", 30),
            (k, 9, 4, 12, "进度款（合同价40%）", 40),
            (k, 11, 6, 14, "竣工验收款（合同价27%）", 27),
            (k, 11, 7, 15, "监理", 0),
            (k + 1, 11, 5, 12, "质保金（合同价3%，质保期满）", -1),
        ];
        for (y, m, propose_n, pay_n, what, share) in steps {
            let d = self.nth_day(y, m, propose_n);
            let pay = self.nth_day(y, m, pay_n);
            let name = self.fresh_name();
            let key = name.clone();
            let f = f.clone();
            // The amounts depend on the number of households, known once they are registered:
            // the step reads them when it runs.
            self.at(d, hm(9, 45), move |g| {
                let spend = g.installment(project, f, what, share);
                if let Some(id) = g.propose(&spend) {
                    g.named.insert(key, id);
                }
            });
            self.schedule_approvals(&name, d, pay, (hm(15, 30), hm(9, 20), 120));
            self.at(pay, hm(14, 20), move |g| {
                g.pay_named(&name, Channel::BankTransfer, Doc::Fapiao, false);
            });
        }
    }

    /// An installment of `project` from its fund `f`: `share` per cent of the contract (the
    /// grant less the supervision), 0 for the supervision, -1 for what is left.
    fn installment(&self, project: &Project, f: String, what: &str, share: i64) -> Spend {
        let grant = self.homes.len() as i64 * GRANT_PER_HOUSEHOLD_FEN;
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
            format!("{}监理费", project.works)
        } else {
            format!("{}{what}", project.works)
        };
        Spend {
            payee: payee.into(),
            category,
            fund: f,
            amount,
            description,
            channel: Channel::BankTransfer,
            doc: Doc::Fapiao,
        }
    }
}
