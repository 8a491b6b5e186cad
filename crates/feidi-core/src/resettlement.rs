//! Resettlement (安置, M6): the households a park's land displaced, the compensation due to
//! each and when it was paid, the housing they were given; and the rules that keep their
//! identity private — an ID number is kept whole but shown masked to everyone but an admin
//! who asks for it.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::input::{Input, Need, checked};
use crate::{FieldErrors, Flaw, Money};

/// A resident identity number (公民身份号码, GB 11643): 17 digits and a check character, the
/// check verified, so a slip of one digit is caught where it is typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber(String);

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECKS: &[u8; 11] = b"10X98765432";

impl IdNumber {
    pub fn parse(text: &str) -> Result<Self, Flaw> {
        let text = text.trim().to_ascii_uppercase();
        let b = text.as_bytes();
        let shape = b.len() == 18
            && b[..17].iter().all(u8::is_ascii_digit)
            && (b[17].is_ascii_digit() || b[17] == b'X');
        if !shape {
            return Err(Flaw::Rule(
                "须为18位公民身份号码（17位数字加校验位）",
                "must be an 18-character resident ID number (17 digits and a check character)",
            ));
        }
        let sum: u32 = b[..17]
            .iter()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        if CHECKS[(sum % 11) as usize] != b[17] {
            return Err(Flaw::Rule(
                "校验位不符，请核对号码",
                "its check character does not match: please check the number",
            ));
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as everyone but an admin who asks sees it: `4107**********1234`.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks an ID number's middle: its first four and last four characters stay.
pub fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

/// What a change does to a household's ID number: an edit that leaves the masked number as it
/// was shown keeps the number; an empty one removes it; a whole new one replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdChange {
    Keep,
    Clear,
    Set(IdNumber),
}

/// A household (户) as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdInput {
    pub village: String,
    /// The head of the household (户主): shown to admins, leaders and staff only.
    pub head_name: String,
    pub people: i64,
    /// The parcel it lived on.
    pub parcel_id: Option<i64>,
    pub id_number: IdChange,
    /// The resettlement housing assigned (安置房).
    pub housing: Option<String>,
    /// The day it moved into its new home.
    pub resettled_on: Option<NaiveDate>,
    /// Made up for illustration (the demo's households), not real people.
    pub sample: bool,
}

/// The most people one household may count: more is a typing slip.
pub const PEOPLE_MAX: i64 = 50;

impl HouseholdInput {
    pub fn parse(map: &Map<String, Value>, today: NaiveDate) -> Result<Self, FieldErrors> {
        let mut input = Input::new(map);
        let village = input.required_text("village", 60);
        let head_name = input.required_text("head_name", 60);
        let people = input.int("people", Need::Required, 1, PEOPLE_MAX);
        let parcel_id = input.id("parcel_id", Need::Optional);
        let id_number = match map.get("id_number") {
            None | Some(Value::Null) => IdChange::Keep,
            Some(Value::String(s)) if s.trim().is_empty() => IdChange::Clear,
            // The masked number as a page or an answer showed it: left as it was.
            Some(Value::String(s)) if s.contains('*') => IdChange::Keep,
            Some(_) => match input.text("id_number", Need::Optional, 18) {
                Some(text) => match IdNumber::parse(&text) {
                    Ok(number) => IdChange::Set(number),
                    Err(flaw) => {
                        input.flag("id_number", flaw);
                        IdChange::Keep
                    }
                },
                None => IdChange::Keep,
            },
        };
        let housing = input.text("housing", Need::Optional, 120);
        let resettled_on = input.date("resettled_on", Need::Optional);
        if resettled_on.is_some_and(|d| d > today) {
            input.flag(
                "resettled_on",
                Flaw::Rule("不能晚于今天", "cannot be after today"),
            );
        }
        input.finish()?;
        Ok(Self {
            village,
            head_name,
            people: people.unwrap_or(1),
            parcel_id,
            id_number,
            housing,
            resettled_on,
            sample: checked(map, "sample"),
        })
    }
}

/// One compensation item due to a household (补偿项目): what for, how much, by when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompensationInput {
    pub item: String,
    pub amount: Money,
    pub due_date: NaiveDate,
}

