//! Throwaway PostgreSQL servers: find server binaries, start a private cluster, hand out
//! connection options, and clean everything up when the guard is dropped.
//!
//! A [`Server`] is a guard: dropping it stops the server and deletes its files, also when the
//! drop happens because of a panic or because the future holding it was cancelled on Ctrl-C.
//! [`Server::keep`] is the one way to leave it running.

mod binaries;
mod error;
mod install;
mod native;
mod process;
mod template;

pub use binaries::{PgBinaries, available, available_majors, discover};
pub use error::PgError;
pub use install::{INSTALLABLE_MAJORS, Installed, install, installed_dir};
pub use native::{NativeCluster, NativeOptions};
pub use template::default_cache_dir;

use sqlx::postgres::PgConnectOptions;

/// Which kind of server to start. The container backend joins this enum.
#[derive(Debug, Clone)]
pub enum Backend {
    /// A private cluster from local server binaries.
    Native(NativeOptions),
}

/// A running throwaway server, owned.
#[derive(Debug)]
pub struct Server {
    inner: ServerKind,
}

#[derive(Debug)]
enum ServerKind {
    Native(NativeCluster),
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
    /// Starts a server of the given kind and waits until it answers a query.
    pub async fn start(backend: &Backend) -> Result<Server, PgError> {
        match backend {
            Backend::Native(options) => {
                Ok(Server { inner: ServerKind::Native(NativeCluster::start(options).await?) })
            }
        }
    }

    /// `native` or `docker`.
    pub fn backend_name(&self) -> &'static str {
        match &self.inner {
            ServerKind::Native(_) => "native",
        }
    }

    /// The server's version string, e.g. `15.14`.
    pub fn version(&self) -> &str {
        match &self.inner {
            ServerKind::Native(cluster) => cluster.version(),
        }
    }

    /// The server's major version, e.g. `15`.
    pub fn major(&self) -> u32 {
        match &self.inner {
            ServerKind::Native(cluster) => cluster.major(),
        }
    }

    /// Connection options for `database`, as the bootstrap superuser.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        match &self.inner {
            ServerKind::Native(cluster) => cluster.connect_options(database),
        }
    }

    /// Leaves the server running after this process ends and says how to reach and stop it.
    pub fn keep(self, database: &str) -> KeptServer {
        match self.inner {
            ServerKind::Native(cluster) => cluster.keep(database),
        }
    }
}
