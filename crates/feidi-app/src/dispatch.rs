//! The monthly dispatch report (调度报告, M9): one row per project with its month, year to date,
//! since start, completion and light, subtotals per category and a total — built from the
//! store, and written as an Excel workbook. (The API answers it as JSON and the pages print it.)

use std::collections::HashMap;

use chrono::NaiveDate;
use feidi_core::model::Category;
use feidi_core::schedule::{Light, RedReason, elapsed_months, month_end, parse_month, project_light};
use feidi_core::{FieldErrors, Flaw, Lang, Money, Ratio};
use feidi_store::{DispatchRow, Part};
use serde::Serialize;

use crate::{App, AppError, AppResult, require};

#[derive(Debug, Clone, Serialize)]
pub struct Dispatch {
    pub month: String,
    /// The day the lights are judged on: the month's last day.
    pub as_of: NaiveDate,
    pub rows: Vec<DispatchLine>,
    pub subtotals: Vec<Subtotal>,
    pub total: Subtotal,
}

#[derive(Debug, Clone, Serialize)]
pub struct DispatchLine {
    #[serde(flatten)]
    pub row: DispatchRow,
    pub completion_ratio: Ratio,
    pub light: Option<Light>,
    /// What blocks it (堵点) as of the month's end: each makes it red.
    pub blockages: Vec<RedReason>,
}

impl DispatchLine {
    /// What blocks it, in words, one after another ("" when nothing does).
    pub fn blockage_words(&self, lang: Lang) -> String {
        let sep = if lang == Lang::Zh { "；" } else { "; " };
        self.blockages
            .iter()
            .map(|b| b.words(lang))
            .collect::<Vec<_>>()
            .join(sep)
    }
}

/// The sums of a category (or of all, with `category` none).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Subtotal {
    pub category: Option<Category>,
    pub project_count: i64,
    pub total_investment: Money,
    pub annual_plan: Money,
    pub month_amount: Money,
    pub year_to_date: Money,
    pub since_start: Money,
    pub completion_ratio: Ratio,
}

impl Subtotal {
    fn add(&mut self, line: &DispatchLine) {
        let r = &line.row;
        self.project_count += 1;
        self.total_investment += r.total_investment;
        self.annual_plan += r.annual_plan.unwrap_or(Money::ZERO);
        self.month_amount += r.month_amount.unwrap_or(Money::ZERO);
        self.year_to_date += r.year_to_date;
        self.since_start += r.since_start;
        self.completion_ratio = Ratio::of(self.since_start.hundredths(), self.total_investment.hundredths());
    }
}

/// The report month asked for (`YYYY-MM`, not one still to come), or by default the last month
/// that has ended — for the dispatch report and the reports-due list alike.
pub fn report_month(asked: Option<&str>) -> AppResult<String> {
    let today = feidi_core::time::today();
    match asked.map(str::trim).filter(|m| !m.is_empty()) {
        None => Ok(feidi_core::schedule::cutoff_month(today)),
        Some(m) => {
            let (y, m) = feidi_core::schedule::report_month(m, today)?;
            Ok(format!("{y:04}-{m:02}"))
        }
    }
}

/// The report for those who oversee the programme.
pub async fn dispatch(app: &App, who: &feidi_core::policy::Principal, month: &str) -> AppResult<Dispatch> {
    require(
        who,
        feidi_core::policy::Action::Read,
        feidi_core::policy::Entity::Programme,
    )?;
    if who.scope() != feidi_core::policy::Scope::All {
        return Err(AppError::Forbidden);
    }
    build(app, month).await
}

