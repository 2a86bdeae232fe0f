//! Reading a migration folder: its entries (with symbolic links followed, and loops named), and
//! files as UTF-8 text (with the first bad byte located). Nothing here writes.

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::LoadError;

/// What an entry of the folder is, after following symbolic links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    File,
    Dir,
}

/// One entry of a migration folder.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The file name (lossy when it is not UTF-8, as sqlx reads names).
    pub name: String,
    /// The folder as the user named it, joined with the name: what messages show.
    pub path: PathBuf,
    pub kind: Kind,
}

/// Checks that `dir` is a folder, telling a missing folder from a loop and from a file.
pub(crate) fn check_source(dir: &Path) -> Result<(), LoadError> {
    match fs::metadata(dir) {
        Ok(metadata) if metadata.is_dir() => Ok(()),
        Ok(_) => Err(LoadError::NotADirectory {
            path: dir.to_owned(),
        }),
        Err(_) => match fs::symlink_metadata(dir) {
            Ok(link) if link.file_type().is_symlink() => Err(diagnose_link(dir)),
            _ => Err(LoadError::NotFound {
                path: dir.to_owned(),
            }),
        },
    }
}

/// The entries of `dir` sorted by name, leaving out hidden ones (`.gitkeep`, `.gitattributes`)
/// and anything that is neither a file nor a folder. A symbolic link that loops or points at
/// nothing makes the folder unusable: sqlx's resolver refuses such a folder too.
pub(crate) fn entries(dir: &Path) -> Result<Vec<Entry>, LoadError> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| LoadError::unreadable(dir, e))? {
        let entry = entry.map_err(|e| LoadError::unreadable(dir, e))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    // In name order, so that the same folder always gives the same first error.
    names.sort();
    let mut entries = Vec::new();
    for name in names {
        if name.starts_with('.') {
            continue;
        }
        let path = dir.join(&name);
        let kind = match fs::metadata(&path) {
            Ok(metadata) if metadata.is_file() => Kind::File,
            Ok(metadata) if metadata.is_dir() => Kind::Dir,
            Ok(_) => continue,
            Err(error) => match fs::symlink_metadata(&path) {
                Ok(link) if link.file_type().is_symlink() => return Err(diagnose_link(&path)),
                _ => return Err(LoadError::unreadable(&path, error)),
            },
        };
        entries.push(Entry { name, path, kind });
    }
    Ok(entries)
}

/// Why following the symbolic link `path` failed: a loop, or a target that does not exist.
fn diagnose_link(path: &Path) -> LoadError {
    let mut chain = vec![path.to_owned()];
    let mut current = path.to_owned();
    // The kernel gives up after 40 links; a chain this long is a loop for every purpose.
    for _ in 0..40 {
        let Ok(target) = fs::read_link(&current) else {
            break;
        };
        let next = normalize(&current.parent().unwrap_or(Path::new("")).join(&target));
        if chain.iter().any(|seen| normalize(seen) == next) {
            chain.push(next);
            return LoadError::SymlinkLoop {
                path: path.to_owned(),
                chain,
            };
        }
        match fs::symlink_metadata(&next) {
            Err(_) => {
                return LoadError::BrokenSymlink {
                    path: path.to_owned(),
                    target,
                };
            }
            Ok(metadata) if !metadata.file_type().is_symlink() => break,
            Ok(_) => {
                chain.push(next.clone());
                current = next;
            }
        }
    }
    LoadError::SymlinkLoop {
        path: path.to_owned(),
        chain,
    }
}

/// `a/./b/../c` as `a/c`, without touching the file system (the links are what is in question).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Reads `path` as UTF-8 text.
pub(crate) fn read_text(path: &Path) -> Result<String, LoadError> {
    let bytes = fs::read(path).map_err(|e| LoadError::unreadable(path, e))?;
    utf8(path, bytes)
}

/// `bytes` as a string, or where the first byte that is not UTF-8 is.
pub(crate) fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String, LoadError> {
    String::from_utf8(bytes).map_err(|error| {
        let bytes = error.as_bytes();
        let offset = error.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
        let line = valid.matches('\n').count() as u32 + 1;
        let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
        let column = valid[line_start..].chars().count() as u32 + 1;
        LoadError::NotUtf8 {
            path: path.to_owned(),
            byte: bytes[offset],
            offset,
            line,
            column,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_byte_is_named_with_its_offset_line_and_column() {
        let bytes = b"-- caf\xc3\xa9\nselect 'caf\xe9';\n".to_vec();
        let Err(LoadError::NotUtf8 {
            byte,
            offset,
            line,
            column,
            ..
        }) = utf8(Path::new("x.sql"), bytes)
        else {
            panic!("expected NotUtf8")
        };
        assert_eq!((byte, offset, line, column), (0xE9, 20, 2, 12));
    }

    #[test]
    fn loops_and_dangling_links_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("b.sql", dir.path().join("a.sql")).unwrap();
        std::os::unix::fs::symlink("a.sql", dir.path().join("b.sql")).unwrap();
        let error = entries(dir.path()).unwrap_err();
        assert!(matches!(error, LoadError::SymlinkLoop { .. }), "{error}");
        assert!(error.to_string().contains("a.sql -> "), "{error}");

        let dangling = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("missing.sql", dangling.path().join("1_a.sql")).unwrap();
        let error = entries(dangling.path()).unwrap_err();
        assert!(matches!(error, LoadError::BrokenSymlink { .. }), "{error}");

        let looped = dir.path().join("self");
        std::os::unix::fs::symlink("self", &looped).unwrap();
        assert!(matches!(
            check_source(&looped),
            Err(LoadError::SymlinkLoop { .. })
        ));
        assert!(matches!(
            check_source(&dir.path().join("none")),
            Err(LoadError::NotFound { .. })
        ));
    }
}
