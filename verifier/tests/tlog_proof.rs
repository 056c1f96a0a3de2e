//! `gongzhang-verify tlog-proof` checks C2SP tlog-proofs of *another* log, built from external
//! data rather than from our own Merkle code: the RFC 6962 reference tree of
//! transparency-dev/merkle (its leaves, its published root, the inclusion proofs of its pinned
//! probe files) with a checkpoint signed by the golang.org/x/mod note test key. The proof texts
//! are written by hand in the spec's layout, so the parser is checked against the spec too.
//!
//! Exit codes: 0 verified, 1 verification failed, 2 usage or input error.

use gongzhang_core::Hash;
use gongzhang_core::cosignature::CosignerSigner;
use gongzhang_core::hash::{leaf_hash, sha256};
use gongzhang_core::note::{self, SignerKey};
use gongzhang_core::tlog_proof::MAX_PROOF_BYTES;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The origin of the reference log's checkpoint. The checkpoint is signed by the key named
/// `PeterNeumann`: a log key's name need not equal the origin (`checkpoint::open`).
const ORIGIN: &str = "example.com/rfc6962-reference";
/// The root of the reference tree of size 8 (transparency-dev/merkle testonly/constants.go).
const ROOT_HEX: &str = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";
/// The reference tree's eight leaf inputs, in hex.
const LEAF_INPUTS_HEX: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];
const HEADER: &str = "c2sp.org/tlog-proof@v1";

