//! Schema snapshots from the PostgreSQL catalogs, a canonical model, and a pure diff.
//!
//! [`capture`] reads the catalogs of the connected database in one query and turns them into a
//! [`Snapshot`]: every schema object under an [`ObjectKey`], each with a canonical text that
//! names everything a migration can change and nothing that merely differs between runs (OIDs,
//! dropped-column positions, sequence values, statistics, catalog order). [`diff`] compares two
//! snapshots without any I/O.
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

use sqlx::postgres::types::Oid;
use sqlx::{AssertSqlSafe, PgConnection};

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

    let names: Vec<&str> = catalog::PINNED_SETTINGS
        .iter()
        .map(|(name, _)| *name)
        .collect();
    let pinned: Vec<&str> = catalog::PINNED_SETTINGS
        .iter()
        .map(|(_, value)| *value)
        .collect();
    sqlx::query(catalog::SET_SETTINGS)
        .bind(&names)
        .bind(&pinned)
        .execute(&mut *conn)
        .await
        .map_err(|source| SnapshotError::database(CaptureStep::PinSettings, source))?;

    // The query text only depends on the major and the session's privileges, so sqlx's statement
    // cache keeps it prepared.
    let shape = catalog::QueryShape {
        version,
        read_conninfo,
    };
    let queried = sqlx::query_scalar::<_, String>(AssertSqlSafe(catalog::catalog_query(shape)))
        .bind(bookkeeping)
        .fetch_one(&mut *conn)
        .await;
    let restored = sqlx::query(catalog::SET_SETTINGS)
        .bind(&names)
        .bind(&saved)
        .execute(&mut *conn)
        .await;
    // A failed catalog query inside a transaction also fails the restore; the first error is the
    // one worth reporting.
    let json =
        queried.map_err(|source| SnapshotError::database(CaptureStep::QueryCatalog, source))?;
    restored.map_err(|source| SnapshotError::database(CaptureStep::RestoreSettings, source))?;

    let catalog: catalog::Catalog =
        serde_json::from_str(&json).map_err(|source| SnapshotError::Decode { source })?;
    Ok(model::build(catalog))
}
