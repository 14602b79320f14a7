use std::time::Duration;

use super::*;
use crate::config::persistence::PersistenceConfig;
use crate::config::persistence::datastore::DataStore;

const PATH: &str = "persistence.datastores.db.sql";

/// The `sql` block of datastore `db` in a config whose visibility store it is not, so that
/// loading does not plan it already.
fn sql(block: &str) -> SqlConfig {
    let text = format!(
        "persistence:\n  visibilityStore: other\n  datastores:\n    other:\n      sql: \
         {{pluginName: sqlite, databaseName: x, connectAttributes: {{mode: memory}}}}\n    \
         db:\n      sql:\n{}",
        block
            .lines()
            .map(|l| format!("        {l}\n"))
            .collect::<String>()
    );
    match PersistenceConfig::from_yaml_str(&text)
        .unwrap()
        .datastores
        .remove("db")
    {
        Some(DataStore::Sql(sql)) => sql,
        other => panic!("expected a sql datastore, got {other:?}"),
    }
}

fn network(block: &str) -> NetworkPlan {
    match plan(&sql(block), PATH, &mut Findings::default()).unwrap() {
        SqlPlan::Network(n) => n,
        other => panic!("expected a network plan, got {other:?}"),
    }
}

fn error(block: &str) -> String {
    plan(&sql(block), PATH, &mut Findings::default())
        .unwrap_err()
        .to_string()
}

#[test]
fn postgres_url_is_percent_encoded() {
    let n = network(
        "pluginName: postgres12\ndatabaseName: \"vis/db\"\nconnectAddr: \"127.0.0.1:5432\"\n\
         user: \"a b\"\npassword: \"p@ss:w/rd\"\n",
    );
    assert_eq!(n.dialect, Dialect::Postgres);
    assert_eq!(
        n.url.expose(),
        "postgres://a%20b:p%40ss%3Aw%2Frd@127.0.0.1:5432/vis%2Fdb"
    );
    assert_eq!(n.tls.mode, TlsLevel::Disable);
    assert!(!format!("{n:?}").contains("p@ss"));
}

#[test]
fn user_without_password_and_neither() {
    let n = network("pluginName: mysql8\ndatabaseName: v\nconnectAddr: h:3306\nuser: u\n");
    assert_eq!(n.url.expose(), "mysql://u@h:3306/v");
    let n = network("pluginName: postgres12_pgx\ndatabaseName: v\nconnectAddr: \"[::1]\"\n");
    assert_eq!(n.url.expose(), "postgres://[::1]/v");
}

#[test]
fn pool_keys() {
    let n = network(
        "pluginName: postgres12\ndatabaseName: v\nconnectAddr: h:5432\nmaxConns: 20\n\
         maxIdleConns: 5\nmaxConnLifetime: 1h\n",
    );
    assert_eq!(n.max_connections, Some(20));
    assert_eq!(n.min_idle, Some(5));
    assert_eq!(n.max_lifetime, Some(Some(Duration::from_secs(3600))));
    let n = network("pluginName: mysql8\ndatabaseName: v\nconnectAddr: h\nmaxConnLifetime: 0\n");
    assert_eq!(n.max_lifetime, Some(None));
    assert_eq!(n.max_connections, None);
}

#[test]
fn tls_block() {
    let n = network(
        "pluginName: postgres12\ndatabaseName: v\nconnectAddr: db.example:5432\ntls:\n  \
         enabled: true\n  caFile: /ca.pem\n  certFile: /c.pem\n  keyFile: /k.pem\n  \
         enableHostVerification: true\n  serverName: DB.example\n",
    );
    assert_eq!(n.tls.mode, TlsLevel::VerifyFull);
    assert_eq!(
        n.tls.ca_file.as_deref(),
        Some(std::path::Path::new("/ca.pem"))
    );
    assert_eq!(
        n.tls.key_file.as_deref(),
        Some(std::path::Path::new("/k.pem"))
    );
    let n = network("pluginName: mysql8\ndatabaseName: v\nconnectAddr: h\ntls: {enabled: true}\n");
    assert_eq!(n.tls.mode, TlsLevel::Require);
    assert_eq!(
        error(
            "pluginName: postgres12\ndatabaseName: v\nconnectAddr: h:1\ntls: {enabled: true, \
             serverName: other}\n"
        ),
        format!(
            "invalid argument: {PATH}.tls.serverName: \"other\" differs from the host of \
             connectAddr (\"h\"); this crate verifies the certificate against the host it \
             connects to, so put the name on the certificate in connectAddr"
        )
    );
}

