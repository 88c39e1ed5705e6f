//! Type names in DDL, per dialect.

use super::CompileError;
use crate::dialect::Dialect;
use crate::types::SqlType;

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
        SqlType::Uuid { native } => match d {
            Dialect::Postgresql => "UUID".into(),
            _ if *native => "UUID".into(),
            _ => "CHAR(32)".into(),
        },
        SqlType::Enum {
            name,
            values,
            length,
        } => match d {
            Dialect::Postgresql => name.clone().unwrap_or_else(|| "VARCHAR".into()),
            Dialect::Mysql => format!(
                "ENUM({})",
                values
                    .iter()
                    .map(|v| super::quote_string(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => format!("VARCHAR({length})"),
        },
    })
}
