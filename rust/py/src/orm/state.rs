//! InstanceState: what the ORM knows about one object (identity, session, changes, expiry).
//! Stored in the object's `__dict__` as `_sa_instance_state`, as SQLAlchemy stores it.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyWeakrefMethods, PyWeakrefReference};
use pyo3::{PyTraverseError, PyVisit};

#[pyclass(module = "ferroalchemy._core")]
pub struct InstanceState {
    #[pyo3(get, set)]
    pub mapper: Py<PyAny>,
    /// Primary-key values once the object is persistent.
    #[pyo3(get, set)]
    pub identity: Option<Py<PyTuple>>,
    /// The owning session's id; 0 when in no session.
    #[pyo3(get, set)]
    pub session_id: u64,
    /// A DELETE for it was flushed in the current transaction.
    #[pyo3(get, set)]
    pub deleted: bool,
    /// Deleted and committed: detached for good.
    #[pyo3(get, set)]
    pub was_deleted: bool,
    #[pyo3(get, set)]
    pub modified: bool,
    /// Some loaded attributes were expired and reload on access.
    #[pyo3(get, set)]
    pub expired: bool,
    /// Attribute values as last loaded or flushed, for the attributes changed since.
    #[pyo3(get, set)]
    pub committed_state: Option<Py<PyDict>>,
    /// Holds the object alive while it has changes a flush must see (the identity map is weak).
    #[pyo3(get, set)]
    pub strong: Option<Py<PyAny>>,
    /// Order of `session.add()`, so INSERTs keep the order the user added objects.
    #[pyo3(get, set)]
    pub insert_order: u64,
    /// Relationship keys that raise instead of loading (the raiseload() option).
    #[pyo3(get, set)]
    pub raise_on: Option<Py<PyAny>>,
    /// Loader options the query that loaded the object passes on to its lazy loads:
    /// {relationship key: [options]} (deeper steps of defaultload()/lazyload() paths and
    /// with_loader_criteria()).
    #[pyo3(get, set)]
    pub load_options: Option<Py<PyAny>>,
    pub obj_ref: Option<Py<PyWeakrefReference>>,
}

/// The state's weak reference to its object, left out of the cyclic GC: a weakref without a
/// callback references nothing the collector follows, and every loaded object has one, so
/// tracking them only adds to each collection's work.
fn object_ref(obj: &Bound<'_, PyAny>) -> PyResult<Py<PyWeakrefReference>> {
    let weak = PyWeakrefReference::new(obj)?;
    // SAFETY: `weak` is a live weakref object without a callback (CPython may hand back the
    // object's existing callback-less weakref, which is the same kind), and we hold the GIL.
    // PyObject_GC_UnTrack accepts any GC-enabled object and is a no-op when it is not tracked;
    // weakref's own dealloc untracks again, which is the same no-op. Untracked, its tp_traverse
    // (which would visit only the absent callback) is simply never called.
    unsafe { pyo3::ffi::PyObject_GC_UnTrack(weak.as_ptr().cast()) };
    Ok(weak.unbind())
}

impl InstanceState {
    pub fn new_loaded(
        py: Python<'_>,
        mapper: Py<PyAny>,
        obj: &Bound<'_, PyAny>,
        identity: Py<PyTuple>,
        session_id: u64,
    ) -> PyResult<Self> {
        Ok(InstanceState {
            mapper,
            identity: Some(identity),
            session_id,
            deleted: false,
            was_deleted: false,
            modified: false,
            expired: false,
            committed_state: None,
            strong: None,
            insert_order: 0,
            raise_on: None,
            load_options: None,
            obj_ref: Some(object_ref(obj)?),
        })
        .inspect(|_| {
            let _ = py;
        })
    }

    pub fn object<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyAny>> {
        self.obj_ref.as_ref().and_then(|w| w.bind(py).upgrade())
    }
}

