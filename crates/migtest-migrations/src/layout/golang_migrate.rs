//! golang-migrate folders: `<N>_<name>.up.sql` / `<N>_<name>.down.sql` with any unsigned 64-bit
//! version. Its PostgreSQL driver sends a file as one query without opening a transaction, so
//! PostgreSQL runs a file of several statements in an implicit transaction and a single statement
//! outside any: exactly how sqlx runs a `no_tx` migration, which is what these become.

use super::pairs::{self, File, Role, Rules};
use crate::folder::{self, Entry, Kind};
use crate::load::{Found, Part, sibling};
use crate::model::NoDown;
use crate::version::Version;
use crate::{Layout, LoadError};

const EXPECTED: &str = "<N>_<name>.up.sql and <N>_<name>.down.sql with an unsigned integer N, e.g. 000001_create_widgets.up.sql";

/// The version digits of a `<N>_<name>.up.sql` or `.down.sql` name.
pub(crate) fn pair_version(name: &str) -> Option<&str> {
    let stem = name
        .strip_suffix(".up.sql")
        .or_else(|| name.strip_suffix(".down.sql"))?;
    let (version, _) = stem.split_once('_')?;
    (!version.is_empty() && version.bytes().all(|b| b.is_ascii_digit())).then_some(version)
}

pub(super) fn read(entries: &[Entry]) -> Result<Found, LoadError> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for entry in entries.iter().filter(|e| e.kind == Kind::File) {
        let Some(version) = pair_version(&entry.name) else {
            if entry.name.ends_with(".sql") {
                skipped.push(entry.path.display().to_string());
            }
            continue;
        };
        let value: u64 = version.parse().map_err(|_| LoadError::BadName {
            path: entry.path.clone(),
            layout: Layout::GolangMigrate,
            why: format!(
                "its version {version} is larger than golang-migrate's unsigned 64-bit versions"
            ),
            expected: EXPECTED,
        })?;
        let up = entry.name.ends_with(".up.sql");
        let suffix = if up { ".up.sql" } else { ".down.sql" };
        let words =
            entry.name[version.len() + 1..entry.name.len() - suffix.len()].replace('_', " ");
        let sql = folder::read_text(&entry.path)?;
        files.push(File {
            version: Version::number(version, i128::from(value)),
            description: words,
            role: if up { Role::Up } else { Role::Down },
            part: Part::file(entry.path.clone(), sql, true),
            problems: Vec::new(),
        });
    }
    let rules = Rules {
        missing_down: |up| NoDown::MissingDownFile {
            expected: sibling(&up.path, ".up.sql", ".down.sql"),
        },
        expected_up: |down| sibling(&down.part.path, ".down.sql", ".up.sql"),
    };
    let units = pairs::pair(files, &rules)?;
    let notes = skipped
        .into_iter()
        .map(|name| format!("{name} was ignored: golang-migrate only reads files named <N>_<name>.up.sql or .down.sql"))
        .collect();
    Ok(Found {
        units,
        notes,
        ignored_files: Vec::new(),
    })
}
