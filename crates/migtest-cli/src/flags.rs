//! Every flag of `migrate-test`, in one place.

use std::path::PathBuf;

use clap::ValueEnum;

const MIGRATE_TEST_AFTER_HELP: &str = "\
What it checks, for each migration in version order, on a throwaway PostgreSQL:
  up         the up migration applies (through sqlx's Migrate trait, exactly as sqlx::migrate!() does)
  down       the down migration applies (a migration without a down is a finding, see --allow-irreversible)
  roundtrip  the schema after the down equals the schema before the up
  redo       the up applies again after the down and gives the same schema as the first time
then the smoke evals (sqllogictest .slt files) against the fully migrated database.

When every migration round-trips exactly, reverting them all in a row cannot fail on the schema,
so the ladder is opt-in (--ladder): it rehearses a release rollback from head to the bottom and
back, and catches downs that depend on data or on each other.

Exit status:
  0  every check passed
  1  at least one finding (a migration or smoke eval failed a check)
  2  the tool could not run (bad flags, no PostgreSQL binaries, unusable migration folder)
  130  interrupted (Ctrl-C or SIGTERM); the server and its files were removed

Examples:
  cargo xtask migrate-test
  cargo xtask migrate-test --source db/migrations --ladder
  cargo xtask migrate-test --format json > report.json
  cargo xtask migrate-test --format github     # annotations in GitHub Actions
  cargo xtask migrate-test --keep               # leave the server running to poke at it
  cargo xtask migrate-test --pg 14,15,16,17,18  # a version matrix, majors in parallel
  cargo xtask migrate-test --pg all --format junit > migtest.xml

Other majors: `cargo xtask pg-install --pg 14,16,17,18` fetches server binaries into migtest's cache.";

/// Test every migration up, down and up again on a throwaway PostgreSQL, then run the smoke evals.
#[derive(Debug, clap::Args)]
#[command(after_long_help = MIGRATE_TEST_AFTER_HELP)]
pub struct MigrateTest {
    /// The migration folder (sqlx layout: <VERSION>_<name>.sql or .up.sql/.down.sql pairs)
    /// [default: migrations/ of this workspace]
    #[arg(long, value_name = "DIR")]
    pub source: Option<PathBuf>,

    /// The folder of smoke evals (*.slt, sqllogictest format) run at head
    /// [default: tests/smoke/ of this workspace, when it exists]
    #[arg(long, value_name = "DIR", conflicts_with = "no_smoke")]
    pub smoke: Option<PathBuf>,

    /// Run no smoke evals
    #[arg(long)]
    pub no_smoke: bool,

    /// Also revert every migration in reverse order and re-apply them all, comparing schemas
    #[arg(long)]
    pub ladder: bool,

    /// Report simple migrations (no down) as notes instead of findings
    #[arg(long)]
    pub allow_irreversible: bool,

    /// Leave the server running at the end and print how to connect to it
    #[arg(long)]
    pub keep: bool,

    /// The folder holding the PostgreSQL server binaries (postgres, initdb)
    /// [default: discovered: pg_config --bindir, /usr/lib/postgresql/*/bin]
    #[arg(long, value_name = "DIR", env = "PG_BIN")]
    pub pg_bin: Option<PathBuf>,

    /// The PostgreSQL majors to test on, separated by commas, or `all` for every major found;
    /// several majors run as a version matrix [default: the newest major found]
    #[arg(long, value_name = "MAJORS", value_delimiter = ',')]
    pub pg: Vec<String>,

    /// How many majors of a matrix run at once [default: the number of cores]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Run against an existing server instead of starting one: the run creates a scratch
    /// database with a random name there and drops it at the end (never DATABASE_URL: that is
    /// usually a database you care about)
    #[arg(long, value_name = "URL", env = "MIGTEST_DATABASE_URL", hide_env_values = true, conflicts_with_all = ["pg", "pg_bin"])]
    pub database_url: Option<String>,

    /// With --database-url: accept a database that already holds tables
    #[arg(long, requires = "database_url")]
    pub i_know_this_is_a_scratch_server: bool,

    /// sqlx's bookkeeping table, if the project changed it
    #[arg(long, value_name = "NAME", default_value = "_sqlx_migrations")]
    pub table: String,

    /// Output format on stdout
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable summary, findings with diffs
    Human,
    /// The versioned JSON report (docs/report-format.md)
    Json,
    /// JUnit XML, one test case per check
    Junit,
    /// GitHub Actions annotations, one per finding
    Github,
}
