//! The committee's acts: the ledger's opening, owners' decisions, fee schedules, budgets, the
//! treasurer's handover, period closes and the audit.

use super::engine::Gen;
use super::values::{fen, fund, label, slug};
use super::{
    APPROVAL_THRESHOLD_FEN, APPROVALS_REQUIRED, GARBAGE_FEE_FEN, PROPERTY_FEE_FEN_PER_M2,
    first_period,
};
use gongzhang_core::ledger::decide;
use gongzhang_core::ledger::events::{
    AuditAttested, BudgetAdopted, BudgetLine, FeeItem, FeeScheduleAdopted, FundAmount,
    FundsTransferred, Governance, KeyHex, KeyRevoked, LedgerEvent, LedgerOpened, Outcome,
    OwnersDecision, PeriodClosed, RoleGranted, VoteTotals,
};
use gongzhang_core::ledger::types::{FeeBasis, Fen, Matter, PeriodRange, Role};

impl Gen {
    /// The genesis: the committee, treasurer and auditor, the governance, and the opening
    /// balances handed over, signed by the whole committee.
    pub(super) fn genesis(&mut self) {
        let operating = self.between(6_000_000, 9_000_000);
        let public = self.between(1_500_000, 3_000_000);
        let maintenance = self.between(15_000_000, 20_000_000);
        let committee = self.committee.clone();
        let (treasurer, auditor) = (self.treasurer.clone(), self.auditor.clone());
        let body = LedgerOpened {
            origin: self.names.origin.to_string(),
            community: label(self.names.community),
            log_key: self.names.log_signer().verifier().to_string(),
            committee: committee.iter().map(|r| KeyHex(self.key(r))).collect(),
            treasurer: KeyHex(self.key(&treasurer)),
            auditor: KeyHex(self.key(&auditor)),
            governance: Governance {
                approval_threshold_fen: fen(APPROVAL_THRESHOLD_FEN),
                approvals_required: APPROVALS_REQUIRED,
            },
            first_period: first_period(),
            opening_balances: vec![
                FundAmount {
                    fund: fund("operating"),
                    amount_fen: fen(self.scaled(operating)),
                },
                FundAmount {
                    fund: fund("public_revenue"),
                    amount_fen: fen(self.scaled(public)),
                },
                FundAmount {
                    fund: fund("maintenance"),
                    amount_fen: fen(self.scaled(maintenance)),
                },
            ],
        };
        self.emit(LedgerEvent::LedgerOpened(body), &committee);
    }

    /// Records an owners' decision whose vote totals (drawn from the registered households'
    /// areas and count) give `want`; returns its event id.
    pub(super) fn decision(
        &mut self,
        matter: Matter,
        title: &str,
        want: Outcome,
    ) -> Option<String> {
        let (take_part, yes) = match (want, matter.needs_three_quarters()) {
            (Outcome::Passed, true) => (82, 90),
            (Outcome::Passed, false) => (78, 76),
            (Outcome::Rejected, _) => (74, 60),
        };
        for _ in 0..100 {
            let mut t = VoteTotals {
                total_area_centi_m2: 0,
                total_owners: 0,
                participating_area_centi_m2: 0,
                participating_owners: 0,
                yes_area_centi_m2: 0,
                yes_owners: 0,
            };
            for h in 0..self.homes.len() {
                let area = self.homes[h].area;
                t.total_area_centi_m2 += area;
                t.total_owners += 1;
                if self.chance(take_part) {
                    t.participating_area_centi_m2 += area;
                    t.participating_owners += 1;
                    if self.chance(yes) {
                        t.yes_area_centi_m2 += area;
                        t.yes_owners += 1;
                    }
                }
            }
            if decide(matter, &t) == Ok(want) {
                let document_sha256 = self.document(&format!("业主大会表决结果公告：{title}"));
                let body = OwnersDecision {
                    matter,
                    title: label(title),
                    totals: t,
                    outcome: want,
                    document_sha256,
                };
                return self
                    .as_quorum(LedgerEvent::OwnersDecision(body))
                    .map(|(id, _)| id);
            }
        }
        panic!("no vote for {title:?} gives {want:?}");
    }

