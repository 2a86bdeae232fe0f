//! Every renderer on one report that has a bit of everything, as snapshots.

use migtest_report::render::{HumanOptions, github_annotations, human, json, junit};
use migtest_report::{
    Check, CheckOutcome, CheckStatus, Finding, Location, MigrationReport, Note, PgErrorInfo,
    RunReport, ServerInfo, SmokeReport,
};

fn outcome(check: Check, status: CheckStatus) -> CheckOutcome {
    CheckOutcome {
        check,
        status,
        millis: 1.5,
    }
}

fn sample() -> RunReport {
    let server = ServerInfo {
        backend: "native".into(),
        version: "15.14".into(),
        major: 15,
    };
    let mut report = RunReport::new(server, "migrations".into());
    report.migrations.push(MigrationReport {
        version: 20250101000001,
        name: "create runs".into(),
        reversible: true,
        no_transaction: false,
        checks: vec![
            outcome(Check::Up, CheckStatus::Passed),
            outcome(Check::Down, CheckStatus::Passed),
            outcome(Check::Roundtrip, CheckStatus::Passed),
            outcome(Check::Redo, CheckStatus::Passed),
        ],
    });
    report.migrations.push(MigrationReport {
        version: 20250104000001,
        name: "index runs status".into(),
        reversible: true,
        no_transaction: true,
        checks: vec![
            outcome(Check::Up, CheckStatus::Passed),
            outcome(Check::Down, CheckStatus::Passed),
            outcome(Check::Roundtrip, CheckStatus::Failed),
            outcome(Check::Redo, CheckStatus::Passed),
        ],
    });
    report.migrations.push(MigrationReport {
        version: 20250105000001,
        name: "bad <syntax> & more".into(),
        reversible: true,
        no_transaction: false,
        checks: vec![
            outcome(Check::Up, CheckStatus::Failed),
            outcome(
                Check::Down,
                CheckStatus::Skipped {
                    reason: "the up failed".into(),
                },
            ),
            outcome(
                Check::Roundtrip,
                CheckStatus::Skipped {
                    reason: "the up failed".into(),
                },
            ),
            outcome(
                Check::Redo,
                CheckStatus::Skipped {
                    reason: "the up failed".into(),
                },
            ),
        ],
    });
    let mut roundtrip = Finding::new(
        Some((20250104000001, "index runs status")),
        Check::Roundtrip,
        "down left index public.idx_runs_status behind (it did not exist before the up)",
    );
    roundtrip.object = Some("index public.idx_runs_status".into());
    roundtrip.diff = Some("--- before\n+++ after\n@@ -0,0 +1 @@\n+CREATE INDEX idx_runs_status ON public.runs USING btree (status)\n".into());
    roundtrip.location = Some(Location {
        file: "migrations/20250104000001_index_runs_status.down.sql".into(),
        line: 1,
        column: None,
        source_line: None,
    });
    report.push_finding(roundtrip);
    let mut up = Finding::new(
        Some((20250105000001, "bad <syntax> & more")),
        Check::Up,
        "the up failed: syntax error at or near \"tabel\"",
    );
    up.error = Some(PgErrorInfo {
        sqlstate: "42601".into(),
        message: "syntax error at or near \"tabel\"".into(),
        detail: None,
        hint: Some("check the spelling, 100% of it".into()),
    });
    up.location = Some(Location {
        file: "migrations/20250105000001_bad.up.sql".into(),
        line: 2,
        column: Some(8),
        source_line: Some("create tabel x ();".into()),
    });
    report.push_finding(up);
    report.smoke.push(SmokeReport {
        file: "tests/smoke/runs.slt".into(),
        passed: true,
    });
    report.notes.push(Note {
        migration: Some(20250101000001),
        message: "a note, for the record".into(),
    });
    report.timings.total = 1234.0;
    report
}

fn render(f: impl Fn(&RunReport, &mut dyn std::io::Write) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    f(&sample(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn human_without_colour() {
    let options = HumanOptions {
        color: false,
        timings: false,
    };
    insta::assert_snapshot!(render(|r, o| human(r, o, options)));
}

#[test]
fn human_with_timings_says_where_the_time_went() {
    let text = render(|r, o| {
        human(
            r,
            o,
            HumanOptions {
                color: false,
                timings: true,
            },
        )
    });
    assert!(
        text.contains("in 1.23 s (boot 0 ms, apply 0 ms, snapshot 0 ms, compare 0 ms, smoke 0 ms)"),
        "{text}"
    );
}

#[test]
fn human_with_colour_uses_ansi_codes_only_when_asked() {
    let text = render(|r, o| {
        human(
            r,
            o,
            HumanOptions {
                color: true,
                timings: false,
            },
        )
    });
    assert!(text.contains("\x1b[31;1mFAIL"), "{text}");
}

#[test]
fn json_report() {
    insta::assert_snapshot!(render(|r, o| json(r, o)));
}

#[test]
fn junit_report() {
    insta::assert_snapshot!(render(|r, o| junit(r, o)));
}

#[test]
fn github_annotations_escape_newlines_and_properties() {
    insta::assert_snapshot!(render(|r, o| github_annotations(&r.failures, o)));
}
