#include "service/store_transfer.h"

#include <fmt/format.h>

#include <filesystem>

#include "security/key_file.h"
#include "service/core.h"
#include "service/digest.h"
#include "storage/backup.h"

namespace mara {
namespace {

// What makes `store` non-empty, or "" when it holds nothing.
Result<std::string> Contents(Store& store) {
  MARA_ASSIGN_OR_RETURN(CollectionCounts counts, store.Counts());
  for (size_t i = 0; i < 12; ++i) {
    if (counts.counts[i] > 0) {
      return fmt::format("{} {}", counts.counts[i], kCollectionNames[i]);
    }
  }
  MARA_ASSIGN_OR_RETURN(std::vector<ImportRecord> imports, store.ListImports());
  if (!imports.empty()) return fmt::format("{} imports", imports.size());
  MARA_ASSIGN_OR_RETURN(std::vector<UserRecord> users, store.ListUsers());
  if (!users.empty()) return fmt::format("{} users", users.size());
  MARA_ASSIGN_OR_RETURN(std::vector<NameReview> reviews, store.ListNameReviews());
  if (!reviews.empty()) return fmt::format("{} name reviews", reviews.size());
  MARA_ASSIGN_OR_RETURN(std::vector<Communication> communications, store.ListCommunications());
  if (!communications.empty()) return fmt::format("{} communications", communications.size());
  MARA_ASSIGN_OR_RETURN(security::AuditHead head, store.GetAuditHead());
  if (head.seq > 0) return fmt::format("{} audit records", head.seq);
  return std::string();
}

template <typename T>
Status PutEach(Store& to, const std::vector<T>& values, Collection c, CopyReport* report) {
  for (const T& v : values) {
    MARA_RETURN_IF_ERROR(to.Put(v));
    report->counts.counts[static_cast<size_t>(c)]++;
  }
  return Status::Ok();
}

Status CopyAll(Store& from, Store& to, CopyReport* report) {
  MARA_ASSIGN_OR_RETURN(Bundle b, from.LoadRegistry());
  MARA_RETURN_IF_ERROR(PutEach(to, b.situations, Collection::kSituations, report));
  MARA_RETURN_IF_ERROR(PutEach(to, b.parties, Collection::kParties, report));
  MARA_RETURN_IF_ERROR(PutEach(to, b.sources, Collection::kSources, report));
  MARA_RETURN_IF_ERROR(PutEach(to, b.evidence, Collection::kEvidence, report));
  MARA_RETURN_IF_ERROR(PutEach(to, b.findings, Collection::kFindings, report));
  MARA_RETURN_IF_ERROR(PutEach(to, b.commitments, Collection::kCommitments, report));
  MARA_RETURN_IF_ERROR(PutEach(to, b.decisions, Collection::kDecisions, report));
  MARA_RETURN_IF_ERROR(PutEach(to, b.designations, Collection::kDesignations, report));
  MARA_RETURN_IF_ERROR(PutEach(to, b.statements, Collection::kStatements, report));
  MARA_RETURN_IF_ERROR(PutEach(to, b.engagements, Collection::kEngagements, report));
  MARA_RETURN_IF_ERROR(PutEach(to, b.petitions, Collection::kPetitions, report));

  // The import log keeps its order; incidents are written outside any
  // import (id 0), since their import ids only served duplicate detection
  // while that import ran.
  MARA_ASSIGN_OR_RETURN(std::vector<ImportRecord> imports, from.ListImports());
  for (const ImportRecord& r : imports) {
    MARA_ASSIGN_OR_RETURN(int64_t id, to.StartImport(r));
    MARA_RETURN_IF_ERROR(to.FinishImport(id, r.accepted, r.rejected));
    ++report->imports;
  }

  MARA_RETURN_IF_ERROR(from.ScanIncidents([&](const Incident& v) -> Status {
    MARA_ASSIGN_OR_RETURN(PutOutcome outcome, to.PutIncident(v, 0));
    (void)outcome;
    report->counts.counts[static_cast<size_t>(Collection::kIncidents)]++;
    MARA_ASSIGN_OR_RETURN(std::optional<IncidentProvenance> p, from.GetIncidentProvenance(v.id));
    if (p && (!p->created_by.empty() || !p->last_edited_by.empty())) {
      // The first call sets both fields (no creator is known yet); the
      // second moves the editor on.
      if (!p->created_by.empty()) MARA_RETURN_IF_ERROR(to.SetIncidentEditor(v.id, p->created_by));
      if (!p->last_edited_by.empty()) {
        MARA_RETURN_IF_ERROR(to.SetIncidentEditor(v.id, p->last_edited_by));
      }
    }
    return Status::Ok();
  }));

  MARA_ASSIGN_OR_RETURN(std::vector<UserRecord> users, from.ListUsers());
  for (const UserRecord& u : users) {
    MARA_RETURN_IF_ERROR(to.PutUser(u));
    ++report->users;
  }
  MARA_ASSIGN_OR_RETURN(std::vector<NameReview> reviews, from.ListNameReviews());
  for (const NameReview& r : reviews) {
    MARA_ASSIGN_OR_RETURN(int64_t id, to.PutNameReview(r));
    (void)id;
    ++report->name_reviews;
  }
  MARA_ASSIGN_OR_RETURN(std::vector<Communication> communications, from.ListCommunications());
  for (const Communication& c : communications) {
    MARA_RETURN_IF_ERROR(to.PutCommunication(c));
    ++report->communications;
  }
  MARA_RETURN_IF_ERROR(from.ScanAuditRecords([&](const security::AuditRecord& r) -> Status {
    MARA_RETURN_IF_ERROR(to.AppendAuditRecord(r));
    ++report->audit_records;
    return Status::Ok();
  }));
  MARA_ASSIGN_OR_RETURN(std::vector<security::AuditCheckpoint> checkpoints,
                        from.ListAuditCheckpoints());
  for (const security::AuditCheckpoint& c : checkpoints) {
    MARA_RETURN_IF_ERROR(to.AppendAuditCheckpoint(c));
    ++report->audit_checkpoints;
  }
  // The state ledger, which ties the records to the chain, goes with it.
  std::vector<StateEntry> batch;
  MARA_RETURN_IF_ERROR(from.ScanStateEntries([&](const StateEntry& e) -> Status {
    batch.push_back(e);
    if (batch.size() < 4096) return Status::Ok();
    Status s = to.AppendStateEntries(batch);
    batch.clear();
    return s;
  }));
  return to.AppendStateEntries(batch);
}

}  // namespace

Result<CopyReport> CopyStore(Store& from, Store& to) {
  MARA_ASSIGN_OR_RETURN(std::string held, Contents(to));
  if (!held.empty()) {
    return Status::Conflict("the destination store is not empty (it holds " + held +
                            "); copy into a new database");
  }
  CopyReport report;
  Transaction txn(&to);
  MARA_RETURN_IF_ERROR(txn.Begin());
  MARA_RETURN_IF_ERROR(CopyAll(from, to, &report));
  MARA_RETURN_IF_ERROR(txn.Commit());

  MARA_ASSIGN_OR_RETURN(std::string before, DataDigest(from));
  MARA_ASSIGN_OR_RETURN(std::string after, DataDigest(to));
  if (before != after) {
    return Status::Corruption("the copy differs from its source: data digest " + after +
                              " instead of " + before);
  }
  report.data_digest = before;
  return report;
}

std::string FormatCopyReport(const CopyReport& r) {
  std::string out;
  for (size_t i = 0; i < 12; ++i) {
    if (r.counts.counts[i] > 0)
      out += fmt::format("{:<14} {}\n", kCollectionNames[i], r.counts.counts[i]);
  }
  out += fmt::format("{:<14} {}\n", "imports", r.imports);
  out += fmt::format("{:<14} {}\n", "users", r.users);
  out += fmt::format("{:<14} {}\n", "name reviews", r.name_reviews);
  if (r.communications > 0) {
    out += fmt::format("{:<14} {}\n", "communications", r.communications);
  }
  out += fmt::format("{:<14} {} (+{} checkpoints)\n", "audit records", r.audit_records,
                     r.audit_checkpoints);
  out += fmt::format("data digest    {} (equal in both stores)\n", r.data_digest);
  return out;
}

namespace {

// "postgresql://user:secret@host/db" -> "postgresql://user@host/db".
std::string WithoutPassword(std::string_view name) {
  const size_t scheme = name.find("://");
  if (scheme == std::string_view::npos) return std::string(name);
  const size_t start = scheme + 3;
  const size_t at = name.find('@', start);
  const size_t slash = name.find('/', start);
  if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at)) {
    return std::string(name);
  }
  const size_t colon = name.find(':', start);
  if (colon == std::string_view::npos || colon > at) return std::string(name);
  return std::string(name.substr(0, colon)) + std::string(name.substr(at));
}

}  // namespace

