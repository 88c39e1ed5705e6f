//! Joined eager loading inside hydration: each row's related object goes straight onto its parent
//! object (a many-to-one attribute, or a collection gathered per parent without duplicates), so
//! rows never carry the joined columns' objects and nothing is done per row in Python.

use std::collections::{HashMap, HashSet};

use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};

use super::loading::EntityItem;
use super::state::instance_dict;

pub(crate) enum JoinedParent {
    Row(usize),
    Joined(usize),
}

pub(crate) struct JoinedItem {
    pub(crate) entity: EntityItem,
    /// Where the parent object is: the output row, or an earlier joined item (a nested
    /// joinedload).
    pub(crate) parent: JoinedParent,
    key: Py<PyString>,
    uselist: bool,
    /// Where the load reports to Python: each distinct related object of a many-to-one, or
    /// (parent, members, wanted) per parent of a collection (`wanted`: the parent had not loaded
    /// it, so Python sets the collection).
    sink: Py<PyList>,
}

impl JoinedItem {
    /// From ("joined", spec, attrs, parent, key, uselist, sink): `parent` >= 0 is a position in
    /// the output row, -1 - k the k-th joined item.
    pub(crate) fn new(entity: EntityItem, it: &Bound<'_, PyTuple>) -> PyResult<Self> {
        let parent: isize = it.get_item(3)?.extract()?;
        let parent = match usize::try_from(parent) {
            Ok(p) => JoinedParent::Row(p),
            Err(_) => JoinedParent::Joined((-1 - parent) as usize),
        };
        Ok(JoinedItem {
            entity,
            parent,
            key: it.get_item(4)?.cast_into::<PyString>()?.unbind(),
            uselist: it.get_item(5)?.extract()?,
            sink: it.get_item(6)?.cast_into::<PyList>()?.unbind(),
        })
    }
}

struct Members {
    parent: Py<PyAny>,
    wanted: bool,
    members: Vec<Py<PyAny>>,
    seen: HashSet<usize>,
}

/// One hydrate call's progress on a joined item.
#[derive(Default)]
pub(crate) struct JoinedAcc {
    /// Distinct related objects of a many-to-one, by address.
    seen: HashSet<usize>,
    /// A collection's parents by address, in first-row order.
    index: HashMap<usize, usize>,
    parents: Vec<Members>,
}

impl JoinedAcc {
    /// Takes a row's related object (None: the outer join found none) for `parent`.
    pub(crate) fn add(
        &mut self,
        py: Python<'_>,
        item: &JoinedItem,
        parent: Option<&Bound<'_, PyAny>>,
        child: Option<Bound<'_, PyAny>>,
        populate_existing: bool,
    ) -> PyResult<()> {
        let Some(parent) = parent.filter(|p| !p.is_none()) else {
            return Ok(());
        };
        let key = item.key.bind(py);
        if !item.uselist {
            let d = instance_dict(parent)?;
            // A parent that loaded it already (an earlier row or query) keeps its value, as in
            // SQLAlchemy, unless populate_existing asks for the row's.
            if populate_existing || !d.contains(key)? {
                match &child {
                    Some(c) => d.set_item(key, c)?,
                    None => d.set_item(key, py.None())?,
                }
            }
            if let Some(c) = child {
                if self.seen.insert(c.as_ptr() as usize) {
                    item.sink.bind(py).append(c)?;
                }
            }
            return Ok(());
        }
        let addr = parent.as_ptr() as usize;
        let slot = match self.index.get(&addr) {
            Some(&i) => i,
            None => {
                let wanted = populate_existing || !instance_dict(parent)?.contains(key)?;
                self.parents.push(Members {
                    parent: parent.clone().unbind(),
                    wanted,
                    members: Vec::new(),
                    seen: HashSet::new(),
                });
                self.index.insert(addr, self.parents.len() - 1);
                self.parents.len() - 1
            }
        };
        if let Some(c) = child {
            let m = &mut self.parents[slot];
            if m.seen.insert(c.as_ptr() as usize) {
                m.members.push(c.unbind());
            }
        }
        Ok(())
    }

    /// Reports each collection's parent and members to the sink.
    pub(crate) fn finish(self, py: Python<'_>, item: &JoinedItem) -> PyResult<()> {
        let sink = item.sink.bind(py);
        for m in self.parents {
            let members = PyList::new(py, m.members)?;
            sink.append((m.parent, members, m.wanted))?;
        }
        Ok(())
    }
}
