// Store: the one interface to persistent data. Backends: sqlite/ (embedded,
// the default) and, later, postgres/. Nothing above this layer sees SQL.
//
// Contract:
// - Open a store with OpenStore(url): a path selects SQLite (created and
//   migrated to the current schema version if needed); "postgresql://..."
//   is reserved for the PostgreSQL backend.
// - Writes happen inside a transaction: Begin(), then Put*/Delete* calls,
//   then Commit() or Rollback(). A store destroyed or a process killed with
//   an open transaction keeps nothing of it. Reads may happen inside or
//   outside a transaction and see the transaction's own writes.
// - Put* upserts by the record's key (id, or the natural key documented in
//   domain/model.h): the stored record is replaced whole.
// - Every committed transaction that wrote anything bumps DataVersion(), so
//   cached derivatives (the data digest) know when they are stale.
// - List*/Scan* return records in canonical order: by id, or by natural key
//   (party, then the rest of the key in order).
// - A Store object is used from one thread at a time; open one per thread.
// - Expected failures are Status values: kNotFound for a missing record,
//   kIOError for a database or disk failure, kCorruption for unreadable
//   stored data, kConflict for a write that would break a constraint.
#ifndef MARA_STORAGE_STORE_H_
#define MARA_STORAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/facts.h"
#include "domain/model.h"

namespace mara {

// One row of the import log.
struct ImportRecord {
  int64_t id = 0;  // assigned by the store
  std::string file;
  std::string format;
  std::string file_digest;  // BLAKE2b of the file bytes
  std::string started_at;   // ISO 8601 UTC
  int64_t accepted = 0;
  int64_t rejected = 0;
  std::string principal;  // who ran the import ("" when unknown)
};

enum class PutOutcome {
  kInserted,
  kUpdated,
  // The same id was already written by this same import: a duplicate id
  // within one file. Nothing was written.
  kDuplicateInImport,
};

struct CollectionCounts {
  int64_t counts[12] = {};  // indexed by Collection
  int64_t Of(Collection c) const { return counts[static_cast<size_t>(c)]; }
};

class Store {
 public:
  virtual ~Store() = default;

  // "sqlite" or "postgresql".
  virtual std::string_view Backend() const = 0;
  virtual int SchemaVersion() const = 0;

  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  // Safe to call with no open transaction.
  virtual void Rollback() = 0;
  virtual bool InTransaction() const = 0;

  // Import log. StartImport must run inside the import's transaction, so a
  // rolled-back import leaves no log row either.
  virtual Result<int64_t> StartImport(const ImportRecord& record) = 0;
  virtual Status FinishImport(int64_t import_id, int64_t accepted, int64_t rejected) = 0;
  virtual Result<std::vector<ImportRecord>> ListImports() = 0;

  virtual Status Put(const Situation& v) = 0;
  virtual Status Put(const Party& v) = 0;
  virtual Status Put(const Source& v) = 0;
  virtual Status Put(const EvidenceItem& v) = 0;
  virtual Status Put(const Finding& v) = 0;
  virtual Status Put(const Commitment& v) = 0;
  virtual Status Put(const Decision& v) = 0;
  virtual Status Put(const Designation& v) = 0;
  virtual Status Put(const Statement& v) = 0;
  virtual Status Put(const Engagement& v) = 0;
  virtual Status Put(const Petition& v) = 0;
  // Incidents carry the id of the import that writes them (0 when written
  // outside an import) so that a duplicate id within one import is seen
  // without holding every id in memory.
  virtual Result<PutOutcome> PutIncident(const Incident& v, int64_t import_id) = 0;

  virtual Status DeleteDecision(std::string_view party, int cycle) = 0;

  // Everything except incidents, each collection in canonical order.
  virtual Result<Bundle> LoadRegistry() = 0;
  virtual Result<std::optional<Incident>> GetIncident(std::string_view id) = 0;
  virtual Result<bool> HasIncident(std::string_view id) = 0;
  // All incidents in id order, one at a time (constant memory).
  virtual Status ScanIncidents(const std::function<Status(const Incident&)>& fn) = 0;
  // The assessment's projection of every incident, in id order.
  virtual Status ScanIncidentFacts(const std::function<Status(const IncidentFacts&)>& fn) = 0;
  virtual Result<CollectionCounts> Counts() = 0;

  // Small key/value table for store-wide settings and caches.
  virtual Result<std::optional<std::string>> GetMeta(std::string_view key) = 0;
  virtual Status PutMeta(std::string_view key, std::string_view value) = 0;
  virtual Result<int64_t> DataVersion() = 0;

  // SQLite: PRAGMA integrity_check and foreign_key_check; "ok" or a list.
  virtual Result<std::string> IntegrityCheck() = 0;
};

struct StoreOptions {
  // Create the database when it does not exist (`mara init`, imports).
  bool create_if_missing = true;
};

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const StoreOptions& options = {});

// Rolls back on destruction unless Commit() was called.
class Transaction {
 public:
  explicit Transaction(Store* store) : store_(store) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (open_) store_->Rollback();
  }
  Status Begin() {
    Status s = store_->Begin();
    open_ = s.ok();
    return s;
  }
  Status Commit() {
    open_ = false;
    return store_->Commit();
  }

 private:
  Store* store_;
  bool open_ = false;
};

}  // namespace mara

#endif  // MARA_STORAGE_STORE_H_
