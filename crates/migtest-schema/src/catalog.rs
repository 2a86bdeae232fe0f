//! The catalog query and the typed rows it decodes into.
//!
//! Everything is read in one statement that returns one JSON document, so a snapshot costs a single
//! round trip however many objects there are; or in two statements, each reading half of the
//! document's sections, which two connections send at once (see [`Part`]). The query leaves out
//! what is not schema (OIDs, statistics, sequence values) and what is not ours (system schemas,
//! extension members, the bookkeeping table); ordering that carries meaning (columns, enum labels,
//! inheritance parents) is done here, every other ordering is done in Rust so that it does not
//! depend on a collation.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

/// The oldest major whose catalogs the query knows.
pub(crate) const OLDEST_SUPPORTED: i32 = 140_000;

/// Marks the parent of a partition that is being detached concurrently.
pub(crate) const DETACH_PENDING: &str = " (detach pending)";

/// The first OID of objects made after `initdb` (`FirstNormalObjectId`): casts, languages, access
/// methods and operator family members have no schema to tell ours from PostgreSQL's own.
const FIRST_NORMAL_OID: u32 = 16_384;

/// Reads the version, the bookkeeping table's identity (resolved with the caller's `search_path`,
/// as the migration tool resolves it), whether subscriptions' connection strings are readable
/// (superusers only) and the settings [`PINNED_SETTINGS`] are about to change.
pub(crate) const READ_SETTINGS: &str = "\
SELECT pg_catalog.current_setting('server_version_num')::int4, \
       pg_catalog.to_regclass($1)::oid, \
       pg_catalog.has_column_privilege('pg_catalog.pg_subscription', 'subconninfo', 'SELECT'), \
       ARRAY[pg_catalog.current_setting('search_path'), \
             pg_catalog.current_setting('DateStyle'), \
             pg_catalog.current_setting('IntervalStyle'), \
             pg_catalog.current_setting('TimeZone'), \
             pg_catalog.current_setting('extra_float_digits'), \
             pg_catalog.current_setting('bytea_output'), \
             pg_catalog.current_setting('quote_all_identifiers'), \
             pg_catalog.current_setting('plan_cache_mode'), \
             pg_catalog.current_setting('jit')]";

/// What a [`crate::SnapshotReader`] asks the session the migrations run on: the bookkeeping
/// table's identity, resolved with the session's `search_path` as the migration tool resolves
/// it, and whether the session has work other connections cannot see or wait for: a transaction
/// that wrote (its changes are not visible elsewhere until it commits) or holds an ACCESS
/// EXCLUSIVE lock (the catalog functions would wait for it).
pub(crate) const SESSION_STATE: &str = "\
SELECT pg_catalog.to_regclass($1)::oid, \
       pg_catalog.pg_current_xact_id_if_assigned() IS NOT NULL \
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_locks l \
                   WHERE l.pid = pg_catalog.pg_backend_pid() AND l.mode = 'AccessExclusiveLock')";

/// What a [`crate::SnapshotReader`] reads once on each of its own connections.
pub(crate) const READER_SETTINGS: &str = "\
SELECT pg_catalog.current_setting('server_version_num')::int4, \
       pg_catalog.has_column_privilege('pg_catalog.pg_subscription', 'subconninfo', 'SELECT')";

/// Settings that change the text the catalog functions produce: `search_path` decides which names
/// get schema-qualified, the others how constants in defaults and expressions are printed. A
/// migration may change any of them on the session, so they are pinned for the catalog query.
/// The order matches the array in [`READ_SETTINGS`].
pub(crate) const PINNED_SETTINGS: [(&str, &str); 9] = [
    ("search_path", "pg_catalog"),
    ("DateStyle", "ISO, MDY"),
    ("IntervalStyle", "postgres"),
    ("TimeZone", "UTC"),
    ("extra_float_digits", "1"),
    ("bytea_output", "hex"),
    ("quote_all_identifiers", "off"),
    // The last two are not about text but about time. A custom plan for the catalog query costs
    // more to plan than to run, and its one parameter (the bookkeeping table) does not change the
    // best plan. Right after a migration the catalogs' statistics are stale, the estimated cost
    // can pass `jit_above_cost`, and compiling the query then takes ten times longer than
    // running it.
    ("plan_cache_mode", "force_generic_plan"),
    ("jit", "off"),
];

/// Sets each name of `$1` to the value at the same position of `$2`, for the session.
pub(crate) const SET_SETTINGS: &str = "\
SELECT pg_catalog.count(pg_catalog.set_config(s.name, s.value, false)) \
FROM ROWS FROM (pg_catalog.unnest($1::text[]), pg_catalog.unnest($2::text[])) AS s(name, value)";

/// What the text of the catalog query depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QueryShape {
    /// `server_version_num`: which catalog columns exist.
    pub version: i32,
    /// Whether the session may read `pg_subscription.subconninfo`.
    pub read_conninfo: bool,
}

/// Which sections of the catalog document a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// All of them, in one statement.
    Whole,
    /// The sections that need the columns of every relation: relations and types.
    Columns,
    /// Everything else. The two halves cost about the same, so a server with two cores answers
    /// both, sent on two connections, in a little over half the time of the whole.
    Rest,
}

/// The sections [`Part::Columns`] reads.
const COLUMN_SECTIONS: [&str; 2] = ["types", "relations"];

impl Part {
    fn reads(self, section: &str) -> bool {
        match self {
            Self::Whole => true,
            Self::Columns => COLUMN_SECTIONS.contains(&section),
            Self::Rest => !COLUMN_SECTIONS.contains(&section),
        }
    }
}

