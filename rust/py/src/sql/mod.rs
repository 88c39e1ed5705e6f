//! Handles over the Rust SQL tree. Python's expression objects hold one of these in `_inner`;
//! building a node computes its cache key once.

mod ddl;
mod elements;
mod statements;

use std::collections::HashMap;
use std::sync::Arc;

use ferro_sql::compiler::CompileOptions;
use ferro_sql::expr::{BinOp, BoolOp, Expr as SqlExpr, TableRef, UnaryOp};
use ferro_sql::stmt::{ForUpdate, FromItem, Join};
use ferro_sql::text::TextClause;
use ferro_sql::{Delete, Dialect, ExprRef, Insert, Select, Statement, Update};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::convert::{py_to_value, BindError, TypeHandle};
use crate::errors::{compile_error, exc};

#[pyclass(frozen, module = "ferroalchemy._core", name = "Expr")]
pub struct PyExpr(pub ExprRef);

#[pymethods]
impl PyExpr {
    /// The structural cache key (bound values excluded).
    #[getter]
    fn key(&self) -> u128 {
        self.0.key
    }
}

#[pyclass(frozen, module = "ferroalchemy._core", name = "TableRef")]
pub struct PyTable(pub Arc<TableRef>);

#[pymethods]
impl PyTable {
    #[new]
    #[pyo3(signature = (name, schema=None))]
    fn new(name: &str, schema: Option<&str>) -> Self {
        PyTable(TableRef::new(name, schema))
    }

    /// An alias; with no name, anonymous (`<table>_N` when compiled).
    #[pyo3(signature = (name=None))]
    fn alias(&self, name: Option<&str>) -> Self {
        PyTable(TableRef::alias(&self.0, name))
    }

    /// The name of a subquery or CTE; None for an anonymous one (`anon_N` when compiled).
    #[staticmethod]
    #[pyo3(signature = (name=None))]
    fn derived(name: Option<&str>) -> Self {
        PyTable(TableRef::derived(name))
    }

    #[getter]
    fn id(&self) -> u64 {
        self.0.id
    }
}

#[pyclass(frozen, module = "ferroalchemy._core", name = "FromItem")]
pub struct PyFrom(pub FromItem);

#[pyclass(frozen, module = "ferroalchemy._core", name = "Stmt")]
pub struct PyStmt(pub Statement);

#[pymethods]
impl PyStmt {
    #[getter]
    fn key(&self) -> u128 {
        self.0.key()
    }

    #[getter]
    fn is_dml(&self) -> bool {
        self.0.is_dml()
    }
}

pub fn parse_dialect(name: &str) -> PyResult<Dialect> {
    Dialect::parse(name).ok_or_else(|| PyValueError::new_err(format!("unknown dialect {name:?}")))
}

/// An identifier as the dialect's compiler writes it: quoted only where SQLAlchemy quotes it.
#[pyfunction]
fn quote_identifier(name: &str, dialect: &str) -> PyResult<String> {
    Ok(parse_dialect(dialect)?.quote_identifier(name))
}

fn display_style(name: Option<&str>) -> PyResult<Option<ferro_sql::ParamStyle>> {
    name.map(|n| {
        ferro_sql::ParamStyle::parse(n)
            .ok_or_else(|| PyValueError::new_err(format!("unknown paramstyle {n:?}")))
    })
    .transpose()
}

pub(crate) fn exprs(items: Vec<Bound<'_, PyExpr>>) -> Vec<ExprRef> {
    items.iter().map(|e| e.get().0.clone()).collect()
}

pub(crate) fn opt_expr(e: Option<Bound<'_, PyExpr>>) -> Option<ExprRef> {
    e.map(|e| e.get().0.clone())
}

fn bind_error(py: Python<'_>, e: BindError) -> PyErr {
    match e {
        BindError::Py(e) | BindError::Processor(e) => e,
        BindError::Driver(d) => crate::errors::driver_error(py, &d, None, None),
    }
}

