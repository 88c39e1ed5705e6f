//! Result rows as SQLAlchemy shows them: `Row` (a named tuple: tuple repr and equality, attribute,
//! index and `_mapping` access), `RowMapping`, and the buffered cursor behind `Result`.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::RecordBatchIterator;
use ferro_engine::pool::Slot;
use ferro_engine::{CursorId, Rows};
use ferro_sql::SqlType;
use pyo3::exceptions::{PyAttributeError, PyIndexError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::types::{PyCapsule, PyDict, PyList, PySlice, PyString, PyTuple};
use pyo3::{PyTraverseError, PyVisit};

use crate::convert::{py_to_value, value_to_py};
use crate::engine::Connection;
use crate::errors::{driver_error, exc};
use crate::orm::loading::LoadPlan;
use crate::orm::IdentityMap;

/// The column names of a result, shared by all its rows.
pub struct KeysInner {
    pub names: Vec<String>,
    pub index: HashMap<String, usize>,
    pub py_names: Py<PyTuple>,
}

pub type Keys = Arc<KeysInner>;

pub fn keys_new(py: Python<'_>, names: Vec<String>) -> PyResult<Keys> {
    {
        let mut index = HashMap::with_capacity(names.len());
        // The first column of a name wins, as in SQLAlchemy's keymap.
        for (i, n) in names.iter().enumerate() {
            index.entry(n.clone()).or_insert(i);
        }
        let py_names = PyTuple::new(py, names.iter().map(|n| PyString::intern(py, n)))?.unbind();
        Ok(Arc::new(KeysInner {
            names,
            index,
            py_names,
        }))
    }
}

/// Decoded rows to Python tuples: the one loop over rows × columns, under the GIL.
pub fn plain_tuples(py: Python<'_>, rows: &Rows) -> PyResult<Vec<Py<PyTuple>>> {
    let w = rows.width();
    let mut out = Vec::with_capacity(rows.len());
    let mut buf = Vec::with_capacity(w);
    for chunk in rows.values.chunks(w.max(1)) {
        buf.clear();
        for v in chunk {
            buf.push(value_to_py(py, v)?);
        }
        out.push(PyTuple::new(py, buf.drain(..))?.unbind());
    }
    Ok(out)
}

#[pyclass(frozen, module = "ferroalchemy._core", name = "Row", sequence)]
pub struct Row {
    pub values: Py<PyTuple>,
    pub keys: Keys,
}

fn key_name(key: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if let Ok(s) = key.cast::<PyString>() {
        return Ok(Some(s.to_str()?.to_owned()));
    }
    // Column objects look themselves up by their key, as `row._mapping[users.c.name]` does.
    match key.getattr("key") {
        Ok(k) => Ok(k.extract::<String>().ok()),
        Err(_) => Ok(None),
    }
}

#[pymethods]
impl Row {
    fn __len__(&self, py: Python<'_>) -> usize {
        self.values.bind(py).len()
    }

    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        idx: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let t = self.values.bind(py);
        if let Ok(i) = idx.extract::<isize>() {
            let n = t.len() as isize;
            let j = if i < 0 { i + n } else { i };
            if j < 0 || j >= n {
                return Err(PyIndexError::new_err("tuple index out of range"));
            }
            return t.get_item(j as usize);
        }
        if idx.cast::<PySlice>().is_ok() {
            return t.as_any().get_item(idx);
        }
        Err(PyTypeError::new_err(format!(
            "tuple indices must be integers or slices, not {}",
            idx.get_type().name()?
        )))
    }

    fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        match self.keys.index.get(name) {
            Some(&i) => self.values.bind(py).get_item(i),
            None => Err(PyAttributeError::new_err(format!(
                "Could not locate column in row for column '{name}'"
            ))),
        }
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.values.bind(py).as_any().try_iter()?.into_any())
    }

    fn __contains__(&self, py: Python<'_>, item: &Bound<'_, PyAny>) -> PyResult<bool> {
        self.values.bind(py).contains(item)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.values.bind(py).repr()?.to_str()?.to_owned())
    }

    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        self.values.bind(py).hash()
    }

    fn __richcmp__(
        &self,
        py: Python<'_>,
        other: &Bound<'_, PyAny>,
        op: CompareOp,
    ) -> PyResult<Py<PyAny>> {
        let mine = self.values.bind(py);
        let theirs: Bound<'_, PyAny> = match other.cast::<Row>() {
            Ok(r) => r.get().values.bind(py).clone().into_any(),
            Err(_) => other.clone(),
        };
        Ok(mine.as_any().rich_compare(theirs, op)?.unbind())
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        // Pickles as a plain tuple: the keys live in the result, not in a pickle.
        Ok((
            py.import("builtins")?.getattr("tuple")?,
            (self.values.clone_ref(py),),
        )
            .into_pyobject(py)?
            .into_any())
    }

    #[getter]
    fn _mapping(&self, py: Python<'_>) -> RowMapping {
        RowMapping {
            values: self.values.clone_ref(py),
            keys: self.keys.clone(),
        }
    }

    #[getter]
    fn _fields<'py>(&self, py: Python<'py>) -> Bound<'py, PyTuple> {
        self.keys.py_names.bind(py).clone()
    }

    #[getter]
    fn _t<'py>(&self, py: Python<'py>) -> Bound<'py, PyTuple> {
        self.values.bind(py).clone()
    }

    #[getter]
    fn t<'py>(&self, py: Python<'py>) -> Bound<'py, PyTuple> {
        self.values.bind(py).clone()
    }

    fn _tuple<'py>(&self, py: Python<'py>) -> Bound<'py, PyTuple> {
        self.values.bind(py).clone()
    }

    fn tuple<'py>(&self, py: Python<'py>) -> Bound<'py, PyTuple> {
        self.values.bind(py).clone()
    }

    fn _asdict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self._mapping(py).as_dict(py)
    }

    fn count(&self, py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<usize> {
        self.values
            .bind(py)
            .as_any()
            .call_method1("count", (value,))?
            .extract()
    }

    fn index(&self, py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<usize> {
        self.values
            .bind(py)
            .as_any()
            .call_method1("index", (value,))?
            .extract()
    }
}

#[pyclass(frozen, module = "ferroalchemy._core", name = "RowMapping", mapping)]
pub struct RowMapping {
    values: Py<PyTuple>,
    keys: Keys,
}

impl RowMapping {
    fn as_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let vals = self.values.bind(py);
        for (n, i) in self.keys.names.iter().zip(0usize..) {
            if self.keys.index.get(n) == Some(&i) {
                d.set_item(n, vals.get_item(i)?)?;
            }
        }
        Ok(d)
    }
}