/// The catalog query for a server of major `version` (`server_version_num`), reading the
/// sections of `part`. `$1` is the OID of the bookkeeping table, or NULL when it does not exist.
///
/// Comments are read from `pg_description` directly: `obj_description` and `col_description` are
/// SQL functions that cannot be inlined, and calling one per object and column made up a good
/// part of the query's time.
pub(crate) fn catalog_query(shape: QueryShape, part: Part) -> String {
    let QueryShape {
        version,
        read_conninfo,
    } = shape;
    let member_options = if version >= 160_000 {
        "m.inherit_option AS inherit, m.set_option AS set"
    } else {
        "NULL::bool AS inherit, NULL::bool AS set"
    };
    let collation_locale = if version >= 170_000 {
        "co.colllocale"
    } else if version >= 150_000 {
        "co.colliculocale"
    } else {
        "NULL::text"
    };
    let collation_rules = if version >= 160_000 {
        "co.collicurules"
    } else {
        "NULL::text"
    };

    let parameter_acls = if version >= 150_000 {
        "SELECT quote_ident(a.parname) AS name, a.paracl::text[] AS acl FROM pg_parameter_acl a"
    } else {
        "SELECT NULL::text AS name, NULL::text[] AS acl WHERE false"
    };
    // Column lists and row filters of published tables, and whole published schemas, came with
    // PostgreSQL 15; publishing generated columns with 18.
    let (published_columns, published_filter) = if version >= 150_000 {
        (
            "(SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) \
               FROM pg_attribute a \
              WHERE a.attrelid = pr.prrelid AND a.attnum = ANY (pr.prattrs))",
            "pg_get_expr(pr.prqual, pr.prrelid)",
        )
    } else {
        ("NULL::text", "NULL::text")
    };
    let published_schemas = if version >= 150_000 {
        "(SELECT json_agg(quote_ident(pn_ns.nspname)) \
            FROM pg_publication_namespace pn JOIN pg_namespace pn_ns ON pn_ns.oid = pn.pnnspid \
           WHERE pn.pnpubid = p.oid)"
    } else {
        "NULL::json"
    };
    let published_generated = if version >= 180_000 {
        "p.pubgencols::text"
    } else {
        "NULL::text"
    };
    // Subscription options by the major that added them; the connection string only for a
    // session allowed to read it.
    let mut subscription_options = vec![
        "'binary', s.subbinary",
        // A boolean until PostgreSQL 16, then a letter.
        "'streaming', CASE s.substream::text WHEN 'f' THEN 'off' WHEN 'false' THEN 'off' \
                           WHEN 't' THEN 'on' WHEN 'true' THEN 'on' WHEN 'p' THEN 'parallel' \
                           ELSE s.substream::text END",
        "'synchronous commit', s.subsynccommit",
    ];
    if version >= 150_000 {
        subscription_options.extend([
            "'two phase', CASE s.subtwophasestate WHEN 'd' THEN 'off' WHEN 'p' THEN 'pending' \
                                                  WHEN 'e' THEN 'on' END",
            "'disable on error', s.subdisableonerr",
        ]);
    }
    if version >= 160_000 {
        subscription_options.extend([
            "'origin', s.suborigin",
            "'password required', s.subpasswordrequired",
            "'run as owner', s.subrunasowner",
        ]);
    }
    if version >= 170_000 {
        subscription_options.push("'failover', s.subfailover");
    }
    if read_conninfo {
        subscription_options.push("'connection', s.subconninfo");
    }
    let subscription_options = subscription_options.join(", ");

    let sections: Vec<(&str, String)> = vec![
        (
            "roles",
            format!(
                "SELECT quote_ident(r.rolname) AS name, r.rolsuper AS superuser, \
                        r.rolinherit AS inherit, r.rolcreaterole AS createrole, \
                        r.rolcreatedb AS createdb, r.rolcanlogin AS login, \
                        r.rolreplication AS replication, r.rolbypassrls AS bypassrls, \
                        r.rolconnlimit AS connection_limit, r.rolvaliduntil::text AS valid_until, \
                        r.rolconfig AS config, \
                        {comment} AS comment, \
                        (SELECT json_agg(json_build_object( \
                                   'role', quote_ident(pg_get_userbyid(m.roleid)), \
                                   'grantor', quote_ident(pg_get_userbyid(m.grantor)), \
                                   'admin', m.admin_option, 'inherit', x.inherit, 'set', x.set)) \
                           FROM pg_auth_members m, LATERAL (SELECT {member_options}) x \
                          WHERE m.member = r.oid) AS member_of \
                   FROM pg_roles r \
                  WHERE r.rolname !~ '^pg_' AND r.oid <> 10",
                comment = shared_description("pg_authid", "r.oid"),
            ),
        ),
        (
            "schemas",
            format!(
                "SELECT quote_ident(n.nspname) AS name, {owner} AS owner, \
                        {comment} AS comment, {acl} AS acl \
                   FROM ns n \
                  WHERE {member}",
                owner = role("n.nspowner"),
                acl = acl("n.nspacl", 'n', "n.nspowner"),
                member = not_member("pg_namespace", "n.oid"),
                comment = description("pg_namespace", "n.oid"),
            ),
        ),
        (
            "extensions",
            format!(
                "SELECT quote_ident(e.extname) AS name, e.extversion AS version, \
                        quote_ident(n.nspname) AS schema, {owner} AS owner, \
                        {comment} AS comment \
                   FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace",
                owner = role("e.extowner"),
                comment = description("pg_extension", "e.oid"),
            ),
        ),
        (
            "collations",
            format!(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(co.collname) AS name, {owner} AS owner, \
                        {comment} AS comment, \
                        json_build_object( \
                          'provider', co.collprovider::text, \
                          'deterministic', co.collisdeterministic, \
                          'encoding', CASE WHEN co.collencoding <> -1 \
                                           THEN pg_encoding_to_char(co.collencoding) END, \
                          'lc_collate', co.collcollate::text, 'lc_ctype', co.collctype::text, \
                          'locale', {collation_locale}, 'rules', {collation_rules}) AS attributes \
                   FROM pg_collation co JOIN ns n ON n.oid = co.collnamespace \
                  WHERE {member}",
                owner = role("co.collowner"),
                member = not_member("pg_collation", "co.oid"),
                comment = description("pg_collation", "co.oid"),
            ),
        ),
        (
            "types",
            format!(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(t.typname) AS name, t.typtype::text AS type, \
                        {owner} AS owner, {comment} AS comment, \
                        {acl} AS acl, \
                        (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) \
                           FROM pg_enum e WHERE e.enumtypid = t.oid) AS labels, \
                        cols.columns AS attributes, \
                        (SELECT json_build_object( \
                                  'subtype', format_type(r.rngsubtype, NULL), \
                                  'collation', CASE WHEN r.rngcollation <> 0 \
                                                    THEN r.rngcollation::regcollation::text END, \
                                  'subtype_opclass', (SELECT quote_ident(cn.nspname) || '.' || quote_ident(c.opcname) \
                                                        FROM pg_opclass c \
                                                        JOIN pg_namespace cn ON cn.oid = c.opcnamespace \
                                                       WHERE c.oid = r.rngsubopc), \
                                  'canonical', {canonical}, 'subtype_diff', {subdiff}, \
                                  'multirange', format_type(r.rngmultitypid, NULL)) \
                           FROM pg_range r WHERE r.rngtypid = t.oid) AS range, \
                        CASE WHEN t.typtype = 'b' THEN json_build_object( \
                          'input', {input}, 'output', {output}, 'receive', {receive}, \
                          'send', {send}, 'typmod_in', {typmodin}, 'typmod_out', {typmodout}, \
                          'analyze', {analyze}, 'internallength', t.typlen, \
                          'passedbyvalue', t.typbyval, 'alignment', t.typalign::text, \
                          'storage', t.typstorage::text, 'category', t.typcategory::text, \
                          'preferred', t.typispreferred, 'delimiter', t.typdelim::text, \
                          'element', CASE WHEN t.typelem <> 0 THEN format_type(t.typelem, NULL) END, \
                          'default', t.typdefault, 'collatable', t.typcollation <> 0) END AS base \
                   FROM pg_type t JOIN ns n ON n.oid = t.typnamespace \
                   LEFT JOIN cols ON cols.attrelid = t.typrelid \
                  WHERE t.typtype IN ('b', 'c', 'e', 'r') \
                    AND (t.typtype <> 'c' \
                         OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c') \
                    AND NOT (t.typelem <> 0 \
                             AND EXISTS (SELECT 1 FROM pg_type e \
                                          WHERE e.oid = t.typelem AND e.typarray = t.oid)) \
                    AND {member}",
                owner = role("t.typowner"),
                acl = acl("t.typacl", 'T', "t.typowner"),
                canonical = regproc("r.rngcanonical"),
                subdiff = regproc("r.rngsubdiff"),
                input = regproc("t.typinput"),
                output = regproc("t.typoutput"),
                receive = regproc("t.typreceive"),
                send = regproc("t.typsend"),
                typmodin = regproc("t.typmodin"),
                typmodout = regproc("t.typmodout"),
                analyze = regproc("t.typanalyze"),
                member = not_member("pg_type", "t.oid"),
                comment = description("pg_type", "t.oid"),
            ),
        ),
        (
            "domains",
            // The default is deparsed now (pg_get_expr) rather than read from typdefault, which
            // was deparsed with whatever search_path was in force when the domain was created.
            format!(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(t.typname) AS name, \
                        {owner} AS owner, {comment} AS comment, \
                        {acl} AS acl, format_type(t.typbasetype, t.typtypmod) AS base, \
                        t.typnotnull AS not_null, pg_get_expr(t.typdefaultbin, 0) AS default, \
                        CASE WHEN t.typcollation <> (SELECT b.typcollation FROM pg_type b \
                                                      WHERE b.oid = t.typbasetype) \
                             THEN t.typcollation::regcollation::text END AS collation, \
                        (SELECT json_agg(json_build_object( \
                                   'name', quote_ident(c.conname), \
                                   'definition', pg_get_constraintdef(c.oid), \
                                   'comment', {constraint_comment})) \
                           FROM pg_constraint c \
                          WHERE c.contypid = t.oid AND c.contype <> 'n') AS constraints \
                   FROM pg_type t JOIN ns n ON n.oid = t.typnamespace \
                  WHERE t.typtype = 'd' AND {member}",
                owner = role("t.typowner"),
                acl = acl("t.typacl", 'T', "t.typowner"),
                member = not_member("pg_type", "t.oid"),
                comment = description("pg_type", "t.oid"),
                constraint_comment = description("pg_constraint", "c.oid"),
            ),
        ),
        (
            "functions",
            // Functions with an internal dependency were made by PostgreSQL along with another
            // object (the constructors of a range or multirange type) and come and go with it.
            format!(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(p.proname) AS name, \
                        oidvectortypes(p.proargtypes) AS arguments, p.prokind::text AS kind, \
                        {owner} AS owner, {comment} AS comment, \
                        {acl} AS acl, \
                        CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END AS definition, \
                        (SELECT json_build_object( \
                                  'arguments', pg_get_function_arguments(p.oid), \
                                  'result', pg_get_function_result(p.oid), \
                                  'kind', a.aggkind::text, \
                                  'direct_arguments', a.aggnumdirectargs, \
                                  'sfunc', {transfn}, 'stype', format_type(a.aggtranstype, NULL), \
                                  'sspace', a.aggtransspace, 'finalfunc', {finalfn}, \
                                  'finalfunc_extra', a.aggfinalextra, \
                                  'finalfunc_modify', a.aggfinalmodify::text, \
                                  'combinefunc', {combinefn}, 'serialfunc', {serialfn}, \
                                  'deserialfunc', {deserialfn}, 'initcond', a.agginitval, \
                                  'msfunc', {mtransfn}, 'minvfunc', {minvtransfn}, \
                                  'mstype', CASE WHEN a.aggmtranstype <> 0 \
                                                 THEN format_type(a.aggmtranstype, NULL) END, \
                                  'msspace', a.aggmtransspace, 'mfinalfunc', {mfinalfn}, \
                                  'mfinalfunc_extra', a.aggmfinalextra, \
                                  'mfinalfunc_modify', a.aggmfinalmodify::text, \
                                  'minitcond', a.aggminitval, \
                                  'sortop', CASE WHEN a.aggsortop <> 0 \
                                                 THEN a.aggsortop::regoperator::text END, \
                                  'parallel', p.proparallel::text, 'strict', p.proisstrict) \
                           FROM pg_aggregate a WHERE a.aggfnoid = p.oid) AS aggregate \
                   FROM pg_proc p JOIN ns n ON n.oid = p.pronamespace \
                  WHERE {member} AND {internal}",
                owner = role("p.proowner"),
                acl = acl("p.proacl", 'f', "p.proowner"),
                transfn = regproc("a.aggtransfn"),
                finalfn = regproc("a.aggfinalfn"),
                combinefn = regproc("a.aggcombinefn"),
                serialfn = regproc("a.aggserialfn"),
                deserialfn = regproc("a.aggdeserialfn"),
                mtransfn = regproc("a.aggmtransfn"),
                minvtransfn = regproc("a.aggminvtransfn"),
                mfinalfn = regproc("a.aggmfinalfn"),
                member = not_member("pg_proc", "p.oid"),
                internal = not_internal("pg_proc", "p.oid"),
                comment = description("pg_proc", "p.oid"),
            ),
        ),
        (
            "sequences",
            format!(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name, {owner} AS owner, \
                        {comment} AS comment, {acl} AS acl, \
                        c.relpersistence::text AS persistence, \
                        format_type(s.seqtypid, NULL) AS type, s.seqstart AS start, \
                        s.seqincrement AS increment, s.seqmin AS min, s.seqmax AS max, \
                        s.seqcache AS cache, s.seqcycle AS cycle, \
                        (SELECT json_build_object( \
                                  'column', quote_ident(tn.nspname) || '.' || quote_ident(t.relname) || '.' || quote_ident(a.attname), \
                                  'table_oid', o.refobjid::int8, \
                                  'identity', o.deptype = 'i') \
                           FROM pg_class t \
                           JOIN pg_namespace tn ON tn.oid = t.relnamespace \
                           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = o.refobjsubid \
                          WHERE t.oid = o.refobjid) AS owned_by \
                   FROM pg_class c \
                   JOIN ns n ON n.oid = c.relnamespace \
                   JOIN pg_sequence s ON s.seqrelid = c.oid \
                   LEFT JOIN LATERAL ( \
                     SELECT d.refobjid, d.refobjsubid, d.deptype FROM pg_depend d \
                      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid \
                        AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 \
                        AND d.deptype IN ('a', 'i') \
                      LIMIT 1) o ON true \
                  WHERE c.relkind = 'S' AND {member} \
                    AND coalesce(o.refobjid <> (SELECT oid FROM bk), true)",
                owner = role("c.relowner"),
                acl = acl("c.relacl", 's', "c.relowner"),
                member = not_member("pg_class", "c.oid"),
                comment = description("pg_class", "c.oid"),
            ),
        ),
        (
            "relations",
            format!(
                "SELECT c.oid::int8 AS oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name, c.relkind::text AS kind, \
                        c.relpersistence::text AS persistence, {owner} AS owner, \
                        {comment} AS comment, {acl} AS acl, \
                        c.relrowsecurity AS row_security, \
                        c.relforcerowsecurity AS force_row_security, \
                        c.relreplident::text AS replica_identity, \
                        (SELECT quote_ident(i.relname) FROM pg_index x \
                           JOIN pg_class i ON i.oid = x.indexrelid \
                          WHERE x.indrelid = c.oid AND x.indisreplident) AS replica_identity_index, \
                        c.reloptions AS options, \
                        toast.reloptions AS toast_options, \
                        (SELECT quote_ident(am.amname) FROM pg_am am WHERE am.oid = c.relam) \
                          AS access_method, \
                        (SELECT quote_ident(ts.spcname) FROM pg_tablespace ts \
                          WHERE ts.oid = c.reltablespace) AS tablespace, \
                        CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key, \
                        CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END \
                          AS partition_bound, \
                        (SELECT json_agg(quote_ident(pn.nspname) || '.' || quote_ident(p.relname) \
                                         || CASE WHEN i.inhdetachpending THEN '{DETACH_PENDING}' ELSE '' END \
                                         ORDER BY i.inhseqno) \
                           FROM pg_inherits i \
                           JOIN pg_class p ON p.oid = i.inhparent \
                           JOIN pg_namespace pn ON pn.oid = p.relnamespace \
                          WHERE i.inhrelid = c.oid) AS parents, \
                        CASE WHEN c.reloftype <> 0 THEN format_type(c.reloftype, NULL) END AS of_type, \
                        CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END \
                          AS definition, \
                        (SELECT json_build_object('server', quote_ident(s.srvname), \
                                                  'options', ft.ftoptions) \
                           FROM pg_foreign_table ft \
                           JOIN pg_foreign_server s ON s.oid = ft.ftserver \
                          WHERE ft.ftrelid = c.oid) AS foreign, \
                        cols.columns \
                   FROM rels c JOIN pg_namespace n ON n.oid = c.relnamespace \
                   LEFT JOIN pg_class toast ON toast.oid = c.reltoastrelid \
                   LEFT JOIN cols ON cols.attrelid = c.oid",
                owner = role("c.relowner"),
                acl = acl("c.relacl", 'r', "c.relowner"),
                comment = description("pg_class", "c.oid"),
            ),
        ),
        (
            "indexes",
            // Indexes that back a primary key, unique or exclusion constraint are part of that
            // constraint (pg_get_constraintdef shows their columns, options and tablespace).
            format!(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(i.relname) AS name, \
                        x.indrelid::int8 AS table_oid, pg_get_indexdef(i.oid) AS definition, x.indisclustered AS clustered, \
                        CASE WHEN i.relispartition \
                             THEN (SELECT quote_ident(pn.nspname) || '.' || quote_ident(p.relname) FROM pg_inherits h \
                                     JOIN pg_class p ON p.oid = h.inhparent \
                                     JOIN pg_namespace pn ON pn.oid = p.relnamespace \
                                    WHERE h.inhrelid = i.oid) \
                        END AS partition_of, \
                        x.indisvalid AS valid, {comment} AS comment, \
                        (SELECT quote_ident(ts.spcname) FROM pg_tablespace ts \
                          WHERE ts.oid = i.reltablespace) AS tablespace, \
                        (SELECT json_agg(format('%s %s', a.attnum, a.attstattarget) ORDER BY a.attnum) \
                           FROM pg_attribute a \
                          WHERE a.attrelid = i.oid AND coalesce(a.attstattarget, -1) <> -1) \
                          AS statistics \
                   FROM pg_index x \
                   JOIN pg_class i ON i.oid = x.indexrelid \
                   JOIN pg_namespace n ON n.oid = i.relnamespace \
                   JOIN rels t ON t.oid = x.indrelid \
                  WHERE {member} \
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint k \
                                     WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid \
                                       AND k.contype IN ('p', 'u', 'x'))",
                member = not_member("pg_class", "i.oid"),
                comment = description("pg_class", "i.oid"),
            ),
        ),
        (
            "constraints",
            // Left out: NOT NULL constraints (PostgreSQL 18 stores them here; the column's
            // attnotnull already says it), constraint triggers (their trigger says it all), and
            // the copies PostgreSQL makes of a foreign key for each partition of the referenced
            // table, which share the parent's name and table.
            format!(
                "SELECT quote_ident(k.conname) AS name, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS table, \
                    k.contype::text AS type, pg_get_constraintdef(k.oid) AS definition, \
                    k.conislocal AS local, k.coninhcount AS inherited, \
                    {comment} AS comment, \
                    coalesce((SELECT x.indisclustered FROM pg_index x \
                               WHERE x.indexrelid = k.conindid AND x.indrelid = k.conrelid), false) \
                      AS clustered \
               FROM pg_constraint k \
               JOIN rels c ON c.oid = k.conrelid \
               JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE k.contype NOT IN ('n', 't') \
                AND NOT (k.contype = 'f' AND k.conparentid <> 0 \
                         AND EXISTS (SELECT 1 FROM pg_constraint p \
                                      WHERE p.oid = k.conparentid AND p.conrelid = k.conrelid))",
                comment = description("pg_constraint", "k.oid"),
            ),
        ),
        (
            "triggers",
            format!(
                "SELECT quote_ident(g.tgname) AS name, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS table, \
                    pg_get_triggerdef(g.oid, false) AS definition, g.tgenabled::text AS enabled, \
                    {comment} AS comment \
               FROM pg_trigger g \
               JOIN rels c ON c.oid = g.tgrelid \
               JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE NOT g.tgisinternal",
                comment = description("pg_trigger", "g.oid"),
            ),
        ),
        (
            "rules",
            format!(
                "SELECT quote_ident(r.rulename) AS name, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS table, \
                    pg_get_ruledef(r.oid, true) AS definition, r.ev_enabled::text AS enabled, \
                    {comment} AS comment \
               FROM pg_rewrite r \
               JOIN rels c ON c.oid = r.ev_class \
               JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE r.rulename <> '_RETURN'",
                comment = description("pg_rewrite", "r.oid"),
            ),
        ),
        (
            "policies",
            format!(
                "SELECT quote_ident(p.polname) AS name, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS table, \
                    p.polcmd::text AS command, p.polpermissive AS permissive, \
                    (SELECT json_agg(CASE WHEN r = 0 THEN 'PUBLIC' \
                                          ELSE quote_ident(pg_get_userbyid(r)) END) \
                       FROM unnest(p.polroles) r) AS roles, \
                    pg_get_expr(p.polqual, p.polrelid) AS using, \
                    pg_get_expr(p.polwithcheck, p.polrelid) AS with_check, \
                    {comment} AS comment \
               FROM pg_policy p \
               JOIN rels c ON c.oid = p.polrelid \
               JOIN pg_namespace n ON n.oid = c.relnamespace",
                comment = description("pg_policy", "p.oid"),
            ),
        ),
        (
            "statistics",
            format!(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(s.stxname) AS name, {owner} AS owner, \
                        quote_ident(tn.nspname) || '.' || quote_ident(t.relname) AS table, \
                        pg_get_statisticsobjdef(s.oid) AS definition, \
                        nullif(coalesce(s.stxstattarget, -1), -1) AS target, \
                        {comment} AS comment \
                   FROM pg_statistic_ext s JOIN ns n ON n.oid = s.stxnamespace \
                   JOIN rels t ON t.oid = s.stxrelid \
                   JOIN pg_namespace tn ON tn.oid = t.relnamespace \
                  WHERE {member}",
                owner = role("s.stxowner"),
                member = not_member("pg_statistic_ext", "s.oid"),
                comment = description("pg_statistic_ext", "s.oid"),
            ),
        ),
        (
            "event_triggers",
            format!(
                "SELECT quote_ident(e.evtname) AS name, e.evtevent AS event, {owner} AS owner, \
                        e.evtfoid::regproc::text AS function, e.evtenabled::text AS enabled, \
                        e.evttags AS tags, {comment} AS comment \
                   FROM pg_event_trigger e \
                  WHERE {member}",
                owner = role("e.evtowner"),
                member = not_member("pg_event_trigger", "e.oid"),
                comment = description("pg_event_trigger", "e.oid"),
            ),
        ),
        (
            "default_privileges",
            format!(
                "SELECT {role} AS role, \
                        (SELECT quote_ident(n.nspname) FROM pg_namespace n \
                          WHERE n.oid = d.defaclnamespace) AS schema, \
                        d.defaclobjtype::text AS object_type, {acl} AS acl \
                   FROM pg_default_acl d",
                role = role("d.defaclrole"),
                acl = "d.defaclacl::text[]",
            ),
        ),
        (
            "foreign_data_wrappers",
            format!(
                "SELECT quote_ident(w.fdwname) AS name, {owner} AS owner, \
                        {handler} AS handler, {validator} AS validator, w.fdwoptions AS options, \
                        {acl} AS acl, {comment} AS comment \
                   FROM pg_foreign_data_wrapper w \
                  WHERE {member}",
                owner = role("w.fdwowner"),
                handler = regproc("w.fdwhandler"),
                validator = regproc("w.fdwvalidator"),
                acl = acl("w.fdwacl", 'F', "w.fdwowner"),
                member = not_member("pg_foreign_data_wrapper", "w.oid"),
                comment = description("pg_foreign_data_wrapper", "w.oid"),
            ),
        ),
        (
            "foreign_servers",
            format!(
                "SELECT quote_ident(s.srvname) AS name, {owner} AS owner, \
                        quote_ident(w.fdwname) AS wrapper, s.srvtype AS type, \
                        s.srvversion AS version, s.srvoptions AS options, {acl} AS acl, \
                        {comment} AS comment \
                   FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw \
                  WHERE {member}",
                owner = role("s.srvowner"),
                acl = acl("s.srvacl", 'S', "s.srvowner"),
                member = not_member("pg_foreign_server", "s.oid"),
                comment = description("pg_foreign_server", "s.oid"),
            ),
        ),
        (
            "database",
            // The database the migrations run in; other databases of the cluster are not the
            // migrations' business.
            format!(
                "SELECT quote_ident(d.datname) AS name, {owner} AS owner, \
                        d.datconnlimit AS connection_limit, \
                        d.datallowconn AS allow_connections, d.datistemplate AS is_template, \
                        (SELECT quote_ident(ts.spcname) FROM pg_tablespace ts \
                          WHERE ts.oid = d.dattablespace AND ts.spcname <> 'pg_default') AS tablespace, \
                        {comment} AS comment, {acl} AS acl, \
                        (SELECT s.setconfig FROM pg_db_role_setting s \
                          WHERE s.setdatabase = d.oid AND s.setrole = 0) AS settings, \
                        (SELECT json_agg(json_build_object( \
                                  'role', quote_ident(pg_get_userbyid(s.setrole)), \
                                  'settings', s.setconfig)) \
                           FROM pg_db_role_setting s \
                          WHERE s.setdatabase = d.oid AND s.setrole <> 0) AS role_settings \
                   FROM pg_database d WHERE d.datname = current_database()",
                owner = role("d.datdba"),
                acl = acl("d.datacl", 'd', "d.datdba"),
                comment = shared_description("pg_database", "d.oid"),
            ),
        ),
        (
            "tablespaces",
            format!(
                "SELECT quote_ident(t.spcname) AS name, {owner} AS owner, \
                        pg_tablespace_location(t.oid) AS location, t.spcoptions AS options, \
                        {acl} AS acl, {comment} AS comment \
                   FROM pg_tablespace t WHERE t.oid >= {FIRST_NORMAL_OID}",
                owner = role("t.spcowner"),
                acl = acl("t.spcacl", 't', "t.spcowner"),
                comment = shared_description("pg_tablespace", "t.oid"),
            ),
        ),
        ("parameter_acls", parameter_acls.to_owned()),
        (
            "languages",
            format!(
                "SELECT quote_ident(l.lanname) AS name, {owner} AS owner, \
                        l.lanpltrusted AS trusted, {handler} AS handler, {inline} AS inline, \
                        {validator} AS validator, {acl} AS acl, {comment} AS comment \
                   FROM pg_language l \
                  WHERE l.oid >= {FIRST_NORMAL_OID} AND {member}",
                owner = role("l.lanowner"),
                handler = regproc("l.lanplcallfoid"),
                inline = regproc("l.laninline"),
                validator = regproc("l.lanvalidator"),
                acl = acl("l.lanacl", 'l', "l.lanowner"),
                member = not_member("pg_language", "l.oid"),
                comment = description("pg_language", "l.oid"),
            ),
        ),
        (
            "access_methods",
            format!(
                "SELECT quote_ident(a.amname) AS name, a.amtype::text AS type, \
                        {handler} AS handler, {comment} AS comment \
                   FROM pg_am a \
                  WHERE a.oid >= {FIRST_NORMAL_OID} AND {member}",
                handler = regproc("a.amhandler"),
                member = not_member("pg_am", "a.oid"),
                comment = description("pg_am", "a.oid"),
            ),
        ),
        (
            "casts",
            format!(
                "SELECT format_type(c.castsource, NULL) AS source, \
                        format_type(c.casttarget, NULL) AS target, \
                        CASE WHEN c.castfunc <> 0 THEN c.castfunc::regprocedure::text END AS function, \
                        c.castcontext::text AS context, c.castmethod::text AS method, \
                        {comment} AS comment \
                   FROM pg_cast c \
                  WHERE c.oid >= {FIRST_NORMAL_OID} AND {member} AND {internal}",
                member = not_member("pg_cast", "c.oid"),
                internal = not_internal("pg_cast", "c.oid"),
                comment = description("pg_cast", "c.oid"),
            ),
        ),
        (
            "transforms",
            format!(
                "SELECT format_type(t.trftype, NULL) AS type, quote_ident(l.lanname) AS language, \
                        CASE WHEN t.trffromsql <> 0 THEN t.trffromsql::regprocedure::text END AS from_sql, \
                        CASE WHEN t.trftosql <> 0 THEN t.trftosql::regprocedure::text END AS to_sql, \
                        {comment} AS comment \
                   FROM pg_transform t JOIN pg_language l ON l.oid = t.trflang \
                  WHERE t.oid >= {FIRST_NORMAL_OID} AND {member}",
                member = not_member("pg_transform", "t.oid"),
                comment = description("pg_transform", "t.oid"),
            ),
        ),
        (
            "operators",
            // Operator names are not identifiers: only the schema is quoted.
            format!(
                "SELECT quote_ident(n.nspname) || '.' || o.oprname AS name, \
                        CASE WHEN o.oprleft <> 0 THEN format_type(o.oprleft, NULL) ELSE 'NONE' END AS left, \
                        CASE WHEN o.oprright <> 0 THEN format_type(o.oprright, NULL) ELSE 'NONE' END AS right, \
                        {owner} AS owner, {comment} AS comment, \
                        json_build_object( \
                          'result', format_type(o.oprresult, NULL), \
                          'function', CASE WHEN o.oprcode <> 0 THEN o.oprcode::regprocedure::text END, \
                          'commutator', CASE WHEN o.oprcom <> 0 THEN o.oprcom::regoperator::text END, \
                          'negator', CASE WHEN o.oprnegate <> 0 THEN o.oprnegate::regoperator::text END, \
                          'restrict', {restrict}, 'join', {join}, \
                          'hashes', o.oprcanhash, 'merges', o.oprcanmerge) AS attributes \
                   FROM pg_operator o JOIN ns n ON n.oid = o.oprnamespace \
                  WHERE {member}",
                owner = role("o.oprowner"),
                restrict = regproc("o.oprrest"),
                join = regproc("o.oprjoin"),
                member = not_member("pg_operator", "o.oid"),
                comment = description("pg_operator", "o.oid"),
            ),
        ),
        (
            "operator_families",
            // Our own families, and PostgreSQL's own ones a migration added members to (ALTER
            // OPERATOR FAMILY ... ADD); only the members made after initdb are listed.
            format!(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(f.opfname) AS name, quote_ident(am.amname) AS method, \
                        {owner} AS owner, {comment} AS comment, \
                        (SELECT json_agg(format('operator %s %s%s', o.amopstrategy, \
                                                o.amopopr::regoperator, \
                                                CASE WHEN o.amoppurpose = 's' THEN '' \
                                                     ELSE ' for order by ' || (SELECT quote_ident(sn.nspname) || '.' || quote_ident(sf.opfname) \
                                                                                  FROM pg_opfamily sf \
                                                                                  JOIN pg_namespace sn ON sn.oid = sf.opfnamespace \
                                                                                 WHERE sf.oid = o.amopsortfamily) END)) \
                           FROM pg_amop o \
                          WHERE o.amopfamily = f.oid AND o.oid >= {FIRST_NORMAL_OID} \
                            AND {amop_member}) AS operators, \
                        (SELECT json_agg(format('function %s (%s, %s) %s', p.amprocnum, \
                                                format_type(p.amproclefttype, NULL), \
                                                format_type(p.amprocrighttype, NULL), \
                                                p.amproc::regprocedure)) \
                           FROM pg_amproc p \
                          WHERE p.amprocfamily = f.oid AND p.oid >= {FIRST_NORMAL_OID} \
                            AND {amproc_member}) AS functions \
                   FROM pg_opfamily f \
                   JOIN pg_namespace n ON n.oid = f.opfnamespace \
                   JOIN pg_am am ON am.oid = f.opfmethod \
                  WHERE {member} \
                    AND (f.opfnamespace IN (SELECT oid FROM ns) \
                         OR EXISTS (SELECT 1 FROM pg_amop o \
                                     WHERE o.amopfamily = f.oid AND o.oid >= {FIRST_NORMAL_OID} \
                                       AND {amop_member}) \
                         OR EXISTS (SELECT 1 FROM pg_amproc p \
                                     WHERE p.amprocfamily = f.oid AND p.oid >= {FIRST_NORMAL_OID} \
                                       AND {amproc_member}))",
                owner = role("f.opfowner"),
                member = not_member("pg_opfamily", "f.oid"),
                amop_member = not_member("pg_amop", "o.oid"),
                amproc_member = not_member("pg_amproc", "p.oid"),
                comment = description("pg_opfamily", "f.oid"),
            ),
        ),
        (
            "operator_classes",
            format!(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.opcname) AS name, quote_ident(am.amname) AS method, \
                        format_type(c.opcintype, NULL) AS type, c.opcdefault AS is_default, \
                        (SELECT quote_ident(fn.nspname) || '.' || quote_ident(f.opfname) FROM pg_opfamily f \
                           JOIN pg_namespace fn ON fn.oid = f.opfnamespace \
                          WHERE f.oid = c.opcfamily) AS family, \
                        CASE WHEN c.opckeytype <> 0 THEN format_type(c.opckeytype, NULL) END AS storage, \
                        {owner} AS owner, {comment} AS comment \
                   FROM pg_opclass c \
                   JOIN ns n ON n.oid = c.opcnamespace \
                   JOIN pg_am am ON am.oid = c.opcmethod \
                  WHERE {member}",
                owner = role("c.opcowner"),
                member = not_member("pg_opclass", "c.oid"),
                comment = description("pg_opclass", "c.oid"),
            ),
        ),
        (
            "conversions",
            format!(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.conname) AS name, \
                        pg_encoding_to_char(c.conforencoding) AS source, \
                        pg_encoding_to_char(c.contoencoding) AS target, \
                        c.conproc::regproc::text AS function, c.condefault AS is_default, \
                        {owner} AS owner, {comment} AS comment \
                   FROM pg_conversion c JOIN ns n ON n.oid = c.connamespace \
                  WHERE {member}",
                owner = role("c.conowner"),
                member = not_member("pg_conversion", "c.oid"),
                comment = description("pg_conversion", "c.oid"),
            ),
        ),
        (
            "text_search_parsers",
            format!(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(p.prsname) AS name, {comment} AS comment, \
                        json_build_object('start', {start}, 'gettoken', {token}, 'end', {end}, \
                                          'headline', {headline}, 'lextypes', {lextypes}) AS attributes \
                   FROM pg_ts_parser p JOIN ns n ON n.oid = p.prsnamespace \
                  WHERE {member}",
                start = regproc("p.prsstart"),
                token = regproc("p.prstoken"),
                end = regproc("p.prsend"),
                headline = regproc("p.prsheadline"),
                lextypes = regproc("p.prslextype"),
                member = not_member("pg_ts_parser", "p.oid"),
                comment = description("pg_ts_parser", "p.oid"),
            ),
        ),
        (
            "text_search_templates",
            format!(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(t.tmplname) AS name, {comment} AS comment, \
                        json_build_object('init', {init}, 'lexize', {lexize}) AS attributes \
                   FROM pg_ts_template t JOIN ns n ON n.oid = t.tmplnamespace \
                  WHERE {member}",
                init = regproc("t.tmplinit"),
                lexize = regproc("t.tmpllexize"),
                member = not_member("pg_ts_template", "t.oid"),
                comment = description("pg_ts_template", "t.oid"),
            ),
        ),
        (
            "text_search_dictionaries",
            format!(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(d.dictname) AS name, \
                        (SELECT quote_ident(tn.nspname) || '.' || quote_ident(t.tmplname) FROM pg_ts_template t \
                           JOIN pg_namespace tn ON tn.oid = t.tmplnamespace \
                          WHERE t.oid = d.dicttemplate) AS template, \
                        d.dictinitoption AS options, {owner} AS owner, {comment} AS comment \
                   FROM pg_ts_dict d JOIN ns n ON n.oid = d.dictnamespace \
                  WHERE {member}",
                owner = role("d.dictowner"),
                member = not_member("pg_ts_dict", "d.oid"),
                comment = description("pg_ts_dict", "d.oid"),
            ),
        ),
        (
            "text_search_configurations",
            format!(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.cfgname) AS name, \
                        (SELECT quote_ident(pn.nspname) || '.' || quote_ident(p.prsname) FROM pg_ts_parser p \
                           JOIN pg_namespace pn ON pn.oid = p.prsnamespace \
                          WHERE p.oid = c.cfgparser) AS parser, \
                        {owner} AS owner, {comment} AS comment, \
                        (SELECT json_agg(mapping.line) FROM ( \
                           SELECT format('%s: %s', t.alias, \
                                         string_agg(quote_ident(dn.nspname) || '.' || quote_ident(d.dictname), ', ' \
                                                    ORDER BY m.mapseqno)) AS line \
                             FROM pg_ts_config_map m \
                             JOIN ts_token_type(c.cfgparser) t ON t.tokid = m.maptokentype \
                             JOIN pg_ts_dict d ON d.oid = m.mapdict \
                             JOIN pg_namespace dn ON dn.oid = d.dictnamespace \
                            WHERE m.mapcfg = c.oid \
                            GROUP BY t.alias) mapping) AS mappings \
                   FROM pg_ts_config c JOIN ns n ON n.oid = c.cfgnamespace \
                  WHERE {member}",
                owner = role("c.cfgowner"),
                member = not_member("pg_ts_config", "c.oid"),
                comment = description("pg_ts_config", "c.oid"),
            ),
        ),
        (
            "user_mappings",
            // The view, not the catalog: it shows options only to whoever may see them.
            format!(
                "SELECT CASE WHEN u.umuser = 0 THEN 'PUBLIC' ELSE quote_ident(u.usename) END AS role, \
                        quote_ident(u.srvname) AS server, u.umoptions AS options \
                   FROM pg_user_mappings u \
                  WHERE {member}",
                member = not_member("pg_user_mapping", "u.umid"),
            ),
        ),
        (
            "publications",
            format!(
                "SELECT quote_ident(p.pubname) AS name, {owner} AS owner, {comment} AS comment, \
                        p.puballtables AS all_tables, \
                        concat_ws(', ', CASE WHEN p.pubinsert THEN 'insert' END, \
                                        CASE WHEN p.pubupdate THEN 'update' END, \
                                        CASE WHEN p.pubdelete THEN 'delete' END, \
                                        CASE WHEN p.pubtruncate THEN 'truncate' END) AS operations, \
                        p.pubviaroot AS via_root, {published_generated} AS generated_columns, \
                        (SELECT json_agg(quote_ident(tn.nspname) || '.' || quote_ident(t.relname) \
                                         || coalesce(' (' || {published_columns} || ')', '') \
                                         || coalesce(' WHERE (' || {published_filter} || ')', '')) \
                           FROM pg_publication_rel pr \
                           JOIN pg_class t ON t.oid = pr.prrelid \
                           JOIN pg_namespace tn ON tn.oid = t.relnamespace \
                          WHERE pr.prpubid = p.oid) AS tables, \
                        {published_schemas} AS schemas \
                   FROM pg_publication p \
                  WHERE {member}",
                owner = role("p.pubowner"),
                member = not_member("pg_publication", "p.oid"),
                comment = description("pg_publication", "p.oid"),
            ),
        ),
        (
            "subscriptions",
            // Subscriptions are listed cluster-wide; only this database's are its schema.
            format!(
                "SELECT quote_ident(s.subname) AS name, {owner} AS owner, {comment} AS comment, \
                        s.subenabled AS enabled, s.subslotname::text AS slot, \
                        s.subpublications AS publications, \
                        json_build_object({subscription_options}) AS attributes \
                   FROM pg_subscription s \
                  WHERE s.subdbid = (SELECT d.oid FROM pg_database d \
                                      WHERE d.datname = current_database())",
                owner = role("s.subowner"),
                comment = shared_description("pg_subscription", "s.oid"),
            ),
        ),
        (
            "extension_privileges",
            // An extension's members are left out, but a migration may still grant or revoke
            // privileges on them; pg_init_privs holds what the extension's script left, as
            // pg_dump uses it.
            "SELECT quote_ident(e.extname) AS extension, m.object, m.acl \
               FROM pg_extension e \
               JOIN pg_depend d ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid \
                               AND d.deptype = 'e' \
              CROSS JOIN LATERAL ( \
                SELECT format('%s %I.%I', CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END, \
                              cn.nspname, c.relname) AS object, \
                       c.relacl AS acl, \
                       acldefault((CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END)::\"char\", c.relowner) \
                         AS initial_default, \
                       0 AS subid \
                  FROM pg_class c JOIN pg_namespace cn ON cn.oid = c.relnamespace \
                 WHERE d.classid = 'pg_class'::regclass AND c.oid = d.objid \
                UNION ALL \
                SELECT format('column %I.%I.%I', cn.nspname, c.relname, a.attname), a.attacl, \
                       '{}'::aclitem[], a.attnum \
                  FROM pg_class c JOIN pg_namespace cn ON cn.oid = c.relnamespace \
                  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
                 WHERE d.classid = 'pg_class'::regclass AND c.oid = d.objid \
                UNION ALL \
                SELECT format('function %I.%I(%s)', pn.nspname, p.proname, oidvectortypes(p.proargtypes)), \
                       p.proacl, acldefault('f', p.proowner), 0 \
                  FROM pg_proc p JOIN pg_namespace pn ON pn.oid = p.pronamespace \
                 WHERE d.classid = 'pg_proc'::regclass AND p.oid = d.objid \
                UNION ALL \
                SELECT format('type %s', format_type(t.oid, NULL)), t.typacl, acldefault('T', t.typowner), 0 \
                  FROM pg_type t \
                 WHERE d.classid = 'pg_type'::regclass AND t.oid = d.objid \
                UNION ALL \
                SELECT format('schema %I', s.nspname), s.nspacl, acldefault('n', s.nspowner), 0 \
                  FROM pg_namespace s \
                 WHERE d.classid = 'pg_namespace'::regclass AND s.oid = d.objid \
              ) m_raw \
              CROSS JOIN LATERAL ( \
                SELECT m_raw.object, \
                       ARRAY(SELECT x FROM unnest(coalesce(m_raw.acl, m_raw.initial_default)::text[]) x \
                              ORDER BY x) AS acl, \
                       ARRAY(SELECT x FROM unnest(coalesce( \
                                (SELECT i.initprivs FROM pg_init_privs i \
                                  WHERE i.objoid = d.objid AND i.classoid = d.classid \
                                    AND i.objsubid = m_raw.subid), \
                                m_raw.initial_default)::text[]) x ORDER BY x) AS initial \
              ) m \
              WHERE m.acl IS DISTINCT FROM m.initial"
                .to_owned(),
        ),
    ];

    let mut body = String::new();
    for (key, select) in sections.iter().filter(|(key, _)| part.reads(key)) {
        if !body.is_empty() {
            body.push_str(",\n");
        }
        body.push_str(&format!(
            "  '{key}', (SELECT coalesce(json_agg(row_to_json(section_row)), '[]'::json) FROM ({select}) section_row)"
        ));
    }

    format!(
        "WITH bk AS (SELECT $1::oid AS oid),\n\
         ns AS MATERIALIZED (\n\
           SELECT n.* FROM pg_namespace n\n\
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')\n\
              AND n.nspname NOT LIKE 'pg\\_toast%'\n\
              AND n.nspname NOT LIKE 'pg\\_temp\\_%'),\n\
         rels AS MATERIALIZED (\n\
           SELECT c.* FROM pg_class c\n\
            WHERE c.relnamespace IN (SELECT oid FROM ns)\n\
              AND c.relkind IN ('r', 'p', 'v', 'm', 'f')\n\
              AND c.oid IS DISTINCT FROM (SELECT oid FROM bk)\n\
              AND {member}),\n\
         cols AS MATERIALIZED (\n{columns})\n\
         SELECT json_build_object(\n{body}\n)::text",
        member = not_member("pg_class", "c.oid"),
        columns = columns(version),
    )
}

