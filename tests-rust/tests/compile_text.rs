//! text() clauses: `:name` parameters become each dialect's markers in order of appearance,
//! `::cast`, `a:b` and `\:` are not parameters, `.bindparams()` values are fallbacks, `.columns()`
//! types the result, DML is recognised by its first keyword, and text works inside a WHERE.
//!
//! Expected strings are SQLAlchemy 2.1.9's `text(...)` compiled per dialect; PostgreSQL and MySQL
//! strings have only the parameter markers substituted (`$n` and `?`, what ferroalchemy's sqlx
//! drivers take instead of SQLAlchemy's `%(name)s` / `%s`).
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;

use ferro_sql::expr::{BinOp, BoolOp, Expr};
use ferro_sql::text::{parse, TextClause, TextPart};
use ferro_sql::{ParamRef, SqlType, Statement, Value};
use ferro_tests::{bound, cmp, golden, int, param_values, select, stmt, text, users, Golden};

fn text_stmt(sql: &str) -> Statement {
    Statement::Text(Arc::new(TextClause::new(sql, HashMap::new(), Vec::new())))
}

fn names(c: &ferro_sql::Compiled) -> Vec<&str> {
    c.param_names.iter().map(String::as_str).collect()
}

#[test]
fn named_parameters_in_order_of_appearance() {
    // text("SELECT id, name FROM users WHERE id = :id AND name LIKE :pattern OR id = :id")
    let st =
        text_stmt("SELECT id, name FROM users WHERE id = :id AND name LIKE :pattern OR id = :id");
    let all = golden(
        &st,
        &Golden {
            default: "SELECT id, name FROM users WHERE id = :id AND name LIKE :pattern OR id = :id",
            sqlite: "SELECT id, name FROM users WHERE id = ? AND name LIKE ? OR id = ?",
            postgresql: "SELECT id, name FROM users WHERE id = $1 AND name LIKE $2 OR id = $3",
            mysql: "SELECT id, name FROM users WHERE id = ? AND name LIKE ? OR id = ?",
        },
    );
    for c in &all {
        // A repeated name is bound once per occurrence (SQLite's positiontup is id, pattern, id).
        assert_eq!(names(c), ["id", "pattern", "id"]);
        // Nothing bound: every value comes from the execution's parameters by name.
        assert!(c
            .params
            .iter()
            .all(|p| matches!(p, ParamRef::Named { fallback: None, .. })));
        assert_eq!(param_values(&st, c), [None, None, None]);
    }
    let Statement::Text(t) = &st else {
        unreachable!()
    };
    assert_eq!(t.param_names(), ["id", "pattern"]);
}

#[test]
fn casts_and_escaped_colons_are_not_parameters() {
    // text("SELECT x::int, '10\\:30' FROM t WHERE y = :y")
    let st = text_stmt("SELECT x::int, '10\\:30' FROM t WHERE y = :y");
    let [d, ..] = golden(
        &st,
        &Golden {
            default: "SELECT x::int, '10:30' FROM t WHERE y = :y",
            sqlite: "SELECT x::int, '10:30' FROM t WHERE y = ?",
            postgresql: "SELECT x::int, '10:30' FROM t WHERE y = $1",
            mysql: "SELECT x::int, '10:30' FROM t WHERE y = ?",
        },
    );
    assert_eq!(names(&d), ["y"]);
}

#[test]
fn a_name_followed_by_a_cast_is_not_a_parameter() {
    // text("SELECT :ab::integer, :c"): SQLAlchemy's pattern `(?<![:\w\\]):(\w+)(?!:)` skips `:ab`.
    let st = text_stmt("SELECT :ab::integer, :c");
    let [d, ..] = golden(
        &st,
        &Golden {
            default: "SELECT :ab::integer, :c",
            sqlite: "SELECT :ab::integer, ?",
            postgresql: "SELECT :ab::integer, $1",
            mysql: "SELECT :ab::integer, ?",
        },
    );
    assert_eq!(names(&d), ["c"]);
}

#[test]
fn a_colon_after_a_word_is_not_a_parameter() {
    // text("SELECT a:b, 'x' || :p, (:q)")
    let st = text_stmt("SELECT a:b, 'x' || :p, (:q)");
    let [d, ..] = golden(
        &st,
        &Golden {
            default: "SELECT a:b, 'x' || :p, (:q)",
            sqlite: "SELECT a:b, 'x' || ?, (?)",
            postgresql: "SELECT a:b, 'x' || $1, ($2)",
            mysql: "SELECT a:b, 'x' || ?, (?)",
        },
    );
    assert_eq!(names(&d), ["p", "q"]);
}

#[test]
fn unicode_parameter_names() {
    // text("SELECT :naïve")
    let st = text_stmt("SELECT :naïve");
    let [_, q, ..] = golden(
        &st,
        &Golden {
            default: "SELECT :naïve",
            sqlite: "SELECT ?",
            postgresql: "SELECT $1",
            mysql: "SELECT ?",
        },
    );
    assert_eq!(names(&q), ["naïve"]);
}

