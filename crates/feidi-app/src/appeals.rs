//! Enterprise appeals (M5): submitting, the officials' actions, lists and the inbox, the
//! working-day calendar, the categories with their time limits, officials' absences, task
//! force members and the statistics. Access by role is checked here by core's policy; the
//! per-appeal rules (who may act on this appeal now) in the store's transaction, with the
//! appeal as it is then. Input is parsed by core's rules.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate};
use feidi_core::appeals::{AppealStatus, MAX_RESOLVE_WORKING_DAYS, Rating};
use feidi_core::calendar::{Calendar, DayKind};
use feidi_core::policy::{Action, Entity, Principal};
use feidi_core::{FieldErrors, Flaw, Input, Lang, Need};
use feidi_store::{
    Absence, Appeal, AppealAction, AppealCategory, AppealEvent, AppealFilter, CalendarDay, NewAppeal, Page,
    TaskForceMember,
};
use serde_json::{Map, Value, json};

use crate::{App, AppError, AppResult, optional_version, require};

/// Reads a new appeal. An enterprise user submits for its own enterprise; `submitted_at` in
/// the past is for admins loading history.
fn parse_new_appeal(
    body: &Map<String, Value>,
    who: &Principal,
    now: DateTime<FixedOffset>,
) -> AppResult<NewAppeal> {
    let mut input = Input::new(body);
    let own = who.own_enterprise();
    let enterprise_id = match own {
        Some(own) => {
            if input
                .id("enterprise_id", Need::Optional)
                .is_some_and(|e| e != own)
            {
                input.flag(
                    "enterprise_id",
                    Flaw::Rule("只能为本企业提交诉求", "must be your own enterprise"),
                );
            }
            Some(own)
        }
        None => input.id("enterprise_id", Need::Required),
    };
    let project_id = input.id("project_id", Need::Optional);
    let category = input.text("category", Need::Required, 40);
    let title = input.text("title", Need::Required, 200);
    let description = input.text("description", Need::Required, 5000);
    let submitted_at = match body.get("submitted_at") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(value) => {
            let at = value.as_str().and_then(feidi_core::time::parse_sane_instant);
            match at {
                None => {
                    input.flag(
                        "submitted_at",
                        Flaw::Rule(
                            "须为带时区的时间，如 2023-09-28T10:00:00+08:00，年份在 1900 到 2200 之间",
                            "must be an RFC 3339 instant with offset, e.g. 2023-09-28T10:00:00+08:00, in a year from 1900 to 2200",
                        ),
                    );
                    None
                }
                Some(_) if !who.may_backdate_appeals() => {
                    input.flag(
                        "submitted_at",
                        Flaw::Rule(
                            "只有管理员可录入历史诉求的提交时间",
                            "only admins may set it (to load historical appeals)",
                        ),
                    );
                    None
                }
                Some(at) if at > now => {
                    input.flag(
                        "submitted_at",
                        Flaw::Rule("不能晚于当前时间", "must not be in the future"),
                    );
                    None
                }
                at => at,
            }
        }
    };
    input.finish()?;
    Ok(NewAppeal {
        enterprise_id: enterprise_id.unwrap_or_default(),
        project_id,
        category: category.unwrap_or_default(),
        title: title.unwrap_or_default(),
        description: description.unwrap_or_default(),
        submitted_at,
    })
}

/// Submits an appeal at `now` (enterprise users for their own enterprise; staff, leaders and
/// admins on an enterprise's behalf). The same idempotency key answers the same appeal.
pub async fn submit(
    app: &App,
    who: &Principal,
    body: &Map<String, Value>,
    key: Option<&str>,
    now: DateTime<FixedOffset>,
) -> AppResult<(Appeal, bool)> {
    require(who, Action::Write, Entity::Appeal)?;
    let input = parse_new_appeal(body, who, now)?;
    Ok(app
        .store
        .submit_appeal(Some(who.user_id), input, key.map(str::to_string), now)
        .await?)
}

