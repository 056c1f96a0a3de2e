//! The RFC 6962/9162 Merkle tree over entry hashes: roots, inclusion and consistency proofs.
//!
//! The tree is the one of RFC 6962 section 2.1 (RFC 9162 section 2.1): leaves are entry hashes
//! (already [`leaf_hash`](crate::hash::leaf_hash)ed), interior nodes are
//! [`node_hash`], the root of the empty tree is the SHA-256 of nothing.
//!
//! Verification follows the reference verifier, transparency-dev/merkle `proof/verify.go`, with
//! the same strictness:
//!
//! - an inclusion proof needs `index < size` and exactly the number of hashes the index and size
//!   call for;
//! - a consistency proof needs `0 < size1 <= size2`; a proof from the empty tree is refused (even
//!   to the empty tree, as the current reference does); when both sizes are equal the proof must
//!   be empty and both roots equal; otherwise the proof must have exactly the expected length.
//!
//! Proofs are computed with the reference's bit decomposition: the path from a leaf to the root
//! splits into an *inner* part (below the level where the paths to the leaf and to the last leaf
//! diverge, where siblings may lie on either side) and a *border* part (along the right border
//! of the tree, where siblings only ever lie to the left).
//!
//! Generation is split in two so a store can serve proofs with O(log n) lookups:
//! [`inclusion_proof_ranges`] and [`consistency_proof_ranges`] name the subtrees `[start, end)`
//! whose roots make the proof; [`inclusion_proof`] and [`consistency_proof`] compute those roots
//! over leaves held in memory.

use crate::hash::{Hash, node_hash};
use std::ops::Range;

/// A tree head: the size of a log and the Merkle root over its first `size` leaves.
/// Verification is a method on the trusted value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeHead {
    /// Number of leaves.
    pub size: u64,
    /// Root hash over those leaves.
    pub root: Hash,
}

/// Why an inclusion proof did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InclusionError {
    /// The leaf index is not below the tree size.
    #[error("leaf index {index} is not inside a tree of size {size}")]
    IndexOutOfRange {
        /// Leaf index.
        index: u64,
        /// Tree size.
        size: u64,
    },
    /// The proof has the wrong number of hashes for this index and size.
    #[error(
        "an inclusion proof for leaf {index} in a tree of size {size} has {expected} hashes, found {found}"
    )]
    WrongProofLength {
        /// Leaf index.
        index: u64,
        /// Tree size.
        size: u64,
        /// Hashes expected.
        expected: usize,
        /// Hashes found.
        found: usize,
    },
    /// The proof leads to a different root.
    #[error("the inclusion proof leads to root {computed}, not to the trusted root {expected}")]
    RootMismatch {
        /// The trusted root.
        expected: Hash,
        /// The root the proof computes.
        computed: Hash,
    },
}

/// Why a consistency proof did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsistencyError {
    /// The older tree is larger than the newer one.
    #[error("the older tree has size {size1}, larger than the newer tree's {size2}")]
    OlderIsLarger {
        /// Older size.
        size1: u64,
        /// Newer size.
        size2: u64,
    },
    /// A consistency proof from the empty tree proves nothing and is refused.
    #[error("a consistency proof from the empty tree proves nothing")]
    FromEmptyTree,
    /// The proof has the wrong number of hashes for these sizes.
    #[error(
        "a consistency proof from size {size1} to {size2} has {expected} hashes, found {found}"
    )]
    WrongProofLength {
        /// Older size.
        size1: u64,
        /// Newer size.
        size2: u64,
        /// Hashes expected.
        expected: usize,
        /// Hashes found.
        found: usize,
    },
    /// The proof does not lead to the older root.
    #[error("the consistency proof leads to older root {computed}, not {expected}")]
    OlderRootMismatch {
        /// The trusted older root.
        expected: Hash,
        /// What the proof computes.
        computed: Hash,
    },
    /// The proof does not lead to the newer root.
    #[error("the consistency proof leads to newer root {computed}, not {expected}")]
    NewerRootMismatch {
        /// The trusted newer root.
        expected: Hash,
        /// What the proof computes.
        computed: Hash,
    },
}

/// A proof was asked for sizes or indices the tree does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofRequestError {
    /// Index not below size.
    #[error("leaf index {index} is not inside a tree of size {size}")]
    IndexOutOfRange {
        /// Leaf index.
        index: u64,
        /// Tree size.
        size: u64,
    },
    /// Sizes not ordered or beyond the tree.
    #[error(
        "no consistency proof exists from size {size1} to size {size2} in a tree of size {available}"
    )]
    BadSizes {
        /// Older size.
        size1: u64,
        /// Newer size.
        size2: u64,
        /// Leaves available.
        available: u64,
    },
}

impl TreeHead {
    /// The short form people compare by eye with the notice board: the size and the first
    /// 64 bits of the root in four groups, e.g. `10912 · 2530 7ae6 a4c5 e818`. Two different
    /// heads that agree on it would need 2^64 work to find, far beyond a community's adversaries;
    /// the full root is always printed next to it.
    pub fn fingerprint(&self) -> String {
        let hex = self.root.to_string();
        format!(
            "{} · {} {} {} {}",
            self.size,
            &hex[0..4],
            &hex[4..8],
            &hex[8..12],
            &hex[12..16]
        )
    }

