//! Dual-mode write latency against the slower of the two single stores, in the same run.
//!
//! Each iteration records one started execution: on the primary alone, on the secondary
//! alone, and through a `DualVisibilityManager` in `dual` mode (both stores, concurrently).
//! Target: dual ≤ 1.15 × the slower single store. In CI the two stores are SQLite files with
//! `synchronous=OFF`; set `WFVIS_BENCH_DUAL_SERVERS=1` to also run PostgreSQL + MariaDB
//! (throwaway servers from `tests/support`, or the `WFVIS_TEST_*_URL` servers). A group on two
//! in-memory stores isolates the manager's own cost (dual against the same two writes joined
//! directly), and under `cargo bench` each pair also gets an interleaved comparison.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use workflow_visibility::dual::{
    DualVisibilityManager, VisibilitySettings, WritingMode, settings_handle,
};
use workflow_visibility::prelude::*;
use workflow_visibility::store::sqlite::SqliteSynchronous;

#[path = "../tests/support/mod.rs"]
mod support;

const NS: &str = "bench-dual";

fn record(n: u64) -> ExecutionRecord {
    let start =
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::seconds(n as i64);
    let mut r = ExecutionRecord::new(
        NS,
        format!("wf-{n}"),
        format!("run-{n:012}"),
        "BenchWorkflow",
        start,
    );
    r.task_queue = "bench-tq".into();
    r
}

/// Records the next started execution on `store`.
fn write_next(
    store: &Arc<dyn VisibilityManager>,
    counter: &AtomicU64,
) -> impl std::future::Future<Output = ()> + use<> {
    let n = counter.fetch_add(1, Ordering::Relaxed);
    let store = Arc::clone(store);
    async move {
        store
            .record_workflow_execution_started(RecordStartedRequest::new(record(n)))
            .await
            .unwrap()
    }
}

fn bench_pair(
    c: &mut Criterion,
    group: &str,
    rt: &tokio::runtime::Runtime,
    primary: Arc<dyn VisibilityManager>,
    secondary: Arc<dyn VisibilityManager>,
) {
    let settings = settings_handle(VisibilitySettings {
        writing_mode: WritingMode::Dual,
        ..Default::default()
    });
    let dual: Arc<dyn VisibilityManager> = Arc::new(
        DualVisibilityManager::new(Arc::clone(&primary), Arc::clone(&secondary), settings).unwrap(),
    );
    let counter = AtomicU64::new(0);
    let mut g = c.benchmark_group(group);
    for (name, store) in [
        ("primary_only", &primary),
        ("secondary_only", &secondary),
        ("dual", &dual),
    ] {
        g.bench_function(name, |b| {
            b.to_async(rt).iter(|| write_next(store, &counter))
        });
    }
    g.finish();
    if std::env::args().any(|a| a == "--bench") {
        interleaved(group, rt, [&primary, &secondary, &dual], &counter);
    }
}

/// Rounds and records per block of the interleaved comparison. Blocks are long (a fifth of a
/// second or so) because what is compared is each arm's steady state: in blocks of 200 the
/// single stores ran about 10% faster than in blocks of 2000 while dual did not, which says
/// more about how the machine settles after a switch than about either arm.
const ROUNDS: usize = 12;
const BLOCK: u64 = 1000;

/// Primary alone, secondary alone, dual, and both stores written at once without the dual
/// manager (`futures::join!` of the two writes: what the machine gives two concurrent writes)
/// in alternating blocks, the order rotating every round so drift in the machine's load hits
/// all alike. Prints the median time per record of each, the median over rounds of dual /
/// slower single store (the target), and of dual / joined (the manager's own cost).
fn interleaved(
    group: &str,
    rt: &tokio::runtime::Runtime,
    stores: [&Arc<dyn VisibilityManager>; 3],
    counter: &AtomicU64,
) {
    let write = |store| write_next(store, counter);
    let block = |arm: usize| {
        rt.block_on(async {
            let cpu_before = process_cpu_seconds();
            let began = std::time::Instant::now();
            for _ in 0..BLOCK {
                if arm == 3 {
                    futures::join!(write(stores[0]), write(stores[1]));
                } else {
                    write(stores[arm]).await;
                }
            }
            let wall = began.elapsed().as_secs_f64() / BLOCK as f64;
            (wall, (process_cpu_seconds() - cpu_before) / BLOCK as f64)
        })
    };
    let steal_before = cpu_steal();
    let mut times: [Vec<f64>; 4] = Default::default();
    let mut cpu = [0.0; 4];
    let (mut vs_slower, mut vs_joined) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let mut t = [0.0; 4];
        for k in 0..4 {
            let arm = (round + k) % 4;
            let (wall, cpu_per_record) = block(arm);
            t[arm] = wall;
            cpu[arm] += cpu_per_record / ROUNDS as f64;
        }
        for (all, one) in times.iter_mut().zip(t) {
            all.push(one);
        }
        vs_slower.push(t[2] / t[0].max(t[1]));
        vs_joined.push(t[2] / t[3]);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let steal = match (steal_before, cpu_steal()) {
        (Some((s0, t0)), Some((s1, t1))) if t1 > t0 => {
            format!("{:.1}%", 100.0 * (s1 - s0) as f64 / (t1 - t0) as f64)
        }
        _ => "unknown".to_string(),
    };
    let [mut p, mut s, mut d, mut j] = times;
    println!(
        "{group} interleaved: primary_only {:.1} µs, secondary_only {:.1} µs, dual {:.1} µs, \
         both_joined {:.1} µs per record; dual / slower single store {:.2}x, dual / both_joined \
         {:.2}x (medians of {ROUNDS} rounds of {BLOCK} records each)",
        median(&mut p) * 1e6,
        median(&mut s) * 1e6,
        median(&mut d) * 1e6,
        median(&mut j) * 1e6,
        median(&mut vs_slower),
        median(&mut vs_joined)
    );
    println!(
        "{group} CPU time of the whole process per record (user + system, all threads): \
         primary_only {:.1} µs, secondary_only {:.1} µs, dual {:.1} µs, both_joined {:.1} µs",
        cpu[0] * 1e6,
        cpu[1] * 1e6,
        cpu[2] * 1e6,
        cpu[3] * 1e6
    );
    // On a shared virtual machine the host can take a share of the CPUs away mid-run; a run
    // with much steal time measures the neighbours as much as the stores.
    println!("{group} CPU time stolen by the hypervisor during the comparison: {steal}");
}

