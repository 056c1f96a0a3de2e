//! The notice board (公示栏) on the demo community, driven in-process with `oneshot`: every page
//! answers HTML in Chinese (or English with `?lang=en`), its figures equal the ledger's to the
//! fen in the data attributes the browser tests read, it states the checkpoint it reflects, and
//! errors are HTML pages with their status. A server holding two ledgers lists them at `/`.

#[path = "support/demo.rs"]
mod demo_support;
#[path = "support/http.rs"]
mod http;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use demo_support::{Ledgers, app, store};
use gongzhang_core::checkpoint::Checkpoint;
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::events::LedgerEvent;
use gongzhang_core::ledger::types::{Period, PeriodRange, Unit};
use gongzhang_core::note;
use gongzhang_demo::community::{self as demo, Demo};
use gongzhang_demo::example;
use gongzhang_server::{BoardOptions, ledger_segment};
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_store::store::Store;
use gongzhang_text::csv::{UTF8_BOM, statement_csv};
use http::Answer;
use std::collections::{BTreeMap, BTreeSet};

async fn get(router: &Router, path: &str) -> Answer {
    http::send(
        router,
        Request::get(path).body(Body::empty()).expect("request"),
    )
    .await
}

/// A page that must be there: 200, HTML, and the accessibility basics.
async fn page(router: &Router, path: &str) -> String {
    let page = get(router, path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.text());
    assert_eq!(page.content_type, "text/html; charset=utf-8", "{path}");
    let html = page.text();
    check_basics(path, &html);
    html
}

/// A start tag and its attributes (values unescaped).
#[derive(Debug, Clone)]
struct Tag {
    name: String,
    attrs: BTreeMap<String, String>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }
    fn num(&self, name: &str) -> i128 {
        self.attr(name)
            .unwrap_or_else(|| panic!("<{}> has no {name}: {:?}", self.name, self.attrs))
            .parse()
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    }
}

/// Decodes the character references the server writes (named and decimal).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let name = &rest[1..end];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name
                .strip_prefix('#')
                .and_then(|n| n.parse::<u32>().ok())
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every start tag of the page, in order (enough HTML for pages this server writes).
fn tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(at) = html[i..].find('<') {
        i += at + 1;
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = BTreeMap::new();
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' || b[i] == b'/' {
                break;
            }
            let k0 = i;
            while i < b.len() && !b"= \t\n>/".contains(&b[i]) {
                i += 1;
            }
            let key = html[k0..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                let quote = b[i];
                if quote == b'"' || quote == b'\'' {
                    i += 1;
                    let v0 = i;
                    while b[i] != quote {
                        i += 1;
                    }
                    value = unescape(&html[v0..i]);
                    i += 1;
                } else {
                    let v0 = i;
                    while i < b.len() && !b" \t\n>".contains(&b[i]) {
                        i += 1;
                    }
                    value = unescape(&html[v0..i]);
                }
            }
            attrs.insert(key, value);
        }
        out.push(Tag { name, attrs });
    }
    out
}

fn with_attr<'a>(tags: &'a [Tag], name: &str) -> Vec<&'a Tag> {
    tags.iter().filter(|t| t.attrs.contains_key(name)).collect()
}

fn one<'a>(tags: &'a [Tag], attr: &str, value: &str) -> &'a Tag {
    let found: Vec<&Tag> = tags
        .iter()
        .filter(|t| t.attr(attr) == Some(value))
        .collect();
    assert_eq!(found.len(), 1, "one element with {attr}={value:?}");
    found[0]
}

