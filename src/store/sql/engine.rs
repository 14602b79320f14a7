//! The store logic every SQL store shares: compiling queries, paging with tokens, the
//! registry cache, timeouts and the closed state. A backend supplies only the driver calls
//! (run a rendered statement, run a write transaction, manage registrations).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;

use crate::attributes::{AttributeDef, NamespaceAttributes, check_custom_name};
use crate::error::{Error, ErrorKind, Result};
use crate::manager::VisibilityManager;
use crate::model::{ExecutionRecord, ExecutionStatus, SearchAttributeValue, time};
use crate::options::StoreOptions;
use crate::page_token::{PageToken, TokenKind, fingerprint};
use crate::query::ir::{Expr, Scalar};
use crate::query::{QueryPurpose, compile};
use crate::request::*;
use crate::store::common::{
    PreparedRecord, WriteKind, check_identity, prepare, sort_scalar, with_timeout,
};
use crate::store::registry_cache::RegistryCache;
use crate::store::sql::{
    Dialect, SELECT_COLUMNS, SqlBuilder, render_count, render_list, render_scan,
};

/// Driver calls a SQL store needs. Each write method is one transaction.
#[async_trait]
pub(crate) trait SqlBackend: Send + Sync + 'static {
    /// The dialect statements are rendered in.
    fn dialect(&self) -> Dialect;

    /// Runs a statement selecting `SELECT_COLUMNS` and decodes the records.
    async fn fetch_records(
        &self,
        statement: SqlBuilder,
        registry: &NamespaceAttributes,
        operation: &str,
    ) -> Result<Vec<ExecutionRecord>>;

    /// Runs a count statement: one row `(count)`, or rows `(status, count)` when grouped.
    async fn fetch_counts(&self, statement: SqlBuilder, grouped: bool) -> Result<Vec<(i64, i64)>>;

    /// Inserts the record if absent (started) or replaces it unless the stored version is
    /// higher (closed, upsert); a newer live tombstone blocks both.
    async fn write(&self, record: &PreparedRecord, kind: WriteKind, now_micros: i64) -> Result<()>;

    /// Whether [`write`](Self::write) stays all or nothing when its caller stops polling it
    /// part-way, so it can run on the caller's task instead of a task of its own (saving a
    /// hand-off between threads per write).
    const WRITES_SURVIVE_CANCELLATION: bool;

    /// Deletes the record unless its stored version is higher and leaves a tombstone.
    async fn delete(&self, request: &DeleteRequest, now_micros: i64, expires_at: i64)
    -> Result<()>;

    /// The custom attributes registered in a namespace.
    async fn load_registrations(&self, namespace_id: &str) -> Result<Vec<AttributeDef>>;

    /// Registers attributes in one transaction after `check` accepted them against the
    /// registrations that transaction sees.
    async fn add_registrations(
        &self,
        namespace_id: &str,
        attributes: &BTreeMap<String, crate::SearchAttributeType>,
        check: &(dyn for<'a> Fn(&'a [AttributeDef]) -> Result<()> + Send + Sync),
    ) -> Result<()>;

    /// Removes registrations and their values in one transaction; `NotFound` names the first
    /// unknown attribute and changes nothing.
    async fn remove_registrations(&self, namespace_id: &str, names: &[String]) -> Result<()>;

    /// Closes the connection pool.
    async fn close(&self);
}

/// A complete SQL store: shared logic around a backend.
#[derive(Debug)]
pub(crate) struct SqlEngine<B> {
    name: String,
    options: StoreOptions,
    backend: Arc<B>,
    registry: RegistryCache,
    closed: AtomicBool,
}

fn now_micros() -> i64 {
    time::to_micros(&chrono::Utc::now())
}

/// Checks new registrations against the existing ones: names free, per-type limits kept.
fn check_additions(
    namespace_id: &str,
    existing: &[AttributeDef],
    new: &BTreeMap<String, crate::SearchAttributeType>,
    limits: &crate::attributes::SearchAttributeLimits,
) -> Result<()> {
    for def in existing {
        if new.contains_key(&def.name) {
            return Err(Error::AlreadyExists(format!(
                "search attribute {} is already registered in namespace {namespace_id}",
                def.name
            )));
        }
    }
    for ty in new.values() {
        let total = existing.iter().filter(|d| d.ty == *ty).count()
            + new.values().filter(|t| *t == ty).count();
        if total > limits.max_custom(*ty) {
            return Err(Error::invalid_argument(format!(
                "cannot register more than {} custom search attributes of type {ty} in \
                 namespace {namespace_id}",
                limits.max_custom(*ty)
            )));
        }
    }
    Ok(())
}

