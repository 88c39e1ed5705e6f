//! The SQLite driver: typed decoding, pysqlite's transaction timing, error classification, and the
//! pool's QueuePool limits.

use std::sync::Arc;
use std::time::Duration;

use ferro_engine::sqlite::{SqliteBackend, SqliteOptions};
use ferro_engine::{Backend, ErrorKind, Pool, PoolKind, PoolOptions};
use ferro_sql::value::DateTimeParts;
use ferro_sql::{SqlType, Value};

fn memory() -> SqliteBackend {
    SqliteBackend::open(&SqliteOptions {
        path: ":memory:".into(),
        uri: false,
        timeout: 1.0,
    })
    .expect("opens")
}

fn setup(db: &mut SqliteBackend) {
    db.execute(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(20) UNIQUE, ok BOOLEAN, at DATETIME, price NUMERIC(10, 2))",
        &[],
        &[],
        false,
    )
    .expect("ddl");
}

#[test]
fn round_trips_typed_values() {
    let mut db = memory();
    setup(&mut db);
    let at = DateTimeParts {
        year: 2024,
        month: 2,
        day: 29,
        hour: 13,
        minute: 5,
        second: 7,
        microsecond: 123_456,
        utc_offset: None,
    };
    let out = db
        .execute(
            "INSERT INTO t (name, ok, at, price) VALUES (?, ?, ?, ?)",
            &[
                Value::Text("a".into()),
                Value::Bool(true),
                Value::DateTime(at),
                Value::Decimal("19.99".into()),
            ],
            &[],
            true,
        )
        .expect("insert");
    assert_eq!(out.rowcount, 1);
    assert_eq!(out.last_insert_id, Some(1));
    let types = [
        SqlType::Integer,
        SqlType::String(Some(20)),
        SqlType::Boolean,
        SqlType::DateTime { timezone: false },
        SqlType::Numeric {
            precision: Some(10),
            scale: Some(2),
            as_decimal: true,
        },
    ];
    let rows = db
        .execute("SELECT id, name, ok, at, price FROM t", &[], &types, false)
        .expect("select")
        .rows
        .expect("rows");
    assert_eq!(rows.columns, vec!["id", "name", "ok", "at", "price"]);
    assert_eq!(
        rows.row(0),
        &[
            Value::Int(1),
            Value::Text("a".into()),
            Value::Bool(true),
            Value::DateTime(at),
            Value::Decimal("19.99".into())
        ]
    );
    // Stored as SQLAlchemy stores it, so files stay interchangeable.
    let raw = db
        .execute("SELECT at FROM t", &[], &[], false)
        .expect("raw")
        .rows
        .expect("rows");
    assert_eq!(
        raw.row(0),
        &[Value::Text("2024-02-29 13:05:07.123456".into())]
    );
}

#[test]
fn transactions_begin_at_the_first_change() {
    let mut db = memory();
    setup(&mut db);
    db.execute("SELECT * FROM t", &[], &[], false)
        .expect("select");
    assert!(!db.in_transaction());
    db.execute("INSERT INTO t (name) VALUES ('x')", &[], &[], true)
        .expect("insert");
    assert!(db.in_transaction());
    db.rollback().expect("rollback");
    let n = db
        .execute("SELECT count(*) FROM t", &[], &[], false)
        .expect("count")
        .rows
        .expect("rows");
    assert_eq!(n.row(0), &[Value::Int(0)]);
}

