//! The canonical model: one object per schema object, keyed by kind and name, each rendered as a
//! stable, human-readable text.
//!
//! The texts are what the diff compares and what a person reads in a report, so they carry every
//! property that a migration can change and nothing that differs between two identical schemas
//! (OIDs, physical positions, values, catalog ordering).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Serialize, Serializer, ser::SerializeSeq};

use crate::acl;
use crate::catalog::{
    Attributes, Catalog, CollationRow, ColumnRow, ConstraintRow, DefaultPrivilegesRow, DomainRow,
    EventTriggerRow, ExtensionRow, ForeignDataWrapperRow, ForeignServerRow, FunctionRow, IndexRow,
    PolicyRow, RelationRow, RoleRow, RuleRow, SchemaRow, SequenceRow, StatisticsRow, TriggerRow,
    TypeRow,
};

/// What kind of object a snapshot entry is. The order of the variants is the order of a snapshot
/// and of a diff: roughly the order in which a schema is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ObjectKind {
    /// A role other than the `pg_*` roles and the bootstrap superuser; cluster-wide.
    Role,
    Schema,
    Extension,
    ForeignDataWrapper,
    ForeignServer,
    Collation,
    /// An enum, composite, range or base type.
    Type,
    Domain,
    /// A function, including window functions.
    Function,
    Procedure,
    Aggregate,
    Sequence,
    /// A table, partitioned or not, and each partition.
    Table,
    ForeignTable,
    View,
    MaterializedView,
    /// An index that does not back a constraint (those are part of the constraint).
    Index,
    /// A table constraint other than NOT NULL, which is part of its column.
    Constraint,
    Trigger,
    Rule,
    Policy,
    /// An extended statistics object (`CREATE STATISTICS`).
    Statistics,
    EventTrigger,
    DefaultPrivileges,
}

impl ObjectKind {
    /// The kind as a person says it, in lowercase.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Role => "role",
            Self::Schema => "schema",
            Self::Extension => "extension",
            Self::ForeignDataWrapper => "foreign data wrapper",
            Self::ForeignServer => "server",
            Self::Collation => "collation",
            Self::Type => "type",
            Self::Domain => "domain",
            Self::Function => "function",
            Self::Procedure => "procedure",
            Self::Aggregate => "aggregate",
            Self::Sequence => "sequence",
            Self::Table => "table",
            Self::ForeignTable => "foreign table",
            Self::View => "view",
            Self::MaterializedView => "materialized view",
            Self::Index => "index",
            Self::Constraint => "constraint",
            Self::Trigger => "trigger",
            Self::Rule => "rule",
            Self::Policy => "policy",
            Self::Statistics => "statistics",
            Self::EventTrigger => "event trigger",
            Self::DefaultPrivileges => "default privileges",
        }
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Identifies an object across two snapshots: its kind and its name as SQL would write it
/// (identifiers quoted only where needed).
///
/// Name formats: `public.runs` for objects in a schema; `public.f(integer, text)` for functions,
/// procedures and aggregates; `runs_pkey on public.runs` for constraints, triggers, rules and
/// policies; `alice`, `app`, `pgcrypto` for roles, schemas, extensions, wrappers and servers;
/// `for role app in schema public on tables` for default privileges.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectKey {
    pub kind: ObjectKind,
    pub name: String,
}

impl ObjectKey {
    pub fn new(kind: ObjectKind, name: impl Into<String>) -> Self {
        Self {
            kind,
            name: name.into(),
        }
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.name)
    }
}

/// The schema of one database at one moment: every object with its canonical text, sorted by key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    #[serde(serialize_with = "serialize_objects")]
    objects: BTreeMap<ObjectKey, String>,
}

impl Snapshot {
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Every object with its canonical text, sorted by key.
    pub fn objects(&self) -> impl Iterator<Item = (&ObjectKey, &str)> {
        self.objects.iter().map(|(key, text)| (key, text.as_str()))
    }

    /// The canonical text of one object.
    pub fn get(&self, key: &ObjectKey) -> Option<&str> {
        self.objects.get(key).map(String::as_str)
    }

    pub(crate) fn map(&self) -> &BTreeMap<ObjectKey, String> {
        &self.objects
    }
}

