//! Bound values as they travel from the bindings to a driver, and back from a driver as decoded rows.

use std::hash::{Hash, Hasher};

/// A calendar date, time or timestamp; kept as fields so each driver encodes it its own way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTimeParts {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub microsecond: u32,
    /// Offset from UTC in seconds, for time-zone-aware values.
    pub utc_offset: Option<i32>,
}

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Blob(Vec<u8>),
    Date(DateTimeParts),
    Time(DateTimeParts),
    DateTime(DateTimeParts),
    /// A decimal kept as its exact text form.
    Decimal(String),
    Uuid(u128),
}

impl Value {
    /// The type SQLAlchemy gives a plain Python value with nothing else to go by (`_literal_type`).
    pub fn literal_type(&self) -> crate::types::SqlType {
        use crate::types::SqlType;
        match self {
            Value::Null => SqlType::Null,
            Value::Bool(_) => SqlType::Boolean,
            Value::Int(_) => SqlType::Integer,
            Value::Float(_) => SqlType::Float,
            Value::Text(_) => SqlType::String(None),
            Value::Blob(_) => SqlType::LargeBinary,
            Value::Date(_) => SqlType::Date,
            Value::Time(_) => SqlType::Time,
            Value::DateTime(p) => SqlType::DateTime {
                timezone: p.utc_offset.is_some(),
            },
            Value::Decimal(_) => SqlType::Numeric {
                precision: None,
                scale: None,
                as_decimal: true,
            },
            Value::Uuid(_) => SqlType::Uuid { native: false },
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

// Values are identity-key material: equality is by content, floats by bit pattern so Hash agrees with Eq.
impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        use Value::*;
        match (self, other) {
            (Null, Null) => true,
            (Bool(a), Bool(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => a.to_bits() == b.to_bits(),
            (Text(a), Text(b)) => a == b,
            (Blob(a), Blob(b)) => a == b,
            (Date(a), Date(b)) | (Time(a), Time(b)) | (DateTime(a), DateTime(b)) => a == b,
            (Decimal(a), Decimal(b)) => a == b,
            (Uuid(a), Uuid(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Value {}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Value::Null => {}
            Value::Bool(b) => b.hash(state),
            Value::Int(i) => i.hash(state),
            Value::Float(f) => f.to_bits().hash(state),
            Value::Text(s) | Value::Decimal(s) => s.hash(state),
            Value::Blob(b) => b.hash(state),
            Value::Date(p) | Value::Time(p) | Value::DateTime(p) => p.hash(state),
            Value::Uuid(u) => u.hash(state),
        }
    }
}
