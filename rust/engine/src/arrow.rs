//! Decoded rows as an Arrow record batch: the columnar form pyarrow, polars and duckdb read
//! without going through Python objects.
//!
//! Each column's Arrow type follows its values (rows carry the result types the engine decoded):
//! integers Int64, floats Float64 (integers among floats widen), booleans Boolean, text Utf8,
//! bytes Binary, dates Date32, times Time64(us), datetimes Timestamp(us) (UTC for aware ones),
//! decimals Decimal128 at the column's largest scale, UUIDs FixedSizeBinary(16), spans Duration(us); an all-NULL
//! column takes its declared result type, or is Null when the type is unknown.

use std::sync::Arc;

use arrow_array::builder::{
    BinaryBuilder, BooleanBuilder, Date32Builder, Decimal128Builder, DurationMicrosecondBuilder,
    FixedSizeBinaryBuilder, Float64Builder, Int64Builder, StringBuilder, Time64MicrosecondBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, NullArray, RecordBatch, RecordBatchOptions};
use arrow_schema::{ArrowError, DataType, Field, Schema, TimeUnit};
use ferro_sql::value::DateTimeParts;
use ferro_sql::{SqlType, Value};

use crate::{temporal, Rows};

const MAX_DECIMAL_PRECISION: u8 = 38;

/// The kind of value a column holds, widened as its values are scanned.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Null,
    Bool,
    Int,
    Float,
    Text,
    Blob,
    Date,
    Time,
    DateTime {
        aware: bool,
    },
    Decimal {
        scale: u8,
    },
    Uuid,
    Duration,
    /// Arrays and unprocessed values: no Arrow column for them yet.
    Unsupported,
}

fn kind_of(v: &Value) -> Kind {
    match v {
        Value::Null => Kind::Null,
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) => Kind::Int,
        Value::Float(_) => Kind::Float,
        Value::Text(_) => Kind::Text,
        Value::Blob(_) => Kind::Blob,
        Value::Date(_) => Kind::Date,
        Value::Time(_) => Kind::Time,
        Value::DateTime(p) => Kind::DateTime {
            aware: p.utc_offset.is_some(),
        },
        Value::Decimal(s) => Kind::Decimal {
            scale: decimal_scale(s),
        },
        Value::Uuid(_) => Kind::Uuid,
        Value::Interval(_) => Kind::Duration,
        Value::Array(_) | Value::Deferred(_) => Kind::Unsupported,
    }
}

/// The kind a declared result type gives, for a column whose values do not tell (all NULL) and for
/// a decimal column's scale.
fn declared_kind(ty: &SqlType) -> Kind {
    match ty.storage() {
        SqlType::Integer | SqlType::BigInteger | SqlType::SmallInteger => Kind::Int,
        SqlType::String(_) | SqlType::Text | SqlType::Enum { .. } => Kind::Text,
        SqlType::Boolean => Kind::Bool,
        SqlType::Float | SqlType::Double => Kind::Float,
        SqlType::Numeric {
            scale,
            as_decimal: true,
            ..
        } => Kind::Decimal {
            scale: scale.map_or(0, |s| u8::try_from(s).unwrap_or(u8::MAX)),
        },
        SqlType::Numeric { .. } => Kind::Float,
        SqlType::Date => Kind::Date,
        SqlType::Time => Kind::Time,
        SqlType::DateTime { timezone } => Kind::DateTime { aware: *timezone },
        SqlType::LargeBinary => Kind::Blob,
        SqlType::Interval => Kind::Duration,
        _ => Kind::Null,
    }
}

fn decimal_scale(s: &str) -> u8 {
    let frac = s.split_once('.').map_or(0, |(_, f)| f.len());
    u8::try_from(frac).unwrap_or(u8::MAX)
}

/// The one kind both values fit, or None when a column mixes kinds Arrow cannot hold together.
fn widen(a: Kind, b: Kind) -> Option<Kind> {
    use Kind::*;
    Some(match (a, b) {
        (Null, k) | (k, Null) => k,
        (x, y) if x == y => x,
        (Int, Float) | (Float, Int) => Float,
        (Int, Decimal { scale }) | (Decimal { scale }, Int) => Decimal { scale },
        (Decimal { scale: x }, Decimal { scale: y }) => Decimal { scale: x.max(y) },
        (DateTime { aware: x }, DateTime { aware: y }) => DateTime { aware: x || y },
        _ => return None,
    })
}