impl<B: SqlBackend> SqlEngine<B> {
    pub fn new(name: String, options: StoreOptions, backend: B) -> Self {
        Self {
            registry: RegistryCache::new(options.registry_ttl),
            name,
            options,
            backend: Arc::new(backend),
            closed: AtomicBool::new(false),
        }
    }

    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// Runs a call with the closed check and the call timeout.
    async fn call<T>(&self, operation: &str, fut: impl Future<Output = Result<T>>) -> Result<T> {
        if self.closed.load(Ordering::Acquire) {
            return Err(Error::Unavailable(format!(
                "store '{}' is closed",
                self.name
            )));
        }
        with_timeout(self.options.call_timeout, operation, fut).await
    }

    /// Runs a write transaction on its own task. If the caller's future is dropped (cancelled
    /// or timed out), the transaction still runs to its commit or rollback instead of being cut
    /// off mid-statement, which on some engines would leave row locks held until the server
    /// notices: the store ends up unchanged or fully written either way.
    async fn detached<T, F, Fut>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(Arc<B>) -> Fut,
        Fut: Future<Output = Result<T>> + Send + 'static,
    {
        tokio::spawn(work(Arc::clone(&self.backend)))
            .await
            .map_err(|e| Error::Internal(format!("{}: write task failed: {e}", self.name)))?
    }

    async fn load_registry(&self, namespace_id: &str) -> Result<Arc<NamespaceAttributes>> {
        let defs = self.backend.load_registrations(namespace_id).await?;
        let registry = Arc::new(NamespaceAttributes::new(defs));
        self.registry.put(namespace_id, Arc::clone(&registry));
        Ok(registry)
    }

    async fn registry(&self, namespace_id: &str) -> Result<Arc<NamespaceAttributes>> {
        match self.registry.get(namespace_id) {
            Some(r) => Ok(r),
            None => self.load_registry(namespace_id).await,
        }
    }

    /// Runs `f` with the namespace's registry; an InvalidArgument on a cached registry is
    /// retried once on a fresh one (another process may have registered an attribute).
    async fn with_registry<T>(
        &self,
        namespace_id: &str,
        f: impl Fn(&NamespaceAttributes) -> Result<T>,
    ) -> Result<(T, Arc<NamespaceAttributes>)> {
        if let Some(cached) = self.registry.get(namespace_id) {
            match f(&cached) {
                Ok(v) => return Ok((v, cached)),
                Err(e) if e.kind() != ErrorKind::InvalidArgument => return Err(e),
                Err(_) => {}
            }
        }
        let fresh = self.load_registry(namespace_id).await?;
        Ok((f(&fresh)?, fresh))
    }

    async fn write(&self, record: ExecutionRecord, kind: WriteKind) -> Result<()> {
        let limits = &self.options.search_attribute_limits;
        let ns = record.namespace_id.clone();
        let (prepared, _) = self
            .with_registry(&ns, |reg| prepare(record.clone(), kind, reg, limits))
            .await?;
        let now = now_micros();
        if B::WRITES_SURVIVE_CANCELLATION {
            return self.backend.write(&prepared, kind, now).await;
        }
        self.detached(move |b| async move { b.write(&prepared, kind, now).await })
            .await
    }

    async fn delete(&self, request: DeleteRequest) -> Result<()> {
        check_identity(&request.namespace_id, &request.workflow_id, &request.run_id)?;
        if request.version < 0 {
            return Err(Error::invalid_argument(format!(
                "write version must be >= 0, got {}",
                request.version
            )));
        }
        let now = now_micros();
        let window = i64::try_from(self.options.tombstone_window.as_micros()).unwrap_or(i64::MAX);
        let expires = now.saturating_add(window);
        self.detached(move |b| async move { b.delete(&request, now, expires).await })
            .await
    }

