//! Golden (SQL, binds) pairs for compound selects, CTEs (recursive too), LATERAL, correlation,
//! row locks, DISTINCT ON, INSERT ... SELECT, multi-table UPDATE/DELETE and upserts, on all four
//! dialects. Expected strings are SQLAlchemy 2.1.9's (the Python is in each test's comment), with
//! PostgreSQL's `%(name)s::TYPE` and MySQL's `%s` as ferroalchemy's drivers take them (`$n`, `?`).
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use ferro_sql::compiler::CompileOptions;
use ferro_sql::expr::{BinOp, Expr, TableRef, UnaryOp};
use ferro_sql::stmt::{Compound, CompoundOp, Correlation, ForUpdate, FromItem, Join, OnConflict};
use ferro_sql::{
    compile, CompileError, Delete, Dialect, Insert, Select, SqlType, Statement, Update,
};
use ferro_tests::{
    addresses, bound, cmp, golden, int, param, param_values, select, stmt, text, users,
    users_columns, Addresses, Golden, Users,
};

fn names(c: &ferro_sql::Compiled) -> Vec<&str> {
    c.param_names.iter().map(String::as_str).collect()
}

fn finished(s: Select) -> Arc<Select> {
    Arc::new(s.finish())
}

fn compound(op: CompoundOp, selects: Vec<Select>) -> Select {
    Select {
        compound: Some(Compound {
            op,
            selects: selects.into_iter().map(finished).collect(),
        }),
        ..Default::default()
    }
}

fn ids_where(u: &Users, op: BinOp, n: i64) -> Select {
    let mut s = select(vec![u.id.clone()]);
    s.where_ = Some(cmp(&u.id, op, int(n)));
    s
}

#[test]
fn union_with_order_by_and_limit() {
    // union(select(users.c.id).where(users.c.id < 3), select(users.c.id).where(users.c.id > 4))
    //     .order_by("id").limit(2)
    let u = users();
    let mut s = compound(
        CompoundOp::Union,
        vec![ids_where(&u, BinOp::Lt, 3), ids_where(&u, BinOp::Gt, 4)],
    );
    s.order_by = vec![Expr::column(None, "id", SqlType::Integer)];
    s.limit = Some(param(2));
    let st = stmt(s);
    let [d, q, p, m] = golden(
        &st,
        &Golden {
            default: "SELECT users.id \nFROM users \nWHERE users.id < :id_1 UNION SELECT users.id \nFROM users \nWHERE users.id > :id_2 ORDER BY id\n LIMIT :param_1",
            sqlite: "SELECT users.id \nFROM users \nWHERE users.id < ? UNION SELECT users.id \nFROM users \nWHERE users.id > ? ORDER BY id\n LIMIT ? OFFSET ?",
            postgresql: "SELECT users.id \nFROM users \nWHERE users.id < $1 UNION SELECT users.id \nFROM users \nWHERE users.id > $2 ORDER BY id \n LIMIT $3",
            mysql: "SELECT users.id \nFROM users \nWHERE users.id < ? UNION SELECT users.id \nFROM users \nWHERE users.id > ? ORDER BY id \n LIMIT ?",
        },
    );
    assert_eq!(names(&d), ["id_1", "id_2", "param_1"]);
    assert_eq!(names(&q), ["id_1", "id_2", "param_1", "param_2"]);
    assert_eq!(
        param_values(&st, &q),
        [Some(int(3)), Some(int(4)), Some(int(2)), Some(int(0))]
    );
    for c in [&p, &m] {
        assert_eq!(
            param_values(&st, c),
            [Some(int(3)), Some(int(4)), Some(int(2))]
        );
    }
    assert_eq!(d.columns.len(), 1);
    assert!(d.returns_rows);
}

