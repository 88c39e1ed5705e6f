//! `visit_insert`, `visit_update`, `visit_delete`.

use std::sync::Arc;

use super::{CompileError, Ctx, ResultColumn};
use crate::dialect::Dialect;
use crate::expr::{ExprRef, TableRef};
use crate::stmt::{Delete, Insert, Update};
use crate::types::SqlType;

/// A column an INSERT/UPDATE sets: name, type, and its `.values()` expression if it has one.
type CrudColumn<'s> = (&'s str, &'s SqlType, Option<&'s ExprRef>);

/// RETURNING columns and the byte range of the VALUES group.
type InsertShape = (Vec<ResultColumn>, Option<(usize, usize)>);

impl Ctx<'_> {
    fn push_table_name(&mut self, t: &Arc<TableRef>) {
        if let Some(s) = &t.schema {
            let s = self.quote(s);
            self.sql.push_str(&s);
            self.sql.push('.');
        }
        let n = self.quote(&t.name);
        self.sql.push_str(&n);
    }

    /// Columns given by `.values()` or named by the execution parameters, in table order; a
    /// parameter naming no column is an error, as in SQLAlchemy.
    fn crud_columns<'s>(
        &self,
        table_columns: &'s [(Arc<str>, SqlType)],
        values: &'s [(Arc<str>, ExprRef)],
    ) -> Result<Vec<CrudColumn<'s>>, CompileError> {
        let unknown: Vec<String> = self
            .param_keys
            .iter()
            .filter(|k| {
                !table_columns.iter().any(|(n, _)| **n == ***k) && !self.bind_names.contains(k)
            })
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(CompileError::UnconsumedColumns(unknown));
        }
        let mut out = Vec::new();
        for (name, ty) in table_columns {
            let explicit = values.iter().find(|(n, _)| n == name).map(|(_, e)| e);
            if explicit.is_some() || self.param_keys.iter().any(|k| **k == **name) {
                out.push((&**name, ty, explicit));
            }
        }
        Ok(out)
    }

    fn visit_returning(
        &mut self,
        returning: &[ExprRef],
    ) -> Result<Vec<ResultColumn>, CompileError> {
        if returning.is_empty() {
            return Ok(Vec::new());
        }
        self.sql.push_str(" RETURNING ");
        let include_table = self.include_table;
        self.include_table = self.d != Dialect::Sqlite;
        let cols = self.visit_columns_clause(returning, true);
        self.include_table = include_table;
        cols
    }

    pub(crate) fn visit_insert(&mut self, i: &Insert) -> Result<InsertShape, CompileError> {
        self.sql.push_str("INSERT INTO ");
        self.push_table_name(&i.table);
        if let Some(first) = i.multi_values.first() {
            // Columns in table order, from the first row; every row gives the same columns.
            let cols: Vec<&Arc<str>> = i
                .table_columns
                .iter()
                .map(|(n, _)| n)
                .filter(|n| first.iter().any(|(c, _)| c == *n))
                .collect();
            let names: Vec<String> = cols.iter().map(|n| self.quote(n)).collect();
            self.sql
                .push_str(&format!(" ({}) VALUES ", names.join(", ")));
            for (r, row) in i.multi_values.iter().enumerate() {
                if r > 0 {
                    self.sql.push_str(", ");
                }
                self.sql.push('(');
                for (k, c) in cols.iter().enumerate() {
                    if k > 0 {
                        self.sql.push_str(", ");
                    }
                    match row.iter().find(|(n, _)| n == *c) {
                        Some((_, e)) => self.visit_self_grouped(e)?,
                        None => self.sql.push_str("NULL"),
                    }
                }
                self.sql.push(')');
            }
            self.visit_on_conflict(i)?;
            let ret = self.visit_returning(&i.returning)?;
            return Ok((ret, None));
        }
        let cols = self.crud_columns(&i.table_columns, &i.values)?;
        let span;
        if cols.is_empty() {
            span = None;
            // The generic and MySQL compilers lack DEFAULT VALUES (supports_default_values).
            self.sql.push_str(match self.d {
                Dialect::Sqlite | Dialect::Postgresql => " DEFAULT VALUES",
                _ => " () VALUES ()",
            });
        } else {
            self.sql.push_str(" (");
            for (k, (name, _, _)) in cols.iter().enumerate() {
                if k > 0 {
                    self.sql.push_str(", ");
                }
                let q = self.quote(name);
                self.sql.push_str(&q);
            }
            self.sql.push_str(") VALUES ");
            let start = self.sql.len();
            self.sql.push('(');
            for (k, (name, ty, explicit)) in cols.iter().enumerate() {
                if k > 0 {
                    self.sql.push_str(", ");
                }
                match explicit {
                    Some(e) => self.visit_self_grouped(e)?,
                    None => self.push_named_param(name, ty),
                }
            }
            self.sql.push(')');
            span = Some((start, self.sql.len()));
        }
        self.visit_on_conflict(i)?;
        let ret = self.visit_returning(&i.returning)?;
        Ok((ret, span))
    }

    fn visit_on_conflict(&mut self, i: &Insert) -> Result<(), CompileError> {
        let Some(oc) = &i.on_conflict else {
            return Ok(());
        };
        if matches!(self.d, Dialect::Mysql) {
            return Err(CompileError::Unsupported(
                "ON CONFLICT is not supported on dialect mysql; use mysql.insert().on_duplicate_key_update()".into(),
            ));
        }
        self.sql.push_str(" ON CONFLICT");
        if !oc.target.is_empty() {
            let cols: Vec<String> = oc.target.iter().map(|c| self.quote(c)).collect();
            self.sql.push_str(&format!(" ({})", cols.join(", ")));
        }
        match &oc.set {
            None => self.sql.push_str(" DO NOTHING"),
            Some(set) => {
                self.sql.push_str(" DO UPDATE SET ");
                for (k, (name, e)) in set.iter().enumerate() {
                    if k > 0 {
                        self.sql.push_str(", ");
                    }
                    let q = self.quote(name);
                    self.sql.push_str(&q);
                    self.sql.push_str(" = ");
                    self.visit_self_grouped(e)?;
                }
                if let Some(w) = &oc.where_ {
                    self.sql.push_str(" WHERE ");
                    self.visit_criterion(w, super::PREC_ASBOOL)?;
                }
            }
        }
        Ok(())
    }

    pub(crate) fn visit_update(&mut self, u: &Update) -> Result<Vec<ResultColumn>, CompileError> {
        self.sql.push_str("UPDATE ");
        self.push_table_name(&u.table);
        let cols = self.crud_columns(&u.table_columns, &u.values)?;
        if cols.is_empty() {
            return Err(CompileError::Unsupported(
                "UPDATE construct has no SET clause: give it values() or parameters".into(),
            ));
        }
        self.sql.push_str(" SET ");
        for (k, (name, ty, explicit)) in cols.iter().enumerate() {
            if k > 0 {
                self.sql.push_str(", ");
            }
            let q = self.quote(name);
            self.sql.push_str(&q);
            self.sql.push('=');
            match explicit {
                Some(e) => self.visit_self_grouped(e)?,
                None => self.push_named_param(name, ty),
            }
        }
        if let Some(w) = &u.where_ {
            self.sql.push_str(" WHERE ");
            self.visit_criterion(w, super::PREC_ASBOOL)?;
        }
        self.visit_returning(&u.returning)
    }

    pub(crate) fn visit_delete(&mut self, x: &Delete) -> Result<Vec<ResultColumn>, CompileError> {
        self.sql.push_str("DELETE FROM ");
        self.push_table_name(&x.table);
        if let Some(w) = &x.where_ {
            self.sql.push_str(" WHERE ");
            self.visit_criterion(w, super::PREC_ASBOOL)?;
        }
        self.visit_returning(&x.returning)
    }
}
