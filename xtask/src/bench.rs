//! `cargo xtask bench`: how fast the tool is against the floor (the same SQL with no checks) and
//! against the pg_dump loop a team would write by hand. Generates the histories, runs the
//! measurements, and writes `target/bench/results.json` and `docs/benchmarks.md`.

mod child;
mod generate;
mod measure;
mod report;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail, ensure};
use migtest_runner::pg::{self, PgBinaries};
use xshell::{Shell, cmd};

use crate::flags::Bench;
use migtest_runner::Backend;
use report::{
    HistoryResult, MatrixResult, MemoryResult, ReadyResult, Results, SnapshotByHistory,
    SnapshotBySize, Stat, ToolResult,
};

const DEFAULT_SIZES: [u32; 3] = [10, 100, 1000];
const QUICK_SIZES: [u32; 2] = [10, 100];
/// Schema sizes, in tables, at which the snapshot is timed.
const SNAPSHOT_TABLES: [usize; 3] = [10, 100, 500];
/// From this many migrations on, the pg_dump loop runs `--slow-reps` times.
const SLOW_SIZE: u32 = 1000;

/// What one invocation measures, resolved from the flags.
struct Plan {
    sizes: Vec<u32>,
    reps: u32,
    slow_reps: u32,
    captures: usize,
    quick: bool,
    binaries: PgBinaries,
}

impl Bench {
    pub fn run(self, sh: &Shell, root: &Path) -> anyhow::Result<()> {
        sh.change_dir(root);
        let out = root.join("target/bench");
        if self.from_results {
            let path = out.join("results.json");
            let json = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let mut results: Results = serde_json::from_str(&json)
                .with_context(|| format!("reading {}", path.display()))?;
            results.evaluate_targets();
            std::fs::write(root.join("docs/benchmarks.md"), report::markdown(&results))?;
            print!("{}", report::summary(&results));
            eprintln!("bench: wrote docs/benchmarks.md from target/bench/results.json");
            return Ok(());
        }
        if cfg!(debug_assertions) && !self.as_built {
            return rerun_in_release(sh);
        }
        let plan = self.plan()?;
        let started = Instant::now();
        eprintln!(
            "bench: PostgreSQL {}, {} repetition(s), histories of {} migrations, {} build",
            plan.binaries.version,
            plan.reps,
            plan.sizes
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            profile()
        );

        let mut histories = Vec::new();
        for &size in &plan.sizes {
            let dir = PathBuf::from(format!("target/bench/histories/{size}"));
            generate::write(&root.join(&dir), &generate::history(size as usize))
                .with_context(|| format!("writing {}", dir.display()))?;
            let set = migtest_migrations::load(&dir)
                .with_context(|| format!("loading {}", dir.display()))?;
            histories.push((size, dir, set));
        }

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        // On SIGINT or SIGTERM the measurements are dropped where they stand: the servers they
        // started stop and their files go, and a `migrate-test` child gets the signal passed on
        // and is waited for.
        let measured =
            runtime.block_on(unless_interrupted(measure_all(sh, &plan, &histories, root)));
        drop(runtime);
        let mut results = measured.ok_or(Interrupted::Measuring)??;
        results.commit = git(sh, &["rev-parse", "--short=12", "HEAD"]);
        results.dirty = git(sh, &["status", "--porcelain", "--untracked-files=no"])
            .is_some_and(|s| !s.is_empty());
        results.evaluate_targets();

        std::fs::create_dir_all(&out)?;
        let json = serde_json::to_string_pretty(&results)? + "\n";
        std::fs::write(out.join("results.json"), &json)?;
        if let Some(commit) = &results.commit {
            std::fs::write(out.join(format!("results-{commit}.json")), &json)?;
        }
        let markdown = report::markdown(&results);
        std::fs::write(out.join("benchmarks.md"), &markdown)?;
        if !plan.quick {
            std::fs::write(root.join("docs/benchmarks.md"), &markdown)?;
        }
        print!("{}", report::summary(&results));
        eprintln!(
            "bench: done in {:.0} s; wrote target/bench/results.json{}",
            started.elapsed().as_secs_f64(),
            if plan.quick {
                " and target/bench/benchmarks.md"
            } else {
                " and docs/benchmarks.md"
            }
        );
        Ok(())
    }

