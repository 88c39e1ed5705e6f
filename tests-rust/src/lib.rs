//! Shared builders for the integration tests: the department/employee schema of the first slice.

use std::sync::Arc;

use ferro_sql::compiler::CompileOptions;
use ferro_sql::expr::{BinOp, Expr};
use ferro_sql::{compile, Compiled, Dialect, ExprRef, SqlType, Statement, TableRef};

pub struct Employee {
    pub table: Arc<TableRef>,
    pub id: ExprRef,
    pub name: ExprRef,
    pub dept_id: ExprRef,
    pub email: ExprRef,
}

pub fn employee() -> Employee {
    let table = TableRef::new("employee", None);
    let col = |n: &str, ty: SqlType| Expr::column(Some(table.clone()), n, ty);
    Employee {
        id: col("id", SqlType::Integer),
        name: col("name", SqlType::String(Some(100))),
        dept_id: col("dept_id", SqlType::Integer),
        email: col("email", SqlType::String(Some(80))),
        table,
    }
}

pub fn table_columns() -> Vec<(Arc<str>, SqlType)> {
    vec![
        ("id".into(), SqlType::Integer),
        ("name".into(), SqlType::String(Some(100))),
        ("dept_id".into(), SqlType::Integer),
        ("email".into(), SqlType::String(Some(80))),
    ]
}

/// `col = :name` with an anonymous bind carrying `value`, as `Column.__eq__` builds it.
pub fn eq_value(col: &ExprRef, name: &str, value: ferro_sql::Value) -> ExprRef {
    Expr::binary(
        col.clone(),
        BinOp::Eq,
        Expr::bind(name, Some(value), col.ty.clone(), true),
    )
}

pub fn compiled(stmt: &Statement, d: Dialect) -> Compiled {
    compile(stmt, d, &CompileOptions::default()).expect("statement compiles")
}

pub fn compiled_with_keys(stmt: &Statement, d: Dialect, keys: &[&str]) -> Compiled {
    let opts = CompileOptions {
        literal_binds: false,
        param_keys: keys.iter().map(|k| k.to_string()).collect(),
    };
    compile(stmt, d, &opts).expect("statement compiles")
}
