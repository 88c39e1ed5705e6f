//! Golden DDL per dialect: CREATE TABLE with primary keys, SERIAL / AUTO_INCREMENT, NOT NULL,
//! foreign keys, UNIQUE and CHECK constraints, server defaults and type names; CREATE [UNIQUE]
//! INDEX, DROP TABLE, DROP INDEX; schemas and reserved-word quoting; DDL compile errors.
//!
//! Every expected string is SQLAlchemy 2.1.9's `str(CreateTable(t).compile(dialect=...))` (or
//! CreateIndex / DropTable / DropIndex) for the table given in the test's comment. DDL has no
//! parameters, so all four dialects compare character for character.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use ferro_sql::ddl::{
    CheckDef, ColumnDef, ConstraintKind, Ddl, ForeignKeyDef, Identity, IdentityOptions, IndexDef,
    ServerDefault, TableDef, UniqueDef,
};
use ferro_sql::expr::Expr;
use ferro_sql::{compile, CompileError, Dialect, SqlType, Statement};
use ferro_tests::{golden, Golden};

fn col(name: &str, ty: SqlType, nullable: bool) -> ColumnDef {
    ColumnDef {
        name: name.into(),
        ty,
        nullable,
        primary_key: false,
        autoincrement: false,
        server_default: None,
        comment: None,
        ..Default::default()
    }
}

/// The table's single integer primary key, assigned by the database.
fn serial_pk(name: &str, ty: SqlType) -> ColumnDef {
    ColumnDef {
        primary_key: true,
        autoincrement: true,
        ..col(name, ty, false)
    }
}

fn table(name: &str, columns: Vec<ColumnDef>) -> TableDef {
    let primary_key = columns
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| c.name.clone())
        .collect();
    TableDef {
        name: name.into(),
        schema: None,
        columns,
        primary_key,
        primary_key_name: None,
        uniques: Vec::new(),
        foreign_keys: Vec::new(),
        checks: Vec::new(),
        constraint_order: Vec::new(),
        options: Vec::new(),
    }
}

fn ddl(d: Ddl) -> Statement {
    Statement::Ddl(Arc::new(d))
}

fn create(t: TableDef) -> Statement {
    ddl(Ddl::CreateTable(t))
}

fn fk(columns: &[&str], ref_table: &str, ref_columns: &[&str]) -> ForeignKeyDef {
    ForeignKeyDef {
        name: None,
        columns: columns.iter().map(|c| c.to_string()).collect(),
        ref_table: ref_table.into(),
        ref_schema: None,
        ref_columns: ref_columns.iter().map(|c| c.to_string()).collect(),
        ondelete: None,
        onupdate: None,
    }
}

fn index(name: &str, table: &str, columns: &[&str], unique: bool) -> IndexDef {
    IndexDef {
        name: name.into(),
        table: table.into(),
        schema: None,
        columns: columns.iter().map(|c| c.to_string()).collect(),
        unique,
    }
}

#[test]
fn create_table_serial_and_auto_increment() {
    // Table("users", md, Column("id", Integer, primary_key=True),
    //     Column("name", String(50), nullable=False), Column("email", String(100)), Column("age", Integer))
    let st = create(table(
        "users",
        vec![
            serial_pk("id", SqlType::Integer),
            col("name", SqlType::String(Some(50)), false),
            col("email", SqlType::String(Some(100)), true),
            col("age", SqlType::Integer, true),
        ],
    ));
    let all = golden(
        &st,
        &Golden {
            default: "\nCREATE TABLE users (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(50) NOT NULL, \n\temail VARCHAR(100), \n\tage INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
            sqlite: "\nCREATE TABLE users (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(50) NOT NULL, \n\temail VARCHAR(100), \n\tage INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
            postgresql: "\nCREATE TABLE users (\n\tid SERIAL NOT NULL, \n\tname VARCHAR(50) NOT NULL, \n\temail VARCHAR(100), \n\tage INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
            mysql: "\nCREATE TABLE users (\n\tid INTEGER NOT NULL AUTO_INCREMENT, \n\tname VARCHAR(50) NOT NULL, \n\temail VARCHAR(100), \n\tage INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
        },
    );
    for c in &all {
        assert!(c.is_ddl && !c.is_dml && !c.returns_rows);
        assert!(c.params.is_empty());
    }
}

