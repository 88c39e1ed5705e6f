//! Executemany of INSERT ... RETURNING as SQLAlchemy's "insertmanyvalues": multi-row statements of
//! at most a page of rows each (`insertmanyvalues_page_size`), every page announced to the
//! statement hook (echo, cursor events) as SQLAlchemy announces it, and all pages' rows gathered.
//! The Python crossings grow with pages, never with rows.

use std::sync::atomic::Ordering;

use ferro_engine::batch::InsertBatch;
use ferro_engine::{EngineError, Outcome, Rows};
use ferro_sql::{Compiled, Dialect, SqlType, Value};
use pyo3::prelude::*;

use super::{before_execute, Batch, Connection};
use crate::errors::driver_error_multi;

/// SQLAlchemy's default `insertmanyvalues_page_size`.
pub const DEFAULT_PAGE_SIZE: usize = 1000;

impl Connection {
    /// The page size in effect: `page_size` (an execution option) or the connection's.
    pub fn page_size(&self, page_size: Option<usize>) -> usize {
        page_size
            .unwrap_or_else(|| self.page_size.load(Ordering::Relaxed))
            .max(1)
    }

    /// Runs `compiled` (an INSERT with RETURNING) for every row of `rows` as multi-row
    /// statements of at most `page_size` rows, and returns every statement's rows in order. A
    /// statement the batcher cannot repeat (ON CONFLICT, a placeholder in RETURNING) runs once
    /// per row, as SQLAlchemy's "downgraded" batches do. `log` hears each statement as it goes
    /// out, with that statement's parameters flattened, as SQLAlchemy's cursor events do.
    pub fn run_returning_pages(
        &self,
        py: Python<'_>,
        compiled: &Compiled,
        rows: &[Vec<Value>],
        page_size: usize,
        log: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Outcome> {
        let width = rows.first().map_or(0, Vec::len);
        let batch = rows
            .iter()
            .all(|r| r.len() == width)
            .then(|| {
                InsertBatch::parse_returning(
                    &compiled.sql,
                    width,
                    self.dialect == Dialect::Postgresql,
                )
            })
            .flatten();
        let per = batch.as_ref().map_or(1, |b| b.page_rows(page_size));
        let full = batch.as_ref().map(|b| b.sql(per));
        let types: Vec<SqlType> = compiled.columns.iter().map(|c| c.ty.clone()).collect();
        let mut gathered: Option<Rows> = None;
        let mut rowcount = 0i64;
        for page in rows.chunks(per) {
            let sql = match (&batch, &full) {
                (Some(_), Some(full)) if page.len() == per => full.clone(),
                (Some(b), _) => b.sql(page.len()),
                (None, _) => compiled.sql.clone(),
            };
            let flat: Vec<Value> = page.iter().flatten().cloned().collect();
            // The hook and an error see the page as SQLAlchemy shows a batch: one flat tuple.
            let as_batch = || Batch::One(flat.clone());
            let hook = match log {
                Some(log) => {
                    let params = as_batch().driver_params(py)?.0;
                    before_execute(log, &sql, params, rows.len() > 1)?
                }
                None => None,
            };
            let out = self
                .run_sql(py, &sql, &flat, &types)
                .map_err(|e| page_error(py, e, &sql, &as_batch()))?;
            if let Some(hook) = hook {
                hook.call0()?;
            }
            rowcount += out.rowcount.max(0);
            if let Some(r) = out.rows {
                match gathered.as_mut() {
                    Some(g) => g.values.extend(r.values),
                    None => gathered = Some(r),
                }
            }
        }
        Ok(Outcome {
            rows: gathered,
            rowcount,
            ..Default::default()
        })
    }

    /// The generated integer keys of a flush's INSERT ... RETURNING <primary key>, one per row
    /// of `rows` in order. Like SQLAlchemy's "implicit sentinel" for an autoincrementing integer
    /// primary key, each page's keys are sorted: the database numbers the rows of one statement
    /// in the order of its VALUES list.
    pub fn run_returning_keys(
        &self,
        py: Python<'_>,
        compiled: &Compiled,
        rows: &[Vec<Value>],
        log: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<i64>> {
        let page_size = self.page_size(None);
        let mut ids = Vec::with_capacity(rows.len());
        for page in rows.chunks(page_size) {
            let out = self.run_returning_pages(py, compiled, page, page_size, log)?;
            let mut keys: Vec<i64> = out
                .rows
                .map(|r| {
                    let width = r.width().max(1);
                    r.values
                        .into_iter()
                        .step_by(width)
                        .filter_map(|v| match v {
                            Value::Int(i) => Some(i),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default();
            if keys.len() != page.len() {
                return Err(crate::errors::exc(
                    py,
                    "InvalidRequestError",
                    format!(
                        "Sentinel-keyed result set did not produce correct number of rows {}; produced {}.",
                        page.len(),
                        keys.len()
                    ),
                ));
            }
            keys.sort_unstable();
            ids.extend(keys);
        }
        Ok(ids)
    }

    /// One statement with its parameters, the GIL released.
    fn run_sql(
        &self,
        py: Python<'_>,
        sql: &str,
        params: &[Value],
        types: &[SqlType],
    ) -> Result<Outcome, Option<EngineError>> {
        py.detach(|| {
            let guard = self.lock();
            let Some(checkout) = guard.as_ref() else {
                return Err(None);
            };
            let mut conn = checkout.conn();
            conn.execute(sql, params, types, true).map_err(Some)
        })
    }
}

/// The error of a failed page: its statement and flattened parameters, as SQLAlchemy reports a
/// failed insertmanyvalues batch.
fn page_error(py: Python<'_>, e: Option<EngineError>, sql: &str, flat: &Batch) -> PyErr {
    let Some(e) = e else {
        return Connection::closed_error(py);
    };
    match flat.driver_params(py) {
        Ok((p, _)) => driver_error_multi(py, &e, Some(sql), Some(p), false),
        Err(err) => err,
    }
}
