//! Instants as the API and the portal's server functions write them: NetSapiens'
//! `created-datetime` / `last-modified-datetime`, RFC 3339 in UTC to the second
//! (`2026-11-23T14:05:09Z`), kept in Rust as Unix milliseconds. Use with
//! `#[serde(rename = "created-datetime", with = "crate::model::instant")]`.

use super::audit::{day_start_ms, rfc3339};
use serde::{Deserialize, Deserializer, Serializer};

pub fn serialize<S: Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*ms))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let text = String::deserialize(d)?;
    parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 instant: {text}")))
}

/// The Unix milliseconds of `YYYY-MM-DDTHH:MM:SS` followed by `Z` or `+00:00`.
pub fn parse(text: &str) -> Option<i64> {
    let (date, time) = text.split_once('T')?;
    let time = time
        .strip_suffix('Z')
        .or_else(|| time.strip_suffix("+00:00"))?;
    let mut parts = time.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
    if !(0..24).contains(&h) || !(0..60).contains(&m) || !(0..60).contains(&s) {
        return None;
    }
    Some(day_start_ms(date)? + ((h * 60 + m) * 60 + s) * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_reads_back_as_it_was_written_to_the_second() {
        for ms in [0, 1_764_558_309_000, 1_764_558_309_999] {
            assert_eq!(parse(&rfc3339(ms)), Some(ms - ms % 1000));
        }
        assert_eq!(
            parse("2026-11-23T14:05:09+00:00"),
            parse("2026-11-23T14:05:09Z")
        );
        assert_eq!(parse("2026-11-23 14:05:09"), None);
        assert_eq!(parse("2026-11-23T25:05:09Z"), None);
    }
}
