//! `gongzhang record <kind>`: what a treasurer, a committee member or the street office's auditor
//! types, turned into an event the ledger's rules accept — its type, its body, and the files to
//! upload with it. Choosing the event id, signing, submitting and printing the receipt belong to
//! the caller; this module reads the files named on the command line and, for the events whose
//! content comes from the books (a month's charges, a demand's arrears, a close's statement), asks
//! the caller for the ledger's current state.
//!
//! Every argument arrives as text and is read here rather than by clap, so that a mistake is
//! explained in the person's language (Chinese by default), naming the argument and what to write
//! instead: `--amount "36O.00"：不是金额，应写成 360.00 这样的元数`.
//!
//! Each body is built as its typed struct from `gongzhang_core::ledger::events` and serialised
//! from there, so the field names and value forms are the core's, never spelled twice.

use anyhow::anyhow;
use gongzhang_compose::amount::{grouped_digits, half_width};
use gongzhang_compose::periods::{parse_close_range, parse_period};
use gongzhang_core::Hash;
use gongzhang_core::entry::valid_event_id;
use gongzhang_core::keys::PublicKey;
use gongzhang_core::ledger::events::{
    AuditAttested, BudgetAdopted, BudgetLine, ChargesAssessed, EventRef, ExpenseApproved,
    ExpensePaid, ExpenseProposed, FeeItem, FeeScheduleAdopted, FundsTransferred, GrantReceived,
    HashHex, HouseholdCorrected, HouseholdRegistered, IncomeReceived, Invoice, KeyHex, KeyRevoked,
    LedgerEvent, Outcome, OwnersDecision, PaymentDemandIssued, PaymentReceived, PeriodClosed,
    Reversal, RoleGranted, VoteTotals,
};
use gongzhang_core::ledger::rules::{Ledger, Violation, decide};
use gongzhang_core::ledger::types::{
    AreaCentiM2, Channel, FeeBasis, Fen, FundId, InvoiceKind, Label, Matter, Period, PeriodRange,
    Role, Slug, Unit,
};
use gongzhang_core::messages::{Explain as _, Lang};
use gongzhang_core::note::VerifierKey;
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

pub use gongzhang_compose::{
    ATTACHMENT_BYTES_MAX, AmountError, CHARGES_PER_DRAFT_MAX, PERIODS_MAX, parse_area_m2,
    parse_yuan,
};

/// One variant per event a person records; clap subcommand names in kebab-case.
//
// A command line is parsed once per process: the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, clap::Subcommand)]
pub enum RecordKind {
    /// 收到业主缴费（出纳签名） / a household paid its fees (signed by the treasurer)
    Payment {
        /// 房号，如 3-2-401 / unit number, e.g. 3-2-401
        #[arg(long)]
        unit: String,
        /// 金额（元），如 360.00 / amount in yuan, e.g. 360.00
        #[arg(long)]
        amount: String,
        /// 付款方式：现金、微信、支付宝、银行转账 / channel: cash, wechat, alipay, bank
        #[arg(long)]
        channel: String,
        /// 缴的是哪几个月（可不填，可重复）：2025-01..2025-12 或 2025-01,2025-02；不填则先抵最早的欠费 / months paid for
        /// (optional, repeatable): 2025-01..2025-12 or 2025-01,2025-02; without it the oldest
        /// charges are settled first
        #[arg(long)]
        periods: Vec<String>,
    },
    /// 收到其他收入：广告、场地出租、利息……（出纳签名） / other income: advertising, rented space, interest … (signed by
    /// the treasurer)
    Income {
        /// 收入归入的资金：public_revenue（公共收益）、operating（物业费资金）、maintenance（维修资金） / fund: public_revenue,
        /// operating, maintenance
        #[arg(long)]
        fund: String,
        /// 收入类别：广告、场地出租、利息、停车，或小写英文名如 advertising / category: advertising, space_rental, interest,
        /// parking, or another lowercase name
        #[arg(long)]
        category: String,
        /// 付款单位或个人 / who paid
        #[arg(long)]
        payer: String,
        /// 金额（元），如 1,200.00 / amount in yuan, e.g. 1,200.00
        #[arg(long)]
        amount: String,
        /// 收款方式：现金、微信、支付宝、银行转账 / channel: cash, wechat, alipay, bank
        #[arg(long)]
        channel: String,
    },
    /// 收到政府专项资金，开立专项资金账户（出纳签名） / a government grant, which opens its restricted fund (signed by the
    /// treasurer)
    Grant {
        /// 专项资金，如 project:meter-2026 / restricted fund, e.g. project:meter-2026
        #[arg(long)]
        fund: String,
        /// 拨款单位，如 区住建局 / grantor, e.g. the district housing bureau
        #[arg(long)]
        grantor: String,
        /// 用途 / purpose
        #[arg(long)]
        purpose: String,
        /// 金额（元） / amount in yuan
        #[arg(long)]
        amount: String,
    },
    /// 支出申请（出纳签名；超过审批限额的要业委会批准后才能付款） / propose an expenditure (signed by the treasurer; above the
    /// threshold it needs committee approvals before it is paid)
    Expense {
        /// 收款方 / payee
        #[arg(long)]
        payee: String,
        /// 支出类别：保洁、垃圾清运、绿化、排水、维修、照明、保安、改造、监理，或小写英文名 / category: cleaning, garbage_removal,
        /// greenery, drainage, repairs, lighting, security, renovation, supervision, or another
        /// lowercase name
        #[arg(long)]
        category: String,
        /// 从哪项资金支出（默认 operating 物业费资金） / fund paying (default operating)
        #[arg(long, default_value = "operating")]
        fund: String,
        /// 金额（元） / amount in yuan
        #[arg(long)]
        amount: String,
        /// 用途说明 / what it is for
        #[arg(long)]
        description: String,
        /// 专项资金的项目名（不填则取资金名里的项目） / project of a restricted fund (default: the fund's own)
        #[arg(long)]
        project: Option<String>,
        /// 业主共同决定的记录编号（动用维修资金时必填） / the owners' decision (event id; required for the maintenance
        /// fund)
        #[arg(long)]
        decision: Option<String>,
    },
    /// 批准一笔支出申请（业委会委员本人签名） / approve an expenditure proposal (signed by one committee member)
    Approve {
        /// 支出申请的记录编号 / the proposal's event id
        #[arg(long)]
        proposal: String,
    },
    /// 支付一笔支出申请，附发票或收据（出纳签名） / pay a proposal, with its invoice or receipt (signed by the treasurer)
    Pay {
        /// 支出申请的记录编号 / the proposal's event id
        #[arg(long)]
        proposal: String,
        /// 付款方式：现金、微信、支付宝、银行转账 / channel: cash, wechat, alipay, bank
        #[arg(long)]
        channel: String,
        /// 票据：发票、收据、无 / invoice kind: fapiao, receipt, none
        #[arg(long)]
        invoice: String,
        /// 发票或收据号码 / the invoice or receipt number
        #[arg(long)]
        number: Option<String>,
        /// 发票或收据的扫描件（PDF、照片、OFD） / the scanned invoice or receipt (PDF, photo, OFD)
        #[arg(long)]
        invoice_file: Option<PathBuf>,
    },
    /// 资金调拨（业委会按业主共同决定，多位委员签名） / move money between funds under an owners' decision (signed by a
    /// committee quorum)
    Transfer {
        /// 调出的资金 / fund paying out
        #[arg(long)]
        from: String,
        /// 调入的资金 / fund receiving
        #[arg(long)]
        to: String,
        /// 金额（元） / amount in yuan
        #[arg(long)]
        amount: String,
        /// 业主共同决定的记录编号 / the owners' decision (event id)
        #[arg(long)]
        decision: String,
    },
    /// 登记房屋（出纳签名） / register a household (signed by the treasurer)
    Household {
        /// 房号，如 3-2-401 / unit number, e.g. 3-2-401
        #[arg(long)]
        unit: String,
        /// 专有部分面积（平方米），如 85.23 / exclusive area in ㎡, e.g. 85.23
        #[arg(long)]
        area: String,
    },
    /// 更正房屋面积（出纳签名；以后的收费按新面积） / correct a household's area (signed by the treasurer; later charges
    /// use it)
    CorrectHousehold {
        /// 房号 / unit number
        #[arg(long)]
        unit: String,
        /// 正确的面积（平方米） / the correct area in ㎡
        #[arg(long)]
        area: String,
        /// 更正原因 / why
        #[arg(long)]
        reason: String,
    },
    /// 公布收费标准（业委会按业主共同决定，多位委员签名） / adopt a fee schedule under an owners' decision (signed by a
    /// committee quorum)
    FeeSchedule {
        /// 收费项目（可重复）：项目:名称:计费方式:费率元，如 property_fee:物业费:per_m2:0.50 或
        /// garbage_fee:垃圾清运费:per_household:10.00 / item (repeatable): item:name:basis:rate in yuan
        /// per ㎡ or per household per month
        #[arg(long = "item", required = true)]
        items: Vec<String>,
        /// 从哪个月开始执行，如 2025-03 / first month charged at these rates, e.g. 2025-03
        #[arg(long)]
        from: String,
        /// 业主共同决定的记录编号 / the owners' decision (event id)
        #[arg(long)]
        decision: String,
    },
    /// 记一个月的应缴费用：按收费标准和面积算出每户的费用（出纳签名） / assess a month's charges, computed from the fee schedule
    /// and each unit's area (signed by the treasurer)
    Charges {
        /// 月份，如 2025-03 / month, e.g. 2025-03
        #[arg(long)]
        period: String,
    },
    /// 记录业主共同决定的表决结果（多位委员签名） / record an owners' decision with its vote totals (signed by a
    /// committee quorum)
    Decision {
        /// 表决事项：收费标准、使用维修资金、筹集维修资金、改建重建、改变共有部分用途、选举业委会、资金调拨、预算、其他 / matter: fee_schedule,
        /// use_maintenance_fund, raise_maintenance_fund, rebuild, change_common_use,
        /// elect_committee, fund_transfer, budget, other
        #[arg(long)]
        matter: String,
        /// 表决的议题 / the motion
        #[arg(long)]
        title: String,
        /// 全体业主专有面积（平方米；不填则取已登记房屋的面积之和） / all owners' exclusive area in ㎡ (default: the registered
        /// households' total)
        #[arg(long)]
        total_area: Option<String>,
        /// 全体业主人数 / number of all owners
        #[arg(long)]
        total_owners: String,
        /// 参加表决的业主专有面积（平方米） / area of the owners who took part, in ㎡
        #[arg(long)]
        participating_area: String,
        /// 参加表决的业主人数 / owners who took part
        #[arg(long)]
        participating_owners: String,
        /// 同意的业主专有面积（平方米） / area of those who voted yes, in ㎡
        #[arg(long)]
        yes_area: String,
        /// 同意的业主人数 / owners who voted yes
        #[arg(long)]
        yes_owners: String,
        /// 公布的结果：通过、未通过（不填则按《民法典》第二百七十八条计算） / announced outcome: passed, rejected (default: computed
        /// by Civil Code art. 278)
        #[arg(long)]
        outcome: Option<String>,
        /// 表决结果或会议记录的文件 / the minutes or tally document
        #[arg(long)]
        minutes: PathBuf,
    },
    /// 撤销一条记错的记录（出纳签名；资金调拨由多位委员签名） / reverse a mistaken entry (signed by the treasurer; a transfer
    /// by a committee quorum)
    Reverse {
        /// 要撤销的记录编号 / the event id to reverse
        #[arg(long)]
        event: String,
        /// 撤销原因 / why
        #[arg(long)]
        reason: String,
    },
    /// 记录发给欠费户的催缴通知，金额按账上欠费（出纳签名） / record a written payment demand for a unit's arrears as the
    /// books give them (signed by the treasurer)
    Demand {
        /// 房号 / unit number
        #[arg(long)]
        unit: String,
        /// 催缴通知书的文件 / the demand letter
        #[arg(long)]
        letter: PathBuf,
    },
    /// 结账：按账目算出一个月或一个季度的报表（出纳签名） / close a month or a quarter with the statement the books give
    /// (signed by the treasurer)
    Close {
        /// 月份 2025-03 或季度 2025-Q1 / month 2025-03 or quarter 2025-Q1
        #[arg(long)]
        period: String,
    },
    /// 授予角色（多位委员签名；授予出纳即交接） / grant a role (signed by a committee quorum; granting treasurer hands
    /// the role over)
    GrantRole {
        /// 角色：委员、出纳、审计 / role: committee_member, treasurer, auditor
        #[arg(long)]
        role: String,
        /// 公钥：gongzhang keygen 显示的公钥，或 64 位十六进制 / key: the verifier key gongzhang keygen shows, or
        /// 64 hex digits
        #[arg(long = "public-key")]
        key: String,
    },
    /// 注销一把密钥（多位委员签名） / revoke a key (signed by a committee quorum)
    RevokeKey {
        /// 公钥 / key
        #[arg(long = "public-key")]
        key: String,
        /// 原因：手机丢失、换届…… / why: lost phone, handover …
        #[arg(long)]
        reason: String,
    },
    /// 审计确认：街道办审计到第几条（审计签名） / attest an audit through an entry (signed by the street office's
    /// auditor)
    Audit {
        /// 审计到第几条（不填则为最新一条） / last entry audited (default: the latest)
        #[arg(long)]
        through: Option<String>,
        /// 审计意见书的文件 / the findings document
        #[arg(long)]
        findings: PathBuf,
        /// 简短的审计意见，如 账目相符 / the opinion in a few words
        #[arg(long)]
        opinion: String,
    },
    /// 通过年度预算（业委会按业主共同决定，多位委员签名） / adopt a year's budget under an owners' decision (signed by a
    /// committee quorum)
    Budget {
        /// 年份，如 2026 / calendar year, e.g. 2026
        #[arg(long)]
        year: String,
        /// 预算行（可重复）：资金:类别:金额元，如 operating:cleaning:114,000.00 / line (repeatable):
        /// fund:category:amount in yuan
        #[arg(long = "line", required = true)]
        lines: Vec<String>,
        /// 业主共同决定的记录编号 / the owners' decision (event id)
        #[arg(long)]
        decision: String,
    },
}

