//! Column expressions: immutable nodes shared through `Arc`, each carrying its type and cache key.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::key::{Key, KeyBuilder};
use crate::stmt::{FromItem, Select};
use crate::text::TextClause;
use crate::types::SqlType;
use crate::value::Value;

pub type ExprRef = Arc<Expr>;

static NEXT_TABLE_ID: AtomicU64 = AtomicU64::new(1);

/// A table (or an alias of one) as expressions refer to it. The full definition used for DDL lives in
/// `ddl::TableDef`; expressions need only a name and an identity to de-duplicate FROM entries.
#[derive(Debug)]
pub struct TableRef {
    pub id: u64,
    pub name: Arc<str>,
    pub schema: Option<Arc<str>>,
    /// For an alias: the table it aliases (rendered `table AS name`).
    pub alias_of: Option<Arc<TableRef>>,
    /// An unnamed subquery or CTE: the compiler names it `anon_N` where it first appears.
    pub anonymous: bool,
    pub key: Key,
}

impl TableRef {
    pub fn new(name: &str, schema: Option<&str>) -> Arc<Self> {
        let mut kb = KeyBuilder::new("table");
        kb.str(name).opt_str(schema);
        Arc::new(TableRef {
            id: NEXT_TABLE_ID.fetch_add(1, Ordering::Relaxed),
            name: name.into(),
            schema: schema.map(Into::into),
            alias_of: None,
            anonymous: false,
            key: kb.finish(),
        })
    }

    /// A subquery's or CTE's name; `None` for an anonymous one (named `anon_N` when compiled).
    pub fn derived(name: Option<&str>) -> Arc<Self> {
        let mut kb = KeyBuilder::new("derived");
        kb.opt_str(name);
        Arc::new(TableRef {
            id: NEXT_TABLE_ID.fetch_add(1, Ordering::Relaxed),
            name: name.unwrap_or("anon").into(),
            schema: None,
            alias_of: None,
            anonymous: name.is_none(),
            key: kb.finish(),
        })
    }

    /// An alias of a table; `None` for an anonymous one, named `<table>_N` where it first appears
    /// when compiled (as SQLAlchemy names `table.alias()` and `aliased(Class)`).
    pub fn alias(of: &Arc<TableRef>, name: Option<&str>) -> Arc<Self> {
        let mut kb = KeyBuilder::new("alias");
        kb.key(of.key).opt_str(name);
        Arc::new(TableRef {
            id: NEXT_TABLE_ID.fetch_add(1, Ordering::Relaxed),
            name: name.unwrap_or(&of.name).into(),
            schema: None,
            alias_of: Some(of.clone()),
            anonymous: name.is_none(),
            key: kb.finish(),
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    /// `//`: integer division where both sides are integers, else `FLOOR(a / b)`.
    FloorDiv,
    Concat,
    Like,
    NotLike,
    ILike,
    NotILike,
    Is,
    IsNot,
    In,
    NotIn,
    IsDistinctFrom,
    IsNotDistinctFrom,
}

impl BinOp {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "eq" => BinOp::Eq,
            "ne" => BinOp::Ne,
            "lt" => BinOp::Lt,
            "le" => BinOp::Le,
            "gt" => BinOp::Gt,
            "ge" => BinOp::Ge,
            "add" => BinOp::Add,
            "sub" => BinOp::Sub,
            "mul" => BinOp::Mul,
            "div" => BinOp::Div,
            "mod" => BinOp::Mod,
            "concat" => BinOp::Concat,
            "like" => BinOp::Like,
            "not_like" => BinOp::NotLike,
            "ilike" => BinOp::ILike,
            "not_ilike" => BinOp::NotILike,
            "is" => BinOp::Is,
            "is_not" => BinOp::IsNot,
            "in" => BinOp::In,
            "not_in" => BinOp::NotIn,
            "floordiv" => BinOp::FloorDiv,
            "is_distinct_from" => BinOp::IsDistinctFrom,
            "is_not_distinct_from" => BinOp::IsNotDistinctFrom,
            _ => return None,
        })
    }

