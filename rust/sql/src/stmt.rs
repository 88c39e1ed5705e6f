//! Statements: SELECT, INSERT, UPDATE, DELETE, text and DDL, each immutable with a cache key.
//! Generative methods on the Python side build a new statement sharing the unchanged children.

use std::sync::Arc;

use crate::ddl::Ddl;
use crate::expr::{Expr, ExprRef, TableRef};
use crate::key::{Key, KeyBuilder};
use crate::text::TextClause;
use crate::types::SqlType;
use crate::value::Value;

#[derive(Debug, Clone)]
pub struct Join {
    pub target: FromItem,
    pub on: Option<ExprRef>,
    pub outer: bool,
    pub full: bool,
}

#[derive(Debug, Clone)]
pub enum FromItem {
    Table(Arc<TableRef>),
    /// `left JOIN right ON ...` chains, rendered left to right.
    Join {
        left: Box<FromItem>,
        joins: Vec<Join>,
    },
    Subquery {
        select: Arc<Select>,
        name: Arc<str>,
        table: Arc<TableRef>,
        /// `LATERAL (SELECT ...)`: may refer to the FROM items before it.
        lateral: bool,
    },
    /// A CTE: named in FROM, defined in the statement's WITH clause. `table` is the CTE's name, or
    /// an alias of it (`FROM c AS x`).
    Cte {
        select: Arc<Select>,
        table: Arc<TableRef>,
        recursive: bool,
    },
}

impl FromItem {
    pub fn add_to_key(&self, kb: &mut KeyBuilder) {
        match self {
            FromItem::Table(t) => {
                kb.u64(1).key(t.key);
            }
            FromItem::Join { left, joins } => {
                kb.u64(2);
                left.add_to_key(kb);
                for j in joins {
                    kb.u64(j.outer as u64).u64(j.full as u64);
                    j.target.add_to_key(kb);
                    kb.key(j.on.as_ref().map(|e| e.key).unwrap_or(0));
                }
            }
            FromItem::Subquery {
                select,
                table,
                lateral,
                ..
            } => {
                kb.u64(3)
                    .key(select.key)
                    .key(table.key)
                    .u64(*lateral as u64);
            }
            FromItem::Cte {
                select,
                table,
                recursive,
            } => {
                kb.u64(4)
                    .key(select.key)
                    .key(table.key)
                    .u64(*recursive as u64);
            }
        }
    }

    /// CTEs this FROM item uses, each after the CTEs its own definition uses. `visiting` holds the
    /// CTEs being collected, so a recursive CTE's reference to itself adds nothing.
    pub fn collect_ctes(&self, out: &mut Vec<FromItem>, visiting: &mut Vec<u64>) {
        match self {
            FromItem::Table(_) => {}
            FromItem::Join { left, joins } => {
                left.collect_ctes(out, visiting);
                joins.iter().for_each(|j| {
                    j.target.collect_ctes(out, visiting);
                    if let Some(on) = &j.on {
                        on.collect_ctes(out, visiting);
                    }
                });
            }
            FromItem::Subquery { select, .. } => select.collect_ctes(out, visiting),
            FromItem::Cte { select, table, .. } => {
                let id = cte_id(table);
                let seen = out
                    .iter()
                    .any(|c| matches!(c, FromItem::Cte { table: t, .. } if cte_id(t) == id));
                if seen || visiting.contains(&id) {
                    return;
                }
                visiting.push(id);
                select.collect_ctes(out, visiting);
                visiting.pop();
                out.push(self.clone());
            }
        }
    }

    /// Table identities this FROM item covers, so implicit FROMs already joined are not repeated.
    pub fn covered_tables(&self, out: &mut Vec<u64>) {
        match self {
            FromItem::Table(t) => out.push(t.id),
            FromItem::Join { left, joins } => {
                left.covered_tables(out);
                for j in joins {
                    j.target.covered_tables(out);
                }
            }
            FromItem::Subquery { table, .. } | FromItem::Cte { table, .. } => out.push(table.id),
        }
    }

    /// The identity correlation compares: a table's or a derived table's (joins have none).
    pub fn table_id(&self) -> Option<u64> {
        match self {
            FromItem::Table(t) => Some(t.id),
            FromItem::Subquery { table, .. } | FromItem::Cte { table, .. } => Some(table.id),
            FromItem::Join { .. } => None,
        }
    }

