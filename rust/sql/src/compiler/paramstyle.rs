//! Parameter placeholders as each DB-API driver spells them, for the SQL `stmt.compile()` shows:
//! SQLAlchemy prints what its driver would receive (`%(name)s::INTEGER` for psycopg, `%s` for
//! mysqlclient), while ferroalchemy's own drivers execute `$1` / `?`.

use crate::dialect::ParamStyle;
use crate::types::SqlType;

/// Brackets a placeholder while compiling in a percent paramstyle, so that every other `%` of the
/// SQL (modulo, LIKE patterns, text()) can be doubled afterwards, as those drivers require.
pub(crate) const OPEN: char = '\u{1}';
pub(crate) const CLOSE: char = '\u{2}';

pub(crate) fn uses_percent(style: ParamStyle) -> bool {
    matches!(style, ParamStyle::Pyformat | ParamStyle::Format)
}

/// Appends the placeholder of the `n`-th parameter (1-based) named `name`.
pub(crate) fn push_placeholder(sql: &mut String, style: ParamStyle, name: &str, n: usize) {
    match style {
        ParamStyle::Named => {
            sql.push(':');
            sql.push_str(name);
        }
        ParamStyle::Qmark => sql.push('?'),
        ParamStyle::Numeric => {
            sql.push('$');
            sql.push_str(&n.to_string());
        }
        ParamStyle::Pyformat => {
            sql.push(OPEN);
            sql.push_str("%(");
            sql.push_str(name);
            sql.push_str(")s");
            sql.push(CLOSE);
        }
        ParamStyle::Format => {
            sql.push(OPEN);
            sql.push_str("%s");
            sql.push(CLOSE);
        }
    }
}

/// The `::TYPE` psycopg and asyncpg get after a parameter of this type (SQLAlchemy's
/// `render_bind_cast` types; a VARCHAR cast drops its length). None: no cast.
pub(crate) fn pg_bind_cast(ty: &SqlType) -> Option<&'static str> {
    Some(match ty {
        SqlType::Integer => "INTEGER",
        SqlType::SmallInteger => "SMALLINT",
        SqlType::BigInteger => "BIGINT",
        SqlType::String(_) | SqlType::Text => "VARCHAR",
        SqlType::Date => "DATE",
        SqlType::Time => "TIME WITHOUT TIME ZONE",
        SqlType::DateTime { timezone: true } => "TIMESTAMP WITH TIME ZONE",
        SqlType::DateTime { timezone: false } => "TIMESTAMP WITHOUT TIME ZONE",
        SqlType::Uuid { .. } => "UUID",
        SqlType::Json => "JSON",
        _ => return None,
    })
}

/// Doubles each `%` outside the placeholders and drops the placeholder brackets.
pub(crate) fn finish_percent_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut inside = false;
    for ch in sql.chars() {
        match ch {
            OPEN => inside = true,
            CLOSE => inside = false,
            '%' if !inside => out.push_str("%%"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percents_outside_placeholders_are_doubled() {
        let mut sql = String::from("a % ");
        push_placeholder(&mut sql, ParamStyle::Pyformat, "x_1", 1);
        sql.push_str(" LIKE '%'");
        assert_eq!(finish_percent_sql(&sql), "a %% %(x_1)s LIKE '%%'");
    }
}
