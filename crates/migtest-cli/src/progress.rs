//! Progress on a terminal while a run goes on: one spinner line on stderr.

use indicatif::{ProgressBar, ProgressStyle};
use migtest_report::{Event, Listener};

/// Shows what the run is doing; silent when stderr is not a terminal.
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub(crate) fn new(enabled: bool) -> Self {
        let bar = enabled.then(|| {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{pos}/{len}] {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(100));
            bar
        });
        Progress { bar }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Listener for Progress {
    fn on_event(&mut self, event: &Event) {
        // The backend `auto` chose is worth a line of its own, on a terminal or not; stderr,
        // so that stdout stays the report alone.
        if let Some(line) = chosen_backend("", event) {
            match &self.bar {
                Some(bar) => bar.println(line),
                None => eprintln!("{line}"),
            }
        }
        let Some(bar) = &self.bar else { return };
        show(bar, "", event);
    }
}

fn chosen_backend(prefix: &str, event: &Event) -> Option<String> {
    match event {
        Event::BackendChosen { backend, reason } => Some(format!(
            "migtest: {prefix}--backend auto chose {backend}: {reason}"
        )),
        Event::ForMajor { major, event } => chosen_backend(&format!("pg{major}: "), event),
        _ => None,
    }
}

fn show(bar: &ProgressBar, prefix: &str, event: &Event) {
    match event {
        Event::Loaded { count } => bar.inc_length(*count as u64),
        Event::BackendChosen { .. } => {}
        Event::Booting { backend } => {
            bar.set_message(format!("{prefix}starting PostgreSQL ({backend})"))
        }
        Event::Booted { server } => {
            bar.set_message(format!("{prefix}PostgreSQL {} ready", server.version))
        }
        Event::CheckStarted {
            version,
            name,
            check,
        } => bar.set_message(format!("{prefix}{version} {name}: {check}")),
        Event::CheckFinished { check, .. } => {
            if *check == migtest_report::Check::Redo {
                bar.inc(1);
            }
        }
        Event::LadderStarted { steps } => {
            bar.set_message(format!("{prefix}ladder: {steps} migrations down and up"))
        }
        Event::SmokeStarted { file } => bar.set_message(format!("{prefix}smoke: {file}")),
        Event::SmokeFinished { .. } => {}
        Event::ForMajor { major, event } => show(bar, &format!("pg{major}: "), event),
    }
}
