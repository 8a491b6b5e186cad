//! `feidi gen`: a deterministic synthetic programme for benchmarks and load tests.

use anyhow::Result;
use feidi_store::Store;

#[derive(clap::Args, Debug)]
pub struct GenArgs {
    /// How many projects.
    #[arg(long, default_value_t = 50_000)]
    pub projects: u64,
    /// The seed: the same seed gives the same programme.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub async fn run(_store: &Store, _args: &GenArgs) -> Result<()> {
    anyhow::bail!("feidi gen is not built yet")
}
