//! DDL: table and index definitions as CREATE/DROP statements compile them.

use crate::key::{Key, KeyBuilder};
use crate::types::SqlType;

#[derive(Debug, Clone, Default)]
pub struct ColumnDef {
    pub name: String,
    pub ty: SqlType,
    pub nullable: bool,
    pub primary_key: bool,
    /// True when this is the table's single integer primary key and the database assigns it.
    pub autoincrement: bool,
    pub server_default: Option<ServerDefault>,
    pub comment: Option<String>,
    /// `Identity(...)`: `GENERATED ALWAYS|BY DEFAULT AS IDENTITY` where the dialect has it.
    pub identity: Option<Identity>,
    /// A `Sequence` gives the column its values: PostgreSQL then makes no SERIAL of it.
    pub sequence: bool,
    /// Column-level CHECK constraints, rendered in the column's own specification.
    pub checks: Vec<CheckDef>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityOptions {
    pub start: Option<i64>,
    pub increment: Option<i64>,
    pub minvalue: Option<i64>,
    pub maxvalue: Option<i64>,
    pub nominvalue: bool,
    pub nomaxvalue: bool,
    pub cache: Option<i64>,
    pub cycle: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub always: bool,
    pub options: IdentityOptions,
}

/// Which list the next table-level constraint comes from, in the order SQLAlchemy renders them
/// (creation order after the primary key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintKind {
    ForeignKey,
    Unique,
    Check,
}

/// `server_default=`: SQL text as given (`text("0")`, a quoted string), or an expression the
/// compiler renders for the dialect (`func.now()` is `CURRENT_TIMESTAMP` on SQLite).
#[derive(Debug, Clone)]
pub enum ServerDefault {
    Text(String),
    Expr(crate::ExprRef),
}

#[derive(Debug, Clone)]
pub struct ForeignKeyDef {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub ref_table: String,
    pub ref_schema: Option<String>,
    pub ref_columns: Vec<String>,
    pub ondelete: Option<String>,
    pub onupdate: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UniqueDef {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct CheckDef {
    pub name: Option<String>,
    pub sqltext: String,
}

#[derive(Debug, Clone, Default)]
pub struct TableDef {
    pub name: String,
    pub schema: Option<String>,
    pub columns: Vec<ColumnDef>,
    pub primary_key: Vec<String>,
    pub primary_key_name: Option<String>,
    pub uniques: Vec<UniqueDef>,
    pub foreign_keys: Vec<ForeignKeyDef>,
    pub checks: Vec<CheckDef>,
    /// The interleaving of foreign keys, uniques and checks; empty: all FKs, then uniques, then checks.
    pub constraint_order: Vec<ConstraintKind>,
    /// MySQL's table options after the closing parenthesis (`ENGINE=InnoDB`, `COMMENT='...'`), in
    /// the order they render; other dialects render none.
    pub options: Vec<TableOption>,
}

/// One MySQL table option: `name` `joiner` `value`, the value quoted as a string literal or not.
#[derive(Debug, Clone, Default)]
pub struct TableOption {
    pub name: String,
    pub joiner: String,
    pub value: String,
    pub quoted: bool,
}

#[derive(Debug, Clone)]
pub struct IndexDef {
    pub name: String,
    pub table: String,
    pub schema: Option<String>,
    pub columns: Vec<String>,
    pub unique: bool,
}

#[derive(Debug, Clone)]
pub enum Ddl {
    CreateTable(TableDef),
    DropTable {
        name: String,
        schema: Option<String>,
        if_exists: bool,
    },
    CreateIndex(IndexDef),
    CreateSequence {
        name: String,
        schema: Option<String>,
        options: IdentityOptions,
    },
    DropSequence {
        name: String,
        schema: Option<String>,
    },
    DropIndex {
        name: String,
        /// The index's table: MySQL's DROP INDEX names it (`DROP INDEX ix ON t`).
        table: String,
        schema: Option<String>,
        if_exists: bool,
    },
    /// PostgreSQL's `CREATE TYPE name AS ENUM (...)`, which a native Enum column needs first.
    CreateEnumType {
        name: String,
        schema: Option<String>,
        values: Vec<String>,
    },
    DropEnumType {
        name: String,
        schema: Option<String>,
        if_exists: bool,
    },
}

impl Ddl {
    /// DDL runs once per table; keys only need to keep different statements apart in the cache.
    pub fn key(&self) -> Key {
        let mut kb = KeyBuilder::new("ddl");
        kb.str(&format!("{self:?}"));
        kb.finish()
    }
}
