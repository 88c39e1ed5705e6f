//! `eager_defaults=True`: the flush reads back what the database generated for a row (server
//! defaults, SQL-expression defaults, identities, `server_onupdate` columns) with RETURNING, so
//! the attributes are loaded when the flush ends, as SQLAlchemy's eager defaults are.

use ferro_engine::Rows;
use ferro_sql::{Compiled, Dialect, SqlType, Value};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::spec::MapperSpec;
use crate::engine::{Batch, Connection};
use crate::errors::exc;
use crate::processors::ColumnValues;

/// The returned rows of a group's statements and, per member object in order, its row.
pub struct Fetched {
    pub rows: Rows,
    pub order: Vec<usize>,
}

/// Whether the database returns the rows of an INSERT or UPDATE (MySQL's flush reads them back
/// with a SELECT instead, in Python).
pub fn returns_rows(dialect: Dialect) -> bool {
    dialect != Dialect::Mysql
}

/// Runs a flush INSERT ... RETURNING <primary key, fetched columns> for `rows`, one per member
/// object. Where the database generates the key, the rows must be told apart by it: PostgreSQL
/// numbers an integer key in VALUES order, so each page's rows are sorted by it (SQLAlchemy's
/// sentinel); other generated keys insert one row per statement, as SQLAlchemy's downgraded
/// batches do. Keys the objects hold match each row to its object.
#[allow(clippy::too_many_arguments)]
pub fn run_insert(
    py: Python<'_>,
    conn: &Connection,
    s: &MapperSpec,
    compiled: &Compiled,
    rows: Vec<Vec<Value>>,
    dicts: &[&Bound<'_, PyDict>],
    needs_ids: bool,
    log: Option<&Bound<'_, PyAny>>,
) -> PyResult<Fetched> {
    let int_key = matches!(&s.pk[..], [pi] if s.cols[*pi].ty.is_integer())
        && conn.dialect == Dialect::Postgresql;
    if needs_ids && !int_key {
        let mut gathered: Option<Rows> = None;
        for row in rows {
            let out = super::flush::run_logged(py, conn, compiled, &Batch::One(row), log, false)?;
            gather(&mut gathered, out.rows);
        }
        let rows = gathered.unwrap_or_default();
        if rows.len() != dicts.len() {
            return Err(exc(
                py,
                "InvalidRequestError",
                format!(
                    "INSERT..RETURNING produced {} rows for {} objects.",
                    rows.len(),
                    dicts.len()
                ),
            ));
        }
        let order = (0..rows.len()).collect();
        return Ok(Fetched { rows, order });
    }
    let page_size = conn.page_size(None);
    let mut gathered: Option<Rows> = None;
    let mut order = Vec::with_capacity(rows.len());
    for page in rows.chunks(page_size) {
        let out = conn.run_returning_pages(py, compiled, page, page_size, log)?;
        let start = gathered.as_ref().map_or(0, Rows::len);
        let got = out.rows.unwrap_or_default();
        if got.len() != page.len() {
            return Err(exc(
                py,
                "InvalidRequestError",
                format!(
                    "Sentinel-keyed result set did not produce correct number of rows {}; produced {}.",
                    page.len(),
                    got.len()
                ),
            ));
        }
        let mut page_order: Vec<usize> = (start..start + got.len()).collect();
        gather(&mut gathered, Some(got));
        let all = gathered.as_ref().map_or(&[][..], |r| &r.values[..]);
        let width = compiled.columns.len().max(1);
        if needs_ids {
            let key = |r: &usize| match all.get(r * width) {
                Some(Value::Int(i)) => *i,
                _ => i64::MAX,
            };
            page_order.sort_by_key(key);
        }
        order.extend(page_order);
    }
    let rows = gathered.unwrap_or_default();
    if !needs_ids {
        order = match_by_key(py, conn, s, compiled, &rows, dicts)?;
    }
    Ok(Fetched { rows, order })
}

/// Runs a flush UPDATE ... RETURNING <fetched columns> once per row, as SQLAlchemy does, and
/// writes each returned row into its object's `__dict__`. Returns the rows matched.
#[allow(clippy::too_many_arguments)]
pub fn run_update(
    py: Python<'_>,
    conn: &Connection,
    s: &MapperSpec,
    compiled: &Compiled,
    rows: Vec<Vec<Value>>,
    fetch: &[usize],
    dicts: &[&Bound<'_, PyDict>],
    log: Option<&Bound<'_, PyAny>>,
) -> PyResult<i64> {
    let mut matched = 0;
    for (row, d) in rows.into_iter().zip(dicts) {
        let out = super::flush::run_logged(py, conn, compiled, &Batch::One(row), log, false)?;
        let got = out.rows.unwrap_or_default();
        if got.len() == 1 {
            let fetched = Fetched {
                rows: got,
                order: vec![0],
            };
            write_back(py, conn, s, compiled, &fetched, fetch, &[d])?;
            matched += 1;
        }
    }
    Ok(matched)
}

fn gather(into: &mut Option<Rows>, rows: Option<Rows>) {
    if let Some(r) = rows {
        match into.as_mut() {
            Some(g) => g.values.extend(r.values),
            None => *into = Some(r),
        }
    }
}

/// Each object's row, found by the primary key it sent (the first returned columns): the rows come
/// back in VALUES order, which is checked rather than assumed.
fn match_by_key(
    py: Python<'_>,
    conn: &Connection,
    s: &MapperSpec,
    compiled: &Compiled,
    rows: &Rows,
    dicts: &[&Bound<'_, PyDict>],
) -> PyResult<Vec<usize>> {
    let values = column_values(py, conn, compiled, rows)?;
    let matches = |d: &Bound<'_, PyDict>, r: usize| -> PyResult<bool> {
        for (j, &pi) in s.pk.iter().enumerate() {
            let sent = d.get_item(s.cols[pi].attr.bind(py))?;
            let got = values.cell(py, rows, r, j)?;
            if !sent.is_some_and(|v| v.eq(got.bind(py)).unwrap_or(false)) {
                return Ok(false);
            }
        }
        Ok(true)
    };
    let mut order = Vec::with_capacity(dicts.len());
    for (k, d) in dicts.iter().enumerate() {
        if k < rows.len() && matches(d, k)? {
            order.push(k);
            continue;
        }
        let mut found = None;
        for r in 0..rows.len() {
            if matches(d, r)? {
                found = Some(r);
                break;
            }
        }
        order.push(found.ok_or_else(|| {
            exc(
                py,
                "InvalidRequestError",
                "Can't match the rows of INSERT..RETURNING to the objects flushed",
            )
        })?);
    }
    Ok(order)
}

fn column_values(
    py: Python<'_>,
    conn: &Connection,
    compiled: &Compiled,
    rows: &Rows,
) -> PyResult<ColumnValues> {
    let types: Vec<SqlType> = compiled.columns.iter().map(|c| c.ty.clone()).collect();
    ColumnValues::new(py, rows, &types, conn.py_dialect.bind(py))
}

/// Writes the returned columns `returning` (indices into the spec's columns) into the objects'
/// `__dict__`s, member `k` taking row `fetched.order[k]`.
pub fn write_back(
    py: Python<'_>,
    conn: &Connection,
    s: &MapperSpec,
    compiled: &Compiled,
    fetched: &Fetched,
    returning: &[usize],
    dicts: &[&Bound<'_, PyDict>],
) -> PyResult<()> {
    let values = column_values(py, conn, compiled, &fetched.rows)?;
    for (d, &r) in dicts.iter().zip(&fetched.order) {
        for (j, &ci) in returning.iter().enumerate() {
            let attr = s.cols[ci].attr.bind(py);
            if s.pk.contains(&ci) && d.get_item(attr)?.is_some_and(|v| !v.is_none()) {
                // The key the object sent stays the object it was.
                continue;
            }
            d.set_item(attr, values.cell(py, &fetched.rows, r, j)?)?;
        }
    }
    Ok(())
}
