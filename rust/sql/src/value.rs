//! Bound values as they travel from the bindings to a driver, and back from a driver as decoded rows.

use std::any::Any;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Something only the bindings understand (a Python object: a value waiting for its type's bind
/// processor, or a type's processors), carried through this crate untouched. Compared and hashed
/// by a process-unique id, never reused, so a cache key that includes it cannot match another's.
#[derive(Clone)]
pub struct Opaque {
    pub id: u64,
    pub obj: Arc<dyn Any + Send + Sync>,
}

static NEXT_OPAQUE: AtomicU64 = AtomicU64::new(1);

impl Opaque {
    pub fn new(obj: Arc<dyn Any + Send + Sync>) -> Self {
        Opaque {
            id: NEXT_OPAQUE.fetch_add(1, Ordering::Relaxed),
            obj,
        }
    }
}

impl fmt::Debug for Opaque {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Opaque({})", self.id)
    }
}

impl PartialEq for Opaque {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for Opaque {}

impl Hash for Opaque {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

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
    /// A time span in microseconds (Python's timedelta).
    Interval(i64),
    /// A PostgreSQL array, one dimension per nesting level.
    Array(Vec<Value>),
    /// A Python value whose type processes it when the statement runs (the dialect is known
    /// then): drivers never see one.
    Deferred(Opaque),
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
            Value::Uuid(_) => SqlType::Uuid {
                native: false,
                as_uuid: true,
            },
            Value::Interval(_) => SqlType::Interval,
            // Arrays and values waiting for their type's processor say nothing about a type.
            Value::Array(_) | Value::Deferred(_) => SqlType::Null,
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
            (Interval(a), Interval(b)) => a == b,
            (Array(a), Array(b)) => a == b,
            (Deferred(a), Deferred(b)) => a == b,
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
            Value::Interval(i) => i.hash(state),
            Value::Array(a) => a.hash(state),
            Value::Deferred(o) => o.hash(state),
        }
    }
}
