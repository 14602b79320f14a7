//! The embedded SQLite store (feature `sqlite`, the default).
//!
//! File databases run in WAL mode with a busy timeout; their schema is created by
//! [`SqliteStore::setup`] (or `wfvis schema setup`), and [`SqliteStore::open`] refuses a file
//! without it. In-memory databases get their schema on open. Search attribute values live in
//! typed side tables (see `schema/sqlite/visibility/schema.sql`), so filters on custom
//! attributes are index lookups.

mod errors;
mod options;
mod rows;
mod schema;
mod write;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Row, SqlitePool};

use crate::attributes::{AttributeDef, NamespaceAttributes, check_custom_name};
use crate::error::{Error, Result};
use crate::manager::VisibilityManager;
use crate::model::{ExecutionStatus, SearchAttributeType, SearchAttributeValue};
use crate::page_token::{PageToken, TokenKind, fingerprint};
use crate::query::ir::{Expr, Scalar};
use crate::query::{QueryPurpose, compile};
use crate::request::*;
use crate::store::common::{PreparedRecord, WriteKind, prepare, sort_scalar, with_timeout};
use crate::store::registry_cache::RegistryCache;
pub use crate::store::sql::RenderedSql;
use crate::store::sql::{Dialect, SqlBuilder, SqlValue, render_count, render_list, render_scan};

pub use options::{SqliteLocation, SqliteOptions, SqliteSynchronous};
pub use schema::{MIN_SUPPORTED_VERSION, SCHEMA_VERSION};

use errors::map_sqlx;

/// A [`VisibilityManager`] on SQLite.
#[derive(Debug)]
pub struct SqliteStore {
    options: SqliteOptions,
    pool: SqlitePool,
    registry: RegistryCache,
    closed: AtomicBool,
}

fn now_micros() -> i64 {
    crate::model::time::to_micros(&chrono::Utc::now())
}

