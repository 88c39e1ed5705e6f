//! Engine and Connection: one `execute()` is one call into Rust that compiles (or hits the cache),
//! binds, runs with the GIL released, and builds every Python object of the result in one loop.

mod aio;
#[cfg(feature = "pyo3-async-runtimes-bridge")]
mod aio_bridge;
mod insertmanyvalues;
mod params;
pub mod result;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ferro_engine::mysql::{MySqlBackend, MySqlOptions};
use ferro_engine::pool::Factory;
use ferro_engine::postgres::{PgBackend, PgOptions};
use ferro_engine::runtime::Rt;
use ferro_engine::sqlite::{SqliteBackend, SqliteOptions};
use ferro_engine::{
    Backend, Checkout, EngineError, Outcome, Pool, PoolKind, PoolOptions, ResetOnReturn,
};
use ferro_sql::{Compiled, Dialect, SqlType, StatementCache, Value};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::errors::{driver_error, driver_error_multi, exc};
use crate::orm::loading::{hydrate, LoadPlan};
use crate::orm::IdentityMap;
use crate::processors::{ColumnValues, RunDialect};
use crate::sql::PyStmt;
pub use params::{build_execution, param_keys};
use result::{keys_new, CursorResult, Stream};

#[pyclass(frozen, module = "ferroalchemy._core")]
pub struct Engine {
    pub pool: Arc<Pool>,
    pub dialect: Dialect,
    pub cache: Arc<StatementCache>,
    /// The Python dialect object type processors are given (`engine.dialect`).
    pub py_dialect: Py<PyAny>,
}

impl Engine {
    /// The Connection of a pooled checkout.
    fn connection(&self, py: Python<'_>, checkout: Checkout) -> Connection {
        Connection {
            checkout: Mutex::new(Some(checkout)),
            cursors: Mutex::new(Vec::new()),
            dialect: self.dialect,
            cache: self.cache.clone(),
            py_dialect: self.py_dialect.clone_ref(py),
            page_size: AtomicUsize::new(insertmanyvalues::DEFAULT_PAGE_SIZE),
        }
    }
}

/// A server engine's URL, as the Python layer rendered it (password included).
fn server_url(py: Python<'_>, url: Option<&str>) -> PyResult<ferro_engine::Url> {
    ferro_engine::Url::parse(url.unwrap_or_default()).map_err(|e| driver_error(py, &e, None, None))
}

