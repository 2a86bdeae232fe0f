//! The schema corpus: every `schema_*` fixture on two majors, `--ignore`, and the tool's verdict
//! checked against `pg_dump --schema-only` of the server's own major.
//!
//! Each failing `schema_*` case has two migrations: a correct first one, and a second whose down
//! forgets exactly one property of one object. Each `schema_pass_*` case is a correct but noisy
//! history that must pass without a finding.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use migtest_runner::NativeOptions;
use migtest_runner::pg::{self, NativeCluster, PgBinaries};
use migtest_tests::{Run, finding_lines, fixture, fixture_cases, migrate_test};

const BIN: &str = env!("CARGO_BIN_EXE_migtest-xtask");

/// The majors every `schema_*` case runs on (the fixture test in `e2e.rs` adds the default one).
const MAJORS: [u32; 2] = [15, 17];

fn run(args: &[&str]) -> Run {
    Run::from_output(
        migrate_test(BIN, args)
            .output()
            .expect("the command starts"),
    )
}

/// Fails, saying how to get them, when a major of [`MAJORS`] is not installed.
fn require_majors() {
    let found = pg::available_majors();
    let missing: Vec<String> = MAJORS
        .iter()
        .filter(|m| !found.contains(m))
        .map(u32::to_string)
        .collect();
    assert!(
        missing.is_empty(),
        "PostgreSQL {} not installed (found {found:?}): run `cargo xtask pg-install --pg {}`",
        missing.join(", "),
        missing.join(",")
    );
}

fn schema_cases() -> Vec<String> {
    fixture_cases()
        .into_iter()
        .filter(|case| case.starts_with("schema_"))
        .collect()
}

