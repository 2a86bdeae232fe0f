//! The run report: what was checked, what was found, how long it took.
//!
//! Its JSON form is a documented, versioned contract (`docs/report-format.md`): fields are only
//! ever added within one `format_version`.

use std::collections::BTreeMap;

use serde::Serialize;

/// Bumped when a field of the JSON report changes meaning or disappears.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// The kind of check a finding or outcome belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Check {
    /// Applying the up migration.
    Up,
    /// Applying the down migration (or its absence).
    Down,
    /// The schema after the down equals the schema before the up.
    Roundtrip,
    /// Re-applying the up after the down works and gives the schema of the first up.
    Redo,
    /// Reverting every migration in reverse order and re-applying them all.
    Ladder,
    /// A smoke eval against the fully migrated database.
    Smoke,
}

impl Check {
    pub const fn as_str(self) -> &'static str {
        match self {
            Check::Up => "up",
            Check::Down => "down",
            Check::Roundtrip => "roundtrip",
            Check::Redo => "redo",
            Check::Ladder => "ladder",
            Check::Smoke => "smoke",
        }
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A position in a file: where a failing statement or a failing smoke record is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The path as the user gave it (relative to the working directory when it was relative).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// The text of that line, for a compiler-style excerpt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<String>,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(column) = self.column {
            write!(f, ":{column}")?;
        }
        Ok(())
    }
}

/// The parts of an error that PostgreSQL reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PgErrorInfo {
    pub sqlstate: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// Something wrong with a migration or the migrated database: the reason the run fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The migration version; absent for smoke evals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migration: Option<i64>,
    /// The migration's description; absent for smoke evals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub check: Check,
    /// One line a person can act on.
    pub message: String,
    /// The schema object concerned (`index public.idx_runs_status`), for schema differences.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// A unified diff of the object's canonical text, for schema differences.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<PgErrorInfo>,
    /// The server major the finding was seen on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postgres: Option<u32>,
}

impl Finding {
    /// A finding about one migration with just a message; the other fields are set by the caller.
    pub fn new(migration: Option<(i64, &str)>, check: Check, message: impl Into<String>) -> Self {
        Finding {
            migration: migration.map(|(version, _)| version),
            name: migration.map(|(_, name)| name.to_owned()),
            check,
            message: message.into(),
            object: None,
            diff: None,
            location: None,
            error: None,
            postgres: None,
        }
    }
}

/// Information worth knowing that does not fail the run (e.g. an irreversible migration
/// accepted with `--allow-irreversible`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migration: Option<i64>,
    pub message: String,
}

/// How one check of one migration went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum CheckStatus {
    Passed,
    Failed,
    /// Not run; `reason` says why (an earlier failure, no down migration, ...).
    Skipped {
        reason: String,
    },
}

impl CheckStatus {
    pub fn is_failed(&self) -> bool {
        matches!(self, CheckStatus::Failed)
    }
}

/// One check of one migration, with its time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckOutcome {
    pub check: Check,
    #[serde(flatten)]
    pub status: CheckStatus,
    /// Time spent, snapshots and comparison included.
    pub millis: f64,
}

/// Everything about one migration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MigrationReport {
    pub version: i64,
    pub name: String,
    pub reversible: bool,
    pub no_transaction: bool,
    pub checks: Vec<CheckOutcome>,
}

impl MigrationReport {
    pub fn status_of(&self, check: Check) -> Option<&CheckStatus> {
        self.checks
            .iter()
            .find(|c| c.check == check)
            .map(|c| &c.status)
    }
}

/// One smoke eval file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SmokeReport {
    pub file: String,
    pub passed: bool,
}

/// The server the run used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerInfo {
    /// `native` or `docker`, or `url` for an existing server.
    pub backend: String,
    /// The full version string, e.g. `15.14`.
    pub version: String,
    pub major: u32,
}

/// Where the time went, in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PhaseTimings {
    /// Starting the server until it answers a query.
    pub boot: f64,
    /// Running migration SQL (ups, downs, redos, ladder) through sqlx.
    pub apply: f64,
    /// Capturing schema snapshots.
    pub snapshot: f64,
    /// Comparing snapshots.
    pub compare: f64,
    /// Running the smoke evals.
    pub smoke: f64,
    /// The whole run, boot included.
    pub total: f64,
}

/// The result of one run: the value every renderer renders.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReport {
    pub format_version: u32,
    /// True when there is no finding.
    pub ok: bool,
    pub server: ServerInfo,
    /// The migration folder as given.
    pub source: String,
    pub migrations: Vec<MigrationReport>,
    /// Whether the ladder was run (`--ladder`).
    pub ladder: Option<CheckStatus>,
    pub smoke: Vec<SmokeReport>,
    pub failures: Vec<Finding>,
    pub notes: Vec<Note>,
    pub timings: PhaseTimings,
}

impl RunReport {
    pub fn new(server: ServerInfo, source: String) -> Self {
        RunReport {
            format_version: REPORT_FORMAT_VERSION,
            ok: true,
            server,
            source,
            migrations: Vec::new(),
            ladder: None,
            smoke: Vec::new(),
            failures: Vec::new(),
            notes: Vec::new(),
            timings: PhaseTimings::default(),
        }
    }

    /// Records a finding and marks the run as failed.
    pub fn push_finding(&mut self, finding: Finding) {
        self.ok = false;
        self.failures.push(finding);
    }
}

/// The result of one run on several PostgreSQL majors: one [`RunReport`] per major, and the
/// top-level `ok` and `failures` that mean the same as in a single run (each failure naming its
/// major in `postgres`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixReport {
    pub format_version: u32,
    /// True when no major has a finding or an error.
    pub ok: bool,
    pub majors: Vec<u32>,
    pub failures: Vec<Finding>,
    /// The report of each major that could run, keyed by major.
    pub postgres: BTreeMap<u32, RunReport>,
    /// Majors on which the tool itself failed, with the reason.
    pub errors: BTreeMap<u32, String>,
    /// Wall time of the whole matrix, in milliseconds.
    pub total: f64,
}

impl MatrixReport {
    /// Assembles the matrix from each major's outcome, tagging every finding with its major.
    pub fn new(outcomes: Vec<(u32, Result<RunReport, String>)>, total: f64) -> Self {
        let mut report = MatrixReport {
            format_version: REPORT_FORMAT_VERSION,
            ok: true,
            majors: Vec::new(),
            failures: Vec::new(),
            postgres: BTreeMap::new(),
            errors: BTreeMap::new(),
            total,
        };
        for (major, outcome) in outcomes {
            report.majors.push(major);
            match outcome {
                Ok(mut run) => {
                    for finding in &mut run.failures {
                        finding.postgres = Some(major);
                    }
                    report.ok &= run.ok;
                    report.failures.extend(run.failures.iter().cloned());
                    report.postgres.insert(major, run);
                }
                Err(error) => {
                    report.ok = false;
                    report.errors.insert(major, error);
                }
            }
        }
        report.majors.sort_unstable();
        report.failures.sort_by_key(|f| (f.migration, f.postgres));
        report
    }
}
