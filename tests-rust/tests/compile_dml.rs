//! Golden (SQL, binds) pairs for INSERT, UPDATE and DELETE: columns taken from the execution's
//! parameter keys in table order, values() binds, multi-row VALUES, SET expressions, RETURNING,
//! and the errors SQLAlchemy raises at compile time.
//!
//! Expected strings are SQLAlchemy 2.1.9's (the Python is in each test's comment). PostgreSQL and
//! MySQL strings are SQLAlchemy's with only the parameter markers substituted (`$n` without
//! `::TYPE` casts, and `?`), because ferroalchemy's sqlx drivers take those. SQLAlchemy's
//! PostgreSQL compiler also appends `RETURNING users.id` to a single-row INSERT to fetch the new
//! primary key (implicit returning); ferroalchemy asks for RETURNING explicitly, so that clause is
//! left out of the PostgreSQL INSERT expectations.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use ferro_sql::compiler::CompileOptions;
use ferro_sql::expr::{BinOp, Expr};
use ferro_sql::{
    compile, CompileError, Delete, Dialect, Insert, ParamRef, SqlType, Statement, TableRef, Update,
    Value,
};
use ferro_tests::{
    bound, check_golden, cmp, compiled, compiled_with_keys, golden, int, param_values, text, users,
    users_columns, Golden, Users,
};

// users = Table("users", md, Column("id", Integer, primary_key=True),
//     Column("name", String(50), nullable=False), Column("email", String(100)), Column("age", Integer))

fn insert(u: &Users, values: Vec<(&str, ferro_sql::ExprRef)>) -> Insert {
    Insert {
        table: u.table.clone(),
        table_columns: users_columns(),
        values: values.into_iter().map(|(n, e)| (n.into(), e)).collect(),
        multi_values: Vec::new(),
        returning: Vec::new(),
        on_conflict: None,
        from_select: None,
        on_duplicate: None,
        key: 0,
    }
}

fn insert_stmt(i: Insert) -> Statement {
    Statement::Insert(Arc::new(i.finish()))
}

fn update(
    u: &Users,
    values: Vec<(&str, ferro_sql::ExprRef)>,
    where_: ferro_sql::ExprRef,
) -> Update {
    Update {
        table: u.table.clone(),
        table_columns: users_columns(),
        values: values.into_iter().map(|(n, e)| (n.into(), e)).collect(),
        ordered: false,
        where_: Some(where_),
        returning: Vec::new(),
        key: 0,
    }
}

fn update_stmt(x: Update) -> Statement {
    Statement::Update(Arc::new(x.finish()))
}

fn delete_stmt(
    u: &Users,
    where_: Option<ferro_sql::ExprRef>,
    returning: Vec<ferro_sql::ExprRef>,
) -> Statement {
    Statement::Delete(Arc::new(
        Delete {
            table: u.table.clone(),
            where_,
            returning,
            key: 0,
        }
        .finish(),
    ))
}

/// `bindparam(name, value)` as `values(name=value)` builds it: named after the column, not anonymous.
fn value_bind(name: &str, v: Value, ty: SqlType) -> ferro_sql::ExprRef {
    Expr::bind(name, Some(v), ty, false)
}

fn names(c: &ferro_sql::Compiled) -> Vec<&str> {
    c.param_names.iter().map(String::as_str).collect()
}

fn try_compile(
    st: &Statement,
    d: Dialect,
    keys: &[&str],
) -> Result<ferro_sql::Compiled, CompileError> {
    compile(
        st,
        d,
        &CompileOptions {
            literal_binds: false,
            param_keys: keys.iter().map(|k| k.to_string()).collect(),
            ..Default::default()
        },
    )
}

#[test]
fn insert_columns_follow_table_order_not_parameter_order() {
    // insert(users).compile(column_keys=["email", "name"])
    let u = users();
    let st = insert_stmt(insert(&u, Vec::new()));
    let all = check_golden(
        &st,
        &["email", "name"],
        &Golden {
            default: "INSERT INTO users (name, email) VALUES (:name, :email)",
            sqlite: "INSERT INTO users (name, email) VALUES (?, ?)",
            postgresql: "INSERT INTO users (name, email) VALUES ($1, $2)",
            mysql: "INSERT INTO users (name, email) VALUES (?, ?)",
        },
    );
    for c in &all {
        assert_eq!(names(c), ["name", "email"]);
        // Both values come from the execution's parameters, by name, typed as the columns.
        assert_eq!(
            c.params,
            [
                ParamRef::Named {
                    name: "name".into(),
                    fallback: None,
                    ty: SqlType::String(Some(50)),
                },
                ParamRef::Named {
                    name: "email".into(),
                    fallback: None,
                    ty: SqlType::String(Some(100)),
                },
            ]
        );
        assert_eq!(param_values(&st, c), [None, None]);
        assert!(c.is_dml && c.is_insert && !c.returns_rows);
    }
    // The VALUES group is located for multi-row batching.
    let q = &all[1];
    let (start, end) = q.values_span.expect("single-row insert has a VALUES span");
    assert_eq!(&q.sql[start..end], "(?, ?)");
    assert!(bound(&st).is_empty());
}

