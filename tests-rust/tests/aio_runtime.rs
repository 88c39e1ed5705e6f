//! Connections of the aio runtime (an async engine's): statements run as tasks on its one thread
//! (`aio_submit` + `execute_local`), many connections at once, and the same connections still serve
//! blocking calls from other threads (a flush, a commit) while that thread drives their I/O. Against
//! the servers at FERRO_TEST_POSTGRES_URL / FERRO_TEST_MYSQL_URL (unset, these tests return early).

use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};

use ferro_engine::mysql::{MySqlBackend, MySqlOptions};
use ferro_engine::postgres::{PgBackend, PgOptions};
use ferro_engine::runtime::{aio_submit, Rt};
use ferro_engine::{Backend, Url};
use ferro_sql::Value;

type Shared = Arc<Mutex<Box<dyn Backend>>>;

fn postgres() -> Option<Shared> {
    let url = std::env::var("FERRO_TEST_POSTGRES_URL").ok()?;
    let mut opts = PgOptions::from_url(&Url::parse(&url).expect("url parses")).expect("options");
    opts.rt = Rt::Aio;
    let db = PgBackend::connect(&opts).expect("the server answers");
    Some(Arc::new(Mutex::new(Box::new(db))))
}

fn mysql() -> Option<Shared> {
    let url = std::env::var("FERRO_TEST_MYSQL_URL").ok()?;
    let mut opts = MySqlOptions::from_url(&Url::parse(&url).expect("url parses")).expect("options");
    opts.rt = Rt::Aio;
    let db = MySqlBackend::connect(&opts).expect("the server answers");
    Some(Arc::new(Mutex::new(Box::new(db))))
}

/// `n` statements per connection, all submitted before any is awaited; each selects its own
/// number back. Each task holds its own connection's lock across its awaits, as the bindings do;
/// no other task takes that lock.
#[allow(clippy::await_holding_lock)]
fn run_local_statements(conns: &[Shared], sql: &'static str, n: i64) {
    let (tx, rx) = channel();
    for (c, conn) in conns.iter().enumerate() {
        let conn = conn.clone();
        let tx = tx.clone();
        aio_submit(Box::new(move || {
            Box::pin(async move {
                let mut db = conn.lock().expect("not poisoned");
                assert!(db.runs_local());
                for i in 0..n {
                    let want = (c as i64) * 1000 + i;
                    let out = db
                        .execute_local(sql, &[Value::Int(want)], &[])
                        .expect("an aio connection runs local statements")
                        .await
                        .expect("runs");
                    tx.send((want, out.rows.expect("rows").values))
                        .expect("sent");
                }
            })
        }))
        .expect("submitted");
    }
    drop(tx);
    let got: Vec<_> = rx.iter().collect();
    assert_eq!(got.len(), conns.len() * n as usize);
    for (want, values) in got {
        assert_eq!(values, vec![Value::Int(want)]);
    }
}

fn check(conns: Vec<Shared>, select: &'static str, insert: &str, count: &str) {
    // Blocking calls on an aio connection, from this (non-runtime) thread.
    {
        let mut db = conns[0].lock().expect("not poisoned");
        db.execute("DROP TABLE IF EXISTS aio_rt", &[], &[], false)
            .expect("drops");
        db.execute("CREATE TABLE aio_rt (v int)", &[], &[], false)
            .expect("creates");
        db.commit().expect("commits");
    }
    run_local_statements(&conns, select, 50);
    // The transaction the awaited statements began is the one a blocking commit ends.
    let mut db = conns[1].lock().expect("not poisoned");
    db.execute(insert, &[Value::Int(7)], &[], true)
        .expect("inserts");
    assert!(db.in_transaction());
    db.commit().expect("commits");
    let out = db.execute(count, &[], &[], false).expect("counts");
    assert_eq!(out.rows.expect("rows").values, vec![Value::Int(1)]);
    db.rollback().expect("rolls back");
}

#[test]
fn postgres_statements_run_on_the_aio_thread() {
    let conns: Option<Vec<Shared>> = (0..4).map(|_| postgres()).collect();
    let Some(conns) = conns else { return };
    check(
        conns,
        "SELECT $1::int8",
        "INSERT INTO aio_rt VALUES ($1)",
        "SELECT count(*) FROM aio_rt",
    );
}

#[test]
fn mysql_statements_run_on_the_aio_thread() {
    let conns: Option<Vec<Shared>> = (0..4).map(|_| mysql()).collect();
    let Some(conns) = conns else { return };
    check(
        conns,
        "SELECT CAST(? AS SIGNED)",
        "INSERT INTO aio_rt VALUES (?)",
        "SELECT count(*) FROM aio_rt",
    );
}

#[test]
fn blocking_connections_run_no_local_statements() {
    let Ok(url) = std::env::var("FERRO_TEST_POSTGRES_URL") else {
        return;
    };
    let opts = PgOptions::from_url(&Url::parse(&url).expect("url parses")).expect("options");
    let mut db = PgBackend::connect(&opts).expect("the server answers");
    assert!(!db.runs_local());
    assert!(db.execute_local("SELECT 1", &[], &[]).is_none());
}
