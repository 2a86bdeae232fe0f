//! Captures real schemas on a throwaway PostgreSQL server and checks what the diff reports: each
//! case sets up a schema, snapshots it, applies a change and snapshots again.

mod support;

use migtest_schema::{
    CaptureStep, Change, Difference, ObjectKey, ObjectKind, Snapshot, SnapshotError,
    SnapshotOptions, SnapshotReader, capture, diff,
};
use sqlx::migrate::Migrate;
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use support::Server;

use Change::{Added, Changed, ColumnOrder, Removed};
use ObjectKind as K;

/// The table every case starts from, so that harmless changes are tried on a schema with a bit
/// of everything. Kept as macros so that a case can recreate objects from the very same text.
macro_rules! touch_function {
    () => {
        "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    NEW.started_at := now();  -- a comment with $$ dollars $$ inside
    RETURN NEW;
END
$body$;
"
    };
}

macro_rules! runs_table {
    () => {
        "CREATE TABLE runs (
    id bigserial PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    status run_status NOT NULL DEFAULT 'queued',
    started_at timestamptz DEFAULT now(),
    note text,
    CONSTRAINT runs_note_length CHECK (length(note) < 1000)
);
CREATE INDEX idx_runs_status ON runs (status) WHERE status <> 'done';
CREATE TRIGGER runs_touch BEFORE UPDATE ON runs FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY runs_by_project ON runs USING (project_id > 0);
COMMENT ON TABLE runs IS 'one row per run';
"
    };
}

macro_rules! active_runs_view {
    () => {
        "CREATE VIEW active_runs AS
    SELECT id, project_id, status FROM runs WHERE status = 'running';
"
    };
}

const BASE: &str = concat!(
    "CREATE TYPE run_status AS ENUM ('queued', 'running', 'done');
CREATE TABLE projects (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE
);
CREATE SEQUENCE tickets START 100 INCREMENT 5;
",
    touch_function!(),
    runs_table!(),
    active_runs_view!(),
);

struct Case {
    name: &'static str,
    /// Run after [`BASE`], before the first snapshot.
    setup: &'static str,
    /// Run between the two snapshots.
    change: &'static str,
    expected: &'static [(ObjectKind, &'static str, Change)],
}

