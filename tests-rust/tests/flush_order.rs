//! Table order for a flush: referenced tables first, ties in the caller's order, cycles reported.

use ferro_orm::sort_by_dependency;

#[test]
fn parents_before_children_keeping_caller_order() {
    // 0: employee -> 1: department; 2: audit (independent); 3: badge -> 0
    let deps = vec![vec![1], vec![], vec![], vec![0]];
    assert_eq!(
        sort_by_dependency(&deps).expect("acyclic"),
        vec![1, 0, 2, 3]
    );
}

#[test]
fn self_reference_is_not_a_cycle() {
    let deps = vec![vec![0], vec![0]];
    assert_eq!(sort_by_dependency(&deps).expect("acyclic"), vec![0, 1]);
}

#[test]
fn cycles_are_reported() {
    let deps = vec![vec![1], vec![0], vec![]];
    let err = sort_by_dependency(&deps).expect_err("cycle");
    assert_eq!(err.nodes, vec![0, 1]);
}
