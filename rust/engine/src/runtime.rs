//! The engine's one tokio runtime, for the server drivers. A current_thread runtime: `block_on`
//! from the calling thread (GIL released) costs under a microsecond, where a multi_thread runtime
//! added 3.5-9 us per PostgreSQL statement (DESIGN.md). sqlx connections stay tied to it.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};

use crate::error::{EngineError, ErrorKind};

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

fn runtime() -> Result<&'static Runtime, EngineError> {
    RUNTIME
        .get_or_init(|| {
            Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| {
            EngineError::new(
                ErrorKind::Interface,
                format!("could not start the I/O runtime: {e}"),
            )
        })
}

/// Runs `fut` to completion on the runtime; several threads may wait in here at once (the
/// current_thread scheduler hands its driver from one to the next).
pub fn block_on<F: Future>(fut: F) -> Result<F::Output, EngineError> {
    Ok(runtime()?.block_on(fut))
}

/// Starts `fut` on the runtime; it makes progress whenever some thread is inside `block_on`
/// (a streamed MySQL result's task, fed one chunk request at a time).
pub fn spawn<F>(fut: F) -> Result<tokio::task::JoinHandle<F::Output>, EngineError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    Ok(runtime()?.spawn(fut))
}

/// Ends a server connection's transaction with `sql` (COMMIT or ROLLBACK) when one is open; the
/// PostgreSQL and MySQL drivers both begin theirs implicitly and track it with `in_txn`.
pub fn end_transaction<C>(
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
        block_on(sqlx::Executor::execute(conn, sql))?.map_err(map_err)?;
    }
    Ok(())
}
