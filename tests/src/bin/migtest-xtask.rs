//! An xtask as another workspace writes it: the whole `migrate-test` command in one call.

fn main() -> std::process::ExitCode {
    migtest_cli::main(env!("CARGO_MANIFEST_DIR"))
}