    pub(crate) fn walk_binds<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        match self {
            FromItem::Table(_) => {}
            FromItem::Join { left, joins } => {
                left.walk_binds(f);
                for j in joins {
                    j.target.walk_binds(f);
                    if let Some(on) = &j.on {
                        on.walk_binds(f);
                    }
                }
            }
            // The compiler maps binds by identity, so a CTE's binds may be walked where it is used.
            FromItem::Subquery { select, .. } | FromItem::Cte { select, .. } => {
                select.walk_binds(f)
            }
        }
    }
}

/// The name a CTE is defined under: an alias of a CTE (`FROM c AS x`) is defined as `c`.
pub fn cte_id(table: &Arc<TableRef>) -> u64 {
    table.alias_of.as_ref().map_or(table.id, |t| t.id)
}

/// The set operators of a compound SELECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompoundOp {
    Union,
    UnionAll,
    Intersect,
    IntersectAll,
    Except,
    ExceptAll,
}

impl CompoundOp {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "union" => CompoundOp::Union,
            "union_all" => CompoundOp::UnionAll,
            "intersect" => CompoundOp::Intersect,
            "intersect_all" => CompoundOp::IntersectAll,
            "except" => CompoundOp::Except,
            "except_all" => CompoundOp::ExceptAll,
            _ => return None,
        })
    }

    pub fn keyword(self) -> &'static str {
        match self {
            CompoundOp::Union => "UNION",
            CompoundOp::UnionAll => "UNION ALL",
            CompoundOp::Intersect => "INTERSECT",
            CompoundOp::IntersectAll => "INTERSECT ALL",
            CompoundOp::Except => "EXCEPT",
            CompoundOp::ExceptAll => "EXCEPT ALL",
        }
    }
}

/// `s1 UNION s2 UNION ...`: the body of a SELECT whose own ORDER BY / LIMIT / OFFSET apply to the
/// whole compound. Columns and FROM of such a SELECT are empty; its result columns are the first
/// member's.
#[derive(Debug, Clone)]
pub struct Compound {
    pub op: CompoundOp,
    pub selects: Vec<Arc<Select>>,
}

/// Which enclosing FROM items a nested SELECT leaves out of its own FROM (SQLAlchemy's
/// `_correlate`, `_correlate_except`, `_auto_correlate`).
#[derive(Debug, Clone)]
pub struct Correlation {
    /// `correlate(t, ...)`: these, when an enclosing SELECT has them.
    pub only: Option<Vec<Arc<TableRef>>>,
    /// `correlate_except(t, ...)`: every enclosing FROM but these.
    pub except: Option<Vec<Arc<TableRef>>>,
    /// Off after `correlate()` / `correlate_except()` (also with None).
    pub auto: bool,
}

impl Default for Correlation {
    fn default() -> Self {
        Correlation {
            only: None,
            except: None,
            auto: true,
        }
    }
}

fn key_tables(kb: &mut KeyBuilder, tables: &Option<Vec<Arc<TableRef>>>) {
    match tables {
        Some(ts) => {
            kb.u64(ts.len() as u64 + 1);
            ts.iter().for_each(|t| {
                kb.key(t.key);
            });
        }
        None => {
            kb.u64(0);
        }
    }
}

impl Correlation {
    fn add_to_key(&self, kb: &mut KeyBuilder) {
        key_tables(kb, &self.only);
        key_tables(kb, &self.except);
        kb.u64(self.auto as u64);
    }
}

#[derive(Debug, Clone, Default)]
pub struct Select {
    pub columns: Vec<ExprRef>,
    /// Explicit FROM entries (select_from / join); tables referenced elsewhere are added implicitly.
    pub froms: Vec<FromItem>,
    pub where_: Option<ExprRef>,
    pub group_by: Vec<ExprRef>,
    pub having: Option<ExprRef>,
    pub order_by: Vec<ExprRef>,
    pub limit: Option<ExprRef>,
    pub offset: Option<ExprRef>,
    pub distinct: bool,
    /// `DISTINCT ON (...)` (PostgreSQL; plain DISTINCT elsewhere, as SQLAlchemy renders it).
    pub distinct_on: Vec<ExprRef>,
    pub for_update: Option<ForUpdate>,
    pub compound: Option<Compound>,
    pub correlation: Correlation,
    /// Set by `finish()`: the bound value SQLite's compiler puts in the slot LIMIT/OFFSET leaves
    /// empty (0 as OFFSET after a lone LIMIT, -1 as LIMIT before a lone OFFSET), as SQLAlchemy's.
    pub slice_fill: Option<ExprRef>,
    pub key: Key,
}

#[derive(Debug, Clone, Default)]
pub struct ForUpdate {
    pub nowait: bool,
    pub skip_locked: bool,
    pub read: bool,
    /// PostgreSQL's FOR NO KEY UPDATE / FOR KEY SHARE.
    pub key_share: bool,
    /// `OF t, ...`: the tables (or aliases) whose rows are locked.
    pub of: Vec<Arc<TableRef>>,
}

