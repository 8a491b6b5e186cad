//! The feidi binary's library: command line, configuration, logging, the demo programme and
//! the generator. `main.rs` only calls [`main_with_args`].

mod exchange;
mod generate;

use std::ffi::OsString;
use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use clap::{Parser, Subcommand};
use feidi_app::credentials as auth;
use feidi_app::{App, demo, operator};
use feidi_web::{AppState, Application, WebConfig};
use serde_json::json;

#[derive(Parser, Debug)]
#[command(
    name = "feidi",
    version,
    about = "飞地 — the enclave industrial park programme system"
)]
pub struct Cli {
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB.
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        default_value = "sqlite://feidi.db",
        hide_env_values = true
    )]
    database: String,

    /// Log filter (tracing syntax), e.g. info or feidi_web=debug.
    #[arg(long, global = true, env = "FEIDI_LOG", default_value = "info")]
    log: String,

    /// Log as JSON lines (for production log collectors).
    #[arg(long, global = true, env = "FEIDI_LOG_JSON")]
    log_json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Debug, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "FEIDI_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// Mark cookies Secure: set when users reach feidi over HTTPS.
    #[arg(long, env = "FEIDI_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Trust X-Forwarded-For for the client address (only behind your own proxy).
    #[arg(long, env = "FEIDI_TRUST_PROXY")]
    trust_proxy: bool,
    /// Hours a login session lasts.
    #[arg(long, env = "FEIDI_SESSION_HOURS", default_value_t = 12)]
    session_hours: i64,
    /// Seconds between appeal sweeps (handover and escalation); 0: none here (run `feidi
    /// sweep` from a scheduler instead). Any number of servers may sweep.
    #[arg(long, env = "FEIDI_SWEEP_EVERY", default_value_t = 60)]
    sweep_every: u64,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the pages and the API (runs migrations first).
    Serve(ServeArgs),
    /// Create the demo programme (长封一体化) if there is no database yet, print the login, serve.
    Demo(ServeArgs),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Write a deterministic synthetic programme, for benchmarks and load tests.
    Gen(generate::GenArgs),
    /// Import projects or monthly reports from a CSV or XLSX file, or parcels from a GeoJSON
    /// FeatureCollection (all rows or features, or none).
    Import {
        /// `projects`, `reports` or `parcels`.
        kind: String,
        file: std::path::PathBuf,
    },
    /// Export a report.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Run the appeal deadline sweep (handover and escalation) once, now.
    Sweep,
    /// The working-day calendar.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Write a consistent copy of the SQLite database to a new file while the servers run
    /// (on PostgreSQL use pg_dump).
    Backup {
        /// The file to write; it must not exist.
        #[arg(short, long)]
        output: std::path::PathBuf,
    },
    /// Restore a backup into the database, which must be new or empty (stop its servers first;
    /// on PostgreSQL use pg_restore).
    Restore { file: std::path::PathBuf },
}

#[derive(Subcommand, Debug)]
enum CalendarCommand {
    /// Mark the dates of a CSV file (header `date,kind[,name]`, kind holiday or workday): a
    /// year's published schedule. Any bad row: nothing written.
    Import { file: std::path::PathBuf },
}

