//! Exact fixed-point quantities with two decimals: money in yuan (stored as fen) and areas in
//! 亩 (stored as hundredths). Floating point never touches them.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a decimal string was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("not a decimal number")]
    Syntax,
    #[error("more than two decimals")]
    TooManyDecimals,
    #[error("must not be negative")]
    Negative,
    #[error("too large")]
    TooLarge,
}

/// Parses a decimal string with at most two decimals into hundredths ("12.5" → 1250).
/// Accepts an optional leading minus; no plus sign, no exponent, no thousands separators, no
/// spaces inside.
pub fn parse_hundredths(text: &str) -> Result<i64, DecimalError> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DecimalError::Syntax);
    }
    let frac = match frac {
        None => "",
        Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(DecimalError::Syntax);
        }
        Some(f) if f.len() > 2 => return Err(DecimalError::TooManyDecimals),
        Some(f) => f,
    };
    // 16 integer digits keep every sum of millions of amounts far inside i64.
    let whole = whole.trim_start_matches('0');
    if whole.len() > 16 {
        return Err(DecimalError::TooLarge);
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| DecimalError::TooLarge)?
    };
    let mut cents: i64 = 0;
    for (i, b) in frac.bytes().enumerate() {
        cents += i64::from(b - b'0') * if i == 0 { 10 } else { 1 };
    }
    let value = whole * 100 + cents;
    Ok(if negative { -value } else { value })
}

/// Formats hundredths with exactly two decimals (1250 → "12.50").
pub fn format_hundredths(value: i64) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Puts thousands separators into a formatted decimal (`-1234567.50` → `-1,234,567.50`).
pub fn group_thousands(decimal: &str) -> String {
    let (sign, rest) = match decimal.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", decimal),
    };
    let (whole, frac) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Divides with rounding half away from zero, in integers.
pub fn div_round(numerator: i128, denominator: i128) -> i128 {
    if denominator == 0 {
        return 0;
    }
    let q = numerator / denominator;
    let r = numerator % denominator;
    if 2 * r.abs() >= denominator.abs() {
        q + if (numerator < 0) ^ (denominator < 0) {
            -1
        } else {
            1
        }
    } else {
        q
    }
}

macro_rules! hundredths_type {
    ($name:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(i64);

        impl $name {
            pub const ZERO: Self = Self(0);

            /// From the stored integer (hundredths).
            pub const fn from_hundredths(value: i64) -> Self {
                Self(value)
            }

            /// The stored integer (hundredths).
            pub const fn hundredths(self) -> i64 {
                self.0
            }

            /// Parses a decimal string with at most two decimals.
            pub fn parse(text: &str) -> Result<Self, DecimalError> {
                parse_hundredths(text).map(Self)
            }

            /// Like [`Self::parse`], and refuses negative values.
            pub fn parse_non_negative(text: &str) -> Result<Self, DecimalError> {
                let value = Self::parse(text)?;
                if value.0 < 0 {
                    Err(DecimalError::Negative)
                } else {
                    Ok(value)
                }
            }

            pub fn checked_add(self, other: Self) -> Option<Self> {
                self.0.checked_add(other.0).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&format_hundredths(self.0))
            }
        }

        impl std::ops::Add for $name {
            type Output = Self;
            fn add(self, other: Self) -> Self {
                Self(self.0 + other.0)
            }
        }

        impl std::ops::AddAssign for $name {
            fn add_assign(&mut self, other: Self) {
                self.0 += other.0;
            }
        }

        impl std::iter::Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                Self(iter.map(|v| v.0).sum())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&format_hundredths(self.0))
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

hundredths_type!(Money, "An exact amount of money in yuan, held as integer fen.");
hundredths_type!(
    AreaMu,
    "An area in 亩 (1 亩 = 666.67 m²), held as hundredths of a 亩."
);

/// The unit an official types an amount in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyUnit {
    Yuan,
    /// 万元: what monthly figures are reported and read in.
    Wan,
    /// 亿元: what programme totals are read in.
    Yi,
}

impl MoneyUnit {
    /// How many fen one of the unit is.
    const fn fen(self) -> i128 {
        match self {
            MoneyUnit::Yuan => 100,
            MoneyUnit::Wan => 1_000_000,
            MoneyUnit::Yi => 10_000_000_000,
        }
    }
}