#[pymethods]
impl Engine {
    /// Opens nothing yet: connections are made by the pool on first checkout.
    #[new]
    #[pyo3(signature = (dialect, database=String::new(), url=None, uri=false, timeout=5.0, pool_kind="queue", pool_size=5, max_overflow=10, pool_timeout=30.0, pool_recycle=None, pool_pre_ping=false, reset_on_return="rollback", cache_size=500, py_dialect=None, aio=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        dialect: &str,
        database: String,
        url: Option<String>,
        uri: bool,
        timeout: f64,
        pool_kind: &str,
        pool_size: usize,
        max_overflow: i64,
        pool_timeout: f64,
        pool_recycle: Option<f64>,
        pool_pre_ping: bool,
        reset_on_return: &str,
        cache_size: usize,
        py_dialect: Option<Py<PyAny>>,
        aio: bool,
    ) -> PyResult<Self> {
        // An async engine's server connections live on the aio runtime, where awaited statements run.
        let rt = if aio { Rt::Aio } else { Rt::Blocking };
        let d = crate::sql::parse_dialect(dialect)?;
        let kind = match pool_kind {
            "queue" => PoolKind::Queue,
            "static" => PoolKind::Static,
            "singleton" => PoolKind::SingletonThread,
            "null" => PoolKind::Null,
            other => {
                return Err(exc(
                    py,
                    "ArgumentError",
                    format!("unknown pool kind {other}"),
                ))
            }
        };
        let reset_on_return = match reset_on_return {
            "rollback" => ResetOnReturn::Rollback,
            "commit" => ResetOnReturn::Commit,
            "none" => ResetOnReturn::Nothing,
            other => {
                return Err(exc(
                    py,
                    "ArgumentError",
                    format!("Invalid value for 'reset_on_return': {other:?}"),
                ))
            }
        };
        let factory: Factory = match d {
            Dialect::Sqlite => {
                let opts = SqliteOptions {
                    path: database,
                    uri,
                    timeout,
                };
                Box::new(move || {
                    SqliteBackend::open(&opts).map(|b| Box::new(b) as Box<dyn Backend>)
                })
            }
            Dialect::Postgresql => {
                let mut opts = server_url(py, url.as_deref()).and_then(|u| {
                    PgOptions::from_url(&u).map_err(|e| driver_error(py, &e, None, None))
                })?;
                opts.rt = rt;
                Box::new(move || PgBackend::connect(&opts).map(|b| Box::new(b) as Box<dyn Backend>))
            }
            Dialect::Mysql => {
                let mut opts = server_url(py, url.as_deref()).and_then(|u| {
                    MySqlOptions::from_url(&u).map_err(|e| driver_error(py, &e, None, None))
                })?;
                opts.rt = rt;
                Box::new(move || {
                    MySqlBackend::connect(&opts).map(|b| Box::new(b) as Box<dyn Backend>)
                })
            }
            Dialect::Default => {
                return Err(exc(
                    py,
                    "ArgumentError",
                    "an engine needs a database dialect".to_string(),
                ))
            }
        };
        let pool = Pool::new(
            PoolOptions {
                kind,
                size: pool_size,
                max_overflow,
                timeout: Duration::from_secs_f64(pool_timeout.max(0.0)),
                recycle: pool_recycle
                    .filter(|r| *r >= 0.0)
                    .map(Duration::from_secs_f64),
                pre_ping: pool_pre_ping,
                reset_on_return,
            },
            factory,
        );
        Ok(Engine {
            pool,
            dialect: d,
            cache: Arc::new(StatementCache::new(cache_size)),
            py_dialect: py_dialect.unwrap_or_else(|| py.None()),
        })
    }

    fn connect(&self, py: Python<'_>) -> PyResult<Connection> {
        let pool = self.pool.clone();
        let checkout = py
            .detach(|| pool.checkout())
            .map_err(|e| driver_error(py, &e, None, None))?;
        Ok(self.connection(py, checkout))
    }

    /// `connect()` of an idle pooled connection when that needs no I/O, else None (an event
    /// loop's thread then checks out on a worker).
    fn connect_idle(&self, py: Python<'_>) -> Option<Connection> {
        let checkout = self.pool.checkout_idle()?;
        Some(self.connection(py, checkout))
    }

    fn dispose(&self) {
        self.pool.dispose();
    }

    /// Marks every connection open now stale (replaced at its next checkout).
    fn pool_invalidate(&self) {
        self.pool.invalidate_all();
    }

    #[getter]
    fn dialect(&self) -> &'static str {
        self.dialect.name()
    }

    fn pool_size(&self) -> usize {
        self.pool.size()
    }

    fn pool_checkedout(&self) -> usize {
        self.pool.checked_out()
    }

    fn pool_checkedin(&self) -> usize {
        self.pool.checked_in()
    }

    fn pool_overflow(&self) -> i64 {
        self.pool.overflow()
    }

    fn pool_idle_ids(&self) -> Vec<u64> {
        self.pool.idle_ids()
    }

    fn cache_len(&self) -> usize {
        self.cache.len()
    }

    fn clear_cache(&self) {
        self.cache.clear();
    }

    /// The SQL `stmt` executes as, found through the statement cache the way `execute()` finds it
    /// (compiled on a miss): what the compile benchmark measures, and a way to inspect the cache.
    #[pyo3(signature = (stmt, keys=Vec::new()))]
    fn cached_sql(
        &self,
        py: Python<'_>,
        stmt: &Bound<'_, PyStmt>,
        keys: Vec<String>,
    ) -> PyResult<String> {
        self.cache
            .get_or_compile(&stmt.get().0, self.dialect, &keys)
            .map(|c| c.sql.clone())
            .map_err(|e| crate::errors::compile_error(py, &e))
    }
}

