//! The connection pool with SQLAlchemy's semantics: QueuePool size, overflow and timeout, return
//! and reuse; NullPool, StaticPool and SingletonThreadPool; recycle, pre-ping, invalidation,
//! dispose, reset-on-return, and failing connection factories.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferro_engine::pool::Factory;
use ferro_engine::sqlite::{SqliteBackend, SqliteOptions};
use ferro_engine::{
    Backend, EngineError, ErrorKind, Outcome, Pool, PoolKind, PoolOptions, ResetOnReturn,
};
use ferro_sql::{SqlType, Value};

fn memory() -> Box<dyn Backend> {
    Box::new(
        SqliteBackend::open(&SqliteOptions {
            path: ":memory:".into(),
            uri: false,
            timeout: 1.0,
        })
        .expect("opens"),
    )
}

/// A factory of fresh in-memory SQLite connections that counts how many it opened.
fn sqlite_factory(opened: &Arc<AtomicUsize>) -> Factory {
    let opened = opened.clone();
    Box::new(move || {
        opened.fetch_add(1, Ordering::SeqCst);
        Ok(memory())
    })
}

fn pool(opts: PoolOptions) -> (Arc<Pool>, Arc<AtomicUsize>) {
    let opened = Arc::new(AtomicUsize::new(0));
    (Pool::new(opts, sqlite_factory(&opened)), opened)
}

fn queue(size: usize, max_overflow: i64, timeout_ms: u64) -> PoolOptions {
    PoolOptions {
        kind: PoolKind::Queue,
        size,
        max_overflow,
        timeout: Duration::from_millis(timeout_ms),
        ..Default::default()
    }
}

fn has_table(conn: &mut dyn Backend, name: &str) -> bool {
    let rows = conn
        .execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
            &[Value::Text(name.into())],
            &[],
            false,
        )
        .expect("sqlite_master")
        .rows
        .expect("rows");
    rows.row(0) == [Value::Int(1)]
}

fn create_table(conn: &mut dyn Backend, name: &str) {
    conn.execute(&format!("CREATE TABLE {name} (x INTEGER)"), &[], &[], false)
        .expect("create");
}

#[test]
fn queue_pool_overflows_then_times_out() {
    let (p, opened) = pool(queue(1, 1, 100));
    let a = p.checkout().expect("first");
    assert_eq!((p.checked_out(), p.overflow()), (1, 0));
    let b = p.checkout().expect("overflow");
    assert_eq!(p.checked_out(), 2);
    assert_eq!(p.overflow(), 1);
    assert_ne!(a.slot.id, b.slot.id);
    let started = Instant::now();
    let err = p.checkout().err().expect("third times out");
    let waited = started.elapsed();
    assert_eq!(err.kind, ErrorKind::PoolTimeout);
    assert!(
        waited >= Duration::from_millis(95),
        "gave up after {waited:?}"
    );
    assert_eq!(
        err.message,
        "QueuePool limit of size 1 overflow 1 reached, connection timed out, timeout 0.10"
    );
    // The failed checkout took nothing.
    assert_eq!((p.checked_out(), p.overflow()), (2, 1));
    assert_eq!(opened.load(Ordering::SeqCst), 2);
    drop(b);
    let c = p
        .checkout()
        .expect("a returned connection lets the next checkout in");
    assert_eq!(p.checked_out(), 2);
    drop((a, c));
}

#[test]
fn overflow_connections_close_on_return() {
    let (p, opened) = pool(queue(1, 1, 100));
    let a = p.checkout().expect("first");
    let b = p.checkout().expect("overflow");
    // As SQLAlchemy's QueuePool: a returned connection waits in the queue while it has room,
    // and one returned to a full queue is closed.
    drop(b);
    assert_eq!((p.overflow(), p.checked_in(), p.checked_out()), (1, 1, 1));
    drop(a);
    assert_eq!((p.overflow(), p.checked_in(), p.checked_out()), (0, 1, 0));
    let _again = p.checkout().expect("from the queue");
    assert_eq!(opened.load(Ordering::SeqCst), 2, "reused, not reopened");
}

