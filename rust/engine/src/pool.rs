//! ferroalchemy's connection pool with SQLAlchemy's semantics: QueuePool (size, overflow, timeout,
//! recycle, pre-ping), StaticPool (one shared connection), SingletonThreadPool (one per thread)
//! and NullPool (a new connection per checkout).

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use crate::backend::Backend;
use crate::error::{EngineError, ErrorKind};
use crate::runtime;

pub type Factory = Box<dyn Fn() -> Result<Box<dyn Backend>, EngineError> + Send + Sync>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolKind {
    Queue,
    Static,
    SingletonThread,
    Null,
}

#[derive(Clone, Debug)]
pub struct PoolOptions {
    pub kind: PoolKind,
    pub size: usize,
    /// -1 means unlimited overflow.
    pub max_overflow: i64,
    pub timeout: Duration,
    /// Connections older than this are replaced at checkout; None never.
    pub recycle: Option<Duration>,
    pub pre_ping: bool,
    pub reset_on_return: ResetOnReturn,
}

/// What the pool does to a connection's open transaction when it comes back
/// (`pool_reset_on_return`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResetOnReturn {
    Rollback,
    Commit,
    Nothing,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            kind: PoolKind::Queue,
            size: 5,
            max_overflow: 10,
            timeout: Duration::from_secs(30),
            recycle: None,
            pre_ping: false,
            reset_on_return: ResetOnReturn::Rollback,
        }
    }
}

/// A pooled DBAPI-level connection. Shared pools (Static, SingletonThread) hand the same slot to
/// several checkouts, hence the mutex.
pub struct Slot {
    pub conn: Mutex<Box<dyn Backend>>,
    /// Identifies the physical connection (SQLAlchemy's connection record) across checkouts.
    pub id: u64,
    /// Set until the first checkout has seen it: the pool's "connect" event fires then.
    pub fresh: std::sync::atomic::AtomicBool,
    created: Instant,
    /// The pool generation it was opened in: `dispose()` starts a new one, and a connection of an
    /// older generation is closed when returned instead of rejoining the pool.
    generation: u64,
    /// Set when the connection must not return to the pool (invalidated, or mid-protocol).
    pub invalid: std::sync::atomic::AtomicBool,
    /// The process's fork generation when it opened (`runtime::generation`).
    fork: usize,
}

impl Slot {
    /// Opened before this process was forked from its parent: its socket (and its registration
    /// in the parent's I/O runtime) is the parent's too.
    fn foreign(&self) -> bool {
        self.fork != runtime::generation()
    }

    /// Invalidated, or its parent's after a fork: a checkout must not hand it out.
    fn spent(&self) -> bool {
        self.invalid.load(std::sync::atomic::Ordering::Relaxed) || self.foreign()
    }
}

impl Drop for Slot {
    /// A parent's connection in a forked child is never closed here: closing would deregister
    /// its socket from the epoll instance parent and child share, and the parent would never
    /// hear from that connection again. It is left as it is (SQLAlchemy's `dispose(close=False)`
    /// advice, made automatic).
    fn drop(&mut self) {
        if self.foreign() {
            let conn = self.conn.get_mut().unwrap_or_else(|e| e.into_inner());
            std::mem::forget(std::mem::replace(conn, Box::new(Orphaned)));
        }
    }
}

/// What stands in for a parent's connection left alone in a forked child (see `Drop for Slot`).
struct Orphaned;

impl Orphaned {
    fn gone<T>() -> Result<T, EngineError> {
        Err(EngineError::new(
            ErrorKind::Interface,
            "this connection belongs to the parent process",
        ))
    }
}

impl Backend for Orphaned {
    fn execute(
        &mut self,
        _sql: &str,
        _params: &[ferro_sql::Value],
        _types: &[ferro_sql::SqlType],
        _is_dml: bool,
    ) -> Result<crate::backend::Outcome, EngineError> {
        Self::gone()
    }

    fn execute_many(
        &mut self,
        _sql: &str,
        _param_sets: &[Vec<ferro_sql::Value>],
        _is_dml: bool,
    ) -> Result<(i64, Vec<i64>), EngineError> {
        Self::gone()
    }

    fn commit(&mut self) -> Result<(), EngineError> {
        Self::gone()
    }

    fn rollback(&mut self) -> Result<(), EngineError> {
        Self::gone()
    }

    fn in_transaction(&self) -> bool {
        false
    }

    fn set_autocommit(&mut self, _on: bool) -> Result<(), EngineError> {
        Self::gone()
    }

    fn ping(&mut self) -> bool {
        false
    }
}

