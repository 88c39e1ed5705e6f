//! DDL statement handles: CREATE/DROP TABLE and INDEX from definitions the Python schema objects give.

use std::sync::Arc;

use ferro_sql::ddl::{
    CheckDef, ColumnDef, Ddl, ForeignKeyDef, IndexDef, ServerDefault, TableDef, UniqueDef,
};
use ferro_sql::Statement;
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
#[pyo3(signature = (name, schema, columns, primary_key, primary_key_name, uniques, foreign_keys, checks))]
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
) -> PyResult<PyStmt> {
    let mut defs = Vec::with_capacity(columns.len());
    for (name, ty, nullable, primary_key, autoincrement, default, comment) in columns {
        defs.push(ColumnDef {
            name,
            ty: ty.get().ty.clone(),
            nullable,
            primary_key,
            autoincrement,
            server_default: server_default(default)?,
            comment,
        });
    }
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
    m.add_function(wrap_pyfunction!(create_enum_type, m)?)?;
    m.add_function(wrap_pyfunction!(drop_enum_type, m)?)?;
    m.add_function(wrap_pyfunction!(create_table, m)?)?;
    m.add_function(wrap_pyfunction!(drop_table, m)?)?;
    m.add_function(wrap_pyfunction!(create_index, m)?)?;
    m.add_function(wrap_pyfunction!(drop_index, m)?)?;
    Ok(())
}
