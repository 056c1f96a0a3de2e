//! The home page's bar chart: income against spending for the last twelve months, as inline
//! SVG written on the server (no script, no image file). The scale is integer arithmetic on fen:
//! a bar's height is its amount times the plot height divided by the axis maximum.

use super::WebLang as _;
use gongzhang_core::ledger::types::Period;
use gongzhang_text::Lang;
use gongzhang_text::format::yuan;
use std::fmt::Write as _;

/// Months the chart shows.
pub const CHART_MONTHS: usize = 12;

/// One month's figures, in fen (all funds together).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthFlow {
    /// The month (Beijing time).
    pub period: Period,
    /// Money received (fees, other income, grants), net of reversals.
    pub income_fen: i128,
    /// Money spent, net of reversals.
    pub spending_fen: i128,
}

// The drawing, in SVG user units; the viewBox makes it scale to the screen's width.
// Sized so that on a 375-px phone (about 340 px for the drawing) its 15-unit text is still
// about 9 px high.
const LEFT: i64 = 66;
const RIGHT: i64 = 6;
const TOP: i64 = 36;
const PLOT_HEIGHT: i64 = 200;
const BOTTOM: i64 = 44;
const GROUP_WIDTH: i64 = 42;
const BAR_WIDTH: i64 = 17;
const BAR_GAP: i64 = 3;
const FONT_SIZE: i64 = 15;
const WIDTH: i64 = LEFT + GROUP_WIDTH * CHART_MONTHS as i64 + RIGHT;
const HEIGHT: i64 = TOP + PLOT_HEIGHT + BOTTOM;
const TICKS_WANTED: i128 = 4;
/// Bar colours: income blue, spending orange (told apart by position and the legend as well).
const INCOME_FILL: &str = "#1f6fb2";
const SPENDING_FILL: &str = "#d9822b";

/// The axis step: the smallest of 1, 2, 5 × 10^k yuan-or-fen that fits `max` in
/// [`TICKS_WANTED`] steps (at least one yuan).
fn tick_step(max_fen: i128) -> i128 {
    let raw = (max_fen + TICKS_WANTED - 1) / TICKS_WANTED;
    let mut magnitude: i128 = 100;
    while magnitude * 10 <= raw {
        magnitude *= 10;
    }
    for m in [1, 2, 5, 10] {
        if magnitude * m >= raw {
            return magnitude * m;
        }
    }
    magnitude * 10
}

/// Fen in one 万 (ten thousand yuan): the axis unit once the axis reaches 100,000 yuan, so that
/// its labels stay short.
const WAN_FEN: i128 = 1_000_000;

/// A tick's label in whole axis units (every step is a whole number of them).
fn tick_label(fen: i128, unit_fen: i128) -> String {
    let text = yuan(fen / unit_fen * 100);
    text.strip_suffix(".00").unwrap_or(&text).to_string()
}

/// Escapes text for SVG/HTML content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn month_label(p: Period, l: Lang) -> String {
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    if l.is_en() {
        EN[usize::from(p.month().clamp(1, 12)) - 1].to_string()
    } else {
        format!("{}月", p.month())
    }
}

/// The chart as an `<svg id="chart">` element: one `<rect>` per bar (and no other rect), each
/// with `data-month`, `data-kind` (`income` or `spending`) and `data-fen`, a `<title>` and
/// `<desc>` it is labelled by, the y axis in yuan, the months under the bars and a legend.
pub fn bar_chart(months: &[MonthFlow], l: Lang) -> String {
    let max = months
        .iter()
        .flat_map(|m| [m.income_fen, m.spending_fen])
        .max()
        .unwrap_or(0)
        .max(1);
    let step = tick_step(max);
    let ticks = (max + step - 1) / step;
    let top_fen = step * ticks;
    let (unit_fen, unit_name) = if top_fen >= 10 * WAN_FEN {
        (WAN_FEN, l.pick("万元", "10,000 yuan"))
    } else {
        (100, l.pick("元", "yuan"))
    };
    let base = TOP + PLOT_HEIGHT;
    let height_of = |fen: i128| -> i64 {
        // Negative months (more reversed than recorded) draw no bar; the figure stays in data-fen.
        let h = fen.max(0) * i128::from(PLOT_HEIGHT) / top_fen;
        i64::try_from(h).unwrap_or(PLOT_HEIGHT)
    };

    let title = l.pick("近12个月收入与支出", "Income and spending, last 12 months");
    let desc = chart_description(months, l);

    let mut svg = String::with_capacity(8 * 1024);
    let _ = write!(
        svg,
        r#"<svg id="chart" role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg" font-size="{FONT_SIZE}"><title id="chart-title">{}</title><desc id="chart-desc">{}</desc>"#,
        esc(title),
        esc(&desc)
    );
    // Grid lines and y labels.
    for i in 0..=ticks {
        let fen = step * i;
        let y = base - height_of(fen);
        let _ = write!(
            svg,
            r##"<path d="M{LEFT} {y}H{}" stroke="{}" stroke-width="1"/><text x="{}" y="{}" text-anchor="end" fill="#333">{}</text>"##,
            WIDTH - RIGHT,
            if i == 0 { "#333" } else { "#ddd" },
            LEFT - 6,
            y + 5,
            tick_label(fen, unit_fen)
        );
    }
    let _ = write!(
        svg,
        r##"<text x="4" y="{}" fill="#333">{}</text>"##,
        TOP - 10,
        esc(unit_name)
    );
    // Bars and month labels.
    let (income_word, spending_word) = (l.pick("收入", "income"), l.pick("支出", "spending"));
    let mut x = LEFT;
    let mut last_year = None;
    for m in months {
        for (kind, word, fen, fill, dx) in [
            ("income", income_word, m.income_fen, INCOME_FILL, BAR_GAP),
            (
                "spending",
                spending_word,
                m.spending_fen,
                SPENDING_FILL,
                BAR_GAP * 2 + BAR_WIDTH,
            ),
        ] {
            let h = height_of(fen);
            let _ = write!(
                svg,
                r#"<rect data-month="{p}" data-kind="{kind}" data-fen="{fen}" x="{}" y="{}" width="{BAR_WIDTH}" height="{h}" fill="{fill}"><title>{p} {} {} {}</title></rect>"#,
                x + dx,
                base - h,
                esc(word),
                yuan(fen),
                esc(l.pick("元", "yuan")),
                p = m.period,
            );
        }
        let cx = x + GROUP_WIDTH / 2;
        let _ = write!(
            svg,
            r##"<text x="{cx}" y="{}" text-anchor="middle" fill="#333">{}</text>"##,
            base + 18,
            esc(&month_label(m.period, l))
        );
        if last_year != Some(m.period.year()) {
            let _ = write!(
                svg,
                r##"<text x="{cx}" y="{}" text-anchor="middle" fill="#555">{}</text>"##,
                base + 36,
                m.period.year()
            );
            last_year = Some(m.period.year());
        }
        x += GROUP_WIDTH;
    }
    legend(
        &mut svg,
        [(income_word, INCOME_FILL), (spending_word, SPENDING_FILL)],
    );
    svg.push_str("</svg>");
    svg
}

