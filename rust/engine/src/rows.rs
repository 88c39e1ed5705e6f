//! Decoded result rows, stored flat (one allocation for the whole set).

use ferro_sql::{SqlType, Value};

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
/// TINYINT(1) gives booleans, a CHAR(32) read by a Uuid column gives a UUID.
pub fn shape(v: Value, declared: &SqlType) -> Value {
    match (v, declared) {
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
        (Value::Text(s), SqlType::Uuid { .. }) => {
            match u128::from_str_radix(&s.replace('-', ""), 16) {
                Ok(u) if s.len() >= 32 => Value::Uuid(u),
                _ => Value::Text(s),
            }
        }
        (v, _) => v,
    }
}
