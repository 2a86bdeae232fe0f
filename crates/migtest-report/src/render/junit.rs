//! JUnit XML: one test suite per run, one test case per check of each migration and per smoke
//! eval, so CI systems show migrations the way they show tests.

use std::io::{self, Write};

use crate::{CheckStatus, MatrixReport, RunReport};

/// Writes the report as a JUnit XML document.
pub fn junit(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let cases = cases(report);
    write_suites(out, report.timings.total, &[(report, cases)])
}

/// Writes a version matrix as a JUnit XML document, one test suite per major.
pub fn junit_matrix(report: &MatrixReport, out: &mut dyn Write) -> io::Result<()> {
    let suites: Vec<(&RunReport, Vec<Case>)> =
        report.postgres.values().map(|r| (r, cases(r))).collect();
    write_suites(out, report.total, &suites)
}

fn cases(report: &RunReport) -> Vec<Case> {
    let mut cases = Vec::new();
    for migration in &report.migrations {
        for outcome in &migration.checks {
            let failures: Vec<String> = report
                .failures
                .iter()
                .filter(|f| f.migration == Some(migration.version) && f.check == outcome.check)
                .map(|f| match &f.diff {
                    Some(diff) => format!("{}\n{diff}", f.message),
                    None => f.message.clone(),
                })
                .collect();
            cases.push(Case {
                class: format!("migtest.pg{}.{}", report.server.major, migration.version),
                name: format!("{} {}", outcome.check, migration.name),
                seconds: outcome.millis / 1000.0,
                status: outcome.status.clone(),
                failures,
            });
        }
    }
    for smoke in &report.smoke {
        let failures = report
            .failures
            .iter()
            .filter(|f| {
                f.migration.is_none() && f.location.as_ref().is_some_and(|l| l.file == smoke.file)
            })
            .map(|f| f.message.clone())
            .collect();
        cases.push(Case {
            class: format!("migtest.pg{}.smoke", report.server.major),
            name: smoke.file.clone(),
            seconds: 0.0,
            status: if smoke.passed {
                CheckStatus::Passed
            } else {
                CheckStatus::Failed
            },
            failures,
        });
    }
    cases
}

fn write_suites(
    out: &mut dyn Write,
    total_millis: f64,
    suites: &[(&RunReport, Vec<Case>)],
) -> io::Result<()> {
    let all = || suites.iter().flat_map(|(_, cases)| cases.iter());
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="migtest" tests="{}" failures="{}" skipped="{}" time="{:.3}">"#,
        all().count(),
        all().filter(|c| c.status.is_failed()).count(),
        all()
            .filter(|c| matches!(c.status, CheckStatus::Skipped { .. }))
            .count(),
        total_millis / 1000.0
    )?;
    for (report, cases) in suites {
        write_suite(out, report, cases)?;
    }
    writeln!(out, "</testsuites>")
}

fn write_suite(out: &mut dyn Write, report: &RunReport, cases: &[Case]) -> io::Result<()> {
    let failed = cases.iter().filter(|c| c.status.is_failed()).count();
    let skipped = cases
        .iter()
        .filter(|c| matches!(c.status, CheckStatus::Skipped { .. }))
        .count();
    writeln!(
        out,
        r#"  <testsuite name="migtest {} on PostgreSQL {}" tests="{}" failures="{failed}" skipped="{skipped}" time="{:.3}">"#,
        xml(&report.source),
        xml(&report.server.version),
        cases.len(),
        report.timings.total / 1000.0
    )?;
    for case in cases {
        write!(
            out,
            r#"    <testcase classname="{}" name="{}" time="{:.3}""#,
            xml(&case.class),
            xml(&case.name),
            case.seconds
        )?;
        match &case.status {
            CheckStatus::Passed => writeln!(out, "/>")?,
            CheckStatus::Skipped { reason } => {
                writeln!(out, ">")?;
                writeln!(out, r#"      <skipped message="{}"/>"#, xml(reason))?;
                writeln!(out, "    </testcase>")?;
            }
            CheckStatus::Failed => {
                writeln!(out, ">")?;
                for failure in &case.failures {
                    let first = failure.lines().next().unwrap_or_default();
                    writeln!(
                        out,
                        r#"      <failure message="{}">{}</failure>"#,
                        xml(first),
                        xml(failure)
                    )?;
                }
                if case.failures.is_empty() {
                    writeln!(out, r#"      <failure message="failed"/>"#)?;
                }
                writeln!(out, "    </testcase>")?;
            }
        }
    }
    writeln!(out, "  </testsuite>")
}

struct Case {
    class: String,
    name: String,
    seconds: f64,
    status: CheckStatus,
    failures: Vec<String>,
}

fn xml(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            // XML 1.0 cannot carry most control characters at all.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => escaped.push('?'),
            c => escaped.push(c),
        }
    }
    escaped
}