#[pymethods]
impl RowMapping {
    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if let Some(name) = key_name(key)? {
            if let Some(&i) = self.keys.index.get(&name) {
                return self.values.bind(py).get_item(i);
            }
        }
        // SQLAlchemy's NoSuchColumnError, which is also a KeyError.
        Err(crate::errors::exc(
            py,
            "NoSuchColumnError",
            format!("Could not locate column in row for column '{}'", key.str()?),
        ))
    }

    fn __len__(&self) -> usize {
        self.keys.index.len()
    }

    fn __contains__(&self, key: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(match key_name(key)? {
            Some(n) => self.keys.index.contains_key(&n),
            None => false,
        })
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.keys(py)?.as_any().try_iter()?.into_any())
    }

    fn keys<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        Ok(self.as_dict(py)?.keys())
    }

    fn values<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        Ok(self.as_dict(py)?.values())
    }

    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        Ok(self.as_dict(py)?.items())
    }

    #[pyo3(signature = (key, default=None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match self.__getitem__(py, key) {
            Ok(v) => Ok(v),
            Err(_) => Ok(default.unwrap_or_else(|| py.None().into_bound(py))),
        }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.as_dict(py)?.repr()?.to_str()?.to_owned())
    }

    fn __richcmp__(
        &self,
        py: Python<'_>,
        other: &Bound<'_, PyAny>,
        op: CompareOp,
    ) -> PyResult<Py<PyAny>> {
        let mine = self.as_dict(py)?;
        let theirs: Bound<'_, PyAny> = match other.cast::<RowMapping>() {
            Ok(m) => m.get().as_dict(py)?.into_any(),
            Err(_) => other.clone(),
        };
        Ok(mine.as_any().rich_compare(theirs, op)?.unbind())
    }
}

