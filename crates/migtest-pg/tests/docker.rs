//! The container backend on the machine's real Docker engine with the image `pg-image` builds:
//! a container answers queries and is gone once its guard drops, containers of dead processes
//! are swept, and every way of failing says what to do.

use std::process::Command;
use std::sync::Mutex;

use migtest_pg::{
    AutoOptions, Backend, DockerOptions, ImageOptions, LABEL_HOST, LABEL_PID, LABEL_PID_START,
    NativeOptions, Server, build_image, image_id, local_image, resolve,
};
use sqlx::{ConnectOptions, Connection};

/// Debian's packaged major, which CI installs on every machine; `pg-image` builds its image.
const MAJOR: u32 = 15;

/// The test image, built once per machine (and reused afterwards). Fails, saying why, when no
/// Docker engine answers: these tests never skip.
fn image() -> String {
    static BUILT: Mutex<()> = Mutex::new(());
    let _one_at_a_time = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let tag = local_image(MAJOR);
    let present = image_id(&tag).unwrap_or_else(|error| {
        panic!("these tests need a Docker engine, and asking it for {tag} failed: {}; start one (e.g. `sudo systemctl start docker`)", chain(&error))
    });
    if present.is_none() {
        build_image(&ImageOptions::new(MAJOR))
            .unwrap_or_else(|e| panic!("building {tag}: {}", chain(&e)));
    }
    tag
}

