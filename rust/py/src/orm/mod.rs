//! ORM bindings: instance state, the identity map, mapper specs, hydration and the flush executor.

pub mod add;
pub mod dirty;
pub mod eager_defaults;
pub mod flush;
pub mod identity;
pub mod joined;
pub mod loading;
pub mod related;
pub mod spec;
pub mod state;

use pyo3::prelude::*;

pub use identity::IdentityMap;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<state::InstanceState>()?;
    m.add_class::<identity::IdentityMap>()?;
    m.add_class::<spec::MapperSpec>()?;
    m.add_class::<loading::LoadPlan>()?;
    m.add_function(wrap_pyfunction!(state::init_new, m)?)?;
    m.add_function(wrap_pyfunction!(related::attach_related, m)?)?;
    m.add_function(wrap_pyfunction!(state::set_column, m)?)?;
    m.add_function(wrap_pyfunction!(state::clear_changes, m)?)?;
    m.add_function(wrap_pyfunction!(state::with_loaded_keys, m)?)?;
    m.add_function(wrap_pyfunction!(state::by_mapper, m)?)?;
    m.add_function(wrap_pyfunction!(dirty::register_session, m)?)?;
    m.add_function(wrap_pyfunction!(add::add_pending, m)?)?;
    m.add_function(wrap_pyfunction!(add::next_insert_order, m)?)?;
    m.add_function(wrap_pyfunction!(dirty::unregister_session, m)?)?;
    m.add_function(wrap_pyfunction!(dirty::py_mark_dirty, m)?)?;
    flush::register(m)?;
    Ok(())
}