/// An event to sign: its type, its body, and files to upload as attachments first (their SHA-256 is
/// already in the body).
#[derive(Debug)]
pub struct Draft {
    /// The event type, e.g. `payment_received`.
    pub kind: &'static str,
    /// The body, as `Event::new` takes it.
    pub body: serde_json::Map<String, serde_json::Value>,
    /// Files the body names by their SHA-256.
    pub attachments: Vec<DraftAttachment>,
}

/// A file named on the command line, read, with the hash the body gives it.
#[derive(Debug)]
pub struct DraftAttachment {
    /// Where it was read from.
    pub path: std::path::PathBuf,
    /// Its type, recognised from its bytes (the ledger keeps PDF, JPEG, PNG and WebP only).
    pub media_type: gongzhang_core::attachment::MediaType,
    /// Its contents.
    pub bytes: Vec<u8>,
    /// SHA-256 of `bytes`.
    pub sha256: gongzhang_core::Hash,
}

impl Draft {
    fn new(event: LedgerEvent, attachments: Vec<DraftAttachment>) -> Draft {
        Draft {
            kind: event.kind(),
            body: event.body_json(),
            attachments,
        }
    }
}

impl RecordKind {
    /// `ledger` is the current state of the ledger (the caller loads it only when asked: builders
    /// that do not need it never call it).
    pub fn draft(
        &self,
        ledger: &mut dyn FnMut() -> anyhow::Result<gongzhang_core::ledger::rules::Ledger>,
        en: bool,
    ) -> anyhow::Result<Draft> {
        use LedgerEvent as E;
        let event = match self {
            RecordKind::Payment {
                unit,
                amount,
                channel,
                periods,
            } => E::PaymentReceived(PaymentReceived {
                unit: unit_arg(en, "--unit", unit)?,
                amount_fen: yuan_arg(en, "--amount", amount)?,
                channel: choose(en, "--channel", channel, &CHANNELS)?,
                periods: periods_arg(en, "--periods", periods)?,
            }),
            RecordKind::Income {
                fund,
                category,
                payer,
                amount,
                channel,
            } => E::IncomeReceived(IncomeReceived {
                fund: fund_arg(en, "--fund", fund)?,
                category: slug_arg(en, "--category", category, &INCOME_CATEGORIES)?,
                payer: label_arg(en, "--payer", payer)?,
                amount_fen: yuan_arg(en, "--amount", amount)?,
                channel: choose(en, "--channel", channel, &CHANNELS)?,
            }),
            RecordKind::Grant {
                fund,
                grantor,
                purpose,
                amount,
            } => {
                let fund_id = fund_arg(en, "--fund", fund)?;
                if fund_id.project().is_none() {
                    return Err(bad_arg(
                        en,
                        "--fund",
                        fund,
                        "专项拨款要进专项资金，应写成 project:项目名，如 project:meter-2026",
                        "a grant goes to a restricted fund: write project:<name>, e.g. project:meter-2026",
                    ));
                }
                E::GrantReceived(GrantReceived {
                    fund: fund_id,
                    grantor: label_arg(en, "--grantor", grantor)?,
                    purpose: label_arg(en, "--purpose", purpose)?,
                    amount_fen: yuan_arg(en, "--amount", amount)?,
                })
            }
            RecordKind::Expense {
                payee,
                category,
                fund,
                amount,
                description,
                project,
                decision,
            } => expense(
                en,
                payee,
                category,
                fund,
                amount,
                description,
                project.as_deref(),
                decision.as_deref(),
            )?,
            RecordKind::Approve { proposal } => E::ExpenseApproved(ExpenseApproved {
                proposal: event_ref_arg(en, "--proposal", proposal)?,
            }),
            RecordKind::Pay {
                proposal,
                channel,
                invoice,
                number,
                invoice_file,
            } => {
                let proposal = event_ref_arg(en, "--proposal", proposal)?;
                let channel = choose(en, "--channel", channel, &CHANNELS)?;
                let kind = choose(en, "--invoice", invoice, &INVOICE_KINDS)?;
                let (invoice, attachments) = invoice_arg(
                    en,
                    kind,
                    invoice,
                    number.as_deref(),
                    invoice_file.as_deref(),
                )?;
                return Ok(Draft::new(
                    E::ExpensePaid(ExpensePaid {
                        proposal,
                        channel,
                        invoice,
                    }),
                    attachments,
                ));
            }
            RecordKind::Transfer {
                from,
                to,
                amount,
                decision,
            } => {
                let from_fund = fund_arg(en, "--from", from)?;
                let to_fund = fund_arg(en, "--to", to)?;
                if from_fund == to_fund {
                    return Err(bad_arg(
                        en,
                        "--to",
                        to,
                        "调入和调出是同一项资金，应写另一项资金",
                        "is the same fund as --from; name another fund",
                    ));
                }
                E::FundsTransferred(FundsTransferred {
                    from_fund,
                    to_fund,
                    amount_fen: yuan_arg(en, "--amount", amount)?,
                    decision: event_ref_arg(en, "--decision", decision)?,
                })
            }
            RecordKind::Household { unit, area } => E::HouseholdRegistered(HouseholdRegistered {
                unit: unit_arg(en, "--unit", unit)?,
                area_centi_m2: area_arg(en, "--area", area)?,
            }),
            RecordKind::CorrectHousehold { unit, area, reason } => {
                E::HouseholdCorrected(HouseholdCorrected {
                    unit: unit_arg(en, "--unit", unit)?,
                    area_centi_m2: area_arg(en, "--area", area)?,
                    reason: label_arg(en, "--reason", reason)?,
                })
            }
            RecordKind::FeeSchedule {
                items,
                from,
                decision,
            } => {
                let mut parsed: Vec<FeeItem> = Vec::new();
                for text in items {
                    let item = fee_item_arg(en, "--item", text)?;
                    if parsed.iter().any(|i| i.item == item.item) {
                        return Err(bad_arg(
                            en,
                            "--item",
                            text,
                            format!("收费项目 {} 写了两次，每个项目只写一次", item.item),
                            format!(
                                "lists item {} a second time; list each item once",
                                item.item
                            ),
                        ));
                    }
                    parsed.push(item);
                }
                E::FeeScheduleAdopted(FeeScheduleAdopted {
                    items: parsed,
                    from_period: period_arg(en, "--from", from)?,
                    decision: event_ref_arg(en, "--decision", decision)?,
                })
            }
            RecordKind::Charges { period } => {
                let month = period_arg(en, "--period", period)?;
                charges(&ledger()?, en, period, month)?
            }
            RecordKind::Decision {
                matter,
                title,
                total_area,
                total_owners,
                participating_area,
                participating_owners,
                yes_area,
                yes_owners,
                outcome,
                minutes,
            } => {
                let matter = choose(en, "--matter", matter, &MATTERS)?;
                let title = label_arg(en, "--title", title)?;
                let total_area_centi_m2 = match total_area {
                    Some(text) => area_arg(en, "--total-area", text)?,
                    None => registered_area(&ledger()?, en)?,
                };
                let totals = VoteTotals {
                    total_area_centi_m2,
                    total_owners: count_arg(en, "--total-owners", total_owners)?,
                    participating_area_centi_m2: area_arg(
                        en,
                        "--participating-area",
                        participating_area,
                    )?,
                    participating_owners: count_arg(
                        en,
                        "--participating-owners",
                        participating_owners,
                    )?,
                    yes_area_centi_m2: area_arg(en, "--yes-area", yes_area)?,
                    yes_owners: count_arg(en, "--yes-owners", yes_owners)?,
                };
                let computed = decide(matter, &totals).map_err(|violation| {
                    let args = match &violation {
                        Violation::DecisionTotalsInconsistent { reason }
                            if reason.starts_with("more yes") =>
                        {
                            "--yes-area / --yes-owners"
                        }
                        Violation::DecisionTotalsInconsistent { reason }
                            if reason.starts_with("more participants") =>
                        {
                            "--participating-area / --participating-owners"
                        }
                        _ => "--total-area / --total-owners",
                    };
                    let lang = if en { Lang::En } else { Lang::Zh };
                    missing_arg(en, args, violation.explain(lang), violation.explain(lang))
                })?;
                if let Some(text) = outcome {
                    let stated = choose(en, "--outcome", text, &OUTCOMES)?;
                    if stated != computed {
                        return Err(bad_arg(
                            en,
                            "--outcome",
                            text,
                            format!(
                                "按这些票数和《民法典》第二百七十八条，结果应为“{}”；请核对计票结果",
                                outcome_zh(computed)
                            ),
                            format!(
                                "by Civil Code art. 278 these totals give {}; check the tally",
                                outcome_en(computed)
                            ),
                        ));
                    }
                }
                let document = attachment(en, "--minutes", minutes)?;
                return Ok(Draft::new(
                    E::OwnersDecision(OwnersDecision {
                        matter,
                        title,
                        totals,
                        outcome: computed,
                        document_sha256: HashHex(document.sha256),
                    }),
                    vec![document],
                ));
            }
            RecordKind::Reverse { event, reason } => E::Reversal(Reversal {
                reverses: event_ref_arg(en, "--event", event)?,
                reason: label_arg(en, "--reason", reason)?,
            }),
            RecordKind::Demand { unit, letter } => {
                let unit_id = unit_arg(en, "--unit", unit)?;
                let amount_fen = arrears(&ledger()?, en, unit, &unit_id)?;
                let document = attachment(en, "--letter", letter)?;
                return Ok(Draft::new(
                    E::PaymentDemandIssued(PaymentDemandIssued {
                        unit: unit_id,
                        amount_fen,
                        document_sha256: HashHex(document.sha256),
                    }),
                    vec![document],
                ));
            }
            RecordKind::Close { period } => {
                let range = close_range_arg(en, "--period", period)?;
                let state = ledger()?;
                check_next_close(&state, en, period, range)?;
                E::PeriodClosed(PeriodClosed {
                    statement: state.statement(range),
                })
            }
            RecordKind::GrantRole { role, key } => E::RoleGranted(RoleGranted {
                role: choose(en, "--role", role, &ROLES)?,
                key: key_arg(en, "--public-key", key)?,
            }),
            RecordKind::RevokeKey { key, reason } => E::KeyRevoked(KeyRevoked {
                key: key_arg(en, "--public-key", key)?,
                reason: label_arg(en, "--reason", reason)?,
            }),
            RecordKind::Audit {
                through,
                findings,
                opinion,
            } => {
                let opinion = label_arg(en, "--opinion", opinion)?;
                let through_seq = match through {
                    Some(text) => seq_arg(en, "--through", text)?,
                    None => ledger()?.size().checked_sub(1).ok_or_else(|| {
                        missing_arg(
                            en,
                            "--through",
                            "账本还是空的，没有可审计的记录",
                            "the ledger is empty: there is nothing to audit",
                        )
                    })?,
                };
                let document = attachment(en, "--findings", findings)?;
                return Ok(Draft::new(
                    E::AuditAttested(AuditAttested {
                        through_seq,
                        findings_sha256: HashHex(document.sha256),
                        opinion,
                    }),
                    vec![document],
                ));
            }
            RecordKind::Budget {
                year,
                lines,
                decision,
            } => {
                let mut parsed: Vec<BudgetLine> = Vec::new();
                for text in lines {
                    let line = budget_line_arg(en, "--line", text)?;
                    if parsed
                        .iter()
                        .any(|l| l.fund == line.fund && l.category == line.category)
                    {
                        return Err(bad_arg(
                            en,
                            "--line",
                            text,
                            format!("{} 的 {} 写了两次，每项只写一行", line.fund, line.category),
                            format!(
                                "lists {} of fund {} a second time; give each one line",
                                line.category, line.fund
                            ),
                        ));
                    }
                    parsed.push(line);
                }
                E::BudgetAdopted(BudgetAdopted {
                    year: year_arg(en, "--year", year)?,
                    lines: parsed,
                    decision: event_ref_arg(en, "--decision", decision)?,
                })
            }
        };
        Ok(Draft::new(event, Vec::new()))
    }

