//! A witness for transparency logs (`c2sp.org/tlog-witness`): `gongzhang witness`, which the
//! street office (and the community's 居委会) runs so that a checkpoint it cosigned proves the
//! community's log was shown to it, and is an extension of everything it was shown before.
//!
//! [`Witness`] is the protocol's whole behaviour over a durable [`WitnessState`] (SQLite or
//! PostgreSQL, in the store's database): it reads an `add-checkpoint` request, lets
//! [`gongzhang_core::witness`] decide, moves its record of the log forward by compare-and-swap,
//! and only then cosigns. [`http::router`] serves it at `POST /add-checkpoint`, beside the street
//! office's pages ([`console`]). It witnesses any C2SP log it is given a key for ("consistency
//! only"); for a Gongzhang ledger it is also given the server of, [`verify`] checks every new
//! entry against the ledger's rules into a mirror before the witness cosigns.
//!
//! [`client`] is the other side: a Gongzhang server asking its witnesses to cosign its
//! checkpoints (`gongzhang serve --witness-url`).

pub mod client;
pub mod console;
pub mod http;
pub mod verify;

use gongzhang_core::cosignature::{self, CosignError, CosignerKey, CosignerSigner};
use gongzhang_core::merkle::TreeHead;
use gongzhang_core::witness::{self as protocol, AddCheckpoint, Refusal, TrustedLogs};
use gongzhang_store::backend::StoreError;
use gongzhang_store::witness::{WitnessHead, WitnessRefusal, WitnessState};
use std::sync::Arc;
use verify::{Unverified, Verify};

/// The clock a witness reads, in seconds since the POSIX epoch: the cosignatures' time.
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// The system clock, in whole seconds.
pub fn system_clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Why a request got no cosignature.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    /// The protocol's refusal (its status code is [`Refusal::status`]).
    #[error("{0}")]
    Refused(Refusal),
    /// The witness's database failed: nothing was cosigned (answered 500).
    #[error("the witness's database: {0}")]
    Store(#[from] StoreError),
    /// The clock is past what a cosignature can carry (answered 500).
    #[error("{0}")]
    Cosign(#[from] CosignError),
    /// A verified log's entries were not vouched for (422 when they fail, 503 when they could
    /// not be fetched).
    #[error("{0}")]
    Unverified(Unverified),
}

impl From<Refusal> for AddError {
    fn from(refusal: Refusal) -> AddError {
        AddError::Refused(refusal)
    }
}

/// A witness: its key, the logs it cosigns for, and its state.
pub struct Witness<S> {
    signer: CosignerSigner,
    logs: TrustedLogs,
    state: S,
    clock: Clock,
    verify: Option<Arc<dyn Verify>>,
}

impl<S> std::fmt::Debug for Witness<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Witness")
            .field("verifier", &self.signer.verifier())
            .field("logs", &self.logs.len())
            .finish_non_exhaustive()
    }
}

impl<S: WitnessState> Witness<S> {
    /// A witness signing with `signer` for `logs`, keeping its state in `state`, on the system
    /// clock.
    pub fn new(signer: CosignerSigner, logs: TrustedLogs, state: S) -> Witness<S> {
        Witness {
            signer,
            logs,
            state,
            clock: Arc::new(system_clock),
            verify: None,
        }
    }

    /// The same witness checking, before it cosigns, the entries of the logs `verify` watches
    /// (the verifying witness of Gongzhang ledgers, [`verify::LedgerMirror`]).
    pub fn with_verifier(mut self, verify: Arc<dyn Verify>) -> Witness<S> {
        self.verify = Some(verify);
        self
    }

    /// The same witness on another clock (tests).
    pub fn with_clock(mut self, clock: Clock) -> Witness<S> {
        self.clock = clock;
        self
    }

    /// The witness's verifier key: what logs, boards and residents configure.
    pub fn verifier(&self) -> CosignerKey {
        self.signer.verifier()
    }

    /// The logs it cosigns for.
    pub fn logs(&self) -> &TrustedLogs {
        &self.logs
    }

    /// Its state.
    pub fn state(&self) -> &S {
        &self.state
    }

    /// The time on its clock, in seconds since the POSIX epoch.
    pub fn now(&self) -> u64 {
        (self.clock)()
    }

