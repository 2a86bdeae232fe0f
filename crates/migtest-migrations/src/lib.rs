//! The migration model: a folder resolved by sqlx's own migrate machinery, paired into
//! up/down migrations, checked for the traps sqlx accepts silently, in version order.
//!
//! No database here: this crate only reads files.

mod lexer;
mod load;
mod locate;

pub use lexer::statement_count;
pub use load::{Down, LoadError, MigrationSet, NoDown, PlannedMigration, Problem, Script, Side, load};
pub use locate::{SourcePosition, locate};