/// The report of month `month` (`YYYY-MM`), with no caller to check (the command line's way in).
pub async fn build(app: &App, month: &str) -> AppResult<Dispatch> {
    let (year, mon) = parse_month(month).ok_or_else(|| FieldErrors::one("month", Flaw::Required))?;
    let as_of = month_end(year, mon).ok_or_else(|| FieldErrors::one("month", Flaw::Required))?;
    let rows = app.store.dispatch_rows(month, year).await?;
    let rule = app.store.light_rule().await?;
    let last_due = crate::schedule::last_due_month(app, as_of).await?;
    let standing: HashMap<i64, (Option<i64>, Option<u32>)> = app
        .store
        .standings(
            Part::default(),
            &as_of.to_string(),
            year,
            month,
            &crate::schedule::month_text(last_due),
        )
        .await?
        .into_iter()
        .map(|s| (s.project_id, (s.max_lateness, s.missing_reports(last_due))))
        .collect();
    let mut blockages = crate::schedule::blockages(app, as_of, None).await?;
    let elapsed = elapsed_months(as_of);
    let mut subtotals: Vec<Subtotal> = Vec::new();
    let mut total = Subtotal::default();
    let lines: Vec<DispatchLine> = rows
        .into_iter()
        .map(|row| {
            let (lateness, missing) = standing.get(&row.project_id).copied().unwrap_or_default();
            let light = project_light(
                lateness,
                rule,
                row.year_to_date,
                row.annual_plan,
                elapsed,
                missing,
            );
            let blocked = blockages.remove(&row.project_id).unwrap_or_default();
            let light = feidi_core::schedule::with_blockages(light, &blocked);
            DispatchLine {
                blockages: blocked,
                completion_ratio: Ratio::of(row.since_start.hundredths(), row.total_investment.hundredths()),
                light,
                row,
            }
        })
        .collect();
    for line in &lines {
        let category = Some(line.row.category);
        match subtotals.iter_mut().find(|s| s.category == category) {
            Some(s) => s.add(line),
            None => {
                let mut s = Subtotal {
                    category,
                    ..Default::default()
                };
                s.add(line);
                subtotals.push(s);
            }
        }
        total.add(line);
    }
    Ok(Dispatch {
        month: month.to_string(),
        as_of,
        rows: lines,
        subtotals,
        total,
    })
}

