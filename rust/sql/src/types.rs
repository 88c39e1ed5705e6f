//! SQL types as the compiler and the row decoder see them. The Python type objects map onto these.

use crate::dialect::Dialect;
use crate::key::KeyBuilder;
use crate::value::Opaque;

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
    /// PostgreSQL's JSONB.
    Jsonb,
    /// `native`: the upper-case UUID type, named UUID in DDL everywhere; the generic Uuid is
    /// CHAR(32) where the database has no UUID type. `as_uuid`: results are `uuid.UUID` (else
    /// strings in the 8-4-4-4-12 form).
    Uuid {
        native: bool,
        as_uuid: bool,
    },
    Enum {
        name: Option<String>,
        values: Vec<String>,
        length: u32,
        /// A database ENUM type where there is one (PostgreSQL, MySQL); else VARCHAR.
        native: bool,
    },
    /// timedelta: INTERVAL on PostgreSQL, elsewhere a DATETIME holding the epoch plus the span.
    Interval,
    /// PostgreSQL arrays; `dimensions` only shapes the DDL (`INTEGER[][]`).
    Array {
        item: Box<SqlType>,
        dimensions: Option<u32>,
    },
    /// An upper-case SQL type whose DDL name is its own (`CHAR(3)`, `REAL`, `TIMESTAMP`), with
    /// the values of its generic `base`.
    Named {
        name: TypeName,
        base: Box<SqlType>,
    },
    /// A string type with `COLLATE name` in its DDL.
    Collated {
        collation: String,
        inner: Box<SqlType>,
    },
    /// A type whose values also pass through processors the bindings hold (a JSON serializer, an
    /// Enum's member lookup, a TypeDecorator's methods); `inner` is what the database stores.
    Processed {
        processor: Opaque,
        inner: Box<SqlType>,
    },
    /// Per-dialect implementations (`with_variant`, `TypeDecorator.load_dialect_impl`).
    Variant {
        default: Box<SqlType>,
        variants: Vec<(Dialect, SqlType)>,
    },
}

/// DDL names of SQLAlchemy's upper-case types where they differ from the generic type's.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeName {
    Char(Option<u32>),
    NChar(Option<u32>),
    NVarchar(Option<u32>),
    Real,
    DoublePrecision,
    /// `DOUBLE()`, which stays DOUBLE on PostgreSQL too.
    Double,
    Decimal {
        precision: Option<u32>,
        scale: Option<u32>,
    },
    Timestamp {
        timezone: bool,
    },
    Datetime,
    Clob,
    Blob,
    Binary(Option<u32>),
    VarBinary(Option<u32>),
    /// `Text(length)`: TEXT(n).
    Text(Option<u32>),
    /// `Float(precision)`: FLOAT(p) where the dialect keeps the precision.
    Float(Option<u32>),
    /// `Time(timezone=True)`.
    TimeTz,
}

impl SqlType {
    pub fn add_to_key(&self, kb: &mut KeyBuilder) {
        // Every node carries its type into its key, so the common types go in without the
        // allocation and formatting of their Debug text; a tag per variant keeps them apart.
        let opt = |n: &Option<u32>| n.map_or(0, |v| u64::from(v) + 1);
        match self {
            SqlType::Null => kb.u64(0x7001),
            SqlType::Integer => kb.u64(0x7002),
            SqlType::BigInteger => kb.u64(0x7003),
            SqlType::SmallInteger => kb.u64(0x7004),
            SqlType::String(n) => kb.u64(0x7005).u64(opt(n)),
            SqlType::Text => kb.u64(0x7006),
            SqlType::Boolean => kb.u64(0x7007),
            SqlType::Float => kb.u64(0x7008),
            SqlType::Double => kb.u64(0x7009),
            SqlType::Numeric {
                precision,
                scale,
                as_decimal,
            } => kb
                .u64(0x700a)
                .u64(opt(precision))
                .u64(opt(scale))
                .u64(u64::from(*as_decimal)),
            SqlType::Date => kb.u64(0x700b),
            SqlType::Time => kb.u64(0x700c),
            SqlType::DateTime { timezone } => kb.u64(0x700d).u64(u64::from(*timezone)),
            SqlType::LargeBinary => kb.u64(0x700e),
            // Debug text is stable within a build and covers every field that reaches the SQL.
            other => kb.u64(0x70ff).str(&format!("{other:?}")),
        };
    }

    pub fn is_integer(&self) -> bool {
        matches!(
            self.storage(),
            SqlType::Integer | SqlType::BigInteger | SqlType::SmallInteger
        )
    }

    /// The type whose values the database holds: what decoding and value coercion go by, without
    /// the DDL name, the processors or the dialect variants (their default) around it.
    pub fn storage(&self) -> &SqlType {
        match self {
            SqlType::Named { base: t, .. }
            | SqlType::Collated { inner: t, .. }
            | SqlType::Processed { inner: t, .. }
            | SqlType::Variant { default: t, .. } => t.storage(),
            t => t,
        }
    }

    /// This type on dialect `d`: every variant replaced by the implementation `d` uses.
    pub fn resolve(&self, d: Dialect) -> SqlType {
        match self {
            SqlType::Variant { default, variants } => variants
                .iter()
                .find(|(vd, _)| *vd == d)
                .map_or_else(|| default.resolve(d), |(_, t)| t.resolve(d)),
            SqlType::Processed { processor, inner } => SqlType::Processed {
                processor: processor.clone(),
                inner: Box::new(inner.resolve(d)),
            },
            SqlType::Array { item, dimensions } => SqlType::Array {
                item: Box::new(item.resolve(d)),
                dimensions: *dimensions,
            },
            t => t.clone(),
        }
    }

    /// Whether any value of this type goes through a processor of the bindings.
    pub fn has_processor(&self) -> bool {
        match self {
            SqlType::Processed { .. } => true,
            SqlType::Named { base: t, .. }
            | SqlType::Collated { inner: t, .. }
            | SqlType::Array { item: t, .. } => t.has_processor(),
            SqlType::Variant { default, variants } => {
                default.has_processor() || variants.iter().any(|(_, t)| t.has_processor())
            }
            _ => false,
        }
    }
}
