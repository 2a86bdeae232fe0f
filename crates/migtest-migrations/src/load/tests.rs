//! Loading folders of every layout: order, versions, pairing, transactions, problems, errors.

use super::*;

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

fn versions(set: &MigrationSet) -> Vec<i64> {
    set.migrations.iter().map(|m| m.version).collect()
}

fn down_sql(migration: &PlannedMigration) -> &str {
    match &migration.down {
        Down::Script(script) => script.sql(),
        Down::None(why) => panic!("no down: {why:?}"),
    }
}

#[test]
fn pairs_reversible_and_keeps_simple_irreversible() {
    let dir = folder(&[
        ("1_first.up.sql", "create table a ();"),
        ("1_first.down.sql", "drop table a;"),
        ("2_second.sql", "create table b ();"),
        ("3_third.up.sql", "create table c ();"),
        ("notes.sql", "-- not a migration"),
    ]);
    let set = load(dir.path()).unwrap();
    assert_eq!(set.layout, Layout::Sqlx);
    assert_eq!(versions(&set), [1, 2, 3]);
    assert!(matches!(set.migrations[0].down, Down::Script(_)));
    assert!(matches!(set.migrations[1].down, Down::None(NoDown::Simple)));
    assert!(matches!(
        set.migrations[2].down,
        Down::None(NoDown::MissingDownFile { .. })
    ));
    assert_eq!(set.migrations[0].description, "first");
    assert_eq!(set.ignored_files, [dir.path().join("notes.sql")]);
    // sqlx is the project's own layout: nothing to say about it.
    assert!(set.notes.is_empty(), "{:?}", set.notes);
}

#[test]
fn no_transaction_traps_are_problems() {
    let dir = folder(&[
        (
            "1_ok.up.sql",
            "-- no-transaction\ncreate index concurrently i on t (a);\n",
        ),
        (
            "1_ok.down.sql",
            "-- no-transaction\ndrop index concurrently i;\n",
        ),
        (
            "2_multi.up.sql",
            "-- no-transaction\ncreate index concurrently j on t (a);\nselect 1;\n",
        ),
        ("2_multi.down.sql", "drop index j;"),
        (
            "3_late.up.sql",
            "\n-- no-transaction\ncreate index concurrently k on t (a);\n",
        ),
        ("3_late.down.sql", "drop index k;"),
        (
            "4_bom.up.sql",
            "\u{feff}-- no-transaction\ncreate index concurrently l on t (a);\n",
        ),
        ("4_bom.down.sql", "drop index l;"),
        (
            "5_crlf.up.sql",
            "-- no-transaction\r\ncreate index concurrently m on t (a);\r\n",
        ),
        ("5_crlf.down.sql", "drop index m;\r\n"),
        ("6_bom_only.up.sql", "\u{feff}create table n ();\n"),
        ("6_bom_only.down.sql", "drop table n;\n"),
    ]);
    let set = load(dir.path()).unwrap();
    assert!(set.migrations[0].problems.is_empty());
    let multi = set.migrations[1].problem(Side::Up).unwrap();
    assert!(
        multi.message.contains("holds 2 statements"),
        "{}",
        multi.message
    );
    let late = set.migrations[2].problem(Side::Up).unwrap();
    assert_eq!(late.line, Some(2));
    let bom = set.migrations[3].problem(Side::Up).unwrap();
    assert!(bom.message.contains("byte-order mark"), "{}", bom.message);
    assert!(
        set.migrations[4].problems.is_empty(),
        "{:?}",
        set.migrations[4].problems
    );
    assert!(set.migrations[4].up.migration.no_tx);
    let bom_only = set.migrations[5].problem(Side::Up).unwrap();
    assert!(
        bom_only.message.contains("PostgreSQL rejects"),
        "{}",
        bom_only.message
    );
}

