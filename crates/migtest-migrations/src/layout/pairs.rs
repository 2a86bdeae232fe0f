//! Pairing the files of the layouts that keep up and down in separate files (sqlx,
//! golang-migrate, Flyway): one up per version, at most one down, no down without its up.

use std::path::PathBuf;

use crate::LoadError;
use crate::lexer::{non_transactional_statement, statement_count};
use crate::load::{Part, Unit, UnitDown};
use crate::model::{NoDown, Problem, Side};
use crate::version::Version;

/// What a file is to its migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// An up that may have a down file.
    Up,
    Down,
    /// A file that is the whole migration, irreversible by design (sqlx's `<VERSION>_<name>.sql`).
    Simple,
}

/// One migration file, named and read.
#[derive(Debug, Clone)]
pub(crate) struct File {
    pub version: Version,
    pub description: String,
    pub role: Role,
    pub part: Part,
    pub problems: Vec<Problem>,
}

/// How a layout words what is missing.
pub(crate) struct Rules {
    /// Why an up has no down.
    pub missing_down: fn(&Part) -> NoDown,
    /// The up file a down without one should have.
    pub expected_up: fn(&File) -> PathBuf,
}

/// Groups `files` by version into migrations.
pub(crate) fn pair(mut files: Vec<File>, rules: &Rules) -> Result<Vec<Unit>, LoadError> {
    files.sort_by(|a, b| {
        a.version
            .key
            .cmp(&b.version.key)
            .then(a.part.path.cmp(&b.part.path))
    });
    let mut units = Vec::new();
    for group in files.chunk_by(|a, b| a.version.key == b.version.key) {
        let ups: Vec<&File> = group.iter().filter(|f| f.role != Role::Down).collect();
        let downs: Vec<&File> = group.iter().filter(|f| f.role == Role::Down).collect();
        let duplicate = || LoadError::DuplicateVersion {
            version: group[0].version.text.clone(),
            paths: group.iter().map(|f| f.part.path.clone()).collect(),
        };
        if ups.len() > 1 || downs.len() > 1 {
            return Err(duplicate());
        }
        let (up, down) = match (ups.first(), downs.first()) {
            (Some(up), None) if up.role == Role::Simple => (*up, UnitDown::None(NoDown::Simple)),
            (Some(up), None) => (*up, UnitDown::None((rules.missing_down)(&up.part))),
            // A simple file is the whole migration: a down for it is a second migration of the
            // same version, as sqlx sees it.
            (Some(up), Some(_)) if up.role == Role::Simple => return Err(duplicate()),
            (Some(up), Some(down)) => (*up, UnitDown::Part(down.part.clone())),
            (None, Some(down)) => {
                return Err(LoadError::DownWithoutUp {
                    path: down.part.path.clone(),
                    expected: (rules.expected_up)(down),
                });
            }
            (None, None) => continue,
        };
        let mut problems = up.problems.clone();
        problems.extend(downs.iter().flat_map(|d| d.problems.iter().cloned()));
        units.push(Unit {
            version: up.version.clone(),
            description: up.description.clone(),
            up: up.part.clone(),
            down,
            problems,
        });
    }
    Ok(units)
}

/// A script that runs outside a transaction, sent to PostgreSQL as one query (sqlx, dbmate,
/// diesel): several statements in it run in an implicit transaction, so a statement that refuses
/// transactions fails.
pub(crate) fn one_query_trap(part: &Part, side: Side, marker: &str, tool: &str) -> Option<Problem> {
    let statements = statement_count(&part.sql);
    (part.no_tx && statements > 1).then(|| {
        part.problem(
            side,
            format!(
                "{} is marked `{marker}` but holds {statements} statements: {tool} sends them as one query, which \
                 PostgreSQL runs in an implicit transaction (so CREATE INDEX CONCURRENTLY fails); put each such \
                 statement in a migration of its own",
                part.place()
            ),
        )
    })
}

/// A script that runs outside a transaction statement by statement in its own tool (goose,
/// Flyway), holding a statement PostgreSQL refuses in a query of several statements, which is
/// how sqlx sends a migration.
pub(crate) fn statement_by_statement_trap(
    part: &Part,
    side: Side,
    tool_rule: &str,
) -> Option<Problem> {
    let statements = statement_count(&part.sql);
    if !part.no_tx || statements < 2 {
        return None;
    }
    let refused = non_transactional_statement(&part.sql)?;
    Some(part.problem(
        side,
        format!(
            "{} holds {statements} statements, one of them {refused}: {tool_rule}, but migtest runs a \
             migration as one query, in which PostgreSQL refuses that statement; put it in a migration of its own",
            part.place()
        ),
    ))
}
