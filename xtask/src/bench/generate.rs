//! A deterministic generator of realistic sqlx migration histories for the benchmark: tables with
//! foreign keys, indexes, enums, functions, triggers, views, constraints, comments and the odd
//! `-- no-transaction` index, each migration with a down that undoes exactly its up.
//!
//! The generator is a state machine over the schema as it stands after every up so far; a down
//! only has to undo its own up, because both the stepwise walk and the ladder revert a migration
//! only when every later one has been reverted.

use std::io;
use std::path::Path;

/// The seed of every history: the same sizes always give the same files.
const SEED: u64 = 0x6d69_6774_6573_7421;

/// The first version: 2023-01-02 09:00:00, as a `YYYYMMDDhhmmss` number like `sqlx migrate add`.
const START_MINUTES: i64 = (19_359 * 24 + 9) * 60;

const NOUNS: [&str; 16] = [
    "accounts",
    "orders",
    "invoices",
    "payments",
    "customers",
    "products",
    "shipments",
    "tickets",
    "projects",
    "tasks",
    "comments",
    "reviews",
    "sessions",
    "devices",
    "webhooks",
    "audits",
];

/// One migration: `<version>_<name>.up.sql` and `<version>_<name>.down.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    pub version: i64,
    pub name: String,
    pub up: String,
    pub down: String,
}

/// The first `count` migrations of the benchmark's history.
pub fn history(count: usize) -> Vec<Migration> {
    let mut generator = Generator::new();
    (0..count).map(|_| generator.next_migration()).collect()
}

/// The shortest prefix of the benchmark's history that creates `tables` tables: a schema of
/// that size with everything else that accumulates around the tables.
pub fn history_with_tables(tables: usize) -> Vec<Migration> {
    let mut generator = Generator::new();
    let mut migrations = Vec::new();
    while generator.tables.len() < tables {
        migrations.push(generator.next_migration());
    }
    migrations
}

/// Writes `migrations` into `dir` in sqlx's layout, replacing whatever the folder held.
pub fn write(dir: &Path, migrations: &[Migration]) -> io::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    for migration in migrations {
        let stem = format!("{}_{}", migration.version, migration.name);
        std::fs::write(dir.join(format!("{stem}.up.sql")), &migration.up)?;
        std::fs::write(dir.join(format!("{stem}.down.sql")), &migration.down)?;
    }
    Ok(())
}

struct Table {
    name: String,
    /// The foreign key column to the parent table and the parent's index in `tables`.
    parent: Option<(String, usize)>,
    has_metadata: bool,
    has_trigger: bool,
    comment: Option<String>,
}

struct Generator {
    rng: u64,
    index: usize,
    minutes: i64,
    tables: Vec<Table>,
    enums: Vec<String>,
}

enum Kind {
    CreateTable,
    AddColumn,
    CreateIndex,
    CreateEnum,
    Trigger,
    Function,
    View,
    Check,
    Comment,
    ConcurrentIndex,
}

/// How often each kind comes up, out of 100; tables are a bit over a quarter of a history.
const WEIGHTS: [(u64, fn() -> Kind); 10] = [
    (28, || Kind::CreateTable),
    (14, || Kind::AddColumn),
    (12, || Kind::CreateIndex),
    (5, || Kind::CreateEnum),
    (7, || Kind::Trigger),
    (6, || Kind::Function),
    (8, || Kind::View),
    (8, || Kind::Check),
    (7, || Kind::Comment),
    (5, || Kind::ConcurrentIndex),
];

impl Generator {
    fn new() -> Self {
        Generator {
            rng: SEED,
            index: 0,
            minutes: START_MINUTES,
            tables: Vec::new(),
            enums: Vec::new(),
        }
    }

