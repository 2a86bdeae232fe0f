//! The measurements: the floor, the tool, the pg_dump loop, the cluster's ready time and the
//! snapshot's cost, each returning milliseconds. Nothing here prints or decides what a number
//! means.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail, ensure};
use migtest_migrations::{Down, MigrationSet, Script};
use migtest_runner::pg::{NativeCluster, PgBinaries, Server};
use migtest_runner::{Backend, NativeOptions, NullListener, RunConfig};
use migtest_schema::{SnapshotOptions, SnapshotReader};
use sqlx::migrate::Migrate;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Executor};
use xshell::{Shell, cmd};

use super::generate;

/// The scripts of `set` in the order the engine runs them with `--ladder` when nothing fails:
/// every migration's up, down and up again, then every down in reverse, then every up.
pub fn engine_order(set: &MigrationSet) -> anyhow::Result<Vec<&Script>> {
    let mut downs = Vec::with_capacity(set.migrations.len());
    for migration in &set.migrations {
        let Down::Script(down) = &migration.down else {
            bail!(
                "migration {} has no down: the benchmark's histories are all reversible",
                migration.version
            )
        };
        ensure!(
            migration.problems.is_empty(),
            "migration {} has problems: {:?}",
            migration.version,
            migration.problems
        );
        downs.push(down);
    }
    let mut order = Vec::with_capacity(set.migrations.len() * 5);
    for (migration, down) in set.migrations.iter().zip(&downs) {
        order.extend([&migration.up, *down, &migration.up]);
    }
    order.extend(downs.iter().rev().copied());
    order.extend(set.migrations.iter().map(|m| &m.up));
    Ok(order)
}

/// Runs one script as sqlx's `Migrate::apply` runs it, minus the bookkeeping: the same call on
/// the same text, in a transaction unless the file starts with `-- no-transaction`.
async fn execute(conn: &mut PgConnection, script: &Script) -> anyhow::Result<()> {
    let sql = script.migration.sql.clone();
    let result = if script.migration.no_tx {
        conn.execute(sql).await.map(drop)
    } else {
        let mut tx = conn.begin().await?;
        match (&mut *tx).execute(sql).await {
            Ok(_) => tx.commit().await,
            Err(error) => Err(error),
        }
    };
    result.with_context(|| format!("running {}", script.path.display()))
}

/// The one server the floor, the pg_dump loop and the snapshot measurements share, each in a
/// database of its own.
pub struct Lab {
    server: Server,
    pg_dump: PathBuf,
    databases: usize,
}

/// A database of the lab's server, dropped by [`Lab::drop_database`].
pub struct Database(String);

/// One run of the pg_dump loop.
pub struct PgDumpSample {
    pub millis: f64,
    pub dumps: usize,
    /// Comparisons whose texts differed: none, when every down is right and pg_dump is stable.
    pub mismatches: usize,
}

impl Lab {
    pub async fn start(binaries: &PgBinaries) -> anyhow::Result<Lab> {
        let pg_dump = binaries.program("pg_dump");
        ensure!(
            pg_dump.is_file(),
            "{} does not exist: the pg_dump loop needs the pg_dump of the server's own major, next to its binaries",
            pg_dump.display()
        );
        let server = Server::start(&native(binaries, false))
            .await
            .context("starting the benchmark's server")?;
        Ok(Lab {
            server,
            pg_dump,
            databases: 0,
        })
    }

    pub fn version(&self) -> &str {
        self.server.version()
    }

    fn options(&self, database: &Database) -> PgConnectOptions {
        self.server.connect_options(&database.0)
    }

    /// An empty database, as the tool's scratch database is: from `template0`.
    pub async fn create_database(&mut self) -> anyhow::Result<Database> {
        self.databases += 1;
        let name = format!("bench_{}", self.databases);
        self.admin(&format!("CREATE DATABASE {name} TEMPLATE template0"))
            .await?;
        Ok(Database(name))
    }

    pub async fn drop_database(&mut self, database: Database) -> anyhow::Result<()> {
        self.admin(&format!("DROP DATABASE {}", database.0)).await
    }

    async fn admin(&self, sql: &str) -> anyhow::Result<()> {
        let mut admin = self.server.connect_options("postgres").connect().await?;
        sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
            .execute(&mut admin)
            .await
            .with_context(|| sql.to_owned())?;
        admin.close().await?;
        Ok(())
    }

