//! Shared fixtures of the Rust benchmarks (a `users` table as a mapper would hold it, the same
//! table in SQLite, a 20-table mapper graph) and the callgrind mode every bench binary offers.

use std::sync::Arc;

use ferro_engine::sqlite::{SqliteBackend, SqliteOptions};
use ferro_engine::Backend;
use ferro_sql::expr::{BinOp, Expr};
use ferro_sql::value::DateTimeParts;
use ferro_sql::{ExprRef, Select, SqlType, Statement, TableRef, Value};

/// The `users` table's eight columns: int, text, text, int, bool, datetime, float, nullable text.
pub const USER_COLUMNS: [(&str, SqlType); 8] = [
    ("id", SqlType::Integer),
    ("name", SqlType::String(Some(50))),
    ("email", SqlType::String(Some(120))),
    ("age", SqlType::Integer),
    ("active", SqlType::Boolean),
    ("created_at", SqlType::DateTime { timezone: false }),
    ("score", SqlType::Float),
    ("note", SqlType::Text),
];

/// The column expressions a mapped `User` class holds; built once, as the mapper does.
pub struct Users {
    pub columns: Vec<ExprRef>,
    pub email: ExprRef,
}

impl Users {
    pub fn new() -> Self {
        let table = TableRef::new("users", None);
        let columns: Vec<ExprRef> = USER_COLUMNS
            .iter()
            .map(|(name, ty)| Expr::column(Some(table.clone()), name, ty.clone()))
            .collect();
        let email = columns[2].clone();
        Users { columns, email }
    }

    /// `select(User).where(User.email == email)`: the nodes Python's operators build per call.
    pub fn by_email(&self, email: &str) -> Statement {
        let bind = Expr::bind(
            "email",
            Some(Value::Text(email.into())),
            self.email.ty.clone(),
            true,
        );
        let select = Select {
            columns: self.columns.clone(),
            where_: Some(Expr::binary(self.email.clone(), BinOp::Eq, bind)),
            ..Default::default()
        };
        Statement::Select(Arc::new(select.finish()))
    }
}

impl Default for Users {
    fn default() -> Self {
        Self::new()
    }
}

/// An in-memory SQLite database whose `users` table holds `rows` rows; every 2nd `note` is NULL.
pub fn users_db(rows: i64) -> SqliteBackend {
    let mut db = SqliteBackend::open(&SqliteOptions {
        path: ":memory:".into(),
        uri: false,
        timeout: 1.0,
    })
    .expect("in-memory SQLite opens");
    db.execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50), email VARCHAR(120), \
         age INTEGER, active BOOLEAN, created_at DATETIME, score FLOAT, note TEXT)",
        &[],
        &[],
        false,
    )
    .expect("create users");
    let params: Vec<Vec<Value>> = (1..=rows).map(user_row).collect();
    db.execute_many(
        "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &params,
        true,
    )
    .expect("insert users");
    db.commit().expect("commit users");
    db
}

fn user_row(i: i64) -> Vec<Value> {
    let at = DateTimeParts {
        year: 2024,
        month: (i % 12) as u8 + 1,
        day: (i % 28) as u8 + 1,
        hour: (i % 24) as u8,
        minute: (i % 60) as u8,
        second: (i * 7 % 60) as u8,
        microsecond: (i * 1_234 % 1_000_000) as u32,
        utc_offset: None,
    };
    vec![
        Value::Int(i),
        Value::Text(format!("user {i}")),
        Value::Text(format!("user{i}@example.com")),
        Value::Int(18 + i % 60),
        Value::Bool(i % 3 != 0),
        Value::DateTime(at),
        Value::Float(i as f64 * 0.25),
        if i % 2 == 0 {
            Value::Null
        } else {
            Value::Text(format!("note for {i}"))
        },
    ]
}

/// A shop's mapper graph: 20 tables (FK chains up to four deep, two self-references), listed in
/// alphabetical order so most children come before their parents and the sort has work to do.
pub fn mapper_graph() -> Vec<Vec<usize>> {
    const TABLES: [(&str, &[&str]); 20] = [
        ("addresses", &["users"]),
        ("audit_log", &["users"]),
        ("cart_items", &["carts", "products"]),
        ("carts", &["users"]),
        ("categories", &["categories"]),
        ("coupons", &["organizations"]),
        ("invoices", &["orders", "payments"]),
        ("order_coupons", &["orders", "coupons"]),
        ("order_items", &["orders", "products"]),
        ("orders", &["users", "addresses"]),
        ("organizations", &[]),
        ("payments", &["orders"]),
        ("product_tags", &["products", "tags"]),
        ("products", &["categories", "suppliers"]),
        ("reviews", &["users", "products"]),
        ("sessions", &["users"]),
        ("shipments", &["orders", "addresses"]),
        ("suppliers", &["organizations"]),
        ("tags", &[]),
        ("users", &["organizations", "users"]),
    ];
    let index = |name: &str| {
        TABLES
            .iter()
            .position(|(t, _)| *t == name)
            .expect("graph names a listed table")
    };
    TABLES
        .iter()
        .map(|(_, parents)| parents.iter().map(|p| index(p)).collect())
        .collect()
}

/// Rows of a self-referential table (a category tree, each row's parent at `(i - 1) / 4`) as nodes,
/// in reverse so children come first, as a session may hold them.
pub fn self_ref_rows(n: usize) -> Vec<Vec<usize>> {
    (0..n)
        .map(|k| {
            let i = n - 1 - k;
            if i == 0 {
                Vec::new()
            } else {
                vec![n - 1 - (i - 1) / 4]
            }
        })
        .collect()
}

/// One benchmark body for callgrind mode: `setup` runs outside the measured region.
pub struct Callgrind {
    pub name: &'static str,
    pub iters: u64,
    pub setup: fn() -> Box<dyn FnMut()>,
}

/// With `FERRO_CALLGRIND=<bench>` set, runs that bench's body `iters` times inside
/// [`ferro_callgrind_run`] (the function benches/callgrind.py tells callgrind to measure) and
/// returns true; `FERRO_CALLGRIND=list` prints `name iters` lines. Unset: returns false.
pub fn callgrind_mode(benches: &[Callgrind]) -> bool {
    let Ok(selected) = std::env::var("FERRO_CALLGRIND") else {
        return false;
    };
    if selected == "list" {
        for b in benches {
            println!("{} {}", b.name, b.iters);
        }
        return true;
    }
    let Some(bench) = benches.iter().find(|b| b.name == selected) else {
        let names: Vec<&str> = benches.iter().map(|b| b.name).collect();
        eprintln!("FERRO_CALLGRIND={selected}: no such bench here (have: {names:?})");
        std::process::exit(2);
    };
    let mut body = (bench.setup)();
    // One call before the measured region, so first-use costs (a cache fill, a prepared
    // statement) stay out of the per-iteration count.
    body();
    ferro_callgrind_run(bench.iters, &mut *body);
    true
}

/// The measured region in callgrind mode; never inlined so callgrind can toggle on its symbol.
#[inline(never)]
pub fn ferro_callgrind_run(iters: u64, body: &mut dyn FnMut()) {
    for _ in 0..iters {
        body();
    }
}
