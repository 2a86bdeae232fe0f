//! `cargo xtask`: this workspace's commands. `migrate-test` comes from the migtest-cli crate,
//! exactly as another workspace would get it.

fn main() -> std::process::ExitCode {
    migtest_cli::main(env!("CARGO_MANIFEST_DIR"))
}
