//! Turning execution parameters (a dict, or a list of dicts) into positional values in the order
//! the compiled SQL wants them, typed by the column or bind they feed.

use std::sync::Arc;

use ferro_sql::cache::{bind_lists, bind_values};
use ferro_sql::{Compiled, ParamRef, ParamValue, Statement, Value};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use super::Batch;
use crate::convert::{py_to_value, BindError};
use crate::errors::driver_error;
use crate::processors::{finish, RunDialect};

/// Python-side column defaults (`default=` for INSERT, `onupdate=` for UPDATE): column name and a
/// zero-argument callable, called for each parameter set that lacks the column.
pub type Defaults = [(String, Py<PyAny>)];

/// INSERT and UPDATE compile their column list from the parameter keys (the first set's, for
/// executemany) plus the columns that get a Python-side default, as SQLAlchemy does; other
/// statements ignore them.
pub fn param_keys(
    stmt: &Statement,
    params: Option<&Bound<'_, PyAny>>,
    defaults: &Defaults,
) -> PyResult<Vec<String>> {
    let mut keys = given_keys(stmt, params)?;
    if matches!(stmt, Statement::Insert(_) | Statement::Update(_)) {
        for (name, _) in defaults {
            if !keys.contains(name) {
                keys.push(name.clone());
            }
        }
    }
    Ok(keys)
}

fn given_keys(stmt: &Statement, params: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<String>> {
    if !matches!(stmt, Statement::Insert(_) | Statement::Update(_)) {
        return Ok(Vec::new());
    }
    let first = match params {
        None => return Ok(Vec::new()),
        Some(p) => match p.cast::<PyDict>() {
            Ok(d) => Some(d.clone()),
            Err(_) => first_of_many(p)?,
        },
    };
    let mut keys = Vec::new();
    if let Some(d) = first {
        for k in d.keys() {
            keys.push(k.extract::<String>()?);
        }
    }
    Ok(keys)
}

fn first_of_many<'py>(p: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyDict>>> {
    if let Ok(l) = p.cast::<PyList>() {
        return match l.iter().next() {
            Some(x) => Ok(Some(as_dict(&x)?)),
            None => Ok(None),
        };
    }
    if let Ok(t) = p.cast::<PyTuple>() {
        return match t.iter().next() {
            Some(x) => Ok(Some(as_dict(&x)?)),
            None => Ok(None),
        };
    }
    Ok(Some(as_dict(p)?))
}

fn as_dict<'py>(x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    match x.cast::<PyDict>() {
        Ok(d) => Ok(d.clone()),
        // Any mapping (RowMapping, a user's Mapping) is accepted, as SQLAlchemy accepts it.
        Err(_) => {
            let d = PyDict::new(x.py());
            d.update(x.cast::<pyo3::types::PyMapping>().map_err(|_| {
                crate::errors::exc(
                    x.py(),
                    "ArgumentError",
                    "List argument must consist only of dictionaries",
                )
            })?)?;
            Ok(d)
        }
    }
}

/// `group`: the parameter set's index when several were given, which SQLAlchemy names.
fn missing_bind(
    py: Python<'_>,
    name: &str,
    sql: &str,
    params: Option<&Bound<'_, PyAny>>,
    group: Option<usize>,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let f = py.import("ferroalchemy.exc")?.getattr("_missing_bind")?;
        Ok(PyErr::from_value(f.call1((name, sql, params, group))?))
    };
    build().unwrap_or_else(|e| e)
}

fn executemany_expanding(py: Python<'_>, sql: &str, params: &Bound<'_, PyAny>) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let f = py.import("ferroalchemy.exc")?.getattr("_invalid_request")?;
        let message =
            "'literal_execute' or 'expanding' parameters can't be used with executemany()";
        Ok(PyErr::from_value(f.call1((message, sql, params))?))
    };
    build().unwrap_or_else(|e| e)
}

