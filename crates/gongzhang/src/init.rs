//! `gongzhang init`: opens a ledger. The committee, at one meeting, signs the genesis entry with
//! their own key files; the treasurer and the street office's auditor are named by the verifier
//! keys they handed over. The ledger's log key (which signs checkpoints, never events) is
//! made here if its file does not exist yet.

use crate::keygen;
use anyhow::{Context as _, bail};
use gongzhang_core::Hash;
use gongzhang_core::entry::{Entry, Event};
use gongzhang_core::keys::PublicKey;
use gongzhang_core::ledger::events::{FundAmount, Governance, KeyHex, LedgerOpened};
use gongzhang_core::ledger::types::{Fen, FundId, Label, Period};
use gongzhang_core::note::{SignerKey, VerifierKey};
use gongzhang_store::backend::Backend;
use gongzhang_store::store::{Receipt, Store, system_clock};
use gongzhang_text::Lang;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// What the genesis says.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The ledger's origin, e.g. `gongzhang.example/xingfuli`.
    pub origin: String,
    /// The community's name.
    pub community: String,
    /// The committee members' key files; each signs the genesis.
    pub committee_keys: Vec<PathBuf>,
    /// The treasurer's verifier key (string from `gongzhang keygen`, or 64 hex digits).
    pub treasurer: String,
    /// The auditor's verifier key.
    pub auditor: String,
    /// Expenditures above this need approvals, in fen.
    pub approval_threshold_fen: Fen,
    /// K of N.
    pub approvals_required: u32,
    /// First month accounted for.
    pub first_period: Period,
    /// Opening balances handed over from the old books.
    pub opening: Vec<(FundId, Fen)>,
    /// The log key file (made if missing).
    pub log_key: PathBuf,
    /// The genesis event id.
    pub event_id: String,
}

/// Reads a person's public key as handed to the committee: the verifier key string printed by
/// `gongzhang keygen` (`name+keyid+base64`) or the 64-hex public key.
pub fn parse_public_key(text: &str) -> anyhow::Result<PublicKey> {
    if let Some(key) = PublicKey::from_hex(text) {
        return Ok(key);
    }
    let verifier = VerifierKey::parse(text).with_context(|| {
        format!("{text:?} is not a verifier key (name+keyid+base64 from `gongzhang keygen`) nor 64 hex digits / 不是公钥")
    })?;
    Ok(PublicKey(verifier.public_key_bytes()))
}

/// The log key at `path`, made (named `origin`, file mode 0600) if the file does not exist.
pub fn log_key(path: &Path, origin: &str, lang: Lang) -> anyhow::Result<SignerKey> {
    if !path.exists() {
        keygen::keygen(origin, path, lang)?;
    }
    let key = crate::client::read_key(path)?;
    if key.name() != origin {
        bail!(
            "the log key {} is named `{}`, not the origin `{origin}` / 日志密钥的名字应与账本来源一致",
            path.display(),
            key.name()
        );
    }
    Ok(key)
}

/// Builds and signs the genesis, and creates the ledger in `store`.
pub async fn init<B: Backend>(
    store: &Store<B>,
    options: &InitOptions,
    lang: Lang,
) -> anyhow::Result<(Entry, Receipt)> {
    let log = log_key(&options.log_key, &options.origin, lang)?;
    let members: Vec<SignerKey> = options
        .committee_keys
        .iter()
        .map(|p| crate::client::read_key(p))
        .collect::<anyhow::Result<_>>()?;
    if members.is_empty() {
        bail!(
            "name at least one committee member's key file with --committee-key / 至少需要一位业委会委员的密钥"
        );
    }
    let signers: Vec<_> = members.iter().map(SignerKey::author_signer).collect();
    let genesis = LedgerOpened {
        origin: options.origin.clone(),
        community: Label::try_from(options.community.clone())
            .map_err(|e| anyhow::anyhow!("--community: {e}"))?,
        log_key: log.verifier().to_string(),
        committee: signers.iter().map(|s| KeyHex(s.public_key())).collect(),
        treasurer: KeyHex(parse_public_key(&options.treasurer).context("--treasurer")?),
        auditor: KeyHex(parse_public_key(&options.auditor).context("--auditor")?),
        governance: Governance {
            approval_threshold_fen: options.approval_threshold_fen,
            approvals_required: options.approvals_required,
        },
        first_period: options.first_period,
        opening_balances: options
            .opening
            .iter()
            .map(|(fund, amount_fen)| FundAmount {
                fund: fund.clone(),
                amount_fen: *amount_fen,
            })
            .collect(),
    };
    let Value::Object(body) = serde_json::to_value(&genesis)? else {
        bail!("the genesis body is not an object")
    };
    let event = Event::new(&options.event_id, "ledger_opened", body)
        .map_err(|e| anyhow::anyhow!("--id: {e}"))?;
    let signatures = signers
        .iter()
        .map(|s| event.sign(&options.origin, s))
        .collect();
    let entry = Entry::seal(0, Hash::ZERO, system_clock(), event, signatures)
        .context("sealing the genesis entry")?;
    let receipt = store
        .create_ledger(entry.clone(), log)
        .await
        .context("creating the ledger")?;
    Ok((entry, receipt))
}

/// Prints what `init` did and what to do next.
/// `database` is the `--database` given, so that the printed `serve` command opens the same one.
pub fn print_opened(
    options: &InitOptions,
    database: &str,
    entry: &Entry,
    receipt: &Receipt,
    lang: Lang,
) {
    let t = |zh: &'static str, english: &'static str| lang.pick(zh, english);
    println!(
        "{} {}（{}）",
        t("✔ 账本已建立：", "✔ ledger opened:"),
        options.community,
        options.origin
    );
    println!(
        "  {} {}",
        t(
            "创世条目哈希（贴在公示栏上，供大家核对）：",
            "genesis entry hash (post it on the notice board):"
        ),
        entry.hash()
    );
    println!(
        "  {} {}",
        t("检查点指纹：", "checkpoint fingerprint:"),
        receipt.checkpoint.fingerprint()
    );
    println!(
        "  {} {}",
        t(
            "日志密钥文件（服务器用它签检查点，妥善保管）：",
            "log key file (the server signs checkpoints with it; keep it safe):"
        ),
        options.log_key.display()
    );
    println!();
    println!("{}", t("下一步：运行服务器", "next: run the server"));
    println!(
        "  gongzhang serve --database {database} --log-key {}",
        options.log_key.display()
    );
}
