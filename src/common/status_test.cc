#include "common/status.h"

#include <gtest/gtest.h>

namespace mara {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  MARA_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

Status Check(int x) {
  MARA_RETURN_IF_ERROR(Quarter(x).status());
  return Status::Ok();
}

TEST(StatusTest, CodesMapToDistinctExitCodes) {
  EXPECT_EQ(ExitCodeFor(Status::Ok()), 0);
  EXPECT_EQ(ExitCodeFor(Status::InvalidArgument("x")), 2);
  EXPECT_EQ(ExitCodeFor(Status::NotFound("x")), 3);
  EXPECT_EQ(ExitCodeFor(Status::Conflict("x")), 4);
  EXPECT_EQ(ExitCodeFor(Status::PermissionDenied("x")), 5);
  EXPECT_EQ(ExitCodeFor(Status::Corruption("x")), 6);
  EXPECT_EQ(ExitCodeFor(Status::IOError("x")), 7);
}

TEST(StatusTest, PrefixAndToString) {
  Status s = Status::NotFound("party 'P-9'").WithPrefix("bundle.json");
  EXPECT_EQ(s.message(), "bundle.json: party 'P-9'");
  EXPECT_EQ(s.ToString(), "not found: bundle.json: party 'P-9'");
  EXPECT_TRUE(Status::Ok().WithPrefix("x").ok());
}

TEST(ResultTest, PropagatesThroughMacros) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_FALSE(Quarter(6).ok());
  EXPECT_EQ(Quarter(6).status().message(), "odd");
  EXPECT_TRUE(Check(4).ok());
  EXPECT_EQ(Check(2).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mara