    /// The events this command records: one, except `charges`, which gives the whole month's
    /// charges in entries of at most [`CHARGES_PER_DRAFT_MAX`] (a 600-household month is three
    /// entries, submitted together as one all-or-nothing batch).
    pub fn drafts(
        &self,
        ledger: &mut dyn FnMut() -> anyhow::Result<gongzhang_core::ledger::rules::Ledger>,
        en: bool,
    ) -> anyhow::Result<Vec<Draft>> {
        let RecordKind::Charges { period } = self else {
            return Ok(vec![self.draft(ledger, en)?]);
        };
        let month = period_arg(en, "--period", period)?;
        let state = ledger()?;
        // The first chunk also brings the refusals (no schedule, nothing due).
        charges(&state, en, period, month)?;
        Ok(state
            .due_charges(month)
            .chunks(CHARGES_PER_DRAFT_MAX)
            .map(|chunk| {
                Draft::new(
                    LedgerEvent::ChargesAssessed(ChargesAssessed {
                        period: month,
                        charges: chunk.to_vec(),
                    }),
                    Vec::new(),
                )
            })
            .collect())
    }
}

// ---------------------------------------------------------------------------------------------
// Builders that need more than one argument or the ledger.

#[allow(clippy::too_many_arguments)] // The arguments of one subcommand, each read in turn.
fn expense(
    en: bool,
    payee: &str,
    category: &str,
    fund: &str,
    amount: &str,
    description: &str,
    project: Option<&str>,
    decision: Option<&str>,
) -> anyhow::Result<LedgerEvent> {
    let payee = label_arg(en, "--payee", payee)?;
    let category = slug_arg(en, "--category", category, &SPENDING_CATEGORIES)?;
    let fund_text = fund;
    let fund = fund_arg(en, "--fund", fund)?;
    let amount_fen = yuan_arg(en, "--amount", amount)?;
    let description = label_arg(en, "--description", description)?;
    // A restricted fund's project is part of its name; the body states it again so that the
    // spending is visibly for that project, and the rules check the two agree.
    let project = match (fund.project(), project) {
        (None, None) => None,
        (None, Some(text)) => {
            return Err(bad_arg(
                en,
                "--project",
                text,
                format!("只有从专项资金（project:项目名）支出才写项目，{fund_text} 不是专项资金"),
                format!(
                    "only spending from a restricted fund (project:<name>) names a project; {fund_text} is not one"
                ),
            ));
        }
        (Some(own), None) => Some(Slug::try_from(own).map_err(|e| anyhow!(e))?),
        (Some(own), Some(text)) => {
            let given = slug_arg(en, "--project", text, &[])?;
            if given.as_str() != own {
                return Err(bad_arg(
                    en,
                    "--project",
                    text,
                    format!("与资金 {fund} 的项目 {own} 不一致，应写 {own} 或不写"),
                    format!(
                        "differs from project {own} of fund {fund}; write {own} or leave it out"
                    ),
                ));
            }
            Some(given)
        }
    };
    let decision = decision
        .map(|text| event_ref_arg(en, "--decision", text))
        .transpose()?;
    if fund.as_str() == "maintenance" && decision.is_none() {
        return Err(missing_arg(
            en,
            "--decision",
            "动用维修资金要有业主共同决定：写上表决结果的记录编号",
            "spending from the maintenance fund needs an owners' decision: give its event id",
        ));
    }
    Ok(LedgerEvent::ExpenseProposed(ExpenseProposed {
        payee,
        category,
        fund,
        amount_fen,
        description,
        project,
        decision,
    }))
}

