//! The canonical model: one object per schema object, keyed by kind and name, each rendered as a
//! stable, human-readable text.
//!
//! The texts are what the diff compares and what a person reads in a report, so they carry every
//! property that a migration can change and nothing that differs between two identical schemas
//! (OIDs, physical positions, values, catalog ordering).

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Serialize, Serializer};

use crate::acl;
use crate::catalog::{
    AccessMethodRow, Attributes, CastRow, Catalog, CollationRow, ColumnRow, ConstraintRow,
    ConversionRow, DETACH_PENDING, DatabaseRow, DefaultPrivilegesRow, DomainRow, EventTriggerRow,
    ExtensionRow, ForeignDataWrapperRow, ForeignServerRow, FunctionRow, IndexRow, LanguageRow,
    OperatorClassRow, OperatorFamilyRow, OperatorRow, PolicyRow, PublicationRow, RelationRow,
    RoleRow, RuleRow, SchemaRow, SequenceRow, StatisticsRow, SubscriptionRow, TablespaceRow,
    TextSearchConfigurationRow, TextSearchDictionaryRow, TextSearchObjectRow, TransformRow,
    TriggerRow, TypeRow, UserMappingRow,
};

/// What kind of object a snapshot entry is. The order of the variants is the order of a snapshot
/// and of a diff: roughly the order in which a schema is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ObjectKind {
    /// A role other than the `pg_*` roles and the bootstrap superuser; cluster-wide.
    Role,
    /// A tablespace other than `pg_default` and `pg_global`; cluster-wide.
    Tablespace,
    /// The database the migrations run in: owner, privileges, settings (`ALTER DATABASE ... SET`,
    /// `ALTER ROLE ... IN DATABASE ... SET`).
    Database,
    /// Privileges on a configuration parameter (`GRANT SET ON PARAMETER`); cluster-wide.
    Parameter,
    Schema,
    Extension,
    /// A procedural language that is not an extension's.
    Language,
    AccessMethod,
    ForeignDataWrapper,
    ForeignServer,
    UserMapping,
    Collation,
    Conversion,
    /// An enum, composite, range or base type.
    Type,
    Domain,
    /// A function, including window functions.
    Function,
    Procedure,
    Aggregate,
    Operator,
    OperatorFamily,
    OperatorClass,
    Cast,
    Transform,
    TextSearchParser,
    TextSearchTemplate,
    TextSearchDictionary,
    TextSearchConfiguration,
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
    Publication,
    Subscription,
}

impl ObjectKind {
    /// Every kind, in snapshot order.
    pub const ALL: [ObjectKind; 42] = [
        Self::Role,
        Self::Tablespace,
        Self::Database,
        Self::Parameter,
        Self::Schema,
        Self::Extension,
        Self::Language,
        Self::AccessMethod,
        Self::ForeignDataWrapper,
        Self::ForeignServer,
        Self::UserMapping,
        Self::Collation,
        Self::Conversion,
        Self::Type,
        Self::Domain,
        Self::Function,
        Self::Procedure,
        Self::Aggregate,
        Self::Operator,
        Self::OperatorFamily,
        Self::OperatorClass,
        Self::Cast,
        Self::Transform,
        Self::TextSearchParser,
        Self::TextSearchTemplate,
        Self::TextSearchDictionary,
        Self::TextSearchConfiguration,
        Self::Sequence,
        Self::Table,
        Self::ForeignTable,
        Self::View,
        Self::MaterializedView,
        Self::Index,
        Self::Constraint,
        Self::Trigger,
        Self::Rule,
        Self::Policy,
        Self::Statistics,
        Self::EventTrigger,
        Self::DefaultPrivileges,
        Self::Publication,
        Self::Subscription,
    ];

