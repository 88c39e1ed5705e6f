//! Golden (SQL, binds) pairs for the statements the first slice compiles. Default and SQLite strings
//! are SQLAlchemy 2.1.9's output character for character; PostgreSQL and MySQL differ from
//! SQLAlchemy's only in the parameter markers their Rust drivers take ($n and ?).

use std::sync::Arc;

use ferro_sql::cache::bind_values;
use ferro_sql::expr::{BinOp, BoolOp, Expr, UnaryOp};
use ferro_sql::stmt::{FromItem, Join};
use ferro_sql::{Delete, Dialect, Insert, Select, SqlType, Statement, TableRef, Update, Value};
use ferro_tests::{compiled, compiled_with_keys, employee, eq_value, table_columns};

fn select(columns: Vec<ferro_sql::ExprRef>) -> Select {
    Select {
        columns,
        ..Default::default()
    }
}

fn stmt(s: Select) -> Statement {
    Statement::Select(Arc::new(s.finish()))
}

fn values(st: &Statement) -> Vec<Option<Value>> {
    bind_values(st).into_iter().map(|v| v.cloned()).collect()
}

#[test]
fn select_entity_where_startswith() {
    let e = employee();
    let pattern = Expr::binary(
        Expr::bind(
            "name",
            Some(Value::Text("A".into())),
            SqlType::String(None),
            true,
        ),
        BinOp::Concat,
        Expr::literal_string("%"),
    );
    let mut s = select(vec![
        e.id.clone(),
        e.name.clone(),
        e.dept_id.clone(),
        e.email.clone(),
    ]);
    s.where_ = Some(Expr::binary(e.name.clone(), BinOp::Like, pattern));
    let st = stmt(s);
    let d = compiled(&st, Dialect::Default);
    assert_eq!(
        d.sql,
        "SELECT employee.id, employee.name, employee.dept_id, employee.email \nFROM employee \nWHERE (employee.name LIKE :name_1 || '%')"
    );
    assert_eq!(d.param_names, vec!["name_1"]);
    let q = compiled(&st, Dialect::Sqlite);
    assert_eq!(
        q.sql,
        "SELECT employee.id, employee.name, employee.dept_id, employee.email \nFROM employee \nWHERE (employee.name LIKE ? || '%')"
    );
    assert_eq!(values(&st), vec![Some(Value::Text("A".into()))]);
    let m = compiled(&st, Dialect::Mysql);
    assert!(
        m.sql.ends_with("WHERE (employee.name LIKE concat(?, '%'))"),
        "{}",
        m.sql
    );
}

#[test]
fn select_where_and_order_limit_offset() {
    let e = employee();
    let mut s = select(vec![e.name.clone()]);
    s.where_ = Some(Expr::bool_clause(
        BoolOp::And,
        vec![
            eq_value(&e.dept_id, "dept_id", Value::Int(1)),
            Expr::binary(
                e.id.clone(),
                BinOp::Gt,
                Expr::bind("id", Some(Value::Int(5)), SqlType::Integer, true),
            ),
        ],
    ));
    s.order_by = vec![Expr::unary(UnaryOp::Desc, e.name.clone())];
    s.limit = Some(Expr::bind(
        "param",
        Some(Value::Int(10)),
        SqlType::Integer,
        true,
    ));
    s.offset = Some(Expr::bind(
        "param",
        Some(Value::Int(5)),
        SqlType::Integer,
        true,
    ));
    let st = stmt(s);
    let d = compiled(&st, Dialect::Default);
    assert_eq!(
        d.sql,
        "SELECT employee.name \nFROM employee \nWHERE employee.dept_id = :dept_id_1 AND employee.id > :id_1 ORDER BY employee.name DESC\n LIMIT :param_1 OFFSET :param_2"
    );
    assert_eq!(
        d.param_names,
        vec!["dept_id_1", "id_1", "param_1", "param_2"]
    );
    assert_eq!(
        compiled(&st, Dialect::Sqlite).sql,
        "SELECT employee.name \nFROM employee \nWHERE employee.dept_id = ? AND employee.id > ? ORDER BY employee.name DESC\n LIMIT ? OFFSET ?"
    );
    assert_eq!(
        compiled(&st, Dialect::Postgresql).sql,
        "SELECT employee.name \nFROM employee \nWHERE employee.dept_id = $1 AND employee.id > $2 ORDER BY employee.name DESC\n LIMIT $3 OFFSET $4"
    );
    // MySQL puts the offset first: LIMIT offset, count.
    let m = compiled(&st, Dialect::Mysql);
    assert!(m.sql.ends_with("LIMIT ?, ?"), "{}", m.sql);
    assert_eq!(
        values(&st),
        vec![
            Some(Value::Int(1)),
            Some(Value::Int(5)),
            Some(Value::Int(10)),
            Some(Value::Int(5))
        ]
    );
}

#[test]
fn or_binds_looser_than_and() {
    let e = employee();
    let mut s = select(vec![e.id.clone()]);
    s.where_ = Some(Expr::bool_clause(
        BoolOp::Or,
        vec![
            eq_value(&e.name, "name", Value::Text("a".into())),
            Expr::bool_clause(
                BoolOp::And,
                vec![
                    Expr::binary(
                        e.id.clone(),
                        BinOp::Lt,
                        Expr::bind("id", Some(Value::Int(3)), SqlType::Integer, true),
                    ),
                    Expr::binary(e.dept_id.clone(), BinOp::Is, Expr::null()),
                ],
            ),
        ],
    ));
    assert_eq!(
        compiled(&stmt(s), Dialect::Default).sql,
        "SELECT employee.id \nFROM employee \nWHERE employee.name = :name_1 OR employee.id < :id_1 AND employee.dept_id IS NULL"
    );
}

