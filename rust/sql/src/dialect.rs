//! The dialects the compiler knows, and what differs between them.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLAlchemy's default string compiler: what `str(stmt)` prints, with `:name` parameters.
    Default,
    Sqlite,
    Postgresql,
    Mysql,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamStyle {
    /// `:name`
    Named,
    /// `?`
    Qmark,
    /// `$1`
    Numeric,
    /// `%(name)s` (psycopg, psycopg2, PyMySQL): display only, ferroalchemy's drivers take none of these.
    Pyformat,
    /// `%s` (mysqlclient, pg8000): display only.
    Format,
}

impl ParamStyle {
    /// A DB-API `paramstyle` name (`numeric_dollar` is asyncpg's `$1`).
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "named" => ParamStyle::Named,
            "qmark" => ParamStyle::Qmark,
            "numeric_dollar" => ParamStyle::Numeric,
            "pyformat" => ParamStyle::Pyformat,
            "format" => ParamStyle::Format,
            _ => return None,
        })
    }
}

impl Dialect {
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "default" => Dialect::Default,
            "sqlite" => Dialect::Sqlite,
            "postgresql" | "postgres" => Dialect::Postgresql,
            "mysql" | "mariadb" => Dialect::Mysql,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Default => "default",
            Dialect::Sqlite => "sqlite",
            Dialect::Postgresql => "postgresql",
            Dialect::Mysql => "mysql",
        }
    }

    /// The paramstyle ferroalchemy's own drivers take (sqlx's MySQL driver takes `?`).
    pub fn param_style(self) -> ParamStyle {
        match self {
            Dialect::Default => ParamStyle::Named,
            Dialect::Sqlite | Dialect::Mysql => ParamStyle::Qmark,
            Dialect::Postgresql => ParamStyle::Numeric,
        }
    }

    pub fn quote_char(self) -> char {
        match self {
            Dialect::Mysql => '`',
            _ => '"',
        }
    }

    pub fn is_reserved(self, word: &str) -> bool {
        let list = match self {
            Dialect::Default => crate::reserved::DEFAULT,
            Dialect::Sqlite => crate::reserved::SQLITE,
            Dialect::Postgresql => crate::reserved::POSTGRESQL,
            Dialect::Mysql => crate::reserved::MYSQL,
        };
        list.binary_search(&word.to_ascii_lowercase().as_str())
            .is_ok()
    }

    /// Quotes an identifier only where SQLAlchemy would: reserved words, upper case, or characters
    /// outside `[a-z0-9_$]`, or a leading digit.
    pub fn quote_identifier(self, name: &str) -> String {
        let legal = name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
        let starts_ok = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
        if legal && starts_ok && !self.is_reserved(name) {
            name.to_string()
        } else {
            let q = self.quote_char();
            let escaped = name.replace(q, &format!("{q}{q}"));
            format!("{q}{escaped}{q}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::reserved;

    #[test]
    fn reserved_lists_are_sorted() {
        for list in [
            reserved::DEFAULT,
            reserved::SQLITE,
            reserved::POSTGRESQL,
            reserved::MYSQL,
        ] {
            let mut sorted = list.to_vec();
            sorted.sort();
            assert_eq!(sorted, list.to_vec());
        }
    }

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(Dialect::Sqlite.quote_identifier("users"), "users");
        assert_eq!(Dialect::Default.quote_identifier("user"), "\"user\"");
        assert_eq!(Dialect::Sqlite.quote_identifier("user"), "user");
        assert_eq!(Dialect::Sqlite.quote_identifier("order"), "\"order\"");
        assert_eq!(Dialect::Sqlite.quote_identifier("Users"), "\"Users\"");
        assert_eq!(Dialect::Mysql.quote_identifier("order"), "`order`");
    }
}
