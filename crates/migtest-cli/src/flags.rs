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

What the schema comparison covers: every object and property PostgreSQL can hold in the database
(tables, columns and their order, partitions, constraints, indexes, functions, types, triggers,
policies, privileges, owners, comments, extensions, publications, database settings, ...) and the
cluster-wide roles, tablespaces and parameter privileges; never data, sequence values or statistics.
--ignore PATTERN leaves differences out of the findings (repeatable; a note counts them):
  kind:KIND          every object of a kind, e.g. kind:statistics, kind:role, kind:event_trigger
  KIND:NAME          one object and what belongs to it, e.g. table:public.job_queue (its indexes,
                     constraints, triggers, sequences, partitions too), schema:audit (all in it)
  anything else      a glob (* and ?) on `<kind> <name>` as the report prints it,
                     e.g. 'index public.tmp_*', 'constraint * on public.job_queue'

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
  cargo xtask migrate-test --source db/migrations --layout goose   # another tool's folder (default: recognised)
  cargo xtask migrate-test --backend docker    # in a container on the Docker engine

Other majors: `cargo xtask pg-install --pg 14,16,17,18` fetches server binaries into migtest's cache.
Containers without a registry: `cargo xtask pg-image --pg 17` builds migtest/postgres:17 from them.";

/// Test every migration up, down and up again on a throwaway PostgreSQL, then run the smoke evals.
#[derive(Debug, clap::Args)]
#[command(after_long_help = MIGRATE_TEST_AFTER_HELP)]
pub struct MigrateTest {
    /// The migration folder, in any layout of --layout
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

    /// Where the throwaway PostgreSQL runs: `docker` in a container on the machine's Docker
    /// engine, `native` from local server binaries, `auto` in a container when an engine answers
    /// and the image is present (postgres:MAJOR-alpine, else migtest/postgres:MAJOR from
    /// `cargo xtask pg-image`), else native; the choice is reported on stderr
    #[arg(long, value_enum, value_name = "BACKEND", default_value_t = BackendKind::Auto, conflicts_with = "database_url")]
    pub backend: BackendKind,

    /// The container image for --backend docker or auto
    /// [default: postgres:MAJOR-alpine, else migtest/postgres:MAJOR; MAJOR from --pg, else 17]
    #[arg(long, value_name = "NAME:TAG", conflicts_with_all = ["database_url", "pg"])]
    pub image: Option<String>,

    /// sqlx's bookkeeping table, if the project changed it
    #[arg(long, value_name = "NAME", default_value = "_sqlx_migrations")]
    pub table: String,

    /// Schema differences that are not findings, repeatable: `kind:KIND`, `KIND:NAME` or a glob
    /// on `<kind> <name>` (see below)
    #[arg(long, value_name = "PATTERN")]
    pub ignore: Vec<String>,

    /// The tool the migration folder was written for; `auto` recognises it from the files and
    /// the report says what it found
    #[arg(long, value_enum, value_name = "LAYOUT", default_value_t = LayoutFlag::Auto)]
    pub layout: LayoutFlag,

    /// Test the `-- Down: <SQL>` comments of a migration without a down as its down
    #[arg(long)]
    pub down_from_comments: bool,

    /// Output format on stdout
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendKind {
    /// Docker when an engine answers and the image is present, else native
    Auto,
    /// A private cluster from local server binaries
    Native,
    /// A throwaway container on the machine's Docker engine
    Docker,
}

/// The migration layouts `--layout` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LayoutFlag {
    /// Recognise the layout from the files
    Auto,
    /// <VERSION>_<name>.sql, or .up.sql/.down.sql pairs
    Sqlx,
    /// <version>_<name>/up.sql and down.sql
    Diesel,
    /// <N>_<name>.up.sql and .down.sql
    GolangMigrate,
    /// <version>_<name>.sql with -- +goose Up / Down sections
    Goose,
    /// <version>_<name>.sql with -- migrate:up / down sections
    Dbmate,
    /// V<version>__<desc>.sql with U<version>__<desc>.sql undo files
    Flyway,
}

impl LayoutFlag {
    /// The layout to read, `None` for auto.
    pub fn layout(self) -> Option<migtest_runner::Layout> {
        use migtest_runner::Layout;
        match self {
            LayoutFlag::Auto => None,
            LayoutFlag::Sqlx => Some(Layout::Sqlx),
            LayoutFlag::Diesel => Some(Layout::Diesel),
            LayoutFlag::GolangMigrate => Some(Layout::GolangMigrate),
            LayoutFlag::Goose => Some(Layout::Goose),
            LayoutFlag::Dbmate => Some(Layout::Dbmate),
            LayoutFlag::Flyway => Some(Layout::Flyway),
        }
    }
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
