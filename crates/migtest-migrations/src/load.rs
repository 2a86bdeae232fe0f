//! Loading a folder: pick the layout, let its reader find the migrations, put them in the tool's
//! order, give each the `i64` version sqlx records, and check what the tools accept silently.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use sqlx::AssertSqlSafe;
use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType};

use crate::LoadError;
use crate::down_comments;
use crate::folder;
use crate::layout::{Detection, Layout, detect_entries};
use crate::lexer::statement_count;
use crate::model::{Down, MigrationSet, NoDown, Origin, PlannedMigration, Problem, Script, Side};
use crate::version::{self, Version};

/// How to read a folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// The layout to read; `None` recognises it from the files.
    pub layout: Option<Layout>,
    /// Take the `-- Down:` comments of an irreversible migration as its down.
    pub down_from_comments: bool,
}

/// One script as a layout reader found it: a whole file or a section of one.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub path: PathBuf,
    pub sql: String,
    pub origin: Origin,
    /// Runs outside a transaction.
    pub no_tx: bool,
    /// sqlx's own migration, used as it is (sqlx folders).
    pub resolved: Option<Migration>,
    /// The marker that opens the section and its line, for messages: `-- +goose Down`, 12.
    pub section: Option<(&'static str, u32)>,
}

impl Part {
    /// A whole file.
    pub fn file(path: PathBuf, sql: String, no_tx: bool) -> Self {
        Part {
            path,
            sql,
            origin: Origin::FILE,
            no_tx,
            resolved: None,
            section: None,
        }
    }

    /// Where the part is, for messages: the file, or the section of it.
    pub fn place(&self) -> String {
        match self.section {
            Some((marker, line)) => format!(
                "the `{marker}` section of {} (line {line})",
                self.path.display()
            ),
            None => self.path.display().to_string(),
        }
    }

    /// The line a problem about the whole part points at.
    pub fn line(&self) -> Option<u32> {
        self.section.map(|(_, line)| line)
    }

    pub fn problem(&self, side: Side, message: String) -> Problem {
        Problem {
            side,
            path: self.path.clone(),
            line: self.line(),
            message,
        }
    }
}

/// The way back a reader found.
#[derive(Debug, Clone)]
pub(crate) enum UnitDown {
    Part(Part),
    None(NoDown),
}

/// One migration as a layout reader found it, before versions are assigned.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub version: Version,
    /// The migration's words, `create widgets`.
    pub description: String,
    pub up: Part,
    pub down: UnitDown,
    /// What the reader found wrong with the files.
    pub problems: Vec<Problem>,
}

impl Unit {
    fn paths(&self) -> Vec<PathBuf> {
        let mut paths = vec![self.up.path.clone()];
        if let UnitDown::Part(down) = &self.down
            && down.path != self.up.path
        {
            paths.push(down.path.clone());
        }
        paths
    }
}

/// What a layout reader found in a folder.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub units: Vec<Unit>,
    /// Things the user should know that are not findings (skipped files, repeatables).
    pub notes: Vec<String>,
    /// `.sql` files sqlx ignores (sqlx folders only; the runner words them itself).
    pub ignored_files: Vec<PathBuf>,
}

/// Reads `dir` with the layout recognised from its files and nothing more: [`load_with`] with
/// the default options.
pub fn load(dir: &Path) -> Result<MigrationSet, LoadError> {
    load_with(dir, &LoadOptions::default())
}

/// Reads `dir` as the tool of its layout reads it, pairs each up with its down and checks each
/// script for the traps the tool does not report. Never writes to the folder.
pub fn load_with(dir: &Path, options: &LoadOptions) -> Result<MigrationSet, LoadError> {
    folder::check_source(dir)?;
    let entries = folder::entries(dir)?;
    let detection = match options.layout {
        Some(layout) => Detection {
            layout,
            reason: format!("--layout {layout}"),
        },
        None => detect_entries(dir, &entries)?,
    };
    let layout = detection.layout;
    let found = layout.read(dir, &entries)?;
    if found.units.is_empty() {
        return Err(LoadError::Empty {
            path: dir.to_owned(),
            layout: Some(layout),
        });
    }

    let mut notes = Vec::new();
    // sqlx is this project's own layout: saying so on every run would be noise.
    if options.layout.is_some() || layout != Layout::Sqlx {
        notes.push(detection.to_string());
    }
    notes.extend(found.notes);

    let mut units = found.units;
    units.sort_by(|a, b| a.version.key.cmp(&b.version.key));
    for same in units.chunk_by(|a, b| a.version.key == b.version.key) {
        if same.len() > 1 {
            let paths = same.iter().flat_map(Unit::paths).collect();
            return Err(LoadError::DuplicateVersion {
                version: same[0].version.text.clone(),
                paths,
            });
        }
    }
    let versions: Vec<&Version> = units.iter().map(|u| &u.version).collect();
    let (numbers, renumbered) = version::assign(&versions);
    notes.extend(renumbered.clone());

    let migrations = units
        .into_iter()
        .zip(numbers)
        .map(|(unit, number)| plan(unit, number, renumbered.is_some(), layout, options))
        .collect();
    Ok(MigrationSet {
        source: dir.to_owned(),
        layout,
        migrations,
        ignored_files: found.ignored_files,
        notes,
    })
}

