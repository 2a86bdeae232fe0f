//! `cargo xtask`: this workspace's commands. `migrate-test` and `pg-install` come from the
//! migtest-cli crate, exactly as another workspace gets them; `bench` is this project's own.

// The xtask is a binary at the edge: printing progress and errors is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod flags;

use std::process::ExitCode;

use clap::Parser;

/// When set, the process prints its peak resident memory (`VmHWM`) on stderr as it exits, so
/// that `cargo xtask bench` can measure a `migrate-test` run as the separate process it is.
pub(crate) const PEAK_RSS_ENV: &str = "XTASK_PRINT_PEAK_RSS";

fn main() -> ExitCode {
    let workspace = migtest_cli::Workspace::from_xtask_manifest_dir(env!("CARGO_MANIFEST_DIR"));
    let code = match flags::Xtask::parse() {
        flags::Xtask::Migtest(command) => {
            migtest_cli::exit(migtest_cli::run_command(command, &workspace))
        }
        flags::Xtask::Bench(flags) => project_command(|sh| flags.run(sh, &workspace.root)),
    };
    if std::env::var_os(PEAK_RSS_ENV).is_some()
        && let Some(kib) = peak_rss_kib()
    {
        eprintln!("peak-rss-kib: {kib}");
    }
    code
}

/// Runs one of this workspace's own commands: 0 when it did its job, 2 (a tool error, as for
/// migtest's commands) when it could not, 130 when a signal stopped it.
fn project_command(run: impl FnOnce(&xshell::Shell) -> anyhow::Result<()>) -> ExitCode {
    match xshell::Shell::new()
        .map_err(anyhow::Error::from)
        .and_then(|sh| run(&sh))
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.is::<bench::Interrupted>() => {
            if matches!(error.downcast_ref(), Some(bench::Interrupted::Measuring)) {
                eprintln!("{error}");
            }
            migtest_cli::exit(migtest_cli::ExitCode::Interrupted)
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            migtest_cli::exit(migtest_cli::ExitCode::ToolError)
        }
    }
}

/// `VmHWM` of this process, in KiB, from `/proc/self/status` (Linux only).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}
