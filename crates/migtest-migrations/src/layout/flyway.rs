//! Flyway folders: versioned migrations `V<version>__<description>.sql` (version parts separated
//! by `.` or `_`, compared as numbers), undo migrations `U<version>__<description>.sql` as their
//! downs, repeatable migrations `R__<description>.sql`.
//!
//! Flyway runs a migration in a transaction unless it holds a statement PostgreSQL refuses in one
//! (`CREATE INDEX CONCURRENTLY`, ...), or its `<file>.conf` says `executeInTransaction=false`. It
//! strips a byte-order mark. Repeatable migrations have no version to roll back to: they are not
//! run, and a note says so. Placeholders (`${name}`) are not replaced.

use super::pairs::{self, File, Role, Rules};
use crate::folder::{self, Entry, Kind};
use crate::lexer::non_transactional_statement;
use crate::load::{Found, Part};
use crate::model::{NoDown, Origin, Side};
use crate::version::Version;
use crate::{Layout, LoadError};

const EXPECTED: &str = "V<version>__<description>.sql (two underscores; version parts separated by . or _), \
                        e.g. V2__add_widgets_index.sql, and U<version>__<description>.sql for its undo";

/// A name Flyway reads as a migration: `V1__x.sql`, `U1.1__x.sql`, `R__x.sql`.
pub(crate) fn is_flyway_name(name: &str) -> bool {
    if !name.ends_with(".sql") {
        return false;
    }
    if name.starts_with("R__") {
        return true;
    }
    let mut chars = name.chars();
    matches!(chars.next(), Some('V' | 'U'))
        && chars.next().is_some_and(|c| c.is_ascii_digit())
        && name.contains("__")
}

/// A name that looks meant for Flyway but that Flyway would skip without a word.
fn looks_like_flyway(name: &str) -> bool {
    let mut chars = name.chars();
    name.ends_with(".sql")
        && matches!(chars.next(), Some('V' | 'U'))
        && chars.next().is_some_and(|c| c.is_ascii_digit())
}

pub(super) fn read(entries: &[Entry]) -> Result<Found, LoadError> {
    let mut files = Vec::new();
    let mut notes = Vec::new();
    for entry in entries.iter().filter(|e| e.kind == Kind::File) {
        let name = entry.name.as_str();
        if name.ends_with(".sql.conf") {
            continue;
        }
        if !is_flyway_name(name) {
            if looks_like_flyway(name) {
                return Err(bad_name(entry, "Flyway separates the version from the description with two underscores and skips this file without a word".to_owned()));
            }
            if name.ends_with(".sql") {
                notes.push(format!(
                    "{} was ignored: Flyway only reads files named V<version>__<description>.sql, U... or R__...",
                    entry.path.display()
                ));
            }
            continue;
        }
        if let Some(description) = name.strip_prefix("R__") {
            notes.push(format!(
                "{} is a repeatable migration ({}): Flyway re-applies it whenever it changes, after the versioned \
                 ones, and it has no version to roll back to, so it is not run or tested round trip",
                entry.path.display(),
                words(description)
            ));
            continue;
        }
        let (version, description) = name[1..].split_once("__").unwrap_or_default();
        let version = Version::dotted(version).ok_or_else(|| {
            bad_name(
                entry,
                format!("{version:?} is not a Flyway version (numbers separated by . or _)"),
            )
        })?;
        let role = if name.starts_with('V') {
            Role::Up
        } else {
            Role::Down
        };
        let text = folder::read_text(&entry.path)?;
        // Flyway reads a file with a byte-order mark as if it had none.
        let (sql, origin) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (
                rest.to_owned(),
                Origin::Section {
                    line: 1,
                    byte: '\u{feff}'.len_utf8(),
                },
            ),
            None => (text, Origin::FILE),
        };
        let configured = execute_in_transaction(&entry.path)?;
        let refused = non_transactional_statement(&sql);
        let no_tx = configured == Some(false) || (configured.is_none() && refused.is_some());
        let part = Part {
            origin,
            ..Part::file(entry.path.clone(), sql, no_tx)
        };
        let side = if role == Role::Up {
            Side::Up
        } else {
            Side::Down
        };
        let problems = pairs::statement_by_statement_trap(
            &part,
            side,
            "Flyway runs such a script statement by statement outside a transaction (and refuses one that mixes \
             them with transactional statements unless `mixed` is set)",
        )
        .into_iter()
        .collect();
        files.push(File {
            version,
            description: words(description),
            role,
            part,
            problems,
        });
    }
    let rules = Rules {
        missing_down: |_| NoDown::Simple,
        expected_up: |down| {
            let name = down
                .part
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            down.part.path.with_file_name(format!("V{}", &name[1..]))
        },
    };
    let units = pairs::pair(files, &rules)?;
    Ok(Found {
        units,
        notes,
        ignored_files: Vec::new(),
    })
}

fn bad_name(entry: &Entry, why: String) -> LoadError {
    LoadError::BadName {
        path: entry.path.clone(),
        layout: Layout::Flyway,
        why,
        expected: EXPECTED,
    }
}

/// `create_widgets.sql` as `create widgets`.
fn words(description: &str) -> String {
    description.trim_end_matches(".sql").replace('_', " ")
}

/// `executeInTransaction` from the script's configuration file `<file>.conf`, when it has one.
fn execute_in_transaction(path: &std::path::Path) -> Result<Option<bool>, LoadError> {
    let mut conf = path.as_os_str().to_owned();
    conf.push(".conf");
    let conf = std::path::PathBuf::from(conf);
    if !conf.is_file() {
        return Ok(None);
    }
    let text = folder::read_text(&conf)?;
    Ok(text.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "executeInTransaction").then(|| !value.trim().eq_ignore_ascii_case("false"))
    }))
}
