// The service layer's own door to the store: the unchecked store-level
// cores that the authorised operations (authorized.h, incidents.h, ...)
// wrap, and the audit sink over the store's tables. Only the service layer
// and its tests include this header; above it (the CLI, the HTTP API, the
// report renderer) it stops the build (storage/inner_layer.h), so the
// record is read and written only by operations that take the acting
// principal, check its permission and audit the change.
//
// Each function behaves as the contract of the header named in its section
// says; none checks a permission or writes an audit record itself.
#ifndef MARA_SERVICE_CORE_H_
#define MARA_SERVICE_CORE_H_

#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "service/assess.h"
#include "service/audit.h"
#include "service/case.h"
#include "service/decisions.h"
#include "service/digest.h"
#include "service/export.h"
#include "service/import.h"
#include "service/name_review.h"
#include "service/session.h"
#include "service/stats.h"
#include "service/store_transfer.h"
#include "storage/store.h"

namespace mara {

// The AuditSink over a Store's audit tables.
class StoreAuditSink : public security::AuditSink {
 public:
  explicit StoreAuditSink(Store& store) : store_(store) {}
  Status Append(const security::AuditRecord& record) override;
  Status AppendCheckpoint(const security::AuditCheckpoint& checkpoint) override;
  Result<security::AuditHead> Head() const override;
  Status ScanRecords(
      const std::function<Status(const security::AuditRecord&)>& visit) const override;
  Result<std::vector<security::AuditCheckpoint>> Checkpoints() const override;

 private:
  Store& store_;
};

// The store's checkpoint interval (audit.h): the meta setting, or
// security::kDefaultCheckpointEvery; kCorruption for a value out of range.
Result<uint64_t> CheckpointEveryIn(Store& store);
// The head's checkpoint signed with `key`, and the head record's time:
// kNotFound for an empty log, kCorruption when no valid checkpoint by `key`
// seals the head.
Result<SignedAuditHead> SignedHeadIn(Store& store, const security::PublicKey& key);

// --- assess.h ---

Result<Assessment> AssessCycle(Store& store, const Policy& policy, int cycle);

// --- case.h ---

Result<StatementOfCase> BuildStatementOfCase(Store& store, const Policy& policy,
                                             std::string_view party_id, int cycle,
                                             i18n::Language lang = i18n::Language::kEn);

// --- decisions.h ---

Status RecordDecision(Store& store, const Decision& decision, Date today);

Result<Petition> FilePetition(Store& store, const PetitionFiling& filing, Date today);

Result<PetitionRulingResult> DecidePetition(Store& store, const Policy& policy,
                                            const PetitionRuling& ruling, Date today);

// --- digest.h ---

Result<std::string> DataDigest(Store& store);

// --- evidence.h ---

// Stores the file at `path` in the evidence directory the way evidence
// contents are stored (encrypted with the current data key, named by the
// SHA-256 of its bytes, the media type guessed from its extension) without
// an evidence item: an evidence intake and a communication's attachments.
// *added is the stored file's path when this call created it ("" when the
// same content was there already), for the caller to remove when its
// record is refused. kNotFound without a data key or for a missing file,
// kInvalidArgument for a file that is not regular, kIOError.
Result<Attachment> StoreEvidenceFile(Session& session, const std::string& path, std::string* added);

// The plain bytes of the stored file for `file` (StoreEvidenceFile),
// checked against its SHA-256 and size: kCorruption when they differ,
// kNotFound when the file is gone. No permission check: the caller's.
Result<std::string> LoadEvidenceFile(Session& session, const Attachment& file);

// --- export.h ---

Status ExportStore(Store& store, ExportFormat format, std::ostream& out);

Status ExportStore(Store& store, std::string_view format, std::ostream& out);

// --- import.h ---

Result<ImportReport> ImportFile(Store& store, const std::string& path,
                                const ImportOptions& options);

// --- name_review.h ---

Result<ReviewOutcome> DecideNameReview(Store& store, const ReviewDecision& decision);

// Entries in id order; only pending ones unless `all`.
Result<std::vector<NameReview>> ListNameReviews(Store& store, bool all);

// --- stats.h ---

Result<Stats> ComputeStats(Store& store);

// --- store_transfer.h ---

Result<CopyReport> CopyStore(Store& from, Store& to);

// `store` is the open store named by `url` (for the digest).
Result<BackupReport> BackupStore(Store& store, const std::string& url, const std::string& out);

// The audited entry points (see the contract above). `to_name` is how the
// destination was named (a path or URL), for the audit record.
Result<CopyReport> CopyStore(Session& session, Store& to, std::string_view to_name);

}  // namespace mara

#endif  // MARA_SERVICE_CORE_H_
