#include "service/audit.h"

namespace mara {

Result<security::AuditVerification> VerifyAudit(
    Session& session, const std::vector<security::PublicKey>& extra_trusted) {
  MARA_RETURN_IF_ERROR(session.Authorize(security::Operation::kReadAuditLog));
  std::vector<security::PublicKey> trusted = extra_trusted;
  trusted.push_back(session.keys().signing_key->public_key());
  StoreAuditSink sink(session.store());
  MARA_ASSIGN_OR_RETURN(security::AuditVerification result,
                        security::VerifyAuditLog(sink, trusted));
  if (result.ok()) MARA_RETURN_IF_ERROR(session.AuditRead({"", "audit.verify", "", "", "", ""}));
  return result;
}

}  // namespace mara
