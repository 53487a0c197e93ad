#include "common/date.h"

#include <gtest/gtest.h>

namespace mara {
namespace {

TEST(DateTest, ParsesValidDates) {
  auto d = Date::Parse("2024-02-29");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->year(), 2024);
  EXPECT_EQ(d->month(), 2);
  EXPECT_EQ(d->day(), 29);
  EXPECT_EQ(d->ToString(), "2024-02-29");
}

TEST(DateTest, RefusesImpossibleDates) {
  for (const char* bad : {"2025-02-30", "2023-02-29", "1900-02-29", "2025-13-01", "2025-00-10",
                          "2025-04-31", "2025-01-00"}) {
    auto d = Date::Parse(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(d.status().message().find("no such calendar date"), std::string::npos) << bad;
  }
}

TEST(DateTest, RefusesMalformedText) {
  for (const char* bad : {"", "2025-1-01", "2025/01/01", "25-01-01", "2025-01-01T00:00",
                          "２０２５-01-01", "abcd-ef-gh", "0999-01-01"}) {
    EXPECT_FALSE(Date::Parse(bad).ok()) << bad;
  }
}

TEST(DateTest, DaysSinceEpochRoundTrips) {
  EXPECT_EQ(Date::FromYmd(1970, 1, 1).DaysSinceEpoch(), 0);
  EXPECT_EQ(Date::FromYmd(2000, 3, 1).DaysSinceEpoch(), 11017);
  EXPECT_EQ(Date::FromYmd(1969, 12, 31).DaysSinceEpoch(), -1);
  for (int64_t days = -200000; days < 2900000; days += 997) {
    Date d = Date::FromDays(days);
    EXPECT_EQ(d.DaysSinceEpoch(), days);
    EXPECT_EQ(Date::Parse(d.ToString())->DaysSinceEpoch(), days);
  }
}

TEST(DateTest, OrdersChronologically) {
  EXPECT_LT(Date::FromYmd(2024, 12, 31), Date::FromYmd(2025, 1, 1));
  EXPECT_LT(Date::FromYmd(2025, 1, 9), Date::FromYmd(2025, 1, 10));
  EXPECT_EQ(Date::FromYmd(2025, 1, 9), *Date::Parse("2025-01-09"));
}

}  // namespace
}  // namespace mara