#[test]
fn a_returned_connection_wakes_a_waiting_checkout() {
    let (p, _) = pool(queue(1, 0, 5_000));
    let held = p.checkout().expect("first");
    let held_id = held.slot.id;
    let waiter = {
        let p = p.clone();
        std::thread::spawn(move || p.checkout().map(|c| c.slot.id))
    };
    std::thread::sleep(Duration::from_millis(50));
    drop(held);
    let got = waiter
        .join()
        .expect("waiter")
        .expect("checkout after return");
    assert_eq!(got, held_id, "the waiter got the returned connection");
}

#[test]
fn queue_pool_reuses_one_physical_connection() {
    let (p, opened) = pool(queue(2, 0, 100));
    let first_id = {
        let c = p.checkout().expect("checkout");
        assert!(c.take_fresh(), "a new connection is fresh once");
        assert!(!c.take_fresh());
        create_table(&mut **c.conn(), "kept");
        c.slot.id
    };
    let c = p.checkout().expect("again");
    assert_eq!(c.slot.id, first_id);
    assert!(!c.take_fresh());
    assert!(has_table(&mut **c.conn(), "kept"));
    assert_eq!(opened.load(Ordering::SeqCst), 1);
}

#[test]
fn unlimited_overflow() {
    let (p, _) = pool(queue(1, -1, 100));
    let held: Vec<_> = (0..6).map(|_| p.checkout().expect("no limit")).collect();
    assert_eq!(p.checked_out(), 6);
    assert_eq!(p.overflow(), 5);
    drop(held);
    assert_eq!((p.checked_in(), p.overflow()), (1, 0));
}

#[test]
fn null_pool_opens_a_new_connection_each_time() {
    let (p, opened) = pool(PoolOptions {
        kind: PoolKind::Null,
        ..Default::default()
    });
    let first = {
        let c = p.checkout().expect("first");
        create_table(&mut **c.conn(), "gone");
        c.slot.id
    };
    let c = p.checkout().expect("second");
    assert_ne!(c.slot.id, first);
    assert!(
        !has_table(&mut **c.conn(), "gone"),
        "a new in-memory database"
    );
    let d = p.checkout().expect("concurrent");
    assert_eq!(opened.load(Ordering::SeqCst), 3);
    assert_eq!(p.checked_out(), 2);
    assert_eq!(p.checked_in(), 0);
    drop((c, d));
    assert_eq!(p.checked_out(), 0);
}

#[test]
fn static_pool_shares_one_memory_database() {
    let (p, opened) = pool(PoolOptions {
        kind: PoolKind::Static,
        ..Default::default()
    });
    let first = {
        let c = p.checkout().expect("checkout");
        create_table(&mut **c.conn(), "shared");
        c.slot.id
    };
    let a = p.checkout().expect("again");
    let b = p.checkout().expect("at the same time");
    assert_eq!(a.slot.id, first);
    assert_eq!(b.slot.id, first);
    assert!(has_table(&mut **a.conn(), "shared"));
    assert_eq!(opened.load(Ordering::SeqCst), 1);
}

#[test]
fn singleton_thread_pool_gives_each_thread_its_own_connection() {
    let (p, opened) = pool(PoolOptions {
        kind: PoolKind::SingletonThread,
        ..Default::default()
    });
    let here = {
        let c = p.checkout().expect("checkout");
        create_table(&mut **c.conn(), "mine");
        c.slot.id
    };
    assert_eq!(p.checkout().expect("same thread").slot.id, here);
    let (there, saw_table) = {
        let p = p.clone();
        std::thread::spawn(move || {
            let c = p.checkout().expect("other thread");
            let seen = has_table(&mut **c.conn(), "mine");
            (c.slot.id, seen)
        })
        .join()
        .expect("thread")
    };
    assert_ne!(there, here);
    assert!(!saw_table);
    assert_eq!(opened.load(Ordering::SeqCst), 2);
}