    /// Checks that `leaf` is the leaf at `index` of this tree.
    ///
    /// Errors, in the order they are checked: [`InclusionError::IndexOutOfRange`] when
    /// `index >= size`, [`InclusionError::WrongProofLength`] when the proof does not have exactly
    /// the expected number of hashes, [`InclusionError::RootMismatch`] otherwise.
    pub fn verify_inclusion(
        &self,
        index: u64,
        leaf: &Hash,
        proof: &[Hash],
    ) -> Result<(), InclusionError> {
        let computed = root_from_inclusion_proof(index, self.size, leaf, proof)?;
        if computed == self.root {
            Ok(())
        } else {
            Err(InclusionError::RootMismatch {
                expected: self.root,
                computed,
            })
        }
    }

    /// Checks that `older` is a prefix of this tree.
    ///
    /// Errors, in the order they are checked: [`ConsistencyError::OlderIsLarger`] when the older
    /// size is larger; [`ConsistencyError::FromEmptyTree`] when the older size is 0 (whatever the
    /// newer size); when both sizes are equal, [`ConsistencyError::WrongProofLength`] unless the
    /// proof is empty and [`ConsistencyError::NewerRootMismatch`] unless the roots are equal;
    /// otherwise [`ConsistencyError::WrongProofLength`] unless the proof has exactly the expected
    /// length (so an empty proof is refused), then [`ConsistencyError::OlderRootMismatch`] and
    /// [`ConsistencyError::NewerRootMismatch`].
    pub fn verify_consistency(
        &self,
        older: &TreeHead,
        proof: &[Hash],
    ) -> Result<(), ConsistencyError> {
        let (size1, size2) = (older.size, self.size);
        if size2 < size1 {
            return Err(ConsistencyError::OlderIsLarger { size1, size2 });
        }
        if size1 == 0 {
            return Err(ConsistencyError::FromEmptyTree);
        }
        let wrong_length = |expected: usize| ConsistencyError::WrongProofLength {
            size1,
            size2,
            expected,
            found: proof.len(),
        };
        if size1 == size2 {
            if !proof.is_empty() {
                return Err(wrong_length(0));
            }
            if older.root != self.root {
                return Err(ConsistencyError::NewerRootMismatch {
                    expected: self.root,
                    computed: older.root,
                });
            }
            return Ok(());
        }

        let shape = ConsistencyShape::new(size1, size2);
        if proof.len() != shape.len() {
            return Err(wrong_length(shape.len()));
        }
        // The proof carries the root of the largest perfect subtree ending at `size1`, unless
        // that subtree is the whole older tree, whose root the verifier already trusts.
        let (seed, rest) = if shape.seeded {
            (older.root, proof)
        } else {
            match proof.split_first() {
                Some((first, rest)) => (*first, rest),
                None => return Err(wrong_length(shape.len())),
            }
        };
        // Now `rest` is the part of the inclusion proof of leaf `size1 - 1` in the newer tree
        // above level `shift`: `inner` hashes, then `border` hashes.
        let (inner, border) = rest.split_at(shape.inner.min(rest.len()));

        let older_computed = chain_border_right(chain_inner_right(seed, inner, shape.mask), border);
        if older_computed != older.root {
            return Err(ConsistencyError::OlderRootMismatch {
                expected: older.root,
                computed: older_computed,
            });
        }
        let newer_computed = chain_border_right(chain_inner(seed, inner, shape.mask), border);
        if newer_computed != self.root {
            return Err(ConsistencyError::NewerRootMismatch {
                expected: self.root,
                computed: newer_computed,
            });
        }
        Ok(())
    }
}

/// The root that an inclusion proof computes for the leaf `leaf` at `index` in a tree of `size`
/// (the reference's `RootFromInclusionProof`). [`TreeHead::verify_inclusion`] compares it with
/// the trusted root; this is for callers that learn the root another way.
pub fn root_from_inclusion_proof(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
) -> Result<Hash, InclusionError> {
    if index >= size {
        return Err(InclusionError::IndexOutOfRange { index, size });
    }
    let (inner, border) = decomp_incl_proof(index, size);
    if proof.len() != inner + border {
        return Err(InclusionError::WrongProofLength {
            index,
            size,
            expected: inner + border,
            found: proof.len(),
        });
    }
    let (inner_hashes, border_hashes) = proof.split_at(inner);
    Ok(chain_border_right(
        chain_inner(*leaf, inner_hashes, index),
        border_hashes,
    ))
}

/// The root over `leaves` (RFC 6962 MTH).
///
/// One pass over the leaves with a fixed stack of peaks (no allocation): each leaf costs one
/// node hash on average.
pub fn root(leaves: &[Hash]) -> Hash {
    // peaks[..len] are the roots of the perfect subtrees covering the leaves seen so far,
    // largest first; there is one per set bit of the count, so at most 64.
    let mut peaks = [Hash::ZERO; 64];
    let mut len = 0usize;
    for (count, leaf) in leaves.iter().enumerate() {
        let mut node = *leaf;
        let mut carry = count;
        // INVARIANT: `len` is the number of set bits of `count`, so every set bit met here has
        // a peak below it on the stack and `len - 1` does not underflow.
        while carry & 1 == 1 {
            len -= 1;
            node = node_hash(&peaks[len], &node);
            carry >>= 1;
        }
        peaks[len] = node;
        len += 1;
    }
    fold_peaks(&peaks[..len])
}

