//! `/` on a server with several ledgers: the list of communities.

use super::shared::html;
use crate::AppState;
use crate::board::{Chrome, Ctx, Failure, WebLang as _};
use askama::Template;
use axum::response::Response;
use gongzhang_core::entry::Entry;
use gongzhang_core::ledger::events::LedgerEvent;
use gongzhang_store::backend::Backend;

/// A community on a server with several.
#[derive(Debug, Clone)]
pub(crate) struct CommunityRow {
    pub name: String,
    pub origin: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "board/communities.html")]
pub(crate) struct CommunitiesPage {
    pub c: Chrome,
    pub communities: Vec<CommunityRow>,
}

pub(super) async fn communities_page<B: Backend>(
    s: &AppState<B>,
    ctx: &Ctx,
    mut origins: Vec<String>,
) -> Result<Response, Failure> {
    let l = ctx.l;
    origins.sort();
    let mut communities = Vec::with_capacity(origins.len());
    for origin in origins {
        // The genesis names the community: one entry read, not the ledger's state.
        let name = match s.store.entries(&origin, 0, 1).await?.pop() {
            Some(bytes) => {
                let entry = Entry::parse(&bytes).map_err(Failure::internal)?;
                match LedgerEvent::from_event(entry.event()) {
                    Ok(LedgerEvent::LedgerOpened(open)) => open.community.as_str().to_string(),
                    _ => origin.clone(),
                }
            }
            None => origin.clone(),
        };
        communities.push(CommunityRow {
            href: format!("/c/{}/{}", crate::ledger_segment(&origin), l.q()),
            name,
            origin,
        });
    }
    let server = l.pick("公账", "Gongzhang");
    let title = l
        .pick("各小区公示栏", "Community notice boards")
        .to_string();
    html(&CommunitiesPage {
        c: ctx.chrome(None, server, title, None),
        communities,
    })
}
