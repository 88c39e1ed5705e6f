//! Golden (SQL, binds) pairs for SELECT: WHERE operators and grouping, LIKE patterns, ORDER BY,
//! LIMIT/OFFSET, joins, result-column labels and identifier quoting, on all four dialects.
//!
//! Every expected string is SQLAlchemy 2.1.9's output for the equivalent Core statement (the
//! Python that produced it is in each test's comment). Default and SQLite strings are
//! SQLAlchemy's character for character. SQLAlchemy's PostgreSQL dialect (psycopg) prints
//! `%(name)s::TYPE` and its MySQL dialect (mysqldb) prints `%s` with `%` doubled as `%%`;
//! ferroalchemy's drivers (sqlx) take `$1, $2, ...` without casts and `?`, so for those two the
//! expected string is SQLAlchemy's with only the parameter markers (and their `%%` escaping)
//! substituted.
#![allow(clippy::unwrap_used)]

use ferro_sql::expr::{BinOp, BoolOp, Expr, UnaryOp};
use ferro_sql::stmt::{FromItem, Join};
use ferro_sql::{SqlType, Value};
use ferro_tests::{
    addresses, bound, cmp, golden, int, param, param_values, select, stmt, text, users, Addresses,
    Golden, Users,
};

// users = Table("users", md, Column("id", Integer, primary_key=True),
//     Column("name", String(50), nullable=False), Column("email", String(100)), Column("age", Integer))
// addresses = Table("addresses", md, Column("id", Integer, primary_key=True),
//     Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
//     Column("email", String(100), nullable=False))

fn names(c: &ferro_sql::Compiled) -> Vec<&str> {
    c.param_names.iter().map(String::as_str).collect()
}

fn result_names(c: &ferro_sql::Compiled) -> Vec<&str> {
    c.columns.iter().map(|c| c.name.as_str()).collect()
}

/// `users JOIN addresses ON users.id = addresses.user_id` (or LEFT OUTER JOIN).
fn users_join_addresses(u: &Users, a: &Addresses, outer: bool) -> FromItem {
    FromItem::Join {
        left: Box::new(FromItem::Table(u.table.clone())),
        joins: vec![Join {
            target: FromItem::Table(a.table.clone()),
            on: Some(Expr::binary(u.id.clone(), BinOp::Eq, a.user_id.clone())),
            outer,
            full: false,
        }],
    }
}

#[test]
fn where_equals_a_value() {
    // select(users.c.id, users.c.name).where(users.c.id == 5)
    let u = users();
    let mut s = select(vec![u.id.clone(), u.name.clone()]);
    s.where_ = Some(cmp(&u.id, BinOp::Eq, int(5)));
    let st = stmt(s);
    let [d, q, p, m] = golden(
        &st,
        &Golden {
            default: "SELECT users.id, users.name \nFROM users \nWHERE users.id = :id_1",
            sqlite: "SELECT users.id, users.name \nFROM users \nWHERE users.id = ?",
            postgresql: "SELECT users.id, users.name \nFROM users \nWHERE users.id = $1",
            mysql: "SELECT users.id, users.name \nFROM users \nWHERE users.id = ?",
        },
    );
    for c in [&d, &q, &p, &m] {
        assert_eq!(names(c), ["id_1"]);
        assert_eq!(param_values(&st, c), [Some(int(5))]);
        assert_eq!(result_names(c), ["id", "name"]);
        assert!(c.returns_rows && !c.is_dml);
    }
    assert_eq!(bound(&st), [Some(int(5))]);
}