/// Builds a snapshot from keys and canonical texts. Two texts under one key (which the catalogs
/// should never produce) are kept both, in a fixed order, rather than one silently winning.
impl FromIterator<(ObjectKey, String)> for Snapshot {
    fn from_iter<I: IntoIterator<Item = (ObjectKey, String)>>(iter: I) -> Self {
        let mut entries: Vec<(ObjectKey, String)> = iter.into_iter().collect();
        entries.sort();
        let mut objects: BTreeMap<ObjectKey, String> = BTreeMap::new();
        for (key, text) in entries {
            match objects.get_mut(&key) {
                Some(existing) => {
                    existing.push('\n');
                    existing.push_str(&text);
                }
                None => {
                    objects.insert(key, text);
                }
            }
        }
        Self { objects }
    }
}

/// JSON has no composite map keys, so a snapshot serializes as a list of objects.
fn serialize_objects<S: Serializer>(
    objects: &BTreeMap<ObjectKey, String>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Entry<'a> {
        kind: ObjectKind,
        name: &'a str,
        text: &'a str,
    }
    let mut seq = serializer.serialize_seq(Some(objects.len()))?;
    for (key, text) in objects {
        seq.serialize_element(&Entry {
            kind: key.kind,
            name: &key.name,
            text,
        })?;
    }
    seq.end()
}

/// The header of the block whose lines may be reordered without changing anything but the order
/// of members; see [`crate::Change::ColumnOrder`].
pub(crate) const MEMBER_BLOCKS: [&str; 2] = ["columns:", "attributes:"];

/// Turns the decoded catalog into the canonical model.
pub(crate) fn build(catalog: Catalog) -> Snapshot {
    let mut objects: Vec<(ObjectKey, String)> = Vec::new();
    let mut add = |kind: ObjectKind, name: String, text: Text| {
        let key = ObjectKey::new(kind, name);
        let rendered = text.finish(&key);
        objects.push((key, rendered));
    };

    for row in catalog.roles {
        let (name, text) = role(row);
        add(ObjectKind::Role, name, text);
    }
    for row in catalog.schemas {
        let (name, text) = schema(row);
        add(ObjectKind::Schema, name, text);
    }
    for row in catalog.extensions {
        let (name, text) = extension(row);
        add(ObjectKind::Extension, name, text);
    }
    for row in catalog.foreign_data_wrappers {
        let (name, text) = foreign_data_wrapper(row);
        add(ObjectKind::ForeignDataWrapper, name, text);
    }
    for row in catalog.foreign_servers {
        let (name, text) = foreign_server(row);
        add(ObjectKind::ForeignServer, name, text);
    }
    for row in catalog.collations {
        let (name, text) = collation(row);
        add(ObjectKind::Collation, name, text);
    }
    for row in catalog.types {
        let (name, text) = user_type(row);
        add(ObjectKind::Type, name, text);
    }
    for row in catalog.domains {
        let (name, text) = domain(row);
        add(ObjectKind::Domain, name, text);
    }
    for row in catalog.functions {
        let (kind, name, text) = function(row);
        add(kind, name, text);
    }
    for row in catalog.sequences {
        let (name, text) = sequence(row);
        add(ObjectKind::Sequence, name, text);
    }
    for row in catalog.relations {
        let (kind, name, text) = relation(row);
        add(kind, name, text);
    }
    for row in catalog.indexes {
        let (name, text) = index(row);
        add(ObjectKind::Index, name, text);
    }
    for row in catalog.constraints {
        let (name, text) = constraint(row);
        add(ObjectKind::Constraint, name, text);
    }
    for row in catalog.triggers {
        let (name, text) = trigger(row);
        add(ObjectKind::Trigger, name, text);
    }
    for row in catalog.rules {
        let (name, text) = rule(row);
        add(ObjectKind::Rule, name, text);
    }
    for row in catalog.policies {
        let (name, text) = policy(row);
        add(ObjectKind::Policy, name, text);
    }
    for row in catalog.statistics {
        let (name, text) = statistics(row);
        add(ObjectKind::Statistics, name, text);
    }
    for row in catalog.event_triggers {
        let (name, text) = event_trigger(row);
        add(ObjectKind::EventTrigger, name, text);
    }
    for row in catalog.default_privileges {
        let (name, text) = default_privileges(row);
        add(ObjectKind::DefaultPrivileges, name, text);
    }

    objects.into_iter().collect()
}

/// A canonical text under construction: `key: value` lines, flags, and indented blocks.
#[derive(Debug, Default)]
struct Text {
    /// Overrides the kind word of the first line, e.g. "partitioned table" for a table.
    heading: Option<&'static str>,
    lines: Vec<String>,
}

