//! Values to and from PostgreSQL's binary wire formats. Parameters are encoded for the type the
//! server inferred for each placeholder (as asyncpg does), so `WHERE id = $1` gets an int4 and a
//! NUMERIC column gets a numeric, whatever Python type carried the value.

use chrono::{NaiveDate, NaiveTime};
use ferro_sql::value::DateTimeParts;
use ferro_sql::{SqlType, Value};
use sqlx::postgres::{PgTypeInfo, PgTypeKind};
use sqlx::TypeInfo;

use super::numeric;
use crate::error::{EngineError, ErrorKind};
use crate::rows::{format_uuid, shape};
use crate::temporal::{self, MICROS_PER_DAY};

pub const BOOL: u32 = 16;
pub const CHAR: u32 = 18;
pub const BYTEA: u32 = 17;
pub const NAME: u32 = 19;
pub const INT8: u32 = 20;
pub const INT2: u32 = 21;
pub const INT4: u32 = 23;
pub const TEXT: u32 = 25;
pub const OID: u32 = 26;
pub const JSON: u32 = 114;
pub const XML: u32 = 142;
pub const FLOAT4: u32 = 700;
pub const FLOAT8: u32 = 701;
pub const UNKNOWN: u32 = 705;
pub const BPCHAR: u32 = 1042;
pub const VARCHAR: u32 = 1043;
pub const DATE: u32 = 1082;
pub const TIME: u32 = 1083;
pub const TIMESTAMP: u32 = 1114;
pub const TIMESTAMPTZ: u32 = 1184;
pub const TIMETZ: u32 = 1266;
pub const NUMERIC: u32 = 1700;
pub const UUID: u32 = 2950;
pub const VOID: u32 = 2278;
pub const JSONB: u32 = 3802;
pub const INTERVAL: u32 = 1186;

pub(super) fn oid(ty: &PgTypeInfo) -> u32 {
    ty.oid().map_or(0, |o| o.0)
}

fn is_textual(ty: &PgTypeInfo) -> bool {
    matches!(
        oid(ty),
        TEXT | VARCHAR | BPCHAR | NAME | CHAR | UNKNOWN | JSON | XML
    ) || matches!(ty.kind(), PgTypeKind::Enum(_))
}

/// Days from 1970-01-01 to 2000-01-01: PostgreSQL counts dates and timestamps from the latter.
const PG_EPOCH_DAYS: i64 = 10_957;
const PG_EPOCH_MICROS: i64 = PG_EPOCH_DAYS * MICROS_PER_DAY;

fn pg_days(p: &DateTimeParts) -> Option<i32> {
    i32::try_from(temporal::unix_days(p)? - PG_EPOCH_DAYS).ok()
}

/// Microseconds since 2000-01-01; aware values are shifted to UTC, naive ones taken as UTC.
fn pg_micros(p: &DateTimeParts) -> Option<i64> {
    temporal::unix_micros(p)?.checked_sub(PG_EPOCH_MICROS)
}

fn mismatch(index: usize, v: &Value, ty: &PgTypeInfo) -> EngineError {
    EngineError::new(
        ErrorKind::Programming,
        format!(
            "invalid input for query argument ${}: {} (expected a value for type {})",
            index + 1,
            describe(v),
            ty.name()
        ),
    )
}

fn describe(v: &Value) -> String {
    match v {
        Value::Text(s) => format!("{s:?}"),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Decimal(d) => d.clone(),
        other => format!("{other:?}"),
    }
}

fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(i64::from(*b)),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(*f as i64),
        Value::Decimal(d) => d.parse().ok(),
        _ => None,
    }
}

fn float_of(v: &Value) -> Option<f64> {
    match v {
        Value::Float(f) => Some(*f),
        Value::Int(i) => Some(*i as f64),
        Value::Decimal(d) => d.parse().ok(),
        _ => None,
    }
}

/// Whether `encode` writes a text value for `ty` (the types it has a wire format for).
pub fn takes_text(ty: &PgTypeInfo) -> bool {
    matches!(ty.kind(), PgTypeKind::Array(_))
        || matches!(oid(ty), NUMERIC | BYTEA | JSONB | UUID)
        || is_textual(ty)
}

