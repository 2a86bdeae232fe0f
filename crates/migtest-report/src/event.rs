//! Events the runner emits while it works, so that progress reporters can follow along
//! without the runner knowing how (or whether) anything is displayed.

use crate::{Check, CheckStatus, ServerInfo};

/// Something that happened during a run, in the order it happened.
#[derive(Debug, Clone)]
pub enum Event {
    /// The migration folder was loaded: `count` migrations will be tested.
    Loaded { count: usize },
    /// `--backend auto` chose `backend` (`docker` or `native`), for `reason`.
    BackendChosen { backend: String, reason: String },
    /// A throwaway server is being started.
    Booting { backend: String },
    /// The server answers queries.
    Booted { server: ServerInfo },
    /// One check of one migration starts.
    CheckStarted {
        version: i64,
        name: String,
        check: Check,
    },
    /// One check of one migration ended.
    CheckFinished {
        version: i64,
        check: Check,
        status: CheckStatus,
    },
    /// The ladder (revert everything, re-apply everything) starts.
    LadderStarted { steps: usize },
    /// One smoke eval file starts.
    SmokeStarted { file: String },
    /// One smoke eval file ended.
    SmokeFinished { file: String, passed: bool },
    /// An event of the run on one major of a version matrix.
    ForMajor { major: u32, event: Box<Event> },
}

/// Receives the runner's events. Reporters implement it; the runner only calls it.
pub trait Listener {
    fn on_event(&mut self, event: &Event);
}

/// A listener that ignores everything, for library callers that only want the report.
#[derive(Debug, Default, Clone, Copy)]
pub struct NullListener;

impl Listener for NullListener {
    fn on_event(&mut self, _event: &Event) {}
}