impl Text {
    fn heading(heading: &'static str) -> Self {
        Self {
            heading: Some(heading),
            lines: Vec::new(),
        }
    }

    fn field(&mut self, key: &str, value: impl fmt::Display) {
        self.lines.push(format!("{key}: {value}"));
    }

    fn optional(&mut self, key: &str, value: Option<impl fmt::Display>) {
        if let Some(value) = value {
            self.field(key, value);
        }
    }

    fn flag(&mut self, present: bool, word: &str) {
        if present {
            self.lines.push(word.to_owned());
        }
    }

    fn comment(&mut self, comment: Option<String>) {
        self.optional("comment", comment.map(|text| quoted(&text)));
    }

    fn owner(&mut self, owner: &str) {
        self.field("owner", owner);
    }

    /// A block of lines kept in the given order, one level deeper. Omitted when empty.
    fn block(&mut self, header: &str, lines: impl IntoIterator<Item = String>) {
        let mut lines = lines.into_iter().peekable();
        if lines.peek().is_none() {
            return;
        }
        self.lines.push(header.to_owned());
        for line in lines {
            self.lines.push(indent(&line));
        }
    }

    /// A block whose order carries no meaning, sorted.
    fn sorted_block(&mut self, header: &str, lines: impl IntoIterator<Item = String>) {
        let mut lines: Vec<String> = lines.into_iter().collect();
        lines.sort();
        self.block(header, lines);
    }

    /// Text that may span lines (definitions), indented under its header.
    fn multiline(&mut self, header: &str, text: Option<&str>) {
        if let Some(text) = text {
            self.block(header, text.trim_end().lines().map(str::to_owned));
        }
    }

    /// An empty list means every privilege was revoked, even the owner's: said, not left out.
    fn privileges(&mut self, acl: Vec<String>) {
        if acl.is_empty() {
            self.field("privileges", "none");
        } else {
            self.block("privileges:", acl::render(&acl));
        }
    }

    fn attributes(&mut self, attributes: Option<Attributes>) {
        for (key, value) in attributes.into_iter().flatten() {
            if !value.is_null() {
                self.field(&key.replace('_', " "), json_value(&value));
            }
        }
    }

    fn finish(self, key: &ObjectKey) -> String {
        let mut out = format!("{} {}", self.heading.unwrap_or(key.kind.as_str()), key.name);
        for line in self.lines {
            out.push('\n');
            out.push_str(&line);
        }
        out
    }
}

/// Indents one line of a block; empty lines stay empty so no line ends in spaces.
fn indent(line: &str) -> String {
    if line.is_empty() {
        String::new()
    } else {
        format!("  {line}")
    }
}

/// Free text (comments, labels) quoted and escaped so it always stays on one line.
fn quoted(text: &str) -> String {
    format!("{text:?}")
}

fn json_value(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) if text.chars().any(char::is_control) => quoted(text),
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Bool(true) => "yes".to_owned(),
        serde_json::Value::Bool(false) => "no".to_owned(),
        other => other.to_string(),
    }
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

fn column(row: ColumnRow) -> String {
    let mut line = format!("{} {}", row.name, row.data_type);
    let not_null = match (row.not_null, row.not_null_modifiers) {
        (false, _) => String::new(),
        (true, None) => " not null".to_owned(),
        (true, Some(modifiers)) => format!(" not null {modifiers}"),
    };
    let Some(extra) = row.extra else {
        line.push_str(&not_null);
        if let Some(default) = row.expression {
            line.push_str(&format!(" default {default}"));
        }
        return line;
    };
    if let Some(collation) = extra.collation {
        line.push_str(&format!(" collate {collation}"));
    }
    line.push_str(&not_null);
    let generated = match extra.generated.as_deref() {
        Some("s") => Some("stored"),
        Some("v") => Some("virtual"),
        Some(_) => Some("generated"),
        None => None,
    };
    match (generated, row.expression) {
        (Some(kind), Some(expression)) => {
            line.push_str(&format!(" generated always as ({expression}) {kind}"));
        }
        (None, Some(default)) => line.push_str(&format!(" default {default}")),
        (_, None) => {}
    }
    match extra.identity.as_deref() {
        Some("a") => line.push_str(" generated always as identity"),
        Some("d") => line.push_str(" generated by default as identity"),
        Some(other) => line.push_str(&format!(" identity {other}")),
        None => {}
    }
    if let Some(storage) = extra.storage {
        let storage = match storage.as_str() {
            "p" => "plain",
            "e" => "external",
            "m" => "main",
            "x" => "extended",
            other => other,
        };
        line.push_str(&format!(" storage {storage}"));
    }
    if let Some(compression) = extra.compression {
        let compression = match compression.as_str() {
            "p" => "pglz",
            "l" => "lz4",
            other => other,
        };
        line.push_str(&format!(" compression {compression}"));
    }
    if let Some(target) = extra.statistics {
        line.push_str(&format!(" statistics {target}"));
    }
    if !extra.options.is_empty() {
        line.push_str(&format!(" options ({})", sorted(extra.options).join(", ")));
    }
    if !extra.fdw_options.is_empty() {
        line.push_str(&format!(
            " fdw options ({})",
            sorted(extra.fdw_options).join(", ")
        ));
    }
    if extra.inherited > 0 {
        line.push_str(if extra.local {
            " inherited and local"
        } else {
            " inherited"
        });
    }
    if let Some(comment) = extra.comment {
        line.push_str(&format!(" comment {}", quoted(&comment)));
    }
    if !extra.acl.is_empty() {
        line.push_str(&format!(
            " privileges [{}]",
            acl::render(&extra.acl).join("; ")
        ));
    }
    line
}