#[test]
fn or_inside_and_is_parenthesised() {
    // select(users.c.name).where(and_(users.c.age < 30,
    //     or_(users.c.name == "a", users.c.name == "b")))
    let u = users();
    let mut s = select(vec![u.name.clone()]);
    s.where_ = Some(Expr::bool_clause(
        BoolOp::And,
        vec![
            cmp(&u.age, BinOp::Lt, int(30)),
            Expr::bool_clause(
                BoolOp::Or,
                vec![
                    cmp(&u.name, BinOp::Eq, text("a")),
                    cmp(&u.name, BinOp::Eq, text("b")),
                ],
            ),
        ],
    ));
    let st = stmt(s);
    let [d, q, ..] = golden(
        &st,
        &Golden {
            default: "SELECT users.name \nFROM users \nWHERE users.age < :age_1 AND (users.name = :name_1 OR users.name = :name_2)",
            sqlite: "SELECT users.name \nFROM users \nWHERE users.age < ? AND (users.name = ? OR users.name = ?)",
            postgresql: "SELECT users.name \nFROM users \nWHERE users.age < $1 AND (users.name = $2 OR users.name = $3)",
            mysql: "SELECT users.name \nFROM users \nWHERE users.age < ? AND (users.name = ? OR users.name = ?)",
        },
    );
    assert_eq!(names(&d), ["age_1", "name_1", "name_2"]);
    assert_eq!(names(&q), ["age_1", "name_1", "name_2"]);
    assert_eq!(
        param_values(&st, &q),
        [Some(int(30)), Some(text("a")), Some(text("b"))]
    );
}

#[test]
fn and_inside_or_needs_no_parentheses() {
    // select(users.c.name).where(or_(and_(users.c.age < 30, users.c.email.is_(None)),
    //     users.c.name == "c"))
    let u = users();
    let mut s = select(vec![u.name.clone()]);
    s.where_ = Some(Expr::bool_clause(
        BoolOp::Or,
        vec![
            Expr::bool_clause(
                BoolOp::And,
                vec![
                    cmp(&u.age, BinOp::Lt, int(30)),
                    Expr::binary(u.email.clone(), BinOp::Is, Expr::null()),
                ],
            ),
            cmp(&u.name, BinOp::Eq, text("c")),
        ],
    ));
    let st = stmt(s);
    let [_, q, ..] = golden(
        &st,
        &Golden {
            default: "SELECT users.name \nFROM users \nWHERE users.age < :age_1 AND users.email IS NULL OR users.name = :name_1",
            sqlite: "SELECT users.name \nFROM users \nWHERE users.age < ? AND users.email IS NULL OR users.name = ?",
            postgresql: "SELECT users.name \nFROM users \nWHERE users.age < $1 AND users.email IS NULL OR users.name = $2",
            mysql: "SELECT users.name \nFROM users \nWHERE users.age < ? AND users.email IS NULL OR users.name = ?",
        },
    );
    assert_eq!(param_values(&st, &q), [Some(int(30)), Some(text("c"))]);
}

#[test]
fn not_of_an_or_is_parenthesised() {
    // select(users.c.id).where(not_(or_(users.c.name == "a", users.c.age < 3)))
    let u = users();
    let mut s = select(vec![u.id.clone()]);
    s.where_ = Some(Expr::unary(
        UnaryOp::Not,
        Expr::bool_clause(
            BoolOp::Or,
            vec![
                cmp(&u.name, BinOp::Eq, text("a")),
                cmp(&u.age, BinOp::Lt, int(3)),
            ],
        ),
    ));
    golden(
        &stmt(s),
        &Golden {
            default: "SELECT users.id \nFROM users \nWHERE NOT (users.name = :name_1 OR users.age < :age_1)",
            sqlite: "SELECT users.id \nFROM users \nWHERE NOT (users.name = ? OR users.age < ?)",
            postgresql: "SELECT users.id \nFROM users \nWHERE NOT (users.name = $1 OR users.age < $2)",
            mysql: "SELECT users.id \nFROM users \nWHERE NOT (users.name = ? OR users.age < ?)",
        },
    );
}