impl SqliteStore {
    /// Opens the store at `url` (`sqlite::memory:` or `sqlite://PATH`) with default options.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::open(SqliteOptions::from_url(url)?).await
    }

    /// Opens a store. A file database must exist and carry a supported schema (see
    /// [`SqliteStore::setup`]); an in-memory database is created with its schema.
    pub async fn open(options: SqliteOptions) -> Result<Self> {
        let store = Self::start(options, false).await?;
        let installed = schema::installed_version(&store.options.name, &store.pool).await?;
        schema::check_supported(installed.as_deref(), &store.options.describe())?;
        Ok(store)
    }

    /// Creates the database file if needed, applies the schema if it is missing and records
    /// its version, then opens the store. Running it again on a set-up database changes
    /// nothing.
    pub async fn setup(options: SqliteOptions) -> Result<Self> {
        let store = Self::start(options, true).await?;
        schema::setup(&store.options.name, &store.pool, now_micros()).await?;
        Self::finish_open(store).await
    }

    async fn finish_open(store: Self) -> Result<Self> {
        let installed = schema::installed_version(&store.options.name, &store.pool).await?;
        schema::check_supported(installed.as_deref(), &store.options.describe())?;
        Ok(store)
    }

    async fn start(options: SqliteOptions, create: bool) -> Result<Self> {
        let connect = SqliteConnectOptions::new()
            .busy_timeout(options.busy_timeout)
            .statement_cache_capacity(256)
            .foreign_keys(false);
        let (connect, pool_options) = match &options.location {
            SqliteLocation::Memory => (
                connect.in_memory(true),
                // One connection that never closes: each connection to `:memory:` is a
                // separate database, and it vanishes when its connection closes.
                SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None),
            ),
            SqliteLocation::File(path) => (
                connect
                    .filename(path)
                    .create_if_missing(create)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(match options.synchronous {
                        SqliteSynchronous::Off => sqlx::sqlite::SqliteSynchronous::Off,
                        SqliteSynchronous::Normal => sqlx::sqlite::SqliteSynchronous::Normal,
                        SqliteSynchronous::Full => sqlx::sqlite::SqliteSynchronous::Full,
                    }),
                SqlitePoolOptions::new().max_connections(options.max_connections),
            ),
        };
        let pool = pool_options
            .acquire_timeout(options.store.call_timeout)
            .connect_with(connect)
            .await
            .map_err(|e| match (&options.location, e) {
                (SqliteLocation::File(_), sqlx::Error::Database(db)) if !create => {
                    Error::Unavailable(format!(
                        "cannot open {}: {}; if the database does not exist yet, create it with \
                         `wfvis --url {} schema setup`",
                        options.describe(),
                        db.message(),
                        options.describe()
                    ))
                }
                (_, e) => map_sqlx(&options.name, "opening the database", e),
            })?;
        let store = Self {
            registry: RegistryCache::new(options.store.registry_ttl),
            options,
            pool,
            closed: AtomicBool::new(false),
        };
        if store.options.location == SqliteLocation::Memory {
            schema::setup(&store.options.name, &store.pool, now_micros()).await?;
        }
        Ok(store)
    }

    /// The installed schema version.
    pub async fn schema_version(&self) -> Result<String> {
        schema::installed_version(self.name(), &self.pool)
            .await?
            .ok_or_else(|| Error::Unavailable("the database has no visibility schema".into()))
    }

    /// The store's options.
    pub fn options(&self) -> &SqliteOptions {
        &self.options
    }

    fn name(&self) -> &str {
        &self.options.name
    }

    fn ensure_open(&self) -> Result<()> {
        if self.closed.load(Ordering::Acquire) {
            return Err(Error::Unavailable(format!(
                "store '{}' is closed",
                self.name()
            )));
        }
        Ok(())
    }

    /// Runs a call with the closed check and the call timeout.
    async fn call<T>(&self, operation: &str, fut: impl Future<Output = Result<T>>) -> Result<T> {
        self.ensure_open()?;
        with_timeout(self.options.store.call_timeout, operation, fut).await
    }

    async fn load_registry(&self, namespace_id: &str) -> Result<Arc<NamespaceAttributes>> {
        let rows =
            sqlx::query("SELECT id, name, type FROM search_attributes WHERE namespace_id = ?")
                .bind(namespace_id)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| map_sqlx(self.name(), "reading search attribute registrations", e))?;
        let mut defs = Vec::with_capacity(rows.len());
        for row in rows {
            let ty: String = row.get(2);
            defs.push(AttributeDef {
                id: row.get(0),
                name: row.get(1),
                ty: ty.parse().map_err(|_| {
                    Error::Internal(format!(
                        "{}: unknown attribute type {ty:?} in registry",
                        self.name()
                    ))
                })?,
            });
        }
        let registry = Arc::new(NamespaceAttributes::new(defs));
        self.registry.put(namespace_id, Arc::clone(&registry));
        Ok(registry)
    }

    /// Runs `f` with the namespace's registry; if it fails with InvalidArgument on a cached
    /// registry, reloads the registry (another process may have registered an attribute) and
    /// tries once more.
    async fn with_registry<T>(
        &self,
        namespace_id: &str,
        f: impl Fn(&NamespaceAttributes) -> Result<T>,
    ) -> Result<(T, Arc<NamespaceAttributes>)> {
        if let Some(cached) = self.registry.get(namespace_id) {
            match f(&cached) {
                Ok(v) => return Ok((v, cached)),
                Err(e) if e.kind() != crate::ErrorKind::InvalidArgument => return Err(e),
                Err(_) => {}
            }
        }
        let fresh = self.load_registry(namespace_id).await?;
        Ok((f(&fresh)?, fresh))
    }

    async fn write(&self, record: crate::ExecutionRecord, kind: WriteKind) -> Result<()> {
        let limits = &self.options.store.search_attribute_limits;
        let ns = record.namespace_id.clone();
        let (prepared, _) = self
            .with_registry(&ns, |reg| prepare(record.clone(), kind, reg, limits))
            .await?;
        self.write_prepared(&prepared, kind).await
    }

    async fn write_prepared(&self, p: &PreparedRecord, kind: WriteKind) -> Result<()> {
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| map_sqlx(self.name(), "starting a write", e))?;
        let now = now_micros();
        match kind {
            WriteKind::Started => write::insert_if_absent(&mut tx, self.name(), p, now).await?,
            WriteKind::Closed | WriteKind::Upsert => {
                write::upsert(&mut tx, self.name(), p, now).await?
            }
        }
        tx.commit()
            .await
            .map_err(|e| map_sqlx(self.name(), "committing a write", e))
    }

    async fn fetch(
        &self,
        b: SqlBuilder,
        registry: &NamespaceAttributes,
        operation: &str,
    ) -> Result<Vec<crate::ExecutionRecord>> {
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(b.sql)), &b.binds)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx(self.name(), operation, e))?;
        rows.iter()
            .map(|r| rows::decode_row(self.name(), r, registry))
            .collect()
    }

    async fn list(&self, req: ListRequest) -> Result<ListResponse> {
        let limits = &self.options.store.query_limits;
        let (query, registry) = self
            .with_registry(&req.namespace_id, |reg| {
                compile(&req.query, reg, QueryPurpose::List, limits)
            })
            .await?;
        let keys = query.sort_keys();
        let fp = fingerprint(&req.namespace_id, &req.query);
        let after = match &req.next_page_token {
            Some(t) => {
                Some(PageToken::decode_for(t, self.name(), TokenKind::List, &fp, keys.len())?.after)
            }
            None => None,
        };
        if query.filter == Expr::False {
            return Ok(ListResponse::default());
        }
        let page = self.options.store.clamp_page_size(req.page_size);
        let b = render_list(
            Dialect::SQLITE,
            &req.namespace_id,
            &query,
            after.as_deref(),
            page as i64 + 1,
        );
        let mut records = self
            .fetch(b, &registry, "listing workflow executions")
            .await?;
        let mut token = None;
        if records.len() > page {
            records.truncate(page);
            if let Some(last) = records.last() {
                let after = keys
                    .iter()
                    .map(|k| sort_scalar(last, &k.key, &registry))
                    .collect();
                token = Some(PageToken::new(self.name(), TokenKind::List, fp, after).encode());
            }
        }
        Ok(ListResponse::new(records, token))
    }

    async fn scan(&self, req: ListRequest) -> Result<ListResponse> {
        let limits = &self.options.store.query_limits;
        let (query, registry) = self
            .with_registry(&req.namespace_id, |reg| {
                compile(&req.query, reg, QueryPurpose::Scan, limits)
            })
            .await?;
        let fp = fingerprint(&req.namespace_id, &req.query);
        let after = match &req.next_page_token {
            Some(t) => {
                let token = PageToken::decode_for(t, self.name(), TokenKind::Scan, &fp, 2)?;
                match token.after.as_slice() {
                    [Some(Scalar::Str(run)), Some(Scalar::Str(wf))] => {
                        Some((run.clone(), wf.clone()))
                    }
                    _ => {
                        return Err(Error::invalid_argument(
                            "malformed next page token: bad scan position",
                        ));
                    }
                }
            }
            None => None,
        };
        if query.filter == Expr::False {
            return Ok(ListResponse::default());
        }
        let page = self.options.store.clamp_page_size(req.page_size);
        let b = render_scan(
            Dialect::SQLITE,
            &req.namespace_id,
            &query.filter,
            after.as_ref().map(|(r, w)| (r.as_str(), w.as_str())),
            page as i64 + 1,
        );
        let mut records = self
            .fetch(b, &registry, "scanning workflow executions")
            .await?;
        let mut token = None;
        if records.len() > page {
            records.truncate(page);
            if let Some(last) = records.last() {
                let after = vec![
                    Some(Scalar::Str(last.run_id.clone())),
                    Some(Scalar::Str(last.workflow_id.clone())),
                ];
                token = Some(PageToken::new(self.name(), TokenKind::Scan, fp, after).encode());
            }
        }
        Ok(ListResponse::new(records, token))
    }

    async fn count(&self, req: CountRequest) -> Result<CountResponse> {
        let limits = &self.options.store.query_limits;
        let (query, _) = self
            .with_registry(&req.namespace_id, |reg| {
                compile(&req.query, reg, QueryPurpose::Count, limits)
            })
            .await?;
        if query.filter == Expr::False {
            return Ok(CountResponse::default());
        }
        let b = render_count(Dialect::SQLITE, &req.namespace_id, &query);
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(b.sql)), &b.binds)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx(self.name(), "counting workflow executions", e))?;
        if query.group_by.is_none() {
            let count: i64 = rows.first().map(|r| r.get(0)).unwrap_or(0);
            return Ok(CountResponse::new(count, Vec::new()));
        }
        let mut total = 0;
        let mut groups = Vec::with_capacity(rows.len());
        for row in rows {
            let code: i64 = row.get(0);
            let n: i64 = row.get(1);
            let status = ExecutionStatus::from_code(code).ok_or_else(|| {
                Error::Internal(format!(
                    "{}: unknown status code {code} in database",
                    self.name()
                ))
            })?;
            total += n;
            groups.push(CountGroup::new(
                vec![SearchAttributeValue::Keyword(status.name().to_string())],
                n,
            ));
        }
        Ok(CountResponse::new(total, groups))
    }

    async fn add_attributes(&self, req: AddSearchAttributesRequest) -> Result<()> {
        crate::store::common::check_identity(&req.namespace_id, "-", "-")?;
        for name in req.attributes.keys() {
            check_custom_name(name)?;
        }
        let op = "registering search attributes";
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| map_sqlx(self.name(), op, e))?;
        let existing =
            sqlx::query("SELECT name, type FROM search_attributes WHERE namespace_id = ?")
                .bind(req.namespace_id.as_str())
                .fetch_all(&mut *tx)
                .await
                .map_err(|e| map_sqlx(self.name(), op, e))?;
        let mut per_type: BTreeMap<SearchAttributeType, usize> = BTreeMap::new();
        for row in &existing {
            let name: String = row.get(0);
            if req.attributes.contains_key(&name) {
                return Err(Error::AlreadyExists(format!(
                    "search attribute {name} is already registered in namespace {}",
                    req.namespace_id
                )));
            }
            let ty: String = row.get(1);
            if let Ok(ty) = ty.parse() {
                *per_type.entry(ty).or_default() += 1;
            }
        }
        for ty in req.attributes.values() {
            *per_type.entry(*ty).or_default() += 1;
        }
        let limits = &self.options.store.search_attribute_limits;
        for (ty, n) in per_type {
            if req.attributes.values().any(|t| *t == ty) && n > limits.max_custom(ty) {
                return Err(Error::invalid_argument(format!(
                    "cannot register more than {} custom search attributes of type {ty} in \
                     namespace {}",
                    limits.max_custom(ty),
                    req.namespace_id
                )));
            }
        }
        for (name, ty) in &req.attributes {
            sqlx::query(
                "INSERT INTO search_attributes (namespace_id, name, type) VALUES (?, ?, ?)",
            )
            .bind(req.namespace_id.as_str())
            .bind(name.as_str())
            .bind(ty.name())
            .execute(&mut *tx)
            .await
            .map_err(|e| map_sqlx(self.name(), op, e))?;
        }
        tx.commit()
            .await
            .map_err(|e| map_sqlx(self.name(), op, e))?;
        self.registry.invalidate(&req.namespace_id);
        Ok(())
    }

    async fn remove_attributes(&self, req: RemoveSearchAttributesRequest) -> Result<()> {
        let op = "removing search attributes";
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| map_sqlx(self.name(), op, e))?;
        let mut found = Vec::with_capacity(req.names.len());
        for name in &req.names {
            let row = sqlx::query(
                "SELECT id, type FROM search_attributes WHERE namespace_id = ? AND name = ?",
            )
            .bind(req.namespace_id.as_str())
            .bind(name.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| map_sqlx(self.name(), op, e))?
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "search attribute {name} is not registered in namespace {}",
                    req.namespace_id
                ))
            })?;
            let ty: String = row.get(1);
            found.push((row.get::<i64, _>(0), ty.parse::<SearchAttributeType>()?));
        }
        for (id, ty) in found {
            sqlx::query("DELETE FROM search_attributes WHERE id = ?")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| map_sqlx(self.name(), op, e))?;
            let table = crate::store::sql::value_table(ty).name();
            let sql = format!("DELETE FROM {table} WHERE namespace_id = ? AND attr_id = ?");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(req.namespace_id.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| map_sqlx(self.name(), op, e))?;
        }
        tx.commit()
            .await
            .map_err(|e| map_sqlx(self.name(), op, e))?;
        self.registry.invalidate(&req.namespace_id);
        Ok(())
    }
}

