//! `gongzhang record <kind>`: every subcommand parsed from a real command line, drafted against a
//! real ledger (the specification's example, or the demo community), signed by the role the rules
//! want, sealed as the next entry and accepted by `Ledger::apply`, with the state it leaves; and
//! the refusals a person meets, with their exact messages.

#![allow(clippy::unwrap_used)] // A test that cannot build its ledger should stop loudly.

use clap::Parser;
use gongzhang::record::{CHARGES_PER_DRAFT_MAX, Draft, RecordKind};
use gongzhang_core::entry::{Entry, Event, RecordedAt};
use gongzhang_core::hash::sha256;
use gongzhang_core::ledger::types::{FeeBasis, Fen, FundId, Period, Unit};
use gongzhang_core::ledger::{Ledger, RuleError};
use gongzhang_core::log::LogHead;
use gongzhang_core::note::SignerKey;
use gongzhang_demo::{community as demo, example};
use gongzhang_text::Lang;
use serde_json::{Value, json};
use std::cell::Cell;
use std::path::PathBuf;

#[derive(Debug, Parser)]
struct Cli {
    #[command(subcommand)]
    kind: RecordKind,
}

fn parse(args: &[&str]) -> RecordKind {
    Cli::try_parse_from(std::iter::once("record").chain(args.iter().copied()))
        .unwrap_or_else(|e| panic!("{args:?} should parse: {e}"))
        .kind
}

fn unit(s: &str) -> Unit {
    Unit::try_from(s).unwrap()
}

fn fund(s: &str) -> FundId {
    FundId::try_from(s).unwrap()
}

fn month(s: &str) -> Period {
    Period::try_from(s.to_string()).unwrap()
}

fn ms(at: &str) -> i64 {
    RecordedAt::parse(at).unwrap().unix_ms()
}

/// A ledger and its log head, to which drafts are added as signed entries.
struct Book {
    head: LogHead,
    ledger: Ledger,
    origin: &'static str,
    next_ms: i64,
    counter: u32,
    dir: PathBuf,
}

impl Book {
    /// The first `n` entries of the specification's example (all 16: through the January close
    /// and the audit).
    fn example(name: &str, n: usize) -> Book {
        let mut head = LogHead::empty();
        let mut ledger = Ledger::new();
        for e in example::entries().into_iter().take(n) {
            head.check_next(&e).unwrap();
            ledger.apply(&e).unwrap();
            head.advance(&e);
        }
        Book::new(name, head, ledger, example::ORIGIN)
    }

    /// The demo community after its two years.
    fn demo(name: &str) -> Book {
        let d = demo::community(1);
        Book::new(name, d.head, d.ledger, demo::ORIGIN)
    }

