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
    // One two-row statement: its LAST_INSERT_ID is the first row's, as PyMySQL's executemany.
    assert_eq!((count, ids), (2, vec![1]));
    let (count, ids) = db
        .execute_many_keyed(
            "INSERT INTO ferro_ids (v) VALUES (?)",
            &[
                vec![Value::Int(9)],
                vec![Value::Int(10)],
                vec![Value::Int(11)],
            ],
        )
        .expect("inserts");
    assert_eq!((count, ids), (3, vec![3, 4, 5]));
    let (count, ids) = db
        .execute_many_keyed(
            "INSERT INTO ferro_ids (v) VALUES (?)",
            &[vec![Value::Int(12)]],
        )
        .expect("inserts");
    assert_eq!((count, ids), (1, vec![6]));
    let out = db
        .execute("SELECT id, v FROM ferro_ids ORDER BY id", &[], &[], false)
        .expect("reads");
    let pairs: Vec<Value> = [(1, 7), (2, 8), (3, 9), (4, 10), (5, 11), (6, 12)]
        .into_iter()
        .flat_map(|(id, v)| [Value::Int(id), Value::Int(v)])
        .collect();
    assert_eq!(out.rows.expect("rows").values, pairs);
    db.rollback().expect("rollback");
}

#[test]
fn executemany_of_an_insert_goes_out_as_multi_row_statements() {
    let Some(mut db) = server() else { return };
    db.execute(
        "CREATE TEMPORARY TABLE ferro_batch (id INTEGER AUTO_INCREMENT PRIMARY KEY, n INTEGER, s TEXT)",
        &[],
        &[],
        true,
    )
    .expect("ddl");
    let rows = ferro_tests::batch_rows(2_345);
    let (count, ids) = db
        .execute_many("INSERT INTO ferro_batch (n, s) VALUES (?, ?)", &rows, true)
        .expect("inserts");
    // 1000 + 1000 + 345 rows: one id per statement, each its first row's.
    assert_eq!((count, ids), (2_345, vec![1, 1_001, 2_001]));
    let out = db
        .execute("SELECT n, s FROM ferro_batch ORDER BY id", &[], &[], false)
        .expect("reads");
    assert_eq!(out.rows.expect("rows").values, rows.concat());
    let (count, ids) = db
        .execute_many_keyed("INSERT INTO ferro_batch (n, s) VALUES (?, ?)", &rows)
        .expect("inserts");
    assert_eq!(count, 2_345);
    assert_eq!(ids, (2_346..=4_690).collect::<Vec<i64>>());
    db.rollback().expect("rollback");
}

#[test]
fn large_values_split_a_batch_under_the_packet_budget() {
    let Some(mut db) = server() else { return };
    db.execute(
        "CREATE TEMPORARY TABLE ferro_big (id INTEGER AUTO_INCREMENT PRIMARY KEY, b LONGBLOB)",
        &[],
        &[],
        true,
    )
    .expect("ddl");
    // 12 MiB in all: more than one statement may carry, fewer than one row per statement.
    let rows: Vec<Vec<Value>> = (0..12u8)
        .map(|i| vec![Value::Blob(vec![i; 1024 * 1024])])
        .collect();
    let (count, ids) = db
        .execute_many("INSERT INTO ferro_big (b) VALUES (?)", &rows, true)
        .expect("inserts");
    assert_eq!(count, 12);
    assert!(ids.len() > 1, "{ids:?}");
    let out = db
        .execute("SELECT b FROM ferro_big ORDER BY id", &[], &[], false)
        .expect("reads");
    assert_eq!(out.rows.expect("rows").values, rows.concat());
    db.rollback().expect("rollback");
}

#[test]
fn a_failing_row_fails_the_batch_with_the_servers_error() {
    let Some(mut db) = server() else { return };
    db.execute(
        "CREATE TEMPORARY TABLE ferro_uniq (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)",
        &[],
        &[],
        true,
    )
    .expect("ddl");
    let rows = vec![
        vec![Value::Int(1), Value::Int(1)],
        vec![Value::Int(1), Value::Int(2)],
    ];
    let err = db
        .execute_many("INSERT INTO ferro_uniq (id, v) VALUES (?, ?)", &rows, true)
        .expect_err("duplicate key");
    assert_eq!(err.kind, ErrorKind::Integrity);
    assert!(err.message.starts_with("(1062, "), "{}", err.message);
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

/// An unbuffered result read chunk by chunk; a statement run before it is exhausted first reads
/// the rest off the socket (PyMySQL's behaviour), after which the cursor has no more rows.
#[test]
fn streamed_results_read_as_consumed() {
    let Some(mut db) = server() else { return };
    let sql = "SELECT seq, CONCAT('r', seq) FROM seq_1_to_50";
    let (a, first) = db
        .open_cursor(sql, &[], &[], 4)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(first.len(), 4);
    assert_eq!(first.row(0), [Value::Int(1), Value::Text("r1".into())]);
    let next = db.fetch_cursor(a, 10).expect("fetches");
    assert_eq!(next.row(0)[0], Value::Int(5));
    let one = db
        .execute("SELECT 7", &[], &[], false)
        .expect("runs after the drain");
    assert_eq!(one.rows.expect("rows").values, [Value::Int(7)]);
    assert!(db.fetch_cursor(a, 10).expect("no error").is_empty());
    // Read to its end, the connection comes back by itself.
    let (b, rows) = db
        .open_cursor(sql, &[], &[SqlType::Integer], 100)
        .expect("opens");
    assert_eq!(rows.len(), 50);
    assert!(db.fetch_cursor(b, 5).expect("no error").is_empty());
    db.commit().expect("commits");
    let err = db
        .open_cursor("SELECT nope FROM missing_table", &[], &[], 5)
        .expect_err("fails");
    assert_eq!(err.kind, ErrorKind::Programming);
    db.rollback().expect("rolls back");
    // Dropped mid-stream: nothing hangs.
    let (_c, _) = db.open_cursor(sql, &[], &[], 2).expect("opens");
    drop(db);
}
