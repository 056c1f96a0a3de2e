//! Each argument read by its `gongzhang_compose` reader, and a mistake said of the argument and
//! the text in the person's language: `--amount "36O.00"：不是金额，应写成 360.00 这样的元数`. The
//! words of every problem are compose's (`gongzhang_compose::explain`); the only words of the
//! command line's own here are for a file it cannot read.

use super::DraftAttachment;
use anyhow::anyhow;
use gongzhang_compose::file::{self as compose_file, Attached};
use gongzhang_compose::{ValueError, amount};
use gongzhang_core::ledger::types::Fen;
use gongzhang_text::{Explain, Lang};
use std::fmt;
use std::path::Path;

/// An argument that cannot be read: `--amount "36O.00"：不是金额，应写成 360.00 这样的元数`.
pub(super) fn bad_arg(
    lang: Lang,
    arg: &str,
    value: &str,
    problem: impl fmt::Display,
) -> anyhow::Error {
    match lang {
        Lang::Zh => anyhow!("{arg} {value:?}：{problem}"),
        Lang::En => anyhow!("{arg} {value:?}: {problem}"),
    }
}

/// An argument missing for what the others say: `--number：--invoice 发票 要写票据号码`.
pub(super) fn missing_arg(lang: Lang, arg: &str, problem: impl fmt::Display) -> anyhow::Error {
    match lang {
        Lang::Zh => anyhow!("{arg}：{problem}"),
        Lang::En => anyhow!("{arg}: {problem}"),
    }
}

/// An intent the other arguments or the books refuse, said of `arg` as written:
/// `--unit "9-9-999"：没有登记这个房号，请核对`.
pub(super) fn refused(lang: Lang, arg: &str, value: &str, e: &impl Explain) -> anyhow::Error {
    bad_arg(lang, arg, value, e.explain(lang))
}

/// An intent refused for want of `arg`: `--decision：动用维修资金要有业主共同决定……`.
pub(super) fn refused_missing(lang: Lang, arg: &str, e: &impl Explain) -> anyhow::Error {
    missing_arg(lang, arg, e.explain(lang))
}

/// `--amount "36O.00"：不是金额，应写成 360.00 这样的元数`: the text that is wrong, which for a
/// repeated argument is the one of its texts that holds the mistake.
pub(super) fn value_error(lang: Lang, arg: &str, e: &ValueError) -> anyhow::Error {
    bad_arg(lang, arg, &e.text, e.explain(lang))
}

/// Reads the amount in yuan given as `arg`; the error names the argument and says what to write
/// instead, in `lang`.
pub fn yuan_arg(lang: Lang, arg: &str, text: &str) -> anyhow::Result<Fen> {
    read(lang, arg, text, amount::yuan)
}

/// Reads `text`, given as `arg`, with `parse`.
pub(super) fn read<T>(
    lang: Lang,
    arg: &str,
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, ValueError>,
) -> anyhow::Result<T> {
    parse(text).map_err(|e| value_error(lang, arg, &e))
}

/// An optional argument, read with `parse` when given.
pub(super) fn optional<T>(
    lang: Lang,
    arg: &str,
    text: &Option<String>,
    parse: impl FnOnce(&str) -> Result<T, ValueError>,
) -> anyhow::Result<Option<T>> {
    text.as_deref()
        .map(|text| read(lang, arg, text, parse))
        .transpose()
}

/// A repeated argument, each one read with `parse`.
pub(super) fn each<T>(
    lang: Lang,
    arg: &str,
    texts: &[String],
    parse: impl Fn(&str) -> Result<T, ValueError>,
) -> anyhow::Result<Vec<T>> {
    texts
        .iter()
        .map(|text| read(lang, arg, text, &parse))
        .collect()
}

/// Reads a file named on the command line, refusing one that cannot be read, is empty, too large
/// to store or of a type the ledger does not keep.
pub(super) fn attachment(lang: Lang, arg: &str, path: &Path) -> anyhow::Result<DraftAttachment> {
    let shown = path.display().to_string();
    let unreadable = |e: std::io::Error| {
        let problem = match (lang, e.kind()) {
            (Lang::En, _) => format!("cannot be read: {e}"),
            (Lang::Zh, std::io::ErrorKind::NotFound) => {
                "没有这个文件，请核对文件名和所在的文件夹".to_string()
            }
            (Lang::Zh, std::io::ErrorKind::PermissionDenied) => "没有权限读这个文件".to_string(),
            (Lang::Zh, _) => format!("读不到这个文件（{e}）"),
        };
        bad_arg(lang, arg, &shown, problem)
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    compose_file::check_size(size).map_err(|e| refused(lang, arg, &shown, &e))?;
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let file = Attached::from_bytes(&bytes).map_err(|e| refused(lang, arg, &shown, &e))?;
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
    use gongzhang_compose::choices::{CHANNELS, INVOICE_KINDS};
    use gongzhang_compose::names::{self, Category};
    use gongzhang_compose::{lines, periods};

    #[test]
    fn amount_errors_name_the_argument_and_what_to_write() {
        let zh = |text: &str| {
            yuan_arg(Lang::Zh, "--amount", text)
                .unwrap_err()
                .to_string()
        };
        let en = |text: &str| {
            yuan_arg(Lang::En, "--amount", text)
                .unwrap_err()
                .to_string()
        };
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
            read(Lang::Zh, "--area", "85,23", amount::area)
                .unwrap_err()
                .to_string(),
            "--area \"85,23\"：不是面积，应写成 85.23 这样的平方米数"
        );
    }

    #[test]
    fn month_list_errors_name_the_text_that_is_wrong() {
        let read = |texts: &[&str]| {
            periods::months(texts)
                .map_err(|e| value_error(Lang::Zh, "--periods", &e))
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
            read(Lang::Zh, arg, text, parse).unwrap_err().to_string()
        };
        assert_eq!(
            zh("--channel", "刷卡", |t| CHANNELS.read(t).map(drop)),
            "--channel \"刷卡\"：不是付款方式，应写 现金、微信、支付宝 或 银行转账"
        );
        assert_eq!(
            read(Lang::En, "--invoice", "ticket", |t| INVOICE_KINDS.read(t))
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
            read(Lang::En, "--payee", " ", names::label)
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
            "--item" => read(Lang::Zh, arg, text, lines::fee_item).map(drop),
            _ => read(Lang::Zh, arg, text, lines::budget_line).map(drop),
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
                Lang::En,
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
