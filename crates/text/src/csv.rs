//! A period statement as a CSV file that Excel opens correctly: UTF-8 with a byte order mark,
//! CRLF line ends, RFC 4180 quoting, amounts in yuan with two decimals from integer fen.
//!
//! One writer for every place a statement leaves as CSV: the export bundle
//! (`statements/<period>.csv`) and the notice board's download (`/statements/<period>.csv`), so
//! that the two files are byte for byte the same for the same statement. Pure: text in, text out.

use crate::Lang;
use crate::names as messages;
use gongzhang_core::ledger::events::Statement;
use gongzhang_core::ledger::types::{Fen, FundId, PeriodRange};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The UTF-8 byte order mark: without it Excel reads a CSV file in the system's legacy code page
/// (GBK on Chinese Windows) and shows UTF-8 Chinese as mojibake.
pub const UTF8_BOM: &str = "\u{feff}";

/// The columns of a statement CSV: Chinese, with English in brackets, in one header row so that
/// Excel's filters and pivot tables take it as the header.
pub const CSV_HEADER: [&str; 9] = [
    "期间 (period)",
    "部分 (section)",
    "部分代码 (section code)",
    "资金 (fund)",
    "资金代码 (fund code)",
    "类别 (category)",
    "类别代码 (category code)",
    "金额（元） (amount, yuan)",
    "户数 (units)",
];

/// A statement as CSV: one row per figure (fund movements, then charged, income and spending
/// by category, then arrears), each with both the Chinese name and the code of its section,
/// fund and category, so that the file reads well and filters well.
///
/// `item_names` are the fee items' names for people (`property_fee` → 物业费) from the fee
/// schedules; a category not in it gets its usual name ([`messages::category_name`]).
pub fn statement_csv(statement: &Statement, item_names: &BTreeMap<String, String>) -> String {
    let mut csv = Csv::new();
    csv.row(&CSV_HEADER.map(Cell::Text));
    let period = period_label(statement.period);
    for f in &statement.funds {
        let fund = fund_name(&f.fund);
        for (section, code, amount) in [
            ("期初余额", "opening", f.opening_fen),
            ("本期收入", "received", f.received_fen),
            ("本期支出", "spent", f.spent_fen),
            ("资金调拨（净额）", "transferred", f.transferred_fen),
            ("期末余额", "closing", f.closing_fen),
        ] {
            csv.row(&[
                Cell::Text(&period),
                Cell::Text(section),
                Cell::Text(code),
                Cell::Text(&fund),
                Cell::Text(f.fund.as_str()),
                Cell::Empty,
                Cell::Empty,
                Cell::Yuan(amount),
                Cell::Empty,
            ]);
        }
    }
    for (section, code, lines) in [
        ("本期应收", "charged", &statement.charged),
        ("收入明细", "income", &statement.income),
        ("支出明细", "spending", &statement.spending),
    ] {
        for line in lines {
            csv.row(&[
                Cell::Text(&period),
                Cell::Text(section),
                Cell::Text(code),
                Cell::Text(&fund_name(&line.fund)),
                Cell::Text(line.fund.as_str()),
                Cell::Text(&category_name(line.category.as_str(), item_names)),
                Cell::Text(line.category.as_str()),
                Cell::Yuan(line.amount_fen),
                Cell::Empty,
            ]);
        }
    }
    let a = &statement.arrears;
    for (name, code, amount, units) in [
        ("欠费合计", "total", a.total_fen, Some(a.units_in_arrears)),
        ("欠费 0–3 个月", "age_0_3", a.age_0_3_fen, None),
        ("欠费 3–6 个月", "age_3_6", a.age_3_6_fen, None),
        ("欠费 6–12 个月", "age_6_12", a.age_6_12_fen, None),
        ("欠费 12 个月以上", "age_12_plus", a.age_12_plus_fen, None),
    ] {
        csv.row(&[
            Cell::Text(&period),
            Cell::Text("期末欠费"),
            Cell::Text("arrears"),
            Cell::Empty,
            Cell::Empty,
            Cell::Text(name),
            Cell::Text(code),
            Cell::Yuan(amount),
            units.map_or(Cell::Empty, Cell::Count),
        ]);
    }
    csv.text
}

/// The months of a statement for people: `2025-03` or `2025-01至2025-03`.
fn period_label(range: PeriodRange) -> String {
    if range.from == range.to {
        range.from.to_string()
    } else {
        format!("{}至{}", range.from, range.to)
    }
}

/// A fund's Chinese name.
fn fund_name(fund: &FundId) -> String {
    messages::fund_name(fund.as_str(), Lang::Zh)
}

/// A category's Chinese name: the fee schedule's name for a fee item, the usual name for the
/// common income and spending categories, and the category itself otherwise.
fn category_name(slug: &str, item_names: &BTreeMap<String, String>) -> String {
    if let Some(name) = item_names.get(slug) {
        return name.clone();
    }
    messages::category_name(slug, Lang::Zh)
}

/// One CSV cell.
#[derive(Debug, Clone, Copy)]
enum Cell<'a> {
    Text(&'a str),
    /// Yuan with two decimals, from integer fen.
    Yuan(Fen),
    Count(u32),
    Empty,
}

