//! Exit codes of the migtest command, in one place.

/// How a run ended, as the process exit code that scripts and CI read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Every check passed.
    Clean,
    /// The run completed and reported at least one finding.
    Findings,
    /// The tool could not do its job (bad flags, no PostgreSQL, unreadable folder, ...).
    ToolError,
    /// The run was interrupted by SIGINT or SIGTERM; everything it started was cleaned up.
    Interrupted,
}

impl ExitCode {
    pub const fn code(self) -> i32 {
        match self {
            ExitCode::Clean => 0,
            ExitCode::Findings => 1,
            ExitCode::ToolError => 2,
            ExitCode::Interrupted => 130,
        }
    }
}