#[test]
fn unusable_folders_are_errors_that_name_the_file() {
    assert!(matches!(
        load(Path::new("/nonexistent/migrations")),
        Err(LoadError::NotFound { .. })
    ));
    let empty = folder(&[]);
    assert!(matches!(load(empty.path()), Err(LoadError::Empty { .. })));
    let dup = folder(&[("1_a.sql", "select 1;"), ("1_b.sql", "select 2;")]);
    let error = load(dup.path()).unwrap_err();
    assert!(
        matches!(&error, LoadError::DuplicateVersion { version, .. } if version == "1"),
        "{error}"
    );
    assert!(
        error.to_string().contains("1_a.sql") && error.to_string().contains("1_b.sql"),
        "{error}"
    );
    let orphan = folder(&[("1_a.down.sql", "select 1;")]);
    let error = load(orphan.path()).unwrap_err();
    assert!(matches!(error, LoadError::DownWithoutUp { .. }), "{error}");
    assert!(error.to_string().contains("1_a.up.sql"), "{error}");
    let bad = folder(&[
        ("2_ok.sql", "select 1;"),
        ("create_widgets.sql", "select 1;"),
    ]);
    let error = load_with(
        bad.path(),
        &LoadOptions {
            layout: Some(Layout::Sqlx),
            ..LoadOptions::default()
        },
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, LoadError::BadName { .. }), "{message}");
    assert!(
        message.contains("create_widgets.sql") && message.contains("<VERSION>_<name>.sql"),
        "{message}"
    );
    let latin1 = tempfile::tempdir().unwrap();
    std::fs::write(latin1.path().join("1_a.sql"), b"select 1;\n-- caf\xe9\n").unwrap();
    let message = load(latin1.path()).unwrap_err().to_string();
    assert!(
        message.contains("1_a.sql is not UTF-8") && message.contains("line 2, column 7"),
        "{message}"
    );
}

#[test]
fn mixed_layouts_are_an_error_unless_one_is_chosen() {
    let dir = folder(&[
        ("20240101000001_a.sql", "-- +goose Up\ncreate table a ();\n"),
        (
            "20240101000002_b.sql",
            "-- migrate:up\ncreate table b ();\n",
        ),
        ("V3__c.sql", "create table c ();"),
    ]);
    let error = load(dir.path()).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, LoadError::MixedLayouts { .. }), "{message}");
    assert!(
        message.contains("goose (") && message.contains("dbmate (") && message.contains("flyway ("),
        "{message}"
    );
    let goose_only = LoadOptions {
        layout: Some(Layout::Goose),
        ..LoadOptions::default()
    };
    let message = load_with(dir.path(), &goose_only).unwrap_err().to_string();
    assert!(
        message.contains("V3__c.sql is not a goose migration name"),
        "{message}"
    );
    std::fs::remove_file(dir.path().join("V3__c.sql")).unwrap();
    let goose = load_with(dir.path(), &goose_only).unwrap();
    // The dbmate file has no goose annotation: goose would refuse it.
    assert_eq!(versions(&goose), [20240101000001, 20240101000002]);
    assert!(
        goose.migrations[1]
            .problem(Side::Up)
            .unwrap()
            .message
            .contains("no `-- +goose Up`")
    );
    assert_eq!(goose.notes[0], "layout: goose (--layout goose)");
}

#[test]
fn diesel_orders_by_version_without_dashes_and_reads_metadata() {
    let dir = folder(&[
        ("2017-11-20-123456_late/up.sql", "create table late ();"),
        ("2017-11-20-123456_late/down.sql", "drop table late;"),
        ("20170101000000_early/up.sql", "create table early ();"),
        ("20170101000000_early/down.sql", "drop table early;"),
        (
            "20180101000000_index/up.sql",
            "create index concurrently i on early (x);",
        ),
        (
            "20180101000000_index/down.sql",
            "drop index concurrently i;",
        ),
        (
            "20180101000000_index/metadata.toml",
            "# generated\nrun_in_transaction = false\n",
        ),
        ("20190101000000_no_down/up.sql", "create table c ();"),
    ]);
    let set = load(dir.path()).unwrap();
    assert_eq!(set.layout, Layout::Diesel);
    assert_eq!(
        versions(&set),
        [
            20170101000000,
            20171120123456,
            20180101000000,
            20190101000000
        ]
    );
    assert_eq!(set.migrations[1].description, "late");
    assert!(!set.migrations[0].up.migration.no_tx);
    assert!(set.migrations[2].up.migration.no_tx);
    let Down::None(NoDown::MissingDownFile { expected }) = &set.migrations[3].down else {
        panic!("missing down")
    };
    assert!(expected.ends_with("20190101000000_no_down/down.sql"));
    assert!(
        set.notes[0].starts_with("layout: diesel (detected: folders with up.sql"),
        "{:?}",
        set.notes
    );

    let invalid = folder(&[
        ("1_a/up.sql", "select 1;"),
        ("1_a/down.sql", "select 1;"),
        ("1_a/metadata.toml", "run_in_transaction = \"no\"\n"),
    ]);
    let set = load(invalid.path()).unwrap();
    let problem = set.migrations[0].problem(Side::Up).unwrap();
    assert!(
        problem.path.ends_with("1_a/metadata.toml") && problem.line == Some(1),
        "{problem:?}"
    );
    assert!(
        problem.message.contains("is not a boolean"),
        "{}",
        problem.message
    );
}

