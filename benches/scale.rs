//! Scale benchmark: list and count latency on a store holding N records.
//!
//! For each store whose feature is enabled (SQLite file, PostgreSQL, MariaDB), it bulk-loads
//! N records of a generated data set (`scale_bench/dataset.rs`) outside the timed part,
//! through a loader that writes exactly the rows the store writes (checked against
//! store-written rows before every run, and by counting through the store after the load),
//! then samples the canonical queries on the big namespace through the store API and prints
//! p50/p95 per query: first page of 100 for namespace only, `ExecutionStatus = 'Running'`,
//! `WorkflowType = x`, `WorkflowId = x`, a custom Keyword `= x` and a 7-day `StartTime`
//! range, and a count with `GROUP BY ExecutionStatus`. Targets at 1M records: list p50
//! ≤ 10 ms, grouped count ≤ 300 ms.
//!
//! Environment:
//! * `WFVIS_SCALE_N`: records to load (default 1,000,000 under `cargo bench`, 2,000 when
//!   run as a test by `cargo test --benches` / `--all-targets`, where each query runs once).
//! * `WFVIS_SCALE_STORES`: comma-separated subset of `sqlite,postgres,mariadb`.
//! * `WFVIS_SCALE_SAMPLES` (default 200) and `WFVIS_SCALE_SECONDS` (default 10): at most
//!   that many timed calls and that much time per query (at least 20 calls).
//! * `WFVIS_SCALE_EXPLAIN=1`: print the plan of each query's statement.
//! * `WFVIS_SCALE_SQL_SQLITE` / `_POSTGRES` / `_MARIADB`: `;`-separated statements to run on
//!   that store's database after the load (experiments, e.g. an index a query might need);
//!   the output marks such runs as EXPERIMENT.
//! * Servers: as in the tests (`tests/support`), throwaway ones unless
//!   `WFVIS_TEST_POSTGRES_URL` / `WFVIS_TEST_MARIADB_URL` are set.

// Without any store feature only the shared parts remain, unused.
#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code, unused_imports)
)]

mod scale_bench;

#[cfg(any(feature = "postgres", feature = "mysql"))]
#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Duration;

use scale_bench::Settings;
use scale_bench::measure::{self, Sampling};

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    Some(
        value
            .replace(['_', ','], "")
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, got {value:?}")),
    )
}

fn settings() -> Settings {
    // `cargo bench` passes --bench; `cargo test` runs benches without it (criterion's rule).
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let sampling = if bench_mode {
        Sampling {
            warmup: 3,
            max_samples: env_number("WFVIS_SCALE_SAMPLES").unwrap_or(200) as usize,
            budget: Duration::from_secs(env_number("WFVIS_SCALE_SECONDS").unwrap_or(10)),
            min_samples: 20,
        }
    } else {
        Sampling {
            warmup: 0,
            max_samples: 1,
            budget: Duration::ZERO,
            min_samples: 1,
        }
    };
    Settings {
        n: env_number("WFVIS_SCALE_N").unwrap_or(if bench_mode { 1_000_000 } else { 2_000 }),
        sampling,
        explain: std::env::var("WFVIS_SCALE_EXPLAIN").is_ok_and(|v| v == "1"),
    }
}

/// Whether `WFVIS_SCALE_STORES` (if set) includes `store`.
fn selected(store: &str) -> bool {
    match std::env::var("WFVIS_SCALE_STORES") {
        Ok(list) => list
            .split(',')
            .any(|s| s.trim().eq_ignore_ascii_case(store)),
        Err(_) => true,
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn main() {
    let settings = settings();
    println!(
        "scale benchmark: N = {} records, first page of 100 / grouped count on the main \
         namespace; load average {}",
        settings.n,
        load_average()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut lines = Vec::new();
    #[cfg(feature = "sqlite")]
    if selected("sqlite") {
        rt.block_on(scale_bench::run::<scale_bench::sqlite::SqliteBackend>(
            &settings, &mut lines,
        ));
    }
    #[cfg(feature = "postgres")]
    if selected("postgres") {
        rt.block_on(scale_bench::run::<scale_bench::postgres::PostgresBackend>(
            &settings, &mut lines,
        ));
    }
    #[cfg(feature = "mysql")]
    if selected("mariadb") {
        rt.block_on(scale_bench::run::<scale_bench::mariadb::MariaDbBackend>(
            &settings, &mut lines,
        ));
    }
    println!();
    println!(
        "summary (N = {}, load average {}):",
        settings.n,
        load_average()
    );
    measure::print_table(&lines);
    let _ = (&rt, &mut lines, selected as fn(&str) -> bool);
}