impl Money {
    /// Reads an amount as an official types it: thousands separators (`4,620`, `4，620`) and
    /// spaces allowed, a unit after the number (`元`, `万`/`万元`, `亿`/`亿元`) or else
    /// `default`. Exact: `0.462亿` is 46,200,000 元; a fraction of a fen is refused, as is a
    /// negative amount.
    pub fn parse_typed(text: &str, default: MoneyUnit) -> Result<Self, DecimalError> {
        let compact: String = text
            .chars()
            .filter(|c| !matches!(c, ',' | '，' | ' ' | '\u{a0}' | '\u{2009}' | '\u{3000}'))
            .collect();
        let (number, unit) = [
            ("亿元", MoneyUnit::Yi),
            ("亿", MoneyUnit::Yi),
            ("万元", MoneyUnit::Wan),
            ("万", MoneyUnit::Wan),
            ("元", MoneyUnit::Yuan),
        ]
        .iter()
        .find_map(|(suffix, unit)| compact.strip_suffix(suffix).map(|n| (n, *unit)))
        .unwrap_or((compact.as_str(), default));
        if number.starts_with('-') {
            return Err(DecimalError::Negative);
        }
        let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(frac) || (number.contains('.') && frac.is_empty()) {
            return Err(DecimalError::Syntax);
        }
        let whole = whole.trim_start_matches('0');
        if whole.len() > 18 || frac.len() > 18 {
            return Err(DecimalError::TooLarge);
        }
        let whole: i128 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| DecimalError::TooLarge)?
        };
        let scale = 10i128.pow(frac.len() as u32);
        let frac: i128 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| DecimalError::Syntax)?
        };
        let fen_frac = frac * unit.fen();
        if fen_frac % scale != 0 {
            return Err(DecimalError::TooManyDecimals);
        }
        let fen = whole * unit.fen() + fen_frac / scale;
        // The same bound as a typed decimal: 16 integer digits of yuan.
        if fen >= 10i128.pow(18) {
            return Err(DecimalError::TooLarge);
        }
        Ok(Self(fen as i64))
    }

    /// The amount in 万元, exact (up to six decimals, none trailing): what a form shows to be
    /// typed again (`4620`, `4620.001234`).
    pub fn wan_exact(self) -> String {
        let (sign, fen) = if self.0 < 0 {
            ("-", self.0.unsigned_abs())
        } else {
            ("", self.0.unsigned_abs())
        };
        let (whole, frac) = (fen / 1_000_000, fen % 1_000_000);
        if frac == 0 {
            format!("{sign}{whole}")
        } else {
            let frac = format!("{frac:06}");
            format!("{sign}{whole}.{}", frac.trim_end_matches('0'))
        }
    }

    /// The amount in 万元 with thousands separators and two decimals (`4,620.00`).
    pub fn wan_grouped(self) -> String {
        group_thousands(&self.in_wan())
    }

    /// The amount in 亿元 with thousands separators and two decimals.
    pub fn yi_grouped(self) -> String {
        group_thousands(&self.in_yi())
    }

    /// The amount in 元 with thousands separators and two decimals.
    pub fn yuan_grouped(self) -> String {
        group_thousands(&format_hundredths(self.0))
    }

    /// From whole yuan.
    pub const fn yuan(yuan: i64) -> Self {
        Self(yuan * 100)
    }

    /// The amount in 亿元 (10^8 yuan), rounded to two decimals, as officials read it.
    pub fn in_yi(self) -> String {
        format_hundredths(div_round(i128::from(self.0), 100_000_000) as i64)
    }

    /// The amount in 万元 (10^4 yuan), rounded to two decimals.
    pub fn in_wan(self) -> String {
        format_hundredths(div_round(i128::from(self.0), 10_000) as i64)
    }
}

/// A ratio with four decimals, held as ten-thousandths ("0.2711").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Ratio(i64);

impl Ratio {
    /// `part ÷ whole`, rounded half up to four decimals; zero when `whole` is zero.
    pub fn of(part: i64, whole: i64) -> Self {
        Self(div_round(i128::from(part) * 10_000, i128::from(whole)) as i64)
    }

    pub const fn ten_thousandths(self) -> i64 {
        self.0
    }

