//! Load plans and hydration: rows to ORM objects in one loop under the GIL. Each entity row's
//! identity key is hashed from Rust values first, so a row whose object is already in the identity
//! map (a repeated parent in a join, an object loaded earlier) creates nothing.

use std::collections::HashSet;

use ferro_engine::Rows;
use ferro_orm::IdentityKey;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyString, PyTuple};

use super::identity::IdentityMap;
use super::joined::{JoinedAcc, JoinedItem, JoinedParent};
use super::spec::MapperSpec;
use super::state::{instance_dict, InstanceState};
use crate::engine::result::{keys_new, Keys};
use crate::processors::ColumnValues;

pub struct EntityItem {
    spec: Py<MapperSpec>,
    /// (index into spec.cols, result column index) for each loaded attribute.
    attrs: Vec<(usize, usize)>,
    /// Result column index of each primary-key column, in spec.pk order.
    pk: Vec<usize>,
}

enum PlanItem {
    Column(usize),
    Entity(EntityItem),
    /// A joined eager load's related object: attached to the parent object at `parent` in the
    /// output row instead of appearing in it.
    Joined(JoinedItem),
}

#[pyclass(frozen, module = "ferroalchemy._core")]
pub struct LoadPlan {
    items: Vec<PlanItem>,
    pub keys: Keys,
}

fn entity_item(it: &Bound<'_, PyTuple>) -> PyResult<EntityItem> {
    let spec: Py<MapperSpec> = it.get_item(1)?.cast::<MapperSpec>()?.clone().unbind();
    let attrs: Vec<(usize, usize)> = it.get_item(2)?.extract()?;
    let s = spec.get();
    if attrs.iter().any(|&(ci, _)| s.attr(ci).is_none()) {
        return Err(pyo3::exceptions::PyValueError::new_err(
            "a load plan names an attribute its mapper does not have",
        ));
    }
    let mut pk = Vec::with_capacity(s.pk.len());
    for &pi in &s.pk {
        let pos = attrs.iter().find(|(c, _)| *c == pi).map(|(_, r)| *r);
        pk.push(pos.ok_or_else(|| {
            pyo3::exceptions::PyValueError::new_err(
                "a load plan must select every primary-key column of its entity",
            )
        })?);
    }
    Ok(EntityItem { spec, attrs, pk })
}

#[pymethods]
impl LoadPlan {
    /// `items`: ("column", index), ("entity", spec, [(spec column, result column)]) or
    /// ("joined", spec, [(spec column, result column)], parent position, key, uselist, sink).
    #[new]
    fn new(py: Python<'_>, items: Vec<Bound<'_, PyTuple>>, keys: Vec<String>) -> PyResult<Self> {
        let mut out = Vec::with_capacity(items.len());
        for it in items {
            let kind: String = it.get_item(0)?.extract()?;
            match kind.as_str() {
                "column" => out.push(PlanItem::Column(it.get_item(1)?.extract()?)),
                "entity" => out.push(PlanItem::Entity(entity_item(&it)?)),
                "joined" => out.push(PlanItem::Joined(JoinedItem::new(entity_item(&it)?, &it)?)),
                other => {
                    return Err(pyo3::exceptions::PyValueError::new_err(format!(
                        "unknown plan item {other}"
                    )))
                }
            }
        }
        Ok(LoadPlan {
            items: out,
            keys: keys_new(py, keys)?,
        })
    }
}

static OBJECT_NEW: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn object_new(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    OBJECT_NEW
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(
                py.import("builtins")?
                    .getattr("object")?
                    .getattr("__new__")?
                    .unbind(),
            )
        })
        .map(|f| f.bind(py))
}

/// Pauses CPython's cyclic GC while a result's objects are built: nothing made in that loop is
/// garbage yet, and each object brings several GC-tracked allocations (object, `__dict__`,
/// state, weakref, row), which would otherwise set off collections over the whole heap every
/// few hundred rows. Restores the collector as it was, also when hydration fails.
pub(crate) struct GcPause(bool);

impl GcPause {
    pub(crate) fn new() -> Self {
        // SAFETY: PyGC_Disable/PyGC_IsEnabled only read and set the interpreter's GC flag; they
        // are called with the GIL held (callers run attached) and take no pointers.
        GcPause(unsafe { pyo3::ffi::PyGC_Disable() } == 1)
    }
}

impl Drop for GcPause {
    fn drop(&mut self) {
        if self.0 {
            // SAFETY: as above; the GIL is still held when the guard drops inside hydrate.
            unsafe { pyo3::ffi::PyGC_Enable() };
        }
    }
}

/// What one hydrate call reads rows with.
/// The attribute of plan column `ci`, checked against the spec when the plan was built.
fn attr_of(s: &MapperSpec, ci: usize) -> &Py<PyString> {
    match s.attr(ci) {
        Some(a) => a,
        None => unreachable!("entity_item checked every plan column against its spec"),
    }
}

struct Hydrator<'a, 'py> {
    py: Python<'py>,
    rows: &'a Rows,
    cols: &'a ColumnValues,
    idmap: Option<PyRefMut<'py, IdentityMap>>,
    session_id: u64,
    populate_existing: bool,
    new: Bound<'py, PyAny>,
    /// States of the objects this call has populated, by address.
    populated: HashSet<usize>,
}

