//! Privileges: parses `aclitem` texts and renders them one line per grantee and grantor.
//!
//! The catalog query sends ACLs as `aclitem[]::text[]` because the server prints an `aclitem`
//! with role names (`alice=arw*/owner`) much faster than it explodes one into rows.

use std::collections::BTreeMap;

/// One privilege granted to one role (or `PUBLIC`) by another.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Grant {
    grantee: String,
    grantor: String,
    privilege: &'static str,
    grantable: bool,
}

/// The privilege letters of `aclitem`, as in PostgreSQL's `acl.h`.
fn privilege_name(letter: char) -> Option<&'static str> {
    Some(match letter {
        'a' => "INSERT",
        'r' => "SELECT",
        'w' => "UPDATE",
        'd' => "DELETE",
        'D' => "TRUNCATE",
        'x' => "REFERENCES",
        't' => "TRIGGER",
        'X' => "EXECUTE",
        'U' => "USAGE",
        'C' => "CREATE",
        'T' => "TEMPORARY",
        'c' => "CONNECT",
        's' => "SET",
        'A' => "ALTER SYSTEM",
        'm' => "MAINTAIN",
        _ => return None,
    })
}

/// Renders ACL items as sorted lines `alice: INSERT, SELECT (granted by app)`, one per grantee,
/// grantor and grant option. An item that cannot be parsed (a privilege letter from a newer
/// major) is kept verbatim rather than dropped.
pub(crate) fn render(items: &[String]) -> Vec<String> {
    let mut grouped: BTreeMap<(String, String, bool), Vec<&'static str>> = BTreeMap::new();
    let mut verbatim = Vec::new();
    for item in items {
        match parse(item) {
            Some(grants) => {
                for grant in grants {
                    grouped
                        .entry((grant.grantee, grant.grantor, grant.grantable))
                        .or_default()
                        .push(grant.privilege);
                }
            }
            None => verbatim.push(item.clone()),
        }
    }
    let mut lines: Vec<String> = grouped
        .into_iter()
        .map(|((grantee, grantor, grantable), mut privileges)| {
            privileges.sort_unstable();
            let option = if grantable { " with grant option" } else { "" };
            format!(
                "{grantee}: {}{option} (granted by {grantor})",
                privileges.join(", ")
            )
        })
        .collect();
    lines.extend(verbatim);
    lines.sort();
    lines
}

/// Parses `grantee=privileges/grantor`, where an empty grantee is `PUBLIC`, a `*` after a letter
/// is the grant option, and names are double-quoted when they hold anything but letters, digits
/// and underscores.
fn parse(item: &str) -> Option<Vec<Grant>> {
    let (grantee, rest) = name(item)?;
    let rest = rest.strip_prefix('=')?;
    let (letters, rest) = rest.split_once('/')?;
    let (grantor, rest) = name(rest)?;
    if !rest.is_empty() || grantor.is_empty() {
        return None;
    }
    let grantee = if grantee.is_empty() {
        "PUBLIC".to_owned()
    } else {
        quote_role(&grantee)
    };
    let grantor = quote_role(&grantor);
    let mut grants: Vec<Grant> = Vec::new();
    for letter in letters.chars() {
        if letter == '*' {
            grants.last_mut()?.grantable = true;
        } else {
            grants.push(Grant {
                grantee: grantee.clone(),
                grantor: grantor.clone(),
                privilege: privilege_name(letter)?,
                grantable: false,
            });
        }
    }
    Some(grants)
}

/// Reads a possibly double-quoted role name up to `=` or `/`; returns it unquoted with the rest.
fn name(text: &str) -> Option<(String, &str)> {
    let Some(quoted) = text.strip_prefix('"') else {
        let end = text.find(['=', '/']).unwrap_or(text.len());
        return Some((text[..end].to_owned(), &text[end..]));
    };
    let mut name = String::new();
    let mut chars = quoted.char_indices().peekable();
    while let Some((index, character)) = chars.next() {
        if character == '"' {
            if chars.peek().map(|(_, next)| *next) == Some('"') {
                chars.next();
                name.push('"');
            } else {
                return Some((name, &quoted[index + 1..]));
            }
        } else {
            name.push(character);
        }
    }
    None
}

/// Quotes a role name the way `quote_ident` does for names that are not keywords, so that roles
/// read the same here as in owners and memberships.
fn quote_role(name: &str) -> String {
    let simple = name
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_lowercase() || first == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if simple {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(items: &[&str]) -> Vec<String> {
        render(
            &items
                .iter()
                .map(|item| (*item).to_owned())
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn items_become_one_line_per_grantee_and_grantor() {
        assert_eq!(
            lines(&["app=arwdDxt/app", "=r/app", "reader=r*w/app"]),
            vec![
                "PUBLIC: SELECT (granted by app)",
                "app: DELETE, INSERT, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE (granted by app)",
                "reader: SELECT with grant option (granted by app)",
                "reader: UPDATE (granted by app)",
            ]
        );
    }

    #[test]
    fn quoted_names_are_unquoted_then_quoted_like_identifiers() {
        assert_eq!(
            lines(&["\"Mixed Case\"=U/\"we\"\"ird=/\"", "\"x=y\"=C/postgres"]),
            vec![
                "\"Mixed Case\": USAGE (granted by \"we\"\"ird=/\")",
                "\"x=y\": CREATE (granted by postgres)",
            ]
        );
    }

    #[test]
    fn unknown_letters_keep_the_item_verbatim() {
        assert_eq!(lines(&["app=Q/app"]), vec!["app=Q/app"]);
        assert_eq!(lines(&["not an acl"]), vec!["not an acl"]);
    }
}
