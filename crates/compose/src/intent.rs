//! What a person means to record, as typed values, turned into the event the ledger's rules
//! accept. The checks here are the ones a writer can make before signing — that the values agree
//! with each other, and what the books hold now; the rule book still decides when the entry is
//! applied, and where it has a check of its own (a close), that check is asked, not repeated.

use crate::CHARGES_PER_DRAFT_MAX;
use crate::error::ComposeError;
use crate::file::Attached;
use gongzhang_core::ledger::events::{
    BudgetAdopted, Charge, ChargesAssessed, EventRef, ExpensePaid, ExpenseProposed,
    FeeScheduleAdopted, FundsTransferred, GrantReceived, HashHex, Invoice, LedgerEvent, Outcome,
    OwnersDecision, PaymentDemandIssued, PeriodClosed, VoteTotals,
};
use gongzhang_core::ledger::types::{
    AreaCentiM2, Channel, Fen, InvoiceKind, Label, Matter, Period, PeriodRange, Slug, Unit,
};
use gongzhang_core::ledger::{Ledger, decide};

/// A government grant: it goes to a restricted fund `project:<name>`, which it opens.
pub fn grant(grant: GrantReceived) -> Result<LedgerEvent, ComposeError> {
    if grant.fund.is_standing() {
        return Err(ComposeError::GrantToStandingFund { fund: grant.fund });
    }
    Ok(LedgerEvent::GrantReceived(grant))
}

/// Money moved from one fund to another.
pub fn transfer(transfer: FundsTransferred) -> Result<LedgerEvent, ComposeError> {
    if transfer.from_fund == transfer.to_fund {
        return Err(ComposeError::TransferToSameFund {
            fund: transfer.to_fund,
        });
    }
    Ok(LedgerEvent::FundsTransferred(transfer))
}

/// A fee schedule, each item listed once.
pub fn fee_schedule(schedule: FeeScheduleAdopted) -> Result<LedgerEvent, ComposeError> {
    for (index, item) in schedule.items.iter().enumerate() {
        if schedule.items[..index].iter().any(|i| i.item == item.item) {
            return Err(ComposeError::DuplicateFeeItem {
                index,
                item: item.item.clone(),
            });
        }
    }
    Ok(LedgerEvent::FeeScheduleAdopted(schedule))
}

/// A year's budget, each fund's category on one line.
pub fn budget(budget: BudgetAdopted) -> Result<LedgerEvent, ComposeError> {
    for (index, line) in budget.lines.iter().enumerate() {
        let earlier = &budget.lines[..index];
        if earlier
            .iter()
            .any(|l| l.fund == line.fund && l.category == line.category)
        {
            return Err(ComposeError::DuplicateBudgetLine {
                index,
                fund: line.fund.clone(),
                category: line.category.clone(),
            });
        }
    }
    Ok(LedgerEvent::BudgetAdopted(budget))
}

/// An expenditure proposed. A restricted fund's project is part of its name; the body states it
/// again (a `project` of `None` is the fund's own) so that the spending is visibly for that
/// project. Spending from the maintenance fund names the owners' decision that allows it.
pub fn expense(mut expense: ExpenseProposed) -> Result<LedgerEvent, ComposeError> {
    // By `FundId`'s own check a restricted fund's project is a slug.
    let own = expense.fund.project().and_then(|p| Slug::try_from(p).ok());
    expense.project = match (own, expense.project) {
        (None, None) => None,
        (None, Some(project)) => {
            return Err(ComposeError::ProjectOfStandingFund {
                fund: expense.fund,
                project,
            });
        }
        (Some(own), None) => Some(own),
        (Some(own), Some(project)) if project == own => Some(project),
        (Some(_), Some(project)) => {
            return Err(ComposeError::ProjectDiffers {
                fund: expense.fund,
                project,
            });
        }
    };
    if expense.fund.as_str() == "maintenance" && expense.decision.is_none() {
        return Err(ComposeError::MaintenanceWithoutDecision);
    }
    Ok(LedgerEvent::ExpenseProposed(expense))
}

