//! Decoded result rows, stored flat (one allocation for the whole set).

use ferro_sql::Value;

#[derive(Debug, Default, Clone)]
pub struct Rows {
    pub columns: Vec<String>,
    pub values: Vec<Value>,
}

impl Rows {
    pub fn width(&self) -> usize {
        self.columns.len()
    }

    pub fn len(&self) -> usize {
        self.values.len().checked_div(self.width()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn row(&self, i: usize) -> &[Value] {
        let w = self.width();
        &self.values[i * w..(i + 1) * w]
    }
}
