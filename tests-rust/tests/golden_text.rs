//! text() clauses: named parameters become the dialect's markers in order of appearance; casts and
//! escaped colons are left alone.

use std::collections::HashMap;
use std::sync::Arc;

use ferro_sql::text::TextClause;
use ferro_sql::{Dialect, ParamRef, SqlType, Statement, Value};
use ferro_tests::compiled;

#[test]
fn named_params_in_order() {
    let st = Statement::Text(Arc::new(TextClause::new(
        "SELECT id, name FROM users WHERE id = :id AND name LIKE :p OR id = :id",
        HashMap::new(),
        Vec::new(),
    )));
    let q = compiled(&st, Dialect::Sqlite);
    assert_eq!(
        q.sql,
        "SELECT id, name FROM users WHERE id = ? AND name LIKE ? OR id = ?"
    );
    let names: Vec<_> = q
        .params
        .iter()
        .map(|p| match p {
            ParamRef::Named { name, .. } => name.to_string(),
            ParamRef::Pos(i) => format!("#{i}"),
        })
        .collect();
    assert_eq!(names, vec!["id", "p", "id"]);
    assert_eq!(
        compiled(&st, Dialect::Postgresql).sql,
        "SELECT id, name FROM users WHERE id = $1 AND name LIKE $2 OR id = $3"
    );
}

#[test]
fn casts_and_escaped_colons_are_not_params() {
    let st = Statement::Text(Arc::new(TextClause::new(
        "SELECT x::int, '10\\:30' FROM t WHERE y = :y",
        HashMap::new(),
        Vec::new(),
    )));
    assert_eq!(
        compiled(&st, Dialect::Postgresql).sql,
        "SELECT x::int, '10:30' FROM t WHERE y = $1"
    );
}

#[test]
fn bindparams_values_are_fallbacks() {
    let mut bound = HashMap::new();
    bound.insert("id".to_string(), (Value::Int(7), SqlType::Integer));
    let st = Statement::Text(Arc::new(TextClause::new("SELECT :id", bound, Vec::new())));
    let q = compiled(&st, Dialect::Sqlite);
    assert!(
        matches!(&q.params[0], ParamRef::Named { name, fallback: Some(0), .. } if &**name == "id"),
        "{:?}",
        q.params
    );
    assert_eq!(
        ferro_sql::cache::bind_values(&st),
        vec![Some(&Value::Int(7))]
    );
}
