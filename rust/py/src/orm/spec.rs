//! MapperSpec: a mapper's table and columns as the hydrator and the flush need them, built once per
//! mapper by the Python mapper.

use std::sync::Arc;

use ferro_sql::expr::{BinOp, BoolOp, Expr};
use ferro_sql::{Delete, ExprRef, Insert, SqlType, Statement, TableRef, Update};
use pyo3::prelude::*;
use pyo3::types::{PyString, PyType};

use crate::convert::TypeHandle;
use crate::sql::{PyExpr, PyTable};

pub struct ColSpec {
    pub name: Arc<str>,
    pub attr: Py<PyString>,
    pub ty: SqlType,
    /// A zero-argument callable giving the Python-side default (`default=`/`insert_default=`).
    pub default: Option<Py<PyAny>>,
    /// Left out of an INSERT when the object has no value: the database supplies it
    /// (server_default, or an autoincrementing primary key).
    pub server_generated: bool,
    /// A zero-argument callable for `onupdate=`.
    pub onupdate: Option<Py<PyAny>>,
    /// `default=` / `onupdate=` given as a SQL expression: rendered into the statement, and the
    /// attribute reloads on access afterwards.
    pub sql_default: Option<ExprRef>,
    pub sql_onupdate: Option<ExprRef>,
    /// `server_onupdate=`: the database changes it on UPDATE (a trigger, a generated column).
    pub server_onupdate: bool,
}

#[pyclass(frozen, module = "ferroalchemy._core")]
pub struct MapperSpec {
    pub table_columns: Vec<(Arc<str>, SqlType)>,
    pub cls: Py<PyType>,
    pub mapper: Py<PyAny>,
    pub mapper_id: u64,
    pub table: Arc<TableRef>,
    pub cols: Vec<ColSpec>,
    /// Attributes loaded with the entity but never written (`column_property(<expression>)`):
    /// load plans number them after `cols`.
    pub readonly: Vec<Py<PyString>>,
    /// Indices into `cols` of the primary-key columns.
    pub pk: Vec<usize>,
    pub insert: Statement,
    /// `UPDATE t SET ... WHERE pk = :pk__<col>`, SET columns chosen per flush by parameter keys.
    pub update: Statement,
    pub delete: Statement,
    /// `version_id_col`: its index into `cols`; UPDATE and DELETE also match its old value.
    pub version: Option<usize>,
    /// `version_id_generator`: the next version from the old one (None for the first); None when
    /// the application sets versions itself (`version_id_generator=False`).
    pub version_gen: Option<Py<PyAny>>,
    /// `eager_defaults=True`: what the database generates on INSERT and UPDATE is read back by
    /// the flush (RETURNING where the dialect has it) instead of loading on first access.
    pub eager_defaults: bool,
}

/// The name of the WHERE parameter for a primary-key column in flush UPDATE/DELETE.
pub fn pk_param(col: &str) -> String {
    format!("pk__{col}")
}

/// The name of the WHERE parameter for the version column's old value.
pub fn version_param(col: &str) -> String {
    format!("version__{col}")
}

