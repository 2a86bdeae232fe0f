//! The benchmark's results: medians with min and max, the targets and whether they are met, and
//! their two renderings, `target/bench/results.json` and `docs/benchmarks.md`.

use std::fmt::Write;

use serde::{Deserialize, Serialize};

/// Bumped when a field of `results.json` changes meaning or disappears.
pub const RESULTS_FORMAT_VERSION: u32 = 1;

/// A measurement repeated: the median, quoted with the extremes, and every sample.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stat {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub samples: Vec<f64>,
}

impl Stat {
    pub fn of(samples: Vec<f64>) -> Stat {
        let mut sorted = samples.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = match n {
            0 => f64::NAN,
            _ if n % 2 == 1 => sorted[n / 2],
            _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        };
        Stat {
            median,
            min: sorted.first().copied().unwrap_or(f64::NAN),
            max: sorted.last().copied().unwrap_or(f64::NAN),
            samples,
        }
    }
}

/// Everything one `cargo xtask bench` measured. Times are in milliseconds.
#[derive(Debug, Serialize, Deserialize)]
pub struct Results {
    pub format_version: u32,
    pub commit: Option<String>,
    /// Whether tracked files differed from the commit.
    pub dirty: bool,
    pub profile: String,
    pub cores: usize,
    pub postgres: String,
    pub reps: u32,
    pub histories: Vec<HistoryResult>,
    pub memory: Vec<MemoryResult>,
    pub cluster: ClusterResult,
    #[serde(default)]
    pub matrix: Option<MatrixResult>,
    pub snapshot_by_size: Vec<SnapshotBySize>,
    pub snapshot_by_history: Vec<SnapshotByHistory>,
    pub targets: Vec<Target>,
}

/// One history size: the three contenders side by side.
#[derive(Debug, Serialize, Deserialize)]
pub struct HistoryResult {
    pub migrations: u32,
    /// Tables in the schema at head.
    pub tables: usize,
    /// Migration files executed by each contender: up, down, redo, and the ladder's down and up.
    pub scripts_run: usize,
    pub floor: Stat,
    /// The floor's scripts through sqlx's `Migrate::apply`/`revert`, bookkeeping included, no
    /// snapshots.
    pub sqlx_floor: Stat,
    pub tool: ToolResult,
    pub pg_dump: Option<PgDumpResult>,
    /// The tool's time without the cluster start over the floor's, per repetition.
    pub overhead: Stat,
    /// The pg_dump loop's time over the tool's without the cluster start, per repetition.
    pub speedup: Option<Stat>,
}