/// Reads an action's body into what the store applies.
fn parse_action(action: &str, body: &Map<String, Value>) -> AppResult<AppealAction> {
    let mut input = Input::new(body);
    let parsed = match action {
        "acknowledge" => AppealAction::Acknowledge,
        "return" => AppealAction::Return {
            reason: input.text("reason", Need::Required, 1000).unwrap_or_default(),
        },
        "reassign" => AppealAction::Reassign {
            to: input.id("handler_id", Need::Required).unwrap_or_default(),
            note: input.text("note", Need::Optional, 1000),
        },
        "resolve" => AppealAction::Resolve {
            resolution: input.text("resolution", Need::Required, 5000).unwrap_or_default(),
        },
        "rate" => {
            let rating = input.one_of(
                "rating",
                Need::Required,
                &["satisfied", "basically_satisfied", "unsatisfied"],
                Rating::parse,
            );
            AppealAction::Rate {
                rating: rating.unwrap_or(Rating::Satisfied),
                comment: input.text("comment", Need::Optional, 1000),
            }
        }
        "reopen" => AppealAction::Reopen {
            reason: input.text("reason", Need::Required, 1000).unwrap_or_default(),
        },
        _ => return Err(AppError::NotFound),
    };
    input.finish()?;
    Ok(parsed)
}

/// Applies an action (`acknowledge`, `return`, `reassign`, `resolve`, `rate`, `reopen`).
pub async fn act(
    app: &App,
    who: &Principal,
    id: i64,
    action: &str,
    body: &Map<String, Value>,
    now: DateTime<FixedOffset>,
) -> AppResult<Appeal> {
    require(who, Action::Read, Entity::Appeal)?;
    let action = parse_action(action, body)?;
    let version = optional_version(body)?;
    Ok(app
        .store
        .act_on_appeal(who.clone(), id, version, action, now)
        .await?)
}

/// Appeals by the filter; `overdue` ones are those past their deadline at `now`.
pub async fn list(
    app: &App,
    who: &Principal,
    filter: &AppealFilter,
    now: DateTime<FixedOffset>,
) -> AppResult<Page<Appeal>> {
    require(who, Action::Read, Entity::Appeal)?;
    Ok(app.store.appeals(filter, who.scope(), now).await?)
}

pub async fn get(app: &App, who: &Principal, id: i64) -> AppResult<Appeal> {
    require(who, Action::Read, Entity::Appeal)?;
    Ok(app.store.appeal(id, who.scope()).await?)
}

