//! The run itself: one connection, one migration at a time through sqlx's `Migrate` trait,
//! a snapshot after every step (read over two more connections).

use std::path::Path;
use std::time::Instant;

use migtest_migrations::{
    Down, LoadOptions, MigrationSet, NoDown, PlannedMigration, Problem, Script, Side, load_with,
};
use migtest_pg::Server;
use migtest_report::{
    Check, CheckOutcome, CheckStatus, Event, Finding, Listener, Location, MigrationReport, Note,
    PgErrorInfo, RunReport, ServerInfo, SmokeReport,
};
use migtest_schema::{Difference, IgnoreRules, Snapshot, SnapshotOptions, SnapshotReader, diff};
use sqlx::migrate::{Migrate, MigrateError};
use sqlx::postgres::{PgConnection, PgDatabaseError, PgErrorPosition};
use sqlx::{ConnectOptions, Connection};

use crate::{RunConfig, RunError, RunOutcome, messages};

/// Runs the whole loop described in the crate documentation.
pub async fn run(config: &RunConfig, listener: &mut dyn Listener) -> Result<RunOutcome, RunError> {
    let started = Instant::now();
    // A folder that cannot be used is reported before any server starts.
    let options = LoadOptions {
        layout: config.layout,
        down_from_comments: config.down_from_comments,
    };
    let set = load_with(&config.source, &options)?;
    let ignore = IgnoreRules::parse(&config.ignore)?;
    let smoke_files = match &config.smoke_dir {
        Some(dir) => migtest_smoke::discover(dir)?,
        None => Vec::new(),
    };
    listener.on_event(&Event::Loaded {
        count: set.migrations.len(),
    });

    // `--backend auto` is decided here, so that the choice and its reason can be reported.
    let resolved = migtest_pg::resolve(&config.backend).await;
    if let Some(reason) = &resolved.reason {
        listener.on_event(&Event::BackendChosen {
            backend: backend_name(&resolved.backend).to_owned(),
            reason: reason.clone(),
        });
    }
    listener.on_event(&Event::Booting {
        backend: backend_name(&resolved.backend).to_owned(),
    });
    let server = Server::start(&resolved.backend).await?;
    let info = ServerInfo {
        backend: server.backend_name().to_owned(),
        version: server.version().to_owned(),
        major: server.major(),
    };
    let boot = ms(started);
    listener.on_event(&Event::Booted {
        server: info.clone(),
    });

    let mut report = RunReport::new(info, config.source.display().to_string());
    report.timings.boot = boot;
    for path in &set.ignored_files {
        report.notes.push(Note {
            migration: None,
            message: format!(
                "{} was ignored: sqlx only runs files named <VERSION>_<name>.sql, .up.sql or .down.sql",
                path.display()
            ),
        });
    }
    // The layout and how it was recognised, files the layout's tool skips, renumbered versions.
    for message in &set.notes {
        report.notes.push(Note {
            migration: None,
            message: message.clone(),
        });
    }

    let conn = scratch_database(&server).await?;
    // Snapshots are read over two connections of their own, which the server serves side by
    // side; the migrations run on `conn`.
    let reader = SnapshotReader::connect(
        &server.connect_options(server.database()),
        snapshot_options(config),
    )
    .await
    .map_err(|source| RunError::Snapshot {
        when: "while opening its connections".to_owned(),
        source,
    })?;
    let mut engine = Engine {
        config,
        listener,
        report,
        conn,
        reader,
        ignore,
    };
    engine.prepare(&set).await?;
    let states = engine.stepwise(&set).await?;
    if config.ladder {
        engine.ladder(&set, &states).await?;
    }
    engine.smoke(&server, &smoke_files, states.completed).await;

    let Engine {
        mut report,
        conn,
        reader,
        ..
    } = engine;
    let _ = conn.close().await;
    reader.close().await;
    let kept = config.keep.then(|| server.keep());
    report.timings.total = ms(started);
    Ok(RunOutcome { report, kept })
}