#[test]
fn comparison_operators_number_their_binds_per_column() {
    // select(users.c.id).where(users.c.age != 1, users.c.age >= 2, users.c.age <= 3)
    let u = users();
    let mut s = select(vec![u.id.clone()]);
    s.where_ = Some(Expr::bool_clause(
        BoolOp::And,
        vec![
            cmp(&u.age, BinOp::Ne, int(1)),
            cmp(&u.age, BinOp::Ge, int(2)),
            cmp(&u.age, BinOp::Le, int(3)),
        ],
    ));
    let st = stmt(s);
    let [d, ..] = golden(
        &st,
        &Golden {
            default: "SELECT users.id \nFROM users \nWHERE users.age != :age_1 AND users.age >= :age_2 AND users.age <= :age_3",
            sqlite: "SELECT users.id \nFROM users \nWHERE users.age != ? AND users.age >= ? AND users.age <= ?",
            postgresql: "SELECT users.id \nFROM users \nWHERE users.age != $1 AND users.age >= $2 AND users.age <= $3",
            mysql: "SELECT users.id \nFROM users \nWHERE users.age != ? AND users.age >= ? AND users.age <= ?",
        },
    );
    assert_eq!(names(&d), ["age_1", "age_2", "age_3"]);
    assert_eq!(
        param_values(&st, &d),
        [Some(int(1)), Some(int(2)), Some(int(3))]
    );
}

#[test]
fn is_null_and_is_not_null_take_no_parameters() {
    // select(users.c.id).where(users.c.email == None).where(users.c.age.is_not(None))
    let u = users();
    let mut s = select(vec![u.id.clone()]);
    s.where_ = Some(Expr::bool_clause(
        BoolOp::And,
        vec![
            Expr::binary(u.email.clone(), BinOp::Is, Expr::null()),
            Expr::binary(u.age.clone(), BinOp::IsNot, Expr::null()),
        ],
    ));
    let st = stmt(s);
    let sql = "SELECT users.id \nFROM users \nWHERE users.email IS NULL AND users.age IS NOT NULL";
    let all = golden(
        &st,
        &Golden {
            default: sql,
            sqlite: sql,
            postgresql: sql,
            mysql: sql,
        },
    );
    for c in &all {
        assert!(c.params.is_empty() && c.param_names.is_empty());
    }
    assert!(bound(&st).is_empty());
}

#[test]
fn between_binds_both_bounds() {
    // select(users.c.id).where(users.c.age.between(18, 65))
    let u = users();
    let mut s = select(vec![u.id.clone()]);
    s.where_ = Some(Expr::between(
        u.age.clone(),
        ferro_tests::anon(&u.age, int(18)),
        ferro_tests::anon(&u.age, int(65)),
        false,
    ));
    let st = stmt(s);
    let [d, ..] = golden(
        &st,
        &Golden {
            default: "SELECT users.id \nFROM users \nWHERE users.age BETWEEN :age_1 AND :age_2",
            sqlite: "SELECT users.id \nFROM users \nWHERE users.age BETWEEN ? AND ?",
            postgresql: "SELECT users.id \nFROM users \nWHERE users.age BETWEEN $1 AND $2",
            mysql: "SELECT users.id \nFROM users \nWHERE users.age BETWEEN ? AND ?",
        },
    );
    assert_eq!(param_values(&st, &d), [Some(int(18)), Some(int(65))]);
}

/// `col LIKE :bind || '%'`, as `startswith` builds it: the bind is typed String and named after
/// the column.
fn startswith(col: &ferro_sql::ExprRef, column_name: &str, prefix: &str) -> ferro_sql::ExprRef {
    let bind = Expr::bind(column_name, Some(text(prefix)), SqlType::String(None), true);
    let pattern = Expr::binary(bind, BinOp::Concat, Expr::literal_string("%"));
    Expr::binary(col.clone(), BinOp::Like, pattern)
}

#[test]
fn startswith_pattern_is_grouped_in_where() {
    // select(users.c.id).where(users.c.name.startswith("A"))
    let u = users();
    let mut s = select(vec![u.id.clone()]);
    s.where_ = Some(startswith(&u.name, "name", "A"));
    let st = stmt(s);
    let [d, q, p, m] = golden(
        &st,
        &Golden {
            default: "SELECT users.id \nFROM users \nWHERE (users.name LIKE :name_1 || '%')",
            sqlite: "SELECT users.id \nFROM users \nWHERE (users.name LIKE ? || '%')",
            postgresql: "SELECT users.id \nFROM users \nWHERE (users.name LIKE $1 || '%')",
            mysql: "SELECT users.id \nFROM users \nWHERE (users.name LIKE concat(?, '%'))",
        },
    );
    for c in [&d, &q, &p, &m] {
        assert_eq!(names(c), ["name_1"]);
        assert_eq!(param_values(&st, c), [Some(text("A"))]);
    }
}

