//! Dial policies: which numbers a user's calls, forwards and simultaneous rings may reach. A
//! small set of named policies, so that "US & Canada" means the same everywhere and a forward
//! to a premium or satellite number is refused where the policy says so (toll fraud through
//! forwards is the classic abuse of a hosted PBX).

use super::wire_enum::wire_enum;
use super::PhoneNumber;

wire_enum! {
    /// NetSapiens' `dial-policy`, as a fixed list.
    pub enum DialPolicy {
        /// Extensions of the domain only: no phone numbers at all.
        Internal = "Internal", "Internal: extensions only, no phone numbers";
        /// North American numbers in the United States and Canada, without premium-rate (900,
        /// 976) numbers or the Caribbean and Pacific countries that share +1.
        UsCanada = "US & Canada", "US & Canada: no premium or other +1 countries";
        /// Any country, without premium-rate, satellite and international-network numbers.
        International = "International", "International: no premium or satellite numbers";
    }
}

/// The NANP area codes of countries other than the United States and Canada (the Caribbean and
/// Bermuda): dialled like US numbers, billed like international ones.
const NANP_ELSEWHERE: &[&str] = &[
    "242", "246", "264", "268", "284", "345", "441", "473", "649", "658", "664", "721", "758",
    "767", "784", "809", "829", "849", "868", "869", "876",
];

/// Premium-rate NANP area codes.
const NANP_PREMIUM: &[&str] = &["900", "976"];

/// Numbers no policy reaches: satellite (+870 Inmarsat, +881 global mobile satellite), shared
/// international networks (+882, +883), international premium rate (+979), and NANP premium
/// rate (+1 900, +1 976).
const NEVER: &[&str] = &["870", "881", "882", "883", "979", "1900", "1976"];

impl DialPolicy {
    /// What the policy reaches, as rules on a number's digits (without its +): the rule with
    /// the longest prefix of the number decides. The SIP server applies the same rules to the
    /// numbers a user dials (Roster writes them into `dial_policy_rules` when it starts).
    pub fn rules(self) -> Vec<(String, bool)> {
        let mut rules = vec![(String::new(), self == DialPolicy::International)];
        if self == DialPolicy::UsCanada {
            rules.push(("1".to_owned(), true));
            let refused = NANP_ELSEWHERE.iter().chain(NANP_PREMIUM);
            rules.extend(refused.map(|area| (format!("1{area}"), false)));
        }
        rules.extend(NEVER.iter().map(|p| ((*p).to_owned(), false)));
        rules.sort();
        rules.dedup_by(|a, b| a.0 == b.0);
        rules
    }

    /// Whether a user under this policy may reach `number` (by a call, a forward, or a
    /// simultaneous ring).
    pub fn allows(self, number: &PhoneNumber) -> bool {
        let digits = number.digits();
        self.rules()
            .into_iter()
            .filter(|(prefix, _)| digits.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .is_some_and(|(_, allowed)| allowed)
    }

    /// Why a number is refused, for the field that names it.
    pub fn refusal(self, number: &PhoneNumber) -> String {
        format!(
            "The dial policy {self} does not allow {number} ({}).",
            self.label()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Parse;

    fn n(text: &str) -> PhoneNumber {
        PhoneNumber::parse(text).unwrap()
    }

    #[test]
    fn us_and_canada_reaches_north_america_only_and_never_premium() {
        let p = DialPolicy::UsCanada;
        assert!(p.allows(&n("+1 612 555 0100")));
        assert!(p.allows(&n("+1 416 555 0100")));
        for bad in [
            "+1 900 555 0100",
            "+1 876 555 0100",
            "+1 809 555 0100",
            "+44 20 7946 0958",
            "+239 222 1234",
            "+882 1234 5678",
        ] {
            assert!(!p.allows(&n(bad)), "{bad}");
        }
    }

    #[test]
    fn international_reaches_countries_but_not_premium_or_satellite() {
        let p = DialPolicy::International;
        assert!(p.allows(&n("+44 20 7946 0958")));
        assert!(p.allows(&n("+1 876 555 0100")));
        for bad in [
            "+1 900 555 0100",
            "+882 1234 5678",
            "+881 6 1234 5678",
            "+979 1234 5678",
        ] {
            assert!(!p.allows(&n(bad)), "{bad}");
        }
    }

    #[test]
    fn internal_reaches_no_number() {
        assert!(!DialPolicy::Internal.allows(&n("+1 612 555 0100")));
    }

    #[test]
    fn a_policy_is_one_of_the_named_ones() {
        assert_eq!(
            DialPolicy::parse("us & canada").unwrap(),
            DialPolicy::UsCanada
        );
        assert!(DialPolicy::parse("Anything goes <script>").is_err());
    }
}
