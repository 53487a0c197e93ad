// Publishing a cycle's annex (docs/reports.md, "Publishing a cycle"): one
// decision maker requests the publication of cycle Y with a statement, a
// different decision maker signs it off, and the sign-off freezes the public
// edition of the report as a signed set of files with a publication record.
//
// Contract:
// - RequestPublication: kRecordDecision with the statement as its rationale
//   (blank: kInvalidArgument); a cycle after the session clock's year is
//   kInvalidArgument (CheckCycle); a cycle with a request not yet signed
//   off is kConflict. The request takes the cycle's next number (1, 2, ...)
//   and names the policy and the data digest it was made on. Stored as the
//   meta entry `publication/<cycle>/<number, 4 digits>` (a ledgered prefix,
//   service/state_ledger.h) in the transaction of its audit record
//   `publication.request` (collection "publications", target
//   "<cycle>/<number>", after digest the record's BLAKE2b-256).
// - SignOffPublication: kRecordDecision; no request pending for the cycle
//   is kNotFound (one already signed off is no longer pending, so signing
//   it again is kNotFound too); the principal who requested it is
//   kPermissionDenied (four eyes: nobody publishes alone); a policy other
//   than the request's (by digest) is kConflict. Then `render` makes the
//   public edition's files (report/publication.h in the outer layers); each
//   is signed (service/signing.h, `<name>.sig` beside it) and written to a
//   private staging folder, which is renamed to
//   `PublicationsDir()/<cycle>-<number>` inside the transaction that
//   stores the record (state "published", signer and time, data digest,
//   the audit head before its own audit record, the SHA-256 of every file
//   and signature) with its audit record `publication.signoff` (before
//   digest the request's). When the data changed between the rendering and
//   the transaction the sign-off is kConflict and nothing is kept. A
//   failure leaves the request pending and no folder behind.
// - A publication never changes afterwards: later data changes leave its
//   files and record as they are; another request of the same cycle gets
//   the next number and the earlier ones stay listed.
// - ListPublications: kReadPublic somewhere. Principals who may decide
//   (kRecordDecision) or read the confidential record everywhere see every
//   record, pending requests included; the others see published records
//   without the statement and the principals' names (as the public edition
//   leaves out rationales and deciders). Ordered by cycle, then number.
// - LatestPublication: the same view; the highest-numbered published
//   record of the cycle, or nullopt.
// - ReadPublishedFile: kReadPublic somewhere; the bytes of one file the
//   record lists (any other name, or a publication that is not published,
//   is kNotFound); bytes whose SHA-256 is not the recorded one are
//   kCorruption.
// - PublicationIsCurrent: kReadPublic somewhere; whether the store's data
//   digest is still the one `publication` was made from (one bit about the
//   data, the same for every reader, not the digest itself).
// A Session is used from one thread.
#ifndef MARA_SERVICE_PUBLICATION_H_
#define MARA_SERVICE_PUBLICATION_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "policy/policy.h"
#include "service/session.h"

namespace mara {

inline constexpr std::string_view kPublicationMetaPrefix = "publication/";

struct PublishedFile {
  std::string name;    // "report-2025-public.html", "report-2025-public.html.sig"
  std::string format;  // "html", "md", "json", "csv", "ftm" or "signature"
  uint64_t bytes = 0;
  std::string sha256;  // lowercase hex
};

struct Publication {
  int cycle = 0;
  int number = 0;
  std::string state;  // "requested" or "published"
  std::string rationale;
  std::string requested_by;
  std::string requested_at;  // "2026-01-31T12:00:00Z"
  std::string signed_off_by;
  std::string signed_off_at;
  std::string policy_name;
  std::string policy_version;
  std::string policy_digest;
  std::string requested_data_digest;  // when requested
  std::string data_digest;            // of the published files
  uint64_t audit_seq = 0;             // the audit head before the sign-off's record
  std::string audit_hash;
  std::string directory;  // "<cycle>-<number>", under PublicationsDir
  std::vector<PublishedFile> files;
};

// One file of the public edition, as the outer layer rendered it.
struct RenderedFile {
  std::string name;    // a plain file name
  std::string format;  // "html", "md", "json", "csv" or "ftm"
  std::string bytes;
};
struct RenderedSet {
  std::string data_digest;  // the data digest the files were made from
  std::vector<RenderedFile> files;
};
using PublicationRenderer =
    std::function<Result<RenderedSet>(Session& session, const Policy& policy, int cycle)>;

// Where publications are written: `<db>.publications` for a database file,
// else `<evidence dir>.publications` (the evidence directory as
// ResolveEvidenceDir gives it).
std::string PublicationsDir(const Session& session);
std::string PublicationsDir(const SessionOptions& options);

Result<Publication> RequestPublication(Session& session, const Policy& policy, int cycle,
                                       const std::string& rationale);
Result<Publication> SignOffPublication(Session& session, const Policy& policy, int cycle,
                                       const PublicationRenderer& render);
Result<std::vector<Publication>> ListPublications(Session& session,
                                                  std::optional<int> cycle = std::nullopt);
Result<std::optional<Publication>> LatestPublication(Session& session, int cycle);
Result<std::string> ReadPublishedFile(Session& session, int cycle, int number,
                                      std::string_view name);
Result<bool> PublicationIsCurrent(Session& session, const Publication& publication);

// The record as stored and as the CLI and the API show it (members in the
// order of Publication; empty strings stay, as the view left them).
nlohmann::ordered_json PublicationToJson(const Publication& publication);

}  // namespace mara

#endif  // MARA_SERVICE_PUBLICATION_H_
