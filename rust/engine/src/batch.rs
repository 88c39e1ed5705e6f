//! Executemany of a plain `INSERT ... VALUES (...)` as multi-row VALUES statements, so a batch of
//! N rows costs N/chunk round trips instead of N. Only statements whose last clause is the VALUES
//! tuple qualify (no ON CONFLICT or literals that could hold a placeholder), so every row's values
//! and their order stay exactly what the single-row statement would have sent; a RETURNING clause
//! without parameters may follow the tuple where the caller reads the rows back
//! ("insertmanyvalues").

use ferro_sql::Value;

/// Rows per statement: enough to amortise the round trip, few enough to keep statements small.
const MAX_ROWS: usize = 1000;
/// PostgreSQL's wire protocol and MySQL's prepared statements count parameters in 16 bits.
const MAX_PARAMS: usize = 65_535;
/// SQLAlchemy's `insertmanyvalues_max_parameters`: under SQLite's limit of 32766 as well.
const MAX_RETURNING_PARAMS: usize = 32_700;

/// How a statement writes its placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marks {
    /// `$1, $2, ...` (PostgreSQL): row r's placeholders are renumbered after the rows before it.
    Numbered,
    /// `?` (MySQL): placeholders bind in order, so the tuple repeats as it is.
    Positional,
}

/// A single-row INSERT split at its VALUES tuple, ready to repeat that tuple for many rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsertBatch {
    /// Everything up to the tuple's opening parenthesis.
    head: String,
    /// The tuple, split around its `$k` placeholders: `pieces[i]`, then placeholder `marks[i]`.
    pieces: Vec<String>,
    marks: Vec<usize>,
    tail: String,
    /// What follows the tuple: empty, or a RETURNING clause without placeholders.
    suffix: String,
    params: usize,
    style: Marks,
}

impl InsertBatch {
    /// Splits `sql` (numbered `$k` placeholders, as PostgreSQL takes them) when it is an INSERT
    /// whose statement ends with a VALUES tuple holding each of its `params` placeholders.
    pub fn parse_numbered(sql: &str, params: usize) -> Option<InsertBatch> {
        Self::numbered(sql, params, false)
    }

    /// Splits `sql` like `parse_numbered` (`numbered`) or `parse_positional`, also when a
    /// RETURNING clause without placeholders follows the tuple: the statement an executemany of
    /// INSERT ... RETURNING repeats, whose every page's rows the caller reads.
    pub fn parse_returning(sql: &str, params: usize, numbered: bool) -> Option<InsertBatch> {
        if numbered {
            Self::numbered(sql, params, true)
        } else {
            Self::positional(sql, params, true)
        }
    }

