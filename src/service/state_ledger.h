// The state ledger: what ties the records of a store to its audit chain, so
// that a record edited, inserted or deleted behind Mara's back (with the
// database file or a SQL session) shows as tampering and is named
// (docs/audit_log_format.md §4b).
//
// How:
// - Every record a Session writes passes through LedgeredStore, which
//   computes the record's state digest (StateDigest: BLAKE2b-256 of its
//   canonical form) and appends a StateEntry (seq, ord, collection, id,
//   digest; "" for a deletion) to the store's audit_state table in the same
//   transaction. `seq` is the audit record the writes belong to: the next
//   one the session appends.
// - Session::Audit() asks TakeStateDigest() for the digest of the entries
//   written since the previous audit record (BLAKE2b-256 of their encoding,
//   in write order; EmptyStateDigest() when there are none) and puts it in
//   the audit record, whose hash covers it. So the ledger cannot be edited
//   without breaking the chain, and the chain says which state each change
//   produced.
// - VerifyState() recomputes the digest of every current record and
//   compares it with the ledger's latest entry for that record.
//
// Coverage begins at the first audit record that carries a state digest:
// record 1 for a store created with the ledger, or an `audit.state_baseline`
// record that ledgers every record of an older store (WriteStateBaseline,
// which Session::Open runs once on a writable store whose chain has none).
//
// Contract of LedgeredStore:
// - Forwards every call to the store it wraps, which must outlive it.
// - Writes (Put*, PutIncident except a duplicate in the import,
//   DeleteDecision, PutCommunication, PutNameReview, PutUser, PutMeta of an
//   API token) are
//   ledgered; incident provenance (SetIncidentEditor), other meta entries,
//   imports' log rows and the audit tables are not records and are not.
// - Entries are buffered (at most kStateFlushEntries) and appended on
//   TakeStateDigest() and when the buffer is full. Rollback() and Begin()
//   drop what is pending. Commit() with writes no audit record has taken
//   rolls the transaction back and fails with kCorruption: no write commits
//   without its audit record.
// - Keeps the data digest's accumulator (service/digest.h) current: each
//   write of an exported record subtracts the record's previous element
//   (for an incident, the one the store replaced, none when it inserted
//   it; for other records their latest ledger entry) and adds the new one, and Commit() stores the
//   accumulator in meta under the DataVersion the commit produces. When the stored accumulator is
//   stale at the transaction's first write (a store written around the service layer) it is left
//   alone, and DataDigest() recomputes it; a store with no records and no accumulator starts from
//   zero.
// - With a DataChangeLog (set_change_log), collects each transaction's
//   changes and adds them to the log when its commit bumps the data
//   version (service/data_changes.h); an incident write then always reads
//   the row it replaces.
// - Not thread-safe: one per Session, used from the session's thread.
#ifndef MARA_SERVICE_STATE_LEDGER_H_
#define MARA_SERVICE_STATE_LEDGER_H_

#include <sodium.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "service/data_changes.h"
#include "service/digest.h"
#include "storage/store.h"

