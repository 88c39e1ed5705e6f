//! Dates and times as counts of days and microseconds from an epoch, both ways. PostgreSQL's wire
//! format and Arrow's columns both count this way (from 2000-01-01 and 1970-01-01); MySQL's codec
//! takes chrono values, converted here too.

use chrono::{Datelike, NaiveDate, NaiveTime, TimeDelta, Timelike};
use ferro_sql::value::DateTimeParts;

pub const MICROS_PER_DAY: i64 = 86_400_000_000;

pub fn naive_date(p: &DateTimeParts) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(p.year, p.month.into(), p.day.into())
}

pub fn naive_time(p: &DateTimeParts) -> Option<NaiveTime> {
    NaiveTime::from_hms_micro_opt(
        p.hour.into(),
        p.minute.into(),
        p.second.into(),
        p.microsecond,
    )
}

/// The parts of a chrono date and time (no zone).
pub fn parts(d: NaiveDate, t: NaiveTime) -> DateTimeParts {
    DateTimeParts {
        year: d.year(),
        month: d.month() as u8,
        day: d.day() as u8,
        hour: t.hour() as u8,
        minute: t.minute() as u8,
        second: t.second() as u8,
        microsecond: t.nanosecond() / 1000,
        utc_offset: None,
    }
}

fn unix_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// Days from 1970-01-01 to the date of `p`.
pub fn unix_days(p: &DateTimeParts) -> Option<i64> {
    Some((naive_date(p)? - unix_epoch()).num_days())
}

/// Microseconds from midnight to the time of day of `p`.
pub fn time_micros(p: &DateTimeParts) -> i64 {
    (i64::from(p.hour) * 3600 + i64::from(p.minute) * 60 + i64::from(p.second)) * 1_000_000
        + i64::from(p.microsecond)
}

/// Microseconds since 1970-01-01 00:00; aware values are shifted to UTC, naive ones counted as
/// wall time.
pub fn unix_micros(p: &DateTimeParts) -> Option<i64> {
    let offset = i64::from(p.utc_offset.unwrap_or(0)) * 1_000_000;
    unix_days(p)?
        .checked_mul(MICROS_PER_DAY)?
        .checked_add(time_micros(p) - offset)
}

/// Midnight of the date `days` after 1970-01-01.
pub fn from_unix_days(days: i64) -> Option<DateTimeParts> {
    let date = unix_epoch().checked_add_signed(TimeDelta::try_days(days)?)?;
    Some(parts(date, NaiveTime::MIN))
}

/// `p` with its time of day set to `micros` after midnight.
pub fn with_time(mut p: DateTimeParts, micros: i64) -> DateTimeParts {
    let secs = micros.div_euclid(1_000_000);
    p.microsecond = micros.rem_euclid(1_000_000) as u32;
    p.hour = (secs / 3600) as u8;
    p.minute = (secs / 60 % 60) as u8;
    p.second = (secs % 60) as u8;
    p
}

/// The naive date and time `micros` after 1970-01-01 00:00.
pub fn from_unix_micros(micros: i64) -> Option<DateTimeParts> {
    let days = micros.div_euclid(MICROS_PER_DAY);
    Some(with_time(
        from_unix_days(days)?,
        micros.rem_euclid(MICROS_PER_DAY),
    ))
}
