//! `cargo xtask pg-image`: a PostgreSQL container image built from server binaries on this
//! machine, for Docker engines that cannot reach a registry.
//!
//! No base image and no Dockerfile: a root filesystem is written as a tarball and handed to
//! `docker import`. It holds the server binaries (stripped when `strip` exists), the modules
//! migrations use, the shared libraries all of them load (their `ldd` closure), bash as
//! `/bin/sh` (initdb runs `postgres -V` through the shell), a `postgres` user with uid 999, the
//! UTC and Etc time zones, and an entrypoint script that honours the official image's contract
//! (see `image-entrypoint.sh`). Size and file count decide how fast a container starts, so
//! everything else is left out.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::process::{command, output};
use crate::{
    INSTALLABLE_MAJORS, Installed, PgBinaries, PgError, default_cache_dir, discover, install,
};

/// The repository of the images `pg-image` builds: `migtest/postgres:<major>`.
pub const LOCAL_IMAGE_REPOSITORY: &str = "migtest/postgres";
/// Where the image keeps its data directory, as the official image did up to PostgreSQL 17.
const IMAGE_PGDATA: &str = "/var/lib/postgresql/data";
/// The uid and gid of the image's `postgres` user, as in the official Debian-based image.
pub(crate) const IMAGE_POSTGRES_UID: u32 = 999;

const ENTRYPOINT: &str = include_str!("image-entrypoint.sh");
const ENTRYPOINT_PATH: &str = "/usr/local/bin/docker-entrypoint.sh";
/// The programs the entrypoint runs, and psql for `docker exec -it ID psql`.
const PROGRAMS: [&str; 3] = ["postgres", "initdb", "psql"];
/// Modules that load large runtimes (LLVM, Python, Perl, Tcl); migrations do not need them.
const LEFT_OUT_MODULES: [&str; 4] = ["llvmjit", "plpython", "plperl", "pltcl"];
/// Parts of the share folder nobody reads at run time.
const LEFT_OUT_SHARE: [&str; 2] = ["doc", "man"];
/// The system time zone database the binaries are built against, and the zones kept from it.
const ZONEINFO: &str = "/usr/share/zoneinfo";
const ZONES: [&str; 2] = ["UTC", "Etc"];

/// The tag `pg-image` gives the image of `major`.
pub fn local_image(major: u32) -> String {
    format!("{LOCAL_IMAGE_REPOSITORY}:{major}")
}

/// What to build an image from, and what to call it.
#[derive(Debug, Clone)]
pub struct ImageOptions {
    /// The PostgreSQL major to put in the image.
    pub major: u32,
    /// The folder of the server binaries; discovered for `major` when `None`, and fetched into
    /// the cache by [`install`] when the machine has none.
    pub bin_dir: Option<PathBuf>,
    /// migtest's cache; [`default_cache_dir`] when `None`.
    pub cache_dir: Option<PathBuf>,
    /// The tag; [`local_image`] of `major` when `None`.
    pub tag: Option<String>,
}

impl ImageOptions {
    /// The defaults for `major`.
    pub fn new(major: u32) -> Self {
        ImageOptions {
            major,
            bin_dir: None,
            cache_dir: None,
            tag: None,
        }
    }
}

/// An image `build_image` made.
#[derive(Debug, Clone)]
pub struct BuiltImage {
    pub tag: String,
    /// The image id, `sha256:...`.
    pub id: String,
    /// The server binaries it was built from.
    pub binaries: PgBinaries,
    /// True when the binaries had to be fetched into the cache first.
    pub fetched: bool,
    /// The image's size as the engine reports it, in bytes.
    pub size: u64,
    /// How many files and folders the root filesystem holds.
    pub entries: usize,
    /// Modules left out because a library they load is missing here, with that library.
    pub missing: Vec<(String, String)>,
}

