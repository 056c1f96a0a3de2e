//! The part of `gongzhang record` and `gongzhang submit` after the event is built: upload its
//! attachments, give it an id, sign it with the caller's key files, submit it, print the receipt
//! and save the payer's inclusion proof.

use crate::client::{Client, read_key};
use crate::record::{Draft, RecordKind};
use anyhow::{Context as _, bail};
use gongzhang_core::entry::Event;
use gongzhang_core::keys::AuthorSigner;
use gongzhang_core::submission::SignedEvent;
use gongzhang_store::store::Receipt;
use gongzhang_text::Lang;
use std::path::{Path, PathBuf};
use tokio::runtime::Runtime;

/// Where a signed event goes and what to keep of its receipt.
#[derive(Debug, Clone)]
pub struct SubmitOptions {
    /// Key files that sign.
    pub keys: Vec<PathBuf>,
    /// The event id (a fresh UUIDv7 if none: printed, so a retry can reuse it).
    pub id: Option<String>,
    /// Write the signed event here instead of submitting it (to collect more signatures).
    pub out: Option<PathBuf>,
    /// Save the entry's inclusion proof (C2SP tlog-proof) here.
    pub proof: Option<PathBuf>,
    /// The language of what is printed.
    pub lang: Lang,
}

fn signers(keys: &[PathBuf]) -> anyhow::Result<Vec<AuthorSigner>> {
    if keys.is_empty() {
        bail!(
            "sign with your key file: --key <file> (made by `gongzhang keygen`) / 请用 --key 指定你的密钥文件"
        );
    }
    keys.iter()
        .map(|p| read_key(p).map(|k| k.author_signer()))
        .collect()
}

/// Builds the events `kind` describes against `client`'s ledger, signs and submits them (one
/// batch: all or nothing).
pub fn record<C: Client>(
    rt: &Runtime,
    client: &C,
    kind: &RecordKind,
    options: &SubmitOptions,
) -> anyhow::Result<()> {
    let signers = signers(&options.keys)?;
    let drafts: Vec<Draft> = kind.drafts(&mut || rt.block_on(client.ledger()), options.lang)?;
    if drafts.len() > 1 && (options.id.is_some() || options.out.is_some()) {
        bail!(
            "this records {} entries at once, so it takes neither --id nor --out / 这会一次记 {} 条，不能用 --id 或 --out",
            drafts.len(),
            drafts.len()
        );
    }
    let refs: Vec<&AuthorSigner> = signers.iter().collect();
    let mut signed = Vec::with_capacity(drafts.len());
    // The first key given signs the uploads: the person recording, who holds a role.
    let uploader = refs
        .first()
        .copied()
        .ok_or_else(|| anyhow::anyhow!("no signing key / 没有签名密钥"))?;
    for draft in drafts {
        for attachment in &draft.attachments {
            let stored = rt
                .block_on(client.put_attachment(
                    attachment.media_type,
                    attachment.bytes.clone(),
                    uploader,
                ))
                .with_context(|| format!("uploading {}", attachment.path.display()))?;
            if stored != attachment.sha256 {
                bail!(
                    "the server stored {} under {stored}, not its SHA-256 {}",
                    attachment.path.display(),
                    attachment.sha256
                );
            }
        }
        let id = options
            .id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
        let event =
            Event::new(&id, draft.kind, draft.body).with_context(|| format!("--id {id}"))?;
        signed.push(SignedEvent::sign(event, client.origin(), &refs));
    }
    finish(rt, client, signed, options)
}

/// Adds the signatures of `options.keys` to the signed event in `file` and submits it (or
/// writes it back out with `--out`).
pub fn submit_file<C: Client>(
    rt: &Runtime,
    client: &C,
    file: &Path,
    options: &SubmitOptions,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let mut signed = SignedEvent::parse(&bytes)
        .with_context(|| format!("{} is not a signed event", file.display()))?;
    if !options.keys.is_empty() {
        for signer in signers(&options.keys)? {
            if signed
                .signatures
                .iter()
                .all(|s| *s.key() != signer.public_key())
            {
                let signature = signed.event.sign(client.origin(), &signer);
                signed.signatures.push(signature);
            }
        }
    }
    finish(rt, client, vec![signed], options)
}

fn finish<C: Client>(
    rt: &Runtime,
    client: &C,
    signed: Vec<SignedEvent>,
    options: &SubmitOptions,
) -> anyhow::Result<()> {
    let lang = options.lang;
    let t = |zh: &'static str, english: &'static str| lang.pick(zh, english);
    if let (Some(out), [one]) = (&options.out, signed.as_slice()) {
        std::fs::write(out, one.to_bytes())
            .with_context(|| format!("writing {}", out.display()))?;
        println!(
            "{} {} ({} {})",
            t("已签名，未提交；保存到", "signed, not submitted; saved to"),
            out.display(),
            one.signatures.len(),
            t("个签名", "signatures")
        );
        println!(
            "{}",
            t(
                "其他委员可用 gongzhang submit 文件 --key 自己的密钥 加签并提交",
                "other members add their signatures and submit with: gongzhang submit <file> --key <their key>"
            )
        );
        return Ok(());
    }
    let ids: Vec<&str> = signed.iter().map(|s| s.event.id()).collect();
    let receipts = rt.block_on(client.submit(&signed)).with_context(|| {
        format!(
            "{} {}{}",
            t("提交事件", "submitting event"),
            ids.join(", "),
            t(
                " 失败（可用同一 --id 重试，不会重复记账）",
                " failed (retry with the same --id: it is never recorded twice)"
            )
        )
    })?;
    if receipts.len() != signed.len() {
        bail!(
            "the ledger answered {} receipts for {} events",
            receipts.len(),
            signed.len()
        );
    }
    for (id, receipt) in ids.iter().zip(&receipts) {
        print_receipt(id, receipt, lang);
    }
    if let (Some(path), Some(receipt)) = (&options.proof, receipts.last()) {
        let proof = rt.block_on(client.tlog_proof(receipt.seq, receipt.checkpoint.size))?;
        std::fs::write(path, proof).with_context(|| format!("writing {}", path.display()))?;
        println!(
            "{} {}",
            t(
                "收款凭证（包含证明，可交给付款人核对）：",
                "receipt with inclusion proof (hand it to the payer):"
            ),
            path.display()
        );
    }
    Ok(())
}

/// Prints a receipt: where the event is in the log and which checkpoint covers it.
pub fn print_receipt(id: &str, r: &Receipt, lang: Lang) {
    let t = |zh: &'static str, english: &'static str| lang.pick(zh, english);
    println!(
        "{} {} {}（{} {id}）",
        t("✔ 已记入账本：第", "✔ recorded: entry"),
        r.seq,
        t("条", ""),
        t("事件编号", "event id")
    );
    println!("  {} {}", t("条目哈希：", "entry hash:"), r.entry_hash);
    println!(
        "  {} {} {}，{} {}",
        t("检查点：共", "checkpoint:"),
        r.checkpoint.size,
        t("条", "entries"),
        t("指纹", "fingerprint"),
        r.checkpoint.fingerprint()
    );
}
