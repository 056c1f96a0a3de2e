//! The exported journals, read by the real tools: hledger, ledger-cli and beancount must accept
//! them, their balance assertions must hold (and fail when the journal is tampered with), and
//! the balance each tool computes for every account must equal the ledger's to the fen.
//!
//! The tools are required, not optional: a missing tool fails the test with the command that
//! installs it.

use gongzhang_core::entry::Entry;
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::journal::{self, Journals};
use gongzhang_demo::{community as demo, example};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The command that installs the tools (Debian/Ubuntu; `beancount` holds `bean-check` and
/// `bean-query`, `python3-beancount` the library they run on).
const INSTALL: &str = "apt-get install -y hledger ledger python3-beancount beancount";

/// The demo community's seed.
const DEMO_SEED: u64 = 1;

/// Runs `tool` with `args`; a tool that is not installed fails the test with how to install it.
fn run(tool: &str, args: &[&str]) -> Output {
    match Command::new(tool).args(args).output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!(
                "`{tool}` is not installed; these tests need hledger, ledger-cli and beancount: {INSTALL}"
            )
        }
        Err(e) => panic!("cannot run `{tool}`: {e}"),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `tool` and requires exit status 0; returns stdout.
fn run_ok(tool: &str, args: &[&str]) -> String {
    let out = run(tool, args);
    assert!(
        out.status.success(),
        "`{tool} {}` failed ({}):\n{}\n{}",
        args.join(" "),
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Runs `tool`, requires a failure, and returns stdout and stderr together.
fn run_fails(tool: &str, args: &[&str]) -> String {
    let out = run(tool, args);
    assert!(
        !out.status.success(),
        "`{tool} {}` accepted a tampered journal:\n{}",
        args.join(" "),
        text(&out.stdout)
    );
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

/// A fresh folder under the system's temporary folder.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gongzhang-journal-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, file: &str, content: &str) -> String {
    let path = dir.join(file);
    std::fs::write(&path, content).unwrap();
    path.to_str().unwrap().to_string()
}

/// `1234.56 CNY`, `-0.01 CNY`, `0` (as the tools print an empty balance) → fen.
fn fen(amount: &str) -> i64 {
    let number = amount.trim().trim_end_matches("CNY").trim();
    let (negative, digits) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number),
    };
    let (yuan, cents) = digits.split_once('.').unwrap_or((digits, "00"));
    assert_eq!(
        cents.len(),
        2,
        "amount {amount:?} does not have two decimals"
    );
    let value: i64 = yuan.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap();
    if negative { -value } else { value }
}

/// The ledger's balances by journal account name, zeros left out.
fn expected(ledger: &Ledger) -> BTreeMap<String, i64> {
    ledger
        .accounts()
        .iter()
        .map(|(a, f)| (a.journal_name(), f.get()))
        .filter(|(_, v)| *v != 0)
        .collect()
}

fn non_zero(balances: impl IntoIterator<Item = (String, i64)>) -> BTreeMap<String, i64> {
    balances.into_iter().filter(|(_, v)| *v != 0).collect()
}

fn hledger_balances(file: &str) -> BTreeMap<String, i64> {
    let csv = run_ok(
        "hledger",
        &["-f", file, "bal", "--flat", "--no-total", "-E", "-O", "csv"],
    );
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(r#""account","balance""#),
        "hledger csv:\n{csv}"
    );
    non_zero(lines.map(|line| {
        let (account, amount) = line
            .split_once("\",\"")
            .unwrap_or_else(|| panic!("hledger csv line {line:?}"));
        (
            account.trim_start_matches('"').to_string(),
            fen(amount.trim_end_matches('"')),
        )
    }))
}

fn ledger_balances(file: &str) -> BTreeMap<String, i64> {
    let out = run_ok(
        "ledger",
        &[
            "-f",
            file,
            "--pedantic",
            "balance",
            "--flat",
            "--no-total",
            "--empty",
            "--format",
            "%(account)\t%(display_total)\n",
        ],
    );
    non_zero(out.lines().map(|line| {
        let (account, amount) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("ledger line {line:?}"));
        (account.to_string(), fen(amount))
    }))
}

fn beancount_balances(file: &str) -> BTreeMap<String, i64> {
    let out = run_ok(
        "bean-query",
        &[
            "-f",
            "csv",
            file,
            "SELECT account, sum(number) AS total GROUP BY account ORDER BY account",
        ],
    );
    let mut lines = out.lines();
    assert_eq!(
        lines.next().map(str::trim),
        Some("account,total"),
        "bean-query csv:\n{out}"
    );
    non_zero(lines.map(|line| {
        let (account, amount) = line
            .split_once(',')
            .unwrap_or_else(|| panic!("bean-query line {line:?}"));
        (account.trim().to_string(), fen(amount))
    }))
}

/// Writes the journals into a temporary folder: (folder, `.journal` path, `.beancount` path).
fn export(name: &str, journals: &Journals) -> (PathBuf, String, String) {
    let dir = temp_dir(name);
    let journal = write(&dir, "ledger.journal", &journals.journal);
    let beancount = write(&dir, "ledger.beancount", &journals.beancount);
    (dir, journal, beancount)
}

