//! The human report: one line per migration, the findings with their diffs, a summary.

use std::io::{self, Write};

use crate::{Check, CheckStatus, Finding, MatrixReport, MigrationReport, RunReport};

/// How the human report is written.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    /// ANSI colours (off when `NO_COLOR` is set or the output is not a terminal).
    pub color: bool,
    /// Durations in the summary; off for deterministic output in tests.
    pub timings: bool,
}

const CHECKS: [Check; 4] = [Check::Up, Check::Down, Check::Roundtrip, Check::Redo];

struct Paint {
    color: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn red(&self, text: &str) -> String {
        self.wrap("31;1", text)
    }
    fn green(&self, text: &str) -> String {
        self.wrap("32", text)
    }
    fn yellow(&self, text: &str) -> String {
        self.wrap("33", text)
    }
    fn dim(&self, text: &str) -> String {
        self.wrap("2", text)
    }
    fn bold(&self, text: &str) -> String {
        self.wrap("1", text)
    }
}

/// The one-line form of a finding, the way a person says it:
/// `migration 20250104000001 (add run indexes): roundtrip: down left index public.idx behind`.
/// In a version matrix, the major comes first: `[pg 17] migration ...`.
pub fn finding_headline(finding: &Finding) -> String {
    let line = match (finding.migration, &finding.name) {
        (Some(version), Some(name)) => {
            format!(
                "migration {version} ({name}): {}: {}",
                finding.check, finding.message
            )
        }
        (Some(version), None) => format!(
            "migration {version}: {}: {}",
            finding.check, finding.message
        ),
        _ => format!("{}: {}", finding.check, finding.message),
    };
    match finding.postgres {
        Some(major) => format!("[pg {major}] {line}"),
        None => line,
    }
}

/// Writes the human report.
pub fn human(report: &RunReport, out: &mut dyn Write, options: HumanOptions) -> io::Result<()> {
    let paint = Paint {
        color: options.color,
    };
    writeln!(
        out,
        "{} {} migration{} in {} on PostgreSQL {} ({})",
        paint.bold("migtest:"),
        report.migrations.len(),
        plural(report.migrations.len()),
        report.source,
        report.server.version,
        report.server.backend,
    )?;
    let width = report
        .migrations
        .iter()
        .map(|m| m.name.len())
        .max()
        .unwrap_or(0)
        .min(40);
    for migration in &report.migrations {
        write_migration_line(out, &paint, migration, width)?;
    }
    if let Some(ladder) = &report.ladder {
        let text = match ladder {
            CheckStatus::Passed => paint.green("ok"),
            CheckStatus::Failed => paint.red("FAIL"),
            CheckStatus::Skipped { reason } => paint.yellow(&format!("skipped: {reason}")),
        };
        writeln!(out, "  ladder: revert all, re-apply all: {text}")?;
    }
    if !report.smoke.is_empty() {
        let passed = report.smoke.iter().filter(|s| s.passed).count();
        writeln!(out, "  smoke: {passed}/{} evals passed", report.smoke.len())?;
    }

    for note in &report.notes {
        match note.migration {
            Some(version) => writeln!(
                out,
                "{} migration {version}: {}",
                paint.yellow("note:"),
                note.message
            )?,
            None => writeln!(out, "{} {}", paint.yellow("note:"), note.message)?,
        }
    }

    if !report.failures.is_empty() {
        writeln!(out)?;
        for finding in &report.failures {
            write_finding(out, &paint, finding)?;
        }
    }

    if report.failures.is_empty() {
        writeln!(out)?;
    }
    let count = report.failures.len();
    let verdict = if report.ok {
        paint.green("ok")
    } else {
        paint.red(&format!("FAILED: {count} finding{}", plural(count)))
    };
    write!(
        out,
        "result: {verdict}. {} migration{} checked",
        report.migrations.len(),
        plural(report.migrations.len())
    )?;
    if !report.smoke.is_empty() {
        write!(
            out,
            ", {} smoke eval{}",
            report.smoke.len(),
            plural(report.smoke.len())
        )?;
    }
    if options.timings {
        let t = &report.timings;
        write!(
            out,
            " in {} (boot {}, apply {}, snapshot {}, compare {}, smoke {})",
            seconds(t.total),
            seconds(t.boot),
            seconds(t.apply),
            seconds(t.snapshot),
            seconds(t.compare),
            seconds(t.smoke)
        )?;
    }
    writeln!(out)
}