const CASES: &[Case] = &[
    // Harmless: nothing a migration test should ever report.
    Case {
        name: "nothing done",
        setup: "",
        change: "",
        expected: &[],
    },
    Case {
        name: "rows inserted and sequences advanced",
        setup: "",
        change: "INSERT INTO projects (name) VALUES ('a'), ('b');
            INSERT INTO runs (project_id) SELECT id FROM projects;
            UPDATE runs SET note = 'x';
            SELECT nextval('tickets'); SELECT nextval('tickets');
            SELECT setval('runs_id_seq', 500);
            ALTER TABLE projects ALTER COLUMN id RESTART WITH 50;",
        expected: &[],
    },
    Case {
        name: "analyze",
        setup: "INSERT INTO projects (name) SELECT 'p' || g FROM generate_series(1, 100) g;",
        change: "ANALYZE",
        expected: &[],
    },
    Case {
        name: "vacuum",
        setup: "",
        change: "VACUUM (ANALYZE)",
        expected: &[],
    },
    Case {
        name: "truncate and reindex",
        setup: "INSERT INTO projects (name) VALUES ('a');",
        change: "TRUNCATE runs, projects; REINDEX TABLE runs;",
        expected: &[],
    },
    Case {
        name: "table dropped and recreated identically",
        setup: "",
        change: concat!(
            "DROP TABLE runs CASCADE;\n",
            runs_table!(),
            active_runs_view!()
        ),
        expected: &[],
    },
    Case {
        name: "view recreated identically",
        setup: "",
        change: concat!("DROP VIEW active_runs;\n", active_runs_view!()),
        expected: &[],
    },
    Case {
        name: "function with dollar quotes recreated identically",
        setup: "",
        change: concat!(
            "DROP FUNCTION touch() CASCADE;\n",
            touch_function!(),
            "CREATE TRIGGER runs_touch BEFORE UPDATE ON runs FOR EACH ROW EXECUTE FUNCTION touch();"
        ),
        expected: &[],
    },
    Case {
        name: "enum recreated with the same labels in the same order",
        setup: "CREATE TYPE mood AS ENUM ('sad', 'happy'); ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy';",
        change: "DROP TYPE mood; CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');",
        expected: &[],
    },
    Case {
        name: "last column dropped and added back",
        setup: "",
        change: "ALTER TABLE runs DROP COLUMN note;
            ALTER TABLE runs ADD COLUMN note text
                CONSTRAINT runs_note_length CHECK (length(note) < 1000);",
        expected: &[],
    },
    Case {
        name: "privileges granted then revoked back to the defaults",
        setup: "CREATE ROLE grant_revoke_reader;",
        change: "GRANT SELECT ON runs TO grant_revoke_reader;
            REVOKE SELECT ON runs FROM grant_revoke_reader;",
        expected: &[],
    },
    Case {
        name: "session settings changed by a migration",
        setup: "",
        change: "SET search_path TO pg_catalog; SET DateStyle TO 'German';
            SET quote_all_identifiers TO on; SET TimeZone TO 'Asia/Tokyo';",
        expected: &[],
    },
    Case {
        name: "temporary table",
        setup: "",
        change: "CREATE TEMPORARY TABLE scratch (a int PRIMARY KEY);",
        expected: &[],
    },
    Case {
        name: "materialized view refreshed",
        setup: "CREATE MATERIALIZED VIEW run_counts AS SELECT status, count(*) FROM runs GROUP BY status;",
        change: "INSERT INTO projects (name) VALUES ('a'); REFRESH MATERIALIZED VIEW run_counts;",
        expected: &[],
    },
    Case {
        name: "partitioned table recreated identically",
        setup: "CREATE TABLE events (at date NOT NULL, kind text) PARTITION BY RANGE (at);
            CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
            CREATE INDEX events_kind ON events (kind);",
        change: "DROP TABLE events;
            CREATE TABLE events (at date NOT NULL, kind text) PARTITION BY RANGE (at);
            CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
            CREATE INDEX events_kind ON events (kind);",
        expected: &[],
    },
    // Real changes.
    Case {
        name: "index added",
        setup: "",
        change: "CREATE INDEX idx_runs_project ON runs (project_id);",
        expected: &[(K::Index, "public.idx_runs_project", Added)],
    },
    Case {
        name: "index dropped",
        setup: "",
        change: "DROP INDEX idx_runs_status;",
        expected: &[(K::Index, "public.idx_runs_status", Removed)],
    },
    Case {
        name: "index predicate changed",
        setup: "",
        change: "DROP INDEX idx_runs_status;
            CREATE INDEX idx_runs_status ON runs (status) WHERE status <> 'queued';",
        expected: &[(K::Index, "public.idx_runs_status", Changed)],
    },
    Case {
        name: "default changed",
        setup: "",
        change: "ALTER TABLE runs ALTER COLUMN status SET DEFAULT 'running';",
        expected: &[(K::Table, "public.runs", Changed)],
    },
    Case {
        name: "enum value added",
        setup: "",
        change: "ALTER TYPE run_status ADD VALUE 'failed';",
        expected: &[(K::Type, "public.run_status", Changed)],
    },
    Case {
        name: "enum value added in the middle",
        setup: "",
        change: "ALTER TYPE run_status ADD VALUE 'paused' BEFORE 'done';",
        expected: &[(K::Type, "public.run_status", Changed)],
    },
    Case {
        name: "trigger left behind",
        setup: "CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;",
        change: "CREATE TRIGGER runs_audit AFTER INSERT ON runs FOR EACH ROW EXECUTE FUNCTION audit();",
        expected: &[(K::Trigger, "runs_audit on public.runs", Added)],
    },
    Case {
        name: "trigger dropped",
        setup: "",
        change: "DROP TRIGGER runs_touch ON runs;",
        expected: &[(K::Trigger, "runs_touch on public.runs", Removed)],
    },
    Case {
        name: "trigger disabled",
        setup: "",
        change: "ALTER TABLE runs DISABLE TRIGGER runs_touch;",
        expected: &[(K::Trigger, "runs_touch on public.runs", Changed)],
    },
    Case {
        name: "trigger enabled always",
        setup: "",
        change: "ALTER TABLE runs ENABLE ALWAYS TRIGGER runs_touch;",
        expected: &[(K::Trigger, "runs_touch on public.runs", Changed)],
    },
    Case {
        name: "column type changed",
        setup: "",
        change: "ALTER TABLE runs ALTER COLUMN started_at TYPE timestamp;",
        expected: &[(K::Table, "public.runs", Changed)],
    },
    Case {
        name: "column type changed under a check constraint",
        setup: "",
        change: "ALTER TABLE runs ALTER COLUMN note TYPE varchar(2000);",
        expected: &[
            (K::Table, "public.runs", Changed),
            (K::Constraint, "runs_note_length on public.runs", Changed),
        ],
    },
    Case {
        name: "column dropped and added back at the end",
        setup: "",
        change: "ALTER TABLE runs DROP COLUMN started_at;
            ALTER TABLE runs ADD COLUMN started_at timestamptz DEFAULT now();",
        expected: &[(K::Table, "public.runs", ColumnOrder)],
    },
    Case {
        name: "column dropped and added back with another type",
        setup: "",
        change: "ALTER TABLE runs DROP COLUMN started_at;
            ALTER TABLE runs ADD COLUMN started_at timestamp DEFAULT now();",
        expected: &[(K::Table, "public.runs", Changed)],
    },
    Case {
        name: "column collation changed",
        setup: "",
        change: "ALTER TABLE projects ALTER COLUMN name TYPE text COLLATE \"C\";",
        expected: &[(K::Table, "public.projects", Changed)],
    },
    Case {
        name: "not null dropped",
        setup: "",
        change: "ALTER TABLE runs ALTER COLUMN project_id DROP NOT NULL;",
        expected: &[(K::Table, "public.runs", Changed)],
    },
    Case {
        name: "generated column added",
        setup: "",
        change: "ALTER TABLE runs ADD COLUMN note_length int GENERATED ALWAYS AS (length(note)) STORED;",
        expected: &[(K::Table, "public.runs", Changed)],
    },
    Case {
        name: "constraint added",
        setup: "",
        change: "ALTER TABLE projects ADD CONSTRAINT projects_name_not_blank CHECK (name <> '');",
        expected: &[(K::Constraint, "projects_name_not_blank on public.projects", Added)],
    },
    Case {
        name: "unique constraint added with its index",
        setup: "",
        change: "ALTER TABLE runs ADD CONSTRAINT runs_project_note UNIQUE (project_id, note);",
        expected: &[(K::Constraint, "runs_project_note on public.runs", Added)],
    },
    Case {
        name: "constraint validated",
        setup: "ALTER TABLE projects ADD CONSTRAINT projects_name_short CHECK (length(name) < 100) NOT VALID;",
        change: "ALTER TABLE projects VALIDATE CONSTRAINT projects_name_short;",
        expected: &[(K::Constraint, "projects_name_short on public.projects", Changed)],
    },
    Case {
        name: "foreign key made deferrable",
        setup: "",
        change: "ALTER TABLE runs ALTER CONSTRAINT runs_project_id_fkey DEFERRABLE INITIALLY DEFERRED;",
        expected: &[(K::Constraint, "runs_project_id_fkey on public.runs", Changed)],
    },
    Case {
        name: "sequence increment changed",
        setup: "",
        change: "ALTER SEQUENCE tickets INCREMENT BY 10;",
        expected: &[(K::Sequence, "public.tickets", Changed)],
    },
    Case {
        name: "function changed",
        setup: "",
        change: "CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN NEW.started_at := clock_timestamp(); RETURN NEW; END $$;",
        expected: &[(K::Function, "public.touch()", Changed)],
    },
    Case {
        name: "function volatility changed",
        setup: "CREATE FUNCTION add_one(x integer) RETURNS integer LANGUAGE sql AS 'SELECT x + 1';",
        change: "ALTER FUNCTION add_one(integer) IMMUTABLE;",
        expected: &[(K::Function, "public.add_one(integer)", Changed)],
    },
    Case {
        name: "function overload added",
        setup: "CREATE FUNCTION add_one(x integer) RETURNS integer LANGUAGE sql AS 'SELECT x + 1';",
        change: "CREATE FUNCTION add_one(x bigint, y text) RETURNS bigint LANGUAGE sql AS 'SELECT x + 1';",
        expected: &[(K::Function, "public.add_one(bigint, text)", Added)],
    },
    Case {
        name: "function execute revoked from public",
        setup: "",
        change: "REVOKE EXECUTE ON FUNCTION touch() FROM PUBLIC;",
        expected: &[(K::Function, "public.touch()", Changed)],
    },
    Case {
        name: "procedure added",
        setup: "",
        change: "CREATE PROCEDURE close_runs() LANGUAGE sql AS $$UPDATE runs SET status = 'done'$$;",
        expected: &[(K::Procedure, "public.close_runs()", Added)],
    },
    Case {
        name: "aggregate added",
        setup: "",
        change: "CREATE AGGREGATE total(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0');",
        expected: &[(K::Aggregate, "public.total(integer)", Added)],
    },
    Case {
        name: "policy changed",
        setup: "",
        change: "ALTER POLICY runs_by_project ON runs USING (project_id > 10);",
        expected: &[(K::Policy, "runs_by_project on public.runs", Changed)],
    },
    Case {
        name: "policy roles changed",
        setup: "CREATE ROLE policy_tenant;",
        change: "ALTER POLICY runs_by_project ON runs TO policy_tenant;",
        expected: &[(K::Policy, "runs_by_project on public.runs", Changed)],
    },
    Case {
        name: "row level security forced",
        setup: "",
        change: "ALTER TABLE runs FORCE ROW LEVEL SECURITY;",
        expected: &[(K::Table, "public.runs", Changed)],
    },
    Case {
        name: "comment added",
        setup: "",
        change: "COMMENT ON INDEX idx_runs_status IS 'unfinished runs';
            COMMENT ON COLUMN projects.name IS 'shown to people';",
        expected: &[
            (K::Table, "public.projects", Changed),
            (K::Index, "public.idx_runs_status", Changed),
        ],
    },
    Case {
        name: "comment on a constraint and a trigger",
        setup: "",
        change: "COMMENT ON CONSTRAINT runs_note_length ON runs IS 'short notes';
            COMMENT ON TRIGGER runs_touch ON runs IS 'keeps started_at';",
        expected: &[
            (K::Constraint, "runs_note_length on public.runs", Changed),
            (K::Trigger, "runs_touch on public.runs", Changed),
        ],
    },
    Case {
        name: "grant added",
        setup: "CREATE ROLE grant_reader;",
        change: "GRANT SELECT, INSERT ON runs TO grant_reader;",
        expected: &[(K::Table, "public.runs", Changed)],
    },
    Case {
        name: "column grant added",
        setup: "CREATE ROLE column_reader;",
        change: "GRANT SELECT (name) ON projects TO column_reader;",
        expected: &[(K::Table, "public.projects", Changed)],
    },
    Case {
        name: "owner changed",
        setup: "CREATE ROLE new_owner;",
        change: "ALTER TABLE projects OWNER TO new_owner;",
        expected: &[
            (K::Sequence, "public.projects_id_seq", Changed),
            (K::Table, "public.projects", Changed),
        ],
    },
    Case {
        name: "view changed",
        setup: "",
        change: "CREATE OR REPLACE VIEW active_runs AS
            SELECT id, project_id, status FROM runs WHERE status = 'queued';",
        expected: &[(K::View, "public.active_runs", Changed)],
    },
    Case {
        name: "materialized view added",
        setup: "",
        change: "CREATE MATERIALIZED VIEW run_counts AS SELECT status, count(*) FROM runs GROUP BY status;
            CREATE UNIQUE INDEX run_counts_status ON run_counts (status);",
        expected: &[
            (K::MaterializedView, "public.run_counts", Added),
            (K::Index, "public.run_counts_status", Added),
        ],
    },
    Case {
        name: "extension added",
        setup: "",
        change: "CREATE EXTENSION pg_trgm;",
        expected: &[(K::Extension, "pg_trgm", Added)],
    },
    Case {
        name: "extension added in its own schema",
        setup: "",
        change: "CREATE SCHEMA ext; CREATE EXTENSION citext SCHEMA ext;",
        expected: &[(K::Schema, "ext", Added), (K::Extension, "citext", Added)],
    },
    Case {
        name: "role created",
        setup: "",
        change: "CREATE ROLE reporter LOGIN CONNECTION LIMIT 3;",
        expected: &[(K::Role, "reporter", Added)],
    },
    Case {
        name: "role membership granted",
        setup: "CREATE ROLE team; CREATE ROLE member;",
        change: "GRANT team TO member;",
        expected: &[(K::Role, "member", Changed)],
    },
    Case {
        name: "schema added and owned",
        setup: "CREATE ROLE schema_owner;",
        change: "CREATE SCHEMA app AUTHORIZATION schema_owner;",
        expected: &[(K::Schema, "app", Added)],
    },
    Case {
        name: "table moved to another schema",
        setup: "CREATE SCHEMA archive; CREATE TABLE old_runs (id int);",
        change: "ALTER TABLE old_runs SET SCHEMA archive;",
        expected: &[
            (K::Table, "archive.old_runs", Added),
            (K::Table, "public.old_runs", Removed),
        ],
    },
    Case {
        name: "table made unlogged",
        setup: "CREATE TABLE scratch (a int);",
        change: "ALTER TABLE scratch SET UNLOGGED;",
        expected: &[(K::Table, "public.scratch", Changed)],
    },
    Case {
        name: "storage parameter set",
        setup: "",
        change: "ALTER TABLE runs SET (fillfactor = 70);",
        expected: &[(K::Table, "public.runs", Changed)],
    },
    Case {
        name: "replica identity full",
        setup: "",
        change: "ALTER TABLE runs REPLICA IDENTITY FULL;",
        expected: &[(K::Table, "public.runs", Changed)],
    },
    Case {
        name: "partition added",
        setup: "CREATE TABLE events (at date NOT NULL, kind text) PARTITION BY RANGE (at);
            CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
            CREATE INDEX events_kind ON events (kind);",
        change: "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');",
        expected: &[
            (K::Table, "public.events_2026", Added),
            (K::Index, "public.events_2026_kind_idx", Added),
        ],
    },
    Case {
        name: "domain constraint added",
        setup: "CREATE DOMAIN email AS text NOT NULL;",
        change: "ALTER DOMAIN email ADD CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%');",
        expected: &[(K::Domain, "public.email", Changed)],
    },
    Case {
        name: "composite type attribute added",
        setup: "CREATE TYPE point3 AS (x float8, y float8);",
        change: "ALTER TYPE point3 ADD ATTRIBUTE z float8;",
        expected: &[(K::Type, "public.point3", Changed)],
    },
    Case {
        name: "range type added",
        setup: "",
        change: "CREATE TYPE float_range AS RANGE (subtype = float8);",
        expected: &[(K::Type, "public.float_range", Added)],
    },
    Case {
        name: "collation added",
        setup: "",
        change: "CREATE COLLATION plain (provider = libc, locale = 'C');",
        expected: &[(K::Collation, "public.plain", Added)],
    },
    Case {
        name: "rule added",
        setup: "CREATE TABLE audit_log (at timestamptz);",
        change: "CREATE RULE runs_log AS ON DELETE TO runs DO ALSO INSERT INTO audit_log VALUES (now());",
        expected: &[(K::Rule, "runs_log on public.runs", Added)],
    },
    Case {
        name: "extended statistics added",
        setup: "",
        change: "CREATE STATISTICS runs_project_status (dependencies) ON project_id, status FROM runs;",
        expected: &[(K::Statistics, "public.runs_project_status", Added)],
    },
    Case {
        name: "event trigger added",
        setup: "CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;",
        change: "CREATE EVENT TRIGGER audit_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
            EXECUTE FUNCTION on_ddl();",
        expected: &[(K::EventTrigger, "audit_ddl", Added)],
    },
    Case {
        name: "default privileges granted",
        setup: "CREATE ROLE default_reader;",
        change: "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO default_reader;",
        expected: &[(
            K::DefaultPrivileges,
            "for role postgres in schema public on tables",
            Added,
        )],
    },
    Case {
        name: "foreign table added",
        // A wrapper without a handler: enough to define foreign tables, and it loads no library.
        setup: "CREATE FOREIGN DATA WRAPPER dummy;",
        change: "CREATE SERVER remote FOREIGN DATA WRAPPER dummy OPTIONS (dbname 'x');
            CREATE FOREIGN TABLE remote_runs (id bigint) SERVER remote OPTIONS (table_name 'runs');",
        expected: &[
            (K::ForeignServer, "remote", Added),
            (K::ForeignTable, "public.remote_runs", Added),
        ],
    },
    // Kinds and properties beyond tables.
    Case {
        name: "extension dropped and created again",
        setup: "CREATE EXTENSION pg_trgm;",
        change: "DROP EXTENSION pg_trgm; CREATE EXTENSION pg_trgm;",
        expected: &[],
    },
    Case {
        name: "column added and dropped again",
        setup: "",
        change: "ALTER TABLE projects ADD COLUMN scratch text; ALTER TABLE projects DROP COLUMN scratch;",
        expected: &[],
    },
    Case {
        name: "extension member privilege revoked",
        setup: "CREATE EXTENSION pg_trgm;",
        change: "REVOKE EXECUTE ON FUNCTION similarity(text, text) FROM PUBLIC;",
        expected: &[(K::Extension, "pg_trgm", Changed)],
    },
    Case {
        name: "extension member privilege revoked and granted back",
        setup: "CREATE EXTENSION pg_trgm;",
        change: "REVOKE EXECUTE ON FUNCTION similarity(text, text) FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION similarity(text, text) TO PUBLIC;",
        expected: &[],
    },
    Case {
        name: "extension updated",
        setup: "CREATE EXTENSION hstore VERSION '1.7';",
        change: "ALTER EXTENSION hstore UPDATE TO '1.8';",
        expected: &[(K::Extension, "hstore", Changed)],
    },
    Case {
        name: "cast added",
        setup: "",
        change: "CREATE CAST (text AS run_status) WITH INOUT AS ASSIGNMENT;",
        expected: &[(K::Cast, "(text AS public.run_status)", Added)],
    },
    Case {
        name: "operator added",
        setup: "CREATE FUNCTION same_length(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE
                AS 'SELECT length($1) = length($2)';",
        change: "CREATE OPERATOR === (LEFTARG = text, RIGHTARG = text, FUNCTION = same_length,
                COMMUTATOR = ===);",
        expected: &[(K::Operator, "public.===(text, text)", Added)],
    },
    Case {
        name: "operator class added with its family",
        setup: "",
        change: "CREATE OPERATOR CLASS int4_plain_hash FOR TYPE int4 USING hash AS
                OPERATOR 1 =, FUNCTION 1 hashint4(int4);",
        expected: &[
            (K::OperatorFamily, "public.int4_plain_hash using hash", Added),
            (K::OperatorClass, "public.int4_plain_hash using hash", Added),
        ],
    },
    Case {
        name: "operator family member added",
        setup: "CREATE OPERATOR FAMILY loose_ops USING btree;",
        change: "ALTER OPERATOR FAMILY loose_ops USING btree ADD OPERATOR 1 < (int4, int4);",
        expected: &[(K::OperatorFamily, "public.loose_ops using btree", Changed)],
    },
    Case {
        name: "language added",
        setup: "",
        change: "CREATE LANGUAGE plpgsql_copy HANDLER plpgsql_call_handler VALIDATOR plpgsql_validator;",
        expected: &[(K::Language, "plpgsql_copy", Added)],
    },
    Case {
        name: "language usage revoked",
        setup: "CREATE TRUSTED LANGUAGE plpgsql_copy HANDLER plpgsql_call_handler;",
        change: "REVOKE USAGE ON LANGUAGE plpgsql_copy FROM PUBLIC;",
        expected: &[(K::Language, "plpgsql_copy", Changed)],
    },
    Case {
        name: "text search configuration mapping changed",
        setup: "CREATE TEXT SEARCH CONFIGURATION english_plain (COPY = english);",
        change: "ALTER TEXT SEARCH CONFIGURATION english_plain ALTER MAPPING FOR asciiword WITH simple;",
        expected: &[(K::TextSearchConfiguration, "public.english_plain", Changed)],
    },
    Case {
        name: "text search dictionary option changed",
        setup: "CREATE TEXT SEARCH DICTIONARY plain_words (TEMPLATE = simple, STOPWORDS = english);",
        change: "ALTER TEXT SEARCH DICTIONARY plain_words (ACCEPT = false);",
        expected: &[(K::TextSearchDictionary, "public.plain_words", Changed)],
    },
    Case {
        name: "text search template and parser added",
        setup: "",
        change: "CREATE TEXT SEARCH TEMPLATE my_simple (INIT = dsimple_init, LEXIZE = dsimple_lexize);
            CREATE TEXT SEARCH PARSER my_parser (START = prsd_start, GETTOKEN = prsd_nexttoken,
                END = prsd_end, LEXTYPES = prsd_lextype);",
        expected: &[
            (K::TextSearchParser, "public.my_parser", Added),
            (K::TextSearchTemplate, "public.my_simple", Added),
        ],
    },
    Case {
        name: "publication added",
        setup: "",
        change: "CREATE PUBLICATION runs_feed FOR TABLE runs WITH (publish = 'insert, update');",
        expected: &[(K::Publication, "runs_feed", Added)],
    },
    Case {
        name: "publication table added",
        setup: "CREATE PUBLICATION runs_feed FOR TABLE runs;",
        change: "ALTER PUBLICATION runs_feed ADD TABLE projects;",
        expected: &[(K::Publication, "runs_feed", Changed)],
    },
    Case {
        name: "publication recreated identically",
        setup: "CREATE PUBLICATION runs_feed FOR TABLE runs, projects;",
        change: "DROP PUBLICATION runs_feed; CREATE PUBLICATION runs_feed FOR TABLE projects, runs;",
        expected: &[],
    },
    Case {
        name: "subscription added",
        setup: "",
        change: "CREATE SUBSCRIPTION runs_in CONNECTION 'dbname=nowhere' PUBLICATION runs_feed
                WITH (connect = false, slot_name = NONE, enabled = false);",
        expected: &[(K::Subscription, "runs_in", Added)],
    },
    Case {
        name: "user mapping added",
        setup: "CREATE FOREIGN DATA WRAPPER dummy; CREATE SERVER elsewhere FOREIGN DATA WRAPPER dummy;",
        change: "CREATE USER MAPPING FOR PUBLIC SERVER elsewhere OPTIONS (user 'reader');",
        expected: &[(K::UserMapping, "for PUBLIC server elsewhere", Added)],
    },
    Case {
        name: "database setting changed",
        setup: "",
        change: "DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET work_mem = %L', current_database(), '8MB'); END$$;",
        expected: &[(K::Database, "case_NUMBER", Changed)],
    },
    Case {
        name: "role setting in the database changed",
        setup: "CREATE ROLE setting_holder;",
        change: "DO $$BEGIN EXECUTE format('ALTER ROLE setting_holder IN DATABASE %I SET work_mem = %L',
                current_database(), '8MB'); END$$;",
        expected: &[(K::Database, "case_NUMBER", Changed)],
    },
    Case {
        name: "access method added",
        setup: "",
        change: "CREATE ACCESS METHOD heap_copy TYPE TABLE HANDLER heap_tableam_handler;",
        expected: &[(K::AccessMethod, "heap_copy", Added)],
    },
    Case {
        name: "conversion added",
        setup: "",
        change: "CREATE CONVERSION latin1_in FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;",
        expected: &[(K::Conversion, "public.latin1_in", Added)],
    },
    Case {
        name: "toast storage parameter set",
        setup: "",
        change: "ALTER TABLE runs SET (toast.autovacuum_enabled = false);",
        expected: &[(K::Table, "public.runs", Changed)],
    },
    Case {
        name: "partition detached",
        setup: "CREATE TABLE events (at date NOT NULL, kind text) PARTITION BY RANGE (at);
            CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
        change: "ALTER TABLE events DETACH PARTITION events_2025;",
        expected: &[(K::Table, "public.events_2025", Changed)],
    },
    Case {
        name: "table inherits",
        setup: "CREATE TABLE base_log (at timestamptz); CREATE TABLE run_log (at timestamptz, run bigint);",
        change: "ALTER TABLE run_log INHERIT base_log;",
        expected: &[(K::Table, "public.run_log", Changed)],
    },
    Case {
        name: "event trigger disabled",
        setup: "CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;
            CREATE EVENT TRIGGER audit_ddl ON ddl_command_end EXECUTE FUNCTION on_ddl();",
        change: "ALTER EVENT TRIGGER audit_ddl DISABLE;",
        expected: &[(K::EventTrigger, "audit_ddl", Changed)],
    },
    Case {
        name: "aggregate replaced",
        setup: "CREATE AGGREGATE total(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0');",
        change: "CREATE OR REPLACE AGGREGATE total(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '10');",
        expected: &[(K::Aggregate, "public.total(integer)", Changed)],
    },
    Case {
        name: "function attributes changed",
        setup: "CREATE FUNCTION add_one(x integer) RETURNS integer LANGUAGE sql AS 'SELECT x + 1';",
        change: "ALTER FUNCTION add_one(integer) STRICT SECURITY DEFINER PARALLEL SAFE COST 5
                SET search_path = pg_catalog;",
        expected: &[(K::Function, "public.add_one(integer)", Changed)],
    },
    Case {
        name: "sequence owned by a column",
        setup: "",
        change: "ALTER SEQUENCE tickets OWNED BY runs.id;",
        expected: &[(K::Sequence, "public.tickets", Changed)],
    },
    Case {
        name: "trigger enabled on replica only",
        setup: "",
        change: "ALTER TABLE runs ENABLE REPLICA TRIGGER runs_touch;",
        expected: &[(K::Trigger, "runs_touch on public.runs", Changed)],
    },
    Case {
        name: "exclusion constraint added",
        setup: "CREATE TABLE bookings (room int, during tstzrange);",
        change: "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&);",
        expected: &[(K::Constraint, "bookings_no_overlap on public.bookings", Added)],
    },
    Case {
        name: "comments on the new kinds",
        setup: "CREATE PUBLICATION runs_feed FOR TABLE runs;
            CREATE TEXT SEARCH CONFIGURATION english_plain (COPY = english);",
        change: "COMMENT ON PUBLICATION runs_feed IS 'to the warehouse';
            COMMENT ON TEXT SEARCH CONFIGURATION english_plain IS 'plain english';",
        expected: &[
            (K::TextSearchConfiguration, "public.english_plain", Changed),
            (K::Publication, "runs_feed", Changed),
        ],
    },
    Case {
        name: "bookkeeping table created and filled",
        setup: "",
        change: "CREATE TABLE _sqlx_migrations (
                version BIGINT PRIMARY KEY, description TEXT NOT NULL,
                installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL,
                checksum BYTEA NOT NULL, execution_time BIGINT NOT NULL);
            INSERT INTO _sqlx_migrations VALUES (1, 'init', now(), true, '\\x00', 1);",
        expected: &[],
    },
];

