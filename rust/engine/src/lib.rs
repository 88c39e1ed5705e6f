//! ferroalchemy's engine: URLs, connection pools, drivers behind one trait per backend,
//! transactions, bind encoding and row decoding. No pyo3 here.

pub mod arrow;
pub mod backend;
pub mod batch;
pub mod error;
pub mod mysql;
pub mod pool;
pub mod postgres;
pub mod rows;
pub mod runtime;
pub mod sqlite;
pub mod temporal;
pub mod url;

pub use backend::{Backend, CursorId, Outcome};
pub use error::{EngineError, ErrorKind};
pub use pool::{Checkout, Pool, PoolKind, PoolOptions, ResetOnReturn};
pub use rows::Rows;
pub use url::Url;
