//! Small numeric settings: area codes, limits, and NetSapiens' yes/no switches.

use super::field::{Invalid, Parse};
use serde::{Deserialize, Serialize};
use std::fmt;

pub(super) fn whole_number(raw: &str) -> Result<u64, Invalid> {
    let digits = raw.trim();
    if digits.is_empty() {
        return Err(Invalid::new("Required."));
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Invalid::new("A whole number, digits only."));
    }
    digits
        .parse()
        .map_err(|_| Invalid::new("That number is far too large."))
}

/// The area code assumed when a user dials seven digits: 100 to 999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct AreaCode(u16);

impl AreaCode {
    pub fn get(self) -> u16 {
        self.0
    }
}

impl Parse for AreaCode {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let n = whole_number(raw)?;
        if (100..=999).contains(&n) {
            Ok(Self(n as u16))
        } else {
            Err(Invalid::new("Three digits, from 100 to 999."))
        }
    }
}

impl TryFrom<u16> for AreaCode {
    type Error = Invalid;
    fn try_from(n: u16) -> Result<Self, Invalid> {
        Self::parse(&n.to_string())
    }
}

impl From<AreaCode> for u16 {
    fn from(code: AreaCode) -> u16 {
        code.0
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A count limit such as a domain's maximum users: 0 to 1,000,000. (Absent means no limit.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Limit(u32);

impl Limit {
    pub const MAX: u32 = 1_000_000;

    pub fn get(self) -> u32 {
        self.0
    }
}

impl Parse for Limit {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let n = whole_number(raw)?;
        if n <= u64::from(Self::MAX) {
            Ok(Self(n as u32))
        } else {
            Err(Invalid::new("At most 1000000."))
        }
    }
}

/// A TCP port: 1 to 65535.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Port(u32);
super::user_settings::number_newtype!(Port, 1..=65535, "A port from 1 to 65535.");

impl TryFrom<u32> for Limit {
    type Error = Invalid;
    fn try_from(n: u32) -> Result<Self, Invalid> {
        Self::parse(&n.to_string())
    }
}

impl From<Limit> for u32 {
    fn from(limit: Limit) -> u32 {
        limit.0
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// NetSapiens' `yes` / `no` switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum YesNo {
    Yes,
    No,
}

impl YesNo {
    pub fn as_str(self) -> &'static str {
        match self {
            YesNo::Yes => "yes",
            YesNo::No => "no",
        }
    }
}

impl fmt::Display for YesNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<bool> for YesNo {
    fn from(b: bool) -> Self {
        if b {
            YesNo::Yes
        } else {
            YesNo::No
        }
    }
}

impl From<YesNo> for bool {
    fn from(v: YesNo) -> bool {
        v == YesNo::Yes
    }
}

impl Parse for YesNo {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.trim() {
            "yes" => Ok(YesNo::Yes),
            "no" => Ok(YesNo::No),
            _ => Err(Invalid::new("Either yes or no.")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn area_codes_have_three_digits() {
        assert_eq!(AreaCode::parse("612").unwrap().get(), 612);
        assert!(AreaCode::parse("099").is_err());
        assert!(AreaCode::parse("1000").is_err());
        assert!(AreaCode::parse("6l2").is_err());
    }

    #[test]
    fn limits_refuse_signs_and_huge_numbers() {
        assert_eq!(Limit::parse(" 0 ").unwrap().get(), 0);
        assert!(Limit::parse("-1").is_err());
        assert!(Limit::parse("1000001").is_err());
        assert!(Limit::parse("99999999999999999999999").is_err());
    }

    #[test]
    fn yes_and_no_are_the_only_switch_values() {
        assert_eq!(YesNo::parse("yes").unwrap(), YesNo::Yes);
        assert!(YesNo::parse("Yes please").is_err());
    }

    proptest! {
        #[test]
        fn every_area_code_in_range_round_trips(n in 100u16..=999) {
            prop_assert_eq!(AreaCode::parse(&n.to_string()).unwrap().get(), n);
        }

        #[test]
        fn no_area_code_outside_the_range_is_accepted(n in any::<u32>()) {
            prop_assert_eq!(AreaCode::parse(&n.to_string()).is_ok(), (100..=999).contains(&n));
        }

        #[test]
        fn limits_accept_exactly_zero_to_a_million(n in any::<u64>()) {
            prop_assert_eq!(Limit::parse(&n.to_string()).is_ok(), n <= 1_000_000);
        }
    }
}
