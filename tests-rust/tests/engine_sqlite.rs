//! The SQLite driver: parameters and typed decoding in SQLAlchemy's storage formats, rowcount and
//! last insert ids, executemany, pysqlite's transaction timing (BEGIN before the first DML only),
//! commit/rollback visibility across connections, and PEP 249 error classification.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use ferro_engine::sqlite::{SqliteBackend, SqliteOptions};
use ferro_engine::{Backend, ErrorKind, Rows};
use ferro_sql::value::DateTimeParts;
use ferro_sql::{SqlType, Value};

fn open(path: &str, timeout: f64) -> SqliteBackend {
    SqliteBackend::open(&SqliteOptions {
        path: path.into(),
        uri: false,
        timeout,
    })
    .expect("opens")
}

fn memory() -> SqliteBackend {
    open(":memory:", 1.0)
}

/// A database file in the temp directory, unique per test, removed (with its journal) on drop.
struct TempDb(PathBuf);

impl TempDb {
    fn new(tag: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "ferro-tests-{tag}-{}-{}-{nanos}.db",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        TempDb(std::env::temp_dir().join(name))
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("utf-8 temp path")
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        let _ = std::fs::remove_file(format!("{}-journal", self.path()));
    }
}

fn run(db: &mut dyn Backend, sql: &str) {
    db.execute(sql, &[], &[], false).expect(sql);
}

fn rows(db: &mut dyn Backend, sql: &str, types: &[SqlType]) -> Rows {
    db.execute(sql, &[], types, false)
        .expect(sql)
        .rows
        .expect("a SELECT returns rows")
}

fn count(db: &mut dyn Backend, table: &str) -> i64 {
    match rows(db, &format!("SELECT count(*) FROM {table}"), &[]).row(0) {
        [Value::Int(n)] => *n,
        other => panic!("count(*) gave {other:?}"),
    }
}

fn setup(db: &mut dyn Backend) {
    run(
        db,
        "CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(20) UNIQUE NOT NULL DEFAULT 'x', \
         ok BOOLEAN, at DATETIME, day DATE, price NUMERIC(10, 2), ratio FLOAT, data BLOB)",
    );
}

fn datetime(y: i32, mo: u8, d: u8, h: u8, mi: u8, s: u8, us: u32) -> DateTimeParts {
    DateTimeParts {
        year: y,
        month: mo,
        day: d,
        hour: h,
        minute: mi,
        second: s,
        microsecond: us,
        utc_offset: None,
    }
}

fn numeric(scale: u32) -> SqlType {
    SqlType::Numeric {
        precision: Some(10),
        scale: Some(scale),
        as_decimal: true,
    }
}

const INSERT_ALL: &str =
    "INSERT INTO t (name, ok, at, day, price, ratio, data) VALUES (?, ?, ?, ?, ?, ?, ?)";

#[test]
fn round_trips_typed_values() {
    let mut db = memory();
    setup(&mut db);
    let at = datetime(2024, 2, 29, 13, 5, 7, 123_456);
    let day = datetime(2023, 12, 31, 0, 0, 0, 0);
    let out = db
        .execute(
            INSERT_ALL,
            &[
                Value::Text("a".into()),
                Value::Bool(true),
                Value::DateTime(at),
                Value::Date(day),
                Value::Decimal("19.99".into()),
                Value::Float(0.25),
                Value::Blob(vec![0, 159, 255]),
            ],
            &[],
            true,
        )
        .expect("insert");
    assert_eq!(out.rowcount, 1);
    assert_eq!(out.last_insert_id, Some(1));
    assert!(out.rows.is_none());
    let types = [
        SqlType::Integer,
        SqlType::String(Some(20)),
        SqlType::Boolean,
        SqlType::DateTime { timezone: false },
        SqlType::Date,
        numeric(2),
        SqlType::Float,
        SqlType::LargeBinary,
    ];
    let r = rows(
        &mut db,
        "SELECT id, name, ok, at, day, price, ratio, data FROM t",
        &types,
    );
    assert_eq!(
        r.columns,
        ["id", "name", "ok", "at", "day", "price", "ratio", "data"]
    );
    assert_eq!(r.len(), 1);
    assert_eq!(
        r.row(0),
        [
            Value::Int(1),
            Value::Text("a".into()),
            Value::Bool(true),
            Value::DateTime(at),
            Value::Date(day),
            Value::Decimal("19.99".into()),
            Value::Float(0.25),
            Value::Blob(vec![0, 159, 255]),
        ]
    );
}

