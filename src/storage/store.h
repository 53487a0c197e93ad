// Store: the one interface to persistent data. Backends: sqlite/ (embedded,
// the default) and postgres/ (libpq). Nothing above this layer sees SQL.
//
// Contract:
// - Open a store with OpenStore(url): a path selects SQLite (created and
//   migrated to the current schema version if needed); "postgresql://..."
//   (or "postgres://...") selects the PostgreSQL backend, whose database
//   must already exist (storage/postgres/postgres_store.h).
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
// - Write transactions are serialised over every connection to the same
//   data (other Store objects, processes, machines): Begin() waits for the
//   running writer to end (5 s at most, then kIOError "locked by another
//   writer"), and reads inside a transaction see every transaction committed
//   before it began. A read, a comparison and a write inside one transaction
//   are therefore an atomic compare-and-swap; the service layer's If-Match
//   versions (service/incidents.h) rely on it.
// - Expected failures are Status values: kNotFound for a missing record,
//   kIOError for a database or disk failure, kCorruption for unreadable
//   stored data, kConflict for a write that would break a constraint.
#ifndef MARA_STORAGE_STORE_H_
#define MARA_STORAGE_STORE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/facts.h"
#include "domain/model.h"
#include "security/audit_log.h"
#include "security/key_file.h"
#include "storage/inner_layer.h"
#include "storage/records.h"

namespace mara {

class Store {
 public:
  virtual ~Store() = default;

  // "sqlite" or "postgresql".
  virtual std::string_view Backend() const = 0;
  virtual int SchemaVersion() const = 0;

  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  // The DataVersion() the last successful Commit() on this Store produced
  // (read inside that transaction, after its bump, so concurrent writers
  // cannot confuse it); 0 when that commit bumped none or there was none.
  virtual int64_t CommittedVersion() const = 0;
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
  // As PutIncident, and when the outcome is kUpdated, *replaced is the
  // incident as it was before this write (read only on that path, so an
  // insert costs nothing more).
  virtual Result<PutOutcome> PutIncidentReplacing(const Incident& v, int64_t import_id,
                                                  std::optional<Incident>* replaced) = 0;
  // Fills *out with what writing `v` derives from `v` alone: its narrative
  // and location as stored (sealed under this store's keys) and, in a layer
  // that keeps the state ledger, its state digest. Const and thread-safe,
  // even while another thread writes through this store: an import prepares
  // rows on its reading thread. kNotFound when sealing needs a data key that
  // is not loaded.
  virtual Status PrepareIncident(const Incident& v, PreparedIncident* out) const = 0;
  // PutIncidentReplacing (`replaced` may be null) with `prepared` from
  // PrepareIncident(v) on this same store; the outcome and the stored row
  // are those PutIncidentReplacing(v, ...) gives.
  virtual Result<PutOutcome> PutPreparedIncident(const Incident& v,
                                                 const PreparedIncident& prepared,
                                                 int64_t import_id,
                                                 std::optional<Incident>* replaced) = 0;

  virtual Status DeleteDecision(std::string_view party, int cycle) = 0;

  // Everything except incidents, each collection in canonical order.
  virtual Result<Bundle> LoadRegistry() = 0;
  virtual Result<std::optional<Incident>> GetIncident(std::string_view id) = 0;
  virtual Result<bool> HasIncident(std::string_view id) = 0;
  // All incidents in id order, one at a time (constant memory).
  virtual Status ScanIncidents(const std::function<Status(const Incident&)>& fn) = 0;
  // The same scan with every narrative left unread (nullopt), for readers
  // that never show one (the public edition of the report): sealed
  // narratives are not decrypted.
  virtual Status ScanIncidentsWithoutNarratives(
      const std::function<Status(const Incident&)>& fn) = 0;
  // The assessment's projection of every incident (domain/facts.h), in no
  // particular order; names may carry codes.
  virtual Status ScanIncidentFacts(const std::function<Status(const IncidentFacts&)>& fn) = 0;
  virtual Result<CollectionCounts> Counts() = 0;