/// The invoice of a payment, and the scan to upload.
fn invoice_arg(
    en: bool,
    kind: InvoiceKind,
    kind_text: &str,
    number: Option<&str>,
    file: Option<&Path>,
) -> anyhow::Result<(Invoice, Vec<DraftAttachment>)> {
    if kind == InvoiceKind::None {
        // A document with a number is a fapiao or a receipt: saying "none" and giving one would
        // leave the books unsure which it is.
        if let Some(text) = number {
            return Err(bad_arg(
                en,
                "--number",
                text,
                "票据写了“无”就不填号码；有收据或发票请写 --invoice 收据 或 --invoice 发票",
                "goes with a fapiao or receipt, not --invoice none; write --invoice receipt or --invoice fapiao",
            ));
        }
        if let Some(path) = file {
            return Err(bad_arg(
                en,
                "--invoice-file",
                &path.display().to_string(),
                "票据写了“无”就不附扫描件；有收据或发票请写 --invoice 收据 或 --invoice 发票",
                "goes with a fapiao or receipt, not --invoice none; write --invoice receipt or --invoice fapiao",
            ));
        }
        return Ok((
            Invoice {
                kind,
                number: None,
                sha256: None,
            },
            Vec::new(),
        ));
    }
    let Some(number) = number else {
        return Err(missing_arg(
            en,
            "--number",
            format!("--invoice {kind_text} 要写票据号码"),
            format!("--invoice {kind_text} needs the document's number"),
        ));
    };
    let Some(file) = file else {
        return Err(missing_arg(
            en,
            "--invoice-file",
            format!("--invoice {kind_text} 要附票据的扫描件或照片"),
            format!("--invoice {kind_text} needs the scanned document"),
        ));
    };
    let number = label_arg(en, "--number", number)?;
    let scan = attachment(en, "--invoice-file", file)?;
    Ok((
        Invoice {
            kind,
            number: Some(number),
            sha256: Some(HashHex(scan.sha256)),
        },
        vec![scan],
    ))
}

/// The month's due charges, at most [`CHARGES_PER_DRAFT_MAX`] of them.
fn charges(ledger: &Ledger, en: bool, text: &str, period: Period) -> anyhow::Result<LedgerEvent> {
    let mut due = ledger.due_charges(period);
    // A schedule is adopted under a passed owners' decision, whose total area is the registered
    // households' (above zero): with a schedule in force, nothing due means all charged.
    if due.is_empty() {
        return Err(if ledger.schedule_for(period).is_none() {
            bad_arg(
                en,
                "--period",
                text,
                "这个月没有生效的收费标准：先用 gongzhang record fee-schedule 公布收费标准",
                "no fee schedule is in force for this month: adopt one first with gongzhang record fee-schedule",
            )
        } else {
            bad_arg(
                en,
                "--period",
                text,
                "这个月的费用已经全部记过了，没有要记的",
                "every household is already charged for this month: nothing is due",
            )
        });
    }
    due.truncate(CHARGES_PER_DRAFT_MAX);
    Ok(LedgerEvent::ChargesAssessed(ChargesAssessed {
        period,
        charges: due,
    }))
}

/// The registered households' total area: what an owners' vote counts as all owners' area.
fn registered_area(ledger: &Ledger, en: bool) -> anyhow::Result<AreaCentiM2> {
    let total: i128 = ledger
        .households()
        .values()
        .map(|h| i128::from(h.area_centi_m2))
        .sum();
    if total <= 0 {
        return Err(missing_arg(
            en,
            "--total-area",
            "还没有登记房屋，算不出全体业主的面积：先登记房屋，或写上总面积",
            "no household is registered to sum their areas: register them or give the total",
        ));
    }
    i64::try_from(total).map_err(|_| anyhow!("the registered area {total} is out of range"))
}

/// What `unit` owes now, refusing a unit that is not registered or owes nothing.
fn arrears(ledger: &Ledger, en: bool, text: &str, unit: &Unit) -> anyhow::Result<Fen> {
    if !ledger.households().contains_key(unit) {
        return Err(bad_arg(
            en,
            "--unit",
            text,
            "没有登记这个房号，请核对",
            "is not a registered unit; check the number",
        ));
    }
    let owed = ledger.arrears(unit);
    if owed == Fen::ZERO {
        return Err(bad_arg(
            en,
            "--unit",
            text,
            "这户现在不欠费，不能发催缴通知",
            "owes nothing now, so no payment demand may be issued",
        ));
    }
    Ok(owed)
}

/// Refuses a close that does not start the month after the last one (or at the first month).
fn check_next_close(
    ledger: &Ledger,
    en: bool,
    text: &str,
    range: PeriodRange,
) -> anyhow::Result<()> {
    let Some(expected) = ledger
        .last_closed()
        .map(Period::next)
        .or(ledger.first_period())
    else {
        return Ok(());
    };
    if range.from == expected {
        return Ok(());
    }
    let quarter = (expected.month() % 3 == 1)
        .then(|| format!("{}-Q{}", expected.year(), expected.month() / 3 + 1));
    let (zh_choice, en_choice) = match &quarter {
        Some(q) => (
            format!("写 {expected}（一个月）或 {q}（一个季度）"),
            format!("write {expected} (a month) or {q} (a quarter)"),
        ),
        None => (format!("写 {expected}"), format!("write {expected}")),
    };
    Err(match ledger.last_closed() {
        Some(last) if range.from <= last => bad_arg(
            en,
            "--period",
            text,
            format!("已经结账到 {last}，下一次从 {expected} 开始：{zh_choice}"),
            format!(
                "the books are closed through {last}; the next close starts at {expected}: {en_choice}"
            ),
        ),
        Some(last) => bad_arg(
            en,
            "--period",
            text,
            format!("上次结账到 {last}，结账要一期接一期，下一次从 {expected} 开始：{zh_choice}"),
            format!(
                "the last close ended {last} and closes follow each other; the next starts at {expected}: {en_choice}"
            ),
        ),
        None => bad_arg(
            en,
            "--period",
            text,
            format!("第一次结账从账本的第一个月 {expected} 开始：{zh_choice}"),
            format!("the first close starts at the ledger's first month {expected}: {en_choice}"),
        ),
    })
}

// ---------------------------------------------------------------------------------------------
// Messages.

/// An argument that cannot be read: `--amount "36O.00"：不是金额，应写成 360.00 这样的元数`.
fn bad_arg(
    en: bool,
    arg: &str,
    value: &str,
    zh: impl fmt::Display,
    english: impl fmt::Display,
) -> anyhow::Error {
    if en {
        anyhow!("{arg} {value:?}: {english}")
    } else {
        anyhow!("{arg} {value:?}：{zh}")
    }
}

/// An argument missing for what the others say: `--number：--invoice 发票 要写票据号码`.
fn missing_arg(
    en: bool,
    arg: &str,
    zh: impl fmt::Display,
    english: impl fmt::Display,
) -> anyhow::Error {
    if en {
        anyhow!("{arg}: {english}")
    } else {
        anyhow!("{arg}：{zh}")
    }
}

fn outcome_zh(o: Outcome) -> &'static str {
    match o {
        Outcome::Passed => "通过",
        Outcome::Rejected => "未通过",
    }
}

fn outcome_en(o: Outcome) -> &'static str {
    match o {
        Outcome::Passed => "passed",
        Outcome::Rejected => "rejected",
    }
}

// ---------------------------------------------------------------------------------------------
// Amounts and areas.