    fn plan(&self) -> anyhow::Result<Plan> {
        let sizes = match (self.quick, self.sizes.is_empty()) {
            (true, _) => QUICK_SIZES.to_vec(),
            (false, true) => DEFAULT_SIZES.to_vec(),
            (false, false) => {
                let mut sizes = self.sizes.clone();
                sizes.sort_unstable();
                sizes.dedup();
                sizes
            }
        };
        let reps = if self.quick { 1 } else { self.reps };
        let cache = pg::default_cache_dir().map(|c| c.join("pg"));
        let binaries = pg::discover(self.pg_bin.as_deref(), self.pg, cache.as_deref())
            .context("finding PostgreSQL server binaries")?;
        Ok(Plan {
            sizes,
            reps,
            slow_reps: self.slow_reps.unwrap_or(reps.min(2)).min(reps),
            captures: if self.quick { 5 } else { 15 },
            quick: self.quick,
            binaries,
        })
    }
}

/// The bench was stopped by SIGINT or SIGTERM before it finished; it wrote no results.
#[derive(Debug)]
pub enum Interrupted {
    /// While measuring: its servers were stopped.
    Measuring,
    /// While the bench re-run in release measured; that one said what it stopped.
    InRelease,
}

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Measuring => f.write_str(
                "interrupted: the benchmark's servers were stopped and their files removed",
            ),
            Self::InRelease => f.write_str("interrupted"),
        }
    }
}

impl std::error::Error for Interrupted {}

/// `work`'s result, or `None` when SIGINT or SIGTERM came first; `work` is then dropped where it
/// stands, which stops what it started.
async fn unless_interrupted<T>(work: impl Future<Output = T>) -> Option<T> {
    tokio::select! {
        result = work => Some(result),
        () = migtest_cli::interrupted() => None,
    }
}

async fn measure_all(
    sh: &Shell,
    plan: &Plan,
    histories: &[(u32, PathBuf, migtest_migrations::MigrationSet)],
    root: &Path,
) -> anyhow::Result<Results> {
    let mut results = measure_in_process(sh, plan, histories).await?;
    results.memory = measure_memory(sh, plan, histories).await?;
    results.matrix = measure_matrix(sh, plan, root).await?;
    Ok(results)
}

/// A debug build's numbers say little about the tool: build and run this command in release.
fn rerun_in_release(sh: &Shell) -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let args: Vec<String> = std::env::args().skip(1).collect();
    eprintln!(
        "bench: measuring optimised code: cargo run --release --package xtask -- {}",
        args.join(" ")
    );
    let rerun = cmd!(
        sh,
        "{cargo} run --release --quiet --package xtask -- {args...}"
    );
    // `cargo run` replaces itself with the program, so a signal passed on reaches the bench.
    let status = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(unless_interrupted(child::status(rerun)))
        .ok_or(Interrupted::InRelease)??;
    match status.code() {
        Some(0) => Ok(()),
        Some(130) => Err(Interrupted::InRelease.into()),
        _ => bail!("the bench in release ended with {status}"),
    }
}

fn profile() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
}

