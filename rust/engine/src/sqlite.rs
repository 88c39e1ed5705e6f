//! SQLite through rusqlite (bundled), run on the calling thread. Transactions begin before the
//! first statement that changes data, as pysqlite does, so applications see the same locking.

use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use ferro_sql::value::DateTimeParts;
use ferro_sql::{SqlType, Value};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{ffi, Connection, Statement, ToSql};

use crate::backend::{Backend, CursorId, Outcome};
use crate::error::{EngineError, ErrorKind};
use crate::rows::{format_uuid, shape, Rows};

pub struct SqliteBackend {
    /// Shared with the open cursors, whose statements borrow it (see `SqliteCursor`).
    conn: Rc<Connection>,
    cursors: HashMap<CursorId, SqliteCursor>,
    next_cursor: CursorId,
    /// isolation_level="AUTOCOMMIT": no BEGIN before a change, which SQLite then commits on its
    /// own (pysqlite's `isolation_level = None`).
    autocommit: bool,
}

// SAFETY: `Rc` and rusqlite's `Statement` are not `Send` only because they could be shared with
// another thread through a clone or a borrow. Every clone of `conn` and every statement borrowing
// it lives inside this struct (the cursors), and none is ever handed out, so moving the backend
// moves them all together; `Connection` itself is `Send`, and the pool's slot mutex lets one
// thread at a time use it (the connection is opened with SQLITE_OPEN_NO_MUTEX for that reason).
unsafe impl Send for SqliteBackend {}

/// A statement being stepped through across calls, as a pysqlite cursor is: `fetchmany` resumes
/// where the previous one stopped.
struct SqliteCursor {
    /// Always `Some` until `drop`, which takes it before freeing `stmt`.
    rows: Option<rusqlite::Rows<'static>>,
    /// From `Box::into_raw`; freed in `drop`.
    stmt: *mut Statement<'static>,
    /// Keeps the connection `stmt` borrows alive, and at one address, for as long as the cursor.
    _conn: Rc<Connection>,
    columns: Vec<String>,
    types: Vec<SqlType>,
}

impl SqliteCursor {
    /// Prepares `sql` and starts stepping it.
    fn open(
        conn: &Rc<Connection>,
        sql: &str,
        params: &[Value],
        types: &[SqlType],
    ) -> Result<Self, EngineError> {
        // SAFETY (the 'static lifetimes here): the connection lives in an `Rc` whose clone this
        // cursor keeps in `_conn`, so it is neither moved nor freed before the cursor's `drop`
        // has finalized the statement. The statement is boxed (stable address) and freed only in
        // `drop`, after the `Rows` borrowing it. Neither reference escapes the cursor.
        let c: &'static Connection = unsafe { &*Rc::as_ptr(conn) };
        let mut stmt = c.prepare(sql).map_err(map_err)?;
        bind_all(&mut stmt, params)?;
        let columns: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
        let types = (0..columns.len())
            .map(|i| types.get(i).cloned().unwrap_or(SqlType::Null))
            .collect();
        let stmt = Box::into_raw(Box::new(stmt));
        // SAFETY: `stmt` is valid until `drop` frees it, after this `Rows` is gone (see above).
        let rows = unsafe { &mut *stmt }.raw_query();
        Ok(SqliteCursor {
            rows: Some(rows),
            stmt,
            _conn: conn.clone(),
            columns,
            types,
        })
    }

    fn fetch(&mut self, n: usize) -> Result<Rows, EngineError> {
        let mut values = Vec::with_capacity(n.min(4096) * self.columns.len());
        if let Some(rows) = self.rows.as_mut() {
            let types: Vec<&SqlType> = self.types.iter().collect();
            decode_rows(rows, &types, n, &mut values)?;
        }
        Ok(Rows {
            columns: self.columns.clone(),
            values,
        })
    }
}

