//! A private PostgreSQL cluster from local binaries, in a temporary directory, on a Unix socket.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use tempfile::TempDir;

use crate::process::{RunAs, command, output, run_as};
use crate::template::{copy_tree, default_cache_dir, store, template_path};
use crate::{KeptServer, PgBinaries, PgError, discover};

const SUPERUSER: &str = "postgres";
// Inside our own socket directory any port number is free; the number only names the socket.
const PORT: u16 = 5432;
const READY_TIMEOUT: Duration = Duration::from_secs(30);
// Trust authentication is safe here: the server listens on a socket in a private directory only.
// 1 MB WAL segments instead of 16: the data directory shrinks from about 40 MB to 24 MB, and so
// does what every run copies.
const INITDB_ARGS: [&str; 9] = [
    "-U",
    SUPERUSER,
    "-A",
    "trust",
    "--no-sync",
    "-E",
    "UTF8",
    "--locale=C",
    "--wal-segsize=1",
];
/// Below this much free memory in /dev/shm, clusters go to the ordinary temporary folder.
const TMPFS_MIN_FREE: u64 = 1 << 30;

/// What the native backend needs to know.
#[derive(Debug, Clone, Default)]
pub struct NativeOptions {
    /// The folder holding `postgres` and `initdb`; discovered when `None`.
    pub bin_dir: Option<PathBuf>,
    /// The major to look for when discovering.
    pub major: Option<u32>,
    /// migtest's cache: extracted majors (`pg/<major>/bin`) searched when discovering, and
    /// initialised data directories (`templates/`). [`default_cache_dir`] when `None`.
    pub cache_dir: Option<PathBuf>,
    /// Run `initdb` even when a cached template exists (to measure a cold start).
    pub fresh_initdb: bool,
}

/// A running private cluster. Dropping it stops the server and deletes its directory.
#[derive(Debug)]
pub struct NativeCluster {
    binaries: PgBinaries,
    child: Option<Child>,
    run_as: Option<RunAs>,
    dir: Option<TempDir>,
    socket_dir: PathBuf,
}

impl NativeCluster {
    /// Runs `initdb` into a fresh temporary directory, starts the server with durability off
    /// (the data is thrown away) and waits until a connection succeeds.
    pub async fn start(options: &NativeOptions) -> Result<NativeCluster, PgError> {
        let cache = options.cache_dir.clone().or_else(default_cache_dir);
        let majors = cache.as_ref().map(|c| c.join("pg"));
        let binaries = discover(options.bin_dir.as_deref(), options.major, majors.as_deref())?;
        let run_as = run_as()?;
        let parent = scratch_parent();
        let dir = tempfile::Builder::new()
            .prefix("migtest-")
            .tempdir_in(&parent)
            .map_err(|source| PgError::Directory {
                path: parent.clone(),
                source,
            })?;
        let root = dir.path().to_owned();
        if let Some(user) = &run_as {
            reachable_by(&root, user)?;
            nix::unistd::chown(&root, Some(user.uid), Some(user.gid)).map_err(|e| {
                PgError::Directory {
                    path: root.clone(),
                    source: e.into(),
                }
            })?;
        }
        // From here on, the guard owns the directory: an error below drops it and cleans up.
        let mut cluster = NativeCluster {
            binaries,
            child: None,
            run_as,
            dir: Some(dir),
            socket_dir: root.clone(),
        };
        let data = root.join("data");

        cluster.init_data(&data, options).await?;

        let log_path = root.join("server.log");
        let log = File::create(&log_path).map_err(|source| PgError::Directory {
            path: log_path.clone(),
            source,
        })?;
        let log_err = log.try_clone().map_err(|source| PgError::Directory {
            path: log_path.clone(),
            source,
        })?;
        let port = PORT.to_string();
        let socket = root.to_string_lossy().into_owned();
        let mut server = command(
            &cluster.binaries.program("postgres"),
            [
                "-D",
                &data.to_string_lossy(),
                "-p",
                &port,
                "-k",
                &socket,
                "-c",
                "listen_addresses=",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=20",
                "-c",
                "unix_socket_permissions=0777",
            ],
            cluster.run_as.as_ref(),
        );
        server.stdout(Stdio::from(log)).stderr(Stdio::from(log_err));
        {
            use std::os::unix::process::CommandExt;
            // Its own process group: a Ctrl-C in the terminal reaches us, not the server, so the
            // server stays up until we stop it in order.
            server.process_group(0);
        }
        let program = cluster.binaries.program("postgres");
        cluster.child = Some(
            server
                .spawn()
                .map_err(|source| PgError::Spawn { program, source })?,
        );
        cluster.wait_ready(&log_path).await?;
        Ok(cluster)
    }