fn key_exprs(kb: &mut KeyBuilder, tag: u64, items: &[ExprRef]) {
    kb.u64(tag).u64(items.len() as u64);
    for i in items {
        kb.key(i.key);
    }
}

fn key_opt(kb: &mut KeyBuilder, tag: u64, item: &Option<ExprRef>) {
    kb.u64(tag).key(item.as_ref().map(|e| e.key).unwrap_or(0));
}

impl Select {
    /// Recomputes the cache key; called by every builder after it changes a field.
    pub fn finish(mut self) -> Self {
        let mut kb = KeyBuilder::new("select");
        key_exprs(&mut kb, 1, &self.columns);
        kb.u64(self.froms.len() as u64);
        for f in &self.froms {
            f.add_to_key(&mut kb);
        }
        key_opt(&mut kb, 2, &self.where_);
        key_exprs(&mut kb, 3, &self.group_by);
        key_opt(&mut kb, 4, &self.having);
        key_exprs(&mut kb, 5, &self.order_by);
        key_opt(&mut kb, 6, &self.limit);
        key_opt(&mut kb, 7, &self.offset);
        kb.u64(self.distinct as u64);
        key_exprs(&mut kb, 8, &self.distinct_on);
        match &self.for_update {
            Some(fu) => {
                kb.u64(1)
                    .u64(fu.nowait as u64)
                    .u64(fu.skip_locked as u64)
                    .u64(fu.read as u64)
                    .u64(fu.key_share as u64)
                    .u64(fu.of.len() as u64);
                fu.of.iter().for_each(|t| {
                    kb.key(t.key);
                });
            }
            None => {
                kb.u64(0);
            }
        };
        match &self.compound {
            Some(c) => {
                kb.u64(c.op as u64 + 1).u64(c.selects.len() as u64);
                c.selects.iter().for_each(|s| {
                    kb.key(s.key);
                });
            }
            None => {
                kb.u64(0);
            }
        }
        self.correlation.add_to_key(&mut kb);
        self.key = kb.finish();
        let fill = |v| Expr::bind("param", Some(Value::Int(v)), SqlType::Integer, true);
        self.slice_fill = match (&self.limit, &self.offset) {
            (Some(_), None) => Some(fill(0)),
            (None, Some(_)) => Some(fill(-1)),
            _ => None,
        };
        self
    }

    /// The FROM list as rendered: explicit entries, then tables the columns and criteria
    /// reference that no explicit entry covers.
    pub fn final_froms(&self) -> Vec<FromItem> {
        let mut covered = Vec::new();
        for f in &self.froms {
            f.covered_tables(&mut covered);
        }
        let mut implicit = Vec::new();
        for c in &self.columns {
            c.collect_tables(&mut implicit);
        }
        if let Some(w) = &self.where_ {
            w.collect_tables(&mut implicit);
        }
        for e in self
            .group_by
            .iter()
            .chain(self.having.iter())
            .chain(self.order_by.iter())
        {
            e.collect_tables(&mut implicit);
        }
        let mut out = Vec::new();
        // Implicit FROMs precede explicit ones the way SQLAlchemy orders them only when they come
        // from the columns; an explicit select_from()/join() keeps its own place first.
        for t in implicit {
            if !covered.contains(&t.id) {
                covered.push(t.id);
                out.push(FromItem::Table(t));
            }
        }
        let mut result = self.froms.clone();
        result.extend(out);
        result
    }

    /// CTEs used anywhere in this SELECT, nested SELECTs included: SQLAlchemy renders them all in
    /// the one WITH clause of the outermost statement.
    pub fn collect_ctes(&self, out: &mut Vec<FromItem>, visiting: &mut Vec<u64>) {
        if let Some(c) = &self.compound {
            c.selects.iter().for_each(|s| s.collect_ctes(out, visiting));
        }
        for f in &self.froms {
            f.collect_ctes(out, visiting);
        }
        for e in self
            .columns
            .iter()
            .chain(self.where_.iter())
            .chain(self.having.iter())
            .chain(self.order_by.iter())
        {
            e.collect_ctes(out, visiting);
        }
    }

