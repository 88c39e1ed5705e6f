//! `visit_select`, correlation and FROM rendering.

use super::{CompileError, Ctx, ResultColumn};

/// How a SELECT names its columns: at the top (unique names, anonymous labels), inside a subquery
/// or CTE (every column labelled), or nested in an expression (no labels).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Naming {
    Top,
    Derived,
    Nested,
}

/// Where a SELECT is rendered, which decides its column naming and which enclosing FROM items it
/// may correlate to (SQLAlchemy's `_enclosing_correlate_froms`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// The statement itself, or a CTE's body in its WITH clause.
    Top,
    Cte,
    /// A subquery in FROM: correlates only when told to, and only to SELECTs further out.
    From,
    /// `LATERAL (...)`: correlates like a nested SELECT.
    Lateral,
    /// A scalar subquery, EXISTS or IN operand.
    Nested,
}

impl Place {
    pub(crate) fn naming(self) -> Naming {
        match self {
            Place::Top => Naming::Top,
            Place::Cte | Place::From | Place::Lateral => Naming::Derived,
            Place::Nested => Naming::Nested,
        }
    }
}

use crate::dialect::Dialect;
use crate::expr::{ExprKind, ExprRef, TableRef};
use crate::stmt::{FromItem, Select};

fn contains(tables: &[std::sync::Arc<TableRef>], id: u64) -> bool {
    tables.iter().any(|t| t.id == id)
}

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
            s.collect_ctes(&mut ctes, &mut Vec::new());
            self.visit_with(&ctes)?;
        }
        self.visit_select_body(s, if toplevel { Place::Top } else { Place::Nested })
    }

    /// The FROM items a SELECT at `place` renders after correlation to the enclosing SELECTs.
    fn correlated_froms(&self, s: &Select, place: Place) -> Result<Vec<FromItem>, CompileError> {
        let mut froms = s.final_froms();
        // explicit: what correlate()/correlate_except() may remove; implicit: what
        // auto-correlation removes (only the immediately enclosing SELECT's FROM).
        let (explicit, implicit): (Vec<u64>, Vec<u64>) = match place {
            Place::Top | Place::Cte => return Ok(froms),
            Place::From => {
                let n = self.enclosing.len().saturating_sub(1);
                (
                    self.enclosing[..n].iter().flatten().copied().collect(),
                    Vec::new(),
                )
            }
            Place::Lateral | Place::Nested => (
                self.enclosing.iter().flatten().copied().collect(),
                self.enclosing.last().cloned().unwrap_or_default(),
            ),
        };
        let c = &s.correlation;
        let id_in = |f: &FromItem, ids: &[u64]| f.table_id().is_some_and(|id| ids.contains(&id));
        if let Some(only) = c.only.as_ref().filter(|o| !o.is_empty()) {
            froms.retain(|f| {
                !(id_in(f, &explicit) && f.table_id().is_some_and(|id| contains(only, id)))
            });
        }
        if let Some(except) = &c.except {
            froms.retain(|f| {
                !(id_in(f, &explicit) && f.table_id().is_some_and(|id| !contains(except, id)))
            });
        }
        if c.auto && !implicit.is_empty() && froms.len() > 1 {
            froms.retain(|f| !id_in(f, &implicit));
            if froms.is_empty() {
                return Err(CompileError::InvalidRequest(
                    "Select statement returned no FROM clauses due to auto-correlation; \
                     specify correlate(<tables>) to control correlation manually."
                        .into(),
                ));
            }
        }
        Ok(froms)
    }

    pub(crate) fn visit_select_body(
        &mut self,
        s: &Select,
        place: Place,
    ) -> Result<Vec<ResultColumn>, CompileError> {
        if s.compound.is_some() {
            return self.visit_compound_select(s, place);
        }
        self.sql.push_str("SELECT ");
        if s.distinct {
            if self.d == Dialect::Postgresql && !s.distinct_on.is_empty() {
                self.sql.push_str("DISTINCT ON (");
                self.visit_list(&s.distinct_on)?;
                self.sql.push_str(") ");
            } else {
                self.sql.push_str("DISTINCT ");
            }
        }
        let froms = self.correlated_froms(s, place)?;
        let mut ids = Vec::new();
        for f in &froms {
            f.covered_tables(&mut ids);
        }
        self.enclosing.push(ids);
        let cols = self.visit_columns(&s.columns, place.naming());
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
        self.visit_for_update(s);
        Ok(())
    }

    /// Each dialect's `for_update_clause`: SQLite has no row locks and renders nothing; the
    /// generic compiler always says FOR UPDATE; MySQL (as MariaDB, and MySQL before 8) has no OF.
    fn visit_for_update(&mut self, s: &Select) {
        let Some(fu) = &s.for_update else {
            return;
        };
        match self.d {
            Dialect::Sqlite => return,
            Dialect::Default => {
                self.sql.push_str(" FOR UPDATE");
                return;
            }
            Dialect::Postgresql => {
                self.sql.push_str(match (fu.read, fu.key_share) {
                    (true, true) => " FOR KEY SHARE",
                    (true, false) => " FOR SHARE",
                    (false, true) => " FOR NO KEY UPDATE",
                    (false, false) => " FOR UPDATE",
                });
                if !fu.of.is_empty() {
                    let names: Vec<String> = fu.of.iter().map(|t| self.table_name(t)).collect();
                    self.sql.push_str(" OF ");
                    self.sql.push_str(&names.join(", "));
                }
            }
            Dialect::Mysql => self.sql.push_str(if fu.read {
                " LOCK IN SHARE MODE"
            } else {
                " FOR UPDATE"
            }),
        }
        if fu.nowait {
            self.sql.push_str(" NOWAIT");
        }
        if fu.skip_locked {
            self.sql.push_str(" SKIP LOCKED");
        }
    }

    /// Each dialect's `limit_clause`: SQLite binds the value of the slot left empty, PostgreSQL
    /// writes `LIMIT ALL`, the generic compiler `LIMIT -1`, MySQL `LIMIT offset, count`.
    pub(crate) fn visit_limit_offset(&mut self, s: &Select) -> Result<(), CompileError> {
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

    /// An ON clause: `true()` / `false()` there is a boolean test, which dialects without a native
    /// boolean spell as a comparison (`ON 1 = 1` on SQLite, `ON true = 1` on MySQL).
    fn visit_onclause(&mut self, on: &ExprRef) -> Result<(), CompileError> {
        let literal = match (&on.kind, self.d) {
            (ExprKind::True, Dialect::Sqlite) => "1 = 1",
            (ExprKind::False, Dialect::Sqlite) => "0 = 1",
            (ExprKind::True, Dialect::Mysql) => "true = 1",
            (ExprKind::False, Dialect::Mysql) => "false = 1",
            _ => return self.visit(on),
        };
        self.sql.push_str(literal);
        Ok(())
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

    pub(crate) fn visit_columns(
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
                    let a = self.table_name(t);
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
                    self.visit_from(&j.target)?;
                    if let Some(on) = &j.on {
                        self.sql.push_str(" ON ");
                        self.visit_onclause(on)?;
                    }
                }
            }
            FromItem::Subquery {
                select,
                table,
                lateral,
                ..
            } => {
                self.sql.push_str(if *lateral { "LATERAL (" } else { "(" });
                self.visit_select_body(
                    select,
                    if *lateral {
                        Place::Lateral
                    } else {
                        Place::From
                    },
                )?;
                self.sql.push_str(") AS ");
                let n = self.table_name(table);
                self.sql.push_str(&n);
            }
            FromItem::Cte { table, .. } => match &table.alias_of {
                Some(cte) => {
                    let n = self.table_name(cte);
                    self.sql.push_str(&n);
                    self.sql.push_str(" AS ");
                    let a = self.quote(&table.name);
                    self.sql.push_str(&a);
                }
                None => {
                    let n = self.table_name(table);
                    self.sql.push_str(&n);
                }
            },
        }
        Ok(())
    }
}
