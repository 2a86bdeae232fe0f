//! The pure diff of two snapshots, object by object.

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;
use similar::TextDiff;

use crate::model::{MEMBER_BLOCKS, ObjectKey, Snapshot};

/// How one object differs between two snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// The object is only in the later snapshot.
    Added,
    /// The object is only in the earlier snapshot.
    Removed,
    /// The object is in both, with different texts.
    Changed,
    /// The object has the same columns (or attributes) with the same definitions in a different
    /// order, and nothing else differs. Told apart from [`Change::Changed`] because it is the
    /// typical result of a down migration that drops a column and an up that adds it back at the
    /// end: invisible to most queries, but not to `SELECT *`, `INSERT` without columns or `COPY`.
    ColumnOrder,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Changed => "changed",
            Self::ColumnOrder => "column order changed",
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One object that differs, with its canonical text on each side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub key: ObjectKey,
    pub change: Change,
    /// The objects this one belongs to, nearest first (see [`Snapshot::within`]), from the later
    /// snapshot, or from the earlier one when the object is gone.
    pub within: Vec<ObjectKey>,
    /// The text in the earlier snapshot; `None` when [`Change::Added`].
    pub before: Option<String>,
    /// The text in the later snapshot; `None` when [`Change::Removed`].
    pub after: Option<String>,
}

impl Difference {
    /// A unified diff of the two texts, from `before` to `after`, with `--- before` and
    /// `+++ after` headers. A missing side counts as empty.
    pub fn unified_diff(&self) -> String {
        let before = with_final_newline(self.before.as_deref());
        let after = with_final_newline(self.after.as_deref());
        TextDiff::from_lines(&before, &after)
            .unified_diff()
            .context_radius(3)
            .header("before", "after")
            .to_string()
    }
}

/// Texts are stored without a final newline; a line diff wants one on every line, or it marks
/// the last line as "no newline at end of file".
fn with_final_newline(text: Option<&str>) -> String {
    match text {
        Some(text) if !text.is_empty() => format!("{text}\n"),
        _ => String::new(),
    }
}

/// Every object that is not the same in both snapshots, sorted by key; empty when the snapshots
/// are equal.
pub fn diff(before: &Snapshot, after: &Snapshot) -> Vec<Difference> {
    let mut differences = Vec::new();
    let mut left = before.map().iter().peekable();
    let mut right = after.map().iter().peekable();
    loop {
        let order = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((left_key, _)), Some((right_key, _))) => left_key.cmp(right_key),
        };
        match order {
            Ordering::Less => {
                if let Some((key, text)) = left.next() {
                    differences.push(Difference {
                        key: key.clone(),
                        change: Change::Removed,
                        within: before.within(key).to_vec(),
                        before: Some(text.clone()),
                        after: None,
                    });
                }
            }
            Ordering::Greater => {
                if let Some((key, text)) = right.next() {
                    differences.push(Difference {
                        key: key.clone(),
                        change: Change::Added,
                        within: after.within(key).to_vec(),
                        before: None,
                        after: Some(text.clone()),
                    });
                }
            }
            Ordering::Equal => {
                if let (Some((key, old)), Some((_, new))) = (left.next(), right.next())
                    && old != new
                {
                    differences.push(Difference {
                        key: key.clone(),
                        change: classify(old, new),
                        within: after.within(key).to_vec(),
                        before: Some(old.clone()),
                        after: Some(new.clone()),
                    });
                }
            }
        }
    }
    differences
}

fn classify(before: &str, after: &str) -> Change {
    match (without_member_order(before), without_member_order(after)) {
        (Some(before), Some(after)) if before == after => Change::ColumnOrder,
        _ => Change::Changed,
    }
}

