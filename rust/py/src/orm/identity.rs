//! The identity map: one object per (mapper, primary key) per session, keyed by Rust values so a
//! row's key is found without building Python objects. Entries hold the state; the state holds the
//! object weakly, so clean objects nobody references can go, as in SQLAlchemy.

use std::collections::HashMap;

use ferro_orm::IdentityKey;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use pyo3::{PyTraverseError, PyVisit};

use super::state::{instance_dict, InstanceState, KeysByMapper};
use crate::convert::{convert_plain, BindError, TypeHandle};

#[pyclass(module = "ferroalchemy._core")]
pub struct IdentityMap {
    pub map: HashMap<IdentityKey, Py<InstanceState>>,
    #[pyo3(get)]
    pub session_id: u64,
    /// Size after the last sweep of dead entries; the next sweep runs when the map doubles.
    swept_len: usize,
}

pub fn key_from_py(
    py: Python<'_>,
    mapper_id: u64,
    pk: &Bound<'_, PyTuple>,
    types: &[Bound<'_, TypeHandle>],
) -> PyResult<IdentityKey> {
    let mut vals = Vec::with_capacity(pk.len());
    for (i, v) in pk.iter().enumerate() {
        let ty = types.get(i).map(|t| t.get().ty.clone()).unwrap_or_default();
        vals.push(convert_plain(&v, &ty).map_err(|e| match e {
            BindError::Py(e) | BindError::Processor(e) => e,
            BindError::Driver(d) => crate::errors::exc(py, "ArgumentError", d.message),
        })?);
    }
    Ok(IdentityKey {
        mapper_id,
        pk: vals,
    })
}

impl IdentityMap {
    /// The live object and its state for a key; a dead entry is dropped on the way.
    pub fn lookup<'py>(
        &mut self,
        py: Python<'py>,
        key: &IdentityKey,
    ) -> Option<(Bound<'py, PyAny>, Py<InstanceState>)> {
        let state = self.map.get(key)?.clone_ref(py);
        let obj = state.borrow(py).object(py);
        match obj {
            Some(obj) => Some((obj, state)),
            None => {
                self.map.remove(key);
                None
            }
        }
    }

    pub fn insert(&mut self, py: Python<'_>, key: IdentityKey, state: Py<InstanceState>) {
        self.map.insert(key, state);
        if self.map.len() > 2 * self.swept_len + 1024 {
            self.sweep(py);
        }
    }

    fn sweep(&mut self, py: Python<'_>) {
        self.map.retain(|_, s| s.borrow(py).object(py).is_some());
        self.swept_len = self.map.len();
    }
}

#[pymethods]
impl IdentityMap {
    /// The garbage collector sees the states through the map: a session dropped in a reference
    /// cycle goes in one collection together with its objects (state <-> object cycles included).
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        for state in self.map.values() {
            visit.call(state)?;
        }
        Ok(())
    }

    fn __clear__(&mut self) {
        self.map.clear();
    }

    #[new]
    fn new(session_id: u64) -> Self {
        IdentityMap {
            map: HashMap::new(),
            session_id,
            swept_len: 0,
        }
    }

    fn get<'py>(
        &mut self,
        py: Python<'py>,
        mapper_id: u64,
        pk: &Bound<'py, PyTuple>,
        types: Vec<Bound<'py, TypeHandle>>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let key = key_from_py(py, mapper_id, pk, &types)?;
        Ok(self.lookup(py, &key).map(|(o, _)| o))
    }

    fn add(
        &mut self,
        py: Python<'_>,
        mapper_id: u64,
        pk: &Bound<'_, PyTuple>,
        types: Vec<Bound<'_, TypeHandle>>,
        state: Py<InstanceState>,
    ) -> PyResult<()> {
        let key = key_from_py(py, mapper_id, pk, &types)?;
        self.insert(py, key, state);
        Ok(())
    }

    fn remove(
        &mut self,
        py: Python<'_>,
        mapper_id: u64,
        pk: &Bound<'_, PyTuple>,
        types: Vec<Bound<'_, TypeHandle>>,
    ) -> PyResult<bool> {
        let key = key_from_py(py, mapper_id, pk, &types)?;
        Ok(self.map.remove(&key).is_some())
    }

    /// States whose objects are alive.
    fn states<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.sweep(py);
        PyList::new(py, self.map.values().map(|s| s.clone_ref(py)))
    }

    fn clear(&mut self) {
        self.map.clear();
        self.swept_len = 0;
    }

    /// Detaches every object (session close / expunge_all) and empties the map, in one call.
    fn detach_all(&mut self, py: Python<'_>) {
        for state in self.map.values() {
            let mut st = state.borrow_mut(py);
            st.session_id = 0;
            st.strong = None;
        }
        self.clear();
    }

    /// Expires every live object (commit with expire_on_commit, rollback): removes the attributes
    /// `keys(mapper)` names from each `__dict__` and resets the state's change tracking. One call,
    /// because commit runs it over the whole identity map.
    fn expire_all(&mut self, py: Python<'_>, keys: &Bound<'_, PyAny>) -> PyResult<()> {
        self.sweep(py);
        let mut by_mapper = KeysByMapper::new(keys);
        for state in self.map.values() {
            let mut st = state.borrow_mut(py);
            let Some(obj) = st.object(py) else { continue };
            let names = by_mapper.of(st.mapper.bind(py))?;
            let dict = instance_dict(&obj)?;
            for name in names {
                if dict.contains(name)? {
                    dict.del_item(name)?;
                }
            }
            st.expired = true;
            st.committed_state = None;
            st.modified = false;
            st.strong = None;
        }
        Ok(())
    }

    fn __len__(&mut self, py: Python<'_>) -> usize {
        self.sweep(py);
        self.map.len()
    }
}