/// SQLAlchemy's StatementError around what a type's bind processor raised.
fn processor_error(
    py: Python<'_>,
    orig: PyErr,
    sql: &str,
    params: Option<&Bound<'_, PyAny>>,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let f = py.import("ferroalchemy.exc")?.getattr("_processor_error")?;
        Ok(PyErr::from_value(f.call1((orig.value(py), sql, params))?))
    };
    build().unwrap_or_else(|e| e)
}

struct Ctx<'a, 'py> {
    py: Python<'py>,
    rd: RunDialect<'a, 'py>,
    compiled: &'a Compiled,
    vals: Vec<Option<&'a Value>>,
    lists: Vec<Option<&'a [Value]>>,
    defaults: &'a Defaults,
    all_params: Option<&'a Bound<'py, PyAny>>,
}

/// An expanding parameter's list from the execution's parameters: any iterable but a string.
fn expanding_list(
    v: &Bound<'_, PyAny>,
    name: &str,
    ty: &ferro_sql::SqlType,
    rd: RunDialect<'_, '_>,
) -> PyResult<Vec<Value>> {
    let py = v.py();
    if v.is_instance_of::<pyo3::types::PyString>() || v.is_instance_of::<pyo3::types::PyBytes>() {
        return Err(crate::errors::exc(
            py,
            "ArgumentError",
            format!("Expanding bound parameter {name:?} requires a list of values, got a string"),
        ));
    }
    let mut out = Vec::new();
    for item in v.try_iter()? {
        let item = item?;
        let v = py_to_value(&item, ty).and_then(|v| finish(py, v, rd));
        out.push(v.map_err(|e| match e {
            BindError::Py(e) | BindError::Processor(e) => e,
            BindError::Driver(d) => driver_error(py, &d, None, None),
        })?);
    }
    Ok(out)
}

/// Each parameter's value in `compiled.params` order; an expanding parameter's list goes to
/// `lists` (one per expanding parameter, in order) and leaves a NULL in its place.
fn resolve(
    c: &Ctx<'_, '_>,
    params: Option<&Bound<'_, PyDict>>,
    group: Option<usize>,
) -> PyResult<Vec<Value>> {
    resolve_with_lists(c, params, group, &mut Vec::new())
}

fn resolve_with_lists(
    c: &Ctx<'_, '_>,
    params: Option<&Bound<'_, PyDict>>,
    group: Option<usize>,
    lists: &mut Vec<Vec<Value>>,
) -> PyResult<Vec<Value>> {
    let (py, compiled, vals, all_params) = (c.py, c.compiled, &c.vals, c.all_params);
    let bind_err = |e: BindError| match e {
        BindError::Py(e) => e,
        BindError::Processor(e) => processor_error(py, e, &compiled.sql, all_params),
        BindError::Driver(d) => driver_error(py, &d, Some(&compiled.sql), all_params.cloned()),
    };
    let mut out = Vec::with_capacity(compiled.params.len());
    for p in &compiled.params {
        let v = match p {
            ParamRef::Pos(i) => vals
                .get(*i)
                .copied()
                .flatten()
                .cloned()
                .unwrap_or(Value::Null),
            ParamRef::Named { name, fallback, ty } => {
                let mut given = match params {
                    Some(d) => d.get_item(&**name)?,
                    None => None,
                };
                if given.is_none() {
                    if let Some((_, f)) = c.defaults.iter().find(|(n, _)| **n == **name) {
                        given = Some(f.bind(py).call0()?);
                    }
                }
                match given {
                    Some(v) => py_to_value(&v, ty).map_err(bind_err)?,
                    None => match fallback.and_then(|i| vals.get(i).copied().flatten()) {
                        Some(v) => v.clone(),
                        None => {
                            return Err(missing_bind(py, name, &compiled.sql, all_params, group))
                        }
                    },
                }
            }
            ParamRef::Expanding {
                name, fallback, ty, ..
            } => {
                let given = match params {
                    Some(d) => d.get_item(&**name)?,
                    None => None,
                };
                let list = match given {
                    Some(v) => expanding_list(&v, name, ty, c.rd)?,
                    None => match fallback.and_then(|i| c.lists.get(i).copied().flatten()) {
                        Some(l) => l.to_vec(),
                        None => {
                            return Err(missing_bind(py, name, &compiled.sql, all_params, group))
                        }
                    },
                };
                lists.push(list);
                Value::Null
            }
        };
        out.push(finish(py, v, c.rd).map_err(bind_err)?);
    }
    Ok(out)
}