/// What a decimal argument measures, for its messages.
#[derive(Debug, Clone, Copy)]
enum Quantity {
    Yuan,
    SquareMetres,
}

/// What is wrong with an amount and what to write instead, in Chinese or English.
fn explain_amount(error: AmountError, what: Quantity, en: bool) -> String {
    let (zh_example, en_example) = match what {
        Quantity::Yuan => ("应写成 360.00 这样的元数", "write yuan like 360.00"),
        Quantity::SquareMetres => (
            "应写成 85.23 这样的平方米数",
            "write square metres like 85.23",
        ),
    };
    let (zh, english) = match error {
        AmountError::Empty => (format!("是空的，{zh_example}"), format!("is empty; {en_example}")),
        AmountError::NotANumber => match what {
            Quantity::Yuan => (format!("不是金额，{zh_example}"), format!("is not an amount; {en_example}")),
            Quantity::SquareMetres => (format!("不是面积，{zh_example}"), format!("is not an area; {en_example}")),
        },
        AmountError::TooManyDecimals => match what {
            Quantity::Yuan => (
                "小数超过两位：最小到分，应写成 360.05 这样的元数".to_string(),
                "has more than two decimals: the smallest unit is the fen; write yuan like 360.05".to_string(),
            ),
            Quantity::SquareMetres => (
                "小数超过两位：面积记到 0.01 平方米，应写成 85.23 这样的平方米数".to_string(),
                "has more than two decimals: areas are kept to 0.01 ㎡; write square metres like 85.23".to_string(),
            ),
        },
        AmountError::Negative => (
            "不能是负数：记错了请用 gongzhang record reverse 撤销原记录，再重新记".to_string(),
            "cannot be negative: to correct a mistake, reverse the entry with gongzhang record reverse and record it again".to_string(),
        ),
        AmountError::TooLarge => match what {
            Quantity::Yuan => (
                "太大了：账本最多记 90071992547409.91 元".to_string(),
                "is too large: the ledger carries at most 90071992547409.91 yuan".to_string(),
            ),
            Quantity::SquareMetres => (
                "太大了：面积最多 90071992547409.91 平方米".to_string(),
                "is too large: an area is at most 90071992547409.91 ㎡".to_string(),
            ),
        },
    };
    if en { english } else { zh }
}

/// Reads the amount in yuan given as `arg`; the error names the argument and says what to write
/// instead, in Chinese (or English with `en`).
pub fn yuan_arg(en: bool, arg: &str, text: &str) -> anyhow::Result<Fen> {
    parse_yuan(text).map_err(|e| {
        let problem = explain_amount(e, Quantity::Yuan, en);
        bad_arg(en, arg, text, &problem, &problem)
    })
}

fn area_arg(en: bool, arg: &str, text: &str) -> anyhow::Result<AreaCentiM2> {
    parse_area_m2(text).map_err(|e| {
        let problem = explain_amount(e, Quantity::SquareMetres, en);
        bad_arg(en, arg, text, &problem, &problem)
    })
}

// ---------------------------------------------------------------------------------------------
// Words with a fixed meaning: channels, invoice kinds, roles, matters, outcomes, fee bases.

/// The words a person may type for each value (compared trimmed, lowercase, `-` as `_`), and
/// how to say what may be written.
struct Choices<T: 'static> {
    words: &'static [(&'static [&'static str], T)],
    zh: &'static str,
    en: &'static str,
}

const CHANNELS: Choices<Channel> = Choices {
    words: &[
        (&["cash", "现金"], Channel::Cash),
        (
            &["wechat", "wechat_pay", "weixin", "微信", "微信支付"],
            Channel::WechatPay,
        ),
        (&["alipay", "支付宝"], Channel::Alipay),
        (
            &["bank", "bank_transfer", "银行", "银行转账", "转账"],
            Channel::BankTransfer,
        ),
    ],
    zh: "不是付款方式，应写 现金、微信、支付宝 或 银行转账",
    en: "is not a channel; write cash, wechat, alipay or bank",
};

const INVOICE_KINDS: Choices<InvoiceKind> = Choices {
    words: &[
        (&["fapiao", "invoice", "发票"], InvoiceKind::Fapiao),
        (&["receipt", "收据"], InvoiceKind::Receipt),
        (&["none", "无", "没有"], InvoiceKind::None),
    ],
    zh: "不是票据种类，应写 发票、收据 或 无",
    en: "is not an invoice kind; write fapiao, receipt or none",
};

const ROLES: Choices<Role> = Choices {
    words: &[
        (
            &[
                "committee_member",
                "committee",
                "member",
                "委员",
                "业委会委员",
            ],
            Role::CommitteeMember,
        ),
        (&["treasurer", "出纳", "财务"], Role::Treasurer),
        (&["auditor", "审计", "街道办审计"], Role::Auditor),
    ],
    zh: "不是角色，应写 委员、出纳 或 审计",
    en: "is not a role; write committee_member, treasurer or auditor",
};

const MATTERS: Choices<Matter> = Choices {
    words: &[
        (
            &["raise_maintenance_fund", "筹集维修资金"],
            Matter::RaiseMaintenanceFund,
        ),
        (&["rebuild", "改建重建", "改建", "重建"], Matter::Rebuild),
        (
            &["change_common_use", "改变共有部分用途"],
            Matter::ChangeCommonUse,
        ),
        (
            &["use_maintenance_fund", "使用维修资金"],
            Matter::UseMaintenanceFund,
        ),
        (
            &["fee_schedule", "收费标准", "制定收费标准"],
            Matter::FeeSchedule,
        ),
        (
            &["elect_committee", "选举业委会", "选举业主委员会"],
            Matter::ElectCommittee,
        ),
        (&["fund_transfer", "资金调拨"], Matter::FundTransfer),
        (&["budget", "预算"], Matter::Budget),
        (&["other", "其他"], Matter::Other),
    ],
    zh: "不是表决事项，应写 收费标准、使用维修资金、筹集维修资金、改建重建、改变共有部分用途、选举业委会、资金调拨、预算 或 其他",
    en: "is not a matter; write fee_schedule, use_maintenance_fund, raise_maintenance_fund, rebuild, change_common_use, elect_committee, fund_transfer, budget or other",
};

const OUTCOMES: Choices<Outcome> = Choices {
    words: &[
        (&["passed", "pass", "通过"], Outcome::Passed),
        (&["rejected", "reject", "未通过", "否决"], Outcome::Rejected),
    ],
    zh: "不是表决结果，应写 通过 或 未通过",
    en: "is not an outcome; write passed or rejected",
};

const FEE_BASES: Choices<FeeBasis> = Choices {
    words: &[
        (
            &["per_m2", "m2", "㎡", "每平方米", "按面积"],
            FeeBasis::PerM2,
        ),
        (
            &["per_household", "household", "每户", "按户"],
            FeeBasis::PerHousehold,
        ),
    ],
    zh: "计费方式应写 per_m2（按面积，每平方米每月）或 per_household（按户，每户每月）",
    en: "the basis must be per_m2 (per ㎡ per month) or per_household (per household per month)",
};

fn choose<T: Copy>(en: bool, arg: &str, text: &str, choices: &Choices<T>) -> anyhow::Result<T> {
    find_choice(text, choices).ok_or_else(|| bad_arg(en, arg, text, choices.zh, choices.en))
}

fn find_choice<T: Copy>(text: &str, choices: &Choices<T>) -> Option<T> {
    let word = text.trim().to_lowercase().replace('-', "_");
    choices
        .words
        .iter()
        .find(|(names, _)| names.contains(&word.as_str()))
        .map(|(_, value)| *value)
}

// ---------------------------------------------------------------------------------------------
// Names: units, funds, categories, labels, event ids, keys.

fn unit_arg(en: bool, arg: &str, text: &str) -> anyhow::Result<Unit> {
    // Building letters are capitals (`A-1-101`); a full-width hyphen is a hyphen.
    let normal: String = text
        .trim()
        .chars()
        .map(half_width)
        .collect::<String>()
        .to_ascii_uppercase();
    Unit::try_from(normal).map_err(|_| {
        bad_arg(
            en,
            arg,
            text,
            "不是房号，应写成 3-2-401 这样的 楼号-单元-室号",
            "is not a unit number; write building-entrance-room like 3-2-401",
        )
    })
}

/// Spending categories people name in Chinese, with their slugs.
const SPENDING_CATEGORIES: [(&str, &[&str]); 9] = [
    ("cleaning", &["保洁", "清洁"]),
    ("garbage_removal", &["垃圾清运"]),
    ("greenery", &["绿化"]),
    ("drainage", &["排水", "管道疏通", "疏通"]),
    ("repairs", &["维修"]),
    ("lighting", &["照明"]),
    ("security", &["保安", "门卫"]),
    ("renovation", &["改造"]),
    ("supervision", &["监理"]),
];

/// Income categories people name in Chinese, with their slugs.
const INCOME_CATEGORIES: [(&str, &[&str]); 4] = [
    ("advertising", &["广告"]),
    ("space_rental", &["场地出租", "场地租金", "租金"]),
    ("interest", &["利息"]),
    ("parking", &["停车", "停车费"]),
];

/// Fee items people name in Chinese, with their slugs.
const FEE_ITEMS: [(&str, &[&str]); 2] = [
    ("property_fee", &["物业费"]),
    ("garbage_fee", &["垃圾清运费"]),
];

