//! Table order for a flush (and CREATE/DROP): referenced tables before the tables referencing
//! them, ties in the caller's order, self-references ignored, and cycles reported with exactly the
//! tables that form them.
#![allow(clippy::unwrap_used)]

use ferro_orm::{sort_by_dependency, CycleError};

/// Asserts that every dependency of every node comes before it in `order`.
fn assert_parents_first(deps: &[Vec<usize>], order: &[usize]) {
    let pos = |n: usize| {
        order
            .iter()
            .position(|&x| x == n)
            .expect("every node is ordered")
    };
    for (child, parents) in deps.iter().enumerate() {
        for &parent in parents.iter().filter(|&&p| p != child) {
            assert!(
                pos(parent) < pos(child),
                "{parent} must precede {child} in {order:?}"
            );
        }
    }
}

#[test]
fn parents_come_before_children() {
    // 0: employee -> 1: department; 2: audit (independent); 3: badge -> 0
    let deps = vec![vec![1], vec![], vec![], vec![0]];
    let order = sort_by_dependency(&deps).expect("acyclic");
    assert_eq!(order, [1, 0, 2, 3]);
    assert_parents_first(&deps, &order);
}

#[test]
fn ties_keep_the_callers_order() {
    let independent = vec![vec![]; 5];
    assert_eq!(sort_by_dependency(&independent).unwrap(), [0, 1, 2, 3, 4]);
    // 3 and 1 both wait for 4; once 4 is placed they follow in the caller's order.
    let deps = vec![vec![], vec![4], vec![], vec![4], vec![]];
    assert_eq!(sort_by_dependency(&deps).unwrap(), [0, 2, 4, 1, 3]);
}

#[test]
fn a_diamond_and_a_chain() {
    // 0 -> {1, 2}, 1 -> 3, 2 -> 3; 4 -> 0
    let deps = vec![vec![1, 2], vec![3], vec![3], vec![], vec![0]];
    let order = sort_by_dependency(&deps).unwrap();
    assert_eq!(order, [3, 1, 2, 0, 4]);
    assert_parents_first(&deps, &order);
    // A chain given backwards comes out reversed.
    let chain = vec![vec![1], vec![2], vec![3], vec![]];
    assert_eq!(sort_by_dependency(&chain).unwrap(), [3, 2, 1, 0]);
}

#[test]
fn repeated_dependencies_count_once() {
    let deps = vec![vec![1, 1, 1], vec![]];
    assert_eq!(sort_by_dependency(&deps).unwrap(), [1, 0]);
}

#[test]
fn self_references_are_not_cycles() {
    // employee.manager_id -> employee: rows of one table are ordered by the flush itself.
    let deps = vec![vec![0], vec![0, 1]];
    assert_eq!(sort_by_dependency(&deps).unwrap(), [0, 1]);
}

#[test]
fn empty_input() {
    assert_eq!(sort_by_dependency(&[]).unwrap(), Vec::<usize>::new());
}

#[test]
fn a_cycle_is_reported_with_its_nodes() {
    let deps = vec![vec![1], vec![0], vec![]];
    let err = sort_by_dependency(&deps).expect_err("cycle");
    assert_eq!(err, CycleError { nodes: vec![0, 1] });
    assert_eq!(
        err.to_string(),
        "Circular dependency detected among 2 tables"
    );
}

#[test]
fn a_longer_cycle_behind_independent_tables() {
    // 0 (independent); 1 -> 2 -> 3 -> 1
    let deps = vec![vec![], vec![2], vec![3], vec![1]];
    let err = sort_by_dependency(&deps).expect_err("cycle");
    assert_eq!(err.nodes, [1, 2, 3]);
}

#[test]
fn tables_that_only_depend_on_a_cycle_are_not_part_of_it() {
    // 0 <-> 1 form the cycle; 2 references 0 but no cycle runs through it. SQLAlchemy's
    // CircularDependencyError names only the cycle's members (topological.find_cycles).
    let deps = vec![vec![1], vec![0], vec![0]];
    let err = sort_by_dependency(&deps).expect_err("cycle");
    assert_eq!(err.nodes, [0, 1]);
    assert_eq!(
        err.to_string(),
        "Circular dependency detected among 2 tables"
    );
}
