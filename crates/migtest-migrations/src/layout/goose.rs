//! goose folders: `<version>_<name>.sql` files with a `-- +goose Up` section and an optional
//! `-- +goose Down` section, `-- +goose StatementBegin`/`StatementEnd` around statements that
//! hold semicolons, `-- +goose NO TRANSACTION` for a migration that runs outside a transaction.
//!
//! goose sends a section statement by statement (splitting at lines that end with `;` outside
//! `StatementBegin`/`StatementEnd`), in one transaction unless `NO TRANSACTION`. migtest sends a
//! section as one query, in a transaction unless `NO TRANSACTION`: the same result, except for a
//! statement PostgreSQL refuses inside a multi-statement query, which is reported before running.

use std::path::Path;

use super::pairs::statement_by_statement_trap;
use super::sections::{self, Line, byte_order_mark, problem_at, section};
use crate::folder::{self, Entry, Kind};
use crate::lexer::code_only;
use crate::load::{Found, Part, Unit, UnitDown};
use crate::model::{NoDown, Problem, Side};
use crate::version::Version;
use crate::{Layout, LoadError};

const EXPECTED: &str =
    "<version>_<name>.sql with a positive integer version, e.g. 20240101000001_create_widgets.sql";
const UP: &str = "-- +goose Up";
const DOWN: &str = "-- +goose Down";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Annotation {
    Up,
    Down,
    StatementBegin,
    StatementEnd,
    NoTransaction,
    Envsub,
    Unknown(String),
}

fn annotation(line: &str) -> Option<Annotation> {
    let line = line.trim_start_matches('\u{feff}').trim();
    let rest = line
        .strip_prefix("--")?
        .trim_start()
        .strip_prefix("+goose")?;
    let command = rest.trim().to_ascii_lowercase();
    Some(match command.as_str() {
        "up" => Annotation::Up,
        "down" => Annotation::Down,
        "statementbegin" => Annotation::StatementBegin,
        "statementend" => Annotation::StatementEnd,
        "no transaction" => Annotation::NoTransaction,
        "envsub on" | "envsub off" => Annotation::Envsub,
        _ => Annotation::Unknown(rest.trim().to_owned()),
    })
}

/// Whether `text` has a goose section annotation.
pub(crate) fn has_annotation(text: &str) -> bool {
    text.lines()
        .any(|line| matches!(annotation(line), Some(Annotation::Up | Annotation::Down)))
}

pub(super) fn read(entries: &[Entry]) -> Result<Found, LoadError> {
    let mut units = Vec::new();
    let mut notes = Vec::new();
    for entry in entries.iter().filter(|e| e.kind == Kind::File) {
        let name = entry.name.as_str();
        let Some(stem) = name.strip_suffix(".sql") else {
            if name.ends_with(".go") {
                notes.push(format!(
                    "{} was ignored: goose migrations written in Go cannot be run here",
                    entry.path.display()
                ));
            }
            continue;
        };
        let (version, words) = stem.split_once('_').ok_or_else(|| LoadError::BadName {
            path: entry.path.clone(),
            layout: Layout::Goose,
            why: "goose reads the version up to the first underscore, and there is none".to_owned(),
            expected: EXPECTED,
        })?;
        let value = version
            .parse::<i64>()
            .ok()
            .filter(|v| *v >= 1)
            .ok_or_else(|| LoadError::BadName {
                path: entry.path.clone(),
                layout: Layout::Goose,
                why: format!("{version:?} is not a positive 64-bit integer, which goose requires"),
                expected: EXPECTED,
            })?;
        let text = folder::read_text(&entry.path)?;
        let (up, down, problems) = parse(&entry.path, &text);
        units.push(Unit {
            version: Version::number(version, i128::from(value)),
            description: words.replace('_', " "),
            up,
            down,
            problems,
        });
    }
    Ok(Found {
        units,
        notes,
        ignored_files: Vec::new(),
    })
}

