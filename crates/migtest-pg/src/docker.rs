//! The container backend: PostgreSQL in a throwaway container on the machine's Docker engine,
//! started through testcontainers and removed when its guard drops; and `--backend auto`, which
//! picks this backend when an engine answers and the image is here, else the native one.
//!
//! testcontainers-rs has no reaper container (and none could be pulled without a registry): a
//! run killed hard (SIGKILL, a crash of the machine) leaves its container behind. Every
//! container therefore carries labels naming the process that started it (`migtest.pid`, its
//! start time and host), and every container start first removes the containers whose process
//! is gone. A container kept with `--keep` is renamed `migtest-kept-...` and left alone.

use std::collections::HashMap;
use std::future::Future;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use testcontainers::bollard::Docker;
use testcontainers::bollard::errors::Error as DockerError;
use testcontainers::bollard::models::{ImageInspect, PortBinding};
use testcontainers::bollard::query_parameters::{
    CreateImageOptions, ListContainersOptions, RemoveContainerOptions, RenameContainerOptions,
};
use testcontainers::core::error::WaitContainerError;
use testcontainers::core::logs::WaitLogError;
use testcontainers::core::{IntoContainerPort, WaitFor};
use testcontainers::runners::AsyncRunner;
use testcontainers::{ContainerAsync, GenericImage, ImageExt, TestcontainersError};

use crate::{Backend, KeptServer, LOCAL_IMAGE_REPOSITORY, NativeOptions, PgError, local_image};

/// The PostgreSQL major of the default image when no `--pg` asks for one: the one place it is
/// pinned. Move it along as majors reach their end of life.
pub const DEFAULT_MAJOR: u32 = 17;
/// The line the official image prints on stderr once its final server accepts connections (the
/// temporary server it runs during initialisation logs to stdout).
const READY_LINE: &str = "database system is ready to accept connections";
/// Labels of every container migtest starts: the run (one per process), the process and its
/// start time (a pid can be reused), and the host (pids mean nothing elsewhere).
pub const LABEL_RUN: &str = "migtest.run";
pub const LABEL_PID: &str = "migtest.pid";
pub const LABEL_PID_START: &str = "migtest.pid-start";
pub const LABEL_HOST: &str = "migtest.host";
/// The name prefix of a container kept with `--keep`; the sweep leaves these alone.
const KEPT_PREFIX: &str = "migtest-kept-";

const PORT: u16 = 5432;
const SUPERUSER: &str = "postgres";
/// The database the image creates; the scratch database is created from there.
const ADMIN_DATABASE: &str = "postgres";
/// Durability off, as for the native backend: the data is thrown away.
const SERVER_ARGS: [&str; 6] = [
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
];
const ENGINE_TIMEOUT: Duration = Duration::from_secs(5);
const PULL_TIMEOUT: Duration = Duration::from_secs(60);
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
const LOG_TAIL_LINES: usize = 20;

/// The image `--backend docker` prefers for `major`: the official one.
pub fn official_image(major: u32) -> String {
    format!("postgres:{major}-alpine")
}

/// What the container backend needs to know.
#[derive(Debug, Clone, Default)]
pub struct DockerOptions {
    /// The image, `NAME[:TAG]`. When `None`: [`official_image`] of the major when the engine
    /// has it (or can pull it), else [`local_image`] of the major (built by `pg-image`).
    pub image: Option<String>,
    /// The major of the default image; [`DEFAULT_MAJOR`] when `None`.
    pub major: Option<u32>,
}

/// `--backend auto`: a container when an engine answers and the image is present, else a
/// native cluster.
#[derive(Debug, Clone, Default)]
pub struct AutoOptions {
    pub docker: DockerOptions,
    pub native: NativeOptions,
}

/// A backend with `Auto` decided, and the reason when there was a decision to make.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// Never [`Backend::Auto`].
    pub backend: Backend,
    /// Why `auto` chose it; `None` when the backend was given.
    pub reason: Option<String>,
}

/// Decides [`Backend::Auto`]; any other backend is returned as it is. Asks the Docker engine,
/// so it takes a few milliseconds (at most a few seconds when an engine does not answer).
pub async fn resolve(backend: &Backend) -> Resolved {
    let Backend::Auto(options) = backend else {
        return Resolved {
            backend: backend.clone(),
            reason: None,
        };
    };
    let (chosen, reason) = choose(options).await;
    let backend = match chosen {
        Chosen::Docker(options) => Backend::Docker(options),
        Chosen::Native(options) => Backend::Native(options),
    };
    Resolved {
        backend,
        reason: Some(reason),
    }
}

