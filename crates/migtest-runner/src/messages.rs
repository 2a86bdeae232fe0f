//! How schema differences are worded, per check: the sentence a person would say.

use migtest_schema::{Change, Difference};

/// `down left index public.idx_runs_status behind`: the schema after the down compared with
/// the schema before the up.
pub(crate) fn roundtrip(difference: &Difference) -> String {
    let object = object(difference);
    match difference.change {
        Change::Added => format!("down left {object} behind (it did not exist before the up)"),
        Change::Removed => format!("down dropped {object}, which existed before the up"),
        Change::Changed => format!("down did not restore {object} as it was before the up"),
        Change::ColumnOrder => {
            format!("down changed the column order of {object} (SELECT * and COPY see the columns differently)")
        }
    }
}

/// The schema after re-applying the up compared with the schema after the first up.
pub(crate) fn redo(difference: &Difference) -> String {
    let object = object(difference);
    match difference.change {
        Change::Added => format!("re-applying the up after the down gave {object}, which the first up did not"),
        Change::Removed => format!("re-applying the up after the down did not give {object}, which the first up did"),
        Change::Changed => format!("re-applying the up after the down gave a different {object}"),
        Change::ColumnOrder => format!("re-applying the up after the down changed the column order of {object}"),
    }
}

/// The ladder: `stage` says which comparison (`after reverting every migration`, ...).
pub(crate) fn ladder(stage: &str, difference: &Difference) -> String {
    let object = object(difference);
    match difference.change {
        Change::Added => format!("{stage}, {object} exists but did not before"),
        Change::Removed => format!("{stage}, {object} is missing"),
        Change::Changed => format!("{stage}, {object} differs"),
        Change::ColumnOrder => format!("{stage}, the column order of {object} differs"),
    }
}

pub(crate) fn object(difference: &Difference) -> String {
    format!("{} {}", difference.key.kind, difference.key.name)
}
