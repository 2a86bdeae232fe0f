//! The runbook's convention for simple migrations: the reversal written in comments,
//! `-- Down: DROP INDEX idx_name;`, one or several such lines, a statement continued on the
//! comment lines that follow it until its semicolon.

use crate::model::{CommentLine, Origin};

/// The SQL written in `-- Down:` comments, with where each of its lines came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DownComments {
    pub sql: String,
    pub origin: Origin,
    /// The file line of the first `-- Down:` comment.
    pub first_line: u32,
}

/// Finds the `-- Down:` comments of `sql`, whose lines sit in the file as `origin` says.
pub(crate) fn find(sql: &str, origin: &Origin) -> Option<DownComments> {
    let mut lines: Vec<CommentLine> = Vec::new();
    let mut sql_lines: Vec<&str> = Vec::new();
    // Inside a `-- Down:` statement that has not reached its semicolon yet.
    let mut open = false;
    for (index, line) in sql.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let file_line = origin.map_line(index as u32 + 1).0;
        let comment = comment_body(line);
        let taken = match comment {
            Some((body_start, body)) => match down_label(body) {
                Some(label_len) => {
                    let start = body_start + label_len;
                    Some((start, line[start..].trim_end()))
                }
                None if open => Some((body_start, line[body_start..].trim_end())),
                None => None,
            },
            None => None,
        };
        match taken {
            Some((start, text)) => {
                open = !text.trim_end().ends_with(';');
                lines.push(CommentLine {
                    line: file_line,
                    shift: line[..start].chars().count() as u32,
                    text: line.to_owned(),
                });
                sql_lines.push(text);
            }
            None => open = false,
        }
    }
    let first_line = lines.first()?.line;
    Some(DownComments {
        sql: sql_lines.join("\n"),
        origin: Origin::Comments { lines },
        first_line,
    })
}

/// The byte where the text of a `--` comment line starts (right after `--`), and that text.
fn comment_body(line: &str) -> Option<(usize, &str)> {
    let indent = line.len() - line.trim_start().len();
    let rest = line[indent..].strip_prefix("--")?;
    Some((indent + 2, rest))
}

/// The length of ` Down: ` at the start of a comment's text, when it is a `-- Down:` line.
fn down_label(body: &str) -> Option<usize> {
    let spaces = body.len() - body.trim_start().len();
    let label = body[spaces..].get(..5)?;
    if !label.eq_ignore_ascii_case("down:") {
        return None;
    }
    let after = &body[spaces + 5..];
    Some(spaces + 5 + (after.len() - after.trim_start().len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_several_lines_and_continuations() {
        let up = "-- Adds the index.\n-- Down: DROP INDEX idx_a;\nCREATE INDEX idx_a ON t (a);\n\
                  -- Down: ALTER TABLE t\n--     DROP COLUMN b;\n-- Not part of it.\nALTER TABLE t ADD COLUMN b int;\n";
        let found = find(up, &Origin::Section { line: 10, byte: 0 }).unwrap();
        assert_eq!(
            found.sql,
            "DROP INDEX idx_a;\nALTER TABLE t\n     DROP COLUMN b;"
        );
        assert_eq!(found.first_line, 11);
        let Origin::Comments { lines } = &found.origin else {
            panic!()
        };
        let places: Vec<(u32, u32)> = lines.iter().map(|l| (l.line, l.shift)).collect();
        assert_eq!(places, [(11, 9), (13, 9), (14, 2)]);
    }

    #[test]
    fn crlf_and_case_and_nothing() {
        let found = find(
            "-- down:drop table t;\r\ncreate table t ();\r\n",
            &Origin::FILE,
        )
        .unwrap();
        assert_eq!(found.sql, "drop table t;");
        assert_eq!(
            find("-- Downgrade later\ncreate table t ();", &Origin::FILE),
            None
        );
        let empty = find("-- Down:\ncreate table t ();", &Origin::FILE).unwrap();
        assert_eq!(empty.sql, "");
    }
}
