//! Bindings for the statement shapes built on a plain SELECT/INSERT/UPDATE: compound selects,
//! LATERAL, correlation, DISTINCT ON and row locks, INSERT ... SELECT, upserts, ordered SET.

use std::sync::Arc;

use ferro_sql::expr::TableRef;
use ferro_sql::stmt::{Compound, CompoundOp, Correlation, ForUpdate, FromItem};
use ferro_sql::{Select, Statement};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use super::{exprs, named_values, opt_expr, PyExpr, PyFrom, PyStmt, PyTable};

fn select_of(stmt: &Bound<'_, PyStmt>) -> PyResult<Arc<Select>> {
    match &stmt.get().0 {
        Statement::Select(s) => Ok(s.clone()),
        _ => Err(PyValueError::new_err("expected a SELECT")),
    }
}

fn tables(items: Option<Vec<Bound<'_, PyTable>>>) -> Option<Vec<Arc<TableRef>>> {
    items.map(|ts| ts.iter().map(|t| t.get().0.clone()).collect())
}

/// `s1 UNION s2 ...` with the compound's own ORDER BY, LIMIT and OFFSET.
#[pyfunction]
fn compound(
    op: &str,
    selects: Vec<Bound<'_, PyStmt>>,
    order_by: Vec<Bound<'_, PyExpr>>,
    limit: Option<Bound<'_, PyExpr>>,
    offset: Option<Bound<'_, PyExpr>>,
) -> PyResult<PyStmt> {
    let op = CompoundOp::parse(op)
        .ok_or_else(|| PyValueError::new_err(format!("unknown compound operator {op}")))?;
    let selects = selects
        .iter()
        .map(select_of)
        .collect::<PyResult<Vec<_>>>()?;
    let s = Select {
        compound: Some(Compound { op, selects }),
        order_by: exprs(order_by),
        limit: opt_expr(limit),
        offset: opt_expr(offset),
        ..Default::default()
    }
    .finish();
    Ok(PyStmt(Statement::Select(Arc::new(s))))
}

/// (nowait, skip_locked, read, key_share, of)
type ForUpdateSpec<'py> = (bool, bool, bool, bool, Vec<Bound<'py, PyTable>>);

/// The SELECT `stmt` with DISTINCT ON, correlation and FOR UPDATE settings.
#[pyfunction]
#[pyo3(signature = (stmt, distinct_on, correlate, correlate_except, auto_correlate, for_update))]
fn select_options(
    stmt: &Bound<'_, PyStmt>,
    distinct_on: Vec<Bound<'_, PyExpr>>,
    correlate: Option<Vec<Bound<'_, PyTable>>>,
    correlate_except: Option<Vec<Bound<'_, PyTable>>>,
    auto_correlate: bool,
    for_update: Option<ForUpdateSpec<'_>>,
) -> PyResult<PyStmt> {
    let mut s = (*select_of(stmt)?).clone();
    s.distinct_on = exprs(distinct_on);
    s.correlation = Correlation {
        only: tables(correlate),
        except: tables(correlate_except),
        auto: auto_correlate,
    };
    if let Some((nowait, skip_locked, read, key_share, of)) = for_update {
        s.for_update = Some(ForUpdate {
            nowait,
            skip_locked,
            read,
            key_share,
            of: tables(Some(of)).unwrap_or_default(),
        });
    }
    Ok(PyStmt(Statement::Select(Arc::new(s.finish()))))
}

/// `base` (a bare `SELECT <columns> FROM ...`, built once per entity) with a WHERE clause: the
/// common `select(User).where(...)` without rebuilding its column list from Python.
#[pyfunction]
fn select_where(stmt: &Bound<'_, PyStmt>, where_: &Bound<'_, PyExpr>) -> PyResult<PyStmt> {
    let mut s = (*select_of(stmt)?).clone();
    s.where_ = Some(where_.get().0.clone());
    Ok(PyStmt(Statement::Select(Arc::new(s.finish()))))
}

#[pyfunction]
fn from_lateral(stmt: &Bound<'_, PyStmt>, table: &Bound<'_, PyTable>) -> PyResult<PyFrom> {
    let table = table.get().0.clone();
    Ok(PyFrom(FromItem::Subquery {
        select: select_of(stmt)?,
        name: table.name.clone(),
        table,
        lateral: true,
    }))
}

/// The INSERT `stmt` with a SELECT as its rows, an ON CONFLICT constraint name / index predicate,
/// or MySQL's ON DUPLICATE KEY UPDATE.
#[pyfunction]
#[pyo3(signature = (stmt, from_select=None, constraint=None, index_where=None, on_duplicate=None))]
fn insert_options(
    stmt: &Bound<'_, PyStmt>,
    from_select: Option<(Vec<String>, Bound<'_, PyStmt>)>,
    constraint: Option<String>,
    index_where: Option<Bound<'_, PyExpr>>,
    on_duplicate: Option<Vec<(String, Bound<'_, PyExpr>)>>,
) -> PyResult<PyStmt> {
    let Statement::Insert(i) = &stmt.get().0 else {
        return Err(PyValueError::new_err("expected an INSERT"));
    };
    let mut i = (**i).clone();
    if let Some((names, select)) = from_select {
        let names = names.iter().map(|n| Arc::from(n.as_str())).collect();
        i.from_select = Some((names, select_of(&select)?));
    }
    if let Some(oc) = i.on_conflict.as_mut() {
        oc.constraint = constraint.map(|c| Arc::from(c.as_str()));
        oc.index_where = opt_expr(index_where);
    }
    i.on_duplicate = on_duplicate.map(named_values);
    Ok(PyStmt(Statement::Insert(Arc::new(i.finish()))))
}

/// The UPDATE `stmt` with its SET clause in the order of its values (`ordered_values()`).
#[pyfunction]
fn update_ordered(stmt: &Bound<'_, PyStmt>) -> PyResult<PyStmt> {
    let Statement::Update(u) = &stmt.get().0 else {
        return Err(PyValueError::new_err("expected an UPDATE"));
    };
    let mut u = (**u).clone();
    u.ordered = true;
    Ok(PyStmt(Statement::Update(Arc::new(u.finish()))))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(compound, m)?)?;
    m.add_function(wrap_pyfunction!(select_options, m)?)?;
    m.add_function(wrap_pyfunction!(select_where, m)?)?;
    m.add_function(wrap_pyfunction!(from_lateral, m)?)?;
    m.add_function(wrap_pyfunction!(insert_options, m)?)?;
    m.add_function(wrap_pyfunction!(update_ordered, m)?)?;
    Ok(())
}