#[test]
fn parse_splits_sql_and_parameters() {
    assert_eq!(
        parse("WHERE a = :a AND b::text = :b_2"),
        [
            TextPart::Sql("WHERE a = ".into()),
            TextPart::Param("a".into()),
            TextPart::Sql(" AND b::text = ".into()),
            TextPart::Param("b_2".into()),
        ]
    );
    // A lone colon, or one followed by a non-word character, stays SQL.
    assert_eq!(
        parse("SELECT ':' || : x"),
        [TextPart::Sql("SELECT ':' || : x".into())]
    );
}

#[test]
fn bindparams_values_are_fallbacks_for_execution_parameters() {
    // text("SELECT * FROM users WHERE id = :id AND name = :name")
    //     .bindparams(bindparam("id", 7, type_=Integer), name="bob")
    let mut bound_values = HashMap::new();
    bound_values.insert("id".to_string(), (Value::Int(7), SqlType::Integer));
    bound_values.insert("name".to_string(), (text("bob"), SqlType::String(None)));
    let st = Statement::Text(Arc::new(TextClause::new(
        "SELECT * FROM users WHERE id = :id AND name = :name",
        bound_values,
        Vec::new(),
    )));
    let all = golden(
        &st,
        &Golden {
            default: "SELECT * FROM users WHERE id = :id AND name = :name",
            sqlite: "SELECT * FROM users WHERE id = ? AND name = ?",
            postgresql: "SELECT * FROM users WHERE id = $1 AND name = $2",
            mysql: "SELECT * FROM users WHERE id = ? AND name = ?",
        },
    );
    for c in &all {
        assert_eq!(names(c), ["id", "name"]);
        assert!(
            matches!(&c.params[0], ParamRef::Named { name, fallback: Some(0), ty }
                if &**name == "id" && *ty == SqlType::Integer),
            "{:?}",
            c.params
        );
        assert_eq!(param_values(&st, c), [Some(int(7)), Some(text("bob"))]);
    }
    assert_eq!(bound(&st), [Some(int(7)), Some(text("bob"))]);
}

#[test]
fn columns_type_the_result() {
    // text("SELECT id, name FROM users").columns(id=Integer, name=String)
    let st = Statement::Text(Arc::new(TextClause::new(
        "SELECT id, name FROM users",
        HashMap::new(),
        vec![
            ("id".into(), SqlType::Integer),
            ("name".into(), SqlType::String(None)),
        ],
    )));
    let c = ferro_tests::compiled(&st, ferro_sql::Dialect::Sqlite);
    let cols: Vec<_> = c.columns.iter().map(|c| (c.name.as_str(), &c.ty)).collect();
    assert_eq!(
        cols,
        [("id", &SqlType::Integer), ("name", &SqlType::String(None))]
    );
    assert!(c.params.is_empty());
}

#[test]
fn dml_is_recognised_by_its_first_keyword() {
    // text("INSERT INTO users (name) VALUES (:name)")
    let ins = text_stmt("  insert INTO users (name) VALUES (:name)");
    assert!(ins.is_dml());
    assert!(ferro_tests::compiled(&ins, ferro_sql::Dialect::Sqlite).is_dml);
    for sql in [
        "UPDATE users SET name = :n",
        "DELETE FROM users",
        "REPLACE INTO t VALUES (1)",
    ] {
        assert!(text_stmt(sql).is_dml(), "{sql}");
    }
    for sql in [
        "SELECT 1",
        "CREATE TABLE t (x INTEGER)",
        "WITH x AS (SELECT 1) SELECT * FROM x",
    ] {
        let st = text_stmt(sql);
        assert!(!st.is_dml(), "{sql}");
        assert!(!ferro_tests::compiled(&st, ferro_sql::Dialect::Sqlite).is_dml);
    }
}

#[test]
fn text_inside_a_where_clause() {
    // select(users.c.id).where(text("age > :min")).where(users.c.name == "x")
    let u = users();
    let mut s = select(vec![u.id.clone()]);
    s.where_ = Some(Expr::bool_clause(
        BoolOp::And,
        vec![
            Expr::text(Arc::new(TextClause::new(
                "age > :min",
                HashMap::new(),
                Vec::new(),
            ))),
            cmp(&u.name, BinOp::Eq, text("x")),
        ],
    ));
    let st = stmt(s);
    let all = golden(
        &st,
        &Golden {
            default: "SELECT users.id \nFROM users \nWHERE age > :min AND users.name = :name_1",
            sqlite: "SELECT users.id \nFROM users \nWHERE age > ? AND users.name = ?",
            postgresql: "SELECT users.id \nFROM users \nWHERE age > $1 AND users.name = $2",
            mysql: "SELECT users.id \nFROM users \nWHERE age > ? AND users.name = ?",
        },
    );
    for c in &all {
        assert_eq!(names(c), ["min", "name_1"]);
        assert_eq!(param_values(&st, c), [None, Some(text("x"))]);
    }
}