    /// Copies the cached template for these binaries into `data`, or runs `initdb` and caches
    /// the result for the next run.
    async fn init_data(&self, data: &Path, options: &NativeOptions) -> Result<(), PgError> {
        let cache = options.cache_dir.clone().or_else(default_cache_dir);
        let template = cache
            .as_deref()
            .map(|c| template_path(c, &self.binaries, &INITDB_ARGS));
        if let Some(template) = template
            .as_deref()
            .filter(|t| t.is_dir() && !options.fresh_initdb)
        {
            if copy_tree(template, data, self.run_as.as_ref()).is_ok() {
                return Ok(());
            }
            // A damaged template is no reason to fail: start over from initdb.
            let _ = std::fs::remove_dir_all(data);
        }
        let mut args: Vec<&std::ffi::OsStr> = vec!["-D".as_ref(), data.as_os_str()];
        args.extend(INITDB_ARGS.iter().map(std::ffi::OsStr::new));
        let initdb = command(&self.binaries.program("initdb"), args, self.run_as.as_ref());
        let dir = data.to_owned();
        tokio::task::spawn_blocking(move || output(initdb))
            .await
            .map_err(|e| PgError::Directory {
                path: dir,
                source: std::io::Error::other(e),
            })??;
        if let Some(template) = template {
            // The cache only saves time; a cache that cannot be written costs nothing else.
            let _ = store(data, &template);
        }
        Ok(())
    }

    async fn wait_ready(&mut self, log_path: &Path) -> Result<(), PgError> {
        let options = self.connect_options("postgres");
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let last_error = match options.connect().await {
                Ok(connection) => {
                    let _ = connection.close().await;
                    return Ok(());
                }
                Err(error) => error,
            };
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                self.child = None;
                return Err(PgError::ExitedDuringStart {
                    status: status.to_string(),
                    log_tail: tail(log_path),
                });
            }
            if Instant::now() > deadline {
                return Err(PgError::NotReady {
                    seconds: READY_TIMEOUT.as_secs(),
                    log_tail: tail(log_path),
                    source: Some(last_error),
                });
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    pub fn version(&self) -> &str {
        &self.binaries.version
    }

    pub fn major(&self) -> u32 {
        self.binaries.major
    }

    /// The directory holding the data directory, the socket and the server log.
    pub fn dir(&self) -> &Path {
        &self.socket_dir
    }

    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .port(PORT)
            .username(SUPERUSER)
            .database(database)
            .application_name("migtest")
            .disable_statement_logging()
    }

    /// Leaves the server running and its directory in place.
    pub fn keep(mut self, database: &str) -> KeptServer {
        self.child = None;
        let dir = self
            .dir
            .take()
            .map(TempDir::keep)
            .unwrap_or_else(|| self.socket_dir.clone());
        let pg_ctl = self.binaries.program("pg_ctl");
        let as_user = match &self.run_as {
            Some(user) => format!("runuser -u {} -- ", user.name),
            None => String::new(),
        };
        KeptServer {
            connect: format!(
                "psql -h {} -p {PORT} -U {SUPERUSER} -d {database}",
                dir.display()
            ),
            stop: format!(
                "{as_user}{} -D {} stop -m immediate && rm -rf {}",
                pg_ctl.display(),
                dir.join("data").display(),
                dir.display()
            ),
        }
    }
}

impl Drop for NativeCluster {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let group = Pid::from_raw(child.id() as i32);
            // Immediate shutdown: nothing here is worth a checkpoint.
            let _ = killpg(group, Signal::SIGQUIT);
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                match child.try_wait() {
                    Ok(Some(_)) | Err(_) => break,
                    Ok(None) if Instant::now() > deadline => {
                        let _ = killpg(group, Signal::SIGKILL);
                        let _ = child.wait();
                        break;
                    }
                    Ok(None) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
            // Backends leave with the postmaster; make sure none outlives it.
            let _ = killpg(group, Signal::SIGKILL);
        }
        // The TempDir field removes the directory when it drops, after this.
    }
}

/// Where clusters are created: `MIGTEST_TMPDIR`; else `TMPDIR` when set; else `/dev/shm` when it
/// has room, because the data is thrown away and memory is many times faster than a disk here;
/// else the system's temporary folder.
fn scratch_parent() -> PathBuf {
    if let Some(dir) = std::env::var_os("MIGTEST_TMPDIR") {
        return PathBuf::from(dir);
    }
    if std::env::var_os("TMPDIR").is_some() {
        return std::env::temp_dir();
    }
    let shm = Path::new("/dev/shm");
    let roomy = nix::sys::statvfs::statvfs(shm)
        .is_ok_and(|s| s.blocks_available().saturating_mul(s.fragment_size()) >= TMPFS_MIN_FREE);
    if shm.is_dir() && roomy {
        shm.to_owned()
    } else {
        std::env::temp_dir()
    }
}

/// The server runs as `user`, so every folder above its directory must let that user in.
fn reachable_by(dir: &Path, user: &RunAs) -> Result<(), PgError> {
    use std::os::unix::fs::MetadataExt;
    for ancestor in dir.ancestors().skip(1) {
        let Ok(metadata) = std::fs::metadata(ancestor) else {
            continue;
        };
        let enterable = if metadata.uid() == user.uid.as_raw() {
            metadata.mode() & 0o100 != 0
        } else if metadata.gid() == user.gid.as_raw() {
            metadata.mode() & 0o010 != 0
        } else {
            metadata.mode() & 0o001 != 0
        };
        if !enterable {
            return Err(PgError::Unreachable {
                path: ancestor.to_owned(),
                user: user.name.clone(),
                mode: metadata.mode() & 0o7777,
            });
        }
    }
    Ok(())
}

fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(15);
    lines[start..].join("\n")
}