/// An open streaming cursor behind a result: where its next rows come from, how many to ask for,
/// and how they become Python tuples.
pub struct Stream {
    pub conn: Py<Connection>,
    /// The pooled connection the cursor lives on: fetches go through `conn` (refused once it is
    /// closed), the release straight to the slot, which a shared pool (StaticPool) keeps open
    /// after this Connection closed.
    pub slot: Arc<Slot>,
    pub id: CursorId,
    /// Rows per fetch from the database; it grows by `growth` up to `max` (SQLAlchemy's
    /// BufferedRowCursorFetchStrategy), or stays at `max` when `growth` is 0 (yield_per).
    pub bufsize: usize,
    pub max: usize,
    pub growth: usize,
    pub types: Vec<SqlType>,
    pub plan: Option<Py<LoadPlan>>,
    pub identity_map: Option<Py<IdentityMap>>,
    pub populate_existing: bool,
}

impl Stream {
    /// The next up to `n` decoded rows, read and decoded with the GIL released.
    fn fetch(&self, py: Python<'_>, n: usize) -> PyResult<Rows> {
        let conn = self.conn.get();
        let out = py.detach(|| match conn.lock().as_ref() {
            Some(c) if Arc::ptr_eq(&c.slot, &self.slot) => {
                c.conn().fetch_cursor(self.id, n).map_err(Some)
            }
            _ => Err(None),
        });
        out.map_err(|e| match e {
            Some(e) => driver_error(py, &e, None, None),
            None => exc(py, "ResourceClosedError", "This Connection is closed"),
        })
    }

    fn tuples(&self, py: Python<'_>, rows: &Rows) -> PyResult<Vec<Py<PyTuple>>> {
        let conn = self.conn.get();
        crate::engine::rows_to_tuples(
            py,
            conn,
            rows,
            &self.types,
            self.plan.as_ref().map(|p| p.bind(py)),
            self.identity_map.as_ref().map(|m| m.bind(py)),
            self.populate_existing,
        )
    }
}

/// A result closed, exhausted or garbage collected tells the backend its cursor is done with (no
/// I/O: see `Backend::close_cursor`).
impl Drop for Stream {
    fn drop(&mut self) {
        self.conn.get().open_cursors().retain(|id| *id != self.id);
        self.slot.lock().close_cursor(self.id);
    }
}

/// A buffered result: rows as tuples until fetched, so `scalars()` never builds Row objects.
/// A plain (non-ORM) result keeps its decoded rows in Rust until a fetch needs tuples, so an Arrow
/// export reads them without building Python objects.
#[pyclass(module = "ferroalchemy._core")]
pub struct CursorResult {
    rows: Vec<Py<PyTuple>>,
    pending: Option<Rows>,
    /// The result columns' declared types where the statement knows them (for Arrow export).
    types: Vec<SqlType>,
    pos: usize,
    keys: Option<Keys>,
    #[pyo3(get)]
    rowcount: i64,
    #[pyo3(get)]
    lastrowid: Option<i64>,
    /// Set while rows are still in the database (a streamed result).
    stream: Option<Stream>,
    /// Called with each chunk's rows as they arrive (the ORM's per-chunk eager loads).
    #[pyo3(get, set)]
    on_chunk: Option<Py<PyAny>>,
}

impl CursorResult {
    pub fn without_rows(rowcount: i64, lastrowid: Option<i64>) -> Self {
        CursorResult {
            rows: Vec::new(),
            pending: None,
            types: Vec::new(),
            pos: 0,
            keys: None,
            rowcount,
            lastrowid,
            stream: None,
            on_chunk: None,
        }
    }

    pub fn with_rows(
        rows: Vec<Py<PyTuple>>,
        keys: Keys,
        rowcount: i64,
        lastrowid: Option<i64>,
    ) -> Self {
        CursorResult {
            rows,
            pending: None,
            types: Vec::new(),
            pos: 0,
            keys: Some(keys),
            rowcount,
            lastrowid,
            stream: None,
            on_chunk: None,
        }
    }

