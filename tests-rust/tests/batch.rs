//! Executemany of a plain INSERT as multi-row VALUES statements: which statements qualify, and
//! the SQL each batch sends.

use ferro_engine::batch::InsertBatch;
use ferro_sql::Value;

#[test]
fn a_values_tuple_repeats_with_placeholders_numbered_per_row() {
    let b = InsertBatch::parse_numbered("INSERT INTO t (a, b, c) VALUES ($1, lower($2), now())", 2)
        .expect("qualifies");
    assert_eq!(
        b.sql(3),
        "INSERT INTO t (a, b, c) VALUES ($1, lower($2), now()), ($3, lower($4), now()), ($5, lower($6), now())"
    );
    assert_eq!(b.chunk_rows(), 1000);
}

#[test]
fn placeholders_out_of_order_keep_their_place() {
    let b =
        InsertBatch::parse_numbered("INSERT INTO t (a, b) VALUES ($2, $1)", 2).expect("qualifies");
    assert_eq!(b.sql(2), "INSERT INTO t (a, b) VALUES ($2, $1), ($4, $3)");
}

#[test]
fn chunks_stay_under_the_protocols_parameter_limit() {
    let cols: Vec<String> = (1..=100).map(|i| format!("${i}")).collect();
    let sql = format!("INSERT INTO t VALUES ({})", cols.join(", "));
    let b = InsertBatch::parse_numbered(&sql, 100).expect("qualifies");
    assert_eq!(b.chunk_rows(), 655);
}

#[test]
fn statements_that_must_run_row_by_row_do_not_qualify() {
    for (sql, params) in [
        ("INSERT INTO t (a) VALUES ($1) RETURNING t.id", 1),
        (
            "INSERT INTO t (a) VALUES ($1) ON CONFLICT (a) DO NOTHING",
            1,
        ),
        ("INSERT INTO t (a, b) VALUES ($1, '$2')", 2),
        ("INSERT INTO t (a) SELECT $1", 1),
        ("UPDATE t SET a = $1", 1),
        ("INSERT INTO t (a, b) VALUES ($1, $1)", 2),
        ("INSERT INTO t DEFAULT VALUES", 0),
        ("INSERT INTO t (a) VALUES ($1)", 2),
    ] {
        assert_eq!(InsertBatch::parse_numbered(sql, params), None, "{sql}");
    }
}

#[test]
fn a_positional_values_tuple_repeats_as_it_is() {
    let b =
        InsertBatch::parse_positional("INSERT INTO `t` (a, b, c) VALUES (?, lower(?), now())", 2)
            .expect("qualifies");
    assert_eq!(
        b.sql(3),
        "INSERT INTO `t` (a, b, c) VALUES (?, lower(?), now()), (?, lower(?), now()), (?, lower(?), now())"
    );
    assert_eq!(
        b.sql(1),
        "INSERT INTO `t` (a, b, c) VALUES (?, lower(?), now())"
    );
}

#[test]
fn positional_statements_that_must_run_row_by_row_do_not_qualify() {
    for (sql, params) in [
        ("INSERT INTO t (a) VALUES (?) RETURNING t.id", 1),
        (
            "INSERT INTO t (a) VALUES (?) ON DUPLICATE KEY UPDATE a = ?",
            2,
        ),
        ("INSERT INTO t (a, b) VALUES (?, '?')", 1),
        ("INSERT INTO t (a, b) VALUES (?, `?`)", 1),
        ("INSERT INTO t (a) SELECT ?", 1),
        ("UPDATE t SET a = ?", 1),
        ("INSERT INTO t () VALUES ()", 0),
        ("INSERT INTO t (a) VALUES (?)", 2),
    ] {
        assert_eq!(InsertBatch::parse_positional(sql, params), None, "{sql}");
    }
}

#[test]
fn chunks_respect_rows_parameters_and_bytes() {
    let b = InsertBatch::parse_positional("INSERT INTO t (a) VALUES (?)", 1).expect("qualifies");
    let small: Vec<Vec<Value>> = (0..2_500).map(|i| vec![Value::Int(i)]).collect();
    let sizes: Vec<usize> = b.chunks(&small, 1 << 20).iter().map(|c| c.len()).collect();
    assert_eq!(sizes, vec![1000, 1000, 500]);
    let big: Vec<Vec<Value>> = (0..5).map(|_| vec![Value::Text("x".repeat(400))]).collect();
    let sizes: Vec<usize> = b.chunks(&big, 1000).iter().map(|c| c.len()).collect();
    assert_eq!(sizes, vec![2, 2, 1]);
    let huge = vec![vec![Value::Blob(vec![0; 5000])], vec![Value::Int(1)]];
    let sizes: Vec<usize> = b.chunks(&huge, 1000).iter().map(|c| c.len()).collect();
    assert_eq!(sizes, vec![1, 1]);
    assert!(b.chunks(&[], 1000).is_empty());
}

#[test]
fn a_returning_clause_follows_every_page_of_an_insertmanyvalues_batch() {
    let sql = "INSERT INTO t (a, b) VALUES ($1, $2) RETURNING t.id, t.a";
    assert_eq!(InsertBatch::parse_numbered(sql, 2), None);
    let b = InsertBatch::parse_returning(sql, 2, true).expect("qualifies");
    assert_eq!(
        b.sql(2),
        "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) RETURNING t.id, t.a"
    );
    let b = InsertBatch::parse_returning("INSERT INTO t (a) VALUES (?) RETURNING id", 1, false)
        .expect("qualifies");
    assert_eq!(
        b.sql(3),
        "INSERT INTO t (a) VALUES (?), (?), (?) RETURNING id"
    );
}

#[test]
fn pages_stay_under_sqlalchemys_parameter_limit() {
    let b =
        InsertBatch::parse_returning("INSERT INTO t (a, b) VALUES ($1, $2) RETURNING id", 2, true)
            .expect("qualifies");
    assert_eq!(b.page_rows(1000), 1000);
    assert_eq!(b.page_rows(0), 1);
    let cols: Vec<String> = (1..=100).map(|i| format!("${i}")).collect();
    let sql = format!("INSERT INTO t VALUES ({}) RETURNING id", cols.join(", "));
    let b = InsertBatch::parse_returning(&sql, 100, true).expect("qualifies");
    assert_eq!(b.page_rows(1000), 327);
}

#[test]
fn returning_statements_that_must_run_row_by_row_do_not_qualify() {
    for sql in [
        "INSERT INTO t (a) VALUES ($1) ON CONFLICT (a) DO NOTHING RETURNING id",
        "INSERT INTO t (a) VALUES ($1) RETURNING id + $2",
        "INSERT INTO t (a) VALUES ($1) RETURNING 'x'",
    ] {
        assert_eq!(InsertBatch::parse_returning(sql, 1, true), None, "{sql}");
    }
}
