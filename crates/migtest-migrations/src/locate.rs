//! Maps PostgreSQL's error position (a 1-based character offset into the query text) back to
//! a line and column of the migration file.

/// A line and column in a file, with the line's text for an excerpt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcePosition {
    /// 1-based.
    pub line: u32,
    /// 1-based, in characters.
    pub column: u32,
    pub line_text: String,
}

/// Finds the line and column of the `position`-th character (1-based) of `sql`.
///
/// sqlx sends a migration's file content unchanged, so PostgreSQL's position counts characters
/// of the file itself. Returns `None` when the position is outside the text.
pub fn locate(sql: &str, position: usize) -> Option<SourcePosition> {
    if position == 0 {
        return None;
    }
    let mut line = 1u32;
    let mut line_start = 0usize;
    let mut column = 1u32;
    for (index, (byte, c)) in sql.char_indices().enumerate() {
        if index + 1 == position {
            let rest = &sql[line_start..];
            let line_text = rest
                .split('\n')
                .next()
                .unwrap_or_default()
                .trim_end_matches('\r');
            let _ = byte;
            return Some(SourcePosition {
                line,
                column,
                line_text: line_text.to_owned(),
            });
        }
        if c == '\n' {
            line += 1;
            column = 1;
            line_start = byte + 1;
        } else {
            column += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_character_is_line_one_column_one() {
        let p = locate("select 1;", 1).unwrap();
        assert_eq!(
            (p.line, p.column, p.line_text.as_str()),
            (1, 1, "select 1;")
        );
    }

    #[test]
    fn counts_characters_not_bytes_and_handles_crlf() {
        let sql = "-- é comment\r\ncreate tabel t ();\r\n";
        // 'tabel' starts at character 22: 13 characters of line 1, '\r', '\n', then 'create '.
        let p = locate(sql, 22).unwrap();
        assert_eq!((p.line, p.column), (2, 8));
        assert_eq!(p.line_text, "create tabel t ();");
    }

    #[test]
    fn out_of_range_is_none() {
        assert_eq!(locate("abc", 4), None);
        assert_eq!(locate("abc", 0), None);
    }
}
