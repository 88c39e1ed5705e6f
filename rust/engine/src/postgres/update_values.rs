//! A flush's executemany UPDATE on PostgreSQL as `UPDATE ... FROM (VALUES ...)` statements: a chunk
//! of rows per round trip instead of one statement per row (sqlx has no pipelining; psycopg's
//! executemany pipelines). Each VALUES parameter is cast to the type the server infers for the same
//! parameter of the plain UPDATE, so values convert exactly as they would there.

use std::fmt::Write;

/// Rows per statement: PostgreSQL allows 65,535 parameters; larger statements measured no faster.
const MAX_ROWS: usize = 1000;
const MAX_PARAMS: usize = 32_000;

pub(super) fn rows_per_statement(width: usize) -> usize {
    (MAX_PARAMS / width.max(1)).clamp(1, MAX_ROWS)
}

/// A type name as PostgreSQL reports it, safe to write after `::` unquoted (`INT4`, `VARCHAR`,
/// `TIMESTAMPTZ`, `INT4[]`, an enum `mood`); None for anything else (then no batching).
pub(super) fn cast_name(name: &str) -> Option<&str> {
    let base = name.strip_suffix("[]").unwrap_or(name);
    let plain = !base.is_empty()
        && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !base.starts_with(|c: char| c.is_ascii_digit());
    plain.then_some(name)
}

/// `UPDATE table SET c = v.p0, ... FROM (VALUES ($1::T, ...), ...) AS v(p0, ...) WHERE table.k =
/// v.pN AND ...`. `columns[i]` is parameter i's column (already quoted) and whether it is a key
/// (WHERE) rather than a value (SET); `casts[i]` its type name.
pub(super) fn values_sql(
    table: &str,
    columns: &[(String, bool)],
    casts: &[&str],
    rows: usize,
) -> String {
    let width = columns.len();
    let mut sql = format!("UPDATE {table} SET ");
    let mut first = true;
    for (i, (col, is_key)) in columns.iter().enumerate() {
        if !is_key {
            if !first {
                sql.push_str(", ");
            }
            first = false;
            let _ = write!(sql, "{col} = v.p{i}");
        }
    }
    sql.push_str(" FROM (VALUES ");
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for (i, cast) in casts.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let _ = write!(sql, "${}::{cast}", r * width + i + 1);
        }
        sql.push(')');
    }
    sql.push_str(") AS v(");
    for i in 0..width {
        if i > 0 {
            sql.push_str(", ");
        }
        let _ = write!(sql, "p{i}");
    }
    sql.push_str(") WHERE ");
    let mut first = true;
    for (i, (col, is_key)) in columns.iter().enumerate() {
        if *is_key {
            if !first {
                sql.push_str(" AND ");
            }
            first = false;
            let _ = write!(sql, "{table}.{col} = v.p{i}");
        }
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_set_values_and_key_match() {
        let cols = vec![("score".to_string(), false), ("id".to_string(), true)];
        assert_eq!(
            values_sql("users", &cols, &["FLOAT8", "INT4"], 2),
            "UPDATE users SET score = v.p0 FROM (VALUES ($1::FLOAT8, $2::INT4), ($3::FLOAT8, $4::INT4)) AS v(p0, p1) WHERE users.id = v.p1"
        );
    }

    #[test]
    fn cast_names_are_plain_identifiers() {
        assert_eq!(cast_name("INT4[]"), Some("INT4[]"));
        assert_eq!(cast_name("mood"), Some("mood"));
        assert_eq!(cast_name("my type"), None);
        assert_eq!(cast_name("\"Odd\""), None);
        assert_eq!(rows_per_statement(3), 1000);
        assert_eq!(rows_per_statement(100), 320);
    }
}