    async fn get(&self, request: GetRequest) -> Result<GetResponse> {
        check_identity(&request.namespace_id, &request.workflow_id, &request.run_id)?;
        let mut b = SqlBuilder::new(self.backend.dialect());
        b.push("SELECT ")
            .push(SELECT_COLUMNS)
            .push(" FROM executions e WHERE e.namespace_id = ");
        b.bind_text(&request.namespace_id).push(" AND e.run_id = ");
        b.bind_text(&request.run_id).push(" AND e.workflow_id = ");
        b.bind_text(&request.workflow_id);
        let registry = self.registry(&request.namespace_id).await?;
        let mut records = self
            .backend
            .fetch_records(b, &registry, "getting a workflow execution")
            .await?;
        records.pop().map(GetResponse::new).ok_or_else(|| {
            Error::NotFound(format!(
                "workflow execution {}/{} not found in namespace {}",
                request.workflow_id, request.run_id, request.namespace_id
            ))
        })
    }

    async fn list(&self, req: ListRequest) -> Result<ListResponse> {
        let limits = &self.options.query_limits;
        let (query, registry) = self
            .with_registry(&req.namespace_id, |reg| {
                compile(&req.query, reg, QueryPurpose::List, limits)
            })
            .await?;
        let keys = query.sort_keys();
        let fp = fingerprint(&req.namespace_id, &req.query);
        let after = match &req.next_page_token {
            Some(t) => {
                Some(PageToken::decode_for(t, &self.name, TokenKind::List, &fp, keys.len())?.after)
            }
            None => None,
        };
        if query.filter == Expr::False {
            return Ok(ListResponse::default());
        }
        let page = self.options.clamp_page_size(req.page_size);
        let b = render_list(
            self.backend.dialect(),
            &req.namespace_id,
            &query,
            after.as_deref(),
            page as i64 + 1,
        );
        let mut records = self
            .backend
            .fetch_records(b, &registry, "listing workflow executions")
            .await?;
        let mut token = None;
        if records.len() > page {
            records.truncate(page);
            if let Some(last) = records.last() {
                let after = keys
                    .iter()
                    .map(|k| sort_scalar(last, &k.key, &registry))
                    .collect();
                token = Some(PageToken::new(&self.name, TokenKind::List, fp, after).encode());
            }
        }
        Ok(ListResponse::new(records, token))
    }

