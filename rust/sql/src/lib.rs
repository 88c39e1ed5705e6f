//! ferroalchemy's SQL layer: an immutable, `Arc`-shared expression tree with structural cache keys,
//! a compiler with one small override set per dialect, DDL, and the compiled-statement cache.
//! No pyo3 and no driver here: the bindings and the engine build on this crate.

pub mod cache;
pub mod compiler;
pub mod ddl;
pub mod dialect;
pub mod expr;
pub mod key;
pub mod reserved;
pub mod stmt;
pub mod text;
pub mod types;
pub mod value;

pub use cache::StatementCache;
pub use compiler::{
    compile, compile_expression, compile_expression_with, CompileError, Compiled, ParamRef,
    ParamValue, ResultColumn,
};
pub use dialect::{Dialect, ParamStyle};
pub use expr::{BinOp, BoolOp, Expr, ExprKind, ExprRef, TableRef, UnaryOp};
pub use key::Key;
pub use stmt::{Delete, FromItem, Insert, Join, Select, Statement, Update};
pub use types::SqlType;
pub use value::Value;