#[test]
fn bigint_primary_key_is_bigserial_on_postgresql() {
    // Table("big", md, Column("id", BigInteger, primary_key=True), Column("x", Integer))
    let st = create(table(
        "big",
        vec![
            serial_pk("id", SqlType::BigInteger),
            col("x", SqlType::Integer, true),
        ],
    ));
    golden(
        &st,
        &Golden {
            default: "\nCREATE TABLE big (\n\tid BIGINT NOT NULL, \n\tx INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
            sqlite: "\nCREATE TABLE big (\n\tid BIGINT NOT NULL, \n\tx INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
            postgresql: "\nCREATE TABLE big (\n\tid BIGSERIAL NOT NULL, \n\tx INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
            mysql: "\nCREATE TABLE big (\n\tid BIGINT NOT NULL AUTO_INCREMENT, \n\tx INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
        },
    );
}

#[test]
fn composite_primary_key_without_autoincrement() {
    // Table("link", md, Column("a_id", Integer, primary_key=True),
    //     Column("b_id", Integer, primary_key=True), Column("day", Date, nullable=False),
    //     Column("flag", Boolean))
    let pk = |n: &str| ColumnDef {
        primary_key: true,
        ..col(n, SqlType::Integer, false)
    };
    let st = create(table(
        "link",
        vec![
            pk("a_id"),
            pk("b_id"),
            col("day", SqlType::Date, false),
            col("flag", SqlType::Boolean, true),
        ],
    ));
    golden(
        &st,
        &Golden {
            default: "\nCREATE TABLE link (\n\ta_id INTEGER NOT NULL, \n\tb_id INTEGER NOT NULL, \n\tday DATE NOT NULL, \n\tflag BOOLEAN, \n\tPRIMARY KEY (a_id, b_id)\n)\n\n",
            sqlite: "\nCREATE TABLE link (\n\ta_id INTEGER NOT NULL, \n\tb_id INTEGER NOT NULL, \n\tday DATE NOT NULL, \n\tflag BOOLEAN, \n\tPRIMARY KEY (a_id, b_id)\n)\n\n",
            postgresql: "\nCREATE TABLE link (\n\ta_id INTEGER NOT NULL, \n\tb_id INTEGER NOT NULL, \n\tday DATE NOT NULL, \n\tflag BOOLEAN, \n\tPRIMARY KEY (a_id, b_id)\n)\n\n",
            mysql: "\nCREATE TABLE link (\n\ta_id INTEGER NOT NULL, \n\tb_id INTEGER NOT NULL, \n\tday DATE NOT NULL, \n\tflag BOOL, \n\tPRIMARY KEY (a_id, b_id)\n)\n\n",
        },
    );
}

#[test]
fn foreign_key_unique_and_check_constraints() {
    // Table("orders", md, Column("id", Integer, primary_key=True),
    //     Column("user_id", Integer, nullable=False), Column("code", String(20), nullable=False),
    //     Column("qty", Integer, nullable=False),
    //     ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
    //     UniqueConstraint("user_id", "code", name="uq_orders_user_code"), UniqueConstraint("code"),
    //     CheckConstraint("qty >= 0", name="ck_orders_qty"))
    let mut t = table(
        "orders",
        vec![
            serial_pk("id", SqlType::Integer),
            col("user_id", SqlType::Integer, false),
            col("code", SqlType::String(Some(20)), false),
            col("qty", SqlType::Integer, false),
        ],
    );
    t.foreign_keys = vec![ForeignKeyDef {
        ondelete: Some("CASCADE".into()),
        ..fk(&["user_id"], "users", &["id"])
    }];
    t.uniques = vec![
        UniqueDef {
            name: Some("uq_orders_user_code".into()),
            columns: vec!["user_id".into(), "code".into()],
        },
        UniqueDef {
            name: None,
            columns: vec!["code".into()],
        },
    ];
    t.checks = vec![CheckDef {
        name: Some("ck_orders_qty".into()),
        sqltext: "qty >= 0".into(),
    }];
    let rest = "user_id INTEGER NOT NULL, \n\tcode VARCHAR(20) NOT NULL, \n\tqty INTEGER NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE, \n\tCONSTRAINT uq_orders_user_code UNIQUE (user_id, code), \n\tUNIQUE (code), \n\tCONSTRAINT ck_orders_qty CHECK (qty >= 0)\n)\n\n";
    let plain = format!("\nCREATE TABLE orders (\n\tid INTEGER NOT NULL, \n\t{rest}");
    let pg = format!("\nCREATE TABLE orders (\n\tid SERIAL NOT NULL, \n\t{rest}");
    let my = format!("\nCREATE TABLE orders (\n\tid INTEGER NOT NULL AUTO_INCREMENT, \n\t{rest}");
    golden(
        &create(t),
        &Golden {
            default: &plain,
            sqlite: &plain,
            postgresql: &pg,
            mysql: &my,
        },
    );
}

