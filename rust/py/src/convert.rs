//! Python values to `Value` for binding, and decoded `Value`s back to Python objects.

use std::sync::Arc;

use ferro_sql::types::TypeName;
use ferro_sql::value::{DateTimeParts, Opaque};
use ferro_sql::{SqlType, Value};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDate, PyDateAccess, PyDateTime, PyDelta, PyDeltaAccess,
    PyFloat, PyInt, PyList, PyString, PyTime, PyTimeAccess, PyTuple, PyTzInfoAccess,
};

use crate::processors::{defer, deferred_object, Processors};

use ferro_engine::{EngineError, ErrorKind};

/// A SQL type handle; each Python TypeEngine instance makes one once and passes it along.
#[pyclass(frozen, module = "ferroalchemy._core")]
pub struct TypeHandle {
    pub ty: SqlType,
}

#[pymethods]
impl TypeHandle {
    #[new]
    #[pyo3(signature = (kind, length=None, precision=None, scale=None, as_decimal=true, timezone=false, enum_name=None, enum_values=None, as_uuid=true, native=true))]
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
        as_uuid: bool,
        native: bool,
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
            "jsonb" => SqlType::Jsonb,
            "interval" => SqlType::Interval,
            "uuid" => SqlType::Uuid {
                native: false,
                as_uuid,
            },
            "uuid_native" => SqlType::Uuid {
                native: true,
                as_uuid,
            },
            "enum" => {
                let values = enum_values.unwrap_or_default();
                let longest = values.iter().map(|v| v.chars().count()).max().unwrap_or(0);
                SqlType::Enum {
                    name: enum_name,
                    length: length.unwrap_or(longest as u32),
                    values,
                    native,
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

    /// An upper-case type with its own DDL name over the values of `base`.
    #[staticmethod]
    #[pyo3(signature = (name, base, length=None, precision=None, scale=None, timezone=false))]
    fn named(
        name: &str,
        base: &Bound<'_, TypeHandle>,
        length: Option<u32>,
        precision: Option<u32>,
        scale: Option<u32>,
        timezone: bool,
    ) -> PyResult<Self> {
        let name = match name {
            "CHAR" => TypeName::Char(length),
            "NCHAR" => TypeName::NChar(length),
            "NVARCHAR" => TypeName::NVarchar(length),
            "REAL" => TypeName::Real,
            "DOUBLE_PRECISION" => TypeName::DoublePrecision,
            "DOUBLE" => TypeName::Double,
            "DECIMAL" => TypeName::Decimal { precision, scale },
            "TIMESTAMP" => TypeName::Timestamp { timezone },
            "DATETIME" => TypeName::Datetime,
            "CLOB" => TypeName::Clob,
            "BLOB" => TypeName::Blob,
            "BINARY" => TypeName::Binary(length),
            "VARBINARY" => TypeName::VarBinary(length),
            "TEXT" => TypeName::Text(length),
            "FLOAT" => TypeName::Float(precision),
            "TIMETZ" => TypeName::TimeTz,
            other => {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "unknown SQL type name {other:?}"
                )))
            }
        };
        Ok(TypeHandle {
            ty: SqlType::Named {
                name,
                base: Box::new(base.get().ty.clone()),
            },
        })
    }

    #[staticmethod]
    fn collated(inner: &Bound<'_, TypeHandle>, collation: String) -> Self {
        TypeHandle {
            ty: SqlType::Collated {
                collation,
                inner: Box::new(inner.get().ty.clone()),
            },
        }
    }

    /// `inner` with Python processors: `bind(value, dialect)`, `result(values, dialect)`.
    #[staticmethod]
    #[pyo3(signature = (inner, bind=None, result=None))]
    fn processed(
        inner: &Bound<'_, TypeHandle>,
        bind: Option<Py<PyAny>>,
        result: Option<Py<PyAny>>,
    ) -> Self {
        let inner = inner.get().ty.clone();
        if bind.is_none() && result.is_none() {
            return TypeHandle { ty: inner };
        }
        TypeHandle {
            ty: SqlType::Processed {
                processor: Opaque::new(Arc::new(Processors { bind, result })),
                inner: Box::new(inner),
            },
        }
    }

    /// Per-dialect implementations: (dialect name, handle) pairs over a default.
    #[staticmethod]
    fn variant(
        default: &Bound<'_, TypeHandle>,
        variants: Vec<(String, Bound<'_, TypeHandle>)>,
    ) -> PyResult<Self> {
        let mut out = Vec::with_capacity(variants.len());
        for (name, t) in variants {
            out.push((crate::sql::parse_dialect(&name)?, t.get().ty.clone()));
        }
        Ok(TypeHandle {
            ty: SqlType::Variant {
                default: Box::new(default.get().ty.clone()),
                variants: out,
            },
        })
    }

    #[staticmethod]
    #[pyo3(signature = (item, dimensions=None))]
    fn array(item: &Bound<'_, TypeHandle>, dimensions: Option<u32>) -> Self {
        TypeHandle {
            ty: SqlType::Array {
                item: Box::new(item.get().ty.clone()),
                dimensions,
            },
        }
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
    /// A type's bind processor raised: SQLAlchemy reports it as a StatementError over it.
    Processor(PyErr),
}

impl From<PyErr> for BindError {
    fn from(e: PyErr) -> Self {
        BindError::Py(e)
    }
}

/// Converts a Python value for binding; the target type directs the ambiguous cases. A value of a
/// type with Python processors waits for them (see `processors::finish`).
pub fn py_to_value(obj: &Bound<'_, PyAny>, ty: &SqlType) -> Result<Value, BindError> {
    if ty.has_processor() {
        return Ok(defer(obj, ty));
    }
    convert_plain(obj, ty)
}

/// `py_to_value` for a type without processors (or once they ran).
pub fn convert_plain(obj: &Bound<'_, PyAny>, ty: &SqlType) -> Result<Value, BindError> {
    let py = obj.py();
    if obj.is_none() {
        return Ok(Value::Null);
    }
    let ty = ty.storage();
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
        let s = s.to_str()?;
        // Uuid(as_uuid=False) takes strings; SQLAlchemy stores their digits.
        if let SqlType::Uuid { .. } = ty {
            if let Ok(u) = u128::from_str_radix(&s.replace('-', ""), 16) {
                if s.len() >= 32 {
                    return Ok(Value::Uuid(u));
                }
            }
        }
        return Ok(Value::Text(s.to_owned()));
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
    if let Ok(d) = obj.cast::<PyDelta>() {
        let micros = i64::from(d.get_days()) * 86_400_000_000
            + i64::from(d.get_seconds()) * 1_000_000
            + i64::from(d.get_microseconds());
        return Ok(Value::Interval(micros));
    }
    if let SqlType::Array { item, .. } = ty {
        if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
            let mut out = Vec::new();
            for el in obj.try_iter()? {
                let el = el?;
                // Nested lists are the further dimensions of the same array.
                let el_ty = if el.is_instance_of::<PyList>() || el.is_instance_of::<PyTuple>() {
                    ty
                } else {
                    item
                };
                out.push(convert_plain(&el, el_ty)?);
            }
            return Ok(Value::Array(out));
        }
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
        Value::Interval(m) => {
            const DAY: i64 = 86_400_000_000;
            let days = i32::try_from(m.div_euclid(DAY)).map_err(|_| {
                pyo3::exceptions::PyOverflowError::new_err("interval out of timedelta's range")
            })?;
            let rest = m.rem_euclid(DAY);
            PyDelta::new(
                py,
                days,
                (rest / 1_000_000) as i32,
                (rest % 1_000_000) as i32,
                false,
            )?
            .into_any()
            .unbind()
        }
        Value::Array(items) => {
            let items = items
                .iter()
                .map(|v| value_to_py(py, v))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any().unbind()
        }
        Value::Deferred(o) => match deferred_object(py, o) {
            Some(obj) => obj.unbind(),
            None => py.None(),
        },
    })
}

use pyo3::types::IntoPyDict;
