//! Where the command line records to: a ledger server over HTTP, or a database file directly.
//!
//! Both sides speak the same operations ([`Client`]), so `gongzhang record` builds, signs and
//! submits an event the same way whether the treasurer works against the community's server or
//! against a local SQLite file. A remote ledger's state is rebuilt on the treasurer's machine by
//! downloading and verifying the log ([`replay_jsonl`]), so a builder that computes the month's
//! charges or a period's statement never trusts figures the server merely asserts.

use anyhow::{Context as _, anyhow, bail};
use gongzhang_core::Hash;
use gongzhang_core::attachment::{MediaType, UploadClaim, UploadSignature};
use gongzhang_core::keys::AuthorSigner;
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::replay_jsonl;
use gongzhang_core::merkle::TreeHead;
use gongzhang_core::note::SignerKey;
use gongzhang_core::submission::SignedEvent;
use gongzhang_store::backend::Backend;
use gongzhang_store::store::{Receipt, Store, Submission};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long the command line waits for the server, in seconds.
pub const HTTP_TIMEOUT_S: u64 = 60;

pub use gongzhang_server::ledger_segment;

/// A database given on the command line: a SQLite file path, or a `postgres://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file (created if missing).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl Database {
    /// Reads `--database`: `postgres://…` or `postgresql://…` is PostgreSQL, anything else a file.
    pub fn parse(text: &str) -> Database {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Database::Postgres(text.to_string())
        } else {
            Database::Sqlite(PathBuf::from(text))
        }
    }
}

/// Runs `f` with a store over `db`: one generic body for both backends.
#[macro_export]
macro_rules! with_store {
    ($db:expr, |$store:ident| $body:expr) => {
        match $db {
            $crate::client::Database::Sqlite(path) => {
                let backend = gongzhang_store::sqlite::SqliteBackend::open(path)
                    .await
                    .with_context(|| format!("opening the database {}", path.display()))?;
                let $store = gongzhang_store::store::Store::new(backend);
                $body
            }
            $crate::client::Database::Postgres(url) => {
                let backend = gongzhang_store::postgres::PostgresBackend::connect(url)
                    .await
                    .context("connecting to PostgreSQL")?;
                let $store = gongzhang_store::store::Store::new(backend);
                $body
            }
        }
    };
}

/// Reads a key file written by `gongzhang keygen` (or a log key written by `gongzhang init`).
pub fn read_key(path: &Path) -> anyhow::Result<SignerKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the key file {}", path.display()))?;
    SignerKey::parse(text.trim_end()).with_context(|| {
        format!(
            "{} is not a key file written by `gongzhang keygen`",
            path.display()
        )
    })
}

/// What the command line needs from a ledger, wherever it is.
pub trait Client {
    /// The ledger's origin.
    fn origin(&self) -> &str;
    /// Submits signed events (all or nothing) and returns one receipt per event.
    fn submit(
        &self,
        events: &[SignedEvent],
    ) -> impl std::future::Future<Output = anyhow::Result<Vec<Receipt>>>;
    /// The current state, verified.
    fn ledger(&self) -> impl std::future::Future<Output = anyhow::Result<Ledger>>;
    /// Uploads an attachment, signed by `signer` (who must hold a role in the ledger); returns
    /// its SHA-256.
    fn put_attachment(
        &self,
        media_type: MediaType,
        bytes: Vec<u8>,
        signer: &AuthorSigner,
    ) -> impl std::future::Future<Output = anyhow::Result<Hash>>;
    /// The receipt of entry `seq` as a C2SP tlog-proof against the checkpoint at `size`.
    fn tlog_proof(
        &self,
        seq: u64,
        size: u64,
    ) -> impl std::future::Future<Output = anyhow::Result<String>>;
}

/// A ledger in a database this process opens itself.
#[derive(Debug)]
pub struct Local<B: Backend> {
    /// The store.
    pub store: Store<B>,
    /// The ledger.
    pub origin: String,
}