/// A slug, or the Chinese name of one of `known`.
fn slug_arg(en: bool, arg: &str, text: &str, known: &[(&str, &[&str])]) -> anyhow::Result<Slug> {
    let word = text.trim();
    let slug = known
        .iter()
        .find(|(_, names)| names.contains(&word))
        .map_or_else(|| word.to_ascii_lowercase(), |(slug, _)| slug.to_string());
    Slug::try_from(slug).map_err(|_| {
        let (zh_names, en_names): (Vec<String>, Vec<&str>) = known
            .iter()
            .map(|(slug, names)| (names.first().copied().unwrap_or(*slug).to_string(), *slug))
            .unzip();
        let (zh, english) = if known.is_empty() {
            (
                "不是名称，应写小写英文字母、数字和 - 组成的名字，单词之间用 _，如 meter-2026".to_string(),
                "is not a name; write lowercase letters, digits and -, words joined by _, e.g. meter-2026".to_string(),
            )
        } else {
            (
                format!(
                    "不是类别，应写 {} 之一，或小写英文名如 {}",
                    zh_names.join("、"),
                    en_names.first().copied().unwrap_or("repairs")
                ),
                format!(
                    "is not a category; write one of {}, or another lowercase name",
                    en_names.join(", ")
                ),
            )
        };
        bad_arg(en, arg, text, zh, english)
    })
}

/// Standing funds by the names people use for them.
const FUNDS: [(&str, &[&str]); 3] = [
    ("operating", &["operating", "物业费资金", "物业费"]),
    ("public_revenue", &["public_revenue", "公共收益"]),
    ("maintenance", &["maintenance", "维修资金"]),
];

fn fund_arg(en: bool, arg: &str, text: &str) -> anyhow::Result<FundId> {
    let normal: String = text.trim().chars().map(half_width).collect();
    let fund = FUNDS
        .iter()
        .find(|(_, names)| names.contains(&normal.to_lowercase().as_str()))
        .map_or(normal, |(fund, _)| fund.to_string());
    FundId::try_from(fund).map_err(|_| {
        bad_arg(
            en,
            arg,
            text,
            "不是资金名，应写 operating（物业费资金）、public_revenue（公共收益）、maintenance（维修资金）或 project:项目名（专项资金）",
            "is not a fund; write operating, public_revenue, maintenance or project:<name>",
        )
    })
}

fn label_arg(en: bool, arg: &str, text: &str) -> anyhow::Result<Label> {
    let trimmed = text.trim();
    Label::try_from(trimmed).map_err(|_| {
        let (zh, english) = if trimmed.is_empty() {
            ("是空的，要写上内容", "is empty; write something")
        } else if trimmed.chars().count() > 200 {
            (
                "太长了：最多 200 个字",
                "is too long: at most 200 characters",
            )
        } else {
            (
                "含有换行或控制字符：请写在一行里",
                "holds a line break or a control character: write it on one line",
            )
        };
        bad_arg(en, arg, text, zh, english)
    })
}

fn event_ref_arg(en: bool, arg: &str, text: &str) -> anyhow::Result<EventRef> {
    let id = text.trim();
    if valid_event_id(id) {
        Ok(id.to_string())
    } else {
        Err(bad_arg(
            en,
            arg,
            text,
            "不是记录编号：编号由英文字母、数字和 . _ : - 组成，最多 64 个字符，回执上印着",
            "is not an event id: 1 to 64 letters, digits and . _ : -, as the receipt shows it",
        ))
    }
}

