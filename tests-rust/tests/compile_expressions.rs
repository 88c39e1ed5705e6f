//! Golden (SQL, binds) pairs for the column-expression language: CAST, type_coerce, CASE, expanding
//! IN (compiled and expanded for execution), LIKE ... ESCAPE, ILIKE, IS DISTINCT FROM, division,
//! concatenation, boolean literals in WHERE, and window frames, on all four dialects.
//!
//! Every expected string is SQLAlchemy 2.1.9's output for the Core statement in the test's comment
//! (`users`/`addresses` as in compile_select.rs). Default and SQLite strings are SQLAlchemy's
//! character for character; for PostgreSQL and MySQL only the parameter markers differ (`$n`
//! without psycopg's `::TYPE` casts, `?` for `%s`), since ferroalchemy's drivers take those.
#![allow(clippy::unwrap_used)]

use ferro_sql::compiler::CompileOptions;
use ferro_sql::expr::{BinOp, Expr, Frame};
use ferro_sql::{compile, Dialect, ExprRef, ParamValue, SqlType, Statement, Value};
use ferro_tests::{
    anon, bound, cmp, compiled, golden, int, param_values, select, stmt, text, users, Golden,
};

fn names(c: &ferro_sql::Compiled) -> Vec<&str> {
    c.param_names.iter().map(String::as_str).collect()
}

fn result_names(c: &ferro_sql::Compiled) -> Vec<&str> {
    c.columns.iter().map(|c| c.name.as_str()).collect()
}

/// An anonymous bind named `param` of the literal's own type: `case()` results, `literal()`.
fn lit(v: Value, ty: SqlType) -> ExprRef {
    Expr::bind("param", Some(v), ty, true)
}

fn where_(cols: Vec<ExprRef>, crit: ExprRef) -> Statement {
    let mut s = select(cols);
    s.where_ = Some(crit);
    stmt(s)
}

fn numeric(p: u32, s: u32) -> SqlType {
    SqlType::Numeric {
        precision: Some(p),
        scale: Some(s),
        as_decimal: true,
    }
}

#[test]
fn cast_names_the_type_per_dialect() {
    // select(cast(users.c.age, String(20)), users.c.age.cast(Numeric(10, 2)), cast(users.c.id, BigInteger))
    let u = users();
    let st = stmt(select(vec![
        Expr::cast(u.age.clone(), SqlType::String(Some(20))),
        Expr::cast(u.age.clone(), numeric(10, 2)),
        Expr::cast(u.id.clone(), SqlType::BigInteger),
    ]));
    let [d, ..] = golden(
        &st,
        &Golden {
            default: "SELECT CAST(users.age AS VARCHAR(20)) AS age, CAST(users.age AS NUMERIC(10, 2)) AS age__1, CAST(users.id AS BIGINT) AS id \nFROM users",
            sqlite: "SELECT CAST(users.age AS VARCHAR(20)) AS age, CAST(users.age AS NUMERIC(10, 2)) AS age__1, CAST(users.id AS BIGINT) AS id \nFROM users",
            postgresql: "SELECT CAST(users.age AS VARCHAR(20)) AS age, CAST(users.age AS NUMERIC(10, 2)) AS age__1, CAST(users.id AS BIGINT) AS id \nFROM users",
            mysql: "SELECT CAST(users.age AS CHAR(20)) AS age, CAST(users.age AS DECIMAL(10, 2)) AS age__1, CAST(users.id AS SIGNED INTEGER) AS id \nFROM users",
        },
    );
    assert_eq!(result_names(&d), vec!["age", "age__1", "id"]);
    assert_eq!(d.columns[1].ty, numeric(10, 2));
}

