//! Awaited statements without greenlet: `execute_submit()` compiles and binds under the GIL on the
//! event loop's thread, hands the I/O off, and `PendingExecute.finish()` builds the result back on
//! the loop's thread. Nothing that does the I/O ever takes the GIL.
//!
//! Where the I/O runs: an async engine's server connection belongs to the aio runtime, and its
//! statement runs as a task on that runtime's one thread (`runtime::aio_submit`), beside every
//! other awaited statement. Any other connection (a blocking engine wrapped in `AsyncEngine`)
//! runs it on a worker thread, one per statement in flight.
//!
//! A finished statement queues its token and wakes the loop through a socket the loop watches
//! (`loop.add_reader`): the loop takes every finished token per readable event, and no thread
//! waits for the GIL the loop holds while it runs other tasks.
//!
//! Why not pyo3-async-runtimes' `future_into_py` (measured, 20 tasks x 250 awaits of a no-op, 2
//! cores): each of its awaitables costs two tokio spawns, a `spawn_blocking` hop to a thread that
//! takes the GIL, and one `call_soon_threadsafe`; 59 us per await against 4 us here, and the
//! async_point_queries benchmark on PostgreSQL ran 2.2x slower through it.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, TryLockError};
use std::time::Duration;

use ferro_engine::runtime::{generation, GENERATIONS};
use ferro_engine::{EngineError, ErrorKind, Outcome};
use ferro_sql::{Compiled, SqlType};
use pyo3::prelude::*;

use super::result::CursorResult;
use super::{before_execute, Batch, Connection};
use crate::orm::loading::LoadPlan;
use crate::orm::IdentityMap;
use crate::sql::PyStmt;

/// A statement's I/O on a worker; returns its token.
type Job = Box<dyn FnOnce() -> u64 + Send>;
type Done = Result<Outcome, Option<EngineError>>;

/// Tokens of finished statements, and the socket pair that tells the loop about them.
pub(super) struct Completions {
    done: Mutex<Vec<u64>>,
    wake_tx: UnixStream,
    wake_rx: UnixStream,
}

/// Worker threads for statements on blocking-runtime connections; one more starts whenever all
/// are busy, so a statement waiting on a lock never holds up one that would release it.
pub(super) struct Workers {
    jobs: Mutex<Sender<Job>>,
    queue: Mutex<Receiver<Job>>,
    idle: Mutex<usize>,
}

/// One per fork generation (`runtime::after_fork`): a forked child must not share its parent's
/// wake-up socket, nor count on its parent's worker threads.
static COMPLETIONS: [OnceLock<Result<Completions, String>>; GENERATIONS] =
    [const { OnceLock::new() }; GENERATIONS];
static WORKERS: [OnceLock<Workers>; GENERATIONS] = [const { OnceLock::new() }; GENERATIONS];

pub(super) fn completions(py: Python<'_>) -> PyResult<&'static Completions> {
    COMPLETIONS[generation()]
        .get_or_init(|| {
            let (wake_tx, wake_rx) = UnixStream::pair().map_err(|e| e.to_string())?;
            wake_tx.set_nonblocking(true).map_err(|e| e.to_string())?;
            wake_rx.set_nonblocking(true).map_err(|e| e.to_string())?;
            Ok(Completions {
                done: Mutex::new(Vec::new()),
                wake_tx,
                wake_rx,
            })
        })
        .as_ref()
        .map_err(|e| {
            crate::errors::exc(
                py,
                "InterfaceError",
                format!("could not start the awaited statements' wake-up socket: {e}"),
            )
        })
}

impl Completions {
    pub(super) fn finished(&self, token: u64) {
        let first = {
            let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
            done.push(token);
            done.len() == 1
        };
        if first {
            // Full means a wake-up is already pending: nothing is lost.
            let _ = (&self.wake_tx).write_all(&[1]);
        }
    }
}

pub(super) fn workers() -> &'static Workers {
    WORKERS[generation()].get_or_init(|| {
        let (tx, rx) = channel::<Job>();
        Workers {
            jobs: Mutex::new(tx),
            queue: Mutex::new(rx),
            idle: Mutex::new(0),
        }
    })
}

impl Workers {
    pub(super) fn submit(
        &'static self,
        job: Job,
        done: &'static Completions,
    ) -> Result<(), String> {
        let spawn = {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            if *idle == 0 {
                true
            } else {
                *idle -= 1;
                false
            }
        };
        if spawn {
            std::thread::Builder::new()
                .name("ferroalchemy-io".into())
                .spawn(move || self.work(done))
                .map_err(|e| e.to_string())?;
        }
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .send(job)
            .map_err(|e| e.to_string())
    }

    /// A worker's loop. It counts itself idle before it reports a statement finished, so the
    /// loop's next statement (submitted as soon as it learns) finds it and starts no new thread.
    fn work(&self, done: &Completions) {
        loop {
            let job = {
                let rx = self.queue.lock().unwrap_or_else(|e| e.into_inner());
                rx.recv()
            };
            let Ok(job) = job else { return };
            let token = job();
            *self.idle.lock().unwrap_or_else(|e| e.into_inner()) += 1;
            done.finished(token);
        }
    }
}

