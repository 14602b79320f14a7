//! Smoke test of the real-database harness in `tests/support`: both servers start once per
//! binary, hand out fresh databases, have the defaults issue 3 asks for (PostgreSQL with a
//! non-C default collation, MariaDB left at latin1), listen on loopback only, and leave
//! nothing behind when the test process exits or is killed.

mod support;

use std::io::{BufRead, BufReader};
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::databases::{self, Engine, TestServer};

/// Set in the child process the cleanup tests start.
const CHILD_MODE: &str = "WFVIS_HARNESS_SMOKE_CHILD";

fn report_startup(server: &TestServer) {
    println!(
        "{} {} at {}: ready {:.2}s after first use{}",
        server.engine().name(),
        server.version(),
        server.redacted_url(),
        server.startup_time().as_secs_f64(),
        if server.server_pid().is_some() {
            " (throwaway)"
        } else {
            " (external)"
        },
    );
}

/// The database part of a URL: after the last '/', before any query.
fn database_in(url: &str) -> &str {
    let path = url.split('?').next().unwrap_or(url);
    path.rsplit('/').next().unwrap_or_default()
}

/// Creates two databases and checks they are distinct, exist and are empty.
fn two_fresh_databases(server: &TestServer, current: &str, count_tables: &str) -> [String; 2] {
    let databases = [
        server.create_database("smoke"),
        server.create_database("smoke"),
    ];
    assert_ne!(databases[0], databases[1]);
    for url in &databases {
        let name = server.query(url, current);
        assert_eq!(database_in(url), name, "{url} is not database {name}");
        assert!(name.starts_with("smoke_"), "unexpected name {name}");
        assert_eq!(server.query(url, count_tables), "0", "{name} is not empty");
    }
    databases
}

#[tokio::test]
async fn postgres_databases_are_fresh_and_default_to_a_non_c_collation() {
    let server = databases::postgres();
    report_startup(server);
    let databases = two_fresh_databases(
        server,
        "SELECT current_database()",
        "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace",
    );
    for url in &databases {
        // Through jsonb so the provider columns (PostgreSQL 15+) may be missing on older servers.
        let settings = server.query(
            url,
            "SELECT concat_ws(' ', 'datcollate=' || datcollate, 'provider=' || (to_jsonb(d) ->> 'datlocprovider'), 'icu=' || (to_jsonb(d) ->> 'daticulocale')) FROM pg_database AS d WHERE datname = current_database()",
        );
        println!("{}: {settings}", database_in(url));
        // Under C, uppercase sorts before all lowercase ('B' is 0x42, 'a' is 0x61).
        assert_eq!(server.query(url, "SELECT 'a' < 'B'"), "t");
        let sorted = server.query(
            url,
            "SELECT string_agg(x, ',' ORDER BY x) FROM (VALUES ('b'), ('B'), ('a'), ('A')) AS v(x)",
        );
        assert_ne!(sorted, "A,B,a,b", "default collation orders like C");
        // Stores rely on an explicit C collation still being available for keyword columns.
        assert_eq!(server.query(url, "SELECT 'a' < 'B' COLLATE \"C\""), "f");
    }
}

#[tokio::test]
async fn mariadb_databases_are_fresh_and_the_server_is_left_at_latin1() {
    let server = databases::mariadb();
    report_startup(server);
    let databases = two_fresh_databases(
        server,
        "SELECT DATABASE()",
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
    );
    assert_eq!(
        server.query(server.url(), "SELECT @@character_set_server"),
        "latin1"
    );
    for url in &databases {
        assert_eq!(
            server.query(
                url,
                "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()"
            ),
            "latin1"
        );
    }
}

