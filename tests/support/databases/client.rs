//! Admin SQL through the servers' own command-line clients (`psql`, `mariadb`), so the harness
//! needs no Rust database driver.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

use super::Engine;
use super::host;

/// How to reach one server as its admin user with the command-line client. Deliberately not
/// `Debug`: its environment holds the password.
#[derive(Clone)]
pub(super) struct AdminClient {
    engine: Engine,
    program: PathBuf,
    /// Connection options (host, port, user, TLS), without the database and the SQL.
    connection: Vec<OsString>,
    /// Environment for the client: the password travels here, never on a command line.
    env: Vec<(String, String)>,
    /// The database PostgreSQL connects to when none is named (MariaDB needs none).
    maintenance_database: Option<String>,
}

/// Where and as whom a client connects.
pub(super) struct Login<'a> {
    /// Host name or address; for MariaDB a leading '/' means a Unix socket.
    pub host: &'a str,
    /// TCP port.
    pub port: u16,
    /// Admin user name.
    pub user: &'a str,
    /// Password, passed to the client through its environment.
    pub password: Option<&'a str>,
}

impl AdminClient {
    /// A `psql` client; `tls_env` carries libpq settings such as `PGSSLMODE`.
    pub(super) fn postgres(
        program: PathBuf,
        login: &Login<'_>,
        maintenance_database: &str,
        tls_env: Vec<(String, String)>,
    ) -> AdminClient {
        let connection = [
            "-h",
            login.host,
            "-p",
            &login.port.to_string(),
            "-U",
            login.user,
        ]
        .map(OsString::from)
        .to_vec();
        let mut env = tls_env;
        env.push(("PGCONNECT_TIMEOUT".into(), "10".into()));
        if let Some(password) = login.password {
            env.push(("PGPASSWORD".into(), password.into()));
        }
        AdminClient {
            engine: Engine::Postgres,
            program,
            connection,
            env,
            maintenance_database: Some(maintenance_database.into()),
        }
    }

    /// A `mariadb` client over TCP; `tls_args` are client options such as `--ssl-ca=…`.
    pub(super) fn mariadb(
        program: PathBuf,
        login: &Login<'_>,
        tls_args: Vec<String>,
    ) -> AdminClient {
        // A host starting with '/' is a Unix socket directory or path; anything else must use TCP
        // even when it is spelled "localhost", which the client would otherwise map to a socket.
        let mut connection: Vec<OsString> = if login.host.starts_with('/') {
            vec!["--socket".into(), login.host.into()]
        } else {
            [
                "--protocol=TCP",
                "-h",
                login.host,
                "-P",
                &login.port.to_string(),
            ]
            .map(OsString::from)
            .to_vec()
        };
        connection.extend(["-u".into(), login.user.into()]);
        connection.extend(tls_args.into_iter().map(OsString::from));
        let env = login
            .password
            .map(|password| vec![("MYSQL_PWD".to_string(), password.to_string())])
            .unwrap_or_default();
        AdminClient {
            engine: Engine::MariaDb,
            program,
            connection,
            env,
            maintenance_database: None,
        }
    }

    /// The client's command line up to (not including) the SQL, connected to `database`, or
    /// to the maintenance database when `None`. Output is tab-separated rows without headers.
    pub(super) fn argv(&self, database: Option<&str>) -> Vec<OsString> {
        let mut argv: Vec<OsString> = vec![self.program.clone().into()];
        match self.engine {
            Engine::Postgres => {
                argv.extend(
                    ["-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1"]
                        .map(OsString::from),
                );
                argv.extend(self.connection.iter().cloned());
                if let Some(database) = database.or(self.maintenance_database.as_deref()) {
                    argv.extend(["-d".into(), database.into()]);
                }
            }
            Engine::MariaDb => {
                // --no-defaults must come first; it keeps ~/.my.cnf and /etc/mysql out of the way.
                argv.extend(
                    ["--no-defaults", "-N", "-B", "--connect-timeout=10"].map(OsString::from),
                );
                argv.extend(self.connection.iter().cloned());
                if let Some(database) = database {
                    argv.push(format!("--database={database}").into());
                }
            }
        }
        argv
    }

    /// The environment the client needs (password, TLS settings).
    pub(super) fn env(&self) -> &[(String, String)] {
        &self.env
    }

    /// Runs `sql` and returns its output with the trailing newline removed.
    pub(super) fn run(&self, database: Option<&str>, sql: &str) -> Result<String, String> {
        let argv = self.argv(database);
        let mut command = Command::new(&argv[0]);
        command.args(&argv[1..]);
        command.arg(match self.engine {
            Engine::Postgres => "-c",
            Engine::MariaDb => "-e",
        });
        command.arg(sql);
        host::isolate_client_env(&mut command);
        command.envs(self.env.iter().map(|(key, value)| (key, value)));
        let output = host::run(&mut command, &format!("{} `{sql}`", self.engine.name()))?;
        Ok(output.trim_end_matches('\n').to_owned())
    }
}
