//! The conformance suite on MariaDB (a throwaway server left at its latin1 defaults, or the
//! one `WFVIS_TEST_MARIADB_URL` names): one database for the whole binary, a namespace per case.

#![cfg(feature = "mysql")]

#[macro_use]
mod conformance;
// The harness re-exports helpers only some binaries use.
#[allow(unused_imports)]
mod support;

use std::sync::Arc;

use workflow_visibility::store::mysql::{MysqlOptions, MysqlStore};

conformance_suite!(async || {
    let url = support::databases::mariadb().shared_database().to_owned();
    let options = MysqlOptions::from_url(&url).expect("parse the MariaDB test URL");
    MysqlStore::setup_schema(options.clone(), None)
        .await
        .expect("set up the MySQL-family schema on MariaDB");
    Arc::new(
        MysqlStore::open(options)
            .await
            .expect("open the MySQL store on MariaDB"),
    )
});
