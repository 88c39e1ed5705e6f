//! Types whose values pass through Python: the processors a type hands over (JSON's serializer, an
//! Enum's member lookup, a TypeDecorator's methods). A bind built with such a type waits, as a
//! deferred value, until the statement runs and the dialect is known; results are processed one
//! column at a time, one Python call per column over the whole list of its values.

use std::sync::Arc;

use ferro_engine::Rows;
use ferro_sql::value::Opaque;
use ferro_sql::{Dialect, SqlType, Value};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::convert::{convert_plain, value_to_py, BindError};

/// What a type gives the bindings: `bind(value, dialect) -> value` and
/// `result(values: list, dialect) -> list`, each optional.
pub struct Processors {
    pub bind: Option<Py<PyAny>>,
    pub result: Option<Py<PyAny>>,
}

/// A Python value waiting for its type's bind processing.
struct DeferredBind {
    value: Py<PyAny>,
    ty: SqlType,
}

pub fn processors(o: &Opaque) -> Option<&Processors> {
    o.obj.downcast_ref::<Processors>()
}

pub fn defer(obj: &Bound<'_, PyAny>, ty: &SqlType) -> Value {
    Value::Deferred(Opaque::new(Arc::new(DeferredBind {
        value: obj.clone().unbind(),
        ty: ty.clone(),
    })))
}

/// The Python object behind a deferred value, as the user gave it (`compiled.params` shows it).
pub fn deferred_object<'py>(py: Python<'py>, o: &Opaque) -> Option<Bound<'py, PyAny>> {
    o.obj
        .downcast_ref::<DeferredBind>()
        .map(|d| d.value.bind(py).clone())
}

/// The dialect a statement runs on: the compiler's, and the Python dialect object processors get.
#[derive(Clone, Copy)]
pub struct RunDialect<'a, 'py> {
    pub d: Dialect,
    pub py_dialect: &'a Bound<'py, PyAny>,
}

/// A bound value as the driver of `rd` takes it: deferred values processed by their type, spans
/// stored as SQLAlchemy's Interval stores them where there is no INTERVAL type.
pub fn finish(py: Python<'_>, v: Value, rd: RunDialect<'_, '_>) -> Result<Value, BindError> {
    Ok(match v {
        Value::Deferred(o) => match o.obj.downcast_ref::<DeferredBind>() {
            Some(db) => apply_bind(db.value.bind(py), &db.ty.resolve(rd.d), rd)?,
            None => Value::Deferred(o),
        },
        // SQLAlchemy's Interval on SQLite and MySQL: a DATETIME of the epoch plus the span.
        Value::Interval(m) if rd.d != Dialect::Postgresql => {
            match ferro_engine::temporal::from_unix_micros(m) {
                Some(p) => Value::DateTime(p),
                None => {
                    return Err(BindError::Py(pyo3::exceptions::PyOverflowError::new_err(
                        "date value out of range",
                    )))
                }
            }
        }
        v => v,
    })
}

fn apply_bind(
    obj: &Bound<'_, PyAny>,
    ty: &SqlType,
    rd: RunDialect<'_, '_>,
) -> Result<Value, BindError> {
    let py = obj.py();
    match ty {
        SqlType::Processed { processor, inner } => {
            let processed = match processors(processor).and_then(|p| p.bind.as_ref()) {
                Some(f) => f
                    .bind(py)
                    .call1((obj, rd.py_dialect))
                    .map_err(BindError::Processor)?,
                None => obj.clone(),
            };
            apply_bind(&processed, inner, rd)
        }
        SqlType::Named { base, .. } => apply_bind(obj, base, rd),
        SqlType::Array { item, .. } if !obj.is_none() => {
            let mut out = Vec::new();
            for el in obj.try_iter()? {
                let el = el?;
                let nested = el.is_instance_of::<PyList>() || el.is_instance_of::<PyTuple>();
                out.push(apply_bind(&el, if nested { ty } else { item }, rd)?);
            }
            Ok(Value::Array(out))
        }
        _ => finish(py, convert_plain(obj, ty)?, rd),
    }
}

/// Result values of the columns whose type has processors, already as Python objects.
pub struct ColumnValues {
    cols: Vec<Option<Vec<Py<PyAny>>>>,
}

impl ColumnValues {
    pub fn none() -> Self {
        ColumnValues { cols: Vec::new() }
    }

    pub fn is_empty(&self) -> bool {
        self.cols.iter().all(Option::is_none)
    }

    /// `types`: the result columns' types as compiled for the dialect (variants resolved).
    pub fn new(
        py: Python<'_>,
        rows: &Rows,
        types: &[SqlType],
        py_dialect: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        if types.len() != rows.width() || !types.iter().any(SqlType::has_processor) {
            return Ok(Self::none());
        }
        let mut cols = Vec::with_capacity(types.len());
        for (c, ty) in types.iter().enumerate() {
            if !ty.has_processor() {
                cols.push(None);
                continue;
            }
            let mut values = Vec::with_capacity(rows.len());
            for r in 0..rows.len() {
                values.push(value_to_py(py, &rows.row(r)[c])?);
            }
            let out = apply_result(PyList::new(py, values)?, ty, py_dialect)?;
            cols.push(Some(out.iter().map(Bound::unbind).collect()));
        }
        Ok(ColumnValues { cols })
    }

    /// Row `r`, column `c` as a Python object.
    pub fn cell(&self, py: Python<'_>, rows: &Rows, r: usize, c: usize) -> PyResult<Py<PyAny>> {
        match self.cols.get(c) {
            Some(Some(vals)) => Ok(vals[r].clone_ref(py)),
            _ => value_to_py(py, &rows.row(r)[c]),
        }
    }
}

fn as_list<'py>(obj: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
    match obj.cast_into::<PyList>() {
        Ok(l) => Ok(l),
        Err(e) => {
            let obj = e.into_inner();
            PyList::new(obj.py(), obj.try_iter()?.collect::<PyResult<Vec<_>>>()?)
        }
    }
}

/// One column's values through its type's result processors, the innermost type's first.
fn apply_result<'py>(
    values: Bound<'py, PyList>,
    ty: &SqlType,
    py_dialect: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    match ty {
        SqlType::Processed { processor, inner } => {
            let values = apply_result(values, inner, py_dialect)?;
            match processors(processor).and_then(|p| p.result.as_ref()) {
                Some(f) => as_list(f.bind(values.py()).call1((values, py_dialect))?),
                None => Ok(values),
            }
        }
        SqlType::Named { base, .. } => apply_result(values, base, py_dialect),
        SqlType::Array { item, .. } if item.has_processor() => {
            for i in 0..values.len() {
                let v = values.get_item(i)?;
                if let Ok(list) = v.cast::<PyList>() {
                    values.set_item(i, apply_result(list.clone(), item, py_dialect)?)?;
                }
            }
            Ok(values)
        }
        _ => Ok(values),
    }
}

/// Tuples of a plain result, with processed columns taken from `cols`.
pub fn tuples(py: Python<'_>, rows: &Rows, cols: &ColumnValues) -> PyResult<Vec<Py<PyTuple>>> {
    let w = rows.width();
    let mut out = Vec::with_capacity(rows.len());
    let mut buf = Vec::with_capacity(w);
    for r in 0..rows.len() {
        buf.clear();
        for c in 0..w {
            buf.push(cols.cell(py, rows, r, c)?);
        }
        out.push(PyTuple::new(py, buf.drain(..))?.unbind());
    }
    Ok(out)
}