fn expected_lines(case: &str) -> Vec<String> {
    let text = std::fs::read_to_string(fixture(case).join("expected"))
        .unwrap_or_else(|e| panic!("fixture {case} has no expected file: {e}"));
    let mut lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

/// The flags of a case's `args` file.
fn extra_args(case: &str) -> Vec<String> {
    std::fs::read_to_string(fixture(case).join("args"))
        .map(|text| text.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Runs `work` over `items` on two threads (each run starts servers of its own), in order.
fn two_at_a_time<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let half = items.len().div_ceil(2).max(1);
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = items
            .chunks(half)
            .map(|chunk| scope.spawn(move || chunk.iter().map(work).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker thread"))
            .collect()
    })
}

#[test]
fn the_corpus_has_a_failing_case_per_difference_kind_and_noisy_passing_histories() {
    let cases = schema_cases();
    let failing: Vec<&String> = cases
        .iter()
        .filter(|c| !c.starts_with("schema_pass_"))
        .collect();
    let passing: Vec<&String> = cases
        .iter()
        .filter(|c| c.starts_with("schema_pass_"))
        .collect();
    assert!(
        failing.len() >= 40,
        "{} failing schema cases: {failing:?}",
        failing.len()
    );
    assert!(
        passing.len() >= 10,
        "{} passing schema cases: {passing:?}",
        passing.len()
    );
    for case in failing {
        let migrations = std::fs::read_dir(fixture(case).join("migrations"))
            .expect("migrations/")
            .count();
        assert_eq!(
            migrations, 4,
            "{case}: two migrations, each an up and a down"
        );
        let expected = expected_lines(case);
        assert!(
            expected.contains(&"20240101000002 roundtrip".to_owned()),
            "{case}: {expected:?}"
        );
        assert!(
            expected.iter().all(|l| l.starts_with("20240101000002 ")),
            "{case}: only the second migration fails"
        );
    }
    for case in passing {
        assert!(expected_lines(case).is_empty(), "{case} must pass");
    }
}

/// Every `schema_*` case, as a version matrix on [`MAJORS`]: on each major, exactly the expected
/// findings, and every roundtrip finding names its object and shows the diff.
#[test]
fn every_schema_case_reports_exactly_its_expected_findings_on_each_major() {
    require_majors();
    let majors = MAJORS.map(|m| m.to_string()).join(",");
    let cases = schema_cases();
    let results = two_at_a_time(&cases, |case| {
        let mut args = vec![
            "--source".to_owned(),
            format!("tests/fixtures/{case}/migrations"),
            "--no-smoke".into(),
            "--format".into(),
            "json".into(),
            "--pg".into(),
            majors.clone(),
        ];
        args.extend(extra_args(case));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        (case.clone(), run(&args))
    });
    let mut mismatches = Vec::new();
    for (case, result) in results {
        let expected = expected_lines(&case);
        let report = result.json();
        for major in MAJORS {
            let failures: Vec<&serde_json::Value> = report["failures"]
                .as_array()
                .expect("failures is an array")
                .iter()
                .filter(|f| f["postgres"].as_u64() == Some(u64::from(major)))
                .collect();
            let actual: BTreeSet<String> = failures
                .iter()
                .map(|f| format!("{} {}", f["migration"], f["check"].as_str().unwrap_or("?")))
                .collect();
            let actual: Vec<String> = actual.into_iter().collect();
            if actual != expected {
                let messages: Vec<String> = failures
                    .iter()
                    .map(|f| format!("    {} {}: {}", f["migration"], f["check"], f["message"]))
                    .collect();
                mismatches.push(format!(
                    "{case} on PostgreSQL {major}: expected {expected:?}, got {actual:?}\n{}\n{}",
                    messages.join("\n"),
                    result.stderr
                ));
            }
            for finding in failures.iter().filter(|f| f["check"] == "roundtrip") {
                if finding["object"].as_str().is_none_or(str::is_empty)
                    || finding["diff"].as_str().is_none_or(str::is_empty)
                {
                    mismatches.push(format!("{case} on PostgreSQL {major}: a finding without object or diff: {finding:#}"));
                }
            }
        }
        if expected.is_empty() && result.code != Some(0) {
            mismatches.push(format!(
                "{case}: exit {:?}, expected 0\n{}",
                result.code, result.stderr
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n\n{}",
        mismatches.len(),
        mismatches.join("\n\n")
    );
}

#[test]
fn ignored_differences_are_notes_not_findings() {
    // The corpus case that passes only because of its `args`.
    let args = extra_args("schema_pass_ignored");
    let mut flags = vec![
        "--source",
        "tests/fixtures/schema_pass_ignored/migrations",
        "--no-smoke",
        "--format",
        "json",
    ];
    flags.extend(args.iter().map(String::as_str));
    let ignored = run(&flags);
    let report = ignored.json();
    assert_eq!(
        ignored.code,
        Some(0),
        "{:#}\n{}",
        report["failures"],
        ignored.stderr
    );
    let notes: Vec<&str> = report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["message"].as_str())
        .collect();
    let note = notes
        .iter()
        .find(|n| n.starts_with("roundtrip: "))
        .unwrap_or_else(|| panic!("no roundtrip note: {notes:?}"));
    for object in [
        "table public.job_queue (added)",
        "sequence public.job_queue_id_seq (added)",
        "index public.job_queue_payload_idx (added)",
        "constraint job_queue_pkey on public.job_queue (added)",
        "statistics public.jobs_kind_run_at (added)",
    ] {
        assert!(note.contains(object), "{object} is not in the note: {note}");
    }
    assert!(
        note.contains("5 schema differences ignored by --ignore"),
        "{note}"
    );

    // Without the patterns the very same history fails.
    let unignored = run(&[
        "--source",
        "tests/fixtures/schema_pass_ignored/migrations",
        "--no-smoke",
        "--format",
        "json",
    ]);
    assert_eq!(
        finding_lines(&unignored.json()),
        ["20240101000002 roundtrip"]
    );

    // A glob on `<kind> <name>` and an object pattern on a failing case.
    for pattern in [
        "statistics public.orders_*",
        "table:public.orders",
        "schema:public",
    ] {
        let result = run(&[
            "--source",
            "tests/fixtures/schema_statistics/migrations",
            "--no-smoke",
            "--format",
            "json",
            "--ignore",
            pattern,
        ]);
        assert_eq!(
            result.code,
            Some(0),
            "--ignore {pattern}: {}",
            result.stdout
        );
    }
    let other = run(&[
        "--source",
        "tests/fixtures/schema_statistics/migrations",
        "--no-smoke",
        "--format",
        "json",
        "--ignore",
        "kind:index",
    ]);
    assert_eq!(other.code, Some(1), "an unrelated pattern ignores nothing");

    let bad = run(&["--ignore", "tabel:public.jobs", "--no-smoke"]);
    assert_eq!(bad.code, Some(2));
    assert!(
        bad.stderr.contains("unknown object kind \"tabel\""),
        "{}",
        bad.stderr
    );
    let help = run(&["--help"]);
    assert!(
        help.stdout.contains("--ignore") && help.stdout.contains("kind:statistics"),
        "{}",
        help.stdout
    );
}

/// The correct histories: each `schema_pass_*` case (but `schema_pass_ignored`, which passes only
/// because of its patterns) and each `pass_*` case made of up/down pairs. Plus failing cases that
/// `pg_dump` can see too.
const FAILING_CROSS_CHECKED: [&str; 8] = [
    "column_order",
    "schema_column_collation",
    "schema_database_setting",
    "schema_fk_deferrable",
    "schema_function_volatility",
    "schema_index_partial",
    "schema_partition_bound",
    "schema_role_membership",
];

/// For each correct history and each failing case above, on [`MAJORS`]: the tool finds a
/// roundtrip or redo difference exactly where `pg_dump --schema-only` (with `pg_dumpall
/// --globals-only` for roles) of the server's own major finds one, replaying the same files with
/// `psql`.
#[test]
fn the_verdict_agrees_with_pg_dump() {
    require_majors();
    let mut cases: Vec<String> = fixture_cases()
        .into_iter()
        .filter(|c| {
            (c.starts_with("schema_pass_") && c != "schema_pass_ignored") || c.starts_with("pass_")
        })
        .filter(|c| pairs(c).is_some())
        .collect();
    assert!(
        cases
            .iter()
            .filter(|c| c.starts_with("schema_pass_"))
            .count()
            >= 10,
        "every schema_pass_* case is made of up/down pairs: {cases:?}"
    );
    cases.extend(FAILING_CROSS_CHECKED.iter().map(|c| (*c).to_owned()));

    let per_major = two_at_a_time(&MAJORS, |major| {
        let binaries = binaries(*major);
        cases
            .iter()
            .map(|case| {
                let by_tool = tool_verdict(case, *major);
                let by_dump = dump_verdict(case, &binaries);
                (*major, case.clone(), by_tool, by_dump)
            })
            .collect::<Vec<_>>()
    });
    let mut disagreements = Vec::new();
    for (major, case, by_tool, (by_dump, details)) in per_major.into_iter().flatten() {
        if by_tool != by_dump {
            disagreements.push(format!(
                "{case} on PostgreSQL {major}: the tool says {by_tool:?}, pg_dump says {by_dump:?}\n{details}"
            ));
        }
        let failing = FAILING_CROSS_CHECKED.contains(&case.as_str());
        if failing == by_dump.is_empty() {
            disagreements.push(format!(
                "{case} on PostgreSQL {major}: pg_dump says {by_dump:?}\n{details}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n\n"));
}

/// A case's migrations as (version, up, down) in version order, when every file is one of an
/// `.up.sql`/`.down.sql` pair.
fn pairs(case: &str) -> Option<Vec<(String, PathBuf, PathBuf)>> {
    let folder = fixture(case).join("migrations");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut pairs = Vec::new();
    for name in &names {
        if let Some(stem) = name.strip_suffix(".up.sql") {
            let down = format!("{stem}.down.sql");
            if !names.contains(&down) {
                return None;
            }
            let version = stem.split('_').next()?.to_owned();
            pairs.push((version, folder.join(name), folder.join(down)));
        } else if !name.ends_with(".down.sql") {
            return None;
        }
    }
    (!pairs.is_empty()).then_some(pairs)
}

/// The roundtrip and redo findings of the tool on one major, as `<version> <check>` lines.
fn tool_verdict(case: &str, major: u32) -> Vec<String> {
    let result = run(&[
        "--source",
        &format!("tests/fixtures/{case}/migrations"),
        "--no-smoke",
        "--format",
        "json",
        "--pg",
        &major.to_string(),
    ]);
    finding_lines(&result.json())
        .into_iter()
        .filter(|l| l.ends_with(" roundtrip") || l.ends_with(" redo"))
        .collect()
}

fn binaries(major: u32) -> PgBinaries {
    let majors = pg::default_cache_dir().map(|c| c.join("pg"));
    pg::discover(None, Some(major), majors.as_deref()).unwrap_or_else(|e| {
        panic!("PostgreSQL {major}: {e} (run `cargo xtask pg-install --pg {major}`)")
    })
}

/// Replays a case with `psql` on a fresh server and compares dumps: the schema before an up with
/// the one after its down (roundtrip), the one after the up with the one after the up again
/// (redo). Returns the differing `<version> <check>` lines and what differed.
fn dump_verdict(case: &str, binaries: &PgBinaries) -> (Vec<String>, String) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let options = NativeOptions {
        bin_dir: Some(binaries.bin_dir.clone()),
        ..NativeOptions::default()
    };
    let cluster = runtime
        .block_on(NativeCluster::start(&options))
        .unwrap_or_else(|e| panic!("{case}: {e}"));
    let server = Psql {
        binaries,
        socket: cluster.dir().to_owned(),
    };
    server
        .sql("postgres", "CREATE DATABASE migtest TEMPLATE template0")
        .unwrap_or_else(|e| panic!("{case}: {e}"));

    let mut verdict = Vec::new();
    let mut details = String::new();
    let pairs = pairs(case).unwrap_or_else(|| panic!("{case} is not made of up/down pairs"));
    for (version, up, down) in pairs {
        let before = server.dump();
        if let Err(error) = server.file(&up) {
            details.push_str(&format!("{version} up failed: {error}\n"));
            break;
        }
        let after_up = server.dump();
        if let Err(error) = server.file(&down) {
            details.push_str(&format!("{version} down failed: {error}\n"));
            break;
        }
        let after_down = server.dump();
        if after_down != before {
            verdict.push(format!("{version} roundtrip"));
            details.push_str(&difference(
                &format!("{version} roundtrip"),
                &before,
                &after_down,
            ));
        }
        match server.file(&up) {
            Ok(()) => {
                let after_redo = server.dump();
                if after_redo != after_up {
                    verdict.push(format!("{version} redo"));
                    details.push_str(&difference(
                        &format!("{version} redo"),
                        &after_up,
                        &after_redo,
                    ));
                }
            }
            Err(error) => {
                verdict.push(format!("{version} redo"));
                details.push_str(&format!("{version} redo failed: {error}\n"));
                break;
            }
        }
    }
    drop(cluster);
    verdict.sort();
    (verdict, details)
}

/// The dump blocks only on one side.
fn difference(what: &str, before: &[String], after: &[String]) -> String {
    let only = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter().filter(|x| !b.contains(x)).cloned().collect()
    };
    format!(
        "  {what}: before only:\n{}\n  after only:\n{}\n",
        only(before, after).join("\n"),
        only(after, before).join("\n")
    )
}

/// `psql`, `pg_dump` and `pg_dumpall` of one major against one server's socket.
struct Psql<'a> {
    binaries: &'a PgBinaries,
    socket: PathBuf,
}

impl Psql<'_> {
    fn command(&self, program: &str, database: &str) -> Command {
        let mut command = Command::new(self.binaries.program(program));
        command
            .arg("-h")
            .arg(&self.socket)
            .args(["-p", "5432", "-U", "postgres"]);
        if program != "pg_dumpall" {
            command.args(["-d", database]);
        }
        command.env_remove("PGOPTIONS");
        command
    }

    fn output(mut command: Command) -> Result<String, String> {
        let output = command.output().map_err(|e| format!("{command:?}: {e}"))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }

    fn sql(&self, database: &str, sql: &str) -> Result<(), String> {
        let mut command = self.command("psql", database);
        command.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]);
        Self::output(command).map(drop)
    }

    /// Runs a migration file as sqlx would: in one transaction unless it starts with
    /// `-- no-transaction`.
    fn file(&self, path: &Path) -> Result<(), String> {
        let text = std::fs::read_to_string(path).expect("a migration file");
        let mut command = self.command("psql", "migtest");
        command.args(["-X", "-q", "-v", "ON_ERROR_STOP=1"]);
        if !text.starts_with("-- no-transaction") {
            command.arg("--single-transaction");
        }
        command.arg("-f").arg(path);
        Self::output(command).map(drop)
    }

    /// The schema of the database and the cluster's roles, as sorted dump blocks.
    fn dump(&self) -> Vec<String> {
        let mut schema = self.command("pg_dump", "migtest");
        schema.args(["--schema-only", "--create"]);
        let mut globals = self.command("pg_dumpall", "");
        globals.args(["--globals-only", "--no-role-passwords"]);
        let text = [schema, globals]
            .into_iter()
            .map(|command| Self::output(command).unwrap_or_else(|e| panic!("dump failed: {e}")))
            .collect::<Vec<_>>()
            .join("\n");
        blocks(&text)
    }
}

/// A dump as its `-- Name: ...` blocks, sorted, so that the order objects were created in (their
/// OIDs break pg_dump's ties) does not count; without the random `\restrict` keys of newer
/// versions and the version banner.
fn blocks(dump: &str) -> Vec<String> {
    let kept: String = dump
        .lines()
        .filter(|line| {
            !line.starts_with("\\restrict ")
                && !line.starts_with("\\unrestrict ")
                && !line.starts_with("-- Dumped ")
        })
        .map(|line| format!("{line}\n"))
        .collect();
    let mut blocks: Vec<String> = kept
        .split("\n--\n-- ")
        .map(|block| block.trim().to_owned())
        .filter(|b| !b.is_empty())
        .collect();
    blocks.sort();
    blocks
}
