//! Each subcommand's arguments mapped to the `gongzhang_compose` reader of each and to the intent
//! they make, and the intent's refusals said of the argument they are about. What the words mean
//! and what the books give is compose's; this file only knows which argument is which.

use super::args::*;
use super::read::{
    attachment, each, missing_arg, optional, read, refused, refused_missing, value_error,
};
use super::{Draft, DraftAttachment};
use gongzhang_compose::choices::{CHANNELS, INVOICE_KINDS, MATTERS, OUTCOMES, ROLES};
use gongzhang_compose::names::{self, Category};
use gongzhang_compose::{ComposeError, amount, intent, lines, periods};
use gongzhang_core::ledger::events::{
    AuditAttested, BudgetAdopted, ExpenseApproved, ExpenseProposed, FeeScheduleAdopted,
    FundsTransferred, GrantReceived, HashHex, HouseholdCorrected, HouseholdRegistered,
    IncomeReceived, KeyRevoked, LedgerEvent as E, PaymentReceived, Reversal, RoleGranted,
    VoteTotals,
};
use gongzhang_core::ledger::{Ledger, Violation};
use gongzhang_text::{Explain as _, Lang};

/// The caller's way to the ledger's current state, asked only by the drafts that read the books.
pub(super) type LoadLedger<'a> = &'a mut dyn FnMut() -> anyhow::Result<Ledger>;