/// Builds the image and tags it, replacing the image the tag named before (which is removed
/// when nothing else uses it). Needs the `docker` command line and `ldd`.
pub fn build_image(options: &ImageOptions) -> Result<BuiltImage, PgError> {
    let tag = options
        .tag
        .clone()
        .unwrap_or_else(|| local_image(options.major));
    let in_context = |source: PgError| PgError::ImageBuild {
        tag: tag.clone(),
        source: Box::new(source),
    };
    let cache = options.cache_dir.clone().or_else(default_cache_dir);
    let (binaries, fetched) = binaries_for(options, cache.as_deref())?;
    if binaries.major != options.major {
        return Err(in_context(PgError::ImageLayout {
            message: format!(
                "{} holds PostgreSQL {}, not {}",
                binaries.bin_dir.display(),
                binaries.version,
                options.major
            ),
        }));
    }
    let staging = tempfile::Builder::new()
        .prefix("migtest-image-")
        .tempdir()
        .map_err(|source| {
            in_context(PgError::ImageFile {
                path: std::env::temp_dir(),
                source,
            })
        })?;
    let (rootfs, missing) = root_filesystem(&binaries, staging.path()).map_err(in_context)?;
    let tarball = staging.path().join("rootfs.tar");
    rootfs.write_tar(&tarball).map_err(in_context)?;

    // One build at a time per tag: two concurrent imports would leave one image untagged.
    let _lock = cache.as_deref().and_then(|c| lock(c, &tag));
    let previous = image_id(&tag).map_err(in_context)?;
    let major = binaries.major.to_string();
    let changes = [
        format!(
            "ENV PATH=/usr/local/bin:{}:/usr/bin:/bin",
            image_bin(binaries.major).display()
        ),
        format!("ENV PGDATA={IMAGE_PGDATA}"),
        format!("ENV PG_MAJOR={major}"),
        format!("ENV PG_VERSION={}", binaries.version),
        "USER postgres".to_owned(),
        "EXPOSE 5432".to_owned(),
        format!("ENTRYPOINT [\"{ENTRYPOINT_PATH}\"]"),
        "CMD [\"postgres\"]".to_owned(),
    ];
    let mut args: Vec<String> = Vec::new();
    for change in changes {
        args.extend(["--change".to_owned(), change]);
    }
    args.extend([
        "--message".to_owned(),
        format!("migtest pg-image: PostgreSQL {}", binaries.version),
        tarball.to_string_lossy().into_owned(),
        tag.clone(),
    ]);
    output(command(
        Path::new("docker"),
        ["import".to_owned()].into_iter().chain(args),
        None,
    ))
    .map_err(in_context)?;
    let id = image_id(&tag).map_err(in_context)?.ok_or_else(|| {
        in_context(PgError::ImageLayout {
            message: "docker import succeeded but the tag names no image".to_owned(),
        })
    })?;
    if let Some(previous) = previous.filter(|p| *p != id) {
        // The old image is untagged now; it stays only while a container still uses it.
        let _ = output(command(
            Path::new("docker"),
            ["image", "rm", previous.as_str()],
            None,
        ));
    }
    let size = output(command(
        Path::new("docker"),
        ["image", "inspect", "--format", "{{.Size}}", tag.as_str()],
        None,
    ))
    .map_err(in_context)?
    .trim()
    .parse()
    .unwrap_or(0);
    Ok(BuiltImage {
        tag,
        id,
        binaries,
        fetched,
        size,
        entries: rootfs.entries.len(),
        missing,
    })
}

/// The id of the image `tag` names on the local Docker engine, `None` when there is none.
pub fn image_id(tag: &str) -> Result<Option<String>, PgError> {
    match output(command(
        Path::new("docker"),
        ["image", "inspect", "--format", "{{.Id}}", tag],
        None,
    )) {
        Ok(id) => Ok(Some(id.trim().to_owned())),
        Err(PgError::CommandFailed { output, .. }) if output.contains("No such image") => Ok(None),
        Err(error) => Err(error),
    }
}

/// The binaries for the image: the ones named, or the ones discovery finds for the major, or
/// the ones `install` fetches into the cache.
fn binaries_for(
    options: &ImageOptions,
    cache: Option<&Path>,
) -> Result<(PgBinaries, bool), PgError> {
    if let Some(dir) = &options.bin_dir {
        return Ok((PgBinaries::at(dir)?, false));
    }
    let majors = cache.map(|c| c.join("pg"));
    match (
        discover(None, Some(options.major), majors.as_deref()),
        cache,
    ) {
        (Ok(binaries), _) => Ok((binaries, false)),
        (Err(PgError::BinariesNotFound { .. }), Some(cache))
            if INSTALLABLE_MAJORS.contains(&options.major) =>
        {
            Ok(match install(options.major, cache)? {
                Installed::Cached(binaries) => (binaries, false),
                Installed::Fetched(binaries) => (binaries, true),
            })
        }
        (Err(error), _) => Err(error),
    }
}

