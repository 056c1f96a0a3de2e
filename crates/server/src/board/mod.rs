//! The public notice board (公示栏): the community's accounts as web pages residents read on a
//! phone or print for the notice board, written on the server (askama templates, inline CSS and
//! SVG) and working without JavaScript. Chinese by default, English with `?lang=en`; every page
//! says which checkpoint it reflects (`<p id="reflects">`).
//!
//! A server holding one ledger shows its board at `/`; with several, `/` lists the communities
//! and each board lives under `/c/{ledger}/` (the percent-encoded origin, as in the API). The
//! same handlers serve both: `/c/{ledger}/…` names the ledger, `/…` means the only one.
//!
//! | page | path |
//! |---|---|
//! | home: balances, this month and year, the 12-month chart, the checkpoint and its QR code | `/` |
//! | period statements (月度/季度公示) and their CSV | `/statements`, `/statements/{period}`, `/statements/{period}.csv` |
//! | one unit's charges, payments, arrears, and a proof for each payment | `/unit/{unit}` (`/unit?unit=` from the form) |
//! | arrears by age | `/arrears` |
//! | how to verify: downloads, the command, the keys | `/verify` |
//! | the log, 50 entries a page, newest first | `/log?page=N` |
//!
//! Figures come from the ledger's projections (`Ledger`), read in one closure under the store's
//! read lock so that a page is one consistent state, and the checkpoint shown is the one signed
//! at exactly that state's size. What only the log says (invoices, closes, who held which role)
//! comes from [`facts`]. Money is shown by one function ([`gongzhang_text::format::yuan`]) from integer fen.

mod chart;
mod facts;
mod pages;
mod qr;

use crate::AppState;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use gongzhang_store::backend::{Backend, StoreError};
use gongzhang_text::Lang;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;

pub use chart::CHART_MONTHS;
pub use facts::FACTS_LEDGERS_MAX;

/// Entries per page of `/log`.
pub const LOG_PAGE_ROWS: u64 = 50;

/// The board's routes (GET only), for `/` and for `/c/{ledger}/`.
pub fn routes<B: Backend>() -> Router<Arc<AppState<B>>> {
    let cache = Arc::new(facts::FactsCache::default());
    let mut router = Router::new()
        .route("/", get(pages::root::<B>))
        .route("/board.css", get(stylesheet))
        .route("/c/{ledger}", get(pages::root::<B>))
        .route("/c/{ledger}/", get(pages::root::<B>));
    for base in ["", "/c/{ledger}"] {
        router = router
            .route(&format!("{base}/statements"), get(pages::statements::<B>))
            .route(
                &format!("{base}/statements/{{period}}"),
                get(pages::statement::<B>),
            )
            .route(&format!("{base}/unit"), get(pages::unit_jump::<B>))
            .route(&format!("{base}/unit/{{unit}}"), get(pages::unit::<B>))
            .route(&format!("{base}/arrears"), get(pages::arrears::<B>))
            .route(&format!("{base}/verify"), get(pages::verify::<B>))
            .route(&format!("{base}/log"), get(pages::log::<B>));
    }
    router.layer(Extension(cache))
}

/// The board's stylesheet (pages carry no inline style: their policy allows only this).
pub const STYLESHEET: &str = include_str!("../../static/board.css");

async fn stylesheet() -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// The HTML page for a path no route serves (the API's own paths get a problem document).
pub fn not_found(uri: &Uri) -> Response {
    let l = lang_of_query(uri.query());
    Failure::NotFound {
        zh: format!("没有这个页面：{}", uri.path()),
        en: format!("there is no page {}", uri.path()),
    }
    .page(l)
}

/// The HTML page for a method the board does not take (it only serves GET and HEAD).
pub fn method_not_allowed(uri: &Uri) -> Response {
    let l = lang_of_query(uri.query());
    let mut response = Failure::Status {
        status: StatusCode::METHOD_NOT_ALLOWED,
        zh: "公示栏只能查看，不能提交".into(),
        en: "the notice board can only be read".into(),
    }
    .page(l);
    response
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static("GET, HEAD"));
    response
}