/// A proposal paid, with the document behind it.
#[derive(Debug, Clone)]
pub struct ExpensePayment {
    /// The proposal's event id.
    pub proposal: EventRef,
    /// How it was paid.
    pub channel: Channel,
    /// The kind of document.
    pub invoice: InvoiceKind,
    /// The document's number: a fapiao's or receipt's, none without one.
    pub number: Option<Label>,
    /// The scanned document: a fapiao's or receipt's, none without one.
    pub file: Option<Attached>,
}

/// What a payment's document needs, checked before its scan is read: a fapiao or a receipt has
/// a number and a scan, no document has neither (a document with a number would leave the books
/// unsure which kind it is).
pub fn check_invoice(
    kind: InvoiceKind,
    number: Option<&Label>,
    has_file: bool,
) -> Result<(), ComposeError> {
    match (kind, number, has_file) {
        (InvoiceKind::None, Some(number), _) => Err(ComposeError::NumberWithoutInvoice {
            number: number.clone(),
        }),
        (InvoiceKind::None, None, true) => Err(ComposeError::FileWithoutInvoice),
        (InvoiceKind::None, None, false) | (_, Some(_), true) => Ok(()),
        (_, None, _) => Err(ComposeError::InvoiceNumberMissing { kind }),
        (_, Some(_), false) => Err(ComposeError::InvoiceFileMissing { kind }),
    }
}

/// A proposal paid, with its document as [`check_invoice`] wants it.
pub fn expense_paid(payment: ExpensePayment) -> Result<LedgerEvent, ComposeError> {
    let kind = payment.invoice;
    check_invoice(kind, payment.number.as_ref(), payment.file.is_some())?;
    Ok(LedgerEvent::ExpensePaid(ExpensePaid {
        proposal: payment.proposal,
        channel: payment.channel,
        invoice: Invoice {
            kind,
            number: payment.number,
            sha256: payment.file.map(|file| HashHex(file.sha256)),
        },
    }))
}

/// An owners' vote as counted.
#[derive(Debug, Clone)]
pub struct OwnersVote {
    /// What was voted on.
    pub matter: Matter,
    /// The motion.
    pub title: Label,
    /// The counts.
    pub totals: VoteTotals,
    /// The outcome announced, if one was; the totals decide it either way.
    pub announced: Option<Outcome>,
    /// The minutes or tally document.
    pub minutes: Attached,
}

/// An owners' decision with the outcome its totals give (Civil Code art. 278), refusing totals
/// that cannot be and an announced outcome that differs.
pub fn owners_decision(vote: OwnersVote) -> Result<LedgerEvent, ComposeError> {
    let computed = decide(vote.matter, &vote.totals).map_err(ComposeError::VoteTotals)?;
    if let Some(stated) = vote.announced.filter(|stated| *stated != computed) {
        return Err(ComposeError::OutcomeDiffers { stated, computed });
    }
    Ok(LedgerEvent::OwnersDecision(OwnersDecision {
        matter: vote.matter,
        title: vote.title,
        totals: vote.totals,
        outcome: computed,
        document_sha256: HashHex(vote.minutes.sha256),
    }))
}

/// The registered households' total area: what an owners' vote counts as all owners' area.
pub fn registered_area(ledger: &Ledger) -> Result<AreaCentiM2, ComposeError> {
    let total: i128 = ledger
        .households()
        .values()
        .map(|h| i128::from(h.area_centi_m2))
        .sum();
    if total <= 0 {
        return Err(ComposeError::NoHouseholds);
    }
    i64::try_from(total).map_err(|_| ComposeError::RegisteredAreaTooLarge { total })
}

/// What `unit` owes now, refusing a unit that is not registered or owes nothing.
fn arrears(ledger: &Ledger, unit: &Unit) -> Result<Fen, ComposeError> {
    if !ledger.households().contains_key(unit) {
        return Err(ComposeError::UnknownUnit { unit: unit.clone() });
    }
    let owed = ledger.arrears(unit);
    if owed == Fen::ZERO {
        return Err(ComposeError::NotInArrears { unit: unit.clone() });
    }
    Ok(owed)
}

/// A written payment demand for what `unit` owes now, as the books give it.
pub fn payment_demand(
    ledger: &Ledger,
    unit: Unit,
    letter: &Attached,
) -> Result<LedgerEvent, ComposeError> {
    let amount_fen = arrears(ledger, &unit)?;
    Ok(LedgerEvent::PaymentDemandIssued(PaymentDemandIssued {
        unit,
        amount_fen,
        document_sha256: HashHex(letter.sha256),
    }))
}

