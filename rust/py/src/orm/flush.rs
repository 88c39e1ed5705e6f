//! The flush executor: INSERT, UPDATE and DELETE for a mapper's objects, reading and writing their
//! `__dict__` from Rust. Objects are grouped by the set of columns they send, so one compiled
//! statement serves each group; groups keep the objects' order.

use std::collections::HashMap;

use ferro_orm::IdentityKey;
use ferro_sql::{Dialect, ParamRef, Value};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use super::eager_defaults;
use super::identity::IdentityMap;
use super::spec::{pk_param, version_param, MapperSpec};
use super::state::{instance_dict, InstanceState};
use crate::convert::{convert_plain, py_to_value, BindError};
use crate::engine::{Batch, Connection};
use crate::errors::{driver_error, exc};
use crate::processors::{finish, RunDialect};

fn bind(
    py: Python<'_>,
    v: &Bound<'_, PyAny>,
    ty: &ferro_sql::SqlType,
    sql: &str,
    conn: &Connection,
) -> PyResult<Value> {
    let rd = RunDialect {
        d: conn.dialect,
        py_dialect: conn.py_dialect.bind(py),
    };
    py_to_value(v, ty)
        .and_then(|v| finish(py, v, rd))
        .map_err(|e| match e {
            BindError::Py(e) | BindError::Processor(e) => e,
            BindError::Driver(d) => driver_error(py, &d, Some(sql), None),
        })
}

fn obj_dict<'py>(
    py: Python<'py>,
    state: &Bound<'py, InstanceState>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyDict>)> {
    let obj = state.borrow().object(py).ok_or_else(|| {
        exc(
            py,
            "InvalidRequestError",
            "object was garbage collected during flush",
        )
    })?;
    let d = instance_dict(&obj)?;
    Ok((obj, d))
}

/// The statement hook (echo, cursor events) for each statement the flush sends, with the
/// parameters as the driver gets them; returns what to call once the statement ran.
fn echo<'py>(
    py: Python<'py>,
    log: Option<&Bound<'py, PyAny>>,
    sql: &str,
    batch: &Batch,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let Some(log) = log else { return Ok(None) };
    let (params, many) = batch.driver_params(py)?;
    crate::engine::before_execute(log, sql, params, many)
}

/// Runs the after-statement hook `echo` returned.
fn after(hook: Option<Bound<'_, PyAny>>) -> PyResult<()> {
    if let Some(h) = hook {
        h.call0()?;
    }
    Ok(())
}

/// Runs one flush statement between its statement hooks (echo, cursor events); `keyed` asks for
/// every row's generated key.
pub(super) fn run_logged(
    py: Python<'_>,
    conn: &Connection,
    compiled: &ferro_sql::Compiled,
    batch: &Batch,
    log: Option<&Bound<'_, PyAny>>,
    keyed: bool,
) -> PyResult<ferro_engine::Outcome> {
    let hook = echo(py, log, &compiled.sql, batch)?;
    let out = if keyed {
        conn.run_keyed(py, compiled, batch)
    } else {
        conn.run(py, compiled, batch)
    }
    .map_err(|e| Connection::raise_run_error(py, e, compiled, batch))?;
    after(hook)?;
    Ok(out)
}

/// The version an UPDATE or DELETE must find in the row: the value loaded (or last flushed), which
/// `committed` holds when the application changed the attribute since.
fn version_before<'py>(
    py: Python<'py>,
    committed: Option<&Bound<'py, PyDict>>,
    d: &Bound<'py, PyDict>,
    attr: &Bound<'py, pyo3::types::PyString>,
) -> PyResult<Bound<'py, PyAny>> {
    if let Some(v) = committed.map(|c| c.get_item(attr)).transpose()?.flatten() {
        return Ok(v);
    }
    Ok(d.get_item(attr)?
        .unwrap_or_else(|| py.None().into_bound(py)))
}