/// The page's language: Chinese unless the query says `lang=en`.
fn lang_of_query(query: Option<&str>) -> Lang {
    let en = query_pairs(query)
        .iter()
        .find(|(k, _)| k == "lang")
        .is_some_and(|(_, v)| v == "en");
    if en { Lang::En } else { Lang::Zh }
}

/// What the board's pages and templates ask of a [`Lang`] beyond choosing a text: whether it is
/// English, and the query that keeps it across an internal link.
pub trait WebLang {
    /// English (the board's default is Chinese).
    fn is_en(&self) -> bool;
    /// What an internal link without a query appends to keep the language.
    fn q(self) -> &'static str;
    /// What an internal link with a query appends to keep the language.
    fn amp(self) -> &'static str;
}

impl WebLang for Lang {
    fn is_en(&self) -> bool {
        *self == Lang::En
    }
    fn q(self) -> &'static str {
        self.pick("", "?lang=en")
    }
    fn amp(self) -> &'static str {
        self.pick("", "&lang=en")
    }
}

/// The query's pairs, percent-decoded (`+` is a space), in order.
fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// What every board handler knows about its request.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// The language.
    pub l: Lang,
    query: Vec<(String, String)>,
    params: HashMap<String, String>,
    /// `scheme://host` the request was made to, for commands people copy.
    pub base_url: String,
}

impl Ctx {
    /// A query parameter (the first, if given twice).
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    /// A path parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// The ledger the request is about: the one its path names, or the only one there is.
    pub async fn at<B: Backend>(&self, s: &AppState<B>) -> Result<At, Failure> {
        if let Some(origin) = self.param("ledger") {
            let seg = crate::ledger_segment(origin);
            return Ok(At {
                origin: origin.to_string(),
                prefix: format!("/c/{seg}"),
                seg,
            });
        }
        let mut origins = s.store.origins().await?;
        match origins.len() {
            1 => {
                let origin = origins.pop().unwrap_or_default();
                Ok(At {
                    seg: crate::ledger_segment(&origin),
                    origin,
                    prefix: String::new(),
                })
            }
            0 => Err(Failure::NotFound {
                zh: "这个服务器上还没有账本".into(),
                en: "this server holds no ledger yet".into(),
            }),
            _ => Err(Failure::NotFound {
                zh: "这个服务器有多个小区的账本：请从首页的小区列表进入".into(),
                en: "this server holds several communities' ledgers: choose one from the list on the home page".into(),
            }),
        }
    }

    /// The parts every page shares.
    pub fn chrome(
        &self,
        at: Option<&At>,
        community: &str,
        title: String,
        reflects: Option<Reflects>,
    ) -> Chrome {
        let others: Vec<String> = self
            .query
            .iter()
            .filter(|(k, _)| k != "lang")
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    percent_encoding::utf8_percent_encode(k, QUERY),
                    percent_encoding::utf8_percent_encode(v, QUERY)
                )
            })
            .collect();
        let mut switch_href = String::from("?");
        for pair in &others {
            switch_href.push_str(pair);
            switch_href.push('&');
        }
        switch_href.push_str(if self.l.is_en() { "lang=zh" } else { "lang=en" });
        Chrome {
            l: self.l,
            title,
            community: community.to_string(),
            prefix: at.map(|a| a.prefix.clone()).unwrap_or_default(),
            api: at
                .map(|a| format!("/api/v1/ledgers/{}", a.seg))
                .unwrap_or_default(),
            switch_href,
            reflects,
            nav: at.is_some(),
        }
    }

    /// The response, or the error page in the request's language.
    pub fn respond(&self, result: Result<Response, Failure>) -> Response {
        result.unwrap_or_else(|f| f.page(self.l))
    }
}

/// Characters escaped in a query value the board writes back into a link.
const QUERY: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Ctx, Infallible> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map(|p| {
                p.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let query = query_pairs(parts.uri.query());
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
            })
            .unwrap_or("localhost:8080");
        let scheme = match parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|h| h.to_str().ok())
        {
            Some("https") => "https",
            _ => "http",
        };
        Ok(Ctx {
            l: lang_of_query(parts.uri.query()),
            query,
            params,
            base_url: format!("{scheme}://{host}"),
        })
    }
}