    /// The kind as a person says it, in lowercase.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Role => "role",
            Self::Tablespace => "tablespace",
            Self::Database => "database",
            Self::Parameter => "parameter",
            Self::Schema => "schema",
            Self::Extension => "extension",
            Self::Language => "language",
            Self::AccessMethod => "access method",
            Self::ForeignDataWrapper => "foreign data wrapper",
            Self::ForeignServer => "server",
            Self::UserMapping => "user mapping",
            Self::Collation => "collation",
            Self::Conversion => "conversion",
            Self::Type => "type",
            Self::Domain => "domain",
            Self::Function => "function",
            Self::Procedure => "procedure",
            Self::Aggregate => "aggregate",
            Self::Operator => "operator",
            Self::OperatorFamily => "operator family",
            Self::OperatorClass => "operator class",
            Self::Cast => "cast",
            Self::Transform => "transform",
            Self::TextSearchParser => "text search parser",
            Self::TextSearchTemplate => "text search template",
            Self::TextSearchDictionary => "text search dictionary",
            Self::TextSearchConfiguration => "text search configuration",
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
            Self::Publication => "publication",
            Self::Subscription => "subscription",
        }
    }

    /// The kind named by `word`: its [`ObjectKind::as_str`] with spaces, underscores or hyphens
    /// between the words (`event trigger`, `event_trigger`, `event-trigger`), in any case.
    pub fn from_word(word: &str) -> Option<ObjectKind> {
        let wanted: String = word
            .trim()
            .chars()
            .map(|c| match c {
                '_' | '-' => ' ',
                other => other.to_ascii_lowercase(),
            })
            .collect();
        Self::ALL.into_iter().find(|kind| kind.as_str() == wanted)
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
/// procedures and aggregates, `public.===(integer, integer)` for operators; `runs_pkey on
/// public.runs` for constraints, triggers, rules and policies; `public.int4_ops using btree` for
/// operator classes and families; `(text AS public.mood)` for casts; `for alice server remote`
/// for user mappings; `alice`, `app`, `pgcrypto` for roles, schemas, extensions, languages,
/// wrappers, servers, publications and the like; the database's own name for the database;
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

/// The schema of one database at one moment: every object with its canonical text, sorted by key,
/// and for each object the objects it belongs to (see [`Snapshot::within`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    objects: BTreeMap<ObjectKey, String>,
    within: BTreeMap<ObjectKey, Vec<ObjectKey>>,
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

    /// The objects `key` belongs to, nearest first: an index's table and schema, a constraint's
    /// table and its schema, a partition's partitioned table, a sequence's owning table, a user
    /// mapping's server. Empty for objects that stand alone (roles, the database, casts).
    pub fn within(&self, key: &ObjectKey) -> &[ObjectKey] {
        self.within.get(key).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn map(&self) -> &BTreeMap<ObjectKey, String> {
        &self.objects
    }
}

/// Builds a snapshot from keys and canonical texts. Two texts under one key (which the catalogs
/// should never produce) are kept both, in a fixed order, rather than one silently winning.
impl FromIterator<(ObjectKey, String)> for Snapshot {
    fn from_iter<I: IntoIterator<Item = (ObjectKey, String)>>(iter: I) -> Self {
        Self::from_entries(
            iter.into_iter()
                .map(|(key, text)| (key, text, Vec::new()))
                .collect(),
        )
    }
}

impl Snapshot {
    fn from_entries(mut entries: Vec<(ObjectKey, String, Vec<ObjectKey>)>) -> Self {
        entries.sort();
        let mut objects: BTreeMap<ObjectKey, String> = BTreeMap::new();
        let mut within: BTreeMap<ObjectKey, Vec<ObjectKey>> = BTreeMap::new();
        for (key, text, parents) in entries {
            if !parents.is_empty() {
                within.entry(key.clone()).or_insert(parents);
            }
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
        Self { objects, within }
    }
}

/// JSON has no composite map keys, so a snapshot serializes as a list of objects.
impl Serialize for Snapshot {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Entry<'a> {
            kind: ObjectKind,
            name: &'a str,
            #[serde(skip_serializing_if = "<[ObjectKey]>::is_empty")]
            within: &'a [ObjectKey],
            text: &'a str,
        }
        #[derive(Serialize)]
        struct Objects<'a> {
            objects: Vec<Entry<'a>>,
        }
        Objects {
            objects: self
                .objects
                .iter()
                .map(|(key, text)| Entry {
                    kind: key.kind,
                    name: &key.name,
                    within: self.within(key),
                    text,
                })
                .collect(),
        }
        .serialize(serializer)
    }
}

