//! PostgreSQL through one sqlx connection per pool slot, driven by the engine's one tokio runtime
//! (the caller has released the GIL). Statements are prepared once per connection (sqlx's
//! statement cache) and parameters encoded for the types the server inferred. A transaction begins
//! before the first statement after a commit or rollback, as psycopg2 and asyncpg under
//! SQLAlchemy do.

mod array;
pub mod numeric;
pub mod types;
mod update_values;

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Duration;

use ferro_sql::{SqlType, Value};
use futures_util::TryStreamExt;
use sqlx::postgres::{
    PgArgumentBuffer, PgArguments, PgConnectOptions, PgConnection, PgRow, PgSslMode, PgTypeInfo,
};
use sqlx::{
    Arguments, AssertSqlSafe, Column, Connection, Either, Executor, Row, SqlSafeStr, Statement,
    TypeInfo, ValueRef,
};

use crate::backend::{Backend, CursorId, LocalFuture, Outcome};
use crate::batch::InsertBatch;
use crate::error::{EngineError, ErrorKind};
use crate::rows::Rows;
use crate::runtime::{end_transaction, Rt};
use crate::url::Url;

/// How to reach the server, from the URL (and `connect_args` the Python layer folded into it).
#[derive(Clone, Debug)]
pub struct PgOptions {
    opts: PgConnectOptions,
    /// libpq's `connect_timeout`: the whole connect, TLS handshake and authentication included.
    connect_timeout: Option<Duration>,
    /// The runtime its connections belong to (`Rt::Aio` for an async engine's).
    pub rt: Rt,
}

impl PgOptions {
    pub fn from_url(url: &Url) -> Result<Self, EngineError> {
        let mut o = PgConnectOptions::new_without_pgpass()
            .host(url.host.as_deref().unwrap_or("localhost"))
            .port(url.port.unwrap_or(5432))
            .statement_cache_capacity(500);
        if let Some(user) = &url.username {
            o = o.username(user);
        }
        if let Some(pw) = &url.password {
            o = o.password(pw);
        }
        if let Some(db) = &url.database {
            o = o.database(db);
        }
        // Plain TCP unless sslmode asks (libpq's default is `prefer`): sqlx's rustls handshake
        // measured ~100 ms per new connection against ~13 ms without, ~18 ms for libpq's.
        let mut ssl = PgSslMode::Disable;
        let mut connect_timeout = None;
        for (k, v) in &url.query {
            match k.as_str() {
                "sslmode" => {
                    ssl = match v.as_str() {
                        "disable" => PgSslMode::Disable,
                        "allow" => PgSslMode::Allow,
                        "prefer" => PgSslMode::Prefer,
                        "require" => PgSslMode::Require,
                        "verify-ca" => PgSslMode::VerifyCa,
                        "verify-full" => PgSslMode::VerifyFull,
                        other => {
                            // libpq refuses it when connecting: psycopg's OperationalError.
                            return Err(EngineError::new(
                                ErrorKind::Operational,
                                format!("invalid sslmode value: \"{other}\""),
                            ));
                        }
                    }
                }
                "sslrootcert" => o = o.ssl_root_cert(v),
                "sslcert" => o = o.ssl_client_cert(v),
                "sslkey" => o = o.ssl_client_key(v),
                "application_name" => o = o.application_name(v),
                "host" => o = o.socket(v),
                "connect_timeout" => connect_timeout = parse_timeout(v)?,
                // Options of drivers we replace (client_encoding, ...) change nothing observable here.
                _ => {}
            }
        }
        Ok(PgOptions {
            opts: o.ssl_mode(ssl),
            connect_timeout,
            rt: Rt::Blocking,
        })
    }
}

/// A `connect_timeout` in seconds, as libpq and PyMySQL read it; zero or less waits forever.
pub(crate) fn parse_timeout(v: &str) -> Result<Option<Duration>, EngineError> {
    let secs: f64 = v.trim().parse().map_err(|_| {
        EngineError::new(
            ErrorKind::Operational,
            format!("invalid integer value \"{v}\" for connection option \"connect_timeout\""),
        )
    })?;
    Ok((secs > 0.0 && secs.is_finite()).then(|| Duration::from_secs_f64(secs)))
}