/// Builds each parameter row by name from a column-value map, in compiled order; a bind of the
/// statement itself (a SQL-expression default's `func.abs(-3)`) carries its own value (`vals`:
/// `ferro_sql::cache::bind_values` of the statement compiled).
fn ordered(
    compiled: &ferro_sql::Compiled,
    named: &HashMap<String, Value>,
    vals: &[Option<&Value>],
) -> Vec<Value> {
    compiled
        .params
        .iter()
        .map(|p| match p {
            ParamRef::Named { name, fallback, .. } => named
                .get(&**name)
                .cloned()
                .unwrap_or_else(|| own_bind(vals, *fallback)),
            ParamRef::Pos(i) => own_bind(vals, Some(*i)),
            ParamRef::Expanding { .. } => Value::Null,
        })
        .collect()
}

/// The value the statement's own bind `i` carries (NULL for none).
fn own_bind(vals: &[Option<&Value>], i: Option<usize>) -> Value {
    i.and_then(|i| vals.get(i).copied().flatten())
        .cloned()
        .unwrap_or(Value::Null)
}

/// Where each compiled parameter of a flush INSERT comes from: an object's value (its place in
/// `keys`), or the statement's own bind (a SQL-expression default's literal).
enum Place {
    Key(usize),
    Literal(Value),
}