    /// Comparison operators produce booleans; arithmetic keeps the left operand's type.
    pub fn is_comparison(self) -> bool {
        !matches!(
            self,
            BinOp::Add
                | BinOp::Sub
                | BinOp::Mul
                | BinOp::Div
                | BinOp::FloorDiv
                | BinOp::Mod
                | BinOp::Concat
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Not,
    Neg,
    Asc,
    Desc,
    NullsFirst,
    NullsLast,
    Distinct,
    Exists,
}

impl UnaryOp {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "not" => UnaryOp::Not,
            "neg" => UnaryOp::Neg,
            "asc" => UnaryOp::Asc,
            "desc" => UnaryOp::Desc,
            "nulls_first" => UnaryOp::NullsFirst,
            "nulls_last" => UnaryOp::NullsLast,
            "distinct" => UnaryOp::Distinct,
            "exists" => UnaryOp::Exists,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BoolOp {
    And,
    Or,
}

/// A bound parameter. `value: None` means the value comes from the execution's parameters by name.
#[derive(Debug)]
pub struct Bind {
    pub name: Arc<str>,
    pub value: Option<Value>,
    /// Anonymous binds get `name_N` names in named paramstyles; explicit `bindparam("x")` keeps `x`.
    pub anonymous: bool,
    /// An IN list whose length is decided at execution time.
    pub expanding: bool,
    /// An expanding bind's list when the statement carries it (`in_([1, 2])`); its length never
    /// reaches the cache key, since the list is expanded after compilation.
    pub list: Option<Vec<Value>>,
}

#[derive(Debug)]
pub enum ExprKind {
    Column {
        table: Option<Arc<TableRef>>,
        name: Arc<str>,
    },
    Bind(Bind),
    Null,
    True,
    False,
    LiteralColumn(Arc<str>),
    /// A literal string rendered inline, quoted; only for fixed SQL fragments such as LIKE's '%'.
    LiteralString(Arc<str>),
    Star,
    Binary {
        left: ExprRef,
        op: BinOp,
        right: ExprRef,
    },
    Unary {
        op: UnaryOp,
        operand: ExprRef,
    },
    BoolClause {
        op: BoolOp,
        items: Vec<ExprRef>,
    },
    Func {
        name: Arc<str>,
        args: Vec<ExprRef>,
    },
    Label {
        name: Arc<str>,
        inner: ExprRef,
    },
    Grouping(ExprRef),
    Text(Arc<TextClause>),
    ScalarSelect(Arc<Select>),
    /// `(a, b, c)` as the right side of IN with a fixed list.
    Tuple(Vec<ExprRef>),
    Between {
        expr: ExprRef,
        low: ExprRef,
        high: ExprRef,
        negate: bool,
    },
    /// `CAST(inner AS <the node's type>)`.
    Cast(ExprRef),
    /// `type_coerce()`: renders `inner` as it is; only the node's type (results, binds) differs.
    TypeCoerce(ExprRef),
    /// `CASE [value] WHEN c THEN r ... [ELSE e] END`.
    Case {
        value: Option<ExprRef>,
        whens: Vec<(ExprRef, ExprRef)>,
        else_: Option<ExprRef>,
    },
    /// A LIKE-family binary with `ESCAPE '<escape>'` after its pattern.
    Escape {
        like: ExprRef,
        escape: Arc<str>,
    },
    /// A window function: `f(...) OVER (PARTITION BY ... ORDER BY ... ROWS|RANGE BETWEEN ...)`.
    Over {
        func: ExprRef,
        partition_by: Vec<ExprRef>,
        order_by: Vec<ExprRef>,
        frame: Option<Frame>,
        /// The frame's n PRECEDING / FOLLOWING offsets as bound parameters, start before end,
        /// as SQLAlchemy 2.1 binds them.
        frame_binds: Vec<ExprRef>,
    },
}

/// A window frame; bounds are None (unbounded), 0 (current row), or n rows before (<0) / after (>0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Frame {
    pub range: bool,
    pub start: Option<i64>,
    pub end: Option<i64>,
}

#[derive(Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: SqlType,
    pub key: Key,
}

impl Expr {
    fn build(kind: ExprKind, ty: SqlType, kb: KeyBuilder) -> ExprRef {
        let mut kb = kb;
        ty.add_to_key(&mut kb);
        Arc::new(Expr {
            kind,
            ty,
            key: kb.finish(),
        })
    }