fn role(row: RoleRow) -> (String, Text) {
    let mut text = Text::default();
    let word = |on: bool, name: &str| {
        if on {
            name.to_owned()
        } else {
            format!("NO{name}")
        }
    };
    text.field(
        "attributes",
        [
            word(row.superuser, "SUPERUSER"),
            word(row.inherit, "INHERIT"),
            word(row.createrole, "CREATEROLE"),
            word(row.createdb, "CREATEDB"),
            word(row.login, "LOGIN"),
            word(row.replication, "REPLICATION"),
            word(row.bypassrls, "BYPASSRLS"),
        ]
        .join(" "),
    );
    if row.connection_limit != -1 {
        text.field("connection limit", row.connection_limit);
    }
    text.optional("valid until", row.valid_until);
    text.sorted_block("settings:", row.config);
    text.sorted_block(
        "member of:",
        row.member_of.into_iter().map(|membership| {
            let mut options = Vec::new();
            if membership.admin {
                options.push("admin");
            }
            match membership.inherit {
                Some(true) => options.push("inherit"),
                Some(false) => options.push("noinherit"),
                None => {}
            }
            match membership.set {
                Some(true) => options.push("set"),
                Some(false) => options.push("noset"),
                None => {}
            }
            let options = if options.is_empty() {
                String::new()
            } else {
                format!(" with {}", options.join(", "))
            };
            format!(
                "{}{options} (granted by {})",
                membership.role, membership.grantor
            )
        }),
    );
    text.comment(row.comment);
    (row.name, text)
}

fn schema(row: SchemaRow) -> (String, Text) {
    let mut text = Text::default();
    text.owner(&row.owner);
    text.comment(row.comment);
    text.privileges(row.acl);
    (row.name, text)
}

fn extension(row: ExtensionRow) -> (String, Text) {
    let mut text = Text::default();
    text.field("version", row.version);
    text.field("schema", row.schema);
    text.owner(&row.owner);
    text.comment(row.comment);
    (row.name, text)
}

fn foreign_data_wrapper(row: ForeignDataWrapperRow) -> (String, Text) {
    let mut text = Text::default();
    text.owner(&row.owner);
    text.optional("handler", row.handler);
    text.optional("validator", row.validator);
    text.sorted_block("options:", row.options);
    text.comment(row.comment);
    text.privileges(row.acl);
    (row.name, text)
}

fn foreign_server(row: ForeignServerRow) -> (String, Text) {
    let mut text = Text::default();
    text.field("foreign data wrapper", row.wrapper);
    text.optional("type", row.server_type.map(|value| quoted(&value)));
    text.optional("version", row.version.map(|value| quoted(&value)));
    text.owner(&row.owner);
    text.sorted_block("options:", row.options);
    text.comment(row.comment);
    text.privileges(row.acl);
    (row.name, text)
}

fn collation(row: CollationRow) -> (String, Text) {
    let mut text = Text::default();
    text.owner(&row.owner);
    text.attributes(Some(row.attributes));
    text.comment(row.comment);
    (row.name, text)
}

