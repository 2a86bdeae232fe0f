//! Resolving a migration folder with sqlx, pairing ups with downs, and the checks sqlx skips.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sqlx::migrate::{Migration, MigrationType, resolve_blocking};

use crate::lexer::statement_count;

/// Why a folder cannot be used at all (exit code 2); problems with single migrations are
/// [`Problem`]s instead, reported as findings.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("migration folder {} does not exist; pass the folder with --source", path.display())]
    NotFound { path: PathBuf },
    #[error("{} is not a folder; --source takes the folder that holds the migrations", path.display())]
    NotADirectory { path: PathBuf },
    #[error("migration folder {} holds no migrations (expected files named <VERSION>_<name>.sql or <VERSION>_<name>.up.sql/.down.sql)", path.display())]
    Empty { path: PathBuf },
    #[error("sqlx could not resolve the migration folder {}", path.display())]
    Resolve {
        path: PathBuf,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("version {version} is used by more than one migration: {}; give each migration its own version", join_paths(paths))]
    DuplicateVersion { version: i64, paths: Vec<PathBuf> },
    #[error("{} is a down migration without its up ({}); add the up file or remove the down", path.display(), expected.display())]
    DownWithoutUp { path: PathBuf, expected: PathBuf },
}

fn join_paths(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

/// One migration file as sqlx resolved it, with the path it came from.
#[derive(Debug, Clone)]
pub struct Script {
    /// Exactly what sqlx's `Migrate::apply`/`revert` take: the SQL, checksum and `no_tx` flag.
    pub migration: Migration,
    pub path: PathBuf,
}

impl Script {
    pub fn sql(&self) -> &str {
        self.migration.sql.as_str()
    }

    /// Maps PostgreSQL's error position (1-based characters into [`Script::sql`]) to a line
    /// and column of the file.
    pub fn locate(&self, position: usize) -> Option<crate::SourcePosition> {
        crate::locate(self.sql(), position)
    }
}

/// Why a migration has no down to test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoDown {
    /// A simple `<VERSION>_<name>.sql` migration: irreversible by design.
    Simple,
    /// A `.up.sql` whose `.down.sql` is missing.
    MissingDownFile { expected: PathBuf },
}

/// The way back from a migration.
#[derive(Debug, Clone)]
pub enum Down {
    Script(Script),
    None(NoDown),
}

/// Which file of a migration a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Up,
    Down,
}

/// A defect found by reading a file, before anything runs: the file must not be run as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub side: Side,
    pub path: PathBuf,
    /// 1-based line, when the defect is at one.
    pub line: Option<u32>,
    pub message: String,
}

/// A migration ready to test: its up, its way back, and anything wrong with the files.
#[derive(Debug, Clone)]
pub struct PlannedMigration {
    pub version: i64,
    /// sqlx's description: the file name's words.
    pub description: String,
    pub up: Script,
    pub down: Down,
    pub problems: Vec<Problem>,
}

impl PlannedMigration {
    pub fn problem(&self, side: Side) -> Option<&Problem> {
        self.problems.iter().find(|p| p.side == side)
    }
}

/// A resolved folder in version order.
#[derive(Debug, Clone)]
pub struct MigrationSet {
    pub source: PathBuf,
    pub migrations: Vec<PlannedMigration>,
    /// `.sql` files that sqlx ignores because of their names, so the user knows they did not run.
    pub ignored_files: Vec<PathBuf>,
}

