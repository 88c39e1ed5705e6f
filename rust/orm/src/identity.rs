//! Identity keys: (mapper, primary-key values), hashed from Rust values so duplicate rows of a join
//! find the object already built without touching Python.

use ferro_sql::Value;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IdentityKey {
    /// The identity map's id for the mapper's base (so subclasses share one key space).
    pub mapper_id: u64,
    pub pk: Vec<Value>,
}

impl IdentityKey {
    /// A key with a NULL in its primary key identifies nothing (SQLAlchemy skips such rows).
    pub fn is_complete(&self) -> bool {
        !self.pk.iter().any(Value::is_null)
    }
}
