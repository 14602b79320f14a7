//! Temporal persistence config: the operator snippets, key-path errors, unsupported and
//! unknown keys, the allowed visibility pairs and password hygiene.

use std::path::PathBuf;
use std::time::Duration;

use workflow_visibility::ErrorKind;
use workflow_visibility::config::persistence::{
    ConnectProtocol, DataStore, DataStoreKind, EsVersion, Loaded, PersistenceConfig, SqlPlugin,
    TlsConfig,
};

fn load(text: &str) -> Loaded {
    PersistenceConfig::load_yaml_str(text).unwrap_or_else(|e| panic!("{e}\n---\n{text}"))
}

fn load_err(text: &str) -> String {
    let e = PersistenceConfig::load_yaml_str(text).expect_err("the config should be rejected");
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    e.to_string()
}

fn warning_paths(loaded: &Loaded) -> Vec<&str> {
    loaded.warnings.iter().map(|w| w.path.as_str()).collect()
}

/// "Set up secondary Visibility store": Cassandra primary, MySQL 8 secondary.
const CASS_TO_MYSQL: &str = r#"
persistence:
  visibilityStore: cass-visibility
  secondaryVisibilityStore: mysql-visibility
  datastores:
    cass-visibility:
      cassandra:
        hosts: "127.0.0.1"
        keyspace: "temporal_primary_visibility"
    mysql-visibility:
      sql:
        pluginName: "mysql8"
        databaseName: "temporal_secondary_visibility"
        connectAddr: "127.0.0.1:3306"
        connectProtocol: "tcp"
        user: "temporal"
        password: "temporal"
"#;

/// Elasticsearch dual visibility through `indices.secondary_visibility`.
const ES_SECONDARY_INDEX: &str = r#"
persistence:
  visibilityStore: es-visibility
  datastores:
    es-visibility:
      elasticsearch:
        version: "v7"
        logLevel: "error"
        url:
          scheme: "http"
          host: "127.0.0.1:9200"
        indices:
          visibility: temporal_visibility_v1
          secondary_visibility: temporal_visibility_v1_new
        closeIdleConnectionsInterval: 15s
"#;

/// The SQLite visibility store with every key.
const SQLITE: &str = r#"
persistence:
  visibilityStore: sqlite-visibility
  datastores:
    sqlite-visibility:
      sql:
        user: "username_for_auth"
        password: "password_for_auth"
        pluginName: "sqlite"
        databaseName: "default"
        connectAddr: "localhost"
        connectProtocol: "tcp"
        connectAttributes:
          mode: "memory"
          cache: "private"
        maxConns: 1
        maxIdleConns: 1
        maxConnLifetime: "1h"
        tls:
          enabled: false
          caFile: ""
          certFile: ""
          keyFile: ""
          enableHostVerification: false
          serverName: ""
"#;