impl Drop for SqliteCursor {
    fn drop(&mut self) {
        // Resets the statement while it is still alive.
        self.rows = None;
        // SAFETY: `stmt` came from `Box::into_raw` in `open`, is freed only here, and nothing
        // borrows it any more; the connection it refers to is still held by `_conn`.
        drop(unsafe { Box::from_raw(self.stmt) });
    }
}

fn bind_all(stmt: &mut Statement<'_>, params: &[Value]) -> Result<(), EngineError> {
    let expected = stmt.parameter_count();
    if expected != params.len() {
        return Err(map_err(rusqlite::Error::InvalidParameterCount(
            params.len(),
            expected,
        )));
    }
    for (i, p) in params.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, Param(p)).map_err(map_err)?;
    }
    Ok(())
}

/// Steps up to `limit` rows, decoding each column as its declared type asks (the one loop the
/// buffered and the streamed results share).
fn decode_rows(
    rows: &mut rusqlite::Rows<'_>,
    types: &[&SqlType],
    limit: usize,
    values: &mut Vec<Value>,
) -> Result<usize, EngineError> {
    let mut n = 0;
    while n < limit {
        let Some(row) = rows.next().map_err(map_err)? else {
            break;
        };
        for (i, ty) in types.iter().enumerate() {
            values.push(decode(row.get_ref(i).map_err(map_err)?, ty)?);
        }
        n += 1;
    }
    Ok(n)
}

#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// `:memory:` or a path; a `file:` URI when `uri` is set.
    pub path: String,
    pub uri: bool,
    /// Seconds to wait on a locked database (pysqlite's `timeout`, default 5).
    pub timeout: f64,
}

impl SqliteBackend {
    pub fn open(opts: &SqliteOptions) -> Result<Self, EngineError> {
        use rusqlite::OpenFlags;
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if opts.uri {
            flags |= OpenFlags::SQLITE_OPEN_URI;
        }
        let conn = Connection::open_with_flags(&opts.path, flags).map_err(map_err)?;
        conn.busy_timeout(Duration::from_secs_f64(opts.timeout.max(0.0)))
            .map_err(map_err)?;
        // The bundled build enforces foreign keys by default; pysqlite's SQLite does not, and
        // SQLAlchemy users turn it on with a connect event when they want it.
        conn.execute_batch("PRAGMA foreign_keys = OFF")
            .map_err(map_err)?;
        conn.set_prepared_statement_cache_capacity(256);
        Ok(SqliteBackend {
            conn: Rc::new(conn),
            cursors: HashMap::new(),
            next_cursor: 1,
            autocommit: false,
        })
    }

    fn autobegin(&mut self, is_dml: bool) -> Result<(), EngineError> {
        if is_dml && !self.autocommit && self.conn.is_autocommit() {
            self.conn.execute_batch("BEGIN").map_err(map_err)?;
        }
        Ok(())
    }
}

struct Param<'a>(&'a Value);

impl ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Bool(b) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(*b as i64)),
            Value::Int(i) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(*i)),
            Value::Float(f) => ToSqlOutput::Owned(rusqlite::types::Value::Real(*f)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Blob(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            // SQLAlchemy's SQLite storage formats, so files stay interchangeable with it.
            Value::Date(p) => ToSqlOutput::Owned(rusqlite::types::Value::Text(format!(
                "{:04}-{:02}-{:02}",
                p.year, p.month, p.day
            ))),
            Value::Time(p) => ToSqlOutput::Owned(rusqlite::types::Value::Text(format!(
                "{:02}:{:02}:{:02}.{:06}",
                p.hour, p.minute, p.second, p.microsecond
            ))),
            Value::DateTime(p) => ToSqlOutput::Owned(rusqlite::types::Value::Text(format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}",
                p.year, p.month, p.day, p.hour, p.minute, p.second, p.microsecond
            ))),
            // SQLAlchemy's non-native UUID storage: 32 hexadecimal characters.
            Value::Uuid(u) => ToSqlOutput::Owned(rusqlite::types::Value::Text(format!("{u:032x}"))),
            Value::Decimal(s) => match s.parse::<f64>() {
                Ok(f) => ToSqlOutput::Owned(rusqlite::types::Value::Real(f)),
                Err(_) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            },
            // The bindings turn spans into DATETIMEs for SQLite and never send arrays here.
            Value::Interval(_) | Value::Array(_) | Value::Deferred(_) => {
                return Err(rusqlite::Error::ToSqlConversionFailure(
                    format!("SQLite has no storage for the value {:?}", self.0).into(),
                ))
            }
        })
    }
}

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// Microseconds from a fraction of any length (`.5` is 500000).
fn micros(frac: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for i in 0..6 {
        v = v * 10 + frac.get(i).map(|c| (c - b'0') as u32).unwrap_or(0);
    }
    frac.iter().all(u8::is_ascii_digit).then_some(v)
}