/// A key as `gongzhang keygen` shows it (`name+keyid+base64`) or as 64 hexadecimal digits.
fn key_arg(en: bool, arg: &str, text: &str) -> anyhow::Result<KeyHex> {
    let t = text.trim();
    let from_hex = || PublicKey::from_hex(&t.to_ascii_lowercase());
    let from_verifier = || {
        VerifierKey::parse(t)
            .ok()
            .map(|k| PublicKey(k.public_key_bytes()))
    };
    from_hex().or_else(from_verifier).map(KeyHex).ok_or_else(|| {
        bad_arg(
            en,
            arg,
            text,
            "不是公钥，应写 gongzhang keygen 显示的公钥（名字+编号+一串字母）或 64 位十六进制",
            "is not a key; write the verifier key gongzhang keygen shows (name+id+base64) or 64 hexadecimal digits",
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Months, quarters, counts.

fn period_arg(en: bool, arg: &str, text: &str) -> anyhow::Result<Period> {
    parse_period(text).ok_or_else(|| {
        bad_arg(
            en,
            arg,
            text,
            "不是月份，应写成 2025-03 这样的 年-月",
            "is not a month; write year-month like 2025-03",
        )
    })
}

/// Months named as ranges `2025-01..2025-12` and lists `2025-01,2025-03`, in any mix, in month
/// order, each once.
fn periods_arg(en: bool, arg: &str, texts: &[String]) -> anyhow::Result<Vec<Period>> {
    let mut months = BTreeSet::new();
    for text in texts {
        let normal: String = text.chars().map(half_width).collect();
        for part in normal.split([',', '、']) {
            let range = ["..", "~", "～", "至"]
                .iter()
                .find_map(|sep| part.split_once(*sep));
            let (from, to) = match range {
                Some((a, b)) => (parse_period(a), parse_period(b)),
                None => (parse_period(part), parse_period(part)),
            };
            let (Some(from), Some(to)) = (from, to) else {
                return Err(bad_arg(
                    en,
                    arg,
                    text,
                    format!(
                        "“{}” 不是月份，应写成 2025-01..2025-12（一段月份）或 2025-01,2025-02（几个月）",
                        part.trim()
                    ),
                    format!(
                        "{:?} is not a month; write 2025-01..2025-12 (a range) or 2025-01,2025-02 (a list)",
                        part.trim()
                    ),
                ));
            };
            if from > to {
                return Err(bad_arg(
                    en,
                    arg,
                    text,
                    format!("{from} 晚于 {to}：应先写早的月份，如 {to}..{from}"),
                    format!(
                        "{from} is after {to}: write the earlier month first, e.g. {to}..{from}"
                    ),
                ));
            }
            let mut p = from;
            loop {
                months.insert(p);
                if months.len() > PERIODS_MAX {
                    return Err(bad_arg(
                        en,
                        arg,
                        text,
                        format!("月份太多：一次缴费最多写 {PERIODS_MAX} 个月"),
                        format!("names too many months: at most {PERIODS_MAX} per payment"),
                    ));
                }
                if p == to {
                    break;
                }
                p = p.next();
            }
        }
    }
    Ok(months.into_iter().collect())
}

/// A month `2025-03` or a calendar quarter `2025-Q1`.
fn close_range_arg(en: bool, arg: &str, text: &str) -> anyhow::Result<PeriodRange> {
    parse_close_range(text).ok_or_else(|| {
        bad_arg(
            en,
            arg,
            text,
            "不是月份或季度，应写成 2025-03（一个月）或 2025-Q1（一个季度）",
            "is not a month or a quarter; write 2025-03 (a month) or 2025-Q1 (a quarter)",
        )
    })
}

fn count_arg(en: bool, arg: &str, text: &str) -> anyhow::Result<u32> {
    let normal: String = text.trim().chars().map(half_width).collect();
    let digits = grouped_digits(&normal).then(|| normal.replace(',', ""));
    digits.and_then(|d| d.parse().ok()).ok_or_else(|| {
        bad_arg(
            en,
            arg,
            text,
            "不是人数，应写成 120 这样的整数",
            "is not a number of owners; write a whole number like 120",
        )
    })
}

fn seq_arg(en: bool, arg: &str, text: &str) -> anyhow::Result<u64> {
    let normal: String = text.trim().chars().map(half_width).collect();
    let digits = normal.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| normal.parse().ok())
        .flatten()
        .ok_or_else(|| {
            bad_arg(
                en,
                arg,
                text,
                "不是记录序号，应写成 1024 这样的整数（第几条）",
                "is not an entry number; write a whole number like 1024",
            )
        })
}

fn year_arg(en: bool, arg: &str, text: &str) -> anyhow::Result<u16> {
    let normal: String = text.trim().chars().map(half_width).collect();
    let normal = normal.strip_suffix('年').unwrap_or(&normal);
    normal
        .parse::<u16>()
        .ok()
        .filter(|y| normal.len() == 4 && (2000..=9999).contains(y))
        .ok_or_else(|| {
            bad_arg(
                en,
                arg,
                text,
                "不是年份，应写成 2026 这样的四位数",
                "is not a year; write four digits like 2026",
            )
        })
}

// ---------------------------------------------------------------------------------------------
// Fee items and budget lines.

/// Splits the last `k` fields, separated by `:` (or `：`), off `text`: what comes before them
/// (which may hold separators of its own: a fund `project:<name>`, an item and its name) and the
/// `k` fields.
fn split_tail(text: &str, k: usize) -> Option<(&str, Vec<&str>)> {
    let mut rest = text;
    let mut tail = Vec::with_capacity(k);
    for _ in 0..k {
        let (i, c) = rest
            .char_indices()
            .rfind(|(_, c)| matches!(c, ':' | '：'))?;
        tail.push(&rest[i + c.len_utf8()..]);
        rest = &rest[..i];
    }
    tail.reverse();
    Some((rest, tail))
}

/// Splits `text` at its first `:` (or `：`).
fn split_first(text: &str) -> Option<(&str, &str)> {
    let (i, c) = text.char_indices().find(|(_, c)| matches!(c, ':' | '：'))?;
    Some((&text[..i], &text[i + c.len_utf8()..]))
}

/// `item:name:basis:rate`, e.g. `property_fee:物业费:per_m2:0.50` (yuan per ㎡ per month).
fn fee_item_arg(en: bool, arg: &str, text: &str) -> anyhow::Result<FeeItem> {
    let shape = || {
        bad_arg(
            en,
            arg,
            text,
            "应写成 项目:名称:计费方式:费率，如 property_fee:物业费:per_m2:0.50（每平方米每月 0.50 元）或 garbage_fee:垃圾清运费:per_household:10.00（每户每月 10 元）",
            "write item:name:basis:rate, e.g. property_fee:物业费:per_m2:0.50 (0.50 yuan per ㎡ per month) or garbage_fee:垃圾清运费:per_household:10.00",
        )
    };
    let Some((head, last)) = split_tail(text.trim(), 2) else {
        return Err(shape());
    };
    // The name is everything between the item and the basis (it may hold a colon).
    let Some((item_text, name_text)) = split_first(head) else {
        return Err(shape());
    };
    let (basis_text, rate_text) = (last[0], last[1]);
    let item = slug_arg(en, arg, item_text, &FEE_ITEMS).map_err(|_| {
        bad_arg(
            en,
            arg,
            text,
            format!("收费项目 “{item_text}” 应写小写英文名，如 property_fee、garbage_fee"),
            format!("item {item_text:?} must be a lowercase name like property_fee or garbage_fee"),
        )
    })?;
    let name = Label::try_from(name_text.trim()).map_err(|_| {
        bad_arg(
            en,
            arg,
            text,
            format!("名称 “{name_text}” 应写 1 到 200 个字，如 物业费"),
            format!("name {name_text:?} must be 1 to 200 characters, e.g. 物业费"),
        )
    })?;
    let basis = find_choice(basis_text, &FEE_BASES)
        .ok_or_else(|| bad_arg(en, arg, text, FEE_BASES.zh, FEE_BASES.en))?;
    let rate_fen = parse_yuan(rate_text).map_err(|e| {
        bad_arg(
            en,
            arg,
            text,
            format!(
                "费率 “{rate_text}” {}",
                explain_amount(e, Quantity::Yuan, false)
            ),
            format!(
                "rate {rate_text:?} {}",
                explain_amount(e, Quantity::Yuan, true)
            ),
        )
    })?;
    Ok(FeeItem {
        item,
        name,
        basis,
        rate_fen,
    })
}

/// `fund:category:amount`, e.g. `operating:cleaning:114,000.00` or
/// `project:meter-2026:renovation:300000`.
fn budget_line_arg(en: bool, arg: &str, text: &str) -> anyhow::Result<BudgetLine> {
    let Some((fund_text, last)) = split_tail(text.trim(), 2) else {
        return Err(bad_arg(
            en,
            arg,
            text,
            "应写成 资金:类别:金额，如 operating:cleaning:114,000.00",
            "write fund:category:amount, e.g. operating:cleaning:114,000.00",
        ));
    };
    let fund = fund_arg(en, arg, fund_text).map_err(|_| {
        bad_arg(
            en,
            arg,
            text,
            format!("资金 “{fund_text}” 应写 operating、public_revenue、maintenance 或 project:项目名"),
            format!("fund {fund_text:?} must be operating, public_revenue, maintenance or project:<name>"),
        )
    })?;
    let (category_text, amount_text) = (last[0], last[1]);
    let category = slug_arg(en, arg, category_text, &SPENDING_CATEGORIES).map_err(|_| {
        bad_arg(
            en,
            arg,
            text,
            format!("类别 “{category_text}” 应写 保洁、维修 等，或小写英文名如 cleaning"),
            format!("category {category_text:?} must be a lowercase name like cleaning"),
        )
    })?;
    let amount_fen = parse_yuan(amount_text).map_err(|e| {
        bad_arg(
            en,
            arg,
            text,
            format!(
                "金额 “{amount_text}” {}",
                explain_amount(e, Quantity::Yuan, false)
            ),
            format!(
                "amount {amount_text:?} {}",
                explain_amount(e, Quantity::Yuan, true)
            ),
        )
    })?;
    Ok(BudgetLine {
        fund,
        category,
        amount_fen,
    })
}

// ---------------------------------------------------------------------------------------------
// Attachments.

/// Reads a file named on the command line, refusing one that is empty or too large to store.
fn attachment(en: bool, arg: &str, path: &Path) -> anyhow::Result<DraftAttachment> {
    let shown = path.display().to_string();
    let unreadable = |e: std::io::Error| {
        let zh = match e.kind() {
            std::io::ErrorKind::NotFound => "没有这个文件，请核对文件名和所在的文件夹".to_string(),
            std::io::ErrorKind::PermissionDenied => "没有权限读这个文件".to_string(),
            _ => format!("读不到这个文件（{e}）"),
        };
        bad_arg(en, arg, &shown, zh, format!("cannot be read: {e}"))
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    let too_large = || {
        bad_arg(
            en,
            arg,
            &shown,
            format!("文件太大：最多 {} MB", ATTACHMENT_BYTES_MAX / (1024 * 1024)),
            format!(
                "is too large: at most {} MB",
                ATTACHMENT_BYTES_MAX / (1024 * 1024)
            ),
        )
    };
    if size > ATTACHMENT_BYTES_MAX as u64 {
        return Err(too_large());
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    if bytes.len() > ATTACHMENT_BYTES_MAX {
        return Err(too_large());
    }
    if bytes.is_empty() {
        return Err(bad_arg(
            en,
            arg,
            &shown,
            "文件是空的，请附上扫描件或照片",
            "is empty; attach the scan or photo",
        ));
    }
    let Some(media_type) = gongzhang_core::attachment::MediaType::sniff(&bytes) else {
        return Err(bad_arg(
            en,
            arg,
            &shown,
            "不是 PDF、JPEG、PNG 或 WebP 文件（按文件内容判断，不看扩展名）：账本只收这几种；请把发票或收据扫描成 PDF，或拍照存成 JPEG，再附上",
            "is not a PDF, JPEG, PNG or WebP file (judged by its contents, not its name): the ledger keeps only these; scan the invoice or receipt to PDF or photograph it as JPEG",
        ));
    };
    let sha256: Hash = gongzhang_core::hash::sha256(&bytes);
    Ok(DraftAttachment {
        path: path.to_path_buf(),
        media_type,
        bytes,
        sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        Period::try_from(s.to_string()).unwrap()
    }

    #[test]
    fn amount_errors_name_the_argument_and_what_to_write() {
        let zh = |text: &str| yuan_arg(false, "--amount", text).unwrap_err().to_string();
        let en = |text: &str| yuan_arg(true, "--amount", text).unwrap_err().to_string();
        assert_eq!(
            zh("36O.00"),
            "--amount \"36O.00\"：不是金额，应写成 360.00 这样的元数"
        );
        assert_eq!(
            en("36O.00"),
            "--amount \"36O.00\": is not an amount; write yuan like 360.00"
        );
        assert_eq!(zh(""), "--amount \"\"：是空的，应写成 360.00 这样的元数");
        assert_eq!(
            zh("1.005"),
            "--amount \"1.005\"：小数超过两位：最小到分，应写成 360.05 这样的元数"
        );
        assert_eq!(
            zh("-5"),
            "--amount \"-5\"：不能是负数：记错了请用 gongzhang record reverse 撤销原记录，再重新记"
        );
        assert_eq!(
            en("1e99"),
            "--amount \"1e99\": is not an amount; write yuan like 360.00"
        );
        assert_eq!(
            en("100000000000000"),
            "--amount \"100000000000000\": is too large: the ledger carries at most 90071992547409.91 yuan"
        );
    }

    #[test]
    fn areas_are_hundredths_of_a_square_metre_by_integer_arithmetic() {
        assert_eq!(parse_area_m2("85.23"), Ok(8_523));
        assert_eq!(parse_area_m2("85.23㎡"), Ok(8_523));
        assert_eq!(parse_area_m2("85.2 平方米"), Ok(8_520));
        assert_eq!(parse_area_m2("102.5m2"), Ok(10_250));
        assert_eq!(parse_area_m2("120"), Ok(12_000));
        // 0.29 is not exactly representable in binary: a float would give 28.
        assert_eq!(parse_area_m2("0.29"), Ok(29));
        assert_eq!(parse_area_m2("85.235"), Err(AmountError::TooManyDecimals));
        assert_eq!(parse_area_m2("¥85"), Err(AmountError::NotANumber));
        assert_eq!(
            area_arg(false, "--area", "85,23").unwrap_err().to_string(),
            "--area \"85,23\"：不是面积，应写成 85.23 这样的平方米数"
        );
    }

    #[test]
    fn periods_read_ranges_and_lists_in_month_order_each_once() {
        let read = |texts: &[&str]| {
            let texts: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
            periods_arg(false, "--periods", &texts)
        };
        let months = read(&["2025-01..2025-12"]).unwrap();
        assert_eq!(months.len(), 12);
        assert_eq!((months[0], months[11]), (p("2025-01"), p("2025-12")));
        assert_eq!(
            read(&["2025-03,2025-01", "2025-02..2025-03"]).unwrap(),
            vec![p("2025-01"), p("2025-02"), p("2025-03")]
        );
        assert_eq!(
            read(&["2025-11..2026-02"]).unwrap(),
            vec![p("2025-11"), p("2025-12"), p("2026-01"), p("2026-02")]
        );
        assert_eq!(
            read(&["2025-01至2025-02、2025-05"]).unwrap(),
            vec![p("2025-01"), p("2025-02"), p("2025-05")]
        );
        assert_eq!(read(&[]).unwrap(), Vec::<Period>::new());
        assert_eq!(
            read(&["2025-12..2025-01"]).unwrap_err().to_string(),
            "--periods \"2025-12..2025-01\"：2025-12 晚于 2025-01：应先写早的月份，如 2025-01..2025-12"
        );
        assert_eq!(
            read(&["2025-1"]).unwrap_err().to_string(),
            "--periods \"2025-1\"：“2025-1” 不是月份，应写成 2025-01..2025-12（一段月份）或 2025-01,2025-02（几个月）"
        );
        assert_eq!(
            read(&["2020-01..2030-12"]).unwrap_err().to_string(),
            "--periods \"2020-01..2030-12\"：月份太多：一次缴费最多写 120 个月"
        );
        assert!(read(&["2020-01..2029-12"]).is_ok());
    }

    #[test]
    fn words_for_channels_roles_and_matters_in_chinese_and_english() {
        for (text, channel) in [
            ("现金", Channel::Cash),
            ("cash", Channel::Cash),
            ("微信", Channel::WechatPay),
            ("WeChat", Channel::WechatPay),
            ("wechat-pay", Channel::WechatPay),
            ("支付宝", Channel::Alipay),
            ("银行转账", Channel::BankTransfer),
            ("bank", Channel::BankTransfer),
        ] {
            assert_eq!(
                choose(false, "--channel", text, &CHANNELS).unwrap(),
                channel
            );
        }
        assert_eq!(
            choose(false, "--channel", "刷卡", &CHANNELS)
                .unwrap_err()
                .to_string(),
            "--channel \"刷卡\"：不是付款方式，应写 现金、微信、支付宝 或 银行转账"
        );
        assert_eq!(
            choose(true, "--invoice", "ticket", &INVOICE_KINDS)
                .unwrap_err()
                .to_string(),
            "--invoice \"ticket\": is not an invoice kind; write fapiao, receipt or none"
        );
        assert_eq!(
            choose(false, "--role", "出纳", &ROLES).unwrap(),
            Role::Treasurer
        );
        assert_eq!(
            choose(false, "--matter", "使用维修资金", &MATTERS).unwrap(),
            Matter::UseMaintenanceFund
        );
        assert_eq!(
            choose(false, "--outcome", "未通过", &OUTCOMES).unwrap(),
            Outcome::Rejected
        );
    }

    #[test]
    fn names_funds_units_and_keys() {
        assert_eq!(
            unit_arg(false, "--unit", " a-1-101 ").unwrap().as_str(),
            "A-1-101"
        );
        assert_eq!(
            unit_arg(false, "--unit", "3栋2单元401")
                .unwrap_err()
                .to_string(),
            "--unit \"3栋2单元401\"：不是房号，应写成 3-2-401 这样的 楼号-单元-室号"
        );
        assert_eq!(
            fund_arg(false, "--fund", "公共收益").unwrap().as_str(),
            "public_revenue"
        );
        assert_eq!(
            fund_arg(false, "--fund", "project：meter-2026")
                .unwrap()
                .as_str(),
            "project:meter-2026"
        );
        assert!(fund_arg(false, "--fund", "project:Meter").is_err());
        assert_eq!(
            slug_arg(false, "--category", "保洁", &SPENDING_CATEGORIES)
                .unwrap()
                .as_str(),
            "cleaning"
        );
        assert_eq!(
            slug_arg(false, "--category", "Repairs", &SPENDING_CATEGORIES)
                .unwrap()
                .as_str(),
            "repairs"
        );
        assert_eq!(
            slug_arg(false, "--category", "广 告", &INCOME_CATEGORIES)
                .unwrap_err()
                .to_string(),
            "--category \"广 告\"：不是类别，应写 广告、场地出租、利息、停车 之一，或小写英文名如 advertising"
        );
        let signer = gongzhang_core::note::SignerKey::from_seed("zhang-wei", [7; 32]).unwrap();
        let public = signer.author_signer().public_key();
        let by_verifier = key_arg(false, "--key", &signer.verifier().to_string()).unwrap();
        let by_hex = key_arg(false, "--key", &public.to_hex().to_uppercase()).unwrap();
        assert_eq!((by_verifier.0, by_hex.0), (public, public));
        assert!(key_arg(false, "--key", "zhang-wei").is_err());
        assert_eq!(
            label_arg(true, "--payee", " ").unwrap_err().to_string(),
            "--payee \" \": is empty; write something"
        );
        assert_eq!(
            label_arg(false, "--payee", "明亮\n保洁")
                .unwrap_err()
                .to_string(),
            "--payee \"明亮\\n保洁\"：含有换行或控制字符：请写在一行里"
        );
        assert_eq!(
            event_ref_arg(false, "--proposal", "支出 1")
                .unwrap_err()
                .to_string(),
            "--proposal \"支出 1\"：不是记录编号：编号由英文字母、数字和 . _ : - 组成，最多 64 个字符，回执上印着"
        );
    }

    #[test]
    fn fee_items_read_item_name_basis_and_rate() {
        let item = fee_item_arg(false, "--item", "property_fee:物业费:per_m2:0.50").unwrap();
        assert_eq!(
            (
                item.item.as_str(),
                item.name.as_str(),
                item.basis,
                item.rate_fen.get()
            ),
            ("property_fee", "物业费", FeeBasis::PerM2, 50)
        );
        let item = fee_item_arg(false, "--item", "垃圾清运费：垃圾清运费：每户：10").unwrap();
        assert_eq!(
            (item.item.as_str(), item.basis, item.rate_fen.get()),
            ("garbage_fee", FeeBasis::PerHousehold, 1_000)
        );
        // A name may hold a colon of its own.
        let item =
            fee_item_arg(false, "--item", "parking_fee:停车费:地面:per_household:60").unwrap();
        assert_eq!(item.name.as_str(), "停车费:地面");
        assert_eq!(
            fee_item_arg(false, "--item", "property_fee:物业费:0.50")
                .unwrap_err()
                .to_string(),
            "--item \"property_fee:物业费:0.50\"：应写成 项目:名称:计费方式:费率，如 property_fee:物业费:per_m2:0.50（每平方米每月 0.50 元）或 garbage_fee:垃圾清运费:per_household:10.00（每户每月 10 元）"
        );
        assert_eq!(
            fee_item_arg(false, "--item", "property_fee:物业费:per_m2:0.505")
                .unwrap_err()
                .to_string(),
            "--item \"property_fee:物业费:per_m2:0.505\"：费率 “0.505” 小数超过两位：最小到分，应写成 360.05 这样的元数"
        );
        assert_eq!(
            fee_item_arg(true, "--item", "property_fee:物业费:monthly:0.50")
                .unwrap_err()
                .to_string(),
            "--item \"property_fee:物业费:monthly:0.50\": the basis must be per_m2 (per ㎡ per month) or per_household (per household per month)"
        );
        assert!(fee_item_arg(false, "--item", "property fee:物业费:per_m2:0.50").is_err());
        assert!(fee_item_arg(false, "--item", "property_fee::per_m2:0.50").is_err());
    }

    #[test]
    fn budget_lines_read_fund_category_and_amount() {
        let line = budget_line_arg(false, "--line", "operating:cleaning:114,000.00").unwrap();
        assert_eq!(
            (
                line.fund.as_str(),
                line.category.as_str(),
                line.amount_fen.get()
            ),
            ("operating", "cleaning", 11_400_000)
        );
        let line = budget_line_arg(false, "--line", "project:meter-2026:改造:300000").unwrap();
        assert_eq!(
            (line.fund.as_str(), line.category.as_str()),
            ("project:meter-2026", "renovation")
        );
        assert_eq!(
            budget_line_arg(false, "--line", "operating:cleaning:-5")
                .unwrap_err()
                .to_string(),
            "--line \"operating:cleaning:-5\"：金额 “-5” 不能是负数：记错了请用 gongzhang record reverse 撤销原记录，再重新记"
        );
        assert!(budget_line_arg(false, "--line", "cleaning:100").is_err());
    }

    #[test]
    fn counts_seqs_and_years() {
        assert_eq!(count_arg(false, "--total-owners", "1,200").unwrap(), 1_200);
        assert!(count_arg(false, "--total-owners", "-1").is_err());
        assert!(count_arg(false, "--total-owners", "12.5").is_err());
        assert!(count_arg(false, "--total-owners", "4294967296").is_err());
        assert_eq!(seq_arg(false, "--through", "15").unwrap(), 15);
        assert!(seq_arg(false, "--through", "+15").is_err());
        assert_eq!(year_arg(false, "--year", "2026年").unwrap(), 2026);
        assert_eq!(
            year_arg(false, "--year", "26").unwrap_err().to_string(),
            "--year \"26\"：不是年份，应写成 2026 这样的四位数"
        );
    }
}