    /// A result whose rows are read from an open cursor as they are fetched; `rows` are the ones
    /// its opening read.
    pub fn streamed(
        py: Python<'_>,
        mut stream: Stream,
        first: &Rows,
        keys: Keys,
    ) -> PyResult<Self> {
        let exhausted = first.len() < stream.bufsize;
        let rows = stream.tuples(py, first)?;
        if stream.growth > 0 {
            // After its one-row first fetch, SQLAlchemy's buffer starts at the growth factor.
            stream.bufsize = stream.growth.min(stream.max);
        }
        let mut r = Self::with_rows(rows, keys, -1, None);
        r.stream = Some(stream);
        if exhausted {
            r.end_stream();
        }
        Ok(r)
    }

    fn end_stream(&mut self) {
        self.stream = None;
    }

    /// Reads chunks from the cursor until `want` rows are buffered (all of them for None).
    fn fill(&mut self, py: Python<'_>, want: Option<usize>) -> PyResult<()> {
        loop {
            let Some(s) = self.stream.as_mut() else {
                return Ok(());
            };
            let have = self.rows.len() - self.pos;
            let ask = match want {
                Some(n) if have >= n => return Ok(()),
                // One row (fetchone, iteration) refills the buffer; several (fetchmany) read just
                // the missing ones, as SQLAlchemy's BufferedRowCursorFetchStrategy does: what is
                // read ahead matters on MySQL, where the next statement discards the unread rest.
                Some(1) => s.bufsize,
                Some(n) => n - have,
                None => s.bufsize.max(s.max),
            };
            let chunk = s.fetch(py, ask)?;
            if s.growth > 0 && s.bufsize < s.max {
                s.bufsize = (s.bufsize * s.growth).min(s.max);
            }
            let tuples = s.tuples(py, &chunk)?;
            let exhausted = chunk.len() < ask;
            drop(chunk);
            if exhausted {
                self.end_stream();
            }
            // Rows already handed out leave the buffer, so memory holds about one chunk.
            self.rows.drain(..self.pos);
            self.pos = 0;
            if let Some(cb) = &self.on_chunk {
                if !tuples.is_empty() {
                    let batch = PyList::new(py, tuples.iter().map(|t| t.clone_ref(py)))?;
                    cb.call1(py, (batch,))?;
                }
            }
            self.rows.extend(tuples);
            if exhausted {
                return Ok(());
            }
        }
    }

    /// A plain result over decoded rows; tuples are built on the first fetch.
    pub fn with_values(
        rows: Rows,
        types: Vec<SqlType>,
        keys: Keys,
        rowcount: i64,
        lastrowid: Option<i64>,
    ) -> Self {
        CursorResult {
            pending: Some(rows),
            types,
            ..Self::with_rows(Vec::new(), keys, rowcount, lastrowid)
        }
    }

    /// Turns rows still held in Rust into tuples (the one loop over rows x columns).
    fn materialize(&mut self, py: Python<'_>) -> PyResult<()> {
        if let Some(rows) = self.pending.take() {
            self.rows = plain_tuples(py, &rows)?;
        }
        Ok(())
    }

    /// The unfetched rows as decoded values, consuming them.
    fn take_values(&mut self, py: Python<'_>, names: Vec<String>) -> PyResult<Rows> {
        self.fill(py, None)?;
        if let Some(mut rows) = self.pending.take() {
            rows.columns = names;
            return Ok(rows);
        }
        let mut values = Vec::with_capacity((self.rows.len() - self.pos) * names.len());
        for t in self.take(None) {
            for (i, item) in t.bind(py).iter().enumerate() {
                let v = py_to_value(&item, &SqlType::Null).map_err(|_| {
                    PyTypeError::new_err(format!(
                        "Arrow export: column '{}' holds a {} value, not a column value Arrow can hold",
                        names.get(i).map_or("?", String::as_str),
                        item.get_type().name().map_or_else(|_| "?".into(), |n| n.to_string())
                    ))
                })?;
                values.push(v);
            }
        }
        Ok(Rows {
            columns: names,
            values,
        })
    }

