//! Flush planning: rust/orm's foreign-key order over a 20-table mapper graph, and over the rows of
//! one self-referential table. rust/orm has no dedicated per-row order yet, so the second bench
//! feeds rows to the same sort as nodes: what a per-row order reusing it would cost.

use std::hint::black_box;

use divan::Bencher;
use ferro_benches::{callgrind_mode, mapper_graph, self_ref_rows, Callgrind};
use ferro_orm::sort_by_dependency;

const SELF_REF_ROWS: usize = 1_000;

fn order(deps: &[Vec<usize>]) -> Vec<usize> {
    sort_by_dependency(deps).expect("fixture graph is acyclic")
}

#[divan::bench]
fn mapper_graph_20_tables(bencher: Bencher) {
    let deps = mapper_graph();
    bencher.bench_local(|| order(black_box(&deps)));
}

#[divan::bench(sample_count = 50)]
fn self_ref_1000_rows(bencher: Bencher) {
    let deps = self_ref_rows(SELF_REF_ROWS);
    bencher.bench_local(|| order(black_box(&deps)));
}

const CALLGRIND: &[Callgrind] = &[
    Callgrind {
        name: "mapper_graph_20_tables",
        iters: 10_000,
        setup: || {
            let deps = mapper_graph();
            Box::new(move || {
                black_box(order(black_box(&deps)));
            })
        },
    },
    Callgrind {
        name: "self_ref_1000_rows",
        iters: 20,
        setup: || {
            let deps = self_ref_rows(SELF_REF_ROWS);
            Box::new(move || {
                black_box(order(black_box(&deps)));
            })
        },
    },
];

fn main() {
    if !callgrind_mode(CALLGRIND) {
        divan::main();
    }
}