impl<B: Backend> Local<B> {
    /// The ledger `origin` in `store` (or the only ledger there), with its log key registered.
    pub async fn open(
        store: Store<B>,
        origin: Option<&str>,
        log_key: &Path,
    ) -> anyhow::Result<Local<B>> {
        let origins = store.origins().await?;
        let origin = pick_origin(origin, &origins)?;
        let key = read_key(log_key)?;
        store
            .add_log_key(&origin, key)
            .with_context(|| format!("the log key {}", log_key.display()))?;
        Ok(Local { store, origin })
    }
}

/// `wanted`, or the only ledger there is.
fn pick_origin(wanted: Option<&str>, origins: &[String]) -> anyhow::Result<String> {
    match (wanted, origins) {
        (Some(o), _) if origins.iter().any(|x| x == o) => Ok(o.to_string()),
        (Some(o), _) => bail!(
            "no ledger `{o}` here (ledgers: {}) / 没有这个账本",
            origins.join(", ")
        ),
        (None, [only]) => Ok(only.clone()),
        (None, []) => bail!(
            "there is no ledger yet: run `gongzhang init` first / 还没有账本，请先运行 gongzhang init"
        ),
        (None, _) => bail!(
            "there are {} ledgers; name one with --ledger ({}) / 有多个账本，请用 --ledger 指定",
            origins.len(),
            origins.join(", ")
        ),
    }
}

impl<B: Backend> Client for Local<B> {
    fn origin(&self) -> &str {
        &self.origin
    }

    async fn submit(&self, events: &[SignedEvent]) -> anyhow::Result<Vec<Receipt>> {
        let submissions = events
            .iter()
            .map(|s| Submission {
                event: s.event.clone(),
                signatures: s.signatures.clone(),
            })
            .collect();
        Ok(self
            .store
            .append_batch(&self.origin, None, submissions)
            .await?)
    }

    async fn ledger(&self) -> anyhow::Result<Ledger> {
        Ok(self.store.read_ledger(&self.origin, Ledger::clone).await?)
    }

    async fn put_attachment(
        &self,
        media_type: MediaType,
        bytes: Vec<u8>,
        signer: &AuthorSigner,
    ) -> anyhow::Result<Hash> {
        let signature = upload_signature(&self.origin, media_type, &bytes, signer);
        let receipt = self
            .store
            .upload_attachment(&self.origin, bytes, Some(media_type.as_str()), &signature)
            .await?;
        Ok(receipt.sha256)
    }

    async fn tlog_proof(&self, seq: u64, size: u64) -> anyhow::Result<String> {
        Ok(self.store.tlog_proof(&self.origin, seq, Some(size)).await?)
    }
}

/// A ledger on a server.
#[derive(Debug)]
pub struct Remote {
    agent: ureq::Agent,
    base: String,
    origin: String,
}

/// A problem document's message, or the body as text.
fn problem_message(status: u16, body: &str) -> anyhow::Error {
    match serde_json::from_str::<Value>(body) {
        Ok(doc) => {
            let detail = doc["detail"].as_str().unwrap_or("");
            let code = doc["code"].as_str().unwrap_or("");
            anyhow!("{detail} (HTTP {status}, {code})")
        }
        Err(_) => anyhow!("HTTP {status}: {body}"),
    }
}

