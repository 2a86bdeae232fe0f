//! The one error type of this crate: what went wrong while capturing a snapshot.

use std::fmt;

/// Why a snapshot could not be captured.
///
/// A schema that differs is never an error: that is what [`crate::diff`] reports. An error means
/// the catalogs could not be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// A statement sent to the server failed.
    #[error("could not {step}")]
    Database {
        /// What the capture was doing when the statement failed.
        step: CaptureStep,
        /// The SQLSTATE the server answered with, when the server answered at all.
        sqlstate: Option<String>,
        #[source]
        source: sqlx::Error,
    },
    /// The server is older than the oldest major whose catalogs the query knows.
    #[error("server version {version} is not supported (PostgreSQL 14 or newer is needed)")]
    UnsupportedServer {
        /// `server_version_num`, for example `130012`.
        version: i32,
    },
    /// The catalog query answered with JSON that does not have the expected shape.
    #[error("could not decode the catalog query result")]
    Decode {
        #[source]
        source: serde_json::Error,
    },
}

impl SnapshotError {
    pub(crate) fn database(step: CaptureStep, source: sqlx::Error) -> Self {
        let sqlstate = source
            .as_database_error()
            .and_then(|error| error.code())
            .map(|code| code.into_owned());
        Self::Database {
            step,
            sqlstate,
            source,
        }
    }
}

/// The statements a capture sends, in order; named in [`SnapshotError::Database`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CaptureStep {
    /// Opening a connection of a [`crate::SnapshotReader`].
    Connect,
    /// Reading the server version, the session settings and the bookkeeping table's identity.
    ReadSettings,
    /// Pinning the session settings that change how the catalog functions render text.
    PinSettings,
    /// The catalog query itself.
    QueryCatalog,
    /// Putting the session settings back as they were.
    RestoreSettings,
}

impl fmt::Display for CaptureStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "open a connection to read the catalogs",
            Self::ReadSettings => "read the server version and session settings",
            Self::PinSettings => "pin the session settings for the catalog query",
            Self::QueryCatalog => "query the catalogs",
            Self::RestoreSettings => "restore the session settings after the catalog query",
        })
    }
}
