#include "storage/sqlite/sqlite.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace mara::sqlite {
namespace {

std::unique_ptr<Db> Memory() {
  auto db = Db::Open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return std::move(db).value();
}

TEST(SqliteStatusTest, CodesMapToTheClosedSet) {
  EXPECT_EQ(StatusFromCode(SQLITE_CORRUPT, "x").code(), StatusCode::kCorruption);
  EXPECT_EQ(StatusFromCode(SQLITE_CORRUPT_INDEX, "x").code(), StatusCode::kCorruption);
  EXPECT_EQ(StatusFromCode(SQLITE_NOTADB, "x").code(), StatusCode::kCorruption);
  EXPECT_EQ(StatusFromCode(SQLITE_CONSTRAINT_UNIQUE, "x").code(), StatusCode::kConflict);
  EXPECT_EQ(StatusFromCode(SQLITE_CONSTRAINT_FOREIGNKEY, "x").code(), StatusCode::kConflict);
  EXPECT_EQ(StatusFromCode(SQLITE_BUSY, "x").code(), StatusCode::kIOError);
  EXPECT_EQ(StatusFromCode(SQLITE_IOERR_WRITE, "x").code(), StatusCode::kIOError);
  EXPECT_EQ(StatusFromCode(SQLITE_FULL, "disk full").message(), "disk full");
}

TEST(SqliteStatusTest, PathsAreQuotedWhole) {
  const std::string long_path = "/" + std::string(200, 'd') + "/mara.db";
  EXPECT_EQ(QuotePath(long_path), "'" + long_path + "'");
  EXPECT_EQ(QuotePath("a'b\nc\xff"), "'a\\x27b\\x0ac\\xff'");
  EXPECT_EQ(QuotePath("dépôt.db"), "'dépôt.db'");
}

TEST(SqliteDbTest, BindsStepsAndReadsColumns) {
  auto db = Memory();
  ASSERT_TRUE(db->Exec("CREATE TABLE t(i INTEGER, d REAL, s TEXT, o TEXT)").ok());
  {
    auto insert = db->Prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)");
    ASSERT_TRUE(insert.ok());
    (*insert)->BindInt(1, std::numeric_limits<int64_t>::min());
    (*insert)->BindDouble(2, -0.125);
    (*insert)->BindText(3, std::string_view("a\0b", 3));  // embedded NUL kept
    (*insert)->BindOptionalText(4, std::nullopt);
    ASSERT_TRUE((*insert)->Run().ok());
    EXPECT_EQ(db->Changes(), 1);
  }
  {
    auto insert = db->Prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)");
    ASSERT_TRUE(insert.ok());
    (*insert)->BindInt(1, 7);
    (*insert)->BindOptionalDouble(2, std::nullopt);
    (*insert)->BindText(3, std::string_view());  // empty, not NULL
    // Binds do not copy (sqlite.h): the value must outlive Run().
    const std::optional<std::string> x = "x";
    (*insert)->BindOptionalText(4, x);
    ASSERT_TRUE((*insert)->Run().ok());
  }
  auto select = db->Prepare("SELECT i, d, s, o FROM t ORDER BY i");
  ASSERT_TRUE(select.ok());
  Stmt& s = **select;
  ASSERT_TRUE(*s.Step());
  EXPECT_EQ(s.ColumnCount(), 4);
  EXPECT_EQ(s.ColumnInt(0), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(s.ColumnDouble(1), -0.125);
  EXPECT_EQ(s.ColumnText(2), std::string_view("a\0b", 3));
  EXPECT_TRUE(s.IsNull(3));
  EXPECT_EQ(s.ColumnOptionalText(3), std::nullopt);
  ASSERT_TRUE(*s.Step());
  EXPECT_TRUE(s.IsNull(1));
  EXPECT_FALSE(s.IsNull(2));
  EXPECT_EQ(s.ColumnText(2), "");
  EXPECT_EQ(s.ColumnOptionalText(3), std::optional<std::string>("x"));
  EXPECT_FALSE(*s.Step());
}