/// Every tool accepts the journals, with their assertions, and computes the ledger's balances.
fn check_with_tools(name: &str, entries: &[Entry], ledger: &Ledger) {
    let journals = journal::journals(entries).unwrap();
    let closes = entries
        .iter()
        .filter(|e| e.event().kind() == "period_closed")
        .count();
    assert!(
        closes > 0,
        "the {name} ledger has no period close, so no assertion to check"
    );
    let assertions = journals
        .journal
        .lines()
        .filter(|l| l.contains(" CNY = "))
        .count();
    let balance_directives = journals
        .beancount
        .lines()
        .filter(|l| l.contains(" balance "))
        .count();
    assert!(
        assertions >= closes * 3,
        "{assertions} assertions for {closes} closes"
    );
    assert_eq!(assertions, balance_directives);

    let (dir, journal, beancount) = export(name, &journals);
    // hledger: strict (accounts and commodity declared), dates in order, assertions hold.
    run_ok("hledger", &["-f", &journal, "check"]);
    run_ok(
        "hledger",
        &["-f", &journal, "--strict", "check", "ordereddates"],
    );
    // ledger-cli: pedantic (accounts, commodity and tags declared); assertions are checked while
    // reading, so a failing one makes it exit non-zero.
    let ledger_out = run("ledger", &["-f", &journal, "--pedantic", "balance"]);
    assert!(
        ledger_out.status.success(),
        "ledger balance failed:\n{}",
        text(&ledger_out.stderr)
    );
    assert!(
        ledger_out.stderr.is_empty(),
        "ledger warned:\n{}",
        text(&ledger_out.stderr)
    );
    // beancount: no errors at all.
    let bean = run_ok("bean-check", &["-C", &beancount]);
    assert!(bean.trim().is_empty(), "bean-check reported:\n{bean}");

    let want = expected(ledger);
    assert!(
        want.len() >= 4,
        "the {name} ledger has too few accounts to mean anything: {want:?}"
    );
    assert_eq!(
        hledger_balances(&journal),
        want,
        "hledger's balances differ from the ledger's"
    );
    assert_eq!(
        ledger_balances(&journal),
        want,
        "ledger-cli's balances differ from the ledger's"
    );
    assert_eq!(
        beancount_balances(&beancount),
        want,
        "beancount's balances differ from the ledger's"
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn replay(entries: &[Entry]) -> Ledger {
    let mut ledger = Ledger::new();
    for e in entries {
        ledger.apply(e).unwrap();
    }
    ledger
}

fn demo_community() -> &'static demo::Demo {
    static DEMO: OnceLock<demo::Demo> = OnceLock::new();
    DEMO.get_or_init(|| demo::community(DEMO_SEED))
}

#[test]
fn the_tools_agree_with_the_example_ledger() {
    let entries = example::entries();
    check_with_tools("example", &entries, &replay(&entries));
}

#[test]
fn the_tools_agree_with_the_demo_community() {
    let demo = demo_community();
    check_with_tools("demo", &demo.entries, &demo.ledger);
}

#[test]
fn the_journals_are_deterministic() {
    let demo = demo_community();
    let first = journal::journals(&demo.entries).unwrap();
    assert_eq!(first, journal::journals(&demo.entries).unwrap());
}

/// The first transaction (a block of lines ending with a blank line) in `text` for which
/// `wanted` holds, as a range of lines.
fn find_block(lines: &[String], wanted: impl Fn(&[String]) -> bool) -> std::ops::Range<usize> {
    let mut start = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            if i > start && wanted(&lines[start..i]) {
                return start..i;
            }
            start = i + 1;
        }
    }
    panic!("no such transaction")
}

/// Adds `delta` fen to the amount at the end of a posting line (`… 123.45 CNY`).
fn shift(line: &str, delta: i64) -> String {
    let amount = line.trim_end().trim_end_matches("CNY").trim_end();
    let start = amount.rfind(' ').map_or(0, |i| i + 1);
    let value = fen(&amount[start..]) + delta;
    let sign = if value < 0 { "-" } else { "" };
    format!(
        "{}{sign}{}.{:02} CNY",
        &line[..start],
        value.abs() / 100,
        value.abs() % 100
    )
}