    fn new(name: &str, head: LogHead, ledger: Ledger, origin: &'static str) -> Book {
        let dir =
            std::env::temp_dir().join(format!("gongzhang-record-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let next_ms = head.last_time().unwrap().unix_ms() + 60_000;
        Book {
            head,
            ledger,
            origin,
            next_ms,
            counter: 0,
            dir,
        }
    }

    /// Writes a file to attach.
    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    }

    /// Drafts a command line against this ledger; also says how often the ledger was loaded.
    fn draft_lang(&self, args: &[&str], en: bool) -> (anyhow::Result<Draft>, usize) {
        let loads = Cell::new(0);
        let kind = parse(args);
        let draft = kind.draft(
            &mut || {
                loads.set(loads.get() + 1);
                Ok(self.ledger.clone())
            },
            if en { Lang::En } else { Lang::Zh },
        );
        (draft, loads.get())
    }

    fn draft(&self, args: &[&str]) -> anyhow::Result<Draft> {
        self.draft_lang(args, false).0
    }

    /// The Chinese and English messages refusing `args`.
    fn refusal(&self, args: &[&str]) -> (String, String) {
        let zh = self.draft_lang(args, false).0.unwrap_err().to_string();
        let en = self.draft_lang(args, true).0.unwrap_err().to_string();
        (zh, en)
    }

    /// Signs `draft` by `signers`, seals it as the next entry at `at_ms` and applies it.
    fn apply_at(
        &mut self,
        draft: &Draft,
        signers: &[&str],
        at_ms: i64,
    ) -> Result<String, RuleError> {
        self.counter += 1;
        let id = format!("record-{:04}", self.counter);
        let event = Event::new(&id, draft.kind, draft.body.clone()).unwrap();
        let signatures = signers
            .iter()
            .map(|r| event.sign(self.origin, &example::signer(r)))
            .collect();
        let entry = Entry::seal(
            self.head.size(),
            self.head.last_hash(),
            RecordedAt::from_unix_ms(at_ms).unwrap(),
            event,
            signatures,
        )
        .unwrap();
        self.head.check_next(&entry).unwrap();
        let before = self.ledger.clone();
        match self.ledger.apply(&entry) {
            Ok(_) => {
                self.head.advance(&entry);
                self.next_ms = at_ms + 60_000;
                Ok(id)
            }
            Err(e) => {
                assert_eq!(self.ledger, before, "a refused entry changed the ledger");
                Err(e)
            }
        }
    }

    /// Drafts `args`, signs and applies it; panics unless the rules accept it.
    fn record_at(&mut self, args: &[&str], signers: &[&str], at_ms: i64) -> (String, Draft) {
        let draft = self
            .draft(args)
            .unwrap_or_else(|e| panic!("{args:?} should draft: {e:#}"));
        let id = self
            .apply_at(&draft, signers, at_ms)
            .unwrap_or_else(|e| panic!("{args:?} should be accepted: {e}"));
        (id, draft)
    }

    fn record(&mut self, args: &[&str], signers: &[&str]) -> (String, Draft) {
        self.record_at(args, signers, self.next_ms)
    }

    /// A passed owners' decision on `matter` (all owners took part, all voted yes).
    fn decision(&mut self, matter: &str) -> String {
        let minutes = self.file(
            &format!("{matter}-minutes.pdf"),
            format!("%PDF-1.7 {matter}").as_bytes(),
        );
        let (id, _) = self.record(
            &[
                "decision",
                "--matter",
                matter,
                "--title",
                "表决事项",
                "--total-owners",
                "2",
                "--participating-area",
                "187.73",
                "--participating-owners",
                "2",
                "--yes-area",
                "187.73",
                "--yes-owners",
                "2",
                "--minutes",
                &minutes,
            ],
            COMMITTEE_QUORUM,
        );
        id
    }

    fn balance(&self, f: &str) -> i64 {
        self.ledger.fund_balance(&fund(f)).unwrap().get()
    }

    fn arrears(&self, u: &str) -> i64 {
        self.ledger.arrears(&unit(u)).get()
    }
}

const TREASURER: &[&str] = &["treasurer"];
const COMMITTEE_QUORUM: &[&str] = &["committee-1", "committee-2"];

fn body(draft: &Draft) -> Value {
    Value::Object(draft.body.clone())
}

#[test]
fn charges_and_payment_move_the_units_arrears() {
    let mut book = Book::example("payment", usize::MAX);
    assert_eq!(book.arrears("1-1-101"), 0);
    let (_, charges) = book.record(&["charges", "--period", "2026-02"], TREASURER);
    assert_eq!(charges.kind, "charges_assessed");
    assert_eq!(
        body(&charges),
        json!({"period": "2026-02", "charges": [
            {"unit": "1-1-101", "item": "property_fee", "amount_fen": 4_262},
            {"unit": "3-2-401", "item": "property_fee", "amount_fen": 5_125},
        ]})
    );
    assert_eq!(book.arrears("1-1-101"), 4_262);

    let args = [
        "payment",
        "--unit",
        "1-1-101",
        "--amount",
        "¥42.62",
        "--channel",
        "微信",
        "--periods",
        "2026-02",
    ];
    let (draft, loads) = book.draft_lang(&args, false);
    assert_eq!(loads, 0, "a payment needs no ledger");
    assert_eq!(
        body(&draft.unwrap()),
        json!({"unit": "1-1-101", "amount_fen": 4_262, "channel": "wechat_pay", "periods": ["2026-02"]})
    );
    let (_, payment) = book.record(&args, TREASURER);
    assert_eq!(payment.kind, "payment_received");
    assert!(payment.attachments.is_empty());
    assert_eq!(book.arrears("1-1-101"), 0);

    // A year paid ahead, months as a range: the payer's credit grows by the amount.
    let before = book.ledger.households()[&unit("1-1-101")].position();
    book.record(
        &[
            "payment",
            "--unit",
            "1-1-101",
            "--amount",
            "511.44",
            "--channel",
            "cash",
            "--periods",
            "2026-03..2026-12,2027-01",
            "--periods",
            "2027-02",
        ],
        TREASURER,
    );
    let after = book.ledger.households()[&unit("1-1-101")].position();
    assert_eq!(before - after, 51_144);
}

#[test]
fn charges_come_from_the_schedule_and_refuse_a_month_with_nothing_due() {
    let mut book = Book::example("charges", usize::MAX);
    let (_, loads) = book.draft_lang(&["charges", "--period", "2026-02"], false);
    assert_eq!(loads, 1);
    book.record(&["charges", "--period", "2026-02"], TREASURER);
    assert_eq!(
        book.refusal(&["charges", "--period", "2026-02"]),
        (
            "--period \"2026-02\"：这个月的费用已经全部记过了，没有要记的".to_string(),
            "--period \"2026-02\": every household is already charged for this month: nothing is due"
                .to_string()
        )
    );
    assert_eq!(
        book.refusal(&["charges", "--period", "2025-12"]),
        (
            "--period \"2025-12\"：这个月没有生效的收费标准：先用 gongzhang record fee-schedule 公布收费标准".to_string(),
            "--period \"2025-12\": no fee schedule is in force for this month: adopt one first with gongzhang record fee-schedule".to_string()
        )
    );
    assert_eq!(
        book.refusal(&["charges", "--period", "2026-2"]).0,
        "--period \"2026-2\"：不是月份，应写成 2025-03 这样的 年-月"
    );
}

#[test]
fn a_large_communitys_month_is_charged_in_drafts_the_ledger_accepts() {
    let mut book = Book::demo("charges-demo");
    let period = month("2027-01");
    let due: i128 = book
        .ledger
        .due_charges(period)
        .iter()
        .map(|c| i128::from(c.amount_fen.get()))
        .sum();
    let n_due = book.ledger.due_charges(period).len();
    assert!(n_due > 2 * CHARGES_PER_DRAFT_MAX, "{n_due} charges due");
    let owed_before: i128 = book
        .ledger
        .households()
        .values()
        .map(|h| h.position())
        .sum();
    let mut drafts = 0;
    loop {
        match book.draft(&["charges", "--period", "2027-01"]) {
            Ok(draft) => {
                let n = draft.body["charges"].as_array().unwrap().len();
                assert!(n <= CHARGES_PER_DRAFT_MAX);
                book.apply_at(&draft, &[demo::NEW_TREASURER], book.next_ms)
                    .unwrap();
                drafts += 1;
            }
            Err(e) => {
                assert_eq!(
                    e.to_string(),
                    "--period \"2027-01\"：这个月的费用已经全部记过了，没有要记的"
                );
                break;
            }
        }
    }
    assert_eq!(drafts, n_due.div_ceil(CHARGES_PER_DRAFT_MAX));
    let owed_after: i128 = book
        .ledger
        .households()
        .values()
        .map(|h| h.position())
        .sum();
    assert_eq!(owed_after - owed_before, due);
}

#[test]
fn drafts_give_the_whole_month_of_charges_in_entries_the_ledger_accepts() {
    let mut book = Book::demo("charges-drafts");
    let period = month("2027-01");
    let due = book.ledger.due_charges(period);
    let state = book.ledger.clone();
    let drafts = parse(&["charges", "--period", "2027-01"])
        .drafts(&mut || Ok(state.clone()), Lang::Zh)
        .unwrap();
    assert_eq!(drafts.len(), due.len().div_ceil(CHARGES_PER_DRAFT_MAX));
    let listed: usize = drafts
        .iter()
        .map(|d| d.body["charges"].as_array().unwrap().len())
        .sum();
    assert_eq!(listed, due.len());
    for draft in &drafts {
        book.apply_at(draft, &[demo::NEW_TREASURER], book.next_ms)
            .unwrap();
    }
    assert!(book.ledger.due_charges(period).is_empty());
    // Any other command is one draft.
    let one = parse(&["reverse", "--event", "e-1", "--reason", "r"])
        .drafts(&mut || panic!("a reversal needs no ledger"), Lang::Zh)
        .unwrap();
    assert_eq!(one.len(), 1);
}

#[test]
fn income_and_grants_go_to_their_funds() {
    let mut book = Book::example("income", usize::MAX);
    let before = book.balance("public_revenue");
    let (_, draft) = book.record(
        &[
            "income",
            "--fund",
            "公共收益",
            "--category",
            "广告",
            "--payer",
            "城市之光广告有限公司",
            "--amount",
            "1,200.00",
            "--channel",
            "银行转账",
        ],
        TREASURER,
    );
    assert_eq!(
        body(&draft),
        json!({"fund": "public_revenue", "category": "advertising", "payer": "城市之光广告有限公司", "amount_fen": 120_000, "channel": "bank_transfer"})
    );
    assert_eq!(book.balance("public_revenue") - before, 120_000);

    book.record(
        &[
            "grant",
            "--fund",
            "project:meter-2026",
            "--grantor",
            "区住房和城乡建设局",
            "--purpose",
            "一户一表改造",
            "--amount",
            "300,000",
        ],
        TREASURER,
    );
    assert_eq!(book.balance("project:meter-2026"), 30_000_000);

    // Spending from it names its project without being told.
    let (_, draft) = book.record(
        &[
            "expense",
            "--payee",
            "宏达市政安装工程有限公司",
            "--category",
            "改造",
            "--fund",
            "project:meter-2026",
            "--amount",
            "2,000",
            "--description",
            "水表采购首付款",
        ],
        TREASURER,
    );
    assert_eq!(draft.body["project"], json!("meter-2026"));

    assert_eq!(
        book.refusal(&[
            "grant",
            "--fund",
            "operating",
            "--grantor",
            "区住建局",
            "--purpose",
            "改造",
            "--amount",
            "1"
        ])
        .0,
        "--fund \"operating\"：专项拨款要进专项资金，应写成 project:项目名，如 project:meter-2026"
    );
}

#[test]
fn an_expenditure_is_proposed_approved_and_paid_with_its_fapiao() {
    let mut book = Book::example("expense", usize::MAX);
    book.record(
        &[
            "income",
            "--fund",
            "operating",
            "--category",
            "interest",
            "--payer",
            "开户银行",
            "--amount",
            "1000",
            "--channel",
            "bank",
        ],
        TREASURER,
    );
    let (proposal, draft) = book.record(
        &[
            "expense",
            "--payee",
            "明亮保洁服务部",
            "--category",
            "保洁",
            "--amount",
            "5,200.00",
            "--description",
            "2026年2月楼道保洁",
        ],
        TREASURER,
    );
    assert_eq!(
        body(&draft),
        json!({"payee": "明亮保洁服务部", "category": "cleaning", "fund": "operating", "amount_fen": 520_000, "description": "2026年2月楼道保洁"})
    );
    for member in ["committee-1", "committee-3"] {
        let (_, draft) = book.record(&["approve", "--proposal", &proposal], &[member]);
        assert_eq!(body(&draft), json!({"proposal": proposal}));
    }
    assert_eq!(book.ledger.proposals()[&proposal].approvals.len(), 2);

    let scan = b"%PDF-1.7 fapiao 044002600111-00012399";
    let file = book.file("fapiao.pdf", scan);
    let before = book.balance("operating");
    let (_, paid) = book.record(
        &[
            "pay",
            "--proposal",
            &proposal,
            "--channel",
            "银行转账",
            "--invoice",
            "发票",
            "--number",
            "044002600111-00012399",
            "--invoice-file",
            &file,
        ],
        TREASURER,
    );
    assert_eq!(before - book.balance("operating"), 520_000);
    assert!(book.ledger.proposals()[&proposal].paid_at.is_some());
    let [attachment] = paid.attachments.as_slice() else {
        panic!("one attachment")
    };
    assert_eq!(attachment.sha256, sha256(scan));
    assert_eq!(attachment.bytes, scan);
    assert_eq!(
        attachment.media_type,
        gongzhang_core::attachment::MediaType::Pdf
    );
    assert_eq!(attachment.path, PathBuf::from(&file));
    assert_eq!(
        body(&paid),
        json!({"proposal": proposal, "channel": "bank_transfer", "invoice": {"kind": "fapiao", "number": "044002600111-00012399", "sha256": sha256(scan).to_hex()}})
    );
}

#[test]
fn payment_refusals_name_the_argument_and_what_to_write() {
    let book = Book::example("pay-refusals", usize::MAX);
    let pay = |extra: &[&str]| {
        let mut args = vec!["pay", "--proposal", "hexie-0008", "--channel", "cash"];
        args.extend_from_slice(extra);
        book.refusal(&args)
    };
    assert_eq!(
        pay(&["--invoice", "发票", "--invoice-file", "scan.pdf"]),
        (
            "--number：--invoice 发票 要写票据号码".to_string(),
            "--number: --invoice 发票 needs the document's number".to_string()
        )
    );
    assert_eq!(
        pay(&["--invoice", "receipt", "--number", "0001"]).0,
        "--invoice-file：--invoice receipt 要附票据的扫描件或照片"
    );
    assert_eq!(
        pay(&[
            "--invoice",
            "收据",
            "--number",
            "0001",
            "--invoice-file",
            "/nonexistent/收据.jpg"
        ])
        .0,
        "--invoice-file \"/nonexistent/收据.jpg\"：没有这个文件，请核对文件名和所在的文件夹"
    );
    let empty = book.file("empty.pdf", b"");
    assert_eq!(
        pay(&[
            "--invoice",
            "收据",
            "--number",
            "0001",
            "--invoice-file",
            &empty
        ])
        .0,
        format!("--invoice-file {empty:?}：文件是空的，请附上扫描件或照片")
    );
    // A web page named like a scan: judged by its bytes, refused before anything is uploaded.
    let page = book.file("发票.pdf", b"<!DOCTYPE html><script>alert(1)</script>");
    assert_eq!(
        pay(&[
            "--invoice",
            "收据",
            "--number",
            "0001",
            "--invoice-file",
            &page
        ]),
        (
            format!(
                "--invoice-file {page:?}：不是 PDF、JPEG、PNG 或 WebP 文件（按文件内容判断，不看扩展名）：账本只收这几种；请把发票或收据扫描成 PDF，或拍照存成 JPEG，再附上"
            ),
            format!(
                "--invoice-file {page:?}: is not a PDF, JPEG, PNG or WebP file (judged by its contents, not its name): the ledger keeps only these; scan the invoice or receipt to PDF or photograph it as JPEG"
            )
        )
    );
    assert_eq!(
        pay(&["--invoice", "无", "--number", "0001"]).0,
        "--number \"0001\"：票据写了“无”就不填号码；有收据或发票请写 --invoice 收据 或 --invoice 发票"
    );
    assert_eq!(
        pay(&["--invoice", "白条"]),
        (
            "--invoice \"白条\"：不是票据种类，应写 发票、收据 或 无".to_string(),
            "--invoice \"白条\": is not an invoice kind; write fapiao, receipt or none".to_string()
        )
    );
    assert_eq!(
        book.refusal(&[
            "payment",
            "--unit",
            "1-1-101",
            "--amount",
            "36O.00",
            "--channel",
            "cash"
        ]),
        (
            "--amount \"36O.00\"：不是金额，应写成 360.00 这样的元数".to_string(),
            "--amount \"36O.00\": is not an amount; write yuan like 360.00".to_string()
        )
    );
    assert_eq!(
        book.refusal(&[
            "payment",
            "--unit",
            "1-1-101",
            "--amount",
            "42.625",
            "--channel",
            "cash"
        ])
        .0,
        "--amount \"42.625\"：小数超过两位：最小到分，应写成 360.05 这样的元数"
    );
    assert_eq!(
        book.refusal(&[
            "expense",
            "--payee",
            "屋面防水公司",
            "--category",
            "维修",
            "--fund",
            "维修资金",
            "--amount",
            "8000",
            "--description",
            "屋面防水"
        ])
        .0,
        "--decision：动用维修资金要有业主共同决定：写上表决结果的记录编号"
    );
    assert_eq!(
        book.refusal(&[
            "expense",
            "--payee",
            "x",
            "--category",
            "repairs",
            "--amount",
            "1",
            "--description",
            "x",
            "--project",
            "meter-2026"
        ])
        .1,
        "--project \"meter-2026\": only spending from a restricted fund (project:<name>) names a project; operating is not one"
    );
}

#[test]
fn a_zero_amount_is_left_to_the_rules() {
    let mut book = Book::example("zero", usize::MAX);
    let draft = book
        .draft(&[
            "payment",
            "--unit",
            "1-1-101",
            "--amount",
            "0.00",
            "--channel",
            "cash",
        ])
        .unwrap();
    assert_eq!(draft.body["amount_fen"], json!(0));
    let refused = book.apply_at(&draft, TREASURER, book.next_ms).unwrap_err();
    assert_eq!(
        refused.violation.to_string(),
        "`amount_fen` must be above zero"
    );
}

#[test]
fn a_transfer_under_an_owners_decision_computed_from_its_totals() {
    let mut book = Book::example("transfer", usize::MAX);
    let minutes = book.file("minutes.pdf", b"%PDF-1.7 2026-02 owners' vote");
    let args = [
        "decision",
        "--matter",
        "资金调拨",
        "--title",
        "从物业费资金调 100 元入维修资金",
        "--total-owners",
        "2",
        "--participating-area",
        "187.73",
        "--participating-owners",
        "2",
        "--yes-area",
        "102.50",
        "--yes-owners",
        "2",
        "--minutes",
        &minutes,
    ];
    let (draft, loads) = book.draft_lang(&args, false);
    assert_eq!(
        loads, 1,
        "the total area comes from the registered households"
    );
    let draft = draft.unwrap();
    assert_eq!(
        body(&draft),
        json!({
            "matter": "fund_transfer",
            "title": "从物业费资金调 100 元入维修资金",
            "totals": {
                "total_area_centi_m2": 18_773, "total_owners": 2,
                "participating_area_centi_m2": 18_773, "participating_owners": 2,
                "yes_area_centi_m2": 10_250, "yes_owners": 2
            },
            "outcome": "passed",
            "document_sha256": sha256(b"%PDF-1.7 2026-02 owners' vote").to_hex(),
        })
    );
    assert_eq!(
        draft.attachments[0].sha256,
        sha256(b"%PDF-1.7 2026-02 owners' vote")
    );
    let decision = book
        .apply_at(&draft, COMMITTEE_QUORUM, book.next_ms)
        .unwrap();

    let (operating, maintenance) = (book.balance("operating"), book.balance("maintenance"));
    let (_, draft) = book.record(
        &[
            "transfer",
            "--from",
            "物业费资金",
            "--to",
            "maintenance",
            "--amount",
            "100",
            "--decision",
            &decision,
        ],
        COMMITTEE_QUORUM,
    );
    assert_eq!(
        body(&draft),
        json!({"from_fund": "operating", "to_fund": "maintenance", "amount_fen": 10_000, "decision": decision})
    );
    assert_eq!(operating - book.balance("operating"), 10_000);
    assert_eq!(book.balance("maintenance") - maintenance, 10_000);

    assert_eq!(
        book.refusal(&[
            "transfer",
            "--from",
            "operating",
            "--to",
            "物业费",
            "--amount",
            "1",
            "--decision",
            &decision
        ])
        .0,
        "--to \"物业费\"：调入和调出是同一项资金，应写另一项资金"
    );
}

#[test]
fn decisions_record_the_outcome_the_civil_code_gives() {
    let mut book = Book::example("decision", usize::MAX);
    let minutes = book.file("minutes.pdf", "%PDF-1.7 停车收费表决".as_bytes());
    let decision = |yes_area: &str, outcome: Option<&str>| {
        let mut args = vec![
            "decision",
            "--matter",
            "change_common_use",
            "--title",
            "地面停车收费",
            "--total-area",
            "187.73",
            "--total-owners",
            "2",
            "--participating-area",
            "187.73",
            "--participating-owners",
            "2",
            "--yes-area",
            yes_area,
            "--yes-owners",
            "2",
            "--minutes",
            &minutes,
        ];
        if let Some(o) = outcome {
            args.extend(["--outcome", o]);
        }
        args.into_iter().map(str::to_string).collect::<Vec<_>>()
    };
    let args = decision("102.50", None);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // Three quarters of the area are needed: 102.50 of 187.73 ㎡ is not enough.
    let (draft, loads) = book.draft_lang(&args, false);
    assert_eq!(loads, 0, "the total area was given");
    let draft = draft.unwrap();
    assert_eq!(draft.body["outcome"], json!("rejected"));
    assert_eq!(
        draft.attachments[0].media_type,
        gongzhang_core::attachment::MediaType::Pdf
    );
    book.apply_at(&draft, COMMITTEE_QUORUM, book.next_ms)
        .unwrap();

    let args = decision("102.50", Some("通过"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(
        book.refusal(&args),
        (
            "--outcome \"通过\"：按这些票数和《民法典》第二百七十八条，结果应为“未通过”；请核对计票结果".to_string(),
            "--outcome \"通过\": by Civil Code art. 278 these totals give rejected; check the tally".to_string()
        )
    );
    let args = decision("190", None);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(
        book.refusal(&args),
        (
            "--yes-area / --yes-owners：表决统计的数字对不上：同意的面积或人数超过了参加表决的。请对照计票结果重新核对。".to_string(),
            "--yes-area / --yes-owners: the vote totals are inconsistent: more yes votes than participants".to_string()
        )
    );
    let args = decision("150.00", Some("passed"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (_, draft) = book.record(&args, COMMITTEE_QUORUM);
    assert_eq!(draft.body["outcome"], json!("passed"));
}

#[test]
fn households_are_registered_and_corrected_in_hundredths_of_a_square_metre() {
    let mut book = Book::example("household", usize::MAX);
    let (_, draft) = book.record(
        &["household", "--unit", "2-1-302", "--area", "85.5㎡"],
        TREASURER,
    );
    assert_eq!(
        body(&draft),
        json!({"unit": "2-1-302", "area_centi_m2": 8_550})
    );
    assert_eq!(
        book.ledger.households()[&unit("2-1-302")].area_centi_m2,
        8_550
    );
    let (_, draft) = book.record(
        &[
            "correct-household",
            "--unit",
            "2-1-302",
            "--area",
            "86.05",
            "--reason",
            "按不动产权证更正",
        ],
        TREASURER,
    );
    assert_eq!(draft.kind, "household_corrected");
    assert_eq!(
        book.ledger.households()[&unit("2-1-302")].area_centi_m2,
        8_605
    );
    assert_eq!(
        book.refusal(&["household", "--unit", "2-1-302", "--area", "85.235"]),
        (
            "--area \"85.235\"：小数超过两位：面积记到 0.01 平方米，应写成 85.23 这样的平方米数"
                .to_string(),
            "--area \"85.235\": has more than two decimals: areas are kept to 0.01 ㎡; write square metres like 85.23"
                .to_string()
        )
    );
    assert_eq!(
        book.refusal(&["household", "--unit", "2栋1单元302", "--area", "85"])
            .1,
        "--unit \"2栋1单元302\": is not a unit number; write building-entrance-room like 3-2-401"
    );
}

#[test]
fn a_fee_schedule_is_adopted_and_its_charges_follow_it() {
    let mut book = Book::example("fee-schedule", usize::MAX);
    let decision = book.decision("fee_schedule");
    let (_, draft) = book.record(
        &[
            "fee-schedule",
            "--item",
            "property_fee:物业费:per_m2:0.60",
            "--item",
            "garbage_fee:垃圾清运费:per_household:10",
            "--from",
            "2026-03",
            "--decision",
            &decision,
        ],
        COMMITTEE_QUORUM,
    );
    assert_eq!(
        body(&draft),
        json!({"items": [
            {"item": "property_fee", "name": "物业费", "basis": "per_m2", "rate_fen": 60},
            {"item": "garbage_fee", "name": "垃圾清运费", "basis": "per_household", "rate_fen": 1_000},
        ], "from_period": "2026-03", "decision": decision})
    );
    let schedule = book.ledger.schedule_for(month("2026-03")).unwrap();
    assert_eq!(schedule.items.len(), 2);
    assert_eq!(schedule.items[0].basis, FeeBasis::PerM2);

    let (_, charges) = book.record(&["charges", "--period", "2026-03"], TREASURER);
    // 0.60 元/㎡ × 85.23 ㎡ = 51.138 → 51.14; × 102.50 ㎡ = 61.50; and 10 元 each.
    assert_eq!(
        charges.body["charges"],
        json!([
            {"unit": "1-1-101", "item": "property_fee", "amount_fen": 5_114},
            {"unit": "1-1-101", "item": "garbage_fee", "amount_fen": 1_000},
            {"unit": "3-2-401", "item": "property_fee", "amount_fen": 6_150},
            {"unit": "3-2-401", "item": "garbage_fee", "amount_fen": 1_000},
        ])
    );
    assert_eq!(book.arrears("1-1-101"), 6_114);

    assert_eq!(
        book.refusal(&[
            "fee-schedule",
            "--item",
            "property_fee:物业费:per_m2:0.60",
            "--item",
            "property_fee:物业费:per_m2:0.70",
            "--from",
            "2026-04",
            "--decision",
            &decision
        ])
        .0,
        "--item \"property_fee:物业费:per_m2:0.70\"：收费项目 property_fee 写了两次，每个项目只写一次"
    );
}

#[test]
fn a_reversal_undoes_a_payment() {
    let mut book = Book::example("reverse", usize::MAX);
    book.record(&["charges", "--period", "2026-02"], TREASURER);
    let (payment, _) = book.record(
        &[
            "payment",
            "--unit",
            "1-1-101",
            "--amount",
            "426.20",
            "--channel",
            "现金",
        ],
        TREASURER,
    );
    assert_eq!(book.arrears("1-1-101"), 0);
    let (_, draft) = book.record(
        &[
            "reverse",
            "--event",
            &payment,
            "--reason",
            "金额录错：应为 42.62 元",
        ],
        TREASURER,
    );
    assert_eq!(
        body(&draft),
        json!({"reverses": payment, "reason": "金额录错：应为 42.62 元"})
    );
    assert_eq!(book.arrears("1-1-101"), 4_262);
}

#[test]
fn a_demand_states_the_units_arrears_and_carries_its_letter() {
    let mut book = Book::example("demand", usize::MAX);
    book.record(&["charges", "--period", "2026-02"], TREASURER);
    let letter = book.file("催缴通知书.pdf", "%PDF-1.7 请于十五日内缴纳".as_bytes());
    let args = ["demand", "--unit", "1-1-101", "--letter", &letter];
    let (_, loads) = book.draft_lang(&args, false);
    assert_eq!(loads, 1);
    let (_, draft) = book.record(&args, TREASURER);
    assert_eq!(
        body(&draft),
        json!({"unit": "1-1-101", "amount_fen": 4_262, "document_sha256": sha256("%PDF-1.7 请于十五日内缴纳".as_bytes()).to_hex()})
    );
    assert_eq!(draft.attachments.len(), 1);

    assert_eq!(
        book.refusal(&["demand", "--unit", "3-2-401", "--letter", &letter]),
        (
            "--unit \"3-2-401\"：这户现在不欠费，不能发催缴通知".to_string(),
            "--unit \"3-2-401\": owes nothing now, so no payment demand may be issued".to_string()
        )
    );
    assert_eq!(
        book.refusal(&["demand", "--unit", "9-9-999", "--letter", &letter])
            .0,
        "--unit \"9-9-999\"：没有登记这个房号，请核对"
    );
}

#[test]
fn a_close_records_the_statement_the_rules_recompute() {
    // A month after the January close.
    let mut book = Book::example("close", usize::MAX);
    book.record(&["charges", "--period", "2026-02"], TREASURER);
    let (_, draft) = book.record_at(
        &["close", "--period", "2026-02"],
        TREASURER,
        ms("2026-03-02T02:00:00.000Z"),
    );
    assert_eq!(draft.kind, "period_closed");
    assert_eq!(
        draft.body["statement"]["period"],
        json!({"from": "2026-02", "to": "2026-02"})
    );
    assert_eq!(book.ledger.last_closed(), Some(month("2026-02")));
    assert_eq!(
        book.refusal(&["close", "--period", "2026-Q1"]),
        (
            "--period \"2026-Q1\"：已经结账到 2026-02，下一次从 2026-03 开始：写 2026-03".to_string(),
            "--period \"2026-Q1\": the books are closed through 2026-02; the next close starts at 2026-03: write 2026-03".to_string()
        )
    );
    assert_eq!(
        book.refusal(&["close", "--period", "2026-05"]).0,
        "--period \"2026-05\"：上次结账到 2026-02，结账要一期接一期，下一次从 2026-03 开始：写 2026-03"
    );
    assert_eq!(
        book.refusal(&["close", "--period", "2026年3月"]).0,
        "--period \"2026年3月\"：不是月份或季度，应写成 2025-03（一个月）或 2025-Q1（一个季度）"
    );

    // A first close, of a quarter, before the example's own January close.
    let mut book = Book::example("close-quarter", 14);
    assert_eq!(
        book.refusal(&["close", "--period", "2026-02"]).0,
        "--period \"2026-02\"：第一次结账从账本的第一个月 2026-01 开始：写 2026-01（一个月）或 2026-Q1（一个季度）"
    );
    let (_, draft) = book.record_at(
        &["close", "--period", "2026-Q1"],
        TREASURER,
        ms("2026-04-01T02:00:00.000Z"),
    );
    let statement = &draft.body["statement"];
    assert_eq!(
        statement["period"],
        json!({"from": "2026-01", "to": "2026-03"})
    );
    assert_eq!(book.ledger.last_closed(), Some(month("2026-03")));
}

#[test]
fn roles_are_granted_and_keys_revoked_by_a_quorum() {
    let mut book = Book::example("roles", usize::MAX);
    let new_member = SignerKey::from_seed("li-na", [9; 32]).unwrap();
    let key = new_member.author_signer().public_key();
    let (_, draft) = book.record(
        &[
            "grant-role",
            "--role",
            "委员",
            "--public-key",
            &new_member.verifier().to_string(),
        ],
        COMMITTEE_QUORUM,
    );
    assert_eq!(
        body(&draft),
        json!({"role": "committee_member", "key": key.to_hex()})
    );
    assert!(book.ledger.committee().contains(&key));

    let old = example::signer("committee-3").public_key();
    let (_, draft) = book.record(
        &[
            "revoke-key",
            "--public-key",
            &old.to_hex(),
            "--reason",
            "换届离任",
        ],
        COMMITTEE_QUORUM,
    );
    assert_eq!(draft.kind, "key_revoked");
    assert!(book.ledger.revoked().contains_key(&old));
    assert!(!book.ledger.committee().contains(&old));

    assert_eq!(
        book.refusal(&[
            "grant-role",
            "--role",
            "会计",
            "--public-key",
            &key.to_hex()
        ])
        .0,
        "--role \"会计\"：不是角色，应写 委员、出纳 或 审计"
    );
}

#[test]
fn an_audit_attests_through_the_latest_entry_unless_told() {
    let mut book = Book::example("audit", usize::MAX);
    let findings = book.file("审计意见.pdf", "%PDF-1.7 2026年1月账目相符".as_bytes());
    let latest = book.ledger.size() - 1;
    let args = ["audit", "--findings", &findings, "--opinion", "账目相符"];
    let (_, loads) = book.draft_lang(&args, false);
    assert_eq!(loads, 1);
    let (_, draft) = book.record(&args, &["auditor"]);
    assert_eq!(
        body(&draft),
        json!({"through_seq": latest, "findings_sha256": sha256("%PDF-1.7 2026年1月账目相符".as_bytes()).to_hex(), "opinion": "账目相符"})
    );
    let args = [
        "audit",
        "--through",
        "3",
        "--findings",
        &findings,
        "--opinion",
        "账目相符",
    ];
    let (_, loads) = book.draft_lang(&args, false);
    assert_eq!(loads, 0);
    let (_, draft) = book.record(&args, &["auditor"]);
    assert_eq!(draft.body["through_seq"], json!(3));
}

#[test]
fn a_budget_is_adopted_line_by_line() {
    let mut book = Book::example("budget", usize::MAX);
    let decision = book.decision("budget");
    let (_, draft) = book.record(
        &[
            "budget",
            "--year",
            "2026",
            "--line",
            "operating:保洁:72,000",
            "--line",
            "maintenance:repairs:5000.00",
            "--decision",
            &decision,
        ],
        COMMITTEE_QUORUM,
    );
    assert_eq!(
        body(&draft),
        json!({"year": 2026, "lines": [
            {"fund": "operating", "category": "cleaning", "amount_fen": 7_200_000},
            {"fund": "maintenance", "category": "repairs", "amount_fen": 500_000},
        ], "decision": decision})
    );
    assert_eq!(book.ledger.budgets()[&2026].len(), 2);
    assert_eq!(
        book.refusal(&[
            "budget",
            "--year",
            "2026",
            "--line",
            "operating:cleaning:1",
            "--line",
            "operating:保洁:2",
            "--decision",
            &decision
        ])
        .0,
        "--line \"operating:保洁:2\"：operating 的 cleaning 写了两次，每项只写一行"
    );
}

#[test]
fn builders_that_need_no_ledger_never_load_it() {
    let book = Book::example("no-ledger", usize::MAX);
    let file = book.file("doc.pdf", b"%PDF-1.7 doc");
    let key = example::signer("committee-3").public_key().to_hex();
    let commands: Vec<Vec<&str>> = vec![
        vec![
            "payment",
            "--unit",
            "1-1-101",
            "--amount",
            "1",
            "--channel",
            "cash",
        ],
        vec![
            "income",
            "--fund",
            "public_revenue",
            "--category",
            "parking",
            "--payer",
            "p",
            "--amount",
            "1",
            "--channel",
            "cash",
        ],
        vec![
            "grant",
            "--fund",
            "project:x",
            "--grantor",
            "g",
            "--purpose",
            "p",
            "--amount",
            "1",
        ],
        vec![
            "expense",
            "--payee",
            "p",
            "--category",
            "repairs",
            "--amount",
            "1",
            "--description",
            "d",
        ],
        vec!["approve", "--proposal", "p-1"],
        vec![
            "pay",
            "--proposal",
            "p-1",
            "--channel",
            "cash",
            "--invoice",
            "receipt",
            "--number",
            "1",
            "--invoice-file",
            &file,
        ],
        vec![
            "pay",
            "--proposal",
            "p-1",
            "--channel",
            "cash",
            "--invoice",
            "none",
        ],
        vec![
            "transfer",
            "--from",
            "operating",
            "--to",
            "maintenance",
            "--amount",
            "1",
            "--decision",
            "d-1",
        ],
        vec!["household", "--unit", "1-1-102", "--area", "50"],
        vec![
            "correct-household",
            "--unit",
            "1-1-102",
            "--area",
            "50",
            "--reason",
            "r",
        ],
        vec![
            "fee-schedule",
            "--item",
            "property_fee:物业费:per_m2:0.5",
            "--from",
            "2026-03",
            "--decision",
            "d-1",
        ],
        vec![
            "decision",
            "--matter",
            "other",
            "--title",
            "t",
            "--total-area",
            "10",
            "--total-owners",
            "1",
            "--participating-area",
            "10",
            "--participating-owners",
            "1",
            "--yes-area",
            "10",
            "--yes-owners",
            "1",
            "--minutes",
            &file,
        ],
        vec!["reverse", "--event", "e-1", "--reason", "r"],
        vec!["grant-role", "--role", "auditor", "--public-key", &key],
        vec!["revoke-key", "--public-key", &key, "--reason", "r"],
        vec![
            "audit",
            "--through",
            "1",
            "--findings",
            &file,
            "--opinion",
            "o",
        ],
        vec![
            "budget",
            "--year",
            "2026",
            "--line",
            "operating:cleaning:1",
            "--decision",
            "d-1",
        ],
    ];
    for args in &commands {
        let draft = parse(args).draft(&mut || panic!("{args:?} loaded the ledger"), Lang::Zh);
        draft.unwrap_or_else(|e| panic!("{args:?}: {e:#}"));
    }
    // A loader that fails is reported as it is.
    let failed = parse(&["charges", "--period", "2026-02"])
        .draft(&mut || Err(anyhow::anyhow!("database locked")), Lang::Zh)
        .unwrap_err();
    assert_eq!(failed.to_string(), "database locked");
}

#[test]
fn amounts_parse_exactly_into_the_body() {
    let table: &[(&str, i64)] = &[
        ("360", 36_000),
        ("360.5", 36_050),
        ("360.50", 36_050),
        ("1,200.00", 120_000),
        ("¥360.00", 36_000),
        ("360元", 36_000),
        ("90071992547409.91", 9_007_199_254_740_991),
    ];
    for (text, fen) in table {
        assert_eq!(
            gongzhang::record::parse_yuan(text),
            Ok(Fen::new(*fen).unwrap()),
            "{text}"
        );
    }
}

#[test]
fn the_subcommands_are_well_formed_and_named_in_kebab_case() {
    use clap::CommandFactory as _;
    Cli::command().debug_assert();
    let names: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "payment",
            "income",
            "grant",
            "expense",
            "approve",
            "pay",
            "transfer",
            "household",
            "correct-household",
            "fee-schedule",
            "charges",
            "decision",
            "reverse",
            "demand",
            "close",
            "grant-role",
            "revoke-key",
            "audit",
            "budget",
        ]
    );
    // Help is Chinese first, English after ` / `.
    for sub in Cli::command().get_subcommands() {
        let about = sub.get_about().unwrap().to_string();
        assert!(about.contains(" / "), "{}: {about}", sub.get_name());
        for arg in sub.get_arguments() {
            let help = arg.get_help().unwrap().to_string();
            assert!(
                help.contains(" / "),
                "{} {}: {help}",
                sub.get_name(),
                arg.get_id()
            );
        }
    }
    if std::env::var_os("RECORD_SHOW_HELP").is_some() {
        let mut cmd = Cli::command();
        let pay = cmd.find_subcommand_mut("payment").unwrap();
        println!("{}", pay.render_help());
    }
}
