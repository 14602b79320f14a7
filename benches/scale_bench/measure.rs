//! Latency sampling (p50/p95 over many calls) and the report table.

use std::time::{Duration, Instant};

/// How long and how often each query is sampled.
#[derive(Debug, Clone, Copy)]
pub struct Sampling {
    /// Untimed calls first (warm caches and prepared statements).
    pub warmup: usize,
    /// At most this many timed calls…
    pub max_samples: usize,
    /// …and no more time than this per query, once `min_samples` are in.
    pub budget: Duration,
    pub min_samples: usize,
}

/// Latency summary of one query.
#[derive(Debug, Clone)]
pub struct Summary {
    pub samples: usize,
    pub p50: Duration,
    pub p95: Duration,
    pub max: Duration,
}

/// The `q`-quantile of sorted durations (nearest rank).
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Times `call` repeatedly and summarises; `call` itself checks its results.
pub async fn sample<F: Future<Output = ()>>(
    sampling: Sampling,
    mut call: impl FnMut() -> F,
) -> Summary {
    for _ in 0..sampling.warmup {
        call().await;
    }
    let began = Instant::now();
    let mut times = Vec::with_capacity(sampling.max_samples);
    while times.len() < sampling.max_samples
        && (times.len() < sampling.min_samples || began.elapsed() < sampling.budget)
    {
        let t = Instant::now();
        call().await;
        times.push(t.elapsed());
    }
    times.sort();
    Summary {
        samples: times.len(),
        p50: quantile(&times, 0.50),
        p95: quantile(&times, 0.95),
        max: *times.last().unwrap(),
    }
}

/// One line of the report.
#[derive(Debug, Clone)]
pub struct Line {
    pub store: String,
    pub query: String,
    pub matches: u64,
    pub summary: Summary,
    /// The target p50, if the query has one.
    pub target: Option<Duration>,
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// Prints the table heading.
pub fn print_header() {
    println!(
        "{:<11} {:<32} {:>9} {:>9} {:>9} {:>9} {:>7}  target (p50)",
        "store", "query", "matches", "p50 ms", "p95 ms", "max ms", "samples"
    );
}

/// Prints one row of the table.
pub fn print_line(l: &Line) {
    let verdict = match l.target {
        Some(t) if l.summary.p50 <= t => format!("<= {} ms: met", ms(t)),
        Some(t) => format!(
            "<= {} ms: MISSED by {} ms ({:.1}x)",
            ms(t),
            ms(l.summary.p50 - t),
            l.summary.p50.as_secs_f64() / t.as_secs_f64()
        ),
        None => String::new(),
    };
    println!(
        "{:<11} {:<32} {:>9} {:>9} {:>9} {:>9} {:>7}  {verdict}",
        l.store,
        l.query,
        l.matches,
        ms(l.summary.p50),
        ms(l.summary.p95),
        ms(l.summary.max),
        l.summary.samples
    );
}

/// Prints the whole table.
pub fn print_table(lines: &[Line]) {
    print_header();
    for l in lines {
        print_line(l);
    }
}