/// A subcommand's arguments, drafted.
pub(super) trait ToDraft {
    /// The event these arguments record, with the files to upload.
    fn draft(&self, lang: Lang, ledger: LoadLedger<'_>) -> anyhow::Result<Draft>;
}

/// A draft without files.
fn event(event: E) -> anyhow::Result<Draft> {
    Ok(Draft::new(event, Vec::new()))
}

impl ToDraft for PaymentArgs {
    fn draft(&self, lang: Lang, _: LoadLedger<'_>) -> anyhow::Result<Draft> {
        event(E::PaymentReceived(PaymentReceived {
            unit: read(lang, "--unit", &self.unit, names::unit)?,
            amount_fen: read(lang, "--amount", &self.amount, amount::yuan)?,
            channel: read(lang, "--channel", &self.channel, |t| CHANNELS.read(t))?,
            periods: periods::months(&self.periods)
                .map_err(|e| value_error(lang, "--periods", &e))?,
        }))
    }
}

impl ToDraft for IncomeArgs {
    fn draft(&self, lang: Lang, _: LoadLedger<'_>) -> anyhow::Result<Draft> {
        event(E::IncomeReceived(IncomeReceived {
            fund: read(lang, "--fund", &self.fund, names::fund)?,
            category: read(lang, "--category", &self.category, |t| {
                names::category(Category::Income, t)
            })?,
            payer: read(lang, "--payer", &self.payer, names::label)?,
            amount_fen: read(lang, "--amount", &self.amount, amount::yuan)?,
            channel: read(lang, "--channel", &self.channel, |t| CHANNELS.read(t))?,
        }))
    }
}

impl ToDraft for GrantArgs {
    fn draft(&self, lang: Lang, _: LoadLedger<'_>) -> anyhow::Result<Draft> {
        let grant = GrantReceived {
            fund: read(lang, "--fund", &self.fund, names::fund)?,
            grantor: read(lang, "--grantor", &self.grantor, names::label)?,
            purpose: read(lang, "--purpose", &self.purpose, names::label)?,
            amount_fen: read(lang, "--amount", &self.amount, amount::yuan)?,
        };
        event(intent::grant(grant).map_err(|e| refused(lang, "--fund", &self.fund, &e))?)
    }
}

impl ToDraft for ExpenseArgs {
    fn draft(&self, lang: Lang, _: LoadLedger<'_>) -> anyhow::Result<Draft> {
        let expense = ExpenseProposed {
            payee: read(lang, "--payee", &self.payee, names::label)?,
            category: read(lang, "--category", &self.category, |t| {
                names::category(Category::Spending, t)
            })?,
            fund: read(lang, "--fund", &self.fund, names::fund)?,
            amount_fen: read(lang, "--amount", &self.amount, amount::yuan)?,
            description: read(lang, "--description", &self.description, names::label)?,
            project: optional(lang, "--project", &self.project, names::name)?,
            decision: optional(lang, "--decision", &self.decision, names::event_ref)?,
        };
        event(intent::expense(expense).map_err(|e| match &self.project {
            Some(text) if e != ComposeError::MaintenanceWithoutDecision => {
                refused(lang, "--project", text, &e)
            }
            _ => refused_missing(lang, "--decision", &e),
        })?)
    }
}

impl ToDraft for ApproveArgs {
    fn draft(&self, lang: Lang, _: LoadLedger<'_>) -> anyhow::Result<Draft> {
        event(E::ExpenseApproved(ExpenseApproved {
            proposal: read(lang, "--proposal", &self.proposal, names::event_ref)?,
        }))
    }
}

impl ToDraft for PayArgs {
    fn draft(&self, lang: Lang, _: LoadLedger<'_>) -> anyhow::Result<Draft> {
        let proposal = read(lang, "--proposal", &self.proposal, names::event_ref)?;
        let channel = read(lang, "--channel", &self.channel, |t| CHANNELS.read(t))?;
        let invoice = read(lang, "--invoice", &self.invoice, |t| INVOICE_KINDS.read(t))?;
        let number = optional(lang, "--number", &self.number, names::label)?;
        // What the document needs is said before its file is read.
        intent::check_invoice(invoice, number.as_ref(), self.invoice_file.is_some())
            .map_err(|e| self.refused(lang, &e))?;
        let scan = (self.invoice_file.as_deref())
            .map(|path| attachment(lang, "--invoice-file", path))
            .transpose()?;
        let paid = intent::expense_paid(intent::ExpensePayment {
            proposal,
            channel,
            invoice,
            number,
            file: scan.as_ref().map(DraftAttachment::attached),
        })
        .map_err(|e| self.refused(lang, &e))?;
        Ok(Draft::new(paid, scan.into_iter().collect()))
    }
}

impl PayArgs {
    /// A document refused, said of the argument it is about; a missing one of the invoice kind as
    /// written: `--number：--invoice 发票 要写票据号码`.
    fn refused(&self, lang: Lang, e: &ComposeError) -> anyhow::Error {
        let of_kind = || format!("--invoice {} {}", self.invoice, e.explain(lang));
        match e {
            ComposeError::NumberWithoutInvoice { number } => {
                refused(lang, "--number", number.as_str(), e)
            }
            ComposeError::FileWithoutInvoice => {
                let shown = (self.invoice_file.as_deref()).map(|p| p.display().to_string());
                refused(lang, "--invoice-file", &shown.unwrap_or_default(), e)
            }
            ComposeError::InvoiceFileMissing { .. } => {
                missing_arg(lang, "--invoice-file", of_kind())
            }
            _ => missing_arg(lang, "--number", of_kind()),
        }
    }
}

impl ToDraft for TransferArgs {
    fn draft(&self, lang: Lang, _: LoadLedger<'_>) -> anyhow::Result<Draft> {
        let transfer = FundsTransferred {
            from_fund: read(lang, "--from", &self.from, names::fund)?,
            to_fund: read(lang, "--to", &self.to, names::fund)?,
            amount_fen: read(lang, "--amount", &self.amount, amount::yuan)?,
            decision: read(lang, "--decision", &self.decision, names::event_ref)?,
        };
        event(intent::transfer(transfer).map_err(|e| refused(lang, "--to", &self.to, &e))?)
    }
}

impl ToDraft for HouseholdArgs {
    fn draft(&self, lang: Lang, _: LoadLedger<'_>) -> anyhow::Result<Draft> {
        event(E::HouseholdRegistered(HouseholdRegistered {
            unit: read(lang, "--unit", &self.unit, names::unit)?,
            area_centi_m2: read(lang, "--area", &self.area, amount::area)?,
        }))
    }
}

impl ToDraft for CorrectHouseholdArgs {
    fn draft(&self, lang: Lang, _: LoadLedger<'_>) -> anyhow::Result<Draft> {
        event(E::HouseholdCorrected(HouseholdCorrected {
            unit: read(lang, "--unit", &self.unit, names::unit)?,
            area_centi_m2: read(lang, "--area", &self.area, amount::area)?,
            reason: read(lang, "--reason", &self.reason, names::label)?,
        }))
    }
}

impl ToDraft for FeeScheduleArgs {
    fn draft(&self, lang: Lang, _: LoadLedger<'_>) -> anyhow::Result<Draft> {
        let schedule = FeeScheduleAdopted {
            items: each(lang, "--item", &self.items, lines::fee_item)?,
            from_period: read(lang, "--from", &self.from, periods::month)?,
            decision: read(lang, "--decision", &self.decision, names::event_ref)?,
        };
        event(intent::fee_schedule(schedule).map_err(|e| {
            let text = match &e {
                ComposeError::DuplicateFeeItem { index, .. } => self.items.get(*index),
                _ => None,
            };
            refused(lang, "--item", text.map_or("", String::as_str), &e)
        })?)
    }
}

impl ChargesArgs {
    /// The month, and the refusal of a month the books give nothing to charge for.
    fn month(&self, lang: Lang) -> anyhow::Result<gongzhang_core::ledger::types::Period> {
        read(lang, "--period", &self.period, periods::month)
    }