/// What `auto` can become.
pub(crate) enum Chosen {
    Docker(DockerOptions),
    Native(NativeOptions),
}

pub(crate) async fn choose(options: &AutoOptions) -> (Chosen, String) {
    let native = || Chosen::Native(options.native.clone());
    if options.native.bin_dir.is_some() {
        return (native(), "--pg-bin names server binaries".to_owned());
    }
    if options.docker.image.is_some() {
        return (
            Chosen::Docker(options.docker.clone()),
            "--image names a container image".to_owned(),
        );
    }
    let engine = match Engine::connect().await {
        Ok(engine) => engine,
        Err(PgError::DockerUnavailable { host, source }) => {
            return (
                native(),
                format!(
                    "no Docker engine answers at {host} ({})",
                    innermost(&source)
                ),
            );
        }
        Err(error) => {
            return (
                native(),
                format!("the Docker engine cannot be used ({error})"),
            );
        }
    };
    let major = options.docker.major.unwrap_or(DEFAULT_MAJOR);
    let candidates = [official_image(major), local_image(major)];
    for image in &candidates {
        if let Ok(Some(_)) = engine.inspect(image).await {
            let reason = format!(
                "Docker {} answers and image {image} is present",
                engine.version
            );
            return (
                Chosen::Docker(DockerOptions {
                    image: Some(image.clone()),
                    major: Some(major),
                }),
                reason,
            );
        }
    }
    let reason = format!(
        "Docker {} answers, but neither {} nor {} is present (`cargo xtask pg-image --pg {major}` builds one)",
        engine.version, candidates[0], candidates[1]
    );
    (native(), reason)
}

/// A running PostgreSQL container. Dropping it removes the container (and its volumes).
#[derive(Debug)]
pub struct DockerServer {
    container: Option<ContainerAsync<GenericImage>>,
    id: String,
    image: String,
    host: String,
    port: u16,
    password: String,
    version: String,
    major: u32,
}

impl DockerServer {
    /// Removes the containers of migtest processes that are gone, makes sure the image is here
    /// (pulling an official image when it is not), starts a container with the data directory
    /// in memory, waits for the ready line and for the port to accept a connection, and asks
    /// the server its version.
    pub async fn start(options: &DockerOptions) -> Result<DockerServer, PgError> {
        let engine = Engine::connect().await?;
        // Best effort: someone else's leftovers are no reason to fail this run.
        let _ = engine.sweep_stale().await;
        let (image, inspect) = engine.pick_image(options).await?;
        let password = random_hex();
        let identity = identity();
        let name = format!(
            "migtest-{}-{}",
            identity.run,
            random_hex().get(..8).unwrap_or("0")
        );
        let (repository, tag) = split_reference(&image);
        let pgdata = image_env(&inspect, "PGDATA");
        let loopback = engine.is_local;
        // The data directory lives in memory, owned by the uid our image runs the server as from
        // the start (the official image starts as root and takes ownership itself).
        let uid = crate::image::IMAGE_POSTGRES_UID;
        let tmpfs = format!("uid={uid},gid={uid},mode=0700");
        let request = GenericImage::new(repository, tag)
            .with_exposed_port(PORT.tcp())
            .with_wait_for(WaitFor::message_on_stderr(READY_LINE))
            .with_env_var("POSTGRES_PASSWORD", password.clone())
            .with_env_var("POSTGRES_USER", SUPERUSER)
            .with_env_var("POSTGRES_DB", ADMIN_DATABASE)
            .with_cmd(SERVER_ARGS)
            .with_container_name(name.clone())
            .with_label(LABEL_RUN, identity.run.clone())
            .with_label(LABEL_PID, identity.pid.to_string())
            .with_label(LABEL_PID_START, identity.pid_start.clone())
            .with_label(LABEL_HOST, identity.host.clone())
            .with_startup_timeout(STARTUP_TIMEOUT)
            .with_host_config_modifier(move |host_config| {
                if let Some(pgdata) = &pgdata {
                    host_config
                        .tmpfs
                        .get_or_insert_with(HashMap::new)
                        .insert(pgdata.clone(), tmpfs.clone());
                }
                if loopback {
                    // Only this machine can reach the server, whatever the firewall says.
                    let binding = PortBinding {
                        host_ip: Some("127.0.0.1".to_owned()),
                        host_port: Some(String::new()),
                    };
                    host_config.publish_all_ports = Some(false);
                    host_config.port_bindings = Some(HashMap::from([(
                        format!("{PORT}/tcp"),
                        Some(vec![binding]),
                    )]));
                }
            });

        // If this future is dropped while the container is being created, testcontainers holds no
        // handle to it yet; this guard removes it by name.
        let mut pending = Pending { name: Some(name) };
        let container = request
            .start()
            .await
            .map_err(|error| start_error(&image, error))?;
        pending.name = None;

        let failed = |source| PgError::Container {
            image: image.clone(),
            source,
        };
        let port = container
            .get_host_port_ipv4(PORT.tcp())
            .await
            .map_err(failed)?;
        let host = if loopback {
            "127.0.0.1".to_owned()
        } else {
            container.get_host().await.map_err(failed)?.to_string()
        };
        let mut server = DockerServer {
            id: container.id().to_owned(),
            container: Some(container),
            image,
            host,
            port,
            password,
            version: String::new(),
            major: 0,
        };
        let mut connection = server.wait_connectable().await?;
        let printed: String = sqlx::query_scalar("SHOW server_version")
            .fetch_one(&mut connection)
            .await
            .map_err(PgError::Query)?;
        let _ = connection.close().await;
        let (version, major) = parse_server_version(&printed).ok_or_else(|| PgError::Version {
            program: format!("SHOW server_version in {}", server.image).into(),
            output: printed.clone(),
        })?;
        server.version = version;
        server.major = major;
        Ok(server)
    }