/// A close of `range` with the statement the books give, if the rule book lets it come next.
pub fn period_close(ledger: &Ledger, range: PeriodRange) -> Result<LedgerEvent, ComposeError> {
    ledger
        .check_close_range(range)
        .map_err(|violation| ComposeError::Close {
            violation,
            last_closed: ledger.last_closed(),
        })?;
    Ok(LedgerEvent::PeriodClosed(PeriodClosed {
        statement: ledger.statement(range),
    }))
}

/// The month's due charges, refusing a month with no fee schedule or nothing left due.
fn due_charges(ledger: &Ledger, period: Period) -> Result<Vec<Charge>, ComposeError> {
    let due = ledger.due_charges(period);
    // A schedule is adopted under a passed owners' decision, whose total area is the registered
    // households' (above zero): with a schedule in force, nothing due means all charged.
    if due.is_empty() {
        return Err(if ledger.schedule_for(period).is_none() {
            ComposeError::NoFeeSchedule { period }
        } else {
            ComposeError::NothingDue { period }
        });
    }
    Ok(due)
}

/// The month's due charges, at most [`CHARGES_PER_DRAFT_MAX`] of them: the ledger's due charges
/// shrink with each such event applied.
pub fn charges(ledger: &Ledger, period: Period) -> Result<LedgerEvent, ComposeError> {
    let mut charges = due_charges(ledger, period)?;
    charges.truncate(CHARGES_PER_DRAFT_MAX);
    Ok(LedgerEvent::ChargesAssessed(ChargesAssessed {
        period,
        charges,
    }))
}

/// All the month's due charges, in events of at most [`CHARGES_PER_DRAFT_MAX`] charges (a
/// 600-household month is three), to be submitted together.
pub fn all_charges(ledger: &Ledger, period: Period) -> Result<Vec<LedgerEvent>, ComposeError> {
    Ok(due_charges(ledger, period)?
        .chunks(CHARGES_PER_DRAFT_MAX)
        .map(|chunk| {
            LedgerEvent::ChargesAssessed(ChargesAssessed {
                period,
                charges: chunk.to_vec(),
            })
        })
        .collect())
}