/// What the chart shows, for a screen reader: the months and the totals.
fn chart_description(months: &[MonthFlow], l: Lang) -> String {
    let (first, last) = match (months.first(), months.last()) {
        (Some(f), Some(z)) => (f.period.to_string(), z.period.to_string()),
        _ => (String::new(), String::new()),
    };
    let total = |f: fn(&MonthFlow) -> i128| months.iter().map(f).sum::<i128>();
    if l.is_en() {
        format!(
            "{first} to {last}: income {} yuan, spending {} yuan in total; the table below lists every month.",
            yuan(total(|m| m.income_fen)),
            yuan(total(|m| m.spending_fen))
        )
    } else {
        format!(
            "{first} 至 {last}：收入合计 {} 元，支出合计 {} 元；每月数字见下表。",
            yuan(total(|m| m.income_fen)),
            yuan(total(|m| m.spending_fen))
        )
    }
}

/// The legend: each word beside a square of its bars' colour.
fn legend(svg: &mut String, words: [(&str, &str); 2]) {
    // Legend (paths, not rects: the bars are the only rects).
    let legend_y = 6;
    for (i, (word, fill)) in words.into_iter().enumerate() {
        let lx = LEFT + 40 + i64::try_from(i).unwrap_or(0) * 100;
        let _ = write!(
            svg,
            r##"<path d="M{lx} {legend_y}h14v14h-14z" fill="{fill}"/><text x="{}" y="{}" fill="#333">{}</text>"##,
            lx + 20,
            legend_y + 13,
            esc(word)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round_and_cover_the_maximum() {
        assert_eq!(tick_step(1), 100);
        assert_eq!(tick_step(400), 100);
        assert_eq!(tick_step(401), 200);
        assert_eq!(tick_step(300_000), 100_000);
        assert_eq!(tick_step(300_001), 100_000);
        assert_eq!(tick_step(400_001), 200_000);
        assert_eq!(tick_step(12_345_678), 5_000_000);
        for max in [1, 7, 99, 12_345, 999_999_999, 9_007_199_254_740_991] {
            let step = tick_step(max);
            assert!(step * TICKS_WANTED >= max, "{max}");
        }
    }

    #[test]
    fn every_month_has_two_bars_scaled_in_integers() {
        let months: Vec<MonthFlow> = (1..=12)
            .map(|m| MonthFlow {
                period: Period::new(2026, m).unwrap_or_else(|| unreachable!()),
                income_fen: i128::from(m) * 100_000,
                spending_fen: if m == 3 { -500 } else { 50_000 },
            })
            .collect();
        let svg = bar_chart(&months, Lang::Zh);
        assert_eq!(svg.matches("<rect ").count(), 24);
        assert!(svg.contains(r#"data-month="2026-12" data-kind="income" data-fen="1200000""#));
        // 12,000 yuan on an axis of 15,000 yuan (steps of 5,000): 4/5 of the plot's height.
        assert!(svg.contains(r#"data-fen="1200000" x="531" y="76" width="17" height="160""#));
        assert!(svg.contains(r#"data-month="2026-03" data-kind="spending" data-fen="-500""#));
        assert!(svg.contains("<title id=\"chart-title\">近12个月收入与支出</title>"));
        assert!(
            svg.contains(">15,000</text>"),
            "the top of the axis, in yuan"
        );
        let big: Vec<MonthFlow> = months
            .iter()
            .map(|m| MonthFlow {
                income_fen: m.income_fen * 100,
                ..*m
            })
            .collect();
        let svg = bar_chart(&big, Lang::Zh);
        assert!(
            svg.contains(">150</text>") && svg.contains(">万元</text>"),
            "in 万元"
        );
    }
}