#[test]
fn every_set_operator_and_grouped_members() {
    // except_all(union(s1.order_by(users.c.id).limit(1), s2), intersect_all(s3, s4))
    let u = users();
    let mut limited = select(vec![u.id.clone()]);
    limited.order_by = vec![u.id.clone()];
    limited.limit = Some(param(1));
    let inner = compound(
        CompoundOp::Union,
        vec![limited, select(vec![u.age.clone()])],
    );
    let right = compound(
        CompoundOp::IntersectAll,
        vec![select(vec![u.id.clone()]), select(vec![u.age.clone()])],
    );
    let st = stmt(compound(CompoundOp::ExceptAll, vec![inner, right]));
    golden(
        &st,
        &Golden {
            default: "((SELECT users.id \nFROM users ORDER BY users.id\n LIMIT :param_1) UNION SELECT users.age \nFROM users) EXCEPT ALL (SELECT users.id \nFROM users INTERSECT ALL SELECT users.age \nFROM users)",
            sqlite: "((SELECT users.id \nFROM users ORDER BY users.id\n LIMIT ? OFFSET ?) UNION SELECT users.age \nFROM users) EXCEPT ALL (SELECT users.id \nFROM users INTERSECT ALL SELECT users.age \nFROM users)",
            postgresql: "((SELECT users.id \nFROM users ORDER BY users.id \n LIMIT $1) UNION SELECT users.age \nFROM users) EXCEPT ALL (SELECT users.id \nFROM users INTERSECT ALL SELECT users.age \nFROM users)",
            mysql: "((SELECT users.id \nFROM users ORDER BY users.id \n LIMIT ?) UNION SELECT users.age \nFROM users) EXCEPT ALL (SELECT users.id \nFROM users INTERSECT ALL SELECT users.age \nFROM users)",
        },
    );
    for (op, kw) in [
        (CompoundOp::UnionAll, "UNION ALL"),
        (CompoundOp::Intersect, "INTERSECT"),
        (CompoundOp::Except, "EXCEPT"),
    ] {
        let st = stmt(compound(
            op,
            vec![select(vec![u.id.clone()]), select(vec![u.age.clone()])],
        ));
        let c = ferro_tests::compiled(&st, Dialect::Sqlite);
        assert_eq!(
            c.sql,
            format!("SELECT users.id \nFROM users {kw} SELECT users.age \nFROM users")
        );
    }
}

#[test]
fn compound_as_subquery_labels_every_member() {
    // s = union(select(users.c.id), select(addresses.c.user_id)).subquery()
    // select(s.c.id).where(s.c.id > 1)
    let (u, a) = (users(), addresses());
    let body = finished(compound(
        CompoundOp::Union,
        vec![select(vec![u.id.clone()]), select(vec![a.user_id.clone()])],
    ));
    let sub = TableRef::derived(None);
    let sid = Expr::column(Some(sub.clone()), "id", SqlType::Integer);
    let mut s = select(vec![sid.clone()]);
    s.froms = vec![FromItem::Subquery {
        select: body,
        name: sub.name.clone(),
        table: sub,
        lateral: false,
    }];
    s.where_ = Some(Expr::binary(
        sid,
        BinOp::Gt,
        Expr::bind("id", Some(int(1)), SqlType::Integer, true),
    ));
    golden(
        &stmt(s),
        &Golden {
            default: "SELECT anon_1.id \nFROM (SELECT users.id AS id \nFROM users UNION SELECT addresses.user_id AS user_id \nFROM addresses) AS anon_1 \nWHERE anon_1.id > :id_1",
            sqlite: "SELECT anon_1.id \nFROM (SELECT users.id AS id \nFROM users UNION SELECT addresses.user_id AS user_id \nFROM addresses) AS anon_1 \nWHERE anon_1.id > ?",
            postgresql: "SELECT anon_1.id \nFROM (SELECT users.id AS id \nFROM users UNION SELECT addresses.user_id AS user_id \nFROM addresses) AS anon_1 \nWHERE anon_1.id > $1",
            mysql: "SELECT anon_1.id \nFROM (SELECT users.id AS id \nFROM users UNION SELECT addresses.user_id AS user_id \nFROM addresses) AS anon_1 \nWHERE anon_1.id > ?",
        },
    );
}