#[tokio::test]
async fn throwaway_servers_listen_on_loopback_only() {
    for (server, setting) in [
        (databases::postgres(), "SHOW listen_addresses"),
        (databases::mariadb(), "SELECT @@bind_address"),
    ] {
        let Some(pid) = server.server_pid() else {
            println!(
                "skipped for {}: {} points at an external server",
                server.engine().name(),
                server.engine().url_var()
            );
            continue;
        };
        assert_eq!(server.query(server.url(), setting), "127.0.0.1");
        let listening = databases::listening_addresses(pid).expect("read the server's sockets");
        println!(
            "{} (pid {pid}) listens on {listening:?}",
            server.engine().name()
        );
        assert!(
            !listening.is_empty(),
            "{} listens on nothing",
            server.engine().name()
        );
        for address in listening {
            assert_eq!(
                address.ip(),
                Ipv4Addr::LOCALHOST,
                "{} listens on {address}",
                server.engine().name()
            );
            assert_eq!(address.port(), server.port());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_callers_share_one_server_and_get_distinct_databases() {
    let mut tasks = Vec::new();
    for i in 0..8 {
        tasks.push(tokio::task::spawn_blocking(move || {
            let server = if i % 2 == 0 {
                databases::postgres()
            } else {
                databases::mariadb()
            };
            // Prefixes that need sanitising still give valid, distinct names.
            let url = server.create_database("Weird-Prefix \"`;");
            let shared = server.shared_database().to_owned();
            (
                server as *const TestServer as usize,
                server.engine(),
                url,
                shared,
            )
        }));
    }
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("task panicked"));
    }
    for engine in [Engine::Postgres, Engine::MariaDb] {
        let servers: Vec<usize> = results
            .iter()
            .filter(|r| r.1 == engine)
            .map(|r| r.0)
            .collect();
        assert!(
            servers.windows(2).all(|pair| pair[0] == pair[1]),
            "{engine:?} started twice"
        );
        let mut shared: Vec<&str> = results
            .iter()
            .filter(|r| r.1 == engine)
            .map(|r| database_in(&r.3))
            .collect();
        shared.dedup();
        assert_eq!(
            shared.len(),
            1,
            "{engine:?} shared database differs: {shared:?}"
        );
        assert!(shared[0].starts_with("harness_smoke_"), "{shared:?}");
    }
    let mut urls: Vec<&String> = results.iter().map(|r| &r.2).collect();
    urls.sort();
    urls.dedup();
    assert_eq!(urls.len(), 8, "database URLs repeat: {urls:?}");
    for url in urls {
        let name = database_in(url);
        assert!(
            name.starts_with("weird_prefix_____"),
            "unexpected name in {url}"
        );
    }
}

/// Runs only inside the child process of the cleanup tests: gets both servers, creates a
/// database on each, reports what the harness must clean up, then waits for its stdin to
/// close (and exits normally) unless it is killed first.
#[test]
#[ignore = "helper run in a child process by the cleanup tests"]
fn child_holding_servers() {
    if std::env::var_os(CHILD_MODE).is_none() {
        return;
    }
    let servers = std::thread::scope(|scope| {
        let postgres = scope.spawn(databases::postgres);
        let mariadb = scope.spawn(databases::mariadb);
        [postgres.join().unwrap(), mariadb.join().unwrap()]
    });
    for server in servers {
        let url = server.create_database("child");
        println!("DATABASE {:?} {}", server.engine(), database_in(&url));
        if let (Some(pid), Some(dir)) = (server.server_pid(), server.data_dir()) {
            println!("SERVER {pid} {}", dir.display());
        }
    }
    println!("READY");
    // The parent checks everything exists, then closes our stdin (or kills us).
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

/// What a child test process left for the harness to clean up.
#[derive(Default)]
struct Held {
    /// Throwaway servers: process id and temp directory.
    servers: Vec<(u32, PathBuf)>,
    /// Databases it created, by engine.
    databases: Vec<(Engine, String)>,
}

impl Held {
    /// Everything still present: processes running, directories existing and, on external
    /// servers (which outlive the child), databases still listed.
    fn leftovers(&self) -> Vec<String> {
        let mut left = Vec::new();
        for (pid, dir) in &self.servers {
            if alive(*pid) {
                left.push(format!("process {pid}"));
            }
            if dir.exists() {
                left.push(format!("directory {}", dir.display()));
            }
        }
        for (engine, name) in &self.databases {
            if databases::uses_external_server(*engine) && database_exists(*engine, name) {
                left.push(format!("{} database {name}", engine.name()));
            }
        }
        left
    }
}

fn database_exists(engine: Engine, name: &str) -> bool {
    let (server, sql) = match engine {
        Engine::Postgres => (
            databases::postgres(),
            format!("SELECT count(*) FROM pg_database WHERE datname = '{name}'"),
        ),
        Engine::MariaDb => (
            databases::mariadb(),
            format!(
                "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{name}'"
            ),
        ),
    };
    server.query(server.url(), &sql) != "0"
}

/// Starts the child test process and returns it with what it reported holding.
fn start_child() -> (std::process::Child, Held) {
    let mut child = Command::new(std::env::current_exe().expect("test binary path"))
        .args([
            "--ignored",
            "--exact",
            "child_holding_servers",
            "--nocapture",
        ])
        .env(CHILD_MODE, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the child test process");
    // Collected in the background so a failing child can explain itself.
    let stderr = child.stderr.take().expect("child stderr");
    let stderr = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let mut held = Held::default();
    let mut ready = false;
    let mut lines = BufReader::new(child.stdout.take().expect("child stdout")).lines();
    for line in lines.by_ref() {
        let line = line.expect("read child output");
        if line == "READY" {
            ready = true;
            // Keep draining: a closed pipe would make the child's test harness fail on its next write.
            std::thread::spawn(move || lines.for_each(drop));
            break;
        }
        if let Some(rest) = line.strip_prefix("SERVER ") {
            let (pid, dir) = rest.split_once(' ').expect("SERVER <pid> <dir>");
            held.servers
                .push((pid.parse().expect("pid"), PathBuf::from(dir)));
        }
        if let Some(rest) = line.strip_prefix("DATABASE ") {
            let (engine, name) = rest.split_once(' ').expect("DATABASE <engine> <name>");
            let engine = if engine == "Postgres" {
                Engine::Postgres
            } else {
                Engine::MariaDb
            };
            held.databases.push((engine, name.to_owned()));
        }
    }
    if !ready || held.databases.len() != 2 {
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "child did not report both servers; its stderr:\n{}",
            stderr.join().unwrap_or_default()
        );
    }
    for (pid, dir) in &held.servers {
        assert!(alive(*pid), "server {pid} is not running in the child");
        assert!(
            dir.is_dir(),
            "{} missing while the child runs",
            dir.display()
        );
    }
    for (engine, name) in &held.databases {
        if databases::uses_external_server(*engine) {
            assert!(
                database_exists(*engine, name),
                "{name} missing while the child runs"
            );
        }
    }
    (child, held)
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z'))
    })
}

#[test]
fn nothing_is_left_once_the_test_process_has_exited() {
    let (mut child, held) = start_child();
    drop(child.stdin.take());
    let status = child.wait().expect("wait for the child");
    assert!(status.success(), "child failed: {status}");
    // The exit handler waits for the cleanup, so nothing may remain at this point.
    assert_eq!(held.leftovers(), Vec::<String>::new());
}

#[test]
fn nothing_is_left_soon_after_the_test_process_is_killed() {
    let (mut child, held) = start_child();
    // SIGKILL: no exit handler runs; the keepers notice their pipes closing.
    child.kill().expect("kill the child");
    child.wait().expect("reap the child");
    let killed = Instant::now();
    while !held.leftovers().is_empty() && killed.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(held.leftovers(), Vec::<String>::new());
    println!(
        "cleaned up {:.2}s after SIGKILL",
        killed.elapsed().as_secs_f64()
    );
}
