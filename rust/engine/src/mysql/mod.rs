//! MySQL and MariaDB through one sqlx connection per pool slot, on the engine's one tokio runtime
//! (the caller has released the GIL). Statements are prepared once per connection (sqlx's cache)
//! and run on the binary protocol. The session keeps autocommit off, as PyMySQL's connections do,
//! so a transaction begins at the first statement and ends at COMMIT or ROLLBACK.

mod types;

use ferro_sql::{SqlType, Value};
use sqlx::mysql::{MySqlArguments, MySqlConnectOptions, MySqlConnection, MySqlSslMode};
use sqlx::{AssertSqlSafe, Column, Connection, Executor, Row, SqlSafeStr, Statement, ValueRef};

use crate::backend::{Backend, Outcome};
use crate::error::{EngineError, ErrorKind};
use crate::rows::Rows;
use crate::runtime::{block_on, end_transaction};
use crate::url::Url;

#[derive(Clone, Debug)]
pub struct MySqlOptions(MySqlConnectOptions);

impl MySqlOptions {
    pub fn from_url(url: &Url) -> Result<Self, EngineError> {
        let mut o = MySqlConnectOptions::new()
            .host(url.host.as_deref().unwrap_or("localhost"))
            .port(url.port.unwrap_or(3306))
            .statement_cache_capacity(500)
            // The server's own sql_mode, as PyMySQL leaves it: `||` stays OR.
            .pipes_as_concat(false)
            .no_engine_substitution(false)
            .ssl_mode(MySqlSslMode::Disabled);
        if let Some(user) = &url.username {
            o = o.username(user);
        }
        if let Some(pw) = &url.password {
            o = o.password(pw);
        }
        if let Some(db) = &url.database {
            o = o.database(db);
        }
        for (k, v) in &url.query {
            match k.as_str() {
                "charset" => o = o.charset(v),
                "unix_socket" => o = o.socket(v),
                "ssl" | "ssl_ca" | "ssl_mode" | "ssl_cert" => {
                    return Err(EngineError::new(
                        ErrorKind::NotSupported,
                        "ferroalchemy: TLS connections to MySQL are not implemented yet",
                    ))
                }
                // Options of the drivers we replace that change nothing observable here.
                _ => {}
            }
        }
        Ok(MySqlOptions(o))
    }
}

pub struct MySqlBackend {
    conn: MySqlConnection,
    in_txn: bool,
}

impl MySqlBackend {
    pub fn connect(opts: &MySqlOptions) -> Result<Self, EngineError> {
        block_on(async {
            let mut conn = MySqlConnection::connect_with(&opts.0)
                .await
                .map_err(map_err)?;
            conn.execute("SET autocommit = 0").await.map_err(map_err)?;
            Ok(MySqlBackend {
                conn,
                in_txn: false,
            })
        })?
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
            for i in 0..names.len() {
                let raw = row.try_get_raw(i).map_err(map_err)?;
                values.push(if raw.is_null() {
                    Value::Null
                } else {
                    types::decode(row, i, types.get(i).unwrap_or(&SqlType::Null))?
                });
            }
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

impl Backend for MySqlBackend {
    fn execute(
        &mut self,
        sql: &str,
        params: &[Value],
        types: &[SqlType],
        _is_dml: bool,
    ) -> Result<Outcome, EngineError> {
        self.in_txn = true;
        block_on(Self::run(&mut self.conn, sql, params, types))?
    }

    fn execute_many(
        &mut self,
        sql: &str,
        param_sets: &[Vec<Value>],
        _is_dml: bool,
    ) -> Result<(i64, Vec<i64>), EngineError> {
        self.in_txn = true;
        let conn = &mut self.conn;
        block_on(async move {
            let mut total = 0i64;
            let mut ids = Vec::with_capacity(param_sets.len());
            for params in param_sets {
                let out = Self::run(conn, sql, params, &[]).await?;
                total += out.rowcount.max(0);
                ids.extend(out.last_insert_id);
            }
            Ok((total, ids))
        })?
    }

    fn commit(&mut self) -> Result<(), EngineError> {
        end_transaction(&mut self.conn, &mut self.in_txn, "COMMIT", map_err)
    }

    fn rollback(&mut self) -> Result<(), EngineError> {
        end_transaction(&mut self.conn, &mut self.in_txn, "ROLLBACK", map_err)
    }

    fn in_transaction(&self) -> bool {
        self.in_txn
    }

    fn ping(&mut self) -> bool {
        matches!(block_on(self.conn.ping()), Ok(Ok(())))
    }
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
            err
        }
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) => {
            EngineError::new(ErrorKind::Operational, e.to_string())
        }
        _ => EngineError::new(ErrorKind::Interface, e.to_string()),
    }
}