    fn refused(&self, lang: Lang, e: &ComposeError) -> anyhow::Error {
        refused(lang, "--period", &self.period, e)
    }

    /// Every charge due, in drafts of at most [`super::CHARGES_PER_DRAFT_MAX`].
    pub(super) fn drafts(&self, lang: Lang, ledger: LoadLedger<'_>) -> anyhow::Result<Vec<Draft>> {
        let month = self.month(lang)?;
        let events = intent::all_charges(&ledger()?, month).map_err(|e| self.refused(lang, &e))?;
        Ok(events
            .into_iter()
            .map(|event| Draft::new(event, Vec::new()))
            .collect())
    }
}

impl ToDraft for ChargesArgs {
    fn draft(&self, lang: Lang, ledger: LoadLedger<'_>) -> anyhow::Result<Draft> {
        let month = self.month(lang)?;
        event(intent::charges(&ledger()?, month).map_err(|e| self.refused(lang, &e))?)
    }
}

impl ToDraft for DecisionArgs {
    fn draft(&self, lang: Lang, ledger: LoadLedger<'_>) -> anyhow::Result<Draft> {
        let matter = read(lang, "--matter", &self.matter, |t| MATTERS.read(t))?;
        let title = read(lang, "--title", &self.title, names::label)?;
        let totals = self.totals(lang, ledger)?;
        let announced = optional(lang, "--outcome", &self.outcome, |t| OUTCOMES.read(t))?;
        let minutes = attachment(lang, "--minutes", &self.minutes)?;
        let vote = intent::OwnersVote {
            matter,
            title,
            totals,
            announced,
            minutes: minutes.attached(),
        };
        let decision = intent::owners_decision(vote).map_err(|e| match (&e, &self.outcome) {
            (ComposeError::VoteTotals(violation), _) => {
                refused_missing(lang, totals_args(violation), &e)
            }
            (_, Some(text)) => refused(lang, "--outcome", text, &e),
            (_, None) => refused_missing(lang, "--outcome", &e),
        })?;
        Ok(Draft::new(decision, vec![minutes]))
    }
}

impl DecisionArgs {
    /// The vote's totals; the total area, unless given, the registered households'.
    fn totals(&self, lang: Lang, ledger: LoadLedger<'_>) -> anyhow::Result<VoteTotals> {
        let total_area_centi_m2 = match &self.total_area {
            Some(text) => read(lang, "--total-area", text, amount::area)?,
            None => intent::registered_area(&ledger()?)
                .map_err(|e| refused_missing(lang, "--total-area", &e))?,
        };
        let (area, count) = (amount::area, amount::count);
        Ok(VoteTotals {
            total_area_centi_m2,
            total_owners: read(lang, "--total-owners", &self.total_owners, count)?,
            participating_area_centi_m2: read(
                lang,
                "--participating-area",
                &self.participating_area,
                area,
            )?,
            participating_owners: read(
                lang,
                "--participating-owners",
                &self.participating_owners,
                count,
            )?,
            yes_area_centi_m2: read(lang, "--yes-area", &self.yes_area, area)?,
            yes_owners: read(lang, "--yes-owners", &self.yes_owners, count)?,
        })
    }
}

/// The arguments whose vote totals cannot be, by the rule book's reason.
fn totals_args(violation: &Violation) -> &'static str {
    match violation {
        Violation::DecisionTotalsInconsistent { reason } if reason.starts_with("more yes") => {
            "--yes-area / --yes-owners"
        }
        Violation::DecisionTotalsInconsistent { reason }
            if reason.starts_with("more participants") =>
        {
            "--participating-area / --participating-owners"
        }
        _ => "--total-area / --total-owners",
    }
}