/// `select(cte.c.id, cte.c.n)` over `r`: `select(users.c.id, users.c.id.label("n"))
/// .where(users.c.id < 3).cte("r", recursive=True)` union_all'd with
/// `select(r.c.id, r.c.n + 1).where(r.c.n < 4)`.
fn recursive_cte(u: &Users, name: Option<&str>) -> Statement {
    let r = TableRef::derived(name);
    let rid = Expr::column(Some(r.clone()), "id", SqlType::Integer);
    let rn = Expr::column(Some(r.clone()), "n", SqlType::Integer);
    let mut seed = select(vec![u.id.clone(), Expr::label("n", u.id.clone())]);
    seed.where_ = Some(cmp(&u.id, BinOp::Lt, int(3)));
    let seed = finished(seed);
    let seed_item = FromItem::Cte {
        select: seed.clone(),
        table: r.clone(),
        recursive: true,
    };
    let mut step = select(vec![
        rid.clone(),
        Expr::binary(
            rn.clone(),
            BinOp::Add,
            Expr::bind("n", Some(int(1)), SqlType::Integer, true),
        ),
    ]);
    step.froms = vec![seed_item];
    step.where_ = Some(Expr::binary(
        rn.clone(),
        BinOp::Lt,
        Expr::bind("n", Some(int(4)), SqlType::Integer, true),
    ));
    let body = Select {
        compound: Some(Compound {
            op: CompoundOp::UnionAll,
            selects: vec![seed, finished(step)],
        }),
        ..Default::default()
    };
    let mut top = select(vec![rid, rn]);
    top.froms = vec![FromItem::Cte {
        select: finished(body),
        table: r,
        recursive: true,
    }];
    stmt(top)
}

#[test]
fn recursive_cte_declares_its_columns() {
    let u = users();
    let st = recursive_cte(&u, Some("r"));
    let [d, q, ..] = golden(
        &st,
        &Golden {
            default: "WITH RECURSIVE r(id, n) AS \n(SELECT users.id AS id, users.id AS n \nFROM users \nWHERE users.id < :id_1 UNION ALL SELECT r.id AS id, r.n + :n_1 AS anon_1 \nFROM r \nWHERE r.n < :n_2)\n SELECT r.id, r.n \nFROM r",
            sqlite: "WITH RECURSIVE r(id, n) AS \n(SELECT users.id AS id, users.id AS n \nFROM users \nWHERE users.id < ? UNION ALL SELECT r.id AS id, r.n + ? AS anon_1 \nFROM r \nWHERE r.n < ?)\n SELECT r.id, r.n \nFROM r",
            postgresql: "WITH RECURSIVE r(id, n) AS \n(SELECT users.id AS id, users.id AS n \nFROM users \nWHERE users.id < $1 UNION ALL SELECT r.id AS id, r.n + $2 AS anon_1 \nFROM r \nWHERE r.n < $3)\n SELECT r.id, r.n \nFROM r",
            mysql: "WITH RECURSIVE r(id, n) AS \n(SELECT users.id AS id, users.id AS n \nFROM users \nWHERE users.id < ? UNION ALL SELECT r.id AS id, r.n + ? AS anon_1 \nFROM r \nWHERE r.n < ?)\n SELECT r.id, r.n \nFROM r",
        },
    );
    assert_eq!(names(&d), ["id_1", "n_1", "n_2"]);
    assert_eq!(
        param_values(&st, &q),
        [Some(int(3)), Some(int(1)), Some(int(4))]
    );
    // An anonymous recursive CTE is named where it is defined.
    let c = ferro_tests::compiled(&recursive_cte(&u, None), Dialect::Default);
    assert!(
        c.sql.starts_with("WITH RECURSIVE anon_1(id, n) AS"),
        "{}",
        c.sql
    );
    assert!(
        c.sql.ends_with("SELECT anon_1.id, anon_1.n \nFROM anon_1"),
        "{}",
        c.sql
    );
}

