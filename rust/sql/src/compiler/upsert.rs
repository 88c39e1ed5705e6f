//! Upsert clauses of INSERT: `ON CONFLICT ...` (SQLite, PostgreSQL) and MySQL's
//! `ON DUPLICATE KEY UPDATE ...`.

use super::{CompileError, Ctx, PREC_ASBOOL};
use crate::dialect::Dialect;
use crate::expr::ExprRef;
use crate::stmt::{Insert, OnConflict};

impl Ctx<'_> {
    pub(crate) fn visit_upsert(&mut self, i: &Insert) -> Result<(), CompileError> {
        if let Some(oc) = &i.on_conflict {
            self.visit_on_conflict(oc)?;
        }
        if let Some(set) = &i.on_duplicate {
            self.visit_on_duplicate_key_update(set)?;
        }
        Ok(())
    }

    fn visit_on_conflict(&mut self, oc: &OnConflict) -> Result<(), CompileError> {
        if self.d == Dialect::Mysql {
            return Err(CompileError::Unsupported(
                "ON CONFLICT is not supported on dialect mysql; use mysql.insert().on_duplicate_key_update()".into(),
            ));
        }
        self.sql.push_str(" ON CONFLICT");
        if let Some(name) = &oc.constraint {
            if self.d == Dialect::Sqlite {
                return Err(CompileError::Unsupported(
                    "SQLite's ON CONFLICT names its target by index_elements, not by constraint"
                        .into(),
                ));
            }
            let q = self.quote(name);
            self.sql.push_str(" ON CONSTRAINT ");
            self.sql.push_str(&q);
        } else if !oc.target.is_empty() {
            let cols: Vec<String> = oc.target.iter().map(|c| self.quote(c)).collect();
            self.sql.push_str(&format!(" ({})", cols.join(", ")));
        }
        if let Some(w) = &oc.index_where {
            self.visit_index_where(w)?;
        }
        match &oc.set {
            None => self.sql.push_str(" DO NOTHING"),
            Some(set) => {
                self.sql.push_str(" DO UPDATE SET ");
                self.visit_assignments(set)?;
                if let Some(w) = &oc.where_ {
                    self.sql.push_str(" WHERE ");
                    self.visit_criterion(w, PREC_ASBOOL)?;
                }
            }
        }
        Ok(())
    }

    /// A partial index's predicate names bare columns; SQLite takes no parameters there, so its
    /// values are rendered inline (SQLAlchemy's literal_execute renders them at execution).
    fn visit_index_where(&mut self, w: &ExprRef) -> Result<(), CompileError> {
        let (include_table, literal_binds) = (self.include_table, self.literal_binds);
        self.include_table = false;
        self.literal_binds |= self.d == Dialect::Sqlite;
        self.sql.push_str(" WHERE ");
        let r = self.visit_grouped(w, PREC_ASBOOL);
        self.include_table = include_table;
        self.literal_binds = literal_binds;
        r
    }

    /// `name = value, ...`; each value self-grouped as SQLAlchemy renders SET values.
    fn visit_assignments(
        &mut self,
        set: &[(std::sync::Arc<str>, ExprRef)],
    ) -> Result<(), CompileError> {
        for (k, (name, e)) in set.iter().enumerate() {
            if k > 0 {
                self.sql.push_str(", ");
            }
            let q = self.quote(name);
            self.sql.push_str(&q);
            self.sql.push_str(" = ");
            self.visit_self_grouped(e)?;
        }
        Ok(())
    }

    /// MySQL's upsert; `inserted.<col>` arrives as `VALUES(col)` (MariaDB and MySQL before 8.0.20,
    /// which is what SQLAlchemy renders without a server version).
    fn visit_on_duplicate_key_update(
        &mut self,
        set: &[(std::sync::Arc<str>, ExprRef)],
    ) -> Result<(), CompileError> {
        if self.d != Dialect::Mysql {
            return Err(CompileError::Unsupported(format!(
                "ON DUPLICATE KEY UPDATE is not supported on dialect {}",
                self.d.name()
            )));
        }
        self.sql.push_str(" ON DUPLICATE KEY UPDATE ");
        self.visit_assignments(set)
    }
}
