//! Errors of starting and reaching a throwaway server.

use std::path::PathBuf;

/// Why a server could not be provided.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error(
        "no PostgreSQL server binaries found{}; {}, or pass --pg-bin DIR (or set PG_BIN) to the folder \
         holding `postgres` and `initdb`",
        wanted.map(|m| format!(" for major {m}")).unwrap_or_default(),
        match wanted {
            Some(m) if crate::INSTALLABLE_MAJORS.contains(m) => format!("run `cargo xtask pg-install --pg {m}`"),
            _ => "install them (e.g. Debian's postgresql package, or `cargo xtask pg-install --pg 17`)".to_owned(),
        }
    )]
    BinariesNotFound { wanted: Option<u32> },
    #[error("{} does not hold PostgreSQL server binaries (`postgres` and `initdb`)", dir.display())]
    NotServerBinaries { dir: PathBuf },
    #[error("could not run {}", program.display())]
    Spawn {
        program: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} failed ({status}):\n{output}", program.display())]
    CommandFailed {
        program: PathBuf,
        status: String,
        output: String,
    },
    #[error("could not read the version printed by {}: {output:?}", program.display())]
    Version { program: PathBuf, output: String },
    #[error(
        "running as root, but no unprivileged user to run PostgreSQL as (tried {tried}); create one or set MIGTEST_PG_USER"
    )]
    NoUnprivilegedUser { tried: String },
    #[error(
        "PostgreSQL runs as the unprivileged user {user}, which cannot enter {} (mode {mode:o}); \
         point TMPDIR at a folder it can enter (e.g. /tmp)",
        path.display()
    )]
    Unreachable {
        path: PathBuf,
        user: String,
        mode: u32,
    },
    #[error("could not prepare the server's directory {}", path.display())]
    Directory {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the server exited during start-up ({status}); its last log lines:\n{log_tail}")]
    ExitedDuringStart { status: String, log_tail: String },
    #[error(
        "the server did not accept connections within {seconds} s; its last log lines:\n{log_tail}"
    )]
    NotReady {
        seconds: u64,
        log_tail: String,
        #[source]
        source: Option<sqlx::Error>,
    },
    #[error("could not install PostgreSQL {major}: {message}")]
    Install { major: u32, message: String },
    #[error("could not connect to {url}")]
    Url {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error(
        "database {database} holds {tables} user table(s): --database-url should point at a scratch server; \
         migtest only creates and drops its own database there, but pass --i-know-this-is-a-scratch-server \
         if this is really a server for tests"
    )]
    NotScratch { database: String, tables: i64 },
    #[error("could not create the scratch database {database}")]
    CreateDatabase {
        database: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("could not query the server")]
    Query(#[source] sqlx::Error),
    #[error(
        "no Docker engine answers at {host} ({source}); start one (e.g. `sudo systemctl start docker`) or use --backend native"
    )]
    DockerUnavailable {
        host: String,
        #[source]
        source: testcontainers::bollard::errors::Error,
    },
    #[error("the Docker engine failed while {doing}")]
    Docker {
        doing: String,
        #[source]
        source: testcontainers::bollard::errors::Error,
    },
    #[error(
        "{wanted} is present on this Docker engine{}; build one locally with `cargo xtask pg-image --pg {major}`{}",
        pull_error.as_ref().map(|e| format!(" and pulling failed ({e})")).unwrap_or_default(),
        if *explicit { format!(" and pass --image {}", crate::local_image(*major)) } else { String::new() }
    )]
    ImageMissing {
        wanted: String,
        pull_error: Option<String>,
        major: u32,
        explicit: bool,
    },
    #[error("could not start a container of {image}")]
    Container {
        image: String,
        #[source]
        source: testcontainers::TestcontainersError,
    },
    #[error("the container of {image} exited during start-up; its last log lines:\n{log_tail}")]
    ContainerExited { image: String, log_tail: String },
    #[error("the container of {image} did not report ready within {seconds} s")]
    ContainerNotReady { image: String, seconds: u64 },
    #[error(
        "the container of {image} reported ready, but {address} (its port 5432) did not accept connections within {seconds} s"
    )]
    PortUnreachable {
        image: String,
        address: String,
        seconds: u64,
        #[source]
        source: sqlx::Error,
    },
    #[error("could not build the image {tag}")]
    ImageBuild {
        tag: String,
        #[source]
        source: Box<PgError>,
    },
    #[error("{message}")]
    ImageLayout { message: String },
    #[error("could not add {} to the image", path.display())]
    ImageFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