#[pyclass(frozen, module = "ferroalchemy._core")]
pub struct Connection {
    checkout: Mutex<Option<Checkout>>,
    /// The cursors of this Connection's open streamed results, closed with it (a shared pool's
    /// slot outlives the Connection, so the pool cannot tell whose cursors are whose).
    pub cursors: Mutex<Vec<ferro_engine::CursorId>>,
    pub dialect: Dialect,
    pub cache: Arc<StatementCache>,
    pub py_dialect: Py<PyAny>,
    /// Rows per statement of an executemany with RETURNING (`insertmanyvalues_page_size`).
    page_size: AtomicUsize,
}

/// What one statement sends: one parameter row, or many for executemany.
pub enum Batch {
    One(Vec<Value>),
    Many(Vec<Vec<Value>>),
}

impl Batch {
    /// The parameters as SQLAlchemy hands them to cursor events, echo and errors: a tuple, or a
    /// list of tuples with `executemany` true when several sets go out.
    pub fn driver_params<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, bool)> {
        let row = |r: &[Value]| -> PyResult<Bound<'py, PyAny>> {
            let items: PyResult<Vec<Py<PyAny>>> = r
                .iter()
                .map(|v| crate::convert::value_to_py(py, v))
                .collect();
            Ok(PyTuple::new(py, items?)?.into_any())
        };
        match self {
            Batch::One(r) => Ok((row(r)?, false)),
            Batch::Many(rows) if rows.len() == 1 => Ok((row(&rows[0])?, false)),
            Batch::Many(rows) => {
                let sets = rows.iter().map(|r| row(r)).collect::<PyResult<Vec<_>>>()?;
                Ok((PyList::new(py, sets)?.into_any(), true))
            }
        }
    }
}

impl Connection {
    fn lock(&self) -> MutexGuard<'_, Option<Checkout>> {
        self.checkout.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn open_cursors(&self) -> MutexGuard<'_, Vec<ferro_engine::CursorId>> {
        self.cursors.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn closed_error(py: Python<'_>) -> PyErr {
        exc(py, "ResourceClosedError", "This Connection is closed")
    }

    /// Runs a compiled statement with the GIL released.
    pub fn run(
        &self,
        py: Python<'_>,
        compiled: &Compiled,
        batch: &Batch,
    ) -> Result<Outcome, Option<EngineError>> {
        self.run_with(py, compiled, batch, false)
    }

    /// `run` of an INSERT whose every row's generated key is wanted (`Outcome::insert_ids` holds
    /// one per row).
    pub fn run_keyed(
        &self,
        py: Python<'_>,
        compiled: &Compiled,
        batch: &Batch,
    ) -> Result<Outcome, Option<EngineError>> {
        self.run_with(py, compiled, batch, true)
    }

    /// A flush's UPDATE for many rows (`Backend::update_many`): returns the rows matched.
    pub fn run_update_many(
        &self,
        py: Python<'_>,
        compiled: &Compiled,
        table: &str,
        columns: &[(String, bool)],
        rows: &[Vec<Value>],
    ) -> Result<i64, Option<EngineError>> {
        py.detach(|| {
            let guard = self.lock();
            let Some(checkout) = guard.as_ref() else {
                return Err(None);
            };
            let mut conn = checkout.conn();
            conn.update_many(&compiled.sql, table, columns, rows)
                .map_err(Some)
        })
    }

    fn run_with(
        &self,
        py: Python<'_>,
        compiled: &Compiled,
        batch: &Batch,
        keyed: bool,
    ) -> Result<Outcome, Option<EngineError>> {
        py.detach(|| self.run_io(compiled, batch, keyed))
    }