#[test]
fn insert_values_bind_under_the_column_names() {
    // insert(users).values(name="x", email="y")
    let u = users();
    let st = insert_stmt(insert(
        &u,
        vec![
            (
                "email",
                value_bind("email", text("y"), SqlType::String(Some(100))),
            ),
            (
                "name",
                value_bind("name", text("x"), SqlType::String(Some(50))),
            ),
        ],
    ));
    let all = golden(
        &st,
        &Golden {
            default: "INSERT INTO users (name, email) VALUES (:name, :email)",
            sqlite: "INSERT INTO users (name, email) VALUES (?, ?)",
            postgresql: "INSERT INTO users (name, email) VALUES ($1, $2)",
            mysql: "INSERT INTO users (name, email) VALUES (?, ?)",
        },
    );
    for c in &all {
        assert_eq!(names(c), ["name", "email"]);
        assert_eq!(param_values(&st, c), [Some(text("x")), Some(text("y"))]);
    }
}

#[test]
fn insert_without_parameters() {
    // insert(users).compile(column_keys=[]): the generic and MySQL compilers have no
    // DEFAULT VALUES (supports_default_values=False) and write an empty column list.
    let u = users();
    let st = insert_stmt(insert(&u, Vec::new()));
    let all = golden(
        &st,
        &Golden {
            default: "INSERT INTO users () VALUES ()",
            sqlite: "INSERT INTO users DEFAULT VALUES",
            postgresql: "INSERT INTO users DEFAULT VALUES",
            mysql: "INSERT INTO users () VALUES ()",
        },
    );
    for c in &all {
        assert!(c.params.is_empty());
    }
}

#[test]
fn parameter_naming_no_column_is_a_compile_error() {
    // insert(users).compile(column_keys=["name", "nope"]) raises
    // CompileError("Unconsumed column names: nope"); so does update().
    let u = users();
    let ins = insert_stmt(insert(&u, Vec::new()));
    let err = try_compile(&ins, Dialect::Sqlite, &["name", "nope"]).expect_err("unknown key");
    assert_eq!(err, CompileError::UnconsumedColumns(vec!["nope".into()]));
    assert_eq!(err.to_string(), "Unconsumed column names: nope");
    let upd = update_stmt(update(&u, Vec::new(), cmp(&u.id, BinOp::Eq, int(5))));
    let err = try_compile(&upd, Dialect::Postgresql, &["nope", "age", "zzz"]).expect_err("unknown");
    assert_eq!(err.to_string(), "Unconsumed column names: nope, zzz");
}

