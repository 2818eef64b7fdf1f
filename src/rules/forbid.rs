//! `forbid`: finding what a published page must not show, and masking it for the report so the
//! report does not repeat the leak.

use super::model::{Detector, Forbid};

/// The first forbidden match of `f` in `text`, masked.
pub fn first_match(text: &str, f: &Forbid) -> Option<String> {
    let found = match (f.detect, &f.pattern) {
        (Some(Detector::CnResidentId), _) => cn_resident_id(text),
        (None, Some(re)) => re.0.find(text).map(|m| m.as_str()),
        (None, None) => None,
    };
    found.map(mask)
}

/// Keeps the first 6 and last 4 characters of long matches (the region code and the tail of an
/// ID number), fewer of short ones; stars the rest.
pub fn mask(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    let (head, tail) = if n >= 12 {
        (6, 4)
    } else if n >= 4 {
        (1, 1)
    } else {
        (0, 0)
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' })
        .collect()
}

/// The first full 18-character resident ID number in `text`: 17 digits and a digit or X, not
/// inside a longer run of digits, with a real birth date (1900-2099) and a valid GB 11643 check
/// character. Long document or account numbers almost never pass the check.
pub fn cn_resident_id(text: &str) -> Option<&str> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let b = text.as_bytes();
    let mut i = 0;
    while i + 18 <= b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let digits = b[i..i + 17].iter().all(u8::is_ascii_digit);
        let last = b[i + 17].to_ascii_uppercase();
        let ends = b.get(i + 18).is_none_or(|c| !c.is_ascii_alphanumeric());
        if digits && (last.is_ascii_digit() || last == b'X') && ends {
            let num = |r: std::ops::Range<usize>| -> u32 {
                b[r].iter().fold(0, |a, d| a * 10 + u32::from(d - b'0'))
            };
            let (y, m, d) = (num(i + 6..i + 10), num(i + 10..i + 12), num(i + 12..i + 14));
            let date_ok = (1900..=2099).contains(&y)
                && i16::try_from(y)
                    .ok()
                    .zip(i8::try_from(m).ok())
                    .zip(i8::try_from(d).ok())
                    .is_some_and(|((y, m), d)| jiff::civil::Date::new(y, m, d).is_ok());
            let sum: u32 = b[i..i + 17]
                .iter()
                .zip(WEIGHTS)
                .map(|(c, w)| u32::from(c - b'0') * w)
                .sum();
            if date_ok && CHECK[(sum % 11) as usize] == last {
                return text.get(i..i + 18);
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_id_numbers_are_found_and_masked_ones_are_not() {
        // Check characters computed by GB 11643 for invented numbers.
        assert_eq!(
            cn_resident_id("姓名 张明 身份证号 62052120140315000X 二年级"),
            Some("62052120140315000X")
        );
        assert_eq!(
            cn_resident_id("身份证号：620521201309080121。"),
            Some("620521201309080121")
        );
        assert_eq!(
            cn_resident_id("620521201403150021"),
            None,
            "bad check digit"
        );
        assert_eq!(cn_resident_id("620521********000X"), None);
        assert_eq!(cn_resident_id("620521201413150029"), None, "month 13");
        assert_eq!(
            cn_resident_id("1620521201309080121"),
            None,
            "inside a longer number"
        );
        assert_eq!(cn_resident_id("账号6228480402564890018"), None);
        assert_eq!(mask("62052120140315000X"), "620521********000X");
        assert_eq!(mask("13912345678"), "1*********8");
    }
}