fn column_kind(rows: &Rows, col: usize, declared: Kind) -> Result<Kind, ArrowError> {
    let mut kind = Kind::Null;
    for i in 0..rows.len() {
        let v = &rows.row(i)[col];
        kind = widen(kind, kind_of(v)).ok_or_else(|| {
            ArrowError::InvalidArgumentError(format!(
                "column '{}' holds values of different types ({:?} and {:?}); an Arrow column has one type",
                rows.columns[col],
                kind,
                kind_of(v)
            ))
        })?;
    }
    kind = match (kind, declared) {
        (Kind::Null, d) => d,
        (Kind::Decimal { scale: x }, Kind::Decimal { scale: y }) => {
            Kind::Decimal { scale: x.max(y) }
        }
        (k, _) => k,
    };
    if kind == Kind::Unsupported {
        return Err(ArrowError::NotYetImplemented(format!(
            "ferroalchemy: Arrow export of column '{}' (arrays) is not implemented yet",
            rows.columns[col]
        )));
    }
    if let Kind::Decimal { scale } = kind {
        if scale > MAX_DECIMAL_PRECISION {
            return Err(ArrowError::InvalidArgumentError(format!(
                "column '{}' has decimals with {scale} fractional digits; Decimal128 holds at most {MAX_DECIMAL_PRECISION}",
                rows.columns[col]
            )));
        }
    }
    Ok(kind)
}

fn data_type(kind: Kind) -> DataType {
    match kind {
        Kind::Null => DataType::Null,
        Kind::Bool => DataType::Boolean,
        Kind::Int => DataType::Int64,
        Kind::Float => DataType::Float64,
        Kind::Text => DataType::Utf8,
        Kind::Blob => DataType::Binary,
        Kind::Date => DataType::Date32,
        Kind::Time => DataType::Time64(TimeUnit::Microsecond),
        Kind::DateTime { aware } => {
            DataType::Timestamp(TimeUnit::Microsecond, aware.then(|| "+00:00".into()))
        }
        Kind::Decimal { scale } => DataType::Decimal128(MAX_DECIMAL_PRECISION, scale as i8),
        Kind::Uuid => DataType::FixedSizeBinary(16),
        Kind::Duration => DataType::Duration(TimeUnit::Microsecond),
        Kind::Unsupported => DataType::Null,
    }
}

fn invalid(what: &str, v: &Value) -> ArrowError {
    ArrowError::InvalidArgumentError(format!("{what}: cannot convert {v:?}"))
}

fn days(p: &DateTimeParts) -> Result<i32, ArrowError> {
    temporal::unix_days(p)
        .and_then(|d| i32::try_from(d).ok())
        .ok_or_else(|| ArrowError::InvalidArgumentError(format!("invalid date {p:?}")))
}

fn timestamp_micros(p: &DateTimeParts) -> Result<i64, ArrowError> {
    temporal::unix_micros(p)
        .ok_or_else(|| ArrowError::InvalidArgumentError(format!("invalid timestamp {p:?}")))
}

/// A decimal's text as an integer at `scale` fractional digits.
fn decimal_units(s: &str, scale: u8) -> Option<i128> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty()
        || !(int.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut text = String::with_capacity(int.len() + scale as usize);
    text.push_str(int);
    text.push_str(frac);
    text.extend(std::iter::repeat_n(
        '0',
        (scale as usize).checked_sub(frac.len())?,
    ));
    let units: i128 = if text.is_empty() {
        0
    } else {
        text.parse().ok()?
    };
    Some(if neg { -units } else { units })
}