#[pyfunction]
#[pyo3(signature = (table, name, ty))]
fn column(table: Option<Bound<'_, PyTable>>, name: &str, ty: &Bound<'_, TypeHandle>) -> PyExpr {
    PyExpr(SqlExpr::column(
        table.map(|t| t.get().0.clone()),
        name,
        ty.get().ty.clone(),
    ))
}

/// A bound parameter carrying a value (`anonymous` binds render as `name_N`).
#[pyfunction]
#[pyo3(signature = (name, value, ty, anonymous=true))]
fn bind(
    py: Python<'_>,
    name: &str,
    value: &Bound<'_, PyAny>,
    ty: &Bound<'_, TypeHandle>,
    anonymous: bool,
) -> PyResult<PyExpr> {
    let ty = &ty.get().ty;
    let v = py_to_value(value, ty).map_err(|e| bind_error(py, e))?;
    Ok(PyExpr(SqlExpr::bind(name, Some(v), ty.clone(), anonymous)))
}

/// A parameter whose value comes from the execution's parameters (`bindparam("x")`).
#[pyfunction]
fn bind_named(name: &str, ty: &Bound<'_, TypeHandle>) -> PyExpr {
    PyExpr(SqlExpr::bind(name, None, ty.get().ty.clone(), false))
}

/// `left <op> value`, where value is an expression handle or a plain Python value that becomes an
/// anonymous bind typed like `left`: one call for the common `User.id == 5`.
#[pyfunction]
fn compare(
    py: Python<'_>,
    left: &Bound<'_, PyExpr>,
    op: &str,
    value: &Bound<'_, PyAny>,
    bind_name: &str,
) -> PyResult<PyExpr> {
    let op =
        BinOp::parse(op).ok_or_else(|| PyValueError::new_err(format!("unknown operator {op}")))?;
    let left = left.get().0.clone();
    let right = match value.cast::<PyExpr>() {
        Ok(e) => e.get().0.clone(),
        Err(_) => {
            let v = py_to_value(value, &left.ty).map_err(|e| bind_error(py, e))?;
            // An untyped column (lightweight `column("x")`) leaves the value to type its bind.
            // (Only comparisons come here: arithmetic binds are typed in Python, `_arith_operand_type`.)
            let ty = if left.ty == ferro_sql::SqlType::Null {
                v.literal_type()
            } else {
                left.ty.clone()
            };
            SqlExpr::bind(bind_name, Some(v), ty, true)
        }
    };
    Ok(PyExpr(SqlExpr::binary(left, op, right)))
}

#[pyfunction]
fn binary(left: &Bound<'_, PyExpr>, op: &str, right: &Bound<'_, PyExpr>) -> PyResult<PyExpr> {
    let op =
        BinOp::parse(op).ok_or_else(|| PyValueError::new_err(format!("unknown operator {op}")))?;
    Ok(PyExpr(SqlExpr::binary(
        left.get().0.clone(),
        op,
        right.get().0.clone(),
    )))
}

#[pyfunction]
fn unary(op: &str, operand: &Bound<'_, PyExpr>) -> PyResult<PyExpr> {
    let op = UnaryOp::parse(op)
        .ok_or_else(|| PyValueError::new_err(format!("unknown operator {op}")))?;
    Ok(PyExpr(SqlExpr::unary(op, operand.get().0.clone())))
}

#[pyfunction]
fn bool_clause(op: &str, items: Vec<Bound<'_, PyExpr>>) -> PyResult<PyExpr> {
    let op = match op {
        "and" => BoolOp::And,
        "or" => BoolOp::Or,
        _ => {
            return Err(PyValueError::new_err(format!(
                "unknown boolean operator {op}"
            )))
        }
    };
    Ok(PyExpr(SqlExpr::bool_clause(op, exprs(items))))
}

#[pyfunction]
fn func(name: &str, args: Vec<Bound<'_, PyExpr>>, ty: &Bound<'_, TypeHandle>) -> PyExpr {
    PyExpr(SqlExpr::func(name, exprs(args), ty.get().ty.clone()))
}

#[pyfunction]
fn label(name: &str, inner: &Bound<'_, PyExpr>) -> PyExpr {
    PyExpr(SqlExpr::label(name, inner.get().0.clone()))
}

