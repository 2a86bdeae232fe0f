//! The output contract of a migtest run: the report, its findings, the events emitted while it
//! runs, the exit codes, and the renderers that write them onto a writer they are handed.
//!
//! Nothing here runs anything: the runner produces a [`RunReport`], the renderers turn it into
//! human text, JSON, JUnit XML or GitHub annotations.

mod event;
mod exit;
pub mod render;
mod report;

pub use event::{Event, Listener, NullListener};
pub use exit::ExitCode;

/// An error and its causes on one line: `could not start PostgreSQL: initdb failed: ...`.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
pub use report::{
    Check, CheckOutcome, CheckStatus, Finding, Location, MatrixReport, MigrationReport, Note,
    PgErrorInfo, PhaseTimings, REPORT_FORMAT_VERSION, RunReport, ServerInfo, SmokeReport,
};