impl Remote {
    /// The ledger `origin` (or the only one) on the server at `url`.
    pub fn open(url: &str, origin: Option<&str>) -> anyhow::Result<Remote> {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(HTTP_TIMEOUT_S)))
            .http_status_as_error(false)
            .build();
        let mut remote = Remote {
            agent: config.into(),
            base: url.trim_end_matches('/').to_string(),
            origin: String::new(),
        };
        let list = remote.get_json("/api/v1/ledgers")?;
        let origins: Vec<String> = list["ledgers"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|l| l["origin"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        remote.origin = pick_origin(origin, &origins)?;
        Ok(remote)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn ledger_url(&self, rest: &str) -> String {
        self.url(&format!(
            "/api/v1/ledgers/{}{rest}",
            ledger_segment(&self.origin)
        ))
    }

    fn read(&self, response: ureq::http::Response<ureq::Body>) -> anyhow::Result<String> {
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .read_to_string()
            .context("reading the server's answer")?;
        if !(200..300).contains(&status) {
            return Err(problem_message(status, &body));
        }
        Ok(body)
    }

    fn get_text(&self, url: &str) -> anyhow::Result<String> {
        let response = self
            .agent
            .get(url)
            .header("accept-language", "zh-CN")
            .call()
            .with_context(|| format!("GET {url}"))?;
        self.read(response)
    }

    fn get_json(&self, path: &str) -> anyhow::Result<Value> {
        let text = self.get_text(&self.url(path))?;
        serde_json::from_str(&text).with_context(|| format!("the server's answer to {path}"))
    }
}

fn receipt_of(value: &Value) -> anyhow::Result<Receipt> {
    let hash = |v: &Value| {
        v.as_str()
            .and_then(|t| Hash::from_hex(t).ok())
            .ok_or_else(|| anyhow!("the server's receipt has no valid hash"))
    };
    Ok(Receipt {
        seq: value["seq"]
            .as_u64()
            .ok_or_else(|| anyhow!("the server's receipt has no seq"))?,
        entry_hash: hash(&value["entry_hash"])?,
        checkpoint: TreeHead {
            size: value["checkpoint"]["size"]
                .as_u64()
                .ok_or_else(|| anyhow!("the server's receipt has no checkpoint size"))?,
            root: hash(&value["checkpoint"]["root"])?,
        },
    })
}

impl Client for Remote {
    fn origin(&self) -> &str {
        &self.origin
    }

    async fn submit(&self, events: &[SignedEvent]) -> anyhow::Result<Vec<Receipt>> {
        let body = serde_json::json!({
            "events": events.iter().map(SignedEvent::to_value).collect::<Vec<_>>()
        });
        let url = self.ledger_url("/events/batch");
        let response = self
            .agent
            .post(&url)
            .header("content-type", "application/json")
            .send(body.to_string().as_bytes())
            .with_context(|| format!("POST {url}"))?;
        let answer: Value = serde_json::from_str(&self.read(response)?)?;
        answer["receipts"]
            .as_array()
            .ok_or_else(|| anyhow!("the server's answer has no receipts"))?
            .iter()
            .map(receipt_of)
            .collect()
    }

    async fn ledger(&self) -> anyhow::Result<Ledger> {
        let log = self.get_text(&self.ledger_url("/log"))?;
        let (_, ledger) = replay_jsonl(log.as_bytes())
            .context("the log the server sent does not verify / 服务器发来的账本核对不通过")?;
        Ok(ledger)
    }

    async fn put_attachment(
        &self,
        media_type: MediaType,
        bytes: Vec<u8>,
        signer: &AuthorSigner,
    ) -> anyhow::Result<Hash> {
        let url = self.ledger_url("/attachments");
        let signature = upload_signature(&self.origin, media_type, &bytes, signer);
        let response = self
            .agent
            .post(&url)
            .header("content-type", media_type.as_str())
            .header("authorization", signature.to_header())
            .send(&bytes[..])
            .with_context(|| format!("POST {url}"))?;
        let answer: Value = serde_json::from_str(&self.read(response)?)?;
        answer["sha256"]
            .as_str()
            .and_then(|t| Hash::from_hex(t).ok())
            .ok_or_else(|| anyhow!("the server did not answer the attachment's SHA-256"))
    }

    async fn tlog_proof(&self, seq: u64, size: u64) -> anyhow::Result<String> {
        self.get_text(&self.ledger_url(&format!("/entries/{seq}/tlog-proof?size={size}")))
    }
}

/// The signature that authorises uploading `bytes` to the ledger `origin`, made now.
pub fn upload_signature(
    origin: &str,
    media_type: MediaType,
    bytes: &[u8],
    signer: &AuthorSigner,
) -> UploadSignature {
    let signed_at_s = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let claim = UploadClaim {
        origin,
        sha256: gongzhang_core::hash::sha256(bytes),
        media_type,
        length_bytes: bytes.len() as u64,
        signed_at_s,
    };
    UploadSignature::sign(&claim, signer)
}