#[test]
fn named_composite_foreign_key_with_actions() {
    // Table("child", md, Column("id", Integer, primary_key=True), Column("pa", Integer),
    //     Column("pb", Integer), ForeignKeyConstraint(["pa", "pb"], ["parent.a", "parent.b"],
    //     name="fk_child_parent", onupdate="CASCADE", ondelete="SET NULL"))
    let mut t = table(
        "child",
        vec![
            serial_pk("id", SqlType::Integer),
            col("pa", SqlType::Integer, true),
            col("pb", SqlType::Integer, true),
        ],
    );
    t.foreign_keys = vec![ForeignKeyDef {
        name: Some("fk_child_parent".into()),
        ondelete: Some("SET NULL".into()),
        onupdate: Some("CASCADE".into()),
        ..fk(&["pa", "pb"], "parent", &["a", "b"])
    }];
    let rest = "pa INTEGER, \n\tpb INTEGER, \n\tPRIMARY KEY (id), \n\tCONSTRAINT fk_child_parent FOREIGN KEY(pa, pb) REFERENCES parent (a, b) ON DELETE SET NULL ON UPDATE CASCADE\n)\n\n";
    let plain = format!("\nCREATE TABLE child (\n\tid INTEGER NOT NULL, \n\t{rest}");
    golden(
        &create(t),
        &Golden {
            default: &plain,
            sqlite: &plain,
            postgresql: &format!("\nCREATE TABLE child (\n\tid SERIAL NOT NULL, \n\t{rest}"),
            mysql: &format!(
                "\nCREATE TABLE child (\n\tid INTEGER NOT NULL AUTO_INCREMENT, \n\t{rest}"
            ),
        },
    );
}