/// Cases for features that came with a later major: `server_version_num` it needs, and the case.
const LATER_CASES: &[(i32, Case)] = &[
    (
        150_000,
        Case {
            name: "unique index made nulls not distinct",
            setup: "CREATE UNIQUE INDEX projects_name_lower ON projects (lower(name));",
            change: "DROP INDEX projects_name_lower;
                CREATE UNIQUE INDEX projects_name_lower ON projects (lower(name)) NULLS NOT DISTINCT;",
            expected: &[(K::Index, "public.projects_name_lower", Changed)],
        },
    ),
    (
        150_000,
        Case {
            name: "parameter privilege granted",
            setup: "CREATE ROLE tuner;",
            change: "GRANT SET ON PARAMETER work_mem TO tuner;",
            expected: &[(K::Parameter, "work_mem", Added)],
        },
    ),
    (
        150_000,
        Case {
            name: "publication column list and row filter",
            setup: "CREATE PUBLICATION runs_feed FOR TABLE runs (id, status);",
            change: "ALTER PUBLICATION runs_feed SET TABLE runs (id, status) WHERE (id > 10);",
            expected: &[(K::Publication, "runs_feed", Changed)],
        },
    ),
    (
        150_000,
        Case {
            name: "publication of a whole schema",
            setup: "CREATE SCHEMA feed; CREATE PUBLICATION runs_feed FOR TABLE runs;",
            change: "ALTER PUBLICATION runs_feed ADD TABLES IN SCHEMA feed;",
            expected: &[(K::Publication, "runs_feed", Changed)],
        },
    ),
    (
        180_000,
        Case {
            name: "not null constraint added not valid",
            setup: "",
            change: "ALTER TABLE runs ADD CONSTRAINT runs_note_present NOT NULL note NOT VALID;",
            expected: &[(K::Table, "public.runs", Changed)],
        },
    ),
];