impl CompensationInput {
    pub fn parse(map: &Map<String, Value>) -> Result<Self, FieldErrors> {
        let mut input = Input::new(map);
        let item = input.required_text("item", 60);
        let amount = input.money("amount", Need::Required);
        if amount.is_some_and(|a| a.hundredths() == 0) {
            input.flag("amount", Flaw::Rule("须大于零", "must be more than zero"));
        }
        let due_date = input.date("due_date", Need::Required);
        input.finish()?;
        Ok(Self {
            item,
            amount: amount.unwrap_or_default(),
            due_date: due_date.unwrap_or_default(),
        })
    }
}

/// The day a compensation item was paid: given, and not after today.
pub fn paid_on(map: &Map<String, Value>, today: NaiveDate) -> Result<NaiveDate, FieldErrors> {
    let mut input = Input::new(map);
    let day = input.date("paid_on", Need::Required);
    if day.is_some_and(|d| d > today) {
        input.flag("paid_on", Flaw::Rule("不能晚于今天", "cannot be after today"));
    }
    input.finish()?;
    Ok(day.unwrap_or(today))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn an_id_number_is_checked_and_shown_masked() {
        // GB 11643's own example.
        let id = IdNumber::parse("11010519491231002x").expect("valid");
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.masked(), "1101**********002X");
        assert!(IdNumber::parse("110105194912310021").is_err(), "check character");
        assert!(IdNumber::parse("1101051949123100").is_err(), "too short");
        assert!(IdNumber::parse("11010519491231002Ｘ").is_err(), "full-width X");
        assert_eq!(mask("410727199001011234"), "4107**********1234");
    }

    #[test]
    fn a_household_keeps_its_number_unless_a_new_one_is_typed() {
        let today = NaiveDate::from_ymd_opt(2023, 7, 7).unwrap_or_default();
        let base = json!({"village": "前方庄村", "head_name": "王某", "people": 4});
        let h = HouseholdInput::parse(&map(base.clone()), today).expect("valid");
        assert_eq!((h.people, &h.id_number), (4, &IdChange::Keep));
        let mut shown = base.clone();
        shown["id_number"] = json!("1101**********002X");
        assert_eq!(
            HouseholdInput::parse(&map(shown), today).map(|h| h.id_number),
            Ok(IdChange::Keep)
        );
        let mut cleared = base.clone();
        cleared["id_number"] = json!(" ");
        assert_eq!(
            HouseholdInput::parse(&map(cleared), today).map(|h| h.id_number),
            Ok(IdChange::Clear)
        );
        let bad = json!({"village": "", "head_name": "王某", "people": 0, "id_number": "123", "resettled_on": "2023-07-08"});
        let fields: Vec<String> = HouseholdInput::parse(&map(bad), today)
            .err()
            .map(|e| e.0.into_iter().map(|e| e.field).collect())
            .unwrap_or_default();
        assert_eq!(fields, ["village", "people", "id_number", "resettled_on"]);
    }

    #[test]
    fn a_compensation_item_needs_an_amount_above_zero_and_a_due_date() {
        let ok = CompensationInput::parse(&map(
            json!({"item": "房屋补偿", "amount": "186000.50", "due_date": "2022-05-01"}),
        ))
        .expect("valid");
        assert_eq!(ok.amount, Money::from_hundredths(18_600_050));
        let fields: Vec<String> =
            CompensationInput::parse(&map(json!({"item": "", "amount": "0", "due_date": "2022-02-30"})))
                .err()
                .map(|e| e.0.into_iter().map(|e| e.field).collect())
                .unwrap_or_default();
        assert_eq!(fields, ["item", "amount", "due_date"]);
        let today = NaiveDate::from_ymd_opt(2023, 7, 7).unwrap_or_default();
        assert!(paid_on(&map(json!({"paid_on": "2023-07-08"})), today).is_err());
        assert_eq!(paid_on(&map(json!({"paid_on": "2023-07-07"})), today), Ok(today));
    }
}
