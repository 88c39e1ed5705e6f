//! Each live session's dirty set (its `_dirty_states` dict) by session id, so that the first change
//! to a persistent object registers it with its session from Rust, inside the attribute set.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::state::InstanceState;

static DIRTY: LazyLock<Mutex<HashMap<u64, Py<PyDict>>>> = LazyLock::new(Default::default);

fn sets() -> MutexGuard<'static, HashMap<u64, Py<PyDict>>> {
    // A panic while holding the lock cannot leave the map half-updated (insert/remove are atomic).
    DIRTY.lock().unwrap_or_else(|p| p.into_inner())
}

/// Called by Session.__init__; a weakref finalizer on the session calls `unregister_session`.
#[pyfunction]
pub fn register_session(session_id: u64, dirty: Py<PyDict>) {
    sets().insert(session_id, dirty);
}

#[pyfunction]
pub fn unregister_session(session_id: u64) {
    let removed = sets().remove(&session_id);
    drop(removed);
}

/// Puts `state` in its session's dirty set and holds its object strongly until the flush (the
/// identity map holds clean objects weakly). Nothing when the object is in no live session.
pub fn mark_dirty(
    py: Python<'_>,
    state: &Bound<'_, InstanceState>,
    obj: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let sid = state.borrow().session_id;
    if sid == 0 {
        return Ok(());
    }
    let dirty = sets().get(&sid).map(|d| d.clone_ref(py));
    if let Some(dirty) = dirty {
        state.borrow_mut().strong = Some(obj.clone().unbind());
        // Keyed as Python's id(state).
        dirty.bind(py).set_item(state.as_ptr() as usize, state)?;
    }
    Ok(())
}

/// `mark_dirty` for the Python paths that record a change themselves (relationships).
#[pyfunction]
#[pyo3(name = "mark_dirty")]
pub fn py_mark_dirty(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    state: &Bound<'_, InstanceState>,
) -> PyResult<()> {
    mark_dirty(py, state, obj)
}