#[test]
fn server_defaults_per_dialect() {
    // Table("settings", md, Column("id", Integer, primary_key=True),
    //     Column("status", String(10), nullable=False, server_default="new"),
    //     Column("qty", Integer, nullable=False, server_default=text("0")),
    //     Column("created", DateTime, server_default=func.now()),
    //     Column("updated", DateTime, nullable=False, server_default=func.current_timestamp()))
    // MySQL writes NOT NULL before DEFAULT; the others DEFAULT first.
    let dt = SqlType::DateTime { timezone: false };
    let with_default = |c: ColumnDef, d: ServerDefault| ColumnDef {
        server_default: Some(d),
        ..c
    };
    let st = create(table(
        "settings",
        vec![
            serial_pk("id", SqlType::Integer),
            with_default(
                col("status", SqlType::String(Some(10)), false),
                ServerDefault::Text("'new'".into()),
            ),
            with_default(
                col("qty", SqlType::Integer, false),
                ServerDefault::Text("0".into()),
            ),
            with_default(
                col("created", dt.clone(), true),
                ServerDefault::Expr(Expr::func("now", Vec::new(), dt.clone())),
            ),
            with_default(
                col("updated", dt.clone(), false),
                ServerDefault::Expr(Expr::func("current_timestamp", Vec::new(), dt)),
            ),
        ],
    ));
    golden(
        &st,
        &Golden {
            default: "\nCREATE TABLE settings (\n\tid INTEGER NOT NULL, \n\tstatus VARCHAR(10) DEFAULT 'new' NOT NULL, \n\tqty INTEGER DEFAULT 0 NOT NULL, \n\tcreated DATETIME DEFAULT now(), \n\tupdated DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, \n\tPRIMARY KEY (id)\n)\n\n",
            sqlite: "\nCREATE TABLE settings (\n\tid INTEGER NOT NULL, \n\tstatus VARCHAR(10) DEFAULT 'new' NOT NULL, \n\tqty INTEGER DEFAULT 0 NOT NULL, \n\tcreated DATETIME DEFAULT CURRENT_TIMESTAMP, \n\tupdated DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, \n\tPRIMARY KEY (id)\n)\n\n",
            postgresql: "\nCREATE TABLE settings (\n\tid SERIAL NOT NULL, \n\tstatus VARCHAR(10) DEFAULT 'new' NOT NULL, \n\tqty INTEGER DEFAULT 0 NOT NULL, \n\tcreated TIMESTAMP WITHOUT TIME ZONE DEFAULT now(), \n\tupdated TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, \n\tPRIMARY KEY (id)\n)\n\n",
            mysql: "\nCREATE TABLE settings (\n\tid INTEGER NOT NULL AUTO_INCREMENT, \n\tstatus VARCHAR(10) NOT NULL DEFAULT 'new', \n\tqty INTEGER NOT NULL DEFAULT 0, \n\tcreated DATETIME DEFAULT (now()), \n\tupdated DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, \n\tPRIMARY KEY (id)\n)\n\n",
        },
    );
}

#[test]
fn type_names_per_dialect() {
    // Table("types", md, Column("i", Integer, primary_key=True, autoincrement=False),
    //     Column("b", BigInteger), Column("s", SmallInteger), Column("f", Float), Column("d", Double),
    //     Column("n", Numeric(10, 2)), Column("n2", Numeric), Column("t", Text), Column("bo", Boolean),
    //     Column("da", Date), Column("ti", Time), Column("dt", DateTime),
    //     Column("dtz", DateTime(timezone=True)), Column("lb", LargeBinary), Column("u", Uuid),
    //     Column("j", JSON))
    let numeric = |precision, scale| SqlType::Numeric {
        precision,
        scale,
        as_decimal: true,
    };
    let st = create(table(
        "types",
        vec![
            ColumnDef {
                primary_key: true,
                ..col("i", SqlType::Integer, false)
            },
            col("b", SqlType::BigInteger, true),
            col("s", SqlType::SmallInteger, true),
            col("f", SqlType::Float, true),
            col("d", SqlType::Double, true),
            col("n", numeric(Some(10), Some(2)), true),
            col("n2", numeric(None, None), true),
            col("t", SqlType::Text, true),
            col("bo", SqlType::Boolean, true),
            col("da", SqlType::Date, true),
            col("ti", SqlType::Time, true),
            col("dt", SqlType::DateTime { timezone: false }, true),
            col("dtz", SqlType::DateTime { timezone: true }, true),
            col("lb", SqlType::LargeBinary, true),
            col(
                "u",
                SqlType::Uuid {
                    native: false,
                    as_uuid: true,
                },
                true,
            ),
            col("j", SqlType::Json, true),
        ],
    ));
    golden(
        &st,
        &Golden {
            default: "\nCREATE TABLE types (\n\ti INTEGER NOT NULL, \n\tb BIGINT, \n\ts SMALLINT, \n\tf FLOAT, \n\td DOUBLE, \n\tn NUMERIC(10, 2), \n\tn2 NUMERIC, \n\tt TEXT, \n\tbo BOOLEAN, \n\tda DATE, \n\tti TIME, \n\tdt DATETIME, \n\tdtz DATETIME, \n\tlb BLOB, \n\tu CHAR(32), \n\tj JSON, \n\tPRIMARY KEY (i)\n)\n\n",
            sqlite: "\nCREATE TABLE types (\n\ti INTEGER NOT NULL, \n\tb BIGINT, \n\ts SMALLINT, \n\tf FLOAT, \n\td DOUBLE, \n\tn NUMERIC(10, 2), \n\tn2 NUMERIC, \n\tt TEXT, \n\tbo BOOLEAN, \n\tda DATE, \n\tti TIME, \n\tdt DATETIME, \n\tdtz DATETIME, \n\tlb BLOB, \n\tu CHAR(32), \n\tj JSON, \n\tPRIMARY KEY (i)\n)\n\n",
            postgresql: "\nCREATE TABLE types (\n\ti INTEGER NOT NULL, \n\tb BIGINT, \n\ts SMALLINT, \n\tf FLOAT, \n\td DOUBLE PRECISION, \n\tn NUMERIC(10, 2), \n\tn2 NUMERIC, \n\tt TEXT, \n\tbo BOOLEAN, \n\tda DATE, \n\tti TIME WITHOUT TIME ZONE, \n\tdt TIMESTAMP WITHOUT TIME ZONE, \n\tdtz TIMESTAMP WITH TIME ZONE, \n\tlb BYTEA, \n\tu UUID, \n\tj JSON, \n\tPRIMARY KEY (i)\n)\n\n",
            mysql: "\nCREATE TABLE types (\n\ti INTEGER NOT NULL, \n\tb BIGINT, \n\ts SMALLINT, \n\tf FLOAT, \n\td DOUBLE, \n\tn NUMERIC(10, 2), \n\tn2 NUMERIC, \n\tt TEXT, \n\tbo BOOL, \n\tda DATE, \n\tti TIME, \n\tdt DATETIME, \n\tdtz DATETIME, \n\tlb BLOB, \n\tu CHAR(32), \n\tj JSON, \n\tPRIMARY KEY (i)\n)\n\n",
        },
    );
}