#[test]
fn errors_are_classified() {
    let mut db = memory();
    setup(&mut db);
    db.execute("INSERT INTO t (name) VALUES ('x')", &[], &[], true)
        .expect("first");
    let dup = db
        .execute("INSERT INTO t (name) VALUES ('x')", &[], &[], true)
        .expect_err("duplicate");
    assert_eq!(dup.kind, ErrorKind::Integrity);
    assert_eq!(
        dup.sqlite_code.as_ref().map(|c| c.1.as_str()),
        Some("SQLITE_CONSTRAINT_UNIQUE")
    );
    assert_eq!(dup.message, "UNIQUE constraint failed: t.name");
    let count = db
        .execute("SELECT ?", &[], &[], false)
        .expect_err("missing parameter");
    assert_eq!(count.kind, ErrorKind::Programming);
    let two = db
        .execute("SELECT 1; SELECT 2", &[], &[], false)
        .expect_err("two statements");
    assert_eq!(two.kind, ErrorKind::Programming);
    let syntax = db.execute("SELEC 1", &[], &[], false).expect_err("syntax");
    assert_eq!(syntax.kind, ErrorKind::Operational);
    assert_eq!(syntax.message, "near \"SELEC\": syntax error");
}

#[test]
fn executemany_reports_each_id() {
    let mut db = memory();
    setup(&mut db);
    let rows: Vec<Vec<Value>> = ["a", "b", "c"]
        .iter()
        .map(|n| vec![Value::Text((*n).into())])
        .collect();
    let (count, ids) = db
        .execute_many("INSERT INTO t (name) VALUES (?)", &rows, true)
        .expect("many");
    assert_eq!(count, 3);
    assert_eq!(ids, vec![1, 2, 3]);
}

fn queue_pool(size: usize, overflow: i64, timeout_ms: u64) -> Arc<Pool> {
    Pool::new(
        PoolOptions {
            kind: PoolKind::Queue,
            size,
            max_overflow: overflow,
            timeout: Duration::from_millis(timeout_ms),
            ..Default::default()
        },
        Box::new(|| Ok(Box::new(memory()) as Box<dyn Backend>)),
    )
}

#[test]
fn queue_pool_overflow_and_timeout() {
    let pool = queue_pool(1, 1, 100);
    let a = pool.checkout().expect("first");
    let b = pool.checkout().expect("overflow");
    assert_eq!(pool.checked_out(), 2);
    assert_eq!(pool.overflow(), 1);
    let started = std::time::Instant::now();
    let err = pool.checkout().err().expect("third times out");
    assert_eq!(err.kind, ErrorKind::PoolTimeout);
    assert!(started.elapsed() >= Duration::from_millis(90));
    assert!(err
        .message
        .starts_with("QueuePool limit of size 1 overflow 1 reached"));
    // As SQLAlchemy's QueuePool: a returned connection waits in the queue while it has room, and
    // one returned to a full queue is closed.
    drop(b);
    assert_eq!((pool.overflow(), pool.checked_in()), (1, 1));
    drop(a);
    assert_eq!((pool.overflow(), pool.checked_in()), (0, 1));
    let _again = pool.checkout().expect("after return");
}

#[test]
fn static_pool_shares_one_memory_database() {
    let pool = Pool::new(
        PoolOptions {
            kind: PoolKind::Static,
            ..Default::default()
        },
        Box::new(|| Ok(Box::new(memory()) as Box<dyn Backend>)),
    );
    {
        let c = pool.checkout().expect("checkout");
        c.conn()
            .execute("CREATE TABLE shared (x INTEGER)", &[], &[], false)
            .expect("create");
    }
    let c = pool.checkout().expect("again");
    assert!(c
        .conn()
        .execute("SELECT x FROM shared", &[], &[], false)
        .is_ok());
}

#[test]
fn checkin_rolls_back_uncommitted_work() {
    let pool = queue_pool(1, 0, 100);
    {
        let c = pool.checkout().expect("checkout");
        let mut conn = c.conn();
        setup_raw(&mut **conn);
        conn.commit().expect("commit ddl");
        conn.execute("INSERT INTO t (name) VALUES ('gone')", &[], &[], true)
            .expect("insert");
    }
    let c = pool.checkout().expect("same connection back");
    let rows = c
        .conn()
        .execute("SELECT count(*) FROM t", &[], &[], false)
        .expect("count")
        .rows
        .expect("rows");
    assert_eq!(rows.row(0), &[Value::Int(0)]);
}

fn setup_raw(db: &mut dyn Backend) {
    db.execute(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)",
        &[],
        &[],
        false,
    )
    .expect("ddl");
}
