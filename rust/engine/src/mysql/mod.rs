//! MySQL and MariaDB through one sqlx connection per pool slot, on the engine's one tokio runtime
//! (the caller has released the GIL). Statements are prepared once per connection (sqlx's cache)
//! and run on the binary protocol. The session keeps autocommit off, as PyMySQL's connections do,
//! so a transaction begins at the first statement and ends at COMMIT or ROLLBACK.

mod stream;
mod types;

use std::time::Duration;

use ferro_sql::{SqlType, Value};
use sqlx::mysql::{MySqlArguments, MySqlConnectOptions, MySqlConnection, MySqlRow, MySqlSslMode};
use sqlx::{AssertSqlSafe, Column, Connection, Executor, Row, SqlSafeStr, Statement, ValueRef};

use crate::backend::{Backend, CursorId, LocalFuture, Outcome};
use crate::batch::InsertBatch;
use crate::error::{EngineError, ErrorKind};
use crate::rows::Rows;
use crate::runtime::{end_transaction, Rt};
use crate::url::Url;

#[derive(Clone, Debug)]
pub struct MySqlOptions {
    opts: MySqlConnectOptions,
    connect_timeout: Option<Duration>,
    /// The runtime its connections belong to (`Rt::Aio` for an async engine's).
    pub rt: Rt,
}

impl MySqlOptions {
    /// TLS follows PyMySQL: off unless asked; any `ssl_*` option (SQLAlchemy turns the URL's
    /// `ssl_ca=...` into PyMySQL's `ssl={"ca": ...}`) requires it, a CA verifies the server's
    /// certificate and, unless `ssl_check_hostname` is false, its name.
    pub fn from_url(url: &Url) -> Result<Self, EngineError> {
        let mut o = MySqlConnectOptions::new()
            .host(url.host.as_deref().unwrap_or("localhost"))
            .port(url.port.unwrap_or(3306))
            .statement_cache_capacity(500)
            // The server's own sql_mode, as PyMySQL leaves it: `||` stays OR.
            .pipes_as_concat(false)
            .no_engine_substitution(false);
        if let Some(user) = &url.username {
            o = o.username(user);
        }
        if let Some(pw) = &url.password {
            o = o.password(pw);
        }
        if let Some(db) = &url.database {
            o = o.database(db);
        }
        let mut tls = false;
        let mut ca = false;
        let mut check_hostname = true;
        let mut connect_timeout = None;
        for (k, v) in &url.query {
            match k.as_str() {
                "charset" => o = o.charset(v),
                "unix_socket" => o = o.socket(v),
                "ssl" => tls |= !matches!(v.to_ascii_lowercase().as_str(), "" | "0" | "false"),
                "ssl_ca" => {
                    o = o.ssl_ca(v);
                    (tls, ca) = (true, true);
                }
                "ssl_cert" => (o, tls) = (o.ssl_client_cert(v), true),
                "ssl_key" => (o, tls) = (o.ssl_client_key(v), true),
                "ssl_check_hostname" => {
                    check_hostname = !matches!(v.to_ascii_lowercase().as_str(), "0" | "false")
                }
                "ssl_capath" | "ssl_cipher" => tls = true,
                "connect_timeout" => connect_timeout = crate::postgres::parse_timeout(v)?,
                // Options of the drivers we replace that change nothing observable here.
                _ => {}
            }
        }
        let mode = match (tls, ca, check_hostname) {
            (false, _, _) => MySqlSslMode::Disabled,
            (true, false, _) => MySqlSslMode::Required,
            (true, true, false) => MySqlSslMode::VerifyCa,
            (true, true, true) => MySqlSslMode::VerifyIdentity,
        };
        Ok(MySqlOptions {
            opts: o.ssl_mode(mode),
            connect_timeout,
            rt: Rt::Blocking,
        })
    }
}

