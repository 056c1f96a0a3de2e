//! The projection rows as stored, and their rebuild from the log.

use super::Store;
use super::load::load;
use crate::backend::{Backend, ProjectionRows, StoreError};

/// What [`Store::rebuild_projections`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RebuildReport {
    /// Entries replayed.
    pub entries: u64,
    /// Fund, household and posting rows written.
    pub rows: usize,
    /// Whether the rebuilt rows equal those the appends had maintained.
    pub matched: bool,
}

impl<B: Backend> Store<B> {
    /// The projection rows as the backend stores them.
    pub async fn projections(&self, origin: &str) -> Result<ProjectionRows, StoreError> {
        let id = self.ledger_id(origin).await?;
        self.shared.backend.projections(id).await
    }

    /// Replays every entry into a fresh ledger (verifying it), replaces the projection rows
    /// with the replay's, and reports whether they equal the rows the appends had maintained.
    /// Appends to the ledger wait meanwhile.
    pub async fn rebuild_projections(&self, origin: &str) -> Result<RebuildReport, StoreError> {
        let handle = self.handle(origin).await?;
        let id = handle.shared.id;
        let backend = &self.shared.backend;
        let mut guard = handle.shared.state.write().await;
        let stored = backend.projections(id).await?;
        let mut postings = Vec::new();
        let state = load(backend, id, origin, Some(&mut postings)).await?;
        let rebuilt = ProjectionRows {
            funds: state.funds.clone().into_iter().collect(),
            households: state.households.values().cloned().collect(),
            postings,
        };
        let matched = sorted(stored) == rebuilt;
        backend.replace_projections(id, &rebuilt).await?;
        let report = RebuildReport {
            entries: state.head.size(),
            rows: rebuilt.funds.len() + rebuilt.households.len() + rebuilt.postings.len(),
            matched,
        };
        *guard = Some(state);
        Ok(report)
    }
}

/// Projection rows in the order a rebuild produces them.
fn sorted(mut rows: ProjectionRows) -> ProjectionRows {
    rows.funds.sort();
    rows.households.sort_by(|a, b| a.unit.cmp(&b.unit));
    rows.postings.sort_by_key(|p| (p.0, p.1));
    rows
}
