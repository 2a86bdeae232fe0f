//! `pg-image`: a local PostgreSQL container image, for `--backend docker` where no registry can
//! be reached.

use std::path::PathBuf;
use std::time::Instant;

use migtest_report::ExitCode;
use migtest_runner::pg;

/// Build a PostgreSQL container image (migtest/postgres:MAJOR) from server binaries on this
/// machine, honouring the official image's contract, for `migrate-test --backend docker`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
No registry and no base image are needed: the image is a root filesystem (the server binaries,
stripped; the modules migrations use; the shared libraries they load; bash; a postgres user with
uid 999; the UTC time zones; an entrypoint) imported with `docker import`. It honours what the
official image offers: POSTGRES_PASSWORD, POSTGRES_USER, POSTGRES_DB, POSTGRES_HOST_AUTH_METHOD,
POSTGRES_INITDB_ARGS, their *_FILE variants, and server flags as arguments
(`docker run migtest/postgres:17 -c fsync=off`). It has no /docker-entrypoint-initdb.d.

The binaries are the ones discovery finds for the major (Debian's packages, pg_config --bindir,
migtest's cache), or --pg-bin; a major the machine lacks is fetched first, as `pg-install` does.
Building again replaces the image the tag named.

`migrate-test --backend docker` (and `--backend auto`) use postgres:MAJOR-alpine when the engine
has it and migtest/postgres:MAJOR otherwise.

Examples:
  cargo xtask pg-image --pg 17
  cargo xtask pg-image --pg 15 --pg-bin /usr/lib/postgresql/15/bin")]
pub struct PgImage {
    /// The PostgreSQL major to put in the image
    #[arg(long, value_name = "MAJOR", default_value_t = pg::DEFAULT_MAJOR)]
    pub pg: u32,

    /// The folder holding the server binaries to use [default: discovered for the major]
    #[arg(long, value_name = "DIR")]
    pub pg_bin: Option<PathBuf>,

    /// The image's tag [default: migtest/postgres:MAJOR]
    #[arg(long, value_name = "NAME:TAG")]
    pub tag: Option<String>,
}

pub(crate) fn pg_image(flags: PgImage) -> ExitCode {
    let started = Instant::now();
    let options = pg::ImageOptions {
        major: flags.pg,
        bin_dir: flags.pg_bin,
        cache_dir: None,
        tag: flags.tag,
    };
    match pg::build_image(&options) {
        Ok(image) => {
            for (module, library) in &image.missing {
                eprintln!(
                    "note: left out the module {module}: it needs {library}, which is not installed here"
                );
            }
            let fetched = if image.fetched {
                " (fetched first)"
            } else {
                ""
            };
            println!(
                "built {} ({}) from PostgreSQL {}{fetched}: {:.1} MB, {} files, in {:.1} s",
                image.tag,
                image
                    .id
                    .trim_start_matches("sha256:")
                    .chars()
                    .take(12)
                    .collect::<String>(),
                image.binaries.version,
                image.size as f64 / 1e6,
                image.entries,
                started.elapsed().as_secs_f64()
            );
            ExitCode::Clean
        }
        Err(error) => {
            eprintln!("error: {}", migtest_report::error_chain(&error));
            ExitCode::ToolError
        }
    }
}