/// One parameter's bytes for the server's type; None is SQL NULL.
pub fn encode(index: usize, v: &Value, ty: &PgTypeInfo) -> Result<Option<Vec<u8>>, EngineError> {
    if v.is_null() {
        return Ok(None);
    }
    let bad = || mismatch(index, v, ty);
    if let PgTypeKind::Array(elem) = ty.kind() {
        return match v {
            Value::Array(items) => super::array::encode(index, items, elem).map(Some),
            _ => Err(bad()),
        };
    }
    let bytes = match oid(ty) {
        BOOL => match v {
            Value::Bool(b) => vec![u8::from(*b)],
            Value::Int(i @ (0 | 1)) => vec![*i as u8],
            _ => return Err(bad()),
        },
        INT2 => i16::try_from(int_of(v).ok_or_else(bad)?)
            .map_err(|_| bad())?
            .to_be_bytes()
            .to_vec(),
        INT4 => i32::try_from(int_of(v).ok_or_else(bad)?)
            .map_err(|_| bad())?
            .to_be_bytes()
            .to_vec(),
        INT8 => int_of(v).ok_or_else(bad)?.to_be_bytes().to_vec(),
        OID => u32::try_from(int_of(v).ok_or_else(bad)?)
            .map_err(|_| bad())?
            .to_be_bytes()
            .to_vec(),
        FLOAT4 => (float_of(v).ok_or_else(bad)? as f32).to_be_bytes().to_vec(),
        FLOAT8 => float_of(v).ok_or_else(bad)?.to_be_bytes().to_vec(),
        NUMERIC => {
            let text = match v {
                Value::Decimal(d) => d.clone(),
                Value::Int(i) => i.to_string(),
                Value::Float(f) if f.is_finite() => format!("{f:?}"),
                Value::Float(f) if f.is_nan() => "NaN".into(),
                Value::Float(f) => if *f > 0.0 { "Infinity" } else { "-Infinity" }.into(),
                _ => return Err(bad()),
            };
            numeric::encode(&text).ok_or_else(bad)?
        }
        BYTEA => match v {
            Value::Blob(b) => b.clone(),
            _ => return Err(bad()),
        },
        JSONB => match v {
            Value::Text(s) => [&[1u8][..], s.as_bytes()].concat(),
            _ => return Err(bad()),
        },
        DATE => match v {
            Value::Date(p) | Value::DateTime(p) => {
                pg_days(p).ok_or_else(bad)?.to_be_bytes().to_vec()
            }
            _ => return Err(bad()),
        },
        TIME => match v {
            Value::Time(p) => temporal::time_micros(p).to_be_bytes().to_vec(),
            _ => return Err(bad()),
        },
        TIMETZ => match v {
            Value::Time(p) => {
                // The zone goes on the wire as seconds west of UTC.
                let west = -p.utc_offset.unwrap_or(0);
                [
                    &temporal::time_micros(p).to_be_bytes()[..],
                    &west.to_be_bytes()[..],
                ]
                .concat()
            }
            _ => return Err(bad()),
        },
        TIMESTAMP | TIMESTAMPTZ => match v {
            Value::DateTime(p) | Value::Date(p) => {
                pg_micros(p).ok_or_else(bad)?.to_be_bytes().to_vec()
            }
            _ => return Err(bad()),
        },
        // psycopg's timedelta: days and microseconds, no months.
        INTERVAL => match v {
            Value::Interval(micros) => {
                let days = micros.div_euclid(MICROS_PER_DAY);
                let rest = micros.rem_euclid(MICROS_PER_DAY);
                [
                    &rest.to_be_bytes()[..],
                    &i32::try_from(days).map_err(|_| bad())?.to_be_bytes()[..],
                    &0i32.to_be_bytes()[..],
                ]
                .concat()
            }
            _ => return Err(bad()),
        },
        UUID => match v {
            Value::Uuid(u) => u.to_be_bytes().to_vec(),
            Value::Text(s) => u128::from_str_radix(&s.replace('-', ""), 16)
                .map_err(|_| bad())?
                .to_be_bytes()
                .to_vec(),
            _ => return Err(bad()),
        },
        _ if is_textual(ty) => match v {
            Value::Text(s) => s.as_bytes().to_vec(),
            Value::Uuid(u) => format_uuid(*u).into_bytes(),
            _ => return Err(bad()),
        },
        _ => {
            return Err(EngineError::new(
                ErrorKind::NotSupported,
                format!(
                    "ferroalchemy: sending a value for PostgreSQL type {} is not implemented yet",
                    ty.name()
                ),
            ))
        }
    };
    Ok(Some(bytes))
}

fn be<const N: usize>(buf: &[u8]) -> Option<[u8; N]> {
    buf.get(..N).and_then(|b| b.try_into().ok())
}

fn date_parts(days: i32) -> Option<DateTimeParts> {
    temporal::from_unix_days(i64::from(days) + PG_EPOCH_DAYS)
}

/// A time of day starts from here; its date fields are not read.
fn midnight() -> DateTimeParts {
    temporal::parts(NaiveDate::default(), NaiveTime::MIN)
}

fn timestamp_parts(micros: i64) -> Option<DateTimeParts> {
    temporal::from_unix_micros(micros.checked_add(PG_EPOCH_MICROS)?)
}

