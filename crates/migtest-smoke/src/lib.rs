//! Smoke evals: sqllogictest files run against the fully migrated database through a real
//! connection. Each file is one eval; a failed record is a failure naming file and line.

use std::path::{Path, PathBuf};

use futures_util::TryStreamExt;
use sqllogictest::{DBOutput, DefaultColumnType, Runner};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions, Connection, Either, Row, ValueRef};

/// Why evals could not be run at all (as opposed to an eval that failed).
#[derive(Debug, thiserror::Error)]
pub enum SmokeError {
    #[error("could not read the smoke eval folder {}", path.display())]
    ReadDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The result of one eval file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalOutcome {
    pub file: PathBuf,
    pub failure: Option<EvalFailure>,
}

/// Where and why an eval failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalFailure {
    /// 1-based line of the failing record (0 when the file itself could not be parsed or read).
    pub line: u32,
    pub message: String,
}

/// The `.slt` files of `dir`, sorted. A missing folder is an empty list: a project without
/// smoke evals still gets its migrations tested.
pub fn discover(dir: &Path) -> Result<Vec<PathBuf>, SmokeError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(SmokeError::ReadDir {
                path: dir.to_owned(),
                source,
            });
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "slt") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Runs one eval file on fresh connections made from `options`.
pub async fn run_file(options: &PgConnectOptions, file: &Path) -> EvalOutcome {
    let options = options.clone();
    let mut runner = Runner::new(move || {
        let options = options.clone();
        async move {
            options
                .connect()
                .await
                .map(|conn| SqlxDb { conn: Some(conn) })
        }
    });
    // Everything arrives as text; column type letters only document the expected output.
    runner.with_column_validator(|_, _| true);
    let result = runner.run_file_async(file).await;
    runner.shutdown_async().await;
    let failure = result.err().map(|error| EvalFailure {
        line: error.location().line(),
        message: error.display(false).to_string(),
    });
    EvalOutcome {
        file: file.to_owned(),
        failure,
    }
}

struct SqlxDb {
    conn: Option<PgConnection>,
}

#[async_trait::async_trait]
impl sqllogictest::AsyncDB for SqlxDb {
    type Error = sqlx::Error;
    type ColumnType = DefaultColumnType;

    async fn run(&mut self, sql: &str) -> Result<DBOutput<Self::ColumnType>, Self::Error> {
        // The simple query protocol returns every value as PostgreSQL's own text, which is what
        // the expected output of an eval is written in.
        let conn = self.conn.as_mut().ok_or(sqlx::Error::PoolClosed)?;
        let mut stream = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).fetch_many(conn);
        let mut rows = Vec::new();
        let mut columns = 0;
        let mut affected = 0;
        while let Some(item) = stream.try_next().await? {
            match item {
                Either::Left(result) => affected += result.rows_affected(),
                Either::Right(row) => {
                    columns = row.len();
                    let mut values = Vec::with_capacity(columns);
                    for i in 0..columns {
                        let value = row.try_get_raw(i)?;
                        let text = if value.is_null() {
                            "NULL".to_owned()
                        } else {
                            match value.as_str().map_err(sqlx::Error::Decode)? {
                                "" => "(empty)".to_owned(),
                                text => text.to_owned(),
                            }
                        };
                        values.push(text);
                    }
                    rows.push(values);
                }
            }
        }
        if rows.is_empty() && !returns_rows(sql) {
            return Ok(DBOutput::StatementComplete(affected));
        }
        Ok(DBOutput::Rows {
            types: vec![DefaultColumnType::Any; columns],
            rows,
        })
    }

    async fn shutdown(&mut self) {
        if let Some(conn) = self.conn.take() {
            let _ = conn.close().await;
        }
    }

    fn engine_name(&self) -> &str {
        "postgresql"
    }

    async fn sleep(duration: std::time::Duration) {
        tokio::time::sleep(duration).await;
    }
}

// A query that returned no rows still answers a `query` record with an empty result.
fn returns_rows(sql: &str) -> bool {
    let lowered = sql.trim_start().to_ascii_lowercase();
    ["select", "with", "values", "table", "show", "explain"]
        .iter()
        .any(|k| lowered.starts_with(k))
        || lowered.contains("returning")
}
