//! The conformance suite on a real MySQL 8 server, when `WFVIS_TEST_MYSQL_URL` names one
//! (`mysql://USER:PASSWORD@HOST:PORT/DATABASE`; the database is created if the user may, and
//! keeps the schema between runs: every run works in fresh namespaces). Without the variable
//! the binary prints one skip line and every case passes without running: no MySQL 8 server
//! can be installed where this crate is developed, and no fake of one stands in for it.

#![cfg(feature = "mysql")]

#[macro_use]
mod conformance;
mod mysql_family;
// The harness re-exports helpers only some binaries use.
#[allow(unused_imports)]
mod support;

use std::sync::Arc;

use workflow_visibility::VisibilityManager;
use workflow_visibility::store::mysql::{MysqlOptions, MysqlStore, ServerFlavor};

conformance_suite!(optional async || {
    let url = mysql_family::mysql8_url()?;
    let options = MysqlOptions::from_url(&url).expect("parse WFVIS_TEST_MYSQL_URL");
    MysqlStore::setup_schema(options.clone(), None)
        .await
        .expect("set up the schema on the MySQL 8 server");
    let store = MysqlStore::open(options)
        .await
        .expect("open the MySQL store on the MySQL 8 server");
    assert_eq!(
        store.server().flavor,
        ServerFlavor::MySql,
        "WFVIS_TEST_MYSQL_URL points at {}, not MySQL",
        store.server().version_string
    );
    Some(Arc::new(store) as Arc<dyn VisibilityManager>)
});
