//! RFC 6962 inclusion and consistency proof probes from transparency-dev/merkle `testdata/`
//! (`tests/vectors/merkle/`): every probe file is run through our verifier and its verdict
//! must be the reference's (`wantErr`).
//!
//! Our verifier takes [`Hash`] values, so any root, leaf hash or proof hash that is not exactly
//! 32 bytes of standard base64 is refused before verification (an error verdict). The reference
//! compares raw byte strings instead, which makes exactly one probe diverge: see
//! [`KNOWN_DIVERGENCES`].

use base64::Engine as _;
use gongzhang_core::Hash;
use gongzhang_core::merkle::TreeHead;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Number of probe files in the pinned vectors (transparency-dev/merkle @ 417fb0c).
const INCLUSION_FILES: usize = 98;
/// Number of probe files in the pinned vectors (transparency-dev/merkle @ 417fb0c).
const CONSISTENCY_FILES: usize = 98;

/// Probes where our verdict differs from the reference on purpose, relative to
/// `merkle/consistency/`, with why. Each must exist, expect success, and get an error from us.
const KNOWN_DIVERGENCES: &[(&str, &str)] = &[(
    "additional/sizes-are-equal-one-and-proof-is-empty.json",
    "both roots are the 12-byte string \"don't care 2\"; the reference only compares the two \
     roots byte for byte when the sizes are equal, we refuse any hash that is not 32 bytes",
)];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InclusionProbe {
    leaf_idx: u64,
    tree_size: u64,
    root: String,
    leaf_hash: String,
    proof: Option<Vec<String>>,
    desc: String,
    want_err: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConsistencyProbe {
    size1: u64,
    size2: u64,
    root1: String,
    root2: String,
    proof: Option<Vec<String>>,
    desc: String,
    want_err: bool,
}

/// A hash in standard base64, or why it is not one.
fn hash(text: &str) -> Result<Hash, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| format!("{text:?} is not base64: {e}"))?;
    Hash::from_slice(&bytes).map_err(|e| format!("{text:?}: {e}"))
}

fn hashes(texts: &Option<Vec<String>>) -> Result<Vec<Hash>, String> {
    texts.iter().flatten().map(|t| hash(t)).collect()
}

/// Our verdict on an inclusion probe: `Ok` if it verifies, else why not.
fn verify_inclusion(p: &InclusionProbe) -> Result<(), String> {
    let head = TreeHead {
        size: p.tree_size,
        root: hash(&p.root)?,
    };
    let leaf = hash(&p.leaf_hash)?;
    let proof = hashes(&p.proof)?;
    head.verify_inclusion(p.leaf_idx, &leaf, &proof)
        .map_err(|e| e.to_string())
}

/// Our verdict on a consistency probe: `Ok` if it verifies, else why not.
fn verify_consistency(p: &ConsistencyProbe) -> Result<(), String> {
    let older = TreeHead {
        size: p.size1,
        root: hash(&p.root1)?,
    };
    let newer = TreeHead {
        size: p.size2,
        root: hash(&p.root2)?,
    };
    let proof = hashes(&p.proof)?;
    newer
        .verify_consistency(&older, &proof)
        .map_err(|e| e.to_string())
}

/// Every `.json` file under `dir`, recursively, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Runs `verify` on every probe under `merkle/<kind>/` and checks the verdicts. Returns the
/// number of files checked.
fn check_all<P: serde::de::DeserializeOwned>(
    kind: &str,
    expected_files: usize,
    verify: impl Fn(&P) -> Result<(), String>,
    want_err_and_desc: impl Fn(&P) -> (bool, &str),
    divergences: &[(&str, &str)],
) -> usize {
    let dir = gongzhang_tests::external_vectors()
        .join("merkle")
        .join(kind);
    let files = json_files(&dir);
    let mut checked = 0;
    let mut diverged = Vec::new();
    let mut failures = Vec::new();
    for file in &files {
        let relative = file
            .strip_prefix(&dir)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let probe: P = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not a {kind} probe: {e}", file.display()));
        let (want_err, desc) = want_err_and_desc(&probe);
        let verdict = verify(&probe);
        checked += 1;

        if let Some((_, why)) = divergences.iter().find(|(name, _)| *name == relative) {
            assert!(
                !want_err && verdict.is_err(),
                "{kind}/{relative} ({desc:?}) is listed as a known divergence ({why}), but the \
                 reference says wantErr={want_err} and we say {verdict:?}"
            );
            diverged.push(relative);
            continue;
        }
        if verdict.is_err() != want_err {
            failures.push(format!(
                "{kind}/{relative} ({desc:?}): want {}, got {verdict:?}",
                if want_err { "an error" } else { "success" },
            ));
        }
    }

    assert!(
        failures.is_empty(),
        "{} of {checked} {kind} probes got the wrong verdict:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
    assert_eq!(
        diverged.len(),
        divergences.len(),
        "known {kind} divergences not found among the probes: {divergences:?}, seen {diverged:?}"
    );
    assert_eq!(checked, files.len());
    assert_eq!(
        checked,
        expected_files,
        "expected {expected_files} {kind} probe files under {}, found {checked}",
        dir.display()
    );
    println!(
        "merkle/{kind}: {checked} probes checked, {} known divergence(s)",
        diverged.len()
    );
    checked
}

#[test]
fn merkle_inclusion_probes() {
    let checked = check_all::<InclusionProbe>(
        "inclusion",
        INCLUSION_FILES,
        verify_inclusion,
        |p| (p.want_err, p.desc.as_str()),
        &[],
    );
    assert!(checked > 90);
}

#[test]
fn merkle_consistency_probes() {
    let checked = check_all::<ConsistencyProbe>(
        "consistency",
        CONSISTENCY_FILES,
        verify_consistency,
        |p| (p.want_err, p.desc.as_str()),
        KNOWN_DIVERGENCES,
    );
    assert!(checked > 90);
}

/// The happy paths are really exercised: each one verifies, and its first proof hash matters.
#[test]
fn merkle_happy_paths_depend_on_their_proofs() {
    let dir = gongzhang_tests::external_vectors().join("merkle");
    let mut seen = 0;
    for file in json_files(&dir.join("inclusion")) {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}"));
        let mut probe: InclusionProbe =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        if probe.want_err || probe.proof.as_ref().is_none_or(Vec::is_empty) {
            continue;
        }
        assert_eq!(verify_inclusion(&probe), Ok(()), "{}", file.display());
        if let Some(first) = probe.proof.as_mut().and_then(|p| p.first_mut()) {
            *first = hash(first)
                .map(|h| Hash(h.0.map(|b| !b)).to_base64())
                .unwrap_or_default();
        }
        assert!(verify_inclusion(&probe).is_err(), "{}", file.display());
        seen += 1;
    }
    for file in json_files(&dir.join("consistency")) {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}"));
        let mut probe: ConsistencyProbe =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        if probe.want_err || probe.proof.as_ref().is_none_or(Vec::is_empty) {
            continue;
        }
        assert_eq!(verify_consistency(&probe), Ok(()), "{}", file.display());
        if let Some(first) = probe.proof.as_mut().and_then(|p| p.first_mut()) {
            *first = hash(first)
                .map(|h| Hash(h.0.map(|b| !b)).to_base64())
                .unwrap_or_default();
        }
        assert!(verify_consistency(&probe).is_err(), "{}", file.display());
        seen += 1;
    }
    assert!(seen >= 8, "only {seen} non-trivial happy paths found");
}
