//! Why a folder cannot be used at all (exit code 2). Each message names the file, and the line
//! where there is one, and says what to do; problems of single migrations are `Problem`s instead.

use std::path::{Path, PathBuf};

use crate::Layout;

/// Why a folder cannot be used at all; problems with single migrations are
/// [`Problem`](crate::Problem)s instead, reported as findings.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("migration folder {} does not exist; pass the folder with --source", path.display())]
    NotFound { path: PathBuf },
    #[error("{} is not a folder; --source takes the folder that holds the migrations", path.display())]
    NotADirectory { path: PathBuf },
    #[error("{} is a symbolic link loop ({}); point the link at a real file or folder, or remove it", path.display(), link_chain(path, chain))]
    SymlinkLoop { path: PathBuf, chain: Vec<PathBuf> },
    #[error("{} is a symbolic link to {}, which does not exist; point it at the real file or remove it", path.display(), target.display())]
    BrokenSymlink { path: PathBuf, target: PathBuf },
    #[error("could not read {}", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("migration folder {} holds no migrations ({}); pass the folder that holds them with --source", path.display(), expected_files(*layout))]
    Empty {
        path: PathBuf,
        layout: Option<Layout>,
    },
    #[error("sqlx could not resolve the migration folder {}", path.display())]
    Resolve {
        path: PathBuf,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("{} is not a {layout} migration name: {why}; rename it to {expected}", path.display())]
    BadName {
        path: PathBuf,
        layout: Layout,
        why: String,
        expected: &'static str,
    },
    #[error(
        "{} is not UTF-8: byte 0x{byte:02X} at byte offset {offset} (line {line}, column {column}) is not valid UTF-8; \
         save the file as UTF-8",
        path.display()
    )]
    NotUtf8 {
        path: PathBuf,
        byte: u8,
        offset: usize,
        line: u32,
        column: u32,
    },
    #[error(
        "version {version} is used by more than one migration: {}; give each migration its own version",
        join_paths(paths, ", ")
    )]
    DuplicateVersion {
        version: String,
        paths: Vec<PathBuf>,
    },
    #[error("{} is a down migration without its up ({}); add the up or remove the down", path.display(), expected.display())]
    DownWithoutUp { path: PathBuf, expected: PathBuf },
    #[error(
        "migration folder {} mixes layouts: {}; keep one tool's migrations per folder, or pass --layout to read only one tool's files",
        path.display(),
        found.iter().map(|(layout, file)| format!("{layout} ({})", file.display())).collect::<Vec<_>>().join(", ")
    )]
    MixedLayouts {
        path: PathBuf,
        found: Vec<(Layout, PathBuf)>,
    },
}

fn join_paths(paths: &[PathBuf], separator: &str) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(separator)
}

/// `a.sql -> b.sql -> a.sql`: names alone for links in the same folder as `path`.
fn link_chain(path: &Path, chain: &[PathBuf]) -> String {
    let folder = path.parent();
    chain
        .iter()
        .map(|link| match (link.parent() == folder, link.file_name()) {
            (true, Some(name)) => name.to_string_lossy().into_owned(),
            _ => link.display().to_string(),
        })
        .collect::<Vec<_>>()
        .join(" -> ")
}

fn expected_files(layout: Option<Layout>) -> String {
    match layout {
        Some(layout) => format!("expected {}", layout.file_names()),
        None => format!(
            "expected one of: {}",
            Layout::ALL
                .iter()
                .map(|l| format!("{l}: {}", l.file_names()))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}

impl LoadError {
    pub(crate) fn unreadable(path: &Path, source: std::io::Error) -> Self {
        LoadError::Unreadable {
            path: path.to_owned(),
            source,
        }
    }
}
