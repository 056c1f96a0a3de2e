//! The notice board's pages on the demo community (588 households, 10,912 entries), rendered
//! through the whole router with `oneshot` as a request would be: the home page (target: under
//! 50 ms of server time), and for comparison a unit's page, a statement and a page of the log.
//!
//! `cargo bench -p gongzhang-server --bench board`; figures in BENCHMARKS.md.

#[path = "../tests/support/demo.rs"]
mod demo_support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use criterion::{Criterion, criterion_group, criterion_main};
use gongzhang_server::BoardOptions;
use http_body_util::BodyExt as _;
use std::time::Duration;
use tower::ServiceExt as _;

fn pages(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (store, demo) = rt.block_on(demo_support::store(demo_support::Ledgers::Demo));
    let router = demo_support::app(&store, BoardOptions::default());
    let unit = demo.summary.chronic_units[0].clone();
    let (q, _) = demo.summary.closes[0];
    let paths = [
        ("home", "/".to_string()),
        ("unit", format!("/unit/{unit}")),
        ("statement", format!("/statements/{q}")),
        ("log", "/log?page=2".to_string()),
    ];
    let get = |path: &str| {
        let router = router.clone();
        let request = Request::get(path).body(Body::empty()).expect("request");
        rt.block_on(async move {
            let response = router.oneshot(request).await.expect("infallible");
            assert_eq!(response.status(), StatusCode::OK);
            response
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes()
        })
    };
    // The first request loads the ledger's state, and the first statement or log page walks the
    // log once (facts kept afterwards): warm both up outside the measurement.
    for (name, path) in &paths {
        let started = std::time::Instant::now();
        get(path);
        eprintln!(
            "board/{name} first request: {:.1} ms",
            started.elapsed().as_secs_f64() * 1e3
        );
    }
    let mut group = c.benchmark_group("board");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(5));
    for (name, path) in &paths {
        group.bench_function(*name, |b| b.iter(|| get(path)));
    }
    group.finish();
}

criterion_group!(benches, pages);
criterion_main!(benches);
