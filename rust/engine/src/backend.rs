//! The one trait each database driver implements, so a measured better driver can replace one.

use std::future::Future;
use std::pin::Pin;

use ferro_sql::{SqlType, Value};

use crate::error::EngineError;
use crate::rows::Rows;

#[derive(Debug, Default)]
pub struct Outcome {
    pub rows: Option<Rows>,
    /// Rows matched by UPDATE/DELETE, inserted by INSERT; -1 where the driver does not say.
    pub rowcount: i64,
    pub last_insert_id: Option<i64>,
    /// For executemany: the id each execution generated, in order.
    pub insert_ids: Vec<i64>,
}

/// A statement's I/O as a future for the aio runtime's thread (not `Send`: it runs where it was
/// made, holding the connection's locks across its awaits).
pub type LocalFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// A streaming cursor's id, unique within its connection.
pub type CursorId = u64;

pub trait Backend: Send {
    /// Runs one statement. `types` directs decoding of the result columns by position; a column
    /// beyond it (or `SqlType::Null`) is decoded by what the driver reports.
    fn execute(
        &mut self,
        sql: &str,
        params: &[Value],
        types: &[SqlType],
        is_dml: bool,
    ) -> Result<Outcome, EngineError>;

    /// True when `execute_local` can run a statement now: the connection belongs to the aio
    /// runtime (not SQLite, not a blocking engine's), and no MySQL result is still streaming.
    fn runs_local(&self) -> bool {
        false
    }

    /// `execute` as a future for the aio runtime's thread (`runtime::aio_submit`); None unless
    /// `runs_local()`.
    fn execute_local<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
        types: &'a [SqlType],
    ) -> Option<LocalFuture<'a, Result<Outcome, EngineError>>> {
        let _ = (sql, params, types);
        None
    }

    /// `rollback` as a future for the aio runtime's thread (an awaited session close); None
    /// unless `runs_local()`.
    fn rollback_local(&mut self) -> Option<LocalFuture<'_, Result<(), EngineError>>> {
        None
    }

    /// Runs one statement once per parameter set (prepared once), or a plain INSERT as multi-row
    /// statements where the backend batches. Returns the summed rowcount and each execution's
    /// generated id: the driver's last insert id (one per statement sent), or the integer a
    /// RETURNING statement's first column gives.
    fn execute_many(
        &mut self,
        sql: &str,
        param_sets: &[Vec<Value>],
        is_dml: bool,
    ) -> Result<(i64, Vec<i64>), EngineError>;

    /// `execute_many` of an INSERT whose every row's generated key is wanted (the flush): the
    /// ids come back one per parameter set, so a backend batches rows only where it can still
    /// tell each row's key.
    fn execute_many_keyed(
        &mut self,
        sql: &str,
        param_sets: &[Vec<Value>],
    ) -> Result<(i64, Vec<i64>), EngineError> {
        self.execute_many(sql, param_sets, true)
    }

    /// A flush's UPDATE run once per parameter set; `columns[i]` names parameter i's column (quoted)
    /// and whether it is matched in WHERE (a key) or set. Returns the rows matched in all. A
    /// backend may send many rows per statement; by default it is `execute_many`.
    fn update_many(
        &mut self,
        sql: &str,
        table: &str,
        columns: &[(String, bool)],
        param_sets: &[Vec<Value>],
    ) -> Result<i64, EngineError> {
        let _ = (table, columns);
        self.execute_many(sql, param_sets, true).map(|(n, _)| n)
    }

    /// Opens a streaming cursor over a row-returning statement and reads its first `first` rows
    /// (their column names come with them, as SQLAlchemy reads a server cursor's description
    /// from its first fetch). Rows stay in the database until `fetch_cursor` asks for them.
    fn open_cursor(
        &mut self,
        sql: &str,
        params: &[Value],
        types: &[SqlType],
        first: usize,
    ) -> Result<(CursorId, Rows), EngineError> {
        let _ = (sql, params, types, first);
        Err(EngineError::new(
            crate::error::ErrorKind::NotSupported,
            "ferroalchemy: this driver does not stream results",
        ))
    }

    /// The next up to `n` rows of an open cursor; fewer than `n` means it is exhausted. A cursor
    /// the backend no longer holds (closed, or drained to run another statement) gives no rows,
    /// unless the database itself reports the error (PostgreSQL's closed server cursor).
    fn fetch_cursor(&mut self, id: CursorId, n: usize) -> Result<Rows, EngineError> {
        let _ = (id, n);
        Ok(Rows::default())
    }

    /// Releases a cursor without doing I/O: what the database must still be told (CLOSE, the
    /// unread rows) goes out before the connection's next statement.
    fn close_cursor(&mut self, id: CursorId) {
        let _ = id;
    }

    /// Closes every open cursor (the connection goes back to the pool).
    fn close_cursors(&mut self) {}

    fn commit(&mut self) -> Result<(), EngineError>;
    fn rollback(&mut self) -> Result<(), EngineError>;
    fn in_transaction(&self) -> bool;

    /// isolation_level="AUTOCOMMIT": each statement commits on its own, no BEGIN is sent, and
    /// commit/rollback have nothing to end. Turning it on commits what is open first, as a
    /// driver's `autocommit = True` would refuse to do inside a transaction.
    fn set_autocommit(&mut self, on: bool) -> Result<(), EngineError> {
        let _ = on;
        Err(EngineError::new(
            crate::error::ErrorKind::NotSupported,
            "ferroalchemy: this driver has no autocommit mode",
        ))
    }
    /// Checks the connection is alive (pool_pre_ping).
    fn ping(&mut self) -> bool;
}