  // Small key/value table for store-wide settings and caches.
  virtual Result<std::optional<std::string>> GetMeta(std::string_view key) = 0;
  virtual Status PutMeta(std::string_view key, std::string_view value) = 0;
  // Every (key, value) whose key begins with `prefix`, in key order.
  virtual Result<std::vector<std::pair<std::string, std::string>>> ListMeta(
      std::string_view prefix) = 0;
  virtual Result<int64_t> DataVersion() = 0;

  // Name-review queue. PutNameReview upserts by (origin, query), replacing
  // every other field, inside a transaction, and returns the entry's id
  // (the same id when it already existed). kInvalidArgument for a status
  // outside the four values. GetNameReview: nullopt for an unknown id.
  virtual Result<int64_t> PutNameReview(const NameReview& v) = 0;
  virtual Result<std::optional<NameReview>> GetNameReview(int64_t id) = 0;
  // Every entry, in id order.
  virtual Result<std::vector<NameReview>> ListNameReviews() = 0;

  // Communications from outside (domain/model.h), in their own table and not
  // part of LoadRegistry's Bundle. PutCommunication upserts by id inside a
  // transaction (kConflict when another communication has the same follow
  // digest, or, at Commit(), when its party does not exist);
  // GetCommunication and FindCommunicationByFollowDigest: nullopt when there
  // is none; ListCommunications: every one, by id.
  virtual Status PutCommunication(const Communication& v) = 0;
  virtual Result<std::optional<Communication>> GetCommunication(std::string_view id) = 0;
  virtual Result<std::optional<Communication>> FindCommunicationByFollowDigest(
      std::string_view follow_digest) = 0;
  virtual Result<std::vector<Communication>> ListCommunications() = 0;

  // Principals (docs/security.md). PutUser upserts by name inside a transaction;
  // GetUser: nullopt for an unknown name; ListUsers: by name.
  virtual Status PutUser(const UserRecord& user) = 0;
  virtual Result<std::optional<UserRecord>> GetUser(std::string_view name) = 0;
  virtual Result<std::vector<UserRecord>> ListUsers() = 0;

  // Four-eyes provenance. PutIncident records the principal of the import
  // that writes an incident (StartImport's ImportRecord::principal) as its
  // creator (on insert) and last editor; SetIncidentEditor, inside a
  // transaction, records an in-application edit (kNotFound for an unknown
  // incident) and sets the creator too when none is known.
  virtual Result<std::optional<IncidentProvenance>> GetIncidentProvenance(std::string_view id) = 0;
  virtual Status SetIncidentEditor(std::string_view id, std::string_view principal) = 0;

  // The audit chain's storage (security/audit_log.h, AuditSink contract):
  // AppendAuditRecord stores the record and moves the head atomically, and
  // refuses with kConflict a record whose seq is not head+1 or whose
  // prev_hash is not the head's hash. Works inside or outside a transaction
  // (inside, it commits or rolls back with it). Audit writes do not bump
  // DataVersion. ScanAuditRecords: in seq order.
  virtual Status AppendAuditRecord(const security::AuditRecord& record) = 0;
  virtual Status AppendAuditCheckpoint(const security::AuditCheckpoint& checkpoint) = 0;
  virtual Result<security::AuditHead> GetAuditHead() = 0;
  virtual Status ScanAuditRecords(
      const std::function<Status(const security::AuditRecord&)>& fn) = 0;
  virtual Result<std::vector<security::AuditCheckpoint>> ListAuditCheckpoints() = 0;
  // The state ledger (StateEntry): appended inside the transaction of the
  // writes it describes; kConflict for a (seq, ord) already present.
  // ScanStateEntries: by seq, then ord.
  virtual Status AppendStateEntries(std::span<const StateEntry> entries) = 0;
  virtual Status ScanStateEntries(const std::function<Status(const StateEntry&)>& fn) = 0;
  // The digest of the ledger's latest entry for (collection, id) ("" when
  // that entry is a deletion); nullopt when the ledger has none. Sees the
  // open transaction's appended entries. Any collection but "incidents",
  // whose entries are not indexed (kInvalidArgument).
  virtual Result<std::optional<std::string>> LatestStateDigest(std::string_view collection,
                                                               std::string_view id) = 0;
  // True inside a transaction whose Commit() will bump DataVersion (it has
  // written something that counts as a data change).
  virtual bool PendingDataChange() const = 0;

