//! People and numbers: name lists and phone numbering plans by country.
//!
//! The tenant's zone picks a home country, so a center in `Asia/Ho_Chi_Minh` gets
//! Vietnamese names and `+84` mobiles while one in `America/Chicago` gets `+1` numbers.
//! A share of contacts comes from abroad, as in any real center.

use crate::random::{self, SimRng};

/// A person's name, with an ASCII spelling for building email addresses.
#[derive(Debug, Clone)]
pub(crate) struct PersonName {
    pub given: String,
    pub family: String,
    /// The full name in the local order (family first in Vietnamese and Chinese).
    pub display: String,
    /// `given.family` without diacritics.
    pub slug: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum NameStyle {
    Vietnamese,
    Chinese,
    Thai,
    Western,
}

/// A country's mobile numbering plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Country {
    /// ISO 3166-1 alpha-2.
    pub code: &'static str,
    dial: &'static str,
    mobile_prefixes: &'static [&'static str],
    /// Digits after the mobile prefix.
    subscriber_digits: usize,
    /// The toll-free or premium hotline block the center's virtual numbers come from.
    hotline_block: &'static str,
    style: NameStyle,
}

const VN: Country = Country {
    code: "VN",
    dial: "84",
    mobile_prefixes: &[
        "90", "91", "93", "94", "96", "97", "98", "32", "35", "38", "70", "77", "79", "83", "86",
        "88",
    ],
    subscriber_digits: 7,
    hotline_block: "1900",
    style: NameStyle::Vietnamese,
};
const SG: Country = Country {
    code: "SG",
    dial: "65",
    mobile_prefixes: &["8", "9"],
    subscriber_digits: 7,
    hotline_block: "800",
    style: NameStyle::Chinese,
};
const TH: Country = Country {
    code: "TH",
    dial: "66",
    mobile_prefixes: &["6", "8", "9"],
    subscriber_digits: 8,
    hotline_block: "1800",
    style: NameStyle::Thai,
};
const US: Country = Country {
    code: "US",
    dial: "1",
    mobile_prefixes: &[
        "212", "312", "415", "512", "617", "646", "702", "206", "305", "404",
    ],
    subscriber_digits: 7,
    hotline_block: "800555",
    style: NameStyle::Western,
};
const GB: Country = Country {
    code: "GB",
    dial: "44",
    mobile_prefixes: &["74", "75", "77", "78", "79"],
    subscriber_digits: 8,
    hotline_block: "800",
    style: NameStyle::Western,
};
const AU: Country = Country {
    code: "AU",
    dial: "61",
    mobile_prefixes: &["4"],
    subscriber_digits: 8,
    hotline_block: "1800",
    style: NameStyle::Western,
};
const MY: Country = Country {
    code: "MY",
    dial: "60",
    mobile_prefixes: &["12", "13", "16", "17", "19"],
    subscriber_digits: 7,
    hotline_block: "1800",
    style: NameStyle::Chinese,
};

/// Where foreign callers come from.
const VISITORS: [Country; 7] = [VN, SG, TH, US, GB, AU, MY];

/// The home country of a center in `zone_name`.
pub(crate) fn home_country(zone_name: &str) -> Country {
    match zone_name {
        "Asia/Ho_Chi_Minh" | "Asia/Saigon" => VN,
        "Asia/Singapore" => SG,
        "Asia/Bangkok" => TH,
        "Asia/Kuala_Lumpur" => MY,
        "Europe/London" => GB,
        name if name.starts_with("Australia/") => AU,
        _ => US,
    }
}

/// A caller's country: mostly the home country, sometimes a visitor's.
pub(crate) fn caller_country(rng: &mut SimRng, home: Country) -> Country {
    match random::chance(rng, 0.12) {
        true => *random::pick(rng, &VISITORS),
        false => home,
    }
}

/// The ISO country of an E.164 number from one of the simulated numbering plans.
pub(crate) fn country_of_number(number: &str) -> Option<&'static str> {
    let digits = number.strip_prefix('+')?;
    VISITORS
        .iter()
        .find(|country| digits.starts_with(country.dial))
        .map(|country| country.code)
}

impl Country {
    /// A random mobile number in E.164.
    pub(crate) fn mobile(&self, rng: &mut SimRng) -> String {
        let prefix = random::pick(rng, self.mobile_prefixes);
        let mut number = format!("+{}{prefix}", self.dial);
        for position in 0..self.subscriber_digits {
            // North American exchanges cannot start with 0 or 1.
            let low = match (self.code, position) {
                ("US", 0) => 2,
                _ => 0,
            };
            let digit = random::between(rng, low, 9);
            number.push(char::from(b'0' + digit as u8));
        }
        number
    }

    /// The hotline number of the center's `slot`-th queue, in E.164.
    pub(crate) fn hotline(&self, slot: usize) -> String {
        format!(
            "+{}{}{:04}",
            self.dial,
            self.hotline_block,
            (slot + 1) * 100
        )
    }

    pub(crate) fn person(&self, rng: &mut SimRng) -> PersonName {
        match self.style {
            NameStyle::Vietnamese => vietnamese(rng),
            NameStyle::Chinese if random::chance(rng, 0.75) => chinese(rng),
            NameStyle::Thai => thai(rng),
            _ => western(rng),
        }
    }
}