#[test]
fn reserved_words_are_quoted_in_ddl() {
    // Table("user", md, Column("id", Integer, primary_key=True), Column("order", Integer))
    // Index("ix_user_order", user.c.order)
    let st = create(table(
        "user",
        vec![
            serial_pk("id", SqlType::Integer),
            col("order", SqlType::Integer, true),
        ],
    ));
    golden(
        &st,
        &Golden {
            default: "\nCREATE TABLE \"user\" (\n\tid INTEGER NOT NULL, \n\t\"order\" INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
            sqlite: "\nCREATE TABLE user (\n\tid INTEGER NOT NULL, \n\t\"order\" INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
            postgresql: "\nCREATE TABLE \"user\" (\n\tid SERIAL NOT NULL, \n\t\"order\" INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
            mysql: "\nCREATE TABLE user (\n\tid INTEGER NOT NULL AUTO_INCREMENT, \n\t`order` INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
        },
    );
    golden(
        &ddl(Ddl::CreateIndex(index(
            "ix_user_order",
            "user",
            &["order"],
            false,
        ))),
        &Golden {
            default: "CREATE INDEX ix_user_order ON \"user\" (\"order\")",
            sqlite: "CREATE INDEX ix_user_order ON user (\"order\")",
            postgresql: "CREATE INDEX ix_user_order ON \"user\" (\"order\")",
            mysql: "CREATE INDEX ix_user_order ON user (`order`)",
        },
    );
}

#[test]
fn create_index_and_unique_index() {
    // CreateIndex(Index("ix_users_name", users.c.name));
    // CreateIndex(Index("ux_users_email_age", users.c.email, users.c.age, unique=True))
    let sql = "CREATE INDEX ix_users_name ON users (name)";
    let all = golden(
        &ddl(Ddl::CreateIndex(index(
            "ix_users_name",
            "users",
            &["name"],
            false,
        ))),
        &Golden {
            default: sql,
            sqlite: sql,
            postgresql: sql,
            mysql: sql,
        },
    );
    assert!(all.iter().all(|c| c.is_ddl));
    let sql = "CREATE UNIQUE INDEX ux_users_email_age ON users (email, age)";
    golden(
        &ddl(Ddl::CreateIndex(index(
            "ux_users_email_age",
            "users",
            &["email", "age"],
            true,
        ))),
        &Golden {
            default: sql,
            sqlite: sql,
            postgresql: sql,
            mysql: sql,
        },
    );
}