/// `/usr/lib/postgresql/<major>/bin`, where the image keeps the programs, as Debian does.
fn image_bin(major: u32) -> PathBuf {
    PathBuf::from(format!("/usr/lib/postgresql/{major}/bin"))
}

/// Where the binaries look for their share folder and modules. PostgreSQL finds both relative
/// to its own executable, by the relation its build configured between the folders, so the
/// image keeps that relation: Debian's `/usr/share/postgresql/<major>` stays there, a
/// relocatable tree's `share/` stays next to its `bin/`.
#[derive(Debug)]
struct Layout {
    bin: PathBuf,
    share: PathBuf,
    pkglib: PathBuf,
    image_bin: PathBuf,
    image_share: PathBuf,
    image_pkglib: PathBuf,
}

impl Layout {
    fn of(binaries: &PgBinaries) -> Result<Layout, PgError> {
        let canonical = |path: &Path| {
            path.canonicalize().map_err(|source| PgError::ImageFile {
                path: path.to_owned(),
                source,
            })
        };
        let bin = canonical(&binaries.bin_dir)?;
        // pg_config reports the folders relocated to where the tree is now.
        let (share, pkglib) = match output(command(
            &bin.join("pg_config"),
            ["--sharedir", "--pkglibdir"],
            None,
        )) {
            Ok(printed) => {
                let mut lines = printed.lines().map(|l| PathBuf::from(l.trim()));
                (
                    lines.next().unwrap_or_default(),
                    lines.next().unwrap_or_default(),
                )
            }
            Err(_) => (bin.join("../share"), bin.join("../lib")),
        };
        let (share, pkglib) = (canonical(&share)?, canonical(&pkglib)?);
        let image_bin = image_bin(binaries.major);
        let rebased = |to: &Path| {
            rebase(&bin, to, &image_bin).ok_or_else(|| PgError::ImageLayout {
                message: format!(
                    "cannot place {} relative to {} in the image",
                    to.display(),
                    bin.display()
                ),
            })
        };
        Ok(Layout {
            image_share: rebased(&share)?,
            image_pkglib: rebased(&pkglib)?,
            bin,
            share,
            pkglib,
            image_bin,
        })
    }

    /// Where a file of the host goes in the image: the server's folders move with the
    /// binaries, everything else (system libraries) keeps its path.
    fn image_path(&self, host: &Path) -> PathBuf {
        for (from, to) in [
            (&self.bin, &self.image_bin),
            (&self.pkglib, &self.image_pkglib),
            (&self.share, &self.image_share),
        ] {
            if let Ok(rest) = host.strip_prefix(from) {
                return to.join(rest);
            }
        }
        host.to_owned()
    }

    /// Files of the server's own tree are worth stripping; system libraries come stripped.
    fn is_server_file(&self, host: &Path) -> bool {
        [&self.bin, &self.pkglib]
            .iter()
            .any(|dir| host.starts_with(dir))
    }
}

/// The path `to` has relative to `from`, applied to `new_from`; `None` when it climbs above
/// the root.
fn rebase(from: &Path, to: &Path, new_from: &Path) -> Option<PathBuf> {
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut result = new_from.to_owned();
    for _ in common..from.components().count() {
        if !result.pop() {
            return None;
        }
    }
    result.extend(to.components().skip(common));
    Some(result)
}

/// A file of the host as `ldd` reports what it loads.
#[derive(Debug, PartialEq, Eq)]
enum Loaded {
    Found(PathBuf),
    Missing(String),
}

fn ldd(file: &Path) -> Result<Vec<Loaded>, PgError> {
    Ok(parse_ldd(&output(command(Path::new("ldd"), [file], None))?))
}

/// `libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)`, `/lib64/ld-linux-x86-64.so.2 (0x...)`,
/// `libfoo.so.1 => not found`; the vDSO has no file and is skipped.
fn parse_ldd(printed: &str) -> Vec<Loaded> {
    printed
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let (name, target) = match line.split_once("=>") {
                Some((name, target)) => (name.trim(), target.trim()),
                None => (line, line),
            };
            if target.starts_with("not found") {
                return Some(Loaded::Missing(name.to_owned()));
            }
            let path = target.split(" (").next().unwrap_or_default().trim();
            path.starts_with('/')
                .then(|| Loaded::Found(normalize(Path::new(path))))
        })
        .collect()
}

/// `$ORIGIN/../lib` makes ldd print `.../bin/../lib/libpq.so.5`; the file name must stay (it is
/// the name the loader looks for), so `..` is resolved by the path alone, not by following links.
fn normalize(path: &Path) -> PathBuf {
    let mut result = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                result.pop();
            }
            std::path::Component::CurDir => {}
            other => result.push(other),
        }
    }
    result
}