/// Builds the sqlx migrations of one unit and runs the checks every layout shares.
fn plan(
    unit: Unit,
    version: i64,
    renumbered: bool,
    layout: Layout,
    options: &LoadOptions,
) -> PlannedMigration {
    let Unit {
        version: original,
        description,
        up,
        down,
        mut problems,
    } = unit;
    let description = match &up.resolved {
        Some(migration) => migration.description.to_string(),
        None if renumbered => format!("{description} (version {})", original.text),
        None => description,
    };
    for (part, side) in std::iter::once((&up, Side::Up)).chain(match &down {
        UnitDown::Part(part) => Some((part, Side::Down)),
        UnitDown::None(_) => None,
    }) {
        problems.extend(shared_checks(part, side));
    }

    let up_type = if matches!(down, UnitDown::Part(_)) {
        MigrationType::ReversibleUp
    } else {
        MigrationType::Simple
    };
    let up = script(up, version, &description, up_type);
    let mut down_comments_at = None;
    let down = match down {
        UnitDown::Part(part) => Down::Script(script(
            part,
            version,
            &description,
            MigrationType::ReversibleDown,
        )),
        UnitDown::None(NoDown::Simple) => match down_comments::find(up.sql(), &up.origin) {
            Some(comments) if options.down_from_comments => {
                let part = Part {
                    path: up.path.clone(),
                    sql: comments.sql,
                    origin: comments.origin,
                    // The runbook pairs a `-- no-transaction` up with a down that needs the same.
                    no_tx: up.migration.no_tx,
                    resolved: None,
                    section: Some(("-- Down:", comments.first_line)),
                };
                problems.extend(shared_checks(&part, Side::Down));
                Down::Script(script(
                    part,
                    version,
                    &description,
                    MigrationType::ReversibleDown,
                ))
            }
            Some(comments) => {
                down_comments_at = Some(comments.first_line);
                Down::None(NoDown::Simple)
            }
            None => Down::None(NoDown::Simple),
        },
        UnitDown::None(why) => Down::None(why),
    };
    PlannedMigration {
        version,
        description,
        up,
        down,
        problems,
        layout,
        down_comments_at,
    }
}

/// The script sqlx runs for `part`; `kind` is the type of a migration built here (sqlx's own
/// keep theirs).
fn script(part: Part, version: i64, description: &str, kind: MigrationType) -> Script {
    let migration = match part.resolved {
        // sqlx folders run exactly what sqlx's resolver produced, checksum and all.
        Some(migration) if migration.version == version => migration,
        _ => Migration::new(
            version,
            Cow::Owned(description.to_owned()),
            kind,
            AssertSqlSafe(part.sql).into_sql_str(),
            part.no_tx,
        ),
    };
    Script {
        migration,
        path: part.path,
        origin: part.origin,
    }
}

/// What is wrong with a script whatever its layout: a byte-order mark PostgreSQL rejects, and
/// a script that does nothing.
fn shared_checks(part: &Part, side: Side) -> Option<Problem> {
    if part.sql.starts_with('\u{feff}') {
        return Some(part.problem(
            side,
            format!(
                "{} starts with a byte-order mark, which PostgreSQL rejects as a syntax error at the start of \
                 the file; save it as UTF-8 without a byte-order mark",
                part.path.display()
            ),
        ));
    }
    if statement_count(&part.sql) > 0 {
        return None;
    }
    let what = if part.sql.trim().is_empty() {
        "is empty"
    } else {
        "holds only comments"
    };
    Some(part.problem(
        side,
        match side {
            Side::Up => format!(
                "up does nothing: {} {what}; write the migration, or delete it if it is not needed",
                part.place()
            ),
            Side::Down => format!(
                "down does nothing: {} {what}, so rolling back would leave the up's changes in place; write \
                 the SQL that undoes the up, or remove the down to declare the migration irreversible",
                part.place()
            ),
        },
    ))
}

/// `path` with `from` replaced by `to` in its file name: `1_a.up.sql` -> `1_a.down.sql`.
pub(crate) fn sibling(path: &Path, from: &str, to: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(name.replacen(from, to, 1))
}

#[cfg(test)]
mod tests;
