//! `visit_insert`, `visit_update`, `visit_delete`.

use std::sync::Arc;

use super::select::Place;
use super::{CompileError, Ctx, ResultColumn};
use crate::dialect::Dialect;
use crate::expr::{ExprRef, TableRef};
use crate::stmt::{Delete, FromItem, Insert, Update};
use crate::types::SqlType;

/// A column an INSERT/UPDATE sets: name, type, and its `.values()` expression if it has one.
type CrudColumn<'s> = (&'s str, &'s SqlType, Option<&'s ExprRef>);

/// RETURNING columns and the byte range of the VALUES group.
type InsertShape = (Vec<ResultColumn>, Option<(usize, usize)>);

impl Ctx<'_> {
    /// Tables the criteria (then the SET values) of an UPDATE/DELETE read besides its own: the
    /// statement's extra FROMs, in SQLAlchemy's order.
    fn extra_froms<'e>(
        &self,
        target: &TableRef,
        exprs: impl Iterator<Item = &'e ExprRef>,
    ) -> Vec<Arc<TableRef>> {
        let mut tables = Vec::new();
        for e in exprs {
            e.collect_tables(&mut tables);
        }
        tables.retain(|t| t.id != target.id);
        tables
    }

    fn push_from_list(&mut self, tables: &[Arc<TableRef>]) -> Result<(), CompileError> {
        for (k, t) in tables.iter().enumerate() {
            if k > 0 {
                self.sql.push_str(", ");
            }
            self.visit_from(&FromItem::Table(t.clone()))?;
        }
        Ok(())
    }

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

    pub(crate) fn visit_insert(
        &mut self,
        i: &Insert,
        ctes: &[FromItem],
    ) -> Result<InsertShape, CompileError> {
        // MySQL puts the WITH of INSERT ... SELECT on the SELECT (SQLAlchemy's cte_follows_insert).
        let with_follows = self.d == Dialect::Mysql && i.from_select.is_some();
        if !with_follows {
            self.visit_with(ctes)?;
        }
        self.sql.push_str("INSERT INTO ");
        self.push_table_name(&i.table);
        if let Some((names, select)) = &i.from_select {
            let names: Vec<String> = names.iter().map(|n| self.quote(n)).collect();
            self.sql.push_str(&format!(" ({}) ", names.join(", ")));
            if with_follows {
                self.visit_with(ctes)?;
            }
            self.visit_select_body(select, Place::Top)?;
            self.visit_upsert(i)?;
            let ret = self.visit_returning(&i.returning)?;
            return Ok((ret, None));
        }
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
            self.visit_upsert(i)?;
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
        self.visit_upsert(i)?;
        let ret = self.visit_returning(&i.returning)?;
        Ok((ret, span))
    }

    pub(crate) fn visit_update(
        &mut self,
        u: &Update,
        ctes: &[FromItem],
    ) -> Result<Vec<ResultColumn>, CompileError> {
        self.visit_with(ctes)?;
        self.sql.push_str("UPDATE ");
        self.push_table_name(&u.table);
        let mut cols = self.crud_columns(&u.table_columns, &u.values)?;
        if cols.is_empty() {
            return Err(CompileError::Unsupported(
                "UPDATE construct has no SET clause: give it values() or parameters".into(),
            ));
        }
        if u.ordered {
            cols.sort_by_key(|(name, _, _)| u.values.iter().position(|(n, _)| &**n == *name));
        }
        let extra = self.extra_froms(
            &u.table,
            u.where_.iter().chain(u.values.iter().map(|(_, e)| e)),
        );
        // MySQL's multi-table UPDATE names every table up front and qualifies the SET columns.
        let mysql_multi = self.d == Dialect::Mysql && !extra.is_empty();
        if mysql_multi {
            self.sql.push_str(", ");
            self.push_from_list(&extra)?;
        }
        // SELECTs nested in SET and WHERE correlate to the statement's tables.
        self.enclosing.push(
            std::iter::once(u.table.id)
                .chain(extra.iter().map(|t| t.id))
                .collect(),
        );
        let rendered = self.visit_update_rest(u, &cols, &extra, mysql_multi);
        self.enclosing.pop();
        rendered?;
        self.visit_returning(&u.returning)
    }

    fn visit_update_rest(
        &mut self,
        u: &Update,
        cols: &[CrudColumn<'_>],
        extra: &[Arc<TableRef>],
        mysql_multi: bool,
    ) -> Result<(), CompileError> {
        self.sql.push_str(" SET ");
        for (k, (name, ty, explicit)) in cols.iter().enumerate() {
            if k > 0 {
                self.sql.push_str(", ");
            }
            if mysql_multi {
                self.push_table_name(&u.table);
                self.sql.push('.');
            }
            let q = self.quote(name);
            self.sql.push_str(&q);
            self.sql.push('=');
            match explicit {
                Some(e) => self.visit_self_grouped(e)?,
                None => self.push_named_param(name, ty),
            }
        }
        if !extra.is_empty() && !mysql_multi {
            self.sql.push_str(" FROM ");
            self.push_from_list(extra)?;
        }
        if let Some(w) = &u.where_ {
            self.sql.push_str(" WHERE ");
            self.visit_criterion(w, super::PREC_ASBOOL)?;
        }
        Ok(())
    }

    pub(crate) fn visit_delete(
        &mut self,
        x: &Delete,
        ctes: &[FromItem],
    ) -> Result<Vec<ResultColumn>, CompileError> {
        self.visit_with(ctes)?;
        self.sql.push_str("DELETE FROM ");
        self.push_table_name(&x.table);
        let extra = self.extra_froms(&x.table, x.where_.iter());
        if !extra.is_empty() {
            // Each dialect's delete_extra_from_clause.
            match self.d {
                Dialect::Sqlite => {
                    return Err(CompileError::NotSupported(
                        "This backend does not support multiple-table criteria within DELETE"
                            .into(),
                    ))
                }
                Dialect::Postgresql => self.sql.push_str(" USING "),
                Dialect::Mysql => {
                    self.sql.push_str(" USING ");
                    self.push_table_name(&x.table);
                    self.sql.push_str(", ");
                }
                Dialect::Default => self.sql.push_str(" , "),
            }
            self.push_from_list(&extra)?;
        }
        if let Some(w) = &x.where_ {
            self.sql.push_str(" WHERE ");
            self.enclosing.push(
                std::iter::once(x.table.id)
                    .chain(extra.iter().map(|t| t.id))
                    .collect(),
            );
            let rendered = self.visit_criterion(w, super::PREC_ASBOOL);
            self.enclosing.pop();
            rendered?;
        }
        self.visit_returning(&x.returning)
    }
}
