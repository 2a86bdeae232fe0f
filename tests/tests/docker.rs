//! End-to-end on the container backend: the real command, as a process, against containers of
//! the image `pg-image` builds, on the machine's real Docker engine. No container outlives a
//! run, also when the run is interrupted.

use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use migtest_runner::pg;
use migtest_tests::{Run, finding_lines, migrate_test};

const BIN: &str = env!("CARGO_BIN_EXE_migtest-xtask");
/// Debian's packaged major, which CI installs on every machine and builds the image of.
const MAJOR: &str = "15";

fn run(args: &[&str]) -> Run {
    Run::from_output(
        migrate_test(BIN, args)
            .output()
            .expect("the command starts"),
    )
}

/// Makes sure migtest/postgres:15 exists, building it with `pg-image` when it does not. Fails,
/// saying why, when no Docker engine answers: these tests never skip.
fn image() -> String {
    static BUILT: Mutex<()> = Mutex::new(());
    let _one_at_a_time = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let tag = pg::local_image(MAJOR.parse().expect("a major"));
    let present = pg::image_id(&tag).unwrap_or_else(|error| {
        panic!("these tests need a Docker engine, and asking it for {tag} failed: {error}; start one (e.g. `sudo systemctl start docker`)")
    });
    if present.is_none() {
        let built = Command::new(BIN)
            .args(["pg-image", "--pg", MAJOR])
            .output()
            .expect("pg-image starts");
        assert!(
            built.status.success(),
            "pg-image failed:\n{}",
            String::from_utf8_lossy(&built.stderr)
        );
    }
    tag
}

/// The containers, running or not, started by the process `pid`.
fn containers_of(pid: u32) -> Vec<String> {
    let filter = format!("label=migtest.pid={pid}");
    let output = Command::new("docker")
        .args(["ps", "--all", "--quiet", "--filter", &filter])
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_workspace_migrations_pass_in_a_container() {
    let _image = image();
    let result = run(&[
        "--backend",
        "docker",
        "--pg",
        MAJOR,
        "--ladder",
        "--format",
        "json",
    ]);
    let report = result.json();
    assert_eq!(
        report["ok"], true,
        "findings: {:#}\nstderr: {}",
        report["failures"], result.stderr
    );
    assert_eq!(result.code, Some(0));
    assert_eq!(report["server"]["backend"], "docker");
    assert_eq!(report["server"]["major"], 15);
    assert!(
        report["migrations"]
            .as_array()
            .is_some_and(|m| m.len() >= 12),
        "{:#}",
        report["migrations"]
    );
    assert_eq!(report["ladder"]["status"], "passed");
    let smoke = report["smoke"].as_array().unwrap();
    assert!(
        !smoke.is_empty() && smoke.iter().all(|s| s["passed"] == true),
        "smoke evals: {smoke:?}"
    );
}

#[test]
fn a_down_that_forgets_an_index_is_a_finding_in_a_container_too() {
    let _image = image();
    let source = "tests/fixtures/down_forgets_index/migrations";
    let result = run(&[
        "--backend",
        "docker",
        "--pg",
        MAJOR,
        "--source",
        source,
        "--no-smoke",
        "--format",
        "json",
    ]);
    assert_eq!(result.code, Some(1), "{}", result.stderr);
    assert_eq!(finding_lines(&result.json()), ["20240101000002 roundtrip"]);
}

#[test]
fn auto_says_on_stderr_which_backend_it_chose_and_keeps_stdout_the_report() {
    let image = image();
    let source = "tests/fixtures/down_forgets_index/migrations";
    let result = run(&[
        "--pg",
        MAJOR,
        "--source",
        source,
        "--no-smoke",
        "--format",
        "json",
    ]);
    assert_eq!(result.code, Some(1), "{}", result.stderr);
    assert_eq!(result.json()["server"]["backend"], "docker");
    let line = result
        .stderr
        .lines()
        .find(|l| l.contains("--backend auto chose"))
        .unwrap_or_default();
    assert!(
        line.contains("chose docker") && line.contains(&image),
        "{}",
        result.stderr
    );

    let native = run(&[
        "--pg",
        MAJOR,
        "--pg-bin",
        "/usr/lib/postgresql/15/bin",
        "--source",
        source,
        "--no-smoke",
        "--format",
        "json",
    ]);
    assert_eq!(native.json()["server"]["backend"], "native");
    assert!(
        native
            .stderr
            .contains("--backend auto chose native: --pg-bin"),
        "{}",
        native.stderr
    );
}

#[test]
fn a_missing_image_is_a_tool_error_that_says_how_to_build_one() {
    let _image = image();
    let result = run(&[
        "--backend",
        "docker",
        "--image",
        "does-not-exist:1",
        "--no-smoke",
    ]);
    assert_eq!(result.code, Some(2), "{}", result.stderr);
    assert!(
        result.stderr.contains("cargo xtask pg-image"),
        "{}",
        result.stderr
    );
    let refused = run(&[
        "--backend",
        "native",
        "--image",
        "migtest/postgres:15",
        "--no-smoke",
    ]);
    assert_eq!(refused.code, Some(2));
    assert!(refused.stderr.contains("--image"), "{}", refused.stderr);
}

#[test]
fn keep_leaves_the_container_and_says_how_to_remove_it() {
    let _image = image();
    let child = migrate_test(
        BIN,
        &[
            "--backend",
            "docker",
            "--pg",
            MAJOR,
            "--source",
            "tests/fixtures/pass_basic/migrations",
            "--no-smoke",
            "--keep",
        ],
    )
    .output()
    .unwrap();
    let result = Run::from_output(child);
    let stop = result
        .stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("stop:"))
        .unwrap_or_default()
        .trim()
        .to_owned();
    let id = stop
        .strip_prefix("docker rm -f ")
        .unwrap_or_default()
        .to_owned();
    let running = Command::new("docker")
        .args(["ps", "--quiet", "--filter", &format!("id={id}")])
        .output()
        .unwrap();
    if !id.is_empty() {
        let _ = Command::new("docker").args(["rm", "-f", &id]).output();
    }
    assert_eq!(result.code, Some(0), "{}\n{}", result.stdout, result.stderr);
    assert!(!id.is_empty(), "no stop command: {}", result.stderr);
    assert!(
        !String::from_utf8_lossy(&running.stdout).trim().is_empty(),
        "the kept container is not running"
    );
    assert!(
        result
            .stderr
            .contains("psql postgresql://postgres@127.0.0.1:"),
        "{}",
        result.stderr
    );
}