fn write_migration_line(
    out: &mut dyn Write,
    paint: &Paint,
    migration: &MigrationReport,
    width: usize,
) -> io::Result<()> {
    let failed = migration.checks.iter().any(|c| c.status.is_failed());
    let all_skipped = !migration.checks.is_empty()
        && migration
            .checks
            .iter()
            .all(|c| matches!(c.status, CheckStatus::Skipped { .. }));
    let mark = if failed {
        paint.red("FAIL")
    } else if all_skipped {
        paint.yellow("skip")
    } else {
        paint.green("ok  ")
    };
    let mut checks = Vec::new();
    for check in CHECKS {
        let Some(status) = migration.status_of(check) else {
            continue;
        };
        checks.push(match status {
            CheckStatus::Passed => check.as_str().to_owned(),
            CheckStatus::Failed => paint.red(&format!("{check}:FAIL")),
            CheckStatus::Skipped { .. } => paint.dim(&format!("{check}:skip")),
        });
    }
    let name: String = migration.name.chars().take(width).collect();
    if all_skipped {
        let reason = match &migration.checks[0].status {
            CheckStatus::Skipped { reason } => reason.as_str(),
            _ => "",
        };
        return writeln!(
            out,
            "  {mark} {} {name:<width$}  {}",
            migration.version,
            paint.dim(&format!("not run: {reason}"))
        );
    }
    writeln!(
        out,
        "  {mark} {} {name:<width$}  {}",
        migration.version,
        checks.join(" ")
    )
}