#[pyfunction]
fn grouping(inner: &Bound<'_, PyExpr>) -> PyExpr {
    PyExpr(SqlExpr::grouping(inner.get().0.clone()))
}

#[pyfunction]
fn tuple_(items: Vec<Bound<'_, PyExpr>>) -> PyExpr {
    PyExpr(SqlExpr::tuple(exprs(items)))
}

#[pyfunction]
fn null() -> PyExpr {
    PyExpr(SqlExpr::null())
}

#[pyfunction]
fn true_() -> PyExpr {
    PyExpr(SqlExpr::true_())
}

#[pyfunction]
fn false_() -> PyExpr {
    PyExpr(SqlExpr::false_())
}

#[pyfunction]
fn star() -> PyExpr {
    PyExpr(SqlExpr::star())
}

#[pyfunction]
fn literal_column(text: &str, ty: &Bound<'_, TypeHandle>) -> PyExpr {
    PyExpr(SqlExpr::literal_column(text, ty.get().ty.clone()))
}

#[pyfunction]
fn literal_string(text: &str) -> PyExpr {
    PyExpr(SqlExpr::literal_string(text))
}

#[pyfunction]
fn scalar_select(stmt: &Bound<'_, PyStmt>) -> PyResult<PyExpr> {
    match &stmt.get().0 {
        Statement::Select(s) => Ok(PyExpr(SqlExpr::scalar_select(s.clone()))),
        _ => Err(PyValueError::new_err("scalar_select needs a SELECT")),
    }
}

#[pyfunction]
fn text_expr(stmt: &Bound<'_, PyStmt>) -> PyResult<PyExpr> {
    match &stmt.get().0 {
        Statement::Text(t) => Ok(PyExpr(SqlExpr::text(t.clone()))),
        _ => Err(PyValueError::new_err("text_expr needs a text() clause")),
    }
}

#[pyfunction]
fn from_table(table: &Bound<'_, PyTable>) -> PyFrom {
    PyFrom(FromItem::Table(table.get().0.clone()))
}

/// `left JOIN target ON on`; joining onto an existing join extends its chain.
#[pyfunction]
#[pyo3(signature = (left, target, on, outer=false, full=false))]
fn from_join(
    left: &Bound<'_, PyFrom>,
    target: &Bound<'_, PyFrom>,
    on: Option<Bound<'_, PyExpr>>,
    outer: bool,
    full: bool,
) -> PyFrom {
    let join = Join {
        target: target.get().0.clone(),
        on: opt_expr(on),
        outer,
        full,
    };
    PyFrom(match &left.get().0 {
        FromItem::Join { left, joins } => {
            let mut joins = joins.clone();
            joins.push(join);
            FromItem::Join {
                left: left.clone(),
                joins,
            }
        }
        other => FromItem::Join {
            left: Box::new(other.clone()),
            joins: vec![join],
        },
    })
}

#[pyfunction]
fn from_subquery(stmt: &Bound<'_, PyStmt>, table: &Bound<'_, PyTable>) -> PyResult<PyFrom> {
    let table = table.get().0.clone();
    match &stmt.get().0 {
        Statement::Select(s) => Ok(PyFrom(FromItem::Subquery {
            select: s.clone(),
            name: table.name.clone(),
            table,
            lateral: false,
        })),
        _ => Err(PyValueError::new_err("a subquery needs a SELECT")),
    }
}

#[pyfunction]
#[pyo3(signature = (stmt, table, recursive=false))]
fn from_cte(
    stmt: &Bound<'_, PyStmt>,
    table: &Bound<'_, PyTable>,
    recursive: bool,
) -> PyResult<PyFrom> {
    match &stmt.get().0 {
        Statement::Select(s) => Ok(PyFrom(FromItem::Cte {
            select: s.clone(),
            table: table.get().0.clone(),
            recursive,
        })),
        _ => Err(PyValueError::new_err("a CTE needs a SELECT")),
    }
}