async fn measure_in_process(
    sh: &Shell,
    plan: &Plan,
    histories: &[(u32, PathBuf, migtest_migrations::MigrationSet)],
) -> anyhow::Result<Results> {
    let mut lab = measure::Lab::start(&plan.binaries).await?;
    let orders = histories
        .iter()
        .map(|(_, _, set)| measure::engine_order(set))
        .collect::<anyhow::Result<Vec<_>>>()?;

    // One unrecorded round of the smallest history warms the page cache and the binaries.
    if let (Some((_, dir, _)), Some(order)) = (histories.first(), orders.first()) {
        let (_, database) = lab.floor(order).await?;
        lab.drop_database(database).await?;
        measure::tool(dir, &plan.binaries).await?;
    }

    let mut samples: Vec<Samples> = histories.iter().map(|_| Samples::default()).collect();
    let mut by_history = Vec::new();
    for rep in 0..plan.reps {
        for (i, (size, dir, set)) in histories.iter().enumerate() {
            let s = &mut samples[i];
            let (floor, database) = lab.floor(&orders[i]).await?;
            s.floor.push(floor);
            if rep == 0 {
                // The floor left the database at head after every migration went up, down and up
                // twice: the catalogs have seen all the churn the tool's run causes.
                let fresh = lab.apply_ups(&generate::history(*size as usize)).await?;
                let mut captured = lab
                    .captures(&[&database, &fresh], plan.captures)
                    .await?
                    .into_iter();
                let ((after_churn, tables), (no_churn, fresh_tables)) = (
                    captured.next().unwrap_or_default(),
                    captured.next().unwrap_or_default(),
                );
                ensure!(
                    tables == fresh_tables,
                    "{tables} tables after the churn, {fresh_tables} fresh"
                );
                lab.drop_database(fresh).await?;
                s.tables = tables;
                by_history.push(SnapshotByHistory {
                    migrations: *size,
                    tables,
                    after_churn: Stat::of(after_churn),
                    fresh: Stat::of(no_churn),
                });
            }
            lab.drop_database(database).await?;
            s.sqlx_floor.push(lab.sqlx_floor(&orders[i]).await?);

            let tool = measure::tool(dir, &plan.binaries).await?;
            ensure!(
                tool.report.migrations.len() == set.migrations.len(),
                "the engine ran {} migrations of {}",
                tool.report.migrations.len(),
                set.migrations.len()
            );
            let t = &tool.report.timings;
            s.tool_wall.push(tool.wall);
            s.boot.push(t.boot);
            s.total.push(t.total);
            s.apply.push(t.apply);
            s.snapshot.push(t.snapshot);
            s.compare.push(t.compare);
            s.smoke.push(t.smoke);

            let dumped = if rep < reps_of_pg_dump(plan, *size) {
                let dumped = lab.pg_dump_loop(sh, set).await?;
                s.pg_dump.push(dumped.millis);
                s.dumps = dumped.dumps;
                s.mismatches = s.mismatches.max(dumped.mismatches);
                format!(", pg_dump loop {}", report::seconds(dumped.millis))
            } else {
                String::new()
            };
            eprintln!(
                "bench: rep {}/{}, {size} migrations: floor {}, through sqlx {}, tool {} (boot {}, snapshots {}){dumped}",
                rep + 1,
                plan.reps,
                report::seconds(floor),
                report::seconds(s.sqlx_floor.last().copied().unwrap_or_default()),
                report::seconds(t.total - t.boot),
                report::seconds(t.boot),
                report::seconds(t.snapshot),
            );
        }
    }

    let mut by_size = Vec::new();
    for tables in SNAPSHOT_TABLES {
        let migrations = generate::history_with_tables(tables);
        let database = lab.apply_ups(&migrations).await?;
        let (captures, counted) = lab
            .captures(&[&database], plan.captures)
            .await?
            .pop()
            .unwrap_or_default();
        lab.settle(&database).await?;
        let (settled, _) = lab
            .captures(&[&database], plan.captures)
            .await?
            .pop()
            .unwrap_or_default();
        lab.drop_database(database).await?;
        ensure!(
            counted == tables,
            "the schema of {tables} tables has {counted}"
        );
        eprintln!(
            "bench: snapshot of {tables} tables: {}, settled {}",
            report::millis(Stat::of(captures.clone()).median),
            report::millis(Stat::of(settled.clone()).median)
        );
        by_size.push(SnapshotBySize {
            tables,
            migrations: migrations.len(),
            capture: Stat::of(captures),
            settled: Some(Stat::of(settled)),
        });
    }

    let (mut initdb, mut template) = (Vec::new(), Vec::new());
    for _ in 0..plan.reps {
        initdb.push(measure::cluster_ready(&plan.binaries, true).await?);
        template.push(measure::cluster_ready(&plan.binaries, false).await?);
    }
    eprintln!(
        "bench: cluster ready: initdb {}, template {}",
        report::millis(Stat::of(initdb.clone()).median),
        report::millis(Stat::of(template.clone()).median)
    );

    let by_backend = ready_by_backend(plan).await?;

    let histories = histories
        .iter()
        .zip(samples)
        .map(|((size, _, set), s)| s.into_result(*size, set.migrations.len()))
        .collect();
    Ok(Results {
        format_version: report::RESULTS_FORMAT_VERSION,
        commit: None,
        dirty: false,
        profile: profile().to_owned(),
        cores: std::thread::available_parallelism().map_or(0, usize::from),
        postgres: lab.version().to_owned(),
        reps: plan.reps,
        histories,
        memory: Vec::new(),
        cluster: report::ClusterResult {
            initdb: Stat::of(initdb),
            template: Stat::of(template),
            by_backend,
        },
        matrix: None,
        snapshot_by_size: by_size,
        snapshot_by_history: by_history,
        targets: Vec::new(),
    })
}

