//! `feidi import` and `feidi export`: bulk data in and out from the command line, with a
//! progress bar on a terminal.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use feidi_app::App;
use feidi_app::imports::{ImportFailure, ImportKind, Importer, Source};
use feidi_core::Lang;

pub async fn import(app: &App, kind: &str, file: &Path) -> Result<()> {
    let kind = ImportKind::parse(kind)
        .ok_or_else(|| anyhow!("kind must be projects, reports or parcels, not {kind}"))?;
    if !file.is_file() {
        bail!("{} is not a file", file.display());
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} {pos} rows ({per_sec})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let shown = bar.clone();
    let progress = Arc::new(move |phase: &'static str, n: usize| {
        shown.set_message(phase);
        shown.set_position(n as u64);
    });
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let by = format!(
        "command line ({})",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    );
    let outcome = feidi_app::imports::import(
        app,
        kind,
        &name,
        Source::Path(file.to_path_buf()),
        Importer { actor: None, by },
        progress,
    )
    .await;
    bar.finish_and_clear();
    match outcome {
        Ok(done) => {
            println!(
                "imported {} {} from {} (sha256 {})",
                done.rows,
                kind.as_str(),
                file.display(),
                done.checksum
            );
            Ok(())
        }
        Err(ImportFailure::Rows { errors, bad_rows }) => {
            for e in &errors {
                let line = match kind {
                    ImportKind::Parcels => feidi_app::imports::describe_feature(e, Lang::En),
                    _ => feidi_app::imports::describe(e, Lang::En),
                };
                eprintln!("{line}");
            }
            if bad_rows > errors.len() {
                eprintln!("… and more: {bad_rows} bad rows in all");
            }
            bail!("{bad_rows} bad rows in {}: nothing was imported", file.display())
        }
        Err(other) => bail!("{}: {other}; nothing was imported", file.display()),
    }
}

pub async fn export_dispatch(app: &App, month: Option<String>, output: &Path, lang: &str) -> Result<()> {
    let lang = Lang::parse(lang).ok_or_else(|| anyhow!("lang must be zh or en"))?;
    let month = feidi_app::dispatch::report_month(month.as_deref()).map_err(crate::app_error)?;
    let report = feidi_app::dispatch::build(app, &month)
        .await
        .map_err(crate::app_error)?;
    let bytes = feidi_app::dispatch::workbook(&report, lang).map_err(|e| anyhow!("{e}"))?;
    std::fs::write(output, bytes).with_context(|| format!("cannot write {}", output.display()))?;
    println!(
        "wrote the dispatch report of {month} ({} projects) to {}",
        report.rows.len(),
        output.display()
    );
    Ok(())
}

/// `feidi calendar import FILE`: a year's holidays and 调休 workdays, all rows or none.
pub async fn import_calendar(app: &App, file: &Path) -> Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let days = match feidi_app::calendar::parse_calendar_csv(&bytes) {
        Ok(days) => days,
        Err(errors) => {
            for e in &errors {
                eprintln!("line {}: {}: {}", e.line, e.field, e.message);
            }
            bail!(
                "{} bad rows in {}: nothing was imported",
                errors.len(),
                file.display()
            );
        }
    };
    let note = format!("calendar import of {} dates from {}", days.len(), file.display());
    let count = feidi_app::appeals::import_calendar(app, None, days, note)
        .await
        .map_err(crate::app_error)?;
    println!("marked {count} dates from {}", file.display());
    Ok(())
}
