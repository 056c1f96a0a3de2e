//! What the pages share: rendering, the month a page is "now" for, names of fee items, and the
//! signed checkpoint a page reflects.

use crate::AppState;
use crate::board::facts::FactsCache;
use crate::board::{Failure, Reflects, WebLang as _};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use gongzhang_core::checkpoint::Checkpoint;
use gongzhang_core::entry::Entry;
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::events::Statement;
use gongzhang_core::ledger::types::{Period, PeriodRange, Slug};
use gongzhang_core::merkle::TreeHead;
use gongzhang_core::note;
use gongzhang_store::backend::Backend;
use gongzhang_store::store::Store;
use gongzhang_text::Lang;
use gongzhang_text::format::{beijing, beijing_iso};
use gongzhang_text::names::category_name;
use std::collections::BTreeMap;
use std::sync::Arc;

pub(super) type Shared<B> = State<Arc<AppState<B>>>;
pub(super) type Cache = Extension<Arc<FactsCache>>;

pub(super) fn html(page: &impl Template) -> Result<Response, Failure> {
    Ok(Html(page.render()?).into_response())
}

/// The month the page's figures are "now" for: the month (Beijing time) of the last entry of
/// the state shown, so that a page reads the same whenever it is rendered for that checkpoint.
pub(super) fn as_of(l: &Ledger) -> Period {
    l.last_period()
        .or(l.first_period())
        .or(Period::new(2000, 1))
        .unwrap_or_else(|| unreachable!("2000-01 is a month"))
}

/// The month `n` months before `p` (clamped to 2000-01).
pub(super) fn months_back(p: Period, n: u32) -> Period {
    let index = (u32::from(p.year()) * 12 + u32::from(p.month()) - 1).saturating_sub(n);
    let year = u16::try_from(index / 12).unwrap_or(2000);
    let month = u8::try_from(index % 12 + 1).unwrap_or(1);
    Period::new(year, month)
        .or(Period::new(2000, 1))
        .unwrap_or_else(|| unreachable!("2000-01 is a month"))
}

pub(super) fn month_range(p: Period) -> PeriodRange {
    PeriodRange { from: p, to: p }
}

/// Income and spending of a statement, all funds together, in fen.
pub(super) fn flow_of(s: &Statement) -> (i128, i128) {
    s.funds.iter().fold((0, 0), |(i, o), f| {
        (
            i + i128::from(f.received_fen.get()),
            o + i128::from(f.spent_fen.get()),
        )
    })
}

/// The link name of a statement's months (`2025-03`, `2025-Q1`), if `PeriodRange::parse`
/// reads it back.
pub(super) fn period_slug(range: PeriodRange) -> Option<String> {
    let text = range.to_string();
    (PeriodRange::parse(&text).ok() == Some(range)).then_some(text)
}

/// A fee item's or category's name: the fee schedule's for a fee item, else the usual one.
pub(super) fn item_name(item: &str, names: &BTreeMap<String, String>, l: Lang) -> String {
    match (l.is_en(), names.get(item)) {
        (false, Some(name)) => name.clone(),
        _ => category_name(item, l),
    }
}

/// A fee item's name from the schedule in force for `period` (no log walk needed).
pub(super) fn schedule_item_name(ledger: &Ledger, period: Period, item: &Slug, l: Lang) -> String {
    let named = ledger
        .schedule_for(period)
        .and_then(|s| s.items.iter().find(|i| i.item == *item))
        .map(|i| i.name.as_str().to_string());
    match (l.is_en(), named) {
        (false, Some(name)) => name,
        _ => category_name(item.as_str(), l),
    }
}

/// The signed checkpoint a page reflects and what people read off it.
#[derive(Debug, Clone)]
pub(crate) struct CheckpointView {
    /// What `#reflects` says.
    pub reflects: Reflects,
    /// The note as published (checkpoint, log signature, cosignatures).
    pub note: String,
    /// Names of the witnesses whose cosignatures it carries.
    pub witnesses: Vec<String>,
    /// When it carries none: the latest checkpoint witnesses did cosign.
    pub last_cosigned: Option<LastCosigned>,
}

/// The latest checkpoint witnesses cosigned, below the one a page reflects.
#[derive(Debug, Clone)]
pub(crate) struct LastCosigned {
    /// Its size.
    pub size: u64,
    /// How many entries the reflected checkpoint has beyond it.
    pub behind: u64,
    /// The witnesses who cosigned it, joined for reading.
    pub witnesses: String,
}

/// The checkpoint signed at `size` (every committed batch has one), or the latest.
pub(super) async fn checkpoint_view<B: Backend>(
    store: &Store<B>,
    origin: &str,
    size: u64,
) -> Result<CheckpointView, Failure> {
    let note = match store.checkpoint(origin, Some(size)).await? {
        Some(note) => note,
        None => store
            .checkpoint(origin, None)
            .await?
            .ok_or_else(|| Failure::internal(format!("ledger {origin} has no checkpoint")))?,
    };
    let (text, lines) = note::parse(&note).map_err(Failure::internal)?;
    let head: TreeHead = Checkpoint::parse(text)
        .map_err(Failure::internal)?
        .tree_head();
    let last = head.size.saturating_sub(1);
    let bytes = store
        .entries(origin, last, head.size)
        .await?
        .pop()
        .ok_or_else(|| Failure::internal(format!("no entry {last} under the checkpoint")))?;
    let t = Entry::parse(&bytes)
        .map_err(Failure::internal)?
        .recorded_at();
    let mut witnesses: Vec<String> = lines
        .iter()
        .map(|line| line.name().to_string())
        .filter(|name| name != origin)
        .collect();
    witnesses.dedup();
    let last_cosigned = if witnesses.is_empty() {
        store
            .latest_cosigned(origin)
            .await?
            .filter(|(size, _)| *size < head.size)
            .map(|(size, names)| LastCosigned {
                size,
                behind: head.size - size,
                witnesses: names.join("、"),
            })
    } else {
        None
    };
    Ok(CheckpointView {
        reflects: Reflects {
            size: head.size,
            time: beijing(t),
            time_iso: beijing_iso(t),
            fingerprint: head.fingerprint(),
            root: head.root.to_hex(),
        },
        note,
        witnesses,
        last_cosigned,
    })
}