    pub fn column(table: Option<Arc<TableRef>>, name: &str, ty: SqlType) -> ExprRef {
        let mut kb = KeyBuilder::new("col");
        kb.str(name);
        if let Some(t) = &table {
            kb.key(t.key);
        }
        Expr::build(
            ExprKind::Column {
                table,
                name: name.into(),
            },
            ty,
            kb,
        )
    }

    pub fn bind(name: &str, value: Option<Value>, ty: SqlType, anonymous: bool) -> ExprRef {
        let mut kb = KeyBuilder::new("bind");
        kb.str(name)
            .u64(anonymous as u64)
            .u64(value.is_some() as u64);
        Expr::build(
            ExprKind::Bind(Bind {
                name: name.into(),
                value,
                anonymous,
                expanding: false,
                list: None,
            }),
            ty,
            kb,
        )
    }

    pub fn null() -> ExprRef {
        Expr::build(ExprKind::Null, SqlType::Null, KeyBuilder::new("null"))
    }

    pub fn true_() -> ExprRef {
        Expr::build(ExprKind::True, SqlType::Boolean, KeyBuilder::new("true"))
    }

    pub fn false_() -> ExprRef {
        Expr::build(ExprKind::False, SqlType::Boolean, KeyBuilder::new("false"))
    }

    pub fn star() -> ExprRef {
        Expr::build(ExprKind::Star, SqlType::Null, KeyBuilder::new("star"))
    }

    pub fn literal_column(text: &str, ty: SqlType) -> ExprRef {
        let mut kb = KeyBuilder::new("litcol");
        kb.str(text);
        Expr::build(ExprKind::LiteralColumn(text.into()), ty, kb)
    }

    pub fn literal_string(text: &str) -> ExprRef {
        let mut kb = KeyBuilder::new("litstr");
        kb.str(text);
        Expr::build(
            ExprKind::LiteralString(text.into()),
            SqlType::String(None),
            kb,
        )
    }

    pub fn binary(left: ExprRef, op: BinOp, right: ExprRef) -> ExprRef {
        let mut kb = KeyBuilder::new("bin");
        kb.key(left.key).u64(op as u64).key(right.key);
        let ty = if op.is_comparison() {
            SqlType::Boolean
        } else {
            left.ty.clone()
        };
        Expr::build(ExprKind::Binary { left, op, right }, ty, kb)
    }

    /// A binary whose result type is not its left operand's (`int / int` is Numeric in SQLAlchemy).
    pub fn binary_typed(left: ExprRef, op: BinOp, right: ExprRef, ty: SqlType) -> ExprRef {
        let mut kb = KeyBuilder::new("bin");
        kb.key(left.key).u64(op as u64).key(right.key);
        Expr::build(ExprKind::Binary { left, op, right }, ty, kb)
    }

    /// An IN list bound as one parameter and expanded to one placeholder per element at execution.
    /// `list: None` takes the list from the execution's parameters by `name`.
    pub fn bind_expanding(
        name: &str,
        list: Option<Vec<Value>>,
        ty: SqlType,
        anonymous: bool,
    ) -> ExprRef {
        let mut kb = KeyBuilder::new("bindx");
        kb.str(name)
            .u64(anonymous as u64)
            .u64(list.is_some() as u64);
        Expr::build(
            ExprKind::Bind(Bind {
                name: name.into(),
                value: None,
                anonymous,
                expanding: true,
                list,
            }),
            ty,
            kb,
        )
    }