#[test]
fn stores_dates_as_sqlalchemy_does() {
    // SQLAlchemy's SQLite DATETIME/DATE/TIME storage formats, so files stay interchangeable.
    let mut db = memory();
    run(
        &mut db,
        "CREATE TABLE d (at DATETIME, day DATE, tm TIME, flag BOOLEAN)",
    );
    db.execute(
        "INSERT INTO d VALUES (?, ?, ?, ?)",
        &[
            Value::DateTime(datetime(2024, 2, 29, 13, 5, 7, 0)),
            Value::Date(datetime(2024, 1, 2, 0, 0, 0, 0)),
            Value::Time(datetime(0, 0, 0, 1, 2, 3, 4)),
            Value::Bool(false),
        ],
        &[],
        true,
    )
    .expect("insert");
    let raw = rows(&mut db, "SELECT at, day, tm, flag FROM d", &[]);
    assert_eq!(
        raw.row(0),
        [
            Value::Text("2024-02-29 13:05:07.000000".into()),
            Value::Text("2024-01-02".into()),
            Value::Text("01:02:03.000004".into()),
            Value::Int(0),
        ]
    );
}

#[test]
fn parses_datetime_text_in_the_forms_sqlalchemy_reads() {
    let mut db = memory();
    run(
        &mut db,
        "CREATE TABLE d (id INTEGER PRIMARY KEY, at DATETIME)",
    );
    for text in [
        "2024-02-29 13:05:07.123456",
        "2024-02-29 13:05",
        "2024-02-29T13:05:07.5",
        "2024-02-29",
    ] {
        db.execute(
            "INSERT INTO d (at) VALUES (?)",
            &[Value::Text(text.into())],
            &[],
            true,
        )
        .expect("insert");
    }
    let r = rows(
        &mut db,
        "SELECT at FROM d ORDER BY id",
        &[SqlType::DateTime { timezone: false }],
    );
    assert_eq!(
        r.values,
        [
            Value::DateTime(datetime(2024, 2, 29, 13, 5, 7, 123_456)),
            Value::DateTime(datetime(2024, 2, 29, 13, 5, 0, 0)),
            Value::DateTime(datetime(2024, 2, 29, 13, 5, 7, 500_000)),
            Value::DateTime(datetime(2024, 2, 29, 0, 0, 0, 0)),
        ]
    );
}

#[test]
fn unparseable_datetime_text_is_a_data_error() {
    let mut db = memory();
    run(&mut db, "CREATE TABLE d (at DATETIME)");
    run(&mut db, "INSERT INTO d VALUES ('yesterday')");
    let err = db
        .execute(
            "SELECT at FROM d",
            &[],
            &[SqlType::DateTime { timezone: false }],
            false,
        )
        .expect_err("not a datetime");
    assert_eq!(err.kind, ErrorKind::Data);
    assert!(err.message.contains("datetime"), "{}", err.message);
}

#[test]
fn numeric_is_decimal_text_at_the_column_scale() {
    // Numeric(10, 2) reads Decimal('5.00'), Decimal('19.99'), Decimal('0.10') back in
    // SQLAlchemy, whatever storage class SQLite's NUMERIC affinity chose.
    let mut db = memory();
    run(
        &mut db,
        "CREATE TABLE n (id INTEGER PRIMARY KEY, price NUMERIC(10, 2))",
    );
    for v in [
        Value::Int(5),
        Value::Decimal("19.99".into()),
        Value::Decimal("0.1".into()),
    ] {
        db.execute("INSERT INTO n (price) VALUES (?)", &[v], &[], true)
            .expect("insert");
    }
    let r = rows(&mut db, "SELECT price FROM n ORDER BY id", &[numeric(2)]);
    assert_eq!(
        r.values,
        [
            Value::Decimal("5.00".into()),
            Value::Decimal("19.99".into()),
            Value::Decimal("0.10".into()),
        ]
    );
}