#[test]
fn interrupting_a_run_removes_its_container() {
    let _image = image();
    for signal in [
        nix::sys::signal::Signal::SIGINT,
        nix::sys::signal::Signal::SIGTERM,
    ] {
        interrupt_mid_run(signal, When::Migrating);
    }
    // While the container starts, testcontainers may not hold a handle to it yet.
    interrupt_mid_run(nix::sys::signal::Signal::SIGINT, When::Starting);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    /// As soon as the container exists.
    Starting,
    /// Once the container's server runs the slow migration.
    Migrating,
}

fn interrupt_mid_run(signal: nix::sys::signal::Signal, when: When) {
    let migrations = tempfile::tempdir().unwrap();
    std::fs::write(
        migrations.path().join("1_slow.up.sql"),
        "select pg_sleep(60);\n",
    )
    .unwrap();
    std::fs::write(migrations.path().join("1_slow.down.sql"), "select 1;\n").unwrap();
    let mut child = migrate_test(
        BIN,
        &[
            "--backend",
            "docker",
            "--pg",
            MAJOR,
            "--source",
            migrations.path().to_str().unwrap(),
            "--no-smoke",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let pid = child.id();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(
            Instant::now() < deadline,
            "{signal} {when:?}: the moment never came"
        );
        if let [container] = containers_of(pid).as_slice()
            && (when == When::Starting || sleeping(container))
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(if when == When::Starting {
            5
        } else {
            100
        }));
    }
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), signal).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{signal} {when:?}: the command did not exit within 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        use std::io::Read;
        let _ = pipe.read_to_string(&mut stderr);
    }
    let left = containers_of(pid);
    for id in &left {
        let _ = Command::new("docker").args(["rm", "-f", id]).output();
    }
    assert_eq!(status.code(), Some(130), "{signal} {when:?}: {stderr}");
    assert!(
        left.is_empty(),
        "{signal} {when:?} left containers behind: {left:?}"
    );
}

/// True when the container's server runs `pg_sleep` (asked through psql inside the container).
fn sleeping(container: &str) -> bool {
    let sql = "select count(*) from pg_stat_activity where query like 'select pg_sleep%'";
    Command::new("docker")
        .args([
            "exec", container, "psql", "-U", "postgres", "-d", "postgres", "-Atc", sql,
        ])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "1")
}