#[test]
fn insert_returning() {
    // insert(users).returning(users.c.id).compile(column_keys=["name"]): SQLite's compiler
    // writes RETURNING columns unqualified.
    let u = users();
    let mut i = insert(&u, Vec::new());
    i.returning = vec![u.id.clone()];
    let st = insert_stmt(i);
    let expected = [
        (
            Dialect::Default,
            "INSERT INTO users (name) VALUES (:name) RETURNING users.id",
        ),
        (
            Dialect::Sqlite,
            "INSERT INTO users (name) VALUES (?) RETURNING id",
        ),
        (
            Dialect::Postgresql,
            "INSERT INTO users (name) VALUES ($1) RETURNING users.id",
        ),
    ];
    let mut mismatches = Vec::new();
    for (d, want) in expected {
        let c = compiled_with_keys(&st, d, &["name"]);
        if c.sql != want {
            mismatches.push(format!("{d:?}: expected {want:?}, actual {:?}", c.sql));
        }
        assert!(c.returns_rows && c.is_insert);
        assert_eq!(c.columns.len(), 1);
        assert_eq!(c.columns[0].name, "id");
        assert_eq!(c.columns[0].ty, SqlType::Integer);
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn returning_compiles_on_mysql() {
    // SQLAlchemy 2.1.9's MySQL compiler writes RETURNING (MariaDB >= 10.5 runs it; whether a flush
    // uses it is the dialect's insert_returning, decided per server):
    // insert(users).returning(users.c.id).compile(dialect=mysql.dialect(), column_keys=["name"])
    // and delete(users).returning(users.c.id).compile(dialect=mysql.dialect()).
    let u = users();
    let mut i = insert(&u, Vec::new());
    i.returning = vec![u.id.clone()];
    let c = compiled_with_keys(&insert_stmt(i), Dialect::Mysql, &["name"]);
    assert_eq!(
        c.sql,
        "INSERT INTO users (name) VALUES (?) RETURNING users.id"
    );
    assert!(c.returns_rows);
    let del = delete_stmt(&u, None, vec![u.id.clone()]);
    assert_eq!(
        compiled(&del, Dialect::Mysql).sql,
        "DELETE FROM users RETURNING users.id"
    );
}

#[test]
fn multi_row_values_number_their_binds_per_row() {
    // insert(users).values([{"name": "a", "age": 1}, {"name": "b", "age": 2}])
    let u = users();
    let mut i = insert(&u, Vec::new());
    i.multi_values = (0..2)
        .map(|r| {
            vec![
                (
                    "name".into(),
                    value_bind(
                        &format!("name_m{r}"),
                        text(["a", "b"][r]),
                        SqlType::String(Some(50)),
                    ),
                ),
                (
                    "age".into(),
                    value_bind(&format!("age_m{r}"), int(r as i64 + 1), SqlType::Integer),
                ),
            ]
        })
        .collect();
    let st = insert_stmt(i);
    let all = golden(
        &st,
        &Golden {
            default:
                "INSERT INTO users (name, age) VALUES (:name_m0, :age_m0), (:name_m1, :age_m1)",
            sqlite: "INSERT INTO users (name, age) VALUES (?, ?), (?, ?)",
            postgresql: "INSERT INTO users (name, age) VALUES ($1, $2), ($3, $4)",
            mysql: "INSERT INTO users (name, age) VALUES (?, ?), (?, ?)",
        },
    );
    for c in &all {
        assert_eq!(names(c), ["name_m0", "age_m0", "name_m1", "age_m1"]);
        assert_eq!(
            param_values(&st, c),
            [Some(text("a")), Some(int(1)), Some(text("b")), Some(int(2))]
        );
    }
}

#[test]
fn update_set_and_where() {
    // update(users).where(users.c.id == 5).values(name="x")
    let u = users();
    let st = update_stmt(update(
        &u,
        vec![(
            "name",
            value_bind("name", text("x"), SqlType::String(Some(50))),
        )],
        cmp(&u.id, BinOp::Eq, int(5)),
    ));
    let all = golden(
        &st,
        &Golden {
            default: "UPDATE users SET name=:name WHERE users.id = :id_1",
            sqlite: "UPDATE users SET name=? WHERE users.id = ?",
            postgresql: "UPDATE users SET name=$1 WHERE users.id = $2",
            mysql: "UPDATE users SET name=? WHERE users.id = ?",
        },
    );
    for c in &all {
        assert_eq!(names(c), ["name", "id_1"]);
        assert_eq!(param_values(&st, c), [Some(text("x")), Some(int(5))]);
        assert!(c.is_dml && !c.is_insert && !c.returns_rows);
    }
    assert_eq!(bound(&st), [Some(text("x")), Some(int(5))]);
}

#[test]
fn update_set_from_parameter_keys_in_table_order() {
    // update(users).where(users.c.id == 5).compile(column_keys=["email", "name"])
    let u = users();
    let st = update_stmt(update(&u, Vec::new(), cmp(&u.id, BinOp::Eq, int(5))));
    let all = check_golden(
        &st,
        &["email", "name"],
        &Golden {
            default: "UPDATE users SET name=:name, email=:email WHERE users.id = :id_1",
            sqlite: "UPDATE users SET name=?, email=? WHERE users.id = ?",
            postgresql: "UPDATE users SET name=$1, email=$2 WHERE users.id = $3",
            mysql: "UPDATE users SET name=?, email=? WHERE users.id = ?",
        },
    );
    for c in &all {
        assert_eq!(names(c), ["name", "email", "id_1"]);
        assert_eq!(param_values(&st, c), [None, None, Some(int(5))]);
    }
}

#[test]
fn update_set_expression_is_parenthesised() {
    // update(users).where(users.c.name == "a").values(age=users.c.age + 1)
    let u = users();
    let st = update_stmt(update(
        &u,
        vec![("age", cmp(&u.age, BinOp::Add, int(1)))],
        cmp(&u.name, BinOp::Eq, text("a")),
    ));
    let [d, ..] = golden(
        &st,
        &Golden {
            default: "UPDATE users SET age=(users.age + :age_1) WHERE users.name = :name_1",
            sqlite: "UPDATE users SET age=(users.age + ?) WHERE users.name = ?",
            postgresql: "UPDATE users SET age=(users.age + $1) WHERE users.name = $2",
            mysql: "UPDATE users SET age=(users.age + ?) WHERE users.name = ?",
        },
    );
    assert_eq!(param_values(&st, &d), [Some(int(1)), Some(text("a"))]);
}

#[test]
fn update_without_values_is_a_compile_error() {
    let u = users();
    let st = update_stmt(update(&u, Vec::new(), cmp(&u.id, BinOp::Eq, int(5))));
    let err = try_compile(&st, Dialect::Sqlite, &[]).expect_err("no SET clause");
    assert!(matches!(err, CompileError::Unsupported(_)), "{err:?}");
}

#[test]
fn delete_with_and_without_where() {
    // delete(users).where(users.c.id == 5); delete(users)
    let u = users();
    let st = delete_stmt(&u, Some(cmp(&u.id, BinOp::Eq, int(5))), Vec::new());
    let all = golden(
        &st,
        &Golden {
            default: "DELETE FROM users WHERE users.id = :id_1",
            sqlite: "DELETE FROM users WHERE users.id = ?",
            postgresql: "DELETE FROM users WHERE users.id = $1",
            mysql: "DELETE FROM users WHERE users.id = ?",
        },
    );
    for c in &all {
        assert_eq!(names(c), ["id_1"]);
        assert_eq!(param_values(&st, c), [Some(int(5))]);
        assert!(c.is_dml && !c.returns_rows);
    }
    let sql = "DELETE FROM users";
    golden(
        &delete_stmt(&u, None, Vec::new()),
        &Golden {
            default: sql,
            sqlite: sql,
            postgresql: sql,
            mysql: sql,
        },
    );
}

#[test]
fn delete_returning() {
    // delete(users).where(users.c.age > 90).returning(users.c.id, users.c.name)
    let u = users();
    let st = delete_stmt(
        &u,
        Some(cmp(&u.age, BinOp::Gt, int(90))),
        vec![u.id.clone(), u.name.clone()],
    );
    let expected = [
        (
            Dialect::Default,
            "DELETE FROM users WHERE users.age > :age_1 RETURNING users.id, users.name",
        ),
        (
            Dialect::Sqlite,
            "DELETE FROM users WHERE users.age > ? RETURNING id, name",
        ),
        (
            Dialect::Postgresql,
            "DELETE FROM users WHERE users.age > $1 RETURNING users.id, users.name",
        ),
    ];
    let mut mismatches = Vec::new();
    for (d, want) in expected {
        let c = compiled_with_keys(&st, d, &[]);
        if c.sql != want {
            mismatches.push(format!("{d:?}: expected {want:?}, actual {:?}", c.sql));
        }
        assert!(c.returns_rows);
        let cols: Vec<_> = c.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(cols, ["id", "name"]);
        assert_eq!(param_values(&st, &c), [Some(int(90))]);
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn reserved_words_are_quoted_in_dml() {
    // user = Table("user", md, Column("id", Integer, primary_key=True), Column("order", Integer))
    // insert(user).compile(column_keys=["order"]);
    // update(user).values(order=3).where(user.c.id == 1)
    let t = TableRef::new("user", None);
    let id = Expr::column(Some(t.clone()), "id", SqlType::Integer);
    let columns: Vec<(Arc<str>, SqlType)> = vec![
        ("id".into(), SqlType::Integer),
        ("order".into(), SqlType::Integer),
    ];
    let ins = Statement::Insert(Arc::new(
        Insert {
            table: t.clone(),
            table_columns: columns.clone(),
            values: Vec::new(),
            multi_values: Vec::new(),
            returning: Vec::new(),
            on_conflict: None,
            from_select: None,
            on_duplicate: None,
            key: 0,
        }
        .finish(),
    ));
    check_golden(
        &ins,
        &["order"],
        &Golden {
            default: "INSERT INTO \"user\" (\"order\") VALUES (:order)",
            sqlite: "INSERT INTO user (\"order\") VALUES (?)",
            postgresql: "INSERT INTO \"user\" (\"order\") VALUES ($1)",
            mysql: "INSERT INTO user (`order`) VALUES (?)",
        },
    );
    let upd = Statement::Update(Arc::new(
        Update {
            table: t,
            table_columns: columns,
            values: vec![(
                "order".into(),
                value_bind("order", int(3), SqlType::Integer),
            )],
            ordered: false,
            where_: Some(cmp(&id, BinOp::Eq, int(1))),
            returning: Vec::new(),
            key: 0,
        }
        .finish(),
    ));
    let [d, ..] = golden(
        &upd,
        &Golden {
            default: "UPDATE \"user\" SET \"order\"=:order WHERE \"user\".id = :id_1",
            sqlite: "UPDATE user SET \"order\"=? WHERE user.id = ?",
            postgresql: "UPDATE \"user\" SET \"order\"=$1 WHERE \"user\".id = $2",
            mysql: "UPDATE user SET `order`=? WHERE user.id = ?",
        },
    );
    assert_eq!(names(&d), ["order", "id_1"]);
    assert_eq!(param_values(&upd, &d), [Some(int(3)), Some(int(1))]);
}