    /// The fee schedule the owners decided: 物业费 per ㎡ and 垃圾清运费 per household.
    pub(super) fn fee_schedule(&mut self, decision: String) {
        let body = FeeScheduleAdopted {
            items: vec![
                FeeItem {
                    item: slug("property_fee"),
                    name: label("物业费"),
                    basis: FeeBasis::PerM2,
                    rate_fen: fen(PROPERTY_FEE_FEN_PER_M2),
                },
                FeeItem {
                    item: slug("garbage_fee"),
                    name: label("垃圾清运费"),
                    basis: FeeBasis::PerHousehold,
                    rate_fen: fen(GARBAGE_FEE_FEN),
                },
            ],
            from_period: first_period(),
            decision,
        };
        self.as_quorum(LedgerEvent::FeeScheduleAdopted(body));
    }

    /// The budget of `year` the owners decided, with a maintenance-fund line if a repair from
    /// it is planned.
    pub(super) fn budget(&mut self, year: u16, decision: String, with_maintenance: bool) {
        let mut lines: Vec<(&str, &str, i64)> = vec![
            ("operating", "cleaning", 11_400_000),
            ("operating", "garbage_removal", 5_700_000),
            ("operating", "greenery", 2_800_000),
            ("operating", "lighting", 1_000_000),
            ("operating", "security", 7_000_000),
            ("operating", "drainage", 3_200_000),
            ("operating", "repairs", 1_500_000),
        ];
        if with_maintenance {
            lines.push(("maintenance", "repairs", 5_200_000));
        }
        let lines = lines
            .into_iter()
            .map(|(f, c, a)| BudgetLine {
                fund: fund(f),
                category: slug(c),
                amount_fen: fen(self.scaled(a)),
            })
            .collect();
        self.as_quorum(LedgerEvent::BudgetAdopted(BudgetAdopted {
            year,
            lines,
            decision,
        }));
    }

    /// The treasurer hands over: a quorum grants the role to the next treasurer's key, then
    /// revokes the old key.
    pub(super) fn handover(&mut self) {
        let role = self.names.treasurer(self.treasurers + 1);
        let key = KeyHex(self.key(&role));
        let granted = self.as_quorum(LedgerEvent::RoleGranted(RoleGranted {
            role: Role::Treasurer,
            key,
        }));
        let Some((_, granted)) = granted else {
            return;
        };
        let old = std::mem::replace(&mut self.treasurer, role);
        self.treasurers += 1;
        self.later(600, 1_500);
        let key = KeyHex(self.key(&old));
        let reason = label("原出纳离任，账册、现金及印章交接完毕，旧密钥停用");
        let revoked = self.as_quorum(LedgerEvent::KeyRevoked(KeyRevoked { key, reason }));
        if let Some((_, revoked)) = revoked {
            self.summary.handover = Some((granted, revoked));
        }
    }

    /// The owners decide to move most of the public revenue (公共收益) not promised elsewhere to
    /// the maintenance fund, and a quorum moves it.
    pub(super) fn transfer_public_revenue(&mut self) {
        let from = fund("public_revenue");
        let balance = self.ledger.fund_balance(&from).map_or(0, Fen::get);
        let amount = (balance - self.promised(&from)) * 8 / 10 / 100 * 100;
        if amount <= 0 {
            return;
        }
        let Some(decision) = self.decision(
            Matter::FundTransfer,
            "将公共收益结余转入专项维修资金",
            Outcome::Passed,
        ) else {
            return;
        };
        self.later(600, 1_800);
        self.as_quorum(LedgerEvent::FundsTransferred(FundsTransferred {
            from_fund: from,
            to_fund: fund("maintenance"),
            amount_fen: fen(amount),
            decision,
        }));
    }

    /// Closes `range` with the statement the ledger computes.
    pub(super) fn close(&mut self, range: PeriodRange) {
        let statement = self.ledger.statement(range);
        let closed = self.as_treasurer(LedgerEvent::PeriodClosed(PeriodClosed { statement }));
        if let Some((_, seq)) = closed {
            self.summary.closes.push((range, seq));
        }
    }

    /// The street office's audit through the last close; the `last` one ends the story.
    pub(super) fn audit(&mut self, last: bool) {
        let (range, through_seq) = *self
            .summary
            .closes
            .last()
            .unwrap_or_else(|| panic!("no close to audit"));
        let findings = self.document(&format!(
            "街道办事处审计报告：{} {}至{}",
            self.names.community,
            first_period(),
            range.to
        ));
        let body = AuditAttested {
            through_seq,
            findings_sha256: findings,
            opinion: label("账实相符，收支凭证齐全，未发现重大问题"),
        };
        let auditor = self.auditor.clone();
        if let Some((_, seq)) = self.emit(LedgerEvent::AuditAttested(body), &[auditor]) {
            self.summary.audit = Some(seq);
        }
        self.done = last;
    }
}