/// The subtrees `[start, end)` whose hashes make the inclusion proof of leaf `index` in a tree of
/// `size`, in proof order. A store looks these up (or computes them from stored nodes).
///
/// All but possibly one are perfect subtrees (a power of two of leaves, aligned); the exception
/// is the subtree at the level where the paths to `index` and to the last leaf diverge, which is
/// cut at `size`. There are as many ranges as [`TreeHead::verify_inclusion`] expects hashes.
pub fn inclusion_proof_ranges(index: u64, size: u64) -> Result<Vec<Range<u64>>, ProofRequestError> {
    if index >= size {
        return Err(ProofRequestError::IndexOutOfRange { index, size });
    }
    let (inner, border) = decomp_incl_proof(index, size);
    let mut ranges = Vec::with_capacity(inner + border);
    push_path_ranges(&mut ranges, index, 0, inner, size);
    Ok(ranges)
}

/// The subtrees whose hashes make the consistency proof from `size1` to `size2`, in proof order.
///
/// Needs `0 < size1 <= size2` (otherwise [`ProofRequestError::BadSizes`], with `available` set
/// to `size2`); equal sizes give no ranges. There are as many ranges as
/// [`TreeHead::verify_consistency`] expects hashes.
pub fn consistency_proof_ranges(
    size1: u64,
    size2: u64,
) -> Result<Vec<Range<u64>>, ProofRequestError> {
    if size1 == 0 || size1 > size2 {
        return Err(ProofRequestError::BadSizes {
            size1,
            size2,
            available: size2,
        });
    }
    if size1 == size2 {
        return Ok(Vec::new());
    }
    let shape = ConsistencyShape::new(size1, size2);
    let mut ranges = Vec::with_capacity(shape.len());
    if !shape.seeded {
        // The largest perfect subtree ending at `size1`: the verifier cannot know its root.
        ranges.push(size1 - (1u64 << shape.shift)..size1);
    }
    push_path_ranges(
        &mut ranges,
        size1 - 1,
        shape.shift,
        shape.shift + shape.inner,
        size2,
    );
    Ok(ranges)
}

/// The inclusion proof of leaf `index` among `leaves` (all of them form the tree).
///
/// Costs O(n) node hashes: each proof hash is the root of its range, computed from the leaves.
pub fn inclusion_proof(leaves: &[Hash], index: u64) -> Result<Vec<Hash>, ProofRequestError> {
    let ranges = inclusion_proof_ranges(index, len_u64(leaves))?;
    Ok(ranges
        .iter()
        .map(|range| root(sub_slice(leaves, range)))
        .collect())
}

/// The consistency proof from the tree over `leaves[..size1]` to the one over all `leaves`.
///
/// `size1` must satisfy `0 < size1 <= leaves.len()` (otherwise
/// [`ProofRequestError::BadSizes`]); `size1 == leaves.len()` gives the empty proof. Costs O(n)
/// node hashes.
pub fn consistency_proof(leaves: &[Hash], size1: u64) -> Result<Vec<Hash>, ProofRequestError> {
    let size2 = len_u64(leaves);
    if size1 == 0 || size1 > size2 {
        return Err(ProofRequestError::BadSizes {
            size1,
            size2,
            available: size2,
        });
    }
    let ranges = consistency_proof_ranges(size1, size2)?;
    Ok(ranges
        .iter()
        .map(|range| root(sub_slice(leaves, range)))
        .collect())
}

/// A perfect subtree of the tree, named as a store keeps its root: level 0 are the leaves, a node
/// at `level` covers leaves `index << level .. (index + 1) << level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId {
    /// Height above the leaves.
    pub level: u8,
    /// Index among the nodes of that level.
    pub index: u64,
}

/// Builds a root incrementally, leaf by leaf, in O(log n) memory: what a streaming verifier uses,
/// and what a store appends with ([`MerkleAccumulator::push_completing`] names the nodes each
/// leaf completes, so that proofs can be served from stored nodes).
#[derive(Debug, Clone, Default)]
pub struct MerkleAccumulator {
    size: u64,
    /// Roots of the perfect subtrees covering the leaves so far, largest first.
    peaks: Vec<Hash>,
}

impl MerkleAccumulator {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }
    /// Appends one leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        self.push_with(leaf, |_, _| {});
    }
    /// Appends one leaf hash and adds to `completed` the nodes it completes: the leaf itself
    /// (level 0) first, then each perfect subtree it closes, lowest first. Over all pushes, every
    /// perfect subtree inside the tree is named exactly once, with its root.
    pub fn push_completing(&mut self, leaf: Hash, completed: &mut Vec<(NodeId, Hash)>) {
        self.push_with(leaf, |id, hash| completed.push((id, hash)));
    }
    /// Appends one leaf hash, telling `completed` each node it completes.
    fn push_with(&mut self, leaf: Hash, mut completed: impl FnMut(NodeId, Hash)) {
        let index = self.size;
        let mut node = leaf;
        let mut level = 0u8;
        completed(NodeId { level, index }, node);
        let mut carry = index;
        // There is one peak per set bit of `size`: merge the peaks the carry runs through.
        while carry & 1 == 1 {
            let Some(left) = self.peaks.pop() else {
                // Unreachable while the peaks match the size; stop merging rather than panic.
                break;
            };
            node = node_hash(&left, &node);
            carry >>= 1;
            level += 1;
            completed(
                NodeId {
                    level,
                    index: index >> level,
                },
                node,
            );
        }
        self.peaks.push(node);
        self.size += 1;
    }
    /// Number of leaves so far.
    pub fn size(&self) -> u64 {
        self.size
    }
    /// The root over the leaves so far.
    pub fn root(&self) -> Hash {
        fold_peaks(&self.peaks)
    }
    /// The roots of the perfect subtrees covering the leaves so far, largest first: one for each
    /// set bit of the size.
    pub fn peaks(&self) -> &[Hash] {
        &self.peaks
    }
    /// The tree head over the leaves so far.
    pub fn tree_head(&self) -> TreeHead {
        TreeHead {
            size: self.size,
            root: self.root(),
        }
    }
}

