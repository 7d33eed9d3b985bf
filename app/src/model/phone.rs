//! Telephone numbers, checked against the numbering plans and stored in E.164.

use super::field::{text_newtype, Invalid, Parse};
use serde::{Deserialize, Serialize};

/// A public telephone number in E.164 form: `+`, a country code assigned by the ITU, and a national
/// number, 15 digits at most in all. North American numbers (+1) must also follow the NANP: a
/// ten-digit number whose area code and exchange start with 2–9 and are not N11 service codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);
text_newtype!(PhoneNumber);

/// Country calling codes in service (ITU-T E.164 assignments, geographic and global services).
const COUNTRY_CODES: &[u16] = &[
    1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54,
    55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98, 211,
    212, 213, 216, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234,
    235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253,
    254, 255, 256, 257, 258, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 290, 291, 297, 298,
    299, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 374, 375, 376, 377,
    378, 379, 380, 381, 382, 383, 385, 386, 387, 389, 420, 421, 423, 500, 501, 502, 503, 504, 505,
    506, 507, 508, 509, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599, 670, 672, 673, 674, 675,
    676, 677, 678, 679, 680, 681, 682, 683, 685, 686, 687, 688, 689, 690, 691, 692, 800, 808, 850,
    852, 853, 855, 856, 870, 878, 880, 881, 882, 883, 886, 888, 960, 961, 962, 963, 964, 965, 966,
    967, 968, 970, 971, 972, 973, 974, 975, 976, 977, 979, 992, 993, 994, 995, 996, 998,
];

const HINT: &str =
    "A phone number with its country code, such as +1 612 555 0100 or +44 20 7946 0958.";

impl PhoneNumber {
    /// The digits without the `+`, as NetSapiens writes numbers (`16125550100`).
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }

    /// `count` consecutive numbers from this one (itself first). Each must be a valid number with
    /// as many digits as this one, or the run is refused naming the first that is not.
    pub fn run(&self, count: u32) -> Result<Vec<PhoneNumber>, Invalid> {
        let start: u64 = self.digits().parse().map_err(|_| Invalid::new(HINT))?;
        (0..u64::from(count))
            .map(|i| {
                let digits = (start + i).to_string();
                match Self::parse(&format!("+{digits}")) {
                    Ok(next) if digits.len() == self.digits().len() => Ok(next),
                    _ => Err(Invalid::new(format!(
                        "The range runs past the last valid number (+{digits} is not one): \
                         make it shorter."
                    ))),
                }
            })
            .collect()
    }
}

impl Parse for PhoneNumber {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(Invalid::new("Required."));
        }
        let mut digits = String::with_capacity(raw.len());
        for (i, c) in raw.char_indices() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => {}
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => {
                    return Err(Invalid::new(format!(
                        "“{c}” has no place in a phone number. {HINT}"
                    )))
                }
            }
        }
        let international = if raw.starts_with('+') {
            digits
        } else if let Some(rest) = digits
            .strip_prefix("011")
            .or_else(|| digits.strip_prefix("00"))
        {
            rest.to_owned()
        } else if digits.len() == 10 {
            format!("1{digits}") // a ten-digit number is North American, as NetSapiens assumes
        } else if digits.len() == 11 && digits.starts_with('1') {
            digits
        } else {
            return Err(Invalid::new(HINT));
        };
        check_e164(&international)?;
        Ok(Self(format!("+{international}")))
    }
}

fn check_e164(digits: &str) -> Result<(), Invalid> {
    if digits.len() > 15 {
        return Err(Invalid::new(
            "Too long: at most 15 digits including the country code.",
        ));
    }
    let country_len = (1..=3)
        .find(|&n| {
            digits.len() > n
                && digits[..n]
                    .parse::<u16>()
                    .is_ok_and(|code| COUNTRY_CODES.contains(&code))
        })
        .ok_or_else(|| Invalid::new(format!("No country has that country code. {HINT}")))?;
    let national = &digits[country_len..];
    if &digits[..country_len] == "1" {
        return check_nanp(national);
    }
    if national.len() < 4 {
        return Err(Invalid::new("Too short for a phone number."));
    }
    Ok(())
}

/// North American Numbering Plan: NPA-NXX-XXXX, N = 2–9, neither NPA nor NXX an N11 code.
fn check_nanp(national: &str) -> Result<(), Invalid> {
    let b = national.as_bytes();
    if b.len() != 10 {
        return Err(Invalid::new(
            "A North American number has ten digits after the +1 (area code and number).",
        ));
    }
    let n11 = |d: &[u8]| d[1] == b'1' && d[2] == b'1';
    if b[0] < b'2' || n11(&b[0..3]) {
        return Err(Invalid::new(format!(
            "{} is not a North American area code.",
            &national[..3]
        )));
    }
    if b[3] < b'2' || n11(&b[3..6]) {
        return Err(Invalid::new(format!(
            "{} cannot start a North American local number.",
            &national[3..6]
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn north_american_numbers_are_written_in_e164() {
        for typed in [
            "(612) 555-0100",
            "612.555.0100",
            "1 612 555 0100",
            "+1 612-555-0100",
            "011 1 612 555 0100",
        ] {
            assert_eq!(
                PhoneNumber::parse(typed).unwrap().as_str(),
                "+16125550100",
                "{typed}"
            );
        }
        assert_eq!(
            PhoneNumber::parse("6125550100").unwrap().digits(),
            "16125550100"
        );
    }

    #[test]
    fn international_numbers_keep_their_country_code() {
        assert_eq!(
            PhoneNumber::parse("+44 20 7946 0958").unwrap().as_str(),
            "+442079460958"
        );
        assert_eq!(
            PhoneNumber::parse("0033 1 23 45 67 89").unwrap().as_str(),
            "+33123456789"
        );
    }

    #[test]
    fn numbers_that_cannot_exist_are_refused() {
        for bad in [
            "+1 112 555 0100",
            "+1 911 555 0100",
            "+1 612 055 0100",
            "+1 612 411 0100",
            "+1 612 555 010",
            "+999 1234567",
            "+44 1",
            "5550100",
            "+1234567890123456",
            "612-555-01OO",
            "+1 612 555 0100 ext 2",
        ] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    proptest! {
        #[test]
        fn every_well_formed_nanp_number_is_accepted(npa in 200u32..=999, nxx in 200u32..=999, line in 0u32..=9999) {
            prop_assume!(npa % 100 != 11 && nxx % 100 != 11);
            let typed = format!("({npa}) {nxx}-{line:04}");
            prop_assert_eq!(PhoneNumber::parse(&typed).unwrap().to_string(), format!("+1{npa}{nxx}{line:04}"));
        }

        #[test]
        fn anything_accepted_is_plus_and_at_most_15_digits(raw in "[+0-9 ()-]{0,22}") {
            if let Ok(n) = PhoneNumber::parse(&raw) {
                prop_assert!(n.as_str().starts_with('+'));
                prop_assert!(n.digits().bytes().all(|b| b.is_ascii_digit()));
                prop_assert!((5..=15).contains(&n.digits().len()));
                prop_assert_eq!(PhoneNumber::parse(n.as_str()).unwrap(), n.clone());
            }
        }
    }
}