/// The exact statement a SQLite store runs for the first page of a listing of
/// `namespace_id` with `query` (for EXPLAIN, debugging and benchmarks).
pub fn render_list_sql(
    namespace_id: &str,
    query: &crate::query::ir::Query,
    page_size: usize,
) -> RenderedSql {
    render_list(
        Dialect::SQLITE,
        namespace_id,
        query,
        None,
        page_size as i64 + 1,
    )
    .into()
}

/// Binds rendered parameters in order.
fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    binds: &'q [SqlValue],
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    for v in binds {
        q = match v {
            SqlValue::Int(i) => q.bind(*i),
            SqlValue::Double(d) => q.bind(*d),
            SqlValue::Text(s) => q.bind(s.as_str()),
        };
    }
    q
}

#[async_trait]
impl VisibilityManager for SqliteStore {
    fn store_name(&self) -> &str {
        self.name()
    }

    async fn record_workflow_execution_started(&self, request: RecordStartedRequest) -> Result<()> {
        self.call(
            "record_workflow_execution_started",
            self.write(request.record, WriteKind::Started),
        )
        .await
    }

    async fn record_workflow_execution_closed(&self, request: RecordClosedRequest) -> Result<()> {
        self.call(
            "record_workflow_execution_closed",
            self.write(request.record, WriteKind::Closed),
        )
        .await
    }