/// Bytes of bound values per multi-row statement: well under the smallest default
/// max_allowed_packet of the servers we meet (4 MiB on MySQL 5.7, 16 MiB on MariaDB).
const PACKET_BUDGET: usize = 2 * 1024 * 1024;

pub struct MySqlBackend {
    /// None while a streamed result's task holds it, or once that task failed.
    conn: Option<MySqlConnection>,
    rt: Rt,
    /// The unbuffered result being read, if any (one at a time, as on PyMySQL's connection).
    stream: Option<stream::RowStream>,
    next_cursor: CursorId,
    /// Whether the server has a transaction of ours open: never under autocommit, where each
    /// statement commits on its own.
    in_txn: bool,
    /// isolation_level="AUTOCOMMIT" (`SET autocommit = 1`, as PyMySQL's `autocommit(True)`).
    autocommit: bool,
    /// The step between the auto-increment ids of one multi-row INSERT, when the server
    /// guarantees they are consecutive (innodb_autoinc_lock_mode 0 or 1); None when it does not.
    /// Asked the first time the flush wants the ids of a batch.
    id_step: Option<Option<i64>>,
}

impl MySqlBackend {
    pub fn connect(opts: &MySqlOptions) -> Result<Self, EngineError> {
        opts.rt
            .block_on(crate::postgres::with_timeout(opts.connect_timeout, async {
                let mut conn = MySqlConnection::connect_with(&opts.opts)
                    .await
                    .map_err(map_err)?;
                conn.execute("SET autocommit = 0").await.map_err(map_err)?;
                Ok(MySqlBackend {
                    conn: Some(conn),
                    rt: opts.rt,
                    stream: None,
                    next_cursor: 1,
                    in_txn: false,
                    autocommit: false,
                    id_step: None,
                })
            }))?
    }

    /// One execution per parameter set, each reporting its own generated id.
    async fn run_each(
        conn: &mut MySqlConnection,
        sql: &str,
        param_sets: &[Vec<Value>],
    ) -> Result<(i64, Vec<i64>), EngineError> {
        let mut total = 0i64;
        let mut ids = Vec::with_capacity(param_sets.len());
        for params in param_sets {
            let out = Self::run(conn, sql, params, &[]).await?;
            total += out.rowcount.max(0);
            ids.extend(out.last_insert_id);
        }
        Ok((total, ids))
    }

    async fn run(
        conn: &mut MySqlConnection,
        sql: &str,
        params: &[Value],
        types: &[SqlType],
    ) -> Result<Outcome, EngineError> {
        let stmt = conn
            .prepare_with(AssertSqlSafe(sql.to_owned()).into_sql_str(), &[])
            .await
            .map_err(map_err)?;
        let mut args = MySqlArguments::default();
        for (i, v) in params.iter().enumerate() {
            types::bind(&mut args, i, v)?;
        }
        let mut names: Vec<String> = stmt.columns().iter().map(|c| c.name().to_owned()).collect();
        let query = stmt.query_with(args);
        // MariaDB describes no columns when preparing DELETE/INSERT ... RETURNING: the compiled
        // statement's result types say rows are coming.
        if names.is_empty() && types.is_empty() {
            let done = query.execute(&mut *conn).await.map_err(map_err)?;
            let id = done.last_insert_id();
            return Ok(Outcome {
                rows: None,
                rowcount: i64::try_from(done.rows_affected()).unwrap_or(i64::MAX),
                last_insert_id: (id != 0).then(|| i64::try_from(id).unwrap_or(i64::MAX)),
                insert_ids: Vec::new(),
            });
        }
        let rows = query.fetch_all(&mut *conn).await.map_err(map_err)?;
        if names.is_empty() {
            names = match rows.first() {
                Some(r) => r.columns().iter().map(|c| c.name().to_owned()).collect(),
                None => vec![String::new(); types.len()],
            };
        }
        let mut values = Vec::with_capacity(rows.len() * names.len());
        for row in &rows {
            decode_row(row, names.len(), types, &mut values)?;
        }
        Ok(Outcome {
            rowcount: i64::try_from(rows.len()).unwrap_or(i64::MAX),
            rows: Some(Rows {
                columns: names,
                values,
            }),
            ..Default::default()
        })
    }
}

