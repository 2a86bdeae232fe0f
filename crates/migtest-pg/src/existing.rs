//! An existing server reached by URL: the run gets a scratch database with a random name,
//! created at start and dropped when the guard is dropped, and nothing else is touched.

use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Row};

use crate::PgError;

/// How to reach an existing server.
#[derive(Clone)]
pub struct UrlOptions {
    /// `postgres://user:password@host:port/database`; the database must be one we may connect
    /// to in order to create and drop the scratch database.
    pub url: String,
    /// Accept a URL whose database holds user tables (it is only used to create the scratch
    /// database, but a production database is the wrong place to point this tool at).
    pub allow_non_empty: bool,
}

impl std::fmt::Debug for UrlOptions {
    // The URL may hold a password: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UrlOptions")
            .field("url", &redact(&self.url))
            .field("allow_non_empty", &self.allow_non_empty)
            .finish()
    }
}

/// The URL with its password replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// A connection to an existing server and the scratch database this run owns there.
#[derive(Debug)]
pub struct ExistingServer {
    options: PgConnectOptions,
    admin_database: String,
    scratch: String,
    version: String,
    major: u32,
    keep: bool,
}

impl ExistingServer {
    /// Connects, checks the server version, and refuses a database holding user tables unless
    /// allowed. The scratch database is created by the caller, under [`ExistingServer::scratch`].
    pub async fn connect(options: &UrlOptions) -> Result<ExistingServer, PgError> {
        let redacted = redact(&options.url);
        let connect_options = PgConnectOptions::from_str(&options.url)
            .map_err(|source| PgError::Url {
                url: redacted.clone(),
                source,
            })?
            .application_name("migtest")
            .disable_statement_logging();
        let mut conn = connect_options
            .connect()
            .await
            .map_err(|source| PgError::Url {
                url: redacted.clone(),
                source,
            })?;
        let row = sqlx::query(
            "select current_database(), current_setting('server_version'), current_setting('server_version_num')::int,
                    (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
                      where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
                        and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%')",
        )
        .fetch_one(&mut conn)
        .await
        .map_err(PgError::Query)?;
        let _ = conn.close().await;
        let admin_database: String = row.get(0);
        let version: String = row.get(1);
        let version_num: i32 = row.get(2);
        let tables: i64 = row.get(3);
        if tables > 0 && !options.allow_non_empty {
            return Err(PgError::NotScratch {
                database: admin_database,
                tables,
            });
        }
        let version = version
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned();
        Ok(ExistingServer {
            options: connect_options,
            admin_database,
            scratch: scratch_name(),
            version,
            major: (version_num / 10_000) as u32,
            keep: false,
        })
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn major(&self) -> u32 {
        self.major
    }

    pub fn admin_database(&self) -> &str {
        &self.admin_database
    }

    pub fn scratch(&self) -> &str {
        &self.scratch
    }

    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        self.options.clone().database(database)
    }

    /// Leaves the scratch database in place.
    pub fn keep(mut self) -> crate::KeptServer {
        self.keep = true;
        let host = self.options.get_host().to_owned();
        let port = self.options.get_port();
        let user = self.options.get_username().to_owned();
        crate::KeptServer {
            connect: format!("psql -h {host} -p {port} -U {user} -d {}", self.scratch),
            stop: format!(
                "psql -h {host} -p {port} -U {user} -d {} -c 'DROP DATABASE {} WITH (FORCE)'",
                self.admin_database, self.scratch
            ),
        }
    }
}

impl Drop for ExistingServer {
    fn drop(&mut self) {
        if self.keep {
            return;
        }
        // Drop runs outside any async context we could borrow; a short-lived thread with its own
        // runtime drops the scratch database, also when the run was cancelled.
        let options = self.options.clone().database(&self.admin_database);
        let statement = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.scratch);
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                if let Ok(mut conn) = options.connect().await {
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                        .execute(&mut conn)
                        .await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

/// `migtest_<pid>_<nanos>`: unique enough for concurrent runs against one server, and a valid
/// unquoted identifier.
fn scratch_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("migtest_{}_{nanos:09}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/app"),
            "postgres://app:***@db:5432/app"
        );
        assert_eq!(redact("postgres://app@db/app"), "postgres://app@db/app");
        assert_eq!(redact("postgres://a:b:c@d@h/x"), "postgres://a:***@h/x");
    }
}