/// Which ledger a page is about, and where its board lives.
#[derive(Debug, Clone)]
pub(crate) struct At {
    /// The ledger's origin.
    pub origin: String,
    /// The origin as a path segment.
    pub seg: String,
    /// The board's path prefix: empty for the only ledger at `/`, `/c/{seg}` otherwise.
    pub prefix: String,
}

/// The checkpoint a page reflects.
#[derive(Debug, Clone)]
pub(crate) struct Reflects {
    /// Entries covered.
    pub size: u64,
    /// The last entry's time, Beijing.
    pub time: String,
    /// The same, ISO 8601 with offset.
    pub time_iso: String,
    /// `TreeHead::fingerprint()`.
    pub fingerprint: String,
    /// The full root, hex.
    pub root: String,
}

/// What the base layout shows on every page.
#[derive(Debug, Clone)]
pub(crate) struct Chrome {
    /// The language.
    pub l: Lang,
    /// The page's `<h1>` and `<title>`.
    pub title: String,
    /// The community's name (or the server's, for pages about no ledger).
    pub community: String,
    /// The board's path prefix.
    pub prefix: String,
    /// The ledger's API base, `/api/v1/ledgers/{seg}`.
    pub api: String,
    /// The other language's link (`?lang=en`, keeping the rest of the query).
    pub switch_href: String,
    /// The checkpoint the page reflects.
    pub reflects: Option<Reflects>,
    /// Whether to show the board's navigation (pages about one ledger).
    pub nav: bool,
}

/// Why a page could not be shown; rendered as an HTML page with its status.
#[derive(Debug)]
pub(crate) enum Failure {
    /// 404, with what is missing in both languages.
    NotFound { zh: String, en: String },
    /// Another status.
    Status {
        status: StatusCode,
        zh: String,
        en: String,
    },
    /// 500: logged, not shown.
    Internal(String),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        match e {
            StoreError::UnknownLedger(origin) => Failure::NotFound {
                zh: format!("这个服务器上没有账本 {origin}"),
                en: format!("this server holds no ledger {origin}"),
            },
            other => Failure::Internal(other.to_string()),
        }
    }
}

impl From<facts::FactsError> for Failure {
    fn from(e: facts::FactsError) -> Failure {
        match e {
            facts::FactsError::Store(s) => s.into(),
            other => Failure::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for Failure {
    fn from(e: askama::Error) -> Failure {
        Failure::Internal(format!("rendering a page: {e}"))
    }
}

impl Failure {
    /// A failure from anything displayable that should not happen.
    pub fn internal(e: impl std::fmt::Display) -> Failure {
        Failure::Internal(e.to_string())
    }

    /// The error page.
    pub fn page(self, l: Lang) -> Response {
        let (status, zh, en) = match self {
            Failure::NotFound { zh, en } => (StatusCode::NOT_FOUND, zh, en),
            Failure::Status { status, zh, en } => (status, zh, en),
            Failure::Internal(cause) => {
                tracing::error!(error = %cause, "notice board page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "服务器内部出错，请稍后再试；账目不受影响".into(),
                    "the server failed; try again later (the accounts are not affected)".into(),
                )
            }
        };
        let title = match status {
            StatusCode::NOT_FOUND => l.pick("找不到", "Not found"),
            StatusCode::METHOD_NOT_ALLOWED => l.pick("不能这样访问", "Not allowed"),
            _ => l.pick("出错了", "Something went wrong"),
        };
        let page = pages::ErrorPage {
            c: Chrome {
                l,
                title: title.to_string(),
                community: l.pick("公账", "Gongzhang").to_string(),
                prefix: String::new(),
                api: String::new(),
                switch_href: if l.is_en() { "?lang=zh" } else { "?lang=en" }.to_string(),
                reflects: None,
                nav: false,
            },
            status: status.as_u16(),
            message: if l.is_en() { en } else { zh },
        };
        match askama::Template::render(&page) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "rendering the error page");
                (
                    status,
                    Html(format!("<!DOCTYPE html><title>{status}</title>")),
                )
                    .into_response()
            }
        }
    }
}
