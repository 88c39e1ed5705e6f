//! `visit_compound_select`: UNION / INTERSECT / EXCEPT [ALL] of SELECTs, with the compound's own
//! ORDER BY and LIMIT/OFFSET.

use super::select::Place;
use super::{CompileError, Ctx, ResultColumn};
use crate::stmt::Select;

/// A member SELECT is parenthesised when it has its own ORDER BY / LIMIT / OFFSET or is itself a
/// compound (SQLAlchemy's `self_group(against=compound)`); SQLite gets the same text.
fn needs_grouping(s: &Select) -> bool {
    s.compound.is_some() || !s.order_by.is_empty() || s.limit.is_some() || s.offset.is_some()
}

impl Ctx<'_> {
    /// Renders `s`, whose body is a compound; every member is rendered where the compound is, so
    /// it names its columns and correlates as the compound would. The result columns are the
    /// first member's. FOR UPDATE on a compound renders nothing, as in SQLAlchemy.
    pub(crate) fn visit_compound_select(
        &mut self,
        s: &Select,
        place: Place,
    ) -> Result<Vec<ResultColumn>, CompileError> {
        let Some(compound) = &s.compound else {
            return Ok(Vec::new());
        };
        let mut columns = Vec::new();
        for (i, member) in compound.selects.iter().enumerate() {
            if i > 0 {
                self.sql.push(' ');
                self.sql.push_str(compound.op.keyword());
                self.sql.push(' ');
            }
            let group = needs_grouping(member);
            if group {
                self.sql.push('(');
            }
            let cols = self.visit_select_body(member, place)?;
            if group {
                self.sql.push(')');
            }
            if i == 0 {
                columns = cols;
            }
        }
        if !s.order_by.is_empty() {
            self.sql.push_str(" ORDER BY ");
            self.visit_list(&s.order_by)?;
        }
        self.visit_limit_offset(s)?;
        Ok(columns)
    }
}