    /// The ready line can come before the published port forwards connections; poll until one
    /// gets through. A container that died meanwhile is reported with its log.
    async fn wait_connectable(&self) -> Result<sqlx::PgConnection, PgError> {
        let options = self.connect_options(ADMIN_DATABASE);
        let deadline = Instant::now() + CONNECT_TIMEOUT;
        loop {
            let error = match options.connect().await {
                Ok(connection) => return Ok(connection),
                Err(error) => error,
            };
            if let Some(container) = &self.container
                && let Ok(false) = container.is_running().await
            {
                let mut log = container.stdout_to_vec().await.unwrap_or_default();
                log.extend(container.stderr_to_vec().await.unwrap_or_default());
                return Err(PgError::ContainerExited {
                    image: self.image.clone(),
                    log_tail: tail(String::from_utf8_lossy(&log).lines()),
                });
            }
            if Instant::now() > deadline {
                return Err(PgError::PortUnreachable {
                    image: self.image.clone(),
                    address: format!("{}:{}", self.host, self.port),
                    seconds: CONNECT_TIMEOUT.as_secs(),
                    source: error,
                });
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The container's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The image the container runs.
    pub fn image(&self) -> &str {
        &self.image
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn major(&self) -> u32 {
        self.major
    }

    /// Over TCP to the published port, as the superuser with the container's password.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .host(&self.host)
            .port(self.port)
            .username(SUPERUSER)
            .password(&self.password)
            .database(database)
            .application_name("migtest")
            .disable_statement_logging()
    }

    /// Leaves the container running, renamed `migtest-kept-<id>` so that later runs do not sweep
    /// it. The connect command reads the password from the container's environment rather than
    /// printing it.
    pub fn keep(mut self, database: &str) -> KeptServer {
        let short: String = self.id.chars().take(12).collect();
        let renamed = format!("{KEPT_PREFIX}{short}");
        let id = self.id.clone();
        let target = renamed.clone();
        let _ = blocking(async move {
            let docker = Docker::connect_with_defaults()?;
            docker
                .rename_container(&id, RenameContainerOptions { name: target })
                .await
        });
        // Forgetting the handle skips the removal its drop would do; that is the point.
        std::mem::forget(self.container.take());
        let password = format!(
            "$(docker inspect --format '{{{{range .Config.Env}}}}{{{{println .}}}}{{{{end}}}}' {short} | sed -n 's/^POSTGRES_PASSWORD=//p')"
        );
        KeptServer {
            connect: format!(
                "PGPASSWORD=\"{password}\" psql postgresql://{SUPERUSER}@{}:{}/{database}",
                self.host, self.port
            ),
            stop: format!("docker rm -f {short}"),
        }
    }
}

impl Drop for DockerServer {
    fn drop(&mut self) {
        let Some(container) = self.container.take() else {
            return;
        };
        if tokio::runtime::Handle::try_current().is_ok() {
            // testcontainers removes the container, with its volumes, before this returns.
            drop(container);
        } else {
            // Outside a runtime testcontainers' drop cannot reach the engine (it would panic);
            // remove the container from a runtime of our own instead.
            let id = self.id.clone();
            let _ = blocking(remove(id));
            std::mem::forget(container);
        }
    }
}

/// Removes a container by name when dropped armed: the start that created it was cancelled.
struct Pending {
    name: Option<String>,
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(name) = self.name.take() {
            let _ = blocking(remove_while_starting(name));
        }
    }
}

/// Removes a container whose creation or start was cancelled midway. The engine may still be
/// creating it (not found yet) or starting it (a removal conflicts), so a failed removal is tried
/// again: briefly while the container is not found, longer while the engine refuses.
async fn remove_while_starting(name: String) {
    const NOT_FOUND_FOR: Duration = Duration::from_secs(1);
    const REFUSED_FOR: Duration = Duration::from_secs(10);
    let started = Instant::now();
    loop {
        let limit = match remove(name.clone()).await {
            Ok(()) => return,
            Err(DockerError::DockerResponseServerError {
                status_code: 404, ..
            }) => NOT_FOUND_FOR,
            Err(_) => REFUSED_FOR,
        };
        if started.elapsed() > limit {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn remove(id_or_name: String) -> Result<(), DockerError> {
    let docker = Docker::connect_with_defaults()?;
    docker
        .remove_container(
            &id_or_name,
            Some(RemoveContainerOptions {
                force: true,
                v: true,
                link: false,
            }),
        )
        .await
}

/// Runs `future` to completion on a runtime of its own, in a thread of its own: usable from
/// `Drop`, inside or outside a runtime, without blocking a runtime's worker on itself.
fn blocking<F>(future: F) -> Option<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    std::thread::scope(|scope| {
        scope
            .spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()
                    .map(|rt| rt.block_on(future))
            })
            .join()
            .ok()
            .flatten()
    })
}

/// The machine's Docker engine, once it answered.
struct Engine {
    docker: Docker,
    version: String,
    /// A Unix socket: the engine runs on this machine, so ports can be bound to the loopback.
    is_local: bool,
}

impl Engine {
    async fn connect() -> Result<Engine, PgError> {
        let host = std::env::var("DOCKER_HOST")
            .unwrap_or_else(|_| "unix:///var/run/docker.sock".to_owned());
        let unavailable = |source| PgError::DockerUnavailable {
            host: host.clone(),
            source,
        };
        let docker = Docker::connect_with_defaults().map_err(unavailable)?;
        let version = match tokio::time::timeout(ENGINE_TIMEOUT, docker.version()).await {
            Ok(Ok(version)) => version
                .version
                .unwrap_or_else(|| "(unknown version)".to_owned()),
            Ok(Err(source)) => return Err(unavailable(source)),
            Err(_) => return Err(unavailable(DockerError::RequestTimeoutError)),
        };
        Ok(Engine {
            docker,
            version,
            is_local: host.starts_with("unix://"),
        })
    }

    /// The image's configuration, `None` when the engine does not have it.
    async fn inspect(&self, image: &str) -> Result<Option<ImageInspect>, PgError> {
        match self.docker.inspect_image(image).await {
            Ok(inspect) => Ok(Some(inspect)),
            Err(DockerError::DockerResponseServerError {
                status_code: 404, ..
            }) => Ok(None),
            Err(source) => Err(PgError::Docker {
                doing: format!("inspecting the image {image}"),
                source,
            }),
        }
    }

    /// The image to run: the one named, or the official one, or ours. Only an image the engine
    /// lacks is pulled, never one named like ours (it exists only where it was built).
    async fn pick_image(&self, options: &DockerOptions) -> Result<(String, ImageInspect), PgError> {
        let major = options.major.unwrap_or(DEFAULT_MAJOR);
        let candidates = match &options.image {
            Some(image) => vec![image.clone()],
            None => vec![official_image(major), local_image(major)],
        };
        for image in &candidates {
            if let Some(inspect) = self.inspect(image).await? {
                return Ok((image.clone(), inspect));
            }
        }
        let pullable = candidates
            .iter()
            .find(|i| !i.starts_with(&format!("{LOCAL_IMAGE_REPOSITORY}:")));
        let mut pull_error = None;
        if let Some(image) = pullable {
            match self.pull(image).await {
                Ok(()) => {
                    if let Some(inspect) = self.inspect(image).await? {
                        return Ok((image.clone(), inspect));
                    }
                }
                Err(message) => pull_error = Some(message),
            }
        }
        let wanted = match candidates.as_slice() {
            [one] => format!("no image {one}"),
            many => format!("neither {}", many.join(" nor ")),
        };
        Err(PgError::ImageMissing {
            wanted,
            pull_error,
            major,
            explicit: options.image.is_some(),
        })
    }

    /// Pulls `image`, giving up after [`PULL_TIMEOUT`]: without a registry this fails at once.
    async fn pull(&self, image: &str) -> Result<(), String> {
        let (repository, tag) = split_reference(image);
        let options = CreateImageOptions {
            from_image: Some(repository),
            tag: Some(tag),
            ..Default::default()
        };
        let mut progress = self.docker.create_image(Some(options), None, None);
        let drained = tokio::time::timeout(PULL_TIMEOUT, async {
            while let Some(step) = progress.next().await {
                step.map_err(|e| innermost(&e))?;
            }
            Ok::<(), String>(())
        });
        match drained.await {
            Ok(result) => result,
            Err(_) => Err(format!("no answer within {} s", PULL_TIMEOUT.as_secs())),
        }
    }

    /// Removes the containers of migtest processes on this host that are gone, and returns
    /// their ids.
    async fn sweep_stale(&self) -> Result<Vec<String>, PgError> {
        let filters = HashMap::from([("label".to_owned(), vec![LABEL_PID.to_owned()])]);
        let options = ListContainersOptions {
            all: true,
            filters: Some(filters),
            ..Default::default()
        };
        let containers = self
            .docker
            .list_containers(Some(options))
            .await
            .map_err(|source| PgError::Docker {
                doing: "listing migtest's containers".to_owned(),
                source,
            })?;
        let me = identity();
        let mut removed = Vec::new();
        for container in containers {
            let labels = container.labels.unwrap_or_default();
            let kept = container
                .names
                .iter()
                .flatten()
                .any(|n| n.trim_start_matches('/').starts_with(KEPT_PREFIX));
            if kept || labels.get(LABEL_HOST) != Some(&me.host) {
                continue;
            }
            let Some(pid) = labels.get(LABEL_PID).and_then(|p| p.parse::<i32>().ok()) else {
                continue;
            };
            if process_alive(pid, labels.get(LABEL_PID_START).map(String::as_str)) {
                continue;
            }
            let Some(id) = container.id else { continue };
            let options = RemoveContainerOptions {
                force: true,
                v: true,
                link: false,
            };
            if self
                .docker
                .remove_container(&id, Some(options))
                .await
                .is_ok()
            {
                removed.push(id);
            }
        }
        Ok(removed)
    }
}

/// Who started a container: this process, identified across pid reuse and hosts.
#[derive(Debug)]
struct Identity {
    run: String,
    pid: u32,
    pid_start: String,
    host: String,
}

fn identity() -> &'static Identity {
    static IDENTITY: OnceLock<Identity> = OnceLock::new();
    IDENTITY.get_or_init(|| {
        let pid = std::process::id();
        Identity {
            run: random_hex().chars().take(16).collect(),
            pid,
            pid_start: process_start(&pid.to_string()).unwrap_or_default(),
            host: std::fs::read_to_string("/proc/sys/kernel/hostname")
                .map(|h| h.trim().to_owned())
                .or_else(|_| std::env::var("HOSTNAME"))
                .unwrap_or_default(),
        }
    })
}

/// When the process started, in clock ticks since boot (field 22 of `/proc/<pid>/stat`); `None`
/// when there is no such process, or only its zombie (killed, not yet reaped by its parent).
fn process_start(pid: &str) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses; count from the last `)`.
    let mut fields = stat[stat.rfind(')')? + 1..].split_whitespace();
    if matches!(fields.next(), Some("Z" | "X")) {
        return None;
    }
    fields.nth(18).map(str::to_owned)
}

