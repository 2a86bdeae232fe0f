//! Schema snapshots from the PostgreSQL catalogs, a canonical model, and a pure diff.
//!
//! [`capture`] reads the catalogs of the connected database in one query and turns them into a
//! [`Snapshot`]: every schema object under an [`ObjectKey`], each with a canonical text that
//! names everything a migration can change and nothing that merely differs between runs (OIDs,
//! dropped-column positions, sequence values, statistics, catalog order). [`diff`] compares two
//! snapshots without any I/O. [`SnapshotReader`] gives the same snapshot in about half the time,
//! over two connections of its own that read the two halves of the catalogs side by side.
//!
//! [`IgnoreRules`] says which differences a project does not want to hear about.
//!
//! Covered: roles (attributes, memberships, settings), tablespaces, parameter privileges, the
//! database itself (owner, privileges, `ALTER DATABASE ... SET`, per-role settings in it), schemas,
//! extensions (version, schema, and privileges changed on their members), languages, access
//! methods, foreign data wrappers, servers and user mappings, collations, conversions, types
//! (enum, composite, range, base), domains, functions, procedures and aggregates with every
//! attribute, operators, operator classes and families, casts, transforms, text search parsers,
//! templates, dictionaries and configurations, sequences, tables (partitioned, partitions,
//! inheritance, storage parameters, tablespace, replica identity, persistence, row level
//! security), columns (order, type, collation, defaults, identity, generated, storage,
//! compression, statistics target, options), views and materialized views, indexes, constraints,
//! triggers, rules, policies, extended statistics, event triggers, default privileges,
//! publications and subscriptions, and the comment, owner and privileges of each.
//!
//! Left out on purpose: the system schemas, temporary and TOAST schemas, objects that belong to an
//! extension (the extension stands for them), the migration tool's bookkeeping table with its
//! index and sequence, the bootstrap superuser and the `pg_*` roles, and what is data rather than
//! schema (rows, sequence values, statistics, large objects). Roles, tablespaces and parameter
//! privileges are cluster-wide, so a snapshot also sees what work in other databases of the same
//! cluster creates.

mod acl;
mod catalog;
mod diff;
mod error;
mod ignore;
mod model;

use futures_util::future::try_join;
use sqlx::postgres::PgConnectOptions;
use sqlx::postgres::types::Oid;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, PgConnection};

pub use crate::diff::{Change, Difference, diff};
pub use crate::error::{CaptureStep, SnapshotError};
pub use crate::ignore::{IgnorePatternError, IgnoreRules};
pub use crate::model::{ObjectKey, ObjectKind, Snapshot};

/// What a capture needs to know about the database beyond the catalogs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotOptions {
    /// The bookkeeping table of the migration tool, as given to sqlx's `Migrate` trait (for
    /// example `_sqlx_migrations`, or schema-qualified). It is resolved on the server with the
    /// session's `search_path`, and it, its indexes, constraints and sequences are left out: its
    /// rows change with every migration by design.
    pub bookkeeping_table: String,
}

impl Default for SnapshotOptions {
    fn default() -> Self {
        Self {
            bookkeeping_table: "_sqlx_migrations".to_owned(),
        }
    }
}

/// Captures the schema of the database `conn` is connected to.
///
/// Costs four short statements: read the version and the session settings, pin the settings that
/// change how the catalog functions print names and constants, the catalog query, and restore
/// the settings. The session is left as it was found, also when the catalog query fails.
///
/// [`SnapshotReader`] gives the same snapshot in about half the time when the server has two
/// cores, over connections of its own.
pub async fn capture(
    conn: &mut PgConnection,
    options: &SnapshotOptions,
) -> Result<Snapshot, SnapshotError> {
    let (version, bookkeeping, read_conninfo, saved): (i32, Option<Oid>, bool, Vec<String>) =
        sqlx::query_as(catalog::READ_SETTINGS)
            .bind(options.bookkeeping_table.as_str())
            .fetch_one(&mut *conn)
            .await
            .map_err(|source| SnapshotError::database(CaptureStep::ReadSettings, source))?;
    if version < catalog::OLDEST_SUPPORTED {
        return Err(SnapshotError::UnsupportedServer { version });
    }

    set_settings(conn, &pinned_values())
        .await
        .map_err(|source| SnapshotError::database(CaptureStep::PinSettings, source))?;

    // The query text only depends on the major and the session's privileges, so sqlx's statement
    // cache keeps it prepared.
    let shape = catalog::QueryShape {
        version,
        read_conninfo,
    };
    let query = catalog::catalog_query(shape, catalog::Part::Whole);
    let queried = query_catalog(conn, &query, bookkeeping).await;
    let restored = set_settings(conn, &saved).await;
    // A failed catalog query inside a transaction also fails the restore; the first error is the
    // one worth reporting.
    let json = queried?;
    restored.map_err(|source| SnapshotError::database(CaptureStep::RestoreSettings, source))?;
    decode(&json)
}

