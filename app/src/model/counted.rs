//! Counts in prose: "1 domain", "6 fields", never "domain(s)".

/// `n` followed by the noun in the number `n` calls for (`one` for 1, `many` otherwise). Takes
/// any integer (a count past `i64` reads as its maximum).
pub fn counted(n: impl TryInto<i64>, one: &str, many: &str) -> String {
    let n: i64 = n.try_into().unwrap_or(i64::MAX);
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(counted(1, "domain", "domains"), "1 domain");
        assert_eq!(counted(0, "domain", "domains"), "0 domains");
        assert_eq!(counted(6, "field", "fields"), "6 fields");
    }
}