#[test]
fn join_labels_duplicate_names() {
    let e = employee();
    let dept = TableRef::new("department", None);
    let dept_id = Expr::column(Some(dept.clone()), "id", SqlType::Integer);
    let dept_name = Expr::column(Some(dept.clone()), "name", SqlType::String(Some(50)));
    let mut s = select(vec![e.name.clone(), dept_name]);
    s.froms = vec![FromItem::Join {
        left: Box::new(FromItem::Table(e.table.clone())),
        joins: vec![Join {
            target: FromItem::Table(dept),
            on: Some(Expr::binary(dept_id, BinOp::Eq, e.dept_id.clone())),
            outer: false,
            full: false,
        }],
    }];
    let c = compiled(&stmt(s), Dialect::Sqlite);
    assert_eq!(
        c.sql,
        "SELECT employee.name, department.name AS name_1 \nFROM employee JOIN department ON department.id = employee.dept_id"
    );
    let names: Vec<_> = c.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["name", "name_1"]);
}

#[test]
fn count_star_gets_an_anonymous_label() {
    let e = employee();
    let mut s = select(vec![Expr::func(
        "count",
        vec![Expr::star()],
        SqlType::Integer,
    )]);
    s.froms = vec![FromItem::Table(e.table.clone())];
    let c = compiled(&stmt(s), Dialect::Default);
    assert_eq!(c.sql, "SELECT count(*) AS count_1 \nFROM employee");
    assert_eq!(c.columns[0].name, "count_1");
}

#[test]
fn insert_takes_columns_from_parameter_keys_in_table_order() {
    let e = employee();
    let st = Statement::Insert(Arc::new(
        Insert {
            table: e.table.clone(),
            table_columns: table_columns(),
            values: Vec::new(),
            multi_values: Vec::new(),
            returning: Vec::new(),
            on_conflict: None,
            key: 0,
        }
        .finish(),
    ));
    let d = compiled_with_keys(&st, Dialect::Default, &["dept_id", "name"]);
    assert_eq!(
        d.sql,
        "INSERT INTO employee (name, dept_id) VALUES (:name, :dept_id)"
    );
    let q = compiled_with_keys(&st, Dialect::Sqlite, &["dept_id", "name"]);
    assert_eq!(q.sql, "INSERT INTO employee (name, dept_id) VALUES (?, ?)");
    assert_eq!(q.param_names, vec!["name", "dept_id"]);
    assert_eq!(
        compiled_with_keys(&st, Dialect::Postgresql, &["name"]).sql,
        "INSERT INTO employee (name) VALUES ($1)"
    );
    let err = ferro_sql::compile(
        &st,
        Dialect::Sqlite,
        &ferro_sql::compiler::CompileOptions {
            literal_binds: false,
            param_keys: vec!["nope".into()],
        },
    )
    .expect_err("unknown column");
    assert_eq!(err.to_string(), "Unconsumed column names: nope");
}

#[test]
fn update_and_delete() {
    let e = employee();
    let up = Statement::Update(Arc::new(
        Update {
            table: e.table.clone(),
            table_columns: table_columns(),
            values: vec![(
                "name".into(),
                Expr::bind(
                    "name",
                    Some(Value::Text("y".into())),
                    SqlType::String(None),
                    false,
                ),
            )],
            where_: Some(eq_value(&e.id, "id", Value::Int(3))),
            returning: Vec::new(),
            key: 0,
        }
        .finish(),
    ));
    let d = compiled(&up, Dialect::Default);
    assert_eq!(
        d.sql,
        "UPDATE employee SET name=:name WHERE employee.id = :id_1"
    );
    assert_eq!(
        compiled(&up, Dialect::Sqlite).sql,
        "UPDATE employee SET name=? WHERE employee.id = ?"
    );
    let del = Statement::Delete(Arc::new(
        Delete {
            table: e.table.clone(),
            where_: Some(eq_value(&e.name, "name", Value::Text("z".into()))),
            returning: Vec::new(),
            key: 0,
        }
        .finish(),
    ));
    assert_eq!(
        compiled(&del, Dialect::Default).sql,
        "DELETE FROM employee WHERE employee.name = :name_1"
    );
    assert_eq!(values(&del), vec![Some(Value::Text("z".into()))]);
}

#[test]
fn reserved_words_are_quoted_per_dialect() {
    let t = TableRef::new("user", None);
    let order = Expr::column(Some(t.clone()), "order", SqlType::Integer);
    let mut s = select(vec![order.clone()]);
    s.where_ = Some(eq_value(&order, "order", Value::Int(1)));
    let st = stmt(s);
    assert_eq!(
        compiled(&st, Dialect::Default).sql,
        "SELECT \"user\".\"order\" \nFROM \"user\" \nWHERE \"user\".\"order\" = :order_1"
    );
    assert_eq!(
        compiled(&st, Dialect::Sqlite).sql,
        "SELECT user.\"order\" \nFROM user \nWHERE user.\"order\" = ?"
    );
    assert_eq!(
        compiled(&st, Dialect::Mysql).sql,
        "SELECT user.`order` \nFROM user \nWHERE user.`order` = ?"
    );
}