/// Attaches a file to an appeal the caller can see (another enterprise's is not found): a
/// photo or a PDF of at most 10 MB by its bytes, while the appeal is not closed.
pub async fn attach(
    app: &App,
    who: &Principal,
    id: i64,
    name: &str,
    bytes: Vec<u8>,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> AppResult<feidi_store::Attachment> {
    let appeal = get(app, who, id).await?;
    let closed = AppealStatus::parse(&appeal.status) == Some(AppealStatus::Closed);
    if !who.may(Action::Write, Entity::Appeal) {
        return Err(AppError::Forbidden);
    }
    if !who.may_attach(closed) {
        return Err(FieldErrors::one(
            "file",
            feidi_core::Flaw::Rule(
                "诉求已办结关闭，不能再添加附件",
                "the appeal is closed: no more files",
            ),
        )
        .into());
    }
    let file = feidi_core::attachments::check(name, &bytes)?;
    let thumb = if file.kind.is_image() {
        let copy = bytes.clone();
        tokio::task::spawn_blocking(move || thumbnail(&copy))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
    } else {
        None
    };
    let new = feidi_store::NewAttachment {
        appeal_id: id,
        name: file.name,
        content_type: file.kind.content_type(),
        bytes,
        thumb,
    };
    Ok(app.store.attach_to_appeal(Some(who.user_id), new, now).await?)
}

/// The files of an appeal the caller can see.
pub async fn attachments(app: &App, who: &Principal, id: i64) -> AppResult<Vec<feidi_store::Attachment>> {
    get(app, who, id).await?;
    Ok(app.store.attachments(id).await?)
}

/// One file of an appeal the caller can see, with its bytes — its small JPEG when `thumb` is
/// asked and one was made (the answer says whether it is).
pub async fn attachment(
    app: &App,
    who: &Principal,
    id: i64,
    attachment_id: i64,
    thumb: bool,
) -> AppResult<(feidi_store::Attachment, Vec<u8>, bool)> {
    get(app, who, id).await?;
    Ok(app.store.attachment(id, attachment_id, thumb).await?)
}

/// The longest side of a photo's small copy, in pixels.
pub const THUMB_PX: u32 = 320;

/// A photo's small copy as JPEG, or none when it will not decode within limits that keep a
/// small file declaring a huge picture (a decompression bomb) from taking the server's memory.
pub fn thumbnail(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let picture = reader.decode().ok()?;
    // Never larger than the photo itself.
    let fits = picture.width() <= THUMB_PX && picture.height() <= THUMB_PX;
    let small = if fits {
        image::DynamicImage::ImageRgb8(picture.to_rgb8())
    } else {
        image::DynamicImage::ImageRgb8(picture.thumbnail(THUMB_PX, THUMB_PX).to_rgb8())
    };
    let mut out = Vec::new();
    small
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .ok()?;
    Some(out)
}

/// An appeal's timeline, oldest first.
pub async fn events(app: &App, who: &Principal, id: i64) -> AppResult<Vec<AppealEvent>> {
    require(who, Action::Read, Entity::Appeal)?;
    Ok(app.store.appeal_events(id, who.scope()).await?)
}

/// A list's filters and page from a query string.
pub fn appeal_filter(params: &HashMap<String, String>) -> AppResult<AppealFilter> {
    let map = feidi_core::input::query_fields(params);
    let mut input = Input::new(&map);
    let status = input.one_of(
        "status",
        Need::Optional,
        &["submitted", "acknowledged", "resolved", "closed", "reopened"],
        AppealStatus::parse,
    );
    let handler_id = input.id("handler_id", Need::Optional);
    let enterprise_id = input.id("enterprise_id", Need::Optional);
    let flag = |input: &mut Input<'_>, name: &str| {
        input.one_of(name, Need::Optional, &["true", "false"], |v| Some(v == "true")) == Some(true)
    };
    let overdue = flag(&mut input, "overdue");
    let escalated = flag(&mut input, "escalated");
    let category = input.text("category", Need::Optional, 40);
    let q = input.text("q", Need::Optional, 200);
    let page = input.int("page", Need::Optional, 1, i64::MAX).unwrap_or(1);
    let per_page = input.int("per_page", Need::Optional, 1, 500).unwrap_or(50);
    input.finish()?;
    Ok(AppealFilter {
        status,
        handler_id,
        enterprise_id,
        overdue,
        escalated,
        category,
        q,
        page,
        per_page,
    })
}

/// The page parameters of an inbox: 50 to a page unless asked otherwise.
pub fn page_params(params: &HashMap<String, String>) -> AppResult<(i64, i64)> {
    let map: Map<String, Value> = params
        .iter()
        .filter(|(k, _)| matches!(k.as_str(), "page" | "per_page"))
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let mut input = Input::new(&map);
    let page = input.int("page", Need::Optional, 1, i64::MAX).unwrap_or(1);
    let per_page = input.int("per_page", Need::Optional, 1, 500).unwrap_or(50);
    input.finish()?;
    Ok((page, per_page))
}

/// An official's inbox page with the names it shows.
pub struct Inbox {
    pub page: Page<Appeal>,
    pub enterprises: HashMap<i64, String>,
    pub handlers: HashMap<i64, String>,
}

