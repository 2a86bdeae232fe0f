//! `migrate-test`: resolve the flags, run the engine, render, pick the exit code.

use std::io::{IsTerminal, Write};

use migtest_report::{ExitCode, error_chain, render};
use migtest_runner::pg::{AutoOptions, DockerOptions};
use migtest_runner::{
    Backend, MatrixOutcome, NativeOptions, RunConfig, RunOutcome, UrlOptions, pg,
};

use crate::Workspace;
use crate::flags::{BackendKind, Format, MigrateTest};
use crate::progress::Progress;

/// Runs `migrate-test` with parsed flags and returns how it ended.
pub fn migrate_test(flags: MigrateTest, workspace: &Workspace) -> ExitCode {
    let format = flags.format;
    let plan = match resolve(flags, workspace) {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::ToolError;
        }
    };
    let interactive = std::io::stderr().is_terminal();
    let mut progress = Progress::new(interactive && format == Format::Human);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::ToolError;
        }
    };
    let result = runtime.block_on(async {
        // Cancelling the run drops its server guards, which stop the servers and remove their
        // files, before `select!` returns.
        tokio::select! {
            outcome = execute(plan, &mut progress) => Some(outcome),
            () = interrupted() => None,
        }
    });
    progress.finish();

    let code = match result {
        None => {
            eprintln!("interrupted: the server was stopped and its files removed");
            return ExitCode::Interrupted;
        }
        Some(Outcome::Single(Err(error))) => {
            eprintln!("error: {}", error_chain(&error));
            return ExitCode::ToolError;
        }
        Some(outcome) => outcome,
    };
    // A reader that stopped early (`| head`) is not a failure of the run.
    if let Err(error) = render_report(&code, format).or_else(|e| match e.kind() {
        std::io::ErrorKind::BrokenPipe => Ok(()),
        _ => Err(e),
    }) {
        eprintln!("error: could not write the report: {error}");
        return ExitCode::ToolError;
    }
    match code {
        Outcome::Single(Ok(outcome)) => {
            if let Some(kept) = &outcome.kept {
                eprintln!(
                    "kept the server running:\n  connect: {}\n  stop:    {}",
                    kept.connect, kept.stop
                );
            }
            if outcome.report.ok {
                ExitCode::Clean
            } else {
                ExitCode::Findings
            }
        }
        Outcome::Matrix(outcome) => {
            for (major, kept) in &outcome.kept {
                eprintln!(
                    "kept PostgreSQL {major} running:\n  connect: {}\n  stop:    {}",
                    kept.connect, kept.stop
                );
            }
            for (major, error) in &outcome.report.errors {
                eprintln!("error: PostgreSQL {major}: {error}");
            }
            if !outcome.report.errors.is_empty() {
                ExitCode::ToolError
            } else if outcome.report.ok {
                ExitCode::Clean
            } else {
                ExitCode::Findings
            }
        }
        Outcome::Single(Err(_)) => unreachable!("handled above"),
    }
}

/// One run, or one run per major.
enum Plan {
    Single(RunConfig),
    Matrix {
        runs: Vec<(u32, RunConfig)>,
        jobs: usize,
    },
}

enum Outcome {
    Single(Result<RunOutcome, migtest_runner::RunError>),
    Matrix(MatrixOutcome),
}

async fn execute(plan: Plan, progress: &mut Progress) -> Outcome {
    match plan {
        Plan::Single(config) => Outcome::Single(migtest_runner::run(&config, progress).await),
        Plan::Matrix { runs, jobs } => {
            Outcome::Matrix(migtest_runner::run_matrix(runs, jobs, progress).await)
        }
    }
}

