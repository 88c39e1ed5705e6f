//! Golden type names in DDL per dialect (default string compiler, SQLite, PostgreSQL, MySQL), and
//! PostgreSQL's CREATE TYPE / DROP TYPE for native enums.
//!
//! Every expected string is SQLAlchemy 2.1.9's `t.compile(dialect=...)` (`str(t)` for the default
//! compiler); "!" marks a dialect where SQLAlchemy raises UnsupportedCompilationError.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use ferro_sql::compiler::type_ddl;
use ferro_sql::ddl::Ddl;
use ferro_sql::types::TypeName;
use ferro_sql::value::Opaque;
use ferro_sql::{compile, CompileError, Dialect, SqlType, Statement};

const DIALECTS: [Dialect; 4] = [
    Dialect::Default,
    Dialect::Sqlite,
    Dialect::Postgresql,
    Dialect::Mysql,
];

fn check(ty: SqlType, expected: [&str; 4]) {
    for (d, want) in DIALECTS.iter().zip(expected) {
        match type_ddl(&ty, *d) {
            Ok(got) => assert_eq!(got, want, "{ty:?} on {d:?}"),
            Err(CompileError::UnsupportedElement(_)) => assert_eq!(want, "!", "{ty:?} on {d:?}"),
            Err(e) => panic!("{ty:?} on {d:?}: {e}"),
        }
    }
}

fn named(name: TypeName, base: SqlType) -> SqlType {
    SqlType::Named {
        name,
        base: Box::new(base),
    }
}

fn mood(native: bool, length: u32) -> SqlType {
    SqlType::Enum {
        name: Some("mood".into()),
        values: vec!["happy".into(), "so_so".into()],
        length,
        native,
    }
}

fn array(item: SqlType, dimensions: Option<u32>) -> SqlType {
    SqlType::Array {
        item: Box::new(item),
        dimensions,
    }
}

#[test]
fn json_uuid_interval() {
    check(SqlType::Json, ["JSON", "JSON", "JSON", "JSON"]);
    check(SqlType::Jsonb, ["JSONB", "JSONB", "JSONB", "!"]);
    let uuid = |native| SqlType::Uuid {
        native,
        as_uuid: false,
    };
    check(uuid(true), ["UUID", "UUID", "UUID", "UUID"]);
    check(uuid(false), ["CHAR(32)", "CHAR(32)", "UUID", "CHAR(32)"]);
    check(
        SqlType::Interval,
        ["DATETIME", "DATETIME", "INTERVAL", "DATETIME"],
    );
}

#[test]
fn arrays() {
    check(
        array(SqlType::Integer, None),
        ["ARRAY", "!", "INTEGER[]", "!"],
    );
    check(
        array(SqlType::String(Some(5)), None),
        ["ARRAY", "!", "VARCHAR(5)[]", "!"],
    );
    check(
        array(SqlType::Integer, Some(2)),
        ["ARRAY", "!", "INTEGER[][]", "!"],
    );
}

#[test]
fn enums() {
    check(
        mood(true, 5),
        ["VARCHAR(5)", "VARCHAR(5)", "mood", "ENUM('happy','so_so')"],
    );
    check(
        mood(false, 5),
        ["VARCHAR(5)", "VARCHAR(5)", "VARCHAR(5)", "VARCHAR(5)"],
    );
    check(
        mood(false, 20),
        ["VARCHAR(20)", "VARCHAR(20)", "VARCHAR(20)", "VARCHAR(20)"],
    );
    let quoted = SqlType::Enum {
        name: Some("My Mood".into()),
        values: vec!["a".into(), "b".into()],
        length: 1,
        native: true,
    };
    check(
        quoted,
        ["VARCHAR(1)", "VARCHAR(1)", "\"My Mood\"", "ENUM('a','b')"],
    );
}

