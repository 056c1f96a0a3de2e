//! `/verify`: how to verify: downloads, the command, the keys, and what each check means.

use super::shared::{Shared, checkpoint_view, html};
use crate::AppState;
use crate::board::{Chrome, Ctx, Failure, WebLang as _};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use gongzhang_core::keys::PublicKey;
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::types::Role;
use gongzhang_store::backend::Backend;
use gongzhang_text::Lang;
use gongzhang_text::format::yuan_of;
use gongzhang_text::names::role_name;

/// A check of the verifier and what passing it means (docs/verify.md).
#[derive(Debug, Clone)]
pub(crate) struct CheckRow {
    pub code: &'static str,
    pub meaning: &'static str,
}

/// Every check `gongzhang-verify` reports, with its meaning in plain words, as in
/// `docs/verify.md`.
const CHECKS: [(&str, &str, &str); 13] = [
    (
        "format",
        "每一行都是规范格式（RFC 8785）的条目，没有重复字段、小数或超范围整数",
        "every line is a canonical entry (RFC 8785): no duplicate fields, decimals or out-of-range integers",
    ),
    (
        "chain",
        "序号连续、每条都带着上一条的哈希、时间不倒退：没有记录被删除、插入或调换",
        "numbers run on, each entry carries the previous one's hash, time never goes back: nothing removed, inserted or swapped",
    ),
    (
        "signatures",
        "每条记录的签名都有效：签名之后没有被改过",
        "every entry's signatures are valid: nothing changed after it was signed",
    ),
    (
        "ledger_rules",
        "每笔都符合账本规则：签名的人当时有权签、大额支出有足够的业委会委员批准、资金不透支、收费与公示的标准一致、结账报表与日志一致",
        "every entry keeps the ledger's rules: the signer could sign it, large expenditures had enough committee approvals, no fund overdrawn, fees as posted, closes agree with the log",
    ),
    (
        "checkpoint",
        "整份日志的默克尔根与日志公钥签名的检查点一致；指纹可与公告栏核对",
        "the log is exactly what the signed checkpoint covers; compare its fingerprint with the notice board",
    ),
    (
        "log_key",
        "签检查点的钥匙就是创世条目里登记的那一把",
        "the checkpoint's key is the one the genesis names",
    ),
    (
        "genesis_hash",
        "这就是公告栏上的那个账本",
        "this is the ledger on the notice board",
    ),
    (
        "older_checkpoint",
        "以前公布过的记录一条也没有被改写或删除",
        "nothing published before was rewritten or removed",
    ),
    (
        "witnesses",
        "独立见证人看到的是同一份日志，不是只给你看的版本",
        "independent witnesses saw the same log, not a version made for you",
    ),
    (
        "receipts",
        "你的收据证明的那笔缴费在日志里",
        "the payment your receipt proves is in the log",
    ),
    (
        "statements",
        "贴出来的报表与签名的日志一致",
        "the posted statements equal the signed log",
    ),
    (
        "attachments",
        "发票扫描件等附件没有被替换",
        "attachments such as scanned invoices were not replaced",
    ),
    (
        "manifest",
        "导出包在导出后没有被改动",
        "the bundle is as exported",
    ),
];

/// A key of the ledger with its role.
#[derive(Debug, Clone)]
pub(crate) struct KeyRow {
    pub role: String,
    pub key: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "board/verify.html")]
pub(crate) struct VerifyPage {
    pub c: Chrome,
    pub origin: String,
    pub log_href: String,
    pub checkpoint_href: String,
    pub commands: String,
    pub log_key: String,
    pub genesis_hash: String,
    pub keys: Vec<KeyRow>,
    pub checks: Vec<CheckRow>,
    pub governance: String,
}

/// `/verify`.
pub async fn verify<B: Backend>(State(s): Shared<B>, ctx: Ctx) -> Response {
    ctx.respond(verify_page(&s, &ctx).await)
}

