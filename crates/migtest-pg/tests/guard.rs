//! The server guard on a real PostgreSQL: it answers, and dropping it (also by a panic)
//! stops the server and removes every file.

use std::path::PathBuf;

use migtest_pg::{Backend, NativeOptions, Server};
use sqlx::{ConnectOptions, Row};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn postmaster_alive(dir: &std::path::Path) -> bool {
    let needle = dir.to_string_lossy().into_owned();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| {
            std::fs::read(e.path().join("cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains(&needle))
        })
}

fn server_dir(server: &Server) -> PathBuf {
    let options = server.connect_options("postgres");
    options
        .get_socket()
        .expect("native servers listen on a socket")
        .to_owned()
}

#[test]
fn a_started_server_answers_and_drop_removes_it() {
    let rt = runtime();
    let server = rt
        .block_on(Server::start(&Backend::Native(NativeOptions::default())))
        .expect("a server starts");
    let dir = server_dir(&server);
    let major = server.major();
    let version: String = rt.block_on(async {
        let mut conn = server.connect_options("postgres").connect().await.unwrap();
        sqlx::query("select current_setting('server_version_num')")
            .fetch_one(&mut conn)
            .await
            .unwrap()
            .get(0)
    });
    assert_eq!(version[..2].parse::<u32>().unwrap(), major);
    let fsync: String = rt.block_on(async {
        let mut conn = server.connect_options("postgres").connect().await.unwrap();
        sqlx::query("show fsync")
            .fetch_one(&mut conn)
            .await
            .unwrap()
            .get(0)
    });
    assert_eq!(fsync, "off", "durability is off: the data is thrown away");
    assert!(dir.join("data").is_dir());
    assert!(postmaster_alive(&dir));
    drop(server);
    assert!(!dir.exists(), "{} still exists", dir.display());
    assert!(!postmaster_alive(&dir), "the server outlived its guard");
}

#[test]
fn a_panic_while_the_server_runs_still_removes_it() {
    let (sender, receiver) = std::sync::mpsc::channel();
    let result = std::thread::spawn(move || {
        let rt = runtime();
        let server = rt
            .block_on(Server::start(&Backend::Native(NativeOptions::default())))
            .unwrap();
        sender.send(server_dir(&server)).unwrap();
        panic!("a test failure while the server runs");
    })
    .join();
    assert!(result.is_err(), "the thread panicked");
    let dir = receiver.recv().unwrap();
    assert!(!dir.exists(), "{} survived the panic", dir.display());
    assert!(!postmaster_alive(&dir), "the server survived the panic");
}

#[test]
fn binaries_that_are_not_there_are_a_clear_error() {
    let rt = runtime();
    let options = NativeOptions {
        bin_dir: Some(PathBuf::from("/nonexistent/bin")),
        ..NativeOptions::default()
    };
    let error = rt
        .block_on(Server::start(&Backend::Native(options)))
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("/nonexistent/bin does not hold PostgreSQL server binaries"),
        "{error}"
    );
    let options = NativeOptions {
        major: Some(9),
        ..NativeOptions::default()
    };
    let error = rt
        .block_on(Server::start(&Backend::Native(options)))
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("no PostgreSQL server binaries found for major 9"),
        "{error}"
    );
}