/// The sequence number of the ledger's latest entry: what an audit attests by default.
pub fn latest_entry(ledger: &Ledger) -> Result<u64, ComposeError> {
    ledger
        .size()
        .checked_sub(1)
        .ok_or(ComposeError::EmptyLedger)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhang_core::ledger::Violation;
    use gongzhang_core::ledger::events::{BudgetLine, FeeItem};
    use gongzhang_core::ledger::types::{FeeBasis, FundId};

    fn fund(s: &str) -> FundId {
        FundId::try_from(s).unwrap()
    }

    fn slug(s: &str) -> Slug {
        Slug::try_from(s).unwrap()
    }

    fn label(s: &str) -> Label {
        Label::try_from(s).unwrap()
    }

    fn month(s: &str) -> Period {
        Period::try_from(s.to_string()).unwrap()
    }

    fn unit(s: &str) -> Unit {
        Unit::try_from(s).unwrap()
    }

    /// The specification's example: all 16 entries, through the January close and the audit.
    fn example() -> Ledger {
        let mut ledger = Ledger::new();
        for entry in gongzhang_demo::example::entries() {
            ledger.apply(&entry).unwrap();
        }
        ledger
    }

    #[test]
    fn intents_that_contradict_themselves_are_refused_with_the_values() {
        let standing = GrantReceived {
            fund: fund("operating"),
            grantor: label("区住建局"),
            purpose: label("电表改造"),
            amount_fen: Fen::new(100).unwrap(),
        };
        assert_eq!(
            grant(standing),
            Err(ComposeError::GrantToStandingFund {
                fund: fund("operating")
            })
        );
        let item = |name: &str| FeeItem {
            item: slug(name),
            name: label("物业费"),
            basis: FeeBasis::PerM2,
            rate_fen: Fen::new(50).unwrap(),
        };
        let schedule = FeeScheduleAdopted {
            items: vec![
                item("property_fee"),
                item("garbage_fee"),
                item("property_fee"),
            ],
            from_period: month("2026-03"),
            decision: "d-1".into(),
        };
        assert_eq!(
            fee_schedule(schedule),
            Err(ComposeError::DuplicateFeeItem {
                index: 2,
                item: slug("property_fee")
            })
        );
        let line = |f: &str| BudgetLine {
            fund: fund(f),
            category: slug("cleaning"),
            amount_fen: Fen::new(100).unwrap(),
        };
        let lines = vec![line("operating"), line("maintenance"), line("maintenance")];
        assert_eq!(
            budget(BudgetAdopted {
                year: 2026,
                lines,
                decision: "d-1".into()
            }),
            Err(ComposeError::DuplicateBudgetLine {
                index: 2,
                fund: fund("maintenance"),
                category: slug("cleaning")
            })
        );
    }

    #[test]
    fn an_expense_states_its_restricted_funds_project() {
        let expense = |f: &str, project: Option<&str>| ExpenseProposed {
            payee: label("明亮保洁"),
            category: slug("cleaning"),
            fund: fund(f),
            amount_fen: Fen::new(100).unwrap(),
            description: label("三月保洁"),
            project: project.map(slug),
            decision: None,
        };
        let Ok(LedgerEvent::ExpenseProposed(e)) =
            super::expense(expense("project:meter-2026", None))
        else {
            panic!("a restricted fund's expense");
        };
        assert_eq!(e.project, Some(slug("meter-2026")));
        assert_eq!(
            super::expense(expense("project:meter-2026", Some("lift"))),
            Err(ComposeError::ProjectDiffers {
                fund: fund("project:meter-2026"),
                project: slug("lift")
            })
        );
        assert_eq!(
            super::expense(expense("operating", Some("lift"))),
            Err(ComposeError::ProjectOfStandingFund {
                fund: fund("operating"),
                project: slug("lift")
            })
        );
        assert_eq!(
            super::expense(expense("maintenance", None)),
            Err(ComposeError::MaintenanceWithoutDecision)
        );
    }

    #[test]
    fn an_invoice_has_its_number_and_scan_and_no_document_has_neither() {
        let number = label("0001");
        let check = check_invoice;
        assert_eq!(check(InvoiceKind::None, None, false), Ok(()));
        assert_eq!(check(InvoiceKind::Fapiao, Some(&number), true), Ok(()));
        assert_eq!(
            check(InvoiceKind::None, Some(&number), false),
            Err(ComposeError::NumberWithoutInvoice {
                number: number.clone()
            })
        );
        assert_eq!(
            check(InvoiceKind::None, None, true),
            Err(ComposeError::FileWithoutInvoice)
        );
        assert_eq!(
            check(InvoiceKind::Receipt, None, true),
            Err(ComposeError::InvoiceNumberMissing {
                kind: InvoiceKind::Receipt
            })
        );
        assert_eq!(
            check(InvoiceKind::Fapiao, Some(&number), false),
            Err(ComposeError::InvoiceFileMissing {
                kind: InvoiceKind::Fapiao
            })
        );
    }

    #[test]
    fn the_books_give_charges_demands_closes_and_the_registered_area() {
        let empty = Ledger::new();
        assert_eq!(latest_entry(&empty), Err(ComposeError::EmptyLedger));
        assert_eq!(registered_area(&empty), Err(ComposeError::NoHouseholds));
        let ledger = example();
        assert_eq!(latest_entry(&ledger), Ok(15));
        assert!(registered_area(&ledger).unwrap() > 0);
        assert_eq!(
            charges(&ledger, month("2025-12")),
            Err(ComposeError::NoFeeSchedule {
                period: month("2025-12")
            })
        );
        let letter = Attached {
            media_type: gongzhang_core::attachment::MediaType::Pdf,
            sha256: gongzhang_core::hash::sha256(b"%PDF-"),
        };
        assert_eq!(
            payment_demand(&ledger, unit("9-9-999"), &letter),
            Err(ComposeError::UnknownUnit {
                unit: unit("9-9-999")
            })
        );
        assert_eq!(
            period_close(
                &ledger,
                PeriodRange {
                    from: month("2026-03"),
                    to: month("2026-03")
                }
            ),
            Err(ComposeError::Close {
                violation: Violation::PeriodNotContiguous {
                    expected: month("2026-02"),
                    found: month("2026-03")
                },
                last_closed: Some(month("2026-01"))
            })
        );
    }
}
