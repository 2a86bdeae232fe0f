//! The one place this crate builds processes: the program, its arguments, and, when we run as
//! root, the unprivileged user PostgreSQL insists on running as.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};

use nix::unistd::{Gid, Uid, User};

use crate::PgError;

/// The user the server's processes run as.
#[derive(Debug, Clone)]
pub(crate) struct RunAs {
    pub(crate) name: String,
    pub(crate) uid: Uid,
    pub(crate) gid: Gid,
}

/// `None` when we are not root (the server runs as us); otherwise an unprivileged user:
/// `MIGTEST_PG_USER`, else `postgres`, else `nobody`.
pub(crate) fn run_as() -> Result<Option<RunAs>, PgError> {
    if !Uid::effective().is_root() {
        return Ok(None);
    }
    let mut candidates = Vec::new();
    if let Ok(name) = std::env::var("MIGTEST_PG_USER") {
        candidates.push(name);
    }
    candidates.extend(["postgres".to_owned(), "nobody".to_owned()]);
    for name in &candidates {
        if let Ok(Some(user)) = User::from_name(name)
            && !user.uid.is_root()
        {
            return Ok(Some(RunAs {
                name: user.name,
                uid: user.uid,
                gid: user.gid,
            }));
        }
    }
    Err(PgError::NoUnprivilegedUser {
        tried: candidates.join(", "),
    })
}

/// A command for `program` with `args`, run as `user` when given, with no inherited stdin.
pub(crate) fn command<I, S>(program: &Path, args: I, user: Option<&RunAs>) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new(program);
    command.args(args).stdin(Stdio::null());
    if let Some(user) = user {
        use std::os::unix::process::CommandExt;
        command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
    }
    // Locale settings of the caller must not leak into initdb's choices.
    command
        .env("LC_ALL", "C")
        .env_remove("LANG")
        .env_remove("PGDATA");
    command
}

/// Runs a command to completion and returns its stdout; a non-zero exit is an error carrying
/// everything it printed.
pub(crate) fn output(mut command: Command) -> Result<String, PgError> {
    let program = Path::new(command.get_program()).to_owned();
    let output = command.output().map_err(|source| PgError::Spawn {
        program: program.clone(),
        source,
    })?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(PgError::CommandFailed {
            program,
            status: output.status.to_string(),
            output: format!("{stdout}{stderr}").trim_end().to_owned(),
        });
    }
    Ok(stdout)
}
