//! The SQL compiler. Method names follow SQLAlchemy's `visit_*` names so its compiler can be read as
//! the specification; an explicit state struct stands in for its `**kw`.

mod ddl;
mod dml;
mod select;
mod type_names;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Arc;

use crate::dialect::{Dialect, ParamStyle};
use crate::expr::{BinOp, BoolOp, Expr, ExprKind, ExprRef, UnaryOp};
use crate::stmt::Statement;
use crate::text::TextPart;
use crate::types::SqlType;
use crate::value::Value;

pub use type_names::type_ddl;

/// Where a positional parameter of the compiled SQL takes its value from.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamRef {
    /// The n-th bind of the statement in canonical order, which carries its own value.
    Pos(usize),
    /// A value from the execution parameters by name; `fallback` is the canonical bind whose
    /// value is used when the parameters do not name it.
    Named {
        name: Arc<str>,
        fallback: Option<usize>,
        ty: SqlType,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResultColumn {
    pub name: String,
    pub ty: SqlType,
}

#[derive(Debug, Clone, Default)]
pub struct Compiled {
    pub sql: String,
    pub params: Vec<ParamRef>,
    /// Each parameter's name as `str(stmt)` shows it (`id_1`), for echo and error messages.
    pub param_names: Vec<String>,
    pub columns: Vec<ResultColumn>,
    /// SELECT, or DML with RETURNING: the statement produces rows.
    pub returns_rows: bool,
    pub is_dml: bool,
    pub is_ddl: bool,
    pub is_insert: bool,
    /// Byte range of the `(?, ?)` group of a single-row INSERT, for multi-row batching.
    pub values_span: Option<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompileError {
    /// The construct cannot be expressed on this dialect (SQLAlchemy's CompileError).
    Unsupported(String),
    /// Parameters name columns the statement does not have (SQLAlchemy's CompileError).
    UnconsumedColumns(Vec<String>),
    /// The dialect has no rendering for this element at all (SQLAlchemy's
    /// UnsupportedCompilationError), e.g. an ARRAY type on SQLite.
    UnsupportedElement(String),
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::Unsupported(m) | CompileError::UnsupportedElement(m) => write!(f, "{m}"),
            CompileError::UnconsumedColumns(c) => {
                write!(f, "Unconsumed column names: {}", c.join(", "))
            }
        }
    }
}

impl std::error::Error for CompileError {}

#[derive(Debug, Clone, Default)]
pub struct CompileOptions {
    /// Render bound values inline (`compile_kwargs={"literal_binds": True}`).
    pub literal_binds: bool,
    /// Parameter keys of the execution, for INSERT/UPDATE columns that have no `.values()` entry.
    pub param_keys: Vec<String>,
}

pub(crate) struct Ctx<'a> {
    pub d: Dialect,
    style: ParamStyle,
    literal_binds: bool,
    pub sql: String,
    params: Vec<ParamRef>,
    param_names: Vec<String>,
    canon: HashMap<*const Expr, VecDeque<usize>>,
    anon_counts: HashMap<String, usize>,
    /// Names given to anonymous subqueries, by table id.
    anon_tables: HashMap<u64, String>,
    /// FROM tables of the enclosing SELECTs: a nested SELECT correlates to them.
    pub(crate) enclosing: Vec<Vec<u64>>,
    /// Names of the statement's named binds (`bindparam("x")`): parameters for them are no stray keys.
    pub(crate) bind_names: Vec<String>,
    pub param_keys: &'a [String],
    /// False inside SQLite's RETURNING, which names columns without their table.
    pub(crate) include_table: bool,
}