#[test]
fn startswith_pattern_is_grouped_inside_and() {
    // select(users.c.id).where(users.c.name.startswith("A"), users.c.age >= 18)
    let u = users();
    let mut s = select(vec![u.id.clone()]);
    s.where_ = Some(Expr::bool_clause(
        BoolOp::And,
        vec![
            startswith(&u.name, "name", "A"),
            cmp(&u.age, BinOp::Ge, int(18)),
        ],
    ));
    let st = stmt(s);
    let [_, q, ..] = golden(
        &st,
        &Golden {
            default: "SELECT users.id \nFROM users \nWHERE (users.name LIKE :name_1 || '%') AND users.age >= :age_1",
            sqlite: "SELECT users.id \nFROM users \nWHERE (users.name LIKE ? || '%') AND users.age >= ?",
            postgresql: "SELECT users.id \nFROM users \nWHERE (users.name LIKE $1 || '%') AND users.age >= $2",
            mysql: "SELECT users.id \nFROM users \nWHERE (users.name LIKE concat(?, '%')) AND users.age >= ?",
        },
    );
    assert_eq!(param_values(&st, &q), [Some(text("A")), Some(int(18))]);
}

#[test]
fn endswith_and_contains_patterns() {
    // select(users.c.id).where(or_(users.c.email.endswith("@x.org"), users.c.name.contains("bo")))
    let u = users();
    let pct = || Expr::literal_string("%");
    let bind = |name: &str, v: &str| Expr::bind(name, Some(text(v)), SqlType::String(None), true);
    let ends = Expr::binary(
        u.email.clone(),
        BinOp::Like,
        Expr::binary(pct(), BinOp::Concat, bind("email", "@x.org")),
    );
    let contains = Expr::binary(
        u.name.clone(),
        BinOp::Like,
        Expr::binary(
            Expr::binary(pct(), BinOp::Concat, bind("name", "bo")),
            BinOp::Concat,
            pct(),
        ),
    );
    let mut s = select(vec![u.id.clone()]);
    s.where_ = Some(Expr::bool_clause(BoolOp::Or, vec![ends, contains]));
    let st = stmt(s);
    let [_, q, ..] = golden(
        &st,
        &Golden {
            default: "SELECT users.id \nFROM users \nWHERE (users.email LIKE '%' || :email_1) OR (users.name LIKE '%' || :name_1 || '%')",
            sqlite: "SELECT users.id \nFROM users \nWHERE (users.email LIKE '%' || ?) OR (users.name LIKE '%' || ? || '%')",
            postgresql: "SELECT users.id \nFROM users \nWHERE (users.email LIKE '%' || $1) OR (users.name LIKE '%' || $2 || '%')",
            mysql: "SELECT users.id \nFROM users \nWHERE (users.email LIKE concat('%', ?)) OR (users.name LIKE concat('%', ?, '%'))",
        },
    );
    assert_eq!(
        param_values(&st, &q),
        [Some(text("@x.org")), Some(text("bo"))]
    );
}

#[test]
fn ilike_is_lower_like_except_on_postgresql() {
    // select(users.c.id).where(users.c.name.ilike("a%"))
    let u = users();
    let mut s = select(vec![u.id.clone()]);
    s.where_ = Some(cmp(&u.name, BinOp::ILike, text("a%")));
    golden(
        &stmt(s),
        &Golden {
            default: "SELECT users.id \nFROM users \nWHERE lower(users.name) LIKE lower(:name_1)",
            sqlite: "SELECT users.id \nFROM users \nWHERE lower(users.name) LIKE lower(?)",
            postgresql: "SELECT users.id \nFROM users \nWHERE users.name ILIKE $1",
            mysql: "SELECT users.id \nFROM users \nWHERE lower(users.name) LIKE lower(?)",
        },
    );
}

