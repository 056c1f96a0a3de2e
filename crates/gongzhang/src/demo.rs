//! The demo community 幸福里小区 (588 households, two years) in a real store: what
//! `gongzhang demo` serves, and what the end-to-end tests and the load benchmark start from.

use crate::client::ledger_segment;
use crate::serve::ServeOptions;
use anyhow::Context as _;
use gongzhang_core::entry::{Entry, RecordedAt};
use gongzhang_core::ledger::types::Unit;
use gongzhang_core::note::SignerKey;
use gongzhang_demo::community::{self as demo, Demo};
use gongzhang_demo::example;
use gongzhang_store::backend::Backend;
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_store::store::{Clock, SUBMISSIONS_PER_BATCH_MAX, Store, Submission, system_clock};
use gongzhang_text::Lang;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

/// The seed of the demo the program serves (the same one `gongzhang sample` writes).
pub const DEMO_SEED: u64 = 1;

/// A clock that returns `times` in order, then the system clock: the demo's entries keep the
/// times they were generated with, and anything recorded afterwards gets the real time.
fn replay_clock(times: Vec<RecordedAt>) -> Clock {
    let times = Mutex::new(VecDeque::from(times));
    Arc::new(move || {
        times
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front()
            .unwrap_or_else(system_clock)
    })
}

/// Appends the demo community to `backend` as a fresh ledger, with the generated entries' own
/// times, and uploads the documents its events name. The returned store records anything
/// further at the real time, and already holds the demo's log key.
pub async fn load<B: Backend>(backend: B) -> anyhow::Result<(Store<B>, Demo)> {
    let (store, demo) = load_entries(backend).await?;
    for bytes in demo.documents.values() {
        store
            .put_attachment(DOCUMENT_MEDIA_TYPE, bytes.clone())
            .await
            .context("storing the demo's documents")?;
    }
    Ok((store, demo))
}

/// The media type of the demo's documents (minutes, invoice scans, letters: Chinese text).
pub const DOCUMENT_MEDIA_TYPE: &str = "text/plain; charset=utf-8";

/// [`load`] without the documents (a test uploads the ones it wants).
pub async fn load_entries<B: Backend>(backend: B) -> anyhow::Result<(Store<B>, Demo)> {
    let demo = demo::community(DEMO_SEED);
    let times = demo.entries[1..].iter().map(Entry::recorded_at).collect();
    let store = Store::new(backend).with_clock(replay_clock(times));
    store
        .create_ledger(demo.entries[0].clone(), demo.log_signer.clone())
        .await
        .context("creating the demo ledger")?;
    for chunk in demo.entries[1..].chunks(SUBMISSIONS_PER_BATCH_MAX) {
        let batch = chunk
            .iter()
            .map(|e| Submission {
                event: e.event().clone(),
                signatures: e.signatures().to_vec(),
            })
            .collect();
        store
            .append_batch(&demo.origin, None, batch)
            .await
            .context("appending the demo community")?;
    }
    Ok((store, demo))
}

/// `gongzhang demo`: the demo community in `dir/demo.sqlite` (built on first run), served on
/// `listen` until Ctrl-C, with the URLs and the exact commands that check what it serves.
pub async fn run(dir: &Path, listen: SocketAddr, lang: Lang) -> anyhow::Result<()> {
    let t = |zh: &'static str, english: &'static str| lang.pick(zh, english);
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let database = dir.join("demo.sqlite");
    let log_key = dir.join("demo-log.key");
    let keys = dir.join("keys");
    if !database.exists() {
        println!(
            "{}",
            t(
                "正在生成演示小区幸福里（588 户，两年的账）……",
                "building the demo community Xingfuli (588 households, two years of accounts)…"
            )
        );
        // Built in a side file and renamed, so an interrupted first run leaves no half-built
        // ledger for the next run to serve.
        let partial = dir.join("demo.sqlite.partial");
        for stale in [
            &partial,
            &dir.join("demo.sqlite.partial-wal"),
            &dir.join("demo.sqlite.partial-shm"),
        ] {
            let _ = std::fs::remove_file(stale);
        }
        let (store, demo) = load(SqliteBackend::open(&partial).await?).await?;
        store.backend().close().await;
        std::fs::rename(&partial, &database)
            .with_context(|| format!("moving the demo database to {}", database.display()))?;
        write_keys(&log_key, &keys, &demo, lang)?;
    }
    let store = Store::new(SqliteBackend::open(&database).await?);
    let options = ServeOptions {
        log_keys: vec![log_key.clone()],
        witnesses: Vec::new(),
        witness_urls: Vec::new(),
        listen,
        show_arrears_units: false,
        write_limit: gongzhang_server::security::WriteLimit::default(),
    };
    let unit = store
        .read_ledger(demo::ORIGIN, |l| l.households().keys().next().cloned())
        .await?;
    let print = |addr: SocketAddr| print_urls(addr, dir, unit.as_ref(), lang);
    crate::serve::serve(store, &options, print).await
}

