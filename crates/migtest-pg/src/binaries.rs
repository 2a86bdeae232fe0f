//! Finding PostgreSQL server binaries on this machine.

use std::path::{Path, PathBuf};

use crate::PgError;
use crate::process::{command, output};

/// A folder holding `postgres` and `initdb`, with the version they report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgBinaries {
    pub bin_dir: PathBuf,
    /// e.g. `15.14`.
    pub version: String,
    pub major: u32,
}

impl PgBinaries {
    /// Checks that `bin_dir` holds server binaries and asks `postgres --version`.
    pub fn at(bin_dir: &Path) -> Result<PgBinaries, PgError> {
        let postgres = bin_dir.join("postgres");
        if !postgres.is_file() || !bin_dir.join("initdb").is_file() {
            return Err(PgError::NotServerBinaries {
                dir: bin_dir.to_owned(),
            });
        }
        let printed = output(command(&postgres, ["--version"], None))?;
        let (version, major) = parse_version(&printed).ok_or_else(|| PgError::Version {
            program: postgres.clone(),
            output: printed,
        })?;
        Ok(PgBinaries {
            bin_dir: bin_dir.to_owned(),
            version,
            major,
        })
    }

    pub fn program(&self, name: &str) -> PathBuf {
        self.bin_dir.join(name)
    }
}

/// `postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)` -> (`15.14`, 15).
fn parse_version(printed: &str) -> Option<(String, u32)> {
    let after = printed.split(")").nth(1)?.trim_start();
    let version: String = after
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let major = version.split('.').next()?.parse().ok()?;
    Some((version, major))
}

/// Finds server binaries: `explicit` (from `--pg-bin` or `PG_BIN`) when given, else the first
/// of `pg_config --bindir`, the extracted majors in `cache_dir`, and `/usr/lib/postgresql/*/bin`
/// that holds `major` (or the newest major when none is asked for).
pub fn discover(
    explicit: Option<&Path>,
    major: Option<u32>,
    cache_dir: Option<&Path>,
) -> Result<PgBinaries, PgError> {
    if let Some(dir) = explicit {
        return PgBinaries::at(dir);
    }
    let found = available(cache_dir);
    let pick = match major {
        Some(major) => found.into_iter().find(|b| b.major == major),
        None => found.into_iter().max_by_key(|b| b.major),
    };
    pick.ok_or(PgError::BinariesNotFound { wanted: major })
}

/// Every set of server binaries discovery can see, in search order, one per folder.
pub fn available(cache_dir: Option<&Path>) -> Vec<PgBinaries> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Ok(printed) = output(command(Path::new("pg_config"), ["--bindir"], None)) {
        candidates.push(PathBuf::from(printed.trim()));
    }
    for root in cache_dir
        .into_iter()
        .chain([Path::new("/usr/lib/postgresql")])
    {
        if let Ok(entries) = std::fs::read_dir(root) {
            let mut dirs: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path().join("bin"))
                .collect();
            dirs.sort();
            candidates.extend(dirs);
        }
    }
    let mut found: Vec<PgBinaries> = Vec::new();
    for dir in candidates {
        if found.iter().any(|b| b.bin_dir == dir) {
            continue;
        }
        if let Ok(binaries) = PgBinaries::at(&dir) {
            found.push(binaries);
        }
    }
    found
}

/// The majors available to the native backend: discovery's folders plus migtest's cache.
pub fn available_majors() -> Vec<u32> {
    let majors = crate::default_cache_dir().map(|c| c.join("pg"));
    let mut found: Vec<u32> = available(majors.as_deref())
        .into_iter()
        .map(|b| b.major)
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::parse_version;

    #[test]
    fn parses_versions() {
        assert_eq!(
            parse_version("postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)\n"),
            Some(("15.14".into(), 15))
        );
        assert_eq!(
            parse_version("postgres (PostgreSQL) 18.1\n"),
            Some(("18.1".into(), 18))
        );
        assert_eq!(
            parse_version("postgres (PostgreSQL) 17beta1\n"),
            Some(("17".into(), 17))
        );
        assert_eq!(parse_version("nonsense"), None);
    }
}