fn user_type(row: TypeRow) -> (String, Text) {
    let heading = match row.typtype.as_str() {
        "e" => "enum type",
        "c" => "composite type",
        "r" => "range type",
        "b" => "base type",
        _ => "type",
    };
    let mut text = Text::heading(heading);
    text.owner(&row.owner);
    text.comment(row.comment);
    text.privileges(row.acl);
    text.block("labels:", row.labels.iter().map(|label| quoted(label)));
    text.block(MEMBER_BLOCKS[1], row.attributes.into_iter().map(column));
    text.attributes(row.range);
    text.attributes(row.base);
    (row.name, text)
}

fn domain(row: DomainRow) -> (String, Text) {
    let mut text = Text::default();
    text.field("type", row.base);
    text.optional("collation", row.collation);
    text.flag(row.not_null, "not null");
    text.optional("default", row.default);
    text.owner(&row.owner);
    text.comment(row.comment);
    text.privileges(row.acl);
    text.sorted_block(
        "constraints:",
        row.constraints.into_iter().map(|constraint| {
            let comment = constraint
                .comment
                .map(|comment| format!(" comment {}", quoted(&comment)))
                .unwrap_or_default();
            format!("{}: {}{comment}", constraint.name, constraint.definition)
        }),
    );
    (row.name, text)
}

fn function(row: FunctionRow) -> (ObjectKind, String, Text) {
    let (kind, heading) = match row.kind.as_str() {
        "p" => (ObjectKind::Procedure, "procedure"),
        "a" => (ObjectKind::Aggregate, "aggregate"),
        "w" => (ObjectKind::Function, "window function"),
        _ => (ObjectKind::Function, "function"),
    };
    let mut text = Text::heading(heading);
    text.owner(&row.owner);
    text.comment(row.comment);
    text.privileges(row.acl);
    text.attributes(row.aggregate);
    text.multiline("definition:", row.definition.as_deref());
    (kind, format!("{}({})", row.name, row.arguments), text)
}

fn sequence(row: SequenceRow) -> (String, Text) {
    let mut text = Text::default();
    text.flag(row.persistence == "u", "unlogged");
    text.field("type", row.data_type);
    text.field("start", row.start);
    text.field("increment", row.increment);
    text.field("min", row.min);
    text.field("max", row.max);
    text.field("cache", row.cache);
    text.field("cycle", yes_no(row.cycle));
    if let Some(owned_by) = row.owned_by {
        let key = if owned_by.identity {
            "identity of"
        } else {
            "owned by"
        };
        text.field(key, owned_by.column);
    }
    text.owner(&row.owner);
    text.comment(row.comment);
    text.privileges(row.acl);
    (row.name, text)
}

fn relation(row: RelationRow) -> (ObjectKind, String, Text) {
    let (kind, heading) = match row.kind.as_str() {
        "p" => (ObjectKind::Table, "partitioned table"),
        "v" => (ObjectKind::View, "view"),
        "m" => (ObjectKind::MaterializedView, "materialized view"),
        "f" => (ObjectKind::ForeignTable, "foreign table"),
        _ => (ObjectKind::Table, "table"),
    };
    let mut text = Text::heading(heading);
    text.flag(row.persistence == "u", "unlogged");
    text.optional("partition key", row.partition_key);
    let mut parents = row.parents.into_iter();
    if let Some(bound) = row.partition_bound {
        // A partition has exactly one parent, listed in pg_inherits.
        let parent = parents.next().unwrap_or_default();
        text.field("partition of", format!("{parent} {bound}"));
    }
    let parents: Vec<String> = parents.collect();
    if !parents.is_empty() {
        text.field("inherits", parents.join(", "));
    }
    text.optional("of type", row.of_type);
    if let Some(foreign) = row.foreign {
        text.field("server", foreign.server);
        if !foreign.options.is_empty() {
            text.field("options", sorted(foreign.options).join(", "));
        }
    } else if !row.options.is_empty() {
        text.field("options", sorted(row.options).join(", "));
    }
    text.optional(
        "access method",
        row.access_method.filter(|method| method != "heap"),
    );
    text.optional("tablespace", row.tablespace);
    text.flag(row.row_security, "row level security: enabled");
    text.flag(row.force_row_security, "row level security: forced");
    // Views report "nothing" here, which says nothing about them.
    let replica_identity = match kind {
        ObjectKind::Table | ObjectKind::MaterializedView => row.replica_identity.as_str(),
        _ => "d",
    };
    match replica_identity {
        "n" => text.field("replica identity", "nothing"),
        "f" => text.field("replica identity", "full"),
        "i" => text.field(
            "replica identity",
            format!(
                "using index {}",
                row.replica_identity_index.unwrap_or_default()
            ),
        ),
        _ => {}
    }
    text.owner(&row.owner);
    text.comment(row.comment);
    text.privileges(row.acl);
    text.block(MEMBER_BLOCKS[0], row.columns.into_iter().map(column));
    text.multiline("definition:", row.definition.as_deref());
    (kind, row.name, text)
}

