//! Maps engine and compiler errors onto `ferroalchemy.exc`, whose classes mirror `sqlalchemy.exc`.

use ferro_engine::{EngineError, ErrorKind};
use ferro_sql::CompileError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyTuple;

static EXC_MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn exc_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    EXC_MODULE
        .get_or_try_init(py, || py.import("ferroalchemy.exc").map(|m| m.unbind()))
        .map(|m| m.bind(py))
}

/// Builds `ferroalchemy.exc.<name>(*args)` as a Python exception to raise.
pub fn exc(py: Python<'_>, name: &str, message: impl Into<String>) -> PyErr {
    let message = message.into();
    match exc_module(py).and_then(|m| m.getattr(name)) {
        Ok(cls) => match cls.call1((message,)) {
            Ok(inst) => PyErr::from_value(inst),
            Err(e) => e,
        },
        Err(e) => e,
    }
}

/// `ferroalchemy.exc.<name>(message, code=code)`: SQLAlchemy gives some raises (not classes) a code.
fn exc_with_code(py: Python<'_>, name: &str, message: &str, code: &str) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = exc_module(py)?.getattr(name)?;
        let kw = pyo3::types::PyDict::new(py);
        kw.set_item("code", code)?;
        Ok(PyErr::from_value(cls.call((message,), Some(&kw))?))
    };
    build().unwrap_or_else(|err| err)
}

pub fn compile_error(py: Python<'_>, e: &CompileError) -> PyErr {
    match e {
        CompileError::NotSupported(m) => {
            pyo3::exceptions::PyNotImplementedError::new_err(m.clone())
        }
        _ => exc(py, e.exception_name(), e.to_string()),
    }
}

fn kind_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Integrity => "IntegrityError",
        ErrorKind::Operational => "OperationalError",
        ErrorKind::Programming => "ProgrammingError",
        ErrorKind::Data => "DataError",
        ErrorKind::Interface => "InterfaceError",
        ErrorKind::Internal => "InternalError",
        ErrorKind::NotSupported => "NotSupportedError",
        ErrorKind::Database => "DatabaseError",
        ErrorKind::PoolTimeout => "TimeoutError",
        ErrorKind::Argument => "ArgumentError",
    }
}

/// A driver error during a statement: wrapped as SQLAlchemy wraps DBAPI errors, with `.orig`,
/// `.statement` and `.params` (built by `exc._wrap_driver_error` so the message form lives in one place).
pub fn driver_error(
    py: Python<'_>,
    e: &EngineError,
    statement: Option<&str>,
    params: Option<Bound<'_, PyAny>>,
) -> PyErr {
    driver_error_multi(py, e, statement, params, false)
}

/// `driver_error` for a statement whose `params` hold several parameter sets (`ismulti`).
pub fn driver_error_multi(
    py: Python<'_>,
    e: &EngineError,
    statement: Option<&str>,
    params: Option<Bound<'_, PyAny>>,
    ismulti: bool,
) -> PyErr {
    if e.kind == ErrorKind::PoolTimeout {
        return exc_with_code(py, "TimeoutError", &e.message, "3o7r");
    }
    if e.kind == ErrorKind::Argument {
        return exc(py, kind_name(e.kind), e.message.clone());
    }
    let build = || -> PyResult<PyErr> {
        let f = exc_module(py)?.getattr("_wrap_driver_error")?;
        let (code, code_name) = match &e.sqlite_code {
            Some((c, n)) => (Some(*c), Some(n.clone())),
            None => (None, None),
        };
        let args = PyTuple::new(
            py,
            [
                kind_name(e.kind).into_pyobject(py)?.into_any(),
                e.message.clone().into_pyobject(py)?.into_any(),
                statement.into_pyobject(py)?.into_any(),
                match params {
                    Some(p) => p,
                    None => py.None().into_bound(py),
                },
                code.into_pyobject(py)?.into_any(),
                code_name.into_pyobject(py)?.into_any(),
                e.sqlstate.clone().into_pyobject(py)?.into_any(),
                pyo3::types::PyBool::new(py, ismulti).to_owned().into_any(),
                pyo3::types::PyBool::new(py, e.disconnect)
                    .to_owned()
                    .into_any(),
            ],
        )?;
        Ok(PyErr::from_value(f.call1(args)?))
    };
    build().unwrap_or_else(|err| err)
}