    fn take(&mut self, n: Option<usize>) -> &[Py<PyTuple>] {
        let end = match n {
            Some(n) => (self.pos + n).min(self.rows.len()),
            None => self.rows.len(),
        };
        let start = self.pos;
        self.pos = end;
        &self.rows[start..end]
    }

    fn row(&self, py: Python<'_>, t: &Py<PyTuple>) -> PyResult<Py<Row>> {
        let keys = self.keys.clone().ok_or_else(no_rows_error)?;
        new_row(py, t, keys)
    }
}

/// A Row over `values`. Every pyclass is a GC type, but a row whose values the collector does not
/// track (ints, strings, floats, dates, Decimals: no containers) can never be part of a reference
/// cycle: its tuple is immutable and its keys are strings. Such a row leaves the collector's lists at
/// once, as CPython's own tuples of atomic values do, so building a large `.all()` does not make
/// every collection on the way traverse all the rows built so far.
fn new_row(py: Python<'_>, values: &Py<PyTuple>, keys: Keys) -> PyResult<Py<Row>> {
    let atomic = values
        .bind(py)
        .iter()
        // SAFETY: `v` is a live object borrowed from the tuple for the duration of the call.
        .all(|v| unsafe { pyo3::ffi::PyObject_GC_IsTracked(v.as_ptr()) } == 0);
    let row = Py::new(
        py,
        Row {
            values: values.clone_ref(py),
            keys,
        },
    )?;
    if atomic {
        // SAFETY: `row` is a live instance of a GC type (every pyclass is one), created above and
        // not yet shared; untracking it only removes it from the collector's generation lists,
        // which is sound for an object that cannot be in a cycle (see above). pyo3's dealloc
        // untracks again, a no-op for an untracked object.
        unsafe { pyo3::ffi::PyObject_GC_UnTrack(row.as_ptr().cast()) };
    }
    Ok(row)
}

fn no_rows_error() -> PyErr {
    PyAttributeError::new_err("result has no rows")
}