/// Ready time of every major on this machine from its cached template, and of a container for
/// every major whose image the Docker engine has (the image `--backend docker` would pick).
async fn ready_by_backend(plan: &Plan) -> anyhow::Result<Vec<ReadyResult>> {
    let cache = pg::default_cache_dir().map(|c| c.join("pg"));
    let mut natives = pg::available(cache.as_deref());
    natives.sort_by_key(|b| b.major);
    natives.dedup_by_key(|b| b.major);
    let mut results = Vec::new();
    for binaries in &natives {
        let backend = measure::native(binaries, false);
        // One unrecorded start refreshes the major's template if it has none yet.
        measure::server_ready(&backend).await?;
        let mut samples = Vec::new();
        for _ in 0..plan.reps {
            samples.push(measure::server_ready(&backend).await?.0);
        }
        eprintln!(
            "bench: ready, native {}: {}",
            binaries.version,
            report::millis(Stat::of(samples.clone()).median)
        );
        results.push(ReadyResult {
            backend: "native".to_owned(),
            major: binaries.major,
            version: binaries.version.clone(),
            image: String::new(),
            ready: Stat::of(samples),
        });
    }
    for major in natives.iter().map(|b| b.major) {
        let Some(image) = [pg::official_image(major), pg::local_image(major)]
            .into_iter()
            .find(|tag| matches!(pg::image_id(tag), Ok(Some(_))))
        else {
            continue;
        };
        let backend = Backend::Docker(pg::DockerOptions {
            image: Some(image.clone()),
            major: Some(major),
        });
        let mut samples = Vec::new();
        let mut version = String::new();
        for _ in 0..plan.reps {
            let (millis, v) = measure::server_ready(&backend).await?;
            samples.push(millis);
            version = v;
        }
        eprintln!(
            "bench: ready, container {image}: {}",
            report::millis(Stat::of(samples.clone()).median)
        );
        results.push(ReadyResult {
            backend: "docker".to_owned(),
            major,
            version,
            image,
            ready: Stat::of(samples),
        });
    }
    Ok(results)
}

