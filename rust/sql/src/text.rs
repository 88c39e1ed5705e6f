//! `text()` clauses: SQL written by the user with `:name` bind parameters.

use std::collections::HashMap;

use crate::expr::Expr;
use crate::key::{Key, KeyBuilder};
use crate::types::SqlType;
use crate::value::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum TextPart {
    Sql(String),
    Param(String),
}

#[derive(Debug)]
pub struct TextClause {
    pub parts: Vec<TextPart>,
    /// Values given with `.bindparams(name=value)`; execution parameters override them.
    pub bound: HashMap<String, (Value, SqlType)>,
    /// Result column types given with `.columns(...)`.
    pub column_types: Vec<(String, SqlType)>,
    pub key: Key,
    /// Binds as nodes, so the canonical walk visits `.bindparams()` values like any other bind.
    bind_nodes: Vec<crate::expr::ExprRef>,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits SQL at `:name` the way SQLAlchemy's text() does: a colon preceded by a word character,
/// another colon or a backslash, or followed by a colon (`::cast`), is not a parameter; `\:` is a colon.
pub fn parse(sql: &str) -> Vec<TextPart> {
    let chars: Vec<char> = sql.chars().collect();
    let mut parts = Vec::new();
    let mut buf = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1) == Some(&':') {
            buf.push(':');
            i += 2;
            continue;
        }
        if c == ':' {
            let prev_ok = i == 0 || !(is_word(chars[i - 1]) || chars[i - 1] == ':');
            let mut j = i + 1;
            while j < chars.len() && is_word(chars[j]) {
                j += 1;
            }
            let next_ok = chars.get(j) != Some(&':');
            if prev_ok && j > i + 1 && next_ok {
                if !buf.is_empty() {
                    parts.push(TextPart::Sql(std::mem::take(&mut buf)));
                }
                parts.push(TextPart::Param(chars[i + 1..j].iter().collect()));
                i = j;
                continue;
            }
        }
        buf.push(c);
        i += 1;
    }
    if !buf.is_empty() {
        parts.push(TextPart::Sql(buf));
    }
    parts
}

impl TextClause {
    pub fn new(
        sql: &str,
        bound: HashMap<String, (Value, SqlType)>,
        column_types: Vec<(String, SqlType)>,
    ) -> Self {
        let parts = parse(sql);
        let mut kb = KeyBuilder::new("text");
        kb.str(sql);
        let mut names: Vec<&String> = bound.keys().collect();
        names.sort();
        for n in names {
            kb.str(n);
            bound[n].1.add_to_key(&mut kb);
        }
        for (n, t) in &column_types {
            kb.str(n);
            t.add_to_key(&mut kb);
        }
        let bind_nodes = parts
            .iter()
            .filter_map(|p| match p {
                TextPart::Param(name) => Some(match bound.get(name) {
                    Some((v, t)) => Expr::bind(name, Some(v.clone()), t.clone(), false),
                    None => Expr::bind(name, None, SqlType::Null, false),
                }),
                TextPart::Sql(_) => None,
            })
            .collect();
        TextClause {
            parts,
            bound,
            column_types,
            key: kb.finish(),
            bind_nodes,
        }
    }

    /// The bind node for the n-th parameter occurrence, in text order.
    pub fn bind_node(&self, n: usize) -> Option<&crate::expr::ExprRef> {
        self.bind_nodes.get(n)
    }

    pub fn walk_binds<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        for b in &self.bind_nodes {
            f(b);
        }
    }

    /// Parameter names in order of first appearance.
    pub fn param_names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in &self.parts {
            if let TextPart::Param(n) = p {
                if !out.contains(&n.as_str()) {
                    out.push(n);
                }
            }
        }
        out
    }
}

/// Whether a text() statement changes data (INSERT, UPDATE, DELETE, REPLACE), by its first keyword.
pub fn starts_dml(t: &TextClause) -> bool {
    let first = t.parts.iter().find_map(|p| match p {
        TextPart::Sql(s) => Some(s.as_str()),
        TextPart::Param(_) => None,
    });
    let word: String = first
        .unwrap_or("")
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase();
    matches!(word.as_str(), "INSERT" | "UPDATE" | "DELETE" | "REPLACE")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_named_params_and_skips_casts() {
        let p = parse("SELECT a::int FROM t WHERE id = :id AND x=:x_1 AND t = '10\\:30'");
        let names: Vec<_> = p
            .iter()
            .filter_map(|x| match x {
                TextPart::Param(n) => Some(n.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(names, vec!["id", "x_1"]);
        assert!(matches!(&p[p.len() - 1], TextPart::Sql(s) if s.ends_with("'10:30'")));
    }
}
