//! The report: what was checked and what the ledger says, for a resident (zh-CN by default,
//! English with `--lang en`) or for a machine (`--json`, schema in
//! `schemas/verify-report.schema.json`).

use gongzhang_core::entry::{Entry, RecordedAt};
use gongzhang_core::ledger::events::{ArrearsSummary, CategoryAmount, LedgerEvent};
use gongzhang_core::ledger::types::{Fen, Label, PeriodRange, Unit};
use gongzhang_core::merkle::TreeHead;
use gongzhang_text::names::type_name;
use serde::Serialize;
use std::fmt::Write as _;

/// The JSON report's format name.
pub const REPORT_FORMAT: &str = "gongzhang-verify/v1";

use gongzhang_text::Lang;

/// What verification concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// Every check passed.
    Verified,
    /// The log is malformed, broken or does not match the checkpoint.
    LogRejected,
    /// An entry breaks a ledger rule.
    RuleBroken,
    /// The checkpoint is not signed by the log key, is for another ledger, or lacks witnesses.
    CheckpointRejected,
    /// The log is not an extension of a checkpoint signed before: history was rewritten.
    HistoryRewritten,
    /// A receipt does not prove its entry is in this log.
    ReceiptRejected,
    /// A published statement differs from the one recomputed from the log.
    StatementMismatch,
    /// An attachment's content does not have the hash its name says.
    AttachmentMismatch,
    /// A file of the export bundle differs from its manifest.
    ManifestMismatch,
}

/// The first failure.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// Stable snake_case code of the cause (the error variant).
    pub code: String,
    /// The failing entry's sequence number, when there is one.
    pub seq: Option<u64>,
    /// What is wrong, in the report's language.
    pub message: String,
    /// What it means for the resident, in the report's language.
    pub meaning: String,
    /// The failing entry, when it could be read.
    pub entry: Option<EntryInfo>,
}

/// An entry described for people.
#[derive(Debug, Clone, Serialize)]
pub struct EntryInfo {
    pub seq: u64,
    /// UTC, as in the log.
    pub recorded_at: String,
    /// Beijing time, `YYYY-MM-DD HH:MM`.
    pub recorded_at_beijing: String,
    pub event_type: String,
    pub event_id: String,
    /// In words, in the report's language.
    pub summary: String,
}

/// A tree head.
#[derive(Debug, Clone, Serialize)]
pub struct HeadInfo {
    pub size: u64,
    pub root: String,
    pub fingerprint: String,
}

impl From<TreeHead> for HeadInfo {
    fn from(head: TreeHead) -> HeadInfo {
        HeadInfo {
            size: head.size,
            root: head.root.to_string(),
            fingerprint: head.fingerprint(),
        }
    }
}

/// A witness cosignature that verified.
#[derive(Debug, Clone, Serialize)]
pub struct WitnessInfo {
    pub name: String,
    /// Seconds since 1970 UTC.
    pub timestamp: u64,
}

/// A fund's balance.
#[derive(Debug, Clone, Serialize)]
pub struct FundInfo {
    pub fund: String,
    pub name: String,
    pub balance_fen: Fen,
}

/// What the verified ledger says.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerInfo {
    pub origin: String,
    pub community: String,
    pub entries: u64,
    pub genesis_hash: String,
    pub first_recorded_at: String,
    pub last_recorded_at: String,
    /// First and last month accounted for, `YYYY-MM`.
    pub first_period: Option<String>,
    pub last_period: Option<String>,
    pub last_closed: Option<String>,
    pub households: usize,
    pub funds: Vec<FundInfo>,
    /// Over the whole ledger, by fund and category.
    pub income: Vec<CategoryAmount>,
    pub spending: Vec<CategoryAmount>,
    /// As at the end of the last month accounted for.
    pub arrears: ArrearsSummary,
}

/// A receipt checked.
#[derive(Debug, Clone, Serialize)]
pub struct ReceiptInfo {
    pub file: String,
    pub seq: u64,
    pub checkpoint_size: u64,
    pub entry: Option<EntryInfo>,
}

/// A published statement checked.
#[derive(Debug, Clone, Serialize)]
pub struct StatementInfo {
    pub file: String,
    pub period: String,
}