/// In a forked child (Python's `os.register_at_fork`): runtimes, wake-up socket and workers
/// start afresh on next use; the parent's threads did not survive the fork.
#[pyfunction]
fn after_fork() {
    ferro_engine::runtime::after_fork();
}

/// The socket the event loop watches: readable when statements finished.
#[pyfunction]
fn aio_fd(py: Python<'_>) -> PyResult<i32> {
    Ok(completions(py)?.wake_rx.as_raw_fd())
}

/// The tokens of the statements finished since the last call (the wake-up bytes are consumed
/// first, so a statement finishing meanwhile leaves one for the next call).
#[pyfunction]
fn aio_take(py: Python<'_>) -> PyResult<Vec<u64>> {
    let c = completions(py)?;
    let mut buf = [0u8; 64];
    while matches!((&c.wake_rx).read(&mut buf), Ok(n) if n > 0) {}
    Ok(std::mem::take(
        &mut *c.done.lock().unwrap_or_else(|e| e.into_inner()),
    ))
}

/// A statement handed off; `finish()` once its token was taken.
#[pyclass(module = "ferroalchemy._core")]
pub struct PendingExecute {
    conn: Py<Connection>,
    compiled: Arc<Compiled>,
    batch: Arc<Batch>,
    after: Option<Py<PyAny>>,
    plan: Option<Py<LoadPlan>>,
    identity_map: Option<Py<IdentityMap>>,
    populate_existing: bool,
    outcome: Arc<Mutex<Option<Done>>>,
}

#[pymethods]
impl PendingExecute {
    /// The statement's CursorResult, or its error as `execute()` raises it.
    fn finish(&mut self, py: Python<'_>) -> PyResult<CursorResult> {
        let taken = self
            .outcome
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let Some(done) = taken else {
            return Err(crate::errors::exc(
                py,
                "InvalidRequestError",
                "the awaited statement has not finished".to_string(),
            ));
        };
        let outcome =
            done.map_err(|e| Connection::raise_run_error(py, e, &self.compiled, &self.batch))?;
        if let Some(after) = self.after.take() {
            after.call0(py)?;
        }
        let conn = self.conn.get();
        conn.result(
            py,
            &self.compiled,
            outcome,
            self.plan.as_ref().map(|p| p.bind(py)),
            self.identity_map.as_ref().map(|m| m.bind(py)),
            self.populate_existing,
        )
    }
}

/// Locks `m` on the aio thread without blocking it (it drives every other statement's I/O, and
/// the one holding the lock may be waiting on it): retries, yielding, then sleeping briefly.
async fn lock_yielding<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    let mut tries = 0u32;
    loop {
        match m.try_lock() {
            Ok(g) => return g,
            Err(TryLockError::Poisoned(p)) => return p.into_inner(),
            Err(TryLockError::WouldBlock) => {
                tries += 1;
                if tries < 64 {
                    tokio::task::yield_now().await;
                } else {
                    tokio::time::sleep(Duration::from_micros(200)).await;
                }
            }
        }
    }
}

/// The statement's I/O on the aio thread, with the Connection's checkout and its connection held
/// until it is done (as `run_io` holds them), so nothing can return the connection meanwhile.
/// Holding them across its awaits is sound here: the task runs on the one aio thread, whose
/// other tasks only ever `try_lock` (`lock_yielding`), so none blocks the thread on them; a
/// thread outside that waits for them waits for the statement to end, as it would on `run_io`.
#[allow(clippy::await_holding_lock)]
async fn run_local(owner: &Connection, compiled: &Compiled, batch: &Batch) -> Done {
    let Batch::One(params) = batch else {
        return Err(Some(EngineError::new(
            ErrorKind::Interface,
            "an awaited statement takes one parameter set",
        )));
    };
    let types: Vec<SqlType> = compiled.columns.iter().map(|c| c.ty.clone()).collect();
    let checkout = lock_yielding(&owner.checkout).await;
    let Some(checkout) = checkout.as_ref() else {
        return Err(None);
    };
    let mut conn = lock_yielding(&checkout.slot.conn).await;
    let done = match conn.execute_local(&compiled.sql, params, &types) {
        Some(fut) => fut.await.map_err(Some),
        None => Err(Some(EngineError::new(
            ErrorKind::Interface,
            "the connection cannot run an awaited statement now",
        ))),
    };
    done
}

/// The ROLLBACK of an awaited close on the aio thread, the connection held as `run_local` holds it.
#[allow(clippy::await_holding_lock)]
async fn rollback_on_aio(owner: &Connection) -> Result<(), Option<EngineError>> {
    let checkout = lock_yielding(&owner.checkout).await;
    let Some(checkout) = checkout.as_ref() else {
        return Err(None);
    };
    let mut conn = lock_yielding(&checkout.slot.conn).await;
    let done = match conn.rollback_local() {
        Some(fut) => fut.await.map_err(Some),
        None => Err(Some(EngineError::new(
            ErrorKind::Interface,
            "the connection cannot roll back on the aio thread now",
        ))),
    };
    done
}