  // Encryption at rest (docs/security.md). A store opened with
  // StoreOptions::keys seals, with security::FieldCipher, incident
  // narratives (table "incidents", column "narrative"), the whole location
  // of an incident whose consent keeps it out of every output
  // (LocationIsSealed; column "location"), the documents of sealed sources
  // (SourceIsSealed; table "sources", column "doc"), every document of
  // kSealedDocTables (column "doc"), name-review notes (table
  // "name_reviews", column "note") and the meta entries of
  // kSealedMetaPrefixes (table "meta", record id the key, column "value"),
  // and unseals them on read. Opened without keys it writes plain
  // text and a read of a sealed field fails with kPermissionDenied.
  virtual bool HasDataKey() const = 0;
  // Inside a transaction: re-seals every sealed field under the current
  // data key (a field already under it is left alone), and seals plain text
  // left by a store opened without keys. Returns the number of fields
  // rewritten. kPermissionDenied without keys.
  virtual Result<int64_t> ResealFields() = 0;

  // SQLite: PRAGMA integrity_check and foreign_key_check; "ok" or a list.
  virtual Result<std::string> IntegrityCheck() = 0;

  // Whether this connection can only read: a SQLite file opened read-only
  // (StoreOptions::read_only, a write-protected file or read-only media), a
  // PostgreSQL session whose transactions are read-only (a hot standby,
  // default_transaction_read_only = on). Asked of the server each time, so a
  // promoted standby answers false. Every write on such a store fails
  // (kIOError); the read paths of the service layer ask first and compute
  // without storing (service/digest.h).
  virtual Result<bool> ReadOnly() = 0;
};

struct StoreOptions {
  // Create the database when it does not exist (`mara init`, imports).
  bool create_if_missing = true;
  // Open for reading only. SQLite: the file is opened read-only (it must
  // exist and be at the current schema version: one that needs a
  // migration fails to open). PostgreSQL: the session runs with
  // default_transaction_read_only = on.
  bool read_only = false;
  // The data keys for sealed fields (see Store::HasDataKey); none: plain.
  std::shared_ptr<const security::KeyMaterial> keys;
};

// Sources whose whole document is sealed at rest: confidential ones and
// testimony, witness and medical records, whatever their flag says.
bool SourceIsSealed(const Source& source);

// Incidents whose location is sealed at rest: those no output ever shows
// (internal use, withdrawn). The assessment still counts their locations.
bool LocationIsSealed(Consent consent);

// Meta entries that are confidential records: an incident's review history
// (reviewers' comments, the values each edit changed), the reasons given
// when a withdrawn testimony's consent is restored, and the histories of
// registry records (the values each change made, engagement notes and
// statement texts among them).
inline constexpr std::array<std::string_view, 3> kSealedMetaPrefixes = {
    "incident.history/", "source.consent.restorations/", "registry.history/"};
bool MetaIsSealed(std::string_view key);

// Collections whose every document is sealed at rest, because their free
// text is confidential (decision rationales, engagement notes, petition
// grounds and reasons, evidence descriptions, communications: their
// submitters, texts, attachments and reasons). Each document is bound to
// the key the registry read names it by: `key_sql` over the table's key
// columns, and SealedDocKey for a record.
struct SealedDocTable {
  std::string_view table;
  std::string_view key_sql;
};
inline constexpr std::array<SealedDocTable, 5> kSealedDocTables = {{
    {"evidence", "id"},
    {"decisions", "party || '/' || cycle"},
    {"engagements", "party || '/' || date || '/' || kind"},
    {"petitions", "party || '/' || filed"},
    {"communications", "id"},
}};
std::string SealedDocKey(const Decision& v);    // "party/cycle"
std::string SealedDocKey(const Engagement& v);  // "party/date/kind"
std::string SealedDocKey(const Petition& v);    // "party/filed"
std::string SealedDocKey(const NameReview& v);  // "origin/query", for its note

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