impl Slot {
    pub fn lock(&self) -> MutexGuard<'_, Box<dyn Backend>> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct State {
    idle: Vec<Arc<Slot>>,
    /// Connections open: idle plus checked out (Queue semantics).
    open: usize,
    checked_out: usize,
    shared: Option<Arc<Slot>>,
    per_thread: HashMap<ThreadId, Arc<Slot>>,
    generation: u64,
}

pub struct Pool {
    opts: PoolOptions,
    factory: Factory,
    state: Mutex<State>,
    available: Condvar,
    /// Connections opened before this are stale (`invalidate_all()`, after a disconnect).
    invalidated_at: Mutex<Option<Instant>>,
}

/// A checkout; returning it to the pool happens on drop.
pub struct Checkout {
    pub slot: Arc<Slot>,
    pool: Arc<Pool>,
}

impl Checkout {
    pub fn conn(&self) -> MutexGuard<'_, Box<dyn Backend>> {
        self.slot.lock()
    }

    /// True the first time a newly opened connection is checked out.
    pub fn take_fresh(&self) -> bool {
        self.slot
            .fresh
            .swap(false, std::sync::atomic::Ordering::Relaxed)
    }

    /// Marks the connection as unusable; it is closed rather than returned.
    pub fn invalidate(&self) {
        self.slot
            .invalid
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        self.pool.checkin(&self.slot);
    }
}

impl Pool {
    pub fn new(opts: PoolOptions, factory: Factory) -> Arc<Pool> {
        Arc::new(Pool {
            opts,
            factory,
            state: Mutex::new(State {
                idle: Vec::new(),
                open: 0,
                checked_out: 0,
                shared: None,
                per_thread: HashMap::new(),
                generation: 0,
            }),
            available: Condvar::new(),
            invalidated_at: Mutex::new(None),
        })
    }