#[pyfunction]
fn between(
    expr: &Bound<'_, PyExpr>,
    low: &Bound<'_, PyExpr>,
    high: &Bound<'_, PyExpr>,
    negate: bool,
) -> PyExpr {
    PyExpr(SqlExpr::between(
        expr.get().0.clone(),
        low.get().0.clone(),
        high.get().0.clone(),
        negate,
    ))
}

/// `func OVER (...)`; `frame` is (range, start, end) with None unbounded, 0 the current row.
#[pyfunction]
#[pyo3(signature = (func, partition_by, order_by, frame=None))]
fn over(
    func: &Bound<'_, PyExpr>,
    partition_by: Vec<Bound<'_, PyExpr>>,
    order_by: Vec<Bound<'_, PyExpr>>,
    frame: Option<(bool, Option<i64>, Option<i64>)>,
) -> PyExpr {
    PyExpr(SqlExpr::over(
        func.get().0.clone(),
        exprs(partition_by),
        exprs(order_by),
        frame.map(|(range, start, end)| ferro_sql::expr::Frame { range, start, end }),
    ))
}

#[pyfunction]
#[pyo3(signature = (columns, froms, where_, group_by, having, order_by, limit, offset, distinct, for_update))]
#[allow(clippy::too_many_arguments)]
fn select(
    columns: Vec<Bound<'_, PyExpr>>,
    froms: Vec<Bound<'_, PyFrom>>,
    where_: Option<Bound<'_, PyExpr>>,
    group_by: Vec<Bound<'_, PyExpr>>,
    having: Option<Bound<'_, PyExpr>>,
    order_by: Vec<Bound<'_, PyExpr>>,
    limit: Option<Bound<'_, PyExpr>>,
    offset: Option<Bound<'_, PyExpr>>,
    distinct: bool,
    for_update: Option<(bool, bool, bool)>,
) -> PyStmt {
    let s = Select {
        columns: exprs(columns),
        froms: froms.iter().map(|f| f.get().0.clone()).collect(),
        where_: opt_expr(where_),
        group_by: exprs(group_by),
        having: opt_expr(having),
        order_by: exprs(order_by),
        limit: opt_expr(limit),
        offset: opt_expr(offset),
        distinct,
        for_update: for_update.map(|(nowait, skip_locked, read)| ForUpdate {
            nowait,
            skip_locked,
            read,
            ..Default::default()
        }),
        ..Default::default()
    }
    .finish();
    PyStmt(Statement::Select(Arc::new(s)))
}

type ColSpec<'py> = Vec<(String, Bound<'py, TypeHandle>)>;

/// (conflict target columns, DO UPDATE SET values or None for DO NOTHING, its WHERE)
type OnConflictSpec<'py> = (
    Vec<String>,
    Option<Vec<(String, Bound<'py, PyExpr>)>>,
    Option<Bound<'py, PyExpr>>,
);

fn col_specs(cols: ColSpec<'_>) -> Vec<(Arc<str>, ferro_sql::SqlType)> {
    cols.into_iter()
        .map(|(n, t)| (Arc::from(n.as_str()), t.get().ty.clone()))
        .collect()
}

