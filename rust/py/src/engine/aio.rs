//! Awaited statements without greenlet: `Connection.execute_submit()` compiles and binds under
//! the GIL on the event loop's thread, hands the I/O to a worker thread that never takes the GIL,
//! and `PendingExecute.finish()` builds the result back on the loop's thread. A finished worker
//! queues its token and wakes the loop through a socket the loop watches (`loop.add_reader`):
//! completing an awaited statement costs the loop one readable event, and no thread ever waits
//! for the GIL the loop holds while it runs other tasks.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};

use ferro_engine::{EngineError, Outcome};
use ferro_sql::Compiled;
use pyo3::prelude::*;

use super::result::CursorResult;
use super::{before_execute, Batch, Connection};
use crate::orm::loading::LoadPlan;
use crate::orm::IdentityMap;
use crate::sql::PyStmt;

/// A statement's I/O; returns its token.
type Job = Box<dyn FnOnce() -> u64 + Send>;
type Done = Result<Outcome, Option<EngineError>>;

/// Worker threads for awaited statements; one more starts whenever all are busy, so a statement
/// waiting on a lock never holds up one that would release it.
struct Workers {
    jobs: Mutex<Sender<Job>>,
    queue: Mutex<Receiver<Job>>,
    idle: Mutex<usize>,
    /// Tokens of finished statements, taken by the loop.
    done: Mutex<Vec<u64>>,
    wake_tx: UnixStream,
    wake_rx: UnixStream,
}

static WORKERS: OnceLock<Result<Workers, String>> = OnceLock::new();

fn workers(py: Python<'_>) -> PyResult<&'static Workers> {
    WORKERS
        .get_or_init(|| {
            let (wake_tx, wake_rx) = UnixStream::pair().map_err(|e| e.to_string())?;
            wake_tx.set_nonblocking(true).map_err(|e| e.to_string())?;
            wake_rx.set_nonblocking(true).map_err(|e| e.to_string())?;
            let (tx, rx) = channel::<Job>();
            Ok(Workers {
                jobs: Mutex::new(tx),
                queue: Mutex::new(rx),
                idle: Mutex::new(0),
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
                format!("could not start the I/O workers: {e}"),
            )
        })
}

impl Workers {
    fn submit(&'static self, job: Job) -> Result<(), String> {
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
                .spawn(move || self.work())
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
    fn work(&self) {
        loop {
            let job = {
                let rx = self.queue.lock().unwrap_or_else(|e| e.into_inner());
                rx.recv()
            };
            let Ok(job) = job else { return };
            let token = job();
            *self.idle.lock().unwrap_or_else(|e| e.into_inner()) += 1;
            self.finished(token);
        }
    }

    fn finished(&self, token: u64) {
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

/// The socket the event loop watches: readable when statements finished.
#[pyfunction]
fn aio_fd(py: Python<'_>) -> PyResult<i32> {
    Ok(workers(py)?.wake_rx.as_raw_fd())
}

/// The tokens of the statements finished since the last call (the wake-up bytes are consumed
/// first, so a statement finishing meanwhile leaves one for the next call).
#[pyfunction]
fn aio_take(py: Python<'_>) -> PyResult<Vec<u64>> {
    let w = workers(py)?;
    let mut buf = [0u8; 64];
    while matches!((&w.wake_rx).read(&mut buf), Ok(n) if n > 0) {}
    Ok(std::mem::take(
        &mut *w.done.lock().unwrap_or_else(|e| e.into_inner()),
    ))
}

/// A statement handed to a worker; `finish()` once its token was taken.
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

/// `conn.execute()` of one statement (no executemany, no streaming) whose I/O runs on a worker:
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
    let w = workers(py)?;
    let this = conn.get();
    let (compiled, batch) = this.prepare(py, stmt, params, &[])?;
    let after = match log {
        Some(log) => {
            let (driver_params, many) = batch.driver_params(py)?;
            before_execute(log, &compiled.sql, driver_params, many)?.map(Bound::unbind)
        }
        None => None,
    };
    let batch = Arc::new(batch);
    let outcome: Arc<Mutex<Option<Done>>> = Arc::default();
    let job = {
        let owner = conn.clone().unbind();
        let (compiled, batch, outcome) = (compiled.clone(), batch.clone(), outcome.clone());
        Box::new(move || {
            let done = owner.get().run_io(&compiled, &batch, false);
            *outcome.lock().unwrap_or_else(|e| e.into_inner()) = Some(done);
            // Dropped here without the GIL: pyo3 defers the decref to the next holder.
            drop(owner);
            token
        })
    };
    w.submit(job)
        .map_err(|e| crate::errors::exc(py, "InterfaceError", e))?;
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
    m.add_function(wrap_pyfunction!(aio_fd, m)?)?;
    m.add_function(wrap_pyfunction!(aio_take, m)?)?;
    m.add_function(wrap_pyfunction!(execute_submit, m)?)?;
    m.add_class::<PendingExecute>()?;
    Ok(())
}