Result<CopyReport> CopyStore(Session& session, Store& to, std::string_view to_name) {
  MARA_RETURN_IF_ERROR(session.RequireEverywhere(security::Operation::kTransferStore));
  MARA_RETURN_IF_ERROR(session.AuditRead({"", "store.copy", "", WithoutPassword(to_name), "", ""}));
  return CopyStore(session.store(), to);
}

Result<CopyReport> CopyStoreTo(Session& session, const SessionOptions& to) {
  MARA_RETURN_IF_ERROR(session.RequireEverywhere(security::Operation::kTransferStore));
  StoreOptions options;
  options.create_if_missing = true;
  const std::string keys = ResolveKeyFile(to);
  std::error_code ec;
  if (std::filesystem::exists(keys, ec)) {
    MARA_ASSIGN_OR_RETURN(security::KeyMaterial material,
                          security::LoadKeys(security::KeySourceFromEnvironment(keys)));
    options.keys = std::make_shared<const security::KeyMaterial>(std::move(material));
  }
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<Store> destination, OpenStore(to.db, options));
  return CopyStore(session, *destination, to.db);
}

Result<BackupReport> BackupStore(Session& session, const std::string& out) {
  MARA_RETURN_IF_ERROR(session.RequireEverywhere(security::Operation::kTransferStore));
  if (session.db().empty()) {
    return Status::InvalidArgument("a backup needs a store opened by its path or URL");
  }
  MARA_ASSIGN_OR_RETURN(BackupReport report, BackupStore(session.store(), session.db(), out));
  MARA_RETURN_IF_ERROR(
      session.AuditRead({"", "store.backup", "", std::filesystem::path(out).filename().string(), "",
                         report.data_digest}));
  return report;
}

Result<BackupReport> BackupStore(Store& store, const std::string& url, const std::string& out) {
  BackupReport report;
  report.file = out;
  report.backend = std::string(store.Backend());
  MARA_ASSIGN_OR_RETURN(report.data_digest, DataDigest(store));
  MARA_RETURN_IF_ERROR(BackupDatabase(url, out));
  return report;
}

}  // namespace mara
