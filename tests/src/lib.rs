//! Helpers shared by the end-to-end tests: running the command as a process and reading its
//! JSON report.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_owned()
}

/// The fixture folder of `case`.
pub fn fixture(case: &str) -> PathBuf {
    root().join("tests/fixtures").join(case)
}

/// Every fixture case, sorted.
pub fn fixture_cases() -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(root().join("tests/fixtures"))
        .expect("tests/fixtures exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    cases
}

/// A `migrate-test` command line for the binary built for these tests, run from the root.
pub fn migrate_test(binary: &str, args: &[&str]) -> Command {
    let mut command = Command::new(binary);
    command
        .arg("migrate-test")
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1");
    command
}

/// What a run printed, decoded.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from_output(output: Output) -> Self {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// The JSON report on stdout; panics with everything printed when it is not one.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not a JSON report ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// The findings of a JSON report as sorted, deduplicated `<version> <check>` lines (smoke
/// findings as `smoke <file name>`).
pub fn finding_lines(report: &serde_json::Value) -> Vec<String> {
    let mut lines: Vec<String> = report["failures"]
        .as_array()
        .expect("failures is an array")
        .iter()
        .map(|f| match f["migration"].as_i64() {
            Some(version) => format!("{version} {}", f["check"].as_str().unwrap_or("?")),
            None => {
                let file = f["location"]["file"].as_str().unwrap_or("?");
                let name = Path::new(file)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                format!("{} {name}", f["check"].as_str().unwrap_or("?"))
            }
        })
        .collect();
    lines.sort();
    lines.dedup();
    lines
}