/// Runs a connect future within `timeout`, if any, failing as a lost connection would.
pub(crate) async fn with_timeout<T>(
    timeout: Option<Duration>,
    fut: impl std::future::Future<Output = Result<T, EngineError>>,
) -> Result<T, EngineError> {
    match timeout {
        None => fut.await,
        Some(t) => tokio::time::timeout(t, fut).await.unwrap_or_else(|_| {
            Err(EngineError::new(
                ErrorKind::Operational,
                format!("connection timeout expired ({:.0}s)", t.as_secs_f64()),
            ))
        }),
    }
}

pub struct PgBackend {
    conn: PgConnection,
    rt: Rt,
    in_txn: bool,
    /// isolation_level="AUTOCOMMIT": statements run outside any transaction block (so CREATE
    /// DATABASE and VACUUM work), as psycopg's `autocommit = True`.
    autocommit: bool,
    /// Server-side cursors DECLAREd in the current transaction (the server closes them at its end).
    cursors: HashMap<CursorId, PgCursor>,
    /// Cursors released since the last statement, to CLOSE before the next one.
    to_close: Vec<CursorId>,
    /// Cursors whose transaction ended: FETCH from one fails as the server would fail it.
    ended: std::collections::HashSet<CursorId>,
    next_cursor: CursorId,
}

/// A server-side cursor, as psycopg's named cursors make them: `DECLARE ... CURSOR FOR`, then
/// `FETCH FORWARD n` per chunk.
struct PgCursor {
    columns: Vec<(String, PgTypeInfo)>,
    types: Vec<SqlType>,
}

fn cursor_name(id: CursorId) -> String {
    format!("ferro_cursor_{id}")
}

/// One parameter, already encoded for the type the server gave its placeholder.
struct Param {
    bytes: Option<Vec<u8>>,
    ty: PgTypeInfo,
}

impl sqlx::Type<sqlx::Postgres> for Param {
    fn type_info() -> PgTypeInfo {
        // Never used: `produces()` names each parameter's real type.
        PgTypeInfo::with_oid(sqlx::postgres::types::Oid(types::UNKNOWN))
    }
}

impl sqlx::Encode<'_, sqlx::Postgres> for Param {
    fn encode_by_ref(
        &self,
        buf: &mut PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        Ok(match &self.bytes {
            Some(b) => {
                buf.extend_from_slice(b);
                sqlx::encode::IsNull::No
            }
            None => sqlx::encode::IsNull::Yes,
        })
    }

    fn produces(&self) -> Option<PgTypeInfo> {
        Some(self.ty.clone())
    }
}

impl PgBackend {
    pub fn connect(opts: &PgOptions) -> Result<Self, EngineError> {
        let conn = opts
            .rt
            .block_on(with_timeout(opts.connect_timeout, async {
                PgConnection::connect_with(&opts.opts)
                    .await
                    .map_err(map_err)
            }))??;
        Ok(PgBackend {
            conn,
            rt: opts.rt,
            in_txn: false,
            autocommit: false,
            cursors: HashMap::new(),
            to_close: Vec::new(),
            ended: Default::default(),
            next_cursor: 1,
        })
    }

    fn autobegin(&mut self) -> Result<(), EngineError> {
        self.close_released()?;
        if !self.in_txn && !self.autocommit {
            self.rt
                .block_on(self.conn.execute("BEGIN"))?
                .map_err(map_err)?;
            self.in_txn = true;
        }
        Ok(())
    }