    fn numbered(sql: &str, params: usize, returning: bool) -> Option<InsertBatch> {
        let (head, tuple, suffix) = split_values_tuple(sql, params, returning)?;
        if head.contains('$') {
            return None;
        }
        let mut pieces = Vec::new();
        let mut marks = Vec::new();
        let mut rest = tuple;
        while let Some(at) = rest.find('$') {
            let digits: String = rest[at + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let k: usize = digits.parse().ok()?;
            pieces.push(rest[..at].to_string());
            marks.push(k);
            rest = &rest[at + 1 + digits.len()..];
        }
        let mut seen = marks.clone();
        seen.sort_unstable();
        if seen != (1..=params).collect::<Vec<_>>() {
            return None;
        }
        Some(InsertBatch {
            head: head.to_string(),
            pieces,
            marks,
            tail: rest.to_string(),
            suffix: suffix.to_string(),
            params,
            style: Marks::Numbered,
        })
    }

    /// Splits `sql` (`?` placeholders bound in order, as MySQL takes them) when it is an INSERT
    /// whose statement ends with a VALUES tuple holding all of its `params` placeholders.
    pub fn parse_positional(sql: &str, params: usize) -> Option<InsertBatch> {
        Self::positional(sql, params, false)
    }

    fn positional(sql: &str, params: usize, returning: bool) -> Option<InsertBatch> {
        let (head, tuple, suffix) = split_values_tuple(sql, params, returning)?;
        if head.contains('?') || tuple.contains('`') || tuple.matches('?').count() != params {
            return None;
        }
        let mut pieces: Vec<String> = tuple.split('?').map(str::to_string).collect();
        let tail = pieces.pop()?;
        Some(InsertBatch {
            head: head.to_string(),
            pieces,
            marks: (1..=params).collect(),
            tail,
            suffix: suffix.to_string(),
            params,
            style: Marks::Positional,
        })
    }

    /// How many rows one statement carries.
    pub fn chunk_rows(&self) -> usize {
        MAX_ROWS.min(MAX_PARAMS / self.params).max(1)
    }

    /// Rows per statement of an executemany with RETURNING: `page_size` (SQLAlchemy's
    /// `insertmanyvalues_page_size`), fewer where the parameters would pass SQLAlchemy's limit.
    pub fn page_rows(&self, page_size: usize) -> usize {
        page_size.min(MAX_RETURNING_PARAMS / self.params).max(1)
    }

    /// `rows` cut into statements of at most `chunk_rows()` rows whose values take at most
    /// `byte_budget` bytes on the wire (a row larger than the budget goes alone, as it would
    /// unbatched), so a batch of large values stays under the server's packet limit.
    pub fn chunks<'a>(&self, rows: &'a [Vec<Value>], byte_budget: usize) -> Vec<&'a [Vec<Value>]> {
        let per = self.chunk_rows();
        let mut out = Vec::with_capacity(rows.len() / per + 1);
        let (mut start, mut bytes) = (0, 0);
        for (i, row) in rows.iter().enumerate() {
            let size: usize = row.iter().map(wire_size).sum();
            if i > start && (i - start == per || bytes + size > byte_budget) {
                out.push(&rows[start..i]);
                (start, bytes) = (i, 0);
            }
            bytes += size;
        }
        if start < rows.len() {
            out.push(&rows[start..]);
        }
        out
    }

    /// The statement for `rows` rows: the tuple repeated, row r's placeholders numbered after
    /// those of the rows before it.
    pub fn sql(&self, rows: usize) -> String {
        let mut out =
            String::with_capacity(self.head.len() + rows * (self.tail.len() + 8 * self.params));
        out.push_str(&self.head);
        for r in 0..rows {
            if r > 0 {
                out.push_str(", ");
            }
            for (piece, k) in self.pieces.iter().zip(&self.marks) {
                out.push_str(piece);
                match self.style {
                    Marks::Numbered => {
                        out.push('$');
                        out.push_str(&(k + r * self.params).to_string());
                    }
                    Marks::Positional => out.push('?'),
                }
            }
            out.push_str(&self.tail);
        }
        out.push_str(&self.suffix);
        out
    }
}

/// An upper estimate of a bound value's bytes in a binary-protocol execute packet.
fn wire_size(v: &Value) -> usize {
    match v {
        Value::Text(s) | Value::Decimal(s) => s.len() + 9,
        Value::Blob(b) => b.len() + 9,
        Value::Array(items) => items.iter().map(wire_size).sum::<usize>() + 9,
        _ => 16,
    }
}

/// `sql` cut into (what precedes its VALUES tuple, the tuple, what follows it), when it is an
/// INSERT with `params` parameters whose last clause is that tuple (or, with `returning`, a
/// RETURNING clause without placeholders) and the tuple holds no quoted text (where a
/// placeholder character would not be a placeholder).
fn split_values_tuple(sql: &str, params: usize, returning: bool) -> Option<(&str, &str, &str)> {
    if params == 0 || !sql.trim_start().get(..6)?.eq_ignore_ascii_case("INSERT") {
        return None;
    }
    let open = sql.rfind(" VALUES (")? + " VALUES ".len();
    let (head, rest) = sql.split_at(open);
    // The tuple ends where its opening parenthesis closes.
    let mut depth = 0i32;
    let mut end = None;
    for (i, ch) in rest.char_indices() {
        depth += match ch {
            '(' => 1,
            ')' => -1,
            _ => 0,
        };
        if depth == 0 {
            end = Some(i + 1);
            break;
        }
    }
    let (tuple, suffix) = rest.split_at(end?);
    if tuple.contains(['\'', '"', ';']) {
        return None;
    }
    let suffix_ok = suffix.is_empty()
        || (returning
            && suffix.starts_with(" RETURNING ")
            && !suffix.contains(['$', '?', ';', '\'']));
    suffix_ok.then_some((head, tuple, suffix))
}