    /// The I/O of one statement, without the GIL: on the calling thread for `execute()`, on an
    /// I/O worker for `execute_submit()` (an awaited statement).
    pub fn run_io(
        &self,
        compiled: &Compiled,
        batch: &Batch,
        keyed: bool,
    ) -> Result<Outcome, Option<EngineError>> {
        let types: Vec<SqlType> = compiled.columns.iter().map(|c| c.ty.clone()).collect();
        let guard = self.lock();
        let Some(checkout) = guard.as_ref() else {
            return Err(None);
        };
        let mut conn = checkout.conn();
        match batch {
            Batch::One(p) => conn
                .execute(&compiled.sql, p, &types, compiled.is_dml)
                .map_err(Some),
            Batch::Many(rows) => if keyed {
                conn.execute_many_keyed(&compiled.sql, rows)
            } else {
                conn.execute_many(&compiled.sql, rows, compiled.is_dml)
            }
            .map(|(n, ids)| Outcome {
                rows: None,
                rowcount: n,
                last_insert_id: ids.last().copied(),
                insert_ids: ids,
            })
            .map_err(Some),
        }
    }

    /// The error of a failed `run`; like SQLAlchemy's, it carries the parameters as the driver got
    /// them: a tuple, or a list of tuples when several sets went out (executemany).
    pub fn raise_run_error(
        py: Python<'_>,
        e: Option<EngineError>,
        compiled: &Compiled,
        batch: &Batch,
    ) -> PyErr {
        let Some(e) = e else {
            return Self::closed_error(py);
        };
        match batch.driver_params(py) {
            Ok((p, multi)) => driver_error_multi(py, &e, Some(&compiled.sql), Some(p), multi),
            Err(err) => err,
        }
    }

    /// The statement compiled (or found in the cache) and its parameters bound: what `execute()`
    /// and `execute_submit()` do before the I/O.
    fn prepare(
        &self,
        py: Python<'_>,
        stmt: &Bound<'_, PyStmt>,
        params: Option<&Bound<'_, PyAny>>,
        defaults: &[(String, Py<PyAny>)],
    ) -> PyResult<(Arc<Compiled>, Batch)> {
        let stmt = &stmt.get().0;
        let keys = param_keys(stmt, params, defaults)?;
        let compiled = self.compiled_for(py, stmt, &keys)?;
        let rd = RunDialect {
            d: self.dialect,
            py_dialect: self.py_dialect.bind(py),
        };
        build_execution(py, rd, stmt, compiled, params, defaults)
    }

    pub fn compiled_for(
        &self,
        py: Python<'_>,
        stmt: &ferro_sql::Statement,
        keys: &[String],
    ) -> PyResult<Arc<Compiled>> {
        self.cache
            .get_or_compile(stmt, self.dialect, keys)
            .map_err(|e| crate::errors::compile_error(py, &e))
    }
}

