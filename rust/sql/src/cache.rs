//! The compiled-statement cache: (statement key, dialect, parameter keys) to compiled SQL.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::compiler::{compile, CompileError, CompileOptions, Compiled};
use crate::dialect::Dialect;
use crate::key::{Key, KeyBuilder};
use crate::stmt::Statement;

/// Bounded so that an application building endless distinct statements cannot grow it without
/// limit; on overflow the whole map is dropped (cheap, and the hot shapes come back at once).
pub struct StatementCache {
    map: Mutex<HashMap<Key, Arc<Compiled>>>,
    capacity: usize,
}

impl StatementCache {
    pub fn new(capacity: usize) -> Self {
        StatementCache {
            map: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    pub fn cache_key(stmt: &Statement, d: Dialect, param_keys: &[String]) -> Key {
        let mut kb = KeyBuilder::new("compiled");
        kb.key(stmt.key()).str(d.name());
        for k in param_keys {
            kb.str(k);
        }
        kb.finish()
    }

    pub fn get_or_compile(
        &self,
        stmt: &Statement,
        d: Dialect,
        param_keys: &[String],
    ) -> Result<Arc<Compiled>, CompileError> {
        // Only INSERT/UPDATE compile differently for different parameter keys.
        let keys: &[String] = match stmt {
            Statement::Insert(_) | Statement::Update(_) => param_keys,
            _ => &[],
        };
        let key = Self::cache_key(stmt, d, keys);
        if let Some(c) = self.lock().get(&key) {
            return Ok(c.clone());
        }
        let opts = CompileOptions {
            literal_binds: false,
            param_keys: keys.to_vec(),
            ..Default::default()
        };
        let compiled = Arc::new(compile(stmt, d, &opts)?);
        let mut map = self.lock();
        if map.len() >= self.capacity {
            map.clear();
        }
        map.insert(key, compiled.clone());
        Ok(compiled)
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Forgets every compiled statement (`Engine.clear_compiled_cache()`).
    pub fn clear(&self) {
        self.lock().clear();
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<Compiled>>> {
        // A panic while holding the lock leaves only a map of finished entries behind: keep using it.
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Collects the values of a statement's binds in canonical order (what `ParamRef::Pos` indexes).
pub fn bind_values(stmt: &Statement) -> Vec<Option<&crate::value::Value>> {
    let mut out = Vec::new();
    stmt.walk_binds(&mut |e| {
        if let crate::expr::ExprKind::Bind(b) = &e.kind {
            out.push(b.value.as_ref());
        }
    });
    out
}

/// The lists of a statement's expanding binds in canonical order (None for other binds, and for
/// an expanding bind whose list comes from the execution's parameters).
pub fn bind_lists(stmt: &Statement) -> Vec<Option<&[crate::value::Value]>> {
    let mut out = Vec::new();
    stmt.walk_binds(&mut |e| {
        if let crate::expr::ExprKind::Bind(b) = &e.kind {
            out.push(b.list.as_deref());
        }
    });
    out
}