#[test]
fn postgres_attributes() {
    let n = network(
        "pluginName: postgres12\ndatabaseName: v\nconnectAddr: h\nconnectAttributes:\n  \
         sslmode: verify-ca\n  sslrootcert: /ca.pem\n  connect_timeout: 7\n  search_path: \
         \"vis,public\"\n  options: \"-c work_mem=4MB\"\n",
    );
    assert_eq!(n.tls.mode, TlsLevel::VerifyCa);
    assert_eq!(n.connect_timeout, Some(Duration::from_secs(7)));
    assert_eq!(
        n.url.expose(),
        "postgres://h/v?options=-c%20work_mem%3D4MB&options%5Bsearch_path%5D=vis%2Cpublic"
    );
    let n = network(
        "pluginName: postgres12\ndatabaseName: v\nconnectAddr: h\nconnectAttributes: \
         {sslrootcert: /ca.pem}\n",
    );
    assert_eq!(n.tls.mode, TlsLevel::Prefer);
    for (attr, fragment) in [
        (
            "sslmode: allow",
            "connectAttributes.sslmode: expected disable",
        ),
        (
            "target_session_attrs: read-write",
            "connectAttributes.target_session_attrs: a libpq",
        ),
        (
            "TimeZone: UTC",
            "connectAttributes.TimeZone: not supported: the driver",
        ),
        (
            "application_name: x",
            "connectAttributes.application_name: not supported",
        ),
        ("host: other", "connectAttributes.host: set it with"),
        (
            "\"bad key\": x",
            "connectAttributes.bad key: not a PostgreSQL parameter",
        ),
        (
            "connect_timeout: soon",
            "connectAttributes.connect_timeout: expected a positive",
        ),
        (
            "sslcert: /c.pem",
            "connectAttributes: sslcert and sslkey must be set together",
        ),
    ] {
        let e = error(&format!(
            "pluginName: postgres12\ndatabaseName: v\nconnectAddr: h\nconnectAttributes: \
             {{{attr}}}\n"
        ));
        assert!(e.contains(&format!("{PATH}.{fragment}")), "{attr}: {e}");
    }
    let e = error(
        "pluginName: postgres12\ndatabaseName: v\nconnectAddr: h\ntls: {enabled: true}\n\
         connectAttributes: {sslmode: require}\n",
    );
    assert!(
        e.contains("connectAttributes.sslmode: conflicts with the enabled tls block"),
        "{e}"
    );
}

#[test]
fn postgres_secret_attributes_are_not_echoed() {
    let e = error(
        "pluginName: postgres12\ndatabaseName: v\nconnectAddr: h\nconnectAttributes: \
         {password: hunter2}\n",
    );
    assert!(!e.contains("hunter2"), "{e}");
    let e = error(
        "pluginName: mysql8\ndatabaseName: v\nconnectAddr: h\nconnectAttributes: \
         {sslpassword: hunter2}\n",
    );
    assert!(!e.contains("hunter2"), "{e}");
}