fn lines_of(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

fn join(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// A payment into the operating fund before the first close, in either format.
fn is_payment(block: &[String]) -> bool {
    block[0].contains(" 缴费 ")
        && block
            .iter()
            .any(|l| l.trim_start().starts_with("Assets:Operating:Money"))
}

/// The payment's Money posting, and another posting of it.
fn money_and_other(lines: &[String], block: &std::ops::Range<usize>) -> (usize, usize) {
    let posting = |i: &usize| lines[*i].trim_end().ends_with(" CNY");
    let money = block
        .clone()
        .filter(posting)
        .find(|i| lines[*i].trim_start().starts_with("Assets:Operating:Money"))
        .unwrap();
    let other = block.clone().filter(posting).find(|i| *i != money).unwrap();
    (money, other)
}

/// One fen more received than recorded, on both sides of the transaction so that it still
/// balances: only the period-end assertions can tell.
fn tamper_payment(text: &str) -> String {
    let mut lines = lines_of(text);
    let block = find_block(&lines, is_payment);
    let (money, other) = money_and_other(&lines, &block);
    lines[money] = shift(&lines[money], 1);
    lines[other] = shift(&lines[other], -1);
    assert_ne!(join(&lines), text);
    join(&lines)
}

/// One amount changed, alone: the transaction no longer balances.
fn tamper_one_amount(text: &str) -> String {
    let mut lines = lines_of(text);
    let block = find_block(&lines, is_payment);
    let (money, _) = money_and_other(&lines, &block);
    lines[money] = shift(&lines[money], 100);
    join(&lines)
}

/// The first assertion on the operating fund's money claims one fen more.
fn tamper_assertion(text: &str) -> String {
    let mut lines = lines_of(text);
    let i = lines
        .iter()
        .position(|l| {
            l.contains("Assets:Operating:Money") && (l.contains(" = ") || l.contains(" balance "))
        })
        .unwrap();
    let line = lines[i].clone();
    lines[i] = if let Some((posting, asserted)) = line.split_once(" = ") {
        format!("{posting} = {}", shift(asserted, 1))
    } else {
        // `DATE balance ACCOUNT  1234.56 ~ 0.00 CNY`
        let (head, tolerance) = line.split_once(" ~ ").unwrap();
        let start = head.rfind(' ').unwrap() + 1;
        let value = fen(&head[start..]) + 1;
        format!(
            "{}{}.{:02} ~ {tolerance}",
            &head[..start],
            value / 100,
            value % 100
        )
    };
    join(&lines)
}

/// Runs every tool on a tampered copy of the journals and returns what each said.
fn tools_on(name: &str, journal: &str, beancount: &str) -> [String; 4] {
    let dir = temp_dir(name);
    let j = write(&dir, "tampered.journal", journal);
    let b = write(&dir, "tampered.beancount", beancount);
    let said = [
        run_fails("hledger", &["-f", &j, "check"]),
        run_fails("hledger", &["-f", &j, "balance"]),
        run_fails("ledger", &["-f", &j, "balance"]),
        run_fails("bean-check", &["-C", &b]),
    ];
    let _ = std::fs::remove_dir_all(dir);
    said
}

fn assert_assertions_failed(said: &[String; 4]) {
    assert!(
        said[0].contains("balance assertion"),
        "hledger check:\n{}",
        said[0]
    );
    assert!(
        said[1].contains("balance assertion"),
        "hledger balance:\n{}",
        said[1]
    );
    assert!(
        said[2].contains("Balance assertion off by ")
            && said[2].contains("0.01 CNY (expected to see"),
        "ledger:\n{}",
        said[2]
    );
    assert!(
        said[3].contains("Balance failed for 'Assets:Operating:Money'"),
        "bean-check:\n{}",
        said[3]
    );
}

#[test]
fn a_fen_more_in_a_balanced_payment_breaks_the_assertions() {
    let journals = journal::journals(&example::entries()).unwrap();
    let said = tools_on(
        "payment",
        &tamper_payment(&journals.journal),
        &tamper_payment(&journals.beancount),
    );
    assert_assertions_failed(&said);
    // beancount would tolerate one fen without the explicit `~ 0.00`.
    assert!(
        said[3].contains("(0.01 too much)"),
        "bean-check:\n{}",
        said[3]
    );
}

#[test]
fn a_fen_more_in_a_demo_payment_breaks_the_assertions() {
    let journals = journal::journals(&demo_community().entries).unwrap();
    let said = tools_on(
        "demo-payment",
        &tamper_payment(&journals.journal),
        &tamper_payment(&journals.beancount),
    );
    assert_assertions_failed(&said);
}

#[test]
fn a_wrong_assertion_fails() {
    let journals = journal::journals(&example::entries()).unwrap();
    let said = tools_on(
        "assertion",
        &tamper_assertion(&journals.journal),
        &tamper_assertion(&journals.beancount),
    );
    assert_assertions_failed(&said);
}

#[test]
fn one_amount_changed_is_refused() {
    let journals = journal::journals(&example::entries()).unwrap();
    let said = tools_on(
        "amount",
        &tamper_one_amount(&journals.journal),
        &tamper_one_amount(&journals.beancount),
    );
    assert!(
        said[0].contains("could not balance this transaction"),
        "hledger:\n{}",
        said[0]
    );
    assert!(said[2].contains("does not balance"), "ledger:\n{}", said[2]);
    assert!(
        said[3].contains("does not balance"),
        "bean-check:\n{}",
        said[3]
    );
}

#[test]
fn a_missing_tool_fails_with_the_install_command() {
    let panic =
        std::panic::catch_unwind(|| run("gongzhang-no-such-accounting-tool", &[])).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains(INSTALL), "{message}");
}