#[pymethods]
impl Connection {
    /// Executes a statement. `params` is a dict, a list of dicts (executemany) or None. With
    /// `plan`, rows become ORM objects through the identity map.
    /// An executemany of INSERT ... RETURNING goes out in pages of `page_size` rows
    /// (`insertmanyvalues_page_size`; the connection's when None).
    ///
    /// `stream` = (first, max, growth) reads the rows through a cursor as they are fetched:
    /// `first` rows now, then chunks growing by `growth` up to `max` (fixed when `growth` is 0).
    #[pyo3(signature = (stmt, params=None, plan=None, identity_map=None, log=None, defaults=Vec::new(), populate_existing=false, page_size=None, stream=None))]
    #[allow(clippy::too_many_arguments)]
    fn execute(
        slf: &Bound<'_, Self>,
        py: Python<'_>,
        stmt: &Bound<'_, PyStmt>,
        params: Option<&Bound<'_, PyAny>>,
        plan: Option<&Bound<'_, LoadPlan>>,
        identity_map: Option<&Bound<'_, IdentityMap>>,
        log: Option<&Bound<'_, PyAny>>,
        defaults: Vec<(String, Py<PyAny>)>,
        populate_existing: bool,
        page_size: Option<usize>,
        stream: Option<(usize, usize, usize)>,
    ) -> PyResult<CursorResult> {
        let this = slf.get();
        let (compiled, batch) = this.prepare(py, stmt, params, &defaults)?;
        if let (Some((first, max, growth)), Batch::One(p)) = (stream, &batch) {
            if !compiled.is_dml {
                let after = match log {
                    Some(log) => {
                        let (driver_params, many) = batch.driver_params(py)?;
                        before_execute(log, &compiled.sql, driver_params, many)?
                    }
                    None => None,
                };
                let types: Vec<SqlType> = compiled.columns.iter().map(|c| c.ty.clone()).collect();
                let first = first.max(1);
                let opened = py.detach(|| {
                    let guard = this.lock();
                    let Some(checkout) = guard.as_ref() else {
                        return Err(None);
                    };
                    let mut conn = checkout.conn();
                    conn.open_cursor(&compiled.sql, p, &types, first)
                        .map(|(id, rows)| (checkout.slot.clone(), id, rows))
                        .map_err(Some)
                });
                let (slot, id, rows) =
                    opened.map_err(|e| Self::raise_run_error(py, e, &compiled, &batch))?;
                this.open_cursors().push(id);
                if let Some(after) = after {
                    after.call0()?;
                }
                let keys = match plan {
                    Some(plan) => plan.get().keys.clone(),
                    // A textual SELECT's columns are known once it ran.
                    None if compiled.columns.len() != rows.width() => {
                        keys_new(py, rows.columns.clone())?
                    }
                    None => keys_new(
                        py,
                        compiled.columns.iter().map(|c| c.name.clone()).collect(),
                    )?,
                };
                let stream = Stream {
                    conn: slf.clone().unbind(),
                    slot,
                    id,
                    bufsize: first,
                    max: max.max(1),
                    growth,
                    types,
                    plan: plan.map(|p| p.clone().unbind()),
                    identity_map: identity_map.map(|m| m.clone().unbind()),
                    populate_existing,
                };
                return CursorResult::streamed(py, stream, &rows, keys);
            }
        }
        let outcome = match &batch {
            Batch::Many(rows) if compiled.is_insert && compiled.returns_rows && rows.len() > 1 => {
                let page_size = this.page_size(page_size);
                this.run_returning_pages(py, &compiled, rows, page_size, log)?
            }
            _ => {
                let after = match log {
                    Some(log) => {
                        let (driver_params, many) = batch.driver_params(py)?;
                        before_execute(log, &compiled.sql, driver_params, many)?
                    }
                    None => None,
                };
                let outcome = this
                    .run(py, &compiled, &batch)
                    .map_err(|e| Self::raise_run_error(py, e, &compiled, &batch))?;
                if let Some(after) = after {
                    after.call0()?;
                }
                outcome
            }
        };
        this.result(
            py,
            &compiled,
            outcome,
            plan,
            identity_map,
            populate_existing,
        )
    }

    /// The SQL a statement compiles to on this connection's dialect, from the cache.
    #[pyo3(signature = (stmt, params=None))]
    fn compiled_sql(
        &self,
        py: Python<'_>,
        stmt: &Bound<'_, PyStmt>,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let stmt = &stmt.get().0;
        let keys = param_keys(stmt, params, &[])?;
        Ok(self.compiled_for(py, stmt, &keys)?.sql.clone())
    }

