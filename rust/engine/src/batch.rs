//! Executemany of a plain `INSERT ... VALUES (...)` as multi-row VALUES statements, so a batch of
//! N rows costs N/chunk round trips instead of N. Only statements whose last clause is the VALUES
//! tuple qualify (no RETURNING, ON CONFLICT or literals that could hold a placeholder), so every
//! row's values and their order stay exactly what the single-row statement would have sent.

/// Rows per statement: enough to amortise the round trip, few enough to keep statements small.
const MAX_ROWS: usize = 1000;
/// PostgreSQL's wire protocol counts parameters in 16 bits.
const MAX_PARAMS: usize = 65_535;

/// A single-row INSERT split at its VALUES tuple, ready to repeat that tuple for many rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsertBatch {
    /// Everything up to the tuple's opening parenthesis.
    head: String,
    /// The tuple, split around its `$k` placeholders: `pieces[i]`, then placeholder `marks[i]`.
    pieces: Vec<String>,
    marks: Vec<usize>,
    tail: String,
    params: usize,
}

impl InsertBatch {
    /// Splits `sql` (numbered `$k` placeholders, as PostgreSQL takes them) when it is an INSERT
    /// whose statement ends with a VALUES tuple holding each of its `params` placeholders.
    pub fn parse_numbered(sql: &str, params: usize) -> Option<InsertBatch> {
        if params == 0 || !sql.trim_start().get(..6)?.eq_ignore_ascii_case("INSERT") {
            return None;
        }
        let open = sql.rfind(" VALUES (")? + " VALUES ".len();
        let (head, tuple) = sql.split_at(open);
        if head.contains('$') || tuple.contains(['\'', '"', ';']) || !tuple.ends_with(')') {
            return None;
        }
        // The tuple's opening parenthesis must close at its last character.
        let mut depth = 0i32;
        for (i, ch) in tuple.char_indices() {
            depth += match ch {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
            if depth == 0 && i + 1 != tuple.len() {
                return None;
            }
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
            params,
        })
    }

    /// How many rows one statement carries.
    pub fn chunk_rows(&self) -> usize {
        MAX_ROWS.min(MAX_PARAMS / self.params).max(1)
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
                out.push('$');
                out.push_str(&(k + r * self.params).to_string());
            }
            out.push_str(&self.tail);
        }
        out
    }
}
