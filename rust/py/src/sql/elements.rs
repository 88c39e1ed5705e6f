//! Constructors of the column elements beyond plain operators: cast, type_coerce, case, LIKE ...
//! ESCAPE, typed binaries (true division) and expanding IN parameters.

use ferro_sql::expr::{BinOp, Expr as SqlExpr};
use ferro_sql::{ParamRef, Value};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;

use super::{bind_error, PyExpr};
use crate::convert::{py_to_value, value_to_py, TypeHandle};

#[pyfunction]
fn cast(inner: &Bound<'_, PyExpr>, ty: &Bound<'_, TypeHandle>) -> PyExpr {
    PyExpr(SqlExpr::cast(inner.get().0.clone(), ty.get().ty.clone()))
}

#[pyfunction]
fn type_coerce(inner: &Bound<'_, PyExpr>, ty: &Bound<'_, TypeHandle>) -> PyExpr {
    PyExpr(SqlExpr::type_coerce(
        inner.get().0.clone(),
        ty.get().ty.clone(),
    ))
}

/// `CASE [value] WHEN ... THEN ... [ELSE ...] END`; `whens` are (condition, result) pairs.
#[pyfunction]
#[pyo3(signature = (value, whens, else_, ty))]
fn case(
    value: Option<Bound<'_, PyExpr>>,
    whens: Vec<(Bound<'_, PyExpr>, Bound<'_, PyExpr>)>,
    else_: Option<Bound<'_, PyExpr>>,
    ty: &Bound<'_, TypeHandle>,
) -> PyExpr {
    PyExpr(SqlExpr::case(
        value.map(|v| v.get().0.clone()),
        whens
            .iter()
            .map(|(c, r)| (c.get().0.clone(), r.get().0.clone()))
            .collect(),
        else_.map(|e| e.get().0.clone()),
        ty.get().ty.clone(),
    ))
}

#[pyfunction]
fn escape(like: &Bound<'_, PyExpr>, escape: &str) -> PyExpr {
    PyExpr(SqlExpr::escape(like.get().0.clone(), escape))
}

/// A binary operator whose result type is given rather than taken from its left operand.
#[pyfunction]
fn binary_typed(
    left: &Bound<'_, PyExpr>,
    op: &str,
    right: &Bound<'_, PyExpr>,
    ty: &Bound<'_, TypeHandle>,
) -> PyResult<PyExpr> {
    let op =
        BinOp::parse(op).ok_or_else(|| PyValueError::new_err(format!("unknown operator {op}")))?;
    Ok(PyExpr(SqlExpr::binary_typed(
        left.get().0.clone(),
        op,
        right.get().0.clone(),
        ty.get().ty.clone(),
    )))
}

/// An expanding IN parameter: `values` is the list the statement carries, or None when the list
/// comes from the execution's parameters (`bindparam("ids", expanding=True)`).
#[pyfunction]
#[pyo3(signature = (name, values, ty, anonymous))]
fn bind_expanding(
    py: Python<'_>,
    name: &str,
    values: Option<Vec<Bound<'_, PyAny>>>,
    ty: &Bound<'_, TypeHandle>,
    anonymous: bool,
) -> PyResult<PyExpr> {
    let ty = &ty.get().ty;
    let list = match values {
        Some(items) => Some(
            items
                .iter()
                .map(|v| py_to_value(v, ty).map_err(|e| bind_error(py, e)))
                .collect::<PyResult<Vec<Value>>>()?,
        ),
        None => None,
    };
    Ok(PyExpr(SqlExpr::bind_expanding(
        name,
        list,
        ty.clone(),
        anonymous,
    )))
}

/// A compiled parameter's value for display (`Compiled.params`): the bind's own value, an
/// expanding bind's list, or None for a value that only execution supplies.
pub(super) fn display_value(
    py: Python<'_>,
    p: &ParamRef,
    vals: &[Option<&Value>],
    lists: &[Option<&[Value]>],
) -> PyResult<Py<PyAny>> {
    let one = match p {
        ParamRef::Pos(i) => vals.get(*i).copied().flatten(),
        ParamRef::Named { fallback, .. } => fallback.and_then(|i| vals.get(i).copied().flatten()),
        ParamRef::Expanding { fallback, .. } => {
            return match fallback.and_then(|i| lists.get(i).copied().flatten()) {
                Some(list) => {
                    let items = list
                        .iter()
                        .map(|v| value_to_py(py, v))
                        .collect::<PyResult<Vec<_>>>()?;
                    Ok(PyList::new(py, items)?.into_any().unbind())
                }
                None => Ok(py.None()),
            };
        }
    };
    match one {
        Some(v) => value_to_py(py, v),
        None => Ok(py.None()),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(cast, m)?)?;
    m.add_function(wrap_pyfunction!(type_coerce, m)?)?;
    m.add_function(wrap_pyfunction!(case, m)?)?;
    m.add_function(wrap_pyfunction!(escape, m)?)?;
    m.add_function(wrap_pyfunction!(binary_typed, m)?)?;
    m.add_function(wrap_pyfunction!(bind_expanding, m)?)?;
    Ok(())
}