/// INSERTs pending objects, writes generated primary keys and Python-side defaults back into
/// them, and registers each in the identity map as persistent.
#[pyfunction]
#[pyo3(signature = (conn, spec, states, identity_map, log=None))]
fn flush_insert(
    py: Python<'_>,
    conn: &Bound<'_, Connection>,
    spec: &Bound<'_, MapperSpec>,
    states: Vec<Bound<'_, InstanceState>>,
    identity_map: &Bound<'_, IdentityMap>,
    log: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let s = spec.get();
    let conn = conn.get();
    // Per object: which columns it sends as parameters, and which take a SQL-expression default.
    type GroupKey = (Vec<bool>, Vec<usize>);
    let mut groups: HashMap<GroupKey, Vec<usize>> = HashMap::new();
    let mut group_order: Vec<GroupKey> = Vec::new();
    let mut values: Vec<Vec<Value>> = Vec::with_capacity(states.len());
    let mut dicts = Vec::with_capacity(states.len());
    let mut unloaded = vec![false; states.len()];
    for (oi, st) in states.iter().enumerate() {
        let (_obj, d) = obj_dict(py, st)?;
        if let (Some(vi), Some(gen)) = (s.version, &s.version_gen) {
            // A new row's version is the generator's first, whatever the object held.
            d.set_item(s.cols[vi].attr.bind(py), gen.bind(py).call1((py.None(),))?)?;
        }
        let mut mask = Vec::with_capacity(s.cols.len());
        let mut sql_cols = Vec::new();
        let mut row = Vec::with_capacity(s.cols.len());
        for (ci, c) in s.cols.iter().enumerate() {
            let attr = c.attr.bind(py);
            let v = match d.get_item(attr)? {
                Some(v) if v.is_none() && c.server_generated => None,
                Some(v) => Some(v),
                None => match &c.default {
                    Some(f) => {
                        let v = f.bind(py).call0()?;
                        d.set_item(attr, &v)?;
                        Some(v)
                    }
                    None if c.sql_default.is_some() => {
                        sql_cols.push(ci);
                        None
                    }
                    None if c.server_generated => None,
                    None => {
                        d.set_item(attr, py.None())?;
                        Some(py.None().into_bound(py))
                    }
                },
            };
            match v {
                Some(v) => {
                    mask.push(true);
                    row.push(bind(py, &v, &c.ty, "INSERT", conn)?);
                }
                None => {
                    mask.push(false);
                    // Filled in by the database: loads on first access, as SQLAlchemy expires it.
                    unloaded[oi] |= !s.pk.contains(&ci);
                }
            }
        }
        let key = (mask, sql_cols);
        match groups.get_mut(&key) {
            Some(g) => g.push(oi),
            None => {
                groups.insert(key.clone(), vec![oi]);
                group_order.push(key);
            }
        }
        values.push(row);
        dicts.push(d);
    }
    let mut generated: Vec<Option<i64>> = vec![None; states.len()];
    for key in &group_order {
        let (mask, sql_cols) = key;
        let members = &groups[key];
        let keys: Vec<String> = s
            .cols
            .iter()
            .zip(mask)
            .filter(|(_, m)| **m)
            .map(|(c, _)| c.name.to_string())
            .collect();
        // Generated keys are wanted only when a primary-key column was left to the database.
        // PostgreSQL sends many rows per INSERT ... RETURNING and sorts each page's keys, as
        // SQLAlchemy's insertmanyvalues does for an autoincrementing integer key; MySQL counts
        // them from LAST_INSERT_ID; SQLite reads each row's rowid from its prepared statement on
        // the calling thread (multi-row RETURNING measured no faster there).
        let needs_ids = s.pk.iter().any(|&pi| !mask[pi]);
        // eager_defaults=True: the columns the database fills in come back with the key.
        let fetch: Vec<usize> = if s.eager_defaults && eager_defaults::returns_rows(conn.dialect) {
            (0..s.cols.len())
                .filter(|&ci| !mask[ci] && !s.pk.contains(&ci))
                .collect()
        } else {
            Vec::new()
        };
        let returning_pk = match (&s.pk[..], conn.dialect) {
            ([pi], Dialect::Postgresql) if needs_ids && s.cols[*pi].ty.is_integer() => Some(*pi),
            _ => None,
        };
        let returning: Vec<usize> = if fetch.is_empty() {
            returning_pk.into_iter().collect()
        } else {
            s.pk.iter().chain(&fetch).copied().collect()
        };
        let stmt = s.insert_returning(sql_cols, &returning);
        let compiled = conn.compiled_for(py, &stmt, &keys)?;
        // Each compiled parameter's place in an object's values (which follow `keys`).
        let vals = ferro_sql::cache::bind_values(&stmt);
        let places: Vec<Place> = compiled
            .params
            .iter()
            .map(|p| match p {
                ParamRef::Named { name, fallback, .. } => keys
                    .iter()
                    .position(|k| **k == **name)
                    .map_or_else(|| Place::Literal(own_bind(&vals, *fallback)), Place::Key),
                ParamRef::Pos(i) => Place::Literal(own_bind(&vals, Some(*i))),
                ParamRef::Expanding { .. } => Place::Literal(Value::Null),
            })
            .collect();
        let rows: Vec<Vec<Value>> = members
            .iter()
            .map(|&oi| {
                let mut v = std::mem::take(&mut values[oi]);
                places
                    .iter()
                    .map(|p| match p {
                        Place::Key(i) => std::mem::replace(&mut v[*i], Value::Null),
                        Place::Literal(lit) => lit.clone(),
                    })
                    .collect()
            })
            .collect();
        if !fetch.is_empty() {
            let ds: Vec<&Bound<'_, PyDict>> = members.iter().map(|&oi| &dicts[oi]).collect();
            let fetched =
                eager_defaults::run_insert(py, conn, s, &compiled, rows, &ds, needs_ids, log)?;
            eager_defaults::write_back(py, conn, s, &compiled, &fetched, &returning, &ds)?;
            for &oi in members {
                unloaded[oi] = false;
            }
            continue;
        }
        if returning_pk.is_some() {
            let ids = conn.run_returning_keys(py, &compiled, &rows, log)?;
            for (&oi, id) in members.iter().zip(ids) {
                generated[oi] = Some(id);
            }
            continue;
        }
        let batch = Batch::Many(rows);
        let out = run_logged(py, conn, &compiled, &batch, log, needs_ids)?;
        let ids: Vec<Option<i64>> = if needs_ids {
            out.insert_ids.into_iter().map(Some).collect()
        } else {
            vec![None; members.len()]
        };
        for (&oi, id) in members.iter().zip(ids) {
            generated[oi] = id;
        }
    }
    let mut idmap = identity_map.borrow_mut();
    for (oi, st) in states.iter().enumerate() {
        let d = &dicts[oi];
        let mut ident_vals = Vec::with_capacity(s.pk.len());
        let mut ident_py = Vec::with_capacity(s.pk.len());
        for &pi in &s.pk {
            let c = &s.cols[pi];
            let attr = c.attr.bind(py);
            let v = match d.get_item(attr)? {
                Some(v) if !v.is_none() => v,
                _ => {
                    let id = generated[oi].ok_or_else(|| {
                        exc(
                            py,
                            "FlushError",
                            format!(
                                "Instance has a NULL identity key. If this is an auto-generated value, check that the database table allows generation of new primary key values, and that the mapped Column object is configured to expect these generated values. (column '{}')",
                                c.name
                            ),
                        )
                    })?;
                    let v = id.into_pyobject(py)?.into_any();
                    d.set_item(attr, &v)?;
                    v
                }
            };
            // The identity map keys objects by their Python values' plain conversion.
            ident_vals.push(convert_plain(&v, &c.ty).map_err(|e| match e {
                BindError::Py(e) | BindError::Processor(e) => e,
                BindError::Driver(d) => driver_error(py, &d, Some("INSERT"), None),
            })?);
            ident_py.push(v);
        }
        let mut stb = st.borrow_mut();
        stb.identity = Some(PyTuple::new(py, ident_py)?.unbind());
        stb.expired = unloaded[oi];
        stb.modified = false;
        stb.committed_state = None;
        stb.strong = None;
        drop(stb);
        idmap.insert(
            py,
            IdentityKey {
                mapper_id: s.mapper_id,
                pk: ident_vals,
            },
            st.clone().unbind(),
        );
    }
    Ok(())
}