namespace mara {

inline constexpr size_t kStateFlushEntries = 4096;
// The action of the record that starts coverage on an older store.
inline constexpr std::string_view kStateBaselineAction = "audit.state_baseline";
// Meta key: the seq at which coverage began, a hint that saves a chain scan
// when a session opens (VerifyState never trusts it).
inline constexpr std::string_view kStateCoverageMeta = "audit_state_since";

// The `meta` entries that are records of their own and ledgered as
// collection "meta", keyed by their meta key: API tokens, which would let
// whoever inserts one act as a principal, incidents' review histories and
// the reasons of testimony consent restorations, the publications of
// cycles' annexes (service/publication.h) and the histories of registry
// records changed in Mara (service/registry.h).
inline constexpr std::array<std::string_view, 5> kLedgeredMetaPrefixes = {
    "api_token:", "incident.history/", "source.consent.restorations/", "publication/",
    "registry.history/"};
bool IsLedgeredMeta(std::string_view key);

// Collection names of the ledger, as the audit records name them.
std::string StateKey(const Situation& v);
std::string StateKey(const Party& v);
std::string StateKey(const Source& v);
std::string StateKey(const EvidenceItem& v);
std::string StateKey(const Finding& v);  // "party/cycle/source"
std::string StateKey(const Commitment& v);
std::string StateKey(const Decision& v);     // "party/cycle"
std::string StateKey(const Designation& v);  // "party/authority/program/listed_on"
std::string StateKey(const Statement& v);
std::string StateKey(const Engagement& v);  // "party/date/kind"
std::string StateKey(const Petition& v);    // "party/filed"
std::string StateKey(const Communication& v);
std::string StateKey(const Incident& v);

// Lowercase hex BLAKE2b-256 of the record's canonical JSON (users: every
// stored field, the password hash included; name reviews: with their id).
std::string StateDigest(const Situation& v);
std::string StateDigest(const Party& v);
std::string StateDigest(const Source& v);
std::string StateDigest(const EvidenceItem& v);
std::string StateDigest(const Finding& v);
std::string StateDigest(const Commitment& v);
std::string StateDigest(const Decision& v);
std::string StateDigest(const Designation& v);
std::string StateDigest(const Statement& v);
std::string StateDigest(const Engagement& v);
std::string StateDigest(const Petition& v);
std::string StateDigest(const Communication& v);
std::string StateDigest(const Incident& v);
std::string StateDigest(const UserRecord& v);
std::string StateDigest(const NameReview& v);

// The state digest of an audit record whose change wrote no record.
const std::string& EmptyStateDigest();

// Incremental digest of one audit record's entries, in write order.
class StateDigester {
 public:
  StateDigester() { Reset(); }
  void Reset();
  void Add(std::string_view collection, std::string_view id, std::string_view digest);
  uint64_t count() const { return count_; }
  // The digest of what was added (EmptyStateDigest() for nothing); resets.
  std::string Finish();

 private:
  crypto_generichash_state state_{};
  uint64_t count_ = 0;
};

class LedgeredStore final : public Store {
 public:
  explicit LedgeredStore(Store& inner) : inner_(inner) {}

  // The log that receives this store's committed changes (null: none). The
  // log must outlive the store.
  void set_change_log(DataChangeLog* log) { change_log_ = log; }

  // Appends the pending entries and returns the digest of every entry
  // written since the last call, for the audit record about to be appended
  // (whose seq they carry). Entries that follow belong to the record after.
  // Returns the digest and the seq the entries carry (0 when none).
  Result<std::pair<std::string, uint64_t>> TakeStateDigest();
  // Ledgers every current record under the next audit record (the
  // baseline), inside the open transaction.
  Status LedgerEverything();
  // Inside a transaction, the data digest's accumulator with the
  // transaction's writes; nullopt outside one or when the stored
  // accumulator is stale.
  Result<std::optional<DigestAccumulator>> PendingDigest();