/// One `<h1>`, headings in order, `lang`, a language switch, `scope` on every table header,
/// a label on every image-like SVG, no script and nothing loaded from elsewhere.
fn check_basics(path: &str, html: &str) {
    let tags = tags(html);
    let h1 = tags.iter().filter(|t| t.name == "h1").count();
    assert_eq!(h1, 1, "{path}: one <h1>");
    let mut level = 1;
    for t in tags
        .iter()
        .filter(|t| t.name.len() == 2 && t.name.starts_with('h'))
    {
        let Some(n) = t.name[1..].parse::<u32>().ok() else {
            continue;
        };
        assert!(n <= level + 1, "{path}: <{}> after <h{level}>", t.name);
        level = n;
    }
    let html_tag = tags.iter().find(|t| t.name == "html").expect("<html>");
    let lang = html_tag.attr("lang").expect("lang");
    assert!(lang == "zh-CN" || lang == "en", "{path}: lang={lang}");
    let switch = if lang == "en" { "zh-CN" } else { "en" };
    let link = one(&tags, "hreflang", switch);
    assert_eq!(link.name, "a");
    assert!(link.attr("href").is_some_and(|h| h.starts_with('?')));
    for th in tags.iter().filter(|t| t.name == "th") {
        assert!(
            matches!(th.attr("scope"), Some("col" | "row")),
            "{path}: <th> without scope"
        );
    }
    for t in &tags {
        if t.name == "svg" {
            assert_eq!(t.attr("role"), Some("img"), "{path}");
            assert!(
                t.attr("aria-label").is_some() || t.attr("aria-labelledby").is_some(),
                "{path}: an unlabelled svg"
            );
        }
        assert!(
            t.name != "script" && t.name != "img" && t.name != "iframe",
            "{path}"
        );
        // The links are the empty icon, which keeps browsers from asking for /favicon.ico, and
        // the board's own stylesheet (the pages' policy allows no inline style).
        let empty_icon = t.name == "link" && t.attr("href") == Some("data:,");
        let own_stylesheet = t.name == "link"
            && t.attr("rel") == Some("stylesheet")
            && t.attr("href") == Some("/board.css");
        if (t.name == "link" && !empty_icon && !own_stylesheet) || t.name == "img" {
            panic!("{path}: loads <{}>", t.name);
        }
        for attr in ["href", "src", "action"] {
            if let Some(url) = t.attr(attr) {
                assert!(
                    !url.starts_with("http:")
                        && !url.starts_with("https:")
                        && !url.starts_with("//"),
                    "{path}: external {attr}={url}"
                );
            }
        }
    }
    assert!(
        !html.contains("@import") && !html.contains("url("),
        "{path}"
    );
}

async fn ledger<R>(store: &Store<SqliteBackend>, f: impl FnOnce(&Ledger) -> R) -> R {
    store.read_ledger(demo::ORIGIN, f).await.expect("ledger")
}

fn month(p: Period) -> PeriodRange {
    PeriodRange { from: p, to: p }
}

/// `#reflects` names the store's size and the fingerprint of the checkpoint of that size.
async fn check_reflects(store: &Store<SqliteBackend>, path: &str, html: &str) {
    let size = store.size(demo::ORIGIN).await.expect("size");
    let note = store
        .checkpoint(demo::ORIGIN, Some(size))
        .await
        .expect("checkpoint")
        .expect("one");
    let (text, _) = note::parse(&note).expect("note");
    let head = Checkpoint::parse(text).expect("checkpoint").tree_head();
    let tags = tags(html);
    let reflects = one(&tags, "id", "reflects");
    assert_eq!(reflects.name, "p", "{path}");
    assert_eq!(reflects.num("data-size"), i128::from(size), "{path}");
    assert_eq!(
        reflects.attr("data-fingerprint"),
        Some(head.fingerprint().as_str()),
        "{path}"
    );
}

fn item_names(demo: &Demo) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for e in &demo.entries {
        if let Ok(LedgerEvent::FeeScheduleAdopted(s)) = LedgerEvent::from_event(e.event()) {
            for item in s.items {
                names.insert(item.item.to_string(), item.name.to_string());
            }
        }
    }
    names
}