#[test]
fn drop_table() {
    // DropTable(users); DropTable(users, if_exists=True)
    let drop = |if_exists| {
        ddl(Ddl::DropTable {
            name: "users".into(),
            schema: None,
            if_exists,
        })
    };
    let sql = "\nDROP TABLE users";
    golden(
        &drop(false),
        &Golden {
            default: sql,
            sqlite: sql,
            postgresql: sql,
            mysql: sql,
        },
    );
    let sql = "\nDROP TABLE IF EXISTS users";
    golden(
        &drop(true),
        &Golden {
            default: sql,
            sqlite: sql,
            postgresql: sql,
            mysql: sql,
        },
    );
}

#[test]
fn drop_index_names_its_table_on_mysql() {
    // DropIndex(Index("ix_users_name", users.c.name)): MySQL's DROP INDEX requires `ON table`.
    let st = ddl(Ddl::DropIndex {
        name: "ix_users_name".into(),
        table: "users".into(),
        schema: None,
        if_exists: false,
    });
    golden(
        &st,
        &Golden {
            default: "\nDROP INDEX ix_users_name",
            sqlite: "\nDROP INDEX ix_users_name",
            postgresql: "\nDROP INDEX ix_users_name",
            mysql: "\nDROP INDEX ix_users_name ON users",
        },
    );
}

#[test]
fn tables_in_a_schema() {
    // items = Table("items", md, Column("id", Integer, primary_key=True), Column("owner", Integer),
    //     schema="inv"); CreateTable(items); DropTable(items)
    let mut t = table(
        "items",
        vec![
            serial_pk("id", SqlType::Integer),
            col("owner", SqlType::Integer, true),
        ],
    );
    t.schema = Some("inv".into());
    golden(
        &create(t),
        &Golden {
            default: "\nCREATE TABLE inv.items (\n\tid INTEGER NOT NULL, \n\towner INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
            sqlite: "\nCREATE TABLE inv.items (\n\tid INTEGER NOT NULL, \n\towner INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
            postgresql: "\nCREATE TABLE inv.items (\n\tid SERIAL NOT NULL, \n\towner INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
            mysql: "\nCREATE TABLE inv.items (\n\tid INTEGER NOT NULL AUTO_INCREMENT, \n\towner INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
        },
    );
    let sql = "\nDROP TABLE inv.items";
    golden(
        &ddl(Ddl::DropTable {
            name: "items".into(),
            schema: Some("inv".into()),
            if_exists: false,
        }),
        &Golden {
            default: sql,
            sqlite: sql,
            postgresql: sql,
            mysql: sql,
        },
    );
}

#[test]
fn index_on_a_table_in_a_schema() {
    // CreateIndex(Index("ix_items_owner", items.c.owner)) with items in schema "inv": only SQLite
    // qualifies the index name (its schema is the attached database); PostgreSQL rejects a
    // qualified name in CREATE INDEX and puts the index in its table's schema.
    let ix = IndexDef {
        schema: Some("inv".into()),
        ..index("ix_items_owner", "items", &["owner"], false)
    };
    golden(
        &ddl(Ddl::CreateIndex(ix)),
        &Golden {
            default: "CREATE INDEX ix_items_owner ON inv.items (owner)",
            sqlite: "CREATE INDEX inv.ix_items_owner ON items (owner)",
            postgresql: "CREATE INDEX ix_items_owner ON inv.items (owner)",
            mysql: "CREATE INDEX ix_items_owner ON inv.items (owner)",
        },
    );
}

#[test]
fn varchar_without_length_is_a_compile_error_on_mysql() {
    // Table("t", md, Column("s", String)): CompileError on MySQL only.
    let st = create(table("t", vec![col("s", SqlType::String(None), true)]));
    let err = compile(&st, Dialect::Mysql, &Default::default()).expect_err("mysql");
    assert_eq!(
        err.to_string(),
        "(in table 't', column 's'): VARCHAR requires a length on dialect mysql"
    );
    for d in [Dialect::Default, Dialect::Sqlite, Dialect::Postgresql] {
        let c = compile(&st, d, &Default::default()).expect("other dialects");
        assert_eq!(c.sql, "\nCREATE TABLE t (\n\ts VARCHAR\n)\n\n");
    }
}