    /// splitmix64: small, fast, and the same on every platform.
    fn next(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// A table to change: mostly one of the recent ones, as in a real history.
    fn pick_table(&mut self) -> usize {
        let len = self.tables.len();
        if self.chance(70) {
            len - 1 - self.below(len.min(12))
        } else {
            self.below(len)
        }
    }

    fn next_migration(&mut self) -> Migration {
        self.minutes += 45 + self.below(24 * 60) as i64;
        let version = version_of(self.minutes);
        let k = self.index;
        self.index += 1;
        let roll = self.next() % 100;
        let mut acc = 0;
        let mut kind = Kind::CreateTable;
        for (weight, make) in WEIGHTS {
            acc += weight;
            if roll < acc {
                kind = make();
                break;
            }
        }
        if self.tables.is_empty() {
            kind = Kind::CreateTable;
        }
        let (name, up, down) = match kind {
            Kind::CreateTable => self.create_table(k),
            Kind::AddColumn => self.add_column(k),
            Kind::CreateIndex => self.create_index(k),
            Kind::CreateEnum => self.create_enum(k),
            Kind::Trigger => self.trigger(k),
            Kind::Function => self.function(k),
            Kind::View => self.view(k),
            Kind::Check => self.check(k),
            Kind::Comment => self.comment(k),
            Kind::ConcurrentIndex => self.concurrent_index(k),
        };
        Migration {
            version,
            name,
            up,
            down,
        }
    }

    fn create_table(&mut self, k: usize) -> (String, String, String) {
        let noun = NOUNS[self.below(NOUNS.len())];
        let name = format!("{noun}_{k}");
        let mut columns = vec![
            "    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY".to_owned(),
            "    name text NOT NULL".to_owned(),
        ];
        let mut after = Vec::new();
        let parent = if !self.tables.is_empty() && self.chance(65) {
            let p = self.pick_table();
            let column = format!("{}_id", self.tables[p].name);
            columns.push(format!(
                "    {column} bigint NOT NULL REFERENCES {} (id) ON DELETE CASCADE",
                self.tables[p].name
            ));
            after.push(format!(
                "CREATE INDEX {name}_{column}_idx ON {name} ({column});"
            ));
            Some((column, p))
        } else {
            None
        };
        if !self.enums.is_empty() && self.chance(50) {
            let status = &self.enums[self.enums.len() - 1];
            columns.push(format!("    status {status} NOT NULL DEFAULT 'draft'"));
        }
        if self.chance(50) {
            columns.push(
                "    amount numeric(12, 2) NOT NULL DEFAULT 0 CHECK (amount >= 0)".to_owned(),
            );
        }
        let has_metadata = self.chance(40);
        if has_metadata {
            columns.push("    metadata jsonb NOT NULL DEFAULT '{}'::jsonb".to_owned());
        }
        columns.push("    created_at timestamptz NOT NULL DEFAULT now()".to_owned());
        columns.push("    updated_at timestamptz NOT NULL DEFAULT now()".to_owned());
        if self.chance(30) {
            columns.push(format!("    CONSTRAINT {name}_name_key UNIQUE (name)"));
        }
        // Lookup tables come with their first rows.
        if parent.is_none() && self.chance(30) {
            after.push(format!(
                "INSERT INTO {name} (name) VALUES ('first'), ('second'), ('third');"
            ));
        }
        let mut up = format!(
            "-- Create {name}.\nCREATE TABLE {name} (\n{}\n);\n",
            columns.join(",\n")
        );
        for statement in after {
            up.push_str(&statement);
            up.push('\n');
        }
        let down = format!("DROP TABLE {name};\n");
        self.tables.push(Table {
            name: name.clone(),
            parent,
            has_metadata,
            has_trigger: false,
            comment: None,
        });
        (format!("create_{name}"), up, down)
    }

    fn add_column(&mut self, k: usize) -> (String, String, String) {
        let t = self.pick_table();
        let table = self.tables[t].name.clone();
        match self.below(4) {
            0 => {
                let column = format!("note_{k}");
                (
                    format!("add_{column}_to_{table}"),
                    format!("ALTER TABLE {table} ADD COLUMN {column} text;\n"),
                    format!("ALTER TABLE {table} DROP COLUMN {column};\n"),
                )
            }
            1 => {
                let column = format!("priority_{k}");
                (
                    format!("add_{column}_to_{table}"),
                    format!(
                        "ALTER TABLE {table} ADD COLUMN {column} integer NOT NULL DEFAULT 0;\n\
                         UPDATE {table} SET {column} = length(name);\n"
                    ),
                    format!("ALTER TABLE {table} DROP COLUMN {column};\n"),
                )
            }
            2 => {
                let column = format!("archived_{k}");
                (
                    format!("add_{column}_to_{table}"),
                    format!(
                        "ALTER TABLE {table} ADD COLUMN {column} boolean NOT NULL DEFAULT false;\n"
                    ),
                    format!("ALTER TABLE {table} DROP COLUMN {column};\n"),
                )
            }
            _ => {
                let other = self.pick_table();
                let other = self.tables[other].name.clone();
                let column = format!("ref_{k}_id");
                (
                    format!("add_{column}_to_{table}"),
                    format!(
                        "ALTER TABLE {table} ADD COLUMN {column} bigint REFERENCES {other} (id) ON DELETE SET NULL;\n\
                         CREATE INDEX {table}_{column}_idx ON {table} ({column});\n"
                    ),
                    format!(
                        "DROP INDEX {table}_{column}_idx;\nALTER TABLE {table} DROP COLUMN {column};\n"
                    ),
                )
            }
        }
    }

    fn create_index(&mut self, k: usize) -> (String, String, String) {
        let t = self.pick_table();
        let table = self.tables[t].name.clone();
        let index = format!("{table}_{k}_idx");
        let definition = match self.below(4) {
            0 if self.tables[t].has_metadata => {
                format!("CREATE INDEX {index} ON {table} USING gin (metadata);")
            }
            1 => format!("CREATE INDEX {index} ON {table} (name, created_at DESC);"),
            2 => format!("CREATE INDEX {index} ON {table} (lower(name));"),
            _ => format!(
                "CREATE INDEX {index} ON {table} (created_at) WHERE updated_at > created_at;"
            ),
        };
        (
            format!("index_{table}_{k}"),
            format!("{definition}\n"),
            format!("DROP INDEX {index};\n"),
        )
    }

    fn create_enum(&mut self, k: usize) -> (String, String, String) {
        let noun = NOUNS[self.below(NOUNS.len())];
        let name = format!("{}_status_{k}", noun.trim_end_matches('s'));
        self.enums.push(name.clone());
        (
            format!("create_type_{name}"),
            format!("CREATE TYPE {name} AS ENUM ('draft', 'active', 'suspended', 'archived');\n"),
            format!("DROP TYPE {name};\n"),
        )
    }

    fn trigger(&mut self, k: usize) -> (String, String, String) {
        let Some(t) = (0..self.tables.len())
            .rev()
            .find(|&t| !self.tables[t].has_trigger)
        else {
            return self.create_index(k);
        };
        self.tables[t].has_trigger = true;
        let table = self.tables[t].name.clone();
        (
            format!("touch_{table}_updated_at"),
            format!(
                "CREATE FUNCTION {table}_touch() RETURNS trigger\n\
                 LANGUAGE plpgsql AS $$\n\
                 BEGIN\n    NEW.updated_at := now();\n    RETURN NEW;\nEND;\n$$;\n\n\
                 CREATE TRIGGER {table}_touch BEFORE UPDATE ON {table}\n    \
                 FOR EACH ROW EXECUTE FUNCTION {table}_touch();\n"
            ),
            format!("DROP TRIGGER {table}_touch ON {table};\nDROP FUNCTION {table}_touch();\n"),
        )
    }

    fn function(&mut self, k: usize) -> (String, String, String) {
        let t = self.pick_table();
        let table = self.tables[t].name.clone();
        let function = format!("{table}_name_{k}");
        (
            format!("function_{function}"),
            format!(
                "CREATE FUNCTION {function}(p_id bigint) RETURNS text\n\
                 LANGUAGE sql STABLE AS $$\n    SELECT name FROM {table} WHERE id = p_id\n$$;\n"
            ),
            format!("DROP FUNCTION {function}(bigint);\n"),
        )
    }

    fn view(&mut self, k: usize) -> (String, String, String) {
        let t = self.pick_table();
        let table = self.tables[t].name.clone();
        let view = format!("{table}_v{k}");
        let query = match &self.tables[t].parent {
            Some((column, p)) => {
                let parent = &self.tables[*p].name;
                format!(
                    "SELECT c.id, c.name, p.name AS parent_name, c.created_at\n\
                     FROM {table} c\nJOIN {parent} p ON p.id = c.{column}"
                )
            }
            None => {
                format!("SELECT id, name, created_at FROM {table} WHERE updated_at > created_at")
            }
        };
        (
            format!("view_{view}"),
            format!("CREATE VIEW {view} AS\n{query};\n"),
            format!("DROP VIEW {view};\n"),
        )
    }

    fn check(&mut self, k: usize) -> (String, String, String) {
        let t = self.pick_table();
        let table = self.tables[t].name.clone();
        let constraint = format!("{table}_{k}_check");
        let limit = 200 + k % 50;
        (
            format!("check_{table}_name_length_{k}"),
            format!(
                "ALTER TABLE {table} ADD CONSTRAINT {constraint} CHECK (char_length(name) BETWEEN 1 AND {limit});\n"
            ),
            format!("ALTER TABLE {table} DROP CONSTRAINT {constraint};\n"),
        )
    }

    fn comment(&mut self, k: usize) -> (String, String, String) {
        let t = self.pick_table();
        let table = self.tables[t].name.clone();
        let text = format!("{table}: owned by team {}, revised in migration {k}", k % 7);
        // The down restores the comment the table had before, not no comment at all.
        let previous = match self.tables[t].comment.replace(text.clone()) {
            Some(previous) => format!("'{previous}'"),
            None => "NULL".to_owned(),
        };
        (
            format!("comment_on_{table}_{k}"),
            format!("COMMENT ON TABLE {table} IS '{text}';\n"),
            format!("COMMENT ON TABLE {table} IS {previous};\n"),
        )
    }

    fn concurrent_index(&mut self, k: usize) -> (String, String, String) {
        let t = self.pick_table();
        let table = self.tables[t].name.clone();
        let index = format!("{table}_{k}_updated_idx");
        (
            format!("index_{table}_{k}_concurrently"),
            format!(
                "-- no-transaction\nCREATE INDEX CONCURRENTLY {index} ON {table} (updated_at);\n"
            ),
            format!("-- no-transaction\nDROP INDEX CONCURRENTLY {index};\n"),
        )
    }
}

/// Minutes since 1970 as `YYYYMMDDhhmm00`.
fn version_of(minutes: i64) -> i64 {
    let (days, minute_of_day) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
    let (year, month, day) = civil_from_days(days);
    let (hour, minute) = (minute_of_day / 60, minute_of_day % 60);
    ((((year * 100 + month) * 100 + day) * 100 + hour) * 100 + minute) * 100
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_size_gives_the_same_history() {
        assert_eq!(history(300), history(300));
        // A shorter history is a prefix of a longer one, so sizes compare like for like.
        assert_eq!(history(100)[..], history(300)[..100]);
    }

    #[test]
    fn every_migration_has_an_up_and_a_down_in_version_order() {
        let migrations = history(1000);
        for pair in migrations.windows(2) {
            assert!(
                pair[0].version < pair[1].version,
                "{} then {}",
                pair[0].version,
                pair[1].version
            );
        }
        for migration in &migrations {
            assert!(
                !migration.up.trim().is_empty() && !migration.down.trim().is_empty(),
                "{}",
                migration.name
            );
            assert_eq!(
                migration.up.starts_with("-- no-transaction"),
                migration.down.starts_with("-- no-transaction")
            );
        }
        let kinds = [
            "CREATE TABLE",
            "REFERENCES",
            "CREATE INDEX",
            "CREATE TYPE",
            "CREATE FUNCTION",
            "CREATE TRIGGER",
            "CREATE VIEW",
            "CONCURRENTLY",
        ];
        for kind in kinds {
            assert!(
                migrations.iter().any(|m| m.up.contains(kind)),
                "no migration does {kind}"
            );
        }
    }

    #[test]
    fn sqlx_resolves_every_migration_as_reversible() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &history(200)).unwrap();
        let set = migtest_migrations::load(dir.path()).unwrap();
        assert_eq!(set.migrations.len(), 200);
        assert!(set.ignored_files.is_empty());
        for migration in &set.migrations {
            assert!(
                matches!(migration.down, migtest_migrations::Down::Script(_)),
                "{}",
                migration.version
            );
            assert!(
                migration.problems.is_empty(),
                "{}: {:?}",
                migration.version,
                migration.problems
            );
        }
    }

    #[test]
    fn a_schema_of_a_given_size_stops_at_its_last_table() {
        let migrations = history_with_tables(10);
        assert_eq!(
            migrations
                .iter()
                .filter(|m| m.up.contains("CREATE TABLE"))
                .count(),
            10
        );
        assert!(migrations.last().unwrap().up.contains("CREATE TABLE"));
    }

    #[test]
    fn versions_are_timestamps() {
        assert_eq!(version_of(START_MINUTES), 20230102090000);
        assert_eq!(
            version_of(START_MINUTES + 365 * 1440 + 15 * 60 + 1),
            20240103000100
        );
    }
}
