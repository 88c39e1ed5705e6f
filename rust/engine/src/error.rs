//! Driver errors, classified the way PEP 249 (and so SQLAlchemy's wrappers) classify them.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Integrity,
    Operational,
    Programming,
    Data,
    Interface,
    Internal,
    NotSupported,
    Database,
    /// The pool had no connection within pool_timeout.
    PoolTimeout,
    /// The URL or an option is malformed.
    Argument,
}

#[derive(Clone, Debug)]
pub struct EngineError {
    pub kind: ErrorKind,
    pub message: String,
    /// SQLite's extended result code and its name (`sqlite_errorcode`, `sqlite_errorname`).
    pub sqlite_code: Option<(i32, String)>,
    /// The SQLSTATE for server databases (`pgcode`).
    pub sqlstate: Option<String>,
    /// The connection is gone (server closed it, network failure): SQLAlchemy's `is_disconnect`,
    /// which invalidates the pooled connection instead of returning it.
    pub disconnect: bool,
}

impl EngineError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        EngineError {
            kind,
            message: message.into(),
            sqlite_code: None,
            sqlstate: None,
            disconnect: false,
        }
    }

    /// Marks the error as a lost connection.
    pub fn disconnected(mut self) -> Self {
        self.disconnect = true;
        self
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EngineError {}
