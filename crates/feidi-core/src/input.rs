//! Parsing untrusted input field by field, collecting an error for every bad field.
//!
//! JSON bodies and HTML forms both arrive here as a map of field names to JSON values (a form
//! gives strings), so the API and the pages share one validation path and one set of messages.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::credit_code::{CreditCode, CreditCodeError};
use crate::fixed::{AreaMu, DecimalError, Money};
use crate::i18n::Lang;

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flaw {
    Required,
    TooLong(usize),
    Decimal(DecimalError),
    CreditCode(CreditCodeError),
    NotInteger,
    OutOfRange(i64, i64),
    OneOf(&'static [&'static str]),
    /// A referenced record does not exist (or is not visible to the caller).
    NoSuchRecord,
    /// The value must be unique and is already taken.
    Taken,
    /// Not a date `YYYY-MM-DD` in a year the programme can hold.
    BadDate,
    /// Holds a NUL character, which no text a person types contains and PostgreSQL cannot
    /// store.
    Nul,
    /// Any other rule, with its message in Chinese and English.
    Rule(&'static str, &'static str),
}

impl Flaw {
    /// The message a user reads.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::Required, Lang::Zh) => "必填".into(),
            (Self::Required, Lang::En) => "is required".into(),
            (Self::TooLong(n), Lang::Zh) => format!("不能超过{n}个字符"),
            (Self::TooLong(n), Lang::En) => format!("must be at most {n} characters"),
            (Self::Decimal(e), Lang::Zh) => match e {
                DecimalError::Syntax => "须为数字，最多两位小数，如 12.50".into(),
                DecimalError::TooManyDecimals => "最多两位小数".into(),
                DecimalError::Negative => "不能为负数".into(),
                DecimalError::TooLarge => "数值过大".into(),
            },
            (Self::Decimal(e), Lang::En) => match e {
                DecimalError::Syntax => {
                    "must be a decimal number with at most two decimals, like 12.50".into()
                }
                DecimalError::TooManyDecimals => "must have at most two decimals".into(),
                DecimalError::Negative => "must not be negative".into(),
                DecimalError::TooLarge => "is too large".into(),
            },
            (Self::CreditCode(e), Lang::Zh) => match e {
                CreditCodeError::Length => "统一社会信用代码须为18位".into(),
                CreditCodeError::Alphabet => {
                    "统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）".into()
                }
                CreditCodeError::Division => "统一社会信用代码第3至8位须为行政区划代码（数字）".into(),
                CreditCodeError::Check => "统一社会信用代码校验位错误（GB 32100-2015）".into(),
            },
            (Self::CreditCode(e), Lang::En) => {
                format!("is not a valid unified social credit code: {e}")
            }
            (Self::NotInteger, Lang::Zh) => "须为整数".into(),
            (Self::NotInteger, Lang::En) => "must be a whole number".into(),
            (Self::OutOfRange(lo, hi), Lang::Zh) => format!("须在 {lo} 到 {hi} 之间"),
            (Self::OutOfRange(lo, hi), Lang::En) => format!("must be between {lo} and {hi}"),
            (Self::OneOf(options), Lang::Zh) => format!("须为以下之一：{}", options.join("、")),
            (Self::OneOf(options), Lang::En) => format!("must be one of: {}", options.join(", ")),
            (Self::NoSuchRecord, Lang::Zh) => "所选记录不存在".into(),
            (Self::NoSuchRecord, Lang::En) => "refers to a record that does not exist".into(),
            (Self::Taken, Lang::Zh) => "已被使用，不能重复".into(),
            (Self::Taken, Lang::En) => "is already taken".into(),
            (Self::BadDate, Lang::Zh) => format!(
                "日期格式须为 YYYY-MM-DD，年份在 {} 到 {} 之间",
                crate::time::YEARS.start(),
                crate::time::YEARS.end()
            ),
            (Self::BadDate, Lang::En) => format!(
                "must be a date YYYY-MM-DD with a year from {} to {}",
                crate::time::YEARS.start(),
                crate::time::YEARS.end()
            ),
            (Self::Nul, Lang::Zh) => "不能包含空字符（NUL）".into(),
            (Self::Nul, Lang::En) => "must not contain a NUL character".into(),
            (Self::Rule(zh, _), Lang::Zh) => (*zh).into(),
            (Self::Rule(_, en), Lang::En) => (*en).into(),
        }
    }
}