impl Extend<Hash> for MerkleAccumulator {
    fn extend<I: IntoIterator<Item = Hash>>(&mut self, leaves: I) {
        for leaf in leaves {
            self.push(leaf);
        }
    }
}

/// The RFC 6962 root over the leaves covered by `peaks` (perfect subtree roots, largest first):
/// the peaks folded from the right, `H(p0, H(p1, ... H(pk-1, pk)))`; the empty tree's root for
/// none. The same fold gives the root of any subtree a proof names
/// ([`inclusion_proof_ranges`], [`consistency_proof_ranges`]) from the roots of the perfect
/// aligned subtrees it is cut into, largest first.
pub fn fold_peaks(peaks: &[Hash]) -> Hash {
    let Some((last, rest)) = peaks.split_last() else {
        return Hash::EMPTY_TREE_ROOT;
    };
    rest.iter()
        .rev()
        .fold(*last, |acc, peak| node_hash(peak, &acc))
}

/// How the consistency proof from `size1` to `size2` (`0 < size1 < size2`) is laid out.
struct ConsistencyShape {
    /// Height of the largest perfect subtree ending at `size1` (trailing zeros of `size1`).
    shift: usize,
    /// Whether that subtree is the whole older tree (`size1` a power of two), whose root the
    /// verifier already has; otherwise the proof starts with its root.
    seeded: bool,
    /// Inner hashes above level `shift`.
    inner: usize,
    /// Border hashes.
    border: usize,
    /// Index of that subtree at level `shift`: `(size1 - 1) >> shift`.
    mask: u64,
}

impl ConsistencyShape {
    fn new(size1: u64, size2: u64) -> Self {
        let (inner, border) = decomp_incl_proof(size1 - 1, size2);
        let shift = size1.trailing_zeros() as usize;
        Self {
            shift,
            seeded: size1.is_power_of_two(),
            // When size1 < size2, leaves size1 - 1 and size2 - 1 differ above level `shift`, so
            // inner > shift (the reference notes the same).
            inner: inner.saturating_sub(shift),
            border,
            mask: shr(size1 - 1, shift),
        }
    }

    /// The number of hashes in the proof.
    fn len(&self) -> usize {
        usize::from(!self.seeded) + self.inner + self.border
    }
}

/// The reference's `decompInclProof`: the inclusion proof of leaf `index` in a tree of `size`
/// (`index < size`) has `inner` hashes below the level where the paths to `index` and to
/// `size - 1` diverge, then `border` hashes along the right border. Returns `(inner, border)`.
fn decomp_incl_proof(index: u64, size: u64) -> (usize, usize) {
    let inner = bit_len(index ^ size.saturating_sub(1));
    let border = shr(index, inner).count_ones() as usize;
    (inner, border)
}

/// Number of bits needed to write `x` (Go's `bits.Len64`).
fn bit_len(x: u64) -> usize {
    (u64::BITS - x.leading_zeros()) as usize
}

/// `x >> n`, which is 0 once `n` reaches 64 (as in Go).
fn shr(x: u64, n: usize) -> u64 {
    u32::try_from(n)
        .ok()
        .and_then(|n| x.checked_shr(n))
        .unwrap_or(0)
}

/// Whether bit `n` of `x` is set.
fn bit(x: u64, n: usize) -> bool {
    shr(x, n) & 1 == 1
}

/// Hashes `seed` up a path whose node at level `i` has index `index >> i`, taking the sibling
/// hashes from `proof` (lowest level first).
fn chain_inner(seed: Hash, proof: &[Hash], index: u64) -> Hash {
    proof
        .iter()
        .enumerate()
        .fold(seed, |acc, (level, sibling)| {
            if bit(index, level) {
                node_hash(sibling, &acc)
            } else {
                node_hash(&acc, sibling)
            }
        })
}

/// Like [`chain_inner`] but only the siblings on the left count: the hash of the same subtree as
/// it was before the leaves to the right of the path were added.
fn chain_inner_right(seed: Hash, proof: &[Hash], index: u64) -> Hash {
    proof
        .iter()
        .enumerate()
        .fold(seed, |acc, (level, sibling)| {
            if bit(index, level) {
                node_hash(sibling, &acc)
            } else {
                acc
            }
        })
}

/// Hashes `seed` up the right border of the tree: every sibling there is on the left.
fn chain_border_right(seed: Hash, proof: &[Hash]) -> Hash {
    proof
        .iter()
        .fold(seed, |acc, sibling| node_hash(sibling, &acc))
}