/// UPDATEs dirty objects: only columns whose value changed, grouped by that set of columns.
/// Raises StaleDataError when a row was not matched.
#[pyfunction]
#[pyo3(signature = (conn, spec, states, log=None))]
fn flush_update(
    py: Python<'_>,
    conn: &Bound<'_, Connection>,
    spec: &Bound<'_, MapperSpec>,
    states: Vec<Bound<'_, InstanceState>>,
    log: Option<&Bound<'_, PyAny>>,
) -> PyResult<usize> {
    let s = spec.get();
    let conn = conn.get();
    type GroupKey = (Vec<bool>, Vec<usize>);
    // Per object: its index in `states` and its parameters by name.
    type Member = (usize, HashMap<String, Value>);
    let mut groups: HashMap<GroupKey, Vec<Member>> = HashMap::new();
    let mut order: Vec<GroupKey> = Vec::new();
    // eager_defaults=True: what the database sets on UPDATE comes back with RETURNING; otherwise
    // it is expired and loads on access (MySQL's flush SELECTs it back in Python).
    let returned = s.eager_defaults && eager_defaults::returns_rows(conn.dialect);
    for (si, st) in states.iter().enumerate() {
        let (_obj, d) = obj_dict(py, st)?;
        let committed = st
            .borrow()
            .committed_state
            .as_ref()
            .map(|c| c.clone_ref(py));
        let Some(committed) = committed else { continue };
        let committed = committed.bind(py);
        let mut mask = vec![false; s.cols.len()];
        let mut named = HashMap::new();
        let mut any = false;
        for (ci, c) in s.cols.iter().enumerate() {
            let attr = c.attr.bind(py);
            let Some(old) = committed.get_item(attr)? else {
                continue;
            };
            let new = d
                .get_item(attr)?
                .unwrap_or_else(|| py.None().into_bound(py));
            if old.is(&new) || old.eq(&new).unwrap_or(false) {
                continue;
            }
            mask[ci] = true;
            any = true;
            named.insert(c.name.to_string(), bind(py, &new, &c.ty, "UPDATE", conn)?);
        }
        if !any {
            continue;
        }
        if let Some(vi) = s.version {
            // The row must still hold the version this object loaded (or last flushed).
            let c = &s.cols[vi];
            let attr = c.attr.bind(py);
            let old = version_before(py, Some(committed), &d, attr)?;
            named.insert(
                version_param(&c.name),
                bind(py, &old, &c.ty, "UPDATE", conn)?,
            );
            if let (false, Some(gen)) = (mask[vi], &s.version_gen) {
                let new = gen.bind(py).call1((&old,))?;
                d.set_item(attr, &new)?;
                mask[vi] = true;
                named.insert(c.name.to_string(), bind(py, &new, &c.ty, "UPDATE", conn)?);
            }
        }
        let mut sql_cols = Vec::new();
        for (ci, c) in s.cols.iter().enumerate() {
            if !mask[ci] {
                if let Some(f) = &c.onupdate {
                    let v = f.bind(py).call0()?;
                    d.set_item(c.attr.bind(py), &v)?;
                    mask[ci] = true;
                    named.insert(c.name.to_string(), bind(py, &v, &c.ty, "UPDATE", conn)?);
                } else if c.sql_onupdate.is_some() || c.server_onupdate {
                    if c.sql_onupdate.is_some() {
                        sql_cols.push(ci);
                    }
                    if !returned {
                        // Set by the database: reloads on access.
                        d.del_item(c.attr.bind(py)).ok();
                        st.borrow_mut().expired = true;
                    }
                }
            }
        }
        // The row is found by its identity (the key it was loaded or inserted with), which holds
        // even when the key attribute changed or is expired.
        let identity = st.borrow().identity.as_ref().map(|i| i.clone_ref(py));
        let Some(identity) = identity else { continue };
        let identity = identity.bind(py);
        for (k, &pi) in s.pk.iter().enumerate() {
            let c = &s.cols[pi];
            named.insert(
                pk_param(&c.name),
                bind(py, &identity.get_item(k)?, &c.ty, "UPDATE", conn)?,
            );
        }
        let key = (mask, sql_cols);
        match groups.get_mut(&key) {
            Some(g) => g.push((si, named)),
            None => {
                groups.insert(key.clone(), vec![(si, named)]);
                order.push(key);
            }
        }
    }
    let mut total = 0;
    for key in &order {
        let (mask, sql_cols) = key;
        let members = &groups[key];
        let keys: Vec<String> = s
            .cols
            .iter()
            .zip(mask)
            .filter(|(_, m)| **m)
            .map(|(c, _)| c.name.to_string())
            .collect();
        let fetch: Vec<usize> = if returned {
            (0..s.cols.len())
                .filter(|&ci| {
                    !mask[ci] && (s.cols[ci].sql_onupdate.is_some() || s.cols[ci].server_onupdate)
                })
                .collect()
        } else {
            Vec::new()
        };
        let stmt = s.update_with(sql_cols, &fetch);
        let compiled = conn.compiled_for(py, &stmt, &keys)?;
        let vals = ferro_sql::cache::bind_values(&stmt);
        let rows: Vec<Vec<Value>> = members
            .iter()
            .map(|(_, n)| ordered(&compiled, n, &vals))
            .collect();
        let n = rows.len();
        // Batched where nothing watches statements (a statement hook sees the executemany
        // SQLAlchemy would send) and there is more than one row.
        let batched = if log.is_none() && n > 1 && sql_cols.is_empty() && fetch.is_empty() {
            update_columns(s, &compiled, &keys, conn.dialect)
        } else {
            None
        };
        let matched = if !fetch.is_empty() {
            let mut ds = Vec::with_capacity(n);
            for (si, _) in members {
                ds.push(obj_dict(py, &states[*si])?.1);
            }
            let ds: Vec<&Bound<'_, PyDict>> = ds.iter().collect();
            eager_defaults::run_update(py, conn, s, &compiled, rows, &fetch, &ds, log)?
        } else {
            match batched {
                Some((table, columns)) => conn
                    .run_update_many(py, &compiled, &table, &columns, &rows)
                    .map_err(|e| {
                        Connection::raise_run_error(py, e, &compiled, &Batch::Many(rows))
                    })?,
                None => run_logged(py, conn, &compiled, &Batch::Many(rows), log, false)?.rowcount,
            }
        };
        if matched >= 0 && matched as usize != n {
            return Err(exc(
                py,
                "StaleDataError",
                format!(
                    "UPDATE statement on table '{}' expected to update {} row(s); {} were matched.",
                    s.table.name, n, matched
                ),
            ));
        }
        total += n;
    }
    Ok(total)
}