#[test]
fn untyped_column_is_a_compile_error() {
    // Table("t2", md, Column("x", NullType)): CompileError on every dialect.
    let st = create(table("t2", vec![col("x", SqlType::Null, true)]));
    for d in [
        Dialect::Default,
        Dialect::Sqlite,
        Dialect::Postgresql,
        Dialect::Mysql,
    ] {
        let err = compile(&st, d, &Default::default()).expect_err("NullType");
        assert!(matches!(err, CompileError::Unsupported(_)));
        assert_eq!(
            err.to_string(),
            "(in table 't2', column 'x'): Can't generate DDL for NullType(); did you forget to specify a type on this Column?"
        );
    }
}

#[test]
fn identity_sequence_column_check_and_constraint_order() {
    // Table("t", md, Column("id", Integer, Identity(always=True, start=1, cycle=True), primary_key=True),
    //     Column("n", Integer, Sequence("s1", start=5, increment=2)),
    //     Column("q", Integer, CheckConstraint("q > 0")),
    //     CheckConstraint("n < q", name="ck_nq"), ForeignKeyConstraint(["n"], ["p.id"]))
    // Identity renders where the dialect has it; table constraints keep their creation order.
    let mut t = table(
        "t",
        vec![
            ColumnDef {
                identity: Some(Identity {
                    always: true,
                    options: IdentityOptions {
                        start: Some(1),
                        cycle: Some(true),
                        ..Default::default()
                    },
                }),
                ..serial_pk("id", SqlType::Integer)
            },
            ColumnDef {
                sequence: true,
                ..col("n", SqlType::Integer, true)
            },
            ColumnDef {
                checks: vec![CheckDef {
                    name: None,
                    sqltext: "q > 0".into(),
                }],
                ..col("q", SqlType::Integer, true)
            },
        ],
    );
    t.checks = vec![CheckDef {
        name: Some("ck_nq".into()),
        sqltext: "n < q".into(),
    }];
    t.foreign_keys = vec![fk(&["n"], "p", &["id"])];
    t.constraint_order = vec![ConstraintKind::Check, ConstraintKind::ForeignKey];
    let rest = "n INTEGER, \n\tq INTEGER CHECK (q > 0), \n\tPRIMARY KEY (id), \n\tCONSTRAINT ck_nq CHECK (n < q), \n\tFOREIGN KEY(n) REFERENCES p (id)\n)\n\n";
    let identity = format!("\nCREATE TABLE t (\n\tid INTEGER GENERATED ALWAYS AS IDENTITY (START WITH 1 CYCLE), \n\t{rest}");
    golden(
        &create(t),
        &Golden {
            default: &identity,
            sqlite: &format!("\nCREATE TABLE t (\n\tid INTEGER NOT NULL, \n\t{rest}"),
            postgresql: &identity,
            mysql: &format!("\nCREATE TABLE t (\n\tid INTEGER NOT NULL AUTO_INCREMENT, \n\t{rest}"),
        },
    );
}

#[test]
fn create_and_drop_sequence() {
    // CreateSequence(Sequence("s1", start=5, increment=2)), DropSequence(...)
    let create = ddl(Ddl::CreateSequence {
        name: "s1".into(),
        schema: None,
        options: IdentityOptions {
            start: Some(5),
            increment: Some(2),
            ..Default::default()
        },
    });
    let drop = ddl(Ddl::DropSequence {
        name: "s1".into(),
        schema: None,
    });
    for d in [Dialect::Default, Dialect::Postgresql] {
        let c = compile(&create, d, &Default::default()).unwrap();
        assert_eq!(c.sql, "CREATE SEQUENCE s1 INCREMENT BY 2 START WITH 5");
        assert_eq!(
            compile(&drop, d, &Default::default()).unwrap().sql,
            "DROP SEQUENCE s1"
        );
    }
}