/// The engine's own phase timings (`RunReport.timings`) and the wall time around the call.
#[derive(Debug, Serialize, Deserialize)]
pub struct ToolResult {
    pub wall: Stat,
    pub total: Stat,
    pub boot: Stat,
    pub without_boot: Stat,
    pub apply: Stat,
    pub snapshot: Stat,
    pub compare: Stat,
    pub smoke: Stat,
    /// Everything else inside `total - boot`: bookkeeping table, connection, clones, events.
    pub other: Stat,
    pub snapshots: usize,
    pub per_snapshot: Stat,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PgDumpResult {
    pub wall: Stat,
    pub dumps: usize,
    pub per_dump: Stat,
    /// Comparisons that differed in any repetition (0: the loop agrees with the tool).
    pub mismatches: usize,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct MemoryResult {
    pub migrations: u32,
    pub peak_rss_bytes: u64,
    pub wall: f64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ClusterResult {
    pub initdb: Stat,
    pub template: Stat,
    /// Every major on this machine, natively from its cached template, and in a container for
    /// each major whose image is present.
    #[serde(default)]
    pub by_backend: Vec<ReadyResult>,
}

/// Start to a server ready for the migrations (scratch database created), one backend and major.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReadyResult {
    /// `native` or `docker`.
    pub backend: String,
    pub major: u32,
    pub version: String,
    /// The image, for a container; empty for a native cluster.
    #[serde(default)]
    pub image: String,
    pub ready: Stat,
}

/// `cargo xtask migrate-test --ladder` on the workspace's own migrations, as a process: every
/// major of the machine in one invocation against one major.
#[derive(Debug, Serialize, Deserialize)]
pub struct MatrixResult {
    pub majors: Vec<u32>,
    pub jobs: usize,
    pub one_major: u32,
    pub migrations: usize,
    pub one: Stat,
    pub all: Stat,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SnapshotBySize {
    pub tables: usize,
    /// Migrations of the generated history that built the schema.
    pub migrations: usize,
    /// Right after the history built the schema, while autovacuum may be making its first pass
    /// over the new catalog rows, as during the engine's run.
    pub capture: Stat,
    /// The same schema after `VACUUM (ANALYZE)`: nothing else runs on the server meanwhile.
    #[serde(default)]
    pub settled: Option<Stat>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SnapshotByHistory {
    pub migrations: u32,
    pub tables: usize,
    /// At head after every migration went up, down, up, and the ladder.
    pub after_churn: Stat,
    /// The same schema from each up applied once into a new database.
    pub fresh: Stat,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Target {
    pub what: String,
    pub limit: String,
    pub measured: String,
    /// `None` when this run did not measure it.
    pub met: Option<bool>,
    /// How far from the limit, in words.
    pub margin: String,
}

const OVERHEAD_LIMIT: f64 = 1.5;
const SPEEDUP_LIMIT: f64 = 4.0;
const SNAPSHOT_LIMIT_MS: f64 = 10.0;
const SNAPSHOT_TABLES: usize = 100;
/// A large schema, and the snapshot time it must stay well under.
const LARGE_SNAPSHOT_LIMIT_MS: f64 = 100.0;
const LARGE_SNAPSHOT_TABLES: usize = 500;
/// The capture at head after a history's churn may be this much slower than on a fresh
/// database of the same schema before we call it growth rather than noise.
const CHURN_LIMIT: f64 = 1.25;
const MEMORY_LIMIT_BYTES: f64 = 100e6;
const MEMORY_SIZE: u32 = 1000;

impl Results {
    pub fn evaluate_targets(&mut self) {
        let mut targets = Vec::new();
        for size in [100, 1000] {
            let history = self.histories.iter().find(|h| h.migrations == size);
            targets.push(at_most(
                format!("tool without cluster start vs floor, {size} migrations"),
                OVERHEAD_LIMIT,
                history.map(|h| h.overhead.median),
                |v| format!("{v:.2}×"),
            ));
            targets.push(at_least(
                format!("speed-up over the pg_dump loop, {size} migrations"),
                SPEEDUP_LIMIT,
                history.and_then(|h| h.speedup.as_ref()).map(|s| s.median),
                |v| format!("{v:.1}×"),
            ));
        }
        for (tables, limit) in [
            (SNAPSHOT_TABLES, SNAPSHOT_LIMIT_MS),
            (LARGE_SNAPSHOT_TABLES, LARGE_SNAPSHOT_LIMIT_MS),
        ] {
            let snapshot = self
                .snapshot_by_size
                .iter()
                .find(|s| s.tables == tables)
                .map(|s| s.capture.median);
            targets.push(at_most(
                format!("snapshot at {tables} tables"),
                limit,
                snapshot,
                |v| format!("{v:.1} ms"),
            ));
        }
        // Below 100 migrations the schema is too small for the ratio to say more than the noise.
        let churn = self
            .snapshot_by_history
            .iter()
            .filter(|h| h.migrations >= 100)
            .map(|h| h.after_churn.median / h.fresh.median)
            .max_by(f64::total_cmp);
        targets.push(at_most(
            "snapshot after a history's churn vs the same schema fresh (worst of 100+ migrations)"
                .to_owned(),
            CHURN_LIMIT,
            churn,
            |v| format!("{v:.2}×"),
        ));
        let memory = self
            .memory
            .iter()
            .find(|m| m.migrations == MEMORY_SIZE)
            .map(|m| m.peak_rss_bytes as f64);
        targets.push(at_most(
            format!("peak RSS, {MEMORY_SIZE} migrations"),
            MEMORY_LIMIT_BYTES,
            memory,
            |v| format!("{:.0} MB", v / 1e6),
        ));
        self.targets = targets;
    }
}

fn at_most(
    what: String,
    limit: f64,
    measured: Option<f64>,
    show: impl Fn(f64) -> String,
) -> Target {
    bound(
        what,
        format!("≤ {}", show(limit)),
        measured,
        show,
        |v| v <= limit,
        |v| v / limit,
    )
}

fn at_least(
    what: String,
    limit: f64,
    measured: Option<f64>,
    show: impl Fn(f64) -> String,
) -> Target {
    bound(
        what,
        format!("≥ {}", show(limit)),
        measured,
        show,
        |v| v >= limit,
        |v| limit / v,
    )
}

fn bound(
    what: String,
    limit: String,
    measured: Option<f64>,
    show: impl Fn(f64) -> String,
    ok: impl Fn(f64) -> bool,
    factor: impl Fn(f64) -> f64,
) -> Target {
    match measured {
        Some(v) if v.is_finite() => {
            let f = factor(v);
            let margin = if ok(v) {
                format!("met with {:.0}% to spare", (1.0 - f) * 100.0)
            } else {
                format!("missed by {:.2}× ({:.0}% over)", f, (f - 1.0) * 100.0)
            };
            Target {
                what,
                limit,
                measured: show(v),
                met: Some(ok(v)),
                margin,
            }
        }
        _ => Target {
            what,
            limit,
            measured: "not measured".to_owned(),
            met: None,
            margin: "not measured in this run".to_owned(),
        },
    }
}

/// `1.23 s` or `456 ms`.
pub fn seconds(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        millis(ms)
    }
}

/// `12.3 ms` below 100 ms, else `123 ms`.
pub fn millis(ms: f64) -> String {
    if ms < 100.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

/// `1.23 s (1.20–1.31)`: the median and the extremes, in the median's unit.
fn stat(s: &Stat) -> String {
    if s.samples.len() <= 1 {
        return seconds(s.median);
    }
    let (scale, unit, digits) = if s.median >= 1000.0 {
        (1000.0, "s", 2)
    } else if s.median < 100.0 {
        (1.0, "ms", 1)
    } else {
        (1.0, "ms", 0)
    };
    format!(
        "{:.d$} {unit} ({:.d$}–{:.d$})",
        s.median / scale,
        s.min / scale,
        s.max / scale,
        d = digits
    )
}

fn ratio(s: &Stat) -> String {
    if s.samples.len() <= 1 {
        return format!("{:.2}×", s.median);
    }
    format!("{:.2}× ({:.2}–{:.2})", s.median, s.min, s.max)
}

fn share(part: f64, whole: f64) -> String {
    format!("{:.0}%", 100.0 * part / whole)
}

/// The short text `cargo xtask bench` prints at the end.
pub fn summary(results: &Results) -> String {
    let mut out = String::new();
    for h in &results.histories {
        let _ = write!(
            out,
            "{:>5} migrations: floor {}, tool {} ({:.2}× the floor)",
            h.migrations,
            seconds(h.floor.median),
            seconds(h.tool.without_boot.median),
            h.overhead.median
        );
        if let (Some(d), Some(s)) = (&h.pg_dump, &h.speedup) {
            let _ = write!(
                out,
                ", pg_dump loop {} ({:.1}× slower than the tool)",
                seconds(d.wall.median),
                s.median
            );
        }
        out.push('\n');
    }
    for t in &results.targets {
        let mark = match t.met {
            Some(true) => "met   ",
            Some(false) => "MISSED",
            None => "n/a   ",
        };
        let _ = writeln!(
            out,
            "{mark} {}: {} (target {}; {})",
            t.what, t.measured, t.limit, t.margin
        );
    }
    out
}

/// `docs/benchmarks.md`.
pub fn markdown(r: &Results) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# Benchmarks\n");
    let _ = writeln!(
        o,
        "How fast `cargo xtask migrate-test` is, against the floor (the same SQL with no checks at all) and \
         against the loop a team writes by hand around `pg_dump --schema-only`. Written by `cargo xtask bench`; \
         the raw numbers, every sample included, are in `target/bench/results.json` (and \
         `results-<commit>.json`, to compare commits).\n"
    );
    let commit = r
        .commit
        .as_deref()
        .map_or("an unknown commit".to_owned(), |c| {
            format!(
                "commit `{c}`{}",
                if r.dirty {
                    " with uncommitted changes"
                } else {
                    ""
                }
            )
        });
    let _ = writeln!(
        o,
        "This run: {commit}, PostgreSQL {}, {} build, {} repetition{} (medians, with min–max in parentheses), \
         on a machine with {} cores. A few repetitions on a small machine are noisy: read the numbers as \
         ratios and orders of magnitude.\n",
        r.postgres,
        r.profile,
        r.reps,
        if r.reps == 1 { "" } else { "s" },
        r.cores
    );

    let _ = writeln!(o, "## Running it\n");
    let _ = writeln!(
        o,
        "```sh\ncargo xtask bench                          # 10, 100, 1000 migrations, 5 repetitions (the pg_dump loop twice at 1000)\n\
         cargo xtask bench --quick                  # 1 repetition, 10 and 100 migrations; writes target/bench/ only\n\
         cargo xtask bench --reps 3 --sizes 100,1000 --slow-reps 1\n```\n"
    );
    let _ = writeln!(
        o,
        "`cargo xtask` builds the xtask in the dev profile, where the workspace's own crates are not optimised. \
         `cargo xtask bench` therefore re-runs itself as `cargo run --release --package xtask -- bench ...` \
         before measuring (`--as-built` measures the build at hand instead, and the results say which profile \
         they come from). The first release build of the workspace takes a few minutes. A full run takes \
         tens of minutes, most of it in the pg_dump loop at 1,000 migrations. Ctrl-C or SIGTERM stops it \
         cleanly: the servers it started stop, their files go, no results are written, and it exits 130.\n"
    );

    let _ = writeln!(o, "## What is measured\n");
    let _ = writeln!(
        o,
        "The histories are generated (`xtask/src/bench/generate.rs`, deterministic) into \
         `target/bench/histories/<n>/` in sqlx's layout: tables with foreign keys, indexes (a few built \
         `CONCURRENTLY` in `-- no-transaction` files), enums, SQL and PL/pgSQL functions, triggers, views, \
         check constraints, comments and small backfills, each with a down that undoes exactly its up. \
         A shorter history is a prefix of a longer one. For each size, every repetition runs, one after \
         the other with the same server binaries:\n\n\
         1. **floor**: exactly the files the tool executes, in the same order (each migration's up, down \
         and up again, then the ladder: every down in reverse and every up), sent by one plain sqlx \
         connection the way sqlx's `Migrate::apply` sends them (the whole file as one simple query, in a \
         transaction unless it starts with `-- no-transaction`), with no snapshots and no bookkeeping. \
         Timed from connecting to closing, in a fresh database of an already running server.\n\
         2. **through sqlx**: the same scripts through sqlx's `Migrate::apply` and `Migrate::revert` on one \
         connection, exactly as the engine calls them (bookkeeping row included), with no snapshots: the \
         part of the tool's cost that comes from going through sqlx rather than from checking.\n\
         3. **tool**: `migtest_runner::run` with `--ladder` and no smoke evals, as a library call on a \
         native cluster of its own; the phases come from the report's `timings`. *Without boot* is \
         `total − boot`: boot covers loading the folder, starting the cluster from the cached template \
         and creating the scratch database.\n\
         4. **pg_dump loop**: the same files on the same kind of connection, with `pg_dump --schema-only` \
         (the server's own major) of the empty database, after every up, down and redo and at both ends of \
         the ladder, each dump compared as text with the one it must equal (after a down with before the \
         up, after a redo with after the up). Lines `\\restrict`/`\\unrestrict` carry a random key in \
         current minor releases and are dropped before comparing. It runs on the floor's server, so it \
         pays no cluster start either.\n\n\
         The overhead is the tool's time without boot over the floor's; the speed-up is the pg_dump \
         loop's time over the tool's without boot; both are taken per repetition, then the median. Peak \
         memory is that of `cargo xtask migrate-test --source target/bench/histories/<n> --ladder \
         --no-smoke --format json` run as its own process (the release xtask binary, once per size), read \
         from its `VmHWM` as it exits; the PostgreSQL server's memory is not included.\n"
    );

    let _ = writeln!(o, "## Results\n");
    let _ = writeln!(
        o,
        "| migrations | tables at head | floor | through sqlx, no snapshots | tool without boot | tool boot | pg_dump loop | tool / floor | pg_dump loop / tool | peak RSS |"
    );
    let _ = writeln!(o, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for h in &r.histories {
        let memory = r
            .memory
            .iter()
            .find(|m| m.migrations == h.migrations)
            .map_or("–".to_owned(), |m| {
                format!("{:.0} MB", m.peak_rss_bytes as f64 / 1e6)
            });
        let (dump, speedup) = match (&h.pg_dump, &h.speedup) {
            (Some(d), Some(s)) => (stat(&d.wall), ratio(s)),
            _ => ("–".to_owned(), "–".to_owned()),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            h.migrations,
            h.tables,
            stat(&h.floor),
            stat(&h.sqlx_floor),
            stat(&h.tool.without_boot),
            stat(&h.tool.boot),
            dump,
            ratio(&h.overhead),
            speedup,
            memory
        );
    }
    let slow: Vec<String> = r
        .histories
        .iter()
        .filter_map(|h| {
            h.pg_dump
                .as_ref()
                .filter(|d| d.wall.samples.len() < r.reps as usize)
                .map(|d| format!("{} at {} migrations", d.wall.samples.len(), h.migrations))
        })
        .collect();
    if !slow.is_empty() {
        let _ = writeln!(
            o,
            "\nThe pg_dump loop ran fewer repetitions where one takes many minutes: {}.",
            slow.join(", ")
        );
    }

    let _ = writeln!(o, "\n### Where the tool's time goes\n");
    let _ = writeln!(
        o,
        "| migrations | apply | snapshot | compare | other | smoke | without boot | snapshots taken | per snapshot | per pg_dump |"
    );
    let _ = writeln!(o, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for h in &r.histories {
        let t = &h.tool;
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            h.migrations,
            stat(&t.apply),
            stat(&t.snapshot),
            stat(&t.compare),
            stat(&t.other),
            stat(&t.smoke),
            stat(&t.without_boot),
            t.snapshots,
            millis(t.per_snapshot.median),
            h.pg_dump
                .as_ref()
                .map_or("–".to_owned(), |d| millis(d.per_dump.median)),
        );
    }
    let _ = writeln!(
        o,
        "\n*apply* is sqlx's `Migrate::apply`/`revert` (the migration's SQL plus the bookkeeping row, in one \
         transaction); *other* is what `total − boot` holds beyond the named phases (the bookkeeping table, \
         the connection, cloning snapshots, events)."
    );

    let _ = writeln!(o, "\n### Cluster ready\n");
    let _ = writeln!(o, "| native cluster | start to first connection |");
    let _ = writeln!(o, "|---|---:|");
    let _ = writeln!(
        o,
        "| cold: `initdb` (`fresh_initdb: true`), which also refreshes the cached template | {} |",
        stat(&r.cluster.initdb)
    );
    let _ = writeln!(
        o,
        "| from the cached template | {} |",
        stat(&r.cluster.template)
    );
    if !r.cluster.by_backend.is_empty() {
        let _ = writeln!(
            o,
            "\nPer backend and major: from `Server::start` to a server ready for the migrations (its scratch \
             database created), the stop and removal not included. Native clusters start from each major's \
             cached template; containers from the image named, with the engine's port published.\n"
        );
        let _ = writeln!(o, "| backend | PostgreSQL | image | ready |");
        let _ = writeln!(o, "|---|---|---|---:|");
        for b in &r.cluster.by_backend {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                b.backend,
                b.version,
                if b.image.is_empty() { "–" } else { &b.image },
                stat(&b.ready)
            );
        }
        let docker: Vec<u32> = r
            .cluster
            .by_backend
            .iter()
            .filter(|b| b.backend == "docker")
            .map(|b| b.major)
            .collect();
        if docker.is_empty() {
            let _ = writeln!(
                o,
                "\nNo container was measured: no Docker engine answered, or no image of a major was present \
                 (`cargo xtask pg-image --pg N` builds one)."
            );
        }
    }
    if let Some(m) = &r.matrix {
        let _ = writeln!(o, "\n### The version matrix\n");
        let _ = writeln!(
            o,
            "`cargo xtask migrate-test --backend native --ladder` on this workspace's {} migrations and smoke \
             evals, as its own process (cluster starts included), on one major and on every major of the \
             machine in one invocation (`--pg all`, {} jobs).\n",
            m.migrations, m.jobs
        );
        let _ = writeln!(o, "| majors | wall time | against one major |");
        let _ = writeln!(o, "|---|---:|---:|");
        let _ = writeln!(o, "| {} | {} | 1.00× |", m.one_major, stat(&m.one));
        let _ = writeln!(
            o,
            "| {} | {} | {:.2}× |",
            m.majors
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            stat(&m.all),
            m.all.median / m.one.median
        );
    }

    let _ = writeln!(o, "\n### Snapshot as the schema grows\n");
    let _ = writeln!(
        o,
        "A snapshot read as the engine reads it: `migtest_schema::SnapshotReader`, whose two connections \
         send the two halves of the catalog query at once, plus one short statement on the session, after \
         one unrecorded capture that prepares the queries (the engine's first capture pays for that too), \
         on schemas built by the generator's history up to the given number of tables. First right after \
         the history ran, as the engine reads a schema mid-run: autovacuum may then be making its first \
         pass over the new catalog rows, on one of the two cores the two halves would use. Then settled, \
         after `VACUUM (ANALYZE)` of the database, with nothing else running on the server. The target \
         holds the first.\n"
    );
    let _ = writeln!(
        o,
        "| tables | migrations that built it | right after the history | settled |"
    );
    let _ = writeln!(o, "|---:|---:|---:|---:|");
    for s in &r.snapshot_by_size {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            s.tables,
            s.migrations,
            stat(&s.capture),
            s.settled.as_ref().map_or_else(|| "–".to_owned(), stat)
        );
    }
    let _ = writeln!(
        o,
        "\nAnd at the head of each history: once after the floor's run (every migration up, down, up, then \
         the ladder: the catalog churn the tool's run causes) and once on a new database where each up ran \
         once. Equal times mean the snapshot costs what the schema's size costs, not what the history's \
         length does.\n"
    );
    let _ = writeln!(
        o,
        "| migrations | tables | after the churn | same schema, fresh | ratio |"
    );
    let _ = writeln!(o, "|---:|---:|---:|---:|---:|");
    for s in &r.snapshot_by_history {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {:.2}× |",
            s.migrations,
            s.tables,
            stat(&s.after_churn),
            stat(&s.fresh),
            s.after_churn.median / s.fresh.median
        );
    }

    let _ = writeln!(o, "\n## Targets\n");
    let _ = writeln!(
        o,
        "These are benchmarks, not timed tests: nothing fails when a target is missed.\n"
    );
    let _ = writeln!(o, "| target | limit | measured (median) | |");
    let _ = writeln!(o, "|---|---:|---:|---|");
    for t in &r.targets {
        let verdict = match t.met {
            Some(true) => format!("met ({})", t.margin.trim_start_matches("met ")),
            Some(false) => format!("**{}**", t.margin),
            None => t.margin.clone(),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            t.what, t.limit, t.measured, verdict
        );
    }

    let _ = writeln!(o, "\n## Reading\n");
    o.push_str(&reading(r));
    o
}

/// What the numbers say, in sentences computed from them.
fn reading(r: &Results) -> String {
    let mut o = String::new();
    for h in r.histories.iter().filter(|h| h.migrations >= 100) {
        let t = &h.tool;
        let _ = writeln!(
            o,
            "- **{} migrations.** The tool needs {} beyond its cluster start where the bare SQL needs {} \
             ({:.2}×). The same calls through sqlx's `Migrate`, bookkeeping included and no snapshots, take {} \
             ({:.2}× the floor); inside the tool that apply phase took {}. The {} snapshots take {} ({} each \
             on average, over a schema growing to {} tables), the comparisons {}, and the rest {}.{}",
            h.migrations,
            seconds(t.without_boot.median),
            seconds(h.floor.median),
            h.overhead.median,
            seconds(h.sqlx_floor.median),
            h.sqlx_floor.median / h.floor.median,
            seconds(t.apply.median),
            t.snapshots,
            seconds(t.snapshot.median),
            millis(t.per_snapshot.median),
            h.tables,
            seconds(t.compare.median),
            seconds(t.other.median),
            match (&h.pg_dump, &h.speedup) {
                (Some(d), Some(s)) => format!(
                    " The pg_dump loop takes {} for the same checks ({:.1}× the tool): {} dumps at {} each, \
                     a process start and a full dump every time{}.",
                    seconds(d.wall.median),
                    s.median,
                    d.dumps,
                    millis(d.per_dump.median),
                    if d.mismatches == 0 {
                        ", and every comparison agreed with the tool".to_owned()
                    } else {
                        format!(
                            ", and {} comparisons differed where the tool found nothing",
                            d.mismatches
                        )
                    }
                ),
                _ => String::new(),
            }
        );
    }
    let missed: Vec<&Target> = r.targets.iter().filter(|t| t.met == Some(false)).collect();
    let met: Vec<&Target> = r.targets.iter().filter(|t| t.met == Some(true)).collect();
    if !met.is_empty() {
        let _ = writeln!(
            o,
            "- **Met:** {}.",
            met.iter()
                .map(|t| format!("{} ({})", t.what, t.measured))
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    if !missed.is_empty() {
        let _ = writeln!(
            o,
            "- **Missed:** {}.",
            missed
                .iter()
                .map(|t| format!(
                    "{} ({} against {}, {})",
                    t.what, t.measured, t.limit, t.margin
                ))
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    if let Some(h) = r.histories.iter().max_by_key(|h| h.migrations) {
        let t = &h.tool;
        let snapshot_share = share(t.snapshot.median, t.without_boot.median - h.floor.median);
        let _ = writeln!(
            o,
            "- **Where the gap to the floor is.** At {} migrations the snapshots are {} of the time the tool \
             adds to the floor. The engine takes a full snapshot of the whole schema after every up, down and \
             redo, so its cost is (number of steps) × (cost of one snapshot of the current schema): it grows \
             with the schema, and linearly with the history. Closing the gap needs fewer or cheaper snapshots, \
             not faster SQL.",
            h.migrations, snapshot_share
        );
        let _ = writeln!(
            o,
            "- **What would close it.** Most of a snapshot's time is spent inside PostgreSQL running \
             the catalog query (deparsing every column type, default, constraint and index definition of \
             the schema); decoding and building the snapshot on the tool's side is about a fifth. The \
             query already runs in two halves on two connections, which a server with two cores answers \
             side by side; shaving it further helps by a constant factor only. The cost that matters is \
             re-reading the \
             objects a migration did not touch: an incremental snapshot that re-reads only the objects \
             whose catalog rows changed since the previous step (the rows' `xmin` tells which), and \
             keeps every other object's text, would make a step cost what the migration changed rather \
             than what the schema holds. That is the next piece of work on speed."
        );
    }
    if let (Some(i), Some(t)) = (Some(&r.cluster.initdb), Some(&r.cluster.template)) {
        let _ = writeln!(
            o,
            "- **Cluster start.** A cold `initdb` takes {}, the cached template {}: the first run with a \
             server version pays the former once, every later run the latter.",
            seconds(i.median),
            seconds(t.median)
        );
    }
    if let Some(m) = &r.matrix {
        let _ = writeln!(
            o,
            "- **The matrix.** {} majors in one invocation take {} against {} for one ({:.1}×): the majors \
             run {} at a time on {} cores, {} rounds rather than {} runs in a row, and the matrix's \
             clusters start from templates as a single run's does.",
            m.majors.len(),
            seconds(m.all.median),
            seconds(m.one.median),
            m.all.median / m.one.median,
            m.jobs,
            r.cores,
            m.majors.len().div_ceil(m.jobs.max(1)),
            m.majors.len()
        );
    }
    o
}

#[cfg(test)]
mod tests {
    use super::Stat;

    #[test]
    fn medians_of_odd_and_even_counts() {
        let odd = Stat::of(vec![3.0, 1.0, 2.0]);
        assert_eq!((odd.median, odd.min, odd.max), (2.0, 1.0, 3.0));
        assert_eq!(Stat::of(vec![4.0, 1.0, 2.0, 3.0]).median, 2.5);
        assert_eq!(odd.samples, vec![3.0, 1.0, 2.0]);
    }
}