#[test]
fn recycle_replaces_an_old_connection() {
    let (p, opened) = pool(PoolOptions {
        recycle: Some(Duration::ZERO),
        ..queue(1, 0, 100)
    });
    let first = {
        let c = p.checkout().expect("checkout");
        create_table(&mut **c.conn(), "old");
        c.slot.id
    };
    let c = p.checkout().expect("recycled");
    assert_ne!(c.slot.id, first);
    assert!(
        !has_table(&mut **c.conn(), "old"),
        "the old in-memory database is gone"
    );
    assert_eq!(opened.load(Ordering::SeqCst), 2);
    drop(c);
    assert_eq!((p.checked_in(), p.overflow()), (1, 0), "replaced in place");
}

#[test]
fn connections_younger_than_recycle_are_kept() {
    let (p, opened) = pool(PoolOptions {
        recycle: Some(Duration::from_secs(3600)),
        ..queue(1, 0, 100)
    });
    let first = p.checkout().expect("checkout").slot.id;
    assert_eq!(p.checkout().expect("again").slot.id, first);
    assert_eq!(opened.load(Ordering::SeqCst), 1);
}

#[test]
fn return_rolls_back_uncommitted_work() {
    let (p, _) = pool(queue(1, 0, 100));
    {
        let c = p.checkout().expect("checkout");
        let mut conn = c.conn();
        conn.execute("CREATE TABLE t (name TEXT)", &[], &[], false)
            .expect("ddl");
        conn.execute("INSERT INTO t VALUES ('kept')", &[], &[], true)
            .expect("insert");
        conn.commit().expect("commit");
        conn.execute("INSERT INTO t VALUES ('gone')", &[], &[], true)
            .expect("insert");
        assert!(conn.in_transaction());
    }
    let c = p.checkout().expect("same connection back");
    let mut conn = c.conn();
    assert!(!conn.in_transaction());
    let rows = conn
        .execute("SELECT name FROM t", &[], &[SqlType::Text], false)
        .expect("select")
        .rows
        .expect("rows");
    assert_eq!(rows.values, [Value::Text("kept".into())]);
}

#[test]
fn without_reset_on_return_the_transaction_stays_open() {
    let (p, _) = pool(PoolOptions {
        reset_on_return: ResetOnReturn::Nothing,
        ..queue(1, 0, 100)
    });
    {
        let c = p.checkout().expect("checkout");
        let mut conn = c.conn();
        conn.execute("CREATE TABLE t (name TEXT)", &[], &[], false)
            .expect("ddl");
        conn.execute("INSERT INTO t VALUES ('pending')", &[], &[], true)
            .expect("insert");
    }
    let c = p.checkout().expect("same connection back");
    assert!(c.conn().in_transaction());
}

#[test]
fn an_invalidated_connection_is_not_reused() {
    let (p, opened) = pool(queue(1, 0, 100));
    let first = {
        let c = p.checkout().expect("checkout");
        c.invalidate();
        c.slot.id
    };
    assert_eq!(
        (p.checked_in(), p.overflow()),
        (1, 0),
        "keeps its place, as SQLAlchemy's connection record does"
    );
    let c = p.checkout().expect("a new connection");
    assert_ne!(c.slot.id, first);
    assert_eq!(opened.load(Ordering::SeqCst), 2);
}

#[test]
fn invalidate_all_replaces_every_connection_opened_before() {
    let (p, opened) = pool(queue(2, 0, 100));
    let (a, b) = (p.checkout().expect("a"), p.checkout().expect("b"));
    let ids = [a.slot.id, b.slot.id];
    drop(a);
    p.invalidate_all();
    drop(b);
    let again = p.checkout().expect("checkout");
    assert!(!ids.contains(&again.slot.id));
    assert_eq!(opened.load(Ordering::SeqCst), 3);
    assert_eq!((p.checked_in(), p.checked_out()), (1, 1));
}

#[test]
fn dispose_closes_idle_connections() {
    let (p, opened) = pool(queue(2, 0, 100));
    let first = p.checkout().expect("checkout").slot.id;
    assert_eq!(p.checked_in(), 1);
    p.dispose();
    assert_eq!((p.checked_in(), p.overflow()), (0, -2));
    assert_ne!(p.checkout().expect("new").slot.id, first);
    assert_eq!(opened.load(Ordering::SeqCst), 2);
}

