//! The migration model: a folder of migrations written for sqlx, diesel, golang-migrate, goose,
//! dbmate or Flyway, read as that tool reads it, paired into up/down migrations, checked for the
//! traps the tool accepts silently, in the tool's order, as sqlx `Migration` values.
//!
//! No database here: this crate only reads files, and never writes one.

mod down_comments;
mod error;
mod folder;
mod layout;
mod lexer;
mod load;
mod locate;
mod model;
mod version;

pub use error::LoadError;
pub use layout::{Detection, Layout, detect};
pub use lexer::statement_count;
pub use load::{LoadOptions, load, load_with};
pub use locate::{SourcePosition, locate};
pub use model::{
    CommentLine, Down, MigrationSet, NoDown, Origin, PlannedMigration, Problem, Script, Side,
};