#[test]
fn order_by_desc_with_limit_and_offset() {
    // select(users.c.id).order_by(users.c.name.desc(), users.c.id).limit(10).offset(20)
    let u = users();
    let mut s = select(vec![u.id.clone()]);
    s.order_by = vec![Expr::unary(UnaryOp::Desc, u.name.clone()), u.id.clone()];
    s.limit = Some(param(10));
    s.offset = Some(param(20));
    let st = stmt(s);
    let [d, q, p, m] = golden(
        &st,
        &Golden {
            default: "SELECT users.id \nFROM users ORDER BY users.name DESC, users.id\n LIMIT :param_1 OFFSET :param_2",
            sqlite: "SELECT users.id \nFROM users ORDER BY users.name DESC, users.id\n LIMIT ? OFFSET ?",
            postgresql: "SELECT users.id \nFROM users ORDER BY users.name DESC, users.id \n LIMIT $1 OFFSET $2",
            mysql: "SELECT users.id \nFROM users ORDER BY users.name DESC, users.id \n LIMIT ?, ?",
        },
    );
    assert_eq!(names(&d), ["param_1", "param_2"]);
    for c in [&d, &q, &p] {
        assert_eq!(param_values(&st, c), [Some(int(10)), Some(int(20))]);
    }
    // MySQL's `LIMIT offset, count` takes the offset first, and names the binds in that order
    // (SQLAlchemy: positiontup ['param_1', 'param_2'], params {'param_1': 20, 'param_2': 10}).
    assert_eq!(names(&m), ["param_1", "param_2"]);
    assert_eq!(param_values(&st, &m), [Some(int(20)), Some(int(10))]);
    assert_eq!(bound(&st), [Some(int(10)), Some(int(20))]);
}

#[test]
fn order_by_asc_and_nulls_last() {
    // select(users.c.id).order_by(users.c.age.asc(), users.c.name.desc().nulls_last())
    let u = users();
    let mut s = select(vec![u.id.clone()]);
    s.order_by = vec![
        Expr::unary(UnaryOp::Asc, u.age.clone()),
        Expr::unary(
            UnaryOp::NullsLast,
            Expr::unary(UnaryOp::Desc, u.name.clone()),
        ),
    ];
    let sql = "SELECT users.id \nFROM users ORDER BY users.age ASC, users.name DESC NULLS LAST";
    golden(
        &stmt(s),
        &Golden {
            default: sql,
            sqlite: sql,
            postgresql: sql,
            mysql: sql,
        },
    );
}

#[test]
fn limit_without_offset() {
    // select(users.c.id).limit(10): SQLAlchemy's SQLite compiler always adds `OFFSET ?` with 0.
    let u = users();
    let mut s = select(vec![u.id.clone()]);
    s.limit = Some(param(10));
    let st = stmt(s);
    let [d, q, p, m] = golden(
        &st,
        &Golden {
            default: "SELECT users.id \nFROM users\n LIMIT :param_1",
            sqlite: "SELECT users.id \nFROM users\n LIMIT ? OFFSET ?",
            postgresql: "SELECT users.id \nFROM users \n LIMIT $1",
            mysql: "SELECT users.id \nFROM users \n LIMIT ?",
        },
    );
    for c in [&d, &p, &m] {
        assert_eq!(param_values(&st, c), [Some(int(10))]);
    }
    assert_eq!(param_values(&st, &q), [Some(int(10)), Some(int(0))]);
}

#[test]
fn offset_without_limit() {
    // select(users.c.id).offset(20): the generic compiler writes LIMIT -1, SQLite binds -1
    // (sqlite/base.py limit_clause: `self.process(sql.literal(-1))`), PostgreSQL writes
    // LIMIT ALL and MySQL the largest unsigned BIGINT.
    let u = users();
    let mut s = select(vec![u.id.clone()]);
    s.offset = Some(param(20));
    let st = stmt(s);
    let [d, q, p, m] = golden(
        &st,
        &Golden {
            default: "SELECT users.id \nFROM users\n LIMIT -1 OFFSET :param_1",
            sqlite: "SELECT users.id \nFROM users\n LIMIT ? OFFSET ?",
            postgresql: "SELECT users.id \nFROM users\n LIMIT ALL OFFSET $1",
            mysql: "SELECT users.id \nFROM users \n LIMIT ?, 18446744073709551615",
        },
    );
    for c in [&d, &p, &m] {
        assert_eq!(param_values(&st, c), [Some(int(20))]);
    }
    assert_eq!(param_values(&st, &q), [Some(int(-1)), Some(int(20))]);
}