/// Whether `pid` is still the process that started the container.
fn process_alive(pid: i32, started: Option<&str>) -> bool {
    if std::path::Path::new("/proc/self/stat").exists() {
        return match (process_start(&pid.to_string()), started) {
            (None, _) => false,
            (Some(now), Some(then)) if !then.is_empty() => now == then,
            (Some(_), _) => true,
        };
    }
    // Without /proc, ask the kernel whether the pid exists at all.
    !matches!(
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None),
        Err(nix::errno::Errno::ESRCH)
    )
}

/// 32 hex digits from the standard library's randomly keyed hasher: enough for a password that
/// lives as long as a throwaway container listening on the loopback.
fn random_hex() -> String {
    use std::hash::{BuildHasher, RandomState};
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let a = RandomState::new().hash_one(nanos);
    let b = RandomState::new().hash_one((nanos, std::process::id()));
    format!("{a:016x}{b:016x}")
}

/// `postgres:17-alpine` -> (`postgres`, `17-alpine`); `host:5000/pg` -> (`host:5000/pg`, `latest`).
fn split_reference(image: &str) -> (String, String) {
    match image.rsplit_once(':') {
        Some((repository, tag)) if !tag.contains('/') => (repository.to_owned(), tag.to_owned()),
        _ => (image.to_owned(), "latest".to_owned()),
    }
}