#[test]
fn golang_migrate_versions_beyond_i64_are_renumbered_in_order() {
    let dir = folder(&[
        ("000001_a.up.sql", "create table a ();"),
        ("000001_a.down.sql", "drop table a;"),
        ("18446744073709551615_b.up.sql", "create table b ();"),
        ("18446744073709551615_b.down.sql", "drop table b;"),
    ]);
    let set = load(dir.path()).unwrap();
    assert_eq!(set.layout, Layout::GolangMigrate);
    assert_eq!(versions(&set), [1, 2]);
    assert_eq!(
        set.migrations[1].description,
        "b (version 18446744073709551615)"
    );
    assert!(
        set.migrations.iter().all(|m| m.up.migration.no_tx),
        "golang-migrate sends a file as one query"
    );
    assert!(
        set.notes.iter().any(|n| n.contains("renumbered")),
        "{:?}",
        set.notes
    );
}

#[test]
fn goose_sections_map_errors_to_the_original_lines() {
    let text = "-- +goose Up\r\n-- +goose StatementBegin\r\nCREATE TABLE widgets (\r\n  name txet\r\n);\r\n-- +goose StatementEnd\r\n\r\n-- +goose Down\r\nDROP TABLE widgets;\r\n";
    let dir = folder(&[("00001_widgets.sql", text)]);
    let set = load(dir.path()).unwrap();
    assert_eq!(set.layout, Layout::Goose);
    let migration = &set.migrations[0];
    assert!(migration.problems.is_empty(), "{:?}", migration.problems);
    let up = &migration.up;
    // PostgreSQL's position of `txet`: characters into the section that was sent.
    let position = up.sql().find("txet").unwrap() + 1;
    let at = up.locate(position).unwrap();
    assert_eq!(
        (at.line, at.column, at.line_text.as_str()),
        (4, 8, "  name txet")
    );
    assert_eq!(down_sql(migration), "DROP TABLE widgets;\r\n");
    assert_eq!(
        set.notes[0],
        "layout: goose (detected: files with -- +goose Up such as 00001_widgets.sql)"
    );
}

#[test]
fn dbmate_and_flyway_are_read_as_their_tools_read_them() {
    let dbmate = folder(&[
        (
            "20240101000001_a.sql",
            "-- migrate:up\ncreate table a ();\n-- migrate:down\ndrop table a;\n",
        ),
        (
            "20240101000002_b.sql",
            "-- migrate:up\ncreate table b ();\n",
        ),
        (
            "20240101000003_c.sql",
            "-- migrate:up\ncreate table c ();\n-- migrate:down\n-- nothing to do\n",
        ),
    ]);
    let set = load(dbmate.path()).unwrap();
    assert_eq!(set.layout, Layout::Dbmate);
    assert_eq!(down_sql(&set.migrations[0]), "drop table a;\n");
    assert!(matches!(set.migrations[1].down, Down::None(NoDown::Simple)));
    assert!(
        set.migrations[1]
            .irreversible_message()
            .contains("add a -- migrate:down section")
    );
    let nothing = set.migrations[2].problem(Side::Down).unwrap();
    assert!(
        nothing
            .message
            .starts_with("down does nothing: the `-- migrate:down` section of"),
        "{}",
        nothing.message
    );
    assert_eq!(nothing.line, Some(3));

    let flyway = folder(&[
        ("V1__create_widgets.sql", "\u{feff}create table widgets ();"),
        (
            "V1.1__index_widgets.sql",
            "create index concurrently i on widgets (x);",
        ),
        ("U1.1__index_widgets.sql", "drop index concurrently i;"),
        ("V1.10__later.sql", "create table later ();"),
        ("R__views.sql", "create or replace view v as select 1;"),
    ]);
    let set = load(flyway.path()).unwrap();
    assert_eq!(set.layout, Layout::Flyway);
    let names: Vec<&str> = set
        .migrations
        .iter()
        .map(|m| m.description.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "create widgets (version 1)",
            "index widgets (version 1.1)",
            "later (version 1.10)"
        ]
    );
    assert!(
        set.migrations[0].problems.is_empty(),
        "Flyway strips the byte-order mark"
    );
    assert!(
        set.migrations[1].up.migration.no_tx && matches!(set.migrations[1].down, Down::Script(_))
    );
    assert!(
        set.notes
            .iter()
            .any(|n| n.contains("R__views.sql is a repeatable migration")),
        "{:?}",
        set.notes
    );
    let configured = folder(&[
        ("V1__a.sql", "create table a ();"),
        ("V2__b.sql", "alter type mood add value 'meh';"),
        (
            "V2__b.sql.conf",
            "# script configuration\nexecuteInTransaction=false\n",
        ),
    ]);
    let set = load(configured.path()).unwrap();
    assert!(!set.migrations[0].up.migration.no_tx && set.migrations[1].up.migration.no_tx);
    assert!(
        set.migrations[0]
            .irreversible_message()
            .contains("add an undo file U<version>__<description>.sql")
    );
    assert!(
        set.notes.iter().all(|n| !n.contains(".conf")),
        "configuration files are not migrations: {:?}",
        set.notes
    );
    let bad = folder(&[("V1__a.sql", "select 1;"), ("V2_b.sql", "select 2;")]);
    let message = load(bad.path()).unwrap_err().to_string();
    assert!(
        message.contains("V2_b.sql is not a flyway migration name")
            && message.contains("two underscores"),
        "{message}"
    );
}

