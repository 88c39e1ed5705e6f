//! ORM algorithms that need no Python: the order in which a flush touches tables, and identity keys.

pub mod deps;
pub mod identity;

pub use deps::{sort_by_dependency, CycleError};
pub use identity::IdentityKey;
