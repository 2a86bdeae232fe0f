//! A cache of freshly initialised data directories, one per server version: copying one and
//! starting it takes a fraction of what `initdb` takes, and every run still gets a pristine
//! cluster of its own.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::PgBinaries;
use crate::process::RunAs;

/// The cache folder: `MIGTEST_CACHE_DIR`; as root `/var/cache/migtest` (the unprivileged server
/// user must be able to run binaries installed there, and cannot enter root's home); else
/// `$XDG_CACHE_HOME/migtest`, else `~/.cache/migtest`.
pub fn default_cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("MIGTEST_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    if nix::unistd::Uid::effective().is_root() {
        return Some(PathBuf::from("/var/cache/migtest"));
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(dir).join("migtest"));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/migtest"))
}

/// Where the template for these binaries and initdb arguments lives.
pub(crate) fn template_path(cache: &Path, binaries: &PgBinaries, initdb_args: &[&str]) -> PathBuf {
    let mut hasher = DefaultHasher::new();
    binaries.bin_dir.hash(&mut hasher);
    initdb_args.hash(&mut hasher);
    cache
        .join("templates")
        .join(format!("{}-{:016x}", binaries.version, hasher.finish()))
}

/// Stores a copy of `data` as the template, atomically: concurrent runs may both try, one wins.
pub(crate) fn store(data: &Path, template: &Path) -> std::io::Result<()> {
    let parent = template.parent().unwrap_or(template);
    std::fs::create_dir_all(parent)?;
    let staging = tempfile::Builder::new()
        .prefix(".staging-")
        .tempdir_in(parent)?;
    let staged = staging.path().join("data");
    copy_tree(data, &staged, None)?;
    match std::fs::rename(&staged, template) {
        Ok(()) => Ok(()),
        // Another run stored it first: theirs is as good as ours.
        Err(_) if template.is_dir() => Ok(()),
        Err(error) => Err(error),
    }
}

/// Copies a data directory, giving every file to `owner` when we run as root. PostgreSQL wants
/// its data directory readable by its owner only.
pub(crate) fn copy_tree(from: &Path, to: &Path, owner: Option<&RunAs>) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new().mode(0o700).create(to)?;
    chown(to, owner)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &target, owner)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target)?;
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600))?;
            chown(&target, owner)?;
        }
    }
    Ok(())
}

fn chown(path: &Path, owner: Option<&RunAs>) -> std::io::Result<()> {
    match owner {
        Some(user) => {
            nix::unistd::chown(path, Some(user.uid), Some(user.gid)).map_err(std::io::Error::from)
        }
        None => Ok(()),
    }
}
