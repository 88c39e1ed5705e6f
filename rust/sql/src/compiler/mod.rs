//! The SQL compiler. Method names follow SQLAlchemy's `visit_*` names so its compiler can be read as
//! the specification; an explicit state struct stands in for its `**kw`.

mod compound;
mod cte;
mod ddl;
mod dml;
mod elements;
mod paramstyle;
mod select;
mod type_names;
mod upsert;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Arc;

use crate::dialect::{Dialect, ParamStyle};
use crate::expr::{BinOp, BoolOp, Expr, ExprKind, ExprRef, UnaryOp};
use crate::stmt::Statement;
use crate::text::TextPart;
use crate::types::SqlType;
use crate::value::Value;

pub use elements::{postcompile_marker, ParamValue};
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
    /// An expanding IN parameter: a list, one placeholder per element once expanded for
    /// execution (`Compiled::expand`); `negate` for NOT IN, whose empty list reads differently.
    Expanding {
        name: Arc<str>,
        fallback: Option<usize>,
        ty: SqlType,
        negate: bool,
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
    /// Byte range of each parameter's placeholder in `sql`, for `Compiled::expand`.
    pub param_spans: Vec<(usize, usize)>,
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
    /// The statement is malformed in a way SQLAlchemy reports as InvalidRequestError.
    InvalidRequest(String),
    /// SQLAlchemy raises NotImplementedError: the dialect has no way to say this.
    NotSupported(String),
    /// The dialect has no rendering for this element at all (SQLAlchemy's
    /// UnsupportedCompilationError), e.g. an ARRAY type on SQLite.
    UnsupportedElement(String),
}

impl CompileError {
    /// The `ferroalchemy.exc` class (or builtin) SQLAlchemy raises for this error.
    pub fn exception_name(&self) -> &'static str {
        match self {
            CompileError::Unsupported(_) | CompileError::UnconsumedColumns(_) => "CompileError",
            CompileError::InvalidRequest(_) => "InvalidRequestError",
            CompileError::NotSupported(_) => "NotImplementedError",
            CompileError::UnsupportedElement(_) => "UnsupportedCompilationError",
        }
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::Unsupported(m)
            | CompileError::InvalidRequest(m)
            | CompileError::NotSupported(m)
            | CompileError::UnsupportedElement(m) => write!(f, "{m}"),
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
    /// For display: the user's driver's paramstyle instead of the one ferroalchemy's driver takes.
    pub display_style: Option<ParamStyle>,
    /// For display: PostgreSQL `::TYPE` casts after parameters, as psycopg and asyncpg get them.
    pub bind_casts: bool,
}