  std::string_view Backend() const override { return inner_.Backend(); }
  int SchemaVersion() const override { return inner_.SchemaVersion(); }
  Status Begin() override;
  Status Commit() override;
  void Rollback() override;
  bool InTransaction() const override { return inner_.InTransaction(); }
  int64_t CommittedVersion() const override { return inner_.CommittedVersion(); }
  Result<int64_t> StartImport(const ImportRecord& record) override {
    return inner_.StartImport(record);
  }
  Status FinishImport(int64_t import_id, int64_t accepted, int64_t rejected) override {
    return inner_.FinishImport(import_id, accepted, rejected);
  }
  Result<std::vector<ImportRecord>> ListImports() override { return inner_.ListImports(); }
  Status Put(const Situation& v) override { return Ledgered(v, "situations"); }
  Status Put(const Party& v) override { return Ledgered(v, "parties"); }
  Status Put(const Source& v) override { return Ledgered(v, "sources"); }
  Status Put(const EvidenceItem& v) override { return Ledgered(v, "evidence"); }
  Status Put(const Finding& v) override { return Ledgered(v, "findings"); }
  Status Put(const Commitment& v) override { return Ledgered(v, "commitments"); }
  Status Put(const Decision& v) override { return Ledgered(v, "decisions"); }
  Status Put(const Designation& v) override { return Ledgered(v, "designations"); }
  Status Put(const Statement& v) override { return Ledgered(v, "statements"); }
  Status Put(const Engagement& v) override { return Ledgered(v, "engagements"); }
  Status Put(const Petition& v) override { return Ledgered(v, "petitions"); }
  Result<PutOutcome> PutIncident(const Incident& v, int64_t import_id) override;
  Result<PutOutcome> PutIncidentReplacing(const Incident& v, int64_t import_id,
                                          std::optional<Incident>* replaced) override;
  // The inner store's preparation and the incident's state digest.
  Status PrepareIncident(const Incident& v, PreparedIncident* out) const override;
  Result<PutOutcome> PutPreparedIncident(const Incident& v, const PreparedIncident& prepared,
                                         int64_t import_id,
                                         std::optional<Incident>* replaced) override;
  Status DeleteDecision(std::string_view party, int cycle) override;
  Result<Bundle> LoadRegistry() override { return inner_.LoadRegistry(); }
  Result<std::optional<Incident>> GetIncident(std::string_view id) override {
    return inner_.GetIncident(id);
  }
  Result<bool> HasIncident(std::string_view id) override { return inner_.HasIncident(id); }
  Status ScanIncidents(const std::function<Status(const Incident&)>& fn) override {
    return inner_.ScanIncidents(fn);
  }
  Status ScanIncidentsWithoutNarratives(const std::function<Status(const Incident&)>& fn) override {
    return inner_.ScanIncidentsWithoutNarratives(fn);
  }
  Status ScanIncidentFacts(const std::function<Status(const IncidentFacts&)>& fn) override {
    return inner_.ScanIncidentFacts(fn);
  }
  Result<CollectionCounts> Counts() override { return inner_.Counts(); }
  Result<std::optional<std::string>> GetMeta(std::string_view key) override {
    return inner_.GetMeta(key);
  }
  Status PutMeta(std::string_view key, std::string_view value) override;
  Result<std::vector<std::pair<std::string, std::string>>> ListMeta(
      std::string_view prefix) override {
    return inner_.ListMeta(prefix);
  }
  Result<int64_t> DataVersion() override { return inner_.DataVersion(); }
  Status PutCommunication(const Communication& v) override;
  Result<std::optional<Communication>> GetCommunication(std::string_view id) override {
    return inner_.GetCommunication(id);
  }
  Result<std::optional<Communication>> FindCommunicationByFollowDigest(
      std::string_view follow_digest) override {
    return inner_.FindCommunicationByFollowDigest(follow_digest);
  }
  Result<std::vector<Communication>> ListCommunications() override {
    return inner_.ListCommunications();
  }
  Result<int64_t> PutNameReview(const NameReview& v) override;
  Result<std::optional<NameReview>> GetNameReview(int64_t id) override {
    return inner_.GetNameReview(id);
  }
  Result<std::vector<NameReview>> ListNameReviews() override { return inner_.ListNameReviews(); }
  Status PutUser(const UserRecord& user) override;
  Result<std::optional<UserRecord>> GetUser(std::string_view name) override {
    return inner_.GetUser(name);
  }
  Result<std::vector<UserRecord>> ListUsers() override { return inner_.ListUsers(); }
  Result<std::optional<IncidentProvenance>> GetIncidentProvenance(std::string_view id) override {
    return inner_.GetIncidentProvenance(id);
  }
  Status SetIncidentEditor(std::string_view id, std::string_view principal) override {
    return inner_.SetIncidentEditor(id, principal);
  }
  Status AppendAuditRecord(const security::AuditRecord& record) override {
    return inner_.AppendAuditRecord(record);
  }
  Status AppendAuditCheckpoint(const security::AuditCheckpoint& checkpoint) override {
    return inner_.AppendAuditCheckpoint(checkpoint);
  }
  Result<security::AuditHead> GetAuditHead() override { return inner_.GetAuditHead(); }
  Status ScanAuditRecords(const std::function<Status(const security::AuditRecord&)>& fn) override {
    return inner_.ScanAuditRecords(fn);
  }
  Result<std::vector<security::AuditCheckpoint>> ListAuditCheckpoints() override {
    return inner_.ListAuditCheckpoints();
  }
  Status AppendStateEntries(std::span<const StateEntry> entries) override {
    return inner_.AppendStateEntries(entries);
  }
  Result<std::optional<std::string>> LatestStateDigest(std::string_view collection,
                                                       std::string_view id) override {
    MARA_RETURN_IF_ERROR(Flush());
    return inner_.LatestStateDigest(collection, id);
  }
  bool PendingDataChange() const override { return inner_.PendingDataChange(); }
  Status ScanStateEntries(const std::function<Status(const StateEntry&)>& fn) override {
    return inner_.ScanStateEntries(fn);
  }
  bool HasDataKey() const override { return inner_.HasDataKey(); }
  Result<int64_t> ResealFields() override { return inner_.ResealFields(); }
  Result<std::string> IntegrityCheck() override { return inner_.IntegrityCheck(); }
  Result<bool> ReadOnly() override { return inner_.ReadOnly(); }

