//! What the resident trusts, from the command line: the log key or the genesis hash from the
//! notice board, the checkpoint, the witnesses, and a checkpoint saved before.

use super::checkpoints::refuse_empty_older_checkpoint;
use crate::Args;
use crate::inputs::{self, Inputs};
use anyhow::Context as _;
use gongzhang_core::Hash;
use gongzhang_core::cosignature::{CosignerKey, WitnessPolicy};
use gongzhang_core::note::{self, VerifierKey};
use gongzhang_text::Lang;

/// The trust anchors, read and parsed before the log is.
pub(super) struct Anchors {
    /// The log key from the notice board (`--key`).
    pub(super) key: Option<VerifierKey>,
    /// The genesis entry's hash from the notice board (`--genesis-hash`).
    pub(super) genesis: Option<Hash>,
    /// The checkpoint's signed note, not yet opened.
    pub(super) note: String,
    /// The size the checkpoint's text states before it is opened: the progress bar's length
    /// when the checkpoint can only be opened with the key the genesis names.
    pub(super) claimed_size: Option<u64>,
    /// The witnesses who must have cosigned the checkpoint (`--witness`).
    pub(super) policy: Option<WitnessPolicy>,
    /// The signed note of a checkpoint saved before (`--older-checkpoint`), not yet opened.
    pub(super) older: Option<String>,
}

impl Anchors {
    /// Reads and parses the anchors in the order the command line's errors are reported.
    pub(super) fn read(args: &Args, inputs: &Inputs, lang: Lang) -> anyhow::Result<Anchors> {
        let key = match &args.key {
            Some(text) => {
                Some(VerifierKey::parse(text.trim()).with_context(|| format!("--key {text:?}"))?)
            }
            None => None,
        };
        let genesis = match &args.genesis_hash {
            Some(text) => Some(
                Hash::from_hex(text.trim()).with_context(|| format!("--genesis-hash {text:?}"))?,
            ),
            None => None,
        };
        let note = inputs::read_small(
            &inputs.checkpoint,
            note::MAX_NOTE_BYTES as u64,
            "the checkpoint",
        )?;
        let claimed_size = note.lines().nth(1).and_then(|l| l.parse::<u64>().ok());
        let policy = if args.witnesses.is_empty() {
            None
        } else {
            let keys = args
                .witnesses
                .iter()
                .map(|w| CosignerKey::parse(w.trim()).with_context(|| format!("--witness {w:?}")))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let required = args.witnesses_required.unwrap_or(keys.len());
            Some(WitnessPolicy::new(keys, required).context("--witnesses-required")?)
        };
        let older = match &args.older_checkpoint {
            Some(path) => Some(inputs::read_small(
                path,
                note::MAX_NOTE_BYTES as u64,
                "the older checkpoint",
            )?),
            None => None,
        };
        if let Some(text) = &older {
            refuse_empty_older_checkpoint(text, lang)?;
        }
        Ok(Anchors {
            key,
            genesis,
            note,
            claimed_size,
            policy,
            older,
        })
    }

    /// The origin the log must have. The trusted log key names the ledger (its name is the
    /// origin), so a checkpoint for another ledger is refused as such. With the genesis hash
    /// alone, the genesis entry names both: empty until then.
    pub(super) fn origin(&self) -> String {
        match &self.key {
            Some(key) => key.name().to_string(),
            None => String::new(),
        }
    }
}