fn write_finding(out: &mut dyn Write, paint: &Paint, finding: &Finding) -> io::Result<()> {
    writeln!(out, "{} {}", paint.red("error:"), finding_headline(finding))?;
    if let Some(location) = &finding.location {
        writeln!(out, "  --> {location}")?;
        if let Some(source) = &location.source_line {
            let number = location.line.to_string();
            let pad = " ".repeat(number.len());
            writeln!(out, "  {pad} |")?;
            writeln!(out, "  {number} | {source}")?;
            if let Some(column) = location.column {
                // Tabs keep their width so the caret lines up under the character.
                let lead: String = source
                    .chars()
                    .take(column.saturating_sub(1) as usize)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                writeln!(out, "  {pad} | {lead}{}", paint.red("^"))?;
            }
        }
    }
    if let Some(error) = &finding.error {
        writeln!(
            out,
            "  = postgres: {} (SQLSTATE {})",
            error.message, error.sqlstate
        )?;
        if let Some(detail) = &error.detail {
            writeln!(out, "  = detail: {detail}")?;
        }
        if let Some(hint) = &error.hint {
            writeln!(out, "  = hint: {hint}")?;
        }
    }
    if let Some(diff) = &finding.diff {
        for line in diff.lines() {
            let line = if line.starts_with("+++") || line.starts_with("---") {
                paint.bold(line)
            } else if line.starts_with('+') {
                paint.green(line)
            } else if line.starts_with('-') {
                paint.red(line)
            } else if line.starts_with("@@") {
                paint.dim(line)
            } else {
                line.to_owned()
            };
            writeln!(out, "    {line}")?;
        }
    }
    writeln!(out)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn seconds(millis: f64) -> String {
    if millis >= 1000.0 {
        format!("{:.2} s", millis / 1000.0)
    } else {
        format!("{millis:.0} ms")
    }
}

/// Writes a version matrix: a table of migrations by major, then every finding.
pub fn human_matrix(
    report: &MatrixReport,
    out: &mut dyn Write,
    options: HumanOptions,
) -> io::Result<()> {
    let paint = Paint {
        color: options.color,
    };
    let Some(first) = report.postgres.values().next() else {
        for (major, error) in &report.errors {
            writeln!(out, "{} PostgreSQL {major}: {error}", paint.red("error:"))?;
        }
        return Ok(());
    };
    let majors: Vec<String> = report.majors.iter().map(u32::to_string).collect();
    writeln!(
        out,
        "{} {} migration{} in {} on PostgreSQL {} ({})",
        paint.bold("migtest:"),
        first.migrations.len(),
        plural(first.migrations.len()),
        first.source,
        majors.join(", "),
        first.server.backend,
    )?;
    let width = first
        .migrations
        .iter()
        .map(|m| m.name.len() + 16)
        .max()
        .unwrap_or(0)
        .clamp(20, 56);
    let header: String = report.majors.iter().map(|m| format!("{m:<6}")).collect();
    writeln!(out, "  {:<width$}  {}", "", header.trim_end())?;
    for (index, migration) in first.migrations.iter().enumerate() {
        let label: String = format!("{} {}", migration.version, migration.name)
            .chars()
            .take(width)
            .collect();
        let cells: Vec<String> = report
            .majors
            .iter()
            .map(|major| {
                match report
                    .postgres
                    .get(major)
                    .and_then(|r| r.migrations.get(index))
                {
                    Some(m) if m.checks.iter().any(|c| c.status.is_failed()) => {
                        paint.red(&format!("{:<6}", "FAIL"))
                    }
                    Some(m)
                        if m.checks
                            .iter()
                            .all(|c| matches!(c.status, CheckStatus::Skipped { .. })) =>
                    {
                        paint.yellow(&format!("{:<6}", "skip"))
                    }
                    Some(_) => paint.green(&format!("{:<6}", "ok")),
                    None => paint.red(&format!("{:<6}", "error")),
                }
            })
            .collect();
        writeln!(out, "  {label:<width$}  {}", cells.concat().trim_end())?;
    }
    if first.ladder.is_some() {
        let cells: Vec<String> = report
            .majors
            .iter()
            .map(
                |major| match report.postgres.get(major).and_then(|r| r.ladder.as_ref()) {
                    Some(CheckStatus::Passed) => paint.green(&format!("{:<6}", "ok")),
                    Some(CheckStatus::Failed) => paint.red(&format!("{:<6}", "FAIL")),
                    Some(CheckStatus::Skipped { .. }) => paint.yellow(&format!("{:<6}", "skip")),
                    None => paint.red(&format!("{:<6}", "error")),
                },
            )
            .collect();
        writeln!(out, "  {:<width$}  {}", "ladder", cells.concat().trim_end())?;
    }
    if !first.smoke.is_empty() {
        let cells: Vec<String> = report
            .majors
            .iter()
            .map(|major| match report.postgres.get(major) {
                Some(r) => {
                    let passed = r.smoke.iter().filter(|s| s.passed).count();
                    let text = format!("{:<6}", format!("{passed}/{}", r.smoke.len()));
                    if passed == r.smoke.len() {
                        paint.green(&text)
                    } else {
                        paint.red(&text)
                    }
                }
                None => paint.red(&format!("{:<6}", "error")),
            })
            .collect();
        writeln!(
            out,
            "  {:<width$}  {}",
            "smoke evals",
            cells.concat().trim_end()
        )?;
    }
    for (major, run) in &report.postgres {
        for note in &run.notes {
            match note.migration {
                Some(version) => writeln!(
                    out,
                    "{} [pg {major}] migration {version}: {}",
                    paint.yellow("note:"),
                    note.message
                )?,
                None => writeln!(
                    out,
                    "{} [pg {major}] {}",
                    paint.yellow("note:"),
                    note.message
                )?,
            }
        }
    }
    if !report.failures.is_empty() || !report.errors.is_empty() {
        writeln!(out)?;
    }
    for (major, error) in &report.errors {
        writeln!(
            out,
            "{} [pg {major}] the run could not complete: {error}\n",
            paint.red("error:")
        )?;
    }
    for finding in &report.failures {
        write_finding(out, &paint, finding)?;
    }
    if report.failures.is_empty() && report.errors.is_empty() {
        writeln!(out)?;
    }
    let count = report.failures.len();
    let verdict = if report.ok {
        paint.green("ok")
    } else if count > 0 {
        paint.red(&format!("FAILED: {count} finding{}", plural(count)))
    } else {
        paint.red("FAILED")
    };
    write!(
        out,
        "result: {verdict}. {} migration{} on {} major{}",
        first.migrations.len(),
        plural(first.migrations.len()),
        report.majors.len(),
        plural(report.majors.len())
    )?;
    if !report.errors.is_empty() {
        write!(out, ", {} could not run", report.errors.len())?;
    }
    if options.timings {
        write!(out, " in {}", seconds(report.total))?;
    }
    writeln!(out)
}
