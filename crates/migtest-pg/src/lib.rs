//! Throwaway PostgreSQL servers: find server binaries, start a private cluster (or a container
//! on the machine's Docker engine), hand out connection options, and clean everything up when
//! the guard is dropped.
//!
//! A [`Server`] is a guard: dropping it stops the server and deletes its files, also when the
//! drop happens because of a panic or because the future holding it was cancelled on Ctrl-C.
//! [`Server::keep`] is the one way to leave it running.

mod binaries;
mod docker;
mod error;
mod existing;
mod image;
mod install;
mod native;
mod process;
mod template;

pub use binaries::{PgBinaries, available, available_majors, discover};
pub use docker::{
    AutoOptions, DEFAULT_MAJOR, DockerOptions, DockerServer, LABEL_HOST, LABEL_PID,
    LABEL_PID_START, LABEL_RUN, Resolved, official_image, resolve,
};
pub use error::PgError;
pub use existing::{ExistingServer, UrlOptions, redact};
pub use image::{
    BuiltImage, ImageOptions, LOCAL_IMAGE_REPOSITORY, build_image, image_id, local_image,
};
pub use install::{INSTALLABLE_MAJORS, Installed, install, installed_dir};
pub use native::{NativeCluster, NativeOptions};
pub use template::default_cache_dir;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

/// The scratch database of a server migtest started itself.
pub const SCRATCH_DATABASE: &str = "migtest";

/// Which kind of server to start.
#[derive(Debug, Clone)]
pub enum Backend {
    /// A private cluster from local server binaries.
    Native(NativeOptions),
    /// An existing server, in a scratch database created and dropped by the run.
    Url(UrlOptions),
    /// A throwaway container on the machine's Docker engine.
    Docker(DockerOptions),
    /// Docker when an engine answers and the image is present, else native ([`resolve`]).
    Auto(AutoOptions),
}

/// A running throwaway server, owned.
#[derive(Debug)]
pub struct Server {
    inner: ServerKind,
}

#[derive(Debug)]
enum ServerKind {
    Native(NativeCluster),
    Url(Box<ExistingServer>),
    Docker(Box<DockerServer>),
}

/// How to reach a server left running by [`Server::keep`].
#[derive(Debug, Clone)]
pub struct KeptServer {
    /// A `psql` command line that connects to it.
    pub connect: String,
    /// A command line that stops it and removes its files.
    pub stop: String,
}

impl Server {
    /// Starts a server of the given kind, waits until it answers a query, and creates the
    /// run's scratch database ([`Server::database`]), empty, from `template0`.
    pub async fn start(backend: &Backend) -> Result<Server, PgError> {
        let inner = match backend {
            Backend::Native(options) => ServerKind::Native(NativeCluster::start(options).await?),
            Backend::Url(options) => {
                ServerKind::Url(Box::new(ExistingServer::connect(options).await?))
            }
            Backend::Docker(options) => {
                ServerKind::Docker(Box::new(DockerServer::start(options).await?))
            }
            Backend::Auto(options) => match docker::choose(options).await.0 {
                docker::Chosen::Docker(options) => {
                    ServerKind::Docker(Box::new(DockerServer::start(&options).await?))
                }
                docker::Chosen::Native(options) => {
                    ServerKind::Native(NativeCluster::start(&options).await?)
                }
            },
        };
        let server = Server { inner };
        let database = server.database().to_owned();
        let create = |source| PgError::CreateDatabase {
            database: database.clone(),
            source,
        };
        let mut admin = server
            .connect_options(server.admin_database())
            .connect()
            .await
            .map_err(create)?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {database} TEMPLATE template0"
        )))
        .execute(&mut admin)
        .await
        .map_err(create)?;
        let _ = admin.close().await;
        Ok(server)
    }

    /// The scratch database the run works in.
    pub fn database(&self) -> &str {
        match &self.inner {
            ServerKind::Native(_) | ServerKind::Docker(_) => SCRATCH_DATABASE,
            ServerKind::Url(server) => server.scratch(),
        }
    }

    /// The database connected to for creating the scratch database.
    fn admin_database(&self) -> &str {
        match &self.inner {
            ServerKind::Native(_) | ServerKind::Docker(_) => "postgres",
            ServerKind::Url(server) => server.admin_database(),
        }
    }

    /// The id of the container the server runs in, for the container backend.
    pub fn container_id(&self) -> Option<&str> {
        match &self.inner {
            ServerKind::Docker(server) => Some(server.id()),
            _ => None,
        }
    }

    /// `native`, `url` or `docker`.
    pub fn backend_name(&self) -> &'static str {
        match &self.inner {
            ServerKind::Native(_) => "native",
            ServerKind::Url(_) => "url",
            ServerKind::Docker(_) => "docker",
        }
    }

    /// The server's version string, e.g. `15.14`.
    pub fn version(&self) -> &str {
        match &self.inner {
            ServerKind::Native(cluster) => cluster.version(),
            ServerKind::Url(server) => server.version(),
            ServerKind::Docker(server) => server.version(),
        }
    }

    /// The server's major version, e.g. `15`.
    pub fn major(&self) -> u32 {
        match &self.inner {
            ServerKind::Native(cluster) => cluster.major(),
            ServerKind::Url(server) => server.major(),
            ServerKind::Docker(server) => server.major(),
        }
    }

    /// Connection options for `database`, as the bootstrap superuser.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        match &self.inner {
            ServerKind::Native(cluster) => cluster.connect_options(database),
            ServerKind::Url(server) => server.connect_options(database),
            ServerKind::Docker(server) => server.connect_options(database),
        }
    }

    /// Leaves the server (or the scratch database) in place after this process ends and says
    /// how to reach it and remove it.
    pub fn keep(self) -> KeptServer {
        match self.inner {
            ServerKind::Native(cluster) => cluster.keep(SCRATCH_DATABASE),
            ServerKind::Url(server) => server.keep(),
            ServerKind::Docker(server) => server.keep(SCRATCH_DATABASE),
        }
    }
}