pub fn build_params<'py>(
    py: Python<'py>,
    rd: RunDialect<'_, 'py>,
    stmt: &Statement,
    compiled: &Compiled,
    params: Option<&Bound<'py, PyAny>>,
    defaults: &Defaults,
) -> PyResult<Batch> {
    let ctx = Ctx {
        py,
        rd,
        compiled,
        vals: bind_values(stmt),
        lists: bind_lists(stmt),
        defaults,
        all_params: params,
    };
    let Some(p) = params else {
        return Ok(Batch::One(resolve(&ctx, None, None)?));
    };
    if let Ok(d) = p.cast::<PyDict>() {
        return Ok(Batch::One(resolve(&ctx, Some(d), None)?));
    }
    let items: Vec<Bound<'_, PyAny>> = if let Ok(l) = p.cast::<PyList>() {
        l.iter().collect()
    } else if let Ok(t) = p.cast::<PyTuple>() {
        t.iter().collect()
    } else {
        vec![p.clone()]
    };
    match items.len() {
        0 => Ok(Batch::One(resolve(&ctx, None, None)?)),
        1 => {
            let d = as_dict(&items[0])?;
            Ok(Batch::One(resolve(&ctx, Some(&d), None)?))
        }
        _ => {
            let mut rows = Vec::with_capacity(items.len());
            for (group, it) in items.iter().enumerate() {
                let d = as_dict(it)?;
                rows.push(resolve(&ctx, Some(&d), Some(group))?);
            }
            Ok(Batch::Many(rows))
        }
    }
}

/// The statement and parameters to run. A statement with expanding IN parameters is compiled
/// (and cached) once with markers; here each marker becomes one placeholder per element of this
/// execution's list, so the cache key never depends on a list's length.
pub fn build_execution<'py>(
    py: Python<'py>,
    rd: RunDialect<'_, 'py>,
    stmt: &Statement,
    compiled: Arc<Compiled>,
    params: Option<&Bound<'py, PyAny>>,
    defaults: &Defaults,
) -> PyResult<(Arc<Compiled>, Batch)> {
    if !compiled.has_expanding() {
        let batch = build_params(py, rd, stmt, &compiled, params, defaults)?;
        return Ok((compiled, batch));
    }
    let ctx = Ctx {
        py,
        rd,
        compiled: &compiled,
        vals: bind_values(stmt),
        lists: bind_lists(stmt),
        defaults,
        all_params: params,
    };
    let single = match params {
        None => None,
        Some(p) => match p.cast::<PyDict>() {
            Ok(d) => Some(d.clone()),
            Err(_) => match p.len().ok() {
                Some(0) => None,
                Some(1) => first_of_many(p)?,
                _ => return Err(executemany_expanding(py, &compiled.sql, p)),
            },
        },
    };
    let mut lists = Vec::new();
    let flat = resolve_with_lists(&ctx, single.as_ref(), None, &mut lists)?;
    let mut lists = lists.into_iter();
    let values = compiled
        .params
        .iter()
        .zip(flat)
        .map(|(p, v)| match p {
            ParamRef::Expanding { .. } => ParamValue::List(lists.next().unwrap_or_default()),
            _ => ParamValue::One(v),
        })
        .collect();
    let (sql, flat) = compiled
        .expand(rd.d, values)
        .map_err(|e| crate::errors::compile_error(py, &e))?;
    let expanded = Compiled {
        sql,
        params: Vec::new(),
        param_names: Vec::new(),
        param_spans: Vec::new(),
        values_span: None,
        ..(*compiled).clone()
    };
    Ok((Arc::new(expanded), Batch::One(flat)))
}