/// Compiles a statement for a dialect.
pub fn compile(
    stmt: &Statement,
    d: Dialect,
    opts: &CompileOptions,
) -> Result<Compiled, CompileError> {
    let mut canon: HashMap<*const Expr, VecDeque<usize>> = HashMap::new();
    let mut bind_names = Vec::new();
    let mut n = 0usize;
    stmt.walk_binds(&mut |e| {
        canon.entry(e as *const Expr).or_default().push_back(n);
        if let ExprKind::Bind(b) = &e.kind {
            if !b.anonymous {
                bind_names.push(b.name.to_string());
            }
        }
        n += 1;
    });
    let mut ctx = Ctx {
        d,
        style: d.param_style(),
        literal_binds: opts.literal_binds,
        sql: String::with_capacity(128),
        params: Vec::new(),
        param_names: Vec::new(),
        canon,
        anon_counts: HashMap::new(),
        anon_tables: HashMap::new(),
        enclosing: Vec::new(),
        bind_names,
        param_keys: &opts.param_keys,
        include_table: true,
    };
    let mut out = Compiled::default();
    match stmt {
        Statement::Select(s) => {
            out.columns = ctx.visit_select(s, true)?;
            out.returns_rows = true;
        }
        Statement::Insert(i) => {
            let (cols, span) = ctx.visit_insert(i)?;
            out.returns_rows = !cols.is_empty();
            out.columns = cols;
            out.values_span = span;
            out.is_dml = true;
            out.is_insert = true;
        }
        Statement::Update(u) => {
            out.columns = ctx.visit_update(u)?;
            out.returns_rows = !out.columns.is_empty();
            out.is_dml = true;
        }
        Statement::Delete(x) => {
            out.columns = ctx.visit_delete(x)?;
            out.returns_rows = !out.columns.is_empty();
            out.is_dml = true;
        }
        Statement::Text(t) => {
            for (i, part) in t.parts.iter().enumerate() {
                match part {
                    TextPart::Sql(s) => ctx.sql.push_str(s),
                    TextPart::Param(_) => {
                        let idx = t.parts[..i]
                            .iter()
                            .filter(|p| matches!(p, TextPart::Param(_)))
                            .count();
                        if let Some(node) = t.bind_node(idx) {
                            ctx.visit_bind(node)?;
                        }
                    }
                }
            }
            out.columns = t
                .column_types
                .iter()
                .map(|(n, ty)| ResultColumn {
                    name: n.clone(),
                    ty: ty.clone(),
                })
                .collect();
            out.returns_rows = true;
            out.is_dml = stmt.is_dml();
        }
        Statement::Ddl(x) => {
            ctx.visit_ddl(x)?;
            out.is_ddl = true;
        }
    }
    out.sql = ctx.sql;
    out.params = ctx.params;
    out.param_names = ctx.param_names;
    // Decoding and binding go by the implementation this dialect uses (`with_variant`).
    for c in &mut out.columns {
        c.ty = c.ty.resolve(d);
    }
    for p in &mut out.params {
        if let ParamRef::Named { ty, .. } = p {
            *ty = ty.resolve(d);
        }
    }
    Ok(out)
}

/// Compiles a lone expression (`str(users.c.id == 5)`): SQL, parameter names, and the canonical
/// index of each parameter's bind.
pub fn compile_expression(
    e: &ExprRef,
    d: Dialect,
    literal_binds: bool,
) -> Result<(String, Vec<String>, Vec<ParamRef>), CompileError> {
    let mut canon: HashMap<*const Expr, VecDeque<usize>> = HashMap::new();
    let mut n = 0usize;
    e.walk_binds(&mut |x| {
        canon.entry(x as *const Expr).or_default().push_back(n);
        n += 1;
    });
    let mut ctx = Ctx {
        d,
        style: d.param_style(),
        literal_binds,
        sql: String::new(),
        params: Vec::new(),
        param_names: Vec::new(),
        canon,
        anon_counts: HashMap::new(),
        anon_tables: HashMap::new(),
        enclosing: Vec::new(),
        bind_names: Vec::new(),
        param_keys: &[],
        include_table: true,
    };
    ctx.visit(e)?;
    Ok((ctx.sql, ctx.param_names, ctx.params))
}

