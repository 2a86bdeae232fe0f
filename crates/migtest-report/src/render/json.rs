//! The JSON report, as documented in `docs/report-format.md`.

use std::io::{self, Write};

use crate::RunReport;

/// Writes the report as one pretty-printed JSON document followed by a newline.
pub fn json(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}