#[test]
fn cast_to_a_type_mysql_cannot_cast_to_is_left_out_there() {
    // select(cast(users.c.age, Float), cast(users.c.name, DateTime), cast(literal(5), Text))
    let u = users();
    let st = stmt(select(vec![
        Expr::cast(u.age.clone(), SqlType::Float),
        Expr::cast(u.name.clone(), SqlType::DateTime { timezone: false }),
        Expr::cast(lit(int(5), SqlType::Text), SqlType::Text),
    ]));
    let [d, q, p, m] = golden(
        &st,
        &Golden {
            default: "SELECT CAST(users.age AS FLOAT) AS age, CAST(users.name AS DATETIME) AS name, CAST(:param_1 AS TEXT) AS anon_1 \nFROM users",
            sqlite: "SELECT CAST(users.age AS FLOAT) AS age, CAST(users.name AS DATETIME) AS name, CAST(? AS TEXT) AS anon_1 \nFROM users",
            postgresql: "SELECT CAST(users.age AS FLOAT) AS age, CAST(users.name AS TIMESTAMP WITHOUT TIME ZONE) AS name, CAST($1 AS TEXT) AS anon_1 \nFROM users",
            mysql: "SELECT users.age AS age, CAST(users.name AS DATETIME) AS name, CAST(? AS CHAR) AS anon_1 \nFROM users",
        },
    );
    for c in [&d, &q, &p, &m] {
        assert_eq!(param_values(&st, c), vec![Some(int(5))]);
    }
}

#[test]
fn type_coerce_changes_only_the_type() {
    // select(users.c.id).where(type_coerce(users.c.name, String) == "x"); select(type_coerce(users.c.age, String))
    let u = users();
    let coerced = Expr::type_coerce(u.name.clone(), SqlType::String(None));
    let crit = Expr::binary(coerced, BinOp::Eq, lit(text("x"), SqlType::String(None)));
    let st = where_(vec![u.id.clone()], crit);
    golden(
        &st,
        &Golden {
            default: "SELECT users.id \nFROM users \nWHERE users.name = :param_1",
            sqlite: "SELECT users.id \nFROM users \nWHERE users.name = ?",
            postgresql: "SELECT users.id \nFROM users \nWHERE users.name = $1",
            mysql: "SELECT users.id \nFROM users \nWHERE users.name = ?",
        },
    );
    let st = stmt(select(vec![Expr::type_coerce(
        u.age.clone(),
        SqlType::Text,
    )]));
    let c = compiled(&st, Dialect::Sqlite);
    assert_eq!(c.sql, "SELECT users.age AS age \nFROM users");
    assert_eq!(c.columns[0].ty, SqlType::Text);
}

#[test]
fn searched_and_simple_case() {
    // select(case((users.c.age > 26, "old"), (users.c.age < 26, "young"), else_="mid"))
    let u = users();
    let s = |v: &str| lit(text(v), SqlType::String(None));
    let searched = Expr::case(
        None,
        vec![
            (cmp(&u.age, BinOp::Gt, int(26)), s("old")),
            (cmp(&u.age, BinOp::Lt, int(26)), s("young")),
        ],
        Some(s("mid")),
        SqlType::String(None),
    );
    let st = stmt(select(vec![searched]));
    let [d, _, p, _] = golden(
        &st,
        &Golden {
            default: "SELECT CASE WHEN (users.age > :age_1) THEN :param_1 WHEN (users.age < :age_2) THEN :param_2 ELSE :param_3 END AS anon_1 \nFROM users",
            sqlite: "SELECT CASE WHEN (users.age > ?) THEN ? WHEN (users.age < ?) THEN ? ELSE ? END AS anon_1 \nFROM users",
            // PostgreSQL cannot type a bare CASE result: it is cast as psycopg casts it.
            postgresql: "SELECT CASE WHEN (users.age > $1) THEN $2::VARCHAR WHEN (users.age < $3) THEN $4::VARCHAR ELSE $5::VARCHAR END AS anon_1 \nFROM users",
            mysql: "SELECT CASE WHEN (users.age > ?) THEN ? WHEN (users.age < ?) THEN ? ELSE ? END AS anon_1 \nFROM users",
        },
    );
    assert_eq!(
        names(&d),
        vec!["age_1", "param_1", "age_2", "param_2", "param_3"]
    );
    assert_eq!(
        param_values(&st, &p),
        vec![
            Some(int(26)),
            Some(text("old")),
            Some(int(26)),
            Some(text("young")),
            Some(text("mid"))
        ]
    );

    // select(case({"Alice": 1}, value=users.c.name)) -- no ELSE
    let simple = Expr::case(
        Some(u.name.clone()),
        vec![(s("Alice"), lit(int(1), SqlType::Integer))],
        None,
        SqlType::Integer,
    );
    let c = compiled(&stmt(select(vec![simple])), Dialect::Default);
    assert_eq!(
        c.sql,
        "SELECT CASE users.name WHEN :param_1 THEN :param_2 END AS anon_1 \nFROM users"
    );
}

