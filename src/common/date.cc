#include "common/date.h"

#include <cassert>

namespace mara {
namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Howard Hinnant's days_from_civil.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && IsLeap(year)) return 29;
  return kDays[month - 1];
}

bool Date::IsValidYmd(int year, int month, int day) {
  return year >= 1000 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= DaysInMonth(year, month);
}

Date Date::FromYmd(int year, int month, int day) {
  assert(IsValidYmd(year, month, day));
  Date d;
  d.year_ = static_cast<int16_t>(year);
  d.month_ = static_cast<int8_t>(month);
  d.day_ = static_cast<int8_t>(day);
  return d;
}

Date Date::FromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return FromYmd(static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d));
}

Result<Date> Date::Parse(std::string_view t) {
  auto digit = [&](size_t i) { return t[i] >= '0' && t[i] <= '9'; };
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') {
    return Status::InvalidArgument("expected a date as YYYY-MM-DD, got '" +
                                   std::string(t.substr(0, 40)) + "'");
  }
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!digit(i)) {
      return Status::InvalidArgument("expected a date as YYYY-MM-DD, got '" + std::string(t) + "'");
    }
  }
  const int y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
  const int m = (t[5] - '0') * 10 + (t[6] - '0');
  const int d = (t[8] - '0') * 10 + (t[9] - '0');
  if (!IsValidYmd(y, m, d)) {
    return Status::InvalidArgument("no such calendar date '" + std::string(t) + "'");
  }
  return FromYmd(y, m, d);
}

int64_t Date::DaysSinceEpoch() const {
  return DaysFromCivil(year_, static_cast<unsigned>(month_), static_cast<unsigned>(day_));
}

std::string Date::ToString() const {
  std::string out(10, '-');
  auto put = [&out](size_t at, int value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      out[at + static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, year_, 4);
  put(5, month_, 2);
  put(8, day_, 2);
  return out;
}

}  // namespace mara