/// Resolves `dir` with sqlx's resolver (the one `sqlx::migrate!()` and `Migrator::new` use),
/// pairs each up with its down and checks each file for the traps sqlx does not report.
pub fn load(dir: &Path) -> Result<MigrationSet, LoadError> {
    let metadata = std::fs::metadata(dir).map_err(|_| LoadError::NotFound { path: dir.to_owned() })?;
    if !metadata.is_dir() {
        return Err(LoadError::NotADirectory { path: dir.to_owned() });
    }
    let resolved = resolve_blocking(dir).map_err(|source| LoadError::Resolve { path: dir.to_owned(), source: Box::new(source) })?;

    // sqlx reports canonical paths; show them relative to the folder the user named.
    let canonical_dir = dir.canonicalize().unwrap_or_else(|_| dir.to_owned());
    let display_path = |p: &Path| match p.strip_prefix(&canonical_dir) {
        Ok(rest) => dir.join(rest),
        Err(_) => p.to_owned(),
    };

    let mut by_version: BTreeMap<i64, Files> = BTreeMap::new();
    let mut seen = Vec::new();
    for (migration, path) in resolved {
        seen.push(path.clone());
        let path = display_path(&path);
        let files = by_version.entry(migration.version).or_default();
        let slot = match migration.migration_type {
            MigrationType::Simple => &mut files.simple,
            MigrationType::ReversibleUp => &mut files.up,
            MigrationType::ReversibleDown => &mut files.down,
        };
        slot.push(Script { migration, path });
    }

    let mut migrations = Vec::with_capacity(by_version.len());
    for (version, files) in by_version {
        migrations.push(pair(version, files)?);
    }
    if migrations.is_empty() {
        return Err(LoadError::Empty { path: dir.to_owned() });
    }
    let ignored_files = ignored_sql_files(dir, &canonical_dir, &seen);
    Ok(MigrationSet { source: dir.to_owned(), migrations, ignored_files })
}

#[derive(Default)]
struct Files {
    simple: Vec<Script>,
    up: Vec<Script>,
    down: Vec<Script>,
}

fn pair(version: i64, mut files: Files) -> Result<PlannedMigration, LoadError> {
    let ups = files.simple.len() + files.up.len();
    if ups > 1 || files.down.len() > 1 {
        let paths = files.simple.iter().chain(&files.up).chain(&files.down).map(|s| s.path.clone()).collect();
        return Err(LoadError::DuplicateVersion { version, paths });
    }
    let (up, down) = match (files.simple.pop(), files.up.pop(), files.down.pop()) {
        (Some(simple), None, None) => (simple, Down::None(NoDown::Simple)),
        (None, Some(up), Some(down)) => (up, Down::Script(down)),
        (None, Some(up), None) => {
            let expected = sibling(&up.path, ".up.sql", ".down.sql");
            (up, Down::None(NoDown::MissingDownFile { expected }))
        }
        (None, None, Some(down)) => {
            let expected = sibling(&down.path, ".down.sql", ".up.sql");
            return Err(LoadError::DownWithoutUp { path: down.path, expected });
        }
        (Some(simple), None, Some(down)) => {
            return Err(LoadError::DuplicateVersion { version, paths: vec![simple.path, down.path] });
        }
        _ => unreachable!("at most one up file per version was checked above"),
    };
    let mut problems = Vec::new();
    problems.extend(check_script(&up, Side::Up));
    if let Down::Script(down) = &down {
        problems.extend(check_script(down, Side::Down));
    }
    Ok(PlannedMigration { version, description: up.migration.description.to_string(), up, down, problems })
}

fn sibling(path: &Path, from: &str, to: &str) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(name.replacen(from, to, 1))
}

/// The traps of `-- no-transaction` that sqlx accepts without a word.
fn check_script(script: &Script, side: Side) -> Option<Problem> {
    let sql = script.sql();
    if script.migration.no_tx {
        let statements = statement_count(sql);
        if statements > 1 {
            return Some(Problem {
                side,
                path: script.path.clone(),
                line: None,
                message: format!(
                    "`-- no-transaction` file holds {statements} statements: sqlx sends them as one query, which \
                     PostgreSQL runs in an implicit transaction (so CREATE INDEX CONCURRENTLY fails); put each \
                     such statement in a migration of its own"
                ),
            });
        }
        return None;
    }
    // The marker only counts as the file's very first bytes; find one that sqlx ignored.
    let mut line_number = 0u32;
    for line in sql.lines() {
        line_number += 1;
        let trimmed = line.trim_start_matches('\u{feff}').trim();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.eq_ignore_ascii_case("-- no-transaction") {
            let why = if line_number == 1 && line.starts_with('\u{feff}') {
                "a byte-order mark precedes it".to_owned()
            } else if line_number == 1 {
                "something precedes it on its line".to_owned()
            } else {
                format!("it is on line {line_number}, not line 1")
            };
            return Some(Problem {
                side,
                path: script.path.clone(),
                line: Some(line_number),
                message: format!(
                    "`-- no-transaction` is ignored because {why}: sqlx only honours it as the file's very first \
                     bytes, so this file would run inside a transaction; move it to the start of the file"
                ),
            });
        }
        if !trimmed.starts_with("--") {
            break;
        }
    }
    None
}