    /// The floor: `scripts` on one plain connection, timed from connecting to closing. Returns
    /// the database, at head, for the caller to look at and drop.
    pub async fn floor(&mut self, scripts: &[&Script]) -> anyhow::Result<(f64, Database)> {
        let database = self.create_database().await?;
        let started = Instant::now();
        let mut conn = self.options(&database).connect().await?;
        for script in scripts {
            execute(&mut conn, script).await?;
        }
        conn.close().await?;
        Ok((ms(started), database))
    }

    /// The floor plus sqlx's bookkeeping: the same scripts through `Migrate::apply` and
    /// `Migrate::revert`, as the engine calls them, with no snapshots. The difference to the
    /// floor is what going through sqlx costs; the difference to the tool is what checking costs.
    pub async fn sqlx_floor(&mut self, scripts: &[&Script]) -> anyhow::Result<f64> {
        let table = migtest_runner::SQLX_MIGRATIONS_TABLE;
        let database = self.create_database().await?;
        let started = Instant::now();
        let mut conn = self.options(&database).connect().await?;
        conn.ensure_migrations_table(table).await?;
        for script in scripts {
            let result = if script.migration.migration_type.is_down_migration() {
                conn.revert(table, &script.migration).await.map(drop)
            } else {
                conn.apply(table, &script.migration).await.map(drop)
            };
            result.with_context(|| format!("running {}", script.path.display()))?;
        }
        conn.close().await?;
        let millis = ms(started);
        self.drop_database(database).await?;
        Ok(millis)
    }

    /// The loop a team writes by hand around the same SQL on the same kind of connection:
    /// `pg_dump --schema-only` of the empty database, after every up, down and redo, and at the
    /// bottom and top of the ladder, comparing the text after a down with the text before its up,
    /// after a redo with after the up, and the ladder's ends with the empty and head schemas.
    /// Each new dump is compared with one already taken; none is taken twice.
    pub async fn pg_dump_loop(
        &mut self,
        sh: &Shell,
        set: &MigrationSet,
    ) -> anyhow::Result<PgDumpSample> {
        let order = engine_order(set)?;
        let n = set.migrations.len();
        let (stepwise, ladder) = order.split_at(3 * n);
        let (ladder_down, ladder_up) = ladder.split_at(n);
        let database = self.create_database().await?;
        let options = self.options(&database);
        let host = options
            .get_socket()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| options.get_host().to_owned());
        let port = options.get_port().to_string();
        let user = options.get_username().to_owned();
        let pg_dump = &self.pg_dump;
        let name = &database.0;
        let mut dumps = 0;
        let mut dump = || -> anyhow::Result<String> {
            dumps += 1;
            let text = cmd!(sh, "{pg_dump} --schema-only --host {host} --port {port} --username {user} --dbname {name}")
                .quiet()
                .read()?;
            Ok(normalize_dump(&text))
        };

        let started = Instant::now();
        let mut conn = options.connect().await?;
        let mut mismatches = 0;
        let empty = dump()?;
        let mut before = empty.clone();
        for step in stepwise.chunks(3) {
            execute(&mut conn, step[0]).await?;
            let after_up = dump()?;
            execute(&mut conn, step[1]).await?;
            mismatches += usize::from(dump()? != before);
            execute(&mut conn, step[2]).await?;
            let after_redo = dump()?;
            mismatches += usize::from(after_redo != after_up);
            before = after_redo;
        }
        for script in ladder_down {
            execute(&mut conn, script).await?;
        }
        mismatches += usize::from(dump()? != empty);
        for script in ladder_up {
            execute(&mut conn, script).await?;
        }
        mismatches += usize::from(dump()? != before);
        conn.close().await?;
        let millis = ms(started);
        self.drop_database(database).await?;
        Ok(PgDumpSample {
            millis,
            dumps,
            mismatches,
        })
    }

    /// Applies `migrations`' ups once into a new database: a schema of that history's size with
    /// no churn behind it.
    pub async fn apply_ups(
        &mut self,
        migrations: &[generate::Migration],
    ) -> anyhow::Result<Database> {
        let database = self.create_database().await?;
        let mut conn = self.options(&database).connect().await?;
        for migration in migrations {
            sqlx::raw_sql(AssertSqlSafe(migration.up.clone()))
                .execute(&mut conn)
                .await
                .with_context(|| format!("applying {}_{}", migration.version, migration.name))?;
        }
        conn.close().await?;
        Ok(database)
    }

    /// `VACUUM (ANALYZE)` of `database`: what autovacuum would do to the new catalog rows, done
    /// now so that it does not run during a measurement.
    pub async fn settle(&self, database: &Database) -> anyhow::Result<()> {
        let mut conn = self.options(database).connect().await?;
        sqlx::raw_sql("VACUUM (ANALYZE)").execute(&mut conn).await?;
        conn.close().await?;
        Ok(())
    }

    /// A snapshot `count` times on each database, read as the engine reads it (a
    /// `SnapshotReader` and the session the migrations would run on), alternating between the
    /// databases so that a change in the machine's load falls on all alike, after one capture
    /// each that prepares the catalog queries (the engine's first capture pays for that too).
    /// Times in ms, and the number of tables in `public` of each.
    pub async fn captures(
        &self,
        databases: &[&Database],
        count: usize,
    ) -> anyhow::Result<Vec<(Vec<f64>, usize)>> {
        let mut conns = Vec::new();
        for database in databases {
            let mut conn = self.options(database).connect().await?;
            let mut reader =
                SnapshotReader::connect(&self.options(database), SnapshotOptions::default())
                    .await?;
            reader.capture(&mut conn).await?;
            conns.push((conn, reader));
        }
        let mut samples = vec![Vec::with_capacity(count); conns.len()];
        for _ in 0..count {
            for ((conn, reader), samples) in conns.iter_mut().zip(&mut samples) {
                let started = Instant::now();
                reader.capture(conn).await?;
                samples.push(ms(started));
            }
        }
        let mut results = Vec::new();
        for ((mut conn, reader), samples) in conns.into_iter().zip(samples) {
            reader.close().await;
            let tables: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public'",
            )
            .fetch_one(&mut conn)
            .await?;
            conn.close().await?;
            results.push((samples, usize::try_from(tables)?));
        }
        Ok(results)
    }
}