/// The SQLite snippet's shape on PostgreSQL.
fn postgres_shape() -> String {
    SQLITE
        .replace("sqlite-visibility", "postgres-visibility")
        .replace(r#"pluginName: "sqlite""#, r#"pluginName: "postgres12""#)
        .replace(
            r#"connectAddr: "localhost""#,
            r#"connectAddr: "127.0.0.1:5432""#,
        )
}

/// Migrating from Cassandra to Elasticsearch (written in the operator docs' style).
const CASS_TO_ES: &str = r#"
persistence:
  visibilityStore: cass-visibility
  secondaryVisibilityStore: es-visibility
  datastores:
    cass-visibility:
      cassandra:
        hosts: "127.0.0.1"
        keyspace: "temporal_visibility"
    es-visibility:
      elasticsearch:
        version: "v7"
        logLevel: "error"
        url:
          scheme: "http"
          host: "127.0.0.1:9200"
        indices:
          visibility: temporal_visibility_v1_dev
        closeIdleConnectionsInterval: 15s
"#;

#[test]
fn cassandra_to_mysql8_snippet() {
    let loaded = load(CASS_TO_MYSQL);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let config = &loaded.config;
    assert_eq!(config.visibility_store.as_deref(), Some("cass-visibility"));
    assert_eq!(
        config.secondary_visibility_store.as_deref(),
        Some("mysql-visibility")
    );
    let pair = config.visibility_stores().unwrap();
    assert_eq!(pair.primary.name, "cass-visibility");
    let DataStore::Cassandra(cass) = &pair.primary.config else {
        panic!("primary should be Cassandra: {:?}", pair.primary)
    };
    assert_eq!(cass.hosts, vec!["127.0.0.1"]);
    assert_eq!(cass.keyspace, "temporal_primary_visibility");
    assert_eq!(cass.port, None);
    let secondary = pair.secondary.expect("a secondary store");
    assert_eq!(secondary.name, "mysql-visibility");
    let DataStore::Sql(sql) = &secondary.config else {
        panic!("secondary should be SQL: {secondary:?}")
    };
    assert_eq!(sql.plugin, SqlPlugin::Mysql8);
    assert_eq!(sql.database_name, "temporal_secondary_visibility");
    assert_eq!(sql.connect_addr.as_deref(), Some("127.0.0.1:3306"));
    assert_eq!(sql.connect_protocol, ConnectProtocol::Tcp);
    assert_eq!(sql.user.as_deref(), Some("temporal"));
    assert_eq!(sql.password.expose(), "temporal");

    // Cassandra is configuration only in this crate.
    let e = pair.primary.sql_target().unwrap_err().to_string();
    assert!(
        e.contains("'cass-visibility'") && e.contains("Cassandra"),
        "{e}"
    );
    #[cfg(not(feature = "mysql"))]
    {
        let e = secondary.sql_target().unwrap_err().to_string();
        assert!(e.contains("cargo feature `mysql`"), "{e}");
    }
    #[cfg(feature = "mysql")]
    {
        let target = secondary.sql_target().unwrap();
        assert_eq!(target.name(), "mysql-visibility");
    }
}

#[test]
fn elasticsearch_secondary_index_snippet() {
    let loaded = load(ES_SECONDARY_INDEX);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let pair = loaded.config.visibility_stores().unwrap();
    assert_eq!(pair.primary.name, "es-visibility");
    let DataStore::Elasticsearch(es) = &pair.primary.config else {
        panic!("primary should be Elasticsearch")
    };
    assert_eq!(es.version, Some(EsVersion::V7));
    assert_eq!(es.log_level.as_deref(), Some("error"));
    let url = es.url.as_ref().unwrap();
    assert_eq!(
        (url.scheme.as_str(), url.host.as_str()),
        ("http", "127.0.0.1:9200")
    );
    assert_eq!(es.indices.visibility, "temporal_visibility_v1");
    assert_eq!(
        es.indices.secondary_visibility.as_deref(),
        Some("temporal_visibility_v1_new")
    );
    assert_eq!(
        es.close_idle_connections_interval,
        Some(Duration::from_secs(15))
    );

    // The secondary index alone makes a dual setup: same cluster, other index.
    let secondary = pair.secondary.expect("a secondary store");
    assert_eq!(secondary.name, "es-visibility/secondary_visibility");
    let DataStore::Elasticsearch(second) = &secondary.config else {
        panic!("secondary should be Elasticsearch")
    };
    assert_eq!(second.indices.visibility, "temporal_visibility_v1_new");
    assert_eq!(second.indices.secondary_visibility, None);
    assert_eq!(second.url, es.url);
    let e = secondary.sql_target().unwrap_err().to_string();
    assert!(e.contains("no Elasticsearch visibility store"), "{e}");
}

#[test]
fn sqlite_snippet_with_every_key() {
    let loaded = load(SQLITE);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let pair = loaded.config.visibility_stores().unwrap();
    assert_eq!(pair.primary.name, "sqlite-visibility");
    assert!(pair.secondary.is_none());
    let DataStore::Sql(sql) = &pair.primary.config else {
        panic!("primary should be SQL")
    };
    assert_eq!(sql.plugin, SqlPlugin::Sqlite);
    assert_eq!(sql.database_name, "default");
    assert_eq!(sql.user.as_deref(), Some("username_for_auth"));
    assert_eq!(sql.password.expose(), "password_for_auth");
    assert_eq!(sql.connect_attributes["mode"], "memory");
    assert_eq!(sql.connect_attributes["cache"], "private");
    assert_eq!(sql.max_conns, Some(1));
    assert_eq!(sql.max_idle_conns, Some(1));
    assert_eq!(sql.max_conn_lifetime, Some(Duration::from_secs(3600)));
    assert_eq!(sql.tls, TlsConfig::default());
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_snippet_opens_an_in_memory_store() {
    use workflow_visibility::config::persistence::SqlTarget;
    use workflow_visibility::prelude::*;
    use workflow_visibility::store::sqlite::SqliteLocation;

    let pair = PersistenceConfig::from_yaml_str(SQLITE)
        .unwrap()
        .visibility_stores()
        .unwrap();
    let target = pair.primary.sql_target().unwrap();
    assert_eq!(target.name(), "sqlite-visibility");
    #[allow(irrefutable_let_patterns)] // SQLite may be the only store compiled in
    let SqlTarget::Sqlite {
        options,
        create_schema,
    } = &target
    else {
        panic!("expected a SQLite target: {target:?}")
    };
    assert_eq!(options.location, SqliteLocation::Memory);
    assert_eq!(options.name, "sqlite-visibility");
    assert!(!create_schema);

    let store = target.open().await.unwrap();
    let now = chrono::Utc::now();
    store
        .record_workflow_execution_started(RecordStartedRequest::new(ExecutionRecord::new(
            "ns", "wf", "run", "billing", now,
        )))
        .await
        .unwrap();
    let page = store
        .list_workflow_executions(ListRequest::new("ns"))
        .await
        .unwrap();
    assert_eq!(page.executions.len(), 1);
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_file_with_setup_creates_its_schema() {
    use workflow_visibility::config::persistence::SqlTarget;
    use workflow_visibility::store::sqlite::SqliteLocation;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vis.db");
    let text = format!(
        "persistence:\n  visibilityStore: v\n  datastores:\n    v:\n      sql:\n        \
         pluginName: sqlite\n        databaseName: {:?}\n        maxConns: 2\n        \
         connectAttributes: {{setup: true, busy_timeout: 1500}}\n",
        file.display().to_string()
    );
    let target = PersistenceConfig::from_yaml_str(&text)
        .unwrap()
        .visibility_stores()
        .unwrap()
        .primary
        .sql_target()
        .unwrap();
    #[allow(irrefutable_let_patterns)] // SQLite may be the only store compiled in
    let SqlTarget::Sqlite {
        options,
        create_schema,
    } = &target
    else {
        panic!("expected a SQLite target")
    };
    assert_eq!(options.location, SqliteLocation::File(file.clone()));
    assert_eq!(options.max_connections, 2);
    assert_eq!(options.busy_timeout, Duration::from_millis(1500));
    assert!(create_schema);
    target.open().await.unwrap();
    assert!(file.exists());
}

#[test]
fn postgres12_snippet() {
    let text = postgres_shape();
    let loaded = load(&text);
    // The SQLite-only attributes of the copied shape mean nothing to PostgreSQL.
    assert_eq!(
        warning_paths(&loaded),
        vec![
            "persistence.datastores.postgres-visibility.sql.connectAttributes.cache",
            "persistence.datastores.postgres-visibility.sql.connectAttributes.mode",
        ]
    );
    let pair = loaded.config.visibility_stores().unwrap();
    assert_eq!(pair.primary.name, "postgres-visibility");
    assert!(pair.secondary.is_none());
    let DataStore::Sql(sql) = &pair.primary.config else {
        panic!("primary should be SQL")
    };
    assert_eq!(sql.plugin, SqlPlugin::Postgres12);
    assert_eq!(sql.connect_addr.as_deref(), Some("127.0.0.1:5432"));

    // Without those attributes the shape loads without a warning.
    let clean = text.replace(
        "        connectAttributes:\n          mode: \"memory\"\n          cache: \"private\"\n",
        "",
    );
    assert_ne!(clean, text);
    assert!(load(&clean).warnings.is_empty());

    #[cfg(not(feature = "postgres"))]
    {
        let e = pair.primary.sql_target().unwrap_err().to_string();
        assert!(e.contains("cargo feature `postgres`"), "{e}");
    }
    #[cfg(feature = "postgres")]
    {
        use workflow_visibility::config::persistence::SqlTarget;
        use workflow_visibility::store::pool::TlsMode;
        let target = pair.primary.sql_target().unwrap();
        let SqlTarget::Postgres(options) = &target else {
            panic!("expected a PostgreSQL target")
        };
        assert_eq!(options.name, "postgres-visibility");
        assert_eq!(
            options.redacted_url(),
            "postgres://username_for_auth:****@127.0.0.1:5432/default"
        );
        assert_eq!(options.pool.max_connections, 1);
        assert_eq!(options.pool.min_idle, 1);
        assert_eq!(options.pool.max_lifetime, Some(Duration::from_secs(3600)));
        assert_eq!(options.pool.tls.mode, TlsMode::Disable);
        assert!(!format!("{target:?}").contains("password_for_auth"));
    }
}

#[test]
fn cassandra_to_elasticsearch_pair() {
    let loaded = load(CASS_TO_ES);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let pair = loaded.config.visibility_stores().unwrap();
    assert_eq!(pair.primary.name, "cass-visibility");
    assert_eq!(pair.primary.config.kind(), DataStoreKind::Cassandra);
    let secondary = pair.secondary.unwrap();
    assert_eq!(secondary.name, "es-visibility");
    let DataStore::Elasticsearch(es) = &secondary.config else {
        panic!("secondary should be Elasticsearch")
    };
    assert_eq!(es.indices.visibility, "temporal_visibility_v1_dev");
    assert_eq!(es.indices.secondary_visibility, None);
}

#[test]
fn whole_server_config_with_other_sections() {
    let text = format!(
        "log:\n  stdout: true\n  level: info\nglobal:\n  membership:\n    maxJoinDuration: 30s\n\
         services:\n  frontend:\n    rpc: {{grpcPort: 7233}}\n{}\nclusterMetadata:\n  \
         enableGlobalNamespace: false\n",
        CASS_TO_MYSQL.replace(
            "persistence:\n",
            "persistence:\n  defaultStore: default\n  numHistoryShards: 4\n",
        )
    );
    let loaded = load(&text);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.config, load(CASS_TO_MYSQL).config);
}

#[test]
fn flow_style_datastores() {
    let loaded = load(
        "persistence:\n  visibilityStore: v\n  datastores:\n    v: { sql: { pluginName: sqlite, \
         databaseName: v.db, maxConns: 2 } }\n",
    );
    let DataStore::Sql(sql) = &loaded.config.datastores["v"] else {
        panic!("expected SQL")
    };
    assert_eq!(sql.max_conns, Some(2));
}

#[test]
fn from_file_reads_a_server_config() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("development.yaml");
    std::fs::write(&path, ES_SECONDARY_INDEX).unwrap();
    let config = PersistenceConfig::from_file(&path).unwrap();
    assert_eq!(config.visibility_store.as_deref(), Some("es-visibility"));
    let loaded = PersistenceConfig::load_file(&path).unwrap();
    assert_eq!(loaded.config, config);
    let missing: PathBuf = dir.path().join("absent.yaml");
    let e = PersistenceConfig::from_file(&missing)
        .unwrap_err()
        .to_string();
    assert!(e.contains("absent.yaml"), "{e}");
}

// ----- malformed values ---------------------------------------------------------------------

/// `CASS_TO_MYSQL` with one line of the MySQL datastore replaced.
fn mysql_with(from: &str, to: &str) -> String {
    assert!(CASS_TO_MYSQL.contains(from), "{from}");
    CASS_TO_MYSQL.replace(from, to)
}

/// `CASS_TO_MYSQL` with lines added to the MySQL datastore's `sql` block.
fn mysql_plus(lines: &str) -> String {
    let indented: String = lines.lines().map(|l| format!("        {l}\n")).collect();
    format!("{CASS_TO_MYSQL}{indented}")
}

const SQL: &str = "persistence.datastores.mysql-visibility.sql";

#[test]
fn malformed_values_name_their_key_path() {
    let cases: Vec<(String, String)> = vec![
        (
            mysql_plus("maxConns: ten"),
            format!("{SQL}.maxConns: expected an integer, got \"ten\""),
        ),
        (
            mysql_plus("maxIdleConns: -2"),
            format!("{SQL}.maxIdleConns: expected an integer from 0 to 4294967295, got -2"),
        ),
        (
            mysql_plus("maxConnLifetime: forever"),
            format!(
                "{SQL}.maxConnLifetime: expected a duration such as \"1h\", \"15s\" or \
                 \"500ms\", got \"forever\""
            ),
        ),
        (
            mysql_plus("maxConnLifetime: 3600"),
            format!(
                "{SQL}.maxConnLifetime: expected a duration such as \"1h\", \"15s\" or \
                 \"500ms\", got 3600"
            ),
        ),
        (
            mysql_plus("tls:\n  enabled: \"yes\""),
            format!("{SQL}.tls.enabled: expected true or false, got \"yes\""),
        ),
        (
            mysql_plus("tls: [1]"),
            format!("{SQL}.tls: expected a mapping, got a list"),
        ),
        (
            mysql_plus("tls: {enabled: true, certFile: /c.pem}"),
            format!("{SQL}.tls: certFile is set but keyFile is not; mutual TLS needs both"),
        ),
        (
            mysql_plus("connectAttributes: [a]"),
            format!("{SQL}.connectAttributes: expected a mapping, got a list"),
        ),
        (
            mysql_plus("connectAttributes: {tx_isolation: [a]}"),
            format!("{SQL}.connectAttributes.tx_isolation: expected a string, got a list"),
        ),
        (
            mysql_with(r#"pluginName: "mysql8""#, r#"pluginName: "oracle""#),
            format!(
                "{SQL}.pluginName: unknown plugin \"oracle\" (expected mysql8, postgres12, \
                 postgres12_pgx or sqlite)"
            ),
        ),
        (
            mysql_with(r#"pluginName: "mysql8""#, ""),
            format!("{SQL}.pluginName: required"),
        ),
        (
            mysql_with(r#"databaseName: "temporal_secondary_visibility""#, ""),
            format!("{SQL}.databaseName: required"),
        ),
        (
            mysql_with(r#"connectProtocol: "tcp""#, r#"connectProtocol: "udp""#),
            format!("{SQL}.connectProtocol: expected tcp or unix, got \"udp\""),
        ),
        (
            mysql_with(
                r#"connectAddr: "127.0.0.1:3306""#,
                r#"connectAddr: "127.0.0.1:mysql""#,
            ),
            format!(
                "{SQL}.connectAddr: expected host:port, got \"127.0.0.1:mysql\" (the port is \
                 not a number from 0 to 65535)"
            ),
        ),
        (
            CASS_TO_MYSQL.replace(r#"hosts: "127.0.0.1""#, r#"hosts: """#),
            "persistence.datastores.cass-visibility.cassandra.hosts: required (a \
             comma-separated host list)"
                .to_string(),
        ),
        (
            CASS_TO_MYSQL.replace(
                r#"keyspace: "temporal_primary_visibility""#,
                "keyspace: k\n        port: 99999",
            ),
            "persistence.datastores.cass-visibility.cassandra.port: expected an integer from \
             0 to 65535, got 99999"
                .to_string(),
        ),
        (
            CASS_TO_MYSQL.replace(
                r#"keyspace: "temporal_primary_visibility""#,
                "keyspace: k\n        consistency: {default: {consistency: MOST}}",
            ),
            "persistence.datastores.cass-visibility.cassandra.consistency.default.consistency: \
             unknown consistency level \"MOST\" (expected one of ANY, ONE, TWO, THREE, \
             QUORUM, ALL, LOCAL_QUORUM, EACH_QUORUM, LOCAL_ONE)"
                .to_string(),
        ),
        (
            ES_SECONDARY_INDEX.replace(
                "closeIdleConnectionsInterval: 15s",
                "closeIdleConnectionsInterval: often",
            ),
            "persistence.datastores.es-visibility.elasticsearch.closeIdleConnectionsInterval: \
             expected a duration such as \"1h\", \"15s\" or \"500ms\", got \"often\""
                .to_string(),
        ),
        (
            ES_SECONDARY_INDEX.replace(r#"version: "v7""#, r#"version: "v6""#),
            "persistence.datastores.es-visibility.elasticsearch.version: unsupported \
             Elasticsearch version \"v6\" (expected v7 or v8)"
                .to_string(),
        ),
        (
            ES_SECONDARY_INDEX.replace("visibility: temporal_visibility_v1\n", "\n"),
            "persistence.datastores.es-visibility.elasticsearch.indices.visibility: required"
                .to_string(),
        ),
        (
            ES_SECONDARY_INDEX.replace(r#"scheme: "http""#, r#"scheme: "ftp""#),
            "persistence.datastores.es-visibility.elasticsearch.url.scheme: expected http or \
             https, got \"ftp\""
                .to_string(),
        ),
        (
            ES_SECONDARY_INDEX.replace(
                "secondary_visibility: temporal_visibility_v1_new",
                "secondary_visibility: temporal_visibility_v1",
            ),
            "persistence.datastores.es-visibility.elasticsearch.indices.secondary_visibility: \
             names the same index as visibility (\"temporal_visibility_v1\")"
                .to_string(),
        ),
        (
            "persistence:\n  visibilityStore: [a]\n".to_string(),
            "persistence.visibilityStore: expected a string, got a list".to_string(),
        ),
        (
            "persistence:\n  visibilityStore: a\n  datastores: [a]\n".to_string(),
            "persistence.datastores: expected a mapping of datastore names, got a list".to_string(),
        ),
        (
            "persistence: 3\n".to_string(),
            "persistence: expected a mapping, got 3".to_string(),
        ),
        (
            "persistence:\n  visibilityStore: v\n  datastores:\n    v:\n      sql: {pluginName: \
             sqlite, databaseName: a}\n      cassandra: {hosts: h, keyspace: k}\n"
                .to_string(),
            "persistence.datastores.v: configures sql and cassandra; a datastore has exactly \
             one of sql, cassandra, elasticsearch"
                .to_string(),
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(
            load_err(&text),
            format!("invalid argument: {expected}"),
            "\n{text}"
        );
    }
}

#[test]
fn missing_persistence_block_and_bad_yaml() {
    assert_eq!(
        load_err("log:\n  level: info\n"),
        "invalid argument: persistence: missing (the config has no persistence block)"
    );
    assert!(load_err("").contains("persistence: missing"));
    assert!(load_err("persistence: [\n").contains("not valid YAML"));
    assert!(load_err("- a\n- b\n").contains("expected a mapping at the top level"));
}

// ----- unsupported keys ---------------------------------------------------------------------

#[test]
fn unsupported_keys_with_values_are_rejected() {
    let cases: Vec<(String, String)> = vec![
        (
            mysql_plus("tls:\n  enabled: true\n  caData: LS0tLS1CRUdJTg=="),
            format!(
                "{SQL}.tls.caData: inline certificates are not supported by this crate; use \
                 caFile"
            ),
        ),
        (
            mysql_plus("tls:\n  certData: abc"),
            format!(
                "{SQL}.tls.certData: inline certificates are not supported by this crate; use \
                 certFile"
            ),
        ),
        (
            mysql_plus("tls:\n  keyData: abc"),
            format!(
                "{SQL}.tls.keyData: inline certificates are not supported by this crate; use \
                 keyFile"
            ),
        ),
        (
            mysql_plus("authPlugin: {plugin: rds-iam-auth}"),
            format!(
                "{SQL}.authPlugin: SQL authentication plugins (such as rds-iam-auth) are not \
                 supported by this crate; use user and password"
            ),
        ),
        (
            mysql_with(r#"pluginName: "mysql8""#, r#"pluginName: "mysql""#),
            format!(
                "{SQL}.pluginName: plugin 'mysql' is the reference server's standard (pre-1.20) \
                 visibility schema, which this crate does not implement; use mysql8 or \
                 postgres12"
            ),
        ),
        (
            CASS_TO_MYSQL.replace(
                "    mysql-visibility:\n",
                "    mysql-visibility:\n      faultInjection: {rate: 0.1}\n",
            ),
            "persistence.datastores.mysql-visibility.faultInjection: fault injection is not \
             supported by this crate"
                .to_string(),
        ),
        (
            ES_SECONDARY_INDEX.replace(
                "closeIdleConnectionsInterval: 15s",
                "closeIdleConnectionsInterval: 15s\n        aws-request-signing:\n          \
                 enabled: true\n          region: us-east-1",
            ),
            "persistence.datastores.es-visibility.elasticsearch.aws-request-signing: AWS \
             request signing is not supported by this crate"
                .to_string(),
        ),
        (
            ES_SECONDARY_INDEX.replace(
                "closeIdleConnectionsInterval: 15s",
                "closeIdleConnectionsInterval: 15s\n        enableSniff: true",
            ),
            "persistence.datastores.es-visibility.elasticsearch.enableSniff: node sniffing is \
             not supported by this crate; list the endpoints in urls"
                .to_string(),
        ),
        (
            ES_SECONDARY_INDEX.replace(
                "closeIdleConnectionsInterval: 15s",
                "closeIdleConnectionsInterval: 15s\n        enableHealthcheck: true",
            ),
            "persistence.datastores.es-visibility.elasticsearch.enableHealthcheck: client \
             health checks are not supported by this crate"
                .to_string(),
        ),
        (
            ES_SECONDARY_INDEX.replace(
                r#"host: "127.0.0.1:9200""#,
                "host: h\n          rawquery: a=b",
            ),
            "persistence.datastores.es-visibility.elasticsearch.url.rawquery: only scheme, host \
             and path of an Elasticsearch URL are supported"
                .to_string(),
        ),
        (
            CASS_TO_MYSQL.replace(
                r#"keyspace: "temporal_primary_visibility""#,
                "keyspace: k\n        addressTranslator: {translator: aws}",
            ),
            "persistence.datastores.cass-visibility.cassandra.addressTranslator: address \
             translators are not supported by this crate"
                .to_string(),
        ),
        (
            "persistence:\n  visibilityStore: v\n  datastores:\n    v:\n      customDatastore: \
             {name: mine}\n"
                .to_string(),
            "persistence.datastores.v.customDatastore: custom datastores are not supported by \
             this crate"
                .to_string(),
        ),
        (
            "persistence:\n  advancedVisibilityStore: es\n".to_string(),
            "persistence.advancedVisibilityStore: the deprecated advanced visibility key is not \
             supported by this crate; name the datastore in visibilityStore or \
             secondaryVisibilityStore"
                .to_string(),
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(
            load_err(&text),
            format!("invalid argument: {expected}"),
            "\n{text}"
        );
    }
}

#[test]
fn unsupported_keys_with_default_values_are_accepted() {
    let loaded = load(&mysql_plus(
        "tls:\n  enabled: false\n  caData: \"\"\n  certData: \"\"\n  keyData: \"\"\n\
         authPlugin: {plugin: \"\", timeout: 0}\ntaskScanPartitions: 1\n",
    ));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let loaded = load(&ES_SECONDARY_INDEX.replace(
        "closeIdleConnectionsInterval: 15s",
        "closeIdleConnectionsInterval: 15s\n        enableSniff: false\n        \
         enableHealthcheck: false\n        aws-request-signing:\n          enabled: false\n          \
         region: \"\"\n          credentialProvider: static\n          static: {accessKeyID: \
         \"\", secretAccessKey: \"\"}",
    ));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let loaded = load(
        "persistence:\n  advancedVisibilityStore: \"\"\n  visibilityStore: v\n  datastores:\n    \
         v:\n      faultInjection: {rate: 0}\n      customDatastore: ~\n      sql: {pluginName: \
         sqlite, databaseName: v.db}\n",
    );
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn unsupported_keys_on_other_datastores_only_warn() {
    // The server's own (non-visibility) datastores are none of this crate's business.
    let text = CASS_TO_MYSQL.replace(
        "  datastores:\n",
        "  datastores:\n    default:\n      sql:\n        pluginName: mysql\n        \
         databaseName: temporal\n        connectAddr: db:3306\n        tls: {enabled: true, \
         caData: abc}\n    custom:\n      customDatastore: {name: mine}\n    empty:\n",
    );
    let loaded = load(&text);
    assert_eq!(
        warning_paths(&loaded),
        vec![
            "persistence.datastores.default.sql.pluginName",
            "persistence.datastores.default.sql.tls.caData",
            "persistence.datastores.custom.customDatastore",
            "persistence.datastores.custom",
            "persistence.datastores.empty",
        ]
    );
    assert!(
        loaded.warnings[1]
            .message
            .ends_with("ignored because datastore 'default' is not a visibility store"),
        "{}",
        loaded.warnings[1]
    );
    // What cannot be represented is left out; the visibility stores are all there.
    let names: Vec<&str> = loaded
        .config
        .datastores
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(names, vec!["cass-visibility", "mysql-visibility"]);
}

// ----- unknown keys -------------------------------------------------------------------------

#[test]
fn unknown_keys_are_warned_with_their_path() {
    let text = CASS_TO_MYSQL
        .replace("persistence:\n", "persistence:\n  visibilityStores: typo\n")
        .replace(
            "    mysql-visibility:\n",
            "    mysql-visibility:\n      sqlx: {}\n",
        )
        .replace(
            r#"keyspace: "temporal_primary_visibility""#,
            "keyspace: \"temporal_primary_visibility\"\n        replicationFactor: 3",
        )
        + "        poolSize: 9\n        tls: {enabled: false, insecure: true}\n        \
           taskScanPartitions: 4\n";
    let loaded = load(&text);
    assert_eq!(
        warning_paths(&loaded),
        vec![
            "persistence.visibilityStores",
            "persistence.datastores.cass-visibility.cassandra.replicationFactor",
            "persistence.datastores.mysql-visibility.sqlx",
            "persistence.datastores.mysql-visibility.sql.tls.insecure",
            "persistence.datastores.mysql-visibility.sql.taskScanPartitions",
            "persistence.datastores.mysql-visibility.sql.poolSize",
        ]
    );
    assert_eq!(loaded.warnings[0].message, "unknown key, ignored");
    assert_eq!(
        loaded.warnings[4].to_string(),
        "persistence.datastores.mysql-visibility.sql.taskScanPartitions: has no effect on \
         visibility, ignored"
    );
    // The warnings do not change what was loaded.
    assert_eq!(loaded.config, load(CASS_TO_MYSQL).config);
}

#[test]
fn tls_files_while_disabled_are_warned() {
    let loaded = load(&mysql_plus(
        "tls: {enabled: false, caFile: /ca.pem, serverName: db}",
    ));
    assert_eq!(warning_paths(&loaded), vec![format!("{SQL}.tls")]);
    assert_eq!(
        loaded.warnings[0].message,
        "caFile, serverName set while enabled is false; TLS stays off"
    );
}

// ----- visibility pairs ---------------------------------------------------------------------

/// A config with the given datastores (name → one-line flow block) and pair.
fn pair_config(primary: Option<&str>, secondary: Option<&str>, stores: &[(&str, &str)]) -> String {
    let mut text = String::from("persistence:\n");
    if let Some(p) = primary {
        text += &format!("  visibilityStore: {p}\n");
    }
    if let Some(s) = secondary {
        text += &format!("  secondaryVisibilityStore: {s}\n");
    }
    text += "  datastores:\n";
    for (name, block) in stores {
        text += &format!("    {name}: {block}\n");
    }
    text
}

const CASS: &str = "{cassandra: {hosts: \"c1,c2\", keyspace: vis}}";
const CASS2: &str = "{cassandra: {hosts: c3, keyspace: vis2}}";
const MYSQL: &str = "{sql: {pluginName: mysql8, databaseName: vis, connectAddr: \"my:3306\"}}";
const PG: &str = "{sql: {pluginName: postgres12, databaseName: vis, connectAddr: \"pg:5432\"}}";
const LITE: &str = "{sql: {pluginName: sqlite, databaseName: vis.db}}";
const ES: &str =
    "{elasticsearch: {url: {scheme: http, host: \"es:9200\"}, indices: {visibility: v1}}}";
const ES2: &str =
    "{elasticsearch: {url: {scheme: http, host: \"es:9200\"}, indices: {visibility: v2}}}";
const ES_DUAL: &str = "{elasticsearch: {url: {scheme: http, host: \"es:9200\"}, indices: \
                       {visibility: v1, secondary_visibility: v2}}}";

fn all_stores() -> Vec<(&'static str, &'static str)> {
    vec![
        ("cass", CASS),
        ("cass2", CASS2),
        ("mysql", MYSQL),
        ("pg", PG),
        ("lite", LITE),
        ("es", ES),
        ("es2", ES2),
        ("esdual", ES_DUAL),
    ]
}

#[test]
fn allowed_pairs() {
    for (primary, secondary) in [
        ("cass", "mysql"),
        ("cass", "pg"),
        ("cass", "lite"),
        ("cass", "es"),
        ("mysql", "pg"),
        ("pg", "mysql"),
        ("lite", "pg"),
        ("pg", "lite"),
        ("es", "es2"),
        ("pg", "es"),
        ("es", "lite"),
    ] {
        let text = pair_config(Some(primary), Some(secondary), &all_stores());
        let pair = load(&text).config.visibility_stores().unwrap();
        assert_eq!(pair.primary.name, primary);
        assert_eq!(pair.secondary.unwrap().name, secondary);
    }
    for primary in ["cass", "mysql", "pg", "lite", "es"] {
        let pair = load(&pair_config(Some(primary), None, &all_stores()))
            .config
            .visibility_stores()
            .unwrap();
        assert_eq!(pair.primary.name, primary);
        assert!(pair.secondary.is_none());
    }
    let pair = load(&pair_config(Some("esdual"), None, &all_stores()))
        .config
        .visibility_stores()
        .unwrap();
    assert_eq!(pair.secondary.unwrap().name, "esdual/secondary_visibility");
}

#[test]
fn rejected_pairs_name_both_stores() {
    let stores = all_stores();
    let cases: Vec<(Option<&str>, Option<&str>, String)> = vec![
        (
            Some("mysql"),
            Some("cass"),
            "persistence: secondaryVisibilityStore 'cass' (Cassandra) cannot follow \
             visibilityStore 'mysql' (SQL (mysql8)): a Cassandra datastore can only be a \
             primary visibility store"
                .into(),
        ),
        (
            Some("cass"),
            Some("cass2"),
            "persistence: secondaryVisibilityStore 'cass2' (Cassandra) cannot follow \
             visibilityStore 'cass' (Cassandra): a Cassandra datastore can only be a primary \
             visibility store"
                .into(),
        ),
        (
            Some("es"),
            Some("cass"),
            "persistence: secondaryVisibilityStore 'cass' (Cassandra) cannot follow \
             visibilityStore 'es' (Elasticsearch): a Cassandra datastore can only be a primary \
             visibility store"
                .into(),
        ),
        (
            Some("pg"),
            Some("pg"),
            "persistence: visibilityStore and secondaryVisibilityStore both name datastore \
             'pg'; the secondary must be another datastore"
                .into(),
        ),
        (
            Some("pg"),
            Some("nowhere"),
            "persistence.secondaryVisibilityStore: datastore 'nowhere' is not defined under \
             persistence.datastores (visibilityStore: 'pg')"
                .into(),
        ),
        (
            Some("nowhere"),
            Some("pg"),
            "persistence.visibilityStore: datastore 'nowhere' is not defined under \
             persistence.datastores (secondaryVisibilityStore: 'pg')"
                .into(),
        ),
        (
            Some("nowhere"),
            None,
            "persistence.visibilityStore: datastore 'nowhere' is not defined under \
             persistence.datastores"
                .into(),
        ),
        (
            None,
            Some("pg"),
            "persistence.visibilityStore: required (the name of the datastore that holds \
             visibility records)"
                .into(),
        ),
        (
            None,
            None,
            "persistence.visibilityStore: required (the name of the datastore that holds \
             visibility records)"
                .into(),
        ),
        (
            Some("es"),
            Some("esdual"),
            "persistence.datastores.esdual.elasticsearch.indices.secondary_visibility: not \
             allowed on the secondary visibility datastore 'esdual' (visibilityStore: 'es')"
                .into(),
        ),
        (
            Some("esdual"),
            Some("es2"),
            "persistence: visibilityStore 'esdual' sets indices.secondary_visibility and \
             secondaryVisibilityStore names 'es2'; a setup has one secondary, so keep only one \
             of them"
                .into(),
        ),
    ];
    for (primary, secondary, expected) in cases {
        let text = pair_config(primary, secondary, &stores);
        assert_eq!(
            load_err(&text),
            format!("invalid argument: {expected}"),
            "{primary:?} → {secondary:?}"
        );
    }
}

#[test]
fn a_pair_on_one_database_is_rejected() {
    let same_pg =
        "{sql: {pluginName: postgres12_pgx, databaseName: vis, connectAddr: \"PG:5432\"}}";
    let same_es =
        "{elasticsearch: {url: {scheme: https, host: \"es:9200\"}, indices: {visibility: v1}}}";
    let same_lite = "{sql: {pluginName: sqlite, databaseName: vis.db}}";
    for (primary, other, what) in [
        (PG, same_pg, "database 'vis' at pg:5432"),
        (ES, same_es, "index 'v1' of the same Elasticsearch cluster"),
        (LITE, same_lite, "the SQLite file 'vis.db'"),
    ] {
        let text = pair_config(Some("a"), Some("b"), &[("a", primary), ("b", other)]);
        assert_eq!(
            load_err(&text),
            format!(
                "invalid argument: persistence: visibilityStore 'a' and secondaryVisibilityStore \
                 'b' both point at {what}; the secondary must be a different store"
            )
        );
    }
    // Two in-memory SQLite databases are distinct whatever their names.
    let memory = "{sql: {pluginName: sqlite, databaseName: x, connectAttributes: {mode: memory}}}";
    load(&pair_config(
        Some("a"),
        Some("b"),
        &[("a", memory), ("b", memory)],
    ));
}

#[test]
fn visibility_stores_checks_a_hand_built_config() {
    let mut config = load(CASS_TO_MYSQL).config;
    config.secondary_visibility_store = Some("cass-visibility".into());
    config.visibility_store = Some("mysql-visibility".into());
    let e = config.visibility_stores().unwrap_err().to_string();
    assert!(
        e.contains("'cass-visibility'") && e.contains("'mysql-visibility'"),
        "{e}"
    );
}

#[test]
fn sql_mapping_errors_surface_when_loading() {
    let e = load_err(&mysql_plus(
        "connectAttributes: {interpolateParams: \"true\"}",
    ));
    assert!(
        e.starts_with(&format!(
            "invalid argument: {SQL}.connectAttributes.interpolateParams: not supported by the \
             mysql8 plugin"
        )),
        "{e}"
    );
    let e = load_err(&SQLITE.replace(r#"cache: "private""#, r#"cache: "shared""#));
    assert!(
        e.contains("persistence.datastores.sqlite-visibility.sql.connectAttributes.cache"),
        "{e}"
    );
    // The same attribute on a datastore that is not a visibility store is not planned.
    let text = CASS_TO_MYSQL.replace(
        "  datastores:\n",
        "  datastores:\n    default:\n      sql: {pluginName: mysql8, databaseName: t, \
         connectAddr: \"db:3306\", connectAttributes: {interpolateParams: \"true\"}}\n",
    );
    assert!(load(&text).warnings.is_empty());
}

// ----- secrets ------------------------------------------------------------------------------

#[test]
fn passwords_never_appear_in_errors_or_debug() {
    const PASSWORD: &str = "s3cr3t-Pa55";
    let with_password = CASS_TO_MYSQL.replace(
        r#"password: "temporal""#,
        &format!("password: {PASSWORD:?}"),
    );
    let loaded = load(&with_password);
    let debug = format!("{:?}", loaded.config);
    assert!(!debug.contains(PASSWORD), "{debug}");
    assert!(debug.contains("****"), "{debug}");
    let pair = loaded.config.visibility_stores().unwrap();
    assert!(!format!("{pair:?}").contains(PASSWORD));
    let target = pair.secondary.unwrap().sql_target();
    assert!(!format!("{target:?}").contains(PASSWORD));

    let bad = [
        // A malformed value next to the password.
        with_password.clone() + "        maxConns: many\n",
        // The password itself malformed.
        with_password.replace(
            &format!("password: {PASSWORD:?}"),
            &format!("password: [{PASSWORD}]"),
        ),
        // Password in connect attributes.
        with_password.clone() + &format!("        connectAttributes: {{password: {PASSWORD}}}\n"),
        // A rejected pair.
        with_password.replace(
            "secondaryVisibilityStore: mysql-visibility",
            "secondaryVisibilityStore: cass-visibility",
        ),
        // Broken YAML on the password line.
        with_password.replace(
            &format!("password: {PASSWORD:?}"),
            &format!("password: \"{PASSWORD}"),
        ),
        // Elasticsearch and Cassandra passwords.
        CASS_TO_ES.replace(
            "version: \"v7\"",
            &format!("version: v9\n        password: {PASSWORD}"),
        ),
        CASS_TO_MYSQL.replace(
            r#"hosts: "127.0.0.1""#,
            &format!("hosts: \"\"\n        password: {PASSWORD}"),
        ),
    ];
    for text in bad {
        let e = load_err(&text);
        assert!(!e.contains(PASSWORD), "{e}");
    }
}

#[test]
fn passwords_with_url_characters_reach_the_store_intact() {
    let password = "p@ss:w/rd?#%";
    let text = CASS_TO_MYSQL.replace(
        r#"password: "temporal""#,
        &format!("password: {password:?}"),
    );
    let config = PersistenceConfig::from_yaml_str(&text).unwrap();
    let DataStore::Sql(sql) = &config.datastores["mysql-visibility"] else {
        panic!("expected SQL")
    };
    assert_eq!(sql.password.expose(), password);
    #[cfg(feature = "mysql")]
    {
        use workflow_visibility::config::persistence::SqlTarget;
        let SqlTarget::Mysql(target) = sql.store_target("mysql-visibility").unwrap() else {
            panic!("expected a MySQL target")
        };
        assert_eq!(
            target.url.expose(),
            "mysql://temporal:p%40ss%3Aw%2Frd%3F%23%25@127.0.0.1:3306/temporal_secondary_visibility"
        );
    }
}