/// Appends the ranges of the siblings on the path from the node containing `leaf` at level
/// `from_level` up to the root of a tree of `size`: levels `from_level..inner_end` are inner
/// (sibling on either side; the one on the right may be cut at `size`), levels from `inner_end`
/// up are on the border (only left siblings, present where the bit of `leaf` is set).
fn push_path_ranges(
    ranges: &mut Vec<Range<u64>>,
    leaf: u64,
    from_level: usize,
    inner_end: usize,
    size: u64,
) {
    let width = |level: usize| -> u64 {
        u32::try_from(level)
            .ok()
            .and_then(|l| 1u64.checked_shl(l))
            .unwrap_or(u64::MAX)
    };
    for level in from_level..inner_end {
        let sibling = shr(leaf, level) ^ 1;
        let start = sibling.saturating_mul(width(level));
        let end = start.saturating_add(width(level)).min(size);
        ranges.push(start..end);
    }
    for level in inner_end..u64::BITS as usize {
        if bit(leaf, level) {
            let start = (shr(leaf, level) ^ 1).saturating_mul(width(level));
            ranges.push(start..start.saturating_add(width(level)));
        }
    }
}

/// The number of leaves, as a tree size.
fn len_u64(leaves: &[Hash]) -> u64 {
    // usize is at most 64 bits on every supported target, so this is lossless.
    leaves.len() as u64
}

