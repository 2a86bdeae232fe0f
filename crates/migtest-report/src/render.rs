//! Renderers: each writes a [`RunReport`](crate::RunReport) onto the writer it is handed.

mod github;
mod human;
mod json;
mod junit;

pub use github::github_annotations;
pub use human::{HumanOptions, finding_headline, human, human_matrix};
pub use json::json;
pub use junit::{junit, junit_matrix};