/// Steal and total jiffies of all CPUs from `/proc/stat` (Linux only).
fn cpu_steal() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let fields: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    // user nice system idle iowait irq softirq steal; guest times are already in user/nice.
    let steal = *fields.get(7)?;
    Some((steal, fields.iter().take(8).sum()))
}

/// User + system CPU time of this process so far, all threads.
fn process_cpu_seconds() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given; RUSAGE_SELF is always valid.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// The manager's own cost per dual write, free of storage noise: two in-memory stores written
/// through the manager against the same two writes joined directly.
fn bench_overhead(c: &mut Criterion, rt: &tokio::runtime::Runtime) {
    let a: Arc<dyn VisibilityManager> = Arc::new(InMemoryStore::with_options(
        "memory-a",
        StoreOptions::default(),
    ));
    let b: Arc<dyn VisibilityManager> = Arc::new(InMemoryStore::with_options(
        "memory-b",
        StoreOptions::default(),
    ));
    let settings = settings_handle(VisibilitySettings {
        writing_mode: WritingMode::Dual,
        ..Default::default()
    });
    let dual = DualVisibilityManager::new(Arc::clone(&a), Arc::clone(&b), settings).unwrap();
    let counter = AtomicU64::new(0);
    let mut g = c.benchmark_group("dual_overhead_memory");
    g.bench_function("both_joined", |bencher| {
        bencher.to_async(rt).iter(|| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let (a, b) = (&a, &b);
            async move {
                let (x, y) = futures::join!(
                    a.record_workflow_execution_started(RecordStartedRequest::new(record(n))),
                    b.record_workflow_execution_started(RecordStartedRequest::new(record(n)))
                );
                x.and(y).unwrap()
            }
        })
    });
    g.bench_function("dual", |bencher| {
        bencher.to_async(rt).iter(|| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let dual = &dual;
            async move {
                dual.record_workflow_execution_started(RecordStartedRequest::new(record(n)))
                    .await
                    .unwrap()
            }
        })
    });
    g.finish();
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let open = |file: &str, name: &str| {
        let options = SqliteOptions::file(dir.path().join(file))
            .name(name)
            .synchronous(SqliteSynchronous::Off);
        rt.block_on(SqliteStore::setup(options)).unwrap()
    };
    bench_overhead(c, &rt);
    let a: Arc<dyn VisibilityManager> = Arc::new(open("a.db", "sqlite-a"));
    let b: Arc<dyn VisibilityManager> = Arc::new(open("b.db", "sqlite-b"));
    bench_pair(c, "dual_write_sqlite", &rt, a, b);

    #[cfg(all(feature = "postgres", feature = "mysql"))]
    if std::env::var_os("WFVIS_BENCH_DUAL_SERVERS").is_some() {
        use workflow_visibility::store::mysql::{MysqlOptions, MysqlStore};
        use workflow_visibility::store::postgres::{PostgresOptions, PostgresStore};
        let pg_url = support::databases::postgres().create_database("bench_dual");
        let my_url = support::databases::mariadb().create_database("bench_dual");
        let pg = rt
            .block_on(PostgresStore::setup(
                PostgresOptions::from_url(&pg_url).unwrap().name("postgres"),
            ))
            .unwrap();
        let my_options = MysqlOptions::from_url(&my_url).unwrap().name("mariadb");
        rt.block_on(MysqlStore::setup_schema(my_options.clone(), None))
            .unwrap();
        let my = rt.block_on(MysqlStore::open(my_options)).unwrap();
        bench_pair(
            c,
            "dual_write_postgres_mariadb",
            &rt,
            Arc::new(pg),
            Arc::new(my),
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
