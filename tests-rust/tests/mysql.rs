//! The MySQL/MariaDB driver against the server at FERRO_TEST_MYSQL_URL (.ci/run sets it; unset,
//! these tests return early).

use ferro_engine::mysql::{MySqlBackend, MySqlOptions};
use ferro_engine::{Backend, ErrorKind, Url};
use ferro_sql::{SqlType, Value};

fn server() -> Option<MySqlBackend> {
    let url = std::env::var("FERRO_TEST_MYSQL_URL").ok()?;
    let opts = MySqlOptions::from_url(&Url::parse(&url).expect("url parses")).expect("options");
    Some(MySqlBackend::connect(&opts).expect("the server at FERRO_TEST_MYSQL_URL answers"))
}

#[test]
fn values_come_back_by_type_and_declared_type() {
    let Some(mut db) = server() else { return };
    let out = db
        .execute(
            "SELECT ? + 1, CAST(? AS DECIMAL(10, 2)), ?, CAST(1 AS UNSIGNED), ?",
            &[
                Value::Int(41),
                Value::Decimal("1.5".into()),
                Value::Text("x".into()),
                Value::Null,
            ],
            &[
                SqlType::Null,
                SqlType::Null,
                SqlType::Null,
                SqlType::Boolean,
            ],
            false,
        )
        .expect("runs");
    assert_eq!(
        out.rows.expect("rows").values,
        vec![
            Value::Int(42),
            Value::Decimal("1.50".into()),
            Value::Text("x".into()),
            Value::Bool(true),
            Value::Null
        ]
    );
    db.rollback().expect("rollback");
}

#[test]
fn inserts_report_their_generated_ids() {
    let Some(mut db) = server() else { return };
    db.execute(
        "CREATE TEMPORARY TABLE ferro_ids (id INTEGER AUTO_INCREMENT PRIMARY KEY, v INTEGER)",
        &[],
        &[],
        true,
    )
    .expect("ddl");
    let (count, ids) = db
        .execute_many(
            "INSERT INTO ferro_ids (v) VALUES (?)",
            &[vec![Value::Int(7)], vec![Value::Int(8)]],
            true,
        )
        .expect("inserts");
    assert_eq!((count, ids), (2, vec![1, 2]));
    db.rollback().expect("rollback");
}

#[test]
fn errors_map_by_error_number() {
    let Some(mut db) = server() else { return };
    let err = db.execute("SELEC 1", &[], &[], false).expect_err("syntax");
    assert_eq!(err.kind, ErrorKind::Programming);
    assert!(err.message.starts_with("(1064, "), "{}", err.message);
    let err = db
        .execute("SELECT * FROM ferro_no_such_table", &[], &[], false)
        .expect_err("no table");
    assert_eq!(err.kind, ErrorKind::Programming);
    assert!(db.ping());
}
