//! Imports of projects and monthly reports from CSV or XLSX files (M9), for the command line
//! and the upload page alike: the header row names the columns (api.md), every row is checked
//! — its fields, its references, duplicates within the file, months that already have a
//! report — and a file with any bad row writes nothing and names every bad row. An import is
//! one audit entry: who, file, rows, checksum.

use std::collections::HashSet;
use std::io::Read;
use std::sync::Arc;

use chrono::NaiveDate;
use feidi_core::import::{
    Columns, PROJECT_OPTIONAL, PROJECT_REQUIRED, ProjectRef, REPORT_OPTIONAL, REPORT_REQUIRED, RowError,
    project_row, report_row,
};
use feidi_core::policy::Scope;
use feidi_core::{Flaw, Lang};
use feidi_store::{ImportMeta, ImportedReport, NameList};

use crate::App;
use sha2::{Digest, Sha256};

/// What an import brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Projects,
    Reports,
    /// Parcels from a GeoJSON `FeatureCollection` (M6).
    Parcels,
}

impl ImportKind {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "projects" => Some(Self::Projects),
            "reports" => Some(Self::Reports),
            "parcels" => Some(Self::Parcels),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Projects => "projects",
            Self::Reports => "reports",
            Self::Parcels => "parcels",
        }
    }
}

/// How many bad rows are listed; beyond that only their number is told (a file of a million
/// bad rows would otherwise make a list nobody reads).
pub const ERRORS_LISTED: usize = 10_000;

/// Why an import wrote nothing.
#[derive(Debug)]
pub enum ImportFailure {
    /// The file cannot be read as CSV or XLSX.
    File(String),
    /// Some rows are bad: the first [`ERRORS_LISTED`] of them, and how many there are.
    Rows { errors: Vec<RowError>, bad_rows: usize },
    /// The database refused or failed (nothing is left written).
    Store(feidi_store::StoreError),
}

impl std::fmt::Display for ImportFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(why) => write!(f, "the file cannot be read: {why}"),
            Self::Rows { bad_rows, .. } => write!(f, "{bad_rows} bad rows: nothing was imported"),
            Self::Store(e) => write!(f, "{e}"),
        }
    }
}

/// A finished import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportDone {
    pub rows: usize,
    pub checksum: String,
}

/// The import's file: its bytes (an upload) or a path (the command line, read as it streams).
pub enum Source {
    Bytes(Vec<u8>),
    Path(std::path::PathBuf),
}

/// Whether the caller may import a kind of file: those who keep the whole programme's
/// projects or reports, never one enterprise's user.
pub fn may_import(who: &feidi_core::policy::Principal, kind: ImportKind) -> bool {
    use feidi_core::policy::{Action, Entity};
    who.scope() == Scope::All
        && match kind {
            ImportKind::Projects => who.may(Action::Write, Entity::Project),
            ImportKind::Reports => who.may(Action::Write, Entity::Report),
            ImportKind::Parcels => who.may(Action::Write, Entity::Land),
        }
}

/// The report import's template: a CSV (UTF-8 with the mark Excel looks for) with the
/// Chinese headers, a row per project — its id, code and name — for the month that last
/// ended, the amount (in 万元) and the notes left to fill in.
pub async fn report_template(
    app: &App,
    who: &feidi_core::policy::Principal,
    today: NaiveDate,
) -> crate::AppResult<Vec<u8>> {
    if !may_import(who, ImportKind::Reports) {
        return Err(crate::AppError::Forbidden);
    }
    let month = feidi_core::schedule::cutoff_month(today);
    // Every project, a page (the store's most, 500) at a time.
    let mut projects = Vec::new();
    for page in 1.. {
        let query = feidi_store::ListQuery {
            page,
            per_page: 500,
            sort: Some("id".into()),
            ..Default::default()
        };
        let found = app
            .store
            .list::<feidi_store::Project>(&query, who.scope())
            .await?;
        let last = page >= found.pages();
        projects.extend(found.items);
        if last {
            break;
        }
    }
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut csv = csv::Writer::from_writer(&mut out);
        let fail = |e: csv::Error| crate::AppError::Internal(e.to_string());
        csv.write_record([
            "项目ID",
            "项目编号",
            "项目名称",
            "月份",
            "本月完成投资（万元）",
            "形象进度",
            "存在问题",
        ])
        .map_err(fail)?;
        for p in projects {
            csv.write_record([
                p.id.to_string().as_str(),
                p.code.as_deref().unwrap_or_default(),
                &p.name,
                &month,
                "",
                "",
                "",
            ])
            .map_err(fail)?;
        }
        csv.flush()
            .map_err(|e| crate::AppError::Internal(e.to_string()))?;
    }
    Ok(out)
}

