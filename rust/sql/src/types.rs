//! SQL types as the compiler and the row decoder see them. The Python type objects map onto these.

use crate::key::KeyBuilder;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum SqlType {
    /// No type known (text() columns, untyped literals): values pass through as the driver gives them.
    #[default]
    Null,
    Integer,
    BigInteger,
    SmallInteger,
    String(Option<u32>),
    Text,
    Boolean,
    Float,
    Double,
    Numeric {
        precision: Option<u32>,
        scale: Option<u32>,
        as_decimal: bool,
    },
    Date,
    Time,
    DateTime {
        timezone: bool,
    },
    LargeBinary,
    Json,
    /// `native`: the upper-case UUID type, named UUID in DDL everywhere; the generic Uuid is
    /// CHAR(32) where the database has no UUID type.
    Uuid {
        native: bool,
    },
    Enum {
        name: Option<String>,
        values: Vec<String>,
        length: u32,
    },
}

impl SqlType {
    pub fn add_to_key(&self, kb: &mut KeyBuilder) {
        // Debug text is stable within a build and covers every field that reaches the SQL.
        kb.str(&format!("{self:?}"));
    }

    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            SqlType::Integer | SqlType::BigInteger | SqlType::SmallInteger
        )
    }
}
