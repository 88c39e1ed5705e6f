//! The statement cache: building `select(User).where(User.email == x)` and finding its compiled
//! SQL in the cache (the hot path of every repeated query) against compiling it cold.

use std::hint::black_box;
use std::sync::Arc;

use divan::Bencher;
use ferro_benches::{callgrind_mode, Callgrind, Users};
use ferro_sql::compiler::CompileOptions;
use ferro_sql::expr::{BinOp, Expr};
use ferro_sql::{
    compile, Compiled, Dialect, ExprRef, FromItem, Join, Select, SqlType, Statement,
    StatementCache, TableRef, Value,
};

/// A cache holding the statement's shape already, as after an application's first request.
fn warm_cache(users: &Users) -> StatementCache {
    let cache = StatementCache::new(500);
    cache
        .get_or_compile(&users.by_email("warm@example.com"), Dialect::Sqlite, &[])
        .expect("statement compiles");
    cache
}

/// What a repeated `session.execute(stmt)` does before binding: build the nodes, look them up.
fn build_and_hit(users: &Users, cache: &StatementCache) -> Arc<Compiled> {
    let stmt = users.by_email(black_box("alice@example.com"));
    cache
        .get_or_compile(&stmt, Dialect::Sqlite, &[])
        .expect("statement compiles")
}

/// What the first execution of a shape pays on top of building it.
fn build_and_compile(users: &Users) -> Compiled {
    let stmt = users.by_email(black_box("alice@example.com"));
    compile(&stmt, Dialect::Sqlite, &CompileOptions::default()).expect("statement compiles")
}

#[divan::bench]
fn hit(bencher: Bencher) {
    let users = Users::new();
    let cache = warm_cache(&users);
    bencher.bench_local(|| build_and_hit(&users, &cache));
}

/// The lookup alone, on a statement built once (cache key hashing, lock, map probe).
#[divan::bench]
fn hit_prebuilt(bencher: Bencher) {
    let users = Users::new();
    let cache = warm_cache(&users);
    let stmt = users.by_email("alice@example.com");
    bencher.bench_local(|| cache.get_or_compile(&stmt, Dialect::Sqlite, &[]));
}

/// `select(users.id, users.name, count(comments.id)) JOIN posts JOIN comments JOIN tags WHERE ...
/// GROUP BY ... HAVING count(...) > n ORDER BY users.name`: a report query's shape, built once.
fn three_joins() -> Statement {
    let table = |name: &str, cols: &[(&str, SqlType)]| {
        let t = TableRef::new(name, None);
        let c: Vec<ExprRef> = cols
            .iter()
            .map(|(n, ty)| Expr::column(Some(t.clone()), n, ty.clone()))
            .collect();
        (t, c)
    };
    let (users, u) = table(
        "users",
        &[
            ("id", SqlType::Integer),
            ("name", SqlType::String(Some(50))),
            ("email", SqlType::String(Some(120))),
        ],
    );
    let (posts, p) = table(
        "posts",
        &[("id", SqlType::Integer), ("user_id", SqlType::Integer)],
    );
    let (comments, c) = table(
        "comments",
        &[("id", SqlType::Integer), ("post_id", SqlType::Integer)],
    );
    let (tags, t) = table(
        "tags",
        &[
            ("post_id", SqlType::Integer),
            ("name", SqlType::String(Some(30))),
        ],
    );
    let bind = |v: Value, ty: SqlType, name: &str| Expr::bind(name, Some(v), ty, true);
    let eq = |a: &ExprRef, b: &ExprRef| Expr::binary(a.clone(), BinOp::Eq, b.clone());
    let join = |target: &std::sync::Arc<TableRef>, on: ExprRef| Join {
        target: FromItem::Table(target.clone()),
        on: Some(on),
        outer: false,
        full: false,
    };
    let count = Expr::func("count", vec![c[0].clone()], SqlType::Integer);
    let select = Select {
        columns: vec![
            u[0].clone(),
            u[1].clone(),
            Expr::label("n_comments", count.clone()),
        ],
        froms: vec![FromItem::Join {
            left: Box::new(FromItem::Table(users)),
            joins: vec![
                join(&posts, eq(&p[1], &u[0])),
                join(&comments, eq(&c[1], &p[0])),
                join(&tags, eq(&t[0], &p[0])),
            ],
        }],
        where_: Some(Expr::bool_clause(
            ferro_sql::BoolOp::And,
            vec![
                Expr::binary(
                    t[1].clone(),
                    BinOp::Eq,
                    bind(Value::Text("tag3".into()), t[1].ty.clone(), "name"),
                ),
                Expr::binary(
                    u[2].clone(),
                    BinOp::Like,
                    bind(
                        Value::Text("%@example.com".into()),
                        u[2].ty.clone(),
                        "email",
                    ),
                ),
            ],
        )),
        group_by: vec![u[0].clone(), u[1].clone()],
        having: Some(Expr::binary(
            count,
            BinOp::Gt,
            bind(Value::Int(2), SqlType::Integer, "count"),
        )),
        order_by: vec![u[1].clone()],
        ..Default::default()
    };
    Statement::Select(std::sync::Arc::new(select.finish()))
}

/// Compiling a three-join GROUP BY/HAVING statement with no cache (issue target: under 50 us).
#[divan::bench(args = [Dialect::Sqlite, Dialect::Postgresql, Dialect::Mysql])]
fn cold_compile_three_joins(bencher: Bencher, d: Dialect) {
    let stmt = three_joins();
    bencher.bench_local(|| compile(black_box(&stmt), d, &CompileOptions::default()));
}

#[divan::bench]
fn cold_compile(bencher: Bencher) {
    let users = Users::new();
    bencher.bench_local(|| build_and_compile(&users));
}

const CALLGRIND: &[Callgrind] = &[
    Callgrind {
        name: "hit",
        iters: 10_000,
        setup: || {
            let users = Users::new();
            let cache = warm_cache(&users);
            Box::new(move || {
                black_box(build_and_hit(&users, &cache));
            })
        },
    },
    Callgrind {
        name: "hit_prebuilt",
        iters: 10_000,
        setup: || {
            let users = Users::new();
            let cache = warm_cache(&users);
            let stmt = users.by_email("alice@example.com");
            Box::new(move || {
                black_box(cache.get_or_compile(&stmt, Dialect::Sqlite, &[]).ok());
            })
        },
    },
    Callgrind {
        name: "cold_compile",
        iters: 2_000,
        setup: || {
            let users = Users::new();
            Box::new(move || {
                black_box(build_and_compile(&users));
            })
        },
    },
    Callgrind {
        name: "cold_compile_three_joins",
        iters: 2_000,
        setup: || {
            let stmt = three_joins();
            Box::new(move || {
                black_box(compile(&stmt, Dialect::Postgresql, &CompileOptions::default()).ok());
            })
        },
    },
];

fn main() {
    if !callgrind_mode(CALLGRIND) {
        divan::main();
    }
}