    async fn run(
        conn: &mut PgConnection,
        sql: &str,
        params: &[Value],
        types: &[SqlType],
    ) -> Result<Outcome, EngineError> {
        let mut stmt = conn
            .prepare_with(AssertSqlSafe(sql.to_owned()).into_sql_str(), &[])
            .await
            .map_err(map_err)?;
        let mut param_types: &[PgTypeInfo] = match stmt.parameters() {
            Some(Either::Left(t)) => t,
            _ => &[],
        };
        // A string for a type with no wire format here (`cast(:name as regclass)`, ...) goes as
        // text for the server to convert, as psycopg sends strings. sqlx caches statements by SQL
        // text, so that variant is prepared under a comment that keeps it apart.
        let as_text: Vec<usize> = params
            .iter()
            .zip(param_types)
            .enumerate()
            .filter(|(_, (v, ty))| matches!(v, Value::Text(_)) && !types::takes_text(ty))
            .map(|(i, _)| i)
            .collect();
        if !as_text.is_empty() {
            let mut declared = param_types.to_vec();
            for &i in &as_text {
                declared[i] = PgTypeInfo::with_name("text");
            }
            let keyed = format!("{sql}\n/* ferroalchemy: parameters {as_text:?} as text */");
            stmt = conn
                .prepare_with(AssertSqlSafe(keyed).into_sql_str(), &declared)
                .await
                .map_err(map_err)?;
            param_types = match stmt.parameters() {
                Some(Either::Left(t)) => t,
                _ => &[],
            };
        }
        if param_types.len() != params.len() {
            return Err(EngineError::new(
                ErrorKind::Programming,
                format!(
                    "the server expects {} arguments for this query, {} were passed",
                    param_types.len(),
                    params.len()
                ),
            ));
        }
        let mut args = PgArguments::default();
        for (i, (v, ty)) in params.iter().zip(param_types).enumerate() {
            let param = Param {
                bytes: types::encode(i, v, ty)?,
                ty: ty.clone(),
            };
            args.add(param)
                .map_err(|e| EngineError::new(ErrorKind::Interface, e.to_string()))?;
        }
        let columns: Vec<(String, PgTypeInfo)> = stmt
            .columns()
            .iter()
            .map(|c| (c.name().to_owned(), c.type_info().clone()))
            .collect();
        let query = stmt.query_with(args);
        if columns.is_empty() {
            let done = query.execute(&mut *conn).await.map_err(map_err)?;
            return Ok(Outcome {
                rows: None,
                rowcount: i64::try_from(done.rows_affected()).unwrap_or(i64::MAX),
                ..Default::default()
            });
        }
        // Each row is decoded as it arrives rather than after all are collected: one live PgRow at
        // a time, its buffer still in cache.
        let mut values = Vec::new();
        let mut count = 0usize;
        let mut rows = query.fetch(&mut *conn);
        while let Some(row) = rows.try_next().await.map_err(map_err)? {
            decode_row(&row, &columns, types, &mut values)?;
            count += 1;
        }
        drop(rows);
        Ok(Outcome {
            rowcount: i64::try_from(count).unwrap_or(i64::MAX),
            rows: Some(Rows {
                columns: columns.into_iter().map(|(n, _)| n).collect(),
                values,
            }),
            ..Default::default()
        })
    }
}

/// Decodes rows by the types the statement's description gave (the one loop the buffered and the
/// streamed results share).
fn decode_rows(
    pg_rows: &[PgRow],
    columns: &[(String, PgTypeInfo)],
    types: &[SqlType],
) -> Result<Vec<Value>, EngineError> {
    let mut values = Vec::with_capacity(pg_rows.len() * columns.len());
    for row in pg_rows {
        decode_row(row, columns, types, &mut values)?;
    }
    Ok(values)
}

fn decode_row(
    row: &PgRow,
    columns: &[(String, PgTypeInfo)],
    types: &[SqlType],
    values: &mut Vec<Value>,
) -> Result<(), EngineError> {
    for (i, (_, ty)) in columns.iter().enumerate() {
        let raw = row.try_get_raw(i).map_err(map_err)?;
        if raw.is_null() {
            values.push(Value::Null);
            continue;
        }
        let bytes = raw
            .as_bytes()
            .map_err(|e| EngineError::new(ErrorKind::Interface, e.to_string()))?;
        values.push(types::decode(
            bytes,
            ty,
            types.get(i).unwrap_or(&SqlType::Null),
        )?);
    }
    Ok(())
}

