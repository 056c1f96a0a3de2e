//! The committee's acts: the ledger's opening, owners' decisions, fee schedules, budgets, the
//! treasurer's handover, period closes and the audit.

use super::engine::Gen;
use super::values::{fen, fund, label, slug};
use super::{
    APPROVAL_THRESHOLD_FEN, APPROVALS_REQUIRED, AUDITOR, COMMITTEE, COMMUNITY, GARBAGE_FEE_FEN,
    NEW_TREASURER, ORIGIN, PROPERTY_FEE_FEN_PER_M2, TREASURER, first_period, log_signer,
};
use gongzhang_core::ledger::events::{
    AuditAttested, BudgetAdopted, BudgetLine, FeeItem, FeeScheduleAdopted, FundAmount, Governance,
    KeyHex, KeyRevoked, LedgerEvent, LedgerOpened, Outcome, OwnersDecision, PeriodClosed,
    RoleGranted, VoteTotals,
};
use gongzhang_core::ledger::rules::decide;
use gongzhang_core::ledger::types::{FeeBasis, Matter, PeriodRange, Role};

impl Gen {
    pub(super) fn genesis(&mut self) {
        let operating = self.between(6_000_000, 9_000_000);
        let public = self.between(1_500_000, 3_000_000);
        let maintenance = self.between(15_000_000, 20_000_000);
        let body = LedgerOpened {
            origin: ORIGIN.to_string(),
            community: label(COMMUNITY),
            log_key: log_signer().verifier().to_string(),
            committee: COMMITTEE.iter().map(|r| KeyHex(self.key(r))).collect(),
            treasurer: KeyHex(self.key(TREASURER)),
            auditor: KeyHex(self.key(AUDITOR)),
            governance: Governance {
                approval_threshold_fen: fen(APPROVAL_THRESHOLD_FEN),
                approvals_required: APPROVALS_REQUIRED,
            },
            first_period: first_period(),
            opening_balances: vec![
                FundAmount {
                    fund: fund("operating"),
                    amount_fen: fen(operating),
                },
                FundAmount {
                    fund: fund("public_revenue"),
                    amount_fen: fen(public),
                },
                FundAmount {
                    fund: fund("maintenance"),
                    amount_fen: fen(maintenance),
                },
            ],
        };
        self.emit(LedgerEvent::LedgerOpened(body), &COMMITTEE);
    }

    /// Records an owners' decision whose vote totals (drawn from the registered households'
    /// areas and count) give `want`.
    pub(super) fn decision(&mut self, matter: Matter, title: &str, want: Outcome) -> String {
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
                return self.as_quorum(LedgerEvent::OwnersDecision(body)).0;
            }
        }
        panic!("no vote for {title:?} gives {want:?}");
    }

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
                amount_fen: fen(a),
            })
            .collect();
        self.as_quorum(LedgerEvent::BudgetAdopted(BudgetAdopted {
            year,
            lines,
            decision,
        }));
    }

    pub(super) fn handover(&mut self) {
        let new = KeyHex(self.key(NEW_TREASURER));
        let (_, granted) = self.as_quorum(LedgerEvent::RoleGranted(RoleGranted {
            role: Role::Treasurer,
            key: new,
        }));
        self.treasurer = NEW_TREASURER;
        self.later(600, 1_500);
        let old = KeyHex(self.key(TREASURER));
        let reason = label("原出纳离任，账册、现金及印章交接完毕，旧密钥停用");
        let (_, revoked) = self.as_quorum(LedgerEvent::KeyRevoked(KeyRevoked { key: old, reason }));
        self.summary.handover = Some((granted, revoked));
    }

    pub(super) fn close(&mut self, range: PeriodRange) {
        let statement = self.ledger.statement(range);
        let (_, seq) = self.as_treasurer(LedgerEvent::PeriodClosed(PeriodClosed { statement }));
        self.summary.closes.push((range, seq));
    }

    pub(super) fn audit(&mut self) {
        let (range, through_seq) = *self
            .summary
            .closes
            .last()
            .unwrap_or_else(|| panic!("no close to audit"));
        let findings = self.document(&format!(
            "街道办事处审计报告：{COMMUNITY} {}至{}",
            first_period(),
            range.to
        ));
        let body = AuditAttested {
            through_seq,
            findings_sha256: findings,
            opinion: label("账实相符，收支凭证齐全，未发现重大问题"),
        };
        let (_, seq) = self.emit(LedgerEvent::AuditAttested(body), &[AUDITOR]);
        self.summary.audit = Some(seq);
        self.done = true;
    }
}
