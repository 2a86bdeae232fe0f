//! A throwaway PostgreSQL server for the integration tests, owned by a guard that stops it and
//! deletes its directory when dropped, also when a test panics.
//!
//! The server binaries come from `MIGTEST_PG_BIN` when set (to try another major), otherwise from
//! Debian's PostgreSQL 15. A test that cannot start a server fails and says why: it never skips.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, Connection, PgConnection};

const DEFAULT_BIN: &str = "/usr/lib/postgresql/15/bin";

/// The server refuses to run as root; as root everything it touches runs as this user.
const SERVER_USER: &str = "postgres";

#[derive(Debug)]
pub struct Server {
    dir: PathBuf,
    bin: PathBuf,
    as_server_user: bool,
    child: Option<Child>,
}

impl Server {
    /// Initialises a cluster in a new temporary directory and starts it, listening on a Unix
    /// socket in that directory only.
    pub async fn start() -> Server {
        let bin = std::env::var_os("MIGTEST_PG_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_BIN));
        assert!(
            bin.join("postgres").is_file(),
            "no PostgreSQL server binary in {} (set MIGTEST_PG_BIN to a bin directory)",
            bin.display()
        );
        let as_server_user = is_root();
        let created = run(
            as_server_user,
            Command::new("mktemp").args(["-d", "-t", "migtest-schema-XXXXXXXX"]),
        )
        .unwrap_or_else(|reason| panic!("cannot create a temporary directory: {reason}"));
        let dir = PathBuf::from(String::from_utf8_lossy(&created.stdout).trim());
        // From here on the guard owns the directory, so a failure below still removes it.
        let mut server = Server {
            dir,
            bin,
            as_server_user,
            child: None,
        };

        let data = server.data_dir();
        if let Err(reason) = run(
            as_server_user,
            Command::new(server.bin.join("initdb"))
                .arg("-D")
                .arg(&data)
                .args(["-A", "trust", "--no-sync", "-U", "postgres", "-E", "UTF8"])
                .args(["--locale", "C"]),
        ) {
            panic!("initdb failed: {reason}");
        }

        let log = File::create(server.log_path()).expect("the server log file can be created");
        let log_err = log.try_clone().expect("the log file handle can be cloned");
        let mut command = wrap(as_server_user, &server.bin.join("postgres"));
        command
            .arg("-D")
            .arg(&data)
            .arg("-k")
            .arg(&server.dir)
            .args(["-c", "listen_addresses="])
            .args(["-c", "fsync=off"])
            .args(["-c", "full_page_writes=off"])
            .args(["-c", "synchronous_commit=off"])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        server.child = Some(
            command
                .spawn()
                .unwrap_or_else(|error| panic!("cannot start postgres: {error}")),
        );

        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match PgConnection::connect_with(&server.options("postgres")).await {
                Ok(conn) => {
                    drop(conn.close().await);
                    return server;
                }
                Err(error) => {
                    let exited = server
                        .child
                        .as_mut()
                        .and_then(|child| child.try_wait().ok().flatten());
                    if let Some(status) = exited {
                        panic!(
                            "postgres exited with {status} before accepting connections:\n{}",
                            server.log()
                        );
                    }
                    if Instant::now() > deadline {
                        panic!(
                            "postgres did not accept connections within 30 s ({error}):\n{}",
                            server.log()
                        );
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    }

    pub fn options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.dir)
            .username("postgres")
            .database(database)
    }

    pub async fn connect(&self, database: &str) -> PgConnection {
        PgConnection::connect_with(&self.options(database))
            .await
            .unwrap_or_else(|error| panic!("cannot connect to database {database}: {error}"))
    }

    /// A new, empty database made from `template0`, so nothing a test did elsewhere leaks in.
    pub async fn create_database(&self, name: &str) -> PgConnection {
        let mut admin = self.connect("postgres").await;
        sqlx::raw_sql(AssertSqlSafe(format!(
            "CREATE DATABASE \"{name}\" TEMPLATE template0"
        )))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|error| panic!("cannot create database {name}: {error}"));
        drop(admin.close().await);
        self.connect(name).await
    }

    /// `server_version_num`, e.g. `150014`.
    pub async fn version_num(&self) -> i32 {
        let mut conn = self.connect("postgres").await;
        let version = sqlx::query_scalar("SELECT current_setting('server_version_num')::int4")
            .fetch_one(&mut conn)
            .await
            .unwrap_or_else(|error| panic!("cannot read the server version: {error}"));
        drop(conn.close().await);
        version
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn log_path(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // An immediate stop: the cluster is thrown away, so there is nothing to flush.
            let stopped = run(
                self.as_server_user,
                Command::new(self.bin.join("pg_ctl"))
                    .arg("-D")
                    .arg(self.data_dir())
                    .args(["stop", "-m", "immediate", "-w", "-t", "30"]),
            );
            if stopped.is_err() {
                drop(child.kill());
            }
            drop(child.wait());
        }
        drop(std::fs::remove_dir_all(&self.dir));
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A command for `program`, run as the server user when we are root.
fn wrap(as_server_user: bool, program: &Path) -> Command {
    if as_server_user {
        let mut command = Command::new("runuser");
        command.args(["-u", SERVER_USER, "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

/// Runs a prepared command to completion (as the server user when we are root), failing with
/// its output when it does not succeed.
fn run(as_server_user: bool, command: &mut Command) -> Result<Output, String> {
    let mut actual = wrap(as_server_user, Path::new(command.get_program()));
    actual.args(command.get_args());
    let output = actual
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run {:?}: {error}", command.get_program()))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "{:?} exited with {}:\n{}{}",
            command.get_program(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}