impl ToDraft for ReverseArgs {
    fn draft(&self, lang: Lang, _: LoadLedger<'_>) -> anyhow::Result<Draft> {
        event(E::Reversal(Reversal {
            reverses: read(lang, "--event", &self.event, names::event_ref)?,
            reason: read(lang, "--reason", &self.reason, names::label)?,
        }))
    }
}

impl ToDraft for DemandArgs {
    fn draft(&self, lang: Lang, ledger: LoadLedger<'_>) -> anyhow::Result<Draft> {
        let unit = read(lang, "--unit", &self.unit, names::unit)?;
        let state = ledger()?;
        let letter = attachment(lang, "--letter", &self.letter)?;
        let demand = intent::payment_demand(&state, unit, &letter.attached())
            .map_err(|e| refused(lang, "--unit", &self.unit, &e))?;
        Ok(Draft::new(demand, vec![letter]))
    }
}

impl ToDraft for CloseArgs {
    fn draft(&self, lang: Lang, ledger: LoadLedger<'_>) -> anyhow::Result<Draft> {
        let range = read(lang, "--period", &self.period, periods::close_range)?;
        event(
            intent::period_close(&ledger()?, range)
                .map_err(|e| refused(lang, "--period", &self.period, &e))?,
        )
    }
}

impl ToDraft for GrantRoleArgs {
    fn draft(&self, lang: Lang, _: LoadLedger<'_>) -> anyhow::Result<Draft> {
        event(E::RoleGranted(RoleGranted {
            role: read(lang, "--role", &self.role, |t| ROLES.read(t))?,
            key: read(lang, "--public-key", &self.key, names::key)?,
        }))
    }
}

impl ToDraft for RevokeKeyArgs {
    fn draft(&self, lang: Lang, _: LoadLedger<'_>) -> anyhow::Result<Draft> {
        event(E::KeyRevoked(KeyRevoked {
            key: read(lang, "--public-key", &self.key, names::key)?,
            reason: read(lang, "--reason", &self.reason, names::label)?,
        }))
    }
}

impl ToDraft for AuditArgs {
    fn draft(&self, lang: Lang, ledger: LoadLedger<'_>) -> anyhow::Result<Draft> {
        let opinion = read(lang, "--opinion", &self.opinion, names::label)?;
        let through_seq = match &self.through {
            Some(text) => read(lang, "--through", text, amount::entry_number)?,
            None => intent::latest_entry(&ledger()?)
                .map_err(|e| refused_missing(lang, "--through", &e))?,
        };
        let findings = attachment(lang, "--findings", &self.findings)?;
        let audit = E::AuditAttested(AuditAttested {
            through_seq,
            findings_sha256: HashHex(findings.sha256),
            opinion,
        });
        Ok(Draft::new(audit, vec![findings]))
    }
}

impl ToDraft for BudgetArgs {
    fn draft(&self, lang: Lang, _: LoadLedger<'_>) -> anyhow::Result<Draft> {
        let budget = BudgetAdopted {
            lines: each(lang, "--line", &self.lines, lines::budget_line)?,
            year: read(lang, "--year", &self.year, amount::year)?,
            decision: read(lang, "--decision", &self.decision, names::event_ref)?,
        };
        event(intent::budget(budget).map_err(|e| {
            let text = match &e {
                ComposeError::DuplicateBudgetLine { index, .. } => self.lines.get(*index),
                _ => None,
            };
            refused(lang, "--line", text.map_or("", String::as_str), &e)
        })?)
    }
}