/// Decodes one row's `width` columns by their declared types (the one loop the buffered and the
/// streamed results share).
fn decode_row(
    row: &MySqlRow,
    width: usize,
    types: &[SqlType],
    values: &mut Vec<Value>,
) -> Result<(), EngineError> {
    for i in 0..width {
        let raw = row.try_get_raw(i).map_err(map_err)?;
        values.push(if raw.is_null() {
            Value::Null
        } else {
            types::decode(row, i, types.get(i).unwrap_or(&SqlType::Null))?
        });
    }
    Ok(())
}

impl MySqlBackend {
    /// The connection, once a streamed result still being read has been read to its end
    /// (PyMySQL reads an unfinished unbuffered result off the socket before the next command).
    fn conn(&mut self) -> Result<&mut MySqlConnection, EngineError> {
        if let Some(stream) = self.stream.take() {
            self.conn = Some(stream.finish()?);
        }
        self.conn.as_mut().ok_or_else(lost)
    }

    /// A chunk of the stream `id` (empty once that stream is gone); the connection comes back
    /// as soon as the stream ends.
    fn stream_chunk(&mut self, id: CursorId, n: usize) -> Result<Rows, EngineError> {
        let chunk = match self.stream.as_mut() {
            Some(s) if s.id == id => s.next_chunk(n),
            _ => return Ok(Rows::default()),
        };
        match chunk {
            Ok(Some(rows)) if rows.len() >= n => Ok(rows),
            other => {
                self.conn()?;
                Ok(other?.unwrap_or_default())
            }
        }
    }

    /// The batch form of `sql` when `param_sets` can go out as multi-row statements.
    fn batch_of(sql: &str, param_sets: &[Vec<Value>]) -> Option<InsertBatch> {
        let width = param_sets.first().map_or(0, Vec::len);
        if param_sets.len() < 2 || param_sets.iter().any(|p| p.len() != width) {
            return None;
        }
        InsertBatch::parse_positional(sql, width)
    }

    /// Sends `param_sets` as multi-row statements. Returns the rowcount and, per statement, the
    /// first id it generated (MySQL's LAST_INSERT_ID of a multi-row INSERT), with its row count.
    async fn run_batched(
        conn: &mut MySqlConnection,
        batch: &InsertBatch,
        param_sets: &[Vec<Value>],
    ) -> Result<(i64, Vec<(i64, usize)>), EngineError> {
        let per = batch.chunk_rows();
        let mut full: Option<String> = None;
        let mut total = 0i64;
        let mut firsts = Vec::new();
        for chunk in batch.chunks(param_sets, PACKET_BUDGET) {
            let owned;
            let sql = if chunk.len() == per {
                full.get_or_insert_with(|| batch.sql(per)).as_str()
            } else {
                owned = batch.sql(chunk.len());
                owned.as_str()
            };
            let flat: Vec<Value> = chunk.iter().flatten().cloned().collect();
            let out = Self::run(conn, sql, &flat, &[]).await?;
            total += out.rowcount.max(0);
            if let Some(id) = out.last_insert_id {
                firsts.push((id, chunk.len()));
            }
        }
        Ok((total, firsts))
    }

    /// See `id_step`.
    async fn ask_id_step(conn: &mut MySqlConnection) -> Result<Option<i64>, EngineError> {
        let row = sqlx::query(
            "SELECT CAST(@@innodb_autoinc_lock_mode AS SIGNED), \
             CAST(@@auto_increment_increment AS SIGNED)",
        )
        .fetch_one(&mut *conn)
        .await
        .map_err(map_err)?;
        let mode: i64 = row.try_get(0).map_err(map_err)?;
        let step: i64 = row.try_get(1).map_err(map_err)?;
        Ok((mode < 2 && step > 0).then_some(step))
    }
}