/// The report as an Excel workbook: a title, a header row, the projects grouped by category
/// each followed by its subtotal, and the total. Amounts are in 万元 with two decimals.
pub fn workbook(d: &Dispatch, lang: Lang) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
    let t = |k| lang.t(k);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(t("dispatch.sheet"))?;
    let title = Format::new().set_bold().set_font_size(16);
    let head = Format::new()
        .set_bold()
        .set_background_color("#EEF1F5")
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let text = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let num = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0.00");
    let pct = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0.0%");
    let sub = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#F6F7F9");
    let sub_num = sub.clone().set_num_format("#,##0.00");
    let sub_pct = sub.clone().set_num_format("0.0%");
    sheet.write_string_with_format(0, 0, format!("{} {}", t("dispatch.title"), d.month), &title)?;
    sheet.write_string(
        1,
        0,
        format!("{} {} · {}", t("dispatch.as_of"), d.as_of, t("dispatch.unit")),
    )?;
    let headers = [
        "field.code",
        "field.name",
        "field.category",
        "field.zone",
        "dispatch.total",
        "dispatch.plan",
        "dispatch.month",
        "dispatch.status",
        "dispatch.ytd",
        "dispatch.since_start",
        "dispatch.completion",
        "schedule.light",
        "report.note",
        "report.problems",
    ];
    for (col, key) in headers.iter().enumerate() {
        sheet.write_string_with_format(3, col as u16, t(key), &head)?;
    }
    let widths = [
        12.0, 28.0, 10.0, 22.0, 12.0, 12.0, 12.0, 10.0, 12.0, 12.0, 9.0, 8.0, 30.0, 30.0,
    ];
    for (col, w) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, *w)?;
    }
    // 万元 as a number for the sheet's arithmetic; exact to the hundredth of 万元 shown.
    let wan = |m: Money| m.in_wan().parse::<f64>().unwrap_or(0.0);
    let ratio = |r: Ratio| r.ten_thousandths() as f64 / 10_000.0;
    let mut row: u32 = 4;
    let write_sub = |sheet: &mut rust_xlsxwriter::Worksheet, row: u32, label: String, s: &Subtotal| {
        sheet.write_string_with_format(row, 0, "", &sub)?;
        sheet.write_string_with_format(row, 1, label, &sub)?;
        sheet.write_string_with_format(
            row,
            2,
            format!("{} {}", s.project_count, t("dispatch.projects")),
            &sub,
        )?;
        sheet.write_string_with_format(row, 3, "", &sub)?;
        sheet.write_number_with_format(row, 4, wan(s.total_investment), &sub_num)?;
        sheet.write_number_with_format(row, 5, wan(s.annual_plan), &sub_num)?;
        sheet.write_number_with_format(row, 6, wan(s.month_amount), &sub_num)?;
        sheet.write_string_with_format(row, 7, "", &sub)?;
        sheet.write_number_with_format(row, 8, wan(s.year_to_date), &sub_num)?;
        sheet.write_number_with_format(row, 9, wan(s.since_start), &sub_num)?;
        sheet.write_number_with_format(row, 10, ratio(s.completion_ratio), &sub_pct)?;
        for col in 11..14 {
            sheet.write_string_with_format(row, col, "", &sub)?;
        }
        Ok::<(), rust_xlsxwriter::XlsxError>(())
    };
    for s in &d.subtotals {
        for line in d.rows.iter().filter(|l| Some(l.row.category) == s.category) {
            let r = &line.row;
            sheet.write_string_with_format(row, 0, r.code.clone().unwrap_or_default(), &text)?;
            sheet.write_string_with_format(row, 1, &r.name, &text)?;
            sheet.write_string_with_format(row, 2, r.category.label(lang), &text)?;
            sheet.write_string_with_format(row, 3, &r.zone, &text)?;
            sheet.write_number_with_format(row, 4, wan(r.total_investment), &num)?;
            match r.annual_plan {
                Some(p) => sheet.write_number_with_format(row, 5, wan(p), &num)?,
                None => sheet.write_string_with_format(row, 5, "", &text)?,
            };
            match r.month_amount {
                Some(m) => sheet.write_number_with_format(row, 6, wan(m), &num)?,
                None => sheet.write_string_with_format(row, 6, "", &text)?,
            };
            let status = match r.month_status.as_deref() {
                Some(s) => t(match s {
                    "approved" => "report.approved",
                    "returned" => "report.returned",
                    _ => "report.submitted",
                }),
                None => t("dispatch.not_reported"),
            };
            sheet.write_string_with_format(row, 7, status, &text)?;
            sheet.write_number_with_format(row, 8, wan(r.year_to_date), &num)?;
            sheet.write_number_with_format(row, 9, wan(r.since_start), &num)?;
            sheet.write_number_with_format(row, 10, ratio(line.completion_ratio), &pct)?;
            let light = match line.blockage_words(lang) {
                b if b.is_empty() => Light::words(line.light, lang).to_string(),
                b => format!("{}（{b}）", Light::words(line.light, lang)),
            };
            sheet.write_string_with_format(row, 11, light, &text)?;
            sheet.write_string_with_format(row, 12, r.progress_note.clone().unwrap_or_default(), &text)?;
            sheet.write_string_with_format(row, 13, r.problems.clone().unwrap_or_default(), &text)?;
            row += 1;
        }
        let label = format!(
            "{}{}",
            s.category.map(|c| c.label(lang)).unwrap_or_default(),
            t("dispatch.subtotal")
        );
        write_sub(sheet, row, label, s)?;
        row += 1;
    }
    write_sub(sheet, row, t("dispatch.grand_total").to_string(), &d.total)?;
    sheet.set_freeze_panes(4, 2)?;
    book.save_to_buffer()
}
