//! The compiled-statement cache: structural keys ignore bound values, so a statement shape built
//! again with other values is a hit whose compiled SQL takes the new values; other shapes, other
//! dialects and INSERT/UPDATE with other parameter keys compile separately.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;

use ferro_sql::cache::bind_values;
use ferro_sql::expr::{BinOp, Expr, UnaryOp};
use ferro_sql::text::TextClause;
use ferro_sql::{Dialect, Insert, SqlType, Statement, StatementCache, Value};
use ferro_tests::{cmp, int, param, param_values, select, stmt, text, users, users_columns};

/// `select(users.c.id, users.c.name).where(users.c.id == <id>)`, built from scratch each time.
fn by_id(id: i64) -> Statement {
    let u = users();
    let mut s = select(vec![u.id.clone(), u.name.clone()]);
    s.where_ = Some(cmp(&u.id, BinOp::Eq, int(id)));
    stmt(s)
}

fn insert_users() -> Statement {
    let u = users();
    Statement::Insert(Arc::new(
        Insert {
            table: u.table,
            table_columns: users_columns(),
            values: Vec::new(),
            multi_values: Vec::new(),
            returning: Vec::new(),
            on_conflict: None,
            from_select: None,
            on_duplicate: None,
            key: 0,
        }
        .finish(),
    ))
}

fn keys(k: &[&str]) -> Vec<String> {
    k.iter().map(|s| s.to_string()).collect()
}

#[test]
fn same_shape_with_other_values_is_a_hit() {
    let (five, seven) = (by_id(5), by_id(7));
    assert_eq!(five.key(), seven.key());
    assert_eq!(bind_values(&five), [Some(&int(5))]);
    assert_eq!(bind_values(&seven), [Some(&int(7))]);

    let cache = StatementCache::new(100);
    assert!(cache.is_empty());
    let first = cache.get_or_compile(&five, Dialect::Sqlite, &[]).unwrap();
    let second = cache.get_or_compile(&seven, Dialect::Sqlite, &[]).unwrap();
    assert_eq!(cache.len(), 1);
    assert!(Arc::ptr_eq(&first, &second), "second lookup compiled again");
    assert_eq!(
        second.sql,
        "SELECT users.id, users.name \nFROM users \nWHERE users.id = ?"
    );
    // The cached plan reads each statement's own bound values.
    assert_eq!(param_values(&five, &second), [Some(int(5))]);
    assert_eq!(param_values(&seven, &second), [Some(int(7))]);
}

#[test]
fn each_dialect_has_its_own_entry() {
    let cache = StatementCache::new(100);
    let st = by_id(1);
    let q = cache.get_or_compile(&st, Dialect::Sqlite, &[]).unwrap();
    let p = cache.get_or_compile(&st, Dialect::Postgresql, &[]).unwrap();
    assert_eq!(cache.len(), 2);
    assert!(q.sql.ends_with("= ?"));
    assert!(p.sql.ends_with("= $1"));
    assert_ne!(
        StatementCache::cache_key(&st, Dialect::Sqlite, &[]),
        StatementCache::cache_key(&st, Dialect::Mysql, &[])
    );
}

#[test]
fn different_shapes_get_different_keys() {
    let u = users();
    let base = |f: &dyn Fn(&mut ferro_sql::Select)| {
        let mut s = select(vec![u.id.clone()]);
        s.where_ = Some(cmp(&u.id, BinOp::Eq, int(1)));
        f(&mut s);
        stmt(s)
    };
    let shapes = [
        base(&|_| {}),
        base(&|s| s.where_ = Some(cmp(&u.id, BinOp::Lt, int(1)))),
        base(&|s| s.where_ = Some(cmp(&u.age, BinOp::Eq, int(1)))),
        base(&|s| s.where_ = None),
        base(&|s| s.columns.push(u.name.clone())),
        base(&|s| s.order_by = vec![Expr::unary(UnaryOp::Desc, u.id.clone())]),
        base(&|s| s.order_by = vec![Expr::unary(UnaryOp::Asc, u.id.clone())]),
        base(&|s| s.limit = Some(param(10))),
        base(&|s| s.offset = Some(param(10))),
        base(&|s| s.distinct = true),
        // A bind carrying its value and one filled from execution parameters render alike but
        // resolve differently.
        base(&|s| {
            s.where_ = Some(Expr::binary(
                u.id.clone(),
                BinOp::Eq,
                Expr::bind("id", None, SqlType::Integer, false),
            ))
        }),
        // The value itself never enters the key, but an inline literal is SQL text and does.
        base(&|s| {
            s.where_ = Some(Expr::binary(
                u.name.clone(),
                BinOp::Eq,
                Expr::literal_string("a"),
            ))
        }),
        base(&|s| {
            s.where_ = Some(Expr::binary(
                u.name.clone(),
                BinOp::Eq,
                Expr::literal_string("b"),
            ))
        }),
    ];
    let cache = StatementCache::new(100);
    let mut sqls = Vec::new();
    for (i, a) in shapes.iter().enumerate() {
        for b in &shapes[i + 1..] {
            assert_ne!(a.key(), b.key(), "{a:?}\n{b:?}");
        }
        sqls.push(
            cache
                .get_or_compile(a, Dialect::Default, &[])
                .unwrap()
                .sql
                .clone(),
        );
    }
    assert_eq!(cache.len(), shapes.len());
    assert!(sqls[12].ends_with("users.name = 'b'"), "{}", sqls[12]);
}