/// `pg_dump` 17.6, 16.10, ... and 18 write `\restrict KEY` and `\unrestrict KEY` lines with a
/// random key; a loop comparing dumps as text has to drop them.
fn normalize_dump(text: &str) -> String {
    let mut normalized = String::with_capacity(text.len());
    for line in text
        .lines()
        .filter(|l| !l.starts_with("\\restrict ") && !l.starts_with("\\unrestrict "))
    {
        normalized.push_str(line);
        normalized.push('\n');
    }
    normalized
}

/// One library call of the engine, as `cargo xtask migrate-test --ladder --no-smoke` makes it.
pub struct ToolSample {
    /// From the call to its return, the server's stop included.
    pub wall: f64,
    pub report: migtest_runner::RunReport,
}

pub async fn tool(source: &Path, binaries: &PgBinaries) -> anyhow::Result<ToolSample> {
    let mut config = RunConfig::new(source);
    config.backend = native(binaries, false);
    config.ladder = true;
    let started = Instant::now();
    let outcome = migtest_runner::run(&config, &mut NullListener)
        .await
        .context("running the engine")?;
    let wall = ms(started);
    let report = outcome.report;
    if let Some(finding) = report.failures.first() {
        bail!(
            "the engine found {} problems in a generated history, the first: {}",
            report.failures.len(),
            finding.message
        );
    }
    ensure!(
        matches!(report.ladder, Some(migtest_report::CheckStatus::Passed)),
        "the engine did not run the ladder: {:?}",
        report.ladder
    );
    Ok(ToolSample { wall, report })
}

/// Start to first connection of a private cluster: from `initdb` when `fresh`, else from the
/// cached template. The guard is dropped (the cluster stopped) outside the time.
pub async fn cluster_ready(binaries: &PgBinaries, fresh: bool) -> anyhow::Result<f64> {
    let Backend::Native(options) = native(binaries, fresh) else {
        unreachable!()
    };
    let started = Instant::now();
    let cluster = NativeCluster::start(&options)
        .await
        .context("starting a cluster")?;
    let millis = ms(started);
    drop(cluster);
    Ok(millis)
}

/// Start to a server ready for the migrations on `backend`, with its version. The guard is
/// dropped (server stopped, container removed) outside the time.
pub async fn server_ready(backend: &Backend) -> anyhow::Result<(f64, String)> {
    let started = Instant::now();
    let server = Server::start(backend).await.context("starting a server")?;
    let millis = ms(started);
    let version = server.version().to_owned();
    drop(server);
    Ok((millis, version))
}

pub fn native(binaries: &PgBinaries, fresh_initdb: bool) -> Backend {
    Backend::Native(NativeOptions {
        bin_dir: Some(binaries.bin_dir.clone()),
        fresh_initdb,
        ..NativeOptions::default()
    })
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}
