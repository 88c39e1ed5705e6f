//! Topological order of tables by foreign-key dependency: parents before children for INSERT and
//! CREATE, the reverse for DELETE and DROP. Ties keep the caller's order, so output is stable.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleError {
    /// Indices of the nodes left in the cycle.
    pub nodes: Vec<usize>,
}

impl fmt::Display for CycleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Circular dependency detected among {} tables",
            self.nodes.len()
        )
    }
}

impl std::error::Error for CycleError {}

/// `deps[i]` lists the nodes that node `i` depends on (self-references are ignored: rows of one
/// table are ordered by the flush, not here). Returns node indices, dependencies first.
pub fn sort_by_dependency(deps: &[Vec<usize>]) -> Result<Vec<usize>, CycleError> {
    let n = deps.len();
    let mut remaining: Vec<usize> = deps
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let mut d = d.clone();
            d.sort_unstable();
            d.dedup();
            d.iter().filter(|&&x| x != i && x < n).count()
        })
        .collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, d) in deps.iter().enumerate() {
        let mut d = d.clone();
        d.sort_unstable();
        d.dedup();
        for &x in d.iter().filter(|&&x| x != i && x < n) {
            dependents[x].push(i);
        }
    }
    let mut done = vec![false; n];
    let mut out = Vec::with_capacity(n);
    // Repeatedly take the first ready node in caller order: O(n^2) but n is the table count.
    while out.len() < n {
        let next = (0..n).find(|&i| !done[i] && remaining[i] == 0);
        match next {
            Some(i) => {
                done[i] = true;
                out.push(i);
                for &d in &dependents[i] {
                    remaining[d] -= 1;
                }
            }
            None => {
                // Left over are the cycles and the tables waiting on them; like SQLAlchemy's
                // find_cycles, report only the tables that lie on a cycle.
                let left: Vec<usize> = (0..n).filter(|&i| !done[i]).collect();
                let nodes = left
                    .iter()
                    .copied()
                    .filter(|&i| reaches(deps, &done, i, i))
                    .collect();
                return Err(CycleError { nodes });
            }
        }
    }
    Ok(out)
}

/// Whether `to` is reachable from `from` through at least one dependency among the nodes not
/// `done`, self-references aside.
fn reaches(deps: &[Vec<usize>], done: &[bool], from: usize, to: usize) -> bool {
    let n = deps.len();
    let mut seen = vec![false; n];
    let mut stack: Vec<usize> = vec![from];
    while let Some(x) = stack.pop() {
        for &y in deps[x].iter().filter(|&&y| y != x && y < n && !done[y]) {
            if y == to {
                return true;
            }
            if !seen[y] {
                seen[y] = true;
                stack.push(y);
            }
        }
    }
    false
}
