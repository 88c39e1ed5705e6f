//! Values to and from MySQL's binary protocol. Parameters go as their own types (the server
//! converts on assignment and comparison); results are read by the type each value arrives with,
//! then shaped by the column's declared type (TINYINT(1) to bool for Boolean, CHAR(32) to UUID).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use ferro_sql::{SqlType, Value};
use sqlx::mysql::{MySqlArguments, MySqlRow};
use sqlx::{Arguments, Row, TypeInfo, ValueRef};

use crate::error::{EngineError, ErrorKind};
use crate::rows::shape;
use crate::temporal::{naive_date, naive_time, parts};

/// Adds parameter `index` to `args` in the type its value has.
pub fn bind(args: &mut MySqlArguments, index: usize, v: &Value) -> Result<(), EngineError> {
    let bad = || {
        EngineError::new(
            ErrorKind::Data,
            format!("invalid value for query argument {}: {v:?}", index + 1),
        )
    };
    let added = match v {
        Value::Null => args.add(Option::<&str>::None),
        Value::Bool(b) => args.add(*b),
        Value::Int(i) => args.add(*i),
        Value::Float(f) => args.add(*f),
        Value::Text(s) => args.add(s.as_str()),
        Value::Blob(b) => args.add(b.as_slice()),
        // The server converts the exact text on assignment to DECIMAL.
        Value::Decimal(d) => args.add(d.as_str()),
        Value::Date(p) => args.add(naive_date(p).ok_or_else(bad)?),
        Value::Time(p) => args.add(naive_time(p).ok_or_else(bad)?),
        // Wall-clock time, as PyMySQL sends a datetime (MySQL's DATETIME has no zone).
        Value::DateTime(p) => args.add(NaiveDateTime::new(
            naive_date(p).ok_or_else(bad)?,
            naive_time(p).ok_or_else(bad)?,
        )),
        // SQLAlchemy's Uuid on MySQL: CHAR(32) of hexadecimal digits.
        Value::Uuid(u) => args.add(format!("{u:032x}")),
        // The bindings turn spans into DATETIMEs for MySQL; it has no arrays.
        Value::Interval(_) | Value::Array(_) | Value::Deferred(_) => return Err(bad()),
    };
    added.map_err(|e| EngineError::new(ErrorKind::Interface, e.to_string()))
}

/// Column `i` of `row` (not NULL) as a value.
pub fn decode(row: &MySqlRow, i: usize, declared: &SqlType) -> Result<Value, EngineError> {
    let raw = row.try_get_raw(i).map_err(super::map_err)?;
    let name = raw.type_info().name().to_owned();
    let get_err = |e: sqlx::Error| {
        EngineError::new(
            ErrorKind::Data,
            format!("could not read a MySQL {name} value: {e}"),
        )
    };
    let v = match name.as_str() {
        "BIGINT UNSIGNED" => {
            let u: u64 = row.try_get_unchecked(i).map_err(get_err)?;
            i64::try_from(u).map_or_else(|_| Value::Decimal(u.to_string()), Value::Int)
        }
        "BOOLEAN" | "TINYINT" | "SMALLINT" | "INT" | "MEDIUMINT" | "BIGINT" | "YEAR"
        | "TINYINT UNSIGNED" | "SMALLINT UNSIGNED" | "INT UNSIGNED" | "MEDIUMINT UNSIGNED" => {
            Value::Int(row.try_get_unchecked(i).map_err(get_err)?)
        }
        "FLOAT" | "DOUBLE" => Value::Float(row.try_get_unchecked(i).map_err(get_err)?),
        "DECIMAL" => Value::Decimal(
            row.try_get_unchecked::<&str, _>(i)
                .map_err(get_err)?
                .to_owned(),
        ),
        "DATE" => {
            let d: NaiveDate = row.try_get_unchecked(i).map_err(get_err)?;
            Value::Date(parts(d, NaiveTime::MIN))
        }
        "DATETIME" | "TIMESTAMP" => {
            let dt: NaiveDateTime = row.try_get_unchecked(i).map_err(get_err)?;
            Value::DateTime(parts(dt.date(), dt.time()))
        }
        "TIME" => {
            let t: NaiveTime = row.try_get_unchecked(i).map_err(get_err)?;
            Value::Time(parts(NaiveDate::MIN, t))
        }
        "BIT" => {
            let b: &[u8] = row.try_get_unchecked(i).map_err(get_err)?;
            Value::Int(b.iter().fold(0i64, |acc, x| (acc << 8) | i64::from(*x)))
        }
        n if n.contains("BLOB") || n == "BINARY" || n == "VARBINARY" || n == "GEOMETRY" => {
            let bytes = row
                .try_get_unchecked::<&[u8], _>(i)
                .map_err(get_err)?
                .to_vec();
            // The server flags text in a binary collation (MariaDB's JSON: LONGTEXT COLLATE
            // utf8mb4_bin) as binary; PyMySQL gives bytes only for the binary character set (63).
            // sqlx keeps the collation private; its Debug form shows it.
            if n != "GEOMETRY" && !format!("{:?}", raw.type_info()).contains("Collation(63)") {
                match String::from_utf8(bytes) {
                    Ok(s) => Value::Text(s),
                    Err(e) => Value::Blob(e.into_bytes()),
                }
            } else {
                Value::Blob(bytes)
            }
        }
        "NULL" => Value::Null,
        _ => Value::Text(
            row.try_get_unchecked::<&str, _>(i)
                .map_err(get_err)?
                .to_owned(),
        ),
    };
    Ok(shape(text_if_declared(v, declared), declared))
}

/// Bytes of a column declared as text: MySQL flags a binary collation (MariaDB's JSON is LONGTEXT
/// COLLATE utf8mb4_bin, its native UUID a binary string) like a binary string, so the declared
/// type decides, as the driver's charset check does for PyMySQL.
fn text_if_declared(v: Value, declared: &SqlType) -> Value {
    match (v, declared.storage()) {
        (
            Value::Blob(b),
            SqlType::String(_)
            | SqlType::Text
            | SqlType::Json
            | SqlType::Enum { .. }
            | SqlType::Uuid { .. },
        ) => match String::from_utf8(b) {
            Ok(s) => Value::Text(s),
            Err(e) => Value::Blob(e.into_bytes()),
        },
        (v, _) => v,
    }
}