/// Captures snapshots over two connections of its own, on which the two halves of the catalog
/// query run side by side: on a server with two cores or more, a snapshot takes a little over
/// half the time [`capture`] takes.
///
/// Its connections have the settings that change how the catalog functions print text pinned
/// once, when they are opened, so that a capture costs one short statement on the session the
/// migrations run on (which resolves the bookkeeping table with that session's `search_path`)
/// and the two halves. The snapshot is the one [`capture`] gives on that session, with one
/// exception that it handles: work of a transaction the session has left open is visible to the
/// session only (or locked by it), so then the capture runs on the session, as [`capture`].
#[derive(Debug)]
pub struct SnapshotReader {
    options: SnapshotOptions,
    /// The two halves' texts, fixed by the server's major and privileges once connected.
    queries: [String; 2],
    connections: [PgConnection; 2],
}

impl SnapshotReader {
    /// Opens the reader's two connections with `connect`, which names the database the
    /// migrations run in.
    pub async fn connect(
        connect: &PgConnectOptions,
        options: SnapshotOptions,
    ) -> Result<Self, SnapshotError> {
        let (mut first, mut second) = try_join(open_reader(connect), open_reader(connect)).await?;
        let (version, read_conninfo): (i32, bool) = sqlx::query_as(catalog::READER_SETTINGS)
            .fetch_one(&mut first)
            .await
            .map_err(|source| SnapshotError::database(CaptureStep::ReadSettings, source))?;
        if version < catalog::OLDEST_SUPPORTED {
            return Err(SnapshotError::UnsupportedServer { version });
        }
        let pinned = pinned_values();
        for conn in [&mut first, &mut second] {
            set_settings(conn, &pinned)
                .await
                .map_err(|source| SnapshotError::database(CaptureStep::PinSettings, source))?;
        }
        let shape = catalog::QueryShape {
            version,
            read_conninfo,
        };
        Ok(Self {
            options,
            queries: [
                catalog::catalog_query(shape, catalog::Part::Columns),
                catalog::catalog_query(shape, catalog::Part::Rest),
            ],
            connections: [first, second],
        })
    }

    /// Captures the schema as `session`, the connection the migrations run on, sees it.
    pub async fn capture(&mut self, session: &mut PgConnection) -> Result<Snapshot, SnapshotError> {
        let (bookkeeping, session_only): (Option<Oid>, bool) =
            sqlx::query_as(catalog::SESSION_STATE)
                .bind(self.options.bookkeeping_table.as_str())
                .fetch_one(&mut *session)
                .await
                .map_err(|source| SnapshotError::database(CaptureStep::ReadSettings, source))?;
        if session_only {
            return capture(session, &self.options).await;
        }
        let [first, second] = &mut self.connections;
        let [columns, rest] = &self.queries;
        let (columns, rest) = try_join(
            query_catalog(first, columns, bookkeeping),
            query_catalog(second, rest, bookkeeping),
        )
        .await?;
        // The relations come with the columns and go into the snapshot first: the rest names
        // tables by OID.
        let mut builder = model::Builder::default();
        builder.add(parse(&columns)?);
        builder.add(parse(&rest)?);
        Ok(builder.finish())
    }

    /// Closes the reader's connections.
    pub async fn close(self) {
        let [first, second] = self.connections;
        let _ = futures_util::future::join(first.close(), second.close()).await;
    }
}

async fn open_reader(connect: &PgConnectOptions) -> Result<PgConnection, SnapshotError> {
    connect
        .connect()
        .await
        .map_err(|source| SnapshotError::database(CaptureStep::Connect, source))
}

/// The values [`catalog::PINNED_SETTINGS`] pins, in its order.
fn pinned_values() -> Vec<String> {
    catalog::PINNED_SETTINGS
        .iter()
        .map(|(_, value)| (*value).to_owned())
        .collect()
}

/// Sets the settings [`catalog::PINNED_SETTINGS`] names to `values`, in its order, for the
/// session.
async fn set_settings(conn: &mut PgConnection, values: &[String]) -> Result<(), sqlx::Error> {
    let names: Vec<&str> = catalog::PINNED_SETTINGS
        .iter()
        .map(|(name, _)| *name)
        .collect();
    sqlx::query(catalog::SET_SETTINGS)
        .bind(&names)
        .bind(values)
        .execute(conn)
        .await
        .map(drop)
}

/// Runs a catalog query. Its text only depends on the major, the session's privileges and the
/// part it reads, so sqlx's statement cache keeps it prepared.
async fn query_catalog(
    conn: &mut PgConnection,
    query: &str,
    bookkeeping: Option<Oid>,
) -> Result<String, SnapshotError> {
    sqlx::query_scalar::<_, String>(AssertSqlSafe(query))
        .bind(bookkeeping)
        .fetch_one(conn)
        .await
        .map_err(|source| SnapshotError::database(CaptureStep::QueryCatalog, source))
}

fn parse(json: &str) -> Result<catalog::Catalog, SnapshotError> {
    serde_json::from_str(json).map_err(|source| SnapshotError::Decode { source })
}

fn decode(json: &str) -> Result<Snapshot, SnapshotError> {
    Ok(model::build(parse(json)?))
}