pub(crate) struct Ctx<'a> {
    pub d: Dialect,
    style: ParamStyle,
    literal_binds: bool,
    pub sql: String,
    params: Vec<ParamRef>,
    param_names: Vec<String>,
    param_spans: Vec<(usize, usize)>,
    /// Set while visiting the right side of NOT IN, for an expanding bind there.
    in_negate: bool,
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
    pub(crate) bind_casts: bool,
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
        style: opts.display_style.unwrap_or_else(|| d.param_style()),
        literal_binds: opts.literal_binds,
        sql: String::with_capacity(128),
        params: Vec::new(),
        param_names: Vec::new(),
        param_spans: Vec::new(),
        in_negate: false,
        canon,
        anon_counts: HashMap::new(),
        anon_tables: HashMap::new(),
        enclosing: Vec::new(),
        bind_names,
        param_keys: &opts.param_keys,
        include_table: true,
        bind_casts: opts.bind_casts,
    };
    let mut out = Compiled::default();
    match stmt {
        Statement::Select(s) => {
            out.columns = ctx.visit_select(s, true)?;
            out.returns_rows = true;
        }
        Statement::Insert(i) => {
            let (cols, span) = ctx.visit_insert(i, &stmt.collect_ctes())?;
            out.returns_rows = !cols.is_empty();
            out.columns = cols;
            out.values_span = span;
            out.is_dml = true;
            out.is_insert = true;
        }
        Statement::Update(u) => {
            out.columns = ctx.visit_update(u, &stmt.collect_ctes())?;
            out.returns_rows = !out.columns.is_empty();
            out.is_dml = true;
        }
        Statement::Delete(x) => {
            out.columns = ctx.visit_delete(x, &stmt.collect_ctes())?;
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
    out.sql = ctx.finish_sql();
    out.params = ctx.params;
    out.param_names = ctx.param_names;
    out.param_spans = ctx.param_spans;
    // Decoding and binding go by the implementation this dialect uses (`with_variant`).
    for c in &mut out.columns {
        c.ty = c.ty.resolve(d);
    }
    for p in &mut out.params {
        if let ParamRef::Named { ty, .. } | ParamRef::Expanding { ty, .. } = p {
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
    let opts = CompileOptions {
        literal_binds,
        ..Default::default()
    };
    compile_expression_with(e, d, &opts)
}

/// `compile_expression` with every display option (paramstyle, bind casts).
pub fn compile_expression_with(
    e: &ExprRef,
    d: Dialect,
    opts: &CompileOptions,
) -> Result<(String, Vec<String>, Vec<ParamRef>), CompileError> {
    let literal_binds = opts.literal_binds;
    let mut canon: HashMap<*const Expr, VecDeque<usize>> = HashMap::new();
    let mut n = 0usize;
    e.walk_binds(&mut |x| {
        canon.entry(x as *const Expr).or_default().push_back(n);
        n += 1;
    });
    let mut ctx = Ctx {
        d,
        style: opts.display_style.unwrap_or_else(|| d.param_style()),
        literal_binds,
        sql: String::new(),
        params: Vec::new(),
        param_names: Vec::new(),
        param_spans: Vec::new(),
        in_negate: false,
        canon,
        anon_counts: HashMap::new(),
        anon_tables: HashMap::new(),
        enclosing: Vec::new(),
        bind_names: Vec::new(),
        param_keys: &[],
        include_table: true,
        bind_casts: opts.bind_casts,
    };
    ctx.visit(e)?;
    let sql = ctx.finish_sql();
    Ok((sql, ctx.param_names, ctx.params))
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

    /// True when compiling for display in a driver paramstyle ferroalchemy's drivers do not take.
    pub(crate) fn displaying(&self) -> bool {
        self.style != self.d.param_style()
    }

    /// The SQL text, with percent signs doubled where the paramstyle needs it.
    fn finish_sql(&mut self) -> String {
        let sql = std::mem::take(&mut self.sql);
        if paramstyle::uses_percent(self.style) {
            paramstyle::finish_percent_sql(&sql)
        } else {
            sql
        }
    }

    fn push_param(&mut self, p: ParamRef, name: String, ty: &SqlType) {
        let start = self.sql.len();
        // An expanding parameter takes its numbers only when expanded for execution.
        let n = self
            .params
            .iter()
            .filter(|p| !matches!(p, ParamRef::Expanding { .. }))
            .count();
        paramstyle::push_placeholder(&mut self.sql, self.style, &name, n + 1);
        if self.bind_casts {
            if let Some(cast) = paramstyle::pg_bind_cast(ty) {
                self.sql.push_str("::");
                self.sql.push_str(cast);
            }
        }
        let span = (start, self.sql.len());
        self.push_param_at(p, name, span);
    }

    pub(crate) fn push_param_at(&mut self, p: ParamRef, name: String, span: (usize, usize)) {
        self.params.push(p);
        self.param_names.push(name);
        self.param_spans.push(span);
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
            ty,
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
        if b.expanding {
            let negate = std::mem::take(&mut self.in_negate);
            return self.visit_expanding_bind(e, b, pos, negate);
        }
        if self.literal_binds {
            if let Some(v) = &b.value {
                let lit = self.render_literal(v)?;
                self.sql.push_str(&lit);
                return Ok(());
            }
        }
        let name = self.bind_name(b);
        let p = match (&b.value, b.anonymous) {
            (Some(_), true) => ParamRef::Pos(pos.unwrap_or(0)),
            _ => ParamRef::Named {
                name: b.name.clone(),
                fallback: if b.value.is_some() { pos } else { None },
                ty: e.ty.clone(),
            },
        };
        self.push_param(p, name, &e.ty);
        Ok(())
    }

    /// `Sequence.next_value()`, built as `next_value(<sequence name>)`; SQLAlchemy's visit_sequence.
    fn visit_next_value(&mut self, args: &[ExprRef]) -> Result<(), CompileError> {
        let name = match args.first().map(|a| &a.kind) {
            Some(ExprKind::LiteralColumn(n)) => n.to_string(),
            _ => {
                return Err(CompileError::Unsupported(
                    "next_value() takes a sequence".into(),
                ))
            }
        };
        match self.d {
            Dialect::Postgresql => self
                .sql
                .push_str(&format!("nextval({})", quote_string(&name))),
            Dialect::Mysql => self.sql.push_str(&format!("nextval({name})")),
            Dialect::Default => self.sql.push_str(&format!("<next sequence value: {name}>")),
            Dialect::Sqlite => {
                return Err(CompileError::Unsupported(
                    "Dialect 'sqlite' does not support sequence increments.".into(),
                ))
            }
        }
        Ok(())
    }

    /// SQL-standard functions SQLAlchemy renders as keywords, without parentheses.
    fn ansi_function(&self, name: &str) -> Option<&'static str> {
        Some(match name.to_ascii_lowercase().as_str() {
            "now" if self.d == Dialect::Sqlite => "CURRENT_TIMESTAMP",
            "localtimestamp" if self.d == Dialect::Sqlite => {
                "DATETIME(CURRENT_TIMESTAMP, 'localtime')"
            }
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

    pub(crate) fn render_literal(&self, v: &Value) -> Result<String, CompileError> {
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

    /// A table's name as rendered; an anonymous subquery or alias gets `<name>_N` where it first
    /// appears.
    pub(crate) fn table_name(&mut self, t: &crate::expr::TableRef) -> String {
        if !t.anonymous {
            return self.quote(&t.name);
        }
        if let Some(n) = self.anon_tables.get(&t.id) {
            return n.clone();
        }
        // A subquery's name is `anon_N`; an anonymous table alias's, `<table>_N`.
        let n = self.anon_name(&t.name);
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
            // SQLite has no boolean literals; MySQL's `true` is an alias of 1 (SQLAlchemy renders it).
            ExprKind::True => self.sql.push_str(match self.d {
                Dialect::Sqlite => "1",
                _ => "true",
            }),
            ExprKind::False => self.sql.push_str(match self.d {
                Dialect::Sqlite => "0",
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
                    self.visit_criterion(item, prec)?;
                }
            }
            ExprKind::Func { name, args } => {
                if &**name == "next_value" {
                    return self.visit_next_value(args);
                }
                if args.is_empty() {
                    if let Some(keyword) = self.ansi_function(name) {
                        self.sql.push_str(keyword);
                        return Ok(());
                    }
                }
                self.sql.push_str(self.function_name(name));
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
            ExprKind::Cast(inner) => self.visit_cast(e, inner)?,
            ExprKind::TypeCoerce(inner) => self.visit(inner)?,
            ExprKind::Case {
                value,
                whens,
                else_,
            } => self.visit_case(value, whens, else_)?,
            ExprKind::Escape { like, escape } => self.visit_escape(like, escape)?,
            ExprKind::Over {
                func,
                partition_by,
                order_by,
                frame,
                frame_binds,
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
                    let mut binds = frame_binds.iter();
                    self.visit_frame_bound(fr.start, "PRECEDING", &mut binds)?;
                    self.sql.push_str(" AND ");
                    self.visit_frame_bound(fr.end, "FOLLOWING", &mut binds)?;
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
        if self.visit_dialect_binary(e, left, op, right)? {
            return Ok(());
        }
        if op == BinOp::NotIn {
            // Always parenthesised: an empty list expands to `x NOT IN (NULL) OR (1 = 1)`.
            self.sql.push('(');
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
            BinOp::Div | BinOp::FloorDiv => " / ",
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
            BinOp::IsDistinctFrom => " IS DISTINCT FROM ",
            BinOp::IsNotDistinctFrom => " IS NOT DISTINCT FROM ",
        });
        self.in_negate = op == BinOp::NotIn;
        if is_like_pattern(op, right) {
            // startswith/endswith/contains: `LIKE :p || '%'` renders without parentheses.
            self.visit(right)?;
        } else if op == BinOp::Concat {
            self.visit_grouped(right, prec - 1)?;
        } else {
            self.visit_operand(right, op, prec)?;
        }
        self.in_negate = false;
        if op == BinOp::NotIn {
            self.sql.push(')');
        }
        Ok(())
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
            UnaryOp::Not if self.needs_is_true(operand) => {
                self.visit(operand)?;
                self.sql.push_str(" = 0");
            }
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
pub(crate) const PREC_CMP: i32 = 5;
const PREC_ADD: i32 = 7;
pub(crate) const PREC_MUL: i32 = 8;

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
            BinOp::Mul | BinOp::Div | BinOp::FloorDiv | BinOp::Mod => PREC_MUL,
            _ => PREC_CMP,
        },
        ExprKind::Unary {
            op: UnaryOp::Not, ..
        } => PREC_NOT,
        // EXISTS groups inside AND/OR/NOT, not on its own in WHERE (SQLAlchemy's precedence 0).
        ExprKind::Unary {
            op: UnaryOp::Exists,
            ..
        } => 0,
        ExprKind::Unary {
            op: UnaryOp::Asc | UnaryOp::Desc | UnaryOp::NullsFirst | UnaryOp::NullsLast,
            ..
        } => PREC_ORDER,
        ExprKind::Escape { like, .. } => precedence(like),
        _ => i32::MAX,
    }
}

pub(crate) fn quote_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A string literal in DDL as the dialect reads it: MySQL also treats a backslash as an escape,
/// so SQLAlchemy doubles it there.
pub(crate) fn quote_string_for(d: Dialect, s: &str) -> String {
    if d == Dialect::Mysql && s.contains('\\') {
        quote_string(&s.replace('\\', "\\\\"))
    } else {
        quote_string(s)
    }
}
