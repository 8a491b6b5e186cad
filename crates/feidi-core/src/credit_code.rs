//! The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters from a
//! 31-character alphabet, the last one a check character over the first 17.

use std::fmt;

use serde::{Serialize, Serializer};

/// The code's alphabet: digits and the capitals without I, O, S, V, Z.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1..=17 (3^(i-1) mod 31).
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Why a credit code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("must be 18 characters")]
    Length,
    #[error("contains a character outside the code's alphabet")]
    Alphabet,
    #[error("characters 3 to 8 must be an administrative division code (digits)")]
    Division,
    #[error("wrong check character")]
    Check,
}

/// A valid unified social credit code, in upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters (which must be in the alphabet).
fn check_char(first17: &[u8]) -> Option<u8> {
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value_of(*c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize])
}

impl CreditCode {
    /// Parses and checks a code; lower-case letters and surrounding spaces are accepted.
    pub fn parse(text: &str) -> Result<Self, CreditCodeError> {
        let code = text.trim().to_ascii_uppercase();
        let bytes = code.as_bytes();
        if code.chars().count() != 18 || bytes.len() != 18 {
            return Err(CreditCodeError::Length);
        }
        if bytes.iter().any(|&c| value_of(c).is_none()) {
            return Err(CreditCodeError::Alphabet);
        }
        if !bytes[2..8].iter().all(u8::is_ascii_digit) {
            return Err(CreditCodeError::Division);
        }
        if check_char(&bytes[..17]) != Some(bytes[17]) {
            return Err(CreditCodeError::Check);
        }
        Ok(Self(code))
    }

    /// Completes 17 characters with their check character: for demo and generated data.
    /// `first17` must be 17 characters of the alphabet with digits at positions 3 to 8.
    pub fn complete(first17: &str) -> Result<Self, CreditCodeError> {
        let bytes = first17.as_bytes();
        if bytes.len() != 17 {
            return Err(CreditCodeError::Length);
        }
        let check = check_char(bytes).ok_or(CreditCodeError::Alphabet)?;
        Self::parse(&format!("{first17}{}", check as char))
    }

    /// A valid code for enterprise number `n` registered in `division` (six digits): the
    /// organisation part is derived from `n`, so distinct numbers give distinct codes.
    pub fn synthetic(division: u32, n: u64) -> Self {
        let mut org = [b'0'; 9];
        let mut rest = n;
        for slot in org.iter_mut().rev() {
            *slot = ALPHABET[(rest % 31) as usize];
            rest /= 31;
        }
        let first17 = format!("91{:06}{}", division % 1_000_000, String::from_utf8_lossy(&org));
        // Only alphabet characters and digits went in, so completing cannot fail.
        Self::complete(&first17).unwrap_or_else(|_| Self(first17.clone()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for CreditCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_published_codes() {
        // Codes printed on real business licences.
        for code in ["91110000802100433B", "91350100M000100Y43", "91440300708461136T"] {
            assert!(CreditCode::parse(code).is_ok(), "{code}");
        }
        assert_eq!(
            CreditCode::parse(" 91350100m000100y43 ").map(|c| c.to_string()),
            Ok("91350100M000100Y43".to_string())
        );
    }

    #[test]
    fn refuses_bad_codes_with_the_reason() {
        for (code, err) in [
            ("91110000802100433", CreditCodeError::Length),
            ("91110000802100433BB", CreditCodeError::Length),
            ("91110000802100433I", CreditCodeError::Alphabet),
            ("911100O0802100433B", CreditCodeError::Alphabet),
            ("91A10000802100433B", CreditCodeError::Division),
            ("91110000802100433C", CreditCodeError::Check),
            ("９1110000802100433B", CreditCodeError::Length),
        ] {
            assert_eq!(CreditCode::parse(code), Err(err), "{code}");
        }
    }

    #[test]
    fn every_single_character_change_is_caught() {
        let good = b"91110000802100433B";
        for pos in 0..17 {
            for &c in ALPHABET {
                if c == good[pos] {
                    continue;
                }
                let mut bad = *good;
                bad[pos] = c;
                let text = String::from_utf8_lossy(&bad).to_string();
                assert!(CreditCode::parse(&text).is_err(), "{text}");
            }
        }
    }

    #[test]
    fn synthetic_codes_are_valid_and_distinct() {
        let mut seen = std::collections::HashSet::new();
        for n in 0..5000 {
            let code = CreditCode::synthetic(410783, n);
            assert!(CreditCode::parse(code.as_str()).is_ok(), "{code}");
            assert!(seen.insert(code));
        }
    }
}