/// One bad field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub flaw: Flaw,
}

/// Every bad field of one input. Never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, Default, thiserror::Error)]
#[error("invalid input: {}", .0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>().join(", "))]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn one(field: &str, flaw: Flaw) -> Self {
        Self(vec![FieldError {
            field: field.into(),
            flaw,
        }])
    }

    /// The message for `field`, if it is bad: for forms that show errors beside fields.
    pub fn message_for(&self, field: &str, lang: Lang) -> Option<String> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.flaw.message(lang))
    }

    /// As the `errors` array of a problem+json answer.
    pub fn to_json(&self, lang: Lang) -> Vec<FieldMessage> {
        self.0
            .iter()
            .map(|e| FieldMessage {
                field: e.field.clone(),
                message: e.flaw.message(lang),
            })
            .collect()
    }
}

/// One entry of the `errors` array of a 422 answer.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

/// An input being parsed: typed getters record a flaw for every bad field and return a
/// placeholder, and [`Input::finish`] tells whether all went well.
pub struct Input<'a> {
    map: &'a Map<String, Value>,
    errors: Vec<FieldError>,
}

/// Whether a field must be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
}

impl<'a> Input<'a> {
    pub fn new(map: &'a Map<String, Value>) -> Self {
        Self {
            map,
            errors: Vec::new(),
        }
    }

    /// Records a flaw found by a rule outside the getters.
    pub fn flag(&mut self, field: &str, flaw: Flaw) {
        if !self.errors.iter().any(|e| e.field == field) {
            self.errors.push(FieldError {
                field: field.into(),
                flaw,
            });
        }
    }

    pub fn has_error(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    /// The field's text, trimmed; `None` when absent, null or blank.
    fn raw(&mut self, field: &str) -> Option<String> {
        match self.map.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.contains('\0') => {
                self.flag(field, Flaw::Nul);
                None
            }
            Some(Value::String(s)) => {
                let s = s.trim();
                (!s.is_empty()).then(|| s.to_string())
            }
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Bool(b)) => Some(b.to_string()),
            Some(_) => {
                self.flag(field, Flaw::Rule("格式不正确", "has the wrong type"));
                None
            }
        }
    }

    fn present(&mut self, field: &str, need: Need) -> Option<String> {
        let value = self.raw(field);
        if value.is_none() && need == Need::Required && !self.has_error(field) {
            self.flag(field, Flaw::Required);
        }
        value
    }

    /// Text of at most `max` characters.
    pub fn text(&mut self, field: &str, need: Need, max: usize) -> Option<String> {
        let value = self.present(field, need)?;
        if value.chars().count() > max {
            self.flag(field, Flaw::TooLong(max));
            return None;
        }
        Some(value)
    }

    /// Required text: the empty string stands in when it is missing (and an error is recorded).
    pub fn required_text(&mut self, field: &str, max: usize) -> String {
        self.text(field, Need::Required, max).unwrap_or_default()
    }

    /// Refuses a JSON number with a fraction: exact quantities travel as strings.
    fn no_float(&mut self, field: &str) -> bool {
        match self.map.get(field) {
            Some(Value::Number(n)) if !n.is_i64() && !n.is_u64() => {
                self.flag(
                    field,
                    Flaw::Rule(
                        "须以字符串给出，如 \"12.50\"",
                        "must be a decimal string like \"12.50\", not a JSON number",
                    ),
                );
                false
            }
            _ => true,
        }
    }

    /// A non-negative amount of money. JSON floats are refused: money travels as strings.
    pub fn money(&mut self, field: &str, need: Need) -> Option<Money> {
        if !self.no_float(field) {
            return None;
        }
        let text = self.present(field, need)?;
        Money::parse_non_negative(&text)
            .map_err(|e| self.flag(field, Flaw::Decimal(e)))
            .ok()
    }

    /// A non-negative area in 亩, refused as a JSON float like money.
    pub fn area(&mut self, field: &str, need: Need) -> Option<AreaMu> {
        if !self.no_float(field) {
            return None;
        }
        let text = self.present(field, need)?;
        AreaMu::parse_non_negative(&text)
            .map_err(|e| self.flag(field, Flaw::Decimal(e)))
            .ok()
    }

    /// A calendar date written `YYYY-MM-DD`, in the years of [`crate::time::YEARS`].
    pub fn date(&mut self, field: &str, need: Need) -> Option<chrono::NaiveDate> {
        let text = self.present(field, need)?;
        let day = crate::time::parse_day(&text);
        if day.is_none() {
            self.flag(field, Flaw::BadDate);
        }
        day
    }

    /// A whole number within `[min, max]`.
    pub fn int(&mut self, field: &str, need: Need, min: i64, max: i64) -> Option<i64> {
        let text = self.present(field, need)?;
        match text.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            Ok(_) => {
                self.flag(field, Flaw::OutOfRange(min, max));
                None
            }
            Err(_) => {
                self.flag(field, Flaw::NotInteger);
                None
            }
        }
    }

    /// The id of another record.
    pub fn id(&mut self, field: &str, need: Need) -> Option<i64> {
        self.int(field, need, 1, i64::MAX)
    }

    /// One code of a closed set.
    pub fn one_of<T>(
        &mut self,
        field: &str,
        need: Need,
        options: &'static [&'static str],
        parse: fn(&str) -> Option<T>,
    ) -> Option<T> {
        let text = self.present(field, need)?;
        parse(&text).or_else(|| {
            self.flag(field, Flaw::OneOf(options));
            None
        })
    }

    /// A unified social credit code.
    pub fn credit_code(&mut self, field: &str) -> Option<CreditCode> {
        let text = self.present(field, Need::Required)?;
        CreditCode::parse(&text)
            .map_err(|e| self.flag(field, Flaw::CreditCode(e)))
            .ok()
    }

    /// Done: every flaw found, or nothing.
    pub fn finish(self) -> Result<(), FieldErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(FieldErrors(self.errors))
        }
    }
}