/// One result value from its binary form, then shaped by the column's declared type where the
/// statement knows it (a Float column reading NUMERIC gives floats, as SQLAlchemy's does).
pub fn decode(buf: &[u8], ty: &PgTypeInfo, declared: &SqlType) -> Result<Value, EngineError> {
    if let PgTypeKind::Array(_) = ty.kind() {
        return Ok(shape(super::array::decode(buf, declared)?, declared));
    }
    decode_oid(buf, oid(ty), is_textual(ty), ty.name(), declared)
}

/// `decode` by type oid (an array's elements come with their oid only); `textual`: the server
/// sends the value as text (text types, enums).
pub(super) fn decode_oid(
    buf: &[u8],
    type_oid: u32,
    textual: bool,
    name: &str,
    declared: &SqlType,
) -> Result<Value, EngineError> {
    let bad = || {
        EngineError::new(
            ErrorKind::Data,
            format!("could not decode a value of PostgreSQL type {name}"),
        )
    };
    let v = match type_oid {
        // What `SELECT pg_sleep(1)` and other void functions return.
        VOID => Value::Null,
        BOOL => Value::Bool(buf.first().ok_or_else(bad)? != &0),
        INT2 => Value::Int(i16::from_be_bytes(be(buf).ok_or_else(bad)?).into()),
        INT4 => Value::Int(i32::from_be_bytes(be(buf).ok_or_else(bad)?).into()),
        INT8 => Value::Int(i64::from_be_bytes(be(buf).ok_or_else(bad)?)),
        OID => Value::Int(u32::from_be_bytes(be(buf).ok_or_else(bad)?).into()),
        FLOAT4 => Value::Float(f32::from_be_bytes(be(buf).ok_or_else(bad)?).into()),
        FLOAT8 => Value::Float(f64::from_be_bytes(be(buf).ok_or_else(bad)?)),
        NUMERIC => Value::Decimal(numeric::decode(buf).ok_or_else(bad)?),
        BYTEA => Value::Blob(buf.to_vec()),
        JSONB => Value::Text(
            String::from_utf8(buf.get(1..).ok_or_else(bad)?.to_vec()).map_err(|_| bad())?,
        ),
        DATE => {
            let days = i32::from_be_bytes(be(buf).ok_or_else(bad)?);
            Value::Date(date_parts(days).ok_or_else(bad)?)
        }
        TIME => Value::Time(temporal::with_time(
            midnight(),
            i64::from_be_bytes(be(buf).ok_or_else(bad)?),
        )),
        TIMETZ => {
            let mut p = midnight();
            p = temporal::with_time(p, i64::from_be_bytes(be(buf).ok_or_else(bad)?));
            let west = i32::from_be_bytes(be(buf.get(8..).ok_or_else(bad)?).ok_or_else(bad)?);
            p.utc_offset = Some(-west);
            Value::Time(p)
        }
        TIMESTAMP => Value::DateTime(
            timestamp_parts(i64::from_be_bytes(be(buf).ok_or_else(bad)?)).ok_or_else(bad)?,
        ),
        TIMESTAMPTZ => {
            let mut p =
                timestamp_parts(i64::from_be_bytes(be(buf).ok_or_else(bad)?)).ok_or_else(bad)?;
            p.utc_offset = Some(0);
            Value::DateTime(p)
        }
        UUID => Value::Uuid(u128::from_be_bytes(be(buf).ok_or_else(bad)?)),
        INTERVAL => {
            let micros = i64::from_be_bytes(be(buf).ok_or_else(bad)?);
            let days = i32::from_be_bytes(be(buf.get(8..).ok_or_else(bad)?).ok_or_else(bad)?);
            let months = i32::from_be_bytes(be(buf.get(12..).ok_or_else(bad)?).ok_or_else(bad)?);
            // As psycopg reads a month: 30 days, a year 365.
            let (years, months) = (i64::from(months) / 12, i64::from(months) % 12);
            let days = i64::from(days) + 30 * months + 365 * years;
            Value::Interval(
                days.checked_mul(MICROS_PER_DAY)
                    .and_then(|d| d.checked_add(micros))
                    .ok_or_else(bad)?,
            )
        }
        TEXT | VARCHAR | BPCHAR | NAME | CHAR | UNKNOWN | JSON | XML => {
            Value::Text(String::from_utf8(buf.to_vec()).map_err(|_| bad())?)
        }
        _ if textual => Value::Text(String::from_utf8(buf.to_vec()).map_err(|_| bad())?),
        _ => {
            return Err(EngineError::new(
                ErrorKind::NotSupported,
                format!("ferroalchemy: reading PostgreSQL type {name} is not implemented yet"),
            ))
        }
    };
    Ok(shape(v, declared))
}
