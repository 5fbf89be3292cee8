//! Runs the `registry` benchmark suite on its own (the same code as `custody-bench registry`).
fn main() -> std::process::ExitCode {
    match custody_registry::bench::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("suite registry failed: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}