/// A yes/no field: JSON `true`, or a ticked checkbox (`on`, or `true` as text); anything else,
/// absent included, is no.
pub fn checked(map: &Map<String, Value>, field: &str) -> bool {
    match map.get(field) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true" || s == "on",
        _ => false,
    }
}

/// A query string's parameters as the fields an [`Input`] or a form reads.
pub fn query_fields(params: &std::collections::HashMap<String, String>) -> Map<String, Value> {
    params
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect()
}

/// Lays `patch` over `base`: the fields a PATCH names replace the stored ones (null clears),
/// so an update is validated by the same rules as a create.
pub fn overlay(base: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (key, value) in patch {
        if key != "version" {
            base.insert(key.clone(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn names_every_bad_field_at_once() {
        let m = map(
            json!({"name": "", "total_investment": "1.234", "expected_jobs": "many", "area": 3.5, "mu": 2.5}),
        );
        let mut input = Input::new(&m);
        input.required_text("name", 10);
        input.money("total_investment", Need::Required);
        input.int("expected_jobs", Need::Optional, 0, 1_000_000);
        input.money("area", Need::Optional);
        input.area("mu", Need::Optional);
        input.money("missing", Need::Required);
        let Err(errors) = input.finish() else {
            panic!("should fail")
        };
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "total_investment",
                "expected_jobs",
                "area",
                "mu",
                "missing"
            ]
        );
        assert_eq!(errors.message_for("name", Lang::Zh).as_deref(), Some("必填"));
    }

    #[test]
    fn accepts_form_strings_and_json_values_alike() {
        let m = map(json!({"zone_id": "3", "jobs": 2000, "amount": "12.5", "note": "  "}));
        let mut input = Input::new(&m);
        assert_eq!(input.id("zone_id", Need::Required), Some(3));
        assert_eq!(input.int("jobs", Need::Optional, 0, 10_000), Some(2000));
        assert_eq!(
            input.money("amount", Need::Required),
            Some(Money::from_hundredths(1250))
        );
        assert_eq!(input.text("note", Need::Optional, 10), None);
        assert!(input.finish().is_ok());
    }

    #[test]
    fn overlay_replaces_named_fields_and_clears_nulls() {
        let mut base = map(json!({"name": "a", "phase": "一期", "version": 3}));
        overlay(&mut base, &map(json!({"phase": null, "version": 1})));
        assert_eq!(
            Value::Object(base),
            json!({"name": "a", "phase": null, "version": 3})
        );
    }
}