#[test]
fn join_with_on_clause() {
    // select(users.c.name, addresses.c.email).select_from(
    //     users.join(addresses, users.c.id == addresses.c.user_id))
    let (u, a) = (users(), addresses());
    let mut s = select(vec![u.name.clone(), a.email.clone()]);
    s.froms = vec![users_join_addresses(&u, &a, false)];
    let all = golden(
        &stmt(s),
        &Golden {
            default: "SELECT users.name, addresses.email \nFROM users JOIN addresses ON users.id = addresses.user_id",
            sqlite: "SELECT users.name, addresses.email \nFROM users JOIN addresses ON users.id = addresses.user_id",
            postgresql: "SELECT users.name, addresses.email \nFROM users JOIN addresses ON users.id = addresses.user_id",
            mysql: "SELECT users.name, addresses.email \nFROM users INNER JOIN addresses ON users.id = addresses.user_id",
        },
    );
    assert_eq!(result_names(&all[1]), ["name", "email"]);
}

#[test]
fn duplicate_column_names_get_numbered_labels() {
    // select(users.c.id, addresses.c.id, users.c.name).select_from(
    //     users.outerjoin(addresses, users.c.id == addresses.c.user_id)).where(addresses.c.email == "x")
    let (u, a) = (users(), addresses());
    let mut s = select(vec![u.id.clone(), a.id.clone(), u.name.clone()]);
    s.froms = vec![users_join_addresses(&u, &a, true)];
    s.where_ = Some(cmp(&a.email, BinOp::Eq, text("x")));
    let st = stmt(s);
    let all = golden(
        &st,
        &Golden {
            default: "SELECT users.id, addresses.id AS id_1, users.name \nFROM users LEFT OUTER JOIN addresses ON users.id = addresses.user_id \nWHERE addresses.email = :email_1",
            sqlite: "SELECT users.id, addresses.id AS id_1, users.name \nFROM users LEFT OUTER JOIN addresses ON users.id = addresses.user_id \nWHERE addresses.email = ?",
            postgresql: "SELECT users.id, addresses.id AS id_1, users.name \nFROM users LEFT OUTER JOIN addresses ON users.id = addresses.user_id \nWHERE addresses.email = $1",
            mysql: "SELECT users.id, addresses.id AS id_1, users.name \nFROM users LEFT OUTER JOIN addresses ON users.id = addresses.user_id \nWHERE addresses.email = ?",
        },
    );
    for c in &all {
        assert_eq!(result_names(c), ["id", "id_1", "name"]);
        assert_eq!(param_values(&st, c), [Some(text("x"))]);
    }
}

#[test]
fn tables_named_only_in_columns_and_where_become_the_from_list() {
    // select(users.c.name, addresses.c.email).where(users.c.id == addresses.c.user_id)
    let (u, a) = (users(), addresses());
    let mut s = select(vec![u.name.clone(), a.email.clone()]);
    s.where_ = Some(Expr::binary(u.id.clone(), BinOp::Eq, a.user_id.clone()));
    let sql = "SELECT users.name, addresses.email \nFROM users, addresses \nWHERE users.id = addresses.user_id";
    golden(
        &stmt(s),
        &Golden {
            default: sql,
            sqlite: sql,
            postgresql: sql,
            mysql: sql,
        },
    );
}

#[test]
fn count_star_gets_the_count_1_label() {
    // select(func.count()).select_from(users)
    let u = users();
    let mut s = select(vec![Expr::func(
        "count",
        vec![Expr::star()],
        SqlType::Integer,
    )]);
    s.froms = vec![FromItem::Table(u.table.clone())];
    let sql = "SELECT count(*) AS count_1 \nFROM users";
    let all = golden(
        &stmt(s),
        &Golden {
            default: sql,
            sqlite: sql,
            postgresql: sql,
            mysql: sql,
        },
    );
    for c in &all {
        assert_eq!(result_names(c), ["count_1"]);
        assert_eq!(c.columns[0].ty, SqlType::Integer);
    }
}