/// Wall time of `cargo xtask migrate-test --ladder` on this workspace's migrations as its own
/// process: one major, then every major of the machine in one invocation. `None` when the
/// machine has a single major.
async fn measure_matrix(
    sh: &Shell,
    plan: &Plan,
    root: &Path,
) -> anyhow::Result<Option<MatrixResult>> {
    let majors = pg::available_majors();
    if majors.len() < 2 {
        eprintln!("bench: one PostgreSQL major on this machine; no matrix to measure");
        return Ok(None);
    }
    let exe = std::env::current_exe()?;
    let one_major = plan.binaries.major;
    let jobs = std::thread::available_parallelism().map_or(2, usize::from);
    let source = root.join("migrations");
    let migrations = migtest_migrations::load(&source)
        .with_context(|| format!("loading {}", source.display()))?
        .migrations
        .len();
    let run = async |pg: &str| -> anyhow::Result<f64> {
        let started = Instant::now();
        let output = child::output(cmd!(
            sh,
            "{exe} migrate-test --backend native --pg {pg} --ladder --format json"
        ))
        .await?;
        let wall = started.elapsed().as_secs_f64() * 1000.0;
        ensure!(
            output.status.success(),
            "migrate-test --pg {pg} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        Ok(wall)
    };
    let (mut one, mut all) = (Vec::new(), Vec::new());
    for _ in 0..plan.reps {
        one.push(run(&one_major.to_string()).await?);
        all.push(run("all").await?);
    }
    eprintln!(
        "bench: matrix of {} majors {}, one major {}",
        majors.len(),
        report::seconds(Stat::of(all.clone()).median),
        report::seconds(Stat::of(one.clone()).median)
    );
    Ok(Some(MatrixResult {
        majors,
        jobs,
        one_major,
        migrations,
        one: Stat::of(one),
        all: Stat::of(all),
    }))
}

fn reps_of_pg_dump(plan: &Plan, size: u32) -> u32 {
    if size >= SLOW_SIZE {
        plan.slow_reps
    } else {
        plan.reps
    }
}

/// The samples of one history size, one per repetition.
#[derive(Default)]
struct Samples {
    floor: Vec<f64>,
    sqlx_floor: Vec<f64>,
    tool_wall: Vec<f64>,
    boot: Vec<f64>,
    total: Vec<f64>,
    apply: Vec<f64>,
    snapshot: Vec<f64>,
    compare: Vec<f64>,
    smoke: Vec<f64>,
    pg_dump: Vec<f64>,
    dumps: usize,
    mismatches: usize,
    tables: usize,
}

impl Samples {
    fn into_result(self, size: u32, migrations: usize) -> HistoryResult {
        let without_boot: Vec<f64> = self
            .total
            .iter()
            .zip(&self.boot)
            .map(|(t, b)| t - b)
            .collect();
        let other: Vec<f64> = (0..self.total.len())
            .map(|i| {
                without_boot[i] - self.apply[i] - self.snapshot[i] - self.compare[i] - self.smoke[i]
            })
            .collect();
        // One snapshot of the empty database, three per migration, two for the ladder.
        let snapshots = 3 * migrations + 3;
        let per_snapshot: Vec<f64> = self.snapshot.iter().map(|s| s / snapshots as f64).collect();
        let overhead: Vec<f64> = without_boot
            .iter()
            .zip(&self.floor)
            .map(|(t, f)| t / f)
            .collect();
        let speedup: Vec<f64> = self
            .pg_dump
            .iter()
            .zip(&without_boot)
            .map(|(d, t)| d / t)
            .collect();
        HistoryResult {
            migrations: size,
            tables: self.tables,
            scripts_run: 5 * migrations,
            floor: Stat::of(self.floor),
            sqlx_floor: Stat::of(self.sqlx_floor),
            tool: ToolResult {
                wall: Stat::of(self.tool_wall),
                total: Stat::of(self.total),
                boot: Stat::of(self.boot),
                without_boot: Stat::of(without_boot),
                apply: Stat::of(self.apply),
                snapshot: Stat::of(self.snapshot),
                compare: Stat::of(self.compare),
                smoke: Stat::of(self.smoke),
                other: Stat::of(other),
                snapshots,
                per_snapshot: Stat::of(per_snapshot),
            },
            pg_dump: (!self.pg_dump.is_empty()).then(|| report::PgDumpResult {
                wall: Stat::of(self.pg_dump.clone()),
                dumps: self.dumps,
                per_dump: Stat::of(self.pg_dump.iter().map(|d| d / self.dumps as f64).collect()),
                mismatches: self.mismatches,
            }),
            overhead: Stat::of(overhead),
            speedup: (!speedup.is_empty()).then(|| Stat::of(speedup)),
        }
    }
}

/// Peak memory of `cargo xtask migrate-test` as its own process: this very binary, with the
/// same server binaries, printing its `VmHWM` at exit.
async fn measure_memory(
    sh: &Shell,
    plan: &Plan,
    histories: &[(u32, PathBuf, migtest_migrations::MigrationSet)],
) -> anyhow::Result<Vec<MemoryResult>> {
    let exe = std::env::current_exe()?;
    let mut results = Vec::new();
    for (size, dir, _) in histories {
        let started = Instant::now();
        let output = child::output(
            cmd!(
                sh,
                "{exe} migrate-test --backend native --source {dir} --ladder --no-smoke --format json"
            )
            .env(crate::PEAK_RSS_ENV, "1")
            .env("PG_BIN", &plan.binaries.bin_dir),
        )
        .await?;
        let wall = started.elapsed().as_secs_f64() * 1000.0;
        let stderr = String::from_utf8_lossy(&output.stderr);
        ensure!(
            output.status.success(),
            "migrate-test on {} failed ({}):\n{stderr}",
            dir.display(),
            output.status
        );
        let kib: u64 = stderr
            .lines()
            .find_map(|l| l.strip_prefix("peak-rss-kib: "))
            .context("migrate-test did not print its peak memory")?
            .trim()
            .parse()?;
        let report: serde_json::Value =
            serde_json::from_slice(&output.stdout).context("reading migrate-test's JSON report")?;
        ensure!(
            report["ok"] == serde_json::Value::Bool(true),
            "migrate-test reported findings on {}",
            dir.display()
        );
        eprintln!(
            "bench: migrate-test process, {size} migrations: peak RSS {:.1} MB, {}",
            kib as f64 * 1024.0 / 1e6,
            report::seconds(wall)
        );
        results.push(MemoryResult {
            migrations: *size,
            peak_rss_bytes: kib * 1024,
            wall,
        });
    }
    Ok(results)
}

fn git(sh: &Shell, args: &[&str]) -> Option<String> {
    cmd!(sh, "git {args...}")
        .quiet()
        .ignore_stderr()
        .read()
        .ok()
        .map(|s| s.trim().to_owned())
}
