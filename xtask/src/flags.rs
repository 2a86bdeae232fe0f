//! Every command of `cargo xtask` and every flag, in one place.

use std::path::PathBuf;

use clap::Parser;

/// This workspace's tasks: migtest's own commands, exactly as another workspace gets them, and
/// the ones that only make sense here.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Test PostgreSQL migrations up, down and up again",
    version
)]
pub enum Xtask {
    #[command(flatten)]
    Migtest(migtest_cli::Command),
    Bench(Bench),
}

const BENCH_AFTER_HELP: &str = "\
For generated histories of 10, 100 and 1,000 migrations (target/bench/histories/<n>/), each
repetition measures side by side, with the same server binaries:
  floor       the SQL the tool runs (every up, down and redo, then the ladder) sent by one plain
              sqlx connection: no snapshots, no bookkeeping
  tool        migtest_runner::run with --ladder, no smoke evals, its phase timings
  pg_dump     the loop a team writes by hand: pg_dump --schema-only before and after every step,
              texts compared
then the peak memory of `cargo xtask migrate-test` as a separate process, the cluster's ready
time (initdb and cached template), and snapshot time as the schema grows.

Results go to target/bench/results.json (and results-<commit>.json) and, unless --quick, to
docs/benchmarks.md. A debug build re-runs itself with `cargo run --release` first, so that the
numbers are those of optimised code; --as-built measures the build at hand instead.

Examples:
  cargo xtask bench
  cargo xtask bench --quick
  cargo xtask bench --reps 3 --sizes 100,1000";

/// Measure the tool against the floor (the same SQL with no checks) and against a pg_dump loop
#[derive(Debug, clap::Args)]
#[command(after_long_help = BENCH_AFTER_HELP)]
pub struct Bench {
    /// Repetitions of every measurement; medians are quoted with min and max
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub reps: u32,

    /// One repetition, histories of 10 and 100 migrations; leaves docs/benchmarks.md alone
    #[arg(long, conflicts_with_all = ["reps", "sizes"])]
    pub quick: bool,

    /// History sizes, separated by commas [default: 10,100,1000]
    #[arg(long, value_name = "N,N,...", value_delimiter = ',', value_parser = clap::value_parser!(u32).range(1..))]
    pub sizes: Vec<u32>,

    /// Repetitions of the pg_dump loop on histories of 1,000 migrations or more, where one
    /// repetition takes many minutes [default: min(--reps, 2)]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub slow_reps: Option<u32>,

    /// The folder holding the PostgreSQL server binaries (postgres, initdb, pg_dump)
    /// [default: discovered, as migrate-test does]
    #[arg(long, value_name = "DIR", env = "PG_BIN")]
    pub pg_bin: Option<PathBuf>,

    /// The PostgreSQL major to measure on [default: the newest found]
    #[arg(long, value_name = "MAJOR", conflicts_with = "pg_bin")]
    pub pg: Option<u32>,

    /// Measure the build at hand instead of re-running in release
    #[arg(long)]
    pub as_built: bool,

    /// Measure nothing: write docs/benchmarks.md again from target/bench/results.json
    #[arg(long, conflicts_with_all = ["quick", "reps", "sizes", "slow_reps", "pg_bin", "pg", "as_built"])]
    pub from_results: bool,
}