/// Who runs an import, for the audit log.
pub struct Importer {
    pub actor: Option<i64>,
    pub by: String,
}

/// Reads, checks and imports a file. `progress` is told (rows checked) while reading and then
/// (rows written) while writing, with a phase name.
pub async fn import(
    app: &App,
    kind: ImportKind,
    file_name: &str,
    source: Source,
    who: Importer,
    progress: Arc<dyn Fn(&'static str, usize) + Send + Sync>,
) -> Result<ImportDone, ImportFailure> {
    let today = feidi_core::time::today();
    match kind {
        ImportKind::Parcels => import_parcels(app, file_name, source, who, progress).await,
        ImportKind::Reports => {
            let projects = app.store.project_ids().await.map_err(ImportFailure::Store)?;
            let codes = app.store.project_codes().await.map_err(ImportFailure::Store)?;
            let clock = std::time::Instant::now();
            let checked = read_reports(source, today, &projects, &codes, &progress)?;
            tracing::info!(
                rows = checked.rows.len(),
                seconds = clock.elapsed().as_secs_f64(),
                "import: file read and checked"
            );
            let (rows, checksum) = (checked.rows, checked.checksum);
            let (mut errors, mut bad_rows) = (checked.errors, checked.bad_rows);
            // Months that already have a report are refused: an import never replaces what
            // someone entered.
            let mut months: Vec<(i32, u32)> = rows.iter().map(|(_, r)| r.month).collect();
            months.sort_unstable();
            months.dedup();
            let month_texts: Vec<String> = months.iter().map(|(y, m)| format!("{y:04}-{m:02}")).collect();
            let taken = app
                .store
                .report_keys(&month_texts)
                .await
                .map_err(ImportFailure::Store)?;
            // (None taken — months before the history — saves a million lookups.)
            if !taken.is_empty() {
                for (line, r) in &rows {
                    if taken.contains(&(r.project_id, format!("{:04}-{:02}", r.month.0, r.month.1))) {
                        bad_rows += 1;
                        if errors.len() < ERRORS_LISTED {
                            errors.push(RowError {
                                line: *line,
                                field: "month".into(),
                                flaw: Flaw::Rule(
                                    "该项目该月已有报告，导入不会覆盖；请在项目页修改",
                                    "this project already has a report for this month; an import does not replace it (correct it on the project page)",
                                ),
                            });
                        }
                    }
                }
            }
            if bad_rows > 0 {
                errors.sort_by_key(|e| e.line);
                return Err(ImportFailure::Rows { errors, bad_rows });
            }
            tracing::info!(
                seconds = clock.elapsed().as_secs_f64(),
                "import: checked against the database"
            );
            let count = rows.len();
            let rows: Vec<ImportedReport> = rows.into_iter().map(|(_, r)| r).collect();
            let written = progress.clone();
            app.store
                .import_reports(
                    who.actor,
                    ImportMeta {
                        file_name: file_name.to_string(),
                        checksum: checksum.clone(),
                        by: who.by,
                    },
                    rows,
                    Arc::new(move |n| written("writing", n)),
                )
                .await
                .map_err(ImportFailure::Store)?;
            Ok(ImportDone {
                rows: count,
                checksum,
            })
        }
        ImportKind::Projects => {
            let zones: HashSet<i64> = ids(app, NameList::Zones).await?;
            let enterprises: HashSet<i64> = ids(app, NameList::Enterprises).await?;
            let (bytes, checksum) = bytes_of(source)?;
            let mut inputs = Vec::new();
            let mut errors = Vec::new();
            let mut bad_rows = 0;
            let mut columns = None;
            visit(&bytes, |line, cells| {
                let Some(cols) = &columns else {
                    return header(
                        cells,
                        PROJECT_REQUIRED,
                        PROJECT_OPTIONAL,
                        &mut columns,
                        &mut errors,
                        &mut bad_rows,
                    );
                };
                let mut row_errors = match project_row(cols, cells, line) {
                    Ok(input) => {
                        let mut bad = Vec::new();
                        if !zones.contains(&input.zone_id) {
                            bad.push(("zone_id", Flaw::NoSuchRecord));
                        }
                        if input.enterprise_id.is_some_and(|e| !enterprises.contains(&e)) {
                            bad.push(("enterprise_id", Flaw::NoSuchRecord));
                        }
                        if bad.is_empty() {
                            inputs.push(input);
                        }
                        flagged(line, bad)
                    }
                    Err(e) => e,
                };
                if !row_errors.is_empty() {
                    bad_rows += 1;
                    row_errors.truncate(ERRORS_LISTED.saturating_sub(errors.len()));
                    errors.extend(row_errors);
                }
                progress("checking", inputs.len() + bad_rows);
                true
            })
            .map_err(ImportFailure::File)?;
            if columns.is_none() && bad_rows == 0 {
                return Err(ImportFailure::File("the file has no header row".into()));
            }
            write_all(
                app,
                "projects",
                file_name,
                who,
                (inputs, checksum),
                (errors, bad_rows),
                progress,
            )
            .await
        }
    }
}

/// A row's flaws found against the database (a reference, a code taken), as its errors.
fn flagged(line: u64, bad: Vec<(&str, Flaw)>) -> Vec<RowError> {
    bad.into_iter()
        .map(|(field, flaw)| RowError {
            line,
            field: field.into(),
            flaw,
        })
        .collect()
}

/// The checked rows written in one transaction with one audit entry (who, file, how many,
/// checksum), or, if any row was bad, nothing and every bad row named.
async fn write_all<I: feidi_store::Inputs + 'static>(
    app: &App,
    noun: &str,
    file_name: &str,
    who: Importer,
    (inputs, checksum): (Vec<I>, String),
    (errors, bad_rows): (Vec<RowError>, usize),
    progress: Arc<dyn Fn(&'static str, usize) + Send + Sync>,
) -> Result<ImportDone, ImportFailure> {
    if bad_rows > 0 {
        return Err(ImportFailure::Rows { errors, bad_rows });
    }
    let count = inputs.len();
    let note = format!(
        "import of {count} {noun} from {file_name} (sha256 {checksum}) by {}",
        who.by
    );
    app.store
        .bulk_create(who.actor, inputs, note, Arc::new(move |n| progress("writing", n)))
        .await
        .map_err(ImportFailure::Store)?;
    Ok(ImportDone {
        rows: count,
        checksum,
    })
}

/// Parcels from a GeoJSON `FeatureCollection`: each feature's properties (`code, zone_id,
/// village, area_mu, land_use`, and `sample` if it is one) and its geometry as the boundary.
/// Every bad feature is named by its index in `features` (from 0, as a GIS or `jq` counts) and
/// its field; a code taken (in the file or already) or a zone that does not exist is bad too.
/// All or none, one transaction, one audit entry.
async fn import_parcels(
    app: &App,
    file_name: &str,
    source: Source,
    who: Importer,
    progress: Arc<dyn Fn(&'static str, usize) + Send + Sync>,
) -> Result<ImportDone, ImportFailure> {
    use serde_json::Value;
    let zones: HashSet<i64> = ids(app, NameList::Zones).await?;
    let mut taken = app.store.parcel_codes().await.map_err(ImportFailure::Store)?;
    /// The collection with its features left as the file's text, each read in its turn: a
    /// file of 50,000 features is never held as one tree of values.
    #[derive(serde::Deserialize)]
    struct Collection<'a> {
        #[serde(rename = "type")]
        kind: Option<String>,
        #[serde(borrow)]
        features: Option<&'a serde_json::value::RawValue>,
    }
    let (bytes, checksum) = bytes_of(source)?;
    let collection: Collection<'_> =
        serde_json::from_slice(&bytes).map_err(|e| ImportFailure::File(format!("not JSON: {e}")))?;
    let features: Option<Vec<&serde_json::value::RawValue>> = collection
        .features
        .and_then(|raw| serde_json::from_str(raw.get()).ok());
    let features = match (collection.kind.as_deref(), features) {
        (Some("FeatureCollection"), Some(features)) => features,
        _ => {
            return Err(ImportFailure::File(
                "not a GeoJSON FeatureCollection with a features array".into(),
            ));
        }
    };
    let mut inputs = Vec::with_capacity(features.len());
    let mut errors = Vec::new();
    let mut bad_rows = 0;
    for (index, raw) in features.iter().enumerate() {
        let line = index as u64;
        let mut feature: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
        let mut fields = match feature.get_mut("properties").map(Value::take) {
            Some(Value::Object(properties)) => properties,
            _ => serde_json::Map::new(),
        };
        // A GIS writes areas as numbers; an area is exact, so it is read from its text.
        if let Some(Value::Number(n)) = fields.get("area_mu") {
            let text = n.to_string();
            fields.insert("area_mu".into(), Value::String(text));
        }
        fields.insert(
            "boundary".into(),
            feature
                .get_mut("geometry")
                .map(Value::take)
                .unwrap_or(Value::Null),
        );
        let mut bad: Vec<RowError> = match feidi_core::land::ParcelInput::parse(&fields) {
            Ok(input) => {
                let mut bad = Vec::new();
                if !zones.contains(&input.zone_id) {
                    bad.push(("zone_id", Flaw::NoSuchRecord));
                }
                if !taken.insert(input.code.clone()) {
                    bad.push(("code", Flaw::Taken));
                }
                if bad.is_empty() {
                    inputs.push(input);
                }
                flagged(line, bad)
            }
            Err(e) => {
                e.0.into_iter()
                    .map(|e| RowError {
                        line,
                        field: e.field,
                        flaw: e.flaw,
                    })
                    .collect()
            }
        };
        if !bad.is_empty() {
            bad_rows += 1;
            bad.truncate(ERRORS_LISTED.saturating_sub(errors.len()));
            errors.extend(bad);
        }
        progress("checking", index + 1);
    }
    write_all(
        app,
        "parcels",
        file_name,
        who,
        (inputs, checksum),
        (errors, bad_rows),
        progress,
    )
    .await
}

/// A bad feature of a GeoJSON import, as a GIS names it: `features[3].area_mu: …`.
pub fn describe_feature(error: &RowError, lang: Lang) -> String {
    format!(
        "features[{}].{}: {}",
        error.line,
        error.field,
        error.flaw.message(lang)
    )
}

async fn ids(app: &App, list: NameList) -> Result<HashSet<i64>, ImportFailure> {
    Ok(app
        .store
        .names(list, Scope::All)
        .await
        .map_err(ImportFailure::Store)?
        .into_iter()
        .map(|(id, _)| id)
        .collect())
}

/// A report file read and checked row by row.
struct CheckedReports {
    rows: Vec<(u64, ImportedReport)>,
    errors: Vec<RowError>,
    bad_rows: usize,
    checksum: String,
}

/// Checks every report row of a file as it streams: the good rows with their lines, and the
/// bad ones.
fn read_reports(
    source: Source,
    today: NaiveDate,
    projects: &HashSet<i64>,
    codes: &std::collections::HashMap<String, i64>,
    progress: &Arc<dyn Fn(&'static str, usize) + Send + Sync>,
) -> Result<CheckedReports, ImportFailure> {
    let mut rows: Vec<(u64, ImportedReport)> = Vec::new();
    // Looked up once a row: sorted, searched by halves (a million lookups hashed with the
    // standard library's SipHash were a tenth of the reading).
    let mut known: Vec<i64> = projects.iter().copied().collect();
    known.sort_unstable();
    let mut errors = Vec::new();
    let mut bad_rows = 0;
    let mut columns: Option<Columns> = None;
    let mut on_row = |line: u64, cells: &[&str]| -> bool {
        let Some(cols) = &columns else {
            return header(
                cells,
                REPORT_REQUIRED,
                REPORT_OPTIONAL,
                &mut columns,
                &mut errors,
                &mut bad_rows,
            );
        };
        if cells.iter().all(|c| c.trim().is_empty()) {
            return true;
        }
        let row_errors = match report_row(cols, cells, line, today) {
            Ok(r) => {
                let (y, m) = feidi_core::schedule::parse_month(&r.month).unwrap_or((0, 0));
                let (project_id, field) = match &r.project {
                    ProjectRef::Id(id) => (
                        Some(*id).filter(|id| known.binary_search(id).is_ok()),
                        "project_id",
                    ),
                    ProjectRef::Code(code) => (codes.get(code).copied(), "project_code"),
                };
                if let Some(project_id) = project_id {
                    rows.push((
                        line,
                        ImportedReport {
                            status: feidi_store::ReportStatus::Submitted,
                            return_reason: None,
                            project_id,
                            month: (y, m),
                            completed_investment: r.completed_investment,
                            progress_note: r.progress_note,
                            problems: r.problems,
                        },
                    ));
                    Vec::new()
                } else {
                    vec![RowError {
                        line,
                        field: field.into(),
                        flaw: Flaw::NoSuchRecord,
                    }]
                }
            }
            Err(e) => e,
        };
        if !row_errors.is_empty() {
            bad_rows += 1;
            if errors.len() < ERRORS_LISTED {
                errors.extend(row_errors);
            }
        }
        let n = rows.len() + bad_rows;
        if n.is_multiple_of(10_000) {
            progress("checking", n);
        }
        true
    };
    let checksum = match source {
        Source::Path(path) if !is_xlsx_path(&path) => {
            let file = std::fs::File::open(&path).map_err(|e| ImportFailure::File(e.to_string()))?;
            let mut hashing = Hashing {
                inner: std::io::BufReader::with_capacity(1 << 20, file),
                hash: Sha256::new(),
            };
            visit_csv(&mut hashing, &mut on_row).map_err(ImportFailure::File)?;
            // Whatever the reader left unread still belongs to the file's checksum.
            std::io::copy(&mut hashing, &mut std::io::sink())
                .map_err(|e| ImportFailure::File(e.to_string()))?;
            hex::encode(hashing.hash.finalize())
        }
        other => {
            let (bytes, checksum) = bytes_of(other)?;
            visit(&bytes, &mut on_row).map_err(ImportFailure::File)?;
            checksum
        }
    };
    if columns.is_none() && bad_rows == 0 {
        return Err(ImportFailure::File("the file has no header row".into()));
    }
    // A (project, month) met twice: in (project, month, line) order every row after the first
    // of its pair is refused. (The writing wants this order too.)
    rows.sort_unstable_by_key(|(line, r)| (r.project_id, r.month, *line));
    let before = rows.len();
    let mut twice = Vec::new();
    rows.dedup_by(|(line, r), (_, first)| {
        let same = (r.project_id, r.month) == (first.project_id, first.month);
        if same {
            twice.push(RowError {
                line: *line,
                field: "month".into(),
                flaw: Flaw::Rule(
                    "同一项目同一月份在文件中重复出现",
                    "the same project and month appear twice in the file",
                ),
            });
        }
        same
    });
    if !twice.is_empty() {
        bad_rows += before - rows.len();
        // The first listed of all the bad rows: those kept while reading were the first of
        // the others.
        errors.extend(twice);
        errors.sort_by_key(|e| e.line);
        errors.truncate(ERRORS_LISTED);
    }
    progress("checking", rows.len() + bad_rows);
    Ok(CheckedReports {
        rows,
        errors,
        bad_rows,
        checksum,
    })
}

/// Reads the header row into `columns`; a bad header is a bad row and ends the reading.
fn header(
    cells: &[&str],
    required: &'static [&'static str],
    optional: &'static [&'static str],
    columns: &mut Option<Columns>,
    errors: &mut Vec<RowError>,
    bad_rows: &mut usize,
) -> bool {
    match Columns::parse(cells, required, optional) {
        Ok(c) => {
            *columns = Some(c);
            true
        }
        Err(e) => {
            *bad_rows += 1;
            errors.extend(e);
            false
        }
    }
}