#[test]
fn function_labels_explicit_and_numbered() {
    // select(func.count(users.c.id).label("n"), func.max(users.c.age), func.max(users.c.id))
    let u = users();
    let s = select(vec![
        Expr::label(
            "n",
            Expr::func("count", vec![u.id.clone()], SqlType::Integer),
        ),
        Expr::func("max", vec![u.age.clone()], SqlType::Integer),
        Expr::func("max", vec![u.id.clone()], SqlType::Integer),
    ]);
    let sql =
        "SELECT count(users.id) AS n, max(users.age) AS max_1, max(users.id) AS max_2 \nFROM users";
    let all = golden(
        &stmt(s),
        &Golden {
            default: sql,
            sqlite: sql,
            postgresql: sql,
            mysql: sql,
        },
    );
    for c in &all {
        assert_eq!(result_names(c), ["n", "max_1", "max_2"]);
    }
}

#[test]
fn group_by_and_having_share_the_anonymous_name_counter() {
    // select(users.c.name, func.count(addresses.c.id)).where(users.c.id == addresses.c.user_id)
    //     .group_by(users.c.name).having(func.count(addresses.c.id) > 1)
    let (u, a) = (users(), addresses());
    let count = || Expr::func("count", vec![a.id.clone()], SqlType::Integer);
    let mut s = select(vec![u.name.clone(), count()]);
    s.where_ = Some(Expr::binary(u.id.clone(), BinOp::Eq, a.user_id.clone()));
    s.group_by = vec![u.name.clone()];
    s.having = Some(Expr::binary(
        count(),
        BinOp::Gt,
        Expr::bind("count", Some(int(1)), SqlType::Integer, true),
    ));
    let st = stmt(s);
    let [d, q, ..] = golden(
        &st,
        &Golden {
            default: "SELECT users.name, count(addresses.id) AS count_1 \nFROM users, addresses \nWHERE users.id = addresses.user_id GROUP BY users.name \nHAVING count(addresses.id) > :count_2",
            sqlite: "SELECT users.name, count(addresses.id) AS count_1 \nFROM users, addresses \nWHERE users.id = addresses.user_id GROUP BY users.name \nHAVING count(addresses.id) > ?",
            postgresql: "SELECT users.name, count(addresses.id) AS count_1 \nFROM users, addresses \nWHERE users.id = addresses.user_id GROUP BY users.name \nHAVING count(addresses.id) > $1",
            mysql: "SELECT users.name, count(addresses.id) AS count_1 \nFROM users, addresses \nWHERE users.id = addresses.user_id GROUP BY users.name \nHAVING count(addresses.id) > ?",
        },
    );
    assert_eq!(result_names(&d), ["name", "count_1"]);
    assert_eq!(names(&q), ["count_2"]);
    assert_eq!(param_values(&st, &q), [Some(int(1))]);
}

#[test]
fn unlabelled_expressions_get_anon_labels() {
    // select((users.c.age + 1).label("next"), users.c.age * 2)
    let u = users();
    let s = select(vec![
        Expr::label("next", cmp(&u.age, BinOp::Add, int(1))),
        cmp(&u.age, BinOp::Mul, int(2)),
    ]);
    let st = stmt(s);
    let [d, ..] = golden(
        &st,
        &Golden {
            default: "SELECT users.age + :age_1 AS next, users.age * :age_2 AS anon_1 \nFROM users",
            sqlite: "SELECT users.age + ? AS next, users.age * ? AS anon_1 \nFROM users",
            postgresql: "SELECT users.age + $1 AS next, users.age * $2 AS anon_1 \nFROM users",
            mysql: "SELECT users.age + ? AS next, users.age * ? AS anon_1 \nFROM users",
        },
    );
    assert_eq!(result_names(&d), ["next", "anon_1"]);
    assert_eq!(names(&d), ["age_1", "age_2"]);
    assert_eq!(param_values(&st, &d), [Some(int(1)), Some(int(2))]);
}

