//! Versions as each tool writes and orders them, and the `i64` sqlx records for each.

use std::cmp::Ordering;

/// A tool's version as written, with the order the tool gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Version {
    /// As written in the name: `20240101000001`, `000001`, `2017-11-20-123456`, `1.2.3`.
    pub text: String,
    pub key: Key,
}

/// How a tool compares versions. One folder only ever holds one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    /// Compared as numbers: sqlx, golang-migrate, goose.
    Number(i128),
    /// Compared as text: diesel (dashes removed), dbmate.
    Text(String),
    /// Compared part by part as numbers, trailing zero parts ignored (`1.0` is `1`): Flyway.
    Dotted(Vec<u128>),
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Key::Number(a), Key::Number(b)) => a.cmp(b),
            (Key::Text(a), Key::Text(b)) => a.cmp(b),
            (Key::Dotted(a), Key::Dotted(b)) => a.cmp(b),
            // Never mixed within a folder; any fixed order will do.
            (a, b) => a.rank().cmp(&b.rank()),
        }
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Key {
    fn rank(&self) -> u8 {
        match self {
            Key::Number(_) => 0,
            Key::Text(_) => 1,
            Key::Dotted(_) => 2,
        }
    }

    /// The version as a number sqlx can record, when it is one.
    fn as_i64(&self) -> Option<i64> {
        match self {
            Key::Number(n) => i64::try_from(*n).ok(),
            Key::Text(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
                text.parse().ok()
            }
            Key::Dotted(parts) if parts.len() <= 1 => {
                i64::try_from(parts.first().copied().unwrap_or(0)).ok()
            }
            _ => None,
        }
    }
}

impl Version {
    pub fn number(text: &str, value: i128) -> Self {
        Version {
            text: text.to_owned(),
            key: Key::Number(value),
        }
    }

    pub fn text(text: &str, key: String) -> Self {
        Version {
            text: text.to_owned(),
            key: Key::Text(key),
        }
    }

    /// A Flyway version: parts separated by `.` or `_`, each a number. `None` when it is not one.
    pub fn dotted(text: &str) -> Option<Self> {
        let mut parts = Vec::new();
        for part in text.split(['.', '_']) {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            parts.push(part.parse::<u128>().ok()?);
        }
        while parts.last() == Some(&0) && parts.len() > 1 {
            parts.pop();
        }
        Some(Version {
            text: text.to_owned(),
            key: Key::Dotted(parts),
        })
    }
}

/// The `i64` version of each of `versions` (already in the tool's order): the versions
/// themselves when they all are integers sqlx can record in that order, otherwise their
/// positions 1, 2, 3, ... with a note saying so. Deterministic: the same folder always gets the
/// same numbers.
pub(crate) fn assign(versions: &[&Version]) -> (Vec<i64>, Option<String>) {
    let numbers: Option<Vec<i64>> = versions.iter().map(|v| v.key.as_i64()).collect();
    if let Some(numbers) = numbers.filter(|n| n.windows(2).all(|w| w[0] < w[1])) {
        return (numbers, None);
    }
    let example = versions
        .iter()
        .find(|v| v.key.as_i64().is_none())
        .map_or_else(
            || "the numeric order of the versions differs from the tool's order".to_owned(),
            |v| format!("{} is not a 64-bit integer", v.text),
        );
    let renumbered = (1..=versions.len() as i64).collect();
    let note = format!(
        "versions renumbered 1 to {} in the tool's order for sqlx's bookkeeping ({example}); \
         each migration's name keeps its original version",
        versions.len()
    );
    (renumbered, Some(note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_kept_and_everything_else_is_renumbered_in_order() {
        let a = Version::number("000001", 1);
        let b = Version::number("20240101000002", 20240101000002);
        assert_eq!(assign(&[&a, &b]), (vec![1, 20240101000002], None));

        let huge = Version::number("18446744073709551615", 18446744073709551615);
        let (numbers, note) = assign(&[&a, &huge]);
        assert_eq!(numbers, [1, 2]);
        assert!(
            note.unwrap()
                .contains("18446744073709551615 is not a 64-bit integer")
        );

        let mut flyway: Vec<Version> = ["1.10", "1.2", "1", "2"]
            .iter()
            .map(|t| Version::dotted(t).unwrap())
            .collect();
        flyway.sort_by(|x, y| x.key.cmp(&y.key));
        let order: Vec<&str> = flyway.iter().map(|v| v.text.as_str()).collect();
        assert_eq!(order, ["1", "1.2", "1.10", "2"]);
        let refs: Vec<&Version> = flyway.iter().collect();
        assert_eq!(assign(&refs).0, [1, 2, 3, 4]);
        assert_eq!(
            Version::dotted("1.0").unwrap().key,
            Version::dotted("1").unwrap().key
        );
        assert_eq!(
            Version::dotted("2_1").unwrap().key,
            Version::dotted("2.1").unwrap().key
        );
        assert!(Version::dotted("1.x").is_none());
    }
}
