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
use gongzhang_compose::choices::{CHANNELS, INVOICE_KINDS, MATTERS, OUTCOMES, ROLES};
use gongzhang_compose::file::{self as compose_file, Attached, FileError};
use gongzhang_compose::names::{self, Category};
use gongzhang_compose::{ComposeError, ValueError, amount, intent, lines, periods};
use gongzhang_core::ledger::events::{
    AuditAttested, BudgetAdopted, ExpenseApproved, ExpenseProposed, FeeScheduleAdopted,
    FundsTransferred, GrantReceived, HashHex, HouseholdCorrected, HouseholdRegistered,
    IncomeReceived, KeyRevoked, LedgerEvent, PaymentReceived, Reversal, RoleGranted, VoteTotals,
};
use gongzhang_core::ledger::rules::Violation;
use gongzhang_core::ledger::types::Fen;
use gongzhang_core::messages::{Explain as _, Lang};
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

impl DraftAttachment {
    /// What the event says of the file.
    fn attached(&self) -> Attached {
        Attached {
            media_type: self.media_type,
            sha256: self.sha256,
        }
    }
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
                unit: read(en, "--unit", unit, names::unit)?,
                amount_fen: yuan_arg(en, "--amount", amount)?,
                channel: read(en, "--channel", channel, |t| CHANNELS.read(t))?,
                periods: periods::months(periods).map_err(|e| value_error(en, "--periods", &e))?,
            }),
            RecordKind::Income {
                fund,
                category,
                payer,
                amount,
                channel,
            } => E::IncomeReceived(IncomeReceived {
                fund: read(en, "--fund", fund, names::fund)?,
                category: read(en, "--category", category, |t| {
                    names::category(Category::Income, t)
                })?,
                payer: read(en, "--payer", payer, names::label)?,
                amount_fen: yuan_arg(en, "--amount", amount)?,
                channel: read(en, "--channel", channel, |t| CHANNELS.read(t))?,
            }),
            RecordKind::Grant {
                fund,
                grantor,
                purpose,
                amount,
            } => intent::grant(GrantReceived {
                fund: read(en, "--fund", fund, names::fund)?,
                grantor: read(en, "--grantor", grantor, names::label)?,
                purpose: read(en, "--purpose", purpose, names::label)?,
                amount_fen: yuan_arg(en, "--amount", amount)?,
            })
            .map_err(|e| refused(en, "--fund", fund, &e))?,
            RecordKind::Expense {
                payee,
                category,
                fund,
                amount,
                description,
                project,
                decision,
            } => intent::expense(ExpenseProposed {
                payee: read(en, "--payee", payee, names::label)?,
                category: read(en, "--category", category, |t| {
                    names::category(Category::Spending, t)
                })?,
                fund: read(en, "--fund", fund, names::fund)?,
                amount_fen: yuan_arg(en, "--amount", amount)?,
                description: read(en, "--description", description, names::label)?,
                project: optional(en, "--project", project, names::name)?,
                decision: optional(en, "--decision", decision, names::event_ref)?,
            })
            .map_err(|e| match project {
                Some(text) if e != ComposeError::MaintenanceWithoutDecision => {
                    refused(en, "--project", text, &e)
                }
                _ => refused_missing(en, "--decision", &e),
            })?,
            RecordKind::Approve { proposal } => E::ExpenseApproved(ExpenseApproved {
                proposal: read(en, "--proposal", proposal, names::event_ref)?,
            }),
            RecordKind::Pay {
                proposal,
                channel,
                invoice,
                number,
                invoice_file,
            } => {
                return pay(
                    en,
                    proposal,
                    channel,
                    invoice,
                    number,
                    invoice_file.as_deref(),
                );
            }
            RecordKind::Transfer {
                from,
                to,
                amount,
                decision,
            } => intent::transfer(FundsTransferred {
                from_fund: read(en, "--from", from, names::fund)?,
                to_fund: read(en, "--to", to, names::fund)?,
                amount_fen: yuan_arg(en, "--amount", amount)?,
                decision: read(en, "--decision", decision, names::event_ref)?,
            })
            .map_err(|e| refused(en, "--to", to, &e))?,
            RecordKind::Household { unit, area } => E::HouseholdRegistered(HouseholdRegistered {
                unit: read(en, "--unit", unit, names::unit)?,
                area_centi_m2: read(en, "--area", area, amount::area)?,
            }),
            RecordKind::CorrectHousehold { unit, area, reason } => {
                E::HouseholdCorrected(HouseholdCorrected {
                    unit: read(en, "--unit", unit, names::unit)?,
                    area_centi_m2: read(en, "--area", area, amount::area)?,
                    reason: read(en, "--reason", reason, names::label)?,
                })
            }
            RecordKind::FeeSchedule {
                items,
                from,
                decision,
            } => intent::fee_schedule(FeeScheduleAdopted {
                items: each(en, "--item", items, lines::fee_item)?,
                from_period: read(en, "--from", from, periods::month)?,
                decision: read(en, "--decision", decision, names::event_ref)?,
            })
            .map_err(|e| match &e {
                ComposeError::DuplicateFeeItem { index, .. } => {
                    refused(en, "--item", &items[*index], &e)
                }
                _ => refused_missing(en, "--item", &e),
            })?,
            RecordKind::Charges { period } => {
                let month = read(en, "--period", period, periods::month)?;
                intent::charges(&ledger()?, month)
                    .map_err(|e| refused(en, "--period", period, &e))?
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
                let matter = read(en, "--matter", matter, |t| MATTERS.read(t))?;
                let title = read(en, "--title", title, names::label)?;
                let total_area_centi_m2 = match total_area {
                    Some(text) => read(en, "--total-area", text, amount::area)?,
                    None => intent::registered_area(&ledger()?)
                        .map_err(|e| refused_missing(en, "--total-area", &e))?,
                };
                let totals = VoteTotals {
                    total_area_centi_m2,
                    total_owners: read(en, "--total-owners", total_owners, amount::count)?,
                    participating_area_centi_m2: read(
                        en,
                        "--participating-area",
                        participating_area,
                        amount::area,
                    )?,
                    participating_owners: read(
                        en,
                        "--participating-owners",
                        participating_owners,
                        amount::count,
                    )?,
                    yes_area_centi_m2: read(en, "--yes-area", yes_area, amount::area)?,
                    yes_owners: read(en, "--yes-owners", yes_owners, amount::count)?,
                };
                let announced = optional(en, "--outcome", outcome, |t| OUTCOMES.read(t))?;
                let document = attachment(en, "--minutes", minutes)?;
                let event = intent::owners_decision(intent::OwnersVote {
                    matter,
                    title,
                    totals,
                    announced,
                    minutes: document.attached(),
                })
                .map_err(|e| match (&e, outcome) {
                    (ComposeError::VoteTotals(violation), _) => {
                        refused_missing(en, totals_args(violation), &e)
                    }
                    (_, Some(text)) => refused(en, "--outcome", text, &e),
                    (_, None) => refused_missing(en, "--outcome", &e),
                })?;
                return Ok(Draft::new(event, vec![document]));
            }
            RecordKind::Reverse { event, reason } => E::Reversal(Reversal {
                reverses: read(en, "--event", event, names::event_ref)?,
                reason: read(en, "--reason", reason, names::label)?,
            }),
            RecordKind::Demand { unit, letter } => {
                let unit_id = read(en, "--unit", unit, names::unit)?;
                let state = ledger()?;
                let document = attachment(en, "--letter", letter)?;
                let event = intent::payment_demand(&state, unit_id, &document.attached())
                    .map_err(|e| refused(en, "--unit", unit, &e))?;
                return Ok(Draft::new(event, vec![document]));
            }
            RecordKind::Close { period } => {
                let range = read(en, "--period", period, periods::close_range)?;
                intent::period_close(&ledger()?, range)
                    .map_err(|e| refused(en, "--period", period, &e))?
            }
            RecordKind::GrantRole { role, key } => E::RoleGranted(RoleGranted {
                role: read(en, "--role", role, |t| ROLES.read(t))?,
                key: read(en, "--public-key", key, names::key)?,
            }),
            RecordKind::RevokeKey { key, reason } => E::KeyRevoked(KeyRevoked {
                key: read(en, "--public-key", key, names::key)?,
                reason: read(en, "--reason", reason, names::label)?,
            }),
            RecordKind::Audit {
                through,
                findings,
                opinion,
            } => {
                let opinion = read(en, "--opinion", opinion, names::label)?;
                let through_seq = match through {
                    Some(text) => read(en, "--through", text, amount::entry_number)?,
                    None => intent::latest_entry(&ledger()?)
                        .map_err(|e| refused_missing(en, "--through", &e))?,
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
            } => intent::budget(BudgetAdopted {
                lines: each(en, "--line", lines, lines::budget_line)?,
                year: read(en, "--year", year, amount::year)?,
                decision: read(en, "--decision", decision, names::event_ref)?,
            })
            .map_err(|e| match &e {
                ComposeError::DuplicateBudgetLine { index, .. } => {
                    refused(en, "--line", &lines[*index], &e)
                }
                _ => refused_missing(en, "--line", &e),
            })?,
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
        let month = read(en, "--period", period, periods::month)?;
        let events = intent::all_charges(&ledger()?, month)
            .map_err(|e| refused(en, "--period", period, &e))?;
        Ok(events
            .into_iter()
            .map(|event| Draft::new(event, Vec::new()))
            .collect())
    }
}