/// Everything that goes into the image, and the modules left out for a missing library.
fn root_filesystem(
    binaries: &PgBinaries,
    scratch: &Path,
) -> Result<(Rootfs, Vec<(String, String)>), PgError> {
    let layout = Layout::of(binaries)?;
    let mut rootfs = Rootfs::default();
    let mut stripper = Stripper::new(scratch.join("stripped"))?;
    let mut libraries: BTreeSet<PathBuf> = BTreeSet::new();
    // A file is added only when every library it loads is here; its libraries join the closure.
    let mut collect = |loaded: Vec<Loaded>| -> Result<(), String> {
        let mut found = Vec::new();
        for item in loaded {
            match item {
                Loaded::Found(path) => found.push(path),
                Loaded::Missing(name) => return Err(name),
            }
        }
        libraries.extend(found);
        Ok(())
    };

    for program in PROGRAMS {
        let host = layout.bin.join(program);
        if !host.is_file() && program == "psql" {
            continue;
        }
        let loaded = ldd(&host)?;
        collect(loaded).map_err(|name| PgError::ImageLayout {
            message: format!(
                "{} needs {name}, which is not installed here",
                host.display()
            ),
        })?;
        rootfs.file(&layout.image_path(&host), &stripper.strip(&host), 0o755);
    }

    let mut missing = Vec::new();
    let mut modules: Vec<PathBuf> = read_dir(&layout.pkglib)?
        .into_iter()
        .filter(|p| is_module(p))
        .collect();
    modules.sort();
    for module in modules {
        let name = file_name(&module);
        match collect(ldd(&module)?) {
            Ok(()) => rootfs.file(&layout.image_path(&module), &stripper.strip(&module), 0o755),
            Err(library) => missing.push((name.trim_end_matches(".so").to_owned(), library)),
        }
    }

    let left_out: Vec<&str> = missing.iter().map(|(m, _)| m.as_str()).collect();
    add_share(&mut rootfs, &layout, &layout.share.clone(), &left_out)?;
    add_zoneinfo(&mut rootfs)?;

    // bash is /bin/sh: initdb runs the server through the shell, and the entrypoint needs it.
    let bash = Path::new("/bin/bash")
        .canonicalize()
        .map_err(|source| PgError::ImageFile {
            path: "/bin/bash".into(),
            source,
        })?;
    collect(ldd(&bash)?).map_err(|name| PgError::ImageLayout {
        message: format!("bash needs {name}, which is not installed here"),
    })?;
    rootfs.file(Path::new("/bin/sh"), &bash, 0o755);
    rootfs.symlink(Path::new("/bin/bash"), Path::new("sh"));

    for library in &libraries {
        let source = if layout.is_server_file(library) {
            stripper.strip(library)
        } else {
            library.clone()
        };
        rootfs.file(&layout.image_path(library), &source, 0o755);
    }

    rootfs.bytes(Path::new("/etc/passwd"), b"root:x:0:0:root:/root:/bin/sh\npostgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/sh\n".to_vec(), 0o644);
    rootfs.bytes(
        Path::new("/etc/group"),
        b"root:x:0:\npostgres:x:999:\n".to_vec(),
        0o644,
    );
    rootfs.bytes(
        Path::new(ENTRYPOINT_PATH),
        ENTRYPOINT.as_bytes().to_vec(),
        0o755,
    );
    rootfs.dir(Path::new("/tmp"), 0o1777, 0);
    rootfs.dir(Path::new("/var/run/postgresql"), 0o2775, IMAGE_POSTGRES_UID);
    rootfs.dir(Path::new("/var/lib/postgresql"), 0o755, IMAGE_POSTGRES_UID);
    rootfs.dir(Path::new(IMAGE_PGDATA), 0o700, IMAGE_POSTGRES_UID);
    Ok((rootfs, missing))
}

/// A loadable module: `<name>.so`, not a library (`lib*.so`, except the replication client,
/// which is a module), not one of the runtimes left out.
fn is_module(path: &Path) -> bool {
    let name = file_name(path);
    path.is_file()
        && name.ends_with(".so")
        && (!name.starts_with("lib") || name == "libpqwalreceiver.so")
        && !LEFT_OUT_MODULES.iter().any(|m| name.contains(m))
}