impl Ctx<'_> {
    pub(crate) fn quote(&self, name: &str) -> String {
        self.d.quote_identifier(name)
    }

    /// `name_N` with a counter per name, shared by anonymous binds and labels as in SQLAlchemy.
    pub(crate) fn anon_name(&mut self, base: &str) -> String {
        let c = self.anon_counts.entry(base.to_string()).or_insert(0);
        *c += 1;
        format!("{base}_{c}")
    }

    fn push_param(&mut self, p: ParamRef, name: String) {
        match self.style {
            ParamStyle::Named => {
                self.sql.push(':');
                self.sql.push_str(&name);
            }
            ParamStyle::Qmark => self.sql.push('?'),
            ParamStyle::Numeric => {
                self.sql.push('$');
                self.sql.push_str(&(self.params.len() + 1).to_string());
            }
        }
        self.params.push(p);
        self.param_names.push(name);
    }

    /// A parameter filled from execution parameters by key (INSERT/UPDATE columns, ORM flush).
    pub(crate) fn push_named_param(&mut self, name: &str, ty: &SqlType) {
        self.push_param(
            ParamRef::Named {
                name: name.into(),
                fallback: None,
                ty: ty.clone(),
            },
            name.to_string(),
        );
    }

    pub(crate) fn visit_bind(&mut self, e: &Expr) -> Result<(), CompileError> {
        let ExprKind::Bind(b) = &e.kind else {
            return Ok(());
        };
        let pos = self
            .canon
            .get_mut(&(e as *const Expr))
            .and_then(|q| q.pop_front());
        if self.literal_binds {
            if let Some(v) = &b.value {
                let lit = self.render_literal(v)?;
                self.sql.push_str(&lit);
                return Ok(());
            }
        }
        let name = if b.anonymous {
            self.anon_name(&b.name)
        } else {
            b.name.to_string()
        };
        let p = match (&b.value, b.anonymous) {
            (Some(_), true) => ParamRef::Pos(pos.unwrap_or(0)),
            _ => ParamRef::Named {
                name: b.name.clone(),
                fallback: if b.value.is_some() { pos } else { None },
                ty: e.ty.clone(),
            },
        };
        self.push_param(p, name);
        Ok(())
    }

    /// SQL-standard functions SQLAlchemy renders as keywords, without parentheses.
    fn ansi_function(&self, name: &str) -> Option<&'static str> {
        Some(match name.to_ascii_lowercase().as_str() {
            "now" if self.d == Dialect::Sqlite => "CURRENT_TIMESTAMP",
            "current_timestamp" => "CURRENT_TIMESTAMP",
            "current_date" => "CURRENT_DATE",
            "current_time" => "CURRENT_TIME",
            "current_user" => "CURRENT_USER",
            "localtime" => "LOCALTIME",
            "localtimestamp" => "LOCALTIMESTAMP",
            "session_user" => "SESSION_USER",
            "user" => "USER",
            _ => return None,
        })
    }

    fn render_literal(&self, v: &Value) -> Result<String, CompileError> {
        Ok(match v {
            Value::Null => "NULL".into(),
            Value::Bool(b) => match self.d {
                Dialect::Sqlite | Dialect::Mysql => (if *b { "1" } else { "0" }).into(),
                _ => (if *b { "true" } else { "false" }).into(),
            },
            Value::Int(i) => i.to_string(),
            Value::Float(f) => format!("{f:?}"),
            Value::Text(s) => quote_string(s),
            Value::Decimal(s) => s.clone(),
            Value::Date(p) => quote_string(&format!("{:04}-{:02}-{:02}", p.year, p.month, p.day)),
            Value::Time(p) => {
                quote_string(&format!("{:02}:{:02}:{:02}", p.hour, p.minute, p.second))
            }
            Value::DateTime(p) => quote_string(&format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                p.year, p.month, p.day, p.hour, p.minute, p.second
            )),
            Value::Uuid(u) => quote_string(&format!("{u:032x}")),
            Value::Blob(_) => {
                return Err(CompileError::Unsupported(
                    "No literal value renderer is available for binary values".into(),
                ))
            }
            Value::Interval(_) | Value::Array(_) | Value::Deferred(_) => {
                return Err(CompileError::Unsupported(
                    "ferroalchemy: rendering a value of this type inline (literal_binds) is not implemented yet"
                        .into(),
                ))
            }
        })
    }

    /// A table's name as rendered; an anonymous subquery gets `anon_N` where it first appears.
    pub(crate) fn table_name(&mut self, t: &crate::expr::TableRef) -> String {
        if !t.anonymous {
            return self.quote(&t.name);
        }
        if let Some(n) = self.anon_tables.get(&t.id) {
            return n.clone();
        }
        let n = self.anon_name("anon");
        self.anon_tables.insert(t.id, n.clone());
        n
    }

    pub(crate) fn visit_column_ref(&mut self, e: &Expr) {
        if let ExprKind::Column { table, name } = &e.kind {
            if let Some(t) = table.as_ref().filter(|_| self.include_table) {
                if let Some(s) = &t.schema {
                    let s = self.quote(s);
                    self.sql.push_str(&s);
                    self.sql.push('.');
                }
                let tn = self.table_name(t);
                self.sql.push_str(&tn);
                self.sql.push('.');
            }
            let n = self.quote(name);
            self.sql.push_str(&n);
        }
    }

    /// Renders an expression, wrapping it in parentheses when its operator binds looser than the
    /// enclosing one (SQLAlchemy's `self_group(against=...)`).
    pub(crate) fn visit_grouped(&mut self, e: &ExprRef, against: i32) -> Result<(), CompileError> {
        let p = precedence(e);
        if p <= against {
            self.sql.push('(');
            self.visit(e)?;
            self.sql.push(')');
        } else {
            self.visit(e)?;
        }
        Ok(())
    }

    /// A value of SET, VALUES or ON CONFLICT ... SET: SQLAlchemy calls `self_group()` on it, which
    /// parenthesises every operator expression (`age=(users.age + ?)`, `(-users.age)`).
    pub(crate) fn visit_self_grouped(&mut self, e: &ExprRef) -> Result<(), CompileError> {
        let operator = match &e.kind {
            ExprKind::Binary { .. } | ExprKind::Between { .. } => true,
            ExprKind::BoolClause { items, .. } => items.len() > 1,
            ExprKind::Unary { op, .. } => matches!(op, UnaryOp::Not | UnaryOp::Neg),
            _ => false,
        };
        if operator {
            self.sql.push('(');
            self.visit(e)?;
            self.sql.push(')');
            Ok(())
        } else {
            self.visit(e)
        }
    }

    pub(crate) fn visit(&mut self, e: &ExprRef) -> Result<(), CompileError> {
        match &e.kind {
            ExprKind::Column { .. } => self.visit_column_ref(e),
            ExprKind::Bind(_) => self.visit_bind(e)?,
            ExprKind::Null => self.sql.push_str("NULL"),
            ExprKind::True => self.sql.push_str(match self.d {
                Dialect::Sqlite | Dialect::Mysql => "1",
                _ => "true",
            }),
            ExprKind::False => self.sql.push_str(match self.d {
                Dialect::Sqlite | Dialect::Mysql => "0",
                _ => "false",
            }),
            ExprKind::LiteralColumn(t) => self.sql.push_str(t),
            ExprKind::LiteralString(s) => self.sql.push_str(&quote_string(s)),
            ExprKind::Star => self.sql.push('*'),
            ExprKind::Binary { left, op, right } => self.visit_binary(e, left, *op, right)?,
            ExprKind::Unary { op, operand } => self.visit_unary(*op, operand)?,
            ExprKind::BoolClause { op, items } => {
                let (sep, prec) = match op {
                    BoolOp::And => (" AND ", PREC_AND),
                    BoolOp::Or => (" OR ", PREC_OR),
                };
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.sql.push_str(sep);
                    }
                    self.visit_grouped(item, prec)?;
                }
            }
            ExprKind::Func { name, args } => {
                if args.is_empty() {
                    if let Some(keyword) = self.ansi_function(name) {
                        self.sql.push_str(keyword);
                        return Ok(());
                    }
                }
                self.sql.push_str(name);
                self.sql.push('(');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        self.sql.push_str(", ");
                    }
                    self.visit(a)?;
                }
                self.sql.push(')');
            }
            ExprKind::Label { inner, .. } => self.visit(inner)?,
            ExprKind::Grouping(inner) => {
                self.sql.push('(');
                self.visit(inner)?;
                self.sql.push(')');
            }
            ExprKind::Tuple(items) => {
                self.sql.push('(');
                for (i, a) in items.iter().enumerate() {
                    if i > 0 {
                        self.sql.push_str(", ");
                    }
                    self.visit(a)?;
                }
                self.sql.push(')');
            }
            ExprKind::Text(t) => {
                let mut n = 0;
                for part in &t.parts {
                    match part {
                        TextPart::Sql(s) => self.sql.push_str(s),
                        TextPart::Param(_) => {
                            if let Some(node) = t.bind_node(n) {
                                let node = node.clone();
                                self.visit_bind(&node)?;
                            }
                            n += 1;
                        }
                    }
                }
            }
            ExprKind::ScalarSelect(s) => {
                self.sql.push('(');
                self.visit_select(s, false)?;
                self.sql.push(')');
            }
            ExprKind::Between {
                expr,
                low,
                high,
                negate,
            } => {
                self.visit_grouped(expr, PREC_CMP)?;
                self.sql.push_str(if *negate {
                    " NOT BETWEEN "
                } else {
                    " BETWEEN "
                });
                self.visit_grouped(low, PREC_CMP)?;
                self.sql.push_str(" AND ");
                self.visit_grouped(high, PREC_CMP)?;
            }
            ExprKind::Over {
                func,
                partition_by,
                order_by,
                frame,
            } => {
                self.visit(func)?;
                self.sql.push_str(" OVER (");
                let mut parts = 0;
                if !partition_by.is_empty() {
                    self.sql.push_str("PARTITION BY ");
                    self.visit_list(partition_by)?;
                    parts += 1;
                }
                if !order_by.is_empty() {
                    if parts > 0 {
                        self.sql.push(' ');
                    }
                    self.sql.push_str("ORDER BY ");
                    self.visit_list(order_by)?;
                    parts += 1;
                }
                if let Some(fr) = frame {
                    if parts > 0 {
                        self.sql.push(' ');
                    }
                    self.sql.push_str(if fr.range { "RANGE" } else { "ROWS" });
                    self.sql.push_str(" BETWEEN ");
                    self.sql.push_str(&frame_bound(fr.start, "PRECEDING"));
                    self.sql.push_str(" AND ");
                    self.sql.push_str(&frame_bound(fr.end, "FOLLOWING"));
                }
                self.sql.push(')');
            }
        }
        Ok(())
    }

    fn visit_binary(
        &mut self,
        e: &ExprRef,
        left: &ExprRef,
        op: BinOp,
        right: &ExprRef,
    ) -> Result<(), CompileError> {
        // Operands group against the operator's own precedence (a pattern LIKE counts as comparison).
        let prec = precedence(e).max(PREC_CMP);
        if op == BinOp::Concat && self.d == Dialect::Mysql {
            // `a || b || c` is one concat(a, b, c) call: SQLAlchemy flattens the chain.
            let mut args = Vec::new();
            concat_operands(e, &mut args);
            self.sql.push_str("concat(");
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    self.sql.push_str(", ");
                }
                self.visit(a)?;
            }
            self.sql.push(')');
            return Ok(());
        }
        if matches!(op, BinOp::ILike | BinOp::NotILike) && self.d != Dialect::Postgresql {
            // Dialects without ILIKE compare lower() of both sides, as SQLAlchemy renders it.
            self.sql.push_str("lower(");
            self.visit(left)?;
            self.sql.push_str(if op == BinOp::ILike {
                ") LIKE lower("
            } else {
                ") NOT LIKE lower("
            });
            self.visit(right)?;
            self.sql.push(')');
            return Ok(());
        }
        self.visit_operand(left, op, prec)?;
        self.sql.push_str(match op {
            BinOp::Eq => " = ",
            BinOp::Ne => " != ",
            BinOp::Lt => " < ",
            BinOp::Le => " <= ",
            BinOp::Gt => " > ",
            BinOp::Ge => " >= ",
            BinOp::Add => " + ",
            BinOp::Sub => " - ",
            BinOp::Mul => " * ",
            BinOp::Div => " / ",
            BinOp::Mod => " % ",
            BinOp::Concat => " || ",
            BinOp::Like => " LIKE ",
            BinOp::NotLike => " NOT LIKE ",
            BinOp::ILike => " ILIKE ",
            BinOp::NotILike => " NOT ILIKE ",
            BinOp::Is => " IS ",
            BinOp::IsNot => " IS NOT ",
            BinOp::In => " IN ",
            BinOp::NotIn => " NOT IN ",
        });
        if is_like_pattern(op, right) {
            // startswith/endswith/contains: `LIKE :p || '%'` renders without parentheses.
            self.visit(right)
        } else if op == BinOp::Concat {
            self.visit_grouped(right, prec - 1)
        } else {
            self.visit_operand(right, op, prec)
        }
    }

    /// An operand of `op`: the same associative operator nests without parentheses
    /// (`a + b + c`, `a || b || c`), as SQLAlchemy's `is_natural_self_precedent`.
    fn visit_operand(
        &mut self,
        operand: &ExprRef,
        op: BinOp,
        prec: i32,
    ) -> Result<(), CompileError> {
        match &operand.kind {
            ExprKind::Binary { op: inner, .. }
                if *inner == op && matches!(op, BinOp::Add | BinOp::Mul | BinOp::Concat) =>
            {
                self.visit(operand)
            }
            _ => self.visit_grouped(operand, prec),
        }
    }

    fn visit_unary(&mut self, op: UnaryOp, operand: &ExprRef) -> Result<(), CompileError> {
        match op {
            UnaryOp::Not => {
                self.sql.push_str("NOT ");
                self.visit_grouped(operand, PREC_NOT)?;
            }
            UnaryOp::Neg => {
                self.sql.push('-');
                self.visit_grouped(operand, PREC_MUL)?;
            }
            UnaryOp::Asc | UnaryOp::Desc | UnaryOp::NullsFirst | UnaryOp::NullsLast => {
                // A modifier over another modifier (`DESC NULLS LAST`) never groups: SQLAlchemy's
                // modifier-only UnaryExpression has no operator to be precedent against.
                if precedence(operand) == PREC_ORDER {
                    self.visit(operand)?;
                } else {
                    self.visit_grouped(operand, PREC_ORDER)?;
                }
                self.sql.push_str(match op {
                    UnaryOp::Asc => " ASC",
                    UnaryOp::Desc => " DESC",
                    UnaryOp::NullsFirst => " NULLS FIRST",
                    _ => " NULLS LAST",
                });
            }
            UnaryOp::Distinct => {
                self.sql.push_str("DISTINCT ");
                self.visit(operand)?;
            }
            UnaryOp::Exists => {
                self.sql.push_str("EXISTS ");
                self.visit(operand)?;
            }
        }
        Ok(())
    }
}

