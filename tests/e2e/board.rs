//! The notice board (公示栏) in a real browser: headless Chromium at a phone's width (375 CSS
//! pixels) on the pages `gongzhang demo` serves. The key figures on each page equal the ledger's
//! own (the demo community, replayed here) and the standalone verifier's report, to the fen; the
//! chart and the QR code render; the language switch works; nothing is logged to the console;
//! the accessibility basics hold; screenshots are kept under `target/board-screenshots/`.

use crate::support::{Demo, verifier};
use crate::webdriver::Browser;
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::types::{Period, PeriodRange};
use gongzhang_demo::community as demo;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The phone: an iPhone SE/mini-class viewport.
const PHONE_WIDTH_PX: u32 = 375;
const PHONE_HEIGHT_PX: u32 = 812;

/// Where the screenshots go (a test artefact; `docs/` keeps a copy chosen by hand).
fn screenshot_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary");
    // …/target/debug/deps/e2e-xxxx → …/target/board-screenshots
    let target = exe
        .parent()
        .and_then(Path::parent)
        .and_then(Path::parent)
        .expect("target dir");
    let dir = target.join("board-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

fn fen_of(v: &Value) -> i64 {
    match v {
        Value::String(s) => s.parse().unwrap_or_else(|_| panic!("not fen: {s}")),
        Value::Number(n) => n.as_i64().expect("fen"),
        other => panic!("not fen: {other}"),
    }
}

/// What every page must have: a language, one h1 and headings in order, header cells in every
/// table, a name for every image-like element, no page wider than the phone, nothing in the
/// console, and the checkpoint it reflects.
fn check_basics(browser: &Browser, page: &str, lang: &str, size: u64) {
    let facts = browser.script(
        r#"
        const headings = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
        let skips = 0;
        for (let i = 1; i < headings.length; i++) if (headings[i] > headings[i - 1] + 1) skips++;
        const tables = [...document.querySelectorAll('table')];
        const unnamed = [...document.querySelectorAll('img:not([alt]), svg[role=img]:not([aria-label]):not([aria-labelledby])')].length;
        const reflects = document.getElementById('reflects');
        return {
            lang: document.documentElement.lang,
            h1: document.querySelectorAll('h1').length,
            first: headings[0] || 0,
            skips,
            tables: tables.length,
            tables_without_th: tables.filter(t => !t.querySelector('th')).length,
            unnamed,
            scroll_width: document.documentElement.scrollWidth,
            reflects_size: reflects ? reflects.dataset.size : null,
            fingerprint: reflects ? reflects.dataset.fingerprint : null,
            external: [...document.querySelectorAll('script,link[rel=stylesheet]:not([href="/board.css"]),img[src^=http],iframe')].length,
            stylesheets: document.styleSheets.length,
            body_line_height: getComputedStyle(document.body).lineHeight,
        };
        "#,
    );
    assert_eq!(facts["lang"], lang, "{page}: {facts}");
    assert_eq!(facts["h1"], 1, "{page}: one h1: {facts}");
    assert_eq!(
        facts["first"], 1,
        "{page}: the first heading is the h1: {facts}"
    );
    assert_eq!(
        facts["skips"], 0,
        "{page}: no heading level skipped: {facts}"
    );
    assert_eq!(
        facts["tables_without_th"], 0,
        "{page}: header cells: {facts}"
    );
    assert_eq!(
        facts["unnamed"], 0,
        "{page}: every image has a name: {facts}"
    );
    assert_eq!(
        facts["external"], 0,
        "{page}: no scripts or external resources: {facts}"
    );
    // The board's own stylesheet loaded under the pages' policy: on a phone its rules give the
    // body 15 px type at 1.6 line height (a policy that blocked it would leave the page
    // unstyled, not broken, so this is checked).
    assert_eq!(facts["stylesheets"], 1, "{page}: {facts}");
    assert_eq!(facts["body_line_height"], "24px", "{page}: {facts}");
    let width = facts["scroll_width"].as_u64().expect("width");
    assert!(
        width <= u64::from(PHONE_WIDTH_PX),
        "{page}: the page is {width} px wide on a {PHONE_WIDTH_PX}-px phone"
    );
    assert_eq!(
        facts["reflects_size"],
        size.to_string(),
        "{page}: states the checkpoint it reflects: {facts}"
    );
    let problems: Vec<(String, String)> = browser
        .console()
        .into_iter()
        .filter(|(level, _)| level == "SEVERE" || level == "WARNING")
        .collect();
    assert!(problems.is_empty(), "{page}: console: {problems:?}");
}

fn save(name: &str, png: &[u8]) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{name} is a PNG");
    std::fs::write(screenshot_dir().join(name), png).expect("write screenshot");
}