    /// Answers an `add-checkpoint` request body: the cosignature lines (`— name base64\n`) once
    /// the new tree is persisted, or why not. A signed request that contradicts what the witness
    /// cosigned before (a proof that does not verify, another root at the same size) is
    /// recorded as evidence before it is refused.
    pub async fn add_checkpoint(&self, body: &[u8]) -> Result<String, AddError> {
        let request = AddCheckpoint::parse(body).map_err(Refusal::Malformed)?;
        let signed = protocol::open(&request, &self.logs)?;
        let origin = signed.origin().to_owned();
        let stored = self.state.witness_head(&origin).await?;
        let latest = stored.as_ref().map(|h| h.head);
        let head = match signed.check(latest) {
            Ok(head) => head,
            Err(refusal) => {
                // A log signing a smaller tree than one this witness cosigned has lost entries
                // it published (a database restored from an older copy): not a contradiction the
                // protocol names, but the street office must hear of it.
                let smaller = matches!(refusal, Refusal::OldSizeMismatch { .. })
                    && latest.is_some_and(|l| signed.checkpoint().size() < l.size);
                if refusal.is_evidence() || smaller {
                    let code = if smaller {
                        SMALLER_THAN_COSIGNED
                    } else {
                        refusal_code(&refusal)
                    };
                    // A log repeating itself (a restored server asks again and again) is one
                    // alert, not many.
                    let last = self.state.witness_refusals(Some(&origin), 1).await?;
                    let body = request.to_body();
                    if !last
                        .first()
                        .is_some_and(|r| r.code == code && r.request == body)
                    {
                        tracing::warn!(origin, %refusal, "a signed checkpoint contradicts what this witness cosigned");
                        let reason = refusal.to_string();
                        self.record(
                            &origin,
                            refusal.status(),
                            code,
                            reason,
                            stored.as_ref(),
                            body,
                        )
                        .await?;
                    }
                }
                return Err(refusal.into());
            }
        };
        if let Some(verify) = &self.verify {
            if verify.watches(&origin) {
                if let Err(unverified) = verify.verify(&origin, request.note(), head).await {
                    if let Unverified::Refused { code, .. } = &unverified {
                        tracing::warn!(origin, %unverified, "a log's entries fail the ledger's checks");
                        let reason = unverified.to_string();
                        self.record(
                            &origin,
                            422,
                            code,
                            reason,
                            stored.as_ref(),
                            request.to_body(),
                        )
                        .await?;
                    }
                    return Err(AddError::Unverified(unverified));
                }
            }
        }
        let now = (self.clock)();
        let new = WitnessHead {
            origin: origin.clone(),
            head,
            checkpoint: request.note().to_owned(),
            cosigned_at: now,
        };
        if !self.state.advance_witness_head(latest, &new).await? {
            // Another request moved the log's tree after this one read it: this one's old size
            // is stale now; the log resends from the size it is told.
            let moved = self.state.witness_head(&origin).await?;
            return Err(Refusal::OldSizeMismatch {
                old_size: request.old_size(),
                latest: moved.map_or(0, |h| h.head.size),
            }
            .into());
        }
        let line = cosignature::cosign(signed.checkpoint(), &self.signer, now)?;
        Ok(line.to_line())
    }

    /// The figures of the mirrored ledger `origin` (a verifying witness's), if it has them.
    pub async fn summary(&self, origin: &str) -> Option<verify::LedgerSummary> {
        match &self.verify {
            Some(verify) => verify.summary(origin).await,
            None => None,
        }
    }

    /// What the witness last cosigned for `origin`.
    pub async fn latest(&self, origin: &str) -> Result<Option<TreeHead>, StoreError> {
        Ok(self.state.witness_head(origin).await?.map(|h| h.head))
    }

    /// Keeps a refused request that the log signed, with the checkpoint it contradicts.
    async fn record(
        &self,
        origin: &str,
        status: u16,
        code: &str,
        reason: String,
        stored: Option<&WitnessHead>,
        request: String,
    ) -> Result<(), StoreError> {
        self.state
            .add_witness_refusal(&WitnessRefusal {
                id: 0,
                origin: origin.to_owned(),
                refused_at: (self.clock)(),
                status,
                code: code.to_owned(),
                reason,
                witnessed: stored.map(|h| h.checkpoint.clone()),
                request,
            })
            .await
    }
}

/// The code recorded when a log signs a smaller tree than one the witness cosigned.
pub const SMALLER_THAN_COSIGNED: &str = "smaller_than_cosigned";

/// The stable code of a refusal, as recorded and shown.
pub fn refusal_code(refusal: &Refusal) -> &'static str {
    match refusal {
        Refusal::Malformed(_) => "malformed_request",
        Refusal::Note(_) => "malformed_note",
        Refusal::Checkpoint(_) => "malformed_checkpoint",
        Refusal::UnknownOrigin { .. } => "unknown_origin",
        Refusal::NotSigned { .. } => "not_signed",
        Refusal::OldSizeAboveSize { .. } => "old_size_above_size",
        Refusal::OldSizeMismatch { .. } => "old_size_mismatch",
        Refusal::RootMismatch { .. } => "root_mismatch",
        Refusal::BadProof { .. } => "bad_proof",
        Refusal::ProofFromZero { .. } => "proof_from_zero",
    }
}