fn column(rows: &Rows, col: usize, kind: Kind) -> Result<ArrayRef, ArrowError> {
    let n = rows.len();
    let values = (0..n).map(|i| &rows.row(i)[col]);
    let name = &rows.columns[col];
    macro_rules! build {
        ($builder:expr, |$b:ident, $v:ident| $append:expr) => {{
            let mut $b = $builder;
            for $v in values {
                if $v.is_null() {
                    $b.append_null();
                } else {
                    $append;
                }
            }
            Arc::new($b.finish()) as ArrayRef
        }};
    }
    Ok(match kind {
        Kind::Null => Arc::new(NullArray::new(n)),
        Kind::Bool => build!(BooleanBuilder::with_capacity(n), |b, v| match v {
            Value::Bool(x) => b.append_value(*x),
            _ => return Err(invalid(name, v)),
        }),
        Kind::Int => build!(Int64Builder::with_capacity(n), |b, v| match v {
            Value::Int(x) => b.append_value(*x),
            _ => return Err(invalid(name, v)),
        }),
        Kind::Float => build!(Float64Builder::with_capacity(n), |b, v| match v {
            Value::Float(x) => b.append_value(*x),
            Value::Int(x) => b.append_value(*x as f64),
            _ => return Err(invalid(name, v)),
        }),
        Kind::Text => build!(StringBuilder::with_capacity(n, n * 16), |b, v| match v {
            Value::Text(x) => b.append_value(x),
            _ => return Err(invalid(name, v)),
        }),
        Kind::Blob => build!(BinaryBuilder::with_capacity(n, n * 16), |b, v| match v {
            Value::Blob(x) => b.append_value(x),
            _ => return Err(invalid(name, v)),
        }),
        Kind::Date => build!(Date32Builder::with_capacity(n), |b, v| match v {
            Value::Date(p) => b.append_value(days(p)?),
            _ => return Err(invalid(name, v)),
        }),
        Kind::Time => build!(Time64MicrosecondBuilder::with_capacity(n), |b, v| match v {
            Value::Time(p) => b.append_value(temporal::time_micros(p)),
            _ => return Err(invalid(name, v)),
        }),
        Kind::DateTime { aware } => build!(
            TimestampMicrosecondBuilder::with_capacity(n)
                .with_timezone_opt(aware.then_some("+00:00")),
            |b, v| match v {
                Value::DateTime(p) => b.append_value(timestamp_micros(p)?),
                _ => return Err(invalid(name, v)),
            }
        ),
        Kind::Decimal { scale } => build!(
            Decimal128Builder::with_capacity(n)
                .with_precision_and_scale(MAX_DECIMAL_PRECISION, scale as i8)?,
            |b, v| match v {
                Value::Decimal(s) =>
                    b.append_value(decimal_units(s, scale).ok_or_else(|| invalid(name, v))?),
                Value::Int(x) => b.append_value(
                    i128::from(*x)
                        .checked_mul(10i128.pow(u32::from(scale)))
                        .ok_or_else(|| invalid(name, v))?
                ),
                _ => return Err(invalid(name, v)),
            }
        ),
        Kind::Uuid => build!(
            FixedSizeBinaryBuilder::with_capacity(n, 16),
            |b, v| match v {
                Value::Uuid(u) => b.append_value(u.to_be_bytes())?,
                _ => return Err(invalid(name, v)),
            }
        ),
        Kind::Duration => build!(
            DurationMicrosecondBuilder::with_capacity(n),
            |b, v| match v {
                Value::Interval(x) => b.append_value(*x),
                _ => return Err(invalid(name, v)),
            }
        ),
        Kind::Unsupported => return Err(invalid(name, &Value::Null)),
    })
}

/// All rows as one record batch, one Arrow column per result column. `declared` holds the result
/// columns' types where the statement knows them (empty for driver SQL).
pub fn record_batch(rows: &Rows, declared: &[SqlType]) -> Result<RecordBatch, ArrowError> {
    let mut fields = Vec::with_capacity(rows.width());
    let mut arrays = Vec::with_capacity(rows.width());
    for col in 0..rows.width() {
        let kind = column_kind(
            rows,
            col,
            declared.get(col).map_or(Kind::Null, declared_kind),
        )?;
        fields.push(Field::new(
            rows.columns[col].as_str(),
            data_type(kind),
            true,
        ));
        arrays.push(column(rows, col, kind)?);
    }
    let options = RecordBatchOptions::new().with_row_count(Some(rows.len()));
    RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), arrays, &options)
}