#[pymethods]
impl MapperSpec {
    /// `cols`: (column name, attribute name, type, default callable, server_generated, onupdate callable);
    /// `readonly`: the names of the attributes loaded but never flushed; `server_onupdate`: the
    /// indices into `cols` of the columns the database changes on UPDATE.
    #[new]
    #[pyo3(signature = (cls, mapper, mapper_id, table, cols, pk, version=None, version_gen=None, readonly=Vec::new(), server_onupdate=Vec::new(), eager_defaults=false))]
    #[allow(clippy::type_complexity, clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        cls: Py<PyType>,
        mapper: Py<PyAny>,
        mapper_id: u64,
        table: &Bound<'_, PyTable>,
        cols: Vec<(
            String,
            String,
            Bound<'_, TypeHandle>,
            Option<Bound<'_, PyAny>>,
            bool,
            Option<Bound<'_, PyAny>>,
        )>,
        pk: Vec<usize>,
        version: Option<usize>,
        version_gen: Option<Py<PyAny>>,
        readonly: Vec<String>,
        server_onupdate: Vec<usize>,
        eager_defaults: bool,
    ) -> PyResult<Self> {
        let table = table.get().0.clone();
        // A default is a zero-argument callable, or an `Expr` handle for a SQL expression.
        let split = |d: Option<Bound<'_, PyAny>>| -> (Option<Py<PyAny>>, Option<ExprRef>) {
            match d {
                None => (None, None),
                Some(d) => match d.cast::<PyExpr>() {
                    Ok(e) => (None, Some(e.get().0.clone())),
                    Err(_) => (Some(d.unbind()), None),
                },
            }
        };
        let cols: Vec<ColSpec> = cols
            .into_iter()
            .enumerate()
            .map(
                |(ci, (name, attr, ty, default, server_generated, onupdate))| {
                    let (default, sql_default) = split(default);
                    let (onupdate, sql_onupdate) = split(onupdate);
                    ColSpec {
                        name: name.as_str().into(),
                        attr: PyString::intern(py, &attr).unbind(),
                        ty: ty.get().ty.clone(),
                        default,
                        server_generated,
                        onupdate,
                        sql_default,
                        sql_onupdate,
                        server_onupdate: server_onupdate.contains(&ci),
                    }
                },
            )
            .collect();
        if pk.iter().chain(version.iter()).any(|&i| i >= cols.len()) {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "pk index out of range",
            ));
        }
        let table_columns: Vec<(Arc<str>, SqlType)> = cols
            .iter()
            .map(|c| (c.name.clone(), c.ty.clone()))
            .collect();
        let pk_where = {
            let term = |i: usize, param: String| {
                let c: &ColSpec = &cols[i];
                Expr::binary(
                    Expr::column(Some(table.clone()), &c.name, c.ty.clone()),
                    BinOp::Eq,
                    Expr::bind(&param, None, c.ty.clone(), false),
                )
            };
            let terms: Vec<_> = pk
                .iter()
                .map(|&i| term(i, pk_param(&cols[i].name)))
                .chain(version.map(|i| term(i, version_param(&cols[i].name))))
                .collect();
            if terms.len() == 1 {
                terms.into_iter().next()
            } else {
                Some(Expr::bool_clause(BoolOp::And, terms))
            }
        };
        let insert = Statement::Insert(Arc::new(
            Insert {
                table: table.clone(),
                table_columns: table_columns.clone(),
                values: Vec::new(),
                multi_values: Vec::new(),
                returning: Vec::new(),
                on_conflict: None,
                from_select: None,
                on_duplicate: None,
                key: 0,
            }
            .finish(),
        ));
        let update = Statement::Update(Arc::new(
            Update {
                table: table.clone(),
                table_columns: table_columns.clone(),
                values: Vec::new(),
                ordered: false,
                where_: pk_where.clone(),
                returning: Vec::new(),
                key: 0,
            }
            .finish(),
        ));
        let delete = Statement::Delete(Arc::new(
            Delete {
                table: table.clone(),
                where_: pk_where,
                returning: Vec::new(),
                key: 0,
            }
            .finish(),
        ));
        Ok(MapperSpec {
            table_columns,
            cls,
            mapper,
            mapper_id,
            table,
            cols,
            readonly: readonly
                .iter()
                .map(|a| PyString::intern(py, a).unbind())
                .collect(),
            pk,
            insert,
            update,
            delete,
            version,
            version_gen,
            eager_defaults,
        })
    }

    #[getter]
    fn mapper_id(&self) -> u64 {
        self.mapper_id
    }
}

impl MapperSpec {
    /// The attribute a load plan's column number `ci` fills: a column's, then a read-only one's.
    pub fn attr(&self, ci: usize) -> Option<&Py<PyString>> {
        match self.cols.get(ci) {
            Some(c) => Some(&c.attr),
            None => self.readonly.get(ci - self.cols.len()),
        }
    }

    /// The INSERT rendering the given columns' SQL-expression defaults and returning the columns
    /// `returning` (indices into `cols`).
    pub fn insert_returning(&self, sql_cols: &[usize], returning: &[usize]) -> Statement {
        if sql_cols.is_empty() && returning.is_empty() {
            return self.insert.clone();
        }
        let returning = self.column_exprs(returning);
        Statement::Insert(Arc::new(
            Insert {
                table: self.table.clone(),
                table_columns: self.table_columns.clone(),
                values: self.sql_values(sql_cols, |c| c.sql_default.clone()),
                multi_values: Vec::new(),
                returning,
                on_conflict: None,
                from_select: None,
                on_duplicate: None,
                key: 0,
            }
            .finish(),
        ))
    }

    /// The UPDATE that also sets the given columns' SQL-expression `onupdate` and returns the
    /// columns `returning` (indices into `cols`).
    pub fn update_with(&self, sql_cols: &[usize], returning: &[usize]) -> Statement {
        let Statement::Update(base) = &self.update else {
            return self.update.clone();
        };
        if sql_cols.is_empty() && returning.is_empty() {
            return self.update.clone();
        }
        let mut u = (**base).clone();
        u.values = self.sql_values(sql_cols, |c| c.sql_onupdate.clone());
        u.returning = self.column_exprs(returning);
        Statement::Update(Arc::new(u.finish()))
    }

    fn column_exprs(&self, cols: &[usize]) -> Vec<ExprRef> {
        cols.iter()
            .map(|&i| {
                let c = &self.cols[i];
                Expr::column(Some(self.table.clone()), &c.name, c.ty.clone())
            })
            .collect()
    }

    fn sql_values(
        &self,
        sql_cols: &[usize],
        pick: impl Fn(&ColSpec) -> Option<ExprRef>,
    ) -> Vec<(Arc<str>, ExprRef)> {
        sql_cols
            .iter()
            .filter_map(|&i| pick(&self.cols[i]).map(|e| (self.cols[i].name.clone(), e)))
            .collect()
    }
}
