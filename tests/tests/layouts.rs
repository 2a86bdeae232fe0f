//! Every migration layout, end to end through the real binary against a real PostgreSQL: the same
//! defect reported the same way whatever the tool, errors at the original file's line, unusable
//! folders refused with exit code 2 and a message naming the file, files never touched, and
//! `migrate-new`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use migtest_tests::{Run, finding_lines, fixture, migrate_test, root};

const BIN: &str = env!("CARGO_BIN_EXE_migtest-xtask");

fn run(args: &[&str]) -> Run {
    Run::from_output(
        migrate_test(BIN, args)
            .output()
            .expect("the command starts"),
    )
}

fn json_run(source: &str, extra: &[&str]) -> (Run, serde_json::Value) {
    let mut args = vec!["--source", source, "--no-smoke", "--format", "json"];
    args.extend_from_slice(extra);
    let result = run(&args);
    let report = result.json();
    (result, report)
}

/// Each layout's fixture, the `--layout` name, and where the failing statement of its last
/// migration is: the same SQL, at line 4 of a whole file or line 5 of a file whose up section
/// starts below its marker.
const LAYOUTS: [(&str, &str, &str, u64); 6] = [
    (
        "layout_sqlx_widgets",
        "sqlx",
        "20240101000004_create_widget_tags.up.sql",
        4,
    ),
    (
        "layout_diesel_widgets",
        "diesel",
        "2024-01-01-000004_create_widget_tags/up.sql",
        4,
    ),
    (
        "layout_golang_migrate_widgets",
        "golang-migrate",
        "000004_create_widget_tags.up.sql",
        4,
    ),
    (
        "layout_goose_widgets",
        "goose",
        "20240101000005_create_widget_tags.sql",
        5,
    ),
    (
        "layout_dbmate_widgets",
        "dbmate",
        "20240101000004_create_widget_tags.sql",
        5,
    ),
    (
        "layout_flyway_widgets",
        "flyway",
        "V4__create_widget_tags.sql",
        4,
    ),
];

/// Every file under the fixtures this test runs, with its bytes (a link with its target), to
/// prove that a run writes nothing there.
fn fixture_files() -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            let kind = entry.file_type().unwrap();
            if kind.is_symlink() {
                files.insert(
                    path.clone(),
                    std::fs::read_link(&path)
                        .unwrap()
                        .into_os_string()
                        .into_encoded_bytes(),
                );
            } else if kind.is_dir() {
                walk(&path, files);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .map(Result::unwrap)
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("layout_") || name.starts_with("bad_") {
            walk(&entry.path(), &mut files);
        }
    }
    files
}

