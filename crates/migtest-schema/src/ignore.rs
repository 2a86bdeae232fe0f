//! Ignore patterns: differences a project has decided not to be told about.
//!
//! Three forms, so that the common cases need no glob:
//!
//! - `kind:KIND` — every object of one kind, e.g. `kind:statistics`, `kind:role`,
//!   `kind:event_trigger` (words joined by `_`, `-` or a space).
//! - `KIND:NAME` — the object of that kind whose name matches, and everything that belongs to it
//!   (see [`crate::Snapshot::within`]): `table:public.job_queue` also covers the table's indexes,
//!   constraints, triggers, rules, policies, statistics, owned sequences and partitions;
//!   `schema:audit` covers everything in the schema.
//! - anything else is a glob on `<kind> <name>` as a report prints it:
//!   `index public.tmp_*`, `constraint * on public.job_queue`, `* public.legacy_*`.
//!
//! Names are written as the report writes them (identifiers quoted only where SQL needs it). In
//! `NAME` and in globs, `*` matches any run of characters and `?` one character; matching is
//! case-sensitive.

use crate::diff::Difference;
use crate::model::{ObjectKey, ObjectKind};

/// A set of parsed ignore patterns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreRules {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Rule {
    Kind(ObjectKind),
    Object { kind: ObjectKind, name: String },
    Text(String),
}

/// Why a pattern could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IgnorePatternError {
    #[error("ignore pattern is empty")]
    Empty,
    #[error("ignore pattern {pattern:?}: unknown object kind {kind:?} (kinds: {known})", known = kind_words())]
    UnknownKind { pattern: String, kind: String },
    #[error("ignore pattern {pattern:?}: nothing after the colon")]
    MissingName { pattern: String },
}

/// The accepted kind words, for error messages.
fn kind_words() -> String {
    let words: Vec<String> = ObjectKind::ALL
        .iter()
        .map(|kind| kind.as_str().replace(' ', "_"))
        .collect();
    words.join(", ")
}

impl IgnoreRules {
    /// Parses every pattern; the first one that cannot be parsed is the error.
    pub fn parse<S: AsRef<str>>(patterns: &[S]) -> Result<IgnoreRules, IgnorePatternError> {
        let rules = patterns
            .iter()
            .map(|pattern| parse_one(pattern.as_ref()))
            .collect::<Result<Vec<Rule>, IgnorePatternError>>()?;
        Ok(IgnoreRules { rules })
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether a difference is ignored.
    pub fn ignores(&self, difference: &Difference) -> bool {
        self.matches(&difference.key, &difference.within)
    }

    /// Whether an object, which belongs to the objects `within`, is ignored.
    pub fn matches(&self, key: &ObjectKey, within: &[ObjectKey]) -> bool {
        self.rules.iter().any(|rule| match rule {
            Rule::Kind(kind) => key.kind == *kind,
            Rule::Object { kind, name } => std::iter::once(key)
                .chain(within)
                .any(|object| object.kind == *kind && glob(name, &object.name)),
            Rule::Text(pattern) => glob(pattern, &key.to_string()),
        })
    }
}

fn parse_one(pattern: &str) -> Result<Rule, IgnorePatternError> {
    let trimmed = pattern.trim();
    if trimmed.is_empty() {
        return Err(IgnorePatternError::Empty);
    }
    let Some((prefix, rest)) = trimmed.split_once(':') else {
        return Ok(Rule::Text(trimmed.to_owned()));
    };
    // Only a prefix that looks like a kind word is taken for one, so that a glob holding a colon
    // (in a quoted name) stays a glob, while a misspelt kind is an error rather than a pattern
    // that silently matches nothing.
    let looks_like_kind = !prefix.is_empty()
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '-' | ' '));
    if !looks_like_kind {
        return Ok(Rule::Text(trimmed.to_owned()));
    }
    let rest = rest.trim();
    if rest.is_empty() {
        return Err(IgnorePatternError::MissingName {
            pattern: pattern.to_owned(),
        });
    }
    let unknown = |kind: &str| IgnorePatternError::UnknownKind {
        pattern: pattern.to_owned(),
        kind: kind.to_owned(),
    };
    if prefix.trim().eq_ignore_ascii_case("kind") {
        let kind = ObjectKind::from_word(rest).ok_or_else(|| unknown(rest))?;
        return Ok(Rule::Kind(kind));
    }
    let kind = ObjectKind::from_word(prefix).ok_or_else(|| unknown(prefix))?;
    Ok(Rule::Object {
        kind,
        name: rest.to_owned(),
    })
}