impl PgBackend {
    /// CLOSEs the cursors released since the last statement. One the server has closed already
    /// (its transaction ended) is forgotten with the transaction, so CLOSE never names a missing
    /// cursor (which would abort the transaction).
    fn close_released(&mut self) -> Result<(), EngineError> {
        if let Some(sql) = self.close_sql() {
            self.rt
                .block_on(self.conn.execute(AssertSqlSafe(sql)))?
                .map_err(map_err)?;
        }
        Ok(())
    }

    /// The CLOSE statements of the cursors released since the last statement, if any.
    fn close_sql(&mut self) -> Option<String> {
        let sql: String = self
            .to_close
            .drain(..)
            .filter(|id| self.cursors.remove(id).is_some())
            .map(|id| format!("CLOSE {};", cursor_name(id)))
            .collect();
        (!sql.is_empty()).then_some(sql)
    }

    /// `autobegin` as a future, for the aio runtime's thread.
    async fn autobegin_local(&mut self) -> Result<(), EngineError> {
        if let Some(sql) = self.close_sql() {
            self.conn
                .execute(AssertSqlSafe(sql))
                .await
                .map_err(map_err)?;
        }
        if !self.in_txn && !self.autocommit {
            self.conn.execute("BEGIN").await.map_err(map_err)?;
            self.in_txn = true;
        }
        Ok(())
    }

    /// The transaction ends, and the server closes its cursors with it.
    fn end_cursors(&mut self) {
        self.ended.extend(self.cursors.drain().map(|(id, _)| id));
    }

    async fn fetch_chunk(
        conn: &mut PgConnection,
        id: CursorId,
        cursor: &PgCursor,
        n: usize,
    ) -> Result<Rows, EngineError> {
        // Not kept in the statement cache: each cursor has its own name.
        let sql = format!("FETCH FORWARD {n} FROM {}", cursor_name(id));
        let pg_rows = sqlx::query(AssertSqlSafe(sql))
            .persistent(false)
            .fetch_all(&mut *conn)
            .await
            .map_err(map_err)?;
        Ok(Rows {
            columns: cursor.columns.iter().map(|(n, _)| n.clone()).collect(),
            values: decode_rows(&pg_rows, &cursor.columns, &cursor.types)?,
        })
    }

    /// A plain INSERT's executemany as multi-row VALUES statements (no generated ids to report:
    /// the flush asks for those with RETURNING, which never batches here).
    async fn run_batched(
        conn: &mut PgConnection,
        batch: &InsertBatch,
        param_sets: &[Vec<Value>],
    ) -> Result<(i64, Vec<i64>), EngineError> {
        let per = batch.chunk_rows();
        let full = batch.sql(per);
        let mut total = 0i64;
        for chunk in param_sets.chunks(per) {
            let sql = if chunk.len() == per {
                Cow::Borrowed(full.as_str())
            } else {
                Cow::Owned(batch.sql(chunk.len()))
            };
            let flat: Vec<Value> = chunk.iter().flatten().cloned().collect();
            total += Self::run(conn, &sql, &flat, &[]).await?.rowcount.max(0);
        }
        Ok((total, Vec::new()))
    }
}

impl Backend for PgBackend {
    fn execute(
        &mut self,
        sql: &str,
        params: &[Value],
        types: &[SqlType],
        _is_dml: bool,
    ) -> Result<Outcome, EngineError> {
        self.autobegin()?;
        self.rt
            .block_on(Self::run(&mut self.conn, sql, params, types))?
    }

    fn runs_local(&self) -> bool {
        self.rt == Rt::Aio
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
        Some(Box::pin(async move {
            self.autobegin_local().await?;
            Self::run(&mut self.conn, sql, params, types).await
        }))
    }

