//! `custody codes`: placeholder until its owner fills it in.

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<std::process::ExitCode> {
    anyhow::bail!("`custody codes` is not available in this build")
}