fn is_xlsx_path(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

fn bytes_of(source: Source) -> Result<(Vec<u8>, String), ImportFailure> {
    let bytes = match source {
        Source::Bytes(b) => b,
        Source::Path(p) => {
            std::fs::read(&p).map_err(|e| ImportFailure::File(format!("{}: {e}", p.display())))?
        }
    };
    let checksum = hex::encode(Sha256::digest(&bytes));
    Ok((bytes, checksum))
}

/// A reader that hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hash: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

/// Calls `row(line, cells)` for each row of a CSV or XLSX file (told apart by content: an XLSX
/// file is a ZIP archive) until it answers false.
pub fn visit(bytes: &[u8], mut row: impl FnMut(u64, &[&str]) -> bool) -> Result<(), String> {
    if bytes.starts_with(b"PK\x03\x04") {
        visit_xlsx(bytes, &mut row)
    } else {
        visit_csv(bytes, &mut row)
    }
}

/// Where the newlines are: each one's offset, and whether a carriage return came before it.
type Breaks = std::rc::Rc<std::cell::RefCell<std::collections::VecDeque<(u64, bool)>>>;

/// A reader that notes where each newline is, so a row's line can be told from its byte
/// offset (the CSV reader skips blank lines without counting them).
struct Newlines<R> {
    inner: R,
    offset: u64,
    last: u8,
    found: Breaks,
}

impl<R: Read> Read for Newlines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut found = self.found.borrow_mut();
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' {
                found.push_back((self.offset + i as u64, self.last == b'\r'));
            }
            self.last = *b;
        }
        self.offset += n as u64;
        Ok(n)
    }
}

