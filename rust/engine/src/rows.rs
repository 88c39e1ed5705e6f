//! Decoded result rows, stored flat (one allocation for the whole set).

use ferro_sql::{SqlType, Value};

use crate::temporal;

#[derive(Debug, Default, Clone)]
pub struct Rows {
    pub columns: Vec<String>,
    pub values: Vec<Value>,
}

impl Rows {
    pub fn width(&self) -> usize {
        self.columns.len()
    }

    pub fn len(&self) -> usize {
        self.values.len().checked_div(self.width()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn row(&self, i: usize) -> &[Value] {
        let w = self.width();
        &self.values[i * w..(i + 1) * w]
    }
}

/// A decoded value converted as its column's declared result type asks, where the database's own
/// type says less: NUMERIC read by a Float column gives floats (and the reverse), MySQL's
/// TINYINT(1) gives booleans, a CHAR(32) read by a Uuid column gives a UUID, a DATETIME read by
/// an Interval column gives the span since the epoch (SQLAlchemy's Interval where there is no
/// INTERVAL type).
pub fn shape(v: Value, declared: &SqlType) -> Value {
    match (v, declared.storage()) {
        (Value::Decimal(d), SqlType::Float | SqlType::Double)
        | (
            Value::Decimal(d),
            SqlType::Numeric {
                as_decimal: false, ..
            },
        ) => d.parse().map_or(Value::Decimal(d), Value::Float),
        (
            Value::Float(f),
            SqlType::Numeric {
                as_decimal: true, ..
            },
        ) if f.is_finite() => Value::Decimal(format!("{f:?}")),
        (Value::Int(i), SqlType::Boolean) => Value::Bool(i != 0),
        (Value::Text(s), SqlType::Uuid { as_uuid, .. }) => {
            match u128::from_str_radix(&s.replace('-', ""), 16) {
                Ok(u) if s.len() >= 32 && *as_uuid => Value::Uuid(u),
                Ok(u) if s.len() >= 32 => Value::Text(format_uuid(u)),
                _ => Value::Text(s),
            }
        }
        (Value::Uuid(u), SqlType::Uuid { as_uuid: false, .. }) => Value::Text(format_uuid(u)),
        (Value::DateTime(p), SqlType::Interval) => match temporal::unix_micros(&p) {
            Some(m) => Value::Interval(m),
            None => Value::DateTime(p),
        },
        (Value::Array(items), SqlType::Array { item, .. }) => {
            Value::Array(items.into_iter().map(|v| shape(v, item)).collect())
        }
        (v, _) => v,
    }
}

/// A UUID in its 8-4-4-4-12 text form, as `str(uuid.UUID(...))` gives it.
pub fn format_uuid(u: u128) -> String {
    let h = format!("{u:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}