    async fn upsert_workflow_execution(&self, request: UpsertRequest) -> Result<()> {
        self.call(
            "upsert_workflow_execution",
            self.write(request.record, WriteKind::Upsert),
        )
        .await
    }

    async fn delete_workflow_execution(&self, request: DeleteRequest) -> Result<()> {
        self.call("delete_workflow_execution", async {
            crate::store::common::check_identity(
                &request.namespace_id,
                &request.workflow_id,
                &request.run_id,
            )?;
            if request.version < 0 {
                return Err(Error::invalid_argument(format!(
                    "write version must be >= 0, got {}",
                    request.version
                )));
            }
            let now = now_micros();
            let window =
                i64::try_from(self.options.store.tombstone_window.as_micros()).unwrap_or(i64::MAX);
            let mut tx = self
                .pool
                .begin_with("BEGIN IMMEDIATE")
                .await
                .map_err(|e| map_sqlx(self.name(), "starting a delete", e))?;
            write::delete(
                &mut tx,
                self.name(),
                &request,
                now,
                now.saturating_add(window),
            )
            .await?;
            tx.commit()
                .await
                .map_err(|e| map_sqlx(self.name(), "committing a delete", e))
        })
        .await
    }

    async fn get_workflow_execution(&self, request: GetRequest) -> Result<GetResponse> {
        self.call("get_workflow_execution", async {
            let mut b = SqlBuilder::new(Dialect::SQLITE);
            b.push("SELECT ")
                .push(crate::store::sql::SELECT_COLUMNS)
                .push(" FROM executions e WHERE e.namespace_id = ");
            b.bind_text(&request.namespace_id).push(" AND e.run_id = ");
            b.bind_text(&request.run_id).push(" AND e.workflow_id = ");
            b.bind_text(&request.workflow_id);
            let registry = match self.registry.get(&request.namespace_id) {
                Some(r) => r,
                None => self.load_registry(&request.namespace_id).await?,
            };
            let mut records = self
                .fetch(b, &registry, "getting a workflow execution")
                .await?;
            records.pop().map(GetResponse::new).ok_or_else(|| {
                Error::NotFound(format!(
                    "workflow execution {}/{} not found in namespace {}",
                    request.workflow_id, request.run_id, request.namespace_id
                ))
            })
        })
        .await
    }