#[test]
fn in_list_is_one_expanding_parameter() {
    // select(users.c.id).where(users.c.age > 20, users.c.id.in_([1, 2, 3]), users.c.name != "x")
    let u = users();
    let crit = Expr::bool_clause(
        ferro_sql::BoolOp::And,
        vec![
            cmp(&u.age, BinOp::Gt, int(20)),
            Expr::binary(
                u.id.clone(),
                BinOp::In,
                Expr::bind_expanding(
                    "id",
                    Some(vec![int(1), int(2), int(3)]),
                    SqlType::Integer,
                    true,
                ),
            ),
            cmp(&u.name, BinOp::Ne, text("x")),
        ],
    );
    let st = where_(vec![u.id.clone()], crit);
    let [d, q, p, m] = golden(
        &st,
        &Golden {
            default: "SELECT users.id \nFROM users \nWHERE users.age > :age_1 AND users.id IN (__[POSTCOMPILE_id_1]) AND users.name != :name_1",
            sqlite: "SELECT users.id \nFROM users \nWHERE users.age > ? AND users.id IN (__[POSTCOMPILE_id_1]) AND users.name != ?",
            postgresql: "SELECT users.id \nFROM users \nWHERE users.age > $1 AND users.id IN (__[POSTCOMPILE_id_1]) AND users.name != $2",
            mysql: "SELECT users.id \nFROM users \nWHERE users.age > ? AND users.id IN (__[POSTCOMPILE_id_1]) AND users.name != ?",
        },
    );
    assert_eq!(names(&d), vec!["age_1", "id_1", "name_1"]);
    assert!(d.has_expanding());
    // Execution splices one placeholder per element; PostgreSQL's numbers move along.
    let values = |n: usize| {
        vec![
            ParamValue::One(int(20)),
            ParamValue::List((1..=n as i64).map(int).collect()),
            ParamValue::One(text("x")),
        ]
    };
    let (sql, flat) = p.expand(Dialect::Postgresql, values(3)).unwrap();
    assert_eq!(
        sql,
        "SELECT users.id \nFROM users \nWHERE users.age > $1 AND users.id IN ($2, $3, $4) AND users.name != $5"
    );
    assert_eq!(flat, vec![int(20), int(1), int(2), int(3), text("x")]);
    let (sql, _) = q.expand(Dialect::Sqlite, values(1)).unwrap();
    assert_eq!(
        sql,
        "SELECT users.id \nFROM users \nWHERE users.age > ? AND users.id IN (?) AND users.name != ?"
    );
    let (sql, flat) = m.expand(Dialect::Mysql, values(0)).unwrap();
    assert_eq!(
        sql,
        "SELECT users.id \nFROM users \nWHERE users.age > ? AND users.id IN (NULL) AND (1 != 1) AND users.name != ?"
    );
    assert_eq!(flat, vec![int(20), text("x")]);
}

#[test]
fn empty_lists_expand_to_each_dialects_empty_set() {
    // select(users.c.id).where(users.c.id.not_in([])) -- and in_([]) on SQLite
    let u = users();
    let not_in = Expr::binary(
        u.id.clone(),
        BinOp::NotIn,
        Expr::bind_expanding("id", Some(vec![]), SqlType::Integer, true),
    );
    let st = where_(vec![u.id.clone()], not_in);
    let [_, q, p, _] = golden(
        &st,
        &Golden {
            default:
                "SELECT users.id \nFROM users \nWHERE (users.id NOT IN (__[POSTCOMPILE_id_1]))",
            sqlite: "SELECT users.id \nFROM users \nWHERE (users.id NOT IN (__[POSTCOMPILE_id_1]))",
            postgresql:
                "SELECT users.id \nFROM users \nWHERE (users.id NOT IN (__[POSTCOMPILE_id_1]))",
            mysql: "SELECT users.id \nFROM users \nWHERE (users.id NOT IN (__[POSTCOMPILE_id_1]))",
        },
    );
    let empty = || vec![ParamValue::List(vec![])];
    assert_eq!(
        p.expand(Dialect::Postgresql, empty()).unwrap().0,
        "SELECT users.id \nFROM users \nWHERE (users.id NOT IN (NULL) OR (1 = 1))"
    );
    assert_eq!(
        q.expand(Dialect::Sqlite, empty()).unwrap().0,
        "SELECT users.id \nFROM users \nWHERE (users.id NOT IN (SELECT 1 FROM (SELECT 1) WHERE 1!=1))"
    );
}

