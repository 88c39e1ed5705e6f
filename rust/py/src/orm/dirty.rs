//! Each live session by id (held weakly), so that the first change to a persistent object registers
//! it in its session's dirty set (`_dirty_states`) from Rust, inside the attribute set. Weakly: a
//! session dropped without close() must be collectable with its objects in one garbage collection.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::types::{PyWeakrefMethods, PyWeakrefReference};

use super::state::InstanceState;

static SESSIONS: LazyLock<Mutex<HashMap<u64, Py<PyWeakrefReference>>>> =
    LazyLock::new(Default::default);

fn sessions() -> MutexGuard<'static, HashMap<u64, Py<PyWeakrefReference>>> {
    // A panic while holding the lock cannot leave the map half-updated (insert/remove are atomic).
    SESSIONS.lock().unwrap_or_else(|p| p.into_inner())
}

/// Called by Session.__init__; a weakref finalizer on the session calls `unregister_session`.
#[pyfunction]
pub fn register_session(session_id: u64, session: &Bound<'_, PyAny>) -> PyResult<()> {
    let weak = PyWeakrefReference::new(session)?.unbind();
    sessions().insert(session_id, weak);
    Ok(())
}

#[pyfunction]
pub fn unregister_session(session_id: u64) {
    sessions().remove(&session_id);
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
    let weak = sessions().get(&sid).map(|w| w.clone_ref(py));
    let Some(session) = weak.and_then(|w| w.bind(py).upgrade()) else {
        return Ok(());
    };
    state.borrow_mut().strong = Some(obj.clone().unbind());
    // Keyed as Python's id(state).
    session
        .getattr(pyo3::intern!(py, "_dirty_states"))?
        .set_item(state.as_ptr() as usize, state)?;
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