/// The caller's inbox: the open appeals they handle, by deadline. Kept in memory while the
/// data versions of appeals, enterprises and users stand still (one small query tells, so
/// another app server's write is seen at once); the time left is worked out when shown.
pub async fn inbox(app: &App, who: &Principal, page: i64, per_page: i64) -> AppResult<Arc<Inbox>> {
    let Some(scope) = who.inbox() else {
        return Err(AppError::Forbidden);
    };
    let leader = scope.supervision;
    // Read before the inbox, so a racing write can only make the memo look older than it is.
    let version = app
        .store
        .data_versions(&["appeals", "enterprises", "users"])
        .await?;
    let key = format!("{}|{leader}|{page}|{per_page}", who.user_id);
    if let Some(kept) = app.inboxes.get(&key, version) {
        return Ok(kept);
    }
    let found = app.store.inbox(who.user_id, leader, page, per_page).await?;
    let enterprise_ids: Vec<i64> = found.items.iter().map(|a| a.enterprise_id).collect();
    let handler_ids: Vec<i64> = found.items.iter().filter_map(|a| a.handler_id).collect();
    let inbox = Arc::new(Inbox {
        enterprises: app
            .store
            .names_of(feidi_store::Named::Enterprises, &enterprise_ids)
            .await?,
        handlers: app
            .store
            .names_of(feidi_store::Named::Users, &handler_ids)
            .await?,
        page: found,
    });
    app.inboxes.put(key, version, inbox.clone());
    Ok(inbox)
}

pub async fn categories(app: &App, who: &Principal) -> AppResult<Vec<AppealCategory>> {
    require(who, Action::Read, Entity::Calendar)?;
    Ok(app.store.appeal_categories().await?)
}

/// A category key: lower-case letters, digits and `_`, as the API's other codes.
fn category_key(key: &str) -> AppResult<String> {
    let ok = !key.is_empty()
        && key.len() <= 40
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(key.to_string())
    } else {
        Err(FieldErrors::one(
            "key",
            Flaw::Rule(
                "须为小写字母、数字或下划线，最长40个字符",
                "must be lower-case letters, digits or _, at most 40 characters",
            ),
        )
        .into())
    }
}

/// Adds or changes a category and its time limit in working days (admins).
pub async fn put_category(
    app: &App,
    who: &Principal,
    key: &str,
    body: &Map<String, Value>,
) -> AppResult<AppealCategory> {
    require(who, Action::Write, Entity::Calendar)?;
    let key = category_key(key)?;
    let mut input = Input::new(body);
    let name = input.text("name", Need::Required, 40);
    // Absent: left as it is; null or empty: none (English pages then fall back).
    let name_en = if body.contains_key("name_en") {
        Some(input.text("name_en", Need::Optional, 40))
    } else {
        None
    };
    let days = input.int(
        "resolve_working_days",
        Need::Required,
        1,
        i64::from(MAX_RESOLVE_WORKING_DAYS),
    );
    input.finish()?;
    let version = optional_version(body)?;
    Ok(app
        .store
        .put_appeal_category(
            Some(who.user_id),
            key,
            name.unwrap_or_default(),
            name_en,
            u32::try_from(days.unwrap_or(1)).unwrap_or(1),
            version,
        )
        .await?)
}

fn date_of(text: &str, field: &str) -> AppResult<NaiveDate> {
    Ok(feidi_core::time::parse_day(text).ok_or_else(|| FieldErrors::one(field, Flaw::BadDate))?)
}

/// The working-day calendar as it judges deadlines now.
pub async fn calendar(app: &App) -> AppResult<Arc<Calendar>> {
    Ok(app.store.calendar().await?)
}

/// The marked days (holidays, working weekends) of a year, or of every year (`year` absent).
pub async fn calendar_days(
    app: &App,
    who: &Principal,
    params: &HashMap<String, String>,
) -> AppResult<Vec<CalendarDay>> {
    require(who, Action::Read, Entity::Calendar)?;
    let year = match params.get("year") {
        None => None,
        Some(y) => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (1900..=9999).contains(y))
                .ok_or_else(|| FieldErrors::one("year", Flaw::OutOfRange(1900, 9999)))?,
        ),
    };
    Ok(app.store.calendar_days(year).await?)
}

/// Marks one date a holiday or a workday (admins).
pub async fn put_calendar_day(
    app: &App,
    who: &Principal,
    date: &str,
    body: &Map<String, Value>,
) -> AppResult<CalendarDay> {
    require(who, Action::Write, Entity::Calendar)?;
    let day = date_of(date, "date")?;
    let mut input = Input::new(body);
    let kind = input.one_of("kind", Need::Required, &["holiday", "workday"], DayKind::parse);
    let name = input.text("name", Need::Optional, 40);
    input.finish()?;
    let version = optional_version(body)?;
    let kind = kind.unwrap_or(DayKind::Holiday);
    app.store
        .put_calendar_days(
            Some(who.user_id),
            vec![(day, kind, name)],
            version,
            format!("{date} marked {}", kind.as_str()),
        )
        .await?;
    let year = day.format("%Y").to_string().parse().ok();
    let days = app.store.calendar_days(year).await?;
    days.into_iter().find(|d| d.date == day).ok_or(AppError::NotFound)
}