#[test]
fn in_list_literal_binds_and_cache_key() {
    // str(select(users.c.id).where(users.c.name.in_(["a", "b'c"])).compile(compile_kwargs={"literal_binds": True}))
    let u = users();
    let build = |vals: Vec<Value>| {
        where_(
            vec![u.id.clone()],
            Expr::binary(
                u.name.clone(),
                BinOp::In,
                Expr::bind_expanding("name", Some(vals), u.name.ty.clone(), true),
            ),
        )
    };
    let st = build(vec![text("a"), text("b'c")]);
    let opts = CompileOptions {
        literal_binds: true,
        ..Default::default()
    };
    let c = compile(&st, Dialect::Default, &opts).unwrap();
    assert_eq!(
        c.sql,
        "SELECT users.id \nFROM users \nWHERE users.name IN ('a', 'b''c')"
    );
    assert!(c.params.is_empty());
    // The list's length is not part of the statement's shape.
    assert_eq!(st.key(), build(vec![text("z")]).key());
    assert_eq!(bound(&st), vec![None]);
}

#[test]
fn like_escape_and_ilike() {
    // users.c.name.like("al/%%", escape="/"); users.c.name.ilike("a%", escape="/"); users.c.name.not_ilike("a%")
    let u = users();
    let like = Expr::escape(cmp(&u.name, BinOp::Like, text("al/%%")), "/");
    let ilike = Expr::escape(cmp(&u.name, BinOp::ILike, text("a%")), "/");
    let not_ilike = cmp(&u.name, BinOp::NotILike, text("a%"));
    let crit = Expr::bool_clause(ferro_sql::BoolOp::Or, vec![like, ilike, not_ilike]);
    let st = where_(vec![u.id.clone()], crit);
    let [d, ..] = golden(
        &st,
        &Golden {
            default: "SELECT users.id \nFROM users \nWHERE users.name LIKE :name_1 ESCAPE '/' OR lower(users.name) LIKE lower(:name_2) ESCAPE '/' OR lower(users.name) NOT LIKE lower(:name_3)",
            sqlite: "SELECT users.id \nFROM users \nWHERE users.name LIKE ? ESCAPE '/' OR lower(users.name) LIKE lower(?) ESCAPE '/' OR lower(users.name) NOT LIKE lower(?)",
            postgresql: "SELECT users.id \nFROM users \nWHERE users.name LIKE $1 ESCAPE '/' OR users.name ILIKE $2 ESCAPE '/' OR users.name NOT ILIKE $3",
            mysql: "SELECT users.id \nFROM users \nWHERE users.name LIKE ? ESCAPE '/' OR lower(users.name) LIKE lower(?) ESCAPE '/' OR lower(users.name) NOT LIKE lower(?)",
        },
    );
    assert_eq!(names(&d), vec!["name_1", "name_2", "name_3"]);
}

#[test]
fn contains_with_autoescape() {
    // users.c.name.contains("l%", autoescape=True): the value is escaped in Python, "l/%"
    let u = users();
    let pct = || Expr::literal_string("%");
    let pattern = Expr::binary(
        Expr::binary(pct(), BinOp::Concat, anon(&u.name, text("l/%"))),
        BinOp::Concat,
        pct(),
    );
    let crit = Expr::escape(Expr::binary(u.name.clone(), BinOp::Like, pattern), "/");
    let st = where_(vec![u.id.clone()], crit);
    golden(
        &st,
        &Golden {
            default: "SELECT users.id \nFROM users \nWHERE (users.name LIKE '%' || :name_1 || '%' ESCAPE '/')",
            sqlite: "SELECT users.id \nFROM users \nWHERE (users.name LIKE '%' || ? || '%' ESCAPE '/')",
            postgresql: "SELECT users.id \nFROM users \nWHERE (users.name LIKE '%' || $1 || '%' ESCAPE '/')",
            mysql: "SELECT users.id \nFROM users \nWHERE (users.name LIKE concat('%', ?, '%') ESCAPE '/')",
        },
    );
}