    fn rollback_local(&mut self) -> Option<LocalFuture<'_, Result<(), EngineError>>> {
        if !self.runs_local() {
            return None;
        }
        // As `rollback`: the server closes the transaction's cursors with it.
        self.to_close.clear();
        self.end_cursors();
        let in_txn = std::mem::replace(&mut self.in_txn, false);
        let conn = &mut self.conn;
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
        self.autobegin()?;
        let conn = &mut self.conn;
        let width = param_sets.first().map_or(0, Vec::len);
        let batch = (param_sets.len() > 1 && param_sets.iter().all(|p| p.len() == width))
            .then(|| InsertBatch::parse_numbered(sql, width))
            .flatten();
        if let Some(batch) = batch {
            return self
                .rt
                .block_on(Self::run_batched(conn, &batch, param_sets))?;
        }
        self.rt.block_on(async move {
            let mut total = 0i64;
            let mut ids = Vec::new();
            for params in param_sets {
                let out = Self::run(conn, sql, params, &[]).await?;
                total += out.rowcount.max(0);
                if let Some(Value::Int(id)) = out.rows.as_ref().and_then(|r| r.values.first()) {
                    ids.push(*id);
                }
            }
            Ok((total, ids))
        })?
    }

    fn update_many(
        &mut self,
        sql: &str,
        table: &str,
        columns: &[(String, bool)],
        param_sets: &[Vec<Value>],
    ) -> Result<i64, EngineError> {
        if param_sets.len() < 2 || !columns.iter().any(|c| c.1) || !columns.iter().any(|c| !c.1) {
            return self.execute_many(sql, param_sets, true).map(|(n, _)| n);
        }
        self.autobegin()?;
        let conn = &mut self.conn;
        let fallback = self.rt.block_on(async move {
            // The plain statement's parameter types, as the server infers them from its columns
            // (prepared once and cached by the connection).
            let stmt = conn
                .prepare_with(AssertSqlSafe(sql.to_owned()).into_sql_str(), &[])
                .await
                .map_err(map_err)?;
            let names: Vec<String> = match stmt.parameters() {
                Some(Either::Left(t)) => t.iter().map(|t| t.name().to_owned()).collect(),
                _ => Vec::new(),
            };
            let casts: Option<Vec<&str>> =
                names.iter().map(|n| update_values::cast_name(n)).collect();
            let Some(casts) = casts.filter(|c| c.len() == columns.len()) else {
                return Ok(None);
            };
            let per = update_values::rows_per_statement(columns.len());
            let full = update_values::values_sql(table, columns, &casts, per);
            let mut total = 0i64;
            for chunk in param_sets.chunks(per) {
                let sql = if chunk.len() == per {
                    Cow::Borrowed(full.as_str())
                } else {
                    Cow::Owned(update_values::values_sql(
                        table,
                        columns,
                        &casts,
                        chunk.len(),
                    ))
                };
                let flat: Vec<Value> = chunk.iter().flatten().cloned().collect();
                total += Self::run(conn, &sql, &flat, &[]).await?.rowcount.max(0);
            }
            Ok::<_, EngineError>(Some(total))
        })??;
        match fallback {
            Some(n) => Ok(n),
            None => self.execute_many(sql, param_sets, true).map(|(n, _)| n),
        }
    }

    fn open_cursor(
        &mut self,
        sql: &str,
        params: &[Value],
        types: &[SqlType],
        first: usize,
    ) -> Result<(CursorId, Rows), EngineError> {
        self.autobegin()?;
        let id = self.next_cursor;
        self.next_cursor += 1;
        let conn = &mut self.conn;
        let (cursor, rows) = self.rt.block_on(async move {
            // The statement's own description gives the columns (and is cached for the next
            // time); the parameters are bound to the DECLARE through the extended protocol.
            let stmt = conn
                .prepare_with(AssertSqlSafe(sql.to_owned()).into_sql_str(), &[])
                .await
                .map_err(map_err)?;
            let cursor = PgCursor {
                columns: stmt
                    .columns()
                    .iter()
                    .map(|c| (c.name().to_owned(), c.type_info().clone()))
                    .collect(),
                types: types.to_vec(),
            };
            let declare = format!("DECLARE {} NO SCROLL CURSOR FOR {sql}", cursor_name(id));
            Self::run(conn, &declare, params, &[]).await?;
            let rows = Self::fetch_chunk(conn, id, &cursor, first).await?;
            Ok::<_, EngineError>((cursor, rows))
        })??;
        self.cursors.insert(id, cursor);
        Ok((id, rows))
    }

    fn fetch_cursor(&mut self, id: CursorId, n: usize) -> Result<Rows, EngineError> {
        self.close_released()?;
        let Some(cursor) = self.cursors.get(&id) else {
            if self.ended.contains(&id) {
                let mut err = EngineError::new(
                    ErrorKind::Programming,
                    format!("cursor \"{}\" does not exist", cursor_name(id)),
                );
                err.sqlstate = Some("34000".into());
                return Err(err);
            }
            return Ok(Rows::default());
        };
        self.rt
            .block_on(Self::fetch_chunk(&mut self.conn, id, cursor, n))?
    }

    fn close_cursor(&mut self, id: CursorId) {
        self.ended.remove(&id);
        if self.cursors.contains_key(&id) {
            self.to_close.push(id);
        }
    }

    fn close_cursors(&mut self) {
        self.to_close.extend(self.cursors.keys().copied());
        self.ended.clear();
        // Best effort: the pool rolls back next, which closes them anyway.
        let _ = self.close_released();
    }

    fn commit(&mut self) -> Result<(), EngineError> {
        self.close_released()?;
        self.end_cursors();
        end_transaction(self.rt, &mut self.conn, &mut self.in_txn, "COMMIT", map_err)
    }

    fn rollback(&mut self) -> Result<(), EngineError> {
        self.to_close.clear();
        self.end_cursors();
        end_transaction(
            self.rt,
            &mut self.conn,
            &mut self.in_txn,
            "ROLLBACK",
            map_err,
        )
    }

    fn in_transaction(&self) -> bool {
        self.in_txn
    }

    fn set_autocommit(&mut self, on: bool) -> Result<(), EngineError> {
        if on {
            self.commit()?;
        }
        self.autocommit = on;
        Ok(())
    }

    fn ping(&mut self) -> bool {
        matches!(self.rt.block_on(self.conn.ping()), Ok(Ok(())))
    }
}