/// The header of the block whose lines may be reordered without changing anything but the order
/// of members; see [`crate::Change::ColumnOrder`].
pub(crate) const MEMBER_BLOCKS: [&str; 2] = ["columns:", "attributes:"];

/// Turns the decoded catalog into the canonical model.
pub(crate) fn build(catalog: Catalog) -> Snapshot {
    let mut builder = Builder::default();
    builder.add(catalog);
    builder.finish()
}

/// A snapshot under construction, from one or more catalog documents whose sections do not
/// overlap. Indexes, sequences and the objects on a table name their table by OID: the
/// relations must be added before them, or along with them.
#[derive(Default)]
pub(crate) struct Builder {
    objects: Objects,
    by_oid: HashMap<u32, ObjectKey>,
}

impl Builder {
    pub(crate) fn finish(self) -> Snapshot {
        Snapshot::from_entries(self.objects.entries)
    }

    pub(crate) fn add(&mut self, catalog: Catalog) {
        let Builder { objects, by_oid } = self;
        let Catalog {
            roles,
            schemas,
            extensions,
            collations,
            types,
            domains,
            functions,
            sequences,
            relations,
            indexes,
            constraints,
            triggers,
            rules,
            policies,
            statistics: statistics_rows,
            event_triggers,
            default_privileges: default_privileges_rows,
            foreign_data_wrappers,
            foreign_servers,
            database: databases,
            tablespaces,
            parameter_acls,
            languages,
            access_methods,
            casts,
            transforms,
            operators,
            operator_families,
            operator_classes,
            conversions,
            text_search_parsers,
            text_search_templates,
            text_search_dictionaries,
            text_search_configurations,
            user_mappings,
            publications,
            subscriptions,
            extension_privileges,
        } = catalog;

        for row in roles {
            let (name, text) = role(row);
            objects.add(ObjectKind::Role, name, text, Vec::new());
        }
        for row in tablespaces {
            let (name, text) = tablespace(row);
            objects.add(ObjectKind::Tablespace, name, text, Vec::new());
        }
        for row in databases {
            let (name, text) = database(row);
            objects.add(ObjectKind::Database, name, text, Vec::new());
        }
        for row in parameter_acls {
            let mut text = Text::default();
            text.privileges(row.acl);
            objects.add(ObjectKind::Parameter, row.name, text, Vec::new());
        }
        for row in schemas {
            let (name, text) = schema(row);
            objects.add(ObjectKind::Schema, name, text, Vec::new());
        }
        let mut member_privileges: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for row in extension_privileges {
            let privileges = if row.acl.is_empty() {
                "none".to_owned()
            } else {
                acl::render(&row.acl).join("; ")
            };
            member_privileges
                .entry(row.extension)
                .or_default()
                .push(format!("{}: {privileges}", row.object));
        }
        for row in extensions {
            let in_schema = vec![ObjectKey::new(ObjectKind::Schema, row.schema.clone())];
            let members = member_privileges.remove(&row.name).unwrap_or_default();
            let (name, text) = extension(row, members);
            objects.add(ObjectKind::Extension, name, text, in_schema);
        }
        for row in languages {
            let (name, text) = language(row);
            objects.add(ObjectKind::Language, name, text, Vec::new());
        }
        for row in access_methods {
            let (name, text) = access_method(row);
            objects.add(ObjectKind::AccessMethod, name, text, Vec::new());
        }
        for row in foreign_data_wrappers {
            let (name, text) = foreign_data_wrapper(row);
            objects.add(ObjectKind::ForeignDataWrapper, name, text, Vec::new());
        }
        for row in foreign_servers {
            let wrapper = vec![ObjectKey::new(
                ObjectKind::ForeignDataWrapper,
                row.wrapper.clone(),
            )];
            let (name, text) = foreign_server(row);
            objects.add(ObjectKind::ForeignServer, name, text, wrapper);
        }
        for row in user_mappings {
            let server = vec![ObjectKey::new(
                ObjectKind::ForeignServer,
                row.server.clone(),
            )];
            let (name, text) = user_mapping(row);
            objects.add(ObjectKind::UserMapping, name, text, server);
        }
        for row in collations {
            let (name, text) = collation(row);
            objects.add_in_schema(ObjectKind::Collation, name, text);
        }
        for row in conversions {
            let (name, text) = conversion(row);
            objects.add_in_schema(ObjectKind::Conversion, name, text);
        }
        for row in types {
            let (name, text) = user_type(row);
            objects.add_in_schema(ObjectKind::Type, name, text);
        }
        for row in domains {
            let (name, text) = domain(row);
            objects.add_in_schema(ObjectKind::Domain, name, text);
        }
        for row in functions {
            let (kind, name, text) = function(row);
            objects.add_in_schema(kind, name, text);
        }
        for row in operators {
            let (name, text) = operator(row);
            objects.add_in_schema(ObjectKind::Operator, name, text);
        }
        for row in operator_families {
            let (name, text) = operator_family(row);
            objects.add_in_schema(ObjectKind::OperatorFamily, name, text);
        }
        for row in operator_classes {
            let family = ObjectKey::new(
                ObjectKind::OperatorFamily,
                format!("{} using {}", row.family, row.method),
            );
            let (name, text) = operator_class(row);
            let mut parents = schema_of(&name);
            parents.push(family);
            objects.add(ObjectKind::OperatorClass, name, text, parents);
        }
        for row in casts {
            let (name, text) = cast(row);
            objects.add(ObjectKind::Cast, name, text, Vec::new());
        }
        for row in transforms {
            let (name, text) = transform(row);
            objects.add(ObjectKind::Transform, name, text, Vec::new());
        }
        for row in text_search_parsers {
            let (name, text) = text_search_object(row);
            objects.add_in_schema(ObjectKind::TextSearchParser, name, text);
        }
        for row in text_search_templates {
            let (name, text) = text_search_object(row);
            objects.add_in_schema(ObjectKind::TextSearchTemplate, name, text);
        }
        for row in text_search_dictionaries {
            let (name, text) = text_search_dictionary(row);
            objects.add_in_schema(ObjectKind::TextSearchDictionary, name, text);
        }
        for row in text_search_configurations {
            let (name, text) = text_search_configuration(row);
            objects.add_in_schema(ObjectKind::TextSearchConfiguration, name, text);
        }
        // Indexes and sequences name their table by OID, which is cheaper to send than a name.
        by_oid.extend(relations.iter().map(|row| {
            let kind = relation_kind(&row.kind);
            (row.oid, ObjectKey::new(kind, row.name.clone()))
        }));
        let kind_by_name: HashMap<&str, ObjectKind> = by_oid
            .values()
            .map(|key| (key.name.as_str(), key.kind))
            .collect();
        let on_table = |table: &str| {
            let kind = kind_by_name
                .get(table)
                .copied()
                .unwrap_or(ObjectKind::Table);
            let mut parents = vec![ObjectKey::new(kind, table)];
            parents.extend(schema_of(table));
            parents
        };
        for row in sequences {
            let owner_table = row
                .owned_by
                .as_ref()
                .and_then(|owned_by| by_oid.get(&owned_by.table_oid).cloned());
            let (name, text) = sequence(row);
            let mut parents: Vec<ObjectKey> = owner_table.into_iter().collect();
            parents.extend(schema_of(&name));
            objects.add(ObjectKind::Sequence, name, text, parents);
        }
        for row in indexes {
            let table = by_oid.get(&row.table_oid).cloned();
            let (name, text) = index(row);
            let mut parents: Vec<ObjectKey> = table.into_iter().collect();
            parents.extend(schema_of(&name));
            objects.add(ObjectKind::Index, name, text, parents);
        }
        for row in constraints {
            let parents = on_table(&row.table);
            let (name, text) = constraint(row);
            objects.add(ObjectKind::Constraint, name, text, parents);
        }
        for row in triggers {
            let parents = on_table(&row.table);
            let (name, text) = trigger(row);
            objects.add(ObjectKind::Trigger, name, text, parents);
        }
        for row in rules {
            let parents = on_table(&row.table);
            let (name, text) = rule(row);
            objects.add(ObjectKind::Rule, name, text, parents);
        }
        for row in policies {
            let parents = on_table(&row.table);
            let (name, text) = policy(row);
            objects.add(ObjectKind::Policy, name, text, parents);
        }
        for row in statistics_rows {
            let mut parents = on_table(&row.table);
            parents.truncate(1);
            let (name, text) = statistics(row);
            parents.extend(schema_of(&name));
            objects.add(ObjectKind::Statistics, name, text, parents);
        }
        for row in relations {
            let (kind, name, text, mut parents) = relation(row);
            parents.extend(schema_of(&name));
            objects.add(kind, name, text, parents);
        }
        for row in event_triggers {
            let (name, text) = event_trigger(row);
            objects.add(ObjectKind::EventTrigger, name, text, Vec::new());
        }
        for row in default_privileges_rows {
            let parents: Vec<ObjectKey> = row
                .schema
                .iter()
                .map(|schema| ObjectKey::new(ObjectKind::Schema, schema.clone()))
                .collect();
            let (name, text) = default_privileges(row);
            objects.add(ObjectKind::DefaultPrivileges, name, text, parents);
        }
        for row in publications {
            let (name, text) = publication(row);
            objects.add(ObjectKind::Publication, name, text, Vec::new());
        }
        for row in subscriptions {
            let (name, text) = subscription(row);
            objects.add(ObjectKind::Subscription, name, text, Vec::new());
        }
    }
}

