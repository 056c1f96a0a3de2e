//! What every response tells the browser, and how fast one client may write.
//!
//! The notice board is served from the community's own site, so anything the server answers is
//! a page of that site: a stranger must not be able to make it run script, frame it, or learn
//! where its readers came from. Every response carries a Content-Security-Policy with no inline
//! script and nothing from elsewhere, `frame-ancestors 'none'`, `nosniff` and a
//! `Referrer-Policy`; attachments (files people uploaded) carry a stricter one that sandboxes
//! them ([`DOWNLOAD_CSP`]). Writes (`POST`) are rate-limited per client address by
//! `tower_governor`; reads are not.

use crate::problem::{Problem, kinds};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tower_governor::GovernorError;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::KeyExtractor;

/// The policy of every page and API response: nothing runs and nothing loads but the board's own
/// stylesheet and images (the chart and QR code are inline SVG; the icon is a `data:` URL);
/// forms post only to the board; no site may frame it.
pub const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
                            form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
/// The policy of an attachment download: a sandbox where nothing is allowed, so that a file is
/// never a page of the board's site, whatever it contains.
pub const DOWNLOAD_CSP: &str = "sandbox; default-src 'none'; frame-ancestors 'none'";
/// Links from the board send no address to other sites (a unit's page names the unit).
pub const REFERRER_POLICY: &str = "no-referrer";

/// Writes a client may make at once before it is slowed down: a month's charges is one batch,
/// a treasurer's evening of receipts a few dozen requests.
pub const WRITE_BURST_DEFAULT: u32 = 60;
/// After the burst, one more write per this many milliseconds (two a second).
pub const WRITE_INTERVAL_MS_DEFAULT: u64 = 500;
/// How often the rate limiter forgets clients that have not written lately, in milliseconds.
pub const RATE_LIMITER_SWEEP_MS: u64 = 60_000;

/// How fast one client address may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteLimit {
    /// Writes allowed at once.
    pub burst: u32,
    /// One more write allowed per this many milliseconds.
    pub interval_ms: u64,
}

impl Default for WriteLimit {
    fn default() -> WriteLimit {
        WriteLimit {
            burst: WRITE_BURST_DEFAULT,
            interval_ms: WRITE_INTERVAL_MS_DEFAULT,
        }
    }
}

/// Middleware: the security headers on every response (a response that set its own policy, an
/// attachment download, keeps it).
pub async fn headers(request: Request<Body>, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_CSP),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static(REFERRER_POLICY),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// The rate limiter's key: the client's address as the connection gives it. Behind a reverse
/// proxy every client has the proxy's address; `gongzhang serve` terminates connections itself.
/// A request with no connection information (the in-process tests) counts as one client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress;

impl KeyExtractor for ClientAddress {
    type Key = IpAddr;

    fn extract<T>(&self, request: &Request<T>) -> Result<IpAddr, GovernorError> {
        Ok(request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip()))
    }
}

/// The write limiter as a layer: POST requests only, keyed by [`ClientAddress`], refusals as
/// [`too_many_writes`]. Clients that stopped writing are forgotten every
/// [`RATE_LIMITER_SWEEP_MS`] while the layer lives (when there is a runtime to do it on).
pub fn write_limit_layer(
    limit: WriteLimit,
) -> tower_governor::GovernorLayer<ClientAddress, governor::middleware::NoOpMiddleware, Body> {
    let config = GovernorConfigBuilder::default()
        .key_extractor(ClientAddress)
        .period(Duration::from_millis(limit.interval_ms.max(1)))
        .burst_size(limit.burst.max(1))
        .methods(vec![axum::http::Method::POST])
        .finish();
    // INVARIANT: the period and burst are at least 1, the only values `finish` refuses.
    let config: GovernorConfig<ClientAddress, governor::middleware::NoOpMiddleware> =
        config.unwrap_or_else(|| unreachable!("a positive period and burst"));
    let limiter = Arc::downgrade(config.limiter());
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(RATE_LIMITER_SWEEP_MS));
            tick.tick().await;
            loop {
                tick.tick().await;
                let Some(limiter) = limiter.upgrade() else {
                    return;
                };
                limiter.retain_recent();
            }
        });
    }
    tower_governor::GovernorLayer::new(config).error_handler(too_many_writes)
}

/// A refused write as a problem document: 429 with `Retry-After`.
pub fn too_many_writes(error: GovernorError) -> Response {
    match error {
        GovernorError::TooManyRequests { wait_time, .. } => {
            let wait_s = wait_time.max(1);
            let mut response = Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                kinds::RATE_LIMITED,
                "too_many_writes",
                "Too many writes",
                format!("这台电脑提交得太快了，请 {wait_s} 秒后再试"),
                format!("too many writes from this address; retry in {wait_s} s"),
            )
            .with("retry_after", wait_s)
            .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait_s));
            response
        }
        other => Problem::internal(&other).into_response(),
    }
}
