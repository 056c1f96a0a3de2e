//! Messages for people: every error a treasurer, committee member, resident or auditor can meet,
//! in plain Chinese first and in English.
//!
//! [`Explain::explain`] with [`Lang::En`](crate::Lang::En) is the error's `Display` text, unchanged. With
//! [`Lang::Zh`](crate::Lang::Zh) it is a message in plain Chinese, without accounting or cryptography jargon, that
//! says what is wrong and what to do next: it names the entry (第 N 条, N being the entry's
//! sequence number as the log and the English messages show it), the unit (3-2-401), amounts in
//! 元 with two decimals, months as 2026年1月, keys by their first eight hexadecimal digits
//! (密钥 3ae63f54…) and funds, roles and owners' matters by their Chinese names.
//!
//! Every variant has its own Chinese message: the `match`es below have no wildcard arm, so a
//! new variant does not compile until it has one.

mod log;
mod reasons;
#[cfg(test)]
mod tests;
mod violation;

use crate::Lang;
use crate::names::*;
use gongzhang_core::canonical::CanonicalError;
use gongzhang_core::entry::EntryError;
use gongzhang_core::ledger::ReplayError;
use gongzhang_core::ledger::events::BodyError;
use gongzhang_core::ledger::{RuleError, Violation};
use gongzhang_core::log::LogError;
use log::*;
use reasons::*;
use violation::*;

/// The snake_case code of an error: its variant's name, from its `Debug` form. The verifier's
/// report and the server's problem documents both name errors by it, so the codes are stable.
pub fn code_of(error: &impl std::fmt::Debug) -> String {
    let debug = format!("{error:?}");
    let name: String = debug
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let mut code = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                code.push('_');
            }
            code.extend(c.to_lowercase());
        } else {
            code.push(c);
        }
    }
    code
}

/// An error explained to a person.
pub trait Explain {
    /// The message in `lang`: for [`Lang::En`] the error's `Display` text, for [`Lang::Zh`] plain
    /// Chinese that says what is wrong and what to do.
    fn explain(&self, lang: Lang) -> String;
}

impl<T: Explain + ?Sized> Explain for &T {
    fn explain(&self, lang: Lang) -> String {
        (**self).explain(lang)
    }
}

impl Explain for ReplayError {
    fn explain(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => match self {
                ReplayError::Log(e) => e.explain(lang),
                ReplayError::Rule(e) => e.explain(lang),
            },
        }
    }
}

impl Explain for RuleError {
    fn explain(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => format!(
                "第 {} 条记录（{}，编号 {}）：{}",
                self.seq,
                kind_label(&self.kind),
                self.event_id,
                self.violation.explain(lang)
            ),
        }
    }
}

impl Explain for Violation {
    fn explain(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => violation_zh(self),
        }
    }
}

impl Explain for BodyError {
    fn explain(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => match self {
                BodyError::UnknownType(kind) => format!(
                    "程序不认识“{kind}”这种记录。请检查记录类型是否写错；如果是新功能，请先把程序更新到最新版本。"
                ),
                BodyError::Invalid { kind, reason } => format!(
                    "这条{}记录的内容填写不对：{}。请对照填写要求改正后重新提交。",
                    kind_label(kind),
                    body_reason(reason)
                ),
            },
        }
    }
}

impl Explain for LogError {
    fn explain(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => log_zh(self),
        }
    }
}

impl Explain for EntryError {
    fn explain(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => entry_zh(self),
        }
    }
}

impl Explain for CanonicalError {
    fn explain(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => format!("{}。{DAMAGED_FILE}", canonical_problem(self)),
        }
    }
}

/// What to do about a line that is not a well-formed entry.
pub(crate) const DAMAGED_FILE: &str = "账本文件可能损坏了，或被人手工改过。请不要手工修改账本文件；请重新下载原始文件再核对，问题仍在时请联系系统维护人员。";
/// What to do when the log was altered.
pub(crate) const REPORT_ALTERED: &str =
    "请重新下载原始账本文件再核对；如果问题还在，请立即向业委会和街道办报告。";