    /// Runs SQL text as the driver takes it (`exec_driver_sql`): no compiling; `batch` is one
    /// positional tuple or, for executemany, a list of them (the Python layer checks the shape).
    #[pyo3(signature = (sql, batch=None))]
    fn exec_driver_sql(
        &self,
        py: Python<'_>,
        sql: String,
        batch: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<CursorResult> {
        let to_values = |t: &Bound<'_, PyAny>| -> PyResult<Vec<Value>> {
            let mut values = Vec::new();
            for item in t.cast::<PyTuple>()?.iter() {
                values.push(crate::convert::py_to_value(&item, &SqlType::Null).map_err(
                    |e| match e {
                        crate::convert::BindError::Py(e)
                        | crate::convert::BindError::Processor(e) => e,
                        crate::convert::BindError::Driver(d) => {
                            driver_error(py, &d, Some(&sql), None)
                        }
                    },
                )?);
            }
            Ok(values)
        };
        let batch = match batch {
            None => Batch::One(Vec::new()),
            Some(b) => match b.cast::<PyList>() {
                Ok(l) => Batch::Many(l.iter().map(|t| to_values(&t)).collect::<PyResult<_>>()?),
                Err(_) => Batch::One(to_values(b)?),
            },
        };
        let compiled = Compiled {
            sql: sql.clone(),
            is_dml: ferro_sql::text::starts_dml(&ferro_sql::text::TextClause::new(
                &sql,
                Default::default(),
                Vec::new(),
            )),
            ..Default::default()
        };
        let outcome = self
            .run(py, &compiled, &batch)
            .map_err(|e| Self::raise_run_error(py, e, &compiled, &batch))?;
        match outcome.rows {
            None => Ok(CursorResult::without_rows(
                outcome.rowcount,
                outcome.last_insert_id,
            )),
            Some(rows) => {
                let keys = keys_new(py, rows.columns.clone())?;
                Ok(CursorResult::with_values(
                    rows,
                    Vec::new(),
                    keys,
                    outcome.rowcount,
                    outcome.last_insert_id,
                ))
            }
        }
    }

    fn commit(&self, py: Python<'_>) -> PyResult<()> {
        self.txn(py, true)
    }

    fn rollback(&self, py: Python<'_>) -> PyResult<()> {
        self.txn(py, false)
    }

    fn in_transaction(&self) -> bool {
        self.lock()
            .as_ref()
            .is_some_and(|c| c.conn().in_transaction())
    }

    /// isolation_level="AUTOCOMMIT" on (or off again) for this physical connection.
    fn set_autocommit(&self, py: Python<'_>, on: bool) -> PyResult<()> {
        let r = py.detach(|| match self.lock().as_ref() {
            Some(checkout) => checkout.conn().set_autocommit(on),
            None => Ok(()),
        });
        r.map_err(|e| driver_error(py, &e, None, None))
    }

    /// Returns the connection to the pool (which rolls back what was not committed).
    fn close(&self, py: Python<'_>) {
        let taken = self.lock().take();
        let cursors = std::mem::take(&mut *self.open_cursors());
        py.detach(move || {
            if let Some(checkout) = &taken {
                let mut conn = checkout.conn();
                for id in cursors {
                    conn.close_cursor(id);
                }
            }
            drop(taken)
        });
    }

    #[getter]
    fn closed(&self) -> bool {
        self.lock().is_none()
    }

    /// The physical connection's id (stable across checkouts of the same pooled connection).
    #[getter]
    fn slot_id(&self) -> Option<u64> {
        self.lock().as_ref().map(|c| c.slot.id)
    }

    /// Rows per statement of an executemany with RETURNING, flushes included
    /// (`insertmanyvalues_page_size`).
    fn set_page_size(&self, page_size: usize) {
        self.page_size.store(page_size.max(1), Ordering::Relaxed);
    }

    /// True once for a connection the pool has just opened (the "connect" event).
    fn take_fresh(&self) -> bool {
        self.lock().as_ref().is_some_and(|c| c.take_fresh())
    }

    /// Discards the underlying connection instead of returning it to the pool.
    fn invalidate(&self, py: Python<'_>) {
        if let Some(c) = self.lock().as_ref() {
            c.invalidate();
        }
        self.close(py);
    }

    #[getter]
    fn dialect(&self) -> &'static str {
        self.dialect.name()
    }
}