/// A CSV file as Excel opens it correctly: UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting.
#[derive(Debug)]
struct Csv {
    text: String,
}

impl Csv {
    fn new() -> Csv {
        Csv {
            text: UTF8_BOM.to_string(),
        }
    }

    fn row(&mut self, cells: &[Cell<'_>]) {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            match cell {
                Cell::Text(text) => push_csv_text(&mut self.text, text),
                Cell::Yuan(fen) => {
                    let _ = write!(self.text, "{fen}");
                }
                Cell::Count(n) => {
                    let _ = write!(self.text, "{n}");
                }
                Cell::Empty => {}
            }
        }
        self.text.push_str("\r\n");
    }
}

/// Appends a text field, quoted when it holds a comma, a quote or a line break (quotes doubled).
/// Text that Excel would run as a formula (`=`, `+`, `-`, `@` first) gets a leading `'`: names
/// come from whoever recorded the event, and opening the statement must not run their formula.
fn push_csv_text(out: &mut String, text: &str) {
    let guarded;
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        guarded = format!("'{text}");
        guarded.as_str()
    } else {
        text
    };
    if text.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhang_core::ledger::events::{ArrearsSummary, CategoryAmount, FundStatement};
    use gongzhang_core::ledger::types::{Period, Slug};

    fn fen(v: i64) -> Fen {
        Fen::new(v).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn csv_text_is_quoted_when_it_must_be_and_never_runs_as_a_formula() {
        let cases = [
            ("明亮保洁服务部", "明亮保洁服务部"),
            ("张三, 李四", "\"张三, 李四\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("两行\n文字", "\"两行\n文字\""),
            ("a\r\nb", "\"a\r\nb\""),
            ("=1+1", "'=1+1"),
            ("-2,3", "\"'-2,3\""),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("", ""),
        ];
        for (text, want) in cases {
            let mut out = String::new();
            push_csv_text(&mut out, text);
            assert_eq!(out, want, "{text:?}");
        }
    }

    #[test]
    fn csv_rows_end_in_crlf_after_a_bom_and_amounts_are_exact_yuan() {
        let mut csv = Csv::new();
        csv.row(&[
            Cell::Yuan(fen(36_000)),
            Cell::Yuan(fen(-5)),
            Cell::Yuan(fen(0)),
            Cell::Yuan(fen(9_007_199_254_740_991)),
            Cell::Count(7),
            Cell::Empty,
        ]);
        assert_eq!(
            csv.text,
            "\u{feff}360.00,-0.05,0.00,90071992547409.91,7,\r\n"
        );
    }

    #[test]
    fn a_statement_has_a_header_then_one_row_per_figure_named_in_chinese() {
        let month = Period::new(2025, 3).unwrap_or_else(|| unreachable!());
        let slug = |s: &str| Slug::try_from(s).unwrap_or_else(|e| panic!("{e}"));
        let statement = Statement {
            period: PeriodRange {
                from: month,
                to: month,
            },
            funds: vec![FundStatement {
                fund: FundId::operating(),
                opening_fen: fen(10_000),
                received_fen: fen(5_000),
                spent_fen: fen(2_000),
                transferred_fen: fen(0),
                closing_fen: fen(13_000),
            }],
            charged: vec![CategoryAmount {
                fund: FundId::operating(),
                category: slug("property_fee"),
                amount_fen: fen(6_000),
            }],
            income: Vec::new(),
            spending: vec![CategoryAmount {
                fund: FundId::operating(),
                category: slug("cleaning"),
                amount_fen: fen(2_000),
            }],
            arrears: ArrearsSummary {
                units_in_arrears: 2,
                total_fen: fen(1_000),
                age_0_3_fen: fen(1_000),
                ..ArrearsSummary::default()
            },
        };
        let names = BTreeMap::from([("property_fee".to_string(), "物业费（本小区）".to_string())]);
        let csv = statement_csv(&statement, &names);
        let rows: Vec<&str> = csv
            .strip_prefix(UTF8_BOM)
            .unwrap_or_else(|| panic!("no BOM"))
            .split_terminator("\r\n")
            .collect();
        // The amount column's header holds a comma, so it is quoted.
        assert!(rows[0].starts_with("期间 (period),部分 (section),"));
        assert!(rows[0].ends_with(",\"金额（元） (amount, yuan)\",户数 (units)"));
        assert_eq!(rows.len(), 1 + 5 + 2 + 5);
        assert_eq!(
            rows[1],
            "2025-03,期初余额,opening,物业费资金,operating,,,100.00,"
        );
        assert_eq!(
            rows[6],
            "2025-03,本期应收,charged,物业费资金,operating,物业费（本小区）,property_fee,60.00,"
        );
        assert_eq!(
            rows[7],
            "2025-03,支出明细,spending,物业费资金,operating,保洁,cleaning,20.00,"
        );
        assert_eq!(rows[8], "2025-03,期末欠费,arrears,,,欠费合计,total,10.00,2");
        assert_eq!(csv.matches('\n').count(), csv.matches("\r\n").count());
    }
}