#[test]
fn upper_case_names() {
    let s = SqlType::String;
    check(
        named(TypeName::Char(Some(3)), s(Some(3))),
        ["CHAR(3)", "CHAR(3)", "CHAR(3)", "CHAR(3)"],
    );
    check(
        named(TypeName::NChar(Some(4)), s(Some(4))),
        ["NCHAR(4)", "NCHAR(4)", "NCHAR(4)", "NATIONAL CHAR(4)"],
    );
    check(
        named(TypeName::NVarchar(Some(10)), s(Some(10))),
        [
            "NVARCHAR(10)",
            "NVARCHAR(10)",
            "NVARCHAR(10)",
            "NATIONAL VARCHAR(10)",
        ],
    );
    check(
        named(TypeName::Real, SqlType::Float),
        ["REAL", "REAL", "REAL", "REAL"],
    );
    check(
        named(TypeName::Double, SqlType::Double),
        ["DOUBLE", "DOUBLE", "DOUBLE", "DOUBLE"],
    );
    check(
        named(TypeName::DoublePrecision, SqlType::Double),
        [
            "DOUBLE PRECISION",
            "DOUBLE PRECISION",
            "DOUBLE PRECISION",
            "DOUBLE PRECISION",
        ],
    );
    let dec = SqlType::Numeric {
        precision: Some(10),
        scale: Some(2),
        as_decimal: true,
    };
    check(
        named(
            TypeName::Decimal {
                precision: Some(10),
                scale: Some(2),
            },
            dec,
        ),
        [
            "DECIMAL(10, 2)",
            "DECIMAL(10, 2)",
            "DECIMAL(10, 2)",
            "DECIMAL(10, 2)",
        ],
    );
    let dt = |timezone| SqlType::DateTime { timezone };
    check(
        named(TypeName::Timestamp { timezone: false }, dt(false)),
        [
            "TIMESTAMP",
            "TIMESTAMP",
            "TIMESTAMP WITHOUT TIME ZONE",
            "TIMESTAMP",
        ],
    );
    check(
        named(TypeName::Timestamp { timezone: true }, dt(true)),
        [
            "TIMESTAMP",
            "TIMESTAMP",
            "TIMESTAMP WITH TIME ZONE",
            "TIMESTAMP",
        ],
    );
    check(
        named(TypeName::Datetime, dt(false)),
        ["DATETIME", "DATETIME", "DATETIME", "DATETIME"],
    );
    check(
        named(TypeName::Clob, SqlType::Text),
        ["CLOB", "CLOB", "CLOB", "CLOB"],
    );
    check(
        named(TypeName::Blob, SqlType::LargeBinary),
        ["BLOB", "BLOB", "BLOB", "BLOB"],
    );
    check(
        named(TypeName::Binary(Some(4)), SqlType::LargeBinary),
        ["BINARY(4)", "BINARY(4)", "BINARY(4)", "BINARY(4)"],
    );
    check(
        named(TypeName::VarBinary(Some(4)), SqlType::LargeBinary),
        [
            "VARBINARY(4)",
            "VARBINARY(4)",
            "VARBINARY(4)",
            "VARBINARY(4)",
        ],
    );
    check(
        named(TypeName::Text(Some(100)), SqlType::Text),
        ["TEXT(100)", "TEXT(100)", "TEXT(100)", "TEXT(100)"],
    );
    check(
        named(TypeName::Float(Some(10)), SqlType::Float),
        ["FLOAT", "FLOAT", "FLOAT(10)", "FLOAT(10)"],
    );
    check(
        named(TypeName::TimeTz, SqlType::Time),
        ["TIME", "TIME", "TIME WITH TIME ZONE", "TIME"],
    );
}

#[test]
fn collations() {
    let collated = |c: &str| SqlType::Collated {
        collation: c.into(),
        inner: Box::new(SqlType::String(Some(10))),
    };
    check(
        collated("C"),
        [
            "VARCHAR(10) COLLATE \"C\"",
            "VARCHAR(10) COLLATE \"C\"",
            "VARCHAR(10) COLLATE \"C\"",
            "VARCHAR(10) COLLATE C",
        ],
    );
    check(
        collated("utf8mb4_bin"),
        [
            "VARCHAR(10) COLLATE utf8mb4_bin",
            "VARCHAR(10) COLLATE utf8mb4_bin",
            "VARCHAR(10) COLLATE utf8mb4_bin",
            "VARCHAR(10) COLLATE utf8mb4_bin",
        ],
    );
}

#[test]
fn variants_and_processors_render_their_implementation() {
    let variant = SqlType::Variant {
        default: Box::new(SqlType::String(Some(10))),
        variants: vec![(Dialect::Postgresql, SqlType::Text)],
    };
    check(
        variant.clone(),
        ["VARCHAR(10)", "VARCHAR(10)", "TEXT", "VARCHAR(10)"],
    );
    assert_eq!(variant.resolve(Dialect::Postgresql), SqlType::Text);
    assert_eq!(variant.storage(), &SqlType::String(Some(10)));
    let processed = SqlType::Processed {
        processor: Opaque::new(Arc::new(())),
        inner: Box::new(SqlType::LargeBinary),
    };
    check(processed.clone(), ["BLOB", "BLOB", "BYTEA", "BLOB"]);
    assert!(processed.has_processor());
    // Two processors never share a cache key, so never compiled statements.
    let other = SqlType::Processed {
        processor: Opaque::new(Arc::new(())),
        inner: Box::new(SqlType::LargeBinary),
    };
    assert_ne!(format!("{processed:?}"), format!("{other:?}"));
}

fn ddl_sql(ddl: Ddl) -> String {
    let st = Statement::Ddl(Arc::new(ddl));
    compile(&st, Dialect::Postgresql, &Default::default())
        .unwrap()
        .sql
}

#[test]
fn postgresql_enum_type_ddl() {
    assert_eq!(
        ddl_sql(Ddl::CreateEnumType {
            name: "My Mood".into(),
            schema: None,
            values: vec!["a".into(), "b's".into()],
        }),
        "CREATE TYPE \"My Mood\" AS ENUM ('a', 'b''s')"
    );
    assert_eq!(
        ddl_sql(Ddl::DropEnumType {
            name: "My Mood".into(),
            schema: None,
            if_exists: false,
        }),
        "DROP TYPE \"My Mood\""
    );
}