fn visit_csv(reader: impl Read, row: &mut impl FnMut(u64, &[&str]) -> bool) -> Result<(), String> {
    let found: Breaks = Default::default();
    let reader = Newlines {
        inner: reader,
        offset: 0,
        last: 0,
        found: found.clone(),
    };
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(reader);
    let mut record = csv::StringRecord::new();
    // Newlines before the current row: its line is one more.
    let mut before: u64 = 0;
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let mut start = record.position().map_or(0, |p| p.byte());
                {
                    let mut found = found.borrow_mut();
                    while let Some((at, cr)) = found.front().copied() {
                        if at < start {
                            before += 1;
                        } else if at == start || (cr && at == start + 1) {
                            // A blank line the reader skipped as part of this row: the row
                            // begins after it.
                            before += 1;
                            start = at + 1;
                        } else {
                            break;
                        }
                        found.pop_front();
                    }
                }
                let cells: Vec<&str> = record.iter().collect();
                if !row(before + 1, &cells) {
                    return Ok(());
                }
            }
            Err(e) => {
                return Err(match e.kind() {
                    csv::ErrorKind::Utf8 { pos, .. } => format!(
                        "line {}: not UTF-8 text (save the file as CSV UTF-8)",
                        pos.as_ref().map_or(0, |p| p.line())
                    ),
                    _ => e.to_string(),
                });
            }
        }
    }
}