#[test]
fn a_connection_checked_out_across_dispose_closes_on_return() {
    let (p, opened) = pool(queue(2, 0, 100));
    let held = p.checkout().expect("checkout");
    let first = held.slot.id;
    p.dispose();
    assert_eq!((p.checked_out(), p.overflow()), (0, -2));
    drop(held);
    assert_eq!((p.checked_in(), p.checked_out()), (0, 0), "not taken back");
    assert_ne!(p.checkout().expect("new").slot.id, first);
    assert_eq!(opened.load(Ordering::SeqCst), 2);
}

#[test]
fn commit_on_return_keeps_the_pending_work() {
    let (p, _) = pool(PoolOptions {
        reset_on_return: ResetOnReturn::Commit,
        ..queue(1, 0, 100)
    });
    {
        let c = p.checkout().expect("checkout");
        let mut conn = c.conn();
        conn.execute("CREATE TABLE t (name TEXT)", &[], &[], false)
            .expect("ddl");
        conn.execute("INSERT INTO t VALUES ('pending')", &[], &[], true)
            .expect("insert");
    }
    let c = p.checkout().expect("same connection back");
    assert!(!c.conn().in_transaction());
}

/// A backend whose liveness the test controls, for pre-ping.
struct Fake {
    alive: Arc<AtomicBool>,
}

impl Backend for Fake {
    fn execute(
        &mut self,
        _sql: &str,
        _params: &[Value],
        _types: &[SqlType],
        _is_dml: bool,
    ) -> Result<Outcome, EngineError> {
        Ok(Outcome::default())
    }

    fn execute_many(
        &mut self,
        _sql: &str,
        _param_sets: &[Vec<Value>],
        _is_dml: bool,
    ) -> Result<(i64, Vec<i64>), EngineError> {
        Ok((0, Vec::new()))
    }

    fn commit(&mut self) -> Result<(), EngineError> {
        Ok(())
    }

    fn rollback(&mut self) -> Result<(), EngineError> {
        Ok(())
    }

    fn in_transaction(&self) -> bool {
        false
    }

    fn ping(&mut self) -> bool {
        self.alive.load(Ordering::SeqCst)
    }
}

#[test]
fn pre_ping_replaces_a_dead_connection() {
    let alive = Arc::new(AtomicBool::new(true));
    let opened = Arc::new(AtomicUsize::new(0));
    let factory: Factory = {
        let (alive, opened) = (alive.clone(), opened.clone());
        Box::new(move || {
            opened.fetch_add(1, Ordering::SeqCst);
            alive.store(true, Ordering::SeqCst);
            Ok(Box::new(Fake {
                alive: alive.clone(),
            }) as Box<dyn Backend>)
        })
    };
    let p = Pool::new(
        PoolOptions {
            pre_ping: true,
            ..queue(1, 0, 100)
        },
        factory,
    );
    let first = p.checkout().expect("checkout").slot.id;
    assert_eq!(p.checkout().expect("alive").slot.id, first);
    alive.store(false, Ordering::SeqCst);
    let c = p.checkout().expect("replaced");
    assert_ne!(c.slot.id, first);
    assert_eq!(opened.load(Ordering::SeqCst), 2);
}

#[test]
fn a_failing_factory_does_not_use_up_the_pool() {
    let fail = Arc::new(AtomicBool::new(true));
    let factory: Factory = {
        let fail = fail.clone();
        Box::new(move || {
            if fail.load(Ordering::SeqCst) {
                Err(EngineError::new(
                    ErrorKind::Operational,
                    "unable to open database file",
                ))
            } else {
                Ok(memory())
            }
        })
    };
    let p = Pool::new(queue(1, 0, 100), factory);
    for _ in 0..3 {
        let err = p.checkout().err().expect("factory fails");
        assert_eq!(err.kind, ErrorKind::Operational);
        assert_eq!(err.message, "unable to open database file");
    }
    assert_eq!((p.checked_out(), p.overflow()), (0, -1));
    fail.store(false, Ordering::SeqCst);
    let _c = p.checkout().expect("the slot is still free");
}