    /// As a percentage with one decimal ("27.1").
    pub fn percent(self) -> String {
        let tenths = div_round(i128::from(self.0), 10) as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let abs = tenths.unsigned_abs();
        format!("{sign}{}.{}", abs / 10, abs % 10)
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:04}", abs / 10_000, abs % 10_000)
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_officials_type_them_exactly() {
        let wan = |t: &str| Money::parse_typed(t, MoneyUnit::Wan);
        let yuan = |n: i64| Ok(Money::yuan(n));
        assert_eq!(wan("4,620"), yuan(46_200_000));
        assert_eq!(wan("4620"), yuan(46_200_000));
        assert_eq!(wan("4620万"), yuan(46_200_000));
        assert_eq!(wan("4,620.5万元"), yuan(46_205_000));
        assert_eq!(wan("46200000元"), yuan(46_200_000));
        assert_eq!(wan("0.462亿"), yuan(46_200_000));
        assert_eq!(wan(" 4，620 万元 "), yuan(46_200_000));
        assert_eq!(
            wan("0.000001"),
            Ok(Money::from_hundredths(1)),
            "a hundredth of a yuan in 万"
        );
        assert_eq!(
            wan("0.0000001"),
            Err(DecimalError::TooManyDecimals),
            "below a fen"
        );
        assert_eq!(wan("12.345元"), Err(DecimalError::TooManyDecimals));
        assert_eq!(wan("-5"), Err(DecimalError::Negative));
        for bad in ["", "万", "4,6a0", "1.", ".5", "4620美元", "1e3", "１２"] {
            assert_eq!(wan(bad), Err(DecimalError::Syntax), "{bad:?}");
        }
        assert_eq!(wan("99999999999999999999"), Err(DecimalError::TooLarge));
        assert_eq!(Money::parse_typed("1100", MoneyUnit::Yuan), yuan(1100));
        // What a form shows is read back to the same fen.
        for fen in [0, 1, 99, 4_620_000_000, 4_620_001_234, 123_456_789_012] {
            let m = Money::from_hundredths(fen);
            assert_eq!(wan(&m.wan_exact()), Ok(m), "{}", m.wan_exact());
        }
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands("1000000000.00"), "1,000,000,000.00");
        assert_eq!(group_thousands("-1234.5"), "-1,234.5");
        assert_eq!(group_thousands("999.00"), "999.00");
        assert_eq!(group_thousands("0.00"), "0.00");
        assert_eq!(Money::yuan(46_200_000).wan_grouped(), "4,620.00");
        assert_eq!(Money::yuan(13_500_000_000).yi_grouped(), "135.00");
    }

    #[test]
    fn parses_the_forms_the_api_accepts() {
        for (text, fen) in [
            ("12", 1200),
            ("12.5", 1250),
            ("12.50", 1250),
            ("0", 0),
            ("0.01", 1),
            ("-3.1", -310),
            ("13500000000", 1_350_000_000_000),
            (" 7 ", 700),
        ] {
            assert_eq!(Money::parse(text).map(Money::hundredths), Ok(fen), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_exact_two_decimal_amount() {
        for (text, err) in [
            ("", DecimalError::Syntax),
            ("abc", DecimalError::Syntax),
            ("1e5", DecimalError::Syntax),
            ("1.", DecimalError::Syntax),
            (".5", DecimalError::Syntax),
            ("1,000", DecimalError::Syntax),
            ("1.234", DecimalError::TooManyDecimals),
            ("12345678901234567", DecimalError::TooLarge),
        ] {
            assert_eq!(Money::parse(text), Err(err), "{text}");
        }
        assert_eq!(Money::parse_non_negative("-1"), Err(DecimalError::Negative));
    }

    #[test]
    fn formats_with_exactly_two_decimals() {
        assert_eq!(Money::from_hundredths(1250).to_string(), "12.50");
        assert_eq!(Money::ZERO.to_string(), "0.00");
        assert_eq!(Money::from_hundredths(-5).to_string(), "-0.05");
        assert_eq!(
            serde_json::to_string(&Money::yuan(3)).ok(),
            Some("\"3.00\"".into())
        );
    }

    #[test]
    fn reads_in_yi_and_wan() {
        assert_eq!(Money::yuan(13_500_000_000).in_yi(), "135.00");
        assert_eq!(Money::yuan(3_660_000_000).in_yi(), "36.60");
        assert_eq!(Money::yuan(470_000_000).in_yi(), "4.70");
        assert_eq!(Money::yuan(12_345).in_wan(), "1.23");
        assert_eq!(Money::yuan(12_355).in_wan(), "1.24");
    }

    #[test]
    fn ratios_round_half_up_to_four_decimals() {
        assert_eq!(Ratio::of(366, 1350).to_string(), "0.2711");
        assert_eq!(Ratio::of(366, 1350).percent(), "27.1");
        assert_eq!(Ratio::of(1, 0).to_string(), "0.0000");
        assert_eq!(Ratio::of(2, 3).to_string(), "0.6667");
    }

    #[test]
    fn round_trips_every_small_amount() {
        for fen in -1000..1000 {
            let text = format_hundredths(fen);
            assert_eq!(parse_hundredths(&text), Ok(fen));
        }
    }
}