fn visit_xlsx(bytes: &[u8], row: &mut impl FnMut(u64, &[&str]) -> bool) -> Result<(), String> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| e.to_string())?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| "the workbook has no sheet".to_string())?
        .map_err(|e| e.to_string())?;
    // Lines count from the sheet's first row, as Excel numbers them.
    let first = range.start().map_or(0, |(r, _)| u64::from(r));
    let mut month_column = None;
    for (i, cells) in range.rows().enumerate() {
        let line = first + i as u64 + 1;
        let texts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(col, cell)| match cell {
                Data::Empty => String::new(),
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Int(n) => n.to_string(),
                Data::Float(f) => float_text(*f),
                Data::Bool(b) => b.to_string(),
                // A month typed as a date in Excel: its month; any other date as a date.
                Data::DateTime(d) => d
                    .as_datetime()
                    .map(|t| {
                        if Some(col) == month_column {
                            t.format("%Y-%m").to_string()
                        } else {
                            t.format("%Y-%m-%d").to_string()
                        }
                    })
                    .unwrap_or_default(),
                Data::Error(e) => format!("#{e:?}"),
            })
            .collect();
        if i == 0 {
            month_column = texts.iter().position(|t| t.trim().eq_ignore_ascii_case("month"));
        }
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        if !row(line, &refs) {
            break;
        }
    }
    Ok(())
}

