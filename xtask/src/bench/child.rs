//! The bench's children: `migrate-test` runs, each its own process so that its memory and wall
//! time are its own, and the bench itself re-run in release. If the bench is interrupted while
//! one runs, the child is told to stop as a user's Ctrl-C would tell it, and waited for, so that
//! it stops its servers and removes their files before the bench exits.

use std::process::{ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tokio::io::{AsyncRead, AsyncReadExt};

/// How long an interrupted child may take to clean up before it is killed.
const CLEAN_UP: Duration = Duration::from_secs(30);

/// Runs `command` to its end with the bench's own stdin, stdout and stderr. Dropped before then,
/// the future passes SIGTERM on to the child and waits for it to exit.
pub async fn status(command: xshell::Cmd<'_>) -> anyhow::Result<ExitStatus> {
    let mut child =
        Child(tokio::process::Command::from(std::process::Command::from(command)).spawn()?);
    Ok(child.0.wait().await?)
}

/// Runs `command` to its end with its output captured. Dropped before then, the future passes
/// SIGTERM on to the child and waits for it to exit.
pub async fn output(command: xshell::Cmd<'_>) -> anyhow::Result<Output> {
    let mut command = tokio::process::Command::from(std::process::Command::from(command));
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = Child(command.spawn()?);
    let (stdout, stderr) = (child.0.stdout.take(), child.0.stderr.take());
    let (status, stdout, stderr) =
        tokio::try_join!(child.0.wait(), read_all(stdout), read_all(stderr))?;
    Ok(Output {
        status,
        stdout,
        stderr,
    })
}

async fn read_all(pipe: Option<impl AsyncRead + Unpin>) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if let Some(mut pipe) = pipe {
        pipe.read_to_end(&mut bytes).await?;
    }
    Ok(bytes)
}

/// A running child that is signalled and waited for when dropped before it exited.
struct Child(tokio::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        if !matches!(self.0.try_wait(), Ok(None)) {
            return;
        }
        if let Some(pid) = self.0.id().and_then(|id| i32::try_from(id).ok()) {
            let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
        }
        let deadline = Instant::now() + CLEAN_UP;
        while matches!(self.0.try_wait(), Ok(None)) {
            if Instant::now() >= deadline {
                let _ = self.0.start_kill();
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
