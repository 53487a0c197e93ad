#include "storage/sqlite/facts_tables.h"

#include "common/text.h"

namespace mara::sqlite {

std::string SqliteFactsTables::Where() const { return "database " + QuotePath(db_.path()); }

Result<std::optional<std::string>> SqliteFactsTables::GetMeta(std::string_view key) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt, db_.Prepare("SELECT value FROM meta WHERE key = ?1"));
  stmt->BindText(1, key);
  MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(std::string(stmt->ColumnText(0)));
}

Status SqliteFactsTables::PutMeta(std::string_view key, std::string_view value) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt,
                        db_.Prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)"));
  stmt->BindText(1, key);
  stmt->BindText(2, value);
  return stmt->Run();
}

Result<int64_t> SqliteFactsTables::FindName(std::string_view name) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt, db_.Prepare("SELECT code FROM fact_names WHERE name = ?1"));
  stmt->BindText(1, name);
  MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? stmt->ColumnInt(0) : int64_t{0};
}

Result<int64_t> SqliteFactsTables::InsertName(std::string_view name) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt, db_.Prepare("INSERT INTO fact_names(name) VALUES (?1)"));
  stmt->BindText(1, name);
  MARA_RETURN_IF_ERROR(stmt->Run());
  return db_.LastInsertRowid();
}

Status SqliteFactsTables::ForEachName(const std::function<Status(int64_t, std::string_view)>& fn) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt,
                        db_.Prepare("SELECT code, name FROM fact_names ORDER BY code"));
  while (true) {
    MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return Status::Ok();
    MARA_RETURN_IF_ERROR(fn(stmt->ColumnInt(0), stmt->ColumnText(1)));
  }
}

Result<std::optional<std::string>> SqliteFactsTables::ReadBucket(uint32_t bucket) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt,
                        db_.Prepare("SELECT records FROM fact_buckets WHERE bucket = ?1"));
  stmt->BindInt(1, bucket);
  MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(std::string(stmt->ColumnText(0)));
}

Status SqliteFactsTables::WriteBucket(uint32_t bucket, std::string_view blob) {
  MARA_ASSIGN_OR_RETURN(
      StmtRef stmt,
      db_.Prepare("INSERT OR REPLACE INTO fact_buckets(bucket, records) VALUES (?1, ?2)"));
  stmt->BindInt(1, bucket);
  stmt->BindBlob(2, blob);
  return stmt->Run();
}

Status SqliteFactsTables::ClearBuckets() { return db_.Exec("DELETE FROM fact_buckets"); }

Status SqliteFactsTables::ForEachBucket(
    const std::function<Status(uint32_t, std::string_view)>& fn) {
  // Each blob is read once: a small page cache recycles its pages instead of
  // faulting in fresh memory for the whole projection.
  MARA_ASSIGN_OR_RETURN(std::optional<std::string> cache, db_.QueryText("PRAGMA cache_size"));
  MARA_RETURN_IF_ERROR(db_.Exec("PRAGMA cache_size = -2048"));
  Status s = [&]() -> Status {
    MARA_ASSIGN_OR_RETURN(StmtRef stmt,
                          db_.Prepare("SELECT bucket, records FROM fact_buckets ORDER BY bucket"));
    while (true) {
      MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) return Status::Ok();
      MARA_RETURN_IF_ERROR(fn(static_cast<uint32_t>(stmt->ColumnInt(0)), stmt->ColumnText(1)));
    }
  }();
  Status restored = db_.Exec("PRAGMA cache_size = " + cache.value_or("-2000"));
  return s.ok() ? restored : s;
}

}  // namespace mara::sqlite
