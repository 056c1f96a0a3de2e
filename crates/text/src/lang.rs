//! The one language type: every page, report, message and command line takes a [`Lang`].

use std::fmt;
use std::str::FromStr;

/// The language of what a person reads: simplified Chinese first, English available.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Lang {
    /// 简体中文 (the default).
    #[default]
    #[cfg_attr(feature = "clap", value(alias = "zh-CN", alias = "zh-cn"))]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The text in this language, from a Chinese and an English version.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The BCP 47 tag, for HTML's `lang` and `Content-Language`: `zh-CN` or `en`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The value of a `--lang` flag or a `lang=` query that selects this language.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language name that is neither Chinese nor English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: use zh or en")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;
    /// `zh`, `zh-CN` (any case) or `en`.
    fn from_str(s: &str) -> Result<Lang, UnknownLang> {
        match s.to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_others_are_refused() {
        for lang in [Lang::Zh, Lang::En] {
            assert_eq!(lang.code().parse::<Lang>(), Ok(lang));
            assert_eq!(lang.tag().parse::<Lang>(), Ok(lang));
        }
        assert_eq!("ZH-cn".parse::<Lang>(), Ok(Lang::Zh));
        assert_eq!("fr".parse::<Lang>(), Err(UnknownLang("fr".into())));
        assert_eq!(Lang::default(), Lang::Zh);
        assert_eq!(Lang::En.pick("中", "en"), "en");
        assert_eq!(Lang::Zh.pick("中", "en"), "中");
    }
}