#[test]
fn down_comments_are_the_down_only_when_asked() {
    let up = "-- no-transaction\nCREATE INDEX CONCURRENTLY idx_widgets_name ON widgets (name);\n-- Down: DROP INDEX CONCURRENTLY\n--   idx_widgets_nme;\n";
    let dir = folder(&[("20240101000001_index.sql", up)]);
    let set = load(dir.path()).unwrap();
    let migration = &set.migrations[0];
    assert!(matches!(migration.down, Down::None(NoDown::Simple)));
    assert_eq!(migration.down_comments_at, Some(3));
    assert!(
        migration
            .irreversible_message()
            .contains("--down-from-comments to test its `-- Down:` comments (line 3)"),
        "{}",
        migration.irreversible_message()
    );

    let set = load_with(
        dir.path(),
        &LoadOptions {
            down_from_comments: true,
            ..LoadOptions::default()
        },
    )
    .unwrap();
    let migration = &set.migrations[0];
    let Down::Script(down) = &migration.down else {
        panic!("a down from comments")
    };
    assert_eq!(down.sql(), "DROP INDEX CONCURRENTLY\n   idx_widgets_nme;");
    assert!(
        down.migration.no_tx,
        "the down of a -- no-transaction up runs outside one too"
    );
    // PostgreSQL points at `idx_widgets_nme`: line 4 of the file, after `--`.
    let at = down.locate(down.sql().find("idx_").unwrap() + 1).unwrap();
    assert_eq!(
        (at.line, at.column, at.line_text.as_str()),
        (4, 6, "--   idx_widgets_nme;")
    );
    assert_eq!(
        migration.up.migration.migration_type,
        MigrationType::Simple,
        "sqlx's own up is kept"
    );
}

#[test]
fn an_empty_down_is_not_a_missing_down() {
    let dir = folder(&[
        ("1_a.up.sql", "create table a ();"),
        ("1_a.down.sql", "-- Add down migration script here\n"),
        ("2_b.up.sql", ""),
        ("2_b.down.sql", "select 1;"),
    ]);
    let set = load(dir.path()).unwrap();
    let down = set.migrations[0].problem(Side::Down).unwrap();
    assert!(
        down.message.starts_with("down does nothing:")
            && down.message.contains("holds only comments"),
        "{}",
        down.message
    );
    let up = set.migrations[1].problem(Side::Up).unwrap();
    assert!(
        up.message.starts_with("up does nothing:") && up.message.contains("is empty"),
        "{}",
        up.message
    );
}

#[test]
fn loading_never_writes() {
    let dir = folder(&[
        ("1_a.up.sql", "create table a ();\r\n"),
        ("1_a.down.sql", ""),
    ]);
    let before: Vec<(PathBuf, Vec<u8>)> = ["1_a.up.sql", "1_a.down.sql"]
        .iter()
        .map(|n| {
            (
                dir.path().join(n),
                std::fs::read(dir.path().join(n)).unwrap(),
            )
        })
        .collect();
    for layout in [
        None,
        Some(Layout::GolangMigrate),
        Some(Layout::Goose),
        Some(Layout::Dbmate),
    ] {
        let _ = load_with(
            dir.path(),
            &LoadOptions {
                layout,
                down_from_comments: true,
            },
        );
    }
    for (path, bytes) in before {
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}