fn docker(image: &str) -> Backend {
    Backend::Docker(DockerOptions {
        image: Some(image.to_owned()),
        major: Some(MAJOR),
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The ids of the containers matching a `docker ps` filter, running or not.
fn containers(filter: &str) -> Vec<String> {
    let output = Command::new("docker")
        .args(["ps", "--all", "--quiet", "--no-trunc", "--filter", filter])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

#[test]
fn a_container_answers_queries_and_is_removed_when_its_guard_drops() {
    let image = image();
    let rt = runtime();
    let server = rt
        .block_on(Server::start(&docker(&image)))
        .unwrap_or_else(|e| panic!("{}", chain(&e)));
    let id = server
        .container_id()
        .expect("a container server has an id")
        .to_owned();
    assert_eq!(server.backend_name(), "docker");
    assert_eq!(server.major(), MAJOR);
    assert!(
        server.version().starts_with(&format!("{MAJOR}.")),
        "{}",
        server.version()
    );
    assert_eq!(containers(&format!("id={id}")), [id.as_str()]);

    let options = server.connect_options(server.database());
    assert_eq!(options.get_host(), "127.0.0.1");
    let (answer, user, listening): (i32, String, String) = rt.block_on(async {
        let mut conn = options
            .connect()
            .await
            .expect("the scratch database accepts connections");
        let row = sqlx::query_as(
            "select 40 + 2, current_user::text, current_setting('listen_addresses')",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        let _ = conn.close().await;
        row
    });
    assert_eq!(
        (answer, user.as_str(), listening.as_str()),
        (42, "postgres", "*")
    );

    rt.block_on(async move { drop(server) });
    assert!(
        containers(&format!("id={id}")).is_empty(),
        "the container outlived its guard"
    );
}

#[test]
fn a_guard_dropped_outside_any_runtime_still_removes_its_container() {
    let image = image();
    let server = runtime()
        .block_on(Server::start(&docker(&image)))
        .unwrap_or_else(|e| panic!("{}", chain(&e)));
    let id = server.container_id().unwrap().to_owned();
    drop(server);
    assert!(
        containers(&format!("id={id}")).is_empty(),
        "the container outlived its guard"
    );
}

#[test]
fn a_password_is_required_over_tcp() {
    let image = image();
    let rt = runtime();
    let server = rt
        .block_on(Server::start(&docker(&image)))
        .unwrap_or_else(|e| panic!("{}", chain(&e)));
    let wrong = server
        .connect_options("postgres")
        .password("not-the-password");
    let refused = rt
        .block_on(wrong.connect())
        .expect_err("scram-sha-256 with the container's password");
    assert!(
        refused
            .to_string()
            .contains("password authentication failed"),
        "{refused}"
    );
    rt.block_on(async move { drop(server) });
}

#[test]
fn containers_of_dead_processes_are_swept_by_the_next_start() {
    let image = image();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_owned();
    // A pid that is surely gone: a child that exited and was waited for.
    let dead = Command::new("true").spawn().unwrap();
    let dead_pid = dead.id();
    let _ = { dead }.wait();
    let create = Command::new("docker")
        .args([
            "create",
            "--label",
            &format!("{LABEL_PID}={dead_pid}"),
            "--label",
            &format!("{LABEL_PID_START}=1"),
        ])
        .args(["--label", &format!("{LABEL_HOST}={host}"), &image])
        .output()
        .unwrap();
    assert!(
        create.status.success(),
        "{}",
        String::from_utf8_lossy(&create.stderr)
    );
    let stale = String::from_utf8_lossy(&create.stdout).trim().to_owned();
    // One from another host is not ours to judge.
    let elsewhere = Command::new("docker")
        .args([
            "create",
            "--label",
            &format!("{LABEL_PID}={dead_pid}"),
            "--label",
            &format!("{LABEL_HOST}={host}-elsewhere"),
            &image,
        ])
        .output()
        .unwrap();
    let elsewhere = String::from_utf8_lossy(&elsewhere.stdout).trim().to_owned();

    let rt = runtime();
    let server = rt
        .block_on(Server::start(&docker(&image)))
        .unwrap_or_else(|e| panic!("{}", chain(&e)));
    let stale_left = containers(&format!("id={stale}"));
    let elsewhere_left = containers(&format!("id={elsewhere}"));
    rt.block_on(async move { drop(server) });
    let _ = Command::new("docker")
        .args(["rm", "-f", &elsewhere])
        .output();
    assert!(
        stale_left.is_empty(),
        "the container of a dead process was not swept"
    );
    assert_eq!(
        elsewhere_left,
        [elsewhere],
        "a container of another host was swept"
    );
}

#[test]
fn keep_leaves_the_container_running_and_never_prints_the_password() {
    let image = image();
    let rt = runtime();
    let server = rt
        .block_on(Server::start(&docker(&image)))
        .unwrap_or_else(|e| panic!("{}", chain(&e)));
    let id = server.container_id().unwrap().to_owned();
    let kept = rt.block_on(async move { server.keep() });
    let env = Command::new("docker")
        .args([
            "inspect",
            "--format",
            "{{range .Config.Env}}{{println .}}{{end}}",
            &id,
        ])
        .output()
        .unwrap();
    let password = String::from_utf8_lossy(&env.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("POSTGRES_PASSWORD="))
        .map(str::to_owned);
    let running = containers(&format!("id={id}"));
    let _ = Command::new("docker").args(["rm", "-f", &id]).output();
    assert_eq!(running, [id.as_str()], "the kept container is not running");
    assert!(kept.stop.starts_with("docker rm -f "), "{}", kept.stop);
    assert!(
        id.starts_with(kept.stop.trim_start_matches("docker rm -f ")),
        "{}",
        kept.stop
    );
    assert!(
        kept.connect
            .contains("psql postgresql://postgres@127.0.0.1:"),
        "{}",
        kept.connect
    );
    assert!(
        kept.connect.contains("POSTGRES_PASSWORD"),
        "{}",
        kept.connect
    );
    let password = password.expect("a container server has a password");
    assert!(
        !kept.connect.contains(&password) && !kept.stop.contains(&password),
        "the password was printed"
    );
}

#[test]
fn a_missing_image_says_how_to_build_one() {
    let _ = image();
    let error = runtime()
        .block_on(Server::start(&docker("does-not-exist:1")))
        .expect_err("there is no such image and no registry");
    let message = chain(&error);
    assert!(
        message.contains("no image does-not-exist:1 is present"),
        "{message}"
    );
    assert!(
        message.contains("cargo xtask pg-image --pg 15"),
        "{message}"
    );
}

#[test]
fn a_container_that_exits_during_start_up_shows_its_log() {
    let image = image();
    // The same image, with an option initdb refuses: the entrypoint fails before the server starts.
    let broken = format!("migtest-test/broken-initdb:{}", std::process::id());
    let created = Command::new("docker")
        .args(["create", &image])
        .output()
        .unwrap();
    let container = String::from_utf8_lossy(&created.stdout).trim().to_owned();
    let commit = Command::new("docker")
        .args([
            "commit",
            "--change",
            "ENV POSTGRES_INITDB_ARGS=--no-such-initdb-option",
            &container,
            &broken,
        ])
        .output()
        .unwrap();
    let _ = Command::new("docker")
        .args(["rm", "-f", &container])
        .output();
    assert!(
        commit.status.success(),
        "{}",
        String::from_utf8_lossy(&commit.stderr)
    );

    let result = runtime().block_on(Server::start(&docker(&broken)));
    let left = containers(&format!("ancestor={broken}"));
    let _ = Command::new("docker")
        .args(["image", "rm", "-f", &broken])
        .output();
    let message = chain(&result.expect_err("initdb fails"));
    assert!(message.contains("exited during start-up"), "{message}");
    assert!(
        message.contains("no-such-initdb-option"),
        "the log lines are missing: {message}"
    );
    assert!(left.is_empty(), "the failed container was left behind");
}

#[test]
fn auto_picks_the_container_when_the_image_is_here_and_says_why() {
    let image = image();
    let rt = runtime();
    let auto = |native: NativeOptions| {
        Backend::Auto(AutoOptions {
            docker: DockerOptions {
                image: None,
                major: Some(MAJOR),
            },
            native,
        })
    };
    let chosen = rt.block_on(resolve(&auto(NativeOptions::default())));
    assert!(
        matches!(&chosen.backend, Backend::Docker(o) if o.image.as_deref().is_some()),
        "{chosen:?}"
    );
    let reason = chosen.reason.unwrap_or_default();
    assert!(
        reason.contains("answers") && reason.contains(":15"),
        "{reason}"
    );
    assert!(
        reason.contains(&image) || reason.contains("postgres:15-alpine"),
        "the reason names the image: {reason}"
    );

    let with_binaries = NativeOptions {
        bin_dir: Some("/usr/lib/postgresql/15/bin".into()),
        ..NativeOptions::default()
    };
    let chosen = rt.block_on(resolve(&auto(with_binaries)));
    assert!(matches!(chosen.backend, Backend::Native(_)), "{chosen:?}");
    assert!(chosen.reason.unwrap_or_default().contains("--pg-bin"));

    let given = rt.block_on(resolve(&docker(&image)));
    assert!(matches!(given.backend, Backend::Docker(_)) && given.reason.is_none());
}
