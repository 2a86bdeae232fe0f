//! The JSON report, as documented in `docs/report-format.md`.

use std::io::{self, Write};

use serde::Serialize;

/// Writes a report ([`RunReport`](crate::RunReport) or [`MatrixReport`](crate::MatrixReport)) as
/// one pretty-printed JSON document followed by a newline.
pub fn json<T: Serialize>(report: &T, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}
