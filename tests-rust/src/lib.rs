//! Shared builders for the integration tests: the users/addresses schema, expressions built the way
//! the Python layer builds them, and golden (SQL, binds) checks across the four dialects.

use std::sync::Arc;

use ferro_sql::cache::bind_values;
use ferro_sql::compiler::CompileOptions;
use ferro_sql::expr::{BinOp, Expr};
use ferro_sql::{
    compile, Compiled, Dialect, ExprRef, ParamRef, Select, SqlType, Statement, TableRef, Value,
};

/// `Table("users", Column("id", Integer, primary_key=True), Column("name", String(50),
/// nullable=False), Column("email", String(100)), Column("age", Integer))`.
pub struct Users {
    pub table: Arc<TableRef>,
    pub id: ExprRef,
    pub name: ExprRef,
    pub email: ExprRef,
    pub age: ExprRef,
}

/// `n` executemany parameter sets `(i, "row i")` for a `(n INTEGER, s TEXT)` insert; every 7th
/// `s` is NULL, so batches must carry NULLs beside values.
pub fn batch_rows(n: i64) -> Vec<Vec<Value>> {
    (0..n)
        .map(|i| {
            let s = if i % 7 == 0 {
                Value::Null
            } else {
                Value::Text(format!("row {i}"))
            };
            vec![Value::Int(i), s]
        })
        .collect()
}

pub fn users() -> Users {
    let table = TableRef::new("users", None);
    let col = |n: &str, ty: SqlType| Expr::column(Some(table.clone()), n, ty);
    Users {
        id: col("id", SqlType::Integer),
        name: col("name", SqlType::String(Some(50))),
        email: col("email", SqlType::String(Some(100))),
        age: col("age", SqlType::Integer),
        table,
    }
}

/// The users table's columns in definition order, as INSERT/UPDATE statements carry them.
pub fn users_columns() -> Vec<(Arc<str>, SqlType)> {
    vec![
        ("id".into(), SqlType::Integer),
        ("name".into(), SqlType::String(Some(50))),
        ("email".into(), SqlType::String(Some(100))),
        ("age".into(), SqlType::Integer),
    ]
}

/// `Table("addresses", Column("id", Integer, primary_key=True), Column("user_id", Integer,
/// ForeignKey("users.id"), nullable=False), Column("email", String(100), nullable=False))`.
pub struct Addresses {
    pub table: Arc<TableRef>,
    pub id: ExprRef,
    pub user_id: ExprRef,
    pub email: ExprRef,
}

pub fn addresses() -> Addresses {
    let table = TableRef::new("addresses", None);
    let col = |n: &str, ty: SqlType| Expr::column(Some(table.clone()), n, ty);
    Addresses {
        id: col("id", SqlType::Integer),
        user_id: col("user_id", SqlType::Integer),
        email: col("email", SqlType::String(Some(100))),
        table,
    }
}

/// The column name of a column expression (what its anonymous binds are named after).
fn column_name(col: &ExprRef) -> String {
    match &col.kind {
        ferro_sql::ExprKind::Column { name, .. } => name.to_string(),
        other => panic!("not a column: {other:?}"),
    }
}

/// An anonymous bind named after `col` and typed like it: the right side of `users.c.id == 5`.
pub fn anon(col: &ExprRef, value: Value) -> ExprRef {
    Expr::bind(&column_name(col), Some(value), col.ty.clone(), true)
}

/// `col <op> value`, as the Python column operators build it.
pub fn cmp(col: &ExprRef, op: BinOp, value: Value) -> ExprRef {
    Expr::binary(col.clone(), op, anon(col, value))
}

/// `Value::Int` shorthand.
pub fn int(i: i64) -> Value {
    Value::Int(i)
}

/// `Value::Text` shorthand.
pub fn text(s: &str) -> Value {
    Value::Text(s.into())
}

/// An anonymous integer bind named `param`: what `.limit(n)` and `.offset(n)` build.
pub fn param(n: i64) -> ExprRef {
    Expr::bind("param", Some(Value::Int(n)), SqlType::Integer, true)
}

pub fn select(columns: Vec<ExprRef>) -> Select {
    Select {
        columns,
        ..Default::default()
    }
}

pub fn stmt(s: Select) -> Statement {
    Statement::Select(Arc::new(s.finish()))
}

pub fn compiled(stmt: &Statement, d: Dialect) -> Compiled {
    compile(stmt, d, &CompileOptions::default()).expect("statement compiles")
}

pub fn compiled_with_keys(stmt: &Statement, d: Dialect, keys: &[&str]) -> Compiled {
    let opts = CompileOptions {
        literal_binds: false,
        param_keys: keys.iter().map(|k| k.to_string()).collect(),
        ..Default::default()
    };
    compile(stmt, d, &opts).expect("statement compiles")
}

/// The statement's bound values in canonical order (`cache::bind_values`), owned.
pub fn bound(stmt: &Statement) -> Vec<Option<Value>> {
    bind_values(stmt).into_iter().map(|v| v.cloned()).collect()
}

/// The value each parameter marker of `c` receives when the execution supplies no parameters:
/// a positional ref takes its bind's value, a named one its fallback bind's value, else `None`
/// (it must come from the execution parameters).
pub fn param_values(stmt: &Statement, c: &Compiled) -> Vec<Option<Value>> {
    let values = bound(stmt);
    c.params
        .iter()
        .map(|p| match p {
            ParamRef::Pos(i) => values.get(*i).cloned().flatten(),
            ParamRef::Named { fallback, .. } => fallback.and_then(|i| values[i].clone()),
            // A list, not one value: `ferro_sql::cache::bind_lists` holds it.
            ParamRef::Expanding { .. } => None,
        })
        .collect()
}

/// Expected SQL for each dialect, in the order Default, SQLite, PostgreSQL, MySQL.
pub struct Golden<'a> {
    pub default: &'a str,
    pub sqlite: &'a str,
    pub postgresql: &'a str,
    pub mysql: &'a str,
}

/// Compiles `stmt` (with `keys` as the execution's parameter keys) for all four dialects and
/// checks each SQL string; every mismatching dialect is reported in one panic message.
/// Returns the compiled forms in the order Default, SQLite, PostgreSQL, MySQL.
pub fn check_golden(stmt: &Statement, keys: &[&str], expected: &Golden) -> [Compiled; 4] {
    let targets = [
        (Dialect::Default, expected.default),
        (Dialect::Sqlite, expected.sqlite),
        (Dialect::Postgresql, expected.postgresql),
        (Dialect::Mysql, expected.mysql),
    ];
    let mut mismatches = Vec::new();
    let out = targets.map(|(d, want)| {
        let c = compiled_with_keys(stmt, d, keys);
        if c.sql != want {
            mismatches.push(format!(
                "{d:?}:\n  expected: {want:?}\n  actual:   {:?}",
                c.sql
            ));
        }
        c
    });
    assert!(
        mismatches.is_empty(),
        "SQL differs from SQLAlchemy 2.1.9's:\n{}",
        mismatches.join("\n")
    );
    out
}

/// `check_golden` for statements that take no execution parameters.
pub fn golden(stmt: &Statement, expected: &Golden) -> [Compiled; 4] {
    check_golden(stmt, &[], expected)
}