fn summary(differences: &[Difference]) -> Vec<(ObjectKind, String, Change)> {
    differences
        .iter()
        .map(|difference| {
            (
                difference.key.kind,
                difference.key.name.clone(),
                difference.change,
            )
        })
        .collect()
}

async fn execute(conn: &mut PgConnection, sql: &'static str) -> Result<(), String> {
    if sql.trim().is_empty() {
        return Ok(());
    }
    sqlx::raw_sql(sql)
        .execute(conn)
        .await
        .map(drop)
        .map_err(|error| format!("{error}"))
}

async fn snapshot(conn: &mut PgConnection) -> Result<Snapshot, String> {
    capture(conn, &SnapshotOptions::default()).await.map_err(
        |error| match std::error::Error::source(&error) {
            Some(source) => format!("capture failed: {error}: {source}"),
            None => format!("capture failed: {error}"),
        },
    )
}

/// Runs one case in a database of its own; `Err` describes how it went wrong.
async fn check(server: &Server, number: usize, case: &Case) -> Result<(), String> {
    let database = format!("case_{number}");
    let mut conn = server.create_database(&database).await;
    let mut reader =
        SnapshotReader::connect(&server.options(&database), SnapshotOptions::default())
            .await
            .map_err(|error| format!("reader failed to connect: {error}"))?;
    execute(&mut conn, BASE)
        .await
        .map_err(|error| format!("base schema failed: {error}"))?;
    execute(&mut conn, case.setup)
        .await
        .map_err(|error| format!("setup failed: {error}"))?;
    let before = snapshot(&mut conn).await?;
    execute(&mut conn, case.change)
        .await
        .map_err(|error| format!("change failed: {error}"))?;
    let after = snapshot(&mut conn).await?;
    // The same schema again, read the engine's way: two connections of the reader's own.
    let again = reader
        .capture(&mut conn)
        .await
        .map_err(|error| format!("reader failed: {error}"))?;
    reader.close().await;
    drop(conn.close().await);

    if after != again {
        let unstable = diff(&after, &again);
        return Err(format!(
            "capture and SnapshotReader differ on the same schema:\n{}",
            render(&unstable)
        ));
    }
    let differences = diff(&before, &after);
    let mut sorted = differences.clone();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    if sorted != differences {
        return Err("the differences are not sorted by key".to_owned());
    }
    // The database is named after the case.
    let mut expected: Vec<(ObjectKind, String, Change)> = case
        .expected
        .iter()
        .map(|(kind, name, change)| {
            let name = name.replace("NUMBER", &number.to_string());
            (*kind, name, *change)
        })
        .collect();
    expected.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let actual = summary(&differences);
    if actual == expected {
        Ok(())
    } else {
        Err(format!(
            "expected {expected:?}\n     got {actual:?}\n{}",
            render(&differences)
        ))
    }
}