/// (display, ascii) pairs.
const VN_FAMILY: [(&str, &str); 15] = [
    ("Nguyễn", "nguyen"),
    ("Trần", "tran"),
    ("Lê", "le"),
    ("Phạm", "pham"),
    ("Hoàng", "hoang"),
    ("Huỳnh", "huynh"),
    ("Phan", "phan"),
    ("Vũ", "vu"),
    ("Võ", "vo"),
    ("Đặng", "dang"),
    ("Bùi", "bui"),
    ("Đỗ", "do"),
    ("Hồ", "ho"),
    ("Ngô", "ngo"),
    ("Dương", "duong"),
];
const VN_MIDDLE: [&str; 8] = [
    "Văn", "Thị", "Minh", "Thanh", "Ngọc", "Quốc", "Hoàng", "Gia",
];
const VN_GIVEN: [(&str, &str); 24] = [
    ("An", "an"),
    ("Bình", "binh"),
    ("Châu", "chau"),
    ("Dũng", "dung"),
    ("Hà", "ha"),
    ("Hải", "hai"),
    ("Hạnh", "hanh"),
    ("Hiếu", "hieu"),
    ("Hùng", "hung"),
    ("Khánh", "khanh"),
    ("Lan", "lan"),
    ("Linh", "linh"),
    ("Long", "long"),
    ("Mai", "mai"),
    ("Minh", "minh"),
    ("Nam", "nam"),
    ("Phương", "phuong"),
    ("Quân", "quan"),
    ("Sơn", "son"),
    ("Thảo", "thao"),
    ("Trang", "trang"),
    ("Tuấn", "tuan"),
    ("Vy", "vy"),
    ("Đức", "duc"),
];
const CN_FAMILY: [&str; 12] = [
    "Tan", "Lim", "Lee", "Ng", "Wong", "Goh", "Chua", "Chan", "Ong", "Koh", "Teo", "Low",
];
const CN_GIVEN: [&str; 12] = [
    "Wei Ming",
    "Jia Hui",
    "Xin Yi",
    "Jun Jie",
    "Li Ting",
    "Zhi Hao",
    "Hui Min",
    "Kai Wen",
    "Shu Fen",
    "Yong Sheng",
    "Mei Ling",
    "Jian Hong",
];
const TH_GIVEN: [&str; 12] = [
    "Somchai", "Suda", "Anan", "Kanya", "Niran", "Pim", "Chaiwat", "Malee", "Arthit", "Ploy",
    "Sakda", "Nok",
];
const TH_FAMILY: [&str; 10] = [
    "Saetang",
    "Srisuk",
    "Chaiyaporn",
    "Wongsawat",
    "Rattanakorn",
    "Boonmee",
    "Kittisak",
    "Thongchai",
    "Phanphet",
    "Suksawat",
];
const WEST_GIVEN: [&str; 24] = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Susan",
    "Richard",
    "Jessica",
    "Joseph",
    "Sarah",
    "Thomas",
    "Karen",
    "Daniel",
    "Emily",
    "Matthew",
    "Olivia",
    "Anthony",
    "Sophia",
];
const WEST_FAMILY: [&str; 24] = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
];

fn vietnamese(rng: &mut SimRng) -> PersonName {
    let (family, family_ascii) = *random::pick(rng, &VN_FAMILY);
    let middle = random::pick(rng, &VN_MIDDLE);
    let (given, given_ascii) = *random::pick(rng, &VN_GIVEN);
    PersonName {
        given: given.to_owned(),
        family: family.to_owned(),
        display: format!("{family} {middle} {given}"),
        slug: format!("{given_ascii}.{family_ascii}"),
    }
}

fn chinese(rng: &mut SimRng) -> PersonName {
    let family = random::pick(rng, &CN_FAMILY);
    let given = random::pick(rng, &CN_GIVEN);
    PersonName {
        given: (*given).to_owned(),
        family: (*family).to_owned(),
        display: format!("{family} {given}"),
        slug: format!("{}.{}", given.replace(' ', ""), family).to_lowercase(),
    }
}

fn thai(rng: &mut SimRng) -> PersonName {
    let given = random::pick(rng, &TH_GIVEN);
    let family = random::pick(rng, &TH_FAMILY);
    plain(given, family)
}

fn western(rng: &mut SimRng) -> PersonName {
    let given = random::pick(rng, &WEST_GIVEN);
    let family = random::pick(rng, &WEST_FAMILY);
    plain(given, family)
}

fn plain(given: &str, family: &str) -> PersonName {
    PersonName {
        given: given.to_owned(),
        family: family.to_owned(),
        display: format!("{given} {family}"),
        slug: format!("{given}.{family}").to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::Stream;

    #[test]
    fn mobiles_are_e164() {
        let mut rng = random::stream(3, 0, Stream::Directory);
        for country in VISITORS {
            let number = country.mobile(&mut rng);
            assert!(number.starts_with('+'));
            assert!(
                number[1..].bytes().all(|it| it.is_ascii_digit()),
                "{number}"
            );
            assert!((9..=16).contains(&number.len()), "{number}");
        }
        assert_eq!(home_country("Asia/Ho_Chi_Minh").code, "VN");
        assert_eq!(US.hotline(0), "+18005550100");
    }
}