/// Unmarks a date: it is a working day or not by its weekday again (admins).
pub async fn delete_calendar_day(app: &App, who: &Principal, date: &str) -> AppResult<()> {
    require(who, Action::Write, Entity::Calendar)?;
    let day = date_of(date, "date")?;
    Ok(app.store.delete_calendar_day(Some(who.user_id), day).await?)
}

/// Loads a calendar's marked days at once, replacing the days it names: by an admin on the
/// calendar page, or with no caller (`None`) by whoever runs `feidi calendar import` on the
/// server.
pub async fn import_calendar(
    app: &App,
    who: Option<&Principal>,
    days: Vec<feidi_store::MarkedDay>,
    note: String,
) -> AppResult<usize> {
    if let Some(who) = who {
        require(who, Action::Write, Entity::Calendar)?;
    }
    let count = days.len();
    app.store
        .put_calendar_days(who.map(|w| w.user_id), days, None, note)
        .await?;
    Ok(count)
}

/// A user's absences: their own, or anyone's for those who see the organisation.
pub async fn absences_of(app: &App, who: &Principal, user_id: i64) -> AppResult<Vec<Absence>> {
    if who.user_id != user_id {
        require(who, Action::Read, Entity::Organisation)?;
    }
    Ok(app.store.absences_of(user_id).await?)
}

/// Everyone's absences overlapping `from..=to` (default: the next 31 days from today).
pub async fn absences_between(
    app: &App,
    who: &Principal,
    params: &HashMap<String, String>,
    today: NaiveDate,
) -> AppResult<Vec<Absence>> {
    require(who, Action::Read, Entity::Organisation)?;
    let from = match params.get("from") {
        Some(f) => date_of(f, "from")?,
        None => today,
    };
    let to = match params.get("to") {
        Some(t) => date_of(t, "to")?,
        None => from + chrono::Duration::days(31),
    };
    Ok(app.store.absences_between(from, to).await?)
}

/// Records an absence; the answer carries `warnings`: enterprises whose A and B would both be
/// away.
pub async fn record_absence(
    app: &App,
    who: &Principal,
    user_id: i64,
    body: &Map<String, Value>,
) -> AppResult<Value> {
    if !who.may_keep_absences_of(user_id) {
        return Err(AppError::Forbidden);
    }
    let mut input = Input::new(body);
    let from = input.date("from", Need::Required);
    let to = input.date("to", Need::Required);
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        input.flag("to", Flaw::Rule("不能早于开始日期", "must not be before from"));
    }
    let reason = input.text("reason", Need::Required, 200);
    input.finish()?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(FieldErrors::one("from", Flaw::Required).into());
    };
    let (absence, clashes) = app
        .store
        .add_absence(Some(who.user_id), user_id, from, to, reason.unwrap_or_default())
        .await?;
    let mut value = serde_json::to_value(&absence).map_err(|e| AppError::Internal(e.to_string()))?;
    if let Value::Object(map) = &mut value {
        map.insert("warnings".into(), json!(clashes));
    }
    Ok(value)
}

pub async fn remove_absence(app: &App, who: &Principal, user_id: i64, id: i64) -> AppResult<()> {
    if !who.may_keep_absences_of(user_id) {
        return Err(AppError::Forbidden);
    }
    Ok(app.store.delete_absence(Some(who.user_id), user_id, id).await?)
}