/// For a backend that batches UPDATEs (PostgreSQL): the table as SQL and, per parameter of the
/// compiled UPDATE, its column (quoted) and whether WHERE matches it (a key) or SET gives it.
fn update_columns(
    s: &MapperSpec,
    compiled: &ferro_sql::Compiled,
    set: &[String],
    dialect: Dialect,
) -> Option<(String, Vec<(String, bool)>)> {
    if dialect != Dialect::Postgresql {
        return None;
    }
    let mut keys: HashMap<String, &str> = HashMap::new();
    for &i in &s.pk {
        keys.insert(pk_param(&s.cols[i].name), &s.cols[i].name);
    }
    if let Some(vi) = s.version {
        keys.insert(version_param(&s.cols[vi].name), &s.cols[vi].name);
    }
    let mut columns = Vec::with_capacity(compiled.params.len());
    for p in &compiled.params {
        let ParamRef::Named { name, .. } = p else {
            return None;
        };
        let col = match keys.get(&**name) {
            Some(col) => (dialect.quote_identifier(col), true),
            None if set.iter().any(|k| **k == **name) => (dialect.quote_identifier(name), false),
            None => return None,
        };
        columns.push(col);
    }
    let table = match &s.table.schema {
        Some(schema) => format!(
            "{}.{}",
            dialect.quote_identifier(schema),
            dialect.quote_identifier(&s.table.name)
        ),
        None => dialect.quote_identifier(&s.table.name),
    };
    Some((table, columns))
}