fn ignored_sql_files(dir: &Path, canonical_dir: &Path, seen: &[PathBuf]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(canonical_dir) else { return Vec::new() };
    let mut ignored: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql") && p.is_file() && !seen.contains(p))
        .filter_map(|p| p.file_name().map(|n| dir.join(n)))
        .collect();
    ignored.sort();
    ignored
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, content) in files {
            std::fs::write(dir.path().join(name), content).unwrap();
        }
        dir
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
        let versions: Vec<i64> = set.migrations.iter().map(|m| m.version).collect();
        assert_eq!(versions, [1, 2, 3]);
        assert!(matches!(set.migrations[0].down, Down::Script(_)));
        assert!(matches!(set.migrations[1].down, Down::None(NoDown::Simple)));
        assert!(matches!(set.migrations[2].down, Down::None(NoDown::MissingDownFile { .. })));
        assert_eq!(set.migrations[0].description, "first");
        assert_eq!(set.ignored_files, [dir.path().join("notes.sql")]);
    }

    #[test]
    fn no_transaction_traps_are_problems() {
        let dir = folder(&[
            ("1_ok.up.sql", "-- no-transaction\ncreate index concurrently i on t (a);\n"),
            ("1_ok.down.sql", "-- no-transaction\ndrop index concurrently i;\n"),
            ("2_multi.up.sql", "-- no-transaction\ncreate index concurrently j on t (a);\nselect 1;\n"),
            ("2_multi.down.sql", "drop index j;"),
            ("3_late.up.sql", "\n-- no-transaction\ncreate index concurrently k on t (a);\n"),
            ("3_late.down.sql", "drop index k;"),
            ("4_bom.up.sql", "\u{feff}-- no-transaction\ncreate index concurrently l on t (a);\n"),
            ("4_bom.down.sql", "drop index l;"),
        ]);
        let set = load(dir.path()).unwrap();
        assert!(set.migrations[0].problems.is_empty());
        let multi = set.migrations[1].problem(Side::Up).unwrap();
        assert!(multi.message.contains("holds 2 statements"), "{}", multi.message);
        let late = set.migrations[2].problem(Side::Up).unwrap();
        assert_eq!(late.line, Some(2));
        let bom = set.migrations[3].problem(Side::Up).unwrap();
        assert!(bom.message.contains("byte-order mark"), "{}", bom.message);
    }

    #[test]
    fn unusable_folders_are_errors() {
        assert!(matches!(load(Path::new("/nonexistent/migrations")), Err(LoadError::NotFound { .. })));
        let empty = folder(&[]);
        assert!(matches!(load(empty.path()), Err(LoadError::Empty { .. })));
        let dup = folder(&[("1_a.sql", "select 1;"), ("1_b.sql", "select 2;")]);
        assert!(matches!(load(dup.path()), Err(LoadError::DuplicateVersion { version: 1, .. })));
        let orphan = folder(&[("1_a.down.sql", "select 1;")]);
        assert!(matches!(load(orphan.path()), Err(LoadError::DownWithoutUp { .. })));
        let bad = folder(&[("abc_a.sql", "select 1;")]);
        assert!(matches!(load(bad.path()), Err(LoadError::Resolve { .. })));
    }
}