    pub fn cast(inner: ExprRef, ty: SqlType) -> ExprRef {
        let mut kb = KeyBuilder::new("cast");
        kb.key(inner.key);
        Expr::build(ExprKind::Cast(inner), ty, kb)
    }

    pub fn type_coerce(inner: ExprRef, ty: SqlType) -> ExprRef {
        let mut kb = KeyBuilder::new("coerce");
        kb.key(inner.key);
        Expr::build(ExprKind::TypeCoerce(inner), ty, kb)
    }

    pub fn case(
        value: Option<ExprRef>,
        whens: Vec<(ExprRef, ExprRef)>,
        else_: Option<ExprRef>,
        ty: SqlType,
    ) -> ExprRef {
        let mut kb = KeyBuilder::new("case");
        kb.u64(value.is_some() as u64).u64(whens.len() as u64);
        if let Some(v) = &value {
            kb.key(v.key);
        }
        for (c, r) in &whens {
            kb.key(c.key).key(r.key);
        }
        kb.u64(else_.is_some() as u64);
        if let Some(e) = &else_ {
            kb.key(e.key);
        }
        Expr::build(
            ExprKind::Case {
                value,
                whens,
                else_,
            },
            ty,
            kb,
        )
    }

    pub fn escape(like: ExprRef, escape: &str) -> ExprRef {
        let mut kb = KeyBuilder::new("escape");
        kb.key(like.key).str(escape);
        let ty = like.ty.clone();
        Expr::build(
            ExprKind::Escape {
                like,
                escape: escape.into(),
            },
            ty,
            kb,
        )
    }

    /// The expression a wrapper (cast, type_coerce, label) stands for, for naming result columns.
    pub fn unwrapped(&self) -> &Expr {
        match &self.kind {
            ExprKind::Cast(inner) | ExprKind::TypeCoerce(inner) => inner.unwrapped(),
            _ => self,
        }
    }

    pub fn unary(op: UnaryOp, operand: ExprRef) -> ExprRef {
        let mut kb = KeyBuilder::new("unary");
        kb.u64(op as u64).key(operand.key);
        let ty = match op {
            UnaryOp::Not | UnaryOp::Exists => SqlType::Boolean,
            _ => operand.ty.clone(),
        };
        Expr::build(ExprKind::Unary { op, operand }, ty, kb)
    }

    pub fn bool_clause(op: BoolOp, items: Vec<ExprRef>) -> ExprRef {
        let mut kb = KeyBuilder::new("bool");
        kb.u64(op as u64).u64(items.len() as u64);
        for i in &items {
            kb.key(i.key);
        }
        Expr::build(ExprKind::BoolClause { op, items }, SqlType::Boolean, kb)
    }

    pub fn func(name: &str, args: Vec<ExprRef>, ty: SqlType) -> ExprRef {
        let mut kb = KeyBuilder::new("func");
        kb.str(name).u64(args.len() as u64);
        for a in &args {
            kb.key(a.key);
        }
        Expr::build(
            ExprKind::Func {
                name: name.into(),
                args,
            },
            ty,
            kb,
        )
    }

    pub fn label(name: &str, inner: ExprRef) -> ExprRef {
        let mut kb = KeyBuilder::new("label");
        kb.str(name).key(inner.key);
        let ty = inner.ty.clone();
        Expr::build(
            ExprKind::Label {
                name: name.into(),
                inner,
            },
            ty,
            kb,
        )
    }

    pub fn grouping(inner: ExprRef) -> ExprRef {
        let mut kb = KeyBuilder::new("group");
        kb.key(inner.key);
        let ty = inner.ty.clone();
        Expr::build(ExprKind::Grouping(inner), ty, kb)
    }

    pub fn text(clause: Arc<TextClause>) -> ExprRef {
        let mut kb = KeyBuilder::new("textexpr");
        kb.key(clause.key);
        Expr::build(ExprKind::Text(clause), SqlType::Null, kb)
    }