    pub fn walk_binds<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        if let Some(c) = &self.compound {
            c.selects.iter().for_each(|s| s.walk_binds(f));
        }
        self.distinct_on.iter().for_each(|c| c.walk_binds(f));
        self.columns.iter().for_each(|c| c.walk_binds(f));
        self.froms.iter().for_each(|x| x.walk_binds(f));
        if let Some(w) = &self.where_ {
            w.walk_binds(f);
        }
        self.group_by.iter().for_each(|c| c.walk_binds(f));
        if let Some(h) = &self.having {
            h.walk_binds(f);
        }
        self.order_by.iter().for_each(|c| c.walk_binds(f));
        if let Some(l) = &self.limit {
            l.walk_binds(f);
        }
        if let Some(o) = &self.offset {
            o.walk_binds(f);
        }
        if let Some(x) = &self.slice_fill {
            x.walk_binds(f);
        }
    }
}

/// `INSERT INTO t (cols) VALUES (...)`. Columns without an explicit value take their value from
/// the execution parameters by column name (one set, or many for executemany).
#[derive(Debug, Clone)]
pub struct Insert {
    pub table: Arc<TableRef>,
    /// Table columns in definition order with their types (for parameter typing).
    pub table_columns: Vec<(Arc<str>, crate::types::SqlType)>,
    pub values: Vec<(Arc<str>, ExprRef)>,
    /// `values([{...}, {...}])`: several rows in one statement (each row's columns as the first's).
    pub multi_values: Vec<Vec<(Arc<str>, ExprRef)>>,
    pub returning: Vec<ExprRef>,
    /// `ON CONFLICT (...) DO NOTHING | DO UPDATE SET ...` (SQLite, PostgreSQL).
    pub on_conflict: Option<OnConflict>,
    /// `INSERT INTO t (names) SELECT ...` (`from_select`).
    pub from_select: Option<(Vec<Arc<str>>, Arc<Select>)>,
    /// MySQL's `ON DUPLICATE KEY UPDATE name = value, ...`, in rendering order.
    pub on_duplicate: Option<Vec<(Arc<str>, ExprRef)>>,
    pub key: Key,
}

#[derive(Debug, Clone)]
pub struct OnConflict {
    pub target: Vec<Arc<str>>,
    /// `ON CONFLICT ON CONSTRAINT name` (PostgreSQL) instead of a column list.
    pub constraint: Option<Arc<str>>,
    /// The partial index's predicate: `ON CONFLICT (cols) WHERE ...`.
    pub index_where: Option<ExprRef>,
    /// None: DO NOTHING.
    pub set: Option<Vec<(Arc<str>, ExprRef)>>,
    pub where_: Option<ExprRef>,
}

impl Insert {
    pub fn finish(mut self) -> Self {
        let mut kb = KeyBuilder::new("insert");
        kb.key(self.table.key);
        for (n, t) in &self.table_columns {
            kb.str(n);
            t.add_to_key(&mut kb);
        }
        kb.u64(self.values.len() as u64);
        for (n, e) in &self.values {
            kb.str(n).key(e.key);
        }
        kb.u64(self.multi_values.len() as u64);
        for row in &self.multi_values {
            for (n, e) in row {
                kb.str(n).key(e.key);
            }
        }
        if let Some(oc) = &self.on_conflict {
            kb.u64(1).u64(oc.target.len() as u64);
            for t in &oc.target {
                kb.str(t);
            }
            match &oc.set {
                Some(set) => {
                    kb.u64(set.len() as u64);
                    for (n, e) in set {
                        kb.str(n).key(e.key);
                    }
                }
                None => {
                    kb.u64(u64::MAX);
                }
            }
            key_opt(&mut kb, 9, &oc.where_);
            kb.opt_str(oc.constraint.as_deref());
            key_opt(&mut kb, 10, &oc.index_where);
        }
        match &self.from_select {
            Some((names, select)) => {
                kb.u64(names.len() as u64 + 1);
                names.iter().for_each(|n| {
                    kb.str(n);
                });
                kb.key(select.key);
            }
            None => {
                kb.u64(0);
            }
        }
        match &self.on_duplicate {
            Some(set) => {
                kb.u64(set.len() as u64 + 1);
                for (n, e) in set {
                    kb.str(n).key(e.key);
                }
            }
            None => {
                kb.u64(0);
            }
        }
        key_exprs(&mut kb, 1, &self.returning);
        self.key = kb.finish();
        self
    }
}

#[derive(Debug, Clone)]
pub struct Update {
    pub table: Arc<TableRef>,
    pub table_columns: Vec<(Arc<str>, crate::types::SqlType)>,
    pub values: Vec<(Arc<str>, ExprRef)>,
    /// `ordered_values()`: SET in the order given rather than the table's column order.
    pub ordered: bool,
    pub where_: Option<ExprRef>,
    pub returning: Vec<ExprRef>,
    pub key: Key,
}

