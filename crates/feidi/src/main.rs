//! The `feidi` command: see `feidi --help`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    feidi::main_with_args(std::env::args_os()).await
}