/// Writes the demo's log key and every demo person's key file (never replacing one).
fn write_keys(log_key: &Path, keys: &Path, demo: &Demo, lang: Lang) -> anyhow::Result<()> {
    if !log_key.exists() {
        let text = format!("{}\n", demo.log_signer.to_private_key_string());
        crate::keygen::write_secret(log_key, text.as_bytes(), lang)?;
    }
    std::fs::create_dir_all(keys).with_context(|| format!("creating {}", keys.display()))?;
    for role in demo::ROLES {
        let path = keys.join(format!("{role}.key"));
        if path.exists() {
            continue;
        }
        let key = SignerKey::from_seed(role, example::seed(role))
            .with_context(|| format!("the demo key {role}"))?;
        let text = format!("{}\n", key.to_private_key_string());
        crate::keygen::write_secret(&path, text.as_bytes(), lang)?;
    }
    Ok(())
}

fn print_urls(addr: SocketAddr, dir: &Path, unit: Option<&Unit>, lang: Lang) {
    let t = |zh: &'static str, english: &'static str| lang.pick(zh, english);
    let base = format!("http://{addr}");
    let ledger = format!("{base}/api/v1/ledgers/{}", ledger_segment(demo::ORIGIN));
    let lang = lang.pick("", " --lang en");
    println!();
    println!(
        "{} {}{}",
        t("演示小区", "the demo community"),
        demo::COMMUNITY,
        t(" 已在本机提供服务：", " is served on this computer:")
    );
    println!(
        "  {} {base}/",
        t(
            "公示栏（用浏览器打开）：",
            "notice board (open it in a browser):"
        )
    );
    // One line per link, label first: column padding does not line up Chinese and Latin text.
    println!("  {} {base}/api/v1/ledgers", t("账本列表：", "ledgers:"));
    println!("  {} {ledger}/checkpoint", t("检查点：", "checkpoint:"));
    println!(
        "  {} {ledger}/balances",
        t("各基金余额：", "fund balances:")
    );
    if let Some(unit) = unit {
        println!(
            "  {} {ledger}/households/{unit}",
            t("一户的账：", "a household:")
        );
    }
    println!(
        "  {} {base}/api/v1/openapi.json",
        t("接口说明：", "API description:")
    );
    println!();
    println!(
        "{}",
        t(
            "下载它提供的账本，用独立核对程序核对（另开一个终端）：",
            "download what it serves and check it with the standalone verifier (in another terminal):"
        )
    );
    println!("  curl -sfo xingfuli.jsonl {ledger}/log");
    println!("  curl -sfo xingfuli.checkpoint {ledger}/checkpoint");
    println!(
        "  cargo run -q -p gongzhang-verify -- xingfuli.jsonl --checkpoint xingfuli.checkpoint --key {}{lang}",
        demo::log_signer().verifier()
    );
    println!();
    println!(
        "{}",
        t(
            "以出纳身份记一笔收款（密钥在演示目录中）：",
            "record a payment as the treasurer (the demo's keys are in its directory):"
        )
    );
    println!(
        "  cargo run -q -p gongzhang -- record --server {base} --key {} payment --unit {} --amount 100.00 --channel wechat{lang}",
        dir.join("keys")
            .join(format!("{}.key", demo::NEW_TREASURER))
            .display(),
        unit.map_or_else(|| "1-1-101".to_string(), ToString::to_string),
    );
    println!();
    println!("{}", t("按 Ctrl-C 停止。", "press Ctrl-C to stop."));
}