#[test]
fn booleans_and_nulls_decode_by_type() {
    let mut db = memory();
    run(
        &mut db,
        "CREATE TABLE b (id INTEGER PRIMARY KEY, flag BOOLEAN)",
    );
    for v in [Value::Bool(true), Value::Bool(false), Value::Null] {
        db.execute("INSERT INTO b (flag) VALUES (?)", &[v], &[], true)
            .expect("insert");
    }
    let typed = rows(
        &mut db,
        "SELECT flag FROM b ORDER BY id",
        &[SqlType::Boolean],
    );
    assert_eq!(
        typed.values,
        [Value::Bool(true), Value::Bool(false), Value::Null]
    );
    // Untyped (text() without .columns()): what the driver reports.
    let raw = rows(&mut db, "SELECT flag FROM b ORDER BY id", &[]);
    assert_eq!(raw.values, [Value::Int(1), Value::Int(0), Value::Null]);
}

#[test]
fn rowcount_and_last_insert_id() {
    let mut db = memory();
    setup(&mut db);
    for (i, name) in ["a", "b", "c"].iter().enumerate() {
        let out = db
            .execute(
                "INSERT INTO t (name, ok) VALUES (?, ?)",
                &[Value::Text((*name).into()), Value::Bool(i != 1)],
                &[],
                true,
            )
            .expect("insert");
        assert_eq!(out.rowcount, 1);
        assert_eq!(out.last_insert_id, Some(i as i64 + 1));
    }
    let upd = db
        .execute(
            "UPDATE t SET price = 1 WHERE ok = ?",
            &[Value::Bool(true)],
            &[],
            true,
        )
        .expect("update");
    assert_eq!(upd.rowcount, 2);
    let none = db
        .execute(
            "UPDATE t SET price = 1 WHERE id = ?",
            &[Value::Int(99)],
            &[],
            true,
        )
        .expect("update nothing");
    assert_eq!(none.rowcount, 0);
    let del = db
        .execute(
            "DELETE FROM t WHERE name != ?",
            &[Value::Text("b".into())],
            &[],
            true,
        )
        .expect("delete");
    assert_eq!(del.rowcount, 2);
    assert_eq!(count(&mut db, "t"), 1);
    // A SELECT reports no rowcount (pysqlite's -1).
    let sel = db
        .execute("SELECT id FROM t", &[], &[], false)
        .expect("select");
    assert_eq!(sel.rowcount, -1);
}

#[test]
fn execute_many_binds_each_set_and_reports_each_id() {
    let mut db = memory();
    setup(&mut db);
    let sets: Vec<Vec<Value>> = ["a", "b", "c"]
        .iter()
        .map(|n| vec![Value::Text((*n).into()), Value::Null])
        .collect();
    let (n, ids) = db
        .execute_many("INSERT INTO t (name, price) VALUES (?, ?)", &sets, true)
        .expect("many");
    assert_eq!(n, 3);
    assert_eq!(ids, [1, 2, 3]);
    assert!(db.in_transaction());
    let names = rows(&mut db, "SELECT name FROM t ORDER BY id", &[]);
    assert_eq!(
        names.values,
        [
            Value::Text("a".into()),
            Value::Text("b".into()),
            Value::Text("c".into())
        ]
    );
    let updates: Vec<Vec<Value>> = vec![
        vec![Value::Int(10), Value::Text("a".into())],
        vec![Value::Int(20), Value::Text("nobody".into())],
        vec![Value::Int(30), Value::Text("c".into())],
    ];
    let (n, _) = db
        .execute_many("UPDATE t SET price = ? WHERE name = ?", &updates, true)
        .expect("many updates");
    assert_eq!(n, 2);
}