/// The sections of one goose file, and what goose would refuse in it.
fn parse(path: &Path, text: &str) -> (Part, UnitDown, Vec<Problem>) {
    let lines = sections::lines(text);
    let code = code_only(text);
    let mut problems: Vec<Problem> = byte_order_mark(path, text, "goose").into_iter().collect();
    let mut up: Option<Line<'_>> = None;
    let mut down: Option<Line<'_>> = None;
    let mut no_tx = false;
    let mut block: Option<Line<'_>> = None;
    let mut stray: Option<Line<'_>> = None;
    for line in &lines {
        let side = if down.is_some() { Side::Down } else { Side::Up };
        let at = |message: String| problem_at(path, side, line.number, message);
        match annotation(line.text) {
            Some(Annotation::Up) if up.is_some() || down.is_some() => {
                problems.push(at(format!(
                    "a second `{UP}` at line {}: goose refuses the file; keep one",
                    line.number
                )));
            }
            Some(Annotation::Up) => up = Some(*line),
            Some(Annotation::Down) if down.is_some() => {
                problems.push(at(format!(
                    "a second `{DOWN}` at line {}: goose refuses the file; keep one",
                    line.number
                )));
            }
            Some(Annotation::Down) => {
                if up.is_none() {
                    problems.push(at(format!(
                        "`{DOWN}` at line {} comes before `{UP}`: put the up section first",
                        line.number
                    )));
                }
                if let Some(open) = block.take() {
                    problems.push(unclosed(path, &open));
                }
                down = Some(*line);
            }
            Some(Annotation::StatementBegin) => {
                if let Some(open) = block.replace(*line) {
                    problems.push(unclosed(path, &open));
                }
            }
            Some(Annotation::StatementEnd) => {
                let opened = block.take();
                if opened.is_none() {
                    problems.push(at(format!(
                        "`-- +goose StatementEnd` at line {} has no `-- +goose StatementBegin` before it: goose \
                         refuses the file; add the StatementBegin above the statement",
                        line.number
                    )));
                }
            }
            Some(Annotation::NoTransaction) => no_tx = true,
            Some(Annotation::Envsub) => {}
            Some(Annotation::Unknown(command)) => {
                problems.push(at(format!(
                    "`-- +goose {command}` at line {} is not a goose annotation: goose refuses the file; use Up, \
                     Down, StatementBegin, StatementEnd or NO TRANSACTION",
                    line.number
                )));
            }
            None if up.is_none() => {
                let first = line.text.trim_start_matches('\u{feff}');
                let blank = first.trim().is_empty() || first.trim_start().starts_with("--");
                if !blank && stray.is_none() {
                    stray = Some(*line);
                }
            }
            None if block.is_none() && !line.is_blank_or_comment() => {
                // goose ends a statement at every line ending with `;` outside a StatementBegin
                // block; one inside a string or a `$$` body cuts the statement in two.
                let trimmed = line.text.trim_end();
                if trimmed.ends_with(';') {
                    let at_byte = line.start + trimmed.len() - 1;
                    if code.as_bytes().get(at_byte) != Some(&b';') {
                        problems.push(at(format!(
                            "line {} ends with `;` inside a string or a $$ body, where goose would cut the \
                             statement in two: wrap the statement in -- +goose StatementBegin and -- +goose \
                             StatementEnd",
                            line.number
                        )));
                    }
                }
            }
            None => {}
        }
    }
    if let Some(open) = block {
        problems.push(unclosed(path, &open));
    }
    if let Some(line) = stray.filter(|_| up.is_some()) {
        problems.push(problem_at(
            path,
            Side::Up,
            line.number,
            format!(
                "line {} holds SQL before `{UP}`: goose refuses statements outside its sections; move it below the \
                 annotation",
                line.number
            ),
        ));
    }
    let Some(up_line) = up else {
        problems.push(problem_at(
            path,
            Side::Up,
            1,
            format!("{} has no `{UP}` annotation: goose refuses the file; start the migration with {UP}", path.display()),
        ));
        return (
            Part::file(path.to_owned(), text.to_owned(), no_tx),
            UnitDown::None(NoDown::Simple),
            problems,
        );
    };
    let up_end = down
        .filter(|d| d.number > up_line.number)
        .map_or(text.len(), |d| d.start);
    let up_part = section(path, text, UP, &up_line, up_end, no_tx);
    let rule = "goose runs the statements of a `-- +goose NO TRANSACTION` migration one at a time";
    problems.extend(statement_by_statement_trap(&up_part, Side::Up, rule));
    let down_part = match down {
        Some(down_line) => {
            let end = if up_line.number > down_line.number {
                up_line.start
            } else {
                text.len()
            };
            let part = section(path, text, DOWN, &down_line, end, no_tx);
            problems.extend(statement_by_statement_trap(&part, Side::Down, rule));
            UnitDown::Part(part)
        }
        None => UnitDown::None(NoDown::Simple),
    };
    (up_part, down_part, problems)
}

fn unclosed(path: &Path, open: &Line<'_>) -> Problem {
    problem_at(
        path,
        Side::Up,
        open.number,
        format!(
            "`-- +goose StatementBegin` at line {} has no `-- +goose StatementEnd`: goose refuses the file; close \
             the statement with -- +goose StatementEnd",
            open.number
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_start_after_their_annotations() {
        let text = "-- header\r\n-- +goose Up\r\nCREATE TABLE t (a int);\r\n\r\n-- +goose Down\r\nDROP TABLE t;\r\n";
        let (up, down, problems) = parse(Path::new("1_t.sql"), text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(up.sql, "CREATE TABLE t (a int);\r\n\r\n");
        assert_eq!(up.origin, crate::Origin::Section { line: 3, byte: 25 });
        let UnitDown::Part(down) = down else {
            panic!("a down")
        };
        assert_eq!(down.sql, "DROP TABLE t;\r\n");
        assert_eq!(down.section, Some((DOWN, 5)));
    }

    #[test]
    fn what_goose_refuses_is_a_problem_at_its_line() {
        let cases: &[(&str, u32, &str)] = &[
            (
                "CREATE TABLE t ();\n-- +goose Up\nSELECT 1;\n",
                1,
                "holds SQL before",
            ),
            ("SELECT 1;\n", 1, "has no `-- +goose Up`"),
            (
                "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose Down\nSELECT 2;\n",
                2,
                "has no `-- +goose StatementEnd`",
            ),
            (
                "-- +goose Up\nCREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n  RETURN 1;\nEND $$ LANGUAGE plpgsql;\n",
                4,
                "goose would cut",
            ),
            (
                "-- +goose Up\n-- +goose Sideways\n",
                2,
                "is not a goose annotation",
            ),
        ];
        for (text, line, needle) in cases {
            let (_, _, problems) = parse(Path::new("1_t.sql"), text);
            let problem = problems
                .first()
                .unwrap_or_else(|| panic!("no problem in {text:?}"));
            assert_eq!(problem.line, Some(*line), "{text:?}: {problem:?}");
            assert!(
                problem.message.contains(needle),
                "{text:?}: {}",
                problem.message
            );
        }
    }

    #[test]
    fn no_transaction_with_a_concurrent_index_among_other_statements() {
        let text = "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (a);\nSELECT 1;\n";
        let (up, _, problems) = parse(Path::new("1_t.sql"), text);
        assert!(up.no_tx);
        assert!(
            problems[0].message.contains("CREATE INDEX CONCURRENTLY"),
            "{problems:?}"
        );
    }
}