    pub fn scalar_select(select: Arc<Select>) -> ExprRef {
        let mut kb = KeyBuilder::new("scalarsel");
        kb.key(select.key);
        let ty = select
            .columns
            .first()
            .map(|c| c.ty.clone())
            .unwrap_or_default();
        Expr::build(ExprKind::ScalarSelect(select), ty, kb)
    }

    pub fn between(expr: ExprRef, low: ExprRef, high: ExprRef, negate: bool) -> ExprRef {
        let mut kb = KeyBuilder::new("between");
        kb.key(expr.key)
            .key(low.key)
            .key(high.key)
            .u64(negate as u64);
        Expr::build(
            ExprKind::Between {
                expr,
                low,
                high,
                negate,
            },
            SqlType::Boolean,
            kb,
        )
    }

    pub fn over(
        func: ExprRef,
        partition_by: Vec<ExprRef>,
        order_by: Vec<ExprRef>,
        frame: Option<Frame>,
    ) -> ExprRef {
        let mut kb = KeyBuilder::new("over");
        kb.key(func.key).u64(partition_by.len() as u64);
        for e in partition_by.iter().chain(order_by.iter()) {
            kb.key(e.key);
        }
        kb.u64(order_by.len() as u64);
        let mut frame_binds = Vec::new();
        match frame {
            None => {
                kb.u64(0);
            }
            Some(f) => {
                // Only each bound's kind reaches the key: offsets are bound values.
                kb.u64(1).u64(f.range as u64);
                for b in [f.start, f.end] {
                    kb.u64(match b {
                        None => 0,
                        Some(0) => 1,
                        Some(n) if n < 0 => 2,
                        Some(_) => 3,
                    });
                    if let Some(n) = b.filter(|n| *n != 0) {
                        frame_binds.push(Expr::bind(
                            "param",
                            Some(Value::Int(n.abs())),
                            SqlType::Integer,
                            true,
                        ));
                    }
                }
            }
        }
        let ty = func.ty.clone();
        Expr::build(
            ExprKind::Over {
                func,
                partition_by,
                order_by,
                frame,
                frame_binds,
            },
            ty,
            kb,
        )
    }

    pub fn tuple(items: Vec<ExprRef>) -> ExprRef {
        let mut kb = KeyBuilder::new("tuple");
        kb.u64(items.len() as u64);
        for i in &items {
            kb.key(i.key);
        }
        Expr::build(ExprKind::Tuple(items), SqlType::Null, kb)
    }

    /// The name a result column of this expression gets when nothing labels it.
    pub fn default_name(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Column { name, .. } => Some(name),
            ExprKind::Label { name, .. } => Some(name),
            ExprKind::Func { name, .. } => Some(name),
            _ => None,
        }
    }

    /// Tables this expression reads from, in first-seen order (the implicit FROM list).
    pub fn collect_tables(&self, out: &mut Vec<Arc<TableRef>>) {
        match &self.kind {
            ExprKind::Column { table: Some(t), .. } if !out.iter().any(|x| x.id == t.id) => {
                out.push(t.clone());
            }
            ExprKind::Binary { left, right, .. } => {
                left.collect_tables(out);
                right.collect_tables(out);
            }
            ExprKind::Unary { op, operand } if *op != UnaryOp::Exists => {
                operand.collect_tables(out)
            }
            ExprKind::BoolClause { items, .. } | ExprKind::Tuple(items) => {
                items.iter().for_each(|i| i.collect_tables(out))
            }
            ExprKind::Func { args, .. } => args.iter().for_each(|a| a.collect_tables(out)),
            ExprKind::Label { inner, .. }
            | ExprKind::Grouping(inner)
            | ExprKind::Cast(inner)
            | ExprKind::TypeCoerce(inner)
            | ExprKind::Escape { like: inner, .. } => inner.collect_tables(out),
            ExprKind::Case {
                value,
                whens,
                else_,
            } => {
                value.iter().for_each(|v| v.collect_tables(out));
                for (c, r) in whens {
                    c.collect_tables(out);
                    r.collect_tables(out);
                }
                else_.iter().for_each(|e| e.collect_tables(out));
            }
            ExprKind::Between {
                expr, low, high, ..
            } => {
                expr.collect_tables(out);
                low.collect_tables(out);
                high.collect_tables(out);
            }
            ExprKind::Over {
                func,
                partition_by,
                order_by,
                ..
            } => {
                func.collect_tables(out);
                partition_by
                    .iter()
                    .chain(order_by.iter())
                    .for_each(|e| e.collect_tables(out));
            }
            _ => {}
        }
    }

