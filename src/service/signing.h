// Signed reports (docs/security.md §7): a detached Ed25519 signature beside
// every report file, naming the data and policy digests the report was made
// from (security/signature.h, format `mara-signature/1`, docs/keys.md §5).
//
// Contract:
// - SignReportFile reads the finished file at `report_path`, signs it with
//   the installation's signing key and writes `<report_path>.sig`
//   atomically (temporary file, then rename), and audits `report.sign`.
//   Returns the signature path. kInvalidArgument for provenance values that
//   break the metadata rules, kNotFound / kIOError for the file system.
// - SignReportBytes returns the detached signature text of `bytes` with
//   the same metadata, writes nothing and audits nothing: for a caller that
//   writes the file and records the signing in its own audit record (the
//   publication of a cycle, service/publication.h).
// - VerifyReportFile checks `signature_path` (default `<report_path>.sig`)
//   over the file's bytes with `key`: the SignatureInfo names the data and
//   policy digests (metadata "data-digest", "policy-digest"); kCorruption
//   when the file or signature was changed or another key signed it.
// Thread-compatible; a Session is used from one thread.
#ifndef MARA_SERVICE_SIGNING_H_
#define MARA_SERVICE_SIGNING_H_

#include <string>
#include <string_view>

#include "common/status.h"
#include "security/key_file.h"
#include "security/signature.h"
#include "service/session.h"

namespace mara {

struct ReportProvenance {
  std::string data_digest;
  std::string policy_digest;
  std::string policy_name;  // optional
  int cycle = 0;            // 0: not given
  std::string edition;      // "public" | "confidential" (optional)
  std::string format;       // "html" | "md" | "json" | "csv" | "ftm" (optional)
  std::string language;     // "ar" | "en" | "es" | "fr" | "ru" | "zh" (optional)
};

Result<std::string> SignReportFile(Session& session, const std::string& report_path,
                                   const ReportProvenance& provenance);
Result<std::string> SignReportBytes(const Session& session, std::string_view bytes,
                                    const ReportProvenance& provenance);
Result<security::SignatureInfo> VerifyReportFile(const std::string& report_path,
                                                 const std::string& signature_path,
                                                 const security::PublicKey& key);

}  // namespace mara

#endif  // MARA_SERVICE_SIGNING_H_
