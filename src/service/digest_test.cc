#include "service/digest.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <sstream>

#include "common/temp_dir.h"
#include "common/text.h"
#include "service/core.h"
#include "service/export.h"

namespace mara {
namespace {

class DigestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tmp = ScopedTempDir::Create("mara-digest");
    ASSERT_TRUE(tmp.ok()) << tmp.status().message();
    tmp_ = std::move(tmp).value();
    dir_ = tmp_.path();
    auto store = OpenStore(dir_ + "/mara.db");
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(store).value();
  }
  void TearDown() override { store_.reset(); }
  std::string ExportText() {
    std::ostringstream out;
    EXPECT_TRUE(ExportStore(*store_, ExportFormat::kBundle, out).ok());
    return out.str();
  }
  Status PutSituation(const std::string& id) {
    Transaction tx(store_.get());
    MARA_RETURN_IF_ERROR(tx.Begin());
    MARA_RETURN_IF_ERROR(store_->Put(Situation{id, "Name", false}));
    return tx.Commit();
  }
  ScopedTempDir tmp_;
  std::string dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(DigestTest, IsTheBlake2bOfTheBundleExportAndFollowsChanges) {
  auto empty = DataDigest(*store_);
  ASSERT_TRUE(empty.ok()) << empty.status().message();
  EXPECT_EQ(*empty, Blake2bHex(ExportText()));
  ASSERT_TRUE(PutSituation("SIT-A").ok());
  auto one = DataDigest(*store_);
  ASSERT_TRUE(one.ok());
  EXPECT_NE(*one, *empty);
  EXPECT_EQ(*one, Blake2bHex(ExportText()));
}

TEST_F(DigestTest, CachedUnderTheDataVersion) {
  ASSERT_TRUE(PutSituation("SIT-A").ok());
  auto first = DataDigest(*store_);
  ASSERT_TRUE(first.ok());
  const int64_t version = store_->DataVersion().value();
  auto cached = store_->GetMeta(kDataDigestMetaKey);
  ASSERT_TRUE(cached.ok() && cached->has_value());
  EXPECT_EQ(**cached, std::to_string(version) + " " + *first);
  // A planted cache entry for the current version is what comes back, which
  // shows the export is not recomputed while the data is unchanged.
  const std::string planted(64, 'a');
  ASSERT_TRUE(store_->PutMeta(kDataDigestMetaKey, std::to_string(version) + " " + planted).ok());
  EXPECT_EQ(DataDigest(*store_).value(), planted);
  ASSERT_TRUE(PutSituation("SIT-B").ok());
  EXPECT_EQ(DataDigest(*store_).value(), Blake2bHex(ExportText()));
}

}  // namespace
}  // namespace mara