// ---------------------------------------------------------------------------------------------
// Builders that need more than one argument or the ledger.

/// `record pay`: the proposal paid, with its invoice and the scan to upload.
fn pay(
    en: bool,
    proposal: &str,
    channel: &str,
    invoice: &str,
    number: &Option<String>,
    file: Option<&Path>,
) -> anyhow::Result<Draft> {
    let proposal = read(en, "--proposal", proposal, names::event_ref)?;
    let channel = read(en, "--channel", channel, |t| CHANNELS.read(t))?;
    let kind = read(en, "--invoice", invoice, |t| INVOICE_KINDS.read(t))?;
    let number_label = optional(en, "--number", number, names::label)?;
    let refused_invoice = |e: ComposeError| match &e {
        ComposeError::NumberWithoutInvoice { number } => {
            refused(en, "--number", number.as_str(), &e)
        }
        ComposeError::FileWithoutInvoice => {
            let shown = file.map(|p| p.display().to_string()).unwrap_or_default();
            refused(en, "--invoice-file", &shown, &e)
        }
        ComposeError::InvoiceFileMissing { .. } => {
            let problem = of_invoice(en, invoice, &e);
            missing_arg(en, "--invoice-file", &problem, &problem)
        }
        _ => {
            let problem = of_invoice(en, invoice, &e);
            missing_arg(en, "--number", &problem, &problem)
        }
    };
    // What the document needs is said before its file is read.
    intent::check_invoice(kind, number_label.as_ref(), file.is_some()).map_err(refused_invoice)?;
    let scan = file
        .map(|path| attachment(en, "--invoice-file", path))
        .transpose()?;
    let event = intent::expense_paid(intent::ExpensePayment {
        proposal,
        channel,
        invoice: kind,
        number: number_label,
        file: scan.as_ref().map(DraftAttachment::attached),
    })
    .map_err(refused_invoice)?;
    Ok(Draft::new(event, scan.into_iter().collect()))
}

