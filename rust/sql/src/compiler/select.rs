//! `visit_select` and FROM rendering.

use super::{CompileError, Ctx, ResultColumn};

/// How a SELECT names its columns: at the top (unique names, anonymous labels), inside a subquery
/// or CTE (every column labelled), or nested in an expression (no labels).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Naming {
    Top,
    Derived,
    Nested,
}
use crate::dialect::Dialect;
use crate::expr::{ExprKind, ExprRef};
use crate::stmt::{FromItem, Select};

impl Ctx<'_> {
    /// Renders a SELECT. At the top level, column names are made unique and unnamed expressions get
    /// anonymous labels, as SQLAlchemy does; the returned columns are the result's keys and types.
    pub(crate) fn visit_select(
        &mut self,
        s: &Select,
        toplevel: bool,
    ) -> Result<Vec<ResultColumn>, CompileError> {
        if toplevel {
            let mut ctes = Vec::new();
            s.collect_ctes(&mut ctes);
            self.visit_with(&ctes)?;
        }
        self.visit_select_body(
            s,
            if toplevel {
                Naming::Top
            } else {
                Naming::Nested
            },
        )
    }

    /// `WITH [RECURSIVE] a AS \n(...), b AS \n(...)\n ` ahead of the statement that uses them.
    fn visit_with(&mut self, ctes: &[FromItem]) -> Result<(), CompileError> {
        if ctes.is_empty() {
            return Ok(());
        }
        let recursive = ctes.iter().any(|c| {
            matches!(
                c,
                FromItem::Cte {
                    recursive: true,
                    ..
                }
            )
        });
        self.sql.push_str(if recursive {
            "WITH RECURSIVE "
        } else {
            "WITH "
        });
        for (i, c) in ctes.iter().enumerate() {
            if let FromItem::Cte { select, table, .. } = c {
                if i > 0 {
                    self.sql.push_str(", ");
                }
                let name = self.table_name(table);
                self.sql.push_str(&name);
                self.sql.push_str(" AS \n(");
                self.visit_select_body(select, Naming::Derived)?;
                self.sql.push(')');
            }
        }
        self.sql.push_str("\n ");
        Ok(())
    }

    fn visit_select_body(
        &mut self,
        s: &Select,
        naming: Naming,
    ) -> Result<Vec<ResultColumn>, CompileError> {
        self.sql.push_str("SELECT ");
        if s.distinct {
            self.sql.push_str("DISTINCT ");
        }
        let mut froms = s.final_froms();
        if naming == Naming::Nested {
            // Auto-correlation: a subquery in an expression leaves out FROM tables the enclosing
            // SELECT has, unless nothing would be left.
            let outer: Vec<u64> = self.enclosing.iter().flatten().copied().collect();
            let kept: Vec<FromItem> = froms
                .iter()
                .filter(|f| !matches!(f, FromItem::Table(t) if outer.contains(&t.id)))
                .cloned()
                .collect();
            if !kept.is_empty() {
                froms = kept;
            }
        }
        let mut ids = Vec::new();
        for f in &froms {
            f.covered_tables(&mut ids);
        }
        self.enclosing.push(ids);
        let cols = self.visit_columns(&s.columns, naming);
        let result = cols.and_then(|cols| self.visit_select_rest(s, &froms).map(|_| cols));
        self.enclosing.pop();
        result
    }

    fn visit_select_rest(&mut self, s: &Select, froms: &[FromItem]) -> Result<(), CompileError> {
        if !froms.is_empty() {
            self.sql.push_str(" \nFROM ");
            for (i, f) in froms.iter().enumerate() {
                if i > 0 {
                    self.sql.push_str(", ");
                }
                self.visit_from(f)?;
            }
        }
        if let Some(w) = &s.where_ {
            self.sql.push_str(" \nWHERE ");
            self.visit_criterion(w, super::PREC_ASBOOL)?;
        }
        if !s.group_by.is_empty() {
            self.sql.push_str(" GROUP BY ");
            self.visit_list(&s.group_by)?;
        }
        if let Some(h) = &s.having {
            self.sql.push_str(" \nHAVING ");
            self.visit_criterion(h, super::PREC_ASBOOL)?;
        }
        if !s.order_by.is_empty() {
            self.sql.push_str(" ORDER BY ");
            self.visit_list(&s.order_by)?;
        }
        self.visit_limit_offset(s)?;
        if let Some(fu) = &s.for_update {
            match self.d {
                Dialect::Sqlite => {} // SQLite has no row locks; SQLAlchemy renders nothing.
                _ => {
                    self.sql.push_str(if fu.read {
                        if self.d == Dialect::Mysql {
                            " LOCK IN SHARE MODE"
                        } else {
                            " FOR SHARE"
                        }
                    } else {
                        " FOR UPDATE"
                    });
                    if fu.nowait {
                        self.sql.push_str(" NOWAIT");
                    }
                    if fu.skip_locked {
                        self.sql.push_str(" SKIP LOCKED");
                    }
                }
            }
        }
        Ok(())
    }

    /// Each dialect's `limit_clause`: SQLite binds the value of the slot left empty, PostgreSQL
    /// writes `LIMIT ALL`, the generic compiler `LIMIT -1`, MySQL `LIMIT offset, count`.
    fn visit_limit_offset(&mut self, s: &Select) -> Result<(), CompileError> {
        if s.limit.is_none() && s.offset.is_none() {
            return Ok(());
        }
        if self.d == Dialect::Mysql {
            self.sql.push_str(" \n LIMIT ");
            if let Some(o) = &s.offset {
                self.visit(o)?;
                self.sql.push_str(", ");
            }
            match &s.limit {
                Some(l) => self.visit(l)?,
                None => self.sql.push_str("18446744073709551615"),
            }
            return Ok(());
        }
        if let Some(l) = &s.limit {
            self.sql.push_str(if self.d == Dialect::Postgresql {
                " \n LIMIT "
            } else {
                "\n LIMIT "
            });
            self.visit(l)?;
        }
        match &s.offset {
            Some(o) => {
                if s.limit.is_none() {
                    match self.d {
                        Dialect::Sqlite => {
                            self.sql.push_str("\n LIMIT ");
                            self.visit_slice_fill(s, "-1")?;
                        }
                        Dialect::Postgresql => self.sql.push_str("\n LIMIT ALL"),
                        _ => self.sql.push_str("\n LIMIT -1"),
                    }
                }
                self.sql.push_str(" OFFSET ");
                self.visit(o)?;
            }
            None if self.d == Dialect::Sqlite => {
                self.sql.push_str(" OFFSET ");
                self.visit_slice_fill(s, "0")?;
            }
            None => {}
        }
        Ok(())
    }

    /// The bound filler of an empty LIMIT/OFFSET slot; `literal` if the SELECT was never finished.
    fn visit_slice_fill(&mut self, s: &Select, literal: &str) -> Result<(), CompileError> {
        match &s.slice_fill {
            Some(fill) => self.visit(fill),
            None => {
                self.sql.push_str(literal);
                Ok(())
            }
        }
    }

    pub(crate) fn visit_list(&mut self, items: &[ExprRef]) -> Result<(), CompileError> {
        for (i, e) in items.iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.visit(e)?;
        }
        Ok(())
    }

    pub(crate) fn visit_columns_clause(
        &mut self,
        columns: &[ExprRef],
        toplevel: bool,
    ) -> Result<Vec<ResultColumn>, CompileError> {
        self.visit_columns(
            columns,
            if toplevel {
                Naming::Top
            } else {
                Naming::Nested
            },
        )
    }

    fn visit_columns(
        &mut self,
        columns: &[ExprRef],
        naming: Naming,
    ) -> Result<Vec<ResultColumn>, CompileError> {
        let toplevel = naming != Naming::Nested;
        let mut out: Vec<ResultColumn> = Vec::with_capacity(columns.len());
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            let (name, label) = match &c.kind {
                ExprKind::Column { name, .. } => {
                    if toplevel && out.iter().any(|r| r.name == **name) {
                        let n = self.anon_name(name);
                        (n.clone(), Some(n))
                    } else if naming == Naming::Derived {
                        // A subquery's or CTE's columns are labelled so the outside can name them.
                        (name.to_string(), Some(name.to_string()))
                    } else {
                        (name.to_string(), None)
                    }
                }
                ExprKind::Label { name, .. } => (name.to_string(), Some(name.to_string())),
                ExprKind::LiteralColumn(t) => (t.to_string(), None),
                ExprKind::Text(_) | ExprKind::Star => (String::new(), None),
                // Unnamed expressions are labelled at every level, nested SELECTs included.
                // A column-level DISTINCT of a column reads as the column, unlabelled.
                ExprKind::Unary {
                    op: crate::expr::UnaryOp::Distinct,
                    operand,
                } if matches!(operand.kind, ExprKind::Column { .. }) => {
                    (operand.default_name().unwrap_or_default().to_string(), None)
                }
                ExprKind::Func { name, .. } => {
                    let n = self.anon_name(name);
                    (n.clone(), Some(n))
                }
                // cast() and type_coerce() of a column keep its name, labelled at every level.
                ExprKind::Cast(_) | ExprKind::TypeCoerce(_)
                    if matches!(c.unwrapped().kind, ExprKind::Column { .. }) =>
                {
                    let mut name = c.unwrapped().default_name().unwrap_or_default().to_string();
                    if toplevel && out.iter().any(|r| r.name == name) {
                        // SQLAlchemy dedupes a wrapped column's label as `name__N`.
                        name = self.anon_name(&format!("{name}_"));
                    }
                    (name.clone(), Some(name))
                }
                _ => {
                    let n = self.anon_name("anon");
                    (n.clone(), Some(n))
                }
            };
            match &c.kind {
                ExprKind::Label { inner, .. } => self.visit_value(inner)?,
                _ => self.visit_value(c)?,
            }
            if let Some(l) = label {
                self.sql.push_str(" AS ");
                let q = self.quote(&l);
                self.sql.push_str(&q);
            }
            out.push(ResultColumn {
                name,
                ty: c.ty.clone(),
            });
        }
        Ok(out)
    }

    pub(crate) fn visit_from(&mut self, f: &FromItem) -> Result<(), CompileError> {
        match f {
            FromItem::Table(t) => {
                let target = t.alias_of.as_ref().unwrap_or(t);
                if let Some(s) = &target.schema {
                    let s = self.quote(s);
                    self.sql.push_str(&s);
                    self.sql.push('.');
                }
                let n = self.quote(&target.name);
                self.sql.push_str(&n);
                if t.alias_of.is_some() {
                    self.sql.push_str(" AS ");
                    let a = self.quote(&t.name);
                    self.sql.push_str(&a);
                }
            }
            FromItem::Join { left, joins } => {
                self.visit_from(left)?;
                for j in joins {
                    self.sql.push_str(if j.full {
                        " FULL OUTER JOIN "
                    } else if j.outer {
                        " LEFT OUTER JOIN "
                    } else if self.d == Dialect::Mysql {
                        " INNER JOIN "
                    } else {
                        " JOIN "
                    });
                    if j.full && matches!(self.d, Dialect::Mysql) {
                        return Err(CompileError::Unsupported(
                            "FULL OUTER JOIN is not supported on dialect mysql".into(),
                        ));
                    }
                    self.visit_from(&j.target)?;
                    if let Some(on) = &j.on {
                        self.sql.push_str(" ON ");
                        self.visit(on)?;
                    }
                }
            }
            FromItem::Subquery { select, table, .. } => {
                self.sql.push('(');
                self.visit_select_body(select, Naming::Derived)?;
                self.sql.push_str(") AS ");
                let n = self.table_name(table);
                self.sql.push_str(&n);
            }
            FromItem::Cte { table, .. } => {
                let n = self.table_name(table);
                self.sql.push_str(&n);
            }
        }
        Ok(())
    }
}