#[tokio::test]
async fn the_demo_communitys_board_shows_the_ledgers_figures_to_the_fen() {
    let (store, demo) = store(Ledgers::Demo).await;
    let router = app(&store, BoardOptions::default());

    // Home: balances, chart, QR code, the checkpoint, in Chinese.
    let home = page(&router, "/").await;
    check_reflects(&store, "/", &home).await;
    let tags_home = tags(&home);
    assert_eq!(tags_home[0].attr("lang"), Some("zh-CN"));
    let balances = ledger(&store, Ledger::fund_balances).await;
    let shown = with_attr(&tags_home, "data-fund-balance");
    assert_eq!(shown.len(), balances.len());
    for (fund, fen) in &balances {
        let td = one(&tags_home, "data-fund-balance", fund.as_str());
        assert_eq!(td.num("data-fen"), i128::from(fen.get()), "{fund}");
    }
    let chart = one(&tags_home, "id", "chart");
    assert_eq!(chart.name, "svg");
    let rects: Vec<&Tag> = tags_home.iter().filter(|t| t.name == "rect").collect();
    assert_eq!(rects.len(), 24, "12 months × income and spending");
    let last = ledger(&store, |l| l.last_period().expect("a month")).await;
    let bars: Vec<&Tag> = rects
        .iter()
        .copied()
        .filter(|r| r.attr("data-month") == Some(&last.to_string()))
        .collect();
    assert_eq!(bars.len(), 2);
    let statement = ledger(&store, |l| l.statement(month(last))).await;
    let received: i128 = statement
        .funds
        .iter()
        .map(|f| i128::from(f.received_fen.get()))
        .sum();
    let spent: i128 = statement
        .funds
        .iter()
        .map(|f| i128::from(f.spent_fen.get()))
        .sum();
    for bar in bars {
        let want = match bar.attr("data-kind") {
            Some("income") => received,
            Some("spending") => spent,
            other => panic!("kind {other:?}"),
        };
        assert_eq!(bar.num("data-fen"), want);
    }
    assert_eq!(one(&tags_home, "id", "qr").name, "svg");
    assert!(home.contains("幸福里小区"));
    assert!(home.contains(r#"<form class="jump" method="get" action="/unit">"#));

    // English: lang switches, links keep it.
    let en = page(&router, "/?lang=en").await;
    let tags_en = tags(&en);
    assert_eq!(tags_en[0].attr("lang"), Some("en"));
    assert!(
        en.contains(r#"href="/statements?lang=en""#),
        "links keep the language"
    );
    assert!(en.contains("Fund balances"));
    assert!(en.contains(r#"<input type="hidden" name="lang" value="en">"#));

    // The statements list: every close, newest first.
    let list = page(&router, "/statements").await;
    check_reflects(&store, "/statements", &list).await;
    let closes: Vec<i128> = with_attr(&tags(&list), "data-close-seq")
        .iter()
        .map(|t| t.num("data-close-seq"))
        .collect();
    let mut want: Vec<i128> = demo
        .summary
        .closes
        .iter()
        .map(|(_, seq)| i128::from(*seq))
        .collect();
    want.reverse();
    assert_eq!(closes, want);

    // A closed quarter: every fund's opening and closing, every expenditure paid in it.
    let (q1, close_seq) = demo.summary.closes[0];
    let path = format!("/statements/{q1}");
    let html = page(&router, &path).await;
    check_reflects(&store, &path, &html).await;
    let t = tags(&html);
    let expected = ledger(&store, |l| l.statement(q1)).await;
    let rows = with_attr(&t, "data-statement-fund");
    assert_eq!(rows.len(), expected.funds.len());
    for f in &expected.funds {
        let row = one(&t, "data-statement-fund", f.fund.as_str());
        assert_eq!(row.num("data-opening-fen"), i128::from(f.opening_fen.get()));
        assert_eq!(row.num("data-closing-fen"), i128::from(f.closing_fen.get()));
    }
    let paid: BTreeSet<i128> = demo
        .entries
        .iter()
        .filter(|e| {
            e.event().kind() == "expense_paid" && q1.contains(Period::of_time(e.recorded_at()))
        })
        .map(|e| i128::from(e.seq()))
        .collect();
    assert!(!paid.is_empty());
    let shown: BTreeSet<i128> = with_attr(&t, "data-expense-seq")
        .iter()
        .map(|r| r.num("data-expense-seq"))
        .collect();
    assert_eq!(shown, paid);
    assert!(
        html.contains("/api/v1/attachments/"),
        "a link to a scanned invoice"
    );
    assert_eq!(
        one(&t, "id", "close").num("data-close-seq"),
        i128::from(close_seq)
    );
    let arrears = one(&t, "id", "statement-arrears");
    assert_eq!(
        arrears.num("data-arrears-total-fen"),
        i128::from(expected.arrears.total_fen.get())
    );

    // Its CSV: core's function on the close's own statement, with the BOM.
    let csv = get(&router, &format!("/statements/{q1}.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.content_type, "text/csv; charset=utf-8");
    let recorded = match LedgerEvent::from_event(demo.entries[close_seq as usize].event()) {
        Ok(LedgerEvent::PeriodClosed(c)) => c.statement,
        other => panic!("entry {close_seq} is {other:?}"),
    };
    assert!(csv.text().starts_with(UTF8_BOM));
    assert_eq!(csv.text(), statement_csv(&recorded, &item_names(&demo)));

    // A payment that was reversed is still listed, marked, in the statement of its month.
    let ids: BTreeMap<&str, u64> = demo
        .entries
        .iter()
        .map(|e| (e.event().id(), e.seq()))
        .collect();
    let mut reversed_payments = 0;
    for seq in &demo.summary.reversals {
        let Ok(LedgerEvent::Reversal(r)) =
            LedgerEvent::from_event(demo.entries[*seq as usize].event())
        else {
            panic!("entry {seq} is not a reversal");
        };
        let target = &demo.entries[ids[r.reverses.as_str()] as usize];
        if target.event().kind() != "expense_paid" {
            continue;
        }
        reversed_payments += 1;
        let month = Period::of_time(target.recorded_at());
        let html = page(&router, &format!("/statements/{month}")).await;
        let t = tags(&html);
        let row = one(&t, "data-expense-seq", &target.seq().to_string());
        assert_eq!(row.attr("class"), Some("reversed"));
        assert!(html.contains(&format!("已由第 {seq} 条撤销")));
    }
    assert_eq!(
        reversed_payments, 1,
        "the demo reverses one expenditure payment"
    );

    // A month not closed yet is shown too, computed.
    let open = page(&router, &format!("/statements/{last}")).await;
    assert!(open.contains(r#"<p id="close"><span class="tag">未结账</span>"#));

    // A unit's page: owed, paid and charged as the ledger has them, a proof per payment.
    let units: Vec<Unit> = vec![
        demo.summary.chronic_units[0].clone(),
        ledger(&store, |l| {
            l.households().keys().next().cloned().expect("a unit")
        })
        .await,
    ];
    let seg = ledger_segment(demo::ORIGIN);
    for unit in units {
        let path = format!("/unit/{unit}");
        let html = page(&router, &path).await;
        check_reflects(&store, &path, &html).await;
        let t = tags(&html);
        let (charged, paid, position, payments) = ledger(&store, |l| {
            let h = &l.households()[&unit];
            let payments: Vec<u64> = h.payments().map(|(seq, _, _)| seq).collect();
            (h.charged_total(), h.paid_total(), h.position(), payments)
        })
        .await;
        let p = one(&t, "data-unit", unit.as_str());
        assert_eq!(p.num("data-charged-fen"), charged);
        assert_eq!(p.num("data-paid-fen"), paid);
        assert_eq!(p.num("data-owed-fen"), position.max(0));
        let proofs = with_attr(&t, "data-proof");
        assert_eq!(proofs.len(), payments.len());
        for (a, seq) in proofs.iter().zip(&payments) {
            assert_eq!(a.num("data-proof"), i128::from(*seq));
            assert_eq!(
                a.attr("href"),
                Some(format!("/api/v1/ledgers/{seg}/entries/{seq}/tlog-proof").as_str())
            );
        }
        if let Some(seq) = payments.first() {
            let proof = get(
                &router,
                &format!("/api/v1/ledgers/{seg}/entries/{seq}/tlog-proof"),
            )
            .await;
            assert_eq!(proof.status, StatusCode::OK, "the proof link works");
        }
    }
    // The home page's form lands on the unit's page.
    let jump = get(&router, "/unit?unit=1-1-101&lang=en").await;
    assert!(jump.status.is_redirection());

    // Arrears: the statement's summary as of the last month; counts only by default.
    let html = page(&router, "/arrears").await;
    check_reflects(&store, "/arrears", &html).await;
    let t = tags(&html);
    let summary = ledger(&store, |l| l.statement(month(last)).arrears).await;
    let p = one(&t, "id", "arrears-summary");
    assert_eq!(
        p.num("data-arrears-total-fen"),
        i128::from(summary.total_fen.get())
    );
    assert_eq!(
        p.num("data-units-in-arrears"),
        i128::from(summary.units_in_arrears)
    );
    assert!(summary.units_in_arrears > 0);
    let bands = with_attr(&t, "data-band");
    assert_eq!(bands.len(), 4);
    let counted: i128 = bands.iter().map(|b| b.num("data-units")).sum();
    assert_eq!(
        counted,
        i128::from(summary.units_in_arrears),
        "each unit once"
    );
    let banded: i128 = bands.iter().map(|b| b.num("data-fen")).sum();
    assert_eq!(banded, i128::from(summary.total_fen.get()));
    assert!(with_attr(&t, "data-arrears-unit").is_empty(), "counts only");

    // How to verify: the key, the genesis hash, the command.
    let html = page(&router, "/verify").await;
    check_reflects(&store, "/verify", &html).await;
    let log_key = ledger(&store, |l| l.log_key().to_string()).await;
    assert!(html.contains(&log_key), "the log key");
    assert!(html.contains(&demo.entries[0].hash().to_hex()));
    assert!(
        html.contains("gongzhang-verify xingfuli.jsonl --checkpoint xingfuli.checkpoint --key")
    );
    assert!(html.contains(&format!("/api/v1/ledgers/{seg}/log")));
    assert_eq!(with_attr(&tags(&html), "data-check").len(), 13);

    // The log: 50 a page, newest first, in words.
    let size = store.size(demo::ORIGIN).await.expect("size");
    let html = page(&router, "/log").await;
    check_reflects(&store, "/log", &html).await;
    let seqs: Vec<i128> = with_attr(&tags(&html), "data-seq")
        .iter()
        .map(|t| t.num("data-seq"))
        .collect();
    let want: Vec<i128> = (size - 50..size).rev().map(i128::from).collect();
    assert_eq!(seqs, want);
    assert!(
        html.contains("审计确认"),
        "the last entry is the audit, in words"
    );
    assert!(html.contains("街道办审计"), "signed by the auditor");
    assert!(html.contains(r#"href="/log?page=2""#));
    let html = page(&router, "/log?page=3&lang=en").await;
    let t = tags(&html);
    let hrefs: Vec<&str> = t.iter().filter_map(|t| t.attr("href")).collect();
    assert!(hrefs.contains(&"/log?page=2&lang=en"), "newer, in English");
    assert!(hrefs.contains(&"/log?page=4&lang=en"), "older, in English");
    assert_eq!(
        one(&t, "hreflang", "zh-CN").attr("href"),
        Some("?page=3&lang=zh"),
        "the switch keeps the page"
    );
    let pages = size.div_ceil(50);
    let html = page(&router, &format!("/log?page={pages}")).await;
    assert!(html.contains("开账"), "the first page is the genesis");
    assert!(html.contains("业委会委员"));
}

#[tokio::test]
async fn errors_are_html_pages_with_their_status_and_the_api_keeps_its_problems() {
    let (store, _) = store(Ledgers::Demo).await;
    let router = app(&store, BoardOptions::default());
    for (path, status, says) in [
        (
            "/unit/9-9-999",
            StatusCode::NOT_FOUND,
            "账本中没有登记房号 9-9-999",
        ),
        ("/unit/not-a-unit", StatusCode::NOT_FOUND, "不是房号"),
        ("/unit?unit=", StatusCode::NOT_FOUND, "不是房号"),
        (
            "/statements/2099-01",
            StatusCode::NOT_FOUND,
            "没有“2099-01”这一期的公示",
        ),
        ("/statements/2025-13", StatusCode::NOT_FOUND, "这一期的公示"),
        (
            "/statements/garbage.csv",
            StatusCode::NOT_FOUND,
            "这一期的公示",
        ),
        ("/log?page=0", StatusCode::NOT_FOUND, "日志没有第 0 页"),
        (
            "/log?page=9999",
            StatusCode::NOT_FOUND,
            "日志没有第 9999 页",
        ),
        (
            "/c/nowhere.example%2Fx/",
            StatusCode::NOT_FOUND,
            "没有账本 nowhere.example/x",
        ),
        (
            "/c/nowhere.example%2Fx/arrears",
            StatusCode::NOT_FOUND,
            "没有账本",
        ),
        ("/no/such/page", StatusCode::NOT_FOUND, "没有这个页面"),
    ] {
        let page = get(&router, path).await;
        assert_eq!(page.status, status, "{path}: {}", page.text());
        assert_eq!(page.content_type, "text/html; charset=utf-8", "{path}");
        let html = page.text();
        assert!(html.contains(says), "{path}: {html}");
        check_basics(path, &html);
    }
    let en = get(&router, "/unit/9-9-999?lang=en").await;
    assert_eq!(en.status, StatusCode::NOT_FOUND);
    assert!(en.text().contains("unit 9-9-999 is not registered"));
    assert!(en.text().contains(r#"<html lang="en">"#));

    let api = get(&router, "/api/v1/nope").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.content_type, "application/problem+json");
    let post = http::send(
        &router,
        Request::post("/arrears")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post.content_type, "text/html; charset=utf-8");
}

#[tokio::test]
async fn the_committee_may_list_the_units_in_arrears() {
    let (store, _) = store(Ledgers::Demo).await;
    let router = app(
        &store,
        BoardOptions {
            show_arrears_units: true,
        },
    );
    let html = page(&router, "/arrears").await;
    let t = tags(&html);
    let listed = with_attr(&t, "data-arrears-unit");
    let (units, owed) = ledger(&store, |l| {
        let last = l.last_period().expect("a month");
        let owing: BTreeMap<String, i128> = l
            .households()
            .iter()
            .filter_map(|(u, h)| {
                let fen: i128 = h
                    .outstanding()
                    .iter()
                    .filter(|o| o.period <= last)
                    .map(|o| i128::from(o.amount.get()))
                    .sum();
                (fen > 0).then(|| (u.to_string(), fen))
            })
            .collect();
        (l.statement(month(last)).arrears.units_in_arrears, owing)
    })
    .await;
    assert_eq!(listed.len(), units as usize);
    for tag in listed {
        let unit = tag.attr("data-arrears-unit").expect("unit");
        assert_eq!(tag.num("data-owed-fen"), owed[unit], "{unit}");
    }
}

#[tokio::test]
async fn a_server_with_two_ledgers_lists_the_communities_and_serves_each_board_under_its_origin() {
    let (store, _) = store(Ledgers::ExampleAndDemo).await;
    let router = app(&store, BoardOptions::default());
    let html = page(&router, "/").await;
    let t = tags(&html);
    for (origin, name) in [
        (example::ORIGIN, "和谐家园"),
        (demo::ORIGIN, demo::COMMUNITY),
    ] {
        one(&t, "data-origin", origin);
        assert!(html.contains(name), "{name}");
        assert!(html.contains(&format!(r#"href="/c/{}/""#, ledger_segment(origin))));
    }
    assert!(
        !html.contains(r#"id="reflects""#),
        "the list is about no one ledger"
    );

    let demo_home = page(&router, &format!("/c/{}/", ledger_segment(demo::ORIGIN))).await;
    check_reflects(&store, "/c/…/", &demo_home).await;
    assert!(demo_home.contains(&format!(
        r#"href="/c/{}/statements""#,
        ledger_segment(demo::ORIGIN)
    )));
    let example_home = page(
        &router,
        &format!("/c/{}/?lang=en", ledger_segment(example::ORIGIN)),
    )
    .await;
    let size = store.size(example::ORIGIN).await.expect("size");
    let t = tags(&example_home);
    assert_eq!(one(&t, "id", "reflects").num("data-size"), i128::from(size));
    for path in ["statements", "arrears", "verify", "log"] {
        page(
            &router,
            &format!("/c/{}/{path}", ledger_segment(example::ORIGIN)),
        )
        .await;
    }
    // Without a ledger in the path, a page cannot know which community is meant.
    let page = get(&router, "/arrears").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text().contains("多个小区"));
}

#[tokio::test]
async fn the_board_names_the_witnesses_and_how_far_behind_their_last_cosignature_is() {
    use gongzhang_core::cosignature::cosign;
    use gongzhang_core::entry::Event;
    use gongzhang_store::store::Submission;
    let (store, _) = store(Ledgers::ExampleAndDemo).await;
    let router = app(&store, BoardOptions::default());
    let home = format!("/c/{}/", ledger_segment(example::ORIGIN));
    let size = store.size(example::ORIGIN).await.expect("size");
    let root = store.root(example::ORIGIN, size).await.expect("root");
    let witness = gongzhang_demo::vectors::witness_signer();
    let line = cosign(
        &Checkpoint::new(example::ORIGIN, size, root).expect("checkpoint"),
        &witness,
        1_770_700_000,
    )
    .expect("cosign")
    .to_line();
    store
        .add_cosignature(example::ORIGIN, size, &line, &[witness.verifier()])
        .await
        .expect("cosignature");
    let html = page(&router, &home).await;
    one(&tags(&html), "data-witness", witness.name());
    assert!(!html.contains("尚无见证人联署"), "{html}");

    // One more entry: the board reflects a checkpoint no witness has cosigned yet, and says
    // which one they did cosign.
    let serde_json::Value::Object(body) =
        serde_json::json!({"unit": "1-1-101", "amount_fen": 100, "channel": "cash"})
    else {
        unreachable!()
    };
    let event = Event::new("board-witness-1", "payment_received", body).expect("event");
    let signature = event.sign(example::ORIGIN, &example::signer("treasurer"));
    store
        .append(
            example::ORIGIN,
            Submission {
                event,
                signatures: vec![signature],
            },
        )
        .await
        .expect("append");
    let html = page(&router, &home).await;
    assert!(html.contains("尚无见证人联署"), "{html}");
    let t = tags(&html);
    let last = one(&t, "id", "last-cosigned");
    assert_eq!(last.num("data-size"), i128::from(size));
    assert_eq!(last.num("data-behind"), 1);
    assert!(
        html.contains(&format!(
            "见证人（{}）最近联署的是第 {size} 条时的检查点，比这一检查点少 1 条",
            witness.name()
        )),
        "{html}"
    );
    let english = page(&router, &format!("{home}?lang=en")).await;
    assert!(
        english.contains(&format!(
            "The witnesses ({}) last cosigned the checkpoint at {size} entries, 1 entry before this one",
            witness.name()
        )),
        "{english}"
    );
}