/// The verifier's JSON report on what the demo serves.
fn verifier_report(dir: &Path, base: &str, ledger: &Ledger) -> Value {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let api = format!(
        "{base}/api/v1/ledgers/{}",
        gongzhang_server::ledger_segment(ledger.origin())
    );
    for (file, url) in [
        ("served.jsonl", format!("{api}/log")),
        ("served.checkpoint", format!("{api}/checkpoint")),
    ] {
        let body = agent
            .get(&url)
            .call()
            .unwrap_or_else(|e| panic!("GET {url}: {e}"))
            .into_body()
            .with_config()
            .limit(1 << 30)
            .read_to_vec()
            .expect("body");
        std::fs::write(dir.join(file), body).expect("write");
    }
    let out = verifier()
        .current_dir(dir)
        .args([
            "served.jsonl",
            "--checkpoint",
            "served.checkpoint",
            "--key",
            &demo::log_signer().verifier().to_string(),
            "--json",
            "--no-progress",
        ])
        .output()
        .expect("gongzhang-verify");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

#[test]
fn the_notice_board_shows_the_ledgers_figures_on_a_phone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = Demo::start(dir.path(), &[]);
    let community = demo::community(gongzhang::demo::DEMO_SEED);
    let ledger = &community.ledger;
    let size = ledger.size();
    let report = verifier_report(dir.path(), &server.base, ledger);
    let browser = Browser::start(PHONE_WIDTH_PX, PHONE_HEIGHT_PX);
    let base = &server.base;

    // Home: the funds' balances, as the ledger and the verifier have them.
    browser.open(&format!("{base}/"));
    check_basics(&browser, "home", "zh-CN", size);
    let shown = browser.script(
        "return Object.fromEntries([...document.querySelectorAll('[data-fund-balance]')].map(e => [e.dataset.fundBalance, e.dataset.fen]));",
    );
    let balances = ledger.fund_balances();
    assert_eq!(
        shown.as_object().map(|o| o.len()),
        Some(balances.len()),
        "{shown}"
    );
    for (fund, fen) in &balances {
        assert_eq!(fen_of(&shown[fund.as_str()]), fen.get(), "{fund}");
    }
    for fund in report["ledger"]["funds"].as_array().expect("report funds") {
        let name = fund["fund"].as_str().expect("fund");
        assert_eq!(
            fen_of(&shown[name]),
            fen_of(&fund["balance_fen"]),
            "{name} vs the verifier"
        );
    }
    // The chart: 12 months of income and spending, each bar the month's statement, drawn.
    let bars = browser.script(
        r#"const svg = document.getElementById('chart');
           const box = svg.getBoundingClientRect();
           return {width: box.width, height: box.height,
                   bars: [...svg.querySelectorAll('rect[data-month]')].map(r => [r.dataset.month, r.dataset.kind, r.dataset.fen])};"#,
    );
    assert!(
        bars["width"].as_f64().unwrap_or(0.0) > 200.0,
        "chart drawn: {bars}"
    );
    assert!(
        bars["height"].as_f64().unwrap_or(0.0) > 100.0,
        "chart drawn: {bars}"
    );
    let bars = bars["bars"].as_array().expect("bars").clone();
    assert_eq!(bars.len(), 24, "{bars:?}");
    for bar in &bars {
        let month = Period::try_from(bar[0].as_str().expect("month").to_string()).expect("month");
        let st = ledger.statement(PeriodRange {
            from: month,
            to: month,
        });
        let expected: i64 = match bar[1].as_str() {
            Some("income") => st.funds.iter().map(|f| f.received_fen.get()).sum(),
            Some("spending") => st.funds.iter().map(|f| f.spent_fen.get()).sum(),
            other => panic!("bar kind {other:?}"),
        };
        assert_eq!(fen_of(&bar[2]), expected, "{bar:?}");
    }
    let qr = browser.script(
        "const q = document.getElementById('qr'); const b = q.getBoundingClientRect(); return [b.width, b.height, q.querySelectorAll('path,rect').length];",
    );
    assert!(
        qr[0].as_f64().unwrap_or(0.0) >= 120.0,
        "QR code drawn: {qr}"
    );
    assert!(qr[2].as_u64().unwrap_or(0) > 0, "QR code has modules: {qr}");
    save("home-375.png", &browser.full_page_screenshot());

    // The language switch.
    browser.script("document.querySelector('a[hreflang=en]').click(); return null;");
    std::thread::sleep(Duration::from_millis(500));
    check_basics(&browser, "home (English)", "en", size);
    // The English page says its figures in English: no Han characters but the community's name.
    let text = browser.script("return document.querySelector('main, body').innerText;");
    let han: String = text
        .as_str()
        .unwrap_or("")
        .replace(demo::COMMUNITY, "")
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .collect();
    assert!(
        han.chars().count() < 20,
        "Chinese left on the English page: {han}"
    );
    save("home-375-en.png", &browser.full_page_screenshot());
    browser.script("document.querySelector('a[hreflang=zh-CN]').click(); return null;");
    std::thread::sleep(Duration::from_millis(500));
    check_basics(&browser, "home (back to Chinese)", "zh-CN", size);

    // A unit's page: what it owes and paid; each payment links to a proof that verifies.
    let (unit, household) = ledger
        .households()
        .iter()
        .find(|(_, h)| h.payments().count() > 0 && h.position() > 0)
        .expect("a unit that paid and owes");
    browser.open(&format!("{base}/unit/{unit}"));
    check_basics(&browser, "unit", "zh-CN", size);
    let facts = browser.script(
        "const p = document.querySelector('[data-unit]'); return {unit: p.dataset.unit, owed: p.dataset.owedFen, paid: p.dataset.paidFen, charged: p.dataset.chargedFen, proofs: [...document.querySelectorAll('a[data-proof]')].map(a => [a.dataset.proof, a.href])};",
    );
    assert_eq!(facts["unit"], unit.as_str());
    assert_eq!(
        i128::from(fen_of(&facts["owed"])),
        household.position().max(0)
    );
    assert_eq!(i128::from(fen_of(&facts["paid"])), household.paid_total());
    assert_eq!(
        i128::from(fen_of(&facts["charged"])),
        household.charged_total()
    );
    let proofs = facts["proofs"].as_array().expect("proof links");
    assert_eq!(proofs.len(), household.payments().count(), "{proofs:?}");
    let (seq, href) = (&proofs[0][0], proofs[0][1].as_str().expect("href"));
    let seq: u64 = seq.as_str().expect("seq").parse().expect("seq");
    let text = ureq::get(href)
        .call()
        .expect("proof")
        .into_body()
        .read_to_string()
        .expect("text");
    let proof = gongzhang_core::tlog_proof::TlogProof::parse(&text).expect("a tlog-proof");
    let entry = &community.entries[usize::try_from(seq).expect("seq")];
    gongzhang_core::tlog_proof::verify(
        &proof,
        &entry.hash(),
        ledger.origin(),
        &demo::log_signer().verifier(),
        None,
    )
    .expect("the payment's proof verifies");
    save("unit-375.png", &browser.full_page_screenshot());

    // On paper (A4, the notice board itself): no navigation, no form, no language switch.
    browser.cdp(
        "Emulation.setEmulatedMedia",
        &serde_json::json!({"media": "print"}),
    );
    browser.open(&format!("{base}/"));
    let hidden = browser.script(
        "return [...document.querySelectorAll('nav, form, a[hreflang]')].every(e => e.getClientRects().length === 0);",
    );
    assert_eq!(
        hidden,
        Value::Bool(true),
        "printed pages hide navigation and forms"
    );
    browser.cdp(
        "Emulation.setEmulatedMedia",
        &serde_json::json!({"media": ""}),
    );

    // A period statement: each fund's closing balance as the close recorded it.
    let (range, close_seq) = *community.summary.closes.last().expect("a close");
    let label = if range.from == range.to {
        range.from.to_string()
    } else {
        format!("{}-Q{}", range.from.year(), range.from.month() / 3 + 1)
    };
    browser.open(&format!("{base}/statements/{label}"));
    check_basics(&browser, "statement", "zh-CN", size);
    let rows = browser.script(
        "return Object.fromEntries([...document.querySelectorAll('[data-statement-fund]')].map(r => [r.dataset.statementFund, [r.dataset.openingFen, r.dataset.closingFen]]));",
    );
    let recorded = ledger.statement(range);
    assert_eq!(
        rows.as_object().map(|o| o.len()),
        Some(recorded.funds.len()),
        "{rows}"
    );
    for f in &recorded.funds {
        let row = &rows[f.fund.as_str()];
        assert_eq!(
            fen_of(&row[0]),
            f.opening_fen.get(),
            "{} opening ({close_seq})",
            f.fund
        );
        assert_eq!(fen_of(&row[1]), f.closing_fen.get(), "{} closing", f.fund);
    }

    // Arrears: as the verifier's report has them.
    browser.open(&format!("{base}/arrears"));
    check_basics(&browser, "arrears", "zh-CN", size);
    let arrears = browser.script(
        "const e = document.querySelector('[data-arrears-total-fen]'); const u = document.querySelector('[data-units-in-arrears]'); return [e.dataset.arrearsTotalFen, u.dataset.unitsInArrears];",
    );
    assert_eq!(
        fen_of(&arrears[0]),
        fen_of(&report["ledger"]["arrears"]["total_fen"]),
        "{arrears}"
    );
    assert_eq!(
        arrears[1].as_str().map(|s| s.parse::<u64>().ok()),
        Some(report["ledger"]["arrears"]["units_in_arrears"].as_u64())
    );

    // How to verify, and the log in words.
    for (page, path) in [
        ("verify", "/verify"),
        ("log", "/log"),
        ("statements", "/statements"),
    ] {
        browser.open(&format!("{base}{path}"));
        check_basics(&browser, page, "zh-CN", size);
    }
    let key_shown = browser.script("return document.body.innerText;");
    assert!(key_shown.as_str().is_some_and(|t| !t.is_empty()));
    drop(browser);
    assert!(server.stop(), "the demo did not stop gracefully");
}