#[test]
fn arithmetic_groups_only_a_nested_right_operand() {
    // select((users.c.age + 1 + 2).label("a"), (users.c.age - (users.c.id - 1)).label("b"),
    //     (users.c.age * (users.c.id + 2)).label("c"))
    let u = users();
    let s = select(vec![
        Expr::label(
            "a",
            Expr::binary(cmp(&u.age, BinOp::Add, int(1)), BinOp::Add, param(2)),
        ),
        Expr::label(
            "b",
            Expr::binary(u.age.clone(), BinOp::Sub, cmp(&u.id, BinOp::Sub, int(1))),
        ),
        Expr::label(
            "c",
            Expr::binary(u.age.clone(), BinOp::Mul, cmp(&u.id, BinOp::Add, int(2))),
        ),
    ]);
    let st = stmt(s);
    let [d, ..] = golden(
        &st,
        &Golden {
            default: "SELECT users.age + :age_1 + :param_1 AS a, users.age - (users.id - :id_1) AS b, users.age * (users.id + :id_2) AS c \nFROM users",
            sqlite: "SELECT users.age + ? + ? AS a, users.age - (users.id - ?) AS b, users.age * (users.id + ?) AS c \nFROM users",
            postgresql: "SELECT users.age + $1 + $2 AS a, users.age - (users.id - $3) AS b, users.age * (users.id + $4) AS c \nFROM users",
            mysql: "SELECT users.age + ? + ? AS a, users.age - (users.id - ?) AS b, users.age * (users.id + ?) AS c \nFROM users",
        },
    );
    assert_eq!(names(&d), ["age_1", "param_1", "id_1", "id_2"]);
    assert_eq!(
        param_values(&st, &d),
        [Some(int(1)), Some(int(2)), Some(int(1)), Some(int(2))]
    );
}

#[test]
fn string_concatenation_chains() {
    // select((users.c.name + "-" + users.c.email).label("x"))
    let u = users();
    let s = select(vec![Expr::label(
        "x",
        Expr::binary(
            cmp(&u.name, BinOp::Concat, text("-")),
            BinOp::Concat,
            u.email.clone(),
        ),
    )]);
    golden(
        &stmt(s),
        &Golden {
            default: "SELECT users.name || :name_1 || users.email AS x \nFROM users",
            sqlite: "SELECT users.name || ? || users.email AS x \nFROM users",
            postgresql: "SELECT users.name || $1 || users.email AS x \nFROM users",
            mysql: "SELECT concat(users.name, ?, users.email) AS x \nFROM users",
        },
    );
}

#[test]
fn distinct() {
    // select(users.c.name).distinct()
    let u = users();
    let mut s = select(vec![u.name.clone()]);
    s.distinct = true;
    let sql = "SELECT DISTINCT users.name \nFROM users";
    golden(
        &stmt(s),
        &Golden {
            default: sql,
            sqlite: sql,
            postgresql: sql,
            mysql: sql,
        },
    );
}

#[test]
fn reserved_words_are_quoted_per_dialect() {
    // user = Table("user", md, Column("id", Integer, primary_key=True), Column("order", Integer))
    // select(user.c.order).where(user.c.order == 1)
    let t = ferro_sql::TableRef::new("user", None);
    let order = Expr::column(Some(t), "order", SqlType::Integer);
    let mut s = select(vec![order.clone()]);
    s.where_ = Some(cmp(&order, BinOp::Eq, Value::Int(1)));
    let st = stmt(s);
    let [d, ..] = golden(
        &st,
        &Golden {
            default:
                "SELECT \"user\".\"order\" \nFROM \"user\" \nWHERE \"user\".\"order\" = :order_1",
            sqlite: "SELECT user.\"order\" \nFROM user \nWHERE user.\"order\" = ?",
            postgresql: "SELECT \"user\".\"order\" \nFROM \"user\" \nWHERE \"user\".\"order\" = $1",
            mysql: "SELECT user.`order` \nFROM user \nWHERE user.`order` = ?",
        },
    );
    // The result key is the plain column name, not its quoted form.
    assert_eq!(result_names(&d), ["order"]);
    assert_eq!(names(&d), ["order_1"]);
}