/// The comment on an object.
fn description(catalog: &str, oid: &str) -> String {
    format!(
        "(SELECT dsc.description FROM pg_description dsc \
           WHERE dsc.objoid = {oid} AND dsc.classoid = '{catalog}'::regclass AND dsc.objsubid = 0)"
    )
}

/// The comment on a cluster-wide object.
fn shared_description(catalog: &str, oid: &str) -> String {
    format!(
        "(SELECT dsc.description FROM pg_shdescription dsc \
           WHERE dsc.objoid = {oid} AND dsc.classoid = '{catalog}'::regclass)"
    )
}

/// A role name, quoted as SQL would need it.
fn role(oid: &str) -> String {
    format!("quote_ident(pg_get_userbyid({oid}))")
}

/// A function reference as text, NULL when unset. With `search_path` pinned to `pg_catalog`, every
/// function outside it comes out schema-qualified.
fn regproc(oid: &str) -> String {
    format!("CASE WHEN {oid} <> 0 THEN {oid}::regproc::text END")
}

/// Excludes objects that belong to an extension: the extension stands for them.
fn not_member(catalog: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_depend ext_dep \
                      WHERE ext_dep.classid = '{catalog}'::regclass AND ext_dep.objid = {oid} \
                        AND ext_dep.deptype = 'e')"
    )
}

