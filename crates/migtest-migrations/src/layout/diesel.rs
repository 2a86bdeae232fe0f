//! diesel folders: one folder per migration, `<version>_<name>/up.sql` and `down.sql`, in the
//! order of the versions with their dashes removed, as diesel orders them (so
//! `2017-11-20-123456_x` sorts among `20171120000000_y` by its date, not by its dashes).
//! `metadata.toml` with `run_in_transaction = false` runs the migration outside a transaction;
//! diesel then sends each file as one query, as sqlx does.

use std::path::Path;

use super::pairs::one_query_trap;
use crate::LoadError;
use crate::folder::{self, Entry, Kind};
use crate::load::{Found, Part, Unit, UnitDown};
use crate::model::{NoDown, Problem, Side};
use crate::version::Version;

pub(super) fn read(entries: &[Entry]) -> Result<Found, LoadError> {
    let mut units = Vec::new();
    let mut notes = Vec::new();
    for entry in entries {
        let up_path = entry.path.join("up.sql");
        let down_path = entry.path.join("down.sql");
        if entry.kind == Kind::File || !(up_path.is_file() || down_path.is_file()) {
            if entry.kind == Kind::Dir || entry.name.ends_with(".sql") {
                notes.push(format!(
                    "{} was ignored: diesel only reads folders named <version>_<name> holding up.sql and down.sql",
                    entry.path.display()
                ));
            }
            continue;
        }
        if !up_path.is_file() {
            return Err(LoadError::DownWithoutUp {
                path: down_path,
                expected: up_path,
            });
        }
        let (version, name) = entry
            .name
            .split_once('_')
            .unwrap_or((entry.name.as_str(), ""));
        let mut problems = Vec::new();
        let run_in_transaction =
            run_in_transaction(&entry.path.join("metadata.toml"), &mut problems)?;
        let no_tx = !run_in_transaction;
        let up = Part::file(up_path.clone(), folder::read_text(&up_path)?, no_tx);
        let down = if down_path.is_file() {
            UnitDown::Part(Part::file(
                down_path.clone(),
                folder::read_text(&down_path)?,
                no_tx,
            ))
        } else {
            UnitDown::None(NoDown::MissingDownFile {
                expected: down_path,
            })
        };
        problems.extend(one_query_trap(
            &up,
            Side::Up,
            "run_in_transaction = false",
            "diesel",
        ));
        if let UnitDown::Part(down) = &down {
            problems.extend(one_query_trap(
                down,
                Side::Down,
                "run_in_transaction = false",
                "diesel",
            ));
        }
        units.push(Unit {
            version: Version::text(version, version.replace('-', "")),
            description: name.replace('_', " "),
            up,
            down,
            problems,
        });
    }
    Ok(Found {
        units,
        notes,
        ignored_files: Vec::new(),
    })
}

/// `run_in_transaction` from a migration's `metadata.toml` (true when there is none). A value
/// that is not a boolean is a problem of the migration.
fn run_in_transaction(path: &Path, problems: &mut Vec<Problem>) -> Result<bool, LoadError> {
    if !path.is_file() {
        return Ok(true);
    }
    let text = folder::read_text(path)?;
    for (index, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default();
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim() != "run_in_transaction" {
            continue;
        }
        return Ok(match value.trim() {
            "true" => true,
            "false" => false,
            other => {
                problems.push(Problem {
                    side: Side::Up,
                    path: path.to_owned(),
                    line: Some(index as u32 + 1),
                    message: format!(
                        "run_in_transaction = {other} is not a boolean: diesel refuses this metadata.toml; write \
                         run_in_transaction = false (or true)"
                    ),
                });
                true
            }
        });
    }
    Ok(true)
}
