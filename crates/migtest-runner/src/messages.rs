//! How schema differences are worded, per check: the sentence a person would say.

use migtest_schema::{Change, Difference};

/// `down left index public.idx_runs_status behind`: the schema after the down compared with
/// the schema before the up.
pub(crate) fn roundtrip(difference: &Difference) -> String {
    let object = object(difference);
    match difference.change {
        Change::Added => format!("down left {object} behind (it did not exist before the up)"),
        Change::Removed => format!("down dropped {object}, which existed before the up"),
        Change::Changed => format!(
            "down did not restore {object} as it was before the up{}",
            what_changed(difference)
        ),
        Change::ColumnOrder => {
            format!(
                "down changed the column order of {object} (SELECT * and COPY see the columns differently)"
            )
        }
    }
}

/// The schema after re-applying the up compared with the schema after the first up.
pub(crate) fn redo(difference: &Difference) -> String {
    let object = object(difference);
    match difference.change {
        Change::Added => {
            format!("re-applying the up after the down gave {object}, which the first up did not")
        }
        Change::Removed => format!(
            "re-applying the up after the down did not give {object}, which the first up did"
        ),
        Change::Changed => format!(
            "re-applying the up after the down gave a different {object}{}",
            what_changed(difference)
        ),
        Change::ColumnOrder => {
            format!("re-applying the up after the down changed the column order of {object}")
        }
    }
}

/// The ladder: `stage` says which comparison (`after reverting every migration`, ...).
pub(crate) fn ladder(stage: &str, difference: &Difference) -> String {
    let object = object(difference);
    match difference.change {
        Change::Added => format!("{stage}, {object} exists but did not before"),
        Change::Removed => format!("{stage}, {object} is missing"),
        Change::Changed => format!("{stage}, {object} differs{}", what_changed(difference)),
        Change::ColumnOrder => format!("{stage}, the column order of {object} differs"),
    }
}

pub(crate) fn object(difference: &Difference) -> String {
    format!("{} {}", difference.key.kind, difference.key.name)
}

/// `: column name, comment differ`: the parts of an object's canonical text that changed, named
/// by their line's label (`owner: ...`) or, for lines listed under a section such as
/// `columns:`, by the section and the entry's first word.
fn what_changed(difference: &Difference) -> String {
    let (Some(before), Some(after)) = (&difference.before, &difference.after) else {
        return String::new();
    };
    let labels_of = |text: &str, other: &str| -> Vec<String> {
        let other: std::collections::HashSet<&str> = other.lines().collect();
        let mut section: Option<&str> = None;
        let mut labels = Vec::new();
        for line in text.lines() {
            let indented = line.starts_with(' ');
            if !indented {
                section = line.strip_suffix(':');
            }
            if other.contains(line) {
                continue;
            }
            let label = match section {
                Some(section) if indented => {
                    let entry = line
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .trim_end_matches(':');
                    format!("{} {entry}", section.strip_suffix('s').unwrap_or(section))
                }
                _ => line.split(':').next().unwrap_or_default().trim().to_owned(),
            };
            if !label.is_empty() {
                labels.push(label);
            }
        }
        labels
    };
    let mut labels = labels_of(before, after);
    labels.extend(labels_of(after, before));
    let mut seen = std::collections::HashSet::new();
    labels.retain(|label| seen.insert(label.clone()));
    match labels.len() {
        0 => String::new(),
        1 => format!(": {} differs", labels[0]),
        _ if labels.len() <= 4 => format!(": {} differ", labels.join(", ")),
        _ => format!(
            ": {} and {} more differ",
            labels[..3].join(", "),
            labels.len() - 3
        ),
    }
}

#[cfg(test)]
mod tests {
    use migtest_schema::{Change, Difference, ObjectKey, ObjectKind};

    fn changed(before: &str, after: &str) -> Difference {
        Difference {
            key: ObjectKey {
                kind: ObjectKind::Table,
                name: "public.customers".into(),
            },
            change: Change::Changed,
            within: Vec::new(),
            before: Some(before.into()),
            after: Some(after.into()),
        }
    }

    #[test]
    fn names_the_changed_column_and_properties() {
        let before = "table public.customers\nowner: postgres\ncolumns:\n  id bigint not null\n  name text\n";
        let after = "table public.customers\nowner: app\ncolumns:\n  id bigint not null\n  name text default 'x'::text\n";
        assert_eq!(
            super::roundtrip(&changed(before, after)),
            "down did not restore table public.customers as it was before the up: owner, column name differ"
        );
        let comment = changed("table t\n", "table t\ncomment: \"hi\"\n");
        assert_eq!(
            super::redo(&comment),
            "re-applying the up after the down gave a different table public.customers: comment differs"
        );
    }
}
