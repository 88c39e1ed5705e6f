//! DDL statement handles: CREATE/DROP TABLE and INDEX from definitions the Python schema objects give.

use std::sync::Arc;

use ferro_sql::ddl::{
    CheckDef, ColumnDef, ConstraintKind, Ddl, ForeignKeyDef, Identity, IdentityOptions, IndexDef,
    ServerDefault, TableDef, TableOption, UniqueDef,
};
use ferro_sql::Statement;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use super::{PyExpr, PyStmt};
use crate::convert::TypeHandle;

/// (name, type, nullable, primary_key, autoincrement, server_default (str or Expr), comment)
type ColTuple<'py> = (
    String,
    Bound<'py, TypeHandle>,
    bool,
    bool,
    bool,
    Option<Bound<'py, PyAny>>,
    Option<String>,
);

fn server_default(d: Option<Bound<'_, PyAny>>) -> PyResult<Option<ServerDefault>> {
    let Some(d) = d else { return Ok(None) };
    if let Ok(e) = d.cast::<PyExpr>() {
        return Ok(Some(ServerDefault::Expr(e.get().0.clone())));
    }
    Ok(Some(ServerDefault::Text(d.extract()?)))
}
/// (start, increment, minvalue, maxvalue, nominvalue, nomaxvalue, cache, cycle): `Identity` and
/// `Sequence` options as SQLAlchemy's IdentityOptions holds them.
type OptsTuple = (
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    bool,
    bool,
    Option<i64>,
    Option<bool>,
);

fn identity_options(o: OptsTuple) -> IdentityOptions {
    let (start, increment, minvalue, maxvalue, nominvalue, nomaxvalue, cache, cycle) = o;
    IdentityOptions {
        start,
        increment,
        minvalue,
        maxvalue,
        nominvalue,
        nomaxvalue,
        cache,
        cycle,
    }
}

/// Per column, beside its ColTuple: (identity (always, options), sequence-backed, column CHECKs).
type ColExtras = (
    Option<(bool, OptsTuple)>,
    bool,
    Vec<(Option<String>, String)>,
);

/// (name, columns, ref_table, ref_schema, ref_columns, ondelete, onupdate)
type FkTuple = (
    Option<String>,
    Vec<String>,
    String,
    Option<String>,
    Vec<String>,
    Option<String>,
    Option<String>,
);

#[pyfunction]
#[pyo3(signature = (name, schema, columns, primary_key, primary_key_name, uniques, foreign_keys, checks, column_extras=Vec::new(), constraint_order=String::new(), options=Vec::new()))]
#[allow(clippy::too_many_arguments)]
fn create_table(
    name: String,
    schema: Option<String>,
    columns: Vec<ColTuple<'_>>,
    primary_key: Vec<String>,
    primary_key_name: Option<String>,
    uniques: Vec<(Option<String>, Vec<String>)>,
    foreign_keys: Vec<FkTuple>,
    checks: Vec<(Option<String>, String)>,
    column_extras: Vec<ColExtras>,
    constraint_order: String,
    options: Vec<(String, String, String, bool)>,
) -> PyResult<PyStmt> {
    let mut defs = Vec::with_capacity(columns.len());
    let mut extras = column_extras.into_iter();
    for (name, ty, nullable, primary_key, autoincrement, default, comment) in columns {
        let (identity, sequence, col_checks) = extras.next().unwrap_or_default();
        defs.push(ColumnDef {
            name,
            ty: ty.get().ty.clone(),
            nullable,
            primary_key,
            autoincrement,
            server_default: server_default(default)?,
            comment,
            identity: identity.map(|(always, o)| Identity {
                always,
                options: identity_options(o),
            }),
            sequence,
            checks: col_checks
                .into_iter()
                .map(|(name, sqltext)| CheckDef { name, sqltext })
                .collect(),
        });
    }
    // One letter per table-level constraint: f(oreign key), u(nique), c(heck), in render order.
    let constraint_order = constraint_order
        .chars()
        .map(|c| match c {
            'f' => Ok(ConstraintKind::ForeignKey),
            'u' => Ok(ConstraintKind::Unique),
            'c' => Ok(ConstraintKind::Check),
            other => Err(PyValueError::new_err(format!(
                "unknown constraint kind {other:?}"
            ))),
        })
        .collect::<PyResult<Vec<_>>>()?;
    let def = TableDef {
        name,
        schema,
        columns: defs,
        primary_key,
        primary_key_name,
        uniques: uniques
            .into_iter()
            .map(|(name, columns)| UniqueDef { name, columns })
            .collect(),
        foreign_keys: foreign_keys
            .into_iter()
            .map(
                |(name, columns, ref_table, ref_schema, ref_columns, ondelete, onupdate)| {
                    ForeignKeyDef {
                        name,
                        columns,
                        ref_table,
                        ref_schema,
                        ref_columns,
                        ondelete,
                        onupdate,
                    }
                },
            )
            .collect(),
        checks: checks
            .into_iter()
            .map(|(name, sqltext)| CheckDef { name, sqltext })
            .collect(),
        constraint_order,
        options: options
            .into_iter()
            .map(|(name, joiner, value, quoted)| TableOption {
                name,
                joiner,
                value,
                quoted,
            })
            .collect(),
    };
    Ok(PyStmt(Statement::Ddl(Arc::new(Ddl::CreateTable(def)))))
}