#[test]
fn ctes_used_twice_and_only_in_a_subquery_are_defined_once_on_top() {
    // c = select(users.c.id).cte("c"); x, y = c.alias("x"), c.alias("y")
    // select(x.c.id).where(x.c.id.in_(select(y.c.id)))
    let u = users();
    let c = TableRef::new("c", None);
    let body = finished(select(vec![u.id.clone()]));
    let cte = |alias: &str| {
        let t = TableRef::alias(&c, Some(alias));
        (
            FromItem::Cte {
                select: body.clone(),
                table: t.clone(),
                recursive: false,
            },
            Expr::column(Some(t), "id", SqlType::Integer),
        )
    };
    let ((fx, xid), (fy, yid)) = (cte("x"), cte("y"));
    let mut inner = select(vec![yid]);
    inner.froms = vec![fy];
    let mut s = select(vec![xid.clone()]);
    s.froms = vec![fx];
    s.where_ = Some(Expr::binary(
        xid,
        BinOp::In,
        Expr::scalar_select(finished(inner)),
    ));
    let [_, q, ..] = golden(
        &stmt(s),
        &Golden {
            default: "WITH c AS \n(SELECT users.id AS id \nFROM users)\n SELECT x.id \nFROM c AS x \nWHERE x.id IN (SELECT y.id \nFROM c AS y)",
            sqlite: "WITH c AS \n(SELECT users.id AS id \nFROM users)\n SELECT x.id \nFROM c AS x \nWHERE x.id IN (SELECT y.id \nFROM c AS y)",
            postgresql: "WITH c AS \n(SELECT users.id AS id \nFROM users)\n SELECT x.id \nFROM c AS x \nWHERE x.id IN (SELECT y.id \nFROM c AS y)",
            mysql: "WITH c AS \n(SELECT users.id AS id \nFROM users)\n SELECT x.id \nFROM c AS x \nWHERE x.id IN (SELECT y.id \nFROM c AS y)",
        },
    );
    assert!(q.params.is_empty());
}

#[test]
fn lateral_join_on_true() {
    // l = select(addresses.c.email).where(addresses.c.user_id == users.c.id).lateral("l")
    // select(users.c.name, l.c.email).select_from(users.join(l, true()))
    let (u, a) = (users(), addresses());
    let mut inner = select(vec![a.email.clone()]);
    inner.where_ = Some(Expr::binary(a.user_id.clone(), BinOp::Eq, u.id.clone()));
    let l = TableRef::derived(Some("l"));
    let mut s = select(vec![
        u.name.clone(),
        Expr::column(Some(l.clone()), "email", SqlType::String(Some(100))),
    ]);
    s.froms = vec![FromItem::Join {
        left: Box::new(FromItem::Table(u.table.clone())),
        joins: vec![Join {
            target: FromItem::Subquery {
                select: finished(inner),
                name: l.name.clone(),
                table: l,
                lateral: true,
            },
            on: Some(Expr::true_()),
            outer: false,
            full: false,
        }],
    }];
    let body = "(SELECT addresses.email AS email \nFROM addresses \nWHERE addresses.user_id = users.id) AS l ON ";
    golden(
        &stmt(s),
        &Golden {
            default: &format!("SELECT users.name, l.email \nFROM users JOIN LATERAL {body}true"),
            sqlite: &format!("SELECT users.name, l.email \nFROM users JOIN LATERAL {body}1 = 1"),
            postgresql: &format!("SELECT users.name, l.email \nFROM users JOIN LATERAL {body}true"),
            mysql: &format!(
                "SELECT users.name, l.email \nFROM users INNER JOIN LATERAL {body}true = 1"
            ),
        },
    );
}

/// `select(func.count(addresses.c.id)).where(addresses.c.user_id == users.c.id)` with `c`.
fn count_of(u: &Users, a: &Addresses, c: Correlation) -> ExprRefAlias {
    let mut s = select(vec![Expr::func(
        "count",
        vec![a.id.clone()],
        SqlType::Integer,
    )]);
    s.where_ = Some(Expr::binary(a.user_id.clone(), BinOp::Eq, u.id.clone()));
    s.correlation = c;
    Expr::scalar_select(finished(s))
}