#[test]
fn another_table_or_schema_is_another_shape() {
    let other = |name: &str, schema: Option<&str>| {
        let t = ferro_sql::TableRef::new(name, schema);
        stmt(select(vec![Expr::column(Some(t), "id", SqlType::Integer)]))
    };
    let plain = other("users", None);
    // Rebuilt tables with the same name are the same shape (keys are structural, not identities).
    assert_eq!(plain.key(), other("users", None).key());
    assert_ne!(plain.key(), other("accounts", None).key());
    assert_ne!(plain.key(), other("users", Some("archive")).key());
}

#[test]
fn insert_with_other_parameter_keys_compiles_separately() {
    let cache = StatementCache::new(100);
    let ins = insert_users();
    let one = cache
        .get_or_compile(&ins, Dialect::Sqlite, &keys(&["name"]))
        .unwrap();
    let two = cache
        .get_or_compile(&ins, Dialect::Sqlite, &keys(&["name", "email"]))
        .unwrap();
    assert_eq!(cache.len(), 2);
    assert_eq!(one.sql, "INSERT INTO users (name) VALUES (?)");
    assert_eq!(two.sql, "INSERT INTO users (name, email) VALUES (?, ?)");
    let again = cache
        .get_or_compile(&insert_users(), Dialect::Sqlite, &keys(&["name"]))
        .unwrap();
    assert!(Arc::ptr_eq(&one, &again));
    assert_eq!(cache.len(), 2);
}

#[test]
fn select_ignores_parameter_keys() {
    let cache = StatementCache::new(100);
    let st = by_id(3);
    let a = cache.get_or_compile(&st, Dialect::Sqlite, &[]).unwrap();
    let b = cache
        .get_or_compile(&st, Dialect::Sqlite, &keys(&["anything"]))
        .unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    assert_eq!(cache.len(), 1);
}

#[test]
fn compile_errors_are_returned_and_not_cached() {
    let cache = StatementCache::new(100);
    let err = cache
        .get_or_compile(&insert_users(), Dialect::Sqlite, &keys(&["nope"]))
        .expect_err("unknown column");
    assert_eq!(err.to_string(), "Unconsumed column names: nope");
    assert!(cache.is_empty());
}

#[test]
fn a_full_cache_starts_over_and_keeps_working() {
    let cache = StatementCache::new(2);
    let u = users();
    let shapes: Vec<Statement> = [BinOp::Eq, BinOp::Lt, BinOp::Gt]
        .into_iter()
        .map(|op| {
            let mut s = select(vec![u.id.clone()]);
            s.where_ = Some(cmp(&u.id, op, int(1)));
            stmt(s)
        })
        .collect();
    for st in &shapes {
        cache.get_or_compile(st, Dialect::Sqlite, &[]).unwrap();
        assert!(cache.len() <= 2);
    }
    let last = cache
        .get_or_compile(&shapes[2], Dialect::Sqlite, &[])
        .unwrap();
    assert!(last.sql.ends_with("WHERE users.id > ?"), "{}", last.sql);
}

#[test]
fn text_with_other_bound_values_is_a_hit() {
    let with = |v: i64, ty: SqlType| {
        let mut b = HashMap::new();
        b.insert("id".to_string(), (Value::Int(v), ty));
        Statement::Text(Arc::new(TextClause::new("SELECT :id", b, Vec::new())))
    };
    let (a, b) = (with(1, SqlType::Integer), with(2, SqlType::Integer));
    assert_eq!(a.key(), b.key());
    assert_ne!(a.key(), with(1, SqlType::BigInteger).key());
    let cache = StatementCache::new(10);
    let ca = cache.get_or_compile(&a, Dialect::Sqlite, &[]).unwrap();
    let cb = cache.get_or_compile(&b, Dialect::Sqlite, &[]).unwrap();
    assert!(Arc::ptr_eq(&ca, &cb));
    assert_eq!(param_values(&b, &cb), [Some(int(2))]);
    let other_sql = Statement::Text(Arc::new(TextClause::new(
        "SELECT :id + 1",
        HashMap::new(),
        Vec::new(),
    )));
    assert_ne!(a.key(), other_sql.key());
    assert_eq!(bind_values(&b), [Some(&int(2))]);
}

#[test]
fn bind_values_follow_canonical_order() {
    // WHERE, then LIMIT, then OFFSET; text values by position of appearance.
    let u = users();
    let mut s = select(vec![u.id.clone()]);
    s.where_ = Some(cmp(&u.name, BinOp::Eq, text("a")));
    s.limit = Some(param(10));
    s.offset = Some(param(20));
    let st = stmt(s);
    assert_eq!(
        bind_values(&st),
        [Some(&text("a")), Some(&int(10)), Some(&int(20))]
    );
}