/// What a fapiao or a receipt needs, said of the kind as written: `--invoice 发票 要写票据号码`.
fn of_invoice(en: bool, kind_text: &str, e: &ComposeError) -> String {
    format!("--invoice {kind_text} {}", e.explain(lang(en)))
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

/// An intent the other arguments or the books refuse, said of `arg`:
/// `--unit "9-9-999"：没有登记这个房号，请核对`.
fn refused(en: bool, arg: &str, value: &str, e: &ComposeError) -> anyhow::Error {
    let problem = e.explain(lang(en));
    bad_arg(en, arg, value, &problem, &problem)
}

/// An intent refused for want of `arg`: `--decision：动用维修资金要有业主共同决定……`.
fn refused_missing(en: bool, arg: &str, e: &ComposeError) -> anyhow::Error {
    let problem = e.explain(lang(en));
    missing_arg(en, arg, &problem, &problem)
}

// ---------------------------------------------------------------------------------------------
// Amounts and areas.

/// Reads the amount in yuan given as `arg`; the error names the argument and says what to write
/// instead, in Chinese (or English with `en`).
pub fn yuan_arg(en: bool, arg: &str, text: &str) -> anyhow::Result<Fen> {
    read(en, arg, text, amount::yuan)
}

/// Reads `text`, given as `arg`, with `parse`; the error names the argument and says what to write
/// instead, in Chinese (or English with `en`).
fn read<T>(
    en: bool,
    arg: &str,
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, ValueError>,
) -> anyhow::Result<T> {
    parse(text).map_err(|e| value_error(en, arg, &e))
}

/// An optional argument, read with `parse` when given.
fn optional<T>(
    en: bool,
    arg: &str,
    text: &Option<String>,
    parse: impl FnOnce(&str) -> Result<T, ValueError>,
) -> anyhow::Result<Option<T>> {
    text.as_deref()
        .map(|text| read(en, arg, text, parse))
        .transpose()
}

/// A repeated argument, each one read with `parse`.
fn each<T>(
    en: bool,
    arg: &str,
    texts: &[String],
    parse: impl Fn(&str) -> Result<T, ValueError>,
) -> anyhow::Result<Vec<T>> {
    texts
        .iter()
        .map(|text| read(en, arg, text, &parse))
        .collect()
}

/// `--amount "36O.00"：不是金额，应写成 360.00 这样的元数`.
fn value_error(en: bool, arg: &str, e: &ValueError) -> anyhow::Error {
    let problem = e.explain(lang(en));
    bad_arg(en, arg, &e.text, &problem, &problem)
}

fn lang(en: bool) -> Lang {
    if en { Lang::En } else { Lang::Zh }
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
    let refused = |e: FileError| {
        let problem = e.explain(lang(en));
        bad_arg(en, arg, &shown, &problem, &problem)
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    compose_file::check_size(size).map_err(refused)?;
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let file = Attached::from_bytes(&bytes).map_err(refused)?;
    Ok(DraftAttachment {
        path: path.to_path_buf(),
        media_type: file.media_type,
        bytes,
        sha256: file.sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            read(false, "--area", "85,23", amount::area)
                .unwrap_err()
                .to_string(),
            "--area \"85,23\"：不是面积，应写成 85.23 这样的平方米数"
        );
    }

    #[test]
    fn month_list_errors_name_the_text_that_is_wrong() {
        let read = |texts: &[&str]| {
            periods::months(texts)
                .map_err(|e| value_error(false, "--periods", &e))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            read(&["2025-01", "2025-12..2025-01"]),
            "--periods \"2025-12..2025-01\"：2025-12 晚于 2025-01：应先写早的月份，如 2025-01..2025-12"
        );
        assert_eq!(
            read(&["2025-1"]),
            "--periods \"2025-1\"：“2025-1” 不是月份，应写成 2025-01..2025-12（一段月份）或 2025-01,2025-02（几个月）"
        );
        assert_eq!(
            read(&["2020-01..2030-12"]),
            "--periods \"2020-01..2030-12\"：月份太多：一次缴费最多写 120 个月"
        );
    }

    #[test]
    fn word_and_name_errors_say_what_may_be_written() {
        let zh = |arg: &str, text: &str, parse: fn(&str) -> Result<(), ValueError>| {
            read(false, arg, text, parse).unwrap_err().to_string()
        };
        assert_eq!(
            zh("--channel", "刷卡", |t| CHANNELS.read(t).map(drop)),
            "--channel \"刷卡\"：不是付款方式，应写 现金、微信、支付宝 或 银行转账"
        );
        assert_eq!(
            read(true, "--invoice", "ticket", |t| INVOICE_KINDS.read(t))
                .unwrap_err()
                .to_string(),
            "--invoice \"ticket\": is not an invoice kind; write fapiao, receipt or none"
        );
        assert_eq!(
            zh("--unit", "3栋2单元401", |t| names::unit(t).map(drop)),
            "--unit \"3栋2单元401\"：不是房号，应写成 3-2-401 这样的 楼号-单元-室号"
        );
        assert_eq!(
            zh("--category", "广 告", |t| names::category(
                Category::Income,
                t
            )
            .map(drop)),
            "--category \"广 告\"：不是类别，应写 广告、场地出租、利息、停车 之一，或小写英文名如 advertising"
        );
        assert_eq!(
            read(true, "--payee", " ", names::label)
                .unwrap_err()
                .to_string(),
            "--payee \" \": is empty; write something"
        );
        assert_eq!(
            zh("--payee", "明亮\n保洁", |t| names::label(t).map(drop)),
            "--payee \"明亮\\n保洁\"：含有换行或控制字符：请写在一行里"
        );
        assert_eq!(
            zh("--proposal", "支出 1", |t| names::event_ref(t).map(drop)),
            "--proposal \"支出 1\"：不是记录编号：编号由英文字母、数字和 . _ : - 组成，最多 64 个字符，回执上印着"
        );
        assert_eq!(
            zh("--year", "26", |t| amount::year(t).map(drop)),
            "--year \"26\"：不是年份，应写成 2026 这样的四位数"
        );
    }

    #[test]
    fn fee_item_and_budget_line_errors_name_the_field() {
        let zh = |arg: &str, text: &str| match arg {
            "--item" => read(false, arg, text, lines::fee_item).map(drop),
            _ => read(false, arg, text, lines::budget_line).map(drop),
        };
        assert_eq!(
            zh("--item", "property_fee:物业费:0.50")
                .unwrap_err()
                .to_string(),
            "--item \"property_fee:物业费:0.50\"：应写成 项目:名称:计费方式:费率，如 property_fee:物业费:per_m2:0.50（每平方米每月 0.50 元）或 garbage_fee:垃圾清运费:per_household:10.00（每户每月 10 元）"
        );
        assert_eq!(
            zh("--item", "property_fee:物业费:per_m2:0.505")
                .unwrap_err()
                .to_string(),
            "--item \"property_fee:物业费:per_m2:0.505\"：费率 “0.505” 小数超过两位：最小到分，应写成 360.05 这样的元数"
        );
        assert_eq!(
            read(
                true,
                "--item",
                "property_fee:物业费:monthly:0.50",
                lines::fee_item
            )
            .unwrap_err()
            .to_string(),
            "--item \"property_fee:物业费:monthly:0.50\": the basis must be per_m2 (per ㎡ per month) or per_household (per household per month)"
        );
        assert_eq!(
            zh("--line", "operating:cleaning:-5")
                .unwrap_err()
                .to_string(),
            "--line \"operating:cleaning:-5\"：金额 “-5” 不能是负数：记错了请用 gongzhang record reverse 撤销原记录，再重新记"
        );
    }
}