type ExprRefAlias = ferro_sql::ExprRef;

#[test]
fn correlation_explicit_none_except_and_auto() {
    let (u, a) = (users(), addresses());
    let outer = |c: Correlation, with_addresses: bool| {
        let mut cols = vec![u.name.clone()];
        if with_addresses {
            cols.push(a.email.clone());
        }
        let mut s = select(cols);
        s.where_ = Some(Expr::binary(count_of(&u, &a, c), BinOp::Gt, param(1)));
        ferro_tests::compiled(&stmt(s), Dialect::Default)
    };
    let correlated = "(SELECT count(addresses.id) AS count_1 \nFROM addresses \nWHERE addresses.user_id = users.id)";
    // .correlate(users)
    let only = Correlation {
        only: Some(vec![u.table.clone()]),
        except: None,
        auto: false,
    };
    assert_eq!(
        outer(only, false).sql,
        format!("SELECT users.name \nFROM users \nWHERE {correlated} > :param_1")
    );
    // .correlate(None)
    let none = Correlation {
        only: Some(Vec::new()),
        except: None,
        auto: false,
    };
    assert!(outer(none, false)
        .sql
        .contains("FROM addresses, users \nWHERE addresses.user_id = users.id"));
    // .correlate_except(addresses), the enclosing SELECT reading both tables
    let except = Correlation {
        only: None,
        except: Some(vec![a.table.clone()]),
        auto: false,
    };
    assert!(outer(except, true).sql.contains(correlated));
    // auto-correlation that leaves no FROM is an error, as in SQLAlchemy
    let mut s = select(vec![u.name.clone(), a.email.clone()]);
    s.where_ = Some(Expr::binary(
        count_of(&u, &a, Correlation::default()),
        BinOp::Gt,
        param(1),
    ));
    let err = compile(&stmt(s), Dialect::Sqlite, &CompileOptions::default()).unwrap_err();
    assert!(matches!(err, CompileError::InvalidRequest(_)), "{err:?}");
    assert_eq!(err.exception_name(), "InvalidRequestError");
}

#[test]
fn row_locks_per_dialect() {
    // select(users.c.id, addresses.c.id).join(addresses).with_for_update(...)
    let (u, a) = (users(), addresses());
    let locked = |fu: ForUpdate| {
        let mut s = select(vec![u.id.clone()]);
        s.froms = vec![FromItem::Join {
            left: Box::new(FromItem::Table(u.table.clone())),
            joins: vec![Join {
                target: FromItem::Table(a.table.clone()),
                on: Some(Expr::binary(u.id.clone(), BinOp::Eq, a.user_id.clone())),
                outer: false,
                full: false,
            }],
        }];
        s.for_update = Some(fu);
        let st = stmt(s);
        [
            Dialect::Default,
            Dialect::Sqlite,
            Dialect::Postgresql,
            Dialect::Mysql,
        ]
        .map(|d| {
            let sql = ferro_tests::compiled(&st, d).sql;
            let tail = sql.split("user_id").nth(1).unwrap_or_default().to_string();
            tail
        })
    };
    let of = vec![u.table.clone(), TableRef::alias(&a.table, Some("aa"))];
    let cases: [(ForUpdate, [&str; 4]); 5] = [
        (
            ForUpdate::default(),
            [" FOR UPDATE", "", " FOR UPDATE", " FOR UPDATE"],
        ),
        (
            ForUpdate {
                read: true,
                nowait: true,
                ..Default::default()
            },
            [
                " FOR UPDATE",
                "",
                " FOR SHARE NOWAIT",
                " LOCK IN SHARE MODE NOWAIT",
            ],
        ),
        (
            ForUpdate {
                key_share: true,
                skip_locked: true,
                ..Default::default()
            },
            [
                " FOR UPDATE",
                "",
                " FOR NO KEY UPDATE SKIP LOCKED",
                " FOR UPDATE SKIP LOCKED",
            ],
        ),
        (
            ForUpdate {
                read: true,
                key_share: true,
                ..Default::default()
            },
            [" FOR UPDATE", "", " FOR KEY SHARE", " LOCK IN SHARE MODE"],
        ),
        (
            ForUpdate {
                of,
                nowait: true,
                ..Default::default()
            },
            [
                " FOR UPDATE",
                "",
                " FOR UPDATE OF users, aa NOWAIT",
                " FOR UPDATE NOWAIT",
            ],
        ),
    ];
    for (fu, want) in cases {
        assert_eq!(locked(fu.clone()), want.map(String::from), "{fu:?}");
    }
}