#[test]
fn is_distinct_from_per_dialect() {
    // users.c.age.is_distinct_from(25) OR users.c.age.is_not_distinct_from(None)
    let u = users();
    let crit = Expr::bool_clause(
        ferro_sql::BoolOp::Or,
        vec![
            cmp(&u.age, BinOp::IsDistinctFrom, int(25)),
            Expr::binary(u.age.clone(), BinOp::IsNotDistinctFrom, Expr::null()),
        ],
    );
    let st = where_(vec![u.id.clone()], crit);
    golden(
        &st,
        &Golden {
            default: "SELECT users.id \nFROM users \nWHERE users.age IS DISTINCT FROM :age_1 OR users.age IS NOT DISTINCT FROM NULL",
            sqlite: "SELECT users.id \nFROM users \nWHERE users.age IS NOT ? OR users.age IS NULL",
            postgresql: "SELECT users.id \nFROM users \nWHERE users.age IS DISTINCT FROM $1 OR users.age IS NOT DISTINCT FROM NULL",
            mysql: "SELECT users.id \nFROM users \nWHERE NOT (users.age <=> ?) OR users.age <=> NULL",
        },
    );
}

#[test]
fn true_and_floor_division() {
    // select(users.c.age / 7, users.c.age // 7, cast(users.c.age, Numeric(10, 2)) // 7)
    let u = users();
    let seven = || anon(&u.age, int(7));
    let num = SqlType::Numeric {
        precision: None,
        scale: None,
        as_decimal: true,
    };
    let truediv = Expr::binary_typed(u.age.clone(), BinOp::Div, seven(), num);
    let floordiv = Expr::binary(u.age.clone(), BinOp::FloorDiv, seven());
    let floordiv_num = Expr::binary(
        Expr::cast(u.age.clone(), numeric(10, 2)),
        BinOp::FloorDiv,
        lit(int(7), SqlType::Integer),
    );
    let st = stmt(select(vec![truediv, floordiv, floordiv_num]));
    let [d, ..] = golden(
        &st,
        &Golden {
            default: "SELECT users.age / CAST(:age_1 AS NUMERIC) AS anon_1, users.age / :age_2 AS anon_2, FLOOR(CAST(users.age AS NUMERIC(10, 2)) / :param_1) AS anon_3 \nFROM users",
            sqlite: "SELECT users.age / (? + 0.0) AS anon_1, users.age / ? AS anon_2, FLOOR(CAST(users.age AS NUMERIC(10, 2)) / ?) AS anon_3 \nFROM users",
            postgresql: "SELECT users.age / CAST($1 AS NUMERIC) AS anon_1, users.age / $2 AS anon_2, FLOOR(CAST(users.age AS NUMERIC(10, 2)) / $3) AS anon_3 \nFROM users",
            mysql: "SELECT users.age / ? AS anon_1, FLOOR(users.age / ?) AS anon_2, FLOOR(CAST(users.age AS DECIMAL(10, 2)) / ?) AS anon_3 \nFROM users",
        },
    );
    assert!(matches!(d.columns[0].ty, SqlType::Numeric { .. }));
    assert_eq!(d.columns[1].ty, SqlType::Integer);
}

#[test]
fn concatenation_and_modulo() {
    // select(users.c.name + "-" + users.c.email, users.c.age % 7)
    let u = users();
    let cat = Expr::binary(
        Expr::binary(u.name.clone(), BinOp::Concat, anon(&u.name, text("-"))),
        BinOp::Concat,
        u.email.clone(),
    );
    let st = stmt(select(vec![cat, cmp(&u.age, BinOp::Mod, int(7))]));
    golden(
        &st,
        &Golden {
            default: "SELECT users.name || :name_1 || users.email AS anon_1, users.age % :age_1 AS anon_2 \nFROM users",
            sqlite: "SELECT users.name || ? || users.email AS anon_1, users.age % ? AS anon_2 \nFROM users",
            postgresql: "SELECT users.name || $1 || users.email AS anon_1, users.age % $2 AS anon_2 \nFROM users",
            mysql: "SELECT concat(users.name, ?, users.email) AS anon_1, users.age % ? AS anon_2 \nFROM users",
        },
    );
}

