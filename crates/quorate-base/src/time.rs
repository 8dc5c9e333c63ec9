//! UTC time formatting without a calendar dependency.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Splits days since 1970-01-01 into (year, month, day) (proleptic
/// Gregorian; Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn secs(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

/// Splits seconds since the epoch into the date and the time of day.
fn split(s: i64) -> ((i64, u32, u32), (i64, i64, i64)) {
    let r = s.rem_euclid(86_400);
    (
        civil_from_days(s.div_euclid(86_400)),
        (r / 3600, r / 60 % 60, r % 60),
    )
}

/// `2026-11-26T11:42:17Z`.
pub fn rfc3339(t: SystemTime) -> String {
    let ((y, m, d), (h, mi, se)) = split(secs(t));
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{se:02}Z")
}

/// `2026-11-26 11:42:17 UTC` for seconds since the epoch.
pub fn utc_seconds(s: i64) -> String {
    let ((y, m, d), (h, mi, se)) = split(s);
    format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{se:02} UTC")
}

/// `2026-11-26`.
pub fn date(t: SystemTime) -> String {
    let (y, m, d) = civil_from_days(secs(t).div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Seconds since the epoch as a time.
pub fn from_unix(s: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_dates() {
        assert_eq!(rfc3339(from_unix(0)), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(from_unix(951_782_400)), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(from_unix(1_700_000_000)), "2023-11-14T22:13:20Z");
        assert_eq!(date(from_unix(4_102_444_800)), "2100-01-01");
        assert_eq!(utc_seconds(1_700_000_000), "2023-11-14 22:13:20 UTC");
        assert_eq!(utc_seconds(-1), "1969-12-31 23:59:59 UTC");
        assert_eq!(civil_from_days(-719_468), (0, 3, 1));
    }
}