/// A LIKE pattern built by startswith/endswith/contains has no precedence of its own in
/// SQLAlchemy, so it is parenthesised wherever it meets another operator (WHERE, AND, OR, NOT).
const PREC_PATTERN: i32 = -100;
/// What WHERE/HAVING group their criterion against (SQLAlchemy's `_asbool`).
pub(crate) const PREC_ASBOOL: i32 = -10;
const PREC_OR: i32 = 2;
const PREC_AND: i32 = 3;
const PREC_ORDER: i32 = 3;
const PREC_NOT: i32 = 5;
const PREC_CMP: i32 = 5;
const PREC_ADD: i32 = 7;
const PREC_MUL: i32 = 8;

/// A LIKE whose pattern is concatenated with '%': what startswith/endswith/contains build.
fn is_like_pattern(op: BinOp, right: &Expr) -> bool {
    matches!(
        op,
        BinOp::Like | BinOp::NotLike | BinOp::ILike | BinOp::NotILike
    ) && matches!(
        &right.kind,
        ExprKind::Binary {
            op: BinOp::Concat,
            ..
        }
    )
}

/// SQLAlchemy's operator precedence table; atoms never need grouping.
fn precedence(e: &Expr) -> i32 {
    match &e.kind {
        ExprKind::BoolClause {
            op: BoolOp::Or,
            items,
        } if items.len() > 1 => PREC_OR,
        ExprKind::BoolClause {
            op: BoolOp::And,
            items,
        } if items.len() > 1 => PREC_AND,
        ExprKind::Binary { op, right, .. } if is_like_pattern(*op, right) => PREC_PATTERN,
        ExprKind::Binary { op, .. } => match op {
            BinOp::Add | BinOp::Sub => PREC_ADD,
            BinOp::Mul | BinOp::Div | BinOp::Mod => PREC_MUL,
            _ => PREC_CMP,
        },
        ExprKind::Unary {
            op: UnaryOp::Not, ..
        } => PREC_NOT,
        ExprKind::Unary {
            op: UnaryOp::Asc | UnaryOp::Desc | UnaryOp::NullsFirst | UnaryOp::NullsLast,
            ..
        } => PREC_ORDER,
        ExprKind::ScalarSelect(_) => i32::MAX,
        _ => i32::MAX,
    }
}

/// The operands of a chain of `||`, left to right, nested concatenations flattened.
fn concat_operands<'e>(e: &'e ExprRef, out: &mut Vec<&'e ExprRef>) {
    match &e.kind {
        ExprKind::Binary {
            left,
            op: BinOp::Concat,
            right,
        } => {
            concat_operands(left, out);
            concat_operands(right, out);
        }
        _ => out.push(e),
    }
}

/// A window frame bound: unbounded, CURRENT ROW, or n PRECEDING / FOLLOWING.
fn frame_bound(b: Option<i64>, unbounded: &str) -> String {
    match b {
        None => format!("UNBOUNDED {unbounded}"),
        Some(0) => "CURRENT ROW".into(),
        Some(n) if n < 0 => format!("{} PRECEDING", -n),
        Some(n) => format!("{n} FOLLOWING"),
    }
}

pub(crate) fn quote_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}
