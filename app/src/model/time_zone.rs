//! Time zones, by their names in the IANA database.

use super::field::{text_newtype, Invalid, Parse};
use super::tz_names::NAMES;
use serde::{Deserialize, Serialize};

/// A zone or link name of the IANA time zone database, such as `America/New_York` or `US/Eastern`
/// (every one of the 221 names NetSapiens offers is among them), in its canonical spelling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZone(String);
text_newtype!(TimeZone);

impl TimeZone {
    /// Every name, sorted: what a picker offers.
    pub fn all() -> &'static [&'static str] {
        NAMES
    }
}

impl Parse for TimeZone {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(Invalid::new("Required."));
        }
        if let Ok(i) = NAMES.binary_search(&name) {
            return Ok(Self(NAMES[i].to_owned()));
        }
        // Accept a different case ("america/new_york") but store the database's spelling.
        match NAMES.iter().find(|n| n.eq_ignore_ascii_case(name)) {
            Some(canonical) => Ok(Self((*canonical).to_owned())),
            None => Err(Invalid::new(
                "Not a time zone of the IANA database (for example America/New_York).",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `TimeZone` enum of the NetSapiens v2 spec.
    const NETSAPIENS: &str = "US/Alaska, US/Central, US/Eastern, US/Hawaii, US/Mountain, US/Pacific, Africa/Addis_Ababa, Africa/Algiers, Africa/Brazzaville, Africa/Cairo, Africa/Casablanca, Africa/Dakar, Africa/Dar_es_Salaam, Africa/Djibouti, Africa/Johannesburg, Africa/Khartoum, Africa/Kigali, Africa/Kinshasa, Africa/Lagos, Africa/Nairobi, Africa/Timbuktu, Africa/Tripoli, Africa/Tunis, America/Antigua, America/Aruba, America/Belize, America/Bogota, America/Buenos_Aires, America/Cancun, America/Caracas, America/Cayman, America/Chihuahua, America/Costa_Rica, America/Denver, America/Detroit, America/Edmonton, America/El_Salvador, America/Ensenada, America/Grenada, America/Guadeloupe, America/Guatemala, America/Havana, America/Indianapolis, America/Jamaica, America/Juneau, America/La_Paz, America/Lima, America/Los_Angeles, America/Louisville, America/Martinique, America/Mazatlan, America/Mendoza, America/Menominee, America/Merida, America/Mexico_City, America/Miquelon, America/Moncton, America/Monterrey, America/Montevideo, America/Montreal, America/Montserrat, America/Nassau, America/New_York, America/Panama, America/Phoenix, America/Port-au-Prince, America/Port_of_Spain, America/Regina, America/Santiago, America/Santo_Domingo, America/Sao_Paulo, America/Thule, America/Thunder_Bay, America/Tijuana, America/Toronto, America/Vancouver, America/Winnipeg, America/Yellowknife, Antarctica/South_Pole, Arctic/Longyearbyen, Asia/Amman, Asia/Baghdad, Asia/Bahrain, Asia/Bangkok, Asia/Beirut, Asia/Brunei, Asia/Calcutta, Asia/Colombo, Asia/Dacca, Asia/Damascus, Asia/Dhaka, Asia/Dubai, Asia/Gaza, Asia/Hong_Kong, Asia/Istanbul, Asia/Jakarta, Asia/Jerusalem, Asia/Kabul, Asia/Katmandu, Asia/Kuala_Lumpur, Asia/Kuching, Asia/Kuwait, Asia/Macau, Asia/Manila, Asia/Muscat, Asia/Phnom_Penh, Asia/Rangoon, Asia/Riyadh, Asia/Saigon, Asia/Seoul, Asia/Shanghai, Asia/Singapore, Asia/Taipei, Asia/Tehran, Asia/Tel_Aviv, Asia/Thimphu, Asia/Tokyo, Asia/Ulan_Bator, Asia/Vientiane, Asia/Vladivostok, Atlantic/Azores, Atlantic/Bermuda, Atlantic/Canary, Atlantic/Cape_Verde, Atlantic/Faeroe, Atlantic/Reykjavik, Australia/ACT, Australia/Adelaide, Australia/Brisbane, Australia/Canberra, Australia/Darwin, Australia/LHI, Australia/Melbourne, Australia/North, Australia/NSW, Australia/Perth, Australia/Queensland, Australia/South, Australia/Sydney, Australia/Tasmania, Australia/Victoria, Australia/West, Canada/Atlantic, Canada/Central, Canada/Eastern, Canada/Mountain, Canada/Newfoundland, Canada/Pacific, Canada/Saskatchewan, Canada/Yukon, Cuba, Etc/GMT, Etc/GMT+1, Etc/GMT+10, Etc/GMT+11, Etc/GMT+12, Etc/GMT+2, Etc/GMT+3, Etc/GMT+4, Etc/GMT+5, Etc/GMT+6, Etc/GMT+7, Etc/GMT+8, Etc/GMT+9, Etc/GMT-1, Etc/GMT-10, Etc/GMT-11, Etc/GMT-12, Etc/GMT-13, Etc/GMT-14, Etc/GMT-2, Etc/GMT-3, Etc/GMT-4, Etc/GMT-5, Etc/GMT-6, Etc/GMT-7, Etc/GMT-8, Etc/GMT-9, Etc/Greenwich, Europe/Amsterdam, Europe/Athens, Europe/Belfast, Europe/Belgrade, Europe/Berlin, Europe/Brussels, Europe/Bucharest, Europe/Budapest, Europe/Copenhagen, Europe/Dublin, Europe/Helsinki, Europe/Istanbul, Europe/Kiev, Europe/Lisbon, Europe/Ljubljana, Europe/London, Europe/Madrid, Europe/Malta, Europe/Monaco, Europe/Moscow, Europe/Oslo, Europe/Paris, Europe/Prague, Europe/Rome, Europe/Sofia, Europe/Stockholm, Europe/Vienna, Europe/Warsaw, Europe/Zurich, Greenwich, Pacific/Auckland, Pacific/Easter, Pacific/Fiji, Pacific/Galapagos, Pacific/Gambier, Pacific/Guam, Pacific/Honolulu, Pacific/Marquesas, Pacific/Midway, Pacific/Palau, Pacific/Rarotonga, Pacific/Tahiti";

    #[test]
    fn every_zone_netsapiens_offers_is_accepted() {
        let zones: Vec<&str> = NETSAPIENS.split(", ").collect();
        assert_eq!(zones.len(), 221);
        for zone in zones {
            assert_eq!(TimeZone::parse(zone).unwrap().as_str(), zone);
        }
    }

    #[test]
    fn the_names_are_sorted_so_binary_search_finds_them() {
        assert!(NAMES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_different_case_is_stored_in_the_database_spelling() {
        assert_eq!(
            TimeZone::parse("america/new_york").unwrap().as_str(),
            "America/New_York"
        );
    }

    #[test]
    fn an_invented_zone_is_refused() {
        assert!(TimeZone::parse("Mars/Olympus_Mons").is_err());
        assert!(TimeZone::parse("").is_err());
    }
}
