//! The measurement behind aio.rs's choice of wake-up (built only with the cargo feature
//! `pyo3-async-runtimes-bridge`; `benches/aio_bridge.py` runs it): the same no-op awaited three
//! ways, pyo3-async-runtimes' `future_into_py` (plain, and with the `spawn_blocking` hop a
//! blocking driver call needs), a worker thread and the aio runtime's thread, both waking the
//! loop through the completions socket.

use pyo3::prelude::*;

use super::aio::{completions, workers};

#[pyfunction]
fn bridge_noop(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    pyo3_async_runtimes::tokio::future_into_py(py, async { Ok(()) })
}

#[pyfunction]
fn bridge_blocking_noop(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    pyo3_async_runtimes::tokio::future_into_py(py, async {
        let _ = tokio::task::spawn_blocking(|| ()).await;
        Ok(())
    })
}

#[pyfunction]
fn token_noop(py: Python<'_>, token: u64) -> PyResult<()> {
    let done = completions(py)?;
    workers()
        .submit(Box::new(move || token), done)
        .map_err(|e| crate::errors::exc(py, "InterfaceError", e))
}

#[pyfunction]
fn aio_noop(py: Python<'_>, token: u64) -> PyResult<()> {
    let done = completions(py)?;
    ferro_engine::runtime::aio_submit(Box::new(move || {
        Box::pin(async move {
            done.finished(token);
        })
    }))
    .map_err(|e| crate::errors::exc(py, "InterfaceError", e.message))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(aio_noop, m)?)?;
    m.add_function(wrap_pyfunction!(bridge_noop, m)?)?;
    m.add_function(wrap_pyfunction!(bridge_blocking_noop, m)?)?;
    m.add_function(wrap_pyfunction!(token_noop, m)?)?;
    Ok(())
}