/// The attachments checked.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AttachmentInfo {
    /// Attachment hashes the log refers to.
    pub referenced: usize,
    /// Of those, files present whose content has the hash.
    pub present: usize,
    /// Referenced but not in the directory.
    pub missing: usize,
    /// Files in the directory the log does not refer to, or not named by a hash.
    pub unreferenced: usize,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub report: &'static str,
    pub verified: bool,
    pub outcome: OutcomeKind,
    pub failure: Option<Failure>,
    /// Codes of the checks that were run to completion.
    pub checks: Vec<&'static str>,
    pub ledger: Option<LedgerInfo>,
    pub checkpoint: Option<HeadInfo>,
    pub witnesses: Vec<WitnessInfo>,
    pub older_checkpoint: Option<HeadInfo>,
    pub receipts: Vec<ReceiptInfo>,
    pub statements: Vec<StatementInfo>,
    pub attachments: Option<AttachmentInfo>,
    /// Files of the export bundle checked against its manifest.
    pub manifest_files: Option<usize>,
}

impl Report {
    /// A report with nothing checked yet.
    pub fn new() -> Report {
        Report {
            report: REPORT_FORMAT,
            verified: false,
            outcome: OutcomeKind::Verified,
            failure: None,
            checks: Vec::new(),
            ledger: None,
            checkpoint: None,
            witnesses: Vec::new(),
            older_checkpoint: None,
            receipts: Vec::new(),
            statements: Vec::new(),
            attachments: None,
            manifest_files: None,
        }
    }

    /// Records the first failure; the report is then final.
    pub fn fail(mut self, outcome: OutcomeKind, failure: Failure) -> Report {
        self.verified = false;
        self.outcome = outcome;
        self.failure = Some(failure);
        self
    }
}