fn image_env(inspect: &ImageInspect, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    inspect
        .config
        .as_ref()?
        .env
        .as_ref()?
        .iter()
        .find_map(|e| e.strip_prefix(&prefix).map(str::to_owned))
}

/// `15.14 (Debian 15.14-0+deb12u1)` -> (`15.14`, 15); `18beta1` -> (`18`, 18).
fn parse_server_version(printed: &str) -> Option<(String, u32)> {
    let version: String = printed
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let major = version.split('.').next()?.parse().ok()?;
    Some((version, major))
}

fn start_error(image: &str, error: TestcontainersError) -> PgError {
    match error {
        TestcontainersError::WaitContainer(WaitContainerError::WaitLog(
            WaitLogError::EndOfStream(lines),
        )) => {
            let text: Vec<String> = lines
                .iter()
                .map(|l| String::from_utf8_lossy(l).trim_end().to_owned())
                .collect();
            PgError::ContainerExited {
                image: image.to_owned(),
                log_tail: tail(text.iter().map(String::as_str)),
            }
        }
        TestcontainersError::WaitContainer(WaitContainerError::StartupTimeout) => {
            PgError::ContainerNotReady {
                image: image.to_owned(),
                seconds: STARTUP_TIMEOUT.as_secs(),
            }
        }
        source => PgError::Container {
            image: image.to_owned(),
            source,
        },
    }
}