fn parse_date(s: &[u8]) -> Option<DateTimeParts> {
    if s.len() < 10 || s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    Some(DateTimeParts {
        year: digits(&s[0..4])? as i32,
        month: digits(&s[5..7])? as u8,
        day: digits(&s[8..10])? as u8,
        hour: 0,
        minute: 0,
        second: 0,
        microsecond: 0,
        utc_offset: None,
    })
}

fn parse_time(s: &[u8]) -> Option<DateTimeParts> {
    if s.len() < 5 || s[2] != b':' {
        return None;
    }
    let second = if s.len() >= 8 {
        digits(&s[6..8])? as u8
    } else {
        0
    };
    let microsecond = if s.len() > 9 && s[8] == b'.' {
        micros(&s[9..])?
    } else {
        0
    };
    Some(DateTimeParts {
        year: 0,
        month: 0,
        day: 0,
        hour: digits(&s[0..2])? as u8,
        minute: digits(&s[3..5])? as u8,
        second,
        microsecond,
        utc_offset: None,
    })
}

/// Reads `YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]]`, the forms SQLAlchemy and SQLite's own functions write.
pub fn parse_datetime(s: &[u8]) -> Option<DateTimeParts> {
    let mut d = parse_date(s)?;
    if s.len() > 11 {
        let t = parse_time(&s[11..])?;
        d.hour = t.hour;
        d.minute = t.minute;
        d.second = t.second;
        d.microsecond = t.microsecond;
    }
    Some(d)
}

/// SQLAlchemy's `_default_decimal_return_scale`.
const DEFAULT_DECIMAL_SCALE: u32 = 10;

fn decode(v: ValueRef<'_>, declared: &SqlType) -> Result<Value, EngineError> {
    let ty = declared.storage();
    let bad = |what: &str| {
        EngineError::new(
            ErrorKind::Data,
            format!("Couldn't parse {what} string: {:?}", v),
        )
    };
    Ok(match (v, ty) {
        (ValueRef::Null, _) => Value::Null,
        (ValueRef::Integer(i), SqlType::Boolean) => Value::Bool(i != 0),
        (ValueRef::Integer(i), SqlType::Float | SqlType::Double) => Value::Float(i as f64),
        // SQLAlchemy's SQLite Numeric formats a stored number at the column's scale (10 when the
        // column has none): `Decimal("%.2f" % 5)` is Decimal('5.00').
        (
            ValueRef::Integer(i),
            SqlType::Numeric {
                as_decimal: true,
                scale,
                ..
            },
        ) => Value::Decimal(format!(
            "{:.prec$}",
            i as f64,
            prec = scale.unwrap_or(DEFAULT_DECIMAL_SCALE) as usize
        )),
        (
            ValueRef::Real(f),
            SqlType::Numeric {
                as_decimal: true,
                scale,
                ..
            },
        ) => Value::Decimal(format!(
            "{f:.prec$}",
            prec = scale.unwrap_or(DEFAULT_DECIMAL_SCALE) as usize
        )),
        (ValueRef::Integer(i), _) => Value::Int(i),
        (ValueRef::Real(f), _) => Value::Float(f),
        (ValueRef::Text(t), SqlType::DateTime { .. }) => {
            Value::DateTime(parse_datetime(t).ok_or_else(|| bad("datetime"))?)
        }
        (ValueRef::Text(t), SqlType::Interval) => shape(
            Value::DateTime(parse_datetime(t).ok_or_else(|| bad("datetime"))?),
            ty,
        ),
        (ValueRef::Text(t), SqlType::Date) => {
            Value::Date(parse_date(t).ok_or_else(|| bad("date"))?)
        }
        (ValueRef::Text(t), SqlType::Time) => {
            Value::Time(parse_time(t).ok_or_else(|| bad("time"))?)
        }
        (ValueRef::Text(t), SqlType::Uuid { as_uuid, .. }) => {
            let hex: String = String::from_utf8_lossy(t)
                .chars()
                .filter(|c| *c != '-')
                .collect();
            let u = u128::from_str_radix(&hex, 16).map_err(|_| bad("UUID"))?;
            if *as_uuid {
                Value::Uuid(u)
            } else {
                Value::Text(format_uuid(u))
            }
        }
        (
            ValueRef::Text(t),
            SqlType::Numeric {
                as_decimal: true, ..
            },
        ) => Value::Decimal(String::from_utf8_lossy(t).into_owned()),
        (ValueRef::Text(t), _) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        (ValueRef::Blob(b), _) => Value::Blob(b.to_vec()),
    })
}

