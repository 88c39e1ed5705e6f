//! Type names in DDL, per dialect.

use super::CompileError;
use crate::dialect::Dialect;
use crate::types::{SqlType, TypeName};

fn unsupported(d: Dialect, what: &str) -> CompileError {
    CompileError::UnsupportedElement(format!(
        "Compiler <{}TypeCompiler> can't render element of type {what}",
        match d {
            Dialect::Sqlite => "SQLite",
            Dialect::Postgresql => "PG",
            Dialect::Mysql => "MySQL",
            Dialect::Default => "Generic",
        }
    ))
}

fn sized(name: &str, n: &Option<u32>) -> String {
    match n {
        Some(n) => format!("{name}({n})"),
        None => name.to_string(),
    }
}

fn named_ddl(name: &TypeName, d: Dialect) -> String {
    let national = if d == Dialect::Mysql {
        "NATIONAL "
    } else {
        "N"
    };
    match name {
        TypeName::Char(n) => sized("CHAR", n),
        TypeName::NChar(n) if d == Dialect::Mysql => sized("NATIONAL CHAR", n),
        TypeName::NChar(n) => sized("NCHAR", n),
        TypeName::NVarchar(n) => sized(&format!("{national}VARCHAR"), n),
        TypeName::Real => "REAL".into(),
        TypeName::DoublePrecision => "DOUBLE PRECISION".into(),
        TypeName::Double => "DOUBLE".into(),
        TypeName::Decimal { precision, scale } => match (precision, scale) {
            (Some(p), Some(s)) => format!("DECIMAL({p}, {s})"),
            (Some(p), None) => format!("DECIMAL({p})"),
            _ => "DECIMAL".into(),
        },
        TypeName::Timestamp { timezone: true } if d == Dialect::Postgresql => {
            "TIMESTAMP WITH TIME ZONE".into()
        }
        TypeName::Timestamp { .. } if d == Dialect::Postgresql => {
            "TIMESTAMP WITHOUT TIME ZONE".into()
        }
        TypeName::Timestamp { .. } => "TIMESTAMP".into(),
        TypeName::Datetime => "DATETIME".into(),
        TypeName::Clob => "CLOB".into(),
        TypeName::Blob => "BLOB".into(),
        TypeName::Binary(n) => sized("BINARY", n),
        TypeName::VarBinary(n) => sized("VARBINARY", n),
        TypeName::Text(n) => sized("TEXT", n),
        TypeName::Float(p) if matches!(d, Dialect::Postgresql | Dialect::Mysql) => {
            sized("FLOAT", p)
        }
        TypeName::Float(_) => "FLOAT".into(),
        TypeName::TimeTz if d == Dialect::Postgresql => "TIME WITH TIME ZONE".into(),
        TypeName::TimeTz => "TIME".into(),
    }
}

pub fn type_ddl(ty: &SqlType, d: Dialect) -> Result<String, CompileError> {
    Ok(match ty {
        SqlType::Null => return Err(CompileError::Unsupported(
            "Can't generate DDL for NullType(); did you forget to specify a type on this Column?"
                .into(),
        )),
        SqlType::Integer => "INTEGER".into(),
        SqlType::BigInteger => "BIGINT".into(),
        SqlType::SmallInteger => "SMALLINT".into(),
        SqlType::String(Some(n)) => format!("VARCHAR({n})"),
        SqlType::String(None) => {
            if d == Dialect::Mysql {
                return Err(CompileError::Unsupported(
                    "VARCHAR requires a length on dialect mysql".into(),
                ));
            }
            "VARCHAR".into()
        }
        SqlType::Text => "TEXT".into(),
        SqlType::Boolean => match d {
            Dialect::Mysql => "BOOL".into(),
            _ => "BOOLEAN".into(),
        },
        SqlType::Float => "FLOAT".into(),
        SqlType::Double => match d {
            Dialect::Postgresql => "DOUBLE PRECISION".into(),
            _ => "DOUBLE".into(),
        },
        SqlType::Numeric {
            precision, scale, ..
        } => match (precision, scale) {
            (Some(p), Some(s)) => format!("NUMERIC({p}, {s})"),
            (Some(p), None) => format!("NUMERIC({p})"),
            _ => "NUMERIC".into(),
        },
        SqlType::Date => "DATE".into(),
        SqlType::Time => match d {
            Dialect::Postgresql => "TIME WITHOUT TIME ZONE".into(),
            _ => "TIME".into(),
        },
        SqlType::DateTime { timezone } => match d {
            Dialect::Postgresql if *timezone => "TIMESTAMP WITH TIME ZONE".into(),
            Dialect::Postgresql => "TIMESTAMP WITHOUT TIME ZONE".into(),
            _ => "DATETIME".into(),
        },
        SqlType::LargeBinary => match d {
            Dialect::Postgresql => "BYTEA".into(),
            _ => "BLOB".into(),
        },
        SqlType::Json => "JSON".into(),
        SqlType::Jsonb if d == Dialect::Mysql => return Err(unsupported(d, "JSONB")),
        SqlType::Jsonb => "JSONB".into(),
        SqlType::Uuid { native, .. } => match d {
            Dialect::Postgresql => "UUID".into(),
            _ if *native => "UUID".into(),
            _ => "CHAR(32)".into(),
        },
        SqlType::Enum {
            name,
            values,
            length,
            native,
        } => match d {
            Dialect::Postgresql if *native => match name {
                Some(n) => d.quote_identifier(n),
                None => {
                    return Err(CompileError::Unsupported(
                        "PostgreSQL ENUM type requires a name.".into(),
                    ))
                }
            },
            Dialect::Mysql if *native => format!(
                "ENUM({})",
                values
                    .iter()
                    .map(|v| super::quote_string(v))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            _ => format!("VARCHAR({length})"),
        },
        SqlType::Interval => match d {
            Dialect::Postgresql => "INTERVAL".into(),
            _ => "DATETIME".into(),
        },
        SqlType::Array { item, dimensions } => match d {
            Dialect::Postgresql => format!(
                "{}{}",
                type_ddl(item, d)?,
                "[]".repeat(dimensions.unwrap_or(1).max(1) as usize)
            ),
            Dialect::Default => "ARRAY".into(),
            _ => return Err(unsupported(d, "ARRAY")),
        },
        SqlType::Named { name, .. } => named_ddl(name, d),
        // MySQL's type compiler writes the collation as given; the others quote it as a name.
        SqlType::Collated { collation, inner } => match d {
            Dialect::Mysql => format!("{} COLLATE {collation}", type_ddl(inner, d)?),
            _ => format!(
                "{} COLLATE {}",
                type_ddl(inner, d)?,
                d.quote_identifier(collation)
            ),
        },
        SqlType::Processed { inner, .. } => type_ddl(inner, d)?,
        SqlType::Variant { .. } => type_ddl(&ty.resolve(d), d)?,
    })
}