impl Connection {
    /// The CursorResult of a statement that ran: ORM objects through `plan` and the identity map,
    /// or rows through the type processors.
    pub fn result(
        &self,
        py: Python<'_>,
        compiled: &Compiled,
        outcome: Outcome,
        plan: Option<&Bound<'_, LoadPlan>>,
        identity_map: Option<&Bound<'_, IdentityMap>>,
        populate_existing: bool,
    ) -> PyResult<CursorResult> {
        let Some(rows) = outcome.rows else {
            return Ok(CursorResult::without_rows(
                outcome.rowcount,
                outcome.last_insert_id,
            ));
        };
        let types: Vec<SqlType> = compiled.columns.iter().map(|c| c.ty.clone()).collect();
        let processed = ColumnValues::new(py, &rows, &types, self.py_dialect.bind(py))?;
        match plan {
            Some(plan) => {
                let plan = plan.get();
                Ok(CursorResult::with_rows(
                    hydrate(py, plan, &rows, &processed, identity_map, populate_existing)?,
                    plan.keys.clone(),
                    outcome.rowcount,
                    outcome.last_insert_id,
                ))
            }
            None if !processed.is_empty() => Ok(CursorResult::with_rows(
                crate::processors::tuples(py, &rows, &processed)?,
                keys_new(
                    py,
                    compiled.columns.iter().map(|c| c.name.clone()).collect(),
                )?,
                outcome.rowcount,
                outcome.last_insert_id,
            )),
            None => {
                let (names, types) = if compiled.columns.len() == rows.width() {
                    compiled
                        .columns
                        .iter()
                        .map(|c| (c.name.clone(), c.ty.clone()))
                        .unzip()
                } else {
                    (rows.columns.clone(), Vec::new())
                };
                let keys = keys_new(py, names)?;
                Ok(CursorResult::with_values(
                    rows,
                    types,
                    keys,
                    outcome.rowcount,
                    outcome.last_insert_id,
                ))
            }
        }
    }
}

impl Connection {
    fn txn(&self, py: Python<'_>, commit: bool) -> PyResult<()> {
        let r = py.detach(|| {
            let guard = self.lock();
            let Some(checkout) = guard.as_ref() else {
                return Ok(());
            };
            let mut conn = checkout.conn();
            if commit {
                conn.commit()
            } else {
                conn.rollback()
            }
        });
        r.map_err(|e| driver_error(py, &e, None, None))
    }
}

/// A streamed chunk's decoded rows as the tuples a result hands out: ORM objects through the plan
/// and identity map, or column values through the type processors.
pub fn rows_to_tuples(
    py: Python<'_>,
    conn: &Connection,
    rows: &ferro_engine::Rows,
    types: &[SqlType],
    plan: Option<&Bound<'_, LoadPlan>>,
    identity_map: Option<&Bound<'_, IdentityMap>>,
    populate_existing: bool,
) -> PyResult<Vec<Py<PyTuple>>> {
    let processed = ColumnValues::new(py, rows, types, conn.py_dialect.bind(py))?;
    match plan {
        Some(plan) => hydrate(
            py,
            plan.get(),
            rows,
            &processed,
            identity_map,
            populate_existing,
        ),
        None if !processed.is_empty() => crate::processors::tuples(py, rows, &processed),
        None => result::plain_tuples(py, rows),
    }
}

/// Parses a database URL: (drivername, username, password, host, port, database, query pairs).
#[pyfunction]
#[allow(clippy::type_complexity)]
fn parse_url(
    py: Python<'_>,
    url: &str,
) -> PyResult<(
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<u16>,
    Option<String>,
    Vec<(String, String)>,
)> {
    let u = ferro_engine::Url::parse(url).map_err(|e| exc(py, "ArgumentError", e.message))?;
    Ok((
        u.drivername,
        u.username,
        u.password,
        u.host,
        u.port,
        u.database,
        u.query,
    ))
}

/// Calls the Python hook that runs before a statement (echo, before_cursor_execute); what it returns,
/// if anything, is called after the statement ran (after_cursor_execute).
pub fn before_execute<'py>(
    log: &Bound<'py, PyAny>,
    sql: &str,
    params: impl IntoPyObject<'py>,
    executemany: bool,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let after = log.call1((sql, params, executemany))?;
    Ok((!after.is_none()).then_some(after))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(parse_url, m)?)?;
    m.add_class::<Engine>()?;
    m.add_class::<Connection>()?;
    result::register(m)?;
    aio::register(m)?;
    #[cfg(feature = "pyo3-async-runtimes-bridge")]
    aio_bridge::register(m)?;
    Ok(())
}
