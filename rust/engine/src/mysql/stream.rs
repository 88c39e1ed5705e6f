//! A MySQL result read from the socket as it is consumed, as PyMySQL's unbuffered SSCursor reads
//! it. sqlx's row stream borrows the connection, so the connection moves into a task on the
//! engine's runtime that pulls the rows one chunk per request and hands the connection back when
//! the result is exhausted or no more chunks are wanted (after reading what is left, as PyMySQL
//! does before the connection's next statement).

use ferro_sql::{SqlType, Value};
use futures_util::StreamExt;
use sqlx::mysql::{MySqlArguments, MySqlConnection};
use sqlx::{AssertSqlSafe, Column, Executor, SqlSafeStr, Statement};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::{decode_row, map_err, types};
use crate::backend::CursorId;
use crate::error::{EngineError, ErrorKind};
use crate::rows::Rows;
use crate::runtime::Rt;

pub struct RowStream {
    pub id: CursorId,
    rt: Rt,
    ask: mpsc::Sender<usize>,
    chunks: mpsc::Receiver<Result<Rows, EngineError>>,
    task: JoinHandle<MySqlConnection>,
}

impl RowStream {
    /// Moves `conn` into a task that runs `sql` and waits to be asked for rows.
    pub fn start(
        rt: Rt,
        conn: MySqlConnection,
        id: CursorId,
        sql: &str,
        params: &[Value],
        types: &[SqlType],
    ) -> Result<Self, EngineError> {
        let (ask, asked) = mpsc::channel(1);
        let (sent, chunks) = mpsc::channel(1);
        let task = rt.spawn(run(
            conn,
            sql.to_owned(),
            params.to_vec(),
            types.to_vec(),
            asked,
            sent,
        ))?;
        Ok(RowStream {
            id,
            rt,
            ask,
            chunks,
            task,
        })
    }

    /// The next up to `n` rows; None once the task has ended (exhausted, or failed).
    pub fn next_chunk(&mut self, n: usize) -> Result<Option<Rows>, EngineError> {
        self.rt.block_on(async {
            if self.ask.send(n).await.is_err() {
                return Ok(None);
            }
            self.chunks.recv().await.transpose()
        })?
    }

    /// Stops asking for rows and waits for the task to read what is left and give the
    /// connection back.
    pub fn finish(self) -> Result<MySqlConnection, EngineError> {
        drop(self.ask);
        self.rt.block_on(self.task)?.map_err(|e| {
            EngineError::new(
                ErrorKind::Operational,
                format!("Lost connection to server during a streamed query: {e}"),
            )
        })
    }
}

async fn run(
    mut conn: MySqlConnection,
    sql: String,
    params: Vec<Value>,
    types: Vec<SqlType>,
    mut asked: mpsc::Receiver<usize>,
    sent: mpsc::Sender<Result<Rows, EngineError>>,
) -> MySqlConnection {
    let outcome = async {
        let stmt = conn
            .prepare_with(AssertSqlSafe(sql).into_sql_str(), &[])
            .await
            .map_err(map_err)?;
        let mut args = MySqlArguments::default();
        for (i, v) in params.iter().enumerate() {
            types::bind(&mut args, i, v)?;
        }
        let names: Vec<String> = stmt.columns().iter().map(|c| c.name().to_owned()).collect();
        let mut rows = stmt.query_with(args).fetch(&mut conn);
        while let Some(n) = asked.recv().await {
            let mut values = Vec::with_capacity(n.min(4096) * names.len());
            let mut got = 0;
            while got < n {
                match rows.next().await {
                    Some(row) => {
                        decode_row(&row.map_err(map_err)?, names.len(), &types, &mut values)?
                    }
                    None => break,
                }
                got += 1;
            }
            let chunk = Rows {
                columns: names.clone(),
                values,
            };
            if sent.send(Ok(chunk)).await.is_err() || got < n {
                break;
            }
        }
        // No more rows wanted: read the rest off the socket so the connection can run the next
        // statement.
        while let Some(row) = rows.next().await {
            row.map_err(map_err)?;
        }
        Ok::<_, EngineError>(())
    }
    .await;
    if let Err(e) = outcome {
        let _ = sent.send(Err(e)).await;
    }
    conn
}