#[test]
fn execute_many_with_a_short_parameter_set_is_a_programming_error() {
    let mut db = memory();
    setup(&mut db);
    let sets = vec![vec![Value::Text("a".into())], vec![]];
    let err = db
        .execute_many("INSERT INTO t (name) VALUES (?)", &sets, true)
        .expect_err("second set is empty");
    assert_eq!(err.kind, ErrorKind::Programming);
}

#[test]
fn select_does_not_begin_a_transaction_but_dml_does() {
    let mut db = memory();
    setup(&mut db);
    assert!(!db.in_transaction(), "DDL ran outside a transaction");
    rows(&mut db, "SELECT * FROM t", &[]);
    assert!(!db.in_transaction());
    db.execute("INSERT INTO t (name) VALUES ('x')", &[], &[], true)
        .expect("insert");
    assert!(db.in_transaction());
    db.commit().expect("commit");
    assert!(!db.in_transaction());
    // Commit and rollback outside a transaction are no-ops, as in pysqlite.
    db.commit().expect("commit again");
    db.rollback().expect("rollback nothing");
    assert_eq!(count(&mut db, "t"), 1);
}

#[test]
fn rollback_discards_uncommitted_changes() {
    let mut db = memory();
    setup(&mut db);
    db.execute("INSERT INTO t (name) VALUES ('kept')", &[], &[], true)
        .expect("insert");
    db.commit().expect("commit");
    db.execute("INSERT INTO t (name) VALUES ('gone')", &[], &[], true)
        .expect("insert");
    db.execute(
        "UPDATE t SET name = 'changed' WHERE name = 'kept'",
        &[],
        &[],
        true,
    )
    .expect("update");
    assert_eq!(count(&mut db, "t"), 2);
    db.rollback().expect("rollback");
    assert!(!db.in_transaction());
    let names = rows(&mut db, "SELECT name FROM t", &[]);
    assert_eq!(names.values, [Value::Text("kept".into())]);
}

#[test]
fn other_connections_see_only_committed_work() {
    let file = TempDb::new("visibility");
    let mut writer = open(file.path(), 1.0);
    setup(&mut writer);
    let mut reader = open(file.path(), 1.0);
    writer
        .execute("INSERT INTO t (name) VALUES ('w')", &[], &[], true)
        .expect("insert");
    assert_eq!(count(&mut reader, "t"), 0);
    writer.commit().expect("commit");
    assert_eq!(count(&mut reader, "t"), 1);
}

#[test]
fn a_locked_database_is_an_operational_error_after_the_timeout() {
    let file = TempDb::new("locked");
    let mut first = open(file.path(), 1.0);
    setup(&mut first);
    first
        .execute("INSERT INTO t (name) VALUES ('a')", &[], &[], true)
        .expect("first writer");
    let mut second = open(file.path(), 0.1);
    let started = std::time::Instant::now();
    let err = second
        .execute("INSERT INTO t (name) VALUES ('b')", &[], &[], true)
        .expect_err("database is locked");
    assert!(started.elapsed() >= std::time::Duration::from_millis(90));
    assert_eq!(err.kind, ErrorKind::Operational);
    assert_eq!(err.message, "database is locked");
    assert_eq!(
        err.sqlite_code.as_ref().map(|c| c.1.as_str()),
        Some("SQLITE_BUSY")
    );
    first.commit().expect("commit");
    second.rollback().expect("rollback");
    second
        .execute("INSERT INTO t (name) VALUES ('b')", &[], &[], true)
        .expect("free again");
}

