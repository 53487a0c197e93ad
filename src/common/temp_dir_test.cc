#include "common/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace mara {
namespace {

TEST(ScopedTempDirTest, CreatesPrivateDirectoryAndRemovesItWithContents) {
  std::string path;
  {
    auto dir = ScopedTempDir::Create("mara-tempdir-test");
    ASSERT_TRUE(dir.ok()) << dir.status().message();
    path = dir->path();
    ASSERT_TRUE(std::filesystem::is_directory(path));
    const auto perms = std::filesystem::status(path).permissions();
    EXPECT_EQ(perms & std::filesystem::perms::others_all, std::filesystem::perms::none);
    std::filesystem::create_directory(path + "/sub");
    std::ofstream(path + "/sub/file.txt") << "x";
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ScopedTempDirTest, MoveTransfersOwnership) {
  auto made = ScopedTempDir::Create("mara-tempdir-test");
  ASSERT_TRUE(made.ok());
  ScopedTempDir a = std::move(made).value();
  const std::string path = a.path();
  ScopedTempDir b = std::move(a);
  EXPECT_TRUE(a.path().empty());
  EXPECT_EQ(b.path(), path);
  EXPECT_TRUE(std::filesystem::exists(path));
  b = ScopedTempDir();
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ScopedTempDirTest, TwoDirectoriesDiffer) {
  auto a = ScopedTempDir::Create("mara-tempdir-test");
  auto b = ScopedTempDir::Create("mara-tempdir-test");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->path(), b->path());
}

}  // namespace
}  // namespace mara