/// `*` matches any run of characters, `?` exactly one; everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and how much of the text it has swallowed so far.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kind: ObjectKind, name: &str) -> ObjectKey {
        ObjectKey::new(kind, name)
    }

    fn rules(patterns: &[&str]) -> IgnoreRules {
        IgnoreRules::parse(patterns).expect("the patterns parse")
    }

    #[test]
    fn globs_match_stars_and_question_marks() {
        assert!(glob("*", ""));
        assert!(glob("a*c", "abbbc"));
        assert!(glob("a*c", "ac"));
        assert!(!glob("a*c", "acb"));
        assert!(glob("t?_*", "t1_x"));
        assert!(!glob("t?_*", "t12_x"));
        assert!(glob("*on public.job*", "constraint x on public.job_queue"));
        assert!(glob("exact", "exact"));
        assert!(!glob("exact", "exactly"));
    }

    #[test]
    fn a_kind_pattern_matches_every_object_of_the_kind_only() {
        let ignore = rules(&["kind:statistics", "KIND: event-trigger"]);
        assert!(ignore.matches(&key(ObjectKind::Statistics, "public.s"), &[]));
        assert!(ignore.matches(&key(ObjectKind::EventTrigger, "audit"), &[]));
        assert!(!ignore.matches(&key(ObjectKind::Table, "public.s"), &[]));
    }

    #[test]
    fn an_object_pattern_covers_what_belongs_to_the_object() {
        let ignore = rules(&["table:public.job_queue"]);
        let table = key(ObjectKind::Table, "public.job_queue");
        let schema = key(ObjectKind::Schema, "public");
        assert!(ignore.matches(&table, std::slice::from_ref(&schema)));
        assert!(ignore.matches(
            &key(ObjectKind::Index, "public.job_queue_run_at_idx"),
            &[table.clone(), schema.clone()]
        ));
        assert!(ignore.matches(
            &key(ObjectKind::Constraint, "job_queue_pkey on public.job_queue"),
            &[table, schema.clone()]
        ));
        assert!(!ignore.matches(
            &key(ObjectKind::Table, "public.jobs"),
            std::slice::from_ref(&schema)
        ));
        // A view of that name is another object.
        assert!(!ignore.matches(&key(ObjectKind::View, "public.job_queue"), &[schema]));

        let in_schema = rules(&["schema:audit"]);
        assert!(in_schema.matches(
            &key(ObjectKind::Function, "audit.log(text)"),
            &[key(ObjectKind::Schema, "audit")]
        ));
        assert!(in_schema.matches(&key(ObjectKind::Schema, "audit"), &[]));
        assert!(!in_schema.matches(
            &key(ObjectKind::Function, "public.log(text)"),
            &[key(ObjectKind::Schema, "public")]
        ));
    }

    #[test]
    fn an_object_name_may_be_a_glob() {
        let ignore = rules(&["table:public.tmp_*"]);
        assert!(ignore.matches(&key(ObjectKind::Table, "public.tmp_import"), &[]));
        assert!(!ignore.matches(&key(ObjectKind::Table, "public.import"), &[]));
    }

    #[test]
    fn other_patterns_are_globs_on_kind_and_name() {
        let ignore = rules(&["index public.tmp_*", "* public.legacy"]);
        assert!(ignore.matches(&key(ObjectKind::Index, "public.tmp_idx"), &[]));
        assert!(!ignore.matches(&key(ObjectKind::Table, "public.tmp_idx"), &[]));
        assert!(ignore.matches(&key(ObjectKind::View, "public.legacy"), &[]));
        assert!(ignore.matches(&key(ObjectKind::MaterializedView, "public.legacy"), &[]));
        let quoted = rules(&["table public.\"a:b\""]);
        assert!(quoted.matches(&key(ObjectKind::Table, "public.\"a:b\""), &[]));
    }

    #[test]
    fn bad_patterns_are_errors_that_say_why() {
        let error = IgnoreRules::parse(&["tabel:public.x"]).unwrap_err();
        assert!(
            matches!(error, IgnorePatternError::UnknownKind { ref kind, .. } if kind == "tabel")
        );
        let message = error.to_string();
        assert!(message.starts_with("ignore pattern \"tabel:public.x\": unknown object kind \"tabel\" (kinds: role, tablespace,"), "{message}");
        assert!(message.contains("event_trigger"), "{message}");
        assert_eq!(
            IgnoreRules::parse(&[" "]).unwrap_err(),
            IgnorePatternError::Empty
        );
        assert!(matches!(
            IgnoreRules::parse(&["kind:"]).unwrap_err(),
            IgnorePatternError::MissingName { .. }
        ));
        assert!(matches!(
            IgnoreRules::parse(&["kind:tables"]).unwrap_err(),
            IgnorePatternError::UnknownKind { .. }
        ));
    }

    #[test]
    fn every_kind_word_parses_back() {
        for kind in ObjectKind::ALL {
            assert_eq!(ObjectKind::from_word(kind.as_str()), Some(kind));
            assert_eq!(
                ObjectKind::from_word(&kind.as_str().replace(' ', "_")),
                Some(kind)
            );
        }
        let mut sorted = ObjectKind::ALL;
        sorted.sort();
        assert_eq!(sorted, ObjectKind::ALL, "ALL is in snapshot order");
    }
}
