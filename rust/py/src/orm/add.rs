//! Session.add_all()'s common case in one call: new objects that no other session holds and whose
//! relationships are not loaded (nothing to cascade) join the session's pending set; the first
//! other object stops it, and Python's add() takes that one and the rest, in order.

use std::sync::atomic::{AtomicU64, Ordering};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use super::state::{instance_dict, InstanceState, KeysByMapper};

/// The order objects were added in, across sessions: pending objects INSERT in this order.
static INSERT_ORDER: AtomicU64 = AtomicU64::new(1);

#[pyfunction]
pub fn next_insert_order() -> u64 {
    INSERT_ORDER.fetch_add(1, Ordering::Relaxed)
}

/// Adds the leading objects of `objs` that are transient (no identity, in no session, never
/// deleted) and hold none of `keys(mapper)` (their writable relationships) to `new` (the session's
/// `_new`, keyed as Python's id(state)) as pending objects of session `session_id`. Returns how
/// many it added.
#[pyfunction]
pub fn add_pending(
    py: Python<'_>,
    objs: &Bound<'_, PyList>,
    new: &Bound<'_, PyDict>,
    session_id: u64,
    keys: &Bound<'_, PyAny>,
) -> PyResult<usize> {
    let state_key = pyo3::intern!(py, "_sa_instance_state");
    let mut by_mapper = KeysByMapper::new(keys);
    for (n, obj) in objs.iter().enumerate() {
        let Ok(dict) = instance_dict(&obj) else {
            return Ok(n);
        };
        let Some(state) = dict.get_item(state_key)? else {
            return Ok(n);
        };
        let Ok(state) = state.cast_into::<InstanceState>() else {
            return Ok(n);
        };
        {
            let st = state.borrow();
            if st.session_id != 0 || st.identity.is_some() || st.was_deleted {
                return Ok(n);
            }
            for k in by_mapper.of(st.mapper.bind(py))? {
                if dict.contains(k)? {
                    return Ok(n);
                }
            }
        }
        {
            let mut st = state.borrow_mut();
            st.session_id = session_id;
            st.insert_order = next_insert_order();
            st.strong = Some(obj.clone().unbind());
        }
        new.set_item(state.as_ptr() as usize, &state)?;
    }
    Ok(objs.len())
}