/// The report as one line of JSON.
pub fn to_json(report: &Report) -> String {
    // INVARIANT: the report holds only strings, integers, booleans, lists and maps.
    serde_json::to_string(report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

use gongzhang_text::format::beijing;

fn beijing_unix(seconds: u64) -> String {
    i64::try_from(seconds)
        .ok()
        .and_then(|s| s.checked_mul(1000))
        .and_then(RecordedAt::from_unix_ms)
        .map_or_else(|| seconds.to_string(), beijing)
}

/// Describes an entry in words: its type, and the unit, amount, payee or period it names.
///
/// An entry whose body is no ledger event (the report may describe an entry that broke a rule)
/// is named by its type alone.
pub fn describe(entry: &Entry, lang: Lang) -> EntryInfo {
    let kind = entry.event().kind();
    let mut parts = vec![type_name(kind, lang)];
    if let Ok(event) = LedgerEvent::from_event(entry.event()) {
        Named::of(&event).push_words(&mut parts, lang);
    }
    let summary = match lang {
        Lang::Zh => parts.join("，"),
        Lang::En => parts.join(", "),
    };
    EntryInfo {
        seq: entry.seq(),
        recorded_at: entry.recorded_at().to_string(),
        recorded_at_beijing: beijing(entry.recorded_at()),
        event_type: kind.to_string(),
        event_id: entry.event().id().to_string(),
        summary,
    }
}

/// What an event names that a resident recognises an entry by, in the order the summary gives
/// them.
#[derive(Default)]
struct Named<'a> {
    unit: Option<&'a Unit>,
    amount: Option<Fen>,
    /// The payee, or what the money is for.
    text: Option<&'a Label>,
    period: Option<PeriodRange>,
}

impl<'a> Named<'a> {
    /// What `event` names. The match names every kind, so that a new kind is described here
    /// when it is added.
    fn of(event: &'a LedgerEvent) -> Named<'a> {
        use LedgerEvent as E;
        let none = Named::default();
        match event {
            E::HouseholdRegistered(h) => Named {
                unit: Some(&h.unit),
                ..none
            },
            E::HouseholdCorrected(h) => Named {
                unit: Some(&h.unit),
                ..none
            },
            E::PaymentReceived(p) => Named {
                unit: Some(&p.unit),
                amount: Some(p.amount_fen),
                ..none
            },
            E::PaymentDemandIssued(d) => Named {
                unit: Some(&d.unit),
                amount: Some(d.amount_fen),
                ..none
            },
            E::IncomeReceived(i) => Named {
                amount: Some(i.amount_fen),
                ..none
            },
            E::GrantReceived(g) => Named {
                amount: Some(g.amount_fen),
                text: Some(&g.purpose),
                ..none
            },
            E::ExpenseProposed(p) => Named {
                amount: Some(p.amount_fen),
                text: Some(&p.payee),
                ..none
            },
            E::FundsTransferred(t) => Named {
                amount: Some(t.amount_fen),
                ..none
            },
            E::PeriodClosed(c) => Named {
                period: Some(c.statement.period),
                ..none
            },
            E::LedgerOpened(_)
            | E::RoleGranted(_)
            | E::KeyRevoked(_)
            | E::FeeScheduleAdopted(_)
            | E::ChargesAssessed(_)
            | E::ExpenseApproved(_)
            | E::ExpensePaid(_)
            | E::OwnersDecision(_)
            | E::Reversal(_)
            | E::AuditAttested(_)
            | E::BudgetAdopted(_) => none,
        }
    }

    /// Adds the words for what is named to `parts`.
    fn push_words(self, parts: &mut Vec<String>, lang: Lang) {
        if let Some(unit) = self.unit {
            parts.push(format!("{}{unit}", lang.pick("房屋 ", "unit ")));
        }
        if let Some(amount) = self.amount {
            parts.push(format!("{amount} {}", lang.pick("元", "yuan")));
        }
        if let Some(text) = self.text {
            parts.push(text.to_string());
        }
        if let Some(period) = self.period {
            parts.push(format!("{} — {}", period.from, period.to));
        }
    }
}

/// A fund's name for people (one naming with the rest of the program: core's).
pub fn fund_name(fund: &str, lang: Lang) -> String {
    gongzhang_text::names::fund_name(fund, lang)
}

/// A category's name for people.
pub fn category_name(slug: &str, lang: Lang) -> String {
    gongzhang_text::names::category_name(slug, lang)
}

/// The name of a check, for the "what was checked" list.
fn check_name(code: &str, lang: Lang) -> &'static str {
    match (code, lang) {
        ("format", Lang::Zh) => "每行都是规范格式的条目",
        ("format", Lang::En) => "every line is a canonical entry",
        ("chain", Lang::Zh) => "序号连续、哈希链完整、时间不倒退",
        ("chain", Lang::En) => "sequence dense, hash chain intact, time never goes back",
        ("signatures", Lang::Zh) => "每个签名都有效",
        ("signatures", Lang::En) => "every signature is valid",
        ("ledger_rules", Lang::Zh) => {
            "每笔记录都符合账本规则（授权与审批、不透支、明码标价、结账报表与日志一致）"
        }
        ("ledger_rules", Lang::En) => {
            "every entry keeps the ledger's rules (authorisation and approvals, no overdraft, posted fees, closes equal to the log)"
        }
        ("checkpoint", Lang::Zh) => "默克尔根与日志公钥签名的检查点一致",
        ("checkpoint", Lang::En) => "the Merkle root equals the checkpoint signed by the log key",
        ("log_key", Lang::Zh) => "检查点的签名密钥就是创世条目里登记的日志公钥",
        ("log_key", Lang::En) => "the checkpoint's key is the log key the genesis entry names",
        ("genesis_hash", Lang::Zh) => "创世条目与公告栏上的哈希一致",
        ("genesis_hash", Lang::En) => "the genesis entry has the hash on the notice board",
        ("older_checkpoint", Lang::Zh) => "日志是你以前保存的检查点的延续（只增加、没有改写）",
        ("older_checkpoint", Lang::En) => {
            "the log extends the checkpoint you saved before (it only grew)"
        }
        ("witnesses", Lang::Zh) => "见证人联署有效",
        ("witnesses", Lang::En) => "witness cosignatures are valid",
        ("receipts", Lang::Zh) => "你的收据证明的条目就在这份日志里",
        ("receipts", Lang::En) => "the entries your receipts prove are in this log",
        ("statements", Lang::Zh) => "公示的报表与从日志重新计算的一致",
        ("statements", Lang::En) => "the published statements equal those recomputed from the log",
        ("attachments", Lang::Zh) => "附件（发票扫描件等）的内容与日志记录的哈希一致",
        ("attachments", Lang::En) => {
            "attachments (scanned invoices etc.) have the hashes the log records"
        }
        ("manifest", Lang::Zh) => "导出包里的文件与清单（SHA256SUMS）一致",
        ("manifest", Lang::En) => "the bundle's files match its manifest (SHA256SUMS)",
        _ => "",
    }
}

fn line(out: &mut String, text: impl AsRef<str>) {
    let _ = writeln!(out, "{}", text.as_ref());
}

/// A line `  label value`.
fn labelled(out: &mut String, label: &str, value: impl std::fmt::Display) {
    let _ = writeln!(out, "  {label} {value}");
}

/// Renders the report for people.
pub fn render(report: &Report, lang: Lang) -> String {
    let mut out = String::new();
    line(&mut out, headline(report, lang));
    if let Some(failure) = &report.failure {
        render_failure(&mut out, failure, lang);
    }
    if let Some(ledger) = &report.ledger {
        render_ledger(&mut out, report, ledger, lang);
    }
    render_checks(&mut out, &report.checks, lang);
    out
}

/// The first line: verified, or how verification failed.
fn headline(report: &Report, lang: Lang) -> &'static str {
    if report.verified {
        return lang.pick(
            "✔ 核对通过：账本完整，未被改动。",
            "✔ Verified: the ledger is whole and unaltered.",
        );
    }
    match report.outcome {
        OutcomeKind::RuleBroken => lang.pick(
            "✘ 核对失败：有一笔记录违反了账本规则。",
            "✘ Verification failed: an entry breaks the ledger's rules.",
        ),
        OutcomeKind::HistoryRewritten => lang.pick(
            "✘ 核对失败：账本的历史被改写过。",
            "✘ Verification failed: the ledger's history was rewritten.",
        ),
        OutcomeKind::CheckpointRejected => lang.pick(
            "✘ 核对失败：检查点不是由这个账本的日志密钥签名的，或格式有误。",
            "✘ Verification failed: the checkpoint is not signed by this ledger's log key, or is malformed.",
        ),
        OutcomeKind::ReceiptRejected => lang.pick(
            "✘ 核对失败：你的收据与这份日志对不上。",
            "✘ Verification failed: your receipt does not match this log.",
        ),
        OutcomeKind::StatementMismatch => lang.pick(
            "✘ 核对失败：公示的报表与日志算出的不一致。",
            "✘ Verification failed: a published statement differs from the log.",
        ),
        OutcomeKind::AttachmentMismatch => lang.pick(
            "✘ 核对失败：有附件被改动过。",
            "✘ Verification failed: an attachment was altered.",
        ),
        OutcomeKind::ManifestMismatch => lang.pick(
            "✘ 核对失败：导出包里的文件与清单不符。",
            "✘ Verification failed: a file of the bundle does not match its manifest.",
        ),
        OutcomeKind::LogRejected | OutcomeKind::Verified => lang.pick(
            "✘ 核对失败：日志与检查点不符，或日志被改动过。",
            "✘ Verification failed: the log does not match the checkpoint, or was altered.",
        ),
    }
}