/// Excludes objects PostgreSQL made along with another one and drops with it (the constructors
/// and the multirange cast of a range type): they are part of that object.
fn not_internal(catalog: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_depend int_dep \
                      WHERE int_dep.classid = '{catalog}'::regclass AND int_dep.objid = {oid} \
                        AND int_dep.deptype = 'i')"
    )
}

/// The privileges of an object as `aclitem` texts (`grantee=privileges/grantor`), which name
/// roles rather than number them; [`crate::acl`] parses them. A NULL ACL means the defaults for
/// the object kind, spelled out with `acldefault` so that "never granted" and "granted, then
/// revoked back to the defaults" look the same.
fn acl(column: &str, kind: char, owner: &str) -> String {
    format!("coalesce({column}, acldefault('{kind}', {owner}))::text[]")
}

/// The columns of every relation and composite type of interest, one row per relation with the
/// columns in their order, which is part of the schema: `SELECT *`, `INSERT` without a column
/// list and `COPY` depend on it. Done as one grouped join rather than a subquery per relation so
/// that the planner can hash the defaults and comments instead of probing them column by column.
fn columns(version: i32) -> String {
    // PostgreSQL 18 keeps NOT NULL as a constraint that can be NOT VALID or NO INHERIT while
    // attnotnull stays true; those modifiers go on the column line. The constraint's name does
    // not: it is generated, and the column line is the one place NOT NULL is shown.
    // Only the few constraints with a modifier are joined: a subquery per column cost a third of
    // the columns' time.
    let (not_null_modifiers, not_null_join) = if version >= 180_000 {
        (
            "concat_ws(' ', CASE WHEN NOT nn.convalidated THEN 'not valid' END, \
                            CASE WHEN nn.connoinherit THEN 'no inherit' END)",
            "LEFT JOIN pg_constraint nn \
                    ON nn.conrelid = col.attrelid AND nn.contype = 'n' \
                   AND nn.conkey[1] = col.attnum AND (NOT nn.convalidated OR nn.connoinherit)",
        )
    } else {
        ("NULL::text", "")
    };
    // Most columns have nothing but a name, a type, NOT NULL and a default; the rest is built only
    // for the few that have more, which keeps the per-column JSON small and cheap to produce.
    format!(
        "SELECT col.attrelid, json_agg(c ORDER BY col.attnum) AS columns \
       FROM pg_attribute col \
       JOIN pg_type col_type ON col_type.oid = col.atttypid \
       LEFT JOIN pg_attrdef col_def \
              ON col_def.adrelid = col.attrelid AND col_def.adnum = col.attnum \
       {not_null_join} \
       LEFT JOIN pg_description dsc \
              ON dsc.objoid = col.attrelid AND dsc.classoid = 'pg_class'::regclass \
             AND dsc.objsubid = col.attnum \
      CROSS JOIN LATERAL ( \
        SELECT quote_ident(col.attname) AS name, \
               format_type(col.atttypid, col.atttypmod) AS type, \
               col.attnotnull AS not_null, \
               nullif({not_null_modifiers}, '') AS not_null_modifiers, \
               pg_get_expr(col_def.adbin, col_def.adrelid) AS expression, \
               CASE WHEN col.attgenerated <> '' OR col.attidentity <> '' \
                      OR col.attcollation <> col_type.typcollation \
                      OR col.attstorage <> col_type.typstorage OR col.attcompression <> '' \
                      OR coalesce(col.attstattarget, -1) <> -1 \
                      OR NOT col.attislocal OR col.attinhcount <> 0 \
                      OR col.attoptions IS NOT NULL OR col.attfdwoptions IS NOT NULL \
                      OR dsc.description IS NOT NULL OR col.attacl IS NOT NULL \
                    THEN json_build_object( \
                      'generated', nullif(col.attgenerated, '')::text, \
                      'identity', nullif(col.attidentity, '')::text, \
                      'collation', CASE WHEN col.attcollation <> col_type.typcollation \
                                        THEN col.attcollation::regcollation::text END, \
                      'storage', CASE WHEN col.attstorage <> col_type.typstorage \
                                      THEN col.attstorage::text END, \
                      'compression', nullif(col.attcompression, '')::text, \
                      'statistics', nullif(coalesce(col.attstattarget, -1), -1), \
                      'local', col.attislocal, 'inherited', col.attinhcount, \
                      'options', col.attoptions, 'fdw_options', col.attfdwoptions, \
                      'comment', dsc.description, 'acl', col.attacl::text[]) \
               END AS extra) c \
      WHERE col.attrelid IN (SELECT oid FROM rels \
                             UNION ALL \
                             SELECT c.oid FROM pg_class c \
                              WHERE c.relkind = 'c' AND c.relnamespace IN (SELECT oid FROM ns)) \
        AND col.attnum > 0 AND NOT col.attisdropped \
      GROUP BY col.attrelid"
    )
}

