//! Words with a fixed meaning: channels, invoice kinds, roles, matters, outcomes, fee bases —
//! each value with the words people type for it, Chinese and English.

use crate::error::{Problem, ValueError};
use gongzhang_core::ledger::events::Outcome;
use gongzhang_core::ledger::types::{Channel, FeeBasis, InvoiceKind, Matter, Role};

/// Which table a word was looked up in, for the message that lists what may be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// How money was paid ([`CHANNELS`]).
    Channel,
    /// The document behind a payment ([`INVOICE_KINDS`]).
    InvoiceKind,
    /// A role a key holds ([`ROLES`]).
    Role,
    /// What an owners' vote is about ([`MATTERS`]).
    Matter,
    /// A vote's result ([`OUTCOMES`]).
    Outcome,
    /// How a fee item is charged ([`FEE_BASES`]).
    FeeBasis,
}

/// The words a person may type for each value, compared trimmed, in lowercase, `-` as `_`.
#[derive(Debug)]
pub struct Choices<T: 'static> {
    /// Which table this is.
    pub what: Choice,
    /// Each value with its words.
    pub words: &'static [(&'static [&'static str], T)],
}

impl<T: Copy> Choices<T> {
    /// The value `text` names, if any.
    pub fn find(&self, text: &str) -> Option<T> {
        let word = text.trim().to_lowercase().replace('-', "_");
        self.words
            .iter()
            .find(|(names, _)| names.contains(&word.as_str()))
            .map(|(_, value)| *value)
    }

    /// The value `text` names, or [`Problem::NotAChoice`].
    pub fn read(&self, text: &str) -> Result<T, ValueError> {
        self.find(text)
            .ok_or_else(|| ValueError::new(text, Problem::NotAChoice(self.what)))
    }
}

/// How money was paid.
pub const CHANNELS: Choices<Channel> = Choices {
    what: Choice::Channel,
    words: &[
        (&["cash", "现金"], Channel::Cash),
        (
            &["wechat", "wechat_pay", "weixin", "微信", "微信支付"],
            Channel::WechatPay,
        ),
        (&["alipay", "支付宝"], Channel::Alipay),
        (
            &["bank", "bank_transfer", "银行", "银行转账", "转账"],
            Channel::BankTransfer,
        ),
    ],
};

/// The document behind a payment.
pub const INVOICE_KINDS: Choices<InvoiceKind> = Choices {
    what: Choice::InvoiceKind,
    words: &[
        (&["fapiao", "invoice", "发票"], InvoiceKind::Fapiao),
        (&["receipt", "收据"], InvoiceKind::Receipt),
        (&["none", "无", "没有"], InvoiceKind::None),
    ],
};

/// The roles a key may hold.
pub const ROLES: Choices<Role> = Choices {
    what: Choice::Role,
    words: &[
        (
            &[
                "committee_member",
                "committee",
                "member",
                "委员",
                "业委会委员",
            ],
            Role::CommitteeMember,
        ),
        (&["treasurer", "出纳", "财务"], Role::Treasurer),
        (&["auditor", "审计", "街道办审计"], Role::Auditor),
    ],
};

/// What owners vote on.
pub const MATTERS: Choices<Matter> = Choices {
    what: Choice::Matter,
    words: &[
        (
            &["raise_maintenance_fund", "筹集维修资金"],
            Matter::RaiseMaintenanceFund,
        ),
        (&["rebuild", "改建重建", "改建", "重建"], Matter::Rebuild),
        (
            &["change_common_use", "改变共有部分用途"],
            Matter::ChangeCommonUse,
        ),
        (
            &["use_maintenance_fund", "使用维修资金"],
            Matter::UseMaintenanceFund,
        ),
        (
            &["fee_schedule", "收费标准", "制定收费标准"],
            Matter::FeeSchedule,
        ),
        (
            &["elect_committee", "选举业委会", "选举业主委员会"],
            Matter::ElectCommittee,
        ),
        (&["fund_transfer", "资金调拨"], Matter::FundTransfer),
        (&["budget", "预算"], Matter::Budget),
        (&["other", "其他"], Matter::Other),
    ],
};

/// A vote's result.
pub const OUTCOMES: Choices<Outcome> = Choices {
    what: Choice::Outcome,
    words: &[
        (&["passed", "pass", "通过"], Outcome::Passed),
        (&["rejected", "reject", "未通过", "否决"], Outcome::Rejected),
    ],
};

/// How a fee item is charged.
pub const FEE_BASES: Choices<FeeBasis> = Choices {
    what: Choice::FeeBasis,
    words: &[
        (
            &["per_m2", "m2", "㎡", "每平方米", "按面积"],
            FeeBasis::PerM2,
        ),
        (
            &["per_household", "household", "每户", "按户"],
            FeeBasis::PerHousehold,
        ),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_for_channels_roles_and_matters_in_chinese_and_english() {
        for (text, channel) in [
            ("现金", Channel::Cash),
            ("cash", Channel::Cash),
            ("微信", Channel::WechatPay),
            ("WeChat", Channel::WechatPay),
            ("wechat-pay", Channel::WechatPay),
            ("支付宝", Channel::Alipay),
            ("银行转账", Channel::BankTransfer),
            ("bank", Channel::BankTransfer),
        ] {
            assert_eq!(CHANNELS.read(text), Ok(channel));
        }
        assert_eq!(
            CHANNELS.read("刷卡"),
            Err(ValueError::new(
                "刷卡",
                Problem::NotAChoice(Choice::Channel)
            ))
        );
        assert_eq!(ROLES.read("出纳"), Ok(Role::Treasurer));
        assert_eq!(MATTERS.read("使用维修资金"), Ok(Matter::UseMaintenanceFund));
        assert_eq!(OUTCOMES.read("未通过"), Ok(Outcome::Rejected));
        assert_eq!(FEE_BASES.find("每户"), Some(FeeBasis::PerHousehold));
    }
}