#[pymethods]
impl InstanceState {
    #[new]
    fn py_new(mapper: Py<PyAny>, obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(InstanceState {
            mapper,
            identity: None,
            session_id: 0,
            deleted: false,
            was_deleted: false,
            modified: false,
            expired: false,
            committed_state: None,
            strong: None,
            insert_order: 0,
            raise_on: None,
            load_options: None,
            obj_ref: Some(object_ref(obj)?),
        })
    }

    /// The object, or None once it has been garbage collected.
    fn obj<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyAny>> {
        self.object(py)
    }

    #[getter]
    fn transient(&self) -> bool {
        self.identity.is_none() && self.session_id == 0
    }

    #[getter]
    fn pending(&self) -> bool {
        self.identity.is_none() && self.session_id != 0
    }

    #[getter]
    fn persistent(&self) -> bool {
        self.identity.is_some() && self.session_id != 0 && !self.deleted
    }

    #[getter]
    fn is_deleted(&self) -> bool {
        self.deleted && self.session_id != 0
    }

    #[getter]
    fn detached(&self) -> bool {
        self.identity.is_some() && self.session_id == 0
    }

    #[getter]
    fn has_identity(&self) -> bool {
        self.identity.is_some()
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.mapper)?;
        visit.call(&self.identity)?;
        visit.call(&self.committed_state)?;
        visit.call(&self.strong)?;
        visit.call(&self.obj_ref)?;
        visit.call(&self.raise_on)?;
        visit.call(&self.load_options)?;
        Ok(())
    }

    fn __clear__(&mut self) {
        self.identity = None;
        self.committed_state = None;
        self.strong = None;
        self.obj_ref = None;
        self.raise_on = None;
        self.load_options = None;
    }
}

/// Attribute names per mapper, from a Python function of the mapper (`keys(mapper)`), asked once
/// per mapper: a flush or commit goes over thousands of objects of a few mappers.
pub struct KeysByMapper<'py> {
    keys: Bound<'py, PyAny>,
    seen: Vec<(Py<PyAny>, Vec<Bound<'py, PyAny>>)>,
}

impl<'py> KeysByMapper<'py> {
    pub fn new(keys: &Bound<'py, PyAny>) -> Self {
        KeysByMapper {
            keys: keys.clone(),
            seen: Vec::new(),
        }
    }

    pub fn of(&mut self, mapper: &Bound<'py, PyAny>) -> PyResult<&[Bound<'py, PyAny>]> {
        let i = match self.seen.iter().position(|(m, _)| m.is(mapper)) {
            Some(i) => i,
            None => {
                let names = self
                    .keys
                    .call1((mapper,))?
                    .try_iter()?
                    .collect::<PyResult<Vec<_>>>()?;
                self.seen.push((mapper.clone().unbind(), names));
                self.seen.len() - 1
            }
        };
        Ok(&self.seen[i].1)
    }
}

/// A mapped object's `__dict__`, where its loaded attribute values and its state live.
pub fn instance_dict<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    Ok(obj
        .getattr(pyo3::intern!(obj.py(), "__dict__"))?
        .cast_into::<PyDict>()?)
}

/// The default constructor's fast part: gives a new object its state and stores keyword arguments
/// that name plain column attributes (`plain`) straight into `__dict__` (a new object has no
/// identity, so there is no history to record). Stops at the first other key and returns the keys
/// from there on, in order, for Python to set through `__setattr__`.
#[pyfunction]
pub fn init_new<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    mapper: Py<PyAny>,
    kwargs: Option<&Bound<'py, PyDict>>,
    plain: &Bound<'py, PyAny>,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let dict = instance_dict(obj)?;
    let state_key = pyo3::intern!(py, "_sa_instance_state");
    if !dict.contains(state_key)? {
        let state = Py::new(py, InstanceState::py_new(mapper, obj)?)?;
        dict.set_item(state_key, state)?;
    }
    let mut rest = Vec::new();
    if let Some(kwargs) = kwargs {
        for (k, v) in kwargs.iter() {
            if rest.is_empty() && plain.contains(&k)? {
                dict.set_item(k, v)?;
            } else {
                rest.push(k);
            }
        }
    }
    Ok(rest)
}

