//! `visit_create_table`, `visit_drop_table`, `visit_create_index`, `visit_drop_index`.

use super::{type_ddl, CompileError, Ctx};
use crate::ddl::{ColumnDef, ConstraintKind, Ddl, IdentityOptions, ServerDefault, TableDef};
use crate::dialect::Dialect;
use crate::types::SqlType;

impl Ctx<'_> {
    fn qualified(&self, name: &str, schema: Option<&str>) -> String {
        match schema {
            Some(s) => format!("{}.{}", self.quote(s), self.quote(name)),
            None => self.quote(name),
        }
    }

    pub(crate) fn visit_ddl(&mut self, ddl: &Ddl) -> Result<(), CompileError> {
        match ddl {
            Ddl::CreateTable(t) => self.visit_create_table(t)?,
            Ddl::DropTable {
                name,
                schema,
                if_exists,
            } => {
                let q = self.qualified(name, schema.as_deref());
                self.sql.push_str("\nDROP TABLE ");
                if *if_exists {
                    self.sql.push_str("IF EXISTS ");
                }
                self.sql.push_str(&q);
            }
            Ddl::CreateEnumType {
                name,
                schema,
                values,
            } => {
                let q = self.qualified(name, schema.as_deref());
                let values: Vec<String> = values.iter().map(|v| super::quote_string(v)).collect();
                self.sql
                    .push_str(&format!("CREATE TYPE {q} AS ENUM ({})", values.join(", ")));
            }
            Ddl::DropEnumType {
                name,
                schema,
                if_exists,
            } => {
                let q = self.qualified(name, schema.as_deref());
                self.sql.push_str("DROP TYPE ");
                if *if_exists {
                    self.sql.push_str("IF EXISTS ");
                }
                self.sql.push_str(&q);
            }
            Ddl::CreateIndex(ix) => {
                self.sql.push_str(if ix.unique {
                    "CREATE UNIQUE INDEX "
                } else {
                    "CREATE INDEX "
                });
                // Only SQLite names the index in the schema (its attached database) and the table
                // bare; the others create the index in its table's schema.
                let name = match self.d {
                    Dialect::Sqlite => self.qualified(&ix.name, ix.schema.as_deref()),
                    _ => self.quote(&ix.name),
                };
                let table = match self.d {
                    Dialect::Sqlite => self.quote(&ix.table),
                    _ => self.qualified(&ix.table, ix.schema.as_deref()),
                };
                let cols: Vec<String> = ix.columns.iter().map(|c| self.quote(c)).collect();
                self.sql
                    .push_str(&format!("{name} ON {table} ({})", cols.join(", ")));
            }
            Ddl::CreateSequence {
                name,
                schema,
                options,
            } => {
                let q = self.qualified(name, schema.as_deref());
                self.sql.push_str("CREATE SEQUENCE ");
                self.sql.push_str(&q);
                let opts = identity_options(options);
                if !opts.is_empty() {
                    self.sql.push(' ');
                    self.sql.push_str(&opts);
                }
            }
            Ddl::DropSequence { name, schema } => {
                let q = self.qualified(name, schema.as_deref());
                self.sql.push_str("DROP SEQUENCE ");
                self.sql.push_str(&q);
            }
            Ddl::DropIndex {
                name,
                table,
                schema,
                if_exists,
            } => {
                self.sql.push_str("\nDROP INDEX ");
                if *if_exists {
                    self.sql.push_str("IF EXISTS ");
                }
                // MySQL indexes live in their table: `DROP INDEX ix ON schema.t`.
                let q = match self.d {
                    Dialect::Mysql => format!(
                        "{} ON {}",
                        self.quote(name),
                        self.qualified(table, schema.as_deref())
                    ),
                    _ => self.qualified(name, schema.as_deref()),
                };
                self.sql.push_str(&q);
            }
        }
        Ok(())
    }

    /// A server default expression with its values inlined; MySQL wants a function call in parentheses.
    fn render_default(&self, e: &crate::ExprRef) -> Result<String, CompileError> {
        let (sql, _, _) = super::compile_expression(e, self.d, true)?;
        let is_call = matches!(&e.kind, crate::ExprKind::Func { .. }) && sql.ends_with(')');
        Ok(if is_call && self.d == Dialect::Mysql {
            format!("({sql})")
        } else {
            sql
        })
    }

    fn column_spec(&self, t: &TableDef, c: &ColumnDef) -> Result<String, CompileError> {
        let serial = c.autoincrement && c.ty.is_integer();
        // PostgreSQL's identity and sequence columns are plain integers, not SERIAL.
        let pg_serial = serial && c.identity.is_none() && !c.sequence;
        let pg_identity =
            matches!(self.d, Dialect::Postgresql | Dialect::Default) && c.identity.is_some();
        let mut s = self.quote(&c.name);
        s.push(' ');
        match (self.d, pg_serial, &c.ty) {
            (Dialect::Postgresql, true, SqlType::BigInteger) => s.push_str("BIGSERIAL"),
            (Dialect::Postgresql, true, SqlType::SmallInteger) => s.push_str("SMALLSERIAL"),
            (Dialect::Postgresql, true, _) => s.push_str("SERIAL"),
            _ => s.push_str(&type_ddl(&c.ty, self.d).map_err(|e| {
                CompileError::Unsupported(format!(
                    "(in table '{}', column '{}'): {e}",
                    t.name, c.name
                ))
            })?),
        }
        // MySQL's get_column_specification writes NOT NULL before DEFAULT; the others after.
        let mysql = self.d == Dialect::Mysql;
        // A MySQL TIMESTAMP is NOT NULL unless told otherwise, so SQLAlchemy says NULL.
        let timestamp = matches!(
            c.ty.resolve(self.d),
            SqlType::Named {
                name: crate::types::TypeName::Timestamp { .. },
                ..
            }
        );
        if mysql && c.nullable && timestamp {
            s.push_str(" NULL");
        }
        if mysql && !c.nullable {
            s.push_str(" NOT NULL");
        }
        match &c.server_default {
            Some(ServerDefault::Text(t)) => {
                s.push_str(" DEFAULT ");
                s.push_str(t);
            }
            Some(ServerDefault::Expr(e)) => {
                s.push_str(" DEFAULT ");
                s.push_str(&self.render_default(e)?);
            }
            None => {}
        }
        if let (Some(id), true) = (&c.identity, pg_identity) {
            s.push_str(if id.always {
                " GENERATED ALWAYS AS IDENTITY"
            } else {
                " GENERATED BY DEFAULT AS IDENTITY"
            });
            let opts = identity_options(&id.options);
            if !opts.is_empty() {
                s.push_str(&format!(" ({opts})"));
            }
        } else if !mysql && !c.nullable {
            s.push_str(" NOT NULL");
        }
        // SQLAlchemy's MySQL column specification: COMMENT before AUTO_INCREMENT.
        if let (Some(comment), Dialect::Mysql) = (&c.comment, self.d) {
            s.push_str(" COMMENT ");
            s.push_str(&super::quote_string_for(self.d, comment));
        }
        if serial && self.d == Dialect::Mysql {
            s.push_str(" AUTO_INCREMENT");
        }
        for ck in &c.checks {
            s.push(' ');
            s.push_str(&self.check_spec(ck));
        }
        Ok(s)
    }

    fn check_spec(&self, ck: &crate::ddl::CheckDef) -> String {
        match &ck.name {
            Some(n) => format!("CONSTRAINT {} CHECK ({})", self.quote(n), ck.sqltext),
            None => format!("CHECK ({})", ck.sqltext),
        }
    }

    fn visit_create_table(&mut self, t: &TableDef) -> Result<(), CompileError> {
        let mut parts: Vec<String> = Vec::new();
        for c in &t.columns {
            parts.push(self.column_spec(t, c)?);
        }
        if !t.primary_key.is_empty() {
            let cols: Vec<String> = t.primary_key.iter().map(|c| self.quote(c)).collect();
            let prefix = match &t.primary_key_name {
                Some(n) => format!("CONSTRAINT {} ", self.quote(n)),
                None => String::new(),
            };
            parts.push(format!("{prefix}PRIMARY KEY ({})", cols.join(", ")));
        }
        let mut fks = Vec::new();
        for fk in &t.foreign_keys {
            let cols: Vec<String> = fk.columns.iter().map(|c| self.quote(c)).collect();
            let refs: Vec<String> = fk.ref_columns.iter().map(|c| self.quote(c)).collect();
            let mut s = match &fk.name {
                Some(n) => format!("CONSTRAINT {} ", self.quote(n)),
                None => String::new(),
            };
            s.push_str(&format!(
                "FOREIGN KEY({}) REFERENCES {} ({})",
                cols.join(", "),
                self.qualified(&fk.ref_table, fk.ref_schema.as_deref()),
                refs.join(", ")
            ));
            if let Some(od) = &fk.ondelete {
                s.push_str(&format!(" ON DELETE {od}"));
            }
            if let Some(ou) = &fk.onupdate {
                s.push_str(&format!(" ON UPDATE {ou}"));
            }
            fks.push(s);
        }
        let mut uniques = Vec::new();
        for u in &t.uniques {
            let cols: Vec<String> = u.columns.iter().map(|c| self.quote(c)).collect();
            let prefix = match &u.name {
                Some(n) => format!("CONSTRAINT {} ", self.quote(n)),
                None => String::new(),
            };
            uniques.push(format!("{prefix}UNIQUE ({})", cols.join(", ")));
        }
        let checks: Vec<String> = t.checks.iter().map(|ck| self.check_spec(ck)).collect();
        if t.constraint_order.is_empty() {
            parts.extend(fks);
            parts.extend(uniques);
            parts.extend(checks);
        } else {
            let (mut f, mut u, mut c) = (fks.into_iter(), uniques.into_iter(), checks.into_iter());
            for kind in &t.constraint_order {
                let next = match kind {
                    ConstraintKind::ForeignKey => f.next(),
                    ConstraintKind::Unique => u.next(),
                    ConstraintKind::Check => c.next(),
                };
                parts.extend(next);
            }
            // Anything the order left out still belongs to the table.
            parts.extend(f.chain(u).chain(c));
        }
        self.sql.push_str("\nCREATE TABLE ");
        let q = self.qualified(&t.name, t.schema.as_deref());
        self.sql.push_str(&q);
        self.sql.push_str(" (\n\t");
        self.sql.push_str(&parts.join(", \n\t"));
        self.sql.push_str("\n)");
        if self.d == Dialect::Mysql {
            let options: Vec<String> = t
                .options
                .iter()
                .map(|o| {
                    let value = if o.quoted {
                        super::quote_string_for(self.d, &o.value)
                    } else {
                        o.value.clone()
                    };
                    format!("{}{}{value}", o.name, o.joiner)
                })
                .collect();
            self.sql.push_str(&options.join(" "));
        }
        self.sql.push_str("\n\n");
        Ok(())
    }
}

/// SQLAlchemy's `get_identity_options`: the options of an IDENTITY or a SEQUENCE, in its order.
fn identity_options(o: &IdentityOptions) -> String {
    let mut out = Vec::new();
    if let Some(v) = o.increment {
        out.push(format!("INCREMENT BY {v}"));
    }
    if let Some(v) = o.start {
        out.push(format!("START WITH {v}"));
    }
    if let Some(v) = o.minvalue {
        out.push(format!("MINVALUE {v}"));
    }
    if let Some(v) = o.maxvalue {
        out.push(format!("MAXVALUE {v}"));
    }
    if o.nominvalue {
        out.push("NO MINVALUE".into());
    }
    if o.nomaxvalue {
        out.push("NO MAXVALUE".into());
    }
    if let Some(v) = o.cache {
        out.push(format!("CACHE {v}"));
    }
    if let Some(c) = o.cycle {
        out.push(if c { "CYCLE" } else { "NO CYCLE" }.into());
    }
    out.join(" ")
}