/// The entries of a snapshot under construction.
#[derive(Default)]
struct Objects {
    entries: Vec<(ObjectKey, String, Vec<ObjectKey>)>,
}

impl Objects {
    fn add(&mut self, kind: ObjectKind, name: String, text: Text, within: Vec<ObjectKey>) {
        let key = ObjectKey::new(kind, name);
        let rendered = text.finish(&key);
        self.entries.push((key, rendered, within));
    }

    /// An object whose name starts with its schema.
    fn add_in_schema(&mut self, kind: ObjectKind, name: String, text: Text) {
        let within = schema_of(&name);
        self.add(kind, name, text, within);
    }
}

/// The schema of a schema-qualified name as the catalog query writes it (`quote_ident(schema) || '.' || quote_ident(name)`): the
/// first identifier, double-quoted when it needs to be.
fn schema_of(name: &str) -> Vec<ObjectKey> {
    let end = if name.starts_with('"') {
        // A quoted identifier ends at a quote that is not doubled.
        let mut index = 1;
        let bytes = name.as_bytes();
        loop {
            match bytes.get(index) {
                None => return Vec::new(),
                Some(b'"') if bytes.get(index + 1) == Some(&b'"') => index += 2,
                Some(b'"') => break index + 1,
                Some(_) => index += 1,
            }
        }
    } else {
        match name.find('.') {
            Some(end) => end,
            None => return Vec::new(),
        }
    };
    if name.as_bytes().get(end) == Some(&b'.') {
        vec![ObjectKey::new(ObjectKind::Schema, &name[..end])]
    } else {
        Vec::new()
    }
}

