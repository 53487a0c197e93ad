#include "domain/model.h"

#include <gtest/gtest.h>

#include "domain/enums.h"

namespace mara {
namespace {

TEST(IdTest, AcceptsAndRefuses) {
  EXPECT_TRUE(IsValidId("P-1"));
  EXPECT_TRUE(IsValidId("ucdp.123_a"));
  EXPECT_TRUE(IsValidId(std::string(kMaxIdLength, 'a')));
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId(std::string(kMaxIdLength + 1, 'a')));
  EXPECT_FALSE(IsValidId("-P"));
  EXPECT_FALSE(IsValidId("P:1"));
  EXPECT_FALSE(IsValidId("P;1"));
  EXPECT_FALSE(IsValidId("P 1"));
  EXPECT_FALSE(IsValidId("../etc"));
}

TEST(EnumTest, RoundTripsEverySpelling) {
  for (size_t i = 0; i < EnumCount<Violation>(); ++i) {
    auto v = static_cast<Violation>(i);
    EXPECT_EQ(ParseEnum<Violation>(ToString(v)), v);
  }
  EXPECT_EQ(EnumCount<Violation>(), 12u);
  EXPECT_EQ(ParseEnum<Standard>("reasonable_grounds"), Standard::kReasonableGrounds);
  EXPECT_FALSE(ParseEnum<Standard>("Reasonable_Grounds").has_value());
  EXPECT_EQ(AllowedValues<PartyStatus>(), "none, on_notice or listed");
  EXPECT_LT(Standard::kCredibleInformation, Standard::kClearAndConvincing);
}

}  // namespace
}  // namespace mara
