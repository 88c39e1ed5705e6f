//! MapperSpec: a mapper's table and columns as the hydrator and the flush need them, built once per
//! mapper by the Python mapper.

use std::sync::Arc;

use ferro_sql::expr::{BinOp, BoolOp, Expr};
use ferro_sql::{Delete, Insert, SqlType, Statement, TableRef, Update};
use pyo3::prelude::*;
use pyo3::types::{PyString, PyType};

use crate::convert::TypeHandle;
use crate::sql::PyTable;

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
}

#[pyclass(frozen, module = "ferroalchemy._core")]
pub struct MapperSpec {
    pub cls: Py<PyType>,
    pub mapper: Py<PyAny>,
    pub mapper_id: u64,
    pub table: Arc<TableRef>,
    pub cols: Vec<ColSpec>,
    /// Indices into `cols` of the primary-key columns.
    pub pk: Vec<usize>,
    pub insert: Statement,
    /// `UPDATE t SET ... WHERE pk = :pk__<col>`, SET columns chosen per flush by parameter keys.
    pub update: Statement,
    pub delete: Statement,
}

/// The name of the WHERE parameter for a primary-key column in flush UPDATE/DELETE.
pub fn pk_param(col: &str) -> String {
    format!("pk__{col}")
}

#[pymethods]
impl MapperSpec {
    /// `cols`: (column name, attribute name, type, default callable, server_generated, onupdate callable)
    #[new]
    #[allow(clippy::type_complexity)]
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
            Option<Py<PyAny>>,
            bool,
            Option<Py<PyAny>>,
        )>,
        pk: Vec<usize>,
    ) -> PyResult<Self> {
        let table = table.get().0.clone();
        let cols: Vec<ColSpec> = cols
            .into_iter()
            .map(
                |(name, attr, ty, default, server_generated, onupdate)| ColSpec {
                    name: name.as_str().into(),
                    attr: PyString::intern(py, &attr).unbind(),
                    ty: ty.get().ty.clone(),
                    default,
                    server_generated,
                    onupdate,
                },
            )
            .collect();
        if pk.iter().any(|&i| i >= cols.len()) {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "pk index out of range",
            ));
        }
        let table_columns: Vec<(Arc<str>, SqlType)> = cols
            .iter()
            .map(|c| (c.name.clone(), c.ty.clone()))
            .collect();
        let pk_where = {
            let terms: Vec<_> = pk
                .iter()
                .map(|&i| {
                    let c = &cols[i];
                    Expr::binary(
                        Expr::column(Some(table.clone()), &c.name, c.ty.clone()),
                        BinOp::Eq,
                        Expr::bind(&pk_param(&c.name), None, c.ty.clone(), false),
                    )
                })
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
                returning: Vec::new(),
                key: 0,
            }
            .finish(),
        ));
        let update = Statement::Update(Arc::new(
            Update {
                table: table.clone(),
                table_columns,
                values: Vec::new(),
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
            cls,
            mapper,
            mapper_id,
            table,
            cols,
            pk,
            insert,
            update,
            delete,
        })
    }

    #[getter]
    fn mapper_id(&self) -> u64 {
        self.mapper_id
    }
}
