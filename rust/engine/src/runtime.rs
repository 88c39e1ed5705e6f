//! The engine's tokio runtimes, for the server drivers. Two current_thread runtimes:
//!
//! - the blocking one (`Rt::Blocking`): `block_on` from the calling thread (GIL released) steals
//!   its driver and costs under a microsecond, where a multi_thread runtime added 3.5-9 us per
//!   PostgreSQL statement (DESIGN.md). Engines of `create_engine()` open their connections here.
//! - the aio one (`Rt::Aio`), driven for good by one thread (`ferro-aio-io`) once an async
//!   engine opens a connection: awaited statements run there as tasks, all of them on that one
//!   thread's event loop, so many concurrent statements cost one thread's wake-ups instead of one
//!   thread hand-off each. A blocking call on such a connection (a flush from a worker) waits in
//!   `Handle::block_on` while the driver thread polls its socket.
//!
//! A sqlx connection is tied to the runtime that opened it, so each connection remembers its `Rt`.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use tokio::runtime::{Builder, Handle, Runtime};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

use crate::error::{EngineError, ErrorKind};

/// Which runtime a connection belongs to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Rt {
    #[default]
    Blocking,
    Aio,
}

/// A statement's work for the aio driver thread: called there, its future runs as a local task
/// (it may hold the connection's locks across awaits).
pub type AioJob = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()>>> + Send>;

struct Aio {
    handle: Handle,
    jobs: UnboundedSender<AioJob>,
}

/// Fork generations a process can go through (a child of a child ...) before its runtimes are
/// the last generation's again.
pub const GENERATIONS: usize = 8;

/// The runtimes of each fork generation: a forked child has no aio thread and maybe a blocking
/// driver held by a thread that did not survive the fork, so it starts its own on first use
/// (`after_fork`); the parent's are left alone, never dropped (their threads are gone here).
static RUNTIME: [OnceLock<Result<Runtime, String>>; GENERATIONS] =
    [const { OnceLock::new() }; GENERATIONS];
static AIO: [OnceLock<Result<Aio, String>>; GENERATIONS] = [const { OnceLock::new() }; GENERATIONS];
static GENERATION: AtomicUsize = AtomicUsize::new(0);

/// This process's fork generation, for other per-process state (the awaited statements' wake-up
/// socket and worker threads) kept the same way.
pub fn generation() -> usize {
    GENERATION.load(Ordering::Acquire).min(GENERATIONS - 1)
}

/// Called in a forked child (Python's `os.register_at_fork`): its next statement starts new
/// runtimes. Connections the parent opened are not usable here anyway (SQLAlchemy's advice holds:
/// `engine.dispose(close=False)` in the child).
pub fn after_fork() {
    GENERATION.fetch_add(1, Ordering::AcqRel);
}

fn interface(what: &str, e: &str) -> EngineError {
    EngineError::new(ErrorKind::Interface, format!("could not start {what}: {e}"))
}

fn runtime() -> Result<&'static Runtime, EngineError> {
    RUNTIME[generation()]
        .get_or_init(|| {
            Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| interface("the I/O runtime", e))
}

fn aio() -> Result<&'static Aio, EngineError> {
    AIO[generation()]
        .get_or_init(start_aio)
        .as_ref()
        .map_err(|e| interface("the asyncio I/O thread", e))
}

fn start_aio() -> Result<Aio, String> {
    let rt = Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let handle = rt.handle().clone();
    let (jobs, mut queue) = unbounded_channel::<AioJob>();
    std::thread::Builder::new()
        .name("ferro-aio-io".into())
        .spawn(move || {
            let local = tokio::task::LocalSet::new();
            rt.block_on(local.run_until(async move {
                while let Some(job) = queue.recv().await {
                    tokio::task::spawn_local(job());
                }
            }));
        })
        .map_err(|e| e.to_string())?;
    Ok(Aio { handle, jobs })
}

/// Hands `job` to the aio driver thread.
pub fn aio_submit(job: AioJob) -> Result<(), EngineError> {
    aio()?
        .jobs
        .send(job)
        .map_err(|_| interface("an awaited statement", "the asyncio I/O thread has stopped"))
}

impl Rt {
    /// Runs `fut` to completion from a thread outside the runtimes (GIL released). Several
    /// threads may wait in here at once: on the blocking runtime the current_thread scheduler
    /// hands its driver from one to the next; on the aio one its thread drives the I/O.
    pub fn block_on<F: Future>(self, fut: F) -> Result<F::Output, EngineError> {
        match self {
            Rt::Blocking => Ok(runtime()?.block_on(fut)),
            Rt::Aio => Ok(aio()?.handle.block_on(fut)),
        }
    }

    /// Starts `fut` on the runtime (a streamed MySQL result's task, fed one chunk request at a
    /// time); on the blocking runtime it makes progress whenever some thread is inside
    /// `block_on`.
    pub fn spawn<F>(self, fut: F) -> Result<tokio::task::JoinHandle<F::Output>, EngineError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match self {
            Rt::Blocking => Ok(runtime()?.spawn(fut)),
            Rt::Aio => Ok(aio()?.handle.spawn(fut)),
        }
    }
}

/// Ends a server connection's transaction with `sql` (COMMIT or ROLLBACK) when one is open; the
/// PostgreSQL and MySQL drivers both begin theirs implicitly and track it with `in_txn`.
pub fn end_transaction<C>(
    rt: Rt,
    conn: &mut C,
    in_txn: &mut bool,
    sql: &'static str,
    map_err: fn(sqlx::Error) -> EngineError,
) -> Result<(), EngineError>
where
    for<'c> &'c mut C: sqlx::Executor<'c>,
{
    if *in_txn {
        *in_txn = false;
        rt.block_on(sqlx::Executor::execute(conn, sql))?
            .map_err(map_err)?;
    }
    Ok(())
}