    async fn scan(&self, req: ListRequest) -> Result<ListResponse> {
        let limits = &self.options.query_limits;
        let (query, registry) = self
            .with_registry(&req.namespace_id, |reg| {
                compile(&req.query, reg, QueryPurpose::Scan, limits)
            })
            .await?;
        let fp = fingerprint(&req.namespace_id, &req.query);
        let after = match &req.next_page_token {
            Some(t) => {
                let token = PageToken::decode_for(t, &self.name, TokenKind::Scan, &fp, 2)?;
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
        let page = self.options.clamp_page_size(req.page_size);
        let b = render_scan(
            self.backend.dialect(),
            &req.namespace_id,
            &query.filter,
            after.as_ref().map(|(r, w)| (r.as_str(), w.as_str())),
            page as i64 + 1,
        );
        let mut records = self
            .backend
            .fetch_records(b, &registry, "scanning workflow executions")
            .await?;
        let mut token = None;
        if records.len() > page {
            records.truncate(page);
            if let Some(last) = records.last() {
                let after = vec![
                    Some(Scalar::Str(last.run_id.clone())),
                    Some(Scalar::Str(last.workflow_id.clone())),
                ];
                token = Some(PageToken::new(&self.name, TokenKind::Scan, fp, after).encode());
            }
        }
        Ok(ListResponse::new(records, token))
    }

    async fn count(&self, req: CountRequest) -> Result<CountResponse> {
        let limits = &self.options.query_limits;
        let (query, _) = self
            .with_registry(&req.namespace_id, |reg| {
                compile(&req.query, reg, QueryPurpose::Count, limits)
            })
            .await?;
        if query.filter == Expr::False {
            return Ok(CountResponse::default());
        }
        let grouped = query.group_by.is_some();
        let b = render_count(self.backend.dialect(), &req.namespace_id, &query);
        let rows = self.backend.fetch_counts(b, grouped).await?;
        if !grouped {
            return Ok(CountResponse::new(
                rows.first().map(|r| r.0).unwrap_or(0),
                Vec::new(),
            ));
        }
        let mut total = 0;
        let mut groups = Vec::with_capacity(rows.len());
        for (code, n) in rows {
            let status = ExecutionStatus::from_code(code).ok_or_else(|| {
                Error::Internal(format!(
                    "{}: unknown status code {code} in database",
                    self.name
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
        check_identity(&req.namespace_id, "-", "-")?;
        if req.attributes.is_empty() {
            return Err(Error::invalid_argument("no search attributes to register"));
        }
        for name in req.attributes.keys() {
            check_custom_name(name)?;
        }
        let limits = self.options.search_attribute_limits.clone();
        let ns = req.namespace_id.clone();
        let new = req.attributes.clone();
        let check = move |existing: &[AttributeDef]| check_additions(&ns, existing, &new, &limits);
        let (ns, attributes) = (req.namespace_id.clone(), req.attributes.clone());
        let result = self
            .detached(move |b| async move { b.add_registrations(&ns, &attributes, &check).await })
            .await;
        self.registry.invalidate(&req.namespace_id);
        result
    }

    async fn remove_attributes(&self, req: RemoveSearchAttributesRequest) -> Result<()> {
        check_identity(&req.namespace_id, "-", "-")?;
        let (ns, names) = (req.namespace_id.clone(), req.names.clone());
        let result = self
            .detached(move |b| async move { b.remove_registrations(&ns, &names).await })
            .await;
        self.registry.invalidate(&req.namespace_id);
        result
    }
}

#[async_trait]
impl<B: SqlBackend> VisibilityManager for SqlEngine<B> {
    fn store_name(&self) -> &str {
        &self.name
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
        self.call("delete_workflow_execution", self.delete(request))
            .await
    }

    async fn get_workflow_execution(&self, request: GetRequest) -> Result<GetResponse> {
        self.call("get_workflow_execution", self.get(request)).await
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
        self.backend.close().await;
        Ok(())
    }
}

/// Implements [`VisibilityManager`] for a public store type wrapping an `SqlEngine` in its
/// field `engine`, by delegation.
macro_rules! delegate_visibility_manager {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::VisibilityManager for $store {
            fn store_name(&self) -> &str {
                self.engine.store_name()
            }
            async fn record_workflow_execution_started(
                &self,
                r: $crate::request::RecordStartedRequest,
            ) -> $crate::Result<()> {
                self.engine.record_workflow_execution_started(r).await
            }
            async fn record_workflow_execution_closed(
                &self,
                r: $crate::request::RecordClosedRequest,
            ) -> $crate::Result<()> {
                self.engine.record_workflow_execution_closed(r).await
            }
            async fn upsert_workflow_execution(
                &self,
                r: $crate::request::UpsertRequest,
            ) -> $crate::Result<()> {
                self.engine.upsert_workflow_execution(r).await
            }
            async fn delete_workflow_execution(
                &self,
                r: $crate::request::DeleteRequest,
            ) -> $crate::Result<()> {
                self.engine.delete_workflow_execution(r).await
            }
            async fn get_workflow_execution(
                &self,
                r: $crate::request::GetRequest,
            ) -> $crate::Result<$crate::request::GetResponse> {
                self.engine.get_workflow_execution(r).await
            }
            async fn list_workflow_executions(
                &self,
                r: $crate::request::ListRequest,
            ) -> $crate::Result<$crate::request::ListResponse> {
                self.engine.list_workflow_executions(r).await
            }
            async fn scan_workflow_executions(
                &self,
                r: $crate::request::ListRequest,
            ) -> $crate::Result<$crate::request::ListResponse> {
                self.engine.scan_workflow_executions(r).await
            }
            async fn count_workflow_executions(
                &self,
                r: $crate::request::CountRequest,
            ) -> $crate::Result<$crate::request::CountResponse> {
                self.engine.count_workflow_executions(r).await
            }
            async fn add_search_attributes(
                &self,
                r: $crate::request::AddSearchAttributesRequest,
            ) -> $crate::Result<()> {
                self.engine.add_search_attributes(r).await
            }
            async fn list_search_attributes(
                &self,
                r: $crate::request::ListSearchAttributesRequest,
            ) -> $crate::Result<$crate::request::ListSearchAttributesResponse> {
                self.engine.list_search_attributes(r).await
            }
            async fn remove_search_attributes(
                &self,
                r: $crate::request::RemoveSearchAttributesRequest,
            ) -> $crate::Result<()> {
                self.engine.remove_search_attributes(r).await
            }
            async fn close(&self) -> $crate::Result<()> {
                self.engine.close().await
            }
        }
    };
}
pub(crate) use delegate_visibility_manager;