/// A number from a spreadsheet as text: whole numbers without a fraction, others with the
/// decimals they have (up to the precision a cell holds), so "1200.5" stays "1200.5" and a
/// cell of 0.125 is refused for its three decimals rather than rounded.
fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        format!("{}", f as i64)
    } else {
        let text = format!("{f:.6}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A bad row as a person reads it: "第3行 month：…" / "line 3, month: …".
pub fn describe(error: &RowError, lang: Lang) -> String {
    // In Chinese the column by its name in words, with its code as the file's header writes
    // it; in English the code is the name.
    let column = match lang.t(&format!("import.col.{}", error.field)) {
        "?" => error.field.clone(),
        _ if lang == Lang::En => error.field.clone(),
        words if error.field == "columns" => words.to_string(),
        words => format!("{words}（{}）", error.field),
    };
    match lang {
        Lang::Zh => format!("第{}行 {column}：{}", error.line, error.flaw.message(lang)),
        Lang::En => format!("line {}, {column}: {}", error.line, error.flaw.message(lang)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_numbers_read_as_typed() {
        assert_eq!(float_text(1200.0), "1200");
        assert_eq!(float_text(1200.5), "1200.5");
        assert_eq!(float_text(0.1 + 0.2), "0.3");
        assert_eq!(float_text(0.125), "0.125");
    }

    #[test]
    fn csv_rows_come_with_their_lines() {
        let mut seen = Vec::new();
        let text =
            "project_id,month,completed_investment\n1,2023-06,\"1,200\"\n\n2,2023-06,\"5\n\"\n3,2023-06,1\n";
        visit(text.as_bytes(), |line, cells| {
            seen.push((line, cells.join("|")));
            true
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(seen[1], (2, "1|2023-06|1,200".to_string()));
        // A blank line still counts, and a quoted line break too.
        assert_eq!(seen[2].0, 4);
        assert_eq!(seen.last().map(|(l, _)| *l), Some(6));
        // Windows line ends, as Excel saves CSV.
        let mut lines = Vec::new();
        visit(b"a,b\r\n\r\n1,2\r\n3,4\r\n", |line, _| {
            lines.push(line);
            true
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(lines, [1, 3, 4]);
    }
}