pub(crate) fn named_values(values: Vec<(String, Bound<'_, PyExpr>)>) -> Vec<(Arc<str>, ExprRef)> {
    values
        .into_iter()
        .map(|(n, e)| (Arc::from(n.as_str()), e.get().0.clone()))
        .collect()
}

#[pyfunction]
#[pyo3(signature = (table, table_columns, values, returning, multi_values=Vec::new(), on_conflict=None))]
fn insert(
    table: &Bound<'_, PyTable>,
    table_columns: ColSpec<'_>,
    values: Vec<(String, Bound<'_, PyExpr>)>,
    returning: Vec<Bound<'_, PyExpr>>,
    multi_values: Vec<Vec<(String, Bound<'_, PyExpr>)>>,
    on_conflict: Option<OnConflictSpec<'_>>,
) -> PyStmt {
    let i = Insert {
        table: table.get().0.clone(),
        table_columns: col_specs(table_columns),
        values: named_values(values),
        multi_values: multi_values.into_iter().map(named_values).collect(),
        on_conflict: on_conflict.map(|(target, set, where_)| ferro_sql::stmt::OnConflict {
            target: target.iter().map(|t| Arc::from(t.as_str())).collect(),
            set: set.map(named_values),
            where_: opt_expr(where_),
            constraint: None,
            index_where: None,
        }),
        returning: exprs(returning),
        from_select: None,
        on_duplicate: None,
        key: 0,
    }
    .finish();
    PyStmt(Statement::Insert(Arc::new(i)))
}

#[pyfunction]
fn update(
    table: &Bound<'_, PyTable>,
    table_columns: ColSpec<'_>,
    values: Vec<(String, Bound<'_, PyExpr>)>,
    where_: Option<Bound<'_, PyExpr>>,
    returning: Vec<Bound<'_, PyExpr>>,
) -> PyStmt {
    let u = Update {
        table: table.get().0.clone(),
        table_columns: col_specs(table_columns),
        values: named_values(values),
        ordered: false,
        where_: opt_expr(where_),
        returning: exprs(returning),
        key: 0,
    }
    .finish();
    PyStmt(Statement::Update(Arc::new(u)))
}

#[pyfunction]
fn delete(
    table: &Bound<'_, PyTable>,
    where_: Option<Bound<'_, PyExpr>>,
    returning: Vec<Bound<'_, PyExpr>>,
) -> PyStmt {
    let d = Delete {
        table: table.get().0.clone(),
        where_: opt_expr(where_),
        returning: exprs(returning),
        key: 0,
    }
    .finish();
    PyStmt(Statement::Delete(Arc::new(d)))
}

#[pyfunction]
fn text(
    py: Python<'_>,
    sql: &str,
    bound: Vec<(String, Bound<'_, PyAny>, Bound<'_, TypeHandle>)>,
    columns: ColSpec<'_>,
) -> PyResult<PyStmt> {
    let mut map = HashMap::new();
    for (name, value, ty) in bound {
        let ty = ty.get().ty.clone();
        let v = py_to_value(&value, &ty).map_err(|e| bind_error(py, e))?;
        map.insert(name, (v, ty));
    }
    let cols = columns
        .into_iter()
        .map(|(n, t)| (n, t.get().ty.clone()))
        .collect();
    Ok(PyStmt(Statement::Text(Arc::new(TextClause::new(
        sql, map, cols,
    )))))
}

/// Parameter names of a text() clause in order of appearance.
#[pyfunction]
fn text_param_names(stmt: &Bound<'_, PyStmt>) -> Vec<String> {
    match &stmt.get().0 {
        Statement::Text(t) => t.param_names().into_iter().map(String::from).collect(),
        _ => Vec::new(),
    }
}

/// Compiles for display (`str(stmt)`, `stmt.compile(...)`): returns the SQL, each parameter's
/// display name, and its value where the statement carries one (None for execution-time params).
#[pyfunction]
#[pyo3(signature = (stmt, dialect, literal_binds=false, param_keys=Vec::new(), paramstyle=None, bind_casts=false))]
fn compile<'py>(
    py: Python<'py>,
    stmt: &Bound<'py, PyStmt>,
    dialect: &str,
    literal_binds: bool,
    param_keys: Vec<String>,
    paramstyle: Option<&str>,
    bind_casts: bool,
) -> PyResult<(String, Vec<String>, Bound<'py, PyList>)> {
    let d = parse_dialect(dialect)?;
    let stmt = &stmt.get().0;
    let opts = CompileOptions {
        literal_binds,
        param_keys,
        display_style: display_style(paramstyle)?,
        bind_casts,
    };
    let c = ferro_sql::compile(stmt, d, &opts).map_err(|e| compile_error(py, &e))?;
    let vals = ferro_sql::cache::bind_values(stmt);
    let lists = ferro_sql::cache::bind_lists(stmt);
    let out = PyList::empty(py);
    for p in &c.params {
        out.append(elements::display_value(py, p, &vals, &lists)?)?;
    }
    Ok((c.sql, c.param_names, out))
}

/// Compiles a lone expression for display; values as in `compile`.
#[pyfunction]
#[pyo3(signature = (expr, dialect, literal_binds=false, paramstyle=None, bind_casts=false))]
fn compile_expression<'py>(
    py: Python<'py>,
    expr: &Bound<'py, PyExpr>,
    dialect: &str,
    literal_binds: bool,
    paramstyle: Option<&str>,
    bind_casts: bool,
) -> PyResult<(String, Vec<String>, Bound<'py, PyList>)> {
    let d = parse_dialect(dialect)?;
    let e = &expr.get().0;
    let opts = CompileOptions {
        literal_binds,
        display_style: display_style(paramstyle)?,
        bind_casts,
        ..Default::default()
    };
    let (sql, names, params) =
        ferro_sql::compile_expression_with(e, d, &opts).map_err(|err| compile_error(py, &err))?;
    let (mut vals, mut lists) = (Vec::new(), Vec::new());
    e.walk_binds(&mut |x| {
        if let ferro_sql::ExprKind::Bind(b) = &x.kind {
            vals.push(b.value.as_ref());
            lists.push(b.list.as_deref());
        }
    });
    let out = PyList::empty(py);
    for p in &params {
        out.append(elements::display_value(py, p, &vals, &lists)?)?;
    }
    Ok((sql, names, out))
}

/// Raises the named `ferroalchemy.exc` class; lets Python tests check the Rust error mapping.
#[pyfunction]
fn _raise(py: Python<'_>, name: &str, message: &str) -> PyErr {
    exc(py, name, message)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyExpr>()?;
    m.add_class::<PyTable>()?;
    m.add_class::<PyFrom>()?;
    m.add_class::<PyStmt>()?;
    m.add_class::<TypeHandle>()?;
    m.add_function(wrap_pyfunction!(quote_identifier, m)?)?;
    m.add_function(wrap_pyfunction!(column, m)?)?;
    m.add_function(wrap_pyfunction!(bind, m)?)?;
    m.add_function(wrap_pyfunction!(bind_named, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(binary, m)?)?;
    m.add_function(wrap_pyfunction!(unary, m)?)?;
    m.add_function(wrap_pyfunction!(bool_clause, m)?)?;
    m.add_function(wrap_pyfunction!(func, m)?)?;
    m.add_function(wrap_pyfunction!(label, m)?)?;
    m.add_function(wrap_pyfunction!(grouping, m)?)?;
    m.add_function(wrap_pyfunction!(tuple_, m)?)?;
    m.add_function(wrap_pyfunction!(null, m)?)?;
    m.add_function(wrap_pyfunction!(true_, m)?)?;
    m.add_function(wrap_pyfunction!(false_, m)?)?;
    m.add_function(wrap_pyfunction!(star, m)?)?;
    m.add_function(wrap_pyfunction!(literal_column, m)?)?;
    m.add_function(wrap_pyfunction!(literal_string, m)?)?;
    m.add_function(wrap_pyfunction!(scalar_select, m)?)?;
    m.add_function(wrap_pyfunction!(text_expr, m)?)?;
    m.add_function(wrap_pyfunction!(from_table, m)?)?;
    m.add_function(wrap_pyfunction!(from_join, m)?)?;
    m.add_function(wrap_pyfunction!(from_subquery, m)?)?;
    m.add_function(wrap_pyfunction!(from_cte, m)?)?;
    m.add_function(wrap_pyfunction!(between, m)?)?;
    m.add_function(wrap_pyfunction!(over, m)?)?;
    m.add_function(wrap_pyfunction!(select, m)?)?;
    m.add_function(wrap_pyfunction!(insert, m)?)?;
    m.add_function(wrap_pyfunction!(update, m)?)?;
    m.add_function(wrap_pyfunction!(delete, m)?)?;
    m.add_function(wrap_pyfunction!(text, m)?)?;
    m.add_function(wrap_pyfunction!(text_param_names, m)?)?;
    m.add_function(wrap_pyfunction!(compile, m)?)?;
    m.add_function(wrap_pyfunction!(compile_expression, m)?)?;
    m.add_function(wrap_pyfunction!(_raise, m)?)?;
    ddl::register(m)?;
    elements::register(m)?;
    statements::register(m)?;
    Ok(())
}