TEST(SqliteDbTest, ErrorsBecomeStatusesWithSqlitesMessage) {
  auto db = Memory();
  Status syntax = db->Exec("SELEC 1");
  EXPECT_EQ(syntax.code(), StatusCode::kIOError);
  EXPECT_NE(syntax.message().find("syntax error"), std::string::npos) << syntax.message();
  EXPECT_NE(syntax.message().find(":memory:"), std::string::npos) << syntax.message();

  EXPECT_FALSE(db->Prepare("SELECT * FROM missing").ok());

  ASSERT_TRUE(db->Exec("CREATE TABLE t(id TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(db->Exec("INSERT INTO t VALUES ('a')").ok());
  Status dup = db->Exec("INSERT INTO t VALUES ('a')");
  EXPECT_EQ(dup.code(), StatusCode::kConflict);
  EXPECT_NE(dup.message().find("UNIQUE constraint failed: t.id"), std::string::npos);

  auto stmt = db->Prepare("INSERT INTO t VALUES (?1)");
  ASSERT_TRUE(stmt.ok());
  (*stmt)->BindText(1, "b");
  (*stmt)->BindText(5, "out of range");  // reported by Step
  auto step = (*stmt)->Step();
  EXPECT_FALSE(step.ok());
  EXPECT_EQ(step.status().code(), StatusCode::kIOError);
}

TEST(SqliteDbTest, OpenFailuresAreIOErrors) {
  auto db = Db::Open("/nonexistent-dir-for-mara/x.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kIOError);
  EXPECT_NE(db.status().message().find("/nonexistent-dir-for-mara/x.db"), std::string::npos);
}

TEST(SqliteDbTest, StatementsAreCachedAndResetAfterUse) {
  auto db = Memory();
  ASSERT_TRUE(db->Exec("CREATE TABLE t(i INTEGER); INSERT INTO t VALUES (1), (2), (3)").ok());
  sqlite3_stmt* first_handle = nullptr;
  {
    auto a = db->Prepare("SELECT i FROM t ORDER BY i");
    ASSERT_TRUE(a.ok());
    first_handle = (*a)->handle();
    ASSERT_TRUE(*(*a)->Step());  // left mid-iteration
    EXPECT_TRUE(sqlite3_stmt_busy(first_handle));
  }
  EXPECT_FALSE(sqlite3_stmt_busy(first_handle));  // reset when the ref went away
  auto again = db->Prepare("SELECT i FROM t ORDER BY i");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->handle(), first_handle);
  ASSERT_TRUE(*(*again)->Step());
  EXPECT_EQ((*again)->ColumnInt(0), 1);  // starts from the beginning

  // The same SQL while the cached statement is in use gets its own.
  auto nested = db->Prepare("SELECT i FROM t ORDER BY i");
  ASSERT_TRUE(nested.ok());
  EXPECT_NE((*nested)->handle(), first_handle);
  ASSERT_TRUE(*(*nested)->Step());
  ASSERT_TRUE(*(*nested)->Step());
  EXPECT_EQ((*nested)->ColumnInt(0), 2);
  ASSERT_TRUE(*(*again)->Step());
  EXPECT_EQ((*again)->ColumnInt(0), 2);
}

TEST(SqliteDbTest, QueryTextAndTransactions) {
  auto db = Memory();
  EXPECT_FALSE(db->InTransaction());
  ASSERT_TRUE(db->Exec("CREATE TABLE t(s TEXT)").ok());
  auto none = db->QueryText("SELECT s FROM t");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(db->Exec("BEGIN").ok());
  EXPECT_TRUE(db->InTransaction());
  ASSERT_TRUE(db->Exec("INSERT INTO t VALUES ('v')").ok());
  EXPECT_EQ(*db->QueryText("SELECT s FROM t"), std::optional<std::string>("v"));
  ASSERT_TRUE(db->Exec("ROLLBACK").ok());
  EXPECT_FALSE(db->QueryText("SELECT s FROM t")->has_value());
}

}  // namespace
}  // namespace mara::sqlite