#[test]
fn unique_violation_is_an_integrity_error() {
    let mut db = memory();
    setup(&mut db);
    db.execute("INSERT INTO t (name) VALUES ('x')", &[], &[], true)
        .expect("first");
    let dup = db
        .execute(
            "INSERT INTO t (name) VALUES (?)",
            &[Value::Text("x".into())],
            &[],
            true,
        )
        .expect_err("duplicate");
    assert_eq!(dup.kind, ErrorKind::Integrity);
    assert_eq!(dup.message, "UNIQUE constraint failed: t.name");
    assert_eq!(
        dup.sqlite_code,
        Some((2067, "SQLITE_CONSTRAINT_UNIQUE".to_string()))
    );
    // The failed statement leaves the transaction open, holding the first row until rollback.
    assert!(db.in_transaction());
    db.rollback().expect("rollback");
    assert_eq!(count(&mut db, "t"), 0);
}

#[test]
fn not_null_and_primary_key_violations_are_integrity_errors() {
    let mut db = memory();
    setup(&mut db);
    let null = db
        .execute("INSERT INTO t (name) VALUES (?)", &[Value::Null], &[], true)
        .expect_err("NOT NULL");
    assert_eq!(null.kind, ErrorKind::Integrity);
    assert_eq!(
        null.sqlite_code.map(|c| c.1),
        Some("SQLITE_CONSTRAINT_NOTNULL".to_string())
    );
    db.execute("INSERT INTO t (id, name) VALUES (1, 'a')", &[], &[], true)
        .expect("first");
    let pk = db
        .execute("INSERT INTO t (id, name) VALUES (1, 'b')", &[], &[], true)
        .expect_err("duplicate key");
    assert_eq!(pk.kind, ErrorKind::Integrity);
    assert_eq!(
        pk.sqlite_code.map(|c| c.1),
        Some("SQLITE_CONSTRAINT_PRIMARYKEY".to_string())
    );
}

#[test]
fn wrong_parameter_count_is_a_programming_error() {
    let mut db = memory();
    setup(&mut db);
    let few = db
        .execute(
            "SELECT * FROM t WHERE id = ? AND name = ?",
            &[Value::Int(1)],
            &[],
            false,
        )
        .expect_err("one missing");
    assert_eq!(few.kind, ErrorKind::Programming);
    assert_eq!(
        few.message,
        "Incorrect number of bindings supplied. The current statement uses 2, and there are 1 supplied."
    );
    let many = db
        .execute("SELECT 1", &[Value::Int(1)], &[], false)
        .expect_err("one too many");
    assert_eq!(many.kind, ErrorKind::Programming);
}

#[test]
fn two_statements_in_one_string_are_refused() {
    let mut db = memory();
    setup(&mut db);
    let err = db
        .execute(
            "INSERT INTO t (name) VALUES ('a'); DELETE FROM t",
            &[],
            &[],
            true,
        )
        .expect_err("two statements");
    assert_eq!(err.kind, ErrorKind::Programming);
    assert_eq!(err.message, "You can only execute one statement at a time.");
    db.rollback().expect("rollback");
    assert_eq!(count(&mut db, "t"), 0, "nothing of the refused string ran");
    // A single statement with a trailing semicolon is fine, as in pysqlite.
    let r = rows(&mut db, "SELECT 1;", &[]);
    assert_eq!(r.values, [Value::Int(1)]);
}

#[test]
fn syntax_errors_and_unknown_tables_are_operational_errors() {
    let mut db = memory();
    let syntax = db.execute("SELEC 1", &[], &[], false).expect_err("syntax");
    assert_eq!(syntax.kind, ErrorKind::Operational);
    assert_eq!(syntax.message, "near \"SELEC\": syntax error");
    let missing = db
        .execute("SELECT * FROM nope", &[], &[], false)
        .expect_err("no table");
    assert_eq!(missing.kind, ErrorKind::Operational);
    assert_eq!(missing.message, "no such table: nope");
}

