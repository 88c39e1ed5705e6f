//! Python values to `Value` for binding, and decoded `Value`s back to Python objects.

use ferro_sql::value::DateTimeParts;
use ferro_sql::{SqlType, Value};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDate, PyDateAccess, PyDateTime, PyDelta, PyDeltaAccess,
    PyFloat, PyInt, PyString, PyTime, PyTimeAccess, PyTzInfoAccess,
};

use ferro_engine::{EngineError, ErrorKind};

/// A SQL type handle; each Python TypeEngine instance makes one once and passes it along.
#[pyclass(frozen, module = "ferroalchemy._core")]
pub struct TypeHandle {
    pub ty: SqlType,
}

#[pymethods]
impl TypeHandle {
    #[new]
    #[pyo3(signature = (kind, length=None, precision=None, scale=None, as_decimal=true, timezone=false, enum_name=None, enum_values=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        kind: &str,
        length: Option<u32>,
        precision: Option<u32>,
        scale: Option<u32>,
        as_decimal: bool,
        timezone: bool,
        enum_name: Option<String>,
        enum_values: Option<Vec<String>>,
    ) -> PyResult<Self> {
        let ty = match kind {
            "null" => SqlType::Null,
            "integer" => SqlType::Integer,
            "biginteger" => SqlType::BigInteger,
            "smallinteger" => SqlType::SmallInteger,
            "string" => SqlType::String(length),
            "text" => SqlType::Text,
            "boolean" => SqlType::Boolean,
            "float" => SqlType::Float,
            "double" => SqlType::Double,
            "numeric" => SqlType::Numeric {
                precision,
                scale,
                as_decimal,
            },
            "date" => SqlType::Date,
            "time" => SqlType::Time,
            "datetime" => SqlType::DateTime { timezone },
            "largebinary" => SqlType::LargeBinary,
            "json" => SqlType::Json,
            "uuid" => SqlType::Uuid { native: false },
            "uuid_native" => SqlType::Uuid { native: true },
            "enum" => {
                let values = enum_values.unwrap_or_default();
                let longest = values.iter().map(|v| v.chars().count()).max().unwrap_or(0);
                SqlType::Enum {
                    name: enum_name,
                    length: length.unwrap_or(longest as u32),
                    values,
                }
            }
            other => {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "unknown SQL type kind {other:?}"
                )))
            }
        };
        Ok(TypeHandle { ty })
    }

    /// The DDL name on a dialect, as `type.compile(dialect)` shows it.
    fn ddl(&self, py: Python<'_>, dialect: &str) -> PyResult<String> {
        let d = crate::sql::parse_dialect(dialect)?;
        ferro_sql::compiler::type_ddl(&self.ty, d).map_err(|e| crate::errors::compile_error(py, &e))
    }
}

static DECIMAL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static UUID: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static ENUM: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static TIMEZONE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn cached<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    module: &str,
    name: &str,
) -> PyResult<&'py Bound<'py, PyAny>> {
    cell.get_or_try_init(py, || {
        Ok::<_, PyErr>(py.import(module)?.getattr(name)?.unbind())
    })
    .map(|v| v.bind(py))
}

fn offset_seconds(
    tz: Option<Bound<'_, pyo3::types::PyTzInfo>>,
    dt: &Bound<'_, PyAny>,
) -> PyResult<Option<i32>> {
    match tz {
        None => Ok(None),
        Some(_) => {
            let off = dt.call_method0("utcoffset")?;
            if off.is_none() {
                return Ok(None);
            }
            let d = off.cast::<PyDelta>()?;
            Ok(Some(d.get_days() * 86400 + d.get_seconds()))
        }
    }
}

/// Why a Python value could not be bound: the driver's own complaint (wrapped with the statement
/// like any driver error) or a Python error raised while inspecting the value.
pub enum BindError {
    Driver(EngineError),
    Py(PyErr),
}

impl From<PyErr> for BindError {
    fn from(e: PyErr) -> Self {
        BindError::Py(e)
    }
}

