//! The statement cache: building `select(User).where(User.email == x)` and finding its compiled
//! SQL in the cache (the hot path of every repeated query) against compiling it cold.

use std::hint::black_box;
use std::sync::Arc;

use divan::Bencher;
use ferro_benches::{callgrind_mode, Callgrind, Users};
use ferro_sql::compiler::CompileOptions;
use ferro_sql::{compile, Compiled, Dialect, StatementCache};

/// A cache holding the statement's shape already, as after an application's first request.
fn warm_cache(users: &Users) -> StatementCache {
    let cache = StatementCache::new(500);
    cache
        .get_or_compile(&users.by_email("warm@example.com"), Dialect::Sqlite, &[])
        .expect("statement compiles");
    cache
}

/// What a repeated `session.execute(stmt)` does before binding: build the nodes, look them up.
fn build_and_hit(users: &Users, cache: &StatementCache) -> Arc<Compiled> {
    let stmt = users.by_email(black_box("alice@example.com"));
    cache
        .get_or_compile(&stmt, Dialect::Sqlite, &[])
        .expect("statement compiles")
}

/// What the first execution of a shape pays on top of building it.
fn build_and_compile(users: &Users) -> Compiled {
    let stmt = users.by_email(black_box("alice@example.com"));
    compile(&stmt, Dialect::Sqlite, &CompileOptions::default()).expect("statement compiles")
}

#[divan::bench]
fn hit(bencher: Bencher) {
    let users = Users::new();
    let cache = warm_cache(&users);
    bencher.bench_local(|| build_and_hit(&users, &cache));
}

/// The lookup alone, on a statement built once (cache key hashing, lock, map probe).
#[divan::bench]
fn hit_prebuilt(bencher: Bencher) {
    let users = Users::new();
    let cache = warm_cache(&users);
    let stmt = users.by_email("alice@example.com");
    bencher.bench_local(|| cache.get_or_compile(&stmt, Dialect::Sqlite, &[]));
}

#[divan::bench]
fn cold_compile(bencher: Bencher) {
    let users = Users::new();
    bencher.bench_local(|| build_and_compile(&users));
}

const CALLGRIND: &[Callgrind] = &[
    Callgrind {
        name: "hit",
        iters: 10_000,
        setup: || {
            let users = Users::new();
            let cache = warm_cache(&users);
            Box::new(move || {
                black_box(build_and_hit(&users, &cache));
            })
        },
    },
    Callgrind {
        name: "hit_prebuilt",
        iters: 10_000,
        setup: || {
            let users = Users::new();
            let cache = warm_cache(&users);
            let stmt = users.by_email("alice@example.com");
            Box::new(move || {
                black_box(cache.get_or_compile(&stmt, Dialect::Sqlite, &[]).ok());
            })
        },
    },
    Callgrind {
        name: "cold_compile",
        iters: 2_000,
        setup: || {
            let users = Users::new();
            Box::new(move || {
                black_box(build_and_compile(&users));
            })
        },
    },
];

fn main() {
    if !callgrind_mode(CALLGRIND) {
        divan::main();
    }
}