fn render(differences: &[Difference]) -> String {
    differences
        .iter()
        .map(|difference| {
            format!(
                "{} ({}):\n{}",
                difference.key,
                difference.change,
                difference.unified_diff()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn each_case_reports_exactly_the_expected_differences() {
    let server = Server::start().await;
    let version = server.version_num().await;
    let cases: Vec<&Case> = CASES
        .iter()
        .chain(
            LATER_CASES
                .iter()
                .filter(|(since, _)| version >= *since)
                .map(|(_, case)| case),
        )
        .collect();
    let mut failures = Vec::new();
    for (number, case) in cases.iter().enumerate() {
        if let Err(reason) = check(&server, number, case).await {
            failures.push(format!("case {number} \"{}\": {reason}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[tokio::test]
async fn the_bookkeeping_table_is_left_out_wherever_it_lives() {
    let server = Server::start().await;
    let mut conn = server.create_database("bookkeeping").await;
    execute(
        &mut conn,
        "CREATE SCHEMA meta; CREATE TABLE kept (id serial PRIMARY KEY);",
    )
    .await
    .expect("schema set up");

    let default = SnapshotOptions::default();
    let qualified = SnapshotOptions {
        bookkeeping_table: "meta.history".to_owned(),
    };
    let before_default = capture(&mut conn, &default).await.expect("capture");
    let before_qualified = capture(&mut conn, &qualified).await.expect("capture");
    assert_eq!(before_default, before_qualified, "neither table exists yet");

    conn.ensure_migrations_table("_sqlx_migrations")
        .await
        .expect("sqlx creates its table");
    conn.ensure_migrations_table("meta.history")
        .await
        .expect("sqlx creates a qualified table");
    execute(
        &mut conn,
        "INSERT INTO meta.history VALUES (1, 'init', now(), true, '\\x00', 1);",
    )
    .await
    .expect("a row is recorded");

    let after_default = capture(&mut conn, &default).await.expect("capture");
    let after_qualified = capture(&mut conn, &qualified).await.expect("capture");
    assert_eq!(
        summary(&diff(&before_default, &after_default)),
        vec![
            (K::Table, "meta.history".to_owned(), Added),
            (
                K::Constraint,
                "history_pkey on meta.history".to_owned(),
                Added
            ),
        ],
        "the default options leave out _sqlx_migrations only"
    );
    assert_eq!(
        summary(&diff(&before_qualified, &after_qualified)),
        vec![
            (K::Table, "public._sqlx_migrations".to_owned(), Added),
            (
                K::Constraint,
                "_sqlx_migrations_pkey on public._sqlx_migrations".to_owned(),
                Added
            ),
        ],
        "the qualified name leaves out meta.history only"
    );
    // The kept table's sequence and constraint are still there: only the bookkeeping is skipped.
    for (kind, name) in [
        (K::Table, "public.kept"),
        (K::Sequence, "public.kept_id_seq"),
        (K::Constraint, "kept_pkey on public.kept"),
    ] {
        assert!(
            after_default.get(&ObjectKey::new(kind, name)).is_some(),
            "{kind} {name} is in the snapshot"
        );
    }
}

#[tokio::test]
async fn the_reader_resolves_the_bookkeeping_table_with_the_sessions_search_path() {
    let server = Server::start().await;
    let mut conn = server.create_database("reader_bookkeeping").await;
    execute(
        &mut conn,
        "CREATE SCHEMA meta; SET search_path TO meta, public;",
    )
    .await
    .expect("search path set");
    conn.ensure_migrations_table("_sqlx_migrations")
        .await
        .expect("sqlx creates its table in meta, first on the path");
    let mut reader = SnapshotReader::connect(
        &server.options("reader_bookkeeping"),
        SnapshotOptions::default(),
    )
    .await
    .expect("reader");
    let read = reader.capture(&mut conn).await.expect("reader capture");
    let captured = capture(&mut conn, &SnapshotOptions::default())
        .await
        .expect("capture");
    assert_eq!(read, captured);
    assert!(
        read.get(&ObjectKey::new(K::Table, "meta._sqlx_migrations"))
            .is_none(),
        "the table the session's search_path finds is the bookkeeping table"
    );
    assert!(
        read.get(&ObjectKey::new(K::Schema, "meta")).is_some(),
        "its schema is not bookkeeping"
    );
    reader.close().await;
}

/// Work a session has not committed is visible to that session only, and an ACCESS EXCLUSIVE
/// lock it holds would make other connections wait: the reader then reads on the session.
#[tokio::test]
async fn the_reader_sees_what_an_open_transaction_of_the_session_sees() {
    let server = Server::start().await;
    let mut conn = server.create_database("reader_open").await;
    execute(&mut conn, BASE).await.expect("base schema");
    let mut reader =
        SnapshotReader::connect(&server.options("reader_open"), SnapshotOptions::default())
            .await
            .expect("reader");
    let committed = reader.capture(&mut conn).await.expect("reader capture");

    let guard = std::time::Duration::from_secs(120);
    execute(
        &mut conn,
        "BEGIN; CREATE TABLE uncommitted (id int); LOCK TABLE runs IN ACCESS EXCLUSIVE MODE;",
    )
    .await
    .expect("open transaction");
    let open = tokio::time::timeout(guard, reader.capture(&mut conn))
        .await
        .expect("the reader does not wait for the session's locks")
        .expect("reader capture");
    assert_eq!(
        summary(&diff(&committed, &open)),
        vec![(K::Table, "public.uncommitted".to_owned(), Added)]
    );
    execute(&mut conn, "ROLLBACK;").await.expect("rollback");

    // A lock alone, with nothing written, is enough to read on the session.
    execute(
        &mut conn,
        "BEGIN; LOCK TABLE runs IN ACCESS EXCLUSIVE MODE;",
    )
    .await
    .expect("lock taken");
    let locked = tokio::time::timeout(guard, reader.capture(&mut conn))
        .await
        .expect("the reader does not wait for the session's lock")
        .expect("reader capture");
    assert_eq!(locked, committed);
    execute(&mut conn, "COMMIT;").await.expect("commit");
    assert_eq!(
        reader.capture(&mut conn).await.expect("reader capture"),
        committed
    );
    reader.close().await;
}

#[tokio::test]
async fn capture_leaves_the_session_settings_as_it_found_them() {
    let server = Server::start().await;
    let mut conn = server.create_database("settings").await;
    execute(
        &mut conn,
        "CREATE SCHEMA app; SET search_path TO app, public; SET DateStyle TO 'German, DMY';
         SET TimeZone TO 'Europe/Paris'; SET extra_float_digits TO 0;",
    )
    .await
    .expect("settings changed");
    let settings = "SELECT current_setting('search_path') || ' / ' || current_setting('DateStyle')
        || ' / ' || current_setting('TimeZone') || ' / ' || current_setting('extra_float_digits')";
    let before: String = sqlx::query_scalar(settings)
        .fetch_one(&mut conn)
        .await
        .expect("settings read");
    capture(&mut conn, &SnapshotOptions::default())
        .await
        .expect("capture");
    let after: String = sqlx::query_scalar(settings)
        .fetch_one(&mut conn)
        .await
        .expect("settings read");
    assert_eq!(before, "app, public / German, DMY / Europe/Paris / 0");
    assert_eq!(after, before);
}

#[tokio::test]
async fn a_failed_capture_is_a_typed_error_with_the_sqlstate() {
    let server = Server::start().await;
    let mut conn = server.create_database("failure").await;
    let mut transaction = conn.begin().await.expect("transaction");
    let failed = sqlx::raw_sql("SELECT 1 / 0")
        .execute(&mut *transaction)
        .await;
    assert!(failed.is_err(), "division by zero fails the transaction");
    let error = capture(&mut transaction, &SnapshotOptions::default())
        .await
        .expect_err("an aborted transaction cannot be read");
    match &error {
        SnapshotError::Database { step, sqlstate, .. } => {
            assert_eq!(*step, CaptureStep::ReadSettings);
            assert_eq!(sqlstate.as_deref(), Some("25P02"));
        }
        other => panic!("unexpected error: {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "could not read the server version and session settings"
    );
    assert!(
        std::error::Error::source(&error).is_some(),
        "the sqlx error is kept"
    );
}

#[tokio::test]
async fn the_canonical_texts_read_well() {
    let server = Server::start().await;
    let mut conn = server.create_database("texts").await;
    execute(&mut conn, BASE).await.expect("base schema");
    execute(
        &mut conn,
        "CREATE ROLE texts_reader;
         GRANT SELECT ON runs TO texts_reader;
         GRANT UPDATE (note) ON runs TO texts_reader;
         COMMENT ON COLUMN runs.note IS 'free text,
on two lines';",
    )
    .await
    .expect("grants and comments");
    let snapshot = capture(&mut conn, &SnapshotOptions::default())
        .await
        .expect("capture");
    let all: String = snapshot
        .objects()
        .filter(|(key, _)| key.kind != K::Role)
        .map(|(_, text)| format!("{text}\n\n"))
        .collect();
    // The texts come from the server's own deparsing, which changes a little between majors.
    let major: i32 =
        sqlx::query_scalar("SELECT current_setting('server_version_num')::int4 / 10000")
            .fetch_one(&mut conn)
            .await
            .expect("server version");
    insta::assert_snapshot!(format!("base_schema_pg{major}"), all);
}

#[tokio::test]
async fn hundreds_of_tables_capture_the_same_way_every_time() {
    let server = Server::start().await;
    let mut conn = server.create_database("many").await;
    let mut ddl = String::from(BASE);
    for n in 0..500 {
        ddl.push_str(&format!(
            "CREATE TABLE t{n} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                project_id bigint REFERENCES projects (id), name text NOT NULL DEFAULT 'x',
                created_at timestamptz NOT NULL DEFAULT now(), payload jsonb,
                CONSTRAINT t{n}_name CHECK (name <> ''));
             CREATE INDEX t{n}_created ON t{n} (created_at);
             COMMENT ON TABLE t{n} IS 'table {n}';\n"
        ));
    }
    sqlx::raw_sql(AssertSqlSafe(ddl))
        .execute(&mut conn)
        .await
        .expect("500 tables");
    let options = SnapshotOptions::default();
    // The first capture prepares the statement; the ones after it take the cached path.
    // How long they take is measured by `cargo xtask bench`, not asserted here.
    let first = capture(&mut conn, &options).await.expect("capture");
    for _ in 0..3 {
        let again = capture(&mut conn, &options).await.expect("capture");
        assert_eq!(again, first);
    }
    let mut reader = SnapshotReader::connect(&server.options("many"), options)
        .await
        .expect("reader");
    for _ in 0..3 {
        let read = reader.capture(&mut conn).await.expect("reader capture");
        assert_eq!(read, first);
    }
    reader.close().await;
    assert!(first.len() > 2500, "{} objects", first.len());
}
