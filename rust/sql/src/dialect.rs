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

    pub fn supports_returning(self) -> bool {
        !matches!(self, Dialect::Mysql)
    }

    pub fn is_reserved(self, word: &str) -> bool {
        let w = word.to_ascii_lowercase();
        RESERVED_COMMON.binary_search(&w.as_str()).is_ok()
            || match self {
                Dialect::Postgresql => RESERVED_PG.binary_search(&w.as_str()).is_ok(),
                Dialect::Mysql => RESERVED_MYSQL.binary_search(&w.as_str()).is_ok(),
                _ => false,
            }
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

// Sorted: looked up with binary_search.
const RESERVED_COMMON: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "cross",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "new",
    "not",
    "notnull",
    "null",
    "off",
    "offset",
    "old",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "references",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "verbose",
    "when",
    "where",
];

const RESERVED_PG: &[&str] = &["fetch", "lateral", "returning", "window", "with"];

const RESERVED_MYSQL: &[&str] = &[
    "accessible",
    "add",
    "alter",
    "before",
    "bigint",
    "blob",
    "by",
    "call",
    "cascade",
    "change",
    "char",
    "condition",
    "continue",
    "convert",
    "database",
    "databases",
    "dec",
    "decimal",
    "declare",
    "delayed",
    "delete",
    "describe",
    "div",
    "double",
    "drop",
    "each",
    "exists",
    "exit",
    "explain",
    "float",
    "force",
    "function",
    "generated",
    "if",
    "ignore",
    "index",
    "insert",
    "int",
    "integer",
    "interval",
    "key",
    "keys",
    "kill",
    "lines",
    "load",
    "lock",
    "long",
    "loop",
    "match",
    "mod",
    "modifies",
    "option",
    "out",
    "partition",
    "precision",
    "procedure",
    "range",
    "read",
    "real",
    "regexp",
    "release",
    "rename",
    "repeat",
    "replace",
    "require",
    "restrict",
    "return",
    "revoke",
    "rlike",
    "schema",
    "schemas",
    "set",
    "show",
    "signal",
    "spatial",
    "sql",
    "ssl",
    "starting",
    "trigger",
    "undo",
    "unlock",
    "unsigned",
    "update",
    "usage",
    "use",
    "values",
    "varchar",
    "while",
    "with",
    "write",
    "xor",
    "year_month",
    "zerofill",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_lists_are_sorted() {
        for list in [RESERVED_COMMON, RESERVED_PG, RESERVED_MYSQL] {
            let mut sorted = list.to_vec();
            sorted.sort();
            assert_eq!(sorted, list.to_vec());
        }
    }

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(Dialect::Sqlite.quote_identifier("users"), "users");
        assert_eq!(Dialect::Sqlite.quote_identifier("user"), "\"user\"");
        assert_eq!(Dialect::Sqlite.quote_identifier("Users"), "\"Users\"");
        assert_eq!(Dialect::Mysql.quote_identifier("order"), "`order`");
    }
}
