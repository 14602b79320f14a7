//! The conformance suite on SQLite, twice: on one shared in-memory store, and on database
//! files (file stores write through their own dedicated connection, memory stores through
//! their pool). Each case uses a namespace of its own.

#![cfg(feature = "sqlite")]

#[macro_use]
mod conformance;

mod memory {
    use std::sync::Arc;

    use workflow_visibility::store::sqlite::SqliteStore;

    conformance_suite!(async || {
        Arc::new(
            SqliteStore::connect("sqlite::memory:")
                .await
                .expect("open an in-memory SQLite store"),
        )
    });
}

mod file {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, LazyLock};

    use workflow_visibility::store::sqlite::{SqliteOptions, SqliteStore};

    /// The database files' directory, removed when the test binary exits.
    static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
        let dir = tempfile::tempdir()
            .expect("create a temporary directory")
            .keep();
        // SAFETY: registering a plain extern "C" function with atexit has no preconditions.
        unsafe { libc::atexit(remove_dir) };
        dir
    });

    extern "C" fn remove_dir() {
        let _ = std::fs::remove_dir_all(&*DIR);
    }

    static FILES: AtomicUsize = AtomicUsize::new(0);

    conformance_suite!(async || {
        let n = FILES.fetch_add(1, Ordering::Relaxed);
        let options = SqliteOptions::file(DIR.join(format!("conformance-{n}.db")));
        Arc::new(
            SqliteStore::setup(options)
                .await
                .expect("create a SQLite database file"),
        )
    });
}