fn backend_name(backend: &migtest_pg::Backend) -> &'static str {
    match backend {
        migtest_pg::Backend::Native(_) => "native",
        migtest_pg::Backend::Url(_) => "url",
        migtest_pg::Backend::Docker(_) => "docker",
        migtest_pg::Backend::Auto(_) => "auto",
    }
}

fn snapshot_options(config: &RunConfig) -> SnapshotOptions {
    SnapshotOptions {
        bookkeeping_table: config.bookkeeping_table.clone(),
    }
}

async fn scratch_database(server: &Server) -> Result<PgConnection, RunError> {
    server
        .connect_options(server.database())
        .connect()
        .await
        .map_err(|source| RunError::Connection {
            doing: "connecting to the scratch database".to_owned(),
            source,
        })
}

/// The schemas the run still needs, not every one it has seen (a long history would hold
/// thousands): `empty` before any migration, `head` after the last one that went up (and its
/// redo), `ladder_base` after the last one the ladder cannot revert. `completed` is false when a
/// failure stopped the walk.
struct States {
    empty: Snapshot,
    head: Option<Snapshot>,
    ladder_base: Option<Snapshot>,
    completed: bool,
}

impl States {
    fn head(&self) -> &Snapshot {
        self.head.as_ref().unwrap_or(&self.empty)
    }
}

/// Whether the ladder must stop above this migration: it has no down it can run.
fn blocks_ladder(migration: &PlannedMigration) -> bool {
    !matches!(migration.down, Down::Script(_)) || !migration.problems.is_empty()
}

struct Engine<'a> {
    config: &'a RunConfig,
    listener: &'a mut dyn Listener,
    report: RunReport,
    conn: PgConnection,
    reader: SnapshotReader,
    ignore: IgnoreRules,
}

/// How a step ended when it did not simply succeed.
enum StepError {
    /// PostgreSQL rejected the migration: a finding.
    Rejected(Box<Finding>),
    /// The tool could not go on.
    Tool(RunError),
}