impl<'py> Hydrator<'_, 'py> {
    /// The object for row `r` of an entity: the identity map's when it holds the key (filling in
    /// what it has not loaded), else a new loaded one. None for an outer join's missing side.
    fn object(&mut self, e: &EntityItem, r: usize) -> PyResult<Option<Bound<'py, PyAny>>> {
        let py = self.py;
        let (rows, cols) = (self.rows, self.cols);
        let row = rows.row(r);
        let s = e.spec.get();
        let key = IdentityKey {
            mapper_id: s.mapper_id,
            pk: e.pk.iter().map(|&i| row[i].clone()).collect(),
        };
        if !key.is_complete() {
            return Ok(None);
        }
        if let Some((obj, state)) = self.idmap.as_mut().and_then(|m| m.lookup(py, &key)) {
            // An object this result already populated (a parent repeated by a join) is taken
            // as it is, as SQLAlchemy populates an object once per load.
            if !self.populated.insert(state.as_ptr() as usize) {
                return Ok(Some(obj));
            }
            let d = instance_dict(&obj)?;
            let mut st = state.borrow_mut(py);
            if self.populate_existing {
                // Overwrite loaded values and forget pending changes, as SQLAlchemy does.
                for &(ci, ri) in &e.attrs {
                    d.set_item(attr_of(s, ci).bind(py), cols.cell(py, rows, r, ri)?)?;
                }
                st.expired = false;
                st.committed_state = None;
            } else {
                // Unloaded or expired attributes the row carries are filled in; loaded ones keep
                // their (possibly changed) values, as in SQLAlchemy.
                for &(ci, ri) in &e.attrs {
                    let attr = attr_of(s, ci).bind(py);
                    if !d.contains(attr)? {
                        d.set_item(attr, cols.cell(py, rows, r, ri)?)?;
                    }
                }
                st.expired = false;
            }
            return Ok(Some(obj));
        }
        let obj = self.new.call1((s.cls.bind(py),))?;
        let d = instance_dict(&obj)?;
        for &(ci, ri) in &e.attrs {
            d.set_item(attr_of(s, ci).bind(py), cols.cell(py, rows, r, ri)?)?;
        }
        let mut ident = Vec::with_capacity(s.pk.len());
        for &pi in &s.pk {
            ident.push(d.get_item(s.cols[pi].attr.bind(py))?);
        }
        let identity = PyTuple::new(py, ident)?.unbind();
        let state = Py::new(
            py,
            InstanceState::new_loaded(py, s.mapper.clone_ref(py), &obj, identity, self.session_id)?,
        )?;
        d.set_item(intern!(py, "_sa_instance_state"), &state)?;
        self.populated.insert(state.as_ptr() as usize);
        if let Some(m) = self.idmap.as_mut() {
            m.insert(py, key, state);
        }
        Ok(Some(obj))
    }
}

/// Turns decoded rows into tuples of column values and ORM objects, per the plan.
pub fn hydrate(
    py: Python<'_>,
    plan: &LoadPlan,
    rows: &Rows,
    cols: &ColumnValues,
    identity_map: Option<&Bound<'_, IdentityMap>>,
    populate_existing: bool,
) -> PyResult<Vec<Py<PyTuple>>> {
    let _gc = GcPause::new();
    let idmap = identity_map.map(|m| m.borrow_mut());
    let session_id = idmap.as_ref().map(|m| m.session_id).unwrap_or(0);
    let mut h = Hydrator {
        py,
        rows,
        cols,
        idmap,
        session_id,
        populate_existing,
        new: object_new(py)?.clone(),
        populated: HashSet::new(),
    };
    let mut joined: Vec<JoinedAcc> = plan
        .items
        .iter()
        .filter_map(|i| match i {
            PlanItem::Joined(_) => Some(JoinedAcc::default()),
            _ => None,
        })
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    let mut items: Vec<Py<PyAny>> = Vec::with_capacity(plan.items.len());
    let mut row_joined: Vec<Option<Bound<'_, PyAny>>> = Vec::with_capacity(joined.len());
    for r in 0..rows.len() {
        items.clear();
        row_joined.clear();
        let mut k = 0;
        for item in &plan.items {
            match item {
                PlanItem::Column(i) => items.push(cols.cell(py, rows, r, *i)?),
                PlanItem::Entity(e) => match h.object(e, r)? {
                    Some(obj) => items.push(obj.unbind()),
                    None => items.push(py.None()),
                },
                PlanItem::Joined(j) => {
                    let child = h.object(&j.entity, r)?;
                    let parent = match j.parent {
                        JoinedParent::Row(p) => items.get(p).map(|o| o.bind(py).clone()),
                        JoinedParent::Joined(i) => row_joined.get(i).cloned().flatten(),
                    };
                    joined[k].add(py, j, parent.as_ref(), child.clone(), populate_existing)?;
                    row_joined.push(child);
                    k += 1;
                }
            }
        }
        out.push(PyTuple::new(py, items.drain(..))?.unbind());
    }
    let joined_items = plan.items.iter().filter_map(|i| match i {
        PlanItem::Joined(j) => Some(j),
        _ => None,
    });
    for (acc, j) in joined.into_iter().zip(joined_items) {
        acc.finish(py, j)?;
    }
    Ok(out)
}