/// Maps SQLite's result codes onto the PEP 249 classes pysqlite raises for them.
pub fn map_err(e: rusqlite::Error) -> EngineError {
    match &e {
        rusqlite::Error::SqliteFailure(f, msg) => {
            let code = f.extended_code;
            let kind = match f.code {
                rusqlite::ErrorCode::ConstraintViolation => ErrorKind::Integrity,
                rusqlite::ErrorCode::TooBig | rusqlite::ErrorCode::TypeMismatch => ErrorKind::Data,
                rusqlite::ErrorCode::InternalMalfunction => ErrorKind::Internal,
                rusqlite::ErrorCode::ApiMisuse => ErrorKind::Interface,
                _ if code == ffi::SQLITE_ERROR => ErrorKind::Operational,
                _ => ErrorKind::Operational,
            };
            let message = msg.clone().unwrap_or_else(|| f.to_string());
            let mut err = EngineError::new(kind, message);
            err.sqlite_code = Some((code, sqlite_code_name(code)));
            err
        }
        // A statement that fails to prepare (syntax, unknown table or column): pysqlite's
        // OperationalError, with SQLite's own message.
        rusqlite::Error::SqlInputError { error, msg, .. } => {
            let mut err = EngineError::new(ErrorKind::Operational, msg.clone());
            err.sqlite_code = Some((error.extended_code, sqlite_code_name(error.extended_code)));
            err
        }
        rusqlite::Error::InvalidParameterCount(got, want) => EngineError::new(
            ErrorKind::Programming,
            format!("Incorrect number of bindings supplied. The current statement uses {want}, and there are {got} supplied."),
        ),
        rusqlite::Error::MultipleStatement => EngineError::new(
            ErrorKind::Programming,
            "You can only execute one statement at a time.",
        ),
        other => EngineError::new(ErrorKind::Interface, other.to_string()),
    }
}

fn sqlite_code_name(code: i32) -> String {
    let name = match code {
        ffi::SQLITE_CONSTRAINT_UNIQUE => "SQLITE_CONSTRAINT_UNIQUE",
        ffi::SQLITE_CONSTRAINT_PRIMARYKEY => "SQLITE_CONSTRAINT_PRIMARYKEY",
        ffi::SQLITE_CONSTRAINT_NOTNULL => "SQLITE_CONSTRAINT_NOTNULL",
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => "SQLITE_CONSTRAINT_FOREIGNKEY",
        ffi::SQLITE_CONSTRAINT_CHECK => "SQLITE_CONSTRAINT_CHECK",
        ffi::SQLITE_CONSTRAINT => "SQLITE_CONSTRAINT",
        ffi::SQLITE_BUSY => "SQLITE_BUSY",
        ffi::SQLITE_LOCKED => "SQLITE_LOCKED",
        ffi::SQLITE_ERROR => "SQLITE_ERROR",
        ffi::SQLITE_READONLY => "SQLITE_READONLY",
        ffi::SQLITE_CANTOPEN => "SQLITE_CANTOPEN",
        _ => "SQLITE_ERROR",
    };
    name.to_string()
}