    pub fn options(&self) -> &PoolOptions {
        &self.opts
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Opens a connection for pool generation `generation` (the caller may hold the state lock).
    fn new_slot(&self, generation: u64) -> Result<Arc<Slot>, EngineError> {
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Ok(Arc::new(Slot {
            conn: Mutex::new((self.factory)()?),
            generation,
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            fresh: std::sync::atomic::AtomicBool::new(true),
            created: Instant::now(),
            invalid: Default::default(),
            fork: runtime::generation(),
        }))
    }

    fn usable(&self, slot: &Arc<Slot>) -> bool {
        if slot.spent() {
            return false;
        }
        if let Some(r) = self.opts.recycle {
            if slot.created.elapsed() >= r {
                return false;
            }
        }
        let invalidated_at = *self
            .invalidated_at
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if invalidated_at.is_some_and(|t| slot.created <= t) {
            return false;
        }
        !self.opts.pre_ping || slot.lock().ping()
    }

    pub fn checkout(self: &Arc<Self>) -> Result<Checkout, EngineError> {
        let slot = match self.opts.kind {
            PoolKind::Null => {
                let generation = self.lock().generation;
                self.new_slot(generation)?
            }
            PoolKind::Static => {
                let mut st = self.lock();
                match &st.shared {
                    Some(s) if !s.spent() => s.clone(),
                    _ => {
                        let s = self.new_slot(st.generation)?;
                        st.shared = Some(s.clone());
                        s
                    }
                }
            }
            PoolKind::SingletonThread => {
                let tid = std::thread::current().id();
                let mut st = self.lock();
                match st.per_thread.get(&tid) {
                    Some(s) if !s.spent() => s.clone(),
                    _ => {
                        let s = self.new_slot(st.generation)?;
                        st.per_thread.insert(tid, s.clone());
                        s
                    }
                }
            }
            PoolKind::Queue => self.checkout_queue()?,
        };
        Ok(self.hand_out(slot))
    }

    /// Counts `slot` checked out, as the Checkout that returns it.
    fn hand_out(self: &Arc<Self>, slot: Arc<Slot>) -> Checkout {
        self.lock().checked_out += 1;
        Checkout {
            slot,
            pool: self.clone(),
        }
    }

    /// An idle connection, when one can be handed out with no I/O (a QueuePool without
    /// `pre_ping`, its connection not stale): what an event loop may take on its own thread.
    pub fn checkout_idle(self: &Arc<Self>) -> Option<Checkout> {
        if self.opts.kind != PoolKind::Queue || self.opts.pre_ping {
            return None;
        }
        let slot = {
            let mut st = self.lock();
            let slot = st.idle.pop()?;
            if !self.usable(&slot) {
                // Stale: its replacement means connecting, left to a blocking checkout.
                st.idle.push(slot);
                return None;
            }
            slot
        };
        Some(self.hand_out(slot))
    }

    fn checkout_queue(&self) -> Result<Arc<Slot>, EngineError> {
        let deadline = Instant::now() + self.opts.timeout;
        let limit = if self.opts.max_overflow < 0 {
            usize::MAX
        } else {
            self.opts.size + self.opts.max_overflow as usize
        };
        let mut st = self.lock();
        loop {
            if let Some(slot) = st.idle.pop() {
                drop(st);
                if self.usable(&slot) {
                    return Ok(slot);
                }
                // Stale: replace it with a fresh connection in the same place.
                let fresh = self.new_slot(slot.generation);
                st = self.lock();
                match fresh {
                    Ok(s) => return Ok(s),
                    Err(e) => {
                        st.open -= 1;
                        self.available.notify_one();
                        return Err(e);
                    }
                }
            }
            if st.open < limit {
                st.open += 1;
                let generation = st.generation;
                drop(st);
                return self.new_slot(generation).inspect_err(|_| {
                    self.lock().open -= 1;
                    self.available.notify_one();
                });
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(EngineError::new(
                    ErrorKind::PoolTimeout,
                    format!(
                        "QueuePool limit of size {} overflow {} reached, connection timed out, timeout {:.2}",
                        self.opts.size,
                        self.opts.max_overflow,
                        self.opts.timeout.as_secs_f64()
                    ),
                ));
            }
            st = self
                .available
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    fn checkin(&self, slot: &Arc<Slot>) {
        let invalid = slot.invalid.load(std::sync::atomic::Ordering::Relaxed);
        if !invalid && matches!(self.opts.kind, PoolKind::Queue | PoolKind::Null) {
            // A streamed result still open ends with its connection's checkout. A shared slot
            // (Static, SingletonThread) may serve other Connections' open results: each of those
            // releases its own cursor when it goes.
            slot.lock().close_cursors();
        }
        if !invalid && self.opts.reset_on_return != ResetOnReturn::Nothing {
            let mut c = slot.lock();
            if c.in_transaction() {
                let done = match self.opts.reset_on_return {
                    ResetOnReturn::Commit => c.commit(),
                    _ => c.rollback(),
                };
                if done.is_err() {
                    slot.invalid
                        .store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
        }
        let mut st = self.lock();
        if slot.generation != st.generation {
            // Checked out before dispose(): it belongs to the pool dispose() replaced, which
            // keeps no count of it; it closes here.
            return;
        }
        st.checked_out = st.checked_out.saturating_sub(1);
        if self.opts.kind == PoolKind::Queue {
            // An invalidated connection keeps its place, as SQLAlchemy's connection record does:
            // the checkout that finds it opens a new one (`usable()` is false).
            if st.idle.len() >= self.opts.size {
                // Overflow connections close on return.
                st.open -= 1;
            } else {
                st.idle.push(slot.clone());
            }
            self.available.notify_one();
        }
    }

    /// Every connection open now is replaced at its next checkout, as SQLAlchemy's pool does
    /// after a disconnect (`invalidate_pool_on_disconnect`): the server that dropped one most
    /// likely dropped them all.
    pub fn invalidate_all(&self) {
        *self
            .invalidated_at
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
    }

    /// Closes idle connections and starts afresh, as SQLAlchemy's `dispose()` replaces the pool
    /// with a new one: connections checked out now close when returned, uncounted.
    pub fn dispose(&self) {
        let dropped = {
            let mut st = self.lock();
            st.generation += 1;
            st.open = 0;
            st.checked_out = 0;
            let mut dropped: Vec<Arc<Slot>> = std::mem::take(&mut st.idle);
            dropped.extend(st.shared.take());
            dropped.extend(st.per_thread.drain().map(|(_, s)| s));
            self.available.notify_all();
            dropped
        };
        // Closing talks to the server: outside the state lock.
        drop(dropped);
    }

    pub fn size(&self) -> usize {
        self.opts.size
    }

    /// Ids of the connections the pool holds open while nobody has them checked out (the ones
    /// `dispose()` closes; a checked-in id missing here was closed on return).
    pub fn idle_ids(&self) -> Vec<u64> {
        let st = self.lock();
        match self.opts.kind {
            PoolKind::Queue => st.idle.iter().map(|s| s.id).collect(),
            PoolKind::Null => Vec::new(),
            PoolKind::Static => st.shared.iter().map(|s| s.id).collect(),
            PoolKind::SingletonThread => st.per_thread.values().map(|s| s.id).collect(),
        }
    }

    pub fn checked_out(&self) -> usize {
        self.lock().checked_out
    }

    pub fn checked_in(&self) -> usize {
        self.lock().idle.len()
    }

    /// Connections beyond pool_size currently open (negative while below size, as SQLAlchemy counts).
    pub fn overflow(&self) -> i64 {
        self.lock().open as i64 - self.opts.size as i64
    }
}
