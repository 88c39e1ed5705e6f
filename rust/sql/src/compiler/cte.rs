//! The WITH clause: every CTE a statement uses, nested ones included, defined once ahead of it.

use super::select::Place;
use super::{CompileError, Ctx};
use crate::stmt::{FromItem, Select};

/// The column names a recursive CTE declares, `name(a, b)`: its (first member's) result names.
fn cte_column_names(s: &Select) -> Vec<String> {
    let first = match &s.compound {
        Some(c) => match c.selects.first() {
            Some(f) => f,
            None => return Vec::new(),
        },
        None => s,
    };
    if first.compound.is_some() {
        return cte_column_names(first);
    }
    first
        .columns
        .iter()
        .filter_map(|c| c.default_name().map(String::from))
        .collect()
}

impl Ctx<'_> {
    /// `WITH [RECURSIVE] a AS \n(...), \nb AS \n(...)\n ` ahead of the statement that uses them.
    pub(crate) fn visit_with(&mut self, ctes: &[FromItem]) -> Result<(), CompileError> {
        if ctes.is_empty() {
            return Ok(());
        }
        let recursive = ctes.iter().any(|c| {
            matches!(
                c,
                FromItem::Cte {
                    recursive: true,
                    ..
                }
            )
        });
        self.sql.push_str(if recursive {
            "WITH RECURSIVE "
        } else {
            "WITH "
        });
        for (i, c) in ctes.iter().enumerate() {
            let FromItem::Cte {
                select,
                table,
                recursive,
            } = c
            else {
                continue;
            };
            if i > 0 {
                self.sql.push_str(", \n");
            }
            let table = table.alias_of.as_ref().unwrap_or(table);
            let name = self.table_name(table);
            self.sql.push_str(&name);
            if *recursive {
                let cols: Vec<String> = cte_column_names(select)
                    .iter()
                    .map(|n| self.quote(n))
                    .collect();
                self.sql.push('(');
                self.sql.push_str(&cols.join(", "));
                self.sql.push(')');
            }
            self.sql.push_str(" AS \n(");
            self.visit_select_body(select, Place::Cte)?;
            self.sql.push(')');
        }
        self.sql.push_str("\n ");
        Ok(())
    }
}