#[test]
fn every_layout_reports_the_same_defect_the_same_way_and_errors_at_the_original_line() {
    let before = fixture_files();
    // Recognised from the files, and named with --layout: two runs per layout, two at a time.
    let runs: Vec<(usize, bool, Run, serde_json::Value)> = std::thread::scope(|scope| {
        let handles: Vec<_> = [false, true]
            .into_iter()
            .map(|explicit| {
                scope.spawn(move || {
                    LAYOUTS
                        .iter()
                        .enumerate()
                        .map(|(index, (case, layout, _, _))| {
                            let source = format!("tests/fixtures/{case}/migrations");
                            let extra: &[&str] = if explicit { &["--layout", layout] } else { &[] };
                            let (result, report) = json_run(&source, extra);
                            (index, explicit, result, report)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("layout thread"))
            .collect()
    });

    let mut defects = BTreeMap::new();
    for (index, explicit, result, report) in &runs {
        let (case, layout, failing_file, failing_line) = LAYOUTS[*index];
        let context = format!(
            "{case} (--layout given: {explicit})\nstderr: {}",
            result.stderr
        );
        assert_eq!(result.code, Some(1), "{context}");
        let expected = std::fs::read_to_string(fixture(case).join("expected")).unwrap();
        let expected: Vec<&str> = expected.lines().collect();
        assert_eq!(finding_lines(report), expected, "{context}");

        // The layout, and how it was chosen, is in the report (sqlx, this project's own, only
        // when it was asked for).
        let notes: Vec<&str> = report["notes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|n| n["message"].as_str())
            .collect();
        let chosen = if *explicit {
            format!("layout: {layout} (--layout {layout})")
        } else {
            format!("layout: {layout} (detected: ")
        };
        if *explicit || layout != "sqlx" {
            assert!(
                notes.iter().any(|n| n.starts_with(&chosen)),
                "{context}\nnotes: {notes:?}"
            );
        }

        let failures = report["failures"].as_array().unwrap();
        let roundtrip = failures
            .iter()
            .find(|f| f["check"] == "roundtrip")
            .expect("a roundtrip finding");
        defects.insert(
            (case, *explicit),
            (roundtrip["message"].clone(), roundtrip["object"].clone()),
        );

        let up = failures
            .iter()
            .find(|f| f["check"] == "up")
            .expect("an up finding");
        assert_eq!(up["error"]["sqlstate"], "42704", "{context}\n{up:#}");
        let location = &up["location"];
        let file = location["file"].as_str().unwrap();
        assert!(file.ends_with(failing_file), "{context}\n{up:#}");
        assert_eq!(
            (location["line"].as_u64(), location["column"].as_u64()),
            (Some(failing_line), Some(15)),
            "{context}\n{up:#}"
        );
        assert_eq!(
            location["source_line"], "    tag       txet   NOT NULL",
            "{context}\n{up:#}"
        );
        // The line really is that line of the file on disk.
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        assert_eq!(
            text.lines().nth(failing_line as usize - 1),
            location["source_line"].as_str(),
            "{context}"
        );
    }
    let distinct: std::collections::BTreeSet<String> = defects
        .values()
        .map(|d| format!("{} {}", d.0, d.1))
        .collect();
    assert_eq!(
        distinct.len(),
        1,
        "the forgotten index is reported differently: {defects:#?}"
    );
    let message = distinct.into_iter().next().unwrap();
    assert!(
        message.contains("down left index public.idx_widgets_name behind"),
        "{message}"
    );
    assert_eq!(fixture_files(), before, "a run changed the fixtures");
}

#[test]
fn down_comments_are_mentioned_without_the_flag_and_tested_with_it() {
    let source = "tests/fixtures/layout_sqlx_down_comments/migrations";
    let (result, report) = json_run(source, &[]);
    assert_eq!(result.code, Some(1), "{}", result.stderr);
    assert_eq!(
        finding_lines(&report),
        [
            "20240101000001 down",
            "20240101000002 down",
            "20240101000003 down"
        ]
    );
    for failure in report["failures"].as_array().unwrap() {
        let message = failure["message"].as_str().unwrap();
        assert!(
            message.starts_with("no down migration:")
                && message.contains("pass --down-from-comments"),
            "{message}"
        );
    }
    let (result, report) = json_run(source, &["--down-from-comments"]);
    assert_eq!(result.code, Some(1), "{}", result.stderr);
    assert_eq!(finding_lines(&report), ["20240101000002 roundtrip"]);
    assert!(
        report["failures"][0]["message"]
            .as_str()
            .unwrap()
            .contains("down left index public.idx_widgets_name behind")
    );
}

#[test]
fn bad_files_are_findings_of_their_migrations_saying_where_and_what_to_do() {
    let (result, report) = json_run("tests/fixtures/bad_files/migrations", &[]);
    assert_eq!(result.code, Some(1), "{}", result.stderr);
    let findings: Vec<(i64, String, String, u64)> = report["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["location"]["file"].as_str().unwrap();
            let name = Path::new(file)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                f["migration"].as_i64().unwrap(),
                f["message"].as_str().unwrap().to_owned(),
                name,
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expect = |version: i64, starts: &str, contains: &str, file: &str| {
        let found = findings
            .iter()
            .find(|f| f.0 == version)
            .unwrap_or_else(|| panic!("no finding for {version}: {findings:#?}"));
        assert!(
            found.1.starts_with(starts) && found.1.contains(contains),
            "{version}: {}",
            found.1
        );
        assert_eq!((found.2.as_str(), found.3), (file, 1), "{version}");
    };
    expect(
        20240101000002,
        "down does nothing:",
        "holds only comments",
        "20240101000002_add_widgets_sku.down.sql",
    );
    expect(
        20240101000003,
        "down does nothing:",
        "is empty",
        "20240101000003_add_widgets_color.down.sql",
    );
    expect(
        20240101000004,
        "tests/fixtures/bad_files/migrations/20240101000004_add_widgets_weight.up.sql has no down file",
        "create tests/fixtures/bad_files/migrations/20240101000004_add_widgets_weight.down.sql",
        "20240101000004_add_widgets_weight.up.sql",
    );
    expect(
        20240101000005,
        "tests/fixtures/bad_files/migrations/20240101000005_create_widget_tags.up.sql starts with a byte-order mark",
        "without a byte-order mark",
        "20240101000005_create_widget_tags.up.sql",
    );
    // The CRLF migration is fine.
    assert_eq!(
        report["migrations"][0]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "passed")
            .count(),
        4
    );
}

/// The folders under `tests/fixtures/bad_files/unusable/`, and what the message must say.
const UNUSABLE: &[(&str, &[&str])] = &[
    (
        "duplicate_versions",
        &[
            "version 20240101000001 is used by more than one migration",
            "20240101000001_create_gadgets.sql",
            "give each migration its own version",
        ],
    ),
    (
        "down_without_up",
        &[
            "20240101000002_index_widgets_name.down.sql is a down migration without its up",
            "20240101000002_index_widgets_name.up.sql",
            "add the up or remove the down",
        ],
    ),
    (
        "bad_name",
        &[
            "index_widgets_name.sql is not a sqlx migration name",
            "\"index\"",
            "rename it to <VERSION>_<name>.sql",
        ],
    ),
    (
        "flyway_bad_name",
        &[
            "V2_index_widgets_name.sql is not a flyway migration name",
            "two underscores",
            "rename it to V<version>__<description>.sql",
        ],
    ),
    (
        "goose_bad_name",
        &[
            "v2_index_widgets_name.sql is not a goose migration name",
            "rename it to <version>_<name>.sql",
        ],
    ),
    (
        "mixed_layouts",
        &[
            "mixes layouts: diesel (",
            "goose (",
            "dbmate (",
            "pass --layout",
        ],
    ),
    (
        "not_utf8",
        &[
            "20240101000001_create_widgets.up.sql is not UTF-8",
            "byte 0xE9 at byte offset 89 (line 3, column 36)",
            "save the file as UTF-8",
        ],
    ),
    (
        "no_migrations",
        &[
            "holds no migrations",
            "pass the folder that holds them with --source",
        ],
    ),
    (
        "symlink_loop",
        &[
            "20240101000001_create_widgets.sql is a symbolic link loop",
            "20240101000001_create_widgets.sql -> 20240101000002_index_widgets_name.sql -> 20240101000001_create_widgets.sql",
        ],
    ),
    (
        "dangling_symlink",
        &[
            "is a symbolic link to ../moved_away/20240101000001_create_widgets.sql, which does not exist",
        ],
    ),
    (
        "does_not_exist",
        &["does_not_exist does not exist; pass the folder with --source"],
    ),
];

#[test]
fn unusable_folders_exit_2_with_a_message_naming_the_file() {
    let before = fixture_files();
    for (case, needles) in UNUSABLE {
        let source = format!("tests/fixtures/bad_files/unusable/{case}");
        let result = run(&["--source", &source, "--no-smoke", "--format", "json"]);
        assert_eq!(
            result.code,
            Some(2),
            "{case}: {}{}",
            result.stdout,
            result.stderr
        );
        assert!(
            result.stdout.is_empty(),
            "{case}: no report for an unusable folder: {}",
            result.stdout
        );
        for needle in *needles {
            assert!(
                result.stderr.contains(needle),
                "{case}: the message lacks {needle:?}:\n{}",
                result.stderr
            );
        }
        assert_eq!(
            result.stderr.lines().count(),
            1,
            "{case}: one line says it all:\n{}",
            result.stderr
        );
    }
    // A --source that is itself a link to itself.
    let scratch = tempfile::tempdir().unwrap();
    let looped = scratch.path().join("migrations");
    std::os::unix::fs::symlink("migrations", &looped).unwrap();
    let result = run(&["--source", looped.to_str().unwrap(), "--no-smoke"]);
    assert_eq!(result.code, Some(2));
    assert!(
        result
            .stderr
            .contains("is a symbolic link loop (migrations -> migrations)"),
        "{}",
        result.stderr
    );
    assert_eq!(fixture_files(), before, "a run changed the fixtures");
}

fn migrate_new(args: &[&str]) -> Run {
    Run::from_output(
        Command::new(BIN)
            .arg("migrate-new")
            .args(args)
            .current_dir(root())
            .env("NO_COLOR", "1")
            .output()
            .expect("the command starts"),
    )
}

#[test]
fn migrate_new_creates_a_reversible_pair_and_refuses_what_would_hurt() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().to_str().unwrap();
    let created = migrate_new(&[
        "add_widgets_name_index",
        "--source",
        dir,
        "--version",
        "20240101000001",
    ]);
    assert_eq!(created.code, Some(0), "{}", created.stderr);
    let up = scratch
        .path()
        .join("20240101000001_add_widgets_name_index.up.sql");
    let down = scratch
        .path()
        .join("20240101000001_add_widgets_name_index.down.sql");
    assert_eq!(
        created.stdout,
        format!("created {}\ncreated {}\n", up.display(), down.display())
    );
    let up_text = std::fs::read_to_string(&up).unwrap();
    for practice in [
        "one change per migration",
        "CREATE INDEX CONCURRENTLY alone",
        "`-- no-transaction`",
        "in batches",
        "restores exactly",
    ] {
        assert!(
            up_text.contains(practice),
            "the header lacks {practice:?}:\n{up_text}"
        );
    }
    assert!(
        std::fs::read_to_string(&down)
            .unwrap()
            .contains("Undo exactly what the up does")
    );

    // Nothing is overwritten: the version is taken.
    std::fs::write(&up, "CREATE TABLE widgets (name text);\n").unwrap();
    let again = migrate_new(&[
        "add_widgets_name_index",
        "--source",
        dir,
        "--version",
        "20240101000001",
    ]);
    assert_eq!(again.code, Some(2));
    assert!(
        again
            .stderr
            .contains("version 20240101000001 is already taken by"),
        "{}",
        again.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&up).unwrap(),
        "CREATE TABLE widgets (name text);\n"
    );

    for bad in [
        "AddWidgets",
        "add-widgets",
        "add widgets",
        "add__widgets",
        "_add",
        "2_widgets",
    ] {
        let refused = migrate_new(&[bad, "--source", dir]);
        assert_eq!(refused.code, Some(2), "{bad}");
        assert!(
            refused
                .stderr
                .contains("is not lowercase words joined by underscores"),
            "{bad}: {}",
            refused.stderr
        );
    }
    let missing = migrate_new(&["add_widgets", "--source", "no/such/folder"]);
    assert_eq!(missing.code, Some(2));
    assert!(
        missing.stderr.contains("no/such/folder does not exist"),
        "{}",
        missing.stderr
    );
    let goose = migrate_new(&[
        "add_widgets",
        "--source",
        "tests/fixtures/layout_goose_widgets/migrations",
    ]);
    assert_eq!(goose.code, Some(2));
    assert!(
        goose.stderr.contains("holds goose migrations"),
        "{}",
        goose.stderr
    );
    assert_eq!(
        std::fs::read_dir(fixture("layout_goose_widgets").join("migrations"))
            .unwrap()
            .count(),
        5
    );

    // The current UTC time as the version.
    let timed = migrate_new(&["create_gadgets", "--source", dir]);
    assert_eq!(timed.code, Some(0), "{}", timed.stderr);
    let names: Vec<String> = std::fs::read_dir(scratch.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with("_create_gadgets.up.sql"))
        .collect();
    let [name] = names.as_slice() else {
        panic!("one new up: {names:?}")
    };
    let version = &name[..name.find('_').unwrap()];
    assert!(
        version.len() == 14
            && version.starts_with("20")
            && version.bytes().all(|b| b.is_ascii_digit()),
        "{name}"
    );

    // An untouched pair is reported as doing nothing until it is written.
    std::fs::remove_file(&up).unwrap();
    std::fs::remove_file(&down).unwrap();
    let (result, report) = json_run(dir, &[]);
    assert_eq!(result.code, Some(1), "{}", result.stderr);
    let message = report["failures"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("up does nothing:") && message.contains("holds only comments"),
        "{message}"
    );
}
