//! GitHub Actions workflow commands: one `::error` annotation per finding, placed on the file
//! and line when the finding has a location.

use std::io::{self, Write};

use crate::{Finding, render::finding_headline};

/// Writes one annotation line per finding (`report.failures` of a run or of a matrix).
pub fn github_annotations(failures: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    for finding in failures {
        let mut properties = vec![format!(
            "title=migtest {}",
            escape_property(finding.check.as_str())
        )];
        if let Some(location) = &finding.location {
            properties.push(format!("file={}", escape_property(&location.file)));
            properties.push(format!("line={}", location.line));
            if let Some(column) = location.column {
                properties.push(format!("col={column}"));
            }
        }
        let mut message = finding_headline(finding);
        if let Some(diff) = &finding.diff {
            message.push('\n');
            message.push_str(diff);
        }
        writeln!(
            out,
            "::error {}::{}",
            properties.join(","),
            escape_data(&message)
        )?;
    }
    Ok(())
}

// The escaping rules of workflow commands: data escapes %, CR and LF; properties also : and ,.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