#[test]
fn mysql_attributes() {
    let n = network(
        "pluginName: mysql8\ndatabaseName: v\nconnectAddr: h:3306\nconnectAttributes:\n  \
         tx_isolation: \"'READ-COMMITTED'\"\n  charset: utf8mb4\n  parseTime: true\n  timeout: \
         5s\n  tls: skip-verify\n",
    );
    assert_eq!(n.dialect, Dialect::Mysql);
    assert_eq!(n.tls.mode, TlsLevel::Require);
    assert_eq!(n.connect_timeout, Some(Duration::from_secs(5)));
    assert_eq!(n.url.expose(), "mysql://h:3306/v");
    for (attr, fragment) in [
        (
            "transaction_isolation: SERIALIZABLE",
            "transaction_isolation: \"SERIALIZABLE\" is not",
        ),
        ("charset: latin1", "charset: \"latin1\" is not supported"),
        ("parseTime: false", "parseTime: only true"),
        ("tls: custom", "tls: expected true, false"),
        (
            "interpolateParams: true",
            "interpolateParams: not supported by the mysql8 plugin",
        ),
        ("ssl-mode: sometimes", "ssl-mode: expected DISABLED"),
    ] {
        let e = error(&format!(
            "pluginName: mysql8\ndatabaseName: v\nconnectAddr: h\nconnectAttributes: {{{attr}}}\n"
        ));
        assert!(
            e.contains(&format!("{PATH}.connectAttributes.{fragment}")),
            "{attr}: {e}"
        );
    }
}

#[test]
fn network_requirements() {
    assert_eq!(
        error("pluginName: mysql8\ndatabaseName: v\n"),
        format!("invalid argument: {PATH}.connectAddr: required for the mysql8 plugin")
    );
    assert!(
        error(
            "pluginName: postgres12\ndatabaseName: v\nconnectAddr: /run/pg\nconnectProtocol: unix\n"
        )
        .contains(&format!(
            "{PATH}.connectProtocol: unix sockets are not supported"
        ))
    );
    assert!(
        error("pluginName: postgres12\ndatabaseName: v\nconnectAddr: \"h:port\"\n")
            .contains(&format!("{PATH}.connectAddr: expected host:port"))
    );
}

#[test]
fn sqlite_attributes() {
    let SqlPlan::Sqlite(p) = plan(
        &sql(
            "pluginName: sqlite\ndatabaseName: /tmp/v.db\nmaxConns: 3\nconnectAttributes:\n  \
             setup: true\n  busy_timeout: 2500\n  synchronous: FULL\n  journal_mode: WAL\n  \
             cache: private\n",
        ),
        PATH,
        &mut Findings::default(),
    )
    .unwrap() else {
        panic!("expected a sqlite plan")
    };
    assert_eq!(
        p,
        SqlitePlan {
            memory: false,
            path: "/tmp/v.db".into(),
            create_schema: true,
            max_connections: Some(3),
            busy_timeout: Some(Duration::from_millis(2500)),
            synchronous: Some(SyncLevel::Full),
        }
    );
    for (attr, fragment) in [
        ("mode: ro", "mode: read-only databases are not supported"),
        (
            "mode: fast",
            "mode: expected memory, rwc or rw, got \"fast\"",
        ),
        ("cache: shared", "cache: shared cache is not supported"),
        ("setup: maybe", "setup: expected true or false"),
        (
            "vfs: unix-dotfile",
            "vfs: not supported by the sqlite plugin",
        ),
        (
            "foreign_keys: on",
            "foreign_keys: unknown SQLite connect attribute",
        ),
        (
            "journal_mode: delete",
            "journal_mode: \"delete\" is not supported",
        ),
    ] {
        let e = error(&format!(
            "pluginName: sqlite\ndatabaseName: v.db\nconnectAttributes: {{{attr}}}\n"
        ));
        assert!(
            e.contains(&format!("{PATH}.connectAttributes.{fragment}")),
            "{attr}: {e}"
        );
    }
    assert!(
        error("pluginName: sqlite\ndatabaseName: v.db\ntls: {enabled: true}\n")
            .contains(&format!("{PATH}.tls.enabled: TLS does not apply"))
    );
}