#[test]
fn distinct_on_is_postgresql_only() {
    // select(users.c.age, users.c.name).distinct(users.c.age)
    let u = users();
    let mut s = select(vec![u.age.clone(), u.name.clone()]);
    s.distinct = true;
    s.distinct_on = vec![u.age.clone()];
    golden(
        &stmt(s),
        &Golden {
            default: "SELECT DISTINCT users.age, users.name \nFROM users",
            sqlite: "SELECT DISTINCT users.age, users.name \nFROM users",
            postgresql: "SELECT DISTINCT ON (users.age) users.age, users.name \nFROM users",
            mysql: "SELECT DISTINCT users.age, users.name \nFROM users",
        },
    );
}

#[test]
fn exists_groups_under_and_and_not() {
    // select(users.c.name).where(~exists().where(addresses.c.user_id == users.c.id))
    let (u, a) = (users(), addresses());
    let mut inner = select(vec![Expr::star()]);
    inner.where_ = Some(Expr::binary(a.user_id.clone(), BinOp::Eq, u.id.clone()));
    let ex = Expr::unary(UnaryOp::Exists, Expr::scalar_select(finished(inner)));
    let mut s = select(vec![u.name.clone()]);
    s.where_ = Some(Expr::unary(UnaryOp::Not, ex));
    let c = ferro_tests::compiled(&stmt(s), Dialect::Default);
    assert_eq!(
        c.sql,
        "SELECT users.name \nFROM users \nWHERE NOT (EXISTS (SELECT * \nFROM addresses \nWHERE addresses.user_id = users.id))"
    );
}

fn insert(u: &Users) -> Insert {
    Insert {
        table: u.table.clone(),
        table_columns: users_columns(),
        values: Vec::new(),
        multi_values: Vec::new(),
        returning: Vec::new(),
        on_conflict: None,
        from_select: None,
        on_duplicate: None,
        key: 0,
    }
}

#[test]
fn insert_from_select_with_a_cte() {
    // c = select(users.c.name, users.c.age).where(users.c.id < 3).cte("src")
    // insert(users).from_select(["name", "age"], select(c.c.name, c.c.age))
    let u = users();
    let src = TableRef::derived(Some("src"));
    let mut body = select(vec![u.name.clone(), u.age.clone()]);
    body.where_ = Some(cmp(&u.id, BinOp::Lt, int(3)));
    let mut sel = select(vec![
        Expr::column(Some(src.clone()), "name", SqlType::String(Some(50))),
        Expr::column(Some(src.clone()), "age", SqlType::Integer),
    ]);
    sel.froms = vec![FromItem::Cte {
        select: finished(body),
        table: src,
        recursive: false,
    }];
    let mut i = insert(&u);
    i.from_select = Some((vec!["name".into(), "age".into()], finished(sel)));
    let st = Statement::Insert(Arc::new(i.finish()));
    let with = "WITH src AS \n(SELECT users.name AS name, users.age AS age \nFROM users \nWHERE users.id < ";
    let tail = ")\n SELECT src.name, src.age \nFROM src";
    let [d, ..] = golden(
        &st,
        &Golden {
            default: &format!(
                "{with}:id_1)\n INSERT INTO users (name, age) SELECT src.name, src.age \nFROM src"
            ),
            sqlite: &format!(
                "{with}?)\n INSERT INTO users (name, age) SELECT src.name, src.age \nFROM src"
            ),
            postgresql: &format!(
                "{with}$1)\n INSERT INTO users (name, age) SELECT src.name, src.age \nFROM src"
            ),
            // MySQL's WITH goes on the SELECT.
            mysql: &format!("INSERT INTO users (name, age) {with}?{tail}"),
        },
    );
    assert_eq!(names(&d), ["id_1"]);
    assert_eq!(bound(&st), [Some(int(3))]);
    assert!(d.is_insert && !d.returns_rows);
}

