//! End-to-end: the real command, as a process, against a real PostgreSQL, on real files.

use std::path::Path;
use std::time::{Duration, Instant};

use migtest_tests::{Run, finding_lines, fixture, fixture_cases, migrate_test, root};

const BIN: &str = env!("CARGO_BIN_EXE_migtest-xtask");

fn run(args: &[&str]) -> Run {
    Run::from_output(
        migrate_test(BIN, args)
            .output()
            .expect("the command starts"),
    )
}

#[test]
fn the_workspace_migrations_pass_every_check_and_the_ladder() {
    let run = run(&["--ladder", "--format", "json"]);
    let report = run.json();
    assert_eq!(
        report["ok"], true,
        "findings: {:#}\nstderr: {}",
        report["failures"], run.stderr
    );
    assert_eq!(run.code, Some(0));
    let migrations = report["migrations"].as_array().unwrap();
    assert!(
        migrations.len() >= 12,
        "the workspace has {} migrations",
        migrations.len()
    );
    for migration in migrations {
        let checks: Vec<(&str, &str)> = migration["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["check"].as_str().unwrap(), c["status"].as_str().unwrap()))
            .collect();
        assert_eq!(
            checks,
            [
                ("up", "passed"),
                ("down", "passed"),
                ("roundtrip", "passed"),
                ("redo", "passed")
            ],
            "migration {}",
            migration["version"]
        );
    }
    assert_eq!(report["ladder"]["status"], "passed");
    let smoke = report["smoke"].as_array().unwrap();
    assert!(smoke.len() >= 3, "smoke evals: {smoke:?}");
    assert!(
        smoke.iter().all(|s| s["passed"] == true),
        "smoke evals: {smoke:?}"
    );
    assert!(
        migrations.iter().any(|m| m["no_transaction"] == true),
        "the workspace has a -- no-transaction migration"
    );
}

/// Each fixture folder holds `migrations/` and `expected`: the `<version> <check>` lines of the
/// findings the run must report, nothing more, nothing less (`smoke <file>` for smoke evals).
/// Optional: `smoke/` (its evals are run) and `args` (extra flags, e.g. `--ladder`).
#[test]
fn every_fixture_reports_exactly_its_expected_findings() {
    let cases = fixture_cases();
    assert!(cases.len() >= 14, "fixture cases: {cases:?}");
    let mut mismatches = Vec::new();
    // Two at a time: each run has its own throwaway server.
    let results: Vec<(String, Run)> = std::thread::scope(|scope| {
        let chunks: Vec<Vec<String>> = cases
            .chunks(cases.len().div_ceil(2))
            .map(<[String]>::to_vec)
            .collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|case| {
                            let args = fixture_args(&case);
                            let args: Vec<&str> = args.iter().map(String::as_str).collect();
                            (case, run(&args))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("fixture thread"))
            .collect()
    });
    for (case, result) in results {
        let expected_text = std::fs::read_to_string(fixture(&case).join("expected"))
            .unwrap_or_else(|e| panic!("fixture {case} has no expected file: {e}"));
        let expected: Vec<&str> = expected_text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let report = result.json();
        let actual = finding_lines(&report);
        let expected_code = if expected.is_empty() { 0 } else { 1 };
        if actual != expected || result.code != Some(expected_code) {
            let messages: Vec<String> = report["failures"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| format!("    {} {}: {}", f["migration"], f["check"], f["message"]))
                .collect();
            mismatches.push(format!(
                "{case}: expected {expected:?} (exit {expected_code}), got {actual:?} (exit {:?})\n{}\n{}",
                result.code,
                messages.join("\n"),
                result.stderr
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}

/// The command line for a fixture case: its migrations, its smoke evals or none, its extra flags.
fn fixture_args(case: &str) -> Vec<String> {
    let folder = fixture(case);
    let mut args = vec![
        "--source".to_owned(),
        format!("tests/fixtures/{case}/migrations"),
        "--format".into(),
        "json".into(),
    ];
    if folder.join("smoke").is_dir() {
        args.extend(["--smoke".to_owned(), format!("tests/fixtures/{case}/smoke")]);
    } else {
        args.push("--no-smoke".into());
    }
    if let Ok(extra) = std::fs::read_to_string(folder.join("args")) {
        args.extend(extra.split_whitespace().map(str::to_owned));
    }
    args
}

#[test]
fn every_check_kind_has_a_fixture_that_triggers_it_and_one_that_passes() {
    let mut triggered = std::collections::BTreeSet::new();
    let mut passing_with = std::collections::BTreeSet::new();
    for case in fixture_cases() {
        let expected = std::fs::read_to_string(fixture(&case).join("expected")).unwrap_or_default();
        for line in expected.lines() {
            if let Some(check) = line
                .split_whitespace()
                .nth(1)
                .filter(|_| !line.starts_with("smoke"))
            {
                triggered.insert(check.to_owned());
            } else if line.starts_with("smoke") {
                triggered.insert("smoke".to_owned());
            }
        }
        if expected.trim().is_empty() {
            let args = fixture_args(&case).join(" ");
            passing_with.insert("up down roundtrip redo".to_owned());
            if args.contains("--ladder") {
                passing_with.insert("ladder".to_owned());
            }
            if args.contains("--smoke") {
                passing_with.insert("smoke".to_owned());
            }
        }
    }
    for check in ["up", "down", "roundtrip", "redo", "ladder", "smoke"] {
        assert!(triggered.contains(check), "no fixture triggers {check}");
    }
    assert!(
        passing_with.contains("ladder") && passing_with.contains("smoke"),
        "{passing_with:?}"
    );
}

#[test]
fn human_output_names_the_object_the_down_left_behind() {
    let result = run(&[
        "--backend",
        "native",
        "--source",
        "tests/fixtures/down_forgets_index/migrations",
        "--no-smoke",
    ]);
    assert_eq!(result.code, Some(1), "{}", result.stderr);
    let settings = timing_filters();
    settings.bind(|| insta::assert_snapshot!("down_forgets_index_human", result.stdout));
}

#[test]
fn a_failing_statement_is_reported_at_its_file_line_and_column() {
    let result = run(&[
        "--backend",
        "native",
        "--source",
        "tests/fixtures/up_errors/migrations",
        "--no-smoke",
    ]);
    assert_eq!(result.code, Some(1), "{}", result.stderr);
    let settings = timing_filters();
    settings.bind(|| insta::assert_snapshot!("up_errors_human", result.stdout));
    let json = run(&[
        "--source",
        "tests/fixtures/up_errors/migrations",
        "--no-smoke",
        "--format",
        "json",
    ])
    .json();
    let failure = &json["failures"][0];
    assert_eq!(failure["check"], "up");
    assert!(
        failure["error"]["sqlstate"]
            .as_str()
            .is_some_and(|s| s.len() == 5),
        "{failure:#}"
    );
    assert!(
        failure["location"]["line"].as_u64().is_some_and(|l| l >= 1),
        "{failure:#}"
    );
    assert!(
        failure["location"]["column"].as_u64().is_some(),
        "{failure:#}"
    );
}

#[test]
fn machine_formats_carry_the_findings() {
    let source = "tests/fixtures/down_forgets_index/migrations";
    let junit = run(&["--source", source, "--no-smoke", "--format", "junit"]);
    assert_eq!(junit.code, Some(1));
    assert!(junit.stdout.starts_with("<?xml"), "{}", junit.stdout);
    assert!(
        junit.stdout.contains("<failure message=\"down left index"),
        "{}",
        junit.stdout
    );
    let github = run(&["--source", source, "--no-smoke", "--format", "github"]);
    assert_eq!(github.code, Some(1));
    let first = github.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(
            "::error title=migtest roundtrip,file=tests/fixtures/down_forgets_index/migrations/"
        ),
        "{first}"
    );
    let json = run(&["--source", source, "--no-smoke", "--format", "json"]).json();
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["ok"], false);
    assert!(
        json["server"]["version"]
            .as_str()
            .is_some_and(|v| !v.is_empty())
    );
    let failure = &json["failures"][0];
    for field in ["migration", "name", "check", "message", "diff"] {
        assert!(
            !failure[field].is_null(),
            "failure lacks {field}: {failure:#}"
        );
    }
    for phase in ["boot", "apply", "snapshot", "compare", "smoke", "total"] {
        assert!(json["timings"][phase].is_number(), "timings lack {phase}");
    }
    assert!(json["migrations"][0]["checks"][0]["millis"].is_number());
}

#[test]
fn an_existing_server_gets_a_scratch_database_that_is_dropped_afterwards() {
    use migtest_runner::pg::{Backend, NativeOptions, Server};
    use sqlx::ConnectOptions;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = runtime
        .block_on(Server::start(&Backend::Native(NativeOptions::default())))
        .expect("a server to point at");
    let socket = server
        .connect_options("postgres")
        .get_socket()
        .unwrap()
        .display()
        .to_string();
    let url = |database: &str| {
        format!("postgres://postgres:not-to-be-printed@localhost:5432/{database}?host={socket}")
    };
    let databases = || -> Vec<String> {
        runtime.block_on(async {
            let mut conn = server.connect_options("postgres").connect().await.unwrap();
            sqlx::query_scalar("select datname::text from pg_database order by 1")
                .fetch_all(&mut conn)
                .await
                .unwrap()
        })
    };
    let before = databases();

    let failing = run(&[
        "--database-url",
        &url("postgres"),
        "--source",
        "tests/fixtures/down_forgets_index/migrations",
        "--no-smoke",
        "--format",
        "json",
    ]);
    assert_eq!(failing.code, Some(1), "{}", failing.stderr);
    assert_eq!(failing.json()["server"]["backend"], "url");
    assert_eq!(finding_lines(&failing.json()), ["20240101000002 roundtrip"]);
    assert_eq!(databases(), before, "the scratch database was dropped");

    // The server's `migtest` database holds the tables of the workspace's migrations after this.
    let passing = run(&[
        "--database-url",
        &url("migtest"),
        "--i-know-this-is-a-scratch-server",
    ]);
    assert_eq!(
        passing.code,
        Some(0),
        "{}{}",
        passing.stdout,
        passing.stderr
    );
    runtime.block_on(async {
        let mut conn = server.connect_options("migtest").connect().await.unwrap();
        sqlx::raw_sql("create table precious (id int)")
            .execute(&mut conn)
            .await
            .unwrap();
    });
    let refused = run(&["--database-url", &url("migtest"), "--no-smoke"]);
    assert_eq!(refused.code, Some(2));
    assert!(
        refused.stderr.contains("--i-know-this-is-a-scratch-server"),
        "{}",
        refused.stderr
    );

    let unreachable = run(&[
        "--database-url",
        "postgres://app:not-to-be-printed@127.0.0.1:1/app",
        "--no-smoke",
    ]);
    assert_eq!(unreachable.code, Some(2));
    for output in [&failing, &passing, &refused, &unreachable] {
        assert!(
            !output.stdout.contains("not-to-be-printed")
                && !output.stderr.contains("not-to-be-printed"),
            "a password was printed"
        );
    }
    assert!(
        unreachable
            .stderr
            .contains("postgres://app:***@127.0.0.1:1/app"),
        "{}",
        unreachable.stderr
    );
    drop(server);
}

/// Majors the matrix tests run on: Debian's 15 and one fetched by `cargo xtask pg-install`.
const MATRIX: &str = "15,17";

#[test]
fn a_version_matrix_reports_each_major_and_keeps_ok_and_failures_meaning() {
    let passing = run(&["--pg", MATRIX, "--ladder", "--format", "json"]);
    let report = passing.json();
    assert_eq!(
        passing.code,
        Some(0),
        "{:#}\n{}",
        report["failures"],
        passing.stderr
    );
    assert_eq!(report["ok"], true);
    assert_eq!(report["majors"], serde_json::json!([15, 17]));
    for major in ["15", "17"] {
        let section = &report["postgres"][major];
        assert_eq!(section["ok"], true, "pg {major}");
        assert_eq!(
            section["server"]["major"]
                .as_u64()
                .map(|m| m.to_string())
                .as_deref(),
            Some(major)
        );
        assert!(section["smoke"].as_array().is_some_and(|s| !s.is_empty()));
    }

    let failing = run(&[
        "--pg",
        MATRIX,
        "--source",
        "tests/fixtures/down_forgets_index/migrations",
        "--no-smoke",
        "--format",
        "json",
    ]);
    let report = failing.json();
    assert_eq!(failing.code, Some(1), "{}", failing.stderr);
    assert_eq!(report["ok"], false);
    let tagged: Vec<(i64, &str, u64)> = report["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["migration"].as_i64().unwrap(),
                f["check"].as_str().unwrap(),
                f["postgres"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        tagged,
        [
            (20240101000002, "roundtrip", 15),
            (20240101000002, "roundtrip", 17)
        ]
    );

    let human = run(&[
        "--pg",
        MATRIX,
        "--source",
        "tests/fixtures/down_forgets_index/migrations",
        "--no-smoke",
    ]);
    assert_eq!(human.code, Some(1));
    let table_row = human
        .stdout
        .lines()
        .find(|l| l.contains("20240101000002 add last login"))
        .unwrap_or_default();
    assert_eq!(
        table_row
            .split_whitespace()
            .rev()
            .take(2)
            .collect::<Vec<_>>(),
        ["FAIL", "FAIL"],
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("error: [pg 17] migration 20240101000002"),
        "{}",
        human.stdout
    );
}

#[test]
fn a_major_that_is_not_available_is_a_tool_error_saying_how_to_get_it() {
    let result = run(&["--pg", "15,16", "--no-smoke", "--pg-bin", "/nonexistent"]);
    assert_eq!(result.code, Some(2), "{}", result.stderr);
    let missing = run(&["--pg", "9", "--no-smoke"]);
    assert_eq!(missing.code, Some(2));
    assert!(
        missing
            .stderr
            .contains("no PostgreSQL server binaries found for major 9"),
        "{}",
        missing.stderr
    );
}

#[test]
fn an_unusable_folder_is_a_tool_error_with_exit_code_2() {
    let missing = run(&["--source", "no/such/folder"]);
    assert_eq!(missing.code, Some(2));
    assert!(
        missing.stderr.contains("no/such/folder") && missing.stderr.contains("--source"),
        "{}",
        missing.stderr
    );
    let empty = tempfile::tempdir().unwrap();
    let result = run(&["--source", empty.path().to_str().unwrap()]);
    assert_eq!(result.code, Some(2));
    assert!(
        result.stderr.contains("holds no migrations"),
        "{}",
        result.stderr
    );
    let no_binaries = run(&["--pg-bin", empty.path().to_str().unwrap()]);
    assert_eq!(no_binaries.code, Some(2));
    assert!(
        no_binaries
            .stderr
            .contains("does not hold PostgreSQL server binaries"),
        "{}",
        no_binaries.stderr
    );
    let bad_flag = run(&["--format", "yaml"]);
    assert_eq!(bad_flag.code, Some(2));
}

#[test]
fn help_teaches_the_checks_and_the_exit_codes() {
    let help = run(&["--help"]);
    assert_eq!(help.code, Some(0));
    for needle in [
        "roundtrip",
        "--ladder",
        "Exit status",
        "--allow-irreversible",
        "--format",
    ] {
        assert!(
            help.stdout.contains(needle),
            "--help lacks {needle}:\n{}",
            help.stdout
        );
    }
}

#[test]
fn interrupting_a_run_leaves_no_server_and_no_files() {
    for signal in [
        nix::sys::signal::Signal::SIGINT,
        nix::sys::signal::Signal::SIGTERM,
    ] {
        interrupt_mid_run(signal);
    }
}

fn interrupt_mid_run(signal: nix::sys::signal::Signal) {
    let migrations = tempfile::tempdir().unwrap();
    std::fs::write(
        migrations.path().join("1_slow.up.sql"),
        "select pg_sleep(60);\n",
    )
    .unwrap();
    std::fs::write(migrations.path().join("1_slow.down.sql"), "select 1;\n").unwrap();
    // The run's temporary folders go here, so we can see exactly what it leaves.
    let scratch = scratch_dir();
    let mut child = migrate_test(
        BIN,
        &[
            "--backend",
            "native",
            "--source",
            migrations.path().to_str().unwrap(),
            "--no-smoke",
        ],
    )
    .env("TMPDIR", scratch.path())
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    // Wait until the server runs the slow migration.
    loop {
        assert!(
            Instant::now() < deadline,
            "the server never started under {}",
            scratch.path().display()
        );
        if postgres_processes_under(scratch.path()) > 0 && server_is_busy(scratch.path()) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), signal).unwrap();
    let output = wait_with_deadline(&mut child, Duration::from_secs(30));
    assert_eq!(
        output.status.code(),
        Some(130),
        "{signal}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let left: Vec<_> = std::fs::read_dir(scratch.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "{signal} left files behind: {left:?}");
    assert_eq!(
        postgres_processes_under(scratch.path()),
        0,
        "{signal} left a server running"
    );
}

/// True once the server log shows it accepted connections and a migration has been running a
/// moment (the slow one).
fn server_is_busy(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.filter_map(Result::ok).any(|e| {
        std::fs::read_to_string(e.path().join("server.log"))
            .is_ok_and(|log| log.contains("ready to accept connections"))
            && e.path().join("data/postmaster.pid").exists()
    }) && {
        std::thread::sleep(Duration::from_millis(300));
        true
    }
}

fn postgres_processes_under(dir: &Path) -> usize {
    let needle = dir.to_string_lossy().into_owned();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .chars()
                .all(|c| c.is_ascii_digit())
        })
        .filter(|e| {
            std::fs::read(e.path().join("cmdline")).is_ok_and(|cmdline| {
                let text = String::from_utf8_lossy(&cmdline);
                text.contains("postgres") && text.contains(&needle)
            })
        })
        .count()
}

fn wait_with_deadline(child: &mut std::process::Child, limit: Duration) -> std::process::Output {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(_status) = child.try_wait().unwrap() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the command did not exit within {limit:?} after the signal");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        use std::io::Read;
        let _ = pipe.read_to_string(&mut stderr);
    }
    let status = child.wait().unwrap();
    std::process::Output {
        status,
        stdout: Vec::new(),
        stderr: stderr.into_bytes(),
    }
}

#[test]
fn keep_leaves_a_server_that_answers_and_says_how_to_stop_it() {
    let scratch = scratch_dir();
    let result = Run::from_output(
        migrate_test(
            BIN,
            &[
                "--backend",
                "native",
                "--source",
                "tests/fixtures/pass_basic/migrations",
                "--no-smoke",
                "--keep",
            ],
        )
        .env("TMPDIR", scratch.path())
        .output()
        .unwrap(),
    );
    assert_eq!(result.code, Some(0), "{}\n{}", result.stdout, result.stderr);
    assert!(
        result.stderr.contains("connect: psql -h "),
        "{}",
        result.stderr
    );
    assert!(result.stderr.contains("stop:"), "{}", result.stderr);
    let kept: Vec<_> = std::fs::read_dir(scratch.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(
        postgres_processes_under(scratch.path()) >= 1,
        "the postmaster is still running"
    );
    // Stop it the hard way and clean up, as the test owns this folder.
    let pid_file = std::fs::read_to_string(kept[0].join("data/postmaster.pid")).unwrap();
    let pid: i32 = pid_file.lines().next().unwrap().trim().parse().unwrap();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGQUIT,
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while postgres_processes_under(scratch.path()) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(postgres_processes_under(scratch.path()), 0);
}

/// A TMPDIR for one run, that the unprivileged server user can enter.
fn scratch_dir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn timing_filters() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r" in [0-9.]+ m?s \(boot .*\)", " in [timings]");
    settings.add_filter(r"PostgreSQL \d+(\.\d+)?", "PostgreSQL [version]");
    settings.set_snapshot_path(root().join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}