impl Backend for MySqlBackend {
    fn execute(
        &mut self,
        sql: &str,
        params: &[Value],
        types: &[SqlType],
        _is_dml: bool,
    ) -> Result<Outcome, EngineError> {
        self.in_txn = !self.autocommit;
        self.rt
            .block_on(Self::run(self.conn()?, sql, params, types))?
    }

    fn runs_local(&self) -> bool {
        self.rt == Rt::Aio && self.stream.is_none()
    }

    fn execute_local<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
        types: &'a [SqlType],
    ) -> Option<LocalFuture<'a, Result<Outcome, EngineError>>> {
        if !self.runs_local() {
            return None;
        }
        let conn = self.conn.as_mut()?;
        self.in_txn = !self.autocommit;
        Some(Box::pin(Self::run(conn, sql, params, types)))
    }

    fn rollback_local(&mut self) -> Option<LocalFuture<'_, Result<(), EngineError>>> {
        if !self.runs_local() {
            return None;
        }
        let conn = self.conn.as_mut()?;
        let in_txn = std::mem::replace(&mut self.in_txn, false);
        Some(Box::pin(async move {
            if in_txn {
                conn.execute("ROLLBACK").await.map_err(map_err)?;
            }
            Ok(())
        }))
    }

    fn execute_many(
        &mut self,
        sql: &str,
        param_sets: &[Vec<Value>],
        _is_dml: bool,
    ) -> Result<(i64, Vec<i64>), EngineError> {
        self.in_txn = !self.autocommit;
        let rt = self.rt;
        let conn = self.conn()?;
        if let Some(batch) = Self::batch_of(sql, param_sets) {
            // Like PyMySQL's executemany: the last statement's LAST_INSERT_ID is the cursor's.
            let (total, firsts) = rt.block_on(Self::run_batched(conn, &batch, param_sets))??;
            return Ok((total, firsts.into_iter().map(|(id, _)| id).collect()));
        }
        rt.block_on(Self::run_each(conn, sql, param_sets))?
    }

    fn execute_many_keyed(
        &mut self,
        sql: &str,
        param_sets: &[Vec<Value>],
    ) -> Result<(i64, Vec<i64>), EngineError> {
        self.in_txn = !self.autocommit;
        self.conn()?;
        let conn = self.conn.as_mut().ok_or_else(lost)?;
        let Some(batch) = Self::batch_of(sql, param_sets) else {
            return self.rt.block_on(Self::run_each(conn, sql, param_sets))?;
        };
        let step = match self.id_step {
            Some(step) => step,
            None => *self
                .id_step
                .insert(self.rt.block_on(Self::ask_id_step(conn))??),
        };
        let Some(step) = step else {
            return self.rt.block_on(Self::run_each(conn, sql, param_sets))?;
        };
        let (total, firsts) = self
            .rt
            .block_on(Self::run_batched(conn, &batch, param_sets))??;
        let ids = firsts
            .into_iter()
            .flat_map(|(first, n)| (0..n as i64).map(move |i| first + i * step))
            .collect();
        Ok((total, ids))
    }

    fn open_cursor(
        &mut self,
        sql: &str,
        params: &[Value],
        types: &[SqlType],
        first: usize,
    ) -> Result<(CursorId, Rows), EngineError> {
        self.conn()?;
        self.in_txn = !self.autocommit;
        let id = self.next_cursor;
        self.next_cursor += 1;
        let conn = self.conn.take().ok_or_else(lost)?;
        self.stream = Some(stream::RowStream::start(
            self.rt, conn, id, sql, params, types,
        )?);
        let rows = self.stream_chunk(id, first)?;
        Ok((id, rows))
    }

    fn fetch_cursor(&mut self, id: CursorId, n: usize) -> Result<Rows, EngineError> {
        self.stream_chunk(id, n)
    }

    fn close_cursor(&mut self, id: CursorId) {
        // The rest is read off the socket before the connection's next statement.
        let _ = id;
    }

    fn close_cursors(&mut self) {
        let _ = self.conn();
    }

    fn commit(&mut self) -> Result<(), EngineError> {
        self.conn()?;
        let conn = self.conn.as_mut().ok_or_else(lost)?;
        end_transaction(self.rt, conn, &mut self.in_txn, "COMMIT", map_err)
    }

    fn rollback(&mut self) -> Result<(), EngineError> {
        self.conn()?;
        let conn = self.conn.as_mut().ok_or_else(lost)?;
        end_transaction(self.rt, conn, &mut self.in_txn, "ROLLBACK", map_err)
    }

    fn in_transaction(&self) -> bool {
        self.in_txn
    }

    fn set_autocommit(&mut self, on: bool) -> Result<(), EngineError> {
        if on {
            self.commit()?;
        }
        let rt = self.rt;
        let conn = self.conn()?;
        let sql = if on {
            "SET autocommit = 1"
        } else {
            "SET autocommit = 0"
        };
        rt.block_on(sqlx::Executor::execute(conn, sql))?
            .map_err(map_err)?;
        self.autocommit = on;
        Ok(())
    }

    fn ping(&mut self) -> bool {
        let rt = self.rt;
        match self.conn() {
            Ok(conn) => matches!(rt.block_on(conn.ping()), Ok(Ok(()))),
            Err(_) => false,
        }
    }
}