/// sqlx errors as PEP 249 kinds, by SQLSTATE class the way psycopg2 maps them.
pub fn map_err(e: sqlx::Error) -> EngineError {
    match &e {
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            let kind = match code.get(..2).unwrap_or("") {
                "23" => ErrorKind::Integrity,
                "22" => ErrorKind::Data,
                "0A" => ErrorKind::NotSupported,
                "XX" => ErrorKind::Internal,
                "08" | "28" | "40" | "53" | "54" | "55" | "57" | "58" | "F0" | "HV" => {
                    ErrorKind::Operational
                }
                "" => ErrorKind::Database,
                _ => ErrorKind::Programming,
            };
            let pg = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>();
            let mut message = db.message().to_owned();
            if let Some(detail) = pg.and_then(|p| p.detail()) {
                message.push_str(&format!("\nDETAIL:  {detail}"));
            }
            let mut err = EngineError::new(kind, message);
            // Admin shutdown / terminated backend (57P01-57P03) and connection exceptions (08):
            // the session is over, as psycopg's dialect tells SQLAlchemy.
            err.disconnect = code.starts_with("57P") || code.starts_with("08");
            err.sqlstate = Some(code);
            err
        }
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) => {
            EngineError::new(ErrorKind::Operational, e.to_string()).disconnected()
        }
        sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut => {
            EngineError::new(ErrorKind::Operational, e.to_string())
        }
        _ => EngineError::new(ErrorKind::Interface, e.to_string()),
    }
}