impl Engine<'_> {
    fn table(&self) -> &str {
        &self.config.bookkeeping_table
    }

    async fn prepare(&mut self, set: &MigrationSet) -> Result<(), RunError> {
        let table = self.config.bookkeeping_table.clone();
        self.conn
            .ensure_migrations_table(&table)
            .await
            .map_err(|source| RunError::Bookkeeping {
                table: table.clone(),
                source,
            })?;
        // The layout's own tool keeps a table of its own, which histories refer to (a trigger on
        // it, a grant): it exists before the first migration, as under that tool.
        if let Some(sql) = set.layout.native_bookkeeping_sql() {
            sqlx::raw_sql(sql)
                .execute(&mut self.conn)
                .await
                .map_err(|source| RunError::Connection {
                    doing: format!("creating {}'s bookkeeping table", set.layout),
                    source,
                })?;
        }
        Ok(())
    }

    async fn snapshot(&mut self, when: &str) -> Result<Snapshot, RunError> {
        let started = Instant::now();
        let snapshot = self
            .reader
            .capture(&mut self.conn)
            .await
            .map_err(|source| RunError::Snapshot {
                when: when.to_owned(),
                source,
            })?;
        self.report.timings.snapshot += ms(started);
        Ok(snapshot)
    }

    /// The differences that are findings; the ignored ones are counted in a note for `check` of
    /// migration `at`.
    fn compare(
        &mut self,
        before: &Snapshot,
        after: &Snapshot,
        at: Option<i64>,
        check: Check,
    ) -> Vec<Difference> {
        let started = Instant::now();
        let (ignored, differences): (Vec<Difference>, Vec<Difference>) = diff(before, after)
            .into_iter()
            .partition(|difference| self.ignore.ignores(difference));
        self.report.timings.compare += ms(started);
        if !ignored.is_empty() {
            let objects: Vec<String> = ignored
                .iter()
                .map(|d| format!("{} ({})", messages::object(d), d.change))
                .collect();
            let count = match ignored.len() {
                1 => "1 schema difference".to_owned(),
                n => format!("{n} schema differences"),
            };
            self.report.notes.push(Note {
                migration: at,
                message: format!(
                    "{}: {count} ignored by --ignore: {}",
                    check.as_str(),
                    objects.join(", ")
                ),
            });
        }
        differences
    }

    async fn apply(
        &mut self,
        migration: &PlannedMigration,
        script: &Script,
        check: Check,
    ) -> Result<(), StepError> {
        let started = Instant::now();
        let table = self.table().to_owned();
        let result = if check == Check::Down
            || (check == Check::Ladder && script.migration.migration_type.is_down_migration())
        {
            self.conn.revert(&table, &script.migration).await
        } else {
            self.conn.apply(&table, &script.migration).await
        };
        self.report.timings.apply += ms(started);
        result
            .map(|_| ())
            .map_err(|error| classify(error, migration, script, check))
    }

    /// Up, down, redo for every migration in order.
    async fn stepwise(&mut self, set: &MigrationSet) -> Result<States, RunError> {
        let empty = self.snapshot("of the empty database").await?;
        let mut states = States {
            empty,
            head: None,
            ladder_base: None,
            completed: true,
        };
        let mut stopped: Option<String> = None;
        for migration in &set.migrations {
            let mut entry = MigrationReport {
                version: migration.version,
                name: migration.description.clone(),
                reversible: matches!(migration.down, Down::Script(_)),
                no_transaction: migration.up.migration.no_tx,
                checks: Vec::new(),
            };
            if let Some(reason) = &stopped {
                for check in [Check::Up, Check::Down, Check::Roundtrip, Check::Redo] {
                    entry.checks.push(skipped(check, reason));
                }
                self.report.migrations.push(entry);
                continue;
            }
            match self.one(migration, states.head(), &mut entry).await? {
                Ok(after) => {
                    if blocks_ladder(migration) {
                        states.ladder_base = Some(after.clone());
                    }
                    states.head = Some(after);
                }
                Err(reason) => {
                    stopped = Some(reason);
                    states.completed = false;
                }
            }
            self.report.migrations.push(entry);
        }
        Ok(states)
    }

    /// One migration's checks. `Ok(Err(reason))` means later migrations cannot run.
    async fn one(
        &mut self,
        migration: &PlannedMigration,
        before: &Snapshot,
        entry: &mut MigrationReport,
    ) -> Result<Result<Snapshot, String>, RunError> {
        let version = migration.version;
        let stop_reason = format!("migration {version} could not be applied");

        // up
        let started = self.begin(migration, Check::Up);
        if let Some(problem) = migration.problem(Side::Up) {
            self.problem_finding(migration, problem, Check::Up);
            self.finish(entry, Check::Up, CheckStatus::Failed, started);
            self.skip_rest(
                entry,
                &[Check::Down, Check::Roundtrip, Check::Redo],
                "the up was not run",
            );
            return Ok(Err(stop_reason));
        }
        match self.apply(migration, &migration.up, Check::Up).await {
            Ok(()) => {}
            Err(StepError::Rejected(finding)) => {
                self.report.push_finding(*finding);
                self.finish(entry, Check::Up, CheckStatus::Failed, started);
                self.skip_rest(
                    entry,
                    &[Check::Down, Check::Roundtrip, Check::Redo],
                    "the up failed",
                );
                return Ok(Err(stop_reason));
            }
            Err(StepError::Tool(error)) => return Err(error),
        }
        let after_up = self
            .snapshot(&format!("after the up of migration {version}"))
            .await?;
        self.finish(entry, Check::Up, CheckStatus::Passed, started);

        // down
        let started = self.begin(migration, Check::Down);
        let down = match &migration.down {
            Down::Script(down) => down,
            Down::None(why) => {
                let status = self.no_down(migration, why);
                self.finish(entry, Check::Down, status, started);
                self.skip_rest(entry, &[Check::Roundtrip, Check::Redo], "no down migration");
                return Ok(Ok(after_up));
            }
        };
        if let Some(problem) = migration.problem(Side::Down) {
            self.problem_finding(migration, problem, Check::Down);
            self.finish(entry, Check::Down, CheckStatus::Failed, started);
            self.skip_rest(
                entry,
                &[Check::Roundtrip, Check::Redo],
                "the down was not run",
            );
            return Ok(Ok(after_up));
        }
        match self.apply(migration, down, Check::Down).await {
            Ok(()) => {}
            Err(StepError::Rejected(finding)) => {
                self.report.push_finding(*finding);
                self.finish(entry, Check::Down, CheckStatus::Failed, started);
                self.skip_rest(entry, &[Check::Roundtrip, Check::Redo], "the down failed");
                // A failed transactional down rolled back to the schema after the up; a failed
                // no-transaction down leaves the database somewhere in between.
                return Ok(if down.migration.no_tx {
                    Err(format!(
                        "the down of migration {version} failed outside a transaction"
                    ))
                } else {
                    Ok(after_up)
                });
            }
            Err(StepError::Tool(error)) => return Err(error),
        }
        self.finish(entry, Check::Down, CheckStatus::Passed, started);

        // roundtrip
        let started = self.begin(migration, Check::Roundtrip);
        let after_down = self
            .snapshot(&format!("after the down of migration {version}"))
            .await?;
        let differences = self.compare(before, &after_down, Some(version), Check::Roundtrip);
        for difference in &differences {
            let mut finding = Finding::new(
                Some((version, &migration.description)),
                Check::Roundtrip,
                messages::roundtrip(difference),
            );
            finding.object = Some(messages::object(difference));
            finding.diff = Some(difference.unified_diff());
            finding.location = Some(file_location(&down.path));
            self.report.push_finding(finding);
        }
        let status = if differences.is_empty() {
            CheckStatus::Passed
        } else {
            CheckStatus::Failed
        };
        self.finish(entry, Check::Roundtrip, status, started);

        // redo
        let started = self.begin(migration, Check::Redo);
        match self.apply(migration, &migration.up, Check::Redo).await {
            Ok(()) => {}
            Err(StepError::Rejected(finding)) => {
                self.report.push_finding(*finding);
                self.finish(entry, Check::Redo, CheckStatus::Failed, started);
                return Ok(Err(format!(
                    "migration {version} could not be re-applied after its down"
                )));
            }
            Err(StepError::Tool(error)) => return Err(error),
        }
        let after_redo = self
            .snapshot(&format!("after re-applying migration {version}"))
            .await?;
        let differences = self.compare(&after_up, &after_redo, Some(version), Check::Redo);
        for difference in &differences {
            let mut finding = Finding::new(
                Some((version, &migration.description)),
                Check::Redo,
                messages::redo(difference),
            );
            finding.object = Some(messages::object(difference));
            finding.diff = Some(difference.unified_diff());
            finding.location = Some(file_location(&migration.up.path));
            self.report.push_finding(finding);
        }
        let status = if differences.is_empty() {
            CheckStatus::Passed
        } else {
            CheckStatus::Failed
        };
        self.finish(entry, Check::Redo, status, started);
        Ok(Ok(after_redo))
    }

    fn no_down(&mut self, migration: &PlannedMigration, why: &NoDown) -> CheckStatus {
        let id = Some((migration.version, migration.description.as_str()));
        match why {
            NoDown::Simple if self.config.allow_irreversible => {
                self.report.notes.push(Note {
                    migration: Some(migration.version),
                    message: "irreversible (no down migration), accepted with --allow-irreversible"
                        .to_owned(),
                });
                CheckStatus::Skipped {
                    reason: "irreversible, allowed".to_owned(),
                }
            }
            NoDown::Simple => {
                let mut finding = Finding::new(id, Check::Down, migration.irreversible_message());
                finding.location = Some(file_location(&migration.up.path));
                self.report.push_finding(finding);
                CheckStatus::Failed
            }
            NoDown::MissingDownFile { expected } => {
                let mut finding = Finding::new(
                    id,
                    Check::Down,
                    format!(
                        "{} has no down file: create {}",
                        migration.up.path.display(),
                        expected.display()
                    ),
                );
                finding.location = Some(file_location(&migration.up.path));
                self.report.push_finding(finding);
                CheckStatus::Failed
            }
        }
    }

    fn problem_finding(&mut self, migration: &PlannedMigration, problem: &Problem, check: Check) {
        let mut finding = Finding::new(
            Some((migration.version, &migration.description)),
            check,
            problem.message.clone(),
        );
        finding.location = Some(Location {
            file: problem.path.display().to_string(),
            line: problem.line.unwrap_or(1),
            column: None,
            source_line: None,
        });
        self.report.push_finding(finding);
    }

    fn begin(&mut self, migration: &PlannedMigration, check: Check) -> Instant {
        self.listener.on_event(&Event::CheckStarted {
            version: migration.version,
            name: migration.description.clone(),
            check,
        });
        Instant::now()
    }

    fn finish(
        &mut self,
        entry: &mut MigrationReport,
        check: Check,
        status: CheckStatus,
        started: Instant,
    ) {
        self.listener.on_event(&Event::CheckFinished {
            version: entry.version,
            check,
            status: status.clone(),
        });
        entry.checks.push(CheckOutcome {
            check,
            status,
            millis: ms(started),
        });
    }

    fn skip_rest(&mut self, entry: &mut MigrationReport, checks: &[Check], reason: &str) {
        for check in checks {
            let outcome = skipped(*check, reason);
            self.listener.on_event(&Event::CheckFinished {
                version: entry.version,
                check: *check,
                status: outcome.status.clone(),
            });
            entry.checks.push(outcome);
        }
    }

    /// Reverts every migration above the highest one that cannot be reverted, compares with the
    /// schema before them, re-applies them all and compares with the head schema.
    async fn ladder(&mut self, set: &MigrationSet, states: &States) -> Result<(), RunError> {
        if !states.completed {
            self.report.ladder = Some(CheckStatus::Skipped {
                reason: "the stepwise run stopped early".to_owned(),
            });
            return Ok(());
        }
        // The ladder can only descend to just above the last migration that has no usable down.
        let floor = set
            .migrations
            .iter()
            .rposition(blocks_ladder)
            .map_or(0, |i| i + 1);
        let rungs = &set.migrations[floor..];
        self.listener
            .on_event(&Event::LadderStarted { steps: rungs.len() });
        if let Some(blocker) = floor.checked_sub(1).map(|i| &set.migrations[i]) {
            self.report.notes.push(Note {
                migration: Some(blocker.version),
                message: format!(
                    "the ladder stops above migration {}: it cannot be reverted",
                    blocker.version
                ),
            });
        }
        let base = states.ladder_base.as_ref().unwrap_or(&states.empty);
        let head = states.head();
        let mut failed = false;

        for migration in rungs.iter().rev() {
            let Down::Script(down) = &migration.down else {
                unreachable!("the floor is above every migration without a down")
            };
            if let Err(error) = self.apply(migration, down, Check::Ladder).await {
                match error {
                    StepError::Rejected(finding) => self.report.push_finding(*finding),
                    StepError::Tool(error) => return Err(error),
                }
                self.report.ladder = Some(CheckStatus::Failed);
                return Ok(());
            }
        }
        let bottom = self.snapshot("after reverting every migration").await?;
        let stage = if floor == 0 {
            "after reverting every migration".to_owned()
        } else {
            format!(
                "after reverting down to migration {}",
                set.migrations[floor - 1].version
            )
        };
        failed |= self.ladder_findings(&stage, base, &bottom, rungs.first());

        for migration in rungs {
            if let Err(error) = self.apply(migration, &migration.up, Check::Ladder).await {
                match error {
                    StepError::Rejected(finding) => self.report.push_finding(*finding),
                    StepError::Tool(error) => return Err(error),
                }
                self.report.ladder = Some(CheckStatus::Failed);
                return Ok(());
            }
        }
        let top = self.snapshot("after re-applying every migration").await?;
        failed |= self.ladder_findings(
            "after re-applying every migration",
            head,
            &top,
            rungs.last(),
        );
        self.report.ladder = Some(if failed {
            CheckStatus::Failed
        } else {
            CheckStatus::Passed
        });
        Ok(())
    }

    fn ladder_findings(
        &mut self,
        stage: &str,
        expected: &Snapshot,
        actual: &Snapshot,
        at: Option<&PlannedMigration>,
    ) -> bool {
        let differences = self.compare(expected, actual, at.map(|m| m.version), Check::Ladder);
        for difference in &differences {
            let mut finding = Finding::new(
                at.map(|m| (m.version, m.description.as_str())),
                Check::Ladder,
                messages::ladder(stage, difference),
            );
            finding.object = Some(messages::object(difference));
            finding.diff = Some(difference.unified_diff());
            self.report.push_finding(finding);
        }
        !differences.is_empty()
    }

    async fn smoke(&mut self, server: &Server, files: &[std::path::PathBuf], at_head: bool) {
        if files.is_empty() {
            return;
        }
        if !at_head {
            self.report.notes.push(Note {
                migration: None,
                message: "smoke evals were not run: the database never reached the last migration"
                    .to_owned(),
            });
            return;
        }
        let started = Instant::now();
        let options = server.connect_options(server.database());
        for file in files {
            let name = file.display().to_string();
            self.listener
                .on_event(&Event::SmokeStarted { file: name.clone() });
            let outcome = migtest_smoke::run_file(&options, file).await;
            let passed = outcome.failure.is_none();
            if let Some(failure) = outcome.failure {
                let mut finding =
                    Finding::new(None, Check::Smoke, failure.message.trim_end().to_owned());
                finding.location = Some(Location {
                    file: name.clone(),
                    line: failure.line,
                    column: None,
                    source_line: None,
                });
                self.report.push_finding(finding);
            }
            self.listener.on_event(&Event::SmokeFinished {
                file: name.clone(),
                passed,
            });
            self.report.smoke.push(SmokeReport { file: name, passed });
        }
        self.report.timings.smoke += ms(started);
    }
}

