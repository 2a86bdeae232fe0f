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
pub use report::{
    Check, CheckOutcome, CheckStatus, Finding, Location, MigrationReport, Note, PgErrorInfo,
    PhaseTimings, REPORT_FORMAT_VERSION, RunReport, ServerInfo, SmokeReport,
};
