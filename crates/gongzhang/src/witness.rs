//! `gongzhang witness`: the street office's (or the residents' committee's) witness, serving
//! `POST /add-checkpoint` (c2sp.org/tlog-witness) until Ctrl-C or SIGTERM.
//!
//! ```text
//! gongzhang keygen --witness --name jiedao.example.gov.cn/witness --out witness.key
//! gongzhang witness --listen 0.0.0.0:7380 --key witness.key --state witness.sqlite \
//!     --log 'gongzhang.example/hexie+8cf495f4+Ad+jZ…'
//! ```
//!
//! Each `--log` is a log's verifier key (`origin+keyid+base64(0x01 ‖ key)`, the line
//! `gongzhang init` printed, which the notice board also shows); the log's origin is the key's
//! name. `--log 'KEY=http://server:8080'` names a Gongzhang ledger's server: the witness then
//! fetches and checks every new entry before it cosigns, and keeps them in its database
//! ([`gongzhang_witness::verify`]). The state is a SQLite file or a `postgres://` database: what the witness last cosigned
//! for each log survives a restart, so it never cosigns a smaller tree for a log it has seen.

use crate::client::Database;
use crate::serve::shutdown_signal;
use anyhow::{Context as _, bail};
use gongzhang_core::cosignature::CosignerSigner;
use gongzhang_core::note::VerifierKey;
use gongzhang_core::witness::TrustedLogs;
use gongzhang_store::backend::Backend;
use gongzhang_store::postgres::PostgresBackend;
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_store::store::Store;
use gongzhang_store::witness::WitnessState;
use gongzhang_text::Lang;
use gongzhang_witness::verify::{LedgerMirror, LedgerSource};
use gongzhang_witness::{Witness, http};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What `gongzhang witness` was asked to do.
#[derive(Debug, Clone)]
pub struct WitnessOptions {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The witness key file (`gongzhang keygen --witness`).
    pub key: PathBuf,
    /// The state: a SQLite file or a `postgres://` URL.
    pub state: String,
    /// The logs' verifier keys, as given.
    pub logs: Vec<String>,
}

/// Reads a witness key file, naming the file in every error.
pub fn read_witness_key(path: &Path, lang: Lang) -> anyhow::Result<CosignerSigner> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "{} {}",
            lang.pick("无法读取见证密钥文件", "cannot read the witness key file"),
            path.display()
        )
    })?;
    CosignerSigner::parse(text.trim_end()).with_context(|| {
        format!(
            "{} {}",
            path.display(),
            lang.pick(
                "不是见证密钥文件（应由 gongzhang keygen --witness 生成）",
                "is not a witness key file (written by gongzhang keygen --witness)"
            )
        )
    })
}

/// Reads the `--log` arguments: each a log's verifier key, trusted for the origin it names, and
/// for a Gongzhang ledger whose entries the witness checks, `VKEY=URL` (the ledger server's base
/// URL).
pub fn trusted_logs(
    logs: &[String],
    lang: Lang,
) -> anyhow::Result<(TrustedLogs, Vec<LedgerSource>)> {
    if logs.is_empty() {
        bail!(
            "{}",
            lang.pick(
                "请用 --log 给出至少一个账本的日志公钥（gongzhang init 打印的那一行）",
                "give at least one log's verifier key with --log (the line gongzhang init printed)"
            )
        );
    }
    let mut trusted = TrustedLogs::new();
    let mut sources = Vec::new();
    for (i, text) in logs.iter().enumerate() {
        // The key's base64 may end in '=', so the URL is found by its scheme.
        let (key_text, url) = match text.find("=http://").or_else(|| text.find("=https://")) {
            Some(at) => (&text[..at], Some(&text[at + 1..])),
            None => (text.as_str(), None),
        };
        let key = VerifierKey::parse(key_text.trim()).with_context(|| {
            format!(
                "--log {} ({text}): {}",
                i + 1,
                lang.pick(
                    "不是账本日志公钥（名字+编号+base64，类型 0x01）",
                    "is not a log verifier key (name+id+base64, type 0x01)"
                )
            )
        })?;
        let origin = key.name().to_owned();
        trusted.add(&origin, key.clone());
        if let Some(url) = url {
            sources.push(LedgerSource {
                log_key: key,
                url: url.trim_end_matches('/').to_owned(),
            });
        }
    }
    Ok((trusted, sources))
}

/// Serves the witness until a shutdown signal. Prints the address (the actual port, if
/// `listen` asked for port 0) and the witness's verifier key before serving.
pub async fn run(
    options: &WitnessOptions,
    lang: Lang,
    on_listening: impl FnOnce(SocketAddr, &str),
) -> anyhow::Result<()> {
    let signer = read_witness_key(&options.key, lang)?;
    let (logs, sources) = trusted_logs(&options.logs, lang)?;
    match Database::parse(&options.state) {
        Database::Sqlite(path) => {
            let state = SqliteBackend::open(&path)
                .await
                .with_context(|| format!("opening the witness state {}", path.display()))?;
            let witness = verifying(Witness::new(signer, logs, state.clone()), state, sources);
            serve(witness, options.listen, on_listening).await
        }
        Database::Postgres(url) => {
            let state = PostgresBackend::connect(&url)
                .await
                .context("connecting to the witness state database")?;
            let witness = verifying(Witness::new(signer, logs, state.clone()), state, sources);
            serve(witness, options.listen, on_listening).await
        }
    }
}

/// The witness, checking the entries of the Gongzhang ledgers in `sources` into a mirror in the
/// same database.
fn verifying<S: WitnessState, B: Backend>(
    witness: Witness<S>,
    backend: B,
    sources: Vec<LedgerSource>,
) -> Witness<S> {
    if sources.is_empty() {
        return witness;
    }
    witness.with_verifier(Arc::new(LedgerMirror::new(Store::new(backend), sources)))
}

async fn serve<S: WitnessState>(
    witness: Witness<S>,
    listen: SocketAddr,
    on_listening: impl FnOnce(SocketAddr, &str),
) -> anyhow::Result<()> {
    let verifier = witness.verifier().to_string();
    for origin in witness.logs().origins() {
        match witness.latest(origin).await? {
            Some(head) => tracing::info!(origin, size = head.size, "witnessing; last cosigned"),
            None => tracing::info!(origin, "witnessing; nothing cosigned yet"),
        }
    }
    let app = http::router(Arc::new(witness));
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    on_listening(listener.local_addr()?, &verifier);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving")?;
    tracing::info!("stopped: every request in flight was answered");
    Ok(())
}