/// Accepts JSON `null` where a collection is expected: `json_agg` over no rows gives NULL.
fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// Attributes of the rarer object kinds, rendered as sorted `key: value` lines.
pub(crate) type Attributes = BTreeMap<String, serde_json::Value>;

/// The catalog document. A section left out is empty: [`Part::Columns`] and [`Part::Rest`] each
/// read some of them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Catalog {
    pub roles: Vec<RoleRow>,
    pub schemas: Vec<SchemaRow>,
    pub extensions: Vec<ExtensionRow>,
    pub collations: Vec<CollationRow>,
    pub types: Vec<TypeRow>,
    pub domains: Vec<DomainRow>,
    pub functions: Vec<FunctionRow>,
    pub sequences: Vec<SequenceRow>,
    pub relations: Vec<RelationRow>,
    pub indexes: Vec<IndexRow>,
    pub constraints: Vec<ConstraintRow>,
    pub triggers: Vec<TriggerRow>,
    pub rules: Vec<RuleRow>,
    pub policies: Vec<PolicyRow>,
    pub statistics: Vec<StatisticsRow>,
    pub event_triggers: Vec<EventTriggerRow>,
    pub default_privileges: Vec<DefaultPrivilegesRow>,
    pub foreign_data_wrappers: Vec<ForeignDataWrapperRow>,
    pub foreign_servers: Vec<ForeignServerRow>,
    pub database: Vec<DatabaseRow>,
    pub tablespaces: Vec<TablespaceRow>,
    pub parameter_acls: Vec<ParameterAclRow>,
    pub languages: Vec<LanguageRow>,
    pub access_methods: Vec<AccessMethodRow>,
    pub casts: Vec<CastRow>,
    pub transforms: Vec<TransformRow>,
    pub operators: Vec<OperatorRow>,
    pub operator_families: Vec<OperatorFamilyRow>,
    pub operator_classes: Vec<OperatorClassRow>,
    pub conversions: Vec<ConversionRow>,
    pub text_search_parsers: Vec<TextSearchObjectRow>,
    pub text_search_templates: Vec<TextSearchObjectRow>,
    pub text_search_dictionaries: Vec<TextSearchDictionaryRow>,
    pub text_search_configurations: Vec<TextSearchConfigurationRow>,
    pub user_mappings: Vec<UserMappingRow>,
    pub publications: Vec<PublicationRow>,
    pub subscriptions: Vec<SubscriptionRow>,
    pub extension_privileges: Vec<ExtensionPrivilegesRow>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RoleRow {
    pub name: String,
    pub superuser: bool,
    pub inherit: bool,
    pub createrole: bool,
    pub createdb: bool,
    pub login: bool,
    pub replication: bool,
    pub bypassrls: bool,
    pub connection_limit: i32,
    pub valid_until: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub config: Vec<String>,
    pub comment: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub member_of: Vec<MembershipRow>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct MembershipRow {
    pub role: String,
    pub grantor: String,
    pub admin: bool,
    pub inherit: Option<bool>,
    pub set: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SchemaRow {
    pub name: String,
    pub owner: String,
    pub comment: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub acl: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ExtensionRow {
    pub name: String,
    pub version: String,
    pub schema: String,
    pub owner: String,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CollationRow {
    pub name: String,
    pub owner: String,
    pub comment: Option<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Deserialize)]
pub(crate) struct TypeRow {
    pub name: String,
    #[serde(rename = "type")]
    pub typtype: String,
    pub owner: String,
    pub comment: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub acl: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub labels: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub attributes: Vec<ColumnRow>,
    pub range: Option<Attributes>,
    pub base: Option<Attributes>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DomainRow {
    pub name: String,
    pub owner: String,
    pub comment: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub acl: Vec<String>,
    pub base: String,
    pub not_null: bool,
    pub default: Option<String>,
    pub collation: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub constraints: Vec<DomainConstraintRow>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DomainConstraintRow {
    pub name: String,
    pub definition: String,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct FunctionRow {
    pub name: String,
    pub arguments: String,
    pub kind: String,
    pub owner: String,
    pub comment: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub acl: Vec<String>,
    pub definition: Option<String>,
    pub aggregate: Option<Attributes>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SequenceRow {
    pub name: String,
    pub owner: String,
    pub comment: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub acl: Vec<String>,
    pub persistence: String,
    #[serde(rename = "type")]
    pub data_type: String,
    pub start: i64,
    pub increment: i64,
    pub min: i64,
    pub max: i64,
    pub cache: i64,
    pub cycle: bool,
    pub owned_by: Option<OwnedByRow>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct OwnedByRow {
    pub column: String,
    /// Only to find the table among the relations.
    pub table_oid: u32,
    pub identity: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RelationRow {
    /// Only to find the relation of an index or a sequence; never in the snapshot.
    pub oid: u32,
    pub name: String,
    pub kind: String,
    pub persistence: String,
    pub owner: String,
    pub comment: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub acl: Vec<String>,
    pub row_security: bool,
    pub force_row_security: bool,
    pub replica_identity: String,
    pub replica_identity_index: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub options: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub toast_options: Vec<String>,
    pub access_method: Option<String>,
    pub tablespace: Option<String>,
    pub partition_key: Option<String>,
    pub partition_bound: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    /// Inheritance parents in order, the partitioned table of a partition first, which ends in
    /// [`DETACH_PENDING`] while `DETACH PARTITION ... CONCURRENTLY` has not finished.
    pub parents: Vec<String>,
    pub of_type: Option<String>,
    pub definition: Option<String>,
    pub foreign: Option<ForeignTableRow>,
    #[serde(default, deserialize_with = "nullable")]
    pub columns: Vec<ColumnRow>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ForeignTableRow {
    pub server: String,
    #[serde(default, deserialize_with = "nullable")]
    pub options: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ColumnRow {
    pub name: String,
    #[serde(rename = "type")]
    pub data_type: String,
    pub not_null: bool,
    /// `not valid`, `no inherit` or both, for a NOT NULL constraint (PostgreSQL 18 and later).
    pub not_null_modifiers: Option<String>,
    /// The default, or the generation expression of a generated column.
    pub expression: Option<String>,
    pub extra: Option<ColumnExtra>,
}

/// What only some columns have; absent when the column has none of it.
#[derive(Debug, Deserialize)]
pub(crate) struct ColumnExtra {
    pub generated: Option<String>,
    pub identity: Option<String>,
    pub collation: Option<String>,
    pub storage: Option<String>,
    pub compression: Option<String>,
    pub statistics: Option<i32>,
    pub local: bool,
    pub inherited: i32,
    #[serde(default, deserialize_with = "nullable")]
    pub options: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub fdw_options: Vec<String>,
    pub comment: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub acl: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct IndexRow {
    pub name: String,
    /// Only to find the table among the relations.
    pub table_oid: u32,
    pub definition: String,
    pub partition_of: Option<String>,
    pub clustered: bool,
    pub valid: bool,
    pub comment: Option<String>,
    pub tablespace: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub statistics: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ConstraintRow {
    pub name: String,
    pub table: String,
    #[serde(rename = "type")]
    pub contype: String,
    pub definition: String,
    pub local: bool,
    pub inherited: i32,
    pub comment: Option<String>,
    pub clustered: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct TriggerRow {
    pub name: String,
    pub table: String,
    pub definition: String,
    pub enabled: String,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RuleRow {
    pub name: String,
    pub table: String,
    pub definition: String,
    pub enabled: String,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct PolicyRow {
    pub name: String,
    pub table: String,
    pub command: String,
    pub permissive: bool,
    #[serde(default, deserialize_with = "nullable")]
    pub roles: Vec<String>,
    pub using: Option<String>,
    pub with_check: Option<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct StatisticsRow {
    pub name: String,
    pub owner: String,
    pub table: String,
    pub definition: String,
    pub target: Option<i32>,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct EventTriggerRow {
    pub name: String,
    pub event: String,
    pub owner: String,
    pub function: String,
    pub enabled: String,
    #[serde(default, deserialize_with = "nullable")]
    pub tags: Vec<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DefaultPrivilegesRow {
    pub role: String,
    pub schema: Option<String>,
    pub object_type: String,
    #[serde(default, deserialize_with = "nullable")]
    pub acl: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ForeignDataWrapperRow {
    pub name: String,
    pub owner: String,
    pub handler: Option<String>,
    pub validator: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub options: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub acl: Vec<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ForeignServerRow {
    pub name: String,
    pub owner: String,
    pub wrapper: String,
    #[serde(rename = "type")]
    pub server_type: Option<String>,
    pub version: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub options: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub acl: Vec<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DatabaseRow {
    pub name: String,
    pub owner: String,
    pub connection_limit: i32,
    pub allow_connections: bool,
    pub is_template: bool,
    pub tablespace: Option<String>,
    pub comment: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub acl: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub settings: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub role_settings: Vec<RoleSettingsRow>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RoleSettingsRow {
    pub role: String,
    #[serde(default, deserialize_with = "nullable")]
    pub settings: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct TablespaceRow {
    pub name: String,
    pub owner: String,
    pub location: String,
    #[serde(default, deserialize_with = "nullable")]
    pub options: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub acl: Vec<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ParameterAclRow {
    pub name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub acl: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct LanguageRow {
    pub name: String,
    pub owner: String,
    pub trusted: bool,
    pub handler: Option<String>,
    pub inline: Option<String>,
    pub validator: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub acl: Vec<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AccessMethodRow {
    pub name: String,
    #[serde(rename = "type")]
    pub method_type: String,
    pub handler: Option<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CastRow {
    pub source: String,
    pub target: String,
    pub function: Option<String>,
    pub context: String,
    pub method: String,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct TransformRow {
    #[serde(rename = "type")]
    pub data_type: String,
    pub language: String,
    pub from_sql: Option<String>,
    pub to_sql: Option<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct OperatorRow {
    pub name: String,
    pub left: String,
    pub right: String,
    pub owner: String,
    pub comment: Option<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Deserialize)]
pub(crate) struct OperatorFamilyRow {
    pub name: String,
    pub method: String,
    pub owner: String,
    pub comment: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub operators: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub functions: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct OperatorClassRow {
    pub name: String,
    pub method: String,
    #[serde(rename = "type")]
    pub data_type: String,
    pub is_default: bool,
    pub family: String,
    pub storage: Option<String>,
    pub owner: String,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ConversionRow {
    pub name: String,
    pub source: String,
    pub target: String,
    pub function: String,
    pub is_default: bool,
    pub owner: String,
    pub comment: Option<String>,
}

/// A text search parser or template: functions only, no owner.
#[derive(Debug, Deserialize)]
pub(crate) struct TextSearchObjectRow {
    pub name: String,
    pub comment: Option<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Deserialize)]
pub(crate) struct TextSearchDictionaryRow {
    pub name: String,
    pub template: String,
    pub options: Option<String>,
    pub owner: String,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct TextSearchConfigurationRow {
    pub name: String,
    pub parser: String,
    pub owner: String,
    pub comment: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub mappings: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct UserMappingRow {
    pub role: String,
    pub server: String,
    #[serde(default, deserialize_with = "nullable")]
    pub options: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct PublicationRow {
    pub name: String,
    pub owner: String,
    pub comment: Option<String>,
    pub all_tables: bool,
    pub operations: String,
    pub via_root: bool,
    pub generated_columns: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub tables: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub schemas: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SubscriptionRow {
    pub name: String,
    pub owner: String,
    pub comment: Option<String>,
    pub enabled: bool,
    pub slot: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub publications: Vec<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ExtensionPrivilegesRow {
    pub extension: String,
    pub object: String,
    #[serde(default, deserialize_with = "nullable")]
    pub acl: Vec<String>,
}