/// The kind of a relation by its `relkind`.
fn relation_kind(relkind: &str) -> ObjectKind {
    match relkind {
        "v" => ObjectKind::View,
        "m" => ObjectKind::MaterializedView,
        "f" => ObjectKind::ForeignTable,
        _ => ObjectKind::Table,
    }
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

/// `members` are the extension's objects whose privileges a migration changed, with their
/// privileges now.
fn extension(row: ExtensionRow, members: Vec<String>) -> (String, Text) {
    let mut text = Text::default();
    text.field("version", row.version);
    text.field("schema", row.schema);
    text.owner(&row.owner);
    text.comment(row.comment);
    text.sorted_block("member privileges:", members);
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

/// Also returns what the relation belongs to besides its schema: the partitioned table of a
/// partition, the server of a foreign table.
fn relation(row: RelationRow) -> (ObjectKind, String, Text, Vec<ObjectKey>) {
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
    let mut within = Vec::new();
    if let Some(bound) = row.partition_bound {
        // A partition has exactly one parent, listed in pg_inherits.
        let parent = parents.next().unwrap_or_default();
        let (parent, pending) = match parent.strip_suffix(DETACH_PENDING) {
            Some(name) => (name.to_owned(), DETACH_PENDING),
            None => (parent, ""),
        };
        text.field("partition of", format!("{parent} {bound}{pending}"));
        within.push(ObjectKey::new(ObjectKind::Table, parent));
    }
    let parents: Vec<String> = parents.collect();
    if !parents.is_empty() {
        text.field("inherits", parents.join(", "));
    }
    text.optional("of type", row.of_type);
    if let Some(foreign) = row.foreign {
        within.push(ObjectKey::new(
            ObjectKind::ForeignServer,
            foreign.server.clone(),
        ));
        text.field("server", foreign.server);
        if !foreign.options.is_empty() {
            text.field("options", sorted(foreign.options).join(", "));
        }
    } else if !row.options.is_empty() {
        text.field("options", sorted(row.options).join(", "));
    }
    if !row.toast_options.is_empty() {
        text.field("toast options", sorted(row.toast_options).join(", "));
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
    (kind, row.name, text, within)
}

fn index(row: IndexRow) -> (String, Text) {
    let mut text = Text::default();
    text.field("definition", row.definition);
    text.optional("partition of", row.partition_of);
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

fn tablespace(row: TablespaceRow) -> (String, Text) {
    let mut text = Text::default();
    // An in-place tablespace (a developer option) lives under its own OID.
    let location = if row.location.starts_with("pg_tblspc/") {
        "in place".to_owned()
    } else {
        quoted(&row.location)
    };
    text.field("location", location);
    if !row.options.is_empty() {
        text.field("options", sorted(row.options).join(", "));
    }
    text.owner(&row.owner);
    text.comment(row.comment);
    text.privileges(row.acl);
    (row.name, text)
}

fn database(row: DatabaseRow) -> (String, Text) {
    let mut text = Text::default();
    text.owner(&row.owner);
    if row.connection_limit != -1 {
        text.field("connection limit", row.connection_limit);
    }
    text.flag(!row.allow_connections, "connections: not allowed");
    text.flag(row.is_template, "template");
    text.optional("tablespace", row.tablespace);
    text.comment(row.comment);
    text.privileges(row.acl);
    text.sorted_block("settings:", row.settings);
    text.sorted_block(
        "role settings:",
        row.role_settings.into_iter().flat_map(|entry| {
            let role = entry.role;
            entry
                .settings
                .into_iter()
                .map(move |setting| format!("{role}: {setting}"))
        }),
    );
    (row.name, text)
}

fn language(row: LanguageRow) -> (String, Text) {
    let mut text = Text::default();
    text.field("trusted", yes_no(row.trusted));
    text.optional("handler", row.handler);
    text.optional("inline", row.inline);
    text.optional("validator", row.validator);
    text.owner(&row.owner);
    text.comment(row.comment);
    text.privileges(row.acl);
    (row.name, text)
}

fn access_method(row: AccessMethodRow) -> (String, Text) {
    let mut text = Text::default();
    let method_type = match row.method_type.as_str() {
        "t" => "table",
        "i" => "index",
        other => other,
    };
    text.field("type", method_type);
    text.optional("handler", row.handler);
    text.comment(row.comment);
    (row.name, text)
}

fn user_mapping(row: UserMappingRow) -> (String, Text) {
    let mut text = Text::default();
    text.sorted_block("options:", row.options);
    (format!("for {} server {}", row.role, row.server), text)
}

fn conversion(row: ConversionRow) -> (String, Text) {
    let mut text = Text::default();
    text.field("encodings", format!("{} to {}", row.source, row.target));
    text.field("function", row.function);
    text.flag(row.is_default, "default");
    text.owner(&row.owner);
    text.comment(row.comment);
    (row.name, text)
}

fn operator(row: OperatorRow) -> (String, Text) {
    let mut text = Text::default();
    text.owner(&row.owner);
    text.attributes(Some(row.attributes));
    text.comment(row.comment);
    (format!("{}({}, {})", row.name, row.left, row.right), text)
}

fn operator_family(row: OperatorFamilyRow) -> (String, Text) {
    let mut text = Text::default();
    text.owner(&row.owner);
    text.comment(row.comment);
    text.sorted_block("members:", row.operators.into_iter().chain(row.functions));
    (format!("{} using {}", row.name, row.method), text)
}

fn operator_class(row: OperatorClassRow) -> (String, Text) {
    let mut text = Text::default();
    text.field("for type", row.data_type);
    text.flag(row.is_default, "default");
    text.field("family", row.family);
    text.optional("storage", row.storage);
    text.owner(&row.owner);
    text.comment(row.comment);
    (format!("{} using {}", row.name, row.method), text)
}

fn cast(row: CastRow) -> (String, Text) {
    let mut text = Text::default();
    let method = match (row.method.as_str(), row.function) {
        ("f", Some(function)) => format!("with function {function}"),
        ("i", _) => "with inout".to_owned(),
        ("b", _) => "without function".to_owned(),
        (other, function) => format!("{other} {}", function.unwrap_or_default()),
    };
    text.field("method", method);
    let context = match row.context.as_str() {
        "e" => "explicit",
        "a" => "assignment",
        "i" => "implicit",
        other => other,
    };
    text.field("context", context);
    text.comment(row.comment);
    (format!("({} AS {})", row.source, row.target), text)
}

fn transform(row: TransformRow) -> (String, Text) {
    let mut text = Text::default();
    text.optional("from sql", row.from_sql);
    text.optional("to sql", row.to_sql);
    text.comment(row.comment);
    (
        format!("for {} language {}", row.data_type, row.language),
        text,
    )
}

fn text_search_object(row: TextSearchObjectRow) -> (String, Text) {
    let mut text = Text::default();
    text.attributes(Some(row.attributes));
    text.comment(row.comment);
    (row.name, text)
}

fn text_search_dictionary(row: TextSearchDictionaryRow) -> (String, Text) {
    let mut text = Text::default();
    text.field("template", row.template);
    text.optional("options", row.options);
    text.owner(&row.owner);
    text.comment(row.comment);
    (row.name, text)
}

fn text_search_configuration(row: TextSearchConfigurationRow) -> (String, Text) {
    let mut text = Text::default();
    text.field("parser", row.parser);
    text.owner(&row.owner);
    text.comment(row.comment);
    text.sorted_block("mappings:", row.mappings);
    (row.name, text)
}

fn publication(row: PublicationRow) -> (String, Text) {
    let mut text = Text::default();
    text.flag(row.all_tables, "all tables");
    text.field("publish", row.operations);
    text.flag(row.via_root, "publish via partition root");
    let generated = row.generated_columns.map(|code| match code.as_str() {
        "n" => "none".to_owned(),
        "s" => "stored".to_owned(),
        other => other.to_owned(),
    });
    text.optional("generated columns", generated);
    text.sorted_block("tables:", row.tables);
    text.sorted_block("schemas:", row.schemas);
    text.owner(&row.owner);
    text.comment(row.comment);
    (row.name, text)
}

fn subscription(row: SubscriptionRow) -> (String, Text) {
    let mut text = Text::default();
    text.field("enabled", yes_no(row.enabled));
    text.field("publications", sorted(row.publications).join(", "));
    text.field("slot", row.slot.as_deref().unwrap_or("none"));
    text.attributes(Some(row.attributes));
    text.owner(&row.owner);
    text.comment(row.comment);
    (row.name, text)
}