impl Update {
    pub fn finish(mut self) -> Self {
        let mut kb = KeyBuilder::new("update");
        kb.key(self.table.key);
        for (n, t) in &self.table_columns {
            kb.str(n);
            t.add_to_key(&mut kb);
        }
        kb.u64(self.values.len() as u64);
        for (n, e) in &self.values {
            kb.str(n).key(e.key);
        }
        kb.u64(self.ordered as u64);
        key_opt(&mut kb, 1, &self.where_);
        key_exprs(&mut kb, 2, &self.returning);
        self.key = kb.finish();
        self
    }
}

#[derive(Debug, Clone)]
pub struct Delete {
    pub table: Arc<TableRef>,
    pub where_: Option<ExprRef>,
    pub returning: Vec<ExprRef>,
    pub key: Key,
}

impl Delete {
    pub fn finish(mut self) -> Self {
        let mut kb = KeyBuilder::new("delete");
        kb.key(self.table.key);
        key_opt(&mut kb, 1, &self.where_);
        key_exprs(&mut kb, 2, &self.returning);
        self.key = kb.finish();
        self
    }
}

#[derive(Debug, Clone)]
pub enum Statement {
    Select(Arc<Select>),
    Insert(Arc<Insert>),
    Update(Arc<Update>),
    Delete(Arc<Delete>),
    Text(Arc<TextClause>),
    Ddl(Arc<Ddl>),
}

impl Statement {
    pub fn key(&self) -> Key {
        match self {
            Statement::Select(s) => s.key,
            Statement::Insert(s) => s.key,
            Statement::Update(s) => s.key,
            Statement::Delete(s) => s.key,
            Statement::Text(s) => s.key,
            Statement::Ddl(s) => s.key(),
        }
    }

    pub fn walk_binds<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        match self {
            Statement::Select(s) => s.walk_binds(f),
            Statement::Insert(s) => {
                s.values.iter().for_each(|(_, e)| e.walk_binds(f));
                s.multi_values
                    .iter()
                    .flatten()
                    .for_each(|(_, e)| e.walk_binds(f));
                if let Some((_, sel)) = &s.from_select {
                    sel.walk_binds(f);
                }
                if let Some(oc) = &s.on_conflict {
                    if let Some(w) = &oc.index_where {
                        w.walk_binds(f);
                    }
                    oc.set.iter().flatten().for_each(|(_, e)| e.walk_binds(f));
                    if let Some(w) = &oc.where_ {
                        w.walk_binds(f);
                    }
                }
                s.on_duplicate
                    .iter()
                    .flatten()
                    .for_each(|(_, e)| e.walk_binds(f));
                s.returning.iter().for_each(|e| e.walk_binds(f));
            }
            Statement::Update(s) => {
                s.values.iter().for_each(|(_, e)| e.walk_binds(f));
                if let Some(w) = &s.where_ {
                    w.walk_binds(f);
                }
                s.returning.iter().for_each(|e| e.walk_binds(f));
            }
            Statement::Delete(s) => {
                if let Some(w) = &s.where_ {
                    w.walk_binds(f);
                }
                s.returning.iter().for_each(|e| e.walk_binds(f));
            }
            Statement::Text(t) => t.walk_binds(f),
            Statement::Ddl(_) => {}
        }
    }

    /// CTEs the statement uses anywhere, for its WITH clause.
    pub fn collect_ctes(&self) -> Vec<FromItem> {
        let mut out = Vec::new();
        let mut visiting = Vec::new();
        let v = &mut visiting;
        match self {
            Statement::Select(s) => s.collect_ctes(&mut out, v),
            Statement::Insert(i) => {
                if let Some((_, s)) = &i.from_select {
                    s.collect_ctes(&mut out, v);
                }
                i.values
                    .iter()
                    .for_each(|(_, e)| e.collect_ctes(&mut out, v));
            }
            Statement::Update(u) => {
                u.values
                    .iter()
                    .for_each(|(_, e)| e.collect_ctes(&mut out, v));
                u.where_.iter().for_each(|e| e.collect_ctes(&mut out, v));
            }
            Statement::Delete(d) => d.where_.iter().for_each(|e| e.collect_ctes(&mut out, v)),
            Statement::Text(_) | Statement::Ddl(_) => {}
        }
        out
    }

    /// True for statements that change data, which is when a SQLite connection begins its
    /// transaction (the pysqlite behaviour SQLAlchemy applications were written against).
    pub fn is_dml(&self) -> bool {
        match self {
            Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_) => true,
            Statement::Text(t) => crate::text::starts_dml(t),
            Statement::Select(_) | Statement::Ddl(_) => false,
        }
    }
}