// ---------------------------------------------------------------------------------------------
// External data
// ---------------------------------------------------------------------------------------------

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The pinned external vectors the repository carries (`tests/vectors/README.md`).
fn external_vectors() -> PathBuf {
    project().join("tests/vectors")
}

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn hex_decode(text: &str) -> Vec<u8> {
    assert!(text.len() % 2 == 0, "{text}");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn b64_hash(text: &str) -> Hash {
    Hash::from_base64(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// The golang.org/x/mod note test keys, as pinned in `signed-note.json`.
struct NoteKeys {
    signer: SignerKey,
    verifier_key: String,
    other_verifier_key: String,
    bad_verifier_keys: Vec<String>,
}

fn note_keys() -> NoteKeys {
    let vectors = read_json(&external_vectors().join("signed-note.json"));
    let golang = vectors["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .find(|n| n["signer_key"].is_string())
        .expect("the golang.org/x/mod note with its signer key");
    let text = |field: &str| golang[field].as_str().expect(field).to_owned();
    let signer = SignerKey::parse(&text("signer_key")).expect("PRIVATE+KEY string parses");
    let verifier_key = text("verifier_key");
    assert_eq!(signer.verifier().to_string(), verifier_key);
    // Our signer gives golang's signature (Ed25519 is deterministic): the signed note pinned from
    // golang.org/x/mod starts with the text and PeterNeumann's line, then EnochRoot's.
    let ours = note::sign(&text("text"), &[&signer]).expect("signs");
    assert!(text("signed_note").starts_with(&ours), "{ours}");
    NoteKeys {
        signer,
        verifier_key,
        other_verifier_key: text("other_verifier_key"),
        bad_verifier_keys: golang["bad_verifier_keys"]
            .as_array()
            .expect("bad keys")
            .iter()
            .map(|k| k.as_str().expect("key").to_owned())
            .collect(),
    }
}

/// The RFC 6962 reference tree of size 8.
struct Reference {
    leaves: Vec<Vec<u8>>,
    leaf_hashes: Vec<Hash>,
    root: Hash,
    /// The inclusion proof of every leaf, from its sibling up.
    proofs: Vec<Vec<Hash>>,
}

/// `SHA-256(0x01 ‖ left ‖ right)`, RFC 6962 section 2.1, written out.
fn node(left: &Hash, right: &Hash) -> Hash {
    let mut bytes = vec![0x01];
    bytes.extend_from_slice(left.as_bytes());
    bytes.extend_from_slice(right.as_bytes());
    sha256(&bytes)
}

/// The happy-path probes of the tree of size 8, by leaf index.
fn happy_paths_of_size_8() -> Vec<(u64, Value)> {
    let mut found = Vec::new();
    for dir in std::fs::read_dir(external_vectors().join("merkle/inclusion")).expect("probes") {
        let path = dir.expect("entry").path().join("happy-path.json");
        if !path.is_file() {
            continue;
        }
        let probe = read_json(&path);
        if probe["treeSize"] == 8 && probe["wantErr"] == false {
            found.push((probe["leafIdx"].as_u64().expect("leafIdx"), probe));
        }
    }
    found.sort_by_key(|(index, _)| *index);
    found
}

fn probe_hashes(probe: &Value) -> Vec<Hash> {
    probe["proof"]
        .as_array()
        .expect("proof")
        .iter()
        .map(|h| b64_hash(h.as_str().expect("base64")))
        .collect()
}

/// Builds every leaf's inclusion proof from the two pinned proofs (leaves 0 and 5) and the leaf
/// inputs. The only two nodes not in the pinned proofs, H(0,1) and H(4,5), are computed from
/// the leaves and checked against pinned nodes; the root is checked against the published one.
fn reference() -> Reference {
    let leaves: Vec<Vec<u8>> = LEAF_INPUTS_HEX.iter().map(|h| hex_decode(h)).collect();
    let l: Vec<Hash> = leaves.iter().map(|d| leaf_hash(d)).collect();
    let root = Hash::from_hex(ROOT_HEX).expect("root");

    let probes = happy_paths_of_size_8();
    let indices: Vec<u64> = probes.iter().map(|(i, _)| *i).collect();
    assert_eq!(indices, [0, 5], "the pinned happy paths of size 8");
    let (p0, p5) = (&probes[0].1, &probes[1].1);
    for (index, probe) in [(0, p0), (5, p5)] {
        assert_eq!(b64_hash(probe["root"].as_str().expect("root")), root);
        assert_eq!(
            b64_hash(probe["leafHash"].as_str().expect("leafHash")),
            l[index]
        );
    }
    let proof0 = probe_hashes(p0);
    let proof5 = probe_hashes(p5);
    assert_eq!(proof0.len(), 3);
    assert_eq!(proof5.len(), 3);
    // Leaf 0: [L1, H(2,3), H(4..8)]; leaf 5: [L4, H(6,7), H(0..4)].
    assert_eq!(proof0[0], l[1]);
    assert_eq!(proof5[0], l[4]);
    let (h23, h4567) = (proof0[1], proof0[2]);
    let (h67, h0123) = (proof5[1], proof5[2]);
    let h01 = node(&l[0], &l[1]);
    let h45 = node(&l[4], &l[5]);
    assert_eq!(
        node(&h01, &h23),
        h0123,
        "H(0,1) agrees with the pinned H(0..4)"
    );
    assert_eq!(
        node(&h45, &h67),
        h4567,
        "H(4,5) agrees with the pinned H(4..8)"
    );
    assert_eq!(node(&h0123, &h4567), root, "the published root");

    let proofs = vec![
        proof0.clone(),
        vec![l[0], h23, h4567],
        vec![l[3], h01, h4567],
        vec![l[2], h01, h4567],
        vec![l[5], h67, h0123],
        proof5.clone(),
        vec![l[7], h45, h0123],
        vec![l[6], h45, h0123],
    ];
    Reference {
        leaves,
        leaf_hashes: l,
        root,
        proofs,
    }
}

// ---------------------------------------------------------------------------------------------
// Proof texts, written by hand in the spec's layout
// ---------------------------------------------------------------------------------------------

/// A checkpoint note signed by the golang test key: origin, size, root, then the signature.
fn signed_checkpoint(keys: &NoteKeys, origin: &str, size: u64, root_b64: &str) -> String {
    note::sign(&format!("{origin}\n{size}\n{root_b64}\n"), &[&keys.signer]).expect("signs")
}

/// `c2sp.org/tlog-proof@v1`, `index N`, one base64 hash a line, an empty line, the note.
fn proof_text(index: u64, hashes_b64: &[String], checkpoint_note: &str) -> String {
    let mut text = format!("{HEADER}\nindex {index}\n");
    for hash in hashes_b64 {
        text.push_str(hash);
        text.push('\n');
    }
    text.push('\n');
    text.push_str(checkpoint_note);
    text
}

fn b64_all(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(Hash::to_base64).collect()
}

fn reference_proof(keys: &NoteKeys, tree: &Reference, index: usize) -> String {
    let note = signed_checkpoint(keys, ORIGIN, 8, &tree.root.to_base64());
    proof_text(index as u64, &b64_all(&tree.proofs[index]), &note)
}

// ---------------------------------------------------------------------------------------------
// Running the verifier
// ---------------------------------------------------------------------------------------------

/// A scratch directory for one test.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "gongzhang-verify-tlog-proof-{}-{name}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Scratch(dir)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn verify(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_gongzhang-verify"))
        .arg("tlog-proof")
        .args(args)
        .output()
        .expect("the verifier runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Verifies with the golang key, the reference origin and a leaf file.
fn verify_leaf(keys: &NoteKeys, leaf: &Path, proof: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "--key",
        &keys.verifier_key,
        "--origin",
        ORIGIN,
        "--leaf",
        s(leaf),
        s(proof),
    ];
    args.extend_from_slice(extra);
    verify(&args)
}

fn expected_report_zh(index: usize, leaf: &Hash) -> String {
    format!(
        "✔ 核对通过：日志密钥签名的检查点包含这个叶子。\n\
         \x20 日志（origin）： {ORIGIN}\n\
         \x20 日志密钥： PeterNeumann+c74f20a3\n\
         \x20 树的大小： 8\n\
         \x20 根哈希（十六进制）： {ROOT_HEX}\n\
         \x20 根哈希（base64）： XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\
         \x20 叶子序号（从 0 开始）： {index}\n\
         \x20 叶子哈希： {}\n",
        leaf.to_hex()
    )
}

// ---------------------------------------------------------------------------------------------
// The reference log
// ---------------------------------------------------------------------------------------------

#[test]
fn every_leaf_of_the_rfc6962_reference_tree_verifies() {
    let keys = note_keys();
    let tree = reference();
    let dir = Scratch::new("every-leaf");
    for index in 0..8 {
        let leaf = dir.write(&format!("leaf-{index}"), &tree.leaves[index]);
        let proof = dir.write(
            &format!("leaf-{index}.tlog-proof"),
            reference_proof(&keys, &tree, index),
        );
        let run = verify_leaf(&keys, &leaf, &proof, &[]);
        assert_eq!(
            run.code,
            Some(0),
            "leaf {index}: {}{}",
            run.stdout,
            run.stderr
        );
        assert_eq!(
            run.stdout,
            expected_report_zh(index, &tree.leaf_hashes[index])
        );
        assert_eq!(run.stderr, "");
    }
}

#[test]
fn the_report_is_in_english_with_lang_en() {
    let keys = note_keys();
    let tree = reference();
    let dir = Scratch::new("english");
    let leaf = dir.write("leaf", &tree.leaves[5]);
    let proof = dir.write("proof", reference_proof(&keys, &tree, 5));
    let run = verify_leaf(&keys, &leaf, &proof, &["--lang", "en"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "✔ Verified: the checkpoint signed by the log key includes this leaf.\n\
             \x20 log (origin): {ORIGIN}\n\
             \x20 log key: PeterNeumann+c74f20a3\n\
             \x20 tree size: 8\n\
             \x20 root hash (hex): {ROOT_HEX}\n\
             \x20 root hash (base64): XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\
             \x20 leaf index (from 0): 5\n\
             \x20 leaf hash: {}\n",
            tree.leaf_hashes[5].to_hex()
        )
    );

    let run = verify(&[
        "--lang",
        "en",
        "--key",
        &keys.other_verifier_key,
        "--origin",
        ORIGIN,
        "--leaf",
        s(&leaf),
        s(&proof),
    ]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "✘ Verification failed: the checkpoint is not signed by this log key.\n  \
         reason: the log key given is EnochRoot+af0cfe78; the checkpoint is signed by: PeterNeumann+c74f20a3.\n"
    );

    let missing = dir.0.join("missing.tlog-proof");
    let run = verify_leaf(&keys, &leaf, &missing, &["--lang", "en"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.starts_with(&format!(
            "input error: cannot read the proof file {}: ",
            missing.display()
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn leaf_hash_is_equivalent_to_leaf() {
    let keys = note_keys();
    let tree = reference();
    let dir = Scratch::new("leaf-hash");
    for index in 0..8 {
        let leaf = dir.write(&format!("leaf-{index}"), &tree.leaves[index]);
        let proof = dir.write(
            &format!("leaf-{index}.tlog-proof"),
            reference_proof(&keys, &tree, index),
        );
        let by_file = verify_leaf(&keys, &leaf, &proof, &[]);
        let hex = tree.leaf_hashes[index].to_hex();
        for given in [
            hex.clone(),
            hex.to_uppercase(),
            tree.leaf_hashes[index].to_base64(),
        ] {
            let by_hash = verify(&[
                "--key",
                &keys.verifier_key,
                "--origin",
                ORIGIN,
                "--leaf-hash",
                &given,
                s(&proof),
            ]);
            assert_eq!(by_hash.code, Some(0), "{given}: {}", by_hash.stderr);
            assert_eq!(by_hash.stdout, by_file.stdout);
        }
    }
    // The pinned probes' leaf hash of leaf 5, in hex, as a caller holding only the hash has it.
    let probe_leaf = b64_hash(
        happy_paths_of_size_8()[1].1["leafHash"]
            .as_str()
            .expect("leafHash"),
    );
    let proof = dir.write("five.tlog-proof", reference_proof(&keys, &tree, 5));
    let run = verify(&[
        "--key",
        &keys.verifier_key,
        "--origin",
        ORIGIN,
        "--leaf-hash",
        &probe_leaf.to_hex(),
        s(&proof),
    ]);
    assert_eq!(run.code, Some(0));
    assert_eq!(run.stdout, expected_report_zh(5, &probe_leaf));

    // Another leaf's hash at index 5 does not verify.
    let run = verify(&[
        "--key",
        &keys.verifier_key,
        "--origin",
        ORIGIN,
        "--leaf-hash",
        &tree.leaf_hashes[4].to_hex(),
        s(&proof),
    ]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout
            .starts_with("✘ 核对失败：包含证明算不出检查点的根哈希。\n"),
        "{}",
        run.stdout
    );

    // A malformed hash is an input error; --leaf and --leaf-hash conflict; one is required.
    let run = verify(&[
        "--key",
        &keys.verifier_key,
        "--origin",
        ORIGIN,
        "--leaf-hash",
        "5c8f",
        s(&proof),
    ]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "输入错误: --leaf-hash \"5c8f\" 不是 32 字节的哈希：应为 64 位十六进制数字（或 44 个字符的 base64）\n"
    );
    let leaf = dir.write("leaf", &tree.leaves[5]);
    let both = verify(&[
        "--key",
        &keys.verifier_key,
        "--origin",
        ORIGIN,
        "--leaf",
        s(&leaf),
        "--leaf-hash",
        &probe_leaf.to_hex(),
        s(&proof),
    ]);
    assert_eq!(both.code, Some(2));
    assert!(
        both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );
    assert_eq!(both.stdout, "");
    let neither = verify(&["--key", &keys.verifier_key, "--origin", ORIGIN, s(&proof)]);
    assert_eq!(neither.code, Some(2));
    assert!(
        neither
            .stderr
            .contains("required arguments were not provided"),
        "{}",
        neither.stderr
    );
}

#[test]
fn a_flipped_leaf_byte_fails() {
    let keys = note_keys();
    let tree = reference();
    let dir = Scratch::new("flipped-leaf");
    for index in 1..8 {
        let mut data = tree.leaves[index].clone();
        let last = data.len() - 1;
        data[last] ^= 0x01;
        let leaf = dir.write(&format!("leaf-{index}"), &data);
        let proof = dir.write(
            &format!("leaf-{index}.tlog-proof"),
            reference_proof(&keys, &tree, index),
        );
        let run = verify_leaf(&keys, &leaf, &proof, &[]);
        assert_eq!(run.code, Some(1), "leaf {index}: {}", run.stdout);
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(lines.len(), 3, "{}", run.stdout);
        assert_eq!(lines[0], "✘ 核对失败：包含证明算不出检查点的根哈希。");
        assert!(
            lines[1].starts_with("  原因： 由叶子哈希和证明算出的根是 ")
                && lines[1].ends_with(&format!(
                    "，检查点的根是 {ROOT_HEX}：这个叶子不在这个位置，或者叶子、证明被改动过。"
                )),
            "{}",
            lines[1]
        );
        assert_eq!(
            lines[2],
            format!("  叶子哈希： {}", leaf_hash(&data).to_hex())
        );
    }
    // The empty leaf 0 with one byte added.
    let leaf = dir.write("leaf-0", [0u8]);
    let proof = dir.write("leaf-0.tlog-proof", reference_proof(&keys, &tree, 0));
    assert_eq!(verify_leaf(&keys, &leaf, &proof, &[]).code, Some(1));
}

#[test]
fn a_checkpoint_signed_by_another_key_fails_naming_the_signature() {
    let keys = note_keys();
    let tree = reference();
    let dir = Scratch::new("other-key");
    let leaf = dir.write("leaf", &tree.leaves[3]);
    let text = reference_proof(&keys, &tree, 3);
    let proof = dir.write("proof", &text);
    let run = verify(&[
        "--key",
        &keys.other_verifier_key,
        "--origin",
        ORIGIN,
        "--leaf",
        s(&leaf),
        s(&proof),
    ]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "✘ 核对失败：检查点不是由这把日志密钥签名的。\n  \
         原因： 给出的日志密钥是 EnochRoot+af0cfe78，检查点上的签名来自：PeterNeumann+c74f20a3。\n"
    );

    // The checkpoint altered after signing: the tree grown to 9 under the same signature.
    let altered = text.replacen(&format!("{ORIGIN}\n8\n"), &format!("{ORIGIN}\n9\n"), 1);
    assert_ne!(altered, text);
    let proof = dir.write("altered", altered);
    let run = verify_leaf(&keys, &leaf, &proof, &[]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "✘ 核对失败：检查点不是由这把日志密钥签名的。\n  \
         原因： 检查点上署名为 PeterNeumann+c74f20a3 的签名验证不通过：检查点的内容被改动过，或签名是伪造的。\n"
    );
}

#[test]
fn a_wrong_origin_fails() {
    let keys = note_keys();
    let tree = reference();
    let dir = Scratch::new("origin");
    let leaf = dir.write("leaf", &tree.leaves[2]);
    let proof = dir.write("proof", reference_proof(&keys, &tree, 2));
    let run = verify(&[
        "--key",
        &keys.verifier_key,
        "--origin",
        "example.com/another-log",
        "--leaf",
        s(&leaf),
        s(&proof),
    ]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "✘ 核对失败：检查点属于另一个日志（origin 不符）。\n  \
         原因： 检查点的 origin 是 \"example.com/rfc6962-reference\"，你给出的是 \"example.com/another-log\"。\n"
    );
}

#[test]
fn an_index_beyond_the_tree_fails() {
    let keys = note_keys();
    let tree = reference();
    let dir = Scratch::new("index");
    let leaf = dir.write("leaf", &tree.leaves[0]);
    let note = signed_checkpoint(&keys, ORIGIN, 8, &tree.root.to_base64());
    for index in [8, 9, u64::MAX] {
        let proof = dir.write("proof", proof_text(index, &b64_all(&tree.proofs[0]), &note));
        let run = verify_leaf(&keys, &leaf, &proof, &[]);
        assert_eq!(run.code, Some(1), "{index}");
        assert_eq!(
            run.stdout,
            format!(
                "✘ 核对失败：叶子序号超出了树的大小。\n  \
                 原因： 证明里的序号是 {index}，但检查点的树只有 8 个叶子（序号从 0 到 7）。\n"
            )
        );
    }
}

#[test]
fn an_altered_proof_fails() {
    let keys = note_keys();
    let tree = reference();
    let dir = Scratch::new("altered-proof");
    let leaf = dir.write("leaf", &tree.leaves[6]);
    let note = signed_checkpoint(&keys, ORIGIN, 8, &tree.root.to_base64());
    for position in 0..3 {
        let mut hashes = tree.proofs[6].clone();
        hashes[position].0[31] ^= 0x80;
        let proof = dir.write("proof", proof_text(6, &b64_all(&hashes), &note));
        let run = verify_leaf(&keys, &leaf, &proof, &[]);
        assert_eq!(run.code, Some(1), "{position}");
        assert!(
            run.stdout.starts_with(
                "✘ 核对失败：包含证明算不出检查点的根哈希。\n  原因： 由叶子哈希和证明算出的根是 "
            ),
            "{}",
            run.stdout
        );
    }
    // Leaves 6 and 7's proofs swapped; one hash removed; one added.
    let swapped = dir.write("swapped", proof_text(6, &b64_all(&tree.proofs[7]), &note));
    assert_eq!(verify_leaf(&keys, &leaf, &swapped, &[]).code, Some(1));
    let short = dir.write(
        "short",
        proof_text(6, &b64_all(&tree.proofs[6][..2]), &note),
    );
    let run = verify_leaf(&keys, &leaf, &short, &[]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout.starts_with(
            "✘ 核对失败：包含证明算不出检查点的根哈希。\n  原因： 大小为 8 的树中序号 6 的包含证明应有 3 个哈希，这里有 2 个。\n"
        ),
        "{}",
        run.stdout
    );
    let mut long = tree.proofs[6].clone();
    long.push(tree.root);
    let long = dir.write("long", proof_text(6, &b64_all(&long), &note));
    assert_eq!(verify_leaf(&keys, &leaf, &long, &[]).code, Some(1));
}

/// Every pinned probe of transparency-dev/merkle, as a proof of a log whose checkpoint states
/// the probe's size and root: the happy paths verify (0); the corrupted ones fail (1), or do not
/// even make a well-formed proof when a hash is not 32 bytes (2).
#[test]
fn every_pinned_inclusion_probe_gives_its_verdict() {
    let keys = note_keys();
    let dir = Scratch::new("probes");
    let mut paths = Vec::new();
    let mut pending = vec![external_vectors().join("merkle/inclusion")];
    while let Some(path) = pending.pop() {
        for entry in std::fs::read_dir(&path).expect("dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    let (mut checked, mut skipped, mut happy) = (0, 0, 0);
    for path in &paths {
        let probe = read_json(path);
        let is_hash = |v: &Value| Hash::from_base64(v.as_str().expect("base64")).is_ok();
        let root = probe["root"].as_str().expect("root");
        if !is_hash(&probe["root"]) {
            // A checkpoint cannot state a root that is not 32 bytes.
            skipped += 1;
            continue;
        }
        let hashes: Vec<String> = match &probe["proof"] {
            Value::Null => Vec::new(),
            Value::Array(a) => a
                .iter()
                .map(|h| h.as_str().expect("base64").to_owned())
                .collect(),
            other => panic!("{other}"),
        };
        let well_formed = is_hash(&probe["leafHash"])
            && probe["proof"]
                .as_array()
                .is_none_or(|a| a.iter().all(is_hash));
        let want = match (probe["wantErr"].as_bool().expect("wantErr"), well_formed) {
            (false, _) => 0,
            (true, true) => 1,
            (true, false) => 2,
        };
        let size = probe["treeSize"].as_u64().expect("treeSize");
        let index = probe["leafIdx"].as_u64().expect("leafIdx");
        let note = signed_checkpoint(&keys, ORIGIN, size, root);
        let proof = dir.write("probe.tlog-proof", proof_text(index, &hashes, &note));
        let run = verify(&[
            "--key",
            &keys.verifier_key,
            "--origin",
            ORIGIN,
            "--leaf-hash",
            probe["leafHash"].as_str().expect("leafHash"),
            s(&proof),
        ]);
        assert_eq!(
            run.code,
            Some(want),
            "{}: {}{}",
            path.display(),
            run.stdout,
            run.stderr
        );
        checked += 1;
        happy += usize::from(want == 0);
    }
    assert!(checked >= 80, "{checked} probes checked");
    assert!(happy >= 6, "{happy} happy paths");
    assert!(skipped <= 12, "{skipped} probes skipped");
}

// ---------------------------------------------------------------------------------------------
// Input errors: exit 2
// ---------------------------------------------------------------------------------------------

#[test]
fn truncated_or_garbage_proof_files_are_input_errors() {
    let keys = note_keys();
    let tree = reference();
    let dir = Scratch::new("garbage");
    let leaf = dir.write("leaf", &tree.leaves[4]);
    let text = reference_proof(&keys, &tree, 4);
    let path = dir.0.join("proof");
    let path_text = path.display().to_string();
    let input_error = |bytes: &[u8]| {
        std::fs::write(&path, bytes).expect("write");
        let run = verify_leaf(&keys, &leaf, &path, &[]);
        assert_eq!(
            run.code,
            Some(2),
            "{:?}: {}",
            String::from_utf8_lossy(bytes),
            run.stdout
        );
        assert_eq!(run.stdout, "");
        run.stderr
    };
    let not_a_proof = |detail: &str| {
        format!("输入错误: 证明文件 {path_text} 不是有效的 C2SP tlog-proof：{detail}\n")
    };

    // Every strict prefix of a valid proof is refused as input.
    for cut in 0..text.len() {
        let stderr = input_error(&text.as_bytes()[..cut]);
        assert!(stderr.starts_with("输入错误: 证明文件 "), "{cut}: {stderr}");
    }
    assert_eq!(
        verify_leaf(&keys, &leaf, &dir.write("whole", &text), &[]).code,
        Some(0)
    );

    let cut_in_proof = text.find("\n\n").expect("blank line") - 10;
    assert_eq!(
        input_error(&text.as_bytes()[..cut_in_proof]),
        not_a_proof("没有空行把包含证明和检查点分开（文件可能被截断了）")
    );
    assert_eq!(
        input_error(text.trim_end().as_bytes()),
        not_a_proof(
            "空行之后的检查点不是格式正确的签名 note：note 没有以换行结尾（文件可能被截断了）"
        )
    );
    assert_eq!(
        input_error(b"PK\x03\x04 garbage\n\n"),
        not_a_proof("第 1 行应为 \"c2sp.org/tlog-proof@v1\"")
    );
    assert_eq!(
        input_error(b"c2sp.org/tlog-proof@v1\nindex 1\n\xff\xfe\n\n"),
        format!(
            "输入错误: 证明文件 {path_text} 不是 UTF-8 文本：第 3 行（第 31 字节）有无效字节\n"
        )
    );
    let hashes = b64_all(&tree.proofs[4]);
    assert_eq!(
        input_error(text.replacen(&hashes[1], &hashes[1][..40], 1).as_bytes()),
        not_a_proof("第 4 行的证明哈希应为 32 字节，这里是 30 字节")
    );
    assert_eq!(
        input_error(text.replacen("index 4", "index 04", 1).as_bytes()),
        not_a_proof("第 2 行的叶子序号有前导零")
    );
    assert_eq!(
        input_error(text.replacen("index 4", "leaf 4", 1).as_bytes()),
        not_a_proof("第 2 行应为 “index N”（叶子序号）")
    );
    // The checkpoint's root (its line 3) is line 9 of the file: 5 lines, an empty one, origin,
    // size, root.
    let root = tree.root.to_base64();
    assert_eq!(
        input_error(text.replacen(&root, &root[..40], 1).as_bytes()),
        not_a_proof("检查点（文件第 9 行）：第 3 行的根哈希应为 32 字节，这里是 30 字节")
    );
    let crlf = input_error(text.replace('\n', "\r\n").as_bytes());
    assert!(
        crlf.ends_with("。文件里有回车符（Windows 换行 CRLF）；C2SP 格式只用换行符 LF\n"),
        "{crlf}"
    );

    // Larger than the limit: refused before reading it whole.
    let mut huge = text.clone().into_bytes();
    huge.resize(MAX_PROOF_BYTES + 1, b'A');
    assert_eq!(
        input_error(&huge),
        format!("输入错误: 证明文件 {path_text} 超过 {MAX_PROOF_BYTES} 字节的上限，不予读取\n")
    );
}

#[test]
fn missing_files_and_bad_keys_are_input_errors() {
    let keys = note_keys();
    let tree = reference();
    let dir = Scratch::new("missing");
    let leaf = dir.write("leaf", &tree.leaves[1]);
    let proof = dir.write("proof", reference_proof(&keys, &tree, 1));
    let nowhere = dir.0.join("nowhere");

    let run = verify_leaf(&keys, &leaf, &nowhere, &[]);
    assert_eq!(run.code, Some(2));
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "输入错误: 无法读取证明文件 {}：文件不存在\n",
            nowhere.display()
        )
    );
    let run = verify_leaf(&keys, &nowhere, &proof, &[]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        format!(
            "输入错误: 无法读取叶子文件 {}：文件不存在\n",
            nowhere.display()
        )
    );
    let run = verify_leaf(&keys, &leaf, &dir.0, &[]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        format!(
            "输入错误: 无法读取证明文件 {}：这是一个目录，不是文件\n",
            dir.0.display()
        )
    );

    let with_key = |key: &str| {
        verify(&[
            "--key",
            key,
            "--origin",
            ORIGIN,
            "--leaf",
            s(&leaf),
            s(&proof),
        ])
    };
    for bad in &keys.bad_verifier_keys {
        let run = with_key(bad);
        assert_eq!(run.code, Some(2), "{bad}");
        assert!(
            run.stderr
                .starts_with("输入错误: --key 不是有效的验证密钥串（名称+密钥ID+密钥）："),
            "{}",
            run.stderr
        );
    }
    assert_eq!(
        with_key("PeterNeumann+c74f20a3").stderr,
        "输入错误: --key 不是有效的验证密钥串（名称+密钥ID+密钥）：密钥 ID 后面没有“+”\n"
    );
    let private = keys.signer.to_private_key_string();
    let run = with_key(&private);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "输入错误: --key 给出的是签名私钥（PRIVATE+KEY+…），它应当保密；请给出对应的验证密钥（公钥）\n"
    );
    assert!(!run.stderr.contains(&private[12..]));

    // A witness key where a note key belongs, and the other way round.
    let witness = CosignerSigner::from_seed("witness.example", [7; 32]).expect("seed");
    let run = with_key(&witness.verifier().to_string());
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .ends_with("。这是见证人的联署密钥，请用 --witness 给出\n"),
        "{}",
        run.stderr
    );
    let run = verify_leaf(&keys, &leaf, &proof, &["--witness", &keys.verifier_key]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .ends_with("。这是日志（note）的验证密钥，不是见证人的联署密钥（类型 0x04）\n"),
        "{}",
        run.stderr
    );
    let run = verify_leaf(
        &keys,
        &leaf,
        &proof,
        &[
            "--witness",
            &witness.verifier().to_string(),
            "--witnesses-required",
            "2",
        ],
    );
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "输入错误: --witnesses-required 是 2，但只给出了 1 位见证人\n"
    );
}

#[test]
fn mutated_proofs_never_crash_the_verifier() {
    let keys = note_keys();
    let tree = reference();
    let dir = Scratch::new("mutated");
    let leaf = dir.write("leaf", &tree.leaves[7]);
    let text = reference_proof(&keys, &tree, 7).into_bytes();
    let path = dir.0.join("proof");
    // A fixed xorshift sequence: reproducible mutations.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..120 {
        let mut bytes = text.clone();
        for _ in 0..(1 + next() % 3) {
            let at = (next() % bytes.len() as u64) as usize;
            match next() % 3 {
                0 => bytes[at] = next() as u8,
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, next() as u8),
            }
        }
        std::fs::write(&path, &bytes).expect("write");
        let run = verify_leaf(&keys, &leaf, &path, &[]);
        let verdict = run.code.expect("exited, not killed");
        assert!(
            (0..=2).contains(&verdict),
            "round {round}: {verdict} {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("panicked"),
            "round {round}: {}",
            run.stderr
        );
        if verdict == 0 {
            // Only a mutation that changes nothing the proof relies on may still verify.
            assert_eq!(run.stdout, expected_report_zh(7, &tree.leaf_hashes[7]));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A Gongzhang receipt
// ---------------------------------------------------------------------------------------------

fn gongzhang_vectors() -> PathBuf {
    project().join("schemas/vectors")
}

/// Line 7 (seq 6) of the example log, without its line feed.
fn entry_6() -> Vec<u8> {
    let log = std::fs::read(gongzhang_vectors().join("log.jsonl")).expect("log");
    log.split(|&b| b == b'\n').nth(6).expect("line 7").to_vec()
}

#[test]
fn a_gongzhang_receipt_verifies() {
    let keys = read_json(&gongzhang_vectors().join("keys.json"));
    let log_key = keys["log"]["verifier_key"].as_str().expect("log key");
    let witness = keys["witness"]["verifier_key"].as_str().expect("witness");
    assert_eq!(keys["witness"]["cosignature_timestamp"], 1_770_087_600);
    let origin = "gongzhang.example/hexie-jiayuan";
    let proof = gongzhang_vectors().join("entry-6.tlog-proof");
    let dir = Scratch::new("receipt");
    let entry = entry_6();
    assert!(entry.starts_with(b"{\"event\":") && entry.ends_with(b"}"));
    let leaf = dir.write("entry-6", &entry);
    let with = |leaf: &Path, extra: &[&str]| {
        let mut args = vec![
            "--key",
            log_key,
            "--origin",
            origin,
            "--leaf",
            s(leaf),
            s(&proof),
        ];
        args.extend_from_slice(extra);
        verify(&args)
    };

    let text = std::fs::read_to_string(&proof).expect("proof");
    let root_line = text.lines().nth(9).expect("the checkpoint's root line");
    let root = b64_hash(root_line);
    let run = with(&leaf, &[]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "✔ 核对通过：日志密钥签名的检查点包含这个叶子。\n\
             \x20 日志（origin）： {origin}\n\
             \x20 日志密钥： gongzhang.example/hexie-jiayuan+538e94e8\n\
             \x20 树的大小： 16\n\
             \x20 根哈希（十六进制）： {}\n\
             \x20 根哈希（base64）： {root_line}\n\
             \x20 叶子序号（从 0 开始）： 6\n\
             \x20 叶子哈希： {}\n\
             \x20 检查点上其他未核对的签名： witness.gongzhang.example/street-office+feec6885（用 --witness 给出见证人的公钥即可核对）\n",
            root.to_hex(),
            leaf_hash(&entry).to_hex()
        )
    );

    // With the street office as witness: its cosignature, in Beijing time (03:00 UTC).
    let run = with(&leaf, &["--witness", witness]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(
            "\n  见证人联署： witness.gongzhang.example/street-office（2026-02-03 11:00:00 北京时间）\n  见证人要求： 要求 1 位（共 1 位），已满足\n"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("未核对"), "{}", run.stdout);
    let run = with(&leaf, &["--witness", witness, "--lang", "en"]);
    assert!(
        run.stdout.contains(
            "\n  cosigned by witness: witness.gongzhang.example/street-office (2026-02-03 11:00:00 Beijing time)\n"
        ),
        "{}",
        run.stdout
    );

    // A witness who did not cosign: named as missing.
    let stranger = CosignerSigner::from_seed("witness.example/stranger", [3; 32])
        .expect("seed")
        .verifier();
    let run = with(
        &leaf,
        &["--witness", witness, "--witness", &stranger.to_string()],
    );
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        format!(
            "✘ 核对失败：见证人的联署不够或无效。\n  \
             原因： 需要 2 位见证人联署，有效的只有 1 位\n  \
             没有联署的见证人： witness.example/stranger+{:08x}\n",
            stranger.key_id()
        )
    );
    let run = with(
        &leaf,
        &[
            "--witness",
            witness,
            "--witness",
            &stranger.to_string(),
            "--witnesses-required",
            "1",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);

    // The entry saved as a line, with its line feed: fails, with a hint.
    let mut line = entry.clone();
    line.push(b'\n');
    let run = with(&dir.write("entry-6.line", &line), &[]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout.ends_with(
            "  提示：叶子文件以换行结尾；去掉最后的换行后证明就能通过。公账条目作为叶子不含行尾换行，请去掉它再核对。\n"
        ),
        "{}",
        run.stdout
    );

    // Another entry at index 6 does not verify; the receipt is not ours to claim.
    let log = std::fs::read(gongzhang_vectors().join("log.jsonl")).expect("log");
    let entry_5 = log.split(|&b| b == b'\n').nth(5).expect("line 6").to_vec();
    let run = with(&dir.write("entry-5", &entry_5), &[]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout
            .starts_with("✘ 核对失败：包含证明算不出检查点的根哈希。\n"),
        "{}",
        run.stdout
    );

    // The receipt checked with the reference log's key: not signed by it.
    let note_keys = note_keys();
    let run = verify(&[
        "--key",
        &note_keys.verifier_key,
        "--origin",
        origin,
        "--leaf",
        s(&leaf),
        s(&proof),
    ]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "✘ 核对失败：检查点不是由这把日志密钥签名的。\n  \
         原因： 给出的日志密钥是 PeterNeumann+c74f20a3，检查点上的签名来自：gongzhang.example/hexie-jiayuan+538e94e8、witness.gongzhang.example/street-office+feec6885。\n"
    );
}