#[test]
fn upserts_per_dialect() {
    // postgresql.insert(users).values(name=..).on_conflict_do_update(index_elements=[name],
    //     index_where=users.c.age > 0, set_={"age": excluded.age})
    let u = users();
    let excluded = TableRef::new("excluded", None);
    let value = |n: &str| Expr::bind(n, Some(text("A")), SqlType::String(Some(50)), false);
    let mut i = insert(&u);
    i.values = vec![("name".into(), value("name"))];
    i.on_conflict = Some(OnConflict {
        target: vec!["name".into()],
        constraint: None,
        index_where: Some(cmp(&u.age, BinOp::Gt, int(0))),
        set: Some(vec![(
            "age".into(),
            Expr::column(Some(excluded), "age", SqlType::Integer),
        )]),
        where_: None,
    });
    let st = Statement::Insert(Arc::new(i.clone().finish()));
    let c = |d| compile(&st, d, &CompileOptions::default());
    assert_eq!(
        c(Dialect::Postgresql).unwrap().sql,
        "INSERT INTO users (name) VALUES ($1) ON CONFLICT (name) WHERE age > $2 DO UPDATE SET age = excluded.age"
    );
    // SQLite takes no parameters in the index predicate.
    assert_eq!(
        c(Dialect::Sqlite).unwrap().sql,
        "INSERT INTO users (name) VALUES (?) ON CONFLICT (name) WHERE age > 0 DO UPDATE SET age = excluded.age"
    );
    assert!(matches!(
        c(Dialect::Mysql),
        Err(CompileError::Unsupported(_))
    ));
    // on_conflict_do_nothing(constraint="users_name_key")
    i.on_conflict = Some(OnConflict {
        target: Vec::new(),
        constraint: Some("users_name_key".into()),
        index_where: None,
        set: None,
        where_: None,
    });
    let st = Statement::Insert(Arc::new(i.clone().finish()));
    assert_eq!(
        ferro_tests::compiled(&st, Dialect::Postgresql).sql,
        "INSERT INTO users (name) VALUES ($1) ON CONFLICT ON CONSTRAINT users_name_key DO NOTHING"
    );
    // mysql.insert(users).values(name=...).on_duplicate_key_update(age=users.c.age + inserted.age,
    //     email="z")
    i.on_conflict = None;
    i.on_duplicate = Some(vec![
        (
            "age".into(),
            Expr::binary(
                u.age.clone(),
                BinOp::Add,
                Expr::func(
                    "VALUES",
                    vec![Expr::column(None, "age", SqlType::Integer)],
                    SqlType::Integer,
                ),
            ),
        ),
        (
            "email".into(),
            Expr::bind("param", Some(text("z")), SqlType::String(Some(100)), true),
        ),
    ]);
    let st = Statement::Insert(Arc::new(i.finish()));
    let m = ferro_tests::compiled(&st, Dialect::Mysql);
    assert_eq!(
        m.sql,
        "INSERT INTO users (name) VALUES (?) ON DUPLICATE KEY UPDATE age = (users.age + VALUES(age)), email = ?"
    );
    assert_eq!(names(&m), ["name", "param_1"]);
    assert_eq!(param_values(&st, &m), [Some(text("A")), Some(text("z"))]);
    assert!(compile(&st, Dialect::Sqlite, &CompileOptions::default()).is_err());
}