/// DELETEs objects by primary key (and version, with a version column). Returns (rows expected,
/// rows matched) so Python can warn as SQLAlchemy does when they differ without versioning;
/// with versioning a difference raises StaleDataError.
#[pyfunction]
#[pyo3(signature = (conn, spec, states, log=None))]
fn flush_delete(
    py: Python<'_>,
    conn: &Bound<'_, Connection>,
    spec: &Bound<'_, MapperSpec>,
    states: Vec<Bound<'_, InstanceState>>,
    log: Option<&Bound<'_, PyAny>>,
) -> PyResult<(usize, i64)> {
    let s = spec.get();
    let conn = conn.get();
    if states.is_empty() {
        return Ok((0, 0));
    }
    let compiled = conn.compiled_for(py, &s.delete, &[])?;
    let mut rows = Vec::with_capacity(states.len());
    for st in &states {
        let identity = st.borrow().identity.as_ref().map(|i| i.clone_ref(py));
        let Some(identity) = identity else { continue };
        let identity = identity.bind(py);
        let mut named = HashMap::new();
        for (k, &pi) in s.pk.iter().enumerate() {
            let c = &s.cols[pi];
            named.insert(
                pk_param(&c.name),
                bind(py, &identity.get_item(k)?, &c.ty, "DELETE", conn)?,
            );
        }
        if let Some(vi) = s.version {
            let c = &s.cols[vi];
            let attr = c.attr.bind(py);
            let committed = st
                .borrow()
                .committed_state
                .as_ref()
                .map(|c| c.bind(py).clone());
            let (_obj, d) = obj_dict(py, st)?;
            let old = version_before(py, committed.as_ref(), &d, attr)?;
            named.insert(
                version_param(&c.name),
                bind(py, &old, &c.ty, "DELETE", conn)?,
            );
        }
        rows.push(ordered(&compiled, &named, &[]));
    }
    let n = rows.len();
    let out = run_logged(py, conn, &compiled, &Batch::Many(rows), log, false)?;
    if s.version.is_some() && out.rowcount >= 0 && out.rowcount as usize != n {
        return Err(exc(
            py,
            "StaleDataError",
            format!(
                "DELETE statement on table '{}' expected to delete {} row(s); {} were matched.  Please set confirm_deleted_rows=False within the mapper configuration to prevent this warning.",
                s.table.name, n, out.rowcount
            ),
        ));
    }
    Ok((n, out.rowcount))
}

/// Sorts tables for a flush: `deps[i]` lists the tables table `i` references.
#[pyfunction]
fn sort_by_dependency<'py>(py: Python<'py>, deps: Vec<Vec<usize>>) -> PyResult<Bound<'py, PyList>> {
    match ferro_orm::sort_by_dependency(&deps) {
        Ok(order) => PyList::new(py, order),
        Err(e) => Err(exc(py, "CircularDependencyError", e.to_string())),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(flush_insert, m)?)?;
    m.add_function(wrap_pyfunction!(flush_update, m)?)?;
    m.add_function(wrap_pyfunction!(flush_delete, m)?)?;
    m.add_function(wrap_pyfunction!(sort_by_dependency, m)?)?;
    Ok(())
}