#[test]
fn boolean_literals_and_values_in_where() {
    // select(true(), false()).where(true()); select(users.c.id).where(~cast(users.c.id, Boolean))
    let u = users();
    let mut s = select(vec![Expr::true_(), Expr::false_()]);
    s.where_ = Some(Expr::true_());
    golden(
        &stmt(s),
        &Golden {
            default: "SELECT true AS anon_1, false AS anon_2 \nWHERE true",
            sqlite: "SELECT 1 AS anon_1, 0 AS anon_2 \nWHERE 1 = 1",
            postgresql: "SELECT true AS anon_1, false AS anon_2 \nWHERE true",
            mysql: "SELECT true AS anon_1, false AS anon_2 \nWHERE true = 1",
        },
    );
    let negated = Expr::unary(
        ferro_sql::UnaryOp::Not,
        Expr::cast(u.id.clone(), SqlType::Boolean),
    );
    let st = where_(vec![u.id.clone()], negated);
    let q = compiled(&st, Dialect::Sqlite);
    assert_eq!(
        q.sql,
        "SELECT users.id \nFROM users \nWHERE CAST(users.id AS BOOLEAN) = 0"
    );
    let p = compiled(&st, Dialect::Postgresql);
    assert_eq!(
        p.sql,
        "SELECT users.id \nFROM users \nWHERE NOT CAST(users.id AS BOOLEAN)"
    );
}

#[test]
fn window_frame_offsets_are_bound() {
    // select(func.sum(users.c.id).over(order_by=users.c.id, rows=(-2, 3)))
    let u = users();
    let over = Expr::over(
        Expr::func("sum", vec![u.id.clone()], SqlType::Integer),
        vec![],
        vec![u.id.clone()],
        Some(Frame {
            range: false,
            start: Some(-2),
            end: Some(3),
        }),
    );
    let st = stmt(select(vec![over]));
    let [d, q, ..] = golden(
        &st,
        &Golden {
            default: "SELECT sum(users.id) OVER (ORDER BY users.id ROWS BETWEEN :param_1 PRECEDING AND :param_2 FOLLOWING) AS anon_1 \nFROM users",
            sqlite: "SELECT sum(users.id) OVER (ORDER BY users.id ROWS BETWEEN ? PRECEDING AND ? FOLLOWING) AS anon_1 \nFROM users",
            postgresql: "SELECT sum(users.id) OVER (ORDER BY users.id ROWS BETWEEN $1 PRECEDING AND $2 FOLLOWING) AS anon_1 \nFROM users",
            // MySQL prepares server-side and takes no parameter there: the offsets are inlined.
            mysql: "SELECT sum(users.id) OVER (ORDER BY users.id ROWS BETWEEN 2 PRECEDING AND 3 FOLLOWING) AS anon_1 \nFROM users",
        },
    );
    assert_eq!(names(&d), vec!["param_1", "param_2"]);
    assert_eq!(param_values(&st, &q), vec![Some(int(2)), Some(int(3))]);
    // Different offsets, same shape: one cache entry.
    let other = Expr::over(
        Expr::func("sum", vec![u.id.clone()], SqlType::Integer),
        vec![],
        vec![u.id.clone()],
        Some(Frame {
            range: false,
            start: Some(-5),
            end: Some(1),
        }),
    );
    assert_eq!(st.key(), stmt(select(vec![other])).key());
}

#[test]
fn literal_column_binds_are_named_without_dots() {
    // select(literal_column("users.age", Integer) + 1)
    let lc = Expr::literal_column("users.age", SqlType::Integer);
    let plus = Expr::binary(
        lc,
        BinOp::Add,
        Expr::bind("users.age", Some(int(1)), SqlType::Integer, true),
    );
    let c = compiled(&stmt(select(vec![plus])), Dialect::Default);
    assert_eq!(c.sql, "SELECT users.age + :users_age_1 AS anon_1");
    assert_eq!(names(&c), vec!["users_age_1"]);
}
