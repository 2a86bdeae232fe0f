//! The version matrix: the same run on several PostgreSQL majors, a few at a time.
//!
//! The runs are polled together inside one task rather than spawned: cancelling the matrix
//! (Ctrl-C) then drops every run, and with it every server guard, before it returns.

use std::cell::RefCell;
use std::time::Instant;

use futures_util::StreamExt;
use migtest_report::{Event, Listener, MatrixReport, error_chain};

use crate::{KeptServer, RunConfig, run};

/// The matrix report, and the servers kept with `--keep`.
#[derive(Debug)]
pub struct MatrixOutcome {
    pub report: MatrixReport,
    pub kept: Vec<(u32, KeptServer)>,
}

/// Runs each `(major, config)` with at most `jobs` runs at once. A run the tool could not
/// complete becomes an entry in `errors`; the other majors still run.
pub async fn run_matrix(
    configs: Vec<(u32, RunConfig)>,
    jobs: usize,
    listener: &mut dyn Listener,
) -> MatrixOutcome {
    let started = Instant::now();
    let shared = RefCell::new(listener);
    let outcomes: Vec<(u32, Result<crate::RunOutcome, crate::RunError>)> =
        futures_util::stream::iter(configs.into_iter().map(|(major, config)| {
            let shared = &shared;
            async move {
                let mut listener = ForMajor { major, shared };
                let outcome = run(&config, &mut listener).await;
                (major, outcome)
            }
        }))
        .buffer_unordered(jobs.max(1))
        .collect()
        .await;
    let mut kept = Vec::new();
    let results = outcomes
        .into_iter()
        .map(|(major, outcome)| {
            let result = outcome.map(|o| {
                if let Some(server) = o.kept {
                    kept.push((major, server));
                }
                o.report
            });
            (major, result.map_err(|e| error_chain(&e)))
        })
        .collect();
    let total = started.elapsed().as_secs_f64() * 1000.0;
    MatrixOutcome {
        report: MatrixReport::new(results, total),
        kept,
    }
}

/// Tags each event with its major and hands it to the one listener all runs share. The runs
/// are polled by one task, so the borrows never overlap.
struct ForMajor<'a, 'l> {
    major: u32,
    shared: &'a RefCell<&'l mut dyn Listener>,
}

impl Listener for ForMajor<'_, '_> {
    fn on_event(&mut self, event: &Event) {
        let tagged = Event::ForMajor {
            major: self.major,
            event: Box::new(event.clone()),
        };
        self.shared.borrow_mut().on_event(&tagged);
    }
}