#[pymethods]
impl CursorResult {
    /// The garbage collector sees the buffered rows (ORM rows hold objects) and the chunk
    /// callback (it holds the session): a result in a reference cycle goes with what it holds.
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        for row in &self.rows {
            visit.call(row)?;
        }
        visit.call(&self.on_chunk)?;
        Ok(())
    }

    fn __clear__(&mut self) {
        self.rows.clear();
        self.pos = 0;
        self.on_chunk = None;
    }

    #[getter]
    fn returns_rows(&self) -> bool {
        self.keys.is_some()
    }

    fn keys(&self) -> Vec<String> {
        self.keys
            .as_ref()
            .map(|k| k.names.clone())
            .unwrap_or_default()
    }

    fn remaining(&mut self, py: Python<'_>) -> PyResult<usize> {
        self.fill(py, None)?;
        Ok(match &self.pending {
            Some(rows) => rows.len(),
            None => self.rows.len() - self.pos,
        })
    }

    /// True while rows are read from an open cursor as they are fetched.
    #[getter]
    fn streaming(&self) -> bool {
        self.stream.is_some()
    }

    /// Fixes the rows read per fetch from the database at `n` (`Result.yield_per()`).
    fn set_yield_per(&mut self, n: usize) {
        if let Some(s) = self.stream.as_mut() {
            s.bufsize = n.max(1);
            s.max = n.max(1);
            s.growth = 0;
        }
    }

    /// Up to `n` rows (all remaining with None) as Row objects.
    #[pyo3(signature = (n=None))]
    fn fetch_rows(&mut self, py: Python<'_>, n: Option<usize>) -> PyResult<Vec<Py<Row>>> {
        let keys = self.keys.clone().ok_or_else(no_rows_error)?;
        self.materialize(py)?;
        self.fill(py, n)?;
        let chunk = self.take(n);
        chunk.iter().map(|t| new_row(py, t, keys.clone())).collect()
    }

    /// Up to `n` rows as plain tuples (for filters built in Python).
    #[pyo3(signature = (n=None))]
    fn fetch_tuples(&mut self, py: Python<'_>, n: Option<usize>) -> PyResult<Vec<Py<PyTuple>>> {
        self.materialize(py)?;
        self.fill(py, n)?;
        Ok(self.take(n).iter().map(|t| t.clone_ref(py)).collect())
    }

    /// Up to `n` values of column `index`: `Result.scalars()` without building rows.
    #[pyo3(signature = (index, n=None))]
    fn fetch_scalars(
        &mut self,
        py: Python<'_>,
        index: usize,
        n: Option<usize>,
    ) -> PyResult<Vec<Py<PyAny>>> {
        self.materialize(py)?;
        self.fill(py, n)?;
        self.take(n)
            .iter()
            .map(|t| Ok(t.bind(py).get_item(index)?.unbind()))
            .collect()
    }

    /// The values of column `index` in the remaining rows, without consuming them (eager loaders
    /// read the parent objects of a result before the caller does).
    fn peek_column(&mut self, py: Python<'_>, index: usize) -> PyResult<Vec<Py<PyAny>>> {
        self.materialize(py)?;
        self.fill(py, None)?;
        self.rows[self.pos..]
            .iter()
            .map(|t| Ok(t.bind(py).get_item(index)?.unbind()))
            .collect()
    }

    /// The remaining rows as tuples, without consuming them; with `buffered_only`, only those a
    /// streamed result has read so far.
    #[pyo3(signature = (buffered_only=false))]
    fn peek_tuples(&mut self, py: Python<'_>, buffered_only: bool) -> PyResult<Vec<Py<PyTuple>>> {
        self.materialize(py)?;
        if !buffered_only {
            self.fill(py, None)?;
        }
        Ok(self.rows[self.pos..]
            .iter()
            .map(|t| t.clone_ref(py))
            .collect())
    }

    /// Keeps only the first `n` columns of every row (drops columns a joined eager load added).
    fn truncate_columns(&mut self, py: Python<'_>, n: usize) -> PyResult<()> {
        self.materialize(py)?;
        self.fill(py, None)?;
        for t in self.rows.iter_mut() {
            let b = t.bind(py);
            if b.len() > n {
                *t = b.get_slice(0, n).unbind();
            }
        }
        if let Some(k) = &self.keys {
            if k.names.len() > n {
                self.keys = Some(keys_new(py, k.names[..n].to_vec())?);
            }
        }
        Ok(())
    }

    fn fetchone(&mut self, py: Python<'_>) -> PyResult<Option<Py<Row>>> {
        self.materialize(py)?;
        self.fill(py, Some(1))?;
        if self.pos >= self.rows.len() {
            return Ok(None);
        }
        let t = self.rows[self.pos].clone_ref(py);
        self.pos += 1;
        self.row(py, &t).map(Some)
    }

    /// Wraps a tuple in a Row with this result's keys.
    fn make_row(&self, py: Python<'_>, values: &Bound<'_, PyTuple>) -> PyResult<Py<Row>> {
        self.row(py, &values.clone().unbind())
    }

    fn close(&mut self) {
        self.end_stream();
        self.rows.clear();
        self.pending = None;
        self.pos = 0;
    }

    /// The Arrow PyCapsule stream interface: the unfetched rows as one record batch, built in
    /// Rust from the decoded values (the GIL released) and handed over without a copy.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &mut self,
        py: Python<'py>,
        requested_schema: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // The interface lets a producer ignore a requested schema; the consumer casts if it must.
        let _ = requested_schema;
        let keys = self.keys.clone().ok_or_else(no_rows_error)?;
        let rows = self.take_values(py, keys.names.clone())?;
        let batch = py
            .detach(|| ferro_engine::arrow::record_batch(&rows, &self.types))
            .map_err(|e| PyValueError::new_err(format!("Arrow export: {e}")))?;
        let schema = batch.schema();
        let reader = RecordBatchIterator::new([Ok(batch)], schema);
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }
}

/// A Row from values and keys (for rows Python assembles, like `inserted_primary_key`).
#[pyfunction]
fn make_row(py: Python<'_>, values: &Bound<'_, PyTuple>, keys: Vec<String>) -> PyResult<Row> {
    Ok(Row {
        values: values.clone().unbind(),
        keys: keys_new(py, keys)?,
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(make_row, m)?)?;
    m.add_class::<Row>()?;
    m.add_class::<RowMapping>()?;
    m.add_class::<CursorResult>()?;
    Ok(())
}
