//! `migrate-test`: resolve the flags, run the engine, render, pick the exit code.

use std::io::{IsTerminal, Write};

use migtest_report::{ExitCode, render};
use migtest_runner::{Backend, NativeOptions, RunConfig, RunOutcome};

use crate::flags::{Format, MigrateTest};
use crate::Workspace;
use crate::progress::Progress;

/// Runs `migrate-test` with parsed flags and returns how it ended.
pub fn migrate_test(flags: MigrateTest, workspace: &Workspace) -> ExitCode {
    let format = flags.format;
    let config = resolve(flags, workspace);
    let interactive = std::io::stderr().is_terminal();
    let mut progress = Progress::new(interactive && format == Format::Human);

    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::ToolError;
        }
    };
    let result = runtime.block_on(async {
        // Cancelling the run drops its server guard, which stops the server and removes its files.
        tokio::select! {
            result = migtest_runner::run(&config, &mut progress) => Some(result),
            () = interrupted() => None,
        }
    });
    progress.finish();

    let outcome = match result {
        None => {
            eprintln!("interrupted: the server was stopped and its files removed");
            return ExitCode::Interrupted;
        }
        Some(Err(error)) => {
            eprintln!("error: {}", chain(&error));
            return ExitCode::ToolError;
        }
        Some(Ok(outcome)) => outcome,
    };
    // A reader that stopped early (`| head`) is not a failure of the run.
    if let Err(error) = render_report(&outcome, format).or_else(|e| match e.kind() {
        std::io::ErrorKind::BrokenPipe => Ok(()),
        _ => Err(e),
    }) {
        eprintln!("error: could not write the report: {error}");
        return ExitCode::ToolError;
    }
    if let Some(kept) = &outcome.kept {
        eprintln!("kept the server running:\n  connect: {}\n  stop:    {}", kept.connect, kept.stop);
    }
    if outcome.report.ok { ExitCode::Clean } else { ExitCode::Findings }
}

fn resolve(flags: MigrateTest, workspace: &Workspace) -> RunConfig {
    let source = flags.source.unwrap_or_else(|| workspace.path(&workspace.migrations));
    let smoke_dir = if flags.no_smoke {
        None
    } else {
        Some(flags.smoke.unwrap_or_else(|| workspace.path(&workspace.smoke)))
    };
    RunConfig {
        source,
        backend: Backend::Native(NativeOptions { bin_dir: flags.pg_bin, major: flags.pg, ..NativeOptions::default() }),
        smoke_dir,
        ladder: flags.ladder,
        allow_irreversible: flags.allow_irreversible,
        keep: flags.keep,
        bookkeeping_table: flags.table,
    }
}

fn render_report(outcome: &RunOutcome, format: Format) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            render::human(&outcome.report, &mut out, render::HumanOptions { color, timings: true })?;
        }
        Format::Json => render::json(&outcome.report, &mut out)?,
        Format::Junit => render::junit(&outcome.report, &mut out)?,
        Format::Github => render::github_annotations(&outcome.report, &mut out)?,
    }
    out.flush()
}

async fn interrupted() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut interrupt), Ok(mut terminate)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
        // Without signal handlers the run simply cannot be interrupted cleanly; let it finish.
        return std::future::pending().await;
    };
    tokio::select! {
        _ = interrupt.recv() => {}
        _ = terminate.recv() => {}
    }
}

/// The error and its causes on one line: `could not start PostgreSQL: initdb failed: ...`.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