fn tail<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let lines: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].join("\n")
}

/// The last cause of a Docker client error: the one that says what went wrong.
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::{parse_server_version, process_alive, process_start, split_reference};

    #[test]
    fn splits_image_references() {
        assert_eq!(
            split_reference("postgres:17-alpine"),
            ("postgres".into(), "17-alpine".into())
        );
        assert_eq!(
            split_reference("migtest/postgres:15"),
            ("migtest/postgres".into(), "15".into())
        );
        assert_eq!(
            split_reference("registry:5000/pg"),
            ("registry:5000/pg".into(), "latest".into())
        );
        assert_eq!(
            split_reference("postgres"),
            ("postgres".into(), "latest".into())
        );
    }

    #[test]
    fn reads_server_versions() {
        assert_eq!(
            parse_server_version("15.14 (Debian 15.14-0+deb12u1)"),
            Some(("15.14".into(), 15))
        );
        assert_eq!(parse_server_version("18beta1"), Some(("18".into(), 18)));
        assert_eq!(parse_server_version("nonsense"), None);
    }

    #[test]
    fn this_process_is_alive_and_a_reused_pid_is_not() {
        let me = std::process::id() as i32;
        let started = process_start(&me.to_string());
        assert!(started.is_some());
        assert!(process_alive(me, started.as_deref()));
        assert!(
            !process_alive(me, Some("1")),
            "a different start time means another process"
        );
    }
}
