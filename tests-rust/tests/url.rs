//! Database URLs: every spelling SQLAlchemy documents parses into the fields `make_url()` gives
//! (SQLAlchemy 2.1.9's values are the expectations), percent-escapes are decoded, IPv6 hosts are
//! bracketed, the password is masked when rendered, and malformed URLs are argument errors.
#![allow(clippy::unwrap_used)]

use ferro_engine::{ErrorKind, Url};

fn parse(s: &str) -> Url {
    Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// (drivername, username, password, host, port, database) as `make_url(s)` gives them.
type Fields<'a> = (
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<u16>,
    Option<&'a str>,
);

fn fields(u: &Url) -> Fields<'_> {
    (
        &u.drivername,
        u.username.as_deref(),
        u.password.as_deref(),
        u.host.as_deref(),
        u.port,
        u.database.as_deref(),
    )
}

#[test]
fn sqlite_paths() {
    let cases: [(&str, Option<&str>); 4] = [
        ("sqlite:///relative.db", Some("relative.db")),
        ("sqlite:////abs.db", Some("/abs.db")),
        ("sqlite:///:memory:", Some(":memory:")),
        ("sqlite://", None),
    ];
    for (s, database) in cases {
        let u = parse(s);
        assert_eq!(
            fields(&u),
            ("sqlite", None, None, None, None, database),
            "{s}"
        );
        assert!(u.query.is_empty());
        assert_eq!(u.backend_name(), "sqlite");
        assert_eq!(u.driver(), None);
    }
}

#[test]
fn driver_part_is_recorded() {
    let u = parse("sqlite+pysqlite:///x");
    assert_eq!(
        fields(&u),
        ("sqlite+pysqlite", None, None, None, None, Some("x"))
    );
    assert_eq!(u.backend_name(), "sqlite");
    assert_eq!(u.driver(), Some("pysqlite"));
}

#[test]
fn postgresql_with_escaped_password_and_query() {
    let u = parse("postgresql+psycopg2://user:p%40ss@host:5432/db?sslmode=require");
    assert_eq!(
        fields(&u),
        (
            "postgresql+psycopg2",
            Some("user"),
            Some("p@ss"),
            Some("host"),
            Some(5432),
            Some("db")
        )
    );
    assert_eq!(u.query, [("sslmode".to_string(), "require".to_string())]);
    assert_eq!(u.backend_name(), "postgresql");
    assert_eq!(u.driver(), Some("psycopg2"));
}

#[test]
fn mysql_without_password() {
    let u = parse("mysql+pymysql://root@127.0.0.1:3306/test");
    assert_eq!(
        fields(&u),
        (
            "mysql+pymysql",
            Some("root"),
            None,
            Some("127.0.0.1"),
            Some(3306),
            Some("test")
        )
    );
    assert_eq!(u.render(true), "mysql+pymysql://root@127.0.0.1:3306/test");
}

#[test]
fn ipv6_hosts_in_brackets() {
    let u = parse("postgresql://u:pw@[::1]:5433/db");
    assert_eq!(
        fields(&u),
        (
            "postgresql",
            Some("u"),
            Some("pw"),
            Some("::1"),
            Some(5433),
            Some("db")
        )
    );
    assert_eq!(u.render(true), "postgresql://u:***@[::1]:5433/db");
    let u = parse("postgresql://[fe80::1]/db");
    assert_eq!(
        fields(&u),
        ("postgresql", None, None, Some("fe80::1"), None, Some("db"))
    );
    assert_eq!(u.render(false), "postgresql://[fe80::1]/db");
}

#[test]
fn query_values_are_decoded() {
    let u = parse("postgresql://host/db?a=1&b=x%20y");
    assert_eq!(
        u.query,
        [
            ("a".to_string(), "1".to_string()),
            ("b".to_string(), "x y".to_string())
        ]
    );
}

#[test]
fn render_masks_the_password() {
    let u = parse("postgresql+psycopg2://user:p%40ss@host:5432/db?sslmode=require");
    assert_eq!(
        u.render(true),
        "postgresql+psycopg2://user:***@host:5432/db?sslmode=require"
    );
    assert_eq!(
        u.to_string(),
        u.render(true),
        "Display never shows the password"
    );
    // Unmasked, the password is escaped again so the text parses back to the same URL.
    let plain = u.render(false);
    assert_eq!(
        plain,
        "postgresql+psycopg2://user:p%40ss@host:5432/db?sslmode=require"
    );
    assert_eq!(parse(&plain), u);
}

#[test]
fn a_slash_in_an_unescaped_password() {
    // make_url("postgresql://u:p/ss@host/db"): SQLAlchemy's pattern takes the password up to
    // the last '@' (`[^@]*`), so it is "p/ss" and the database is "db".
    let u = parse("postgresql://u:p/ss@host/db");
    assert_eq!(
        fields(&u),
        (
            "postgresql",
            Some("u"),
            Some("p/ss"),
            Some("host"),
            None,
            Some("db")
        )
    );
    assert_eq!(parse("postgresql://u:p%2Fss@host/db"), u);
}

#[test]
fn malformed_urls_are_argument_errors() {
    for s in [
        "not a url",
        "://x",
        "post gres://h/d",
        "postgresql://host:notaport/db",
        "postgresql://[::1/db",
    ] {
        let err = Url::parse(s).expect_err(s);
        assert_eq!(err.kind, ErrorKind::Argument, "{s}");
    }
    assert_eq!(
        Url::parse("not a url").expect_err("no scheme").message,
        "Could not parse SQLAlchemy URL from given URL string"
    );
}
