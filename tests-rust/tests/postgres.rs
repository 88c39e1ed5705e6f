//! The PostgreSQL driver: NUMERIC's binary codec (no server needed), and statements against the
//! server at FERRO_TEST_POSTGRES_URL (.ci/run sets it; unset, those tests return early).

use ferro_engine::postgres::{numeric, PgBackend, PgOptions};
use ferro_engine::{Backend, ErrorKind, Url};
use ferro_sql::{SqlType, Value};

#[test]
fn numeric_text_round_trips_with_its_scale() {
    for text in [
        "0",
        "1",
        "-1",
        "10000",
        "12345678.90",
        "-0.05",
        "0.0001",
        "1234.5000",
        "99999999999999999999.123456789",
        "NaN",
        "Infinity",
        "-Infinity",
    ] {
        let bytes = numeric::encode(text).expect("encodes");
        assert_eq!(numeric::decode(&bytes).as_deref(), Some(text), "{text}");
    }
}

#[test]
fn numeric_normalises_signs_and_leading_zeros() {
    let cases = [
        ("+5", "5"),
        ("007.50", "7.50"),
        (".5", "0.5"),
        ("-0.00", "0.00"),
    ];
    for (given, read) in cases {
        let bytes = numeric::encode(given).expect("encodes");
        assert_eq!(numeric::decode(&bytes).as_deref(), Some(read), "{given}");
    }
}

#[test]
fn numeric_rejects_what_is_not_a_decimal() {
    for text in ["", "-", "1e5", "1.2.3", "abc", "1,5"] {
        assert!(numeric::encode(text).is_none(), "{text}");
    }
}

fn server() -> Option<PgBackend> {
    let url = std::env::var("FERRO_TEST_POSTGRES_URL").ok()?;
    let opts = PgOptions::from_url(&Url::parse(&url).expect("url parses")).expect("options");
    Some(PgBackend::connect(&opts).expect("the server at FERRO_TEST_POSTGRES_URL answers"))
}

#[test]
fn parameters_take_the_type_the_server_infers() {
    let Some(mut db) = server() else { return };
    let out = db
        .execute(
            "SELECT $1::int4 + 1, $2::numeric * 2, $3 = 'x', $4::int2",
            &[
                Value::Int(41),
                Value::Decimal("1.25".into()),
                Value::Text("x".into()),
                Value::Null,
            ],
            &[],
            false,
        )
        .expect("runs");
    let rows = out.rows.expect("rows");
    assert_eq!(
        rows.values,
        vec![
            Value::Int(42),
            Value::Decimal("2.50".into()),
            Value::Bool(true),
            Value::Null
        ]
    );
    db.rollback().expect("rollback");
}

#[test]
fn declared_float_reads_numeric_as_float() {
    let Some(mut db) = server() else { return };
    let out = db
        .execute("SELECT 1.5::numeric", &[], &[SqlType::Float], false)
        .expect("runs");
    assert_eq!(out.rows.expect("rows").values, vec![Value::Float(1.5)]);
}

#[test]
fn out_of_range_parameter_is_an_error_not_a_wrapped_value() {
    let Some(mut db) = server() else { return };
    let err = db
        .execute("SELECT $1::int2", &[Value::Int(70_000)], &[], false)
        .expect_err("70000 is no int2");
    assert_eq!(err.kind, ErrorKind::Programming);
    assert!(err.message.contains("$1"), "{}", err.message);
}

#[test]
fn transactions_begin_at_the_first_statement_and_end_at_commit_or_rollback() {
    let Some(mut db) = server() else { return };
    assert!(!db.in_transaction());
    db.execute("SELECT 1", &[], &[], false).expect("runs");
    assert!(db.in_transaction());
    db.rollback().expect("rollback");
    assert!(!db.in_transaction());
    assert!(db.ping());
}

#[test]
fn server_errors_carry_their_sqlstate_class() {
    let Some(mut db) = server() else { return };
    let err = db
        .execute("SELECT 1/0", &[], &[], false)
        .expect_err("division by zero");
    assert_eq!(
        (err.kind, err.sqlstate.as_deref()),
        (ErrorKind::Data, Some("22012"))
    );
    db.rollback().expect("rollback");
    let err = db
        .execute("SELECT * FROM no_such_table_ferro", &[], &[], false)
        .expect_err("no table");
    assert_eq!(err.kind, ErrorKind::Programming);
}

#[test]
fn void_and_char_columns_read() {
    let Some(mut db) = server() else { return };
    let out = db
        .execute("SELECT pg_sleep(0), 'r'::\"char\"", &[], &[], false)
        .expect("runs");
    assert_eq!(
        out.rows.expect("rows").values,
        vec![Value::Null, Value::Text("r".into())]
    );
    db.rollback().expect("rollback");
}

#[test]
fn executemany_of_a_plain_insert_lands_every_row_across_batches() {
    let Some(mut db) = server() else { return };
    db.execute(
        "CREATE TEMPORARY TABLE ferro_batch (id SERIAL PRIMARY KEY, n INTEGER, s TEXT)",
        &[],
        &[],
        true,
    )
    .expect("ddl");
    let rows = ferro_tests::batch_rows(2_345);
    let (count, _) = db
        .execute_many(
            "INSERT INTO ferro_batch (n, s) VALUES ($1, $2)",
            &rows,
            true,
        )
        .expect("inserts");
    assert_eq!(count, 2_345);
    let out = db
        .execute("SELECT n, s FROM ferro_batch ORDER BY id", &[], &[], false)
        .expect("reads");
    assert_eq!(out.rows.expect("rows").values, rows.concat());
    db.rollback().expect("rollback");
}

/// A server-side cursor: DECLARE with bound parameters, FETCH per chunk with other statements in
/// between, CLOSE sent before the next statement once released, and gone with its transaction.
#[test]
fn server_side_cursors_fetch_in_chunks() {
    let Some(mut db) = server() else { return };
    let sql = "SELECT n, n::text FROM generate_series(1, $1::int) AS n";
    let (a, first) = db
        .open_cursor(sql, &[Value::Int(30)], &[SqlType::Integer], 5)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(first.columns, ["n", "n"]);
    assert_eq!(first.row(4), [Value::Int(5), Value::Text("5".into())]);
    let open = |db: &mut PgBackend| {
        let out = db
            .execute(
                "SELECT count(*) FROM pg_cursors WHERE name <> ''",
                &[],
                &[],
                false,
            )
            .expect("runs");
        out.rows.expect("rows").values[0].clone()
    };
    assert_eq!(open(&mut db), Value::Int(1));
    assert_eq!(db.fetch_cursor(a, 20).expect("fetches").len(), 20);
    assert_eq!(db.fetch_cursor(a, 20).expect("fetches").len(), 5);
    db.close_cursor(a);
    assert_eq!(open(&mut db), Value::Int(0));
    let (b, _) = db
        .open_cursor(sql, &[Value::Int(30)], &[], 1)
        .expect("opens");
    db.commit().expect("commits");
    let err = db
        .fetch_cursor(b, 5)
        .expect_err("the cursor ended with its transaction");
    assert_eq!(err.kind, ErrorKind::Programming);
    db.rollback().expect("rolls back");
}
