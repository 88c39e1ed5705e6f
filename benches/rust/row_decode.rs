//! Row decoding: one `SELECT` of 10,000 rows x 8 typed columns from in-memory SQLite through the
//! engine's `Backend::execute`, which steps the statement and decodes every value to `Value`.

use std::hint::black_box;

use divan::Bencher;
use ferro_benches::{callgrind_mode, users_db, Callgrind, USER_COLUMNS};
use ferro_engine::sqlite::SqliteBackend;
use ferro_engine::{Backend, Rows};
use ferro_sql::SqlType;

const ROWS: i64 = 10_000;
const QUERY: &str = "SELECT id, name, email, age, active, created_at, score, note FROM users";

fn select_all(db: &mut SqliteBackend, types: &[SqlType]) -> Rows {
    db.execute(QUERY, &[], types, false)
        .expect("select users")
        .rows
        .expect("a SELECT returns rows")
}

fn column_types() -> Vec<SqlType> {
    USER_COLUMNS.iter().map(|(_, ty)| ty.clone()).collect()
}

#[divan::bench(sample_count = 30)]
fn decode_10k_rows(bencher: Bencher) {
    let mut db = users_db(ROWS);
    let types = column_types();
    let rows = select_all(&mut db, &types);
    assert_eq!(rows.len(), ROWS as usize, "fixture row count");
    bencher
        .counter(divan::counter::ItemsCount::new(ROWS as usize))
        .bench_local(|| select_all(&mut db, &types));
}

const CALLGRIND: &[Callgrind] = &[Callgrind {
    name: "decode_10k_rows",
    iters: 5,
    setup: || {
        let mut db = users_db(ROWS);
        let types = column_types();
        Box::new(move || {
            black_box(select_all(&mut db, &types));
        })
    },
}];

fn main() {
    if !callgrind_mode(CALLGRIND) {
        divan::main();
    }
}
