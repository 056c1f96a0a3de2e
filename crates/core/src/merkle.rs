//! The RFC 6962/9162 Merkle tree over entry hashes: roots, inclusion and consistency proofs.
//!
//! STUB: the bodies are being written; the signatures are the contract.

use crate::hash::Hash;
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
    #[error("an inclusion proof for leaf {index} in a tree of size {size} has {expected} hashes, found {found}")]
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
    #[error("a consistency proof from size {size1} to {size2} has {expected} hashes, found {found}")]
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
    #[error("no consistency proof exists from size {size1} to size {size2} in a tree of size {available}")]
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
    /// Checks that `leaf` is the leaf at `index` of this tree.
    pub fn verify_inclusion(&self, index: u64, leaf: &Hash, proof: &[Hash]) -> Result<(), InclusionError> {
        let _ = (index, leaf, proof);
        todo!()
    }

    /// Checks that `older` is a prefix of this tree.
    pub fn verify_consistency(&self, older: &TreeHead, proof: &[Hash]) -> Result<(), ConsistencyError> {
        let _ = (older, proof);
        todo!()
    }
}

/// The root over `leaves` (RFC 6962 MTH).
pub fn root(leaves: &[Hash]) -> Hash {
    let _ = leaves;
    todo!()
}

/// The subtrees `[start, end)` whose hashes make the inclusion proof of leaf `index` in a tree of
/// `size`, in proof order. A store looks these up (or computes them from stored nodes).
pub fn inclusion_proof_ranges(index: u64, size: u64) -> Result<Vec<Range<u64>>, ProofRequestError> {
    let _ = (index, size);
    todo!()
}

/// The subtrees whose hashes make the consistency proof from `size1` to `size2`, in proof order.
pub fn consistency_proof_ranges(size1: u64, size2: u64) -> Result<Vec<Range<u64>>, ProofRequestError> {
    let _ = (size1, size2);
    todo!()
}

/// The inclusion proof of leaf `index` among `leaves` (all of them form the tree).
pub fn inclusion_proof(leaves: &[Hash], index: u64) -> Result<Vec<Hash>, ProofRequestError> {
    let _ = (leaves, index);
    todo!()
}

/// The consistency proof from the tree over `leaves[..size1]` to the one over all `leaves`.
pub fn consistency_proof(leaves: &[Hash], size1: u64) -> Result<Vec<Hash>, ProofRequestError> {
    let _ = (leaves, size1);
    todo!()
}

/// Builds a root incrementally, leaf by leaf, in O(log n) memory: what a streaming verifier uses.
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
        let _ = (leaf, &self.peaks, self.size);
        todo!()
    }
    /// Number of leaves so far.
    pub fn size(&self) -> u64 {
        self.size
    }
    /// The root over the leaves so far.
    pub fn root(&self) -> Hash {
        todo!()
    }
    /// The tree head over the leaves so far.
    pub fn tree_head(&self) -> TreeHead {
        TreeHead { size: self.size, root: self.root() }
    }
}