    async fn list_workflow_executions(&self, request: ListRequest) -> Result<ListResponse> {
        self.call("list_workflow_executions", self.list(request))
            .await
    }

    async fn scan_workflow_executions(&self, request: ListRequest) -> Result<ListResponse> {
        self.call("scan_workflow_executions", self.scan(request))
            .await
    }

    async fn count_workflow_executions(&self, request: CountRequest) -> Result<CountResponse> {
        self.call("count_workflow_executions", self.count(request))
            .await
    }

    async fn add_search_attributes(&self, request: AddSearchAttributesRequest) -> Result<()> {
        self.call("add_search_attributes", self.add_attributes(request))
            .await
    }

    async fn list_search_attributes(
        &self,
        request: ListSearchAttributesRequest,
    ) -> Result<ListSearchAttributesResponse> {
        self.call("list_search_attributes", async {
            let registry = self.load_registry(&request.namespace_id).await?;
            Ok(ListSearchAttributesResponse::new(
                registry
                    .custom_attributes()
                    .map(|d| (d.name.clone(), d.ty))
                    .collect(),
            ))
        })
        .await
    }

    async fn remove_search_attributes(&self, request: RemoveSearchAttributesRequest) -> Result<()> {
        self.call("remove_search_attributes", self.remove_attributes(request))
            .await
    }

    async fn close(&self) -> Result<()> {
        self.closed.store(true, Ordering::Release);
        self.pool.close().await;
        Ok(())
    }
}