/// The first problem, the entry it is at and what it means.
fn render_failure(out: &mut String, failure: &Failure, lang: Lang) {
    labelled(
        out,
        lang.pick("第一个问题：", "first problem:"),
        &failure.message,
    );
    if let Some(entry) = &failure.entry {
        line(
            out,
            format!(
                "  {} {}（{} {}）：{}",
                lang.pick("出问题的条目：第", "the entry: no."),
                entry.seq,
                entry.recorded_at_beijing,
                lang.pick("北京时间", "Beijing time"),
                entry.summary
            ),
        );
    }
    if !failure.meaning.is_empty() {
        labelled(
            out,
            lang.pick("这意味着：", "what it means:"),
            &failure.meaning,
        );
    }
}

/// The list of checks run to completion.
fn render_checks(out: &mut String, checks: &[&'static str], lang: Lang) {
    if checks.is_empty() {
        return;
    }
    line(
        out,
        format!("  {}", lang.pick("已核对并通过：", "checked and passed:")),
    );
    for code in checks {
        line(out, format!("    · {}", check_name(code, lang)));
    }
}

/// What the verified ledger says, then the proofs checked against it.
fn render_ledger(out: &mut String, report: &Report, ledger: &LedgerInfo, lang: Lang) {
    render_identity(out, ledger, lang);
    render_heads(out, report, lang);
    render_money(out, ledger, lang);
    render_evidence(out, report, lang);
}

/// Which ledger it is: its community, size, time span, months and genesis hash.
fn render_identity(out: &mut String, ledger: &LedgerInfo, lang: Lang) {
    line(
        out,
        format!(
            "  {} {}（{}）",
            lang.pick("账本：", "ledger:"),
            ledger.community,
            ledger.origin
        ),
    );
    labelled(out, lang.pick("条目数：", "entries:"), ledger.entries);
    line(
        out,
        format!(
            "  {} {} — {}（{}）",
            lang.pick("记录时间：", "recorded:"),
            ledger.first_recorded_at,
            ledger.last_recorded_at,
            lang.pick("北京时间", "Beijing time")
        ),
    );
    if let (Some(first), Some(last)) = (&ledger.first_period, &ledger.last_period) {
        let closed = ledger.last_closed.as_deref().map_or_else(
            || lang.pick("尚未结账", "none closed yet").to_string(),
            |c| format!("{}{c}", lang.pick("已结账至 ", "closed up to ")),
        );
        line(
            out,
            format!(
                "  {} {first} — {last}（{closed}）",
                lang.pick("账期：", "months covered:")
            ),
        );
    }
    labelled(
        out,
        lang.pick("创世条目哈希：", "genesis entry hash:"),
        &ledger.genesis_hash,
    );
}

/// The checkpoint, the older checkpoint it extends and the witnesses that cosigned it.
fn render_heads(out: &mut String, report: &Report, lang: Lang) {
    if let Some(cp) = &report.checkpoint {
        labelled(
            out,
            lang.pick(
                "检查点指纹（与公告栏核对）：",
                "checkpoint fingerprint (compare with the notice board):",
            ),
            &cp.fingerprint,
        );
        labelled(
            out,
            lang.pick("检查点根哈希：", "checkpoint root:"),
            &cp.root,
        );
    }
    if let Some(older) = &report.older_checkpoint {
        labelled(
            out,
            lang.pick(
                "与你以前保存的检查点一致（只增加、没有改写）：",
                "consistent with the checkpoint you saved before (it only grew):",
            ),
            &older.fingerprint,
        );
    }
    for w in &report.witnesses {
        line(
            out,
            format!(
                "  {} {}（{}）",
                lang.pick("见证人联署：", "cosigned by witness:"),
                w.name,
                beijing_unix(w.timestamp)
            ),
        );
    }
}

/// The funds' balances, income and spending by category, and the arrears.
fn render_money(out: &mut String, ledger: &LedgerInfo, lang: Lang) {
    let yuan = |f: Fen| f.to_string();
    line(
        out,
        format!(
            "  {}",
            lang.pick("各项资金余额（元）：", "fund balances (yuan):")
        ),
    );
    for f in &ledger.funds {
        line(out, format!("    {:>14}  {}", yuan(f.balance_fen), f.name));
    }
    for (title, rows) in [
        (
            lang.pick("收入（元，按类别）：", "income (yuan, by category):"),
            &ledger.income,
        ),
        (
            lang.pick("支出（元，按类别）：", "spending (yuan, by category):"),
            &ledger.spending,
        ),
    ] {
        line(out, format!("  {title}"));
        for row in rows {
            line(
                out,
                format!(
                    "    {:>14}  {} · {}",
                    yuan(row.amount_fen),
                    fund_name(row.fund.as_str(), lang),
                    category_name(row.category.as_str(), lang)
                ),
            );
        }
    }
    let a = &ledger.arrears;
    line(
        out,
        format!(
            "  {} {} / {}，{} {} {}",
            lang.pick("欠费：欠费户数", "arrears: households owing"),
            a.units_in_arrears,
            ledger.households,
            lang.pick("合计", "total"),
            yuan(a.total_fen),
            lang.pick("元", "yuan")
        ),
    );
    line(
        out,
        format!(
            "    {} {} · {} {} · {} {} · {} {}",
            lang.pick("0–3 个月", "0–3 months"),
            yuan(a.age_0_3_fen),
            lang.pick("3–6 个月", "3–6 months"),
            yuan(a.age_3_6_fen),
            lang.pick("6–12 个月", "6–12 months"),
            yuan(a.age_6_12_fen),
            lang.pick("12 个月以上", "over 12 months"),
            yuan(a.age_12_plus_fen)
        ),
    );
}

/// The receipts, published statements, attachments and bundle files checked.
fn render_evidence(out: &mut String, report: &Report, lang: Lang) {
    for r in &report.receipts {
        let what = r
            .entry
            .as_ref()
            .map(|e| format!("{}，{}", e.recorded_at_beijing, e.summary))
            .unwrap_or_default();
        line(
            out,
            format!(
                "  {} {}：{} {}（{}）",
                lang.pick("收据", "receipt"),
                r.file,
                lang.pick("第", "entry"),
                r.seq,
                what
            ),
        );
    }
    for s in &report.statements {
        line(
            out,
            format!(
                "  {} {}（{}）",
                lang.pick("公示报表一致：", "published statement matches:"),
                s.file,
                s.period
            ),
        );
    }
    if let Some(a) = &report.attachments {
        line(
            out,
            format!(
                "  {} {} / {}，{} {}",
                lang.pick("附件：核对一致", "attachments: verified"),
                a.present,
                a.referenced,
                lang.pick("缺少", "missing"),
                a.missing
            ),
        );
    }
    if let Some(n) = report.manifest_files {
        labelled(
            out,
            lang.pick(
                "清单中核对的文件数：",
                "files checked against the manifest:",
            ),
            n,
        );
    }
}
