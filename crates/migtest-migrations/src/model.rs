//! The values a loaded folder becomes, whatever tool it was written for: scripts that sqlx's
//! `Migrate` trait runs, each knowing where in which file its SQL came from.

use std::path::PathBuf;

use sqlx::migrate::Migration;

use crate::Layout;
use crate::locate::{SourcePosition, locate};

/// Where the SQL of a [`Script`] sits in its file, so that PostgreSQL's error positions (which
/// count characters of the SQL that was sent) point at the file the user edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The SQL is the file's text from 1-based `line` (and byte `byte`) on, up to the end of a
    /// section or of the file: a whole file is `line: 1, byte: 0`.
    Section { line: u32, byte: usize },
    /// The SQL was assembled from comment lines (`-- Down: ...`): line `i` of the SQL comes from
    /// `lines[i]`.
    Comments { lines: Vec<CommentLine> },
}

/// A comment line that a line of SQL was taken from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentLine {
    /// 1-based line of the file.
    pub line: u32,
    /// How many characters of the line (the comment marker) precede the SQL.
    pub shift: u32,
    /// The line as written, for excerpts.
    pub text: String,
}

impl Origin {
    /// A whole file.
    pub const FILE: Origin = Origin::Section { line: 1, byte: 0 };

    /// The file line a 1-based line of the SQL came from, and how many characters to add to a
    /// column of it.
    pub(crate) fn map_line(&self, sql_line: u32) -> (u32, u32) {
        match self {
            Origin::Section { line, .. } => (line + sql_line - 1, 0),
            Origin::Comments { lines } => lines
                .get(sql_line as usize - 1)
                .map_or((sql_line, 0), |l| (l.line, l.shift)),
        }
    }
}

/// One up or down script: exactly what sqlx's `Migrate::apply`/`revert` take, with the file it
/// came from.
#[derive(Debug, Clone)]
pub struct Script {
    /// The SQL, checksum, type and `no_tx` flag, as sqlx's resolver builds them for sqlx folders
    /// and as `Migration::new` builds them for the other layouts.
    pub migration: Migration,
    pub path: PathBuf,
    /// Where [`Script::sql`] sits in the file at `path`.
    pub origin: Origin,
}

impl Script {
    pub fn sql(&self) -> &str {
        self.migration.sql.as_str()
    }

    /// Maps PostgreSQL's error position (1-based characters into [`Script::sql`]) to a line and
    /// column of the file, also when the SQL is a section or comments of it. The line text is the
    /// file's line, as the user sees it.
    pub fn locate(&self, position: usize) -> Option<SourcePosition> {
        let in_sql = locate(self.sql(), position)?;
        let (line, shift) = self.origin.map_line(in_sql.line);
        let line_text = match &self.origin {
            Origin::Section { .. } => in_sql.line_text,
            // The excerpt shows the comment line as written, so the caret lands under the
            // character PostgreSQL pointed at.
            Origin::Comments { lines } => lines
                .get(in_sql.line as usize - 1)
                .map_or(in_sql.line_text, |l| l.text.clone()),
        };
        Some(SourcePosition {
            line,
            column: in_sql.column + shift,
            line_text,
        })
    }

    /// The file line where the SQL starts.
    pub fn first_line(&self) -> u32 {
        self.origin.map_line(1).0
    }
}

/// Why a migration has no down to test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoDown {
    /// Written without a way back, which the layout allows: a simple sqlx file, a goose or dbmate
    /// file without a down section, a Flyway versioned migration without an undo file.
    Simple,
    /// A pair layout's up (`.up.sql`, diesel's `up.sql`) whose down file is missing.
    MissingDownFile { expected: PathBuf },
}

/// The way back from a migration.
#[derive(Debug, Clone)]
pub enum Down {
    Script(Script),
    None(NoDown),
}

/// Which script of a migration a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Up,
    Down,
}

/// A defect found by reading a file, before anything runs: the script must not be run as it is.
/// The runner reports it as a finding of the `up` or `down` check.
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
    /// The migration's words (sqlx's description); when the tool's version could not be kept as
    /// the version, it is kept here.
    pub description: String,
    pub up: Script,
    pub down: Down,
    pub problems: Vec<Problem>,
    /// The layout the migration was read as.
    pub layout: Layout,
    /// The line of the first `-- Down:` comment of an irreversible migration, when it has them
    /// and they were not taken as its down.
    pub down_comments_at: Option<u32>,
}

impl PlannedMigration {
    pub fn problem(&self, side: Side) -> Option<&Problem> {
        self.problems.iter().find(|p| p.side == side)
    }

    /// The message of the finding for a migration written without a way back: what its layout
    /// offers instead, and the `-- Down:` comments it already has.
    pub fn irreversible_message(&self) -> String {
        let mut message = format!(
            "no down migration: rollback of this version cannot be tested ({}, or pass --allow-irreversible)",
            self.layout.how_to_add_a_down()
        );
        if let Some(line) = self.down_comments_at {
            message.push_str(&format!(
                "; pass --down-from-comments to test its `-- Down:` comments (line {line}) as its down"
            ));
        }
        message
    }
}

/// A resolved folder in the tool's order.
#[derive(Debug, Clone)]
pub struct MigrationSet {
    pub source: PathBuf,
    /// The layout the folder was read as.
    pub layout: Layout,
    pub migrations: Vec<PlannedMigration>,
    /// `.sql` files of a sqlx folder that sqlx ignores because of their names, so the user knows
    /// they did not run. Other layouts put what they skip in `notes`.
    pub ignored_files: Vec<PathBuf>,
    /// Things to tell the user that are not findings: the layout and how it was chosen, files
    /// the tool skips, renumbered versions, migrations that cannot be tested round trip.
    pub notes: Vec<String>,
}
