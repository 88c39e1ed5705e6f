//! Golden DDL for the slice's tables: CREATE TABLE (PK, NOT NULL, FK), CREATE UNIQUE INDEX and
//! DROP TABLE, per dialect. SQLite strings are SQLAlchemy 2.1.9's output.

use std::sync::Arc;

use ferro_sql::ddl::{ColumnDef, Ddl, ForeignKeyDef, IndexDef, ServerDefault, TableDef};
use ferro_sql::expr::Expr;
use ferro_sql::{Dialect, SqlType, Statement};
use ferro_tests::compiled;

fn col(name: &str, ty: SqlType, nullable: bool, pk: bool) -> ColumnDef {
    ColumnDef {
        name: name.into(),
        ty,
        nullable,
        primary_key: pk,
        autoincrement: pk,
        server_default: None,
        comment: None,
    }
}

fn employee_table() -> Statement {
    Statement::Ddl(Arc::new(Ddl::CreateTable(TableDef {
        name: "employee".into(),
        schema: None,
        columns: vec![
            col("id", SqlType::Integer, false, true),
            col("name", SqlType::String(Some(100)), false, false),
            col("dept_id", SqlType::Integer, false, false),
            col("email", SqlType::String(Some(80)), true, false),
        ],
        primary_key: vec!["id".into()],
        primary_key_name: None,
        uniques: Vec::new(),
        foreign_keys: vec![ForeignKeyDef {
            name: None,
            columns: vec!["dept_id".into()],
            ref_table: "department".into(),
            ref_schema: None,
            ref_columns: vec!["id".into()],
            ondelete: None,
            onupdate: None,
        }],
        checks: Vec::new(),
    })))
}

#[test]
fn create_table_sqlite() {
    assert_eq!(
        compiled(&employee_table(), Dialect::Sqlite).sql,
        "\nCREATE TABLE employee (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(100) NOT NULL, \n\tdept_id INTEGER NOT NULL, \n\temail VARCHAR(80), \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(dept_id) REFERENCES department (id)\n)\n\n"
    );
}

#[test]
fn autoincrement_per_dialect() {
    let pg = compiled(&employee_table(), Dialect::Postgresql).sql;
    assert!(pg.contains("\n\tid SERIAL NOT NULL, "), "{pg}");
    let my = compiled(&employee_table(), Dialect::Mysql).sql;
    assert!(
        my.contains("\n\tid INTEGER NOT NULL AUTO_INCREMENT, "),
        "{my}"
    );
}

#[test]
fn server_default_renders_per_dialect() {
    let mut c = col(
        "created",
        SqlType::DateTime { timezone: false },
        true,
        false,
    );
    c.server_default = Some(ServerDefault::Expr(Expr::func(
        "now",
        Vec::new(),
        SqlType::DateTime { timezone: false },
    )));
    let t = Statement::Ddl(Arc::new(Ddl::CreateTable(TableDef {
        name: "t".into(),
        schema: None,
        columns: vec![c],
        primary_key: Vec::new(),
        primary_key_name: None,
        uniques: Vec::new(),
        foreign_keys: Vec::new(),
        checks: Vec::new(),
    })));
    assert!(compiled(&t, Dialect::Sqlite)
        .sql
        .contains("created DATETIME DEFAULT CURRENT_TIMESTAMP"));
    assert!(compiled(&t, Dialect::Postgresql)
        .sql
        .contains("created TIMESTAMP WITHOUT TIME ZONE DEFAULT now()"));
    assert!(compiled(&t, Dialect::Mysql)
        .sql
        .contains("created DATETIME DEFAULT (now())"));
}

#[test]
fn unique_index_and_drop() {
    let ix = Statement::Ddl(Arc::new(Ddl::CreateIndex(IndexDef {
        name: "ix_employee_email".into(),
        table: "employee".into(),
        schema: None,
        columns: vec!["email".into()],
        unique: true,
    })));
    assert_eq!(
        compiled(&ix, Dialect::Sqlite).sql,
        "CREATE UNIQUE INDEX ix_employee_email ON employee (email)"
    );
    let drop = Statement::Ddl(Arc::new(Ddl::DropTable {
        name: "employee".into(),
        schema: None,
        if_exists: false,
    }));
    assert_eq!(
        compiled(&drop, Dialect::Sqlite).sql,
        "\nDROP TABLE employee"
    );
}

#[test]
fn varchar_without_length_is_a_compile_error_on_mysql() {
    let t = Statement::Ddl(Arc::new(Ddl::CreateTable(TableDef {
        name: "t".into(),
        schema: None,
        columns: vec![col("s", SqlType::String(None), true, false)],
        primary_key: Vec::new(),
        primary_key_name: None,
        uniques: Vec::new(),
        foreign_keys: Vec::new(),
        checks: Vec::new(),
    })));
    let err = ferro_sql::compile(&t, Dialect::Mysql, &Default::default()).expect_err("mysql");
    assert_eq!(
        err.to_string(),
        "(in table 't', column 's'): VARCHAR requires a length on dialect mysql"
    );
    assert!(ferro_sql::compile(&t, Dialect::Sqlite, &Default::default()).is_ok());
}
