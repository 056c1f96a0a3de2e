//! `gongzhang serve`: the HTTP API over a database, until Ctrl-C or SIGTERM.
//!
//! Shutdown is graceful: the listener stops taking connections, requests in flight — appends
//! waiting for their commit included — finish and are answered, then the process exits.

use crate::client::read_key;
use anyhow::Context as _;
use gongzhang_core::cosignature::CosignerKey;
use gongzhang_server::security::WriteLimit;
use gongzhang_server::{AppState, BoardOptions, router_with_limit};
use gongzhang_store::backend::Backend;
use gongzhang_store::store::Store;
use gongzhang_witness::client::{WitnessEndpoint, cosign_forever};
use std::net::SocketAddr;
use std::path::PathBuf;

/// What to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Log key files (one per ledger; each key's name is its ledger's origin).
    pub log_keys: Vec<PathBuf>,
    /// Witness cosigner keys (C2SP vkey strings) whose cosignatures are accepted.
    pub witnesses: Vec<String>,
    /// The witnesses to ask for cosignatures: the n-th URL is the submission prefix of the n-th
    /// witness key.
    pub witness_urls: Vec<String>,
    /// Where to listen.
    pub listen: SocketAddr,
    /// Whether the notice board's arrears page lists units by number (the committee's choice;
    /// otherwise it shows counts only).
    pub show_arrears_units: bool,
    /// How fast one client address may write.
    pub write_limit: WriteLimit,
}

/// How often unnamed uploads are collected, in milliseconds: every hour.
pub const UPLOAD_COLLECTION_INTERVAL_MS: u64 = 60 * 60 * 1000;

/// Registers the log keys with `store` and serves it until a shutdown signal. Prints the
/// address it listens on (the actual port, if `listen` asked for port 0) before serving.
pub async fn serve<B: Backend>(
    store: Store<B>,
    options: &ServeOptions,
    on_listening: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let origins = store.origins().await?;
    for path in &options.log_keys {
        let key = read_key(path)?;
        let origin = key.name().to_string();
        if !origins.contains(&origin) {
            anyhow::bail!(
                "the log key {} is for the ledger `{origin}`, which is not in this database (ledgers: {}) / 日志密钥对应的账本不在这个数据库中",
                path.display(),
                origins.join(", ")
            );
        }
        store.add_log_key(&origin, key)?;
        // Load and verify the ledger now, so that a damaged database is reported at start, not
        // at the first request.
        store
            .read_ledger(&origin, |_| ())
            .await
            .with_context(|| format!("loading and verifying the ledger `{origin}`"))?;
    }
    let witnesses = options
        .witnesses
        .iter()
        .map(|w| CosignerKey::parse(w).with_context(|| format!("the witness key {w:?}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let endpoints = witness_endpoints(&witnesses, &options.witness_urls)?;
    // One task per ledger and witness asks for cosignatures; a witness that is down delays
    // them, never an append.
    let mut cosigners = Vec::new();
    for origin in &origins {
        for endpoint in &endpoints {
            cosigners.push(tokio::spawn(cosign_forever(
                store.clone(),
                origin.clone(),
                endpoint.clone(),
            )));
        }
    }
    let board = BoardOptions {
        show_arrears_units: options.show_arrears_units,
    };
    // Uploads that no entry named within a day are removed, hourly, for as long as we serve.
    let collector = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_millis(
                UPLOAD_COLLECTION_INTERVAL_MS,
            ));
            loop {
                tick.tick().await;
                match store.collect_uploads().await {
                    Ok(c) if c.uploads > 0 => tracing::info!(
                        uploads = c.uploads,
                        attachments = c.attachments,
                        bytes = c.bytes,
                        "removed uploads no entry named within a day"
                    ),
                    Ok(_) => {}
                    Err(error) => tracing::warn!(%error, "collecting unnamed uploads failed"),
                }
            }
        })
    };
    let app = router_with_limit(
        AppState {
            store,
            witnesses,
            board,
        },
        options.write_limit,
    );
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .with_context(|| format!("listening on {}", options.listen))?;
    on_listening(listener.local_addr()?);
    // The peer address is what the write limit counts by.
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("serving");
    collector.abort();
    for task in cosigners {
        task.abort();
    }
    served?;
    tracing::info!("stopped: every request in flight was answered");
    Ok(())
}

/// Pairs the n-th `--witness-url` with the n-th `--witness` key. There may be fewer URLs than
/// keys (a witness that posts its cosignatures itself needs none), never more.
pub fn witness_endpoints(
    keys: &[CosignerKey],
    urls: &[String],
) -> anyhow::Result<Vec<WitnessEndpoint>> {
    if urls.len() > keys.len() {
        anyhow::bail!(
            "{} --witness-url but {} --witness: each URL belongs to the witness key given at the same position / 每个 --witness-url 对应同一位置的 --witness 公钥",
            urls.len(),
            keys.len()
        );
    }
    urls.iter()
        .zip(keys)
        .map(|(url, key)| {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                anyhow::bail!(
                    "--witness-url {url:?}: a witness's submission prefix starts with http:// or https:// / 见证地址须以 http:// 或 https:// 开头"
                );
            }
            Ok(WitnessEndpoint {
                key: key.clone(),
                url: url.trim_end_matches('/').to_owned(),
            })
        })
        .collect()
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
