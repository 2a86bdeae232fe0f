//! Lines with their numbers and byte offsets, for the layouts that keep up and down as sections
//! of one file (goose, dbmate): a section's SQL is sent as it stands in the file, and its
//! [`Origin`] maps PostgreSQL's positions back to the file's lines.

use std::path::Path;

use crate::load::Part;
use crate::model::{Origin, Problem, Side};

/// One line of a file.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line<'a> {
    /// 1-based.
    pub number: u32,
    /// The byte offset where the line starts.
    pub start: usize,
    /// The byte offset after its line break.
    pub end: usize,
    /// Without the line break (`\n` or `\r\n`).
    pub text: &'a str,
}

impl Line<'_> {
    /// Blank, or a `--` comment.
    pub fn is_blank_or_comment(&self) -> bool {
        let trimmed = self.text.trim();
        trimmed.is_empty() || trimmed.starts_with("--")
    }
}

pub(super) fn lines(text: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut number = 1;
    while start < text.len() {
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |i| start + i + 1);
        let raw = &text[start..end];
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let line = line.strip_suffix('\r').unwrap_or(line);
        lines.push(Line {
            number,
            start,
            end,
            text: line,
        });
        start = end;
        number += 1;
    }
    lines
}

/// The section that follows the marker line `marker` and ends at byte `end`.
pub(super) fn section(
    path: &Path,
    text: &str,
    label: &'static str,
    marker: &Line<'_>,
    end: usize,
    no_tx: bool,
) -> Part {
    let start = marker.end.min(end);
    Part {
        path: path.to_owned(),
        sql: text[start..end].to_owned(),
        origin: Origin::Section {
            line: marker.number + 1,
            byte: start,
        },
        no_tx,
        resolved: None,
        section: Some((label, marker.number)),
    }
}

/// A problem at a line of the file.
pub(super) fn problem_at(path: &Path, side: Side, line: u32, message: String) -> Problem {
    Problem {
        side,
        path: path.to_owned(),
        line: Some(line),
        message,
    }
}

/// The problem of a file that starts with a byte-order mark, which the tool reads as text before
/// its first marker.
pub(super) fn byte_order_mark(path: &Path, text: &str, tool: &str) -> Option<Problem> {
    text.starts_with('\u{feff}').then(|| {
        problem_at(
            path,
            Side::Up,
            1,
            format!(
                "{} starts with a byte-order mark, which {tool} reads as text before its first marker; save the \
                 file as UTF-8 without a byte-order mark",
                path.display()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_offsets_with_crlf_and_without_a_final_newline() {
        let text = "a\r\nbb\nccc";
        let found: Vec<(u32, usize, usize, &str)> = lines(text)
            .iter()
            .map(|l| (l.number, l.start, l.end, l.text))
            .collect();
        assert_eq!(found, [(1, 0, 3, "a"), (2, 3, 6, "bb"), (3, 6, 9, "ccc")]);
    }
}
