//! `migrate-new`: a reversible sqlx pair `<YYYYMMDDHHMMSS>_<name>.up.sql` / `.down.sql` in the
//! migration folder, each with a header reminding of the practices that keep migrations safe.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use migtest_report::ExitCode;
use migtest_runner::{Layout, detect_layout};

use crate::Workspace;

/// Create a reversible migration: <VERSION>_<name>.up.sql and .down.sql, VERSION the current UTC
/// time as YYYYMMDDHHMMSS.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
The files start with comments that remind of the practices that keep a migration safe to ship and
to roll back; `cargo xtask migrate-test` reports both as doing nothing until you write them.
Existing files are never overwritten: a version that is already taken is refused.

Examples:
  cargo xtask migrate-new add_widgets_name_index
  cargo xtask migrate-new create_widgets --source db/migrations")]
pub struct MigrateNew {
    /// The migration's name: lowercase words joined by underscores, e.g. add_widgets_name_index
    #[arg(value_name = "NAME")]
    pub name: String,

    /// The migration folder [default: migrations/ of this workspace, created when missing]
    #[arg(long, value_name = "DIR")]
    pub source: Option<PathBuf>,

    /// The version to use instead of the current UTC time (an integer, e.g. 20240101000001)
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
}

/// Runs `migrate-new`, printing the files it created.
pub fn migrate_new(flags: MigrateNew, workspace: &Workspace) -> ExitCode {
    match create(flags, workspace) {
        Ok(paths) => {
            for path in paths {
                println!("created {}", path.display());
            }
            ExitCode::Clean
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::ToolError
        }
    }
}

fn create(flags: MigrateNew, workspace: &Workspace) -> Result<[PathBuf; 2], String> {
    check_name(&flags.name)?;
    let version = match flags.version {
        Some(version) => check_version(&version)?,
        None => utc_version(SystemTime::now()),
    };
    let dir = match flags.source {
        Some(dir) if !dir.is_dir() => {
            return Err(format!(
                "migration folder {} does not exist; create it first or fix --source",
                dir.display()
            ));
        }
        Some(dir) => dir,
        None => {
            let dir = workspace.path(&workspace.migrations);
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("could not create {}: {e}", dir.display()))?;
            dir
        }
    };
    if let Ok(detection) = detect_layout(&dir)
        && detection.layout != Layout::Sqlx
    {
        return Err(format!(
            "{} holds {} migrations ({detection}); migrate-new writes sqlx pairs, so create this one with {}'s \
                 own tool",
            dir.display(),
            detection.layout,
            detection.layout
        ));
    }
    let taken = std::fs::read_dir(&dir)
        .map_err(|e| format!("could not read {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|name| {
            name.split_once('_')
                .is_some_and(|(v, _)| v.parse::<i64>().ok() == version.parse::<i64>().ok())
        });
    if let Some(existing) = taken {
        return Err(format!(
            "version {version} is already taken by {}; wait a second and run again, or pass another --version",
            dir.join(existing).display()
        ));
    }
    let up = dir.join(format!("{version}_{}.up.sql", flags.name));
    let down = dir.join(format!("{version}_{}.down.sql", flags.name));
    write_new(&up, &up_header(&flags.name))?;
    if let Err(error) = write_new(&down, &down_header(&flags.name)) {
        // Half a pair is worse than none: take the up back.
        let _ = std::fs::remove_file(&up);
        return Err(error);
    }
    Ok([up, down])
}

/// Lowercase words of letters and digits, each starting with a letter, joined by single
/// underscores.
fn check_name(name: &str) -> Result<(), String> {
    let why = if name.is_empty() {
        Some("it is empty")
    } else if name.split('_').any(str::is_empty) {
        Some("it has an underscore at its start or end, or two in a row")
    } else if !name
        .split('_')
        .all(|w| w.starts_with(|c: char| c.is_ascii_lowercase()))
    {
        Some("every word must start with a lowercase letter")
    } else if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        Some("only lowercase letters, digits and underscores are allowed")
    } else {
        None
    };
    match why {
        Some(why) => Err(format!(
            "migration name {name:?} is not lowercase words joined by underscores ({why}); for example add_widgets_name_index"
        )),
        None => Ok(()),
    }
}

fn check_version(version: &str) -> Result<String, String> {
    match version.parse::<i64>() {
        Ok(v) if v > 0 && version.bytes().all(|b| b.is_ascii_digit()) => Ok(version.to_owned()),
        _ => Err(format!(
            "--version {version:?} is not a positive integer sqlx can record, such as 20240101000001"
        )),
    }
}

/// `time` as YYYYMMDDHHMMSS in UTC.
fn utc_version(time: SystemTime) -> String {
    let seconds = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn up_header(name: &str) -> String {
    format!(
        "-- {name}: up\n\
         --\n\
         -- Keep this migration safe to ship and to roll back:\n\
         --   * one change per migration;\n\
         --   * CREATE INDEX CONCURRENTLY alone, in a migration whose files start with the line\n\
         --     `-- no-transaction` (it cannot run in a transaction, and sqlx sends a file as one query);\n\
         --   * backfill large tables in batches, in a migration of their own, not in a schema change;\n\
         --   * a down that restores exactly the schema before this up (migrate-test checks it).\n\
         \n"
    )
}

fn down_header(name: &str) -> String {
    format!(
        "-- {name}: down\n\
         --\n\
         -- Undo exactly what the up does, in reverse order: after this down the schema must be the\n\
         -- schema before the up, to the last index, default, constraint and grant.\n\
         \n"
    )
}

/// Writes a file that must not exist yet.
fn write_new(path: &Path, text: &str) -> Result<(), String> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| format!("could not create {}: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("could not write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lowercase_words_and_underscores() {
        for good in ["add_widgets", "widgets", "add_oauth2_tokens"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "AddWidgets",
            "add-widgets",
            "add widgets",
            "_add",
            "add__x",
            "add_",
            "2_widgets",
            "add_éa",
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn versions_are_utc_timestamps() {
        assert_eq!(utc_version(UNIX_EPOCH), "19700101000000");
        assert_eq!(
            utc_version(UNIX_EPOCH + std::time::Duration::from_secs(1_709_210_096)),
            "20240229123456"
        );
        assert_eq!(
            utc_version(UNIX_EPOCH + std::time::Duration::from_secs(951_782_400)),
            "20000229000000"
        );
        assert!(check_version("20240101000001").is_ok());
        assert!(
            check_version("-1").is_err()
                && check_version("x").is_err()
                && check_version("99999999999999999999").is_err()
        );
    }
}
