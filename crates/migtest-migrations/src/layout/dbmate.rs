//! dbmate folders: `<version>_<name>.sql` files with a `-- migrate:up` section and an optional
//! `-- migrate:down` section; `transaction:false` after a marker runs that section outside a
//! transaction. dbmate sends a section as one query, as sqlx does.

use std::path::Path;

use super::pairs::one_query_trap;
use super::sections::{self, Line, byte_order_mark, problem_at, section};
use crate::LoadError;
use crate::folder::{self, Entry, Kind};
use crate::load::{Found, Part, Unit, UnitDown};
use crate::model::{NoDown, Problem, Side};
use crate::version::Version;

const UP: &str = "-- migrate:up";
const DOWN: &str = "-- migrate:down";

/// A `-- migrate:up` or `-- migrate:down` marker and whether its options keep the transaction.
fn marker(line: &str) -> Option<(Side, bool)> {
    let rest = line
        .trim_start_matches('\u{feff}')
        .strip_prefix("--")?
        .trim_start()
        .strip_prefix("migrate:")?;
    let (word, options) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let side = match word {
        "up" => Side::Up,
        "down" => Side::Down,
        _ => return None,
    };
    let transaction = !options.split_whitespace().any(|o| o == "transaction:false");
    Some((side, transaction))
}

/// Whether `text` has a dbmate section marker.
pub(crate) fn has_marker(text: &str) -> bool {
    text.lines().any(|line| marker(line).is_some())
}

pub(super) fn read(entries: &[Entry]) -> Result<Found, LoadError> {
    let mut units = Vec::new();
    let mut notes = Vec::new();
    for entry in entries.iter().filter(|e| e.kind == Kind::File) {
        let name = entry.name.as_str();
        let digits = name.bytes().take_while(u8::is_ascii_digit).count();
        let Some(stem) = name.strip_suffix(".sql").filter(|_| digits > 0) else {
            if name.ends_with(".sql") {
                notes.push(format!(
                    "{} was ignored: dbmate only reads files whose names start with their version, <version>_<name>.sql",
                    entry.path.display()
                ));
            }
            continue;
        };
        let version = &stem[..digits];
        let words = stem[digits..].trim_start_matches('_').replace('_', " ");
        let text = folder::read_text(&entry.path)?;
        let (up, down, problems) = parse(&entry.path, &text);
        units.push(Unit {
            version: Version::text(version, version.to_owned()),
            description: words,
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

/// The sections of one dbmate file, and what dbmate would refuse in it.
fn parse(path: &Path, text: &str) -> (Part, UnitDown, Vec<Problem>) {
    let lines = sections::lines(text);
    let mut problems: Vec<Problem> = byte_order_mark(path, text, "dbmate").into_iter().collect();
    let mut markers: Vec<(Side, bool, Line<'_>)> = Vec::new();
    let mut stray: Option<Line<'_>> = None;
    for line in &lines {
        match marker(line.text) {
            Some((side, transaction)) => {
                if let Some((_, _, first)) = markers.iter().find(|(s, _, _)| *s == side) {
                    let label = if side == Side::Up { UP } else { DOWN };
                    problems.push(problem_at(
                        path,
                        side,
                        line.number,
                        format!(
                            "a second `{label}` at line {} (the first is at line {}): keep one section of each kind",
                            line.number, first.number
                        ),
                    ));
                } else {
                    markers.push((side, transaction, *line));
                }
            }
            None if markers.is_empty() && stray.is_none() => {
                let first = line.text.trim_start_matches('\u{feff}').trim();
                if !first.is_empty() && !first.starts_with("--") {
                    stray = Some(*line);
                }
            }
            None => {}
        }
    }
    if let Some(line) = stray.filter(|_| !markers.is_empty()) {
        problems.push(problem_at(
            path,
            Side::Up,
            line.number,
            format!(
                "line {} holds SQL before the first `-- migrate:` marker: dbmate refuses statements outside the \
                 `{UP}` and `{DOWN}` sections; move it into a section",
                line.number
            ),
        ));
    }
    // A section runs from its marker to the next marker or the end of the file.
    let end_of = |marker: &Line<'_>| {
        markers
            .iter()
            .map(|(_, _, l)| l.start)
            .filter(|start| *start > marker.start)
            .min()
            .unwrap_or(text.len())
    };
    let Some((_, up_transaction, up_line)) = markers.iter().find(|(s, _, _)| *s == Side::Up) else {
        problems.push(problem_at(
            path,
            Side::Up,
            1,
            format!(
                "{} has no `{UP}` marker: dbmate requires one; put the migration below {UP}",
                path.display()
            ),
        ));
        return (
            Part::file(path.to_owned(), text.to_owned(), false),
            UnitDown::None(NoDown::Simple),
            problems,
        );
    };
    let up = section(path, text, UP, up_line, end_of(up_line), !up_transaction);
    problems.extend(one_query_trap(&up, Side::Up, "transaction:false", "dbmate"));
    let down = match markers.iter().find(|(s, _, _)| *s == Side::Down) {
        Some((_, transaction, line)) => {
            let part = section(path, text, DOWN, line, end_of(line), !transaction);
            problems.extend(one_query_trap(
                &part,
                Side::Down,
                "transaction:false",
                "dbmate",
            ));
            UnitDown::Part(part)
        }
        None => UnitDown::None(NoDown::Simple),
    };
    (up, down, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_markers_and_options() {
        let text = "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n-- migrate:down\nDROP INDEX i;\n";
        let (up, down, problems) = parse(Path::new("1_t.sql"), text);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(up.no_tx);
        assert_eq!(up.sql, "CREATE INDEX CONCURRENTLY i ON t (a);\n\n");
        let UnitDown::Part(down) = down else {
            panic!("a down")
        };
        assert!(!down.no_tx);
        assert_eq!(down.origin, crate::Origin::Section { line: 5, byte: 87 });
    }

    #[test]
    fn what_dbmate_refuses_is_a_problem_at_its_line() {
        let (_, _, problems) = parse(
            Path::new("1_t.sql"),
            "SELECT 1;\n-- migrate:up\nSELECT 2;\n",
        );
        assert_eq!(problems[0].line, Some(1));
        let (_, down, problems) = parse(Path::new("1_t.sql"), "-- migrate:down\nSELECT 2;\n");
        assert!(problems[0].message.contains("has no `-- migrate:up`"));
        assert!(matches!(down, UnitDown::None(_)));
        let (_, _, problems) = parse(
            Path::new("1_t.sql"),
            "-- migrate:up transaction:false\nSELECT 1;\nSELECT 2;\n",
        );
        assert!(
            problems[0].message.contains("holds 2 statements"),
            "{problems:?}"
        );
    }
}
