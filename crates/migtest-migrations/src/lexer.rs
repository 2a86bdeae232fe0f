//! Just enough of PostgreSQL's lexical structure to count the statements of a file: string
//! literals, quoted identifiers, dollar quotes, line comments and nested block comments.
//!
//! It decides nothing about what the statements mean; it exists because a `-- no-transaction`
//! file with more than one statement is sent as one simple query, which PostgreSQL runs in an
//! implicit transaction (so `CREATE INDEX CONCURRENTLY` in it fails).

/// The number of non-empty statements in `sql` (comments and whitespace alone do not count).
pub fn statement_count(sql: &str) -> usize {
    let bytes = sql.as_bytes();
    let mut count = 0;
    let mut has_content = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = skip_block_comment(bytes, i);
                continue;
            }
            b'\'' => {
                has_content = true;
                // E'...' strings allow backslash escapes; standard strings only ''.
                let escapes = i > 0
                    && matches!(bytes[i - 1], b'e' | b'E')
                    && !is_ident_byte_before(bytes, i - 1);
                i = skip_quoted(bytes, i, b'\'', escapes);
                continue;
            }
            b'"' => {
                has_content = true;
                i = skip_quoted(bytes, i, b'"', false);
                continue;
            }
            b'$' => {
                has_content = true;
                if let Some(end) = skip_dollar_quote(bytes, i) {
                    i = end;
                    continue;
                }
            }
            b';' => {
                if has_content {
                    count += 1;
                }
                has_content = false;
            }
            b if b.is_ascii_whitespace() => {}
            _ => has_content = true,
        }
        i += 1;
    }
    if has_content {
        count += 1;
    }
    count
}

/// `sql` with comments, string literals, quoted identifiers and dollar quotes blanked out (each
/// byte but newlines becomes a space), so what is left is keywords, names and punctuation at
/// their original offsets.
pub(crate) fn code_only(sql: &str) -> String {
    let bytes = sql.as_bytes();
    let mut out = bytes.to_vec();
    let blank = |from: usize, to: usize, out: &mut Vec<u8>| {
        for byte in &mut out[from..to.min(bytes.len())] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let end = match bytes[i] {
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                let mut j = i;
                while j < bytes.len() && bytes[j] != b'\n' {
                    j += 1;
                }
                j
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => skip_block_comment(bytes, i),
            b'\'' => {
                let escapes = i > 0
                    && matches!(bytes[i - 1], b'e' | b'E')
                    && !is_ident_byte_before(bytes, i - 1);
                skip_quoted(bytes, i, b'\'', escapes)
            }
            b'"' => skip_quoted(bytes, i, b'"', false),
            b'$' => match skip_dollar_quote(bytes, i) {
                Some(end) => end,
                None => i + 1,
            },
            _ => {
                i += 1;
                continue;
            }
        };
        if bytes[i] == b'$' && end == i + 1 {
            i = end;
            continue;
        }
        blank(i, end, &mut out);
        i = end.max(i + 1);
    }
    // Only ASCII bytes were replaced, and only whole characters: the result is still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// The first statement of `sql` that PostgreSQL refuses to run inside a transaction block or a
/// multi-statement query (`CREATE INDEX CONCURRENTLY`, `VACUUM`, ...), as its first words.
pub(crate) fn non_transactional_statement(sql: &str) -> Option<String> {
    let code = code_only(sql);
    code.split(';').find_map(|statement| {
        let words: Vec<String> = statement
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_uppercase)
            .collect();
        let shown = if let Some(at) = words.iter().position(|w| w == "CONCURRENTLY") {
            at + 1
        } else if matches!(words.first().map(String::as_str), Some("VACUUM")) {
            1
        } else if matches!(words.as_slice(), [a, b, ..] if (a == "ALTER" && b == "SYSTEM")
            || ((a == "CREATE" || a == "DROP") && (b == "DATABASE" || b == "TABLESPACE")))
        {
            2
        } else {
            return None;
        };
        Some(words[..shown].join(" "))
    })
}

fn is_ident_byte_before(bytes: &[u8], i: usize) -> bool {
    i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')
}

fn skip_block_comment(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0;
    let mut i = start;
    while i < bytes.len() {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    i
}

fn skip_quoted(bytes: &[u8], start: usize, quote: u8, backslash_escapes: bool) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        if backslash_escapes && bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    i
}

/// Skips `$tag$ ... $tag$` starting at `start`; `None` when this `$` does not open a dollar
/// quote (a parameter such as `$1`, or `$` inside an identifier).
fn skip_dollar_quote(bytes: &[u8], start: usize) -> Option<usize> {
    if is_ident_byte_before(bytes, start) {
        return None;
    }
    let mut j = start + 1;
    while j < bytes.len()
        && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] >= 0x80)
    {
        j += 1;
    }
    if bytes.get(j) != Some(&b'$') {
        return None;
    }
    let tag = &bytes[start..=j];
    if tag.len() > 2 && tag[1].is_ascii_digit() {
        return None;
    }
    let body = j + 1;
    let mut k = body;
    while k + tag.len() <= bytes.len() {
        if &bytes[k..k + tag.len()] == tag {
            return Some(k + tag.len());
        }
        k += 1;
    }
    Some(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::statement_count;

    #[test]
    fn counts() {
        let cases: &[(&str, usize)] = &[
            ("", 0),
            ("-- only a comment\n", 0),
            (
                "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n",
                1,
            ),
            ("create index concurrently i on t (a)", 1),
            ("select 1; select 2;", 2),
            ("select 1;;; -- trailing\n/* block; */", 1),
            ("select ';'; select \"a;b\" from t;", 2),
            ("select E'it\\'s; fine';", 1),
            (
                "create function f() returns int as $$ select 1; select 2; $$ language sql;",
                1,
            ),
            (
                "create function f() returns int as $body$ begin; return 1; end $body$ language plpgsql; select 1;",
                2,
            ),
            ("/* nested /* ; */ still comment; */ select 1;", 1),
            ("prepare p as select $1; execute p(1);", 2),
        ];
        for (sql, expected) in cases {
            assert_eq!(statement_count(sql), *expected, "{sql:?}");
        }
    }

    #[test]
    fn code_only_keeps_offsets_and_blanks_everything_else() {
        let sql = "select 'a;b', \"c\" -- d;\n/* e */ $$f$$; $1";
        let code = super::code_only(sql);
        assert_eq!(code.len(), sql.len());
        assert_eq!(code, "select      ,          \n             ; $1");
    }

    #[test]
    fn statements_that_refuse_a_transaction() {
        use super::non_transactional_statement as refused;
        assert_eq!(
            refused("create index concurrently i on t (a);").as_deref(),
            Some("CREATE INDEX CONCURRENTLY")
        );
        assert_eq!(refused("vacuum t;").as_deref(), Some("VACUUM"));
        assert_eq!(
            refused("select 'concurrently'; -- vacuum\ncomment on table t is 'create database';"),
            None
        );
    }
}
