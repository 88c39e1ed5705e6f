//! Column elements whose SQL differs per dialect: CAST, CASE, LIKE ... ESCAPE, division, IS
//! DISTINCT FROM, string concatenation, ILIKE, and expanding IN parameters (SQLAlchemy's
//! "post-compile" binds, spliced into the SQL at execution).

use super::{quote_string, type_ddl, CompileError, Ctx, ParamRef, PREC_CMP, PREC_MUL};
use crate::dialect::{Dialect, ParamStyle};
use crate::expr::{BinOp, Bind, Expr, ExprKind, ExprRef};
use crate::types::SqlType;
use crate::value::Value;

/// The marker an expanding parameter leaves in compiled SQL, as SQLAlchemy's `str()` shows it.
pub fn postcompile_marker(name: &str) -> String {
    format!("__[POSTCOMPILE_{name}]")
}

impl Ctx<'_> {
    /// `CAST(x AS type)`; MySQL casts only to the types it can name (SQLAlchemy's
    /// `MySQLCompiler.visit_typeclause`) and renders the bare expression otherwise.
    pub(crate) fn visit_cast(&mut self, e: &Expr, inner: &ExprRef) -> Result<(), CompileError> {
        let Some(type_name) = cast_type_name(&e.ty, self.d)? else {
            return self.visit_self_grouped(inner);
        };
        self.sql.push_str("CAST(");
        self.visit(inner)?;
        self.sql.push_str(" AS ");
        self.sql.push_str(&type_name);
        self.sql.push(')');
        Ok(())
    }

    pub(crate) fn visit_case(
        &mut self,
        value: &Option<ExprRef>,
        whens: &[(ExprRef, ExprRef)],
        else_: &Option<ExprRef>,
    ) -> Result<(), CompileError> {
        self.sql.push_str("CASE ");
        if let Some(v) = value {
            self.visit(v)?;
            self.sql.push(' ');
        }
        for (cond, result) in whens {
            self.sql.push_str("WHEN ");
            // SQLAlchemy self-groups each condition: `WHEN (a > b) THEN`.
            self.visit_self_grouped(cond)?;
            self.sql.push_str(" THEN ");
            self.visit_value(result)?;
            self.sql.push(' ');
        }
        if let Some(e) = else_ {
            self.sql.push_str("ELSE ");
            self.visit_value(e)?;
            self.sql.push(' ');
        }
        self.sql.push_str("END");
        Ok(())
    }

    /// The name a bind shows: an anonymous one gets `name_N`, with the characters SQLAlchemy
    /// escapes in bind names (`users.age` from a literal_column) replaced.
    pub(crate) fn bind_name(&mut self, b: &Bind) -> String {
        if !b.anonymous {
            return b.name.to_string();
        }
        let n = self.anon_name(&b.name);
        if !n.contains(['%', '(', ')', ':', '.', '[', ']', ' ']) {
            return n;
        }
        n.chars()
            .map(|c| match c {
                '%' => 'P',
                '(' => 'A',
                ')' => 'Z',
                ':' => 'C',
                '.' | '[' | ']' | ' ' => '_',
                c => c,
            })
            .collect()
    }

    /// A function's name on this dialect (SQLite has no char_length).
    pub(crate) fn function_name<'n>(&self, name: &'n str) -> &'n str {
        if self.d == Dialect::Sqlite && name.eq_ignore_ascii_case("char_length") {
            "length"
        } else {
            name
        }
    }

    /// A boolean value that is not a comparison (a Boolean column, `true()`, a cast to Boolean)
    /// where SQL wants a condition, on a dialect without native booleans: SQLAlchemy's `AsBoolean`
    /// renders it `x = 1` (and its negation `x = 0`).
    pub(crate) fn needs_is_true(&self, e: &Expr) -> bool {
        matches!(self.d, Dialect::Sqlite | Dialect::Mysql)
            && e.ty == SqlType::Boolean
            && matches!(
                e.kind,
                ExprKind::Column { .. }
                    | ExprKind::True
                    | ExprKind::False
                    | ExprKind::Cast(_)
                    | ExprKind::TypeCoerce(_)
                    | ExprKind::Func { .. }
                    | ExprKind::LiteralColumn(_)
                    | ExprKind::ScalarSelect(_)
            )
    }

    /// A WHERE / HAVING criterion or an AND / OR operand.
    pub(crate) fn visit_criterion(
        &mut self,
        e: &ExprRef,
        against: i32,
    ) -> Result<(), CompileError> {
        if self.needs_is_true(e) {
            self.visit(e)?;
            self.sql.push_str(" = 1");
            Ok(())
        } else {
            self.visit_grouped(e, against)
        }
    }

    /// A window frame bound: unbounded, CURRENT ROW, or a bound offset n PRECEDING / FOLLOWING.
    pub(crate) fn visit_frame_bound(
        &mut self,
        b: Option<i64>,
        unbounded: &str,
        binds: &mut std::slice::Iter<'_, ExprRef>,
    ) -> Result<(), CompileError> {
        match b {
            None => {
                self.sql.push_str("UNBOUNDED ");
                self.sql.push_str(unbounded);
            }
            Some(0) => self.sql.push_str("CURRENT ROW"),
            Some(n) => {
                match binds.next() {
                    // MySQL prepares statements server-side and takes no parameter in a frame.
                    // (Display in the user's driver's paramstyle shows the parameter, as SQLAlchemy does.)
                    Some(_) if self.d == Dialect::Mysql && !self.displaying() => {
                        self.sql.push_str(&n.abs().to_string())
                    }
                    Some(bind) => self.visit_bind(bind)?,
                    None => self.sql.push_str(&n.abs().to_string()),
                }
                self.sql
                    .push_str(if n < 0 { " PRECEDING" } else { " FOLLOWING" });
            }
        }
        Ok(())
    }

    /// An expression in a position where PostgreSQL cannot infer a parameter's type (a SELECT
    /// column, a CASE result): a bare bind gets its type as `$n::TYPE`, as SQLAlchemy's psycopg
    /// dialect casts it, instead of PostgreSQL's fallback to text.
    pub(crate) fn visit_value(&mut self, e: &ExprRef) -> Result<(), CompileError> {
        self.visit(e)?;
        let is_bind = matches!(&e.kind, ExprKind::Bind(b) if !b.expanding);
        // Display with the driver's own casts (bind_casts) already has them on every parameter.
        if self.d == Dialect::Postgresql && is_bind && !self.literal_binds && !self.bind_casts {
            if let Ok(name) = type_ddl(&e.ty, self.d) {
                self.sql.push_str("::");
                self.sql.push_str(&name);
            }
        }
        Ok(())
    }

    pub(crate) fn visit_escape(
        &mut self,
        like: &ExprRef,
        escape: &str,
    ) -> Result<(), CompileError> {
        self.visit(like)?;
        self.sql.push_str(" ESCAPE ");
        self.sql.push_str(&quote_string(escape));
        Ok(())
    }

    /// The operators whose rendering is a dialect's own; `Ok(false)` leaves `op` to the generic
    /// `left <op> right` form.
    pub(crate) fn visit_dialect_binary(
        &mut self,
        e: &ExprRef,
        left: &ExprRef,
        op: BinOp,
        right: &ExprRef,
    ) -> Result<bool, CompileError> {
        match op {
            BinOp::Concat if self.d == Dialect::Mysql => {
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
            }
            BinOp::ILike | BinOp::NotILike if self.d != Dialect::Postgresql => {
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
            }
            BinOp::Div => self.visit_truediv(left, right)?,
            BinOp::FloorDiv => {
                let plain =
                    self.d != Dialect::Mysql && left.ty.is_integer() && right.ty.is_integer();
                if !plain {
                    self.sql.push_str("FLOOR(");
                }
                self.visit_grouped(left, PREC_MUL)?;
                self.sql.push_str(" / ");
                self.visit_grouped(right, PREC_MUL)?;
                if !plain {
                    self.sql.push(')');
                }
            }
            BinOp::IsDistinctFrom | BinOp::IsNotDistinctFrom => {
                let distinct = op == BinOp::IsDistinctFrom;
                let (before, middle) = match self.d {
                    Dialect::Sqlite if distinct => ("", " IS NOT "),
                    Dialect::Sqlite => ("", " IS "),
                    Dialect::Mysql if distinct => ("NOT (", " <=> "),
                    Dialect::Mysql => ("", " <=> "),
                    _ if distinct => ("", " IS DISTINCT FROM "),
                    _ => ("", " IS NOT DISTINCT FROM "),
                };
                self.sql.push_str(before);
                self.visit_grouped(left, PREC_CMP)?;
                self.sql.push_str(middle);
                self.visit_grouped(right, PREC_CMP)?;
                if !before.is_empty() {
                    self.sql.push(')');
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `/` is true division in SQLAlchemy 2.x: where the database's `/` truncates integers, the
    /// divisor becomes NUMERIC (SQLite adds 0.0 instead); MySQL's `/` never truncates.
    fn visit_truediv(&mut self, left: &ExprRef, right: &ExprRef) -> Result<(), CompileError> {
        self.visit_grouped(left, PREC_MUL)?;
        self.sql.push_str(" / ");
        match self.d {
            Dialect::Mysql => self.visit_grouped(right, PREC_MUL)?,
            Dialect::Sqlite => {
                self.sql.push('(');
                self.visit_grouped(right, PREC_MUL)?;
                self.sql.push_str(" + 0.0)");
            }
            _ => {
                let ty = match &right.ty {
                    t @ (SqlType::Numeric { .. } | SqlType::Float | SqlType::Double) => t.clone(),
                    _ => SqlType::Numeric {
                        precision: None,
                        scale: None,
                        as_decimal: true,
                    },
                };
                self.sql.push_str("CAST(");
                self.visit_grouped(right, PREC_MUL)?;
                self.sql.push_str(" AS ");
                self.sql.push_str(&type_ddl(&ty, self.d)?);
                self.sql.push(')');
            }
        }
        Ok(())
    }

    /// An expanding bind renders `(__[POSTCOMPILE_name])`, or its values inline under
    /// `literal_binds`; `negate` is whether it is the right side of NOT IN, which decides the
    /// empty-list expression.
    pub(crate) fn visit_expanding_bind(
        &mut self,
        e: &Expr,
        b: &Bind,
        pos: Option<usize>,
        negate: bool,
    ) -> Result<(), CompileError> {
        if self.literal_binds {
            if let Some(list) = &b.list {
                let inline = if list.is_empty() {
                    empty_in(self.d, negate)
                } else {
                    let lits = list
                        .iter()
                        .map(|v| self.render_literal(v))
                        .collect::<Result<Vec<_>, _>>()?;
                    lits.join(", ")
                };
                self.sql.push('(');
                self.sql.push_str(&inline);
                self.sql.push(')');
                return Ok(());
            }
        }
        let name = self.bind_name(b);
        self.sql.push('(');
        let start = self.sql.len();
        self.sql.push_str(&postcompile_marker(&name));
        let end = self.sql.len();
        self.sql.push(')');
        self.push_param_at(
            ParamRef::Expanding {
                name: b.name.clone(),
                fallback: if b.list.is_some() { pos } else { None },
                ty: e.ty.clone(),
                negate,
            },
            name,
            (start, end),
        );
        Ok(())
    }
}

/// What replaces `(__[POSTCOMPILE_x])`'s marker for an empty list (SQLAlchemy's
/// `visit_empty_set_op_expr`): the parentheses around the marker close over it.
pub(crate) fn empty_in(d: Dialect, negate: bool) -> String {
    match d {
        Dialect::Sqlite => "SELECT 1 FROM (SELECT 1) WHERE 1!=1".into(),
        _ if negate => "NULL) OR (1 = 1".into(),
        _ => "NULL) AND (1 != 1".into(),
    }
}

/// A value of an execution's parameters: one, or an expanding parameter's list.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    One(Value),
    List(Vec<Value>),
}

impl super::Compiled {
    /// Whether execution must splice lists into the SQL before running it.
    pub fn has_expanding(&self) -> bool {
        self.params
            .iter()
            .any(|p| matches!(p, ParamRef::Expanding { .. }))
    }

    /// The SQL and flat parameters to run: each expanding parameter's marker becomes one
    /// placeholder per element (or the dialect's empty-set expression), and PostgreSQL's `$n`
    /// are renumbered. `values` holds one entry per `self.params`.
    pub fn expand(
        &self,
        d: Dialect,
        values: Vec<ParamValue>,
    ) -> Result<(String, Vec<Value>), CompileError> {
        if values.len() != self.params.len() || self.param_spans.len() != self.params.len() {
            return Err(CompileError::Unsupported(
                "expanding parameters do not line up with the compiled statement".into(),
            ));
        }
        let mut sql = String::with_capacity(self.sql.len() + 16);
        let mut flat = Vec::with_capacity(values.len());
        let mut at = 0;
        let placeholder = |sql: &mut String, n: usize| {
            if d.param_style() == ParamStyle::Numeric {
                sql.push('$');
                sql.push_str(&n.to_string());
            } else {
                sql.push('?');
            }
        };
        for ((p, v), &(start, end)) in self.params.iter().zip(values).zip(&self.param_spans) {
            let Some(between) = self.sql.get(at..start) else {
                return Err(CompileError::Unsupported(
                    "a parameter lies outside the compiled SQL".into(),
                ));
            };
            sql.push_str(between);
            match (p, v) {
                (ParamRef::Expanding { negate, .. }, ParamValue::List(items)) => {
                    if items.is_empty() {
                        sql.push_str(&empty_in(d, *negate));
                    }
                    for (i, item) in items.into_iter().enumerate() {
                        if i > 0 {
                            sql.push_str(", ");
                        }
                        flat.push(item);
                        placeholder(&mut sql, flat.len());
                    }
                }
                (_, ParamValue::One(value)) => {
                    flat.push(value);
                    placeholder(&mut sql, flat.len());
                }
                (_, ParamValue::List(_)) => {
                    return Err(CompileError::Unsupported(
                        "a list was given for a parameter that is not expanding".into(),
                    ))
                }
            }
            at = end;
        }
        sql.push_str(self.sql.get(at..).unwrap_or(""));
        Ok((sql, flat))
    }
}

/// The name of `ty` inside CAST(), or None where MySQL cannot cast to it.
fn cast_type_name(ty: &SqlType, d: Dialect) -> Result<Option<String>, CompileError> {
    if d != Dialect::Mysql {
        return type_ddl(ty, d).map(Some);
    }
    Ok(match ty {
        SqlType::Integer | SqlType::BigInteger | SqlType::SmallInteger => {
            Some("SIGNED INTEGER".into())
        }
        SqlType::String(Some(n)) => Some(format!("CHAR({n})")),
        SqlType::String(None) | SqlType::Text => Some("CHAR".into()),
        SqlType::Numeric {
            precision, scale, ..
        } => Some(match (precision, scale) {
            (Some(p), Some(s)) => format!("DECIMAL({p}, {s})"),
            (Some(p), None) => format!("DECIMAL({p})"),
            _ => "DECIMAL".into(),
        }),
        SqlType::Date | SqlType::Time | SqlType::DateTime { .. } => Some(type_ddl(ty, d)?),
        SqlType::LargeBinary => Some("BINARY".into()),
        SqlType::Json => Some("JSON".into()),
        _ => None,
    })
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