#[derive(Subcommand, Debug)]
enum ExportCommand {
    /// The monthly dispatch report (调度报告) as an Excel workbook.
    Dispatch {
        /// The month, YYYY-MM (default: the last month that has ended).
        #[arg(long)]
        month: Option<String>,
        /// Where to write the workbook.
        #[arg(short, long)]
        output: std::path::PathBuf,
        /// The workbook's language: zh or en.
        #[arg(long, default_value = "zh")]
        lang: String,
    },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Add a user and print its id.
    Add {
        login: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        enterprise: Option<i64>,
        #[arg(long)]
        name: Option<String>,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (generated and printed, or read from standard input).
    Passwd {
        login: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand, Debug)]
enum TokenCommand {
    /// Print a new API token for a user (only its hash is stored).
    Issue { login: String },
}

/// Parses arguments and runs a command; errors are printed and give a failing exit status.
pub async fn main_with_args(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    init_logging(&cli.log, cli.log_json);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("feidi: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(filter: &str, json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

async fn open(url: &str) -> Result<App> {
    App::open(url)
        .await
        .map_err(app_error)
        .with_context(|| format!("cannot open the database {}", feidi_store::redact(url)))
}

/// The database for a command that writes much at once in this process.
async fn open_for_bulk_work(url: &str, large_cache: bool) -> Result<App> {
    App::open_for_bulk_work(url, large_cache)
        .await
        .map_err(app_error)
        .with_context(|| format!("cannot open the database {}", feidi_store::redact(url)))
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve(args) => {
            let app = open(&cli.database).await?;
            serve(app, &args).await
        }
        Command::Demo(args) => {
            let app = open(&cli.database).await?;
            if demo::is_empty(&app).await.map_err(app_error)? {
                let password = auth::random_token()[..16].to_string();
                let summary = demo::load(&app, &password).await.map_err(app_error)?;
                println!(
                    "feidi demo: created the reference programme 长封一体化 in {}",
                    feidi_store::redact(&cli.database)
                );
                println!(
                    "  {} projects, total investment {} 元 ({} 亿元)",
                    summary.projects,
                    summary.total_investment,
                    summary.total_investment.in_yi()
                );
                println!("  open  http://{}/", args.bind);
                println!("  login {}", demo::ADMIN_LOGIN);
                println!("  password {password}");
            } else {
                println!(
                    "feidi demo: {} already holds data; keeping it. (`feidi user passwd {}` sets a new admin password.)",
                    feidi_store::redact(&cli.database),
                    demo::ADMIN_LOGIN
                );
                println!("  open  http://{}/", args.bind);
            }
            serve(app, &args).await
        }
        Command::User(UserCommand::Add {
            login,
            role,
            enterprise,
            name,
            password_stdin,
        }) => {
            let app = open(&cli.database).await?;
            let password = password_from(password_stdin)?;
            let body = json!({
                "login": login, "name": name.unwrap_or_else(|| login.clone()), "role": role, "enterprise_id": enterprise
            });
            let fields = body.as_object().cloned().unwrap_or_default();
            let user = operator::add_user(&app, &fields, password.clone())
                .await
                .map_err(app_error)?;
            println!("{}", user.id);
            if !password_stdin {
                eprintln!("password for {}: {password}", user.login);
            }
            Ok(())
        }
        Command::User(UserCommand::Passwd {
            login,
            password_stdin,
        }) => {
            let app = open(&cli.database).await?;
            let password = password_from(password_stdin)?;
            operator::set_password(&app, &login, password.clone())
                .await
                .map_err(|e| no_such_user(e, &login))?;
            if password_stdin {
                eprintln!("password set for {login}");
            } else {
                println!("{password}");
            }
            Ok(())
        }
        Command::Token(TokenCommand::Issue { login }) => {
            let app = open(&cli.database).await?;
            let token = operator::issue_token(&app, &login)
                .await
                .map_err(|e| no_such_user(e, &login))?;
            println!("{token}");
            Ok(())
        }
        Command::Gen(args) => {
            let app = open_for_bulk_work(&cli.database, true).await?;
            generate::run(&app, args).await
        }
        Command::Import { kind, file } => {
            // (A larger page cache does not speed the import up: it only costs memory.)
            let app = open_for_bulk_work(&cli.database, false).await?;
            exchange::import(&app, &kind, &file).await
        }
        Command::Export(ExportCommand::Dispatch { month, output, lang }) => {
            let app = open(&cli.database).await?;
            exchange::export_dispatch(&app, month, &output, &lang).await
        }
        Command::Sweep => {
            let app = open_for_bulk_work(&cli.database, true).await?;
            let started = std::time::Instant::now();
            let report = operator::sweep(&app, feidi_core::time::now())
                .await
                .map_err(app_error)?;
            println!(
                "swept {} appeals in {:.1} s: {} handed over, {} escalated, {} overdue",
                report.appeals,
                started.elapsed().as_secs_f64(),
                report.handed_over,
                report.escalated,
                report.overdue
            );
            Ok(())
        }
        Command::Calendar(CalendarCommand::Import { file }) => {
            let app = open(&cli.database).await?;
            exchange::import_calendar(&app, &file).await
        }
        Command::Backup { output } => {
            let app = open(&cli.database).await?;
            let started = std::time::Instant::now();
            let copy = operator::backup(&app, &output).await.map_err(app_error)?;
            println!(
                "backed up {} to {} in {:.1} s: {} bytes, schema {}, {} users, {} projects",
                feidi_store::redact(&cli.database),
                copy.file.display(),
                started.elapsed().as_secs_f64(),
                copy.bytes,
                copy.schema_version,
                copy.users,
                copy.projects
            );
            Ok(())
        }
        Command::Restore { file } => {
            let restored = operator::restore(&cli.database, &file).await.map_err(app_error)?;
            println!(
                "restored {} into {}: schema {}, {} users, {} projects",
                file.display(),
                feidi_store::redact(&cli.database),
                restored.schema_version,
                restored.users,
                restored.projects
            );
            Ok(())
        }
    }
}

fn describe(errors: &feidi_core::FieldErrors) -> String {
    errors
        .0
        .iter()
        .map(|e| format!("{}: {}", e.field, e.flaw.message(feidi_core::Lang::En)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// An operator command's error: a login that names nobody says so plainly.
fn no_such_user(e: feidi_app::AppError, login: &str) -> anyhow::Error {
    match &e {
        feidi_app::AppError::Invalid(errors) if errors.0.iter().any(|f| f.field == "login") => {
            anyhow!("there is no user {login}")
        }
        _ => app_error(e),
    }
}

/// A service's error as the command line says it, its field messages in English.
fn app_error(e: feidi_app::AppError) -> anyhow::Error {
    match e {
        feidi_app::AppError::Invalid(errors) => anyhow!(describe(&errors)),
        feidi_app::AppError::Store(e) => store_error(e),
        other => anyhow!(other),
    }
}

fn store_error(e: feidi_store::StoreError) -> anyhow::Error {
    match e {
        feidi_store::StoreError::Invalid(errors) => anyhow!(describe(&errors)),
        other => anyhow!(other),
    }
}

/// The password read from standard input, or else a new random one.
fn password_from(stdin: bool) -> Result<String> {
    if stdin {
        read_password()
    } else {
        Ok(auth::random_token()[..16].to_string())
    }
}

fn read_password() -> Result<String> {
    let mut text = String::new();
    if std::io::stdin().is_terminal() {
        eprint!("password: ");
    }
    std::io::stdin()
        .read_to_string(&mut text)
        .context("reading the password from standard input")?;
    Ok(text.trim_end_matches(['\r', '\n']).to_string())
}

async fn serve(app: App, args: &ServeArgs) -> Result<()> {
    let config = WebConfig {
        secure_cookies: args.secure_cookies,
        trust_proxy: args.trust_proxy,
        session_hours: args.session_hours.clamp(1, 24 * 30),
    };
    let server = Application::bind(&args.bind, AppState::with_app(app.clone(), config))
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let addr = server.local_addr()?;
    // The appeal sweep, every minute. Safe with several app servers: each step happens once.
    let sweeper = app.clone();
    let every = args.sweep_every;
    let sweep = tokio::spawn(async move {
        if every == 0 {
            return;
        }
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(every));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match operator::sweep(&sweeper, feidi_core::time::now()).await {
                Ok(r) if r.appeals > 0 => tracing::info!(
                    appeals = r.appeals,
                    handed_over = r.handed_over,
                    escalated = r.escalated,
                    overdue = r.overdue,
                    "sweep"
                ),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "sweep failed; next minute it is tried again"),
            }
        }
    });
    // Webhook deliveries queued in the database, sent by whichever server claims them first.
    let sender = tokio::spawn(feidi_app::webhooks::run_sender(app.clone()));
    tracing::info!(%addr, backend = ?app.backend(), "feidi is serving");
    eprintln!("feidi: serving on http://{addr}/");
    server.serve(shutdown_signal()).await?;
    sweep.abort();
    sender.abort();
    app.close().await;
    tracing::info!("feidi stopped");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM, so requests in flight finish before the process ends.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
