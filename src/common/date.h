// Calendar dates (proleptic Gregorian, no time zone), as used for incident
// dates, cycles and deadlines.
//
// Contract: Date::Parse accepts exactly "YYYY-MM-DD" with a real calendar
// day (2025-02-30 and 2023-02-29 are refused) and years 1000..9999. Dates are
// plain values; all functions are pure and thread-safe.
#ifndef MARA_COMMON_DATE_H_
#define MARA_COMMON_DATE_H_

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mara {

class Date {
 public:
  Date() = default;  // 1970-01-01
  static Result<Date> Parse(std::string_view text);
  // Builds a date that the caller knows to be valid (asserts otherwise).
  static Date FromYmd(int year, int month, int day);
  static Date FromDays(int64_t days_since_epoch);
  static bool IsValidYmd(int year, int month, int day);

  int year() const { return year_; }
  int month() const { return month_; }
  int day() const { return day_; }
  // Days since 1970-01-01 (negative before).
  int64_t DaysSinceEpoch() const;
  std::string ToString() const;  // "YYYY-MM-DD"

  auto operator<=>(const Date&) const = default;

 private:
  int16_t year_ = 1970;
  int8_t month_ = 1;
  int8_t day_ = 1;
};

int DaysInMonth(int year, int month);

}  // namespace mara

#endif  // MARA_COMMON_DATE_H_