#[test]
fn multi_table_update_and_delete() {
    // update(users).where(users.c.id == addresses.c.user_id).values(email=addresses.c.email)
    let (u, a) = (users(), addresses());
    let upd = Statement::Update(Arc::new(
        Update {
            table: u.table.clone(),
            table_columns: users_columns(),
            values: vec![("email".into(), a.email.clone())],
            ordered: false,
            where_: Some(Expr::binary(u.id.clone(), BinOp::Eq, a.user_id.clone())),
            returning: Vec::new(),
            key: 0,
        }
        .finish(),
    ));
    golden(
        &upd,
        &Golden {
            default: "UPDATE users SET email=addresses.email FROM addresses WHERE users.id = addresses.user_id",
            sqlite: "UPDATE users SET email=addresses.email FROM addresses WHERE users.id = addresses.user_id",
            postgresql: "UPDATE users SET email=addresses.email FROM addresses WHERE users.id = addresses.user_id",
            mysql: "UPDATE users, addresses SET users.email=addresses.email WHERE users.id = addresses.user_id",
        },
    );
    // delete(addresses).where(addresses.c.user_id == users.c.id, users.c.name == "Anna")
    let del = Statement::Delete(Arc::new(
        Delete {
            table: a.table.clone(),
            where_: Some(Expr::binary(a.user_id.clone(), BinOp::Eq, u.id.clone())),
            returning: Vec::new(),
            key: 0,
        }
        .finish(),
    ));
    let c = |d| compile(&del, d, &CompileOptions::default());
    let tail = " WHERE addresses.user_id = users.id";
    assert_eq!(
        c(Dialect::Default).unwrap().sql,
        format!("DELETE FROM addresses , users{tail}")
    );
    assert_eq!(
        c(Dialect::Postgresql).unwrap().sql,
        format!("DELETE FROM addresses USING users{tail}")
    );
    assert_eq!(
        c(Dialect::Mysql).unwrap().sql,
        format!("DELETE FROM addresses USING addresses, users{tail}")
    );
    let err = c(Dialect::Sqlite).unwrap_err();
    assert_eq!(err.exception_name(), "NotImplementedError");
}

#[test]
fn ordered_update_keeps_the_given_order() {
    // update(users).ordered_values((users.c.age, 7), (users.c.name, "Bo"))
    let u = users();
    let bind = |n: &str, v| Expr::bind(n, Some(v), SqlType::Integer, false);
    let mut x = Update {
        table: u.table.clone(),
        table_columns: users_columns(),
        values: vec![
            ("age".into(), bind("age", int(7))),
            ("name".into(), bind("name", text("Bo"))),
        ],
        ordered: true,
        where_: None,
        returning: Vec::new(),
        key: 0,
    };
    let ordered = Statement::Update(Arc::new(x.clone().finish()));
    assert_eq!(
        ferro_tests::compiled(&ordered, Dialect::Default).sql,
        "UPDATE users SET age=:age, name=:name"
    );
    x.ordered = false;
    let plain = Statement::Update(Arc::new(x.finish()));
    assert_eq!(
        ferro_tests::compiled(&plain, Dialect::Default).sql,
        "UPDATE users SET name=:name, age=:age"
    );
    assert_ne!(
        ordered.key(),
        plain.key(),
        "ordering is part of the cache key"
    );
}

#[test]
fn new_fields_feed_the_cache_key() {
    let u = users();
    let base = || select(vec![u.id.clone()]);
    let mut keys = vec![stmt(base()).key()];
    let mut s = base();
    s.distinct = true;
    s.distinct_on = vec![u.age.clone()];
    keys.push(stmt(s).key());
    let mut s = base();
    s.for_update = Some(ForUpdate {
        key_share: true,
        ..Default::default()
    });
    keys.push(stmt(s).key());
    let mut s = base();
    s.for_update = Some(ForUpdate {
        of: vec![u.table.clone()],
        ..Default::default()
    });
    keys.push(stmt(s).key());
    let mut s = base();
    s.correlation = Correlation {
        only: Some(Vec::new()),
        except: None,
        auto: false,
    };
    keys.push(stmt(s).key());
    keys.push(stmt(compound(CompoundOp::Union, vec![base(), base()])).key());
    keys.push(stmt(compound(CompoundOp::UnionAll, vec![base(), base()])).key());
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), keys.len(), "{keys:?}");
}