/// Converts a Python value for binding; the target type directs the ambiguous cases.
pub fn py_to_value(obj: &Bound<'_, PyAny>, ty: &SqlType) -> Result<Value, BindError> {
    let py = obj.py();
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        return match obj.extract::<i64>() {
            Ok(i) => Ok(match ty {
                SqlType::Boolean => Value::Bool(i != 0),
                SqlType::Float | SqlType::Double => Value::Float(i as f64),
                _ => Value::Int(i),
            }),
            Err(_) => Err(BindError::Driver(EngineError::new(
                ErrorKind::Data,
                "Python int too large to convert to SQL INTEGER",
            ))),
        };
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Value::Float(f.value()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::Text(s.to_str()?.to_owned()));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Value::Blob(b.as_bytes().to_vec()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Value::Blob(b.to_vec()));
    }
    if let Ok(dt) = obj.cast::<PyDateTime>() {
        return Ok(Value::DateTime(DateTimeParts {
            year: dt.get_year(),
            month: dt.get_month(),
            day: dt.get_day(),
            hour: dt.get_hour(),
            minute: dt.get_minute(),
            second: dt.get_second(),
            microsecond: dt.get_microsecond(),
            utc_offset: offset_seconds(dt.get_tzinfo(), obj)?,
        }));
    }
    if let Ok(d) = obj.cast::<PyDate>() {
        return Ok(Value::Date(DateTimeParts {
            year: d.get_year(),
            month: d.get_month(),
            day: d.get_day(),
            hour: 0,
            minute: 0,
            second: 0,
            microsecond: 0,
            utc_offset: None,
        }));
    }
    if let Ok(t) = obj.cast::<PyTime>() {
        return Ok(Value::Time(DateTimeParts {
            year: 0,
            month: 0,
            day: 0,
            hour: t.get_hour(),
            minute: t.get_minute(),
            second: t.get_second(),
            microsecond: t.get_microsecond(),
            utc_offset: None,
        }));
    }
    if obj.is_instance(cached(py, &DECIMAL, "decimal", "Decimal")?)? {
        return Ok(Value::Decimal(obj.str()?.to_str()?.to_owned()));
    }
    if obj.is_instance(cached(py, &UUID, "uuid", "UUID")?)? {
        return Ok(Value::Uuid(obj.getattr("int")?.extract::<u128>()?));
    }
    if obj.is_instance(cached(py, &ENUM, "enum", "Enum")?)? {
        let name: String = obj.getattr("name")?.extract()?;
        return Ok(Value::Text(name));
    }
    Err(BindError::Driver(EngineError::new(
        ErrorKind::Programming,
        format!(
            "Error binding parameter: type '{}' is not supported",
            obj.get_type().name()?
        ),
    )))
}

pub fn value_to_py(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    Ok(match v {
        Value::Null => py.None(),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Value::Int(i) => i.into_pyobject(py)?.into_any().unbind(),
        Value::Float(f) => PyFloat::new(py, *f).into_any().unbind(),
        Value::Text(s) => PyString::new(py, s).into_any().unbind(),
        Value::Blob(b) => PyBytes::new(py, b).into_any().unbind(),
        Value::Date(p) => PyDate::new(py, p.year, p.month, p.day)?.into_any().unbind(),
        Value::Time(p) => PyTime::new(py, p.hour, p.minute, p.second, p.microsecond, None)?
            .into_any()
            .unbind(),
        Value::DateTime(p) => {
            let dt = PyDateTime::new(
                py,
                p.year,
                p.month,
                p.day,
                p.hour,
                p.minute,
                p.second,
                p.microsecond,
                None,
            )?;
            match p.utc_offset {
                None => dt.into_any().unbind(),
                Some(off) => {
                    let delta = PyDelta::new(py, 0, off, 0, true)?;
                    let tz = cached(py, &TIMEZONE, "datetime", "timezone")?.call1((delta,))?;
                    dt.call_method("replace", (), Some(&[("tzinfo", tz)].into_py_dict(py)?))?
                        .unbind()
                }
            }
        }
        Value::Decimal(s) => cached(py, &DECIMAL, "decimal", "Decimal")?
            .call1((s.as_str(),))?
            .unbind(),
        Value::Uuid(u) => cached(py, &UUID, "uuid", "UUID")?
            .call((), Some(&[("int", *u)].into_py_dict(py)?))?
            .unbind(),
    })
}

use pyo3::types::IntoPyDict;