fn resolve(flags: MigrateTest, workspace: &Workspace) -> Result<Plan, String> {
    let majors = parse_majors(&flags.pg)?;
    migtest_runner::IgnoreRules::parse(&flags.ignore).map_err(|error| error.to_string())?;
    let jobs = flags
        .jobs
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from));
    let source = flags
        .source
        .unwrap_or_else(|| workspace.path(&workspace.migrations));
    let smoke_dir = if flags.no_smoke {
        None
    } else {
        Some(
            flags
                .smoke
                .unwrap_or_else(|| workspace.path(&workspace.smoke)),
        )
    };
    if flags.backend == BackendKind::Native && flags.image.is_some() {
        return Err("--image names a container image: use it with --backend docker or auto".into());
    }
    let backend = |major: Option<u32>| {
        let native = NativeOptions {
            bin_dir: flags.pg_bin.clone(),
            major,
            ..NativeOptions::default()
        };
        let docker = DockerOptions {
            image: flags.image.clone(),
            major,
        };
        match (&flags.database_url, flags.backend) {
            (Some(url), _) => Backend::Url(UrlOptions {
                url: url.clone(),
                allow_non_empty: flags.i_know_this_is_a_scratch_server,
            }),
            (None, BackendKind::Native) => Backend::Native(native),
            (None, BackendKind::Docker) => Backend::Docker(docker),
            (None, BackendKind::Auto) => Backend::Auto(AutoOptions { docker, native }),
        }
    };
    let config = |major: Option<u32>| RunConfig {
        source: source.clone(),
        backend: backend(major),
        smoke_dir: smoke_dir.clone(),
        ladder: flags.ladder,
        allow_irreversible: flags.allow_irreversible,
        keep: flags.keep,
        bookkeeping_table: flags.table.clone(),
        ignore: flags.ignore.clone(),
        layout: flags.layout.layout(),
        down_from_comments: flags.down_from_comments,
    };
    Ok(match majors.as_slice() {
        [] => Plan::Single(config(None)),
        [major] => Plan::Single(config(Some(*major))),
        _ => Plan::Matrix {
            runs: majors.iter().map(|m| (*m, config(Some(*m)))).collect(),
            jobs,
        },
    })
}

/// `--pg 14,15` or `--pg all`; `all` means every major the native backend can find.
fn parse_majors(values: &[String]) -> Result<Vec<u32>, String> {
    let mut majors = Vec::new();
    for value in values {
        if value == "all" {
            let found = pg::available_majors();
            if found.is_empty() {
                return Err("--pg all: no PostgreSQL server binaries found; install them or run `cargo xtask pg-install --pg 17`".into());
            }
            majors.extend(found);
            continue;
        }
        let major = value.trim().parse::<u32>().map_err(|_| {
            format!("--pg takes majors such as 15 or 14,16,17, or `all`; not {value:?}")
        })?;
        majors.push(major);
    }
    majors.sort_unstable();
    majors.dedup();
    Ok(majors)
}

fn render_report(outcome: &Outcome, format: Format) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let human = render::HumanOptions {
        color,
        timings: true,
    };
    match (outcome, format) {
        (Outcome::Single(Ok(o)), Format::Human) => render::human(&o.report, &mut out, human)?,
        (Outcome::Single(Ok(o)), Format::Json) => render::json(&o.report, &mut out)?,
        (Outcome::Single(Ok(o)), Format::Junit) => render::junit(&o.report, &mut out)?,
        (Outcome::Single(Ok(o)), Format::Github) => {
            render::github_annotations(&o.report.failures, &mut out)?
        }
        (Outcome::Matrix(o), Format::Human) => render::human_matrix(&o.report, &mut out, human)?,
        (Outcome::Matrix(o), Format::Json) => render::json(&o.report, &mut out)?,
        (Outcome::Matrix(o), Format::Junit) => render::junit_matrix(&o.report, &mut out)?,
        (Outcome::Matrix(o), Format::Github) => {
            render::github_annotations(&o.report.failures, &mut out)?
        }
        (Outcome::Single(Err(_)), _) => {}
    }
    out.flush()
}

/// Resolves when the process receives SIGINT (Ctrl-C) or SIGTERM; never, if the handlers cannot
/// be installed. A command that races its work against this and drops the work on a signal
/// stops every server the work started.
pub async fn interrupted() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut interrupt), Ok(mut terminate)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        // Without signal handlers the run simply cannot be interrupted cleanly; let it finish.
        return std::future::pending().await;
    };
    tokio::select! {
        _ = interrupt.recv() => {}
        _ = terminate.recv() => {}
    }
}
