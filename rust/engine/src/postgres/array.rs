//! PostgreSQL arrays in the binary format: a header (dimensions, a has-NULLs flag, the element
//! type), each dimension's length and lower bound, then each element length-prefixed (-1: NULL).
//! Python lists nest one level per dimension, as psycopg gives them.

use ferro_sql::{SqlType, Value};
use sqlx::postgres::PgTypeInfo;

use super::types::{self, oid};
use crate::error::{EngineError, ErrorKind};

fn ragged(index: usize) -> EngineError {
    EngineError::new(
        ErrorKind::Data,
        format!(
            "invalid input for query argument ${}: a multidimensional array needs sub-arrays of matching lengths",
            index + 1
        ),
    )
}

/// The lengths of each dimension of nested lists, checking they are rectangular.
fn dims(index: usize, items: &[Value], out: &mut Vec<usize>) -> Result<(), EngineError> {
    out.push(items.len());
    let nested: Vec<&[Value]> = items
        .iter()
        .filter_map(|v| match v {
            Value::Array(a) => Some(a.as_slice()),
            _ => None,
        })
        .collect();
    if nested.is_empty() {
        return Ok(());
    }
    if nested.len() != items.len() {
        return Err(ragged(index));
    }
    let mut first = Vec::new();
    dims(index, nested[0], &mut first)?;
    for n in &nested[1..] {
        let mut d = Vec::new();
        dims(index, n, &mut d)?;
        if d != first {
            return Err(ragged(index));
        }
    }
    out.extend(first);
    Ok(())
}

fn leaves<'a>(items: &'a [Value], out: &mut Vec<&'a Value>) {
    for v in items {
        match v {
            Value::Array(a) => leaves(a, out),
            v => out.push(v),
        }
    }
}

pub fn encode(index: usize, items: &[Value], elem: &PgTypeInfo) -> Result<Vec<u8>, EngineError> {
    let mut shape = Vec::new();
    dims(index, items, &mut shape)?;
    let mut flat = Vec::new();
    leaves(items, &mut flat);
    // An empty array has no dimensions at all.
    if flat.is_empty() {
        shape.clear();
    }
    let mut out = Vec::with_capacity(12 + 8 * shape.len() + 8 * flat.len());
    let ndim = i32::try_from(shape.len()).map_err(|_| ragged(index))?;
    out.extend_from_slice(&ndim.to_be_bytes());
    let has_null = flat.iter().any(|v| v.is_null());
    out.extend_from_slice(&i32::from(has_null).to_be_bytes());
    out.extend_from_slice(&oid(elem).to_be_bytes());
    for d in &shape {
        let d = i32::try_from(*d).map_err(|_| ragged(index))?;
        out.extend_from_slice(&d.to_be_bytes());
        out.extend_from_slice(&1i32.to_be_bytes());
    }
    for v in flat {
        match types::encode(index, v, elem)? {
            None => out.extend_from_slice(&(-1i32).to_be_bytes()),
            Some(b) => {
                let n = i32::try_from(b.len()).map_err(|_| ragged(index))?;
                out.extend_from_slice(&n.to_be_bytes());
                out.extend_from_slice(&b);
            }
        }
    }
    Ok(out)
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn i32(&mut self) -> Option<i32> {
        let b = self.buf.get(self.pos..self.pos + 4)?;
        self.pos += 4;
        Some(i32::from_be_bytes(b.try_into().ok()?))
    }

    fn bytes(&mut self, n: usize) -> Option<&[u8]> {
        let b = self.buf.get(self.pos..self.pos + n)?;
        self.pos += n;
        Some(b)
    }
}

fn bad() -> EngineError {
    EngineError::new(
        ErrorKind::Data,
        "could not decode a value of a PostgreSQL array type",
    )
}

fn nest(flat: &mut std::vec::IntoIter<Value>, shape: &[usize]) -> Value {
    match shape {
        [] => Value::Array(Vec::new()),
        [n] => Value::Array(flat.take(*n).collect()),
        [n, rest @ ..] => Value::Array((0..*n).map(|_| nest(flat, rest)).collect()),
    }
}

pub fn decode(buf: &[u8], declared: &SqlType) -> Result<Value, EngineError> {
    let item_ty = match declared.storage() {
        SqlType::Array { item, .. } => item.as_ref().clone(),
        _ => SqlType::Null,
    };
    let mut r = Reader { buf, pos: 0 };
    let ndim = usize::try_from(r.i32().ok_or_else(bad)?).map_err(|_| bad())?;
    let _has_null = r.i32().ok_or_else(bad)?;
    let elem_oid = u32::from_be_bytes(r.i32().ok_or_else(bad)?.to_be_bytes());
    let mut shape = Vec::with_capacity(ndim);
    for _ in 0..ndim {
        shape.push(usize::try_from(r.i32().ok_or_else(bad)?).map_err(|_| bad())?);
        let _lower_bound = r.i32().ok_or_else(bad)?;
    }
    let count: usize = if ndim == 0 { 0 } else { shape.iter().product() };
    let mut flat = Vec::with_capacity(count);
    for _ in 0..count {
        let n = r.i32().ok_or_else(bad)?;
        if n < 0 {
            flat.push(Value::Null);
            continue;
        }
        let b = r
            .bytes(usize::try_from(n).map_err(|_| bad())?)
            .ok_or_else(bad)?;
        let v = match types::decode_oid(b, elem_oid, false, "array element", &item_ty) {
            Ok(v) => v,
            // An element type this driver has no codec for (a user ENUM) arrives as its text.
            Err(e) if e.kind == ErrorKind::NotSupported => {
                Value::Text(String::from_utf8(b.to_vec()).map_err(|_| bad())?)
            }
            Err(e) => return Err(e),
        };
        flat.push(v);
    }
    Ok(nest(&mut flat.into_iter(), &shape))
}
