//! The log's side of the witness protocol: `gongzhang serve` asking each configured witness to
//! cosign its latest checkpoint (c2sp.org/tlog-witness), and keeping the cosignatures.
//!
//! One task per ledger and witness ([`cosign_forever`]), so at most one request is outstanding
//! per witness and ledger. It looks at the ledger's size every [`COSIGN_INTERVAL_MS`]; when
//! there is a checkpoint the witness has not cosigned it sends it with the consistency proof
//! from the size the witness last cosigned (starting from 0, which a witness that has seen the
//! log answers with `409` and its size — the task then resends from there). The cosignature lines
//! of a `200` are verified with the witness's key and stored with the checkpoint
//! ([`Store::add_cosignature`]). A witness that is down or refuses delays cosignatures and is
//! logged; appends never wait for it.

use gongzhang_core::cosignature::CosignerKey;
use gongzhang_core::witness::{
    ADD_CHECKPOINT_PATH, AddCheckpoint, SIZE_CONTENT_TYPE, parse_size_body,
};
use gongzhang_store::backend::Backend;
use gongzhang_store::store::Store;
use std::time::Duration;

/// How often a ledger's size is looked at, and the shortest time between two requests to one
/// witness while appends continue, in milliseconds.
pub const COSIGN_INTERVAL_MS: u64 = 2_000;
/// How long one request to a witness may take, in milliseconds.
pub const WITNESS_TIMEOUT_MS: u64 = 10_000;
/// The longest wait between two tries after a witness failed, in milliseconds (the wait doubles
/// from [`COSIGN_INTERVAL_MS`] up to this).
pub const BACKOFF_MAX_MS: u64 = 5 * 60 * 1000;

/// A witness the log asks: its key (whose cosignatures are kept) and its submission prefix
/// (`POST <url>/add-checkpoint`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessEndpoint {
    /// The witness's verifier key.
    pub key: CosignerKey,
    /// The submission prefix, e.g. `http://jiedao.example:7380`.
    pub url: String,
}

/// What one request to a witness came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The witness cosigned the checkpoint of this size; its lines are stored.
    Cosigned(u64),
    /// The witness has cosigned this size, not the one the request started from.
    Conflict(u64),
    /// The witness refused (its status and what it said).
    Refused(u16, String),
    /// No answer (connection, timeout), or an answer that is not the protocol's.
    Failed(String),
}

/// Sends one `add-checkpoint` request body to the witness at `url`: status, content type, body.
fn post(agent: &ureq::Agent, url: &str, body: String) -> Result<(u16, String, String), String> {
    let target = format!("{}{ADD_CHECKPOINT_PATH}", url.trim_end_matches('/'));
    let response = agent
        .post(&target)
        .header("content-type", "text/plain")
        .send(body.as_bytes())
        .map_err(|e| format!("POST {target}: {e}"))?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response
        .into_body()
        .read_to_string()
        .map_err(|e| format!("reading the answer of {target}: {e}"))?;
    Ok((status, content_type, text))
}

/// An HTTP agent for witness requests: no error on non-2xx statuses, a timeout.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_millis(WITNESS_TIMEOUT_MS)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// Asks `witness` once to cosign the ledger's checkpoint at `size`, with a proof from `old` (the
/// size the log believes the witness last cosigned).
pub async fn ask<B: Backend>(
    store: &Store<B>,
    origin: &str,
    witness: &WitnessEndpoint,
    agent: &ureq::Agent,
    old: u64,
    size: u64,
) -> Outcome {
    let note = match store.checkpoint(origin, Some(size)).await {
        Ok(Some(note)) => note,
        Ok(None) => return Outcome::Failed(format!("no checkpoint at size {size}")),
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let proof = if old == 0 || old == size {
        Vec::new()
    } else {
        match store.consistency_proof(origin, old, size).await {
            Ok(proof) => proof,
            Err(e) => return Outcome::Failed(format!("the consistency proof from {old}: {e}")),
        }
    };
    let body = AddCheckpoint::new(old, proof, note).to_body();
    let (agent, url) = (agent.clone(), witness.url.clone());
    let answer = match tokio::task::spawn_blocking(move || post(&agent, &url, body)).await {
        Ok(answer) => answer,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let (status, content_type, text) = match answer {
        Ok(answer) => answer,
        Err(e) => return Outcome::Failed(e),
    };
    match status {
        200 => {
            let mut kept = 0;
            for line in text.lines().filter(|l| !l.is_empty()) {
                // Lines from other keys are ignored, as the protocol says.
                if store
                    .add_cosignature(origin, size, line, std::slice::from_ref(&witness.key))
                    .await
                    .is_ok()
                {
                    kept += 1;
                }
            }
            if kept == 0 {
                Outcome::Failed(format!(
                    "the answer holds no valid cosignature by {}: {text:?}",
                    witness.key.name()
                ))
            } else {
                Outcome::Cosigned(size)
            }
        }
        409 if content_type.starts_with(SIZE_CONTENT_TYPE) => {
            match parse_size_body(text.as_bytes()) {
                Ok(size) => Outcome::Conflict(size),
                Err(e) => Outcome::Failed(format!("a 409 whose size does not read: {e}")),
            }
        }
        _ => Outcome::Refused(status, text.trim_end().to_owned()),
    }
}

/// Keeps `witness` cosigning the ledger `origin` for as long as the task runs.
pub async fn cosign_forever<B: Backend>(store: Store<B>, origin: String, witness: WitnessEndpoint) {
    let agent = agent();
    let interval = Duration::from_millis(COSIGN_INTERVAL_MS);
    // What the witness last cosigned, as far as this log knows (0: ask, it will say).
    let mut witnessed = 0u64;
    let mut backoff = interval;
    loop {
        let size = match store.size(&origin).await {
            Ok(size) => size,
            Err(error) => {
                tracing::warn!(%origin, %error, "reading the ledger's size to have it cosigned");
                tokio::time::sleep(backoff).await;
                continue;
            }
        };
        if size == 0 || size == witnessed {
            tokio::time::sleep(interval).await;
            continue;
        }
        let mut outcome = ask(&store, &origin, &witness, &agent, witnessed, size).await;
        if let Outcome::Conflict(at) = outcome {
            if at <= size {
                // Resend at once from the size the witness has.
                witnessed = at;
                outcome = ask(&store, &origin, &witness, &agent, at, size).await;
            } else {
                tracing::error!(%origin, witness = witness.key.name(), witness_size = at, size,
                    "the witness has cosigned a larger tree than this database holds: was the database restored from an older copy?");
            }
        }
        match outcome {
            Outcome::Cosigned(at) => {
                tracing::debug!(%origin, witness = witness.key.name(), size = at, "cosigned");
                witnessed = at;
                backoff = interval;
                tokio::time::sleep(interval).await;
            }
            Outcome::Conflict(at) => {
                // Twice in a row: the witness holds another tree than this log's at its size
                // (a split view, or this database restored from an older copy).
                tracing::error!(%origin, witness = witness.key.name(), witness_size = at, size,
                    "the witness keeps another tree than this log's; it will not cosign");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_millis(BACKOFF_MAX_MS));
            }
            Outcome::Refused(status, reason) => {
                tracing::warn!(%origin, witness = witness.key.name(), status, %reason, "the witness refused to cosign");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_millis(BACKOFF_MAX_MS));
            }
            Outcome::Failed(reason) => {
                tracing::warn!(%origin, witness = witness.key.name(), %reason, "asking the witness failed");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_millis(BACKOFF_MAX_MS));
            }
        }
    }
}