/// The share folder without documentation and without the extension files of modules left out.
fn add_share(
    rootfs: &mut Rootfs,
    layout: &Layout,
    dir: &Path,
    left_out: &[&str],
) -> Result<(), PgError> {
    let mut entries = read_dir(dir)?;
    entries.sort();
    for path in entries {
        let name = file_name(&path);
        if dir == layout.share && LEFT_OUT_SHARE.contains(&name.as_str()) {
            continue;
        }
        if path.is_dir() {
            add_share(rootfs, layout, &path, left_out)?;
        } else if path.is_file() {
            let stem = name
                .split("--")
                .next()
                .unwrap_or_default()
                .split('.')
                .next()
                .unwrap_or_default();
            let unused =
                LEFT_OUT_MODULES.iter().any(|m| name.contains(m)) || left_out.contains(&stem);
            if !(unused && dir.ends_with("extension")) {
                rootfs.file(&layout.image_path(&path), &path, 0o644);
            }
        }
    }
    Ok(())
}

/// UTC and the Etc zones of the system time zone database, dereferenced; the server's default
/// time zone is UTC, and every other zone would add files to copy at every container start.
fn add_zoneinfo(rootfs: &mut Rootfs) -> Result<(), PgError> {
    let root = Path::new(ZONEINFO);
    if !root.is_dir() {
        // A build with its own time zone files keeps them in its share folder.
        return Ok(());
    }
    for zone in ZONES {
        let path = root.join(zone);
        if path.is_dir() {
            let mut files = read_dir(&path)?;
            files.sort();
            for file in files.into_iter().filter(|f| f.is_file()) {
                rootfs.file(&file, &file, 0o644);
            }
        } else if path.is_file() {
            rootfs.file(&path, &path, 0o644);
        }
    }
    Ok(())
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, PgError> {
    let entries = std::fs::read_dir(dir).map_err(|source| PgError::ImageFile {
        path: dir.to_owned(),
        source,
    })?;
    Ok(entries.filter_map(Result::ok).map(|e| e.path()).collect())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Copies of binaries with their symbol tables removed, when `strip` is installed.
struct Stripper {
    dir: PathBuf,
    available: bool,
    count: usize,
}

impl Stripper {
    fn new(dir: PathBuf) -> Result<Stripper, PgError> {
        std::fs::create_dir_all(&dir).map_err(|source| PgError::ImageFile {
            path: dir.clone(),
            source,
        })?;
        let available = output(command(Path::new("strip"), ["--version"], None)).is_ok();
        Ok(Stripper {
            dir,
            available,
            count: 0,
        })
    }

    /// The stripped copy of `file`, or `file` itself when it cannot be stripped.
    fn strip(&mut self, file: &Path) -> PathBuf {
        if !self.available {
            return file.to_owned();
        }
        self.count += 1;
        let copy = self.dir.join(format!("{}-{}", self.count, file_name(file)));
        let args = [
            "--strip-unneeded".as_ref(),
            "-o".as_ref(),
            copy.as_os_str(),
            file.as_os_str(),
        ];
        match output(command(Path::new("strip"), args, None)) {
            Ok(_) => copy,
            Err(_) => file.to_owned(),
        }
    }
}

/// The root filesystem, by path in the image; files are read from the host when written.
#[derive(Debug, Default)]
struct Rootfs {
    entries: BTreeMap<PathBuf, Entry>,
}

#[derive(Debug)]
struct Entry {
    content: Content,
    mode: u32,
    owner: u32,
}

#[derive(Debug)]
enum Content {
    Dir,
    File(PathBuf),
    Bytes(Vec<u8>),
    Symlink(PathBuf),
}

impl Rootfs {
    fn insert(&mut self, path: &Path, content: Content, mode: u32, owner: u32) {
        for parent in path
            .ancestors()
            .skip(1)
            .filter(|p| *p != Path::new("/") && !p.as_os_str().is_empty())
        {
            self.entries.entry(parent.to_owned()).or_insert(Entry {
                content: Content::Dir,
                mode: 0o755,
                owner: 0,
            });
        }
        self.entries.insert(
            path.to_owned(),
            Entry {
                content,
                mode,
                owner,
            },
        );
    }

    fn dir(&mut self, path: &Path, mode: u32, owner: u32) {
        self.insert(path, Content::Dir, mode, owner);
    }

    fn file(&mut self, path: &Path, source: &Path, mode: u32) {
        self.insert(path, Content::File(source.to_owned()), mode, 0);
    }

    fn bytes(&mut self, path: &Path, data: Vec<u8>, mode: u32) {
        self.insert(path, Content::Bytes(data), mode, 0);
    }

    fn symlink(&mut self, path: &Path, target: &Path) {
        self.insert(path, Content::Symlink(target.to_owned()), 0o777, 0);
    }

    /// Writes the tarball `docker import` reads. Times are zero, so the same files give the
    /// same layer.
    fn write_tar(&self, out: &Path) -> Result<(), PgError> {
        let failed = |path: &Path| {
            let path = path.to_owned();
            move |source| PgError::ImageFile { path, source }
        };
        let file = File::create(out).map_err(failed(out))?;
        let mut builder = tar::Builder::new(BufWriter::new(file));
        for (path, entry) in &self.entries {
            let name = path.strip_prefix("/").unwrap_or(path);
            let mut header = tar::Header::new_gnu();
            header.set_mode(entry.mode);
            header.set_uid(u64::from(entry.owner));
            header.set_gid(u64::from(entry.owner));
            header.set_mtime(0);
            match &entry.content {
                Content::Dir => {
                    header.set_entry_type(tar::EntryType::Directory);
                    header.set_size(0);
                    builder
                        .append_data(&mut header, name, std::io::empty())
                        .map_err(failed(path))?;
                }
                Content::File(source) => {
                    let data = File::open(source).map_err(failed(source))?;
                    let size = data.metadata().map_err(failed(source))?.len();
                    header.set_entry_type(tar::EntryType::Regular);
                    header.set_size(size);
                    builder
                        .append_data(&mut header, name, data)
                        .map_err(failed(source))?;
                }
                Content::Bytes(data) => {
                    header.set_entry_type(tar::EntryType::Regular);
                    header.set_size(data.len() as u64);
                    builder
                        .append_data(&mut header, name, data.as_slice())
                        .map_err(failed(path))?;
                }
                Content::Symlink(target) => {
                    header.set_entry_type(tar::EntryType::Symlink);
                    header.set_size(0);
                    builder
                        .append_link(&mut header, name, target)
                        .map_err(failed(path))?;
                }
            }
        }
        let mut writer = builder.into_inner().map_err(failed(out))?;
        writer.flush().map_err(failed(out))
    }
}

/// An exclusive lock on building `tag`, held until dropped; `None` when the cache folder cannot
/// hold a lock file (the build then simply runs unlocked).
fn lock(cache: &Path, tag: &str) -> Option<nix::fcntl::Flock<File>> {
    std::fs::create_dir_all(cache).ok()?;
    let name: String = tag
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let file = File::create(cache.join(format!("image-{name}.lock"))).ok()?;
    nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusive).ok()
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{Loaded, parse_ldd, rebase};

    #[test]
    fn keeps_the_relation_between_the_server_folders() {
        let debian = rebase(
            Path::new("/usr/lib/postgresql/15/bin"),
            Path::new("/usr/share/postgresql/15"),
            Path::new("/usr/lib/postgresql/15/bin"),
        );
        assert_eq!(debian, Some(PathBuf::from("/usr/share/postgresql/15")));
        let tree = rebase(
            Path::new("/opt/cache/pg/17/bin"),
            Path::new("/opt/cache/pg/17/share"),
            Path::new("/usr/lib/postgresql/17/bin"),
        );
        assert_eq!(tree, Some(PathBuf::from("/usr/lib/postgresql/17/share")));
        assert_eq!(
            rebase(
                Path::new("/a/b/c/d/bin"),
                Path::new("/x"),
                Path::new("/bin")
            ),
            None
        );
    }

    #[test]
    fn reads_what_ldd_prints() {
        let printed = "\tlinux-vdso.so.1 (0x00007ffd)\n\
                       \tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007f64)\n\
                       \tlibossp-uuid.so.16 => not found\n\
                       \t/lib64/ld-linux-x86-64.so.2 (0x00007f64)\n\
                       \tlibpq.so.5 => /opt/pg/bin/../lib/libpq.so.5 (0x00007f64)\n";
        assert_eq!(
            parse_ldd(printed),
            [
                Loaded::Found("/lib/x86_64-linux-gnu/libz.so.1".into()),
                Loaded::Missing("libossp-uuid.so.16".into()),
                Loaded::Found("/lib64/ld-linux-x86-64.so.2".into()),
                Loaded::Found("/opt/pg/lib/libpq.so.5".into()),
            ]
        );
    }
}