/// One group of the statistics with its rates, as the API and the cockpit show it.
fn group_json(g: &feidi_store::AppealGroup, name: Option<&str>) -> Value {
    let mut value = json!({
        "key": g.key,
        "total": g.total,
        "open": g.open,
        "returns": g.returns,
        "ack_on_time_rate": feidi_core::Ratio::of(g.acknowledged_on_time, g.acknowledged),
        "resolve_on_time_rate": feidi_core::Ratio::of(g.resolved_on_time, g.resolved),
        "satisfaction_rate": feidi_core::Ratio::of(g.satisfied, g.rated),
    });
    if let (Some(name), Value::Object(map)) = (name, &mut value) {
        map.insert("name".into(), Value::String(name.to_string()));
    }
    value
}

/// Appeal statistics by category, official and month of submission, for appeals submitted in
/// `from..=to` (leaders, staff, admins). Appeals no official handles are grouped under the
/// leaders' name in `lang`.
pub async fn statistics(
    app: &App,
    who: &Principal,
    params: &HashMap<String, String>,
    lang: Lang,
) -> AppResult<Value> {
    require(who, Action::Read, Entity::Organisation)?;
    let from = params.get("from").map(|f| date_of(f, "from")).transpose()?;
    let to = params.get("to").map(|t| date_of(t, "to")).transpose()?;
    let stats = app.store.appeal_stats(from, to).await?;
    let ids: Vec<i64> = stats
        .by_official
        .iter()
        .filter_map(|g| g.key.parse().ok())
        .collect();
    let names = app.store.names_of(feidi_store::Named::Users, &ids).await?;
    Ok(json!({
        "from": from,
        "to": to,
        "by_category": stats.by_category.iter().map(|g| group_json(g, None)).collect::<Vec<_>>(),
        "by_official": stats.by_official.iter().map(|g| {
            let name = g.key.parse::<i64>().ok().and_then(|id| names.get(&id).cloned());
            let mut v = group_json(g, Some(name.as_deref().unwrap_or(lang.t("appeal.leaders"))));
            if let Value::Object(map) = &mut v {
                map.insert("official_id".into(), g.key.parse::<i64>().ok().map_or(Value::Null, Value::from));
            }
            v
        }).collect::<Vec<_>>(),
        "by_month": stats.by_month.iter().map(|g| group_json(g, None)).collect::<Vec<_>>(),
    }))
}

/// A task force's members.
pub async fn members(app: &App, who: &Principal, task_force: i64) -> AppResult<Vec<TaskForceMember>> {
    require(who, Action::Read, Entity::Organisation)?;
    Ok(app.store.task_force_members(task_force).await?)
}

/// Puts an official on a task force; answers whether they were added (false: already on it).
pub async fn add_member(app: &App, who: &Principal, task_force: i64, user_id: i64) -> AppResult<bool> {
    require(who, Action::Write, Entity::Organisation)?;
    Ok(app
        .store
        .add_task_force_member(Some(who.user_id), task_force, user_id)
        .await?)
}

pub async fn remove_member(app: &App, who: &Principal, task_force: i64, user_id: i64) -> AppResult<()> {
    require(who, Action::Write, Entity::Organisation)?;
    Ok(app
        .store
        .remove_task_force_member(Some(who.user_id), task_force, user_id)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::{THUMB_PX, thumbnail};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = image::DynamicImage::new_rgb8(width, height);
        let mut out = Vec::new();
        picture
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .expect("png");
        out
    }

    fn size(jpeg: &[u8]) -> (u32, u32) {
        let picture = image::load_from_memory(jpeg).expect("a picture");
        (picture.width(), picture.height())
    }

    #[test]
    fn a_photo_s_small_copy_fits_320_pixels_and_keeps_its_shape() {
        let small = thumbnail(&png(4000, 3000)).expect("a copy");
        assert!(small.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG");
        assert_eq!(size(&small), (THUMB_PX, 240));
        let tall = thumbnail(&png(900, 1600)).expect("a copy");
        assert_eq!(size(&tall), (180, THUMB_PX));
        // Never larger than the photo.
        assert_eq!(size(&thumbnail(&png(40, 30)).expect("a copy")), (40, 30));
        assert_eq!(thumbnail(b"%PDF-1.4"), None);
        assert_eq!(thumbnail(b"\xFF\xD8\xFFnot really a jpeg"), None);
    }
}