fn skipped(check: Check, reason: &str) -> CheckOutcome {
    CheckOutcome {
        check,
        status: CheckStatus::Skipped {
            reason: reason.to_owned(),
        },
        millis: 0.0,
    }
}

fn file_location(path: &Path) -> Location {
    Location {
        file: path.display().to_string(),
        line: 1,
        column: None,
        source_line: None,
    }
}

/// Turns sqlx's error into a finding when PostgreSQL rejected the SQL, and into a tool error
/// when the connection itself failed.
fn classify(
    error: MigrateError,
    migration: &PlannedMigration,
    script: &Script,
    check: Check,
) -> StepError {
    let sqlx_error = match error {
        MigrateError::ExecuteMigration(e, _) | MigrateError::Execute(e) => e,
        other => {
            let mut finding = Finding::new(
                Some((migration.version, &migration.description)),
                check,
                other.to_string(),
            );
            finding.location = Some(file_location(&script.path));
            return StepError::Rejected(Box::new(finding));
        }
    };
    let sqlx::Error::Database(database_error) = &sqlx_error else {
        return StepError::Tool(RunError::Connection {
            doing: format!("running {}", script.path.display()),
            source: sqlx_error,
        });
    };
    let Some(pg) = database_error.try_downcast_ref::<PgDatabaseError>() else {
        return StepError::Tool(RunError::Connection {
            doing: format!("running {}", script.path.display()),
            source: sqlx_error,
        });
    };
    let what = match check {
        Check::Up => "the up failed",
        Check::Down => "the down failed",
        Check::Redo => "re-applying the up after the down failed",
        _ if script.migration.migration_type.is_down_migration() => {
            "the down failed during the ladder"
        }
        _ => "re-applying the up failed during the ladder",
    };
    let mut finding = Finding::new(
        Some((migration.version, &migration.description)),
        check,
        format!("{what}: {}", pg.message()),
    );
    finding.error = Some(PgErrorInfo {
        sqlstate: pg.code().to_owned(),
        message: pg.message().to_owned(),
        detail: pg.detail().map(str::to_owned),
        hint: pg.hint().map(str::to_owned),
    });
    let position = match pg.position() {
        Some(PgErrorPosition::Original(position)) => script.locate(position),
        _ => None,
    };
    finding.location = Some(match position {
        Some(p) => Location {
            file: script.path.display().to_string(),
            line: p.line,
            column: Some(p.column),
            source_line: Some(p.line_text),
        },
        None => file_location(&script.path),
    });
    StepError::Rejected(Box::new(finding))
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}
