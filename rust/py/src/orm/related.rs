//! Attaching a selectin load's related objects to their parents in one pass: children grouped by
//! key in a dict, each parent given its group (a collection) or its match (a many-to-one), with the
//! cyclic GC paused while the collections are made.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use super::loading::GcPause;
use super::state::instance_dict;

/// An attribute's value as loaded: from the object's `__dict__`, or through the attribute (which
/// loads it) when the dict lacks it.
fn loaded_attr<'py>(
    obj: &Bound<'py, PyAny>,
    attr: &Bound<'py, PyString>,
) -> PyResult<Bound<'py, PyAny>> {
    match instance_dict(obj)?.get_item(attr)? {
        Some(v) => Ok(v),
        None => obj.getattr(attr),
    }
}

/// Sets `key` on each parent from `children`: with `factory` (a collection), to
/// `factory(parent, prop, members)` where members are the children whose key equals the parent's
/// `parent_attr` value; without, to the first such child or None (a many-to-one). A child's key is
/// `child_keys[i]` when that is a list, else its attribute named `child_keys`.
#[pyfunction]
#[pyo3(signature = (parents, parent_attr, children, child_keys, key, prop, factory=None))]
#[allow(clippy::too_many_arguments)]
pub fn attach_related<'py>(
    py: Python<'py>,
    parents: Vec<Bound<'py, PyAny>>,
    parent_attr: Bound<'py, PyString>,
    children: Vec<Bound<'py, PyAny>>,
    child_keys: Bound<'py, PyAny>,
    key: Bound<'py, PyString>,
    prop: Bound<'py, PyAny>,
    factory: Option<Bound<'py, PyAny>>,
) -> PyResult<()> {
    let _gc = GcPause::new();
    let groups = PyDict::new(py);
    let keys_list = child_keys.cast::<PyList>().ok();
    let attr = child_keys.cast::<PyString>().ok();
    for (i, child) in children.iter().enumerate() {
        let k = match (&keys_list, &attr) {
            (Some(l), _) => l.get_item(i)?,
            (None, Some(a)) => loaded_attr(child, a)?,
            (None, None) => {
                return Err(pyo3::exceptions::PyTypeError::new_err(
                    "child_keys must be a list of keys or an attribute name",
                ))
            }
        };
        if k.is_none() {
            continue;
        }
        match groups.get_item(&k)? {
            Some(g) if factory.is_some() => g.cast::<PyList>()?.append(child)?,
            Some(_) => {}
            None if factory.is_some() => groups.set_item(&k, PyList::new(py, [child])?)?,
            None => groups.set_item(&k, child)?,
        }
    }
    for parent in &parents {
        let k = loaded_attr(parent, &parent_attr)?;
        let found = if k.is_none() {
            None
        } else {
            groups.get_item(&k)?
        };
        let value = match &factory {
            Some(f) => {
                let members = match found {
                    Some(g) => g,
                    None => PyList::empty(py).into_any(),
                };
                f.call1((parent, &prop, members))?
            }
            None => found.unwrap_or_else(|| py.None().into_bound(py)),
        };
        instance_dict(parent)?.set_item(&key, value)?;
    }
    Ok(())
}
