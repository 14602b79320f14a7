//! Where a SQL store runs its write transactions: its connection pool, or one connection the
//! store owns.
//!
//! SQLite admits one writer at a time, so a file store writes through a single dedicated
//! connection. A pool of one would do the same job at a price paid on every write: sqlx pings
//! a connection coming back to its pool (one more round trip to SQLite's worker thread) from a
//! freshly spawned task, and the next write waits for both.

use std::ops::{Deref, DerefMut};
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::{ConnectOptions, Connection, Database, Pool};
use tokio::sync::{Mutex, MutexGuard};

/// A store's source of write connections.
pub(crate) enum Writer<DB: Database> {
    /// Writes check connections out of a pool (engines that run concurrent writers).
    Pool(Pool<DB>),
    /// Writes take turns on one connection, reopened when needed after a discard.
    Dedicated(Dedicated<DB>),
}

/// One connection and what it takes to (re)open it.
pub(crate) struct Dedicated<DB: Database> {
    connect: <DB::Connection as Connection>::Options,
    /// How long a write waits for its turn before failing, like a pool's acquire timeout.
    wait: Duration,
    slot: Mutex<Slot<DB>>,
}

struct Slot<DB: Database> {
    conn: Option<DB::Connection>,
    closed: bool,
}

impl<DB: Database> Writer<DB> {
    /// A writer over `conn`, which was opened with `connect` (used again to replace it after
    /// a discard).
    pub(crate) fn dedicated(
        conn: DB::Connection,
        connect: <DB::Connection as Connection>::Options,
        wait: Duration,
    ) -> Self {
        Writer::Dedicated(Dedicated {
            connect,
            wait,
            slot: Mutex::new(Slot {
                conn: Some(conn),
                closed: false,
            }),
        })
    }

    /// A connection for one write. Errors as a pool's `acquire` would give them: the wait
    /// timed out (`PoolTimedOut`), the writer is closed (`PoolClosed`), or connecting failed.
    pub(crate) async fn acquire(&self) -> Result<WriterConnection<'_, DB>, sqlx::Error> {
        let held = match self {
            Writer::Pool(pool) => Held::Pooled(pool.acquire().await?),
            Writer::Dedicated(d) => {
                let mut slot = tokio::time::timeout(d.wait, d.slot.lock())
                    .await
                    .map_err(|_| sqlx::Error::PoolTimedOut)?;
                if slot.closed {
                    return Err(sqlx::Error::PoolClosed);
                }
                if slot.conn.is_none() {
                    slot.conn = Some(d.connect.connect().await?);
                }
                Held::Dedicated(slot)
            }
        };
        Ok(WriterConnection {
            held,
            discard_on_drop: false,
        })
    }

    /// Closes the writer; a write in progress finishes first.
    pub(crate) async fn close(&self) {
        match self {
            Writer::Pool(pool) => pool.close().await,
            Writer::Dedicated(d) => {
                let mut slot = d.slot.lock().await;
                slot.closed = true;
                if let Some(conn) = slot.conn.take() {
                    // Closing is best effort: the connection is gone either way.
                    let _ = conn.close().await;
                }
            }
        }
    }
}

impl<DB: Database> std::fmt::Debug for Writer<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Connect options can hold credentials: never print them.
        match self {
            Writer::Pool(_) => f.write_str("Writer::Pool"),
            Writer::Dedicated(_) => f.write_str("Writer::Dedicated"),
        }
    }
}

enum Held<'a, DB: Database> {
    Pooled(PoolConnection<DB>),
    Dedicated(MutexGuard<'a, Slot<DB>>),
}

/// A connection checked out for one write; dereferences to the driver's connection.
pub(crate) struct WriterConnection<'a, DB: Database> {
    held: Held<'a, DB>,
    discard_on_drop: bool,
}

impl<DB: Database> WriterConnection<'_, DB> {
    /// While set, dropping this connection closes it instead of handing it to the next write.
    /// Set it around a transaction the driver opened with its own `BEGIN` (sqlx does not know
    /// about it and would not roll it back): a connection left inside a transaction that was cut
    /// off, or whose rollback failed, must never serve another write.
    pub(crate) fn discard_on_drop(&mut self, discard: bool) {
        self.discard_on_drop = discard;
    }
}

impl<DB: Database> Deref for WriterConnection<'_, DB> {
    type Target = DB::Connection;

    fn deref(&self) -> &DB::Connection {
        match &self.held {
            Held::Pooled(c) => c,
            Held::Dedicated(slot) => slot
                .conn
                .as_ref()
                .expect("a checked-out dedicated writer holds its connection"),
        }
    }
}

impl<DB: Database> DerefMut for WriterConnection<'_, DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        match &mut self.held {
            Held::Pooled(c) => c,
            Held::Dedicated(slot) => slot
                .conn
                .as_mut()
                .expect("a checked-out dedicated writer holds its connection"),
        }
    }
}

impl<DB: Database> Drop for WriterConnection<'_, DB> {
    fn drop(&mut self) {
        if !self.discard_on_drop {
            return;
        }
        match &mut self.held {
            Held::Pooled(c) => c.close_on_drop(),
            // Dropping a connection closes it; the engine rolls back what it left open. The
            // next write opens a fresh one.
            Held::Dedicated(slot) => drop(slot.conn.take()),
        }
    }
}