 private:
  template <typename T>
  Status Ledgered(const T& v, std::string_view collection) {
    std::string key = StateKey(v);
    std::string digest = StateDigest(v);
    MARA_ASSIGN_OR_RETURN(std::optional<std::string> before, PreviousDigest(collection, key));
    MARA_RETURN_IF_ERROR(inner_.Put(v));
    Track(collection, key, before, digest);
    NoteChange(collection);
    return Note(collection, std::move(key), std::move(digest));
  }
  Status Note(std::string_view collection, std::string id, std::string digest);
  Status Flush();
  void Drop();
  // Reads the stored accumulator once per transaction.
  Status LoadDigest();
  // The record's current state digest when the accumulator is maintained
  // (nullopt when it is not, "" when the record does not exist).
  Result<std::optional<std::string>> PreviousDigest(std::string_view collection,
                                                    std::string_view key);
  // Moves the accumulator from `before` ("" for none) to `after` ("" for
  // none); nothing when `before` is nullopt (not maintained).
  void Track(std::string_view collection, std::string_view key,
             const std::optional<std::string>& before, std::string_view after);
  Status StoreDigest();
  // Records a write of `collection` (not incidents) in the pending change.
  void NoteChange(std::string_view collection);
  DataChange& PendingChange();

  enum class DigestMode { kUnread, kMaintained, kStale };

  Store& inner_;
  std::optional<uint64_t> seq_;  // the audit record pending writes belong to
  uint64_t ord_ = 0;
  StateDigester digester_;
  std::vector<StateEntry> pending_;
  DigestMode digest_mode_ = DigestMode::kUnread;
  // When kMaintained: as read, plus this transaction's settled writes; the
  // elements of the others are being summed by `elements_`.
  StoredDigestState digest_;
  ElementBatcher elements_;
  DataChangeLog* change_log_ = nullptr;
  std::shared_ptr<DataChange> change_;  // this transaction's, with a log
};

// One record whose current state the chain does not account for.
struct StateFinding {
  std::string collection;
  std::string id;
  std::string what;  // "edited", "inserted" or "deleted", with the chain's record
};

struct StateVerification {
  bool covered = false;    // the chain covers the state (a coverage start was found)
  uint64_t since_seq = 0;  // where coverage begins
  uint64_t records = 0;    // current records compared
  uint64_t entries = 0;    // ledger entries checked against the chain
  std::optional<security::AuditProblem> ledger_problem;  // the ledger disagrees with the chain
  std::vector<StateFinding> findings;                    // in collection, id order
  uint64_t more_findings = 0;                            // beyond the first kMaxStateFindings
  std::string note;  // why the state is not covered, when it is not
};
inline constexpr size_t kMaxStateFindings = 100;

// Checks the ledger against the audit records' state digests, then every
// current record against the ledger, then what the store derives from the
// records (Store::IntegrityCheck: the assessment's projection of the
// incidents, references). Reads only. Store failures come back
// as the Status; tampering is the result's finding.
Result<StateVerification> VerifyState(Store& store);

// Ledgers every record of a store whose chain does not cover its state yet
// (an older store), in one transaction with an `audit.state_baseline` audit
// record; does nothing when coverage already began. `audit` appends the
// record (Session::Audit).
Status WriteStateBaseline(LedgeredStore& store,
                          const std::function<Status(security::AuditEntry)>& audit);

}  // namespace mara

#endif  // MARA_SERVICE_STATE_LEDGER_H_