/// Setting a column attribute: stores the value and, on an object with an identity, keeps the
/// value it had when loaded (once) in `committed_state`; the object's first change since its last
/// flush puts it in its session's dirty set.
#[pyfunction]
pub fn set_column<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
    value: &Bound<'py, PyAny>,
    no_value: &Bound<'py, PyAny>,
) -> PyResult<()> {
    let dict = instance_dict(obj)?;
    let state_key = pyo3::intern!(py, "_sa_instance_state");
    let Some(state) = dict.get_item(state_key)? else {
        dict.set_item(key, value)?;
        return Ok(());
    };
    let state = state.cast_into::<InstanceState>()?;
    let mut first = false;
    {
        let mut st = state.borrow_mut();
        if st.identity.is_some() {
            let cs = match &st.committed_state {
                Some(cs) => cs.bind(py).clone(),
                None => {
                    let cs = PyDict::new(py);
                    st.committed_state = Some(cs.clone().unbind());
                    cs
                }
            };
            if !cs.contains(key)? {
                let old = dict.get_item(key)?;
                cs.set_item(key, old.as_ref().unwrap_or(no_value))?;
            }
            if !st.modified {
                st.modified = true;
                first = true;
            }
        }
    }
    dict.set_item(key, value)?;
    if first {
        super::dirty::mark_dirty(py, &state, obj)?;
    }
    Ok(())
}

/// After a flush wrote them: the objects' changes are history, and the session stops holding them.
#[pyfunction]
pub fn clear_changes(states: Vec<Bound<'_, InstanceState>>) {
    for st in states {
        let mut st = st.borrow_mut();
        st.committed_state = None;
        st.modified = false;
        st.strong = None;
    }
}

/// The states whose object holds a value for one of `keys(mapper)` (a tuple of attribute names):
/// in a flush, the objects with loaded relationships, the only ones its relationship passes
/// (cascades, foreign-key sync, association rows) have anything to do for.
#[pyfunction]
pub fn with_loaded_keys<'py>(
    py: Python<'py>,
    states: Vec<Bound<'py, InstanceState>>,
    keys: &Bound<'py, PyAny>,
) -> PyResult<Vec<Bound<'py, InstanceState>>> {
    let mut by_mapper = KeysByMapper::new(keys);
    let mut out = Vec::new();
    for st in states {
        let (obj, mapper) = {
            let b = st.borrow();
            let Some(obj) = b.object(py) else { continue };
            (obj, b.mapper.bind(py).clone())
        };
        let names = by_mapper.of(&mapper)?;
        if names.is_empty() {
            continue;
        }
        let d = instance_dict(&obj)?;
        let mut loaded = false;
        for k in names {
            if d.contains(k)? {
                loaded = true;
                break;
            }
        }
        if loaded {
            out.push(st);
        }
    }
    Ok(out)
}

/// `states` grouped by mapper, in the order each mapper is first seen, each group in `states`'
/// order: `{mapper: [state, ...]}`. One pass where a flush would filter the list once per mapper.
#[pyfunction]
pub fn by_mapper<'py>(
    py: Python<'py>,
    states: Vec<Bound<'py, InstanceState>>,
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    let mut groups: Vec<(Py<PyAny>, Bound<'py, pyo3::types::PyList>)> = Vec::new();
    for st in states {
        let mapper = st.borrow().mapper.clone_ref(py);
        match groups.iter().find(|(m, _)| m.is(&mapper)) {
            Some((_, list)) => list.append(&st)?,
            None => {
                let list = pyo3::types::PyList::new(py, [&st])?;
                out.set_item(mapper.bind(py), &list)?;
                groups.push((mapper, list));
            }
        }
    }
    Ok(out)
}
