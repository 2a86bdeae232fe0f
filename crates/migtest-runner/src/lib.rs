//! The engine: load the migrations, start a throwaway server, walk every migration up, down
//! and up again comparing schema snapshots, optionally run the ladder, run the smoke evals,
//! and return a [`RunReport`]. Progress goes to a [`Listener`]; nothing is printed here.
//!
//! A failing migration is a finding in the report; `Err` means the tool could not do its job.

mod engine;
mod matrix;
mod messages;

use std::path::PathBuf;

pub use engine::run;
pub use matrix::{MatrixOutcome, run_matrix};
pub use migtest_migrations::{Layout, detect as detect_layout};
pub use migtest_pg::{self as pg, Backend, KeptServer, NativeOptions, UrlOptions};
pub use migtest_report::{Listener, NullListener, RunReport};
pub use migtest_schema::{IgnorePatternError, IgnoreRules};

/// The bookkeeping table sqlx uses by default.
pub const SQLX_MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// Everything a run needs, resolved from flags by the caller.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The migration folder.
    pub source: PathBuf,
    pub backend: Backend,
    /// The folder of `.slt` smoke evals; `None` runs none.
    pub smoke_dir: Option<PathBuf>,
    /// Also revert every migration and re-apply them all.
    pub ladder: bool,
    /// A migration without a down is a note instead of a finding.
    pub allow_irreversible: bool,
    /// Leave the server running at the end.
    pub keep: bool,
    /// sqlx's bookkeeping table, as given to `Migrator::dangerous_set_table_name`.
    pub bookkeeping_table: String,
    /// Schema differences that are not findings ([`IgnoreRules`] patterns); a note counts what
    /// they hid.
    pub ignore: Vec<String>,
    /// The layout of the migration folder; `None` recognises it from the files.
    pub layout: Option<Layout>,
    /// Take the `-- Down:` comments of an irreversible migration as its down.
    pub down_from_comments: bool,
}

impl RunConfig {
    /// The defaults of `cargo xtask migrate-test` for a migration folder.
    pub fn new(source: impl Into<PathBuf>) -> Self {
        RunConfig {
            source: source.into(),
            backend: Backend::Native(NativeOptions::default()),
            smoke_dir: None,
            ladder: false,
            allow_irreversible: false,
            keep: false,
            bookkeeping_table: SQLX_MIGRATIONS_TABLE.to_owned(),
            ignore: Vec::new(),
            layout: None,
            down_from_comments: false,
        }
    }
}

/// The report, and the server when it was kept.
#[derive(Debug)]
pub struct RunOutcome {
    pub report: RunReport,
    pub kept: Option<KeptServer>,
}

/// Why a run could not be completed: the tool's failure, not the migrations'.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Load(#[from] migtest_migrations::LoadError),
    #[error("could not get a PostgreSQL server")]
    Server(#[from] migtest_pg::PgError),
    #[error("lost the connection to PostgreSQL while {doing}")]
    Connection {
        doing: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("could not capture a schema snapshot {when}")]
    Snapshot {
        when: String,
        #[source]
        source: migtest_schema::SnapshotError,
    },
    #[error("could not prepare sqlx's bookkeeping table {table}")]
    Bookkeeping {
        table: String,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    #[error(transparent)]
    Smoke(#[from] migtest_smoke::SmokeError),
    #[error(transparent)]
    Ignore(#[from] IgnorePatternError),
}
