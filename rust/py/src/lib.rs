//! `ferroalchemy._core`: the Python bindings. The only crate that uses pyo3; Python objects of
//! results are built here, in one loop per statement, from rows the engine decoded.

mod convert;
mod engine;
mod errors;
mod orm;
mod processors;
mod sql;

use pyo3::prelude::*;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    sql::register(m)?;
    engine::register(m)?;
    orm::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