/// The text with the lines of its member block (columns or attributes) sorted, or `None` when it
/// has no such block. Every member is one line, indented under the block's header.
fn without_member_order(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|line| MEMBER_BLOCKS.contains(line))? + 1;
    let length = lines[start..]
        .iter()
        .take_while(|line| line.starts_with("  "))
        .count();
    let mut normalized = lines;
    normalized[start..start + length].sort_unstable();
    Some(normalized.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ObjectKind;

    fn key(kind: ObjectKind, name: &str) -> ObjectKey {
        ObjectKey::new(kind, name)
    }

    fn snapshot(objects: &[(ObjectKind, &str, &str)]) -> Snapshot {
        objects
            .iter()
            .map(|(kind, name, text)| (key(*kind, name), (*text).to_owned()))
            .collect()
    }

    fn summary(differences: &[Difference]) -> Vec<(ObjectKind, &str, Change)> {
        differences
            .iter()
            .map(|difference| {
                (
                    difference.key.kind,
                    difference.key.name.as_str(),
                    difference.change,
                )
            })
            .collect()
    }

    const RUNS: &str = "table public.runs\nowner: app\ncolumns:\n  id bigint not null\n  status text not null\n  note text\ncomment: \"runs\"";
    const RUNS_REORDERED: &str = "table public.runs\nowner: app\ncolumns:\n  id bigint not null\n  note text\n  status text not null\ncomment: \"runs\"";
    const RUNS_RETYPED: &str = "table public.runs\nowner: app\ncolumns:\n  id bigint not null\n  note varchar(20)\n  status text not null\ncomment: \"runs\"";
    const INDEX: &str = "index public.idx_runs_status\ndefinition: CREATE INDEX idx_runs_status ON public.runs USING btree (status)";
    const FUNCTION: &str = "function public.f(integer)\nowner: app\ndefinition:\n  CREATE OR REPLACE FUNCTION public.f(x integer)\n   RETURNS integer\n   LANGUAGE sql\n  AS $function$select x + 1$function$";
    const FUNCTION_CHANGED: &str = "function public.f(integer)\nowner: app\ndefinition:\n  CREATE OR REPLACE FUNCTION public.f(x integer)\n   RETURNS integer\n   LANGUAGE sql\n  AS $function$select x + 2$function$";

    #[test]
    fn equal_snapshots_have_no_differences() {
        let one = snapshot(&[
            (ObjectKind::Table, "public.runs", RUNS),
            (ObjectKind::Index, "public.idx_runs_status", INDEX),
        ]);
        assert_eq!(diff(&one, &one.clone()), Vec::new());
        assert_eq!(diff(&Snapshot::default(), &Snapshot::default()), Vec::new());
    }

    #[test]
    fn added_and_removed_objects_are_reported_sorted_by_kind_then_name() {
        let before = snapshot(&[
            (ObjectKind::Table, "public.runs", RUNS),
            (ObjectKind::Function, "public.f(integer)", FUNCTION),
        ]);
        let after = snapshot(&[
            (ObjectKind::Index, "public.idx_runs_status", INDEX),
            (ObjectKind::Table, "public.runs", RUNS),
            (ObjectKind::Index, "public.a_first", INDEX),
        ]);
        let differences = diff(&before, &after);
        assert_eq!(
            summary(&differences),
            vec![
                (ObjectKind::Function, "public.f(integer)", Change::Removed),
                (ObjectKind::Index, "public.a_first", Change::Added),
                (ObjectKind::Index, "public.idx_runs_status", Change::Added),
            ]
        );
        assert_eq!(differences[0].before.as_deref(), Some(FUNCTION));
        assert_eq!(differences[0].after, None);
        assert_eq!(differences[1].before, None);
        assert_eq!(differences[1].after.as_deref(), Some(INDEX));
    }

    #[test]
    fn a_changed_text_is_changed() {
        let before = snapshot(&[(ObjectKind::Function, "public.f(integer)", FUNCTION)]);
        let after = snapshot(&[(ObjectKind::Function, "public.f(integer)", FUNCTION_CHANGED)]);
        let differences = diff(&before, &after);
        assert_eq!(
            summary(&differences),
            vec![(ObjectKind::Function, "public.f(integer)", Change::Changed)]
        );
        insta::assert_snapshot!("function_changed", differences[0].unified_diff());
    }

    #[test]
    fn the_same_columns_in_another_order_are_a_column_order_change() {
        let before = snapshot(&[(ObjectKind::Table, "public.runs", RUNS)]);
        let after = snapshot(&[(ObjectKind::Table, "public.runs", RUNS_REORDERED)]);
        let differences = diff(&before, &after);
        assert_eq!(
            summary(&differences),
            vec![(ObjectKind::Table, "public.runs", Change::ColumnOrder)]
        );
        insta::assert_snapshot!("column_order", differences[0].unified_diff());
    }

    #[test]
    fn reordered_columns_with_another_change_are_changed() {
        let before = snapshot(&[(ObjectKind::Table, "public.runs", RUNS)]);
        let after = snapshot(&[(ObjectKind::Table, "public.runs", RUNS_RETYPED)]);
        assert_eq!(
            summary(&diff(&before, &after)),
            vec![(ObjectKind::Table, "public.runs", Change::Changed)]
        );
        // A change outside the column block is not hidden by equal columns either.
        let commented = RUNS_REORDERED.replace("\"runs\"", "\"all runs\"");
        let after = snapshot(&[(ObjectKind::Table, "public.runs", &commented)]);
        assert_eq!(
            summary(&diff(&before, &after)),
            vec![(ObjectKind::Table, "public.runs", Change::Changed)]
        );
    }

    #[test]
    fn added_and_removed_objects_diff_against_nothing() {
        let before = snapshot(&[(ObjectKind::Index, "public.idx_runs_status", INDEX)]);
        let differences = diff(&before, &Snapshot::default());
        insta::assert_snapshot!("index_removed", differences[0].unified_diff());
        let differences = diff(&Snapshot::default(), &before);
        insta::assert_snapshot!("index_added", differences[0].unified_diff());
    }

    #[test]
    fn kinds_read_as_lowercase_words() {
        assert_eq!(
            ObjectKind::MaterializedView.to_string(),
            "materialized view"
        );
        assert_eq!(ObjectKind::Index.to_string(), "index");
        assert_eq!(ObjectKind::Table.to_string(), "table");
        assert_eq!(
            key(ObjectKind::EventTrigger, "audit").to_string(),
            "event trigger audit"
        );
    }

    #[test]
    fn a_duplicate_key_keeps_both_texts_in_a_fixed_order() {
        let one = snapshot(&[
            (ObjectKind::Index, "public.i", "b"),
            (ObjectKind::Index, "public.i", "a"),
        ]);
        let two = snapshot(&[
            (ObjectKind::Index, "public.i", "a"),
            (ObjectKind::Index, "public.i", "b"),
        ]);
        assert_eq!(one, two);
        assert_eq!(one.get(&key(ObjectKind::Index, "public.i")), Some("a\nb"));
    }

    #[test]
    fn snapshots_serialize_as_a_sorted_list() {
        let one = snapshot(&[
            (ObjectKind::Table, "public.runs", "table public.runs"),
            (ObjectKind::Schema, "public", "schema public"),
        ]);
        let json = serde_json::to_string(&one).expect("a snapshot serializes");
        assert_eq!(
            json,
            r#"{"objects":[{"kind":"schema","name":"public","text":"schema public"},{"kind":"table","name":"public.runs","text":"table public.runs"}]}"#
        );
    }
}