#[test]
fn a_file_database_persists_committed_data() {
    let file = TempDb::new("persist");
    {
        let mut db = open(file.path(), 1.0);
        setup(&mut db);
        db.execute("INSERT INTO t (name) VALUES ('saved')", &[], &[], true)
            .expect("insert");
        db.commit().expect("commit");
        db.execute("INSERT INTO t (name) VALUES ('unsaved')", &[], &[], true)
            .expect("insert");
        // Dropped with the transaction open: SQLite rolls it back.
    }
    let mut db = open(file.path(), 1.0);
    let names = rows(&mut db, "SELECT name FROM t", &[]);
    assert_eq!(names.values, [Value::Text("saved".into())]);
    assert!(db.ping());
}

#[test]
fn uri_filenames_are_honoured_when_asked_for() {
    let name = format!(
        "file:ferro-tests-uri-{}?mode=memory&cache=shared",
        std::process::id()
    );
    let opts = SqliteOptions {
        path: name,
        uri: true,
        timeout: 1.0,
    };
    let mut a = SqliteBackend::open(&opts).expect("a");
    let mut b = SqliteBackend::open(&opts).expect("b");
    run(&mut a, "CREATE TABLE shared (x INTEGER)");
    // Both connections see the one named in-memory database.
    assert_eq!(count(&mut b, "shared"), 0);
}

/// A streaming cursor resumes where it stopped, lets other statements (and writes) run on the
/// connection meanwhile, as pysqlite's cursors do, and is released when closed, exhausted, or
/// when the backend goes with it still open.
#[test]
fn cursors_stream_alongside_other_statements() {
    let mut b = memory();
    b.execute("CREATE TABLE t (id INTEGER, d DATE)", &[], &[], false)
        .unwrap();
    let rows: Vec<Vec<Value>> = (1..=25)
        .map(|i| vec![Value::Int(i), Value::Text(format!("2024-01-{:02}", i))])
        .collect();
    b.execute_many("INSERT INTO t VALUES (?, ?)", &rows, true)
        .unwrap();
    let types = [SqlType::Integer, SqlType::Date];
    let (a, first) = b
        .open_cursor(
            "SELECT id, d FROM t WHERE id > ? ORDER BY id",
            &[Value::Int(5)],
            &types,
            3,
        )
        .unwrap();
    assert_eq!(first.columns, ["id", "d"]);
    assert_eq!(first.len(), 3);
    assert_eq!(first.row(0)[0], Value::Int(6));
    assert!(matches!(first.row(0)[1], Value::Date(_)));
    // Another cursor, a write and a plain query in between.
    let (c, _) = b.open_cursor("SELECT id FROM t", &[], &[], 1).unwrap();
    b.execute("UPDATE t SET id = id WHERE id = 1", &[], &[], true)
        .unwrap();
    let n = b
        .execute("SELECT count(*) FROM t", &[], &[], false)
        .unwrap();
    assert_eq!(n.rows.unwrap().values, [Value::Int(25)]);
    let next = b.fetch_cursor(a, 10).unwrap();
    let ids: Vec<&Value> = (0..next.len()).map(|i| &next.row(i)[0]).collect();
    assert_eq!(
        ids,
        (9..=18)
            .map(Value::Int)
            .collect::<Vec<_>>()
            .iter()
            .collect::<Vec<_>>()
    );
    let rest = b.fetch_cursor(a, 100).unwrap();
    assert_eq!(rest.len(), 7);
    assert!(b.fetch_cursor(a, 100).unwrap().is_empty());
    b.close_cursor(a);
    assert!(b.fetch_cursor(a, 5).unwrap().is_empty());
    b.commit().unwrap();
    // Dropped with a cursor still open: the statement is finalized before the connection.
    assert_eq!(b.fetch_cursor(c, 2).unwrap().len(), 2);
    drop(b);
}

#[test]
fn cursor_over_bad_sql_fails_and_leaves_the_connection_usable() {
    let mut b = memory();
    let err = b
        .open_cursor("SELECT nope FROM missing", &[], &[], 5)
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Operational);
    let one = b.execute("SELECT 1", &[], &[], false).unwrap();
    assert_eq!(one.rows.unwrap().values, [Value::Int(1)]);
}