impl Backend for SqliteBackend {
    fn execute(
        &mut self,
        sql: &str,
        params: &[Value],
        types: &[SqlType],
        is_dml: bool,
    ) -> Result<Outcome, EngineError> {
        self.autobegin(is_dml)?;
        let mut stmt = self.conn.prepare_cached(sql).map_err(map_err)?;
        bind_all(&mut stmt, params)?;
        let ncols = stmt.column_count();
        if ncols == 0 {
            let n = stmt.raw_execute().map_err(map_err)?;
            return Ok(Outcome {
                rows: None,
                rowcount: n as i64,
                last_insert_id: Some(self.conn.last_insert_rowid()),
                insert_ids: Vec::new(),
            });
        }
        let columns: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
        let null = SqlType::Null;
        let col_types: Vec<&SqlType> = (0..ncols).map(|i| types.get(i).unwrap_or(&null)).collect();
        let mut values = Vec::new();
        let mut rows = stmt.raw_query();
        decode_rows(&mut rows, &col_types, usize::MAX, &mut values)?;
        drop(rows);
        let changes = if is_dml {
            self.conn.changes() as i64
        } else {
            -1
        };
        Ok(Outcome {
            rows: Some(Rows { columns, values }),
            rowcount: changes,
            last_insert_id: Some(self.conn.last_insert_rowid()),
            insert_ids: Vec::new(),
        })
    }

    fn execute_many(
        &mut self,
        sql: &str,
        param_sets: &[Vec<Value>],
        is_dml: bool,
    ) -> Result<(i64, Vec<i64>), EngineError> {
        self.autobegin(is_dml)?;
        let mut stmt = self.conn.prepare_cached(sql).map_err(map_err)?;
        let mut total = 0i64;
        let mut ids = Vec::with_capacity(param_sets.len());
        for params in param_sets {
            bind_all(&mut stmt, params)?;
            total += stmt.raw_execute().map_err(map_err)? as i64;
            ids.push(self.conn.last_insert_rowid());
        }
        Ok((total, ids))
    }

    fn open_cursor(
        &mut self,
        sql: &str,
        params: &[Value],
        types: &[SqlType],
        first: usize,
    ) -> Result<(CursorId, Rows), EngineError> {
        let mut cursor = SqliteCursor::open(&self.conn, sql, params, types)?;
        let rows = cursor.fetch(first)?;
        let id = self.next_cursor;
        self.next_cursor += 1;
        self.cursors.insert(id, cursor);
        Ok((id, rows))
    }

    fn fetch_cursor(&mut self, id: CursorId, n: usize) -> Result<Rows, EngineError> {
        match self.cursors.get_mut(&id) {
            Some(c) => c.fetch(n),
            None => Ok(Rows::default()),
        }
    }

    fn close_cursor(&mut self, id: CursorId) {
        self.cursors.remove(&id);
    }

    fn close_cursors(&mut self) {
        self.cursors.clear();
    }

    fn commit(&mut self) -> Result<(), EngineError> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("COMMIT").map_err(map_err)?;
        }
        Ok(())
    }

    fn rollback(&mut self) -> Result<(), EngineError> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("ROLLBACK").map_err(map_err)?;
        }
        Ok(())
    }

    fn in_transaction(&self) -> bool {
        !self.conn.is_autocommit()
    }

    fn set_autocommit(&mut self, on: bool) -> Result<(), EngineError> {
        if on {
            self.commit()?;
        }
        self.autocommit = on;
        Ok(())
    }

    fn ping(&mut self) -> bool {
        self.conn.execute_batch("SELECT 1").is_ok()
    }
}