/// The leaves in `range`, which lies inside `leaves` (proof ranges never pass the tree size).
fn sub_slice<'a>(leaves: &'a [Hash], range: &Range<u64>) -> &'a [Hash] {
    // Both ends are at most `leaves.len()`, so they fit a usize; `get` keeps a broken range from
    // panicking (it would give the empty tree's root, and a proof that fails to verify).
    let (Ok(start), Ok(end)) = (usize::try_from(range.start), usize::try_from(range.end)) else {
        return &[];
    };
    leaves.get(start..end).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;
    use proptest::prelude::*;

    const LEAF_INPUTS: [&str; 8] = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ];

    const ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    fn h(text: &str) -> Hash {
        Hash::from_hex(text).expect("test hash")
    }

    fn reference_leaves() -> Vec<Hash> {
        LEAF_INPUTS
            .iter()
            .map(|input| leaf_hash(&hex::decode(input).expect("test leaf input")))
            .collect()
    }

    fn leaves(n: usize, salt: u64) -> Vec<Hash> {
        (0..n as u64)
            .map(|i| leaf_hash(&[salt.to_le_bytes(), i.to_le_bytes()].concat()))
            .collect()
    }

    fn head(leaves: &[Hash]) -> TreeHead {
        TreeHead {
            size: leaves.len() as u64,
            root: root(leaves),
        }
    }

    fn flip(hash: Hash, bit: usize) -> Hash {
        let mut bytes = hash.0;
        bytes[(bit / 8) % 32] ^= 1 << (bit % 8);
        Hash(bytes)
    }

    /// RFC 6962 PATH(m, D[lo..hi]), as ranges: the textbook recursion, used as an oracle.
    fn textbook_path(m: u64, lo: u64, hi: u64, out: &mut Vec<Range<u64>>) {
        let n = hi - lo;
        if n <= 1 {
            return;
        }
        let k = largest_power_of_two_below(n);
        if m < k {
            textbook_path(m, lo, lo + k, out);
            out.push(lo + k..hi);
        } else {
            textbook_path(m - k, lo + k, hi, out);
            out.push(lo..lo + k);
        }
    }

    /// RFC 6962 SUBPROOF(m, D[lo..hi], b), as ranges.
    fn textbook_subproof(m: u64, lo: u64, hi: u64, complete: bool, out: &mut Vec<Range<u64>>) {
        let n = hi - lo;
        if m == n {
            if !complete {
                out.push(lo..hi);
            }
            return;
        }
        let k = largest_power_of_two_below(n);
        if m <= k {
            textbook_subproof(m, lo, lo + k, complete, out);
            out.push(lo + k..hi);
        } else {
            textbook_subproof(m - k, lo + k, hi, false, out);
            out.push(lo..lo + k);
        }
    }

    fn largest_power_of_two_below(n: u64) -> u64 {
        let mut k = 1;
        while k * 2 < n {
            k *= 2;
        }
        k
    }

    /// MTH by the textbook recursion.
    fn textbook_root(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => Hash::EMPTY_TREE_ROOT,
            1 => leaves[0],
            n => {
                let k = largest_power_of_two_below(n as u64) as usize;
                node_hash(&textbook_root(&leaves[..k]), &textbook_root(&leaves[k..]))
            }
        }
    }

    #[test]
    fn reference_roots_for_sizes_0_to_8() {
        let leaves = reference_leaves();
        let mut acc = MerkleAccumulator::new();
        for (n, expected) in ROOTS.iter().enumerate() {
            assert_eq!(root(&leaves[..n]).to_hex(), *expected, "root of size {n}");
            assert_eq!(
                acc.root().to_hex(),
                *expected,
                "accumulator root of size {n}"
            );
            assert_eq!(acc.size(), n as u64);
            if let Some(leaf) = leaves.get(n) {
                acc.push(*leaf);
            }
        }
        assert_eq!(root(&[]), Hash::EMPTY_TREE_ROOT);
        assert_eq!(
            MerkleAccumulator::new().tree_head().root,
            Hash::EMPTY_TREE_ROOT
        );
    }

    #[test]
    fn push_completing_names_every_perfect_subtree_once() {
        let leaves = leaves(70, 7);
        let mut acc = MerkleAccumulator::new();
        let mut plain = MerkleAccumulator::new();
        let mut nodes = Vec::new();
        for (i, leaf) in leaves.iter().enumerate() {
            acc.push_completing(*leaf, &mut nodes);
            plain.push(*leaf);
            assert_eq!(acc.root(), root(&leaves[..=i]));
            assert_eq!(acc.peaks(), plain.peaks());
            // The peaks are the roots of the perfect subtrees covering the leaves, largest first.
            let size = i + 1;
            let mut start = 0;
            let mut expected = Vec::new();
            for level in (0..usize::BITS).rev() {
                if size & (1 << level) != 0 {
                    expected.push(root(&leaves[start..start + (1 << level)]));
                    start += 1 << level;
                }
            }
            assert_eq!(acc.peaks(), expected.as_slice(), "size {size}");
        }
        // Every perfect subtree inside the tree, exactly once, with its root.
        let mut expected = Vec::new();
        for level in 0..7u8 {
            let width = 1usize << level;
            for (index, chunk) in leaves.chunks_exact(width).enumerate() {
                expected.push((
                    NodeId {
                        level,
                        index: index as u64,
                    },
                    root(chunk),
                ));
            }
        }
        nodes.sort_by_key(|(id, _)| *id);
        expected.sort_by_key(|(id, _)| *id);
        assert_eq!(nodes, expected);
    }

    /// The known-good proofs of transparency-dev/merkle `proof/verify_test.go`.
    #[test]
    fn reference_inclusion_proofs() {
        let leaves = reference_leaves();
        // (1-based leaf, size, proof)
        let cases: [(u64, u64, &[&str]); 5] = [
            (1, 1, &[]),
            (
                1,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                6,
                8,
                &[
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
            (
                3,
                3,
                &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
            ),
            (
                2,
                5,
                &[
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
        ];
        for (leaf, size, expected) in cases {
            let expected: Vec<Hash> = expected.iter().map(|x| h(x)).collect();
            let tree = &leaves[..size as usize];
            let proof = inclusion_proof(tree, leaf - 1).expect("proof");
            assert_eq!(
                proof, expected,
                "inclusion proof of leaf {leaf} in size {size}"
            );
            head(tree)
                .verify_inclusion(leaf - 1, &leaves[leaf as usize - 1], &proof)
                .expect("reference proof verifies");
        }
    }

    #[test]
    fn reference_consistency_proofs() {
        let leaves = reference_leaves();
        let cases: [(u64, u64, &[&str]); 5] = [
            (1, 1, &[]),
            (
                1,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                6,
                8,
                &[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
            (
                2,
                5,
                &[
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
            (
                6,
                7,
                &[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
        ];
        for (size1, size2, expected) in cases {
            let expected: Vec<Hash> = expected.iter().map(|x| h(x)).collect();
            let tree = &leaves[..size2 as usize];
            let proof = consistency_proof(tree, size1).expect("proof");
            assert_eq!(proof, expected, "consistency proof from {size1} to {size2}");
            head(tree)
                .verify_consistency(&head(&leaves[..size1 as usize]), &proof)
                .expect("reference proof verifies");
        }
    }

    #[test]
    fn ranges_match_the_textbook_recursion() {
        for size in 1..=130u64 {
            for index in 0..size {
                let mut expected = Vec::new();
                textbook_path(index, 0, size, &mut expected);
                let ranges = inclusion_proof_ranges(index, size).expect("ranges");
                assert_eq!(ranges, expected, "inclusion ranges of {index} in {size}");
            }
            for size1 in 1..=size {
                let mut expected = Vec::new();
                textbook_subproof(size1, 0, size, true, &mut expected);
                let ranges = consistency_proof_ranges(size1, size).expect("ranges");
                assert_eq!(
                    ranges, expected,
                    "consistency ranges from {size1} to {size}"
                );
            }
        }
    }

    #[test]
    fn root_matches_the_textbook_recursion() {
        let leaves = leaves(300, 7);
        for n in 0..=leaves.len() {
            assert_eq!(root(&leaves[..n]), textbook_root(&leaves[..n]), "size {n}");
        }
    }

    #[test]
    fn proof_requests_out_of_range_are_refused() {
        assert_eq!(
            inclusion_proof_ranges(0, 0),
            Err(ProofRequestError::IndexOutOfRange { index: 0, size: 0 })
        );
        assert_eq!(
            inclusion_proof_ranges(5, 5),
            Err(ProofRequestError::IndexOutOfRange { index: 5, size: 5 })
        );
        let tree = leaves(5, 1);
        assert_eq!(
            inclusion_proof(&tree, 5),
            Err(ProofRequestError::IndexOutOfRange { index: 5, size: 5 })
        );
        for size1 in [0, 6] {
            assert_eq!(
                consistency_proof(&tree, size1),
                Err(ProofRequestError::BadSizes {
                    size1,
                    size2: 5,
                    available: 5
                })
            );
        }
        assert_eq!(consistency_proof(&tree, 5), Ok(Vec::new()));
        assert_eq!(
            consistency_proof(&[], 0),
            Err(ProofRequestError::BadSizes {
                size1: 0,
                size2: 0,
                available: 0
            })
        );
        assert_eq!(
            consistency_proof_ranges(3, 2),
            Err(ProofRequestError::BadSizes {
                size1: 3,
                size2: 2,
                available: 2
            })
        );
        assert_eq!(consistency_proof_ranges(4, 4), Ok(Vec::new()));
    }

    #[test]
    fn inclusion_edge_cases() {
        let some = leaf_hash(b"some");
        for (index, size) in [(0, 0), (1, 0), (2, 1), (1, 1)] {
            let th = TreeHead { size, root: some };
            assert_eq!(
                th.verify_inclusion(index, &some, &[]),
                Err(InclusionError::IndexOutOfRange { index, size })
            );
        }
        // One leaf: the root is the leaf and the proof is empty.
        let th = TreeHead {
            size: 1,
            root: some,
        };
        assert_eq!(th.verify_inclusion(0, &some, &[]), Ok(()));
        assert_eq!(
            th.verify_inclusion(0, &some, &[some]),
            Err(InclusionError::WrongProofLength {
                index: 0,
                size: 1,
                expected: 0,
                found: 1
            })
        );
        assert!(matches!(
            TreeHead {
                size: 1,
                root: Hash::EMPTY_TREE_ROOT
            }
            .verify_inclusion(0, &some, &[]),
            Err(InclusionError::RootMismatch { .. })
        ));
    }

    #[test]
    fn consistency_edge_cases() {
        let a = leaf_hash(b"a");
        let b = leaf_hash(b"b");
        let th = |size, root| TreeHead { size, root };
        assert_eq!(
            th(1, a).verify_consistency(&th(2, a), &[]),
            Err(ConsistencyError::OlderIsLarger { size1: 2, size2: 1 })
        );
        assert_eq!(
            th(0, a).verify_consistency(&th(1, a), &[]),
            Err(ConsistencyError::OlderIsLarger { size1: 1, size2: 0 })
        );
        // From the empty tree: refused, even to the empty tree (as the current reference does).
        for size2 in [0, 1, 5] {
            assert_eq!(
                th(size2, a).verify_consistency(&th(0, Hash::EMPTY_TREE_ROOT), &[]),
                Err(ConsistencyError::FromEmptyTree)
            );
            assert_eq!(
                th(size2, a).verify_consistency(&th(0, Hash::EMPTY_TREE_ROOT), &[a]),
                Err(ConsistencyError::FromEmptyTree)
            );
        }
        // Equal sizes: empty proof and equal roots.
        assert_eq!(th(3, a).verify_consistency(&th(3, a), &[]), Ok(()));
        assert_eq!(
            th(3, a).verify_consistency(&th(3, a), &[a]),
            Err(ConsistencyError::WrongProofLength {
                size1: 3,
                size2: 3,
                expected: 0,
                found: 1
            })
        );
        assert_eq!(
            th(3, b).verify_consistency(&th(3, a), &[]),
            Err(ConsistencyError::NewerRootMismatch {
                expected: b,
                computed: a
            })
        );
        // Growing: an empty proof is refused.
        assert_eq!(
            th(2, b).verify_consistency(&th(1, a), &[]),
            Err(ConsistencyError::WrongProofLength {
                size1: 1,
                size2: 2,
                expected: 1,
                found: 0
            })
        );
    }

    #[test]
    fn huge_sizes_do_not_overflow() {
        let some = leaf_hash(b"some");
        for (index, size) in [(0, u64::MAX), (u64::MAX - 1, u64::MAX), (1 << 63, u64::MAX)] {
            let ranges = inclusion_proof_ranges(index, size).expect("ranges");
            assert!(ranges.iter().all(|r| r.start < r.end && r.end <= size));
            let proof = vec![some; ranges.len()];
            let result = TreeHead { size, root: some }.verify_inclusion(index, &some, &proof);
            assert!(
                matches!(result, Err(InclusionError::RootMismatch { .. })),
                "{result:?}"
            );
        }
        for (size1, size2) in [(1, u64::MAX), (u64::MAX - 1, u64::MAX), (1 << 63, u64::MAX)] {
            let ranges = consistency_proof_ranges(size1, size2).expect("ranges");
            assert!(ranges.iter().all(|r| r.start < r.end && r.end <= size2));
            let proof = vec![some; ranges.len()];
            let result = TreeHead {
                size: size2,
                root: some,
            }
            .verify_consistency(
                &TreeHead {
                    size: size1,
                    root: some,
                },
                &proof,
            );
            assert!(
                matches!(
                    result,
                    Err(ConsistencyError::OlderRootMismatch { .. }
                        | ConsistencyError::NewerRootMismatch { .. })
                ),
                "{result:?}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn every_generated_proof_verifies(
            n in 1usize..300,
            salt in any::<u64>(),
            picks in prop::collection::vec(any::<u64>(), 24),
        ) {
            let leaves = leaves(n, salt);
            let tree = head(&leaves);
            let size = n as u64;

            let mut acc = MerkleAccumulator::new();
            acc.extend(leaves.iter().copied());
            prop_assert_eq!(acc.tree_head(), tree);

            for index in 0..size {
                let proof = inclusion_proof(&leaves, index).expect("inclusion proof");
                let ranges = inclusion_proof_ranges(index, size).expect("ranges");
                prop_assert_eq!(proof.len(), ranges.len());
                prop_assert!(proof.len() <= 64 - (size.leading_zeros() as usize) + 1);
                prop_assert_eq!(tree.verify_inclusion(index, &leaves[index as usize], &proof), Ok(()));
            }

            let sizes1: Vec<u64> = if n <= 64 {
                (1..=size).collect()
            } else {
                let mut sizes: Vec<u64> = picks.iter().map(|p| 1 + p % size).collect();
                sizes.extend([1, 2, size / 2, size - 1, size]);
                sizes
            };
            for size1 in sizes1 {
                let older = head(&leaves[..size1 as usize]);
                let proof = consistency_proof(&leaves, size1).expect("consistency proof");
                let ranges = consistency_proof_ranges(size1, size).expect("ranges");
                prop_assert_eq!(proof.len(), ranges.len());
                prop_assert_eq!(tree.verify_consistency(&older, &proof), Ok(()));
            }
        }

        #[test]
        fn corrupted_inclusion_proofs_fail(
            n in 1usize..300,
            salt in any::<u64>(),
            index in any::<u64>(),
            which in any::<usize>(),
            bit in 0usize..256,
        ) {
            let leaves = leaves(n, salt);
            let tree = head(&leaves);
            let index = index % n as u64;
            let leaf = leaves[index as usize];
            let proof = inclusion_proof(&leaves, index).expect("proof");
            let len = proof.len();

            if len > 0 {
                let mut flipped = proof.clone();
                flipped[which % len] = flip(flipped[which % len], bit);
                let result = tree.verify_inclusion(index, &leaf, &flipped);
                prop_assert!(matches!(result, Err(InclusionError::RootMismatch { .. })), "{:?}", result);

                prop_assert_eq!(
                    tree.verify_inclusion(index, &leaf, &proof[..len - 1]),
                    Err(InclusionError::WrongProofLength { index, size: tree.size, expected: len, found: len - 1 })
                );
            }
            let mut longer = proof.clone();
            longer.push(tree.root);
            prop_assert_eq!(
                tree.verify_inclusion(index, &leaf, &longer),
                Err(InclusionError::WrongProofLength { index, size: tree.size, expected: len, found: len + 1 })
            );
            let mut preceded = vec![tree.root];
            preceded.extend_from_slice(&proof);
            prop_assert!(tree.verify_inclusion(index, &leaf, &preceded).is_err());

            let result = tree.verify_inclusion(index, &flip(leaf, bit), &proof);
            prop_assert!(matches!(result, Err(InclusionError::RootMismatch { .. })), "{:?}", result);
            let wrong_root = TreeHead { size: tree.size, root: flip(tree.root, bit) };
            let result = wrong_root.verify_inclusion(index, &leaf, &proof);
            prop_assert!(matches!(result, Err(InclusionError::RootMismatch { .. })), "{:?}", result);

            for other in [index.wrapping_sub(1), index + 1, index ^ 2] {
                if other < tree.size && other != index {
                    prop_assert!(tree.verify_inclusion(other, &leaf, &proof).is_err());
                }
            }
            prop_assert_eq!(
                tree.verify_inclusion(tree.size, &leaf, &proof),
                Err(InclusionError::IndexOutOfRange { index: tree.size, size: tree.size })
            );
        }

        #[test]
        fn corrupted_consistency_proofs_fail(
            n in 1usize..300,
            salt in any::<u64>(),
            size1 in any::<u64>(),
            which in any::<usize>(),
            bit in 0usize..256,
        ) {
            let leaves = leaves(n, salt);
            let tree = head(&leaves);
            let size1 = 1 + size1 % n as u64;
            let older = head(&leaves[..size1 as usize]);
            let proof = consistency_proof(&leaves, size1).expect("proof");
            let len = proof.len();
            let wrong_length = |expected, found| {
                Err(ConsistencyError::WrongProofLength { size1, size2: tree.size, expected, found })
            };

            if len > 0 {
                let mut flipped = proof.clone();
                flipped[which % len] = flip(flipped[which % len], bit);
                let result = tree.verify_consistency(&older, &flipped);
                prop_assert!(
                    matches!(
                        result,
                        Err(ConsistencyError::OlderRootMismatch { .. }
                            | ConsistencyError::NewerRootMismatch { .. })
                    ),
                    "{:?}",
                    result
                );
                prop_assert_eq!(tree.verify_consistency(&older, &proof[..len - 1]), wrong_length(len, len - 1));
                prop_assert_eq!(tree.verify_consistency(&older, &proof[1..]), wrong_length(len, len - 1));
                prop_assert_eq!(tree.verify_consistency(&older, &[]), wrong_length(len, 0));
            }
            let mut longer = proof.clone();
            longer.push(older.root);
            prop_assert_eq!(tree.verify_consistency(&older, &longer), wrong_length(len, len + 1));

            let wrong_older = TreeHead { size: size1, root: flip(older.root, bit) };
            let result = tree.verify_consistency(&wrong_older, &proof);
            prop_assert!(
                matches!(
                    result,
                    Err(ConsistencyError::OlderRootMismatch { .. }
                        | ConsistencyError::NewerRootMismatch { .. })
                ),
                "{:?}",
                result
            );
            let wrong_newer = TreeHead { size: tree.size, root: flip(tree.root, bit) };
            let result = wrong_newer.verify_consistency(&older, &proof);
            prop_assert!(matches!(result, Err(ConsistencyError::NewerRootMismatch { .. })), "{:?}", result);

            if size1 < tree.size {
                // Swapped roots, and a neighbouring older size, must not verify either.
                let swapped = TreeHead { size: tree.size, root: older.root };
                let swapped_older = TreeHead { size: size1, root: tree.root };
                prop_assert!(swapped.verify_consistency(&swapped_older, &proof).is_err());
                if size1 + 1 < tree.size {
                    let next = TreeHead { size: size1 + 1, root: older.root };
                    prop_assert!(tree.verify_consistency(&next, &proof).is_err());
                }
            }
            prop_assert_eq!(
                older.verify_consistency(&tree, &proof),
                if size1 < tree.size {
                    Err(ConsistencyError::OlderIsLarger { size1: tree.size, size2: size1 })
                } else {
                    Ok(())
                }
            );
        }
    }
}
