#include "service/signing.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/text.h"
#include "service/core.h"

namespace mara {
namespace {

Result<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(QuoteForMessage(path) + ": cannot open");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return Status::IOError(QuoteForMessage(path) + ": read failed");
  return bytes.str();
}

}  // namespace

Result<std::string> SignReportBytes(const Session& session, std::string_view bytes,
                                    const ReportProvenance& provenance) {
  security::SignatureMetadata metadata;
  if (!provenance.data_digest.empty()) metadata["data-digest"] = provenance.data_digest;
  if (!provenance.policy_digest.empty()) metadata["policy-digest"] = provenance.policy_digest;
  if (!provenance.policy_name.empty()) metadata["policy"] = provenance.policy_name;
  if (provenance.cycle != 0) metadata["cycle"] = std::to_string(provenance.cycle);
  if (!provenance.edition.empty()) metadata["edition"] = provenance.edition;
  if (!provenance.format.empty()) metadata["format"] = provenance.format;
  if (!provenance.language.empty()) metadata["language"] = provenance.language;
  return security::SignDetached(bytes, metadata, *session.keys().signing_key);
}

Result<std::string> SignReportFile(Session& session, const std::string& report_path,
                                   const ReportProvenance& provenance) {
  MARA_ASSIGN_OR_RETURN(std::string bytes, ReadAll(report_path));
  MARA_ASSIGN_OR_RETURN(std::string signature, SignReportBytes(session, bytes, provenance));
  const std::string sig_path = report_path + ".sig";
  const std::string temp = sig_path + ".partial";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << signature;
    out.flush();
    if (!out) return Status::IOError(QuoteForMessage(temp) + ": write failed");
  }
  std::error_code ec;
  std::filesystem::rename(temp, sig_path, ec);
  if (ec) return Status::IOError(QuoteForMessage(sig_path) + ": " + ec.message());
  MARA_RETURN_IF_ERROR(session.AuditRead({"", "report.sign", "reports",
                                          std::filesystem::path(report_path).filename().string(),
                                          "", Blake2bHex(bytes)}));
  return sig_path;
}

Result<security::SignatureInfo> VerifyReportFile(const std::string& report_path,
                                                 const std::string& signature_path,
                                                 const security::PublicKey& key) {
  MARA_ASSIGN_OR_RETURN(std::string bytes, ReadAll(report_path));
  const std::string sig = signature_path.empty() ? report_path + ".sig" : signature_path;
  MARA_ASSIGN_OR_RETURN(std::string text, ReadAll(sig));
  Result<security::SignatureInfo> info = security::VerifyDetached(bytes, text, key);
  if (!info.ok()) return info.status().WithPrefix(report_path);
  return info;
}

}  // namespace mara
