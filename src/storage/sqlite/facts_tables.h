// The facts projection's tables in a SQLite database (storage/facts_projection.h).
// Contract: every call runs on `db` in whatever transaction it has open; a
// scan of the buckets lowers the page cache for its duration, since each
// blob is read once. Not thread-safe: one per store.
#ifndef MARA_STORAGE_SQLITE_FACTS_TABLES_H_
#define MARA_STORAGE_SQLITE_FACTS_TABLES_H_

#include <string>

#include "storage/facts_projection.h"
#include "storage/sqlite/sqlite.h"

namespace mara::sqlite {

class SqliteFactsTables final : public FactsTables {
 public:
  explicit SqliteFactsTables(Db& db) : db_(db) {}

  std::string Where() const override;
  Result<std::optional<std::string>> GetMeta(std::string_view key) override;
  Status PutMeta(std::string_view key, std::string_view value) override;
  Result<int64_t> FindName(std::string_view name) override;
  Result<int64_t> InsertName(std::string_view name) override;
  Status ForEachName(const std::function<Status(int64_t, std::string_view)>& fn) override;
  Result<std::optional<std::string>> ReadBucket(uint32_t bucket) override;
  Status WriteBucket(uint32_t bucket, std::string_view blob) override;
  Status ClearBuckets() override;
  Status ForEachBucket(const std::function<Status(uint32_t, std::string_view)>& fn) override;

 private:
  Db& db_;
};

}  // namespace mara::sqlite

#endif  // MARA_STORAGE_SQLITE_FACTS_TABLES_H_