type Ended = Result<(), Option<EngineError>>;

/// A ROLLBACK handed to the aio thread; `finish()` once its token was taken.
#[pyclass(module = "ferroalchemy._core")]
pub struct PendingRollback {
    outcome: Arc<Mutex<Option<Ended>>>,
}

#[pymethods]
impl PendingRollback {
    /// True once rolled back; the error as the driver's DBAPIError otherwise.
    fn finish(&mut self, py: Python<'_>) -> PyResult<bool> {
        let taken = self
            .outcome
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        match taken {
            Some(Ok(())) => Ok(true),
            Some(Err(Some(e))) => Err(crate::errors::driver_error(py, &e, Some("ROLLBACK"), None)),
            Some(Err(None)) => Err(Connection::closed_error(py)),
            None => Err(crate::errors::exc(
                py,
                "InvalidRequestError",
                "the awaited rollback has not finished".to_string(),
            )),
        }
    }
}

/// The ROLLBACK an awaited session close starts with, run on the aio thread; None where the
/// connection cannot (not an async engine's, or a MySQL result still streaming): the caller then
/// closes on a worker thread.
#[pyfunction]
fn rollback_submit(
    py: Python<'_>,
    conn: &Bound<'_, Connection>,
    token: u64,
) -> PyResult<Option<PendingRollback>> {
    let done = completions(py)?;
    if !conn.get().runs_local() {
        return Ok(None);
    }
    let outcome: Arc<Mutex<Option<Ended>>> = Arc::default();
    let (owner, o) = (conn.clone().unbind(), outcome.clone());
    ferro_engine::runtime::aio_submit(Box::new(move || {
        Box::pin(async move {
            let result = rollback_on_aio(owner.get()).await;
            *o.lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
            // Dropped here without the GIL: pyo3 defers the decref to the next holder.
            drop(owner);
            done.finished(token);
        })
    }))
    .map_err(|e| crate::errors::exc(py, "InterfaceError", e.message))?;
    Ok(Some(PendingRollback { outcome }))
}

impl Connection {
    /// True when the checked-out connection runs statements on the aio thread.
    fn runs_local(&self) -> bool {
        self.lock()
            .as_ref()
            .is_some_and(|checkout| checkout.conn().runs_local())
    }
}

/// `conn.execute()` of one statement (no executemany, no streaming) whose I/O runs off the loop:
/// the loop awaits `token` (see `aio_take`), then calls `finish()`.
#[pyfunction]
#[pyo3(signature = (conn, token, stmt, params=None, plan=None, identity_map=None, log=None, populate_existing=false))]
#[allow(clippy::too_many_arguments)]
fn execute_submit(
    py: Python<'_>,
    conn: &Bound<'_, Connection>,
    token: u64,
    stmt: &Bound<'_, PyStmt>,
    params: Option<&Bound<'_, PyAny>>,
    plan: Option<&Bound<'_, LoadPlan>>,
    identity_map: Option<&Bound<'_, IdentityMap>>,
    log: Option<&Bound<'_, PyAny>>,
    populate_existing: bool,
) -> PyResult<PendingExecute> {
    let done = completions(py)?;
    let this = conn.get();
    let (compiled, batch) = this.prepare(py, stmt, params, &[])?;
    let after = match log {
        Some(log) => {
            let (driver_params, many) = batch.driver_params(py)?;
            before_execute(log, &compiled.sql, driver_params, many)?.map(Bound::unbind)
        }
        None => None,
    };
    let local = matches!(batch, Batch::One(_)) && this.runs_local();
    let batch = Arc::new(batch);
    let outcome: Arc<Mutex<Option<Done>>> = Arc::default();
    let owner = conn.clone().unbind();
    let (c, b, o) = (compiled.clone(), batch.clone(), outcome.clone());
    let submitted = if local {
        ferro_engine::runtime::aio_submit(Box::new(move || {
            Box::pin(async move {
                let result = run_local(owner.get(), &c, &b).await;
                *o.lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                // Dropped here without the GIL: pyo3 defers the decref to the next holder.
                drop(owner);
                done.finished(token);
            })
        }))
        .map_err(|e| e.message)
    } else {
        let job = Box::new(move || {
            let result = owner.get().run_io(&c, &b, false);
            *o.lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
            drop(owner);
            token
        });
        workers().submit(job, done)
    };
    submitted.map_err(|e| crate::errors::exc(py, "InterfaceError", e))?;
    Ok(PendingExecute {
        conn: conn.clone().unbind(),
        compiled,
        batch,
        after,
        plan: plan.map(|p| p.clone().unbind()),
        identity_map: identity_map.map(|m| m.clone().unbind()),
        populate_existing,
        outcome,
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(after_fork, m)?)?;
    m.add_function(wrap_pyfunction!(aio_fd, m)?)?;
    m.add_function(wrap_pyfunction!(aio_take, m)?)?;
    m.add_function(wrap_pyfunction!(execute_submit, m)?)?;
    m.add_function(wrap_pyfunction!(rollback_submit, m)?)?;
    m.add_class::<PendingExecute>()?;
    m.add_class::<PendingRollback>()?;
    Ok(())
}