fn index(row: IndexRow) -> (String, Text) {
    let mut text = Text::default();
    text.field("definition", row.definition);
    text.flag(row.clustered, "clustered");
    text.flag(!row.valid, "invalid");
    text.optional("tablespace", row.tablespace);
    text.block(
        "statistics:",
        row.statistics
            .into_iter()
            .map(|entry| format!("column {entry}")),
    );
    text.comment(row.comment);
    (row.name, text)
}

fn constraint(row: ConstraintRow) -> (String, Text) {
    let mut text = Text::default();
    let kind = match row.contype.as_str() {
        "p" => "primary key",
        "u" => "unique",
        "f" => "foreign key",
        "c" => "check",
        "x" => "exclusion",
        other => other,
    };
    text.field("type", kind);
    text.field("definition", row.definition);
    text.flag(row.clustered, "clustered");
    if row.inherited > 0 {
        text.flag(
            true,
            if row.local {
                "inherited and local"
            } else {
                "inherited"
            },
        );
    }
    text.comment(row.comment);
    (format!("{} on {}", row.name, row.table), text)
}

fn trigger(row: TriggerRow) -> (String, Text) {
    let mut text = Text::default();
    text.field("definition", row.definition);
    text.field("state", enabled_state(&row.enabled));
    text.comment(row.comment);
    (format!("{} on {}", row.name, row.table), text)
}

/// `tgenabled` / `ev_enabled` / `evtenabled`: which `session_replication_role` fires it.
fn enabled_state(code: &str) -> &str {
    match code {
        "O" => "enabled",
        "D" => "disabled",
        "R" => "enabled on replica only",
        "A" => "enabled always",
        other => other,
    }
}

fn rule(row: RuleRow) -> (String, Text) {
    let mut text = Text::default();
    text.multiline("definition:", Some(&row.definition));
    text.field("state", enabled_state(&row.enabled));
    text.comment(row.comment);
    (format!("{} on {}", row.name, row.table), text)
}

fn policy(row: PolicyRow) -> (String, Text) {
    let mut text = Text::default();
    let command = match row.command.as_str() {
        "r" => "SELECT",
        "a" => "INSERT",
        "w" => "UPDATE",
        "d" => "DELETE",
        "*" => "ALL",
        other => other,
    };
    text.field("command", command);
    text.field(
        "type",
        if row.permissive {
            "permissive"
        } else {
            "restrictive"
        },
    );
    text.field("roles", sorted(row.roles).join(", "));
    text.optional("using", row.using);
    text.optional("with check", row.with_check);
    text.comment(row.comment);
    (format!("{} on {}", row.name, row.table), text)
}

fn statistics(row: StatisticsRow) -> (String, Text) {
    let mut text = Text::default();
    text.field("definition", row.definition);
    text.optional("statistics target", row.target);
    text.owner(&row.owner);
    text.comment(row.comment);
    (row.name, text)
}

fn event_trigger(row: EventTriggerRow) -> (String, Text) {
    let mut text = Text::default();
    text.field("event", row.event);
    if !row.tags.is_empty() {
        text.field("tags", sorted(row.tags).join(", "));
    }
    text.field("function", row.function);
    text.field("state", enabled_state(&row.enabled));
    text.owner(&row.owner);
    text.comment(row.comment);
    (row.name, text)
}

fn default_privileges(row: DefaultPrivilegesRow) -> (String, Text) {
    let objects = match row.object_type.as_str() {
        "r" => "tables",
        "S" => "sequences",
        "f" => "functions",
        "T" => "types",
        "n" => "schemas",
        "L" => "large objects",
        other => other,
    };
    let name = match row.schema {
        Some(schema) => format!("for role {} in schema {schema} on {objects}", row.role),
        None => format!("for role {} on {objects}", row.role),
    };
    let mut text = Text::default();
    text.privileges(row.acl);
    (name, text)
}