async fn verify_page<B: Backend>(s: &AppState<B>, ctx: &Ctx) -> Result<Response, Failure> {
    let l = ctx.l;
    let at = ctx.at(s).await?;
    let (size, community, log_key, keys, governance) = s
        .store
        .read_ledger(&at.origin, |ledger| {
            let keys = key_rows(ledger, l);
            let governance = ledger.governance().map_or_else(String::new, |g| {
                if l.is_en() {
                    format!(
                        "Expenditures above {} yuan need the approval of {} committee members.",
                        yuan_of(g.approval_threshold_fen),
                        g.approvals_required
                    )
                } else {
                    format!(
                        "超过 {} 元的支出须经 {} 名业委会委员批准。",
                        yuan_of(g.approval_threshold_fen),
                        g.approvals_required
                    )
                }
            });
            (
                ledger.size(),
                ledger.community().to_string(),
                ledger.log_key().to_string(),
                keys,
                governance,
            )
        })
        .await?;
    let genesis = s
        .store
        .entries(&at.origin, 0, 1)
        .await?
        .pop()
        .ok_or_else(|| Failure::internal("no genesis entry"))?;
    let genesis_hash = gongzhang_core::hash::leaf_hash(&genesis).to_hex();
    let api = format!("{}/api/v1/ledgers/{}", ctx.base_url, at.seg);
    let stem = at
        .origin
        .rsplit('/')
        .next()
        .filter(|s| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        })
        .unwrap_or("ledger");
    let lang = if l.is_en() { " --lang en" } else { "" };
    let commands = format!(
        "curl -sfo {stem}.jsonl {api}/log\ncurl -sfo {stem}.checkpoint {api}/checkpoint\ngongzhang-verify {stem}.jsonl --checkpoint {stem}.checkpoint --key '{log_key}'{lang}\n"
    );
    let checks = CHECKS
        .iter()
        .map(|(code, zh, en)| CheckRow {
            code,
            meaning: if l.is_en() { en } else { zh },
        })
        .collect();
    let cp = checkpoint_view(&s.store, &at.origin, size).await?;
    let title = l.pick("如何核对", "How to verify").to_string();
    let api_path = format!("/api/v1/ledgers/{}", at.seg);
    html(&VerifyPage {
        c: ctx.chrome(Some(&at), &community, title, Some(cp.reflects)),
        origin: at.origin.clone(),
        log_href: format!("{api_path}/log"),
        checkpoint_href: format!("{api_path}/checkpoint"),
        commands,
        log_key,
        genesis_hash,
        keys,
        checks,
        governance,
    })
}

/// The ledger's keys: the committee's, the treasurer's, the auditor's, then the revoked ones in
/// the order they were revoked.
fn key_rows(ledger: &Ledger, l: Lang) -> Vec<KeyRow> {
    let hex = |k: &PublicKey| k.to_hex();
    let mut keys = Vec::new();
    for k in ledger.committee() {
        keys.push(KeyRow {
            role: role_name(Role::CommitteeMember, l).to_string(),
            key: hex(k),
            note: String::new(),
        });
    }
    if let Some(k) = ledger.treasurer() {
        keys.push(KeyRow {
            role: role_name(Role::Treasurer, l).to_string(),
            key: hex(&k),
            note: String::new(),
        });
    }
    if let Some(k) = ledger.auditor() {
        keys.push(KeyRow {
            role: role_name(Role::Auditor, l).to_string(),
            key: hex(&k),
            note: String::new(),
        });
    }
    let mut revoked: Vec<_> = ledger.revoked().iter().collect();
    revoked.sort_by_key(|(key, seq)| (**seq, **key));
    for (k, seq) in revoked {
        keys.push(KeyRow {
            role: l.pick("已注销", "revoked").to_string(),
            key: hex(k),
            note: if l.is_en() {
                format!("revoked by entry {seq}; signs nothing after it")
            } else {
                format!("第 {seq} 条记录注销，此后签的一律无效")
            },
        });
    }
    keys
}
