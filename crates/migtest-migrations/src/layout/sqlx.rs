//! sqlx folders, read by sqlx's own resolver (the one `sqlx::migrate!()` and `Migrator::new`
//! use): `<VERSION>_<name>.sql` simple files and `.up.sql`/`.down.sql` pairs, `-- no-transaction`
//! as a file's very first bytes. When the resolver refuses the folder, the message says which
//! file and why.

use std::path::{Path, PathBuf};

use sqlx::migrate::{MigrationType, resolve_blocking};

use super::pairs::{self, File, Role, Rules};
use crate::folder::{self, Entry, Kind};
use crate::load::{Found, Part, sibling};
use crate::model::{NoDown, Problem, Side};
use crate::version::Version;
use crate::{Layout, LoadError};

const EXPECTED: &str = "<VERSION>_<name>.sql or <VERSION>_<name>.up.sql/.down.sql with an integer VERSION, \
                        e.g. 20240101000001_create_widgets.up.sql";

pub(super) fn read(dir: &Path, entries: &[Entry]) -> Result<Found, LoadError> {
    let resolved = resolve_blocking(dir).map_err(|source| {
        diagnose(entries).unwrap_or_else(|| LoadError::Resolve {
            path: dir.to_owned(),
            source: Box::new(source),
        })
    })?;

    // sqlx reports canonical paths; show them relative to the folder the user named.
    let canonical_dir = dir.canonicalize().unwrap_or_else(|_| dir.to_owned());
    let display_path = |p: &Path| match p.strip_prefix(&canonical_dir) {
        Ok(rest) => dir.join(rest),
        Err(_) => p.to_owned(),
    };

    let mut seen = Vec::new();
    let mut files = Vec::new();
    for (migration, path) in resolved {
        seen.push(path.clone());
        let path = display_path(&path);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = name
            .split_once('_')
            .map_or(name.as_str(), |(version, _)| version);
        let role = match migration.migration_type {
            MigrationType::Simple => Role::Simple,
            MigrationType::ReversibleUp => Role::Up,
            MigrationType::ReversibleDown => Role::Down,
        };
        let side = if role == Role::Down {
            Side::Down
        } else {
            Side::Up
        };
        let part = Part {
            path,
            sql: migration.sql.as_str().to_owned(),
            origin: crate::Origin::FILE,
            no_tx: migration.no_tx,
            resolved: None,
            section: None,
        };
        let problems = check_script(&part, side).into_iter().collect();
        files.push(File {
            version: Version::number(text, i128::from(migration.version)),
            description: migration.description.to_string(),
            role,
            part: Part {
                resolved: Some(migration),
                ..part
            },
            problems,
        });
    }
    let rules = Rules {
        missing_down: |up| NoDown::MissingDownFile {
            expected: sibling(&up.path, ".up.sql", ".down.sql"),
        },
        expected_up: |down| sibling(&down.part.path, ".down.sql", ".up.sql"),
    };
    let units = pairs::pair(files, &rules)?;
    let ignored_files = ignored_sql_files(dir, &canonical_dir, &seen);
    Ok(Found {
        units,
        notes: Vec::new(),
        ignored_files,
    })
}

/// Why sqlx's resolver refused the folder, told about the file it choked on.
fn diagnose(entries: &[Entry]) -> Option<LoadError> {
    for entry in entries.iter().filter(|e| e.kind == Kind::File) {
        // The resolver's own test: a name with an underscore and ending in `.sql` is a migration.
        let Some((version, rest)) = entry.name.split_once('_') else {
            continue;
        };
        if !rest.ends_with(".sql") {
            continue;
        }
        if version.parse::<i64>().is_err() {
            let why = if !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()) {
                format!("its version {version} is larger than sqlx's 64-bit versions")
            } else {
                format!(
                    "sqlx reads {version:?}, the part before the first underscore, as its version, and it is not an integer"
                )
            };
            return Some(LoadError::BadName {
                path: entry.path.clone(),
                layout: Layout::Sqlx,
                why,
                expected: EXPECTED,
            });
        }
        if let Err(error) = folder::read_text(&entry.path) {
            return Some(error);
        }
    }
    None
}

/// The traps of `-- no-transaction` that sqlx accepts without a word.
fn check_script(part: &Part, side: Side) -> Option<Problem> {
    let sql = &part.sql;
    if part.no_tx {
        let statements = crate::statement_count(sql);
        if statements > 1 {
            return Some(part.problem(
                side,
                format!(
                    "`-- no-transaction` file holds {statements} statements: sqlx sends them as one query, which \
                     PostgreSQL runs in an implicit transaction (so CREATE INDEX CONCURRENTLY fails); put each \
                     such statement in a migration of its own"
                ),
            ));
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
                path: part.path.clone(),
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
    let Ok(entries) = std::fs::read_dir(canonical_dir) else {
        return Vec::new();
    };
    let mut ignored: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql") && p.is_file() && !seen.contains(p))
        .filter_map(|p| p.file_name().map(|n| dir.join(n)))
        .collect();
    ignored.sort();
    ignored
}
