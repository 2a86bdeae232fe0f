//! The `migrate-test` command line, as a library: any workspace's xtask gets the same command
//! by calling [`main`] (or by embedding [`MigrateTest`] in its own clap enum and calling
//! [`migrate_test`]).
//!
//! ```no_run
//! // xtask/src/main.rs of another workspace
//! fn main() -> std::process::ExitCode {
//!     migtest_cli::main(env!("CARGO_MANIFEST_DIR"))
//! }
//! ```

mod flags;
mod migrate_new;
mod migrate_test;
mod pg_image;
mod pg_install;
mod progress;

use std::path::{Path, PathBuf};

use clap::Parser;

pub use flags::{Format, MigrateTest};
pub use migrate_new::{MigrateNew, migrate_new};
pub use migrate_test::{interrupted, migrate_test};
pub use migtest_report::ExitCode;
pub use pg_image::PgImage;
pub use pg_install::PgInstall;

/// Where a workspace keeps its migrations and smoke evals.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The workspace root.
    pub root: PathBuf,
    /// The migration folder, relative to the root.
    pub migrations: PathBuf,
    /// The smoke eval folder, relative to the root.
    pub smoke: PathBuf,
}

impl Workspace {
    /// The layout of a cargo-xtask workspace: the root is the parent of the xtask package
    /// (`CARGO_MANIFEST_DIR`), migrations in `migrations/`, smoke evals in `tests/smoke/`.
    pub fn from_xtask_manifest_dir(manifest_dir: impl AsRef<Path>) -> Self {
        let manifest_dir = manifest_dir.as_ref();
        let root = manifest_dir
            .parent()
            .map(Path::to_owned)
            .unwrap_or_else(|| manifest_dir.to_owned());
        Workspace {
            root,
            migrations: PathBuf::from("migrations"),
            smoke: PathBuf::from("tests/smoke"),
        }
    }

    /// A path of the workspace, relative when we run from the root so reports read
    /// `migrations/...` rather than a machine's absolute path.
    pub(crate) fn path(&self, relative: &Path) -> PathBuf {
        match std::env::current_dir() {
            Ok(cwd) if cwd == self.root => relative.to_owned(),
            _ => self.root.join(relative),
        }
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Test PostgreSQL migrations up, down and up again",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Every migtest command; flatten it into an xtask's own clap enum to offer them all.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    MigrateTest(MigrateTest),
    MigrateNew(MigrateNew),
    PgInstall(PgInstall),
    PgImage(PgImage),
}

/// Runs one migtest command.
pub fn run_command(command: Command, workspace: &Workspace) -> ExitCode {
    match command {
        Command::MigrateTest(flags) => migrate_test(flags, workspace),
        Command::MigrateNew(flags) => migrate_new(flags, workspace),
        Command::PgInstall(flags) => pg_install::pg_install(flags),
        Command::PgImage(flags) => pg_image::pg_image(flags),
    }
}

/// Parses `cargo xtask migrate-test ...` from the process arguments, runs it, and returns the
/// exit code. `manifest_dir` is the xtask package's `CARGO_MANIFEST_DIR`.
pub fn main(manifest_dir: &str) -> std::process::ExitCode {
    let workspace = Workspace::from_xtask_manifest_dir(manifest_dir);
    exit(run_command(Cli::parse().command, &workspace))
}

/// Converts an [`ExitCode`] for `main`.
pub fn exit(code: ExitCode) -> std::process::ExitCode {
    std::process::ExitCode::from(u8::try_from(code.code()).unwrap_or(2))
}