    /// Each direct child expression; the inside of a nested SELECT is not a child.
    pub fn for_each_child(&self, f: &mut dyn FnMut(&ExprRef)) {
        match &self.kind {
            ExprKind::Binary { left, right, .. } => {
                f(left);
                f(right);
            }
            ExprKind::Unary { operand, .. } => f(operand),
            ExprKind::BoolClause { items, .. } | ExprKind::Tuple(items) => items.iter().for_each(f),
            ExprKind::Func { args, .. } => args.iter().for_each(f),
            ExprKind::Label { inner, .. } | ExprKind::Grouping(inner) => f(inner),
            ExprKind::Between {
                expr, low, high, ..
            } => {
                f(expr);
                f(low);
                f(high);
            }
            ExprKind::Over {
                func,
                partition_by,
                order_by,
                ..
            } => {
                f(func);
                partition_by.iter().chain(order_by.iter()).for_each(f);
            }
            _ => {}
        }
    }

    /// CTEs the SELECTs nested in this expression use (see `Select::collect_ctes`).
    pub fn collect_ctes(&self, out: &mut Vec<FromItem>, visiting: &mut Vec<u64>) {
        if let ExprKind::ScalarSelect(s) = &self.kind {
            s.collect_ctes(out, visiting);
            return;
        }
        self.for_each_child(&mut |c| c.collect_ctes(out, visiting));
    }

    /// Visits bound parameters in the canonical order that `compiler` and execution agree on.
    pub fn walk_binds<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        match &self.kind {
            ExprKind::Bind(_) => f(self),
            ExprKind::Binary { left, right, .. } => {
                left.walk_binds(f);
                right.walk_binds(f);
            }
            ExprKind::Unary { operand, .. } => operand.walk_binds(f),
            ExprKind::BoolClause { items, .. } | ExprKind::Tuple(items) => {
                items.iter().for_each(|i| i.walk_binds(f))
            }
            ExprKind::Func { args, .. } => args.iter().for_each(|a| a.walk_binds(f)),
            ExprKind::Label { inner, .. }
            | ExprKind::Grouping(inner)
            | ExprKind::Cast(inner)
            | ExprKind::TypeCoerce(inner)
            | ExprKind::Escape { like: inner, .. } => inner.walk_binds(f),
            ExprKind::Case {
                value,
                whens,
                else_,
            } => {
                value.iter().for_each(|v| v.walk_binds(f));
                for (c, r) in whens {
                    c.walk_binds(f);
                    r.walk_binds(f);
                }
                else_.iter().for_each(|e| e.walk_binds(f));
            }
            ExprKind::ScalarSelect(s) => s.walk_binds(f),
            ExprKind::Text(t) => t.walk_binds(f),
            ExprKind::Between {
                expr, low, high, ..
            } => {
                expr.walk_binds(f);
                low.walk_binds(f);
                high.walk_binds(f);
            }
            ExprKind::Over {
                func,
                partition_by,
                order_by,
                frame_binds,
                ..
            } => {
                func.walk_binds(f);
                partition_by
                    .iter()
                    .chain(order_by.iter())
                    .chain(frame_binds.iter())
                    .for_each(|e| e.walk_binds(f));
            }
            _ => {}
        }
    }
}