#[pyfunction]
#[pyo3(signature = (name, schema=None, if_exists=false))]
fn drop_table(name: String, schema: Option<String>, if_exists: bool) -> PyStmt {
    PyStmt(Statement::Ddl(Arc::new(Ddl::DropTable {
        name,
        schema,
        if_exists,
    })))
}

#[pyfunction]
#[pyo3(signature = (name, table, schema, columns, unique))]
fn create_index(
    name: String,
    table: String,
    schema: Option<String>,
    columns: Vec<String>,
    unique: bool,
) -> PyStmt {
    PyStmt(Statement::Ddl(Arc::new(Ddl::CreateIndex(IndexDef {
        name,
        table,
        schema,
        columns,
        unique,
    }))))
}

#[pyfunction]
#[pyo3(signature = (name, table, schema=None, if_exists=false))]
fn drop_index(name: String, table: String, schema: Option<String>, if_exists: bool) -> PyStmt {
    PyStmt(Statement::Ddl(Arc::new(Ddl::DropIndex {
        name,
        table,
        schema,
        if_exists,
    })))
}

#[pyfunction]
#[pyo3(signature = (name, schema, options))]
fn create_sequence(name: String, schema: Option<String>, options: OptsTuple) -> PyStmt {
    PyStmt(Statement::Ddl(Arc::new(Ddl::CreateSequence {
        name,
        schema,
        options: identity_options(options),
    })))
}

#[pyfunction]
#[pyo3(signature = (name, schema=None))]
fn drop_sequence(name: String, schema: Option<String>) -> PyStmt {
    PyStmt(Statement::Ddl(Arc::new(Ddl::DropSequence { name, schema })))
}

/// PostgreSQL's `CREATE TYPE name AS ENUM (...)` for a native Enum.
#[pyfunction]
#[pyo3(signature = (name, schema, values))]
fn create_enum_type(name: String, schema: Option<String>, values: Vec<String>) -> PyStmt {
    PyStmt(Statement::Ddl(Arc::new(Ddl::CreateEnumType {
        name,
        schema,
        values,
    })))
}

#[pyfunction]
#[pyo3(signature = (name, schema=None, if_exists=false))]
fn drop_enum_type(name: String, schema: Option<String>, if_exists: bool) -> PyStmt {
    PyStmt(Statement::Ddl(Arc::new(Ddl::DropEnumType {
        name,
        schema,
        if_exists,
    })))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(create_sequence, m)?)?;
    m.add_function(wrap_pyfunction!(drop_sequence, m)?)?;
    m.add_function(wrap_pyfunction!(create_enum_type, m)?)?;
    m.add_function(wrap_pyfunction!(drop_enum_type, m)?)?;
    m.add_function(wrap_pyfunction!(create_table, m)?)?;
    m.add_function(wrap_pyfunction!(drop_table, m)?)?;
    m.add_function(wrap_pyfunction!(create_index, m)?)?;
    m.add_function(wrap_pyfunction!(drop_index, m)?)?;
    Ok(())
}