fn lost() -> EngineError {
    EngineError::new(
        ErrorKind::Operational,
        "Lost connection to server during a streamed query",
    )
}

/// Server error numbers as PEP 249 kinds, the way PyMySQL maps them.
fn kind_of(number: u16) -> ErrorKind {
    match number {
        1062 | 1216 | 1217 | 1451 | 1452 | 1215 | 1048 | 1557 | 1586 | 4025 => ErrorKind::Integrity,
        1263 | 1264 | 1265 | 1171 | 1406 | 1441 | 1366 | 1292 | 1365 => ErrorKind::Data,
        1007 | 1008 | 1050 | 1064 | 1102 | 1103 | 1110 | 1111 | 1112 | 1113 | 1146 | 1149
        | 1179 => ErrorKind::Programming,
        1196 | 1235 | 1286 | 1289 => ErrorKind::NotSupported,
        n if n < 1000 => ErrorKind::Internal,
        _ => ErrorKind::Operational,
    }
}

pub fn map_err(e: sqlx::Error) -> EngineError {
    match &e {
        sqlx::Error::Database(db) => {
            let my = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>();
            let number = my.map_or(0, |m| m.number());
            // PyMySQL's errors print as their args tuple: (1062, "Duplicate entry ...").
            let msg = db.message();
            let quoted = if msg.contains('\'') {
                format!("\"{msg}\"")
            } else {
                format!("'{msg}'")
            };
            let mut err = EngineError::new(kind_of(number), format!("({number}, {quoted})"));
            err.sqlstate = db.code().map(|c| c.into_owned());
            // Server gone / lost / killed / shutting down, as SQLAlchemy's MySQL dialects list them.
            err.disconnect = matches!(
                number,
                1053 | 1927 | 2006 | 2013 | 2014 | 2045 | 2055 | 4031
            );
            err
        }
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) => {
            EngineError::new(ErrorKind::Operational, e.to_string()).disconnected()
        }
        // PyMySQL's words and number for the one TLS failure a server can cause by itself.
        sqlx::Error::Tls(t) if t.to_string().contains("server does not support TLS") => {
            EngineError::new(
                ErrorKind::Operational,
                "(2026, \"SSL is required but the server doesn't support it\")",
            )
        }
        sqlx::Error::Tls(_) => EngineError::new(ErrorKind::Operational, e.to_string()),
        _ => EngineError::new(ErrorKind::Interface, e.to_string()),
    }
}
